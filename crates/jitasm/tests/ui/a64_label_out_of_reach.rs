use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    dynasm!(ops
        ; .arch aarch64
        ; tbz x0, #3, >far
        ; .zero 32768
        ; far:
        ; ret
    );
}
