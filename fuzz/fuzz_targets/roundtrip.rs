//! One instruction built from the input (a mnemonic of the table, a prefix
//! and up to four operands from a vocabulary of registers, immediates and
//! memory operands with decorations), assembled in 64- or 32-bit mode. When
//! it assembles, iced-x86 must decode exactly one instruction from all the
//! bytes (no garbage before or after), and for mnemonics that have no alias
//! or second encoding, the same mnemonic.
#![no_main]

use iced_x86::{Code, Decoder, DecoderOptions};
use jitasm::x64::table::MNEMONICS;
use jitasm::{Arch, Syntax};
use libfuzzer_sys::fuzz_target;

const PREFIXES: &[&str] = &[
    "lock ",
    "rep ",
    "repne ",
    "{vex} ",
    "{vex3} ",
    "{evex} ",
    "notrack ",
    "bnd ",
    "xacquire ",
    "data16 ",
];

const REGISTERS: &[&str] = &[
    "al", "cl", "dl", "bl", "ah", "spl", "sil", "r8b", "r15b", "ax", "cx", "sp", "r9w", "eax",
    "ecx", "esp", "ebp", "r10d", "r15d", "rax", "rcx", "rsp", "rbp", "r8", "r12", "r15", "xmm0",
    "xmm1", "xmm15", "xmm31", "ymm0", "ymm7", "ymm16", "zmm0", "zmm1", "zmm31", "k0", "k1", "k7",
    "mm0", "mm7", "st(0)", "st(1)", "st(7)", "es", "cs", "ss", "ds", "fs", "gs", "cr0", "cr8",
    "dr0", "dr7", "bnd0", "tmm0", "rip",
];

const IMMEDIATES: &[&str] = &[
    "0",
    "1",
    "-1",
    "3",
    "127",
    "128",
    "255",
    "-128",
    "0x7fff",
    "0xffff",
    "0x12345678",
    "0x7fffffff",
    "0xffffffff",
    "-0x80000000",
    "0x123456789abcdef",
    "0xffffffffffffffff",
];

const SIZES: &[&str] = &[
    "",
    "byte ptr ",
    "word ptr ",
    "dword ptr ",
    "qword ptr ",
    "tbyte ptr ",
    "xmmword ptr ",
    "ymmword ptr ",
    "zmmword ptr ",
    "fword ptr ",
];

const ADDRESSES: &[&str] = &[
    "[rax]",
    "[rbx + 8]",
    "[rsp + rcx*4 - 0x80]",
    "[rip + 0x10]",
    "[r13]",
    "[r12 + r15*8 + 0x12345678]",
    "[eax + ecx*2]",
    "[0x1234]",
    "[rax + xmm1*4]",
    "[rax + ymm2*8]",
    "[rax + zmm3*8]",
    "fs:[rax]",
    "[ebp - 4]",
    "[rsi]",
    "[rdi]",
    "[bx + si]",
];

const DECORATIONS: &[&str] = &["{k1}", "{k1} {z}", "{1to16}", "{1to8}", "{1to4}", "{1to2}"];

const ROUNDING: &[&str] = &["{rn-sae}", "{rz-sae}", "{sae}"];

/// Mnemonics that decode as themselves whatever the operands (no alias,
/// no shorter spelling, no wait prefix): the decoded mnemonic is checked
/// for these.
const SAME_MNEMONIC: &[&str] = &[
    "add",
    "adc",
    "sub",
    "sbb",
    "and",
    "or",
    "xor",
    "cmp",
    "neg",
    "not",
    "mul",
    "imul",
    "div",
    "idiv",
    "lea",
    "bswap",
    "bt",
    "bts",
    "btr",
    "btc",
    "bsf",
    "bsr",
    "popcnt",
    "lzcnt",
    "tzcnt",
    "crc32",
    "movaps",
    "movups",
    "addps",
    "mulpd",
    "pshufd",
    "vaddps",
    "vaddpd",
    "vmulps",
    "vpternlogd",
    "vpaddd",
    "kmovw",
    "kandw",
    "cmpxchg",
    "xadd",
    "cpuid",
    "rdtsc",
];

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn pick<'v>(&mut self, items: &[&'v str]) -> &'v str {
        items[self.byte() as usize % items.len()]
    }
}

fn operand(input: &mut Input<'_>, text: &mut String) {
    let b = input.byte();
    match b % 4 {
        0 => text.push_str(input.pick(REGISTERS)),
        1 => text.push_str(input.pick(IMMEDIATES)),
        2 => {
            text.push_str(input.pick(SIZES));
            text.push_str(input.pick(ADDRESSES));
        }
        _ => {
            text.push_str(input.pick(SIZES));
            text.push_str(input.pick(ADDRESSES));
            text.push_str(input.pick(DECORATIONS));
        }
    }
    if b & 0x30 == 0x30 {
        text.push(' ');
        text.push_str(input.pick(DECORATIONS));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let flags = input.byte();
    let m = u16::from_le_bytes([input.byte(), input.byte()]) as usize % MNEMONICS.len();
    let mnemonic = MNEMONICS[m];
    let mut text = String::new();
    if flags & 0x0e == 0x0e {
        text.push_str(input.pick(PREFIXES));
    }
    text.push_str(mnemonic);
    let n = (flags >> 4) % 5;
    for i in 0..n {
        text.push_str(if i == 0 { " " } else { ", " });
        operand(&mut input, &mut text);
    }
    if flags & 0x80 != 0 && n > 0 {
        text.push_str(", ");
        text.push_str(input.pick(ROUNDING));
    }
    let (arch, bitness) = if flags & 1 == 0 {
        (Arch::X64, 64)
    } else {
        (Arch::X86, 32)
    };
    let Ok(a) = jitasm_fuzz::assemble(&text, arch, Syntax::Gnu) else {
        return;
    };
    if let Err(e) = jitasm_fuzz::decodes_exactly(bitness, &a.bytes) {
        panic!(
            "{text:?} ({arch:?}) gave {:02x?}, which iced decodes as {e}",
            a.bytes
        );
    }
    if SAME_MNEMONIC.contains(&mnemonic) {
        let i = Decoder::with_ip(bitness, &a.bytes, 0, DecoderOptions::NONE).decode();
        if i.code() != Code::INVALID && i.len() == a.bytes.len() {
            let decoded = format!("{:?}", i.mnemonic()).to_ascii_lowercase();
            assert_eq!(
                decoded, mnemonic,
                "{text:?} ({arch:?}) gave {:02x?}",
                a.bytes
            );
        }
    }
});
