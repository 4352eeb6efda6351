//! ENOMEM: splitting a mapping when the process is at its map-count limit.
//!
//! A binary of its own with a single test: at the limit no other thread could even get a stack.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use munmap::{munmap, Errno};

#[test]
fn splitting_a_mapping_at_the_map_count_limit_is_enomem() {
    if cfg!(target_pointer_width = "32") {
        if let Some(emulator) = qemu_user() {
            skip!(
                "{} (32-bit guest) returns 0 where the kernel says ENOMEM",
                emulator
            );
        }
    }
    let limit: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .expect("read /proc/sys/vm/max_map_count")
        .trim()
        .parse()
        .expect("max_map_count is a number");
    let size = page_size();

    // A region that alternating protections can cut into `limit` mappings or more; mprotect
    // refuses with ENOMEM at the limit, which is where the process then stands.
    let pages = 2 * limit + 3;
    // SAFETY: a fresh reservation at an address the kernel chooses aliases nothing.
    let region = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            pages * size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    assert_ne!(region, libc::MAP_FAILED, "mmap of {} pages failed", pages);
    let at = |i: usize| region.cast::<u8>().wrapping_add(i * size).cast::<c_void>();

    let mut reached = false;
    for i in (1..pages - 3).step_by(2) {
        // SAFETY: the page is inside our region.
        if unsafe { libc::mprotect(at(i), size, libc::PROT_READ) } != 0 {
            let err = std::io::Error::last_os_error().raw_os_error();
            assert_eq!(
                err,
                Some(libc::ENOMEM),
                "mprotect failed other than at the limit"
            );
            reached = true;
            break;
        }
    }
    assert!(reached, "never reached the map-count limit of {}", limit);

    // The last three pages are still one mapping; unmapping its middle page would make two.
    // SAFETY: the page is ours and unused; the call is refused.
    let result = unsafe { munmap(at(pages - 2), size) };

    // SAFETY: the whole region is ours; libc's munmap, not the code under test, cleans up.
    assert_eq!(unsafe { libc::munmap(region, pages * size) }, 0, "cleanup");
    assert_eq!(result, Err(Errno::ENOMEM));
}
