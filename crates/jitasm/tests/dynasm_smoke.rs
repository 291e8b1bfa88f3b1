use jitasm::{dynasm, isa::X64, VecAssembler};

#[test]
fn smoke() {
    let mut ops = VecAssembler::<X64>::new(0);
    let n: i32 = 42;
    let r: u8 = 1;
    dynasm!(ops
        ; mov eax, n
        ; add Rq(r), 8
        ; ret
    );
    assert_eq!(ops.finalize().unwrap(), [0xB8, 42, 0, 0, 0, 0x48, 0x83, 0xC1, 0x08, 0xC3]);
}
