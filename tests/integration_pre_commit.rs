//! The pre-commit hooks, tested with the real `pre-commit` (PyPI) on temporary git
//! repositories.
//!
//! Building flakefmt inside pre-commit (`language: rust`) takes minutes, so these tests turn
//! the hooks of `.pre-commit-hooks.yaml` into a `repo: local` configuration with the same
//! ids, entries (pointing at the binary cargo just built), file types and options, and
//! `language: system`. The full build is one documented command (README, "pre-commit"):
//! `pre-commit try-repo /path/to/flakefmt flakefmt --all-files`.
//!
//! Without `git` or `pre-commit` on the PATH the tests print why and pass; `.ci/run`
//! installs pre-commit.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

const PY_MESSY: &str = "def  main( ):\n    print( 'hello' )\n";
const PY_FORMATTED: &str = "def main():\n    print(\"hello\")\n";
const NIX_MESSY: &str = "{\n      greeting   =  \"hello\";\n}\n";
const NIX_FORMATTED: &str = "{\n  greeting = \"hello\";\n}\n";

/// One hook of `.pre-commit-hooks.yaml`: its keys in file order, values as written.
#[derive(Debug)]
struct Hook {
    fields: Vec<(String, String)>,
}

impl Hook {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// Keys this reader understands; any other key fails the test, so a key added to the
/// manifest cannot be silently dropped from the tested configuration.
const KNOWN_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "entry",
    "language",
    "types_or",
    "require_serial",
];

/// Reads the repository's `.pre-commit-hooks.yaml`. It is kept in the simple block style
/// this reader accepts (`- id: x` then `  key: value`, flow lists, `#` comments).
fn manifest_hooks() -> Vec<Hook> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let text = fs::read_to_string(&path).expect("read .pre-commit-hooks.yaml");
    let mut hooks: Vec<Hook> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (starts_hook, rest) = match line.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (
                false,
                line.strip_prefix("  ")
                    .unwrap_or_else(|| panic!("line {}: unexpected indentation", number + 1)),
            ),
        };
        let (key, value) = rest
            .split_once(": ")
            .unwrap_or_else(|| panic!("line {}: expected `key: value`", number + 1));
        assert!(
            KNOWN_KEYS.contains(&key),
            "line {}: key `{key}` is not handled by this test",
            number + 1
        );
        if starts_hook {
            hooks.push(Hook { fields: Vec::new() });
        }
        hooks
            .last_mut()
            .expect("a hook starts with `- id:`")
            .fields
            .push((key.to_string(), value.trim().to_string()));
    }
    hooks
}

/// The manifest's hooks as a `repo: local` configuration running the built binary.
fn local_config(hooks: &[Hook]) -> String {
    let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
    for hook in hooks {
        for (index, (key, value)) in hook.fields.iter().enumerate() {
            let value = match key.as_str() {
                "language" => {
                    assert_eq!(value, "rust", "the published hooks build with cargo");
                    "system".to_string()
                }
                "entry" => {
                    let arguments = value
                        .strip_prefix("flakefmt")
                        .expect("entries start with `flakefmt`");
                    format!("'{BIN}{arguments}'")
                }
                _ => value.clone(),
            };
            let lead = if index == 0 { "      - " } else { "        " };
            config.push_str(&format!("{lead}{key}: {value}\n"));
        }
    }
    config
}

fn tool_missing(test: &str) -> bool {
    for tool in ["git", "pre-commit"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
        if !found {
            eprintln!("skipping {test}: `{tool}` is not installed (pip install pre-commit)");
            return true;
        }
    }
    false
}

fn run(cwd: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(cwd)
        .args(args)
        .env("PRE_COMMIT_HOME", cwd.join(".pre-commit-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("run {program}: {error}"))
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A git repository with unformatted Nix and Python files, an excluded directory and the
/// local hook configuration, everything staged.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("tools")).unwrap();
    fs::create_dir_all(root.join("vendor")).unwrap();
    fs::write(root.join("module.nix"), NIX_MESSY).unwrap();
    fs::write(root.join("tools/helper.py"), PY_MESSY).unwrap();
    fs::write(root.join("vendor/third_party.py"), PY_MESSY).unwrap();
    fs::write(root.join("notes.txt"), "not for flakefmt\n").unwrap();
    fs::write(root.join("flakefmt.toml"), "exclude = [\"vendor\"]\n").unwrap();
    fs::write(
        root.join(".pre-commit-config.yaml"),
        local_config(&manifest_hooks()),
    )
    .unwrap();
    let init = run(root, "git", &["init", "-q"]);
    assert!(init.status.success(), "{}", show(&init));
    let add = run(root, "git", &["add", "."]);
    assert!(add.status.success(), "{}", show(&add));
    dir
}

#[test]
fn manifest_declares_the_three_hooks() {
    let hooks = manifest_hooks();
    let ids: Vec<&str> = hooks.iter().map(|hook| hook.get("id").unwrap()).collect();
    assert_eq!(ids, ["flakefmt", "flakefmt-check", "flakefmt-lint"]);
    for hook in &hooks {
        assert_eq!(hook.get("language"), Some("rust"));
        assert_eq!(hook.get("require_serial"), Some("false"));
        let types = hook.get("types_or").expect("types_or");
        for kind in ["nix", "python", "pyi"] {
            assert!(types.contains(kind), "{types}");
        }
        assert!(
            hook.get("entry").unwrap().contains("--force-exclude"),
            "entries honour flakefmt.toml's exclude"
        );
    }
}

#[test]
fn format_hook_fails_once_then_passes() {
    if tool_missing("format_hook_fails_once_then_passes") {
        return;
    }
    let dir = repository();
    let root = dir.path();
    let first = run(root, "pre-commit", &["run", "flakefmt", "--all-files"]);
    // Files modified: pre-commit reports the hook as failed.
    assert_eq!(first.status.code(), Some(1), "{}", show(&first));
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("files were modified by this hook"),
        "{}",
        show(&first)
    );
    assert_eq!(
        fs::read_to_string(root.join("tools/helper.py")).unwrap(),
        PY_FORMATTED
    );
    // flakefmt.toml's exclude applies to files pre-commit names explicitly.
    assert_eq!(
        fs::read_to_string(root.join("vendor/third_party.py")).unwrap(),
        PY_MESSY
    );
    assert_eq!(
        fs::read_to_string(root.join("module.nix")).unwrap(),
        NIX_FORMATTED
    );
    let second = run(root, "pre-commit", &["run", "flakefmt", "--all-files"]);
    assert!(second.status.success(), "second run:\n{}", show(&second));
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("Passed"),
        "{}",
        show(&second)
    );
}

#[test]
fn check_hook_fails_on_unformatted_files_and_writes_nothing() {
    if tool_missing("check_hook_fails_on_unformatted_files_and_writes_nothing") {
        return;
    }
    let dir = repository();
    let root = dir.path();
    let output = run(
        root,
        "pre-commit",
        &["run", "flakefmt-check", "--all-files"],
    );
    // Nothing is ever written by the check hook.
    assert_eq!(
        fs::read_to_string(root.join("tools/helper.py")).unwrap(),
        PY_MESSY
    );
    assert_eq!(
        fs::read_to_string(root.join("module.nix")).unwrap(),
        NIX_MESSY
    );
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("tools/helper.py"), "{}", show(&output));
    assert!(
        !stdout.contains("vendor/third_party.py"),
        "{}",
        show(&output)
    );
}

#[test]
fn hooks_are_skipped_for_files_flakefmt_does_not_read() {
    if tool_missing("hooks_are_skipped_for_files_flakefmt_does_not_read") {
        return;
    }
    let dir = repository();
    let root = dir.path();
    // Only notes.txt: no hook has a file to run on.
    for hook in ["flakefmt", "flakefmt-check", "flakefmt-lint"] {
        let output = run(root, "pre-commit", &["run", hook, "--files", "notes.txt"]);
        assert!(output.status.success(), "{}", show(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("(no files to check)Skipped"),
            "{hook}: {}",
            show(&output)
        );
    }
}

#[test]
fn lint_hook_reports_findings_and_passes_once_they_are_fixed() {
    if tool_missing("lint_hook_reports_findings_and_passes_once_they_are_fixed") {
        return;
    }
    let dir = repository();
    let root = dir.path();
    let fetch = |hash: &str| {
        format!(
            "{{ fetchurl }}:\nfetchurl {{\n  url = \"https://example.org/a.tar.gz\";\n  hash = \"{hash}\";\n}}\n"
        )
    };
    fs::write(root.join("source.nix"), fetch("")).unwrap();
    let output = run(
        root,
        "pre-commit",
        &["run", "flakefmt-lint", "--files", "source.nix"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("placeholder_hash"),
        "{}",
        show(&output)
    );
    fs::write(
        root.join("source.nix"),
        fetch("sha256-IdU23rswdtT26QRL2e8VyMWLKfnL1K1AawWDEKVl3rw="),
    )
    .unwrap();
    let output = run(
        root,
        "pre-commit",
        &["run", "flakefmt-lint", "--files", "source.nix"],
    );
    assert!(output.status.success(), "{}", show(&output));
}
