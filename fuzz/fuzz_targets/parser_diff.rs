//! The direct Nix parser (the formatter's fast path) against rnix plus the lowering: the
//! same tokens, and the same tree or a decline (never accepting what rnix rejects).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = flakefmt_fuzz::props::check_parser_diff(data) {
        panic!("{message}");
    }
});
