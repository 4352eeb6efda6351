//! A thread runtime built on munmap_and_exit, stressed: two spawner threads start raw `clone`
//! threads between them, each on a fresh stack, 8 in flight per spawner, while a third thread
//! sends every one of them SIGUSR1 (with a handler): once as it starts, then, from just before
//! its exit until it is gone, as fast as it can. Each thread works a little on its stack, stores
//! its result and frees its own stack with munmap_and_exit; its spawner learns it is gone from the CLONE_CHILD_CLEARTID futex wake
//! and only then reuses the slot. At the end every thread's result is there and no stack is left
//! mapped.
//!
//! The stacks are private mappings of a memfd of their own, so /proc/self/maps names each of
//! them: the leak check counts exactly the stacks still mapped, however many mappings glibc adds
//! meanwhile. (It used to compare the whole process's mappings before and after, which failed
//! when glibc made a malloc arena, two mappings and 64 MiB, for a spawner thread during the
//! measured round.) The process-wide figures are printed, not compared.
//!
//! Before the storm, rounds without it time the threads' exit both ways, interleaved:
//! munmap_and_exit and munmap_and_exit_keep_sigmask (the same without blocking signals first).

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::raw_threads::*;
use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

const STACK_PAGES: usize = 8;
const IN_FLIGHT: usize = 8;

/// What a thread is given, in its spawner's slot (never on the thread's own stack).
struct Task {
    stack: *mut u8,
    stack_len: usize,
    input: usize,
    output: *const AtomicUsize,
    slot: *const Slot,
    block_signals: bool,
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
        let (stack, len) = (task.stack.cast(), task.stack_len);
        (*task.slot).announce_exit();
        if task.block_signals {
            munmap::munmap_and_exit(stack, len, 0)
        } else {
            munmap::munmap_and_exit_keep_sigmask(stack, len, 0)
        }
    }
}

/// Starts threads `first..first + count`, at most one per slot in `slots` at a time, on stacks
/// from `stacks`; returns how many exits it observed.
fn spawner(
    first: usize,
    count: usize,
    stacks: &Stacks,
    slots: &[Slot],
    results: &[AtomicUsize],
    block_signals: bool,
) -> usize {
    let mut tasks: Vec<Task> = slots
        .iter()
        .map(|slot| Task {
            stack: std::ptr::null_mut(),
            stack_len: stacks.len(),
            input: 0,
            output: std::ptr::null(),
            slot,
            block_signals,
        })
        .collect();
    let mut observed = 0;
    for (n, output) in results.iter().enumerate().skip(first).take(count) {
        let (slot, task) = (&slots[n % IN_FLIGHT], &mut tasks[n % IN_FLIGHT]);
        if n >= first + IN_FLIGHT {
            slot.wait_gone();
            observed += 1;
        }
        task.stack = stacks.map();
        task.input = n;
        task.output = output;
        let (stack, task) = (task.stack, task as *const Task as *mut c_void);
        // SAFETY: the thread runs `thread_main` on its own stack and touches nothing but its
        // task and its result, which outlive it (the slot is reused only once it is gone).
        unsafe { slot.spawn(thread_main, stack, stacks.len(), task) };
    }
    for slot in slots.iter().take(count.min(IN_FLIGHT)) {
        slot.wait_gone();
        observed += 1;
    }
    observed
}

/// Two spawners in parallel, `per_spawner` threads each, with or without the storm; checks
/// every result, every exit and that no stack is left mapped. Returns the round's threads per
/// second and the storm's (signals sent, handler runs).
fn round(per_spawner: usize, block_signals: bool, with_storm: bool) -> (f64, usize, usize) {
    let stacks = Stacks::new(STACK_PAGES * page_size());
    let results: Vec<AtomicUsize> = (0..2 * per_spawner).map(|_| AtomicUsize::new(0)).collect();
    let slots: Vec<Slot> = (0..2 * IN_FLIGHT).map(|_| Slot::default()).collect();
    let runs_before = HANDLER_RUNS.load(Ordering::Relaxed);
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let (observed, sent) = std::thread::scope(|scope| {
        let stormer = with_storm.then(|| scope.spawn(|| storm(&slots, &stop)));
        let spawners: Vec<_> = slots
            .chunks(IN_FLIGHT)
            .enumerate()
            .map(|(i, slots)| {
                let (stacks, results) = (&stacks, &results);
                scope.spawn(move || {
                    spawner(
                        i * per_spawner,
                        per_spawner,
                        stacks,
                        slots,
                        results,
                        block_signals,
                    )
                })
            })
            .collect();
        let observed: Vec<usize> = spawners.into_iter().map(|s| s.join().unwrap()).collect();
        stop.store(true, Ordering::Relaxed);
        (observed, stormer.map_or(0, |s| s.join().unwrap()))
    });
    let per_second = (2 * per_spawner) as f64 / start.elapsed().as_secs_f64();
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
    assert_eq!(stacks.mapped(), 0, "stacks still mapped after the round");
    let runs = HANDLER_RUNS.load(Ordering::Relaxed) - runs_before;
    (per_second, sent, runs)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

#[test]
fn raw_threads_free_their_own_stacks_under_a_signal_storm_and_nothing_leaks() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    install_storm_handler();
    let emulator = qemu_user();
    let (per_spawner, timing_rounds) = if emulated() { (1_000, 1) } else { (5_000, 5) };
    // The accounting sees a single stack.
    let stacks = Stacks::new(STACK_PAGES * page_size());
    let one = stacks.map();
    assert_eq!(stacks.mapped(), 1, "a stack just mapped, counted");
    // SAFETY: the stack is ours and unused.
    assert_eq!(unsafe { libc::munmap(one.cast(), stacks.len()) }, 0);
    assert_eq!(stacks.mapped(), 0, "that stack unmapped, counted");

    // Interleaved, without the storm: the exit with the signal block, and without it.
    let (mut blocking, mut keeping) = (Vec::new(), Vec::new());
    for _ in 0..timing_rounds {
        blocking.push(round(per_spawner, true, false).0);
        keeping.push(round(per_spawner, false, false).0);
    }
    let (blocking, keeping) = (median(blocking), median(keeping));
    println!(
        "thread runtime: {} threads per round, median of {} interleaved rounds: {:.0} \
         threads/s with munmap_and_exit, {:.0} with munmap_and_exit_keep_sigmask ({:.3} of it)",
        2 * per_spawner,
        timing_rounds,
        blocking,
        keeping,
        blocking / keeping
    );

    let before = (mappings_count_and_kb(), status_kb("VmSize"));
    let (per_second, sent, runs) = round(per_spawner, true, true);
    let after = (mappings_count_and_kb(), status_kb("VmSize"));
    println!(
        "thread runtime under the storm: {} threads, {:.0} threads/s; {} signals sent to them, \
         the handler ran {} times; no stack left mapped; process-wide (not compared): mappings \
         {} -> {}, {} -> {} kB mapped, VmSize {} -> {} kB{}",
        2 * per_spawner,
        per_second,
        sent,
        runs,
        (before.0).0,
        (after.0).0,
        (before.0).1,
        (after.0).1,
        before.1,
        after.1,
        match emulator {
            Some(emulator) => format!(" ({}'s own)", emulator),
            None => String::new(),
        }
    );
    assert!(sent > 0, "the storm sent no signal");
}
