//! Raw threads as a thread runtime makes them, for the munmap_and_exit tests: `clone` onto a
//! stack of their own, which each frees itself; their stacks counted exactly in /proc/self/maps;
//! and a signal storm aimed at them.

use core::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};

/// A thread of this process, sharing its memory, files and signal handlers, whose id word the
/// kernel sets at clone (`CLONE_PARENT_SETTID`) and clears and wakes at exit
/// (`CLONE_CHILD_CLEARTID`).
const FLAGS: libc::c_int = libc::CLONE_VM
    | libc::CLONE_FS
    | libc::CLONE_FILES
    | libc::CLONE_SIGHAND
    | libc::CLONE_THREAD
    | libc::CLONE_SYSVSEM
    | libc::CLONE_PARENT_SETTID
    | libc::CLONE_CHILD_CLEARTID;

/// A raw thread's slot: its id word (its tid from `spawn` on, 0 once the thread is gone), and the
/// word the thread sets to its tid just before it exits, which the storm aims at.
#[derive(Default)]
pub struct Slot {
    tid: AtomicI32,
    exiting: AtomicI32,
}

impl Slot {
    /// The thread's id, or 0 once it is gone (or before it was spawned).
    pub fn tid(&self) -> i32 {
        self.tid.load(Ordering::Acquire)
    }

    /// Starts a raw thread in this slot: see `spawn`.
    ///
    /// # Safety
    /// As for `spawn`; the slot must stay valid until the thread is gone.
    pub unsafe fn spawn(
        &self,
        entry: extern "C" fn(*mut c_void) -> libc::c_int,
        stack: *mut u8,
        len: usize,
        arg: *mut c_void,
    ) {
        self.exiting.store(0, Ordering::Release);
        // SAFETY: as the caller vouches.
        unsafe { spawn(entry, stack, len, arg, self.tid.as_ptr()) }
    }

    /// Called by the thread itself right before it exits: from here on the storm aims at it as
    /// fast as it can. There is no system call between this and munmap_and_exit's first trap.
    pub fn announce_exit(&self) {
        self.exiting.store(self.tid(), Ordering::Release);
    }

    /// Waits until the thread is gone.
    pub fn wait_gone(&self) {
        wait_while_nonzero(self.tid.as_ptr());
    }
}

/// Waits until the word at `word`, which the kernel clears and wakes at a thread's exit, is 0.
pub fn wait_while_nonzero(word: *mut i32) {
    loop {
        // SAFETY: `word` is a live, aligned word of the caller's.
        let value = unsafe { core::ptr::read_volatile(word) };
        if value == 0 {
            return;
        }
        // SAFETY: a futex wait on that word; it returns at once if the word no longer holds
        // `value`. Not FUTEX_WAIT_PRIVATE: the kernel's wake at exit uses the shared key.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                word,
                libc::FUTEX_WAIT,
                value,
                std::ptr::null::<libc::timespec>(),
            )
        };
    }
}

/// Starts a raw thread running `entry(arg)` on the stack `[stack, stack + len)`, whose id word is
/// at `tid`: the kernel writes the thread's id there before it runs, and 0 once it is gone.
///
/// # Safety
/// `entry` must end the thread (with munmap_and_exit) and use nothing of the caller's but `arg`,
/// and `arg`, the stack and the id word must stay valid until the thread is gone. The thread
/// shares the caller's thread-local storage, so `entry` must not use it (no `errno`, no std).
pub unsafe fn spawn(
    entry: extern "C" fn(*mut c_void) -> libc::c_int,
    stack: *mut u8,
    len: usize,
    arg: *mut c_void,
    tid: *mut i32,
) {
    // SAFETY: as the caller vouches; the new thread runs `entry` on its own stack.
    let ret = unsafe {
        libc::clone(
            entry,
            stack.add(len).cast(),
            FLAGS,
            arg,
            tid,
            std::ptr::null_mut::<c_void>(),
            tid,
        )
    };
    assert!(ret > 0, "clone failed: {}", std::io::Error::last_os_error());
}

/// Thread stacks that /proc/self/maps names: private mappings of a memfd of their own, so that
/// counting them counts exactly the stacks still mapped, whatever else the process maps or
/// unmaps meanwhile (glibc's malloc arenas, say).
pub struct Stacks {
    fd: libc::c_int,
    len: usize,
    name: String,
}

impl Stacks {
    /// Stacks of `len` bytes each, named in /proc/self/maps by a memfd of their own.
    pub fn new(len: usize) -> Stacks {
        let (fd, name) = super::named_memfd("munmap-test-stack", len);
        Stacks { fd, len, name }
    }

    /// The size of each stack.
    pub fn len(&self) -> usize {
        self.len
    }

    /// A fresh stack: a private, writable mapping of the memfd.
    pub fn map(&self) -> *mut u8 {
        // SAFETY: a fresh mapping at an address the kernel chooses aliases nothing.
        let stack = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                self.len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE,
                self.fd,
                0,
            )
        };
        assert_ne!(stack, libc::MAP_FAILED, "mmap of a stack failed");
        stack.cast()
    }

    /// How many of these stacks are mapped, from a fresh read of /proc/self/maps. Each is one
    /// line there: two of them never merge, both mapping the file from offset 0.
    pub fn mapped(&self) -> usize {
        super::mappings_of(&self.name).len()
    }
}

impl Drop for Stacks {
    fn drop(&mut self) {
        // SAFETY: the memfd is ours; mappings of it keep the file alive on their own.
        unsafe { libc::close(self.fd) };
    }
}

/// The signal of the storm, with a handler that counts its runs.
pub const STORM_SIGNAL: libc::c_int = libc::SIGUSR1;

/// How many times the storm's handler has run, in any thread of the process.
pub static HANDLER_RUNS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_storm_signal(_: libc::c_int) {
    HANDLER_RUNS.fetch_add(1, Ordering::Relaxed);
}

/// Installs the storm's handler, process-wide. With signal(), not sigaction(): see
/// tests/signals.rs.
pub fn install_storm_handler() {
    let handler: extern "C" fn(libc::c_int) = on_storm_signal;
    // SAFETY: the handler only updates an atomic.
    let old = unsafe { libc::signal(STORM_SIGNAL, handler as libc::sighandler_t) };
    assert_ne!(old, libc::SIG_ERR);
}

/// The storm, until `stop` is set: sends STORM_SIGNAL with tgkill to the thread in each of
/// `slots` once as soon as it exists (its handler then runs, or the signal stays pending if the
/// thread has blocked it), and from its `announce_exit` on over and over, as fast as it can, until
/// it is gone. Returns how many signals it sent (tgkill calls that succeeded).
///
/// Aimed at exiting threads because that is where a signal is dangerous, and because a thread
/// sent signals faster than it handles them never gets past its handler: on this machine's i686
/// (an `int 0x80` sigreturn is slow in its VM) that stretched 20,000 threads to 130 s.
pub fn storm(slots: &[Slot], stop: &AtomicBool) -> usize {
    storm_with(slots, stop, &mut vec![0; slots.len()])
}

/// `storm`, with `greeted`, a word per slot, from the caller: it allocates nothing.
fn storm_with(slots: &[Slot], stop: &AtomicBool, greeted: &mut [i32]) -> usize {
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    let mut sent = 0;
    while !stop.load(Ordering::Relaxed) {
        for (slot, greeted) in slots.iter().zip(greeted.iter_mut()) {
            let tid = slot.tid();
            let aim = tid > 0 && (slot.exiting.load(Ordering::Acquire) == tid || *greeted != tid);
            if aim {
                *greeted = tid;
                // SAFETY: tgkill only sends a signal, which has a handler. A thread that is gone
                // fails the call, or, once its id is reused by another thread of this process,
                // that thread runs the handler.
                let ret = unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, STORM_SIGNAL) };
                sent += usize::from(ret == 0);
            }
        }
    }
    sent
}

/// The storm on a raw thread of its own, until `stop` is set, while `body` runs; returns what
/// `body` returned and how many signals were sent. For a child forked from the multi-threaded
/// test process: a std thread takes std's locks as it starts and ends (stack_overflow's
/// `thread_info::LOCK`), which another thread of the parent may have held at the fork, and would
/// then wait on it forever (seen under qemu-mipsel). The raw thread allocates nothing and frees
/// its own stack with munmap_and_exit.
pub fn with_raw_storm<R>(
    slots: &[Slot],
    stop: &AtomicBool,
    body: impl FnOnce() -> R,
) -> (R, usize) {
    struct Stormer<'a> {
        slots: &'a [Slot],
        stop: &'a AtomicBool,
        greeted: *mut [i32],
        sent: AtomicUsize,
        stack: *mut u8,
        len: usize,
    }
    extern "C" fn stormer_main(arg: *mut c_void) -> libc::c_int {
        // SAFETY: `arg` is the Stormer below, alive until this thread is gone; its `greeted` is
        // this thread's alone; the stack is freed last, by the trap that ends the thread.
        unsafe {
            let stormer = &*(arg as *const Stormer);
            let sent = storm_with(stormer.slots, stormer.stop, &mut *stormer.greeted);
            stormer.sent.store(sent, Ordering::Release);
            munmap::munmap_and_exit(stormer.stack.cast(), stormer.len, 0)
        }
    }
    let mut greeted = vec![0; slots.len()];
    let len = 256 * 1024;
    let stormer = Stormer {
        slots,
        stop,
        greeted: &mut greeted[..],
        sent: AtomicUsize::new(0),
        stack: super::map_anonymous(len),
        len,
    };
    let slot = Slot::default();
    // SAFETY: the thread uses nothing but `stormer`, which outlives it (waited for below), and
    // its own stack.
    unsafe {
        slot.spawn(
            stormer_main,
            stormer.stack,
            len,
            &stormer as *const Stormer as *mut c_void,
        )
    };
    let result = body();
    stop.store(true, Ordering::Relaxed);
    slot.wait_gone();
    (result, stormer.sent.load(Ordering::Acquire))
}
