//! A text animation compiled to machine code: a list of operations —
//! `Draw(sprite, offset, speed)`, `Clear(char)`, `Print`, `Exit(frame_limit)`
//! — becomes one native function that calls Rust methods on a `&mut
//! Context` (the `f32` speed passed in `xmm0`) and is invoked once per
//! frame. The body is written with `dynasm!`, the calls with
//! [`jitasm::abi`] (argument registers, stack alignment).
//!
//! ```text
//! cargo run -p jitasm --example ticker   # a scrolling line (animated on a terminal)
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::abi::{Arg, CallConv, Frame};
    use jitasm::x64::builder::{regs::*, Builder};
    use jitasm::x64::Mode;
    use jitasm::{dynasm, isa::X64, Assembler, ExecutableBuffer};
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

    extern "sysv64" fn clear(ctx: &mut Context, c: u32) {
        ctx.clear(char::from_u32(c).unwrap_or('?'));
    }

    extern "sysv64" fn draw(
        ctx: &mut Context,
        sprite: *const u8,
        len: usize,
        offset: i64,
        speed: f32,
    ) {
        // SAFETY: the compiled code passes the address and length of a
        // `&'static str` it was built from.
        let bytes = unsafe { std::slice::from_raw_parts(sprite, len) };
        ctx.draw(std::str::from_utf8(bytes).unwrap_or("?"), offset, speed);
    }

    extern "sysv64" fn print(ctx: &mut Context) {
        ctx.print();
    }

    /// `ops` compiled: `fn(*mut Context) -> u64`, 1 to go on, 0 to stop.
    pub struct Ticker {
        code: ExecutableBuffer,
        entry: jitasm::AssemblyOffset,
    }

    impl Ticker {
        /// Compiles `ops`.
        pub fn compile(ops: &[Op]) -> Result<Ticker, Box<dyn std::error::Error>> {
            let mut asm = Assembler::<X64>::new()?;
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

        /// Runs one frame; returns whether to go on.
        pub fn frame(&self, ctx: &mut Context) -> Result<bool, jitasm::Error> {
            // SAFETY: `entry` starts the function compiled above, of this
            // type; it only calls the functions above with `ctx`.
            let f = unsafe {
                self.code
                    .func::<extern "sysv64" fn(*mut Context) -> u64>(self.entry)?
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

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::*;

example_main!();
