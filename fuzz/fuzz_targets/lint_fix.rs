//! Lint fixes: no panic on any input; a Nix file that parsed still parses after its fixes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = flakefmt_fuzz::props::check_lint_fix(data) {
        panic!("{message}");
    }
});
