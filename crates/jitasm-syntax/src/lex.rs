//! The lexer: text to tokens, one at a time, without allocating.
//!
//! Tokens carry byte spans into the source. Newlines and `;` end a
//! statement; comments (`//`, `/* … */`, and `#` where the architecture does
//! not use it for immediates; where it does, `#` starts a comment only as
//! the first character of a line, as in GNU as for Arm) are skipped. Numbers are decimal, `0x` hex,
//! `0b` binary, `0o` octal, or hex with an `h` suffix (`0ffh`); `1b`/`1f`
//! are references to numeric local labels; `_` may separate digits.

use crate::error::ErrorKind;
use crate::Span;

/// A token kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok<'a> {
    /// A name: letters, digits, `_`, `.`, `$`, `@`, not starting with a digit
    /// (`rax`, `.byte`, `loop_1`).
    Ident(&'a str),
    /// An integer literal.
    Int(u64),
    /// A floating-point literal (`1.5`, `2e10`).
    Float(f64),
    /// A string literal's text between the quotes, escapes not yet decoded.
    Str(&'a str),
    /// A character literal's value.
    Char(u32),
    /// `1b` / `1f`: the nearest numeric label `1:` before / after.
    NumLabel {
        /// The label's number.
        n: u64,
        /// `f` (forward) or `b` (backward).
        forward: bool,
    },
    /// `{1to16}`'s inside: a broadcast factor.
    Bcst(u8),
    /// One punctuation character: `, : [ ] { } ( ) + - * / % & | ^ ~ ! < > = $`.
    Punct(u8),
    /// `->`
    Arrow,
    /// `=>`
    FatArrow,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// The end of a statement: a newline or `;`.
    End,
    /// The end of the text.
    Eof,
}

/// A token and where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token<'a> {
    /// What it is.
    pub tok: Tok<'a>,
    /// Where it is.
    pub span: Span,
}

/// A lexer over one source text.
#[derive(Clone, Debug)]
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    hash_comments: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`. With `hash_comments`, `#` starts a comment that
    /// runs to the end of the line (x86 and RISC-V GNU syntax); without it `#`
    /// is punctuation (AArch64 immediates), except as the first character
    /// of a line (after blanks), where it starts a comment.
    pub fn new(src: &'a str, hash_comments: bool) -> Self {
        Lexer {
            src,
            pos: 0,
            hash_comments,
        }
    }

    /// The source text.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// Continues from byte `pos` of the source (a token boundary another
    /// reader of the same text found).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The next token, or an error with its span.
    #[inline]
    pub fn next_token(&mut self) -> Result<Token<'a>, (ErrorKind, Span)> {
        let b = self.src.as_bytes();
        let mut pos = self.pos;
        // Blanks, then the common tokens at once; comments and the rarer
        // tokens in `other`.
        loop {
            let Some(&c) = b.get(pos) else {
                self.pos = pos;
                return Ok(Token {
                    tok: Tok::Eof,
                    span: Span::new(pos, pos),
                });
            };
            let (tok, end) = match CLASS[c as usize] {
                BLANK => {
                    pos += 1;
                    continue;
                }
                NAME => {
                    let mut end = pos + 1;
                    while end < b.len() && CLASS[b[end] as usize] & NAME_PART != 0 {
                        end += 1;
                    }
                    (Tok::Ident(&self.src[pos..end]), end)
                }
                DIGIT => {
                    self.pos = pos;
                    return self.number(pos);
                }
                END => (Tok::End, pos + 1),
                PUNCT => (Tok::Punct(c), pos + 1),
                _ => {
                    self.pos = pos;
                    match self.other()? {
                        Some(t) => return Ok(t),
                        // A comment was skipped.
                        None => {
                            pos = self.pos;
                            continue;
                        }
                    }
                }
            };
            self.pos = end;
            return Ok(Token {
                tok,
                span: Span::new(pos, end),
            });
        }
    }

    /// The token at the current position, which [`CLASS`] does not make a
    /// name, number, end or plain punctuation; `None` after skipping a
    /// comment.
    fn other(&mut self) -> Result<Option<Token<'a>>, (ErrorKind, Span)> {
        let b = self.src.as_bytes();
        match b.get(self.pos) {
            Some(b'#') if self.hash_comments || self.at_line_start() => {
                self.skip_line();
                return Ok(None);
            }
            Some(b'/') if b.get(self.pos + 1) == Some(&b'/') => {
                self.skip_line();
                return Ok(None);
            }
            Some(b'/') if b.get(self.pos + 1) == Some(&b'*') => {
                let start = self.pos;
                match self.src[self.pos + 2..].find("*/") {
                    Some(n) => self.pos += 2 + n + 2,
                    None => {
                        return Err((
                            ErrorKind::Unterminated("comment"),
                            Span::new(start, start + 2),
                        ))
                    }
                }
                return Ok(None);
            }
            _ => {}
        }
        let start = self.pos;
        let Some(&c) = b.get(self.pos) else {
            return Ok(Some(Token {
                tok: Tok::Eof,
                span: Span::new(start, start),
            }));
        };
        let tok = match c {
            b'\n' | b';' => {
                self.pos += 1;
                Tok::End
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' | b'$' | b'@' => {
                // `$` alone (and `$1`) is punctuation-like in some syntaxes;
                // jitasm reads it as part of a name.
                self.pos += 1;
                while let Some(c) = b.get(self.pos) {
                    if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$' | b'@') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Tok::Ident(&self.src[start..self.pos])
            }
            b'0'..=b'9' => return self.number(start).map(Some),
            b'"' => {
                self.pos += 1;
                loop {
                    match b.get(self.pos) {
                        Some(b'"') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b'\\') if self.pos + 1 < b.len() && b[self.pos + 1] != b'\n' => {
                            self.pos += 2
                        }
                        Some(b'\n') | None => {
                            return Err((
                                ErrorKind::Unterminated("string"),
                                Span::new(start, self.pos),
                            ))
                        }
                        Some(_) => self.pos += 1,
                    }
                }
                Tok::Str(&self.src[start + 1..self.pos - 1])
            }
            b'\'' => return self.char_literal(start).map(Some),
            b'-' if b.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Tok::Arrow
            }
            b'=' if b.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Tok::FatArrow
            }
            b'<' if b.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Tok::Shl
            }
            b'>' if b.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Tok::Shr
            }
            b',' | b':' | b'[' | b']' | b'{' | b'}' | b'(' | b')' | b'+' | b'-' | b'*' | b'/'
            | b'%' | b'&' | b'|' | b'^' | b'~' | b'!' | b'<' | b'>' | b'=' | b'#' => {
                self.pos += 1;
                Tok::Punct(c)
            }
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or('\u{fffd}');
                return Err((
                    ErrorKind::InvalidCharacter(ch),
                    Span::new(start, start + ch.len_utf8()),
                ));
            }
        };
        Ok(Some(Token {
            tok,
            span: Span::new(start, self.pos),
        }))
    }

    /// Whether only blanks precede the current position on its line.
    fn at_line_start(&self) -> bool {
        self.src.as_bytes()[..self.pos]
            .iter()
            .rev()
            .take_while(|c| **c != b'\n')
            .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b'))
    }

    fn skip_line(&mut self) {
        match self.src[self.pos..].find('\n') {
            Some(n) => self.pos += n,
            None => self.pos = self.src.len(),
        }
    }

    fn number(&mut self, start: usize) -> Result<Token<'a>, (ErrorKind, Span)> {
        let b = self.src.as_bytes();
        // The usual numbers, decimal and `0x` hex, read at once; whatever
        // else (a suffix, `_`, a fraction, an exponent, a label reference,
        // an overflow) is left to the general reading below.
        if let Some((v, end)) = plain_number(b, start) {
            self.pos = end;
            return Ok(Token {
                tok: Tok::Int(v),
                span: Span::new(start, end),
            });
        }
        while let Some(c) = b.get(self.pos) {
            if c.is_ascii_alphanumeric() || *c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        // A fraction or exponent makes it a float (`1.5`, `1e9`, `2.5e-3`).
        let is_float_start =
            b.get(self.pos) == Some(&b'.') && b.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
        let text = &self.src[start..self.pos];
        let decimal_exp = text
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'e' || c == b'E')
            && text.contains(['e', 'E'])
            && !text.starts_with("0x");
        if is_float_start
            || decimal_exp
            || ((text.ends_with('e') || text.ends_with('E'))
                && matches!(b.get(self.pos), Some(b'+' | b'-'))
                && text[..text.len() - 1].bytes().all(|c| c.is_ascii_digit()))
        {
            return self.float(start);
        }
        let span = Span::new(start, self.pos);
        let tok = classify_number(text).map_err(|k| (k, span))?;
        Ok(Token { tok, span })
    }

    fn float(&mut self, start: usize) -> Result<Token<'a>, (ErrorKind, Span)> {
        let b = self.src.as_bytes();
        let mut seen_exp = false;
        while let Some(&c) = b.get(self.pos) {
            let prev = b[self.pos - 1];
            if c.is_ascii_digit() || c == b'.' || c == b'_' {
                self.pos += 1;
            } else if (c == b'e' || c == b'E') && !seen_exp {
                seen_exp = true;
                self.pos += 1;
            } else if (c == b'+' || c == b'-') && (prev == b'e' || prev == b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let span = Span::new(start, self.pos);
        let mut buf = [0u8; 64];
        let mut n = 0;
        for c in self.src[start..self.pos].bytes().filter(|c| *c != b'_') {
            if n == buf.len() {
                return Err((ErrorKind::MalformedNumber, span));
            }
            buf[n] = c;
            n += 1;
        }
        let text =
            core::str::from_utf8(&buf[..n]).map_err(|_| (ErrorKind::MalformedNumber, span))?;
        let v: f64 = text
            .parse()
            .map_err(|_| (ErrorKind::MalformedNumber, span))?;
        Ok(Token {
            tok: Tok::Float(v),
            span,
        })
    }

    fn char_literal(&mut self, start: usize) -> Result<Token<'a>, (ErrorKind, Span)> {
        let rest = &self.src[start + 1..];
        let unterminated = |end: usize| {
            (
                ErrorKind::Unterminated("character literal"),
                Span::new(start, end),
            )
        };
        let mut chars = rest.char_indices();
        let (value, len) = match chars.next() {
            None | Some((_, '\n')) | Some((_, '\'')) => return Err(unterminated(start + 1)),
            Some((_, '\\')) => {
                let (v, used) = unescape(&rest[1..])
                    .map_err(|_| (ErrorKind::BadEscape, Span::new(start, start + 2)))?;
                (v, 1 + used)
            }
            Some((_, c)) => (c as u32, c.len_utf8()),
        };
        if rest.as_bytes().get(len) != Some(&b'\'') {
            return Err(unterminated(start + 1 + len));
        }
        self.pos = start + 1 + len + 1;
        Ok(Token {
            tok: Tok::Char(value),
            span: Span::new(start, self.pos),
        })
    }
}

/// Byte classes of [`Lexer::next_token`]'s fast path.
const BLANK: u8 = 1;
/// Starts a name (and continues one).
const NAME: u8 = 2 | NAME_PART;
/// Starts a number (and continues a name).
const DIGIT: u8 = 4 | NAME_PART;
const END: u8 = 6;
/// Punctuation that is a token alone whatever follows.
const PUNCT: u8 = 8;
/// Continues a name (a flag of `NAME` and `DIGIT`).
const NAME_PART: u8 = 0x10;

/// Whether the lexer skips `c` between tokens (a blank, not a comment).
#[inline]
pub(crate) fn is_blank(c: u8) -> bool {
    CLASS[c as usize] == BLANK
}

/// Whether `c` starts a name (not a digit).
#[inline]
pub(crate) fn is_name_start(c: u8) -> bool {
    CLASS[c as usize] == NAME
}

/// Whether `c` continues a name (letters, digits, `_ . $ @`).
#[inline]
pub(crate) fn is_name_part(c: u8) -> bool {
    CLASS[c as usize] & NAME_PART != 0
}

/// Whether `c` starts a number.
#[inline]
pub(crate) fn is_digit(c: u8) -> bool {
    CLASS[c as usize] == DIGIT
}

/// Each byte's class; 0 for everything [`Lexer::other`] reads (comments,
/// strings, `->`, `=>`, `<<`, `>>`, `#`, `/`, invalid characters).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b' => BLANK,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' | b'$' | b'@' => NAME,
            b'0'..=b'9' => DIGIT,
            b'\n' | b';' => END,
            b',' | b':' | b'[' | b']' | b'{' | b'}' | b'(' | b')' | b'+' | b'*' | b'%' | b'&'
            | b'|' | b'^' | b'~' | b'!' => PUNCT,
            _ => 0,
        };
        c += 1;
    }
    t
};

/// A decimal number or a `0x` hex number at `start` that nothing but a
/// separator follows (not a name character or `.`), and that fits 64
/// bits: its value and end. What [`classify_number`] gives for it.
#[inline]
pub(crate) fn plain_number(b: &[u8], start: usize) -> Option<(u64, usize)> {
    let mut pos = start;
    let mut v: u64 = 0;
    let hex = b.get(start) == Some(&b'0') && matches!(b.get(start + 1), Some(b'x' | b'X'));
    if hex {
        pos += 2;
        let digits = pos;
        while let Some(&c) = b.get(pos) {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            if v >> 60 != 0 {
                return None;
            }
            v = v << 4 | d as u64;
            pos += 1;
        }
        if pos == digits {
            return None;
        }
    } else {
        while let Some(&c) = b.get(pos) {
            if !c.is_ascii_digit() {
                break;
            }
            v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
            pos += 1;
        }
    }
    match b.get(pos) {
        Some(&c) if CLASS[c as usize] & NAME_PART != 0 => None,
        _ => Some((v, pos)),
    }
}

/// Decodes one escape after a backslash: its value and how many bytes it used.
pub(crate) fn unescape(s: &str) -> Result<(u32, usize), ()> {
    let b = s.as_bytes();
    let c = *b.first().ok_or(())?;
    Ok(match c {
        b'n' => (10, 1),
        b't' => (9, 1),
        b'r' => (13, 1),
        b'0'..=b'7' => {
            let n = b
                .iter()
                .take(3)
                .take_while(|c| (b'0'..=b'7').contains(c))
                .count();
            let v = u32::from_str_radix(&s[..n], 8).map_err(|_| ())?;
            if v > 0xff {
                return Err(());
            }
            (v, n)
        }
        b'x' => {
            let n = b[1..]
                .iter()
                .take(2)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if n == 0 {
                return Err(());
            }
            (
                u32::from_str_radix(&s[1..1 + n], 16).map_err(|_| ())?,
                1 + n,
            )
        }
        b'a' => (7, 1),
        b'b' => (8, 1),
        b'f' => (12, 1),
        b'v' => (11, 1),
        b'e' => (27, 1),
        b'\\' | b'\'' | b'"' => (c as u32, 1),
        _ => return Err(()),
    })
}

fn classify_number(text: &str) -> Result<Tok<'static>, ErrorKind> {
    let lower_last = text.as_bytes()[text.len() - 1].to_ascii_lowercase();
    // `1to16` inside `{…}`.
    if let Some(n) = text.strip_prefix("1to") {
        return match n {
            "2" | "4" | "8" | "16" | "32" => Ok(Tok::Bcst(
                n.parse().map_err(|_| ErrorKind::MalformedNumber)?,
            )),
            _ => Err(ErrorKind::MalformedNumber),
        };
    }
    let digits = |s: &str, radix: u32| -> Result<u64, ErrorKind> {
        let mut v: u64 = 0;
        let mut any = false;
        for c in s.bytes() {
            if c == b'_' {
                continue;
            }
            let d = (c as char)
                .to_digit(radix)
                .ok_or(ErrorKind::MalformedNumber)?;
            v = v
                .checked_mul(radix as u64)
                .and_then(|v| v.checked_add(d as u64))
                .ok_or(ErrorKind::NumberTooLarge)?;
            any = true;
        }
        if any {
            Ok(v)
        } else {
            Err(ErrorKind::MalformedNumber)
        }
    };
    let bytes = text.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let rest = &text[2..];
        match bytes[1].to_ascii_lowercase() {
            b'x' => return digits(rest, 16).map(Tok::Int),
            b'b' => return digits(rest, 2).map(Tok::Int),
            b'o' => return digits(rest, 8).map(Tok::Int),
            _ => {}
        }
    }
    if text.len() >= 2 && (lower_last == b'b' || lower_last == b'f') {
        let head = &text[..text.len() - 1];
        if head.bytes().all(|c| c.is_ascii_digit()) {
            return Ok(Tok::NumLabel {
                n: digits(head, 10)?,
                forward: lower_last == b'f',
            });
        }
    }
    if lower_last == b'h' {
        return digits(&text[..text.len() - 1], 16).map(Tok::Int);
    }
    digits(text, 10).map(Tok::Int)
}
