use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    let v: u32 = 3;
    // The value comes at run time, but `lsl #8` is wrong for any value.
    dynasm!(ops
        ; .arch aarch64
        ; movz x0, #v, lsl #8
    );
}
