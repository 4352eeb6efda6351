//! Calls munmap_and_exit, which Miri cannot model: Miri must stop with a message naming it
//! (ci/miri.sh expects it to). Natively the process's only thread exits with status 3.

fn main() {
    let pages = munmap_miri_dependent::Pages::new(1).expect("mmap");
    let (addr, len) = (pages.as_ptr(), munmap_miri_dependent::page_size());
    core::mem::forget(pages);
    // SAFETY: the page is ours and unused; this thread is the process's only one.
    unsafe { munmap::munmap_and_exit(addr.cast(), len, 3) }
}
