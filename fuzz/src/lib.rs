//! The properties the fuzz targets check, shared with the main crate's
//! `tests/fuzz_regressions.rs` (which includes `props.rs` by path), so a crash found by
//! the fuzzer replays under `cargo test` on the stable toolchain.

pub mod diff;
pub mod props;
