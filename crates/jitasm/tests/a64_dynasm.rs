use jitasm::{dynasm, isa::Aarch64, VecAssembler};

#[test]
fn smoke() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    let r: u8 = 3;
    let imm: u32 = 0xff;
    dynasm!(ops
        ; .arch aarch64
        ; add x0, x1, #4
        ; add X(r), x1, #imm
        ; and x0, X(r), #imm
        ; ldr x0, [X(r), #8]
        ; ldr q0, [x0]
        ; ld1 {v0.b16 * 4}, [x1]
        ; b.eq >done
        ; mov x0, #imm
        ; done:
        ; ret
    );
    let code = ops.finalize().unwrap();
    let text = jitasm::assemble(jitasm::Arch::Aarch64, "add x0, x1, #4\nadd x3, x1, #255\nand x0, x3, #255\nldr x0, [x3, #8]\nldr q0, [x0]\nld1 {v0.16b-v3.16b}, [x1]\nb.eq 1f\nmov x0, #255\n1: ret").unwrap();
    assert_eq!(code, text);
}
