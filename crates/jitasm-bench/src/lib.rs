//! Benchmarks of the jitasm runtime. The crate has no API; the benchmarks
//! live in `benches/` and use [criterion](https://docs.rs/criterion/0.5).
//!
//! `benches/memory.rs` measures how fast code becomes callable with each
//! W^X strategy of `jitasm_runtime::CodeMemory` (`Strategy::DualMap` and
//! `Strategy::Protect`), on x86-64 hosts (elsewhere it prints a note and
//! measures nothing):
//!
//! * `commit/{dualmap,protect}`: a long-lived assembler appends
//!   `mov eax, 42; ret` (6 bytes), commits it and calls it once.
//! * `oneshot/{dualmap,protect}`: a fresh assembler (64 KiB) receives the
//!   same 6 bytes, is finalized, the function is called, and everything is
//!   dropped (emit, callable, freed).
//! * `commit_sizes/{dualmap,protect}/{64,4096,65536}`: committing chunks of
//!   N bytes of `ret` (0xC3) to a long-lived assembler and calling the
//!   chunk's first byte: per-byte copying against system-call cost.
//!
//! Run them with
//!
//! ```text
//! cargo bench -p jitasm-bench --bench memory
//! ```
//!
//! (append `-- --warm-up-time 1 --measurement-time 3` for a shorter run, or
//! a filter such as `-- commit/`). Results are recorded in
//! `docs/PERFORMANCE.md`.
#![deny(missing_docs)]
