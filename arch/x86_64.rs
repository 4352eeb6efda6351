//! Linux x86_64 system-call ABI, and x32 (x86_64 with 32-bit pointers), as `munmap` uses it:
//! - number: `rax` (munmap = 11; on x32, 11 | `__X32_SYSCALL_BIT`, 0x40000000)
//! - arguments: `rdi`, `rsi` (then `rdx`, `r10`, `r8`, `r9`), 64 bits wide on x32 too, where
//!   pointers and lengths go in zero-extended
//! - trap: `syscall`
//! - result: `rax`, either 0 or `-errno` in `-4095..=-1`, 64 bits wide on x32 too
//! - clobbered: `rcx` (return address) and `r11` (saved `rflags`); flags and the stack are kept
//! - exit (ends the calling thread): number 60 (on x32, 60 | the same bit), status in `rdi`
//! - seccomp: `AUDIT_ARCH_X86_64` for both, with the number above
//! - errors: Linux's generic table

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

/// `exit` (60), in the same table as munmap (11): x32 sets the same bit on both.
const EXIT: u32 = SYSCALL.nr - crate::nr::X86_64 + 60;

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
    // On x32 a `usize` is 32 bits: 0 and -errno are the 64-bit result sign-extended from 32;
    // any other value, which only a tracer can put there, is kept outside the contract (1).
    let fits = cfg!(target_pointer_width = "64") || ret as i32 as i64 as u64 == ret;
    Errno::from_negated(if fits { ret as usize } else { 1 })
}

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. After the first trap only
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
