//! The builder's condition-code synonyms emit what the text names emit.

use jitasm_core::{LabelRef, LabelTarget};
use jitasm_runtime::{isa::X64, VecAssembler};
use jitasm_x64::builder::{prelude::*, regs::*, short, Builder};
use jitasm_x64::{Mnemonic, Mode};

#[test]
fn synonyms_encode_like_their_table_mnemonic() {
    let mut a = VecAssembler::<X64>::new(0);
    let mut b = Builder::new(&mut a, Mode::Long);
    let t = LabelRef::new(LabelTarget::Extern(0));
    b.jz(short(t)).unwrap();
    b.jnae(t).unwrap();
    b.setnz(al).unwrap();
    b.cmovpe(rax, rcx).unwrap();
    b.cmovnle(r9d, r10d).unwrap();
    let mut want = VecAssembler::<X64>::new(0);
    let mut w = Builder::new(&mut want, Mode::Long);
    w.je(short(t)).unwrap();
    w.jb(t).unwrap();
    w.setne(al).unwrap();
    w.cmovp(rax, rcx).unwrap();
    w.cmovg(r9d, r10d).unwrap();
    assert_eq!(a.finalize().unwrap(), want.finalize().unwrap());
    // and the text-side names resolve to the same mnemonics
    for (alias, canonical) in [
        ("jz", "je"),
        ("jnae", "jb"),
        ("setnz", "setne"),
        ("cmovpe", "cmovp"),
        ("cmovnle", "cmovg"),
    ] {
        assert_eq!(Mnemonic::parse(alias), Mnemonic::parse(canonical));
    }
}

/// `Mnemonic::parse` as it was before it was made faster (a binary search
/// on the names), the reference for the test below.
fn old_parse(name: &str) -> Option<Mnemonic> {
    const ALIASES: &[(&str, &str)] = &[
        ("z", "e"),
        ("nz", "ne"),
        ("c", "b"),
        ("nae", "b"),
        ("nc", "ae"),
        ("nb", "ae"),
        ("na", "be"),
        ("nbe", "a"),
        ("pe", "p"),
        ("po", "np"),
        ("nge", "l"),
        ("nl", "ge"),
        ("ng", "le"),
        ("nle", "g"),
    ];
    let mut buf = [0u8; 24];
    let bytes = name.as_bytes();
    if bytes.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(bytes) {
        *d = s.to_ascii_lowercase();
    }
    let lower = core::str::from_utf8(&buf[..bytes.len()]).ok()?;
    let mut alias = String::new();
    let canonical = ["cmov", "set", "j"]
        .into_iter()
        .find(|p| lower.starts_with(p))
        .and_then(|p| {
            let cond = &lower[p.len()..];
            let (_, to) = ALIASES.iter().find(|(from, _)| *from == cond)?;
            alias = format!("{p}{to}");
            Some(alias.as_str())
        })
        .unwrap_or(lower);
    let name = match canonical {
        "sal" => "shl",
        "xlat" => "xlatb",
        other => other,
    };
    jitasm_x64::table::MNEMONICS
        .binary_search(&name)
        .ok()
        .and_then(|i| Mnemonic::from_index(i as u16))
}

/// `Mnemonic::parse` reads every name as before: every mnemonic in three
/// cases, with a character more or less, every condition synonym, and
/// random strings.
#[test]
fn parse_reads_every_mnemonic_as_the_name_search_did() {
    let mut n = 0usize;
    let mut check = |s: &str| {
        assert_eq!(Mnemonic::parse(s), old_parse(s), "{s:?}");
        n += 1;
    };
    for m in jitasm_x64::table::MNEMONICS {
        check(m);
        check(&m.to_ascii_uppercase());
        check(&m[..m.len() - 1]);
        for c in ["a", "x", "1", "\0", "é"] {
            check(&format!("{m}{c}"));
            check(&format!("{c}{m}"));
        }
    }
    for p in ["j", "set", "cmov", "J", "SET", "CMov", "jn", "cmo", ""] {
        for c in [
            "z", "nz", "c", "nae", "nc", "nb", "na", "nbe", "pe", "po", "nge", "nl", "ng", "nle",
            "e", "ne", "b", "ae", "be", "a", "p", "np", "l", "ge", "le", "g", "", "x", "zz",
        ] {
            check(&format!("{p}{c}"));
        }
    }
    for s in [
        "sal",
        "SAL",
        "xlat",
        "xlatb",
        "Xlat",
        "",
        "a",
        "vfmadd132ps",
        "vfmadd13",
    ] {
        check(s);
    }
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 30) as usize;
        let s: String = (0..len)
            .map(|i| (b'a' + ((x >> (i * 2 % 60)) as u8) % 27) as char)
            .collect();
        check(&s);
    }
    assert!(n > 100_000, "{n}");
}
