//! Generated code calls back into Rust: a function that prints a string
//! stored beside the code (a label to data), called through
//! [`jitasm::abi`] so the arguments land in the right registers and the
//! stack is aligned at the call.
//!
//! ```text
//! cargo run -p jitasm --example hello   # Hello from generated code! (twice)
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::abi::{Arg, CallConv, Frame};
    use jitasm::x64::builder::{prelude::*, regs::*, rip, Builder};
    use jitasm::x64::Mode;
    use jitasm::{isa::X64, Assembler, ByteSink, LabelApi, LabelRef, LabelTarget};
    use std::sync::Mutex;

    /// What the Rust side has been asked to print (the test reads it back).
    static PRINTED: Mutex<String> = Mutex::new(String::new());

    /// Called from generated code with a pointer and a length.
    extern "sysv64" fn print(ptr: *const u8, len: usize) -> usize {
        // SAFETY: the generated code passes the address and length of the
        // string stored after it, which lives as long as the code buffer,
        // and that buffer is alive during the call.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
        let text = String::from_utf8_lossy(bytes);
        PRINTED.lock().unwrap().push_str(&text);
        len
    }

    /// Builds `fn(times: u64) -> u64` that prints the message `times` times
    /// and returns the number of bytes printed; runs it twice.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        const MSG: &str = "Hello from generated code!\n";
        let msg = LabelRef::new(LabelTarget::Global("message"));
        let top = LabelRef::new(LabelTarget::Local {
            name: "again",
            forward: false,
        });
        let done = LabelRef::new(LabelTarget::Local {
            name: "done",
            forward: true,
        });

        let mut asm = Assembler::<X64>::new()?;
        let entry = asm.offset();
        let mut b = Builder::new(&mut asm, Mode::Long);
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

        let code = asm.finalize()?;
        // SAFETY: `entry` starts the sysv64 function built above; it only
        // reads its own data and calls `print`, which has the signature the
        // call was emitted for.
        let hello = unsafe { code.func::<extern "sysv64" fn(u64) -> u64>(entry)? };
        PRINTED.lock().unwrap().clear();
        let n = hello(2);
        let zero = hello(0);
        let printed = PRINTED.lock().unwrap().clone();
        Ok(format!("{printed}printed {n} bytes, then {zero}\n"))
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::run;

example_main!();
