//! Linux s390x system-call ABI, as `munmap` uses it:
//! - number: `r1` (munmap = 91)
//! - arguments: `r2`, `r3` (then `r4` to `r7`)
//! - trap: `svc 0`
//! - result: `r2`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; the condition code and the stack are kept
//! - exit (ends the calling thread): number 1, status in `r2`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 175, `SIG_BLOCK`
//!   (0) in `r2`, the set's address in `r3`, NULL in `r4`, its size (8) in `r5`
//! - seccomp: `AUDIT_ARCH_S390X`, 91
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated_no_select`: the baseline (z10) has no load-on-condition

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::S390X;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. `preserves_flags`: the kernel restores the PSW's condition code. No
    // `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "svc 0",
            in("r1") SYSCALL.nr as usize,
            inlateout("r2") addr as usize => ret,
            in("r3") len,
            options(nostack, preserves_flags),
        );
    }
    Errno::from_negated_no_select(ret)
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
    // `status` move to `r7` to `r9`, which the kernel keeps; they are the caller's, but this
    // block never returns to it. The set is read-only data of this block, reached PC-relative
    // (`larl`). After the munmap trap only registers are used. 1 is `exit` (the thread;
    // `exit_group` would end the process), which does not return. `nostack`: no instruction here
    // touches the user stack.
    unsafe {
        asm!(
            "lgr %r7, %r2",
            "lgr %r8, %r3",
            "lgr %r9, %r4",
            "lghi %r1, 175",
            "lghi %r2, 0",
            "larl %r3, 3f",
            "lghi %r4, 0",
            "lghi %r5, 8",
            "svc 0",
            "lghi %r1, 91",
            "lgr %r2, %r7",
            "lgr %r3, %r8",
            "svc 0",
            "lghi %r1, 1",
            "lgr %r2, %r9",
            "svc 0",
            ".pushsection .rodata",
            ".balign 8",
            "3: .quad -1",
            ".popsection",
            in("r2") addr as usize,
            in("r3") len,
            in("r4") status as isize,
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
    // registers are used: `status` waits in `r6`, which the kernel keeps (callee-saved in C). 1 is `exit` (the thread;
    // `exit_group` would end the process), which does not return. `nostack`: neither trap
    // touches the user stack.
    unsafe {
        asm!(
            "svc 0",
            "lghi %r1, 1",
            "lgr %r2, %r6",
            "svc 0",
            in("r1") SYSCALL.nr as usize,
            in("r2") addr as usize,
            in("r3") len,
            in("r6") status as isize,
            options(noreturn, nostack),
        );
    }
}
