//! `unresolvable_with` (FF302, info): `with cfg;` over options that have a guard, so reads
//! through bare names cannot be checked by `guarded_option_access` (lint-spec §2c).
//!
//! When `guarded_option_access` is enabled it reports these findings from its own walk;
//! this rule runs the analysis only when that rule is disabled.

use crate::diagnostic::Diagnostic;
use crate::language::Language;
use crate::lint::context::FileContext;
use crate::lint::guard::{
    self, GUARDED_OPTION_ACCESS, UNRESOLVABLE_WITH, UNRESOLVABLE_WITH_SEVERITY,
};
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `unresolvable_with`.
pub const META: RuleMeta = RuleMeta {
    name: UNRESOLVABLE_WITH,
    code: "FF302",
    summary: "`with` over module options hides reads of guarded options behind bare names",
    severity: UNRESOLVABLE_WITH_SEVERITY,
    fix: FixKind::None,
    languages: &[Language::Nix],
    nix_kinds: &[],
    any_file: false,
};

/// The `unresolvable_with` rule.
pub struct UnresolvableWith;

impl Rule for UnresolvableWith {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(parsed) = file.nix else {
            return;
        };
        if file.config.is_enabled(GUARDED_OPTION_ACCESS) {
            return;
        }
        let options = &file.config.guarded_option_access;
        out.extend(
            guard::check_module(&parsed.root, file.source, options)
                .into_iter()
                .filter(|diagnostic| diagnostic.rule == META.name),
        );
    }
}
