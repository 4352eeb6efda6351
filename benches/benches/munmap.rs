//! Criterion benchmarks: munmap through this crate, libc, rustix and the syscalls crate, and
//! the floor (getppid), on three workloads. Natively on x86_64 and i686 (criterion builds C
//! code, so it is a dependency only there). See also benches/interleaved.rs, which alternates
//! the variants within every round and is the one benches/README.md quotes.

// The benchmarks build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod common;

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod run {
    use super::common::{hole, init, map, variants, Workload};
    use criterion::{BatchSize, Criterion};
    use std::hint::black_box;

    pub fn bench(c: &mut Criterion) {
        let page = init();
        let hole = hole(page);
        for workload in Workload::ALL {
            let mut group = c.benchmark_group(workload.name());
            for (name, call) in variants() {
                let is_floor = name.starts_with("floor");
                if is_floor && workload != Workload::EmptyRange {
                    continue; // the floor is one figure, shown beside the cheapest workload
                }
                match workload {
                    Workload::EmptyRange => {
                        // SAFETY: the hole holds no mapping; unmapping it changes nothing.
                        let first = unsafe { call(hole, page) };
                        assert!(is_floor || first == 0, "{}: errno {}", name, first);
                        // SAFETY: as above.
                        group.bench_function(name, |b| {
                            b.iter(|| unsafe { call(black_box(hole), page) })
                        });
                    }
                    Workload::MapUnmapPage => {
                        group.bench_function(name, |b| {
                            b.iter(|| {
                                let addr = map(1, page, false);
                                // SAFETY: the page was just mapped and is unused.
                                let ret = unsafe { call(addr, page) };
                                debug_assert_eq!(ret, 0);
                                ret
                            })
                        });
                    }
                    Workload::Populated64 => {
                        group.bench_function(name, |b| {
                            b.iter_batched(
                                || map(64, page, true),
                                // SAFETY: the pages were just mapped and are unused.
                                |addr| unsafe { call(addr, 64 * page) },
                                BatchSize::SmallInput,
                            )
                        });
                    }
                }
            }
            group.finish();
        }
    }
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
criterion::criterion_group!(benches, run::bench);
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
criterion::criterion_main!(benches);

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
fn main() {
    eprintln!(
        "SKIPPED benches/munmap.rs: criterion benchmarks run natively on x86 and x86_64 only"
    );
}
