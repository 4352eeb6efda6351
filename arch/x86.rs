//! Linux x86 (i386) system-call ABI, as `munmap` uses it:
//! - number: `eax` (munmap = 91)
//! - arguments: `ebx`, `ecx` (then `edx`, `esi`, `edi`, `ebp`)
//! - trap: `int 0x80`
//! - result: `eax`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: nothing else; flags and the stack are kept
//! - exit (ends the calling thread): number 1, status in `ebx`
//! - signals blocked before a thread frees its stack: rt_sigprocmask, number 175, `SIG_BLOCK`
//!   (0) in `ebx`, the set's address in `ecx`, NULL in `edx`, its size (8) in `esi`
//! - seccomp: `AUDIT_ARCH_I386`, 91
//! - errors: Linux's generic table
//! - decode: `Errno::from_negated` (a comparison LLVM makes a select: cmov)
//! - fast entry: `call` to `__kernel_vsyscall` (the vDSO address in `AT_SYSINFO`, here in
//!   `edx`) takes the same registers as `int 0x80` and keeps all but `eax`; being a call, it
//!   uses the stack and may change the flags
//!
//! The address comes in through a register of the allocator's choosing and is swapped into
//! `ebx` around the trap (`xchg` leaves the flags alone, and is a no-op when the choice is `ebx`
//! itself), so that what the caller keeps in `ebx` is there again after it. A choice of the
//! allocator's can be `ebx`: no other operand of these blocks is left to it.
//!
//! x86 has no PC-relative addressing: the address of static data costs position-independent
//! code a call (or a GOT entry, which code running before relocation does not have). So
//! `munmap_and_exit` pushes its full signal set on the stack, and there too keeps `status`,
//! for which no register is left beside rt_sigprocmask's four arguments, `addr` and `len`; the
//! kernel reads both before the munmap trap, after which only registers are used.

use core::arch::asm;
use core::ffi::c_void;

use crate::seccomp::{self, Syscall};
use crate::Errno;

/// munmap's seccomp pair on this target.
pub(crate) const SYSCALL: Syscall = seccomp::X86;

crate::errno::errno_table!(generic);

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `ebx` holds the caller's value again
    // after the second `xchg`. `nostack`: neither `xchg` nor the trap touch the user stack.
    // `preserves_flags`: `iret` restores eflags. No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "xchg {addr}, ebx",
            "int 0x80",
            "xchg {addr}, ebx",
            addr = inout(reg) addr as usize => _,
            inlateout("eax") SYSCALL.nr as usize => ret,
            in("ecx") len,
            options(nostack, preserves_flags),
        );
    }
    Errno::from_negated(ret)
}

/// munmap(2) through the vDSO entry at `entry`, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::Vsyscall::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap_vsyscall(
    entry: usize,
    addr: *mut c_void,
    len: usize,
) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `Vsyscall::munmap`'s contract: `entry` is this process's
    // `__kernel_vsyscall`, which keeps every register but `eax`. `ebx` holds the caller's value
    // again after the second `xchg`. `entry` is in `edx`, not a register of the allocator's
    // choosing: that choice can be `ebx`, which the first `xchg` would replace with `addr`
    // (tests/registers.rs caught a release build calling the address being unmapped). No
    // `nostack` (the call pushes a return address) and no `preserves_flags` (the entry may
    // change them). No `nomem`: the call changes which memory is valid.
    unsafe {
        asm!(
            "xchg {addr}, ebx",
            "call edx",
            "xchg {addr}, ebx",
            addr = inout(reg) addr as usize => _,
            in("edx") entry,
            inlateout("eax") SYSCALL.nr as usize => ret,
            in("ecx") len,
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
    // signal (the kernel leaves SIGKILL and SIGSTOP out, which build no frame), so none is
    // delivered on the way back from munmap, onto a stack that may be gone. The stack is still
    // mapped when the set and `status` are pushed and read back (see above); `addr` and `len`
    // move to `edi` and `ebp`, which `int 0x80` keeps, and `status` to `edx` once the set is
    // read. `ebx`, `esi`, `edi` and `ebp` are the caller's, but this block never returns to it. After
    // the munmap trap only registers are used. 1 is `exit` (the thread; `exit_group` would end
    // the process), which does not return. No `nostack`: three pushes.
    unsafe {
        asm!(
            "mov edi, eax",
            "mov ebp, ecx",
            "push edx",
            "push -1",
            "push -1",
            "mov ecx, esp",
            "mov eax, 175",
            "xor ebx, ebx",
            "xor edx, edx",
            "mov esi, 8",
            "int 0x80",
            "mov edx, [esp + 8]",
            "mov eax, 91",
            "mov ebx, edi",
            "mov ecx, ebp",
            "int 0x80",
            "mov eax, 1",
            "mov ebx, edx",
            "int 0x80",
            in("eax") addr as usize,
            in("ecx") len,
            in("edx") status,
            options(noreturn),
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
    // registers are used: `status` waits in `edx`, which `int 0x80` keeps. 1 is `exit` (the
    // thread; `exit_group` would end the process), which does not return, so `ebx` need not be
    // given back. `nostack`: no instruction here touches the user stack.
    unsafe {
        asm!(
            "mov ebx, {addr}",
            "int 0x80",
            "mov eax, 1",
            "mov ebx, edx",
            "int 0x80",
            addr = in(reg) addr as usize,
            in("eax") SYSCALL.nr as usize,
            in("ecx") len,
            in("edx") status,
            options(noreturn, nostack),
        );
    }
}
