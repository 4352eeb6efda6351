//! Helpers shared by the behaviour tests: mappings made with libc's mmap, the process's
//! mappings read from /proc/self/maps, and detection of the qemu-user emulator.

#![allow(dead_code)] // each test binary uses its own subset

pub mod raw_threads;

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Read-write pages made with libc's mmap, page `i` filled with `fill_byte(i)`, between two
/// inaccessible guard pages: one private mapping of a memfd of their own. The guards keep the
/// holes a test punches small and enclosed, but what another thread maps meanwhile can still
/// land in one (musl's malloc maps single pages; std's alternate signal stack for a new thread
/// takes 3). The memfd's name in /proc/self/maps tells the reservation's own mappings from
/// those: a page is gone when no mapping of the memfd covers it, and dropping `Pages` unmaps,
/// with libc's munmap, exactly the parts of the reservation that are still the memfd's.
pub struct Pages {
    base: *mut u8,
    count: usize,
    name: String,
}

impl Pages {
    pub fn map(count: usize) -> Pages {
        let size = page_size();
        let len = (count + 2) * size;
        let (fd, name) = named_memfd("munmap-test-pages", len);
        // SAFETY: a fresh reservation at an address the kernel chooses aliases nothing.
        let guard = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE,
                fd,
                0,
            )
        };
        // SAFETY: the memfd is ours; the mapping keeps the file alive on its own.
        unsafe { libc::close(fd) };
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
        let pages = Pages { base, count, name };
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

    /// Whether page `i` is still mapped from the reservation's memfd.
    pub fn holds(&self, i: usize) -> bool {
        let page = self.page(i) as usize;
        mappings_of(&self.name)
            .iter()
            .any(|&(start, end)| start <= page && page < end)
    }

    /// Asserts that page `i` is mapped and still holds `fill_byte(i)` in every byte.
    pub fn assert_intact(&self, i: usize) {
        assert!(self.holds(i), "page {} is no longer mapped", i);
        // SAFETY: the page is mapped (checked above) and only this test uses it.
        let bytes = unsafe { std::slice::from_raw_parts(self.page(i), page_size()) };
        assert!(
            bytes.iter().all(|&b| b == fill_byte(i)),
            "page {} lost its contents",
            i
        );
    }

    /// Asserts that page `i` is no longer mapped (what another thread may have mapped there
    /// since is not the reservation's).
    pub fn assert_gone(&self, i: usize) {
        assert!(!self.holds(i), "page {} is still mapped", i);
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // The memfd is mapped nowhere but in the reservation.
        for (start, end) in mappings_of(&self.name) {
            // SAFETY: the range is still the reservation's and nothing refers to it any more.
            let ret = unsafe { libc::munmap(start as *mut c_void, end - start) };
            if ret != 0 && !std::thread::panicking() {
                panic!("cleanup munmap failed");
            }
        }
    }
}

/// A memfd of `len` bytes whose name, `PREFIX-N`, no other memfd of the process has.
pub fn named_memfd(prefix: &str, len: usize) -> (libc::c_int, String) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("{}-{}", prefix, NEXT.fetch_add(1, Ordering::Relaxed));
    let c_name = std::ffi::CString::new(name.clone()).unwrap();
    // SAFETY: a fresh memfd with a NUL-terminated name.
    let fd = unsafe { libc::memfd_create(c_name.as_ptr(), libc::MFD_CLOEXEC) };
    assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` is ours.
    assert_eq!(unsafe { libc::ftruncate(fd, len as libc::off_t) }, 0);
    (fd, name)
}

/// The mappings of the memfd named `name`, (start, end) each, from a fresh read of
/// /proc/self/maps.
pub fn mappings_of(name: &str) -> Vec<(usize, usize)> {
    mappings_of_path(&format!("/memfd:{}", name))
}

/// The mappings of the file at `path` (as /proc/self/maps names it; a memfd's is
/// "/memfd:NAME"), (start, end) each, from a fresh read of /proc/self/maps.
pub fn mappings_of_path(path: &str) -> Vec<(usize, usize)> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    // The sixth field is the path (a memfd's: "/memfd:NAME (deleted)").
    maps.lines()
        .filter(|line| line.split_whitespace().nth(5) == Some(path))
        .map(parse_range)
        .collect()
}

/// A classic BPF statement, for the seccomp filters of the tests.
pub fn bpf_stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

/// A BPF jump: on to the next statement if the accumulator equals `k`, else over `jf` of them.
pub fn bpf_jump_eq(k: u32, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt: 0,
        jf,
        k,
    }
}

/// Installs a seccomp filter, on the calling thread alone, that holds its system call `nr` (of
/// munmap's ABI) for a user notification, and returns the listener's file descriptor, or -1.
///
/// # Safety
/// Makes system calls only; the calling thread must be a raw thread of this process, whose
/// later calls of `nr` wait for a response from the listener.
pub unsafe fn hold_for_notification(nr: u32) -> libc::c_int {
    let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let mut program = [
        bpf_stmt(load, 4), // seccomp_data.arch
        bpf_jump_eq(munmap::seccomp::MUNMAP.arch, 3),
        bpf_stmt(load, 0), // seccomp_data.nr
        bpf_jump_eq(nr, 1),
        bpf_stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_USER_NOTIF),
        bpf_stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: as the caller vouches; the filter is read before the call returns.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return -1;
        }
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            libc::SECCOMP_FILTER_FLAG_NEW_LISTENER,
            &fprog,
        ) as libc::c_int
    }
}

/// Why seccomp filters cannot be installed here, if they cannot: qemu-user refuses them.
pub fn seccomp_refused() -> Option<String> {
    qemu_user().map(|emulator| {
        format!(
            "{} refuses to install seccomp filters (PR_SET_SECCOMP fails)",
            emulator
        )
    })
}

/// Waits until a thread has stored its listener's descriptor (or -1) in `word`, and returns it.
pub fn wait_for_listener(word: &std::sync::atomic::AtomicI32) -> libc::c_int {
    loop {
        match word.load(Ordering::Acquire) {
            0 => std::thread::yield_now(),
            fd => return fd,
        }
    }
}

/// Waits for the next call held by the listener `fd` (see `hold_for_notification`).
pub fn receive_notification(fd: libc::c_int) -> libc::seccomp_notif {
    // SAFETY: an all-zero seccomp_notif is what SECCOMP_IOCTL_NOTIF_RECV asks for.
    let mut notification: libc::seccomp_notif = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is a listener; the kernel fills `notification`.
    let received = unsafe { libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_RECV, &mut notification) };
    assert_eq!(
        received,
        0,
        "NOTIF_RECV: {}",
        std::io::Error::last_os_error()
    );
    notification
}

/// Lets the held call go on, as the kernel would have run it.
pub fn continue_notification(fd: libc::c_int, notification: &libc::seccomp_notif) {
    #[allow(clippy::unnecessary_cast)] // a c_ulong: u64 on 64-bit targets, u32 on 32-bit
    let response = libc::seccomp_notif_resp {
        id: notification.id,
        val: 0,
        error: 0,
        flags: libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
    };
    // SAFETY: `fd` is the listener; `response` answers the notification it gave.
    let sent = unsafe { libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_SEND, &response) };
    assert_eq!(sent, 0, "NOTIF_SEND: {}", std::io::Error::last_os_error());
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

/// The (start, end) of a /proc/self/maps line.
pub fn parse_range(line: &str) -> (usize, usize) {
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

/// Whether the tests that repeat their work should do less of it: under qemu-user, or where
/// `MUNMAP_TEST_EMULATED` is set, as ci/kernel.sh sets it on a real kernel that qemu-system
/// emulates (nothing in the guest tells). The native runs keep their sizes.
pub fn emulated() -> bool {
    qemu_user().is_some() || std::env::var_os("MUNMAP_TEST_EMULATED").is_some()
}

/// Why no page of this process should map the zero page and then have its protection changed,
/// if it should not: on MIPS64 Linux before 6.4, mprotect drops the page table entry's
/// `_PAGE_SPECIAL` bit (`pte_modify` keeps only `_PAGE_CHG_MASK`, which lacked it), and the
/// unmap that follows takes the shared zero page for a page of the process's own: "BUG: Bad page
/// map", "Bad rss-counter state", and the zero page freed under the whole system. Fixed in 6.4 by
/// "MIPS: Don't clear _PAGE_SPECIAL in _PAGE_CHG_MASK"; Debian 12's 6.1 has it, and ci/kernel.sh
/// shows it there with libc's calls alone. (The 32-bit 4kc-malta kernel ran the model clean.)
pub fn zero_page_loses_its_special_bit() -> Option<String> {
    if !cfg!(any(target_arch = "mips64", target_arch = "mips64r6")) || qemu_user().is_some() {
        return None;
    }
    // SAFETY: an all-zero utsname is valid, and uname fills it.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `name` is a valid out-pointer.
    assert_eq!(unsafe { libc::uname(&mut name) }, 0, "uname");
    // SAFETY: uname NUL-terminates the release.
    let release = unsafe { std::ffi::CStr::from_ptr(name.release.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    let mut numbers = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let version = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (version < (6, 4)).then(|| {
        format!(
            "Linux {} on MIPS64 drops the zero page's _PAGE_SPECIAL bit in mprotect (fixed in \
             6.4, \"MIPS: Don't clear _PAGE_SPECIAL in _PAGE_CHG_MASK\")",
            release
        )
    })
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
