//! The leak check the munmap reference page describes: a process that maps and never unmaps
//! shows steady RSS growth. 100,000 rounds (20,000 under qemu-user) of mmap, a write to every
//! page and munmap (this crate's) must leave VmRSS and the mappings flat: sampled every tenth of
//! the way, the mapping count and their total size stay what they were, and VmRSS within 1 MiB
//! (the rest of the process may move a little; one page kept per round would add 400 MB).
//!
//! The mappings compared leave out the brk heap, `[heap]`: glibc's malloc grows it and trims it
//! back (`systrim`) as the test's own bookkeeping allocates and frees, in whole pages. On
//! ppc64le, whose pages are 64 KiB, the real kernel showed it shrink by one page between two
//! samples (256 KiB to 192 KiB), with every other mapping the same: brk, not munmap. A page a
//! round left mapped would show among the rest.
//!
//! Under qemu-user, /proc/self/maps is the guest's (qemu emulates it) but VmRSS the emulator's
//! own, which with a 64-bit guest grows by about 100 bytes per round of its own bookkeeping.
//! There VmRSS may grow by at most 256 bytes per round: a sixteenth of one page kept per round.
//!
//! A binary of its own, with one test: the figures are the whole process's.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;

const PAGES_PER_ROUND: usize = 4;
const RSS_SLACK_KB: usize = 1024;

/// VmRSS in kB, and the count and total size in kB of the mappings but the brk heap, from
/// /proc/self.
fn sample() -> (usize, usize, usize) {
    let rss = status_kb("VmRSS");
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    let (mut count, mut kb) = (0, 0);
    for (start, end) in maps
        .lines()
        .filter(|line| !line.ends_with(" [heap]"))
        .map(parse_range)
    {
        count += 1;
        kb += (end - start) / 1024;
    }
    (rss, count, kb)
}

/// One round: map, touch every page, unmap.
fn round(page: usize) {
    let len = PAGES_PER_ROUND * page;
    let map = map_anonymous(len);
    for offset in (0..len).step_by(page) {
        // SAFETY: inside the mapping; the write faults the page in.
        unsafe { map.add(offset).write_volatile(1) };
    }
    // SAFETY: the mapping is ours and nothing refers to it any more.
    unsafe { munmap::munmap(map.cast::<c_void>(), len) }.expect("munmap");
}

#[test]
fn map_touch_unmap_rounds_leave_rss_and_mappings_flat() {
    let emulator = qemu_user();
    let rounds = if emulated() { 20_000 } else { 100_000 };
    let rss_slack_kb = match emulator {
        None => RSS_SLACK_KB,
        Some(_) => RSS_SLACK_KB.max(rounds * 256 / 1024),
    };
    let page = page_size();
    for _ in 0..1000 {
        round(page);
    }
    let baseline = sample();
    let mut samples = Vec::with_capacity(10);
    for _ in 0..10 {
        for _ in 0..rounds / 10 {
            round(page);
        }
        samples.push(sample());
    }
    let rss: Vec<usize> = samples.iter().map(|s| s.0).collect();
    println!(
        "leak check: {} rounds of {} pages; VmRSS {} kB, then {:?} kB; mappings {} ({} kB), \
         then {:?}",
        rounds,
        PAGES_PER_ROUND,
        baseline.0,
        rss,
        baseline.1,
        baseline.2,
        samples.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>()
    );
    if let Some(emulator) = emulator {
        let growth = rss[9].saturating_sub(baseline.0) * 1024 / rounds;
        println!(
            "{}: VmRSS is the emulator's own; it grew by {} bytes per round (allowed: 256)",
            emulator, growth
        );
    }
    for (i, &(rss, count, total)) in samples.iter().enumerate() {
        let when = (i + 1) * rounds / 10;
        assert_eq!(
            (count, total),
            (baseline.1, baseline.2),
            "mappings after {} rounds",
            when
        );
        assert!(
            rss.abs_diff(baseline.0) <= rss_slack_kb,
            "VmRSS after {} rounds: {} kB, against {} kB",
            when,
            rss,
            baseline.0
        );
    }
}
