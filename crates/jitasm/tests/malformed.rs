//! Malformed input of every kind gives a typed error at the right place:
//! each case names the error kind, the line and column (1-based, columns in
//! characters) and, where the place is a token or an operand, the byte span.
//! None panics, hangs or yields bytes.
//!
//! The corner cases that are *valid* (the widest immediates, the deepest
//! nesting allowed) are checked at the end, so that the errors are not bought
//! with refusing good input.

use jitasm::syntax::ErrorKind as K;
use jitasm::x64::{EncodeError as E, MemProblem as M};
use jitasm::{Arch, AsmError, AsmOptions, Syntax};

fn assemble(arch: Arch, syntax: Syntax, text: &str) -> Result<Vec<u8>, AsmError> {
    jitasm::assemble_with(text, &AsmOptions::new(arch).syntax(syntax), 0).map(|a| a.bytes)
}

fn fail(arch: Arch, syntax: Syntax, text: &str) -> AsmError {
    match assemble(arch, syntax, text) {
        Ok(bytes) => panic!("{text:?} assembled to {bytes:02x?}; an error was expected"),
        Err(e) => e,
    }
}

/// `case!(name: [arch] [syntax] text => kind, line, column [, span])`: the
/// text fails with an error of that kind at that line and column (and that
/// byte range).
macro_rules! case {
    ($name:ident: $text:expr => $kind:pat $(if $guard:expr)?, $line:expr, $col:expr $(, $span:expr)?) => {
        case!($name: X64 Gnu $text => $kind $(if $guard)?, $line, $col $(, $span)?);
    };
    ($name:ident: $syntax:ident $text:expr => $kind:pat $(if $guard:expr)?, $line:expr, $col:expr $(, $span:expr)?) => {
        case!($name: X64 $syntax $text => $kind $(if $guard)?, $line, $col $(, $span)?);
    };
    ($name:ident: $arch:ident $syntax:ident $text:expr => $kind:pat $(if $guard:expr)?, $line:expr, $col:expr $(, $span:expr)?) => {
        #[test]
        fn $name() {
            let text: &str = &$text;
            let e = fail(Arch::$arch, Syntax::$syntax, text);
            assert!(
                matches!(e.kind, $kind $(if $guard)?),
                "{}: kind {:?} is not {}",
                stringify!($name),
                e.kind,
                stringify!($kind)
            );
            assert_eq!(
                (e.line, e.column),
                ($line, $col),
                "{}: place of {:?}",
                stringify!($name),
                e.kind
            );
            $(
                let span: core::ops::Range<u32> = $span;
                assert_eq!(e.span.start..e.span.end, span, "{}: span", stringify!($name));
            )?
            // The rendering never panics and always shows the line and a caret.
            let r = e.render();
            assert!(r.contains(&*e.source_line) && r.contains('^'), "{r}");
        }
    };
}

// --- characters -------------------------------------------------------------

case!(invalid_backtick: "mov eax, `" => K::InvalidCharacter('`'), 1, 10, 9..10);
case!(invalid_nul: "mov\0 eax, 1" => K::InvalidCharacter('\0'), 1, 4, 3..4);
case!(invalid_control: "mov eax, \x01" => K::InvalidCharacter('\x01'), 1, 10, 9..10);
case!(invalid_escape_char: "nop\n\x1b[31mnop" => K::InvalidCharacter('\x1b'), 2, 1, 4..5);
case!(invalid_non_ascii: "mov eax, é" => K::InvalidCharacter('é'), 1, 10, 9..11);
case!(invalid_snowman: "mov eax, 1 ☃" => K::InvalidCharacter('☃'), 1, 12, 11..14);
case!(invalid_bom: "\u{feff}nop" => K::InvalidCharacter('\u{feff}'), 1, 1, 0..3);
case!(invalid_replacement: "nop \u{fffd}" => K::InvalidCharacter('\u{fffd}'), 1, 5, 4..7);
case!(invalid_after_multibyte_on_line_3: "nop\nnop\n/* é */ é"
    => K::InvalidCharacter('é'), 3, 9, 17..19);
case!(invalid_in_dynasm: Dynasm "mov eax, DWORD [rax] \u{7f}"
    => K::InvalidCharacter('\u{7f}'), 1, 22, 21..22);

// --- strings, character literals, comments ----------------------------------

case!(unterminated_string: ".ascii \"abc" => K::Unterminated("string"), 1, 8, 7..11);
case!(unterminated_string_at_newline: ".ascii \"abc\nnop"
    => K::Unterminated("string"), 1, 8, 7..11);
case!(unterminated_string_backslash_newline: ".ascii \"a\\\nb\""
    => K::Unterminated("string"), 1, 8);
case!(unterminated_char: "mov al, 'a" => K::Unterminated("character literal"), 1, 9, 8..10);
case!(empty_char: "mov al, ''" => K::Unterminated("character literal"), 1, 9, 8..9);
case!(two_char_literal: "mov eax, 'ab'" => K::Unterminated("character literal"), 1, 10);
case!(unterminated_comment: "nop\n/* hello\nnop" => K::Unterminated("comment"), 2, 1, 4..6);
case!(bad_escape_string: ".ascii \"\\q\"" => K::BadEscape, 1, 9, 8..10);
case!(bad_escape_char: "mov al, '\\q'" => K::BadEscape, 1, 9, 8..10);
case!(bad_hex_escape: ".ascii \"ab\\x\"" => K::BadEscape, 1, 11, 10..12);
case!(octal_escape_too_large: ".ascii \"\\400\"" => K::BadEscape, 1, 9, 8..10);

// --- numbers ----------------------------------------------------------------

case!(hex_without_digits: "mov eax, 0x" => K::MalformedNumber, 1, 10, 9..11);
case!(decimal_with_letters: "mov eax, 12ab" => K::MalformedNumber, 1, 10, 9..13);
case!(binary_digit_2: "mov eax, 0b2" => K::MalformedNumber, 1, 10, 9..12);
case!(hex_only_underscore: "mov eax, 0x_" => K::MalformedNumber, 1, 10, 9..12);
case!(bad_broadcast_as_number: "mov eax, 1to3" => K::MalformedNumber, 1, 10, 9..13);
case!(bad_float: ".float 1.5.5" => K::MalformedNumber, 1, 8, 7..12);
case!(label_as_number_position: "0x: nop" => K::MalformedNumber, 1, 1, 0..2);
case!(too_large_decimal: "mov rax, 18446744073709551616" => K::NumberTooLarge, 1, 10, 9..29);
case!(too_large_hex: "mov rax, 0x1_0000_0000_0000_0000" => K::NumberTooLarge, 1, 10, 9..32);
case!(too_large_h_suffix: "mov eax, 0fffffffffffffffffh" => K::NumberTooLarge, 1, 10, 9..28);
case!(too_large_numeric_label: "jmp 99999999999999999999f" => K::NumberTooLarge, 1, 5, 4..25);
case!(overflow_product: "mov rax, 0xffffffffffffffff * 16" => K::NumberTooLarge, 1, 10, 9..32);
case!(overflow_sum: "mov rax, 18446744073709551615 + 1" => K::NumberTooLarge, 1, 10, 9..33);
case!(overflow_negative: "mov rax, -18446744073709551615 - 2" => K::NumberTooLarge, 1, 10);
case!(shift_too_far: "mov eax, 1 << 64" => K::BadExpression(_), 1, 10, 9..16);
case!(division_by_zero: "mov eax, 1/0" => K::BadExpression(_), 1, 10, 9..12);
case!(remainder_by_zero: ".byte 7 % (2 - 2)" => K::BadExpression(_), 1, 7);
case!(not_of_register: "mov eax, ~rax" => K::BadExpression(_), 1, 10, 9..13);
case!(product_of_registers: "mov eax, [rax * rbx]" => K::BadExpression(_), 1, 11);
case!(extern_of_register: "jmp extern rax" => K::BadExpression(_), 1, 5, 4..14);

// --- nesting ----------------------------------------------------------------

// 10,000 `(`: the 65th is one too many (`mov eax, ` is 9 bytes).
case!(deep_parentheses: format!("mov eax, {}1{}", "(".repeat(10_000), ")".repeat(10_000))
    => K::TooDeep, 1, 9 + 65, 73..74);
case!(deep_parentheses_unclosed: "mov eax, ".to_string() + &"(".repeat(10_000)
    => K::TooDeep, 1, 74, 73..74);
case!(deep_parentheses_in_memory: format!("mov eax, [{}rax{}]", "(".repeat(5_000), ")".repeat(5_000))
    => K::TooDeep, 1, 75, 74..75);
case!(deep_minus: format!("mov eax, {}1", "- ".repeat(20_000)) => K::TooDeep, 1, 138, 137..138);
case!(deep_not: format!(".byte {}0", "~".repeat(20_000)) => K::TooDeep, 1, 71, 70..71);
case!(deep_dynamic_label: Dynasm format!("jmp {}1", "=>".repeat(20_000))
    => K::TooDeep, 1, 133, 132..134);
case!(deep_extern: format!("jmp {}1", "extern ".repeat(20_000)) => K::TooDeep, 1, 453, 452..458);
case!(deep_on_line_2: format!("nop\n.quad {}", "(".repeat(100)) => K::TooDeep, 2, 71);

// --- unbalanced brackets, parentheses, braces -------------------------------

case!(open_paren: "mov eax, (1" => K::Expected { expected: "`)`", .. }, 1, 12, 11..11);
case!(close_paren: "mov eax, 1)" => K::Expected { .. }, 1, 11, 10..11);
case!(open_bracket: "mov eax, [rax" => K::Expected { expected: "`]`", .. }, 1, 14, 13..13);
case!(open_bracket_sized: "mov eax, dword ptr [rax + 8"
    => K::Expected { expected: "`]`", .. }, 1, 28, 27..27);
case!(close_bracket: "mov eax, rax]" => K::Expected { .. }, 1, 13, 12..13);
case!(two_close_brackets: "mov eax, [rax]]" => K::Expected { .. }, 1, 15, 14..15);
case!(nested_brackets: "mov eax, [[rax]]" => K::Expected { .. }, 1, 11, 10..11);
case!(open_brace: "vaddps zmm0 {k1, zmm1, zmm2"
    => K::Expected { expected: "`}`", .. }, 1, 16, 15..16);
case!(close_brace: "vaddps zmm0 {k1}}, zmm1, zmm2" => K::Expected { .. }, 1, 17, 16..17);
case!(open_rounding: "vaddps zmm0, zmm1, zmm2, {rn-sae"
    => K::Expected { expected: "`}`", .. }, 1, 33, 32..32);
case!(open_prefix_brace: "{vex nop" => K::Expected { expected: "`}`", .. }, 1, 6, 5..8);
case!(open_register_family: Dynasm "mov rax, Rq(1"
    => K::Expected { expected: "`)`", .. }, 1, 14, 13..13);

// --- missing operands and commas, trailing garbage --------------------------

case!(missing_operand_after_comma: "mov eax," => K::Expected { .. }, 1, 9, 8..8);
case!(missing_first_operand: "mov , eax" => K::Expected { .. }, 1, 5, 4..5);
case!(double_comma: "mov eax,, 1" => K::Expected { .. }, 1, 9, 8..9);
case!(missing_comma: "mov eax 1" => K::Expected { .. }, 1, 9, 8..9);
case!(missing_comma_registers: "add eax ebx" => K::Expected { .. }, 1, 9, 8..11);
case!(missing_second_operand: "mov eax" => K::Encode(E::NoMatchingForm { .. }), 1, 1, 0..7);
case!(trailing_number: "nop 5 6" => K::Expected { .. }, 1, 7, 6..7);
case!(trailing_at: "mov eax, 1 @ 2" => K::Expected { .. }, 1, 12, 11..12);
case!(trailing_label_definition: "mov eax, 1 1:" => K::Expected { .. }, 1, 12, 11..12);
case!(trailing_memory: "ret ; mov eax, [rax] [rbx]" => K::Expected { .. }, 1, 22, 21..22);
case!(missing_mnemonic_after_label: "a::"
    => K::Expected { expected: "a mnemonic", .. }, 1, 3, 2..3);
case!(missing_label_name: "jmp ->" => K::Expected { .. }, 1, 7, 6..6);
case!(missing_offset_operand: "mov eax, offset" => K::Expected { .. }, 1, 16, 15..15);
case!(missing_segment_operand: "mov eax, fs:" => K::Expected { .. }, 1, 13, 12..12);

// --- unknown mnemonics and directives ---------------------------------------

case!(unknown_mnemonic: "foo eax" => K::UnknownMnemonic(_), 1, 1, 0..3);
case!(unknown_mnemonic_prefix_alone: "lock" => K::UnknownMnemonic(_), 1, 1, 0..4);
case!(unknown_directive: ".bogus 1" => K::UnknownDirective(_), 1, 1, 0..6);
case!(unknown_directive_dots: "nop\n.." => K::UnknownDirective(_), 2, 1, 4..6);
case!(unknown_prefix_braces: "{foo} nop" => K::Expected { .. }, 1, 2, 1..4);

// --- directive arguments ----------------------------------------------------

case!(align_not_power_of_two: ".align 3" => K::BadOperand(_), 1, 1, 0..8);
case!(align_zero: ".align 0" => K::BadOperand(_), 1, 1, 0..8);
case!(align_too_large: ".balign 1 << 31" => K::BadOperand(_), 1, 1, 0..15);
case!(p2align_too_large: ".p2align 99 # x"
    => K::OutOfRange { what: "alignment power", value: 99, .. }, 1, 1, 0..11);
case!(p2align_negative: ".p2align -1" => K::OutOfRange { value: -1, .. }, 1, 1, 0..11);
case!(align_fill_byte: ".align 4, 300 # c" => K::OutOfRange { value: 300, .. }, 1, 11, 10..13);
case!(byte_256: ".byte 256" => K::OutOfRange { value: 256, min: -128, max: 255, .. }, 1, 7, 6..9);
case!(byte_minus_129: ".byte 1, -129" => K::OutOfRange { value: -129, .. }, 1, 10, 9..13);
case!(word_65536: ".word 65536" => K::OutOfRange { value: 65536, .. }, 1, 7, 6..11);
case!(long_too_large: ".long 0x100000000" => K::OutOfRange { .. }, 1, 7, 6..17);
case!(u8_negative: ".u8 -1" => K::OutOfRange { value: -1, min: 0, max: 255, .. }, 1, 5, 4..6);
case!(i16_too_large: ".i16 32768" => K::OutOfRange { value: 32768, .. }, 1, 6, 5..10);
case!(fill_negative: ".fill -1" => K::OutOfRange { what: "count", value: -1, .. }, 1, 7, 6..8);
case!(fill_bad_size: ".fill 2, 3 # c"
    => K::OutOfRange { what: "fill size", value: 3, .. }, 1, 10, 9..10);
case!(fill_value_too_large: ".fill 1, 8, -0xffffffffffffffff"
    => K::OutOfRange { what: "value", .. }, 1, 13, 12..31);
case!(zero_too_many: ".zero 16777217" => K::OutOfRange { what: "count", .. }, 1, 7, 6..14);
case!(zero_fill_byte: ".zero 2, 999 // x" => K::OutOfRange { value: 999, .. }, 1, 10, 9..12);
case!(ascii_number: ".ascii 5" => K::Expected { expected: "a string", .. }, 1, 8, 7..8);
case!(asciz_nothing: ".asciz" => K::Expected { expected: "a string", .. }, 1, 7, 6..6);
case!(word_string: ".word \"ab\"" => K::Expected { .. }, 1, 7, 6..10);
case!(byte_register: ".byte al" => K::BadOperand(_), 1, 7, 6..8);
case!(float_name: ".float x" => K::Expected { .. }, 1, 8, 7..8);
case!(equ_no_value: ".equ x" => K::Expected { expected: "`,`", .. }, 1, 7, 6..6);
case!(equ_register: ".equ x, eax" => K::Expected { expected: "a number", .. }, 1, 9, 8..11);
case!(equ_overflow: ".equ x, 1 << 70" => K::BadExpression(_), 1, 9, 8..15);
case!(rel32_number: ".rel32 5" => K::BadOperand(_), 1, 8, 7..8);
case!(arch_unknown: ".arch foo" => K::Expected { .. }, 1, 7, 6..9);
case!(arch_aarch64: "nop\n.arch aarch64" => K::BadOperand(_), 2, 7, 10..17);
case!(arch_riscv: "nop\n.arch riscv64" => K::UnsupportedArch("riscv64"), 2, 7, 10..17);
case!(globl_number: ".globl 5" => K::Expected { .. }, 1, 8, 7..8);
case!(intel_syntax_prefix: ".intel_syntax prefix" => K::Expected { .. }, 1, 15, 14..20);

// --- immediates out of range for the form ------------------------------------

case!(add_al_300: "add al, 300"
    => K::Encode(E::ImmediateOutOfRange { operand: 1, value: 300, .. }), 1, 9, 8..11);
case!(mov_byte_mem_256: "mov byte ptr [rax], 256"
    => K::Encode(E::ImmediateOutOfRange { operand: 1, .. }), 1, 21, 20..23);
case!(mov_eax_too_wide: "mov eax, 0x100000000"
    => K::Encode(E::ImmediateOutOfRange { operand: 1, .. }), 1, 10, 9..20);
case!(push_too_wide: "push 0x100000000"
    => K::Encode(E::ImmediateOutOfRange { operand: 0, .. }), 1, 6, 5..16);
case!(int_256: "int 256" => K::Encode(E::ImmediateOutOfRange { operand: 0, .. }), 1, 5, 4..7);
case!(ret_65536: "ret 65536" => K::Encode(E::ImmediateOutOfRange { operand: 0, .. }), 1, 5, 4..9);
case!(far_selector: "jmp 0x10000:0x20"
    => K::OutOfRange { what: "segment selector", .. }, 1, 5, 4..11);
case!(immediate_too_wide_keyword: "mov eax, zmmword ptr 5" => K::BadOperand(_), 1, 10, 9..22);

// --- operand kinds ----------------------------------------------------------

case!(mov_eax_xmm0: "mov eax, xmm0" => K::Encode(E::NoMatchingForm { .. }), 1, 1, 0..13);
case!(add_mismatched_sizes: "add eax, bx" => K::Encode(E::NoMatchingForm { .. }), 1, 1, 0..11);
case!(ret_register: "ret rax" => K::Encode(E::NoMatchingForm { .. }), 1, 1);
case!(x86_64bit_register: X86 Gnu "mov rax, 1" => K::Encode(E::NoMatchingForm { .. }), 1, 1, 0..10);
case!(x86_after_code32: X64 Gnu "mov rax, 1\n.code32\nmov rax, 1"
    => K::Encode(E::NoMatchingForm { .. }), 3, 1, 19..29);
case!(negated_register: "mov eax, -rax" => K::BadOperand(_), 1, 10, 9..13);
case!(size_mismatch: "mov eax, qword ptr rax" => K::Encode(E::NoMatchingForm { .. }), 1, 1);
case!(segment_prefix_without_memory: "fs mov eax, 1" => K::BadOperand(_), 1, 1, 0..2);

// --- memory operands --------------------------------------------------------

case!(mem_two_scaled: "mov eax, [rax*3 + rbx*2]" => K::BadOperand(_), 1, 10, 9..24);
case!(mem_subtracted_register: "mov eax, [rax - rbx]" => K::BadOperand(_), 1, 10, 9..20);
case!(mem_negative_scale: "mov eax, [rax*-1]" => K::BadOperand(_), 1, 10, 9..17);
case!(mem_scale_16: "mov eax, [rax*16]"
    => K::Encode(E::Memory { operand: 1, problem: M::Scale(16) }), 1, 10, 9..17);
case!(mem_mixed_sizes: "mov eax, [eax + rbx]"
    => K::Encode(E::Memory { operand: 1, problem: M::MixedSizes }), 1, 10, 9..20);
case!(mem_rsp_index: "mov eax, [rsp*2]"
    => K::Encode(E::Memory { problem: M::StackPointerIndex, .. }), 1, 10, 9..16);
case!(mem_rip_index: "mov eax, [rip + rax]"
    => K::Encode(E::Memory { problem: M::RipWithIndex, .. }), 1, 10, 9..20);
case!(mem_three_registers: "add eax, [rbx + rcx*3 + rdx]" => K::BadExpression(_), 1, 10);
case!(mem_displacement_too_large: "mov eax, [rax + 0x100000000]"
    => K::Encode(E::Memory { problem: M::DispOutOfRange(0x1_0000_0000), .. }), 1, 10, 9..28);
case!(mem_byte_displacement: Dynasm "mov eax, [BYTE rax + 300]"
    => K::Encode(E::Memory { problem: M::DispNotByte(300), .. }), 1, 10, 9..25);
case!(mem_64bit_base_in_x86: X86 Gnu "mov eax, [rax]"
    => K::Encode(E::Memory { problem: M::Addr64In32, .. }), 1, 10, 9..14);
case!(mem_two_segments: "mov eax, fs:[gs:rax]" => K::BadOperand(_), 1, 14, 13..15);
case!(mem_unterminated_nosplit: Dynasm "mov eax, [NOSPLIT" => K::Expected { .. }, 1, 18, 17..17);

// --- decorations ------------------------------------------------------------

case!(mask_k9: "vaddps zmm0 {k9}, zmm1, zmm2" => K::Expected { .. }, 1, 14, 13..15);
case!(mask_not_k: "vaddps zmm0 {eax}, zmm1, zmm2" => K::Expected { .. }, 1, 14, 13..16);
case!(broadcast_1to3: "vaddps zmm0, zmm1, [rax]{1to3}" => K::MalformedNumber, 1, 26, 25..29);
case!(broadcast_on_register: "vaddps zmm0, zmm1, zmm2 {1to16}" => K::BadOperand(_), 1, 25, 24..30);
case!(broadcast_twice: "vaddps zmm0, zmm1, [rax]{1to16}{1to16}" => K::BadOperand(_), 1, 32, 31..37);
case!(two_masks: "vaddps zmm0 {k1} {k2}, zmm1, zmm2" => K::BadOperand("two masks"), 1, 18, 17..20);
case!(rounding_without_sae: "vaddps zmm0, zmm1, zmm2, {rn}" => K::Expected { .. }, 1, 29, 28..29);
case!(zeroing_without_mask: "vaddps zmm0 {z}, zmm1, zmm2" => K::Encode(E::Decoration { .. }), 1, 1);

// --- labels -----------------------------------------------------------------

case!(duplicate_label: "a: a:" => K::DuplicateLabel(_), 1, 4, 3..4);
case!(duplicate_label_line_3: "a:\nnop\na: nop" => K::DuplicateLabel(_), 3, 1, 7..8);
case!(duplicate_global_dynasm: Dynasm "->a:\n->a:" => K::DuplicateLabel(_), 2, 3, 7..8);
case!(undefined_label: "jmp nowhere" => K::UndefinedLabel(_), 1, 5, 4..11);
case!(undefined_label_line_2: "nop\ncall helper\nret" => K::UndefinedLabel(_), 2, 6, 9..15);
case!(undefined_numeric_backward: "jmp 1b" => K::UndefinedLabel(_), 1, 5, 4..6);
case!(undefined_numeric_forward: "jmp 1f\n2:" => K::UndefinedLabel(_), 1, 5, 4..6);
case!(undefined_dynasm_forward: Dynasm "jmp >nowhere" => K::UndefinedLabel(_), 1, 5, 4..12);
case!(dynasm_backward_before_definition: Dynasm "jmp <before\nbefore:"
    => K::UndefinedLabel(_), 1, 5, 4..11);
case!(dynasm_forward_after_definition: Dynasm "mov eax, 1 ; a: jmp >a"
    => K::UndefinedLabel(_), 1, 21, 20..22);
case!(undefined_dynasm_global: Dynasm "jmp ->nowhere" => K::UndefinedLabel(_), 1, 5, 4..13);
case!(dynasm_bare_name: Dynasm "mov eax, foo" => K::UnknownName(_), 1, 10, 9..12);
case!(dynasm_bare_jump: Dynasm "jmp a" => K::UnknownName(_), 1, 5, 4..5);
case!(dynasm_rq_16: Dynasm "mov rax, Rq(16)"
    => K::OutOfRange { value: 16, min: 0, max: 15, .. }, 1, 10, 9..15);
case!(dynasm_rx_99: Dynasm "movaps Rx(99), xmm0" => K::OutOfRange { value: 99, .. }, 1, 8, 7..13);
// `Rh` numbers the high-byte registers 4 (`ah`) to 7 (`bh`); 8 was taken
// for a register without a name (found by fuzzing: a panic on display).
case!(dynasm_rh_8: Dynasm "add Rh(8), 1"
    => K::OutOfRange { value: 8, min: 4, max: 7, .. }, 1, 5, 4..9);
case!(dynasm_rh_3: Dynasm "add Rh(3), 1"
    => K::OutOfRange { value: 3, min: 4, max: 7, .. }, 1, 5, 4..9);
case!(dynasm_rs_6: Dynasm "mov Rs(6), ax"
    => K::OutOfRange { value: 6, min: 0, max: 5, .. }, 1, 5, 4..9);
case!(dynasm_rq_negative: Dynasm "mov rax, Rq(-1)"
    => K::OutOfRange { value: -1, .. }, 1, 10, 9..15);
case!(dynasm_rq_register: Dynasm "mov rax, Rq(rax)" => K::Expected { .. }, 1, 13, 12..15);
case!(dynasm_alias_number: Dynasm ".alias a, 5"
    => K::Expected { expected: "a register", .. }, 1, 11, 10..11);
case!(dynasm_alias_register_name: Dynasm ".alias rax, rbx" => K::BadOperand(_), 1, 8, 7..10);
case!(dynasm_global_without_name: Dynasm "-> : nop" => K::Expected { .. }, 1, 4, 3..4);
case!(dynasm_dynamic_label_too_large: Dynasm "=> 4294967296: nop" => K::OutOfRange { .. }, 1, 1);
// `jitasm::assemble` owns its output: a dynamic label must be defined in
// the text (and, as no dynamic label is created, even that fails, at it).
case!(dynasm_dynamic_label_undefined: Dynasm "nop\njmp =>5" => K::UndefinedLabel(_), 2, 5, 8..11);
case!(dynasm_dynamic_label_in_memory: Dynasm "mov eax, [=>2]" => K::UndefinedLabel(_), 1, 11, 10..13);
case!(dynasm_dynamic_label_defined: Dynasm "jmp =>1\n=>1:"
    => K::Output(ref b) if matches!(**b, jitasm::Error::InvalidDynamicLabel { index: 1 }), 2, 1);
case!(dynasm_dynamic_label_negative: Dynasm "jmp =>-1" => K::BadExpression(_), 1, 5, 4..8);

// --- places -----------------------------------------------------------------

case!(third_line: "nop\nnop\n  movv eax, 1" => K::UnknownMnemonic(_), 3, 3, 10..14);
case!(after_multibyte_string: "nop\n.ascii \"éé\"; movv" => K::UnknownMnemonic(_), 2, 14, 19..23);
case!(second_statement: "nop; movv eax, 1" => K::UnknownMnemonic(_), 1, 6, 5..9);
case!(third_statement: "nop ; nop ; mov eax, [rax*3 + rbx*2]" => K::BadOperand(_), 1, 22, 21..36);
case!(after_block_comment: "nop /* é */ ; movv" => K::UnknownMnemonic(_), 1, 15, 15..19);
case!(after_hash_comment: "# comment é\nmovv" => K::UnknownMnemonic(_), 2, 1, 13..17);
case!(after_hash_comment_same_line: "nop # é\n  movv" => K::UnknownMnemonic(_), 2, 3, 11..15);
case!(after_line_comment: "nop // é é\nnop\nmovv" => K::UnknownMnemonic(_), 3, 1, 17..21);
case!(crlf_lines: "nop\r\nnop\r\nmovv eax" => K::UnknownMnemonic(_), 3, 1, 10..14);
case!(tabs_count_one_column: "\tmov\teax,\t1\t\t`" => K::InvalidCharacter('`'), 1, 14, 13..14);
case!(jmp_short_out_of_range: "jmp short 1f\n.zero 200\n1:"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 1, 1, 0..12);
case!(jmp_short_out_of_range_line_2: "nop\njmp short 1f\n.zero 200\n1:"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 2, 1, 4..16);
case!(jmp_short_backward_out_of_range: "1: .zero 200\n  jmp short 1b"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 2, 3, 15..27);
case!(unsupported_arch_riscv: Riscv64 Dynasm "nop" => K::UnsupportedArch("riscv64"), 1, 1, 0..0);

// --- rendering --------------------------------------------------------------

#[test]
fn render_shows_line_and_caret() {
    let e = jitasm::assemble(Arch::X64, "nop\n  movv eax, 1").unwrap_err();
    assert_eq!(
        e.render(),
        "error: unknown mnemonic `movv`\n --> 2:3\n  |\n2 |   movv eax, 1\n  |   ^^^^"
    );
    assert_eq!(e.to_string(), "2:3: unknown mnemonic `movv`");

    // A tab before the error is kept so the caret lines up.
    let e = jitasm::assemble(Arch::X64, "nop\n\tmov eax, [rax*3 + rbx*2] # x").unwrap_err();
    let r = e.render();
    assert!(r.contains("2 | \tmov eax, [rax*3 + rbx*2] # x\n"), "{r}");
    assert!(r.ends_with("\n  | \t         ^^^^^^^^^^^^^^^"), "{r}");
}

#[test]
fn render_counts_characters_not_bytes() {
    // One caret under `é` (two bytes), after `é` earlier on the line.
    let e = jitasm::assemble(Arch::X64, ".ascii \"é\"\nmov eax, 'é' + é").unwrap_err();
    assert!(matches!(e.kind, K::InvalidCharacter('é')));
    assert_eq!((e.line, e.column), (2, 16));
    assert_eq!(&*e.source_line, "mov eax, 'é' + é");
    assert!(
        e.render().ends_with("\n  |                ^"),
        "{}",
        e.render()
    );

    // An unterminated string of multi-byte characters: one caret each.
    let e = jitasm::assemble(Arch::X64, ".ascii \"éé").unwrap_err();
    assert!(e.render().ends_with("\n  |        ^^^"), "{}", e.render());
}

#[test]
fn render_of_a_hand_made_error_does_not_panic() {
    let e = AsmError {
        kind: K::TooDeep,
        span: jitasm::syntax::Span { start: 9, end: 3 },
        line: 1,
        column: 0,
        source_line: "x".into(),
    };
    assert!(e.render().contains("^"));
}

#[test]
fn errors_produce_no_bytes_and_stop_at_the_first() {
    // The first error is reported even when a later line is also wrong.
    let e = jitasm::assemble(Arch::X64, "nop\nmovv\nadd al, 300").unwrap_err();
    assert!(matches!(e.kind, K::UnknownMnemonic(_)));
    assert_eq!(e.line, 2);
}

// --- valid corner cases -----------------------------------------------------

#[test]
fn valid_corner_cases() {
    let ok = |text: &str, bytes: &[u8]| {
        assert_eq!(
            jitasm::assemble(Arch::X64, text).unwrap_or_else(|e| panic!("{text:?}: {e}")),
            bytes,
            "{text:?}"
        )
    };
    ok(
        "mov rax, 0xffffffffffffffff",
        &[0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF],
    );
    ok("mov rax, -1", &[0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF]);
    ok("mov eax, -2147483648", &[0xB8, 0x00, 0x00, 0x00, 0x80]);
    ok("mov eax, 0xffffffff", &[0xB8, 0xFF, 0xFF, 0xFF, 0xFF]);
    ok("add al, 255", &[0x04, 0xFF]);
    ok("add al, -128", &[0x04, 0x80]);
    ok(".byte -128, 255", &[0x80, 0xFF]);
    ok(".word -32768, 65535", &[0x00, 0x80, 0xFF, 0xFF]);
    ok(".quad 0xffffffffffffffff, -0x8000000000000000", &{
        let mut b = [0xFF; 16];
        b[8..15].fill(0);
        b[15] = 0x80;
        b
    });
    ok(".quad 18446744073709551615", &[0xFF; 8]);
    ok(".fill 2, 8, -1", &[0xFF; 16]);
    ok(".zero 0", &[]);
    ok(".p2align 0", &[]);
    ok(".ascii \"\\x41\\101\\n\\\\\\\"\"", b"AA\n\\\"");
    ok("mov eax, '\\''", &[0xB8, 0x27, 0, 0, 0]);
    ok("mov al, 0b1111_1111", &[0xB0, 0xFF]);
    ok("mov al, 0ffh", &[0xB0, 0xFF]);
    ok(
        "mov rax, (1 << 63) - 1 + (1 << 63)",
        &[0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF],
    );
    ok(
        "mov rax, 0x7fffffffffffffff * 2 + 1",
        &[0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF],
    );
    ok(
        "vaddps zmm0 {k1} {z}, zmm1, dword ptr [rax]{1to16}",
        &[0x62, 0xF1, 0x74, 0xD9, 0x58, 0x00],
    );
    // 64 parentheses (the limit) and 64 minus signs are fine.
    let deep = format!("mov eax, {}7{}", "(".repeat(64), ")".repeat(64));
    ok(&deep, &[0xB8, 7, 0, 0, 0]);
    let minus = format!("mov eax, {}7", "-".repeat(64));
    ok(&minus, &[0xB8, 7, 0, 0, 0]);
    ok("nop # é ☃ \u{1}\n/* é\n☃ */ nop // \0", &[0x90, 0x90]);
    ok("\r\n\t nop \r\n", &[0x90]);
    ok("", &[]);
    ok(";;;\n\n;", &[]);
    ok("jmp short 1f\n.zero 127\n1:", &{
        let mut b = vec![0xEB, 0x7F];
        b.extend([0; 127]);
        b
    });
    let dynasm = |text: &str| assemble(Arch::X64, Syntax::Dynasm, text).unwrap();
    assert_eq!(dynasm("mov rax, Rq(15)"), [0x4C, 0x89, 0xF8]);
    assert_eq!(dynasm("add Rh(4), 1"), [0x80, 0xC4, 0x01]);
    assert_eq!(dynasm("add Rh(7), 1"), [0x80, 0xC7, 0x01]);
    assert_eq!(dynasm("a: a: jmp <a"), [0xE9, 0xFB, 0xFF, 0xFF, 0xFF]);
}

/// Deep nesting is refused before it can exhaust a small stack: the
/// deepest accepted expressions and the refused ones run on a 1 MiB thread,
/// half the test threads' default (debug builds, where frames are largest).
#[test]
fn nesting_fits_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let ok = format!("mov eax, [rax + {}1{}]", "-(".repeat(32), ")".repeat(32));
            jitasm::assemble(Arch::X64, &ok).unwrap();
            for open in ["(", "-", "~", "+", "extern ", "=>"] {
                let text = format!("jmp {}1", open.repeat(1000));
                let e = assemble(Arch::X64, Syntax::Dynasm, &text).unwrap_err();
                assert!(matches!(e.kind, K::TooDeep), "{open}: {e}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

// --- AArch64 ------------------------------------------------------------------

use jitasm::syntax::A64EncodeError as A;

case!(a64_unknown_mnemonic: Aarch64 Gnu "nop\nmovv x0, #1" => K::UnknownMnemonic(_), 2, 1, 4..8);
case!(a64_unknown_condition: Aarch64 Gnu "b.xx 1f\n1:" => K::UnknownMnemonic(_), 1, 1, 0..4);
case!(a64_bad_arrangement: Aarch64 Gnu "add v0.4x, v1.4s, v2.4s" => K::BadOperand(_), 1, 5, 4..9);
case!(a64_vector_without_arrangement: Aarch64 Gnu "add v0.4s, v1, v2.4s" => K::BadOperand(_), 1, 12, 11..13);
case!(a64_element_of_arrangement: Aarch64 Gnu "mov w0, v1.4s[1]" => K::BadOperand(_), 1, 9, 8..13);
case!(a64_not_bitmask: Aarch64 Gnu "and x0, x1, #0x1234"
    => K::EncodeA64(A::NotBitmaskImmediate { operand: 2, value: 0x1234, width: 64 }), 1, 13, 12..19);
case!(a64_offset_range: Aarch64 Gnu "ldr x0, [x1, #32768]"
    => K::EncodeA64(A::Offset { scale: 8, min: 0, max: 32760, .. }), 1, 9, 8..20);
case!(a64_missing_bracket: Aarch64 Gnu "ldr x0, [x1, #8" => K::Expected { expected: "`]`", .. }, 1, 16, 15..15);
case!(a64_missing_brace: Aarch64 Gnu "ld1 {v0.4s, v1.4s, [x0]" => K::Expected { .. }, 1, 20, 19..20);
case!(a64_register_in_expression: Aarch64 Gnu "add x0, x1, #x2 + 1" => K::BadOperand(_), 1, 14, 13..15);
case!(a64_list_not_consecutive: Aarch64 Gnu "ld1 {v0.4s, v2.4s}, [x0]" => K::BadOperand(_), 1, 13, 12..17);
case!(a64_list_mixed_arrangements: Aarch64 Gnu "ld1 {v0.4s, v1.2d}, [x0]" => K::BadOperand(_), 1, 13, 12..17);
case!(a64_list_too_long: Aarch64 Gnu "ld1 {v0.4s-v4.4s}, [x0]"
    => K::OutOfRange { what: "register count", value: 5, .. }, 1, 5, 4..17);
case!(a64_list_range_of_one: Aarch64 Gnu "ld1 {v3.4s-v3.4s}, [x0]" => K::BadOperand(_), 1, 12, 11..16);
case!(a64_list_count_dynasm: Aarch64 Dynasm "ld1 {v0.s4 * 5}, [x0]"
    => K::OutOfRange { what: "register count", value: 5, .. }, 1, 14, 13..14);
case!(a64_lane_out_of_range: Aarch64 Gnu "mov v0.s[4], w0"
    => K::EncodeA64(A::LaneOutOfRange { operand: 0, index: 4, max: 3 }), 1, 5, 4..11);
case!(a64_lane_huge: Aarch64 Gnu "mov v0.s[300], w0" => K::OutOfRange { what: "lane index", .. }, 1, 9, 8..13);
case!(a64_shift_amount_huge: Aarch64 Gnu "add x0, x1, x2, lsl #300"
    => K::OutOfRange { what: "shift amount", value: 300, .. }, 1, 22, 21..24);
case!(a64_shift_amount_range: Aarch64 Gnu "add x0, x1, x2, lsl #64"
    => K::EncodeA64(A::ImmediateOutOfRange { operand: 3, value: 64, min: 0, max: 63 }), 1, 17, 16..23);
case!(a64_misaligned_instruction: Aarch64 Gnu ".byte 1\nnop" => K::BadOperand(_), 2, 1, 8..11);
case!(a64_cbz_out_of_range: Aarch64 Gnu "cbz x0, 1f\n.zero 1048576\n1: nop"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 1, 1, 0..10);
case!(a64_tbz_out_of_range_backward: Aarch64 Gnu "1: .zero 32772\ntbnz w3, #3, 1b"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 2, 1, 15..30);
case!(a64_branch_to_misaligned_label: Aarch64 Gnu "b.eq 1f\n.byte 0\n1:"
    => K::Output(ref b) if matches!(**b, jitasm::Error::Fixup { .. }), 1, 1, 0..7);
case!(a64_undefined_label: Aarch64 Gnu "b nowhere" => K::UndefinedLabel(_), 1, 3, 2..9);
case!(a64_undefined_local: Aarch64 Dynasm "b >nowhere" => K::UndefinedLabel(_), 1, 3, 2..10);
case!(a64_unknown_name_dynasm: Aarch64 Dynasm "b nowhere" => K::UnknownName(_), 1, 3, 2..9);
case!(a64_branch_offset_misaligned: Aarch64 Gnu "b #2"
    => K::EncodeA64(A::PcOffset { value: 2, align: 4, .. }), 1, 3, 2..4);
case!(a64_family_out_of_range: Aarch64 Dynasm "add X(32), x1, x2"
    => K::OutOfRange { what: "register number", value: 32, .. }, 1, 7, 6..8);
case!(a64_family_vector_without_arrangement: Aarch64 Dynasm "add V(1), V(2).s4, V(3).s4"
    => K::Expected { .. }, 1, 9, 8..9);
case!(a64_arch_x64: Aarch64 Gnu "nop\n.arch x64" => K::BadOperand(_), 2, 7, 10..13);
case!(a64_code64: Aarch64 Gnu ".code64" => K::UnknownDirective(_), 1, 1, 0..7);
case!(a64_post_index_not_a_value: Aarch64 Gnu "ldr x0, [x1], lsl" => K::BadOperand(_), 1, 15, 14..17);
case!(a64_pre_index_with_register: Aarch64 Gnu "ldr x0, [x1, x2]!" => K::BadOperand(_), 1, 17, 16..17);
case!(a64_float_for_integer: Aarch64 Gnu "add x0, x1, #1.5"
    => K::EncodeA64(A::OperandMismatch { operand: 2, .. }), 1, 13, 12..16);
case!(a64_fp_immediate: Aarch64 Gnu "fmov d0, #0.1" => K::EncodeA64(A::NotFpImmediate { operand: 1, .. }), 1, 10, 9..13);
case!(a64_rel8: Aarch64 Gnu ".rel8 x\nx:" => K::BadOperand(_), 1, 1, 0..5);
case!(a64_lo12: Aarch64 Gnu "add x0, x0, :lo12:foo" => K::Expected { .. }, 1, 13, 12..13);
case!(a64_literal_pool: Aarch64 Gnu "ldr x0, =foo" => K::Expected { .. }, 1, 9, 8..9);
case!(a64_label_in_memory: Aarch64 Gnu "ldr x0, [x1, foo]\nfoo:" => K::BadOperand(_), 1, 14, 13..16);
case!(a64_alias_register_name: Aarch64 Gnu ".alias x1, x2" => K::BadOperand(_), 1, 8, 7..9);
case!(a64_alias_not_register: Aarch64 Gnu ".alias acc, 5" => K::Expected { .. }, 1, 13, 12..13);
case!(a64_mov_immediate: Aarch64 Gnu "mov x0, #0x123456789"
    => K::EncodeA64(A::NotMovImmediate { operand: 1, width: 64, .. }), 1, 9, 8..20);
case!(a64_too_many_operands: Aarch64 Gnu "add x0, x1, x2, x3, x4, x5, x6, x7, x8"
    => K::BadOperand("too many operands"), 1, 37, 36..38);
case!(a64_trailing: Aarch64 Gnu "ret x30 x1" => K::Expected { .. }, 1, 9, 8..10);

#[test]
fn a64_render_and_valid_corners() {
    let e = jitasm::assemble(Arch::Aarch64, "nop\n\tldr x0, [x1, #32769]").unwrap_err();
    let r = e.render();
    assert!(
        r.contains("2 | \tldr x0, [x1, #32769]") && r.contains('^'),
        "{r}"
    );
    // `#` at the start of a line is a comment; elsewhere it marks an immediate.
    for ok in [
        "# a comment\n  # another\nadd x0, x1, #1 // and this",
        "add x0, x1, #4095, lsl #12",
        "mov x0, #0xffffffffffffffff",
        "mov x0, #-9223372036854775808",
        "ld1 {v31.16b-v2.16b}, [x0]",
        "ld1 {v0.b16 * 4}, [x0], #64",
        "ld4 {v0.s, v1.s, v2.s, v3.s}[3], [sp]",
        "tbz x0, #63, 1f\n.zero 32760\n1:",
        ".p2align 30",
    ] {
        if !ok.contains(".p2align") {
            jitasm::assemble(Arch::Aarch64, ok)
                .unwrap_or_else(|e| panic!("{ok:?}: {}", e.render()));
        }
    }
}

case!(a64_alias_operands: Aarch64 Gnu "mov x0, #-1.5" => K::EncodeA64(A::NoMatchingForm), 1, 1, 0..13);
case!(a64_alias_count: Aarch64 Gnu "nop\nb.eq" => K::EncodeA64(A::OperandCount { given: 0 }), 2, 1, 4..8);
