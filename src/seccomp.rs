//! What a seccomp filter matches to recognise munmap: the audit architecture and the number.
//!
//! A seccomp BPF program sees `struct seccomp_data { int nr; __u32 arch; ... }`, with `nr` at
//! offset 0 and `arch` at offset 4. A rule about munmap must check both: the same number names
//! different calls on different ABIs (11 is munmap on x86_64 but execve on i386), and a 64-bit
//! process can still enter the kernel through the 32-bit `int 0x80` ABI.
//!
//! [`MUNMAP`] is the pair for the target being compiled; the others ([`X86`], [`X86_64`],
//! [`AARCH64`], ... and [`ALL`]) are usable on any host, for a supervisor that filters
//! processes of several architectures.
//!
//! - libseccomp: `seccomp_rule_add(ctx, action, SCMP_SYS(munmap), 0)` resolves the number per
//!   architecture itself; `seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "munmap")` gives
//!   `X86_64.nr`. Its `SCMP_ARCH_*` tokens are these `AUDIT_ARCH_*` values but one:
//!   `SCMP_ARCH_X32` (0x4000003e) is a token of libseccomp's own, and the filter it builds for
//!   x32 matches `AUDIT_ARCH_X86_64`, which is what [`X32`]`.arch` holds. `tests/libseccomp`
//!   checks every pair libseccomp 2.5.4 knows (all but riscv32, loongarch64, sparc, sparc64,
//!   m68k, hexagon and csky) against its resolver and the filters it exports.
//! - seccompiler: the rule map is keyed by the number (`MUNMAP.nr as i64`) and the filter is
//!   built for one `TargetArch`, which it turns into the same audit value.
//! - a hand-written filter:
//!
//! ```
//! use munmap::seccomp::MUNMAP;
//! // (code, jt, jf, k) in struct sock_filter order.
//! const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
//! const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
//! const RET_K: u16 = 0x06; // BPF_RET | BPF_K
//! let make_munmap_fail_with_eperm = [
//!     (LD_W_ABS, 0, 0, 4),                // A = seccomp_data.arch
//!     (JEQ_K, 0, 3, MUNMAP.arch),         // another ABI: allow
//!     (LD_W_ABS, 0, 0, 0),                // A = seccomp_data.nr
//!     (JEQ_K, 0, 1, MUNMAP.nr),           // another call: allow
//!     (RET_K, 0, 0, 0x0005_0000 | 1),     // SECCOMP_RET_ERRNO | EPERM
//!     (RET_K, 0, 0, 0x7fff_0000),         // SECCOMP_RET_ALLOW
//! ];
//! # let _ = make_munmap_fail_with_eperm;
//! ```

use crate::nr;

/// The two values a seccomp filter compares to recognise one system call on one ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Syscall {
    /// `seccomp_data.arch`: an `AUDIT_ARCH_*` value from `include/uapi/linux/audit.h`.
    pub arch: u32,
    /// `seccomp_data.nr`: the system-call number on that ABI.
    pub nr: u32,
}

/// `__AUDIT_ARCH_64BIT`: the ABI is 64-bit.
const AUDIT_ARCH_64BIT: u32 = 0x8000_0000;
/// `__AUDIT_ARCH_LE`: the ABI is little-endian.
const AUDIT_ARCH_LE: u32 = 0x4000_0000;

/// `AUDIT_ARCH_I386`: `EM_386` (3), little-endian.
pub const AUDIT_ARCH_I386: u32 = 3 | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_X86_64`: `EM_X86_64` (62), 64-bit, little-endian.
pub const AUDIT_ARCH_X86_64: u32 = 62 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_AARCH64`: `EM_AARCH64` (183), 64-bit, little-endian.
pub const AUDIT_ARCH_AARCH64: u32 = 183 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_ARM`: `EM_ARM` (40), little-endian.
pub const AUDIT_ARCH_ARM: u32 = 40 | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_RISCV32`: `EM_RISCV` (243), little-endian.
pub const AUDIT_ARCH_RISCV32: u32 = 243 | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_RISCV64`: `EM_RISCV` (243), 64-bit, little-endian.
pub const AUDIT_ARCH_RISCV64: u32 = 243 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_LOONGARCH64`: `EM_LOONGARCH` (258), 64-bit, little-endian.
pub const AUDIT_ARCH_LOONGARCH64: u32 = 258 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_PPC`: `EM_PPC` (20), big-endian.
pub const AUDIT_ARCH_PPC: u32 = 20;
/// `AUDIT_ARCH_PPC64`: `EM_PPC64` (21), 64-bit, big-endian.
pub const AUDIT_ARCH_PPC64: u32 = 21 | AUDIT_ARCH_64BIT;
/// `AUDIT_ARCH_PPC64LE`: `EM_PPC64` (21), 64-bit, little-endian.
pub const AUDIT_ARCH_PPC64LE: u32 = 21 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_S390X`: `EM_S390` (22), 64-bit, big-endian.
pub const AUDIT_ARCH_S390X: u32 = 22 | AUDIT_ARCH_64BIT;
/// `AUDIT_ARCH_MIPS`: `EM_MIPS` (8), big-endian.
pub const AUDIT_ARCH_MIPS: u32 = 8;
/// `AUDIT_ARCH_MIPSEL`: `EM_MIPS` (8), little-endian.
pub const AUDIT_ARCH_MIPSEL: u32 = 8 | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_MIPS64`: `EM_MIPS` (8), 64-bit, big-endian.
pub const AUDIT_ARCH_MIPS64: u32 = 8 | AUDIT_ARCH_64BIT;
/// `AUDIT_ARCH_MIPSEL64`: `EM_MIPS` (8), 64-bit, little-endian.
pub const AUDIT_ARCH_MIPSEL64: u32 = 8 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_SPARC`: `EM_SPARC` (2), big-endian.
pub const AUDIT_ARCH_SPARC: u32 = 2;
/// `AUDIT_ARCH_SPARC64`: `EM_SPARCV9` (43), 64-bit, big-endian.
pub const AUDIT_ARCH_SPARC64: u32 = 43 | AUDIT_ARCH_64BIT;
/// `AUDIT_ARCH_M68K`: `EM_68K` (4), big-endian.
pub const AUDIT_ARCH_M68K: u32 = 4;
/// `AUDIT_ARCH_HEXAGON`: `EM_HEXAGON` (164), with no byte-order bit (Hexagon is
/// little-endian, but `include/uapi/linux/audit.h` defines it so).
pub const AUDIT_ARCH_HEXAGON: u32 = 164;
/// `AUDIT_ARCH_CSKY`: `EM_CSKY` (252), little-endian.
pub const AUDIT_ARCH_CSKY: u32 = 252 | AUDIT_ARCH_LE;

/// munmap on x86 (i386), and on x86_64 entered through `int 0x80`: `AUDIT_ARCH_I386`, 91.
pub const X86: Syscall = Syscall {
    arch: AUDIT_ARCH_I386,
    nr: nr::X86,
};
/// munmap on x86_64: `AUDIT_ARCH_X86_64`, 11.
pub const X86_64: Syscall = Syscall {
    arch: AUDIT_ARCH_X86_64,
    nr: nr::X86_64,
};
/// munmap on x32: `AUDIT_ARCH_X86_64`, as for x86_64, with x32's number, 0x4000000b.
pub const X32: Syscall = Syscall {
    arch: AUDIT_ARCH_X86_64,
    nr: nr::X32,
};
/// munmap on aarch64, either byte order: `AUDIT_ARCH_AARCH64`, 215. The kernel reports
/// `AUDIT_ARCH_AARCH64` for big-endian tasks too (`SECCOMP_ARCH_NATIVE` in
/// `arch/arm64/include/asm/seccomp.h`).
pub const AARCH64: Syscall = Syscall {
    arch: AUDIT_ARCH_AARCH64,
    nr: nr::AARCH64,
};
/// munmap on arm (EABI), either byte order: `AUDIT_ARCH_ARM`, 91. The kernel reports
/// `AUDIT_ARCH_ARM` for big-endian tasks too (`syscall_get_arch` in
/// `arch/arm/include/asm/syscall.h`, `SECCOMP_ARCH_NATIVE` in `arch/arm/include/asm/seccomp.h`).
pub const ARM: Syscall = Syscall {
    arch: AUDIT_ARCH_ARM,
    nr: nr::ARM,
};
/// munmap on riscv32: `AUDIT_ARCH_RISCV32`, 215.
pub const RISCV32: Syscall = Syscall {
    arch: AUDIT_ARCH_RISCV32,
    nr: nr::RISCV32,
};
/// munmap on riscv64: `AUDIT_ARCH_RISCV64`, 215.
pub const RISCV64: Syscall = Syscall {
    arch: AUDIT_ARCH_RISCV64,
    nr: nr::RISCV64,
};
/// munmap on loongarch64: `AUDIT_ARCH_LOONGARCH64`, 215.
pub const LOONGARCH64: Syscall = Syscall {
    arch: AUDIT_ARCH_LOONGARCH64,
    nr: nr::LOONGARCH64,
};
/// munmap on powerpc (32-bit): `AUDIT_ARCH_PPC`, 91.
pub const POWERPC: Syscall = Syscall {
    arch: AUDIT_ARCH_PPC,
    nr: nr::POWERPC,
};
/// munmap on big-endian powerpc64: `AUDIT_ARCH_PPC64`, 91.
pub const POWERPC64: Syscall = Syscall {
    arch: AUDIT_ARCH_PPC64,
    nr: nr::POWERPC64,
};
/// munmap on little-endian powerpc64: `AUDIT_ARCH_PPC64LE`, 91.
pub const POWERPC64LE: Syscall = Syscall {
    arch: AUDIT_ARCH_PPC64LE,
    nr: nr::POWERPC64,
};
/// munmap on s390x: `AUDIT_ARCH_S390X`, 91.
pub const S390X: Syscall = Syscall {
    arch: AUDIT_ARCH_S390X,
    nr: nr::S390X,
};

/// munmap on big-endian mips, o32 ABI: `AUDIT_ARCH_MIPS`, 4091.
pub const MIPS: Syscall = Syscall {
    arch: AUDIT_ARCH_MIPS,
    nr: nr::MIPS_O32,
};
/// munmap on little-endian mips, o32 ABI: `AUDIT_ARCH_MIPSEL`, 4091.
pub const MIPSEL: Syscall = Syscall {
    arch: AUDIT_ARCH_MIPSEL,
    nr: nr::MIPS_O32,
};
/// munmap on big-endian mips64, n64 ABI: `AUDIT_ARCH_MIPS64`, 5011.
pub const MIPS64: Syscall = Syscall {
    arch: AUDIT_ARCH_MIPS64,
    nr: nr::MIPS_N64,
};
/// munmap on little-endian mips64, n64 ABI: `AUDIT_ARCH_MIPSEL64`, 5011.
pub const MIPSEL64: Syscall = Syscall {
    arch: AUDIT_ARCH_MIPSEL64,
    nr: nr::MIPS_N64,
};
/// munmap on 32-bit sparc, and on sparc64 entered through the 32-bit trap (`t 0x10`):
/// `AUDIT_ARCH_SPARC`, 73.
pub const SPARC: Syscall = Syscall {
    arch: AUDIT_ARCH_SPARC,
    nr: nr::SPARC,
};
/// munmap on sparc64: `AUDIT_ARCH_SPARC64`, 73.
pub const SPARC64: Syscall = Syscall {
    arch: AUDIT_ARCH_SPARC64,
    nr: nr::SPARC,
};
/// munmap on m68k: `AUDIT_ARCH_M68K`, 91.
pub const M68K: Syscall = Syscall {
    arch: AUDIT_ARCH_M68K,
    nr: nr::M68K,
};
/// munmap on hexagon: `AUDIT_ARCH_HEXAGON`, 215.
pub const HEXAGON: Syscall = Syscall {
    arch: AUDIT_ARCH_HEXAGON,
    nr: nr::HEXAGON,
};
/// munmap on csky: `AUDIT_ARCH_CSKY`, 215.
pub const CSKY: Syscall = Syscall {
    arch: AUDIT_ARCH_CSKY,
    nr: nr::CSKY,
};

/// munmap on every supported architecture and ABI.
pub const ALL: [Syscall; 21] = [
    X86,
    X86_64,
    X32,
    AARCH64,
    ARM,
    RISCV32,
    RISCV64,
    LOONGARCH64,
    POWERPC,
    POWERPC64,
    POWERPC64LE,
    S390X,
    MIPS,
    MIPSEL,
    MIPS64,
    MIPSEL64,
    SPARC,
    SPARC64,
    M68K,
    HEXAGON,
    CSKY,
];

/// munmap as the target being compiled makes it, which is what [`crate::munmap`] traps with:
/// its architecture file's (`arch/`).
pub const MUNMAP: Syscall = crate::arch::SYSCALL;
