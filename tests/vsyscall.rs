//! x86's fast entry: `Vsyscall` finds `__kernel_vsyscall` and unmaps through it, and falls back
//! to `int 0x80` where there is no `AT_SYSINFO`.
#![cfg(target_arch = "x86")]
// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use munmap::{Errno, Vsyscall};

/// `AT_SYSINFO` from `include/uapi/linux/auxvec.h` (the libc crate has no constant for it).
const AT_SYSINFO: libc::c_ulong = 32;

fn at_sysinfo() -> usize {
    // SAFETY: getauxval has no preconditions.
    unsafe { libc::getauxval(AT_SYSINFO) as usize }
}

#[test]
fn proc_self_auxv_gives_the_entry_getauxval_gives() {
    let vsyscall = Vsyscall::from_proc_self_auxv().expect("read /proc/self/auxv");
    assert_eq!(vsyscall.entry().unwrap_or(0), at_sysinfo());
}

#[test]
fn the_kernel_provides_the_fast_entry() {
    if let Some(emulator) = qemu_user() {
        skip!(
            "{} gives its guest no AT_SYSINFO (the fallback test covers that)",
            emulator
        );
    }
    let vsyscall = Vsyscall::from_proc_self_auxv().expect("read /proc/self/auxv");
    assert!(
        vsyscall.entry().is_some(),
        "no AT_SYSINFO in /proc/self/auxv"
    );
}

#[test]
fn from_auxv_finds_at_sysinfo_among_other_entries() {
    let auxv = [
        libc::AT_PAGESZ as usize,
        4096,
        AT_SYSINFO as usize,
        0xf7f0_1550,
        0,
        0,
    ];
    // SAFETY: a well-formed vector; the entry is only compared, never called.
    let vsyscall = unsafe { Vsyscall::from_auxv(auxv.as_ptr()) };
    assert_eq!(vsyscall.entry(), Some(0xf7f0_1550));
}

#[test]
fn without_at_sysinfo_it_falls_back_to_int_0x80() {
    let _lock = address_space_lock();
    let auxv = [libc::AT_PAGESZ as usize, 4096, 0, 0];
    // SAFETY: a well-formed vector without AT_SYSINFO.
    let vsyscall = unsafe { Vsyscall::from_auxv(auxv.as_ptr()) };
    assert_eq!(vsyscall, Vsyscall::INT_0X80);
    unmap_middle_page_and_check_errors(vsyscall);
}

#[test]
fn fast_entry_unmaps_and_returns_the_kernels_errors() {
    let _lock = address_space_lock();
    // SAFETY: the kernel's AT_SYSINFO for this process (0, the fallback, under qemu).
    let vsyscall = unsafe { Vsyscall::from_at_sysinfo(at_sysinfo()) };
    unmap_middle_page_and_check_errors(vsyscall);
}

fn unmap_middle_page_and_check_errors(vsyscall: Vsyscall) {
    let pages = Pages::map(3);
    // SAFETY: page 1 is ours and unused from here on.
    assert_eq!(
        unsafe { vsyscall.munmap(pages.page(1).cast(), page_size()) },
        Ok(())
    );
    pages.assert_intact(0);
    pages.assert_gone(1);
    pages.assert_intact(2);
    // SAFETY: calls the kernel refuses.
    unsafe {
        let unaligned = pages.page(0).wrapping_add(1).cast();
        assert_eq!(vsyscall.munmap(unaligned, page_size()), Err(Errno::EINVAL));
        assert_eq!(vsyscall.munmap(pages.page(0).cast(), 0), Err(Errno::EINVAL));
        assert_eq!(
            vsyscall.munmap(pages.page(0).cast(), usize::MAX),
            Err(Errno::EINVAL)
        );
    }
    pages.assert_intact(0);
}
