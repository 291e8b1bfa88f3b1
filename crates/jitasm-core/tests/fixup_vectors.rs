//! Fixup kinds against an oracle and against their own descriptions.
//!
//! * `golden_vectors`: every case of `tests/data/fixup_vectors.txt` (encoded
//!   by llvm-mc, see `scripts/golden/gen_fixup_vectors.py`) is reproduced by
//!   [`FixupKind::apply`].
//! * The other tests check every kind of [`all_kinds`]: its description is
//!   valid, its name unique, both ends of its range are accepted and one step
//!   past each end is rejected, misaligned values are rejected, and patching
//!   never touches a bit outside the field.

use jitasm_core::error::FixupProblem;
use jitasm_core::fixup::{all_kinds, FixupKind, Value};
use std::collections::{BTreeMap, BTreeSet};

const VECTORS: &str = include_str!("data/fixup_vectors.txt");

/// Kinds the data file intentionally does not cover, with the reason. Every
/// kind has an llvm-mc form today (data words come from `.long`/`.quad`/
/// `.word`/`.xword`/`.dword` directives), so the list is empty; a kind added
/// to `fixup.rs` must either get a form in the generator or be listed here.
const NOT_COVERED_BY_LLVM_MC: &[(&str, &str)] = &[];

/// The fewest cases a covered kind must have (minimum, maximum, zero).
const MIN_CASES_PER_KIND: usize = 3;

fn kind_by_name(name: &str) -> Option<&'static FixupKind> {
    all_kinds().find(|k| k.name == name)
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex string {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|_| panic!("bad hex {s:?}")))
        .collect()
}

fn num(s: &str) -> u64 {
    let r = match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse(),
    };
    r.unwrap_or_else(|_| panic!("bad number {s:?}"))
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

struct Case {
    line: usize,
    kind: &'static FixupKind,
    template: Vec<u8>,
    pc: u64,
    target: u64,
    expected: Vec<u8>,
}

/// Parses the data file; panics on a malformed line or an unknown kind.
fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (i, line) in VECTORS.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            f.len(),
            5,
            "line {line_no}: expected `kind template pc target expected`: {line:?}"
        );
        let kind = kind_by_name(f[0])
            .unwrap_or_else(|| panic!("line {line_no}: unknown fixup kind {:?}", f[0]));
        let case = Case {
            line: line_no,
            kind,
            template: hex(f[1]),
            pc: num(f[2]),
            target: num(f[3]),
            expected: hex(f[4]),
        };
        assert!(
            case.template.len() >= kind.unit as usize && case.template.len() == case.expected.len(),
            "line {line_no}: template and expected must have the same length, at least the unit's"
        );
        out.push(case);
    }
    out
}

#[test]
fn golden_vectors() {
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "tests/data/fixup_vectors.txt has no cases"
    );
    let mut failures = Vec::new();
    for c in &cases {
        let mut bytes = c.template.clone();
        let start = bytes.len() - c.kind.unit as usize;
        let result = c.kind.apply(&mut bytes[start..], c.target, c.pc);
        let ok = result.is_ok() && bytes == c.expected;
        let what = format!(
            "line {}: {} pc={:#x} target={:#x}: expected {}, got {}",
            c.line,
            c.kind.name,
            c.pc,
            c.target,
            to_hex(&c.expected),
            match &result {
                Ok(()) => to_hex(&bytes),
                Err(e) => format!("error: {e}"),
            }
        );
        if !ok {
            failures.push(what);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn golden_vectors_cover_every_kind() {
    let mut count = BTreeMap::<&str, usize>::new();
    for c in cases() {
        *count.entry(c.kind.name).or_default() += 1;
    }
    let not_covered: BTreeSet<&str> = NOT_COVERED_BY_LLVM_MC.iter().map(|(n, _)| *n).collect();
    for (name, reason) in NOT_COVERED_BY_LLVM_MC {
        assert!(
            kind_by_name(name).is_some(),
            "NOT_COVERED_BY_LLVM_MC names unknown kind {name}"
        );
        assert!(!reason.is_empty());
        assert!(
            !count.contains_key(name),
            "{name} is listed as not covered but has golden cases"
        );
    }
    for k in all_kinds() {
        if not_covered.contains(k.name) {
            continue;
        }
        let n = count.get(k.name).copied().unwrap_or(0);
        assert!(
            n >= MIN_CASES_PER_KIND,
            "{} has {n} golden cases, fewer than {MIN_CASES_PER_KIND}: add an llvm-mc form to \
             scripts/golden/gen_fixup_vectors.py or list it in NOT_COVERED_BY_LLVM_MC",
            k.name
        );
    }
}

#[test]
fn every_kind_validates() {
    for k in all_kinds() {
        assert_eq!(k.validate(), Ok(()), "{}", k.name);
    }
}

#[test]
fn kind_names_are_unique() {
    let mut seen = BTreeSet::new();
    for k in all_kinds() {
        assert!(seen.insert(k.name), "duplicate fixup kind name {}", k.name);
    }
    assert!(seen.len() > 1);
}

// ---------------------------------------------------------------------------
// Range ends, alignment, untouched bits

/// A (target, pc) pair with `target - pc == d`, if both fit in 64 bits.
fn relative(d: i128) -> Option<(u64, u64)> {
    let pc = if d < 0 { 0x1000 - d } else { 0x1000 };
    let target = pc + d;
    Some((u64::try_from(target).ok()?, u64::try_from(pc).ok()?))
}

/// A (target, pc) pair for which `kind`'s raw value is `v`, if there is one.
/// Absolute values below zero are sign-extended addresses.
fn pair_for(kind: &FixupKind, v: i128) -> Option<(u64, u64)> {
    match kind.value {
        Value::Relative => relative(v),
        Value::Absolute => {
            let target = if v < 0 {
                i64::try_from(v).ok()? as u64
            } else {
                u64::try_from(v).ok()?
            };
            Some((target, 0x4000))
        }
        Value::PageRelative { page_shift } => {
            // pc in the middle of its page, target at the end of its page.
            let pc: u64 = (1 << 40) + 0x123;
            let page = (pc >> page_shift) as i128 + v;
            let target = ((page + 1) << page_shift) - 1;
            Some((u64::try_from(target).ok()?, pc))
        }
        Value::AbsoluteLow { bits } => {
            if v < 0 || v >= 1 << bits {
                return None;
            }
            Some(((0x7654_3210u64 << bits) | v as u64, 0x4000))
        }
        Value::RelativeHigh { low_bits } => {
            // The distance furthest from zero that still rounds to v.
            let half = 1i128 << (low_bits - 1);
            let d = if v >= 0 {
                (v << low_bits) + half - 1
            } else {
                (v << low_bits) - half
            };
            relative(d)
        }
        Value::RelativeLow { low_bits } => {
            let half = 1i128 << (low_bits - 1);
            if v < -half || v >= half {
                return None;
            }
            relative(v)
        }
    }
}

/// The field value the pieces hold in `unit` (sign-extended if signed).
fn decode(kind: &FixupKind, unit: u64) -> i128 {
    let mut field = 0u128;
    for p in kind.pieces {
        let m = if p.width >= 64 {
            u64::MAX
        } else {
            (1 << p.width) - 1
        };
        field |= (((unit >> p.to) & m) as u128) << p.from;
    }
    let bits = kind.bits as u32;
    if kind.signed && field >> (bits - 1) & 1 == 1 {
        field as i128 - (1i128 << bits)
    } else {
        field as i128
    }
}

fn unit_word(kind: &FixupKind, bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..kind.unit as usize].copy_from_slice(&bytes[..kind.unit as usize]);
    u64::from_le_bytes(w)
}

/// Ends that no (target, pc) pair can pass, with the reason.
const NO_PAST_END: &[(&str, &str)] = &[
    (
        "x86.rel32.wrap",
        "wraps modulo 2^32: every distance is accepted",
    ),
    (
        "x86.rel64",
        "64-bit differences wrap modulo 2^64: every distance is reachable",
    ),
    ("x86.abs64", "a 64-bit target covers the whole field"),
    ("aarch64.abs64", "a 64-bit target covers the whole field"),
    ("riscv.abs64", "a 64-bit target covers the whole field"),
    ("aarch64.add_lo12", "the value is the target's page offset"),
    (
        "aarch64.ldst8_lo12",
        "the value is the target's page offset",
    ),
    (
        "aarch64.ldst16_lo12",
        "the value is the target's page offset",
    ),
    (
        "aarch64.ldst32_lo12",
        "the value is the target's page offset",
    ),
    (
        "aarch64.ldst64_lo12",
        "the value is the target's page offset",
    ),
    (
        "aarch64.ldst128_lo12",
        "the value is the target's page offset",
    ),
    ("riscv.pcrel_lo12_i", "the low part of every distance fits"),
    ("riscv.pcrel_lo12_s", "the low part of every distance fits"),
];

/// Checks one value that must be accepted; returns a failure message.
fn check_accepted(k: &FixupKind, v: i128, what: &str) -> Result<(), String> {
    let (target, pc) =
        pair_for(k, v).ok_or_else(|| format!("{} {what}: no (target, pc) for {v:#x}", k.name))?;
    let raw = k.raw_value(target, pc);
    if raw != v {
        return Err(format!(
            "{} {what}: raw_value(target={target:#x}, pc={pc:#x}) = {raw:#x}, expected {v:#x}",
            k.name
        ));
    }
    let mut unit = [0u8; 8];
    k.apply(&mut unit, target, pc)
        .map_err(|e| format!("{} {what}: {v:#x} rejected: {e}", k.name))?;
    let field = decode(k, unit_word(k, &unit));
    let want = if k.wrapping {
        (v >> k.scale) & ((1i128 << k.bits) - 1)
    } else {
        v >> k.scale
    };
    if field != want {
        return Err(format!(
            "{} {what}: field holds {field:#x} for {v:#x}, expected {want:#x}",
            k.name
        ));
    }
    Ok(())
}

#[test]
fn range_ends_are_accepted_and_one_past_rejected() {
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let no_past: BTreeSet<&str> = NO_PAST_END.iter().map(|(n, _)| *n).collect();
    for (n, _) in NO_PAST_END {
        assert!(
            kind_by_name(n).is_some(),
            "NO_PAST_END names unknown kind {n}"
        );
    }
    for k in all_kinds() {
        let (fmin, fmax) = k.field_range();
        let (min, max) = (fmin << k.scale, fmax << k.scale);
        let align = 1i128 << k.scale;
        for (v, what) in [(min, "min"), (max, "max"), (0, "zero")] {
            if let Err(e) = check_accepted(k, v, what) {
                failures.insert(format!("{} {what}", k.name), e);
            }
        }
        for (v, what, end) in [(min - align, "min - 1", min), (max + align, "max + 1", max)] {
            let key = format!("{} {what}", k.name);
            let pair = pair_for(k, v);
            if no_past.contains(k.name) {
                // Either unreachable or still accepted (wrapping).
                if let Some((target, pc)) = pair {
                    if let Err(e) = k.apply(&mut [0u8; 8], target, pc) {
                        failures.insert(key, format!("listed in NO_PAST_END but rejects: {e}"));
                    }
                }
                continue;
            }
            let Some((target, pc)) = pair else {
                failures.insert(key, format!("no (target, pc) reaches {v:#x}"));
                continue;
            };
            let mut unit = [0x5Au8; 8];
            let r = k.apply(&mut unit, target, pc);
            let problem = r.map_err(|e| {
                assert_eq!(e.kind, k.name);
                e.problem
            });
            let raw = k.raw_value(target, pc);
            match problem {
                Err(FixupProblem::OutOfRange {
                    value,
                    min: emin,
                    max: emax,
                }) if value == raw && emin == min && emax == max => {}
                other => {
                    failures.insert(
                        key.clone(),
                        format!("{v:#x} (past {end:#x}): expected OutOfRange, got {other:?}"),
                    );
                }
            }
            if unit != [0x5A; 8] {
                failures.insert(key, "a rejected value changed the unit".into());
            }
        }
        if k.scale > 0 {
            // Half an alignment step away from an aligned value.
            let v = align + align / 2;
            let (target, pc) = pair_for(k, v).expect("misaligned pair");
            match k.encode(target, pc) {
                Err(e)
                    if e.problem
                        == (FixupProblem::Misaligned {
                            value: v,
                            align: align as u32,
                        }) => {}
                other => {
                    failures.insert(
                        format!("{} misaligned", k.name),
                        format!("{v:#x}: expected Misaligned, got {other:?}"),
                    );
                }
            }
        }
    }
    let failures: Vec<String> = failures
        .iter()
        .map(|(key, msg)| format!("{key}: {msg}"))
        .collect();
    assert!(
        failures.is_empty(),
        "range failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn wrapping_kinds_reduce_modulo_the_field() {
    for k in all_kinds().filter(|k| k.wrapping) {
        let m = (1i128 << k.bits) - 1;
        for d in [
            -(1i128 << 40),
            -(1 << k.bits) - 3,
            -1,
            0,
            1,
            m,
            m + 1,
            1 << 40,
        ] {
            let (target, pc) = relative(d << k.scale).unwrap();
            let mut unit = [0u8; 8];
            k.apply(&mut unit, target, pc)
                .unwrap_or_else(|e| panic!("{}: {d:#x}: {e}", k.name));
            assert_eq!(decode(k, unit_word(k, &unit)), d & m, "{} {d:#x}", k.name);
        }
    }
}

#[test]
fn apply_touches_only_the_field() {
    for k in all_kinds() {
        let (fmin, fmax) = k.field_range();
        let (min, max) = (fmin << k.scale, fmax << k.scale);
        let align = 1i128 << k.scale;
        let third = |x: i128| x / 3 / align * align;
        let mask = k.unit_mask();
        let unit = k.unit as usize;
        let unit_bits = if unit == 8 {
            u64::MAX
        } else {
            (1u64 << (unit * 8)) - 1
        };
        for v in [min, max, 0, third(min), third(max), align] {
            let Some((target, pc)) = pair_for(k, v) else {
                continue;
            };
            let Ok(bits) = k.encode(target, pc) else {
                continue;
            };
            assert_eq!(
                bits & !mask,
                0,
                "{}: encode sets bits outside the field",
                k.name
            );
            // All ones, and one byte more than the unit.
            let mut ones = [0xFFu8; 9];
            k.apply(&mut ones[..unit + 1], target, pc).unwrap();
            let w = unit_word(k, &ones);
            assert_eq!(
                w & !mask & unit_bits,
                !mask & unit_bits,
                "{} {v:#x}: bits outside the field changed",
                k.name
            );
            assert_eq!(w & mask, bits, "{} {v:#x}: field", k.name);
            assert!(
                ones[unit..].iter().all(|&b| b == 0xFF),
                "{} {v:#x}: wrote past the unit",
                k.name
            );
            // All zeros: exactly the field bits.
            let mut zeros = [0u8; 9];
            k.apply(&mut zeros[..unit], target, pc).unwrap();
            assert_eq!(unit_word(k, &zeros), bits, "{} {v:#x}", k.name);
            assert!(
                zeros[unit..].iter().all(|&b| b == 0),
                "{} {v:#x}: wrote past the unit",
                k.name
            );
            // Patching over a previous value gives the same field.
            let mut again = [0xFFu8; 8];
            if let Some((t2, p2)) = pair_for(k, third(max)) {
                if k.apply(&mut again, t2, p2).is_ok() {
                    k.apply(&mut again, target, pc).unwrap();
                    assert_eq!(
                        unit_word(k, &again) & mask,
                        bits,
                        "{} {v:#x}: repatch",
                        k.name
                    );
                }
            }
        }
    }
}

/// Where each kind takes the PC by default, by the architecture's rule:
/// x86 displacements count from the end of the field (Intel SDM Vol. 2,
/// 2.2.1.6 and JMP/Jcc: "relative to the next instruction", the field ending
/// the instruction); A64 and RISC-V from the instruction itself (Arm ARM
/// C1.2.4; RISC-V unprivileged spec 2.5), except `%pcrel_lo`, which counts
/// from the `auipc` 4 bytes before. Absolute kinds take no PC (0).
#[test]
fn default_pc_follows_each_architectures_rule() {
    use jitasm_core::fixup::{aarch64, riscv, x86, Value};
    for k in x86::ALL {
        let want = match k.value {
            Value::Relative => k.unit as i8,
            _ => 0,
        };
        assert_eq!(k.pc_offset, want, "{}", k.name);
        assert_eq!(k.default_pc(100), 100 + want as usize, "{}", k.name);
    }
    for k in aarch64::ALL {
        assert_eq!(k.pc_offset, 0, "{}", k.name);
    }
    for k in riscv::ALL {
        let want = if matches!(k.value, Value::RelativeLow { .. }) {
            -4
        } else {
            0
        };
        assert_eq!(k.pc_offset, want, "{}", k.name);
    }
}
