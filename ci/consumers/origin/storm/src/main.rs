//! A thread runtime's exit under a storm of signals: origin's threads, each detached, so that it
//! frees its own stack as it exits, while a sender thread sends every one of them SIGUSR1, which
//! has a handler, as fast as it can. ci/consumers.sh builds it against origin three ways: as
//! published (origin blocks every signal, then exits with its own asm), switched to
//! munmap::munmap_and_exit (which blocks them itself; origin's own blocking removed), and the
//! negative control (origin's blocking removed, its own asm kept), which must die by SIGSEGV: a
//! signal delivered onto a stack just unmapped.
//!
//! `origin-storm THREADS`: prints what it saw, and exits with 0 when every thread ran and exited
//! and the process's mappings came back to their count; else 1.

#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::fmt::Write;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use origin::signal::{Sigaction, SigactionFlags, Signal};
use origin::thread;
use rustix::runtime::KernelSigSet;

/// Threads in flight at a time.
const IN_FLIGHT: usize = 8;

static STARTED: AtomicUsize = AtomicUsize::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);
static HANDLED: AtomicUsize = AtomicUsize::new(0);
static SENT: AtomicUsize = AtomicUsize::new(0);
static STOP: AtomicBool = AtomicBool::new(false);
/// The thread id of the thread in each slot, 0 when there is none.
static SLOTS: [AtomicI32; IN_FLIGHT] = [const { AtomicI32::new(0) }; IN_FLIGHT];

/// The little origin allocates (its at-exit lists), from a fixed arena; freed memory is not
/// reused.
struct Arena;

static ARENA: [u8; 1 << 20] = [0; 1 << 20];
static USED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut used = USED.load(Ordering::Relaxed);
        loop {
            let start = (used + layout.align() - 1) & !(layout.align() - 1);
            if start + layout.size() > ARENA.len() {
                return core::ptr::null_mut();
            }
            match USED.compare_exchange(
                used,
                start + layout.size(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return ARENA.as_ptr().wrapping_add(start).cast_mut(),
                Err(now) => used = now,
            }
        }
    }

    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static GLOBAL: Arena = Arena;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let _ = writeln!(Out, "origin-storm: {}", info);
    rustix::runtime::exit_group(2)
}

/// Stable Rust without unwinding still links a personality routine.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

/// Standard output, one write per piece.
struct Out;

impl Write for Out {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        // SAFETY: standard output stays open for the whole run.
        let stdout = unsafe { rustix::stdio::stdout() };
        rustix::io::write(stdout, text.as_bytes()).map_err(|_| core::fmt::Error)?;
        Ok(())
    }
}

unsafe extern "C" fn on_signal(_: i32) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// A thread: takes a slot, works a little on its stack, and returns; origin then frees its stack
/// and ends it.
unsafe fn worker(args: &mut [Option<NonNull<c_void>>]) -> Option<NonNull<c_void>> {
    let slot = args[0].map_or(0, |p| p.as_ptr() as usize - 1);
    SLOTS[slot].store(
        thread::current_id().as_raw_nonzero().get(),
        Ordering::Release,
    );
    let mut buffer = [0u8; 256];
    for (i, b) in buffer.iter_mut().enumerate() {
        *b = i as u8;
    }
    let sum: usize = buffer
        .iter()
        .map(|&b| unsafe { core::ptr::read_volatile(&b) } as usize)
        .sum();
    assert_eq!(sum, 255 * 128);
    SLOTS[slot].store(0, Ordering::Release);
    FINISHED.fetch_add(1, Ordering::Release);
    None
}

/// The sender: SIGUSR1 to every thread in a slot, over and over, until STOP.
unsafe fn sender(_: &mut [Option<NonNull<c_void>>]) -> Option<NonNull<c_void>> {
    while !STOP.load(Ordering::Relaxed) {
        for slot in &SLOTS {
            let tid = slot.load(Ordering::Acquire);
            if let Some(pid) = rustix::process::Pid::from_raw(tid) {
                // SAFETY: a signal with a handler, to a thread of this process (or, its id reused,
                // to nothing or another of its threads, which runs the handler).
                if unsafe { rustix::runtime::tkill(pid, Signal::USR1) }.is_ok() {
                    SENT.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    None
}

/// The number of lines of /proc/self/`what` (maps), or of entries of /proc/self/task.
fn count(path: &str) -> usize {
    if path.ends_with("task") {
        let dir = rustix::fs::open(
            path,
            rustix::fs::OFlags::DIRECTORY,
            rustix::fs::Mode::empty(),
        )
        .expect("open /proc/self/task");
        let mut buffer = [core::mem::MaybeUninit::uninit(); 4096];
        let mut entries = 0;
        let mut dir = rustix::fs::RawDir::new(dir, &mut buffer);
        while let Some(entry) = dir.next() {
            let entry = entry.expect("read /proc/self/task");
            if !entry.file_name().to_bytes().starts_with(b".") {
                entries += 1;
            }
        }
        return entries;
    }
    let file = rustix::fs::open(path, rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty())
        .expect("open /proc/self/maps");
    let mut buffer = [0u8; 4096];
    let mut lines = 0;
    loop {
        let n = rustix::io::read(&file, &mut buffer).expect("read /proc/self/maps");
        if n == 0 {
            return lines;
        }
        lines += buffer[..n].iter().filter(|&&b| b == b'\n').count();
    }
}

/// The number of THREADS from the command line (argv[1]), 20,000 without one.
unsafe fn threads_argument(argc: usize, argv: *mut *mut u8) -> usize {
    if argc < 2 {
        return 20_000;
    }
    let mut n = 0;
    let mut p = unsafe { *argv.add(1) };
    while let Some(digit) = unsafe { *p }.checked_sub(b'0').filter(|d| *d < 10) {
        n = n * 10 + usize::from(digit);
        p = p.wrapping_add(1);
    }
    n
}

#[unsafe(no_mangle)]
unsafe fn origin_main(argc: usize, argv: *mut *mut u8, _envp: *mut *mut u8) -> i32 {
    let threads = unsafe { threads_argument(argc, argv) };
    let action = Sigaction {
        sa_handler_kernel: Some(on_signal),
        sa_flags: SigactionFlags::RESTART,
        sa_restorer: None,
        sa_mask: KernelSigSet::empty(),
    };
    // SAFETY: the handler only counts.
    unsafe { origin::signal::sigaction(Signal::USR1, Some(action)) }.expect("sigaction");
    let mappings_before = count("/proc/self/maps");
    let stack = thread::default_stack_size();
    let guard = thread::default_guard_size();
    // SAFETY: the sender uses only statics.
    let sender = unsafe { thread::create(sender, &[], stack, guard) }.expect("the sender thread");
    for n in 0..threads {
        while STARTED.load(Ordering::Relaxed) - FINISHED.load(Ordering::Acquire) >= IN_FLIGHT {
            thread::yield_current();
        }
        // A free slot: one whose thread has finished.
        let slot = (0..IN_FLIGHT)
            .find(|&s| SLOTS[s].load(Ordering::Acquire) == 0)
            .unwrap_or(n % IN_FLIGHT);
        STARTED.fetch_add(1, Ordering::Relaxed);
        let arg = NonNull::new((slot + 1) as *mut c_void);
        // SAFETY: the thread uses only statics and its argument, a number.
        let thread = unsafe { thread::create(worker, &[arg], stack, guard) }.expect("a thread");
        // SAFETY: a thread just made, detached once, never joined.
        unsafe { thread::detach(thread) };
    }
    while FINISHED.load(Ordering::Acquire) < threads {
        thread::yield_current();
    }
    // Every detached thread gone, but the main thread and the sender.
    let mut spins = 0;
    while count("/proc/self/task") > 2 && spins < 1_000_000 {
        thread::yield_current();
        spins += 1;
    }
    STOP.store(true, Ordering::Relaxed);
    // SAFETY: the sender, joined once.
    unsafe { thread::join(sender) };
    let mut spins = 0;
    while count("/proc/self/task") > 1 && spins < 1_000_000 {
        thread::yield_current();
        spins += 1;
    }
    let tasks = count("/proc/self/task");
    let mappings_after = count("/proc/self/maps");
    let _ = writeln!(
        Out,
        "origin-storm: {} threads exited; {} signals sent to them, the handler ran {} times; \
         tasks left: {}, mappings {} before and {} after",
        FINISHED.load(Ordering::Relaxed),
        SENT.load(Ordering::Relaxed),
        HANDLED.load(Ordering::Relaxed),
        tasks,
        mappings_before,
        mappings_after
    );
    i32::from(tasks != 1 || mappings_after != mappings_before || SENT.load(Ordering::Relaxed) == 0)
}
