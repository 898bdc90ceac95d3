//! Shell text in a flake repository, and the checks on it.
//!
//! - [`bash`]: parsing with tree-sitter-bash; simple commands and their words;
//! - [`wrappers`]: looking through `timeout`, `env`, `sudo`, `xargs`...;
//! - [`invocation`]: which commands build (the tiers of lint-spec §2b);
//! - [`snippet`]: shell text taken from another file, with its offset map;
//! - where shell text is found: [`markdown`] fences and inline spans, CI [`yaml`],
//!   Justfile and Makefile [`recipes`], Nix strings ([`nix_strings`]);
//! - the checks: [`build_flags`] (three rules) and [`hashes`] (`prefetch_without_sri`,
//!   `manual_sri_prefix`), giving [`finding::Finding`]s in snippet coordinates.

pub mod bash;
pub mod build_flags;
pub mod finding;
pub mod hashes;
pub mod invocation;
pub mod markdown;
pub mod nix_strings;
pub mod options;
pub mod recipes;
pub mod run;
pub mod snippet;
pub mod wrappers;
pub mod yaml;

pub use bash::{Command, Word, commands};
pub use options::BuildFlagsOptions;
pub use snippet::{Escaping, OffsetMap, Snippet};
