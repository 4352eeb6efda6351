//! A JIT that throws away the code it generated, with no page ever writable and executable at
//! once (W^X): the code is written through a writable mapping of a memfd, run through a second,
//! executable mapping of the same memfd, and both are removed with `munmap`.
//!
//! Run with `cargo run --example jit` (x86_64 or aarch64; other targets print why they skip).

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn main() {
    jit::main()
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn main() {
    println!("SKIPPED examples/jit.rs: it has machine code for x86_64 and aarch64 only");
}

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod jit {
    use core::ffi::c_void;

    /// The generated function, `f(x) = 2x + 1`, as this target's machine code.
    #[cfg(target_arch = "x86_64")]
    const CODE: &[u8] = &[
        0x48, 0x8d, 0x44, 0x3f, 0x01, // lea rax, [rdi + rdi + 1]
        0xc3, // ret
    ];
    #[cfg(target_arch = "aarch64")]
    const CODE: &[u8] = &[
        0x00, 0x00, 0x00, 0x8b, // add x0, x0, x0
        0x00, 0x04, 0x00, 0x91, // add x0, x0, #1
        0xc0, 0x03, 0x5f, 0xd6, // ret
    ];

    pub fn main() {
        let page = page_size();
        // SAFETY: memfd_create with a valid name and flags.
        let fd = unsafe { libc::memfd_create(b"jit\0".as_ptr().cast(), libc::MFD_CLOEXEC) };
        assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
        // SAFETY: `fd` is the memfd just made.
        assert_eq!(
            unsafe { libc::ftruncate(fd, page as libc::off_t) },
            0,
            "ftruncate"
        );

        let writable = map(fd, page, libc::PROT_READ | libc::PROT_WRITE);
        let executable = map(fd, page, libc::PROT_READ | libc::PROT_EXEC);
        // SAFETY: the mappings hold the memfd; closing the descriptor does not unmap them.
        unsafe { libc::close(fd) };
        println!(
            "two views of one memfd page: writable at {writable:p}, executable at {executable:p}"
        );

        // SAFETY: the writable view is a page of ours; CODE is shorter than a page.
        unsafe { core::ptr::copy_nonoverlapping(CODE.as_ptr(), writable.cast(), CODE.len()) };
        make_visible_to_instruction_fetch(executable, CODE.len());
        // SAFETY: nothing refers to the writable view any more.
        unsafe { munmap::munmap(writable, page) }.expect("munmap of the writable view");
        println!(
            "wrote {} bytes of code, then unmapped the writable view",
            CODE.len()
        );

        // SAFETY: the executable view holds CODE, a function of this signature, made visible above.
        let f: extern "C" fn(u64) -> u64 = unsafe { core::mem::transmute(executable) };
        let result = f(20);
        println!("called the generated code: f(20) = {result}");
        assert_eq!(result, 41, "the generated code computes 2x + 1");

        // SAFETY: the code is not running and `f` is not called again in this process.
        unsafe { munmap::munmap(executable, page) }.expect("munmap of the code");
        let signal = call_in_child(f);
        println!(
            "unmapped the code; calling it again (in a child process) ends with signal {signal}"
        );
        assert_eq!(signal, libc::SIGSEGV, "a call into unmapped code faults");
    }

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
    }

    /// A shared mapping of the memfd's first page, with `prot`.
    fn map(fd: i32, len: usize, prot: i32) -> *mut c_void {
        // SAFETY: a fresh mapping at an address the kernel chooses aliases nothing of Rust's.
        let addr = unsafe { libc::mmap(core::ptr::null_mut(), len, prot, libc::MAP_SHARED, fd, 0) };
        assert_ne!(
            addr,
            libc::MAP_FAILED,
            "mmap: {}",
            std::io::Error::last_os_error()
        );
        addr
    }

    /// x86 keeps instruction fetch coherent with data writes, even through another mapping.
    #[cfg(target_arch = "x86_64")]
    fn make_visible_to_instruction_fetch(_code: *mut c_void, _len: usize) {}

    /// aarch64 does not: clean the data cache to the point of unification and invalidate the
    /// instruction cache, line by line (the line sizes are in CTR_EL0, which Linux lets user space
    /// read), then synchronise the instruction stream.
    #[cfg(target_arch = "aarch64")]
    fn make_visible_to_instruction_fetch(code: *mut c_void, len: usize) {
        let ctr: u64;
        // SAFETY: reading CTR_EL0 has no side effect.
        unsafe { core::arch::asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack)) };
        let dline = 4usize << ((ctr >> 16) & 0xf);
        let iline = 4usize << (ctr & 0xf);
        let (start, end) = (code as usize, code as usize + len);
        // SAFETY: cache maintenance by address on a mapping of ours; it changes no memory.
        unsafe {
            for line in (start & !(dline - 1)..end).step_by(dline) {
                core::arch::asm!("dc cvau, {}", in(reg) line, options(nostack));
            }
            core::arch::asm!("dsb ish", options(nostack));
            for line in (start & !(iline - 1)..end).step_by(iline) {
                core::arch::asm!("ic ivau, {}", in(reg) line, options(nostack));
            }
            core::arch::asm!("dsb ish", "isb", options(nostack));
        }
    }

    /// Calls `f` in a forked child and returns the signal that ended the child (0 if it exited).
    fn call_in_child(f: extern "C" fn(u64) -> u64) -> i32 {
        // SAFETY: the child only calls `f` and `_exit`s; the parent only waits.
        match unsafe { libc::fork() } {
            -1 => panic!("fork: {}", std::io::Error::last_os_error()),
            0 => unsafe {
                let no_core = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &no_core);
                f(20);
                libc::_exit(0)
            },
            child => {
                let mut status = 0;
                // SAFETY: `child` is our child; `status` is a valid out-pointer.
                assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
                if libc::WIFSIGNALED(status) {
                    libc::WTERMSIG(status)
                } else {
                    0
                }
            }
        }
    }
}
