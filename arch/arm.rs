//! Linux arm (32-bit, EABI, ARM or Thumb mode, either byte order) system-call ABI, as `munmap`
//! uses it:
//! - number: `r7` (munmap = 91)
//! - arguments: `r0`, `r1` (then `r2` to `r6`)
//! - trap: `svc 0`
//! - result: `r0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; flags and the stack are kept
//! - exit (ends the calling thread): number 1, status in `r0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 175, `SIG_BLOCK`
//!   (0) in `r0`, the set's address in `r1`, NULL in `r2`, its size (8) in `r3`
//! - seccomp: `AUDIT_ARCH_ARM`, 91, for either byte order
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` (a comparison LLVM makes a select: conditional execution)
//!
//! In Thumb mode `r7` is the frame pointer, which cannot be an `asm!` operand: the number comes
//! in through another register and is swapped into `r7` around the trap, which restores the
//! caller's `r7` without touching the stack. ARM mode takes the same path.

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::ARM;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `r7` holds the caller's value
    // again after the last `mov`; `saved` is an output, so it is never one of the inputs.
    // `nostack`: no instruction here touches the user stack. `preserves_flags`: the kernel
    // restores CPSR, and `mov` between registers sets no flags. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "mov {saved}, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, {saved}",
            nr = in(reg) SYSCALL.nr,
            saved = out(reg) _,
            inlateout("r0") addr as usize => ret,
            in("r1") len,
            options(nostack, preserves_flags),
        );
    }
    Errno::from_negated(ret)
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
    // `status` move to `r4` to `r6`, which `svc` keeps; they are the caller's, as is `r7`, but
    // this block never returns to it. The set is data of this block after its last trap, reached
    // PC-relative (`adr`). After the munmap trap only registers are used. 1 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: no
    // instruction here touches the user stack.
    unsafe {
        asm!(
            "mov r4, r0",
            "mov r5, r1",
            "mov r6, r2",
            "mov r7, #175",
            "mov r0, #0",
            "adr r1, 3f",
            "mov r2, #0",
            "mov r3, #8",
            "svc 0",
            "mov r7, #91",
            "mov r0, r4",
            "mov r1, r5",
            "svc 0",
            "mov r7, #1",
            "mov r0, r6",
            "svc 0",
            ".p2align 2",
            "3: .word -1, -1",
            in("r0") addr as usize,
            in("r1") len,
            in("r2") status,
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
    // registers are used: `status` waits in `r2`, which `svc` keeps. 1 is `exit` (the thread;
    // `exit_group` would end the process), which does not return, so `r7` need not be given
    // back. `nostack`: neither trap touches the user stack.
    unsafe {
        asm!(
            "mov r7, {nr}",
            "svc 0",
            "mov r7, #1",
            "mov r0, r2",
            "svc 0",
            nr = in(reg) SYSCALL.nr,
            in("r0") addr as usize,
            in("r1") len,
            in("r2") status,
            options(noreturn, nostack),
        );
    }
}
