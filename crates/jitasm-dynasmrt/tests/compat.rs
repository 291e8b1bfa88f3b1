//! jitasm-dynasmrt's own behaviour where it matters beyond the shared
//! programs of `dynasmrt-compat`: panics where dynasmrt panics, the
//! relocation API, code generic over the traits, and imports the expansion
//! uses (`deny(unused_imports)` fails this file if it does not).
#![deny(unused_imports)]

use jitasm_dynasmrt as dynasmrt;

use dynasmrt::relocations::{Relocation, RelocationKind, RelocationSize};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, AssemblyOffset, DynasmApi, DynasmError, DynasmLabelApi, TargetKind};

fn vec() -> dynasmrt::VecAssembler<X64Relocation> {
    dynasmrt::VecAssembler::new(0x10_0000)
}

#[test]
#[should_panic(expected = "16")]
fn a_register_number_out_of_range_panics_at_emission() {
    let mut ops = vec();
    let r: u8 = 16;
    dynasm!(ops ; .arch x64 ; mov Rq(r), rax);
}

#[test]
#[should_panic(expected = "xmm16")]
fn an_sse_register_past_xmm15_panics_at_emission() {
    let mut ops = vec();
    let r: u8 = 16;
    dynasm!(ops ; .arch x64 ; addps Rx(r), xmm1);
}

#[test]
fn registers_at_their_limits_are_encoded() {
    let mut ops = vec();
    let (q, x) = (15u8, 15u8);
    dynasm!(ops ; .arch x64 ; mov Rq(q), rax ; addps Rx(x), xmm1);
    let mut want = vec();
    dynasm!(want ; .arch x64 ; mov r15, rax ; addps xmm15, xmm1);
    assert_eq!(ops.finalize().unwrap(), want.finalize().unwrap());
}

/// Code generic over the traits expands and runs on every assembler.
fn countdown<D: DynasmLabelApi<Relocation = X64Relocation>>(ops: &mut D, n: i32) -> AssemblyOffset {
    let start = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov eax, n
        ; again:
        ; dec eax
        ; jnz <again
        ; jmp ->out
        ; int3
        ; ->out:
        ; ret
    );
    start
}

#[test]
fn generic_code_emits_the_same_bytes_everywhere() {
    let mut v = vec();
    countdown(&mut v, 5);
    let from_vec = v.finalize().unwrap();

    let mut a = dynasmrt::x64::Assembler::new().unwrap();
    let start = countdown(&mut a, 5);
    let code = a.finalize().unwrap();
    assert_eq!(&code[..], &from_vec[..]);
    assert_eq!(start.0, 0);
    #[cfg(all(target_arch = "x86_64", unix))]
    {
        // SAFETY: `countdown` emits a function of this type.
        let f: extern "sysv64" fn() -> i32 = unsafe { std::mem::transmute(code.ptr(start)) };
        assert_eq!(f(), 0);
    }
}

#[test]
fn hand_written_relocations_match_the_macro() {
    let mut by_macro = vec();
    let target = by_macro.new_dynamic_label();
    dynasm!(by_macro
        ; .arch x64
        ; jmp ->g
        ; jmp =>target
        ; ->g:
        ; =>target
        ; ret
    );
    let want = by_macro.finalize().unwrap();

    let mut by_hand = vec();
    let target = by_hand.new_dynamic_label();
    let rel32 = X64Relocation::from_size(RelocationKind::Relative, RelocationSize::DWord);
    by_hand.extend([0xE9, 0, 0, 0, 0]);
    by_hand.global_relocation("g", 0, 4, 0, rel32);
    by_hand.push(0xE9);
    by_hand.push_u32(0);
    // dynasm-rs's encoded form: relative (bits 7-6 = 0), dword (2).
    by_hand.dynamic_reloc(target, 0, 4, 0, 2);
    by_hand.global_label("g");
    by_hand.dynamic_label(target);
    by_hand.push(0xC3);
    assert_eq!(by_hand.finalize().unwrap(), want);
}

#[test]
fn relocations_out_of_range_are_reported_by_commit() {
    let mut ops = vec();
    dynasm!(ops ; .arch x64 ; jmp BYTE ->far);
    ops.extend(std::iter::repeat(0x90).take(200));
    dynasm!(ops ; .arch x64 ; ->far: ret);
    let e = ops.commit().unwrap_err();
    assert_eq!(
        e,
        DynasmError::ImpossibleRelocation(TargetKind::Global("far"))
    );
    assert_eq!(e.to_string(), "Impossible relocation: 'target ->far'");
}

#[test]
fn data_and_alignment_follow_dynasmrt() {
    let mut ops = dynasmrt::SimpleAssembler::new();
    ops.push_i8(-1);
    ops.push_u16(0x1234);
    ops.push_i32(-2);
    ops.align(8, 0xAA);
    ops.push_u64(7);
    ops.align(3, 0); // any alignment, counted in offsets
    let mut want = vec![0xFF, 0x34, 0x12];
    want.extend((-2i32).to_le_bytes());
    want.push(0xAA);
    want.extend(7u64.to_le_bytes());
    want.extend([0, 0]);
    assert_eq!(ops.offset(), AssemblyOffset(want.len()));
    {
        let mut m = ops.alter();
        m.goto(AssemblyOffset(1));
        m.push(0x78);
        m.check_exact(AssemblyOffset(2)).unwrap();
        assert_eq!(m.check(AssemblyOffset(1)), Err(DynasmError::CheckFailed));
    }
    want[1] = 0x78;
    assert_eq!(ops.finalize(), want);
}

#[test]
#[should_panic(expected = "outside the uncommitted code")]
fn writing_past_the_end_through_alter_panics() {
    let mut ops = vec();
    dynasm!(ops ; .arch x64 ; nop);
    let mut m = ops.alter();
    m.goto(AssemblyOffset(1));
    dynasm!(m ; .arch x64 ; nop);
}

#[test]
fn x86_code_assembles_in_32_bit_mode() {
    let mut ops = dynasmrt::VecAssembler::<dynasmrt::x86::X86Relocation>::new(0);
    let r = dynasmrt::x86::Rd::ESI;
    dynasm!(ops ; .arch x86 ; inc Rd(r as u8) ; push ebp ; ret);
    assert_eq!(ops.finalize().unwrap(), [0x46, 0x55, 0xC3]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn a_pointer_past_the_code_panics() {
    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
    dynasm!(ops ; .arch x64 ; ret);
    let code = ops.finalize().unwrap();
    let _ = code.ptr(AssemblyOffset(1));
}

#[test]
fn labels_can_be_looked_up() {
    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
    let d = ops.new_dynamic_label();
    dynasm!(ops ; .arch x64 ; nop ; ->g: ; nop ; =>d ; ret);
    let labels = ops.labels();
    assert_eq!(
        labels.resolve_static(&dynasmrt::StaticLabel::global("g")),
        Ok(AssemblyOffset(1))
    );
    assert_eq!(labels.resolve_dynamic(d), Ok(AssemblyOffset(2)));
    assert!(labels
        .resolve_static(&dynasmrt::StaticLabel::global("nope"))
        .is_err());
}
