#!/usr/bin/env python3
"""Golden vectors for jitasm's AArch64 encoder, with llvm-mc as the oracle.

Writes crates/jitasm-a64/tests/data/golden_a64.txt, which
crates/jitasm-a64/tests/golden.rs replays through the encoder. Python 3
standard library only; needs llvm-mc (LLVM 19 preferred: `llvm-mc-19` or
/usr/lib/llvm-19/bin/llvm-mc, else `llvm-mc`).

    python3 scripts/golden/gen_a64_vectors.py           # (re)write the file
    python3 scripts/golden/gen_a64_vectors.py --check   # compare, exit 1 if stale

The input is produced here, from systematic operand choices per instruction
group (registers at the ends of their ranges and in the middle, immediates at
each end of their field, one past each end, misaligned, and a few values from
a fixed-seed generator), not taken from any assembler's test files. Every
line is assembled by llvm-mc; a line llvm-mc rejects is kept with `error` as
its expected result, so the encoder must reject it too. Each output line is

    <word as 8 hex digits, or "error">  TAB  <instruction text>

and the text is llvm-mc's input, not its printout (aliases stay as written).
"""

import os
import random
import re
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "crates", "jitasm-a64", "tests", "data", "golden_a64.txt")
MATTR = ",".join(
    "+" + f
    for f in [
        "v8.5a", "lse", "crc", "aes", "sha2", "sha3", "sm4", "fullfp16", "fp16fml",
        "rcpc", "rcpc-immo", "dotprod", "bf16", "i8mm", "mte", "complxnum", "rdm",
        "jsconv", "fptoint", "flagm", "altnzcv", "sb", "predres", "ssbs", "bti",
        "pauth", "lor",
    ]
)

rng = random.Random(0xA64)


def llvm_mc():
    for c in ["llvm-mc-19", "/usr/lib/llvm-19/bin/llvm-mc", "llvm-mc"]:
        path = shutil.which(c) or (c if os.path.exists(c) else None)
        if path:
            return path
    sys.exit("llvm-mc not found (install llvm-19)")


# ---------------------------------------------------------------- operands

X = ["x0", "x1", "x17", "x30", "xzr"]
W = ["w0", "w3", "w16", "w30", "wzr"]
XSP = ["x2", "x29", "sp"]
WSP = ["w2", "w28", "wsp"]
CONDS = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv", "cs", "cc"]
ARR = ["8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"]
FP = {"h": ["h0", "h7", "h31"], "s": ["s0", "s9", "s31"], "d": ["d0", "d17", "d31"], "b": ["b1", "b30"], "q": ["q2", "q31"]}


def pick(xs, k=2):
    """The first element and `k - 1` others, deterministically."""
    if len(xs) <= k:
        return list(xs)
    return [xs[0]] + rng.sample(xs[1:], k - 1)


def bitmask_values(width):
    """Valid logical immediates of `width` bits (sampled) plus invalid ones."""
    vals = set()
    for size in [2, 4, 8, 16, 32, 64]:
        if size > width:
            continue
        for ones in range(1, size):
            for rot in range(size):
                if rng.random() > 0.04:
                    continue
                elem = (1 << ones) - 1
                elem = ((elem >> rot) | (elem << (size - rot))) & ((1 << size) - 1)
                v = 0
                for i in range(0, width, size):
                    v |= elem << i
                vals.add(v)
    fixed = [1, 0xff, 0xffff0000 & ((1 << width) - 1), 0x0F0F0F0F, 0x5555555555555555 & ((1 << width) - 1),
             0xaaaaaaaa, 0, (1 << width) - 1, 0x1234, 0x100000001 & ((1 << width) - 1), 0x7ffffffe]
    return sorted(vals)[:40] + fixed


def gen():
    L = []
    add = L.append

    # ---- add/sub immediate
    for op in ["add", "adds", "sub", "subs"]:
        for rd, rn in [("x0", "x1"), ("sp", "x2"), ("x3", "sp"), ("w4", "w5"), ("wsp", "w6"), ("w7", "wsp"), ("x30", "xzr"), ("xzr", "x1")]:
            for imm in [0, 1, 4095, 4096, 4097, 0xfff000, 0x1000000, 8192, -1, -4095, -4096, 4096 * 4095 + 1]:
                add(f"{op} {rd}, {rn}, #{imm}")
            for imm, sh in [(1, 12), (4095, 12), (4095, 0), (4096, 12), (1, 1), (1, 24)]:
                add(f"{op} {rd}, {rn}, #{imm}, lsl #{sh}")
    for op in ["cmp", "cmn"]:
        for rn in ["x0", "sp", "w1", "wsp", "xzr"]:
            for imm in [0, 4095, 4096, -1, -4096, 4097]:
                add(f"{op} {rn}, #{imm}")

    # ---- add/sub shifted and extended register
    for op in ["add", "adds", "sub", "subs"]:
        for rd, rn, rm in [("x0", "x1", "x2"), ("w3", "w4", "w5"), ("x30", "xzr", "x29"), ("xzr", "x7", "xzr")]:
            add(f"{op} {rd}, {rn}, {rm}")
            w = 32 if rd.startswith("w") else 64
            for sh in ["lsl", "lsr", "asr", "ror"]:
                for amt in [0, 1, w - 1, w]:
                    add(f"{op} {rd}, {rn}, {rm}, {sh} #{amt}")
        for rd, rn in [("x0", "sp"), ("sp", "x1"), ("x2", "x3"), ("sp", "sp")]:
            for rm, exts in [("w4", ["uxtb", "uxth", "uxtw", "sxtb", "sxth", "sxtw", "uxtx", "lsl"]), ("x5", ["uxtx", "sxtx", "lsl", "uxtw"])]:
                add(f"{op} {rd}, {rn}, {rm}")
                for e in exts:
                    for amt in [None, 0, 3, 4, 5]:
                        add(f"{op} {rd}, {rn}, {rm}, {e}" + ("" if amt is None else f" #{amt}"))
        for rd, rn in [("w0", "wsp"), ("wsp", "w1")]:
            for e in ["uxtb", "sxth", "uxtw", "lsl", "uxtx"]:
                add(f"{op} {rd}, {rn}, w2, {e} #2")
            add(f"{op} {rd}, {rn}, w2")
    for op in ["cmp", "cmn"]:
        add(f"{op} x0, x1, lsl #3")
        add(f"{op} sp, w1, uxtw #2")
        add(f"{op} w0, w1, asr #31")
    for op in ["neg", "negs"]:
        for rd, rm in [("x0", "x1"), ("w2", "w3"), ("x4", "xzr")]:
            add(f"{op} {rd}, {rm}")
            add(f"{op} {rd}, {rm}, lsl #4")
            add(f"{op} {rd}, {rm}, asr #1")
    for op in ["adc", "adcs", "sbc", "sbcs", "ngc", "ngcs"]:
        add(f"{op} x0, x1" + (", x2" if not op.startswith("ngc") else ""))
        add(f"{op} w3, w4" + (", wzr" if not op.startswith("ngc") else ""))

    # ---- logical
    for op in ["and", "orr", "eor", "ands"]:
        for rd, rn, wd in [("x0", "x1", 64), ("w2", "w3", 32), ("sp", "x4", 64), ("wsp", "w5", 32), ("x6", "xzr", 64)]:
            for v in bitmask_values(wd)[::3]:
                add(f"{op} {rd}, {rn}, #{v:#x}")
            add(f"{op} {rd}, {rn}, #-2")
    for v in bitmask_values(64)[::4] + [1, 0xff00]:
        add(f"tst x7, #{v:#x}")
    for v in bitmask_values(32)[::4]:
        add(f"tst w7, #{v:#x}")
    for op in ["and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"]:
        for rd, rn, rm in [("x0", "x1", "x2"), ("w3", "w4", "w5"), ("xzr", "x30", "xzr")]:
            w = 32 if rd.startswith("w") else 64
            add(f"{op} {rd}, {rn}, {rm}")
            for sh in ["lsl", "lsr", "asr", "ror", "msl"]:
                for amt in [0, 7, w - 1, w]:
                    add(f"{op} {rd}, {rn}, {rm}, {sh} #{amt}")
    for rd, rm in [("x0", "x1"), ("w2", "w3")]:
        add(f"mvn {rd}, {rm}")
        add(f"mvn {rd}, {rm}, ror #3")
        add(f"tst {rd}, {rm}, lsl #2")

    # ---- mov and move wide
    for rd, rn in [("x0", "x1"), ("x0", "sp"), ("sp", "x1"), ("w0", "wsp"), ("wsp", "w3"), ("w4", "wzr"), ("x5", "xzr"), ("sp", "sp"), ("x0", "w1")]:
        add(f"mov {rd}, {rn}")
    imms64 = [0, 1, 0xffff, 0x10000, 0xffff0000, 0xffff00000000, 0xffff000000000000, -1, -2, -0x10000, -0x10001,
              0xfffffffffffeffff, 0x5555555555555555, 0x00ff00ff00ff00ff, 0x1234567, 0xfffffffffff0ffff, 0x100000000, 0x7fffffffffffffff]
    imms32 = [0, 1, 0xffff, 0x10000, 0xffff0000, 0xffffffff, -1, -2, 0xfffeffff, 0x55555555, 0x1234567, 0x100000000, -0x80000000, 0x7fffffff, -0x80000001]
    for rd in ["x0", "x9", "sp"]:
        for v in imms64:
            add(f"mov {rd}, #{v:#x}" if v >= 0 else f"mov {rd}, #{v}")
    for rd in ["w0", "w9", "wsp"]:
        for v in imms32:
            add(f"mov {rd}, #{v:#x}" if v >= 0 else f"mov {rd}, #{v}")
    for op in ["movz", "movn", "movk"]:
        for rd, shifts in [("x0", [0, 16, 32, 48, 8, 64]), ("w1", [0, 16, 32]), ("xzr", [48])]:
            for v in [0, 1, 0xffff, 0x10000, -1]:
                add(f"{op} {rd}, #{v}")
                for s in shifts:
                    add(f"{op} {rd}, #{v}, lsl #{s}")

    # ---- bitfield and shifts
    for op in ["sbfm", "ubfm", "bfm"]:
        for rd, rn, w in [("x0", "x1", 64), ("w2", "w3", 32)]:
            for r in [0, 1, w - 1, w]:
                for s in [0, 7, w - 1, w]:
                    add(f"{op} {rd}, {rn}, #{r}, #{s}")
    for op in ["lsl", "lsr", "asr", "ror"]:
        for rd, rn, w in [("x0", "x1", 64), ("w2", "w3", 32), ("xzr", "x30", 64)]:
            for s in [0, 1, 13, w - 1, w, -1]:
                add(f"{op} {rd}, {rn}, #{s}")
            add(f"{op} {rd}, {rn}, {rd}")
    for op in ["lslv", "lsrv", "asrv", "rorv"]:
        add(f"{op} x0, x1, x2")
        add(f"{op} w3, w4, w5")
    for op in ["ubfx", "sbfx", "bfxil", "ubfiz", "sbfiz", "bfi"]:
        for rd, rn, w in [("x0", "x1", 64), ("w2", "w3", 32)]:
            for lsb, wd in [(0, 1), (0, w), (1, w - 1), (w - 1, 1), (4, 8), (w, 1), (1, w), (0, 0)]:
                add(f"{op} {rd}, {rn}, #{lsb}, #{wd}")
    for lsb, wd in [(0, 1), (3, 5), (63, 1), (0, 64), (1, 64)]:
        add(f"bfc x4, #{lsb}, #{wd}")
    add("bfc w4, #31, #1")
    for op, rds in [("sxtb", ["x0", "w0"]), ("sxth", ["x1", "w1"]), ("sxtw", ["x2", "w2"]), ("uxtb", ["w3", "x3"]), ("uxth", ["w4", "x4"])]:
        for rd in rds:
            add(f"{op} {rd}, w5")
    for rd, rn, rm, w in [("x0", "x1", "x2", 64), ("w3", "w4", "w5", 32)]:
        for s in [0, 1, w - 1, w]:
            add(f"extr {rd}, {rn}, {rm}, #{s}")

    # ---- conditional select and compare
    for c in CONDS:
        add(f"csel x0, x1, x2, {c}")
        add(f"csinc w3, w4, wzr, {c}")
        add(f"cset w5, {c}")
        add(f"csetm x6, {c}")
        add(f"cinc x7, x8, {c}")
        add(f"cneg w9, w10, {c}")
        add(f"b.{c} #8")
        add(f"ccmp x1, #31, #15, {c}")
    for op in ["csinv", "csneg"]:
        add(f"{op} x0, xzr, x30, gt")
        add(f"{op} w0, w1, w2, le")
    add("cinv w1, w2, mi")
    for op in ["ccmp", "ccmn"]:
        for rn, rm in [("x0", "x1"), ("w2", "wzr")]:
            for nzcv in [0, 15, 16]:
                add(f"{op} {rn}, {rm}, #{nzcv}, ne")
            for imm in [0, 31, 32, -1]:
                add(f"{op} {rn}, #{imm}, #4, hs")

    # ---- multiply, divide, misc data processing
    for op in ["madd", "msub"]:
        add(f"{op} x0, x1, x2, x3")
        add(f"{op} w4, w5, w6, wzr")
        add(f"{op} x0, x1, w2, x3")
    for op in ["mul", "mneg"]:
        add(f"{op} x0, x1, x2")
        add(f"{op} w3, w4, w5")
    for op in ["smaddl", "umaddl", "smsubl", "umsubl"]:
        add(f"{op} x0, w1, w2, x3")
        add(f"{op} x0, x1, x2, x3")
    for op in ["smull", "umull", "smnegl", "umnegl"]:
        add(f"{op} x0, w1, w2")
    for op in ["smulh", "umulh"]:
        add(f"{op} x0, x1, x2")
        add(f"{op} w0, w1, w2")
    for op in ["sdiv", "udiv"]:
        add(f"{op} x0, x1, x2")
        add(f"{op} w3, w4, w5")
    for op in ["cls", "clz", "rbit", "rev", "rev16"]:
        add(f"{op} x0, x1")
        add(f"{op} w2, w3")
    add("rev32 x4, x5")
    add("rev32 w4, w5")
    for op in ["crc32b", "crc32h", "crc32w", "crc32cb", "crc32ch", "crc32cw"]:
        add(f"{op} w0, w1, w2")
    for op in ["crc32x", "crc32cx"]:
        add(f"{op} w0, w1, x2")
        add(f"{op} w0, w1, w2")

    # ---- loads and stores
    gp = [("ldr", "x", 8), ("ldr", "w", 4), ("str", "x", 8), ("str", "w", 4), ("ldrb", "w", 1), ("strb", "w", 1),
          ("ldrh", "w", 2), ("strh", "w", 2), ("ldrsb", "x", 1), ("ldrsb", "w", 1), ("ldrsh", "x", 2),
          ("ldrsh", "w", 2), ("ldrsw", "x", 4)]
    fp = [("ldr", "b", 1), ("ldr", "h", 2), ("ldr", "s", 4), ("ldr", "d", 8), ("ldr", "q", 16),
          ("str", "b", 1), ("str", "h", 2), ("str", "s", 4), ("str", "d", 8), ("str", "q", 16)]
    for op, r, size in gp + fp:
        rt = f"{r}{rng.randrange(31)}"
        for base in ["x1", "sp"]:
            add(f"{op} {rt}, [{base}]")
            for off in [0, size, 4095 * size, 4096 * size, -size, 1, 255, 256, -256, -257, size * 3]:
                add(f"{op} {rt}, [{base}, #{off}]")
            for off in [0, 255, -256, 256, -257, size]:
                add(f"{op} {rt}, [{base}, #{off}]!")
                add(f"{op} {rt}, [{base}], #{off}")
        shift = {1: 0, 2: 1, 4: 2, 8: 3, 16: 4}[size]
        for idx, ext in [("x2", None), ("x2", f"lsl #{shift}"), ("x2", "lsl #0"), ("x2", "lsl #1"), ("w3", "uxtw"),
                         ("w3", f"sxtw #{shift}"), ("x4", "sxtx"), ("x4", f"sxtx #{shift}"), ("w5", None), ("x6", "uxtw"),
                         ("xzr", None), ("sp", None), ("w3", "uxtw #0")]:
            add(f"{op} {rt}, [x7, {idx}" + (f", {ext}" if ext else "") + "]")
    for op, r in [("ldur", "x"), ("stur", "w"), ("ldurb", "w"), ("sturh", "w"), ("ldursw", "x"), ("ldursb", "w"),
                  ("ldur", "q"), ("stur", "d"), ("ldtr", "x"), ("sttrb", "w"), ("ldtrsh", "x")]:
        for off in [0, 255, -256, 256, 8]:
            add(f"{op} {r}5, [x6, #{off}]")
    for op in ["ldr", "ldrsw"]:
        for off in [0, 4, -4, 1048572, -1048576, 1048576, 2]:
            add(f"{op} x0, #{off}")
    for r in ["w1", "s2", "d3", "q4"]:
        add(f"ldr {r}, #-8")
    for op in ["prfm", "prfum"]:
        for p in ["pldl1keep", "pstl3strm", "plil2keep", "#6", "#31", "#32"]:
            add(f"{op} {p}, [x1, #8]")
    add("prfm pldl2strm, [x1, x2, lsl #3]")
    add("prfm pldl1keep, #64")
    pairs = [("ldp", "x", 8), ("stp", "x", 8), ("ldp", "w", 4), ("stp", "w", 4), ("ldpsw", "x", 4),
             ("ldnp", "x", 8), ("stnp", "w", 4), ("ldp", "s", 4), ("stp", "d", 8), ("ldp", "q", 16), ("stnp", "q", 16)]
    for op, r, size in pairs:
        for off in [0, size, 63 * size, 64 * size, -64 * size, -65 * size, 1]:
            add(f"{op} {r}1, {r}2, [sp, #{off}]")
            if "np" not in op:
                add(f"{op} {r}1, {r}2, [x3, #{off}]!")
                add(f"{op} {r}1, {r}2, [x3], #{off}")
        add(f"{op} {r}29, {r}30, [x4]")
    for op in ["ldxr", "ldaxr", "ldar", "stlr", "ldapr", "ldlar", "stllr"]:
        add(f"{op} x0, [x1]")
        add(f"{op} w2, [sp]")
        add(f"{op} w2, [x3, #0]")
    for op in ["ldxrb", "ldxrh", "ldaxrb", "ldarb", "stlrh", "ldaprb", "ldaprh"]:
        add(f"{op} w0, [x1]")
    for op in ["stxr", "stlxr"]:
        add(f"{op} w0, x1, [x2]")
        add(f"{op} w3, w4, [sp]")
    for op in ["stxrb", "stlxrh"]:
        add(f"{op} w0, w1, [x2]")
    for op in ["ldxp", "ldaxp"]:
        add(f"{op} x0, x1, [x2]")
        add(f"{op} w0, w1, [x2]")
    for op in ["stxp", "stlxp"]:
        add(f"{op} w0, x1, x2, [x3]")
        add(f"{op} w0, w1, w2, [x3]")
    for op in ["ldapur", "stlur", "ldapursb", "ldapursw"]:
        add(f"{op} x0, [x1, #-256]")
        add(f"{op} w0, [x1, #255]")

    # ---- LSE
    for base in ["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp"]:
        for order in ["", "a", "l", "al"]:
            for sz in ["", "b", "h"]:
                op = base + order + sz
                if sz:
                    add(f"{op} w0, w1, [x2]")
                else:
                    add(f"{op} x0, x1, [sp]")
                    add(f"{op} w3, wzr, [x4]")
        if base != "swp":
            st = "st" + base[2:]
            for order in ["", "l"]:
                for sz in ["", "b", "h"]:
                    add(f"{st}{order}{sz} w5, [x6]")
            add(f"{st} x7, [sp]")
    for order in ["", "a", "l", "al"]:
        for sz in ["", "b", "h"]:
            add(f"cas{order}{sz} w0, w1, [x2]")
        add(f"cas{order} x0, x1, [x2]")
        add(f"casp{order} x0, x1, x2, x3, [x4]")
        add(f"casp{order} w4, w5, w6, w7, [sp]")
        add(f"casp{order} x1, x2, x4, x5, [x6]")
        add(f"casp{order} x0, x2, x4, x5, [x6]")

    # ---- branches
    for off in [0, 4, -4, 134217724, -134217728, 134217728, 2, 1024]:
        add(f"b #{off}")
        add(f"bl #{off}")
    for off in [0, 8, -8, 1048572, -1048576, 1048576, 6]:
        add(f"b.ne #{off}")
        add(f"cbz x0, #{off}")
        add(f"cbnz w1, #{off}")
    for off in [0, 4, 32764, -32768, 32768, 2]:
        for rt, bit in [("x0", 0), ("x1", 63), ("w2", 31), ("w3", 32), ("x4", 64)]:
            add(f"tbz {rt}, #{bit}, #{off}")
        add(f"tbnz x5, #40, #{off}")
    for off in [0, 1, -1, 1048575, -1048576, 1048576]:
        add(f"adr x0, #{off}")
    for off in [0, 4096, -4096, 4294963200, -4294967296, 4294967296, 100]:
        add(f"adrp x1, #{off}")
    for op in ["br", "blr", "ret"]:
        add(f"{op} x1")
        add(f"{op} x30")
    add("ret")
    for op in ["braa", "brab", "blraa", "blrab"]:
        add(f"{op} x1, x2")
        add(f"{op} x1, sp")
    for op in ["braaz", "brabz", "blraaz", "blrabz"]:
        add(f"{op} x3")
    for op in ["retaa", "retab", "eretaa", "eretab", "eret", "drps"]:
        add(op)

    # ---- system
    for op in ["nop", "yield", "wfe", "wfi", "sev", "sevl", "esb", "csdb", "xpaclri", "pacia1716", "pacib1716",
               "autia1716", "autib1716", "paciaz", "paciasp", "pacibz", "pacibsp", "autiaz", "autiasp", "autibz",
               "autibsp", "bti", "bti c", "bti j", "bti jc", "sb", "ssbb", "pssbb", "clrex", "isb", "dgh"]:
        add(op)
    for n in [0, 1, 127, 128]:
        add(f"hint #{n}")
    for op in ["dmb", "dsb"]:
        for o in ["sy", "ish", "ishld", "ishst", "osh", "oshld", "nsh", "ld", "st", "#0", "#15", "#16"]:
            add(f"{op} {o}")
    for o in ["sy", "#0", "#15", "#16"]:
        add(f"isb {o}")
    for o in ["#0", "#15", "#16"]:
        add(f"clrex {o}")
    for op in ["svc", "hvc", "smc", "brk", "hlt", "udf"]:
        for n in [0, 1, 0xffff, 0x10000]:
            add(f"{op} #{n:#x}")
    for op in ["dcps1", "dcps2", "dcps3"]:
        add(op)
        add(f"{op} #7")
    for r in ["nzcv", "fpcr", "fpsr", "tpidr_el0", "tpidrro_el0", "cntvct_el0", "cntfrq_el0", "ctr_el0",
              "dczid_el0", "currentel", "midr_el1", "s3_3_c13_c0_2", "s2_0_c0_c0_0", "s3_7_c15_c15_7", "daif"]:
        add(f"mrs x3, {r}")
        add(f"msr {r}, x4")
    for f, vals in [("spsel", [0, 1, 2]), ("daifset", [0, 15, 16]), ("daifclr", [3]), ("pan", [1]), ("uao", [0]),
                    ("dit", [1]), ("ssbs", [0]), ("tco", [1])]:
        for v in vals:
            add(f"msr {f}, #{v}")
    # ---- sys and its named operations: cache maintenance (dc, ic), address
    # translation (at), TLB invalidation (tlbi). Every name with and without
    # a register (llvm-mc says which each takes), names of other
    # instructions and of later extensions, registers of the wrong kind.
    for ops in ["#0, c7, c5, #0, x0", "#0, c7, c5, #0", "#3, c7, c14, #1, x1", "#7, c15, c15, #7, xzr",
                "#0, c0, c0, #0", "#8, c7, c5, #0, x0", "#0, c7, c5, #8", "#0, c16, c5, #0, x0",
                "#0, c7, c5, #0, w0", "#0, c7, c5, #0, sp", "#0, c7, c5"]:
        add(f"sys {ops}")
    for ops in ["x0, #0, c7, c5, #0", "xzr, #7, c15, c15, #7", "x0, #0, c7, c5", "w0, #0, c7, c5, #0"]:
        add(f"sysl {ops}")
    sys_ops = {
        "dc": ["zva", "ivac", "isw", "cvac", "csw", "cvau", "civac", "cisw", "cvap", "cvadp",
               "igvac", "igsw", "cgsw", "cigsw", "cgvac", "cgvap", "cgvadp", "cigvac", "gva",
               "igdvac", "igdsw", "cgdsw", "cigdsw", "cgdvac", "cgdvap", "cgdvadp", "cigdvac", "gzva"],
        "ic": ["ialluis", "iallu", "ivau"],
        "at": ["s1e1r", "s1e2r", "s1e3r", "s1e1w", "s1e2w", "s1e3w", "s1e0r", "s1e0w", "s12e1r",
               "s12e1w", "s12e0r", "s12e0w", "s1e1rp", "s1e1wp", "s1e1a", "s1e2a", "s1e3a"],
        "tlbi": ["ipas2e1is", "ipas2le1is", "vmalle1is", "alle2is", "alle3is", "vae1is", "vae2is",
                 "vae3is", "aside1is", "vaae1is", "alle1is", "vale1is", "vale2is", "vale3is",
                 "vmalls12e1is", "vaale1is", "ipas2e1", "ipas2le1", "vmalle1", "alle2", "alle3",
                 "vae1", "vae2", "vae3", "aside1", "vaae1", "alle1", "vale1", "vale2", "vale3",
                 "vmalls12e1", "vaale1",
                 "vmalle1os", "vae1os", "aside1os", "vaae1os", "vale1os", "vaale1os", "ipas2e1os",
                 "ipas2le1os", "vae2os", "vale2os", "vmalls12e1os", "vae3os", "vale3os", "alle2os",
                 "alle1os", "alle3os",
                 "rvae1", "rvaae1", "rvale1", "rvaale1", "rvae1is", "rvaae1is", "rvale1is",
                 "rvaale1is", "rvae1os", "rvaae1os", "rvale1os", "rvaale1os", "ripas2e1is",
                 "ripas2le1is", "ripas2e1", "ripas2le1", "ripas2e1os", "ripas2le1os", "rvae2",
                 "rvale2", "rvae2is", "rvale2is", "rvae2os", "rvale2os", "rvae3", "rvale3",
                 "rvae3is", "rvale3is", "rvae3os", "rvale3os"],
    }
    for m, names in sys_ops.items():
        for k, name in enumerate(names):
            add(f"{m} {name}, {X[k % len(X)]}")
            add(f"{m} {name}")
    for line in ["dc civac, w0", "dc zva, sp", "dc cvau, #0", "dc civac, x0, x1", "dc civac x0", "dc #1, x0",
                 "dc c7, x0", "dc", "dc foo, x0", "dc cipapa, x0", "dc zgbva, x0", "dc cvaoc, x0",
                 "dc ivau, x0", "DC CIVAC, X3", "Dc Cvau, x4",
                 "ic ivau, wzr", "ic iallu, x0, x1", "ic ivau, x0, x1", "ic civac, x0", "ic", "IC IALLU",
                 "at s1e1r, w2", "at s1e1r, sp", "at zva, x0", "at s1e1r, x0, x1", "AT S12E0W, X5",
                 "tlbi vae1, w0", "tlbi vae1, x0, x1", "tlbi vmalle1is, x0, x1", "tlbi vmalle1nxs",
                 "tlbi vae1nxs, x0", "tlbi rpaos, x0", "tlbi paall", "tlbi vmallws2e1", "tlbi s1e1r, x0",
                 "tlbi", "TLBI VAE1IS, X6", "Tlbi Alle1"]:
        add(line)
    for op in ["cfinv", "axflag", "xaflag"]:
        add(op)
    add("rmif x1, #63, #15")
    add("setf8 w2")
    add("setf16 w3")

    # ---- FP scalar
    for s, rs in FP.items():
        if s in "hsd":
            a, b = rs[0], rs[-1]
            for op in ["fadd", "fsub", "fmul", "fdiv", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul", "fabd"]:
                add(f"{op} {a}, {b}, {rs[1]}")
            for op in ["fabs", "fneg", "fsqrt", "frintn", "frintp", "frintm", "frintz", "frinta", "frintx", "frinti", "fmov"]:
                add(f"{op} {a}, {b}")
            for op in ["fmadd", "fmsub", "fnmadd", "fnmsub"]:
                add(f"{op} {a}, {b}, {rs[1]}, {a}")
            for op in ["fcmp", "fcmpe"]:
                add(f"{op} {a}, {b}")
                add(f"{op} {a}, #0.0")
                add(f"{op} {a}, #0")
            add(f"fccmp {a}, {b}, #3, ne")
            add(f"fccmpe {a}, {b}, #15, al")
            add(f"fcsel {a}, {b}, {rs[1]}, lt")
            for v in ["1.0", "-1.0", "0.5", "2.0", "31.0", "0.125", "1.9375", "-0.1875", "32.0", "0.1", "0.0", "3", "-2", "0.0625", "15.5"]:
                add(f"fmov {a}, #{v}")
            for g in ["w1", "x2"]:
                for op in ["fcvtzs", "fcvtzu", "fcvtas", "fcvtau", "fcvtms", "fcvtmu", "fcvtns", "fcvtnu", "fcvtps", "fcvtpu"]:
                    add(f"{op} {g}, {b}")
                for op in ["scvtf", "ucvtf"]:
                    add(f"{op} {a}, {g}")
                w = 32 if g[0] == "w" else 64
                for fb in [1, w, w + 1, 0]:
                    add(f"fcvtzs {g}, {b}, #{fb}")
                    add(f"ucvtf {a}, {g}, #{fb}")
                add(f"fmov {g}, {a}")
                add(f"fmov {a}, {g}")
    for a in ["h0", "s1", "d2"]:
        for b in ["h3", "s4", "d5"]:
            add(f"fcvt {a}, {b}")
    add("fmov x0, v1.d[1]")
    add("fmov v2.d[1], x3")
    add("fjcvtzs w0, d1")
    for op in ["frint32x", "frint32z", "frint64x", "frint64z"]:
        add(f"{op} s0, s1")
        add(f"{op} d0, d1")
    add("bfcvt h0, s1")
    for op in ["fcvtzs", "fcvtzu", "scvtf", "ucvtf"]:
        for t, es in [("2s", 32), ("4s", 32), ("2d", 64), ("4h", 16), ("8h", 16)]:
            for fb in [1, es, 0, es + 1]:
                add(f"{op} v1.{t}, v2.{t}, #{fb}")
        for r, es in [("s", 32), ("d", 64), ("h", 16)]:
            for fb in [1, es, es + 1]:
                add(f"{op} {r}3, {r}4, #{fb}")

    # ---- Advanced SIMD
    vops3 = ["add", "sub", "mul", "mla", "mls", "cmeq", "cmge", "cmgt", "cmhi", "cmhs", "cmtst", "sqadd", "uqadd",
             "sqsub", "uqsub", "shadd", "uhadd", "srhadd", "smax", "umin", "sabd", "uaba", "addp", "smaxp",
             "sshl", "ushl", "sqrshl", "pmul", "sqdmulh", "sqrdmulh", "and", "orr", "eor", "bic", "orn", "bsl",
             "bit", "bif", "zip1", "zip2", "uzp1", "uzp2", "trn1", "trn2", "fadd", "fsub", "fmul", "fdiv", "fmax",
             "fminnm", "fmla", "fcmeq", "fcmge", "facgt", "faddp", "fmulx", "frecps"]
    for op in vops3:
        for t in ARR + ["4h", "8h"] * 0:
            d, n, m = rng.randrange(32), rng.randrange(32), rng.randrange(32)
            add(f"{op} v{d}.{t}, v{n}.{t}, v{m}.{t}")
    for op in ["abs", "neg", "cls", "clz", "cnt", "not", "mvn", "rbit", "rev16", "rev32", "rev64", "sqabs", "fabs",
               "fneg", "fsqrt", "frintn", "frecpe", "urecpe", "scvtf", "ucvtf", "fcvtzs", "fcvtzu", "saddlp", "uadalp"]:
        for t in ARR:
            add(f"{op} v1.{t}, v2.{t}")
    for op in ["cmeq", "cmge", "cmgt", "cmle", "cmlt"]:
        for t in ["8b", "4s", "2d", "1d"]:
            add(f"{op} v3.{t}, v4.{t}, #0")
    for op in ["fcmeq", "fcmge", "fcmlt"]:
        for t in ["2s", "4s", "2d", "4h", "8h"]:
            add(f"{op} v3.{t}, v4.{t}, #0.0")
    for op, pairs in [("saddl", [("8h", "8b"), ("4s", "4h"), ("2d", "2s"), ("8h", "16b")]),
                      ("saddl2", [("8h", "16b"), ("4s", "8h"), ("2d", "4s"), ("8h", "8b")]),
                      ("umull", [("8h", "8b"), ("2d", "2s")]), ("smlal2", [("4s", "8h")]),
                      ("pmull", [("8h", "8b"), ("1q", "1d")]), ("pmull2", [("8h", "16b"), ("1q", "2d")]),
                      ("sqdmull", [("4s", "4h"), ("2d", "2s")]), ("uabdl", [("8h", "8b")])]:
        for d, s in pairs:
            add(f"{op} v0.{d}, v1.{s}, v2.{s}")
    for op, pairs in [("saddw", [("8h", "8b"), ("2d", "2s")]), ("usubw2", [("4s", "8h")])]:
        for d, s in pairs:
            add(f"{op} v0.{d}, v1.{d}, v2.{s}")
    for op, pairs in [("addhn", [("8b", "8h"), ("2s", "2d")]), ("raddhn2", [("16b", "8h"), ("4s", "2d")])]:
        for d, s in pairs:
            add(f"{op} v0.{d}, v1.{s}, v2.{s}")
    for op, pairs in [("xtn", [("8b", "8h"), ("4h", "4s"), ("2s", "2d")]), ("xtn2", [("16b", "8h")]),
                      ("sqxtn", [("8b", "8h")]), ("uqxtn2", [("4s", "2d")]), ("fcvtn", [("4h", "4s"), ("2s", "2d")]),
                      ("fcvtl", [("4s", "4h"), ("2d", "2s")]), ("fcvtl2", [("4s", "8h"), ("2d", "4s")]),
                      ("fcvtxn", [("2s", "2d")])]:
        for d, s in pairs:
            add(f"{op} v5.{d}, v6.{s}")
    for op in ["addv", "smaxv", "uminv"]:
        for r, t in [("b0", "8b"), ("b0", "16b"), ("h1", "4h"), ("h1", "8h"), ("s2", "4s"), ("s2", "2s"), ("d3", "2d")]:
            add(f"{op} {r}, v4.{t}")
    for op in ["saddlv", "uaddlv"]:
        for r, t in [("h0", "8b"), ("h0", "16b"), ("s1", "4h"), ("d2", "4s")]:
            add(f"{op} {r}, v4.{t}")
    for op in ["fmaxv", "fminnmv"]:
        add(f"{op} s0, v1.4s")
        add(f"{op} h0, v1.8h")
    for op in ["shl", "sshr", "ushr", "srshr", "ssra", "sli", "sri", "sqshl", "uqshl", "sqshlu"]:
        for t in ARR:
            esize = {"b": 8, "h": 16, "s": 32, "d": 64}[t[-1]]
            for s in [0, 1, esize - 1, esize]:
                add(f"{op} v1.{t}, v2.{t}, #{s}")
    for op, d, s, es in [("shrn", "8b", "8h", 8), ("rshrn2", "8h", "4s", 16), ("sqshrn", "2s", "2d", 32),
                         ("sshll", "8h", "8b", 8), ("ushll2", "2d", "4s", 32)]:
        for v in [0, 1, es - 1, es]:
            add(f"{op} v3.{d}, v4.{s}, #{v}")
    for t, es in [("8b", 8), ("4h", 16), ("2s", 32)]:
        add(f"shll v0.{'8h' if es == 8 else '4s' if es == 16 else '2d'}, v1.{t}, #{es}")
    add("shll v0.8h, v1.8b, #4")
    for r in ["d0", "d31"]:
        for s in [0, 1, 63, 64]:
            add(f"shl {r}, d1, #{s}")
            add(f"ushr {r}, d1, #{s}")
    for op in ["add", "sub", "cmeq", "sqadd", "ushl"]:
        add(f"{op} d0, d1, d2")
    add("sqadd b0, b1, b2")
    add("sqadd h0, h1, h2")
    add("sqadd s0, s1, s2")
    add("fabd s0, s1, s2")
    add("fabd d0, d1, d2")
    add("fabd h0, h1, h2")
    add("addp d0, v1.2d")
    add("faddp s0, v1.2s")
    add("faddp d0, v1.2d")
    add("sqdmlal s0, h1, h2")
    add("sqdmlal d0, s1, s2")
    add("sqxtn b0, h1")
    add("sqxtn s0, d1")
    add("fcvtxn s0, d1")
    # movi and friends
    for t in ["8b", "16b"]:
        for v in [0, 255, 256]:
            add(f"movi v0.{t}, #{v}")
            add(f"movi v0.{t}, #{v}, lsl #0")
            add(f"movi v0.{t}, #{v}, lsl #8")
    for op in ["movi", "mvni", "orr", "bic"]:
        for t, shifts in [("4h", [0, 8, 16]), ("8h", [0, 8]), ("2s", [0, 8, 16, 24, 32]), ("4s", [24])]:
            for v in [0x12, 255]:
                add(f"{op} v1.{t}, #{v}")
                for s in shifts:
                    add(f"{op} v1.{t}, #{v}, lsl #{s}")
        if op in ["movi", "mvni"]:
            for s in [8, 16, 24]:
                add(f"{op} v2.4s, #0x34, msl #{s}")
                add(f"{op} v2.2s, #0x34, msl #{s}")
    for v in [0, 0xff00ff00ff00ff00, 0xffffffffffffffff, 0x0102, 0xff]:
        add(f"movi d0, #{v:#x}")
        add(f"movi v1.2d, #{v:#x}")
    for t in ["2s", "4s", "2d", "4h", "8h"]:
        for v in ["1.0", "-0.5", "31.0", "0.1"]:
            add(f"fmov v3.{t}, #{v}")
    # elements
    for t, n in [("b", 16), ("h", 8), ("s", 4), ("d", 2)]:
        for i in [0, n - 1, n]:
            add(f"ins v0.{t}[{i}], w1" if t != "d" else f"ins v0.{t}[{i}], x1")
            add(f"ins v0.{t}[{i}], v1.{t}[{n - 1 - min(i, n - 1)}]")
            add(f"mov v2.{t}[{i}], v3.{t}[0]")
            add(f"dup v4.{'16b' if t == 'b' else '8h' if t == 'h' else '4s' if t == 's' else '2d'}, v5.{t}[{i}]")
            add(f"dup {t}6, v7.{t}[{i}]")
            add(f"mov {t}6, v7.{t}[{i}]")
            add(f"umov {'x' if t == 'd' else 'w'}8, v9.{t}[{i}]")
            if t != "d":
                add(f"smov x10, v11.{t}[{i}]")
            if t in "bh":
                add(f"smov w10, v11.{t}[{i}]")
    add("mov w0, v1.s[3]")
    add("mov x0, v1.d[1]")
    add("mov w0, v1.b[3]")
    for t in ARR:
        add(f"dup v1.{t}, {'x' if t[-1] == 'd' else 'w'}2")
        add(f"mov v3.{t}, v4.{t}")
    # by element
    for op in ["mul", "mla", "sqdmulh", "fmla", "fmul", "fmls", "fmulx"]:
        for t, e, idxs, reg in [("4h", "h", [0, 7, 8], 15), ("8h", "h", [3], 16), ("2s", "s", [0, 3, 4], 31), ("4s", "s", [2], 7), ("2d", "d", [0, 1, 2], 9)]:
            for i in idxs:
                add(f"{op} v1.{t}, v2.{t}, v{reg}.{e}[{i}]")
    for op in ["smull", "umlal2", "sqdmull"]:
        add(f"{op} v0.4s, v1.{'8h' if op.endswith('2') else '4h'}, v2.h[5]")
        add(f"{op} v0.2d, v1.{'4s' if op.endswith('2') else '2s'}, v2.s[3]")
    add("fmla s0, s1, v2.s[3]")
    add("fmla d0, d1, v2.d[1]")
    add("fmla h0, h1, v2.h[7]")
    add("sqdmulh s0, s1, v2.s[1]")
    for op in ["sdot", "udot"]:
        add(f"{op} v0.2s, v1.8b, v2.8b")
        add(f"{op} v0.4s, v1.16b, v2.16b")
        for i in [0, 3, 4]:
            add(f"{op} v0.4s, v1.16b, v2.4b[{i}]")
    add("usdot v0.4s, v1.16b, v2.16b")
    add("sudot v0.4s, v1.16b, v2.4b[1]")
    add("bfdot v0.4s, v1.8h, v2.2h[3]")
    add("smmla v0.4s, v1.16b, v2.16b")
    for rot in [0, 90, 180, 270, 45]:
        add(f"fcmla v0.4s, v1.4s, v2.4s, #{rot}")
        add(f"fcmla v0.8h, v1.8h, v2.h[3], #{rot}")
        add(f"fcmla v0.4s, v1.4s, v2.s[1], #{rot}")
        add(f"fcadd v0.2d, v1.2d, v2.2d, #{rot}")
    add("fcmla v0.4h, v1.4h, v2.h[1], #0")
    add("fcmla v0.4h, v1.4h, v2.h[2], #0")
    add("fcmla v0.4s, v1.4s, v2.s[2], #0")
    add("fmlal v0.2s, v1.2h, v2.2h")
    add("fmlal2 v0.4s, v1.4h, v2.h[7]")
    # permutes, tables
    for t in ["8b", "16b"]:
        for i in [0, 7, 8, 15, 16]:
            add(f"ext v0.{t}, v1.{t}, v2.{t}, #{i}")
        for n in range(1, 5):
            regs = ", ".join(f"v{(30 + k) % 32}.16b" for k in range(n))
            add(f"tbl v3.{t}, {{{regs}}}, v4.{t}")
            add(f"tbx v3.{t}, {{v5.16b-v{5 + n - 1}.16b}}, v4.{t}")
    # structure loads and stores
    for n in range(1, 5):
        for op in [f"ld{n}", f"st{n}"]:
            for t in ARR:
                for cnt in ([1, 2, 3, 4] if n == 1 else [n]):
                    regs = ", ".join(f"v{(rng.randrange(32) if k == 0 else 0)}.{t}" for k in range(1))
                    first = rng.randrange(32)
                    lst = "{" + ", ".join(f"v{(first + k) % 32}.{t}" for k in range(cnt)) + "}"
                    bytes_ = cnt * (16 if t in ["16b", "8h", "4s", "2d"] else 8)
                    add(f"{op} {lst}, [x1]")
                    add(f"{op} {lst}, [sp], #{bytes_}")
                    add(f"{op} {lst}, [x2], x3")
                    if rng.random() < 0.3:
                        add(f"{op} {lst}, [x2], #{bytes_ + 8}")
                        add(f"{op} {lst}, [x2], xzr")
            for e, lanes in [("b", 16), ("h", 8), ("s", 4), ("d", 2)]:
                lst = "{" + ", ".join(f"v{k + 2}.{e}" for k in range(n)) + "}"
                for i in [0, lanes - 1, lanes]:
                    add(f"{op} {lst}[{i}], [x4]")
                add(f"{op} {lst}[1], [x4], #{n * {'b': 1, 'h': 2, 's': 4, 'd': 8}[e]}")
                add(f"{op} {lst}[1], [x4], x5")
        for t in ARR:
            lst = "{" + ", ".join(f"v{k + 7}.{t}" for k in range(n)) + "}"
            es = {"b": 1, "h": 2, "s": 4, "d": 8}[t[-1]]
            add(f"ld{n}r {lst}, [x8]")
            add(f"ld{n}r {lst}, [x8], #{n * es}")
            add(f"ld{n}r {lst}, [x8], x9")
    add("ld1 {v31.4s, v0.4s}, [x0]")
    add("ld1 {v0.4s-v3.4s}, [x0]")
    add("ld1 {v0.4s, v2.4s}, [x0]")
    # crypto
    for op in ["aese", "aesd", "aesmc", "aesimc"]:
        add(f"{op} v0.16b, v1.16b")
    add("sha1h s0, s1")
    for op in ["sha1c", "sha1p", "sha1m"]:
        add(f"{op} q0, s1, v2.4s")
    for op in ["sha256h", "sha256h2"]:
        add(f"{op} q0, q1, v2.4s")
    add("sha1su0 v0.4s, v1.4s, v2.4s")
    add("sha1su1 v0.4s, v1.4s")
    add("sha256su0 v0.4s, v1.4s")
    add("sha256su1 v0.4s, v1.4s, v2.4s")
    add("sha512h q0, q1, v2.2d")
    add("sha512h2 q0, q1, v2.2d")
    add("sha512su0 v0.2d, v1.2d")
    add("sha512su1 v0.2d, v1.2d, v2.2d")
    add("eor3 v0.16b, v1.16b, v2.16b, v3.16b")
    add("bcax v0.16b, v1.16b, v2.16b, v3.16b")
    add("rax1 v0.2d, v1.2d, v2.2d")
    for i in [0, 63, 64]:
        add(f"xar v0.2d, v1.2d, v2.2d, #{i}")
    add("sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s")
    for op in ["sm3tt1a", "sm3tt1b", "sm3tt2a", "sm3tt2b"]:
        for i in [0, 3, 4]:
            add(f"{op} v0.4s, v1.4s, v2.s[{i}]")
    add("sm3partw1 v0.4s, v1.4s, v2.4s")
    add("sm4e v0.4s, v1.4s")
    add("sm4ekey v0.4s, v1.4s, v2.4s")
    # PAuth, MTE, misc
    for op in ["pacia", "pacib", "pacda", "pacdb", "autia", "autib", "autda", "autdb"]:
        add(f"{op} x0, x1")
        add(f"{op} x0, sp")
    for op in ["paciza", "pacizb", "pacdza", "autiza", "xpaci", "xpacd"]:
        add(f"{op} x2")
    add("pacga x0, x1, sp")
    for op in ["ldraa", "ldrab"]:
        for off in [0, 8, -8, 4088, -4096, 4096, 4]:
            add(f"{op} x0, [x1, #{off}]")
            add(f"{op} x0, [x1, #{off}]!")
    add("irg x0, sp, x1")
    add("gmi x0, sp, x1")
    add("subp x0, x1, sp")
    add("ldg x0, [x1, #16]")

    # de-duplicate, keep order
    seen = set()
    out = []
    for line in L:
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


def assemble(lines):
    mc = llvm_mc()
    src = "\n".join(lines) + "\n"
    p = subprocess.run([mc, "-triple=aarch64", f"-mattr={MATTR}", "-show-encoding"],
                       input=src, capture_output=True, text=True)
    bad = set()
    for m in re.finditer(r"<stdin>:(\d+):\d+: error", p.stderr):
        bad.add(int(m.group(1)) - 1)
    encs = re.findall(r"encoding: \[([^\]]*)\]", p.stdout)
    good = [i for i in range(len(lines)) if i not in bad]
    if len(encs) != len(good):
        sys.exit(f"llvm-mc printed {len(encs)} encodings for {len(good)} accepted lines")
    result = {}
    for i, e in zip(good, encs):
        bs = [int(b, 16) for b in e.split(",")]
        if len(bs) != 4:
            sys.exit(f"line {i + 1}: {len(bs)} bytes")
        result[i] = "%08x" % int.from_bytes(bytes(bs), "little")
    ver = subprocess.run([mc, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"LLVM version (\S+)", ver)
    return result, (m.group(1) if m else "?"), os.path.basename(mc)


def main():
    check = "--check" in sys.argv[1:]
    lines = gen()
    result, version, mc = assemble(lines)
    header = [
        "# @generated by scripts/golden/gen_a64_vectors.py. Do not edit.",
        f"# llvm-mc version {version}",
        f"# {mc} -triple=aarch64 -mattr={MATTR} -show-encoding",
        "# <word (8 hex digits, little-endian value) or error> TAB <instruction as given to llvm-mc>",
        f"# {len(lines)} lines, {len(result)} accepted by llvm-mc. Checked by crates/jitasm-a64/tests/golden.rs.",
    ]
    body = [f"{result.get(i, 'error')}\t{l}" for i, l in enumerate(lines)]
    text = "\n".join(header + body) + "\n"
    if check:
        old = open(OUT).read() if os.path.exists(OUT) else ""
        if old != text:
            print(f"stale: {OUT} (run scripts/golden/gen_a64_vectors.py)", file=sys.stderr)
            sys.exit(1)
        print(f"up to date: {OUT}")
    else:
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            f.write(text)
        print(f"wrote {OUT}: {len(lines)} lines, {len(result)} accepted by llvm-mc")


if __name__ == "__main__":
    main()
