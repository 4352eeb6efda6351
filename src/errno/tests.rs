//! Every decode the arch files call, run over register values against the contract written
//! plainly (`spec_*`, which shares nothing with the decodes): natively on a 32-bit target, in a
//! release build, every 32-bit value, with each flag; on a 64-bit target, every value within
//! 5,000 of each boundary (0, ±4095, ±4096, ±2^15, ±2^16, ±2^31, ±2^32, ±2^63) and 10^8 random
//! ones. A debug build, and any build emulated (under qemu-user, or where `MUNMAP_TEST_EMULATED`
//! says so, as on ci/kernel.sh's real kernels under qemu-system), takes the boundaries and 10^5
//! random values.
//! Each run also shows the comparison can fail: decodes with a mistake put in must each be caught.
//!
//! `ci/test.sh` runs the release build natively on i686 and x86_64:
//! `cargo test --release --lib decode -- --show-output`.

extern crate std;

use super::Errno;
use std::time::Instant;
use std::vec::Vec;

/// A result as the contract states it: `Ok(())` or the error number.
type Raw = Result<(), i32>;

/// A decode of (register value, flag), or its specification; the flag is ignored where the ABI
/// has none.
type Decode = fn(usize, usize) -> Raw;

/// A mutant decode: its name, itself, its specification and the flag values it takes.
type Case = (&'static str, Decode, Decode, &'static [usize]);

fn raw(result: Result<(), Errno>) -> Raw {
    result.map_err(Errno::raw)
}

/// `Err(e)` for an errno `e` of the contract, 1 to 4095; `Err(4095)` for anything else.
fn errno_or_4095(e: usize) -> Raw {
    Err(if (1..=4095).contains(&e) {
        e as i32
    } else {
        4095
    })
}

/// 0 or `-errno`: 0 is success, `-e` the errno `e`.
fn spec_negated(ret: usize) -> Raw {
    if ret == 0 {
        Ok(())
    } else {
        errno_or_4095(0usize.wrapping_sub(ret))
    }
}

/// 0 or `-errno` in a 64-bit register, whatever the width of `usize` (x32's).
fn spec_negated64(ret: u64) -> Raw {
    match ret.wrapping_neg() {
        0 => Ok(()),
        e if e <= 4095 => Err(e as i32),
        _ => Err(4095),
    }
}

/// A flag: without it, only 0 (munmap's success value) is success; with it, the value is the
/// errno.
fn spec_flagged(value: usize, flag: usize) -> Raw {
    match (flag, value) {
        (0, 0) => Ok(()),
        (0, _) => Err(4095),
        _ => errno_or_4095(value),
    }
}

/// SPARC's carry: with it, the value is the errno; without it, 0 or `-errno` as `spec_negated`.
fn spec_carry(value: usize, carry: usize) -> Raw {
    if carry == 0 {
        spec_negated(value)
    } else {
        errno_or_4095(value)
    }
}

/// The values within 5,000 of each boundary, on this target's register width.
fn boundaries() -> Vec<usize> {
    let mut points = std::vec![0usize, 4095, 4096, 1 << 15, 1 << 16, 1 << 31];
    if usize::BITS == 64 {
        points.extend([1usize << 32, 1usize << 63]);
    }
    let mut values = Vec::new();
    for point in points {
        for centre in [point, point.wrapping_neg()] {
            values.extend((0..=10_000).map(|i| centre.wrapping_add(i).wrapping_sub(5_000)));
        }
    }
    values
}

/// xorshift64*: `count` pseudo-random register values from `seed`.
fn random(seed: u64, count: usize) -> impl Iterator<Item = usize> + Clone {
    let mut state = seed;
    (0..count).map(move |_| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d) as usize
    })
}

/// The first value where `decode` and `spec` disagree, among `values`, with each flag.
fn first_mismatch(
    decode: impl Fn(usize, usize) -> Raw,
    spec: impl Fn(usize, usize) -> Raw,
    flags: &[usize],
    values: impl Iterator<Item = usize> + Clone,
) -> Option<(usize, usize, Raw, Raw)> {
    flags.iter().find_map(|&flag| {
        values.clone().find_map(|v| {
            let (got, want) = (decode(v, flag), spec(v, flag));
            (got != want).then_some((v, flag, got, want))
        })
    })
}

/// Checks `decode` against `spec` over the values this build takes (see the top), and prints
/// what it tried and how long that took.
fn verify<D, S>(name: &str, decode: D, spec: S, flags: &[usize])
where
    D: Fn(usize, usize) -> Raw + Copy + Send,
    S: Fn(usize, usize) -> Raw + Copy + Send,
{
    let release = !cfg!(debug_assertions) && !emulated();
    let start = Instant::now();
    let (mismatch, tried) = if release && usize::BITS == 32 {
        // Every 32-bit value, split between two threads.
        let halves = [0..=u32::MAX / 2, u32::MAX / 2 + 1..=u32::MAX];
        let mismatch = std::thread::scope(|scope| {
            let workers: Vec<_> = halves
                .into_iter()
                .map(|half| {
                    scope.spawn(move || {
                        first_mismatch(decode, spec, flags, half.map(|v| v as usize))
                    })
                })
                .collect();
            workers.into_iter().find_map(|w| w.join().unwrap())
        });
        (mismatch, std::string::String::from("every 32-bit value"))
    } else {
        let (edges, count) = (boundaries(), if release { 100_000_000 } else { 100_000 });
        let mismatch = first_mismatch(decode, spec, flags, edges.iter().copied())
            .or_else(|| first_mismatch(decode, spec, flags, random(SEED, count)));
        let tried = std::format!(
            "{} values at the boundaries and {} random",
            edges.len(),
            count
        );
        (mismatch, tried)
    };
    std::println!(
        "decode {}: {}, with flags {:?}, in {:.1} s",
        name,
        tried,
        flags,
        start.elapsed().as_secs_f64()
    );
    if let Some((value, flag, got, want)) = mismatch {
        panic!(
            "{}({:#x}, flag {}) = {:?}, the contract says {:?}",
            name, value, flag, got, want
        );
    }
}

/// Whether this runs emulated: under qemu-user (which rewrites /proc/self/exe but not
/// /proc/thread-self/exe, which names the emulator), or where `MUNMAP_TEST_EMULATED` is set.
fn emulated() -> bool {
    let qemu = std::fs::read_link("/proc/thread-self/exe")
        .ok()
        .and_then(|exe| Some(exe.file_name()?.to_str()?.starts_with("qemu-")))
        .unwrap_or(false);
    qemu || std::env::var_os("MUNMAP_TEST_EMULATED").is_some()
}

/// The random values' seed.
const SEED: u64 = 0x6d75_6e6d_6170;

#[test]
fn decodes_match_the_contract_for_every_register_value_tried() {
    verify(
        "from_negated",
        |v, _| raw(Errno::from_negated(v)),
        |v, _| spec_negated(v),
        &[0],
    );
    verify(
        "from_negated_no_select",
        |v, _| raw(Errno::from_negated_no_select(v)),
        |v, _| spec_negated(v),
        &[0],
    );
    verify(
        "from_negated64",
        |v, _| raw(Errno::from_negated64(v as u64)),
        |v, _| spec_negated64(v as u64),
        &[0],
    );
    // x32's result: a 32-bit value sign-extended to the 64-bit register.
    verify(
        "from_negated64, sign-extended",
        |v, _| raw(Errno::from_negated64(v as i32 as i64 as u64)),
        |v, _| spec_negated64(v as i32 as i64 as u64),
        &[0],
    );
    verify(
        "from_flagged",
        |v, f| raw(Errno::from_flagged(v, f)),
        spec_flagged,
        &[0, 1],
    );
    verify(
        "from_carry",
        |v, c| raw(Errno::from_carry(v, c)),
        spec_carry,
        &[0, 1],
    );
}

#[test]
fn the_comparison_catches_decodes_with_a_mistake() {
    // The decode before results outside the contract were handled, one off at either end of
    // the range, a flag ignored, and a carried 0 taken for success: each must be caught at the
    // boundaries.
    let mutants: [Case; 5] = [
        (
            "bare negation",
            |v, _| match v.wrapping_neg() as u16 {
                0 => Ok(()),
                e => Err(i32::from(e)),
            },
            |v, _| spec_negated(v),
            &[0],
        ),
        (
            "saturating above 4096",
            |v, _| {
                let e = v.wrapping_neg();
                if e == 0 {
                    Ok(())
                } else {
                    Err(if e > 4096 { 4095 } else { e as i32 })
                }
            },
            |v, _| spec_negated(v),
            &[0],
        ),
        (
            "errno 1 taken for success",
            |v, _| {
                let e = v.wrapping_neg();
                if e <= 1 {
                    Ok(())
                } else {
                    Err(if e > 4095 { 4095 } else { e as i32 })
                }
            },
            |v, _| spec_negated(v),
            &[0],
        ),
        (
            "the flag ignored",
            |v, _| raw(Errno::from_negated(v)),
            spec_flagged,
            &[0, 1],
        ),
        (
            "a carried 0 taken for success",
            |v, c| {
                if c == 1 && v == 0 {
                    Ok(())
                } else {
                    raw(Errno::from_carry(v, c))
                }
            },
            spec_carry,
            &[0, 1],
        ),
    ];
    let edges = boundaries();
    for (name, decode, spec, flags) in mutants {
        let caught = first_mismatch(decode, spec, flags, edges.iter().copied());
        std::println!("mutant \"{}\": caught at {:x?}", name, caught);
        assert!(
            caught.is_some(),
            "the comparison did not catch the mutant \"{}\"",
            name
        );
    }
}
