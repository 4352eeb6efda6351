//! What a user of munmap writes: pages from mmap, owned by a value that unmaps them on drop.
//! Its tests run natively and under Miri (ci/miri.sh).

use core::ffi::c_void;
use munmap::Errno;

/// Anonymous read-write pages, unmapped with `munmap::munmap` when dropped.
pub struct Pages {
    ptr: *mut u8,
    len: usize,
}

impl Pages {
    /// Maps `count` zeroed pages; `None` if mmap fails.
    pub fn new(count: usize) -> Option<Pages> {
        let len = count * page_size();
        // SAFETY: a fresh anonymous mapping at an address the kernel chooses aliases nothing.
        let ptr = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        (ptr != libc::MAP_FAILED).then(|| Pages {
            ptr: ptr.cast(),
            len,
        })
    }

    /// The pages' bytes.
    pub fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is ours, read-write, and lives as long as `self`.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// The first byte's address, for callers that keep a raw pointer.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// Unmaps the pages now and reports munmap's result.
    pub fn unmap(self) -> Result<(), Errno> {
        let (ptr, len) = (self.ptr, self.len);
        core::mem::forget(self);
        // SAFETY: `self` owned the whole mapping and is gone; nothing refers to it.
        unsafe { munmap::munmap(ptr.cast::<c_void>(), len) }
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // SAFETY: as in `unmap`: `self` owns the whole mapping and nothing outlives it.
        let result = unsafe { munmap::munmap(self.ptr.cast::<c_void>(), self.len) };
        debug_assert_eq!(result, Ok(()));
    }
}

/// The page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_written_read_and_unmapped() {
        let mut pages = Pages::new(2).expect("mmap");
        pages.bytes().fill(0x5a);
        assert!(pages.bytes().iter().all(|&b| b == 0x5a));
        assert_eq!(pages.unmap(), Ok(()));
    }

    #[test]
    fn drop_unmaps() {
        for _ in 0..4 {
            let mut pages = Pages::new(1).expect("mmap");
            pages.bytes()[0] = 1;
        }
    }

    #[test]
    fn the_kernels_einval_cases_come_back_as_einval() {
        let pages = Pages::new(1).expect("mmap");
        let addr = pages.as_ptr();
        // SAFETY: both calls are refused before anything is unmapped.
        unsafe {
            let unaligned = addr.wrapping_add(1).cast::<c_void>();
            assert_eq!(munmap::munmap(unaligned, page_size()), Err(Errno::EINVAL));
            let overflowing = addr.cast::<c_void>();
            assert_eq!(munmap::munmap(overflowing, usize::MAX), Err(Errno::EINVAL));
        }
        assert_eq!(pages.unmap(), Ok(()));
    }
}
