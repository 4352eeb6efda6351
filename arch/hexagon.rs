//! Linux hexagon system-call ABI, as `munmap` uses it:
//! - number: `r6` (munmap = 215)
//! - arguments: `r0`, `r1` (then `r2` to `r5`)
//! - trap: `trap0(#1)`
//! - result: `r0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else that is visible: the kernel saves every register in `pt_regs` and
//!   restores it, with `r0` replaced by the result (`do_trap0` in
//!   `arch/hexagon/kernel/traps.c`); predicates are not promised kept; the stack is kept
//! - exit (ends the calling thread): number 93, status in `r0`
//! - seccomp: `AUDIT_ARCH_HEXAGON`, 215
//! - errors: Linux's generic table

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::HEXAGON;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. No `preserves_flags`: nothing promises the predicates. No `nomem`: the
    // call changes which memory is valid.
    unsafe {
        asm!(
            "trap0(#1)",
            in("r6") SYSCALL.nr as usize,
            inlateout("r0") addr as usize => ret,
            in("r1") len,
            options(nostack),
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
    // registers are used: `status` waits in `r2`, which the kernel restores. 93 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: neither
    // trap touches the user stack.
    unsafe {
        asm!(
            "trap0(#1)",
            "r6 = #93",
            "r0 = r2",
            "trap0(#1)",
            in("r6") SYSCALL.nr as usize,
            in("r0") addr as usize,
            in("r1") len,
            in("r2") status,
            options(noreturn, nostack),
        );
    }
}
