//! munmap's system-call number on each supported architecture.
//!
//! These are plain constants, usable on any host: a seccomp filter, a tracer or a code generator
//! for one architecture can be built on another. [`MUNMAP`] is the number for the target being
//! compiled. Values are `__NR_munmap` from the kernel's uapi headers; `tests/nr_headers.rs`
//! checks them against the headers Debian ships.

/// x86 (i386): `arch/x86/entry/syscalls/syscall_32.tbl`.
pub const X86: u32 = 91;
/// x86_64: `arch/x86/entry/syscalls/syscall_64.tbl`.
pub const X86_64: u32 = 11;
/// aarch64: `include/uapi/asm-generic/unistd.h`.
pub const AARCH64: u32 = 215;
/// arm (EABI): `arch/arm/tools/syscall.tbl`.
pub const ARM: u32 = 91;
/// riscv32: `include/uapi/asm-generic/unistd.h`.
pub const RISCV32: u32 = 215;
/// riscv64: `include/uapi/asm-generic/unistd.h`.
pub const RISCV64: u32 = 215;
/// loongarch64: `include/uapi/asm-generic/unistd.h`.
pub const LOONGARCH64: u32 = 215;
/// powerpc64, either endianness: `arch/powerpc/kernel/syscalls/syscall.tbl`.
pub const POWERPC64: u32 = 91;
/// s390x: `arch/s390/kernel/syscalls/syscall.tbl`.
pub const S390X: u32 = 91;

/// munmap's number on the target being compiled.
pub const MUNMAP: u32 = TARGET;

cfg_if::cfg_if! {
    if #[cfg(target_arch = "x86")] {
        const TARGET: u32 = X86;
    } else if #[cfg(target_arch = "x86_64")] {
        const TARGET: u32 = X86_64;
    } else if #[cfg(target_arch = "aarch64")] {
        const TARGET: u32 = AARCH64;
    } else if #[cfg(target_arch = "arm")] {
        const TARGET: u32 = ARM;
    } else if #[cfg(target_arch = "riscv32")] {
        const TARGET: u32 = RISCV32;
    } else if #[cfg(target_arch = "riscv64")] {
        const TARGET: u32 = RISCV64;
    } else if #[cfg(target_arch = "loongarch64")] {
        const TARGET: u32 = LOONGARCH64;
    } else if #[cfg(target_arch = "powerpc64")] {
        const TARGET: u32 = POWERPC64;
    } else if #[cfg(target_arch = "s390x")] {
        const TARGET: u32 = S390X;
    }
}
