//! Generated code calls back into Rust: a function that prints a string
//! stored beside the code (a label to data), called through
//! [`jitasm::abi`] so the arguments land in the right registers and the
//! stack is aligned at the call.
//!
//! ```text
//! cargo run -p jitasm --example hello   # Hello from generated code! (twice)
//! cargo run -p jitasm --example hello --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{Assembler, AssemblyOffset};
    use std::sync::Mutex;

    /// What the Rust side has been asked to print (the test reads it back).
    static PRINTED: Mutex<String> = Mutex::new(String::new());

    /// The message, stored after the code.
    const MSG: &str = "Hello from generated code!\n";

    /// Called from generated code with a pointer and a length. `extern "C"`
    /// is System V on x86-64 Unix and AAPCS64 on AArch64 Linux.
    extern "C" fn print(ptr: *const u8, len: usize) -> usize {
        // SAFETY: the generated code passes the address and length of the
        // string stored after it, which lives as long as the code buffer,
        // and that buffer is alive during the call.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
        let text = String::from_utf8_lossy(bytes);
        PRINTED.lock().unwrap().push_str(&text);
        len
    }

    #[cfg(target_arch = "aarch64")]
    use jitasm::isa::Aarch64 as Isa;
    #[cfg(target_arch = "x86_64")]
    use jitasm::isa::X64 as Isa;

    /// x86-64: the typed builder, a System V frame and call.
    #[cfg(target_arch = "x86_64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::abi::{Arg, CallConv, Frame};
        use jitasm::x64::builder::{prelude::*, regs::*, rip, Builder};
        use jitasm::x64::Mode;
        use jitasm::{ByteSink, LabelApi, LabelRef, LabelTarget};

        let msg = LabelRef::new(LabelTarget::Global("message"));
        let top = LabelRef::new(LabelTarget::Local {
            name: "again",
            forward: false,
        });
        let done = LabelRef::new(LabelTarget::Local {
            name: "done",
            forward: true,
        });
        let entry = asm.offset();
        let mut b = Builder::new(asm, Mode::Long);
        // rbx counts down the calls, r12 sums what `print` returns: both are
        // callee-saved, so they survive the calls; the frame saves them.
        let frame = Frame::new(CallConv::SysV).save(&[rbx, r12]);
        frame.prologue(&mut b)?;
        b.mov(rbx, rdi)?;
        b.xor(r12d, r12d)?;
        b.test(rbx, rbx)?;
        b.je(done)?;
        b.define_local("again")?;
        b.lea(rdi, rip(msg))?; // the string stored after the code
        frame
            .call(print as *const () as u64)
            .arg(Arg::Int(rdi.into()))
            .arg(Arg::Int((MSG.len() as i64).into()))
            .emit(&mut b)?;
        b.add(r12, rax)?;
        b.dec(rbx)?;
        b.jne(top)?;
        b.define_local("done")?;
        b.mov(rax, r12)?;
        frame.ret(&mut b)?;
        // The data, right after the code, reached RIP-relatively.
        b.define_global("message")?;
        b.extend_from_slice(MSG.as_bytes());
        Ok(entry)
    }

    /// AArch64: `dynasm!` for the body, an AAPCS64 frame and call from
    /// `jitasm::abi::aarch64` in between.
    #[cfg(target_arch = "aarch64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::a64::regs::*;
        use jitasm::abi::aarch64::{Arg, CallConv, Frame};
        use jitasm::{dynasm, LabelApi};

        let (again, done) = (asm.new_dynamic_label(), asm.new_dynamic_label());
        let entry = asm.offset();
        // x19 counts down the calls, x20 sums what `print` returns: both are
        // callee-saved, so they survive the calls; the frame saves them (and
        // x29/x30: the calls overwrite the link register).
        let frame = Frame::new(CallConv::host()).save(&[X19, X20]);
        frame.prologue(asm)?;
        dynasm!(asm
            ; .arch aarch64
            ; mov x19, x0
            ; mov x20, xzr
            ; cbz x19, =>done
            ; =>again
            ; adr x0, ->message // the string stored after the code
        );
        frame
            .call(print as *const () as u64)
            .arg(Arg::Int(X0.into()))
            .arg(Arg::Int((MSG.len() as i64).into()))
            .emit(asm)?;
        dynasm!(asm
            ; .arch aarch64
            ; add x20, x20, x0
            ; subs x19, x19, #1
            ; b.ne =>again
            ; =>done
            ; mov x0, x20
        );
        frame.ret(asm)?;
        // The data, right after the code, reached PC-relatively by `adr`.
        dynasm!(asm
            ; .arch aarch64
            ; ->message:
            ; .bytes MSG.as_bytes()
        );
        Ok(entry)
    }

    /// Builds `fn(times: u64) -> u64` that prints the message `times` times
    /// and returns the number of bytes printed; runs it twice.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<Isa>::new()?;
        let entry = emit(&mut asm)?;
        let code = asm.finalize()?;
        // SAFETY: `entry` starts the `extern "C"` function built above; it
        // only reads its own data and calls `print`, which has the signature
        // the call was emitted for.
        let hello = unsafe { code.func::<extern "C" fn(u64) -> u64>(entry)? };
        PRINTED.lock().unwrap().clear();
        let n = hello(2);
        let zero = hello(0);
        let printed = PRINTED.lock().unwrap().clone();
        Ok(format!("{printed}printed {n} bytes, then {zero}\n"))
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
