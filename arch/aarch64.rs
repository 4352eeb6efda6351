//! Linux aarch64 (either byte order) system-call ABI, as `munmap` uses it:
//! - number: `x8` (munmap = 215)
//! - arguments: `x0`, `x1` (then `x2` to `x5`)
//! - trap: `svc #0`
//! - result: `x0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; flags and the stack are kept
//! - exit (ends the calling thread): number 93, status in `x0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 135, `SIG_BLOCK`
//!   (0) in `x0`, the set's address in `x1`, NULL in `x2`, its size (8) in `x3`
//! - seccomp: `AUDIT_ARCH_AARCH64`, 215, for either byte order
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` (a comparison LLVM makes a select: csel)

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
    // `status` wait in `x4` to `x6`, which `svc` keeps; the set is read-only data of this block,
    // reached PC-relative. After the munmap trap only registers are used. 93 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: no
    // instruction here touches the user stack.
    unsafe {
        asm!(
            "mov x8, #135",
            "mov x0, #0",
            "adrp x1, 3f",
            "add x1, x1, :lo12:3f",
            "mov x2, #0",
            "mov x3, #8",
            "svc #0",
            "mov x8, #215",
            "mov x0, x4",
            "mov x1, x5",
            "svc #0",
            "mov x8, #93",
            "mov w0, w6",
            "svc #0",
            ".pushsection .rodata",
            ".balign 8",
            "3: .quad -1",
            ".popsection",
            in("x4") addr as usize,
            in("x5") len,
            in("w6") status,
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
