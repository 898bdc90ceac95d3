//! `nix_mode` (FF401): a file mode in Nix that is an integer, unsafe, or not the required `0644`/`0755`.

use std::ops::Range;

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::lint::FileContext;
use crate::lint::mode_commands::{CommandWord, check_command};
use crate::lint::mode_sources::{disagreements, mode_sources, tmpfiles_lines};
use crate::lint::nix_syntax::{
    attribute_path, binding_key, binding_value, range, static_string, unparen,
};
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::run;
use crate::lint::shell::snippet::Snippet;

/// Metadata of `nix_mode`.
pub const META: RuleMeta = RuleMeta {
    name: "nix_mode",
    code: "FF401",
    summary: "a file mode in Nix that is an integer, unsafe, or not the required `0644`/`0755`",
    severity: Severity::Error,
    fix: FixKind::SafeAndUnsafe,
    languages: run::SHELL_HOSTS,
    nix_kinds: &[
        SyntaxKind::NODE_ROOT,
        SyntaxKind::NODE_ATTRPATH_VALUE,
        SyntaxKind::NODE_STRING,
    ],
    any_file: false,
};

/// The `nix_mode` rule.
pub struct NixMode;

/// What a mode applies to, which decides its required value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    /// A regular file: `0644`.
    File,
    /// A directory: `0755`.
    Directory,
    /// A secret (sops-nix, agenix): anything at most `0644`.
    Secret,
    /// `security.wrappers.<n>.permissions`: setuid allowed; only world-writable is flagged.
    Wrapper,
    /// systemd `UMask`.
    Umask,
    /// A tmpfiles line whose type ignores the mode (`L`, `x`, `r`, `R`): should be `-`.
    Ignored,
}

/// A parsed octal mode: its value, its digit count, and a tmpfiles `~`/`:` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mode {
    value: u32,
    digits: usize,
    prefix: Option<char>,
}

fn parse_mode(text: &str, allow_prefix: bool) -> Option<Mode> {
    let (prefix, digits) = match text.chars().next() {
        Some(c @ ('~' | ':')) if allow_prefix => (Some(c), &text[1..]),
        _ => (None, text),
    };
    if !(3..=4).contains(&digits.len()) || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    Some(Mode {
        value: u32::from_str_radix(digits, 8).ok()?,
        digits: digits.len(),
        prefix,
    })
}

/// `0644`-style text of a value, keeping a prefix.
fn mode_text(value: u32, prefix: Option<char>) -> String {
    let mut text = prefix.map(String::from).unwrap_or_default();
    text.push_str(&format!("{value:04o}"));
    text
}

/// A `*`/`?` glob match over the whole text.
fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

fn is_secret(file: &FileContext<'_>, names: &[&str]) -> bool {
    names.iter().any(|name| {
        file.config
            .nix_mode
            .secret
            .iter()
            .any(|pattern| glob_match(pattern, name))
    })
}

/// The finding for `mode` (at `range`, the mode text) of a `category`, if any.
fn judge(category: Category, mode: Mode, secret: bool, range: Range<usize>) -> Option<Diagnostic> {
    let value = mode.value;
    let shown = mode_text(value, mode.prefix);
    let error =
        |message: String| Diagnostic::new(META.name, Severity::Error, message, range.clone());
    let warning =
        |message: String| Diagnostic::new(META.name, Severity::Warning, message, range.clone());
    let replace = |applicability, message: String, replacement: String| Fix {
        applicability,
        message,
        edits: vec![Edit {
            range: range.clone(),
            replacement,
        }],
    };
    if category == Category::Ignored {
        return Some(
            warning(format!(
                "systemd-tmpfiles ignores the mode `{shown}` on this line type"
            ))
            .with_fix(replace(Applicability::Safe, "write `-`".into(), "-".into())),
        );
    }
    if category == Category::Umask {
        if value & 0o002 == 0 {
            return Some(error(format!(
                "umask `{shown}` lets the service create world-writable files"
            )));
        }
    } else {
        if value & 0o002 != 0 && !(category == Category::Directory && value == 0o1777) {
            return Some(error(format!("mode `{shown}` is world-writable")));
        }
        if value & 0o6000 != 0 && category != Category::Wrapper {
            return Some(
                error(format!("mode `{shown}` sets the setuid or setgid bit"))
                    .with_help("only `security.wrappers` can make setuid or setgid programs"),
            );
        }
        let required = match category {
            Category::File | Category::Secret => 0o644,
            Category::Directory => 0o755,
            _ => value,
        };
        let stricter = value & !required == 0;
        let acceptable = value == required
            || (category == Category::Directory && value == 0o1777)
            || (category == Category::Secret && stricter)
            || (secret && stricter);
        if !acceptable {
            let wanted = mode_text(required, mode.prefix);
            let what = match category {
                Category::File | Category::Secret if value & 0o020 != 0 => {
                    format!("mode `{shown}` makes the file group-writable; files use `{wanted}`")
                }
                Category::File => format!("files use mode `{wanted}`, not `{shown}`"),
                Category::Secret => {
                    format!("secrets use a mode of at most `{wanted}`, not `{shown}`")
                }
                _ => format!("directories use mode `{wanted}`, not `{shown}`"),
            };
            let mut diagnostic = warning(what).with_fix(replace(
                Applicability::Unsafe,
                format!("use `{wanted}`"),
                wanted,
            ));
            if stricter {
                diagnostic = diagnostic.with_help(
                    "stricter modes are for secrets: add the name to `[lint.nix_mode] secret`",
                );
            }
            return Some(diagnostic);
        }
    }
    if mode.digits == 3 {
        return Some(
            warning(format!(
                "mode `{}` lacks its leading zero",
                &shown.replacen("0", "", 1)
            ))
            .with_fix(replace(
                Applicability::Safe,
                format!("write `{shown}`"),
                shown.clone(),
            )),
        );
    }
    None
}

/// The category of an attribute path that holds a mode, and the names a secret glob may
/// match (the `/etc` name, the user, the service...).
fn classify_path(path: &[String]) -> Option<(Category, Vec<String>)> {
    let n = path.len();
    let ends = |suffix: &[&str]| {
        n >= suffix.len()
            && suffix
                .iter()
                .zip(&path[n - suffix.len()..])
                .all(|(want, have)| *want == "*" || want == have)
    };
    let name = |from_end: usize| vec![path[n - from_end].clone()];
    if ends(&["environment", "etc", "*", "mode"]) {
        return Some((Category::File, name(2)));
    }
    if ends(&["sops", "secrets", "*", "mode"]) || ends(&["age", "secrets", "*", "mode"]) {
        return Some((Category::Secret, name(2)));
    }
    if ends(&["security", "wrappers", "*", "permissions"]) {
        return Some((Category::Wrapper, name(2)));
    }
    if ends(&["users", "users", "*", "homeMode"]) {
        return Some((Category::Directory, name(2)));
    }
    if ends(&["systemd", "tmpfiles", "settings", "*", "*", "*", "mode"]) {
        let category = tmpfiles_category(&path[n - 2])?;
        return Some((category, name(3)));
    }
    if n >= 2 && path[n - 2] == "serviceConfig" {
        let service = if n >= 3 { name(3) } else { Vec::new() };
        return match path[n - 1].as_str() {
            "StateDirectoryMode"
            | "RuntimeDirectoryMode"
            | "LogsDirectoryMode"
            | "CacheDirectoryMode"
            | "ConfigurationDirectoryMode" => Some((Category::Directory, service)),
            "UMask" => Some((Category::Umask, service)),
            _ => None,
        };
    }
    None
}

/// The category of a tmpfiles line type (`d`, `f+`, `L+`...).
fn tmpfiles_category(kind: &str) -> Option<Category> {
    match kind.chars().next()? {
        'd' | 'D' | 'v' | 'q' | 'Q' | 'e' => Some(Category::Directory),
        'f' | 'F' | 'w' | 'C' => Some(Category::File),
        'L' | 'x' | 'r' | 'R' => Some(Category::Ignored),
        _ => None,
    }
}

/// Checks one `systemd.tmpfiles.rules` string.
fn check_tmpfiles_line(string: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    for line in tmpfiles_lines(string, file.source) {
        let Some(category) = tmpfiles_category(line.kind) else {
            continue;
        };
        if line.mode == "-" || line.mode.contains("${") {
            continue;
        }
        let Some(mode) = parse_mode(line.mode, true) else {
            out.push(META.diagnostic(
                format!("`{}` is not an octal mode", line.mode),
                line.mode_range,
            ));
            continue;
        };
        let secret = is_secret(file, &[line.path]);
        if let Some(diagnostic) = judge(category, mode, secret, line.mode_range) {
            out.push(diagnostic);
        }
    }
}

/// Two sources giving one path different modes (a warning on the later one).
fn check_disagreements(root: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    let sources = mode_sources(root, file.source);
    for (later, earlier) in disagreements(&sources) {
        let (later, earlier) = (&sources[later], &sources[earlier]);
        out.push(
            Diagnostic::new(
                META.name,
                Severity::Warning,
                format!(
                    "`{}` gets mode `{:04o}` from {}, but `{:04o}` from {}",
                    later.path, later.value, later.origin, earlier.value, earlier.origin
                ),
                later.range.clone(),
            )
            .with_label(
                earlier.range.clone(),
                format!("`{:04o}` here", earlier.value),
            ),
        );
    }
}

/// The script side: `chmod`, `install -m`, `mkdir -m` in shell text (scripts, Nix shell
/// strings, Markdown fences, CI YAML, recipes).
fn check_snippet(snippet: &Snippet, out: &mut Vec<Diagnostic>) {
    for command in crate::lint::shell::bash::commands(&snippet.text) {
        let words: Vec<CommandWord<'_>> = command
            .words
            .iter()
            .map(|word| CommandWord {
                text: &word.text,
                range: word.range.clone(),
                dynamic: word.dynamic,
            })
            .collect();
        for problem in check_command(&words) {
            out.push(META.diagnostic(problem.message, snippet.map.range(problem.range)));
        }
    }
}

impl Rule for NixMode {
    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        for snippet in run::file_snippets(file) {
            check_snippet(&snippet, out);
        }
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_node(&self, node: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        if node.kind() == SyntaxKind::NODE_ROOT {
            check_disagreements(node, file, out);
            return;
        }
        if node.kind() == SyntaxKind::NODE_STRING {
            if let Some(snippet) = run::nix_snippet(node) {
                check_snippet(&snippet, out);
            }
            return;
        }
        let Some(last) = binding_key(node).pop().flatten() else {
            return;
        };
        if !matches!(
            last.as_str(),
            "mode" | "rules" | "permissions" | "homeMode" | "UMask"
        ) && !last.ends_with("DirectoryMode")
        {
            return;
        }
        let path = attribute_path(node);
        let Some(value) = binding_value(node).map(|value| unparen(&value)) else {
            return;
        };
        if path.ends_with(&["systemd".into(), "tmpfiles".into(), "rules".into()]) {
            for string in value
                .descendants()
                .filter(|n| n.kind() == SyntaxKind::NODE_STRING)
            {
                let interpolated = string
                    .ancestors()
                    .take_while(|ancestor| *ancestor != value)
                    .any(|ancestor| ancestor.kind() == SyntaxKind::NODE_INTERPOL);
                if !interpolated {
                    check_tmpfiles_line(&string, file, out);
                }
            }
            return;
        }
        let Some((category, names)) = classify_path(&path) else {
            return;
        };
        if value.kind() == SyntaxKind::NODE_LITERAL {
            let text = value.text().to_string();
            if text.bytes().all(|b| b.is_ascii_digit()) {
                let mut diagnostic = META
                    .diagnostic(
                        format!("mode given as the Nix integer {text}: Nix has no octal literals, so this is decimal {text}"),
                        range(&value),
                    )
                    .with_help("write the mode as a string: `\"0644\"`");
                if parse_mode(&text, false).is_some() {
                    diagnostic = diagnostic.with_fix(Fix {
                        applicability: Applicability::Unsafe,
                        message: format!("write `\"{text}\"`"),
                        edits: vec![Edit {
                            range: range(&value),
                            replacement: format!("\"{text}\""),
                        }],
                    });
                }
                out.push(diagnostic);
            }
            return;
        }
        let Some((text, content)) = static_string(&value) else {
            return;
        };
        if category == Category::File && matches!(text.as_str(), "symlink" | "direct-symlink") {
            return;
        }
        if category == Category::Wrapper && !text.bytes().all(|b| b.is_ascii_digit()) {
            // Symbolic permissions (`u+rx,g+x`) are not judged.
            return;
        }
        let Some(mode) = parse_mode(&text, false) else {
            out.push(META.diagnostic(format!("`{text}` is not an octal mode"), content));
            return;
        };
        let mut candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        let joined = path.join(".");
        candidates.push(&joined);
        let secret = is_secret(file, &candidates);
        if let Some(diagnostic) = judge(category, mode, secret, content) {
            out.push(diagnostic);
        }
    }
}

/// `[lint.nix_mode]`: options of `nix_mode`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NixModeOptions {
    /// Globs over names and paths for which modes stricter than the required ones are
    /// allowed (secrets). sops-nix and agenix secrets always are.
    pub secret: Vec<String>,
}

impl Default for NixModeOptions {
    fn default() -> Self {
        NixModeOptions {
            secret: ["*credential*", "*secret*", "*.key", "*token*"]
                .map(String::from)
                .to_vec(),
        }
    }
}
