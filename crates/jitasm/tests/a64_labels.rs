//! AArch64 labels in the text assembler against llvm-mc and GNU ld: each
//! program of `tests/data/a64_labels.txt` (written by
//! `scripts/golden/gen_a64_label_vectors.py`: assembled by llvm-mc 19,
//! linked at the program's base address) must give the linked `.text`, or
//! an error where llvm-mc or ld refuses it (a target out of range). Every
//! label kind is covered: `b`/`bl`, `b.cond`, `cbz`/`cbnz`, `tbz`/`tbnz`,
//! `ldr` (literal) and `prfm`, `adr`, `adrp` (pages from three bases), and
//! absolute data; forward and backward, at both ends of each range and one
//! past it.

use jitasm::{Arch, AsmOptions};

#[test]
fn labels_resolve_as_llvm_mc_and_ld_resolve_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/a64_labels.txt");
    let data = std::fs::read_to_string(path).expect("tests/data/a64_labels.txt");
    let (mut words, mut errors) = (0, 0);
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split(" | ");
        let (text, base, rest) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.collect::<Vec<_>>(),
        );
        let base = u64::from_str_radix(base.trim_start_matches("0x"), 16).unwrap();
        let got = jitasm::assemble_with(text, &AsmOptions::new(Arch::Aarch64), base);
        match (rest.as_slice(), got) {
            (["error"], Err(e)) => {
                // Refused for the right reason: a fixup out of range, placed
                // at the statement holding it.
                assert!(
                    matches!(&e.kind, jitasm::syntax::ErrorKind::Output(b) if matches!(**b, jitasm::Error::Fixup { .. })),
                    "{text}: {e}"
                );
                let at = &text[e.span.start as usize..e.span.end as usize];
                assert!(
                    !at.starts_with('.') && !at.starts_with("1:"),
                    "{text}: error placed at `{at}`"
                );
                errors += 1;
            }
            (["error"], Ok(a)) => panic!(
                "{text}: llvm-mc refuses it, jitasm gives {} bytes",
                a.bytes.len()
            ),
            (_, Err(e)) => panic!("{text}: {}", e.render()),
            ([len, listed], Ok(a)) => {
                let len: usize = len.parse().unwrap();
                assert_eq!(a.bytes.len(), len, "{text}: length");
                let mut want = vec![0u8; len];
                for w in listed.split(' ').filter(|w| !w.is_empty()) {
                    let (off, hex) = w.split_once(':').unwrap();
                    let off = usize::from_str_radix(off, 16).unwrap();
                    for (i, b) in (0..hex.len()).step_by(2).enumerate() {
                        want[off + i] = u8::from_str_radix(&hex[b..b + 2], 16).unwrap();
                    }
                }
                if a.bytes != want {
                    let at = (0..len)
                        .step_by(4)
                        .find(|&o| a.bytes[o..][..4.min(len - o)] != want[o..][..4.min(len - o)]);
                    let at = at.unwrap_or(0);
                    panic!(
                        "{text}: at {at:#x} llvm-mc {:02x?}, jitasm {:02x?}",
                        &want[at..(at + 4).min(len)],
                        &a.bytes[at..(at + 4).min(len)]
                    );
                }
                words += 1;
            }
            (other, _) => panic!("{text}: malformed line {other:?}"),
        }
    }
    eprintln!("{words} programs match llvm-mc, {errors} refused as llvm-mc refuses them");
    assert!(
        words >= 150 && errors >= 25,
        "{words} programs, {errors} errors"
    );
}

/// The dynasm spelling of labels (`->global`, `>local`, `<local`, `=>n`)
/// resolves to the same words as the GNU spelling.
#[test]
fn dynasm_labels_give_the_gnu_words() {
    let gnu = jitasm::assemble(
        Arch::Aarch64,
        "top: cbz x0, done\n sub x0, x0, #1\n b top\n done: adr x1, top\n ret",
    )
    .unwrap();
    let opts = AsmOptions::new(Arch::Aarch64).syntax(jitasm::Syntax::Dynasm);
    for text in [
        "top: cbz x0, >done\n sub x0, x0, #1\n b <top\n done: adr x1, <top\n ret",
        "->top: cbz x0, ->done\n sub x0, x0, #1\n b ->top\n ->done: adr x1, ->top\n ret",
    ] {
        let a = jitasm::assemble_with(text, &opts, 0).unwrap_or_else(|e| panic!("{}", e.render()));
        assert_eq!(a.bytes, gnu, "{text}");
    }
    // Dynamic labels, through an output that hands them out.
    let mut asm = jitasm::VecAssembler::<jitasm::isa::Aarch64>::new(0);
    let l = jitasm::LabelApi::new_dynamic_label(&mut asm);
    let text = format!(
        "=>{0}: cbz x0, >done\n sub x0, x0, #1\n b =>{0}\n done: adr x1, =>{0}\n ret",
        l.index()
    );
    jitasm::assemble_into(&mut asm, &text, &opts).unwrap();
    assert_eq!(asm.finalize().unwrap(), gnu);
}
