//! Reads a page after unmapping it: undefined behaviour, which Miri must report (ci/miri.sh
//! expects it to). Natively the read faults with SIGSEGV.

fn main() {
    let mut pages = munmap_miri_dependent::Pages::new(1).expect("mmap");
    pages.bytes()[0] = 7;
    let addr = pages.as_ptr();
    pages.unmap().expect("munmap");
    // SAFETY: none: the page is gone. This is the bug Miri is run to catch.
    let byte = unsafe { addr.read_volatile() };
    println!("read {} from an unmapped page", byte);
}
