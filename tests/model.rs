//! munmap against a model of the address space: generated sequences of mmap, munmap and mprotect
//! in a guarded arena, each step checked against a page table kept in the test.
//!
//! The window is 2 guard pages, a 64-page arena and 2 more guard pages, reserved once with
//! `PROT_NONE`. Maps (`MAP_FIXED`, each filling its pages with a byte of its own) and
//! protection changes stay in the arena; munmap ranges start anywhere in the window, aligned or
//! not, with lengths of 0, a byte, whole pages, a page and a byte, up to the window's end (so
//! across mapping edges, holes and guards), or so long that they wrap around. After each step:
//! munmap's result is `Ok` or `EINVAL` exactly where the model says; every page of the window is
//! mapped (with the model's protection) or not, as a fresh read of /proc/self/maps shows (never
//! by touching it); every readable page holds its byte. Guard pages a step unmapped are then put
//! back, so that nothing else can be mapped next to the arena.
//!
//! proptest shrinks a failure to a minimal sequence, prints it, and saves its seed in
//! tests/model.proptest-regressions, which `cargo test --test model` replays first.
//! 2000 sequences natively, 200 under qemu-user, 40 under qemu-sparc64 (where 200 took 147 s,
//! against 10 s under qemu-mips).
//!
//! On a kernel that mistreats the zero page (`zero_page_loses_its_special_bit`: MIPS64 before
//! 6.4), the case of a page that maps it and then changes protection is left out, loudly: every
//! page the model maps is written once as it is mapped (its contents are the same zeros), so that
//! no read maps the zero page.
//!
//! A binary of its own, with one test: no other test thread maps memory into the arena's holes.

// The tests build on current Rust; the MSRV (rust-version) is the library's.
#![allow(clippy::incompatible_msrv)]

mod common;

use common::*;
use core::ffi::c_void;
use munmap::{munmap, Errno};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use std::cell::{Cell, RefCell};

const GUARD: usize = 2;
const ARENA: usize = 64;
const WINDOW: usize = GUARD + ARENA + GUARD;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Prot {
    None,
    Read,
    ReadWrite,
}

impl Prot {
    fn bits(self) -> i32 {
        match self {
            Prot::None => libc::PROT_NONE,
            Prot::Read => libc::PROT_READ,
            Prot::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
        }
    }
}

/// Where in its page an unmap range starts: 0, or one of three unaligned offsets.
#[derive(Clone, Copy, Debug)]
enum Offset {
    Aligned,
    OneByte,
    HalfPage,
    LastByte,
}

/// An unmap range's length.
#[derive(Clone, Copy, Debug)]
enum Len {
    Zero,
    /// `pages` pages and `extra` bytes (0, 1 or a page less one), cut at the window's end.
    Pages {
        pages: usize,
        extra: Extra,
    },
    /// Past the end of the address space: `addr + len` wraps around to `wrap` bytes.
    Wrapping {
        wrap: usize,
    },
}

#[derive(Clone, Copy, Debug)]
enum Extra {
    None,
    OneByte,
    PageLessOne,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    /// mmap(MAP_FIXED) of `count` read-write pages at arena page `page`, each byte `fill`.
    Map { page: usize, count: usize, fill: u8 },
    /// munmap from window page `page`, at `offset` in it, for `len`.
    Unmap {
        page: usize,
        offset: Offset,
        len: Len,
    },
    /// mprotect of `count` arena pages at `page`, if they are all mapped (else skipped).
    Protect {
        page: usize,
        count: usize,
        prot: Prot,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let in_arena = (GUARD..GUARD + ARENA, 1..=8usize);
    let map = (in_arena.clone(), 1..=255u8).prop_map(|((page, count), fill)| Op::Map {
        page,
        count,
        fill,
    });
    let offset = prop_oneof![
        12 => Just(Offset::Aligned),
        1 => Just(Offset::OneByte),
        1 => Just(Offset::HalfPage),
        1 => Just(Offset::LastByte),
    ];
    let extra = prop_oneof![
        Just(Extra::None),
        Just(Extra::OneByte),
        Just(Extra::PageLessOne)
    ];
    let len = prop_oneof![
        1 => Just(Len::Zero),
        16 => (0..=WINDOW, extra).prop_map(|(pages, extra)| Len::Pages { pages, extra }),
        1 => (1..=3usize).prop_map(|wrap| Len::Wrapping { wrap }),
    ];
    let unmap =
        (0..WINDOW, offset, len).prop_map(|(page, offset, len)| Op::Unmap { page, offset, len });
    let prot = prop_oneof![Just(Prot::None), Just(Prot::Read), Just(Prot::ReadWrite)];
    let protect =
        (in_arena, prot).prop_map(|((page, count), prot)| Op::Protect { page, count, prot });
    prop_oneof![3 => map, 4 => unmap, 2 => protect]
}

/// What the model knows of one page of the window.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Page {
    Unmapped,
    Mapped { prot: Prot, fill: u8 },
}

/// Where the process and the model first disagreed. Plain data: it is made while the window may
/// have holes, where nothing may be allocated (an allocator's own mmap could land in one, and the
/// next `MAP_FIXED` would overwrite it), and turned into a message only once the window is whole.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // the fields are read through Debug, in the failure message
enum Mismatch {
    Mprotect {
        page: usize,
        errno: i32,
    },
    Munmap {
        addr: usize,
        len: usize,
        result: Result<(), Errno>,
        expected: Result<(), Errno>,
    },
    Presence {
        page: usize,
        model: Page,
        maps: Option<Prot>,
    },
    Contents {
        page: usize,
        fill: u8,
    },
}

/// The reservation, the model of its pages, a buffer for /proc/self/maps (allocated before the
/// window, so that reading the file allocates nothing), and counts for the report.
struct World {
    base: usize,
    page: usize,
    pages: [Page; WINDOW],
    maps: Vec<u8>,
    munmap_calls: usize,
    einval: usize,
    /// Whether every page is written as it is mapped (see the top).
    prefault: bool,
}

impl World {
    fn reserve() -> World {
        let page = page_size();
        let maps = vec![0; 1 << 20];
        // SAFETY: a fresh reservation at an address the kernel chooses aliases nothing.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                WINDOW * page,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED, "mmap of the window failed");
        World {
            base: base as usize,
            page,
            pages: [Page::Mapped {
                prot: Prot::None,
                fill: 0,
            }; WINDOW],
            maps,
            munmap_calls: 0,
            einval: 0,
            prefault: false,
        }
    }

    fn addr(&self, page: usize) -> usize {
        self.base + page * self.page
    }

    /// mmap(MAP_FIXED) of `count` pages at `first` with `prot`, filled with `fill` when it is
    /// writable, and recorded in the model.
    fn map(&mut self, first: usize, count: usize, prot: Prot, fill: u8, flags: i32) {
        let addr = self.addr(first) as *mut c_void;
        let writes = prot == Prot::ReadWrite || self.prefault;
        let mapped_prot = if writes { Prot::ReadWrite } else { prot };
        // SAFETY: the range lies in the window, which is ours; nothing refers to its pages.
        let mapped = unsafe {
            libc::mmap(
                addr,
                count * self.page,
                mapped_prot.bits(),
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | flags,
                -1,
                0,
            )
        };
        assert_eq!(
            mapped,
            addr,
            "mmap at window page {}: {} (something else took the hole?)",
            first,
            std::io::Error::last_os_error()
        );
        if writes {
            // SAFETY: the pages were just mapped read-write.
            unsafe { std::ptr::write_bytes(addr.cast::<u8>(), fill, count * self.page) };
        }
        if mapped_prot != prot {
            // SAFETY: as above.
            let ret = unsafe { libc::mprotect(addr, count * self.page, prot.bits()) };
            assert_eq!(ret, 0, "mprotect at window page {}", first);
        }
        for page in &mut self.pages[first..first + count] {
            *page = Page::Mapped { prot, fill };
        }
    }

    /// The whole window as one `PROT_NONE` reservation again, as at the start: at the end of
    /// every sequence, so that between sequences (while proptest allocates) the window has no
    /// hole for anything else to be mapped into, and so for `MAP_FIXED` to overwrite.
    fn reset(&mut self) {
        self.map(0, WINDOW, Prot::None, 0, libc::MAP_FIXED);
    }

    /// Runs one step on the process and on the model; checks munmap's result.
    fn apply(&mut self, op: Op) -> Result<(), Mismatch> {
        match op {
            Op::Map { page, count, fill } => {
                let count = count.min(GUARD + ARENA - page);
                self.map(page, count, Prot::ReadWrite, fill, libc::MAP_FIXED);
            }
            Op::Protect { page, count, prot } => {
                let count = count.min(GUARD + ARENA - page);
                let range = &mut self.pages[page..page + count];
                if range.iter().all(|p| *p != Page::Unmapped) {
                    let addr = self.base + page * self.page;
                    // SAFETY: mapped pages of the window; no reference into them exists.
                    let ret = unsafe {
                        libc::mprotect(addr as *mut c_void, count * self.page, prot.bits())
                    };
                    if ret != 0 {
                        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
                        return Err(Mismatch::Mprotect { page, errno });
                    }
                    for p in range {
                        if let Page::Mapped { fill, .. } = *p {
                            *p = Page::Mapped { prot, fill };
                        }
                    }
                }
            }
            Op::Unmap { page, offset, len } => {
                let offset = match offset {
                    Offset::Aligned => 0,
                    Offset::OneByte => 1,
                    Offset::HalfPage => self.page / 2,
                    Offset::LastByte => self.page - 1,
                };
                let addr = self.addr(page) + offset;
                let end = self.addr(WINDOW);
                let len = match len {
                    Len::Zero => 0,
                    Len::Pages { pages, extra } => {
                        let extra = match extra {
                            Extra::None => 0,
                            Extra::OneByte => 1,
                            Extra::PageLessOne => self.page - 1,
                        };
                        (pages * self.page + extra).min(end - addr)
                    }
                    Len::Wrapping { wrap } => addr.wrapping_neg() + wrap,
                };
                // The model: EINVAL for an unaligned address, a zero length or a range that
                // wraps around; else every page the range touches is gone.
                let expected = if offset != 0 || len == 0 || addr.checked_add(len).is_none() {
                    Err(Errno::EINVAL)
                } else {
                    let last = (addr + len - self.base).div_ceil(self.page);
                    for p in &mut self.pages[page..last] {
                        *p = Page::Unmapped;
                    }
                    Ok(())
                };
                // SAFETY: the range lies in the window (or wraps, which the kernel refuses),
                // and no reference into the window exists.
                let result = unsafe { munmap(addr as *mut c_void, len) };
                self.munmap_calls += 1;
                self.einval += usize::from(result == Err(Errno::EINVAL));
                if result != expected {
                    return Err(Mismatch::Munmap {
                        addr,
                        len,
                        result,
                        expected,
                    });
                }
            }
        }
        Ok(())
    }

    /// Every page of the window, against the model: mapped or not, its protection (from
    /// /proc/self/maps), and the bytes of every readable page.
    fn check(&mut self) -> Result<(), Mismatch> {
        let mut found = [None; WINDOW];
        let len = read_maps(&mut self.maps);
        for line in self.maps[..len]
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
        {
            let text = std::str::from_utf8(line).expect("maps is text");
            let mut fields = text.split_whitespace();
            let range = fields.next().expect("a range");
            let perms = fields.next().expect("permissions").as_bytes();
            let (start, end) = range.split_once('-').expect("start-end");
            let hex = |s: &str| usize::from_str_radix(s, 16).expect("hex");
            let (start, end) = (hex(start), hex(end));
            for (i, slot) in found.iter_mut().enumerate() {
                let addr = self.base + i * self.page;
                if start <= addr && addr < end {
                    *slot = Some(match (perms[0], perms[1]) {
                        (b'r', b'w') => Prot::ReadWrite,
                        (b'r', _) => Prot::Read,
                        _ => Prot::None,
                    });
                }
            }
        }
        for (i, (&page, seen)) in self.pages.iter().zip(found).enumerate() {
            match (page, seen) {
                (Page::Unmapped, None) => {}
                (Page::Mapped { prot, fill }, Some(seen)) if prot == seen => {
                    if prot != Prot::None {
                        // SAFETY: the page is mapped and readable (checked above).
                        let bytes = unsafe {
                            std::slice::from_raw_parts(self.addr(i) as *const u8, self.page)
                        };
                        if bytes.iter().any(|&b| b != fill) {
                            return Err(Mismatch::Contents { page: i, fill });
                        }
                    }
                }
                (model, maps) => {
                    return Err(Mismatch::Presence {
                        page: i,
                        model,
                        maps,
                    })
                }
            }
        }
        Ok(())
    }

    /// Puts back the guard pages a step unmapped, where nothing else may be mapped meanwhile.
    fn restore_guards(&mut self) {
        for first in (0..GUARD).chain(GUARD + ARENA..WINDOW) {
            if self.pages[first] == Page::Unmapped {
                self.map(first, 1, Prot::None, 0, libc::MAP_FIXED_NOREPLACE);
            }
        }
    }
}

/// Reads /proc/self/maps into `buf` with plain system calls, allocating nothing; its length.
fn read_maps(buf: &mut [u8]) -> usize {
    // SAFETY: a NUL-terminated path; reads go into `buf`, within its length; the descriptor is
    // closed before returning.
    unsafe {
        let fd = libc::open(
            b"/proc/self/maps\0".as_ptr().cast(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        assert!(fd >= 0, "open /proc/self/maps");
        let mut len = 0;
        loop {
            let n = libc::read(fd, buf[len..].as_mut_ptr().cast(), buf.len() - len);
            assert!(n >= 0, "read /proc/self/maps");
            if n == 0 {
                break;
            }
            len += n as usize;
            assert!(len < buf.len(), "/proc/self/maps is larger than its buffer");
        }
        libc::close(fd);
        len
    }
}

#[test]
fn munmap_matches_a_model_of_the_address_space() {
    let cases = match qemu_user().as_deref() {
        Some("qemu-sparc64") => 40,
        _ if emulated() => 200,
        _ => 2000,
    };
    let config = ProptestConfig {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    };
    let mut world = World::reserve();
    if let Some(reason) = zero_page_loses_its_special_bit() {
        eprintln!(
            "SKIPPED munmap_matches_a_model_of_the_address_space (pages that map the zero page, \
             then change protection): {}; every page is written as it is mapped",
            reason
        );
        world.prefault = true;
        world.reset();
    }
    let world = RefCell::new(world);
    let steps = Cell::new(0);
    let sequences = prop::collection::vec(op(), 1..=24);
    let outcome = TestRunner::new(config).run(&sequences, |ops| {
        let mut world = world.borrow_mut();
        let outcome = ops.into_iter().try_for_each(|op| {
            let outcome = world.apply(op).and_then(|()| world.check());
            world.restore_guards();
            steps.set(steps.get() + 1);
            outcome
        });
        world.reset();
        // Only now, with the window whole, may the message be allocated.
        outcome.map_err(|mismatch| TestCaseError::fail(format!("{:?}", mismatch)))
    });
    let world = world.into_inner();
    if let Err(failure) = outcome {
        panic!(
            "{}\nproptest saved this case's seed in tests/model.proptest-regressions; \
             `cargo test --test model` replays it first",
            failure
        );
    }
    println!(
        "model: {} sequences, {} steps, {} munmap calls ({} EINVAL)",
        cases,
        steps.get(),
        world.munmap_calls,
        world.einval
    );
    // SAFETY: the window is ours and nothing refers to it any more.
    assert_eq!(
        unsafe { libc::munmap(world.base as *mut c_void, WINDOW * world.page) },
        0
    );
}
