//! The builder's condition-code synonyms emit what the text names emit.

use jitasm_core::{LabelRef, LabelTarget};
use jitasm_runtime::{isa::X64, VecAssembler};
use jitasm_x64::builder::{prelude::*, regs::*, short, Builder};
use jitasm_x64::{Mnemonic, Mode};

#[test]
fn synonyms_encode_like_their_table_mnemonic() {
    let mut a = VecAssembler::<X64>::new(0);
    let mut b = Builder::new(&mut a, Mode::Long);
    let t = LabelRef::new(LabelTarget::Extern(0));
    b.jz(short(t)).unwrap();
    b.jnae(t).unwrap();
    b.setnz(al).unwrap();
    b.cmovpe(rax, rcx).unwrap();
    b.cmovnle(r9d, r10d).unwrap();
    let mut want = VecAssembler::<X64>::new(0);
    let mut w = Builder::new(&mut want, Mode::Long);
    w.je(short(t)).unwrap();
    w.jb(t).unwrap();
    w.setne(al).unwrap();
    w.cmovp(rax, rcx).unwrap();
    w.cmovg(r9d, r10d).unwrap();
    assert_eq!(a.finalize().unwrap(), want.finalize().unwrap());
    // and the text-side names resolve to the same mnemonics
    for (alias, canonical) in [
        ("jz", "je"),
        ("jnae", "jb"),
        ("setnz", "setne"),
        ("cmovpe", "cmovp"),
        ("cmovnle", "cmovg"),
    ] {
        assert_eq!(Mnemonic::parse(alias), Mnemonic::parse(canonical));
    }
}
