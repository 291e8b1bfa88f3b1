#!/usr/bin/env python3
"""Golden vectors for jitasm's fixup kinds, with llvm-mc as the oracle.

Writes crates/jitasm-core/tests/data/fixup_vectors.txt, which
crates/jitasm-core/tests/fixup_vectors.rs replays through
`FixupKind::apply`. Python 3 standard library only; needs `llvm-mc` (tested
with LLVM 14, which knows x86, AArch64 and RISC-V).

    python3 scripts/golden/gen_fixup_vectors.py           # (re)write the file
    python3 scripts/golden/gen_fixup_vectors.py --check   # compare, exit 1 if stale

What it does
------------
The kinds and their ranges are read from crates/jitasm-core/src/fixup.rs (the
`kind!` entries and the `ALL` lists of the modules `x86`, `aarch64`, `riscv`).
For every kind there are one or more *forms*: an instruction (or data
directive) written as assembly text that uses the field. For each form the
script picks field values at the minimum of the kind's range, the maximum,
zero and a few random values in range (fixed seed, so the output is
reproducible), assembles each with `llvm-mc -filetype=obj`, reads the bytes
of `.text` out of the ELF object (and insists that there is no relocation:
llvm-mc must have resolved the value itself) and writes one line per case:

    kind_name template_hex pc target expected_hex

* `template_hex` is what llvm-mc emits for the same form with field value 0
  (displacement 0, absolute value 0, page delta 0, low bits 0), i.e. the
  instruction with its field zeroed. It is *not* computed by masking with the
  kind's pieces: the pieces are what the test checks.
* The fixup unit is the last `unit` bytes of the template. For AArch64,
  RISC-V and data words the template is exactly the unit; for x86 it is the
  whole instruction, whose displacement or immediate field ends it (forms
  where an immediate follows the field are not used).
* `pc` and `target` are the arguments given to `FixupKind::apply` (hex): the
  PC the kind computes against (x86: end of the instruction, AArch64 and
  RISC-V: the instruction, `%pcrel_lo`: the `auipc`) and the target address.
* `expected_hex` is llvm-mc's encoding.

Where the form allows it, the script also checks that llvm-mc *rejects* (or,
for x86 `jmp`/`jcc`/`movq $imm`, refuses the short form of) a value one step
past each end of the range and a misaligned value, which checks the ranges
read from fixup.rs against the oracle.

llvm-mc tricks used
-------------------
* Relative kinds: `a: <insn> t` with `.set t, a + <pc delta> + <value>`. The
  symbol is section-relative, so llvm-mc resolves the fixup at assembly time
  and range-checks it ("value of N is too large for field", "fixup value out
  of range", "fixup not sufficiently aligned"). This reaches the ends of
  every range (±2 GiB, ±2^63) without laying out any bytes. The bytes depend
  only on the difference, so the case is reported at a random address.
* x86 `{disp32}` forces the rel32 form of `jmp`/`jcc`; `.code16` in the
  i386 triple gives `call rel16`; the i386 triple gives the x86-32 `rel32`.
* AArch64 `adr`/`adrp`: the immediate forms `adr x0, #off` and
  `adrp x0, #pages*4096` (llvm-mc checks their range; `adr` to a label is
  not range-checked by LLVM 14 and `adrp` to a label always leaves a
  relocation). The page delta of a (pc, target) pair is computed here:
  `(target >> 12) - (pc >> 12)` (Arm ARM, ADRP).
* AArch64 `:lo12:` with a constant below 4096 (`add x0, x1, :lo12:0xabc`,
  `ldr x0, [x1, :lo12:0xab8]`): llvm-mc applies its lo12 fixups, with their
  scaling and alignment checks, but does not mask a larger constant, so the
  script takes `target & 0xfff` and reports a random target with those low
  bits.
* RISC-V: `-mattr=-relax` so that llvm-mc resolves `%pcrel_hi(t)` /
  `%pcrel_lo(a)` and branches to section-relative symbols itself. One
  assembly of `a: auipc rd, %pcrel_hi(t)` + `addi/jalr/ld/lw/sd/sw ...,
  %pcrel_lo(a)` gives a `riscv.pcrel_hi20` case (bytes 0..4) and a
  `riscv.pcrel_lo12_*` case (bytes 4..8), both with pc = the `auipc`.
  Values are picked to hit both ends of the high part and the low part's
  rounding boundaries (d = 2047, 2048, -2048, -2049). llvm-mc does not
  range-check `%pcrel_hi` (it wraps), so those ends are not oracle-checked.
* RISC-V compressed branches use immediates (`c.j 2046`, `c.beqz a0, -256`,
  `c.jal` in the riscv32 triple): with a label llvm-mc relaxes an
  out-of-range `c.beqz` into `beq` instead of failing.
* Data words: `.long`/`.quad`/`.word`/`.xword`/`.dword` of a `.set` symbol
  (absolute kinds) or of a symbol difference (`a: .word t - a`,
  `a: .quad t - (a + 8)`).
* `x86.rel32.wrap` also gets cases whose pc and target are more than 2 GiB
  apart in the 32-bit address space: llvm-mc encodes the equivalent
  displacement `(target - pc) mod 2^32` (which is how a 32-bit CPU reaches
  the target), and the case states the far pc and target.

Coverage
--------
Every kind of `x86::ALL`, `aarch64::ALL` and `riscv::ALL` has at least one
form; none is left out. Ends that llvm-mc cannot check (so only the Rust test
checks them): x86 `movl $imm32`/`movq disp32`/`.long` (no range check, or
negative values accepted), `.quad` differences (64 bits), AArch64 `.word`
differences, RISC-V `%pcrel_hi` (wraps), the low end of `.word`/`.long`
(accept negative values), and the `:lo12:`/`%pcrel_lo` kinds, whose value
can never be out of range.
"""

import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXUP_RS = os.path.join(ROOT, "crates", "jitasm-core", "src", "fixup.rs")
OUT = os.path.join(ROOT, "crates", "jitasm-core", "tests", "data", "fixup_vectors.txt")

SEED = 0x6A69_7461  # "jita"
RANDOM_PER_FORM = 4
M64 = (1 << 64) - 1


# --------------------------------------------------------------------------
# fixup.rs


class Kind:
    def __init__(self, name, unit, value, vparam, scale, bits, sign, pc, pieces):
        self.name = name
        self.unit = unit
        self.value = value  # Relative, Absolute, PageRelative, AbsoluteLow, RelativeHigh, RelativeLow
        self.vparam = vparam
        self.scale = scale
        self.bits = bits
        self.signed = sign == "signed"
        self.wrapping = sign == "wrapping"
        self.pc_offset = pc
        self.pieces = pieces

    def field_range(self):
        if self.signed:
            return -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
        return 0, (1 << self.bits) - 1

    def raw_range(self):
        """The smallest and largest raw (unscaled) values, in bytes / pages."""
        lo, hi = self.field_range()
        return lo << self.scale, hi << self.scale

    @property
    def align(self):
        return 1 << self.scale


KIND_RE = re.compile(
    r"(\w+)\s*=\s*\"([^\"]+)\",\s*unit\s+(\d+),\s*Value::(\w+)"
    r"(?:\s*\{\s*\w+:\s*(\d+)\s*\})?,\s*scale\s+(\d+),\s*bits\s+(\d+),\s*"
    r"(signed|unsigned|wrapping),\s*pc\s+(-?\d+),\s*\[(.*?)\]",
    re.S,
)
PIECE_RE = re.compile(r"piece\((\d+),\s*(\d+),\s*(\d+)\)")
ALL_RE = re.compile(r"pub const ALL: &\[&FixupKind\] = &\[(.*?)\];", re.S)


def parse_kinds(path):
    text = open(path, encoding="utf-8").read()
    kinds = {}
    modules = {}
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"pub mod (\w+) \{", text)]
    for i, (start, mod) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body = text[start:end]
        ids = {}
        for m in KIND_RE.finditer(body):
            ident, name, unit, value, vparam, scale, bits, sign, pc, pieces = m.groups()
            k = Kind(
                name,
                int(unit),
                value,
                int(vparam) if vparam else None,
                int(scale),
                int(bits),
                sign,
                int(pc),
                [tuple(map(int, p)) for p in PIECE_RE.findall(pieces)],
            )
            ids[ident] = k
            kinds[name] = k
        all_m = ALL_RE.search(body)
        if all_m is None:
            sys.exit(f"no ALL list in module {mod}")
        modules[mod] = [ids[i].name for i in re.findall(r"&(\w+)", all_m.group(1))]
    return kinds, modules


# --------------------------------------------------------------------------
# llvm-mc and ELF


def elf_sections(data):
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise ValueError("not a little-endian ELF file")
    if data[4] == 2:
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        fmt = "<IIQQQQIIQQ"
    else:
        (shoff,) = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
        fmt = "<IIIIIIIIII"
    headers = [struct.unpack_from(fmt, data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]
    out = {}
    for h in headers:
        name_off = strtab + h[0]
        name = data[name_off : data.index(b"\0", name_off)].decode()
        sh_type, offset, size = h[1], h[4], h[5]
        out[name] = (sh_type, b"\0" * size if sh_type == 8 else data[offset : offset + size])
    return out


class Oracle:
    def __init__(self, llvm_mc):
        self.llvm_mc = llvm_mc
        self.calls = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="fixup-vectors-")
        self.tmp = self._tmp.name

    def version(self):
        out = subprocess.run([self.llvm_mc, "--version"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if "version" in line.lower():
                return line.strip()
        return out.splitlines()[0].strip()

    def assemble(self, triple, attrs, text):
        """The bytes of .text, or None if llvm-mc rejects the input."""
        self.calls += 1
        obj = os.path.join(self.tmp, "out.o")
        cmd = [self.llvm_mc, "-triple=" + triple, "-filetype=obj", "-o", obj]
        if attrs:
            cmd.append("-mattr=" + attrs)
        r = subprocess.run(cmd, input=text + "\n", capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr.strip()
        secs = elf_sections(open(obj, "rb").read())
        relocs = [n for n, (t, b) in secs.items() if t in (4, 9) and b and n.endswith(".text")]
        if relocs:
            raise RuntimeError(f"llvm-mc left relocations ({relocs}) for:\n{text}")
        return secs[".text"][1], ""


# --------------------------------------------------------------------------
# forms

X64 = ("x86_64", None)
X86 = ("i386", None)
A64 = ("aarch64", None)
RV64 = ("riscv64", "-relax")
RV64C = ("riscv64", "+c,-relax")
RV32C = ("riscv32", "+c,-relax")


class Form:
    """One instruction (or directive) using a fixup.

    mode:
      rel   `asm(v)` assembles with raw value v = target - pc; `pc_delta` is pc
            minus the address of the first byte.
      abs   `asm(v)` with the absolute value v (target = v mod 2^64).
      page  `asm(v)` with the page delta v.
      lo    `asm(v)` with the low bits v of the target.
      pair  `asm(d)` with d = target - pc for a RISC-V auipc pair; gives two
            units: `kind` at bytes 0..4 and `kind2` at bytes 4..8.
      wrap  like rel, plus (pc, target) pairs more than 2 GiB apart.
    check: (low, high) whether llvm-mc rejects one step past that end;
    check_align: whether llvm-mc rejects a misaligned value.
    """

    def __init__(self, kind, isa, asm, mode="rel", pc_delta=0, length=None, insn_align=None,
                 check=(True, True), check_align=True, kind2=None):
        self.kind = kind
        self.triple, self.attrs = isa
        self.asm = asm
        self.mode = mode
        self.pc_delta = pc_delta
        self.length = length
        self.insn_align = insn_align
        self.check = check
        self.check_align = check_align
        self.kind2 = kind2

    def text(self, v):
        return self.asm(v)

    def describe(self):
        return f"[{self.triple}{' ' + self.attrs if self.attrs else ''}] " + self.asm("V").replace("\n", " ; ")


def rel(insn, pc_delta, isa, **kw):
    """`a: insn t` with t = a + pc_delta + v (v = target - pc)."""
    return lambda kind: Form(kind, isa, lambda v: f"a: {insn} t\n.set t, a + {pc_delta} + ({v})",
                             pc_delta=pc_delta, **kw)


def pages(v):
    """The byte offset of a page delta, as `adrp #imm` takes it."""
    return v * 4096 if isinstance(v, int) else f"{v}*4096"


def FORMS():
    f = []

    def add(kind, *forms):
        for mk in forms:
            f.append(mk(kind))

    # ---- x86 (fields end the instruction; pc = end of the instruction)
    short = dict(length=2)  # jmp/jcc relax to rel32 when the value does not fit
    add("x86.rel8",
        rel("jmp", 2, X64, **short),
        rel("je", 2, X64, **short),
        rel("loop", 2, X64, length=2),
        rel("jrcxz", 2, X64, length=2))
    add("x86.rel16",
        lambda k: Form(k, X86, lambda v: f".code16\na: call t\n.set t, a + 3 + ({v})", pc_delta=3, length=3),
        lambda k: Form(k, X86, lambda v: f".code16\na: {{disp32}} jmp t\n.set t, a + 3 + ({v})", pc_delta=3, length=3))
    add("x86.rel32",
        rel("call", 5, X64, length=5),
        rel("{disp32} jmp", 5, X64, length=5),
        rel("{disp32} jne", 6, X64, length=6),
        lambda k: Form(k, X64, lambda v: f"a: leaq t(%rip), %rax\n.set t, a + 7 + ({v})", pc_delta=7, length=7),
        lambda k: Form(k, X64, lambda v: f"a: movq t(%rip), %r11\n.set t, a + 7 + ({v})", pc_delta=7, length=7))
    add("x86.rel32.wrap",
        lambda k: Form(k, X86, lambda v: f"a: calll t\n.set t, a + 5 + ({v})", mode="wrap", pc_delta=5, length=5),
        lambda k: Form(k, X86, lambda v: f"a: {{disp32}} jmp t\n.set t, a + 5 + ({v})", mode="wrap", pc_delta=5,
                       length=5))
    add("x86.rel64",
        lambda k: Form(k, X64, lambda v: f"a: .quad t - (a + 8)\n.set t, a + 8 + ({v})", pc_delta=8, length=8,
                       check=(False, False)))
    add("x86.abs32",
        lambda k: Form(k, X64, lambda v: f".set s, {v}\nmovl $s, %eax", mode="abs", length=5, check=(False, False)),
        lambda k: Form(k, X64, lambda v: f".set s, {v}\n.long s", mode="abs", length=4, check=(False, True)))
    add("x86.abs32s",
        lambda k: Form(k, X64, lambda v: f".set s, {v}\nmovq $s, %rax", mode="abs", length=7),
        lambda k: Form(k, X64, lambda v: f".set s, {v}\nmovq s, %rax", mode="abs", length=8, check=(False, False)))
    add("x86.abs64",
        lambda k: Form(k, X64, lambda v: f".set s, {v}\nmovabsq $s, %rax", mode="abs", length=10,
                       check=(False, False)),
        lambda k: Form(k, X64, lambda v: f".set s, {v}\n.quad s", mode="abs", length=8, check=(False, False)))

    # ---- AArch64 (unit = the instruction, pc = the instruction)
    a64 = dict(length=4)
    add("aarch64.b26", rel("b", 0, A64, **a64), rel("bl", 0, A64, **a64))
    # LLVM 14 does not range-check imm19 fixups to labels (it wraps): use the
    # immediate forms, which its parser checks.
    def imm(insn):
        return lambda k: Form(k, A64, lambda v: f"{insn} #{v}", **a64)

    add("aarch64.imm19",
        imm("b.ne"), imm("cbz x0,"), imm("cbnz w7,"), imm("ldr x0,"), imm("ldr w3,"), imm("ldrsw x1,"),
        imm("prfm pldl1keep,"))
    add("aarch64.tbz14", rel("tbz x0, #3,", 0, A64, **a64), rel("tbnz x5, #63,", 0, A64, **a64))
    add("aarch64.adr21",
        lambda k: Form(k, A64, lambda v: f"adr x0, #{v}", **a64),
        lambda k: Form(k, A64, lambda v: f"adr x16, #{v}", **a64))
    add("aarch64.adrp21",
        lambda k: Form(k, A64, lambda v: f"adrp x0, #{pages(v)}", mode="page", **a64),
        lambda k: Form(k, A64, lambda v: f"adrp x16, #{pages(v)}", mode="page", **a64))

    def lo12(insn):
        return lambda k: Form(k, A64, lambda v: insn.replace("@", f":lo12:{v}"), mode="lo", **a64)

    add("aarch64.add_lo12", lo12("add x0, x1, @"), lo12("add w2, w3, @"))
    add("aarch64.ldst8_lo12", lo12("ldrb w0, [x1, @]"), lo12("strb w2, [x3, @]"), lo12("ldrsb x0, [x1, @]"))
    add("aarch64.ldst16_lo12", lo12("ldrh w0, [x1, @]"), lo12("strh w2, [x3, @]"))
    add("aarch64.ldst32_lo12", lo12("ldr w0, [x1, @]"), lo12("str w2, [x3, @]"), lo12("ldr s0, [x1, @]"))
    add("aarch64.ldst64_lo12", lo12("ldr x0, [x1, @]"), lo12("str x2, [x3, @]"), lo12("ldr d0, [x1, @]"))
    add("aarch64.ldst128_lo12", lo12("ldr q0, [x1, @]"), lo12("str q1, [x3, @]"))
    add("aarch64.prel32",
        lambda k: Form(k, A64, lambda v: f"a: .word t - a\n.set t, a + ({v})", length=4, check=(False, False)))
    add("aarch64.abs32",
        lambda k: Form(k, A64, lambda v: f".set s, {v}\n.word s", mode="abs", length=4, check=(False, True)))
    add("aarch64.abs64",
        lambda k: Form(k, A64, lambda v: f".set s, {v}\n.xword s", mode="abs", length=8, check=(False, False)))

    # ---- RISC-V (unit = the instruction, pc = the instruction or its auipc)
    rv = dict(length=4)
    add("riscv.b12",
        rel("beq a0, a1,", 0, RV64, **rv), rel("bne t0, s1,", 0, RV64, **rv),
        rel("bltu x0, t6,", 0, RV64, **rv), rel("bge a5, a4,", 0, RV64, **rv))
    add("riscv.j20", rel("jal x0,", 0, RV64, **rv), rel("jal ra,", 0, RV64, **rv))
    add("riscv.cb8",
        lambda k: Form(k, RV64C, lambda v: f"c.beqz a0, {v}", length=2, insn_align=2),
        lambda k: Form(k, RV64C, lambda v: f"c.bnez s1, {v}", length=2, insn_align=2))
    add("riscv.cj11",
        lambda k: Form(k, RV64C, lambda v: f"c.j {v}", length=2, insn_align=2),
        lambda k: Form(k, RV32C, lambda v: f"c.jal {v}", length=2, insn_align=2))

    def pair(rd, second, lo_kind):
        return lambda k: Form(
            k, RV64,
            lambda d: f"a: auipc {rd}, %pcrel_hi(t)\n{second.replace('@', '%pcrel_lo(a)')}\n.set t, a + ({d})",
            mode="pair", length=8, kind2=lo_kind, check=(False, False), check_align=False)

    add("riscv.pcrel_hi20",
        pair("a0", "addi a0, a0, @", "riscv.pcrel_lo12_i"),
        pair("t0", "jalr x0, @(t0)", "riscv.pcrel_lo12_i"),
        pair("t0", "ld a1, @(t0)", "riscv.pcrel_lo12_i"),
        pair("a5", "lw a4, @(a5)", "riscv.pcrel_lo12_i"),
        pair("t0", "sd a1, @(t0)", "riscv.pcrel_lo12_s"),
        pair("t1", "sw a2, @(t1)", "riscv.pcrel_lo12_s"))
    add("riscv.abs32",
        lambda k: Form(k, RV64, lambda v: f".set s, {v}\n.word s", mode="abs", length=4, check=(False, True)))
    add("riscv.abs64",
        lambda k: Form(k, RV64, lambda v: f".set s, {v}\n.dword s", mode="abs", length=8, check=(False, False)))
    return f


# --------------------------------------------------------------------------
# case generation


def sign32(x):
    x &= 0xFFFF_FFFF
    return x - (1 << 32) if x & 0x8000_0000 else x


def aligned_random(rng, lo, hi, align):
    """A random multiple of `align` in [lo, hi] (both multiples of align)."""
    return rng.randrange(lo // align, hi // align + 1) * align


def ends_and_randoms(rng, lo, hi, align):
    vals = [lo, hi, 0]
    vals += [aligned_random(rng, lo, hi, align) for _ in range(RANDOM_PER_FORM)]
    out = []
    for v in vals:
        if v not in out:
            out.append(v)
    return out


def insn_address(rng, value, align, pc_delta, space_bits):
    """A random address for a unit whose pc + value stays in the address space."""
    top = (1 << space_bits) - 1
    lo = max(0x10000, 0x10000 - value)
    hi = min(top - 0x10000 - value - pc_delta, top - 0x10000)
    hi = min(hi, lo + (1 << 46))
    return aligned_random(rng, (lo + align - 1) // align * align, hi // align * align, align)


class Generator:
    def __init__(self, oracle, kinds, modules):
        self.oracle = oracle
        self.kinds = kinds
        self.modules = modules
        self.rng = random.Random(SEED)
        self.lines = []
        self.count = {}
        self.oracle_checked_ends = []

    def bytes_for(self, form, v):
        out, err = self.oracle.assemble(form.triple, form.attrs, form.text(v))
        if out is None:
            raise RuntimeError(f"llvm-mc rejects {form.kind} value {v} in:\n{form.text(v)}\n{err}")
        if form.length is not None and len(out) != form.length:
            raise RuntimeError(f"{form.kind}: expected {form.length} bytes, got {out.hex()} for:\n{form.text(v)}")
        return out

    def rejects(self, form, v):
        out, _ = self.oracle.assemble(form.triple, form.attrs, form.text(v))
        return out is None or (form.length is not None and len(out) != form.length)

    def emit(self, kind, template, pc, target, expected):
        k = self.kinds[kind]
        if len(template) < k.unit or len(template) != len(expected):
            raise RuntimeError(f"{kind}: bad unit bytes {template.hex()} / {expected.hex()}")
        if not (0 <= pc <= M64 and 0 <= target <= M64):
            raise RuntimeError(f"{kind}: address out of range pc={pc:#x} target={target:#x}")
        self.lines.append(f"{kind} {template.hex()} {pc:#x} {target:#x} {expected.hex()}")
        self.count[kind] = self.count.get(kind, 0) + 1

    def check_rejections(self, form, lo, hi, align):
        k = self.kinds[form.kind]
        if form.check[0] and not self.rejects(form, lo - align):
            raise RuntimeError(f"{form.describe()}: llvm-mc accepts {lo - align}, one below the kind's minimum")
        # A scaled `:lo12:` field holds 12 bits of the scaled offset in llvm-mc,
        # more than a 12-bit page offset can give: its high end is not checkable.
        check_high = form.check[1] and not (form.mode == "lo" and k.scale > 0)
        if check_high and not self.rejects(form, hi + align):
            raise RuntimeError(f"{form.describe()}: llvm-mc accepts {hi + align}, one above the kind's maximum")
        if form.check_align and k.scale > 0 and not self.rejects(form, align // 2 + align):
            raise RuntimeError(f"{form.describe()}: llvm-mc accepts misaligned {align // 2 + align}")
        self.oracle_checked_ends.append((form.kind, (form.check[0], check_high), form.check_align and k.scale > 0))

    def run_form(self, form):
        k = self.kinds[form.kind]
        rng = self.rng
        self.lines.append(f"# {form.kind}: {form.describe()}")
        template = self.bytes_for(form, 0)
        insn_align = form.insn_align or (1 if form.triple in ("x86_64", "i386") else 4)
        if form.mode in ("rel", "wrap"):
            if form.mode == "wrap":
                lo, hi = -(1 << 31), (1 << 31) - 1
            else:
                lo, hi = k.raw_range()
            for v in ends_and_randoms(rng, lo, hi, k.align):
                space = 32 if form.triple in ("i386", "riscv32") else 64
                a = insn_address(rng, v, insn_align, form.pc_delta, space)
                pc = a + form.pc_delta
                self.emit(form.kind, template, pc, pc + v, self.bytes_for(form, v))
            if form.mode == "wrap":
                # pc and target further apart than a signed 32-bit displacement reaches
                pairs = [(0xFFFF_FFF0, 0x10), (0x10, 0xFFFF_FFF0), (0x8000_0005, 0x0), (0x5, 0x8000_0005)]
                pairs += [(rng.randrange(5, 1 << 32), rng.randrange(0, 1 << 32)) for _ in range(RANDOM_PER_FORM)]
                for pc, target in pairs:
                    self.emit(form.kind, template, pc, target, self.bytes_for(form, sign32(target - pc)))
            else:
                self.check_rejections(form, lo, hi, k.align)
        elif form.mode == "abs":
            lo, hi = k.raw_range()
            for v in ends_and_randoms(rng, lo, hi, k.align):
                a = rng.randrange(0x10000, 1 << 47) // insn_align * insn_align
                self.emit(form.kind, template, a, v & M64, self.bytes_for(form, v))
            self.check_rejections(form, lo, hi, k.align)
        elif form.mode == "page":
            lo, hi = k.raw_range()
            for v in ends_and_randoms(rng, lo, hi, 1):
                pc = rng.randrange(1 << 33, 1 << 46) // 4 * 4
                target = (((pc >> 12) + v) << 12) | rng.randrange(0, 4096)
                self.emit(form.kind, template, pc, target, self.bytes_for(form, v))
            self.check_rejections(form, lo, hi, 1)
        elif form.mode == "lo":
            lo, hi = k.raw_range()
            for v in ends_and_randoms(rng, lo, hi, k.align):
                target = (rng.randrange(0, 1 << 40) << 12) | v
                pc = rng.randrange(0x10000, 1 << 47) // 4 * 4
                self.emit(form.kind, template, pc, target, self.bytes_for(form, v))
            self.check_rejections(form, lo, hi, k.align)
        elif form.mode == "pair":
            hk, lk = k, self.kinds[form.kind2]
            low = 1 << (hk.vparam - 1)  # half the low part's span: 2048
            hmin, hmax = hk.raw_range()
            dmin, dmax = (hmin << hk.vparam) - low, (hmax << hk.vparam) + low - 1
            ds = [dmin, dmax, 0, low - 1, low, -low, -low - 1]
            ds += [rng.randrange(dmin, dmax + 1) for _ in range(RANDOM_PER_FORM)]
            for d in ds:
                pc = rng.randrange(1 << 33, 1 << 46) // 4 * 4
                out = self.bytes_for(form, d)
                self.emit(hk.name, template[0:4], pc, pc + d, out[0:4])
                self.emit(lk.name, template[4:8], pc, pc + d, out[4:8])
        else:
            raise ValueError(form.mode)

    def run(self):
        forms = FORMS()
        covered = {f.kind for f in forms} | {f.kind2 for f in forms if f.kind2}
        for f in forms:
            if f.kind not in self.kinds or (f.kind2 and f.kind2 not in self.kinds):
                raise RuntimeError(f"form for unknown kind {f.kind}")
        for mod, names in self.modules.items():
            for n in names:
                if n not in covered:
                    print(f"warning: {mod} kind {n} has no llvm-mc form", file=sys.stderr)
        for f in forms:
            self.run_form(f)


def render(gen, version):
    head = [
        "# Golden fixup vectors: generated by scripts/golden/gen_fixup_vectors.py; do not edit.",
        f"# Oracle: llvm-mc, {version}.",
        "# One case per line: kind_name template_hex pc target expected_hex",
        "#   template_hex: llvm-mc's bytes for the same form with field value 0;",
        "#   the fixup unit is its last <unit> bytes (x86: the field that ends the",
        "#   instruction; elsewhere the whole instruction or data word);",
        "#   pc, target: the arguments of FixupKind::apply; expected_hex: llvm-mc's bytes.",
        "# Lines starting with '# <kind>:' name the assembly form of the cases below (V = value).",
    ]
    per_arch = {}
    for k, n in gen.count.items():
        per_arch.setdefault(k.split(".")[0], []).append(f"{k}={n}")
    head += [f"# Cases ({arch}): " + ", ".join(items) for arch, items in per_arch.items()]
    checked = {}
    for kind, (low, high), align in gen.oracle_checked_ends:
        c = checked.setdefault(kind, set())
        c.update(x for x, on in (("min", low), ("max", high), ("align", align)) if on)
    head.append("# llvm-mc rejects one step past (min/max) and misaligned (align) values of: "
                + ", ".join(f"{k} ({'/'.join(sorted(v))})" for k, v in checked.items() if v))
    head.append("")
    return "\n".join(head + gen.lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--llvm-mc", default=os.environ.get("LLVM_MC", "llvm-mc"))
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = ap.parse_args()

    kinds, modules = parse_kinds(FIXUP_RS)
    oracle = Oracle(args.llvm_mc)
    gen = Generator(oracle, kinds, modules)
    gen.run()
    text = render(gen, oracle.version())
    per_arch = {}
    for name, n in gen.count.items():
        arch = name.split(".")[0]
        per_arch[arch] = per_arch.get(arch, 0) + n
    summary = ", ".join(f"{a}: {n}" for a, n in per_arch.items())
    if args.check:
        old = open(args.out, encoding="utf-8").read() if os.path.exists(args.out) else ""
        if old != text:
            print(f"{args.out} is stale; rerun {os.path.relpath(__file__, ROOT)}", file=sys.stderr)
            sys.exit(1)
        print(f"up to date ({summary}; {oracle.calls} llvm-mc runs)")
        return
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {os.path.relpath(args.out, ROOT)}: {summary} cases ({oracle.calls} llvm-mc runs)")


if __name__ == "__main__":
    main()
