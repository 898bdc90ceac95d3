//! Shell text in CI YAML: GitHub Actions `run:`, GitLab `script:` / `before_script:` /
//! `after_script:`, Buildkite `command:` / `commands:`; a key's value may be a string or a
//! list of strings. Parsed with saphyr-parser, whose events carry spans; the offsets of a
//! scalar's value are matched back to the file (block scalars' indentation, folding and
//! quoting skipped).

use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::lint::shell::snippet::{Escaping, Snippet, SnippetBuilder};

/// Which CI system a YAML file configures, by its path; `None` for other YAML files.
pub fn shell_keys(path: &Path) -> Option<&'static [&'static str]> {
    let name = path.file_name()?.to_str()?;
    let components: Vec<&str> = path
        .components()
        .filter_map(|component| component.as_os_str().to_str())
        .collect();
    let under = |first: &str, second: Option<&str>| {
        components
            .windows(2)
            .any(|pair| pair[0] == first && second.is_none_or(|second| pair[1] == second))
            || (second.is_none() && components.first() == Some(&first))
    };
    if under(".github", Some("workflows")) || name == "action.yml" || name == "action.yaml" {
        return Some(&["run"]);
    }
    if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" || under(".gitlab", None) {
        return Some(&["script", "before_script", "after_script"]);
    }
    if under(".buildkite", None) {
        return Some(&["command", "commands"]);
    }
    None
}

enum Frame {
    Mapping {
        key: Option<String>,
        expecting_key: bool,
        /// Snippets found in this mapping, kept until its end: a sibling `shell:` naming
        /// another language (a GitHub step with `shell: python`) drops them.
        pending: Vec<Snippet>,
        /// The value of a `shell:` key in this mapping.
        interpreter: Option<String>,
        /// `NIX_CONFIG` from this mapping's `env:` (GitHub, Buildkite) or `variables:`
        /// (GitLab).
        nix_config: Option<String>,
    },
    Sequence {
        shell: bool,
    },
}

/// Whether a GitHub step's `shell:` value runs a POSIX-like shell (`bash`,
/// `bash -e {0}`, `sh`).
fn is_posix_shell(interpreter: &str) -> bool {
    let program = interpreter
        .split_whitespace()
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    matches!(program, "bash" | "sh" | "zsh" | "dash")
}

/// The shell snippets of a YAML document: the values of `keys` (see [`shell_keys`]).
pub fn snippets(source: &str, keys: &[&str]) -> Vec<Snippet> {
    let offsets = CharOffsets::new(source);
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(source) {
        let Ok((event, span)) = event else {
            break;
        };
        // Whether a value starting here is shell text.
        let shell_value = match stack.last() {
            Some(Frame::Mapping {
                key: Some(key),
                expecting_key: false,
                ..
            }) => keys.contains(&key.as_str()),
            Some(Frame::Sequence { shell }) => *shell,
            _ => false,
        };
        match event {
            Event::Scalar(value, style, _, _) => {
                if let Some(Frame::Mapping {
                    key, expecting_key, ..
                }) = stack.last_mut()
                    && *expecting_key
                {
                    *key = Some(value.to_string());
                    *expecting_key = false;
                    continue;
                }
                if let Some(Frame::Mapping {
                    key: Some(key),
                    interpreter,
                    ..
                }) = stack.last_mut()
                    && key == "shell"
                {
                    *interpreter = Some(value.to_string());
                }
                record_nix_config(&mut stack, &value);
                if shell_value {
                    let start = offsets.byte(span.start.index());
                    let end = offsets.byte(span.end.index());
                    let snippet = scalar_snippet(source, &value, style, start..end);
                    let holder = stack.iter_mut().rev().find_map(|frame| match frame {
                        Frame::Mapping { pending, .. } => Some(pending),
                        Frame::Sequence { .. } => None,
                    });
                    match holder {
                        Some(pending) => pending.push(snippet),
                        None => out.push(snippet),
                    }
                }
                value_done(&mut stack);
            }
            Event::Alias(_) => value_done(&mut stack),
            Event::SequenceStart(..) => {
                let as_key = is_key_position(&stack);
                stack.push(Frame::Sequence {
                    shell: shell_value && !as_key,
                });
            }
            Event::MappingStart(..) => stack.push(Frame::Mapping {
                key: None,
                expecting_key: true,
                pending: Vec::new(),
                interpreter: None,
                nix_config: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Mapping {
                    mut pending,
                    interpreter,
                    nix_config,
                    ..
                }) = stack.pop()
                    && interpreter.as_deref().is_none_or(is_posix_shell)
                {
                    if let Some(outer) = nix_config {
                        // Inner settings come last, so they win.
                        for snippet in &mut pending {
                            snippet.nix_config = Some(match snippet.nix_config.take() {
                                Some(inner) => format!("{outer}\n{inner}"),
                                None => outer.clone(),
                            });
                        }
                    }
                    let parent = stack.iter_mut().rev().find_map(|frame| match frame {
                        Frame::Mapping { pending, .. } => Some(pending),
                        Frame::Sequence { .. } => None,
                    });
                    match parent {
                        Some(parent) => parent.extend(pending),
                        None => out.extend(pending),
                    }
                }
                value_done(&mut stack);
            }
            _ => {}
        }
    }
    // Mappings hand over their snippets when they end: restore source order.
    out.sort_by_key(|snippet| snippet.map.start(0));
    out
}

/// A `NIX_CONFIG: …` value inside an `env:`/`variables:` mapping belongs to the mapping
/// that holds that key.
fn record_nix_config(stack: &mut [Frame], value: &str) {
    let [.., holder, Frame::Mapping { key: Some(key), .. }] = stack else {
        return;
    };
    if key != "NIX_CONFIG" {
        return;
    }
    if let Frame::Mapping {
        key: Some(holder_key),
        nix_config,
        ..
    } = holder
        && matches!(holder_key.as_str(), "env" | "variables")
    {
        *nix_config = Some(value.to_string());
    }
}

fn is_key_position(stack: &[Frame]) -> bool {
    matches!(
        stack.last(),
        Some(Frame::Mapping {
            expecting_key: true,
            ..
        })
    )
}

/// After a value (or a complex key) in the innermost frame.
fn value_done(stack: &mut [Frame]) {
    if let Some(Frame::Mapping {
        key, expecting_key, ..
    }) = stack.last_mut()
    {
        if *expecting_key {
            // A complex key: its value comes next, and is never shell.
            *key = None;
            *expecting_key = false;
        } else {
            *expecting_key = true;
        }
    }
}

/// A scalar's snippet: each character of the value is found in order in the source text
/// of the scalar (skipping indentation, quotes, escapes and folded line breaks); where a
/// character cannot be found, the rest of the scalar maps as one piece.
fn scalar_snippet(
    source: &str,
    value: &str,
    style: ScalarStyle,
    span: std::ops::Range<usize>,
) -> Snippet {
    let escaping = match style {
        ScalarStyle::Plain => Escaping::YamlPlain,
        ScalarStyle::SingleQuoted => Escaping::YamlSingle,
        ScalarStyle::DoubleQuoted => Escaping::YamlDouble,
        _ => Escaping::None,
    };
    let region = source.get(span.clone()).unwrap_or("");
    let mut builder = SnippetBuilder::new();
    let mut position = 0;
    for (index, c) in value.char_indices() {
        match region[position..].find(c) {
            Some(found) => {
                let at = position + found;
                builder.push_verbatim(&value[index..index + c.len_utf8()], span.start + at);
                position = at + c.len_utf8();
            }
            None => {
                builder.push_opaque(&value[index..], span.start + position..span.end);
                break;
            }
        }
    }
    builder.finish(escaping)
}

/// saphyr's markers count characters; the map to byte offsets.
struct CharOffsets {
    /// Byte offset of each character, or empty for ASCII text (then they are equal).
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(source: &str) -> Self {
        let bytes = if source.is_ascii() {
            Vec::new()
        } else {
            source.char_indices().map(|(index, _)| index).collect()
        };
        CharOffsets {
            bytes,
            len: source.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "jobs:\n  build:\n    steps:\n      - run: nix build .#x\n      - run: |\n          nix build \\\n            .#y\n          echo ü\n      - run: \"nix \\\"build\\\"\"\n      - run: >-\n          nix flake check\n          --cores 4\n      - name: nix build\n        with:\n          run: nix build\n";

    #[test]
    fn github_run_scalars_map_back() {
        let all = snippets(WORKFLOW, &["run"]);
        let texts: Vec<&str> = all.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "nix build .#x",
                "nix build \\\n  .#y\necho ü\n",
                "nix \"build\"",
                "nix flake check --cores 4",
                "nix build",
            ]
        );
        for snippet in &all {
            let build = snippet
                .text
                .find("build")
                .or(snippet.text.find("check"))
                .unwrap();
            let host = snippet.host_range(build..build + 5);
            assert!(matches!(&WORKFLOW[host], "build" | "check"));
        }
        let host = all[1].host_range(14..17);
        assert_eq!(&WORKFLOW[host], ".#y");
        assert_eq!(all[0].escaping, Escaping::YamlPlain);
        assert_eq!(all[1].escaping, Escaping::None);
        assert_eq!(all[2].escaping, Escaping::YamlDouble);
    }

    #[test]
    fn gitlab_script_lists() {
        let source = "test:\n  before_script:\n    - nix develop -c true\n  script:\n    - 'nix build'\n    - - nested\n  variables:\n    script: not shell\n";
        let keys = shell_keys(Path::new(".gitlab-ci.yml")).unwrap();
        let all = snippets(source, keys);
        let texts: Vec<&str> = all.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["nix develop -c true", "nix build", "nested", "not shell"]
        );
    }

    #[test]
    fn steps_in_another_shell_are_skipped() {
        let source = "steps:\n  - run: nix build\n    shell: python\n  - shell: bash -e {0}\n    run: nix develop\n  - run: nix flake check\n    shell: pwsh\n";
        let all = snippets(source, &["run"]);
        let texts: Vec<&str> = all.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["nix develop"]);
    }

    #[test]
    fn nix_config_from_env_at_any_level() {
        let source = "env:\n  NIX_CONFIG: |\n    cores = 4\njobs:\n  a:\n    steps:\n      - run: nix build\n        env:\n          NIX_CONFIG: max-jobs = 4\n      - run: nix develop\n";
        let all = snippets(source, &["run"]);
        let configs: Vec<Option<&str>> = all.iter().map(|s| s.nix_config.as_deref()).collect();
        assert_eq!(
            configs,
            [Some("cores = 4\n\nmax-jobs = 4"), Some("cores = 4\n")]
        );
    }

    #[test]
    fn keys_by_path() {
        assert_eq!(
            shell_keys(Path::new(".github/workflows/ci.yml")),
            Some(&["run"][..])
        );
        assert_eq!(
            shell_keys(Path::new("x/.github/workflows/ci.yaml")),
            Some(&["run"][..])
        );
        assert_eq!(
            shell_keys(Path::new(".buildkite/pipeline.yml")).unwrap()[0],
            "command"
        );
        assert_eq!(shell_keys(Path::new("config.yml")), None);
    }
}
