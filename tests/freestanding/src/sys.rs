//! The little this program needs besides munmap: `_start`, mmap, write and exit_group, as raw
//! system calls. (The munmap crate itself provides only munmap.)

use core::arch::{asm, global_asm};

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
