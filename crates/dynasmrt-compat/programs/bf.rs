//! A brainfuck compiler: runs of `+ - < >` fold into one instruction, loops
//! use a pair of dynamic labels each, I/O calls back into Rust.

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem;

/// The machine state the compiled code works on.
pub struct State<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

macro_rules! bf_asm {
    ($ops:ident $($t:tt)*) => {
        dynasm!($ops
            ; .arch x64
            ; .alias a_state, r12
            ; .alias a_cell, r13
            ; .alias a_tape_end, r14
            $($t)*
        )
    }
}

extern "sysv64" fn put(state: *mut State, byte: u8) {
    // SAFETY: the compiled code passes the state it was called with.
    unsafe { (*state).output.push(byte) }
}

extern "sysv64" fn get(state: *mut State) -> u8 {
    // SAFETY: as for `put`.
    let state = unsafe { &mut *state };
    match state.input.split_first() {
        Some((&b, rest)) => {
            state.input = rest;
            b
        }
        None => 0,
    }
}

extern "sysv64" fn overflow() -> u8 {
    1
}

/// Why a program did not compile or run.
#[derive(Debug, PartialEq, Eq)]
pub enum BfError {
    /// A `]` without `[` or the reverse, at this byte of the program.
    Unbalanced(usize),
    /// The cell pointer left the tape.
    TapeOverflow,
}

/// A compiled program.
pub struct Program {
    code: dynasmrt::ExecutableBuffer,
    entry: dynasmrt::AssemblyOffset,
}

const TAPE: usize = 30_000;

/// Compiles `source`.
pub fn compile(source: &str) -> Result<Program, BfError> {
    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
    let mut loops = Vec::new();
    let entry = ops.offset();
    let (put, get, overflow) = (
        put as *const () as i64,
        get as *const () as i64,
        overflow as *const () as i64,
    );

    // fn(state: *mut State, tape: *mut u8) -> u8 (0: ok, 1: overflow)
    bf_asm!(ops
        ; push a_state
        ; push a_cell
        ; push a_tape_end
        ; mov a_state, rdi
        ; mov a_cell, rsi
        ; lea a_tape_end, [rsi + TAPE as i32]
    );

    let code = source.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        let run = code[i..].iter().take_while(|&&x| x == c).count();
        let mut used = 1;
        match c {
            b'>' | b'<' => {
                used = run;
                let step = run as i32;
                if c == b'>' {
                    bf_asm!(ops
                        ; add a_cell, step
                        ; cmp a_cell, a_tape_end
                        ; jae ->overflow
                    );
                } else {
                    bf_asm!(ops
                        ; sub a_cell, step
                        ; lea rax, [a_tape_end - TAPE as i32]
                        ; cmp a_cell, rax
                        ; jb ->overflow
                    );
                }
            }
            b'+' | b'-' => {
                used = run;
                let amount = (run % 256) as u8 as i8;
                if c == b'+' {
                    bf_asm!(ops ; add BYTE [a_cell], amount);
                } else {
                    bf_asm!(ops ; sub BYTE [a_cell], amount);
                }
            }
            b'.' => bf_asm!(ops
                ; mov rdi, a_state
                ; movzx esi, BYTE [a_cell]
                ; mov rax, QWORD put
                ; call rax
            ),
            b',' => bf_asm!(ops
                ; mov rdi, a_state
                ; mov rax, QWORD get
                ; call rax
                ; mov BYTE [a_cell], al
            ),
            b'[' => {
                let start = ops.new_dynamic_label();
                let end = ops.new_dynamic_label();
                loops.push((start, end, i));
                bf_asm!(ops
                    ; cmp BYTE [a_cell], 0
                    ; jz =>end
                    ; =>start
                );
            }
            b']' => {
                let (start, end, _) = loops.pop().ok_or(BfError::Unbalanced(i))?;
                bf_asm!(ops
                    ; cmp BYTE [a_cell], 0
                    ; jnz =>start
                    ; =>end
                );
            }
            _ => {}
        }
        i += used;
    }
    if let Some((_, _, at)) = loops.pop() {
        return Err(BfError::Unbalanced(at));
    }

    bf_asm!(ops
        ; xor eax, eax
        ; ->exit:
        ; pop a_tape_end
        ; pop a_cell
        ; pop a_state
        ; ret
        ; ->overflow:
        ; mov rax, QWORD overflow
        ; call rax
        ; jmp ->exit
    );

    let code = ops.finalize().unwrap();
    Ok(Program { code, entry })
}

impl Program {
    /// Runs the program on `input`, returning its output.
    pub fn run(&self, input: &[u8]) -> Result<Vec<u8>, BfError> {
        let mut tape = vec![0u8; TAPE];
        let mut state = State {
            input,
            output: Vec::new(),
        };
        // SAFETY: `entry` starts the function compiled above, of this type.
        let f: extern "sysv64" fn(*mut State, *mut u8) -> u8 =
            unsafe { mem::transmute(self.code.ptr(self.entry)) };
        match f(&mut state, tape.as_mut_ptr()) {
            0 => Ok(state.output),
            _ => Err(BfError::TapeOverflow),
        }
    }

    /// The size of the machine code.
    pub fn code_size(&self) -> usize {
        self.code.len()
    }
}
