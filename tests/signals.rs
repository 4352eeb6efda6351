//! munmap from a signal handler. The call is one system call that touches no errno, so a handler
//! may make it. A timer sends SIGALRM every 200 µs to a thread running a busy loop of its own
//! munmap calls, until the handler has run 5,000 times (1,000 under qemu-user). Each time, the
//! handler unmaps the next page of a pool and makes a call the kernel refuses; the loop maps two
//! pages, unmaps the second, checks the first, unmaps it, and makes a refused call too. Both
//! sides check every result; at the end exactly the pool pages the handler took are gone, the
//! loop's mappings are gone, and errno still holds what the loop put there before it started
//! (libc's munmap would have set it to EINVAL in the handler).
//!
//! A binary of its own, with one test: the signal handler is the process's.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicUsize, Ordering};
use munmap::{munmap, Errno};
use std::time::{Duration, Instant};

/// The pool's first page and its size in pages, and the page size (set before the timer).
static POOL: AtomicUsize = AtomicUsize::new(0);
static POOL_PAGES: AtomicUsize = AtomicUsize::new(0);
static PAGE: AtomicUsize = AtomicUsize::new(0);
/// How many times the handler ran; pool pages `0..RUNS` are the ones it unmapped.
static RUNS: AtomicUsize = AtomicUsize::new(0);
/// The handler's results that were not what they should be.
static HANDLER_FAILURES: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_alarm(_: libc::c_int) {
    let (pool, pool_pages, page) = (
        POOL.load(Ordering::Relaxed),
        POOL_PAGES.load(Ordering::Relaxed),
        PAGE.load(Ordering::Relaxed),
    );
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    if run < pool_pages {
        // SAFETY: the pool is the test's, and nothing uses its pages.
        let result = unsafe { munmap((pool + run * page) as *mut c_void, page) };
        if result != Ok(()) {
            HANDLER_FAILURES.fetch_add(1, Ordering::Relaxed);
        }
    }
    // SAFETY: an unaligned address: the kernel refuses it and nothing is unmapped.
    if unsafe { munmap((pool + 1) as *mut c_void, page) } != Err(Errno::EINVAL) {
        HANDLER_FAILURES.fetch_add(1, Ordering::Relaxed);
    }
}

/// Address ranges, `(start, end)`.
type Ranges = Vec<(usize, usize)>;

/// The address ranges mapped within `[low, high)`, merged where they touch, from a fresh read of
/// /proc/self/maps: the same whatever the kernel (or qemu) merges into one line.
fn covered(low: usize, high: usize) -> Ranges {
    let mut ranges: Ranges = mappings()
        .into_iter()
        .map(|(from, to)| (from.max(low), to.min(high)))
        .filter(|&(from, to)| from < to)
        .collect();
    ranges.sort_unstable();
    let mut merged: Ranges = Vec::new();
    for (from, to) in ranges {
        match merged.last_mut() {
            Some(last) if last.1 >= from => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// What is mapped below `start` and from `end` on.
fn covered_outside(start: usize, end: usize) -> (Ranges, Ranges) {
    (covered(0, start), covered(end, usize::MAX))
}

#[test]
fn munmap_in_a_signal_handler_interrupting_munmap_calls() {
    let target = if emulated() { 1_000 } else { 5_000 };
    let page = page_size();
    let pool_pages = 2 * target;
    let pool = map_anonymous(pool_pages * page) as usize;
    POOL.store(pool, Ordering::Relaxed);
    POOL_PAGES.store(pool_pages, Ordering::Relaxed);
    PAGE.store(page, Ordering::Relaxed);
    let pool_end = pool + pool_pages * page;
    let elsewhere_before = covered_outside(pool, pool_end);

    // SAFETY: installs a handler that makes only system calls and atomic updates; the timer
    // signals this thread alone (SIGEV_THREAD_ID), every 200 µs.
    let timer = unsafe {
        // signal(), not sigaction(): the libc crate (0.2.191) gives mips64 the generic layout
        // of struct sigaction, sa_flags last, where glibc's has it first, so a handler set
        // through it is lost (the timer's first SIGALRM then ends the process).
        let handler: extern "C" fn(libc::c_int) = on_alarm;
        assert_ne!(
            libc::signal(libc::SIGALRM, handler as libc::sighandler_t),
            libc::SIG_ERR
        );
        let mut event: libc::sigevent = std::mem::zeroed();
        event.sigev_notify = libc::SIGEV_THREAD_ID;
        event.sigev_signo = libc::SIGALRM;
        event.sigev_notify_thread_id = libc::gettid();
        let mut timer: libc::timer_t = std::mem::zeroed();
        assert_eq!(
            libc::timer_create(libc::CLOCK_MONOTONIC, &mut event, &mut timer),
            0,
            "timer_create: {}",
            std::io::Error::last_os_error()
        );
        let every = libc::timespec {
            tv_sec: 0,
            tv_nsec: 200_000,
        };
        let spec = libc::itimerspec {
            it_interval: every,
            it_value: every,
        };
        assert_eq!(
            libc::timer_settime(timer, 0, &spec, std::ptr::null_mut()),
            0
        );
        timer
    };

    // SAFETY: errno is this thread's.
    unsafe { *libc::__errno_location() = 4242 };
    let (mut loops, mut loop_failures) = (0usize, 0usize);
    let deadline = Instant::now() + Duration::from_secs(60);
    while RUNS.load(Ordering::Relaxed) < target && Instant::now() < deadline {
        let pages = map_anonymous(2 * page);
        // SAFETY: both pages are ours; the first stays mapped until its own munmap below.
        unsafe {
            pages.write_bytes(0x5a, 2 * page);
            loop_failures += usize::from(munmap(pages.add(page).cast(), page) != Ok(()));
            loop_failures += usize::from(pages.add(page - 1).read_volatile() != 0x5a);
            let refused = munmap(pages.add(1).cast(), page);
            loop_failures += usize::from(refused != Err(Errno::EINVAL));
            loop_failures += usize::from(munmap(pages.cast(), page) != Ok(()));
        }
        loops += 1;
    }
    // SAFETY: errno is this thread's; read before anything else can change it.
    let errno = unsafe { *libc::__errno_location() };
    // SAFETY: the timer is ours; once deleted, no more signals come.
    assert_eq!(unsafe { libc::timer_delete(timer) }, 0);

    let runs = RUNS.load(Ordering::Relaxed);
    println!(
        "signals: the handler ran {} times during {} loops of munmap calls",
        runs, loops
    );
    assert!(runs >= target, "the handler ran {} times in 60 s", runs);
    assert_eq!(
        HANDLER_FAILURES.load(Ordering::Relaxed),
        0,
        "the handler's results"
    );
    assert_eq!(loop_failures, 0, "the loop's results");
    assert_eq!(errno, 4242, "errno, which no munmap call may touch");
    // The pool lost exactly its first `runs` pages; the loop left nothing behind.
    let rest = pool + runs.min(pool_pages) * page;
    let expected: &[(usize, usize)] = if rest < pool_end {
        &[(rest, pool_end)]
    } else {
        &[]
    };
    assert_eq!(
        covered(pool, pool_end),
        expected,
        "what is left of the pool"
    );
    let elsewhere = covered_outside(pool, pool_end);
    assert_eq!(
        elsewhere, elsewhere_before,
        "what is mapped outside the pool"
    );
    // SAFETY: the rest of the pool is ours and unused.
    assert_eq!(
        unsafe { libc::munmap(rest as *mut c_void, pool_end - rest) },
        0
    );
}
