//! Runs the `jitasm` binary as a user would.

use std::process::{Command, Output};

fn jitasm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitasm"))
        .args(args)
        .output()
        .expect("run jitasm")
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
    assert!(stdout(&o).contains("jitasm demo"));
    let o = jitasm(&["--version"]);
    assert!(stdout(&o).starts_with("jitasm "));
}
