//! Linux hexagon system-call ABI, as `munmap` uses it:
//! - number: `r6` (munmap = 215)
//! - arguments: `r0`, `r1` (then `r2` to `r5`)
//! - trap: `trap0(#1)`
//! - result: `r0`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else that is visible: the kernel saves every register in `pt_regs` and
//!   restores it, with `r0` replaced by the result (`do_trap0` in
//!   `arch/hexagon/kernel/traps.c`); predicates are not promised kept; the stack is kept
//! - exit (ends the calling thread): number 93, status in `r0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 135, `SIG_BLOCK`
//!   (0) in `r0`, the set's address in `r1`, NULL in `r2`, its size (8) in `r3`
//! - seccomp: `AUDIT_ARCH_HEXAGON`, 215
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` (a comparison LLVM makes a select: mux)

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
    // `status` wait in `r7` to `r9`, which the kernel restores; the set is read-only data of
    // this block, reached PC-relative. After the munmap trap only registers are used. 93 is
    // `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "r6 = #135",
            "r0 = #0",
            "r1 = add(pc, ##3f@PCREL)",
            "r2 = #0",
            "r3 = #8",
            "trap0(#1)",
            "r6 = #215",
            "r0 = r7",
            "r1 = r8",
            "trap0(#1)",
            "r6 = #93",
            "r0 = r9",
            "trap0(#1)",
            ".pushsection .rodata",
            ".balign 8",
            "3: .word -1, -1",
            ".popsection",
            in("r7") addr as usize,
            in("r8") len,
            in("r9") status,
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
