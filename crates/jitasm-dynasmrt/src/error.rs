//! dynasmrt's error types, and how jitasm's errors map onto them.

use crate::DynamicLabel;
use jitasm_core::error::LabelName;
use jitasm_core::Error;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// A label, as errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelKind {
    /// A local label (`name:`).
    Local(&'static str),
    /// A global label (`->name:`).
    Global(&'static str),
    /// A dynamic label (`=>id:`).
    Dynamic(DynamicLabel),
}

impl fmt::Display for LabelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelKind::Local(s) => write!(f, "label {s}"),
            LabelKind::Global(s) => write!(f, "label ->{s}"),
            LabelKind::Dynamic(id) => write!(f, "label =>{}", id.get_id()),
        }
    }
}

/// What a relocation that could not be made pointed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A local label.
    Local(&'static str),
    /// A global label.
    Global(&'static str),
    /// A dynamic label.
    Dynamic(DynamicLabel),
    /// An address (`extern value`).
    Value(usize),
    /// A relocation adjusted when code moves (jitasm's code never moves, so
    /// this is only used for a target jitasm cannot name).
    Managed,
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetKind::Local(s) => write!(f, "target [><]{s}"),
            TargetKind::Global(s) => write!(f, "target ->{s}"),
            TargetKind::Dynamic(id) => write!(f, "target =>{}", id.get_id()),
            TargetKind::Value(v) => write!(f, "target extern {v}"),
            TargetKind::Managed => write!(f, "while adjusting managed relocation"),
        }
    }
}

/// The errors of committing and altering code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DynasmError {
    /// `Modifier::check` or `check_exact` failed.
    CheckFailed,
    /// A global or dynamic label was defined twice.
    DuplicateLabel(LabelKind),
    /// A referenced label was never defined.
    UnknownLabel(LabelKind),
    /// A label is too far from its reference for the field (or misaligned).
    ImpossibleRelocation(TargetKind),
}

impl fmt::Display for DynasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DynasmError::CheckFailed => write!(f, "An assembly modification check failed"),
            DynasmError::DuplicateLabel(l) => write!(f, "Duplicate label defined: '{l}'"),
            DynasmError::UnknownLabel(l) => write!(f, "Unknown label: '{l}'"),
            DynasmError::ImpossibleRelocation(t) => write!(f, "Impossible relocation: '{t}'"),
        }
    }
}

impl std::error::Error for DynasmError {}

/// Label names live for the program in dynasmrt's errors; jitasm's errors
/// own theirs. Each distinct name that reaches an error is kept once.
fn static_name(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let n: &'static str = Box::leak(name.into());
    names.insert(n);
    n
}

fn label_kind(label: &LabelName) -> LabelKind {
    match label {
        LabelName::Global(n) => LabelKind::Global(static_name(n)),
        LabelName::Local { name, .. } => LabelKind::Local(static_name(name)),
        LabelName::Dynamic(i) => LabelKind::Dynamic(DynamicLabel::from_index(*i)),
    }
}

/// Whether dynasmrt reports `e` as a [`DynasmError`] (label problems) rather
/// than by panicking (values that do not fit, writes out of bounds).
fn is_reported(e: &Error) -> bool {
    matches!(
        e,
        Error::UnknownLabel { .. }
            | Error::DuplicateLabel { .. }
            | Error::InvalidDynamicLabel { .. }
            | Error::Fixup { .. }
    )
}

/// An error found while emitting: kept for the next commit when dynasmrt
/// would report it there, otherwise a panic where dynasmrt panics.
pub(crate) fn keep(e: Error) -> Error {
    if is_reported(&e) {
        e
    } else {
        panic!("{e}")
    }
}

/// An error returned by jitasm's runtime, as dynasmrt reports it.
pub(crate) fn to_dynasm(e: Error) -> DynasmError {
    match e {
        Error::UnknownLabel { label, .. } => DynasmError::UnknownLabel(label_kind(&label)),
        Error::DuplicateLabel { label, .. } => DynasmError::DuplicateLabel(label_kind(&label)),
        Error::InvalidDynamicLabel { index } => {
            DynasmError::UnknownLabel(LabelKind::Dynamic(DynamicLabel::from_index(index)))
        }
        Error::Fixup { label, .. } => DynasmError::ImpossibleRelocation(match label.map(|l| *l) {
            Some(LabelName::Global(n)) => TargetKind::Global(static_name(&n)),
            Some(LabelName::Local { name, .. }) => TargetKind::Local(static_name(&name)),
            Some(LabelName::Dynamic(i)) => TargetKind::Dynamic(DynamicLabel::from_index(i)),
            None => TargetKind::Managed,
        }),
        other => panic!("{other}"),
    }
}
