//! Where jitasm and llvm-mc knowingly differ on the golden vectors
//! (`data/golden_a64.txt`), and why; shared by this crate's golden test
//! and the text assembler's (`crates/jitasm/tests/a64_text.rs`).

/// Where jitasm and llvm-mc knowingly differ, and why. Each known line
/// must still differ (a fixed difference fails the test, so the list stays
/// true).
pub fn known(asm: &str, expected: &str) -> Option<&'static str> {
    let (reason, llvm_accepts) = rule(asm)?;
    (llvm_accepts == (expected != "error")).then_some(reason)
}

/// The operands of `asm` as words: registers and numbers, without the
/// brackets, `#` and `!` around them.
fn words(asm: &str) -> Vec<&str> {
    asm.split([' ', ',', '[', ']', '!', '#'])
        .filter(|w| !w.is_empty())
        .skip(1)
        .collect()
}

/// A general register's number and, for x0-x30/w0-w30, `Some`; the zero
/// register and sp are not the same register as anything else here.
fn gpr(w: &str) -> Option<u8> {
    let n = w.strip_prefix(['x', 'w'])?.parse::<u8>().ok()?;
    (n < 31).then_some(n)
}

/// A difference and whether llvm-mc is the side that accepts the line
/// (`false`: llvm-mc refuses what jitasm encodes).
fn rule(asm: &str) -> Option<(&'static str, bool)> {
    let w = asm.split_whitespace().collect::<Vec<_>>();
    let m = w[0];
    let ops = words(asm);
    if (m == "adds" || m == "subs")
        && w.get(1).is_some_and(|r| r.starts_with('x'))
        && (asm.contains(", w4, uxtx") || asm.contains(", w4, lsl #"))
        && !asm.ends_with("#5")
    {
        return Some((
            "llvm-mc accepts a 32-bit register with uxtx/lsl in 64-bit adds/subs (not in add/sub); \
             the Arm ARM gives option x11 an X register, so jitasm refuses, as llvm-mc does for add/sub",
            true,
        ));
    }
    if m == "mov"
        && asm.starts_with("mov w")
        && (asm.contains("0x100000000") || asm.contains("-2147483649"))
    {
        return Some((
            "llvm-mc truncates the value to 32 bits for a w register; jitasm never truncates",
            true,
        ));
    }
    if (m == "ucvtf" || m == "scvtf")
        && ops.get(1).is_some_and(|r| r.starts_with(['w', 'x']))
        && (asm.ends_with("#0") || asm.ends_with("#33") || asm.ends_with("#65"))
    {
        return Some((
            "llvm-mc 19 accepts fbits outside 1..=32 / 1..=64 for scvtf and ucvtf from a general \
             register and wraps the scale (it rejects them for fcvtz* and for the forms on SIMD \
             registers); jitasm checks the range",
            true,
        ));
    }
    if m == "ext" && (asm.contains(".8b, #8") || asm.contains(".8b, #15") || asm.ends_with("#16")) {
        return Some((
            "llvm-mc masks ext's index into the imm4 field; jitasm checks 0..=7 / 0..=15",
            true,
        ));
    }
    if (m.starts_with("ld") || m.starts_with("st")) && asm.ends_with("], xzr") {
        return Some((
            "llvm-mc accepts xzr as a post-index register and writes Rm = 31, which encodes the \
             immediate post-index; jitasm refuses it",
            true,
        ));
    }
    if ops.iter().any(|o| *o == "x31" || *o == "w31") {
        return Some((
            "llvm-mc reads x31/w31 as the zero register; the Arm ARM has no such name (register 31 \
             is xzr/wzr or sp/wsp, by instruction), so jitasm refuses the number",
            true,
        ));
    }
    if m == "msr"
        && [
            "cntvct_el0",
            "cntpct_el0",
            "ctr_el0",
            "dczid_el0",
            "currentel",
            "midr_el1",
            "mpidr_el1",
            "id_aa64isar0_el1",
            "id_aa64pfr0_el1",
            "rndr",
        ]
        .iter()
        .any(|r| ops.first().is_some_and(|o| o.starts_with(r)))
    {
        return Some((
            "llvm-mc refuses writes to read-only registers named in msr; jitasm's name table does \
             not record access yet and encodes the register's number",
            false,
        ));
    }
    if (m == "mrs" || m == "msr")
        && ops
            .iter()
            .any(|o| o.starts_with("s0_") || o.starts_with("s1_"))
    {
        return Some((
            "llvm-mc takes generic system register names with op0 0 or 1 and writes them into \
             other instructions' encodings (op0 0: msr (immediate), hints, barriers; op0 1: \
             sys/sysl); jitasm takes op0 2 and 3, the system registers' space, only",
            true,
        ));
    }
    // CONSTRAINED UNPREDICTABLE register overlaps (Arm ARM K1): a pair
    // loaded into one register, a writeback base that is also a data
    // register, a store-exclusive status register that is also a source.
    let pair = ["ldp", "ldpsw", "ldnp", "stp"].contains(&m);
    let writeback = asm.ends_with("]!") || asm.contains("], #");
    let overlap = if pair {
        let (rt, rt2, rn) = (gpr(ops[0]), gpr(ops[1]), gpr(ops[2]));
        (m != "stp" && ops[0] == ops[1]) || (writeback && rn.is_some() && (rn == rt || rn == rt2))
    } else if m.starts_with("stxr")
        || m.starts_with("stlxr")
        || m.starts_with("stxp")
        || m.starts_with("stlxp")
    {
        let rs = gpr(ops[0]);
        rs.is_some() && ops[1..].iter().any(|o| gpr(o) == rs)
    } else {
        false
    };
    if overlap {
        return Some((
            "the Arm ARM makes these register overlaps CONSTRAINED UNPREDICTABLE (ldp/ldpsw with \
             Rt == Rt2, a pair's writeback base that is also a data register, a store-exclusive's \
             status register that is also its data or base register); llvm-mc refuses them, \
             jitasm encodes them as written (GNU as warns and does the same)",
            false,
        ));
    }
    if m != "ldnp" && pair && asm.ends_with("]!") && !asm.contains(", #") {
        return Some((
            "llvm-mc wants an offset in a pre-indexed address; `[x5]!` reaches the encoder as \
             `[x5, #0]!`, the one operand for both",
            false,
        ));
    }
    if m == "isb"
        && ops
            .first()
            .is_some_and(|o| o.starts_with(char::is_alphabetic) && *o != "sy")
    {
        return Some((
            "llvm-mc names only sy for isb; the readers take the dmb/dsb option names for it too \
             (isb ish is isb #11: an operand is the option's number, Operand::Barrier, whatever \
             its spelling)",
            false,
        ));
    }
    if m == "ldg" || m == "addg" || m == "subg" {
        return Some((
            "MTE's ldg (ADDR_SIMM13), addg and subg (UIMM10) are not modelled yet",
            true,
        ));
    }
    None
}
