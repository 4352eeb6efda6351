//! Linux aarch64 (either byte order) system-call ABI, as `munmap` uses it:
//! - number: `x8` (munmap = 215)
//! - arguments: `x0`, `x1` (then `x2` to `x5`)
//! - trap: `svc #0`
//! - result: `x0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; flags and the stack are kept
//! - exit (ends the calling thread): number 93, status in `x0`
//! - seccomp: `AUDIT_ARCH_AARCH64`, 215, for either byte order
//! - errors: Linux's generic table

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::AARCH64;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. `preserves_flags`: `eret` restores PSTATE. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "svc #0",
            in("x8") SYSCALL.nr as usize,
            inlateout("x0") addr as usize => ret,
            in("x1") len,
            options(nostack, preserves_flags),
        );
    }
    Errno::from_negated(ret)
}

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. After the first trap only
    // registers are used: `status` waits in `x2`, which `svc` keeps. 93 is `exit` (the thread;
    // `exit_group` would end the process), which does not return. `nostack`: neither trap
    // touches the user stack.
    unsafe {
        asm!(
            "svc #0",
            "mov x8, #93",
            "mov w0, w2",
            "svc #0",
            in("x8") SYSCALL.nr as usize,
            in("x0") addr as usize,
            in("x1") len,
            in("w2") status,
            options(noreturn, nostack),
        );
    }
}
