//! Programs written against dynasm-rs's runtime API, in `programs/`, built
//! here against `jitasm-dynasmrt` by renaming the dependency only
//! (`dynasmrt = { package = "jitasm-dynasmrt", … }`), and run by
//! `tests/programs.rs`. The `dynasmrt-reference` crate runs the same files
//! and the same test against dynasm-rs's own dynasmrt 5.1, so the programs
//! are known to be real dynasmrt programs and to behave the same on both.
