//! The fuzz driver that dlmalloc's tests/smoke.rs includes (`fuzz::run`) and its crates.io package
//! leaves out: ours, written for ci/consumers.sh. From the bytes it is given it makes a
//! `Dlmalloc` and runs up to 200 operations in the order the bytes decide: malloc of 1 byte to
//! 1 MiB with alignments up to 64 (a request beyond the 64 KiB granularity gets a system
//! allocation of its own, which dlmalloc gives back with munmap), realloc to a new size, free,
//! and trim. Every live block holds its own byte at its first and last byte and at every 4 KiB,
//! checked before it is moved or freed. At the end every block is freed and the allocator
//! destroyed, which unmaps its every segment.

use arbitrary::{Result, Unstructured};
use dlmalloc::Dlmalloc;

/// A live block: its address, size, alignment and byte.
struct Block {
    ptr: *mut u8,
    size: usize,
    align: usize,
    byte: u8,
}

/// The offsets of a block that hold its byte.
fn marks(size: usize) -> impl Iterator<Item = usize> {
    (0..size).step_by(4096).chain(core::iter::once(size - 1))
}

impl Block {
    /// # Safety
    /// The block is live and `size` bytes long.
    unsafe fn fill(&self) {
        for i in marks(self.size) {
            unsafe { self.ptr.add(i).write(self.byte) };
        }
    }

    /// Checks the bytes `fill` wrote into a block of `size` bytes, those below `len`.
    ///
    /// # Safety
    /// The block is live and at least `len` bytes long.
    unsafe fn check(&self, size: usize, len: usize) {
        for i in marks(size).filter(|&i| i < len) {
            assert_eq!(
                unsafe { self.ptr.add(i).read() },
                self.byte,
                "block byte {i}"
            );
        }
    }
}

fn size(u: &mut Unstructured<'_>) -> Result<usize> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u.int_in_range(1..=64)?,
        1 => u.int_in_range(65..=4096)?,
        2 => u.int_in_range(4097..=64 * 1024)?,
        _ => u.int_in_range(64 * 1024 + 1..=1 << 20)?,
    })
}

pub fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut a = Dlmalloc::new();
    let mut live: Vec<Block> = Vec::new();
    let mut outcome = Ok(());
    for _ in 0..u.int_in_range(1..=200).unwrap_or(1) {
        if let Err(e) = step(u, &mut a, &mut live) {
            outcome = Err(e);
            break;
        }
    }
    // SAFETY: every block is live, and none is used again; the allocator is not used again.
    unsafe {
        for block in live.drain(..) {
            block.check(block.size, block.size);
            a.free(block.ptr, block.size, block.align);
        }
        a.destroy();
    }
    outcome
}

fn step(u: &mut Unstructured<'_>, a: &mut Dlmalloc, live: &mut Vec<Block>) -> Result<()> {
    // SAFETY: the blocks in `live` are live, their sizes and alignments those they were
    // allocated with; a block is removed from it before it is freed or moved.
    unsafe {
        match u.int_in_range(0..=5)? {
            0..=2 => {
                let (size, align) = (size(u)?, 1 << u.int_in_range(0..=6)?);
                let ptr = a.malloc(size, align);
                if !ptr.is_null() {
                    assert_eq!(ptr as usize % align, 0, "alignment {align}");
                    let block = Block {
                        ptr,
                        size,
                        align,
                        byte: u.arbitrary()?,
                    };
                    block.fill();
                    live.push(block);
                }
            }
            3 if !live.is_empty() => {
                let i = u.choose_index(live.len())?;
                let new_size = size(u)?;
                let old = &live[i];
                old.check(old.size, old.size);
                let ptr = a.realloc(old.ptr, old.size, old.align, new_size);
                if !ptr.is_null() {
                    let moved = Block {
                        ptr,
                        size: new_size,
                        align: old.align,
                        byte: old.byte,
                    };
                    moved.check(old.size, new_size);
                    moved.fill();
                    live[i] = moved;
                }
            }
            4 if !live.is_empty() => {
                let block = live.swap_remove(u.choose_index(live.len())?);
                block.check(block.size, block.size);
                a.free(block.ptr, block.size, block.align);
            }
            _ => {
                a.trim(u.int_in_range(0..=64 * 1024)?);
            }
        }
    }
    Ok(())
}
