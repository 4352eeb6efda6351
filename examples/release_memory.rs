//! A long-running process that gives memory back promptly: 64 MiB are mapped and touched, stay
//! resident for as long as they are mapped, and leave the resident set as soon as `munmap`
//! removes them. The figures are `VmRSS` from /proc/self/status.
//!
//! Run with `cargo run --example release_memory`.

use core::ffi::c_void;

const MIB: usize = 1 << 20;
const SIZE: usize = 64 * MIB;
/// How close to 64 MiB each change must be: the rest of the process may move a little meanwhile.
const SLACK: usize = 8 * MIB;

fn main() {
    let before = resident();
    // SAFETY: a fresh anonymous mapping at an address the kernel chooses aliases nothing.
    let map = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(
        map,
        libc::MAP_FAILED,
        "mmap: {}",
        std::io::Error::last_os_error()
    );
    let mapped = resident();

    let page = page_size();
    for offset in (0..SIZE).step_by(page) {
        // SAFETY: inside the mapping; one write faults each page in.
        unsafe { map.cast::<u8>().add(offset).write_volatile(1) };
    }
    let touched = resident();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let still_mapped = resident();

    // SAFETY: nothing refers to the mapping any more.
    unsafe { munmap::munmap(map.cast::<c_void>(), SIZE) }.expect("munmap");
    let unmapped = resident();

    println!("VmRSS, in MiB, as 64 MiB are mapped, touched, left mapped and unmapped:");
    for (what, rss) in [
        ("before", before),
        ("mapped, untouched", mapped),
        ("every page touched", touched),
        ("200 ms later, still mapped", still_mapped),
        ("after munmap", unmapped),
    ] {
        println!("  {:<28} {:>7.1}", what, rss as f64 / MIB as f64);
    }
    assert!(
        mapped < before + SLACK,
        "mapping alone makes nothing resident"
    );
    assert!(
        touched >= before + SIZE - SLACK,
        "touching makes 64 MiB resident"
    );
    assert!(
        still_mapped >= touched - SLACK,
        "left mapped, the memory stays resident"
    );
    assert!(
        unmapped <= touched - SIZE + SLACK,
        "munmap gives the 64 MiB back at once"
    );
    println!("munmap returned the 64 MiB to the system at once; left mapped, they stayed");
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

/// The resident set size in bytes, from the `VmRSS:` line of /proc/self/status (in kB).
fn resident() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let kb: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse().ok())
        .expect("a VmRSS line in kB");
    kb * 1024
}
