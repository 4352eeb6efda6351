//! munmap_and_exit: a raw thread frees the stack it runs on and exits; the process lives on.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, Ordering};

const STACK_PAGES: usize = 16;

/// What the new thread is given: its own stack, to free.
struct Stack {
    base: *mut u8,
    len: usize,
}

extern "C" fn thread_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the `Stack` the parent keeps alive until this thread is gone; the
    // thread reads it before the call and uses nothing afterwards. The thread has no Rust
    // runtime state of its own to clean up.
    unsafe {
        let stack = &*(arg as *const Stack);
        // A thread's status goes nowhere; were the whole process to exit instead (exit_group),
        // this non-zero status would fail the test run.
        munmap::munmap_and_exit(stack.base.cast(), stack.len, 42)
    }
}

#[test]
fn thread_frees_its_own_stack_and_exits() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    let pages = Pages::map(STACK_PAGES);
    let stack = Stack {
        base: pages.page(0),
        len: STACK_PAGES * page_size(),
    };
    let stack_top = pages.page(STACK_PAGES).cast::<c_void>();
    // The kernel clears this word and wakes its futex when the thread is gone.
    let child_tid = AtomicI32::new(-1);

    let flags = libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM
        | libc::CLONE_CHILD_CLEARTID;
    // SAFETY: the new thread runs `thread_main` on a stack of its own and touches nothing of
    // this thread's but `stack`, which outlives it (we wait below).
    let tid = unsafe {
        libc::clone(
            thread_main,
            stack_top,
            flags,
            &stack as *const Stack as *mut c_void,
            std::ptr::null_mut::<libc::pid_t>(),
            std::ptr::null_mut::<c_void>(),
            child_tid.as_ptr(),
        )
    };
    assert!(tid > 0, "clone failed: {}", std::io::Error::last_os_error());

    loop {
        let value = child_tid.load(Ordering::Acquire);
        if value == 0 {
            break;
        }
        // SAFETY: a futex wait on a live, aligned word of ours; it returns at once if the word
        // no longer holds `value`.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                child_tid.as_ptr(),
                libc::FUTEX_WAIT,
                value,
                std::ptr::null::<libc::timespec>(),
            )
        };
    }

    for i in 0..STACK_PAGES {
        pages.assert_gone(i);
    }
    // The process is healthy: it can still map, write, unmap and start a thread.
    let fresh = Pages::map(1);
    fresh.assert_intact(0);
    assert_eq!(std::thread::spawn(|| 7).join().unwrap(), 7);
}
