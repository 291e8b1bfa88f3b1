//! Execution tests of the x86-64 encoder: instructions assembled through
//! `jitasm::x64::encode` into executable memory and run on the host CPU.
//!
//! Every case is one or a few instructions wrapped in a function
//! `extern "sysv64" fn(in: *const State, out: *mut State)`: the prologue loads
//! the whole machine state the tests care about (the 15 general-purpose
//! registers other than `rsp`, the arithmetic flags, all vector registers at
//! the widest width the CPU has, the mask registers) from `in`, the body runs,
//! and the epilogue stores the state to `out`. Memory operands point into
//! `out.mem`, which starts as a copy of `in.mem`. A Rust model of the
//! instructions applied to `in` must give exactly `out` (flags under the mask
//! of the flags the instruction defines), over several random states per case
//! (a xorshift generator with fixed seeds). Because the whole state is
//! compared, an instruction that writes the wrong register, the wrong width or
//! the wrong memory fails too. A case whose model never changes the state over
//! its inputs checks nothing, and fails.
//!
//! Groups the CPU lacks (`is_x86_feature_detected!`) are skipped, and say so
//! on stderr past the test harness's capture; `-- --nocapture` also shows how
//! many instruction instances each group ran. Environment variables:
//!
//! * `X64_EXEC_HIDE=avx512bw,avx2,…`: run as if the CPU lacked these features;
//! * `X64_EXEC_SEED=n`: other random inputs (the instructions stay the same);
//! * `X64_EXEC_TRACE=1`: name each case before it runs (to find one that crashes).
#![cfg(all(target_arch = "x86_64", unix))]

use jitasm::x64::{
    encode, regs, Decorations, DispSize, Imm, Instruction, Mem, Mnemonic, Mode, Operand, Prefixes,
    Reg, RegClass, Rounding,
};
use jitasm::{isa::X64, Assembler, LabelApi, LabelRef, LabelTarget};
use regs::*;
use std::fmt::Write as _;
use std::io::Write as _;
use std::mem::offset_of;
use std::rc::Rc;

// ---------------------------------------------------------------------------
// The machine state.

/// Bytes of memory that memory operands point into.
const MEM: usize = 32768;
/// Random states each case runs on.
const ITERS: usize = 8;

/// One vector register (or 64 bytes of memory).
type V = [u8; 64];

#[repr(C, align(64))]
#[derive(Clone, PartialEq)]
struct State {
    v: [V; 32],
    gp: [u64; 16],
    k: [u64; 8],
    flags: u64,
    /// Address of `mem` of the output state (models compute addresses with
    /// it); not loaded into the machine.
    membase: u64,
    /// Flags a model found undefined for this input (beyond the case's).
    undef: u64,
    _pad: [u64; 5],
    mem: [u8; MEM],
}

const OFF_V: i64 = offset_of!(State, v) as i64;
const OFF_GP: i64 = offset_of!(State, gp) as i64;
const OFF_K: i64 = offset_of!(State, k) as i64;
const OFF_FLAGS: i64 = offset_of!(State, flags) as i64;

const CF: u64 = 1;
const PF: u64 = 1 << 2;
const AF: u64 = 1 << 4;
const ZF: u64 = 1 << 6;
const SF: u64 = 1 << 7;
const OF: u64 = 1 << 11;
/// The arithmetic flags.
const ARITH: u64 = CF | PF | AF | ZF | SF | OF;

impl State {
    fn boxed() -> Box<State> {
        Box::new(State {
            v: [[0; 64]; 32],
            gp: [0; 16],
            k: [0; 8],
            flags: 0x202,
            membase: 0,
            undef: 0,
            _pad: [0; 5],
            mem: [0; MEM],
        })
    }

    fn randomize(&mut self, rng: &mut Rng) {
        for v in &mut self.v {
            rng.fill(v);
        }
        for g in &mut self.gp {
            *g = rng.next();
        }
        self.gp[4] = 0;
        for k in &mut self.k {
            *k = rng.next();
        }
        self.flags = (rng.next() & ARITH) | 0x202;
        rng.fill(&mut self.mem);
    }

    // General-purpose registers, by their class.
    fn g(&self, r: Reg) -> u64 {
        let n = r.num() as usize;
        match r.class() {
            RegClass::Gp8 => self.gp[n] & 0xff,
            RegClass::Gp8High => (self.gp[n - 4] >> 8) & 0xff,
            RegClass::Gp16 => self.gp[n] & 0xffff,
            RegClass::Gp32 => self.gp[n] & 0xffff_ffff,
            RegClass::Gp64 => self.gp[n],
            c => panic!("model: {c:?} is not a general-purpose register"),
        }
    }

    fn sg(&mut self, r: Reg, v: u64) {
        let n = r.num() as usize;
        match r.class() {
            RegClass::Gp8 => self.gp[n] = (self.gp[n] & !0xff) | (v & 0xff),
            RegClass::Gp8High => self.gp[n - 4] = (self.gp[n - 4] & !0xff00) | ((v & 0xff) << 8),
            RegClass::Gp16 => self.gp[n] = (self.gp[n] & !0xffff) | (v & 0xffff),
            RegClass::Gp32 => self.gp[n] = v & 0xffff_ffff,
            RegClass::Gp64 => self.gp[n] = v,
            c => panic!("model: {c:?} is not a general-purpose register"),
        }
    }

    /// The effective address of `m` (64-bit addressing, no rip).
    fn ea(&self, m: &Mem) -> u64 {
        let mut a = m.disp as u64;
        if let Some(b) = m.base {
            a = a.wrapping_add(self.g(b));
        }
        if let Some(i) = m.index {
            a = a.wrapping_add(self.g(i).wrapping_mul(m.scale as u64));
        }
        a
    }

    /// Offset into `mem` of `len` bytes at `addr`.
    fn moff(&self, addr: u64, len: usize) -> usize {
        let o = addr.wrapping_sub(self.membase) as usize;
        assert!(
            o + len <= MEM,
            "model: address {addr:#x} outside the memory area"
        );
        o
    }

    fn ld(&self, addr: u64, len: usize) -> u64 {
        let o = self.moff(addr, len);
        let mut b = [0u8; 8];
        b[..len].copy_from_slice(&self.mem[o..o + len]);
        u64::from_le_bytes(b)
    }

    fn st(&mut self, addr: u64, len: usize, v: u64) {
        let o = self.moff(addr, len);
        self.mem[o..o + len].copy_from_slice(&v.to_le_bytes()[..len]);
    }

    fn ldv(&self, addr: u64, len: usize) -> V {
        let o = self.moff(addr, len);
        let mut v = [0u8; 64];
        v[..len].copy_from_slice(&self.mem[o..o + len]);
        v
    }

    fn stv(&mut self, addr: u64, data: &[u8]) {
        let o = self.moff(addr, data.len());
        self.mem[o..o + data.len()].copy_from_slice(data);
    }

    /// A general-purpose operand of `bytes` bytes (an immediate is
    /// sign-extended, then cut to the size).
    fn rd(&self, op: &Operand, bytes: usize) -> u64 {
        match op {
            Operand::Reg(r) => self.g(*r) & mask(bytes),
            Operand::Mem(m) => self.ld(self.ea(m), bytes),
            Operand::Imm(i) => i.value as u64 & mask(bytes),
            _ => panic!("model: operand {op:?}"),
        }
    }

    fn wr(&mut self, op: &Operand, bytes: usize, v: u64) {
        match op {
            Operand::Reg(r) => self.sg(*r, v),
            Operand::Mem(m) => self.st(self.ea(m), bytes, v),
            _ => panic!("model: operand {op:?}"),
        }
    }

    /// A vector operand of `w` bytes; memory with `{1toN}` is broadcast.
    fn vrd(&self, op: &Operand, w: usize) -> V {
        match op {
            Operand::Reg(r) => {
                let mut v = [0u8; 64];
                v[..w].copy_from_slice(&self.v[r.num() as usize][..w]);
                v
            }
            Operand::Mem(m) if m.bcst != 0 => {
                let e = m.size as usize;
                let one = self.ldv(self.ea(m), e);
                let mut v = [0u8; 64];
                for c in v[..w].chunks_mut(e) {
                    c.copy_from_slice(&one[..e]);
                }
                v
            }
            Operand::Mem(m) => self.ldv(self.ea(m), w),
            _ => panic!("model: operand {op:?}"),
        }
    }

    /// Writes `w` bytes of a vector register; VEX and EVEX zero the rest up
    /// to the widest register, legacy SSE keeps it.
    fn vset(&mut self, r: Reg, val: &V, w: usize, zero_upper: bool) {
        let d = &mut self.v[r.num() as usize];
        d[..w].copy_from_slice(&val[..w]);
        if zero_upper {
            d[w..].fill(0);
        }
    }

    fn vwr(&mut self, op: &Operand, val: &V, w: usize, zero_upper: bool) {
        match op {
            Operand::Reg(r) => self.vset(*r, val, w, zero_upper),
            Operand::Mem(m) => self.stv(self.ea(m), &val[..w]),
            _ => panic!("model: operand {op:?}"),
        }
    }

    fn set_flags(&mut self, which: u64, value: u64) {
        self.flags = (self.flags & !which) | (value & which);
    }

    fn kreg(&self, k: Reg) -> u64 {
        self.k[k.num() as usize]
    }
}

fn mask(bytes: usize) -> u64 {
    if bytes >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * bytes)) - 1
    }
}

fn sext(v: u64, bytes: usize) -> u64 {
    let sh = 64 - 8 * bytes as u32;
    (((v << sh) as i64) >> sh) as u64
}

/// SF, ZF and PF of a result of `bytes` bytes.
fn szp(r: u64, bytes: usize) -> u64 {
    let r = r & mask(bytes);
    let mut f = 0;
    if r == 0 {
        f |= ZF;
    }
    if (r >> (8 * bytes - 1)) & 1 != 0 {
        f |= SF;
    }
    if (r as u8).count_ones() % 2 == 0 {
        f |= PF;
    }
    f
}

/// Condition code `cc` (the low nibble of `Jcc`) of `flags`.
fn cond(flags: u64, cc: u8) -> bool {
    let f = |b: u64| flags & b != 0;
    let r = match cc >> 1 {
        0 => f(OF),
        1 => f(CF),
        2 => f(ZF),
        3 => f(CF) || f(ZF),
        4 => f(SF),
        5 => f(PF),
        6 => f(SF) != f(OF),
        _ => f(ZF) || f(SF) != f(OF),
    };
    r ^ (cc & 1 != 0)
}

const CC: [&str; 16] = [
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
];

// ---------------------------------------------------------------------------
// Random numbers.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in `lo..hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn fill(&mut self, b: &mut [u8]) {
        for c in b.chunks_mut(8) {
            let x = self.next().to_le_bytes();
            c.copy_from_slice(&x[..c.len()]);
        }
    }
    /// A "nice" f32: finite, exponents in a range where sums and products
    /// neither overflow nor underflow, sometimes zero or an integer.
    fn f32(&mut self) -> f32 {
        match self.below(16) {
            0 => 0.0,
            1 => self.range(-100, 100) as f32,
            2 => self.range(-4, 4) as f32 + 0.5,
            _ => {
                let m = (self.next() >> 40) as u32 & 0x7f_ffff;
                let e = self.range(127 - 20, 127 + 20) as u32;
                let s = (self.next() & 1) as u32;
                f32::from_bits(s << 31 | e << 23 | m)
            }
        }
    }
    fn f64(&mut self) -> f64 {
        match self.below(16) {
            0 => 0.0,
            1 => self.range(-100, 100) as f64,
            2 => self.range(-4, 4) as f64 + 0.5,
            _ => {
                let m = self.next() & ((1 << 52) - 1);
                let e = self.range(1023 - 40, 1023 + 40) as u64;
                let s = self.next() & 1;
                f64::from_bits(s << 63 | e << 52 | m)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The CPU.

#[derive(Clone, Copy, Debug)]
struct Cpu {
    sse3: bool,
    ssse3: bool,
    sse41: bool,
    sse42: bool,
    popcnt: bool,
    lzcnt: bool,
    bmi1: bool,
    bmi2: bool,
    adx: bool,
    movbe: bool,
    avx: bool,
    avx2: bool,
    fma: bool,
    f16c: bool,
    avx512f: bool,
    avx512bw: bool,
    avx512dq: bool,
    avx512vl: bool,
    avx512cd: bool,
    avx512vbmi: bool,
    avx512vbmi2: bool,
    avx512vnni: bool,
    avx512vpopcntdq: bool,
    avx512bitalg: bool,
    avx512ifma: bool,
    gfni: bool,
    pclmulqdq: bool,
    vpclmulqdq: bool,
}

impl Cpu {
    /// The host's features, less those named in `X64_EXEC_HIDE` (a comma-separated
    /// list such as `avx512bw,avx2`), to run as on an older CPU.
    fn detect() -> Cpu {
        let hide = std::env::var("X64_EXEC_HIDE").unwrap_or_default();
        let off = |name: &str| hide.split(',').any(|h| h.trim() == name);
        macro_rules! has {
            ($f:tt) => {
                is_x86_feature_detected!($f) && !off($f)
            };
        }
        let mut c = Cpu {
            sse3: has!("sse3"),
            ssse3: has!("ssse3"),
            sse41: has!("sse4.1"),
            sse42: has!("sse4.2"),
            popcnt: has!("popcnt"),
            lzcnt: has!("lzcnt"),
            bmi1: has!("bmi1"),
            bmi2: has!("bmi2"),
            adx: has!("adx"),
            movbe: has!("movbe"),
            avx: has!("avx"),
            avx2: has!("avx2"),
            fma: has!("fma"),
            f16c: has!("f16c"),
            avx512f: has!("avx512f"),
            avx512bw: has!("avx512bw"),
            avx512dq: has!("avx512dq"),
            avx512vl: has!("avx512vl"),
            avx512cd: has!("avx512cd"),
            avx512vbmi: has!("avx512vbmi"),
            avx512vbmi2: has!("avx512vbmi2"),
            avx512vnni: has!("avx512vnni"),
            avx512vpopcntdq: has!("avx512vpopcntdq"),
            avx512bitalg: has!("avx512bitalg"),
            avx512ifma: has!("avx512ifma"),
            gfni: has!("gfni"),
            pclmulqdq: has!("pclmulqdq"),
            vpclmulqdq: has!("vpclmulqdq"),
        };
        // What hiding a feature implies.
        if !c.sse41 {
            c.sse42 = false;
        }
        if !c.avx {
            c.avx2 = false;
            c.fma = false;
            c.f16c = false;
            c.avx512f = false;
        }
        if !c.avx512f {
            c.avx512bw = false;
            c.avx512dq = false;
            c.avx512vl = false;
            c.avx512cd = false;
            c.avx512vbmi = false;
            c.avx512vbmi2 = false;
            c.avx512vnni = false;
            c.avx512vpopcntdq = false;
            c.avx512bitalg = false;
            c.avx512ifma = false;
        }
        c
    }

    /// Bytes of each vector register the harness loads and compares.
    fn vbytes(&self) -> usize {
        if self.avx512f {
            64
        } else if self.avx {
            32
        } else {
            16
        }
    }

    fn nvec(&self) -> usize {
        if self.avx512f {
            32
        } else {
            16
        }
    }

    /// Bits of each mask register the harness loads and compares.
    fn kmask(&self) -> u64 {
        if self.avx512bw {
            u64::MAX
        } else if self.avx512f {
            0xffff
        } else {
            0
        }
    }
}

// ---------------------------------------------------------------------------
// Instructions and their text.

#[derive(Clone, Debug)]
struct Insn {
    mn: &'static str,
    ops: Vec<Operand<'static>>,
    deco: Decorations,
    pfx: Prefixes,
}

fn ins(mn: &'static str, ops: &[Operand<'static>]) -> Insn {
    Insn {
        mn,
        ops: ops.to_vec(),
        deco: Decorations::NONE,
        pfx: Prefixes::NONE,
    }
}

impl Insn {
    fn k(mut self, k: Option<Reg>) -> Self {
        self.deco.mask = k;
        self
    }
    fn z(mut self, z: bool) -> Self {
        self.deco.zeroing = z;
        self
    }
    fn rc(mut self, r: Rounding) -> Self {
        self.deco.rounding = Some(r);
        self
    }
    fn sae(mut self) -> Self {
        self.deco.sae = true;
        self
    }
    fn pfx(mut self, p: Prefixes) -> Self {
        self.pfx = self.pfx.with(p);
        self
    }
}

fn r(x: Reg) -> Operand<'static> {
    Operand::Reg(x)
}

fn im(value: i64) -> Operand<'static> {
    Operand::Imm(Imm { value, size: 0 })
}

fn m(x: Mem<'static>) -> Operand<'static> {
    Operand::Mem(x)
}

/// A memory operand with a displacement size hint.
trait DispHint {
    fn disp_size(self, d: DispSize) -> Self;
}

impl DispHint for Mem<'static> {
    fn disp_size(self, d: DispSize) -> Self {
        Mem {
            disp_size: d,
            ..self
        }
    }
}

/// `[base + disp]`.
fn mb(base: Reg, disp: i64) -> Mem<'static> {
    Mem::base(base).disp(disp)
}

/// `[base + index*scale + disp]`.
fn mbi(base: Reg, index: Reg, scale: u8, disp: i64) -> Mem<'static> {
    Mem::base(base).index(index, scale).disp(disp)
}

/// `[rip + data + disp]`: the case's data, placed after its code.
fn mrip(disp: i64) -> Mem<'static> {
    Mem::rip(LabelRef::new(LabelTarget::Local {
        name: "data",
        forward: true,
    }))
    .disp(disp)
}

fn fmt_op(op: &Operand) -> String {
    match op {
        Operand::Reg(x) => x.to_string(),
        Operand::Imm(i) => {
            if (-9..=9).contains(&i.value) {
                format!("{}", i.value)
            } else if i.value < 0 {
                format!("-{:#x}", i.value.unsigned_abs())
            } else {
                format!("{:#x}", i.value)
            }
        }
        Operand::Mem(mm) => {
            let mut s = String::new();
            if mm.bcst == 0 {
                let size = match mm.size {
                    0 => "",
                    1 => "byte ",
                    2 => "word ",
                    4 => "dword ",
                    8 => "qword ",
                    16 => "xmmword ",
                    32 => "ymmword ",
                    64 => "zmmword ",
                    _ => "? ",
                };
                s.push_str(size);
            } else {
                s.push_str(if mm.size == 8 { "qword " } else { "dword " });
            }
            s.push('[');
            let mut parts = Vec::new();
            if let Some(b) = mm.base {
                parts.push(b.to_string());
            }
            if mm.label.is_some() {
                parts.push("data".into());
            }
            if let Some(i) = mm.index {
                parts.push(format!("{i}*{}", mm.scale));
            }
            let mut t = parts.join("+");
            if mm.disp != 0 || t.is_empty() {
                if mm.disp < 0 {
                    let _ = write!(t, "-{:#x}", mm.disp.unsigned_abs());
                } else {
                    let _ = write!(t, "{}{:#x}", if t.is_empty() { "" } else { "+" }, mm.disp);
                }
            }
            s.push_str(&t);
            s.push(']');
            if mm.bcst != 0 {
                let _ = write!(s, "{{1to{}}}", mm.bcst);
            }
            s
        }
        _ => format!("{op:?}"),
    }
}

fn fmt_insn(i: &Insn) -> String {
    let mut s = String::from(i.mn);
    for (n, op) in i.ops.iter().enumerate() {
        s.push_str(if n == 0 { " " } else { ", " });
        s.push_str(&fmt_op(op));
        if n == 0 {
            if let Some(k) = i.deco.mask {
                let _ = write!(s, "{{{k}}}");
            }
            if i.deco.zeroing {
                s.push_str("{z}");
            }
        }
    }
    if let Some(rc) = i.deco.rounding {
        s.push_str(match rc {
            Rounding::Nearest => ", {rn-sae}",
            Rounding::Down => ", {rd-sae}",
            Rounding::Up => ", {ru-sae}",
            Rounding::Zero => ", {rz-sae}",
        });
    } else if i.deco.sae {
        s.push_str(", {sae}");
    }
    s
}

fn emit(asm: &mut Assembler<X64>, i: &Insn) -> Result<(), String> {
    let mnemonic =
        Mnemonic::parse(i.mn).ok_or_else(|| format!("{}: unknown mnemonic", fmt_insn(i)))?;
    let inst = Instruction {
        mnemonic,
        operands: &i.ops,
        decorations: i.deco,
        prefixes: i.pfx,
    };
    encode(Mode::Long, &inst, asm).map_err(|e| format!("{}: {e}", fmt_insn(i)))
}

// ---------------------------------------------------------------------------
// Cases and groups.

type Model = Box<dyn Fn(&mut State)>;
type Setup = Box<dyn Fn(&mut State, &mut Rng)>;

struct Case {
    /// The body: instructions, and whether each is under test (the others
    /// set up or clean up).
    body: Vec<(Insn, bool)>,
    /// Bytes placed after the code at local label `data` (64-byte aligned).
    data: Option<Vec<u8>>,
    setup: Vec<Setup>,
    /// Whether the harness points the base and index registers of memory
    /// operands into the memory area.
    auto_mem: bool,
    /// Index registers of memory operands hold multiples of 16 (legacy SSE
    /// memory operands must be aligned).
    align: i64,
    model: Model,
    /// The flags the body defines (the others are undefined and ignored).
    flags: u64,
    /// Random inputs to run on.
    iters: usize,
}

impl Case {
    fn new(tested: Insn, model: impl Fn(&mut State) + 'static) -> Case {
        Case::seq(vec![(tested, true)], model)
    }

    fn seq(body: Vec<(Insn, bool)>, model: impl Fn(&mut State) + 'static) -> Case {
        Case {
            body,
            data: None,
            setup: Vec::new(),
            auto_mem: true,
            align: 1,
            model: Box::new(model),
            flags: ARITH,
            iters: ITERS,
        }
    }

    fn flags(mut self, f: u64) -> Case {
        self.flags = f;
        self
    }

    fn setup(mut self, s: impl Fn(&mut State, &mut Rng) + 'static) -> Case {
        self.setup.push(Box::new(s));
        self
    }

    fn data(mut self, d: Vec<u8>) -> Case {
        self.data = Some(d);
        self
    }

    fn iters(mut self, n: usize) -> Case {
        self.iters = n;
        self
    }

    fn manual_mem(mut self) -> Case {
        self.auto_mem = false;
        self
    }

    fn aligned(self) -> Case {
        self.align(16)
    }

    /// Index registers of memory operands hold multiples of `n`.
    fn align(mut self, n: i64) -> Case {
        self.align = n;
        self
    }

    fn name(&self) -> String {
        self.body
            .iter()
            .filter(|(_, t)| *t)
            .map(|(i, _)| fmt_insn(i))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn tested(&self) -> usize {
        self.body.iter().filter(|(_, t)| *t).count()
    }
}

struct Group {
    name: &'static str,
    cpu: Cpu,
    /// The output state (allocated first: its memory's address is known
    /// while cases are made).
    out: Box<State>,
    cases: Vec<Case>,
    skipped: Vec<String>,
    /// Picks registers, immediates and displacements while cases are made.
    rng: Rng,
    /// How often each key of [`Group::at`] was used.
    seen: std::collections::HashMap<String, u32>,
}

impl Group {
    fn new(name: &'static str, seed: u64) -> Group {
        Group {
            name,
            cpu: Cpu::detect(),
            out: State::boxed(),
            cases: Vec::new(),
            skipped: Vec::new(),
            rng: Rng::new(seed),
            seen: Default::default(),
        }
    }

    fn add(&mut self, c: Case) {
        self.cases.push(c);
    }

    /// Seeds the generator that picks operands from `key`, so that what a
    /// loop makes does not depend on what was made (or skipped) before it.
    /// The n-th call with the same key gets the n-th seed of that key.
    fn at(&mut self, key: &str) {
        let n = self.seen.entry(key.to_string()).or_insert(0);
        *n += 1;
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in self.name.bytes().chain(key.bytes()).chain(n.to_le_bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        self.rng = Rng::new(h);
    }

    /// The address of the memory area memory operands point into.
    fn membase(&self) -> u64 {
        self.out.mem.as_ptr() as u64
    }

    /// Whether the CPU has `feature` (`have`); if not, records `what` as skipped.
    fn needs(&mut self, have: bool, what: &str) -> bool {
        if !have && !self.skipped.iter().any(|s| s == what) {
            self.skipped.push(what.to_string());
        }
        have
    }

    fn run(self) {
        let cpu = self.cpu;
        let mut asm = Assembler::<X64>::new().expect("code memory");
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for c in &self.cases {
            let at = asm.offset();
            if let Err(e) = build(&mut asm, &cpu, c) {
                errors.push(e);
            }
            entries.push(at);
        }
        assert!(
            errors.is_empty(),
            "{}: the encoder rejected instructions:\n{}",
            self.name,
            errors.join("\n")
        );
        let code = asm.finalize().expect("finalize");
        // `X64_EXEC_SEED` varies the inputs (the instructions stay the same).
        let seed: u64 = std::env::var("X64_EXEC_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut rng = Rng::new(0x5eed ^ self.name.len() as u64 ^ seed << 8);
        // `X64_EXEC_TRACE` names each case before it runs (to find one that crashes).
        let trace = std::env::var_os("X64_EXEC_TRACE").is_some();
        let mut input = State::boxed();
        let mut out = self.out;
        let mut failures = Vec::new();
        let mut instances = 0;
        for (c, &at) in self.cases.iter().zip(&entries) {
            instances += c.tested();
            // SAFETY: `build` emitted at `at` a complete function that takes
            // two pointers (sysv64), saves and restores the callee-saved
            // registers and touches only the two states and memory inside
            // `out.mem` (and its own stack and data).
            let f = unsafe { code.func::<extern "sysv64" fn(*const State, *mut State)>(at) }
                .expect("entry in bounds");
            let mut changes = false;
            let mut failed = false;
            // More inputs while none has shown the case doing something.
            let mut it = 0;
            while it < c.iters || (!changes && it < 4 * c.iters) {
                it += 1;
                input.randomize(&mut rng);
                for k in input.k.iter_mut() {
                    *k &= cpu.kmask();
                }
                input.membase = out.mem.as_ptr() as u64;
                let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if c.auto_mem {
                        point_memory(c, &mut input, &mut rng);
                    }
                    for s in &c.setup {
                        s(&mut input, &mut rng);
                    }
                }));
                if prepared.is_err() {
                    failures.push(format!("{}: `{}`: the setup panicked", self.name, c.name()));
                    failed = true;
                    break;
                }
                out.v = [[0; 64]; 32];
                out.gp = [0; 16];
                out.k = [0; 8];
                out.flags = 0;
                out.mem = input.mem;
                if trace {
                    let _ = writeln!(
                        std::io::stderr(),
                        "x64_exec {}: running `{}`",
                        self.name,
                        c.name()
                    );
                }
                f(&*input, &mut *out);
                let mut want = input.clone();
                let modelled =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (c.model)(&mut want)));
                if modelled.is_err() {
                    failures.push(format!("{}: `{}`: the model panicked", self.name, c.name()));
                    failed = true;
                    break;
                }
                let mut diff = compare(&cpu, c.flags, &want, &out);
                if !diff.is_empty() {
                    let _ = write!(diff, "  input:");
                    for (i, v) in input.gp.iter().enumerate() {
                        if i != 4 {
                            let _ = write!(diff, " {}={v:#x}", gp(8, i as u8));
                        }
                    }
                    let _ = write!(diff, " flags={:#x}", input.flags);
                    failures.push(format!(
                        "{}: `{}` (input {it}):\n{}",
                        self.name,
                        c.name(),
                        diff
                    ));
                    failed = true;
                    break;
                }
                if !compare(&cpu, c.flags, &input, &want).is_empty() {
                    changes = true;
                }
            }
            if !changes && !failed {
                failures.push(format!(
                    "{}: `{}`: the model leaves every input unchanged, so the case checks nothing",
                    self.name,
                    c.name()
                ));
            }
        }
        let mut mnemonics: Vec<&str> = (self.cases.iter())
            .flat_map(|c| c.body.iter().filter(|(_, t)| *t).map(|(i, _)| i.mn))
            .collect();
        mnemonics.sort_unstable();
        mnemonics.dedup();
        println!(
            "{}: {} instruction instances ({} mnemonics) in {} cases, at least {} inputs each",
            self.name,
            instances,
            mnemonics.len(),
            self.cases.len(),
            ITERS
        );
        // Written past the test harness's capture, so that skips always show.
        for s in &self.skipped {
            let _ = writeln!(
                std::io::stderr(),
                "x64_exec {}: SKIPPED (the CPU lacks it): {s}",
                self.name
            );
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            self.cases.len(),
            failures.join("\n")
        );
    }
}

/// Points the base and index registers of the body's memory operands into
/// the memory area: bases near the middle, indexes small.
fn point_memory(c: &Case, st: &mut State, rng: &mut Rng) {
    for (i, _) in &c.body {
        for op in &i.ops {
            let Operand::Mem(mm) = op else { continue };
            if let Some(b) = mm.base {
                if b.class() == RegClass::Gp64 && b != rsp {
                    let off = (MEM / 2) as i64 + 64 * rng.range(-32, 32);
                    st.sg(b, st.membase.wrapping_add(off as u64));
                }
            }
            if let Some(x) = mm.index {
                if x.class() == RegClass::Gp64 {
                    let v = if c.align > 1 {
                        c.align * rng.range(-4, 8)
                    } else {
                        rng.range(-40, 40)
                    };
                    st.sg(x, v as u64);
                }
            }
        }
    }
}

/// Differences between the expected and the actual state, as text.
fn compare(cpu: &Cpu, flags: u64, want: &State, got: &State) -> String {
    let mut s = String::new();
    for i in 0..16 {
        if i != 4 && want.gp[i] != got.gp[i] {
            let name = Reg::new(RegClass::Gp64, i as u8).unwrap();
            let _ = writeln!(
                s,
                "  {name}: want {:#018x}, got {:#018x}",
                want.gp[i], got.gp[i]
            );
        }
    }
    let fm = flags & ARITH & !want.undef;
    if want.flags & fm != got.flags & fm {
        let _ = writeln!(
            s,
            "  flags (of {fm:#x}): want {:#x}, got {:#x}",
            want.flags & fm,
            got.flags & fm
        );
    }
    let w = cpu.vbytes();
    for i in 0..cpu.nvec() {
        if want.v[i][..w] != got.v[i][..w] {
            let _ = writeln!(
                s,
                "  zmm{i}: want {}\n  {:>width$}  got  {}",
                hex(&want.v[i][..w]),
                "",
                hex(&got.v[i][..w]),
                width = if i < 10 { 4 } else { 5 }
            );
        }
    }
    let km = cpu.kmask();
    for i in 0..8 {
        if want.k[i] & km != got.k[i] & km {
            let _ = writeln!(
                s,
                "  k{i}: want {:#x}, got {:#x}",
                want.k[i] & km,
                got.k[i] & km
            );
        }
    }
    if want.mem != got.mem {
        let first = (0..MEM).find(|&j| want.mem[j] != got.mem[j]).unwrap();
        let last = (0..MEM).rev().find(|&j| want.mem[j] != got.mem[j]).unwrap();
        let lo = first & !15;
        let hi = ((last | 15) + 1).min(lo + 128);
        let _ = writeln!(
            s,
            "  mem[{first:#x}..={last:#x}] differs; from {lo:#x}:\n    want {}\n    got  {}",
            hex(&want.mem[lo..hi]),
            hex(&got.mem[lo..hi])
        );
    }
    s
}

/// Bytes as little-endian qwords, most significant first.
fn hex(b: &[u8]) -> String {
    b.chunks(8)
        .rev()
        .map(|c| {
            c.iter()
                .rev()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// Emits the function of case `c`: prologue, body, epilogue, data.
fn build(asm: &mut Assembler<X64>, cpu: &Cpu, c: &Case) -> Result<(), String> {
    let e = |asm: &mut Assembler<X64>, i: Insn| emit(asm, &i).map_err(|e| format!("harness: {e}"));
    for g in [rbx, rbp, r12, r13, r14, r15, rsi, rdi] {
        e(asm, ins("push", &[r(g)]))?;
    }
    // [rsp] = in, [rsp + 8] = out.
    e(asm, ins("mov", &[r(rax), r(rdi)]))?;
    load_store_vectors(asm, cpu, true)?;
    e(asm, ins("push", &[m(mb(rax, OFF_FLAGS))]))?;
    e(asm, ins("popfq", &[]))?;
    for n in 1..16u8 {
        if n != 4 {
            let g = Reg::new(RegClass::Gp64, n).unwrap();
            e(asm, ins("mov", &[r(g), m(mb(rax, OFF_GP + 8 * n as i64))]))?;
        }
    }
    e(asm, ins("mov", &[r(rax), m(mb(rax, OFF_GP))]))?;
    for (i, _) in &c.body {
        if let Some(name) = i.mn.strip_prefix(':') {
            asm.define_local(name).map_err(|e| e.to_string())?;
        } else {
            emit(asm, i)?;
        }
    }
    e(asm, ins("pushfq", &[]))?;
    e(asm, ins("push", &[r(rax)]))?;
    // [rsp] = rax, [rsp + 8] = flags, [rsp + 16] = in, [rsp + 24] = out.
    e(asm, ins("mov", &[r(rax), m(mb(rsp, 24))]))?;
    for n in 1..16u8 {
        if n != 4 {
            let g = Reg::new(RegClass::Gp64, n).unwrap();
            e(asm, ins("mov", &[m(mb(rax, OFF_GP + 8 * n as i64)), r(g)]))?;
        }
    }
    e(asm, ins("pop", &[r(rcx)]))?;
    e(asm, ins("mov", &[m(mb(rax, OFF_GP)), r(rcx)]))?;
    e(asm, ins("pop", &[r(rcx)]))?;
    e(asm, ins("mov", &[m(mb(rax, OFF_FLAGS)), r(rcx)]))?;
    load_store_vectors(asm, cpu, false)?;
    for g in [rdi, rsi, r15, r14, r13, r12, rbp, rbx] {
        e(asm, ins("pop", &[r(g)]))?;
    }
    if cpu.avx {
        e(asm, ins("vzeroupper", &[]))?;
    }
    e(asm, ins("ret", &[]))?;
    if let Some(d) = &c.data {
        asm.align(64, 0xcc).map_err(|e| e.to_string())?;
        asm.define_local("data").map_err(|e| e.to_string())?;
        jitasm::ByteSink::extend_from_slice(asm, d);
    }
    Ok(())
}

/// Loads (or stores) every vector and mask register from (to) the state at `rax`.
fn load_store_vectors(asm: &mut Assembler<X64>, cpu: &Cpu, load: bool) -> Result<(), String> {
    let mut mov = |mn: &'static str, reg: Reg, mem: Mem<'static>| {
        let ops = if load {
            [r(reg), m(mem)]
        } else {
            [m(mem), r(reg)]
        };
        emit(asm, &ins(mn, &ops)).map_err(|e| format!("harness: {e}"))
    };
    for n in 0..cpu.nvec() as u8 {
        let at = mb(rax, OFF_V + 64 * n as i64);
        if cpu.avx512f {
            mov("vmovdqu64", Reg::new(RegClass::Zmm, n).unwrap(), at)?;
        } else if cpu.avx {
            mov("vmovdqu", Reg::new(RegClass::Ymm, n).unwrap(), at)?;
        } else {
            mov("movdqu", Reg::new(RegClass::Xmm, n).unwrap(), at)?;
        }
    }
    for n in 0..8u8 {
        let at = mb(rax, OFF_K + 8 * n as i64);
        let k = Reg::new(RegClass::K, n).unwrap();
        if cpu.avx512bw {
            mov("kmovq", k, at)?;
        } else if cpu.avx512f {
            mov("kmovw", k, at)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Picking operands.

/// General-purpose register `num` of `bytes` bytes.
fn gp(bytes: usize, num: u8) -> Reg {
    let class = match bytes {
        1 => RegClass::Gp8,
        2 => RegClass::Gp16,
        4 => RegClass::Gp32,
        _ => RegClass::Gp64,
    };
    Reg::new(class, num).unwrap()
}

/// The 64-bit register a general-purpose register is part of.
fn full(x: Reg) -> u8 {
    if x.is_high_byte() {
        x.num() - 4
    } else {
        x.num()
    }
}

/// A register of `bytes` bytes other than the stack pointer and the
/// registers `avoid` (numbers of 64-bit registers). With `legacy`, only
/// registers encodable without REX; with `high` (8-bit only), `ah`…`bh`.
fn pick_gp(rng: &mut Rng, bytes: usize, avoid: &[u8], legacy: bool, high: bool) -> Reg {
    loop {
        let n = rng.below(16) as u8;
        if n == 4 || avoid.contains(&n) || (legacy && n >= if bytes == 1 { 4 } else { 8 }) {
            continue;
        }
        if high {
            if n < 4 {
                return Reg::new(RegClass::Gp8High, n + 4).unwrap();
            }
            continue;
        }
        return gp(bytes, n);
    }
}

/// A memory operand `[base + index*scale + disp]` of a random shape, with
/// registers other than `avoid` (without REX bits with `legacy`).
fn pick_mem(rng: &mut Rng, avoid: &[u8], legacy: bool) -> Mem<'static> {
    let mut used = avoid.to_vec();
    let b = pick_gp(rng, 8, &used, legacy, false);
    used.push(b.num());
    let disp = match rng.below(4) {
        0 => 0,
        1 => rng.range(-128, 128),
        2 => rng.range(-1000, 1000),
        _ => 8 * rng.range(-16, 16),
    };
    if rng.below(2) == 0 {
        mb(b, disp)
    } else {
        let i = pick_gp(rng, 8, &used, legacy, false);
        mbi(b, i, rng.pick(&[1, 2, 4, 8]), disp)
    }
}

/// An immediate for an operand of `bytes` bytes: small (imm8) or wide.
fn pick_imm(rng: &mut Rng, bytes: usize, small: bool) -> i64 {
    if small || bytes == 1 {
        rng.range(-128, 128)
    } else if bytes == 2 {
        rng.range(-32768, 32768)
    } else {
        rng.next() as i32 as i64
    }
}

// ---------------------------------------------------------------------------
// Integer ALU.

/// `op a, b` on `bytes` bytes with flags `fl`: the result, the flags, and
/// which flags the instruction defines.
fn alu(op: &str, bytes: usize, a: u64, b: u64, fl: u64) -> (u64, u64, u64) {
    let bits = 8 * bytes as u32;
    let mk = mask(bytes);
    let top = |x: u64| (x >> (bits - 1)) & 1 != 0;
    let cin = (fl & CF) as u128;
    let (res, carry, ovf) = match op {
        "add" | "adc" | "inc" | "xadd" => {
            let c = if op == "adc" { cin } else { 0 };
            let wide = a as u128 + b as u128 + c;
            let r = wide as u64 & mk;
            (r, wide > mk as u128, top((a ^ r) & (b ^ r)))
        }
        "sub" | "sbb" | "cmp" | "dec" | "neg" => {
            let c = if op == "sbb" { cin } else { 0 };
            let r = (a as u128).wrapping_sub(b as u128 + c) as u64 & mk;
            (r, (a as u128) < b as u128 + c, top((a ^ b) & (a ^ r)))
        }
        "and" | "test" => (a & b, false, false),
        "or" => (a | b, false, false),
        "xor" => (a ^ b, false, false),
        _ => panic!("alu {op}"),
    };
    let logic = matches!(op, "and" | "test" | "or" | "xor");
    let mut f = szp(res, bytes);
    if carry {
        f |= CF;
    }
    if ovf {
        f |= OF;
    }
    if !logic && (a ^ b ^ res) & 0x10 != 0 {
        f |= AF;
    }
    let mut defined = if logic { ARITH & !AF } else { ARITH };
    if matches!(op, "inc" | "dec") {
        defined &= !CF;
    }
    (res, f, defined)
}

/// `op dst, src` (two operands) as a case.
fn alu_case(
    g: &mut Group,
    op: &'static str,
    bytes: usize,
    dst: Operand<'static>,
    src: Operand<'static>,
) {
    let (_, _, defined) = alu(op, bytes, 0, 0, 0);
    let writes = !matches!(op, "cmp" | "test");
    g.add(
        Case::new(ins(op, &[dst, src]), move |st| {
            let a = st.rd(&dst, bytes);
            let b = st.rd(&src, bytes);
            let (res, f, def) = alu(op, bytes, a, b, st.flags);
            if writes {
                st.wr(&dst, bytes, res);
            }
            st.set_flags(def, f);
        })
        .flags(defined),
    );
}

/// `op dst` (inc, dec, neg, not) as a case.
fn unary_case(g: &mut Group, op: &'static str, bytes: usize, dst: Operand<'static>) {
    let defined = match op {
        "not" => ARITH,
        "neg" => ARITH,
        _ => ARITH & !CF,
    };
    g.add(
        Case::new(ins(op, &[dst]), move |st| {
            let a = st.rd(&dst, bytes);
            let (res, f, def) = match op {
                "inc" => alu("inc", bytes, a, 1, st.flags),
                "dec" => alu("dec", bytes, a, 1, st.flags),
                "neg" => {
                    let (r, mut f, d) = alu("neg", bytes, 0, a, st.flags);
                    f = (f & !CF) | if a != 0 { CF } else { 0 };
                    (r, f, d)
                }
                _ => (!a & mask(bytes), 0, 0),
            };
            st.wr(&dst, bytes, res);
            st.set_flags(def, f);
        })
        .flags(defined),
    );
}

/// With a memory operand of `bytes` bytes stated.
fn sized(op: Operand<'static>, bytes: usize) -> Operand<'static> {
    match op {
        Operand::Mem(mm) => Operand::Mem(mm.sized(bytes as u16)),
        o => o,
    }
}

#[test]
fn gp_alu() {
    let mut g = Group::new("gp_alu", 1);
    for op in [
        "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test",
    ] {
        g.at("for op in [");
        for bytes in [1, 2, 4, 8] {
            let rng = &mut g.rng;
            let high = bytes == 1 && rng.below(3) == 0;
            let d = pick_gp(rng, bytes, &[], high, high);
            let shigh = rng.below(2) == 0 && high;
            let s = pick_gp(rng, bytes, &[full(d)], high, shigh);
            let d2 = pick_gp(rng, bytes, &[], false, false);
            let d3 = pick_gp(rng, bytes, &[], false, false);
            let small = pick_imm(rng, bytes, true);
            let wide = pick_imm(rng, bytes, false);
            let acc = gp(bytes, 0);
            let accimm = pick_imm(rng, bytes, false);
            let high2 = bytes == 1 && rng.below(3) == 0;
            let d4 = pick_gp(rng, bytes, &[], high2, high2);
            let mm = pick_mem(rng, &[full(d4)], high2);
            let s5 = pick_gp(rng, bytes, &[], false, false);
            let mm5 = pick_mem(rng, &[s5.num()], false);
            let mm6 = pick_mem(rng, &[], false);
            let small6 = rng.below(2) == 0;
            let imm6 = pick_imm(rng, bytes, small6);
            alu_case(&mut g, op, bytes, r(d), r(s));
            alu_case(&mut g, op, bytes, r(d2), im(small));
            alu_case(&mut g, op, bytes, r(d3), im(wide));
            alu_case(&mut g, op, bytes, r(acc), im(accimm));
            if op != "test" {
                alu_case(&mut g, op, bytes, r(d4), m(mm));
            }
            alu_case(&mut g, op, bytes, m(mm5), r(s5));
            alu_case(&mut g, op, bytes, sized(m(mm6), bytes), im(imm6));
        }
    }
    for op in ["inc", "dec", "neg", "not"] {
        g.at("for op in [\"inc\", \"dec\", \"neg\", \"not\"] {");
        for bytes in [1, 2, 4, 8] {
            let rng = &mut g.rng;
            let high = bytes == 1 && rng.below(2) == 0;
            let d = pick_gp(rng, bytes, &[], high, high);
            let mm = pick_mem(rng, &[], false);
            unary_case(&mut g, op, bytes, r(d));
            unary_case(&mut g, op, bytes, sized(m(mm), bytes));
        }
    }
    // The same register on both sides, and `lock`ed read-modify-writes.
    alu_case(&mut g, "xor", 4, r(r13d), r(r13d));
    alu_case(&mut g, "sub", 8, r(rdx), r(rdx));
    alu_case(&mut g, "add", 1, r(ah), r(ah));
    for (op, bytes) in [
        ("add", 4),
        ("or", 8),
        ("and", 2),
        ("xor", 1),
        ("sub", 8),
        ("adc", 4),
        ("sbb", 8),
    ] {
        g.at("for (op, bytes) in [");
        let mm = pick_mem(&mut g.rng, &[rcx.num()], false);
        let s = gp(bytes, 1);
        let (_, _, defined) = alu(op, bytes, 0, 0, 0);
        g.add(
            Case::new(ins(op, &[m(mm), r(s)]).pfx(Prefixes::LOCK), move |st| {
                let dst = m(mm);
                let a = st.rd(&dst, bytes);
                let b = st.rd(&r(s), bytes);
                let (res, f, def) = alu(op, bytes, a, b, st.flags);
                st.wr(&dst, bytes, res);
                st.set_flags(def, f);
            })
            .flags(defined),
        );
    }
    g.run();
}

// ---------------------------------------------------------------------------
// Multiplication and division.

/// `mul`/`imul`/`div`/`idiv` with one operand.
fn muldiv_case(g: &mut Group, op: &'static str, bytes: usize, src: Operand<'static>) {
    let bits = 8 * bytes as u32;
    let signed = op.starts_with('i');
    let (lo, hi) = if bytes == 1 {
        (al, ah)
    } else {
        (gp(bytes, 0), gp(bytes, 2))
    };
    let mk = mask(bytes) as u128;
    let divide = op.ends_with("div");
    let mut c = Case::new(ins(op, &[sized(src, bytes)]), move |st| {
        let b = st.rd(&src, bytes);
        let a = st.g(lo);
        if divide {
            let n = ((st.g(hi) as u128) << bits) | a as u128;
            let (q, rem) = if signed {
                let n = ((n << (128 - 2 * bits)) as i128) >> (128 - 2 * bits);
                let d = sext(b, bytes) as i64 as i128;
                ((n / d) as u128, (n % d) as u128)
            } else {
                (n / b as u128, n % b as u128)
            };
            st.sg(lo, q as u64 & mask(bytes));
            st.sg(hi, rem as u64 & mask(bytes));
        } else {
            let (p, fits) = if signed {
                let p = sext(a, bytes) as i64 as i128 * sext(b, bytes) as i64 as i128;
                let low = p as u128 & mk;
                (p as u128, sext(low as u64, bytes) as i64 as i128 == p)
            } else {
                let p = a as u128 * b as u128;
                (p, p >> bits == 0)
            };
            if bytes == 1 {
                st.sg(ax, p as u64 & 0xffff);
            } else {
                st.sg(lo, p as u64 & mask(bytes));
                st.sg(hi, (p >> bits) as u64 & mask(bytes));
            }
            st.set_flags(CF | OF, if fits { 0 } else { CF | OF });
        }
    })
    .flags(if divide { 0 } else { CF | OF });
    if divide {
        c = c.setup(move |st, rng| {
            // A divisor, quotient and remainder that fit; the dividend from them.
            // Signed divisors below 2^(bits-1) in magnitude.
            let span = rng.below(bits as usize - signed as usize) as u32 + 1;
            let mut d = (rng.next() >> (64 - span)) as i128;
            if d == 0 {
                d = 3;
            }
            let qspan = rng.below(bits as usize - 1) as u32 + 1;
            let mut q = (rng.next() >> (64 - qspan)) as i128;
            let mut rem = (rng.next() as i128).rem_euclid(d);
            if signed {
                if rng.below(2) == 0 {
                    d = -d;
                }
                if rng.below(2) == 0 {
                    q = -q;
                }
                if q * d < 0 || (q == 0 && rng.below(2) == 0) {
                    rem = -rem;
                }
            }
            let n = q * d + rem;
            st.wr(&src, bytes, d as u64 & mask(bytes));
            st.sg(lo, n as u64 & mask(bytes));
            st.sg(hi, (n >> bits) as u64 & mask(bytes));
        });
    }
    g.add(c);
}

/// `imul dst, src` or `imul dst, src, imm`.
fn imul_case(g: &mut Group, bytes: usize, dst: Reg, src: Operand<'static>, imm: Option<i64>) {
    let mut ops = vec![r(dst), src];
    if let Some(v) = imm {
        ops.push(im(v));
    }
    g.add(
        Case::new(ins("imul", &ops), move |st| {
            let a = match imm {
                Some(v) => v,
                None => sext(st.g(dst), bytes) as i64,
            } as i128;
            let b = sext(st.rd(&src, bytes), bytes) as i64 as i128;
            let p = a * b;
            let low = p as u64 & mask(bytes);
            st.sg(dst, low);
            let fits = sext(low, bytes) as i64 as i128 == p;
            st.set_flags(CF | OF, if fits { 0 } else { CF | OF });
        })
        .flags(CF | OF),
    );
}

#[test]
fn gp_mul_div() {
    let mut g = Group::new("gp_mul_div", 2);
    for op in ["mul", "imul", "div", "idiv"] {
        g.at("for op in [\"mul\", \"imul\", \"div\", \"idiv\"] {");
        for bytes in [1, 2, 4, 8] {
            let rng = &mut g.rng;
            let s = pick_gp(rng, bytes, &[0, 2], false, false);
            let s2 = pick_gp(rng, bytes, &[0, 2], true, false);
            let mm = pick_mem(rng, &[0, 2], false);
            muldiv_case(&mut g, op, bytes, r(s));
            muldiv_case(&mut g, op, bytes, r(s2));
            muldiv_case(&mut g, op, bytes, m(mm));
        }
    }
    for bytes in [2, 4, 8] {
        g.at("for bytes in [2, 4, 8] {");
        for form in 0..6 {
            let rng = &mut g.rng;
            let d = pick_gp(rng, bytes, &[], false, false);
            let s = pick_gp(rng, bytes, &[d.num()], false, false);
            let mm = pick_mem(rng, &[d.num()], false);
            let src = if form % 2 == 0 { r(s) } else { m(mm) };
            let imm = match form / 2 {
                0 => None,
                1 => Some(rng.range(-128, 128)),
                _ => Some(pick_imm(rng, bytes, false)),
            };
            imul_case(&mut g, bytes, d, src, imm);
        }
    }
    g.run();
}

// ---------------------------------------------------------------------------
// Shifts and rotates.

/// `op` on `a` (`bytes` bytes) by `count` with flags `fl`: the result, the
/// new flags and the flags left undefined.
fn shift(op: &str, bytes: usize, a: u64, count: u64, fl: u64) -> (u64, u64, u64) {
    let bits = 8 * bytes as u64;
    let mk = mask(bytes);
    let top = |x: u64| (x >> (bits - 1)) & 1;
    let c = count & if bytes == 8 { 63 } else { 31 };
    if c == 0 {
        return (a, fl, 0);
    }
    let cf_in = fl & CF;
    let (res, cf, of, rotate) = match op {
        "shl" | "sal" => {
            let res = (a << c) & mk;
            let cf = if c <= bits { (a >> (bits - c)) & 1 } else { 0 };
            (res, cf, top(res) ^ cf, false)
        }
        "shr" => {
            let res = if c >= 64 { 0 } else { a >> c };
            (res, (a >> (c - 1)) & 1, top(a), false)
        }
        "sar" => {
            let sa = sext(a, bytes) as i64;
            let res = (sa >> c.min(63)) as u64 & mk;
            (res, ((sa >> (c - 1).min(63)) & 1) as u64, 0, false)
        }
        "rol" => {
            let t = c % bits;
            let res = if t == 0 {
                a
            } else {
                ((a << t) | (a >> (bits - t))) & mk
            };
            let cf = res & 1;
            (res, cf, top(res) ^ cf, true)
        }
        "ror" => {
            let t = c % bits;
            let res = if t == 0 {
                a
            } else {
                ((a >> t) | (a << (bits - t))) & mk
            };
            (res, top(res), top(res) ^ ((res >> (bits - 2)) & 1), true)
        }
        "rcl" | "rcr" => {
            let t = match bytes {
                1 => c % 9,
                2 => c % 17,
                _ => c,
            };
            let mut x = a;
            let mut cf = cf_in;
            let of_rcr = top(a) ^ cf_in;
            for _ in 0..t {
                if op == "rcl" {
                    let out = top(x);
                    x = ((x << 1) | cf) & mk;
                    cf = out;
                } else {
                    let out = x & 1;
                    x = (x >> 1) | (cf << (bits - 1));
                    cf = out;
                }
            }
            let of = if op == "rcl" { top(x) ^ cf } else { of_rcr };
            (x, cf, of, true)
        }
        _ => panic!("shift {op}"),
    };
    let mut undef = if c == 1 { 0 } else { OF };
    let mut f = if rotate {
        fl & !(CF | OF)
    } else {
        szp(res, bytes)
    };
    f |= if cf != 0 { CF } else { 0 } | if of != 0 { OF } else { 0 };
    if !rotate {
        undef |= AF;
        if c >= bits {
            undef |= CF;
        }
    }
    (res, f, undef)
}

fn shift_case(
    g: &mut Group,
    op: &'static str,
    bytes: usize,
    dst: Operand<'static>,
    count: Option<i64>,
) {
    let cnt = match count {
        Some(v) => im(v),
        None => r(cl),
    };
    let mut c = Case::new(ins(op, &[sized(dst, bytes), cnt]), move |st| {
        let a = st.rd(&dst, bytes);
        let n = match count {
            Some(v) => v as u64 & 0xff,
            None => st.g(cl),
        };
        let (res, f, undef) = shift(op, bytes, a, n, st.flags);
        st.wr(&dst, bytes, res);
        st.set_flags(ARITH, f);
        st.undef |= undef;
    });
    if count.is_none() {
        let bits = 8 * bytes as i64;
        c = c.setup(move |st, rng| {
            let n = match rng.below(6) {
                0 => 1,
                1 => 0,
                2 => bits,
                3 => rng.range(0, 256),
                _ => rng.range(1, bits),
            };
            st.sg(cl, n as u64);
        });
    }
    g.add(c);
}

/// `shld`/`shrd dst, src, count`.
fn shd_case(
    g: &mut Group,
    op: &'static str,
    bytes: usize,
    dst: Operand<'static>,
    src: Reg,
    count: Option<i64>,
) {
    let cnt = match count {
        Some(v) => im(v),
        None => r(cl),
    };
    let bits = 8 * bytes as u64;
    let mut c = Case::new(ins(op, &[dst, r(src), cnt]), move |st| {
        let a = st.rd(&dst, bytes);
        let b = st.g(src);
        let n = match count {
            Some(v) => v as u64,
            None => st.g(cl),
        } & if bytes == 8 { 63 } else { 31 };
        if n == 0 {
            // No flags change, but a 32-bit register is still written.
            st.wr(&dst, bytes, a);
            return;
        }
        let mk = mask(bytes);
        let (res, cf) = if op == "shld" {
            (((a << n) | (b >> (bits - n))) & mk, (a >> (bits - n)) & 1)
        } else {
            (((a >> n) | (b << (bits - n))) & mk, (a >> (n - 1)) & 1)
        };
        st.wr(&dst, bytes, res);
        let of = ((res ^ a) >> (bits - 1)) & 1;
        let f = szp(res, bytes) | if cf != 0 { CF } else { 0 } | if of != 0 { OF } else { 0 };
        st.set_flags(ARITH, f);
        st.undef |= AF | if n == 1 { 0 } else { OF };
    });
    if count.is_none() {
        c = c.setup(move |st, rng| {
            let n = rng.pick(&[0, 1, 2, 7, 31, 33, 63, 64 + 5]);
            st.sg(cl, n);
        });
    }
    g.add(c);
}

#[test]
fn gp_shift_rotate() {
    let mut g = Group::new("gp_shift_rotate", 3);
    for op in ["shl", "sal", "shr", "sar", "rol", "ror", "rcl", "rcr"] {
        g.at("for op in [\"shl\", \"shr\", \"sar\", \"rol\", \"ror\", \"rcl\", \"rcr\"] {");
        for bytes in [1, 2, 4, 8] {
            let bits = 8 * bytes as i64;
            let rng = &mut g.rng;
            let high = bytes == 1 && rng.below(3) == 0;
            let d1 = pick_gp(rng, bytes, &[1], high, high);
            let d2 = pick_gp(rng, bytes, &[1], false, false);
            let d3 = pick_gp(rng, bytes, &[1], false, false);
            let mm = pick_mem(rng, &[1], false);
            let mm2 = pick_mem(rng, &[1], false);
            let n = rng.range(2, bits);
            let big = loop {
                let v = rng.range(bits, 256);
                if (v & 31) % bits != 0 {
                    break v;
                }
            };
            shift_case(&mut g, op, bytes, r(d1), Some(1));
            shift_case(&mut g, op, bytes, r(d2), Some(n));
            shift_case(&mut g, op, bytes, r(d3), None);
            shift_case(&mut g, op, bytes, m(mm), Some(big));
            shift_case(&mut g, op, bytes, m(mm2), None);
        }
    }
    for op in ["shld", "shrd"] {
        g.at("for op in [\"shld\", \"shrd\"] {");
        for bytes in [4, 8] {
            let rng = &mut g.rng;
            let d = pick_gp(rng, bytes, &[1], false, false);
            let s = pick_gp(rng, bytes, &[1, d.num()], false, false);
            let d2 = pick_gp(rng, bytes, &[1], false, false);
            let s2 = pick_gp(rng, bytes, &[1, d2.num()], false, false);
            let s3 = pick_gp(rng, bytes, &[1], false, false);
            let mm = pick_mem(rng, &[1, s3.num()], false);
            let n = rng.range(1, 8 * bytes as i64);
            shd_case(&mut g, op, bytes, r(d), s, Some(n));
            shd_case(&mut g, op, bytes, r(d2), s2, None);
            shd_case(&mut g, op, bytes, m(mm), s3, Some(1));
        }
    }
    g.run();
}

// ---------------------------------------------------------------------------
// Bits, moves, conditions.

/// `bt`/`bts`/`btr`/`btc dst, off`.
fn bt_case(
    g: &mut Group,
    op: &'static str,
    bytes: usize,
    dst: Operand<'static>,
    off: Operand<'static>,
) {
    let bits = 8 * bytes as u64;
    let mut c = Case::new(ins(op, &[sized(dst, bytes), off]), move |st| {
        // A register offset with a memory operand addresses a bit string.
        let (addr_bit, reg_bit) = match (&dst, &off) {
            (Operand::Mem(mm), Operand::Reg(o)) => {
                let n = sext(st.g(*o), bytes) as i64;
                (
                    Some(st.ea(mm).wrapping_add(n.div_euclid(8) as u64)),
                    n.rem_euclid(8) as u64,
                )
            }
            _ => (None, st.rd(&off, bytes) % bits),
        };
        // The operand holding the bit: one byte of the bit string, or the
        // destination itself.
        let (at, width) = match addr_bit {
            Some(a) => (Operand::Mem(Mem::abs(a as i64)), 1),
            None => (dst, bytes),
        };
        let v = match at {
            Operand::Mem(mm) if addr_bit.is_some() => st.ld(mm.disp as u64, 1),
            _ => st.rd(&at, width),
        };
        let bit = 1 << reg_bit;
        let new = match op {
            "bts" => v | bit,
            "btr" => v & !bit,
            "btc" => v ^ bit,
            _ => v,
        };
        if op != "bt" {
            match at {
                Operand::Mem(mm) if addr_bit.is_some() => st.st(mm.disp as u64, 1, new),
                _ => st.wr(&at, width, new),
            }
        }
        let old = v & bit != 0;
        st.set_flags(CF, if old { CF } else { 0 });
    })
    .flags(CF)
    .iters(24);
    if let (Operand::Mem(_), Operand::Reg(o)) = (dst, off) {
        c = c.setup(move |st, rng| st.sg(o, rng.range(-300, 300) as u64));
    }
    g.add(c);
}

/// A bit count: `f(value, bytes) -> (result, flags)`.
type CountFn = fn(u64, usize) -> (u64, u64);

/// `op dst, src` where `f(src) -> (result, flags)` and `defined` are the
/// flags it defines, with the source made nonzero by the setup when `nonzero`.
#[allow(clippy::too_many_arguments)]
fn count_case(
    g: &mut Group,
    op: &'static str,
    bytes: usize,
    dst: Reg,
    src: Operand<'static>,
    f: CountFn,
    defined: u64,
    nonzero: bool,
) {
    let mut c = Case::new(ins(op, &[r(dst), src]), move |st| {
        let v = st.rd(&src, bytes);
        let (res, fl) = f(v, bytes);
        st.sg(dst, res);
        st.set_flags(defined, fl);
    })
    .flags(defined);
    c = c.setup(move |st, rng| {
        // Values with few, many or no bits set.
        let v = match rng.below(5) {
            0 if !nonzero => 0,
            0 | 1 => 1 << rng.below(8 * bytes),
            2 => rng.next() >> rng.below(64),
            3 => rng.next() << rng.below(64) | 1 << rng.below(8 * bytes),
            _ => rng.next(),
        };
        let v = if nonzero && v & mask(bytes) == 0 {
            0x80
        } else {
            v
        };
        st.wr(&src, bytes, v);
    });
    g.add(c);
}

fn f_bsf(v: u64, b: usize) -> (u64, u64) {
    let v = v & mask(b);
    (v.trailing_zeros() as u64, 0)
}
fn f_bsr(v: u64, b: usize) -> (u64, u64) {
    let v = v & mask(b);
    (63 - v.leading_zeros() as u64, 0)
}
fn f_popcnt(v: u64, b: usize) -> (u64, u64) {
    let v = v & mask(b);
    (v.count_ones() as u64, if v == 0 { ZF } else { 0 })
}
fn f_lzcnt(v: u64, b: usize) -> (u64, u64) {
    let v = v & mask(b);
    let n = v.leading_zeros() as u64 - (64 - 8 * b as u64);
    (n, if n == 0 { ZF } else { 0 } | if v == 0 { CF } else { 0 })
}
fn f_tzcnt(v: u64, b: usize) -> (u64, u64) {
    let v = v & mask(b);
    let n = if v == 0 {
        8 * b as u64
    } else {
        v.trailing_zeros() as u64
    };
    (n, if n == 0 { ZF } else { 0 } | if v == 0 { CF } else { 0 })
}

#[test]
fn gp_bits_moves() {
    let mut g = Group::new("gp_bits_moves", 4);
    // bt*
    for op in ["bt", "bts", "btr", "btc"] {
        g.at("for op in [\"bt\", \"bts\", \"btr\", \"btc\"] {");
        for bytes in [2, 4, 8] {
            let rng = &mut g.rng;
            let d = pick_gp(rng, bytes, &[], false, false);
            let o = pick_gp(rng, bytes, &[d.num()], false, false);
            let d2 = pick_gp(rng, bytes, &[], false, false);
            let n = rng.range(0, 256);
            let mm = pick_mem(rng, &[], false);
            let o2 = pick_gp(rng, bytes, &[], false, false);
            let mm2 = pick_mem(rng, &[o2.num()], false);
            bt_case(&mut g, op, bytes, r(d), r(o));
            bt_case(&mut g, op, bytes, r(d2), im(n));
            bt_case(&mut g, op, bytes, m(mm), im(n ^ 0x55));
            bt_case(&mut g, op, bytes, m(mm2), r(o2));
        }
    }
    // Bit scans and counts.
    let mut counts: Vec<(&'static str, CountFn, u64, bool)> =
        vec![("bsf", f_bsf, ZF, true), ("bsr", f_bsr, ZF, true)];
    if g.needs(g.cpu.popcnt, "popcnt") {
        counts.push(("popcnt", f_popcnt, ARITH, false));
    }
    if g.needs(g.cpu.lzcnt, "lzcnt (abm)") {
        counts.push(("lzcnt", f_lzcnt, CF | ZF, false));
    }
    if g.needs(g.cpu.bmi1, "tzcnt (bmi1)") {
        counts.push(("tzcnt", f_tzcnt, CF | ZF, false));
    }
    for (op, f, defined, nonzero) in counts {
        g.at("for (op, f, defined, nonzero) in counts {");
        for bytes in [2, 4, 8] {
            let rng = &mut g.rng;
            let d = pick_gp(rng, bytes, &[], false, false);
            let s = pick_gp(rng, bytes, &[d.num()], false, false);
            let d2 = pick_gp(rng, bytes, &[], false, false);
            let mm = pick_mem(rng, &[d2.num()], false);
            count_case(&mut g, op, bytes, d, r(s), f, defined, nonzero);
            count_case(&mut g, op, bytes, d2, m(mm), f, defined, nonzero);
        }
    }
    // bswap
    for n in [0u8, 3, 7, 8, 13, 15] {
        g.at("for n in [0u8, 3, 7, 8, 13, 15] {");
        for bytes in [4, 8] {
            let x = gp(bytes, n);
            g.add(Case::new(ins("bswap", &[r(x)]), move |st| {
                let v = st.g(x);
                let s = if bytes == 8 {
                    v.swap_bytes()
                } else {
                    (v as u32).swap_bytes() as u64
                };
                st.sg(x, s);
            }));
        }
    }
    // setcc and cmovcc, every condition.
    for (cc, name) in CC.iter().enumerate() {
        g.at("for (cc, name) in CC.iter().enumerate() {");
        let set: &'static str = Box::leak(format!("set{name}").into_boxed_str());
        let cmov: &'static str = Box::leak(format!("cmov{name}").into_boxed_str());
        let rng = &mut g.rng;
        let high = rng.below(3) == 0;
        let d = pick_gp(rng, 1, &[], high, high);
        let mm = pick_mem(rng, &[], false);
        let bytes = [2, 4, 8][cc % 3];
        let cd = pick_gp(rng, bytes, &[], false, false);
        let csrc = pick_gp(rng, bytes, &[cd.num()], false, false);
        let cd2 = pick_gp(rng, 4, &[], false, false);
        let cmm = pick_mem(rng, &[cd2.num()], false);
        let cc = cc as u8;
        for dst in [r(d), sized(m(mm), 1)] {
            g.add(
                Case::new(ins(set, &[dst]), move |st| {
                    let v = cond(st.flags, cc) as u64;
                    st.wr(&dst, 1, v);
                })
                .iters(24),
            );
        }
        for (dst, src, bytes) in [(cd, r(csrc), bytes), (cd2, m(cmm), 4)] {
            g.add(
                Case::new(ins(cmov, &[r(dst), src]), move |st| {
                    // A 32-bit destination is written (zero-extended) either way.
                    let v = if cond(st.flags, cc) {
                        st.rd(&src, bytes)
                    } else {
                        st.g(dst)
                    };
                    st.sg(dst, v);
                })
                .iters(24),
            );
        }
    }
    // movzx, movsx, movsxd
    for (op, db, sb) in [
        ("movzx", 2, 1),
        ("movzx", 4, 1),
        ("movzx", 8, 1),
        ("movzx", 4, 2),
        ("movzx", 8, 2),
        ("movsx", 2, 1),
        ("movsx", 4, 1),
        ("movsx", 8, 1),
        ("movsx", 4, 2),
        ("movsx", 8, 2),
        ("movsxd", 8, 4),
    ] {
        g.at("for (op, db, sb) in [");
        let rng = &mut g.rng;
        let high = sb == 1 && db != 8 && rng.below(3) == 0;
        let s = pick_gp(rng, sb, &[], high, high);
        let d = pick_gp(rng, db, &[], high, false);
        let d2 = pick_gp(rng, db, &[], false, false);
        let mm = pick_mem(rng, &[], false);
        for (dst, src) in [(d, r(s)), (d2, sized(m(mm), sb))] {
            g.add(Case::new(ins(op, &[r(dst), src]), move |st| {
                let v = st.rd(&src, sb);
                let v = if op == "movzx" {
                    v
                } else {
                    sext(v, sb) & mask(db)
                };
                st.sg(dst, v);
            }));
        }
    }
    // cbw … cqo
    for (op, bytes, widen) in [
        ("cbw", 1, true),
        ("cwde", 2, true),
        ("cdqe", 4, true),
        ("cwd", 2, false),
        ("cdq", 4, false),
        ("cqo", 8, false),
    ] {
        g.at("for (op, bytes, widen) in [");
        g.add(Case::new(ins(op, &[]), move |st| {
            let v = st.gp[0] & mask(bytes);
            let s = sext(v, bytes);
            if widen {
                st.sg(gp(2 * bytes, 0), s & mask(2 * bytes));
            } else {
                st.sg(gp(bytes, 2), ((s as i64) >> 63) as u64 & mask(bytes));
            }
        }));
    }
    // mov: every size, register, memory and immediate forms.
    for bytes in [1, 2, 4, 8] {
        g.at("for bytes in [1, 2, 4, 8] {");
        let rng = &mut g.rng;
        let high = bytes == 1 && rng.below(2) == 0;
        let d = pick_gp(rng, bytes, &[], high, high);
        let s = pick_gp(rng, bytes, &[full(d)], high, false);
        let d2 = pick_gp(rng, bytes, &[], false, false);
        let mm = pick_mem(rng, &[d2.num()], false);
        let s3 = pick_gp(rng, bytes, &[], false, false);
        let mm3 = pick_mem(rng, &[s3.num()], false);
        let d4 = pick_gp(rng, bytes, &[], false, false);
        let mm5 = pick_mem(rng, &[], false);
        let imm = pick_imm(rng, bytes, false);
        let imm5 = pick_imm(rng, bytes, false);
        for (dst, src) in [
            (r(d), r(s)),
            (r(d2), m(mm)),
            (m(mm3), r(s3)),
            (r(d4), im(imm)),
            (sized(m(mm5), bytes), im(imm5)),
        ] {
            g.add(Case::new(ins("mov", &[dst, src]), move |st| {
                let v = st.rd(&src, bytes);
                st.wr(&dst, bytes, v);
            }));
        }
    }
    // 64-bit immediates: imm64 (movabs), sign-extended imm32, zero-extended imm32.
    for (dst, v) in [
        (r10, 0x1234_5678_9abc_def0u64 as i64),
        (rax, -2),
        (r15, 0x7fff_ffff),
        (rbx, 0x8000_0000),
        (rsi, i64::MIN),
    ] {
        g.at("for (dst, v) in [");
        g.add(Case::new(ins("mov", &[r(dst), im(v)]), move |st| {
            st.sg(dst, v as u64)
        }));
    }
    g.add(Case::new(ins("mov", &[r(r9d), im(0xffff_fff0)]), |st| {
        st.sg(r9d, 0xffff_fff0)
    }));
    // xchg, xadd, cmpxchg
    for bytes in [1, 2, 4, 8] {
        g.at("for bytes in [1, 2, 4, 8] {");
        let rng = &mut g.rng;
        let a = pick_gp(rng, bytes, &[], false, false);
        let b = pick_gp(rng, bytes, &[a.num()], false, false);
        let b2 = pick_gp(rng, bytes, &[], false, false);
        let mm = pick_mem(rng, &[b2.num()], false);
        let x = pick_gp(rng, bytes, &[0], false, false);
        for (p, q) in [(r(a), r(b)), (m(mm), r(b2)), (r(gp(bytes, 0)), r(x))] {
            g.add(Case::new(ins("xchg", &[p, q]), move |st| {
                let (u, v) = (st.rd(&p, bytes), st.rd(&q, bytes));
                st.wr(&p, bytes, v);
                st.wr(&q, bytes, u);
            }));
        }
        let rng = &mut g.rng;
        let s = pick_gp(rng, bytes, &[], false, false);
        let d = pick_gp(rng, bytes, &[s.num()], false, false);
        let s2 = pick_gp(rng, bytes, &[], false, false);
        let mm2 = pick_mem(rng, &[s2.num()], false);
        for (dst, src, lock) in [(r(d), s, false), (m(mm2), s2, true)] {
            let mut i = ins("xadd", &[dst, r(src)]);
            if lock {
                i = i.pfx(Prefixes::LOCK);
            }
            g.add(Case::new(i, move |st| {
                let (a, b) = (st.rd(&dst, bytes), st.g(src));
                let (res, f, def) = alu("add", bytes, a, b, st.flags);
                st.sg(src, a);
                st.wr(&dst, bytes, res);
                st.set_flags(def, f);
            }));
        }
        let acc = gp(bytes, 0);
        let rng = &mut g.rng;
        let s3 = pick_gp(rng, bytes, &[0], false, false);
        let d3 = pick_gp(rng, bytes, &[0, s3.num()], false, false);
        let s4 = pick_gp(rng, bytes, &[0], false, false);
        let mm4 = pick_mem(rng, &[0, s4.num()], false);
        for (dst, src, lock) in [(r(d3), s3, false), (m(mm4), s4, true)] {
            let mut i = ins("cmpxchg", &[dst, r(src)]);
            if lock {
                i = i.pfx(Prefixes::LOCK);
            }
            g.add(
                Case::new(i, move |st| {
                    let (a, d) = (st.g(acc), st.rd(&dst, bytes));
                    let (_, f, def) = alu("cmp", bytes, a, d, st.flags);
                    st.set_flags(def, f);
                    if a == d {
                        let v = st.g(src);
                        st.wr(&dst, bytes, v);
                    } else {
                        st.sg(acc, d);
                    }
                })
                .setup(move |st, rng| {
                    // Intel writes a failed destination back (a 32-bit
                    // register is zero-extended), AMD does not write it: the
                    // same only if the upper half is zero.
                    if let Operand::Reg(x) = dst {
                        let v = st.g(x);
                        st.sg(x, v);
                    }
                    if rng.below(2) == 0 {
                        let d = st.rd(&dst, bytes);
                        st.sg(acc, d);
                    }
                }),
            );
        }
    }
    // Flags moves.
    g.add(Case::new(ins("lahf", &[]), |st| {
        let v = (st.flags & (SF | ZF | AF | PF | CF)) | 2;
        st.sg(ah, v);
    }));
    g.add(Case::new(ins("sahf", &[]), |st| {
        let v = st.g(ah);
        st.set_flags(SF | ZF | AF | PF | CF, v);
    }));
    g.add(Case::new(ins("cmc", &[]), |st| st.flags ^= CF));
    g.add(Case::new(ins("stc", &[]), |st| st.flags |= CF));
    g.add(Case::new(ins("clc", &[]), |st| st.flags &= !CF));
    // xlatb: al = [rbx + al]
    g.add(
        Case::new(ins("xlatb", &[]), |st| {
            let v = st.ld(st.gp[3].wrapping_add(st.gp[0] & 0xff), 1);
            st.sg(al, v);
        })
        .setup(|st, rng| st.gp[3] = st.membase + 64 * rng.range(0, 64) as u64),
    );
    g.run();
}

// ---------------------------------------------------------------------------
// BMI1, BMI2, ADX, MOVBE.

#[test]
fn gp_bmi_adx_movbe() {
    let mut g = Group::new("gp_bmi_adx_movbe", 5);
    type F3 = fn(u64, u64, usize) -> (u64, u64);
    // (mnemonic, operands "rrm" = dst, vvvv, r/m | "rmr" = dst, r/m, vvvv, model, flags defined)
    let mut ops: Vec<(&'static str, bool, F3, u64)> = Vec::new();
    if g.needs(g.cpu.bmi1, "bmi1") {
        ops.push((
            "andn",
            true,
            |a, b, n| {
                let r = !a & b & mask(n);
                (r, szp(r, n) & (SF | ZF))
            },
            SF | ZF | CF | OF,
        ));
        ops.push((
            "bextr",
            false,
            |src, ctl, n| {
                let start = ctl & 0xff;
                let len = (ctl >> 8) & 0xff;
                let bits = 8 * n as u64;
                let v = if start >= bits {
                    0
                } else {
                    (src & mask(n)) >> start
                };
                let r = if len >= 64 {
                    v
                } else {
                    v & ((1u64 << len) - 1)
                };
                (r, if r == 0 { ZF } else { 0 })
            },
            ZF | CF | OF,
        ));
    }
    if g.needs(g.cpu.bmi2, "bmi2") {
        ops.push((
            "bzhi",
            false,
            |src, ctl, n| {
                let i = ctl & 0xff;
                let bits = 8 * n as u64;
                let r = if i < bits {
                    src & ((1u64 << i) - 1)
                } else {
                    src
                } & mask(n);
                (r, szp(r, n) & (SF | ZF) | if i > bits - 1 { CF } else { 0 })
            },
            SF | ZF | CF | OF,
        ));
        ops.push((
            "pdep",
            true,
            |a, msk, n| {
                let (mut r, mut k) = (0u64, 0);
                for i in 0..8 * n {
                    if msk >> i & 1 != 0 {
                        r |= (a >> k & 1) << i;
                        k += 1;
                    }
                }
                (r, 0)
            },
            0,
        ));
        ops.push((
            "pext",
            true,
            |a, msk, n| {
                let (mut r, mut k) = (0u64, 0);
                for i in 0..8 * n {
                    if msk >> i & 1 != 0 {
                        r |= (a >> i & 1) << k;
                        k += 1;
                    }
                }
                (r, 0)
            },
            0,
        ));
        ops.push((
            "shlx",
            false,
            |a, c, n| ((a << (c & if n == 8 { 63 } else { 31 })) & mask(n), 0),
            0,
        ));
        ops.push((
            "shrx",
            false,
            |a, c, n| ((a & mask(n)) >> (c & if n == 8 { 63 } else { 31 }), 0),
            0,
        ));
        ops.push((
            "sarx",
            false,
            |a, c, n| {
                (
                    (sext(a, n) as i64 >> (c & if n == 8 { 63 } else { 31 })) as u64 & mask(n),
                    0,
                )
            },
            0,
        ));
    }
    for (op, vvvv_first, f, defined) in ops {
        g.at("for (op, vvvv_first, f, defined) in ops {");
        for bytes in [4, 8] {
            for use_mem in [false, true] {
                let rng = &mut g.rng;
                let d = pick_gp(rng, bytes, &[], false, false);
                let a = pick_gp(rng, bytes, &[], false, false);
                let b = pick_gp(rng, bytes, &[a.num()], false, false);
                let mm = pick_mem(rng, &[a.num()], false);
                let rm = if use_mem { m(mm) } else { r(b) };
                // Intel order: andn/pdep/pext dst, vvvv, r/m; the others dst, r/m, vvvv.
                let ops = if vvvv_first {
                    [r(d), r(a), rm]
                } else {
                    [r(d), rm, r(a)]
                };
                let (x, y) = (ops[1], ops[2]);
                g.add(
                    Case::new(ins(op, &ops), move |st| {
                        let (p, q) = (st.rd(&x, bytes), st.rd(&y, bytes));
                        let (res, fl) = f(p, q, bytes);
                        st.sg(d, res);
                        st.set_flags(defined, fl);
                    })
                    .flags(defined)
                    .setup(move |st, rng| {
                        // Control operands with interesting low bytes.
                        if matches!(op, "bextr" | "bzhi") {
                            let c = rng.range(0, 72) as u64 | (rng.range(0, 72) as u64) << 8;
                            st.sg(a, c | rng.next() << 16);
                        }
                    }),
                );
            }
        }
    }
    if g.cpu.bmi1 {
        // blsi, blsmsk, blsr: dst (vvvv), r/m
        for op in ["blsi", "blsmsk", "blsr"] {
            for bytes in [4, 8] {
                for use_mem in [false, true] {
                    let rng = &mut g.rng;
                    let d = pick_gp(rng, bytes, &[], false, false);
                    let s = pick_gp(rng, bytes, &[d.num()], false, false);
                    let mm = pick_mem(rng, &[d.num()], false);
                    let src = if use_mem { m(mm) } else { r(s) };
                    let defined = SF | ZF | CF | OF;
                    g.add(
                        Case::new(ins(op, &[r(d), src]), move |st| {
                            let v = st.rd(&src, bytes);
                            let res = match op {
                                "blsi" => v & v.wrapping_neg(),
                                "blsmsk" => v ^ v.wrapping_sub(1),
                                _ => v & v.wrapping_sub(1),
                            } & mask(bytes);
                            let cf = match op {
                                "blsi" => v != 0,
                                _ => v == 0,
                            };
                            let mut fl = szp(res, bytes) & (SF | ZF);
                            if op == "blsmsk" {
                                fl &= !ZF;
                            }
                            st.sg(d, res);
                            st.set_flags(defined, fl | if cf { CF } else { 0 });
                        })
                        .flags(defined)
                        .setup(move |st, rng| {
                            if rng.below(4) == 0 {
                                st.wr(&src, bytes, 0);
                            }
                        }),
                    );
                }
            }
        }
    }
    if g.cpu.bmi2 {
        for bytes in [4, 8] {
            for use_mem in [false, true] {
                let rng = &mut g.rng;
                let d = pick_gp(rng, bytes, &[], false, false);
                let s = pick_gp(rng, bytes, &[], false, false);
                let mm = pick_mem(rng, &[], false);
                let src = if use_mem { m(mm) } else { r(s) };
                let n = rng.range(1, 8 * bytes as i64);
                let rorx = Case::new(ins("rorx", &[r(d), src, im(n)]), move |st| {
                    let v = st.rd(&src, bytes);
                    let res = if bytes == 8 {
                        v.rotate_right(n as u32)
                    } else {
                        (v as u32).rotate_right(n as u32) as u64
                    };
                    st.sg(d, res);
                });
                // mulx hi, lo, r/m: rdx/edx times r/m, no flags.
                let hi = pick_gp(rng, bytes, &[2], false, false);
                let lo = pick_gp(rng, bytes, &[2, hi.num()], false, false);
                let s2 = pick_gp(rng, bytes, &[], false, false);
                let mm2 = pick_mem(rng, &[2, hi.num(), lo.num()], false);
                let src2 = if use_mem { m(mm2) } else { r(s2) };
                g.add(rorx);
                g.add(Case::new(ins("mulx", &[r(hi), r(lo), src2]), move |st| {
                    let a = st.gp[2] & mask(bytes);
                    let b = st.rd(&src2, bytes);
                    let p = a as u128 * b as u128;
                    st.sg(lo, p as u64 & mask(bytes));
                    st.sg(hi, (p >> (8 * bytes)) as u64 & mask(bytes));
                }));
            }
        }
    }
    if g.needs(g.cpu.adx, "adx") {
        for (op, flag) in [("adcx", CF), ("adox", OF)] {
            for bytes in [4, 8] {
                for use_mem in [false, true] {
                    let rng = &mut g.rng;
                    let d = pick_gp(rng, bytes, &[], false, false);
                    let s = pick_gp(rng, bytes, &[d.num()], false, false);
                    let mm = pick_mem(rng, &[d.num()], false);
                    let src = if use_mem { m(mm) } else { r(s) };
                    g.add(Case::new(ins(op, &[r(d), src]), move |st| {
                        let c = (st.flags & flag != 0) as u128;
                        let w = st.g(d) as u128 + st.rd(&src, bytes) as u128 + c;
                        st.sg(d, w as u64 & mask(bytes));
                        let out = w >> (8 * bytes) != 0;
                        st.set_flags(flag, if out { flag } else { 0 });
                    }));
                }
            }
        }
    }
    if g.needs(g.cpu.movbe, "movbe") {
        for bytes in [2, 4, 8] {
            let rng = &mut g.rng;
            let d = pick_gp(rng, bytes, &[], false, false);
            let mm = pick_mem(rng, &[d.num()], false);
            let s = pick_gp(rng, bytes, &[], false, false);
            let mm2 = pick_mem(rng, &[s.num()], false);
            let swap = move |v: u64| v.swap_bytes() >> (64 - 8 * bytes);
            g.add(Case::new(ins("movbe", &[r(d), m(mm)]), move |st| {
                let v = st.rd(&m(mm), bytes);
                st.sg(d, swap(v));
            }));
            g.add(Case::new(ins("movbe", &[m(mm2), r(s)]), move |st| {
                let v = st.g(s);
                st.wr(&m(mm2), bytes, swap(v));
            }));
        }
    }
    g.run();
}

// ---------------------------------------------------------------------------
// Addressing.

/// `mov dst, [mm]` (64-bit load) as a case.
fn load_case(dst: Reg, mm: Mem<'static>) -> Case {
    let bytes = dst.size() as usize;
    Case::new(ins("mov", &[r(dst), m(mm)]), move |st| {
        let v = st.rd(&m(mm), bytes);
        st.sg(dst, v);
    })
}

/// `lea dst, [mm]` as a case (any address: nothing is read).
fn lea_case(dst: Reg, mm: Mem<'static>) -> Case {
    let bytes = dst.size() as usize;
    Case::new(ins("lea", &[r(dst), m(mm)]), move |st| {
        // 32-bit address registers give a 32-bit address.
        let a32 = mm
            .base
            .or(mm.index)
            .is_some_and(|b| b.class() == RegClass::Gp32);
        let mut a = st.ea(&mm);
        if a32 {
            a &= 0xffff_ffff;
        }
        st.sg(dst, a & mask(bytes));
    })
    .manual_mem()
}

#[test]
fn addressing() {
    let mut g = Group::new("addressing", 6);
    let all: Vec<Reg> = (0..16u8).filter(|&n| n != 4).map(|n| gp(8, n)).collect();
    // Every base alone (rbp and r13 need a zero disp8, r12 a SIB byte),
    // with disp8 and disp32, loads and read-modify-writes.
    for &b in &all {
        g.at("for &b in &all {");
        let d = pick_gp(&mut g.rng, 8, &[b.num()], false, false);
        let c = load_case(d, mb(b, 0));
        g.add(c);
        let d8 = g.rng.range(-128, 128);
        let d32 = g.rng.range(-3000, 3000);
        let d = pick_gp(&mut g.rng, 8, &[b.num()], false, false);
        let c = load_case(d, mb(b, d8));
        g.add(c);
        let s = pick_gp(&mut g.rng, 4, &[b.num()], false, false);
        alu_case(&mut g, "add", 4, m(mb(b, d32)), r(s));
    }
    // Every index with every scale, bases including rbp/r13/r12.
    for &x in &all {
        g.at("for &x in &all {");
        for scale in [1u8, 2, 4, 8] {
            let b = pick_gp(&mut g.rng, 8, &[x.num()], false, false);
            let b = if g.rng.below(3) == 0 {
                g.rng.pick(&[rbp, r13, r12])
            } else {
                b
            };
            if b == x {
                continue;
            }
            let disp = match g.rng.below(3) {
                0 => 0,
                1 => g.rng.range(-128, 128),
                _ => g.rng.range(-2000, 2000),
            };
            let d = pick_gp(&mut g.rng, 8, &[], false, false);
            let c = load_case(d, mbi(b, x, scale, disp));
            g.add(c);
        }
    }
    // Displacements at the disp8 boundaries.
    for disp in [127, 128, -128, -129, 0x2fff, -0x3000] {
        g.at("for disp in [127, 128, -128, -129, 0x2fff, -0x3000] {");
        let c = load_case(r11, mbi(r13, rcx, 2, disp));
        g.add(c);
        let c = load_case(edx, mb(rbp, disp));
        g.add(c);
    }
    // Displacement size hints and segment overrides (no-ops in 64-bit mode
    // for cs, ds, es and ss).
    for (mm, d) in [
        (mb(rbx, 8).disp_size(DispSize::Dword), rax),
        (mbi(r12, r9, 4, 0).disp_size(DispSize::Byte), r10),
        (mb(r13, -64).disp_size(DispSize::Dword), esi),
        (mb(rbp, 0).disp_size(DispSize::Dword), r8),
        (mbi(rcx, rdx, 2, 24).seg(ss), rdi),
        (mb(r15, 1).seg(ds), r11d),
        (mb(rsi, 0).seg(es), rbx),
        (mbi(rax, r14, 8, -8).seg(cs), r9),
    ] {
        let c = load_case(d, mm);
        g.add(c);
    }
    // No base: [index*scale + disp32] (the index register holds the address).
    for (x, scale, disp) in [
        (rcx, 8u8, 0x1000i64),
        (r13, 4, -0x2000),
        (rbp, 1, 0x40),
        (r9, 2, 0),
    ] {
        g.at("for (x, scale, disp) in [");
        let mm = Mem::EMPTY.index(x, scale).disp(disp);
        g.add(load_case(rax, mm).manual_mem().setup(move |st, rng| {
            let target = st.membase as i64 + 8 * rng.range(64, 512) - disp;
            st.sg(x, (target / scale as i64) as u64);
        }));
    }
    // lea: 64-, 32- and 16-bit results, 32-bit addresses, absolute addresses.
    for i in 0..24 {
        g.at("for i in 0..24 {");
        let rng = &mut g.rng;
        let b = pick_gp(rng, 8, &[], false, false);
        let x = pick_gp(rng, 8, &[], false, false);
        let disp = match i % 3 {
            0 => rng.range(-128, 128),
            1 => rng.next() as i32 as i64,
            _ => 0,
        };
        let scale = rng.pick(&[1u8, 2, 4, 8]);
        let dbytes = [8, 4, 2][i % 3];
        let d = pick_gp(rng, dbytes, &[], false, false);
        let a32 = i % 4 == 3;
        let (bb, xx) = if a32 {
            (gp(4, b.num()), gp(4, x.num()))
        } else {
            (b, x)
        };
        let mm = match i % 6 {
            0 => mb(bb, disp),
            1 => Mem::EMPTY.index(xx, scale).disp(disp),
            _ => mbi(bb, xx, scale, disp),
        };
        g.add(lea_case(d, mm));
    }
    g.add(lea_case(rax, Mem::abs(0x1234_5678)));
    g.add(lea_case(r14, Mem::abs(-0x100)));
    // The stack pointer as a base: values pushed, read or written through
    // [rsp…], popped.
    let push2 = || {
        vec![
            (ins("push", &[r(rcx)]), false),
            (ins("push", &[r(rbx)]), false),
        ]
    };
    let drop2 = || (ins("lea", &[r(rsp), m(mb(rsp, 16))]), false);
    for (dst, disp, from_rcx) in [(rdx, 8i64, true), (r10, 0, false), (r12d, 8, true)] {
        g.at(
            "for (dst, disp, from_rcx) in [(rdx, 8i64, true), (r10, 0, false), (r12d, 8, true)] {",
        );
        let mut body = push2();
        body.push((ins("mov", &[r(dst), m(mb(rsp, disp))]), true));
        body.push(drop2());
        g.add(Case::seq(body, move |st| {
            let v = if from_rcx { st.gp[1] } else { st.gp[3] };
            st.sg(dst, v & mask(dst.size() as usize));
        }));
    }
    {
        // add r9d, [rsp + rsi*8] with rsi 0 or 1, flags.
        let mut body = push2();
        body.push((ins("add", &[r(r9d), m(mbi(rsp, rsi, 8, 0))]), true));
        body.push(drop2());
        g.add(
            Case::seq(body, move |st| {
                let v = if st.gp[6] == 0 { st.gp[3] } else { st.gp[1] };
                let (res, f, _) = alu("add", 4, st.gp[9] & 0xffff_ffff, v & 0xffff_ffff, st.flags);
                st.sg(r9d, res);
                st.set_flags(ARITH, f);
            })
            .manual_mem()
            .setup(|st, rng| st.gp[6] = rng.below(2) as u64),
        );
        // mov [rsp + 8], r11; pop rbx; pop rcx
        let mut body = push2();
        body.push((ins("mov", &[m(mb(rsp, 8)), r(r11)]), true));
        body.push((ins("pop", &[r(rbx)]), false));
        body.push((ins("pop", &[r(rcx)]), false));
        g.add(Case::seq(body, |st| st.gp[1] = st.gp[11]));
        // sub qword [rsp], imm: flags and the popped value.
        let mut body = push2();
        body.push((ins("sub", &[m(mb(rsp, 0).sized(8)), im(-77)]), true));
        body.push((ins("pop", &[r(rbx)]), false));
        body.push((ins("pop", &[r(rcx)]), false));
        g.add(Case::seq(body, |st| {
            let (res, f, _) = alu("sub", 8, st.gp[3], -77i64 as u64, st.flags);
            st.gp[3] = res;
            st.set_flags(ARITH, f);
        }));
    }
    // rip-relative: data placed after the code; instructions with an
    // immediate after the displacement (the displacement counts from the
    // end of the instruction).
    let mut data = vec![0u8; 128];
    g.rng.fill(&mut data);
    let d = Rc::new(data.clone());
    let q = move |d: &[u8], at: usize, n: usize| {
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&d[at..at + n]);
        u64::from_le_bytes(b)
    };
    {
        let d = d.clone();
        g.add(
            Case::new(ins("mov", &[r(rax), m(mrip(8))]), move |st| {
                st.gp[0] = q(&d, 8, 8)
            })
            .data(data.clone()),
        );
    }
    {
        let d = d.clone();
        g.add(
            Case::new(ins("add", &[r(r13d), m(mrip(20))]), move |st| {
                let (res, f, _) = alu("add", 4, st.gp[13] & 0xffff_ffff, q(&d, 20, 4), st.flags);
                st.sg(r13d, res);
                st.set_flags(ARITH, f);
            })
            .data(data.clone()),
        );
    }
    for (bytes, at, imm) in [
        (4usize, 4usize, 0x1234_5678i64),
        (1, 1, 0x40),
        (2, 6, -3),
        (8, 16, -0x7000_0000),
    ] {
        g.at("for (bytes, at, imm) in [");
        let d = d.clone();
        g.add(
            Case::new(
                ins("cmp", &[m(mrip(at as i64).sized(bytes as u16)), im(imm)]),
                move |st| {
                    let (_, f, _) = alu(
                        "cmp",
                        bytes,
                        q(&d, at, bytes),
                        imm as u64 & mask(bytes),
                        st.flags,
                    );
                    st.set_flags(ARITH, f);
                },
            )
            .data(data.clone()),
        );
    }
    for (imm, at) in [(1000i64, 8usize), (-5, 12)] {
        g.at("for (imm, at) in [(1000i64, 8usize), (-5, 12)] {");
        let d = d.clone();
        g.add(
            Case::new(
                ins("imul", &[r(r11d), m(mrip(at as i64)), im(imm)]),
                move |st| {
                    let p = sext(q(&d, at, 4), 4) as i64 as i128 * imm as i128;
                    st.sg(r11d, p as u64 & 0xffff_ffff);
                    let fits = p as i32 as i128 == p;
                    st.set_flags(CF | OF, if fits { 0 } else { CF | OF });
                },
            )
            .flags(CF | OF)
            .data(data.clone()),
        );
    }
    {
        let d = d.clone();
        g.add(
            Case::new(ins("bt", &[m(mrip(32).sized(4)), im(13)]), move |st| {
                let bit = q(&d, 32, 4) >> 13 & 1;
                st.set_flags(CF, if bit != 0 { CF } else { 0 });
            })
            .flags(CF)
            .iters(16)
            .data(data.clone()),
        );
        let d = Rc::new(data.clone());
        g.add(
            Case::new(ins("movzx", &[r(ecx), m(mrip(6).sized(2))]), move |st| {
                st.gp[1] = q(&d, 6, 2)
            })
            .data(data.clone()),
        );
    }
    {
        // The data is 64-byte aligned: legacy SSE may use it.
        let d = d.clone();
        g.add(
            Case::new(
                ins("pshufd", &[r(xmm9), m(mrip(16)), im(0x1b)]),
                move |st| {
                    let mut v = st.v[9];
                    for i in 0..4 {
                        v[4 * i..4 * i + 4]
                            .copy_from_slice(&d[16 + 4 * (3 - i)..16 + 4 * (3 - i) + 4]);
                    }
                    st.v[9] = v;
                },
            )
            .data(data.clone()),
        );
    }
    g.run();
}

// ---------------------------------------------------------------------------
// Vector lanes.

trait Lane: Copy + 'static {
    const N: usize;
    fn get(b: &[u8], i: usize) -> Self;
    fn put(self, b: &mut [u8], i: usize);
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const N: usize = std::mem::size_of::<$t>();
            fn get(b: &[u8], i: usize) -> Self {
                <$t>::from_le_bytes(b[i * Self::N..(i + 1) * Self::N].try_into().unwrap())
            }
            fn put(self, b: &mut [u8], i: usize) {
                b[i * Self::N..(i + 1) * Self::N].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
lane!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

/// `f` on each lane of `a` (output lanes of `w` bytes; input lane i for output lane i).
fn map1<T: Lane, U: Lane>(a: &V, w: usize, f: impl Fn(T) -> U) -> V {
    let mut r = [0u8; 64];
    for i in 0..w / U::N {
        f(T::get(a, i)).put(&mut r, i);
    }
    r
}

fn map2<T: Lane>(a: &V, b: &V, w: usize, f: impl Fn(T, T) -> T) -> V {
    let mut r = [0u8; 64];
    for i in 0..w / T::N {
        f(T::get(a, i), T::get(b, i)).put(&mut r, i);
    }
    r
}

fn map3<T: Lane>(a: &V, b: &V, c: &V, w: usize, f: impl Fn(T, T, T) -> T) -> V {
    let mut r = [0u8; 64];
    for i in 0..w / T::N {
        f(T::get(a, i), T::get(b, i), T::get(c, i)).put(&mut r, i);
    }
    r
}

fn sat8(x: i32) -> i8 {
    x.clamp(-128, 127) as i8
}
fn satu8(x: i32) -> u8 {
    x.clamp(0, 255) as u8
}
fn sat16(x: i32) -> i16 {
    x.clamp(-32768, 32767) as i16
}
fn satu16(x: i32) -> u16 {
    x.clamp(0, 65535) as u16
}

/// x86 float-to-integer conversion: out-of-range values give the "integer
/// indefinite" (the most negative integer).
fn cvt_i32(x: f64) -> i32 {
    if !(-2147483648.0..2147483648.0).contains(&x) {
        i32::MIN
    } else {
        x as i32
    }
}
fn cvt_i64(x: f64) -> i64 {
    // ±2^63
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Carry-less 64×64 multiplication.
fn clmul(a: u64, b: u64) -> u128 {
    let mut r = 0u128;
    for i in 0..64 {
        if b >> i & 1 != 0 {
            r ^= (a as u128) << i;
        }
    }
    r
}

fn init_f32(b: &mut [u8], rng: &mut Rng) {
    for c in b.chunks_mut(4) {
        c.copy_from_slice(&rng.f32().to_le_bytes());
    }
}
fn init_f32_pos(b: &mut [u8], rng: &mut Rng) {
    for c in b.chunks_mut(4) {
        c.copy_from_slice(&rng.f32().abs().to_le_bytes());
    }
}
fn init_f64(b: &mut [u8], rng: &mut Rng) {
    for c in b.chunks_mut(8) {
        c.copy_from_slice(&rng.f64().to_le_bytes());
    }
}
fn init_f64_pos(b: &mut [u8], rng: &mut Rng) {
    for c in b.chunks_mut(8) {
        c.copy_from_slice(&rng.f64().abs().to_le_bytes());
    }
}
/// Shift counts: every lane of `N` bytes mostly small.
fn init_counts<const N: usize>(b: &mut [u8], rng: &mut Rng) {
    for c in b.chunks_mut(N) {
        let v = if rng.below(4) == 0 {
            rng.next()
        } else {
            rng.range(0, 8 * N as i64 + 3) as u64
        };
        c.copy_from_slice(&v.to_le_bytes()[..N]);
    }
}

// ---------------------------------------------------------------------------
// Vector operations described once, run as SSE, VEX and EVEX forms.

struct VArgs {
    /// The sources in order (legacy SSE two-operand forms: the destination, then the source).
    s: Vec<V>,
    /// The destination before the instruction.
    d: V,
    /// Vector width in bytes.
    w: usize,
    imm: u8,
}

type VF = Rc<dyn Fn(&VArgs) -> V>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Enc {
    Sse,
    Vex,
    Evex,
}

/// The width of the r/m source.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RmW {
    Full,
    /// The vector width divided by this (`pmovzxbd`: 4).
    Div(usize),
    /// A fixed number of bytes, a register being an xmm register.
    Fixed(usize),
    /// `movddup`: 8 bytes for xmm, the full width otherwise.
    Dup,
}

impl RmW {
    fn bytes(self, w: usize) -> usize {
        match self {
            RmW::Full => w,
            RmW::Div(n) => w / n,
            RmW::Fixed(n) => n,
            RmW::Dup => {
                if w == 16 {
                    8
                } else {
                    w
                }
            }
        }
    }
}

#[derive(Clone)]
struct VOp {
    sse: Option<&'static str>,
    vex: Option<&'static str>,
    evex: Option<&'static str>,
    vex128: bool,
    vex256: bool,
    evex_vl: bool,
    /// Element size of masks.
    esz: usize,
    /// Element size of broadcasts.
    bsz: usize,
    bcst: bool,
    /// EVEX also has a 128-bit form (with `evex_vl`).
    evex128: bool,
    nomask: bool,
    /// Masks apply to element 0 only (scalar instructions).
    scalar: bool,
    /// Vector sources in the VEX/EVEX form.
    nsrc: usize,
    /// The last source is memory only (`vbroadcasti32x4`).
    mem_only: bool,
    /// The legacy SSE form has no source: `psllw xmm, imm`.
    inplace: bool,
    imm: Option<u8>,
    rm: RmW,
    init: Option<fn(&mut [u8], &mut Rng)>,
    f: VF,
}

fn vop(esz: usize, f: impl Fn(&VArgs) -> V + 'static) -> VOp {
    VOp {
        sse: None,
        vex: None,
        evex: None,
        vex128: false,
        vex256: false,
        evex_vl: false,
        esz,
        bsz: esz,
        bcst: false,
        evex128: true,
        nomask: false,
        scalar: false,
        nsrc: 2,
        mem_only: false,
        inplace: false,
        imm: None,
        rm: RmW::Full,
        init: None,
        f: Rc::new(f),
    }
}

impl VOp {
    fn sse(mut self, name: &'static str, have: bool) -> Self {
        if have {
            self.sse = Some(name);
        }
        self
    }
    /// A VEX form: 128-bit if `x`, 256-bit if `y`.
    fn vex(mut self, name: &'static str, x: bool, y: bool) -> Self {
        if x || y {
            self.vex = Some(name);
            self.vex128 = x;
            self.vex256 = y;
        }
        self
    }
    /// An EVEX form: 512-bit if `z`, 128/256-bit too if `vl`.
    fn evex(mut self, name: &'static str, z: bool, vl: bool) -> Self {
        if z {
            self.evex = Some(name);
            self.evex_vl = vl;
        }
        self
    }
    fn bcst(mut self) -> Self {
        self.bcst = true;
        self
    }
    /// Broadcasts of `n`-byte elements (masks of `esz`).
    fn bcst_of(mut self, n: usize) -> Self {
        self.bcst = true;
        self.bsz = n;
        self
    }
    /// No 128-bit EVEX form.
    fn no128(mut self) -> Self {
        self.evex128 = false;
        self
    }
    fn nomask(mut self) -> Self {
        self.nomask = true;
        self
    }
    fn scalar(mut self) -> Self {
        self.scalar = true;
        self
    }
    fn unary(mut self) -> Self {
        self.nsrc = 1;
        self
    }
    fn mem_only(mut self) -> Self {
        self.mem_only = true;
        self
    }
    fn inplace(mut self) -> Self {
        self.inplace = true;
        self
    }
    fn imm(mut self, v: u8) -> Self {
        self.imm = Some(v);
        self
    }
    fn rm(mut self, rm: RmW) -> Self {
        self.rm = rm;
        self
    }
    fn init(mut self, f: fn(&mut [u8], &mut Rng)) -> Self {
        self.init = Some(f);
        self
    }
}

/// The vector register `n` of width `w` bytes.
fn vreg(w: usize, n: u8) -> Reg {
    let class = match w {
        0..=16 => RegClass::Xmm,
        17..=32 => RegClass::Ymm,
        _ => RegClass::Zmm,
    };
    Reg::new(class, n).unwrap()
}

/// A memory operand for a vector access of `n` bytes: for EVEX the
/// displacement is mostly a multiple of `n` (disp8*N), sometimes just out of
/// disp8 reach; legacy SSE operands are 16-byte aligned.
fn pick_vmem(rng: &mut Rng, enc: Enc, n: usize) -> Mem<'static> {
    let b = pick_gp(rng, 8, &[], false, false);
    let n = n as i64;
    let disp = match enc {
        Enc::Sse => 16 * rng.range(-32, 32),
        Enc::Vex => 8 * rng.range(-37, 37),
        Enc::Evex => match rng.below(6) {
            0 => 0,
            1 => n * 127,
            2 => -n * 128,
            3 => n * 128,
            // Not a multiple of N (but of 8, as the data's elements are).
            4 if n >= 16 => n * rng.range(-4, 4) + 8,
            4 => n * rng.range(129, 200),
            _ => n * rng.range(-8, 8),
        },
    };
    if rng.below(3) == 0 {
        let x = pick_gp(rng, 8, &[b.num()], false, false);
        mbi(b, x, rng.pick(&[1, 2, 4, 8]), disp)
    } else {
        mb(b, disp)
    }
}

/// One instance of `op`: `enc` form of width `w`, destination `dst`, the
/// given sources (registers or memory), mask and zeroing.
#[allow(clippy::too_many_arguments)]
fn vcase(
    g: &mut Group,
    op: &VOp,
    enc: Enc,
    mn: &'static str,
    w: usize,
    dst: Reg,
    srcs: Vec<Operand<'static>>,
    k: Option<Reg>,
    z: bool,
) {
    let mut ops = vec![r(dst)];
    ops.extend(srcs.iter().copied());
    if let Some(v) = op.imm {
        ops.push(im(v as i64));
    }
    let insn = ins(mn, &ops).k(k).z(z);
    let f = op.f.clone();
    let (esz, rm, imm, scalar) = (op.esz, op.rm, op.imm.unwrap_or(0), op.scalar);
    let two_op_sse = enc == Enc::Sse && (op.nsrc == 2 || op.inplace);
    let mut c = Case::new(insn, move |st| {
        let old = st.v[dst.num() as usize];
        let mut s = Vec::new();
        if two_op_sse {
            s.push(old);
        }
        for (i, o) in srcs.iter().enumerate() {
            let ww = if i + 1 == srcs.len() { rm.bytes(w) } else { w };
            s.push(st.vrd(o, ww));
        }
        let mut res = f(&VArgs { s, d: old, w, imm });
        if let Some(k) = k {
            let kv = st.kreg(k);
            let n = if scalar { 1 } else { w / esz };
            for e in 0..n {
                if kv >> e & 1 == 0 {
                    let span = e * esz..(e + 1) * esz;
                    if z {
                        res[span].fill(0);
                    } else {
                        res[span.clone()].copy_from_slice(&old[span]);
                    }
                }
            }
        }
        st.vset(dst, &res, w, enc != Enc::Sse);
    });
    if let Some(init) = op.init {
        c = c.setup(move |st, rng| {
            for v in st.v.iter_mut() {
                init(v, rng);
            }
            init(&mut st.mem, rng);
        });
    }
    c = c.align(if enc == Enc::Sse { 16 } else { 8 });
    g.add(c);
}

/// The standard instances of `op` in encoding `enc`.
fn vop_cases(g: &mut Group, op: &VOp, enc: Enc) {
    let mn = match enc {
        Enc::Sse => op.sse,
        Enc::Vex => op.vex,
        Enc::Evex => op.evex,
    };
    let Some(mn) = mn else { return };
    g.at(&format!("{mn} {enc:?}"));
    let nreg = if enc == Enc::Evex { 32 } else { 16 };
    let nsrc = if enc == Enc::Sse && op.inplace {
        0
    } else if enc == Enc::Sse {
        1
    } else {
        op.nsrc
    };
    // (width, use memory, mask, zeroing, broadcast, high registers)
    let mut shapes: Vec<(usize, bool, bool, bool, bool, bool)> = Vec::new();
    match enc {
        Enc::Sse => {
            shapes.push((16, false, false, false, false, false));
            if nsrc > 0 {
                shapes.push((16, true, false, false, false, false));
            }
        }
        Enc::Vex => {
            for w in [16, 32] {
                if (w == 16 && op.vex128) || (w == 32 && op.vex256) {
                    shapes.push((w, false, false, false, false, false));
                    shapes.push((w, true, false, false, false, false));
                }
            }
        }
        Enc::Evex if op.scalar => {
            shapes.push((16, false, false, false, false, true));
            shapes.push((16, true, false, false, false, false));
            shapes.push((16, false, true, false, false, true));
            shapes.push((16, true, true, true, false, true));
        }
        Enc::Evex => {
            let mk = !op.nomask;
            shapes.push((64, false, false, false, false, true));
            shapes.push((64, true, false, false, false, false));
            if mk {
                shapes.push((64, false, true, false, false, true));
                shapes.push((64, true, true, true, false, false));
            }
            if op.bcst {
                shapes.push((64, true, mk, false, true, true));
            }
            if op.evex_vl {
                if op.evex128 {
                    shapes.push((16, false, mk, mk, false, true));
                }
                shapes.push((32, true, mk, false, op.bcst, true));
            }
        }
    }
    for (w, mem, mk, z, bc, high) in shapes {
        let rng = &mut g.rng;
        // Distinct registers (an instruction on one register twice may
        // change nothing).
        let mut used = Vec::new();
        let mut pick = |rng: &mut Rng| loop {
            let n = if high && rng.below(2) == 0 {
                16 + rng.below(16) as u8
            } else {
                rng.below(nreg) as u8
            };
            if !used.contains(&n) {
                used.push(n);
                break n;
            }
        };
        let dst = vreg(w, pick(rng));
        let rmw = op.rm.bytes(w);
        let mut srcs = Vec::new();
        for i in 0..nsrc {
            let last = i + 1 == nsrc;
            if last && (mem || op.mem_only) {
                let mm = if bc {
                    let n = (rmw / op.bsz) as u8;
                    pick_vmem(rng, enc, op.bsz).sized(op.bsz as u16).bcst(n)
                } else {
                    pick_vmem(rng, enc, rmw).sized(rmw as u16)
                };
                srcs.push(m(mm));
            } else {
                let ww = if last { rmw.max(16) } else { w };
                srcs.push(r(vreg(ww, pick(rng))));
            }
        }
        let k = if mk {
            Some(Reg::new(RegClass::K, rng.range(1, 8) as u8).unwrap())
        } else {
            None
        };
        vcase(g, op, enc, mn, w, dst, srcs, k, z);
    }
}

/// A lanewise binary operation on `T` lanes.
fn ib<T: Lane>(esz: usize, f: fn(T, T) -> T) -> VOp {
    vop(esz, move |a| map2::<T>(&a.s[0], &a.s[1], a.w, f))
}

/// A lanewise unary operation from `T` lanes to `U` lanes.
fn iu<T: Lane, U: Lane>(esz: usize, f: fn(T) -> U) -> VOp {
    vop(esz, move |a| map1::<T, U>(&a.s[0], a.w, f)).unary()
}

/// An operation on each 128-bit block: `f(a, b, block offset, imm, result)`.
fn blk(esz: usize, f: fn(&V, &V, usize, u8, &mut V)) -> VOp {
    vop(esz, move |a| {
        let mut r = [0u8; 64];
        let b = a.s.get(1).copied().unwrap_or(a.s[0]);
        for o in (0..a.w).step_by(16) {
            f(&a.s[0], &b, o, a.imm, &mut r);
        }
        r
    })
}

/// A scalar operation on lane 0 of `T`, the other lanes from the first source.
fn scal<T: Lane>(f: fn(T, T) -> T) -> VOp {
    vop(T::N, move |a| {
        let mut r = a.s[0];
        f(T::get(&a.s[0], 0), T::get(&a.s[1], 0)).put(&mut r, 0);
        r
    })
    .scalar()
    .rm(RmW::Fixed(T::N))
}

/// Elements of `e` bytes of `v` at `o`.
fn el(v: &V, o: usize, e: usize) -> &[u8] {
    &v[o..o + e]
}

fn unpack(e: usize, high: bool) -> VOp {
    let f = move |a: &VArgs| {
        let mut r = [0u8; 64];
        let n = 16 / e;
        for o in (0..a.w).step_by(16) {
            let off = if high { n / 2 } else { 0 };
            for i in 0..n / 2 {
                r[o + 2 * i * e..][..e].copy_from_slice(el(&a.s[0], o + (i + off) * e, e));
                r[o + (2 * i + 1) * e..][..e].copy_from_slice(el(&a.s[1], o + (i + off) * e, e));
            }
        }
        r
    };
    vop(e, f)
}

/// The vector operations of SSE…AVX-512 as one table.
fn vops(c: &Cpu) -> Vec<VOp> {
    let (avx, avx2, f) = (c.avx, c.avx2, c.avx512f);
    let bw = f && c.avx512bw;
    let dq = f && c.avx512dq;
    let vl = c.avx512vl;
    let (ss3, s41, s42) = (c.ssse3, c.sse41, c.sse42);
    let mut v: Vec<VOp> = Vec::new();

    // Integer arithmetic.
    v.push(
        ib::<u8>(1, u8::wrapping_add)
            .sse("paddb", true)
            .vex("vpaddb", avx, avx2)
            .evex("vpaddb", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::wrapping_add)
            .sse("paddw", true)
            .vex("vpaddw", avx, avx2)
            .evex("vpaddw", bw, vl),
    );
    v.push(
        ib::<u32>(4, u32::wrapping_add)
            .sse("paddd", true)
            .vex("vpaddd", avx, avx2)
            .evex("vpaddd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, u64::wrapping_add)
            .sse("paddq", true)
            .vex("vpaddq", avx, avx2)
            .evex("vpaddq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u8>(1, u8::wrapping_sub)
            .sse("psubb", true)
            .vex("vpsubb", avx, avx2)
            .evex("vpsubb", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::wrapping_sub)
            .sse("psubw", true)
            .vex("vpsubw", avx, avx2)
            .evex("vpsubw", bw, vl),
    );
    v.push(
        ib::<u32>(4, u32::wrapping_sub)
            .sse("psubd", true)
            .vex("vpsubd", avx, avx2)
            .evex("vpsubd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, u64::wrapping_sub)
            .sse("psubq", true)
            .vex("vpsubq", avx, avx2)
            .evex("vpsubq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i8>(1, i8::saturating_add)
            .sse("paddsb", true)
            .vex("vpaddsb", avx, avx2)
            .evex("vpaddsb", bw, vl),
    );
    v.push(
        ib::<i16>(2, i16::saturating_add)
            .sse("paddsw", true)
            .vex("vpaddsw", avx, avx2)
            .evex("vpaddsw", bw, vl),
    );
    v.push(
        ib::<u8>(1, u8::saturating_add)
            .sse("paddusb", true)
            .vex("vpaddusb", avx, avx2)
            .evex("vpaddusb", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::saturating_add)
            .sse("paddusw", true)
            .vex("vpaddusw", avx, avx2)
            .evex("vpaddusw", bw, vl),
    );
    v.push(
        ib::<i8>(1, i8::saturating_sub)
            .sse("psubsb", true)
            .vex("vpsubsb", avx, avx2)
            .evex("vpsubsb", bw, vl),
    );
    v.push(
        ib::<i16>(2, i16::saturating_sub)
            .sse("psubsw", true)
            .vex("vpsubsw", avx, avx2)
            .evex("vpsubsw", bw, vl),
    );
    v.push(
        ib::<u8>(1, u8::saturating_sub)
            .sse("psubusb", true)
            .vex("vpsubusb", avx, avx2)
            .evex("vpsubusb", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::saturating_sub)
            .sse("psubusw", true)
            .vex("vpsubusw", avx, avx2)
            .evex("vpsubusw", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::wrapping_mul)
            .sse("pmullw", true)
            .vex("vpmullw", avx, avx2)
            .evex("vpmullw", bw, vl),
    );
    v.push(
        ib::<i16>(2, |a, b| ((a as i32 * b as i32) >> 16) as i16)
            .sse("pmulhw", true)
            .vex("vpmulhw", avx, avx2)
            .evex("vpmulhw", bw, vl),
    );
    v.push(
        ib::<u16>(2, |a, b| ((a as u32 * b as u32) >> 16) as u16)
            .sse("pmulhuw", true)
            .vex("vpmulhuw", avx, avx2)
            .evex("vpmulhuw", bw, vl),
    );
    v.push(
        ib::<i16>(2, |a, b| ((((a as i32 * b as i32) >> 14) + 1) >> 1) as i16)
            .sse("pmulhrsw", ss3)
            .vex("vpmulhrsw", avx, avx2)
            .evex("vpmulhrsw", bw, vl),
    );
    v.push(
        ib::<u32>(4, u32::wrapping_mul)
            .sse("pmulld", s41)
            .vex("vpmulld", avx, avx2)
            .evex("vpmulld", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, b| (a as u32 as u64) * (b as u32 as u64))
            .sse("pmuludq", true)
            .vex("vpmuludq", avx, avx2)
            .evex("vpmuludq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i64>(8, |a, b| (a as i32 as i64) * (b as i32 as i64))
            .sse("pmuldq", s41)
            .vex("vpmuldq", avx, avx2)
            .evex("vpmuldq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, b| a.wrapping_mul(b))
            .evex("vpmullq", dq, vl)
            .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let p = |v: &V, j| i16::get(v, 2 * i + j) as i32;
                let s = (p(&a.s[0], 0) * p(&a.s[1], 0)).wrapping_add(p(&a.s[0], 1) * p(&a.s[1], 1));
                s.put(&mut r, i);
            }
            r
        })
        .sse("pmaddwd", true)
        .vex("vpmaddwd", avx, avx2)
        .evex("vpmaddwd", bw, vl),
    );
    v.push(
        vop(2, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 2 {
                let p = |j| u8::get(&a.s[0], 2 * i + j) as i32 * i8::get(&a.s[1], 2 * i + j) as i32;
                sat16(p(0) + p(1)).put(&mut r, i);
            }
            r
        })
        .sse("pmaddubsw", ss3)
        .vex("vpmaddubsw", avx, avx2)
        .evex("vpmaddubsw", bw, vl),
    );
    v.push(
        ib::<u8>(1, |a, b| ((a as u16 + b as u16 + 1) >> 1) as u8)
            .sse("pavgb", true)
            .vex("vpavgb", avx, avx2)
            .evex("vpavgb", bw, vl),
    );
    v.push(
        ib::<u16>(2, |a, b| ((a as u32 + b as u32 + 1) >> 1) as u16)
            .sse("pavgw", true)
            .vex("vpavgw", avx, avx2)
            .evex("vpavgw", bw, vl),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                let s: u64 = (0..8)
                    .map(|j| {
                        (a.s[0][8 * i + j] as i32 - a.s[1][8 * i + j] as i32).unsigned_abs() as u64
                    })
                    .sum();
                s.put(&mut r, i);
            }
            r
        })
        .sse("psadbw", true)
        .vex("vpsadbw", avx, avx2)
        .evex("vpsadbw", bw, vl)
        .nomask(),
    );
    // Minimum, maximum, comparisons.
    v.push(
        ib::<u8>(1, u8::min)
            .sse("pminub", true)
            .vex("vpminub", avx, avx2)
            .evex("vpminub", bw, vl),
    );
    v.push(
        ib::<u8>(1, u8::max)
            .sse("pmaxub", true)
            .vex("vpmaxub", avx, avx2)
            .evex("vpmaxub", bw, vl),
    );
    v.push(
        ib::<i16>(2, i16::min)
            .sse("pminsw", true)
            .vex("vpminsw", avx, avx2)
            .evex("vpminsw", bw, vl),
    );
    v.push(
        ib::<i16>(2, i16::max)
            .sse("pmaxsw", true)
            .vex("vpmaxsw", avx, avx2)
            .evex("vpmaxsw", bw, vl),
    );
    v.push(
        ib::<i8>(1, i8::min)
            .sse("pminsb", s41)
            .vex("vpminsb", avx, avx2)
            .evex("vpminsb", bw, vl),
    );
    v.push(
        ib::<i8>(1, i8::max)
            .sse("pmaxsb", s41)
            .vex("vpmaxsb", avx, avx2)
            .evex("vpmaxsb", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::min)
            .sse("pminuw", s41)
            .vex("vpminuw", avx, avx2)
            .evex("vpminuw", bw, vl),
    );
    v.push(
        ib::<u16>(2, u16::max)
            .sse("pmaxuw", s41)
            .vex("vpmaxuw", avx, avx2)
            .evex("vpmaxuw", bw, vl),
    );
    v.push(
        ib::<i32>(4, i32::min)
            .sse("pminsd", s41)
            .vex("vpminsd", avx, avx2)
            .evex("vpminsd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i32>(4, i32::max)
            .sse("pmaxsd", s41)
            .vex("vpmaxsd", avx, avx2)
            .evex("vpmaxsd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, u32::min)
            .sse("pminud", s41)
            .vex("vpminud", avx, avx2)
            .evex("vpminud", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, u32::max)
            .sse("pmaxud", s41)
            .vex("vpmaxud", avx, avx2)
            .evex("vpmaxud", f, vl)
            .bcst(),
    );
    v.push(ib::<i64>(8, i64::min).evex("vpminsq", f, vl).bcst());
    v.push(ib::<i64>(8, i64::max).evex("vpmaxsq", f, vl).bcst());
    v.push(ib::<u64>(8, u64::min).evex("vpminuq", f, vl).bcst());
    v.push(ib::<u64>(8, u64::max).evex("vpmaxuq", f, vl).bcst());
    v.push(
        ib::<u8>(1, |a, b| if a == b { !0 } else { 0 })
            .sse("pcmpeqb", true)
            .vex("vpcmpeqb", avx, avx2),
    );
    v.push(
        ib::<u16>(2, |a, b| if a == b { !0 } else { 0 })
            .sse("pcmpeqw", true)
            .vex("vpcmpeqw", avx, avx2),
    );
    v.push(
        ib::<u32>(4, |a, b| if a == b { !0 } else { 0 })
            .sse("pcmpeqd", true)
            .vex("vpcmpeqd", avx, avx2)
            .init(init_counts::<4>),
    );
    v.push(
        ib::<u64>(8, |a, b| if a == b { !0 } else { 0 })
            .sse("pcmpeqq", s41)
            .vex("vpcmpeqq", avx, avx2)
            .init(init_counts::<8>),
    );
    v.push(
        ib::<i8>(1, |a, b| if a > b { -1 } else { 0 })
            .sse("pcmpgtb", true)
            .vex("vpcmpgtb", avx, avx2),
    );
    v.push(
        ib::<i16>(2, |a, b| if a > b { -1 } else { 0 })
            .sse("pcmpgtw", true)
            .vex("vpcmpgtw", avx, avx2),
    );
    v.push(
        ib::<i32>(4, |a, b| if a > b { -1 } else { 0 })
            .sse("pcmpgtd", true)
            .vex("vpcmpgtd", avx, avx2),
    );
    v.push(
        ib::<i64>(8, |a, b| if a > b { -1 } else { 0 })
            .sse("pcmpgtq", s42)
            .vex("vpcmpgtq", avx, avx2),
    );
    // Logic.
    v.push(
        ib::<u64>(8, |a, b| a & b)
            .sse("pand", true)
            .vex("vpand", avx, avx2),
    );
    v.push(
        ib::<u64>(8, |a, b| !a & b)
            .sse("pandn", true)
            .vex("vpandn", avx, avx2),
    );
    v.push(
        ib::<u64>(8, |a, b| a | b)
            .sse("por", true)
            .vex("vpor", avx, avx2),
    );
    v.push(
        ib::<u64>(8, |a, b| a ^ b)
            .sse("pxor", true)
            .vex("vpxor", avx, avx2),
    );
    v.push(ib::<u32>(4, |a, b| a & b).evex("vpandd", f, vl).bcst());
    v.push(ib::<u64>(8, |a, b| !a & b).evex("vpandnq", f, vl).bcst());
    v.push(ib::<u32>(4, |a, b| a | b).evex("vpord", f, vl).bcst());
    v.push(ib::<u64>(8, |a, b| a ^ b).evex("vpxorq", f, vl).bcst());
    v.push(
        vop(4, |a| {
            map3::<u32>(&a.d, &a.s[0], &a.s[1], a.w, |x, y, z| {
                (0..32).fold(0, |acc, i| {
                    let idx = (x >> i & 1) << 2 | (y >> i & 1) << 1 | (z >> i & 1);
                    acc | ((a.imm as u32 >> idx) & 1) << i
                })
            })
        })
        .imm(0xca)
        .evex("vpternlogd", f, vl)
        .bcst(),
    );
    v.push(
        vop(8, |a| {
            map3::<u64>(&a.d, &a.s[0], &a.s[1], a.w, |x, y, z| {
                (0..64).fold(0, |acc, i| {
                    let idx = (x >> i & 1) << 2 | (y >> i & 1) << 1 | (z >> i & 1);
                    acc | ((a.imm as u64 >> idx) & 1) << i
                })
            })
        })
        .imm(0x96)
        .evex("vpternlogq", f, vl)
        .bcst(),
    );
    // Absolute values, signs, horizontal sums.
    v.push(
        iu::<i8, i8>(1, i8::wrapping_abs)
            .sse("pabsb", ss3)
            .vex("vpabsb", avx, avx2)
            .evex("vpabsb", bw, vl),
    );
    v.push(
        iu::<i16, i16>(2, i16::wrapping_abs)
            .sse("pabsw", ss3)
            .vex("vpabsw", avx, avx2)
            .evex("vpabsw", bw, vl),
    );
    v.push(
        iu::<i32, i32>(4, i32::wrapping_abs)
            .sse("pabsd", ss3)
            .vex("vpabsd", avx, avx2)
            .evex("vpabsd", f, vl)
            .bcst(),
    );
    v.push(
        iu::<i64, i64>(8, i64::wrapping_abs)
            .evex("vpabsq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i8>(1, |a, b| {
            if b < 0 {
                a.wrapping_neg()
            } else if b == 0 {
                0
            } else {
                a
            }
        })
        .sse("psignb", ss3)
        .vex("vpsignb", avx, avx2),
    );
    v.push(
        ib::<i16>(2, |a, b| {
            if b < 0 {
                a.wrapping_neg()
            } else if b == 0 {
                0
            } else {
                a
            }
        })
        .sse("psignw", ss3)
        .vex("vpsignw", avx, avx2),
    );
    v.push(
        ib::<i32>(4, |a, b| {
            if b < 0 {
                a.wrapping_neg()
            } else if b == 0 {
                0
            } else {
                a
            }
        })
        .sse("psignd", ss3)
        .vex("vpsignd", avx, avx2),
    );
    v.push(
        blk(2, |a, b, o, _, r| {
            for i in 0..4 {
                let h = |v: &V, j: usize| {
                    u16::get(v, o / 2 + 2 * j).wrapping_add(u16::get(v, o / 2 + 2 * j + 1))
                };
                h(a, i).put(r, o / 2 + i);
                h(b, i).put(r, o / 2 + 4 + i);
            }
        })
        .sse("phaddw", ss3)
        .vex("vphaddw", avx, avx2),
    );
    v.push(
        blk(4, |a, b, o, _, r| {
            for i in 0..2 {
                let h = |v: &V, j: usize| {
                    u32::get(v, o / 4 + 2 * j).wrapping_sub(u32::get(v, o / 4 + 2 * j + 1))
                };
                h(a, i).put(r, o / 4 + i);
                h(b, i).put(r, o / 4 + 2 + i);
            }
        })
        .sse("phsubd", ss3)
        .vex("vphsubd", avx, avx2),
    );
    v.push(
        blk(2, |a, b, o, _, r| {
            for i in 0..4 {
                let h = |v: &V, j: usize| {
                    sat16(i16::get(v, o / 2 + 2 * j) as i32 + i16::get(v, o / 2 + 2 * j + 1) as i32)
                };
                h(a, i).put(r, o / 2 + i);
                h(b, i).put(r, o / 2 + 4 + i);
            }
        })
        .sse("phaddsw", ss3)
        .vex("vphaddsw", avx, avx2),
    );
    // Packs and unpacks.
    v.push(
        blk(1, |a, b, o, _, r| {
            for i in 0..8 {
                r[o + i] = sat8(i16::get(a, o / 2 + i) as i32) as u8;
                r[o + 8 + i] = sat8(i16::get(b, o / 2 + i) as i32) as u8;
            }
        })
        .sse("packsswb", true)
        .vex("vpacksswb", avx, avx2)
        .evex("vpacksswb", bw, vl),
    );
    v.push(
        blk(1, |a, b, o, _, r| {
            for i in 0..8 {
                r[o + i] = satu8(i16::get(a, o / 2 + i) as i32);
                r[o + 8 + i] = satu8(i16::get(b, o / 2 + i) as i32);
            }
        })
        .sse("packuswb", true)
        .vex("vpackuswb", avx, avx2)
        .evex("vpackuswb", bw, vl),
    );
    v.push(
        blk(2, |a, b, o, _, r| {
            for i in 0..4 {
                sat16(i32::get(a, o / 4 + i)).put(r, o / 2 + i);
                sat16(i32::get(b, o / 4 + i)).put(r, o / 2 + 4 + i);
            }
        })
        .sse("packssdw", true)
        .vex("vpackssdw", avx, avx2)
        .evex("vpackssdw", bw, vl)
        .bcst_of(4),
    );
    v.push(
        blk(2, |a, b, o, _, r| {
            for i in 0..4 {
                satu16(i32::get(a, o / 4 + i)).put(r, o / 2 + i);
                satu16(i32::get(b, o / 4 + i)).put(r, o / 2 + 4 + i);
            }
        })
        .sse("packusdw", s41)
        .vex("vpackusdw", avx, avx2)
        .evex("vpackusdw", bw, vl)
        .bcst_of(4),
    );
    v.push(
        unpack(1, false)
            .sse("punpcklbw", true)
            .vex("vpunpcklbw", avx, avx2)
            .evex("vpunpcklbw", bw, vl),
    );
    v.push(
        unpack(1, true)
            .sse("punpckhbw", true)
            .vex("vpunpckhbw", avx, avx2)
            .evex("vpunpckhbw", bw, vl),
    );
    v.push(
        unpack(2, false)
            .sse("punpcklwd", true)
            .vex("vpunpcklwd", avx, avx2)
            .evex("vpunpcklwd", bw, vl),
    );
    v.push(
        unpack(2, true)
            .sse("punpckhwd", true)
            .vex("vpunpckhwd", avx, avx2)
            .evex("vpunpckhwd", bw, vl),
    );
    v.push(
        unpack(4, false)
            .sse("punpckldq", true)
            .vex("vpunpckldq", avx, avx2)
            .evex("vpunpckldq", f, vl)
            .bcst(),
    );
    v.push(
        unpack(4, true)
            .sse("punpckhdq", true)
            .vex("vpunpckhdq", avx, avx2)
            .evex("vpunpckhdq", f, vl)
            .bcst(),
    );
    v.push(
        unpack(8, false)
            .sse("punpcklqdq", true)
            .vex("vpunpcklqdq", avx, avx2)
            .evex("vpunpcklqdq", f, vl)
            .bcst(),
    );
    v.push(
        unpack(8, true)
            .sse("punpckhqdq", true)
            .vex("vpunpckhqdq", avx, avx2)
            .evex("vpunpckhqdq", f, vl)
            .bcst(),
    );
    v.push(
        unpack(4, false)
            .sse("unpcklps", true)
            .vex("vunpcklps", avx, avx)
            .evex("vunpcklps", f, vl)
            .bcst(),
    );
    v.push(
        unpack(8, true)
            .sse("unpckhpd", true)
            .vex("vunpckhpd", avx, avx)
            .evex("vunpckhpd", f, vl)
            .bcst(),
    );
    // Shuffles.
    v.push(
        blk(1, |a, b, o, _, r| {
            for i in 0..16 {
                let x = b[o + i];
                r[o + i] = if x & 0x80 != 0 {
                    0
                } else {
                    a[o + (x & 15) as usize]
                };
            }
        })
        .sse("pshufb", ss3)
        .vex("vpshufb", avx, avx2)
        .evex("vpshufb", bw, vl),
    );
    v.push(
        blk(4, |a, _, o, imm, r| {
            for i in 0..4 {
                let j = (imm >> (2 * i)) & 3;
                u32::get(a, o / 4 + j as usize).put(r, o / 4 + i);
            }
        })
        .unary()
        .imm(0x1b)
        .sse("pshufd", true)
        .vex("vpshufd", avx, avx2)
        .evex("vpshufd", f, vl)
        .bcst(),
    );
    v.push(
        blk(2, |a, _, o, imm, r| {
            r[o..o + 8].copy_from_slice(&a[o..o + 8]);
            for i in 0..4 {
                let j = (imm >> (2 * i)) & 3;
                u16::get(a, o / 2 + 4 + j as usize).put(r, o / 2 + 4 + i);
            }
        })
        .unary()
        .imm(0x9c)
        .sse("pshufhw", true)
        .vex("vpshufhw", avx, avx2)
        .evex("vpshufhw", bw, vl),
    );
    v.push(
        blk(2, |a, _, o, imm, r| {
            r[o + 8..o + 16].copy_from_slice(&a[o + 8..o + 16]);
            for i in 0..4 {
                let j = (imm >> (2 * i)) & 3;
                u16::get(a, o / 2 + j as usize).put(r, o / 2 + i);
            }
        })
        .unary()
        .imm(0x63)
        .sse("pshuflw", true)
        .vex("vpshuflw", avx, avx2)
        .evex("vpshuflw", bw, vl),
    );
    v.push(
        blk(1, |a, b, o, imm, r| {
            let mut t = [0u8; 32];
            t[..16].copy_from_slice(&b[o..o + 16]);
            t[16..].copy_from_slice(&a[o..o + 16]);
            for i in 0..16 {
                let j = i + imm as usize;
                r[o + i] = if j < 32 { t[j] } else { 0 };
            }
        })
        .imm(5)
        .sse("palignr", ss3)
        .vex("vpalignr", avx, avx2)
        .evex("vpalignr", bw, vl),
    );
    v.push(
        blk(4, |a, b, o, imm, r| {
            for i in 0..4 {
                let src = if i < 2 { a } else { b };
                let j = (imm >> (2 * i)) & 3;
                u32::get(src, o / 4 + j as usize).put(r, o / 4 + i);
            }
        })
        .imm(0xb4)
        .sse("shufps", true)
        .vex("vshufps", avx, avx)
        .evex("vshufps", f, vl)
        .bcst(),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                let src = if i % 2 == 0 { &a.s[0] } else { &a.s[1] };
                let j = (i & !1) + ((a.imm >> i) & 1) as usize;
                u64::get(src, j).put(&mut r, i);
            }
            r
        })
        .imm(0xa6)
        .sse("shufpd", true)
        .vex("vshufpd", avx, avx)
        .evex("vshufpd", f, vl)
        .bcst(),
    );
    v.push(
        vop(2, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 2 {
                let src = if (a.imm >> (i % 8)) & 1 != 0 {
                    &a.s[1]
                } else {
                    &a.s[0]
                };
                u16::get(src, i).put(&mut r, i);
            }
            r
        })
        .imm(0x5a)
        .sse("pblendw", s41)
        .vex("vpblendw", avx, avx2),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let src = if (a.imm >> i) & 1 != 0 {
                    &a.s[1]
                } else {
                    &a.s[0]
                };
                u32::get(src, i).put(&mut r, i);
            }
            r
        })
        .imm(0x93)
        .sse("blendps", s41)
        .vex("vblendps", avx, avx),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let src = if (a.imm >> i) & 1 != 0 {
                    &a.s[1]
                } else {
                    &a.s[0]
                };
                u32::get(src, i).put(&mut r, i);
            }
            r
        })
        .imm(0x6c)
        .vex("vpblendd", avx2, avx2),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                let src = if (a.imm >> i) & 1 != 0 {
                    &a.s[1]
                } else {
                    &a.s[0]
                };
                u64::get(src, i).put(&mut r, i);
            }
            r
        })
        .imm(0x9)
        .sse("blendpd", s41)
        .vex("vblendpd", avx, avx),
    );
    // Shifts by an immediate (legacy SSE: in place), by a count in xmm, by lanes.
    macro_rules! shifts {
        ($t:ty, $e:expr, $name:literal, $vname:literal, $fe:expr, $f:expr, $imm:expr) => {{
            let fi: fn($t, u32) -> $t = $f;
            let bits = 8 * $e as u32;
            v.push(
                vop($e, move |a| {
                    map1::<$t, $t>(&a.s[0], a.w, |x| fi(x, a.imm as u32))
                })
                .unary()
                .inplace()
                .imm($imm)
                .sse($name, true)
                .vex($vname, avx, avx2)
                .evex($vname, $fe, vl),
            );
            v.push(
                vop($e, move |a| {
                    let n = u64::get(&a.s[1], 0);
                    map1::<$t, $t>(&a.s[0], a.w, |x| fi(x, n.min(bits as u64 + 1) as u32))
                })
                .rm(RmW::Fixed(16))
                .init(init_counts::<8>)
                .sse($name, true)
                .vex($vname, avx, avx2)
                .evex($vname, $fe, vl),
            );
        }};
    }
    fn shl<T: Into<u64> + TryFrom<u64>>(x: T, n: u32, bits: u32) -> T
    where
        <T as TryFrom<u64>>::Error: std::fmt::Debug,
    {
        let x: u64 = x.into();
        T::try_from(if n >= bits {
            0
        } else {
            (x << n) & (u64::MAX >> (64 - bits))
        })
        .unwrap()
    }
    shifts!(u16, 2, "psllw", "vpsllw", bw, |x, n| shl(x, n, 16), 3);
    shifts!(u32, 4, "pslld", "vpslld", f, |x, n| shl(x, n, 32), 17);
    shifts!(u64, 8, "psllq", "vpsllq", f, |x, n| shl(x, n, 64), 40);
    shifts!(
        u16,
        2,
        "psrlw",
        "vpsrlw",
        bw,
        |x, n| if n >= 16 { 0 } else { x >> n },
        9
    );
    shifts!(
        u32,
        4,
        "psrld",
        "vpsrld",
        f,
        |x, n| if n >= 32 { 0 } else { x >> n },
        31
    );
    shifts!(
        u64,
        8,
        "psrlq",
        "vpsrlq",
        f,
        |x, n| if n >= 64 { 0 } else { x >> n },
        1
    );
    shifts!(i16, 2, "psraw", "vpsraw", bw, |x, n| x >> n.min(15), 7);
    shifts!(i32, 4, "psrad", "vpsrad", f, |x, n| x >> n.min(31), 20);
    v.push(
        vop(8, |a| {
            map1::<i64, i64>(&a.s[0], a.w, |x| x >> (a.imm as u32).min(63))
        })
        .unary()
        .imm(13)
        .evex("vpsraq", f, vl)
        .bcst(),
    );
    v.push(
        vop(8, |a| {
            let n = u64::get(&a.s[1], 0).min(63) as u32;
            map1::<i64, i64>(&a.s[0], a.w, |x| x >> n)
        })
        .rm(RmW::Fixed(16))
        .init(init_counts::<8>)
        .evex("vpsraq", f, vl),
    );
    v.push(
        blk(1, |a, _, o, imm, r| {
            for i in 0..16 {
                r[o + i] = if i >= imm as usize {
                    a[o + i - imm as usize]
                } else {
                    0
                };
            }
        })
        .unary()
        .inplace()
        .imm(3)
        .sse("pslldq", true)
        .vex("vpslldq", avx, avx2)
        .evex("vpslldq", bw, vl)
        .nomask(),
    );
    v.push(
        blk(1, |a, _, o, imm, r| {
            for i in 0..16 {
                let j = i + imm as usize;
                r[o + i] = if j < 16 { a[o + j] } else { 0 };
            }
        })
        .unary()
        .inplace()
        .imm(7)
        .sse("psrldq", true)
        .vex("vpsrldq", avx, avx2)
        .evex("vpsrldq", bw, vl)
        .nomask(),
    );
    v.push(
        ib::<u32>(4, |a, n| if n >= 32 { 0 } else { a << n })
            .init(init_counts::<4>)
            .vex("vpsllvd", avx2, avx2)
            .evex("vpsllvd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, n| if n >= 64 { 0 } else { a << n })
            .init(init_counts::<8>)
            .vex("vpsllvq", avx2, avx2)
            .evex("vpsllvq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, |a, n| if n >= 32 { 0 } else { a >> n })
            .init(init_counts::<4>)
            .vex("vpsrlvd", avx2, avx2)
            .evex("vpsrlvd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, n| if n >= 64 { 0 } else { a >> n })
            .init(init_counts::<8>)
            .vex("vpsrlvq", avx2, avx2)
            .evex("vpsrlvq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i32>(4, |a, n| a >> (n as u32).min(31))
            .init(init_counts::<4>)
            .vex("vpsravd", avx2, avx2)
            .evex("vpsravd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<i64>(8, |a, n| a >> (n as u64).min(63))
            .init(init_counts::<8>)
            .evex("vpsravq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u16>(2, |a, n| if n >= 16 { 0 } else { a << n })
            .init(init_counts::<2>)
            .evex("vpsllvw", bw, vl),
    );
    v.push(
        ib::<i16>(2, |a, n| a >> (n as u16).min(15))
            .init(init_counts::<2>)
            .evex("vpsravw", bw, vl),
    );
    v.push(
        iu::<u32, u32>(4, |x| x.rotate_left(11))
            .imm(11)
            .evex("vprold", f, vl)
            .bcst(),
    );
    v.push(
        iu::<u64, u64>(8, |x| x.rotate_right(37))
            .imm(37)
            .evex("vprorq", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, |a, n| a.rotate_left(n % 32))
            .evex("vprolvd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, n| a.rotate_right((n % 64) as u32))
            .evex("vprorvq", f, vl)
            .bcst(),
    );
    // Zero and sign extension.
    v.push(
        iu::<u8, u16>(2, |x| x as u16)
            .rm(RmW::Div(2))
            .sse("pmovzxbw", s41)
            .vex("vpmovzxbw", avx, avx2)
            .evex("vpmovzxbw", bw, vl),
    );
    v.push(
        iu::<i8, i32>(4, |x| x as i32)
            .rm(RmW::Div(4))
            .sse("pmovsxbd", s41)
            .vex("vpmovsxbd", avx, avx2)
            .evex("vpmovsxbd", f, vl),
    );
    v.push(
        iu::<u8, u64>(8, |x| x as u64)
            .rm(RmW::Div(8))
            .sse("pmovzxbq", s41)
            .vex("vpmovzxbq", avx, avx2)
            .evex("vpmovzxbq", f, vl),
    );
    v.push(
        iu::<i16, i32>(4, |x| x as i32)
            .rm(RmW::Div(2))
            .sse("pmovsxwd", s41)
            .vex("vpmovsxwd", avx, avx2)
            .evex("vpmovsxwd", f, vl),
    );
    v.push(
        iu::<u16, u64>(8, |x| x as u64)
            .rm(RmW::Div(4))
            .sse("pmovzxwq", s41)
            .vex("vpmovzxwq", avx, avx2)
            .evex("vpmovzxwq", f, vl),
    );
    v.push(
        iu::<i32, i64>(8, |x| x as i64)
            .rm(RmW::Div(2))
            .sse("pmovsxdq", s41)
            .vex("vpmovsxdq", avx, avx2)
            .evex("vpmovsxdq", f, vl),
    );
    v.push(
        vop(2, |a| {
            let (mut best, mut at) = (u16::MAX, 0u16);
            for i in 0..8 {
                let x = u16::get(&a.s[0], i);
                if x < best {
                    best = x;
                    at = i as u16;
                }
            }
            let mut r = [0u8; 64];
            best.put(&mut r, 0);
            at.put(&mut r, 1);
            r
        })
        .unary()
        .sse("phminposuw", s41)
        .vex("vphminposuw", avx, false),
    );
    if c.pclmulqdq {
        v.push(
            blk(8, |a, b, o, imm, r| {
                let x = u64::get(a, o / 8 + (imm & 1) as usize);
                let y = u64::get(b, o / 8 + ((imm >> 4) & 1) as usize);
                r[o..o + 16].copy_from_slice(&clmul(x, y).to_le_bytes());
            })
            .imm(0x11)
            .sse("pclmulqdq", true)
            .vex("vpclmulqdq", avx, avx && c.vpclmulqdq)
            .evex("vpclmulqdq", f && c.vpclmulqdq, vl)
            .nomask(),
        );
    }
    v.extend(fp_ops(c));
    v.extend(avx512_only_ops(c));
    v
}

fn fb32(f: fn(f32, f32) -> f32) -> VOp {
    ib::<f32>(4, f).init(init_f32)
}
fn fb64(f: fn(f64, f64) -> f64) -> VOp {
    ib::<f64>(8, f).init(init_f64)
}
/// x86 `min`: the second source unless the first is less.
fn xmin<T: PartialOrd>(a: T, b: T) -> T {
    if a < b {
        a
    } else {
        b
    }
}
fn xmax<T: PartialOrd>(a: T, b: T) -> T {
    if a > b {
        a
    } else {
        b
    }
}

/// Floating-point operations.
fn fp_ops(c: &Cpu) -> Vec<VOp> {
    let (avx, f, vl) = (c.avx, c.avx512f, c.avx512vl);
    let dq = f && c.avx512dq;
    let (s3, s41) = (c.sse3, c.sse41);
    let fma = c.fma;
    let mut v: Vec<VOp> = Vec::new();
    v.push(
        fb32(|a, b| a + b)
            .sse("addps", true)
            .vex("vaddps", avx, avx)
            .evex("vaddps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(|a, b| a + b)
            .sse("addpd", true)
            .vex("vaddpd", avx, avx)
            .evex("vaddpd", f, vl)
            .bcst(),
    );
    v.push(
        fb32(|a, b| a - b)
            .sse("subps", true)
            .vex("vsubps", avx, avx)
            .evex("vsubps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(|a, b| a - b)
            .sse("subpd", true)
            .vex("vsubpd", avx, avx)
            .evex("vsubpd", f, vl)
            .bcst(),
    );
    v.push(
        fb32(|a, b| a * b)
            .sse("mulps", true)
            .vex("vmulps", avx, avx)
            .evex("vmulps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(|a, b| a * b)
            .sse("mulpd", true)
            .vex("vmulpd", avx, avx)
            .evex("vmulpd", f, vl)
            .bcst(),
    );
    v.push(
        fb32(|a, b| a / b)
            .sse("divps", true)
            .vex("vdivps", avx, avx)
            .evex("vdivps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(|a, b| a / b)
            .sse("divpd", true)
            .vex("vdivpd", avx, avx)
            .evex("vdivpd", f, vl)
            .bcst(),
    );
    v.push(
        fb32(xmin)
            .sse("minps", true)
            .vex("vminps", avx, avx)
            .evex("vminps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(xmin)
            .sse("minpd", true)
            .vex("vminpd", avx, avx)
            .evex("vminpd", f, vl)
            .bcst(),
    );
    v.push(
        fb32(xmax)
            .sse("maxps", true)
            .vex("vmaxps", avx, avx)
            .evex("vmaxps", f, vl)
            .bcst(),
    );
    v.push(
        fb64(xmax)
            .sse("maxpd", true)
            .vex("vmaxpd", avx, avx)
            .evex("vmaxpd", f, vl)
            .bcst(),
    );
    v.push(
        iu::<f32, f32>(4, f32::sqrt)
            .init(init_f32_pos)
            .sse("sqrtps", true)
            .vex("vsqrtps", avx, avx)
            .evex("vsqrtps", f, vl)
            .bcst(),
    );
    v.push(
        iu::<f64, f64>(8, f64::sqrt)
            .init(init_f64_pos)
            .sse("sqrtpd", true)
            .vex("vsqrtpd", avx, avx)
            .evex("vsqrtpd", f, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, |a, b| a & b)
            .sse("andps", true)
            .vex("vandps", avx, avx)
            .evex("vandps", dq, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, b| !a & b)
            .sse("andnpd", true)
            .vex("vandnpd", avx, avx)
            .evex("vandnpd", dq, vl)
            .bcst(),
    );
    v.push(
        ib::<u32>(4, |a, b| a | b)
            .sse("orps", true)
            .vex("vorps", avx, avx)
            .evex("vorps", dq, vl)
            .bcst(),
    );
    v.push(
        ib::<u64>(8, |a, b| a ^ b)
            .sse("xorpd", true)
            .vex("vxorpd", avx, avx)
            .evex("vxorpd", dq, vl)
            .bcst(),
    );
    // Scalars: lane 0, the rest from the first source.
    v.push(
        scal::<f32>(|a, b| a + b)
            .init(init_f32)
            .sse("addss", true)
            .vex("vaddss", avx, false)
            .evex("vaddss", f, false),
    );
    v.push(
        scal::<f64>(|a, b| a + b)
            .init(init_f64)
            .sse("addsd", true)
            .vex("vaddsd", avx, false)
            .evex("vaddsd", f, false),
    );
    v.push(
        scal::<f32>(|a, b| a - b)
            .init(init_f32)
            .sse("subss", true)
            .vex("vsubss", avx, false)
            .evex("vsubss", f, false),
    );
    v.push(
        scal::<f64>(|a, b| a * b)
            .init(init_f64)
            .sse("mulsd", true)
            .vex("vmulsd", avx, false)
            .evex("vmulsd", f, false),
    );
    v.push(
        scal::<f32>(|a, b| a / b)
            .init(init_f32)
            .sse("divss", true)
            .vex("vdivss", avx, false)
            .evex("vdivss", f, false),
    );
    v.push(
        scal::<f64>(xmin)
            .init(init_f64)
            .sse("minsd", true)
            .vex("vminsd", avx, false)
            .evex("vminsd", f, false),
    );
    v.push(
        scal::<f32>(xmax)
            .init(init_f32)
            .sse("maxss", true)
            .vex("vmaxss", avx, false)
            .evex("vmaxss", f, false),
    );
    v.push(
        scal::<f64>(|_, b| b.sqrt())
            .init(init_f64_pos)
            .sse("sqrtsd", true)
            .vex("vsqrtsd", avx, false)
            .evex("vsqrtsd", f, false),
    );
    v.push(
        scal::<f32>(|_, b| b.sqrt())
            .init(init_f32_pos)
            .sse("sqrtss", true)
            .vex("vsqrtss", avx, false)
            .evex("vsqrtss", f, false),
    );
    v.push(
        vop(8, |a| {
            let mut r = a.s[0];
            (f32::get(&a.s[1], 0) as f64).put(&mut r, 0);
            r
        })
        .scalar()
        .rm(RmW::Fixed(4))
        .init(init_f32)
        .sse("cvtss2sd", true)
        .vex("vcvtss2sd", avx, false)
        .evex("vcvtss2sd", f, false),
    );
    v.push(
        vop(4, |a| {
            let mut r = a.s[0];
            (f64::get(&a.s[1], 0) as f32).put(&mut r, 0);
            r
        })
        .scalar()
        .rm(RmW::Fixed(8))
        .init(init_f64)
        .sse("cvtsd2ss", true)
        .vex("vcvtsd2ss", avx, false)
        .evex("vcvtsd2ss", f, false),
    );
    // Conversions.
    v.push(
        iu::<i32, f32>(4, |x| x as f32)
            .sse("cvtdq2ps", true)
            .vex("vcvtdq2ps", avx, avx)
            .evex("vcvtdq2ps", f, vl)
            .bcst(),
    );
    v.push(
        iu::<f32, i32>(4, |x| cvt_i32(x.round_ties_even() as f64))
            .init(init_f32)
            .sse("cvtps2dq", true)
            .vex("vcvtps2dq", avx, avx)
            .evex("vcvtps2dq", f, vl)
            .bcst(),
    );
    v.push(
        iu::<f32, i32>(4, |x| cvt_i32(x.trunc() as f64))
            .init(init_f32)
            .sse("cvttps2dq", true)
            .vex("vcvttps2dq", avx, avx)
            .evex("vcvttps2dq", f, vl)
            .bcst(),
    );
    v.push(
        iu::<f32, f64>(8, |x| x as f64)
            .rm(RmW::Div(2))
            .init(init_f32)
            .sse("cvtps2pd", true)
            .vex("vcvtps2pd", avx, avx)
            .evex("vcvtps2pd", f, vl)
            .bcst_of(4),
    );
    v.push(
        iu::<i32, f64>(8, |x| x as f64)
            .rm(RmW::Div(2))
            .sse("cvtdq2pd", true)
            .vex("vcvtdq2pd", avx, avx)
            .evex("vcvtdq2pd", f, vl)
            .bcst_of(4),
    );
    v.push(
        iu::<u32, f32>(4, |x| x as f32)
            .evex("vcvtudq2ps", f, vl)
            .bcst(),
    );
    v.push(
        iu::<i64, f64>(8, |x| x as f64)
            .evex("vcvtqq2pd", dq, vl)
            .bcst(),
    );
    v.push(
        iu::<f64, i64>(8, |x| cvt_i64(x.trunc()))
            .init(init_f64)
            .evex("vcvttpd2qq", dq, vl)
            .bcst(),
    );
    v.push(
        iu::<f32, i64>(8, |x| cvt_i64(x.round_ties_even() as f64))
            .rm(RmW::Div(2))
            .init(init_f32)
            .evex("vcvtps2qq", dq, vl)
            .bcst_of(4),
    );
    // Rounding, horizontal and alternating operations, duplications.
    v.push(
        vop(4, |a| {
            map1::<f32, f32>(&a.s[0], a.w, |x| match a.imm & 3 {
                0 => x.round_ties_even(),
                1 => x.floor(),
                2 => x.ceil(),
                _ => x.trunc(),
            })
        })
        .unary()
        .imm(9)
        .init(init_f32)
        .sse("roundps", s41)
        .vex("vroundps", avx, avx),
    );
    v.push(
        vop(8, |a| {
            map1::<f64, f64>(&a.s[0], a.w, |x| match a.imm & 3 {
                0 => x.round_ties_even(),
                1 => x.floor(),
                2 => x.ceil(),
                _ => x.trunc(),
            })
        })
        .unary()
        .imm(10)
        .init(init_f64)
        .sse("roundpd", s41)
        .vex("vroundpd", avx, avx),
    );
    v.push(
        vop(4, |a| {
            let m = (a.imm >> 4) as i32;
            let sc = 2f32.powi(m);
            map1::<f32, f32>(&a.s[0], a.w, |x| {
                // Values with no fraction bits at this scale stay as they are.
                if x.is_nan() {
                    return f32::from_bits(x.to_bits() | 1 << 22);
                }
                if !x.is_finite() || x.abs() >= 2f32.powi(23 - m) {
                    return x;
                }
                let y = x * sc;
                (match a.imm & 3 {
                    0 => y.round_ties_even(),
                    1 => y.floor(),
                    2 => y.ceil(),
                    _ => y.trunc(),
                }) / sc
            })
        })
        .unary()
        .imm(0x21)
        .init(init_f32)
        .evex("vrndscaleps", f, vl)
        .bcst(),
    );
    v.push(
        iu::<f32, f32>(4, |x| {
            let m = x.to_bits() & 0x7f_ffff;
            if x.is_nan() {
                f32::from_bits(x.to_bits() | 1 << 22)
            } else if x.is_infinite() {
                f32::INFINITY
            } else if x == 0.0 {
                f32::NEG_INFINITY
            } else if x.is_subnormal() {
                ((31 - m.leading_zeros()) as i32 - 149) as f32
            } else {
                (((x.to_bits() >> 23) & 0xff) as i32 - 127) as f32
            }
        })
        .init(init_f32)
        .evex("vgetexpps", f, vl)
        .bcst(),
    );
    v.push(
        blk(4, |a, b, o, _, r| {
            let h = |v: &V, j: usize| f32::get(v, o / 4 + 2 * j) + f32::get(v, o / 4 + 2 * j + 1);
            for i in 0..2 {
                h(a, i).put(r, o / 4 + i);
                h(b, i).put(r, o / 4 + 2 + i);
            }
        })
        .init(init_f32)
        .sse("haddps", s3)
        .vex("vhaddps", avx, avx),
    );
    v.push(
        blk(8, |a, b, o, _, r| {
            (f64::get(a, o / 8) - f64::get(a, o / 8 + 1)).put(r, o / 8);
            (f64::get(b, o / 8) - f64::get(b, o / 8 + 1)).put(r, o / 8 + 1);
        })
        .init(init_f64)
        .sse("hsubpd", s3)
        .vex("vhsubpd", avx, avx),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let (x, y) = (f32::get(&a.s[0], i), f32::get(&a.s[1], i));
                (if i % 2 == 0 { x - y } else { x + y }).put(&mut r, i);
            }
            r
        })
        .init(init_f32)
        .sse("addsubps", s3)
        .vex("vaddsubps", avx, avx),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                u32::get(&a.s[0], i & !1).put(&mut r, i);
            }
            r
        })
        .unary()
        .sse("movsldup", s3)
        .vex("vmovsldup", avx, avx)
        .evex("vmovsldup", f, vl),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                u32::get(&a.s[0], i | 1).put(&mut r, i);
            }
            r
        })
        .unary()
        .sse("movshdup", s3)
        .vex("vmovshdup", avx, avx)
        .evex("vmovshdup", f, vl),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                u64::get(&a.s[0], i & !1).put(&mut r, i);
            }
            r
        })
        .unary()
        .rm(RmW::Dup)
        .sse("movddup", s3)
        .vex("vmovddup", avx, avx)
        .evex("vmovddup", f, vl),
    );
    // Fused multiply-add: 132 (d = d*s2 + s1), 213 (d = s1*d + s2), 231 (d = s1*s2 + d).
    macro_rules! fmas {
        ($t:ty, $e:expr, $init:expr, $($name:literal => $f:expr),* $(,)?) => {$(
            let fm: fn($t, $t, $t) -> $t = $f;
            v.push(
                vop($e, move |a| {
                    let order = &$name[$name.len() - 5..$name.len() - 2];
                    map3::<$t>(&a.d, &a.s[0], &a.s[1], a.w, |d, s1, s2| match order {
                        "132" => fm(d, s2, s1),
                        "213" => fm(s1, d, s2),
                        _ => fm(s1, s2, d),
                    })
                })
                .init($init)
                .vex($name, fma, fma)
                .evex($name, f, vl)
                .bcst(),
            );
        )*};
    }
    fmas!(f32, 4, init_f32,
        "vfmadd132ps" => |a, b, c| a.mul_add(b, c),
        "vfmadd213ps" => |a, b, c| a.mul_add(b, c),
        "vfmadd231ps" => |a, b, c| a.mul_add(b, c),
        "vfmsub231ps" => |a, b, c| a.mul_add(b, -c),
        "vfnmadd213ps" => |a, b, c| (-a).mul_add(b, c),
        "vfnmsub132ps" => |a, b, c| (-a).mul_add(b, -c),
    );
    fmas!(f64, 8, init_f64,
        "vfmadd132pd" => |a, b, c| a.mul_add(b, c),
        "vfmadd231pd" => |a, b, c| a.mul_add(b, c),
        "vfmsub213pd" => |a, b, c| a.mul_add(b, -c),
        "vfnmadd231pd" => |a, b, c| (-a).mul_add(b, c),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let (d, x, y) = (
                    f32::get(&a.d, i),
                    f32::get(&a.s[0], i),
                    f32::get(&a.s[1], i),
                );
                (if i % 2 == 0 {
                    x.mul_add(y, -d)
                } else {
                    x.mul_add(y, d)
                })
                .put(&mut r, i);
            }
            r
        })
        .init(init_f32)
        .vex("vfmaddsub231ps", fma, fma)
        .evex("vfmaddsub231ps", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = a.s[0];
            let (d, x, y) = (
                f32::get(&a.d, 0),
                f32::get(&a.s[0], 0),
                f32::get(&a.s[1], 0),
            );
            x.mul_add(y, d).put(&mut r, 0);
            // The destination keeps its other lanes.
            r[4..16].copy_from_slice(&a.d[4..16]);
            r
        })
        .scalar()
        .rm(RmW::Fixed(4))
        .init(init_f32)
        .vex("vfmadd231ss", fma, false)
        .evex("vfmadd231ss", f, false),
    );
    v.push(
        vop(8, |a| {
            let mut r = a.d;
            let (d, x, y) = (
                f64::get(&a.d, 0),
                f64::get(&a.s[0], 0),
                f64::get(&a.s[1], 0),
            );
            d.mul_add(y, x).put(&mut r, 0);
            r
        })
        .scalar()
        .rm(RmW::Fixed(8))
        .init(init_f64)
        .vex("vfmadd132sd", fma, false)
        .evex("vfmadd132sd", f, false),
    );
    v
}

/// Operations only AVX2 or AVX-512 have.
fn avx512_only_ops(c: &Cpu) -> Vec<VOp> {
    let (avx, avx2, f, vl) = (c.avx, c.avx2, c.avx512f, c.avx512vl);
    let bw = f && c.avx512bw;
    let cd = f && c.avx512cd;
    let mut v: Vec<VOp> = Vec::new();
    // Permutes across the whole register.
    v.push(
        vop(4, |a| {
            let n = a.w / 4;
            map1::<u32, u32>(&a.s[0], a.w, |i| u32::get(&a.s[1], i as usize % n))
        })
        .no128()
        .vex("vpermd", false, avx2)
        .evex("vpermd", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let n = a.w / 4;
            map1::<u32, u32>(&a.s[0], a.w, |i| u32::get(&a.s[1], i as usize % n))
        })
        .no128()
        .init(init_f32)
        .vex("vpermps", false, avx2)
        .evex("vpermps", f, vl)
        .bcst(),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                let j = (i & !3) + ((a.imm >> (2 * (i % 4))) & 3) as usize;
                u64::get(&a.s[0], j).put(&mut r, i);
            }
            r
        })
        .unary()
        .imm(0x4e)
        .no128()
        .vex("vpermq", false, avx2)
        .evex("vpermq", f, vl)
        .bcst(),
    );
    v.push(
        vop(2, |a| {
            let n = a.w / 2;
            map1::<u16, u16>(&a.s[0], a.w, |i| u16::get(&a.s[1], i as usize % n))
        })
        .evex("vpermw", bw, vl),
    );
    v.push(
        vop(1, |a| {
            map1::<u8, u8>(&a.s[0], a.w, |i| a.s[1][i as usize % a.w])
        })
        .evex("vpermb", f && c.avx512vbmi, vl),
    );
    v.push(
        vop(4, |a| {
            let n = a.w / 4;
            map1::<u32, u32>(&a.s[0], a.w, |i| {
                let t = if i as usize & n != 0 { &a.s[1] } else { &a.d };
                u32::get(t, i as usize % n)
            })
        })
        .evex("vpermt2d", f, vl)
        .bcst(),
    );
    v.push(
        vop(8, |a| {
            let n = a.w / 8;
            map1::<u64, u64>(&a.d, a.w, |i| {
                let t = if i as usize & n != 0 {
                    &a.s[1]
                } else {
                    &a.s[0]
                };
                u64::get(t, i as usize % n)
            })
        })
        .evex("vpermi2q", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let n = a.w / 4;
            let sh = a.imm as usize % n;
            let mut r = [0u8; 64];
            for i in 0..n {
                let j = i + sh;
                let x = if j < n {
                    u32::get(&a.s[1], j)
                } else {
                    u32::get(&a.s[0], j - n)
                };
                x.put(&mut r, i);
            }
            r
        })
        .imm(5)
        .evex("valignd", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            let lanes = a.w / 16;
            let bits = if lanes == 4 { 2 } else { 1 };
            for i in 0..lanes {
                let src = if i < lanes / 2 { &a.s[0] } else { &a.s[1] };
                let j = ((a.imm >> (bits * i)) & (lanes as u8 - 1)) as usize;
                r[16 * i..16 * i + 16].copy_from_slice(&src[16 * j..16 * j + 16]);
            }
            r
        })
        .imm(0xb1)
        .no128()
        .evex("vshufi32x4", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = a.s[0];
            let at = 16 * (a.imm as usize % (a.w / 16));
            r[at..at + 16].copy_from_slice(&a.s[1][..16]);
            r
        })
        .imm(3)
        .rm(RmW::Fixed(16))
        .no128()
        .vex("vinserti128", false, avx2)
        .evex("vinserti32x4", f, vl),
    );
    v.push(
        vop(8, |a| {
            let mut r = a.s[0];
            let at = 32 * (a.imm as usize & 1);
            r[at..at + 32].copy_from_slice(&a.s[1][..32]);
            r
        })
        .imm(1)
        .rm(RmW::Fixed(32))
        .evex("vinserti64x4", f, false),
    );
    v.push(
        vop(16, |a| {
            let mut r = [0u8; 64];
            for h in 0..2 {
                let sel = (a.imm >> (4 * h)) & 0xf;
                if sel & 8 == 0 {
                    let src = if sel & 2 != 0 { &a.s[1] } else { &a.s[0] };
                    let j = 16 * (sel as usize & 1);
                    r[16 * h..16 * h + 16].copy_from_slice(&src[j..j + 16]);
                }
            }
            r
        })
        .imm(0x21)
        .vex("vperm2i128", false, avx2),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let j = (i & !3) + (u32::get(&a.s[1], i) & 3) as usize;
                u32::get(&a.s[0], j).put(&mut r, i);
            }
            r
        })
        .vex("vpermilps", avx, avx)
        .evex("vpermilps", f, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let j = (i & !3) + ((a.imm >> (2 * (i % 4))) & 3) as usize;
                u32::get(&a.s[0], j).put(&mut r, i);
            }
            r
        })
        .unary()
        .imm(0x72)
        .vex("vpermilps", avx, avx)
        .evex("vpermilps", f, vl)
        .bcst(),
    );
    // Broadcasts from the low element.
    macro_rules! bcasts {
        ($($e:expr, $vex:literal, $vx:expr, $vy:expr, $evex:literal, $ez:expr, $evl:expr;)*) => {$(
            v.push(
                vop($e, |a| {
                    let mut r = [0u8; 64];
                    for c in r[..a.w].chunks_mut($e) {
                        c.copy_from_slice(&a.s[0][..$e]);
                    }
                    r
                })
                .unary()
                .rm(RmW::Fixed($e))
                .vex($vex, $vx, $vy)
                .evex($evex, $ez, $evl),
            );
        )*};
    }
    bcasts!(
        1, "vpbroadcastb", avx2, avx2, "vpbroadcastb", bw, vl;
        2, "vpbroadcastw", avx2, avx2, "vpbroadcastw", bw, vl;
        4, "vpbroadcastd", avx2, avx2, "vpbroadcastd", f, vl;
        8, "vpbroadcastq", avx2, avx2, "vpbroadcastq", f, vl;
        4, "vbroadcastss", avx2, avx2, "vbroadcastss", f, vl;
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for c in r[..a.w].chunks_mut(8) {
                c.copy_from_slice(&a.s[0][..8]);
            }
            r
        })
        .unary()
        .rm(RmW::Fixed(8))
        .no128()
        .vex("vbroadcastsd", false, avx2)
        .evex("vbroadcastsd", f, vl),
    );
    // Broadcasts of 2, 4 or 8 elements (disp8*N with N the tuple's size).
    macro_rules! tuples {
        ($($mn:literal, $e:expr, $n:expr, $have:expr, $vl:expr, $no128:expr, $memonly:expr;)*) => {$(
            let mut o = vop($e, |a| {
                let mut r = [0u8; 64];
                for c in r[..a.w].chunks_mut($e * $n) {
                    c.copy_from_slice(&a.s[0][..$e * $n]);
                }
                r
            })
            .unary()
            .rm(RmW::Fixed($e * $n))
            .evex($mn, $have, $vl);
            if $no128 {
                o = o.no128();
            }
            if $memonly {
                o = o.mem_only();
            }
            v.push(o);
        )*};
    }
    let dq = f && c.avx512dq;
    tuples!(
        "vbroadcasti32x4", 4, 4, f, vl, true, true;
        "vbroadcastf64x4", 8, 4, f, false, true, true;
        "vbroadcasti32x2", 4, 2, dq, vl, false, false;
        "vbroadcasti64x2", 8, 2, dq, vl, true, true;
        "vbroadcastf32x8", 4, 8, dq, false, true, true;
    );
    // Bit counts and conflicts.
    v.push(
        iu::<u32, u32>(4, u32::leading_zeros)
            .evex("vplzcntd", cd, vl)
            .bcst(),
    );
    v.push(
        iu::<u64, u64>(8, |x| x.leading_zeros() as u64)
            .evex("vplzcntq", cd, vl)
            .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let x = u32::get(&a.s[0], i);
                let m = (0..i)
                    .filter(|&j| u32::get(&a.s[0], j) == x)
                    .fold(0u32, |m, j| m | 1 << j);
                m.put(&mut r, i);
            }
            r
        })
        .unary()
        .init(|b, rng| {
            for c in b.chunks_mut(4) {
                c.copy_from_slice(&(rng.below(5) as u32).to_le_bytes());
            }
        })
        .evex("vpconflictd", cd, vl)
        .bcst(),
    );
    v.push(
        iu::<u32, u32>(4, u32::count_ones)
            .evex("vpopcntd", f && c.avx512vpopcntdq, vl)
            .bcst(),
    );
    v.push(
        iu::<u64, u64>(8, |x| x.count_ones() as u64)
            .evex("vpopcntq", f && c.avx512vpopcntdq, vl)
            .bcst(),
    );
    v.push(iu::<u8, u8>(1, |x| x.count_ones() as u8).evex("vpopcntb", bw && c.avx512bitalg, vl));
    v.push(iu::<u16, u16>(2, |x| x.count_ones() as u16).evex("vpopcntw", bw && c.avx512bitalg, vl));
    // Concatenate-and-shift (VBMI2), dot products (VNNI), 52-bit multiplies (IFMA).
    let vbmi2 = f && c.avx512vbmi2;
    v.push(
        ib::<u32>(4, |a, b| {
            ((a as u64) << 32 | b as u64)
                .wrapping_shl(7)
                .wrapping_shr(32) as u32
        })
        .imm(7)
        .evex("vpshldd", vbmi2, vl)
        .bcst(),
    );
    v.push(
        ib::<u16>(2, |a, b| {
            ((b as u32) << 16 | a as u32).wrapping_shr(5) as u16
        })
        .imm(5)
        .evex("vpshrdw", vbmi2, vl),
    );
    v.push(
        vop(8, |a| {
            map3::<u64>(&a.d, &a.s[0], &a.s[1], a.w, |d, s, n| {
                let n = n % 64;
                if n == 0 {
                    d
                } else {
                    (d << n) | (s >> (64 - n))
                }
            })
        })
        .evex("vpshldvq", vbmi2, vl)
        .bcst(),
    );
    let vnni = f && c.avx512vnni;
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let mut s = i32::get(&a.d, i);
                for j in 0..4 {
                    s = s.wrapping_add(a.s[0][4 * i + j] as i32 * (a.s[1][4 * i + j] as i8) as i32);
                }
                s.put(&mut r, i);
            }
            r
        })
        .evex("vpdpbusd", vnni, vl)
        .bcst(),
    );
    v.push(
        vop(4, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 4 {
                let mut s = i32::get(&a.d, i) as i64;
                for j in 0..2 {
                    s += i16::get(&a.s[0], 2 * i + j) as i64 * i16::get(&a.s[1], 2 * i + j) as i64;
                }
                (s.clamp(i32::MIN as i64, i32::MAX as i64) as i32).put(&mut r, i);
            }
            r
        })
        .evex("vpdpwssds", vnni, vl)
        .bcst(),
    );
    let ifma = f && c.avx512ifma;
    v.push(
        ib::<u64>(8, |_, _| 0)
            .evex("vpmadd52luq", ifma, vl)
            .bcst()
            .with_f(|a| {
                let m52 = (1u64 << 52) - 1;
                map3::<u64>(&a.d, &a.s[0], &a.s[1], a.w, |d, x, y| {
                    let p = (x & m52) as u128 * (y & m52) as u128;
                    d.wrapping_add(p as u64 & m52)
                })
            }),
    );
    v.push(
        ib::<u64>(8, |_, _| 0)
            .evex("vpmadd52huq", ifma, vl)
            .bcst()
            .with_f(|a| {
                let m52 = (1u64 << 52) - 1;
                map3::<u64>(&a.d, &a.s[0], &a.s[1], a.w, |d, x, y| {
                    let p = (x & m52) as u128 * (y & m52) as u128;
                    d.wrapping_add((p >> 52) as u64)
                })
            }),
    );
    v.push(
        vop(8, |a| {
            let mut r = [0u8; 64];
            for i in 0..a.w / 8 {
                let data = u64::get(&a.s[1], i);
                for j in 0..8 {
                    let sh = a.s[0][8 * i + j] & 63;
                    r[8 * i + j] = data.rotate_right(sh as u32) as u8;
                }
            }
            r
        })
        .evex("vpmultishiftqb", f && c.avx512vbmi, vl)
        .bcst_of(8)
        .esz_mask(1),
    );
    // GF(2^8) (GFNI).
    fn gfmul(mut a: u8, mut b: u8) -> u8 {
        let mut p = 0u8;
        while b != 0 {
            if b & 1 != 0 {
                p ^= a;
            }
            let hi = a & 0x80;
            a <<= 1;
            if hi != 0 {
                a ^= 0x1b;
            }
            b >>= 1;
        }
        p
    }
    if c.gfni {
        v.push(
            ib::<u8>(1, gfmul)
                .sse("gf2p8mulb", true)
                .vex("vgf2p8mulb", avx, avx)
                .evex("vgf2p8mulb", bw, vl),
        );
        v.push(
            vop(8, |a| {
                let mut r = [0u8; 64];
                for (i, out) in r.iter_mut().enumerate().take(a.w) {
                    let mtx = u64::get(&a.s[1], i / 8);
                    let x = a.s[0][i];
                    let mut y = 0u8;
                    for bit in 0..8 {
                        let row = (mtx >> (8 * (7 - bit))) as u8;
                        y |= (((row & x).count_ones() & 1) as u8) << bit;
                    }
                    *out = y ^ a.imm;
                }
                r
            })
            .imm(0x63)
            .sse("gf2p8affineqb", true)
            .vex("vgf2p8affineqb", avx, avx)
            .evex("vgf2p8affineqb", f && c.avx512bw, vl)
            .bcst_of(8)
            .esz_mask(1),
        );
    }
    v
}

impl VOp {
    fn with_f(mut self, f: impl Fn(&VArgs) -> V + 'static) -> Self {
        self.f = Rc::new(f);
        self
    }
    fn esz_mask(mut self, n: usize) -> Self {
        self.esz = n;
        self
    }
}

// ---------------------------------------------------------------------------
// The vector groups.

fn table_cases(g: &mut Group, enc: Enc) {
    let cpu = g.cpu;
    for op in vops(&cpu) {
        vop_cases(g, &op, enc);
    }
}

#[test]
fn sse() {
    let mut g = Group::new("sse", 7);
    g.needs(g.cpu.sse3, "sse3");
    g.needs(g.cpu.ssse3, "ssse3");
    g.needs(g.cpu.sse41, "sse4.1");
    g.needs(g.cpu.sse42, "sse4.2");
    g.needs(g.cpu.pclmulqdq, "pclmulqdq");
    g.needs(g.cpu.gfni, "gfni");
    table_cases(&mut g, Enc::Sse);
    sse_customs(&mut g);
    g.run();
}

#[test]
fn avx_avx2_fma() {
    let mut g = Group::new("avx_avx2_fma", 8);
    if !g.needs(g.cpu.avx, "avx (the whole group)") {
        return g.run();
    }
    g.needs(g.cpu.avx2, "avx2");
    g.needs(g.cpu.fma, "fma");
    table_cases(&mut g, Enc::Vex);
    avx_customs(&mut g);
    g.run();
}

#[test]
fn avx512() {
    let mut g = Group::new("avx512", 9);
    if !g.needs(g.cpu.avx512f, "avx512f (the whole group)") {
        return g.run();
    }
    let c = g.cpu;
    for (have, what) in [
        (c.avx512bw, "avx512bw"),
        (c.avx512dq, "avx512dq"),
        (c.avx512vl, "avx512vl"),
        (c.avx512cd, "avx512cd"),
        (c.avx512vbmi, "avx512vbmi"),
        (c.avx512vbmi2, "avx512vbmi2"),
        (c.avx512vnni, "avx512vnni"),
        (c.avx512vpopcntdq, "avx512vpopcntdq"),
        (c.avx512bitalg, "avx512bitalg"),
        (c.avx512ifma, "avx512ifma"),
        (c.gfni, "gfni"),
        (c.vpclmulqdq, "vpclmulqdq"),
    ] {
        g.needs(have, what);
    }
    table_cases(&mut g, Enc::Evex);
    avx512_mask_cases(&mut g);
    avx512_cmp_cases(&mut g);
    avx512_data_cases(&mut g);
    avx512_rounding_cases(&mut g);
    avx512_scalar_mem_cases(&mut g);
    forced_encodings(&mut g);
    g.run();
}

// ---------------------------------------------------------------------------
// Vector instructions with their own shapes.

fn xr(n: u8) -> Reg {
    vreg(16, n)
}
fn yr(n: u8) -> Reg {
    vreg(32, n)
}
fn zr(n: u8) -> Reg {
    vreg(64, n)
}
fn kr(n: u8) -> Reg {
    Reg::new(RegClass::K, n).unwrap()
}

fn vget<T: Lane>(st: &State, x: Reg, i: usize) -> T {
    T::get(&st.v[x.num() as usize], i)
}

/// A case whose vector inputs are all "nice" floats of `N` bytes.
fn floats<const N: usize>(c: Case) -> Case {
    c.setup(|st, rng| {
        let f = if N == 4 { init_f32 } else { init_f64 };
        for v in st.v.iter_mut() {
            f(v, rng);
        }
        f(&mut st.mem, rng);
    })
}

/// The x86 comparison predicates (`cmpps` imm8, 0…31).
fn fcmp(p: u8, a: f64, b: f64) -> bool {
    use std::cmp::Ordering::*;
    let o = a.partial_cmp(&b);
    let r = match p & 7 {
        0 => o == Some(Equal),
        1 => o == Some(Less),
        2 => matches!(o, Some(Less | Equal)),
        3 => o.is_none(),
        4 => o != Some(Equal),
        5 => o != Some(Less),
        6 => !matches!(o, Some(Less | Equal)),
        _ => o.is_some(),
    };
    match p & 0x18 {
        // 8…15: EQ_UQ, NGE, NGT, FALSE, NEQ_OQ, GE, GT, TRUE
        0x08 => match p & 7 {
            0 => o.is_none() || o == Some(Equal),
            1 => !matches!(o, Some(Greater | Equal)),
            2 => o != Some(Greater),
            3 => false,
            4 => o.is_some() && o != Some(Equal),
            5 => matches!(o, Some(Greater | Equal)),
            6 => o == Some(Greater),
            _ => true,
        },
        // 16…31 repeat 0…15 with the other signalling behaviour.
        0x10 => fcmp(p & 7, a, b),
        0x18 => fcmp(p & 0xf, a, b),
        _ => r,
    }
}

fn crc32c(mut crc: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0x82f6_3b78 & (crc & 1).wrapping_neg());
        }
    }
    crc
}

/// Flags of `ucomiss`/`comiss`.
fn comi_flags(a: f64, b: f64) -> u64 {
    match a.partial_cmp(&b) {
        None => ZF | PF | CF,
        Some(std::cmp::Ordering::Less) => CF,
        Some(std::cmp::Ordering::Equal) => ZF,
        Some(std::cmp::Ordering::Greater) => 0,
    }
}

fn sse_customs(g: &mut Group) {
    let c = g.cpu;
    // ptest: ZF = (a & b) == 0, CF = (!a & b) == 0.
    if c.sse41 {
        for (a, b) in [(xr(3), r(xr(12))), (xr(9), m(mb(r10, 32)))] {
            g.add(
                Case::new(ins("ptest", &[r(a), b]), move |st| {
                    let (x, y) = (st.vrd(&r(a), 16), st.vrd(&b, 16));
                    let and = (0..16).all(|i| x[i] & y[i] == 0);
                    let andn = (0..16).all(|i| !x[i] & y[i] == 0);
                    st.set_flags(ARITH, if and { ZF } else { 0 } | if andn { CF } else { 0 });
                })
                .aligned()
                .setup(move |st, rng| {
                    // Make the zero results likely.
                    match rng.below(3) {
                        0 => st.v[a.num() as usize][..16].fill(0),
                        1 => st.v[a.num() as usize][..16].fill(0xff),
                        _ => {}
                    }
                }),
            );
        }
    }
    // Masks of sign bits into a general-purpose register.
    for (mn, e, d, s) in [
        ("pmovmskb", 1usize, r11d, xr(14)),
        ("movmskps", 4, eax, xr(2)),
        ("movmskpd", 8, r9d, xr(10)),
    ] {
        g.at("for (mn, e, d, s) in [");
        g.add(Case::new(ins(mn, &[r(d), r(s)]), move |st| {
            let v = st.v[s.num() as usize];
            let bits = (0..16 / e).fold(0u64, |acc, i| acc | ((v[i * e + e - 1] >> 7) as u64) << i);
            st.sg(d, bits);
        }));
    }
    // Inserts and extracts.
    let ins4: [(&str, usize, bool); 4] = [
        ("pinsrb", 1, c.sse41),
        ("pinsrw", 2, true),
        ("pinsrd", 4, c.sse41),
        ("pinsrq", 8, c.sse41),
    ];
    for (mn, e, have) in ins4 {
        g.at("for (mn, e, have) in ins4 {");
        if !have {
            continue;
        }
        let n = (16 / e) as i64;
        let gpr = gp(if e == 8 { 8 } else { 4 }, g.rng.pick(&[0u8, 3, 9, 15]));
        let x = xr(g.rng.below(16) as u8);
        let imm = g.rng.range(0, n);
        let mm = mb(r12, 8 * g.rng.range(-4, 4) + 1).sized(e as u16);
        for src in [r(gpr), m(mm)] {
            g.add(Case::new(ins(mn, &[r(x), src, im(imm)]), move |st| {
                let v = st.rd(&src, e);
                let at = imm as usize * e;
                st.v[x.num() as usize][at..at + e].copy_from_slice(&v.to_le_bytes()[..e]);
            }));
        }
        let ext: &'static str = Box::leak(mn.replace("ins", "ext").into_boxed_str());
        let dst = gp(if e == 8 { 8 } else { 4 }, g.rng.pick(&[1u8, 6, 8, 14]));
        let mm2 = mb(r13, g.rng.range(-50, 50)).sized(e as u16);
        let srcs: Vec<Operand<'static>> = if e == 2 && !c.sse41 {
            vec![r(dst)]
        } else {
            vec![r(dst), m(mm2)]
        };
        for d in srcs {
            g.add(Case::new(ins(ext, &[d, r(x), im(imm)]), move |st| {
                let at = imm as usize * e;
                let mut b = [0u8; 8];
                b[..e].copy_from_slice(&st.v[x.num() as usize][at..at + e]);
                let v = u64::from_le_bytes(b);
                match d {
                    Operand::Reg(q) => st.sg(q, v),
                    _ => st.wr(&d, e, v),
                }
            }));
        }
    }
    if c.sse41 {
        for (src, imm) in [
            // imm: source lane, destination lane, lanes to zero.
            (r(xr(7)), 0x94i64),
            (m(mb(rsi, 12).sized(4)), 0x31),
        ] {
            let d = xr(13);
            g.add(Case::new(
                ins("insertps", &[r(d), src, im(imm)]),
                move |st| {
                    let s = match src {
                        Operand::Reg(x) => vget::<u32>(st, x, (imm >> 6) as usize & 3),
                        _ => st.rd(&src, 4) as u32,
                    };
                    let dv = &mut st.v[d.num() as usize];
                    s.put(dv, (imm >> 4) as usize & 3);
                    for i in 0..4 {
                        if imm >> i & 1 != 0 {
                            0u32.put(dv, i);
                        }
                    }
                },
            ));
        }
        for (dst, imm) in [(r(r10d), 3i64), (m(mb(rdx, -8).sized(4)), 1)] {
            g.add(Case::new(
                ins("extractps", &[dst, r(xr(5)), im(imm)]),
                move |st| {
                    let v = vget::<u32>(st, xr(5), imm as usize) as u64;
                    st.wr(&dst, 4, v);
                },
            ));
        }
    }
    // movd/movq between general-purpose registers, memory and xmm (legacy
    // SSE leaves bits 128 and up alone).
    for (mn, e, gpr) in [("movd", 4usize, r14d), ("movq", 8, rbx)] {
        g.at("for (mn, e, gpr) in [(\"movd\", 4usize, r14d), (\"movq\", 8, rbx)] {");
        let x = xr(g.rng.below(16) as u8);
        let mm = mb(r8, 4 * g.rng.range(-20, 20)).sized(e as u16);
        for src in [r(gpr), m(mm)] {
            g.add(Case::new(ins(mn, &[r(x), src]), move |st| {
                let v = st.rd(&src, e);
                let mut val = [0u8; 64];
                val[..8].copy_from_slice(&v.to_le_bytes());
                st.vset(x, &val, 16, false);
            }));
            g.add(Case::new(ins(mn, &[src, r(x)]), move |st| {
                let v = u64::get(&st.v[x.num() as usize], 0) & mask(e);
                st.wr(&src, e, v);
            }));
        }
    }
    g.add(Case::new(ins("movq", &[r(xr(4)), r(xr(11))]), |st| {
        let mut val = [0u8; 64];
        val[..8].copy_from_slice(&st.v[11][..8]);
        st.vset(xr(4), &val, 16, false);
    }));
    // movss/movsd: register merges lane 0, memory loads zero the others.
    for (mn, e) in [("movss", 4usize), ("movsd", 8)] {
        g.at("for (mn, e) in [(\"movss\", 4usize), (\"movsd\", 8)] {");
        let (a, b) = (xr(g.rng.below(8) as u8), xr(8 + g.rng.below(8) as u8));
        g.add(Case::new(ins(mn, &[r(a), r(b)]), move |st| {
            let v = st.v[b.num() as usize];
            st.v[a.num() as usize][..e].copy_from_slice(&v[..e]);
        }));
        let mm = mb(r15, 8 * g.rng.range(-8, 8)).sized(e as u16);
        g.add(Case::new(ins(mn, &[r(b), m(mm)]), move |st| {
            let v = st.vrd(&m(mm), e);
            st.vset(b, &v, 16, false);
        }));
        g.add(Case::new(ins(mn, &[m(mm), r(a)]), move |st| {
            let v = st.v[a.num() as usize];
            st.stv(st.ea(&mm), &v[..e]);
        }));
    }
    // Whole-register moves, loads and stores.
    let mut movs = vec![
        "movaps", "movups", "movdqa", "movdqu", "movapd", "movupd", "movntdq",
    ];
    if c.sse3 {
        movs.push("lddqu");
    }
    if c.sse41 {
        movs.push("movntdqa");
    }
    for mn in movs {
        g.at("for mn in movs {");
        let x = xr(g.rng.below(16) as u8);
        let mm = mb(r9, 16 * g.rng.range(-16, 16));
        if mn != "movntdq" {
            g.add(
                Case::new(ins(mn, &[r(x), m(mm)]), move |st| {
                    let v = st.vrd(&m(mm), 16);
                    st.vset(x, &v, 16, false);
                })
                .aligned(),
            );
        }
        if !matches!(mn, "lddqu" | "movntdqa") {
            g.add(Case::new(ins(mn, &[m(mm), r(x)]), move |st| {
                let v = st.v[x.num() as usize];
                st.stv(st.ea(&mm), &v[..16]);
            }));
        }
    }
    for (mn, lo_dst, lo_src) in [("movhps", 8usize, 0usize), ("movlps", 0, 0)] {
        g.at("for (mn, lo_dst, lo_src) in [(\"movhps\", 8usize, 0usize), (\"movlps\", 0, 0)] {");
        let x = xr(g.rng.below(16) as u8);
        let mm = mb(rcx, 8 * g.rng.range(-16, 16));
        g.add(Case::new(ins(mn, &[r(x), m(mm)]), move |st| {
            let v = st.vrd(&m(mm), 8);
            st.v[x.num() as usize][lo_dst..lo_dst + 8].copy_from_slice(&v[lo_src..lo_src + 8]);
        }));
        g.add(Case::new(ins(mn, &[m(mm), r(x)]), move |st| {
            let v = st.v[x.num() as usize];
            st.stv(st.ea(&mm), &v[lo_dst..lo_dst + 8]);
        }));
    }
    g.add(Case::new(ins("movhlps", &[r(xr(1)), r(xr(9))]), |st| {
        let v = st.v[9];
        st.v[1][..8].copy_from_slice(&v[8..16]);
    }));
    g.add(Case::new(ins("movlhps", &[r(xr(15)), r(xr(0))]), |st| {
        let v = st.v[0];
        st.v[15][8..16].copy_from_slice(&v[..8]);
    }));
    // Comparisons into all-ones lanes, every predicate of the legacy forms.
    for p in 0..8u8 {
        g.at("for p in 0..8u8 {");
        for (mn, e) in [("cmpps", 4usize), ("cmppd", 8), ("cmpss", 4), ("cmpsd", 8)] {
            if p % 2 == 1 && mn.ends_with('s') && mn.len() == 5 && e == 8 {
                continue;
            }
            let scalar = mn.ends_with("ss") || mn == "cmpsd";
            let (a, b) = (xr(g.rng.below(16) as u8), g.rng.below(16) as u8);
            let src = if p % 3 == 0 {
                m(mb(rdi, 16 * g.rng.range(-8, 8)).sized(if scalar { e as u16 } else { 16 }))
            } else {
                r(xr(if b == a.num() { (b + 1) % 16 } else { b }))
            };
            let case = Case::new(ins(mn, &[r(a), src, im(p as i64)]), move |st| {
                let x = st.v[a.num() as usize];
                let y = st.vrd(&src, 16);
                let n = if scalar { 1 } else { 16 / e };
                for i in 0..n {
                    let (u, v) = if e == 4 {
                        (f32::get(&x, i) as f64, f32::get(&y, i) as f64)
                    } else {
                        (f64::get(&x, i), f64::get(&y, i))
                    };
                    let t = if fcmp(p, u, v) { 0xffu8 } else { 0 };
                    st.v[a.num() as usize][i * e..(i + 1) * e].fill(t);
                }
            })
            .aligned()
            .setup(move |st, rng| {
                // Equal lanes sometimes.
                if rng.below(2) == 0 {
                    let v = st.v[a.num() as usize];
                    if let Operand::Reg(q) = src {
                        st.v[q.num() as usize][..8].copy_from_slice(&v[..8]);
                    }
                }
            });
            g.add(if e == 4 {
                floats::<4>(case)
            } else {
                floats::<8>(case)
            });
        }
    }
    // Variable blends with the implicit xmm0.
    if c.sse41 {
        for (mn, e) in [("blendvps", 4usize), ("blendvpd", 8), ("pblendvb", 1)] {
            let a = xr(1 + g.rng.below(15) as u8);
            let b = xr(1 + g.rng.below(15) as u8);
            let srcs = [
                if a == b { r(xr(0)) } else { r(b) },
                m(mb(rax, 16 * g.rng.range(-8, 8))),
            ];
            for src in srcs {
                g.add(
                    Case::new(ins(mn, &[r(a), src]), move |st| {
                        let y = st.vrd(&src, 16);
                        let sel = st.v[0];
                        for i in 0..16 / e {
                            if sel[i * e + e - 1] & 0x80 != 0 {
                                st.v[a.num() as usize][i * e..(i + 1) * e]
                                    .copy_from_slice(&y[i * e..(i + 1) * e]);
                            }
                        }
                    })
                    .aligned(),
                );
            }
        }
    }
    // Integer ↔ float scalar conversions.
    for (mn, e, gb) in [
        ("cvtsi2ss", 4usize, 4usize),
        ("cvtsi2ss", 4, 8),
        ("cvtsi2sd", 8, 4),
        ("cvtsi2sd", 8, 8),
    ] {
        g.at("for (mn, e, gb) in [");
        let x = xr(g.rng.below(16) as u8);
        let gpr = gp(gb, g.rng.pick(&[2u8, 5, 8, 13]));
        let mm = mb(r11, 4 * g.rng.range(-8, 8)).sized(gb as u16);
        for src in [r(gpr), m(mm)] {
            g.add(
                Case::new(ins(mn, &[r(x), src]), move |st| {
                    let v = sext(st.rd(&src, gb), gb) as i64;
                    let dv = &mut st.v[x.num() as usize];
                    if e == 4 {
                        (v as f32).put(dv, 0);
                    } else {
                        (v as f64).put(dv, 0);
                    }
                })
                .setup(move |st, rng| {
                    // Small values, and values that need rounding.
                    let v = rng.next() >> rng.below(64);
                    st.wr(
                        &src,
                        gb,
                        if rng.below(2) == 0 {
                            v
                        } else {
                            v.wrapping_neg()
                        },
                    );
                }),
            );
        }
    }
    for (mn, e, gb) in [
        ("cvtss2si", 4usize, 4usize),
        ("cvttss2si", 4, 8),
        ("cvtsd2si", 8, 8),
        ("cvttsd2si", 8, 4),
    ] {
        g.at("for (mn, e, gb) in [");
        let x = xr(g.rng.below(16) as u8);
        let d = gp(gb, g.rng.pick(&[1u8, 7, 10, 12]));
        let mm = mb(rbp, 8 * g.rng.range(-8, 8)).sized(e as u16);
        for src in [r(x), m(mm)] {
            let trunc = mn.starts_with("cvtt");
            let case = Case::new(ins(mn, &[r(d), src]), move |st| {
                let v = st.vrd(&src, e);
                let f = if e == 4 {
                    f32::get(&v, 0) as f64
                } else {
                    f64::get(&v, 0)
                };
                let f = if trunc {
                    f.trunc()
                } else {
                    f.round_ties_even()
                };
                let i = if gb == 4 {
                    cvt_i32(f) as i64
                } else {
                    cvt_i64(f)
                };
                st.sg(d, i as u64 & mask(gb));
            });
            g.add(if e == 4 {
                floats::<4>(case)
            } else {
                floats::<8>(case)
            });
        }
    }
    // Ordered comparisons into flags.
    for (mn, e) in [
        ("ucomiss", 4usize),
        ("comiss", 4),
        ("ucomisd", 8),
        ("comisd", 8),
    ] {
        g.at("for (mn, e) in [");
        let a = xr(g.rng.below(16) as u8);
        let b = xr((a.num() + 1 + g.rng.below(15) as u8) % 16);
        let mm = mb(r14, 8 * g.rng.range(-8, 8)).sized(e as u16);
        for src in [r(b), m(mm)] {
            let case = Case::new(ins(mn, &[r(a), src]), move |st| {
                let (x, y) = (st.v[a.num() as usize], st.vrd(&src, e));
                let (u, v) = if e == 4 {
                    (f32::get(&x, 0) as f64, f32::get(&y, 0) as f64)
                } else {
                    (f64::get(&x, 0), f64::get(&y, 0))
                };
                st.set_flags(ARITH, comi_flags(u, v));
            })
            .setup(move |st, rng| {
                if rng.below(3) == 0 {
                    let v = st.v[a.num() as usize];
                    match src {
                        Operand::Reg(q) => st.v[q.num() as usize][..e].copy_from_slice(&v[..e]),
                        _ => st.wr(&src, e, u64::get(&v, 0) & mask(e)),
                    }
                }
            });
            g.add(if e == 4 {
                floats::<4>(case)
            } else {
                floats::<8>(case)
            });
        }
    }
    // crc32 (SSE4.2)
    if c.sse42 {
        for (db, sb) in [(4usize, 1usize), (4, 2), (4, 4), (8, 1), (8, 8)] {
            let d = gp(db, g.rng.pick(&[0u8, 6, 9, 15]));
            let s = pick_gp(&mut g.rng, sb, &[d.num()], false, false);
            let mm = mb(rsi, g.rng.range(-64, 64)).sized(sb as u16);
            for src in [r(s), m(mm)] {
                g.add(Case::new(ins("crc32", &[r(d), src]), move |st| {
                    let v = st.rd(&src, sb);
                    let crc = crc32c(st.g(d) as u32, &v.to_le_bytes()[..sb]);
                    st.sg(d, crc as u64);
                }));
            }
        }
    }
    // maskmovdqu: a byte-masked store to [rdi].
    g.add(
        Case::new(
            ins("maskmovdqu", &[m(Mem::base(rdi)), r(xr(6)), r(xr(13))]),
            |st| {
                let (v, msk) = (st.v[6], st.v[13]);
                for i in 0..16 {
                    if msk[i] & 0x80 != 0 {
                        let a = st.gp[7] + i as u64;
                        st.st(a, 1, v[i] as u64);
                    }
                }
            },
        )
        .manual_mem()
        .setup(|st, rng| st.gp[7] = st.membase + 8192 + rng.range(0, 64) as u64),
    );
}

/// IEEE half to single (exact; a signalling NaN is quieted).
fn h2f(h: u16) -> f32 {
    let s = (h >> 15) as u32;
    let e = (h >> 10 & 0x1f) as u32;
    let mt = (h & 0x3ff) as u32;
    match e {
        0 => {
            let v = mt as f32 * 2f32.powi(-24);
            if s == 1 {
                -v
            } else {
                v
            }
        }
        31 => f32::from_bits(s << 31 | 0xff << 23 | mt << 13 | if mt != 0 { 1 << 22 } else { 0 }),
        _ => f32::from_bits(s << 31 | (e + 127 - 15) << 23 | mt << 13),
    }
}

/// Single to half, for values a half holds exactly.
fn f2h(x: f32) -> u16 {
    let b = x.to_bits();
    let s = ((b >> 31) as u16) << 15;
    let a = x.abs();
    if a == 0.0 {
        return s;
    }
    if a.is_infinite() {
        return s | 0x7c00;
    }
    if a < 2f32.powi(-14) {
        let mt = (a * 2f32.powi(24)) as u16;
        return s | mt;
    }
    let e = ((b >> 23) & 0xff) as u16 + 15 - 127;
    s | e << 10 | ((b >> 13) & 0x3ff) as u16
}

fn avx_customs(g: &mut Group) {
    let c = g.cpu;
    // vptest, vtestps, vtestpd on both widths.
    for (mn, e, w) in [
        ("vptest", 1usize, 32usize),
        ("vptest", 1, 16),
        ("vtestps", 4, 32),
        ("vtestpd", 8, 16),
    ] {
        g.at("for (mn, e, w) in [");
        let (a, b) = (
            vreg(w, g.rng.below(8) as u8),
            vreg(w, 8 + g.rng.below(8) as u8),
        );
        for src in [r(b), m(mb(r8, g.rng.range(-100, 100)).sized(w as u16))] {
            g.add(
                Case::new(ins(mn, &[r(a), src]), move |st| {
                    let (x, y) = (st.vrd(&r(a), w), st.vrd(&src, w));
                    let bit = |v: u8, i: usize| {
                        if e == 1 {
                            v != 0
                        } else {
                            (i % e == e - 1) && v & 0x80 != 0
                        }
                    };
                    let zf = (0..w).all(|i| !bit(x[i] & y[i], i));
                    let cf = (0..w).all(|i| !bit(!x[i] & y[i], i));
                    st.set_flags(ARITH, if zf { ZF } else { 0 } | if cf { CF } else { 0 });
                })
                .setup(move |st, rng| match rng.below(3) {
                    0 => st.v[a.num() as usize].fill(0),
                    1 => st.v[a.num() as usize].fill(0xff),
                    _ => {}
                }),
            );
        }
    }
    for (mn, e, d) in [
        ("vmovmskps", 4usize, r12d),
        ("vpmovmskb", 1, edx),
        ("vmovmskpd", 8, r8d),
    ] {
        g.at("for (mn, e, d) in [");
        if mn == "vpmovmskb" && !c.avx2 {
            continue;
        }
        let s = yr(g.rng.below(16) as u8);
        g.add(Case::new(ins(mn, &[r(d), r(s)]), move |st| {
            let v = st.v[s.num() as usize];
            let bits = (0..32 / e).fold(0u64, |acc, i| acc | ((v[i * e + e - 1] >> 7) as u64) << i);
            st.sg(d, bits);
        }));
    }
    // Extracts and inserts of 128-bit halves, broadcasts of them.
    for (mn, have) in [("vextracti128", c.avx2), ("vextractf128", true)] {
        g.at("for (mn, have) in [(\"vextracti128\", c.avx2), (\"vextractf128\", true)] {");
        if !have {
            continue;
        }
        let s = yr(g.rng.below(16) as u8);
        let d = xr(g.rng.below(16) as u8);
        let mm = mb(rdx, 16 * g.rng.range(-8, 8) + 3);
        for (dst, imm) in [(r(d), 1i64), (m(mm), 0)] {
            g.add(Case::new(ins(mn, &[dst, r(s), im(imm)]), move |st| {
                let v = st.v[s.num() as usize];
                let mut h = [0u8; 64];
                h[..16].copy_from_slice(&v[16 * imm as usize..16 * imm as usize + 16]);
                st.vwr(&dst, &h, 16, true);
            }));
        }
    }
    for (mn, have) in [("vbroadcasti128", c.avx2), ("vbroadcastf128", true)] {
        g.at("for (mn, have) in [(\"vbroadcasti128\", c.avx2), (\"vbroadcastf128\", true)] {");
        if have {
            let d = yr(g.rng.below(16) as u8);
            let mm = mb(r13, g.rng.range(-100, 100));
            g.add(Case::new(ins(mn, &[r(d), m(mm)]), move |st| {
                let v = st.vrd(&m(mm), 16);
                let mut x = v;
                x.copy_within(0..16, 16);
                st.vset(d, &x, 32, true);
            }));
        }
    }
    // Variable blends with a fourth register (is4).
    for (mn, e, have) in [
        ("vblendvps", 4usize, true),
        ("vblendvpd", 8, true),
        ("vpblendvb", 1, c.avx2),
    ] {
        g.at("for (mn, e, have) in [");
        if !have {
            continue;
        }
        for w in [16usize, 32] {
            let n: Vec<u8> = {
                let mut v: Vec<u8> = (0..16).collect();
                for i in (1..16).rev() {
                    v.swap(i, g.rng.below(i + 1));
                }
                v
            };
            let (d, a, b, sel) = (vreg(w, n[0]), vreg(w, n[1]), vreg(w, n[2]), vreg(w, n[3]));
            let srcs = [r(b), m(mb(r10, g.rng.range(-90, 90)).sized(w as u16))];
            for src in srcs {
                g.add(Case::new(ins(mn, &[r(d), r(a), src, r(sel)]), move |st| {
                    let (x, y, s) = (st.vrd(&r(a), w), st.vrd(&src, w), st.v[sel.num() as usize]);
                    let mut res = x;
                    for i in 0..w / e {
                        if s[i * e + e - 1] & 0x80 != 0 {
                            res[i * e..(i + 1) * e].copy_from_slice(&y[i * e..(i + 1) * e]);
                        }
                    }
                    st.vset(d, &res, w, true);
                }));
            }
        }
    }
    // Masked loads and stores.
    for (mn, e, have) in [
        ("vpmaskmovd", 4usize, c.avx2),
        ("vpmaskmovq", 8, c.avx2),
        ("vmaskmovps", 4, true),
    ] {
        g.at("for (mn, e, have) in [");
        if !have {
            continue;
        }
        for w in [16usize, 32] {
            let (d, k) = (
                vreg(w, g.rng.below(16) as u8),
                vreg(w, g.rng.below(16) as u8),
            );
            let k = if k == d {
                vreg(w, (d.num() + 3) % 16)
            } else {
                k
            };
            let mm = mb(rbx, g.rng.range(-100, 100));
            g.add(Case::new(ins(mn, &[r(d), r(k), m(mm)]), move |st| {
                let (x, msk) = (st.vrd(&m(mm), w), st.v[k.num() as usize]);
                let mut res = [0u8; 64];
                for i in 0..w / e {
                    if msk[i * e + e - 1] & 0x80 != 0 {
                        res[i * e..(i + 1) * e].copy_from_slice(&x[i * e..(i + 1) * e]);
                    }
                }
                st.vset(d, &res, w, true);
            }));
            g.add(Case::new(ins(mn, &[m(mm), r(k), r(d)]), move |st| {
                let (x, msk) = (st.v[d.num() as usize], st.v[k.num() as usize]);
                let at = st.ea(&mm);
                for i in 0..w / e {
                    if msk[i * e + e - 1] & 0x80 != 0 {
                        st.stv(at + (i * e) as u64, &x[i * e..(i + 1) * e]);
                    }
                }
            }));
        }
    }
    // Gathers: dword and qword indices, the mask cleared afterwards.
    if c.avx2 {
        for (mn, e, ie, w, iw) in [
            ("vpgatherdd", 4usize, 4usize, 32usize, 32usize),
            ("vpgatherdd", 4, 4, 16, 16),
            ("vgatherqps", 4, 8, 16, 32),
            ("vpgatherqq", 8, 8, 32, 32),
            ("vgatherdpd", 8, 4, 32, 16),
        ] {
            let mut n: Vec<u8> = (0..16).collect();
            for i in (1..16).rev() {
                n.swap(i, g.rng.below(i + 1));
            }
            let (d, x, k) = (vreg(w, n[0]), vreg(iw, n[1]), vreg(w, n[2]));
            let scale = if e == 8 { 8 } else { g.rng.pick(&[1u8, 2, 4]) };
            let base = pick_gp(&mut g.rng, 8, &[], false, false);
            let disp = g.rng.range(-64, 64);
            let mm = Mem::base(base).index(x, scale).disp(disp);
            let lanes = w / e;
            g.add(
                Case::new(ins(mn, &[r(d), m(mm), r(k)]), move |st| {
                    let b = st.g(base).wrapping_add(disp as u64);
                    let (idx, msk) = (st.v[x.num() as usize], st.v[k.num() as usize]);
                    let mut res = st.v[d.num() as usize];
                    for i in 0..lanes {
                        if msk[i * e + e - 1] & 0x80 != 0 {
                            let j = if ie == 4 {
                                i32::get(&idx, i) as i64
                            } else {
                                i64::get(&idx, i)
                            };
                            let a = b.wrapping_add((j * scale as i64) as u64);
                            let v = st.ldv(a, e);
                            res[i * e..(i + 1) * e].copy_from_slice(&v[..e]);
                        }
                    }
                    st.vset(d, &res, w, true);
                    st.vset(k, &[0; 64], w, true);
                })
                .setup(move |st, rng| {
                    let v = &mut st.v[x.num() as usize];
                    for i in 0..64 / ie {
                        let j = rng.range(-32, 96);
                        if ie == 4 {
                            (j as i32).put(v, i);
                        } else {
                            j.put(v, i);
                        }
                    }
                }),
            );
        }
    }
    // vzeroupper and vzeroall: registers 0…15 only.
    g.add(Case::new(ins("vzeroupper", &[]), |st| {
        for v in st.v[..16].iter_mut() {
            v[16..].fill(0);
        }
    }));
    g.add(Case::new(ins("vzeroall", &[]), |st| {
        for v in st.v[..16].iter_mut() {
            v.fill(0);
        }
    }));
    // Narrowing conversions from ymm.
    for (mn, to_int) in [("vcvtpd2ps", false), ("vcvttpd2dq", true)] {
        g.at("for (mn, to_int) in [(\"vcvtpd2ps\", false), (\"vcvttpd2dq\", true)] {");
        let d = xr(g.rng.below(16) as u8);
        let s = yr(g.rng.below(16) as u8);
        for src in [r(s), m(mb(r15, 8 * g.rng.range(-12, 12)).sized(32))] {
            g.add(floats::<8>(Case::new(ins(mn, &[r(d), src]), move |st| {
                let v = st.vrd(&src, 32);
                let mut res = [0u8; 64];
                for i in 0..4 {
                    let x = f64::get(&v, i);
                    if to_int {
                        cvt_i32(x.trunc()).put(&mut res, i);
                    } else {
                        (x as f32).put(&mut res, i);
                    }
                }
                st.vset(d, &res, 16, true);
            })));
        }
    }
    // Half precision (F16C).
    if g.needs(c.f16c, "f16c") {
        for w in [16usize, 32] {
            let d = vreg(w, g.rng.below(16) as u8);
            let s = xr(g.rng.below(16) as u8);
            for src in [r(s), m(mb(r9, g.rng.range(-99, 99)).sized((w / 2) as u16))] {
                g.add(Case::new(ins("vcvtph2ps", &[r(d), src]), move |st| {
                    let v = st.vrd(&src, w / 2);
                    let res = map1::<u16, f32>(&v, w, h2f);
                    st.vset(d, &res, w, true);
                }));
            }
            let x = vreg(w, g.rng.below(16) as u8);
            let hx = xr(g.rng.below(16) as u8);
            for dst in [
                r(hx),
                m(mb(r11, g.rng.range(-99, 99)).sized((w / 2) as u16)),
            ] {
                g.add(
                    Case::new(ins("vcvtps2ph", &[dst, r(x), im(4)]), move |st| {
                        let v = st.v[x.num() as usize];
                        let res = map1::<f32, u16>(&v, w / 2, f2h);
                        st.vwr(&dst, &res, w / 2, true);
                        if let Operand::Reg(q) = dst {
                            st.vset(q, &res, 16, true);
                        }
                    })
                    .setup(move |st, rng| {
                        // Singles that halves hold exactly.
                        let v = &mut st.v[x.num() as usize];
                        for i in 0..16 {
                            let h = loop {
                                let h = rng.next() as u16;
                                if h & 0x7c00 != 0x7c00 {
                                    break h;
                                }
                            };
                            h2f(h).put(v, i);
                        }
                    }),
                );
            }
        }
    }
    // VEX moves and element inserts/extracts (zeroing up to the widest register).
    let x = xr(3);
    g.add(Case::new(ins("vmovd", &[r(x), r(r13d)]), move |st| {
        let mut v = [0u8; 64];
        v[..4].copy_from_slice(&st.gp[13].to_le_bytes()[..4]);
        st.vset(x, &v, 16, true);
    }));
    g.add(Case::new(ins("vmovq", &[r(rsi), r(xr(12))]), |st| {
        st.gp[6] = u64::get(&st.v[12], 0)
    }));
    g.add(Case::new(
        ins("vmovss", &[r(xr(1)), r(xr(2)), r(xr(14))]),
        |st| {
            let mut v = st.v[2];
            v[..4].copy_from_slice(&st.v[14][..4]);
            st.vset(xr(1), &v, 16, true);
        },
    ));
    let mm = mb(rdi, 44).sized(8);
    g.add(Case::new(ins("vmovsd", &[r(xr(10)), m(mm)]), move |st| {
        let v = st.vrd(&m(mm), 8);
        st.vset(xr(10), &v, 16, true);
    }));
    for (d, a, src, imm) in [
        (xr(5), xr(11), r(ecx), 2i64),
        (xr(8), xr(0), m(mb(rbp, -20).sized(4)), 3),
    ] {
        g.at("for (d, a, src, imm) in [");
        g.add(Case::new(
            ins("vpinsrd", &[r(d), r(a), src, im(imm)]),
            move |st| {
                let mut v = st.v[a.num() as usize];
                (st.rd(&src, 4) as u32).put(&mut v, imm as usize);
                st.vset(d, &v, 16, true);
            },
        ));
    }
    for (dst, imm) in [(r(r10), 1i64), (m(mb(rax, 9).sized(8)), 0)] {
        g.at("for (dst, imm) in [(r(r10), 1i64), (m(mb(rax, 9).sized(8)), 0)] {");
        g.add(Case::new(
            ins("vpextrq", &[dst, r(xr(13)), im(imm)]),
            move |st| {
                let v = u64::get(&st.v[13], imm as usize);
                st.wr(&dst, 8, v);
            },
        ));
    }
    for (mn, align) in [("vmovdqu", false), ("vmovaps", true), ("vmovupd", false)] {
        g.at("for (mn, align) in [(\"vmovdqu\", false), (\"vmovaps\", true), (\"vmovupd\", false)] {");
        let y = yr(g.rng.below(16) as u8);
        let mm = mb(
            r12,
            if align {
                32 * g.rng.range(-4, 4)
            } else {
                g.rng.range(-99, 99)
            },
        );
        g.add(Case::new(ins(mn, &[r(y), m(mm)]), move |st| {
            let v = st.vrd(&m(mm), 32);
            st.vset(y, &v, 32, true);
        }));
        g.add(Case::new(ins(mn, &[m(mm), r(y)]), move |st| {
            let v = st.v[y.num() as usize];
            st.stv(st.ea(&mm), &v[..32]);
        }));
    }
}

// ---------------------------------------------------------------------------
// AVX-512: masks, comparisons into masks, compress/expand, conversions,
// gathers and scatters, embedded rounding.

fn next_up32(x: f32) -> f32 {
    if x == 0.0 {
        f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(x.to_bits() + 1)
    } else {
        f32::from_bits(x.to_bits() - 1)
    }
}
fn next_down32(x: f32) -> f32 {
    -next_up32(-x)
}
fn next_up64(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}
fn next_down64(x: f64) -> f64 {
    -next_up64(-x)
}

/// Knuth's TwoSum: `a + b == s + e` exactly.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// The single-precision rounding, toward `rc`, of the exact value `t + e`
/// (`e` is zero or smaller than half an ulp of `t` in double precision).
fn dir32(t: f64, e: f64, rc: Rounding) -> f32 {
    let down = |t: f64, e: f64| {
        let r = t as f32;
        if r as f64 > t || (r as f64 == t && e < 0.0) {
            next_down32(r)
        } else {
            r
        }
    };
    match rc {
        Rounding::Nearest => panic!("dir32 is for directed rounding"),
        Rounding::Down => down(t, e),
        Rounding::Up => -down(-t, -e),
        Rounding::Zero => {
            if t > 0.0 || (t == 0.0 && e > 0.0) {
                down(t, e)
            } else {
                -down(-t, -e)
            }
        }
    }
}

/// The same in double precision for `t + e` where `t` is the rounded-to-nearest result.
fn dir64(t: f64, e: f64, rc: Rounding) -> f64 {
    let down = |t: f64, e: f64| if e < 0.0 { next_down64(t) } else { t };
    match rc {
        Rounding::Nearest => t,
        Rounding::Down => down(t, e),
        Rounding::Up => -down(-t, -e),
        Rounding::Zero => {
            if t > 0.0 {
                down(t, e)
            } else {
                -down(-t, -e)
            }
        }
    }
}

/// The sign of an exact zero sum `x + y`: that of the operands if they
/// agree (two zeros), otherwise -0 when rounding down and +0 else.
fn zero_sum(x: f64, y: f64, rc: Rounding) -> f64 {
    if x.is_sign_negative() == y.is_sign_negative() {
        x
    } else if rc == Rounding::Down {
        -0.0
    } else {
        0.0
    }
}

/// `op` on singles under rounding `rc` (exact value computed in double, as
/// a sum with an error term).
fn round_op32(op: &str, a: f32, b: f32, rc: Rounding) -> f32 {
    let (x, y) = (a as f64, b as f64);
    let native = match op {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        "div" => a / b,
        _ => a.sqrt(),
    };
    if rc == Rounding::Nearest {
        return native;
    }
    let (t, e) = match op {
        "add" => two_sum(x, y),
        "sub" => two_sum(x, -y),
        "mul" => (x * y, 0.0),
        "div" => {
            let t = x / y;
            (t, t.mul_add(-y, x) / y)
        }
        _ => {
            let t = x.sqrt();
            (
                t,
                if t == 0.0 {
                    0.0
                } else {
                    t.mul_add(-t, x) / (2.0 * t)
                },
            )
        }
    };
    if t == 0.0 && e == 0.0 && matches!(op, "add" | "sub") {
        return zero_sum(x, if op == "sub" { -y } else { y }, rc) as f32;
    }
    dir32(t, e, rc)
}

fn round_op64(op: &str, a: f64, b: f64, rc: Rounding) -> f64 {
    let (t, e) = match op {
        "add" => two_sum(a, b),
        "sub" => two_sum(a, -b),
        "mul" => {
            let t = a * b;
            (t, a.mul_add(b, -t))
        }
        _ => {
            let t = a / b;
            (t, t.mul_add(-b, a) / b)
        }
    };
    if t == 0.0 && e == 0.0 && matches!(op, "add" | "sub") {
        return zero_sum(a, if op == "sub" { -b } else { b }, rc);
    }
    dir64(t, e, rc)
}

/// Three distinct vector register numbers from 0…31 with at least one of 16…31.
fn three(rng: &mut Rng) -> [u8; 3] {
    let mut n: Vec<u8> = (0..32).collect();
    for i in (1..32).rev() {
        n.swap(i, rng.below(i + 1));
    }
    if n[..3].iter().all(|&x| x < 16) {
        n[1] |= 16;
    }
    [n[0], n[1], n[2]]
}

fn pick_k(rng: &mut Rng) -> Reg {
    kr(rng.range(1, 8) as u8)
}

/// Applies `k` (merge, or zero with `z`) to `res` over elements of `e` bytes.
fn apply_mask(res: &mut V, old: &V, kv: Option<u64>, z: bool, e: usize, w: usize) {
    if let Some(kv) = kv {
        for i in 0..w / e {
            if kv >> i & 1 == 0 {
                if z {
                    res[i * e..(i + 1) * e].fill(0);
                } else {
                    res[i * e..(i + 1) * e].copy_from_slice(&old[i * e..(i + 1) * e]);
                }
            }
        }
    }
}

fn avx512_mask_cases(g: &mut Group) {
    let c = g.cpu;
    let (bw, dq) = (c.avx512bw, c.avx512dq);
    // kmov between masks, general-purpose registers and memory.
    for (mn, bits, have) in [
        ("kmovw", 16u32, true),
        ("kmovb", 8, dq),
        ("kmovd", 32, bw),
        ("kmovq", 64, bw),
    ] {
        g.at("for (mn, bits, have) in [");
        if !have {
            continue;
        }
        let mk = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let gb = if bits == 64 { 8 } else { 4 };
        let (ka, kb) = (pick_k(&mut g.rng), kr(g.rng.below(8) as u8));
        let gpr = gp(gb, g.rng.pick(&[0u8, 5, 9, 14]));
        let mm = mb(r14, g.rng.range(-40, 40)).sized((bits / 8) as u16);
        g.add(Case::new(ins(mn, &[r(ka), r(gpr)]), move |st| {
            st.k[ka.num() as usize] = st.g(gpr) & mk
        }));
        g.add(Case::new(ins(mn, &[r(gpr), r(kb)]), move |st| {
            let v = st.k[kb.num() as usize] & mk;
            st.sg(gpr, v);
        }));
        g.add(Case::new(ins(mn, &[r(ka), m(mm)]), move |st| {
            st.k[ka.num() as usize] = st.ld(st.ea(&mm), (bits / 8) as usize)
        }));
        g.add(Case::new(ins(mn, &[m(mm), r(kb)]), move |st| {
            let v = st.k[kb.num() as usize];
            st.st(st.ea(&mm), (bits / 8) as usize, v);
        }));
        if ka != kb {
            g.add(Case::new(ins(mn, &[r(ka), r(kb)]), move |st| {
                st.k[ka.num() as usize] = st.k[kb.num() as usize] & mk
            }));
        }
    }
    // Logic, shifts, additions, unpacks.
    type KLogic = fn(u64, u64) -> u64;
    let logic: [(&str, KLogic); 6] = [
        ("kand", |a, b| a & b),
        ("kor", |a, b| a | b),
        ("kxor", |a, b| a ^ b),
        ("kxnor", |a, b| !(a ^ b)),
        ("kandn", |a, b| !a & b),
        ("kadd", |a, b| a.wrapping_add(b)),
    ];
    for (base, f) in logic {
        g.at("for (base, f) in logic {");
        for (suffix, bits, have) in [
            ("w", 16u32, base != "kadd" || dq),
            ("b", 8, dq),
            ("d", 32, bw),
            ("q", 64, bw),
        ] {
            if !have {
                continue;
            }
            let mn: &'static str = Box::leak(format!("{base}{suffix}").into_boxed_str());
            let mk = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let (d, a, b) = (
                kr(g.rng.below(8) as u8),
                kr(g.rng.below(8) as u8),
                kr(g.rng.below(8) as u8),
            );
            g.add(Case::new(ins(mn, &[r(d), r(a), r(b)]), move |st| {
                let v = f(st.k[a.num() as usize], st.k[b.num() as usize]) & mk;
                st.k[d.num() as usize] = v;
            }));
        }
    }
    for (mn, bits, have) in [("knotw", 16u32, true), ("knotq", 64, bw)] {
        g.at("for (mn, bits, have) in [(\"knotw\", 16u32, true), (\"knotq\", 64, bw)] {");
        if have {
            let mk = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let (d, a) = (kr(g.rng.below(8) as u8), kr(g.rng.below(8) as u8));
            g.add(Case::new(ins(mn, &[r(d), r(a)]), move |st| {
                st.k[d.num() as usize] = !st.k[a.num() as usize] & mk
            }));
        }
    }
    for (mn, bits, left, have) in [
        ("kshiftlw", 16u32, true, true),
        ("kshiftrw", 16, false, true),
        ("kshiftlq", 64, true, bw),
        ("kshiftrd", 32, false, bw),
        ("kshiftlb", 8, true, dq),
    ] {
        g.at("for (mn, bits, left, have) in [");
        if !have {
            continue;
        }
        let mk = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let (d, a) = (kr(g.rng.below(8) as u8), kr(g.rng.below(8) as u8));
        let n = g.rng.range(1, bits as i64);
        g.add(Case::new(ins(mn, &[r(d), r(a), im(n)]), move |st| {
            let v = st.k[a.num() as usize] & mk;
            st.k[d.num() as usize] = if left { (v << n) & mk } else { v >> n };
        }));
    }
    for (mn, half, have) in [
        ("kunpckbw", 8u32, true),
        ("kunpckwd", 16, bw),
        ("kunpckdq", 32, bw),
    ] {
        g.at("for (mn, half, have) in [");
        if have {
            let (d, a, b) = (
                kr(g.rng.below(8) as u8),
                kr(g.rng.below(8) as u8),
                kr(g.rng.below(8) as u8),
            );
            let hm = (1u64 << half) - 1;
            g.add(Case::new(ins(mn, &[r(d), r(a), r(b)]), move |st| {
                let v = (st.k[a.num() as usize] & hm) << half | (st.k[b.num() as usize] & hm);
                st.k[d.num() as usize] = v;
            }));
        }
    }
    for (mn, bits, test, have) in [
        ("kortestw", 16u32, false, true),
        ("kortestq", 64, false, bw),
        ("ktestw", 16, true, dq),
        ("ktestb", 8, true, dq),
    ] {
        g.at("for (mn, bits, test, have) in [");
        if !have {
            continue;
        }
        let mk = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let (a, b) = (kr(g.rng.below(8) as u8), kr(g.rng.below(8) as u8));
        g.add(
            Case::new(ins(mn, &[r(a), r(b)]), move |st| {
                let (x, y) = (st.k[a.num() as usize] & mk, st.k[b.num() as usize] & mk);
                let (zf, cf) = if test {
                    (x & y == 0, !x & y & mk == 0)
                } else {
                    (x | y == 0, x | y == mk)
                };
                st.set_flags(ARITH, if zf { ZF } else { 0 } | if cf { CF } else { 0 });
            })
            .setup(move |st, rng| match rng.below(4) {
                0 => st.k[a.num() as usize] = 0,
                1 => st.k[a.num() as usize] = u64::MAX,
                _ => {}
            }),
        );
    }
}

/// Comparisons into mask registers.
fn avx512_cmp_cases(g: &mut Group) {
    let c = g.cpu;
    type Pred = fn(&V, &V, usize, u8) -> bool;
    fn icmp<T: Lane + PartialOrd>(a: T, b: T, p: u8) -> bool {
        match p & 7 {
            0 => a == b,
            1 => a < b,
            2 => a <= b,
            3 => false,
            4 => a != b,
            5 => a >= b,
            6 => a > b,
            _ => true,
        }
    }
    let ops: Vec<(&str, usize, bool, Option<u8>, Pred)> = vec![
        ("vpcmpd", 4, true, Some(1), |a, b, i, p| {
            icmp(i32::get(a, i), i32::get(b, i), p)
        }),
        ("vpcmpud", 4, true, Some(6), |a, b, i, p| {
            icmp(u32::get(a, i), u32::get(b, i), p)
        }),
        ("vpcmpq", 8, true, Some(2), |a, b, i, p| {
            icmp(i64::get(a, i), i64::get(b, i), p)
        }),
        ("vpcmpuq", 8, true, Some(5), |a, b, i, p| {
            icmp(u64::get(a, i), u64::get(b, i), p)
        }),
        ("vpcmpb", 1, c.avx512bw, Some(4), |a, b, i, p| {
            icmp(i8::get(a, i), i8::get(b, i), p)
        }),
        ("vpcmpuw", 2, c.avx512bw, Some(1), |a, b, i, p| {
            icmp(u16::get(a, i), u16::get(b, i), p)
        }),
        ("vpcmpeqd", 4, true, None, |a, b, i, _| {
            u32::get(a, i) == u32::get(b, i)
        }),
        ("vpcmpgtq", 8, true, None, |a, b, i, _| {
            i64::get(a, i) > i64::get(b, i)
        }),
        ("vpcmpeqb", 1, c.avx512bw, None, |a, b, i, _| a[i] == b[i]),
        ("vptestmd", 4, true, None, |a, b, i, _| {
            u32::get(a, i) & u32::get(b, i) != 0
        }),
        ("vptestnmq", 8, true, None, |a, b, i, _| {
            u64::get(a, i) & u64::get(b, i) == 0
        }),
        ("vptestmb", 1, c.avx512bw, None, |a, b, i, _| {
            a[i] & b[i] != 0
        }),
        (
            "vpshufbitqmb",
            1,
            c.avx512bitalg && c.avx512bw,
            None,
            |a, b, i, _| (u64::get(a, i / 8) >> (b[i] & 63)) & 1 != 0,
        ),
    ];
    for (mn, e, have, imm0, pred) in ops {
        g.at("for (mn, e, have, imm0, pred) in ops {");
        if !g.needs(have, mn) {
            continue;
        }
        // Shapes: zmm reg, zmm mem, masked, broadcast, predicates, ymm/xmm.
        let mut shapes: Vec<(usize, u8, bool, bool, bool)> = vec![
            (64, 0, false, false, false),
            (64, 1, false, true, false),
            (64, 2, true, false, false),
        ];
        if e >= 4 && !mn.starts_with("vpshufbit") {
            shapes.push((64, 3, true, true, true));
        }
        if c.avx512vl {
            shapes.push((32, 4, true, false, false));
            shapes.push((16, 5, false, true, false));
        }
        for (w, variant, masked, mem, bc) in shapes {
            let imm = imm0.map(|p| (p + variant) % 8);
            let [_, a, b] = three(&mut g.rng);
            let kd = kr(g.rng.below(8) as u8);
            let km = if masked {
                Some(pick_k(&mut g.rng))
            } else {
                None
            };
            let src = if mem {
                let mm = if bc {
                    pick_vmem(&mut g.rng, Enc::Evex, e)
                        .sized(e as u16)
                        .bcst((w / e) as u8)
                } else {
                    pick_vmem(&mut g.rng, Enc::Evex, w).sized(w as u16)
                };
                m(mm)
            } else {
                r(vreg(w, b))
            };
            let a = vreg(w, a);
            let mut ops = vec![r(kd), r(a), src];
            if let Some(p) = imm {
                ops.push(im(p as i64));
            }
            g.add(
                Case::new(ins(mn, &ops).k(km), move |st| {
                    let (x, y) = (st.vrd(&r(a), w), st.vrd(&src, w));
                    let mut bits = 0u64;
                    for i in 0..w / e {
                        if pred(&x, &y, i, imm.unwrap_or(0)) {
                            bits |= 1 << i;
                        }
                    }
                    if let Some(k) = km {
                        bits &= st.kreg(k);
                    }
                    st.k[kd.num() as usize] = bits;
                })
                .setup(move |st, rng| {
                    // Equal elements often.
                    if rng.below(2) == 0 {
                        if let Operand::Reg(q) = src {
                            let v = st.v[a.num() as usize];
                            for i in 0..64 / e {
                                if rng.below(2) == 0 {
                                    st.v[q.num() as usize][i * e..(i + 1) * e]
                                        .copy_from_slice(&v[i * e..(i + 1) * e]);
                                }
                            }
                        }
                    }
                }),
            );
        }
    }
    // Floating-point comparisons into masks: all 32 predicates, {sae}.
    for p in 0..32u8 {
        g.at("for p in 0..32u8 {");
        let (mn, e) = if p % 2 == 0 {
            ("vcmpps", 4usize)
        } else {
            ("vcmppd", 8)
        };
        let [_, a, b] = three(&mut g.rng);
        let w = if p % 5 == 4 && c.avx512vl { 32 } else { 64 };
        let kd = kr(g.rng.below(8) as u8);
        let km = if p % 3 == 0 {
            Some(pick_k(&mut g.rng))
        } else {
            None
        };
        let src = if p % 4 == 1 {
            m(pick_vmem(&mut g.rng, Enc::Evex, e)
                .sized(e as u16)
                .bcst((w / e) as u8))
        } else {
            r(vreg(w, b))
        };
        let sae = p % 4 == 2 && w == 64;
        let a = vreg(w, a);
        let mut i = ins(mn, &[r(kd), r(a), src, im(p as i64)]).k(km);
        if sae {
            i = i.sae();
        }
        let case = Case::new(i, move |st| {
            let (x, y) = (st.vrd(&r(a), w), st.vrd(&src, w));
            let mut bits = 0u64;
            for i in 0..w / e {
                let (u, v) = if e == 4 {
                    (f32::get(&x, i) as f64, f32::get(&y, i) as f64)
                } else {
                    (f64::get(&x, i), f64::get(&y, i))
                };
                if fcmp(p, u, v) {
                    bits |= 1 << i;
                }
            }
            if let Some(k) = km {
                bits &= st.kreg(k);
            }
            st.k[kd.num() as usize] = bits;
        })
        .setup(move |st, rng| {
            if let Operand::Reg(q) = src {
                let v = st.v[a.num() as usize];
                for i in 0..64 / e {
                    match rng.below(4) {
                        0 => st.v[q.num() as usize][i * e..(i + 1) * e]
                            .copy_from_slice(&v[i * e..(i + 1) * e]),
                        // NaNs too: the unordered predicates.
                        1 => st.v[q.num() as usize][i * e..(i + 1) * e].fill(0xff),
                        _ => {}
                    }
                }
            }
        });
        g.add(if e == 4 {
            floats::<4>(case)
        } else {
            floats::<8>(case)
        });
    }
    // vfpclassps: every class bit.
    for imm in [0x01i64, 0x06, 0x18, 0x20, 0x40, 0x80, 0xff] {
        g.at("for imm in [0x01i64, 0x06, 0x18, 0x20, 0x40, 0x80, 0xff] {");
        let [_, a, _] = three(&mut g.rng);
        let kd = kr(g.rng.below(8) as u8);
        let a = zr(a);
        if !c.avx512dq {
            break;
        }
        g.add(
            Case::new(ins("vfpclassps", &[r(kd), r(a), im(imm)]), move |st| {
                let mut bits = 0u64;
                for i in 0..16 {
                    let x = vget::<f32>(st, a, i);
                    let b = x.to_bits();
                    let class = if x.is_nan() {
                        if b & (1 << 22) != 0 {
                            0x01
                        } else {
                            0x80
                        }
                    } else if x == 0.0 {
                        if b >> 31 == 0 {
                            0x02
                        } else {
                            0x04
                        }
                    } else if x.is_infinite() {
                        if x > 0.0 {
                            0x08
                        } else {
                            0x10
                        }
                    } else if x.is_subnormal() {
                        0x20
                    } else {
                        0
                    } | if b >> 31 == 1 && x.is_finite() && x != 0.0 {
                        0x40
                    } else {
                        0
                    };
                    if class & imm as u32 != 0 {
                        bits |= 1 << i;
                    }
                }
                st.k[kd.num() as usize] = bits;
            })
            .setup(move |st, rng| {
                let v = &mut st.v[a.num() as usize];
                for i in 0..16 {
                    let x = match rng.below(8) {
                        0 => f32::from_bits(0x7fc0_0000 | rng.next() as u32 & 0xffff),
                        1 => f32::from_bits(0xff80_0001 | rng.next() as u32 & 0xffff),
                        2 => 0.0,
                        3 => -0.0,
                        4 => {
                            if rng.below(2) == 0 {
                                f32::INFINITY
                            } else {
                                f32::NEG_INFINITY
                            }
                        }
                        5 => f32::from_bits((rng.next() as u32 & 0x807f_ffff) | 1),
                        _ => rng.f32(),
                    };
                    x.put(v, i);
                }
            }),
        );
    }
}

fn avx512_data_cases(g: &mut Group) {
    let c = g.cpu;
    let vl = c.avx512vl;
    // Compress and expand: registers and memory, merge and zero.
    let vbmi2 = c.avx512vbmi2 && c.avx512bw;
    for (mn, e, have) in [
        ("vpcompressd", 4usize, true),
        ("vpcompressq", 8, true),
        ("vcompressps", 4, true),
        ("vpcompressb", 1, vbmi2),
        ("vpcompressw", 2, vbmi2),
    ] {
        g.at("for (mn, e, have) in [");
        if !g.needs(have, mn) {
            continue;
        }
        for (w, to_mem, z) in [
            (64usize, false, false),
            (64, false, true),
            (64, true, false),
            (32, false, true),
            (16, true, false),
        ] {
            if w < 64 && !vl {
                continue;
            }
            let [d, s, _] = three(&mut g.rng);
            let (d, s) = (vreg(w, d), vreg(w, s));
            let k = pick_k(&mut g.rng);
            let mm = pick_vmem(&mut g.rng, Enc::Evex, e);
            let dst = if to_mem { m(mm) } else { r(d) };
            g.add(Case::new(
                ins(mn, &[dst, r(s)]).k(Some(k)).z(z),
                move |st| {
                    let src = st.v[s.num() as usize];
                    let kv = st.kreg(k);
                    let picked: Vec<usize> = (0..w / e).filter(|i| kv >> i & 1 != 0).collect();
                    match dst {
                        Operand::Mem(mm) => {
                            let at = st.ea(&mm);
                            for (j, &i) in picked.iter().enumerate() {
                                st.stv(at + (j * e) as u64, &src[i * e..(i + 1) * e]);
                            }
                        }
                        _ => {
                            let mut res = if z { [0u8; 64] } else { st.v[d.num() as usize] };
                            for (j, &i) in picked.iter().enumerate() {
                                res[j * e..(j + 1) * e].copy_from_slice(&src[i * e..(i + 1) * e]);
                            }
                            st.vset(d, &res, w, true);
                        }
                    }
                },
            ));
        }
    }
    for (mn, e, have) in [
        ("vpexpandd", 4usize, true),
        ("vexpandpd", 8, true),
        ("vpexpandb", 1, vbmi2),
        ("vpexpandw", 2, vbmi2),
    ] {
        g.at("for (mn, e, have) in [");
        if !g.needs(have, mn) {
            continue;
        }
        for (w, from_mem, z) in [
            (64usize, false, true),
            (64, true, false),
            (64, false, false),
            (16, true, true),
            (32, false, false),
        ] {
            if w < 64 && !vl {
                continue;
            }
            let [d, s, _] = three(&mut g.rng);
            let (d, s) = (vreg(w, d), vreg(w, s));
            let k = pick_k(&mut g.rng);
            let src = if from_mem {
                m(pick_vmem(&mut g.rng, Enc::Evex, e).sized(w as u16))
            } else {
                r(s)
            };
            g.add(Case::new(
                ins(mn, &[r(d), src]).k(Some(k)).z(z),
                move |st| {
                    let kv = st.kreg(k);
                    let from = st.vrd(&src, w);
                    let old = st.v[d.num() as usize];
                    let mut res = [0u8; 64];
                    let mut j = 0;
                    for i in 0..w / e {
                        if kv >> i & 1 != 0 {
                            res[i * e..(i + 1) * e].copy_from_slice(&from[j * e..(j + 1) * e]);
                            j += 1;
                        } else if !z {
                            res[i * e..(i + 1) * e].copy_from_slice(&old[i * e..(i + 1) * e]);
                        }
                    }
                    st.vset(d, &res, w, true);
                },
            ));
        }
    }
    // Down-conversions: truncating and saturating, to registers and memory.
    type Narrow = fn(u64) -> u64;
    let narrows: Vec<(&str, usize, usize, bool, Narrow)> = vec![
        ("vpmovdb", 4, 1, true, |x| x & 0xff),
        ("vpmovsdb", 4, 1, true, |x| {
            sat8(x as u32 as i32) as u8 as u64
        }),
        ("vpmovusdb", 4, 1, true, |x| (x as u32).min(255) as u64),
        ("vpmovqd", 8, 4, true, |x| x & 0xffff_ffff),
        ("vpmovsqw", 8, 2, true, |x| {
            (x as i64).clamp(-32768, 32767) as u16 as u64
        }),
        ("vpmovwb", 2, 1, c.avx512bw, |x| x & 0xff),
        ("vpmovuswb", 2, 1, c.avx512bw, |x| {
            (x as u16).min(255) as u64
        }),
    ];
    for (mn, se, de, have, f) in narrows {
        g.at("for (mn, se, de, have, f) in narrows {");
        if !g.needs(have, mn) {
            continue;
        }
        for (w, to_mem, masked, z) in [
            (64usize, false, false, false),
            (64, true, false, false),
            (64, false, true, true),
            (64, true, true, false),
            (32, false, true, false),
        ] {
            if w < 64 && !vl {
                continue;
            }
            let n = w / se;
            let ow = n * de;
            let [d, s, _] = three(&mut g.rng);
            let (d, s) = (vreg(ow.max(16), d), vreg(w, s));
            let k = if masked {
                Some(pick_k(&mut g.rng))
            } else {
                None
            };
            let mm = pick_vmem(&mut g.rng, Enc::Evex, ow).sized(ow as u16);
            let dst = if to_mem { m(mm) } else { r(d) };
            g.add(Case::new(ins(mn, &[dst, r(s)]).k(k).z(z), move |st| {
                let src = st.v[s.num() as usize];
                let kv = k.map(|k| st.kreg(k));
                match dst {
                    Operand::Mem(mm) => {
                        let at = st.ea(&mm);
                        for i in 0..n {
                            if kv.map_or(true, |kv| kv >> i & 1 != 0) {
                                let mut b = [0u8; 8];
                                b[..se].copy_from_slice(&src[i * se..(i + 1) * se]);
                                let v = f(u64::from_le_bytes(b));
                                st.stv(at + (i * de) as u64, &v.to_le_bytes()[..de]);
                            }
                        }
                    }
                    _ => {
                        let mut res = [0u8; 64];
                        for i in 0..n {
                            let mut b = [0u8; 8];
                            b[..se].copy_from_slice(&src[i * se..(i + 1) * se]);
                            let v = f(u64::from_le_bytes(b));
                            res[i * de..(i + 1) * de].copy_from_slice(&v.to_le_bytes()[..de]);
                        }
                        let old = st.v[d.num() as usize];
                        apply_mask(&mut res, &old, kv, z, de, ow);
                        st.vset(d, &res, ow, true);
                    }
                }
            }));
        }
    }
    // Masks to vectors and back.
    for (mn, e, have) in [
        ("vpmovm2d", 4usize, c.avx512dq),
        ("vpmovm2b", 1, c.avx512bw),
        ("vpmovm2q", 8, c.avx512dq),
    ] {
        g.at("for (mn, e, have) in [");
        if !g.needs(have, mn) {
            continue;
        }
        for w in [64usize, 16] {
            let d = vreg(w, three(&mut g.rng)[1]);
            let k = kr(g.rng.below(8) as u8);
            g.add(Case::new(ins(mn, &[r(d), r(k)]), move |st| {
                let kv = st.kreg(k);
                let mut res = [0u8; 64];
                for i in 0..w / e {
                    if kv >> i & 1 != 0 {
                        res[i * e..(i + 1) * e].fill(0xff);
                    }
                }
                st.vset(d, &res, w, true);
            }));
        }
    }
    for (mn, e, have) in [
        ("vpmovd2m", 4usize, c.avx512dq),
        ("vpmovb2m", 1, c.avx512bw),
        ("vpmovq2m", 8, c.avx512dq),
    ] {
        g.at("for (mn, e, have) in [");
        if !g.needs(have, mn) {
            continue;
        }
        for w in [64usize, 32] {
            let s = vreg(w, three(&mut g.rng)[1]);
            let k = kr(g.rng.below(8) as u8);
            g.add(Case::new(ins(mn, &[r(k), r(s)]), move |st| {
                let v = st.v[s.num() as usize];
                let bits =
                    (0..w / e).fold(0u64, |acc, i| acc | ((v[i * e + e - 1] >> 7) as u64) << i);
                st.k[k.num() as usize] = bits;
            }));
        }
    }
    if g.needs(c.avx512cd, "vpbroadcastmw2d") {
        for (mn, e, kb) in [
            ("vpbroadcastmw2d", 4usize, 16u32),
            ("vpbroadcastmb2q", 8, 8),
        ] {
            let d = zr(three(&mut g.rng)[1]);
            let k = kr(g.rng.below(8) as u8);
            g.add(Case::new(ins(mn, &[r(d), r(k)]), move |st| {
                let v = st.kreg(k) & ((1 << kb) - 1);
                let mut res = [0u8; 64];
                for i in 0..64 / e {
                    res[i * e..(i + 1) * e].copy_from_slice(&v.to_le_bytes()[..e]);
                }
                st.vset(d, &res, 64, true);
            }));
        }
    }
    // Broadcasts from general-purpose registers.
    for (mn, e, gb, have) in [
        ("vpbroadcastd", 4usize, 4usize, true),
        ("vpbroadcastq", 8, 8, true),
        ("vpbroadcastb", 1, 4, c.avx512bw),
        ("vpbroadcastw", 2, 4, c.avx512bw),
    ] {
        g.at("for (mn, e, gb, have) in [");
        if !have {
            continue;
        }
        for (w, masked, z) in [(64usize, false, false), (64, true, true), (16, true, false)] {
            if w < 64 && !vl {
                continue;
            }
            let d = vreg(w, three(&mut g.rng)[1]);
            let s = gp(gb, g.rng.pick(&[0u8, 3, 8, 13, 15]));
            let k = if masked {
                Some(pick_k(&mut g.rng))
            } else {
                None
            };
            g.add(Case::new(ins(mn, &[r(d), r(s)]).k(k).z(z), move |st| {
                let v = st.g(s);
                let mut res = [0u8; 64];
                for i in 0..w / e {
                    res[i * e..(i + 1) * e].copy_from_slice(&v.to_le_bytes()[..e]);
                }
                let old = st.v[d.num() as usize];
                apply_mask(&mut res, &old, k.map(|k| st.kreg(k)), z, e, w);
                st.vset(d, &res, w, true);
            }));
        }
    }
    // Extracts of 128- and 256-bit parts.
    for (mn, e, part, have) in [
        ("vextracti32x4", 4usize, 16usize, true),
        ("vextractf64x4", 8, 32, true),
        ("vextracti32x8", 4, 32, c.avx512dq),
        ("vextractf64x2", 8, 16, c.avx512dq),
    ] {
        g.at("for (mn, e, part, have) in [");
        if !have {
            continue;
        }
        for (to_mem, masked) in [(false, false), (false, true), (true, true)] {
            let [d, s, _] = three(&mut g.rng);
            let (d, s) = (vreg(part, d), zr(s));
            let imm = g.rng.range(0, (64 / part) as i64);
            let k = if masked {
                Some(pick_k(&mut g.rng))
            } else {
                None
            };
            let z = masked && !to_mem;
            let dst = if to_mem {
                m(pick_vmem(&mut g.rng, Enc::Evex, part).sized(part as u16))
            } else {
                r(d)
            };
            g.add(Case::new(
                ins(mn, &[dst, r(s), im(imm)]).k(k).z(z),
                move |st| {
                    let v = st.v[s.num() as usize];
                    let at = imm as usize * part;
                    let kv = k.map(|k| st.kreg(k));
                    match dst {
                        Operand::Mem(mm) => {
                            let a = st.ea(&mm);
                            for i in 0..part / e {
                                if kv.map_or(true, |kv| kv >> i & 1 != 0) {
                                    st.stv(a + (i * e) as u64, &v[at + i * e..at + (i + 1) * e]);
                                }
                            }
                        }
                        _ => {
                            let mut res = [0u8; 64];
                            res[..part].copy_from_slice(&v[at..at + part]);
                            let old = st.v[d.num() as usize];
                            apply_mask(&mut res, &old, kv, z, e, part);
                            st.vset(d, &res, part, true);
                        }
                    }
                },
            ));
        }
    }
    // Masked moves: loads, stores, register to register.
    for (mn, e, have) in [
        ("vmovdqu32", 4usize, true),
        ("vmovdqu64", 8, true),
        ("vmovdqu8", 1, c.avx512bw),
        ("vmovdqu16", 2, c.avx512bw),
        ("vmovups", 4, true),
        ("vmovapd", 8, true),
    ] {
        g.at("for (mn, e, have) in [");
        if !have {
            continue;
        }
        let aligned = mn.starts_with("vmova");
        for (w, shape) in [(64usize, 0), (64, 1), (64, 2), (32, 0), (16, 1), (64, 3)] {
            if w < 64 && !vl {
                continue;
            }
            let [d, s, _] = three(&mut g.rng);
            let (d, s) = (vreg(w, d), vreg(w, s));
            let k = pick_k(&mut g.rng);
            let mm = if aligned {
                mb(
                    pick_gp(&mut g.rng, 8, &[], false, false),
                    w as i64 * g.rng.range(-3, 3),
                )
            } else {
                pick_vmem(&mut g.rng, Enc::Evex, w)
            };
            let (ops, z): (Vec<Operand<'static>>, bool) = match shape {
                0 => (vec![r(d), m(mm)], true),
                1 => (vec![r(d), m(mm)], false),
                2 => (vec![m(mm), r(s)], false),
                _ => (vec![r(d), r(s)], false),
            };
            let case = Case::new(ins(mn, &ops).k(Some(k)).z(z), move |st| {
                let kv = st.kreg(k);
                match ops[0] {
                    Operand::Mem(mm) => {
                        let v = st.v[s.num() as usize];
                        let a = st.ea(&mm);
                        for i in 0..w / e {
                            if kv >> i & 1 != 0 {
                                st.stv(a + (i * e) as u64, &v[i * e..(i + 1) * e]);
                            }
                        }
                    }
                    _ => {
                        let mut res = st.vrd(&ops[1], w);
                        let old = st.v[d.num() as usize];
                        apply_mask(&mut res, &old, Some(kv), z, e, w);
                        st.vset(d, &res, w, true);
                    }
                }
            });
            g.add(if aligned {
                case.manual_mem().setup(move |st, rng| {
                    if let Some(b) = mm.base {
                        let off = (MEM / 2) as i64 + 64 * rng.range(-16, 16);
                        st.sg(b, st.membase.wrapping_add(off as u64));
                    }
                })
            } else {
                case
            });
        }
    }
    // Blends under a mask.
    for (mn, e, have) in [
        ("vblendmps", 4usize, true),
        ("vpblendmq", 8, true),
        ("vpblendmb", 1, c.avx512bw),
        ("vpblendmw", 2, c.avx512bw),
    ] {
        g.at("for (mn, e, have) in [");
        if !have {
            continue;
        }
        for (w, z, mem, bc) in [
            (64usize, false, false, false),
            (64, true, true, false),
            (64, false, true, e >= 4),
            (32, false, false, false),
        ] {
            if w < 64 && !vl {
                continue;
            }
            let [d, a, b] = three(&mut g.rng);
            let (d, a) = (vreg(w, d), vreg(w, a));
            let k = pick_k(&mut g.rng);
            let src = if mem {
                let mm = if bc {
                    pick_vmem(&mut g.rng, Enc::Evex, e)
                        .sized(e as u16)
                        .bcst((w / e) as u8)
                } else {
                    pick_vmem(&mut g.rng, Enc::Evex, w).sized(w as u16)
                };
                m(mm)
            } else {
                r(vreg(w, b))
            };
            g.add(Case::new(
                ins(mn, &[r(d), r(a), src]).k(Some(k)).z(z),
                move |st| {
                    let kv = st.kreg(k);
                    let (x, y) = (st.vrd(&r(a), w), st.vrd(&src, w));
                    let mut res = [0u8; 64];
                    for i in 0..w / e {
                        let from = if kv >> i & 1 != 0 {
                            &y
                        } else if z {
                            &[0u8; 64]
                        } else {
                            &x
                        };
                        res[i * e..(i + 1) * e].copy_from_slice(&from[i * e..(i + 1) * e]);
                    }
                    st.vset(d, &res, w, true);
                },
            ));
        }
    }
    // Gathers and scatters (the mask register is cleared).
    for (mn, e, ie, w, iw, scatter) in [
        ("vpgatherdd", 4usize, 4usize, 64usize, 64usize, false),
        ("vgatherqpd", 8, 8, 64, 64, false),
        ("vpgatherdq", 8, 4, 64, 32, false),
        ("vgatherqps", 4, 8, 32, 64, false),
        ("vpscatterdd", 4, 4, 64, 64, true),
        ("vscatterqpd", 8, 8, 64, 64, true),
        ("vpscatterqd", 4, 8, 32, 64, true),
        ("vpgatherdd", 4, 4, 16, 16, false),
    ] {
        g.at("for (mn, e, ie, w, iw, scatter) in [");
        if w < 64 && iw < 64 && !vl {
            continue;
        }
        let [d, x, _] = three(&mut g.rng);
        let (d, x) = (vreg(w, d), vreg(iw, x));
        let k = pick_k(&mut g.rng);
        let scale = g.rng.pick(&[1u8, 2, 4, 8]);
        let base = pick_gp(&mut g.rng, 8, &[], false, false);
        let disp = e as i64 * g.rng.range(-20, 20);
        let mm = Mem::base(base).index(x, scale).disp(disp);
        let lanes = w / e;
        let ops = if scatter {
            vec![m(mm), r(d)]
        } else {
            vec![r(d), m(mm)]
        };
        g.add(
            Case::new(ins(mn, &ops).k(Some(k)), move |st| {
                let b = st.g(base).wrapping_add(disp as u64);
                let idx = st.v[x.num() as usize];
                let kv = st.kreg(k);
                let mut res = st.v[d.num() as usize];
                for i in 0..lanes {
                    if kv >> i & 1 != 0 {
                        let j = if ie == 4 {
                            i32::get(&idx, i) as i64
                        } else {
                            i64::get(&idx, i)
                        };
                        let a = b.wrapping_add((j * scale as i64) as u64);
                        if scatter {
                            st.stv(a, &res[i * e..(i + 1) * e]);
                        } else {
                            let v = st.ldv(a, e);
                            res[i * e..(i + 1) * e].copy_from_slice(&v[..e]);
                        }
                    }
                }
                if !scatter {
                    st.vset(d, &res, w, true);
                }
                st.k[k.num() as usize] = 0;
            })
            .setup(move |st, rng| {
                let v = &mut st.v[x.num() as usize];
                for i in 0..64 / ie {
                    let j = rng.range(-40, 100);
                    if ie == 4 {
                        (j as i32).put(v, i);
                    } else {
                        j.put(v, i);
                    }
                }
            }),
        );
    }
}

fn avx512_rounding_cases(g: &mut Group) {
    let c = g.cpu;
    let modes = [
        Rounding::Nearest,
        Rounding::Down,
        Rounding::Up,
        Rounding::Zero,
    ];
    // Packed single and double arithmetic under every rounding mode; some
    // lanes hold 1 and 2^-30 (or -1 and 2^-30), whose sum rounds differently in each mode.
    for (op, e) in [
        ("add", 4usize),
        ("sub", 4),
        ("mul", 4),
        ("div", 4),
        ("add", 8),
        ("mul", 8),
        ("div", 8),
        ("sub", 8),
    ] {
        g.at("for (op, e) in [");
        for rc in modes {
            let mn: &'static str =
                Box::leak(format!("v{op}p{}", if e == 4 { 's' } else { 'd' }).into_boxed_str());
            let [d, a, b] = three(&mut g.rng);
            let (d, a, b) = (zr(d), zr(a), zr(b));
            let k = if g.rng.below(3) == 0 {
                Some(pick_k(&mut g.rng))
            } else {
                None
            };
            let z = k.is_some() && g.rng.below(2) == 0;
            let case = Case::new(ins(mn, &[r(d), r(a), r(b)]).k(k).z(z).rc(rc), move |st| {
                let (x, y) = (st.v[a.num() as usize], st.v[b.num() as usize]);
                let mut res = [0u8; 64];
                for i in 0..64 / e {
                    if e == 4 {
                        round_op32(op, f32::get(&x, i), f32::get(&y, i), rc).put(&mut res, i);
                    } else {
                        round_op64(op, f64::get(&x, i), f64::get(&y, i), rc).put(&mut res, i);
                    }
                }
                let old = st.v[d.num() as usize];
                apply_mask(&mut res, &old, k.map(|k| st.kreg(k)), z, e, 64);
                st.vset(d, &res, 64, true);
            })
            .setup(move |st, _| {
                let (x, y) = (a.num() as usize, b.num() as usize);
                if e == 4 {
                    1f32.put(&mut st.v[x], 0);
                    2f32.powi(-30).put(&mut st.v[y], 0);
                    (-1f32).put(&mut st.v[x], 1);
                    2f32.powi(-30).put(&mut st.v[y], 1);
                } else {
                    1f64.put(&mut st.v[x], 0);
                    2f64.powi(-60).put(&mut st.v[y], 0);
                }
            });
            g.add(if e == 4 {
                floats::<4>(case)
            } else {
                floats::<8>(case)
            });
        }
    }
    // Square roots, conversions, scalars, fused multiply-add.
    for rc in modes {
        g.at("for rc in modes {");
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (zr(d), zr(a));
        g.add(
            Case::new(ins("vsqrtps", &[r(d), r(a)]).rc(rc), move |st| {
                let x = st.v[a.num() as usize];
                let res = map1::<f32, f32>(&x, 64, |v| round_op32("sqrt", v, 0.0, rc));
                st.vset(d, &res, 64, true);
            })
            .setup(|st, rng| {
                for v in st.v.iter_mut() {
                    init_f32_pos(v, rng);
                }
            }),
        );
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (zr(d), zr(a));
        g.add(floats::<4>(Case::new(
            ins("vcvtps2dq", &[r(d), r(a)]).rc(rc),
            move |st| {
                let x = st.v[a.num() as usize];
                let res = map1::<f32, i32>(&x, 64, |v| {
                    cvt_i32(match rc {
                        Rounding::Nearest => v.round_ties_even(),
                        Rounding::Down => v.floor(),
                        Rounding::Up => v.ceil(),
                        Rounding::Zero => v.trunc(),
                    } as f64)
                });
                st.vset(d, &res, 64, true);
            },
        )));
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (zr(d), zr(a));
        g.add(Case::new(
            ins("vcvtdq2ps", &[r(d), r(a)]).rc(rc),
            move |st| {
                let x = st.v[a.num() as usize];
                let res = map1::<i32, f32>(&x, 64, |v| {
                    if rc == Rounding::Nearest {
                        v as f32
                    } else {
                        dir32(v as f64, 0.0, rc)
                    }
                });
                st.vset(d, &res, 64, true);
            },
        ));
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (yr(d), zr(a));
        g.add(floats::<8>(Case::new(
            ins("vcvtpd2ps", &[r(d), r(a)]).rc(rc),
            move |st| {
                let x = st.v[a.num() as usize];
                let res = map1::<f64, f32>(&x, 32, |v| {
                    if rc == Rounding::Nearest {
                        v as f32
                    } else {
                        dir32(v, 0.0, rc)
                    }
                });
                st.vset(d, &res, 32, true);
            },
        )));
        let [d, a, b] = three(&mut g.rng);
        let (d, a, b) = (xr(d), xr(a), xr(b));
        g.add(floats::<4>(Case::new(
            ins("vaddss", &[r(d), r(a), r(b)]).rc(rc),
            move |st| {
                let mut res = st.v[a.num() as usize];
                round_op32("add", vget::<f32>(st, a, 0), vget::<f32>(st, b, 0), rc)
                    .put(&mut res, 0);
                st.vset(d, &res, 16, true);
            },
        )));
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (xr(d), xr(a));
        let s = gp(8, g.rng.pick(&[1u8, 6, 11]));
        g.add(
            Case::new(ins("vcvtsi2ss", &[r(d), r(a), r(s)]).rc(rc), move |st| {
                let mut res = st.v[a.num() as usize];
                let v = st.g(s) as i64;
                let f = if rc == Rounding::Nearest {
                    v as f32
                } else {
                    let t = v as f64;
                    let e = (v as i128 - t as i128) as f64;
                    dir32(t, e, rc)
                };
                f.put(&mut res, 0);
                st.vset(d, &res, 16, true);
            })
            .setup(move |st, rng| {
                let v = rng.next() >> rng.below(40);
                st.sg(
                    s,
                    if rng.below(2) == 0 {
                        v
                    } else {
                        v.wrapping_neg()
                    },
                );
            }),
        );
        // vfmadd231ps: the exact a*b + c rounded once.
        let [d, a, b] = three(&mut g.rng);
        let (d, a, b) = (zr(d), zr(a), zr(b));
        g.add(floats::<4>(Case::new(
            ins("vfmadd231ps", &[r(d), r(a), r(b)]).rc(rc),
            move |st| {
                let (x, y, acc) = (
                    st.v[a.num() as usize],
                    st.v[b.num() as usize],
                    st.v[d.num() as usize],
                );
                let mut res = [0u8; 64];
                for i in 0..16 {
                    let (p, q, c) = (f32::get(&x, i), f32::get(&y, i), f32::get(&acc, i));
                    let v = if rc == Rounding::Nearest {
                        p.mul_add(q, c)
                    } else {
                        let (t, e) = two_sum(p as f64 * q as f64, c as f64);
                        if t == 0.0 && e == 0.0 {
                            zero_sum(p as f64 * q as f64, c as f64, rc) as f32
                        } else {
                            dir32(t, e, rc)
                        }
                    };
                    v.put(&mut res, i);
                }
                st.vset(d, &res, 64, true);
            },
        )));
    }
    // {sae}: results as without it.
    let [d, a, b] = three(&mut g.rng);
    let (d, a, b) = (zr(d), zr(a), zr(b));
    g.add(floats::<4>(Case::new(
        ins("vmaxps", &[r(d), r(a), r(b)]).sae(),
        move |st| {
            let res = map2::<f32>(&st.v[a.num() as usize], &st.v[b.num() as usize], 64, xmax);
            st.vset(d, &res, 64, true);
        },
    )));
    let [d, a, _] = three(&mut g.rng);
    let (d, a) = (zr(d), zr(a));
    g.add(floats::<4>(Case::new(
        ins("vcvttps2dq", &[r(d), r(a)]).sae(),
        move |st| {
            let res = map1::<f32, i32>(&st.v[a.num() as usize], 64, |v| cvt_i32(v.trunc() as f64));
            st.vset(d, &res, 64, true);
        },
    )));
    let [_, a, b] = three(&mut g.rng);
    let (a, b) = (xr(a), xr(b));
    g.add(floats::<8>(Case::new(
        ins("vucomisd", &[r(a), r(b)]).sae(),
        move |st| {
            let f = comi_flags(vget::<f64>(st, a, 0), vget::<f64>(st, b, 0));
            st.set_flags(ARITH, f);
        },
    )));
    if c.avx512dq {
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (zr(d), zr(a));
        g.add(floats::<8>(Case::new(
            ins("vcvtpd2qq", &[r(d), r(a)]).rc(Rounding::Up),
            move |st| {
                let res = map1::<f64, i64>(&st.v[a.num() as usize], 64, |v| cvt_i64(v.ceil()));
                st.vset(d, &res, 64, true);
            },
        )));
    }
}

// ---------------------------------------------------------------------------
// Branches, the stack, strings, absolute addresses.

/// A local label reference, `>name` (forward) or `<name`, with a size hint.
fn lbl(name: &'static str, forward: bool, size: u8) -> Operand<'static> {
    Operand::Label(LabelRef::new(LabelTarget::Local { name, forward }), size)
}

/// Defines local label `name` here (in a case body).
fn here(name: &'static str) -> (Insn, bool) {
    let mn: &'static str = Box::leak(format!(":{name}").into_boxed_str());
    (ins(mn, &[]), false)
}

fn aux(i: Insn) -> (Insn, bool) {
    (i, false)
}

#[test]
fn branches_stack_strings() {
    let mut g = Group::new("branches_stack_strings", 10);
    // jcc forward over an increment, rel8 and rel32, every condition.
    for (cc, name) in CC.iter().enumerate() {
        g.at("for (cc, name) in CC.iter().enumerate() {");
        for size in [1u8, 0] {
            let mn: &'static str = Box::leak(format!("j{name}").into_boxed_str());
            let body = vec![
                (ins(mn, &[lbl("skip", true, size)]), true),
                aux(ins("lea", &[r(r10), m(mb(r10, 1))])),
                here("skip"),
            ];
            let cc = cc as u8;
            g.add(
                Case::seq(body, move |st| {
                    if !cond(st.flags, cc) {
                        st.gp[10] = st.gp[10].wrapping_add(1);
                    }
                })
                .iters(24),
            );
        }
    }
    // jmp forward (rel8, rel32), a backward loop, jrcxz, call and ret.
    for size in [1u8, 0] {
        g.at("for size in [1u8, 0] {");
        let body = vec![
            (ins("jmp", &[lbl("over", true, size)]), true),
            aux(ins("lea", &[r(rbx), m(mb(rbx, 5))])),
            here("over"),
            aux(ins("lea", &[r(rdx), m(mb(rdx, 9))])),
        ];
        g.add(Case::seq(body, |st| st.gp[2] = st.gp[2].wrapping_add(9)));
    }
    for mn in ["loop", "loopne"] {
        g.at("for mn in [\"loop\", \"loopne\"] {");
        let body = vec![
            here("top"),
            aux(ins("lea", &[r(r11), m(mb(r11, 3))])),
            (ins(mn, &[lbl("top", false, 0)]), true),
        ];
        g.add(
            Case::seq(body, move |st| {
                // loopne also stops on ZF, which nothing in the loop changes.
                let n = if mn == "loopne" && st.flags & ZF != 0 {
                    1
                } else {
                    st.gp[1]
                };
                st.gp[11] = st.gp[11].wrapping_add(3 * n);
                st.gp[1] -= n;
            })
            .manual_mem()
            .setup(|st, rng| st.gp[1] = rng.range(1, 7) as u64),
        );
    }
    let body = vec![
        (ins("jrcxz", &[lbl("z", true, 0)]), true),
        aux(ins("lea", &[r(rsi), m(mb(rsi, -1))])),
        here("z"),
    ];
    g.add(
        Case::seq(body, |st| {
            if st.gp[1] != 0 {
                st.gp[6] = st.gp[6].wrapping_sub(1);
            }
        })
        .setup(|st, rng| {
            if rng.below(2) == 0 {
                st.gp[1] = 0;
            }
        }),
    );
    {
        let body = vec![
            (ins("call", &[lbl("fn", true, 0)]), true),
            aux(ins("lea", &[r(r12), m(mb(r12, 100))])),
            aux(ins("jmp", &[lbl("end", true, 0)])),
            here("fn"),
            aux(ins("lea", &[r(r12), m(mb(r12, 7))])),
            (ins("ret", &[]), true),
            here("end"),
        ];
        g.add(Case::seq(body, |st| {
            st.gp[12] = st.gp[12].wrapping_add(107)
        }));
    }
    // ret imm16 drops the argument pushed before the call.
    {
        let body = vec![
            aux(ins("push", &[r(rcx)])),
            (ins("call", &[lbl("fn", true, 0)]), true),
            aux(ins("jmp", &[lbl("end", true, 0)])),
            here("fn"),
            aux(ins("mov", &[r(rdx), m(mb(rsp, 8))])),
            (ins("ret", &[im(8)]), true),
            here("end"),
        ];
        g.add(Case::seq(body, |st| st.gp[2] = st.gp[1]));
    }
    // enter and leave: a frame, the saved rbp read through the new one.
    for (size, level) in [(16i64, 0i64), (40, 1)] {
        let body = vec![
            (ins("enter", &[im(size), im(level)]), true),
            aux(ins("mov", &[r(rdx), m(mb(rbp, 0))])),
            aux(ins("lea", &[r(rsi), m(mb(rbp, -size))])),
            aux(ins("sub", &[r(rsi), r(rsp)])),
            (ins("leave", &[]), true),
        ];
        g.add(
            Case::seq(body, move |st| {
                st.gp[2] = st.gp[5];
                // With level 1, enter also pushes the new frame pointer.
                let (res, f, _) = alu("sub", 8, 100, 100 - 8 * level as u64, 0);
                st.gp[6] = res;
                st.set_flags(ARITH, f);
            })
            .flags(ARITH & !AF),
        );
    }
    // Indirect call and jump through registers and memory.
    let body = vec![
        aux(ins(
            "lea",
            &[
                r(r8),
                m(Mem::rip(LabelRef::new(LabelTarget::Local {
                    name: "fn",
                    forward: true,
                }))),
            ],
        )),
        (ins("call", &[r(r8)]), true),
        aux(ins("push", &[r(r8)])),
        (ins("call", &[m(mb(rsp, 0))]), true),
        aux(ins("lea", &[r(rsp), m(mb(rsp, 8))])),
        aux(ins(
            "lea",
            &[
                r(rax),
                m(Mem::rip(LabelRef::new(LabelTarget::Local {
                    name: "end",
                    forward: true,
                }))),
            ],
        )),
        (ins("jmp", &[r(rax)]), true),
        aux(ins("lea", &[r(r9), m(mb(r9, 1000))])),
        here("fn"),
        aux(ins("lea", &[r(r9), m(mb(r9, 1))])),
        (ins("ret", &[]), true),
        here("end"),
        // The code addresses are not the model's business.
        aux(ins("mov", &[r(r8d), im(0)])),
        aux(ins("mov", &[r(eax), im(0)])),
    ];
    g.add(
        Case::seq(body, |st| {
            st.gp[9] = st.gp[9].wrapping_add(2);
            st.gp[8] = 0;
            st.gp[0] = 0;
        })
        .manual_mem(),
    );
    // push and pop: immediates (sign-extended to 64 bits), registers, memory, 16-bit.
    for v in [5i64, -3, 0x1234_5678, -0x7000_0000] {
        g.at("for v in [5i64, -3, 0x1234_5678, -0x7000_0000] {");
        let body = vec![(ins("push", &[im(v)]), true), aux(ins("pop", &[r(rdx)]))];
        g.add(Case::seq(body, move |st| st.gp[2] = v as u64));
    }
    {
        let mm = mb(r13, 24);
        let body = vec![(ins("push", &[m(mm)]), true), (ins("pop", &[r(r9)]), true)];
        g.add(Case::seq(body, move |st| st.gp[9] = st.rd(&m(mm), 8)));
        let mm2 = mbi(rbx, rcx, 8, -16);
        let body = vec![
            (ins("push", &[r(r14)]), true),
            (ins("pop", &[m(mm2)]), true),
        ];
        g.add(Case::seq(body, move |st| {
            let v = st.gp[14];
            st.wr(&m(mm2), 8, v);
        }));
        let body = vec![
            (ins("push", &[r(ax)]), true),
            (ins("pop", &[r(r10w)]), true),
        ];
        g.add(Case::seq(body, |st| {
            let v = st.gp[0] & 0xffff;
            st.sg(r10w, v);
        }));
    }
    // String instructions, with and without rep (DF is clear).
    let ptrs = |st: &mut State, rng: &mut Rng| {
        st.gp[6] = st.membase + 1000 + rng.range(0, 64) as u64;
        st.gp[7] = st.membase + 5000 + rng.range(0, 64) as u64;
        st.gp[1] = rng.range(0, 40) as u64;
    };
    for (mn, e, rep) in [
        ("movsb", 1usize, true),
        ("movsq", 8, true),
        ("movsd", 4, false),
        ("movsw", 2, false),
    ] {
        g.at("for (mn, e, rep) in [");
        let i = if rep {
            ins(mn, &[]).pfx(Prefixes::REP)
        } else {
            ins(mn, &[])
        };
        g.add(
            Case::new(i, move |st| {
                let n = if rep { st.gp[1] } else { 1 };
                for _ in 0..n {
                    let v = st.ld(st.gp[6], e);
                    st.st(st.gp[7], e, v);
                    st.gp[6] += e as u64;
                    st.gp[7] += e as u64;
                }
                if rep {
                    st.gp[1] = 0;
                }
            })
            .manual_mem()
            .setup(ptrs),
        );
    }
    for (mn, e, rep) in [
        ("stosb", 1usize, true),
        ("stosq", 8, true),
        ("stosw", 2, false),
        ("stosd", 4, false),
    ] {
        g.at("for (mn, e, rep) in [");
        let i = if rep {
            ins(mn, &[]).pfx(Prefixes::REP)
        } else {
            ins(mn, &[])
        };
        g.add(
            Case::new(i, move |st| {
                let n = if rep { st.gp[1] } else { 1 };
                for _ in 0..n {
                    st.st(st.gp[7], e, st.gp[0]);
                    st.gp[7] += e as u64;
                }
                if rep {
                    st.gp[1] = 0;
                }
            })
            .manual_mem()
            .setup(ptrs),
        );
    }
    for (mn, e) in [("lodsb", 1usize), ("lodsd", 4), ("lodsq", 8)] {
        g.at("for (mn, e) in [(\"lodsb\", 1usize), (\"lodsd\", 4), (\"lodsq\", 8)] {");
        g.add(
            Case::new(ins(mn, &[]), move |st| {
                let v = st.ld(st.gp[6], e);
                st.sg(gp(e, 0), v);
                st.gp[6] += e as u64;
            })
            .manual_mem()
            .setup(ptrs),
        );
    }
    // scas/cmps: flags of the last comparison; repe/repne stop on (in)equality.
    for (mn, e, pfx) in [
        ("scasb", 1usize, Prefixes::NONE),
        ("scasd", 4, Prefixes::NONE),
        ("scasb", 1, Prefixes::REPNE),
        ("cmpsb", 1, Prefixes::REP),
        ("cmpsq", 8, Prefixes::NONE),
        ("cmpsw", 2, Prefixes::REPNE),
    ] {
        g.at("for (mn, e, pfx) in [");
        let cmps = mn.starts_with("cmps");
        let rep = pfx != Prefixes::NONE;
        let while_equal = pfx == Prefixes::REP;
        g.add(
            Case::new(ins(mn, &[]).pfx(pfx), move |st| loop {
                if rep && st.gp[1] == 0 {
                    break;
                }
                let (a, b) = if cmps {
                    (st.ld(st.gp[6], e), st.ld(st.gp[7], e))
                } else {
                    (st.gp[0] & mask(e), st.ld(st.gp[7], e))
                };
                let (_, f, _) = alu("cmp", e, a, b, st.flags);
                st.set_flags(ARITH, f);
                if cmps {
                    st.gp[6] += e as u64;
                }
                st.gp[7] += e as u64;
                if !rep {
                    break;
                }
                st.gp[1] -= 1;
                if (a == b) != while_equal {
                    break;
                }
            })
            .manual_mem()
            .setup(move |st, rng| {
                ptrs(st, rng);
                // Equal runs, and the scanned-for value present.
                let (s, d) = (st.moff(st.gp[6], 64), st.moff(st.gp[7], 64));
                let n = rng.below(60);
                let src: Vec<u8> = st.mem[s..s + n].to_vec();
                st.mem[d..d + n].copy_from_slice(&src);
                if !cmps {
                    let v = st.ld(st.gp[7] + (e * rng.below(8)) as u64, e);
                    st.sg(gp(e.max(2), 0), v);
                    if e == 1 {
                        st.sg(al, v);
                    }
                }
            }),
        );
    }
    // cmpxchg8b / cmpxchg16b.
    for (mn, e) in [("cmpxchg8b", 4usize), ("cmpxchg16b", 8)] {
        g.at("for (mn, e) in [(\"cmpxchg8b\", 4usize), (\"cmpxchg16b\", 8)] {");
        let mm = mb(r10, 16 * g.rng.range(-8, 8));
        g.add(
            Case::new(ins(mn, &[m(mm)]).pfx(Prefixes::LOCK), move |st| {
                let a = st.ea(&mm);
                let (lo, hi) = (st.ld(a, e), st.ld(a + e as u64, e));
                if lo == st.gp[0] & mask(e) && hi == st.gp[2] & mask(e) {
                    st.st(a, e, st.gp[3]);
                    st.st(a + e as u64, e, st.gp[1]);
                    st.set_flags(ZF, ZF);
                } else {
                    st.sg(gp(e, 0), lo);
                    st.sg(gp(e, 2), hi);
                    st.set_flags(ZF, 0);
                }
            })
            .flags(ZF)
            .setup(move |st, rng| {
                if rng.below(2) == 0 {
                    let a = st.ea(&mm);
                    st.gp[0] = st.ld(a, e);
                    st.gp[2] = st.ld(a + e as u64, e);
                }
            }),
        );
    }
    // moffs: absolute 64-bit addresses in mov to and from the accumulator.
    for (bytes, off, load) in [
        (8usize, 128u64, true),
        (4, 260, true),
        (1, 77, true),
        (8, 512, false),
        (2, 1030, false),
    ] {
        g.at("for (bytes, off, load) in [");
        let addr = g.membase() + off;
        let mm = Mem::abs(addr as i64).sized(bytes as u16);
        let acc = gp(bytes, 0);
        let ops = if load {
            [r(acc), m(mm)]
        } else {
            [m(mm), r(acc)]
        };
        g.add(Case::new(ins("mov", &ops), move |st| {
            if load {
                let v = st.ld(addr, bytes);
                st.sg(acc, v);
            } else {
                st.st(addr, bytes, st.gp[0]);
            }
        }));
    }
    // xchg eax, eax is not nop: it clears the upper half of rax.
    g.add(Case::new(ins("xchg", &[r(eax), r(eax)]), |st| {
        st.gp[0] &= 0xffff_ffff
    }));
    g.add(Case::new(ins("xchg", &[r(r8d), r(eax)]), |st| {
        let (a, b) = (st.gp[0] & 0xffff_ffff, st.gp[8] & 0xffff_ffff);
        st.gp[0] = b;
        st.gp[8] = a;
    }));
    // lea of a rip-relative address, then a load through it.
    let mut data = vec![0u8; 64];
    g.rng.fill(&mut data);
    let d2 = data.clone();
    let body = vec![
        (ins("lea", &[r(r15), m(mrip(24))]), true),
        aux(ins("mov", &[r(rcx), m(mb(r15, 0))])),
        aux(ins("sub", &[r(r15), r(r15)])),
    ];
    g.add(
        Case::seq(body, move |st| {
            st.gp[1] = u64::from_le_bytes(d2[24..32].try_into().unwrap());
            st.gp[15] = 0;
            st.set_flags(ARITH, ZF | PF);
        })
        .data(data),
    );
    g.run();
}

/// EVEX element inserts, extracts and moves on xmm16…31 with memory
/// operands at multiples of the element size (disp8*N, N the element).
fn avx512_scalar_mem_cases(g: &mut Group) {
    let c = g.cpu;
    for (mn, e, have) in [
        ("vpinsrb", 1usize, c.avx512bw),
        ("vpinsrw", 2, c.avx512bw),
        ("vpinsrd", 4, c.avx512dq),
        ("vpinsrq", 8, c.avx512dq),
    ] {
        g.at(mn);
        if !g.needs(have, mn) {
            continue;
        }
        let [d, a, _] = three(&mut g.rng);
        let (d, a) = (xr(d | 16), xr(a));
        let imm = g.rng.range(0, (16 / e) as i64);
        let base = pick_gp(&mut g.rng, 8, &[], false, false);
        let mm = mb(base, e as i64 * g.rng.pick(&[1i64, -3, 100, -128, 127])).sized(e as u16);
        let gpr = gp(if e == 8 { 8 } else { 4 }, g.rng.pick(&[2u8, 9, 15]));
        for src in [m(mm), r(gpr)] {
            g.add(Case::new(ins(mn, &[r(d), r(a), src, im(imm)]), move |st| {
                let mut v = st.v[a.num() as usize];
                let x = st.rd(&src, e);
                v[imm as usize * e..(imm as usize + 1) * e].copy_from_slice(&x.to_le_bytes()[..e]);
                st.vset(d, &v, 16, true);
            }));
        }
        let ext: &'static str = Box::leak(mn.replace("ins", "ext").into_boxed_str());
        let s = xr(three(&mut g.rng)[1] | 16);
        let mm2 = mb(base, e as i64 * g.rng.pick(&[2i64, -5, 64, -100])).sized(e as u16);
        g.add(Case::new(ins(ext, &[m(mm2), r(s), im(imm)]), move |st| {
            let v = st.v[s.num() as usize];
            let at = st.ea(&mm2);
            st.stv(at, &v[imm as usize * e..(imm as usize + 1) * e]);
        }));
    }
    for (mn, e, load) in [
        ("vmovd", 4usize, true),
        ("vmovq", 8, false),
        ("vmovd", 4, false),
        ("vmovq", 8, true),
    ] {
        g.at(mn);
        let x = xr(16 + g.rng.below(16) as u8);
        let base = pick_gp(&mut g.rng, 8, &[], false, false);
        let mm = mb(base, e as i64 * g.rng.range(-100, 100)).sized(e as u16);
        let ops = if load { [r(x), m(mm)] } else { [m(mm), r(x)] };
        g.add(Case::new(ins(mn, &ops), move |st| {
            if load {
                let v = st.vrd(&m(mm), e);
                st.vset(x, &v, 16, true);
            } else {
                let v = st.v[x.num() as usize];
                st.stv(st.ea(&mm), &v[..e]);
            }
        }));
    }
    // vinsertps/vextractps with memory.
    let [d, a, s] = three(&mut g.rng);
    let (d, a, s) = (xr(d | 16), xr(a), xr(s | 16));
    let mm = mb(rsi, 4 * 37).sized(4);
    g.add(Case::new(
        ins("vinsertps", &[r(d), r(a), m(mm), im(0x29)]),
        move |st| {
            let mut v = st.v[a.num() as usize];
            let x = st.rd(&m(mm), 4) as u32;
            x.put(&mut v, 2);
            0u32.put(&mut v, 0);
            0u32.put(&mut v, 3);
            st.vset(d, &v, 16, true);
        },
    ));
    let mm2 = mb(r11, -4 * 9).sized(4);
    g.add(Case::new(
        ins("vextractps", &[m(mm2), r(s), im(3)]),
        move |st| {
            let v = st.v[s.num() as usize];
            st.stv(st.ea(&mm2), &v[12..16]);
        },
    ));
}

/// `{evex}`, `{vex3}` and disp8 hints: the same results with other encodings.
fn forced_encodings(g: &mut Group) {
    let vl = g.cpu.avx512vl;
    for (pfx, w, mn, mem) in [
        (Prefixes::EVEX, 16usize, "vpaddd", false),
        (Prefixes::EVEX, 32, "vpaddd", true),
        (Prefixes::VEX3, 16, "vpaddd", false),
        (Prefixes::VEX3, 32, "vpaddd", true),
        (Prefixes::EVEX, 16, "vpxor", false),
    ] {
        if pfx == Prefixes::EVEX && !vl {
            continue;
        }
        // vpxor has no EVEX form: the case is vpxord then.
        let mn = if pfx == Prefixes::EVEX && mn == "vpxor" {
            "vpxord"
        } else {
            mn
        };
        let (d, a, b) = (vreg(w, 1), vreg(w, 9), vreg(w, 14));
        let src = if mem { m(mb(r9, 8 * w as i64)) } else { r(b) };
        g.add(
            Case::new(ins(mn, &[r(d), r(a), src]).pfx(pfx), move |st| {
                let (x, y) = (st.vrd(&r(a), w), st.vrd(&src, w));
                let res = if mn == "vpaddd" {
                    map2::<u32>(&x, &y, w, u32::wrapping_add)
                } else {
                    map2::<u64>(&x, &y, w, |p, q| p ^ q)
                };
                st.vset(d, &res, w, true);
            })
            .align(8),
        );
    }
    for (disp, hint) in [
        (128i64, DispSize::Byte),
        (64, DispSize::Dword),
        (-8192, DispSize::Byte),
    ] {
        let mm = mb(rdx, disp).disp_size(hint);
        let d = zr(23);
        g.add(Case::new(ins("vmovdqu64", &[r(d), m(mm)]), move |st| {
            let v = st.vrd(&m(mm), 64);
            st.vset(d, &v, 64, true);
        }));
    }
}
