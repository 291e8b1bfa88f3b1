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

/// What a fixup refers to. The address it reaches is computed with the
/// fixup's `value` (see [`Fixup`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// An offset in the output (`value` is the offset plus the addend).
    Offset,
    /// A backward local reference, bound to the definition that was the
    /// latest when it was made (`value` is that offset plus the addend).
    LocalBound(u32),
    /// An address (`value` is the address plus the addend).
    Extern,
    Global(u32),
    Dynamic(u32),
    /// A forward local reference still waiting for the next definition of
    /// its name: the index of the fixup that waited for it before this one
    /// ([`NONE`] for the first). The waiting references of a name are a
    /// chain through the fixups, from its `local_head`.
    LocalForward(u32),
    /// A backward local reference with no earlier definition.
    LocalMissing(u32),
    /// A forward local reference that never binds ([`Labels::make_fixup`]).
    LocalUnbound(u32),
}

/// The end of a chain of waiting references.
const NONE: u32 = u32::MAX;

/// A label reference waiting to be patched: 40 bytes, as a long JIT run
/// queues one per branch and reads each back once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixup {
    pub(crate) at: usize,
    pc: usize,
    pub(crate) kind: &'static FixupKind,
    /// For offsets and addresses the place reached, addend included; for
    /// labels (global, dynamic, local not yet bound) the addend alone, to
    /// add to the definition's offset. Wrapping arithmetic, as addresses.
    value: u64,
    target: Target,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Fixup>() == 40);

/// A dynamic label not defined yet (no offset can be `usize::MAX`: the
/// byte there would end the address space).
const UNDEFINED: usize = usize::MAX;

/// Interned names: index by name, name by index.
#[derive(Debug)]
struct Names {
    ids: FxMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    /// Names of up to 16 bytes interned recently, by a trivial hash
    /// ([`Recent::slot`]). Code names few labels over and over (`jmp >next`
    /// … `next:`), and a hit costs two word comparisons instead of hashing
    /// and probing the map.
    recent: [Recent; 8],
}

/// A recently interned short name: its length and [`short_key`], and its id.
#[derive(Clone, Copy, Debug)]
struct Recent {
    len: usize,
    key: (u64, u64),
    id: u32,
}

impl Recent {
    /// Matches no name (no name of `usize::MAX` bytes has a short key).
    const EMPTY: Recent = Recent {
        len: usize::MAX,
        key: (0, 0),
        id: 0,
    };

    #[inline]
    fn slot(len: usize, key: (u64, u64)) -> usize {
        // The low byte of the key is the name's first byte.
        (len + key.0 as u8 as usize) & 7
    }
}

/// A name of at most 16 bytes as two words that, with its length, determine
/// every byte: overlapping reads of the first and the last bytes, so two
/// names of one length are equal exactly when their keys are. `None` for
/// longer names.
#[inline]
fn short_key(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    let word = |r: &[u8]| {
        let mut w = [0u8; 8];
        w[..r.len()].copy_from_slice(r);
        u64::from_le_bytes(w)
    };
    Some(match n {
        0 => (0, 0),
        1..=3 => (
            b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
            0,
        ),
        4..=7 => (word(&b[..4]), word(&b[n - 4..])),
        8..=16 => (word(&b[..8]), word(&b[n - 8..])),
        _ => return None,
    })
}

impl Default for Names {
    fn default() -> Names {
        Names {
            ids: FxMap::default(),
            names: Vec::new(),
            recent: [Recent::EMPTY; 8],
        }
    }
}

impl Names {
    #[inline]
    fn intern(&mut self, name: &str) -> u32 {
        let Some(key) = short_key(name.as_bytes()) else {
            return self.intern_slow(name);
        };
        let len = name.len();
        let slot = Recent::slot(len, key);
        let hit = self.recent[slot];
        if hit.len == len && hit.key == key {
            return hit.id;
        }
        let id = self.intern_slow(name);
        self.recent[slot] = Recent { len, key, id };
        id
    }

    #[cold]
    #[inline(never)]
    fn intern_slow(&mut self, name: &str) -> u32 {
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
    /// For each local name, the latest forward reference waiting for its
    /// next definition (an index into `fixups`, [`NONE`] when none waits);
    /// each such fixup's target links to the one before.
    local_head: Vec<u32>,
    /// Offset of each dynamic label, [`UNDEFINED`] until defined.
    dynamic_defs: Vec<usize>,
    fixups: Vec<Fixup>,
}

impl Labels {
    /// Forgets every label definition and fixup, keeping the allocations:
    /// interned names stay interned (undefined), so emitting the same names
    /// again allocates nothing.
    pub(crate) fn clear(&mut self) {
        self.global_defs.fill(None);
        self.local_last.fill(None);
        // No `memset` call for an empty vector: measured (perf, 10 labels per
        // run), glibc's AVX-512 `memset` of 0 bytes at the dangling pointer
        // took a third of the run — likely a masked store to an unmapped
        // page, which the processor completes slowly.
        if !self.local_head.is_empty() {
            self.local_head.fill(NONE);
        }
        self.dynamic_defs.clear();
        self.fixups.clear();
    }

    pub(crate) fn new_dynamic(&mut self) -> DynamicLabel {
        self.dynamic_defs.push(UNDEFINED);
        DynamicLabel::from_index(self.dynamic_defs.len() as u32 - 1)
    }

    fn global_id(&mut self, name: &str) -> u32 {
        let id = self.globals.intern(name);
        if id as usize == self.global_defs.len() {
            self.global_defs.push(None);
        }
        id
    }

    #[inline]
    fn local_id(&mut self, name: &str) -> u32 {
        let id = self.locals.intern(name);
        if id as usize == self.local_last.len() {
            self.local_last.push(None);
            self.local_head.push(NONE);
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
            Some(slot) if *slot == UNDEFINED => {
                *slot = at;
                Ok(())
            }
            Some(first) => Err(Error::DuplicateLabel {
                label: LabelName::Dynamic(index),
                first: *first,
                second: at,
            }),
            None => Err(Error::InvalidDynamicLabel { index }),
        }
    }

    #[inline]
    pub(crate) fn define_local(&mut self, name: &str, at: usize) {
        let id = self.local_id(name);
        self.local_last[id as usize] = Some(at);
        let mut i = std::mem::replace(&mut self.local_head[id as usize], NONE);
        while let Some(f) = self.fixups.get_mut(i as usize) {
            let Target::LocalForward(before) = f.target else {
                break;
            };
            f.value = (at as u64).wrapping_add(f.value);
            f.target = Target::Offset;
            i = before;
        }
    }

    pub(crate) fn global_offset(&self, name: &str) -> Option<AssemblyOffset> {
        let id = *self.globals.ids.get(name)?;
        self.global_defs[id as usize].map(AssemblyOffset)
    }

    pub(crate) fn dynamic_offset(&self, label: DynamicLabel) -> Option<AssemblyOffset> {
        self.dynamic_defs
            .get(label.index() as usize)
            .filter(|&&o| o != UNDEFINED)
            .map(|&o| AssemblyOffset(o))
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
        let (mut target, value) = self.target(label);
        if let Target::LocalForward(id) = target {
            target = Target::LocalUnbound(id);
        }
        Fixup {
            at,
            pc,
            kind,
            value,
            target,
        }
    }

    /// What a reference to `label` is bound to now, and the fixup's
    /// `value`. Inline for the targets that need no name lookup (offsets,
    /// addresses, dynamic labels), so a fixup is built in place where it is
    /// queued.
    #[inline]
    fn target(&mut self, label: LabelRef<'_>) -> (Target, u64) {
        let addend = label.addend as u64;
        match label.target {
            LabelTarget::Offset(o) => (Target::Offset, (o.0 as u64).wrapping_add(addend)),
            LabelTarget::Extern(a) => (Target::Extern, a.wrapping_add(addend)),
            LabelTarget::Dynamic(d) => (Target::Dynamic(d.index()), addend),
            named => self.named_target(named, addend),
        }
    }

    /// [`target`](Self::target) for global and local labels (the name is
    /// interned).
    #[inline]
    fn named_target(&mut self, target: LabelTarget<'_>, addend: u64) -> (Target, u64) {
        match target {
            LabelTarget::Global(name) => (Target::Global(self.global_id(name)), addend),
            LabelTarget::Local {
                name,
                forward: false,
            } => {
                let id = self.local_id(name);
                match self.local_last[id as usize] {
                    Some(o) => (Target::LocalBound(id), (o as u64).wrapping_add(addend)),
                    None => (Target::LocalMissing(id), addend),
                }
            }
            LabelTarget::Local {
                name,
                forward: true,
            } => (Target::LocalForward(self.local_id(name)), addend),
            other => self.target(LabelRef {
                target: other,
                addend: addend as i64,
            }),
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
        let (mut target, value) = self.target(label);
        if let Target::LocalForward(id) = target {
            let before =
                std::mem::replace(&mut self.local_head[id as usize], self.fixups.len() as u32);
            target = Target::LocalForward(before);
        }
        self.fixups.push(Fixup {
            at,
            pc,
            kind,
            value,
            target,
        });
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
                Target::Offset | Target::LocalBound(_) => base.wrapping_add(f.value),
                Target::Extern => f.value,
                Target::Global(id) => match self.global_defs[id as usize] {
                    Some(o) => base.wrapping_add(o as u64).wrapping_add(f.value),
                    None => return Err(self.unknown(f)),
                },
                Target::Dynamic(id) => match self.dynamic_defs.get(id as usize) {
                    Some(&o) if o != UNDEFINED => base.wrapping_add(o as u64).wrapping_add(f.value),
                    Some(_) => return Err(self.unknown(f)),
                    None => return Err(Error::InvalidDynamicLabel { index: id }),
                },
                Target::LocalForward(_) | Target::LocalMissing(_) | Target::LocalUnbound(_) => {
                    return Err(self.unknown(f))
                }
            };
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
            Target::LocalForward(_) => LabelName::Local {
                name: self.locals.name(self.waiting_for(f)?),
                forward: true,
            },
            Target::LocalUnbound(id) => LabelName::Local {
                name: self.locals.name(id),
                forward: true,
            },
            Target::LocalBound(id) | Target::LocalMissing(id) => LabelName::Local {
                name: self.locals.name(id),
                forward: false,
            },
            Target::Offset | Target::Extern => return None,
        })
    }

    /// The local name whose chain of waiting references holds `f` (only
    /// errors ask: it walks the chains).
    fn waiting_for(&self, f: &Fixup) -> Option<u32> {
        (0..self.local_head.len() as u32).find(|&id| {
            let mut i = self.local_head[id as usize];
            while let Some(g) = self.fixups.get(i as usize) {
                if std::ptr::eq(g, f) {
                    return true;
                }
                let Target::LocalForward(before) = g.target else {
                    break;
                };
                i = before;
            }
            false
        })
    }

    fn unknown(&self, f: &Fixup) -> Error {
        let label = self.name(f).expect("only label targets can be unknown");
        Error::UnknownLabel { label, at: f.at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two names of one length have equal short keys exactly when they are
    /// equal: every pair of names up to 16 bytes over a small alphabet that
    /// differ in one byte (at each position) gets different keys, and equal
    /// names equal keys.
    #[test]
    fn short_keys_tell_names_apart() {
        let mut pairs = 0;
        for n in 0..=16usize {
            let base: Vec<u8> = (0..n).map(|i| b'a' + (i % 7) as u8).collect();
            assert_eq!(short_key(&base), short_key(&base.clone()));
            for at in 0..n {
                for c in [b'a', b'z', b'0', b'_', 0x80] {
                    let mut other = base.clone();
                    other[at] = c;
                    if other != base {
                        assert_ne!(short_key(&base), short_key(&other), "{n} bytes, byte {at}");
                        pairs += 1;
                    }
                }
            }
        }
        assert!(pairs > 500);
        assert_eq!(short_key(&[b'x'; 17]), None);
    }

    /// The recent-name cache gives the map's ids: names that share a cache
    /// slot, names too long for it, and a name given from a reused buffer.
    #[test]
    fn interning_through_the_cache_is_the_map() {
        let mut names = Names::default();
        let words = [
            "next",
            "nexu",
            "loop",
            "a",
            "b",
            "ab",
            "ba",
            "done",
            "Done",
            "x1234567",
            "x1234568",
            "a_name_longer_than_sixteen",
            "a_name_longer_than_sixteeo",
            "",
        ];
        let mut buf = String::new();
        for round in 0..3 {
            for (i, w) in words.iter().enumerate() {
                buf.clear();
                buf.push_str(w);
                let id = names.intern(&buf);
                assert_eq!(id as usize, i, "{w:?} in round {round}");
                assert_eq!(&*names.names[id as usize], *w);
            }
        }
        assert_eq!(names.names.len(), words.len());
    }

    /// Forward references wait in one chain per name: interleaved
    /// references to three names, several each, bind to their own name's
    /// next definition (and only that one); a name never defined again is
    /// the error, named, and after `clear` the chains start empty.
    #[test]
    fn waiting_references_bind_to_their_names_next_definition() {
        use jitasm_core::fixup::x86::ABS64;
        let fwd = |name| LabelTarget::Local {
            name,
            forward: true,
        };
        for round in 0..2 {
            let mut l = Labels::default();
            if round == 1 {
                // Names interned and chains used before.
                l.reference(LabelRef::new(fwd("b")), &ABS64, 0, 0);
                l.clear();
            }
            let order = ["a", "b", "a", "c", "b", "a", "c", "a"];
            for (i, name) in order.iter().enumerate() {
                l.reference(LabelRef::new(fwd(name)), &ABS64, 8 * i, 8 * i);
            }
            l.define_local("c", 800);
            l.define_local("a", 808);
            // References after a definition wait for the next one.
            l.reference(LabelRef::new(fwd("a")), &ABS64, 64, 64);
            l.define_local("a", 816);
            l.define_local("b", 824);
            let mut buf = vec![0u8; 72];
            l.patch(&mut buf, 0, 0).unwrap();
            let got: Vec<u64> = buf
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(
                got,
                [808, 824, 808, 800, 824, 808, 800, 808, 816],
                "round {round}"
            );
            // One name left waiting: the error names it, among other chains.
            l.reference(LabelRef::new(fwd("a")), &ABS64, 0, 0);
            l.reference(LabelRef::new(fwd("c")), &ABS64, 8, 8);
            l.reference(LabelRef::new(fwd("a")), &ABS64, 16, 16);
            l.define_local("a", 900);
            match l.patch(&mut buf, 0, 0) {
                Err(Error::UnknownLabel {
                    label:
                        LabelName::Local {
                            name,
                            forward: true,
                        },
                    at: 8,
                }) => assert_eq!(name, "c"),
                other => panic!("{other:?}"),
            }
        }
    }

    /// Every kind of target reaches its definition plus the addend, for
    /// negative, zero and positive addends, whether the definition comes
    /// before or after the reference (absolute 64-bit fields, so the patched
    /// value is the address itself).
    #[test]
    fn every_target_reaches_definition_plus_addend() {
        use jitasm_core::fixup::x86::ABS64;
        let base = 0x1000_0000u64;
        for addend in [-3i64, 0, 5, i64::MIN, i64::MAX] {
            let mut l = Labels::default();
            let d = l.new_dynamic();
            let mut fields = Vec::new();
            let mut reference = |l: &mut Labels, target, want: u64| {
                let at = fields.len() * 8;
                l.reference(LabelRef { target, addend }, &ABS64, at, at);
                fields.push(want.wrapping_add(addend as u64));
            };
            l.define_local("back", 40);
            reference(
                &mut l,
                LabelTarget::Local {
                    name: "back",
                    forward: false,
                },
                base + 40,
            );
            reference(
                &mut l,
                LabelTarget::Local {
                    name: "fwd",
                    forward: true,
                },
                base + 72,
            );
            reference(&mut l, LabelTarget::Global("g"), base + 64);
            reference(&mut l, LabelTarget::Dynamic(d), base + 56);
            reference(&mut l, LabelTarget::Offset(AssemblyOffset(24)), base + 24);
            reference(&mut l, LabelTarget::Extern(0xdead_beef), 0xdead_beef);
            l.define_local("fwd", 72);
            l.define_local("back", 80);
            l.define_global("g", 64).unwrap();
            l.define_dynamic(d, 56).unwrap();
            let mut buf = vec![0u8; fields.len() * 8];
            l.patch(&mut buf, 0, base).unwrap();
            let got: Vec<u64> = buf
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(got, fields, "addend {addend}");
            assert!(!l.has_fixups());
        }
    }
}
