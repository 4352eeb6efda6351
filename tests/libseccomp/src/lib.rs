//! The libseccomp API this judge uses (`seccomp.h`, libseccomp 2.5), and a filter context that
//! releases itself.

use core::ffi::{c_char, c_int, c_uint, c_void};

/// `SCMP_ACT_KILL_PROCESS`: the default action that refuses everything else, loudly (SIGSYS).
pub const SCMP_ACT_KILL_PROCESS: u32 = 0x8000_0000;
/// `SCMP_ACT_ALLOW`.
pub const SCMP_ACT_ALLOW: u32 = 0x7fff_0000;
/// `SCMP_ARCH_NATIVE`.
pub const SCMP_ARCH_NATIVE: u32 = 0;

/// `SCMP_ACT_ERRNO(errno)`.
pub const fn scmp_act_errno(errno: u32) -> u32 {
    0x0005_0000 | (errno & 0xffff)
}

#[link(name = "seccomp")]
extern "C" {
    fn seccomp_init(def_action: u32) -> *mut c_void;
    fn seccomp_release(ctx: *mut c_void);
    fn seccomp_rule_add(
        ctx: *mut c_void,
        action: u32,
        syscall: c_int,
        arg_cnt: c_uint,
        ...
    ) -> c_int;
    fn seccomp_load(ctx: *const c_void) -> c_int;
    fn seccomp_export_bpf(ctx: *const c_void, fd: c_int) -> c_int;
    fn seccomp_arch_add(ctx: *mut c_void, arch_token: u32) -> c_int;
    fn seccomp_arch_remove(ctx: *mut c_void, arch_token: u32) -> c_int;
    fn seccomp_arch_resolve_name(arch_name: *const c_char) -> u32;
    fn seccomp_arch_native() -> u32;
    fn seccomp_syscall_resolve_name_arch(arch_token: u32, name: *const c_char) -> c_int;
}

/// libseccomp's token for the architecture it calls `name` ("x86_64", "ppc64le"...), or `None`
/// where it knows no such architecture.
pub fn arch_token(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).unwrap();
    // SAFETY: a NUL-terminated name.
    match unsafe { seccomp_arch_resolve_name(name.as_ptr()) } {
        0 => None,
        token => Some(token),
    }
}

/// libseccomp's token for the architecture it was built for.
pub fn native_token() -> u32 {
    // SAFETY: no preconditions.
    unsafe { seccomp_arch_native() }
}

/// The number libseccomp gives the system call `name` on the architecture `token`.
pub fn syscall_number(token: u32, name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).unwrap();
    // SAFETY: a NUL-terminated name; the result is negative when libseccomp has none.
    let nr = unsafe { seccomp_syscall_resolve_name_arch(token, name.as_ptr()) };
    u32::try_from(nr).ok()
}

/// `Ok(())` for 0, else `Err` with libseccomp's `-errno`.
fn check(ret: c_int) -> Result<(), c_int> {
    if ret == 0 {
        Ok(())
    } else {
        Err(ret)
    }
}

/// A libseccomp filter context.
pub struct Filter(*mut c_void);

impl Filter {
    /// A filter whose default action is `default`, for the native architecture.
    pub fn new(default: u32) -> Filter {
        // SAFETY: no preconditions; NULL on failure.
        let ctx = unsafe { seccomp_init(default) };
        assert!(!ctx.is_null(), "seccomp_init failed");
        Filter(ctx)
    }

    /// The same filter for the architecture `token` alone; `Err(-errno)` where libseccomp
    /// refuses. The native architecture goes first: libseccomp refuses a filter whose
    /// architectures differ in byte order (-EDOM).
    pub fn only_for(self, token: u32) -> Result<Filter, c_int> {
        if token != native_token() {
            // SAFETY: the context is ours; both calls return 0 or -errno.
            unsafe {
                check(seccomp_arch_remove(self.0, SCMP_ARCH_NATIVE))?;
                check(seccomp_arch_add(self.0, token))?;
            }
        }
        Ok(self)
    }

    /// `seccomp_rule_add(ctx, action, syscall, 0)`: `action` for the system call whose native
    /// number is `syscall`, translated by libseccomp for each architecture of the filter;
    /// `Err(-errno)` where libseccomp refuses.
    pub fn rule(self, action: u32, syscall: c_int) -> Result<Filter, c_int> {
        // SAFETY: the context is ours; no argument comparisons follow.
        check(unsafe { seccomp_rule_add(self.0, action, syscall, 0) })?;
        Ok(self)
    }

    /// Installs the filter on the calling thread; 0, or -errno.
    ///
    /// # Safety
    /// From here on the thread may make only the system calls the filter allows.
    pub unsafe fn load(&self) -> c_int {
        // SAFETY: the context is ours.
        unsafe { seccomp_load(self.0) }
    }

    /// The BPF program libseccomp builds for the filter, as (code, jt, jf, k), written in the
    /// byte order of the filter's architecture (`little_endian` or not), the one its kernel
    /// reads. Not for a child process: it panics on failure.
    pub fn bpf(&self, little_endian: bool) -> Vec<(u16, u8, u8, u32)> {
        // SAFETY: a fresh memfd; libseccomp writes the program into it.
        let bytes = unsafe {
            let fd = libc::memfd_create(c"bpf".as_ptr(), 0);
            assert!(fd >= 0, "memfd_create");
            assert_eq!(seccomp_export_bpf(self.0, fd), 0, "seccomp_export_bpf");
            let len = libc::lseek(fd, 0, libc::SEEK_END);
            let mut bytes = vec![0u8; len as usize];
            assert_eq!(
                libc::pread(fd, bytes.as_mut_ptr().cast(), bytes.len(), 0),
                len as isize
            );
            libc::close(fd);
            bytes
        };
        bytes
            .chunks_exact(8)
            .map(|i| {
                let (code, k) = ([i[0], i[1]], [i[4], i[5], i[6], i[7]]);
                match little_endian {
                    true => (u16::from_le_bytes(code), i[2], i[3], u32::from_le_bytes(k)),
                    false => (u16::from_be_bytes(code), i[2], i[3], u32::from_be_bytes(k)),
                }
            })
            .collect()
    }
}

impl Drop for Filter {
    fn drop(&mut self) {
        // SAFETY: the context is ours and released once.
        unsafe { seccomp_release(self.0) }
    }
}
