//! Runs `../dynasmrt-compat/tests/programs.rs` (and the programs it
//! includes) against dynasm-rs's dynasmrt 5.1: the reference behaviour the
//! jitasm build of the same files must match.
