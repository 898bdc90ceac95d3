//! Which language a file is, from its path and (for extensionless files) its shebang.

use std::path::Path;

/// The kinds of file flakefmt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// `*.nix`: formatted and linted.
    Nix,
    /// `*.py` and Python shebang scripts: formatted with ruff's formatter.
    Python,
    /// `*.pyi`: formatted in stub mode.
    PythonStub,
    /// `*.sh`, `*.bash`, `.envrc`, files with a sh/bash/zsh shebang: linted.
    Shell,
    /// `*.md`, `*.mdx`, `*.markdown`: linted (code fences).
    Markdown,
    /// `*.yml`, `*.yaml`: linted (CI `run:` scalars).
    Yaml,
    /// `Justfile`, `justfile`, `*.just`: linted (recipe lines).
    Justfile,
    /// `Makefile`, `GNUmakefile`, `*.mk`: linted (recipe lines).
    Makefile,
}

impl Language {
    /// Whether flakefmt formats files of this language (the others are only linted).
    pub fn is_formatted(self) -> bool {
        matches!(
            self,
            Language::Nix | Language::Python | Language::PythonStub
        )
    }

    /// A short lower-case name (`nix`, `python`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Language::Nix => "nix",
            Language::Python => "python",
            Language::PythonStub => "python-stub",
            Language::Shell => "shell",
            Language::Markdown => "markdown",
            Language::Yaml => "yaml",
            Language::Justfile => "justfile",
            Language::Makefile => "makefile",
        }
    }

    /// The language of `path` judged by its name alone, or `None` when only the content
    /// (a shebang) could tell.
    pub fn from_path(path: &Path) -> Option<Language> {
        let file_name = path.file_name()?.to_str()?;
        match file_name {
            "Justfile" | "justfile" | ".justfile" => return Some(Language::Justfile),
            "Makefile" | "makefile" | "GNUmakefile" => return Some(Language::Makefile),
            ".envrc" => return Some(Language::Shell),
            _ => {}
        }
        let extension = path.extension()?.to_str()?;
        Some(match extension {
            "nix" => Language::Nix,
            "py" => Language::Python,
            "pyi" => Language::PythonStub,
            "sh" | "bash" => Language::Shell,
            "md" | "mdx" | "markdown" => Language::Markdown,
            "yml" | "yaml" => Language::Yaml,
            "just" => Language::Justfile,
            "mk" => Language::Makefile,
            _ => return None,
        })
    }

    /// The language named by a shebang line (`#!/usr/bin/env python3`, `#!/bin/bash`),
    /// given the first bytes of a file.
    pub fn from_shebang(first_bytes: &[u8]) -> Option<Language> {
        let rest = first_bytes.strip_prefix(b"#!")?;
        let line = rest.split(|&b| b == b'\n').next()?;
        let line = std::str::from_utf8(line).ok()?;
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            // `#!/usr/bin/env -S python3 -u`: skip env's own options.
            program = words.find(|word| !word.starts_with('-') && !word.contains('='))?;
        }
        let program = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        match program {
            "python" | "pypy" => Some(Language::Python),
            "sh" | "bash" | "zsh" | "dash" | "ksh" => Some(Language::Shell),
            _ => None,
        }
    }

    /// The language of a file: by name, or for a file without a known extension by its
    /// shebang (`first_bytes` is the start of its content, if available).
    pub fn detect(path: &Path, first_bytes: Option<&[u8]>) -> Option<Language> {
        if let Some(language) = Language::from_path(path) {
            return Some(language);
        }
        if path.extension().is_some() {
            return None;
        }
        first_bytes.and_then(Language::from_shebang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_name_and_shebang() {
        assert_eq!(
            Language::from_path(Path::new("a/b.nix")),
            Some(Language::Nix)
        );
        assert_eq!(
            Language::from_path(Path::new("x.pyi")),
            Some(Language::PythonStub)
        );
        assert_eq!(
            Language::from_path(Path::new("Justfile")),
            Some(Language::Justfile)
        );
        assert_eq!(Language::from_path(Path::new("README")), None);
        assert_eq!(
            Language::from_shebang(b"#!/usr/bin/env python3\n"),
            Some(Language::Python)
        );
        assert_eq!(
            Language::from_shebang(b"#!/usr/bin/env -S python3 -u\n"),
            Some(Language::Python)
        );
        assert_eq!(
            Language::from_shebang(b"#!/bin/bash -e\n"),
            Some(Language::Shell)
        );
        assert_eq!(Language::from_shebang(b"#!/usr/bin/perl\n"), None);
        assert_eq!(
            Language::detect(Path::new("tool"), Some(b"#!/usr/bin/python3.11\nx")),
            Some(Language::Python)
        );
        assert_eq!(
            Language::detect(Path::new("tool.txt"), Some(b"#!/bin/sh\n")),
            None
        );
    }
}
