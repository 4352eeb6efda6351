//! A freestanding munmap user: maps pages, unmaps some, checks every result, and ends by
//! unmapping a page with `munmap_and_exit`.
//!
//! It prints each mmap and munmap call on stdout much as strace shows it (`mmap(NULL, 16384) =
//! 0x...`, `munmap(0x..., 4096) = 0`, `... = -1 EINVAL errno=22 (Invalid argument)`), so that a
//! trace can be compared with what the program did. The exit status is 0 when every check
//! passed, else the number of the first failed check.
//!
//! Run as `munmap-freestanding inject`, it maps one page and makes exactly one munmap call,
//! for a tracer to inject a result into (`strace -e inject=munmap:error=E`), prints that call
//! the same way and exits with 0, or with 1 if the decoded error breaks `Errno`'s contract (a
//! number outside 1 to 4095, or one that `Errno::from_raw` does not give back).
//!
//! Run as `munmap-freestanding exit STATUS` (or `exit-keep-sigmask STATUS`), it maps one page
//! and ends with `munmap_and_exit` (or `munmap_and_exit_keep_sigmask`) of it and STATUS, so that
//! a tracer sees the status reach the kernel.

#![no_std]
#![no_main]
// asm! is unstable on these; ci/targets.sh builds them with the pinned nightly.
#![cfg_attr(
    any(
        target_arch = "mips",
        target_arch = "mips32r6",
        target_arch = "mips64",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64",
        target_arch = "m68k",
        target_arch = "hexagon",
        target_arch = "csky"
    ),
    feature(asm_experimental_arch)
)]

use core::ffi::c_void;
use core::fmt::Write;
use munmap::{munmap, munmap_and_exit, Errno};

mod sys;

/// `AT_PAGESZ`: the auxiliary-vector entry holding the page size.
const AT_PAGESZ: usize = 6;

/// Called by `_start` with the initial stack pointer (argc, argv, envp, auxv).
#[no_mangle]
unsafe extern "C" fn start_rust(initial_sp: *const usize) -> ! {
    // SAFETY: `_start` passes the stack the kernel built.
    let page = unsafe { page_size(initial_sp) };
    // SAFETY: as above: argc, then argc pointers to NUL-terminated arguments.
    let (inject_mode, exit_mode, keep_mode) = unsafe {
        (
            argument_is(initial_sp, 1, b"inject"),
            argument_is(initial_sp, 1, b"exit"),
            argument_is(initial_sp, 1, b"exit-keep-sigmask"),
        )
    };
    if inject_mode {
        sys::exit_group(inject(page));
    }
    if exit_mode || keep_mode {
        // SAFETY: as above.
        let status = unsafe { number_argument(initial_sp, 2) }.unwrap_or(200);
        let scratch = map(page).unwrap_or_else(|| sys::exit_group(201));
        log_munmap(scratch, page, Ok(()));
        // SAFETY: the scratch page is ours and unused; this thread is the only one.
        unsafe {
            if keep_mode {
                munmap::munmap_and_exit_keep_sigmask(scratch as *mut c_void, page, status)
            } else {
                munmap_and_exit(scratch as *mut c_void, page, status)
            }
        }
    }
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

/// Whether the program has an argument `n` and it is `expected`.
///
/// # Safety
/// `sp` must be the initial stack pointer of the process.
unsafe fn argument_is(sp: *const usize, n: usize, expected: &[u8]) -> bool {
    // SAFETY: argc, then the argument pointers, each to a NUL-terminated string.
    unsafe {
        if *sp <= n {
            return false;
        }
        let argument = *sp.add(1 + n) as *const u8;
        for (i, &byte) in expected.iter().enumerate() {
            if argument.add(i).read_volatile() != byte {
                return false;
            }
        }
        argument.add(expected.len()).read_volatile() == 0
    }
}

/// Argument `n` as a decimal number, if it is one.
///
/// # Safety
/// `sp` must be the initial stack pointer of the process.
unsafe fn number_argument(sp: *const usize, n: usize) -> Option<i32> {
    // SAFETY: as for argument_is.
    unsafe {
        if *sp <= n {
            return None;
        }
        let argument = *sp.add(1 + n) as *const u8;
        let mut value: i32 = 0;
        let mut i = 0;
        loop {
            match argument.add(i).read_volatile() {
                0 if i > 0 => return Some(value),
                digit @ b'0'..=b'9' if i < 9 => value = value * 10 + i32::from(digit - b'0'),
                _ => return None,
            }
            i += 1;
        }
    }
}

/// One munmap call on a page of its own, for a tracer to inject into; 0, or 1 if the decoded
/// error is not a valid `Errno`.
fn inject(page: usize) -> i32 {
    let Some(addr) = map(page) else { return 2 };
    match call(addr, page) {
        Ok(()) => 0,
        Err(e) if (1..=4095).contains(&e.raw()) && Errno::from_raw(e.raw()) == Some(e) => 0,
        Err(_) => 1,
    }
}

/// mmap of `len` bytes, logged.
fn map(len: usize) -> Option<usize> {
    let addr = sys::mmap_anonymous(len);
    let mut line = Line::new();
    line.push(b"mmap(NULL, ");
    line.number(len, 10);
    match addr {
        Some(addr) => {
            line.push(b") = 0x");
            line.number(addr, 16);
        }
        None => line.push(b") = -1"),
    }
    line.print();
    addr
}

/// The checks, numbered by the exit status a failure gives. Returns a mapped scratch page.
fn run(page: usize) -> Result<usize, i32> {
    check(1, page != 0 && page.is_power_of_two())?;
    let base = map(4 * page).ok_or(2)?;
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
    check(11, registers_kept(page))?;

    map(page).ok_or(10)
}

/// Values the compiler keeps in registers across munmap come out of it as they went in, with 1
/// to 40 of them live (see tests/registers.rs, whose check this is, here in this program's
/// build): for each count, a page unmapped, the hole again, and an unaligned call.
fn registers_kept(page: usize) -> bool {
    macro_rules! every_count {
        ($($n:literal)*) => { true $(&& kept::<$n>(page))* };
    }
    every_count!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
        21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40)
}

/// What a call left: its result, the live values after it, its address and length.
struct After<const N: usize> {
    result: Result<(), Errno>,
    values: [usize; N],
    addr: usize,
    len: usize,
}

/// The three calls with N values live across each; logged after each, outside the live range.
fn kept<const N: usize>(page: usize) -> bool {
    let Some(addr) = map(page) else {
        return false;
    };
    let input: [usize; N] = core::array::from_fn(|i| {
        (0x5a5a_5a5a_5a5a_5a5a_u64 as usize).rotate_left(i as u32) ^ (i << 4 | 0x9)
    });
    for (addr, expected) in [
        (addr, Ok(())),
        (addr, Ok(())),
        (addr + 1, Err(Errno::EINVAL)),
    ] {
        let after = keeping(&input, addr, page);
        log_munmap(addr, page, after.result);
        if after.result != expected
            || after.values != input
            || after.addr != addr
            || after.len != page
        {
            return false;
        }
    }
    true
}

/// munmap(addr, len) with the N values of `input` read before it and kept live across it.
#[inline(never)]
fn keeping<const N: usize>(input: &[usize; N], addr: usize, len: usize) -> After<N> {
    let mut live = [0; N];
    for i in 0..N {
        // SAFETY: an in-bounds read of the caller's array.
        live[i] = unsafe { core::ptr::read_volatile(&input[i]) };
    }
    // SAFETY: a page this program mapped and no longer uses, or a call the kernel refuses.
    let result = unsafe { munmap(addr as *mut c_void, len) };
    let mut values = [0; N];
    for i in 0..N {
        // SAFETY: an in-bounds write of our own array.
        unsafe { core::ptr::write_volatile(&mut values[i], live[i]) };
    }
    After {
        result,
        values,
        addr,
        len,
    }
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

/// Prints `munmap(0x<addr>, <len>) = 0` or `... = -1 <NAME> errno=<number> (<message>)`.
fn log_munmap(addr: usize, len: usize, result: Result<(), Errno>) {
    let mut line = Line::new();
    line.push(b"munmap(0x");
    line.number(addr, 16);
    line.push(b", ");
    line.number(len, 10);
    match result {
        Ok(()) => line.push(b") = 0"),
        Err(e) => {
            line.push(b") = -1 ");
            line.push(e.name().unwrap_or("?").as_bytes());
            line.push(b" errno=");
            line.number(e.raw() as usize, 10);
            // Display: the message, from the crate's own table.
            let _ = write!(line, " ({})", e);
        }
    }
    line.print();
}

/// A line built on the stack, printed with one write: there is no allocator.
struct Line {
    buf: [u8; 160],
    len: usize,
}

impl Line {
    fn new() -> Line {
        Line {
            buf: [0; 160],
            len: 0,
        }
    }

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

    /// Writes the line and a newline to stdout.
    fn print(mut self) {
        self.push(b"\n");
        sys::write(1, &self.buf[..self.len]);
    }
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        self.push(text.as_bytes());
        Ok(())
    }
}
