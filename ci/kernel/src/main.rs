//! The init of ci/kernel.sh's initramfs, process 1 of a real kernel under qemu-system.
//!
//! It mounts /proc (the tests read it), /dev (/dev/null, and /dev/urandom, where a static
//! binary's getrandom looks) and a tmpfs at /tmp, then runs, one at a time, with
//! `MUNMAP_TEST_EMULATED` set (the tests then take the sizes they take under qemu-user):
//!
//! - each test binary in /tests, sorted by name: `BINARY --list`, then `BINARY --show-output`,
//!   between the lines `==> NAME` and `<== NAME STATUS LISTED SECONDS` that ci/suite.sh judges
//!   (STATUS: the exit status, 128 + the signal's number for a binary a signal ended, or
//!   `timeout`; LISTED: the number of tests `--list` gave);
//! - each program in /programs, sorted by name (the freestanding program and its mutants),
//!   between `=>> NAME` and `<<= NAME STATUS SECONDS`, for ci/kernel.sh to judge.
//!
//! A binary still running after LIMIT seconds is killed. On MIPS64 it then shows, with libc's
//! calls alone, the kernel bug that the suite's model steps around there (see
//! `zero_page_bug`), between `=>> zero-page-bug` and `<<= zero-page-bug`. At the end it prints
//! `<<<< done` and reboots the machine.

use std::ffi::CString;
use std::io::Write;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

extern "C" {
    fn mount(
        source: *const c_char,
        target: *const c_char,
        fstype: *const c_char,
        flags: c_ulong,
        data: *const c_void,
    ) -> c_int;
    fn reboot(how: c_int) -> c_int;
    fn sync();
    #[cfg(target_arch = "mips64")]
    fn mmap(
        addr: *mut c_void,
        len: usize,
        prot: c_int,
        flags: c_int,
        fd: c_int,
        offset: i64,
    ) -> *mut c_void;
    #[cfg(target_arch = "mips64")]
    fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int;
    #[cfg(target_arch = "mips64")]
    fn munmap(addr: *mut c_void, len: usize) -> c_int;
}

/// MIPS64 Linux before 6.4 (Debian 12's 6.1 among them) drops `_PAGE_SPECIAL` from a page table
/// entry in mprotect, so that munmap then takes the shared zero page for a page of the process:
/// the kernel logs "BUG: Bad page map" and "Bad rss-counter state", and frees the zero page.
/// Here with glibc's mmap, mprotect and munmap, no munmap crate: 16 pages populated read-only
/// (each maps the zero page), made PROT_NONE, unmapped. Last, as it leaves the kernel damaged.
#[cfg(target_arch = "mips64")]
fn zero_page_bug() {
    const PROT_NONE: c_int = 0;
    const PROT_READ: c_int = 1;
    const MAP_PRIVATE: c_int = 2;
    const MAP_ANONYMOUS: c_int = 0x800;
    const MAP_POPULATE: c_int = 0x10000;
    let len = 16 * 4096;
    println!("=>> zero-page-bug");
    // SAFETY: a fresh mapping at an address the kernel chooses, changed and unmapped by us
    // alone; nothing reads it.
    let status = unsafe {
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
        let addr = mmap(std::ptr::null_mut(), len, PROT_READ, flags, -1, 0);
        if addr as isize == -1 {
            1
        } else if mprotect(addr, len, PROT_NONE) != 0 {
            2
        } else if munmap(addr, len) != 0 {
            3
        } else {
            0
        }
    };
    println!("<<= zero-page-bug {} 0", status);
}

/// LINUX_REBOOT_CMD_RESTART: with -no-reboot, qemu-system exits.
const RESTART: c_int = 0x0123_4567;

/// How long one binary may run.
const LIMIT: Duration = Duration::from_secs(900);

fn mount_fs(fstype: &str, target: &str) {
    let _ = std::fs::create_dir_all(target);
    let (source, target_c, fstype_c) = (
        CString::new(fstype).unwrap(),
        CString::new(target).unwrap(),
        CString::new(fstype).unwrap(),
    );
    // SAFETY: NUL-terminated strings that outlive the call, and no data.
    let ret = unsafe {
        mount(
            source.as_ptr(),
            target_c.as_ptr(),
            fstype_c.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if ret != 0 {
        println!(
            "munmap-kernel-init: mount {} at {}: {}",
            fstype,
            target,
            std::io::Error::last_os_error()
        );
    }
}

/// The files of `dir`, sorted by name.
fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs `binary` with `args` until it ends or LIMIT passes; its status as the judges read it,
/// and the seconds it took.
fn run(binary: &Path, args: &[&str]) -> (String, u64) {
    let start = Instant::now();
    let mut child = match Command::new(binary)
        .args(args)
        .env("MUNMAP_TEST_EMULATED", "qemu-system")
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return (format!("not-started:{}", e.kind() as i32), 0),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => break None,
        }
    };
    let seconds = start.elapsed().as_secs();
    (status.map_or("timeout".to_owned(), code), seconds)
}

fn code(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => code.to_string(),
        (None, Some(signal)) => (128 + signal).to_string(),
        _ => "unknown".to_owned(),
    }
}

/// The number of tests `binary --list` gives, or `unknown`.
fn listed(binary: &Path) -> String {
    let output = Command::new(binary).arg("--list").output();
    let text = output.map(|o| o.stdout).unwrap_or_default();
    String::from_utf8_lossy(&text)
        .lines()
        .find_map(|line| {
            let (count, rest) = line.split_once(' ')?;
            (rest.starts_with("test") && rest.contains("benchmark")).then(|| count.to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn name(binary: &Path) -> String {
    binary.file_name().unwrap().to_string_lossy().into_owned()
}

fn main() {
    mount_fs("proc", "/proc");
    mount_fs("devtmpfs", "/dev");
    mount_fs("tmpfs", "/tmp");
    let version = std::fs::read_to_string("/proc/version").unwrap_or_default();
    println!("munmap-kernel-init: {}", version.trim());
    let _ = std::env::set_current_dir("/tmp");
    for binary in files("/tests") {
        let listed = listed(&binary);
        println!("==> {}", name(&binary));
        let (status, seconds) = run(&binary, &["--show-output"]);
        println!("<== {} {} {} {}", name(&binary), status, listed, seconds);
    }
    for program in files("/programs") {
        println!("=>> {}", name(&program));
        let (status, seconds) = run(&program, &[]);
        println!("<<= {} {} {}", name(&program), status, seconds);
    }
    #[cfg(target_arch = "mips64")]
    zero_page_bug();
    println!("<<<< done");
    let _ = std::io::stdout().flush();
    // SAFETY: sync and reboot take no pointers; this process is init and ends here.
    unsafe {
        sync();
        reboot(RESTART);
    }
}
