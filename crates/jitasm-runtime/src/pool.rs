//! A shared heap of executable memory for many small functions, each freed
//! on its own: emit → callable → freed without a system call in the common
//! case, and never writable and executable at once.
//!
//! Functions are placed one after another in pages of one [`CodeMemory`]
//! (dual-mapped where the platform allows: written through the writable
//! view, run through the executable one). Each page counts the functions
//! living in it; when the last one is dropped, the page is recycled. A
//! recycled page is refilled with traps through the executable view with a
//! protection flip (read-write, then read-execute) before new code goes in:
//! that flip is the one signal every instruction-fetch path observes
//! (translation caches of emulators such as qemu-user included), and it
//! costs two `mprotect` calls per page, shared by every function the page
//! held.

use crate::func::{FnPtr, JitFn};
use crate::memory::{CodeMemory, Strategy};
use jitasm_core::{Error, Isa};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where functions start: a multiple of this many bytes.
pub const POOL_ALIGN: usize = 16;

/// Default reservation of a [`CodePool`]: 1 GiB of address space on 64-bit
/// hosts (only pages holding code use memory).
pub const DEFAULT_POOL_CAPACITY: usize = if cfg!(target_pointer_width = "64") {
    1 << 30
} else {
    32 << 20
};

#[derive(Debug)]
struct State {
    /// Bytes from offset 0 that are mapped (filled with traps, executable).
    mapped: usize,
    /// Pages handed out so far (fresh pages come from here on).
    top: usize,
    /// The page small functions are placed in, and the next free offset in
    /// it (absolute).
    current: Option<usize>,
    next: usize,
    /// Live functions per page (the current page counts one more, so it is
    /// not recycled while being filled).
    live: Vec<u32>,
    /// Pages with no live function, to be refilled before reuse.
    recycled: Vec<usize>,
}

#[derive(Debug)]
struct Inner {
    mem: CodeMemory,
    state: Mutex<State>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A heap of executable memory shared by many functions; see the
/// [module docs](self). Clone it to share it (it is an `Arc`).
///
/// ```
/// # #[cfg(all(target_arch = "x86_64", unix))] {
/// use jitasm_runtime::{CodePool, isa::X64};
///
/// let pool = CodePool::<X64>::new()?;
/// // mov eax, 42; ret — position-independent, so it can go anywhere.
/// let code = pool.add(&[0xB8, 42, 0, 0, 0, 0xC3])?;
/// let f = unsafe { code.func::<extern "C" fn() -> u32>() };
/// assert_eq!(f(), 42);
/// drop(code); // the bytes are free for the next function
/// # }
/// # Ok::<(), jitasm_core::Error>(())
/// ```
#[derive(Debug)]
pub struct CodePool<I: Isa> {
    inner: Arc<Inner>,
    _isa: PhantomData<I>,
}

impl<I: Isa> Clone for CodePool<I> {
    fn clone(&self) -> Self {
        CodePool {
            inner: self.inner.clone(),
            _isa: PhantomData,
        }
    }
}

impl<I: Isa> CodePool<I> {
    /// A pool reserving [`DEFAULT_POOL_CAPACITY`] with the platform's default
    /// strategy.
    pub fn new() -> Result<Self, Error> {
        Self::with_options(DEFAULT_POOL_CAPACITY, Strategy::platform_default())
    }

    /// A pool reserving at least `capacity` bytes with `strategy`, which
    /// must be [`Strategy::DualMap`]: functions share pages, and flipping a
    /// page's protection to write one would stop the others running.
    pub fn with_options(capacity: usize, strategy: Strategy) -> Result<Self, Error> {
        if strategy != Strategy::DualMap {
            return Err(Error::Unsupported {
                what: "a code pool without dual-mapped memory",
            });
        }
        let mem = CodeMemory::reserve(capacity, strategy, I::ARCH)?;
        Ok(CodePool {
            inner: Arc::new(Inner {
                mem,
                state: Mutex::new(State {
                    mapped: 0,
                    top: 0,
                    current: None,
                    next: 0,
                    live: Vec::new(),
                    recycled: Vec::new(),
                }),
            }),
            _isa: PhantomData,
        })
    }

    /// Places position-independent code (code whose bytes do not depend on
    /// its address) and returns its owner; dropping it frees the bytes.
    pub fn add(&self, code: &[u8]) -> Result<PooledCode, Error> {
        let mut slot = self.reserve(code.len())?;
        slot.write(code)?;
        Ok(slot.into_code(code.len()))
    }

    /// Reserves room for up to `len` bytes at an address known before the
    /// code is assembled (for code with absolute addresses or calls to
    /// fixed addresses): assemble for [`Reservation::address`], then
    /// [`Reservation::commit`].
    pub fn reserve(&self, len: usize) -> Result<Reservation, Error> {
        let start = self.allocate(len.max(1))?;
        Ok(Reservation {
            inner: Some(self.inner.clone()),
            start,
            len: len.max(1),
        })
    }

    /// Bytes of address space reserved.
    pub fn capacity(&self) -> usize {
        self.inner.mem.capacity()
    }

    /// The page size: the unit in which memory is recycled, and above half
    /// of which a function gets pages of its own.
    pub fn page_size(&self) -> usize {
        self.inner.mem.page_size()
    }

    fn allocate(&self, len: usize) -> Result<usize, Error> {
        let inner = &*self.inner;
        let page = inner.mem.page_size();
        let mut st = inner.lock();
        let need = len.next_multiple_of(POOL_ALIGN);
        if need > page / 2 {
            // A large function gets fresh pages of its own.
            let pages = need.div_ceil(page);
            let first = match recycled_run(&mut st, pages) {
                Some(first) => {
                    for p in first..first + pages {
                        refill(inner, p, page)?;
                    }
                    first
                }
                None => fresh_pages(&mut st, pages, inner.mem.capacity(), page)?,
            };
            for p in first..first + pages {
                st.live[p] += 1;
            }
            return Ok(first * page);
        }
        let fits = st.current.is_some_and(|c| st.next + need <= (c + 1) * page);
        if !fits {
            let new = match st.recycled.pop() {
                Some(p) => {
                    refill(inner, p, page)?;
                    p
                }
                None => fresh_pages(&mut st, 1, inner.mem.capacity(), page)?,
            };
            st.live[new] += 1;
            if let Some(old) = st.current.replace(new) {
                release_page(&mut st, old);
            }
            st.next = new * page;
        }
        let start = st.next;
        st.next += need;
        let p = start / page;
        st.live[p] += 1;
        Ok(start)
    }
}

/// Takes `n` fresh pages from the top.
fn fresh_pages(st: &mut State, n: usize, capacity: usize, page: usize) -> Result<usize, Error> {
    let first = st.top;
    if (first + n) * page > capacity {
        return Err(Error::CapacityExceeded {
            needed: (first + n) * page,
            capacity,
        });
    }
    st.top += n;
    st.live.resize(st.top, 0);
    Ok(first)
}

/// Takes `n` consecutive recycled pages, if there are.
fn recycled_run(st: &mut State, n: usize) -> Option<usize> {
    st.recycled.sort_unstable();
    let r = &st.recycled;
    let at = (0..r.len().checked_sub(n - 1)?).find(|&i| r[i + n - 1] == r[i] + n - 1)?;
    let first = r[at];
    st.recycled.drain(at..at + n);
    Some(first)
}

/// One live function (or the current-page mark) of page `p` is gone.
fn release_page(st: &mut State, p: usize) {
    st.live[p] -= 1;
    if st.live[p] == 0 && st.current != Some(p) {
        st.recycled.push(p);
    }
}

/// Refills recycled page `p` with traps through the executable view.
fn refill(inner: &Inner, p: usize, page: usize) -> Result<(), Error> {
    let fill = inner.mem.arch().trap_fill();
    let traps: Vec<u8> = fill.iter().copied().cycle().take(page).collect();
    // SAFETY: no function of the page is alive (its count is zero and it is
    // not the current page), so nothing may run or read it: the owners of
    // its code are gone and `JitFn`s borrow their owner.
    unsafe { inner.mem.rewrite(p * page, &traps) }
}

/// Room reserved in a [`CodePool`] at a known address; see
/// [`CodePool::reserve`]. Dropping it without committing frees the room.
#[derive(Debug)]
pub struct Reservation {
    inner: Option<Arc<Inner>>,
    start: usize,
    len: usize,
}

impl Reservation {
    /// The address the code will run at.
    pub fn address(&self) -> u64 {
        let inner = self.inner.as_ref().expect("a live reservation");
        inner.mem.base() as u64 + self.start as u64
    }

    /// The room reserved, in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the room is empty (never: at least one byte is reserved).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes `code` (assembled for [`address`](Self::address)) and returns
    /// its owner.
    pub fn commit(mut self, code: &[u8]) -> Result<PooledCode, Error> {
        self.write(code)?;
        Ok(self.into_code(code.len()))
    }

    fn write(&mut self, code: &[u8]) -> Result<(), Error> {
        if code.len() > self.len {
            return Err(Error::CapacityExceeded {
                needed: code.len(),
                capacity: self.len,
            });
        }
        let inner = self.inner.as_ref().expect("a live reservation");
        let mut st = inner.lock();
        // SAFETY: the range was handed to this reservation alone and no code
        // runs there yet; the lock serialises the growth of the mapping.
        st.mapped = unsafe { inner.mem.write(st.mapped, self.start, code)? };
        Ok(())
    }

    fn into_code(mut self, len: usize) -> PooledCode {
        PooledCode {
            inner: self.inner.take().expect("a live reservation"),
            start: self.start,
            len,
            room: self.len,
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            free(&inner, self.start, self.len);
        }
    }
}

fn free(inner: &Inner, start: usize, room: usize) {
    let page = inner.mem.page_size();
    let mut st = inner.lock();
    let first = start / page;
    let last = (start + room.next_multiple_of(POOL_ALIGN) - 1) / page;
    for p in first..=last {
        release_page(&mut st, p);
    }
}

/// Code in a [`CodePool`]; dropping it frees the bytes (and, once every
/// function of a page is gone, the page).
#[derive(Debug)]
pub struct PooledCode {
    inner: Arc<Inner>,
    start: usize,
    len: usize,
    room: usize,
}

impl PooledCode {
    /// The address of the first byte.
    pub fn ptr(&self) -> *const u8 {
        // SAFETY (of the pointer arithmetic): start is inside the memory.
        unsafe { self.inner.mem.base().add(self.start) }
    }

    /// The code's length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the code is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The code as a function pointer of type `F`, which cannot outlive this
    /// owner.
    ///
    /// # Safety
    /// The code must be a function with exactly the signature and calling
    /// convention of `F`.
    pub unsafe fn func<F: FnPtr>(&self) -> JitFn<'_, F> {
        // SAFETY: the code is mapped executable while self lives; the caller
        // vouches for the signature.
        unsafe { JitFn::from_addr(self.ptr()) }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the range is mapped and nothing writes it while its owner
        // (self) lives.
        unsafe { std::slice::from_raw_parts(self.ptr(), self.len) }
    }
}

impl Drop for PooledCode {
    fn drop(&mut self) {
        free(&self.inner, self.start, self.room);
    }
}
