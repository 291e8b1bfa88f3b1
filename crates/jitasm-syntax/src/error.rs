//! Errors of the text front end: what is wrong and where.

use alloc::string::String;
use core::fmt;
use jitasm_x64::EncodeError;

/// A byte range in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end` (byte offsets; saturated at `u32::MAX`).
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        let c = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Span {
            start: c(start),
            end: c(end.max(start)),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A character that starts no token.
    InvalidCharacter(char),
    /// A string, character literal or comment that does not end.
    Unterminated(&'static str),
    /// An unknown escape sequence in a string or character literal.
    BadEscape,
    /// A number that is not well formed (`0x`, `12ab`).
    MalformedNumber,
    /// A number or expression value too large for 64 bits.
    NumberTooLarge,
    /// Something else was expected here.
    Expected {
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// Brackets or parentheses nested deeper than the parser allows.
    TooDeep,
    /// A mnemonic the architecture does not have.
    UnknownMnemonic(String),
    /// A directive jitasm does not know.
    UnknownDirective(String),
    /// A name that is neither a register, a constant, a symbol nor a label.
    UnknownName(String),
    /// A label referenced in the text and defined nowhere in it.
    UndefinedLabel(String),
    /// A label defined twice.
    DuplicateLabel(String),
    /// An expression that cannot be computed (a register times a register,
    /// a label in a product, division by zero…).
    BadExpression(&'static str),
    /// A value out of the range its place takes.
    OutOfRange {
        /// What the value is.
        what: &'static str,
        /// The value.
        value: i128,
        /// Smallest accepted.
        min: i128,
        /// Largest accepted.
        max: i128,
    },
    /// An operand that is not valid in its place (explained).
    BadOperand(&'static str),
    /// The encoder refused the instruction.
    Encode(EncodeError),
    /// The AArch64 encoder refused the instruction.
    EncodeA64(jitasm_a64::EncodeError),
    /// An error of the output (label out of range at resolution…), boxed to
    /// keep `AsmError` small.
    Output(alloc::boxed::Box<jitasm_core::Error>),
    /// The architecture is not supported by the text assembler yet.
    UnsupportedArch(&'static str),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidCharacter(c) => write!(f, "unexpected character {c:?}"),
            ErrorKind::Unterminated(what) => write!(f, "unterminated {what}"),
            ErrorKind::BadEscape => write!(f, "unknown escape sequence"),
            ErrorKind::MalformedNumber => write!(f, "malformed number"),
            ErrorKind::NumberTooLarge => write!(f, "number does not fit 64 bits"),
            ErrorKind::Expected { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::TooDeep => write!(f, "expression nested too deeply"),
            ErrorKind::UnknownMnemonic(m) => write!(f, "unknown mnemonic `{m}`"),
            ErrorKind::UnknownDirective(d) => write!(f, "unknown directive `{d}`"),
            ErrorKind::UnknownName(n) => write!(f, "unknown name `{n}`"),
            ErrorKind::UndefinedLabel(n) => write!(f, "label `{n}` is not defined"),
            ErrorKind::DuplicateLabel(n) => write!(f, "label `{n}` is defined twice"),
            ErrorKind::BadExpression(why) => write!(f, "invalid expression: {why}"),
            ErrorKind::OutOfRange {
                what,
                value,
                min,
                max,
            } => write!(f, "{what} {value} is out of range {min}..={max}"),
            ErrorKind::BadOperand(why) => f.write_str(why),
            ErrorKind::Encode(e) => write!(f, "{e}"),
            ErrorKind::EncodeA64(e) => write!(f, "{e}"),
            ErrorKind::Output(e) => write!(f, "{e}"),
            ErrorKind::UnsupportedArch(a) => {
                write!(f, "the text assembler does not support {a} yet")
            }
        }
    }
}

/// An error with its place in the source: line and column (1-based,
/// columns counted in characters), the byte span, and the source line, so
/// it can be shown without the source at hand.
#[derive(Clone, Debug, PartialEq)]
pub struct AsmError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Where, in bytes of the source.
    pub span: Span,
    /// Line number, from 1.
    pub line: u32,
    /// Column of the span's start, from 1.
    pub column: u32,
    /// The text of the line.
    pub source_line: alloc::boxed::Box<str>,
}

impl AsmError {
    /// Places `kind` at `span` of `src`.
    pub fn new(kind: ErrorKind, span: Span, src: &str) -> AsmError {
        let start = (span.start as usize).min(src.len());
        let start = (0..=start)
            .rev()
            .find(|i| src.is_char_boundary(*i))
            .unwrap_or(0);
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let line = src[..start].bytes().filter(|b| *b == b'\n').count() + 1;
        let column = src[line_start..start].chars().count() + 1;
        AsmError {
            kind,
            span,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            source_line: src[line_start..line_end].trim_end_matches('\r').into(),
        }
    }

    /// The message with the source line and a caret under the span:
    ///
    /// ```text
    /// error: unknown mnemonic `movv`
    ///  --> 2:1
    ///   |
    /// 2 | movv eax, 1
    ///   | ^^^^
    /// ```
    pub fn render(&self) -> String {
        use core::fmt::Write;
        let mut s = String::new();
        let num = alloc::format!("{}", self.line);
        let pad = " ".repeat(num.len());
        let _ = write!(
            s,
            "error: {}\n{pad}--> {}:{}\n{pad} |\n{num} | {}\n{pad} | ",
            self.kind, self.line, self.column, self.source_line
        );
        let col = (self.column as usize).saturating_sub(1);
        let shown: String = self
            .source_line
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        // One caret per character of the span on this line (the span is in
        // bytes; `é` is one caret), at least one.
        let width = self.span.end.saturating_sub(self.span.start) as usize;
        let from = self
            .source_line
            .char_indices()
            .nth(col)
            .map_or(self.source_line.len(), |(i, _)| i);
        let carets = self.source_line[from..]
            .char_indices()
            .take_while(|(i, _)| *i < width)
            .count()
            .max(1);
        let _ = write!(s, "{shown}{}", "^".repeat(carets));
        s
    }
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.kind)
    }
}

impl core::error::Error for AsmError {}
