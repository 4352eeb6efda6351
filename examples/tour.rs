//! A tour of munmap: map four pages, unmap part of them, show /proc/self/maps before and after,
//! and show the errors the kernel returns, by name.
//!
//! Run with `cargo run --example tour`.

use core::ffi::c_void;
use munmap::{munmap, Errno};

fn main() {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
    // SAFETY: a fresh anonymous mapping at an address the kernel chooses aliases nothing.
    let map = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            4 * page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(map, libc::MAP_FAILED, "mmap failed");
    let base = map as usize;
    let at = |i: usize| (base + i * page) as *mut c_void;
    println!("page size {} bytes; mapped 4 pages at {:#x}", page, base);
    show_maps("before", base, 4 * page);

    // SAFETY: pages 1 and 2 are ours and never touched again.
    let result = unsafe { munmap(at(1), 2 * page) };
    println!("\nmunmap({:#x}, {}) = {:?}", base + page, 2 * page, result);
    show_maps("after: one mapping became two", base, 4 * page);

    println!("\nerrors come back as the kernel's own numbers:");
    let cases: [(&str, usize, usize); 4] = [
        ("unaligned address", base + 1, page),
        ("zero length", base, 0),
        ("range past the end of the address space", base, usize::MAX),
        ("a range with no mapping (not an error)", base + page, page),
    ];
    for (what, addr, len) in cases {
        // SAFETY: each call is refused by the kernel or covers no mapping.
        let result = unsafe { munmap(addr as *mut c_void, len) };
        println!(
            "  {:<40} munmap({:#x}, {:#x}) = {}",
            what,
            addr,
            len,
            describe(result)
        );
    }

    // SAFETY: pages 0 and 3 are ours and never touched again.
    let result = unsafe { munmap(at(0), 4 * page) };
    println!("\nmunmap of the whole range = {:?}", result);
    show_maps("at the end", base, 4 * page);
}

fn describe(result: Result<(), Errno>) -> String {
    match result {
        Ok(()) => "Ok(())".to_string(),
        Err(e) => format!("Err({:?}): {}", e, e),
    }
}

/// Prints the lines of /proc/self/maps that overlap `[start, start + len)`.
fn show_maps(title: &str, start: usize, len: usize) {
    println!(
        "/proc/self/maps for {:#x}..{:#x}, {}:",
        start,
        start + len,
        title
    );
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    let mut any = false;
    for line in maps.lines() {
        let range = line.split_whitespace().next().unwrap_or("");
        let (lo, hi) = range.split_once('-').unwrap_or(("0", "0"));
        let lo = usize::from_str_radix(lo, 16).unwrap_or(0);
        let hi = usize::from_str_radix(hi, 16).unwrap_or(0);
        if lo < start + len && start < hi {
            println!("  {}", line);
            any = true;
        }
    }
    if !any {
        println!("  (nothing mapped)");
    }
}
