//! munmap_and_exit: a raw thread frees the stack it runs on and exits; the process lives on.
//!
//! - One thread, and its stack gone afterwards.
//! - The signal storm: 20,000 threads (1,000 under qemu-user) free their stacks while another
//!   thread sends each of them SIGUSR1, which has a handler: once as it starts, then, from just
//!   before its exit until it is gone, as fast as it can. Every exit is observed, the process
//!   lives, and no stack is left.
//! - The same storm against munmap_and_exit_keep_sigmask, which leaves signals unblocked, in a
//!   child process: it must die by SIGSEGV, a signal delivered onto an unmapped stack. That shows
//!   the storm test can fail, and what munmap_and_exit's first system call is for.
//! - A thread-id word inside the freed range (natively; qemu-user refuses seccomp filters): a
//!   seccomp user notification holds the thread between its munmap and its exit, another thread
//!   maps a page where the word was, and the kernel's 0 and futex wake at exit land there.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::raw_threads::*;
use common::*;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::Instant;

/// The stacks of the tests below that check the freed pages by address: two pages between guard
/// pages, a hole too small for anything another thread maps meanwhile (the smallest is the
/// alternate signal stack std maps for each new thread, such as libtest's next test: 3 pages).
const STACK_PAGES: usize = 2;

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
    let slot = Slot::default();
    // SAFETY: the thread touches nothing of ours but `stack`, which outlives it (we wait below).
    unsafe {
        slot.spawn(
            thread_main,
            stack.base,
            stack.len,
            &stack as *const Stack as *mut c_void,
        )
    };
    slot.wait_gone();

    for i in 0..STACK_PAGES {
        pages.assert_gone(i);
    }
    // The process is healthy: it can still map, write, unmap and start a thread.
    let fresh = Pages::map(1);
    fresh.assert_intact(0);
    assert_eq!(std::thread::spawn(|| 7).join().unwrap(), 7);
}

/// Threads in flight at a time in a storm round.
const IN_FLIGHT: usize = 8;

/// A storm round's thread: its stack, its slot, and how it ends.
struct StormTask {
    stack: *mut u8,
    len: usize,
    slot: *const Slot,
    block_signals: bool,
}

extern "C" fn storm_thread_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the spawner's task, alive until this thread is gone and read before the
    // stack is freed. The thread uses no thread-local storage and has nothing else to clean up.
    unsafe {
        let task = &*(arg as *const StormTask);
        let (stack, len) = (task.stack.cast(), task.len);
        (*task.slot).announce_exit();
        if task.block_signals {
            munmap::munmap_and_exit(stack, len, 0)
        } else {
            munmap::munmap_and_exit_keep_sigmask(stack, len, 0)
        }
    }
}

/// What a storm round saw.
struct StormReport {
    exits: usize,
    sent: usize,
    handler_runs: usize,
    stacks_left: usize,
}

/// Starts `threads` raw threads, IN_FLIGHT at a time, each on a fresh 64 KiB stack that it frees
/// itself, with munmap_and_exit or (`block_signals` false) munmap_and_exit_keep_sigmask, while
/// the storm signals every one of them. `progress`, if given, counts the threads started.
fn storm_round(threads: usize, block_signals: bool, progress: Option<&AtomicUsize>) -> StormReport {
    install_storm_handler();
    let stacks = Stacks::new(64 * 1024);
    let slots: Vec<Slot> = (0..IN_FLIGHT).map(|_| Slot::default()).collect();
    let mut tasks: Vec<StormTask> = slots
        .iter()
        .map(|slot| StormTask {
            stack: std::ptr::null_mut(),
            len: stacks.len(),
            slot,
            block_signals,
        })
        .collect();
    let runs_before = HANDLER_RUNS.load(Ordering::Relaxed);
    let stop = AtomicBool::new(false);
    let spawn_all = || {
        let mut exits = 0;
        for n in 0..threads {
            let (slot, task) = (&slots[n % IN_FLIGHT], &mut tasks[n % IN_FLIGHT]);
            if n >= IN_FLIGHT {
                slot.wait_gone();
                exits += 1;
            }
            task.stack = stacks.map();
            let (stack, task) = (task.stack, task as *const StormTask as *mut c_void);
            // SAFETY: the thread touches nothing but its task, its slot and its stack; the slot
            // is reused only once the thread is gone.
            unsafe { slot.spawn(storm_thread_main, stack, stacks.len(), task) };
            if let Some(progress) = progress {
                progress.store(n + 1, Ordering::Relaxed);
            }
        }
        for slot in slots.iter().take(threads.min(IN_FLIGHT)) {
            slot.wait_gone();
            exits += 1;
        }
        exits
    };
    // On a raw thread, so that the same round runs in a forked child: see with_raw_storm.
    let (exits, sent) = with_raw_storm(&slots, &stop, spawn_all);
    StormReport {
        exits,
        sent,
        handler_runs: HANDLER_RUNS.load(Ordering::Relaxed) - runs_before,
        stacks_left: stacks.mapped(),
    }
}

#[test]
fn threads_free_their_stacks_under_a_signal_storm() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    let threads = if emulated() { 1_000 } else { 20_000 };
    let start = Instant::now();
    let report = storm_round(threads, true, None);
    println!(
        "storm: {} threads in {:.2} s freed their stacks with munmap_and_exit; {} signals \
         sent to them, the handler ran {} times; {} stacks left mapped",
        threads,
        start.elapsed().as_secs_f64(),
        report.sent,
        report.handler_runs,
        report.stacks_left
    );
    assert_eq!(report.exits, threads, "exits observed");
    assert_eq!(report.stacks_left, 0, "stacks still mapped");
    assert!(report.sent > 0, "the storm sent no signal");
}

#[test]
fn without_its_signal_block_the_same_storm_kills_the_process() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    // SAFETY: sysconf has no preconditions.
    if unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) } < 2 {
        skip!(
            "one CPU online: the storm's sender runs only when the scheduler preempts a thread \
             inside its munmap, which decides by chance whether the process dies (the mipsel \
             kernel under qemu-system ran all 20,000 threads in one run); the control needs a \
             second CPU"
        );
    }
    let _lock = address_space_lock();
    let threads = if emulated() { 20_000 } else { 100_000 };
    // The child's progress, in a page it shares with us.
    // SAFETY: a fresh shared anonymous page at an address the kernel chooses.
    let shared = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            page_size(),
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(shared, libc::MAP_FAILED);
    // SAFETY: the page is ours, zeroed, and an AtomicUsize is valid for any bit pattern.
    let progress = unsafe { &*shared.cast::<AtomicUsize>() };
    let start = Instant::now();
    // SAFETY: the child prints nothing and ends with _exit, or by the signal.
    let child = unsafe { libc::fork() };
    assert!(child >= 0, "fork failed");
    if child == 0 {
        // No core file for the expected SIGSEGV.
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit, alarm and _exit have no preconditions. SIGALRM ends a child that
        // has neither died nor finished in 120 s, which fails the test below.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            libc::alarm(120);
            storm_round(threads, false, Some(progress));
            libc::_exit(0);
        }
    }
    let mut status = 0;
    // SAFETY: `child` is our child; `status` is a valid out-pointer.
    assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
    let started = progress.load(Ordering::Relaxed);
    println!(
        "storm without the signal block: the child {} after {} threads, {:.2} s",
        if libc::WIFSIGNALED(status) {
            format!("died by signal {}", libc::WTERMSIG(status))
        } else {
            format!("exited with {}", libc::WEXITSTATUS(status))
        },
        started,
        start.elapsed().as_secs_f64()
    );
    // SAFETY: the page is ours and unused from here on.
    assert_eq!(unsafe { libc::munmap(shared, page_size()) }, 0);
    assert!(
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSEGV,
        "the storm did not kill the process that leaves signals unblocked (status {:#x}, {} \
         of {} threads started): the storm test cannot tell the signal block is needed",
        status,
        started,
        threads
    );
}

/// What the thread of the tid-word test shares with the test, outside its own stack.
struct Listener {
    fd: AtomicI32,
    stack: *mut u8,
    len: usize,
}

/// The thread's id word: inside its stack, at this offset.
const TID_OFFSET: usize = 64;

extern "C" fn listened_thread_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the test's `Listener`, which outlives this thread; the thread reads it
    // before its stack is freed and has nothing else to clean up.
    unsafe {
        let listener = &*(arg as *const Listener);
        let fd = hold_for_notification(libc::SYS_exit as u32);
        let (stack, len) = (listener.stack, listener.len);
        listener.fd.store(fd, Ordering::Release);
        munmap::munmap_and_exit(stack.cast(), len, 0)
    }
}

/// The system call a thread of this process is blocked in, from /proc: its number and first
/// argument.
fn blocked_in(tid: i32) -> Option<(libc::c_long, usize)> {
    let path = format!("/proc/self/task/{}/syscall", tid);
    let text = std::fs::read_to_string(path).ok()?;
    let mut fields = text.split_whitespace();
    let nr = fields.next()?.parse().ok()?;
    let arg0 = usize::from_str_radix(fields.next()?.trim_start_matches("0x"), 16).ok()?;
    Some((nr, arg0))
}

#[test]
fn a_tid_word_inside_the_range_gets_the_exit_write_in_what_is_mapped_there_next() {
    if let Some(reason) = clone_cannot_make_raw_threads() {
        skip!("{}", reason);
    }
    if let Some(reason) = seccomp_refused() {
        skip!("{}", reason);
    }
    let _lock = address_space_lock();
    let page = page_size();
    let len = STACK_PAGES * page;
    let pages = Pages::map(STACK_PAGES);
    let stack = pages.page(0);
    let word = stack.wrapping_add(TID_OFFSET).cast::<i32>();
    let listener = Listener {
        fd: AtomicI32::new(0),
        stack,
        len,
    };
    // SAFETY: the thread touches nothing of ours but `listener`, which outlives it.
    unsafe {
        spawn(
            listened_thread_main,
            stack,
            len,
            &listener as *const Listener as *mut c_void,
            word,
        )
    };
    let fd = wait_for_listener(&listener.fd);
    assert!(fd > 0, "the thread could not install its seccomp filter");

    // The thread's exit, held: its munmap is done, its exit not yet.
    let notification = receive_notification(fd);
    assert_eq!(notification.data.nr as libc::c_long, libc::SYS_exit);
    for i in 0..STACK_PAGES {
        pages.assert_gone(i);
    }

    // Another thread maps a page where the word was, fills it, and waits on the word.
    let word_page = (word as usize & !(page - 1)) as *mut c_void;
    // SAFETY: MAP_FIXED_NOREPLACE maps nothing over an existing mapping; the range is free.
    let fresh = unsafe {
        libc::mmap(
            word_page,
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    assert_eq!(
        fresh,
        word_page,
        "mmap at the freed page: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: the page is ours.
    unsafe { fresh.cast::<u8>().write_bytes(0xa5, page) };
    let filler = i32::from_ne_bytes([0xa5; 4]);
    let waiter_tid = AtomicI32::new(0);
    let woken = std::thread::scope(|scope| {
        let (word_address, waiter_tid) = (word as usize, &waiter_tid);
        let waiter = scope.spawn(move || {
            let word = word_address as *mut i32;
            // SAFETY: gettid has no preconditions.
            waiter_tid.store(unsafe { libc::gettid() }, Ordering::Release);
            // SAFETY: a futex wait on a live word of the fresh page, while it holds the filler.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    word,
                    libc::FUTEX_WAIT,
                    filler,
                    std::ptr::null::<libc::timespec>(),
                )
            }
        });
        // Let the exit go on only once the waiter sleeps on the word.
        loop {
            let tid = waiter_tid.load(Ordering::Acquire);
            if tid != 0 && blocked_in(tid) == Some((libc::SYS_futex, word as usize)) {
                break;
            }
            std::thread::yield_now();
        }
        continue_notification(fd, &notification);
        waiter.join().unwrap() == 0
    });
    // SAFETY: the listener is ours; the page is ours and the thread is gone (it woke the waiter).
    let bytes = unsafe {
        libc::close(fd);
        std::slice::from_raw_parts(fresh.cast::<u8>(), page).to_vec()
    };
    println!(
        "tid word inside the freed range: the kernel's exit wrote 0 into the page mapped there \
         since and woke its waiter ({})",
        if woken { "woken" } else { "not woken" }
    );
    let offset = word as usize - word_page as usize;
    assert_eq!(
        &bytes[offset..offset + 4],
        &[0; 4],
        "the word in the new page"
    );
    assert!(
        bytes
            .iter()
            .enumerate()
            .all(|(i, &b)| (offset..offset + 4).contains(&i) || b == 0xa5),
        "the rest of the new page"
    );
    assert!(woken, "the futex waiter on the new page was not woken");
    // SAFETY: the page is ours and unused from here on.
    assert_eq!(unsafe { libc::munmap(fresh, page) }, 0);
}
