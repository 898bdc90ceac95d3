//! Which build commands a command line is: the tiers of lint-spec §2b and where the
//! subcommand words end.

use crate::lint::shell::bash::Word;

/// How much a command builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Always builds (`nix build`, `nix flake check`, `nix-build`, `nixos-rebuild switch`...).
    A,
    /// Builds on demand (`nix develop`, `nix run`, `nix-shell`...).
    B,
}

/// The command-line dialect, which decides the accepted flag spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The `nix` command: compound short flags such as `-Lj4` are expanded.
    NixCommand,
    /// `nix-build`, `nix-shell`: `-j4` works, `-L` does not exist.
    Legacy,
    /// `nixos-rebuild`, `home-manager`, `darwin-rebuild`: scripts passing flags on.
    Rebuild,
}

/// A build command found in a command's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Its tier.
    pub tier: Tier,
    /// Its dialect.
    pub dialect: Dialect,
    /// The command as shown in messages (`nix build`, `nixos-rebuild switch`).
    pub display: String,
    /// The index of the last subcommand word: flags are inserted after it.
    pub subcommand_end: usize,
    /// The index one past the last word the build command itself reads: `--`,
    /// `--command`/`-c` and everything after them belong to the inner program.
    pub limit: usize,
}

/// How many values the options of the `nix` command take (the ones that matter for
/// finding subcommands and flags; unknown options are taken to have none).
fn nix_option_arity(option: &str) -> usize {
    match option {
        "--option" | "--arg" | "--argstr" | "--override-input" | "--override-flake"
        | "--arg-from-file" => 2,
        "--extra-experimental-features"
        | "--experimental-features"
        | "--store"
        | "--eval-store"
        | "-I"
        | "--include"
        | "--cores"
        | "--max-jobs"
        | "-j"
        | "--log-format"
        | "--builders"
        | "--substituters"
        | "--extra-substituters"
        | "--trusted-public-keys"
        | "--extra-trusted-public-keys"
        | "--access-tokens"
        | "--system"
        | "--extra-platforms"
        | "--out-link"
        | "-o"
        | "--profile"
        | "--file"
        | "-f"
        | "--expr"
        | "--inputs-from"
        | "--update-input"
        | "--reference-lock-file"
        | "--output-lock-file"
        | "--timeout"
        | "--max-silent-time"
        | "--arg-from-stdin"
        | "--attr"
        | "-A"
        | "--run"
        | "--packages"
        | "-p"
        | "--flake"
        | "--target-host"
        | "--build-host"
        | "--profile-name"
        | "--specialisation"
        | "--image-variant"
        | "-b" => 1,
        _ => 0,
    }
}

/// The positional words (not options or option values) of `words[from..limit]`, as
/// indexes.
fn positionals(words: &[Word], from: usize, limit: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut index = from;
    while index < limit {
        let text = words[index].text.as_str();
        if text.starts_with('-') && text.len() > 1 {
            index += 1 + nix_option_arity(text);
        } else {
            out.push(index);
            index += 1;
        }
    }
    out
}

/// The index of the first word that ends the build command's own arguments.
fn limit_of(words: &[Word], stops: &[&str]) -> usize {
    let mut index = 1;
    while index < words.len() {
        let text = words[index].text.as_str();
        if text == "--" || stops.contains(&text) {
            return index;
        }
        if text.starts_with('-') && text.len() > 1 {
            index += 1 + nix_option_arity(text);
        } else {
            index += 1;
        }
    }
    words.len()
}

/// Classifies a command (wrappers already stripped). `None` for anything that is not a
/// tier A or B build command.
pub fn classify(words: &[Word]) -> Option<Invocation> {
    let invocation = classify_command(words)?;
    // `--dry-run` (and `nix flake check --no-build`) realise nothing.
    let builds_nothing = words[1..invocation.limit]
        .iter()
        .any(|word| word.text == "--dry-run" || word.text == "--no-build");
    (!builds_nothing).then_some(invocation)
}

fn classify_command(words: &[Word]) -> Option<Invocation> {
    let program = words.first()?.program_name()?;
    match program {
        "nix" => classify_nix(words),
        "nix-build" => Some(Invocation {
            tier: Tier::A,
            dialect: Dialect::Legacy,
            display: "nix-build".into(),
            subcommand_end: 0,
            limit: limit_of(words, &[]),
        }),
        "nix-shell" => Some(Invocation {
            tier: Tier::B,
            dialect: Dialect::Legacy,
            display: "nix-shell".into(),
            subcommand_end: 0,
            limit: limit_of(words, &[]),
        }),
        "nixos-rebuild" => classify_rebuild(
            words,
            "nixos-rebuild",
            &[
                "build",
                "build-vm",
                "build-vm-with-bootloader",
                "switch",
                "boot",
                "test",
            ],
        ),
        "home-manager" => classify_rebuild(words, "home-manager", &["build", "switch"]),
        "darwin-rebuild" => classify_rebuild(words, "darwin-rebuild", &["build", "switch"]),
        _ => None,
    }
}

fn classify_rebuild(words: &[Word], name: &str, actions: &[&str]) -> Option<Invocation> {
    let limit = limit_of(words, &[]);
    let first = *positionals(words, 1, limit).first()?;
    let action = words[first].text.as_str();
    if !actions.contains(&action) || words[first].dynamic {
        return None;
    }
    Some(Invocation {
        tier: Tier::A,
        dialect: Dialect::Rebuild,
        display: format!("{name} {action}"),
        subcommand_end: first,
        limit,
    })
}

fn classify_nix(words: &[Word]) -> Option<Invocation> {
    let end_of_options = limit_of(words, &[]);
    let positional = positionals(words, 1, end_of_options);
    let first = *positional.first()?;
    if words[first].dynamic {
        return None;
    }
    let (tier, subcommand_end, stops): (Tier, usize, &[&str]) = match words[first].text.as_str() {
        "build" => (Tier::A, first, &[]),
        "flake" => {
            let second = *positional.get(1)?;
            if words[second].text != "check" {
                return None;
            }
            (Tier::A, second, &[])
        }
        "develop" | "shell" => (Tier::B, first, &["--command", "-c"]),
        "run" | "fmt" | "bundle" => (Tier::B, first, &[]),
        "profile" => {
            let second = *positional.get(1)?;
            if !matches!(words[second].text.as_str(), "install" | "add" | "upgrade") {
                return None;
            }
            (Tier::B, second, &[])
        }
        _ => return None,
    };
    let display = std::iter::once("nix")
        .chain(
            positional
                .iter()
                .take_while(|&&index| index <= subcommand_end)
                .map(|&index| words[index].text.as_str()),
        )
        .collect::<Vec<_>>()
        .join(" ");
    Some(Invocation {
        tier,
        dialect: Dialect::NixCommand,
        display,
        subcommand_end,
        limit: limit_of(words, stops),
    })
}

/// The number of values an option takes, for scanning flags: exposed for the flag scan.
pub fn option_arity(option: &str) -> usize {
    nix_option_arity(option)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::shell::bash::commands;

    fn classified(script: &str) -> Option<(Tier, String, usize, usize)> {
        let all = commands(script);
        let invocation = classify(&all[0].words)?;
        Some((
            invocation.tier,
            invocation.display,
            invocation.subcommand_end,
            invocation.limit,
        ))
    }

    #[test]
    fn tier_a_commands() {
        for (script, display, end) in [
            ("nix build .#x", "nix build", 1),
            ("nix flake check", "nix flake check", 2),
            (
                "nix --extra-experimental-features 'nix-command flakes' build",
                "nix build",
                3,
            ),
            ("nix -L flake check --show-trace", "nix flake check", 3),
            ("nix-build -A x", "nix-build", 0),
            ("nixos-rebuild build --flake .#h", "nixos-rebuild build", 1),
            (
                "nixos-rebuild --flake .#h switch",
                "nixos-rebuild switch",
                3,
            ),
            ("nixos-rebuild build-vm", "nixos-rebuild build-vm", 1),
            (
                "nixos-rebuild build-vm-with-bootloader",
                "nixos-rebuild build-vm-with-bootloader",
                1,
            ),
            ("nixos-rebuild boot", "nixos-rebuild boot", 1),
            ("nixos-rebuild test", "nixos-rebuild test", 1),
            ("home-manager switch --flake .", "home-manager switch", 1),
            ("home-manager build", "home-manager build", 1),
            (
                "darwin-rebuild switch --flake .",
                "darwin-rebuild switch",
                1,
            ),
            ("darwin-rebuild build", "darwin-rebuild build", 1),
        ] {
            let (tier, shown, subcommand_end, _) = classified(script).expect(script);
            assert_eq!(tier, Tier::A, "{script}");
            assert_eq!(shown, display, "{script}");
            assert_eq!(subcommand_end, end, "{script}");
        }
    }

    #[test]
    fn tier_b_commands() {
        for (script, display) in [
            ("nix develop", "nix develop"),
            ("nix shell nixpkgs#hello", "nix shell"),
            ("nix run .#app", "nix run"),
            ("nix fmt", "nix fmt"),
            ("nix bundle .#x", "nix bundle"),
            ("nix profile install .#x", "nix profile install"),
            ("nix profile add .#x", "nix profile add"),
            ("nix profile upgrade x", "nix profile upgrade"),
            ("nix-shell -p hello", "nix-shell"),
        ] {
            let (tier, shown, _, _) = classified(script).expect(script);
            assert_eq!(tier, Tier::B, "{script}");
            assert_eq!(shown, display, "{script}");
        }
    }

    #[test]
    fn tier_c_and_other_commands_are_not_build_commands() {
        for script in [
            "nix eval .#x",
            "nix flake show",
            "nix flake metadata",
            "nix flake update",
            "nix flake lock",
            "nix flake info",
            "nix flake archive",
            "nix search nixpkgs hello",
            "nix repl",
            "nix-instantiate x.nix",
            "nix hash file x",
            "nix-prefetch-url https://x",
            "nix store gc",
            "nix path-info .#x",
            "nix log .#x",
            "nix profile list",
            "nixos-rebuild dry-build",
            "nixos-rebuild list-generations",
            "home-manager generations",
            "nix",
            "nix build --dry-run .#x",
            "nix flake check --no-build",
            "nix-build --dry-run",
            "echo nix build",
            "nix $CMD",
        ] {
            assert_eq!(classified(script), None, "{script}");
        }
    }

    #[test]
    fn limits_stop_at_the_inner_program() {
        assert_eq!(classified("nix run .#x -- --version").unwrap().3, 3);
        assert_eq!(classified("nix develop -c make").unwrap().3, 2);
        assert_eq!(classified("nix develop --command make").unwrap().3, 2);
        assert_eq!(classified("nix shell .#x --command make").unwrap().3, 3);
        assert_eq!(classified("nix build .#x").unwrap().3, 3);
    }
}
