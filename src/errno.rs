//! [`Errno`]: a Linux error number, as the kernel returns it.

use core::fmt;
use core::num::NonZeroU16;

/// A Linux error number (1 to 4095), as a system call returns it.
///
/// `Errno` is a non-zero `u16`, so `Result<(), Errno>` is two bytes and travels in one register:
/// 0 is `Ok(())`, anything else the error. Every name in Linux's generic table
/// (`include/uapi/asm-generic/errno-base.h` and `errno.h`, which every supported architecture
/// uses; powerpc differs only in giving `EDEADLOCK` the number 58), and the kernel's own 512 to
/// 531 (`include/linux/errno.h`, such as `ENOTSUPP`), is an associated constant;
/// numbers outside the table are kept as they are, never replaced. [`munmap`](crate::munmap)
/// reports a result outside its contract, which only a tracer or a seccomp supervisor can
/// forge, as 4095 (`MAX_ERRNO`), so an `Errno` always holds 1 to 4095.
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

    /// The symbolic name (`"EINVAL"`), or `None` for a number Linux has no name for.
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

    const fn constant(raw: u16) -> Errno {
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

/// One line per error: the constant, its number and its message (glibc's wording), if glibc
/// has one. The macro keeps the three in one place; it emits the constants and the `describe`
/// lookup.
macro_rules! errnos {
    (@message $message:literal) => { Some($message) };
    (@message) => { None };
    ($($name:ident = $raw:literal $(, $message:literal)?;)*) => {
        impl Errno {
            $(
                #[doc = concat!(
                    "`", stringify!($name), "` (", stringify!($raw), ")" $(, ": ", $message)?, "."
                )]
                pub const $name: Errno = Errno::constant($raw);
            )*
        }

        fn describe(raw: u16) -> Option<(&'static str, Option<&'static str>)> {
            match raw {
                $($raw => Some((stringify!($name), errnos!(@message $($message)?))),)*
                #[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
                58 => Some((POWERPC_EDEADLOCK.1, Some(POWERPC_EDEADLOCK.2))),
                _ => None,
            }
        }
    };
}

errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    ESRCH = 3, "No such process";
    EINTR = 4, "Interrupted system call";
    EIO = 5, "Input/output error";
    ENXIO = 6, "No such device or address";
    E2BIG = 7, "Argument list too long";
    ENOEXEC = 8, "Exec format error";
    EBADF = 9, "Bad file descriptor";
    ECHILD = 10, "No child processes";
    EAGAIN = 11, "Resource temporarily unavailable";
    ENOMEM = 12, "Cannot allocate memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    ENOTBLK = 15, "Block device required";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Invalid cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "Too many open files in system";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Inappropriate ioctl for device";
    ETXTBSY = 26, "Text file busy";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    EPIPE = 32, "Broken pipe";
    EDOM = 33, "Numerical argument out of domain";
    ERANGE = 34, "Numerical result out of range";
    EDEADLK = 35, "Resource deadlock avoided";
    ENAMETOOLONG = 36, "File name too long";
    ENOLCK = 37, "No locks available";
    ENOSYS = 38, "Function not implemented";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many levels of symbolic links";
    ENOMSG = 42, "No message of desired type";
    EIDRM = 43, "Identifier removed";
    ECHRNG = 44, "Channel number out of range";
    EL2NSYNC = 45, "Level 2 not synchronized";
    EL3HLT = 46, "Level 3 halted";
    EL3RST = 47, "Level 3 reset";
    ELNRNG = 48, "Link number out of range";
    EUNATCH = 49, "Protocol driver not attached";
    ENOCSI = 50, "No CSI structure available";
    EL2HLT = 51, "Level 2 halted";
    EBADE = 52, "Invalid exchange";
    EBADR = 53, "Invalid request descriptor";
    EXFULL = 54, "Exchange full";
    ENOANO = 55, "No anode";
    EBADRQC = 56, "Invalid request code";
    EBADSLT = 57, "Invalid slot";
    EBFONT = 59, "Bad font file format";
    ENOSTR = 60, "Device not a stream";
    ENODATA = 61, "No data available";
    ETIME = 62, "Timer expired";
    ENOSR = 63, "Out of streams resources";
    ENONET = 64, "Machine is not on the network";
    ENOPKG = 65, "Package not installed";
    EREMOTE = 66, "Object is remote";
    ENOLINK = 67, "Link has been severed";
    EADV = 68, "Advertise error";
    ESRMNT = 69, "Srmount error";
    ECOMM = 70, "Communication error on send";
    EPROTO = 71, "Protocol error";
    EMULTIHOP = 72, "Multihop attempted";
    EDOTDOT = 73, "RFS specific error";
    EBADMSG = 74, "Bad message";
    EOVERFLOW = 75, "Value too large for defined data type";
    ENOTUNIQ = 76, "Name not unique on network";
    EBADFD = 77, "File descriptor in bad state";
    EREMCHG = 78, "Remote address changed";
    ELIBACC = 79, "Can not access a needed shared library";
    ELIBBAD = 80, "Accessing a corrupted shared library";
    ELIBSCN = 81, ".lib section in a.out corrupted";
    ELIBMAX = 82, "Attempting to link in too many shared libraries";
    ELIBEXEC = 83, "Cannot exec a shared library directly";
    EILSEQ = 84, "Invalid or incomplete multibyte or wide character";
    ERESTART = 85, "Interrupted system call should be restarted";
    ESTRPIPE = 86, "Streams pipe error";
    EUSERS = 87, "Too many users";
    ENOTSOCK = 88, "Socket operation on non-socket";
    EDESTADDRREQ = 89, "Destination address required";
    EMSGSIZE = 90, "Message too long";
    EPROTOTYPE = 91, "Protocol wrong type for socket";
    ENOPROTOOPT = 92, "Protocol not available";
    EPROTONOSUPPORT = 93, "Protocol not supported";
    ESOCKTNOSUPPORT = 94, "Socket type not supported";
    EOPNOTSUPP = 95, "Operation not supported";
    EPFNOSUPPORT = 96, "Protocol family not supported";
    EAFNOSUPPORT = 97, "Address family not supported by protocol";
    EADDRINUSE = 98, "Address already in use";
    EADDRNOTAVAIL = 99, "Cannot assign requested address";
    ENETDOWN = 100, "Network is down";
    ENETUNREACH = 101, "Network is unreachable";
    ENETRESET = 102, "Network dropped connection on reset";
    ECONNABORTED = 103, "Software caused connection abort";
    ECONNRESET = 104, "Connection reset by peer";
    ENOBUFS = 105, "No buffer space available";
    EISCONN = 106, "Transport endpoint is already connected";
    ENOTCONN = 107, "Transport endpoint is not connected";
    ESHUTDOWN = 108, "Cannot send after transport endpoint shutdown";
    ETOOMANYREFS = 109, "Too many references: cannot splice";
    ETIMEDOUT = 110, "Connection timed out";
    ECONNREFUSED = 111, "Connection refused";
    EHOSTDOWN = 112, "Host is down";
    EHOSTUNREACH = 113, "No route to host";
    EALREADY = 114, "Operation already in progress";
    EINPROGRESS = 115, "Operation now in progress";
    ESTALE = 116, "Stale file handle";
    EUCLEAN = 117, "Structure needs cleaning";
    ENOTNAM = 118, "Not a XENIX named type file";
    ENAVAIL = 119, "No XENIX semaphores available";
    EISNAM = 120, "Is a named type file";
    EREMOTEIO = 121, "Remote I/O error";
    EDQUOT = 122, "Disk quota exceeded";
    ENOMEDIUM = 123, "No medium found";
    EMEDIUMTYPE = 124, "Wrong medium type";
    ECANCELED = 125, "Operation canceled";
    ENOKEY = 126, "Required key not available";
    EKEYEXPIRED = 127, "Key has expired";
    EKEYREVOKED = 128, "Key has been revoked";
    EKEYREJECTED = 129, "Key was rejected by service";
    EOWNERDEAD = 130, "Owner died";
    ENOTRECOVERABLE = 131, "State not recoverable";
    ERFKILL = 132, "Operation not possible due to RF-kill";
    EHWPOISON = 133, "Memory page has hardware error";

    // The kernel's own numbers (include/linux/errno.h, the same on every architecture), which
    // should not reach user space but can (ENOTSUPP does, from some drivers and file systems);
    // glibc has no messages for them, so Display says "Unknown error N", as strerror does.
    ERESTARTSYS = 512;
    ERESTARTNOINTR = 513;
    ERESTARTNOHAND = 514;
    ENOIOCTLCMD = 515;
    ERESTART_RESTARTBLOCK = 516;
    EPROBE_DEFER = 517;
    EOPENSTALE = 518;
    ENOPARAM = 519;
    EBADHANDLE = 521;
    ENOTSYNC = 522;
    EBADCOOKIE = 523;
    ENOTSUPP = 524;
    ETOOSMALL = 525;
    ESERVERFAULT = 526;
    EBADTYPE = 527;
    EJUKEBOX = 528;
    EIOCBQUEUED = 529;
    ERECALLCONFLICT = 530;
    ENOGRACE = 531;
}

/// powerpc's one departure from the generic table (`arch/powerpc/include/uapi/asm/errno.h`):
/// `EDEADLOCK` is 58 rather than a second name for `EDEADLK`.
#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
const POWERPC_EDEADLOCK: (u16, &str, &str) = (58, "EDEADLOCK", "File locking deadlock error");

/// Aliases: second names Linux gives to the numbers above.
impl Errno {
    /// `EWOULDBLOCK`: the same number as [`Errno::EAGAIN`] (11).
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// `EDEADLOCK`: the same number as [`Errno::EDEADLK`] (35); on powerpc a number of its own.
    #[cfg(not(any(target_arch = "powerpc", target_arch = "powerpc64")))]
    pub const EDEADLOCK: Errno = Errno::EDEADLK;
    /// `EDEADLOCK` (58 on powerpc): File locking deadlock error.
    #[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
    pub const EDEADLOCK: Errno = Errno::constant(POWERPC_EDEADLOCK.0);
    /// `ENOTSUP`: glibc's name for [`Errno::EOPNOTSUPP`] (95).
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;
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
}
