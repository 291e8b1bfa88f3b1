use jitasm::{dynasm, isa::X64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<X64>::new(0);
    let n: i32 = 4;
    dynasm!(ops
        ; mov rax, [rbx + rcx * n]
    );
}
