//! `jitasm asm`: text to bytes, printed as hex, as a Rust array, as a
//! listing or as a disassembly; `--batch` assembles every line on its own.

use crate::args::{self, Format, Input};
use crate::{diag, CliError};
use jitasm::core::Isa;
use jitasm::syntax::lex::{Lexer, Tok, Token};
use jitasm::syntax::{ErrorKind, Span};
use jitasm::{isa, Arch, AsmError, AsmOptions, Assembled, VecAssembler};
use std::io::{self, BufRead, BufWriter, Write};

const ACCEPTED: &[&str] = &[
    "--arch",
    "--syntax",
    "--base",
    "-e",
    "--format",
    "--listing",
    "--disasm",
    "--batch",
    "-h",
    "--help",
];

/// What `asm` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Hex,
    Rust,
    Listing,
    Disasm,
    Batch,
}

pub(crate) fn command(argv: &[String]) -> Result<(), CliError> {
    let o = args::parse(argv, "asm", ACCEPTED)?;
    if o.help {
        print!("{}", crate::USAGE);
        return Ok(());
    }
    if o.positional.len() > 1 {
        return Err(CliError::Usage(format!(
            "`asm` reads one FILE (found `{}`)",
            o.positional.join("`, `")
        )));
    }
    let arch = o.arch.unwrap_or(Arch::X64);
    let output = output(&o)?;
    if output == Output::Disasm && !matches!(arch, Arch::X64 | Arch::X86 | Arch::Aarch64) {
        return Err(CliError::Usage(format!(
            "`--disasm` is available for x64, x86 and aarch64, not {}",
            arch.name()
        )));
    }
    let input = Input::new(o.exprs, o.positional.first().map(String::as_str))?;
    let options = AsmOptions::new(arch).syntax(o.syntax);
    let base = o.base.unwrap_or(0);
    if output == Output::Batch {
        return batch(&input, &options, base);
    }
    let text = input.read_to_string()?;
    let assembled =
        jitasm::assemble_with(&text, &options, base).map_err(|e| CliError::asm(e, input.name()))?;
    write_stdout(|out| match output {
        Output::Hex | Output::Batch => {
            let mut line = Vec::with_capacity(assembled.bytes.len() * 3 + 1);
            hex_into(&mut line, &assembled.bytes);
            line.push(b'\n');
            out.write_all(&line)
        }
        Output::Rust => writeln!(out, "{}", rust_array(&assembled.bytes)),
        Output::Listing => listing(out, &assembled, &text, arch, base),
        Output::Disasm if arch == Arch::Aarch64 => disasm_a64(out, &assembled.bytes, base),
        Output::Disasm => disasm(out, &assembled.bytes, arch, base),
    })
}

/// The one output the options ask for.
fn output(o: &args::Options) -> Result<Output, CliError> {
    let chosen: Vec<(&str, Output)> = [
        (o.format == Some(Format::Hex), "--format hex", Output::Hex),
        (
            o.format == Some(Format::Rust),
            "--format rust",
            Output::Rust,
        ),
        (o.listing, "--listing", Output::Listing),
        (o.disasm, "--disasm", Output::Disasm),
    ]
    .into_iter()
    .filter(|c| c.0)
    .map(|(_, name, out)| (name, out))
    .collect();
    match (o.batch, chosen.as_slice()) {
        (false, []) => Ok(Output::Hex),
        (false, [(_, out)]) => Ok(*out),
        (true, [] | [(_, Output::Hex)]) => Ok(Output::Batch),
        (true, [(name, _)]) => Err(CliError::Usage(format!(
            "`--batch` prints hex; it does not combine with `{name}`"
        ))),
        (_, [(a, _), (b, _), ..]) => Err(CliError::Usage(format!(
            "choose one output: `{a}` or `{b}`"
        ))),
    }
}

/// Runs `f` on buffered standard output. A closed pipe (`jitasm asm … |
/// head`) ends the output quietly.
fn write_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::Failed(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` as lowercase hex pairs separated by spaces.
fn hex_into(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut v = Vec::new();
    hex_into(&mut v, bytes);
    String::from_utf8(v).expect("hex digits are ASCII")
}

/// A Rust byte-array literal: one line up to 12 bytes, else 12 per line.
fn rust_array(bytes: &[u8]) -> String {
    const PER_LINE: usize = 12;
    let row = |chunk: &[u8]| {
        chunk
            .iter()
            .map(|b| format!("{b:#04x}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if bytes.len() <= PER_LINE {
        return format!("[{}]", row(bytes));
    }
    let mut s = String::from("[\n");
    for chunk in bytes.chunks(PER_LINE) {
        s.push_str("    ");
        s.push_str(&row(chunk));
        s.push_str(",\n");
    }
    s.push(']');
    s
}

/// Hex digits the addresses from `base` to `base + len` need (at least 4).
fn address_width(base: u64, len: usize) -> usize {
    let last = base.saturating_add(len as u64);
    let digits = (64 - last.leading_zeros() as usize).div_ceil(4);
    digits.max(4)
}

/// The source of a statement on one line: from its first token to its last
/// (found with the assembler's own lexer, so `#`, `//` or `;` inside a
/// string or character literal do not end it, and comments after it are
/// left out). `#` is a comment in x86 text, an immediate's mark in AArch64.
fn statement_source(text: &str, span: Span, arch: Arch) -> String {
    let start = span.start as usize;
    let rest = text.get(start..).unwrap_or_default();
    let mut lexer = Lexer::new(rest, !matches!(arch, Arch::Aarch64));
    let mut end = Some(0);
    loop {
        match lexer.next_token() {
            Ok(Token {
                tok: Tok::End | Tok::Eof,
                ..
            }) => break,
            Ok(t) => end = Some(t.span.end as usize),
            Err(_) => {
                end = None;
                break;
            }
        }
    }
    let s = match end {
        Some(end) => rest.get(..end),
        None => text.get(start..span.end as usize),
    }
    .unwrap_or_default();
    let mut lines = s.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out = lines.next().unwrap_or_default().to_string();
    for l in lines {
        out.push(' ');
        out.push_str(l);
    }
    out
}

/// Bytes shown on one listing line.
const LISTING_BYTES: usize = 8;

fn listing(
    out: &mut dyn Write,
    a: &Assembled,
    text: &str,
    arch: Arch,
    base: u64,
) -> io::Result<()> {
    let w = address_width(base, a.bytes.len());
    let cols = LISTING_BYTES * 3 - 1;
    for s in &a.info.statements {
        let bytes = a.bytes.get(s.start..s.end).unwrap_or_default();
        let src = statement_source(text, s.span, arch);
        let addr = base.wrapping_add(s.start as u64);
        let mut chunks = bytes.chunks(LISTING_BYTES);
        let first = hex(chunks.next().unwrap_or_default());
        let line = format!("{addr:0w$x}  {first:cols$}  {src}");
        writeln!(out, "{}", line.trim_end())?;
        for (i, chunk) in chunks.enumerate() {
            let addr = addr.wrapping_add(((i + 1) * LISTING_BYTES) as u64);
            writeln!(out, "{addr:0w$x}  {}", hex(chunk))?;
        }
    }
    Ok(())
}

fn disasm(out: &mut dyn Write, bytes: &[u8], arch: Arch, base: u64) -> io::Result<()> {
    use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter};
    let bitness = if arch == Arch::X86 { 32 } else { 64 };
    let mut decoder = Decoder::with_ip(bitness, bytes, base, DecoderOptions::NONE);
    let mut f = IntelFormatter::new();
    // Spelled as GNU tools print it, so the text assembles again.
    let fo = f.options_mut();
    fo.set_space_after_operand_separator(true);
    fo.set_hex_prefix("0x");
    fo.set_hex_suffix("");
    fo.set_uppercase_hex(false);
    fo.set_show_branch_size(false);
    fo.set_branch_leading_zeros(false);
    fo.set_rip_relative_addresses(true);
    let w = address_width(base, bytes.len());
    let mut instr = Instruction::default();
    let mut text = String::new();
    let mut pos = 0usize;
    while decoder.can_decode() {
        decoder.decode_out(&mut instr);
        let len = instr.len().max(1);
        text.clear();
        f.format(&instr, &mut text);
        let b = bytes.get(pos..pos + len).unwrap_or_default();
        writeln!(out, "{:0w$x}: {:29}  {text}", instr.ip(), hex(b))?;
        pos += len;
    }
    Ok(())
}

/// `--disasm` of AArch64 code: one line per word: address, bytes, and the
/// instruction as disarm64 decodes it, shown only when the text assembles
/// back to the same word (disarm64 0.2 misnames some structure loads and
/// stores: those words, and words that decode to nothing, are shown as
/// `.word`); a tail shorter than a word is `.byte`. A PC-relative operand is
/// written as the offset jitasm reads (`b #-8`), its target in a comment.
fn disasm_a64(out: &mut dyn Write, bytes: &[u8], base: u64) -> io::Result<()> {
    let w = address_width(base, bytes.len());
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let pc = base.wrapping_add(4 * i as u64);
        let text = match <[u8; 4]>::try_from(chunk) {
            Ok(word) => a64_instruction(u32::from_le_bytes(word), pc),
            Err(_) => {
                let list: Vec<String> = chunk.iter().map(|b| format!("{b:#04x}")).collect();
                format!(".byte {}", list.join(", "))
            }
        };
        writeln!(out, "{pc:0w$x}: {:29}  {text}", hex(chunk))?;
    }
    Ok(())
}

/// One word as text (see [`disasm_a64`]).
fn a64_instruction(word: u32, pc: u64) -> String {
    use disarm64::InsnDisplay;
    let as_word = || format!(".word {word:#010x}");
    let Some(insn) = disarm64::decoder::decode(word) else {
        return as_word();
    };
    // Mnemonic and operands separated by one space (disarm64 pads with tabs).
    let tidy = |s: String| {
        let s = s.trim();
        match s.split_once(char::is_whitespace) {
            Some((m, rest)) => format!("{m} {}", rest.trim()),
            None => s.to_string(),
        }
    };
    // At PC 0 a PC-relative operand is the offset itself, at `pc` the target.
    let at_zero = tidy(insn.to_string());
    let at_pc = tidy(insn.display_at(pc).to_string());
    let (text, target) = if at_zero == at_pc {
        (at_zero, None)
    } else {
        let split = |s: &str| {
            s.rsplit_once(' ')
                .map(|(h, t)| (h.to_string(), t.to_string()))
        };
        let (Some((head, offset)), Some((_, target))) = (split(&at_zero), split(&at_pc)) else {
            return as_word();
        };
        let Some(offset) = offset
            .strip_prefix("0x")
            .and_then(|h| u64::from_str_radix(h, 16).ok())
        else {
            return as_word();
        };
        (format!("{head} #{}", offset as i64), Some(target))
    };
    match jitasm::assemble(Arch::Aarch64, &text) {
        Ok(back) if back == word.to_le_bytes() => match target {
            Some(t) => format!("{text:31} // {t}"),
            None => text,
        },
        _ => as_word(),
    }
}

/// `--batch`: every input line is a text of its own; one output line per
/// input line.
fn batch(input: &Input, options: &AsmOptions, base: u64) -> Result<(), CliError> {
    let options = options.clone().standalone(true);
    // An architecture the text assembler does not read fails every line
    // alike: say so once.
    if let Err(e) = jitasm::assemble_with("", &options, base) {
        if matches!(e.kind, ErrorKind::UnsupportedArch(_)) {
            return Err(CliError::asm(e, input.name()));
        }
    }
    match options.arch {
        Arch::X64 => batch_reusing::<isa::X64>(input, &options, base),
        Arch::X86 => batch_reusing::<isa::X86>(input, &options, base),
        Arch::Aarch64 => batch_reusing::<isa::Aarch64>(input, &options, base),
        _ => batch_lines(input, |line, bytes| {
            let a = jitasm::assemble_with(line, &options, base).map_err(Box::new)?;
            bytes.extend_from_slice(&a.bytes);
            Ok(())
        }),
    }
}

/// Batch with one output buffer kept from line to line.
fn batch_reusing<I: Isa>(input: &Input, options: &AsmOptions, base: u64) -> Result<(), CliError> {
    let mut asm = VecAssembler::<I>::new(base);
    batch_lines(input, |line, bytes| {
        asm.clear();
        let info = jitasm::assemble_into(&mut asm, line, options).map_err(Box::new)?;
        let code = asm
            .resolve()
            .map_err(|e| Box::new(info.output_error(e, line)))?;
        bytes.extend_from_slice(code);
        Ok(())
    })
}

fn batch_lines(
    input: &Input,
    mut assemble: impl FnMut(&str, &mut Vec<u8>) -> Result<(), Box<AsmError>>,
) -> Result<(), CliError> {
    let mut reader = input.reader()?;
    let mut line = Vec::new();
    let mut bytes = Vec::new();
    let mut text = Vec::new();
    let mut result = Ok(());
    write_stdout(|out| loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                result = Err(input.read_error(e));
                return Ok(());
            }
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        text.clear();
        bytes.clear();
        match std::str::from_utf8(&line) {
            Err(_) => text.extend_from_slice(b"error: the line is not UTF-8 text"),
            Ok(l) => match assemble(l, &mut bytes) {
                Ok(()) => hex_into(&mut text, &bytes),
                Err(e) => {
                    text.extend_from_slice(b"error: ");
                    text.extend_from_slice(diag::one_line(&e.kind.to_string()).as_bytes());
                }
            },
        }
        text.push(b'\n');
        out.write_all(&text)?;
    })?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_arrays_wrap_after_twelve_bytes() {
        assert_eq!(rust_array(&[]), "[]");
        assert_eq!(rust_array(&[0xb8, 0x2a, 0xc3]), "[0xb8, 0x2a, 0xc3]");
        let long = rust_array(&[0; 13]);
        assert_eq!(long.lines().count(), 4, "{long}");
        assert!(long.ends_with("    0x00,\n]"), "{long}");
    }

    #[test]
    fn addresses_have_four_digits_or_more() {
        assert_eq!(address_width(0, 10), 4);
        assert_eq!(address_width(0xfff0, 0x20), 5);
        assert_eq!(address_width(u64::MAX, 1), 16);
    }

    #[test]
    fn statement_source_is_one_line() {
        let text = "mov eax, /* a\n b */ 1 # one";
        let span = Span::new(0, text.len());
        assert_eq!(
            statement_source(text, span, Arch::X64),
            "mov eax, /* a b */ 1"
        );
        let text = "nop; .ascii \"a#b;c//d\" // e\nret";
        assert_eq!(
            statement_source(text, Span::new(5, 9), Arch::X64),
            ".ascii \"a#b;c//d\""
        );
        assert_eq!(statement_source(text, Span::new(28, 31), Arch::X64), "ret");
        let text = "add x0, x1, #1 // one";
        let span = Span::new(0, text.len());
        assert_eq!(
            statement_source(text, span, Arch::Aarch64),
            "add x0, x1, #1"
        );
    }
}
