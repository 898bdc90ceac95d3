//! Differential: on Nix input both accept, flakefmt's output equals nixfmt_rs 0.5.3's.
//! A difference is a lead to check against nixfmt's source (fuzz/src/diff.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = flakefmt_fuzz::diff::check_nix_diff(data) {
        panic!("{message}");
    }
});
