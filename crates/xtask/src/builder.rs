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
                let forms = list(&set[&Vec::new()]);
                writeln!(
                    s,
                    "impl<S: CodeSink> {trait_name} for Builder<'_, S> {{ #[inline] fn {name}(&mut self) -> R {{ self.emit({index}, &[{forms}], &mut []) }} }}"
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
            for (tuple, forms) in set {
                let forms = list(forms);
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
                writeln!(
                    s,
                    "impl<{}> {trait_name}<{}> for Builder<'_, S> {{ #[inline] fn {name}(&mut self, {}) -> R {{ self.emit({index}, &[{forms}], &mut [{}]) }} }}",
                    all.join(", "),
                    tys.join(", "),
                    sig.join(", "),
                    call_args.join(", ")
                )
                .unwrap();
                impls += 1;
            }
        }
    }
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
            let start = line.find("self.emit(").expect("an emit call") + "self.emit(".len();
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
