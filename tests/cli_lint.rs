//! `flakefmt lint`, `check` and `rule` through the built binary: exit codes, every output
//! format, fixes (text and exec bits), configuration, stdin.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");
const NIX32: &str = "0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8";
const SRI: &str = "sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FA=";
const UGLY_PY: &str = "x=1\n";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run flakefmt")
}

fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn flakefmt");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn legacy_fetch() -> String {
    format!(
        "builtins.fetchurl {{\n  url = \"https://example.org/x\";\n  sha256 = \"{NIX32}\";\n}}\n"
    )
}

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn lint_exit_codes() {
    // Clean: 0.
    let dir = tree(&[("ok.nix", "{ a = 1; }\n")]);
    assert_eq!(run(dir.path(), &["lint"]).status.code(), Some(0));
    // An error finding: 1.
    let dir = tree(&[("a.nix", &legacy_fetch())]);
    let output = run(dir.path(), &["lint"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // A warning finding: 1.
    let dir = tree(&[("a.nix", "{\n  # flakefmt: allow(sri_hash)\n  a = 1;\n}\n")]);
    assert_eq!(run(dir.path(), &["lint"]).status.code(), Some(1));
    // Info only: 0.
    let dir = tree(&[
        ("a.nix", &legacy_fetch()),
        ("flakefmt.toml", "[lint.severity]\nsri_hash = \"info\"\n"),
    ]);
    let output = run(dir.path(), &["lint", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("info[sri_hash]"),
        "{}",
        stdout(&output)
    );
    // A syntax error: 2, reported as a finding.
    let dir = tree(&[("a.nix", "{ a = ; }\n")]);
    let output = run(dir.path(), &["lint", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("a.nix:1:"), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("error[syntax_error]"),
        "{}",
        stdout(&output)
    );
    // Unknown rule in the configuration: 2, naming it.
    let dir = tree(&[
        ("a.nix", "{ }\n"),
        ("flakefmt.toml", "[lint]\nignore = [\"sri_hashes\"]\n"),
    ]);
    let output = run(dir.path(), &["lint"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("sri_hashes"),
        "{}",
        stderr(&output)
    );
    // Unknown output format: 2.
    assert_eq!(
        run(dir.path(), &["lint", "--output-format", "xml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn check_exit_codes_and_format_findings() {
    let dir = tree(&[("ok.nix", "{ a = 1; }\n"), ("ok.py", "x = 1\n")]);
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(0));
    // Formatting only: 1, with a diff in human output and a `format` finding otherwise.
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("+x = 1"), "{}", stdout(&output));
    let output = run(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "a.py:1:1: error[format]: the file is not formatted (run `flakefmt fmt`)\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        UGLY_PY,
        "check writes nothing"
    );
    // Lint only: 1.
    let dir = tree(&[("a.nix", &legacy_fetch())]);
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(1));
    // Info only: 0.
    let dir = tree(&[
        ("a.nix", &legacy_fetch()),
        ("flakefmt.toml", "[lint.severity]\nsri_hash = \"info\"\n"),
    ]);
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn every_output_format() {
    let dir = tree(&[("pkgs/a.nix", &legacy_fetch())]);
    let output = run(dir.path(), &["lint"]);
    let text = stdout(&output);
    assert!(
        text.contains("error[sri_hash]: hash in nix32 (base-32) form, not SRI"),
        "{text}"
    );
    assert!(text.contains("┌─ pkgs/a.nix:3:13"), "{text}");
    assert!(text.contains(&format!("sha256 = \"{NIX32}\";")), "{text}");
    assert!(
        stderr(&output).contains("1 error, 0 warnings"),
        "{}",
        stderr(&output)
    );

    let output = run(dir.path(), &["lint", "--output-format", "concise"]);
    assert_eq!(
        stdout(&output),
        "pkgs/a.nix:3:13: error[sri_hash]: hash in nix32 (base-32) form, not SRI\n"
    );

    let output = run(dir.path(), &["lint", "--output-format", "github"]);
    assert_eq!(
        stdout(&output),
        "::error file=pkgs/a.nix,line=3,col=13,endLine=3,endColumn=65,title=flakefmt sri_hash::hash in nix32 (base-32) form, not SRI\n"
    );

    let output = run(dir.path(), &["lint", "--output-format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["summary"]["errors"], 1);
    let finding = &value["diagnostics"][0];
    assert_eq!(finding["path"], "pkgs/a.nix");
    assert_eq!(finding["rule"], "sri_hash");
    assert_eq!(finding["start"]["line"], 3);
    assert_eq!(finding["fix"]["edits"][0]["replacement"], SRI);

    let output = run(dir.path(), &["lint", "--output-format", "sarif"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let result = &value["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "sri_hash");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "pkgs/a.nix"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn fix_writes_safe_fixes_and_keeps_permissions() {
    let dir = tree(&[(
        "a.nix",
        "{ ... }:\n{\n  systemd.tmpfiles.rules = [ \"d /var/lib/x 755 x x -\" ];\n  environment.etc.a.mode = \"0664\";\n}\n",
    )]);
    let path = dir.path().join("a.nix");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let output = run(dir.path(), &["lint", "--fix"]);
    // The unsafe finding remains: exit 1.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("0755 x x -"), "{text}");
    assert!(text.contains("\"0664\""), "{text}");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let output = run(dir.path(), &["lint", "--unsafe-fixes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("mode = \"0644\"")
    );
}

#[test]
fn fix_sets_the_exec_bit_in_the_index_and_on_disk() {
    if !git_available() {
        eprintln!("git is not installed: skipping");
        return;
    }
    let dir = tree(&[
        ("update.sh", "#!/bin/sh\necho hi\n"),
        ("default.nix", "{ }\n"),
    ]);
    let root = dir.path();
    fs::set_permissions(root.join("default.nix"), fs::Permissions::from_mode(0o755)).unwrap();
    git(root, &["init", "-q", "."]);
    git(root, &["add", "."]);
    let output = run(root, &["lint", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "default.nix:1:1: error[git_exec_bit]: `default.nix` is executable in the git index but has no `#!` line\n\
         update.sh:1:1: error[git_exec_bit]: `update.sh` starts with `#!` but is not executable in the git index\n"
    );
    let output = run(root, &["lint", "--fix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let index = git(root, &["ls-files", "-s"]);
    assert!(
        index.contains("100755") && index.contains("update.sh"),
        "{index}"
    );
    assert!(
        index
            .lines()
            .any(|l| l.starts_with("100644") && l.ends_with("default.nix")),
        "{index}"
    );
    assert_eq!(
        fs::metadata(root.join("update.sh"))
            .unwrap()
            .permissions()
            .mode()
            & 0o111,
        0o111
    );
    assert_eq!(
        fs::metadata(root.join("default.nix"))
            .unwrap()
            .permissions()
            .mode()
            & 0o111,
        0
    );
}

#[test]
fn committed_links_and_backups_even_when_ignored() {
    if !git_available() {
        eprintln!("git is not installed: skipping");
        return;
    }
    let dir = tree(&[("flake.nix.orig", "{ }\n"), (".gitignore", "result\n")]);
    let root = dir.path();
    std::os::unix::fs::symlink("/nix/store/0000-hello", root.join("result")).unwrap();
    git(root, &["init", "-q", "."]);
    git(root, &["add", "-f", "."]);
    let output = run(root, &["lint", "--output-format", "concise"]);
    assert_eq!(
        stdout(&output),
        "flake.nix.orig:1:1: warning[committed_backup]: a backup file (`.orig`) is committed: `flake.nix.orig`\n\
         result:1:1: error[committed_result_link]: a symbolic link into the Nix store is committed (to `/nix/store/0000-hello`)\n"
    );
}

#[test]
fn suppressions_in_files() {
    let source = format!(
        "builtins.fetchurl {{\n  url = \"u\";\n  sha256 = \"{NIX32}\"; # flakefmt: allow(sri_hash)\n}}\n"
    );
    let dir = tree(&[("a.nix", &source)]);
    assert_eq!(run(dir.path(), &["lint"]).status.code(), Some(0));
}

#[test]
fn stdin_lint_check_and_fix() {
    let dir = tree(&[]);
    let output = run_stdin(
        dir.path(),
        &[
            "lint",
            "--stdin-filepath",
            "x.nix",
            "--output-format",
            "concise",
        ],
        &legacy_fetch(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "x.nix:3:13: error[sri_hash]: hash in nix32 (base-32) form, not SRI\n"
    );
    let output = run_stdin(
        dir.path(),
        &["lint", "--fix", "--stdin-filepath", "x.nix"],
        &legacy_fetch(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), legacy_fetch().replace(NIX32, SRI));
    let output = run_stdin(
        dir.path(),
        &[
            "check",
            "--stdin-filepath",
            "x.py",
            "--output-format",
            "concise",
        ],
        UGLY_PY,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("x.py:1:1: error[format]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn rule_lists_and_explains() {
    let dir = tree(&[]);
    let output = run(dir.path(), &["rule"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for name in [
        "sri_hash",
        "hash_attr_rename",
        "fake_hash_name",
        "placeholder_hash",
        "nix_mode",
        "git_exec_bit",
    ] {
        assert!(text.contains(name), "{name}: {text}");
    }
    let output = run(dir.path(), &["rule", "sri_hash"]);
    assert!(
        stdout(&output).starts_with("# sri_hash (FF101)"),
        "{}",
        stdout(&output)
    );
    let output = run(dir.path(), &["rule", "FF401"]);
    assert!(
        stdout(&output).starts_with("# nix_mode"),
        "{}",
        stdout(&output)
    );
    let output = run(dir.path(), &["rule", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope"));
}

#[test]
fn the_readme_lint_configuration_parses() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("## Linting").expect("a Linting section")..];
    let start = section.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let toml = &section[start..start + section[start..].find("```").unwrap()];
    assert!(toml.contains("[lint]"), "{toml}");
    flakefmt::config::Config::from_toml(toml).unwrap();
}

/// `git_exec_bit` judges files it does not read as text by their first bytes: a Nix file
/// that does not parse, a file of no known language, a binary. (The first bytes are read
/// only when the cache cannot answer, and only for these files.)
#[test]
fn exec_bit_of_files_judged_by_their_first_bytes() {
    let dir = tree(&[
        ("broken.nix", "#!/usr/bin/env nix-shell\n{ a = ; }\n"),
        ("tool", "#!/usr/bin/perl\nprint 1;\n"),
        ("data.bin", "\0\0\0binary"),
        ("notes.txt", "just text\n"),
    ]);
    for name in ["broken.nix", "tool", "data.bin", "notes.txt"] {
        fs::set_permissions(dir.path().join(name), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let output = run(dir.path(), &["lint", "--output-format", "concise"]);
    let text = stdout(&output);
    let exec_findings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("git_exec_bit"))
        .collect();
    assert_eq!(
        exec_findings,
        [
            "notes.txt:1:1: error[git_exec_bit]: `notes.txt` is executable on disk but has no `#!` line"
        ],
        "{text}{}",
        stderr(&output)
    );
}
