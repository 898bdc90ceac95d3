//! Which modes one Nix file gives each path, from every source it can use: tmpfiles rules
//! and settings, `users.users.<n>.home` with `homeMode` (or its implicit `700` under
//! `createHome = true`), and `environment.etc`. `nix_mode` warns when two sources give the
//! same path different modes (lint-spec §2d).
//!
//! Also the tmpfiles line reader shared with `nix_mode`'s per-value checks.

use std::collections::BTreeMap;
use std::ops::Range;

use rnix::{SyntaxKind, SyntaxNode};

use crate::lint::nix_syntax::{
    attribute_path, binding_key, binding_value, range, static_string, unparen,
};

/// One line of a `systemd.tmpfiles.rules` string with a mode field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TmpfilesLine<'a> {
    /// The type without modifiers (`d`, `f`, `L`...).
    pub kind: &'a str,
    /// The path field.
    pub path: &'a str,
    /// The mode field as written (`-`, `0755`, `~0644`, `${mode}`).
    pub mode: &'a str,
    /// The mode field's byte range in the file.
    pub mode_range: Range<usize>,
}

/// Splits the raw text of a string into words with their offsets, keeping `${…}` whole.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'$' && bytes.get(i + 1) == Some(&b'{') {
            start.get_or_insert(i);
            depth += 1;
            i += 2;
            continue;
        }
        if depth > 0 {
            match b {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
        } else if b.is_ascii_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, &text[s..i]));
            }
        } else {
            start.get_or_insert(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    words
}

/// The lines of a tmpfiles rule string (a `"…"` or `''…''` literal) that have a mode field.
pub(crate) fn tmpfiles_lines<'a>(string: &SyntaxNode, source: &'a str) -> Vec<TmpfilesLine<'a>> {
    let whole = range(string);
    let Some(text) = source.get(whole.clone()) else {
        return Vec::new();
    };
    let quote = if text.starts_with("''") { 2 } else { 1 };
    if text.len() < 2 * quote {
        return Vec::new();
    }
    let inner = &text[quote..text.len() - quote];
    let base = whole.start + quote;
    let mut lines = Vec::new();
    let mut line_offset = 0;
    for line in inner.split('\n') {
        let words = words(line);
        if let (Some((_, kind)), Some((_, path)), Some(&(mode_offset, mode))) =
            (words.first(), words.get(1), words.get(2))
        {
            let start = base + line_offset + mode_offset;
            lines.push(TmpfilesLine {
                kind: kind.trim_end_matches(['+', '!', '-', '=', '~', '^']),
                path,
                mode,
                mode_range: start..start + mode.len(),
            });
        }
        line_offset += line.len() + 1;
    }
    lines
}

/// A mode a file gives a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModeSource {
    /// The path (`/var/lib/app`).
    pub path: String,
    /// The mode's permission bits.
    pub value: u32,
    /// Where it is given (the mode text, or the binding that implies it).
    pub range: Range<usize>,
    /// Which option gives it, for messages.
    pub origin: String,
}

fn octal(text: &str) -> Option<u32> {
    let digits = text.trim_start_matches(['~', ':']);
    if !(3..=4).contains(&digits.len()) || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    u32::from_str_radix(digits, 8).ok()
}

fn ends_with(path: &[String], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && suffix
            .iter()
            .zip(&path[path.len() - suffix.len()..])
            .all(|(want, have)| *want == "*" || want == have)
}

#[derive(Default)]
struct User {
    home: Option<String>,
    home_range: Option<Range<usize>>,
    mode: Option<(u32, Range<usize>)>,
    create_home: Option<Range<usize>>,
}

/// Every mode the file under `root` gives a path.
pub(crate) fn mode_sources(root: &SyntaxNode, source: &str) -> Vec<ModeSource> {
    let mut sources = Vec::new();
    let mut users: BTreeMap<String, User> = BTreeMap::new();
    for binding in root
        .descendants()
        .filter(|node| node.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
    {
        let Some(last) = binding_key(&binding).pop().flatten() else {
            continue;
        };
        if !matches!(
            last.as_str(),
            "rules" | "mode" | "homeMode" | "home" | "createHome"
        ) {
            continue;
        }
        let path = attribute_path(&binding);
        let Some(value) = binding_value(&binding).map(|value| unparen(&value)) else {
            continue;
        };
        let literal = static_string(&value);
        if ends_with(&path, &["systemd", "tmpfiles", "rules"]) {
            for string in value
                .descendants()
                .filter(|n| n.kind() == SyntaxKind::NODE_STRING)
            {
                for line in tmpfiles_lines(&string, source) {
                    if line.path.contains("${")
                        || !matches!(
                            line.kind,
                            "d" | "D" | "v" | "q" | "Q" | "e" | "f" | "F" | "w" | "C"
                        )
                    {
                        continue;
                    }
                    if let Some(value) = octal(line.mode) {
                        sources.push(ModeSource {
                            path: line.path.trim_end_matches('/').to_string(),
                            value,
                            range: line.mode_range,
                            origin: "a systemd.tmpfiles rule".into(),
                        });
                    }
                }
            }
        } else if ends_with(
            &path,
            &["systemd", "tmpfiles", "settings", "*", "*", "*", "mode"],
        ) {
            if let Some((text, content)) = literal
                && let Some(value) = octal(&text)
            {
                sources.push(ModeSource {
                    path: path[path.len() - 3].trim_end_matches('/').to_string(),
                    value,
                    range: content,
                    origin: "systemd.tmpfiles.settings".into(),
                });
            }
        } else if ends_with(&path, &["environment", "etc", "*", "mode"]) {
            if let Some((text, content)) = literal
                && let Some(value) = octal(&text)
            {
                sources.push(ModeSource {
                    path: format!("/etc/{}", path[path.len() - 2].trim_start_matches('/')),
                    value,
                    range: content,
                    origin: "environment.etc".into(),
                });
            }
        } else if ends_with(&path, &["users", "users", "*", "*"]) {
            let user = users.entry(path[path.len() - 2].clone()).or_default();
            match last.as_str() {
                "home" => {
                    if let Some((text, content)) = literal {
                        user.home = Some(text.trim_end_matches('/').to_string());
                        user.home_range = Some(content);
                    }
                }
                "homeMode" => {
                    if let Some((text, content)) = literal
                        && let Some(value) = octal(&text)
                    {
                        user.mode = Some((value, content));
                    }
                }
                "createHome" if value.text() == "true" => user.create_home = Some(range(&binding)),
                _ => {}
            }
        }
    }
    for (name, user) in users {
        let (Some(home), Some(home_range)) = (user.home, user.home_range) else {
            continue;
        };
        match (user.mode, user.create_home) {
            (Some((value, range)), _) => sources.push(ModeSource {
                path: home,
                value,
                range,
                origin: format!("users.users.{name}.homeMode"),
            }),
            // NixOS applies its default `homeMode = "700"` when it creates the home.
            (None, Some(_)) => sources.push(ModeSource {
                path: home,
                value: 0o700,
                range: home_range,
                origin: format!("users.users.{name}.homeMode (default `700` with createHome)"),
            }),
            (None, None) => {}
        }
    }
    sources.sort_by_key(|source| source.range.start);
    sources
}

/// Pairs `(later, earlier)` of sources that give the same path different modes; each later
/// source is paired with the first earlier one it disagrees with.
pub(crate) fn disagreements(sources: &[ModeSource]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (later, source) in sources.iter().enumerate() {
        if let Some(earlier) = sources[..later]
            .iter()
            .position(|other| other.path == source.path && other.value != source.value)
        {
            pairs.push((later, earlier));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(source: &str) -> Vec<(String, u32, String)> {
        let parsed = crate::nix::parse::parse(source).unwrap();
        mode_sources(&parsed.root, source)
            .into_iter()
            .map(|s| (s.path, s.value, s.origin))
            .collect()
    }

    #[test]
    fn collects_every_source() {
        let source = r#"{
  users.users.app = { home = "/var/lib/app"; createHome = true; };
  users.users.web = { home = "/srv/web/"; homeMode = "750"; };
  systemd.tmpfiles.rules = [ "d /var/lib/app 0755 app app -" "L+ /x - - - - /y" "d ${dir} 0700 - - -" ];
  systemd.tmpfiles.settings.web."/srv/web".d.mode = "0755";
  environment.etc."app.conf".mode = "0644";
}"#;
        assert_eq!(
            sources(source),
            [
                (
                    "/var/lib/app".to_string(),
                    0o700,
                    "users.users.app.homeMode (default `700` with createHome)".to_string()
                ),
                (
                    "/srv/web".to_string(),
                    0o750,
                    "users.users.web.homeMode".to_string()
                ),
                (
                    "/var/lib/app".to_string(),
                    0o755,
                    "a systemd.tmpfiles rule".to_string()
                ),
                (
                    "/srv/web".to_string(),
                    0o755,
                    "systemd.tmpfiles.settings".to_string()
                ),
                (
                    "/etc/app.conf".to_string(),
                    0o644,
                    "environment.etc".to_string()
                ),
            ]
        );
        let parsed = crate::nix::parse::parse(source).unwrap();
        assert_eq!(
            disagreements(&mode_sources(&parsed.root, source)),
            [(2, 0), (3, 1)]
        );
    }
}
