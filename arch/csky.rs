//! Linux csky (ABI v2) system-call ABI, as `munmap` uses it:
//! - number: `r7` (munmap = 215)
//! - arguments: `a0`, `a1` (`r0`, `r1`; then `a2`, `a3`, `r4`, `r5`)
//! - trap: `trap 0`
//! - result: `a0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else: the kernel saves every register and restores it, with `a0`
//!   replaced by the result (`csky_systemcall` in `arch/csky/kernel/entry.S`); the condition
//!   bit is not promised kept; the stack is kept
//! - exit (ends the calling thread): number 93, status in `a0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 135, `SIG_BLOCK`
//!   (0) in `a0`, the set's address in `a1`, NULL in `a2`, its size (8) in `a3`
//! - seccomp: `AUDIT_ARCH_CSKY`, 215
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` (a comparison LLVM makes a select: conditional moves)
//!
//! `r7`, the number register, is LLVM's base pointer and cannot be an `asm!` operand: the
//! number comes in through another register and is swapped into `r7` around the trap, which
//! gives the caller's `r7` back without touching the stack (as Thumb mode does on arm).

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::CSKY;

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
    // `nostack`: no instruction here touches the user stack. No `preserves_flags`: nothing
    // promises the condition bit. No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "mov16 {saved}, r7",
            "mov16 r7, {nr}",
            "trap32 0",
            "mov16 r7, {saved}",
            nr = in(reg) SYSCALL.nr,
            saved = out(reg) _,
            inlateout("r0") addr as usize => ret,
            in("r1") len,
            options(nostack),
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
    // `status` move to `r4` to `r6`, which the kernel restores; they are the caller's, as is
    // `r7`, but this block never returns to it. The set is data of this block after its last
    // trap, reached PC-relative (`grs`). After the munmap trap only registers are used. 93 is
    // `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "mov16 r4, r0",
            "mov16 r5, r1",
            "mov16 r6, r2",
            "movi32 r7, 135",
            "movi16 r0, 0",
            "grs32 r1, 3f",
            "movi16 r2, 0",
            "movi16 r3, 8",
            "trap32 0",
            "movi32 r7, 215",
            "mov16 r0, r4",
            "mov16 r1, r5",
            "trap32 0",
            "movi32 r7, 93",
            "mov16 r0, r6",
            "trap32 0",
            ".p2align 2",
            "3: .long -1, -1",
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
    // registers are used: `status` waits in `r2`, which the kernel restores. 93 is `exit` (the
    // thread; `exit_group` would end the process), which does not return, so `r7` need not be
    // given back. `nostack`: neither trap touches the user stack.
    unsafe {
        asm!(
            "mov16 r7, {nr}",
            "trap32 0",
            "movi32 r7, 93",
            "mov16 r0, r2",
            "trap32 0",
            nr = in(reg) SYSCALL.nr,
            in("r0") addr as usize,
            in("r1") len,
            in("r2") status,
            options(noreturn, nostack),
        );
    }
}
