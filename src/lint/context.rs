//! What a rule sees of one file: [`FileContext`] and the [`FileFacts`] the CLI gathers.

use std::path::Path;

use crate::language::Language;
use crate::lint::config::LintConfig;
use crate::nix::parse::ParsedNix;

/// Git's mode of a regular file in the index.
pub const GIT_MODE_FILE: u32 = 0o100644;
/// Git's mode of an executable file in the index.
pub const GIT_MODE_EXECUTABLE: u32 = 0o100755;
/// Git's mode of a symbolic link in the index.
pub const GIT_MODE_SYMLINK: u32 = 0o120000;

/// Facts about a file that are not in its text, gathered by the CLI (the library does no
/// IO). Everything is optional: a rule that needs a missing fact stays silent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// The permission bits on disk (`st_mode & 0o7777`), when known.
    pub fs_mode: Option<u32>,
    /// Whether the path itself is a symbolic link on disk.
    pub is_symlink: bool,
    /// The target of the symbolic link (on disk, or the blob of a git symlink).
    pub symlink_target: Option<String>,
    /// The mode recorded in the git index (`100644`, `100755`, `120000`), when the file is
    /// tracked by git. `None` outside a repository or for untracked files.
    pub git_mode: Option<u32>,
    /// Whether the file lies inside a git work tree (then git's view is authoritative).
    pub in_repository: bool,
    /// The first bytes of the file (at least 2 when the file has them), for files whose
    /// text is not given (binaries, files of no known language).
    pub head: Vec<u8>,
}

impl FileFacts {
    /// Whether the file is executable: by the git index when tracked, else by the file
    /// system. `None` when neither is known.
    pub fn executable(&self) -> Option<bool> {
        if let Some(mode) = self.git_mode {
            if mode == GIT_MODE_SYMLINK {
                return None;
            }
            return Some(mode == GIT_MODE_EXECUTABLE);
        }
        if self.in_repository {
            // Untracked files in a repository: nothing is committed yet, so say nothing.
            return None;
        }
        self.fs_mode.map(|mode| mode & 0o111 != 0)
    }
}

/// Everything a rule may look at for one file.
#[derive(Debug, Clone, Copy)]
pub struct FileContext<'a> {
    /// The path as shown to the user (relative to the current directory when possible).
    pub path: &'a Path,
    /// The file's language, `None` for files of no known language (repository rules only).
    pub language: Option<Language>,
    /// The text of the file (empty for files that are not text).
    pub source: &'a str,
    /// The parse shared with the formatter, for Nix files that parsed.
    pub nix: Option<&'a ParsedNix>,
    /// The `[lint]` configuration.
    pub config: &'a LintConfig,
    /// Facts gathered by the CLI.
    pub facts: &'a FileFacts,
}

impl<'a> FileContext<'a> {
    /// The text of a node or token range.
    pub fn text(&self, range: std::ops::Range<usize>) -> &'a str {
        self.source.get(range).unwrap_or("")
    }

    /// Whether the file starts with `#!` (from its text, or its first bytes in the facts).
    pub fn has_shebang(&self) -> bool {
        if self.source.is_empty() {
            self.facts.head.starts_with(b"#!")
        } else {
            self.source.starts_with("#!")
        }
    }
}
