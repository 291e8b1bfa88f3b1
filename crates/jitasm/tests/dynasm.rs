//! The `dynasm!` macro: the language, checked against the text assembler's
//! bytes (the same grammar and encoder with constants), and run on the host.

use jitasm::{dynasm, isa::X64, DynamicLabel, LabelApi, VecAssembler};

fn text(src: &str) -> Vec<u8> {
    let opts = jitasm::AsmOptions::new(jitasm::Arch::X64).syntax(jitasm::Syntax::Dynasm);
    let mut v = VecAssembler::<X64>::new(0);
    for _ in 0..4 {
        v.new_dynamic_label();
    }
    jitasm::assemble_into(&mut v, src, &opts).unwrap();
    v.finalize().unwrap()
}

fn bytes(f: impl FnOnce(&mut VecAssembler<X64>)) -> Vec<u8> {
    let mut ops = VecAssembler::<X64>::new(0);
    f(&mut ops);
    ops.finalize().unwrap()
}

#[test]
fn static_lines_equal_the_text_assembler() {
    let got = bytes(|ops| {
        dynasm!(ops
            ; push rbp
            ; mov rbp, rsp
            ; mov DWORD [rbp - 8], 0x1234
            ; lea rax, [rbx + rcx*4 + 0x10]
            ; vaddps zmm1{k1}{z}, zmm2, [rax + 64]{1to16}
            ; lock xadd [rdi], eax
            ; movabs rax, 0x1122334455667788
            ; pop rbp
            ; ret
        );
    });
    let want = text(
        "push rbp; mov rbp, rsp; mov DWORD [rbp - 8], 0x1234; lea rax, [rbx + rcx*4 + 0x10]
         vaddps zmm1{k1}{z}, zmm2, [rax + 64]{1to16}; lock xadd [rdi], eax
         movabs rax, 0x1122334455667788; pop rbp; ret",
    );
    assert_eq!(got, want);
}

#[test]
fn rust_values_as_immediates_displacements_and_registers() {
    for r in 0u8..16 {
        let xi = if r == 4 { 12 } else { r };
        for (imm, disp) in [
            (0i32, 0i32),
            (5, -8),
            (-129, 127),
            (0x7fff_ffff, 128),
            (i32::MIN, i32::MIN),
        ] {
            let got = bytes(|ops| {
                dynasm!(ops
                    ; mov Rd(r), imm
                    ; add Rq(r), imm
                    ; mov Rq(r), QWORD [Rq(r) + disp]
                    ; cmp BYTE [Rq(r) + disp], 7
                    ; lea rax, [rbx + Rq(xi)*8 + disp]
                );
            });
            let r64 = jitasm::x64::Reg::new(jitasm::x64::RegClass::Gp64, r).unwrap();
            let r32 = jitasm::x64::Reg::new(jitasm::x64::RegClass::Gp32, r).unwrap();
            let x64 = jitasm::x64::Reg::new(jitasm::x64::RegClass::Gp64, xi).unwrap();
            let src = format!(
                "mov {r32}, {imm}; add {r64}, {imm}; mov {r64}, QWORD [{r64} + {disp}]
                 cmp BYTE [{r64} + {disp}], 7; lea rax, [rbx + {x64}*8 + {disp}]"
            );
            assert_eq!(got, text(&src), "r={r} imm={imm} disp={disp}");
        }
    }
    // rsp cannot be an index: an error, no bytes.
    let mut ops = VecAssembler::<X64>::new(0);
    let r = 4u8;
    dynasm!(ops ; lea rax, [rbx + Rq(r)*8]);
    let e = ops.finalize().unwrap_err();
    assert!(e.to_string().contains("stack pointer"), "{e}");
}

/// Statements whose code is a template (straight-line code derived from
/// the encoder while expanding): long encodings (more than 8 bytes),
/// `lock`, disp8×N, two immediates' worth of fields, shift counts.
#[test]
fn templates_equal_the_text_assembler() {
    use jitasm::x64::{Reg, RegClass};
    let gp = |c, n| Reg::new(c, n).unwrap();
    let mut n = 0;
    for b in 0u8..16 {
        let i = (b * 7 + 3) % 16;
        let i = if i == 4 { 12 } else { i };
        let r = 15 - b;
        let x = (b * 5 + 1) % 32;
        for (d, k) in [
            (0i32, 1i32),
            (64, -1),
            (-128, 0x7f),
            (-129, 0x80),
            (4096, -0x8000_0000),
            (i32::MAX, i32::MAX),
        ] {
            let k64 = (k as i64) << 20 | 5;
            let s = (k & 63) as i8;
            let got = bytes(|ops| {
                dynasm!(ops
                    ; lock cmpxchg [Rq(b) + Rq(i)*4 + d], Rq(r)
                    ; lock add DWORD [Rq(b) + d], k
                    ; mov Rq(r), QWORD k64
                    ; imul Rd(r), [Rq(b) + Rq(i)*8 + d], k
                    ; sar DWORD [Rq(b) + d], s
                    ; vaddps Rz(x), Rz(31 - x), [Rq(b) + d]
                    ; vmovups Ry(x), [Rq(b) + Rq(i)*2 + d]
                    ; vpsllq Ry(x), Ry(x ^ 9), s
                );
            });
            let (b64, i64_, r64) = (
                gp(RegClass::Gp64, b),
                gp(RegClass::Gp64, i),
                gp(RegClass::Gp64, r),
            );
            let r32 = gp(RegClass::Gp32, r);
            let src = format!(
                "lock cmpxchg [{b64} + {i64_}*4 + {d}], {r64}
                 lock add DWORD [{b64} + {d}], {k}
                 mov {r64}, QWORD {k64}
                 imul {r32}, [{b64} + {i64_}*8 + {d}], {k}
                 sar DWORD [{b64} + {d}], {s}
                 vaddps zmm{x}, zmm{}, [{b64} + {d}]
                 vmovups ymm{x}, [{b64} + {i64_}*2 + {d}]
                 vpsllq ymm{x}, ymm{}, {s}",
                31 - x,
                x ^ 9
            );
            assert_eq!(got, text(&src), "b={b} i={i} r={r} x={x} d={d} k={k}");
            n += 1;
        }
    }
    assert_eq!(n, 96);
}

/// Every key of a template's code, through the macro: registers over
/// their class and one past it, values on both sides of every bound the
/// key tests (accumulator, `rsp`/`rbp`-like bases, immediates that fit 8
/// or 32 bits or sign-extend, the value 1 of shifts, disp8 and disp8×N).
/// Each statement gives the text assembler's bytes, or an error where a
/// register is out of its class or the text assembler refuses the value.
#[test]
fn template_keys_at_every_bound() {
    use jitasm::x64::{Reg, RegClass};
    fn check(what: &str, got: Result<Vec<u8>, jitasm::Error>, src: Option<String>) {
        let want = src.as_deref().map(|src| {
            let opts = jitasm::AsmOptions::new(jitasm::Arch::X64).syntax(jitasm::Syntax::Dynasm);
            let mut v = VecAssembler::<X64>::new(0);
            jitasm::assemble_into(&mut v, src, &opts)
                .ok()
                .and_then(|_| v.finalize().ok())
        });
        match (got, want) {
            (Ok(got), Some(Some(want))) => assert_eq!(got, want, "{what}: {src:?}"),
            (Err(_), None | Some(None)) => {}
            (got, want) => panic!("{what}: macro {got:02x?}, text {want:02x?} for {src:?}"),
        }
    }
    fn run(f: impl FnOnce(&mut VecAssembler<X64>)) -> Result<Vec<u8>, jitasm::Error> {
        let mut ops = VecAssembler::<X64>::new(0);
        f(&mut ops);
        ops.finalize()
    }
    let name = |c: RegClass, n: u8| Reg::new(c, n).map(|r| r.to_string());
    let values: &[i64] = &[
        0,
        1,
        2,
        -1,
        3,
        8,
        63,
        64,
        0x7f,
        0x80,
        -0x80,
        -0x81,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        -0x8000,
        -0x8001,
        0xffff,
        0x7fff_ffff,
        0x8000_0000,
        -0x8000_0000,
        -0x8000_0001,
        0xffff_ffff,
        0x1_0000_0000,
        i64::MAX,
        i64::MIN,
    ];
    let mut n = 0;
    for a in 0u8..=16 {
        let (q, d, w, b) = (
            name(RegClass::Gp64, a),
            name(RegClass::Gp32, a),
            name(RegClass::Gp16, a),
            name(RegClass::Gp8, a),
        );
        let base = (a * 5 + 4) % 16;
        let bq = name(RegClass::Gp64, base).unwrap();
        for &v in values {
            let (k32, k16, k8) = (v as i32, v as i16, v as i8);
            if v == k32 as i64 {
                let got = run(|ops| dynasm!(ops ; add Rq(a), k32));
                check(
                    "add Rq, i32",
                    got,
                    q.as_ref().map(|q| format!("add {q}, {k32}")),
                );
                let got = run(|ops| dynasm!(ops ; cmp Rd(a), k32));
                check(
                    "cmp Rd, i32",
                    got,
                    d.as_ref().map(|d| format!("cmp {d}, {k32}")),
                );
                let got = run(|ops| dynasm!(ops ; imul Rd(a), Rd(base), k32));
                check(
                    "imul Rd, Rd, i32",
                    got,
                    d.as_ref().map(|d| {
                        format!("imul {d}, {}, {k32}", name(RegClass::Gp32, base).unwrap())
                    }),
                );
                let got = run(|ops| dynasm!(ops ; mov Rd(a), [Rq(base) + k32]));
                check(
                    "mov Rd, [Rq + i32]",
                    got,
                    d.as_ref().map(|d| format!("mov {d}, [{bq} + {k32}]")),
                );
                let got = run(|ops| dynasm!(ops ; mov [Rq(a) + k32], Rd(base)));
                check(
                    "mov [Rq + i32], Rd",
                    got,
                    q.as_ref().map(|q| {
                        format!("mov [{q} + {k32}], {}", name(RegClass::Gp32, base).unwrap())
                    }),
                );
            }
            if v == k16 as i64 {
                let got = run(|ops| dynasm!(ops ; add Rw(a), k16));
                check(
                    "add Rw, i16",
                    got,
                    w.as_ref().map(|w| format!("add {w}, {k16}")),
                );
            }
            if v == k8 as i64 {
                let got = run(|ops| dynasm!(ops ; mov Rb(a), k8));
                check(
                    "mov Rb, i8",
                    got,
                    b.as_ref().map(|b| format!("mov {b}, {k8}")),
                );
                let got = run(|ops| dynasm!(ops ; test Rb(a), k8));
                check(
                    "test Rb, i8",
                    got,
                    b.as_ref().map(|b| format!("test {b}, {k8}")),
                );
                let got = run(|ops| dynasm!(ops ; shl Rq(a), k8));
                check(
                    "shl Rq, i8",
                    got,
                    q.as_ref().map(|q| format!("shl {q}, {k8}")),
                );
            }
            let got = run(|ops| dynasm!(ops ; mov Rq(a), QWORD v));
            check(
                "mov Rq, QWORD i64",
                got,
                q.as_ref().map(|q| format!("mov {q}, QWORD {v}")),
            );
            n += 1;
        }
    }
    for x in 0u8..=32 {
        let (z, y) = (name(RegClass::Zmm, x), name(RegClass::Ymm, x));
        let base = (x * 3 + 5) % 16;
        let bq = name(RegClass::Gp64, base).unwrap();
        let index = if x % 16 == 4 { 9 } else { x % 16 };
        let iq = name(RegClass::Gp64, index).unwrap();
        for &v in values {
            let Ok(k) = i32::try_from(v) else { continue };
            let got = run(|ops| dynasm!(ops ; vaddps Rz(x), Rz(31 - x % 32), [Rq(base) + k]));
            let other = name(RegClass::Zmm, 31 - x % 32).unwrap();
            check(
                "vaddps Rz, Rz, [Rq + i32]",
                got,
                z.as_ref()
                    .map(|z| format!("vaddps {z}, {other}, [{bq} + {k}]")),
            );
            let got = run(|ops| dynasm!(ops ; vmovups Ry(x), [Rq(base) + Rq(index)*4 + k]));
            check(
                "vmovups Ry, [Rq + Rq*4 + i32]",
                got,
                y.as_ref()
                    .map(|y| format!("vmovups {y}, [{bq} + {iq}*4 + {k}]")),
            );
            n += 1;
        }
    }
    let fit32 = values.iter().filter(|&&v| i32::try_from(v).is_ok()).count();
    assert_eq!(n, 17 * values.len() + 33 * fit32);
}

#[test]
fn vector_registers_from_rust() {
    for x in 0u8..32 {
        let got = bytes(|ops| {
            dynasm!(ops
                ; vaddps Rz(x), Rz(x), Rz(31 - x)
                ; movaps Rx(x & 15), Rx(15 - (x & 15))
                ; vxorps Ry(x), Ry(x), Ry(x)
            );
        });
        let src = format!(
            "vaddps zmm{x}, zmm{x}, zmm{}; movaps xmm{}, xmm{}; vxorps ymm{x}, ymm{x}, ymm{x}",
            31 - x,
            x & 15,
            15 - (x & 15)
        );
        assert_eq!(got, text(&src), "x={x}");
    }
}

#[test]
fn values_that_do_not_fit_are_errors_not_masked() {
    let mut ops = VecAssembler::<X64>::new(0);
    let r: u8 = 16;
    dynasm!(ops ; mov Rq(r), rax);
    assert!(ops.finalize().is_err());

    let mut ops = VecAssembler::<X64>::new(0);
    let r: u8 = 9;
    dynasm!(ops ; .arch x86 ; mov Rd(r), eax);
    let e = ops.finalize().unwrap_err();
    assert!(e.to_string().contains("instruction at offset 0x0"), "{e}");

    // xmm16 needs EVEX: SSE's movaps has none.
    let mut ops = VecAssembler::<X64>::new(0);
    let x: u8 = 16;
    dynasm!(ops ; movaps Rx(x), xmm1);
    assert!(ops.finalize().is_err());

    let mut ops = VecAssembler::<X64>::new(0);
    let k: i8 = -1;
    dynasm!(ops ; shl eax, k ; ret);
    assert_eq!(ops.finalize().unwrap(), [0xC1, 0xE0, 0xFF, 0xC3]);
}

#[test]
fn labels_local_global_dynamic() {
    let mut ops = VecAssembler::<X64>::new(0);
    let end = ops.new_dynamic_label();
    dynasm!(ops
        ; ->start:
        ; mov ecx, 10
        ; top:
        ; dec ecx
        ; jnz <top
        ; jmp >done
        ; nop
        ; done:
        ; jmp =>end
        ; lea rax, [->start]
        ; =>end
        ; ret
    );
    let got = ops.finalize().unwrap();
    let want = text(
        "->start:; mov ecx, 10; top:; dec ecx; jnz <top; jmp >done; nop; done:; jmp =>0
         lea rax, [->start]; =>0:; ret",
    );
    assert_eq!(got, want);
}

#[test]
fn labels_across_invocations_and_statements() {
    let mut ops = VecAssembler::<X64>::new(0);
    let labels: Vec<DynamicLabel> = (0..3).map(|_| ops.new_dynamic_label()).collect();
    dynasm!(ops ; again:);
    for (i, l) in labels.iter().enumerate() {
        let i = i as i32;
        dynasm!(ops
            ; =>*l
            ; add eax, i
            ;; let next = labels.get(i as usize + 1).copied().unwrap_or(labels[0])
            ; jmp =>next
        );
    }
    dynasm!(ops ; jmp <again ; .align 16 ; .u32 7, -1i32 as u32 ; .i8 -2 ; .f32 1.5 ; .bytes [1u8, 2, 3].iter());
    let got = ops.finalize().unwrap();
    let mut want = text(
        "again:; =>0:; add eax, 0; jmp =>1; =>1:; add eax, 1; jmp =>2; =>2:; add eax, 2; jmp =>0; jmp <again; .align 16",
    );
    want.extend_from_slice(&7u32.to_le_bytes());
    want.extend_from_slice(&u32::MAX.to_le_bytes());
    want.push(0xfe);
    want.extend_from_slice(&1.5f32.to_le_bytes());
    want.extend_from_slice(&[1, 2, 3]);
    assert_eq!(got, want);
}

#[repr(C)]
struct Point {
    x: i64,
    y: i64,
}

#[test]
fn typed_references() {
    let i = 3usize;
    let got = bytes(|ops| {
        dynasm!(ops
            ; mov rax, QWORD rdi => Point.y
            ; mov rax, QWORD rdi => Point[i].x
            ; mov rax, QWORD rdi => Point[2]
        );
    });
    assert_eq!(
        got,
        text("mov rax, QWORD [rdi + 8]; mov rax, QWORD [rdi + 48]; mov rax, QWORD [rdi + 32]")
    );
}

#[cfg(all(target_arch = "x86_64", unix))]
extern "sysv64" fn add_three(a: i64, b: i64, c: i64) -> i64 {
    a + b + c
}

#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn runs_on_the_host() {
    let mut ops = jitasm::Assembler::<X64>::new().unwrap();
    let entry = ops.offset();
    let k: i32 = 100;
    dynasm!(ops
        ; .arch x64
        ; push rbx
        ; mov rbx, rdi
        ; mov rdx, k as i64 as i32
        ; mov rax, QWORD add_three as *const () as _
        ; call rax
        ; add rax, rbx
        ; pop rbx
        ; ret
    );
    let code = ops.finalize().unwrap();
    let f = unsafe {
        code.func::<extern "sysv64" fn(i64, i64) -> i64>(entry)
            .unwrap()
    };
    assert_eq!(f(1, 2), 1 + 2 + 100 + 1);
}

#[test]
fn extern_targets() {
    let mut ops = VecAssembler::<X64>::new(0x1000);
    let target: usize = 0x2000;
    dynasm!(ops ; call extern target ; jmp extern 0x1010usize);
    assert_eq!(
        ops.finalize().unwrap(),
        text_at(0x1000, "call extern 0x2000; jmp extern 0x1010")
    );
}

fn text_at(base: u64, src: &str) -> Vec<u8> {
    let opts = jitasm::AsmOptions::new(jitasm::Arch::X64).syntax(jitasm::Syntax::Dynasm);
    let mut v = VecAssembler::<X64>::new(base);
    jitasm::assemble_into(&mut v, src, &opts).unwrap();
    v.finalize().unwrap()
}

/// Labels defined and referenced in one invocation, with only static code
/// between, are patched while expanding: the bytes are final before any
/// resolution. Across a statement of run-time size, or to a definition in
/// another invocation, the output resolves them.
#[test]
fn labels_of_one_invocation_are_resolved_while_expanding() {
    let mut ops = VecAssembler::<X64>::new(0);
    dynasm!(ops
        ; ->entry:
        ; top:
        ; dec ecx
        ; jnz <top
        ; jmp >done
        ; jmp ->entry
        ; nop
        ; done:
        ; jmp ->exit
        ; ->exit:
        ; ret
    );
    let before = ops.bytes().to_vec();
    let after = ops.finalize().unwrap();
    assert_eq!(before, after);
    assert_eq!(
        after,
        text("->entry:; top:; dec ecx; jnz <top; jmp >done; jmp ->entry; nop; done:; jmp ->exit; ->exit:; ret")
    );

    // A register given at run time ends the segment: the output patches.
    let mut ops = VecAssembler::<X64>::new(0);
    let r: u8 = 1;
    dynasm!(ops
        ; top:
        ; dec Rd(r)
        ; jnz <top
        ; jmp >done
        ; inc Rq(r)
        ; done:
        ; ret
    );
    let before = ops.bytes().to_vec();
    let after = ops.finalize().unwrap();
    assert_ne!(before, after);
    assert_eq!(
        after,
        text("top:; dec ecx; jnz <top; jmp >done; inc rcx; done:; ret")
    );

    // `<again` before any definition in this invocation binds to the one
    // of the previous invocation, not to the later one of this invocation.
    let mut ops = VecAssembler::<X64>::new(0);
    dynasm!(ops ; again: ; nop);
    dynasm!(ops
        ; jmp <again
        ; again:
        ; jmp <again
    );
    assert_eq!(
        ops.finalize().unwrap(),
        text("again:; nop; jmp <again; again:; jmp <again")
    );
}

/// An instruction whose only Rust value is its label target has static
/// bytes: it joins the constant bytes around it, the target is evaluated
/// before the assembler is borrowed (so it may use the assembler), and the
/// bytes are those of the same instruction with the label written out.
#[test]
fn label_targets_from_rust_keep_the_bytes_static() {
    let mut ops = VecAssembler::<X64>::new(0);
    let here = ops.new_dynamic_label();
    let f = 0x1000u64;
    dynasm!(ops
        ; =>here
        ; nop
        ; jmp =>here
        ; jz =>ops.new_dynamic_label()
        ; call extern f
        ; lea rax, [=>here]
    );
    // The label made inside the invocation is the second one made.
    let made = jitasm::DynamicLabel::from_index(1);
    dynasm!(ops ; =>made);
    let got = ops.finalize().unwrap();
    let mut want = VecAssembler::<X64>::new(0);
    let here = want.new_dynamic_label();
    let other = want.new_dynamic_label();
    dynasm!(want
        ; =>here
        ; nop
        ; jmp =>here
        ; jz =>other
        ; call extern f
        ; lea rax, [=>here]
        ; =>other
    );
    let want = want.finalize().unwrap();
    assert_eq!(got, want);
    assert_eq!(
        want,
        text("=>0:; nop; jmp =>0; jz =>1; call extern 0x1000; lea rax, [=>0]; =>1:")
    );
}
