//! The interleaved comparison benches/README.md quotes: every round runs every variant once, in an
//! order that rotates from round to round, and each variant's time is divided by `ours` from
//! the same round. The median of those per-round ratios is robust to the machine's drift, which
//! moves criterion's absolute figures by tens of percent between runs here.
//!
//! `cargo bench --bench interleaved` prints the table. With arguments
//! `count <workload> <variant> <calls>` it only makes the calls, for
//! `valgrind --tool=callgrind --toggle-collect=bench_<variant>` to count instructions
//! (ci/bench.sh does that).

// The benchmarks build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod common;

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod run {
    use super::common::{hole, init, map, variants, Variant, Workload};
    use core::ffi::c_void;
    use std::time::{Duration, Instant};

    pub fn main() {
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with("--"))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let page = init();
        match args.as_slice() {
            [] => compare(page),
            ["count", workload, variant, calls] => {
                let workload = *Workload::ALL
                    .iter()
                    .find(|w| w.name() == *workload)
                    .expect("workload");
                let call = variants()
                    .into_iter()
                    .find(|v| v.0 == *variant)
                    .expect("variant")
                    .1;
                let calls = calls.parse().expect("calls");
                let hole = hole(page);
                run(workload, call, calls, page, hole);
                println!(
                    "count: {} calls of {} on {}; AT_SYSINFO {:#x}",
                    calls,
                    variant,
                    workload.name(),
                    super::common::at_sysinfo()
                );
            }
            _ => panic!("usage: interleaved [count <workload> <variant> <calls>]"),
        }
    }

    /// Makes `calls` calls of `call` on `workload`; returns the time spent in the measured part.
    fn run(
        workload: Workload,
        call: unsafe fn(*mut c_void, usize) -> i32,
        calls: usize,
        page: usize,
        hole: *mut c_void,
    ) -> Duration {
        match workload {
            Workload::EmptyRange => {
                let start = Instant::now();
                for _ in 0..calls {
                    // SAFETY: the hole holds no mapping.
                    std::hint::black_box(unsafe { call(std::hint::black_box(hole), page) });
                }
                start.elapsed()
            }
            Workload::MapUnmapPage => {
                let start = Instant::now();
                for _ in 0..calls {
                    let addr = map(1, page, false);
                    // SAFETY: the page was just mapped and is unused.
                    std::hint::black_box(unsafe { call(addr, page) });
                }
                start.elapsed()
            }
            Workload::Populated64 => {
                let mut spent = Duration::ZERO;
                for _ in 0..calls {
                    let addr = map(64, page, true);
                    let start = Instant::now();
                    // SAFETY: the pages were just mapped and are unused.
                    std::hint::black_box(unsafe { call(addr, 64 * page) });
                    spent += start.elapsed();
                }
                spent
            }
        }
    }

    fn compare(page: usize) {
        let rounds: usize = std::env::var("MUNMAP_BENCH_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(31);
        let hole = hole(page);
        println!(
            "interleaved comparison, {} rounds; each ratio is the median over rounds of the \
             variant's time over ours (or libc's) in the same round",
            rounds
        );
        println!(
            "{:<28} {:<16} {:>10} {:>10} {:>14}",
            "workload", "variant", "vs ours", "vs libc", "ns/call (med)"
        );
        for workload in Workload::ALL {
            let calls = match workload {
                Workload::EmptyRange => 2000,
                Workload::MapUnmapPage => 500,
                Workload::Populated64 => 100,
            };
            let variants: Vec<Variant> = variants()
                .into_iter()
                .filter(|(name, _)| workload == Workload::EmptyRange || !name.starts_with("floor"))
                .collect();
            // Warm up once, in order.
            for &(_, call) in &variants {
                run(workload, call, calls / 10, page, hole);
            }
            let mut ratios = vec![Vec::with_capacity(rounds); variants.len()];
            let mut to_libc = vec![Vec::with_capacity(rounds); variants.len()];
            let mut times = vec![Vec::with_capacity(rounds); variants.len()];
            for round in 0..rounds {
                let mut spent = vec![0.0; variants.len()];
                for k in 0..variants.len() {
                    let i = (round + k) % variants.len();
                    spent[i] = run(workload, variants[i].1, calls, page, hole).as_nanos() as f64
                        / calls as f64;
                }
                let libc = variants
                    .iter()
                    .position(|v| v.0 == "libc")
                    .expect("libc variant");
                for i in 0..variants.len() {
                    ratios[i].push(spent[i] / spent[0]);
                    to_libc[i].push(spent[i] / spent[libc]);
                    times[i].push(spent[i]);
                }
            }
            for (i, (name, _)) in variants.iter().enumerate() {
                println!(
                    "{:<28} {:<16} {:>10.3} {:>10.3} {:>14.0}",
                    workload.name(),
                    name,
                    median(&mut ratios[i]),
                    median(&mut to_libc[i]),
                    median(&mut times[i])
                );
            }
        }
    }

    fn median(values: &mut [f64]) -> f64 {
        values.sort_by(|a, b| a.partial_cmp(b).unwrap());
        values[values.len() / 2]
    }
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
fn main() {
    run::main()
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
fn main() {
    eprintln!("SKIPPED benches/interleaved.rs: the benchmarks run natively on x86 and x86_64 only");
}
