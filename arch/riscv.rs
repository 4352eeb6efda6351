//! Linux riscv64 and riscv32 system-call ABI, as `munmap` uses it:
//! - number: `a7` (munmap = 215)
//! - arguments: `a0`, `a1` (then `a2` to `a5`)
//! - trap: `ecall`
//! - result: `a0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else (RISC-V has no flags); the stack is kept
//! - exit (ends the calling thread): number 93, status in `a0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 135, `SIG_BLOCK`
//!   (0) in `a0`, the set's address in `a1`, NULL in `a2`, its size (8) in `a3`
//! - seccomp: `AUDIT_ARCH_RISCV32` or `AUDIT_ARCH_RISCV64`, 215
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` with Zbb (`minu`), else `from_negated_no_select` (no select)

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
    // With Zbb (`minu`), LLVM saturates without a branch; rv64gc and rv32gc have no select.
    if cfg!(target_feature = "zbb") {
        Errno::from_negated(ret)
    } else {
        Errno::from_negated_no_select(ret)
    }
}

/// rt_sigprocmask(2) blocking every signal, munmap(2), then exit(2) of the calling thread, with
/// no memory access after the munmap trap.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. The first trap blocks every
    // signal (the kernel leaves SIGKILL and SIGSTOP out, which build no frame), so that none is
    // delivered on the way back from munmap, onto a stack that may be gone. `addr`, `len` and
    // `status` wait in `a4` to `a6`, which `ecall` keeps; the set is read-only data of this
    // block, reached PC-relative (`lla`). After the munmap trap only registers are used. 93 is
    // `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "li a7, 135",
            "li a0, 0",
            "lla a1, 3f",
            "li a2, 0",
            "li a3, 8",
            "ecall",
            "li a7, 215",
            "mv a0, a4",
            "mv a1, a5",
            "ecall",
            "li a7, 93",
            "mv a0, a6",
            "ecall",
            ".pushsection .rodata",
            ".balign 8",
            "3: .quad -1",
            ".popsection",
            in("a4") addr as usize,
            in("a5") len,
            in("a6") status,
            options(noreturn, nostack),
        );
    }
}

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit_keep_sigmask`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit_keep_sigmask(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit_keep_sigmask`'s contract. After the first trap only
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
