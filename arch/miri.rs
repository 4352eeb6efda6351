//! Under Miri, which interprets the program and cannot run `asm!`, as `munmap` uses it:
//! - munmap: the C `munmap` that Miri itself implements, its `-1` and `errno` turned into the
//!   `-errno` the trap would return; so the result is Miri's, and Miri's memory model sees the
//!   range freed (a later access is reported as undefined behaviour)
//! - what Miri models: unmapping exactly one whole mapping made by `mmap`, and `EINVAL` for an
//!   unaligned address or a range that overflows; it reports a zero length, part of a mapping,
//!   or a range with no mapping as undefined behaviour, where Linux returns `EINVAL`, splits
//!   the mapping, or does nothing
//! - munmap_and_exit and munmap_and_exit_keep_sigmask: not modelled (a thread cannot end itself under Miri); the call stops Miri
//!   with "unsupported operation: can't call foreign function
//!   `munmap_and_exit_cannot_run_under_miri`"
//! - the x86 fast entry: not called; `Vsyscall::munmap` is the C `munmap` too

use core::ffi::c_void;

use crate::Errno;

extern "C" {
    #[link_name = "munmap"]
    fn c_munmap(addr: *mut c_void, len: usize) -> i32;
    #[cfg_attr(target_os = "android", link_name = "__errno")]
    fn __errno_location() -> *mut i32;
    fn munmap_and_exit_cannot_run_under_miri(addr: *mut c_void, len: usize, status: i32) -> !;
}

/// munmap(2) as Miri implements it, its `-1` and `errno` decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller upholds `crate::munmap`'s contract; `errno` is this thread's.
    let ret = unsafe {
        if c_munmap(addr, len) == 0 {
            0
        } else {
            (*__errno_location() as isize).wrapping_neg() as usize
        }
    };
    Errno::from_negated(ret)
}

/// Stops Miri with a message naming what it cannot run.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: no such function exists; Miri refuses the call and stops.
    unsafe { munmap_and_exit_cannot_run_under_miri(addr, len, status) }
}

/// Stops Miri with a message naming what it cannot run.
///
/// # Safety
/// As for [`crate::munmap_and_exit_keep_sigmask`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit_keep_sigmask(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: as for `munmap_and_exit`.
    unsafe { munmap_and_exit_cannot_run_under_miri(addr, len, status) }
}

/// munmap(2) as Miri implements it: the vDSO entry cannot be called under Miri.
///
/// # Safety
/// As for [`crate::Vsyscall::munmap`].
#[cfg(target_arch = "x86")]
#[inline(always)]
pub(crate) unsafe fn munmap_vsyscall(
    _entry: usize,
    addr: *mut c_void,
    len: usize,
) -> Result<(), Errno> {
    // SAFETY: as for `munmap`.
    unsafe { munmap(addr, len) }
}
