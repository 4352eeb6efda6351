//! Linux riscv64 and riscv32 system-call ABI, as `munmap` uses it:
//! - number: `a7` (munmap = 215)
//! - arguments: `a0`, `a1` (then `a2` to `a5`)
//! - trap: `ecall`
//! - result: `a0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else (RISC-V has no flags); the stack is kept
//! - exit (ends the calling thread): number 93, status in `a0`
//! - seccomp: `AUDIT_ARCH_RISCV32` or `AUDIT_ARCH_RISCV64`, 215
//! - errors: Linux's generic table

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = if cfg!(target_arch = "riscv64") {
    seccomp::RISCV64
} else {
    seccomp::RISCV32
};

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. `preserves_flags`: there are none. No `nomem`: the call changes which
    // memory is valid.
    unsafe {
        asm!(
            "ecall",
            in("a7") SYSCALL.nr as usize,
            inlateout("a0") addr as usize => ret,
            in("a1") len,
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
    // registers are used: `status` waits in `a2`, which `ecall` keeps. 93 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: neither
    // trap touches the user stack.
    unsafe {
        asm!(
            "ecall",
            "li a7, 93",
            "mv a0, a2",
            "ecall",
            in("a7") SYSCALL.nr as usize,
            in("a0") addr as usize,
            in("a1") len,
            in("a2") status,
            options(noreturn, nostack),
        );
    }
}
