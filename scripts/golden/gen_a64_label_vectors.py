#!/usr/bin/env python3
"""Golden vectors for AArch64 labels in the text assembler (GNU syntax).

Each program is assembled by llvm-mc 19 into an object file, linked by GNU ld
(aarch64-linux-gnu-ld) with .text at the program's base address (so `adrp`
pages and absolute data are final), and its .text written to
crates/jitasm/tests/data/a64_labels.txt, one line per program:

    text | base | length | offset:word ...     (the words that are not zero)
    text | base | error                         (llvm-mc or ld refuses it)

crates/jitasm/tests/a64_labels.rs assembles each text with jitasm at that
base and compares. Gaps are `.zero`, so only the instructions are listed.

    python3 scripts/golden/gen_a64_label_vectors.py          # regenerate
    python3 scripts/golden/gen_a64_label_vectors.py --check  # unchanged?
"""
import os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates/jitasm/tests/data/a64_labels.txt")
MC = "llvm-mc-19" if subprocess.run(["which", "llvm-mc-19"], capture_output=True).returncode == 0 else "/usr/lib/llvm-19/bin/llvm-mc"
LD = "aarch64-linux-gnu-ld"
OBJCOPY = "aarch64-linux-gnu-objcopy"

BASE = 0x10000
PROGRAMS = []  # (text, base)


def p(text, base=BASE):
    PROGRAMS.append((text, base))


# Each kind forward and backward, near and at both ends of its range, and
# one word past (an error).
KINDS = [
    # (the instruction up to its label operand, reach in bytes each way)
    ("b ", 1 << 27),
    ("bl ", 1 << 27),
    ("b.ne ", 1 << 20),
    ("b.hs ", 1 << 20),
    ("cbz x3, ", 1 << 20),
    ("cbnz w7, ", 1 << 20),
    ("ldr x1, ", 1 << 20),
    ("ldr w2, ", 1 << 20),
    ("ldr s3, ", 1 << 20),
    ("ldr d4, ", 1 << 20),
    ("ldr q5, ", 1 << 20),
    ("ldrsw x6, ", 1 << 20),
    ("prfm pldl1keep, ", 1 << 20),
    ("tbz x1, #33, ", 1 << 15),
    ("tbnz w2, #7, ", 1 << 15),
    ("adr x0, ", 1 << 20),
]
for ins, reach in KINDS:
    for gap in [0, 4, 100]:
        p(f"{ins}1f; .zero {gap}; 1: nop")
        p(f"1: nop; .zero {gap}; {ins}1b")
    if reach <= 1 << 20:
        # Forward, the farthest word is reach - 4 from the instruction.
        p(f"{ins}1f; .zero {reach - 8}; 1: nop")
        p(f"{ins}1f; .zero {reach - 4}; 1: nop")
        # Backward, -reach is the farthest.
        p(f"1: nop; .zero {reach - 4}; {ins}1b")
        p(f"1: nop; .zero {reach}; {ins}1b")
    else:
        p(f"{ins}1f; .zero 1048576; 1: nop")
# `adr` reaches bytes, not words.
p("adr x0, 1f; .byte 0, 0, 0; 1: .byte 1")
p("1: .byte 1, 2, 3; .balign 4; adr x5, 1b")
p("adr x0, 1f; .zero 1048571; 1: .byte 1")
p("adr x0, 1f; .zero 1048572; 1: .byte 1")
# `adrp` takes 4 KiB pages, counted from the instruction's page.
for base in [0x10000, 0x10800, 0x10ffc]:
    for gap in [0, 4088, 4092, 8192, 123456]:
        p(f"adrp x0, 1f; .zero {gap}; 1: nop", base)
        p(f"1: nop; .zero {gap}; adrp x1, 1b", base)
# Named labels, addends, `.`, several references to one label.
p("b.eq end; nop; end: ret")
p("top: subs x0, x0, #1; b.ne top; ret")
p("cbz x0, out; add x0, x0, #1; b out; out: ret")
p("b target + 8; target: nop; nop; nop")
p("adr x0, data - 4; nop; data: .word 7")
p("b .; b . + 8; nop")
p("ldr x0, lit; ret; .balign 8; lit: .quad 0x1122334455667788")
p("1: b 1f; 1: b 1b; 1: b 1f; 1: ret")
p("tbz w0, #0, odd; mov x0, #2; ret; odd: mov x0, #1; ret")
p("f: ret; .zero 4092; adrp x0, f")
# Data directives and padding, with AArch64's sizes (`.word` 32 bits,
# `.hword` 16, `.dword`/`.xword` 64) and `.align n` as 2^n.
p(".word 0x11223344, -1; .hword 0x5566; .short -2; .byte 1, 255; .balign 4; "
  ".long 4; .int 5; .dword 0x1122334455667788; .xword -3; .quad 6; .8byte 7")
p("nop; .byte 1; .align 3; nop; .balign 16; nop; .p2align 5; ret")
p(".byte 1, 2; .balign 8, 0xaa; .ascii \"ab\"; .asciz \"c\"; .string \"de\"; .balign 4; nop")
p(".float 1.5, -2.25; .single 0.1; .double 3.5, -0.0; ret")
p(".zero 6; .balign 4; .skip 8; .space 4, 0x7f; .fill 3, 4, 0x01020304; ret")
# Absolute data: the address of a label, at the base.
p("f: ret; .balign 8; .quad f; .xword g; g: .word 0")
p("f: ret; .word f; .word f + 4")


def llvm_text(text, base):
    """.text bytes after linking at `base`, or None if llvm-mc or ld refuses."""
    with tempfile.TemporaryDirectory() as d:
        obj, elf, binf = (os.path.join(d, n) for n in ("a.o", "a.elf", "a.bin"))
        mc = subprocess.run([MC, "-triple=aarch64", "-filetype=obj", "-o", obj],
                            input=text.encode(), capture_output=True)
        if mc.returncode != 0:
            return None
        ld = subprocess.run([LD, f"-Ttext={base:#x}", "-e", f"{base:#x}", "-o", elf, obj],
                            capture_output=True)
        if ld.returncode != 0:
            return None
        subprocess.run([OBJCOPY, "-O", "binary", "-j", ".text", elf, binf], check=True)
        return open(binf, "rb").read()


def line(text, base):
    b = llvm_text(text, base)
    if b is None:
        return f"{text} | {base:#x} | error"
    words = []
    for off in range(0, len(b), 4):
        w = b[off:off + 4]
        if any(w):
            words.append(f"{off:x}:{w.hex()}")
    return f"{text} | {base:#x} | {len(b)} | {' '.join(words)}"


def main():
    version = subprocess.run([MC, "--version"], capture_output=True, text=True).stdout
    version = next(l.strip() for l in version.splitlines() if "version" in l)
    lines = [
        "# @generated by scripts/golden/gen_a64_label_vectors.py. Do not edit.",
        f"# {version}; {MC} -triple=aarch64 -filetype=obj, linked by {LD} -Ttext=BASE, .text bytes",
        "# text | base | length | offset:bytes of each word that is not zero   (or: text | base | error)",
    ]
    lines += [line(t, b) for t, b in PROGRAMS]
    text = "\n".join(lines) + "\n"
    if "--check" in sys.argv:
        if open(OUT).read() != text:
            sys.exit(f"{OUT} is not what {sys.argv[0]} produces: regenerate it")
        print(f"{OUT}: up to date ({len(PROGRAMS)} programs)")
    else:
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        open(OUT, "w").write(text)
        print(f"wrote {OUT} ({len(PROGRAMS)} programs)")


main()
