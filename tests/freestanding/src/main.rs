//! A freestanding munmap user: maps pages, unmaps some, checks every result, and ends by
//! unmapping a page with `munmap_and_exit`.
//!
//! It prints each munmap call on stdout much as strace shows it (`munmap(0x..., 4096) = 0`,
//! `... = -1 EINVAL errno=22`), so that a trace can be compared with what the program did. The
//! exit status is 0 when every check passed, else the number of the first failed check.

#![no_std]
#![no_main]

use core::ffi::c_void;
use munmap::{munmap, munmap_and_exit, Errno};

mod sys;

/// `AT_PAGESZ`: the auxiliary-vector entry holding the page size.
const AT_PAGESZ: usize = 6;

/// Called by `_start` with the initial stack pointer (argc, argv, envp, auxv).
#[no_mangle]
unsafe extern "C" fn start_rust(initial_sp: *const usize) -> ! {
    // SAFETY: `_start` passes the stack the kernel built.
    let page = unsafe { page_size(initial_sp) };
    match run(page) {
        Ok(scratch) => {
            log_munmap(scratch, page, Ok(()));
            // SAFETY: the scratch page is ours and unused; this thread is the only one.
            unsafe { munmap_and_exit(scratch as *mut c_void, page, 0) }
        }
        Err(check) => sys::exit_group(check),
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    sys::exit_group(100)
}

/// The page size from the auxiliary vector, or 0 if it is missing.
///
/// # Safety
/// `sp` must be the initial stack pointer of the process.
unsafe fn page_size(sp: *const usize) -> usize {
    // SAFETY: the kernel's layout: argc, argc argv pointers and a null, envp pointers up to a
    // null, then (type, value) pairs up to AT_NULL (0). The volatile read keeps the compiler from
    // turning the scan for the null into a call to `wcslen`, which there is no libc to provide.
    unsafe {
        let argc = *sp;
        let mut p = sp.add(1 + argc + 1);
        while p.read_volatile() != 0 {
            p = p.add(1);
        }
        p = p.add(1);
        while *p != 0 {
            if *p == AT_PAGESZ {
                return *p.add(1);
            }
            p = p.add(2);
        }
    }
    0
}

/// The checks, numbered by the exit status a failure gives. Returns a mapped scratch page.
fn run(page: usize) -> Result<usize, i32> {
    check(1, page != 0 && page.is_power_of_two())?;
    let base = sys::mmap_anonymous(4 * page).ok_or(2)?;
    for i in 0..4 * page {
        // SAFETY: inside the four pages just mapped.
        unsafe { *((base + i) as *mut u8) = (i / page) as u8 + 1 };
    }

    // Unmap page 1 of 4: pages 0 and 2 keep their contents.
    check(3, call(base + page, page) == Ok(()))?;
    for i in [0, 2 * page, 3 * page - 1] {
        // SAFETY: pages 0 and 2 are still mapped.
        check(
            4,
            unsafe { *((base + i) as *const u8) } == (i / page) as u8 + 1,
        )?;
    }
    // The kernel's errors, each decoded to its name.
    check(5, call(base + 1, page) == Err(Errno::EINVAL))?;
    check(6, call(base, 0) == Err(Errno::EINVAL))?;
    check(7, call(base, usize::MAX) == Err(Errno::EINVAL))?;
    // The hole again: a range with no mapping succeeds.
    check(8, call(base + page, page) == Ok(()))?;
    // Everything that is left, across the hole; one byte past three pages rounds up to four.
    check(9, call(base, 3 * page + 1) == Ok(()))?;

    sys::mmap_anonymous(page).ok_or(10)
}

fn check(number: i32, passed: bool) -> Result<(), i32> {
    if passed {
        Ok(())
    } else {
        Err(number)
    }
}

/// munmap, logged.
fn call(addr: usize, len: usize) -> Result<(), Errno> {
    // SAFETY: only pages this program mapped and no longer uses, or calls the kernel refuses.
    let result = unsafe { munmap(addr as *mut c_void, len) };
    log_munmap(addr, len, result);
    result
}

/// Prints `munmap(0x<addr>, <len>) = 0` or `... = -1 <NAME> errno=<number>` on stdout.
fn log_munmap(addr: usize, len: usize, result: Result<(), Errno>) {
    let mut line = Line {
        buf: [0; 96],
        len: 0,
    };
    line.push(b"munmap(0x");
    line.number(addr, 16);
    line.push(b", ");
    line.number(len, 10);
    match result {
        Ok(()) => line.push(b") = 0\n"),
        Err(e) => {
            line.push(b") = -1 ");
            line.push(e.name().unwrap_or("?").as_bytes());
            line.push(b" errno=");
            line.number(e.raw() as usize, 10);
            line.push(b"\n");
        }
    }
    sys::write(1, &line.buf[..line.len]);
}

/// A line built on the stack: there is no allocator.
struct Line {
    buf: [u8; 96],
    len: usize,
}

impl Line {
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.len < self.buf.len() {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
    }

    fn number(&mut self, mut n: usize, radix: usize) {
        let mut digits = [0u8; 64];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b"0123456789abcdef"[n % radix];
            n /= radix;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }
}
