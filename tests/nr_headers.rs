//! `munmap::nr` against an independent source: `__NR_munmap` in the kernel's uapi headers as
//! Debian ships them (linux-libc-dev for the host, libc6-dev-*-cross for the others), including
//! for architectures whose test suite cannot run here.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

use munmap::nr;

/// The value of `#define NAME <value>` in `path` (decimal or 0x hex), if the file has one.
fn define(path: &str, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
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

/// `__NR_munmap` in `path`: a number, or `(BASE + N)` with BASE defined in `base_header`.
fn nr_munmap(path: &str, base_header: &str) -> Option<u32> {
    let value = define(path, "__NR_munmap")?;
    Some(
        match value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
            Some(sum) => {
                let (base, n) = sum.split_once('+').expect("(BASE + N)");
                let base = define(base_header, base.trim())
                    .unwrap_or_else(|| panic!("{}: no #define {}", base_header, base.trim()));
                number(&base) + number(n.trim())
            }
            None => number(&value),
        },
    )
}

#[test]
fn numbers_match_the_kernel_uapi_headers() {
    let generic = "/usr/include/asm-generic/unistd.h"; // aarch64, riscv, loongarch64
    let host = "/usr/include/x86_64-linux-gnu/asm";
    let cross = |triple: &str, file: &str| format!("/usr/{}/include/asm/{}", triple, file);
    // (ours, header, header of the base it adds to, Debian package)
    let checks = [
        (
            nr::X86,
            format!("{}/unistd_32.h", host),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::X86_64,
            format!("{}/unistd_64.h", host),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::X32,
            format!("{}/unistd_x32.h", host),
            format!("{}/unistd.h", host),
            "linux-libc-dev",
        ),
        (
            nr::AARCH64,
            generic.to_owned(),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::RISCV32,
            generic.to_owned(),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::RISCV64,
            generic.to_owned(),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::LOONGARCH64,
            generic.to_owned(),
            String::new(),
            "linux-libc-dev",
        ),
        (
            nr::ARM,
            cross("arm-linux-gnueabihf", "unistd-eabi.h"),
            cross("arm-linux-gnueabihf", "unistd.h"),
            "libc6-dev-armhf-cross",
        ),
        (
            nr::ARM,
            cross("arm-linux-gnueabi", "unistd-eabi.h"),
            cross("arm-linux-gnueabi", "unistd.h"),
            "libc6-dev-armel-cross",
        ),
        (
            nr::POWERPC,
            cross("powerpc-linux-gnu", "unistd_32.h"),
            String::new(),
            "libc6-dev-powerpc-cross",
        ),
        (
            nr::POWERPC64,
            cross("powerpc64-linux-gnu", "unistd_64.h"),
            String::new(),
            "libc6-dev-ppc64-cross",
        ),
        (
            nr::POWERPC64,
            cross("powerpc64le-linux-gnu", "unistd_64.h"),
            String::new(),
            "libc6-dev-ppc64el-cross",
        ),
        (
            nr::S390X,
            cross("s390x-linux-gnu", "unistd_64.h"),
            String::new(),
            "libc6-dev-s390x-cross",
        ),
    ];
    let mut checked = 0;
    for (ours, path, base_header, package) in &checks {
        match nr_munmap(path, base_header) {
            Some(theirs) => {
                assert_eq!(*ours, theirs, "{}", path);
                checked += 1;
            }
            None => eprintln!("SKIPPED {}: missing (apt-get install {})", path, package),
        }
    }
    assert!(
        checked > 0,
        "no uapi header found at all: apt-get install linux-libc-dev"
    );
}
