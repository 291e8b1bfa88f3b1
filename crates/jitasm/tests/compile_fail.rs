//! `dynasm!` rejects bad assembly at compile time, with the message at the
//! operand it concerns (`tests/ui/*.rs`, expected output in `*.stderr`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
