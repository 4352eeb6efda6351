//! [`Errno`]: a Linux error number, as the kernel returns it.

use core::fmt;
use core::num::NonZeroU16;

mod table;
pub(crate) use table::{errno_table, errnos, glibc_message};

use crate::arch::describe;

/// A Linux error number (1 to 4095), as a system call returns it.
///
/// `Errno` is a non-zero `u16`, so `Result<(), Errno>` is two bytes and travels in one register:
/// 0 is `Ok(())`, anything else the error. Every name in the target's table is an associated
/// constant with the target's number: Linux's generic table (`include/uapi/asm-generic/
/// errno-base.h` and `errno.h`); powerpc's, which gives `EDEADLOCK` the number 58; or the
/// tables of their own that mips and sparc have (`arch/{mips,sparc}/include/uapi/asm/
/// errno.h`: `EDEADLK` is 45 on mips, 78 on sparc); each with the kernel's own 512 to 531
/// (`include/linux/errno.h`, such as `ENOTSUPP`) and glibc's aliases `EWOULDBLOCK` and
/// `ENOTSUP`. Numbers outside the table are kept as they are, never replaced.
/// [`munmap`](crate::munmap) reports a result outside its contract, which only a tracer or a
/// seccomp supervisor can forge, as 4095 (`MAX_ERRNO`), so an `Errno` always holds 1 to 4095.
///
/// `Debug` shows the name and the number (`EINVAL (22)`), `Display` the message
/// (`Invalid argument`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Errno(NonZeroU16);

/// Largest error number the kernel returns (`MAX_ERRNO` in `include/linux/err.h`).
const MAX_ERRNO: u16 = 4095;
const MAX: usize = MAX_ERRNO as usize;

impl Errno {
    /// The error number, as a positive `i32` (what C's `errno` would hold).
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0.get() as i32
    }

    /// The `Errno` for `raw`, if it is a Linux error number (1 to 4095).
    #[inline]
    pub const fn from_raw(raw: i32) -> Option<Errno> {
        if raw < 1 || raw > MAX_ERRNO as i32 {
            return None;
        }
        match NonZeroU16::new(raw as u16) {
            Some(n) => Some(Errno(n)),
            None => None,
        }
    }

    /// The symbolic name (`"EINVAL"`), or `None` for a number the target's table has no name
    /// for.
    pub fn name(self) -> Option<&'static str> {
        describe(self.0.get()).map(|(name, _)| name)
    }

    // The decodes, one per convention, each cheapest where its arch files use it (measured
    // with ci/codegen.sh, which also requires each to be free of branches there). For every
    // register value: munmap's success is `Ok(())`, the contract's errno `e` is `Err(e)`, and
    // anything else, which no kernel returns but a tracer or a seccomp supervisor can forge,
    // `Err(4095)` (MAX_ERRNO, as the kernel caps a seccomp filter's errno): an error, since
    // nothing may have been unmapped. The tests below check each against a plain specification.

    /// For a system call that returns 0 or `-errno`, on a target with a select instruction (a
    /// conditional move) that LLVM uses here: `-ret`, saturated to 4095 by a comparison. LLVM
    /// sees through it, so that a caller's `is_err()` is a test of `ret` alone.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_negated(ret: usize) -> Result<(), Errno> {
        let e = ret.wrapping_neg();
        Errno::result(if e > MAX { MAX } else { e })
    }

    /// `from_negated` for a result 64 bits wide, which x32's is though its `usize` is 32 bits:
    /// `-ret` saturated at 64 bits, so that 0 and a sign-extended `-errno` decode as on x86_64,
    /// and anything else, such as a 32-bit `-errno` not sign-extended, saturates to 4095.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_negated64(ret: u64) -> Result<(), Errno> {
        let e = ret.wrapping_neg();
        Errno::result(if e > MAX as u64 { MAX } else { e as usize })
    }

    /// `from_negated` for a target without a select LLVM uses here, where the comparison
    /// would be a branch: the same results, from arithmetic that has none.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_negated_no_select(ret: usize) -> Result<(), Errno> {
        Errno::range(ret.wrapping_neg(), 0, MAX)
    }

    /// For a system call that flags an error (powerpc's `cr0.SO`, mips's `$7`): with the flag
    /// (1), `value` is the errno, 1 to 4095; without it (0), `value` is munmap's success value,
    /// 0. Arithmetic: on both, cheaper than comparisons and selects.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_flagged(value: usize, flagged: usize) -> Result<(), Errno> {
        Errno::range(value, flagged, flagged.wrapping_neg() & MAX)
    }

    /// For a system call that flags an error with the carry (SPARC): with the carry (1),
    /// `value` is the errno, as in `from_flagged`; without it (0), `value` is 0 or `-errno`, as
    /// in `from_negated`, because the kernel sets the carry for -516 to -1 only (`ret_sys_call`
    /// in `arch/sparc/kernel/syscalls.S`) and a seccomp filter's errno goes to 4095. With the
    /// carry, 1 to 4095 become 0 to 4094 and 0 wraps to the top; all saturate at 4094, then 1
    /// is added back. SPARC's conditional moves make the comparisons branch-free.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_carry(value: usize, carry: usize) -> Result<(), Errno> {
        let e = if carry != 0 {
            value.wrapping_sub(1)
        } else {
            value.wrapping_neg()
        };
        let limit = MAX.wrapping_sub(carry);
        Errno::result(if e > limit { limit } else { e }.wrapping_add(carry))
    }

    /// `Err(errno)`, or `Ok(())` for 0, when `errno` lies in `low..=high`; `Err(4095)` when it
    /// does not. Without a branch, or anything LLVM would make one: the sign of `(high - errno)
    /// | (errno - low)` is set exactly when `errno` is outside the range (by a little or by
    /// wrapping); all ones, masked to 12 bits, then make 4095.
    #[inline(always)]
    #[allow(dead_code)] // the decodes that use it are those of some architectures
    fn range(errno: usize, low: usize, high: usize) -> Result<(), Errno> {
        let outside = (high.wrapping_sub(errno) | errno.wrapping_sub(low)) as isize;
        Errno::result((errno | (outside >> (usize::BITS - 1)) as usize) & MAX)
    }

    /// `Ok(())` for 0, `Err(e)` for any other `e`, which must be at most 4095.
    ///
    /// Without a call even unoptimised (`NonZeroU16::new` is one there): the `Err` is built by
    /// transmuting, and optimised, the whole is `e` itself, `Ok(())` being `Result`'s 0.
    #[inline(always)]
    fn result(e: usize) -> Result<(), Errno> {
        // Tested as a u16, as `NonZeroU16::new` would: tested as a usize, LLVM folds the test
        // of a saturated `-ret` back into one of `ret`, and branches on both.
        let e = e as u16;
        if e == 0 {
            Ok(())
        } else {
            // SAFETY: `e` is not 0, and NonZeroU16 has u16's layout and bit validity but for 0.
            // Not `NonZeroU16::new_unchecked`: unoptimised, that is a call too.
            #[allow(clippy::transmute_int_to_non_zero)]
            Err(Errno(unsafe { core::mem::transmute::<u16, NonZeroU16>(e) }))
        }
    }

    /// The constant for `raw`, for the tables' `Errno::EPERM` and the like.
    pub(crate) const fn constant(raw: u16) -> Errno {
        match NonZeroU16::new(raw) {
            Some(n) => Errno(n),
            None => panic!("errno 0 is not an error"),
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({})", name, self.raw()),
            None => write!(f, "Errno({})", self.raw()),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match describe(self.0.get()) {
            Some((_, Some(message))) => f.write_str(message),
            _ => write!(f, "Unknown error {}", self.raw()),
        }
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl std::error::Error for Errno {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<Errno> for std::io::Error {
    fn from(errno: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(errno.raw())
    }
}

/// The decodes against the contract, for every register value (src/errno/tests.rs).
#[cfg(test)]
mod tests;
