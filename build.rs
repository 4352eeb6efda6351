//! Decides how the target's `asm!` is reached with the compiler at hand.
//!
//! On x86, x86_64, arm, aarch64, riscv32 and riscv64, `asm!` has been stable since Rust 1.59,
//! before the crate's MSRV: there is nothing to decide, and this script starts no process and
//! reads nothing but `CARGO_CFG_TARGET_ARCH`. On an architecture the crate does not support it
//! does nothing either: `src/lib.rs` stops with a `compile_error!` that names the supported ones.
//!
//! On the others, `asm!` is stable from some Rust release on, or still behind the unstable
//! `asm_experimental_arch`. The script asks the compiler that will build the crate (`RUSTC`,
//! through `RUSTC_WRAPPER` when set, with `CARGO_ENCODED_RUSTFLAGS`, for `TARGET`), by having it
//! check a one-line `global_asm!`, as metadata only:
//!
//! 1. in a `#![no_std]` crate, as a stable user's build would: if it is accepted, `asm!` needs
//!    nothing on this compiler;
//! 2. else in a `#![no_core]` crate, which needs no `core` for the target (there is none in the
//!    sysroot when `core` itself is built with `-Zbuild-std`, or inside std's own build) but a
//!    compiler that takes `#![feature]`: without `asm_experimental_arch`, then with it. Accepted
//!    with it only, the script emits `cfg(munmap_asm_experimental_arch)`, which turns the feature
//!    on in `src/lib.rs`.
//!
//! If none is accepted, the build stops with one message: the architecture, the compiler's own
//! error, and what builds it (a nightly Rust, or the first stable release with `asm!` there).
//! `--cfg munmap_force_asm_probe` in `RUSTFLAGS` makes the script probe on the first six too,
//! so that the probe can be tested where a compiler needs no feature (`ci/stable-refusal.sh`).

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;
use std::process::{self, Command, Stdio};

/// The architectures `src/lib.rs` supports, each with the minor version of the first stable
/// Rust 1.x whose `asm!` covers it, or `None` where only a nightly has it.
const ASM_STABLE_SINCE: &[(&str, Option<u32>)] = &[
    ("x86", Some(59)),
    ("x86_64", Some(59)),
    ("arm", Some(59)),
    ("aarch64", Some(59)),
    ("riscv32", Some(59)),
    ("riscv64", Some(59)),
    // rust-lang/rust#111235.
    ("loongarch64", Some(72)),
    // rust-lang/rust#131258.
    ("s390x", Some(84)),
    // rust-lang/rust#147996.
    ("powerpc", Some(95)),
    ("powerpc64", Some(95)),
    ("mips", None),
    ("mips32r6", None),
    ("mips64", None),
    ("mips64r6", None),
    ("sparc", None),
    ("sparc64", None),
    ("m68k", None),
    ("hexagon", None),
    ("csky", None),
];

/// The first stable release that builds the crate (its MSRV, 1.60): `asm!` stable before it
/// needs no question asked.
const MSRV_MINOR: u32 = 60;

const WITH_CORE: &str = "#![no_std]\ncore::arch::global_asm!(\"\");\n";
const NO_CORE: &str = "#![feature(no_core, rustc_attrs, decl_macro)]\n#![no_core]\n\
    #[rustc_builtin_macro]\nmacro global_asm($($t:tt)*) {}\nglobal_asm!(\"\");\n";

fn main() {
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let forced = env::var_os("CARGO_CFG_MUNMAP_FORCE_ASM_PROBE").is_some();
    let known = ASM_STABLE_SINCE.iter().find(|(name, _)| *name == arch);
    let probe = match known {
        Some(&(_, Some(minor))) => minor >= MSRV_MINOR || forced,
        Some(&(_, None)) => true,
        None => false,
    };
    let feature = probe && needs_feature(&arch, known.and_then(|&(_, since)| since));

    println!("cargo:rerun-if-changed=build.rs");
    if probe {
        for var in [
            "RUSTC",
            "RUSTC_WRAPPER",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC_BOOTSTRAP",
        ] {
            println!("cargo:rerun-if-env-changed={var}");
        }
    }
    // The single-colon form: cargo 1.80 and later read it, older ones (the MSRV's) ignore it.
    println!("cargo:rustc-check-cfg=cfg(munmap_asm_experimental_arch)");
    println!("cargo:rustc-check-cfg=cfg(munmap_force_asm_probe)");
    if feature {
        println!("cargo:rustc-cfg=munmap_asm_experimental_arch");
    }
}

/// Asks the compiler whether `asm!` on `arch` needs `asm_experimental_arch`; where it is not
/// reached either way, stops the build with the message. `since` is the minor version of the
/// first stable Rust with `asm!` on `arch`.
fn needs_feature(arch: &str, since: Option<u32>) -> bool {
    let said = match check(WITH_CORE) {
        Ok(()) => return false,
        Err(said) => said,
    };
    if check(NO_CORE).is_ok() {
        return false;
    }
    if check(&format!("#![feature(asm_experimental_arch)]\n{NO_CORE}")).is_ok() {
        return true;
    }
    let builds_it = match since {
        Some(minor) => format!("Rust 1.{minor} or later, or a nightly Rust"),
        None => "a nightly Rust, for which it turns on asm_experimental_arch".to_string(),
    };
    eprintln!(
        "munmap: cannot use asm! on {arch} with this compiler, which says: {said}\n\
         munmap builds on {arch} with {builds_it} (rust-lang/rust#93335)"
    );
    process::exit(1);
}

/// Has the compiler that builds the crate check `source` for the target as metadata, with
/// every lint capped, and returns its first error line if it refuses.
fn check(source: &str) -> Result<(), String> {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let file = out.join("asm_probe.rs");
    fs::write(&file, source).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let mut command = match env::var_os("RUSTC_WRAPPER").filter(|w| !w.is_empty()) {
        Some(wrapper) => {
            let mut command = Command::new(wrapper);
            command.arg(&rustc);
            command
        }
        None => Command::new(&rustc),
    };
    command
        .args([
            "--crate-type=lib",
            "--emit=metadata",
            "--cap-lints=allow",
            "--target",
        ])
        .arg(env::var_os("TARGET").unwrap_or_default())
        .arg("-o")
        .arg(out.join("asm_probe.rmeta"));
    if let Ok(flags) = env::var("CARGO_ENCODED_RUSTFLAGS") {
        command.args(flags.split('\x1f').filter(|flag| !flag.is_empty()));
    }
    let output = command
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", rustc.to_string_lossy()))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().find(|line| line.starts_with("error"));
    Err(first.unwrap_or("no error message").to_string())
}
