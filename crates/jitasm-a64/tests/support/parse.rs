//! A small parser of LLVM's AArch64 assembly spelling, for the tests only
//! (the real text front end is jitasm-syntax's). It reads what the golden
//! vector generator writes: one instruction per line, `#` before
//! immediates, no labels, no expressions.

#![allow(dead_code)]

use jitasm_a64::operand::{barrier_option, prefetch_op, pstate_field, system_register};
use jitasm_a64::{
    Cond, Elem, ElemSize, Mem, MemMode, MemOffset, ModKind, Modifier, Operand, Reg, VLaneList,
    VList,
};

/// Splits `s` at commas outside brackets and braces.
fn split(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

pub fn number(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.strip_prefix('#').unwrap_or(s).trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()? as i128
    } else {
        body.parse::<u64>().ok()? as i128
    };
    let v = if neg { -v } else { v };
    if v < i64::MIN as i128 || v > u64::MAX as i128 {
        return None;
    }
    Some(v as i64)
}

fn float(s: &str) -> Option<f64> {
    let s = s.trim().strip_prefix('#').unwrap_or(s.trim());
    if s.contains("0x") || !(s.contains('.') || s.contains('e')) {
        return None;
    }
    s.parse().ok()
}

fn modifier(s: &str) -> Option<Modifier> {
    let mut it = s.split_whitespace();
    let kind = ModKind::parse(it.next()?)?;
    let amount = match it.next() {
        Some(a) => Some(u8::try_from(number(a)?).ok()?),
        None => None,
    };
    if it.next().is_some() {
        return None;
    }
    Some(Modifier { kind, amount })
}

/// `v1.s[2]`
fn element(s: &str) -> Option<Elem> {
    let (head, idx) = s.strip_suffix(']')?.split_once('[')?;
    let (r, size) = head.split_once('.')?;
    let reg = r
        .strip_prefix(['v', 'V'])?
        .parse::<u8>()
        .ok()
        .filter(|&n| n < 32)?;
    Some(Elem {
        reg,
        size: ElemSize::parse(size)?,
        index: number(idx)?.try_into().ok()?,
    })
}

fn vreg(s: &str) -> Option<(u8, &str)> {
    let (r, t) = s.trim().split_once('.')?;
    let n = r
        .strip_prefix(['v', 'V'])?
        .parse::<u8>()
        .ok()
        .filter(|&n| n < 32)?;
    Some((n, t))
}

/// `{v0.4s, v1.4s}`, `{v0.4s-v3.4s}`, `{v0.s, v1.s}[1]`
fn list(s: &str) -> Option<Operand<'static>> {
    let s = s.strip_prefix('{')?;
    let (inner, after) = s.split_once('}')?;
    let regs: Vec<(u8, &str)> = if let Some((a, b)) = inner.split_once('-') {
        let (a, ta) = vreg(a)?;
        let (b, tb) = vreg(b)?;
        if ta != tb || a == b {
            return None;
        }
        let n = (b + 32 - a) % 32 + 1;
        (0..n).map(|k| ((a + k) % 32, ta)).collect()
    } else {
        inner.split(',').map(vreg).collect::<Option<_>>()?
    };
    let (first, t) = *regs.first()?;
    if regs.len() > 4
        || regs
            .iter()
            .enumerate()
            .any(|(k, &(n, tt))| n != (first + k as u8) % 32 || tt != t)
    {
        return None;
    }
    let count = regs.len() as u8;
    let after = after.trim();
    if after.is_empty() {
        Some(Operand::List(VList {
            first,
            count,
            arr: jitasm_a64::Arrangement::parse(t)?,
        }))
    } else {
        let idx = after.strip_prefix('[')?.strip_suffix(']')?;
        Some(Operand::LaneList(VLaneList {
            first,
            count,
            size: ElemSize::parse(t)?,
            index: number(idx)?.try_into().ok()?,
        }))
    }
}

/// `[x1]`, `[x1, #8]`, `[x1, #8]!`, `[x1, x2, lsl #3]`; the flag says
/// whether only a base was written.
fn mem(s: &str) -> Option<(Mem, bool)> {
    let pre = s.ends_with('!');
    let s = s.strip_suffix('!').unwrap_or(s).trim();
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    let parts = split(inner);
    let base = Reg::parse(parts.first()?)?;
    let (offset, bare) = match parts.len() {
        1 => (MemOffset::Imm(0), true),
        2 => match number(parts[1]) {
            Some(v)
                if parts[1].trim_start().starts_with('#')
                    || parts[1].trim().parse::<i64>().is_ok() =>
            {
                (MemOffset::Imm(v), false)
            }
            _ => (MemOffset::Reg(Reg::parse(parts[1])?, None), false),
        },
        3 => (
            MemOffset::Reg(Reg::parse(parts[1])?, Some(modifier(parts[2])?)),
            false,
        ),
        _ => return None,
    };
    let mode = if pre {
        MemMode::PreIndex
    } else {
        MemMode::Offset
    };
    Some((Mem { base, offset, mode }, bare && !pre))
}

/// Parses one instruction: the mnemonic (lower case) and its operands.
pub fn parse(line: &str) -> Result<(String, Vec<Operand<'_>>), String> {
    let line = line.trim();
    let (mnemonic, rest) = match line.split_once(char::is_whitespace) {
        Some((m, r)) => (m.to_ascii_lowercase(), r.trim()),
        None => (line.to_ascii_lowercase(), ""),
    };
    let parts = split(rest);
    let mut ops: Vec<Operand<'_>> = Vec::new();
    let mut bare_mem_at = None;
    for (i, p) in parts.iter().enumerate() {
        let p = *p;
        let next_is_imm = parts.get(i + 1).is_some_and(|n| n.starts_with('#'));
        let op = if p.starts_with('[') {
            let (m, bare) = mem(p).ok_or_else(|| format!("bad memory operand `{p}`"))?;
            if bare {
                bare_mem_at = Some(ops.len());
            }
            Operand::Mem(m)
        } else if p.starts_with('{') {
            list(p).ok_or_else(|| format!("bad list `{p}`"))?
        } else if let Some(m) = modifier(p) {
            Operand::Modifier(m)
        } else if let Some(f) = float(p) {
            Operand::Float(f)
        } else if let Some(v) = number(p) {
            Operand::Imm(v)
        } else if p.starts_with('#') {
            return Err(format!("bad immediate `{p}`"));
        } else if let Some(e) = element(p) {
            Operand::Elem(e)
        } else if let Some(r) = Reg::parse(p) {
            Operand::Reg(r)
        } else {
            let name = p;
            let by_context = match mnemonic.as_str() {
                "dmb" | "dsb" | "isb" => barrier_option(name).map(Operand::Barrier),
                "prfm" | "prfum" => prefetch_op(name).map(Operand::Prefetch),
                "msr" if i == 0 && next_is_imm => pstate_field(name).map(Operand::PState),
                "msr" | "mrs" => system_register(name).map(Operand::SysReg),
                "sys" | "sysl" => name
                    .strip_prefix(['c', 'C'])
                    .and_then(|n| n.parse::<u8>().ok())
                    .map(Operand::CReg),
                _ => None,
            };
            match by_context {
                Some(o) => o,
                None => match Cond::parse(name) {
                    Some(c) => Operand::Cond(c),
                    None => Operand::Symbol(name),
                },
            }
        };
        ops.push(op);
    }
    // `[x1], #8` and `[x1], x2`: a post-index written after a bare base.
    if let Some(at) = bare_mem_at {
        if at + 2 == ops.len() {
            let offset = match ops[at + 1] {
                Operand::Imm(v) => Some(MemOffset::Imm(v)),
                Operand::Reg(r) => Some(MemOffset::Reg(r, None)),
                _ => None,
            };
            if let (Some(offset), Operand::Mem(m)) = (offset, ops[at]) {
                ops[at] = Operand::Mem(Mem {
                    base: m.base,
                    offset,
                    mode: MemMode::PostIndex,
                });
                ops.pop();
            }
        }
    }
    Ok((mnemonic, ops))
}
