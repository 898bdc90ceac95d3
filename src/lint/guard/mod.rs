//! Guarded option access in NixOS modules (lint-spec §2c).
//!
//! A module declares option groups that are meaningful only when a boolean option is true
//! (`services.skypilot.cluster.*` only when `services.skypilot.enableCluster`). Reading
//! such an option where the guard may be false is a bug the module system does not catch:
//! the read succeeds with a default and the module configures a cluster nobody asked for.
//!
//! The analysis, per module function (a function with a `config` formal, or the file's
//! top-level function with `@`-bound arguments):
//! 1. guard pairs from the module's own declarations ([`declarations`]) and from the
//!    configuration ([`pairs`]);
//! 2. one walk over the module ([`walk`]) that resolves names ([`scope`]: aliases such as
//!    `cfg = config.services.x;`, `inherit (config.services) x;`, chains, shadowing,
//!    `with`), tracks the facts that hold at each place ([`formula`]) and records every
//!    read of a guarded path whose facts do not imply the guard.
//!
//! The values of the module's `options` declarations are not walked: an option's
//! `default` is evaluated only when that option is read, so it is covered by the read.
//! A module file with no guard pairs is not walked at all.

pub mod conditions;
pub mod declarations;
pub mod formula;
pub mod module;
pub mod operator;
pub mod pairs;
pub mod scope;
pub mod walk;

#[cfg(test)]
mod tests;

use rnix::SyntaxNode;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};

/// The rule reporting unguarded reads (FF301).
pub const GUARDED_OPTION_ACCESS: &str = "guarded_option_access";
/// The rule reporting `with` over options that hides reads (FF302).
pub const UNRESOLVABLE_WITH: &str = "unresolvable_with";
/// The rule reporting `mkIf` used as an operand (FF303).
pub const MKIF_IN_OPERATOR: &str = "mkif_in_operator";

/// Default severity of [`GUARDED_OPTION_ACCESS`] findings (the spec's configuration).
pub const GUARDED_OPTION_ACCESS_SEVERITY: Severity = Severity::Error;
/// Severity of [`UNRESOLVABLE_WITH`] findings.
pub const UNRESOLVABLE_WITH_SEVERITY: Severity = Severity::Info;

/// One `[[lint.guarded_option_access]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GuardPairConfig {
    /// The option group, as a path below `config` (`services.skypilot`). `option_root`, the
    /// lint specification's spelling, is accepted too.
    #[serde(alias = "option_root")]
    pub option_root: String,
    /// The boolean option, relative to the root, that must be true (`enableCluster`).
    pub guard: String,
    /// Relative paths (prefix match) that need the guard (`["cluster"]`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Relative paths that never need it.
    #[serde(default)]
    pub exempt: Vec<String>,
    /// The severity of this pair's findings (default: the rule's, `error`).
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// The options of the guard analysis: the configured pairs (`[[lint.guarded_option_access]]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct GuardOptions {
    /// Configured pairs, added to (or replacing) the inferred ones.
    pub pairs: Vec<GuardPairConfig>,
}

/// Checks every module function in a parsed Nix file: [`GUARDED_OPTION_ACCESS`] findings
/// for unguarded reads and [`UNRESOLVABLE_WITH`] findings for `with` over guarded options,
/// in source order.
pub fn check_module(root: &SyntaxNode, source: &str, options: &GuardOptions) -> Vec<Diagnostic> {
    // Every inferred guard is named `enable…`; without configured pairs, a file that never
    // says `enable` has nothing to check.
    if options.pairs.is_empty() && !source.contains("enable") {
        return Vec::new();
    }
    if options.pairs.is_empty() && !module::declares_guard_pairs(root) {
        return Vec::new();
    }
    if !module::has_module_function(root) {
        return Vec::new();
    }
    let mut walker = walk::Walker::new(source, root, options);
    walker.run(root);
    let mut diagnostics: Vec<Diagnostic> = walker
        .accesses
        .values()
        .map(access_diagnostic)
        .chain(walker.withs.values().map(with_diagnostic))
        .collect();
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
    diagnostics
}

fn access_diagnostic(finding: &walk::AccessFinding) -> Diagnostic {
    let pair = &finding.pair;
    let guard = pair.guard_path().join(".");
    let relative_guard = pair.guard.join(".");
    let message = format!(
        "`{}` reads option `{}` where `{}` may be false",
        finding.text,
        finding.path.join("."),
        guard
    );
    let severity = pair.severity.unwrap_or(GUARDED_OPTION_ACCESS_SEVERITY);
    let mut diagnostic = Diagnostic::new(
        GUARDED_OPTION_ACCESS,
        severity,
        message,
        finding.range.clone(),
    );
    if let Some((range, name)) = &finding.use_site {
        diagnostic = diagnostic.with_label(
            range.clone(),
            format!("`{name}` is used here, where `{relative_guard}` is not known to be true"),
        );
    }
    if let Some(range) = &pair.guard_decl {
        diagnostic = diagnostic.with_label(
            range.clone(),
            format!(
                "guard declared here: `{}` should only be read when `{relative_guard}` is true",
                pair.relative_paths()
            ),
        );
    }
    let g = &finding.guard_expr;
    diagnostic.with_help(format!(
        "read it under the guard: `lib.mkIf {g} {{ … }}`, `lib.optionalString {g} …`, \
         `lib.optionals {g} [ … ]`, `if {g} then … else …` or `{g} && …`"
    ))
}

fn with_diagnostic(finding: &walk::WithFinding) -> Diagnostic {
    let pair = &finding.pair;
    let namespace = &finding.namespace;
    let options = if finding.path.is_empty() {
        "`config`".to_string()
    } else {
        format!("the options of `{}`", finding.path.join("."))
    };
    let inside_guarded = pair
        .paths
        .iter()
        .any(|guarded| finding.path.starts_with(guarded));
    let message = if inside_guarded {
        format!(
            "`with {namespace};` hides which of {options} its bare names read, so they cannot be checked one by one"
        )
    } else {
        format!(
            "`with {namespace};` brings {options} into scope as bare names: reads of `{}` through them cannot be checked against `{}`",
            pair.relative_paths(),
            pair.guard_path().join("."),
        )
    };
    Diagnostic::new(
        UNRESOLVABLE_WITH,
        UNRESOLVABLE_WITH_SEVERITY,
        message,
        finding.range.clone(),
    )
    .with_help(format!(
        "select the options explicitly (`{namespace}.name`) instead of through `with`"
    ))
}
