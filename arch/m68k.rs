//! Linux m68k system-call ABI, as `munmap` uses it:
//! - number: `%d0` (munmap = 91)
//! - arguments: `%d1`, `%d2` (then `%d3` to `%d5`, `%a0`)
//! - trap: `trap #0`
//! - result: `%d0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: the condition codes; the kernel saves and restores every other register
//!   (`SAVE_ALL_SYS` and `RESTORE_ALL` in `arch/m68k/include/asm/entry.h`); the stack is kept
//! - exit (ends the calling thread): number 1, status in `%d1`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 175, `SIG_BLOCK`
//!   (0) in `%d1`, the set's address in `%d2`, NULL in `%d3`, its size (8) in `%d4`
//! - seccomp: `AUDIT_ARCH_M68K`, 91
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated_no_select`: m68k has no conditional move

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::M68K;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. No `preserves_flags`: the kernel's return need not keep the condition
    // codes. No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "trap #0",
            inlateout("d0") SYSCALL.nr as usize => ret,
            in("d1") addr as usize,
            in("d2") len,
            options(nostack),
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
    // `status` move to `%d5` to `%d7`, which the kernel restores; they are the caller's, as is
    // `%a0`, but this block never returns to it. The set is data of this block after its last
    // trap, reached PC-relative (`lea`). After the munmap trap only registers are used. 1 is
    // `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "move.l %d0, %d5",
            "move.l %d1, %d6",
            "move.l %a1, %d7",
            "move.l #175, %d0",
            "moveq #0, %d1",
            "lea (3f, %pc), %a0",
            "move.l %a0, %d2",
            "moveq #0, %d3",
            "moveq #8, %d4",
            "trap #0",
            "move.l #91, %d0",
            "move.l %d5, %d1",
            "move.l %d6, %d2",
            "trap #0",
            "moveq #1, %d0",
            "move.l %d7, %d1",
            "trap #0",
            ".p2align 2",
            "3: .long -1, -1",
            in("d0") addr as usize,
            in("d1") len,
            in("a1") status as isize,
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
    // registers are used: `status` waits in `%d3`, which the kernel restores. 1 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: neither
    // trap touches the user stack.
    unsafe {
        asm!(
            "trap #0",
            "moveq #1, %d0",
            "move.l %d3, %d1",
            "trap #0",
            in("d0") SYSCALL.nr as usize,
            in("d1") addr as usize,
            in("d2") len,
            in("d3") status,
            options(noreturn, nostack),
        );
    }
}
