//! Helpers shared by the behaviour tests: mappings made with libc's mmap, the process's
//! mappings read from /proc/self/maps, and detection of the qemu-user emulator.

#![allow(dead_code)] // each test binary uses its own subset

pub mod raw_threads;

use std::sync::{Mutex, MutexGuard};

/// The page size, read at run time.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    assert!(size > 0, "sysconf(_SC_PAGESIZE) failed");
    size as usize
}

/// Serialises the tests of one binary that change the address space. The default test runner
/// runs tests on parallel threads; without this, one test's fresh mmap could land in the hole
/// another test has just made and is about to inspect.
pub fn address_space_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Anonymous read-write pages made with libc's mmap, page `i` filled with `fill_byte(i)`, between
/// two inaccessible guard pages. The guards keep the holes a test punches small and enclosed, so
/// that nothing else the process maps meanwhile fits in them: a new test thread's stack does
/// not, but the alternate signal stack std maps for it (`SIGSTKSZ`, 8 KiB, and a guard page)
/// fits a hole of 3 pages or more.
/// Dropping it unmaps the whole reservation with libc's munmap, not the code under test.
pub struct Pages {
    base: *mut u8,
    count: usize,
}

impl Pages {
    pub fn map(count: usize) -> Pages {
        let size = page_size();
        // SAFETY: a fresh reservation at an address the kernel chooses aliases nothing.
        let guard = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                (count + 2) * size,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(
            guard,
            libc::MAP_FAILED,
            "mmap of {} pages failed",
            count + 2
        );
        let base = guard.cast::<u8>().wrapping_add(size);
        // SAFETY: the pages between the guards lie inside the reservation.
        let rw = unsafe {
            libc::mprotect(
                base.cast(),
                count * size,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        assert_eq!(rw, 0, "mprotect failed");
        let pages = Pages { base, count };
        for i in 0..count {
            // SAFETY: page `i` is inside the read-write part.
            unsafe { std::ptr::write_bytes(pages.page(i), fill_byte(i), size) };
        }
        pages
    }

    /// Address of page `i`.
    pub fn page(&self, i: usize) -> *mut u8 {
        self.base.wrapping_add(i * page_size())
    }

    /// Asserts that page `i` is mapped and still holds `fill_byte(i)` in every byte.
    pub fn assert_intact(&self, i: usize) {
        assert!(is_mapped(self.page(i)), "page {} is no longer mapped", i);
        // SAFETY: the page is mapped (checked above) and only this test uses it.
        let bytes = unsafe { std::slice::from_raw_parts(self.page(i), page_size()) };
        assert!(
            bytes.iter().all(|&b| b == fill_byte(i)),
            "page {} lost its contents",
            i
        );
    }

    /// Asserts that page `i` is no longer mapped.
    pub fn assert_gone(&self, i: usize) {
        assert!(!is_mapped(self.page(i)), "page {} is still mapped", i);
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        let guard = self.base.wrapping_sub(page_size());
        // SAFETY: the reservation is ours and nothing refers to it any more.
        let ret = unsafe { libc::munmap(guard.cast(), (self.count + 2) * page_size()) };
        if ret != 0 && !std::thread::panicking() {
            panic!("cleanup munmap failed");
        }
    }
}

/// The byte `Pages::map` writes into page `i`.
pub fn fill_byte(i: usize) -> u8 {
    0xA0 + i as u8
}

/// A fresh anonymous read-write mapping of `len` bytes, made with libc's mmap at an address the
/// kernel chooses.
pub fn map_anonymous(len: usize) -> *mut u8 {
    // SAFETY: a fresh mapping at an address the kernel chooses aliases nothing.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(addr, libc::MAP_FAILED, "mmap of {} bytes failed", len);
    addr.cast()
}

/// The process's mappings, (start, end) each, from a fresh read of /proc/self/maps.
///
/// qemu-user builds its emulated /proc/self/maps when the file is opened, so it must be opened
/// after the change it is meant to show; this reads it anew on every call.
pub fn mappings() -> Vec<(usize, usize)> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    maps.lines().map(parse_range).collect()
}

/// The number of the process's mappings and their total size in kB, from /proc/self/maps.
pub fn mappings_count_and_kb() -> (usize, usize) {
    let mappings = mappings();
    let kb = mappings
        .iter()
        .map(|&(start, end)| (end - start) / 1024)
        .sum();
    (mappings.len(), kb)
}

/// A field of /proc/self/status given in kB, such as `VmRSS` or `VmSize`.
pub fn status_kb(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("a {} line in kB in /proc/self/status", field))
}

/// The mapping (start, end) that holds `addr`, from a fresh read of /proc/self/maps.
pub fn mapping_containing(addr: *mut u8) -> Option<(usize, usize)> {
    let addr = addr as usize;
    mappings()
        .into_iter()
        .find(|&(start, end)| start <= addr && addr < end)
}

/// Whether `addr` lies in any mapping.
pub fn is_mapped(addr: *mut u8) -> bool {
    mapping_containing(addr).is_some()
}

fn parse_range(line: &str) -> (usize, usize) {
    let range = line.split_whitespace().next().expect("empty maps line");
    let (start, end) = range.split_once('-').expect("maps line without a range");
    let hex = |s: &str| usize::from_str_radix(s, 16).expect("maps range is not hex");
    (hex(start), hex(end))
}

/// The emulator running this process, when it is qemu-user (`qemu-aarch64`, `qemu-i386`, ...).
///
/// qemu-user rewrites /proc/self/exe to name the guest program, but not
/// /proc/thread-self/exe, which still names the emulator binary.
pub fn qemu_user() -> Option<String> {
    let exe = std::fs::read_link("/proc/thread-self/exe").ok()?;
    let name = exe.file_name()?.to_str()?.to_owned();
    if name.starts_with("qemu-") {
        Some(name)
    } else {
        None
    }
}

/// Why libc's `clone` cannot start the raw threads of the thread tests here, if it cannot.
pub fn clone_cannot_make_raw_threads() -> Option<&'static str> {
    cfg!(target_env = "musl").then_some(
        "musl's clone() refuses CLONE_THREAD and CLONE_CHILD_CLEARTID (flags that leave musl an \
         invalid thread state): a thread runtime on musl makes the clone system call itself",
    )
}

/// Reports a skipped test on stderr, in the form ci/test.sh counts. Returns from the test.
#[macro_export]
macro_rules! skip {
    ($($reason:tt)*) => {{
        let thread = std::thread::current();
        let test = thread.name().unwrap_or(module_path!());
        eprintln!("SKIPPED {}: {}", test, format!($($reason)*));
        return;
    }};
}
