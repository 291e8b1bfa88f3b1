//! The `jitasm` command.
//!
//! ```text
//! jitasm demo                      assemble and run the built-in examples for this CPU
//! jitasm run --hex BYTES [ARGS…]   place BYTES in executable memory, call them with up
//!                                  to six integer arguments, print the integer result
//! ```
//!
//! Exit status: 0 on success, 1 when assembling or running fails, 2 on a
//! usage error.

mod demo;

use std::process::ExitCode;

const USAGE: &str = "\
jitasm — runtime assembler and JIT toolkit

USAGE:
    jitasm demo
        Assemble the built-in example functions for this CPU (with labels,
        loops and a call back into Rust), run them and print what they return.
    jitasm run --hex BYTES [ARGS...]
        Place machine code given as hex (spaces allowed) in executable memory,
        call it with up to six integer arguments under the C calling
        convention and print the integer it returns.
    jitasm --help | --version

EXIT STATUS:
    0 success, 1 assembly or execution error, 2 usage error
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(msg)) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

enum CliError {
    Usage(String),
    Failed(String),
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
        Some("run") => run_hex(&args[1..]),
        Some(other) => Err(CliError::Usage(format!("unknown command `{other}`"))),
    }
}

fn parse_hex(text: &str) -> Result<Vec<u8>, CliError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let digits = digits.replace("0x", "");
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(CliError::Usage(format!(
            "`{text}` is not a whole number of hex bytes"
        )));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&digits[i..i + 2], 16)
                .map_err(|_| CliError::Usage(format!("`{}` is not a hex byte", &digits[i..i + 2])))
        })
        .collect()
}

/// An integer argument: decimal or `0x` hex, negative down to `i64::MIN`,
/// positive up to `u64::MAX` (passed as its bit pattern). Anything else is
/// refused, never wrapped.
fn parse_int(text: &str) -> Result<i64, CliError> {
    let bad = || CliError::Usage(format!("`{text}` is not a 64-bit integer argument"));
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let magnitude = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => body.parse::<u64>(),
    }
    .map_err(|_| bad())?;
    if neg {
        if magnitude > 1u64 << 63 {
            return Err(bad());
        }
        Ok((magnitude as i64).wrapping_neg())
    } else {
        Ok(magnitude as i64)
    }
}

fn run_hex(args: &[String]) -> Result<(), CliError> {
    let (hex, rest) = match args {
        [flag, hex, rest @ ..] if flag == "--hex" => (hex, rest),
        _ => return Err(CliError::Usage("`run` needs `--hex BYTES`".into())),
    };
    let code = parse_hex(hex)?;
    if rest.len() > 6 {
        return Err(CliError::Usage("at most six integer arguments".into()));
    }
    let ints = rest
        .iter()
        .map(|a| parse_int(a))
        .collect::<Result<Vec<_>, _>>()?;
    let result = demo::call_bytes(&code, &ints)?;
    println!("{result}");
    Ok(())
}
