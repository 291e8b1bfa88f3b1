#!/usr/bin/env python3
"""Compile time of `dynasm!` code: jitasm against dynasm-rs 5.1.

Generates two throwaway crates with the same 10,000 `dynasm!` instruction
lines (general-purpose, memory, SSE and AVX instructions, local, global and
dynamic labels, registers and immediates from Rust values), one built
against jitasm (a path dependency on this checkout's `crates/jitasm`, or
`--jitasm PATH`), the other against dynasm-rs 5.1 (`dynasm`/`dynasmrt`
=5.1.0 from crates.io), and times building that crate alone once its
dependencies are built: the source is touched and the crate rebuilt, three
times for each of `cargo check`, `cargo build` and `cargo build --release`;
the median is reported.

With `--time-passes`, it also reads rustc's own `expand_crate` time (macro
expansion alone) from `-Z time-passes`, which needs a nightly compiler or
RUSTC_BOOTSTRAP=1 (this script sets the latter only for that run).

The crates live outside the workspace (default: `target/compile-time/`
of this checkout, each with its own target directory).

    python3 scripts/bench/compile_time.py [--lines 10000] [--runs 3]
        [--dir DIR] [--jitasm PATH] [--time-passes] [--json FILE]

`--json FILE` also writes the medians to FILE for `cargo xtask bench-report`:
{"date": "...Z", "lines": N, "runs": N, "results": {"check": {"jitasm": s,
"dynasmrs": s}, "debug": {...}, "release": {...}[, "expand": {...}]}}.
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Lines per `dynasm!` invocation (one function each).
PER_FN = 100

GP64 = ["rax", "rcx", "rdx", "rbx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15"]
GP32 = ["eax", "ecx", "edx", "ebx", "esi", "edi", "r8d", "r9d", "r10d", "r11d",
        "r12d", "r13d", "r14d", "r15d"]
BASES = GP64 + ["rsp", "rbp"]
XMM = [f"xmm{i}" for i in range(16)]
YMM = [f"ymm{i}" for i in range(16)]
CC = ["z", "nz", "l", "ge", "b", "ae", "g", "le"]


def instruction(rng: random.Random) -> str:
    """One instruction line, drawn from a mix close to a JIT's output."""
    g, d = rng.choice, lambda: rng.choice([0, 8, 16, -8, 24, 0x40, 0x100, -0x80])
    r64, r32 = (lambda: g(GP64)), (lambda: g(GP32))
    imm = lambda: g([1, 7, 16, 100, -1, 1000, 0x7FFF, -0x8000, 0x12345])
    mem = lambda: (f"[{g(BASES)} + {d()}]" if rng.random() < 0.6
                   else f"[{g(BASES)} + {r64()}*{g([1, 2, 4, 8])} + {d()}]")
    kind = rng.random()
    if kind < 0.30:  # general purpose, registers and immediates
        return g([
            lambda: f"{g(['mov', 'add', 'sub', 'and', 'or', 'xor', 'cmp', 'test', 'adc'])} {r64()}, {r64()}",
            lambda: f"{g(['add', 'sub', 'and', 'or', 'xor', 'cmp'])} {r32()}, {r32()}",
            lambda: f"{g(['add', 'sub', 'and', 'cmp'])} {r64()}, {imm()}",
            lambda: f"mov {r32()}, {imm()}",
            lambda: f"{g(['shl', 'shr', 'sar', 'rol'])} {r64()}, {rng.randint(1, 63)}",
            lambda: f"{g(['inc', 'dec', 'neg', 'not'])} {r64()}",
            lambda: f"imul {r64()}, {r64()}",
            lambda: f"imul {r32()}, {r32()}, {imm()}",
            lambda: f"cmov{g(CC)} {r64()}, {r64()}",
            lambda: f"movzx {r32()}, {g(['al', 'cl', 'dl', 'bl'])}",
            lambda: f"{g(['popcnt', 'lzcnt', 'tzcnt', 'bsf'])} {r64()}, {r64()}",
        ])()
    if kind < 0.55:  # memory operands
        return g([
            lambda: f"mov {r64()}, QWORD {mem()}",
            lambda: f"mov {mem()}, {r64()}",
            lambda: f"mov DWORD {mem()}, {imm()}",
            lambda: f"add {r32()}, DWORD {mem()}",
            lambda: f"cmp QWORD {mem()}, {g([0, 1, 100])}",
            lambda: f"lea {r64()}, {mem()}",
            lambda: f"movzx {r32()}, BYTE {mem()}",
            lambda: f"inc QWORD {mem()}",
            lambda: f"lock xadd {mem()}, {r32()}",
        ])()
    if kind < 0.72:  # SSE
        return g([
            lambda: f"{g(['addps', 'mulpd', 'subss', 'xorps', 'pxor', 'paddd', 'minps'])} {g(XMM)}, {g(XMM)}",
            lambda: f"movups {g(XMM)}, {mem()}",
            lambda: f"movups {mem()}, {g(XMM)}",
            lambda: f"mulsd {g(XMM)}, QWORD {mem()}",
            lambda: f"pshufd {g(XMM)}, {g(XMM)}, {rng.randint(0, 127)}",
            lambda: f"cvtsi2sd {g(XMM)}, {r64()}",
        ])()
    if kind < 0.85:  # AVX, AVX2, FMA
        return g([
            lambda: f"{g(['vaddps', 'vmulpd', 'vxorps', 'vpaddd', 'vpermd', 'vfmadd231ps'])} {g(YMM)}, {g(YMM)}, {g(YMM)}",
            lambda: f"vmovups {g(YMM)}, {mem()}",
            lambda: f"vmovups {mem()}, {g(YMM)}",
            lambda: f"vaddps {g(YMM)}, {g(YMM)}, {mem()}",
            lambda: f"vpsllq {g(YMM)}, {g(YMM)}, {rng.randint(1, 63)}",
        ])()
    # registers, immediates, displacements from Rust values
    return g([
        lambda: f"mov Rq(r), {r64()}",
        lambda: f"add Rq(r), k",
        lambda: f"cmp Rd(r), k",
        lambda: f"mov Rq(r), QWORD [Rq(r) + 8]",
        lambda: f"mov QWORD [{g(BASES)} + k], Rq(r)",
        lambda: f"lea {r64()}, [Rq(r) + {r64()}*8 + 16]",
        lambda: f"mov {r32()}, k",
        lambda: f"addps Rx(r), {g(XMM)}",
        lambda: f"vaddps Ry(r), Ry(r), {g(YMM)}",
    ])()


def function(rng: random.Random, n: int) -> str:
    """`PER_FN` instruction lines in one invocation, with labels."""
    lines = [f"; ->f{n}:", "; push rbp", "; mov rbp, rsp"]
    body = [instruction(rng) for _ in range(PER_FN - 11)]
    lines += ["; mov ecx, 10", "; top:"]
    lines += [f"; {line}" for line in body[: len(body) // 2]]
    lines += ["; dec ecx", "; jnz <top", "; test eax, eax", "; jz >out"]
    lines += [f"; {line}" for line in body[len(body) // 2:]]
    lines += [f"; call ->f{max(n - 1, 0)}", "; jmp =>lbl", "; out:", "; pop rbp", "; ret"]
    assert sum(1 for line in lines if not line.endswith(":")) == PER_FN
    text = "\n        ".join(lines)
    return f"""
pub fn f{n}(ops: &mut Asm, r: u8, k: i32, lbl: Label) {{
    dynasm!(ops
        ; .arch x64
        {text}
    );
}}
"""


PRELUDE = {
    "jitasm": """
use jitasm::dynasm;
pub type Asm = jitasm::VecAssembler<jitasm::isa::X64>;
pub type Label = jitasm::DynamicLabel;
""",
    "dynasmrs": """
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
pub type Asm = dynasmrt::VecAssembler<dynasmrt::x64::X64Relocation>;
pub type Label = dynasmrt::DynamicLabel;
""",
}


def source(kind: str, lines: int, seed: int) -> str:
    rng = random.Random(seed)  # the same lines for both crates
    fns = [function(rng, n) for n in range(lines // PER_FN)]
    calls = "\n".join(f"    f{n}(ops, r, k, lbl);" for n in range(len(fns)))
    return (f"//! {lines} generated `dynasm!` instruction lines.\n"
            "#![allow(unused)]\n" + PRELUDE[kind] + "".join(fns) +
            f"\npub fn emit_all(ops: &mut Asm, r: u8, k: i32, lbl: Label) {{\n{calls}\n}}\n")


def manifest(kind: str, jitasm: Path) -> str:
    deps = {
        "jitasm": f'jitasm = {{ path = "{jitasm}" }}',
        "dynasmrs": 'dynasm = "=5.1.0"\ndynasmrt = "=5.1.0"',
    }[kind]
    # `[workspace]`: the crate is its own workspace even under this checkout.
    return f"""[package]
name = "ct-{kind}"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
{deps}

[workspace]
"""


def run(cmd, cwd, env=None) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)} in {cwd}")
    return dt


def expand_time(crate: Path) -> float:
    """rustc's `expand_crate` pass, seconds (debug build)."""
    (crate / "src/lib.rs").touch()
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    p = subprocess.run(["cargo", "rustc", "--lib", "--", "-Ztime-passes"], cwd=crate, env=env,
                       capture_output=True, text=True)
    m = re.search(r"time:\s*([0-9.]+);.*\bexpand_crate\b", p.stderr)
    if p.returncode != 0 or not m:
        sys.stderr.write(p.stderr[-2000:])
        raise SystemExit("no expand_crate time in -Z time-passes output")
    return float(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--dir", type=Path, default=REPO / "target" / "compile-time")
    ap.add_argument("--jitasm", type=Path, default=REPO / "crates" / "jitasm")
    ap.add_argument("--time-passes", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the medians to this file")
    args = ap.parse_args()
    if args.lines % PER_FN:
        raise SystemExit(f"--lines must be a multiple of {PER_FN}")

    crates = {}
    for kind in ("jitasm", "dynasmrs"):
        crate = args.dir / kind
        (crate / "src").mkdir(parents=True, exist_ok=True)
        (crate / "Cargo.toml").write_text(manifest(kind, args.jitasm.resolve()))
        (crate / "src/lib.rs").write_text(source(kind, args.lines, args.seed))
        crates[kind] = crate

    modes = {"check": ["cargo", "check", "--lib"],
             "debug": ["cargo", "build", "--lib"],
             "release": ["cargo", "build", "--lib", "--release"]}
    results = {}
    for kind, crate in crates.items():
        for mode, cmd in modes.items():
            run(cmd, crate)  # dependencies (and a first build of the crate)
            times = []
            for _ in range(args.runs):
                (crate / "src/lib.rs").touch()
                times.append(run(cmd, crate))
            results[(kind, mode)] = times
            print(f"{kind:9} {mode:8} median {statistics.median(times):7.2f} s  "
                  f"runs {', '.join(f'{t:.2f}' for t in times)}", flush=True)
        if args.time_passes:
            e = [expand_time(crate) for _ in range(args.runs)]
            results[(kind, "expand")] = e
            print(f"{kind:9} expand   median {statistics.median(e):7.2f} s  "
                  f"({statistics.median(e) / args.lines * 1e6:.0f} µs per line)", flush=True)

    print(f"\n{args.lines} instruction lines, {args.lines // PER_FN} invocations; "
          f"median of {args.runs}; ratio = jitasm / dynasm-rs (below 1: jitasm faster)")
    for mode in [*modes, *(["expand"] if args.time_passes else [])]:
        j = statistics.median(results[("jitasm", mode)])
        d = statistics.median(results[("dynasmrs", mode)])
        print(f"| {mode:8} | {j:6.2f} s | {d:6.2f} s | {j / d:5.2f} |")
    if args.json:
        medians = {}
        for (kind, mode), times in results.items():
            medians.setdefault(mode, {})[kind] = statistics.median(times)
        now = datetime.datetime.now(datetime.timezone.utc)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lines": args.lines,
            "runs": args.runs,
            "results": medians,
        }, indent=1) + "\n")


if __name__ == "__main__":
    main()
