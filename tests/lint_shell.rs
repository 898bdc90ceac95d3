//! The shell-family lints on our own fixtures: build-flag rules in every place shell text
//! is found, and the hash rules.

use flakefmt::diagnostic::{Applicability, Diagnostic, Severity};
use flakefmt::lint::shell::build_flags::{self, MISSING, SPELLING, VALUE};
use flakefmt::lint::shell::{BuildFlagsOptions, Snippet};

/// Applies every safe fix of `diagnostics` to `source` (edits must not overlap).
fn apply(source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut edits: Vec<_> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .filter(|fix| fix.applicability == Applicability::Safe)
        .flat_map(|fix| fix.edits.iter().cloned())
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
    let mut out = source.to_string();
    for edit in edits {
        out.replace_range(edit.range, &edit.replacement);
    }
    out
}

fn shell_diagnostics(script: &str, options: &BuildFlagsOptions) -> Vec<Diagnostic> {
    let snippet = Snippet::whole_file(script);
    build_flags::check_text(&snippet.text, options, false)
        .into_iter()
        .map(|finding| finding.into_diagnostic(&snippet, script))
        .collect()
}

/// (rule, severity, flagged text) of each finding, and the text after fixing.
fn check_with(
    script: &str,
    options: &BuildFlagsOptions,
) -> (Vec<(String, Severity, String)>, String) {
    let diagnostics = shell_diagnostics(script, options);
    let summary = diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.clone(),
                d.severity,
                script[d.range.clone()].to_string(),
            )
        })
        .collect();
    (summary, apply(script, &diagnostics))
}

fn check(script: &str) -> (Vec<(String, Severity, String)>, String) {
    check_with(script, &BuildFlagsOptions::default())
}

fn finding(rule: &str, severity: Severity, text: &str) -> (String, Severity, String) {
    (rule.to_string(), severity, text.to_string())
}

#[test]
fn tier_a_missing_both_flags_is_an_error_with_an_insertion() {
    for (script, flagged, fixed) in [
        (
            "nix build .#x\n",
            "nix build",
            "nix build --cores 4 --max-jobs 4 .#x\n",
        ),
        (
            "nix flake check\n",
            "nix flake check",
            "nix flake check --cores 4 --max-jobs 4\n",
        ),
        (
            "nix-build -A x\n",
            "nix-build",
            "nix-build --cores 4 --max-jobs 4 -A x\n",
        ),
        (
            "nixos-rebuild build-vm --flake .#h\n",
            "nixos-rebuild build-vm",
            "nixos-rebuild build-vm --cores 4 --max-jobs 4 --flake .#h\n",
        ),
        (
            "nixos-rebuild --flake .#h switch\n",
            "nixos-rebuild --flake .#h switch",
            "nixos-rebuild --flake .#h switch --cores 4 --max-jobs 4\n",
        ),
        (
            "nixos-rebuild boot\n",
            "nixos-rebuild boot",
            "nixos-rebuild boot --cores 4 --max-jobs 4\n",
        ),
        (
            "nixos-rebuild test\n",
            "nixos-rebuild test",
            "nixos-rebuild test --cores 4 --max-jobs 4\n",
        ),
        (
            "nixos-rebuild build-vm-with-bootloader\n",
            "nixos-rebuild build-vm-with-bootloader",
            "nixos-rebuild build-vm-with-bootloader --cores 4 --max-jobs 4\n",
        ),
        (
            "home-manager switch --flake .\n",
            "home-manager switch",
            "home-manager switch --cores 4 --max-jobs 4 --flake .\n",
        ),
        (
            "home-manager build\n",
            "home-manager build",
            "home-manager build --cores 4 --max-jobs 4\n",
        ),
        (
            "darwin-rebuild switch\n",
            "darwin-rebuild switch",
            "darwin-rebuild switch --cores 4 --max-jobs 4\n",
        ),
        (
            "darwin-rebuild build\n",
            "darwin-rebuild build",
            "darwin-rebuild build --cores 4 --max-jobs 4\n",
        ),
    ] {
        let (findings, after) = check(script);
        assert_eq!(
            findings,
            [finding(MISSING, Severity::Error, flagged)],
            "{script}"
        );
        assert_eq!(after, fixed, "{script}");
        assert_eq!(check(&after).0, [], "fixed {script}");
    }
}

#[test]
fn tier_b_missing_is_a_warning_and_configurable() {
    for (script, flagged) in [
        ("nix develop\n", "nix develop"),
        ("nix shell nixpkgs#hello\n", "nix shell"),
        ("nix run .#app\n", "nix run"),
        ("nix fmt\n", "nix fmt"),
        ("nix bundle .#x\n", "nix bundle"),
        ("nix profile install .#x\n", "nix profile install"),
        ("nix profile add .#x\n", "nix profile add"),
        ("nix profile upgrade x\n", "nix profile upgrade"),
        ("nix-shell -p hello\n", "nix-shell"),
    ] {
        assert_eq!(
            check(script).0,
            [finding(MISSING, Severity::Warning, flagged)],
            "{script}"
        );
        let error = BuildFlagsOptions {
            tier_b: flakefmt::lint::shell::options::TierLevel::Error,
            ..BuildFlagsOptions::default()
        };
        assert_eq!(
            check_with(script, &error).0,
            [finding(MISSING, Severity::Error, flagged)]
        );
        let off = BuildFlagsOptions {
            tier_b: flakefmt::lint::shell::options::TierLevel::Off,
            ..BuildFlagsOptions::default()
        };
        assert_eq!(check_with(script, &off).0, []);
    }
}

#[test]
fn tier_c_is_never_reported() {
    for script in [
        "nix eval .#x\n",
        "nix eval --cores=4 .#x\n",
        "nix flake show\n",
        "nix flake metadata\n",
        "nix flake update\n",
        "nix flake lock\n",
        "nix flake info\n",
        "nix flake archive\n",
        "nix search nixpkgs hello\n",
        "nix repl\n",
        "nix-instantiate --eval x.nix\n",
        "nix hash file x\n",
        "nix-prefetch-url https://example.org/x.tar.gz\n",
        "nix store gc\n",
        "nix path-info .#x\n",
        "nix log .#x\n",
    ] {
        assert_eq!(check(script).0, [], "{script}");
    }
}

#[test]
fn every_accepted_spelling_satisfies_the_rule() {
    for script in [
        "nix build --cores 4 --max-jobs 4\n",
        "nix build --max-jobs 4 --cores 4 .#x\n",
        "nix build -j 4 --cores 4\n",
        "nix build -j4 --cores 4\n",
        "nix build -Lj4 --cores 4\n",
        "nix build -Lj 4 --cores 4\n",
        "nix build --option cores 4 --option max-jobs 4\n",
        "nix --cores 4 --max-jobs 4 build\n",
        "nix-build -j4 --cores 4\n",
        "nix-build --option cores 4 --option max-jobs 4\n",
        "nix-shell --cores 4 -j 4 --run make\n",
        "nixos-rebuild switch -j4 --cores 4\n",
        "nixos-rebuild switch --option cores 4 --option max-jobs 4\n",
        "nix build --cores \"4\" --max-jobs '4'\n",
    ] {
        assert_eq!(check(script).0, [], "{script}");
    }
}

#[test]
fn only_the_missing_flag_is_added() {
    let (findings, fixed) = check("nix build --max-jobs 4 .#x\n");
    assert_eq!(findings, [finding(MISSING, Severity::Error, "nix build")]);
    assert_eq!(fixed, "nix build --cores 4 --max-jobs 4 .#x\n");
    let (_, fixed) = check("nix build .#x --cores 4\n");
    assert_eq!(fixed, "nix build --max-jobs 4 .#x --cores 4\n");
}

#[test]
fn insertion_goes_before_the_inner_program() {
    for (script, fixed) in [
        (
            "nix run .#x -- --version\n",
            "nix run --cores 4 --max-jobs 4 .#x -- --version\n",
        ),
        (
            "nix develop -c make --cores 4\n",
            "nix develop --cores 4 --max-jobs 4 -c make --cores 4\n",
        ),
        (
            "nix develop --command cargo build -j4\n",
            "nix develop --cores 4 --max-jobs 4 --command cargo build -j4\n",
        ),
        (
            "nix-shell --run 'make -j4'\n",
            "nix-shell --cores 4 --max-jobs 4 --run 'make -j4'\n",
        ),
    ] {
        assert_eq!(check(script).1, fixed, "{script}");
    }
}

#[test]
fn equals_spelling_is_respelled() {
    let (findings, fixed) = check("nix build --cores=4 --max-jobs=4 .#x\n");
    assert_eq!(
        findings,
        [
            finding(SPELLING, Severity::Error, "--cores=4"),
            finding(SPELLING, Severity::Error, "--max-jobs=4"),
        ]
    );
    assert_eq!(fixed, "nix build --cores 4 --max-jobs 4 .#x\n");
    let (_, fixed) = check("nix-build --cores=\"$N\" -j4\n");
    assert_eq!(fixed, "nix-build --cores \"$N\" -j4\n");
    let (_, fixed) = check("nixos-rebuild switch \"--max-jobs=4\" --cores 4\n");
    assert_eq!(fixed, "nixos-rebuild switch --max-jobs 4 --cores 4\n");
}

#[test]
fn compound_short_flags_only_for_the_nix_command() {
    assert_eq!(check("nix build -Lj4 --cores 4\n").0, []);
    for script in [
        "nix-build -Lj4 --cores 4\n",
        "nixos-rebuild switch -Lj4 --cores 4\n",
    ] {
        let (findings, fixed) = check(script);
        assert_eq!(
            findings,
            [finding(SPELLING, Severity::Error, "-Lj4")],
            "{script}"
        );
        assert_eq!(
            fixed, script,
            "no automatic fix: -L has no legacy equivalent"
        );
    }
}

#[test]
fn wrong_values_are_reported_and_fixed_only_when_enforced() {
    let (findings, fixed) = check("nix build --cores 0 --max-jobs auto\n");
    assert_eq!(
        findings,
        [
            finding(VALUE, Severity::Error, "0"),
            finding(VALUE, Severity::Error, "auto")
        ]
    );
    assert_eq!(fixed, "nix build --cores 0 --max-jobs auto\n");
    let unsafe_fixes: Vec<Applicability> = shell_diagnostics(
        "nix build --cores 0 --max-jobs auto\n",
        &BuildFlagsOptions::default(),
    )
    .iter()
    .map(|d| d.fix.as_ref().unwrap().applicability)
    .collect();
    assert_eq!(unsafe_fixes, [Applicability::Unsafe, Applicability::Unsafe]);
    let enforce = BuildFlagsOptions {
        enforce_values: true,
        ..BuildFlagsOptions::default()
    };
    for (script, expected) in [
        (
            "nix build --cores 0 --max-jobs auto\n",
            "nix build --cores 4 --max-jobs 4\n",
        ),
        ("nix build -j8 --cores 4\n", "nix build -j4 --cores 4\n"),
        ("nix build -Lj8 --cores 4\n", "nix build -Lj4 --cores 4\n"),
        (
            "nix build --option cores 2 -j 4\n",
            "nix build --option cores 4 -j 4\n",
        ),
        ("nix-shell --cores 4 -j 1\n", "nix-shell --cores 4 -j 4\n"),
    ] {
        assert_eq!(check_with(script, &enforce).1, expected, "{script}");
    }
    // Messages show the flag as written.
    let messages: Vec<String> = shell_diagnostics(
        "nix build -j8 --cores 2 --option max-jobs auto\n-j auto\nnix-build -j auto --cores 4\n",
        &BuildFlagsOptions::default(),
    )
    .into_iter()
    .map(|d| d.message)
    .collect();
    assert_eq!(
        messages,
        [
            "`-j8`: the required value is 4",
            "`--cores 2`: the required value is 4",
            "`--option max-jobs auto`: the required value is 4",
            "`-j auto`: the required value is 4",
        ]
    );
    // Tier B values are at the tier's severity.
    assert_eq!(
        check("nix develop --cores 4 --max-jobs 2\n").0,
        [finding(VALUE, Severity::Warning, "2")]
    );
}

#[test]
fn configured_values() {
    let options = BuildFlagsOptions {
        cores: 8,
        max_jobs: 2,
        ..BuildFlagsOptions::default()
    };
    assert_eq!(check_with("nix build --cores 8 -j2\n", &options).0, []);
    assert_eq!(
        check_with("nix build\n", &options).1,
        "nix build --cores 8 --max-jobs 2\n"
    );
}

#[test]
fn variable_values_are_not_verifiable() {
    let (findings, fixed) = check("nix build --cores \"$N\" --max-jobs ${JOBS}\n");
    assert_eq!(
        findings,
        [
            finding(VALUE, Severity::Warning, "\"$N\""),
            finding(VALUE, Severity::Warning, "${JOBS}"),
        ]
    );
    assert_eq!(fixed, "nix build --cores \"$N\" --max-jobs ${JOBS}\n");
}

#[test]
fn nix_config_env_is_accepted_only_when_configured() {
    let scripts = [
        "export NIX_CONFIG=$'cores = 4\\nmax-jobs = 4'\nnix build .#x\n",
        "export NIX_CONFIG=\"cores = 4\nmax-jobs = 4\"\nnix build .#x\n",
        "NIX_CONFIG='cores = 4\nmax-jobs = 4' nix build .#x\n",
        "env NIX_CONFIG='cores = 4\nmax-jobs = 4' nix build .#x\n",
    ];
    let accept = BuildFlagsOptions {
        accept_nix_config_env: true,
        ..BuildFlagsOptions::default()
    };
    for script in scripts {
        assert_eq!(check(script).0.len(), 1, "{script}");
        assert_eq!(check_with(script, &accept).0, [], "{script}");
    }
    // Only one setting, or a wrong value: the rest is still required.
    let (_, fixed) = check_with("export NIX_CONFIG='cores = 4'\nnix build\n", &accept);
    assert_eq!(
        fixed,
        "export NIX_CONFIG='cores = 4'\nnix build --max-jobs 4\n"
    );
    let (_, fixed) = check_with(
        "export NIX_CONFIG='cores = 2\nmax-jobs = 4'\nnix build\n",
        &accept,
    );
    assert_eq!(
        fixed,
        "export NIX_CONFIG='cores = 2\nmax-jobs = 4'\nnix build --cores 4\n"
    );
}

#[test]
fn every_wrapper_is_looked_through() {
    for (script, fixed) in [
        (
            "timeout 3600 nix build .#x\n",
            "timeout 3600 nix build --cores 4 --max-jobs 4 .#x\n",
        ),
        (
            "time nix build\n",
            "time nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "nice -n 10 nix build\n",
            "nice -n 10 nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "env FOO=1 nix build\n",
            "env FOO=1 nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "env -i nix build\n",
            "env -i nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "sudo -E nix build\n",
            "sudo -E nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "sudo -u root nixos-rebuild switch\n",
            "sudo -u root nixos-rebuild switch --cores 4 --max-jobs 4\n",
        ),
        (
            "command nix build\n",
            "command nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "exec nix develop\n",
            "exec nix develop --cores 4 --max-jobs 4\n",
        ),
        (
            "echo .#a | xargs -n1 nix build\n",
            "echo .#a | xargs -n1 nix build --cores 4 --max-jobs 4\n",
        ),
        (
            "sudo env A=1 timeout 9 nix build\n",
            "sudo env A=1 timeout 9 nix build --cores 4 --max-jobs 4\n",
        ),
    ] {
        assert_eq!(check(script).1, fixed, "{script}");
    }
}

#[test]
fn command_position_only() {
    for script in [
        "echo \"nix build .#x\"\n",
        "print_status \"You can now use: nix build .#skypilot\"\n",
        "# nix build .#x\n",
        "x=\"nix build\"\n",
        "cat <<EOF\nnix build .#x\nEOF\n",
        "command -v nix-build\n",
        "printf '%s\\n' 'nix flake check'\n",
    ] {
        assert_eq!(check(script).0, [], "{script}");
    }
}

#[test]
fn commands_everywhere_in_a_script() {
    let script = "set -e\nif true; then\n  (cd x && nix build) | tee log\nfi\nout=$(nix-build -A y)\nf() { nix flake check; }\nnix build \\\n  .#z\n";
    let (findings, _) = check(script);
    let flagged: Vec<&str> = findings.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        flagged,
        ["nix build", "nix-build", "nix flake check", "nix build"]
    );
}

#[test]
fn paths_to_nix_are_commands_too() {
    let (findings, _) = check("/run/current-system/sw/bin/nix build\n");
    assert_eq!(findings.len(), 1);
}

#[test]
fn global_options_before_the_subcommand() {
    let (_, fixed) = check("nix --extra-experimental-features 'nix-command flakes' build .#x\n");
    assert_eq!(
        fixed,
        "nix --extra-experimental-features 'nix-command flakes' build --cores 4 --max-jobs 4 .#x\n"
    );
}

mod hashes {
    use super::*;
    use flakefmt::lint::shell::hashes::{self, MANUAL_SRI_PREFIX, PREFETCH_WITHOUT_SRI};

    /// (rule, severity, flagged text) of each finding, and the text after applying every
    /// fix, unsafe ones included.
    fn check(script: &str) -> (Vec<(String, Severity, String)>, String) {
        let snippet = Snippet::whole_file(script);
        let diagnostics: Vec<Diagnostic> = hashes::check_text(&snippet.text)
            .into_iter()
            .map(|finding| finding.into_diagnostic(&snippet, script))
            .collect();
        let summary = diagnostics
            .iter()
            .map(|d| {
                (
                    d.rule.clone(),
                    d.severity,
                    script[d.range.clone()].to_string(),
                )
            })
            .collect();
        let mut edits: Vec<_> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .inspect(|fix| assert_eq!(fix.applicability, Applicability::Unsafe))
            .flat_map(|fix| fix.edits.iter().cloned())
            .collect();
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
        let mut out = script.to_string();
        for edit in edits {
            out.replace_range(edit.range, &edit.replacement);
        }
        (summary, out)
    }

    fn ff105(text: &str) -> (String, Severity, String) {
        finding(PREFETCH_WITHOUT_SRI, Severity::Error, text)
    }

    fn ff106(text: &str) -> (String, Severity, String) {
        finding(MANUAL_SRI_PREFIX, Severity::Error, text)
    }

    #[test]
    fn prefetch_url_into_sed() {
        let script = "h=$(nix-prefetch-url \"$url\")\nsed -i \"s|sha256 = \\\".*\\\"|sha256 = \\\"$h\\\"|\" default.nix\n";
        let (findings, fixed) = check(script);
        assert_eq!(findings, [ff105("$(nix-prefetch-url \"$url\")")]);
        assert_eq!(
            fixed,
            "h=$(nix-prefetch-url \"$url\" | xargs nix hash convert --hash-algo sha256 --to sri)\nsed -i \"s|sha256 = \\\".*\\\"|sha256 = \\\"$h\\\"|\" default.nix\n"
        );
        assert_eq!(check(&fixed).0, []);
    }

    #[test]
    fn converters_clean_the_value() {
        for script in [
            "h=$(nix-prefetch-url u | xargs nix hash convert --hash-algo sha256 --to sri)\nsed -i \"s/x/$h/\" a.nix\n",
            "h=$(nix-prefetch-url u)\nh=$(nix hash convert --hash-algo sha256 \"$h\")\nsed -i \"s/x/$h/\" a.nix\n",
            "h=$(nix-prefetch-url u)\nh=$(nix hash to-sri --type sha256 \"$h\")\nsed -i \"s/x/$h/\" a.nix\n",
            "h=$(nix-hash --to-sri --type sha256 \"$(nix-prefetch-url u)\")\nsed -i \"s/x/$h/\" a.nix\n",
            "h=$(nix store prefetch-file --json u | jq -r .hash)\nsed -i \"s/x/$h/\" a.nix\n",
            "h=$(nix hash file ./x)\necho \"hash = \\\"$h\\\";\" > pin.nix\n",
        ] {
            let rules: Vec<String> = check(script)
                .0
                .into_iter()
                .filter(|f| f.1 != Severity::Info)
                .map(|f| f.0)
                .collect();
            assert_eq!(rules, Vec::<String>::new(), "{script}");
        }
    }

    #[test]
    fn every_legacy_source() {
        for (script, flagged) in [
            (
                "json=$(nix-prefetch-git --url u --rev r)\nh=$(echo \"$json\" | jq -r .sha256)\necho \"hash = \\\"$h\\\";\" > src.nix\n",
                "$(echo \"$json\" | jq -r .sha256)",
            ),
            (
                "h=$(nix-prefetch-github owner repo | jq -r .sha256)\nsed -i \"s/x/$h/\" pkg.nix\n",
                "$(nix-prefetch-github owner repo | jq -r .sha256)",
            ),
            (
                "json=$(nix-prefetch-git u)\nh=$(jq -r .sha256 <<< \"$json\")\nsed -i \"s/x/$h/\" pkg.nix\n",
                "$(jq -r .sha256 <<< \"$json\")",
            ),
            (
                "h=$(nix-hash --type sha256 --base32 ./src)\nsed -i \"s/x/$h/\" pkg.nix\n",
                "$(nix-hash --type sha256 --base32 ./src)",
            ),
            (
                "h=$(nix hash file --base32 ./x)\nsed -i \"s/x/$h/\" pkg.nix\n",
                "$(nix hash file --base32 ./x)",
            ),
            (
                "h=$(nix hash path --base16 ./x)\nsed -i \"s/x/$h/\" pkg.nix\n",
                "$(nix hash path --base16 ./x)",
            ),
        ] {
            assert_eq!(check(script).0, [ff105(flagged)], "{script}");
        }
        // The `.hash` field of nix-prefetch-git is SRI.
        let script = "h=$(nix-prefetch-git u | jq -r .hash)\nsed -i \"s/x/$h/\" pkg.nix\n";
        assert_eq!(check(script).0, []);
    }

    #[test]
    fn every_sink() {
        for script in [
            "h=$(nix-prefetch-url u)\nsed -i \"s/x/$h/\" default.nix\n",
            "h=$(nix-prefetch-url u)\nsed --in-place -e \"s/x/$h/\" \"$dir/default.nix\"\n",
            "h=$(nix-prefetch-url u)\necho \"$h\" > hash.nix\n",
            "h=$(nix-prefetch-url u)\nprintf '%s' \"$h\" >> hash.nix\n",
            "h=$(nix-prefetch-url u)\ncat > pin.nix <<EOF\n{ sha256 = \"$h\"; }\nEOF\n",
            "h=$(nix-prefetch-url u)\ncat <<EOF\n{ hash = \"$h\"; }\nEOF\n",
            "h=$(nix-prefetch-url u)\ntemplate=\"hash = \\\"$h\\\";\"\n",
            "h=$(nix-prefetch-url u)\nh2=$h\nsed -i \"s/x/$h2/\" default.nix\n",
            "sed -i \"s/x/$(nix-prefetch-url u)/\" default.nix\n",
        ] {
            assert_eq!(check(script).0.len(), 1, "{script}");
        }
    }

    #[test]
    fn not_sinks() {
        for script in [
            "h=$(nix-prefetch-url u)\necho \"$h\"\n",
            "h=$(nix-prefetch-url u)\nsed -i \"s/x/$h/\" notes.txt\n",
            "h=$(nix-prefetch-url u)\necho \"$h\" > hash.txt\n",
            "# h=$(nix-prefetch-url u); sed -i \"s/x/$h/\" a.nix\n",
            "echo 'h=$(nix-prefetch-url u); sed -i \"s/x/$h/\" a.nix'\n",
        ] {
            assert_eq!(check(script).0, [], "{script}");
        }
    }

    #[test]
    fn fix_details() {
        // Two lines of output: no automatic fix.
        let script = "h=$(nix-prefetch-url --print-path u)\nsed -i \"s/x/$h/\" a.nix\n";
        let (findings, fixed) = check(script);
        assert_eq!(findings.len(), 1);
        assert_eq!(fixed, script);
        // sha512.
        let (_, fixed) = check("h=$(nix-prefetch-url --type sha512 u)\nsed -i \"s/x/$h/\" a.nix\n");
        assert!(fixed.starts_with("h=$(nix-prefetch-url --type sha512 u | xargs nix hash convert --hash-algo sha512 --to sri)"));
        // Reported once however many sinks.
        let script =
            "h=$(nix-prefetch-url u)\nsed -i \"s/x/$h/\" a.nix\nsed -i \"s/y/$h/\" b.nix\n";
        assert_eq!(check(script).0.len(), 1);
    }

    #[test]
    fn to_sri_is_a_hint() {
        let (findings, _) = check("nix hash to-sri --type sha256 \"$h\"\n");
        assert_eq!(
            findings,
            [finding(
                PREFETCH_WITHOUT_SRI,
                Severity::Info,
                "nix hash to-sri"
            )]
        );
    }

    #[test]
    fn manual_prefix() {
        for (script, flagged, fixed) in [
            (
                "hash=\"sha256-$h\"\n",
                "sha256-$h",
                "hash=\"$(nix hash convert --hash-algo sha256 --to sri \"$h\")\"\n",
            ),
            (
                "echo sha512-${h}\n",
                "sha512-${h}",
                "echo $(nix hash convert --hash-algo sha512 --to sri \"${h}\")\n",
            ),
            (
                "hash=\"sha256-$(nix-prefetch-url u)\"\n",
                "sha256-$(nix-prefetch-url u)",
                "hash=\"$(nix hash convert --hash-algo sha256 --to sri \"$(nix-prefetch-url u)\")\"\n",
            ),
        ] {
            let (findings, after) = check(script);
            assert_eq!(findings, [ff106(flagged)], "{script}");
            assert_eq!(after, fixed, "{script}");
            assert!(
                flakefmt::lint::shell::bash::parses_cleanly(&after),
                "{after}"
            );
        }
    }

    #[test]
    fn manual_prefix_with_proven_base64() {
        for script in [
            "h=$(nix hash file --base64 ./x)\nhash=\"sha256-$h\"\n",
            "h=$(openssl dgst -sha256 -binary x | base64)\nhash=\"sha256-$h\"\n",
            "hash=\"sha256-$(nix hash convert --to base64 --hash-algo sha256 \"$x\")\"\n",
            "echo 'sha256-$h'\n",
            "hash=\"sha256-AAAA\"\n",
        ] {
            assert_eq!(check(script).0, [], "{script}");
        }
    }

    #[test]
    fn both_rules_on_one_line() {
        let script =
            "h=$(nix-prefetch-url u)\nsed -i \"s|sha256-.*\\\"|sha256-${h}\\\"|\" default.nix\n";
        let (findings, _) = check(script);
        let rules: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(rules, [PREFETCH_WITHOUT_SRI, MANUAL_SRI_PREFIX]);
    }
}

mod robustness {
    use super::*;
    use flakefmt::lint::shell::{hashes, markdown, nix_strings, recipes, yaml};

    const WEIRD: &[&str] = &[
        "",
        "\"",
        "'",
        "$(",
        "`",
        "nix build \"unterminated",
        "nix build ${",
        "nix build $'\\",
        "<<EOF\nnix build",
        "ünïcödé nix build ✓ --cores=✓",
        "nix build --cores",
        "nix build -j",
        "nix --option cores",
        "nix build -Lj",
        "sha256-$",
        "h=$(nix-prefetch-url)\nsed -i \"$h\" ü.nix",
        "nix build\r\nnix flake check\r\n",
        "{{ }} {{",
        "\t\t@-+",
        "```\n$ \n```",
        "- run: |\n  x",
        "a:\n\t$$$",
        "''${",
    ];

    #[test]
    fn never_panics() {
        let options = BuildFlagsOptions::default();
        for text in WEIRD {
            build_flags::check_text(text, &options, false);
            build_flags::check_text(text, &options, true);
            hashes::check_text(text);
            for snippet in markdown::snippets(text)
                .into_iter()
                .chain(yaml::snippets(text, &["run"]))
                .chain(recipes::just_snippets(text))
                .chain(recipes::make_snippets(text))
            {
                for finding in build_flags::check_text(&snippet.text, &options, snippet.inline)
                    .into_iter()
                    .chain(hashes::check_text(&snippet.text))
                {
                    let diagnostic = finding.into_diagnostic(&snippet, text);
                    assert!(diagnostic.range.end <= text.len());
                }
            }
            let nix = format!("{{ shellHook = ''{text}''; }}");
            if let Ok(parsed) = flakefmt::nix::parse::parse(&nix) {
                for string in nix_strings::shell_strings(&parsed.root) {
                    nix_strings::snippet(&string);
                }
            }
        }
    }

    #[test]
    fn crlf_line_endings() {
        let (findings, _) = check("nix build\r\nnix flake check\r\n");
        assert_eq!(findings.len(), 2, "{findings:?}");
    }
}
