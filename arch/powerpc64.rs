//! Linux powerpc64 (big- and little-endian) system-call ABI, as `munmap` uses it:
//! - number: `r0` (munmap = 91)
//! - arguments: `r3`, `r4` (then `r5` to `r8`)
//! - trap: `sc`
//! - result: `r3`; on failure `cr0.SO` is set and `r3` holds the positive errno
//! - clobbered: `r0`, `r4` to `r12`, `cr0`, `ctr` and `xer` (glibc's list, plus `xer`, which
//!   the C calling convention the kernel follows leaves volatile); the stack is kept
//! - exit (ends the calling thread): number 1, status in `r3`
//!
//! munmap succeeds with exactly 0, so `r3` is 0 or a positive errno and negating it gives the
//! `0 or -errno` form of the other architectures without reading `cr0.SO`. The negation is
//! written in Rust, not in the asm, so that the compiler can fold it into the caller's decode.

use core::arch::asm;
use core::ffi::c_void;

/// munmap(2) trap; returns the kernel's result as 0 or `-errno`.
///
/// # Safety
/// As for [`crate::munmap`].
#[inline(always)]
pub(crate) unsafe fn munmap(addr: *mut c_void, len: usize) -> usize {
    let ret: usize;
    // SAFETY: the caller upholds `crate::munmap`'s contract. `nostack`: the trap does not touch
    // the user stack. `preserves_flags` does not hold: `cr0` and `xer` change. No `nomem`: the
    // call changes which memory is valid.
    unsafe {
        asm!(
            "sc",
            inlateout("r0") crate::nr::MUNMAP as usize => _,
            inlateout("r3") addr as usize => ret,
            inlateout("r4") len => _,
            lateout("r5") _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            lateout("cr0") _,
            lateout("ctr") _,
            lateout("xer") _,
            options(nostack),
        );
    }
    ret.wrapping_neg()
}

/// munmap(2), then exit(2) of the calling thread, with no memory access between the two traps.
///
/// # Safety
/// As for [`crate::munmap_and_exit`].
#[inline(always)]
pub(crate) unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds `crate::munmap_and_exit`'s contract. After the first trap only
    // registers are used: `status` waits in `r14`, which the kernel keeps (callee-saved in C).
    // 1 is `exit` (the thread; `exit_group` would end the process), which does not return.
    // `nostack`: neither trap touches the user stack.
    unsafe {
        asm!(
            "sc",
            "li 0, 1",
            "mr 3, 14",
            "sc",
            in("r0") crate::nr::MUNMAP as usize,
            in("r3") addr as usize,
            in("r4") len,
            in("r14") status as isize,
            options(noreturn, nostack),
        );
    }
}
