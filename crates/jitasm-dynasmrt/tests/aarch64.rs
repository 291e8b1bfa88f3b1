//! `jitasm_dynasmrt::aarch64`: dynasmrt 5's AArch64 module over jitasm —
//! the assembler aliases and register enums with `dynasm!`, the relocation
//! API, and the immediate encoders and relocation fields against dynasmrt
//! 5.1 itself (the oracle).
#![deny(unused_imports)]

use jitasm_dynasmrt as dynasmrt;

use dynasmrt::aarch64::{Aarch64Relocation, RV, RX, RXSP};
use dynasmrt::relocations::{Relocation, RelocationKind, RelocationSize};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use dynasmrt_ref::relocations::Relocation as _;

fn vec() -> dynasmrt::VecAssembler<Aarch64Relocation> {
    dynasmrt::VecAssembler::new(0x10_0000)
}

/// xorshift64*, for inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn register_enums_in_dynasm() {
    let mut ops = vec();
    let (d, sp, v) = (RX::X3, RXSP::SP, RV::V17);
    dynasm!(ops
        ; .arch aarch64
        ; add X(d), XSP(sp), #16
        ; fadd V(v).s4, V(v).s4, V(RV::V1).s4
        ; mov x0, X(RX::XZR)
        ; ret
    );
    let mut want = vec();
    dynasm!(want
        ; .arch aarch64
        ; add x3, sp, #16
        ; fadd v17.s4, v17.s4, v1.s4
        ; mov x0, xzr
        ; ret
    );
    assert_eq!(ops.finalize().unwrap(), want.finalize().unwrap());
    assert_eq!(u8::from(RXSP::SP), 31);
    assert_eq!(dynasmrt::Register::code(&RV::V31), 31);
}

#[test]
#[should_panic(expected = "32")]
fn a_register_number_out_of_range_panics_at_emission() {
    let mut ops = vec();
    let n: u8 = 32;
    dynasm!(ops ; .arch aarch64 ; add x0, x1, X(n));
}

#[test]
#[should_panic(expected = "bitmask")]
fn an_immediate_that_does_not_fit_panics_at_emission() {
    let mut ops = vec();
    let mask: u64 = 0x1234;
    dynasm!(ops ; .arch aarch64 ; and x0, x1, #mask);
}

/// Each AArch64 relocation by hand (an instruction with a zero field, then
/// the relocation naming it) gives the macro's bytes.
#[test]
fn relocations_by_hand_match_the_macro() {
    let mut by_macro = vec();
    let l = by_macro.new_dynamic_label();
    dynasm!(by_macro
        ; .arch aarch64
        ; b =>l
        ; b.ne ->g
        ; adr x1, =>l
        ; adrp x2, ->g
        ; tbz w3, #4, =>l
        ; ->g:
        ; =>l
        ; .rel32 ->g
        ; ret
    );
    let want = by_macro.finalize().unwrap();

    let mut by_hand = vec();
    let l = by_hand.new_dynamic_label();
    // Relative (bits 7-6 = 0); 4 b, 5 b.cond, 6 adr, 7 adrp, 8 tbz.
    let words: [(u32, u8); 5] = [
        (0x1400_0000, 4),
        (0x5400_0001, 5),
        (0x1000_0001, 6),
        (0x9000_0002, 7),
        (0x3620_0003, 8),
    ];
    for (i, (word, code)) in words.into_iter().enumerate() {
        by_hand.extend(word.to_le_bytes());
        let kind = Aarch64Relocation::from_encoding(code);
        if i % 2 == 0 {
            by_hand.dynamic_relocation(l, 0, 4, 4, kind);
        } else {
            by_hand.global_relocation("g", 0, 4, 4, kind);
        }
    }
    by_hand.global_label("g");
    by_hand.dynamic_label(l);
    by_hand.extend([0u8; 4]);
    by_hand.global_relocation(
        "g",
        0,
        4,
        4,
        Aarch64Relocation::from_size(RelocationKind::Relative, RelocationSize::DWord),
    );
    dynasm!(by_hand ; .arch aarch64 ; ret);
    assert_eq!(by_hand.finalize().unwrap(), want);
}

#[test]
fn logical_and_floating_point_immediates_as_dynasmrt_encodes_them() {
    let mut rng = Rng(7);
    let mut values: Vec<u64> = (0..20_000).map(|_| rng.next()).collect();
    // Every rotated run of ones in every element size, and their neighbours.
    for size in [2u32, 4, 8, 16, 32, 64] {
        for ones in 1..size {
            for rot in 0..size {
                let elem = if ones == 64 {
                    u64::MAX
                } else {
                    (1u64 << ones) - 1
                };
                let mask = if size == 64 {
                    u64::MAX
                } else {
                    (1u64 << size) - 1
                };
                let elem = ((elem >> rot) | (elem << ((size - rot) % 64))) & mask;
                let mut v = elem;
                let mut s = size;
                while s < 64 {
                    v |= v << s;
                    s *= 2;
                }
                values.extend([v, v ^ 1, v.wrapping_add(1)]);
            }
        }
    }
    values.extend([0, u64::MAX, 1, 1 << 63]);
    let mut valid = 0;
    for v in values {
        let ours = dynasmrt::aarch64::encode_logical_immediate_64bit(v);
        assert_eq!(
            ours,
            dynasmrt_ref::aarch64::encode_logical_immediate_64bit(v),
            "{v:#x}"
        );
        let w = v as u32;
        assert_eq!(
            dynasmrt::aarch64::encode_logical_immediate_32bit(w),
            dynasmrt_ref::aarch64::encode_logical_immediate_32bit(w),
            "{w:#x}"
        );
        valid += ours.is_some() as usize;
    }
    assert!(valid > 5000, "{valid} valid bitmasks checked");
    let mut floats: Vec<f32> = (0..20_000)
        .map(|_| f32::from_bits(rng.next() as u32))
        .collect();
    for sign in [1.0f32, -1.0] {
        for n in 16..=31 {
            for r in -4..=5 {
                floats.push(sign * n as f32 / 16.0 * 2f32.powi(r));
            }
        }
    }
    floats.extend([0.0, -0.0, f32::INFINITY, f32::NAN, 0.1]);
    for f in floats {
        assert_eq!(
            dynasmrt::aarch64::encode_floating_point_immediate(f),
            dynasmrt_ref::aarch64::encode_floating_point_immediate(f),
            "{f}"
        );
    }
}

/// `write_value` and `read_value` of every AArch64 field against
/// dynasmrt's: the same bits for values in range (whole pages for `adrp`,
/// which dynasmrt rounds up and jitasm down), an error for values out of
/// range or misaligned, the other bits of the word kept.
#[test]
fn relocation_fields_as_dynasmrt_writes_them() {
    let mut rng = Rng(8);
    for code in 0u8..=8 {
        for kind in [0u8, 2] {
            let encoding = kind << 6 | code;
            let ours = Aarch64Relocation::from_encoding(encoding);
            let theirs = dynasmrt_ref::aarch64::Aarch64Relocation::from_encoding(encoding);
            assert_eq!(ours.size(), theirs.size());
            let bits = [8, 16, 32, 64, 28, 21, 21, 33, 16][code as usize];
            for i in 0..2000 {
                let mut value = (rng.next() as i64 >> (64 - bits.min(63) - 1)) as isize;
                if code == 7 {
                    value &= !0xFFF;
                } else if code != 6 && code >= 4 && i % 2 == 0 {
                    value &= !3;
                }
                let base = rng.next().to_le_bytes();
                let n = ours.size();
                let (mut a, mut b) = (base, base);
                let ra = ours.write_value(&mut a[..n], value);
                let rb = theirs.write_value(&mut b[..n], value);
                assert_eq!(ra.is_ok(), rb.is_ok(), "code {code}, value {value:#x}");
                if ra.is_ok() {
                    assert_eq!(a, b, "code {code}, value {value:#x}");
                    // dynasmrt 5.1 sign-extends `b`, `b.cond` and `tbz`
                    // values at the field's width before the scale (so a
                    // negative distance of more than a quarter of the range
                    // reads back positive); jitasm reads what was written.
                    if !matches!(code, 4 | 5 | 8) {
                        assert_eq!(ours.read_value(&a[..n]), theirs.read_value(&b[..n]));
                    }
                    if code >= 4 || n == 8 {
                        assert_eq!(ours.read_value(&a[..n]), value, "code {code}");
                    }
                }
            }
        }
    }
}

/// The assembler runs what it assembles (on AArch64 hosts; under qemu with
/// `--target aarch64-unknown-linux-gnu`).
#[cfg(target_arch = "aarch64")]
#[test]
fn the_assembler_runs_aarch64_code() {
    let mut ops = dynasmrt::aarch64::Assembler::new().unwrap();
    let start = ops.offset();
    let (a, b) = (RX::X9, RX::X10);
    dynasm!(ops
        ; .arch aarch64
        ; mov X(a), x0
        ; mov X(b), x1
        ; add x0, X(a), X(b), lsl #2
        ; ret
    );
    let buf = ops.finalize().unwrap();
    let f: extern "C" fn(u64, u64) -> u64 = unsafe { std::mem::transmute(buf.ptr(start)) };
    assert_eq!(f(2, 10), 42);
}

/// `nop` (Arm ARM C6.2 "NOP": hint #0), little-endian.
const NOP: [u8; 4] = 0xD503_201Fu32.to_le_bytes();

/// The bytes of the first page of an assembler's memory after `code` is
/// committed: the code, then what fills the memory no code was written to.
fn first_page<R: Relocation>(mut ops: dynasmrt::Assembler<R>, code: &[u8]) -> Vec<u8> {
    ops.extend(code);
    ops.commit().unwrap();
    let exec = ops.reader();
    let g = exec.lock();
    assert_eq!(g.len(), code.len());
    let p = g.ptr(dynasmrt::AssemblyOffset(0));
    // SAFETY: jitasm maps code memory at least to the end of the page that
    // holds the code; it is readable, and nothing writes it while the guard
    // lives.
    unsafe { std::slice::from_raw_parts(p, 4096) }.to_vec()
}

/// Unused AArch64 code memory holds `udf #0` words (all zero bits), as
/// dynasmrt's fresh pages do; x86-64 memory keeps `int3`. Byte checks: they
/// run on any host.
#[test]
fn unused_code_memory_holds_the_architectures_trap() {
    let ret = 0xD65F_03C0u32.to_le_bytes();
    let a64 = first_page(dynasmrt::aarch64::Assembler::new().unwrap(), &ret);
    assert_eq!(a64[..4], ret);
    assert!(
        a64[4..].iter().all(|&b| b == 0),
        "udf #0 after the code: {:02x?}",
        &a64[4..16]
    );
    let x64 = first_page(dynasmrt::x64::Assembler::new().unwrap(), &[0xC3]);
    assert_eq!(x64[0], 0xC3);
    assert!(x64[1..].iter().all(|&b| b == 0xCC), "int3 after the code");
    let x86 = first_page(dynasmrt::x86::Assembler::new().unwrap(), &[0xC3]);
    assert!(x86[1..].iter().all(|&b| b == 0xCC), "int3 after the code");
}

/// `.align` in A64 code pads with `nop` words (zero bytes first up to the
/// next word, as GNU as and llvm-mc pad code); with a fill byte, and through
/// `DynasmApi::align`, with that byte, as dynasmrt does.
#[test]
fn align_in_a64_code_pads_with_nop_words() {
    let ret = 0xD65F_03C0u32.to_le_bytes();
    let mut ops = vec();
    dynasm!(ops
        ; .arch aarch64
        ; ret
        ; .align 16
        ; ret
        ; .u8 0x55
        ; .align 16
        ; ret
        ; .align 16, 0xAA
        ; .u8 0x55
    );
    ops.align(4, 0x77);
    let mut want = Vec::new();
    want.extend(ret);
    want.extend(NOP.repeat(3));
    want.extend(ret);
    want.extend([0x55, 0, 0, 0]);
    want.extend(NOP.repeat(2));
    want.extend(ret);
    want.extend([0xAA; 12]);
    want.extend([0x55, 0x77, 0x77, 0x77]);
    assert_eq!(ops.finalize().unwrap(), want);

    // The same in executable memory, whose addresses are what is aligned.
    let mut ops = dynasmrt::aarch64::Assembler::new().unwrap();
    dynasm!(ops ; .arch aarch64 ; ret ; ret ; .align 32 ; ret);
    ops.commit().unwrap();
    let g = ops.reader();
    let code = g.lock();
    assert_eq!(code.len(), 36);
    assert!(
        code[8..32].chunks(4).all(|w| w == NOP),
        "{:02x?}",
        &code[..]
    );
    assert_eq!(code.ptr(dynasmrt::AssemblyOffset(32)) as usize % 32, 0);
}

/// dynasm-rs itself pads `.align` in AArch64 code with zero bytes (its
/// aarch64 `default_align` is 0): `udf #0` words where jitasm puts `nop`s,
/// so falling through the padding faults there and runs on here. With a
/// fill byte both agree.
#[test]
fn dynasmrt_pads_a64_align_with_zero_bytes() {
    use dynasmrt_ref::DynasmApi as _;
    let mut reference =
        dynasmrt_ref::VecAssembler::<dynasmrt_ref::aarch64::Aarch64Relocation>::new(0);
    dynasmrt_ref::dynasm!(reference ; .arch aarch64 ; ret ; .align 16 ; ret ; .align 16, 0xAA);
    let reference = reference.finalize().unwrap();
    let mut ours = vec();
    dynasm!(ours ; .arch aarch64 ; ret ; .align 16 ; ret ; .align 16, 0xAA);
    let ours = ours.finalize().unwrap();
    assert_eq!(reference[4..16], [0; 12]);
    assert_eq!(ours[4..16], NOP.repeat(3));
    assert_eq!(reference[16..], ours[16..]);
}

/// A program written as for dynasmrt: functions with labels and `.align`,
/// committed piece by piece while another thread runs the committed part
/// through an `Executor`, one of them rewritten with `alter` while that
/// thread keeps running.
#[cfg(target_arch = "aarch64")]
#[test]
fn a_dynasmrt_program_with_align_alter_and_an_executor_runs() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    type F1 = extern "C" fn(u64) -> u64;

    let mut ops = dynasmrt::aarch64::Assembler::new().unwrap();
    // count(n): counts to n (at least once) in a loop whose head is aligned.
    let count = ops.offset();
    dynasm!(ops
        ; .arch aarch64
        ; ->count:
        ; mov x1, xzr
    );
    let pad = ops.offset();
    dynasm!(ops
        ; .arch aarch64
        ; .align 16
        ; top:
        ; add x1, x1, #1
        ; cmp x1, x0
        ; b.lo <top
        ; mov x0, x1
        ; ret
    );
    ops.commit().unwrap();
    {
        let code = ops.reader();
        let code = code.lock();
        let head = pad.0.next_multiple_of(16);
        assert!(code[pad.0..head].chunks(4).all(|w| w == NOP));
    }

    let reader = ops.reader();
    let stop = Arc::new(AtomicBool::new(false));
    let runner = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut runs = 0u64;
            while !stop.load(Ordering::Relaxed) || runs == 0 {
                let code = reader.lock();
                // SAFETY: `count` is committed code of this signature, run
                // while the guard locks it against rewriting.
                let f: F1 = unsafe { std::mem::transmute(code.ptr(count)) };
                assert_eq!(f(runs % 50), (runs % 50).max(1));
                runs += 1;
            }
            runs
        })
    };

    // scaled(n) = count(n) * k, appended and committed while the thread runs.
    let scaled = ops.offset();
    let k_at = {
        let l = ops.new_dynamic_label();
        dynasm!(ops
            ; .arch aarch64
            ; stp x29, x30, [sp, #-16]!
            ; bl ->count
            ; b =>l
            ; .align 64
            ; =>l
        );
        let k_at = ops.offset();
        dynasm!(ops
            ; .arch aarch64
            ; mov x2, #3
            ; mul x0, x0, x2
            ; ldp x29, x30, [sp], #16
            ; ret
        );
        k_at
    };
    ops.commit().unwrap();
    let exec = ops.reader();
    let call = |at: dynasmrt::AssemblyOffset, n: u64| {
        let code = exec.lock();
        // SAFETY: committed code of this signature, locked while it runs.
        let f: F1 = unsafe { std::mem::transmute(code.ptr(at)) };
        f(n)
    };
    assert_eq!(call(scaled, 14), 42);
    assert_eq!(k_at.0 % 64, 0);

    // Rewrite the factor while the other thread keeps calling `count`.
    ops.alter(|m| {
        m.goto(k_at);
        dynasm!(m ; .arch aarch64 ; mov x2, #6);
    })
    .unwrap();
    assert_eq!(call(scaled, 7), 42);

    stop.store(true, Ordering::Relaxed);
    assert!(runner.join().unwrap() > 0);
    let buf = ops.finalize().unwrap();
    // SAFETY: finalized code of this signature.
    let f: F1 = unsafe { std::mem::transmute(buf.ptr(scaled)) };
    assert_eq!(f(1), 6);
}
