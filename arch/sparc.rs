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
//! - seccomp: `AUDIT_ARCH_SPARC64` or `AUDIT_ARCH_SPARC`, 73
//! - errors: SPARC's own table (`arch/sparc/include/uapi/asm/errno.h`)
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

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. After the first trap only
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
