//! The matcher and encoder against their earlier, exhaustive versions
//! (`jitasm_x64::encode::reference`, kept unchanged from before the fast
//! path): for every form of the table, in each mode it exists in, random
//! operand instances — as generated for the iced round trip, and then
//! mutated (other register numbers, out-of-range immediates, unsized or
//! malformed memory, segment overrides, displacement hints, label hints,
//! prefixes, decorations) so that the error paths are taken too — must give
//! the same result through
//!
//! * `encode_form` with the instance's own form, when it takes the operands
//!   (bytes, fixup or error),
//! * `select` under the form's mnemonic (form chosen, bytes, fixup or error),
//! * `select_among` over every candidate list of the typed builder that
//!   holds the form (`builder::candidates`), and over the forms `may_fit`
//!   keeps (what `dynasm!` hands to `dynamic::emit`),
//! * `dynamic::emit` (what `dynasm!` calls for an instruction with Rust
//!   values) with the forms `may_fit` keeps: the bytes emitted or the error
//!   recorded,
//! * the typed builder's fast path (`select_fast`, for the impls that have
//!   it, in 64-bit mode without prefixes or decorations): whenever it
//!   answers, the answer must be `select_among`'s — and the constant copies
//!   of the table rows it works on must be the rows.
//!
//! `cargo test -p jitasm-x64 --test equivalence -- --nocapture` prints how
//! many comparisons were made and how many of them were errors.

#[path = "support/gen.rs"]
mod gen;

use gen::{instance, Instance, Rng};
use jitasm_core::{LabelRef, LabelTarget};
use jitasm_x64::encode::{self, reference, Unknown};
use jitasm_x64::table::{forms_by_index, Form, FORMS, ORACLE_NAMES};
use jitasm_x64::{
    Decorations, DispSize, EncodeError, Encoded, Imm, Instruction, Mnemonic, Mode, Operand,
    Prefixes, Reg, RegClass, Rounding,
};

/// Clean instances per form and mode.
const CLEAN: u64 = 6;
/// Mutations of each clean instance.
const MUTATIONS: u64 = 6;

type Selected<'a> = Result<(&'static Form, Encoded<'a>), EncodeError>;

fn same_selection(a: &Selected<'_>, b: &Selected<'_>) -> bool {
    match (a, b) {
        (Ok((fa, ea)), Ok((fb, eb))) => std::ptr::eq(*fa, *fb) && ea == eb,
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

fn show(r: &Selected<'_>) -> String {
    match r {
        Ok((f, e)) => {
            let i = FORMS.iter().position(|g| std::ptr::eq(g, *f)).unwrap();
            format!("{} {:02x?} {:?}", ORACLE_NAMES[i], e.bytes(), e.fixup)
        }
        Err(e) => format!("error {e:?}"),
    }
}

fn any_reg(rng: &mut Rng, class: RegClass) -> Reg {
    let first = class.first();
    Reg::new(class, first + rng.below(class.count() as u64) as u8).unwrap()
}

const CLASSES: [RegClass; 8] = [
    RegClass::Gp8,
    RegClass::Gp16,
    RegClass::Gp32,
    RegClass::Gp64,
    RegClass::Xmm,
    RegClass::Ymm,
    RegClass::Ip,
    RegClass::Seg,
];

/// Changes some operands, prefixes and decorations of `inst` at random.
fn mutate(rng: &mut Rng, inst: &Instance, mode: Mode) -> (Instance, Prefixes) {
    let mut out = inst.clone();
    for op in out.ops.iter_mut() {
        if !rng.chance(40) {
            continue;
        }
        match op {
            Operand::Reg(r) => {
                let class = if rng.chance(85) {
                    r.class()
                } else {
                    rng.pick(&CLASSES)
                };
                *r = any_reg(rng, class);
                if r.class() == RegClass::Gp8 && rng.chance(20) {
                    *r = Reg::new(RegClass::Gp8High, 4 + rng.below(4) as u8).unwrap();
                }
            }
            Operand::Imm(v) => {
                v.value = match rng.below(6) {
                    0 => rng.next() as i64,
                    1 => rng.pick(&[
                        -0x81,
                        -0x80,
                        0x7f,
                        0x80,
                        0xff,
                        0x100,
                        0x7fff,
                        0x8000,
                        0xffff,
                        0x1_0000,
                        0x7fff_ffff,
                        0x8000_0000,
                        0xffff_ffff,
                        0x1_0000_0000,
                        -0x8000_0001,
                        i64::MIN,
                        i64::MAX,
                        -1,
                    ]),
                    2 => rng.below(256) as i64 - 128,
                    3 => 1,
                    _ => v.value.wrapping_add(rng.below(3) as i64 - 1),
                };
                if rng.chance(30) {
                    v.size = rng.pick(&[0, 1, 2, 4, 8]);
                }
            }
            Operand::Mem(m) => match rng.below(10) {
                0 => m.size = 0,
                1 => m.size = rng.pick(&[0, 1, 2, 4, 6, 8, 10, 16, 32, 64]),
                2 => {
                    m.seg = Some(if rng.chance(80) {
                        any_reg(rng, RegClass::Seg)
                    } else {
                        any_reg(rng, RegClass::Gp64)
                    })
                }
                3 => m.disp_size = rng.pick(&[DispSize::Auto, DispSize::Byte, DispSize::Dword]),
                4 => {
                    m.disp = match rng.below(4) {
                        0 => rng.next() as i64,
                        1 => rng.below(512) as i64 - 256,
                        2 => 0,
                        _ => rng.pick(&[0x7fff_ffff, 0x8000_0000, -0x8000_0000, 0xffff_ffff]),
                    }
                }
                5 => {
                    let c = rng.pick(&[
                        RegClass::Gp64,
                        RegClass::Gp32,
                        RegClass::Gp16,
                        RegClass::Ip,
                        RegClass::Xmm,
                    ]);
                    m.base = if rng.chance(20) {
                        None
                    } else {
                        Some(any_reg(rng, c))
                    };
                }
                6 => {
                    let c = rng.pick(&[
                        RegClass::Gp64,
                        RegClass::Gp32,
                        RegClass::Xmm,
                        RegClass::Ymm,
                        RegClass::Zmm,
                    ]);
                    m.index = if rng.chance(20) {
                        None
                    } else {
                        Some(any_reg(rng, c))
                    };
                    m.scale = rng.pick(&[1, 2, 3, 4, 8]);
                }
                7 => m.bcst = rng.pick(&[0, 2, 4, 8, 16, 32]),
                8 => {
                    m.label = Some(LabelRef::new(LabelTarget::Extern(0x1234_5678)).plus(8));
                }
                _ => {
                    m.size = 0;
                    m.bcst = 0;
                }
            },
            Operand::Label(_, hint) => *hint = rng.pick(&[0, 0, 1, 2, 4, 8]),
            Operand::Far(sel, off) => {
                *sel = rng.next() as u16;
                *off = rng.next() as u32;
            }
        }
    }
    if rng.chance(10) && !out.ops.is_empty() {
        // An operand of another kind altogether.
        let i = rng.below(out.ops.len() as u64) as usize;
        out.ops[i] = match rng.below(3) {
            0 => Operand::Imm(Imm {
                value: rng.below(300) as i64,
                size: 0,
            }),
            1 => {
                let class = rng.pick(&CLASSES);
                Operand::Reg(any_reg(rng, class))
            }
            _ => Operand::Mem(jitasm_x64::Mem::base(any_reg(
                rng,
                if mode.is64() {
                    RegClass::Gp64
                } else {
                    RegClass::Gp32
                },
            ))),
        };
    }
    let mut pf = Prefixes::NONE;
    if rng.chance(25) {
        for p in [
            Prefixes::LOCK,
            Prefixes::REP,
            Prefixes::REPNE,
            Prefixes::XACQUIRE,
            Prefixes::XRELEASE,
            Prefixes::BND,
            Prefixes::NOTRACK,
            Prefixes::VEX,
            Prefixes::VEX3,
            Prefixes::EVEX,
        ] {
            if rng.chance(15) {
                pf = pf.with(p);
            }
        }
    }
    if rng.chance(15) {
        let mut d = Decorations::NONE;
        if rng.chance(60) {
            d.mask = Some(any_reg(rng, RegClass::K));
        }
        d.zeroing = rng.chance(30);
        if rng.chance(30) {
            d.rounding = Some(rng.pick(&[
                Rounding::Nearest,
                Rounding::Down,
                Rounding::Up,
                Rounding::Zero,
            ]));
            d.sae = true;
        } else {
            d.sae = rng.chance(20);
        }
        out.dec = d;
    }
    (out, pf)
}

/// A sink that keeps the bytes, counts the fixups and keeps the first error.
#[derive(Default)]
struct Sink {
    bytes: Vec<u8>,
    fixups: usize,
    error: Option<String>,
}

impl jitasm_core::ByteSink for Sink {
    fn push(&mut self, byte: u8) {
        self.bytes.push(byte);
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    fn offset(&self) -> usize {
        self.bytes.len()
    }
}

impl jitasm_core::CodeSink for Sink {
    fn fixup(&mut self, _: LabelRef<'_>, _: &'static jitasm_core::FixupKind, _: usize, _: usize) {
        self.fixups += 1;
    }
    fn record_error(&mut self, error: jitasm_core::Error) {
        if self.error.is_none() {
            self.error = Some(match error {
                jitasm_core::Error::Encode { message, .. } => message,
                other => format!("{other:?}"),
            });
        }
    }
}

/// `select_fast` with the operands as the typed builder passes them.
fn fast_tuple<'a>(
    consts: &[&'static Form],
    ops: &[Operand<'a>],
    d: Decorations,
) -> Option<Encoded<'a>> {
    use jitasm_x64::builder::Arg;
    let a = |i: usize| Arg::from_operand(ops[i]);
    match ops.len() {
        0 => encode::select_fast(consts, &(), d),
        1 => encode::select_fast(consts, &(a(0),), d),
        2 => encode::select_fast(consts, &(a(0), a(1)), d),
        3 => encode::select_fast(consts, &(a(0), a(1), a(2)), d),
        4 => encode::select_fast(consts, &(a(0), a(1), a(2), a(3)), d),
        5 => encode::select_fast(consts, &(a(0), a(1), a(2), a(3), a(4)), d),
        _ => None,
    }
}

/// A candidate list of the typed builder: mnemonic, forms, and the forms
/// as the constants its fast path uses (empty if it has none).
type List = (u16, &'static [u16], Vec<&'static Form>);

/// The candidate lists of the typed builder, and for each form the lists
/// that hold it.
fn builder_lists() -> (Vec<List>, Vec<Vec<usize>>) {
    let lists: Vec<List> = jitasm_x64::builder::candidates()
        .map(|(m, forms, fast)| {
            let consts = if fast {
                forms
                    .iter()
                    .map(|&i| jitasm_x64::dynamic::fast_form(i as usize).expect("a constant"))
                    .collect()
            } else {
                Vec::new()
            };
            (m, forms, consts)
        })
        .collect();
    let mut by_form = vec![Vec::new(); FORMS.len()];
    for (i, (_, forms, _)) in lists.iter().enumerate() {
        for &f in *forms {
            by_form[f as usize].push(i);
        }
    }
    (lists, by_form)
}

#[derive(Default)]
struct Stats {
    fast_tried: usize,
    fast_answered: usize,
    compared: usize,
    errors: usize,
    failures: Vec<String>,
}

impl Stats {
    fn check(&mut self, what: &str, form: usize, ours: &Selected<'_>, theirs: &Selected<'_>) {
        self.compared += 1;
        if ours.is_err() {
            self.errors += 1;
        }
        if !same_selection(ours, theirs) && self.failures.len() < 200 {
            self.failures.push(format!(
                "{} ({what}): new {} / reference {}",
                ORACLE_NAMES[form],
                show(ours),
                show(theirs)
            ));
        }
    }
}

fn run(mode: Mode) {
    let (all_lists, lists) = builder_lists();
    let mut st = Stats::default();
    for (i, form) in FORMS.iter().enumerate() {
        if !form.valid_in(mode) {
            continue;
        }
        let mnemonic = Mnemonic::from_index(form.mnemonic).unwrap();
        for seed in 0..CLEAN {
            let clean = instance(i, mode, seed);
            let mut rng = Rng::new(seed * 7919 + i as u64 * 31 + mode.is64() as u64);
            for m in 0..=MUTATIONS {
                let (inst, pf) = if m == 0 {
                    (clean.clone(), Prefixes::NONE)
                } else {
                    mutate(&mut rng, &clean, mode)
                };
                let ins = Instruction {
                    mnemonic,
                    operands: &inst.ops,
                    decorations: inst.dec,
                    prefixes: pf,
                };
                // `select`'s index holds every form under its own operands'
                // shapes (else `select` would fall back to every form of
                // the mnemonic: the same result, more slowly).
                if m == 0
                    && !inst
                        .ops
                        .iter()
                        .any(|op| matches!(op, Operand::Reg(r) if r.class() == RegClass::Ip))
                    && !encode::indexed_forms(&ins).is_some_and(|f| f.contains(&(i as u16)))
                {
                    st.failures
                        .push(format!("{}: not in select's index", ORACLE_NAMES[i]));
                }
                // The instance's own form, if it takes the operands
                // (`encode_form`'s contract).
                if encode::may_fit(mode, form, &ins, &[]) {
                    let ours = encode::encode_form(mode, form, &ins).map(|e| (form, e));
                    let theirs = reference::encode_form(mode, form, &ins).map(|e| (form, e));
                    st.check("encode_form", i, &ours, &theirs);
                }
                // Every form of the mnemonic.
                st.check(
                    "select",
                    i,
                    &encode::select(mode, &ins),
                    &reference::select(mode, &ins),
                );
                // The builder's candidate lists holding the form.
                for &l in &lists[i] {
                    let (m_index, forms, ref consts) = all_lists[l];
                    let ins = Instruction {
                        mnemonic: Mnemonic::from_index(m_index).unwrap(),
                        ..ins
                    };
                    let cands = || forms.iter().map(|&f| &FORMS[f as usize]);
                    let theirs = reference::select_among(mode, &ins, cands());
                    st.check(
                        "select_among, builder candidates",
                        i,
                        &encode::select_among(mode, &ins, cands()),
                        &theirs,
                    );
                    // The builder's fast path, where it applies: when it
                    // answers, the same bytes (the form it returns is the
                    // constant copy of the table's row).
                    if !consts.is_empty() && mode.is64() && pf.0 == 0 {
                        st.fast_tried += 1;
                        let fast = encode::select_fast(consts, &inst.ops[..], inst.dec);
                        // As the builder calls it: the arguments in a tuple.
                        if fast != fast_tuple(consts, &inst.ops, inst.dec) {
                            st.failures.push(format!(
                                "{}: select_fast differs between a slice and a tuple",
                                ORACLE_NAMES[i]
                            ));
                        }
                        if let Some(e) = fast {
                            st.fast_answered += 1;
                            let ours = theirs.as_ref().map(|(f, _)| (*f, e));
                            st.check("select_fast", i, &ours.map_err(|e| e.clone()), &theirs);
                        }
                    }
                }
                // The forms `dynasm!` would keep, registers not known.
                let unknown: Vec<Unknown> = inst
                    .ops
                    .iter()
                    .map(|op| match op {
                        Operand::Reg(_) => Unknown::RegNumber,
                        _ => Unknown::Nothing,
                    })
                    .collect();
                let kept: Vec<&'static Form> = forms_by_index(form.mnemonic)
                    .iter()
                    .filter(|f| encode::may_fit(mode, f, &ins, &unknown))
                    .collect();
                let theirs = reference::select_among(mode, &ins, kept.iter().copied());
                st.check(
                    "select_among, may_fit",
                    i,
                    &encode::select_among(mode, &ins, kept.iter().copied()),
                    &theirs,
                );
                // `dynasm!`'s run-time entry point, with those forms: the
                // bytes, or the error recorded.
                let indices: Vec<u16> = kept
                    .iter()
                    .map(|f| FORMS.iter().position(|g| std::ptr::eq(g, *f)).unwrap() as u16)
                    .collect();
                let mut sink = Sink::default();
                // The operands by value, as an array of their number.
                macro_rules! emit_n {
                    ($($n:literal)*) => {
                        match inst.ops.len() {
                            $($n => jitasm_x64::dynamic::emit(
                                &mut sink,
                                mode,
                                form.mnemonic,
                                &indices,
                                <[Operand<'_>; $n]>::try_from(&inst.ops[..]).unwrap(),
                                inst.dec,
                                pf,
                            ),)*
                            n => panic!("{n} operands"),
                        }
                    };
                }
                emit_n!(0 1 2 3 4 5 6);
                st.compared += 1;
                // `xchg` tries both operand orders (as `select` does).
                let theirs = if form.mnemonic() == "xchg" {
                    reference::select(mode, &ins)
                } else {
                    theirs
                };
                let same = match (&theirs, &sink.error) {
                    (Ok((_, e)), None) => {
                        sink.bytes == e.bytes() && sink.fixups == e.fixup.is_some() as usize
                    }
                    (Err(e), Some(msg)) => *msg == e.to_string(),
                    _ => false,
                };
                if !same && st.failures.len() < 200 {
                    st.failures.push(format!(
                        "{} (dynamic::emit): {:02x?} {:?} / reference {}",
                        ORACLE_NAMES[i],
                        sink.bytes,
                        sink.error,
                        show(&theirs)
                    ));
                }
            }
        }
    }
    for f in &st.failures {
        eprintln!("{f}");
    }
    eprintln!(
        "{} mode: {} comparisons ({} of them errors), {} differences; the builder's fast \
         path answered {} of {} calls",
        if mode.is64() { "64-bit" } else { "32-bit" },
        st.compared,
        st.errors,
        st.failures.len(),
        st.fast_answered,
        st.fast_tried,
    );
    assert!(
        st.failures.is_empty(),
        "the new matcher differs from the reference"
    );
}

/// The builder's fast path takes copies of the table's rows as constants:
/// they must be the rows.
#[test]
fn the_fast_path_constants_are_the_table_rows() {
    let mut n = 0;
    for (i, row) in FORMS.iter().enumerate() {
        if let Some(c) = jitasm_x64::dynamic::fast_form(i) {
            assert_eq!(c, row, "{}", ORACLE_NAMES[i]);
            n += 1;
        }
    }
    assert!(n > 2900, "{n}");
    // Every form of an impl with the fast path has one.
    let (lists, _) = builder_lists();
    let fast = lists.iter().filter(|l| !l.2.is_empty()).count();
    assert!(fast > 3000, "{fast}");
}

#[test]
fn same_choices_as_the_exhaustive_matcher_in_64_bit_mode() {
    run(Mode::Long);
}

#[test]
fn same_choices_as_the_exhaustive_matcher_in_32_bit_mode() {
    run(Mode::Protected);
}
