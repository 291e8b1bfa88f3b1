//! Register names and numbers agree with iced-x86's register list (the oracle).

use iced_x86::Register;
use jitasm_x64::{Reg, RegClass};

/// Our class for an iced register, by its documented ranges.
fn class_of(r: Register) -> Option<RegClass> {
    Some(if r.is_gpr8() {
        if matches!(r, Register::AH | Register::CH | Register::DH | Register::BH) {
            RegClass::Gp8High
        } else {
            RegClass::Gp8
        }
    } else if r.is_gpr16() {
        RegClass::Gp16
    } else if r.is_gpr32() {
        RegClass::Gp32
    } else if r.is_gpr64() {
        RegClass::Gp64
    } else if r.is_segment_register() {
        RegClass::Seg
    } else if r.is_cr() {
        RegClass::Cr
    } else if r.is_dr() {
        RegClass::Dr
    } else if r.is_tr() {
        RegClass::Tr
    } else if r.is_st() {
        RegClass::St
    } else if r.is_mm() {
        RegClass::Mm
    } else if r.is_xmm() {
        RegClass::Xmm
    } else if r.is_ymm() {
        RegClass::Ymm
    } else if r.is_zmm() {
        RegClass::Zmm
    } else if r.is_k() {
        RegClass::K
    } else if r.is_tmm() {
        RegClass::Tmm
    } else if r.is_bnd() {
        RegClass::Bnd
    } else {
        return None;
    })
}

#[test]
fn every_iced_register_parses_to_the_same_register() {
    let mut checked = 0;
    for r in Register::values() {
        let Some(class) = class_of(r) else { continue };
        let name = format!("{r:?}").to_ascii_lowercase();
        // iced spells st(i) "st0"; both spellings must parse.
        let ours = Reg::parse(&name).unwrap_or_else(|| panic!("{name} does not parse"));
        assert_eq!(ours.class(), class, "{name}");
        // iced numbers the 8-bit registers al cl dl bl ah ch dh bh spl bpl
        // sil dil r8l…r15l (0..=19); the hardware encodes ah..bh and
        // spl..dil both as 4..=7 (told apart by REX) and r8l.. as 8..
        let n = r.number() as u8;
        let num = if r.is_gpr8() && n >= 8 { n - 4 } else { n };
        assert_eq!(ours.num(), num, "{name}");
        assert_eq!(
            ours.size() as usize,
            r.size().max(if class == RegClass::St { 10 } else { 0 }),
            "{name} size"
        );
        // Our own name parses back to the same register.
        assert_eq!(Reg::parse(&ours.to_string()), Some(ours), "{name}");
        checked += 1;
    }
    // 20 byte + 3×16 GP, 6 segment, 16 CR, 16 DR, 8 TR, 8 st, 8 mm,
    // 3×32 vector, 8 k, 8 tmm, 4 bnd: every register of every class.
    assert_eq!(checked, 20 + 48 + 6 + 16 + 16 + 8 + 8 + 8 + 96 + 8 + 8 + 4);
}

#[test]
fn rex_rules() {
    use jitasm_x64::regs::*;
    assert!(!al.needs_rex() && spl.needs_rex() && r8b.needs_rex() && r15.needs_rex());
    assert!(ah.is_high_byte() && !ah.needs_rex() && ah.num() == 4);
    assert!(xmm16.needs_rex());
}

#[test]
fn malformed_names_do_not_parse() {
    for bad in [
        "",
        "r",
        "r16",
        "r7d",
        "r08",
        "xmm32",
        "k8",
        "st(8)",
        "st(",
        "zmm-1",
        "raxx",
        "mm8",
        "r8q",
        "xmm01",
        "a_very_long_register_name",
        "\u{0}",
        "é",
    ] {
        assert_eq!(Reg::parse(bad), None, "{bad:?}");
    }
    assert_eq!(Reg::parse("RAX"), Some(jitasm_x64::regs::rax));
    assert_eq!(Reg::parse("st(7)").unwrap().num(), 7);
    assert_eq!(Reg::parse("r8l"), Some(jitasm_x64::regs::r8b));
}

/// `Reg::parse` as it was before it was made faster (lists searched in
/// turn), the reference for the test below.
fn old_parse(name: &str) -> Option<Reg> {
    const GP64: [&str; 16] = [
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15",
    ];
    const GP32: [&str; 8] = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
    const GP16: [&str; 8] = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
    const GP8: [&str; 8] = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];
    const GP8H: [&str; 4] = ["ah", "ch", "dh", "bh"];
    const SEG: [&str; 6] = ["es", "cs", "ss", "ds", "fs", "gs"];
    fn number(s: &str) -> Option<u8> {
        let b = s.as_bytes();
        if b.is_empty()
            || b.len() > 2
            || (b.len() == 2 && b[0] == b'0')
            || !b.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        s.parse().ok()
    }
    let mut buf = [0u8; 16];
    let n = name.len();
    if n == 0 || n > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(name.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    let s = core::str::from_utf8(&buf[..n]).ok()?;
    let find = |list: &[&str]| list.iter().position(|x| *x == s).map(|i| i as u8);
    if let Some(i) = find(&GP64) {
        return Reg::new(RegClass::Gp64, i);
    }
    if let Some(i) = find(&GP32) {
        return Reg::new(RegClass::Gp32, i);
    }
    if let Some(i) = find(&GP16) {
        return Reg::new(RegClass::Gp16, i);
    }
    if let Some(i) = find(&GP8) {
        return Reg::new(RegClass::Gp8, i);
    }
    if let Some(i) = find(&GP8H) {
        return Reg::new(RegClass::Gp8High, i + 4);
    }
    if let Some(i) = find(&SEG) {
        return Reg::new(RegClass::Seg, i);
    }
    match s {
        "rip" => return Reg::new(RegClass::Ip, 0),
        "eip" => return Reg::new(RegClass::Ip, 1),
        "st" => return Reg::new(RegClass::St, 0),
        _ => {}
    }
    if let Some(rest) = s.strip_prefix('r') {
        let (digits, class) = match rest.as_bytes().last()? {
            b'd' => (&rest[..rest.len() - 1], RegClass::Gp32),
            b'w' => (&rest[..rest.len() - 1], RegClass::Gp16),
            b'b' | b'l' => (&rest[..rest.len() - 1], RegClass::Gp8),
            _ => ("", RegClass::Gp64),
        };
        if !digits.is_empty() {
            let i = number(digits)?;
            return if i >= 8 { Reg::new(class, i) } else { None };
        }
    }
    if let Some(rest) = s.strip_prefix("st(").and_then(|r| r.strip_suffix(')')) {
        return Reg::new(RegClass::St, number(rest)?);
    }
    for (prefix, class) in [
        ("xmm", RegClass::Xmm),
        ("ymm", RegClass::Ymm),
        ("zmm", RegClass::Zmm),
        ("tmm", RegClass::Tmm),
        ("bnd", RegClass::Bnd),
        ("mm", RegClass::Mm),
        ("st", RegClass::St),
        ("cr", RegClass::Cr),
        ("dr", RegClass::Dr),
        ("tr", RegClass::Tr),
        ("k", RegClass::K),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return Reg::new(class, number(rest)?);
        }
    }
    None
}

/// `Reg::parse` reads every string as before: all strings of up to four
/// characters over the letters, digits and parentheses of register names,
/// every register-like prefix with numbers and suffixes in three cases,
/// and random strings (non-ASCII included) up to 17 bytes.
#[test]
fn parse_reads_every_name_as_the_list_search_did() {
    let mut n = 0usize;
    let mut check = |s: &str| {
        assert_eq!(Reg::parse(s), old_parse(s), "{s:?}");
        n += 1;
    };
    let alphabet: Vec<char> = "abcdehiklmnprstwxyz0123489()".chars().collect();
    let mut words = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for w in &words {
            for &c in &alphabet {
                let mut w2 = w.clone();
                w2.push(c);
                check(&w2);
                next.push(w2);
            }
        }
        words = next;
    }
    let prefixes = [
        "", "r", "e", "x", "y", "z", "t", "b", "m", "s", "c", "d", "k", "mm", "xmm", "ymm", "zmm",
        "tmm", "bnd", "st", "st(", "cr", "dr", "tr", "rr", "ra", "eip", "rip",
    ];
    let numbers = [
        "", "0", "1", "7", "8", "9", "00", "01", "07", "08", "10", "15", "16", "31", "32", "99",
        "100", "007", "x",
    ];
    let suffixes = ["", "d", "w", "b", "l", ")", "x", "dd", "(", " "];
    for p in prefixes {
        for num in numbers {
            for suf in suffixes {
                let s = format!("{p}{num}{suf}");
                check(&s);
                check(&s.to_ascii_uppercase());
                let mixed: String = s
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 2 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                check(&mixed);
            }
        }
    }
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 18) as usize;
        let s: String = (0..len)
            .map(|i| {
                let b = (x >> (i * 3 % 60)) as u8;
                match b % 7 {
                    0 => 'é',
                    1..=3 => alphabet[b as usize % alphabet.len()],
                    _ => (b'a' + b % 26) as char,
                }
            })
            .collect();
        check(&s);
    }
    assert!(n > 700_000, "{n}");
}
