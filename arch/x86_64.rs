//! Linux x86_64 system-call ABI, as `munmap` uses it:
//! - number: `rax` (munmap = 11)
//! - arguments: `rdi`, `rsi` (then `rdx`, `r10`, `r8`, `r9`)
//! - trap: `syscall`
//! - result: `rax`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: `rcx` (return address) and `r11` (saved `rflags`); flags and the stack are kept
//! - exit (ends the calling thread): number 60, status in `rdi`

use core::arch::asm;
use core::ffi::c_void;

use crate::Errno;

/// munmap(2) trap, its result (0 or `-errno`) decoded.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch the
    // user stack. `preserves_flags`: sysret restores rflags from r11. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") crate::nr::MUNMAP as usize => ret,
            in("rdi") addr as usize,
            in("rsi") len,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    Errno::from_negated(ret)
}

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. After the first trap only
    // registers are used: `status` waits in `edx`, which `syscall` keeps. 60 is `exit` (the
    // thread; `exit_group` would end the process), which does not return. `nostack`: neither
    // trap touches the user stack.
    unsafe {
        asm!(
            "syscall",
            "mov eax, 60",
            "mov edi, edx",
            "syscall",
            in("rax") crate::nr::MUNMAP as usize,
            in("rdi") addr as usize,
            in("rsi") len,
            in("edx") status,
            options(noreturn, nostack),
        );
    }
}
