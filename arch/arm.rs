//! Linux arm (32-bit, EABI) system-call ABI, as `munmap` uses it:
//! - number: `r7` (munmap = 91)
//! - arguments: `r0`, `r1` (then `r2` to `r6`)
//! - trap: `svc 0`
//! - result: `r0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; flags and the stack are kept
//! - exit (ends the calling thread): number 1, status in `r0`
//!
//! `r7` is callee-saved in the procedure-call standard, so the compiler saves and restores it
//! around the trap. Thumb-mode targets, where `r7` is the frame pointer, are not supported.

use core::arch::asm;
use core::ffi::c_void;

use crate::Errno;

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. `preserves_flags`: the kernel restores CPSR. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "svc 0",
            in("r7") crate::nr::MUNMAP as usize,
            inlateout("r0") addr as usize => ret,
            in("r1") len,
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
    // registers are used: `status` waits in `r2`, which `svc` keeps. 1 is `exit` (the thread;
    // `exit_group` would end the process), which does not return. `nostack`: neither trap
    // touches the user stack.
    unsafe {
        asm!(
            "svc 0",
            "mov r7, #1",
            "mov r0, r2",
            "svc 0",
            in("r7") crate::nr::MUNMAP as usize,
            in("r0") addr as usize,
            in("r1") len,
            in("r2") status,
            options(noreturn, nostack),
        );
    }
}
