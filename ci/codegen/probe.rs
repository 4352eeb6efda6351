//! The codegen probes: out-of-line functions that call `munmap` (and return its result) and
//! `munmap_and_exit`.
//! ci/codegen.sh builds them as a crate of their own and disassembles each.
#![no_std]

use core::ffi::c_void;
use munmap::{munmap, Errno};

/// # Safety
/// As for `munmap`.
#[no_mangle]
#[inline(never)]
pub unsafe fn probe_munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: forwarded to the caller.
    unsafe { munmap(addr, len) }
}

/// The shape most callers have (dlmalloc checks `is_ok()`; memmap2 and stacker drop the result):
/// only whether the call failed.
///
/// # Safety
/// As for `munmap`.
#[no_mangle]
#[inline(never)]
pub unsafe fn probe_munmap_is_err(addr: *mut c_void, len: usize) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { munmap(addr, len) }.is_err()
}

/// # Safety
/// As for `munmap_and_exit`.
#[no_mangle]
#[inline(never)]
pub unsafe fn probe_munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: forwarded to the caller.
    unsafe { munmap::munmap_and_exit(addr, len, status) }
}
