//! The [`Rule`] trait and its metadata constant.
//!
//! A rule declares what it is in a plain [`RuleMeta`] constant near the top of its file and
//! implements one or both hooks:
//! - [`Rule::check_node`] for Nix: called for every node whose kind is listed in
//!   [`RuleMeta::nix_kinds`], during the engine's single walk over the shared parse;
//! - [`Rule::check_file`] once per file whose language is in [`RuleMeta::languages`] (and,
//!   for rules with [`RuleMeta::any_file`], for every file, even ones of no known language):
//!   non-Nix languages, file facts (modes, symlinks), whole-file analyses.

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::language::Language;
use crate::lint::context::FileContext;

/// Which fixes a rule can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    /// No automatic fix.
    None,
    /// Only safe fixes (`--fix`).
    Safe,
    /// Only unsafe fixes (`--unsafe-fixes`).
    Unsafe,
    /// Safe fixes for some findings, unsafe for others.
    SafeAndUnsafe,
}

impl FixKind {
    /// A short word for listings: `none`, `safe`, `unsafe`, `safe+unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "none",
            FixKind::Safe => "safe",
            FixKind::Unsafe => "unsafe",
            FixKind::SafeAndUnsafe => "safe+unsafe",
        }
    }
}

/// A rule's metadata: a plain constant next to its code.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// The snake_case name used everywhere (module, doc, config, output, suppressions).
    pub name: &'static str,
    /// The short alias (`FF101`), accepted in config and suppressions.
    pub code: &'static str,
    /// One line saying what the rule flags.
    pub summary: &'static str,
    /// The severity of its findings unless configured otherwise. A rule may report some
    /// findings at another severity (the spec's "warn for non-canonical base64"); a
    /// configured `[lint.severity]` override replaces both.
    pub severity: Severity,
    /// Which fixes it offers.
    pub fix: FixKind,
    /// The languages whose files [`Rule::check_file`] (and, for Nix, [`Rule::check_node`])
    /// sees.
    pub languages: &'static [Language],
    /// Nix node kinds dispatched to [`Rule::check_node`] in the engine's single walk.
    pub nix_kinds: &'static [SyntaxKind],
    /// Whether [`Rule::check_file`] runs for every file, including files of no known
    /// language (repository rules: exec bits, committed links and backups).
    pub any_file: bool,
}

impl RuleMeta {
    /// A diagnostic of this rule at its default severity.
    pub fn diagnostic(
        &self,
        message: impl Into<String>,
        range: std::ops::Range<usize>,
    ) -> Diagnostic {
        Diagnostic::new(self.name, self.severity, message, range)
    }
}

/// A lint rule. Implementations are unit structs listed once in
/// [`crate::lint::registry::RULES`].
pub trait Rule: Sync + Send {
    /// The rule's metadata constant.
    fn meta(&self) -> &'static RuleMeta;

    /// Inspects one Nix node of a kind listed in [`RuleMeta::nix_kinds`].
    fn check_node(&self, _node: &SyntaxNode, _file: &FileContext<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Inspects a whole file (see [`RuleMeta::languages`] and [`RuleMeta::any_file`]).
    fn check_file(&self, _file: &FileContext<'_>, _out: &mut Vec<Diagnostic>) {}
}
