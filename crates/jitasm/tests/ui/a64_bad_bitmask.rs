use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    dynasm!(ops
        ; .arch aarch64
        ; and x0, x1, #0x1234
    );
}
