//! The worked examples in `examples/`, run as tests: each example's `run`
//! (or a shorter variant) is called and its output checked. On x86-64 hosts
//! and on AArch64 hosts (`cargo test -p jitasm --test examples --target
//! aarch64-unknown-linux-gnu` runs them under qemu here): every example has
//! both versions; where the output names instructions or code sizes, each
//! architecture has its own expectation.
#![cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
// Each example loads `examples/support/main_fn.rs` (its `main`) for itself.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)]
#[path = "../examples/minimal.rs"]
mod minimal;

#[allow(dead_code)]
#[path = "../examples/add.rs"]
mod add;

#[allow(dead_code)]
#[path = "../examples/hello.rs"]
mod hello;

#[allow(dead_code)]
#[path = "../examples/factorial.rs"]
mod factorial;

#[allow(dead_code)]
#[path = "../examples/array_sum.rs"]
mod array_sum;

#[allow(dead_code)]
#[path = "../examples/vector_add.rs"]
mod vector_add;

#[allow(dead_code)]
#[path = "../examples/mul_const.rs"]
mod mul_const;

#[allow(dead_code)]
#[path = "../examples/expr.rs"]
mod expr;

#[allow(dead_code)]
#[path = "../examples/bf.rs"]
mod bf;

#[allow(dead_code)]
#[path = "../examples/ticker.rs"]
mod ticker;

#[test]
fn minimal_prints_0x30() {
    assert_eq!(minimal::run().unwrap(), "0x30\n");
}

#[test]
fn hello_calls_rust_with_a_string_beside_the_code() {
    assert_eq!(
        hello::run().unwrap(),
        "Hello from generated code!\nHello from generated code!\nprinted 54 bytes, then 0\n"
    );
}

#[test]
fn add_both_versions() {
    let out = add::run().unwrap();
    #[cfg(target_arch = "x86_64")]
    let expected = "\
frame-based add (22 bytes): 55 48 89 e5 48 89 7d f8 48 89 75 f0 48 8b 45 f8 48 03 45 f0 5d c3
lea add (5 bytes): 48 8d 04 37 c3
add_frame(2, 3) = 5; add_lea(2, 3) = 5
add_frame(40, 2) = 42; add_lea(40, 2) = 42
add_frame(-7, 7) = 0; add_lea(-7, 7) = 0
add_frame(9223372036854775807, 1) = -9223372036854775808; add_lea(9223372036854775807, 1) = -9223372036854775808
add_frame(123456789, -987654321) = -864197532; add_lea(123456789, -987654321) = -864197532
";
    #[cfg(target_arch = "aarch64")]
    let expected = "\
frame-based add (36 bytes): fd 7b be a9 fd 03 00 91 e0 0f 00 f9 e1 0b 00 f9 e0 0f 40 f9 e1 0b 40 f9 00 00 01 8b fd 7b c2 a8 c0 03 5f d6
register add (8 bytes): 00 00 01 8b c0 03 5f d6
add_frame(2, 3) = 5; add_reg(2, 3) = 5
add_frame(40, 2) = 42; add_reg(40, 2) = 42
add_frame(-7, 7) = 0; add_reg(-7, 7) = 0
add_frame(9223372036854775807, 1) = -9223372036854775808; add_reg(9223372036854775807, 1) = -9223372036854775808
add_frame(123456789, -987654321) = -864197532; add_reg(123456789, -987654321) = -864197532
";
    assert_eq!(out, expected);
}

#[test]
fn factorial_0_to_20() {
    let out = factorial::run().unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 22);
    assert_eq!(lines[0], "0! = 1");
    assert_eq!(lines[5], "5! = 120");
    assert_eq!(lines[20], "20! = 2432902008176640000");
    assert_eq!(lines[21], "all 21 values match Rust");
}

#[test]
fn array_sum_slices() {
    let expected = "\
sum([]) = 0
sum([42]) = 42
sum([1, 2, 3, 4, 5]) = 15
sum([i64::MAX, 1]) = -9223372036854775808
sum(3i - 1e6 for i in 0..1e6) = 499998500000
";
    assert_eq!(array_sum::run().unwrap(), expected);
}

#[test]
#[cfg(target_arch = "x86_64")]
fn vector_add_sse_and_avx2() {
    let out = vector_add::run().unwrap();
    assert!(
        out.contains("SSE version: 2203 elements match Rust\n"),
        "{out}"
    );
    if std::is_x86_feature_detected!("avx2") {
        assert!(
            out.contains("AVX2 version: 2203 elements match Rust\n"),
            "{out}"
        );
        assert!(out.contains("selected at run time: AVX2\n"), "{out}");
    } else {
        assert!(out.contains("selected at run time: SSE\n"), "{out}");
    }
    assert!(
        out.ends_with("= [1.5, 2.25, 3.125, 3.0, 3.0, 3.0, 107.0, 8.001, 1009.0, 0.0]\n"),
        "{out}"
    );
}

#[test]
#[cfg(target_arch = "aarch64")]
fn vector_add_neon() {
    let out = vector_add::run().unwrap();
    assert!(
        out.starts_with(
            "NEON version: 2203 elements match Rust\nno run-time selection: every AArch64 CPU has NEON\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("= [1.5, 2.25, 3.125, 3.0, 3.0, 3.0, 107.0, 8.001, 1009.0, 0.0]\n"),
        "{out}"
    );
}

#[test]
fn mul_const_strategies() {
    let out = mul_const::run().unwrap();
    #[cfg(target_arch = "aarch64")]
    let lines = [
        "x * 0: mov x0, xzr (8 bytes with ret); f(7) = 0",
        "x * 1: (nothing) (4 bytes with ret); f(7) = 7",
        "x * -1: neg x0, x0 (8 bytes with ret); f(7) = -7",
        "x * 3: add x0, x0, x0, lsl #1 (8 bytes with ret); f(7) = 21",
        "x * 9: add x0, x0, x0, lsl #3 (8 bytes with ret); f(7) = 63",
        "x * 8: lsl x0, x0, #3 (8 bytes with ret); f(7) = 56",
        "x * 10: movz x1, #0xa; mul x0, x0, x1 (12 bytes with ret); f(7) = 70",
        "x * -100: movn x1, #0x63; mul x0, x0, x1 (12 bytes with ret); f(7) = -700",
        "x * 1099511627777: add x0, x0, x0, lsl #40 (8 bytes with ret); f(7) = 7696581394439",
        "x * -9223372036854775808: lsl x0, x0, #63 (8 bytes with ret); f(7) = -9223372036854775808",
        "all 14 functions match wrapping_mul on 9 inputs",
    ];
    #[cfg(target_arch = "x86_64")]
    let lines = [
        "x * 0: xor eax, eax (3 bytes with ret); f(7) = 0",
        "x * -1: mov rax, rdi; neg rax (7 bytes with ret); f(7) = -7",
        "x * 3: lea rax, [rdi + rdi*2] (5 bytes with ret); f(7) = 21",
        "x * 9: lea rax, [rdi + rdi*8] (5 bytes with ret); f(7) = 63",
        "x * 8: mov rax, rdi; shl rax, 3 (8 bytes with ret); f(7) = 56",
        "x * 10: imul rax, rdi, 10 (5 bytes with ret); f(7) = 70",
        "x * 1099511627777: mov rax, 1099511627777; imul rax, rdi (15 bytes with ret); f(7) = 7696581394439",
        "all 14 functions match wrapping_mul on 9 inputs",
    ];
    for line in lines {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn expr_matches_interpreter() {
    let out = expr::run_with(10_000).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "expression 1: (((x + 3) * (y - x)) - (7 * y))");
    // The code size is the architecture's: 9 x86-64 instructions, or 12
    // AArch64 ones (no immediate for `mul`, a final `mov` to x0).
    let size = if cfg!(target_arch = "x86_64") { 38 } else { 48 };
    assert_eq!(
        lines[1],
        format!("expression 1: 11 nodes, {size} bytes of code, 1000 inputs match the interpreter, checksum -20865663858097000")
    );
    assert!(lines[2].starts_with("expression 2: ") && lines[2].contains("match the interpreter"));
    assert!(lines[3].starts_with("expression 3: ") && lines[3].contains("match the interpreter"));
    assert!(lines[4].starts_with("10000 evaluations of each: interpreter "));
    assert!(lines[5].starts_with("speed-up: ") && lines[5].ends_with('×'));
}

#[test]
fn expr_spills_past_the_registers() {
    // 2^8 leaves, depth 8: deeper than the six value registers, so the
    // stack fallback runs.
    fn full(d: u32, k: &mut i64) -> expr::Expr {
        if d == 0 {
            *k += 1;
            return match *k % 3 {
                0 => expr::Expr::X,
                1 => expr::Expr::Y,
                _ => expr::Expr::Const(*k),
            };
        }
        let (a, b) = (Box::new(full(d - 1, k)), Box::new(full(d - 1, k)));
        match d % 3 {
            0 => expr::Expr::Add(a, b),
            1 => expr::Expr::Sub(a, b),
            _ => expr::Expr::Mul(a, b),
        }
    }
    let e = full(8, &mut 0);
    #[cfg(target_arch = "x86_64")]
    let (code, entry) = {
        let mut asm = jitasm::Assembler::<jitasm::isa::X64>::new().unwrap();
        let entry = asm.offset();
        let mut b = jitasm::x64::builder::Builder::new(&mut asm, jitasm::x64::Mode::Long);
        expr::compile_expr(&mut b, &e).unwrap();
        (asm.finalize().unwrap(), entry)
    };
    #[cfg(target_arch = "aarch64")]
    let (code, entry) = {
        let mut asm = jitasm::Assembler::<jitasm::isa::Aarch64>::new().unwrap();
        let entry = asm.offset();
        expr::compile_expr(&mut asm, &e);
        (asm.finalize().unwrap(), entry)
    };
    // SAFETY: `compile_expr` emits a complete `extern "C" fn(i64, i64) -> i64`
    // (see the example); `code` outlives the calls.
    let f = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(entry).unwrap() };
    for (x, y) in [(0, 0), (1, 2), (-3, 5), (1 << 40, -7), (i64::MAX, i64::MIN)] {
        assert_eq!(f(x, y), e.eval(x, y), "x = {x}, y = {y}");
    }
}

#[test]
fn bf_hello_and_loops() {
    let out = bf::run_with(&[3, 20, 20, 20]).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        lines[0],
        "hello: 136 commands, 45 after folding, 333 bytes of code"
    );
    // On AArch64 the size depends on how many 16-bit pieces of `putchar`'s
    // address are non-zero (each is a `movz`/`movk`).
    #[cfg(target_arch = "aarch64")]
    assert!(
        lines[0].starts_with("hello: 136 commands, 45 after folding, ")
            && lines[0].ends_with(" bytes of code"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], r#"hello output: "Hello, World!\n""#);
    assert_eq!(lines[2], "hello: output and tape match the interpreter");
    assert!(lines[3].starts_with("hello: interpreter "));
    assert_eq!(lines[5], r#"loops[3, 20, 20, 20] output: "***\n""#);
    assert_eq!(
        lines[6],
        "loops[3, 20, 20, 20]: output and tape match the interpreter"
    );
    assert!(lines[8].starts_with("speed-up: "));
    assert_eq!(lines.len(), 9);
}

#[test]
fn bf_folding_and_brackets() {
    use bf::Op;
    assert_eq!(
        bf::parse("+++>>>--<[-]+-.,").unwrap(),
        [
            Op::Add(3),
            Op::Move(3),
            Op::Add(254),
            Op::Move(-1),
            Op::Clear,
            Op::Out,
            Op::In
        ]
    );
    assert!(bf::parse("[[]").is_err());
    assert!(bf::parse("[]]").is_err());
    // A program whose output is every byte value, through the JIT and the
    // interpreter (clear runs and wrapping included).
    let src = "-[>.+<-]>.";
    let mut tape = vec![0u8; 65536];
    let want = bf::interpret(src, &mut tape).unwrap();
    assert_eq!(want.len(), 256);
    let out = bf::run_programs(&[("bytes", src.to_string())]).unwrap();
    assert!(
        out.contains("bytes: output and tape match the interpreter"),
        "{out}"
    );
}

/// The compiled ticker against the interpreter of the same operations.
fn ticker_matches_interpreter(ops: &[ticker::Op], width: usize, max: u64) -> Vec<String> {
    let compiled = ticker::render(ops, width, max, false).unwrap();
    let mut ctx = ticker::Context::new(width, false);
    for _ in 0..max {
        if !ctx.interpret(ops) {
            break;
        }
    }
    assert_eq!(compiled, ctx.screen());
    compiled
}

#[test]
fn ticker_renders_what_the_interpreter_renders() {
    use ticker::Op;
    let lines = ticker_matches_interpreter(&ticker::scene(48), 40, 1000);
    // Exit(48) after Print: frames 0 to 48 print.
    assert_eq!(lines.len(), 49);
    assert!(lines[0].starts_with("<jitasm>"));
    assert_eq!(lines[5].find('<'), Some(5));
    assert_ne!(lines[0], lines[1]);
    // Exit first: nothing is printed; no Exit: runs to the frame cap.
    assert!(ticker_matches_interpreter(&[Op::Exit(0), Op::Print], 8, 10).is_empty());
    let sprites = [
        Op::Clear('-'),
        Op::Draw {
            sprite: "ab",
            offset: -3,
            speed: -1.75,
        },
        Op::Draw {
            sprite: "xyz",
            offset: 7,
            speed: 0.3,
        },
        Op::Print,
        Op::Clear(' '),
        Op::Print,
    ];
    assert_eq!(ticker_matches_interpreter(&sprites, 11, 25).len(), 50);
}
