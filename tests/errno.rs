//! `Errno` and `nr`, checked against the libc crate and glibc as independent sources.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use munmap::{nr, Errno};

#[test]
fn result_of_unit_and_errno_is_two_bytes() {
    assert_eq!(core::mem::size_of::<Errno>(), 2);
    assert_eq!(core::mem::size_of::<Result<(), Errno>>(), 2);
}

#[test]
fn every_named_constant_matches_libc() {
    macro_rules! check {
        ($($name:ident)*) => {$(
            assert_eq!(Errno::$name.raw(), libc::$name, stringify!($name));
        )*};
    }
    check! {
        EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES EFAULT
        ENOTBLK EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG
        ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY
        ELOOP EWOULDBLOCK ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH ENOCSI EL2HLT
        EBADE EBADR EXFULL ENOANO EBADRQC EBADSLT EDEADLOCK EBFONT ENOSTR ENODATA ETIME ENOSR
        ENONET ENOPKG EREMOTE ENOLINK EADV ESRMNT ECOMM EPROTO EMULTIHOP EDOTDOT EBADMSG EOVERFLOW
        ENOTUNIQ EBADFD EREMCHG ELIBACC ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART ESTRPIPE
        EUSERS ENOTSOCK EDESTADDRREQ EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT
        ESOCKTNOSUPPORT EOPNOTSUPP ENOTSUP EPFNOSUPPORT EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL
        ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET ENOBUFS EISCONN ENOTCONN ESHUTDOWN
        ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH EALREADY EINPROGRESS ESTALE
        EUCLEAN ENOTNAM ENAVAIL EISNAM EREMOTEIO EDQUOT ENOMEDIUM EMEDIUMTYPE ECANCELED ENOKEY
        EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD ENOTRECOVERABLE ERFKILL EHWPOISON
    }
}

#[test]
fn every_named_number_round_trips() {
    // The table itself is checked against the kernel's header in tests/nr_headers.rs.
    let mut named = 0;
    for raw in 1..=4095 {
        let errno = Errno::from_raw(raw).unwrap();
        assert_eq!(errno.raw(), raw);
        if errno.name().is_some() {
            named += 1;
        }
    }
    // errno-base.h's 34; 97 (generic), 98 (powerpc) or 100 (MIPS, SPARC) numbers of the
    // architecture's errno.h; 19 of the kernel's own (512 to 531 but 520).
    assert!(
        (34 + 97 + 19..=34 + 100 + 19).contains(&named),
        "{} named",
        named
    );
}

#[test]
fn display_matches_glibc_strerror() {
    if cfg!(miri) {
        skip!("Miri cannot call glibc's strerror (the native runs compare it)");
    }
    if !cfg!(target_env = "gnu") {
        skip!("the C library is not glibc, whose wording Display follows, and words its own");
    }
    // Every number: names without a glibc message (the kernel's own, 512 to 531, and powerpc's
    // EDEADLOCK, 58) and numbers without a name read "Unknown error N", as in glibc.
    for raw in 1..=4095 {
        let errno = Errno::from_raw(raw).unwrap();
        // SAFETY: strerror returns a valid C string; the tests do not call setlocale.
        let glibc = unsafe { std::ffi::CStr::from_ptr(libc::strerror(raw)) };
        assert_eq!(errno.to_string(), glibc.to_str().unwrap(), "errno {}", raw);
    }
}

#[test]
fn debug_shows_name_and_number() {
    assert_eq!(format!("{:?}", Errno::EINVAL), "EINVAL (22)");
    assert_eq!(format!("{:?}", Errno::ENOMEM), "ENOMEM (12)");
    assert_eq!(
        format!("{:?}", Errno::from_raw(4000).unwrap()),
        "Errno(4000)"
    );
    assert_eq!(
        format!("{:?}", Err::<(), _>(Errno::EINVAL)),
        "Err(EINVAL (22))"
    );
}

#[test]
fn the_kernels_own_numbers_have_names() {
    for (raw, name) in [
        (512, "ERESTARTSYS"),
        (516, "ERESTART_RESTARTBLOCK"),
        (524, "ENOTSUPP"),
        (531, "ENOGRACE"),
    ] {
        assert_eq!(Errno::from_raw(raw).and_then(Errno::name), Some(name));
    }
    assert_eq!(format!("{:?}", Errno::ENOTSUPP), "ENOTSUPP (524)");
    assert_eq!(Errno::ENOTSUPP.to_string(), "Unknown error 524");
}

#[test]
fn numbers_without_a_name_are_kept_not_replaced() {
    // Unnamed in every architecture's table: 200 (past the largest, MIPS's 168, but for MIPS's
    // EDQUOT, 1133), 520 (a gap in the kernel's own), 532 (past them), 1000 and 4095.
    for raw in [200, 520, 532, 1000, 4095] {
        let errno = Errno::from_raw(raw).unwrap();
        assert_eq!(errno.raw(), raw);
        assert_eq!(errno.name(), None);
        assert_eq!(errno.to_string(), format!("Unknown error {}", raw));
    }
}

#[test]
fn from_raw_accepts_exactly_one_to_4095() {
    for raw in [i32::MIN, -22, -1, 0, 4096, 65536, i32::MAX] {
        assert_eq!(Errno::from_raw(raw), None, "{}", raw);
    }
    assert_eq!(Errno::from_raw(1), Some(Errno::EPERM));
    assert_eq!(Errno::from_raw(4095).map(Errno::raw), Some(4095));
}

#[cfg(feature = "std")]
#[test]
fn std_feature_converts_to_io_error_with_the_same_number() {
    let io: std::io::Error = Errno::ENOMEM.into();
    assert_eq!(io.raw_os_error(), Some(libc::ENOMEM));
    assert_eq!(io.kind(), std::io::ErrorKind::OutOfMemory);
    let boxed: Box<dyn std::error::Error> = Box::new(Errno::EINVAL);
    assert_eq!(boxed.to_string(), "Invalid argument");
}

#[test]
fn munmap_number_for_this_target_matches_libc() {
    assert_eq!(nr::MUNMAP as libc::c_long, libc::SYS_munmap);
    assert_eq!(munmap::seccomp::MUNMAP.nr, nr::MUNMAP);
}
