//! The trait every jitasm output implements, so front ends can emit into any of them.

use jitasm_core::{CodeSink, DynamicLabel, Error, FixupKind, LabelRef};

/// Labels, alignment and data on top of [`CodeSink`]: what `dynasm!`, the
/// typed builders and the text assembler need from an output.
pub trait LabelApi: CodeSink {
    /// Defines global label `name` at the current offset (once per assembler).
    fn define_global(&mut self, name: &str) -> Result<(), Error>;
    /// Defines local label `name` at the current offset: `>name` references
    /// made before bind here, and `<name` references made after do too.
    fn define_local(&mut self, name: &str) -> Result<(), Error>;
    /// Defines dynamic label `label` at the current offset (once).
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error>;
    /// Creates a new, undefined dynamic label.
    fn new_dynamic_label(&mut self) -> DynamicLabel;
    /// The address the byte at `offset` will run at, if known.
    fn address_of(&self, offset: usize) -> Option<u64>;

    /// Pads with `fill` until the address of the next byte is a multiple of
    /// `alignment` (a power of two).
    fn align(&mut self, alignment: usize, fill: u8) -> Result<(), Error> {
        if !alignment.is_power_of_two() {
            return Err(Error::ValueOutOfRange {
                what: "alignment (a power of two)",
                value: alignment as i128,
                min: 1,
                max: 1 << 30,
            });
        }
        let off = self.offset();
        let addr = self.address_of(off).unwrap_or(off as u64);
        let pad = (alignment as u64).wrapping_sub(addr) & (alignment as u64 - 1);
        for _ in 0..pad {
            self.push(fill);
        }
        Ok(())
    }

    /// Emits a data unit of `kind` (zero bits) and a fixup to `label` in it,
    /// with the PC taken as the kind usually takes it (`.abs64 label`,
    /// `.rel32 label`).
    fn emit_label_data(&mut self, label: LabelRef<'_>, kind: &'static FixupKind) {
        let at = self.offset();
        for _ in 0..kind.unit {
            self.push(0);
        }
        self.fixup(label, kind, at, kind.default_pc(at));
    }
}
