//! Progressive compilation: functions at dynamic labels, run from another
//! thread through an `Executor` while more code is appended and committed,
//! committed code patched with `alter`, uncommitted code with
//! `alter_uncommitted`, and label errors reported by `commit`.

use dynasmrt::{dynasm, AssemblyOffset, DynasmApi, DynasmError, DynasmLabelApi, LabelKind};
use std::mem;

type Func = extern "sysv64" fn(i64) -> i64;

fn call(exec: &dynasmrt::Executor, at: AssemblyOffset, arg: i64) -> i64 {
    let lock = exec.lock();
    // SAFETY: every function this program emits has type `Func`, and the
    // lock keeps the code in place while it runs.
    let f: Func = unsafe { mem::transmute(lock.ptr(at)) };
    f(arg)
}

/// What the program observed.
#[derive(Debug, PartialEq, Eq)]
pub struct Observed {
    /// `f_k(x)` for each generated function `k` (`x * (k + 1) + k`),
    /// called from another thread.
    pub first: Vec<i64>,
    /// A function appended after the first commit (`x * x`).
    pub appended: i64,
    /// Results after `alter` rewrote the immediate of function 0.
    pub altered: i64,
    /// A placeholder overwritten before its commit.
    pub uncommitted: i64,
    /// A `VecAssembler`'s bytes for a forward jump over a `nop`.
    pub vec_bytes: Vec<u8>,
    /// The error `commit` gives for a jump to an undefined global label.
    pub unknown: DynasmError,
    /// The error `commit` gives for a global label defined twice.
    pub duplicate: DynasmError,
    /// The modifier's `check_exact` after rewriting exactly one instruction.
    pub check_ok: bool,
}

/// Runs the program with `n` generated functions, called with `x`.
pub fn run(n: usize, x: i64) -> Observed {
    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
    let mut labels = Vec::new();
    let mut patch_at = AssemblyOffset(0);
    for k in 0..n {
        let label = ops.new_dynamic_label();
        labels.push(label);
        let mul = k as i32 + 1;
        dynasm!(ops
            ; .arch x64
            ; =>label
            ; imul rax, rdi, mul
        );
        if k == 0 {
            patch_at = ops.offset();
        }
        dynasm!(ops
            ; .arch x64
            ; add rax, DWORD k as i32
            ; ret
        );
    }
    ops.commit().unwrap();
    let offsets: Vec<AssemblyOffset> = labels
        .iter()
        .map(|&l| ops.labels().resolve_dynamic(l).unwrap())
        .collect();

    let exec = ops.reader();
    let first = std::thread::scope(|s| {
        s.spawn(|| offsets.iter().map(|&o| call(&exec, o, x)).collect())
            .join()
            .unwrap()
    });

    // Append while the executor keeps its view.
    let square = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov rax, rdi
        ; imul rax, rdi
        ; ret
    );
    ops.commit().unwrap();
    let appended = std::thread::scope(|s| s.spawn(|| call(&exec, square, x)).join().unwrap());

    // Rewrite function 0's `add rax, imm32` to add 1000.
    let end = AssemblyOffset(patch_at.0 + 6);
    let check_ok = ops
        .alter(|m| {
            m.goto(patch_at);
            dynasm!(m
                ; .arch x64
                ; add rax, DWORD 1000
            );
            m.check_exact(end).is_ok()
        })
        .unwrap();
    let altered = call(&exec, offsets[0], x);

    // A placeholder overwritten before commit.
    let placeholder = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov eax, DWORD 0
        ; ret
    );
    {
        let mut m = ops.alter_uncommitted();
        m.goto(placeholder);
        dynasm!(m
            ; .arch x64
            ; mov eax, DWORD 77
        );
    }
    ops.commit().unwrap();
    let uncommitted = call(&exec, placeholder, 0);

    let mut v = dynasmrt::VecAssembler::<dynasmrt::x64::X64Relocation>::new(0x1000);
    dynasm!(v
        ; .arch x64
        ; jmp ->end
        ; nop
        ; ->end:
        ; ret
    );
    let vec_bytes = v.take().unwrap();

    dynasm!(v
        ; .arch x64
        ; jmp ->missing
    );
    let unknown = v.commit().unwrap_err();

    let mut w = dynasmrt::VecAssembler::<dynasmrt::x64::X64Relocation>::new(0);
    dynasm!(w
        ; .arch x64
        ; ->twice:
        ; nop
    );
    dynasm!(w
        ; .arch x64
        ; ->twice:
        ; ret
    );
    let duplicate = w.commit().unwrap_err();
    assert!(matches!(
        duplicate,
        DynasmError::DuplicateLabel(LabelKind::Global("twice"))
    ));

    Observed {
        first,
        appended,
        altered,
        uncommitted,
        vec_bytes,
        unknown,
        duplicate,
        check_ok,
    }
}
