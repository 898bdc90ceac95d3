//! `committed_result_link` (FF403): a committed symbolic link into the Nix store (a `result` link).

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileContext;
use crate::lint::context::GIT_MODE_SYMLINK;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `committed_result_link`.
pub const META: RuleMeta = RuleMeta {
    name: "committed_result_link",
    code: "FF403",
    summary: "a committed symbolic link into the Nix store (a `result` link)",
    severity: Severity::Error,
    fix: FixKind::None,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `committed_result_link` rule.
pub struct CommittedResultLink;

impl Rule for CommittedResultLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        if file.facts.git_mode != Some(GIT_MODE_SYMLINK) {
            return;
        }
        let Some(target) = &file.facts.symlink_target else {
            return;
        };
        if !target.starts_with("/nix/store/") {
            return;
        }
        out.push(
            META.diagnostic(
                format!("a symbolic link into the Nix store is committed (to `{target}`)"),
                0..0,
            )
            .with_help("`git rm --cached` it and add `result*` to `.gitignore`: the target exists only on the machine that built it"),
        );
    }
}
