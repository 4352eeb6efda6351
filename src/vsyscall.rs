//! [`Vsyscall`]: munmap through the x86 vDSO's fast system-call entry (32-bit x86 only).

use core::ffi::c_void;
use core::num::NonZeroUsize;

use crate::{trap, Errno};

/// `AT_SYSINFO`: the auxiliary-vector entry holding `__kernel_vsyscall`'s address.
const AT_SYSINFO: usize = 32;
/// `AT_NULL`: the end of the auxiliary vector.
const AT_NULL: usize = 0;

/// The fast way into the kernel for a 32-bit x86 process, with `int 0x80` as the fallback.
///
/// [`crate::munmap`] traps with `int 0x80`, which works everywhere, from the first instruction of
/// `_start`, under qemu-user and in any bootstrap code. It is also slow: in a VM, `int 0x80` can
/// cost many times the `sysenter` or `syscall` path that glibc takes through the vDSO's
/// `__kernel_vsyscall`. The kernel hands every 32-bit process that entry's address as `AT_SYSINFO`
/// in the auxiliary vector. A `Vsyscall` holds it, and its [`munmap`](Vsyscall::munmap) calls it
/// with the same registers; built where there is no `AT_SYSINFO` (qemu-user gives none) it uses
/// `int 0x80`. Either way the result is the kernel's, decoded exactly as by [`crate::munmap`].
///
/// Build one once, at start-up, from whichever source the program has:
/// [`from_auxv`](Vsyscall::from_auxv) (a `_start` that walks its initial stack),
/// [`from_at_sysinfo`](Vsyscall::from_at_sysinfo) (`getauxval(AT_SYSINFO)` where there is a
/// libc), or, with the `std` feature, [`from_proc_self_auxv`](Vsyscall::from_proc_self_auxv).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vsyscall {
    entry: Option<NonZeroUsize>,
}

impl Vsyscall {
    /// The handle without a fast entry: [`munmap`](Vsyscall::munmap) traps with `int 0x80`.
    pub const INT_0X80: Vsyscall = Vsyscall { entry: None };

    /// The handle for the `AT_SYSINFO` value `at_sysinfo`; 0 (what `getauxval` returns when the
    /// entry is missing) gives [`Vsyscall::INT_0X80`].
    ///
    /// # Safety
    ///
    /// `at_sysinfo` is 0 or the `AT_SYSINFO` value the kernel gave this process.
    pub const unsafe fn from_at_sysinfo(at_sysinfo: usize) -> Vsyscall {
        Vsyscall {
            entry: NonZeroUsize::new(at_sysinfo),
        }
    }

    /// The handle from the auxiliary vector at `auxv`; [`Vsyscall::INT_0X80`] if it has no
    /// `AT_SYSINFO`.
    ///
    /// # Safety
    ///
    /// `auxv` points to this process's auxiliary vector: `(type, value)` pairs of `usize` ending
    /// with `AT_NULL`, as the kernel lays them out after the environment pointers on the
    /// initial stack (or a copy of it).
    pub unsafe fn from_auxv(auxv: *const usize) -> Vsyscall {
        let mut entry = auxv;
        loop {
            // SAFETY: the caller promises pairs up to and including AT_NULL.
            let (kind, value) = unsafe { (*entry, *entry.add(1)) };
            match kind {
                AT_NULL => return Vsyscall::INT_0X80,
                // SAFETY: the kernel's own AT_SYSINFO.
                AT_SYSINFO => return unsafe { Vsyscall::from_at_sysinfo(value) },
                // SAFETY: not yet past AT_NULL.
                _ => entry = unsafe { entry.add(2) },
            }
        }
    }

    /// The handle from `/proc/self/auxv`; [`Vsyscall::INT_0X80`] if it has no `AT_SYSINFO`.
    ///
    /// # Errors
    ///
    /// The error from reading `/proc/self/auxv`.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn from_proc_self_auxv() -> std::io::Result<Vsyscall> {
        let bytes = std::fs::read("/proc/self/auxv")?;
        let word = |chunk: &[u8]| {
            let mut raw = [0; 4];
            raw.copy_from_slice(chunk);
            usize::from_ne_bytes(raw)
        };
        let mut words = bytes.chunks_exact(4).map(word);
        while let (Some(kind), Some(value)) = (words.next(), words.next()) {
            match kind {
                AT_NULL => break,
                // SAFETY: the kernel's own AT_SYSINFO, read from the kernel.
                AT_SYSINFO => return Ok(unsafe { Vsyscall::from_at_sysinfo(value) }),
                _ => {}
            }
        }
        Ok(Vsyscall::INT_0X80)
    }

    /// `__kernel_vsyscall`'s address, or `None` when this handle traps with `int 0x80`.
    pub fn entry(self) -> Option<usize> {
        self.entry.map(NonZeroUsize::get)
    }

    /// [`crate::munmap`], entered through `__kernel_vsyscall` when this handle has it.
    ///
    /// # Errors
    ///
    /// As for [`crate::munmap`]: the kernel's errors, unchanged.
    ///
    /// # Safety
    ///
    /// As for [`crate::munmap`]; and the vDSO must still be mapped (the range must not hold it).
    #[inline(always)]
    pub unsafe fn munmap(self, addr: *mut c_void, len: usize) -> Result<(), Errno> {
        match self.entry {
            // SAFETY: the caller upholds munmap's contract; the entry is the kernel's.
            Some(entry) => unsafe { trap::munmap_vsyscall(entry.get(), addr, len) },
            // SAFETY: the caller upholds munmap's contract.
            None => unsafe { crate::munmap(addr, len) },
        }
    }
}
