use jitasm::{dynasm, isa::X64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<X64>::new(0);
    let r: u8 = 1;
    dynasm!(ops
        ; .arch x86 ; mov Rq(r), rax
    );
}
