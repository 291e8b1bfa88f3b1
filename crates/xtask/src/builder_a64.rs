//! Generates `crates/jitasm-a64/src/generated/builder.rs`: the AArch64
//! typed builder's traits and impls — one trait per mnemonic and operand
//! count, one impl per combination of argument types the form table allows
//! (and per way an alias is written) — and the list of impls the tests read.
//!
//! An operand's argument types come from its kind and qualifier
//! ([`types`]); a shift or extend that may follow an operand is part of the
//! argument (`(x2, lsl(3))`), so `add x0, x1, x2` and `add x0, x1, x2, lsl
//! #3` are the same method. Aliases (`mov`, `cmp`, `lsl`, `cset`, `b.eq`,
//! `stadd`, `nop`…), which are not rows of the table, are listed in
//! `ALIASES`: by hand, or derived from their base instruction's forms
//! (`cmp` is `subs` without its first operand).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jitasm_meta::a64::{FormDef, OpDef};

/// Argument type tokens. Each names one argument type of the builder
/// ([`rust_type`]); `Imm`, `ImmShift`, `Float` and `Label` are generic
/// (any integer, any float or integer, any label).
///
/// `wide` says whether the form is a 64-bit operation (its first operand
/// is an X register): there a 32-bit register of an extended-register
/// operand needs an extend (`add x0, x1, w2` is refused, `add x0, x1, w2,
/// uxtw` is not), so only the pair with an extend is an argument type.
fn types(o: &OpDef, wide: bool) -> &'static [&'static str] {
    let q = o.qual;
    match (o.kind, q) {
        ("GprExtended", "W") if wide => &["WExt"],
        // Without a field for the shift (`movi v0.16b`) no shift is taken;
        // `msl` must be written.
        ("SimdImmShifted", "Lsl") if o.fields.len() < 3 => &["Imm"],
        ("SimdImmShifted", "Msl") => &["ImmShift"],
        ("Gpr" | "GprPair", "W") => &["W"],
        ("Gpr" | "GprPair", _) => &["X"],
        ("GprSp", "W") => &["W", "Wsp"],
        ("GprSp", _) => &["X", "Sp"],
        ("GprShifted" | "GprShiftedLog", "W") => &["W", "WShift"],
        ("GprShifted" | "GprShiftedLog", _) => &["X", "XShift"],
        ("GprExtended", "W") => &["W", "WExt", "WShift"],
        ("GprExtended", _) => &["X", "XExt", "XShift"],
        ("Fpr", "B") => &["B"],
        ("Fpr", "H") => &["H"],
        ("Fpr", "S") => &["S"],
        ("Fpr", "D") => &["D"],
        ("Fpr", "Q") => &["Q"],
        ("VReg", q) => match q {
            "V8B" => &["V8B"],
            "V16B" => &["V16B"],
            "V2H" => &["V2H"],
            "V4H" => &["V4H"],
            "V8H" => &["V8H"],
            "V2S" => &["V2S"],
            "V4S" => &["V4S"],
            "V1D" => &["V1D"],
            "V2D" => &["V2D"],
            "V1Q" => &["V1Q"],
            other => panic!("builder: no vector type for {other}"),
        },
        ("VRegD1", _) => &["ED"],
        ("ElemImm5" | "ElemImm4" | "ElemIdx" | "ElemIdxPair", q) => match q {
            "B" => &["EB"],
            "H" => &["EH"],
            "S" => &["ES"],
            "D" => &["ED"],
            "S4B" => &["E4B"],
            "S2H" => &["E2H"],
            other => panic!("builder: no element type for {other}"),
        },
        ("VList" | "VListRep", q) => match q {
            "V8B" => &["L8B"],
            "V16B" => &["L16B"],
            "V2H" => &["L2H"],
            "V4H" => &["L4H"],
            "V8H" => &["L8H"],
            "V2S" => &["L2S"],
            "V4S" => &["L4S"],
            "V1D" => &["L1D"],
            "V2D" => &["L2D"],
            "V1Q" => &["L1Q"],
            other => panic!("builder: no list type for {other}"),
        },
        ("VLaneList", q) => match q {
            "B" => &["LB"],
            "H" => &["LH"],
            "S" => &["LS"],
            "D" => &["LD"],
            other => panic!("builder: no lane list type for {other}"),
        },
        ("AddSubImm" | "MoveWide" | "SimdImmShifted", _) => &["Imm", "ImmShift"],
        (
            "LogicalImm" | "FBits" | "Zero" | "SimdImm64" | "ShiftLeft" | "ShiftRight" | "ShllImm"
            | "Rot90" | "Rot270" | "UImm",
            _,
        ) => &["Imm"],
        ("FpImm8" | "SimdFpImm8" | "FpZero", _) => &["Float"],
        ("CReg", _) => &["CReg"],
        ("Cond", _) => &["Cond"],
        ("MemBase" | "MemUImm12" | "MemSImm9" | "MemSImm7" | "MemSImm10" | "MemRegOff", _) => {
            &["Mem"]
        }
        ("MemPre9" | "MemPre7" | "MemPre10", _) => &["Pre"],
        ("MemPost9" | "MemPost7" | "MemPostSimd", _) => &["Post"],
        ("Label26" | "Label19" | "Label14" | "LabelAdr" | "LabelAdrp", _) => &["Label"],
        ("SysReg", _) => &["SysReg"],
        ("PState", _) => &["PState"],
        ("Barrier", _) => &["Barrier", "Imm"],
        ("Prefetch", _) => &["Prefetch", "Imm"],
        (other, q) => panic!("builder: operand kind {other}:{q} has no argument type; add one"),
    }
}

/// The tokens that stand for a generic argument (a blanket impl): two of
/// them at one position of otherwise equal argument lists would be
/// overlapping impls.
const GENERIC: &[&str] = &["Imm", "Float", "Label"];

/// The Rust type of a token in an impl's signature; generic tokens name
/// their parameter (declared by [`generic_bound`]).
fn rust_type(tok: &str, i: usize) -> String {
    let arr = |a: &str| format!("VReg<arr::{a}>");
    let list = |a: &str| format!("VList<arr::{a}>");
    match tok {
        "X" | "W" | "Sp" | "Wsp" | "B" | "H" | "S" | "D" | "Q" | "Mem" | "Pre" | "Post"
        | "Cond" | "SysReg" | "PState" | "Barrier" | "Prefetch" | "CReg" | "Bti" | "DcOp"
        | "IcOp" | "AtOp" | "TlbiOp" => tok.to_string(),
        "XShift" => "(X, Shift)".into(),
        "WShift" => "(W, Shift)".into(),
        "XExt" => "(X, Extend)".into(),
        "WExt" => "(W, Extend)".into(),
        "V8B" => arr("B8"),
        "V16B" => arr("B16"),
        "V2H" => arr("H2"),
        "V4H" => arr("H4"),
        "V8H" => arr("H8"),
        "V2S" => arr("S2"),
        "V4S" => arr("S4"),
        "V1D" => arr("D1"),
        "V2D" => arr("D2"),
        "V1Q" => arr("Q1"),
        "L8B" => list("B8"),
        "L16B" => list("B16"),
        "L2H" => list("H2"),
        "L4H" => list("H4"),
        "L8H" => list("H8"),
        "L2S" => list("S2"),
        "L4S" => list("S4"),
        "L1D" => list("D1"),
        "L2D" => list("D2"),
        "L1Q" => list("Q1"),
        "EB" => "VElem<elem::B>".into(),
        "EH" => "VElem<elem::H>".into(),
        "ES" => "VElem<elem::S>".into(),
        "ED" => "VElem<elem::D>".into(),
        "E4B" => "VElem<elem::B4>".into(),
        "E2H" => "VElem<elem::H2>".into(),
        "LB" => "VLanes<elem::B>".into(),
        "LH" => "VLanes<elem::H>".into(),
        "LS" => "VLanes<elem::S>".into(),
        "LD" => "VLanes<elem::D>".into(),
        "Imm" => format!("I{i}"),
        "ImmShift" => format!("(I{i}, Shift)"),
        "Float" => format!("F{i}"),
        "Label" => format!("L{i}"),
        other => panic!("builder: no Rust type for token {other}"),
    }
}

/// The generic parameter (and lifetime) a token declares, if any.
fn generic_bound(tok: &str, i: usize) -> Option<(Option<String>, String)> {
    match tok {
        "Imm" | "ImmShift" => Some((None, format!("I{i}: IntoImm"))),
        "Float" => Some((None, format!("F{i}: IntoFloat"))),
        "Label" => Some((Some(format!("'l{i}")), format!("L{i}: IntoLabel<'l{i}>"))),
        _ => None,
    }
}

/// How argument `a{i}` of type `tok` is lowered into the operand buffer `o`.
fn lower(tok: &str, i: usize) -> String {
    match tok {
        "Imm" => format!("o.imm(a{i});"),
        "ImmShift" => format!("o.imm_shift(a{i});"),
        "Float" => format!("o.float(a{i});"),
        "Label" => format!("o.label(a{i});"),
        _ => format!("o.arg(a{i});"),
    }
}

/// How an alias's argument lists are given.
enum Sig {
    /// By hand: each list of tokens, and the instructions the alias rules
    /// rewrite such a call to (the fast path tries their forms; a test
    /// checks every rewrite of every impl lands in one of them).
    Hand(&'static [&'static [&'static str]], &'static [&'static str]),
    /// The argument lists of `base`'s forms with the operand at `drop`
    /// removed, from the forms where it is a general register that may be
    /// the zero register (the alias puts `xzr`/`wzr` there); with `None`,
    /// every form of `base` as it is.
    Derive(&'static str, Option<usize>),
}

/// `hint #n` aliases without operands (as `crates/jitasm-a64/src/alias.rs`
/// lists them).
const HINTS: &[&str] = &[
    "nop",
    "yield",
    "wfe",
    "wfi",
    "sev",
    "sevl",
    "dgh",
    "xpaclri",
    "pacia1716",
    "pacib1716",
    "autia1716",
    "autib1716",
    "esb",
    "csdb",
    "paciaz",
    "paciasp",
    "pacibz",
    "pacibsp",
    "autiaz",
    "autiasp",
    "autibz",
    "autibsp",
];

/// Condition names of `b.<cond>` (with `cs`/`cc`, as the text assembler
/// reads them).
const CONDS: &[&str] = &[
    "eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
    "al", "nv",
];

/// LSE atomics whose `st…` alias is the `ld…` instruction with the zero
/// register as destination, and the suffixes they take.
const LSE_STORES: &[&str] = &["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"];
const LSE_SUFFIXES: &[&str] = &["", "l", "b", "h", "lb", "lh"];

const VEC_SAME: &[&[&str]] = &[
    &["V8B", "V8B"],
    &["V16B", "V16B"],
    &["V4H", "V4H"],
    &["V8H", "V8H"],
    &["V2S", "V2S"],
    &["V4S", "V4S"],
    &["V1D", "V1D"],
    &["V2D", "V2D"],
];

/// `sxtl`/`uxtl`: the lengthened arrangement and its source.
const XTL: &[&[&str]] = &[&["V8H", "V8B"], &["V4S", "V4H"], &["V2D", "V2S"]];

/// `sxtl2`/`uxtl2`: the lengthened arrangement and its upper-half source.
const XTL2: &[&[&str]] = &[&["V8H", "V16B"], &["V4S", "V8H"], &["V2D", "V4S"]];

/// The aliases the text assembler accepts (`jitasm_a64`'s alias rules),
/// with their argument lists.
fn aliases() -> Vec<(String, Vec<Sig>)> {
    let mut v: Vec<(String, Vec<Sig>)> = Vec::new();
    let mut add = |m: &str, s: Vec<Sig>| v.push((m.to_string(), s));
    for h in HINTS {
        add(h, vec![Sig::Hand(&[&[]], &["hint"])]);
    }
    add("bti", vec![Sig::Hand(&[&[], &["Bti"]], &["hint"])]);
    let same: [(&str, &'static [&'static str]); 8] = [
        ("ret", &["ret"]),
        ("dcps1", &["dcps1"]),
        ("dcps2", &["dcps2"]),
        ("dcps3", &["dcps3"]),
        ("isb", &["isb"]),
        ("clrex", &["clrex"]),
        ("ssbb", &["dsb"]),
        ("pssbb", &["dsb"]),
    ];
    for (m, base) in same {
        add(m, vec![Sig::Hand(&[&[]], base)]);
    }
    add(
        "mov",
        vec![
            Sig::Hand(&[&["X", "X"], &["W", "W"]], &["orr"]),
            Sig::Hand(
                &[
                    &["X", "Sp"],
                    &["Sp", "X"],
                    &["Sp", "Sp"],
                    &["W", "Wsp"],
                    &["Wsp", "W"],
                    &["Wsp", "Wsp"],
                ],
                &["add"],
            ),
            Sig::Hand(
                &[
                    &["X", "Imm"],
                    &["W", "Imm"],
                    &["Sp", "Imm"],
                    &["Wsp", "Imm"],
                ],
                &["movz", "movn", "orr"],
            ),
            Sig::Hand(
                &[
                    &["EB", "EB"],
                    &["EH", "EH"],
                    &["ES", "ES"],
                    &["ED", "ED"],
                    &["EB", "W"],
                    &["EH", "W"],
                    &["ES", "W"],
                    &["ED", "X"],
                ],
                &["ins"],
            ),
            Sig::Hand(&[&["W", "ES"], &["X", "ED"]], &["umov"]),
            Sig::Hand(
                &[&["B", "EB"], &["H", "EH"], &["S", "ES"], &["D", "ED"]],
                &["dup"],
            ),
            Sig::Hand(VEC_SAME, &["orr"]),
        ],
    );
    for (m, base, drop) in [
        ("cmp", "subs", 0),
        ("cmn", "adds", 0),
        ("tst", "ands", 0),
        ("neg", "sub", 1),
        ("negs", "subs", 1),
        ("ngc", "sbc", 1),
        ("ngcs", "sbcs", 1),
        ("mul", "madd", 3),
        ("mneg", "msub", 3),
        ("smull", "smaddl", 3),
        ("umull", "umaddl", 3),
        ("smnegl", "smsubl", 3),
        ("umnegl", "umsubl", 3),
    ] {
        add(m, vec![Sig::Derive(base, Some(drop))]);
    }
    add(
        "mvn",
        vec![Sig::Derive("orn", Some(1)), Sig::Derive("not", None)],
    );
    for (m, base) in [
        ("lsl", "lslv"),
        ("lsr", "lsrv"),
        ("asr", "asrv"),
        ("ror", "rorv"),
    ] {
        add(
            m,
            vec![
                Sig::Derive(base, None),
                Sig::Hand(
                    &[&["X", "X", "Imm"], &["W", "W", "Imm"]],
                    if m == "ror" {
                        &["extr"]
                    } else {
                        &["ubfm", "sbfm"]
                    },
                ),
            ],
        );
    }
    // A 64-bit source is read as its low bits, as llvm-mc does.
    add(
        "sxtb",
        vec![Sig::Hand(
            &[&["X", "W"], &["W", "W"], &["X", "X"]],
            &["sbfm"],
        )],
    );
    add(
        "sxth",
        vec![Sig::Hand(
            &[&["X", "W"], &["W", "W"], &["X", "X"]],
            &["sbfm"],
        )],
    );
    add(
        "sxtw",
        vec![Sig::Hand(&[&["X", "W"], &["X", "X"]], &["sbfm"])],
    );
    // Vector lengthening by zero: `sshll`/`ushll` with shift 0.
    let xtl: [(&str, &'static [&'static str], _); 4] = [
        ("sxtl", &["sshll"], XTL),
        ("uxtl", &["ushll"], XTL),
        ("sxtl2", &["sshll2"], XTL2),
        ("uxtl2", &["ushll2"], XTL2),
    ];
    for (m, base, lists) in xtl {
        add(m, vec![Sig::Hand(lists, base)]);
    }
    add(
        "cmpp",
        vec![Sig::Hand(
            &[&["X", "X"], &["X", "Sp"], &["Sp", "X"], &["Sp", "Sp"]],
            &["subps"],
        )],
    );
    add(
        "irg",
        vec![Sig::Hand(
            &[&["X", "X"], &["X", "Sp"], &["Sp", "X"], &["Sp", "Sp"]],
            &["irg"],
        )],
    );
    add("rev64", vec![Sig::Hand(&[&["X", "X"]], &["rev"])]);
    add(
        "uxtb",
        vec![Sig::Hand(&[&["W", "W"], &["X", "W"]], &["ubfm"])],
    );
    add(
        "uxth",
        vec![Sig::Hand(&[&["W", "W"], &["X", "W"]], &["ubfm"])],
    );
    for m in ["ubfx", "sbfx", "bfxil", "ubfiz", "sbfiz", "bfi"] {
        add(
            m,
            vec![Sig::Hand(
                &[&["X", "X", "Imm", "Imm"], &["W", "W", "Imm", "Imm"]],
                &["ubfm", "sbfm", "bfm"],
            )],
        );
    }
    add(
        "bfc",
        vec![Sig::Hand(
            &[&["X", "Imm", "Imm"], &["W", "Imm", "Imm"]],
            &["bfm"],
        )],
    );
    for m in ["cset", "csetm"] {
        add(
            m,
            vec![Sig::Hand(
                &[&["X", "Cond"], &["W", "Cond"]],
                &["csinc", "csinv"],
            )],
        );
    }
    for m in ["cinc", "cinv", "cneg"] {
        add(
            m,
            vec![Sig::Hand(
                &[&["X", "X", "Cond"], &["W", "W", "Cond"]],
                &["csinc", "csinv", "csneg"],
            )],
        );
    }
    // The named `sys` operations (`dc civac, x0`, `ic iallu`), and `sys`
    // without `Xt`.
    add("dc", vec![Sig::Hand(&[&["DcOp", "X"]], &["sys"])]);
    add(
        "ic",
        vec![Sig::Hand(&[&["IcOp"], &["IcOp", "X"]], &["sys"])],
    );
    add("at", vec![Sig::Hand(&[&["AtOp", "X"]], &["sys"])]);
    add(
        "tlbi",
        vec![Sig::Hand(&[&["TlbiOp"], &["TlbiOp", "X"]], &["sys"])],
    );
    add(
        "sys",
        vec![Sig::Hand(&[&["Imm", "CReg", "CReg", "Imm"]], &["sys"])],
    );
    // `tbz w0, #bit, label` is the X form (llvm-mc's reading: a fallback
    // of the instruction, not an alias rule; the general path takes it).
    for m in ["tbz", "tbnz"] {
        add(m, vec![Sig::Hand(&[&["W", "Imm", "Label"]], &[])]);
    }
    for c in CONDS {
        add(
            &format!("b.{c}"),
            vec![Sig::Hand(&[&["Label"]], &["b.cond"])],
        );
    }
    v
}

/// The LSE store aliases whose `ld…` instruction is in the table.
fn lse_aliases(mnemonics: &BTreeSet<&str>) -> Vec<(String, Vec<Sig>)> {
    let mut v = Vec::new();
    for op in LSE_STORES {
        for s in LSE_SUFFIXES {
            let ld = format!("ld{op}{s}");
            if let Some(base) = mnemonics.get(ld.as_str()) {
                let base: &'static str = Box::leak(base.to_string().into_boxed_str());
                v.push((format!("st{op}{s}"), vec![Sig::Derive(base, Some(1))]));
            }
        }
    }
    v
}

/// Mnemonics with several operand counts whose plain method name goes to
/// a count other than the smallest (the register forms; the others are
/// `<name>_<count>`).
const PLAIN_COUNT: &[(&str, usize)] = &[
    ("orr", 3),
    ("bic", 3),
    ("addp", 3),
    ("faddp", 3),
    ("fmaxnmp", 3),
    ("fmaxp", 3),
    ("fminnmp", 3),
    ("fminp", 3),
    ("ic", 2),
    ("tlbi", 2),
    ("sys", 5),
    ("irg", 3),
];

/// The Rust method name of a mnemonic (`b.eq` → `b_eq`; keywords get a
/// trailing underscore).
fn method(m: &str) -> String {
    let m = m.replace('.', "_");
    match m.as_str() {
        "yield" | "type" | "in" | "loop" | "mod" | "move" | "ref" | "fn" | "as" | "use" => {
            format!("{m}_")
        }
        _ => m,
    }
}

fn camel(m: &str) -> String {
    m.split(['_', '.'])
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Whether a form is a 64-bit operation (its first operand an X register).
fn wide(d: &FormDef) -> bool {
    d.operands.first().is_some_and(|o| o.qual == "X")
}

/// Every argument-type list of the operands `ops` of a form (`wide`: see
/// [`types`]).
fn tuples(ops: &[&OpDef], wide: bool) -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&'static str>> = vec![Vec::new()];
    for o in ops {
        let mut next = Vec::new();
        for t in &out {
            for ty in types(o, wide) {
                let mut t2 = t.clone();
                t2.push(*ty);
                next.push(t2);
            }
        }
        out = next;
    }
    out
}

/// One impl: the forms its argument types may match (indices into
/// `FORMS`), or none for an alias, which goes through the whole matcher.
#[derive(Default)]
struct Entry {
    forms: BTreeSet<usize>,
    alias: bool,
    /// For an alias impl: the instructions its rewrites may name.
    bases: BTreeSet<&'static str>,
}

/// One impl in the tests' list: mnemonic, method, the span of forms it
/// chooses among (none for the alias rules), argument tokens.
type Listed = (String, String, Option<(usize, usize)>, Vec<&'static str>);

type Arities = BTreeMap<usize, BTreeMap<Vec<&'static str>, Entry>>;

/// Whether two argument lists would be overlapping impls: at every
/// position the same type, or two generic ones.
fn overlap(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len()
        && a != b
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (GENERIC.contains(x) && GENERIC.contains(y)))
}

/// Returns the generated source and the number of impls.
pub fn generate() -> (String, usize) {
    let (defs, _) = jitasm_meta::a64::forms();
    generate_from(&defs)
}

fn generate_from(defs: &[FormDef]) -> (String, usize) {
    let mnemonics: BTreeSet<&str> = defs.iter().map(|d| d.mnemonic.as_str()).collect();
    let mut all: BTreeMap<String, Arities> = BTreeMap::new();
    for (i, d) in defs.iter().enumerate() {
        let ops: Vec<&OpDef> = d.operands.iter().collect();
        let e = all.entry(d.mnemonic.clone()).or_default();
        for t in tuples(&ops, wide(d)) {
            e.entry(t.len())
                .or_default()
                .entry(t)
                .or_default()
                .forms
                .insert(i);
        }
    }
    let mut alias_list = aliases();
    alias_list.extend(lse_aliases(&mnemonics));
    for (m, sigs) in &alias_list {
        let mut lists: BTreeMap<Vec<&'static str>, BTreeSet<&'static str>> = BTreeMap::new();
        for s in sigs {
            match s {
                Sig::Hand(ls, bases) => {
                    for l in *ls {
                        lists.entry(l.to_vec()).or_default().extend(*bases);
                    }
                }
                Sig::Derive(base, drop) => {
                    let mut found = false;
                    for d in defs.iter().filter(|d| d.mnemonic == *base) {
                        found = true;
                        let ops: Vec<&OpDef> = match drop {
                            None => d.operands.iter().collect(),
                            Some(k) => {
                                match d.operands.get(*k) {
                                    Some(o) if o.kind == "Gpr" => {}
                                    _ => continue,
                                }
                                d.operands
                                    .iter()
                                    .enumerate()
                                    .filter(|(j, _)| j != k)
                                    .map(|(_, o)| o)
                                    .collect()
                            }
                        };
                        for t in tuples(&ops, wide(d)) {
                            lists.entry(t).or_default().insert(base);
                        }
                    }
                    assert!(found, "alias {m}: no base instruction {base}");
                }
            }
        }
        let e = all.entry(m.clone()).or_default();
        for (l, bases) in lists {
            for b in &bases {
                assert!(
                    mnemonics.contains(b),
                    "alias {m}: base {b} is no instruction of the table"
                );
            }
            let entry = e.entry(l.len()).or_default().entry(l).or_default();
            entry.alias = true;
            entry.bases.extend(bases);
        }
    }
    for (m, arities) in &all {
        for set in arities.values() {
            let keys: Vec<&Vec<&str>> = set.keys().collect();
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    assert!(
                        !overlap(a, b),
                        "builder: `{m}` {a:?} and {b:?} would be overlapping impls"
                    );
                }
            }
        }
    }

    let mut s = String::new();
    s.push_str(
        "// @generated by `cargo xtask codegen` (crates/xtask/src/builder_a64.rs) from the\n\
         // AArch64 form table's operand kinds and the alias list there. Do not edit: change\n\
         // the generator and run it again.\n\n\
         use crate::builder::*;\n\
         use crate::error::EncodeError;\n\
         use jitasm_core::CodeSink;\n\n\
         type R = Result<(), EncodeError>;\n\n",
    );
    // Each mnemonic's forms: a run of the table.
    let mut runs: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, d) in defs.iter().enumerate() {
        let r = runs.entry(d.mnemonic.as_str()).or_insert((i, i));
        assert_eq!(r.1, i, "the forms of {} are not one run", d.mnemonic);
        r.1 = i + 1;
    }
    let run = |m: &str| runs.get(m).copied().unwrap_or((0, 0));
    let alias_const = |m: &str| format!("a::{}", m.replace('.', "_").to_uppercase());
    let mut alias_names: BTreeSet<&str> = BTreeSet::new();
    let mut impls = 0;
    // (mnemonic, method, table span or alias, tokens) for the tests' list.
    let mut listing: Vec<Listed> = Vec::new();
    // Each impl's fast-path plan: its own forms and its aliases' bases.
    let mut plans: Vec<Plan> = Vec::new();
    for (m, arities) in &all {
        let plain = PLAIN_COUNT
            .iter()
            .find(|(p, _)| p == m)
            .map(|&(_, n)| n)
            .filter(|n| arities.contains_key(n))
            .unwrap_or_else(|| *arities.keys().next().expect("an arity"));
        let in_table = mnemonics.contains(m.as_str());
        for (&arity, set) in arities {
            let name = if arity == plain {
                method(m)
            } else {
                format!("{}_{arity}", method(m))
            };
            let trait_name = format!("{}{arity}", camel(m));
            let params: Vec<String> = (0..arity).map(|i| format!("T{i}")).collect();
            let args: Vec<String> = (0..arity).map(|i| format!("a{i}: T{i}")).collect();
            let what = if in_table {
                format!(
                    "the forms are listed by [`crate::table::forms_of`]`(\"{m}\")`{}.",
                    if set.values().any(|e| e.alias) {
                        "; some argument types go through the alias rules"
                    } else {
                        ""
                    }
                )
            } else {
                "an alias, rewritten to its base instruction as llvm-mc does.".to_string()
            };
            writeln!(
                s,
                "/// `{m}` with {arity} operand{}: {what}",
                if arity == 1 { "" } else { "s" }
            )
            .unwrap();
            writeln!(
                s,
                "pub trait {trait_name}<{}> {{\n    /// Emits `{m}`.\n    fn {name}(&mut self{}{}) -> R;\n}}",
                params.join(", "),
                if arity == 0 { "" } else { ", " },
                args.join(", ")
            )
            .unwrap();
            for (tuple, entry) in set {
                let mut lifetimes = Vec::new();
                let mut generics = vec!["Out: CodeSink + ?Sized".to_string()];
                for (i, t) in tuple.iter().enumerate() {
                    if let Some((lt, g)) = generic_bound(t, i) {
                        lifetimes.extend(lt);
                        generics.push(g);
                    }
                }
                let mut gen_all = lifetimes;
                gen_all.extend(generics);
                let tys: Vec<String> = tuple
                    .iter()
                    .enumerate()
                    .map(|(i, t)| rust_type(t, i))
                    .collect();
                let sig: Vec<String> = tys
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!(", a{i}: {t}"))
                    .collect();
                let lowers: Vec<String> =
                    tuple.iter().enumerate().map(|(i, t)| lower(t, i)).collect();
                let list = |lo: usize, hi: usize| {
                    (lo..hi)
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let (call, span, plan) = if entry.alias {
                    // The whole matcher's order: the mnemonic's own forms
                    // (if it is one of the table), then its alias rules.
                    let (lo, hi) = run(m);
                    let bases: Vec<(&str, (usize, usize))> =
                        entry.bases.iter().map(|b| (*b, run(b))).collect();
                    if !bases.is_empty() {
                        alias_names.insert(m.as_str());
                    }
                    let arms: Vec<String> = bases
                        .iter()
                        .map(|(b, (blo, bhi))| format!("{b:?} [{}]", list(*blo, *bhi)))
                        .collect();
                    let rules = if arms.is_empty() {
                        String::new()
                    } else {
                        format!("; alias {}; {}", alias_const(m), arms.join(" "))
                    };
                    (
                        format!(
                            "self.emit_alias_fast({m:?}, o, |o| fast!(o; {}{rules}))",
                            list(lo, hi)
                        ),
                        None,
                        ((lo, hi), bases.iter().map(|(_, r)| *r).collect()),
                    )
                } else {
                    let lo = *entry.forms.first().unwrap();
                    let hi = *entry.forms.last().unwrap() + 1;
                    (
                        format!(
                            "self.emit_fast({m:?}, ({lo}, {hi}), o, |o| fast!(o; {}))",
                            list(lo, hi)
                        ),
                        Some((lo, hi)),
                        ((lo, hi), Vec::new()),
                    )
                };
                plans.push(plan);
                let trait_args = if tys.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", tys.join(", "))
                };
                writeln!(
                    s,
                    "impl<{}> {trait_name}{trait_args} for Builder<'_, Out> {{ #[inline] fn {name}(&mut self{}) -> R {{ {}{}{call} }} }}",
                    gen_all.join(", "),
                    sig.join(""),
                    if tuple.is_empty() { "let o = Ops::new(); " } else { "let mut o = Ops::new(); " },
                    lowers.iter().map(|l| format!("{l} ")).collect::<String>(),
                )
                .unwrap();
                impls += 1;
                listing.push((m.clone(), name.clone(), span, tuple.clone()));
            }
        }
    }
    // The prelude: every trait.
    s.push_str("\n/// Every builder trait.\npub mod prelude {\n");
    for (m, arities) in &all {
        for arity in arities.keys() {
            writeln!(s, "    pub use super::{}{arity};", camel(m)).unwrap();
        }
    }
    s.push_str("}\n");
    // The impls as data, for the tests: a callback macro, so that only a
    // test that asks for them compiles calls of every impl.
    s.push_str(
        "\n/// Every impl of the builder as `id \"mnemonic\" method span [argument tokens];`\n\
         /// (`span` is `table lo hi`, the forms in `FORMS[lo..hi]` it chooses among, or\n\
         /// `alias 0 0`), passed to the macro named by the caller. For the tests.\n\
         #[doc(hidden)]\n#[macro_export]\nmacro_rules! __jitasm_a64_builder_impls {\n    ($cb:ident) => {\n        $cb! {\n",
    );
    for (id, (m, name, span, tuple)) in listing.iter().enumerate() {
        let span = match span {
            Some((lo, hi)) => format!("table {lo} {hi}"),
            None => "alias 0 0".to_string(),
        };
        writeln!(
            s,
            "            {id} {m:?} {name} {span} [{}];",
            tuple.join(" ")
        )
        .unwrap();
    }
    s.push_str("        }\n    };\n}\n");
    // The fast path's plans, in the same order, for the tests.
    s.push_str(
        "\n/// Every impl's fast-path plan as `id own_lo own_hi [base_lo base_hi …];`\n\
         /// (the impl's own forms, then the runs of the instructions its alias rules may\n\
         /// name), passed to the macro named by the caller. For the tests.\n\
         #[doc(hidden)]\n#[macro_export]\nmacro_rules! __jitasm_a64_builder_plans {\n    ($cb:ident) => {\n        $cb! {\n",
    );
    for (id, ((lo, hi), bases)) in plans.iter().enumerate() {
        let bases: Vec<String> = bases.iter().map(|(a, b)| format!("{a} {b}")).collect();
        writeln!(s, "            {id} {lo} {hi} [{}];", bases.join(" ")).unwrap();
    }
    s.push_str("        }\n    };\n}\n");
    // The aliases of the impls, named while compiling.
    s.push_str(
        "\n/// The alias rules of each alias impl's mnemonic, found while compiling.\n\
         mod a {\n    use crate::fast::Alias;\n",
    );
    for m in &alias_names {
        writeln!(
            s,
            "    pub(super) const {}: Option<Alias> = Alias::named({m:?});",
            alias_const(m).trim_start_matches("a::")
        )
        .unwrap();
    }
    s.push_str("}\n");
    fast_forms(&mut s, defs);
    (s, impls)
}

/// An impl's fast-path plan: its own forms, and the runs of the
/// instructions its alias rules may name.
type Plan = ((usize, usize), Vec<(usize, usize)>);

/// The table's forms as `const` items (`FAST_FORMS`, in the table's order,
/// the rows of `crates/jitasm-a64/src/generated/forms.rs` written as
/// constants, so that a fast path inlined in another crate sees them).
fn fast_forms(s: &mut String, defs: &[FormDef]) {
    let mut mnemonics: Vec<&str> = defs.iter().map(|d| d.mnemonic.as_str()).collect();
    mnemonics.dedup();
    let mut features: Vec<&str> = defs.iter().map(|d| d.feature.as_str()).collect();
    features.sort();
    features.dedup();
    s.push_str(
        "\n/// The table's rows as constants (see `FAST_FORMS`).\n\
         mod f {\n    \
         use crate::table::{Form, OpKind, OpKind::*, OpSpec, Qual, Qual::*};\n\n    \
         const fn o(kind: OpKind, qual: Qual, count: u8, fields: &'static [(u8, u8)]) -> OpSpec {\n        \
         OpSpec { kind, qual, count, fields }\n    }\n\n    \
         const fn f(mnemonic: u16, bits: u32, mask: u32, feature: u8, operands: &'static [OpSpec]) -> Form {\n        \
         Form { mnemonic, bits, mask, feature, operands }\n    }\n\n",
    );
    for (i, d) in defs.iter().enumerate() {
        writeln!(
            s,
            "    pub(super) const F{i}: Form = f({});",
            crate::a64_form_args(d, &mnemonics, &features)
        )
        .unwrap();
    }
    s.push_str("}\n");
    writeln!(
        s,
        "\n/// Every form of the table, in its order, as a constant: indexed by a constant\n\
         /// where the fast path is inlined, a form is known while compiling\n\
         /// (`crate::fast`; a test checks each is the table's row).\n\
         /// A reference, so that indexing it copies no array.\n\
         #[doc(hidden)]\npub const FAST_FORMS: &[&crate::table::Form; {}] = &[",
        defs.len()
    )
    .unwrap();
    for i in 0..defs.len() {
        writeln!(s, "    &f::F{i},").unwrap();
    }
    s.push_str("];\n");
}

#[cfg(test)]
mod tests {
    /// Every form of the table is reachable through some builder method:
    /// its index is in the span of an impl whose argument types it takes.
    #[test]
    fn every_form_has_a_builder_method() {
        let (defs, _) = jitasm_meta::a64::forms();
        let (src, impls) = super::generate_from(&defs);
        let mut seen = vec![false; defs.len()];
        for line in src.lines().filter(|l| l.contains(" table ")) {
            let mut w = line.split_whitespace().skip_while(|w| *w != "table");
            w.next();
            let lo: usize = w.next().unwrap().parse().unwrap();
            let hi: usize = w.next().unwrap().parse().unwrap();
            for s in &mut seen[lo..hi] {
                *s = true;
            }
        }
        let missing: Vec<String> = (0..defs.len())
            .filter(|&i| !seen[i])
            .map(|i| defs[i].name())
            .collect();
        assert!(
            missing.is_empty(),
            "forms without a builder method: {missing:?}"
        );
        assert!(impls > 2500, "{impls} impls");
    }
}
