//! libseccomp as judge, natively: filters built with it, never by hand.
//!
//! - The munmap reference page's rule, `seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap),
//!   0)`, under a default action that kills the process for anything else the test does not
//!   need: munmap through this crate succeeds and unmaps, and a touch of the page then faults.
//! - `SCMP_ACT_ERRNO(n)` on munmap for several `n`: the crate returns exactly `n`, and nothing is
//!   unmapped.
//! - `seccomp::MUNMAP`: its number is the one libseccomp resolves for munmap, its `arch` the one
//!   libseccomp's native filter compares, and a filter built from its number stops munmap.
//! - Every pair of `seccomp::ALL` whose architecture libseccomp knows: libseccomp resolves munmap
//!   to the same number, and the filter it exports for that architecture compares
//!   `seccomp_data.arch` with our `arch` and `seccomp_data.nr` with our number. The others are
//!   listed by name.
//!
//! Each filter is installed in a child process, which reports through its exit status.

use core::ffi::c_void;
use munmap::seccomp::{self, Syscall};
use munmap_libseccomp::*;

/// Runs `body` in a child process, which exits with the status it returns (or dies by a
/// signal); returns the child's wait status. `body` must not panic: a panic's hook could wait
/// forever on a lock another test thread held when the process forked. SIGALRM ends a child
/// that has not finished in 30 s.
fn in_child(body: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child makes system calls and libseccomp calls only, then _exit.
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => {
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: setrlimit, alarm and _exit have no preconditions.
            unsafe {
                libc::setrlimit(libc::RLIMIT_CORE, &no_core);
                libc::alarm(30);
                libc::_exit(body())
            }
        }
        child => {
            let mut status = 0;
            // SAFETY: `child` is our child; `status` is a valid out-pointer.
            assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
            status
        }
    }
}

/// A system call's number as libseccomp takes it.
#[allow(clippy::unnecessary_cast)] // a c_long: i64 on x86_64, i32 on i686
fn sys(nr: libc::c_long) -> i32 {
    nr as i32
}

/// A fresh page, written to, for the child to unmap.
fn page() -> (*mut u8, usize) {
    // SAFETY: sysconf and a fresh anonymous mapping have no preconditions.
    unsafe {
        let len = libc::sysconf(libc::_SC_PAGESIZE) as usize;
        let map = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(map, libc::MAP_FAILED);
        map.cast::<u8>().write_volatile(0x5a);
        (map.cast(), len)
    }
}

#[test]
fn the_reference_pages_rule_lets_munmap_through_and_the_page_goes() {
    let status = in_child(|| {
        let (map, len) = page();
        // The fault must end the child at once: std's SIGSEGV handler (for stack overflows)
        // would first make rt_sigaction, which the filter refuses.
        // SAFETY: the default action for SIGSEGV.
        unsafe { libc::signal(libc::SIGSEGV, libc::SIG_DFL) };
        // The page's rule, SCMP_SYS(munmap), and the child's report.
        let filter = Filter::new(SCMP_ACT_KILL_PROCESS)
            .rule(SCMP_ACT_ALLOW, sys(libc::SYS_munmap))
            .and_then(|f| f.rule(SCMP_ACT_ALLOW, sys(libc::SYS_exit_group)));
        // SAFETY: from here on the child makes munmap and exit_group only.
        match filter {
            Ok(filter) if unsafe { filter.load() } == 0 => {}
            _ => return 2,
        }
        // SAFETY: the page is the child's and unused.
        if unsafe { munmap::munmap(map.cast::<c_void>(), len) } != Ok(()) {
            return 3;
        }
        // SAFETY: a touch of the unmapped page, which must fault.
        unsafe { map.write_volatile(1) };
        4
    });
    assert!(
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSEGV,
        "the child should have died by SIGSEGV touching the unmapped page: status {:#x} \
         (exit 2: the filter did not load; 3: munmap failed; 4: the page was still there; \
         SIGSYS: a system call the filter refuses)",
        status
    );
    println!("the reference page's rule: munmap succeeded under it, and the touch faulted");
}

#[test]
fn an_errno_action_comes_back_exactly_and_nothing_is_unmapped() {
    // libseccomp 2.5.4 refuses SCMP_ACT_ERRNO(4095) (seccomp_rule_add: -EINVAL); the kernel's
    // cap at 4095 is tests/seccomp.rs's, with a hand-written filter.
    for errno in [1, 13, 22, 1234, 4094] {
        let status = in_child(|| {
            let (map, len) = page();
            let filter =
                Filter::new(SCMP_ACT_ALLOW).rule(scmp_act_errno(errno), sys(libc::SYS_munmap));
            // SAFETY: the filter refuses munmap only.
            match filter {
                Ok(filter) if unsafe { filter.load() } == 0 => {}
                _ => return 2,
            }
            // SAFETY: the page is the child's; the filter refuses the call.
            let result = unsafe { munmap::munmap(map.cast::<c_void>(), len) };
            if result.map_err(|e| e.raw()) != Err(errno as i32) {
                return 3;
            }
            // SAFETY: the page is still mapped: nothing was unmapped.
            if unsafe { map.read_volatile() } != 0x5a {
                return 4;
            }
            0
        });
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "SCMP_ACT_ERRNO({}): status {:#x} (exit 3: munmap did not return exactly {})",
            errno,
            status,
            errno
        );
    }
    println!("SCMP_ACT_ERRNO(n) on munmap, n = 1, 13, 22, 1234, 4094: each returned exactly");
}

/// The constants a filter's jumps compare with, by the `seccomp_data` offset loaded before them
/// (0: nr, 4: arch).
fn compared(bpf: &[(u16, u8, u8, u32)], offset: u32) -> Vec<u32> {
    const LD_W_ABS: u16 = 0x20;
    const JMP_JEQ_K: u16 = 0x15;
    let mut loaded = None;
    let mut values = Vec::new();
    for &(code, _, _, k) in bpf {
        match code {
            LD_W_ABS => loaded = Some(k),
            JMP_JEQ_K if loaded == Some(offset) => values.push(k),
            _ => {}
        }
    }
    values
}

#[test]
fn seccomp_munmap_is_libseccomps_munmap() {
    let ours = seccomp::MUNMAP;
    let native = native_token();
    assert_eq!(
        syscall_number(native, "munmap"),
        Some(ours.nr),
        "munmap's number"
    );
    let bpf = Filter::new(SCMP_ACT_ALLOW)
        .rule(scmp_act_errno(1), sys(libc::SYS_munmap))
        .unwrap()
        .bpf(cfg!(target_endian = "little"));
    assert!(
        compared(&bpf, 4).contains(&ours.arch),
        "arch compared: {:x?}",
        compared(&bpf, 4)
    );
    // A filter built from our number stops munmap.
    let status = in_child(|| {
        let (map, len) = page();
        let filter = Filter::new(SCMP_ACT_ALLOW).rule(scmp_act_errno(77), ours.nr as i32);
        // SAFETY: the filter refuses munmap only.
        match filter {
            Ok(filter) if unsafe { filter.load() } == 0 => {}
            _ => return 2,
        }
        // SAFETY: the page is the child's; the filter refuses the call.
        match unsafe { munmap::munmap(map.cast::<c_void>(), len) } {
            Err(e) if e.raw() == 77 => 0,
            _ => 3,
        }
    });
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {:#x}",
        status
    );
    println!(
        "seccomp::MUNMAP ({:#x}, {}): libseccomp resolves munmap to {} and compares arch {:#x}; \
         a filter on our number stops munmap",
        ours.arch, ours.nr, ours.nr, ours.arch
    );
}

/// `__AUDIT_ARCH_LE` (`include/uapi/linux/audit.h`): the ABI is little-endian.
const AUDIT_ARCH_LE: u32 = 0x4000_0000;

/// libseccomp's name for each pair of `seccomp::ALL`.
const NAMES: [(Syscall, &str); 21] = [
    (seccomp::X86, "x86"),
    (seccomp::X86_64, "x86_64"),
    (seccomp::X32, "x32"),
    (seccomp::AARCH64, "aarch64"),
    (seccomp::ARM, "arm"),
    (seccomp::RISCV32, "riscv32"),
    (seccomp::RISCV64, "riscv64"),
    (seccomp::LOONGARCH64, "loongarch64"),
    (seccomp::POWERPC, "ppc"),
    (seccomp::POWERPC64, "ppc64"),
    (seccomp::POWERPC64LE, "ppc64le"),
    (seccomp::S390X, "s390x"),
    (seccomp::MIPS, "mips"),
    (seccomp::MIPSEL, "mipsel"),
    (seccomp::MIPS64, "mips64"),
    (seccomp::MIPSEL64, "mipsel64"),
    (seccomp::SPARC, "sparc"),
    (seccomp::SPARC64, "sparc64"),
    (seccomp::M68K, "m68k"),
    (seccomp::HEXAGON, "hexagon"),
    (seccomp::CSKY, "csky"),
];

#[test]
fn every_pair_libseccomp_knows_is_its_own() {
    for pair in seccomp::ALL {
        assert!(
            NAMES.iter().any(|(named, _)| *named == pair),
            "{:x?} has no libseccomp name here",
            pair
        );
    }
    let (mut checked, mut unknown) = (0, Vec::new());
    println!(
        "{:<12} {:>12} {:>11}   {:>11} {:>14} {:>11}   match",
        "libseccomp", "our arch", "our nr", "its nr", "filter's arch", "filter's nr"
    );
    for (ours, name) in NAMES {
        let Some(token) = arch_token(name) else {
            unknown.push(name);
            continue;
        };
        let nr = syscall_number(token, "munmap");
        // libseccomp translates the native number to the filter's architecture itself.
        let bpf = Filter::new(SCMP_ACT_ALLOW)
            .only_for(token)
            .and_then(|f| f.rule(scmp_act_errno(1), sys(libc::SYS_munmap)))
            .unwrap_or_else(|e| panic!("{}: libseccomp refused the filter: {}", name, e))
            .bpf(ours.arch & AUDIT_ARCH_LE != 0);
        let (arches, numbers) = (compared(&bpf, 4), compared(&bpf, 0));
        let matches =
            nr == Some(ours.nr) && arches.contains(&ours.arch) && numbers.contains(&ours.nr);
        let show = |values: &[u32]| {
            let shown: Vec<String> = values.iter().map(|v| format!("{:#x}", v)).collect();
            shown.join(",")
        };
        println!(
            "{:<12} {:>#12x} {:>#11x}   {:>11} {:>14} {:>11}   {}",
            name,
            ours.arch,
            ours.nr,
            nr.map_or("none".into(), |nr| format!("{:#x}", nr)),
            show(&arches),
            show(&numbers),
            if matches { "yes" } else { "NO" }
        );
        assert!(
            matches,
            "{}: ours {:x?}, libseccomp resolves {:?}, its filter compares arch {:x?}, nr {:x?}",
            name, ours, nr, arches, numbers
        );
        checked += 1;
    }
    println!(
        "{} pairs checked; libseccomp knows no architecture called {} (not checked)",
        checked,
        unknown.join(", ")
    );
    assert!(checked >= 14, "only {} pairs checked", checked);
}
