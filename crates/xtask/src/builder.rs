//! Generates `crates/jitasm-x64/src/generated/builder.rs`: the typed
//! builder's traits and impls, one trait per mnemonic and operand count, one
//! impl per combination of operand types the form table allows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The builder's argument types an operand kind accepts.
fn types(kind: &str) -> &'static [&'static str] {
    match kind {
        "Al" | "Cl" | "R8Reg" | "R8Opcode" => &["Gpb"],
        "R8OrMem" => &["Gpb", "Mem"],
        "Ax" | "Dx" | "R16Reg" | "R16Rm" | "R16Opcode" | "R16RegMem" => &["Gpw"],
        "R16OrMem" => &["Gpw", "Mem"],
        "Eax" | "R32Reg" | "R32Rm" | "R32Opcode" | "R32Vvvv" | "R32RegMem" => &["Gpd"],
        "R32OrMem" | "R32OrMemMpx" => &["Gpd", "Mem"],
        "Rax" | "R64Reg" | "R64Rm" | "R64Opcode" | "R64Vvvv" | "R64RegMem" => &["Gpq"],
        "R64OrMem" | "R64OrMemMpx" => &["Gpq", "Mem"],
        "St0" | "StiOpcode" => &["St"],
        "Es" | "Cs" | "Ss" | "Ds" | "Fs" | "Gs" | "SegReg" => &["Seg"],
        "CrReg" => &["Cr"],
        "DrReg" => &["Dr"],
        "TrReg" => &["Tr"],
        "BndReg" => &["Bnd"],
        "BndOrMemMpx" => &["Bnd", "Mem"],
        "MmReg" | "MmRm" => &["Mm"],
        "MmOrMem" => &["Mm", "Mem"],
        "XmmReg" | "XmmRm" | "XmmVvvv" | "XmmP3Vvvv" | "XmmIs4" | "XmmIs5" => &["Xmm"],
        "XmmOrMem" => &["Xmm", "Mem"],
        "YmmReg" | "YmmRm" | "YmmVvvv" | "YmmIs4" | "YmmIs5" => &["Ymm"],
        "YmmOrMem" => &["Ymm", "Mem"],
        "ZmmReg" | "ZmmRm" | "ZmmVvvv" | "ZmmP3Vvvv" => &["Zmm"],
        "ZmmOrMem" => &["Zmm", "Mem"],
        "KReg" | "KP1Reg" | "KRm" | "KVvvv" => &["K"],
        "KOrMem" => &["K", "Mem"],
        "TmmReg" | "TmmRm" | "TmmVvvv" => &["Tmm"],
        "Mem" | "MemOffs" | "MemMpx" | "MemMib" | "SibMem" | "Vsib32x" | "Vsib32y" | "Vsib32z"
        | "Vsib64x" | "Vsib64y" | "Vsib64z" | "SegRsi" | "EsRdi" | "SegRdi" | "SegRbxAl" => {
            &["Mem"]
        }
        "Imm8" | "Imm8Const1" | "Imm8Sex16" | "Imm8Sex32" | "Imm8Sex64" | "Imm16" | "Imm32"
        | "Imm32Sex64" | "Imm64" | "Imm4M2z" => &["Imm"],
        "Br16_1" | "Br32_1" | "Br64_1" | "Br16_2" | "Br32_4" | "Br64_4" | "Xbegin2" | "Xbegin4"
        | "BrDisp2" | "BrDisp4" => &["Label"],
        "FarBr2_2" | "FarBr4_2" => &["Far"],
        other => panic!("builder: operand kind {other} has no argument type; add one"),
    }
}

const IMPLIED: &[&str] = &["SegRsi", "EsRdi", "SegRdi", "SegRbxAl"];

/// Operand kinds the builder's fast path (`jitasm_x64::encode::select_fast`)
/// lays out: registers in ModRM, vvvv or the opcode, implied registers,
/// ModRM memory and immediate fields. An impl whose candidate forms (legacy,
/// VEX or EVEX) all have only these gets the fast path.
const FAST_KINDS: &[&str] = &[
    "Al",
    "Ax",
    "Eax",
    "Rax",
    "Cl",
    "Dx",
    "St0",
    "Es",
    "Cs",
    "Ss",
    "Ds",
    "Fs",
    "Gs",
    "R8Reg",
    "R16Reg",
    "R32Reg",
    "R64Reg",
    "CrReg",
    "DrReg",
    "TrReg",
    "BndReg",
    "MmReg",
    "XmmReg",
    "YmmReg",
    "ZmmReg",
    "KReg",
    "TmmReg",
    "R8OrMem",
    "R16OrMem",
    "R32OrMem",
    "R64OrMem",
    "R32OrMemMpx",
    "R64OrMemMpx",
    "BndOrMemMpx",
    "MmOrMem",
    "XmmOrMem",
    "YmmOrMem",
    "ZmmOrMem",
    "KOrMem",
    "R16Rm",
    "R32Rm",
    "R64Rm",
    "MmRm",
    "XmmRm",
    "YmmRm",
    "ZmmRm",
    "KRm",
    "TmmRm",
    "Mem",
    "MemMpx",
    "R32Vvvv",
    "R64Vvvv",
    "XmmVvvv",
    "YmmVvvv",
    "XmmIs4",
    "YmmIs4",
    "ZmmVvvv",
    "KVvvv",
    "TmmVvvv",
    "R8Opcode",
    "R16Opcode",
    "R32Opcode",
    "R64Opcode",
    "StiOpcode",
    "Imm8",
    "Imm8Const1",
    "Imm8Sex16",
    "Imm8Sex32",
    "Imm8Sex64",
    "Imm16",
    "Imm32",
    "Imm32Sex64",
    "Imm64",
];

/// The shape code of a builder argument type in `select`'s index: a
/// register class's discriminant plus one (`jitasm_x64::encode`'s
/// `shape_code`; the generated file asserts the correspondence), then
/// memory, immediate, label, far pointer.
fn shape_code(ty: &str) -> u32 {
    match ty {
        "Gpb" => 1,
        "Gpw" => 3,
        "Gpd" => 4,
        "Gpq" => 5,
        "Seg" => 6,
        "Cr" => 7,
        "Dr" => 8,
        "Tr" => 9,
        "St" => 10,
        "Mm" => 11,
        "Xmm" => 12,
        "Ymm" => 13,
        "Zmm" => 14,
        "K" => 15,
        "Tmm" => 16,
        "Bnd" => 17,
        "Mem" => 19,
        "Imm" => 20,
        "Label" => 21,
        "Far" => 22,
        other => panic!("no shape code for {other}"),
    }
}

/// The operand shapes an operand kind may take, for `select`'s index: the
/// builder's argument types, and a label where an immediate goes (`mov
/// rax, offset label`).
fn shapes(kind: &str) -> Vec<&'static str> {
    let mut v = types(kind).to_vec();
    if v == ["Imm"] {
        v.push("Label");
    }
    v
}

/// Whether an impl with these candidate forms gets the fast path.
fn fast(m: &str, forms: &BTreeSet<usize>, defs: &[&jitasm_meta::x86::FormDef]) -> bool {
    // `sal` is encoded with `shl`'s forms, which the fast path does not do.
    m != "sal"
        && forms.len() <= 16
        && forms.iter().all(|&f| {
            let d = defs[f];
            matches!(d.encoding, "Legacy" | "Vex" | "Evex")
                && d.operands.iter().all(|k| FAST_KINDS.contains(k))
        })
}

/// A form of the table as a `Form` expression, as `FORMS` holds it.
fn form_literal(d: &jitasm_meta::x86::FormDef, mnemonic: usize, features: &[String]) -> String {
    let ops: Vec<String> = d.operands.iter().map(|k| format!("K::{k}")).collect();
    let flags = if d.flags.is_empty() {
        "0".to_string()
    } else {
        d.flags
            .iter()
            .map(|f| format!("flags::{f}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let feats: Vec<String> = d
        .features
        .iter()
        .map(|f| {
            features
                .binary_search(f)
                .expect("known feature")
                .to_string()
        })
        .collect();
    format!(
        "Form {{ mnemonic: {mnemonic}, operands: &[{}], encoding: Encoding::{}, prefix: Prefix::{}, map: Map::{}, opcode: {:#x}, opcode_len: {}, digit: {}, rm_digit: {}, w: W::{}, l: {}, lig: {}, operand_size: {}, address_size: {}, mem_size: {}, bcst_size: {}, disp8_n: {}, disp8_n_bcst: {}, flags: {flags}, features: &[{}] }}",
        ops.join(", "),
        d.encoding,
        d.prefix,
        d.map,
        d.opcode,
        d.opcode_len,
        d.digit.map_or(-1, |g| g as i8),
        d.rm_digit.map_or(-1, |g| g as i8),
        d.w,
        d.l,
        d.lig,
        d.operand_size,
        d.address_size,
        d.mem_size,
        d.bcst_size,
        d.disp8_n,
        d.disp8_n_bcst,
        feats.join(", "),
    )
}

/// Rust method name of a mnemonic (keywords get a trailing underscore).
fn method(m: &str) -> String {
    match m {
        "in" | "loop" | "int" | "mod" | "type" | "use" | "move" | "ref" | "fn" | "as" => {
            format!("{m}_")
        }
        _ => m.to_string(),
    }
}

fn camel(m: &str) -> String {
    m.split('_')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Argument-type tuples of one mnemonic and arity, with the forms each matches.
type Combos = BTreeMap<Vec<&'static str>, BTreeSet<usize>>;

fn list(forms: &BTreeSet<usize>) -> String {
    forms
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The forms as the fast path's constants: `&f::F1, &f::F2`.
fn const_list(forms: &BTreeSet<usize>) -> String {
    forms
        .iter()
        .map(|f| format!("&f::F{f}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns the generated source and the number of impls.
pub fn generate() -> (String, usize) {
    let defs = jitasm_meta::x86::forms();
    let mut mnemonics: Vec<String> = defs.iter().map(|d| d.mnemonic.clone()).collect();
    mnemonics.sort();
    mnemonics.dedup();
    // The generated table groups forms by mnemonic, keeping the source's
    // order within one: the index of each definition in `FORMS`.
    let mut order: Vec<usize> = (0..defs.len()).collect();
    order.sort_by(|&a, &b| defs[a].mnemonic.cmp(&defs[b].mnemonic));
    let mut form_index = vec![0usize; defs.len()];
    for (pos, &d) in order.iter().enumerate() {
        form_index[d] = pos;
    }
    let by_index: Vec<&jitasm_meta::x86::FormDef> = order.iter().map(|&d| &defs[d]).collect();
    let mut features: Vec<String> = defs.iter().flat_map(|d| d.features.clone()).collect();
    features.sort();
    features.dedup();
    // The forms the fast path needs as constants.
    let mut consts: BTreeSet<usize> = BTreeSet::new();
    // mnemonic -> arity -> argument-type tuple -> indices of the forms taking it
    let mut combos: BTreeMap<String, BTreeMap<usize, Combos>> = BTreeMap::new();
    for (di, d) in defs.iter().enumerate() {
        let e = combos.entry(d.mnemonic.clone()).or_default();
        let implied = !d.operands.is_empty()
            && d.operands.iter().any(|o| IMPLIED.contains(o))
            && d.operands
                .iter()
                .all(|o| IMPLIED.contains(o) || matches!(*o, "Al" | "Ax" | "Eax" | "Rax" | "Dx"));
        if implied {
            e.entry(0)
                .or_default()
                .entry(Vec::new())
                .or_default()
                .insert(form_index[di]);
        }
        let mut tuples: Vec<Vec<&'static str>> = vec![Vec::new()];
        for o in &d.operands {
            let mut next = Vec::new();
            for t in &tuples {
                for ty in types(o) {
                    let mut t2 = t.clone();
                    t2.push(*ty);
                    next.push(t2);
                }
            }
            tuples = next;
        }
        let set = e.entry(d.operands.len()).or_default();
        for t in tuples {
            set.entry(t).or_default().insert(form_index[di]);
        }
    }
    let mut s = String::new();
    s.push_str(
        "// @generated by `cargo xtask codegen` (crates/xtask/src/builder.rs) from the form\n\
         // table's operand kinds. Do not edit: change the generator and run it again.\n\n\
         use crate::builder::*;\n\
         use crate::operand::Mem;\n\
         use crate::table::Form;\n\
         use crate::error::EncodeError;\n\
         use jitasm_core::CodeSink;\n\n\
         type R = Result<(), EncodeError>;\n\n",
    );
    let mut impls = 0;
    for (m, arities) in &combos {
        let index = mnemonics.binary_search(m).expect("mnemonic");
        let min_arity = *arities.keys().next().expect("an arity");
        for (arity, set) in arities {
            let name = if *arity == min_arity {
                method(m)
            } else {
                format!("{m}_{arity}")
            };
            let trait_name = format!("{}{arity}", camel(m));
            let params: Vec<String> = (0..*arity).map(|i| format!("T{i}")).collect();
            let args: Vec<String> = (0..*arity).map(|i| format!("op{i}: T{i}")).collect();
            let call_args: Vec<String> = (0..*arity)
                .map(|i| format!("op{i}.into_operand()"))
                .collect();
            writeln!(
                s,
                "/// `{m}` with {arity} operand{}: the forms are listed by\n/// [`crate::table::forms_of`]`(\"{m}\")`.",
                if *arity == 1 { "" } else { "s" }
            )
            .unwrap();
            if *arity == 0 {
                writeln!(s, "pub trait {trait_name} {{\n    /// Emits `{m}`.\n    fn {name}(&mut self) -> R;\n}}").unwrap();
                let set0 = &set[&Vec::new()];
                let forms = list(set0);
                let call = if fast(m, set0, &by_index) {
                    consts.extend(set0.iter().copied());
                    format!(
                        "self.emit_fast({index}, &[{forms}], &[{}], ())",
                        const_list(set0)
                    )
                } else {
                    format!("self.emit({index}, &[{forms}], &mut [])")
                };
                writeln!(
                    s,
                    "impl<S: CodeSink> {trait_name} for Builder<'_, S> {{ #[inline] fn {name}(&mut self) -> R {{ {call} }} }}"
                )
                .unwrap();
                impls += 1;
                continue;
            }
            writeln!(
                s,
                "pub trait {trait_name}<{}> {{\n    /// Emits `{m}`.\n    fn {name}(&mut self, {}) -> R;\n}}",
                params.join(", "),
                args.join(", ")
            )
            .unwrap();
            for (tuple, form_set) in set {
                let forms = list(form_set);
                let is_fast = fast(m, form_set, &by_index);
                if is_fast {
                    consts.extend(form_set.iter().copied());
                }
                let mut generics = vec!["S: CodeSink".to_string()];
                let mut lifetimes = Vec::new();
                let tys: Vec<String> = tuple
                    .iter()
                    .enumerate()
                    .map(|(i, t)| match *t {
                        "Imm" => {
                            generics.push(format!("I{i}: IntoImm"));
                            format!("I{i}")
                        }
                        "Label" => {
                            lifetimes.push(format!("'l{i}"));
                            generics.push(format!("L{i}: IntoLabel<'l{i}>"));
                            format!("L{i}")
                        }
                        "Mem" => {
                            lifetimes.push(format!("'m{i}"));
                            format!("Mem<'m{i}>")
                        }
                        other => other.to_string(),
                    })
                    .collect();
                let mut all = lifetimes.clone();
                all.extend(generics);
                let sig: Vec<String> = tys
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("op{i}: {t}"))
                    .collect();
                let call = if is_fast {
                    format!(
                        "self.emit_fast({index}, &[{forms}], &[{}], ({},))",
                        const_list(form_set),
                        call_args.join(", ")
                    )
                } else {
                    format!(
                        "self.emit({index}, &[{forms}], &mut [{}])",
                        call_args.join(", ")
                    )
                };
                writeln!(
                    s,
                    "impl<{}> {trait_name}<{}> for Builder<'_, S> {{ #[inline] fn {name}(&mut self, {}) -> R {{ {call} }} }}",
                    all.join(", "),
                    tys.join(", "),
                    sig.join(", "),
                )
                .unwrap();
                impls += 1;
            }
        }
    }
    // The candidate lists, for the tests of the matcher (each distinct list
    // once, with its mnemonic and whether the impl has the fast path).
    let mut lists: BTreeSet<(usize, Vec<usize>, bool)> = BTreeSet::new();
    for (m, arities) in &combos {
        let index = mnemonics.binary_search(m).expect("mnemonic");
        for set in arities.values() {
            for forms in set.values() {
                let is_fast = fast(m, forms, &by_index);
                lists.insert((index, forms.iter().copied().collect(), is_fast));
            }
        }
    }
    s.push_str(
        "\n/// The candidate forms of the builder's impls: (mnemonic, start in\n\
         /// [`CANDIDATE_FORMS`], count, whether the impl has the fast path), each\n\
         /// distinct list once. For the tests of the matcher.\n\
         #[doc(hidden)]\npub static CANDIDATES: &[(u16, u16, u8, bool)] = &[\n",
    );
    let mut pool: Vec<usize> = Vec::new();
    for (index, forms, is_fast) in &lists {
        writeln!(
            s,
            "    ({index}, {}, {}, {is_fast}),",
            pool.len(),
            forms.len()
        )
        .unwrap();
        pool.extend(forms.iter().copied());
    }
    assert!(pool.len() < 1 << 16, "the candidate pool outgrew u16");
    s.push_str("];\n\n/// The forms of [`CANDIDATES`]' lists.\n#[doc(hidden)]\npub static CANDIDATE_FORMS: &[u16] = &[");
    for (i, f) in pool.iter().enumerate() {
        if i % 24 == 0 {
            s.push_str("\n   ");
        }
        write!(s, " {f},").unwrap();
    }
    s.push_str("\n];\n");
    // The forms of the fast path as constants: the rows of `FORMS`, so that
    // their properties fold where the builder is inlined.
    s.push_str(
        "\n/// Rows of [`crate::table::FORMS`] as constants (`F<index>`), for the\n\
         /// builder's fast path.\n\
         #[allow(non_upper_case_globals)]\n\
         mod f {\n    use crate::table::{flags, Encoding, Form, Map, OpKind as K, Prefix, W};\n",
    );
    for &i in &consts {
        let d = by_index[i];
        let mi = mnemonics.binary_search(&d.mnemonic).expect("mnemonic");
        writeln!(
            s,
            "    pub(super) const F{i}: Form = {};",
            form_literal(d, mi, &features)
        )
        .unwrap();
    }
    s.push_str("}\n");
    // The same constants by form index, for `dynamic::emit` (the forms of
    // a `dynasm!` instruction come as indices).
    writeln!(
        s,
        "\n/// [`f`]'s constants by index in [`crate::table::FORMS`] (`None` for the\n\
         /// forms without one), for `dynamic::emit`'s fast path: a `const`, not a\n\
         /// `static`, so that where `emit` is inlined the entry is known while\n\
         /// compiling (and the array itself left out).\n\
         #[allow(clippy::large_const_arrays)]\n\
         pub(crate) const FAST_FORMS: [Option<&Form>; {}] = [",
        by_index.len()
    )
    .unwrap();
    for i in 0..by_index.len() {
        if consts.contains(&i) {
            writeln!(s, "    Some(&f::F{i}),").unwrap();
        } else {
            s.push_str("    None,\n");
        }
    }
    s.push_str("];\n");
    // Each mnemonic's first 8 bytes as a big-endian number (zero-padded):
    // sorted as the names are, for `Mnemonic::parse`'s binary search.
    s.push_str(
        "\n/// The first 8 bytes of each of [`crate::table::MNEMONICS`] as a\n\
         /// big-endian number, zero-padded: in the same order.\n\
         pub(crate) static MNEMONIC_KEYS: &[u64] = &[",
    );
    for (i, m) in mnemonics.iter().enumerate() {
        let mut k = [0u8; 8];
        for (d, b) in k.iter_mut().zip(m.bytes()) {
            *d = b;
        }
        if i % 6 == 0 {
            s.push_str("\n   ");
        }
        write!(s, " {:#018x},", u64::from_be_bytes(k)).unwrap();
    }
    s.push_str("\n];\n");
    writeln!(
        s,
        "\n/// The index of `xchg` in [`crate::table::MNEMONICS`].\npub(crate) const XCHG: u16 = {};",
        mnemonics.binary_search(&"xchg".to_string()).expect("xchg")
    )
    .unwrap();
    // `select`'s index: for each mnemonic and tuple of operand shapes, the
    // forms that may take such operands (in table order).
    let mut index: BTreeMap<(usize, u32), BTreeSet<usize>> = BTreeMap::new();
    for (di, d) in defs.iter().enumerate() {
        let mi = mnemonics.binary_search(&d.mnemonic).expect("mnemonic");
        let implied = !d.operands.is_empty()
            && d.operands.iter().any(|o| IMPLIED.contains(o))
            && d.operands
                .iter()
                .all(|o| IMPLIED.contains(o) || matches!(*o, "Al" | "Ax" | "Eax" | "Rax" | "Dx"));
        if implied {
            index.entry((mi, 0)).or_default().insert(form_index[di]);
        }
        let mut keys: Vec<u32> = vec![d.operands.len() as u32];
        for (i, o) in d.operands.iter().enumerate() {
            keys = keys
                .iter()
                .flat_map(|k| {
                    shapes(o)
                        .into_iter()
                        .map(move |t| k | shape_code(t) << (3 + 5 * i))
                })
                .collect();
        }
        for k in keys {
            index.entry((mi, k)).or_default().insert(form_index[di]);
        }
    }
    s.push_str(
        "\n/// `select`'s index: (mnemonic, key of the operand shapes, start in\n\
         /// [`SHAPE_FORMS`], count), sorted; the entries of mnemonic `m` are\n\
         /// `SHAPE_START[m]..SHAPE_START[m + 1]`. A key holds the operand count\n\
         /// in bits 2:0 and each operand's shape code in 5 bits from bit 3.\n\
         #[doc(hidden)]\npub static SHAPE_INDEX: &[(u32, u16, u8)] = &[\n",
    );
    let mut pool: Vec<usize> = Vec::new();
    let mut starts: Vec<usize> = vec![0; mnemonics.len() + 1];
    for (n, ((mi, key), forms)) in index.iter().enumerate() {
        writeln!(s, "    ({key:#x}, {}, {}),", pool.len(), forms.len()).unwrap();
        pool.extend(forms.iter().copied());
        starts[*mi + 1] = n + 1;
    }
    for i in 1..starts.len() {
        starts[i] = starts[i].max(starts[i - 1]);
    }
    assert!(pool.len() < 1 << 16, "the index's form pool outgrew u16");
    assert!(
        index.values().all(|f| f.len() < 256),
        "an index entry has 256 forms or more"
    );
    s.push_str("];\n\n/// The forms of [`SHAPE_INDEX`]'s entries.\n#[doc(hidden)]\npub static SHAPE_FORMS: &[u16] = &[");
    for (i, f) in pool.iter().enumerate() {
        if i % 24 == 0 {
            s.push_str("\n   ");
        }
        write!(s, " {f},").unwrap();
    }
    s.push_str("\n];\n\n/// Where each mnemonic's entries of [`SHAPE_INDEX`] start.\n#[doc(hidden)]\npub static SHAPE_START: &[u16] = &[");
    for (i, f) in starts.iter().enumerate() {
        if i % 24 == 0 {
            s.push_str("\n   ");
        }
        write!(s, " {f},").unwrap();
    }
    s.push_str(
        "\n];\n\n// The shape codes above are the register classes' discriminants plus one.\n\
         const _: () = {\n    use crate::reg::RegClass as C;\n    assert!(\n        \
         C::Gp8 as u32 + 1 == 1 && C::Gp16 as u32 + 1 == 3 && C::Gp32 as u32 + 1 == 4\n            \
         && C::Gp64 as u32 + 1 == 5 && C::Seg as u32 + 1 == 6 && C::Cr as u32 + 1 == 7\n            \
         && C::Dr as u32 + 1 == 8 && C::Tr as u32 + 1 == 9 && C::St as u32 + 1 == 10\n            \
         && C::Mm as u32 + 1 == 11 && C::Xmm as u32 + 1 == 12 && C::Ymm as u32 + 1 == 13\n            \
         && C::Zmm as u32 + 1 == 14 && C::K as u32 + 1 == 15 && C::Tmm as u32 + 1 == 16\n            \
         && C::Bnd as u32 + 1 == 17 && C::Ip as u32 + 1 == 18\n    );\n};\n",
    );
    // The prelude: every trait, so `use jitasm_x64::builder::prelude::*`
    // brings every method into scope.
    s.push_str("\n/// Every builder trait.\npub mod prelude {\n");
    for (m, arities) in &combos {
        for arity in arities.keys() {
            writeln!(s, "    pub use super::{}{arity};", camel(m)).unwrap();
        }
    }
    s.push_str("}\n");
    (s, impls)
}

#[cfg(test)]
mod tests {
    /// Every form of the table is reachable through some builder method:
    /// its index is in the candidate list of at least one impl.
    #[test]
    fn every_form_has_a_builder_method() {
        let (src, impls) = super::generate();
        let n = jitasm_meta::x86::forms().len();
        let mut seen = vec![false; n];
        for line in src.lines().filter(|l| l.starts_with("impl")) {
            let start = line.find("self.emit").expect("an emit call") + "self.emit".len();
            let rest = &line[start..];
            let list = &rest[rest.find("&[").unwrap() + 2..rest.find(']').unwrap()];
            for i in list.split(", ").filter(|x| !x.is_empty()) {
                seen[i.parse::<usize>().unwrap()] = true;
            }
        }
        let missing: Vec<usize> = (0..n).filter(|&i| !seen[i]).collect();
        assert!(
            missing.is_empty(),
            "forms without a builder method: {missing:?}"
        );
        assert!(impls > 6000, "{impls} impls");
    }
}
