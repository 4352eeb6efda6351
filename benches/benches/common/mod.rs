//! The variants and workloads both benchmark harnesses share.
//!
//! Every variant has the same shape, `fn(addr, len) -> i32`, is out of line and unmangled (so
//! that callgrind can count its instructions by name), and makes one munmap the way a user of
//! that crate would, in one of the two shapes callers have: reading the number (0 or the errno),
//! or, `_is_err`, only whether the call failed (as dlmalloc does; memmap2 and stacker drop the
//! result). `floor` makes the cheapest system call there is instead (getppid, through libc):
//! the cost of entering the kernel at all.

#![allow(dead_code)] // each harness uses its own subset

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

pub type Variant = (&'static str, unsafe fn(*mut c_void, usize) -> i32);

/// The variants; `ours` first, the one the others are compared with.
pub fn variants() -> Vec<Variant> {
    let mut all: Vec<Variant> = vec![("ours", bench_ours)];
    if cfg!(target_arch = "x86") {
        all.push(("ours_vsyscall", bench_ours_vsyscall));
    }
    all.extend_from_slice(&[
        ("libc", bench_libc as unsafe fn(*mut c_void, usize) -> i32),
        ("rustix", bench_rustix),
        ("syscalls", bench_syscalls),
        ("ours_is_err", bench_ours_is_err),
        ("libc_is_err", bench_libc_is_err),
        ("rustix_is_err", bench_rustix_is_err),
        ("syscalls_is_err", bench_syscalls_is_err),
        ("floor_getppid", bench_floor),
    ]);
    all
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_ours_is_err(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    i32::from(unsafe { munmap::munmap(addr, len) }.is_err())
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_libc_is_err(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    i32::from(unsafe { libc::munmap(addr, len) } != 0)
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_rustix_is_err(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    i32::from(unsafe { rustix::mm::munmap(addr, len) }.is_err())
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_syscalls_is_err(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    i32::from(unsafe { syscalls::syscall2(syscalls::Sysno::munmap, addr as usize, len) }.is_err())
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_ours(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    match unsafe { munmap::munmap(addr, len) } {
        Ok(()) => 0,
        Err(e) => e.raw(),
    }
}

/// AT_SYSINFO, read once by `init`; 0 where there is none.
static AT_SYSINFO: AtomicUsize = AtomicUsize::new(0);

#[cfg(target_arch = "x86")]
#[no_mangle]
#[inline(never)]
pub unsafe fn bench_ours_vsyscall(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the kernel's AT_SYSINFO, or 0.
    let vsyscall = unsafe { munmap::Vsyscall::from_at_sysinfo(at_sysinfo()) };
    // SAFETY: the workloads pass ranges of their own.
    match unsafe { vsyscall.munmap(addr, len) } {
        Ok(()) => 0,
        Err(e) => e.raw(),
    }
}

#[cfg(not(target_arch = "x86"))]
pub unsafe fn bench_ours_vsyscall(_: *mut c_void, _: usize) -> i32 {
    unreachable!("x86 only")
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_libc(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    if unsafe { libc::munmap(addr, len) } == 0 {
        0
    } else {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(-1)
    }
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_rustix(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    match unsafe { rustix::mm::munmap(addr, len) } {
        Ok(()) => 0,
        Err(e) => e.raw_os_error(),
    }
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_syscalls(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: the workloads pass ranges of their own.
    match unsafe { syscalls::syscall2(syscalls::Sysno::munmap, addr as usize, len) } {
        Ok(_) => 0,
        Err(e) => e.into_raw(),
    }
}

#[no_mangle]
#[inline(never)]
pub unsafe fn bench_floor(_: *mut c_void, _: usize) -> i32 {
    // SAFETY: getppid has no preconditions.
    unsafe { libc::getppid() }
}

/// Reads what the variants need once: the page size and AT_SYSINFO.
pub fn init() -> usize {
    // SAFETY: getauxval has no preconditions; AT_SYSINFO is 32 in include/uapi/linux/auxvec.h.
    AT_SYSINFO.store(unsafe { libc::getauxval(32) } as usize, Ordering::Relaxed);
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

/// The AT_SYSINFO `init` read: `__kernel_vsyscall`'s address, or 0.
pub fn at_sysinfo() -> usize {
    AT_SYSINFO.load(Ordering::Relaxed)
}

/// Maps `pages` anonymous read-write pages, `populate`d (faulted in) or not.
pub fn map(pages: usize, page: usize, populate: bool) -> *mut c_void {
    let flags =
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | if populate { libc::MAP_POPULATE } else { 0 };
    // SAFETY: a fresh mapping at an address the kernel chooses.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            pages * page,
            libc::PROT_READ | libc::PROT_WRITE,
            flags,
            -1,
            0,
        )
    };
    assert_ne!(addr, libc::MAP_FAILED, "mmap failed");
    addr
}

/// A one-page hole between two inaccessible guard pages, which no other mapping can take: the
/// target of the empty-range workload. Never unmapped: it lives as long as the benchmark.
pub fn hole(page: usize) -> *mut c_void {
    let guard = map(3, page, false);
    // SAFETY: the guard region is ours.
    unsafe {
        assert_eq!(libc::mprotect(guard, 3 * page, libc::PROT_NONE), 0);
        let hole = guard.cast::<u8>().add(page).cast::<c_void>();
        assert_eq!(libc::munmap(hole, page), 0);
        hole
    }
}

/// The workloads: their names and what one iteration does around the measured call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Workload {
    /// munmap of a one-page range that holds no mapping.
    EmptyRange,
    /// mmap of one page, then munmap of it (both measured).
    MapUnmapPage,
    /// munmap of 64 populated pages (the mmap and page faults are not measured).
    Populated64,
}

impl Workload {
    pub const ALL: [Workload; 3] = [
        Workload::EmptyRange,
        Workload::MapUnmapPage,
        Workload::Populated64,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::EmptyRange => "empty_range",
            Workload::MapUnmapPage => "mmap_munmap_1_page",
            Workload::Populated64 => "munmap_64_populated_pages",
        }
    }
}
