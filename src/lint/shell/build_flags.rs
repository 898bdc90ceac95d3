//! The build-flag check (lint-spec §2b): every build command carries `--cores 4
//! --max-jobs 4`, spelled as Nix accepts it, with the required values.
//!
//! One pass over a script's commands gives the findings of the three rules
//! `build_flags_missing`, `build_flags_spelling` and `build_flags_value`; each rule keeps
//! its own.

use std::ops::Range;

use tree_sitter::Tree;

use crate::diagnostic::{Applicability, Severity};
use crate::lint::shell::bash::{self, Command, Word};
use crate::lint::shell::finding::{Finding, SnippetEdit, SnippetFix};
use crate::lint::shell::invocation::{self, Dialect, Invocation, Tier};
use crate::lint::shell::options::BuildFlagsOptions;
use crate::lint::shell::wrappers;

/// The rule name for a missing flag.
pub const MISSING: &str = "build_flags_missing";
/// The rule name for a flag spelled in a way Nix rejects.
pub const SPELLING: &str = "build_flags_spelling";
/// The rule name for a wrong or unverifiable value.
pub const VALUE: &str = "build_flags_value";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    Cores,
    MaxJobs,
}

impl Setting {
    fn flag(self) -> &'static str {
        match self {
            Setting::Cores => "--cores",
            Setting::MaxJobs => "--max-jobs",
        }
    }

    fn config_key(self) -> &'static str {
        match self {
            Setting::Cores => "cores",
            Setting::MaxJobs => "max-jobs",
        }
    }

    fn required(self, options: &BuildFlagsOptions) -> u32 {
        match self {
            Setting::Cores => options.cores,
            Setting::MaxJobs => options.max_jobs,
        }
    }
}

#[derive(Debug, Clone)]
struct Value {
    text: String,
    range: Range<usize>,
    dynamic: bool,
}

#[derive(Debug, Clone)]
enum Spelling {
    Accepted,
    /// `--cores=4`; `equals` is the offset of the `=` when it is written literally.
    Equals {
        equals: Option<usize>,
    },
    /// `-Lj4` outside the `nix` command.
    Compound,
}

#[derive(Debug, Clone)]
struct FlagUse {
    setting: Setting,
    /// The range of the flag (and, for `--option cores 4`, its name) as written.
    range: Range<usize>,
    written: String,
    value: Option<Value>,
    spelling: Spelling,
}

impl FlagUse {
    /// The flag and its value as written (`--cores 0`, `-j8`, `--option cores 2`).
    fn shown(&self, value: &Value) -> String {
        if self.range.start <= value.range.start && value.range.end <= self.range.end {
            self.written.clone()
        } else {
            format!("{} {}", self.written, value.text)
        }
    }
}

/// `NIX_CONFIG` settings visible to a command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NixConfigEnv {
    /// `cores = …`.
    pub cores: Option<String>,
    /// `max-jobs = …`.
    pub max_jobs: Option<String>,
}

impl NixConfigEnv {
    /// Reads the settings of a `NIX_CONFIG` value (one `key = value` per line).
    pub fn parse(value: &str) -> NixConfigEnv {
        let mut env = NixConfigEnv::default();
        env.merge(value);
        env
    }

    fn merge(&mut self, value: &str) {
        for line in value.lines() {
            let Some((key, setting)) = line.split_once('=') else {
                continue;
            };
            let setting = setting.trim().to_string();
            match key.trim() {
                "cores" => self.cores = Some(setting),
                "max-jobs" => self.max_jobs = Some(setting),
                _ => {}
            }
        }
    }

    fn satisfies(&self, setting: Setting, options: &BuildFlagsOptions) -> bool {
        let value = match setting {
            Setting::Cores => &self.cores,
            Setting::MaxJobs => &self.max_jobs,
        };
        value.as_deref() == Some(setting.required(options).to_string().as_str())
    }
}

/// The `NIX_CONFIG` a script sets for everything after it (`export NIX_CONFIG=…`, or a
/// plain assignment on its own line).
pub fn script_nix_config(tree: &Tree, text: &str) -> NixConfigEnv {
    let mut env = NixConfigEnv::default();
    bash::visit(tree.root_node(), &mut |node| {
        if node.kind() != "variable_assignment"
            || node
                .parent()
                .is_some_and(|parent| parent.kind() == "command")
        {
            return;
        }
        if let Some(assignment) = bash::assignment_of(node, text)
            && assignment.name == "NIX_CONFIG"
            && let Some(value) = &assignment.value
        {
            env.merge(&value.text);
        }
    });
    env
}

/// Checks every build command of a parsed script. `inline` is for a Markdown inline code
/// span: only a span that is exactly one build command is checked.
pub fn check_script(
    tree: &Tree,
    text: &str,
    options: &BuildFlagsOptions,
    inline: bool,
) -> Vec<Finding> {
    check_script_in(tree, text, options, inline, None)
}

/// [`check_script`] for shell text whose host sets `NIX_CONFIG` to `inherited` (a
/// Justfile `export`, a CI `env:`).
pub fn check_script_in(
    tree: &Tree,
    text: &str,
    options: &BuildFlagsOptions,
    inline: bool,
    inherited: Option<&str>,
) -> Vec<Finding> {
    let commands = bash::commands_of(tree, text);
    if inline && !is_single_command(&commands, text) {
        return Vec::new();
    }
    let mut script_env = NixConfigEnv::default();
    if options.accept_nix_config_env {
        if let Some(inherited) = inherited {
            script_env.merge(inherited);
        }
        let own = script_nix_config(tree, text);
        script_env.cores = own.cores.or(script_env.cores);
        script_env.max_jobs = own.max_jobs.or(script_env.max_jobs);
    }
    check_commands(&commands, text, &script_env, options)
}

fn is_single_command(commands: &[Command], text: &str) -> bool {
    match commands {
        [command] => {
            text[..command.range.start].trim().is_empty()
                && text[command.range.end..].trim().is_empty()
        }
        _ => false,
    }
}

/// Checks shell text (parsing it first).
pub fn check_text(text: &str, options: &BuildFlagsOptions, inline: bool) -> Vec<Finding> {
    match bash::parse(text) {
        Some(tree) => check_script(&tree, text, options, inline),
        None => Vec::new(),
    }
}

/// Checks commands; `script_env` is the `NIX_CONFIG` the script sets (empty unless
/// `accept-nix-config-env`).
pub fn check_commands(
    commands: &[Command],
    text: &str,
    script_env: &NixConfigEnv,
    options: &BuildFlagsOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for command in commands {
        let Some(effective) = wrappers::effective(command) else {
            continue;
        };
        let Some(invocation) = invocation::classify(effective.words) else {
            continue;
        };
        let mut env = script_env.clone();
        if options.accept_nix_config_env {
            for (name, value) in &effective.environment {
                if name == "NIX_CONFIG"
                    && let Some(value) = value
                {
                    let value = value
                        .text
                        .strip_prefix("NIX_CONFIG=")
                        .unwrap_or(&value.text);
                    env.merge(value);
                }
            }
        }
        check_invocation(effective.words, &invocation, text, &env, options, &mut out);
    }
    out
}

fn check_invocation(
    words: &[Word],
    invocation: &Invocation,
    text: &str,
    env: &NixConfigEnv,
    options: &BuildFlagsOptions,
    out: &mut Vec<Finding>,
) {
    let severity = match invocation.tier {
        Tier::A => Severity::Error,
        Tier::B => match options.tier_b.severity() {
            Some(severity) => severity,
            None => return,
        },
    };
    let uses = scan_flags(words, invocation, text);

    let missing: Vec<Setting> = [Setting::Cores, Setting::MaxJobs]
        .into_iter()
        .filter(|&setting| {
            let given = uses.iter().any(|flag| flag.setting == setting);
            let from_env = options.accept_nix_config_env && env.satisfies(setting, options);
            !(given || from_env)
        })
        .collect();
    if !missing.is_empty() {
        let flags: Vec<String> = missing
            .iter()
            .map(|&setting| format!("{} {}", setting.flag(), setting.required(options)))
            .collect();
        let flags = flags.join(" ");
        let end = words[invocation.subcommand_end].range.end;
        out.push(Finding {
            help: Some(format!(
                "`{}` can build derivations; builds here are limited to `--cores {} --max-jobs {}`",
                invocation.display, options.cores, options.max_jobs
            )),
            fix: Some(SnippetFix {
                applicability: Applicability::Safe,
                message: format!("add `{flags}`"),
                edits: vec![SnippetEdit::insert(end, format!(" {flags}"))],
            }),
            ..Finding::new(
                MISSING,
                severity,
                format!("`{}` without `{flags}`", invocation.display),
                words[0].range.start..end,
            )
        });
    }

    for flag in &uses {
        match flag.spelling {
            Spelling::Accepted => {}
            Spelling::Equals { equals } => {
                let flag_name = flag.setting.flag();
                let fix = match (equals, &flag.value) {
                    (Some(at), _) => Some(SnippetEdit::replace(at..at + 1, " ")),
                    (None, Some(value)) if !value.dynamic => Some(SnippetEdit::replace(
                        flag.range.clone(),
                        format!("{flag_name} {}", value.text),
                    )),
                    _ => None,
                };
                out.push(Finding {
                    help: Some(format!(
                        "Nix takes the value as a separate word: `{flag_name} N`"
                    )),
                    fix: fix.map(|edit| SnippetFix {
                        applicability: Applicability::Safe,
                        message: format!("write `{flag_name} N`"),
                        edits: vec![edit],
                    }),
                    ..Finding::new(
                        SPELLING,
                        Severity::Error,
                        format!(
                            "`{}` is not accepted by Nix (unrecognised flag)",
                            flag.written
                        ),
                        flag.range.clone(),
                    )
                });
            }
            Spelling::Compound => out.push(Finding {
                help: Some(format!(
                    "only the `nix` command expands compound flags; write `--max-jobs {}` on its own",
                    options.max_jobs
                )),
                ..Finding::new(
                    SPELLING,
                    Severity::Error,
                    format!(
                        "`{}` is not accepted by `{}`",
                        flag.written, invocation.display
                    ),
                    flag.range.clone(),
                )
            }),
        }
        check_value(flag, severity, options, out);
    }
}

fn check_value(
    flag: &FlagUse,
    severity: Severity,
    options: &BuildFlagsOptions,
    out: &mut Vec<Finding>,
) {
    let required = flag.setting.required(options).to_string();
    let flag_name = flag.setting.flag();
    let Some(value) = &flag.value else {
        out.push(Finding::new(
            VALUE,
            severity,
            format!("`{}` without a value", flag.written),
            flag.range.clone(),
        ));
        return;
    };
    if value.dynamic {
        out.push(Finding {
            help: Some(format!("write the value literally: `{flag_name} {required}`")),
            ..Finding::new(
                VALUE,
                Severity::Warning,
                format!(
                    "value of `{flag_name}` not verifiable: `{}` is only known when the script runs",
                    value.text
                ),
                value.range.clone(),
            )
        });
        return;
    }
    if value.text == required {
        return;
    }
    // Another value may have been chosen on purpose: rewriting it is a safe fix only when
    // the project enforces the values, and an unsafe one (`--unsafe-fixes`) otherwise.
    let fix = Some(SnippetFix {
        applicability: if options.enforce_values {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        message: format!("set it to {required}"),
        edits: vec![SnippetEdit::replace(value.range.clone(), required.clone())],
    });
    out.push(Finding {
        help: Some(format!(
            "builds here are limited to `{flag_name} {required}`"
        )),
        fix,
        ..Finding::new(
            VALUE,
            severity,
            format!("`{}`: the required value is {required}", flag.shown(value)),
            value.range.clone(),
        )
    });
}

/// The flag uses among `words[1..limit]`.
fn scan_flags(words: &[Word], invocation: &Invocation, text: &str) -> Vec<FlagUse> {
    let mut uses = Vec::new();
    let mut index = 1;
    let limit = invocation.limit;
    let value_at = |index: usize| -> Option<Value> {
        (index < limit).then(|| Value {
            text: words[index].text.clone(),
            range: words[index].range.clone(),
            dynamic: words[index].dynamic,
        })
    };
    while index < limit {
        let word = &words[index];
        let written = word.text.as_str();
        let source = &text[word.range.clone()];
        let setting = match written {
            "--cores" => Some(Setting::Cores),
            "--max-jobs" | "-j" => Some(Setting::MaxJobs),
            _ => None,
        };
        if let Some(setting) = setting {
            uses.push(FlagUse {
                setting,
                range: word.range.clone(),
                written: written.to_string(),
                value: value_at(index + 1),
                spelling: Spelling::Accepted,
            });
            index += 2;
            continue;
        }
        if written == "--option" {
            let name = words.get(index + 1).filter(|_| index + 1 < limit);
            let setting = match name.map(|word| word.text.as_str()) {
                Some("cores") => Some(Setting::Cores),
                Some("max-jobs") => Some(Setting::MaxJobs),
                _ => None,
            };
            if let (Some(setting), Some(name)) = (setting, name) {
                uses.push(FlagUse {
                    setting,
                    range: word.range.start..name.range.end,
                    written: format!("--option {}", setting.config_key()),
                    value: value_at(index + 2),
                    spelling: Spelling::Accepted,
                });
            }
            index += 3;
            continue;
        }
        if let Some((flag, value)) = written.split_once('=')
            && let Some(setting) = match flag {
                "--cores" => Some(Setting::Cores),
                "--max-jobs" => Some(Setting::MaxJobs),
                _ => None,
            }
        {
            let prefix = format!("{flag}=");
            let literal = source.starts_with(&prefix);
            let value_range = if literal {
                word.range.start + prefix.len()..word.range.end
            } else {
                word.range.clone()
            };
            uses.push(FlagUse {
                setting,
                range: word.range.clone(),
                written: written.to_string(),
                value: Some(Value {
                    text: value.to_string(),
                    range: value_range,
                    dynamic: word.dynamic,
                }),
                spelling: Spelling::Equals {
                    equals: literal.then_some(word.range.start + flag.len()),
                },
            });
            index += 1;
            continue;
        }
        if let Some(cluster) = short_cluster(written) {
            let value = if cluster.rest.is_empty() {
                index += 1;
                value_at(index)
            } else {
                let literal = source.starts_with(written);
                Some(Value {
                    text: cluster.rest.to_string(),
                    range: if literal {
                        word.range.start + cluster.value_offset..word.range.end
                    } else {
                        word.range.clone()
                    },
                    dynamic: word.dynamic,
                })
            };
            let spelling =
                if cluster.letters_before_j > 0 && invocation.dialect != Dialect::NixCommand {
                    Spelling::Compound
                } else {
                    Spelling::Accepted
                };
            uses.push(FlagUse {
                setting: Setting::MaxJobs,
                range: word.range.clone(),
                written: written.to_string(),
                value,
                spelling,
            });
            index += 1;
            continue;
        }
        if written.starts_with('-') && written.len() > 1 {
            index += 1 + invocation::option_arity(written);
        } else {
            index += 1;
        }
    }
    uses
}

struct Cluster<'w> {
    letters_before_j: usize,
    rest: &'w str,
    value_offset: usize,
}

/// `-j4`, `-Lj4`, `-Lj` (then the value is the next word): short flags ending in `j`.
fn short_cluster(word: &str) -> Option<Cluster<'_>> {
    let body = word.strip_prefix('-')?;
    if body.starts_with('-') {
        return None;
    }
    let j = body.find('j')?;
    let letters = &body[..j];
    if !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let rest = &body[j + 1..];
    if letters.is_empty() && rest.is_empty() {
        return None;
    }
    if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(Cluster {
        letters_before_j: letters.len(),
        rest,
        value_offset: 1 + j + 1,
    })
}
