//! Error messages on standard error: plain, or with ANSI colors when
//! standard error is a terminal and `NO_COLOR` is not set.

use jitasm::syntax::ErrorKind;
use jitasm::AsmError;
use std::io::IsTerminal;

const RED: &str = "\x1b[1;31m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Whether messages on standard error are colored.
fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Prints `error: MESSAGE`.
pub(crate) fn error(msg: &str) {
    eprintln!("{}", error_line(msg, color()));
}

/// Prints an assembly error of the text named `source`.
pub(crate) fn asm_error(e: &AsmError, source: &str) {
    eprintln!("{}", render(e, source, color()));
}

fn error_line(msg: &str, color: bool) -> String {
    if color {
        format!("{RED}error{RESET}{BOLD}: {msg}{RESET}")
    } else {
        format!("error: {msg}")
    }
}

/// [`AsmError::render`] with the source's name in the location
/// (`--> file:line:col`), colored if asked. An error that is about the
/// whole text rather than a place in it (an unsupported architecture) is
/// one line.
fn render(e: &AsmError, source: &str, color: bool) -> String {
    if matches!(e.kind, ErrorKind::UnsupportedArch(_)) {
        return error_line(&e.kind.to_string(), color);
    }
    let text = e.render();
    let pad = " ".repeat(e.line.to_string().len());
    let marker = format!("\n{pad}--> {}:{}\n", e.line, e.column);
    let (Some(head), Some(at)) = (text.strip_prefix("error: "), text.find(&marker)) else {
        // Not the layout `render` documents: show it as it is.
        return format!("{source}: {text}");
    };
    let head = &head[..at - "error: ".len()];
    let body = &text[at + marker.len()..];
    let location = format!("{source}:{}:{}", e.line, e.column);
    if !color {
        return format!("error: {head}\n{pad}--> {location}\n{body}");
    }
    let mut out = format!(
        "{}\n{pad}{BLUE}-->{RESET} {BOLD}{location}{RESET}",
        error_line(head, true)
    );
    let lines: Vec<&str> = body.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        out.push('\n');
        let Some((gutter, rest)) = line.split_once(" |") else {
            out.push_str(line);
            continue;
        };
        out.push_str(&format!("{BLUE}{gutter} |{RESET}"));
        match rest.find('^') {
            Some(caret) if i == lines.len() - 1 => {
                out.push_str(&format!("{}{RED}{}{RESET}", &rest[..caret], &rest[caret..]));
            }
            _ => out.push_str(rest),
        }
    }
    out
}

/// An error message on one line (for `--batch`): line breaks become `; `
/// (or a space after a colon), indentation goes.
pub(crate) fn one_line(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    for (i, line) in msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> AsmError {
        jitasm::assemble(jitasm::Arch::X64, text).unwrap_err()
    }

    #[test]
    fn plain_render_names_the_source() {
        let r = render(&err("nop\n  movv eax, 1"), "f.s", false);
        assert_eq!(
            r,
            "error: unknown mnemonic `movv`\n --> f.s:2:3\n  |\n2 |   movv eax, 1\n  |   ^^^^"
        );
    }

    #[test]
    fn colored_render_keeps_the_text() {
        let e = err("nop\n  movv eax, 1");
        let r = render(&e, "f.s", true);
        assert!(r.contains(RED) && r.contains(RESET), "{r:?}");
        let stripped = r
            .replace(RED, "")
            .replace(BLUE, "")
            .replace(BOLD, "")
            .replace(RESET, "");
        assert_eq!(stripped, render(&e, "f.s", false));
    }

    #[test]
    fn unsupported_architecture_is_one_line() {
        let e = jitasm::assemble(jitasm::Arch::Riscv64, "nop").unwrap_err();
        let r = render(&e, "<-e>", false);
        assert!(r.starts_with("error: ") && r.contains("riscv64") && !r.contains('\n'));
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line("a\n  b\nc:\n    d"), "a; b; c: d");
        assert_eq!(one_line("plain"), "plain");
    }
}
