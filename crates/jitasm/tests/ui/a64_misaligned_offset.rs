use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    dynasm!(ops
        ; .arch aarch64
        ; ldp x0, x1, [sp, #12]
    );
}
