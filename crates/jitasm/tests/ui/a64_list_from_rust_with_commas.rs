use jitasm::{dynasm, isa::Aarch64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    let n: u8 = 3;
    dynasm!(ops
        ; .arch aarch64
        ; ld1 {V(n).s4, V(n + 1).s4}, [x0]
    );
}
