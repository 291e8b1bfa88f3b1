//! Greetings: generated code calls back into Rust to print strings stored
//! beside the code, found through global and dynamic labels.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::cell::RefCell;
use std::{mem, slice};

thread_local! {
    static PRINTED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

extern "sysv64" fn print(text: *const u8, len: u64) -> u64 {
    // SAFETY: the generated code passes a string it holds and its length.
    let bytes = unsafe { slice::from_raw_parts(text, len as usize) };
    PRINTED.with(|p| p.borrow_mut().extend_from_slice(bytes));
    len
}

/// Builds one function that prints a greeting for each name, then returns
/// the number of bytes printed; runs it and returns what it printed and the
/// count.
pub fn run(names: &[&str]) -> (String, u64) {
    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
    let greeting = "Hello, ";

    dynasm!(ops
        ; .arch x64
        ; ->greeting:
        ; .bytes greeting.as_bytes()
        ; ->newline:
        ; .u8 b'\n' as _
    );
    let mut labels = Vec::new();
    for name in names {
        let label = ops.new_dynamic_label();
        dynasm!(ops
            ; .arch x64
            ; =>label
            ; .bytes name.as_bytes()
        );
        labels.push((label, name.len()));
    }

    let entry = ops.offset();
    let print_addr = print as *const () as i64;
    dynasm!(ops
        ; .arch x64
        ; push rbx
        ; push r12
        ; sub rsp, 8
        ; xor ebx, ebx
        ; mov r12, QWORD print_addr
    );
    for (label, len) in labels {
        dynasm!(ops
            ; .arch x64
            ; lea rdi, [->greeting]
            ; mov esi, greeting.len() as _
            ; call r12
            ; add rbx, rax
            ; lea rdi, [=>label]
            ; mov esi, len as _
            ; call r12
            ; add rbx, rax
            ; lea rdi, [->newline]
            ; mov esi, 1
            ; call r12
            ; add rbx, rax
        );
    }
    dynasm!(ops
        ; .arch x64
        ; mov rax, rbx
        ; add rsp, 8
        ; pop r12
        ; pop rbx
        ; ret
    );

    let code = ops.finalize().unwrap();
    // SAFETY: `entry` starts the function emitted above, of this type.
    let greet: extern "sysv64" fn() -> u64 = unsafe { mem::transmute(code.ptr(entry)) };
    PRINTED.with(|p| p.borrow_mut().clear());
    let count = greet();
    let text = PRINTED.with(|p| String::from_utf8(p.borrow().clone()).unwrap());
    (text, count)
}
