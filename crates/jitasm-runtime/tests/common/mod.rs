//! Hand-encoded machine code for the host CPU, used by the runtime's tests
//! before any encoder exists. Every word was checked against llvm-mc; the
//! assembly is beside it.
#![allow(dead_code)]

use jitasm_core::{fixup, ByteSink, CodeSink, LabelRef, LabelTarget};
use jitasm_runtime::{Assembler, AssemblerOptions, LabelApi, Strategy};

#[cfg(target_arch = "x86_64")]
pub type Host = jitasm_core::isa::X64;
#[cfg(target_arch = "aarch64")]
pub type Host = jitasm_core::isa::Aarch64;
#[cfg(target_arch = "riscv64")]
pub type Host = jitasm_core::isa::Riscv64;

/// Both strategies where supported.
pub fn strategies() -> Vec<Strategy> {
    [Strategy::DualMap, Strategy::Protect]
        .into_iter()
        .filter(|s| s.is_supported())
        .collect()
}

pub fn assembler(strategy: Strategy) -> Assembler<Host> {
    Assembler::with_options(AssemblerOptions {
        strategy,
        ..AssemblerOptions::default()
    })
    .expect("reserve code memory")
}

pub fn local(name: &str, forward: bool) -> LabelRef<'_> {
    LabelRef::new(LabelTarget::Local { name, forward })
}

pub fn global(name: &str) -> LabelRef<'_> {
    LabelRef::new(LabelTarget::Global(name))
}

fn word(asm: &mut impl ByteSink, w: u32) {
    asm.extend_from_slice(&w.to_le_bytes());
}

/// Returns `v` (0..=2047) in the integer return register. Always the same
/// length for a given architecture, so it can be rewritten in place.
pub fn ret_const(asm: &mut impl ByteSink, v: u32) {
    assert!(v < 2048);
    #[cfg(target_arch = "x86_64")]
    {
        asm.push(0xB8); // mov eax, imm32
        asm.extend_from_slice(&v.to_le_bytes());
        asm.push(0xC3); // ret
    }
    #[cfg(target_arch = "aarch64")]
    {
        word(asm, 0x5280_0000 | (v << 5)); // mov w0, #v
        word(asm, 0xD65F_03C0); // ret
    }
    #[cfg(target_arch = "riscv64")]
    {
        word(asm, 0x0000_0513 | (v << 20)); // li a0, v
        word(asm, 0x0000_8067); // ret
    }
}

/// Length of [`ret_const`].
pub const RET_CONST_LEN: usize = if cfg!(target_arch = "x86_64") { 6 } else { 8 };

/// An unconditional jump to `label`.
pub fn jump(asm: &mut impl CodeSink, label: LabelRef<'_>) {
    let at = asm.offset();
    #[cfg(target_arch = "x86_64")]
    {
        asm.extend_from_slice(&[0xE9, 0, 0, 0, 0]); // jmp rel32
        asm.fixup(label, &fixup::x86::REL32, at + 1, at + 5);
    }
    #[cfg(target_arch = "aarch64")]
    {
        word(asm, 0x1400_0000); // b label
        asm.fixup(label, &fixup::aarch64::B26, at, at);
    }
    #[cfg(target_arch = "riscv64")]
    {
        word(asm, 0x0000_006F); // j label
        asm.fixup(label, &fixup::riscv::J20, at, at);
    }
}

/// Length of [`jump`].
pub const JUMP_LEN: usize = if cfg!(target_arch = "x86_64") { 5 } else { 4 };

/// `sum(n) = n + (n-1) + … + 1` with a forward branch (`>done`) and a
/// backward branch (`<top`) through local labels.
pub fn sum_loop<A: LabelApi>(asm: &mut A) {
    #[cfg(target_arch = "x86_64")]
    {
        asm.extend_from_slice(&[0x31, 0xC0, 0x48, 0x85, 0xFF, 0x74, 0]); // xor eax,eax; test rdi,rdi; jz >done
        let o = asm.offset();
        asm.fixup(local("done", true), &fixup::x86::REL8, o - 1, o);
        asm.define_local("top").unwrap();
        asm.extend_from_slice(&[0x48, 0x01, 0xF8, 0x48, 0xFF, 0xCF, 0x75, 0]); // add rax,rdi; dec rdi; jnz <top
        let o = asm.offset();
        asm.fixup(local("top", false), &fixup::x86::REL8, o - 1, o);
        asm.define_local("done").unwrap();
        asm.push(0xC3);
    }
    #[cfg(target_arch = "aarch64")]
    {
        use fixup::aarch64::BCOND19;
        word(asm, 0xAA00_03E1); // mov x1, x0
        word(asm, 0xD280_0000); // mov x0, #0
        let o = asm.offset();
        word(asm, 0xB400_0001); // cbz x1, >done
        asm.fixup(local("done", true), &BCOND19, o, o);
        asm.define_local("top").unwrap();
        word(asm, 0x8B01_0000); // add x0, x0, x1
        word(asm, 0xF100_0421); // subs x1, x1, #1
        let o = asm.offset();
        word(asm, 0x5400_0001); // b.ne <top
        asm.fixup(local("top", false), &BCOND19, o, o);
        asm.define_local("done").unwrap();
        word(asm, 0xD65F_03C0); // ret
    }
    #[cfg(target_arch = "riscv64")]
    {
        use fixup::riscv::B12;
        word(asm, 0x0005_0593); // mv a1, a0
        word(asm, 0x0000_0513); // li a0, 0
        let o = asm.offset();
        word(asm, 0x0005_8063); // beqz a1, >done
        asm.fixup(local("done", true), &B12, o, o);
        asm.define_local("top").unwrap();
        word(asm, 0x00B5_0533); // add a0, a0, a1
        word(asm, 0xFFF5_8593); // addi a1, a1, -1
        let o = asm.offset();
        word(asm, 0x0005_9063); // bnez a1, <top
        asm.fixup(local("top", false), &B12, o, o);
        asm.define_local("done").unwrap();
        word(asm, 0x0000_8067); // ret
    }
}

/// A 64-bit absolute address literal holding `label`, loaded into the
/// return register (`fn() -> u64` returning the label's address). Uses the
/// absolute fixup kind of the architecture.
pub fn return_address_of<A: LabelApi>(asm: &mut A, label: LabelRef<'_>) {
    #[cfg(target_arch = "x86_64")]
    {
        asm.extend_from_slice(&[0x48, 0xB8]); // movabs rax, imm64
        asm.emit_label_data(label, &fixup::x86::ABS64);
        asm.push(0xC3);
    }
    #[cfg(target_arch = "aarch64")]
    {
        asm.align(8, 0).unwrap();
        word(asm, 0x5800_0040); // ldr x0, #8 (the literal below)
        word(asm, 0xD65F_03C0); // ret
        asm.emit_label_data(label, &fixup::aarch64::ABS64);
    }
    #[cfg(target_arch = "riscv64")]
    {
        asm.align(8, 0).unwrap();
        word(asm, 0x0000_0517); // auipc a0, 0
        word(asm, 0x0105_3503); // ld a0, 16(a0)
        word(asm, 0x0000_8067); // ret
        word(asm, 0x0000_0013); // nop (keeps the literal 8-aligned)
        asm.emit_label_data(label, &fixup::riscv::ABS64);
    }
}

/// The callback of [`call_rust`]: mixes integer and float arguments.
pub extern "C" fn mix(a: i64, x: f64, b: i64, y: f64) -> f64 {
    a as f64 * x + b as f64 * y
}

/// `fn(a: i64, x: f64) -> f64` calling `mix(a, x, 3, 0.5)` in Rust through an
/// absolute address (an `Extern` label reference).
pub fn call_rust<A: LabelApi>(asm: &mut A) {
    let target = LabelRef::new(LabelTarget::Extern(mix as *const () as u64));
    #[cfg(target_arch = "x86_64")]
    {
        asm.extend_from_slice(&[0x48, 0x83, 0xEC, 0x08]); // sub rsp, 8
        asm.extend_from_slice(&[0xBE, 3, 0, 0, 0]); // mov esi, 3
        asm.extend_from_slice(&[0x48, 0xB8]); // movabs rax, 0.5
        asm.extend_from_slice(&0.5f64.to_bits().to_le_bytes());
        asm.extend_from_slice(&[0x66, 0x48, 0x0F, 0x6E, 0xC8]); // movq xmm1, rax
        asm.extend_from_slice(&[0x48, 0xB8]); // movabs rax, mix
        asm.emit_label_data(target, &fixup::x86::ABS64);
        asm.extend_from_slice(&[0xFF, 0xD0]); // call rax
        asm.extend_from_slice(&[0x48, 0x83, 0xC4, 0x08, 0xC3]); // add rsp, 8; ret
    }
    #[cfg(target_arch = "aarch64")]
    {
        word(asm, 0xA9BF_7BFD); // stp x29, x30, [sp, #-16]!
        word(asm, 0xD280_0061); // mov x1, #3
        word(asm, 0x1E6C_1001); // fmov d1, #0.5
        let o = asm.offset();
        word(asm, 0x5800_0010); // ldr x16, >addr
        asm.fixup(local("addr", true), &fixup::aarch64::BCOND19, o, o);
        word(asm, 0xD63F_0200); // blr x16
        word(asm, 0xA8C1_7BFD); // ldp x29, x30, [sp], #16
        word(asm, 0xD65F_03C0); // ret
        asm.align(8, 0).unwrap();
        asm.define_local("addr").unwrap();
        asm.emit_label_data(target, &fixup::aarch64::ABS64);
    }
    #[cfg(target_arch = "riscv64")]
    {
        use fixup::riscv::{PCREL_HI20, PCREL_LO12_I};
        word(asm, 0xFF01_0113); // addi sp, sp, -16
        word(asm, 0x0011_3423); // sd ra, 8(sp)
        word(asm, 0x0030_0593); // li a1, 3
        let o = asm.offset();
        word(asm, 0x0000_0297); // auipc t0, %pcrel_hi(>half)
        word(asm, 0x0002_B587); // fld fa1, %pcrel_lo(t0)
        asm.fixup(local("half", true), &PCREL_HI20, o, o);
        asm.fixup(local("half", true), &PCREL_LO12_I, o + 4, o);
        let o = asm.offset();
        word(asm, 0x0000_0297); // auipc t0, %pcrel_hi(>addr)
        word(asm, 0x0002_B283); // ld t0, %pcrel_lo(t0)
        asm.fixup(local("addr", true), &PCREL_HI20, o, o);
        asm.fixup(local("addr", true), &PCREL_LO12_I, o + 4, o);
        word(asm, 0x0002_80E7); // jalr t0
        word(asm, 0x0081_3083); // ld ra, 8(sp)
        word(asm, 0x0101_0113); // addi sp, sp, 16
        word(asm, 0x0000_8067); // ret
        asm.align(8, 0).unwrap();
        asm.define_local("half").unwrap();
        asm.extend_from_slice(&0.5f64.to_bits().to_le_bytes());
        asm.define_local("addr").unwrap();
        asm.emit_label_data(target, &fixup::riscv::ABS64);
    }
}
