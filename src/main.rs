//! The `flakefmt` command line. All IO lives here and in `cli/`; the library is pure.

mod cli;

/// rowan's syntax trees and the Nix formatter's documents are many small allocations;
/// mimalloc serves them faster than the system allocator (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
