use jitasm::{dynasm, isa::X64, VecAssembler};

fn main() {
    let mut ops = VecAssembler::<X64>::new(0);
    dynasm!(ops
        ; jmp BYTE >far
        ; .bytes [0u8; 4].as_slice()
        ; jmp BYTE >far
        ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0
        ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0
        ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0 ; mov rax, QWORD 0
        ; mov rax, QWORD 0 ; mov rax, QWORD 0
        ; far:
        ; ret
    );
}
