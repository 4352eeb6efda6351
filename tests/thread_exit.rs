//! What munmap_and_exit and munmap_and_exit_keep_sigmask hand the kernel, each read back from
//! outside the thread that made the calls, so that a wrong number, register or flag in their
//! `asm!` fails a test (ci/mutants.sh makes such mistakes on purpose):
//!
//! - the status: a forked child's only thread ends the child with it, as its parent reads back
//!   (`WEXITSTATUS`);
//! - the thread, not the process: in a forked child, a raw thread ends while the main thread
//!   lives on, waits for it to be gone and ends the child with a status of its own (`exit_group`
//!   in the thread would end the child with the thread's);
//! - the signal mask at munmap: a seccomp user notification holds the thread at its munmap
//!   (natively; qemu-user refuses seccomp filters) while /proc shows its blocked signals: every
//!   signal the kernel lets a thread block, or, after munmap_and_exit_keep_sigmask, the mask the
//!   thread set itself;
//! - no old mask written: `status` is the address of a zeroed shared page and a signal is blocked
//!   (the old mask is not 0); rt_sigprocmask's oldset is NULL, so the page stays zero.
//!
//! Natively and on ci/kernel.sh's real kernels. Under qemu-user they skip (`forks_hang`, and
//! seccomp), and the freestanding program's trace checks the same there (ci/freestanding.sh).

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::raw_threads::*;
use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, Ordering};

/// The two ways to end a thread that the crate offers.
#[derive(Clone, Copy, Debug)]
enum Exit {
    BlockSignals,
    KeepSigmask,
}

impl Exit {
    /// Unmaps `[addr, addr + len)` and ends the calling thread with `status`.
    ///
    /// # Safety
    /// As for munmap_and_exit.
    unsafe fn call(self, addr: *mut u8, len: usize, status: i32) -> ! {
        // SAFETY: as the caller vouches.
        unsafe {
            match self {
                Exit::BlockSignals => munmap::munmap_and_exit(addr.cast(), len, status),
                Exit::KeepSigmask => munmap::munmap_and_exit_keep_sigmask(addr.cast(), len, status),
            }
        }
    }
}

/// Runs `child` in a forked child process and returns its wait status. The child must end the
/// process; should it return, it ends with 99. SIGALRM ends a child that hangs for 60 s. The
/// callers hold the address-space lock: no other test of this binary is running its threads at
/// the fork (under qemu-user a child forked while another test's thread ran hung, waiting on a
/// lock of the emulator's that the fork caught held).
fn in_child(child: impl FnOnce()) -> libc::c_int {
    // SAFETY: the child makes system calls and ends with _exit or its exit; it takes no lock
    // another thread of the parent may have held at the fork (no std thread, no allocation
    // in what the tests below run there but in their setup, done before the fork).
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        // SAFETY: alarm and _exit have no preconditions.
        unsafe { libc::alarm(60) };
        child();
        // SAFETY: as above.
        unsafe { libc::_exit(99) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is a valid out-pointer.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    status
}

/// Why the tests that fork cannot run here, if they cannot: under qemu-user (7.2), a child forked
/// from a test thread of this multi-threaded process at times hangs, with every thread waiting
/// on a futex, or ends with 127 (both seen in one run in two, with one test at a time; with the
/// tests on the main thread, `--test-threads 1`, never). The freestanding program carries the
/// same checks under qemu-user: its trace shows exit, not exit_group, the old set NULL, and its
/// `exit 77` run the status (ci/freestanding.sh).
fn forks_hang() -> Option<String> {
    qemu_user().map(|emulator| {
        format!(
            "{} at times hangs a child forked from a test thread of this process, or ends it \
             with 127; ci/freestanding.sh checks the same there",
            emulator
        )
    })
}

/// A wait status, as words.
fn describe(status: libc::c_int) -> String {
    if libc::WIFEXITED(status) {
        format!("exited with {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("wait status {:#x}", status)
    }
}

/// Blocks `signal` in the calling thread, with the system call (a raw thread has no libc state).
fn block(signal: libc::c_int) {
    // SAFETY: an all-zero sigset_t is valid; sigaddset and the call only read and write it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigaddset(&mut set, signal);
        let ret = libc::syscall(
            libc::SYS_rt_sigprocmask,
            SIG_BLOCK,
            &set as *const libc::sigset_t,
            std::ptr::null_mut::<libc::sigset_t>(),
            KERNEL_SIGSET_BYTES,
        );
        assert_eq!(ret, 0, "rt_sigprocmask");
    }
}

/// `SIG_BLOCK`: 1 on mips and sparc, 0 elsewhere. Not the `libc` crate's: 0.2.191 gives mips64
/// the generic 0 (its `cfg` names `mips` twice where it means `mips64`), which the kernel
/// refuses with EINVAL.
const SIG_BLOCK: libc::c_int = if cfg!(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc",
    target_arch = "sparc64"
)) {
    1
} else {
    0
};

/// `SIGSTOP`: 23 on mips, 17 on sparc, 19 elsewhere; not the `libc` crate's either, which gives
/// mips64 the generic 19.
const SIGSTOP: libc::c_int = if cfg!(any(target_arch = "mips", target_arch = "mips64")) {
    23
} else if cfg!(any(target_arch = "sparc", target_arch = "sparc64")) {
    17
} else {
    19
};

/// The kernel's sigset_t: a bit per signal, 64 of them, 128 on mips.
const KERNEL_SIGSET_BYTES: usize = if cfg!(any(target_arch = "mips", target_arch = "mips64")) {
    16
} else {
    8
};

#[test]
fn the_last_thread_ends_the_process_with_its_status() {
    if let Some(reason) = forks_hang() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    let page = page_size();
    for exit in [Exit::BlockSignals, Exit::KeepSigmask] {
        for status in [0x5a, 0xa5] {
            let wait = in_child(|| {
                let scratch = map_anonymous(page);
                // SAFETY: the page is the child's own and unused after the call.
                unsafe { exit.call(scratch, page, status) }
            });
            println!(
                "{:?}, status {:#x}: the child {}",
                exit,
                status,
                describe(wait)
            );
            assert!(
                libc::WIFEXITED(wait) && libc::WEXITSTATUS(wait) == status,
                "{:?} with status {:#x}: the child {}",
                exit,
                status,
                describe(wait)
            );
        }
    }
}

/// What the raw thread of the tests below is given, outside its stack.
struct Task {
    exit: Exit,
    stack: *mut u8,
    len: usize,
    status: i32,
    /// Set to the listener's descriptor (or -1) once the thread is held at munmap, when it is.
    listener: AtomicI32,
    hold_munmap: bool,
    block_first: Option<libc::c_int>,
}

extern "C" fn task_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the test's Task, alive until this thread is gone, and read before the
    // stack is freed. The thread uses no thread-local storage and has nothing to clean up.
    unsafe {
        let task = &*(arg as *const Task);
        if let Some(signal) = task.block_first {
            block(signal);
        }
        if task.hold_munmap {
            let fd = hold_for_notification(munmap::seccomp::MUNMAP.nr);
            task.listener.store(fd, Ordering::Release);
        }
        task.exit.call(task.stack, task.len, task.status)
    }
}

impl Task {
    fn new(exit: Exit, status: i32) -> Task {
        let len = 64 * 1024;
        Task {
            exit,
            stack: map_anonymous(len),
            len,
            status,
            listener: AtomicI32::new(0),
            hold_munmap: false,
            block_first: None,
        }
    }

    /// Starts the raw thread in `slot`.
    fn spawn(&self, slot: &Slot) {
        // SAFETY: the thread uses nothing but this task, which outlives it (the callers wait
        // for it to be gone), and its own stack.
        unsafe {
            slot.spawn(
                task_main,
                self.stack,
                self.len,
                self as *const Task as *mut c_void,
            )
        };
    }
}

#[test]
fn a_thread_ends_alone_and_the_process_lives_on() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    if let Some(reason) = forks_hang() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    for exit in [Exit::BlockSignals, Exit::KeepSigmask] {
        let task = Task::new(exit, 0x11);
        let slot = Slot::default();
        let wait = in_child(|| {
            task.spawn(&slot);
            slot.wait_gone();
            // The thread's stack is gone, and its status went nowhere: the child goes on.
            let stack_gone = mapping_containing(task.stack).is_none();
            // SAFETY: _exit has no preconditions.
            unsafe { libc::_exit(if stack_gone { 0x22 } else { 0x33 }) }
        });
        // SAFETY: the parent's copy of the child's stack is ours and unused.
        assert_eq!(unsafe { libc::munmap(task.stack.cast(), task.len) }, 0);
        println!(
            "{:?}: a raw thread ended with status 0x11, then the child {}",
            exit,
            describe(wait)
        );
        assert!(
            libc::WIFEXITED(wait) && libc::WEXITSTATUS(wait) == 0x22,
            "{:?}: the child {} (0x11: the thread ended the process; 0x33: its stack stayed \
             mapped); expected 0x22 from the main thread",
            exit,
            describe(wait)
        );
    }
}

/// The signals /proc/PID/task/TID/status shows as blocked: its SigBlk field, in hex, as one
/// bit per signal (bit n - 1 for signal n), in 32-bit words from the lowest.
fn blocked_signals(tid: i32) -> Vec<u32> {
    let path = format!("/proc/self/task/{}/status", tid);
    let status = std::fs::read_to_string(&path).expect("read the thread's status");
    let hex = status
        .lines()
        .find_map(|line| line.strip_prefix("SigBlk:"))
        .expect("a SigBlk line")
        .trim();
    (0..hex.len() / 8)
        .rev()
        .map(|i| u32::from_str_radix(&hex[8 * i..8 * i + 8], 16).expect("SigBlk is hex"))
        .collect()
}

/// A mask of `words` 32-bit words with exactly `signals` set.
fn mask_of(words: usize, signals: impl IntoIterator<Item = libc::c_int>) -> Vec<u32> {
    let mut mask = vec![0; words];
    for signal in signals {
        let bit = signal as usize - 1;
        mask[bit / 32] |= 1 << (bit % 32);
    }
    mask
}

#[test]
fn at_munmap_the_thread_blocks_every_signal_it_can() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    if let Some(reason) = seccomp_refused() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    for exit in [Exit::BlockSignals, Exit::KeepSigmask] {
        let mut task = Task::new(exit, 0);
        task.hold_munmap = true;
        // The mask keep_sigmask must leave as it is: one the thread sets itself.
        task.block_first = Some(libc::SIGUSR2);
        let slot = Slot::default();
        task.spawn(&slot);
        let fd = wait_for_listener(&task.listener);
        assert!(fd > 0, "the thread could not install its seccomp filter");
        let notification = receive_notification(fd);
        assert_eq!(
            notification.data.nr as i64,
            munmap::seccomp::MUNMAP.nr as i64,
            "held at another system call than munmap"
        );
        let blocked = blocked_signals(slot.tid());
        continue_notification(fd, &notification);
        slot.wait_gone();
        // SAFETY: the listener is ours.
        unsafe { libc::close(fd) };
        let words = blocked.len();
        let expected = match exit {
            // Every signal but SIGKILL and SIGSTOP, which the kernel never blocks.
            Exit::BlockSignals => {
                let all =
                    (1..=32 * words as libc::c_int).filter(|&s| s != libc::SIGKILL && s != SIGSTOP);
                mask_of(words, all)
            }
            Exit::KeepSigmask => mask_of(words, [libc::SIGUSR2]),
        };
        println!(
            "{:?}: at munmap the thread's SigBlk is {:08x?} (lowest word first)",
            exit, blocked
        );
        assert_eq!(
            blocked, expected,
            "{:?}: the signals blocked at munmap",
            exit
        );
    }
}

/// A zeroed page shared with forked children, at an address that an `i32` status holds.
fn low_shared_page() -> *mut u8 {
    let page = page_size();
    for hint in (1..16usize).map(|i| i << 26) {
        // SAFETY: a fresh mapping at a free address near the hint, which aliases nothing.
        let addr = unsafe {
            libc::mmap(
                hint as *mut c_void,
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(addr, libc::MAP_FAILED, "mmap of a shared page");
        if (addr as usize) < i32::MAX as usize {
            return addr.cast();
        }
        // SAFETY: the page is ours and unused.
        unsafe { libc::munmap(addr, page) };
    }
    panic!("no page below 2 GiB could be mapped");
}

#[test]
fn no_old_mask_is_written() {
    if let Some(reason) = forks_hang() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    let page = page_size();
    let trap = low_shared_page();
    let wait = in_child(|| {
        // The old mask is not 0, so that writing it would show.
        block(libc::SIGUSR2);
        let scratch = map_anonymous(page);
        // SAFETY: the page is the child's own and unused after the call.
        unsafe { munmap::munmap_and_exit(scratch.cast(), page, trap as usize as i32) }
    });
    // SAFETY: the shared page is ours; the child is gone.
    let bytes = unsafe { std::slice::from_raw_parts(trap, page) }.to_vec();
    // SAFETY: the page is ours and unused from here on.
    assert_eq!(unsafe { libc::munmap(trap.cast(), page) }, 0);
    println!(
        "munmap_and_exit with the status {:p}, a zeroed page: the child {}, the page {}",
        trap,
        describe(wait),
        if bytes.iter().all(|&b| b == 0) {
            "still zero"
        } else {
            "written"
        }
    );
    assert!(
        bytes.iter().all(|&b| b == 0),
        "rt_sigprocmask wrote the old mask at the address the status holds"
    );
    assert!(libc::WIFEXITED(wait), "the child {}", describe(wait));
}
