//! flakefmt: one fast formatter and linter for Nix flake repositories.
//!
//! The library is pure: it reads and writes nothing. It turns source text into formatted
//! text or diagnostics; the `flakefmt` binary (`src/main.rs`, `src/cli/`) does all IO:
//! walking trees, reading configuration files, writing files atomically, printing.
//!
//! Entry points:
//! - [`nix::format_source`]: format Nix source in the official style (nixfmt, RFC 166).
//! - [`python::format_source`]: format Python source exactly as `ruff format` does.
//! - [`lint`]: the lint engine and the flake rules.
#![deny(missing_docs)]

pub mod config;
pub mod diagnostic;
pub mod language;
pub mod lint;
pub mod nix;
pub mod python;

pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use language::Language;
