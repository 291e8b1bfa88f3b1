//! The code pool: many small functions added, run and freed on their own,
//! pages recycled (refilled through a protection flip, which emulators see
//! too: these tests also run under qemu-user), large functions, functions
//! placed at an address known before assembling, and threads sharing a pool.

mod common;

use common::*;
use jitasm_core::{AssemblyOffset, LabelRef, LabelTarget};
use jitasm_runtime::{CodePool, Strategy, VecAssembler};

fn pool() -> Option<CodePool<Host>> {
    if !Strategy::DualMap.is_supported() {
        eprintln!("no dual-mapped memory on this platform: the code pool is unavailable");
        assert!(CodePool::<Host>::new().is_err());
        return None;
    }
    Some(CodePool::new().expect("a code pool"))
}

fn ret_code(v: u32) -> Vec<u8> {
    let mut code = Vec::new();
    ret_const(&mut code, v);
    code
}

fn call(code: &jitasm_runtime::PooledCode) -> u32 {
    // SAFETY: every function these tests add is `ret_const`-shaped or says
    // otherwise.
    let f = unsafe { code.func::<extern "C" fn() -> u32>() };
    f()
}

#[test]
fn functions_run_and_their_memory_is_reused_after_free() {
    let Some(pool) = pool() else { return };
    let first: Vec<_> = (0..1000).map(|i| pool.add(&ret_code(i)).unwrap()).collect();
    for (i, code) in first.iter().enumerate() {
        assert_eq!(call(code), i as u32);
        assert_eq!(code.bytes(), ret_code(i as u32));
    }
    let lowest = first.iter().map(|c| c.ptr() as usize).min().unwrap();
    let highest = first.iter().map(|c| c.ptr() as usize).max().unwrap();
    drop(first);
    // Same functions with other values: the freed pages take them, and
    // each runs its new code (not what was there before).
    let second: Vec<_> = (0..1000)
        .map(|i| pool.add(&ret_code(2047 - i)).unwrap())
        .collect();
    for (i, code) in second.iter().enumerate() {
        assert_eq!(call(code), 2047 - i as u32);
        let p = code.ptr() as usize;
        assert!(
            (lowest..=highest + pool.page_size()).contains(&p),
            "function {i} at {p:#x} is outside the freed range {lowest:#x}..={highest:#x}"
        );
    }
}

#[test]
fn one_page_churns_without_growing() {
    let Some(pool) = pool() else { return };
    let mut addresses = std::collections::BTreeSet::new();
    for round in 0..200u32 {
        let live: Vec<_> = (0..8)
            .map(|i| pool.add(&ret_code(round + i)).unwrap())
            .collect();
        for (i, code) in live.iter().enumerate() {
            assert_eq!(call(code), round + i as u32);
            addresses.insert(code.ptr() as usize / pool.page_size());
        }
    }
    // Two pages alternate (the one being filled and the one recycled).
    assert!(addresses.len() <= 3, "pages used: {}", addresses.len());
}

#[test]
fn large_functions_take_whole_pages_and_reuse_them() {
    let Some(pool) = pool() else { return };
    let page = pool.page_size();
    let mut big = vec![0u8; 3 * page];
    let tail = ret_code(7);
    // A run of no-ops, then `ret_const(7)`: only the tail matters, the
    // start is jumped over by entering at the tail's offset.
    let body = 3 * page - tail.len();
    big[body..].copy_from_slice(&tail);
    let a = pool.add(&big).unwrap();
    let entry = |c: &jitasm_runtime::PooledCode| {
        // SAFETY: the tail at `body` is a `ret_const` function.
        let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(c.ptr().add(body)) };
        f()
    };
    assert_eq!(entry(&a), 7);
    let where_a = a.ptr();
    drop(a);
    let b = pool.add(&big).unwrap();
    assert_eq!(entry(&b), 7);
    assert_eq!(b.ptr(), where_a, "the freed run of pages is reused");
}

#[test]
fn code_placed_at_an_address_known_before_assembling() {
    let Some(pool) = pool() else { return };
    let room = pool.reserve(64).unwrap();
    let mut asm = VecAssembler::<Host>::new(room.address());
    return_address_of(
        &mut asm,
        LabelRef::new(LabelTarget::Offset(AssemblyOffset(0))),
    );
    let bytes = asm.finalize().unwrap();
    let address = room.address();
    let code = room.commit(&bytes).unwrap();
    // SAFETY: `return_address_of` is a `fn() -> u64`.
    let f = unsafe { code.func::<extern "C" fn() -> u64>() };
    assert_eq!(f(), address);
    assert_eq!(code.ptr() as u64, address);

    let small = pool.reserve(4).unwrap();
    assert!(
        small.commit(&bytes).is_err(),
        "code larger than its room is refused"
    );
}

#[test]
fn threads_share_a_pool() {
    let Some(pool) = pool() else { return };
    std::thread::scope(|s| {
        for t in 0..4u32 {
            let pool = pool.clone();
            s.spawn(move || {
                for i in 0..500u32 {
                    let v = (t * 500 + i) % 2048;
                    let code = pool.add(&ret_code(v)).unwrap();
                    assert_eq!(call(&code), v);
                }
            });
        }
    });
}
