//! The command line of `asm` and `run`: options, numbers, and the input
//! they name.

use crate::CliError;
use jitasm::{Arch, Syntax};
use std::io::{BufRead, Read};

/// How `asm` prints the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `b8 2a 00 00 00 c3`
    Hex,
    /// `[0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]`
    Rust,
}

/// The options of `asm` and `run`; each command accepts its own subset.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub arch: Option<Arch>,
    pub syntax: Syntax,
    pub base: Option<u64>,
    /// `-e TEXT`, in order.
    pub exprs: Vec<String>,
    /// Everything that is not an option: FILE, `-`, integer arguments.
    pub positional: Vec<String>,
    pub format: Option<Format>,
    pub listing: bool,
    pub disasm: bool,
    pub batch: bool,
    pub hex: Option<String>,
    pub help: bool,
}

/// Options taking a value.
const WITH_VALUE: [&str; 6] = ["--arch", "--syntax", "--base", "--format", "-e", "--hex"];

/// Reads `args` (after the command name); options outside `accepted` are
/// usage errors. `--opt VALUE` and `--opt=VALUE` are both read, `-eTEXT`
/// as `-e TEXT`; `--` ends the options; `-` and words of `-` and a digit
/// (negative numbers) are positional.
pub(crate) fn parse(
    args: &[String],
    command: &str,
    accepted: &[&str],
) -> Result<Options, CliError> {
    let mut o = Options::default();
    let mut it = args.iter();
    let mut options_done = false;
    while let Some(arg) = it.next() {
        let a = arg.as_str();
        let negative_number = a.len() > 1 && a.as_bytes()[1].is_ascii_digit();
        if options_done || a == "-" || !a.starts_with('-') || negative_number {
            o.positional.push(arg.clone());
            continue;
        }
        if a == "--" {
            options_done = true;
            continue;
        }
        let (name, inline) = if a.starts_with("--") {
            match a.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (a, None),
            }
        } else if a.starts_with("-e") && a.len() > 2 {
            ("-e", Some(&a[2..]))
        } else {
            (a, None)
        };
        if !accepted.contains(&name) {
            return Err(CliError::Usage(format!(
                "unknown option `{a}` for `jitasm {command}`"
            )));
        }
        let value = if WITH_VALUE.contains(&name) {
            match inline {
                Some(v) => Some(v),
                None => Some(
                    it.next()
                        .map(String::as_str)
                        .ok_or_else(|| CliError::Usage(format!("`{name}` needs a value")))?,
                ),
            }
        } else if inline.is_some() {
            return Err(CliError::Usage(format!("`{name}` takes no value")));
        } else {
            None
        };
        let value = value.unwrap_or_default();
        match name {
            "--arch" => o.arch = Some(parse_arch(value)?),
            "--syntax" => {
                o.syntax = match value.to_ascii_lowercase().as_str() {
                    "gnu" => Syntax::Gnu,
                    "dynasm" => Syntax::Dynasm,
                    _ => {
                        return Err(CliError::Usage(format!(
                            "unknown syntax `{value}` (gnu or dynasm)"
                        )))
                    }
                }
            }
            "--base" => o.base = Some(parse_u64(value, "base address")?),
            "--format" => {
                o.format = Some(match value.to_ascii_lowercase().as_str() {
                    "hex" => Format::Hex,
                    "rust" => Format::Rust,
                    _ => {
                        return Err(CliError::Usage(format!(
                            "unknown format `{value}` (hex or rust)"
                        )))
                    }
                })
            }
            "-e" => o.exprs.push(value.to_string()),
            "--hex" => o.hex = Some(value.to_string()),
            "--listing" => o.listing = true,
            "--disasm" => o.disasm = true,
            "--batch" => o.batch = true,
            "-h" | "--help" => o.help = true,
            _ => unreachable!("accepted option `{name}` not handled"),
        }
    }
    Ok(o)
}

fn parse_arch(name: &str) -> Result<Arch, CliError> {
    Arch::from_name(&name.to_ascii_lowercase()).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown architecture `{name}` (x64, x86, aarch64, riscv64 or riscv32)"
        ))
    })
}

/// An unsigned number, decimal or `0x` hex.
fn parse_u64(text: &str, what: &str) -> Result<u64, CliError> {
    let t = text.replace('_', "");
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => t.parse::<u64>(),
    }
    .map_err(|_| CliError::Usage(format!("`{text}` is not a valid {what}")))
}

/// Machine code written as hex: spaces, commas and `0x` prefixes allowed.
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, CliError> {
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
            digits
                .get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "`{}` is not a hex byte",
                        digits.chars().skip(i).take(2).collect::<String>()
                    ))
                })
        })
        .collect()
}

/// An integer argument: decimal or `0x` hex, negative down to `i64::MIN`,
/// positive up to `u64::MAX` (passed as its bit pattern). Anything else is
/// refused, never wrapped.
pub(crate) fn parse_int(text: &str) -> Result<i64, CliError> {
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

/// Where the text comes from.
#[derive(Debug)]
pub(crate) enum Input {
    /// `-e TEXT`…, joined by newlines.
    Exprs(Vec<String>),
    /// A file.
    File(String),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The input named by `-e` options or one positional FILE (`-` is
    /// standard input, as is nothing at all).
    pub(crate) fn new(exprs: Vec<String>, file: Option<&str>) -> Result<Input, CliError> {
        match (exprs.is_empty(), file) {
            (false, Some(f)) => Err(CliError::Usage(format!(
                "give the text either with `-e` or as a file, not both (found `{f}`)"
            ))),
            (false, None) => Ok(Input::Exprs(exprs)),
            (true, None | Some("-")) => Ok(Input::Stdin),
            (true, Some(f)) => Ok(Input::File(f.to_string())),
        }
    }

    /// The name diagnostics give it.
    pub(crate) fn name(&self) -> &str {
        match self {
            Input::Exprs(_) => "<-e>",
            Input::File(f) => f,
            Input::Stdin => "<stdin>",
        }
    }

    fn cannot_read(&self, e: std::io::Error) -> CliError {
        match self {
            Input::File(f) => CliError::Failed(format!("cannot read `{f}`: {e}")),
            _ => CliError::Failed(format!("cannot read {}: {e}", self.name())),
        }
    }

    /// The whole text.
    pub(crate) fn read_to_string(&self) -> Result<String, CliError> {
        let mut bytes = Vec::new();
        match self {
            Input::Exprs(e) => return Ok(e.join("\n")),
            Input::File(f) => std::fs::File::open(f).and_then(|mut f| f.read_to_end(&mut bytes)),
            Input::Stdin => std::io::stdin().lock().read_to_end(&mut bytes),
        }
        .map_err(|e| self.cannot_read(e))?;
        String::from_utf8(bytes)
            .map_err(|_| CliError::Failed(format!("{} is not UTF-8 text", self.name())))
    }

    /// A buffered reader over the text, for reading it line by line.
    pub(crate) fn reader(&self) -> Result<Box<dyn BufRead>, CliError> {
        Ok(match self {
            Input::Exprs(e) => Box::new(std::io::Cursor::new(e.join("\n").into_bytes())),
            Input::File(f) => Box::new(std::io::BufReader::with_capacity(
                1 << 16,
                std::fs::File::open(f).map_err(|e| self.cannot_read(e))?,
            )),
            Input::Stdin => Box::new(std::io::stdin().lock()),
        })
    }

    /// Turns a read error met after opening into the command's error.
    pub(crate) fn read_error(&self, e: std::io::Error) -> CliError {
        self.cannot_read(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_values_and_positionals() {
        let all = ["--arch", "--syntax", "-e", "--base", "--listing"];
        let o = parse(
            &strings(&[
                "--arch=x86",
                "-enop",
                "-e",
                "ret",
                "--base",
                "0x1000",
                "-5",
                "-",
                "--",
                "--listing",
            ]),
            "asm",
            &all,
        )
        .ok()
        .unwrap();
        assert_eq!(o.arch, Some(Arch::X86));
        assert_eq!(o.exprs, ["nop", "ret"]);
        assert_eq!(o.base, Some(0x1000));
        assert_eq!(o.positional, ["-5", "-", "--listing"]);
        assert!(!o.listing);
        for bad in [
            &["--frob"][..],
            &["--arch"],
            &["--arch", "mips"],
            &["--listing=yes"],
            &["--base", "-1"],
        ] {
            assert!(matches!(
                parse(&strings(bad), "asm", &all),
                Err(CliError::Usage(_))
            ));
        }
    }

    #[test]
    fn hex_with_multibyte_characters_is_refused_not_a_panic() {
        assert!(parse_hex("aé0").is_err());
        assert!(parse_hex("éé").is_err());
        assert_eq!(parse_hex("0xb8, 2a").ok(), Some(vec![0xb8, 0x2a]));
    }
}
