//! `committed_backup` (FF404): a committed backup file (`*.bak`, `*.orig`).

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `committed_backup`.
pub const META: RuleMeta = RuleMeta {
    name: "committed_backup",
    code: "FF404",
    summary: "a committed backup file (`*.bak`, `*.orig`)",
    severity: Severity::Warning,
    fix: FixKind::None,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `committed_backup` rule.
pub struct CommittedBackup;

/// File name endings of backups left by editors, patch and merge tools.
const BACKUP_SUFFIXES: &[&str] = &[".bak", ".orig"];

impl Rule for CommittedBackup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        if file.facts.git_mode.is_none() {
            return;
        }
        let Some(name) = file.path.file_name().and_then(|name| name.to_str()) else {
            return;
        };
        let Some(suffix) = BACKUP_SUFFIXES
            .iter()
            .find(|suffix| name.ends_with(*suffix) && name.len() > suffix.len())
        else {
            return;
        };
        out.push(
            META.diagnostic(
                format!("a backup file (`{suffix}`) is committed: `{name}`"),
                0..0,
            )
            .with_help(format!(
                "`git rm --cached` it and add `*{suffix}` to `.gitignore`"
            )),
        );
    }
}
