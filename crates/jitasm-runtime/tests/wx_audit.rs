//! W^X audit: at every state change of code memory, no mapping of the
//! process is writable and executable at once — checked synchronously after
//! each step and by a watcher thread reading /proc/self/maps throughout.
#![cfg(target_os = "linux")]

mod common;
use common::*;

use jitasm_core::AssemblyOffset;
use jitasm_runtime::{LabelApi, Strategy};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

struct Mapping {
    start: u64,
    end: u64,
    perms: String,
}

fn maps() -> Vec<Mapping> {
    let text = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let range = f.next()?;
            let perms = f.next()?.to_string();
            let (a, b) = range.split_once('-')?;
            Some(Mapping {
                start: u64::from_str_radix(a, 16).ok()?,
                end: u64::from_str_radix(b, 16).ok()?,
                perms,
            })
        })
        .collect()
}

fn assert_no_wx(step: &str) {
    let m = maps();
    assert!(!m.is_empty(), "no mappings read");
    for x in &m {
        assert!(
            !(x.perms.as_bytes()[1] == b'w' && x.perms.as_bytes()[2] == b'x'),
            "{step}: mapping {:#x}-{:#x} is {}",
            x.start,
            x.end,
            x.perms
        );
    }
}

/// The permissions of the mapping that holds `addr`.
fn perms_at(addr: u64) -> String {
    maps()
        .into_iter()
        .find(|m| m.start <= addr && addr < m.end)
        .map(|m| m.perms)
        .unwrap_or_else(|| "unmapped".into())
}

#[test]
fn no_mapping_is_ever_writable_and_executable() {
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let stop = stop.clone();
        let reads = reads.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                assert_no_wx("watcher");
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    // Let the watcher start before the first step, and repeat the sequence
    // so that its reads overlap every kind of step.
    let wait_for_reads = |n: usize| {
        while reads.load(Ordering::Relaxed) < n {
            std::thread::yield_now();
        }
    };
    wait_for_reads(1);
    for s in strategies().into_iter().cycle().take(20) {
        assert_no_wx("start");
        let mut asm = assembler(s);
        assert_no_wx("reserved");
        let a = asm.offset();
        ret_const(&mut asm, 1);
        sum_loop(&mut asm);
        assert_no_wx("emitted");
        asm.commit().unwrap();
        assert_no_wx("committed");
        let base = asm.address(a);
        assert!(
            perms_at(base).starts_with("r-x"),
            "{s:?}: code is {}",
            perms_at(base)
        );
        if s == Strategy::DualMap {
            assert!(
                perms_at(base).ends_with('s'),
                "the executable view is shared"
            );
        }
        let exec = asm.reader();
        {
            let g = exec.lock();
            assert_no_wx("locked");
            let f = unsafe { g.func::<extern "C" fn() -> u64>(a) }.unwrap();
            assert_eq!(f() as u32, 1);
        }
        for i in 0..200 {
            ret_const(&mut asm, i);
            asm.commit().unwrap();
        }
        assert_no_wx("many commits");
        asm.alter(|m| {
            m.goto(a);
            ret_const(m, 2);
        })
        .unwrap();
        assert_no_wx("altered");
        assert!(
            perms_at(base).starts_with("r-x"),
            "after alter: {}",
            perms_at(base)
        );
        {
            let g = exec.lock();
            let f = unsafe { g.func::<extern "C" fn() -> u64>(a) }.unwrap();
            assert_eq!(f() as u32, 2);
        }
        asm.define_global("end").unwrap();
        let code = asm.finalize().unwrap();
        assert_no_wx("finalized");
        assert!(code.ptr(AssemblyOffset(0)).is_ok());
        drop(code);
        assert!(
            perms_at(base).starts_with("r-x"),
            "an executor keeps the memory mapped"
        );
        drop(exec);
        assert_no_wx("dropped");
        assert_eq!(
            perms_at(base),
            "unmapped",
            "{s:?}: dropping the last owner unmaps"
        );
    }

    stop.store(true, Ordering::Relaxed);
    watcher
        .join()
        .expect("the watcher saw no writable+executable mapping");
    assert!(reads.load(Ordering::Relaxed) > 0);
}
