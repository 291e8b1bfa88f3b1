//! Built-in examples: small functions for the host CPU, placed in executable
//! memory through the runtime's labels and fixups, and run. The AArch64
//! ones are assembled from text; the x86-64 and RISC-V ones are still
//! hand-encoded bytes.

use crate::run::HostAssembler;
use crate::CliError;
use jitasm::{AssemblyOffset, ExecutableBuffer};
#[cfg(not(target_arch = "aarch64"))]
use jitasm::{ByteSink, CodeSink, LabelApi, LabelRef, LabelTarget};

extern "C" fn host_square(x: i64) -> i64 {
    x * x
}

/// A reference to `host_square`'s address.
#[cfg(not(target_arch = "aarch64"))]
fn host_square_ref() -> LabelRef<'static> {
    LabelRef::new(LabelTarget::Extern(host_square as *const () as u64))
}

/// Local label `addr`: an 8-aligned literal holding `host_square`'s address,
/// loaded PC-relative by the RISC-V call sequence.
#[cfg(target_arch = "riscv64")]
fn address_literal(
    asm: &mut HostAssembler,
    abs64: &'static jitasm::FixupKind,
) -> Result<(), jitasm::Error> {
    asm.align(8, 0)?;
    asm.define_local("addr")?;
    asm.emit_label_data(host_square_ref(), abs64);
    Ok(())
}

#[cfg(not(target_arch = "aarch64"))]
fn local(name: &str, forward: bool) -> LabelRef<'_> {
    LabelRef::new(LabelTarget::Local { name, forward })
}

#[cfg(target_arch = "x86_64")]
/// Emits the three demo functions; returns their entry offsets.
fn emit(asm: &mut HostAssembler) -> Result<[AssemblyOffset; 3], jitasm::Error> {
    use jitasm::fixup::x86::{ABS64, REL8};
    // answer: mov eax, 42; ret
    let answer = asm.offset();
    asm.extend_from_slice(&[0xB8, 42, 0, 0, 0, 0xC3]);
    // sum(n) = n + (n-1) + … + 1, a loop with a forward and a backward branch
    let sum = asm.offset();
    asm.extend_from_slice(&[0x31, 0xC0, 0x48, 0x85, 0xFF, 0x74, 0]); // xor eax,eax; test rdi,rdi; jz >done
    let o = asm.offset().0;
    asm.fixup(local("done", true), &REL8, o - 1, o);
    asm.define_local("top")?;
    asm.extend_from_slice(&[0x48, 0x01, 0xF8, 0x48, 0xFF, 0xCF, 0x75, 0]); // add rax,rdi; dec rdi; jnz <top
    let o = asm.offset().0;
    asm.fixup(local("top", false), &REL8, o - 1, o);
    asm.define_local("done")?;
    asm.push(0xC3);
    // call(x) = host_square(x) + 1, calling back into Rust through an absolute address
    let call = asm.offset();
    asm.extend_from_slice(&[0x48, 0x83, 0xEC, 0x08, 0x48, 0xB8]); // sub rsp,8; mov rax, imm64
    asm.emit_label_data(host_square_ref(), &ABS64);
    asm.extend_from_slice(&[0xFF, 0xD0, 0x48, 0xFF, 0xC0, 0x48, 0x83, 0xC4, 0x08, 0xC3]); // call rax; inc rax; add rsp,8; ret
    Ok([answer, sum, call])
}

#[cfg(target_arch = "aarch64")]
/// Emits the three demo functions from text; returns their entry offsets.
fn emit(asm: &mut HostAssembler) -> Result<[AssemblyOffset; 3], CliError> {
    let options = jitasm::AsmOptions::new(jitasm::Arch::Aarch64)
        .symbol("host_square", host_square as *const () as u64);
    let mut entry = |text: &str| {
        let at = asm.offset();
        jitasm::assemble_into(asm, text, &options)
            .map(|_| at)
            .map_err(|e| CliError::asm(e, "<demo>"))
    };
    let answer = entry("mov x0, #42\nret")?;
    // sum(n) = n + (n-1) + … + 1, a loop with a forward and a backward branch
    let sum = entry(
        "mov x1, x0\nmov x0, #0\ncbz x1, 2f\n\
         1: add x0, x0, x1\nsubs x1, x1, #1\nb.ne 1b\n2: ret",
    )?;
    // call(x) = host_square(x) + 1, calling back into Rust through an
    // address beside the code
    let call = entry(
        "stp x29, x30, [sp, #-16]!\nldr x16, 1f\nblr x16\nadd x0, x0, #1\n\
         ldp x29, x30, [sp], #16\nret\n.balign 8\n1: .quad host_square",
    )?;
    Ok([answer, sum, call])
}

#[cfg(target_arch = "riscv64")]
/// Emits the three demo functions; returns their entry offsets.
fn emit(asm: &mut HostAssembler) -> Result<[AssemblyOffset; 3], jitasm::Error> {
    use jitasm::fixup::riscv::{ABS64, B12, PCREL_HI20, PCREL_LO12_I};
    let w = |asm: &mut HostAssembler, i: u32| asm.extend_from_slice(&i.to_le_bytes());
    let answer = asm.offset();
    w(asm, 0x02A0_0513); // li a0, 42
    w(asm, 0x0000_8067); // ret
    let sum = asm.offset();
    w(asm, 0x0005_0593); // mv a1, a0
    w(asm, 0x0000_0513); // li a0, 0
    let o = asm.offset().0;
    w(asm, 0x0005_8063); // beqz a1, >done
    asm.fixup(local("done", true), &B12, o, o);
    asm.define_local("top")?;
    w(asm, 0x00B5_0533); // add a0, a0, a1
    w(asm, 0xFFF5_8593); // addi a1, a1, -1
    let o = asm.offset().0;
    w(asm, 0x0005_9063); // bnez a1, <top
    asm.fixup(local("top", false), &B12, o, o);
    asm.define_local("done")?;
    w(asm, 0x0000_8067); // ret
    let call = asm.offset();
    w(asm, 0xFF01_0113); // addi sp, sp, -16
    w(asm, 0x0011_3423); // sd ra, 8(sp)
    let o = asm.offset().0;
    w(asm, 0x0000_0297); // auipc t0, %pcrel_hi(>addr)
    asm.fixup(local("addr", true), &PCREL_HI20, o, o);
    w(asm, 0x0002_B283); // ld t0, %pcrel_lo(t0)
    asm.fixup(local("addr", true), &PCREL_LO12_I, o + 4, o);
    w(asm, 0x0002_80E7); // jalr t0
    w(asm, 0x0015_0513); // addi a0, a0, 1
    w(asm, 0x0081_3083); // ld ra, 8(sp)
    w(asm, 0x0101_0113); // addi sp, sp, 16
    w(asm, 0x0000_8067); // ret
    address_literal(asm, &ABS64)?;
    Ok([answer, sum, call])
}

/// Runs every demo and prints what it returns.
pub(crate) fn run_all() -> Result<(), CliError> {
    let mut asm = HostAssembler::new()?;
    let [answer, sum, call] = emit(&mut asm)?;
    let strategy = asm.strategy();
    let code: ExecutableBuffer = asm.finalize()?;
    println!(
        "jitasm demo: {} bytes of {} code at {:p} ({:?} memory, never writable and executable at once)",
        code.len(),
        jitasm::Arch::host().map_or("?", |a| a.name()),
        code.as_ptr(),
        strategy
    );
    // SAFETY: the offsets are the entries of the functions emitted above,
    // each following the C calling convention with the given signature.
    unsafe {
        let f = code.func::<extern "C" fn() -> i64>(answer)?;
        println!("answer()        = {}", f());
        let f = code.func::<extern "C" fn(i64) -> i64>(sum)?;
        println!("sum(100)        = {}", f(100));
        let f = code.func::<extern "C" fn(i64) -> i64>(call)?;
        println!("host_square(7)+1 = {}", f(7));
    }
    Ok(())
}
