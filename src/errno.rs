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

    /// Decodes the result of a system call that returns 0 or `-errno` (most architectures).
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_negated(ret: usize) -> Result<(), Errno> {
        Errno::decode(ret.wrapping_neg(), 0, MAX_ERRNO as usize)
    }

    /// Decodes the result of a system call that flags an error (powerpc's `cr0.SO`): with the
    /// flag (1), `value` is the errno; without it (0), `value` is munmap's success value, 0.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_flagged(value: usize, flagged: usize) -> Result<(), Errno> {
        Errno::decode(value, flagged, flagged.wrapping_neg() & MAX_ERRNO as usize)
    }

    /// Decodes the result of a system call that flags an error with the carry (SPARC): with the
    /// carry (1), `value` is the errno, as in `from_flagged`; without it (0), `value` is 0 or
    /// `-errno`, as in `from_negated`, because the kernel sets the carry for -516 to -1 only
    /// (`ret_sys_call` in `arch/sparc/kernel/syscalls.S`) and a seccomp filter's errno goes to
    /// 4095.
    #[inline(always)]
    #[allow(dead_code)] // each arch file calls the decode for its ABI's convention
    pub(crate) fn from_carry(value: usize, carry: usize) -> Result<(), Errno> {
        // The carry clear makes `mask` all ones, which negates `value`; set, it leaves it.
        let mask = carry.wrapping_sub(1);
        Errno::decode((value ^ mask).wrapping_sub(mask), carry, MAX_ERRNO as usize)
    }

    /// `Ok(())` for `errno` 0, `Err` for 1 to 4095, when `errno` lies in `low..=high`, the
    /// range munmap's contract allows for it. Anything else (no kernel returns it; a tracer or a
    /// seccomp supervisor can forge it) saturates to 4095, as the kernel caps a seccomp filter's
    /// errno at `MAX_ERRNO`.
    ///
    /// Without a branch, so that no target needs one: the sign of `(high - errno) | (errno -
    /// low)` is set exactly when `errno` is outside the range (by a little or by wrapping); all
    /// ones, masked to 12 bits, then make 4095.
    #[inline(always)]
    fn decode(errno: usize, low: usize, high: usize) -> Result<(), Errno> {
        let outside = (high.wrapping_sub(errno) | errno.wrapping_sub(low)) as isize;
        let errno = (errno | (outside >> (usize::BITS - 1)) as usize) & MAX_ERRNO as usize;
        match NonZeroU16::new(errno as u16) {
            None => Ok(()),
            Some(n) => Err(Errno(n)),
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

/// The decode, for every kind of register value; `raw` shows a result as `Ok(())` or `Err(n)`.
#[cfg(test)]
mod tests {
    use super::Errno;

    fn raw(result: Result<(), Errno>) -> Result<(), i32> {
        result.map_err(Errno::raw)
    }

    fn negated(errno: usize) -> usize {
        errno.wrapping_neg()
    }

    #[test]
    fn negated_results_in_the_contract_are_exact() {
        assert_eq!(raw(Errno::from_negated(0)), Ok(()));
        for errno in [1, 22, 133, 512, 4094, 4095] {
            assert_eq!(raw(Errno::from_negated(negated(errno))), Err(errno as i32));
        }
    }

    #[test]
    fn negated_results_outside_the_contract_saturate_to_4095() {
        let half = usize::MAX / 2;
        // Success values other than 0, and errors past MAX_ERRNO, down to the most negative.
        let outside = [1, 5, 4095, 4096, 0x1_0000, 0x1_0005, half, half + 1];
        let past_max_errno = [negated(4096), negated(0x1_0000), negated(half)];
        for ret in outside.iter().chain(&past_max_errno) {
            assert_eq!(raw(Errno::from_negated(*ret)), Err(4095), "{:#x}", ret);
        }
    }

    #[test]
    fn flagged_results_in_the_contract_are_exact() {
        assert_eq!(raw(Errno::from_flagged(0, 0)), Ok(()));
        for errno in [1, 22, 1133, 4095] {
            assert_eq!(raw(Errno::from_flagged(errno, 1)), Err(errno as i32));
        }
    }

    #[test]
    fn flagged_results_outside_the_contract_saturate_to_4095() {
        let max = usize::MAX;
        // Flag clear with a value other than 0; flag set with 0 or a number past MAX_ERRNO.
        let unflagged = [1, 5, 4095, 0x1_0000, max / 2, max].map(|value| (value, 0));
        let flagged = [0, 4096, 0x1_0000, max / 2 + 1, max].map(|value| (value, 1));
        for (value, flag) in unflagged.iter().chain(&flagged) {
            let result = raw(Errno::from_flagged(*value, *flag));
            assert_eq!(result, Err(4095), "{:#x} flagged {}", value, flag);
        }
    }

    #[test]
    fn carry_results_in_the_contract_are_exact() {
        assert_eq!(raw(Errno::from_carry(0, 0)), Ok(()));
        for errno in [1, 22, 516, 4095] {
            assert_eq!(raw(Errno::from_carry(errno, 1)), Err(errno as i32));
        }
        // Past 516 the kernel leaves the carry clear and the number negated.
        for errno in [1, 516, 517, 4095] {
            let result = raw(Errno::from_carry(negated(errno), 0));
            assert_eq!(result, Err(errno as i32));
        }
    }

    #[test]
    fn carry_results_outside_the_contract_saturate_to_4095() {
        let max = usize::MAX;
        // Carry clear with a positive value or a negated number past MAX_ERRNO; carry set with
        // 0 or a number past MAX_ERRNO.
        let clear = [1, 5, 4095, max / 2, negated(4096), max / 2 + 1].map(|value| (value, 0));
        let set = [0, 4096, max / 2 + 1, negated(1)].map(|value| (value, 1));
        for (value, carry) in clear.iter().chain(&set) {
            let result = raw(Errno::from_carry(*value, *carry));
            assert_eq!(result, Err(4095), "{:#x} carry {}", value, carry);
        }
    }
}
