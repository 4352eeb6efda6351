//! Linux powerpc (32-bit) and powerpc64 (big- and little-endian) system-call ABI, as `munmap`
//! uses it:
//! - number: `r0` (munmap = 91)
//! - arguments: `r3`, `r4` (then `r5` to `r8`)
//! - trap: `sc`
//! - result: `r3`; on failure `cr0.SO` is set and `r3` holds the positive errno
//! - clobbered: `r0`, `r4` to `r12`, `cr0`, `ctr` and `xer` (glibc's list, plus `xer`, which
//!   the C calling convention the kernel follows leaves volatile); the stack is kept
//! - exit (ends the calling thread): number 1, status in `r3`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 174, `SIG_BLOCK`
//!   (0) in `r3`, the set's address in `r4`, NULL in `r5`, its size (8) in `r6`
//! - seccomp: `AUDIT_ARCH_PPC`, `AUDIT_ARCH_PPC64` or `AUDIT_ARCH_PPC64LE`, 91
//! - errors: Linux's generic table, but for `EDEADLOCK`, 58
//!   (`arch/powerpc/include/uapi/asm/errno.h`)
//! - decode: `Errno::from_flagged` (arithmetic, cheapest here)
//!
//! The flag decides, as in glibc: with `cr0.SO` set, `r3` is the error number; with it clear,
//! `r3` is the call's value, which for munmap is 0. The asm copies the flag into `r4` (which
//! the trap clobbers anyway), and `Errno::from_flagged` decodes the pair without a branch.

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = if cfg!(target_arch = "powerpc") {
    seccomp::POWERPC
} else if cfg!(target_endian = "big") {
    seccomp::POWERPC64
} else {
    seccomp::POWERPC64LE
};

crate::errno::errno_table!(powerpc);

/// munmap(2) trap, its result (`r3` and `cr0.SO`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let value: usize;
    let flagged: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `mfcr` copies the condition
    // register; `rlwinm` keeps its bit 3 from the top, cr0.SO, as 0 or 1. `nostack`: the trap
    // does not touch the user stack. `preserves_flags` does not hold: `cr0` and `xer` change.
    // No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "sc",
            "mfcr 4",
            "rlwinm 4, 4, 4, 31, 31",
            inlateout("r0") SYSCALL.nr as usize => _,
            inlateout("r3") addr as usize => value,
            inlateout("r4") len => flagged,
            lateout("r5") _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            lateout("cr0") _,
            lateout("ctr") _,
            lateout("xer") _,
            options(nostack),
        );
    }
    Errno::from_flagged(value, flagged)
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
    // `status` move to `r14` to `r16`, which the kernel keeps (callee-saved in C); they are the
    // caller's, as is the link register, but this block never returns to it. `bcl 20, 31` is the
    // branch-and-link that reads the PC: it jumps over the set, 8 bytes of data placed right
    // after it, and leaves the set's address in the link register. After the munmap trap only
    // registers are used. 1 is `exit` (the thread; `exit_group` would end the process), which
    // does not return. `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "mr 14, 3",
            "mr 15, 4",
            "mr 16, 5",
            "li 0, 174",
            "li 3, 0",
            "bcl 20, 31, 2f",
            ".long -1, -1",
            "2: mflr 4",
            "li 5, 0",
            "li 6, 8",
            "sc",
            "li 0, 91",
            "mr 3, 14",
            "mr 4, 15",
            "sc",
            "li 0, 1",
            "mr 3, 16",
            "sc",
            in("r3") addr as usize,
            in("r4") len,
            in("r5") status as isize,
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
    // registers are used: `status` waits in `r14`, which the kernel keeps (callee-saved in C).
    // 1 is `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: neither trap touches the user stack.
    unsafe {
        asm!(
            "sc",
            "li 0, 1",
            "mr 3, 14",
            "sc",
            in("r0") SYSCALL.nr as usize,
            in("r3") addr as usize,
            in("r4") len,
            in("r14") status as isize,
            options(noreturn, nostack),
        );
    }
}
