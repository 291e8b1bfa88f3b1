//! Runs the `jitasm` binary as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn jitasm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitasm"))
        .args(args)
        .output()
        .expect("run jitasm")
}

/// Runs `jitasm` with `input` on its standard input.
fn jitasm_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jitasm"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jitasm");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    // Written from another thread so a large input cannot deadlock against
    // a full output pipe.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait for jitasm");
    writer.join().unwrap().expect("write stdin");
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file under the temporary directory that is removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("jitasm-cli-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_runs_the_built_in_functions() {
    let o = jitasm(&["demo"]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    assert!(out.contains("answer()        = 42"), "{out}");
    assert!(out.contains("sum(100)        = 5050"), "{out}");
    assert!(out.contains("host_square(7)+1 = 50"), "{out}");
}

#[cfg(target_arch = "x86_64")]
#[test]
fn run_hex_returns_the_result_and_honours_arguments() {
    let o = jitasm(&["run", "--hex", "b8 2a 00 00 00 c3"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o).trim(), "42");
    // lea rax, [rdi + rsi]; ret
    let o = jitasm(&["run", "--hex", "48 8d 04 37 c3", "40", "2"]);
    assert_eq!(stdout(&o).trim(), "42");
    // mov rax, r9 (the sixth argument); ret
    let o = jitasm(&["run", "--hex", "4c89c8c3", "1", "2", "3", "4", "5", "-6"]);
    assert_eq!(stdout(&o).trim(), "-6");
    let o = jitasm(&["run", "--hex", "4889f8c3", "-9223372036854775808"]); // mov rax, rdi; ret
    assert_eq!(stdout(&o).trim(), "-9223372036854775808");
    let o = jitasm(&["run", "--hex", "4889f8c3", "0xffffffffffffffff"]);
    assert_eq!(stdout(&o).trim(), "-1");
}

#[test]
fn usage_errors_exit_with_status_2() {
    for args in [
        &["frobnicate"][..],
        &["run"],
        &["run", "--hex", "zz"],
        &["run", "--hex", "abc"],
        &["run", "--hex", "c3", "x"],
        &["run", "--hex", "c3", "18446744073709551616"],
        &["run", "--hex", "c3", "-9223372036854775809"],
        &["run", "--hex", "c3", "--5"],
        &["run", "--hex", "c3", "1", "2", "3", "4", "5", "6", "7"],
    ] {
        let o = jitasm(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).starts_with("error: "),
            "{args:?}"
        );
    }
}

#[test]
fn help_and_version() {
    let o = jitasm(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    for word in [
        "jitasm demo",
        "jitasm asm",
        "jitasm run",
        "--arch",
        "--syntax",
        "--base",
        "-e TEXT",
        "--listing",
        "--disasm",
        "--format",
        "--batch",
        "--hex",
        "NO_COLOR",
        "EXIT STATUS",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let o = jitasm(&["asm", "--help"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), help);
    let o = jitasm(&["--version"]);
    assert!(stdout(&o).starts_with("jitasm "));
}

#[test]
fn asm_prints_hex_bytes() {
    let o = jitasm(&["asm", "-e", "mov eax, 42; ret"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "b8 2a 00 00 00 c3\n");
    // -e may be repeated: one line each
    let o = jitasm(&["asm", "-e", "mov eax, 42", "-e", "ret", "--format", "hex"]);
    assert_eq!(stdout(&o), "b8 2a 00 00 00 c3\n");
    // nothing emitted: an empty line
    let o = jitasm(&["asm", "-e", "# only a comment"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "\n");
}

#[test]
fn asm_reads_stdin_and_files() {
    let text = "xor eax, eax // zero\n1: add eax, edi\ndec edi\njnz 1b\nret\n";
    let from_stdin = jitasm_with_stdin(&["asm"], text);
    assert!(from_stdin.status.success(), "{from_stdin:?}");
    let dash = jitasm_with_stdin(&["asm", "-"], text);
    assert_eq!(stdout(&dash), stdout(&from_stdin));
    let file = TempFile::new("loop.s", text);
    let from_file = jitasm(&["asm", file.path()]);
    assert!(from_file.status.success(), "{from_file:?}");
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    assert_eq!(
        stdout(&from_file).split_whitespace().count(),
        9,
        "{}",
        stdout(&from_file)
    );
    // `jnz 1b` is near: GNU syntax takes rel8 (75 fa), as GNU as does
    assert!(stdout(&from_file).starts_with("31 c0 01 f8 ff cf 75 fa "));
    assert!(stdout(&from_file).ends_with(" c3\n"));
}

#[test]
fn asm_for_x86_32() {
    let o = jitasm(&[
        "asm",
        "--arch",
        "x86",
        "-e",
        "push ebp; mov ebp, esp; inc eax",
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "55 89 e5 40\n");
    // `inc eax` is a REX prefix's byte in 64-bit mode: the encoding differs
    let o = jitasm(&["asm", "-e", "inc eax"]);
    assert_eq!(stdout(&o), "ff c0\n");
}

#[test]
fn asm_with_dynasm_syntax() {
    let text = "->top:\n dec eax\n jnz ->top\n jmp >done\n nop\ndone:\n ret";
    let o = jitasm(&["asm", "--syntax", "dynasm", "-e", text]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let bytes: Vec<u8> = out
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect();
    // dec eax; jnz back to offset 0; jmp over the nop; nop; ret
    assert_eq!(&bytes[..2], [0xff, 0xc8], "{out}");
    assert_eq!(*bytes.last().unwrap(), 0xc3, "{out}");
    assert!(bytes.contains(&0x90), "{out}");
    // dynasm keeps rel32 for a label branch, as dynasm-rs does
    assert_eq!(&bytes[2..4], [0x0f, 0x85], "{out}");
    // in GNU syntax `done:` is a global label, referenced by its name, and a
    // near branch to it is short
    let o = jitasm(&["asm", "--syntax=gnu", "-e", "jmp done; done: ret"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "eb 00 c3\n");
}

#[test]
fn asm_listing_shows_offsets_bytes_and_source() {
    let text = "start:\n  mov eax, 42 # answer\n  .byte 1, 2, 3, 4, 5, 6, 7, 8, 9, 10\n  ret";
    let o = jitasm(&["asm", "--listing", "-e", text]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert!(
        lines[0].starts_with("0000 ") && lines[0].ends_with("start:"),
        "{out}"
    );
    assert!(!lines[0].contains("b8"), "a label emits no bytes: {out}");
    assert!(lines[1].starts_with("0000  b8 2a 00 00 00 "), "{out}");
    assert!(lines[1].ends_with("  mov eax, 42"), "{out}");
    assert!(
        lines[2].starts_with("0005  01 02 03 04 05 06 07 08"),
        "{out}"
    );
    assert!(
        lines[2].ends_with(".byte 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"),
        "{out}"
    );
    assert_eq!(lines[3], "000d  09 0a", "{out}");
    assert!(
        lines[4].starts_with("000f  c3 ") && lines[4].ends_with(" ret"),
        "{out}"
    );
    // with a base address, addresses
    let o = jitasm(&["asm", "--listing", "--base", "0x401000", "-e", "nop; ret"]);
    let out = stdout(&o);
    assert!(out.starts_with("401000  90 "), "{out}");
    assert!(out.contains("\n401001  c3 "), "{out}");
}

#[test]
fn asm_disasm_decodes_the_bytes_back() {
    let o = jitasm(&["asm", "--disasm", "-e", "mov eax, 42; ret"]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("0000: b8 2a 00 00 00"), "{out}");
    assert!(
        lines[0].contains("mov") && lines[0].contains("eax"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("0005: c3") && lines[1].ends_with("ret"),
        "{out}"
    );
    // 32-bit decoding for x86
    let o = jitasm(&["asm", "--arch", "x86", "--disasm", "-e", "inc eax"]);
    assert!(stdout(&o).contains("inc eax"), "{o:?}");
    // not for other architectures: a usage error
    let o = jitasm(&["asm", "--arch", "riscv64", "--disasm", "-e", "nop"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(stderr(&o).contains("riscv64"), "{o:?}");
}

#[test]
fn asm_format_rust() {
    let o = jitasm(&["asm", "--format", "rust", "-e", "mov eax, 42; ret"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "[0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]\n");
    let o = jitasm(&["asm", "--format=rust", "-e", ".zero 20"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(
        out.starts_with("[\n    0x00, ") && out.ends_with(",\n]\n"),
        "{out}"
    );
}

#[test]
fn asm_batch_prints_one_line_per_input_line() {
    let input = "mov eax, 42\n\n# a comment\nmovv eax, 1\nret\r\nmov eax, 1; ret\njmp nowhere\n   \nadd eax, [rbx + rcx*3]";
    let o = jitasm_with_stdin(&["asm", "--batch"], input);
    assert_eq!(
        o.status.code(),
        Some(0),
        "failing lines do not fail the run: {o:?}"
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), input.lines().count(), "{out}");
    assert_eq!(
        lines,
        [
            "b8 2a 00 00 00",
            "",
            "",
            "error: unknown mnemonic `movv`",
            "c3",
            "b8 01 00 00 00 c3",
            "error: label `nowhere` is not defined",
            "",
            "error: operand 2: scale 3 is not 1, 2, 4 or 8",
        ],
        "{out}"
    );
    // every error is one line, even a message that has several
    let o = jitasm_with_stdin(&["asm", "--batch"], "add al, rax\nnop\n");
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("error: no form of `add`"), "{out}");
    assert!(out.ends_with("\n90\n"), "{out}");
    // a big input in one process
    let many = "mov eax, 42\nret\n".repeat(5000);
    let o = jitasm_with_stdin(&["asm", "--batch"], &many);
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 10_000);
    // an unreadable input fails
    let o = jitasm(&["asm", "--batch", "/nonexistent/jitasm/input.s"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn run_text_returns_the_result() {
    let o = jitasm(&["run", "-e", "mov eax, 42; ret"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "42\n");
    let o = jitasm(&["run", "-e", "lea rax, [rdi + rsi]; ret", "40", "2"]);
    assert_eq!(stdout(&o), "42\n", "{o:?}");
    let o = jitasm(&["run", "-e", "mov rax, -5; ret"]);
    assert_eq!(stdout(&o), "-5\n", "{o:?}");
    // negative and hex arguments, the sixth in r9
    let o = jitasm(&[
        "run",
        "-e",
        "mov rax, r9",
        "-e",
        "ret",
        "1",
        "2",
        "3",
        "4",
        "5",
        "-0x10",
    ]);
    assert_eq!(stdout(&o), "-16\n", "{o:?}");
    // labels and a loop: sum(100)
    let sum =
        "xor eax, eax\ntest rdi, rdi\njz done\ntop: add rax, rdi\ndec rdi\njnz top\ndone: ret";
    let o = jitasm(&["run", "-e", sum, "100"]);
    assert_eq!(stdout(&o), "5050\n", "{o:?}");
    // from a file and from standard input
    let file = TempFile::new("sum.s", sum);
    let o = jitasm(&["run", file.path(), "10"]);
    assert_eq!(stdout(&o), "55\n", "{o:?}");
    let o = jitasm_with_stdin(&["run", "-", "4"], sum);
    assert_eq!(stdout(&o), "10\n", "{o:?}");
    // dynasm syntax
    let o = jitasm(&[
        "run",
        "--syntax",
        "dynasm",
        "-e",
        "mov eax, 1; jmp >out; mov eax, 2; out: ret",
    ]);
    assert_eq!(stdout(&o), "1\n", "{o:?}");
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn run_text_errors() {
    let o = jitasm(&["run", "-e", "nop\nmovv eax, 1\nret"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stderr(&o).contains("<-e>:2:1"), "{o:?}");
    // 32-bit code cannot be called from this 64-bit process
    let o = jitasm(&["run", "--arch", "x86", "-e", "ret"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stderr(&o).contains("x86"), "{o:?}");
    for args in [
        &["run", "-e", "ret", "x"][..],
        &["run", "-e", "ret", "1", "2", "3", "4", "5", "6", "7"],
    ] {
        let o = jitasm(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    }
}

#[test]
fn assembly_errors_show_the_place() {
    let o = jitasm(&["asm", "-e", "nop\n  movv eax, 1"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(o.stdout.is_empty(), "{o:?}");
    let err = stderr(&o);
    assert!(err.starts_with("error: unknown mnemonic `movv`"), "{err}");
    assert!(err.contains("<-e>:2:3"), "{err}");
    assert!(err.contains("2 |   movv eax, 1"), "{err}");
    assert!(err.contains("\n  |   ^^^^"), "{err}");
    assert!(
        !err.contains('\x1b'),
        "no color when stderr is not a terminal: {err:?}"
    );
    // the file's name, and <stdin>
    let file = TempFile::new("bad.s", "ret\nadd eax, [rbx + rcx*3]\n");
    let o = jitasm(&["asm", file.path()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        stderr(&o).contains(&format!("{}:2:10", file.path())),
        "{o:?}"
    );
    assert!(stderr(&o).contains('^'), "{o:?}");
    let o = jitasm_with_stdin(&["asm"], "jmp nowhere");
    assert!(stderr(&o).contains("<stdin>:1:5"), "{o:?}");
    // an architecture the text assembler does not read yet
    let o = jitasm(&["asm", "--arch", "riscv64", "-e", "nop"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stderr(&o).contains("riscv64"), "{o:?}");
    let o = jitasm(&["asm", "--arch", "riscv64", "--batch", "-e", "nop"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    // a file that does not exist
    let o = jitasm(&["asm", "/nonexistent/jitasm/input.s"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stderr(&o).contains("/nonexistent/jitasm/input.s"), "{o:?}");
}

#[test]
fn asm_usage_errors_exit_with_status_2() {
    for args in [
        &["asm", "--frobnicate"][..],
        &["asm", "--arch"],
        &["asm", "--arch", "mips", "-e", "nop"],
        &["asm", "--syntax", "att", "-e", "nop"],
        &["asm", "--format", "json", "-e", "nop"],
        &["asm", "--base", "zz", "-e", "nop"],
        &["asm", "--listing", "--disasm", "-e", "nop"],
        &["asm", "--batch", "--listing", "-e", "nop"],
        &["asm", "-e", "nop", "file.s"],
        &["asm", "a.s", "b.s"],
        &["asm", "--listing=yes", "-e", "nop"],
        &["run", "--hex", "c3", "-e", "ret"],
        &["run", "--listing", "-e", "ret"],
    ] {
        let o = jitasm(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}");
    }
}

// --- AArch64 ------------------------------------------------------------------

#[path = "../../jitasm-a64/tests/support/known.rs"]
mod known;

/// jitasm-a64's golden vectors (llvm-mc 19's words) through `--batch`: one
/// output line per line, llvm-mc's bytes or an error where llvm-mc refuses.
#[test]
fn aarch64_batch_matches_llvm_mc() {
    let golden = include_str!("../../jitasm-a64/tests/data/golden_a64.txt");
    let lines: Vec<(&str, &str)> = golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('\t').expect("word TAB text"))
        .map(|(word, asm)| (asm, word))
        .collect();
    let input: String = lines.iter().map(|(asm, _)| format!("{asm}\n")).collect();
    let o = jitasm_with_stdin(&["asm", "--arch", "aarch64", "--batch"], &input);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), lines.len());
    let mut checked = 0;
    for ((asm, word), got) in lines.iter().zip(got) {
        if known::known(asm, word).is_some() {
            continue;
        }
        if *word == "error" {
            assert!(got.starts_with("error: "), "{asm}: {got}");
        } else {
            let bytes = u32::from_str_radix(word, 16).unwrap().to_le_bytes();
            let want: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(got, want.join(" "), "{asm}");
        }
        checked += 1;
    }
    assert!(checked > 8000, "{checked}");
}

/// The library's bytes, which the oracle tests check against llvm-mc.
fn a64_bytes(text: &str) -> Vec<u8> {
    jitasm::assemble(jitasm::Arch::Aarch64, text).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn aarch64_hex_rust_and_listing() {
    let text = "# sum of 1..=x0\nmov x1, x0 // counter\nmov x0, #0\n1: add x0, x0, x1\nsubs x1, x1, #1\nb.ne 1b\nret";
    let bytes = a64_bytes(text);
    let o = jitasm(&["asm", "--arch", "aarch64", "-e", text]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), format!("{}\n", hex(&bytes)));
    let o = jitasm(&["asm", "--arch", "aarch64", "--format", "rust", "-e", "ret"]);
    let ret: Vec<String> = a64_bytes("ret")
        .iter()
        .map(|b| format!("{b:#04x}"))
        .collect();
    assert_eq!(stdout(&o), format!("[{}]\n", ret.join(", ")));
    // The listing keeps `#` immediates and leaves `//` comments out.
    let o = jitasm(&[
        "asm",
        "--arch",
        "aarch64",
        "--listing",
        "--base",
        "0x1000",
        "-e",
        text,
    ]);
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 6, "{out}");
    assert!(
        rows[0].starts_with("1000  ") && rows[0].ends_with("mov x1, x0"),
        "{out}"
    );
    assert!(
        rows[3].starts_with("100c  ") && rows[3].ends_with("subs x1, x1, #1"),
        "{out}"
    );
    assert!(rows[3].contains(&hex(&bytes[12..16])), "{out}");
    // dynasm syntax
    let o = jitasm(&[
        "asm",
        "--arch",
        "aarch64",
        "--syntax",
        "dynasm",
        "-e",
        "add v0.s4, v1.s4, v2.s4",
    ]);
    assert_eq!(
        stdout(&o).trim(),
        hex(&a64_bytes("add v0.4s, v1.4s, v2.4s"))
    );
}

/// `--disasm` prints what disarm64 decodes where that text assembles back
/// to the word, PC-relative operands as offsets with the target beside;
/// words disarm64 misreads (its `ld1` of four registers reads as `ld4`) or
/// cannot decode are `.word`.
#[test]
fn aarch64_disasm_reads_back() {
    let text = "add x0, x1, #16\nldr x2, [sp, #8]\n1: stp x29, x30, [sp, #-16]!\nfadd v0.4s, v1.4s, v2.4s\nb.ne 1b\nld1 {v0.16b-v3.16b}, [x0], #64\nret\n.word 0\n.byte 1, 2";
    let bytes = a64_bytes(text);
    let o = jitasm(&[
        "asm", "--arch", "aarch64", "--disasm", "--base", "0x1000", "-e", text,
    ]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 9, "{out}");
    for (i, row) in rows.iter().enumerate() {
        assert!(
            row.starts_with(&format!("{:04x}: ", 0x1000 + 4 * i)),
            "{row}"
        );
    }
    let insn = |row: &str| row[37..].split(" //").next().unwrap().trim().to_string();
    for i in [0, 1, 2, 3, 4, 6] {
        let text = insn(rows[i]);
        assert!(!text.starts_with('.'), "{}", rows[i]);
        assert_eq!(a64_bytes(&text), bytes[4 * i..4 * i + 4], "{}", rows[i]);
    }
    assert!(rows[4].ends_with("// 0x1008"), "{out}");
    assert_eq!(
        insn(rows[5]),
        format!(
            ".word {:#010x}",
            u32::from_le_bytes(bytes[20..24].try_into().unwrap())
        )
    );
    // `.word 0` is `udf #0`, and reads back.
    assert_eq!(a64_bytes(&insn(rows[7])), [0, 0, 0, 0], "{}", rows[7]);
    assert!(rows[8].ends_with(".byte 0x01, 0x02"), "{out}");
}

#[cfg(not(target_arch = "aarch64"))]
#[test]
fn aarch64_text_does_not_run_elsewhere() {
    let o = jitasm(&["run", "--arch", "aarch64", "-e", "ret"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stderr(&o).contains("aarch64"), "{o:?}");
}

#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
#[test]
fn aarch64_run_text_returns_the_result() {
    let o = jitasm(&["run", "-e", "add x0, x0, x1; ret", "40", "2"]);
    assert_eq!(stdout(&o), "42\n", "{o:?}");
    let o = jitasm(&[
        "run",
        "-e",
        "mov x0, x5\nret",
        "1",
        "2",
        "3",
        "4",
        "5",
        "-6",
    ]);
    assert_eq!(stdout(&o), "-6\n", "{o:?}");
    let sum = "mov x1, x0\nmov x0, #0\ncbz x1, done\ntop: add x0, x0, x1\nsubs x1, x1, #1\nb.ne top\ndone: ret";
    let o = jitasm(&["run", "-e", sum, "100"]);
    assert_eq!(stdout(&o), "5050\n", "{o:?}");
    let o = jitasm(&[
        "run",
        "--syntax",
        "dynasm",
        "-e",
        "mov x0, #1; b >out; mov x0, #2; out: ret",
    ]);
    assert_eq!(stdout(&o), "1\n", "{o:?}");
}
