#!/usr/bin/env python3
"""jitasm-a64's llvm-mc golden vectors through the `dynasm!` macro.

Reads crates/jitasm-a64/tests/data/golden_a64.txt (every line llvm-mc 19
assembled, with its word) and writes
crates/jitasm/tests/generated/macro_corpus_a64.rs, a test in which each line
llvm-mc accepts goes through `dynasm!(ops ; .arch aarch64 ; …)` twice:

* static: encoded while compiling, in the spellings the macro reads — the
  line as llvm-mc printed it, dynasm-rs's (`v0.s4`, `{v0.b16 * 4}`), and
  register families with constant numbers (`X(3)`, `XSP(31)`, `V(2).s4`),
  one spelling per line in turn;
* dynamic: every register given as a Rust value (`X(r[3])`, `V(r[2]).s4`,
  `{V(r[0]).b16 * 4}`, `XSP(r[31])` for sp) and every number after `#`,
  every lane index as a Rust expression (`#v(4095i64)`, `.s[v(1i64)]`):
  the forms are narrowed while compiling and the word encoded at run time.

Both must give llvm-mc's word, line by line. The lines jitasm knowingly
encodes differently from llvm-mc (llvm-mc truncating or masking what
jitasm refuses: crates/jitasm-a64/tests/support/known.rs) are left out:
the generator asks jitasm's own text assembler (`jitasm asm --batch`)
which lines it refuses, and stops if any line it accepts differs from
llvm-mc (crates/jitasm/tests/a64_text.rs holds the text assembler to that).

    python3 scripts/golden/gen_macro_corpus_a64.py          # regenerate
    python3 scripts/golden/gen_macro_corpus_a64.py --check  # CI: unchanged?
"""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates/jitasm/tests/generated/macro_corpus_a64.rs")
GOLDEN = os.path.join(ROOT, "crates/jitasm-a64/tests/data/golden_a64.txt")
# Lines per invocation.
CHUNK = 64

FAMILY = {"x": "X", "w": "W", "b": "B", "h": "H", "s": "S", "d": "D", "q": "Q"}
NUMBER = r"-?(?:0x[0-9a-fA-F]+|\d+\.\d+(?:e[+-]?\d+)?|\d+)"


def swapped(suffix):
    """`4s` as dynasm-rs writes it (`s4`); an element size alone stays."""
    m = re.fullmatch(r"(\d+)([a-zA-Z])", suffix)
    return f"{m.group(2)}{m.group(1)}" if m else suffix


def rust_number(text):
    """A number of the assembly as a Rust literal of its type."""
    if "." in text:
        return f"{text}f64"
    v = int(text, 0)
    return f"{text}i64" if -(1 << 63) <= v < (1 << 63) else f"{text}u64"


def lists(text, reg):
    """`{v0.4s, v1.4s}`, `{v0.4s-v1.4s}` as `{<first> * 2}`."""
    def one(m):
        regs = re.findall(r"v(\d+)\.(\w+)", m.group(1))
        if not regs:
            return m.group(0)
        first, suffix = regs[0]
        if "-" in m.group(1):
            count = (int(regs[1][0]) - int(first)) % 32 + 1
        else:
            count = len(regs)
        return "{" + f"{reg(first, swapped(suffix))} * {count}" + "}"
    return re.sub(r"\{([^}]*)\}", one, text)


def spell(text, n):
    """The line in spelling n % 3: as printed, dynasm-rs's, families."""
    mnemonic, _, ops = text.partition(" ")
    kind = n % 3
    if kind == 0 or not ops:
        return text
    if kind == 1:
        ops = lists(ops, lambda num, sfx: f"v{num}.{sfx}")
        ops = re.sub(r"\bv(\d+)\.(\w+)", lambda m: f"v{m.group(1)}.{swapped(m.group(2))}", ops)
        return f"{mnemonic} {ops}"
    ops = lists(ops, lambda num, sfx: f"V({num}).{sfx}")
    ops = re.sub(r"\bv(\d+)\.(\w+)", lambda m: f"V({m.group(1)}).{swapped(m.group(2))}", ops)
    ops = scalars(ops, lambda fam, num: f"{fam}({num})")
    return f"{mnemonic} {ops}"


def scalars(ops, make):
    ops = re.sub(r"(?<![\w.])([xwbhsdq])(\d+)\b",
                 lambda m: make(FAMILY[m.group(1)], m.group(2)), ops)
    ops = re.sub(r"(?<![\w.])xzr\b", make("X", "31"), ops)
    ops = re.sub(r"(?<![\w.])wzr\b", make("W", "31"), ops)
    ops = re.sub(r"(?<![\w.])sp\b", make("XSP", "31"), ops)
    ops = re.sub(r"(?<![\w.])wsp\b", make("WSP", "31"), ops)
    return ops


def dynamic(text):
    """The line with registers, numbers and lanes as Rust values."""
    mnemonic, _, ops = text.partition(" ")
    if not ops:
        return text
    # Lanes first (the registers' `r[n]` are brackets too).
    ops = re.sub(r"(\.\w+|\})\[(\d+)\]", lambda m: f"{m.group(1)}[v({m.group(2)}i64)]", ops)
    ops = re.sub(r"#(" + NUMBER + r")\b(?!\.)", lambda m: f"#v({rust_number(m.group(1))})", ops)
    ops = lists(ops, lambda num, sfx: f"V(r[{num}]).{sfx}")
    ops = re.sub(r"\bv(\d+)\.(\w+)", lambda m: f"V(r[{m.group(1)}]).{swapped(m.group(2))}", ops)
    ops = scalars(ops, lambda fam, num: f"{fam}(r[{num}])")
    return f"{mnemonic} {ops}"


def text_assembler(lines):
    """jitasm's text assembler's bytes (or None) for each line."""
    out = subprocess.run(
        ["cargo", "run", "-q", "-p", "jitasm-cli", "--", "asm", "--arch", "aarch64", "--batch"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout.splitlines()
    assert len(out) == len(lines), "one answer per line"
    return [None if o.startswith("error") else o.replace(" ", "") for o in out]


def main():
    rows = []
    with open(GOLDEN) as f:
        for row in f:
            row = row.rstrip("\n")
            if not row or row.startswith("#"):
                continue
            word, text = row.split("\t")
            if word != "error":
                rows.append((word, text))
    jitasm = text_assembler([t for _, t in rows])
    lines, refused = [], 0
    for (word, text), got in zip(rows, jitasm):
        le = bytes.fromhex(word)[::-1].hex()
        if got is None:
            refused += 1
            continue
        if got != le:
            sys.exit(f"the text assembler gives {got} for `{text}`, llvm-mc {le}")
        lines.append((word, text))

    rs = []
    rs.append("// @generated by `python3 scripts/golden/gen_macro_corpus_a64.py` from the llvm-mc")
    rs.append("// golden vectors in crates/jitasm-a64/tests/data/golden_a64.txt. Do not edit.")
    rs.append("//! jitasm-a64's golden lines through `dynasm!` (`.arch aarch64`), static and")
    rs.append("//! with Rust values, each compared with llvm-mc's word.")
    rs.append("#![allow(clippy::all, unused_parens)]")
    rs.append("")
    rs.append("mod support {")
    rs.append("    use jitasm::{isa::Aarch64, VecAssembler};")
    rs.append("")
    rs.append("    /// Register numbers as run-time values.")
    rs.append("    pub fn numbers() -> [u8; 32] {")
    rs.append("        std::hint::black_box(core::array::from_fn(|i| i as u8))")
    rs.append("    }")
    rs.append("")
    rs.append("    /// A number as a run-time value.")
    rs.append("    pub fn v<T>(x: T) -> T {")
    rs.append("        std::hint::black_box(x)")
    rs.append("    }")
    rs.append("")
    rs.append("    /// Each line's word from `dynasm!` (split at `lens`) must be llvm-mc's.")
    rs.append("    pub fn check(ops: VecAssembler<Aarch64>, lens: &[usize], lines: &[(&str, u32)]) {")
    rs.append("        let code = ops.finalize().unwrap_or_else(|e| panic!(\"{e}\"));")
    rs.append("        assert_eq!(lens.len(), lines.len() + 1);")
    rs.append("        let mut bad = Vec::new();")
    rs.append("        for (i, (text, word)) in lines.iter().enumerate() {")
    rs.append("            let got = &code[lens[i]..lens[i + 1]];")
    rs.append("            if got != word.to_le_bytes() {")
    rs.append("                bad.push(format!(\"`{text}`: dynasm! {got:02x?}, llvm-mc {word:08x}\"));")
    rs.append("            }")
    rs.append("        }")
    rs.append("        assert!(")
    rs.append("            bad.is_empty(),")
    rs.append("            \"{} lines differ:\\n{}\",")
    rs.append("            bad.len(),")
    rs.append("            bad.join(\"\\n\")")
    rs.append("        );")
    rs.append("    }")
    rs.append("}")
    rs.append("")
    rs.append("// Left as generated: `cargo fmt` would make it differ from the generator.")
    rs.append("#[rustfmt::skip]")
    rs.append("mod corpus {")
    rs.append("use super::support::{self, v};")
    rs.append("use jitasm::{dynasm, isa::Aarch64, VecAssembler};")
    rs.append("")
    chunks = [lines[i:i + CHUNK] for i in range(0, len(lines), CHUNK)]
    for c, chunk in enumerate(chunks):
        for kind in ["static", "dynamic"]:
            rs.append("#[test]")
            rs.append(f"fn {kind}_{c:03}() {{")
            if kind == "dynamic":
                rs.append("    let r: [u8; 32] = support::numbers();")
            rs.append("    let mut ops = VecAssembler::<Aarch64>::new(0);")
            rs.append("    let mut lens = vec![0usize];")
            rs.append("    dynasm!(ops ; .arch aarch64")
            for k, (_, text) in enumerate(chunk):
                t = dynamic(text) if kind == "dynamic" else spell(text, c * CHUNK + k)
                rs.append(f"        ; {t}")
                rs.append("        ;; lens.push(ops.offset().0)")
            rs.append("    );")
            rs.append("    support::check(ops, &lens, &[")
            for word, text in chunk:
                rs.append(f'        ("{text}", 0x{word}),')
            rs.append("    ]);")
            rs.append("}")
            rs.append("")
    rs.append("}")
    out = "\n".join(rs) + "\n"
    if "--check" in sys.argv:
        old = open(OUT).read() if os.path.exists(OUT) else ""
        if old != out:
            print(f"stale: {OUT} (run python3 scripts/golden/gen_macro_corpus_a64.py)")
            sys.exit(1)
        print(f"up to date: {OUT}")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(out)
    print(f"wrote {OUT}: {len(lines)} lines ({refused} that llvm-mc accepts and jitasm "
          f"refuses left out), {len(chunks)} invocations of each kind")


main()
