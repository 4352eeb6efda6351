//! Linux's error numbers, one table per kernel header, and glibc's message for each name.
//!
//! The file in arch/ for the target picks its table with `errno_table!(...)`, which makes the
//! `Errno` constants and `describe` for that table and no other: the names and numbers follow
//! from the one choice of architecture, as the kernel's `asm/errno.h` does. `tests/errno.rs`
//! checks the constants against the libc crate and the kernel's headers, and `Display` against
//! glibc's `strerror`.

/// The table for an architecture: `generic` (`include/uapi/asm-generic/errno-base.h` and
/// `errno.h`, which most architectures use); `powerpc` (the same, but for `EDEADLOCK`, a
/// number of its own, which glibc has no message for: `arch/powerpc/include/uapi/asm/errno.h`);
/// `mips` and `sparc` (`errno-base.h`'s 1 to 34, then numbers of their own, and names glibc has
/// no message for: MIPS's `EINIT`, `EREMDEV` and `EDEADLOCK`, SPARC's `ERREMOTE` and
/// `EDEADLOCK`; `arch/{mips,sparc}/include/uapi/asm/errno.h`). Each also has the kernel's own
/// numbers, 512 to 531 (`include/linux/errno.h`), and glibc's `EWOULDBLOCK` and `ENOTSUP`.
macro_rules! errno_table {
    (generic) => {
        $crate::errno::errno_table!(@asm_generic { EDEADLOCK = 35; } {});
    };
    (powerpc) => {
        $crate::errno::errno_table!(@asm_generic {} { EDEADLOCK = 58; });
    };
    // arch/mips/include/uapi/asm/errno.h: numbers of MIPS's own from 35 on.
    (mips) => {
        $crate::errno::errno_table! {
            @with_base_and_kernel {
                ENOMSG = 35;
                EIDRM = 36;
                ECHRNG = 37;
                EL2NSYNC = 38;
                EL3HLT = 39;
                EL3RST = 40;
                ELNRNG = 41;
                EUNATCH = 42;
                ENOCSI = 43;
                EL2HLT = 44;
                EDEADLK = 45;
                ENOLCK = 46;
                EBADE = 50;
                EBADR = 51;
                EXFULL = 52;
                ENOANO = 53;
                EBADRQC = 54;
                EBADSLT = 55;
                EBFONT = 59;
                ENOSTR = 60;
                ENODATA = 61;
                ETIME = 62;
                ENOSR = 63;
                ENONET = 64;
                ENOPKG = 65;
                EREMOTE = 66;
                ENOLINK = 67;
                EADV = 68;
                ESRMNT = 69;
                ECOMM = 70;
                EPROTO = 71;
                EDOTDOT = 73;
                EMULTIHOP = 74;
                EBADMSG = 77;
                ENAMETOOLONG = 78;
                EOVERFLOW = 79;
                ENOTUNIQ = 80;
                EBADFD = 81;
                EREMCHG = 82;
                ELIBACC = 83;
                ELIBBAD = 84;
                ELIBSCN = 85;
                ELIBMAX = 86;
                ELIBEXEC = 87;
                EILSEQ = 88;
                ENOSYS = 89;
                ELOOP = 90;
                ERESTART = 91;
                ESTRPIPE = 92;
                ENOTEMPTY = 93;
                EUSERS = 94;
                ENOTSOCK = 95;
                EDESTADDRREQ = 96;
                EMSGSIZE = 97;
                EPROTOTYPE = 98;
                ENOPROTOOPT = 99;
                EPROTONOSUPPORT = 120;
                ESOCKTNOSUPPORT = 121;
                EOPNOTSUPP = 122;
                ENOTSUP = 122;
                EPFNOSUPPORT = 123;
                EAFNOSUPPORT = 124;
                EADDRINUSE = 125;
                EADDRNOTAVAIL = 126;
                ENETDOWN = 127;
                ENETUNREACH = 128;
                ENETRESET = 129;
                ECONNABORTED = 130;
                ECONNRESET = 131;
                ENOBUFS = 132;
                EISCONN = 133;
                ENOTCONN = 134;
                EUCLEAN = 135;
                ENOTNAM = 137;
                ENAVAIL = 138;
                EISNAM = 139;
                EREMOTEIO = 140;
                ESHUTDOWN = 143;
                ETOOMANYREFS = 144;
                ETIMEDOUT = 145;
                ECONNREFUSED = 146;
                EHOSTDOWN = 147;
                EHOSTUNREACH = 148;
                EALREADY = 149;
                EINPROGRESS = 150;
                ESTALE = 151;
                ECANCELED = 158;
                ENOMEDIUM = 159;
                EMEDIUMTYPE = 160;
                ENOKEY = 161;
                EKEYEXPIRED = 162;
                EKEYREVOKED = 163;
                EKEYREJECTED = 164;
                EOWNERDEAD = 165;
                ENOTRECOVERABLE = 166;
                ERFKILL = 167;
                EHWPOISON = 168;
                EDQUOT = 1133;
            } {
                EDEADLOCK = 56;
                EINIT = 141;
                EREMDEV = 142;
            }
        }
    };
    // arch/sparc/include/uapi/asm/errno.h: numbers of SPARC's own from 36 on.
    (sparc) => {
        $crate::errno::errno_table! {
            @with_base_and_kernel {
                EINPROGRESS = 36;
                EALREADY = 37;
                ENOTSOCK = 38;
                EDESTADDRREQ = 39;
                EMSGSIZE = 40;
                EPROTOTYPE = 41;
                ENOPROTOOPT = 42;
                EPROTONOSUPPORT = 43;
                ESOCKTNOSUPPORT = 44;
                EOPNOTSUPP = 45;
                ENOTSUP = 45;
                EPFNOSUPPORT = 46;
                EAFNOSUPPORT = 47;
                EADDRINUSE = 48;
                EADDRNOTAVAIL = 49;
                ENETDOWN = 50;
                ENETUNREACH = 51;
                ENETRESET = 52;
                ECONNABORTED = 53;
                ECONNRESET = 54;
                ENOBUFS = 55;
                EISCONN = 56;
                ENOTCONN = 57;
                ESHUTDOWN = 58;
                ETOOMANYREFS = 59;
                ETIMEDOUT = 60;
                ECONNREFUSED = 61;
                ELOOP = 62;
                ENAMETOOLONG = 63;
                EHOSTDOWN = 64;
                EHOSTUNREACH = 65;
                ENOTEMPTY = 66;
                EPROCLIM = 67;
                EUSERS = 68;
                EDQUOT = 69;
                ESTALE = 70;
                EREMOTE = 71;
                ENOSTR = 72;
                ETIME = 73;
                ENOSR = 74;
                ENOMSG = 75;
                EBADMSG = 76;
                EIDRM = 77;
                EDEADLK = 78;
                ENOLCK = 79;
                ENONET = 80;
                ENOLINK = 82;
                EADV = 83;
                ESRMNT = 84;
                ECOMM = 85;
                EPROTO = 86;
                EMULTIHOP = 87;
                EDOTDOT = 88;
                EREMCHG = 89;
                ENOSYS = 90;
                ESTRPIPE = 91;
                EOVERFLOW = 92;
                EBADFD = 93;
                ECHRNG = 94;
                EL2NSYNC = 95;
                EL3HLT = 96;
                EL3RST = 97;
                ELNRNG = 98;
                EUNATCH = 99;
                ENOCSI = 100;
                EL2HLT = 101;
                EBADE = 102;
                EBADR = 103;
                EXFULL = 104;
                ENOANO = 105;
                EBADRQC = 106;
                EBADSLT = 107;
                EBFONT = 109;
                ELIBEXEC = 110;
                ENODATA = 111;
                ELIBBAD = 112;
                ENOPKG = 113;
                ELIBACC = 114;
                ENOTUNIQ = 115;
                ERESTART = 116;
                EUCLEAN = 117;
                ENOTNAM = 118;
                ENAVAIL = 119;
                EISNAM = 120;
                EREMOTEIO = 121;
                EILSEQ = 122;
                ELIBMAX = 123;
                ELIBSCN = 124;
                ENOMEDIUM = 125;
                EMEDIUMTYPE = 126;
                ECANCELED = 127;
                ENOKEY = 128;
                EKEYEXPIRED = 129;
                EKEYREVOKED = 130;
                EKEYREJECTED = 131;
                EOWNERDEAD = 132;
                ENOTRECOVERABLE = 133;
                ERFKILL = 134;
                EHWPOISON = 135;
            } {
                ERREMOTE = 81;
                EDEADLOCK = 108;
            }
        }
    };
    // include/uapi/asm-generic/errno.h: 35 to 133, then the given rows, with and without a
    // message in glibc.
    (@asm_generic { $($rows:tt)* } { $($bare:tt)* }) => {
        $crate::errno::errno_table! {
            @with_base_and_kernel {
                EDEADLK = 35;
                ENAMETOOLONG = 36;
                ENOLCK = 37;
                ENOSYS = 38;
                ENOTEMPTY = 39;
                ELOOP = 40;
                ENOMSG = 42;
                EIDRM = 43;
                ECHRNG = 44;
                EL2NSYNC = 45;
                EL3HLT = 46;
                EL3RST = 47;
                ELNRNG = 48;
                EUNATCH = 49;
                ENOCSI = 50;
                EL2HLT = 51;
                EBADE = 52;
                EBADR = 53;
                EXFULL = 54;
                ENOANO = 55;
                EBADRQC = 56;
                EBADSLT = 57;
                EBFONT = 59;
                ENOSTR = 60;
                ENODATA = 61;
                ETIME = 62;
                ENOSR = 63;
                ENONET = 64;
                ENOPKG = 65;
                EREMOTE = 66;
                ENOLINK = 67;
                EADV = 68;
                ESRMNT = 69;
                ECOMM = 70;
                EPROTO = 71;
                EMULTIHOP = 72;
                EDOTDOT = 73;
                EBADMSG = 74;
                EOVERFLOW = 75;
                ENOTUNIQ = 76;
                EBADFD = 77;
                EREMCHG = 78;
                ELIBACC = 79;
                ELIBBAD = 80;
                ELIBSCN = 81;
                ELIBMAX = 82;
                ELIBEXEC = 83;
                EILSEQ = 84;
                ERESTART = 85;
                ESTRPIPE = 86;
                EUSERS = 87;
                ENOTSOCK = 88;
                EDESTADDRREQ = 89;
                EMSGSIZE = 90;
                EPROTOTYPE = 91;
                ENOPROTOOPT = 92;
                EPROTONOSUPPORT = 93;
                ESOCKTNOSUPPORT = 94;
                EOPNOTSUPP = 95;
                ENOTSUP = 95;
                EPFNOSUPPORT = 96;
                EAFNOSUPPORT = 97;
                EADDRINUSE = 98;
                EADDRNOTAVAIL = 99;
                ENETDOWN = 100;
                ENETUNREACH = 101;
                ENETRESET = 102;
                ECONNABORTED = 103;
                ECONNRESET = 104;
                ENOBUFS = 105;
                EISCONN = 106;
                ENOTCONN = 107;
                ESHUTDOWN = 108;
                ETOOMANYREFS = 109;
                ETIMEDOUT = 110;
                ECONNREFUSED = 111;
                EHOSTDOWN = 112;
                EHOSTUNREACH = 113;
                EALREADY = 114;
                EINPROGRESS = 115;
                ESTALE = 116;
                EUCLEAN = 117;
                ENOTNAM = 118;
                ENAVAIL = 119;
                EISNAM = 120;
                EREMOTEIO = 121;
                EDQUOT = 122;
                ENOMEDIUM = 123;
                EMEDIUMTYPE = 124;
                ECANCELED = 125;
                ENOKEY = 126;
                EKEYEXPIRED = 127;
                EKEYREVOKED = 128;
                EKEYREJECTED = 129;
                EOWNERDEAD = 130;
                ENOTRECOVERABLE = 131;
                ERFKILL = 132;
                EHWPOISON = 133;
                $($rows)*
            } {
                $($bare)*
            }
        }
    };
    // errno-base.h (1 to 34, and glibc's EWOULDBLOCK), the given rows, and the kernel's own
    // numbers (include/linux/errno.h), which glibc has no messages for.
    (@with_base_and_kernel { $($rows:tt)* } { $($bare:tt)* }) => {
        $crate::errno::errnos! {
            EPERM = 1;
            ENOENT = 2;
            ESRCH = 3;
            EINTR = 4;
            EIO = 5;
            ENXIO = 6;
            E2BIG = 7;
            ENOEXEC = 8;
            EBADF = 9;
            ECHILD = 10;
            EAGAIN = 11;
            EWOULDBLOCK = 11;
            ENOMEM = 12;
            EACCES = 13;
            EFAULT = 14;
            ENOTBLK = 15;
            EBUSY = 16;
            EEXIST = 17;
            EXDEV = 18;
            ENODEV = 19;
            ENOTDIR = 20;
            EISDIR = 21;
            EINVAL = 22;
            ENFILE = 23;
            EMFILE = 24;
            ENOTTY = 25;
            ETXTBSY = 26;
            EFBIG = 27;
            ENOSPC = 28;
            ESPIPE = 29;
            EROFS = 30;
            EMLINK = 31;
            EPIPE = 32;
            EDOM = 33;
            ERANGE = 34;
            $($rows)*
            @without_message
            $($bare)*
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
    };
}
pub(crate) use errno_table;

/// Makes, from `NAME = number;` rows, the `Errno` constants and `describe`, which gives a
/// number's name (the first row with it, so an alias comes after its name) and glibc's message;
/// the rows after `@without_message` are names glibc has no message for.
macro_rules! errnos {
    ($($name:ident = $raw:literal;)* @without_message $($bare:ident = $bare_raw:literal;)*) => {
        impl $crate::Errno {
            $(
                #[doc = concat!(
                    "`", stringify!($name), "` (", stringify!($raw), "): ",
                    $crate::errno::glibc_message!($name), "."
                )]
                pub const $name: $crate::Errno = $crate::Errno::constant($raw);
            )*
            $(
                #[doc = concat!(
                    "`", stringify!($bare), "` (", stringify!($bare_raw), "), which glibc has ",
                    "no message for."
                )]
                pub const $bare: $crate::Errno = $crate::Errno::constant($bare_raw);
            )*
        }

        /// The name of `raw` in this target's table, and glibc's message for it.
        pub(crate) fn describe(raw: u16) -> Option<(&'static str, Option<&'static str>)> {
            #[allow(unreachable_patterns)] // an alias has its name's number
            match raw {
                $($raw => Some((stringify!($name), Some($crate::errno::glibc_message!($name)))),)*
                $($bare_raw => Some((stringify!($bare), None)),)*
                _ => None,
            }
        }
    };
}
pub(crate) use errnos;

/// glibc's message for an error's name: the same on every architecture, whatever the number.
macro_rules! glibc_message {
    (EPERM) => {
        "Operation not permitted"
    };
    (ENOENT) => {
        "No such file or directory"
    };
    (ESRCH) => {
        "No such process"
    };
    (EINTR) => {
        "Interrupted system call"
    };
    (EIO) => {
        "Input/output error"
    };
    (ENXIO) => {
        "No such device or address"
    };
    (E2BIG) => {
        "Argument list too long"
    };
    (ENOEXEC) => {
        "Exec format error"
    };
    (EBADF) => {
        "Bad file descriptor"
    };
    (ECHILD) => {
        "No child processes"
    };
    (EAGAIN) => {
        "Resource temporarily unavailable"
    };
    (ENOMEM) => {
        "Cannot allocate memory"
    };
    (EACCES) => {
        "Permission denied"
    };
    (EFAULT) => {
        "Bad address"
    };
    (ENOTBLK) => {
        "Block device required"
    };
    (EBUSY) => {
        "Device or resource busy"
    };
    (EEXIST) => {
        "File exists"
    };
    (EXDEV) => {
        "Invalid cross-device link"
    };
    (ENODEV) => {
        "No such device"
    };
    (ENOTDIR) => {
        "Not a directory"
    };
    (EISDIR) => {
        "Is a directory"
    };
    (EINVAL) => {
        "Invalid argument"
    };
    (ENFILE) => {
        "Too many open files in system"
    };
    (EMFILE) => {
        "Too many open files"
    };
    (ENOTTY) => {
        "Inappropriate ioctl for device"
    };
    (ETXTBSY) => {
        "Text file busy"
    };
    (EFBIG) => {
        "File too large"
    };
    (ENOSPC) => {
        "No space left on device"
    };
    (ESPIPE) => {
        "Illegal seek"
    };
    (EROFS) => {
        "Read-only file system"
    };
    (EMLINK) => {
        "Too many links"
    };
    (EPIPE) => {
        "Broken pipe"
    };
    (EDOM) => {
        "Numerical argument out of domain"
    };
    (ERANGE) => {
        "Numerical result out of range"
    };
    (EDEADLK) => {
        "Resource deadlock avoided"
    };
    (EPROCLIM) => {
        "Too many processes"
    };
    (ENAMETOOLONG) => {
        "File name too long"
    };
    (ENOLCK) => {
        "No locks available"
    };
    (ENOSYS) => {
        "Function not implemented"
    };
    (ENOTEMPTY) => {
        "Directory not empty"
    };
    (ELOOP) => {
        "Too many levels of symbolic links"
    };
    (ENOMSG) => {
        "No message of desired type"
    };
    (EIDRM) => {
        "Identifier removed"
    };
    (ECHRNG) => {
        "Channel number out of range"
    };
    (EL2NSYNC) => {
        "Level 2 not synchronized"
    };
    (EL3HLT) => {
        "Level 3 halted"
    };
    (EL3RST) => {
        "Level 3 reset"
    };
    (ELNRNG) => {
        "Link number out of range"
    };
    (EUNATCH) => {
        "Protocol driver not attached"
    };
    (ENOCSI) => {
        "No CSI structure available"
    };
    (EL2HLT) => {
        "Level 2 halted"
    };
    (EBADE) => {
        "Invalid exchange"
    };
    (EBADR) => {
        "Invalid request descriptor"
    };
    (EXFULL) => {
        "Exchange full"
    };
    (ENOANO) => {
        "No anode"
    };
    (EBADRQC) => {
        "Invalid request code"
    };
    (EBADSLT) => {
        "Invalid slot"
    };
    (EBFONT) => {
        "Bad font file format"
    };
    (ENOSTR) => {
        "Device not a stream"
    };
    (ENODATA) => {
        "No data available"
    };
    (ETIME) => {
        "Timer expired"
    };
    (ENOSR) => {
        "Out of streams resources"
    };
    (ENONET) => {
        "Machine is not on the network"
    };
    (ENOPKG) => {
        "Package not installed"
    };
    (EREMOTE) => {
        "Object is remote"
    };
    (ENOLINK) => {
        "Link has been severed"
    };
    (EADV) => {
        "Advertise error"
    };
    (ESRMNT) => {
        "Srmount error"
    };
    (ECOMM) => {
        "Communication error on send"
    };
    (EPROTO) => {
        "Protocol error"
    };
    (EMULTIHOP) => {
        "Multihop attempted"
    };
    (EDOTDOT) => {
        "RFS specific error"
    };
    (EBADMSG) => {
        "Bad message"
    };
    (EOVERFLOW) => {
        "Value too large for defined data type"
    };
    (ENOTUNIQ) => {
        "Name not unique on network"
    };
    (EBADFD) => {
        "File descriptor in bad state"
    };
    (EREMCHG) => {
        "Remote address changed"
    };
    (ELIBACC) => {
        "Can not access a needed shared library"
    };
    (ELIBBAD) => {
        "Accessing a corrupted shared library"
    };
    (ELIBSCN) => {
        ".lib section in a.out corrupted"
    };
    (ELIBMAX) => {
        "Attempting to link in too many shared libraries"
    };
    (ELIBEXEC) => {
        "Cannot exec a shared library directly"
    };
    (EILSEQ) => {
        "Invalid or incomplete multibyte or wide character"
    };
    (ERESTART) => {
        "Interrupted system call should be restarted"
    };
    (ESTRPIPE) => {
        "Streams pipe error"
    };
    (EUSERS) => {
        "Too many users"
    };
    (ENOTSOCK) => {
        "Socket operation on non-socket"
    };
    (EDESTADDRREQ) => {
        "Destination address required"
    };
    (EMSGSIZE) => {
        "Message too long"
    };
    (EPROTOTYPE) => {
        "Protocol wrong type for socket"
    };
    (ENOPROTOOPT) => {
        "Protocol not available"
    };
    (EPROTONOSUPPORT) => {
        "Protocol not supported"
    };
    (ESOCKTNOSUPPORT) => {
        "Socket type not supported"
    };
    (EOPNOTSUPP) => {
        "Operation not supported"
    };
    (EPFNOSUPPORT) => {
        "Protocol family not supported"
    };
    (EAFNOSUPPORT) => {
        "Address family not supported by protocol"
    };
    (EADDRINUSE) => {
        "Address already in use"
    };
    (EADDRNOTAVAIL) => {
        "Cannot assign requested address"
    };
    (ENETDOWN) => {
        "Network is down"
    };
    (ENETUNREACH) => {
        "Network is unreachable"
    };
    (ENETRESET) => {
        "Network dropped connection on reset"
    };
    (ECONNABORTED) => {
        "Software caused connection abort"
    };
    (ECONNRESET) => {
        "Connection reset by peer"
    };
    (ENOBUFS) => {
        "No buffer space available"
    };
    (EISCONN) => {
        "Transport endpoint is already connected"
    };
    (ENOTCONN) => {
        "Transport endpoint is not connected"
    };
    (ESHUTDOWN) => {
        "Cannot send after transport endpoint shutdown"
    };
    (ETOOMANYREFS) => {
        "Too many references: cannot splice"
    };
    (ETIMEDOUT) => {
        "Connection timed out"
    };
    (ECONNREFUSED) => {
        "Connection refused"
    };
    (EHOSTDOWN) => {
        "Host is down"
    };
    (EHOSTUNREACH) => {
        "No route to host"
    };
    (EALREADY) => {
        "Operation already in progress"
    };
    (EINPROGRESS) => {
        "Operation now in progress"
    };
    (ESTALE) => {
        "Stale file handle"
    };
    (EUCLEAN) => {
        "Structure needs cleaning"
    };
    (ENOTNAM) => {
        "Not a XENIX named type file"
    };
    (ENAVAIL) => {
        "No XENIX semaphores available"
    };
    (EISNAM) => {
        "Is a named type file"
    };
    (EREMOTEIO) => {
        "Remote I/O error"
    };
    (EDQUOT) => {
        "Disk quota exceeded"
    };
    (ENOMEDIUM) => {
        "No medium found"
    };
    (EMEDIUMTYPE) => {
        "Wrong medium type"
    };
    (ECANCELED) => {
        "Operation canceled"
    };
    (ENOKEY) => {
        "Required key not available"
    };
    (EKEYEXPIRED) => {
        "Key has expired"
    };
    (EKEYREVOKED) => {
        "Key has been revoked"
    };
    (EKEYREJECTED) => {
        "Key was rejected by service"
    };
    (EOWNERDEAD) => {
        "Owner died"
    };
    (ENOTRECOVERABLE) => {
        "State not recoverable"
    };
    (ERFKILL) => {
        "Operation not possible due to RF-kill"
    };
    (EHWPOISON) => {
        "Memory page has hardware error"
    };
    (EWOULDBLOCK) => {
        "Resource temporarily unavailable"
    };
    (EDEADLOCK) => {
        "Resource deadlock avoided"
    };
    (ENOTSUP) => {
        "Operation not supported"
    };
}
pub(crate) use glibc_message;
