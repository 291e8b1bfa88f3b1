//! Templates of `dynasm!` statements (`jitasm_x64::encode::template`)
//! against the run-time matcher they stand in for (`dynamic::emit`): for
//! statements of every kind of hole, every register of each hole's class
//! and many immediates and displacements, a key that the template answers
//! gives `dynamic::emit`'s bytes, and every error goes to the matcher.
//! The matcher the macro's code calls for those keys, through the
//! statement packed as bytes (`dynamic::described`), gives `dynamic::emit`'s
//! bytes or error for every value.

use jitasm_core::{Arch, ByteSink, CodeSink, DynamicLabel, Error, FixupKind, LabelApi, LabelRef};
use jitasm_syntax::dynamic::{parse_macro, Item, Output};
use jitasm_syntax::{ErrorKind, Options};
use jitasm_x64::dynamic::described;
use jitasm_x64::encode::template::{fill, Hole, Template};
use jitasm_x64::{dynamic, Operand};

/// A sink for `dynamic::emit`: bytes and errors.
#[derive(Default)]
struct Sink {
    bytes: Vec<u8>,
    errors: Vec<Error>,
}

impl ByteSink for Sink {
    fn push(&mut self, b: u8) {
        self.bytes.push(b)
    }
    fn extend_from_slice(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b)
    }
    fn offset(&self) -> usize {
        self.bytes.len()
    }
}

impl CodeSink for Sink {
    fn fixup(&mut self, _: LabelRef<'_>, _: &'static FixupKind, _: usize, _: usize) {
        panic!("no labels here")
    }
    fn record_error(&mut self, e: Error) {
        self.errors.push(e)
    }
}

/// What one statement gave: whether it has a template, and how many
/// values it was checked with.
#[derive(Default)]
struct Collect {
    templates: usize,
    without: Vec<String>,
    checked: usize,
    answered: usize,
    described: usize,
    out_of_class: usize,
    line: String,
}

impl ByteSink for Collect {
    fn push(&mut self, _: u8) {}
    fn extend_from_slice(&mut self, _: &[u8]) {}
    fn offset(&self) -> usize {
        0
    }
}

impl CodeSink for Collect {
    fn fixup(&mut self, _: LabelRef<'_>, _: &'static FixupKind, _: usize, _: usize) {}
    fn record_error(&mut self, e: Error) {
        panic!("{}: {e:?}", self.line)
    }
}

impl LabelApi for Collect {
    fn define_global(&mut self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    fn define_local(&mut self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    fn define_dynamic(&mut self, _: DynamicLabel) -> Result<(), Error> {
        Ok(())
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        DynamicLabel::from_index(0)
    }
    fn address_of(&self, _: usize) -> Option<u64> {
        None
    }
}

/// Values an immediate or displacement is checked with.
const VALUES: &[i64] = &[
    0,
    1,
    2,
    -1,
    3,
    8,
    16,
    -16,
    64,
    0x7f,
    0x80,
    -0x80,
    -0x81,
    0xff,
    0x100,
    0x3f80,
    -0x2000,
    0x7fff,
    0x8000,
    -0x8000,
    0xffff,
    0x12345,
    0x7fff_ffff,
    0x8000_0000,
    -0x8000_0000,
    -0x8000_0001,
    0xffff_ffff,
    0x1_0000_0000,
    i64::MAX,
    i64::MIN,
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

impl Output for Collect {
    fn dynamic(&mut self, item: Item<'_, '_>) -> Result<(), ErrorKind> {
        let Item::Instruction(d) = item else {
            return Ok(());
        };
        let Some(holes) = d.holes() else {
            self.without.push(self.line.clone());
            return Ok(());
        };
        let t = d.template(&holes);
        let Some(t) = t else {
            self.without.push(self.line.clone());
            return Ok(());
        };
        self.templates += 1;
        let desc = d.describe(&holes);
        // Read back, the description is the statement.
        let desc = desc.unwrap_or_else(|| panic!("{}: no description", self.line));
        let back = described::read(&desc).expect("reads back");
        assert_eq!(
            (back.mode, back.mnemonic, &back.forms[..], &back.ops[..]),
            (d.mode, d.mnemonic, &d.forms[..], d.operands),
            "{}",
            self.line
        );
        assert_eq!(
            (back.decorations, back.prefixes, &back.holes[..]),
            (d.decorations, d.prefixes, &holes[..]),
            "{}",
            self.line
        );
        // Cut short or with a byte too many, it is refused.
        assert!(described::read(&desc[..desc.len() - 1]).is_none());
        assert!(described::read(&[&desc[..], &[0]].concat()).is_none());
        let regs: Vec<bool> = holes
            .iter()
            .map(|h| matches!(h, Hole::Reg(_) | Hole::Base(_) | Hole::Index(_)))
            .collect();
        // Each hole over its whole domain with the others random, then
        // random combinations.
        let domain = |h: usize| -> Vec<i64> {
            match holes[h] {
                Hole::Reg(_) | Hole::Base(_) | Hole::Index(_) => (0..32).collect(),
                _ => VALUES.to_vec(),
            }
        };
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ self.line.len() as u64);
        let pick = |h: usize, rng: &mut Rng| -> i64 {
            let d = domain(h);
            let x = rng.next();
            if regs[h] || x % 4 != 0 {
                d[(x >> 8) as usize % d.len()]
            } else {
                (x >> 3) as i64 - (1 << 60)
            }
        };
        let mut sets = Vec::new();
        for h in 0..holes.len() {
            for v in domain(h) {
                for _ in 0..3 {
                    let mut vals: Vec<i64> = (0..holes.len()).map(|k| pick(k, &mut rng)).collect();
                    vals[h] = v;
                    sets.push(vals);
                }
            }
        }
        for _ in 0..500 {
            sets.push((0..holes.len()).map(|k| pick(k, &mut rng)).collect());
        }
        for vals in sets {
            self.check(&t, &regs, &d, &holes, &desc, &vals);
        }
        Ok(())
    }
}

impl Collect {
    fn check(
        &mut self,
        t: &Template,
        regs: &[bool],
        d: &jitasm_syntax::dynamic::DynInstruction<'_, '_>,
        holes: &[Hole],
        desc: &[u8],
        vals: &[i64],
    ) {
        let mut described = Sink::default();
        described::emit(&mut described, desc, vals);
        // A register number out of its class: the template's key selects
        // the matcher, which records `dynamic::reg`'s error for each such
        // register and writes nothing.
        let Some(ops) = fill(d.operands, holes, vals) else {
            let mut want = Sink::default();
            for (&h, &v) in holes.iter().zip(vals) {
                let r = match (h, d.operands[h.operand()]) {
                    (Hole::Reg(_), Operand::Reg(r)) => r,
                    (Hole::Base(_), Operand::Mem(m)) => m.base.unwrap(),
                    (Hole::Index(_), Operand::Mem(m)) => m.index.unwrap(),
                    _ => continue,
                };
                dynamic::reg(&mut want, r.class(), v as u8);
            }
            assert!(!want.errors.is_empty(), "{}: {vals:?}", self.line);
            assert_eq!(
                (&described.bytes, format!("{:?}", described.errors)),
                (&want.bytes, format!("{:?}", want.errors)),
                "{}: values {vals:?}: described, checks",
                self.line
            );
            self.out_of_class += 1;
            return;
        };
        self.checked += 1;
        let mut want = Sink::default();
        let ops: [Operand<'_>; 4] = core::array::from_fn(|i| {
            ops.get(i)
                .copied()
                .unwrap_or(Operand::Imm(jitasm_x64::Imm { value: 0, size: 0 }))
        });
        let n = d.operands.len();
        match n {
            1 => emit(&mut want, d, [ops[0]]),
            2 => emit(&mut want, d, [ops[0], ops[1]]),
            3 => emit(&mut want, d, [ops[0], ops[1], ops[2]]),
            4 => emit(&mut want, d, ops),
            _ => panic!("{} operands", n),
        }
        assert_eq!(
            (&described.bytes, format!("{:?}", described.errors)),
            (&want.bytes, format!("{:?}", want.errors)),
            "{}: values {vals:?}: described, matcher",
            self.line
        );
        self.described += 1;
        let shape = t.keys[t.key(regs, vals)];
        if shape == Template::MATCHER {
            return;
        }
        self.answered += 1;
        let got = t.shapes[shape as usize].bytes(vals);
        assert!(
            want.errors.is_empty() && want.bytes == got,
            "{}: values {vals:?}: template {got:02x?}, matcher {:02x?} {:?}",
            self.line,
            want.bytes,
            want.errors
        );
    }
}

fn emit<const N: usize>(
    sink: &mut Sink,
    d: &jitasm_syntax::dynamic::DynInstruction<'_, '_>,
    ops: [Operand<'_>; N],
) {
    dynamic::emit(
        sink,
        d.mode,
        d.mnemonic.index(),
        &d.forms,
        ops,
        d.decorations,
        d.prefixes,
    );
}

/// Statements of the kinds JITs write, each hole kind in each place.
const LINES: &[&str] = &[
    "add Rq($0), Rq($1)",
    "add Rd($0), Rd($1)",
    "add Rw($0), Rw($1)",
    "add Rb($0), Rb($1)",
    "add Rb($0), ah",
    "mov Rq($0), Rq($1)",
    "mov Rd($0), $1",
    "mov Rq($0), $1",
    "mov Rq($0), QWORD $1",
    "add Rq($0), $1",
    "add Rd($0), $1",
    "add Rw($0), $1",
    "add Rb($0), $1",
    "cmp Rd($0), $1",
    "and Rq($0), $1",
    "imul Rq($0), Rq($1), $2",
    "imul Rd($0), Rd($1)",
    "shl Rq($0), $1",
    "shr Rd($0), cl",
    "rol Rb($0), $1",
    "inc Rq($0)",
    "neg Rd($0)",
    "push Rq($0)",
    "pop Rq($0)",
    "bswap Rq($0)",
    "bswap Rd($0)",
    "movzx Rd($0), Rb($1)",
    "movzx Rd($0), Rw($1)",
    "movsx Rq($0), Rb($1)",
    "movsxd Rq($0), Rd($1)",
    "cmovz Rq($0), Rq($1)",
    "setz Rb($0)",
    "test Rq($0), Rq($1)",
    "test Rd($0), $1",
    "bt Rq($0), $1",
    "lzcnt Rq($0), Rq($1)",
    "popcnt Rd($0), Rd($1)",
    "andn Rq($0), Rq($1), Rq($2)",
    "shlx Rd($0), Rd($1), Rd($2)",
    "bextr Rq($0), Rq($1), Rq($2)",
    "mov Rq($0), [Rq($1)]",
    "mov Rq($0), [Rq($1) + $2]",
    "mov Rd($0), [Rq($1) + Rq($2)*4]",
    "mov Rd($0), [Rq($1) + Rq($2)*8 + $3]",
    "mov [Rq($0) + $1], Rq($2)",
    "mov QWORD [rsp + $0], Rq($1)",
    "mov DWORD [Rq($0) + 8], $1",
    "mov BYTE [Rq($0)], Rb($1)",
    "lea Rq($0), [Rq($1) + Rq($2)*2 + 16]",
    "lea Rq($0), [Rq($1)*8 + $2]",
    "add Rq($0), QWORD [rbp + $1]",
    "add QWORD [Rq($0)], $1",
    "cmp BYTE [Rq($0) + $1], $2",
    "inc DWORD [Rq($0) + Rq($1)]",
    "movzx Rd($0), BYTE [Rq($1) + $2]",
    "mov Rq($0), [rip + $1]",
    "addps Rx($0), Rx($1)",
    "addsd Rx($0), QWORD [Rq($1) + $2]",
    "movups Rx($0), [Rq($1)]",
    "movups [Rq($0) + Rq($1)*4], Rx($2)",
    "pshufd Rx($0), Rx($1), $2",
    "cvtsi2sd Rx($0), Rq($1)",
    "movd Rd($0), Rx($1)",
    "movq Rx($0), Rq($1)",
    "pxor Rx($0), Rx($1)",
    "blendvps Rx($0), Rx($1)",
    "vaddps Ry($0), Ry($1), Ry($2)",
    "vaddps Rx($0), Rx($1), Rx($2)",
    "vmovaps Rx($0), Rx($1)",
    "vmovups Ry($0), [Rq($1) + $2]",
    "vmovups [Rq($0) + Rq($1)*8 + $2], Ry($3)",
    "vfmadd231ps Ry($0), Ry($1), Ry($2)",
    "vpsllq Ry($0), Ry($1), $2",
    "vpermd Ry($0), Ry($1), [Rq($2)]",
    "vblendvps Ry($0), Ry($1), Ry($2), Ry($3)",
    "vaddps Rz($0), Rz($1), Rz($2)",
    "vaddps Rz($0), Rz($1), [Rq($2) + $3]",
    "vaddps Rz($0) {k1}, Rz($1), Rz($2)",
    "vaddps Rz($0), Rz($1), DWORD [Rq($2) + $3] {1to16}",
    "vpaddd Rx($0) {k2}{z}, Rx($1), [Rq($2) + Rq($3)*4 + $4]",
    "kmovw Rk($0), Rk($1)",
    "kmovq Rk($0), Rq($1)",
    "vpcmpeqd Rk($0), Rz($1), Rz($2)",
    "vextracti128 Rx($0), Ry($1), $2",
    "vpgatherdd Rx($0), [Rq($1) + Rx($2)*4], Rx($3)",
    "vmovdqu8 Rz($0), [Rq($1) + $2]",
    "fld QWORD [Rq($0) + $1]",
    "fadd st0, Rf($0)",
    "crc32 Rd($0), Rb($1)",
    "adcx Rq($0), Rq($1)",
    "mov Rw($0), Rs($1)",
    "mov Rq($0), Rcr($1)",
    "sar DWORD [Rq($0)], $1",
    "sar DWORD [Rq($0) + $1], $2",
    "shl Rq($0), $1",
    "lock add [Rq($0)], Rd($1)",
    "lock cmpxchg [Rq($0) + $1], Rq($2)",
    "lock inc WORD [Rq($0) + Rq($1)*2]",
];

#[test]
fn templates_give_the_matchers_bytes() {
    let mut c = Collect::default();
    let options = Options::new(Arch::X64);
    for line in LINES {
        c.line = line.to_string();
        let text = format!(".arch x64\n{line}\n");
        parse_macro(&mut c, &text, &options).unwrap_or_else(|e| panic!("{line}: {e:?}"));
    }
    println!(
        "{} of {} statements have templates; {} value sets, {} answered by a template, {} by the described matcher, {} registers out of class; without: {:?}",
        c.templates,
        LINES.len(),
        c.checked,
        c.answered,
        c.described,
        c.out_of_class,
        c.without
    );
    // Most statements are templates, and templates answer most values.
    assert!(c.templates * 10 >= LINES.len() * 8, "{:?}", c.without);
    assert!(c.answered * 2 >= c.checked);
    assert!(c.out_of_class > 1000);
}
