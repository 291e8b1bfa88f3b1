//! Text emitted into an `Assembler` beside builder code: labels cross
//! between the two front ends, named constants and external symbols come
//! from the caller, and the result runs on the host.
#![cfg(all(target_arch = "x86_64", unix))]

use jitasm::x64::builder::{prelude::*, regs::*, Builder};
use jitasm::x64::Mode;
use jitasm::{
    assemble_into, isa::X64, Arch, AsmOptions, Assembler, LabelApi, LabelRef, LabelTarget, Syntax,
};

extern "sysv64" fn triple(x: i64) -> i64 {
    3 * x
}

#[test]
fn text_and_builder_share_labels_constants_and_symbols() {
    let mut asm = Assembler::<X64>::new().unwrap();
    let opts = AsmOptions::new(Arch::X64)
        .constant("BIAS", 100)
        .symbol("triple", triple as *const () as u64);

    // Builder: `twice(x) = 2 * x`, defined as the global label `twice`.
    asm.define_global("twice").unwrap();
    {
        let mut b = Builder::new(&mut asm, Mode::Long);
        b.lea(rax, jitasm::x64::builder::ptr(rdi + rdi)).unwrap();
        b.ret().unwrap();
    }

    // Text: f(x) = triple(twice(x)) + BIAS, calling the builder's label and
    // the caller's symbol, with the stack aligned for the call.
    let entry = asm.offset();
    assemble_into(
        &mut asm,
        "
        entry:
            push rbx            # also aligns the stack to 16 for the calls
            call twice
            mov rdi, rax
            mov rax, offset triple  # an external symbol's address (a
            call rax                # direct `call` may not reach it)
            add rax, BIAS
            pop rbx
            ret
        ",
        &opts,
    )
    .unwrap();

    // Builder code jumping to the text's label `entry`.
    let via_builder = asm.offset();
    {
        let mut b = Builder::new(&mut asm, Mode::Long);
        b.jmp(LabelRef::new(LabelTarget::Global("entry"))).unwrap();
    }

    // dynasm-syntax text in the same output, with a local label and a
    // reference to the GNU text's global label.
    let dynasm = asm.offset();
    assemble_into(
        &mut asm,
        "mov rcx, rdi ; top: dec rcx ; jnz <top ; jmp ->entry",
        &AsmOptions::new(Arch::X64).syntax(Syntax::Dynasm),
    )
    .unwrap();

    let code = asm.finalize().unwrap();
    // SAFETY: each offset starts a function of the given signature, built
    // above for this CPU, following the SysV calling convention.
    let (f, g, h) = unsafe {
        (
            code.func::<extern "sysv64" fn(i64) -> i64>(entry).unwrap(),
            code.func::<extern "sysv64" fn(i64) -> i64>(via_builder)
                .unwrap(),
            code.func::<extern "sysv64" fn(i64) -> i64>(dynasm).unwrap(),
        )
    };
    for x in [-5, 0, 1, 7, 1000] {
        assert_eq!(f(x), 6 * x + 100);
        assert_eq!(g(x), 6 * x + 100);
    }
    assert_eq!(h(4), 6 * 4 + 100);
}

#[test]
fn a_direct_call_out_of_rel32_range_is_an_error_not_wrong_bytes() {
    let mut asm = Assembler::<X64>::new().unwrap();
    let far = 0x7fff_0000_0000u64;
    let opts = AsmOptions::new(Arch::X64).symbol("far_away", far);
    assemble_into(&mut asm, "call far_away", &opts).unwrap();
    let reachable = asm.address_of(0).unwrap().abs_diff(far) < 1 << 31;
    match asm.finalize() {
        Err(jitasm::Error::Fixup { .. }) => assert!(!reachable),
        Ok(_) => assert!(reachable),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn text_reports_labels_it_cannot_see_when_the_output_resolves() {
    let mut asm = Assembler::<X64>::new().unwrap();
    // Not standalone: `elsewhere` may be defined by other code; it is not.
    assemble_into(&mut asm, "jmp elsewhere", &AsmOptions::new(Arch::X64)).unwrap();
    assert!(matches!(
        asm.finalize(),
        Err(jitasm::Error::UnknownLabel { .. })
    ));
}

/// A label alone in a memory operand is RIP-relative in dynasm syntax (as
/// dynasm-rs encodes it) and absolute in GNU syntax (as llvm-mc encodes
/// it); in 32-bit mode both are absolute.
#[test]
fn label_memory_operands_follow_each_syntax() {
    let asm = |syntax, arch, text: &str| {
        let opts = AsmOptions::new(arch).syntax(syntax);
        jitasm::assemble_with(text, &opts, 0x1000).unwrap().bytes
    };
    let dynasm = asm(
        Syntax::Dynasm,
        Arch::X64,
        "lea rdi, [->g]; mov eax, [->g + 8]; ->g: ret",
    );
    let gnu_rip = asm(
        Syntax::Gnu,
        Arch::X64,
        "lea rdi, [rip + g]; mov eax, [rip + g + 8]; g: ret",
    );
    assert_eq!(dynasm, gnu_rip);
    let gnu_abs = asm(Syntax::Gnu, Arch::X64, "lea rdi, [g]; g: ret");
    let gnu_abs_dynasm_label = asm(Syntax::Gnu, Arch::X64, "lea rdi, [->g]; ->g: ret");
    assert_eq!(gnu_abs, gnu_abs_dynasm_label);
    assert_ne!(gnu_abs[..3], dynasm[..3]);
    let x86_dynasm = asm(Syntax::Dynasm, Arch::X86, "lea edi, [->g]; ->g: ret");
    let x86_gnu = asm(Syntax::Gnu, Arch::X86, "lea edi, [g]; g: ret");
    assert_eq!(x86_dynasm, x86_gnu);
}
