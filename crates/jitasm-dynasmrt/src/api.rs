//! One implementation of dynasmrt's traits for every assembler of this
//! crate, on top of jitasm's output traits.

use crate::relocations::Relocation;
use jitasm_core::{LabelApi, LabelRef, LabelTarget};

/// Records a relocation as a jitasm fixup: the field starts `field_offset`
/// bytes and the position it is relative to `ref_offset` bytes before the
/// current offset.
pub(crate) fn relocate<S: LabelApi + ?Sized, R: Relocation>(
    out: &mut S,
    target: LabelTarget<'_>,
    target_offset: isize,
    field_offset: u8,
    ref_offset: u8,
    kind: R,
) {
    let Some(fixup) = kind.fixup_kind() else {
        panic!(
            "{:?} relocation of {} bytes is not supported on this architecture",
            kind.kind(),
            kind.size()
        )
    };
    let here = out.offset();
    let (Some(at), Some(pc)) = (
        here.checked_sub(field_offset as usize),
        here.checked_sub(ref_offset as usize),
    ) else {
        panic!("relocation field starts before the beginning of the code")
    };
    let label = LabelRef {
        target,
        addend: target_offset as i64,
    };
    out.fixup(label, fixup, at, pc);
}

/// `Extend` and `DynasmApi` for a type implementing jitasm's `LabelApi`.
macro_rules! dynasm_api {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> Extend<u8> for $ty {
            fn extend<T: IntoIterator<Item = u8>>(&mut self, iter: T) {
                for b in iter {
                    jitasm_core::ByteSink::push(self, b);
                }
            }
        }

        impl<'x, $($g)*> Extend<&'x u8> for $ty {
            fn extend<T: IntoIterator<Item = &'x u8>>(&mut self, iter: T) {
                for b in iter {
                    jitasm_core::ByteSink::push(self, *b);
                }
            }
        }

        impl<$($g)*> $crate::DynasmApi for $ty {
            #[inline]
            fn offset(&self) -> $crate::AssemblyOffset {
                $crate::AssemblyOffset(jitasm_core::ByteSink::offset(self))
            }
            #[inline]
            fn push(&mut self, byte: u8) {
                jitasm_core::ByteSink::push(self, byte)
            }
            fn align(&mut self, alignment: usize, with: u8) {
                let misalignment = jitasm_core::ByteSink::offset(self) % alignment;
                if misalignment != 0 {
                    for _ in misalignment..alignment {
                        jitasm_core::ByteSink::push(self, with);
                    }
                }
            }
        }
    };
}

/// `DynasmLabelApi` for a type implementing jitasm's `LabelApi`, with
/// relocation type `$r`.
macro_rules! dynasm_label_api {
    ([$($g:tt)*] $ty:ty, $r:ty) => {
        impl<$($g)*> $crate::DynasmLabelApi for $ty {
            type Relocation = $r;

            fn local_label(&mut self, name: &'static str) {
                jitasm_core::generated_code::define_local(self, name)
            }
            fn global_label(&mut self, name: &'static str) {
                jitasm_core::generated_code::define_global(self, name)
            }
            fn dynamic_label(&mut self, id: $crate::DynamicLabel) {
                jitasm_core::generated_code::define_dynamic(self, id)
            }
            fn forward_relocation(
                &mut self,
                name: &'static str,
                target_offset: isize,
                field_offset: u8,
                ref_offset: u8,
                kind: $r,
            ) {
                let target = jitasm_core::LabelTarget::Local { name, forward: true };
                $crate::api::relocate(self, target, target_offset, field_offset, ref_offset, kind)
            }
            fn backward_relocation(
                &mut self,
                name: &'static str,
                target_offset: isize,
                field_offset: u8,
                ref_offset: u8,
                kind: $r,
            ) {
                let target = jitasm_core::LabelTarget::Local { name, forward: false };
                $crate::api::relocate(self, target, target_offset, field_offset, ref_offset, kind)
            }
            fn global_relocation(
                &mut self,
                name: &'static str,
                target_offset: isize,
                field_offset: u8,
                ref_offset: u8,
                kind: $r,
            ) {
                let target = jitasm_core::LabelTarget::Global(name);
                $crate::api::relocate(self, target, target_offset, field_offset, ref_offset, kind)
            }
            fn dynamic_relocation(
                &mut self,
                id: $crate::DynamicLabel,
                target_offset: isize,
                field_offset: u8,
                ref_offset: u8,
                kind: $r,
            ) {
                let target = jitasm_core::LabelTarget::Dynamic(id);
                $crate::api::relocate(self, target, target_offset, field_offset, ref_offset, kind)
            }
            fn value_relocation(&mut self, value: usize, field_offset: u8, ref_offset: u8, kind: $r) {
                let target = jitasm_core::LabelTarget::Extern(value as u64);
                $crate::api::relocate(self, target, 0, field_offset, ref_offset, kind)
            }
        }
    };
}

pub(crate) use {dynasm_api, dynasm_label_api};
