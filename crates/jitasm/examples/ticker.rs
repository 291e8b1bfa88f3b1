//! A text animation compiled to machine code: a list of operations —
//! `Draw(sprite, offset, speed)`, `Clear(char)`, `Print`, `Exit(frame_limit)`
//! — becomes one native function that calls Rust methods on a `&mut
//! Context` (the `f32` speed passed in `xmm0` on x86-64, `s0` on AArch64)
//! and is invoked once per frame. The body is written with `dynasm!`, the
//! calls with [`jitasm::abi`] (argument registers, stack alignment) and
//! [`jitasm::abi::aarch64`].
//!
//! ```text
//! cargo run -p jitasm --example ticker   # a scrolling line (animated on a terminal)
//! cargo run -p jitasm --example ticker --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{dynasm, Assembler, ExecutableBuffer};
    use std::io::{IsTerminal, Write};

    /// One step of a frame.
    #[derive(Clone, Copy, Debug)]
    pub enum Op {
        /// Draws `sprite` at `offset + frame * speed` (wrapping around).
        Draw {
            /// The characters.
            sprite: &'static str,
            /// Position at frame 0.
            offset: i64,
            /// Columns per frame (negative: to the left).
            speed: f32,
        },
        /// Fills the line with a character.
        Clear(char),
        /// Emits the line.
        Print,
        /// Ends the animation once this many frames have run.
        Exit(u64),
    }

    /// What the compiled code works on.
    pub struct Context {
        frame: u64,
        line: Vec<char>,
        screen: Vec<String>,
        live: bool,
    }

    impl Context {
        /// A line of `width` columns. `live` animates on the terminal.
        pub fn new(width: usize, live: bool) -> Self {
            Context {
                frame: 0,
                line: vec![' '; width],
                screen: Vec::new(),
                live,
            }
        }

        /// Every line printed so far.
        pub fn screen(&self) -> &[String] {
            &self.screen
        }

        fn clear(&mut self, c: char) {
            self.line.fill(c);
        }

        fn draw(&mut self, sprite: &str, offset: i64, speed: f32) {
            let width = self.line.len() as i64;
            let start = offset + (self.frame as f32 * speed).floor() as i64;
            for (i, c) in sprite.chars().enumerate() {
                let column = (start + i as i64).rem_euclid(width);
                self.line[column as usize] = c;
            }
        }

        fn print(&mut self) {
            let text: String = self.line.iter().collect();
            if self.live {
                print!("\r{text}");
                let _ = std::io::stdout().flush();
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
            self.screen.push(text);
        }

        /// The same operations, interpreted: the reference the compiled code
        /// is checked against. Returns whether to go on.
        pub fn interpret(&mut self, ops: &[Op]) -> bool {
            for op in ops {
                match *op {
                    Op::Draw {
                        sprite,
                        offset,
                        speed,
                    } => self.draw(sprite, offset, speed),
                    Op::Clear(c) => self.clear(c),
                    Op::Print => self.print(),
                    Op::Exit(limit) if self.frame >= limit => return false,
                    Op::Exit(_) => {}
                }
            }
            self.frame += 1;
            true
        }
    }

    // The functions the compiled code calls. `extern "C"` is System V on
    // x86-64 Unix and AAPCS64 on AArch64 Linux.

    extern "C" fn clear(ctx: &mut Context, c: u32) {
        ctx.clear(char::from_u32(c).unwrap_or('?'));
    }

    extern "C" fn draw(ctx: &mut Context, sprite: *const u8, len: usize, offset: i64, speed: f32) {
        // SAFETY: the compiled code passes the address and length of a
        // `&'static str` it was built from.
        let bytes = unsafe { std::slice::from_raw_parts(sprite, len) };
        ctx.draw(std::str::from_utf8(bytes).unwrap_or("?"), offset, speed);
    }

    extern "C" fn print(ctx: &mut Context) {
        ctx.print();
    }

    /// `ops` compiled: `fn(*mut Context) -> u64`, 1 to go on, 0 to stop.
    pub struct Ticker {
        code: ExecutableBuffer,
        entry: jitasm::AssemblyOffset,
    }

    impl Ticker {
        /// Compiles `ops`: x86-64.
        #[cfg(target_arch = "x86_64")]
        pub fn compile(ops: &[Op]) -> Result<Ticker, Box<dyn std::error::Error>> {
            use jitasm::abi::{Arg, CallConv, Frame};
            use jitasm::x64::builder::{regs::*, Builder};
            use jitasm::x64::Mode;

            let mut asm = Assembler::<jitasm::isa::X64>::new()?;
            let entry = asm.offset();
            let frame = Frame::new(CallConv::SysV).save(&[rbx]);
            frame.prologue(&mut Builder::new(&mut asm, Mode::Long))?;
            dynasm!(asm ; mov rbx, rdi);
            for op in ops {
                let call = match *op {
                    Op::Clear(c) => frame
                        .call(clear as *const () as u64)
                        .arg(Arg::Int(rbx.into()))
                        .arg(Arg::Int(i64::from(u32::from(c)).into())),
                    Op::Draw {
                        sprite,
                        offset,
                        speed,
                    } => frame
                        .call(draw as *const () as u64)
                        .arg(Arg::Int(rbx.into()))
                        .arg(Arg::Int((sprite.as_ptr() as i64).into()))
                        .arg(Arg::Int((sprite.len() as i64).into()))
                        .arg(Arg::Int(offset.into()))
                        .arg(Arg::f32_imm(speed)),
                    Op::Print => frame
                        .call(print as *const () as u64)
                        .arg(Arg::Int(rbx.into())),
                    Op::Exit(limit) => {
                        let limit = limit as i64;
                        dynasm!(asm
                            ; mov rax, QWORD limit
                            ; cmp QWORD rbx => Context.frame, rax
                            ; jae ->stop
                        );
                        continue;
                    }
                };
                call.emit(&mut Builder::new(&mut asm, Mode::Long))?;
            }
            dynasm!(asm
                ; add QWORD rbx => Context.frame, 1
                ; mov eax, 1
                ; jmp ->done
                ; ->stop:
                ; xor eax, eax
                ; ->done:
            );
            frame.ret(&mut Builder::new(&mut asm, Mode::Long))?;
            let code = asm.finalize()?;
            Ok(Ticker { code, entry })
        }

        /// Compiles `ops`: AArch64. The frame and the calls come from
        /// `jitasm::abi::aarch64` and write into the same assembler as
        /// `dynasm!`, so no builder is wrapped around it.
        #[cfg(target_arch = "aarch64")]
        pub fn compile(ops: &[Op]) -> Result<Ticker, Box<dyn std::error::Error>> {
            use jitasm::a64::regs::*;
            use jitasm::abi::aarch64::{Arg, CallConv, Frame};

            let mut asm = Assembler::<jitasm::isa::Aarch64>::new()?;
            let entry = asm.offset();
            // The context pointer lives in x19 (callee-saved), saved by the
            // frame with x29/x30.
            let frame = Frame::new(CallConv::host()).save(&[X19]);
            frame.prologue(&mut asm)?;
            dynasm!(asm ; .arch aarch64 ; mov x19, x0);
            let frame_field = std::mem::offset_of!(Context, frame) as u32;
            for op in ops {
                let call = match *op {
                    Op::Clear(c) => frame
                        .call(clear as *const () as u64)
                        .arg(Arg::Int(X19.into()))
                        .arg(Arg::Int32(i64::from(u32::from(c)).into())),
                    Op::Draw {
                        sprite,
                        offset,
                        speed,
                    } => frame
                        .call(draw as *const () as u64)
                        .arg(Arg::Int(X19.into()))
                        .arg(Arg::Int((sprite.as_ptr() as i64).into()))
                        .arg(Arg::Int((sprite.len() as i64).into()))
                        .arg(Arg::Int(offset.into()))
                        .arg(Arg::f32_imm(speed)), // in s0
                    Op::Print => frame
                        .call(print as *const () as u64)
                        .arg(Arg::Int(X19.into())),
                    Op::Exit(limit) => {
                        // x9 = limit, 16 bits at a time.
                        for k in 0..4u32 {
                            let piece = ((limit >> (16 * k)) & 0xffff) as u32;
                            if k == 0 {
                                dynasm!(asm ; .arch aarch64 ; movz x9, #piece);
                            } else if piece != 0 {
                                dynasm!(asm ; .arch aarch64 ; movk x9, #piece, lsl #(16 * k));
                            }
                        }
                        dynasm!(asm
                            ; .arch aarch64
                            ; ldr x10, [x19, #frame_field]
                            ; cmp x10, x9
                            ; b.hs ->stop
                        );
                        continue;
                    }
                };
                call.emit(&mut asm)?;
            }
            dynasm!(asm
                ; .arch aarch64
                ; ldr x9, [x19, #frame_field]
                ; add x9, x9, #1
                ; str x9, [x19, #frame_field]
                ; mov x0, #1
                ; b ->done
                ; ->stop:
                ; mov x0, xzr
                ; ->done:
            );
            frame.ret(&mut asm)?;
            let code = asm.finalize()?;
            Ok(Ticker { code, entry })
        }

        /// Runs one frame; returns whether to go on.
        pub fn frame(&self, ctx: &mut Context) -> Result<bool, jitasm::Error> {
            // SAFETY: `entry` starts the function compiled above, of this
            // type; it only calls the functions above with `ctx`.
            let f = unsafe {
                self.code
                    .func::<extern "C" fn(*mut Context) -> u64>(self.entry)?
            };
            Ok(f(ctx) != 0)
        }
    }

    /// The animation the example shows.
    pub fn scene(frames: u64) -> Vec<Op> {
        vec![
            Op::Clear('.'),
            Op::Draw {
                sprite: "<jitasm>",
                offset: 0,
                speed: 1.0,
            },
            Op::Draw {
                sprite: "~~",
                offset: 30,
                speed: -0.5,
            },
            Op::Draw {
                sprite: "*",
                offset: 10,
                speed: 2.25,
            },
            Op::Print,
            Op::Exit(frames),
        ]
    }

    /// Runs `ops` compiled until they exit (at most `max` frames) and
    /// returns the lines they printed.
    pub fn render(
        ops: &[Op],
        width: usize,
        max: u64,
        live: bool,
    ) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        let ticker = Ticker::compile(ops)?;
        let mut ctx = Context::new(width, live);
        for _ in 0..max {
            if !ticker.frame(&mut ctx)? {
                break;
            }
        }
        Ok(ctx.screen)
    }

    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let live = std::io::stdout().is_terminal();
        let lines = render(&scene(48), 40, u64::MAX, live)?;
        if live {
            println!();
            Ok(format!("{} frames\n", lines.len()))
        } else {
            Ok(lines.join("\n") + "\n")
        }
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::*;

example_main!();
