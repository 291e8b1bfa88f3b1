//! Execution tests of `jitasm::abi`: generated code calls `extern "sysv64"`
//! and `extern "win64"` Rust functions that record every argument they get,
//! through a generated trampoline that checks the stack alignment at the call;
//! frames are checked to preserve the callee-saved registers.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use jitasm::abi::{AbiError, Arg, Call, CallConv, Frame, Src};
use jitasm::x64::builder::{byte_ptr, prelude::*, qword_ptr, regs::*, Builder, Gpq, Xmm};
use jitasm::x64::{Mem, Mode};
use jitasm::{isa::X64, Assembler, LabelApi, VecAssembler};
use std::cell::RefCell;

type B<'s> = Builder<'s, Assembler<X64>>;

thread_local! {
    /// What the callees received, one vector of argument bits per call.
    static SEEN: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
}

/// A value that depends on every position of `v`.
fn checksum(v: &[u64]) -> u64 {
    v.iter()
        .enumerate()
        .fold(0x9e37_79b9_7f4a_7c15, |h, (i, x)| {
            h.rotate_left(9) ^ x.wrapping_mul(2 * i as u64 + 1)
        })
}

fn record(v: Vec<u64>) -> u64 {
    let c = checksum(&v);
    SEEN.with(|s| s.borrow_mut().push(v));
    c
}

fn take_seen() -> Vec<Vec<u64>> {
    SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    I,
    D,
    F,
}

trait Bits {
    const KIND: Kind;
    fn bits(self) -> u64;
}
impl Bits for u64 {
    const KIND: Kind = Kind::I;
    fn bits(self) -> u64 {
        self
    }
}
impl Bits for *const u8 {
    const KIND: Kind = Kind::I;
    fn bits(self) -> u64 {
        self as u64
    }
}
impl Bits for f64 {
    const KIND: Kind = Kind::D;
    fn bits(self) -> u64 {
        self.to_bits()
    }
}
impl Bits for f32 {
    const KIND: Kind = Kind::F;
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

/// A recording callee of ABI `$abi` and the given parameters: its address
/// and the kinds of its parameters.
macro_rules! callee {
    ($abi:literal; $($a:ident : $t:ty),*) => {{
        extern $abi fn f($($a: $t),*) -> u64 {
            record(vec![$(Bits::bits($a)),*])
        }
        (f as *const () as u64, vec![$(<$t as Bits>::KIND),*])
    }};
}

/// The same signatures in both ABIs: 0 to 10 arguments mixing integers,
/// pointers, f64 and f32, more than 6 integers, more than 8 floats, and 18.
macro_rules! signatures {
    ($abi:literal) => {
        vec![
            callee!($abi;),
            callee!($abi; a: u64),
            callee!($abi; a: u64, b: u64),
            callee!($abi; a: f64, b: u64, c: f32),
            callee!($abi; a: *const u8, b: f32, c: f64, d: u64),
            callee!($abi; a: u64, b: f64, c: u64, d: f32, e: u64),
            callee!($abi; a: f32, b: f32, c: u64, d: u64, e: f64, f: u64),
            callee!($abi; a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64),
            callee!($abi; a: u64, b: f64, c: f32, d: u64, e: f64, f: u64, g: f32, h: *const u8),
            callee!($abi; a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64, h: f64, i: f64),
            callee!($abi; a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64,
                i: u64, j: u64),
            callee!($abi; a: f64, b: f32, c: f64, d: f32, e: f64, f: f32, g: f64, h: f32,
                i: f64, j: f32),
            callee!($abi; a: u64, b: f64, c: u64, d: f32, e: u64, f: f64, g: u64, h: f32,
                i: u64, j: f64),
            callee!($abi; a: u64, b: f64, c: u64, d: f32, e: u64, f: f64, g: u64, h: f32,
                i: u64, j: f64, k: u64, l: f32, m: u64, n: f64, o: f64, p: f32, q: f64, r: f64),
        ]
    };
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Emits a trampoline at a new label: it sets `*flag = 1` unless `rsp` is
/// `8 (mod 16)` on entry (16-byte aligned at the call), then jumps to `to`.
/// It writes only `r11` and the flags (scratch in both conventions).
fn trampoline(b: &mut B<'_>, flag: *mut u8, to: u64) -> jitasm::DynamicLabel {
    let entry = b.new_dynamic_label();
    let ok = b.new_dynamic_label();
    b.define_dynamic(entry).unwrap();
    b.mov(r11, rsp).unwrap();
    b.and(r11, 15).unwrap();
    b.cmp(r11, 8).unwrap();
    b.je(ok).unwrap();
    b.mov(r11, flag as u64).unwrap();
    b.mov(byte_ptr(r11), 1).unwrap();
    b.define_dynamic(ok).unwrap();
    b.mov(r11, to).unwrap();
    b.jmp(r11).unwrap();
    entry
}

/// Calls the callee at `addr` with arguments of `kinds` taken from random
/// sources (immediates, memory based on `rbx`, `rsp` or an argument
/// register, GP registers including other positions' argument registers,
/// XMM registers), and checks every value arrives and the stack is aligned.
fn run_case(conv: CallConv, addr: u64, kinds: &[Kind], seed: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    let n = kinds.len();
    let vals: Vec<u64> = kinds
        .iter()
        .map(|k| match k {
            Kind::I if rng.below(3) == 0 => rng.next() % 1000,
            Kind::I => rng.next(),
            Kind::D => ((rng.next() % 1_000_000) as f64 / 7.0).to_bits(),
            // Junk in the upper half: only the low 4 bytes are the f32.
            Kind::F => {
                (rng.next() << 32) | u64::from(((rng.next() % 10_000) as f32 / 3.0).to_bits())
            }
        })
        .collect();
    let expected: Vec<u64> = kinds
        .iter()
        .zip(&vals)
        .map(|(k, v)| if *k == Kind::F { v & 0xffff_ffff } else { *v })
        .collect();
    let mut flag = Box::new(0u8);

    let mut asm = Assembler::<X64>::new().unwrap();
    let mut b = Builder::new(&mut asm, Mode::Long);
    let target = trampoline(&mut b, &mut *flag, addr);
    let entry = b.offset();
    let frame = Frame::new(CallConv::SysV)
        .save(&[rbx, r12, r13, r14, r15])
        .locals(8 * n as u32);
    frame.prologue(&mut b).unwrap();
    b.mov(rbx, rdi).unwrap();
    for i in 0..n as i32 {
        b.mov(rax, qword_ptr(rbx + 8 * i)).unwrap();
        b.mov(qword_ptr(frame.local(8 * i)), rax).unwrap();
    }
    // Loads into registers come after the copies above, which use rax.
    let mut gps: Vec<Gpq> = vec![
        rdi, rsi, rdx, rcx, r8, r9, rax, r10, r11, r12, r13, r14, r15,
    ];
    let mut xmms: Vec<Xmm> = vec![
        xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13,
        xmm14, xmm15,
    ];
    let mut args = Vec::new();
    let mut loads: Vec<(usize, Src<'static>)> = Vec::new();
    let mut bases: Vec<Gpq> = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        let i32i = 8 * i as i32;
        let mut choice = rng.below(6);
        if choice == 5 && (*k == Kind::I || xmms.is_empty()) || (choice == 3 && gps.is_empty()) {
            choice = 1;
        }
        if choice == 4 && bases.is_empty() && gps.is_empty() {
            choice = 0;
        }
        let src: Src<'static> = match choice {
            0 => Src::Imm(vals[i] as i64),
            1 => Src::Mem(rbx + i32i),
            2 => {
                // rsp-relative: rsp = rbp - (depth - 8) after the prologue.
                let m = frame.local(i32i);
                Src::Mem(Mem::base(rsp.reg()).disp(m.disp + i64::from(frame.depth()) - 8))
            }
            3 => {
                let r = gps.remove(rng.below(gps.len()));
                loads.push((i, Src::Reg(r)));
                Src::Reg(r)
            }
            4 => {
                let r = if !bases.is_empty() && (gps.is_empty() || rng.below(2) == 0) {
                    bases[rng.below(bases.len())]
                } else {
                    let r = gps.remove(rng.below(gps.len()));
                    bases.push(r);
                    r
                };
                Src::Mem(r + i32i)
            }
            _ => {
                let x = xmms.remove(rng.below(xmms.len()));
                loads.push((i, Src::Xmm(x)));
                Src::Xmm(x)
            }
        };
        args.push(match k {
            Kind::I => Arg::Int(src),
            Kind::D => Arg::F64(src),
            Kind::F => Arg::F32(src),
        });
    }
    for r in &bases {
        b.mov(*r, rbx).unwrap();
    }
    for (i, s) in &loads {
        let m = qword_ptr(rbx + 8 * *i as i32);
        match *s {
            Src::Reg(r) => b.mov(r, m).unwrap(),
            Src::Xmm(x) => b.movsd_2(x, m).unwrap(),
            _ => unreachable!(),
        }
    }
    frame
        .call(target)
        .conv(conv)
        .args(args.iter().copied())
        .emit(&mut b)
        .unwrap();
    frame.ret(&mut b).unwrap();
    let code = asm.finalize().unwrap();
    // SAFETY: the code above is a complete sysv64 function of this type; it
    // reads `n` qwords at its argument.
    let f = unsafe {
        code.func::<extern "sysv64" fn(*const u64) -> u64>(entry)
            .unwrap()
    };
    take_seen();
    let got = f(vals.as_ptr());
    let seen = take_seen();
    let what = format!("{conv:?} {kinds:?} seed {seed}: {args:?}");
    assert_eq!(seen, vec![expected.clone()], "{what}");
    assert_eq!(got, checksum(&expected), "{what}");
    assert_eq!(*flag, 0, "misaligned call: {what}");
}

#[test]
fn sysv_calls_pass_every_argument() {
    for (addr, kinds) in signatures!("sysv64") {
        for seed in 0..80 {
            run_case(CallConv::SysV, addr, &kinds, seed);
        }
    }
}

#[test]
fn win64_calls_pass_every_argument() {
    for (addr, kinds) in signatures!("win64") {
        for seed in 0..80 {
            run_case(CallConv::Win64, addr, &kinds, seed);
        }
    }
}

/// `f(rsi, rdi)` with the values in `rdi`, `rsi`; a 3-cycle; a fan-out; and
/// memory sources whose base registers are each other's destinations.
#[test]
fn permuted_argument_registers() {
    let (f2, _) = callee!("sysv64"; a: u64, b: u64);
    let (f3, _) = callee!("sysv64"; a: u64, b: u64, c: u64);
    let (w4, _) = callee!("win64"; a: u64, b: u64, c: u64, d: u64);
    type Case = (CallConv, u64, Vec<Arg<'static>>, Vec<u64>);
    let (a, b_, c) = (0x1111_u64, 0x2222_u64, 0x3333_u64);
    let vals = [a, b_, c];
    let cases: Vec<Case> = vec![
        (
            CallConv::SysV,
            f2,
            vec![Arg::Int(rsi.into()), Arg::Int(rdi.into())],
            vec![b_, a],
        ),
        (
            CallConv::SysV,
            f3,
            vec![
                Arg::Int(rsi.into()),
                Arg::Int(rdx.into()),
                Arg::Int(rdi.into()),
            ],
            vec![b_, c, a],
        ),
        (
            CallConv::SysV,
            f3,
            vec![
                Arg::Int(rdx.into()),
                Arg::Int(rdx.into()),
                Arg::Int(rdi.into()),
            ],
            vec![c, c, a],
        ),
        (
            CallConv::Win64,
            w4,
            vec![
                Arg::Int(rdx.into()),
                Arg::Int(rcx.into()),
                Arg::Int(r9.into()),
                Arg::Int(r8.into()),
            ],
            vec![0x5555, 0x4444, 0x7777, 0x6666],
        ),
    ];
    for (conv, addr, args, expected) in cases {
        let mut asm = Assembler::<X64>::new().unwrap();
        let mut b = Builder::new(&mut asm, Mode::Long);
        let entry = b.offset();
        if conv == CallConv::SysV {
            b.mov(rdi, vals[0]).unwrap();
            b.mov(rsi, vals[1]).unwrap();
            b.mov(rdx, vals[2]).unwrap();
        } else {
            b.mov(rcx, 0x4444).unwrap();
            b.mov(rdx, 0x5555).unwrap();
            b.mov(r8, 0x6666).unwrap();
            b.mov(r9, 0x7777).unwrap();
        }
        Call::new(conv, addr)
            .args(args)
            .depth(0)
            .emit(&mut b)
            .unwrap();
        b.ret().unwrap();
        let code = asm.finalize().unwrap();
        // SAFETY: a complete sysv64 function of this type.
        let f = unsafe { code.func::<extern "sysv64" fn() -> u64>(entry).unwrap() };
        take_seen();
        f();
        assert_eq!(take_seen(), vec![expected]);
    }

    // rdi <- [rsi], rsi <- [rdi]: a cycle through memory sources.
    let cells = [0xaaaa_u64, 0xbbbb_u64];
    let mut asm = Assembler::<X64>::new().unwrap();
    let mut b = Builder::new(&mut asm, Mode::Long);
    let entry = b.offset();
    b.lea(rsi, qword_ptr(rdi + 8)).unwrap();
    Call::new(CallConv::SysV, f2)
        .arg(Arg::Int(qword_ptr(rsi).into()))
        .arg(Arg::Int(qword_ptr(rdi).into()))
        .emit(&mut b)
        .unwrap();
    b.ret().unwrap();
    let code = asm.finalize().unwrap();
    // SAFETY: a complete sysv64 function of this type reading two qwords.
    let f = unsafe {
        code.func::<extern "sysv64" fn(*const u64) -> u64>(entry)
            .unwrap()
    };
    take_seen();
    f(cells.as_ptr());
    assert_eq!(take_seen(), vec![vec![0xbbbb, 0xaaaa]]);
}

/// A probe called at many depths, argument counts and save lists returns
/// `rsp & 15` on entry: always 8, except when the depth given is wrong.
#[test]
fn calls_are_16_byte_aligned() {
    for conv in [CallConv::SysV, CallConv::Win64] {
        for wrong in [false, true] {
            let mut asm = Assembler::<X64>::new().unwrap();
            let mut b = Builder::new(&mut asm, Mode::Long);
            let probe = b.new_dynamic_label();
            b.define_dynamic(probe).unwrap();
            b.mov(rax, rsp).unwrap();
            b.and(rax, 15).unwrap();
            b.ret().unwrap();

            let entry = b.offset();
            // With no frame, depth 0 at entry.
            Call::new(conv, probe)
                .depth(if wrong { 8 } else { 0 })
                .ret_int(rcx)
                .emit(&mut b)
                .unwrap();
            b.mov(rax, rcx).unwrap();
            b.xor(rax, 8).unwrap();
            b.mov(r8, rax).unwrap();
            let frame = Frame::new(conv).save(&[rbx, r12]).locals(8);
            frame.prologue(&mut b).unwrap();
            b.mov(r12, r8).unwrap();
            for pushes in 0..3 {
                for nargs in 0..12 {
                    for nsave in 0..4 {
                        for nx in 0..2 {
                            let depth = frame.depth() + 8 * pushes + if wrong { 8 } else { 0 };
                            let args = (0..nargs).map(|i| {
                                if i % 3 == 2 {
                                    Arg::f64_imm(i as f64)
                                } else {
                                    Arg::Int(Src::Imm(i))
                                }
                            });
                            Call::new(conv, probe)
                                .args(args)
                                .save(&[rcx, rdx, rsi, r10][..nsave])
                                .save_xmm(&[xmm8, xmm9][..nx])
                                .depth(depth)
                                .ret_int(rbx)
                                .emit(&mut b)
                                .unwrap();
                            b.xor(rbx, 8).unwrap();
                            b.or(r12, rbx).unwrap();
                        }
                    }
                    if nargs == 11 {
                        b.push(rax).unwrap();
                    }
                }
            }
            b.mov(rax, r12).unwrap();
            frame.ret(&mut b).unwrap();
            let code = asm.finalize().unwrap();
            // SAFETY: a complete sysv64 function of this type.
            let f = unsafe { code.func::<extern "sysv64" fn() -> u64>(entry).unwrap() };
            assert_eq!(f() != 0, wrong, "{conv:?}");
        }
    }
}

/// Registers listed in `save`/`save_xmm` survive a callee that clobbers
/// every caller-saved register; the result goes where asked.
#[test]
fn saved_registers_survive_the_call() {
    let mut asm = Assembler::<X64>::new().unwrap();
    let mut b = Builder::new(&mut asm, Mode::Long);
    let clobber = b.new_dynamic_label();
    b.define_dynamic(clobber).unwrap();
    for r in [rcx, rdx, rsi, rdi, r8, r9, r10, r11] {
        b.mov(r, -1).unwrap();
    }
    b.movq(xmm8, rcx).unwrap();
    b.movq(xmm1, rcx).unwrap();
    b.movq(xmm0, rcx).unwrap();
    b.mov(rax, 4242).unwrap();
    b.ret().unwrap();

    let entry = b.offset();
    // extern "sysv64" fn(out: *mut u64): out[0..5] = rcx, r10, rsi, xmm8, result
    b.push(rdi).unwrap();
    b.mov(rcx, 11).unwrap();
    b.mov(r10, 22).unwrap();
    b.mov(rsi, 33).unwrap();
    b.mov(rax, 44).unwrap();
    b.movq(xmm8, rax).unwrap();
    Call::new(CallConv::SysV, clobber)
        .arg(Arg::Int(rsi.into()))
        .save(&[rcx, r10, rsi])
        .save_xmm(&[xmm8])
        .depth(8)
        .ret_int(rdx)
        .emit(&mut b)
        .unwrap();
    b.pop(rdi).unwrap();
    b.mov(qword_ptr(rdi), rcx).unwrap();
    b.mov(qword_ptr(rdi + 8), r10).unwrap();
    b.mov(qword_ptr(rdi + 16), rsi).unwrap();
    b.movq(qword_ptr(rdi + 24), xmm8).unwrap();
    b.mov(qword_ptr(rdi + 32), rdx).unwrap();
    b.ret().unwrap();
    let code = asm.finalize().unwrap();
    // SAFETY: a complete sysv64 function writing five qwords at its argument.
    let f = unsafe { code.func::<extern "sysv64" fn(*mut u64)>(entry).unwrap() };
    let mut out = [0u64; 5];
    f(out.as_mut_ptr());
    assert_eq!(out, [11, 22, 33, 44, 4242]);
}

extern "sysv64" fn weigh_sysv(a: u64, b: u64, c: u64) -> u64 {
    a * 3 + b * 5 + c
}
extern "win64" fn weigh_win64(a: u64, b: u64, c: u64) -> u64 {
    a * 3 + b * 5 + c
}
extern "sysv64" fn half_sysv(a: f64) -> f64 {
    a / 2.0
}

/// A function with a frame (callee-saved registers clobbered in the body,
/// locals written and read, calls inside) called from a generated harness
/// that checks the callee-saved registers it set survive.
#[test]
fn frames_preserve_callee_saved_registers() {
    for conv in [CallConv::SysV, CallConv::Win64] {
        let win = conv == CallConv::Win64;
        let weigh = if win {
            weigh_win64 as *const ()
        } else {
            weigh_sysv as *const ()
        } as u64;
        let mut gps = vec![rbx, r12, r13, r14, r15];
        if win {
            gps.extend([rsi, rdi]);
        }
        let xs: Vec<Xmm> = if win { vec![xmm6, xmm7, xmm15] } else { vec![] };

        let mut asm = Assembler::<X64>::new().unwrap();
        let mut b = Builder::new(&mut asm, Mode::Long);
        // inner(x) = weigh(x, 100, 2) + x + half(x as f64) as u64, convention `conv`.
        let inner = b.new_dynamic_label();
        b.define_dynamic(inner).unwrap();
        let frame = Frame::new(conv).save(&gps).save_xmm(&xs).locals(20);
        frame.prologue(&mut b).unwrap();
        let x = conv.int_arg_regs()[0];
        b.mov(qword_ptr(frame.local(0)), x).unwrap();
        for (i, r) in gps.iter().enumerate() {
            b.mov(*r, i as i64 + 1).unwrap();
        }
        for x in &xs {
            b.movq(*x, rbx).unwrap();
        }
        b.mov(qword_ptr(frame.local(8)), 100).unwrap();
        frame
            .call(weigh)
            .arg(Arg::Int(frame.local(0).into()))
            .arg(Arg::Int(frame.local(8).into()))
            .arg(Arg::Int(r12.into()))
            .ret_int(r13)
            .emit(&mut b)
            .unwrap();
        b.add(r13, qword_ptr(frame.local(0))).unwrap();
        b.cvtsi2sd(xmm1, qword_ptr(frame.local(0))).unwrap();
        b.movsd_2(qword_ptr(frame.local(16)), xmm1).unwrap();
        frame
            .call(half_sysv as *const () as u64)
            .conv(CallConv::SysV)
            .arg(Arg::F64(frame.local(16).into()))
            .ret_float(xmm2)
            .emit(&mut b)
            .unwrap();
        b.cvttsd2si(rax, xmm2).unwrap();
        b.add(rax, r13).unwrap();
        frame.ret(&mut b).unwrap();

        // harness(out) (sysv64): sets the callee-saved registers, calls
        // inner(7), stores them and the result to out[..].
        let entry = b.offset();
        let outer = Frame::new(CallConv::SysV)
            .save(&[rbx, r12, r13, r14, r15])
            .locals(8);
        outer.prologue(&mut b).unwrap();
        b.mov(qword_ptr(outer.local(0)), rdi).unwrap();
        let keys: Vec<u64> = (0..gps.len() as u64)
            .map(|i| 0x0123_4567_89ab_cdef ^ (i << 40))
            .collect();
        for (r, k) in gps.iter().zip(&keys) {
            b.mov(*r, *k).unwrap();
        }
        for (i, x) in xs.iter().enumerate() {
            b.mov(rax, 0x5a5a_0000 + i as u64).unwrap();
            b.movq(*x, rax).unwrap();
        }
        outer
            .call(inner)
            .conv(conv)
            .arg(Arg::Int(Src::Imm(7)))
            .emit(&mut b)
            .unwrap();
        b.mov(rcx, qword_ptr(outer.local(0))).unwrap();
        b.mov(qword_ptr(rcx), rax).unwrap();
        for (i, r) in gps.iter().enumerate() {
            b.mov(qword_ptr(rcx + 8 * (i as i32 + 1)), *r).unwrap();
        }
        for (i, x) in xs.iter().enumerate() {
            b.movq(qword_ptr(rcx + 8 * (i as i32 + 8)), *x).unwrap();
        }
        outer.ret(&mut b).unwrap();
        let code = asm.finalize().unwrap();
        // SAFETY: a complete sysv64 function writing 11 qwords at its argument.
        let f = unsafe { code.func::<extern "sysv64" fn(*mut u64)>(entry).unwrap() };
        let mut out = [0u64; 11];
        f(out.as_mut_ptr());
        assert_eq!(out[0], 7 * 3 + 100 * 5 + 2 + 7 + 3, "{conv:?}");
        assert_eq!(&out[1..=gps.len()], &keys[..], "{conv:?}");
        for i in 0..xs.len() {
            assert_eq!(out[8 + i], 0x5a5a_0000 + i as u64, "{conv:?}");
        }
    }
}

#[test]
fn errors_are_typed() {
    let mut asm = VecAssembler::<X64>::new(0);
    let mut b = Builder::new(&mut asm, Mode::Long);
    let call = |args: Vec<Arg<'static>>| Call::new(CallConv::SysV, 0x1000_u64).args(args);
    assert_eq!(
        call(vec![Arg::Int(rax.into()), Arg::Int(xmm1.into())]).emit(&mut b),
        Err(AbiError::XmmForInt { arg: 1 })
    );
    assert_eq!(
        call(vec![Arg::F64(rsp.into())]).emit(&mut b),
        Err(AbiError::StackPointerForFloat { arg: 0 })
    );
    assert_eq!(
        call(vec![]).save(&[rsp]).emit(&mut b),
        Err(AbiError::CannotSave(rsp.reg()))
    );
    assert_eq!(
        call(vec![]).save(&[rax]).ret_int(rax).emit(&mut b),
        Err(AbiError::ResultRestored(rax.reg()))
    );
    assert_eq!(
        Frame::new(CallConv::Win64).save(&[rbp]).prologue(&mut b),
        Err(AbiError::CannotSave(rbp.reg()))
    );
    assert_eq!(
        Frame::new(CallConv::Win64)
            .save(&[rbx, rbx])
            .prologue(&mut b),
        Err(AbiError::SavedTwice(rbx.reg()))
    );
    assert!(matches!(
        call(vec![Arg::Int(Src::Mem(
            Mem::base(rax.reg()).index(rsp.reg(), 2)
        ))])
        .emit(&mut b),
        Err(AbiError::Encode(_))
    ));
    // 40 arguments are no error.
    let many = (0..40).map(|i| Arg::Int(Src::Imm(i)));
    Call::new(CallConv::Win64, 0x1000_u64)
        .args(many)
        .emit(&mut b)
        .unwrap();
}

/// `rsp` as an integer source is its value before the call sequence, in a
/// register argument and in a stack argument, with registers saved.
#[test]
fn rsp_source_is_the_original_rsp() {
    let (f7, _) = callee!("sysv64"; a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64);
    let mut asm = Assembler::<X64>::new().unwrap();
    let mut b = Builder::new(&mut asm, Mode::Long);
    let entry = b.offset();
    b.mov(rax, rsp).unwrap();
    let rsp_arg = Arg::Int(rsp.into());
    let imm = |v| Arg::Int(Src::Imm(v));
    Call::new(CallConv::SysV, f7)
        .args([
            rsp_arg,
            Arg::Int(rax.into()),
            imm(1),
            imm(2),
            imm(3),
            imm(4),
            rsp_arg,
        ])
        .save(&[rbx, r12, r13])
        .save_xmm(&[xmm9])
        .emit(&mut b)
        .unwrap();
    b.ret().unwrap();
    let code = asm.finalize().unwrap();
    // SAFETY: a complete sysv64 function of this type.
    let f = unsafe { code.func::<extern "sysv64" fn() -> u64>(entry).unwrap() };
    take_seen();
    f();
    let seen = take_seen();
    assert_eq!(seen.len(), 1);
    let v = &seen[0];
    assert_eq!((v[0], v[6]), (v[1], v[1]), "{v:x?}");
    assert_eq!(&v[2..6], &[1, 2, 3, 4]);
}
