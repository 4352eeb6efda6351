//! The crate's ABI numbers against an independent source, the kernel's uapi headers as Debian
//! ships them (linux-libc-dev for the host, libc6-dev-*-cross for the others): `munmap::nr`
//! against `__NR_munmap`, including for architectures whose test suite cannot run here; what
//! munmap_and_exit loads besides (rt_sigprocmask's number, `SIG_BLOCK`, the size of the
//! kernel's signal set, exit's number) against `__NR_*` and `asm/signal.h`; the `seccomp` audit
//! values against `linux/audit.h`; and the target's errno table against its `asm/errno.h`.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

use std::collections::BTreeMap;

use munmap::{nr, seccomp, Errno};

/// The value of `#define NAME <value>` in `path` (decimal or 0x hex), if the file has one.
fn define(path: &str, name: &str) -> Option<String> {
    define_in(&std::fs::read_to_string(path).ok()?, name)
}

/// The value of the first `#define NAME <value>` in `text`, without a trailing `/* comment */`.
fn define_in(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.split("/*").next().unwrap_or(line);
        let mut words = line.split_whitespace();
        (words.next() == Some("#define") && words.next() == Some(name))
            .then(|| words.collect::<Vec<_>>().join(" "))
    })
}

fn number(text: &str) -> u32 {
    match text.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse(),
    }
    .unwrap_or_else(|_| panic!("not a number: {}", text))
}

/// `__NR_<call>` in `path`: a number, or `(BASE + N)` with BASE defined in `base_header`, in
/// its first `#define` after a line that contains `base_marker` (MIPS defines `__NR_Linux` once
/// per ABI, each under its own `#if _MIPS_SIM == ...`).
fn syscall_number(path: &str, call: &str, base_header: &str, base_marker: &str) -> Option<u32> {
    let value = define(path, &format!("__NR_{}", call))?;
    Some(
        match value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
            Some(sum) => {
                let (base, n) = sum.split_once('+').expect("(BASE + N)");
                let text = std::fs::read_to_string(base_header)
                    .unwrap_or_else(|e| panic!("{}: {}", base_header, e));
                let after = &text[text.find(base_marker).expect(base_marker)..];
                let base = define_in(after, base.trim())
                    .unwrap_or_else(|| panic!("{}: no #define {}", base_header, base.trim()));
                number(&base) + number(n.trim())
            }
            None => number(&value),
        },
    )
}

/// One `__NR_munmap` to compare: ours, the header, where its base is (header and marker; empty
/// for a plain number) and the Debian package that ships the header.
struct Check {
    ours: u32,
    header: String,
    base: (String, &'static str),
    package: &'static str,
}

#[test]
fn numbers_match_the_kernel_uapi_headers() {
    let generic = "/usr/include/asm-generic/unistd.h"; // aarch64, riscv, loongarch64, ...
    let host = |file: &str| format!("/usr/include/x86_64-linux-gnu/asm/{}", file);
    let cross = |triple: &str, file: &str| format!("/usr/{}/include/asm/{}", triple, file);
    let plain = |ours, header: String, package| Check {
        ours,
        header,
        base: (String::new(), ""),
        package,
    };
    let based = |ours, header: String, base: String, marker, package| Check {
        ours,
        header,
        base: (base, marker),
        package,
    };
    let checks = [
        plain(nr::X86, host("unistd_32.h"), "linux-libc-dev"),
        plain(nr::X86_64, host("unistd_64.h"), "linux-libc-dev"),
        based(
            nr::X32,
            host("unistd_x32.h"),
            host("unistd.h"),
            "",
            "linux-libc-dev",
        ),
        plain(nr::AARCH64, generic.to_owned(), "linux-libc-dev"),
        plain(nr::RISCV32, generic.to_owned(), "linux-libc-dev"),
        plain(nr::RISCV64, generic.to_owned(), "linux-libc-dev"),
        plain(nr::LOONGARCH64, generic.to_owned(), "linux-libc-dev"),
        plain(nr::HEXAGON, generic.to_owned(), "linux-libc-dev"),
        plain(nr::CSKY, generic.to_owned(), "linux-libc-dev"),
        based(
            nr::ARM,
            cross("arm-linux-gnueabihf", "unistd-eabi.h"),
            cross("arm-linux-gnueabihf", "unistd.h"),
            "",
            "libc6-dev-armhf-cross",
        ),
        based(
            nr::ARM,
            cross("arm-linux-gnueabi", "unistd-eabi.h"),
            cross("arm-linux-gnueabi", "unistd.h"),
            "",
            "libc6-dev-armel-cross",
        ),
        plain(
            nr::POWERPC,
            cross("powerpc-linux-gnu", "unistd_32.h"),
            "libc6-dev-powerpc-cross",
        ),
        plain(
            nr::POWERPC64,
            cross("powerpc64-linux-gnu", "unistd_64.h"),
            "libc6-dev-ppc64-cross",
        ),
        plain(
            nr::POWERPC64,
            cross("powerpc64le-linux-gnu", "unistd_64.h"),
            "libc6-dev-ppc64el-cross",
        ),
        plain(
            nr::S390X,
            cross("s390x-linux-gnu", "unistd_64.h"),
            "libc6-dev-s390x-cross",
        ),
        based(
            nr::MIPS_O32,
            cross("mips-linux-gnu", "unistd_o32.h"),
            cross("mips-linux-gnu", "unistd.h"),
            "_MIPS_SIM == _MIPS_SIM_ABI32",
            "libc6-dev-mips-cross",
        ),
        based(
            nr::MIPS_N64,
            cross("mips64el-linux-gnuabi64", "unistd_n64.h"),
            cross("mips64el-linux-gnuabi64", "unistd.h"),
            "_MIPS_SIM == _MIPS_SIM_ABI64",
            "libc6-dev-mips64el-cross",
        ),
        plain(
            nr::SPARC,
            cross("sparc64-linux-gnu", "unistd_64.h"),
            "libc6-dev-sparc64-cross",
        ),
        plain(
            nr::SPARC,
            cross("sparc64-linux-gnu", "unistd_32.h"),
            "libc6-dev-sparc64-cross",
        ),
        plain(
            nr::M68K,
            cross("m68k-linux-gnu", "unistd_32.h"),
            "libc6-dev-m68k-cross",
        ),
    ];
    let mut checked = 0;
    for check in &checks {
        match syscall_number(&check.header, "munmap", &check.base.0, check.base.1) {
            Some(theirs) => {
                assert_eq!(check.ours, theirs, "{}", check.header);
                checked += 1;
            }
            None => eprintln!(
                "SKIPPED {}: missing (apt-get install {})",
                check.header, check.package
            ),
        }
    }
    assert!(
        checked > 0,
        "no uapi header found at all: apt-get install linux-libc-dev"
    );
}

/// What munmap_and_exit loads besides munmap's number, on one ABI, as arch/*.rs writes it (and
/// as the traces of ci/freestanding.sh see it, by name), with the headers to check it against.
struct ThreadExit {
    abi: &'static str,
    /// rt_sigprocmask's number, `SIG_BLOCK`, the signal set's size in bytes, exit's number.
    ours: (u32, u32, u32, u32),
    /// The unistd header, and the header and marker of the numbers' base (see
    /// `syscall_number`; empty for plain numbers).
    unistd: String,
    base: (String, &'static str),
    /// The ABI's `asm/signal.h`, glibc's `bits/signum-arch.h` for it, and the Debian package.
    signal_h: String,
    signum_h: String,
    package: &'static str,
}

/// The first `#define NAME` that `path` makes, following its `#include <...>`s in order (under
/// `root`, the header's `include` directory, else the host's `/usr/include`).
fn first_define(path: &str, root: &str, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("#include"), Some(file)) => {
                let file = file.trim_matches(|c| c == '<' || c == '>');
                let under_root = format!("{}/{}", root, file);
                match std::path::Path::new(&under_root).exists() {
                    true => first_define(&under_root, root, name),
                    false => first_define(&format!("/usr/include/{}", file), root, name),
                }
            }
            (Some("#define"), Some(n)) if n == name => define_in(line, name),
            _ => None,
        }
    })
}

/// The kernel's signal-set size in bytes: its `_NSIG` / 8, from the first `#define _NSIG` that
/// `asm/signal.h` makes (sparc's first is the kernel's, `__NEW_NSIG`, under `#if
/// defined(__KERNEL__)`). x86, arm, s390 and m68k give user space only the old `NSIG` (32)
/// there, and the kernel's `_NSIG` in a header they do not export: for them, glibc's highest
/// signal, `__SIGRTMAX` in `bits/signum-arch.h`, which on those is `_NSIG`.
fn sigset_bytes(check: &ThreadExit) -> Option<u32> {
    let root = &check.signal_h[..check.signal_h.rfind("/asm")?];
    let signals = match first_define(&check.signal_h, root, "_NSIG") {
        Some(value) => match value.parse() {
            Ok(n) => n,
            Err(_) => number(&first_define(&check.signal_h, root, &value)?),
        },
        None => number(&define(&check.signum_h, "__SIGRTMAX")?),
    };
    Some(signals / 8)
}

#[test]
fn munmap_and_exit_numbers_match_the_kernel_uapi_headers() {
    let host = |file: &str| format!("/usr/include/x86_64-linux-gnu/{}", file);
    let cross = |triple: &str, file: &str| format!("/usr/{}/include/{}", triple, file);
    let x32_bit = 0x4000_0000;
    let check = |abi, ours, unistd, base: (String, &'static str), triple: &str, package| {
        let (signal_h, signum_h) = match triple {
            "" => (host("asm/signal.h"), host("bits/signum-arch.h")),
            "generic" => (
                "/usr/include/asm-generic/signal.h".to_owned(),
                host("bits/signum-arch.h"),
            ),
            _ => (
                cross(triple, "asm/signal.h"),
                cross(triple, "bits/signum-arch.h"),
            ),
        };
        ThreadExit {
            abi,
            ours,
            unistd,
            base,
            signal_h,
            signum_h,
            package,
        }
    };
    let plain = || (String::new(), "");
    let checks = [
        check(
            "x86 (arch/x86.rs)",
            (175, 0, 8, 1),
            cross("i686-linux-gnu", "asm/unistd_32.h"),
            plain(),
            "i686-linux-gnu",
            "libc6-dev-i386-cross",
        ),
        check(
            "x86_64 (arch/x86_64.rs)",
            (14, 0, 8, 60),
            host("asm/unistd_64.h"),
            plain(),
            "",
            "linux-libc-dev",
        ),
        check(
            "x32 (arch/x86_64.rs)",
            (x32_bit | 14, 0, 8, x32_bit | 60),
            host("asm/unistd_x32.h"),
            (host("asm/unistd.h"), ""),
            "",
            "linux-libc-dev",
        ),
        check(
            "the generic table (arch/aarch64.rs, riscv.rs, loongarch64.rs, hexagon.rs, csky.rs)",
            (135, 0, 8, 93),
            "/usr/include/asm-generic/unistd.h".to_owned(),
            plain(),
            "generic",
            "linux-libc-dev",
        ),
        check(
            "arm (arch/arm.rs)",
            (175, 0, 8, 1),
            cross("arm-linux-gnueabihf", "asm/unistd-eabi.h"),
            (cross("arm-linux-gnueabihf", "asm/unistd.h"), ""),
            "arm-linux-gnueabihf",
            "libc6-dev-armhf-cross",
        ),
        check(
            "powerpc (arch/powerpc.rs)",
            (174, 0, 8, 1),
            cross("powerpc-linux-gnu", "asm/unistd_32.h"),
            plain(),
            "powerpc-linux-gnu",
            "libc6-dev-powerpc-cross",
        ),
        check(
            "powerpc64 (arch/powerpc.rs)",
            (174, 0, 8, 1),
            cross("powerpc64le-linux-gnu", "asm/unistd_64.h"),
            plain(),
            "powerpc64le-linux-gnu",
            "libc6-dev-ppc64el-cross",
        ),
        check(
            "s390x (arch/s390x.rs)",
            (175, 0, 8, 1),
            cross("s390x-linux-gnu", "asm/unistd_64.h"),
            plain(),
            "s390x-linux-gnu",
            "libc6-dev-s390x-cross",
        ),
        check(
            "mips o32 (arch/mips.rs)",
            (4195, 1, 16, 4001),
            cross("mips-linux-gnu", "asm/unistd_o32.h"),
            (
                cross("mips-linux-gnu", "asm/unistd.h"),
                "_MIPS_SIM == _MIPS_SIM_ABI32",
            ),
            "mips-linux-gnu",
            "libc6-dev-mips-cross",
        ),
        check(
            "mips n64 (arch/mips.rs)",
            (5014, 1, 16, 5058),
            cross("mips64el-linux-gnuabi64", "asm/unistd_n64.h"),
            (
                cross("mips64el-linux-gnuabi64", "asm/unistd.h"),
                "_MIPS_SIM == _MIPS_SIM_ABI64",
            ),
            "mips64el-linux-gnuabi64",
            "libc6-dev-mips64el-cross",
        ),
        check(
            "sparc (arch/sparc.rs)",
            (103, 1, 8, 1),
            cross("sparc64-linux-gnu", "asm/unistd_32.h"),
            plain(),
            "sparc64-linux-gnu",
            "libc6-dev-sparc64-cross",
        ),
        check(
            "sparc64 (arch/sparc.rs)",
            (103, 1, 8, 1),
            cross("sparc64-linux-gnu", "asm/unistd_64.h"),
            plain(),
            "sparc64-linux-gnu",
            "libc6-dev-sparc64-cross",
        ),
        check(
            "m68k (arch/m68k.rs)",
            (175, 0, 8, 1),
            cross("m68k-linux-gnu", "asm/unistd_32.h"),
            plain(),
            "m68k-linux-gnu",
            "libc6-dev-m68k-cross",
        ),
    ];
    for check in &checks {
        if !std::path::Path::new(&check.unistd).exists() {
            eprintln!(
                "SKIPPED {}: missing (apt-get install {})",
                check.unistd, check.package
            );
            continue;
        }
        let nr = |call| syscall_number(&check.unistd, call, &check.base.0, check.base.1);
        let root = &check.signal_h[..check.signal_h.rfind("/asm").unwrap()];
        let sig_block = first_define(&check.signal_h, root, "SIG_BLOCK").map(|v| number(&v));
        let theirs = (
            nr("rt_sigprocmask"),
            sig_block,
            sigset_bytes(check),
            nr("exit"),
        );
        let ours = check.ours;
        assert_eq!(
            (Some(ours.0), Some(ours.1), Some(ours.2), Some(ours.3)),
            theirs,
            "{}: (rt_sigprocmask, SIG_BLOCK, sigset bytes, exit), against {} and {}",
            check.abi,
            check.unistd,
            check.signal_h
        );
    }
}

/// The `#define`s of a C header, in order, following `#undef` and, with `root` (the header's
/// `include` directory), `#include <...>` (under `root`, else the host's `/usr/include`):
/// (name, value) for each name still defined at the end.
fn defines_of(path: &str, root: Option<&str>) -> Vec<(String, String)> {
    fn walk(path: &str, root: Option<&str>, out: &mut Vec<(String, String)>) {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {}", path, e));
        for line in text.lines() {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), root) {
                (Some("#include"), Some(file), Some(root)) => {
                    let file = file.trim_matches(|c| c == '<' || c == '>');
                    let under_root = format!("{}/{}", root, file);
                    let host = format!("/usr/include/{}", file);
                    let found = if std::path::Path::new(&under_root).exists() {
                        under_root
                    } else {
                        host
                    };
                    walk(&found, Some(root), out);
                }
                (Some("#undef"), Some(name), _) => out.retain(|(n, _)| n != name),
                (Some("#define"), Some(name), _) => {
                    let value = words.next().unwrap_or("").to_owned();
                    out.retain(|(n, _)| n != name);
                    out.push((name.to_owned(), value));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(path, root, &mut out);
    out
}

#[test]
fn audit_arches_match_linux_audit_h() {
    let audit = "/usr/include/linux/audit.h";
    if !std::path::Path::new(audit).exists() {
        panic!("{} missing: apt-get install linux-libc-dev", audit);
    }
    let mut values: BTreeMap<String, String> = defines_of(audit, None).into_iter().collect();
    values.extend(defines_of("/usr/include/linux/elf-em.h", None));
    // `(EM_X|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE)`: the names or'ed, each resolved in turn.
    fn evaluate(expression: &str, values: &BTreeMap<String, String>) -> u32 {
        expression
            .trim_matches(|c| c == '(' || c == ')')
            .split('|')
            .map(|part| match values.get(part) {
                Some(value) => evaluate(value, values),
                None => number(part),
            })
            .fold(0, |all, part| all | part)
    }
    let ours = [
        ("AUDIT_ARCH_I386", seccomp::AUDIT_ARCH_I386),
        ("AUDIT_ARCH_X86_64", seccomp::AUDIT_ARCH_X86_64),
        ("AUDIT_ARCH_AARCH64", seccomp::AUDIT_ARCH_AARCH64),
        ("AUDIT_ARCH_ARM", seccomp::AUDIT_ARCH_ARM),
        ("AUDIT_ARCH_RISCV32", seccomp::AUDIT_ARCH_RISCV32),
        ("AUDIT_ARCH_RISCV64", seccomp::AUDIT_ARCH_RISCV64),
        ("AUDIT_ARCH_LOONGARCH64", seccomp::AUDIT_ARCH_LOONGARCH64),
        ("AUDIT_ARCH_PPC", seccomp::AUDIT_ARCH_PPC),
        ("AUDIT_ARCH_PPC64", seccomp::AUDIT_ARCH_PPC64),
        ("AUDIT_ARCH_PPC64LE", seccomp::AUDIT_ARCH_PPC64LE),
        ("AUDIT_ARCH_S390X", seccomp::AUDIT_ARCH_S390X),
        ("AUDIT_ARCH_MIPS", seccomp::AUDIT_ARCH_MIPS),
        ("AUDIT_ARCH_MIPSEL", seccomp::AUDIT_ARCH_MIPSEL),
        ("AUDIT_ARCH_MIPS64", seccomp::AUDIT_ARCH_MIPS64),
        ("AUDIT_ARCH_MIPSEL64", seccomp::AUDIT_ARCH_MIPSEL64),
        ("AUDIT_ARCH_SPARC", seccomp::AUDIT_ARCH_SPARC),
        ("AUDIT_ARCH_SPARC64", seccomp::AUDIT_ARCH_SPARC64),
        ("AUDIT_ARCH_M68K", seccomp::AUDIT_ARCH_M68K),
        ("AUDIT_ARCH_HEXAGON", seccomp::AUDIT_ARCH_HEXAGON),
        ("AUDIT_ARCH_CSKY", seccomp::AUDIT_ARCH_CSKY),
    ];
    for (name, value) in ours {
        let theirs = values
            .get(name)
            .unwrap_or_else(|| panic!("{}: no #define {}", audit, name));
        assert_eq!(value, evaluate(theirs, &values), "{}", name);
    }
    // Every pair in seccomp::ALL uses one of these.
    for syscall in seccomp::ALL {
        assert!(ours.iter().any(|(_, value)| *value == syscall.arch));
    }
}

#[test]
fn errno_table_matches_the_targets_asm_errno_h() {
    // The target's header, from a Debian cross package (any byte order and width of the
    // architecture has the same one), else the host's generic one.
    let (header, package) = if cfg!(any(
        target_arch = "mips",
        target_arch = "mips32r6",
        target_arch = "mips64",
        target_arch = "mips64r6"
    )) {
        (
            "/usr/mips-linux-gnu/include/asm/errno.h",
            "libc6-dev-mips-cross",
        )
    } else if cfg!(any(target_arch = "sparc", target_arch = "sparc64")) {
        (
            "/usr/sparc64-linux-gnu/include/asm/errno.h",
            "libc6-dev-sparc64-cross",
        )
    } else if cfg!(any(target_arch = "powerpc", target_arch = "powerpc64")) {
        (
            "/usr/powerpc-linux-gnu/include/asm/errno.h",
            "libc6-dev-powerpc-cross",
        )
    } else {
        ("/usr/include/asm-generic/errno.h", "linux-libc-dev")
    };
    if !std::path::Path::new(header).exists() {
        eprintln!(
            "SKIPPED errno_table_matches_the_targets_asm_errno_h: {} missing (apt-get install {})",
            header, package
        );
        return;
    }
    let root = &header[..header.find("/asm").unwrap()];
    // Number to name, for the names with a number of their own (not `EWOULDBLOCK EAGAIN`).
    let theirs: BTreeMap<i32, String> = defines_of(header, Some(root))
        .into_iter()
        .filter(|(name, _)| name.starts_with('E'))
        .filter_map(|(name, value)| Some((value.parse().ok()?, name)))
        .collect();
    // All but the kernel's own numbers, 512 to 531, which are not in the uapi headers.
    let ours: BTreeMap<i32, String> = (1..=4095)
        .filter(|raw| !(512..=531).contains(raw))
        .filter_map(|raw| Some((raw, Errno::from_raw(raw)?.name()?.to_owned())))
        .collect();
    assert!(
        theirs.len() > 100,
        "{}: only {} numbers",
        header,
        theirs.len()
    );
    assert_eq!(ours, theirs, "{}", header);
}
