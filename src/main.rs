//! The `flakefmt` command line. All IO lives here and in `cli/`; the library is pure.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
