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
    const MAP_PRIVATE_ANONYMOUS: usize = 0x02 | 0x20;
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
