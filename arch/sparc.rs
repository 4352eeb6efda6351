//! Linux sparc (32-bit) and sparc64 system-call ABI, as `munmap` uses it:
//! - number: `%g1` (munmap = 73)
//! - arguments: `%o0`, `%o1` (then `%o2` to `%o5`)
//! - trap: `t 0x6d` (sparc64) or `t 0x10` (32-bit)
//! - result: `%o0`; on failure the carry is set (`%xcc` and `%icc` on sparc64, `%icc` on
//!   sparc) and `%o0` holds the positive errno; the kernel sets it for -516 to -1 only, and
//!   returns a larger errno (a seccomp filter's) negated with the carry clear (`ret_sys_call` in
//!   `arch/sparc/kernel/syscalls.S`)
//! - clobbered: the condition codes; every other register and the stack are kept (nolibc's list)
//! - exit (ends the calling thread): number 1, status in `%o0`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 103, `SIG_BLOCK`
//!   (1) in `%o0`, the set's address in `%o1`, NULL in `%o2`, its size (8) in `%o3`
//! - seccomp: `AUDIT_ARCH_SPARC64` or `AUDIT_ARCH_SPARC`, 73
//! - errors: SPARC's own table (`arch/sparc/include/uapi/asm/errno.h`)
//! - decode: `Errno::from_carry` (comparisons SPARC's conditional moves make branch-free)
//!
//! `%g1` cannot be an `asm!` operand (LLVM reserves it as a scratch register for its own
//! prologues and never keeps a value in it), so the asm sets it itself. sparc64 reads the carry
//! of `%xcc`, the one qemu-user sets, with a conditional move; 32-bit sparc adds `%icc`'s carry
//! to zero. `Errno::from_carry` decodes the pair without a branch.

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = if cfg!(target_arch = "sparc64") {
    seccomp::SPARC64
} else {
    seccomp::SPARC
};

crate::errno::errno_table!(sparc);

/// munmap(2) trap, its result (`%o0` and the carry) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let value: usize;
    let carry: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. The asm writes `%g1`, which holds
    // no value of the compiler's (see above). `nostack`: the trap does not touch the user stack.
    // `preserves_flags` does not hold: the carry changes. No `nomem`: the call changes which
    // memory is valid.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!(
            "mov {nr}, %g1",
            "t 0x6d",
            "movcs %xcc, 1, {carry}",
            nr = const SYSCALL.nr,
            carry = inout(reg) 0usize => carry,
            inlateout("o0") addr as usize => value,
            in("o1") len,
            options(nostack),
        );
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!(
            "mov {nr}, %g1",
            "t 0x10",
            "addx %g0, 0, {carry}",
            nr = const SYSCALL.nr,
            carry = lateout(reg) carry,
            inlateout("o0") addr as usize => value,
            in("o1") len,
            options(nostack),
        );
    }
    Errno::from_carry(value, carry)
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
    // `status` move to `%l0` to `%l2`, which the trap keeps; they are the caller's, as is `%o7`,
    // but this block never returns to it. `call` is the branch-and-link that reads the PC: it
    // jumps over its delay slot and the set, 8 bytes of data placed after it, and leaves its own
    // address in `%o7`, 8 bytes before the set. After the munmap trap only registers are used. 1
    // is `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: no instruction here touches the user stack.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!(
            "mov %o0, %l0",
            "mov %o1, %l1",
            "mov %o2, %l2",
            "mov 103, %g1",
            "mov 1, %o0",
            "call 2f",
            "mov 0, %o2",
            ".word -1, -1",
            "2: add %o7, 8, %o1",
            "mov 8, %o3",
            "t 0x6d",
            "mov {nr}, %g1",
            "mov %l0, %o0",
            "mov %l1, %o1",
            "t 0x6d",
            "mov 1, %g1",
            "mov %l2, %o0",
            "t 0x6d",
            nr = const SYSCALL.nr,
            in("o0") addr as usize,
            in("o1") len,
            in("o2") status as isize,
            options(noreturn, nostack),
        );
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!(
            "mov %o0, %l0",
            "mov %o1, %l1",
            "mov %o2, %l2",
            "mov 103, %g1",
            "mov 1, %o0",
            "call 2f",
            "mov 0, %o2",
            ".word -1, -1",
            "2: add %o7, 8, %o1",
            "mov 8, %o3",
            "t 0x10",
            "mov {nr}, %g1",
            "mov %l0, %o0",
            "mov %l1, %o1",
            "t 0x10",
            "mov 1, %g1",
            "mov %l2, %o0",
            "t 0x10",
            nr = const SYSCALL.nr,
            in("o0") addr as usize,
            in("o1") len,
            in("o2") status,
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
    // registers are used: `status` waits in a register of its own, which the trap keeps. 1 is
    // `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: neither trap touches the user stack.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!(
            "mov {nr}, %g1",
            "t 0x6d",
            "mov 1, %g1",
            "mov {status}, %o0",
            "t 0x6d",
            nr = const SYSCALL.nr,
            status = in(reg) status as isize,
            in("o0") addr as usize,
            in("o1") len,
            options(noreturn, nostack),
        );
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!(
            "mov {nr}, %g1",
            "t 0x10",
            "mov 1, %g1",
            "mov {status}, %o0",
            "t 0x10",
            nr = const SYSCALL.nr,
            status = in(reg) status,
            in("o0") addr as usize,
            in("o1") len,
            options(noreturn, nostack),
        );
    }
}
