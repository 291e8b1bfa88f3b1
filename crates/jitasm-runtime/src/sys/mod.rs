//! The operating-system calls behind code memory. Everything `unsafe` about
//! mapping, protecting and flushing memory lives in this module.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::*;

mod icache;
pub(crate) use icache::flush_icache;

/// Page protections jitasm ever asks for. There is no read-write-execute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prot {
    /// Readable and writable, never executable.
    ReadWrite,
    /// Readable and executable, never writable.
    ReadExec,
}
