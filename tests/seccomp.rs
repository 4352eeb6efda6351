//! munmap under a seccomp filter: the errno the filter chooses comes back exactly, and a filter
//! on another number or another ABI leaves munmap working. Also checks the exported values.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use munmap::seccomp::{self, Syscall, MUNMAP};
use munmap::Errno;

#[test]
fn audit_arch_values_follow_from_the_elf_machine_numbers() {
    // include/uapi/linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
    let audit = |machine: u16, bits64: bool, little: bool| {
        u32::from(machine)
            | if bits64 { 0x8000_0000 } else { 0 }
            | if little { 0x4000_0000 } else { 0 }
    };
    // EM_LOONGARCH (258), which the libc crate does not define, from include/uapi/linux/elf-em.h.
    let em_loongarch = 258;
    let expected = [
        (seccomp::AUDIT_ARCH_I386, audit(libc::EM_386, false, true)),
        (
            seccomp::AUDIT_ARCH_X86_64,
            audit(libc::EM_X86_64, true, true),
        ),
        (
            seccomp::AUDIT_ARCH_AARCH64,
            audit(libc::EM_AARCH64, true, true),
        ),
        (seccomp::AUDIT_ARCH_ARM, audit(libc::EM_ARM, false, true)),
        (seccomp::AUDIT_ARCH_PPC, audit(libc::EM_PPC, false, false)),
        (
            seccomp::AUDIT_ARCH_RISCV32,
            audit(libc::EM_RISCV, false, true),
        ),
        (
            seccomp::AUDIT_ARCH_RISCV64,
            audit(libc::EM_RISCV, true, true),
        ),
        (
            seccomp::AUDIT_ARCH_LOONGARCH64,
            audit(em_loongarch, true, true),
        ),
        (
            seccomp::AUDIT_ARCH_PPC64,
            audit(libc::EM_PPC64, true, false),
        ),
        (
            seccomp::AUDIT_ARCH_PPC64LE,
            audit(libc::EM_PPC64, true, true),
        ),
        (seccomp::AUDIT_ARCH_S390X, audit(libc::EM_S390, true, false)),
    ];
    for (ours, from_elf) in expected {
        assert_eq!(ours, from_elf, "{:#x}", ours);
    }
    assert_eq!(MUNMAP.nr as libc::c_long, libc::SYS_munmap);
    assert!(seccomp::ALL.contains(&MUNMAP));
    // One entry per ABI: x32 shares x86_64's audit architecture, with numbers of its own.
    let mut pairs: Vec<(u32, u32)> = seccomp::ALL.iter().map(|s| (s.arch, s.nr)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(pairs.len(), seccomp::ALL.len(), "one entry per ABI");
    assert_eq!(seccomp::X32.arch, seccomp::AUDIT_ARCH_X86_64);
}

#[test]
fn filter_on_munmap_returns_exactly_its_errno() {
    if let Some(reason) = seccomp_refused() {
        skip!("{}", reason);
    }
    // 1234 is no errno Linux defines: it arrives all the same, not replaced by another. 4095 is
    // the largest the kernel passes on; it caps 5000 at 4095 itself (kernel/seccomp.c).
    for (errno, expected) in [
        (libc::EPERM, libc::EPERM),
        (libc::EACCES, libc::EACCES),
        (1234, 1234),
        (4095, 4095),
        (5000, 4095),
    ] {
        let result = munmap_under_filter(MUNMAP, errno as u32);
        assert_eq!(
            result,
            Err(Errno::from_raw(expected).unwrap()),
            "filter errno {}",
            errno
        );
    }
}

#[test]
fn filter_on_another_number_leaves_munmap_working() {
    if let Some(reason) = seccomp_refused() {
        skip!("{}", reason);
    }
    let other_number = Syscall {
        arch: MUNMAP.arch,
        nr: MUNMAP.nr + 1,
    };
    assert_eq!(
        munmap_under_filter(other_number, libc::EPERM as u32),
        Ok(())
    );
}

#[test]
fn filter_on_another_abi_leaves_munmap_working() {
    if let Some(reason) = seccomp_refused() {
        skip!("{}", reason);
    }
    let other = seccomp::ALL.iter().find(|s| s.arch != MUNMAP.arch).unwrap();
    let other_abi = Syscall {
        arch: other.arch,
        nr: MUNMAP.nr,
    };
    assert_eq!(munmap_under_filter(other_abi, libc::EPERM as u32), Ok(()));
}

/// In a forked child, installs a filter that fails `target` with `errno`, calls munmap on a page
/// of its own, and reports the result through a shared page.
fn munmap_under_filter(target: Syscall, errno: u32) -> Result<(), Errno> {
    let _lock = address_space_lock();
    let victim = Pages::map(1);
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
    let report = shared.cast::<i32>();
    // SAFETY: the page is ours. -1 stands for "the child never reported".
    unsafe { report.write_volatile(-1) };

    let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let mut program = [
        bpf_stmt(load, 4), // seccomp_data.arch
        bpf_jump_eq(target.arch, 3),
        bpf_stmt(load, 0), // seccomp_data.nr
        bpf_jump_eq(target.nr, 1),
        bpf_stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ERRNO | errno),
        bpf_stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };

    // SAFETY: the child makes only system calls and volatile writes before `_exit`.
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog) != 0
            {
                libc::_exit(2);
            }
            let result = munmap::munmap(victim.page(0).cast(), page_size());
            report.write_volatile(match result {
                Ok(()) => 0,
                Err(e) => e.raw(),
            });
            libc::_exit(0);
        },
        child => {
            let mut status = 0;
            // SAFETY: `child` is our child; `status` is a valid out-pointer.
            assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
            assert!(
                libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
                "child could not install the filter (status {:#x})",
                status
            );
            // SAFETY: the child has exited; the page is ours.
            let raw = unsafe { report.read_volatile() };
            // SAFETY: the shared page is ours and unused from here on.
            assert_eq!(unsafe { libc::munmap(shared, page_size()) }, 0);
            assert_ne!(raw, -1, "the child never reported");
            match raw {
                0 => Ok(()),
                raw => Err(Errno::from_raw(raw).expect("an errno")),
            }
        }
    }
}
