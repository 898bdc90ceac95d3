//! Nix formatter: no panic on any input; on input that parses, the output parses to the
//! same tree (ignoring layout and comment text), keeps every comment, and formatting it
//! again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = flakefmt_fuzz::props::check_nix_format(data) {
        panic!("{message}");
    }
});
