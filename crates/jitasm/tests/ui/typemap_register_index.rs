use jitasm::{dynasm, isa::X64, VecAssembler};

#[repr(C)]
struct Point {
    x: i64,
}

fn main() {
    let mut ops = VecAssembler::<X64>::new(0);
    dynasm!(ops
        ; mov rax, QWORD rdi => Point[rcx].x
    );
}
