use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    let n: u8 = 3;
    // A register number from Rust: the kind is still checked while compiling.
    dynasm!(ops
        ; .arch aarch64
        ; add x0, x1, V(n).s4
    );
}
