//! AArch64 form definitions from disarm64's instruction table.
//!
//! ## Reading the source
//!
//! disarm64 0.2.0 keeps its definitions in a private `static INSNS` array of
//! `src/decoder_full.rs`, a file its own generator writes. We locate that
//! file through `cargo metadata` (the exact version our lock file pins),
//! parse the small subset of Rust it is written in (constant items whose
//! values are struct literals, arrays, paths, integers, strings and calls)
//! and turn every name into disarm64_defn's typed enums. Then every
//! definition the compiled decoder can reach is compared, field by field,
//! with what `disarm64::decoder::decode` returns for an instruction word of
//! that definition: the parse is checked against the crate itself.

use disarm64_defn::{
    BitfieldSpec, InsnBitField, InsnClass, InsnFeatureSet, InsnFlags, InsnOperandClass,
    InsnOperandKind, InsnOperandQualifier,
};
use std::collections::HashMap;
use std::fmt::Debug;
use std::path::PathBuf;
use strum::IntoEnumIterator;

/// One operand of a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperandDefn {
    /// Operand kind.
    pub kind: InsnOperandKind,
    /// Operand class.
    pub class: InsnOperandClass,
    /// The qualifier of this operand in each variant (empty: none).
    pub qualifiers: Vec<InsnOperandQualifier>,
    /// Bit fields (`CONST_*` entries carry a constant in `lsb`).
    pub fields: Vec<BitfieldSpec>,
}

/// One definition of disarm64's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defn {
    /// Position in disarm64's table.
    pub index: usize,
    /// Mnemonic (`b.c` for conditional branches).
    pub mnemonic: String,
    /// Fixed bits.
    pub opcode: u32,
    /// Which bits are fixed.
    pub mask: u32,
    /// Instruction class.
    pub class: InsnClass,
    /// Feature set.
    pub feature: InsnFeatureSet,
    /// Operands.
    pub operands: Vec<OperandDefn>,
    /// Flags.
    pub flags: InsnFlags,
}

/// The path of disarm64's `src/decoder_full.rs`, found with `cargo metadata`.
pub fn source_file() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .expect("run `cargo metadata`");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).expect("cargo metadata prints UTF-8");
    let key = "\"manifest_path\":\"";
    for (at, _) in json.match_indices(key) {
        let rest = &json[at + key.len()..];
        let end = rest.find('"').expect("closing quote of a manifest path");
        let path = rest[..end].replace("\\\\", "\\");
        let p = PathBuf::from(&path);
        let dir = p
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str());
        if dir == Some("disarm64-0.2.0") {
            return p.parent().unwrap().join("src/decoder_full.rs");
        }
    }
    panic!("cargo metadata does not list disarm64 0.2.0 (jitasm-meta depends on it)");
}

// ---------------------------------------------------------------- tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Int(u64),
    Str(String),
    Punct(char),
    PathSep,
}

fn tokenize(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if src[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if src[i..].starts_with("r\"") || src[i..].starts_with("r#\"") {
            // Raw strings (doc attributes); no hashes inside in practice.
            let hashes = if b[i + 1] == b'#' { 1 } else { 0 };
            let start = i + 2 + hashes;
            let close = if hashes == 1 { "\"#" } else { "\"" };
            let end = start + src[start..].find(close).expect("end of raw string");
            out.push(Tok::Str(src[start..end].to_string()));
            i = end + close.len();
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            while b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                s.push(b[i] as char);
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if c == '\'' {
            // A lifetime (`'static`, `'_`): skipped.
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let text = src[start..i].replace('_', "");
            let text = text
                .trim_end_matches("u64")
                .trim_end_matches("u32")
                .trim_end_matches("u16")
                .trim_end_matches("u8")
                .trim_end_matches("usize")
                .to_string();
            let v = if let Some(h) = text.strip_prefix("0x") {
                u64::from_str_radix(h, 16)
            } else {
                text.parse()
            };
            out.push(Tok::Int(v.unwrap_or_else(|_| panic!("bad integer {text}"))));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Ident(src[start..i].to_string()));
        } else if src[i..].starts_with("::") {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------- values

/// A constant expression of the subset the file is written in.
#[derive(Clone, Debug)]
enum Value {
    Struct(String, Vec<(String, Value)>),
    Array(Vec<Value>),
    Path(String),
    Call(String, Vec<Value>),
    Int(u64),
    Str(String),
}

struct Parser<'a> {
    toks: &'a [Tok],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.at].clone();
        self.at += 1;
        t
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) {
        assert!(
            self.eat(c),
            "expected `{c}` at token {}, found {:?}",
            self.at,
            self.peek()
        );
    }

    fn path(&mut self, first: String) -> String {
        let mut p = first;
        while self.peek() == Some(&Tok::PathSep) {
            self.at += 1;
            match self.next() {
                Tok::Ident(s) => {
                    p.push_str("::");
                    p.push_str(&s);
                }
                t => panic!("expected a name after `::`, found {t:?}"),
            }
        }
        p
    }

    fn list(&mut self, close: char) -> Vec<Value> {
        let mut items = Vec::new();
        while !self.eat(close) {
            items.push(self.value());
            if !self.eat(',') {
                self.expect(close);
                break;
            }
        }
        items
    }

    fn value(&mut self) -> Value {
        match self.next() {
            Tok::Punct('&') => self.value(),
            Tok::Punct('[') => Value::Array(self.list(']')),
            Tok::Int(v) => Value::Int(v),
            Tok::Str(s) => Value::Str(s),
            Tok::Ident(first) => {
                let p = self.path(first);
                if self.eat('{') {
                    let mut fields = Vec::new();
                    while !self.eat('}') {
                        let name = match self.next() {
                            Tok::Ident(n) => n,
                            t => panic!("expected a field name in {p}, found {t:?}"),
                        };
                        self.expect(':');
                        fields.push((name, self.value()));
                        if !self.eat(',') {
                            self.expect('}');
                            break;
                        }
                    }
                    Value::Struct(p, fields)
                } else if self.eat('(') {
                    Value::Call(p, self.list(')'))
                } else {
                    Value::Path(p)
                }
            }
            t => panic!("unexpected token {t:?} in a constant"),
        }
    }

    /// Every `const NAME: T = V;` and `static NAME: T = V;` at brace depth 0.
    fn items(&mut self) -> HashMap<String, Value> {
        let mut items = HashMap::new();
        let mut depth = 0i32;
        while let Some(t) = self.peek().cloned() {
            match t {
                Tok::Punct('{') => {
                    depth += 1;
                    self.at += 1;
                }
                Tok::Punct('}') => {
                    depth -= 1;
                    self.at += 1;
                }
                Tok::Ident(kw) if depth == 0 && (kw == "const" || kw == "static") => {
                    self.at += 1;
                    let Tok::Ident(name) = self.next() else {
                        continue;
                    };
                    if !self.eat(':') {
                        continue;
                    }
                    // Skip the type up to `=` (types hold `;` inside brackets).
                    let mut d = 0;
                    loop {
                        match self.next() {
                            Tok::Punct('[') | Tok::Punct('(') => d += 1,
                            Tok::Punct(']') | Tok::Punct(')') => d -= 1,
                            Tok::Punct('=') if d == 0 => break,
                            _ => {}
                        }
                    }
                    let v = self.value();
                    self.expect(';');
                    items.insert(name, v);
                }
                _ => self.at += 1,
            }
        }
        items
    }
}

// ---------------------------------------------------------------- typing

/// The variant of `E` whose `Debug` name is `name` (disarm64_defn's enums
/// derive `EnumIter` and `Debug`, which prints the variant's name).
fn by_name<E: IntoEnumIterator + Debug>(name: &str, what: &str) -> E {
    E::iter()
        .find(|e| format!("{e:?}") == name)
        .unwrap_or_else(|| panic!("disarm64 names an unknown {what} `{name}`"))
}

fn enum_of<E: IntoEnumIterator + Debug>(v: &Value, prefix: &str) -> E {
    match v {
        Value::Path(p) => {
            let name = p
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix("::"))
                .unwrap_or_else(|| panic!("expected {prefix}::…, found {p}"));
            by_name(name, prefix)
        }
        other => panic!("expected a {prefix} path, found {other:?}"),
    }
}

fn field<'v>(fields: &'v [(String, Value)], name: &str) -> &'v Value {
    &fields
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("missing field `{name}`"))
        .1
}

fn int(v: &Value) -> u64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("expected an integer, found {other:?}"),
    }
}

/// Follows a path to a named constant; arrays are returned as they are.
fn resolve<'v>(v: &'v Value, items: &'v HashMap<String, Value>) -> &'v [Value] {
    match v {
        Value::Array(a) => a,
        Value::Path(p) => match items.get(p) {
            Some(Value::Array(a)) => a,
            _ => panic!("`{p}` is not a constant array"),
        },
        other => panic!("expected an array, found {other:?}"),
    }
}

fn bitfield(v: &Value) -> BitfieldSpec {
    let Value::Struct(p, f) = v else {
        panic!("expected BitfieldSpec, found {v:?}")
    };
    assert_eq!(p, "BitfieldSpec");
    BitfieldSpec {
        bitfield: enum_of::<InsnBitField>(field(f, "bitfield"), "InsnBitField"),
        lsb: int(field(f, "lsb")) as u8,
        width: int(field(f, "width")) as u8,
    }
}

fn operand(v: &Value, items: &HashMap<String, Value>) -> OperandDefn {
    let Value::Struct(p, f) = v else {
        panic!("expected InsnOperand, found {v:?}")
    };
    assert_eq!(p, "InsnOperand");
    OperandDefn {
        kind: enum_of(field(f, "kind"), "InsnOperandKind"),
        class: enum_of(field(f, "class"), "InsnOperandClass"),
        qualifiers: resolve(field(f, "qualifiers"), items)
            .iter()
            .map(|q| enum_of(q, "InsnOperandQualifier"))
            .collect(),
        fields: resolve(field(f, "bit_fields"), items)
            .iter()
            .map(bitfield)
            .collect(),
    }
}

fn flags(v: &Value) -> InsnFlags {
    match v {
        Value::Call(p, args) if p == "InsnFlags::const_from_bits" && args.len() == 1 => {
            let bits = int(&args[0]);
            let f = InsnFlags::from_bits(bits)
                .unwrap_or_else(|| panic!("unknown flag bits in {bits:#x}"));
            f
        }
        Value::Call(p, args) if p == "InsnFlags::empty" && args.is_empty() => InsnFlags::empty(),
        other => panic!("unexpected flags {other:?}"),
    }
}

/// Parses disarm64's definitions from `src` (the text of `decoder_full.rs`).
pub fn parse(src: &str) -> Vec<Defn> {
    let toks = tokenize(src);
    let items = Parser { toks: &toks, at: 0 }.items();
    let insns = match items.get("INSNS") {
        Some(Value::Array(a)) => a,
        _ => panic!("no `INSNS` array in disarm64's decoder"),
    };
    insns
        .iter()
        .enumerate()
        .map(|(index, v)| {
            let Value::Struct(p, f) = v else {
                panic!("INSNS[{index}] is not a struct literal")
            };
            assert_eq!(p, "Insn", "INSNS[{index}]");
            let mnemonic = match field(f, "mnemonic") {
                Value::Str(s) => s.clone(),
                other => panic!("INSNS[{index}]: mnemonic {other:?}"),
            };
            assert!(
                resolve(field(f, "aliases"), &items).is_empty(),
                "INSNS[{index}] ({mnemonic}) has aliases; the generator does not read them"
            );
            Defn {
                index,
                opcode: int(field(f, "opcode")) as u32,
                mask: int(field(f, "mask")) as u32,
                class: enum_of(field(f, "class"), "InsnClass"),
                feature: enum_of(field(f, "feature_set"), "InsnFeatureSet"),
                operands: resolve(field(f, "operands"), &items)
                    .iter()
                    .map(|o| operand(o, &items))
                    .collect(),
                flags: flags(field(f, "flags")),
                mnemonic,
            }
        })
        .collect()
}

/// How the parsed table compares with the compiled crate.
#[derive(Clone, Copy, Debug, Default)]
pub struct CrossCheck {
    /// Definitions the decoder returned for a word of theirs, and which
    /// matched the parse in every field.
    pub verified: usize,
    /// Definitions no tried word decoded to (shadowed by more specific
    /// definitions for every word tried).
    pub unreached: usize,
}

/// Compares each parsed definition with what `disarm64::decoder::decode`
/// returns for words of it (the fixed bits, then the fixed bits with
/// pseudo-random free bits). Panics on any difference.
pub fn cross_check(defs: &[Defn]) -> CrossCheck {
    let mut r = CrossCheck::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for d in defs {
        assert_eq!(d.opcode & !d.mask, 0, "{}: opcode outside mask", d.mnemonic);
        let mut found = false;
        for attempt in 0..256 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let free = if attempt == 0 {
                0
            } else {
                seed as u32 & !d.mask
            };
            let Some(op) = disarm64::decoder::decode(d.opcode | free) else {
                continue;
            };
            use disarm64::InsnOpcode;
            let c = op.definition();
            // `InsnId`'s discriminant is the definition's index in INSNS.
            if op.id() as u16 as usize != d.index {
                continue;
            }
            assert!(
                c.mnemonic == d.mnemonic
                    && c.opcode == d.opcode
                    && c.mask == d.mask
                    && c.class == d.class
                    && c.operands.len() == d.operands.len(),
                "INSNS[{}] ({}) parsed differently from the compiled definition:\n{c:?}\n{d:?}",
                d.index,
                d.mnemonic
            );
            let same_ops = c.operands.iter().zip(&d.operands).all(|(a, b)| {
                a.kind == b.kind
                    && a.class == b.class
                    && a.qualifiers == b.qualifiers.as_slice()
                    && a.bit_fields == b.fields.as_slice()
            });
            assert!(
                same_ops && c.feature_set == d.feature && c.flags == d.flags,
                "INSNS[{}] ({}) parsed differently from the compiled definition:\n{c:?}\n{d:?}",
                d.index,
                d.mnemonic
            );
            found = true;
            break;
        }
        if found {
            r.verified += 1;
        } else {
            r.unreached += 1;
        }
    }
    r
}

/// Reads, parses and cross-checks disarm64's definitions.
pub fn definitions() -> (Vec<Defn>, CrossCheck) {
    let path = source_file();
    let src =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let defs = parse(&src);
    let check = cross_check(&defs);
    (defs, check)
}

// ================================================================ forms
//
// ## From definitions to forms
//
// A disarm64 definition lists, per operand, one qualifier per *variant*
// (the columns of binutils' qualifier sequences): `add Rd_SP, Rn_SP, AIMM`
// has variants `(W, W)` and `(X, X)`. The bits that select a variant (`sf`,
// `size:Q`, `type`, …) are not operand fields; the flags and the class say
// where they go. We expand each definition into one form per variant with
// those bits fixed, so a form of our table has exactly one qualifier per
// operand and the matcher compares operand shapes, nothing else. Addressing
// modes that the source folds into one definition (pre/post-index) and the
// register count of list operands are expanded the same way.

/// The feature sets in the table: Armv8.0–8.6 (base, FP, Advanced SIMD,
/// CRC, LSE, RDMA, LOR, PAuth, RCpc, dot product, FHM, complex numbers,
/// JSCVT, FRINTTS, FlagM/FlagM2, SB, BF16, I8MM), crypto (AES, SHA1/2, SHA3,
/// SHA512, SM3, SM4) and MTE. SVE and SME are out of scope for now (a
/// different register file and operand model), as are extensions newer
/// than Armv8.6 (MOPS, GCS, THE, D128, LSE128, FP8, CSSC, LS64, …).
pub const FEATURES_IN_SCOPE: &[&str] = &[
    "V8",
    "FP",
    "SIMD",
    "FP_F16",
    "SIMD_F16",
    "FP_16_V8_2A",
    "AES",
    "SHA2",
    "SHA3",
    "SM4",
    "CRC",
    "LSE",
    "LOR",
    "RDMA",
    "PAUTH",
    "RCPC",
    "RCPC2",
    "DOTPROD",
    "COMPNUM",
    "JSCVT",
    "FRINTTS",
    "FLAGM",
    "FLAGMANIP",
    "SB",
    "MEMTAG",
    "BFLOAT16",
    "I8MM",
];

/// One operand of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpDef {
    /// Name of a `jitasm_a64::table::OpKind` variant.
    pub kind: &'static str,
    /// Name of a `jitasm_a64::table::Qual` variant.
    pub qual: &'static str,
    /// Number of registers of a register list (0 otherwise).
    pub count: u8,
    /// Bit fields `(lsb, width)` in the order the kind's encoder reads them.
    pub fields: Vec<(u8, u8)>,
}

/// One instruction form in our vocabulary (mirrors `jitasm_a64::table::Form`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormDef {
    /// Mnemonic (`b.cond` for the conditional branch).
    pub mnemonic: String,
    /// Fixed bits, including the variant's.
    pub bits: u32,
    /// Which bits are fixed.
    pub mask: u32,
    /// Operands.
    pub operands: Vec<OpDef>,
    /// disarm64's feature set name.
    pub feature: String,
    /// disarm64's class name (for tests and messages).
    pub class: String,
    /// Index of the source definition in disarm64's table.
    pub source: usize,
}

impl FormDef {
    /// A readable name: `add W, W, AddSubImm`.
    pub fn name(&self) -> String {
        let ops: Vec<String> = self
            .operands
            .iter()
            .map(|o| {
                if o.qual == "Nil" {
                    o.kind.to_string()
                } else {
                    format!("{}:{}", o.kind, o.qual)
                }
            })
            .collect();
        format!("{} {}", self.mnemonic, ops.join(", "))
    }
}

/// What the generator read and what it left out.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Definitions in disarm64's table.
    pub definitions: usize,
    /// The parse compared with the compiled decoder.
    pub cross_check: CrossCheck,
    /// Definitions left out because of their feature set (name → count).
    pub out_of_scope: std::collections::BTreeMap<String, usize>,
    /// Definitions in scope left out because an operand kind is not modelled
    /// yet (disarm64 kind → count).
    pub unmodelled: std::collections::BTreeMap<String, usize>,
    /// Definitions turned into forms.
    pub used: usize,
    /// Forms.
    pub forms: usize,
}

use InsnOperandKind as K;
use InsnOperandQualifier as Q;

fn in_scope(d: &Defn) -> bool {
    let class = format!("{:?}", d.class);
    let feature = format!("{:?}", d.feature);
    !class.starts_with("SVE")
        && !class.starts_with("SME")
        && FEATURES_IN_SCOPE.contains(&feature.as_str())
}

/// Our operand kind for operand `i` of `d`, or `None` when not modelled.
fn our_kind(d: &Defn, i: usize) -> Option<&'static str> {
    let o = &d.operands[i];
    let has = |k: K| d.operands.iter().any(|o| o.kind == k);
    Some(match o.kind {
        K::Rd | K::Rn | K::Rm | K::Rt | K::Rt2 | K::Rs | K::Ra => "Gpr",
        K::Rd_SP | K::Rn_SP | K::Rm_SP => "GprSp",
        K::PAIRREG => "GprPair",
        K::Rm_SFT if format!("{:?}", d.class) == "LOG_SHIFT" => "GprShiftedLog",
        K::Rm_SFT => "GprShifted",
        K::Rm_EXT => "GprExtended",
        K::Fd | K::Fn | K::Fm | K::Fa | K::Ft | K::Ft2 | K::Sd | K::Sn | K::Sm => "Fpr",
        K::Vd | K::Vn | K::Vm | K::Va => "VReg",
        K::VdD1 | K::VnD1 => "VRegD1",
        K::Ed => "ElemImm5",
        K::En if has(K::Ed) => "ElemImm4",
        K::En => "ElemImm5",
        K::Em | K::Em16 if d.mnemonic == "fcmla" => "ElemIdxPair",
        K::Em | K::Em16 => "ElemIdx",
        K::LVt | K::LVn => "VList",
        K::LVt_AL => "VListRep",
        K::LEt => "VLaneList",
        K::AIMM => "AddSubImm",
        K::LIMM => "LogicalImm",
        K::HALF => "MoveWide",
        K::FBITS => "FBits",
        K::FPIMM => "FpImm8",
        K::SIMD_FPIMM => "SimdFpImm8",
        K::FPIMM0 => "FpZero",
        K::IMM0 => "Zero",
        K::SIMD_IMM_SFT => "SimdImmShifted",
        K::SIMD_IMM => "SimdImm64",
        K::IMM_VLSL => "ShiftLeft",
        K::IMM_VLSR => "ShiftRight",
        K::SHLL_IMM => "ShllImm",
        K::IMM_ROT1 | K::IMM_ROT2 => "Rot90",
        K::IMM_ROT3 => "Rot270",
        K::IMMR
        | K::IMMS
        | K::IMM
        | K::IDX
        | K::UIMM4
        | K::UIMM7
        | K::UIMM3_OP1
        | K::UIMM3_OP2
        | K::NZCV
        | K::CCMP_IMM
        | K::EXCEPTION
        | K::MASK
        | K::IMM_2
        | K::BIT_NUM
        | K::UNDEFINED => "UImm",
        K::CRn | K::CRm => "CReg",
        K::COND => "Cond",
        K::ADDR_SIMPLE | K::SIMD_ADDR_SIMPLE => "MemBase",
        K::ADDR_UIMM12 => "MemUImm12",
        K::ADDR_SIMM9 | K::ADDR_OFFSET => "MemSImm9",
        K::ADDR_SIMM7 => "MemSImm7",
        K::ADDR_SIMM10 => "MemSImm10",
        K::ADDR_REGOFF => "MemRegOff",
        K::SIMD_ADDR_POST => "MemPostSimd",
        K::ADDR_PCREL26 => "Label26",
        K::ADDR_PCREL19 => "Label19",
        K::ADDR_PCREL14 => "Label14",
        K::ADDR_PCREL21 => "LabelAdr",
        K::ADDR_ADRP => "LabelAdrp",
        K::SYSREG => "SysReg",
        K::PSTATEFIELD => "PState",
        K::BARRIER | K::BARRIER_ISB => "Barrier",
        K::PRFOP => "Prefetch",
        _ => return None,
    })
}

fn our_qual(q: Option<&Q>, form: &str) -> &'static str {
    let Some(q) = q else { return "Nil" };
    match q {
        Q::W => "W",
        Q::X => "X",
        Q::S_B => "B",
        Q::S_H => "H",
        Q::S_S => "S",
        Q::S_D => "D",
        Q::S_Q => "Q",
        Q::S_4B => "S4B",
        Q::S_2H => "S2H",
        Q::V_8B => "V8B",
        Q::V_16B => "V16B",
        Q::V_2H => "V2H",
        Q::V_4H => "V4H",
        Q::V_8H => "V8H",
        Q::V_2S => "V2S",
        Q::V_4S => "V4S",
        Q::V_1D => "V1D",
        Q::V_2D => "V2D",
        Q::V_1Q => "V1Q",
        Q::imm_0_7 => "Imm0_7",
        Q::imm_0_15 => "Imm0_15",
        Q::imm_0_31 => "Imm0_31",
        Q::imm_0_63 => "Imm0_63",
        Q::imm_1_32 => "Imm1_32",
        Q::imm_1_64 => "Imm1_64",
        Q::LSL => "Lsl",
        Q::MSL => "Msl",
        other => panic!("{form}: qualifier {other:?} is not in our vocabulary"),
    }
}

/// binutils' "standard value" of a vector arrangement: `size:Q`.
fn sizeq(q: Q) -> Option<u32> {
    Some(match q {
        Q::V_8B => 0,
        Q::V_16B => 1,
        Q::V_4H => 2,
        Q::V_8H => 3,
        Q::V_2S => 4,
        Q::V_4S => 5,
        Q::V_1D => 6,
        Q::V_2D => 7,
        _ => return None,
    })
}

/// Element size in bytes of a vector or scalar qualifier.
fn esize(q: Q) -> u32 {
    match q {
        Q::V_8B | Q::V_16B | Q::S_B => 1,
        Q::V_2H | Q::V_4H | Q::V_8H | Q::S_H => 2,
        Q::V_2S | Q::V_4S | Q::S_S | Q::S_4B | Q::S_2H => 4,
        Q::V_1D | Q::V_2D | Q::S_D => 8,
        Q::V_1Q | Q::S_Q => 16,
        _ => 0,
    }
}

fn is_vector(q: Q) -> bool {
    sizeq(q).is_some() || matches!(q, Q::V_2H | Q::V_1Q)
}

fn is_scalar(q: Q) -> bool {
    matches!(q, Q::S_B | Q::S_H | Q::S_S | Q::S_D | Q::S_Q)
}

fn is_q128(q: Q) -> bool {
    matches!(q, Q::V_16B | Q::V_8H | Q::V_4S | Q::V_2D)
}

/// Bits set for one variant, only where the definition's mask leaves them
/// free (as binutils inserts variant fields).
struct Insert {
    fixed: u32,
    bits: u32,
    mask: u32,
}

impl Insert {
    fn put(&mut self, lsb: u32, width: u32, value: u32) {
        for b in 0..width {
            let bit = 1u32 << (lsb + b);
            if self.fixed & bit == 0 {
                self.mask |= bit;
                if value >> b & 1 != 0 {
                    self.bits |= bit;
                }
            }
        }
    }
}

/// The operand whose arrangement gives `size:Q` (binutils' data patterns:
/// same-size vectors → 0; long (`v.8h, v.8b`) → 1; wide (`v.8h, v.8h,
/// v.8b`) → 2; scalar from across lanes → 1; otherwise 0).
fn sizeq_operand(q: &[Option<Q>]) -> usize {
    let get = |i: usize| q.get(i).copied().flatten();
    let (q0, q1, q2) = (get(0), get(1), get(2));
    if let Some(a) = q0.filter(|&a| is_vector(a)) {
        let b = q1;
        if let (Some(b), Some(c)) = (b, q2) {
            if a == b && is_vector(c) && esize(a) == esize(b) && esize(a) == esize(c) {
                return 0;
            }
        }
        if let Some(b) = b.filter(|&b| is_vector(b)) {
            if esize(a) != 0 && esize(a) == esize(b) << 1 {
                return 1;
            }
        }
        if let (Some(b), Some(c)) = (b, q2) {
            if a == b && is_vector(c) && esize(a) == esize(c) << 1 {
                return 2;
            }
        }
        0
    } else if q0.is_some_and(is_scalar) && q1.is_some_and(is_vector) && q2.is_none() {
        1
    } else {
        0
    }
}

/// Applies the variant rules of `d` for the qualifiers `q` (one per operand).
fn variant_bits(d: &Defn, q: &[Option<Q>], name: &str) -> (u32, u32) {
    use InsnFlags as F;
    let mut ins = Insert {
        fixed: d.mask,
        bits: 0,
        mask: 0,
    };
    let class = format!("{:?}", d.class);
    let gpr = q
        .iter()
        .flatten()
        .find(|q| matches!(q, Q::W | Q::X))
        .copied();
    let is_x = gpr == Some(Q::X);
    let fp = d
        .operands
        .iter()
        .zip(q)
        .find(|(o, q)| {
            matches!(
                o.class,
                InsnOperandClass::FP_REG | InsnOperandClass::SISD_REG
            ) && q.is_some_and(is_scalar)
        })
        .and_then(|(_, q)| *q);
    let fptype = |q: Q| match q {
        Q::S_S => 0,
        Q::S_D => 1,
        Q::S_H => 3,
        other => panic!("{name}: {other:?} is not an FP type"),
    };
    if d.flags.contains(F::HAS_SF_FIELD) {
        assert!(gpr.is_some(), "{name}: sf without a W/X operand");
        ins.put(31, 1, is_x as u32);
    }
    if d.flags.contains(F::HAS_N_FIELD) {
        ins.put(22, 1, is_x as u32);
    }
    if d.flags.contains(F::HAS_LSE_SZ_FIELD) {
        ins.put(30, 1, is_x as u32);
    }
    if d.flags.contains(F::HAS_ADVSIMV_GPRSIZE_IN_Q) {
        // The data register: the last W/X operand (`stxr w0, x1, [x2]`
        // has a W status register first).
        let last = q.iter().flatten().rev().find(|q| matches!(q, Q::W | Q::X));
        ins.put(30, 1, (last == Some(&Q::X)) as u32);
    }
    if d.flags.contains(F::HAS_LDS_SIZE_IN_BIT_22) {
        ins.put(22, 1, !is_x as u32);
    }
    if d.mnemonic == "fcvt" && class == "FLOATDP1" {
        ins.put(22, 2, fptype(q[1].unwrap()));
        ins.put(15, 2, fptype(q[0].unwrap()));
    } else if d.flags.contains(F::HAS_FPTYPE_FIELD) {
        ins.put(
            22,
            2,
            fptype(fp.unwrap_or_else(|| panic!("{name}: no FP operand"))),
        );
    }
    if d.flags.contains(F::HAS_SIZEQ_FIELD) {
        let i = sizeq_operand(q);
        let qi = q[i].unwrap_or_else(|| panic!("{name}: size:Q operand has no qualifier"));
        // A scalar here (`movi d0, #imm`) has its bits fixed by the mask.
        let v = match qi {
            Q::V_2H => Some(2),
            _ if is_scalar(qi) => None,
            _ => Some(sizeq(qi).unwrap_or_else(|| panic!("{name}: no size:Q for {qi:?}"))),
        };
        if let Some(v) = v {
            let size_lsb = if class.starts_with("ASISDLS") { 10 } else { 22 };
            ins.put(30, 1, v & 1);
            ins.put(size_lsb, 2, v >> 1);
        }
    }
    if d.flags.contains(F::HAS_ADVSIMD_SCALAR_SIZE) {
        let (a, b) = (
            q[0].map_or(0, esize),
            q.get(1).copied().flatten().map_or(0, esize),
        );
        let i = if a == b || b == 0 || a < b { 0 } else { 1 };
        let v = match q[i].unwrap() {
            Q::S_B => 0,
            Q::S_H => 1,
            Q::S_S => 2,
            Q::S_D => 3,
            other => panic!("{name}: scalar size of {other:?}"),
        };
        ins.put(22, 2, v);
    }
    if d.flags.contains(F::HAS_SPEC_DECODE_RULES) && (class == "ASIMDMISC" || class == "ASISDMISC")
    {
        // fcvtl/fcvtl2: sz from the wide destination; fcvtn/fcvtn2/fcvtxn
        // from the wide source.
        let wide = if d.mnemonic.starts_with("fcvtl") {
            q[0]
        } else {
            q[1]
        };
        ins.put(22, 1, matches!(wide, Some(Q::V_2D | Q::S_D)) as u32);
    }
    match class.as_str() {
        "LDST_POS" | "LDST_IMM9" | "LDST_UNSCALED" | "LDST_REGOFF"
            if q[0].is_some_and(is_scalar) =>
        {
            let (size, opc1) = match q[0].unwrap() {
                Q::S_B => (0, 0),
                Q::S_H => (1, 0),
                Q::S_S => (2, 0),
                Q::S_D => (3, 0),
                _ => (0, 1),
            };
            ins.put(30, 2, size);
            ins.put(23, 1, opc1);
        }
        "LDSTPAIR_OFF" | "LDSTPAIR_INDEXED" | "LDSTNAPAIR_OFFS" | "LOADLIT"
            if q[0].is_some_and(is_scalar) =>
        {
            let opc = match q[0].unwrap() {
                Q::S_S => 0,
                Q::S_D => 1,
                _ => 2,
            };
            ins.put(30, 2, opc);
        }
        "ASIMDSHF" | "ASIMDEXT" | "ASIMDIMM" | "ASIMDTBL" => {
            if let Some(v) = q[0].filter(|&v| is_vector(v)) {
                ins.put(30, 1, is_q128(v) as u32);
            }
        }
        "ASIMDINS" if d.flags.contains(F::HAS_ADVSIMV_VEC_IN_Q) => {
            let v = q[0].unwrap();
            ins.put(30, 1, is_q128(v) as u32);
            if !d.operands.iter().any(|o| o.kind == K::En) {
                // dup (general): imm5's lowest set bit is the element size.
                ins.put(16, 5, esize(v));
            }
        }
        _ => {}
    }
    (ins.bits, ins.mask)
}

/// Fields of one operand, in the order the kind's encoder reads them.
fn fields(d: &Defn, i: usize, kind: &str, qual: Option<Q>, name: &str) -> Vec<(u8, u8)> {
    let o = &d.operands[i];
    let listed: Vec<(u8, u8)> = o
        .fields
        .iter()
        .filter(|f| !format!("{:?}", f.bitfield).starts_with("CONST"))
        .map(|f| (f.lsb, f.width))
        .collect();
    let has = |f: (u8, u8)| listed.contains(&f);
    let one_reg = || {
        assert!(
            listed.len() == 1 && listed[0].1 == 5,
            "{name}: operand {i} ({:?}) should have one 5-bit register field, has {listed:?}",
            o.kind
        );
        listed[0]
    };
    let rn = (5, 5);
    match kind {
        "Gpr" | "GprSp" | "Fpr" | "VReg" | "VRegD1" => vec![one_reg()],
        "GprPair" | "FpZero" | "Zero" | "ShllImm" => vec![],
        "ElemImm5" => vec![one_reg(), (16, 5)],
        "ElemImm4" => vec![one_reg(), (11, 4)],
        // The register, then the index bits from the most significant:
        // H:L:M for halfwords (the register is then V0–V15), H:L otherwise.
        // An index narrower than its fields sits in the high bits (words of
        // `fcmla`'s pairs and doublewords use H, with L zero). The SM3
        // `sm3tt*` instructions keep a 2-bit index at bits 12–13.
        "ElemIdx" | "ElemIdxPair" => {
            let reg = one_reg();
            let (h, l, m) = ((11, 1), (21, 1), (20, 1));
            if d.mnemonic.starts_with("sm3tt") {
                return vec![reg, (12, 2)];
            }
            let size = esize(qual.unwrap_or_else(|| panic!("{name}: element without size")));
            match (kind, size) {
                ("ElemIdx", 2) => vec![(reg.0, 4), h, l, m],
                ("ElemIdx", 4 | 8) | ("ElemIdxPair", 2 | 4) => vec![reg, h, l],
                _ => panic!("{name}: element of {size} bytes"),
            }
        }
        "GprShifted" | "GprShiftedLog" => vec![(16, 5), (22, 2), (10, 6)],
        "GprExtended" => vec![(16, 5), (13, 3), (10, 3)],
        "VLaneList" => vec![(0, 5), (30, 1), (12, 1), (10, 2)],
        "VList" if o.kind == K::LVn => vec![one_reg()],
        "VList" | "VListRep" => vec![(0, 5)],
        "AddSubImm" => {
            assert!(
                has((10, 12)) && has((22, 2)),
                "{name}: AIMM fields {listed:?}"
            );
            vec![(10, 12), (22, 2)]
        }
        "LogicalImm" => {
            assert_eq!(listed, [(22, 1), (16, 6), (10, 6)], "{name}: LIMM fields");
            listed
        }
        "MoveWide" => {
            assert_eq!(listed, [(5, 16)], "{name}: HALF fields");
            vec![(5, 16), (21, 2)]
        }
        "FBits" => {
            assert_eq!(listed, [(10, 6)], "{name}: FBITS fields");
            listed
        }
        "FpImm8" => {
            assert_eq!(listed, [(13, 8)], "{name}: FPIMM fields");
            listed
        }
        "SimdFpImm8" | "SimdImm64" => vec![(16, 3), (5, 5)],
        "SimdImmShifted" => {
            let free: Vec<u8> = (12..16).filter(|b| d.mask >> b & 1 == 0).collect();
            let mut f = vec![(16, 3), (5, 5)];
            if let (Some(&lo), Some(&hi)) = (free.first(), free.last()) {
                assert_eq!(
                    free.len() as u8,
                    hi - lo + 1,
                    "{name}: cmode free bits not contiguous"
                );
                f.push((lo, hi - lo + 1));
            }
            f
        }
        "ShiftLeft" | "ShiftRight" => vec![(19, 4), (16, 3)],
        "Rot90" | "Rot270" | "UImm" | "CReg" => {
            assert!(
                !listed.is_empty(),
                "{name}: operand {i} ({:?}) lists no field",
                o.kind
            );
            listed
        }
        "Cond" => {
            if listed.is_empty() {
                vec![(12, 4)]
            } else {
                listed
            }
        }
        "MemBase" => vec![rn],
        "MemUImm12" => vec![rn, (10, 12)],
        "MemSImm9" | "MemPre9" | "MemPost9" => vec![rn, (12, 9)],
        "MemSImm7" | "MemPre7" | "MemPost7" => vec![rn, (15, 7)],
        "MemSImm10" | "MemPre10" => vec![rn, (22, 1), (12, 9)],
        "MemRegOff" => vec![rn, (16, 5), (13, 3), (12, 1)],
        "MemPostSimd" => vec![rn, (16, 5)],
        "Label26" => vec![(0, 26)],
        "Label19" => vec![(5, 19)],
        "Label14" => vec![(5, 14)],
        "LabelAdr" | "LabelAdrp" => vec![(29, 2), (5, 19)],
        "SysReg" => vec![(5, 16)],
        "PState" => vec![(16, 3), (5, 3)],
        "Barrier" => vec![(8, 4)],
        "Prefetch" => vec![(0, 5)],
        other => panic!("{name}: no fields for kind {other}"),
    }
}

fn field_mask(f: &[(u8, u8)]) -> u32 {
    f.iter()
        .map(|&(l, w)| (((1u64 << w) - 1) << l) as u32)
        .fold(0, |a, b| a | b)
}

/// Bits the source leaves free although the architecture fixes them to
/// zero (llvm-mc writes zeros there): the unused `Rm` field of `fcmp`/`fcmpe`
/// with `#0.0`, and `sz` of the vector `fmlal`/`fmlsl` family (only half
/// precision exists). Any other bit that is neither fixed nor an operand's
/// stops the generator.
fn should_be_zero(d: &Defn) -> u32 {
    match (d.mnemonic.as_str(), format!("{:?}", d.class).as_str()) {
        ("fcmp" | "fcmpe", "FLOATCMP") if d.operands.iter().any(|o| o.kind == K::FPIMM0) => {
            0x1f << 16
        }
        ("fmlal" | "fmlal2" | "fmlsl" | "fmlsl2", "ASIMDSAME") => 1 << 22,
        _ => 0,
    }
}

/// One expansion of a definition: extra bits, their mask, a kind override
/// for one operand, and a register-list count.
type Shape = (u32, u32, Option<(usize, &'static str)>, u8);

/// Expands one definition into forms (see the section comment).
fn expand(d: &Defn) -> Vec<FormDef> {
    let class = format!("{:?}", d.class);
    let n_variants = d
        .operands
        .iter()
        .map(|o| o.qualifiers.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = Vec::new();
    for v in 0..n_variants {
        let q: Vec<Option<Q>> = d
            .operands
            .iter()
            .map(|o| {
                if o.qualifiers.is_empty() {
                    None
                } else {
                    assert_eq!(
                        o.qualifiers.len(),
                        n_variants,
                        "{}: qualifier columns of different lengths",
                        d.mnemonic
                    );
                    Some(o.qualifiers[v])
                }
            })
            .collect();
        let name = format!("{} (disarm64 #{}, variant {v})", d.mnemonic, d.index);
        let (vbits, vmask) = variant_bits(d, &q, &name);
        if n_variants > 1 {
            assert!(
                vmask != 0 || variants_differ_in_operands(d),
                "{name}: no rule selects the variant"
            );
        }
        // Expansions that the source folds into one definition:
        // (extra bits, extra mask, kind override for operand i, list count).
        let mut shapes: Vec<Shape> = vec![(0, 0, None, 0)];
        for (i, o) in d.operands.iter().enumerate() {
            match (o.kind, class.as_str()) {
                (K::ADDR_SIMM9, "LDST_IMM9") => {
                    shapes = vec![
                        (1 << 11, 1 << 11, Some((i, "MemPre9")), 0),
                        (0, 1 << 11, Some((i, "MemPost9")), 0),
                    ]
                }
                (K::ADDR_SIMM7, "LDSTPAIR_INDEXED") => {
                    shapes = vec![
                        (1 << 24, 1 << 24, Some((i, "MemPre7")), 0),
                        (0, 1 << 24, Some((i, "MemPost7")), 0),
                    ]
                }
                (K::ADDR_SIMM10, _) => {
                    shapes = vec![
                        (0, 1 << 11, Some((i, "MemSImm10")), 0),
                        (1 << 11, 1 << 11, Some((i, "MemPre10")), 0),
                    ]
                }
                (K::LVt, _) => {
                    // opcode<15:12> by structure size and register count.
                    let nelem = d.mnemonic[2..3].parse::<u8>().expect("ldN/stN");
                    let table: &[(u8, u32)] = match nelem {
                        1 => &[(1, 0b0111), (2, 0b1010), (3, 0b0110), (4, 0b0010)],
                        2 => &[(2, 0b1000)],
                        3 => &[(3, 0b0100)],
                        _ => &[(4, 0b0000)],
                    };
                    shapes = table
                        .iter()
                        .map(|&(n, op)| (op << 12, 0xf << 12, None, n))
                        .collect();
                }
                (K::LEt, _) => {
                    let nelem = d.mnemonic[2..3].parse::<u8>().expect("ldN/stN");
                    // opcode<2:1> (bits 14–15) by element size: B 00, H 01, S/D 10.
                    let sel = match q[i].map(esize) {
                        Some(1) => 0,
                        Some(2) => 1,
                        _ => 2,
                    };
                    shapes = vec![(sel << 14, 3 << 14, None, nelem)];
                }
                (K::LVt_AL, _) => {
                    let nelem = d.mnemonic[2..3].parse::<u8>().expect("ldNr");
                    shapes = vec![(0, 0, None, nelem)];
                }
                (K::LVn, _) => {
                    shapes = (1..=4u32)
                        .map(|n| ((n - 1) << 13, 3 << 13, None, n as u8))
                        .collect();
                }
                _ => {}
            }
        }
        for (sbits, smask, over, count) in shapes {
            let mut ops = Vec::new();
            for (i, o) in d.operands.iter().enumerate() {
                let kind = match over {
                    Some((j, k)) if j == i => k,
                    _ => our_kind(d, i).expect("filtered before"),
                };
                let qual = our_qual(q[i].as_ref(), &name);
                let f = fields(d, i, kind, q[i], &name);
                let is_list = matches!(o.kind, K::LVt | K::LVt_AL | K::LVn | K::LEt);
                ops.push(OpDef {
                    kind,
                    qual,
                    count: if is_list { count } else { 0 },
                    fields: f,
                });
            }
            let mut mnemonic = d.mnemonic.clone();
            if mnemonic == "b.c" {
                // The condition is listed as part of the label's fields.
                mnemonic = "b.cond".into();
                let listed: Vec<(u8, u8)> = d.operands[0]
                    .fields
                    .iter()
                    .map(|f| (f.lsb, f.width))
                    .collect();
                assert_eq!(listed, [(5, 19), (0, 4)], "{name}");
                ops.pop().expect("b.c has a label");
                ops.push(OpDef {
                    kind: "Cond",
                    qual: "Nil",
                    count: 0,
                    fields: vec![(0, 4)],
                });
                ops.push(OpDef {
                    kind: "Label19",
                    qual: "Nil",
                    count: 0,
                    fields: vec![(5, 19)],
                });
            }
            out.push(FormDef {
                mnemonic,
                bits: d.opcode | vbits | sbits,
                mask: d.mask | vmask | smask | should_be_zero(d),
                operands: ops,
                feature: format!("{:?}", d.feature),
                class: class.clone(),
                source: d.index,
            });
        }
    }
    out
}

/// Whether the variants of `d` differ only in operand qualifiers that the
/// operand encoders place themselves (element sizes in `imm5`/`immh`,
/// extend options), so no variant bit is needed.
fn variants_differ_in_operands(d: &Defn) -> bool {
    d.operands.iter().any(|o| {
        matches!(
            o.kind,
            K::Ed
                | K::En
                | K::LEt
                | K::IMM_VLSL
                | K::IMM_VLSR
                | K::Rm_EXT
                | K::IMMR
                | K::IMMS
                | K::FBITS
        )
    })
}

/// Checks one form: fields inside the word and disjoint, nothing fixed
/// where an operand writes (shift immediates excepted: their `immh` bits are
/// partly fixed and the encoder writes the same values), every bit either
/// fixed or written, and the decoder finds the source definition in words
/// of the form.
fn validate(f: &FormDef, defs: &[Defn]) {
    let name = f.name();
    assert_eq!(f.bits & !f.mask, 0, "{name}: bits outside the mask");
    let mut seen = 0u32;
    for o in &f.operands {
        let m = field_mask(&o.fields);
        for &(l, w) in &o.fields {
            assert!(
                w > 0 && l as u32 + w as u32 <= 32,
                "{name}: field ({l}, {w})"
            );
        }
        assert_eq!(seen & m, 0, "{name}: operand fields overlap");
        if !matches!(o.kind, "ShiftLeft" | "ShiftRight") {
            assert_eq!(
                f.mask & m,
                0,
                "{name}: {} writes fixed bits {:#x}",
                o.kind,
                f.mask & m
            );
        }
        seen |= m;
    }
    let loose = !(f.mask | seen);
    assert_eq!(
        loose, 0,
        "{name}: bits {loose:#010x} are neither fixed nor an operand's"
    );
    // Some word of the form must decode to the source definition.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ f.bits as u64;
    // disarm64's decoder returns `ld4`/`st4` for every multiple-structure
    // load/store (the four share opcode and mask and differ only in flags),
    // so for those a sibling with the same opcode, mask and class counts.
    let source = &defs[f.source];
    let ok = (0..512).any(|_| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let w = f.bits | (seed as u32 & seen & !f.mask);
        disarm64::decoder::decode(w).is_some_and(|op| {
            let id = op.id() as u16 as usize;
            let c = &defs[id];
            id == f.source
                || (f.class.starts_with("ASISDLSE")
                    && (c.opcode, c.mask, c.class) == (source.opcode, source.mask, source.class))
        })
    });
    assert!(
        ok,
        "{name}: no word of the form decodes to disarm64 #{}",
        f.source
    );
}

/// Every form of the table, grouped by mnemonic (source order within a
/// mnemonic), and what was left out.
pub fn forms() -> (Vec<FormDef>, Report) {
    let (defs, cross_check) = definitions();
    let mut report = Report {
        definitions: defs.len(),
        cross_check,
        ..Report::default()
    };
    let mut out = Vec::new();
    for d in &defs {
        if !in_scope(d) {
            *report
                .out_of_scope
                .entry(format!("{:?}", d.feature))
                .or_default() += 1;
            continue;
        }
        if let Some(i) = (0..d.operands.len()).find(|&i| our_kind(d, i).is_none()) {
            *report
                .unmodelled
                .entry(format!("{:?}", d.operands[i].kind))
                .or_default() += 1;
            continue;
        }
        report.used += 1;
        for f in expand(d) {
            validate(&f, &defs);
            out.push(f);
        }
    }
    // Two forms with the same mnemonic and operand shapes would be ambiguous.
    type Key<'a> = (String, Vec<(&'a str, &'a str, u8)>, u32);
    let mut keys: Vec<Key> = out
        .iter()
        .map(|f| {
            (
                f.mnemonic.clone(),
                f.operands
                    .iter()
                    .map(|o| (o.kind, o.qual, o.count))
                    .collect(),
                f.bits,
            )
        })
        .collect();
    keys.sort();
    for w in keys.windows(2) {
        assert!(
            !(w[0].0 == w[1].0 && w[0].1 == w[1].1),
            "two forms of {} with the same operands: {:?} ({:#x} / {:#x})",
            w[0].0,
            w[0].1,
            w[0].2,
            w[1].2
        );
    }
    out.sort_by(|a, b| a.mnemonic.cmp(&b.mnemonic));
    report.forms = out.len();
    (out, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_matches_the_compiled_decoder() {
        let (defs, check) = definitions();
        // Every definition is compared field by field with the compiled
        // crate, except the few that no word decodes to.
        assert_eq!(check.verified + check.unreached, defs.len());
        assert!(check.unreached * 100 < defs.len(), "{check:?}");
    }

    #[test]
    fn forms_are_expanded_and_validated() {
        let (forms, report) = forms();
        assert_eq!(forms.len(), report.forms);
        let in_scope = report.used + report.unmodelled.values().sum::<usize>();
        assert_eq!(
            in_scope + report.out_of_scope.values().sum::<usize>(),
            report.definitions
        );
        // One form per variant: `add` (immediate) has a W and an X form.
        let add_imm: Vec<_> = forms
            .iter()
            .filter(|f| f.mnemonic == "add" && f.operands.iter().any(|o| o.kind == "AddSubImm"))
            .collect();
        assert_eq!(add_imm.len(), 2);
        assert_eq!(
            add_imm[0].bits ^ add_imm[1].bits,
            1 << 31,
            "sf selects the variant"
        );
        assert!(forms
            .iter()
            .all(|f| !f.class.starts_with("SVE") && !f.class.starts_with("SME")));
        // Sorted by mnemonic.
        assert!(forms.windows(2).all(|w| w[0].mnemonic <= w[1].mnemonic));
    }
}
