//! What munmap does to the address space: removal, splitting, rounding, empty ranges, files.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use munmap::munmap;

fn unmap(addr: *mut u8, len: usize) {
    // SAFETY: every caller passes pages of its own that it never touches again.
    unsafe { munmap(addr.cast::<c_void>(), len) }
        .unwrap_or_else(|e| panic!("munmap({:p}, {}) failed: {:?}", addr, len, e));
}

#[test]
fn access_after_whole_unmap_raises_sigsegv() {
    let _lock = address_space_lock();
    assert_eq!(
        read_in_child(false),
        ChildEnd::Exited(0),
        "control: mapped page is readable"
    );
    assert_eq!(read_in_child(true), ChildEnd::Signalled(libc::SIGSEGV));
}

#[derive(Debug, PartialEq)]
enum ChildEnd {
    Exited(i32),
    Signalled(i32),
}

/// Forks a child that unmaps two pages if `unmap_first`, then reads the second.
fn read_in_child(unmap_first: bool) -> ChildEnd {
    let pages = Pages::map(2);
    // SAFETY: the child makes only system calls and a volatile read before `_exit`, all safe
    // after fork in a multi-threaded process.
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => unsafe {
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            if unmap_first && munmap(pages.page(0).cast(), 2 * page_size()).is_err() {
                libc::_exit(2);
            }
            let byte = core::ptr::read_volatile(pages.page(1));
            libc::_exit(if byte == fill_byte(1) { 0 } else { 3 });
        },
        child => {
            let mut status = 0;
            // SAFETY: `child` is our child; `status` is a valid out-pointer.
            assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
            if libc::WIFSIGNALED(status) {
                ChildEnd::Signalled(libc::WTERMSIG(status))
            } else {
                ChildEnd::Exited(libc::WEXITSTATUS(status))
            }
        }
    }
}

#[test]
fn unmapping_the_middle_splits_the_mapping_in_two() {
    let _lock = address_space_lock();
    let pages = Pages::map(3);
    unmap(pages.page(1), page_size());

    pages.assert_intact(0);
    pages.assert_gone(1);
    pages.assert_intact(2);
    let (head_start, head_end) = mapping_containing(pages.page(0)).unwrap();
    let (tail_start, tail_end) = mapping_containing(pages.page(2)).unwrap();
    assert_eq!(
        (head_start, head_end),
        (pages.page(0) as usize, pages.page(1) as usize)
    );
    assert_eq!(
        (tail_start, tail_end),
        (pages.page(2) as usize, pages.page(3) as usize)
    );
}

#[test]
fn unmapping_the_head_leaves_the_tail_mapped() {
    let _lock = address_space_lock();
    let pages = Pages::map(3);
    unmap(pages.page(0), page_size());

    pages.assert_gone(0);
    pages.assert_intact(1);
    pages.assert_intact(2);
    let rest = mapping_containing(pages.page(1)).unwrap();
    assert_eq!(rest, (pages.page(1) as usize, pages.page(3) as usize));
}

#[test]
fn unmapping_the_tail_leaves_the_head_mapped() {
    let _lock = address_space_lock();
    let pages = Pages::map(3);
    unmap(pages.page(2), page_size());

    pages.assert_intact(0);
    pages.assert_intact(1);
    pages.assert_gone(2);
    let rest = mapping_containing(pages.page(1)).unwrap();
    assert_eq!(rest, (pages.page(0) as usize, pages.page(2) as usize));
}

#[test]
fn one_byte_length_removes_a_whole_page() {
    let _lock = address_space_lock();
    let pages = Pages::map(2);
    unmap(pages.page(0), 1);

    pages.assert_gone(0);
    pages.assert_intact(1);
}

#[test]
fn page_plus_one_byte_removes_two_pages() {
    let _lock = address_space_lock();
    let pages = Pages::map(3);
    unmap(pages.page(0), page_size() + 1);

    pages.assert_gone(0);
    pages.assert_gone(1);
    pages.assert_intact(2);
}

#[test]
fn unmapping_an_empty_range_succeeds_twice_and_changes_nothing() {
    let _lock = address_space_lock();
    let pages = Pages::map(3);
    unmap(pages.page(1), page_size());
    let head = mapping_containing(pages.page(0));
    let tail = mapping_containing(pages.page(2));

    // The hole between two live mappings holds nothing to remove.
    unmap(pages.page(1), page_size());
    unmap(pages.page(1), page_size());

    pages.assert_intact(0);
    pages.assert_gone(1);
    pages.assert_intact(2);
    assert_eq!(
        mapping_containing(pages.page(0)),
        head,
        "head mapping unchanged"
    );
    assert_eq!(
        mapping_containing(pages.page(2)),
        tail,
        "tail mapping unchanged"
    );
}

#[test]
fn one_range_across_two_mappings_and_a_hole_removes_both_parts() {
    let _lock = address_space_lock();
    let pages = Pages::map(5);
    unmap(pages.page(2), page_size());
    assert_ne!(
        mapping_containing(pages.page(1)),
        mapping_containing(pages.page(3)),
        "setup: pages 1 and 3 are in different mappings"
    );

    // Page 1 (end of the first mapping), 2 (the hole) and 3 (start of the second).
    unmap(pages.page(1), 3 * page_size());

    pages.assert_intact(0);
    pages.assert_gone(1);
    pages.assert_gone(2);
    pages.assert_gone(3);
    pages.assert_intact(4);
}

#[test]
fn shared_file_mapping_writes_reach_the_file() {
    let _lock = address_space_lock();
    let path = std::env::temp_dir().join(format!("munmap-test-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("create temporary file");
    let len = 2 * page_size();
    file.set_len(len as u64).expect("size temporary file");

    // At an address the kernel chooses: on a CPU whose data cache has aliases (the MIPS malta
    // under qemu-system, say) a shared mapping must sit at an address of the same cache colour
    // as its file offset, modulo SHMLBA (256 KiB on MIPS), and the kernel refuses a MAP_FIXED
    // one elsewhere with EINVAL (arch/mips/mm/mmap.c).
    // SAFETY: a fresh mapping at an address the kernel chooses aliases nothing.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            std::os::unix::io::AsRawFd::as_raw_fd(&file),
            0,
        )
    };
    assert_ne!(addr, libc::MAP_FAILED, "mmap of the file failed");
    let first = addr.cast::<u8>();
    let second = first.wrapping_add(page_size());
    // The file's own mappings, by its name in /proc/self/maps: what another thread maps where
    // its pages were is not the file's.
    let name = path.to_str().expect("a UTF-8 path");
    let mapped = |page: *mut u8| {
        mappings_of_path(name)
            .iter()
            .any(|&(start, end)| start <= page as usize && (page as usize) < end)
    };

    // SAFETY: the first page is inside the mapping.
    unsafe { std::ptr::write_bytes(first, b'a', page_size()) };
    unmap(first, page_size());
    assert!(!mapped(first) && mapped(second), "only page 0 is gone");
    // The second page outlives the first and still writes through to the file.
    // SAFETY: the second page is still mapped.
    unsafe { std::ptr::write_bytes(second, b'b', page_size()) };
    unmap(second, page_size());
    assert!(!mapped(second), "page 1 is gone");

    drop(file);
    let contents = std::fs::read(&path).expect("read temporary file back");
    std::fs::remove_file(&path).expect("remove temporary file");
    assert_eq!(contents.len(), len);
    assert!(
        contents[..page_size()].iter().all(|&b| b == b'a'),
        "page 0 reached the file"
    );
    assert!(
        contents[page_size()..].iter().all(|&b| b == b'b'),
        "page 1 reached the file"
    );
}
