//! The errors munmap returns, each one the kernel's, and that a failed call changes nothing.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use munmap::{munmap, Errno};

/// munmap's result for `(addr, len)`.
fn try_unmap(addr: usize, len: usize) -> Result<(), Errno> {
    // SAFETY: every call here is one the kernel must refuse; were it to succeed, it would unmap
    // only pages the calling test owns or no mapping at all.
    unsafe { munmap(addr as *mut c_void, len) }
}

#[test]
fn unaligned_address_is_einval_and_unmaps_nothing() {
    let _lock = address_space_lock();
    let pages = Pages::map(2);
    for offset in [1, page_size() / 2, page_size() - 1] {
        let addr = pages.page(0) as usize + offset;
        assert_eq!(
            try_unmap(addr, page_size()),
            Err(Errno::EINVAL),
            "offset {}",
            offset
        );
    }
    pages.assert_intact(0);
    pages.assert_intact(1);
}

#[test]
fn zero_length_is_einval_and_unmaps_nothing() {
    let _lock = address_space_lock();
    let pages = Pages::map(1);
    assert_eq!(try_unmap(pages.page(0) as usize, 0), Err(Errno::EINVAL));
    pages.assert_intact(0);
}

#[test]
fn range_that_overflows_the_address_space_is_einval_and_unmaps_nothing() {
    let _lock = address_space_lock();
    let pages = Pages::map(1);
    let addr = pages.page(0) as usize;
    // addr + len wraps far past zero; then a len that wraps when rounded up to a page.
    for len in [usize::MAX - page_size(), usize::MAX] {
        assert_eq!(try_unmap(addr, len), Err(Errno::EINVAL), "len {:#x}", len);
    }
    pages.assert_intact(0);
}

#[test]
fn range_ending_exactly_at_the_top_of_the_address_space_is_einval() {
    if cfg!(target_pointer_width = "64") {
        if let Some(emulator) = qemu_user() {
            skip!(
                "{} (64-bit guest) aborts on a range whose end wraps to 0",
                emulator
            );
        }
    }
    let _lock = address_space_lock();
    let pages = Pages::map(1);
    let addr = pages.page(0) as usize;
    // From our own page to the end of the address space; then the top page alone.
    assert_eq!(try_unmap(addr, addr.wrapping_neg()), Err(Errno::EINVAL));
    pages.assert_intact(0);
    let top = usize::MAX - (page_size() - 1);
    assert_eq!(try_unmap(top, page_size()), Err(Errno::EINVAL));
}

/// 0xffffe000 is the end of a 32-bit process's address space on a 64-bit kernel (TASK_SIZE for
/// IA32 emulation) and above it on a 32-bit kernel: the kernel refuses a page there.
#[cfg(target_arch = "x86")]
#[test]
fn x86_page_at_the_end_of_user_space_is_einval() {
    if let Some(emulator) = qemu_user() {
        skip!(
            "{} accepts munmap of 0xffffe000, where the kernel says EINVAL",
            emulator
        );
    }
    assert_eq!(try_unmap(0xffff_e000, page_size()), Err(Errno::EINVAL));
}
