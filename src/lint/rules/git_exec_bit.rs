//! `git_exec_bit` (FF402): a file with a shebang that is not executable, or an executable without one.

use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::lint::FileContext;
use crate::lint::context::GIT_MODE_SYMLINK;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `git_exec_bit`.
pub const META: RuleMeta = RuleMeta {
    name: "git_exec_bit",
    code: "FF402",
    summary: "a file with a shebang that is not executable, or an executable without one",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `git_exec_bit` rule.
pub struct GitExecBit;

/// The fix message of "set the executable bit" (a file action, not a text edit).
pub const MAKE_EXECUTABLE: &str = "make it executable (chmod +x, git update-index --chmod=+x)";
/// The fix message of "clear the executable bit".
pub const CLEAR_EXECUTABLE: &str =
    "remove the executable bit (chmod -x, git update-index --chmod=-x)";

/// A change to a file that is not an edit of its text; the CLI carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// Set (`true`) or clear (`false`) the executable bits, on disk and in the git index.
    SetExecutable(bool),
}

/// The file action a diagnostic's fix stands for, if it is one.
pub fn file_action(diagnostic: &Diagnostic) -> Option<FileAction> {
    if diagnostic.rule != META.name {
        return None;
    }
    match diagnostic.fix.as_ref()?.message.as_str() {
        MAKE_EXECUTABLE => Some(FileAction::SetExecutable(true)),
        CLEAR_EXECUTABLE => Some(FileAction::SetExecutable(false)),
        _ => None,
    }
}

/// Whether the first bytes look like a binary (a NUL byte, or an ELF header).
fn looks_binary(head: &[u8]) -> bool {
    head.starts_with(b"\x7fELF") || head.contains(&0)
}

impl Rule for GitExecBit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let facts = file.facts;
        if facts.is_symlink || facts.git_mode == Some(GIT_MODE_SYMLINK) {
            return;
        }
        let Some(executable) = facts.executable() else {
            return;
        };
        let name = file_name(file.path);
        let source = if facts.git_mode.is_some() {
            "in the git index"
        } else {
            "on disk"
        };
        let shebang = file.has_shebang();
        if shebang && !executable {
            out.push(
                META.diagnostic(
                    format!("`{name}` starts with `#!` but is not executable {source}"),
                    0..0,
                )
                .with_fix(Fix {
                    applicability: Applicability::Safe,
                    message: MAKE_EXECUTABLE.to_string(),
                    edits: Vec::new(),
                }),
            );
        } else if !shebang && executable {
            let head = if file.source.is_empty() {
                &facts.head[..]
            } else {
                file.source.as_bytes()
            };
            if looks_binary(head) {
                return;
            }
            out.push(
                META.diagnostic(
                    format!("`{name}` is executable {source} but has no `#!` line"),
                    0..0,
                )
                .with_help("add a shebang if it is a script, or clear the bit")
                .with_fix(Fix {
                    applicability: Applicability::Safe,
                    message: CLEAR_EXECUTABLE.to_string(),
                    edits: Vec::new(),
                }),
            );
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
