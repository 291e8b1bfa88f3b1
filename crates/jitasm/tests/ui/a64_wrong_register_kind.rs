use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    dynasm!(ops
        ; .arch aarch64
        ; fadd d0, d1, s2
    );
}
