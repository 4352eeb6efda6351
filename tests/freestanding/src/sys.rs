//! The little this program needs besides munmap: `_start`, mmap, write and exit_group, as raw
//! system calls. (The munmap crate itself provides only munmap.)

use core::arch::{asm, global_asm};
use core::ffi::c_void;

/// `memset`, which the compiler may call to fill a buffer; there is no libc to provide it. A
/// loop of volatile writes, so that it is not itself turned back into a call to `memset`.
///
/// # Safety
/// `dest` is valid for `n` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn memset(dest: *mut c_void, byte: i32, n: usize) -> *mut c_void {
    let bytes = dest.cast::<u8>();
    for i in 0..n {
        // SAFETY: within the `n` bytes the caller vouches for.
        unsafe { bytes.add(i).write_volatile(byte as u8) };
    }
    dest
}

/// `bcmp`, which the compiler calls to compare arrays: 0 when the `n` bytes are equal. Volatile
/// reads, so that it is not itself turned back into a call to `bcmp`.
///
/// # Safety
/// `a` and `b` are valid for `n` bytes of reads.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const c_void, b: *const c_void, n: usize) -> i32 {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    for i in 0..n {
        // SAFETY: within the `n` bytes the caller vouches for.
        if unsafe { a.add(i).read_volatile() != b.add(i).read_volatile() } {
            return 1;
        }
    }
    0
}

/// `memcmp`, which the compiler calls instead of `bcmp` on some targets (mips64): the first
/// difference's sign, or 0.
///
/// # Safety
/// `a` and `b` are valid for `n` bytes of reads.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> i32 {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    for i in 0..n {
        // SAFETY: within the `n` bytes the caller vouches for.
        let (x, y) = unsafe { (a.add(i).read_volatile(), b.add(i).read_volatile()) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

/// `memcpy`, likewise.
///
/// # Safety
/// `src` and `dest` are valid for `n` bytes and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn memcpy(dest: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    let (to, from) = (dest.cast::<u8>(), src.cast::<u8>());
    for i in 0..n {
        // SAFETY: within the `n` bytes the caller vouches for.
        unsafe { to.add(i).write_volatile(from.add(i).read()) };
    }
    dest
}

/// Maps `len` bytes of private anonymous read-write memory; `None` on failure.
pub fn mmap_anonymous(len: usize) -> Option<usize> {
    const PROT_READ_WRITE: usize = 0x1 | 0x2;
    // MAP_ANONYMOUS is 0x800 on mips (arch/mips/include/uapi/asm/mman.h), else 0x20.
    const MAP_PRIVATE_ANONYMOUS: usize = if cfg!(any(
        target_arch = "mips",
        target_arch = "mips32r6",
        target_arch = "mips64",
        target_arch = "mips64r6"
    )) {
        0x02 | 0x800
    } else {
        0x02 | 0x20
    };
    // SAFETY: a fresh anonymous mapping at an address the kernel chooses aliases nothing.
    let ret = unsafe { mmap(len, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS) };
    // Errors are -4095..=-1.
    if ret > usize::MAX - 4095 {
        None
    } else {
        Some(ret)
    }
}

#[cfg(target_arch = "x86_64")]
global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, rsp",
    "and rsp, -16",
    "call start_rust",
    "ud2",
);

#[cfg(target_arch = "x86_64")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (9) with addr 0, fd -1, offset 0.
    unsafe {
        asm!("syscall", inlateout("rax") 9usize => ret, in("rdi") 0usize, in("rsi") len,
             in("rdx") prot, in("r10") flags, in("r8") usize::MAX, in("r9") 0usize,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ret
}

#[cfg(target_arch = "x86_64")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (1) reads `bytes` only.
    unsafe {
        asm!("syscall", inlateout("rax") 1usize => _, in("rdi") fd, in("rsi") bytes.as_ptr(),
             in("rdx") bytes.len(), lateout("rcx") _, lateout("r11") _, options(nostack));
    }
}

#[cfg(target_arch = "x86_64")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (231) ends the process.
    unsafe { asm!("syscall", in("rax") 231usize, in("edi") status, options(noreturn, nostack)) }
}

#[cfg(target_arch = "x86")]
global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "mov eax, esp",
    "and esp, -16",
    "sub esp, 12",
    "push eax",
    "call start_rust",
    "ud2",
);

#[cfg(target_arch = "x86")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    // The old i386 mmap (90) takes its six arguments in memory, pointed to by ebx.
    let args: [usize; 6] = [0, len, prot, flags, usize::MAX, 0];
    let ret;
    // SAFETY: the kernel reads `args`; ebx is swapped back after the trap.
    unsafe {
        asm!("xchg {args}, ebx", "int 0x80", "xchg {args}, ebx",
             args = inout(reg) args.as_ptr() => _, inlateout("eax") 90usize => ret,
             options(nostack));
    }
    ret
}

#[cfg(target_arch = "x86")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only; ebx is swapped back after the trap.
    unsafe {
        asm!("xchg {fd}, ebx", "int 0x80", "xchg {fd}, ebx", fd = inout(reg) fd => _,
             inlateout("eax") 4usize => _, in("ecx") bytes.as_ptr(), in("edx") bytes.len(),
             options(nostack));
    }
}

#[cfg(target_arch = "x86")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (252) ends the process.
    unsafe {
        asm!("mov ebx, {status}", "int 0x80", status = in(reg) status, in("eax") 252usize,
             options(noreturn, nostack))
    }
}

#[cfg(target_arch = "aarch64")]
global_asm!(
    ".globl _start",
    "_start:",
    "mov x29, #0",
    "mov x30, #0",
    "mov x0, sp",
    "bl start_rust",
    "brk #0",
);

#[cfg(target_arch = "aarch64")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (222) with addr 0, fd -1, offset 0.
    unsafe {
        asm!("svc #0", in("x8") 222usize, inlateout("x0") 0usize => ret, in("x1") len,
             in("x2") prot, in("x3") flags, in("x4") usize::MAX, in("x5") 0usize,
             options(nostack));
    }
    ret
}

#[cfg(target_arch = "aarch64")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (64) reads `bytes` only.
    unsafe {
        asm!("svc #0", in("x8") 64usize, inlateout("x0") fd => _, in("x1") bytes.as_ptr(),
             in("x2") bytes.len(), options(nostack));
    }
}

#[cfg(target_arch = "aarch64")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (94) ends the process.
    unsafe { asm!("svc #0", in("x8") 94usize, in("w0") status, options(noreturn, nostack)) }
}

// In ARM state, whether the rest of the program is ARM or Thumb code: `bl` to a Thumb
// `start_rust` becomes `blx` at link time.
#[cfg(target_arch = "arm")]
global_asm!(
    ".pushsection .text._start, \"ax\", %progbits",
    ".arm",
    ".globl _start",
    ".type _start, %function",
    "_start:",
    "mov fp, #0",
    "mov lr, #0",
    "mov r0, sp",
    "bic sp, sp, #15",
    "bl start_rust",
    "udf #0",
    ".popsection",
);

// r7, the number register, is the frame pointer in Thumb mode and cannot be an operand: each call
// swaps the number into it and back, as the munmap crate does.
#[cfg(target_arch = "arm")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap2 (192) with addr 0, fd -1, offset 0 pages; r7 is restored.
    unsafe {
        asm!("mov {saved}, r7", "mov r7, {nr}", "svc 0", "mov r7, {saved}",
             nr = in(reg) 192usize, saved = out(reg) _, inlateout("r0") 0usize => ret,
             in("r1") len, in("r2") prot, in("r3") flags, in("r4") usize::MAX, in("r5") 0usize,
             options(nostack));
    }
    ret
}

#[cfg(target_arch = "arm")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only; r7 is restored.
    unsafe {
        asm!("mov {saved}, r7", "mov r7, {nr}", "svc 0", "mov r7, {saved}",
             nr = in(reg) 4usize, saved = out(reg) _, inlateout("r0") fd => _,
             in("r1") bytes.as_ptr(), in("r2") bytes.len(), options(nostack));
    }
}

#[cfg(target_arch = "arm")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (248) ends the process; r7 need not be restored.
    unsafe {
        asm!("mov r7, {nr}", "svc 0", nr = in(reg) 248usize, in("r0") status,
             options(noreturn, nostack))
    }
}

#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
global_asm!(
    ".globl _start",
    "_start:",
    ".option push",
    ".option norelax",
    "lla gp, __global_pointer$",
    ".option pop",
    "mv a0, sp",
    "andi sp, sp, -16",
    "call start_rust",
    "unimp",
);

#[cfg(any(
    target_arch = "riscv32",
    target_arch = "riscv64",
    target_arch = "loongarch64"
))]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (222; mmap2 with a page offset on 32-bit) with addr 0, fd -1, offset 0.
    #[cfg(not(target_arch = "loongarch64"))]
    unsafe {
        asm!("ecall", in("a7") 222usize, inlateout("a0") 0usize => ret, in("a1") len,
             in("a2") prot, in("a3") flags, in("a4") usize::MAX, in("a5") 0usize,
             options(nostack));
    }
    // SAFETY: as above; the kernel may use $t0-$t8.
    #[cfg(target_arch = "loongarch64")]
    unsafe {
        asm!("syscall 0", in("$a7") 222usize, inlateout("$a0") 0usize => ret, in("$a1") len,
             in("$a2") prot, in("$a3") flags, in("$a4") usize::MAX, in("$a5") 0usize,
             out("$t0") _, out("$t1") _, out("$t2") _, out("$t3") _, out("$t4") _,
             out("$t5") _, out("$t6") _, out("$t7") _, out("$t8") _, options(nostack));
    }
    ret
}

#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (64) reads `bytes` only.
    unsafe {
        asm!("ecall", in("a7") 64usize, inlateout("a0") fd => _, in("a1") bytes.as_ptr(),
             in("a2") bytes.len(), options(nostack));
    }
}

#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (94) ends the process.
    unsafe { asm!("ecall", in("a7") 94usize, in("a0") status, options(noreturn, nostack)) }
}

#[cfg(target_arch = "loongarch64")]
global_asm!(
    ".globl _start",
    "_start:",
    "move $fp, $zero",
    "move $a0, $sp",
    "bstrins.d $sp, $zero, 3, 0",
    "bl start_rust",
    "break 0",
);

#[cfg(target_arch = "loongarch64")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (64) reads `bytes` only; the kernel may use $t0-$t8.
    unsafe {
        asm!("syscall 0", in("$a7") 64usize, inlateout("$a0") fd => _, in("$a1") bytes.as_ptr(),
             in("$a2") bytes.len(), out("$t0") _, out("$t1") _, out("$t2") _, out("$t3") _,
             out("$t4") _, out("$t5") _, out("$t6") _, out("$t7") _, out("$t8") _,
             options(nostack));
    }
}

#[cfg(target_arch = "loongarch64")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (94) ends the process.
    unsafe { asm!("syscall 0", in("$a7") 94usize, in("$a0") status, options(noreturn, nostack)) }
}

// ELFv1 (big-endian powerpc64 with glibc): the entry point is a function descriptor in .opd,
// from which the kernel takes the code's address and the TOC pointer. GNU ld links this target
// (.cargo/config.toml): rust-lld cannot link ELFv1 code, whose calls it leaves pointing into
// .opd, and marks the executable ELFv2.
#[cfg(all(target_arch = "powerpc64", target_abi = "elfv1"))]
global_asm!(
    ".pushsection .opd, \"aw\"",
    ".p2align 3",
    ".globl _start",
    "_start:",
    ".quad .L._start, .TOC.@tocbase, 0",
    ".popsection",
    ".pushsection .text._start, \"ax\"",
    ".L._start:",
    "mr 3, 1",
    "clrrdi 1, 1, 4",
    "li 0, 0",
    "stdu 0, -128(1)",
    "bl start_rust",
    "nop",
    "trap",
    ".popsection",
);

#[cfg(target_arch = "powerpc")]
global_asm!(
    ".globl _start",
    "_start:",
    "mr 3, 1",
    "clrrwi 1, 1, 4",
    "li 0, 0",
    "stwu 0, -16(1)",
    "bl start_rust",
    "trap",
);

#[cfg(all(target_arch = "powerpc64", target_abi = "elfv2"))]
global_asm!(
    ".globl _start",
    "_start:",
    // The TOC pointer, absolute: the program is static and not position-independent.
    "lis 2, .TOC.@highest",
    "ori 2, 2, .TOC.@higher",
    "rldicr 2, 2, 32, 31",
    "oris 2, 2, .TOC.@high",
    "ori 2, 2, .TOC.@l",
    "mr 3, 1",
    "clrrdi 1, 1, 4",
    "li 0, 0",
    "stdu 0, -32(1)",
    "bl start_rust",
    "trap",
);

#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (90) with addr 0, fd -1, offset 0; a failure (cr0.SO) comes back as -errno.
    unsafe {
        asm!("sc", "bns 1f", "neg 3, 3", "1:", inlateout("r0") 90usize => _,
             inlateout("r3") 0usize => ret, inlateout("r4") len => _, inlateout("r5") prot => _,
             inlateout("r6") flags => _, inlateout("r7") usize::MAX => _,
             inlateout("r8") 0usize => _, clobber_abi("C"), options(nostack));
    }
    ret
}

#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only.
    unsafe {
        asm!("sc", inlateout("r0") 4usize => _, inlateout("r3") fd => _,
             inlateout("r4") bytes.as_ptr() => _, inlateout("r5") bytes.len() => _,
             clobber_abi("C"), options(nostack));
    }
}

#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (234) ends the process.
    unsafe { asm!("sc", in("r0") 234usize, in("r3") status as isize, options(noreturn, nostack)) }
}

#[cfg(target_arch = "s390x")]
global_asm!(
    ".globl _start",
    "_start:",
    "lgr %r2, %r15",
    "aghi %r15, -160",
    "nill %r15, 0xfff0",
    "xc 0(8, %r15), 0(%r15)",
    "brasl %r14, start_rust",
    "j .",
);

#[cfg(target_arch = "s390x")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    // s390x's mmap (90) takes its six arguments in memory, pointed to by r2.
    let args: [usize; 6] = [0, len, prot, flags, usize::MAX, 0];
    let ret;
    // SAFETY: the kernel reads `args`.
    unsafe {
        asm!("svc 0", in("r1") 90usize, inlateout("r2") args.as_ptr() => ret, options(nostack));
    }
    ret
}

#[cfg(target_arch = "s390x")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only.
    unsafe {
        asm!("svc 0", in("r1") 4usize, inlateout("r2") fd => _, in("r3") bytes.as_ptr(),
             in("r4") bytes.len(), options(nostack));
    }
}

#[cfg(target_arch = "s390x")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (248) ends the process.
    unsafe {
        asm!("svc 0", in("r1") 248usize, in("r2") status as isize, options(noreturn, nostack))
    }
}

// mips, o32 and n64. The entry point sets up a C stack: aligned, with o32's 16-byte argument
// area, and `$25` holding the callee's address, as position-independent code expects. Its name
// is MIPS's: `__start`, where the linker looks for the entry. A
// failed call sets `$7` (a3) and returns the positive errno in `$2`; mmap negates it. The
// kernel clobbers `$1`, which LLVM may allocate but `asm!` cannot name: each call keeps it in
// `$16` (callee-saved, so LLVM saves it in turn).
#[cfg(any(target_arch = "mips", target_arch = "mips32r6"))]
global_asm!(
    ".globl __start",
    "__start:",
    "move $4, $sp",
    "li $8, -16",
    "and $sp, $sp, $8",
    "addiu $sp, $sp, -16",
    "lui $25, %hi(start_rust)",
    "addiu $25, $25, %lo(start_rust)",
    "jalr $25",
    "break",
);

#[cfg(any(target_arch = "mips64", target_arch = "mips64r6"))]
global_asm!(
    ".globl __start",
    "__start:",
    "move $4, $sp",
    "daddiu $8, $zero, -16",
    "and $sp, $sp, $8",
    "lui $25, %highest(start_rust)",
    "daddiu $25, $25, %higher(start_rust)",
    "dsll $25, $25, 16",
    "daddiu $25, $25, %hi(start_rust)",
    "dsll $25, $25, 16",
    "daddiu $25, $25, %lo(start_rust)",
    "jalr $25",
    "break",
);

#[cfg(any(target_arch = "mips", target_arch = "mips32r6"))]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (4090) with addr 0, and its fifth and sixth arguments, fd -1 and offset 0,
    // in the o32 argument area of a stack frame of its own, which it removes again.
    unsafe {
        asm!(".set noat", "move $16, $1", "addiu $sp, $sp, -32", "sw {fd}, 16($sp)",
             "sw $0, 20($sp)", "syscall", "addiu $sp, $sp, 32", "move $1, $16", ".set at",
             "beqz $7, 2f", "subu $2, $0, $2", "2:", out("$16") _,
             fd = in(reg) usize::MAX, inlateout("$2") 4090usize => ret, in("$4") 0usize,
             in("$5") len, in("$6") prot, inlateout("$7") flags => _, lateout("$3") _,
             lateout("$8") _, lateout("$9") _, lateout("$10") _, lateout("$11") _,
             lateout("$12") _, lateout("$13") _, lateout("$14") _, lateout("$15") _,
             lateout("$24") _, lateout("$25") _);
    }
    ret
}

#[cfg(any(target_arch = "mips64", target_arch = "mips64r6"))]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (5009) with addr 0, fd -1, offset 0.
    unsafe {
        asm!(".set noat", "move $16, $1", "syscall", "move $1, $16", ".set at", "beqz $7, 2f",
             "dsubu $2, $0, $2", "2:", out("$16") _,
             inlateout("$2") 5009usize => ret, in("$4") 0usize, in("$5") len, in("$6") prot,
             inlateout("$7") flags => _, in("$8") usize::MAX, in("$9") 0usize, lateout("$3") _,
             lateout("$10") _, lateout("$11") _, lateout("$12") _, lateout("$13") _,
             lateout("$14") _, lateout("$15") _, lateout("$24") _, lateout("$25") _,
             options(nostack));
    }
    ret
}

#[cfg(any(
    target_arch = "mips",
    target_arch = "mips32r6",
    target_arch = "mips64",
    target_arch = "mips64r6"
))]
pub fn write(fd: usize, bytes: &[u8]) {
    let nr = if cfg!(any(target_arch = "mips", target_arch = "mips32r6")) {
        4004
    } else {
        5001
    };
    // SAFETY: write reads `bytes` only.
    unsafe {
        asm!(".set noat", "move $16, $1", "syscall", "move $1, $16", ".set at", out("$16") _,
             inlateout("$2") nr => _, in("$4") fd, in("$5") bytes.as_ptr(),
             in("$6") bytes.len(), lateout("$7") _, lateout("$3") _, lateout("$8") _,
             lateout("$9") _, lateout("$10") _, lateout("$11") _, lateout("$12") _,
             lateout("$13") _, lateout("$14") _, lateout("$15") _, lateout("$24") _,
             lateout("$25") _, options(nostack));
    }
}

#[cfg(any(
    target_arch = "mips",
    target_arch = "mips32r6",
    target_arch = "mips64",
    target_arch = "mips64r6"
))]
pub fn exit_group(status: i32) -> ! {
    let nr = if cfg!(any(target_arch = "mips", target_arch = "mips32r6")) {
        4246
    } else {
        5205
    };
    // SAFETY: exit_group ends the process.
    unsafe { asm!("syscall", in("$2") nr, in("$4") status, options(noreturn, nostack)) }
}

// sparc64 and sparc (32-bit, V8+). The kernel leaves argc above the register-window save area
// (16 words) and, on sparc64, the stack bias (2047). A failed call sets the carry and returns
// the positive errno in %o0; mmap negates it.
#[cfg(target_arch = "sparc64")]
global_asm!(
    ".globl _start",
    "_start:",
    "mov %g0, %fp",
    "add %sp, 2047 + 128, %o0",
    "call start_rust",
    "nop",
    "unimp 0",
);

#[cfg(target_arch = "sparc")]
global_asm!(
    ".globl _start",
    "_start:",
    "mov %g0, %fp",
    "add %sp, 64, %o0",
    "call start_rust",
    "nop",
    "unimp 0",
);

#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap (71) with addr 0, fd -1, offset 0.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!("mov 71, %g1", "t 0x6d", "sub %g0, %o0, {negated}", "movcs %xcc, {negated}, %o0",
             negated = out(reg) _, inlateout("o0") 0usize => ret, in("o1") len, in("o2") prot,
             in("o3") flags, in("o4") usize::MAX, in("o5") 0usize, options(nostack));
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!("mov 71, %g1", "t 0x10", "sub %g0, %o0, {negated}", "movcs %icc, {negated}, %o0",
             negated = out(reg) _, inlateout("o0") 0usize => ret, in("o1") len, in("o2") prot,
             in("o3") flags, in("o4") usize::MAX, in("o5") 0usize, options(nostack));
    }
    ret
}

#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!("mov 4, %g1", "t 0x6d", inlateout("o0") fd => _, in("o1") bytes.as_ptr(),
             in("o2") bytes.len(), options(nostack));
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!("mov 4, %g1", "t 0x10", inlateout("o0") fd => _, in("o1") bytes.as_ptr(),
             in("o2") bytes.len(), options(nostack));
    }
}

#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (188) ends the process.
    #[cfg(target_arch = "sparc64")]
    unsafe {
        asm!("mov 188, %g1", "t 0x6d", in("o0") status as isize, options(noreturn, nostack))
    }
    #[cfg(target_arch = "sparc")]
    unsafe {
        asm!("mov 188, %g1", "t 0x10", in("o0") status, options(noreturn, nostack))
    }
}

// m68k: arguments on the stack, in the C calling convention.
#[cfg(target_arch = "m68k")]
global_asm!(
    ".globl _start",
    "_start:",
    "move.l %sp, %d0",
    "move.l %d0, -(%sp)",
    "jsr start_rust",
    "illegal",
);

/// `abort`, which LLVM's m68k back end calls where others emit a trap instruction (a panic,
/// `unreachable`); there is no libc to provide it. Exits with 134, as SIGABRT would report.
#[cfg(target_arch = "m68k")]
#[no_mangle]
pub extern "C" fn abort() -> ! {
    exit_group(134)
}

#[cfg(target_arch = "m68k")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap2 (192) with addr 0, fd -1, offset 0 pages.
    unsafe {
        asm!("trap #0", inlateout("d0") 192usize => ret, in("d1") 0usize, in("d2") len,
             in("d3") prot, in("d4") flags, in("d5") usize::MAX, in("a0") 0usize,
             options(nostack));
    }
    ret
}

#[cfg(target_arch = "m68k")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (4) reads `bytes` only.
    unsafe {
        asm!("trap #0", inlateout("d0") 4usize => _, in("d1") fd, in("d2") bytes.as_ptr(),
             in("d3") bytes.len(), options(nostack));
    }
}

#[cfg(target_arch = "m68k")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (247) ends the process.
    unsafe { asm!("trap #0", in("d0") 247usize, in("d1") status, options(noreturn, nostack)) }
}

#[cfg(target_arch = "hexagon")]
global_asm!(
    ".globl _start",
    "_start:",
    "{{ r0 = r29 }}",
    "{{ r29 = and(r29, #-8) }}",
    "{{ call start_rust }}",
    "{{ trap0(#0xdb) }}",
);

#[cfg(target_arch = "hexagon")]
unsafe fn mmap(len: usize, prot: usize, flags: usize) -> usize {
    let ret;
    // SAFETY: mmap2 (222) with addr 0, fd -1, offset 0 pages.
    unsafe {
        asm!("trap0(#1)", in("r6") 222usize, inlateout("r0") 0usize => ret, in("r1") len,
             in("r2") prot, in("r3") flags, in("r4") usize::MAX, in("r5") 0usize,
             options(nostack));
    }
    ret
}

#[cfg(target_arch = "hexagon")]
pub fn write(fd: usize, bytes: &[u8]) {
    // SAFETY: write (64) reads `bytes` only.
    unsafe {
        asm!("trap0(#1)", in("r6") 64usize, inlateout("r0") fd => _, in("r1") bytes.as_ptr(),
             in("r2") bytes.len(), options(nostack));
    }
}

#[cfg(target_arch = "hexagon")]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group (94) ends the process.
    unsafe { asm!("trap0(#1)", in("r6") 94usize, in("r0") status, options(noreturn, nostack)) }
}
