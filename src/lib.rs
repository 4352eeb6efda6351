//! `munmap(2)` as one raw Linux system call, for code that has no libc.
//!
//! This crate is for freestanding and `no_std` Linux programs, static loaders, thread runtimes
//! and bootstrap code that runs before libc, TLS or relocations exist. [`munmap`] is the trap
//! instruction and the decode of its result, inlined into the caller: no libc, no allocator, no
//! thread-local `errno`, no static, no function call.
//!
//! # Example
//!
//! ```
//! use core::ffi::c_void;
//! use munmap::{munmap, Errno};
//!
//! // Two pages from mmap(2). A libc-free program has its own mmap and reads the page size from
//! // AT_PAGESZ in the auxiliary vector; this example borrows both from libc.
//! let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
//! let prot = libc::PROT_READ | libc::PROT_WRITE;
//! let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
//! let map = unsafe { libc::mmap(core::ptr::null_mut(), 2 * page, prot, flags, -1, 0) };
//! assert_ne!(map, libc::MAP_FAILED);
//! let map = map.cast::<u8>();
//!
//! // Unmap the second page; the first stays.
//! // SAFETY: no reference into the second page exists or is used afterwards.
//! unsafe { munmap(map.add(page).cast::<c_void>(), page) }.expect("munmap");
//!
//! // An unaligned address is refused, and nothing is unmapped.
//! // SAFETY: the call fails before it changes anything.
//! let err = unsafe { munmap(map.add(1).cast::<c_void>(), page) }.unwrap_err();
//! assert_eq!(err, Errno::EINVAL);
//! assert_eq!(format!("{:?}: {}", err, err), "EINVAL (22): Invalid argument");
//!
//! // SAFETY: the first page is ours and unused from here on.
//! unsafe { munmap(map.cast::<c_void>(), page) }.expect("munmap");
//! ```
//!
//! # What munmap does
//!
//! `munmap(addr, len)` removes every mapping in the address range `[addr, addr + len)`:
//!
//! - `len` is rounded up to a whole number of pages: a `len` of 1 removes one page, a page and
//!   one byte removes two. `addr` must itself be page-aligned.
//! - Mappings that straddle the range are cut: unmapping the middle of a mapping leaves two,
//!   the head or the tail leaves one. Pages outside the range keep their contents.
//! - The range may cover several mappings and holes between them. A range that holds no mapping
//!   at all succeeds and does nothing, so unmapping twice is not an error.
//! - Any later access to the removed pages raises `SIGSEGV`, until something else is mapped
//!   there. Dirty pages of a `MAP_SHARED` file mapping have already reached the page cache, and
//!   so the file; a `MAP_PRIVATE` mapping's changes are discarded.
//! - Closing a file descriptor does not unmap it, and unmapping does not close one.
//!
//! # Errors
//!
//! The result is the kernel's answer, decoded and never replaced. For munmap, Linux returns:
//!
//! - [`Errno::EINVAL`]: `addr` is not a multiple of the page size; `len` is 0; or the range
//!   does not fit the user address space (`addr + len` overflows or passes its top, which
//!   includes a `len` so large that rounding it up to a page wraps around).
//! - [`Errno::ENOMEM`]: cutting a mapping in two would exceed the process's limit on the number
//!   of mappings (`/proc/sys/vm/max_map_count`).
//!
//! A seccomp filter, an LSM or a future kernel can make the call return any other error; that
//! number comes back as it is ([`Errno`] keeps numbers it has no name for).
//!
//! No kernel returns anything else, but a tracer (ptrace, as `strace -e inject=munmap:retval=5`
//! does) or a seccomp supervisor can forge any register value. A result outside munmap's
//! contract (a success value other than 0, or an error number past 4095; where the ABI flags
//! errors, on powerpc, mips and sparc, the flag with 0, or on powerpc and mips no flag with
//! anything but 0) comes back as `Err` with the number 4095: an error, since nothing may have
//! been unmapped, and 4095 (`MAX_ERRNO`), as the kernel caps a seccomp filter's errno. So every
//! `Err` holds 1 to 4095, and `Errno::from_raw(e.raw())` is `Some(e)` for every result. (sparc's
//! kernel flags errors -516 to -1 only and returns a larger errno negated with no flag, which
//! comes back as that errno.)
//!
//! # Architectures
//!
//! Linux and Android (the same kernel and system-call ABI) on:
//!
//! | target_arch   | trap        | munmap number | number; arguments; result                   |
//! |---------------|-------------|---------------|---------------------------------------------|
//! | `x86`         | `int 0x80`  | 91            | `eax`; `ebx`, `ecx`; `eax`                  |
//! | `x86_64`      | `syscall`   | 11; x32: `0x4000000b` | `rax`; `rdi`, `rsi`; `rax` (`rcx`, `r11` clobbered) |
//! | `aarch64`     | `svc #0`    | 215           | `x8`; `x0`, `x1`; `x0`                      |
//! | `arm`         | `svc 0`     | 91            | `r7`; `r0`, `r1`; `r0` (EABI; ARM or Thumb) |
//! | `riscv32`     | `ecall`     | 215           | `a7`; `a0`, `a1`; `a0`                      |
//! | `riscv64`     | `ecall`     | 215           | `a7`; `a0`, `a1`; `a0`                      |
//! | `loongarch64` | `syscall 0` | 215           | `$a7`; `$a0`, `$a1`; `$a0`                  |
//! | `powerpc`     | `sc`        | 91            | `r0`; `r3`, `r4`; `r3` (errno positive, `cr0.SO` set) |
//! | `powerpc64`   | `sc`        | 91            | as `powerpc`, either byte order             |
//! | `s390x`       | `svc 0`     | 91            | `r1`; `r2`, `r3`; `r2`                      |
//! | `mips`        | `syscall`   | 4091 (o32)    | `$2`; `$4`, `$5`; `$2`, positive errno with `$7` set |
//! | `mips32r6`    | `syscall`   | 4091 (o32)    | as `mips`                                   |
//! | `mips64`      | `syscall`   | 5011 (n64)    | as `mips`                                   |
//! | `mips64r6`    | `syscall`   | 5011 (n64)    | as `mips`                                   |
//! | `sparc`       | `t 0x10`    | 73            | `%g1`; `%o0`, `%o1`; `%o0`, positive errno with the carry set |
//! | `sparc64`     | `t 0x6d`    | 73            | as `sparc`                                  |
//! | `m68k`        | `trap #0`   | 91            | `%d0`; `%d1`, `%d2`; `%d0`                  |
//! | `hexagon`     | `trap0(#1)` | 215           | `r6`; `r0`, `r1`; `r0`                      |
//! | `csky`        | `trap 0`    | 215           | `r7`; `a0`, `a1`; `a0` (ABI v2)             |
//!
//! Both byte orders of aarch64, arm and mips, x32 (x86_64 with 32-bit pointers) and Thumb mode
//! (where `r7`, the number register, is the frame pointer and is swapped in around the trap, as on
//! csky) are included. `asm!` is not yet stable on mips, sparc, m68k, hexagon and csky
//! (`asm_experimental_arch`, rust-lang/rust#93335): there the crate needs a nightly compiler. Its
//! build script asks the compiler whether `asm!` needs the feature (there, and on loongarch64,
//! s390x and powerpc, stable only since Rust 1.72, 1.84 and 1.95) and turns it on where it does;
//! where the compiler has `asm!` neither way, the build stops with one message that says what
//! builds the crate. Any other target fails to compile with a message naming these, as do the
//! aarch64 ILP32 targets, which no mainline kernel serves. [`nr`] holds each number as a constant
//! usable on any host, and [`seccomp`] pairs it with the audit architecture that a seccomp filter
//! matches on. Error numbers follow Linux's generic table but on powerpc (its own `EDEADLOCK`, 58),
//! mips and sparc, which have tables of their own: `Errno::EDEADLK` is 35 on x86_64, 45 on mips and
//! 78 on sparc, with the same name and message.
//!
//! What some architectures ask of the trap (each `arch/` file opens with its full contract):
//!
//! - mips: the kernel leaves `$1`, `$3`, `$8` to `$15`, `$24`, `$25`, hi and lo as its C code
//!   left them. `$1` (at) cannot be an `asm!` operand, yet LLVM allocates it: the asm keeps it in
//!   `$6` across the trap. hi and lo (before release 6) cannot be named in `asm!` and no register
//!   is free to keep them: a value LLVM held there across the call would be lost. No Rust
//!   system-call code can declare them today (rustix and the `syscalls` crate declare neither
//!   `$1` nor hi and lo). The o32 kernel reads four words above the stack pointer on every call
//!   and reads 0 where they fault, so [`munmap_and_exit`]'s `exit` works with the stack gone.
//! - sparc: the number goes in `%g1`, which LLVM reserves and `asm!` cannot name, so the asm sets
//!   it. The kernel sets the carry (`%icc` and `%xcc`) for -516 to -1 only and returns a larger
//!   errno negated with the carry clear; both forms are decoded. Pages are 8 KiB.
//! - csky: `r7`, the number register, is LLVM's base pointer, and is swapped in around the trap
//!   as in Thumb mode.
//!
//! # Also in this crate
//!
//! - [`munmap_and_exit`]: block every signal, unmap a range and end the calling thread, in one
//!   `asm!` block that touches no memory after the unmap, so that a thread can free the stack it
//!   runs on and no signal can turn that into the death of the process;
//!   [`munmap_and_exit_keep_sigmask`] is the same without the first step, for a runtime that has
//!   blocked every signal itself.
//! - [`seccomp`]: `(AUDIT_ARCH_*, number)` for munmap on every supported architecture.
//! - `Vsyscall` (x86 only): munmap through the vDSO's `__kernel_vsyscall`, found through
//!   `AT_SYSINFO`, with `int 0x80` as the fallback. In a VM, `int 0x80` can take many times as
//!   long as that entry (67 times in `benches/README.md`'s measurement).
//!
//! # Features
//!
//! - `std` (off by default): [`Errno`] implements `std::error::Error`, and
//!   `From<Errno> for std::io::Error`.
//! - `rustc-dep-of-std`: for a build of this crate as part of the standard library, as a custom
//!   std builds it (origin's std-internal mode, eyra): `core` is then the std workspace's
//!   `rustc-std-workspace-core`, for this crate and for `cfg-if`. Not for any other use.
//!
//! # Under Miri
//!
//! Miri cannot run `asm!`. Under `cfg(miri)`, [`munmap`] calls the C `munmap` that Miri
//! implements and returns Miri's result, so that `cargo miri test` runs code that uses this
//! crate, and reports a later use of the unmapped memory as undefined behaviour. Miri models
//! munmap as the release of exactly one whole mapping made by `mmap`: it returns `EINVAL` for an
//! unaligned address or a range that overflows, but reports a zero length, part of a mapping or a
//! range with no mapping as undefined behaviour, where Linux returns `EINVAL`, splits the
//! mapping or does nothing. [`munmap_and_exit`] and [`munmap_and_exit_keep_sigmask`] cannot run
//! under Miri: they stop Miri with a message that names them. `Vsyscall::munmap` calls Miri's
//! `munmap` as well.
//!
//! The minimum supported Rust version is 1.60 (checked in CI for x86, x86_64, aarch64 and arm);
//! loongarch64, powerpc, powerpc64 and s390x need a later Rust, whose `asm!` is stable there
//! (1.95 builds all four); mips, sparc, m68k, hexagon and csky a nightly one (checked with
//! `nightly-2026-10-30`).

#![no_std]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
// docs.rs (see Cargo.toml) marks the items that exist on some targets or features only.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Under Miri the architecture file's traps go unused (see `trap` below).
#![cfg_attr(miri, allow(dead_code))]
// Where `asm!` is still behind asm_experimental_arch, build.rs finds out whether this compiler
// takes the feature, and sets this cfg if it does; where it takes neither, build.rs stops with
// a message that says what would build the crate.
#![cfg_attr(munmap_asm_experimental_arch, feature(asm_experimental_arch))]

#[cfg(feature = "std")]
extern crate std;

use core::ffi::c_void;

mod errno;
pub mod nr;
pub mod seccomp;

pub use errno::Errno;

#[cfg(target_arch = "x86")]
mod vsyscall;
#[cfg(target_arch = "x86")]
#[cfg_attr(docsrs, doc(cfg(target_arch = "x86")))]
pub use vsyscall::Vsyscall;

// The one place that turns the compile target into its architecture file, which holds all
// the target's facts: the trap (`asm!`), munmap's number and seccomp pair, the errno table.
cfg_if::cfg_if! {
    if #[cfg(not(any(target_os = "linux", target_os = "android")))] {
        compile_error!("munmap is a Linux system call: this crate supports Linux and Android only");
    } else if #[cfg(target_arch = "x86")] {
        #[path = "../arch/x86.rs"]
        mod arch;
    } else if #[cfg(target_arch = "x86_64")] {
        #[path = "../arch/x86_64.rs"]
        mod arch;
    } else if #[cfg(all(target_arch = "aarch64", target_pointer_width = "64"))] {
        #[path = "../arch/aarch64.rs"]
        mod arch;
    } else if #[cfg(target_arch = "arm")] {
        #[path = "../arch/arm.rs"]
        mod arch;
    } else if #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))] {
        #[path = "../arch/riscv.rs"]
        mod arch;
    } else if #[cfg(target_arch = "loongarch64")] {
        #[path = "../arch/loongarch64.rs"]
        mod arch;
    } else if #[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))] {
        #[path = "../arch/powerpc.rs"]
        mod arch;
    } else if #[cfg(target_arch = "s390x")] {
        #[path = "../arch/s390x.rs"]
        mod arch;
    } else if #[cfg(any(
        target_arch = "mips",
        target_arch = "mips32r6",
        all(
            any(target_arch = "mips64", target_arch = "mips64r6"),
            target_pointer_width = "64"
        )
    ))] {
        #[path = "../arch/mips.rs"]
        mod arch;
    } else if #[cfg(any(target_arch = "sparc", target_arch = "sparc64"))] {
        #[path = "../arch/sparc.rs"]
        mod arch;
    } else if #[cfg(target_arch = "m68k")] {
        #[path = "../arch/m68k.rs"]
        mod arch;
    } else if #[cfg(target_arch = "hexagon")] {
        #[path = "../arch/hexagon.rs"]
        mod arch;
    } else if #[cfg(target_arch = "csky")] {
        #[path = "../arch/csky.rs"]
        mod arch;
    } else {
        compile_error!(
            "munmap supports Linux and Android on x86, x86_64 (with x32), aarch64 (either byte \
             order), arm (ARM and Thumb, either byte order), riscv32, riscv64, loongarch64, \
             powerpc, powerpc64 and s390x, and with a nightly Rust on mips and mips32r6 (o32), \
             mips64 and mips64r6 (n64), sparc, sparc64, m68k, hexagon and csky; not aarch64 \
             ILP32, which no mainline kernel serves"
        );
    }
}

// Under Miri, which cannot run `asm!`, the calls go to the C munmap that Miri implements; the
// architecture file still gives the target's facts.
#[cfg(miri)]
#[path = "../arch/miri.rs"]
mod trap;
#[cfg(not(miri))]
use arch as trap;

/// Removes the mappings in `[addr, addr + len)` with one `munmap(2)` system call.
///
/// Inlined into the caller as the trap instruction and the decode of its result; nothing is
/// checked first, so every error is the kernel's own. See the [crate documentation](crate) for
/// what the call does, its rounding and its errors.
///
/// # Errors
///
/// [`Errno::EINVAL`] for an unaligned `addr`, a zero `len` or a range outside the user address
/// space; [`Errno::ENOMEM`] when splitting a mapping would pass the process's map-count limit;
/// any other number the kernel returns, as it returns it; 4095 for a result outside munmap's
/// contract, which only a tracer or a seccomp supervisor can forge (see the
/// [crate documentation](crate#errors)).
///
/// # Safety
///
/// Unmapping ends the life of all memory in the range (rounded out to whole pages), and the
/// address may be handed out again by the next `mmap`. The caller must ensure that:
///
/// - nothing uses memory in the range after the call: no reference, `Box`, `Vec`, slice or
///   other owner into it is alive or is dereferenced or dropped later, and no pointer into it is
///   read or written again (a later access faults, or reaches whatever was mapped there since);
/// - the range holds nothing that the program or its runtime still needs: its code, its stack
///   or a thread's stack, the allocator's heap, thread-local storage, the vDSO, or another
///   library's mappings.
///
/// When the call fails with `EINVAL` nothing has changed. After any other error, treat the range
/// as possibly partly unmapped. `addr` is never dereferenced by this function: an address that
/// maps nothing is allowed and unmaps nothing.
#[inline(always)]
pub unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller upholds the contract above, which is the trap's.
    unsafe { trap::munmap(addr, len) }
}

/// Unmaps `[addr, addr + len)` and ends the calling thread with `status`, with every signal blocked
/// first and no memory touched after the unmap: the range may hold the stack the thread is running
/// on.
///
/// This is how a thread runtime frees an exiting thread's stack, which no other thread can free
/// safely until it knows the thread is gone, and which the thread itself cannot free with a call
/// to [`munmap`] (the return would land on the unmapped stack). One `asm!` block makes three
/// system calls:
///
/// 1. `rt_sigprocmask(SIG_BLOCK, <every signal>, NULL, <the kernel's sigset size>)`. A signal that
///    becomes pending while munmap runs is delivered on the way back from it, its handler's frame
///    built on the thread's stack; with the stack gone the kernel cannot build it and kills the
///    whole process with `SIGSEGV`. Blocked, a signal stays pending: one sent to the process goes
///    to another of its threads when this one exits (`exit_signals` in `kernel/signal.c`), one
///    sent to this thread goes with it. The kernel never blocks `SIGKILL` and `SIGSTOP`, which
///    run no handler. The full set is read-only static data of the asm (on x86, which has no
///    PC-relative addressing, it is pushed on the stack, which the kernel reads before munmap).
/// 2. `munmap(addr, len)`.
/// 3. `exit(status)`: the thread, not `exit_group`.
///
/// After the munmap trap the numbers and `status` live in registers and nothing reads or writes
/// memory. The result of munmap cannot be reported and is discarded: on a bad range the thread
/// still exits, with its memory left mapped. When the calling thread is the last in its process,
/// the process exits with `status`. A runtime that has blocked every signal itself, as musl's and
/// origin's do long before this point, can skip the first call with
/// [`munmap_and_exit_keep_sigmask`].
///
/// # Safety
///
/// The range must satisfy the contract of [`munmap`], with one difference: it may hold the
/// calling thread's own stack, since nothing runs on it afterwards. Nothing else may use the
/// range after the call. The thread ends without running destructors, thread-local destructors
/// or `pthread` clean-up, so it should be a thread the caller created with raw `clone` and
/// manages itself; the calling thread's other resources are the caller's to account for.
///
/// The kernel keeps pointers into the thread's memory and uses them as the thread exits, after
/// the range is gone. Each must lie outside the range, or be withdrawn first:
///
/// - The thread-id word of `CLONE_CHILD_CLEARTID` (or `set_tid_address`): the kernel writes 0
///   to it and wakes a futex waiter there, ignoring a fault (`mm_release` in `kernel/fork.c`).
///   That is how another thread learns the stack is free, so it belongs outside the range:
///   inside, with nothing mapped there, no waiter ever wakes; and if another thread has mapped
///   something there meanwhile, that memory gets the 0 and the wake.
/// - A robust futex list (`set_robust_list`): the kernel walks it at exit and marks each lock
///   whose word holds this thread's id `FUTEX_OWNER_DIED`, waking a waiter
///   (`exit_robust_list` in `kernel/futex/core.c`); a list in the range is read from, and
///   written into, whatever is mapped there then. Register an empty list first, or none.
/// - An rseq area (`rseq(2)`): the kernel writes it on the return to user space after a
///   preemption or migration, the return from munmap included, and a fault there kills the
///   process with a `SIGSEGV` no mask blocks (`force_sigsegv` in
///   `__rseq_handle_notify_resume`, `kernel/rseq.c`). Unregister it first.
/// - An alternate signal stack (`sigaltstack`) in the range is harmless here: with every signal
///   blocked, no frame is built on it.
///
/// A thread made with `clone(CLONE_VM | ...)` starts with none of the last three
/// (`copy_process` in `kernel/fork.c`): only what it registers itself is its runtime's to undo.
#[inline(always)]
pub unsafe fn munmap_and_exit(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds the contract above, which is the traps'.
    unsafe { trap::munmap_and_exit(addr, len, status) }
}

/// [`munmap_and_exit`] without its first system call: unmaps `[addr, addr + len)` and ends the
/// calling thread with `status`, leaving the signal mask as the caller set it.
///
/// For a thread runtime that has already blocked every signal in the exiting thread, as musl's
/// and origin's do before they tear down its thread-local state: it saves one system call per
/// thread. One `asm!` block makes two, `munmap` then `exit` (the thread), with no memory access
/// after the first.
///
/// # Safety
///
/// As for [`munmap_and_exit`], and the caller must have blocked every signal in the calling
/// thread (`rt_sigprocmask(SIG_BLOCK, <every signal>, ...)`; the kernel keeps `SIGKILL` and
/// `SIGSTOP`, which run no handler). A signal with a handler that is unblocked when munmap
/// returns may be delivered onto the unmapped stack, and the kernel then kills the whole process
/// with `SIGSEGV` (`tests/munmap_and_exit.rs` shows this).
#[inline(always)]
pub unsafe fn munmap_and_exit_keep_sigmask(addr: *mut c_void, len: usize, status: i32) -> ! {
    // SAFETY: the caller upholds the contract above, which is the traps'.
    unsafe { trap::munmap_and_exit_keep_sigmask(addr, len, status) }
}
