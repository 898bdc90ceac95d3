//! The lint engine and the flake rules.
//!
//! - [`rule`]: the [`Rule`] trait and its [`RuleMeta`] constant;
//! - [`registry`]: the one list of rules, lookups by name and code, the embedded docs;
//! - [`engine`]: [`Linter`] runs the enabled rules over one file, Nix rules in a single
//!   walk of the parse shared with the formatter; [`lint_source`] for one-off use;
//! - [`suppress`]: `# flakefmt: allow(rule)` comments; [`fix`]: applying fixes;
//! - [`config`]: `[lint]` in `flakefmt.toml`; [`output`]: the renderers (human, concise,
//!   json, github, sarif);
//! - [`rules`]: one module per rule; [`hashes`]: the hash encodings the hash rules use;
//! - [`shell`]: shell text (scripts, Markdown, CI YAML, recipes, Nix strings) and its checks.

pub mod config;
pub mod context;
pub mod engine;
pub mod fix;
pub mod guard;
pub mod hash_sites;
pub mod hashes;
pub mod mode_commands;
pub(crate) mod mode_sources;
pub mod nix_syntax;
pub mod output;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod shell;
pub mod suppress;

pub use config::LintConfig;
pub use context::{FileContext, FileFacts};
pub use engine::{FileInput, Linter, lint_source};
pub use fix::{FixOutcome, FixResult, apply_fixes};
pub use rule::{FixKind, Rule, RuleMeta};
