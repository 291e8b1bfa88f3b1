//! Progressive compilation: threads run committed code through an Executor
//! while the owner appends, commits and alters, thousands of rounds.

mod common;
use common::*;

use jitasm_core::AssemblyOffset;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const ROUNDS: usize = 3000;
const PER_ROUND: usize = 4;

#[test]
fn readers_run_code_while_the_owner_appends_and_alters() {
    for s in strategies() {
        let mut asm = assembler(s);
        // Function 0 is altered back and forth between 1000 and 1001; function
        // i > 0 returns i % 2048.
        ret_const(&mut asm, 1000);
        asm.commit().unwrap();
        let published = Arc::new(AtomicUsize::new(1));
        let done = Arc::new(AtomicBool::new(false));
        let total_calls = Arc::new(AtomicUsize::new(0));
        let exec = asm.reader();
        let readers: Vec<_> = (0..2u64)
            .map(|seed| {
                let exec = exec.clone();
                let published = published.clone();
                let done = done.clone();
                let total_calls = total_calls.clone();
                std::thread::spawn(move || {
                    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (seed + 1);
                    let mut calls = 0usize;
                    while !done.load(Ordering::Acquire) {
                        let n = published.load(Ordering::Acquire);
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let i = (x % n as u64) as usize;
                        let g = exec.lock();
                        assert!(g.len() >= n * RET_CONST_LEN, "published code is committed");
                        let f = unsafe {
                            g.func::<extern "C" fn() -> u64>(AssemblyOffset(i * RET_CONST_LEN))
                        }
                        .unwrap();
                        let v = f() as u32 as usize;
                        if i == 0 {
                            assert!(v == 1000 || v == 1001, "function 0 returned {v}");
                        } else {
                            assert_eq!(v, i % 2048, "function {i}");
                        }
                        calls += 1;
                        total_calls.fetch_add(1, Ordering::Relaxed);
                    }
                    calls
                })
            })
            .collect();

        let mut next = 1usize;
        for round in 0..ROUNDS {
            for _ in 0..PER_ROUND {
                ret_const(&mut asm, (next % 2048) as u32);
                next += 1;
            }
            asm.commit().unwrap();
            published.store(next, Ordering::Release);
            if round % 100 == 0 {
                let v = 1000 + (round / 100 % 2) as u32;
                asm.alter(|m| {
                    m.goto(AssemblyOffset(0));
                    ret_const(m, v);
                })
                .unwrap();
            }
        }
        // On a busy machine the readers may not have been scheduled yet.
        while total_calls.load(Ordering::Relaxed) < 2 {
            std::thread::yield_now();
        }
        done.store(true, Ordering::Release);
        let calls: usize = readers.into_iter().map(|r| r.join().expect("reader")).sum();
        eprintln!("{s:?}: {calls} calls by the readers during {ROUNDS} rounds");
        assert!(calls > 0, "{s:?}: the readers ran code");
        assert_eq!(asm.committed_len(), next * RET_CONST_LEN);
    }
}
