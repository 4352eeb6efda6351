//! Linux x86_64 system-call ABI, as `munmap` uses it:
//! - number: `rax` (munmap = 11)
//! - arguments: `rdi`, `rsi` (then `rdx`, `r10`, `r8`, `r9`)
//! - trap: `syscall`
//! - result: `rax`, either 0 or `-errno` in `-4095..=-1`
//! - clobbered: `rcx` (return address) and `r11` (saved `rflags`); flags and the stack are kept

use core::arch::asm;
use core::ffi::c_void;

/// munmap(2) trap; returns the kernel's result unchanged.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> usize {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch the
    // user stack. `preserves_flags`: sysret restores rflags from r11. No `nomem`: the call changes
    // which memory is valid.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") crate::nr::X86_64 as usize => ret,
            in("rdi") addr as usize,
            in("rsi") len,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}
