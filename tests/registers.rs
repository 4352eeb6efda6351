//! Values the compiler keeps in registers across munmap come out of it as they went in: the
//! `asm!` declares every register the trap changes, so the compiler keeps nothing there.
//!
//! Each call below is made while N values are live, each read with a volatile load before it and
//! stored with a volatile store after it, so that the compiler can neither read them again nor
//! compute them anew: it keeps each in a register it believes the trap leaves alone, or on the
//! stack. munmap's address and length are used after the call too, so that the registers that
//! carried them in are trusted to hold them still. Which registers the allocator picks depends
//! on N, so N runs from 1 to 40, more values than any target has registers: a clobber missing
//! from the `asm!` shows as a changed value at some N (on x86_64, a dropped `rcx` or `r11` at
//! several), wherever the kernel or the emulator writes that register. In a release build,
//! which ci/test.sh runs natively, under qemu-user and on real kernels (unoptimised, every
//! value lives on the stack).

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::{read_volatile, write_volatile};
use munmap::Errno;

/// What a call left: its result, the live values after it, and its address and length as the
/// compiler had them after it.
struct After<const N: usize> {
    result: Result<(), Errno>,
    values: [usize; N],
    addr: usize,
    len: usize,
}

/// Makes `call(addr, len)` with the N values of `input` live across it.
#[inline(always)]
fn keeping<const N: usize>(
    input: &[usize; N],
    addr: usize,
    len: usize,
    call: impl FnOnce(usize, usize) -> Result<(), Errno>,
) -> After<N> {
    let mut live = [0; N];
    for i in 0..N {
        // SAFETY: an in-bounds read of the caller's array.
        live[i] = unsafe { read_volatile(&input[i]) };
    }
    let result = call(addr, len);
    let mut values = [0; N];
    for i in 0..N {
        // SAFETY: an in-bounds write of our own array.
        unsafe { write_volatile(&mut values[i], live[i]) };
    }
    After {
        result,
        values,
        addr,
        len,
    }
}

/// munmap(addr, len) with N values live across it.
#[inline(never)]
fn munmap_keeping<const N: usize>(input: &[usize; N], addr: usize, len: usize) -> After<N> {
    keeping(input, addr, len, |addr, len| {
        // SAFETY: the callers pass a range of their own that nothing uses, or one the kernel
        // refuses.
        unsafe { munmap::munmap(addr as *mut c_void, len) }
    })
}

/// `Vsyscall::munmap(addr, len)` with N values live across it (x86).
#[cfg(target_arch = "x86")]
#[inline(never)]
fn vsyscall_keeping<const N: usize>(input: &[usize; N], addr: usize, len: usize) -> After<N> {
    let vsyscall = munmap::Vsyscall::from_proc_self_auxv().expect("AT_SYSINFO");
    keeping(input, addr, len, |addr, len| {
        // SAFETY: as for munmap_keeping.
        unsafe { vsyscall.munmap(addr as *mut c_void, len) }
    })
}

/// The three calls a trap sees with N values live, each on a page of its own: one that unmaps,
/// one into a hole, one the kernel refuses. Returns what went wrong, if anything.
fn three_calls<const N: usize>(call: fn(&[usize; N], usize, usize) -> After<N>) -> Option<String> {
    let page = page_size();
    let pages = Pages::map(1);
    let addr = pages.page(0) as usize;
    // Values no register holds by chance: a different pattern in each.
    let input: [usize; N] = core::array::from_fn(|i| {
        (0x5a5a_5a5a_5a5a_5a5a_u64 as usize).rotate_left(i as u32) ^ (i << 4 | 0x9)
    });
    for (case, addr, expected) in [
        ("unmapping a page", addr, Ok(())),
        ("unmapping a hole", addr, Ok(())),
        ("refused, unaligned", addr + 1, Err(Errno::EINVAL)),
    ] {
        let after = call(&input, addr, page);
        let changed: Vec<usize> = (0..N).filter(|&i| after.values[i] != input[i]).collect();
        if after.result != expected
            || !changed.is_empty()
            || after.addr != addr
            || after.len != page
        {
            return Some(format!(
                "N = {}, {}: the result {:?} (expected {:?}); live values changed: {:?}; the \
                 address {}, the length {}",
                N,
                case,
                after.result,
                expected,
                changed,
                if after.addr == addr {
                    "kept"
                } else {
                    "changed"
                },
                if after.len == page { "kept" } else { "changed" }
            ));
        }
    }
    pages.assert_gone(0);
    None
}

/// `three_calls` for every N from 1 to 40, with the function `$keeping::<N>`.
macro_rules! every_count {
    ($keeping:ident, $what:expr) => {{
        let _lock = address_space_lock();
        let failures: Vec<String> = [
            three_calls::<1>($keeping::<1>),
            three_calls::<2>($keeping::<2>),
            three_calls::<3>($keeping::<3>),
            three_calls::<4>($keeping::<4>),
            three_calls::<5>($keeping::<5>),
            three_calls::<6>($keeping::<6>),
            three_calls::<7>($keeping::<7>),
            three_calls::<8>($keeping::<8>),
            three_calls::<9>($keeping::<9>),
            three_calls::<10>($keeping::<10>),
            three_calls::<11>($keeping::<11>),
            three_calls::<12>($keeping::<12>),
            three_calls::<13>($keeping::<13>),
            three_calls::<14>($keeping::<14>),
            three_calls::<15>($keeping::<15>),
            three_calls::<16>($keeping::<16>),
            three_calls::<17>($keeping::<17>),
            three_calls::<18>($keeping::<18>),
            three_calls::<19>($keeping::<19>),
            three_calls::<20>($keeping::<20>),
            three_calls::<21>($keeping::<21>),
            three_calls::<22>($keeping::<22>),
            three_calls::<23>($keeping::<23>),
            three_calls::<24>($keeping::<24>),
            three_calls::<25>($keeping::<25>),
            three_calls::<26>($keeping::<26>),
            three_calls::<27>($keeping::<27>),
            three_calls::<28>($keeping::<28>),
            three_calls::<29>($keeping::<29>),
            three_calls::<30>($keeping::<30>),
            three_calls::<31>($keeping::<31>),
            three_calls::<32>($keeping::<32>),
            three_calls::<33>($keeping::<33>),
            three_calls::<34>($keeping::<34>),
            three_calls::<35>($keeping::<35>),
            three_calls::<36>($keeping::<36>),
            three_calls::<37>($keeping::<37>),
            three_calls::<38>($keeping::<38>),
            three_calls::<39>($keeping::<39>),
            three_calls::<40>($keeping::<40>),
        ]
        .into_iter()
        .flatten()
        .collect();
        println!(
            "{}: 1 to 40 values live across each of 3 calls, {} of 40 counts kept them all",
            $what,
            40 - failures.len()
        );
        assert!(
            failures.is_empty(),
            "{}: a register the trap writes is missing from the asm!'s clobbers:\n{}",
            $what,
            failures.join("\n")
        );
    }};
}

#[test]
fn values_live_across_munmap_are_kept() {
    every_count!(munmap_keeping, "munmap");
}

#[cfg(target_arch = "x86")]
#[test]
fn values_live_across_the_vsyscall_entry_are_kept() {
    every_count!(vsyscall_keeping, "Vsyscall::munmap");
}
