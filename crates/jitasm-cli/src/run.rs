//! `jitasm run`: text (or hex bytes) placed in executable memory and called
//! with up to six integer arguments.

use crate::args::{self, Input};
use crate::CliError;
use jitasm::{Arch, AsmOptions, AssemblyOffset, ByteSink};

/// The assembler for the CPU this command runs on.
pub(crate) type HostAssembler = jitasm::Assembler<HostIsa>;

#[cfg(target_arch = "x86_64")]
type HostIsa = jitasm::isa::X64;
#[cfg(target_arch = "aarch64")]
type HostIsa = jitasm::isa::Aarch64;
#[cfg(target_arch = "riscv64")]
type HostIsa = jitasm::isa::Riscv64;

const ACCEPTED: &[&str] = &["--arch", "--syntax", "-e", "--hex", "-h", "--help"];

/// What to place in memory and call.
pub(crate) enum Code<'a> {
    /// Machine code.
    Bytes(&'a [u8]),
    /// Text for the host's architecture, named `source` in diagnostics.
    Text {
        text: &'a str,
        options: &'a AsmOptions,
        source: &'a str,
    },
}

/// Places `code` in fresh executable memory and calls it as a C function
/// of six integer arguments (`args`, zeros after them); returns its result.
pub(crate) fn place_and_call(code: &Code<'_>, args: &[i64]) -> Result<i64, CliError> {
    if args.len() > 6 {
        return Err(CliError::Usage("at most six integer arguments".into()));
    }
    let mut asm = HostAssembler::new()?;
    let info = match code {
        Code::Bytes(bytes) => {
            asm.extend_from_slice(bytes);
            None
        }
        Code::Text {
            text,
            options,
            source,
        } => {
            let options = (*options).clone().standalone(true);
            let info = jitasm::assemble_into(&mut asm, text, &options)
                .map_err(|e| CliError::asm(e, source))?;
            Some(info)
        }
    };
    let buf = asm.finalize().map_err(|e| match (code, &info) {
        (Code::Text { text, source, .. }, Some(info)) => {
            CliError::asm(info.output_error(e, text), source)
        }
        _ => e.into(),
    })?;
    let mut a = [0i64; 6];
    a[..args.len()].copy_from_slice(args);
    // SAFETY: the user handed us machine code (or text we assembled for this
    // CPU) and asked us to run it as a C function of six integer arguments;
    // that is this command's purpose.
    let f = unsafe {
        buf.func::<extern "C" fn(i64, i64, i64, i64, i64, i64) -> i64>(AssemblyOffset(0))?
    };
    Ok(f(a[0], a[1], a[2], a[3], a[4], a[5]))
}

pub(crate) fn command(argv: &[String]) -> Result<(), CliError> {
    let o = args::parse(argv, "run", ACCEPTED)?;
    if o.help {
        print!("{}", crate::USAGE);
        return Ok(());
    }
    let host = Arch::host().expect("the command is built for a supported CPU");
    if let Some(hex) = &o.hex {
        if !o.exprs.is_empty() || o.arch.is_some() || o.syntax != jitasm::Syntax::Gnu {
            return Err(CliError::Usage(
                "`--hex` takes machine code; `-e`, `--arch` and `--syntax` are for text".into(),
            ));
        }
        let code = args::parse_hex(hex)?;
        let ints = int_args(&o.positional)?;
        println!("{}", place_and_call(&Code::Bytes(&code), &ints)?);
        return Ok(());
    }
    let (file, rest) =
        match (o.exprs.is_empty(), o.positional.split_first()) {
            (false, _) => (None, &o.positional[..]),
            (true, Some((file, rest))) => (Some(file.as_str()), rest),
            (true, None) => return Err(CliError::Usage(
                "`run` needs the code: `-e TEXT`, a FILE (`-` for standard input) or `--hex BYTES`"
                    .into(),
            )),
        };
    let ints = int_args(rest)?;
    let arch = o.arch.unwrap_or(host);
    if arch != host {
        return Err(CliError::Failed(format!(
            "cannot run {} code on this {} machine",
            arch.name(),
            host.name()
        )));
    }
    let input = Input::new(o.exprs, file)?;
    let text = input.read_to_string()?;
    let options = AsmOptions::new(arch).syntax(o.syntax);
    let code = Code::Text {
        text: &text,
        options: &options,
        source: input.name(),
    };
    println!("{}", place_and_call(&code, &ints)?);
    Ok(())
}

fn int_args(args: &[String]) -> Result<Vec<i64>, CliError> {
    if args.len() > 6 {
        return Err(CliError::Usage("at most six integer arguments".into()));
    }
    args.iter().map(|a| args::parse_int(a)).collect()
}
