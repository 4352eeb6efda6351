//! A thread runtime built on munmap_and_exit, stressed: two spawner threads start 10,000 raw
//! `clone` threads between them (2,000 under qemu-user), each on a fresh mmap'd stack, 8 in
//! flight per spawner. Each thread works a little on its stack, stores its result and frees its
//! own stack with munmap_and_exit; its spawner learns it is gone from the CLONE_CHILD_CLEARTID
//! futex wake and only then reuses the slot. At the end every thread's result is there, and the
//! process's mappings (their count and total size, from /proc/self/maps) and VmSize are back to
//! what they were: no stack leaked. Under qemu-user, /proc/self/maps is the guest's (qemu
//! emulates it) but VmSize the emulator's own, so there the total size stands for VmSize.
//!
//! A binary of its own, with one test: the counts are the whole process's.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Instant;

const STACK_PAGES: usize = 8;
const IN_FLIGHT: usize = 8;

/// What a thread is given, in its spawner's slot (never on the thread's own stack).
struct Task {
    stack: *mut u8,
    stack_len: usize,
    input: usize,
    output: *const AtomicUsize,
}

/// One thread's work, also computed by the test to check it: a sum over a buffer on its stack.
fn work(input: usize) -> usize {
    let mut buffer = [0u8; 512];
    for (i, byte) in buffer.iter_mut().enumerate() {
        *byte = (input.wrapping_mul(31) ^ i) as u8;
    }
    // Through a volatile read, so that the buffer really lives on the thread's stack.
    (0..buffer.len())
        .map(|i| unsafe { core::ptr::read_volatile(&buffer[i]) } as usize)
        .sum()
}

extern "C" fn thread_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the spawner's `Task`, alive until this thread is gone; it is read before
    // the stack is freed and never touched after. The thread uses no thread-local storage (it
    // shares its spawner's) and has nothing else to clean up.
    unsafe {
        let task = &*(arg as *const Task);
        (*task.output).store(work(task.input), Ordering::Release);
        munmap::munmap_and_exit(task.stack.cast(), task.stack_len, 0)
    }
}

/// A slot for one thread in flight: its task, and the word the kernel clears when it is gone.
struct Slot {
    task: Task,
    tid: AtomicI32,
}

/// Waits until the thread in `slot`, if any, is gone.
fn wait_gone(slot: &Slot) {
    loop {
        let value = slot.tid.load(Ordering::Acquire);
        if value == 0 {
            return;
        }
        // SAFETY: a futex wait on a live, aligned word of ours; it returns at once if the word
        // no longer holds `value`.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                slot.tid.as_ptr(),
                libc::FUTEX_WAIT,
                value,
                std::ptr::null::<libc::timespec>(),
            )
        };
    }
}

/// Starts threads `first..first + count`, at most IN_FLIGHT at a time; returns how many exits
/// it observed.
fn spawner(first: usize, count: usize, results: &[AtomicUsize]) -> usize {
    let stack_len = STACK_PAGES * page_size();
    let mut slots: Vec<Slot> = (0..IN_FLIGHT)
        .map(|_| Slot {
            task: Task {
                stack: std::ptr::null_mut(),
                stack_len,
                input: 0,
                output: std::ptr::null(),
            },
            tid: AtomicI32::new(0),
        })
        .collect();
    let flags = libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM
        | libc::CLONE_CHILD_CLEARTID;
    let mut observed = 0;
    for n in first..first + count {
        let slot = &mut slots[n % IN_FLIGHT];
        if n >= first + IN_FLIGHT {
            wait_gone(slot);
            observed += 1;
        }
        let stack = map_anonymous(stack_len);
        slot.task = Task {
            stack,
            stack_len,
            input: n,
            output: &results[n],
        };
        // Not 0 until the kernel clears it, when the thread is gone.
        slot.tid.store(-1, Ordering::Release);
        let top = stack.wrapping_add(stack_len).cast::<c_void>();
        // SAFETY: the thread runs `thread_main` on its own stack and touches nothing but its
        // task and its result, which outlive it (the slot is reused only once it is gone).
        let tid = unsafe {
            libc::clone(
                thread_main,
                top,
                flags,
                &slot.task as *const Task as *mut c_void,
                std::ptr::null_mut::<libc::pid_t>(),
                std::ptr::null_mut::<c_void>(),
                slot.tid.as_ptr(),
            )
        };
        assert!(tid > 0, "clone failed: {}", std::io::Error::last_os_error());
    }
    for slot in slots.iter().take(count.min(IN_FLIGHT)) {
        wait_gone(slot);
        observed += 1;
    }
    observed
}

/// Two spawners in parallel, `per_spawner` threads each; checks every result and exit.
fn round(per_spawner: usize) {
    let results: Vec<AtomicUsize> = (0..2 * per_spawner).map(|_| AtomicUsize::new(0)).collect();
    let observed: Vec<usize> = std::thread::scope(|scope| {
        let spawners: Vec<_> = (0..2)
            .map(|i| {
                let results = &results;
                scope.spawn(move || spawner(i * per_spawner, per_spawner, results))
            })
            .collect();
        spawners.into_iter().map(|s| s.join().unwrap()).collect()
    });
    assert_eq!(
        observed,
        [per_spawner, per_spawner],
        "exits observed per spawner"
    );
    for (n, result) in results.iter().enumerate() {
        assert_eq!(
            result.load(Ordering::Acquire),
            work(n),
            "thread {}'s result",
            n
        );
    }
}

/// The process's mappings: their count and total size in kB, from /proc/self/maps, and the
/// kernel's VmSize (kB) from /proc/self/status, which natively is that total.
fn footprint() -> (usize, usize, usize) {
    let (count, kb) = mappings_count_and_kb();
    (count, kb, status_kb("VmSize"))
}

#[test]
fn ten_thousand_threads_free_their_own_stacks_and_nothing_leaks() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    let emulator = qemu_user();
    let per_spawner = if emulator.is_some() { 1_000 } else { 5_000 };
    // A first round lets glibc make what it keeps for good (arenas, the spawners' cached
    // stacks), so that the second starts from a settled baseline.
    round(IN_FLIGHT);
    let before = footprint();
    let start = Instant::now();
    round(per_spawner);
    let elapsed = start.elapsed();
    let after = footprint();
    println!(
        "thread runtime: {} threads in {:.2} s, {:.0} threads/s; mappings {} -> {}, \
         {} -> {} kB mapped; VmSize {} -> {} kB",
        2 * per_spawner,
        elapsed.as_secs_f64(),
        (2 * per_spawner) as f64 / elapsed.as_secs_f64(),
        before.0,
        after.0,
        before.1,
        after.1,
        before.2,
        after.2
    );
    assert_eq!(
        (after.0, after.1),
        (before.0, before.1),
        "(mappings, kB mapped) after the threads, against before"
    );
    match emulator {
        None => assert_eq!(
            after.2, before.2,
            "VmSize after the threads, against before"
        ),
        // qemu emulates /proc/self/maps for its guest; /proc/self/status is its own.
        Some(emulator) => println!(
            "{}: VmSize is the emulator's own; the guest's is the kB mapped above",
            emulator
        ),
    }
}
