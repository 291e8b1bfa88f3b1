//! Buffer reuse: once an assembler is warm, emitting, committing and
//! resolving the next function performs no heap allocation.

mod common;
use common::*;

use jitasm_runtime::{LabelApi, VecAssembler};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts allocations; this file holds a single test, so no other thread
/// allocates while it measures.
struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn function<A: LabelApi>(asm: &mut A) {
    let l = asm.new_dynamic_label();
    jump(asm, l.into());
    asm.define_dynamic(l).unwrap();
    sum_loop(asm);
    call_rust(asm);
}

#[test]
fn warm_assemblers_do_not_allocate() {
    for s in strategies() {
        let mut asm = assembler(s);
        for _ in 0..3 {
            function(&mut asm);
            asm.commit().unwrap();
        }
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        function(&mut asm);
        asm.commit().unwrap();
        assert_eq!(
            ALLOCATIONS.load(Ordering::Relaxed) - before,
            0,
            "{s:?}: Assembler allocated"
        );
    }

    let mut vasm = VecAssembler::<Host>::new(0x10000);
    let mut out = [0u8; 4096];
    let mut len = 0;
    for _ in 0..3 {
        function(&mut vasm);
        len = vasm.resolve().unwrap().len();
        vasm.clear();
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    function(&mut vasm);
    let bytes = vasm.resolve().unwrap();
    out[..bytes.len()].copy_from_slice(bytes);
    assert_eq!(bytes.len(), len);
    vasm.clear();
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed) - before,
        0,
        "VecAssembler allocated"
    );
}
