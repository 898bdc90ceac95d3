//! Fixtures for the engine and the hash, mode and repository rules: every row of the
//! spec's tables (lint-spec §2a, §2d) and its negative cases, checked in-process.

use std::path::Path;

use flakefmt::config::Config;
use flakefmt::diagnostic::{Diagnostic, Severity};
use flakefmt::language::Language;
use flakefmt::lint::{FileFacts, FileInput, LintConfig, Linter, lint_source};

/// (rule, severity, the text the finding points at) for each finding in a Nix source.
fn check(source: &str) -> Vec<(String, Severity, String)> {
    check_with(source, &LintConfig::default())
}

fn check_with(source: &str, config: &LintConfig) -> Vec<(String, Severity, String)> {
    let found = lint_source(
        Path::new("test.nix"),
        Some(Language::Nix),
        source,
        config,
        &FileFacts::default(),
    );
    found
        .into_iter()
        .map(|d: Diagnostic| (d.rule, d.severity, source[d.range].to_string()))
        .collect()
}

fn rules(source: &str) -> Vec<String> {
    check(source).into_iter().map(|(rule, _, _)| rule).collect()
}

/// Applies safe (or all) fixes until stable.
fn fix(source: &str, unsafe_fixes: bool) -> String {
    let config = LintConfig::default();
    let parsed = flakefmt::nix::parse::parse(source).unwrap();
    let facts = FileFacts::default();
    let result = Linter::new(&config).fix(
        &FileInput {
            path: Path::new("test.nix"),
            language: Some(Language::Nix),
            source,
            nix: Some(&parsed),
            facts: &facts,
        },
        unsafe_fixes,
        None,
    );
    assert!(result.dropped.is_empty(), "{:?}", result.dropped);
    result.source
}

const V1_HEX: &str = "21d536debb3076d4f6e9044bd9ef15c8c58b29f9cbd4ad406b058310a565debc";
const V1_NIX32: &str = "1g6ycnji10q5dd0avm6bz4lqpif82ppxjjq4x7vd8xihpgg3dm91";
const V1_SRI: &str = "sha256-IdU23rswdtT26QRL2e8VyMWLKfnL1K1AawWDEKVl3rw=";
const V2_NIX32: &str = "0v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm";
const V6_NIX32: &str = "0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8";
const V6_SRI: &str = "sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FA=";

// ---- sri_hash ----

#[test]
fn sri_hash_flags_every_legacy_encoding_and_converts_exactly() {
    let base64 = V1_SRI.strip_prefix("sha256-").unwrap();
    for value in [
        V1_HEX.to_string(),
        V1_HEX.to_uppercase(),
        V1_NIX32.to_string(),
        base64.to_string(),
        format!("sha256:{V1_NIX32}"),
        format!("sha256:{V1_HEX}"),
    ] {
        let source = format!("builtins.fetchurl {{ url = \"u\"; sha256 = \"{value}\"; }}");
        assert_eq!(
            check(&source),
            [("sri_hash".to_string(), Severity::Error, value.clone())],
            "{value}"
        );
        assert_eq!(
            fix(&source, false),
            format!("builtins.fetchurl {{ url = \"u\"; sha256 = \"{V1_SRI}\"; }}")
        );
    }
}

#[test]
fn sri_hash_non_canonical_base64_is_a_warning_with_fix() {
    let source = "{ hash = \"sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FB=\"; }";
    assert_eq!(
        check(source),
        [(
            "sri_hash".to_string(),
            Severity::Warning,
            "sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FB=".to_string()
        )]
    );
    assert_eq!(fix(source, false), format!("{{ hash = \"{V6_SRI}\"; }}"));
}

#[test]
fn sri_hash_output_hash_takes_the_algorithm_from_output_hash_algo() {
    let source = format!(
        "mkDerivation {{ outputHashAlgo = \"sha256\"; outputHashMode = \"recursive\"; outputHash = \"{V6_NIX32}\"; }}"
    );
    assert_eq!(rules(&source), ["sri_hash"]);
    assert!(fix(&source, false).contains(&format!("outputHash = \"{V6_SRI}\"")));
    // Without an algorithm a bare value under an SRI key is an error without fix.
    let source = format!("{{ hash = \"{V6_NIX32}\"; }}");
    assert_eq!(rules(&source), ["sri_hash"]);
    assert_eq!(fix(&source, false), source);
}

#[test]
fn sri_hash_other_keys_and_output_hashes() {
    for key in [
        "vendorHash",
        "cargoHash",
        "npmDepsHash",
        "mvnHash",
        "narHash",
    ] {
        let source = format!("{{ {key} = \"sha256:{V6_NIX32}\"; }}");
        assert_eq!(rules(&source), ["sri_hash"], "{key}");
    }
    let source = format!(
        "rustPlatform.importCargoLock {{ lockFile = ./Cargo.lock; outputHashes = {{ \"foo-0.1.0\" = \"sha256:{V6_NIX32}\"; }}; }}"
    );
    assert_eq!(rules(&source), ["sri_hash"]);
    // Heuristic keys: converted when recognisably a hash, silent otherwise.
    let source = format!("{{ srcSha256 = \"{V6_NIX32}\"; commitHash = \"abc123\"; }}");
    assert_eq!(rules(&source), ["sri_hash"]);
}

#[test]
fn sri_hash_invalid_values() {
    // First nix32 character too large for sha256.
    let source = "{ sha256 = \"2v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm\"; }";
    assert_eq!(rules(source), ["sri_hash"]);
    // nix32 after an SRI prefix: invalid SRI.
    let source = format!("{{ hash = \"sha256-{V1_NIX32}\"; }}");
    assert_eq!(rules(&source), ["sri_hash"]);
    assert_eq!(fix(&source, false), source);
    // Wrong length.
    assert_eq!(rules("{ sha256 = \"abcd\"; }"), ["sri_hash"]);
    // Weak algorithms: error, no fix.
    let source = "{ sha1 = \"800d59cfcd3c05e900cb4e214be48f6b886a08df\"; }";
    assert_eq!(rules(source), ["sri_hash"]);
    assert_eq!(fix(source, false), source);
}

#[test]
fn sri_hash_negative_cases() {
    // Canonical SRI, null, non-literal, interpolated, comments and unrelated strings.
    let source = format!(
        "{{ hash = \"{V6_SRI}\"; vendorHash = null; cargoHash = x; sha256 = \"${{h}}\"; # sha256 = \"{V6_NIX32}\"
        description = \"{V6_NIX32}\"; }}"
    );
    assert_eq!(check(&source), []);
}

// ---- hash_attr_rename ----

#[test]
fn hash_attr_rename_renames_and_converts_in_one_edit() {
    let source = format!(
        "fetchFromGitHub {{ owner = \"o\"; repo = \"r\"; rev = \"v1\"; sha256 = \"{V6_NIX32}\"; }}"
    );
    assert_eq!(
        check(&source),
        [(
            "hash_attr_rename".to_string(),
            Severity::Error,
            "sha256".to_string()
        )]
    );
    assert_eq!(
        fix(&source, false),
        format!(
            "fetchFromGitHub {{ owner = \"o\"; repo = \"r\"; rev = \"v1\"; hash = \"{V6_SRI}\"; }}"
        )
    );
    // Through a package set and parentheses, with an SRI value already.
    let source = format!("pkgs.fetchurl ({{ url = \"u\"; sha256 = \"{V6_SRI}\"; }})");
    assert_eq!(rules(&source), ["hash_attr_rename"]);
    assert_eq!(
        fix(&source, false),
        format!("pkgs.fetchurl ({{ url = \"u\"; hash = \"{V6_SRI}\"; }})")
    );
}

#[test]
fn hash_attr_rename_deprecated_keys_anywhere() {
    let source = format!("buildRustPackage {{ cargoSha256 = \"{V6_NIX32}\"; }}");
    assert_eq!(rules(&source), ["hash_attr_rename"]);
    assert_eq!(
        fix(&source, false),
        format!("buildRustPackage {{ cargoHash = \"{V6_SRI}\"; }}")
    );
    let source = "buildGoModule { vendorSha256 = null; }";
    assert_eq!(rules(source), ["hash_attr_rename"]);
    assert_eq!(fix(source, false), "buildGoModule { vendorHash = null; }");
    // A value of unknown encoding: reported, not fixed.
    let source = "buildGoModule { vendorSha256 = someHash; }";
    assert_eq!(rules(source), ["hash_attr_rename"]);
    assert_eq!(fix(source, false), source);
}

#[test]
fn hash_attr_rename_both_set_is_an_error_without_fix() {
    let source = format!("fetchurl {{ url = \"u\"; sha256 = \"{V6_SRI}\"; hash = \"{V6_SRI}\"; }}");
    let found = check(&source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "hash_attr_rename");
    assert_eq!(fix(&source, false), source);
}

#[test]
fn hash_attr_rename_builtins_and_unknown_callees_convert_the_value_only() {
    for callee in [
        "builtins.fetchurl",
        "fetchTarball",
        "myFetcher",
        "fetchFirefoxAddon",
    ] {
        let source = format!("{callee} {{ url = \"u\"; sha256 = \"{V6_NIX32}\"; }}");
        assert_eq!(rules(&source), ["sri_hash"], "{callee}");
        assert_eq!(
            fix(&source, false),
            format!("{callee} {{ url = \"u\"; sha256 = \"{V6_SRI}\"; }}")
        );
    }
}

// ---- fake_hash_name ----

#[test]
fn fake_hash_name_forms() {
    let source = "fetchurl { url = \"u\"; sha256 = lib.fakeSha256; }";
    assert_eq!(rules(source), ["fake_hash_name"]);
    assert_eq!(
        fix(source, false),
        "fetchurl { url = \"u\"; hash = lib.fakeHash; }"
    );
    let source = "fetchurl { url = \"u\"; hash = \"sha256:${lib.fakeSha256}\"; }";
    assert_eq!(rules(source), ["fake_hash_name"]);
    assert_eq!(
        fix(source, false),
        "fetchurl { url = \"u\"; hash = lib.fakeHash; }"
    );
    let source = "builtins.fetchurl { url = \"u\"; sha256 = fakeSha256; }";
    assert_eq!(rules(source), ["fake_hash_name"]);
    assert_eq!(
        fix(source, false),
        "builtins.fetchurl { url = \"u\"; sha256 = fakeHash; }"
    );
    let source = "{ cargoSha256 = lib.fakeSha256; }";
    assert_eq!(fix(source, false), "{ cargoHash = lib.fakeHash; }");
    // fakeSha512 stays under sha512 only; under hash it becomes "".
    let source = "fetchurl { url = \"u\"; hash = lib.fakeSha512; }";
    assert_eq!(rules(source), ["fake_hash_name"]);
    assert_eq!(fix(source, false), "fetchurl { url = \"u\"; hash = \"\"; }");
    assert_eq!(
        rules("builtins.fetchurl { url = \"u\"; sha512 = lib.fakeSha512; }"),
        ["placeholder_hash"]
    );
}

// ---- placeholder_hash ----

#[test]
fn placeholder_hash_forms() {
    let zeros_sri = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let bbbb = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";
    let v2_sri = "sha256-lTeyxzJNQeMdu1IVdovNMtgn77jRIhSybLdMbTkf2Ww=";
    for value in [
        "\"\"".to_string(),
        "lib.fakeHash".to_string(),
        "pkgs.lib.fakeHash".to_string(),
        format!("\"{zeros_sri}\""),
        format!("\"{bbbb}\""),
        format!("\"{v2_sri}\""),
        format!("\"sha512-{}==\"", "A".repeat(86)),
    ] {
        let source = format!("fetchurl {{ url = \"u\"; hash = {value}; }}");
        assert_eq!(
            check(&source)
                .iter()
                .map(|f| f.0.as_str())
                .collect::<Vec<_>>(),
            ["placeholder_hash"],
            "{value}"
        );
        assert_eq!(fix(&source, true), source, "never autofixed");
    }
    // Legacy keys with zero digests in any encoding; the manual's V2 in nix32.
    for value in ["0".repeat(64), "0".repeat(52), V2_NIX32.to_string()] {
        let source = format!("builtins.fetchurl {{ url = \"u\"; sha256 = \"{value}\"; }}");
        assert_eq!(rules(&source), ["placeholder_hash"], "{value}");
    }
    // All zeros under `hash` (no algorithm) is still a placeholder.
    assert_eq!(
        rules(&format!("{{ hash = \"{}\"; }}", "0".repeat(52))),
        ["placeholder_hash"]
    );
}

// ---- suppressions and config ----

#[test]
fn suppressions_silence_one_rule_on_one_line_or_the_file() {
    let bad = format!("sha256 = \"{V6_NIX32}\";");
    let source = format!(
        "builtins.fetchurl {{\n  # flakefmt: allow(sri_hash)\n  {bad}\n  url = \"u\";\n}}\n"
    );
    assert_eq!(check(&source), []);
    let source = format!("builtins.fetchurl {{\n  {bad} # flakefmt: allow(FF101)\n}}\n");
    assert_eq!(check(&source), []);
    let source = format!("# flakefmt: allow-file(sri_hash)\nbuiltins.fetchurl {{\n  {bad}\n}}\n");
    assert_eq!(check(&source), []);
    // An allow for the line before does not reach two lines down.
    let source = format!(
        "builtins.fetchurl {{\n  # flakefmt: allow(sri_hash)\n  url = \"u\";\n  {bad}\n}}\n"
    );
    assert_eq!(rules(&source), ["unused_allow", "sri_hash"]);
    // Allowing another rule does not silence this one.
    let source = format!("builtins.fetchurl {{\n  {bad} # flakefmt: allow(nix_mode)\n}}\n");
    assert_eq!(rules(&source), ["sri_hash", "unused_allow"]);
}

#[test]
fn config_selects_ignores_and_overrides_severity() {
    let source = format!("builtins.fetchurl {{ sha256 = \"{V6_NIX32}\"; hash = \"\"; }}");
    assert_eq!(rules(&source), ["sri_hash", "placeholder_hash"]);
    let config = Config::from_toml(
        "[lint]\nignore = [\"placeholder_hash\"]\n[lint.severity]\nsri_hash = \"info\"\n",
    )
    .unwrap();
    assert_eq!(
        check_with(&source, &config.lint),
        [("sri_hash".to_string(), Severity::Info, V6_NIX32.to_string())]
    );
    let config = Config::from_toml("[lint]\nselect = [\"FF104\"]\n").unwrap();
    assert_eq!(check_with(&source, &config.lint).len(), 1);
}

// ---- nix_mode ----

fn module(body: &str) -> String {
    format!("{{ config, lib, pkgs, ... }}:\n{{\n{body}\n}}\n")
}

#[test]
fn nix_mode_places_and_required_values() {
    // Each place where a mode appears, with the required value: silent.
    let good = module(
        r#"  environment.etc."app/config.toml" = { text = "x"; mode = "0644"; };
  environment.etc.link.mode = "symlink";
  systemd.tmpfiles.rules = [ "d /var/lib/app 0755 app app -" "f /var/lib/app/x 0644 app app -" "L+ /run/x - - - - /etc/x" "d /tmp/shared 1777 root root -" ];
  systemd.tmpfiles.settings."10-app"."/var/lib/app".d.mode = "0755";
  users.users.app.homeMode = "0755";
  systemd.services.app.serviceConfig = { StateDirectoryMode = "0755"; UMask = "0022"; };
  sops.secrets.db.mode = "0400";
  age.secrets.token.mode = "0440";
  security.wrappers.ping = { setuid = true; permissions = "u+rx,g+x"; };
  security.wrappers.mount.permissions = "4755";"#,
    );
    assert_eq!(check(&good), []);
}

#[test]
fn nix_mode_findings_per_row() {
    let cases: &[(&str, Severity, &str)] = &[
        // Integer modes: decimal 644.
        (r#"environment.etc.a.mode = 0644;"#, Severity::Error, "0644"),
        // World-writable, setuid outside wrappers, 0777/0666.
        (
            r#"environment.etc.a.mode = "0666";"#,
            Severity::Error,
            "0666",
        ),
        (
            r#"systemd.tmpfiles.rules = [ "d /srv 0777 - - -" ];"#,
            Severity::Error,
            "0777",
        ),
        (
            r#"environment.etc.a.mode = "4755";"#,
            Severity::Error,
            "4755",
        ),
        (
            r#"systemd.tmpfiles.settings.x."/srv".d.mode = "2755";"#,
            Severity::Error,
            "2755",
        ),
        // Group-writable file; wrong values for files and directories.
        (
            r#"environment.etc.a.mode = "0664";"#,
            Severity::Warning,
            "0664",
        ),
        (
            r#"environment.etc.a.mode = "0755";"#,
            Severity::Warning,
            "0755",
        ),
        (
            r#"systemd.tmpfiles.rules = [ "d /var/lib/x 0700 x x -" ];"#,
            Severity::Warning,
            "0700",
        ),
        (
            r#"users.users.x.homeMode = "0750";"#,
            Severity::Warning,
            "0750",
        ),
        (
            r#"systemd.services.x.serviceConfig.StateDirectoryMode = "0700";"#,
            Severity::Warning,
            "0700",
        ),
        // A mode on a line type that ignores it.
        (
            r#"systemd.tmpfiles.rules = [ "L+ /run/x 0644 - - - /etc/x" ];"#,
            Severity::Warning,
            "0644",
        ),
        // Missing leading zero.
        (
            r#"systemd.services.x.serviceConfig.RuntimeDirectoryMode = "755";"#,
            Severity::Warning,
            "755",
        ),
        (
            r#"systemd.tmpfiles.rules = [ "f /etc/x ~644 - - -" ];"#,
            Severity::Warning,
            "~644",
        ),
        // A umask that allows world-writable files.
        (
            r#"systemd.services.x.serviceConfig.UMask = "0000";"#,
            Severity::Error,
            "0000",
        ),
        // Not octal.
        (
            r#"environment.etc.a.mode = "0689";"#,
            Severity::Error,
            "0689",
        ),
        // Secrets stricter than 0644 only.
        (
            r#"sops.secrets.a.mode = "0600"; age.secrets.b.mode = "0755";"#,
            Severity::Warning,
            "0755",
        ),
    ];
    for (body, severity, text) in cases {
        let source = module(body);
        assert_eq!(
            check(&source),
            [("nix_mode".to_string(), *severity, text.to_string())],
            "{body}"
        );
    }
}

#[test]
fn nix_mode_fixes() {
    // Leading zero: safe. Another value: unsafe only. Symlink lines: `-`.
    let source = module(
        r#"  systemd.tmpfiles.rules = [ "d /var/lib/x 755 x x -" "L /run/y 0644 - - - /y" ];"#,
    );
    assert_eq!(
        fix(&source, false),
        module(
            r#"  systemd.tmpfiles.rules = [ "d /var/lib/x 0755 x x -" "L /run/y - - - - /y" ];"#
        )
    );
    let source = module(r#"  environment.etc.a.mode = "0664";"#);
    assert_eq!(fix(&source, false), source);
    assert_eq!(
        fix(&source, true),
        module(r#"  environment.etc.a.mode = "0644";"#)
    );
    let source = module("  environment.etc.a.mode = 0644;");
    assert_eq!(fix(&source, false), source);
    assert_eq!(
        fix(&source, true),
        module(r#"  environment.etc.a.mode = "0644";"#)
    );
}

#[test]
fn nix_mode_secret_globs_allow_stricter_modes() {
    let source = module(
        r#"  environment.etc."app/credentials.json".mode = "0600";
  systemd.tmpfiles.rules = [ "f /run/app/api.key 0400 app app -" "d /var/lib/app/secrets 0700 - - -" ];"#,
    );
    assert_eq!(check(&source), []);
    let config = Config::from_toml("[lint.nix_mode]\nsecret = [\"*private*\"]\n").unwrap();
    assert_eq!(check_with(&source, &config.lint).len(), 3);
    let source = module(r#"  environment.etc."private.conf".mode = "0640";"#);
    assert_eq!(check_with(&source, &config.lint), []);
}

#[test]
fn nix_mode_negative_cases() {
    // Modes in strings, interpolated tmpfiles fields, options declarations and other keys.
    let source = module(
        r#"  systemd.tmpfiles.rules = [ "d ${cfg.dir} 0755 ${cfg.user} - -" "d /x ${mode} - - -" ];
  options.services.app.mode = lib.mkOption { default = "0777"; };
  environment.etc.a.text = "mode = 0777";
  services.app.mode = "0777";"#,
    );
    assert_eq!(check(&source), []);
}

// ---- repository rules ----

fn check_file(
    path: &str,
    language: Option<Language>,
    source: &str,
    facts: FileFacts,
) -> Vec<Diagnostic> {
    lint_source(
        Path::new(path),
        language,
        source,
        &LintConfig::default(),
        &facts,
    )
}

fn tracked(mode: u32) -> FileFacts {
    FileFacts {
        git_mode: Some(mode),
        in_repository: true,
        ..FileFacts::default()
    }
}

#[test]
fn git_exec_bit_from_the_index_then_the_file_system() {
    use flakefmt::lint::rules::git_exec_bit::{FileAction, file_action};
    let script = "#!/usr/bin/env bash\necho hi\n";
    let found = check_file(
        "update.sh",
        Some(Language::Shell),
        script,
        tracked(0o100644),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].rule.as_str(), found[0].range.clone()),
        ("git_exec_bit", 0..0)
    );
    assert_eq!(
        file_action(&found[0]),
        Some(FileAction::SetExecutable(true))
    );
    assert!(
        check_file(
            "update.sh",
            Some(Language::Shell),
            script,
            tracked(0o100755)
        )
        .is_empty()
    );
    // The index wins over the file system (core.fileMode=false).
    let facts = FileFacts {
        fs_mode: Some(0o644),
        ..tracked(0o100755)
    };
    assert!(check_file("update.sh", Some(Language::Shell), script, facts).is_empty());
    // Executable without shebang; binaries are exempt; symlinks and untracked files skipped.
    let found = check_file(
        "default.nix",
        Some(Language::Nix),
        "{ }\n",
        tracked(0o100755),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        file_action(&found[0]),
        Some(FileAction::SetExecutable(false))
    );
    let binary = FileFacts {
        head: b"\x7fELF\x02\x01".to_vec(),
        ..tracked(0o100755)
    };
    assert!(check_file("tool", None, "", binary).is_empty());
    let untracked = FileFacts {
        in_repository: true,
        fs_mode: Some(0o644),
        ..FileFacts::default()
    };
    assert!(check_file("new.sh", Some(Language::Shell), script, untracked).is_empty());
    // Outside a repository: the file system.
    let loose = FileFacts {
        fs_mode: Some(0o644),
        ..FileFacts::default()
    };
    assert_eq!(
        check_file("x.sh", Some(Language::Shell), script, loose).len(),
        1
    );
    let head_only = FileFacts {
        head: b"#!/bin/sh\n".to_vec(),
        ..tracked(0o100644)
    };
    assert_eq!(check_file("tool", None, "", head_only).len(), 1);
}

#[test]
fn committed_result_link_and_backup() {
    let link = FileFacts {
        symlink_target: Some("/nix/store/abc-hello-1.0".into()),
        is_symlink: true,
        ..tracked(0o120000)
    };
    let found = check_file("result", None, "", link);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "committed_result_link");
    let relative = FileFacts {
        symlink_target: Some("../docs/README.md".into()),
        ..tracked(0o120000)
    };
    assert!(check_file("README.md", None, "", relative).is_empty());
    let found = check_file("flake.nix.orig", None, "", tracked(0o100644));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "committed_backup");
    assert_eq!(
        check_file("notes.bak", None, "", tracked(0o100644)).len(),
        1
    );
    assert!(check_file("notes.bak", None, "", FileFacts::default()).is_empty());
    assert!(check_file(".bak", None, "", tracked(0o100644)).is_empty());
}

#[test]
fn nix_mode_in_scripts() {
    // Nix shell strings: positions map back into the .nix file.
    let source = module(
        r#"  systemd.services.app.preStart = ''
    install -d -m 0755 /var/lib/app
    chmod 0666 /var/lib/app/queue.db
  '';
  systemd.services.app.script = "chmod o+w /srv";"#,
    );
    assert_eq!(
        check(&source),
        [
            ("nix_mode".to_string(), Severity::Error, "0666".to_string()),
            ("nix_mode".to_string(), Severity::Error, "o+w".to_string()),
        ]
    );
    // Shell files; `testScript` is not shell; arguments of other commands are not modes.
    let script =
        "#!/bin/sh\nset -e\ninstall -Dm4755 tool /usr/local/bin/tool\necho chmod 0777 /x\n";
    let found = lint_source(
        Path::new("setup.sh"),
        Some(Language::Shell),
        script,
        &LintConfig::default(),
        &FileFacts::default(),
    );
    let texts: Vec<_> = found
        .iter()
        .map(|d| (d.rule.as_str(), &script[d.range.clone()]))
        .collect();
    assert_eq!(texts, [("nix_mode", "4755")]);
    let source = module(r#"  testScript = "machine.succeed('chmod 0777 /srv')";"#);
    assert_eq!(check(&source), []);
}

#[test]
fn nix_mode_disagreeing_sources() {
    let source = module(
        r#"  users.users.app = {
    isSystemUser = true;
    home = "/var/lib/app";
    createHome = true;
  };
  systemd.tmpfiles.rules = [ "d /var/lib/app 0755 app app -" ];"#,
    );
    let found = lint_source(
        Path::new("m.nix"),
        Some(Language::Nix),
        &source,
        &LintConfig::default(),
        &FileFacts::default(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(&source[found[0].range.clone()], "0755");
    assert!(
        found[0].message.contains("/var/lib/app"),
        "{}",
        found[0].message
    );
    assert_eq!(&source[found[0].labels[0].range.clone()], "/var/lib/app");
    // Agreeing sources, and homes NixOS does not create, are fine.
    let source = module(
        r#"  users.users.app = { home = "/var/lib/app"; createHome = true; homeMode = "0755"; };
  users.users.web.home = "/srv/web";
  systemd.tmpfiles.rules = [ "d /var/lib/app 0755 app app -" "d /srv/web 0755 web web -" ];"#,
    );
    assert_eq!(check(&source), []);
}

#[test]
fn unused_allow_fix_removes_only_wholly_stale_comments() {
    assert_eq!(
        fix(
            "{\n  a = 1; # flakefmt: allow(sri_hash)\n  # flakefmt: allow(nope, FF104)\n  b = 2;\n}\n",
            false
        ),
        "{\n  a = 1;\n  b = 2;\n}\n"
    );
    // One of the two names is used: the comment stays.
    let source = format!(
        "builtins.fetchurl {{\n  sha256 = \"{V6_NIX32}\"; # flakefmt: allow(sri_hash, nix_mode)\n}}\n"
    );
    let found = check(&source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "unused_allow");
    let diagnostics = lint_source(
        Path::new("t.nix"),
        Some(Language::Nix),
        &source,
        &LintConfig::default(),
        &FileFacts::default(),
    );
    assert!(diagnostics[0].fix.is_none());
}
