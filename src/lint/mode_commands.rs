//! Modes in shell commands (lint-spec §2d, the script side of `nix_mode`): `chmod MODE`,
//! `install -m MODE` (`-Dm755`, `--mode=MODE`), `mkdir -m MODE`. Pure: it takes a simple
//! command's words (from the bash parser of the shell support) and says which modes it
//! sets, so the rule can judge them.
//!
//! Only what is unambiguous is judged in scripts: world-writable modes (except `1777`
//! directories) and setuid/setgid bits are errors, also in symbolic form (`o+w`, `u+s`).
//! A script's `chmod 755` is idiomatic, so the leading-zero style is not asked for, and the
//! required values are not enforced (a script cannot tell a file from a directory, and in
//! `$out` the store normalises modes to 0444/0555 anyway).

use std::ops::Range;

/// One word of a simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandWord<'a> {
    /// Its value after quote removal.
    pub text: &'a str,
    /// Its byte range in the shell text.
    pub range: Range<usize>,
    /// Whether it depends on an expansion.
    pub dynamic: bool,
}

/// A problem with a mode a command sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeProblem {
    /// What is wrong.
    pub message: String,
    /// The mode word's range in the shell text.
    pub range: Range<usize>,
}

/// What a mode argument applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `install -d`, `mkdir`: directories.
    Directory,
    /// `chmod`, `install` of files: unknown or a file.
    Unknown,
}

/// The mode words of a command, with what they apply to.
fn mode_words<'w, 'a>(
    words: &'w [CommandWord<'a>],
) -> Vec<(&'w CommandWord<'a>, Option<Range<usize>>, Target)> {
    let Some(program) = words.first().and_then(|w| w.text.rsplit('/').next()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    match program {
        "chmod" => {
            // chmod [OPTION]... MODE FILE...; options are `-R`, `-v`, `--reference=F`...
            // (a symbolic mode may also start with `-`, as `-w`; that removes bits, fine).
            if let Some(word) = words[1..].iter().find(|w| !w.text.starts_with('-')) {
                found.push((word, None, Target::Unknown));
            }
        }
        "install" | "mkdir" => {
            let mut target = if program == "mkdir" {
                Target::Directory
            } else {
                Target::Unknown
            };
            if program == "install"
                && words[1..].iter().any(|w| {
                    w.text == "--directory"
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && short_flags(w.text).contains('d'))
                })
            {
                target = Target::Directory;
            }
            let mut index = 1;
            while index < words.len() {
                let word = &words[index];
                let text = word.text;
                if text == "--" {
                    break;
                }
                if let Some(mode) = text.strip_prefix("--mode=") {
                    // Point at the mode itself when the word is written unquoted.
                    let sub = (word.range.len() == text.len())
                        .then(|| word.range.end - mode.len()..word.range.end);
                    found.push((word, sub, target));
                } else if text == "--mode" || text == "-m" {
                    if let Some(next) = words.get(index + 1) {
                        found.push((next, None, target));
                        index += 1;
                    }
                } else if text.starts_with('-') && !text.starts_with("--") {
                    // Combined short options: `-Dm755`, `-pm 0700`.
                    if let Some(at) = text.find('m') {
                        let rest = &text[at + 1..];
                        if rest.is_empty() {
                            if let Some(next) = words.get(index + 1) {
                                found.push((next, None, target));
                                index += 1;
                            }
                        } else if !word.dynamic && word.range.len() == text.len() {
                            let start = word.range.start + at + 1;
                            found.push((word, Some(start..word.range.end), target));
                        } else {
                            found.push((word, None, target));
                        }
                    }
                }
                index += 1;
            }
        }
        _ => {}
    }
    found
}

/// The letters of a short-option word before any `m` value.
fn short_flags(text: &str) -> &str {
    let flags = &text[1..];
    match flags.find('m') {
        Some(at) => &flags[..at],
        None => flags,
    }
}

/// Judges the modes a simple command sets.
pub fn check_command(words: &[CommandWord<'_>]) -> Vec<ModeProblem> {
    let mut problems = Vec::new();
    for (word, sub_range, target) in mode_words(words) {
        if word.dynamic {
            continue;
        }
        let range = sub_range.clone().unwrap_or_else(|| word.range.clone());
        let text = match &sub_range {
            Some(sub) => &word.text[word.text.len() - sub.len()..],
            None => word.text.strip_prefix("--mode=").unwrap_or(word.text),
        };
        if let Some(message) = judge(text, target) {
            problems.push(ModeProblem { message, range });
        }
    }
    problems
}

fn judge(mode: &str, target: Target) -> Option<String> {
    if !mode.is_empty() && mode.len() <= 4 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let value = u32::from_str_radix(mode, 8).ok()?;
        if value & 0o002 != 0 && !(target == Target::Directory && value == 0o1777) {
            return Some(format!("mode `{mode}` is world-writable"));
        }
        if value & 0o6000 != 0 {
            return Some(format!(
                "mode `{mode}` sets the setuid or setgid bit (only `security.wrappers` should)"
            ));
        }
        return None;
    }
    // Symbolic: clauses `[ugoa]*[+-=][rwxXst]*`, comma-separated.
    for clause in mode.split(',') {
        let who_end = clause.find(['+', '-', '=']).unwrap_or(clause.len());
        let who = &clause[..who_end];
        let actions = &clause[who_end..];
        if !who.bytes().all(|b| b"ugoa".contains(&b)) {
            return None;
        }
        let mut operator = None;
        for c in actions.chars() {
            match c {
                '+' | '-' | '=' => operator = Some(c),
                'w' if operator != Some('-') && (who.contains('o') || who.contains('a')) => {
                    return Some(format!("mode `{mode}` makes it world-writable"));
                }
                's' if operator != Some('-') => {
                    return Some(format!(
                        "mode `{mode}` sets the setuid or setgid bit (only `security.wrappers` should)"
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of a space-separated command (no quoting), with ranges.
    fn words(line: &str) -> Vec<CommandWord<'_>> {
        let mut out = Vec::new();
        let mut offset = 0;
        for part in line.split(' ') {
            out.push(CommandWord {
                text: part,
                range: offset..offset + part.len(),
                dynamic: part.contains('$'),
            });
            offset += part.len() + 1;
        }
        out
    }

    fn problems(line: &str) -> Vec<&str> {
        check_command(&words(line))
            .into_iter()
            .map(|problem| &line[problem.range])
            .collect()
    }

    #[test]
    fn finds_mode_words_in_every_spelling() {
        assert_eq!(problems("chmod 0666 /var/lib/x/queue.db"), ["0666"]);
        assert_eq!(problems("chmod -R 777 /srv"), ["777"]);
        assert_eq!(problems("install -Dm666 a /etc/a"), ["666"]);
        assert_eq!(problems("install -m 4755 a /usr/bin/a"), ["4755"]);
        assert_eq!(problems("install --mode=0777 -d /srv/x"), ["0777"]);
        assert_eq!(problems("mkdir -pm 0777 /srv/x"), ["0777"]);
        assert_eq!(
            problems("/run/current-system/sw/bin/chmod o+w /srv"),
            ["o+w"]
        );
        assert_eq!(problems("chmod u+s,g+x /bin/x"), ["u+s,g+x"]);
    }

    #[test]
    fn accepts_ordinary_and_unknown_modes() {
        for line in [
            "chmod 755 $out/bin/x",
            "chmod +x script.sh",
            "chmod a+rx,go-w /srv",
            "chmod o-w /srv",
            "install -Dm755 a $out/bin/a",
            "install -d -m 1777 /tmp/shared",
            "mkdir -m 0755 /srv",
            "chmod $mode /srv",
            "echo chmod 0777 /srv",
            "install -m",
        ] {
            assert!(problems(line).is_empty(), "{line}");
        }
    }
}
