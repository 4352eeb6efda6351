//! munmap's system-call number on each supported architecture.
//!
//! These are plain constants, usable on any host: a seccomp filter, a tracer or a code generator
//! for one architecture can be built on another. [`MUNMAP`] is the number for the target being
//! compiled, as its file in arch/ (the one the target chooses) gives it. Values are
//! `__NR_munmap` from the kernel's uapi headers; `tests/nr_headers.rs` checks them against the
//! headers Debian ships.

/// x86 (i386): `arch/x86/entry/syscalls/syscall_32.tbl`.
pub const X86: u32 = 91;
/// x86_64: `arch/x86/entry/syscalls/syscall_64.tbl`.
pub const X86_64: u32 = 11;
/// x32 (x86_64 with 32-bit pointers): x86_64's number with `__X32_SYSCALL_BIT` (0x40000000),
/// `arch/x86/entry/syscalls/syscall_64.tbl` (a "common" entry) and
/// `arch/x86/include/uapi/asm/unistd.h`.
pub const X32: u32 = 0x4000_0000 | X86_64;
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
/// powerpc (32-bit): `arch/powerpc/kernel/syscalls/syscall.tbl`.
pub const POWERPC: u32 = 91;
/// powerpc64, either endianness: `arch/powerpc/kernel/syscalls/syscall.tbl`.
pub const POWERPC64: u32 = 91;
/// s390x: `arch/s390/kernel/syscalls/syscall.tbl`.
pub const S390X: u32 = 91;
/// mips and mipsel, o32 ABI: 91 after the ABI's base, 4000
/// (`arch/mips/kernel/syscalls/syscall_o32.tbl`, `arch/mips/include/uapi/asm/unistd.h`).
pub const MIPS_O32: u32 = 4000 + 91;
/// mips64 and mips64el, n64 ABI: 11 after the ABI's base, 5000
/// (`arch/mips/kernel/syscalls/syscall_n64.tbl`, `arch/mips/include/uapi/asm/unistd.h`).
pub const MIPS_N64: u32 = 5000 + 11;
/// sparc and sparc64: `arch/sparc/kernel/syscalls/syscall.tbl`.
pub const SPARC: u32 = 73;
/// m68k: `arch/m68k/kernel/syscalls/syscall.tbl`.
pub const M68K: u32 = 91;
/// hexagon: `include/uapi/asm-generic/unistd.h`.
pub const HEXAGON: u32 = 215;
/// csky: `include/uapi/asm-generic/unistd.h`.
pub const CSKY: u32 = 215;

/// munmap's number on the target being compiled: its architecture file's (`arch/`).
pub const MUNMAP: u32 = crate::arch::SYSCALL.nr;
