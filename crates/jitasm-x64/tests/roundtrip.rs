//! Every form of the table, encoded with random operands and decoded back by
//! iced-x86 (the oracle): the decoder must see the intended instruction —
//! the same iced `Code`, the same length, the same registers, memory operand,
//! immediates, branch target, mask, zeroing, broadcast and rounding.

#[path = "support/gen.rs"]
mod gen;

use gen::{instance, Instance, BASE};
use iced_x86::{Code, Decoder, DecoderOptions, Instruction as Iced, OpKind as IK, Register};
use jitasm_core::LabelTarget;
use jitasm_x64::table::{flags, Form, FORMS, ORACLE_NAMES};
use jitasm_x64::{encode_form, EncodeError, Instruction, Mnemonic, Mode, Operand, Reg, RegClass};

const PER_FORM: u64 = 12;

fn iced_name(r: Register) -> String {
    format!("{r:?}").to_ascii_lowercase()
}

fn our_name(r: Reg) -> String {
    let n = r.to_string().replace(['(', ')'], "");
    match r.class() {
        // iced names r8b "r8l".
        RegClass::Gp8 if r.num() >= 8 => n.replace('b', "l"),
        _ => n,
    }
}

/// Encodes instance `seed` of form `i`; returns the bytes (fixup applied) or
/// `None` for an instance the hardware cannot encode either.
fn encode(i: usize, mode: Mode, inst: &Instance) -> Result<Option<Vec<u8>>, String> {
    let form = &FORMS[i];
    let ins = Instruction {
        mnemonic: Mnemonic::from_index(form.mnemonic).unwrap(),
        operands: &inst.ops,
        decorations: inst.dec,
        prefixes: Default::default(),
    };
    match encode_form(mode, form, &ins) {
        Ok(e) => {
            let mut bytes = e.bytes().to_vec();
            if let Some(f) = e.fixup {
                let LabelTarget::Extern(target) = f.label.target else {
                    return Err("unexpected label".into());
                };
                let at = f.at as usize;
                f.kind
                    .apply(
                        &mut bytes[at..at + f.kind.unit as usize],
                        target.wrapping_add(f.label.addend as u64),
                        BASE + f.pc as u64,
                    )
                    .map_err(|e| format!("fixup: {e}"))?;
            }
            Ok(Some(bytes))
        }
        // Random register choices the hardware cannot encode either.
        Err(EncodeError::HighByteWithRex { .. }) | Err(EncodeError::SameRegisters) => Ok(None),
        Err(e) => Err(format!("encode error: {e}")),
    }
}

/// iced's `Code` of form `i`.
fn code_of(i: usize) -> Code {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static CODES: OnceLock<HashMap<String, Code>> = OnceLock::new();
    let codes = CODES.get_or_init(|| Code::values().map(|c| (format!("{c:?}"), c)).collect());
    codes[ORACLE_NAMES[i]]
}

/// The decoder options iced needs to decode a form (MPX, AMD branches…).
fn decoder_options(i: usize) -> u32 {
    code_of(i).op_code().decoder_option()
}

fn check(i: usize, mode: Mode, inst: &Instance, bytes: &[u8]) -> Result<(), String> {
    let form = &FORMS[i];
    let bitness = if mode.is64() { 64 } else { 32 };
    // A waiting x87 form (`fstsw`) is `fwait` and the no-wait form (`fnstsw`).
    let (bytes, ip, oracle) = if form.has(flags::FWAIT) {
        if bytes[0] != 0x9b {
            return Err("no fwait".into());
        }
        (
            &bytes[1..],
            BASE + 1,
            ORACLE_NAMES[i].replacen('F', "Fn", 1),
        )
    } else {
        (bytes, BASE, ORACLE_NAMES[i].to_string())
    };
    let decode = |options: u32| {
        let mut dec = Decoder::with_ip(bitness, bytes, ip, options);
        dec.decode()
    };
    let mut d: Iced = decode(decoder_options(i));
    if format!("{:?}", d.code()) != oracle {
        // 16-bit near branches in 64-bit mode exist on AMD only.
        d = decode(decoder_options(i) | DecoderOptions::AMD);
    }
    let code = format!("{:?}", d.code());
    if code == "INVALID" && form.operands.is_empty() {
        // iced's decoder leaves out some forms its encoder knows (VIA
        // PadLock's `montmul` in 64-bit mode): compare with its encoder.
        let mut enc = iced_x86::Encoder::new(bitness);
        enc.encode(&Iced::with(code_of(i)), 0)
            .map_err(|e| e.to_string())?;
        return if enc.take_buffer() == bytes {
            Ok(())
        } else {
            Err("differs from iced's encoder".into())
        };
    }
    // `xchg ax, ax` is `nopw` (and `xchg eax, eax` `nop` in 32-bit mode): the same instruction.
    if (code == "Nopw" && oracle == "Xchg_r16_AX")
        || (code == "Nopd" && oracle == "Xchg_r32_EAX" && !mode.is64())
    {
        return Ok(());
    }
    if code != oracle {
        return Err(format!("decoded as {code}"));
    }
    if d.len() != bytes.len() {
        return Err(format!("decoded length {} of {}", d.len(), bytes.len()));
    }
    let implied = inst.ops.is_empty() && !form.operands.is_empty();
    if !implied {
        for (k, op) in inst.ops.iter().enumerate() {
            let k32 = k as u32;
            match op {
                Operand::Reg(r) => {
                    if d.op_kind(k32) != IK::Register {
                        return Err(format!("operand {k}: {:?}, not a register", d.op_kind(k32)));
                    }
                    let (a, b) = (iced_name(d.op_register(k32)), our_name(*r));
                    if a != b {
                        return Err(format!("operand {k}: {a} instead of {b}"));
                    }
                }
                Operand::Mem(m) => match d.op_kind(k32) {
                    IK::Memory
                        if form.address_size == 16
                            || m.base
                                .or(m.index)
                                .is_some_and(|r| r.class() == RegClass::Gp16) =>
                    {
                        let mut want = [m.base.map(our_name), m.index.map(our_name)];
                        let mut got = [d.memory_base(), d.memory_index()]
                            .map(|r| (r != Register::None).then(|| iced_name(r)));
                        want.sort();
                        got.sort();
                        if want != got
                            || d.memory_displacement64() & 0xffff != m.disp as u64 & 0xffff
                        {
                            return Err(format!(
                                "16-bit address {got:?} {:#x}",
                                d.memory_displacement64()
                            ));
                        }
                    }
                    IK::Memory if form.operands[k] == jitasm_x64::table::OpKind::SegRbxAl => {}
                    IK::Memory => {
                        let base = m.base.map_or("none".into(), |b| {
                            if b.class() == RegClass::Ip {
                                if b.num() == 0 {
                                    "rip".into()
                                } else {
                                    "eip".into()
                                }
                            } else {
                                our_name(b)
                            }
                        });
                        if iced_name(d.memory_base()) != base {
                            return Err(format!("base {:?} instead of {base}", d.memory_base()));
                        }
                        let index = m.index.map_or("none".into(), our_name);
                        if iced_name(d.memory_index()) != index {
                            return Err(format!("index {:?} instead of {index}", d.memory_index()));
                        }
                        if m.index.is_some() && d.memory_index_scale() != m.scale as u32 {
                            return Err(format!("scale {}", d.memory_index_scale()));
                        }
                        let want = if m.base.is_some_and(|b| b.class() == RegClass::Ip) {
                            let end = ip + bytes.len() as u64;
                            let t = end.wrapping_add(m.disp as u64);
                            if m.base.unwrap().num() == 1 {
                                t & 0xffff_ffff
                            } else {
                                t
                            }
                        } else if mode.is64()
                            && !m.base.is_some_and(|b| b.class() == RegClass::Gp32)
                            && !m.index.is_some_and(|b| b.class() == RegClass::Gp32)
                        {
                            m.disp as u64
                        } else {
                            m.disp as u64 & 0xffff_ffff
                        };
                        if d.memory_displacement64() != want {
                            return Err(format!(
                                "displacement {:#x} instead of {want:#x}",
                                d.memory_displacement64()
                            ));
                        }
                        if d.is_broadcast() != (m.bcst != 0) {
                            return Err("broadcast".into());
                        }
                        let seg = m.seg.map_or("none".into(), our_name);
                        if iced_name(d.segment_prefix()) != seg {
                            return Err(format!(
                                "segment {:?} instead of {seg}",
                                d.segment_prefix()
                            ));
                        }
                    }
                    IK::MemorySegRSI
                    | IK::MemorySegESI
                    | IK::MemoryESRDI
                    | IK::MemoryESEDI
                    | IK::MemorySegRDI
                    | IK::MemorySegEDI => {}
                    other => return Err(format!("operand {k}: {other:?}, not memory")),
                },
                Operand::Imm(v) => {
                    let bits = match d.op_kind(k32) {
                        IK::Immediate8
                        | IK::Immediate8_2nd
                        | IK::Immediate8to16
                        | IK::Immediate8to32
                        | IK::Immediate8to64 => 8,
                        IK::Immediate16 => 16,
                        IK::Immediate32 | IK::Immediate32to64 => 32,
                        IK::Immediate64 => 64,
                        other => return Err(format!("operand {k}: {other:?}, not an immediate")),
                    };
                    let mask = if bits == 64 {
                        u64::MAX
                    } else {
                        (1u64 << bits) - 1
                    };
                    if d.immediate(k32) & mask != v.value as u64 & mask {
                        return Err(format!(
                            "immediate {:#x} instead of {:#x}",
                            d.immediate(k32),
                            v.value
                        ));
                    }
                }
                Operand::Label(l, _) => {
                    let LabelTarget::Extern(t) = l.target else {
                        unreachable!()
                    };
                    let got = d.near_branch_target();
                    let want = match d.op_kind(k32) {
                        IK::NearBranch16 => t & 0xffff,
                        IK::NearBranch32 => t & 0xffff_ffff,
                        _ => t,
                    };
                    if got != want {
                        return Err(format!("branch target {got:#x} instead of {want:#x}"));
                    }
                }
                Operand::Far(sel, off) => {
                    if d.far_branch_selector() != *sel {
                        return Err("far selector".into());
                    }
                    let got = match d.op_kind(k32) {
                        IK::FarBranch16 => d.far_branch16() as u32,
                        _ => d.far_branch32(),
                    };
                    if got != *off {
                        return Err("far offset".into());
                    }
                }
            }
        }
    }
    let mask = inst.dec.mask.map_or("none".into(), our_name);
    if iced_name(d.op_mask()) != mask {
        return Err(format!("mask {:?} instead of {mask}", d.op_mask()));
    }
    if d.zeroing_masking() != inst.dec.zeroing {
        return Err("zeroing".into());
    }
    let rc = format!("{:?}", d.rounding_control());
    let want_rc = match inst.dec.rounding {
        None => "None",
        Some(jitasm_x64::Rounding::Nearest) => "RoundToNearest",
        Some(jitasm_x64::Rounding::Down) => "RoundDown",
        Some(jitasm_x64::Rounding::Up) => "RoundUp",
        Some(jitasm_x64::Rounding::Zero) => "RoundTowardZero",
    };
    if rc != want_rc {
        return Err(format!("rounding {rc} instead of {want_rc}"));
    }
    // iced reports embedded rounding without SAE (rounding implies it).
    if d.suppress_all_exceptions() != (inst.dec.sae && inst.dec.rounding.is_none()) {
        return Err("sae".into());
    }
    Ok(())
}

fn run(mode: Mode) {
    let mut failures = Vec::new();
    let mut encoded = 0usize;
    let mut forms = 0usize;
    for (i, form) in FORMS.iter().enumerate() {
        if !form.valid_in(mode) {
            continue;
        }
        forms += 1;
        let mut ok = 0;
        for seed in 0..PER_FORM {
            let inst = instance(i, mode, seed);
            let res = encode(i, mode, &inst).and_then(|b| match b {
                Some(bytes) => check(i, mode, &inst, &bytes)
                    .map(|()| true)
                    .map_err(|e| format!("{e}; bytes {}", hex(&bytes))),
                None => Ok(false),
            });
            match res {
                Ok(true) => ok += 1,
                Ok(false) => {}
                Err(e) => {
                    failures.push(format!(
                        "{} `{}` ({}): {e}",
                        ORACLE_NAMES[i],
                        gen::intel(form, &inst),
                        notation(form)
                    ));
                    break;
                }
            }
        }
        if ok == 0
            && failures
                .last()
                .map_or(true, |f| !f.starts_with(ORACLE_NAMES[i]))
        {
            failures.push(format!("{}: no instance could be encoded", ORACLE_NAMES[i]));
        }
        encoded += ok;
    }
    let n = failures.len();
    for f in failures.iter().take(400) {
        eprintln!("{f}");
    }
    assert!(
        n == 0,
        "{n} of {forms} forms fail the round trip ({encoded} instances passed)"
    );
    eprintln!("{forms} forms, {encoded} instances round-trip through iced-x86");
}

fn notation(f: &Form) -> String {
    f.notation()
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The matcher, given the same operands by mnemonic, picks a form (maybe a
/// shorter one) that decodes to the same operands.
fn run_select(mode: Mode) {
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, form) in FORMS.iter().enumerate() {
        if !form.valid_in(mode) {
            continue;
        }
        for seed in 0..4 {
            let inst = instance(i, mode, seed);
            let ins = Instruction {
                mnemonic: Mnemonic::from_index(form.mnemonic).unwrap(),
                operands: &inst.ops,
                decorations: inst.dec,
                prefixes: Default::default(),
            };
            let res = match jitasm_x64::select(mode, &ins) {
                Ok((chosen, _)) => {
                    let j = FORMS.iter().position(|f| std::ptr::eq(f, chosen)).unwrap();
                    encode(j, mode, &inst).and_then(|b| match b {
                        Some(bytes) => check(j, mode, &inst, &bytes).map_err(|e| {
                            format!("chose {}: {e}; bytes {}", ORACLE_NAMES[j], hex(&bytes))
                        }),
                        None => Ok(()),
                    })
                }
                Err(EncodeError::HighByteWithRex { .. }) | Err(EncodeError::SameRegisters) => {
                    Ok(())
                }
                Err(e) => Err(format!("select: {e}")),
            };
            n += 1;
            if let Err(e) = res {
                failures.push(format!(
                    "{} `{}`: {e}",
                    ORACLE_NAMES[i],
                    gen::intel(form, &inst)
                ));
                break;
            }
        }
    }
    for f in failures.iter().take(100) {
        eprintln!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} forms fail selection ({n} instances)",
        failures.len()
    );
}

#[test]
fn selection_keeps_the_operands_in_64_bit_mode() {
    run_select(Mode::Long);
}

#[test]
fn selection_keeps_the_operands_in_32_bit_mode() {
    run_select(Mode::Protected);
}

#[test]
fn every_form_round_trips_in_64_bit_mode() {
    run(Mode::Long);
}

#[test]
fn every_form_round_trips_in_32_bit_mode() {
    run(Mode::Protected);
}
