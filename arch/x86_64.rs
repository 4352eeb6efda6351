//! Linux x86_64 system-call ABI, and x32 (x86_64 with 32-bit pointers), as `munmap` uses it:
//! - number: `rax` (munmap = 11; on x32, 11 | `__X32_SYSCALL_BIT`, 0x40000000)
//! - arguments: `rdi`, `rsi` (then `rdx`, `r10`, `r8`, `r9`), 64 bits wide on x32 too, where
//!   pointers and lengths go in zero-extended
//! - trap: `syscall`
//! - result: `rax`, either 0 or `-errno` in `-4095..=-1`, 64 bits wide on x32 too
//! - clobbered: `rcx` (return address) and `r11` (saved `rflags`); flags and the stack are kept
//! - exit (ends the calling thread): number 60 (on x32, 60 | the same bit), status in `rdi`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 14 (on x32, 14 |
//!   the same bit), `SIG_BLOCK` (0) in `rdi`, the set's address in `rsi`, NULL in `rdx`, its
//!   size (8) in `r10`; the full set is 8 bytes of ones in `.rodata`, reached `rip`-relative
//! - seccomp: `AUDIT_ARCH_X86_64` for both, with the number above
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated64` (a comparison LLVM makes a select: cmov), the result being
//!   64 bits wide on x32 too

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = if cfg!(target_pointer_width = "64") {
    seccomp::X86_64
} else {
    seccomp::X32
};

/// `exit` (60) and `rt_sigprocmask` (14), in the same table as munmap (11): x32 sets the same
/// bit on all three.
const EXIT: u32 = SYSCALL.nr - crate::nr::X86_64 + 60;
const RT_SIGPROCMASK: u32 = SYSCALL.nr - crate::nr::X86_64 + 14;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: u64;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch the
    // user stack. `preserves_flags`: sysret restores rflags from r11. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") u64::from(SYSCALL.nr) => ret,
            in("rdi") addr as usize as u64,
            in("rsi") len as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    // 64 bits wide on x32 too, where a `usize` is 32.
    Errno::from_negated64(ret)
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
    // delivered on the way back from munmap, onto a stack that may be gone. `addr` and `len`
    // wait in `r8` and `r9`, and `status` and the two numbers move to `r12` to `r14`, all of
    // which `syscall` keeps; `r12` to `r14` are the caller's, but this block never returns to
    // it. The set is read-only data of this block, reached `rip`-relative. After the munmap trap
    // only registers are used. exit ends the thread (`exit_group` would end the process) and
    // does not return. `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "mov r12d, edx",
            "mov r13d, ecx",
            "mov r14d, r11d",
            "xor edi, edi",
            "lea rsi, [rip + 3f]",
            "xor edx, edx",
            "syscall",
            "mov eax, r13d",
            "mov rdi, r8",
            "mov rsi, r9",
            "syscall",
            "mov eax, r14d",
            "mov edi, r12d",
            "syscall",
            ".pushsection .rodata",
            ".balign 8",
            "3: .quad -1",
            ".popsection",
            in("rax") u64::from(RT_SIGPROCMASK),
            in("r10") 8u64, // the kernel's sigset_t: 64 signals
            in("r8") addr as usize as u64,
            in("r9") len as u64,
            in("edx") status,
            in("ecx") SYSCALL.nr,
            in("r11d") EXIT,
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
    // registers are used: `status` waits in `edx` and exit's number in `r8`, which `syscall`
    // keeps. exit ends the thread (`exit_group` would end the process) and does not return.
    // `nostack`: neither trap touches the user stack.
    unsafe {
        asm!(
            "syscall",
            "mov eax, r8d",
            "mov edi, edx",
            "syscall",
            in("rax") u64::from(SYSCALL.nr),
            in("rdi") addr as usize as u64,
            in("rsi") len as u64,
            in("edx") status,
            in("r8") u64::from(EXIT),
            options(noreturn, nostack),
        );
    }
}
