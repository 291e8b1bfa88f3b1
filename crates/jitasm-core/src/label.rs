//! Label ids and label references.

/// A position in an assembler's output, counted in bytes from its start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssemblyOffset(pub usize);

/// A label created at run time (`=>expr` in `dynasm!`). Defined at most once;
/// looked up by index, never by hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DynamicLabel(u32);

impl DynamicLabel {
    /// Builds a label id from its index. Only meaningful for the assembler that
    /// handed out the index.
    pub const fn from_index(index: u32) -> Self {
        DynamicLabel(index)
    }

    /// The label's index.
    pub const fn index(self) -> u32 {
        self.0
    }

    /// The label's index as a `usize` (dynasm-rs's name for [`index`](Self::index)).
    pub const fn get_id(self) -> usize {
        self.0 as usize
    }
}

/// What a label reference points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelTarget<'a> {
    /// A global label (`->name`), defined once per assembler.
    Global(&'a str),
    /// A local label (`name:`), which may be defined many times: a forward
    /// reference (`>name`) binds to the next definition, a backward one
    /// (`<name`) to the most recent one.
    Local {
        /// The label's name.
        name: &'a str,
        /// `true` for `>name`, `false` for `<name`.
        forward: bool,
    },
    /// A dynamic label (`=>expr`).
    Dynamic(DynamicLabel),
    /// An offset in the assembler's own output.
    Offset(AssemblyOffset),
    /// An absolute address outside the assembler's output (`extern expr`).
    Extern(u64),
}

/// A label reference with its constant addend (`->name + 8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LabelRef<'a> {
    /// What is referenced.
    pub target: LabelTarget<'a>,
    /// Added to the target address before the fixup value is computed.
    pub addend: i64,
}

impl<'a> LabelRef<'a> {
    /// A reference with no addend.
    pub const fn new(target: LabelTarget<'a>) -> Self {
        LabelRef { target, addend: 0 }
    }

    /// The same reference with `addend` added.
    pub const fn plus(self, addend: i64) -> Self {
        LabelRef {
            target: self.target,
            addend: self.addend.wrapping_add(addend),
        }
    }
}

impl<'a> From<LabelTarget<'a>> for LabelRef<'a> {
    fn from(target: LabelTarget<'a>) -> Self {
        LabelRef::new(target)
    }
}

impl From<DynamicLabel> for LabelRef<'static> {
    fn from(label: DynamicLabel) -> Self {
        LabelRef::new(LabelTarget::Dynamic(label))
    }
}
