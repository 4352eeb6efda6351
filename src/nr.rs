//! munmap's system-call number on each supported architecture.
//!
//! These are plain constants, usable on any host: a seccomp filter, a tracer or a code generator
//! for one architecture can be built on another. [`MUNMAP`] is the number for the target being
//! compiled. Values are `__NR_munmap` from the kernel's uapi headers.

/// x86 (i386): `__NR_munmap` in `arch/x86/entry/syscalls/syscall_32.tbl`.
pub const X86: u32 = 91;
/// x86_64: `__NR_munmap` in `arch/x86/entry/syscalls/syscall_64.tbl`.
pub const X86_64: u32 = 11;
/// aarch64: `__NR_munmap` in `include/uapi/asm-generic/unistd.h`.
pub const AARCH64: u32 = 215;

/// munmap's number on the target being compiled.
#[cfg(target_arch = "x86")]
pub const MUNMAP: u32 = X86;
/// munmap's number on the target being compiled.
#[cfg(target_arch = "x86_64")]
pub const MUNMAP: u32 = X86_64;
/// munmap's number on the target being compiled.
#[cfg(target_arch = "aarch64")]
pub const MUNMAP: u32 = AARCH64;
