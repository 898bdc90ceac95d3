//! `guarded_option_access` (FF301): a NixOS module reads an option group where its guard
//! option may be false (lint-spec §2c). The analysis lives in [`crate::lint::guard`].
//!
//! The same walk finds `unresolvable_with` findings; this rule reports them too when that
//! rule is enabled, so a module is analysed once (`unresolvable_with` runs the analysis
//! itself only when this rule is disabled).

use crate::diagnostic::Diagnostic;
use crate::language::Language;
use crate::lint::context::FileContext;
use crate::lint::guard::{
    self, GUARDED_OPTION_ACCESS, GUARDED_OPTION_ACCESS_SEVERITY, UNRESOLVABLE_WITH,
};
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `guarded_option_access`.
pub const META: RuleMeta = RuleMeta {
    name: GUARDED_OPTION_ACCESS,
    code: "FF301",
    summary: "a module reads an option group (`cfg.cluster.*`) where its guard (`cfg.enableCluster`) may be false",
    severity: GUARDED_OPTION_ACCESS_SEVERITY,
    fix: FixKind::None,
    languages: &[Language::Nix],
    nix_kinds: &[],
    any_file: false,
};

/// The `guarded_option_access` rule.
pub struct GuardedOptionAccess;

impl Rule for GuardedOptionAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(parsed) = file.nix else {
            return;
        };
        let options = &file.config.guarded_option_access;
        let with_enabled = file.config.is_enabled(UNRESOLVABLE_WITH);
        out.extend(
            guard::check_module(&parsed.root, file.source, options)
                .into_iter()
                .filter(|diagnostic| diagnostic.rule == META.name || with_enabled),
        );
    }
}
