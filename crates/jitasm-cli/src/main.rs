//! The `jitasm` command.
//!
//! ```text
//! jitasm asm [OPTIONS] [FILE | -] [-e TEXT]...   assemble text, print the bytes
//!     --arch ARCH      x64 (default), x86, aarch64, riscv64, riscv32
//!     --syntax SYNTAX  gnu (default) or dynasm
//!     --base ADDR      address of the first byte (default 0)
//!     --format FMT     hex (default: "b8 2a 00 00 00 c3") or rust ("[0xb8, …]")
//!     --listing        address, bytes and source of every statement
//!     --disasm         the bytes decoded back (x64, x86, aarch64)
//!     --batch          every input line assembled on its own, one output
//!                      line each: hex, empty, or `error: MESSAGE`
//! jitasm run [--arch ARCH] [--syntax SYNTAX] (-e TEXT… | FILE | -) [ARGS…]
//! jitasm run --hex BYTES [ARGS…]
//!                                  assemble text (or take hex bytes) for this
//!                                  CPU (x86-64 or AArch64), place it in
//!                                  executable memory, call it with up to six
//!                                  integer arguments, print the integer result
//! jitasm demo                      assemble and run the built-in examples for this CPU
//! ```
//!
//! Input is `-e TEXT` (repeatable, joined by newlines), FILE, or standard
//! input. Assembly errors are shown with the source name, line and column
//! and a caret under the problem (in color when standard error is a
//! terminal and `NO_COLOR` is not set).
//!
//! Exit status: 0 on success (with `--batch`, even when some lines fail),
//! 1 when assembling, running or reading the input fails, 2 on a usage
//! error.

mod args;
mod asm;
mod demo;
mod diag;
mod run;

use jitasm::AsmError;
use std::process::ExitCode;

const USAGE: &str = "\
jitasm — runtime assembler and JIT toolkit

USAGE:
    jitasm asm [OPTIONS] [FILE | -] [-e TEXT]...
        Assemble text and print the machine code. The text comes from the
        -e options (joined by newlines), from FILE, or from standard input
        (no FILE, or `-`). Statements end at a newline or `;`; comments are
        `//` and `/* */`, and `#` (in AArch64 text, where `#` marks an
        immediate, only at the start of a line).

        --arch ARCH      x64 (default), x86, aarch64, riscv64 or riscv32
                         (the text assembler reads x64, x86 and aarch64)
        --syntax SYNTAX  gnu (default): GNU/LLVM syntax, as `objdump -M intel`
                         (x86) or `objdump` (AArch64) prints it; dynasm: the
                         syntax of dynasm-rs (`->global:`, `>local`,
                         `=>dynamic`, `v0.s4`, `X(3)`)
        --base ADDR      address the first byte is placed at (default 0;
                         decimal or 0x hex), for `.align` and absolute
                         references, and shown by --listing and --disasm
        -e TEXT          assemble TEXT (may be repeated)
        --format FORMAT  hex (default): lowercase hex pairs on one line;
                         rust: a Rust byte-array literal `[0xb8, 0x2a, ...]`
        --listing        one line per statement: address, bytes, source
                         (long data wraps onto more lines)
        --disasm         decode the bytes back: address, bytes and the
                         instruction (x64 and x86 in Intel syntax with
                         iced-x86; aarch64 with disarm64, shown only where
                         the text assembles back to the same word, else
                         `.word`; PC-relative operands as offsets, the
                         target in a comment)
        --batch          assemble every input line as a text of its own and
                         print one line per input line: its bytes in hex,
                         an empty line when it emits nothing (blank or
                         comment), or `error: MESSAGE`. The exit status is
                         0 even when lines fail (1 when the input cannot be
                         read), so whole corpora can be checked in one run.

    jitasm run [--arch ARCH] [--syntax SYNTAX] (-e TEXT... | FILE | -) [ARGS...]
    jitasm run --hex BYTES [ARGS...]
        Assemble the text for this CPU (or take machine code given as hex,
        spaces allowed), place it in executable memory, call it as a C
        function of up to six 64-bit integer arguments (x86-64 System V:
        rdi, rsi, rdx, rcx, r8, r9; AArch64: x0 to x5) and print the integer
        it returns (rax, x0) as a signed decimal. ARGS are decimal or 0x hex,
        negative allowed (an argument of `-` and a digit is a number, not an
        option). Text runs on the CPU it is written for: x64 on x86-64
        hosts, aarch64 on AArch64 hosts.

    jitasm demo
        Assemble the built-in example functions for this CPU (with labels,
        loops and a call back into Rust), run them and print what they return.

    jitasm --help | --version

DIAGNOSTICS:
    An assembly error names the source (FILE, <-e> or <stdin>), the line and
    column, and shows the line with a caret under the problem; in color when
    standard error is a terminal and NO_COLOR is not set.

EXIT STATUS:
    0 success (with --batch: even when some lines fail)
    1 assembly or execution error, or input that cannot be read
    2 usage error
";

const SYNOPSIS: &str = "\
usage: jitasm asm [--arch ARCH] [--syntax gnu|dynasm] [--base ADDR]
                  [--format hex|rust | --listing | --disasm | --batch] [FILE | -] [-e TEXT]...
       jitasm run [--arch ARCH] [--syntax gnu|dynasm] (-e TEXT... | FILE | -) [ARGS...]
       jitasm run --hex BYTES [ARGS...]
       jitasm demo
run `jitasm --help` for more";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(msg)) => {
            diag::error(&msg);
            eprintln!("\n{SYNOPSIS}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(msg)) => {
            diag::error(&msg);
            ExitCode::from(1)
        }
        Err(CliError::Asm { error, source }) => {
            diag::asm_error(&error, &source);
            ExitCode::from(1)
        }
    }
}

/// Why a command failed; `main` prints it and picks the exit status.
pub(crate) enum CliError {
    /// The command line is wrong (exit status 2).
    Usage(String),
    /// Reading, assembling or running failed (exit status 1).
    Failed(String),
    /// The text does not assemble (exit status 1), shown with its source.
    Asm {
        error: Box<AsmError>,
        /// The input's name: a file name, `<-e>` or `<stdin>`.
        source: String,
    },
}

impl CliError {
    pub(crate) fn asm(error: AsmError, source: &str) -> Self {
        CliError::Asm {
            error: Box::new(error),
            source: source.to_string(),
        }
    }
}

impl From<jitasm::Error> for CliError {
    fn from(e: jitasm::Error) -> Self {
        CliError::Failed(e.to_string())
    }
}

fn run(args: &[String]) -> Result<(), CliError> {
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("jitasm {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("demo") => demo::run_all(),
        Some("asm") => asm::command(&args[1..]),
        Some("run") => run::command(&args[1..]),
        Some(other) => Err(CliError::Usage(format!("unknown command `{other}`"))),
    }
}
