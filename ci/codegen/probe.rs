//! The codegen probe: one out-of-line function that calls `munmap` and returns its result.
//! ci/codegen.sh builds it as a crate of its own and disassembles `probe_munmap`.
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
