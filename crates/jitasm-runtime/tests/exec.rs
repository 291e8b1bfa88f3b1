//! Generated code executed on the host CPU (natively on x86-64, under qemu
//! for AArch64 and RISC-V): constants, loops through labels, calls into
//! Rust, absolute fixups across growth, alter, errors.

mod common;
use common::*;

use jitasm_core::{
    fixup, AssemblyOffset, ByteSink, CodeSink, Error, FixupProblem, LabelName, LabelRef,
    LabelTarget,
};
use jitasm_runtime::{AssemblerOptions, LabelApi, Strategy, VecAssembler};

type F0 = extern "C" fn() -> u64;
type F1 = extern "C" fn(u64) -> u64;

#[test]
fn returns_a_constant() {
    for s in strategies() {
        let mut asm = assembler(s);
        let entry = asm.offset();
        ret_const(&mut asm, 42);
        let code = asm.finalize().unwrap();
        let f = unsafe { code.func::<F0>(entry) }.unwrap();
        assert_eq!(f() as u32, 42, "{s:?}");
    }
}

#[test]
fn loop_with_forward_and_backward_local_labels() {
    for s in strategies() {
        let mut asm = assembler(s);
        let entry = asm.offset();
        sum_loop(&mut asm);
        // The same local names again: they bind to the new definitions.
        let second = asm.offset();
        sum_loop(&mut asm);
        let code = asm.finalize().unwrap();
        for e in [entry, second] {
            let f = unsafe { code.func::<F1>(e) }.unwrap();
            assert_eq!(f(0), 0);
            assert_eq!(f(1), 1);
            assert_eq!(f(100), 5050, "{s:?}");
        }
    }
}

#[test]
fn global_and_dynamic_labels_with_addends() {
    let mut asm = assembler(Strategy::default());
    let dynl = asm.new_dynamic_label();
    // entry: jump ->glob; ->glob jumps to =>dynl + RET_CONST_LEN (skipping a
    // function that returns 1, landing on one that returns 2).
    let entry = asm.offset();
    jump(&mut asm, global("glob"));
    ret_const(&mut asm, 9);
    asm.define_global("glob").unwrap();
    jump(&mut asm, LabelRef::from(dynl).plus(RET_CONST_LEN as i64));
    asm.define_dynamic(dynl).unwrap();
    ret_const(&mut asm, 1);
    ret_const(&mut asm, 2);
    let code = asm.finalize().unwrap();
    let f = unsafe { code.func::<F0>(entry) }.unwrap();
    assert_eq!(f() as u32, 2);
}

#[test]
fn calls_rust_with_integer_and_float_arguments() {
    for s in strategies() {
        let mut asm = assembler(s);
        let entry = asm.offset();
        call_rust(&mut asm);
        let code = asm.finalize().unwrap();
        let f = unsafe { code.func::<extern "C" fn(i64, f64) -> f64>(entry) }.unwrap();
        assert_eq!(f(7, 1.25), mix(7, 1.25, 3, 0.5));
        assert_eq!(f(-4, 2.5), -8.5);
    }
}

#[test]
fn absolute_fixup_survives_growth_and_many_commits() {
    for s in strategies() {
        let mut asm = assembler(s);
        let target = asm.offset();
        asm.define_global("target").unwrap();
        ret_const(&mut asm, 7);
        let getter = asm.offset();
        return_address_of(&mut asm, global("target"));
        asm.commit().unwrap();
        let exec = asm.reader();
        let before = {
            let g = exec.lock();
            let f = unsafe { g.func::<F0>(getter) }.unwrap();
            f()
        };
        assert_eq!(before, asm.address(target));
        // Grow well past the first mapped chunk, in many commits.
        for round in 0..40 {
            for _ in 0..(16 * 1024 / RET_CONST_LEN) {
                ret_const(&mut asm, round);
            }
            asm.commit().unwrap();
        }
        assert!(asm.committed_len() > 600 * 1024);
        let g = exec.lock();
        let f = unsafe { g.func::<F0>(getter) }.unwrap();
        let addr = f();
        assert_eq!(addr, before, "{s:?}: committed code moved");
        // The address still holds the function.
        let t: F0 = unsafe { std::mem::transmute::<usize, F0>(addr as usize) };
        assert_eq!(t() as u32, 7);
    }
}

#[test]
fn alter_rewrites_committed_code() {
    for s in strategies() {
        let mut asm = assembler(s);
        let a = asm.offset();
        ret_const(&mut asm, 42);
        let b = asm.offset();
        jump(&mut asm, global("one"));
        asm.define_global("one").unwrap();
        ret_const(&mut asm, 1);
        asm.define_global("two").unwrap();
        ret_const(&mut asm, 2);
        asm.commit().unwrap();
        let exec = asm.reader();
        let call = |off: AssemblyOffset| {
            let g = exec.lock();
            let f = unsafe { g.func::<F0>(off) }.unwrap();
            f() as u32
        };
        assert_eq!(call(a), 42);
        assert_eq!(call(b), 1);
        asm.alter(|m| {
            m.goto(a);
            ret_const(m, 43);
            m.goto(b);
            jump(m, global("two"));
        })
        .unwrap();
        assert_eq!(call(a), 43, "{s:?}");
        assert_eq!(call(b), 2, "{s:?}");
        // Code appended after an alter still works, and the alter held.
        let c = asm.offset();
        ret_const(&mut asm, 5);
        asm.commit().unwrap();
        assert_eq!(call(c), 5);
        assert_eq!(call(a), 43);
    }
}

#[test]
fn alter_outside_committed_code_is_an_error() {
    let mut asm = assembler(Strategy::default());
    ret_const(&mut asm, 1);
    asm.commit().unwrap();
    let end = asm.offset();
    let r = asm.alter(|m| {
        m.goto(AssemblyOffset(end.0 - 2));
        m.extend_from_slice(&[0; 4]);
    });
    assert!(matches!(r, Err(Error::OffsetOutOfBounds { .. })), "{r:?}");
    let r = asm.alter(|m| {
        m.goto(AssemblyOffset(0));
        jump(m, local("nowhere", true));
    });
    assert!(matches!(r, Err(Error::UnknownLabel { .. })), "{r:?}");
}

#[test]
fn alter_uncommitted_overwrites_staged_code() {
    let mut asm = assembler(Strategy::default());
    let a = asm.offset();
    ret_const(&mut asm, 10);
    {
        let mut m = asm.alter_uncommitted();
        m.goto(a);
        ret_const(&mut m, 11);
    }
    let code = asm.finalize().unwrap();
    let f = unsafe { code.func::<F0>(a) }.unwrap();
    assert_eq!(f() as u32, 11);
}

#[test]
fn commit_errors_commit_nothing_and_can_be_fixed() {
    let mut asm = assembler(Strategy::default());
    let entry = asm.offset();
    jump(&mut asm, global("later"));
    let err = asm.commit().unwrap_err();
    assert_eq!(
        err,
        Error::UnknownLabel {
            label: LabelName::Global("later".into()),
            at: if cfg!(target_arch = "x86_64") { 1 } else { 0 },
        }
    );
    assert_eq!(asm.committed_len(), 0);
    asm.define_global("later").unwrap();
    ret_const(&mut asm, 3);
    let code = asm.finalize().unwrap();
    let f = unsafe { code.func::<F0>(entry) }.unwrap();
    assert_eq!(f() as u32, 3);
}

#[test]
fn label_errors() {
    let mut asm = assembler(Strategy::default());
    asm.define_global("g").unwrap();
    ret_const(&mut asm, 0);
    assert!(matches!(
        asm.define_global("g"),
        Err(Error::DuplicateLabel { label: LabelName::Global(ref n), first: 0, .. }) if n == "g"
    ));
    let d = asm.new_dynamic_label();
    asm.define_dynamic(d).unwrap();
    assert!(matches!(
        asm.define_dynamic(d),
        Err(Error::DuplicateLabel { .. })
    ));
    let bogus = jitasm_core::DynamicLabel::from_index(999);
    assert_eq!(
        asm.define_dynamic(bogus),
        Err(Error::InvalidDynamicLabel { index: 999 })
    );
    jump(&mut asm, LabelRef::from(bogus));
    assert_eq!(asm.commit(), Err(Error::InvalidDynamicLabel { index: 999 }));

    let mut asm = assembler(Strategy::default());
    jump(&mut asm, local("back", false));
    assert!(matches!(
        asm.commit(),
        Err(Error::UnknownLabel {
            label: LabelName::Local { forward: false, .. },
            ..
        })
    ));
}

#[test]
fn recorded_errors_block_commit() {
    let mut asm = assembler(Strategy::default());
    ret_const(&mut asm, 1);
    asm.record_error(Error::ValueOutOfRange {
        what: "register number",
        value: 16,
        min: 0,
        max: 15,
    });
    assert!(matches!(
        asm.commit(),
        Err(Error::ValueOutOfRange { value: 16, .. })
    ));
    assert!(
        matches!(asm.commit(), Err(Error::ValueOutOfRange { .. })),
        "errors are sticky"
    );
    assert_eq!(asm.committed_len(), 0);
}

#[test]
fn misaligned_scaled_fixup_is_an_error() {
    // A target one byte off: fine for x86, misaligned for A64 (4-byte) and
    // RISC-V (2-byte) branches.
    let mut asm = assembler(Strategy::default());
    jump(&mut asm, global("t").plus(1));
    asm.define_global("t").unwrap();
    ret_const(&mut asm, 0);
    let r = asm.commit();
    if cfg!(target_arch = "x86_64") {
        r.unwrap();
    } else {
        assert!(
            matches!(r, Err(Error::Fixup { error, .. }) if matches!(error.problem, FixupProblem::Misaligned { .. })),
        );
    }
}

#[test]
fn capacity_is_enforced() {
    let mut asm = jitasm_runtime::Assembler::<Host>::with_options(AssemblerOptions {
        capacity: 64 * 1024,
        strategy: Strategy::default(),
    })
    .unwrap();
    let cap = asm.capacity();
    asm.extend_from_slice(&vec![0; cap]);
    asm.commit().unwrap();
    asm.push(0);
    assert!(matches!(asm.commit(), Err(Error::CapacityExceeded { .. })));
}

#[test]
fn failure_to_map_is_an_error() {
    for strategy in strategies() {
        for capacity in [1usize << 60, usize::MAX] {
            let r = jitasm_runtime::Assembler::<Host>::with_options(AssemblerOptions {
                capacity,
                strategy,
            });
            assert!(
                matches!(
                    r,
                    Err(Error::Memory { .. } | Error::CapacityExceeded { .. })
                ),
                "{strategy:?} {capacity:#x}: {r:?}"
            );
        }
    }
}

#[test]
fn unused_bytes_are_traps() {
    let arch = jitasm_core::Arch::host().unwrap();
    let mut asm = assembler(Strategy::default());
    ret_const(&mut asm, 1);
    asm.commit().unwrap();
    let exec = asm.reader();
    let g = exec.lock();
    assert_eq!(g.len(), RET_CONST_LEN);
    // Read the page beyond the committed code through the raw pointer: it is
    // mapped executable and must hold trap instructions.
    let p = g.ptr(AssemblyOffset(0)).unwrap();
    let tail = unsafe { std::slice::from_raw_parts(p.add(RET_CONST_LEN), 4096 - RET_CONST_LEN) };
    let fill = arch.trap_fill();
    for (i, b) in tail.iter().enumerate() {
        assert_eq!(
            *b,
            fill[(RET_CONST_LEN + i) % fill.len()],
            "byte {i} after the code"
        );
    }
}

/// An assembler typed for one ISA whose memory is prepared for another
/// (`with_options_for`, what the dynasmrt compatibility crate uses): the
/// unused bytes are the named architecture's traps, for every strategy and
/// every architecture; `with_options` keeps the type's.
#[test]
fn memory_prepared_for_a_named_architecture() {
    for s in strategies() {
        let options = AssemblerOptions {
            capacity: 64 * 1024,
            strategy: s,
        };
        let plain = jitasm_runtime::Assembler::<jitasm_core::isa::X64>::with_options(options);
        assert_eq!(plain.unwrap().arch(), jitasm_core::Arch::X64);
        for arch in jitasm_core::Arch::ALL {
            let mut asm =
                jitasm_runtime::Assembler::<jitasm_core::isa::X64>::with_options_for(options, arch)
                    .unwrap();
            assert_eq!(asm.arch(), arch);
            asm.extend_from_slice(&[0x11; 8]);
            asm.commit().unwrap();
            let exec = asm.reader();
            let g = exec.lock();
            let p = g.ptr(AssemblyOffset(0)).unwrap();
            // SAFETY: the memory is mapped (and readable) at least to the end
            // of the page holding the code, and nothing writes it meanwhile.
            let page = unsafe { std::slice::from_raw_parts(p, 4096) };
            let fill = arch.trap_fill();
            assert_eq!(page[..8], [0x11; 8], "{s:?} {arch}");
            for (i, b) in page.iter().enumerate().skip(8) {
                assert_eq!(*b, fill[i % fill.len()], "{s:?} {arch}: byte {i}");
            }
        }
    }
}

#[test]
fn vec_assembler_patches_for_its_base_address() {
    let mut asm = VecAssembler::<Host>::new(0x4000_0000);
    sum_loop(&mut asm);
    asm.emit_label_data(LabelRef::new(LabelTarget::Global("end")), abs64());
    asm.define_global("end").unwrap();
    let end = asm.global_label_offset("end").unwrap().0 as u64;
    let bytes = asm.take().unwrap();
    let lit = &bytes[bytes.len() - 8..];
    assert_eq!(
        u64::from_le_bytes(lit.try_into().unwrap()),
        0x4000_0000 + end
    );
    // Reuse: the same function again gives the same bytes.
    sum_loop(&mut asm);
    asm.emit_label_data(LabelRef::new(LabelTarget::Global("end")), abs64());
    asm.define_global("end").unwrap();
    assert_eq!(asm.take().unwrap(), bytes);
}

fn abs64() -> &'static jitasm_core::FixupKind {
    if cfg!(target_arch = "x86_64") {
        &fixup::x86::ABS64
    } else if cfg!(target_arch = "aarch64") {
        &fixup::aarch64::ABS64
    } else {
        &fixup::riscv::ABS64
    }
}

#[test]
fn code_pointer_bounds_are_checked() {
    let mut asm = assembler(Strategy::default());
    ret_const(&mut asm, 1);
    let code = asm.finalize().unwrap();
    assert!(code.ptr(AssemblyOffset(RET_CONST_LEN - 1)).is_ok());
    assert!(matches!(
        code.ptr(AssemblyOffset(RET_CONST_LEN)),
        Err(Error::OffsetOutOfBounds { .. })
    ));
    assert_eq!(code.len(), RET_CONST_LEN);
}
