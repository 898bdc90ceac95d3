//! Looking through wrapper commands: `timeout 60 nix build` runs `nix build`.
//!
//! Wrappers understood: `timeout [opts] DURATION`, `time [-p]`, `nice [-n N]`, `nohup`,
//! `env [opts] [VAR=…]`, `sudo [opts] [VAR=…]`, `command [-p]`, `exec [opts]`,
//! `xargs [opts]`, nested in any order.

use crate::lint::shell::bash::{Command, Word};

/// The command a wrapper chain finally runs.
#[derive(Debug, Clone)]
pub struct Effective<'c> {
    /// The words of the inner command: its program name first.
    pub words: &'c [Word],
    /// Variables set for it (`FOO=1 cmd`, `env FOO=1 cmd`, `sudo FOO=1 cmd`), name and
    /// value word.
    pub environment: Vec<(String, Option<&'c Word>)>,
}

/// Strips wrappers from `command`. `None` when nothing is run (`command -v nix`,
/// `env` alone, a wrapper without its command).
pub fn effective(command: &Command) -> Option<Effective<'_>> {
    let mut environment: Vec<(String, Option<&Word>)> = command
        .assignments
        .iter()
        .map(|assignment| (assignment.name.clone(), assignment.value.as_ref()))
        .collect();
    let mut words: &[Word] = &command.words;
    loop {
        let name = words.first()?.program_name()?;
        let rest = &words[1..];
        let skipped = match name {
            "timeout" => skip_options(rest, &["-s", "--signal", "-k", "--kill-after"], 1),
            "time" => skip_options(rest, &["-f", "--format", "-o", "--output"], 0),
            "nice" => skip_nice(rest),
            "nohup" => skip_options(rest, &[], 0),
            "command" => {
                if rest
                    .iter()
                    .take_while(|word| word.text.starts_with('-'))
                    .any(|word| word.text.contains('v') || word.text.contains('V'))
                {
                    return None;
                }
                skip_options(rest, &[], 0)
            }
            "exec" => skip_options(rest, &["-a"], 0),
            "xargs" => skip_options(
                rest,
                &[
                    "-a",
                    "--arg-file",
                    "-d",
                    "--delimiter",
                    "-E",
                    "-I",
                    "-L",
                    "-n",
                    "--max-args",
                    "-P",
                    "--max-procs",
                    "-s",
                    "--max-chars",
                    "--process-slot-var",
                ],
                0,
            ),
            "env" => {
                let index = skip_env_like(
                    rest,
                    &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
                    &mut environment,
                );
                Some(index)
            }
            "sudo" => {
                let index = skip_env_like(
                    rest,
                    &[
                        "-u",
                        "--user",
                        "-g",
                        "--group",
                        "-h",
                        "--host",
                        "-p",
                        "--prompt",
                        "-C",
                        "--close-from",
                        "-D",
                        "--chdir",
                        "-r",
                        "--role",
                        "-t",
                        "--type",
                        "-U",
                        "--other-user",
                        "-T",
                        "--command-timeout",
                    ],
                    &mut environment,
                );
                Some(index)
            }
            _ => {
                return Some(Effective { words, environment });
            }
        };
        let index = skipped?;
        if index >= rest.len() {
            return None;
        }
        words = &rest[index..];
    }
}

/// The index of the first word after the options (and `positional` leading operands, such
/// as `timeout`'s duration). Options in `with_value` take the next word unless written
/// `--opt=value` or `-oVALUE`.
fn skip_options(words: &[Word], with_value: &[&str], positional: usize) -> Option<usize> {
    let mut index = 0;
    while let Some(word) = words.get(index) {
        let text = word.text.as_str();
        if text == "--" {
            index += 1;
            break;
        }
        if !text.starts_with('-') || text == "-" {
            break;
        }
        index += 1;
        if with_value.contains(&text) {
            index += 1;
        }
    }
    let index = index + positional;
    (index <= words.len()).then_some(index)
}

fn skip_nice(words: &[Word]) -> Option<usize> {
    let mut index = 0;
    while let Some(word) = words.get(index) {
        let text = word.text.as_str();
        if text == "-n" || text == "--adjustment" {
            index += 2;
        } else if text.starts_with('-') && text.len() > 1 {
            index += 1;
        } else {
            break;
        }
    }
    (index <= words.len()).then_some(index)
}

/// `env` and `sudo`: options, then `NAME=value` words, then the command.
fn skip_env_like<'w>(
    words: &'w [Word],
    with_value: &[&str],
    environment: &mut Vec<(String, Option<&'w Word>)>,
) -> usize {
    let mut index = 0;
    while let Some(word) = words.get(index) {
        let text = word.text.as_str();
        if text == "--" {
            index += 1;
            continue;
        }
        if text.starts_with('-') {
            index += if with_value.contains(&text) { 2 } else { 1 };
            continue;
        }
        if let Some((name, _)) = text.split_once('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            environment.push((name.to_string(), Some(word)));
            index += 1;
            continue;
        }
        break;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::shell::bash::commands;

    fn inner(script: &str) -> Option<Vec<String>> {
        let all = commands(script);
        let effective = effective(&all[0])?;
        Some(
            effective
                .words
                .iter()
                .map(|word| word.text.clone())
                .collect(),
        )
    }

    #[test]
    fn looks_through_every_wrapper() {
        let expected = Some(vec!["nix".to_string(), "build".to_string()]);
        for script in [
            "nix build",
            "timeout 60 nix build",
            "timeout -s KILL -k 5 60 nix build",
            "timeout --preserve-status 1h nix build",
            "time nix build",
            "time -p nix build",
            "nice nix build",
            "nice -n 10 nix build",
            "nice -5 nix build",
            "nohup nix build",
            "env nix build",
            "env -i PATH=/bin nix build",
            "env -u HOME FOO=1 nix build",
            "sudo nix build",
            "sudo -E nix build",
            "sudo -u root -E nix build",
            "sudo FOO=1 nix build",
            "command nix build",
            "command -p nix build",
            "exec nix build",
            "exec -a name nix build",
            "xargs nix build",
            "xargs -0 -n 1 -P 4 nix build",
            "xargs -I{} nix build",
            "sudo env FOO=1 timeout 10 nice -n 5 nix build",
            "/usr/bin/env nix build",
        ] {
            assert_eq!(inner(script), expected, "{script}");
        }
    }

    #[test]
    fn no_inner_command() {
        assert_eq!(inner("command -v nix"), None);
        assert_eq!(inner("env"), None);
        assert_eq!(inner("timeout 10"), None);
        assert_eq!(inner("sudo"), None);
    }

    #[test]
    fn environment_is_collected() {
        let all = commands("A=1 sudo B=2 env C=3 nix build");
        let effective = effective(&all[0]).unwrap();
        let names: Vec<&str> = effective
            .environment
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
    }
}
