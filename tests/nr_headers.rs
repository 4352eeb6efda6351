//! The crate's ABI numbers against an independent source, the kernel's uapi headers as Debian
//! ships them (linux-libc-dev for the host, libc6-dev-*-cross for the others): `munmap::nr`
//! against `__NR_munmap`, including for architectures whose test suite cannot run here; the
//! `seccomp` audit values against `linux/audit.h`; and the target's errno table against its
//! `asm/errno.h`.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

use std::collections::BTreeMap;

use munmap::{nr, seccomp, Errno};

/// The value of `#define NAME <value>` in `path` (decimal or 0x hex), if the file has one.
fn define(path: &str, name: &str) -> Option<String> {
    define_in(&std::fs::read_to_string(path).ok()?, name)
}

/// The value of the first `#define NAME <value>` in `text`.
fn define_in(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
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

/// `__NR_munmap` in `path`: a number, or `(BASE + N)` with BASE defined in `base_header`, in
/// its first `#define` after a line that contains `base_marker` (MIPS defines `__NR_Linux` once
/// per ABI, each under its own `#if _MIPS_SIM == ...`).
fn nr_munmap(path: &str, base_header: &str, base_marker: &str) -> Option<u32> {
    let value = define(path, "__NR_munmap")?;
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
        match nr_munmap(&check.header, &check.base.0, check.base.1) {
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
