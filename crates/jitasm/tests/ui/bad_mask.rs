use jitasm::{dynasm, isa::X64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<X64>::new(0);
    dynasm!(ops
        ; vaddps zmm1{k9}, zmm2, zmm3
    );
}
