//! `cargo xtask golden-x86 [--check]` (which runs this example:
//! `cargo run -p jitasm-x64 --example golden_x86 -- [--check]`): golden
//! vectors for the x86 encoder,
//! with llvm-mc (LLVM 19) as the oracle.
//!
//! For every form of `jitasm_x64::table::FORMS` valid in a mode (64-bit and
//! 32-bit), instances `0..SEEDS` of the shared instance generator
//! (`crates/jitasm-x64/tests/support/gen.rs`, included below so that the
//! generator and `crates/jitasm-x64/tests/golden.rs` make the same instances)
//! are rendered in LLVM's Intel syntax and assembled by one
//!
//! ```text
//! llvm-mc-19 -triple=x86_64 (or i686) -x86-asm-syntax=intel -output-asm-variant=1 -show-encoding
//! ```
//!
//! process per mode. Each input line is `.Lc<N>: <instruction>`: the label
//! marks where the case's output starts (llvm-mc prints it back), so an
//! instruction llvm-mc expands into two (`fstsw` is `wait` + `fnstsw`) keeps
//! all its bytes, and an error (`<stdin>:LINE:COL: error: …` on stderr)
//! maps back to its case by line number. The files written are
//!
//! ```text
//! crates/jitasm-x64/tests/data/golden_x64.txt   (64-bit mode)
//! crates/jitasm-x64/tests/data/golden_x86.txt   (32-bit mode)
//! ```
//!
//! with one line per case, `form seed ORACLE_NAME | text | hex` (llvm-mc's
//! bytes, followed by `| warning: <message>` if llvm-mc warned) or
//! `… | error: <llvm-mc's message>`.
//!
//! Instances with a branch-target operand (`jmp`/`jcc`/`call`/`loop`/`xbegin`
//! rel8/16/32) are left out: gen.rs writes the target as an absolute address,
//! which llvm-mc either rejects or turns into a relocation whose bytes depend
//! on relaxation, not on the encoder. Branch displacements are checked by the
//! iced round trip (`tests/roundtrip.rs`) and the fixup vectors
//! (`scripts/golden/gen_fixup_vectors.py`).
//!
//! `--check` regenerates the vectors in memory and fails if a case line
//! differs from the checked-in files (the header's exact LLVM version may
//! differ: another LLVM 19 release is reported, not failed).

#[path = "../tests/support/gen.rs"]
mod gen;

use jitasm_x64::table::{FORMS, ORACLE_NAMES};
use jitasm_x64::{Mode, Operand};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Instances per form and mode.
pub const SEEDS: u64 = 3;

const LLVM_MC: &str = "llvm-mc-19";

/// The file of `mode`'s vectors, relative to the workspace root.
fn file(mode: Mode) -> &'static str {
    match mode {
        Mode::Long => "crates/jitasm-x64/tests/data/golden_x64.txt",
        Mode::Protected => "crates/jitasm-x64/tests/data/golden_x86.txt",
    }
}

fn triple(mode: Mode) -> &'static str {
    match mode {
        Mode::Long => "x86_64",
        Mode::Protected => "i686",
    }
}

/// llvm-mc from LLVM 19: `$LLVM_MC`, `llvm-mc-19` on the PATH, or Debian's
/// `/usr/lib/llvm-19/bin/llvm-mc`.
fn find_llvm_mc() -> Option<(PathBuf, String)> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("LLVM_MC") {
        candidates.push(p.into());
    }
    candidates.push(LLVM_MC.into());
    candidates.push("/usr/lib/llvm-19/bin/llvm-mc".into());
    for c in candidates {
        let Ok(out) = Command::new(&c).arg("--version").output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(version) = text
            .split_whitespace()
            .skip_while(|w| *w != "version")
            .nth(1)
        else {
            continue;
        };
        if version.starts_with("19.") {
            return Some((c, version.to_string()));
        }
        eprintln!("golden-x86: {} is LLVM {version}, not LLVM 19", c.display());
    }
    None
}

/// One case: an instance and its text.
struct Case {
    form: usize,
    seed: u64,
    text: String,
}

fn cases(mode: Mode) -> Vec<Case> {
    let mut v = Vec::new();
    for (i, form) in FORMS.iter().enumerate() {
        if !form.valid_in(mode) {
            continue;
        }
        for seed in 0..SEEDS {
            let inst = gen::instance(i, mode, seed);
            if inst.ops.iter().any(|o| matches!(o, Operand::Label(..))) {
                continue;
            }
            v.push(Case {
                form: i,
                seed,
                text: gen::intel(form, &inst),
            });
        }
    }
    v
}

/// What llvm-mc made of a case.
#[derive(Default)]
struct Outcome {
    bytes: Vec<u8>,
    /// A byte llvm-mc left to a fixup (`A`).
    fixup: bool,
    error: Option<String>,
    /// llvm-mc's first warning (`mask, index, and destination registers
    /// should be distinct`…).
    warning: Option<String>,
}

fn assemble(llvm_mc: &Path, mode: Mode, cases: &[Case]) -> Result<Vec<Outcome>, String> {
    let mut input = String::new();
    for (n, c) in cases.iter().enumerate() {
        writeln!(input, ".Lc{n}: {}", c.text).unwrap();
    }
    let mut child = Command::new(llvm_mc)
        .args([
            &format!("-triple={}", triple(mode)),
            "-x86-asm-syntax=intel",
            "-output-asm-variant=1",
            "-show-encoding",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", llvm_mc.display()))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{}: {e}", llvm_mc.display()))?;
    writer
        .join()
        .expect("stdin writer")
        .map_err(|e| format!("writing to llvm-mc: {e}"))?;
    let mut res: Vec<Outcome> = cases.iter().map(|_| Outcome::default()).collect();
    let mut current: Option<usize> = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let t = line.trim();
        if let Some(n) = t.strip_prefix(".Lc").and_then(|r| r.strip_suffix(':')) {
            current = Some(n.parse().map_err(|_| format!("bad label line {t:?}"))?);
            continue;
        }
        let Some(pos) = line.find("# encoding: [") else {
            continue;
        };
        let n = current.ok_or_else(|| format!("output before the first case: {line:?}"))?;
        let list = &line[pos + "# encoding: [".len()..];
        let list = list
            .split(']')
            .next()
            .ok_or_else(|| format!("bad encoding {line:?}"))?;
        for b in list.split(',') {
            match b.strip_prefix("0x").map(|h| u8::from_str_radix(h, 16)) {
                Some(Ok(v)) => res[n].bytes.push(v),
                _ => res[n].fixup = true,
            }
        }
    }
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        let Some(rest) = line.strip_prefix("<stdin>:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_col), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let msg = msg.trim();
        let l: usize = l
            .parse()
            .map_err(|_| format!("bad message line {line:?}"))?;
        let o = res
            .get_mut(l - 1)
            .ok_or_else(|| format!("message on line {l}, past the input: {line:?}"))?;
        let slot = if let Some(m) = msg.strip_prefix("error: ") {
            Some((&mut o.error, m))
        } else {
            msg.strip_prefix("warning: ").map(|m| (&mut o.warning, m))
        };
        if let Some((slot, m)) = slot {
            if slot.is_none() {
                *slot = Some(m.to_string());
            }
        }
    }
    Ok(res)
}

fn render(mode: Mode, version: &str, cases: &[Case], outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "# @generated by `cargo xtask golden-x86` (crates/xtask/src/golden_x86.rs). Do not edit."
    )
    .unwrap();
    writeln!(s, "# llvm-mc version {version}").unwrap();
    writeln!(
        s,
        "# llvm-mc-19 -triple={} -x86-asm-syntax=intel -output-asm-variant=1 -show-encoding",
        triple(mode)
    )
    .unwrap();
    writeln!(
        s,
        "# {} mode: every form valid in it, instances 0..{SEEDS} of tests/support/gen.rs",
        if mode.is64() { "64-bit" } else { "32-bit" }
    )
    .unwrap();
    writeln!(
        s,
        "# (instances with a branch target left out). Checked by tests/golden.rs."
    )
    .unwrap();
    writeln!(
        s,
        "# form seed iced_code | text | llvm-mc's bytes [| warning: its first warning], or error: its first error"
    )
    .unwrap();
    for (c, o) in cases.iter().zip(outcomes) {
        write!(
            s,
            "{} {} {} | {} | ",
            c.form, c.seed, ORACLE_NAMES[c.form], c.text
        )
        .unwrap();
        if let Some(e) = &o.error {
            writeln!(s, "error: {e}").unwrap();
        } else if o.fixup {
            writeln!(s, "error: (jitasm) llvm-mc left a fixup").unwrap();
        } else if o.bytes.is_empty() {
            writeln!(s, "error: (jitasm) llvm-mc emitted nothing").unwrap();
        } else {
            for b in &o.bytes {
                write!(s, "{b:02x}").unwrap();
            }
            if let Some(w) = &o.warning {
                write!(s, " | warning: {w}").unwrap();
            }
            s.push('\n');
        }
    }
    s
}

/// The case lines (not the comments) of a vector file.
fn case_lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().filter(|l| !l.starts_with('#'))
}

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    run(check)
}

fn run(check: bool) -> ExitCode {
    let Some((llvm_mc, version)) = find_llvm_mc() else {
        eprintln!(
            "golden-x86: llvm-mc from LLVM 19 not found ({LLVM_MC}, /usr/lib/llvm-19/bin/llvm-mc \
             or $LLVM_MC); on Debian/Ubuntu: apt-get install llvm-19"
        );
        return ExitCode::FAILURE;
    };
    let root = root();
    let modes = [Mode::Long, Mode::Protected];
    // Both modes at once (one llvm-mc each).
    let results: Vec<Result<(String, usize), String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = modes
            .iter()
            .map(|&mode| {
                let llvm_mc = &llvm_mc;
                let version = &version;
                sc.spawn(move || {
                    let cases = cases(mode);
                    let outcomes = assemble(llvm_mc, mode, &cases)?;
                    Ok((render(mode, version, &cases, &outcomes), cases.len()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread"))
            .collect()
    });
    let mut failed = false;
    for (mode, r) in modes.into_iter().zip(results) {
        let (text, n) = match r {
            Ok(x) => x,
            Err(e) => {
                eprintln!("golden-x86: {e}");
                return ExitCode::FAILURE;
            }
        };
        let path = root.join(file(mode));
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if old == text {
            println!("up to date: {} ({n} cases)", path.display());
        } else if check {
            if case_lines(&old).eq(case_lines(&text)) {
                println!(
                    "up to date: {} ({n} cases; written with another llvm-mc, this is {version})",
                    path.display()
                );
            } else {
                eprintln!(
                    "stale: {} (run `cargo xtask golden-x86`); {} case lines checked in, {} generated",
                    path.display(),
                    case_lines(&old).count(),
                    case_lines(&text).count()
                );
                for (a, b) in case_lines(&old)
                    .zip(case_lines(&text))
                    .filter(|(a, b)| a != b)
                    .take(5)
                {
                    eprintln!("  file: {a}\n  now:  {b}");
                }
                failed = true;
            }
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("create tests/data");
            }
            std::fs::write(&path, &text).expect("write golden vectors");
            println!("wrote {} ({n} cases, llvm-mc {version})", path.display());
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The workspace root.
fn root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}
