//! Labels and pending fixups, shared by [`Assembler`](crate::Assembler) and
//! [`VecAssembler`](crate::VecAssembler).
//!
//! Every label is an index into a vector, so defining and resolving is O(1).
//! Names of global and local labels are interned once into such indices
//! (with a small, fast string hash); local labels keep only their latest
//! definition and the forward references still waiting for the next one,
//! so memory stays proportional to the number of distinct names.

use jitasm_core::{
    AssemblyOffset, DynamicLabel, Error, FixupKind, LabelName, LabelRef, LabelTarget,
};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (the multiply-rotate hash used by rustc): names are short and not
/// attacker-chosen across a process boundary, so SipHash's cost buys nothing.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Offset(usize),
    /// A backward local reference, bound to the definition at the offset.
    LocalBound(usize, u32),
    Extern(u64),
    Global(u32),
    Dynamic(u32),
    /// A forward local reference still waiting for the next definition.
    LocalForward(u32),
    /// A backward local reference with no earlier definition.
    LocalMissing(u32),
}

/// A label reference waiting to be patched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixup {
    pub(crate) at: usize,
    pc: usize,
    pub(crate) kind: &'static FixupKind,
    target: Target,
    addend: i64,
}

/// Interned names: index by name, name by index.
#[derive(Default, Debug)]
struct Names {
    ids: FxMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    #[inline]
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    fn name(&self, id: u32) -> String {
        self.names[id as usize].to_string()
    }
}

/// The label registry and the fixups not yet patched.
#[derive(Default, Debug)]
pub(crate) struct Labels {
    globals: Names,
    global_defs: Vec<Option<usize>>,
    locals: Names,
    local_last: Vec<Option<usize>>,
    local_waiting: Vec<Vec<u32>>,
    dynamic_defs: Vec<Option<usize>>,
    fixups: Vec<Fixup>,
}

impl Labels {
    /// Forgets every label definition and fixup, keeping the allocations:
    /// interned names stay interned (undefined), so emitting the same names
    /// again allocates nothing.
    pub(crate) fn clear(&mut self) {
        self.global_defs.fill(None);
        self.local_last.fill(None);
        for w in &mut self.local_waiting {
            w.clear();
        }
        self.dynamic_defs.clear();
        self.fixups.clear();
    }

    pub(crate) fn new_dynamic(&mut self) -> DynamicLabel {
        self.dynamic_defs.push(None);
        DynamicLabel::from_index(self.dynamic_defs.len() as u32 - 1)
    }

    fn global_id(&mut self, name: &str) -> u32 {
        let id = self.globals.intern(name);
        if id as usize == self.global_defs.len() {
            self.global_defs.push(None);
        }
        id
    }

    fn local_id(&mut self, name: &str) -> u32 {
        let id = self.locals.intern(name);
        if id as usize == self.local_last.len() {
            self.local_last.push(None);
            if self.local_waiting.len() <= id as usize {
                self.local_waiting.push(Vec::new());
            }
        }
        id
    }

    pub(crate) fn define_global(&mut self, name: &str, at: usize) -> Result<(), Error> {
        let id = self.global_id(name);
        match self.global_defs[id as usize] {
            Some(first) => Err(Error::DuplicateLabel {
                label: LabelName::Global(name.into()),
                first,
                second: at,
            }),
            None => {
                self.global_defs[id as usize] = Some(at);
                Ok(())
            }
        }
    }

    pub(crate) fn define_dynamic(&mut self, label: DynamicLabel, at: usize) -> Result<(), Error> {
        let index = label.index();
        match self.dynamic_defs.get_mut(index as usize) {
            None => Err(Error::InvalidDynamicLabel { index }),
            Some(Some(first)) => Err(Error::DuplicateLabel {
                label: LabelName::Dynamic(index),
                first: *first,
                second: at,
            }),
            Some(slot) => {
                *slot = Some(at);
                Ok(())
            }
        }
    }

    pub(crate) fn define_local(&mut self, name: &str, at: usize) {
        let id = self.local_id(name);
        self.local_last[id as usize] = Some(at);
        let waiting = &mut self.local_waiting[id as usize];
        for &i in waiting.iter() {
            self.fixups[i as usize].target = Target::Offset(at);
        }
        waiting.clear();
    }

    pub(crate) fn global_offset(&self, name: &str) -> Option<AssemblyOffset> {
        let id = *self.globals.ids.get(name)?;
        self.global_defs[id as usize].map(AssemblyOffset)
    }

    pub(crate) fn dynamic_offset(&self, label: DynamicLabel) -> Option<AssemblyOffset> {
        self.dynamic_defs
            .get(label.index() as usize)
            .copied()
            .flatten()
            .map(AssemblyOffset)
    }

    pub(crate) fn local_offset(&self, name: &str) -> Option<AssemblyOffset> {
        let id = *self.locals.ids.get(name)?;
        self.local_last[id as usize].map(AssemblyOffset)
    }

    /// Builds a fixup of the unit at `at`, PC at `pc`, without queueing it.
    /// A forward local reference made this way never binds (it reports an
    /// unknown label when patched).
    pub(crate) fn make_fixup(
        &mut self,
        label: LabelRef<'_>,
        kind: &'static FixupKind,
        at: usize,
        pc: usize,
    ) -> Fixup {
        let target = match label.target {
            LabelTarget::Offset(o) => Target::Offset(o.0),
            LabelTarget::Extern(a) => Target::Extern(a),
            LabelTarget::Dynamic(d) => Target::Dynamic(d.index()),
            LabelTarget::Global(name) => Target::Global(self.global_id(name)),
            LabelTarget::Local {
                name,
                forward: false,
            } => {
                let id = self.local_id(name);
                match self.local_last[id as usize] {
                    Some(o) => Target::LocalBound(o, id),
                    None => Target::LocalMissing(id),
                }
            }
            LabelTarget::Local {
                name,
                forward: true,
            } => Target::LocalForward(self.local_id(name)),
        };
        Fixup {
            at,
            pc,
            kind,
            target,
            addend: label.addend,
        }
    }

    /// Queues a fixup of the unit at `at`, PC at `pc`; forward local
    /// references bind to the next definition of their name.
    #[inline]
    pub(crate) fn reference(
        &mut self,
        label: LabelRef<'_>,
        kind: &'static FixupKind,
        at: usize,
        pc: usize,
    ) {
        let f = self.make_fixup(label, kind, at, pc);
        if let Target::LocalForward(id) = f.target {
            self.local_waiting[id as usize].push(self.fixups.len() as u32);
        }
        self.fixups.push(f);
    }

    /// Whether any fixup is waiting.
    pub(crate) fn has_fixups(&self) -> bool {
        !self.fixups.is_empty()
    }

    /// Patches every pending fixup into `buf`, which holds the code from
    /// offset `buf_start` on, placed at address `base` + offset. On success
    /// the fixups are forgotten; on error nothing is forgotten (patching again
    /// later overwrites the same bits).
    pub(crate) fn patch(
        &mut self,
        buf: &mut [u8],
        buf_start: usize,
        base: u64,
    ) -> Result<(), Error> {
        self.patch_list(&self.fixups, buf, buf_start, base)?;
        self.fixups.clear();
        Ok(())
    }

    /// Patches the given fixups into `buf` (see [`patch`](Self::patch)).
    pub(crate) fn patch_list(
        &self,
        fixups: &[Fixup],
        buf: &mut [u8],
        buf_start: usize,
        base: u64,
    ) -> Result<(), Error> {
        for f in fixups {
            let target = match f.target {
                Target::Offset(o) | Target::LocalBound(o, _) => base.wrapping_add(o as u64),
                Target::Extern(a) => a,
                Target::Global(id) => match self.global_defs[id as usize] {
                    Some(o) => base.wrapping_add(o as u64),
                    None => return Err(self.unknown(f)),
                },
                Target::Dynamic(id) => match self.dynamic_defs.get(id as usize) {
                    Some(Some(o)) => base.wrapping_add(*o as u64),
                    Some(None) => return Err(self.unknown(f)),
                    None => return Err(Error::InvalidDynamicLabel { index: id }),
                },
                Target::LocalForward(_) | Target::LocalMissing(_) => return Err(self.unknown(f)),
            }
            .wrapping_add(f.addend as u64);
            let pc = base.wrapping_add(f.pc as u64);
            let len = buf_start + buf.len();
            let unit =
                f.at.checked_sub(buf_start)
                    .and_then(|s| buf.get_mut(s..s + f.kind.unit as usize))
                    .ok_or(Error::OffsetOutOfBounds { offset: f.at, len })?;
            f.kind
                .apply(unit, target, pc)
                .map_err(|error| Error::Fixup {
                    at: f.at,
                    label: self.name(f).map(Box::new),
                    error,
                })?;
        }
        Ok(())
    }

    /// The label a fixup refers to, as errors name it (`None` for an offset
    /// or an address).
    fn name(&self, f: &Fixup) -> Option<LabelName> {
        Some(match f.target {
            Target::Global(id) => LabelName::Global(self.globals.name(id)),
            Target::Dynamic(id) => LabelName::Dynamic(id),
            Target::LocalForward(id) => LabelName::Local {
                name: self.locals.name(id),
                forward: true,
            },
            Target::LocalBound(_, id) | Target::LocalMissing(id) => LabelName::Local {
                name: self.locals.name(id),
                forward: false,
            },
            Target::Offset(_) | Target::Extern(_) => return None,
        })
    }

    fn unknown(&self, f: &Fixup) -> Error {
        let label = self.name(f).expect("only label targets can be unknown");
        Error::UnknownLabel { label, at: f.at }
    }
}
