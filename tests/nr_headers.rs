//! `munmap::nr` against an independent source: `__NR_munmap` in the kernel's uapi headers as
//! Debian ships them (linux-libc-dev for the host, libc6-dev-*-cross for the others), including
//! for architectures whose test suite cannot run here.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

use munmap::nr;

/// The value of `#define __NR_munmap <value>` in `path`; `(__NR_SYSCALL_BASE + N)` (arm) is
/// returned as the base's name and N.
fn nr_munmap(path: &str) -> Option<(Option<String>, u32)> {
    let text = std::fs::read_to_string(path).ok()?;
    let value = text.lines().find_map(|line| {
        let rest = line.strip_prefix("#define __NR_munmap")?;
        rest.starts_with(|c: char| c.is_whitespace())
            .then(|| rest.trim().to_owned())
    });
    let value = value.unwrap_or_else(|| panic!("{}: no #define __NR_munmap", path));
    match value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
        Some(sum) => {
            let (base, n) = sum.split_once('+').expect("(BASE + N)");
            Some((
                Some(base.trim().to_owned()),
                n.trim().parse().expect("a number"),
            ))
        }
        None => Some((
            None,
            value
                .parse()
                .unwrap_or_else(|_| panic!("{}: {}", path, value)),
        )),
    }
}

/// Checks `ours` against `path`; a missing header (its package not installed) skips loudly.
fn check(ours: u32, path: &str, package: &str) -> bool {
    match nr_munmap(path) {
        Some((None, theirs)) => {
            assert_eq!(ours, theirs, "{}", path);
            true
        }
        Some((Some(base), theirs)) => {
            assert_eq!(base, "__NR_SYSCALL_BASE", "{}", path);
            assert_eq!(ours, theirs, "{}", path);
            true
        }
        None => {
            eprintln!(
                "SKIPPED {}: {} is missing (apt-get install {})",
                path, path, package
            );
            false
        }
    }
}

#[test]
fn numbers_match_the_kernel_uapi_headers() {
    let generic = "/usr/include/asm-generic/unistd.h"; // aarch64, riscv, loongarch64
    let host = "/usr/include/x86_64-linux-gnu/asm";
    let checks = [
        (nr::X86, format!("{}/unistd_32.h", host), "linux-libc-dev"),
        (
            nr::X86_64,
            format!("{}/unistd_64.h", host),
            "linux-libc-dev",
        ),
        (nr::AARCH64, generic.to_owned(), "linux-libc-dev"),
        (nr::RISCV32, generic.to_owned(), "linux-libc-dev"),
        (nr::RISCV64, generic.to_owned(), "linux-libc-dev"),
        (nr::LOONGARCH64, generic.to_owned(), "linux-libc-dev"),
        (
            nr::ARM,
            "/usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h".to_owned(),
            "libc6-dev-armhf-cross",
        ),
        (
            nr::POWERPC64,
            "/usr/powerpc64le-linux-gnu/include/asm/unistd_64.h".to_owned(),
            "libc6-dev-ppc64el-cross",
        ),
        (
            nr::S390X,
            "/usr/s390x-linux-gnu/include/asm/unistd_64.h".to_owned(),
            "libc6-dev-s390x-cross",
        ),
    ];
    let mut checked = 0;
    for (ours, path, package) in &checks {
        if check(*ours, path, package) {
            checked += 1;
        }
    }
    // The arm header's base is 0 for EABI, the only arm ABI supported.
    if let Ok(arm) = std::fs::read_to_string("/usr/arm-linux-gnueabihf/include/asm/unistd.h") {
        assert!(arm.lines().any(|l| l.split_whitespace().eq([
            "#define",
            "__NR_SYSCALL_BASE",
            "0"
        ])));
    }
    assert!(
        checked > 0,
        "no uapi header found at all: apt-get install linux-libc-dev"
    );
}
