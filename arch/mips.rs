//! Linux mips (o32 ABI) and mips64 (n64 ABI), either byte order, release 2 or 6, system-call
//! ABI, as `munmap` uses it:
//! - number: `$2` (v0) (munmap = 4091 on o32, 5011 on n64)
//! - arguments: `$4`, `$5` (a0, a1) (then `$6`, `$7`; o32 reads a fifth to eighth from the
//!   stack, n64 from `$8` to `$11`)
//! - trap: `syscall`
//! - result: `$2`, with `$7` (a3) 0 on success and 1 on failure, when `$2` holds the positive
//!   errno (`handle_sys` in `arch/mips/kernel/scall32-o32.S`, `scall64-n64.S`)
//! - clobbered: `$1`, `$3`, `$8` to `$15`, `$24`, `$25`, hi and lo: the temporaries, which the
//!   kernel's C code uses and its fast return path does not restore (glibc's list); the stack
//!   is not written
//! - exit (ends the calling thread): number 4001 (o32) or 5058 (n64), status in `$4`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 4195 (o32) or
//!   5014 (n64), `SIG_BLOCK` (1) in `$4`, the set's address in `$5`, NULL in `$6`, its size
//!   (16: MIPS has 128 signals) in `$7`
//! - seccomp: `AUDIT_ARCH_MIPS`, `AUDIT_ARCH_MIPSEL` (o32), `AUDIT_ARCH_MIPS64` or
//!   `AUDIT_ARCH_MIPSEL64` (n64), with the number as above (`syscall_get_arch` in
//!   `arch/mips/include/asm/syscall.h`)
//! - errors: MIPS's own table (`arch/mips/include/uapi/asm/errno.h`)
//! - decode: `Errno::from_flagged` (arithmetic, cheapest here)
//!
//! Three of these registers cannot be operands of Rust's `asm!`. `$1` (at), which Rust refuses
//! as the assembler's temporary but LLVM allocates like any other register (it is not in
//! `getReservedRegs` of LLVM's `MipsRegisterInfo.cpp`): the asm keeps it in `$6` (a2, which the
//! kernel restores and munmap does not use) across the trap, two moves. hi and lo (before
//! release 6), which `asm!` has no name for and no register is left to keep: a value LLVM kept
//! there across this block would be lost. No Rust system-call code can prevent that today;
//! rustix and the `syscalls` crate declare neither `$1` nor hi and lo.
//!
//! On o32 the kernel reads four words at `16($sp)` to `28($sp)` on every call, for arguments
//! five to eight: the argument area above the stack pointer, which it only reads, and reads as
//! 0 where it faults (`load_a4` to `load_a7` and their fixups), so `munmap_and_exit`'s `exit`
//! works after the stack is gone. n64 takes every argument in registers.

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = match (O32, cfg!(target_endian = "big")) {
    (true, true) => seccomp::MIPS,
    (true, false) => seccomp::MIPSEL,
    (false, true) => seccomp::MIPS64,
    (false, false) => seccomp::MIPSEL64,
};

/// The ABI: o32 for 32-bit mips (release 2 or 6), n64 for mips64 (lib.rs admits no n32).
const O32: bool = cfg!(any(target_arch = "mips", target_arch = "mips32r6"));

/// exit(2) on this ABI: o32's base, 4000, + 1; n64's, 5000, + 58.
const EXIT: u32 = if O32 { 4001 } else { 5058 };

/// rt_sigprocmask(2) on this ABI: o32's base + 195; n64's + 14.
const RT_SIGPROCMASK: u32 = if O32 { 4195 } else { 5014 };

crate::errno::errno_table!(mips);

/// munmap(2) trap, its result (`$2` and the flag in `$7`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let value: usize;
    let flagged: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `$1` comes back as it was (see
    // above); `$6` is declared clobbered for it. `nostack`: the trap writes nothing
    // on the user stack (see the module documentation for what o32 reads). `preserves_flags`:
    // MIPS has no flags register. No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            ".set noat",
            "move $6, $1",
            "syscall",
            "move $1, $6",
            ".set at",
            inlateout("$2") SYSCALL.nr as usize => value,
            in("$4") addr as usize,
            in("$5") len,
            out("$6") _,
            lateout("$7") flagged,
            lateout("$3") _,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            options(nostack, preserves_flags),
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
    // `status` move to `$16` to `$18`, which the kernel restores (callee-saved in C); they are
    // the caller's, as is `$31`, but this block never returns to it. `bal` is the
    // branch-and-link that reads the PC: it jumps over the set, 16 bytes of data placed right
    // after its delay slot (MIPS has 128 signals), and leaves the set's address in `$31`. After
    // the munmap trap only registers are used; the o32 reads of the argument area read 0 once it
    // is unmapped. `exit` ends the thread (`exit_group` would end the process) and does not
    // return. `nostack`: no instruction here writes the user stack.
    unsafe {
        asm!(
            ".set noreorder",
            "move $16, $4",
            "move $17, $5",
            "move $18, $6",
            "li $2, {rt_sigprocmask}",
            "li $4, 1",
            "bal 2f",
            "li $6, 0",
            ".word -1, -1, -1, -1",
            "2: move $5, $31",
            "li $7, 16",
            "syscall",
            "li $2, {munmap}",
            "move $4, $16",
            "move $5, $17",
            "syscall",
            "li $2, {exit}",
            "move $4, $18",
            "syscall",
            ".set reorder",
            rt_sigprocmask = const RT_SIGPROCMASK,
            munmap = const SYSCALL.nr,
            exit = const EXIT,
            in("$4") addr as usize,
            in("$5") len,
            in("$6") status as isize,
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
    // registers are used: `status` waits in `$6` (a2), which the kernel restores. `exit` ends
    // the thread (`exit_group` would end the process) and does not return. `nostack`: neither
    // trap writes the user stack, and the o32 reads of the argument area read 0 once it is
    // unmapped.
    unsafe {
        asm!(
            "syscall",
            "li $2, {exit}",
            "move $4, $6",
            "syscall",
            exit = const EXIT,
            in("$2") SYSCALL.nr as usize,
            in("$4") addr as usize,
            in("$5") len,
            in("$6") status as isize,
            options(noreturn, nostack),
        );
    }
}
