//! The command line, driven through the built binary on temporary trees.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const UGLY_PY: &str = "x=1\ndef f( a,b ):\n  return a\n";
const PRETTY_PY: &str = "x = 1\n\n\ndef f(a, b):\n    return a\n";
const OK_NIX: &str = "{ a = 1; }\n";
const BAD_NIX: &str = "{\n  a = ;\n}\n";

fn flakefmt(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run flakefmt")
}

fn flakefmt_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn flakefmt");
    // flakefmt may exit before reading stdin (a usage error): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().expect("run flakefmt")
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

fn read(dir: &TempDir, path: &str) -> String {
    fs::read_to_string(dir.path().join(path)).unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn formats_in_place_and_is_idempotent() {
    let dir = tree(&[("a.py", UGLY_PY), ("b/c.py", PRETTY_PY), ("ok.nix", OK_NIX)]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "a.py"), PRETTY_PY);
    assert_eq!(read(&dir, "b/c.py"), PRETTY_PY);
    let output = flakefmt(dir.path(), &["fmt", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn check_prints_a_diff_writes_nothing_and_exits_1() {
    let dir = tree(&[("a.py", UGLY_PY), ("ok.nix", OK_NIX)]);
    for args in [
        &["--check"][..],
        &["fmt", "--check"],
        &["--check", "fmt", "."],
    ] {
        let output = flakefmt(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        let diff = stdout(&output);
        assert!(diff.starts_with("--- a/a.py\n+++ b/a.py\n@@ "), "{diff}");
        assert!(diff.contains("-def f( a,b ):\n"), "{diff}");
        assert!(diff.contains("+def f(a, b):\n"), "{diff}");
        assert!(!diff.contains('\x1b'), "no colour off a terminal: {diff:?}");
        assert_eq!(read(&dir, "a.py"), UGLY_PY);
    }
}

#[test]
fn diff_prints_a_diff_writes_nothing_and_exits_0() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["fmt", "--diff"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("+x = 1\n"));
    assert_eq!(read(&dir, "a.py"), UGLY_PY);
}

#[test]
fn color_always_colours_the_diff() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["--diff", "--color", "always"]);
    assert!(
        stdout(&output).contains("\x1b[32m+x = 1\x1b[0m"),
        "{:?}",
        stdout(&output)
    );
    let output = flakefmt(dir.path(), &["--diff", "--color", "never"]);
    assert!(!stdout(&output).contains('\x1b'));
}

#[test]
fn stdin_mode_formats_to_stdout() {
    let dir = tree(&[]);
    let output = flakefmt_stdin(
        dir.path(),
        &["--stdin-filepath", "x/y.py"],
        UGLY_PY.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), PRETTY_PY);
    assert!(!dir.path().join("x").exists());
    // After the subcommand too.
    let output = flakefmt_stdin(
        dir.path(),
        &["fmt", "--stdin-filepath", "y.nix"],
        OK_NIX.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), OK_NIX);
}

#[test]
fn stdin_syntax_error_prints_nothing_on_stdout_and_exits_2() {
    let dir = tree(&[]);
    let output = flakefmt_stdin(
        dir.path(),
        &["--stdin-filepath", "f.nix"],
        BAD_NIX.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("f.nix:2:7"), "{}", stderr(&output));
    let output = flakefmt_stdin(dir.path(), &["--stdin-filepath", "f.py"], b"def f(:\n");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("f.py:1:"), "{}", stderr(&output));
}

#[test]
fn stdin_check_exits_1_with_a_diff() {
    let dir = tree(&[]);
    let output = flakefmt_stdin(
        dir.path(),
        &["--check", "--stdin-filepath", "a.py"],
        UGLY_PY.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("--- a/a.py\n+++ b/a.py\n"));
    let output = flakefmt_stdin(
        dir.path(),
        &["--check", "--stdin-filepath", "a.py"],
        PRETTY_PY.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn syntax_errors_name_file_line_col_and_leave_the_file() {
    let dir = tree(&[("bad.nix", BAD_NIX), ("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("error[syntax_error]"), "{err}");
    assert!(err.contains("bad.nix:2:7"), "{err}");
    assert_eq!(read(&dir, "bad.nix"), BAD_NIX);
    // The error in one file does not stop the others.
    assert_eq!(read(&dir, "a.py"), PRETTY_PY);
}

#[test]
fn exit_code_is_the_worst() {
    let dir = tree(&[("bad.nix", BAD_NIX), ("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["--check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("+++ b/a.py"));
}

#[test]
fn walk_honours_gitignore_and_walks_hidden_dirs() {
    let dir = tree(&[
        (".gitignore", "ignored/\n"),
        ("ignored/a.py", UGLY_PY),
        (".github/s.py", UGLY_PY),
        ("sub/.ignore", "skip.py\n"),
        ("sub/skip.py", UGLY_PY),
        ("sub/keep.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "ignored/a.py"), UGLY_PY);
    assert_eq!(read(&dir, "sub/skip.py"), UGLY_PY);
    assert_eq!(read(&dir, ".github/s.py"), PRETTY_PY);
    assert_eq!(read(&dir, "sub/keep.py"), PRETTY_PY);
}

#[test]
fn never_descends_into_dot_git() {
    let dir = tree(&[(".git/hooks/x.py", UGLY_PY), ("a.py", PRETTY_PY)]);
    let output = flakefmt(dir.path(), &["--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(read(&dir, ".git/hooks/x.py"), UGLY_PY);
}

#[test]
fn explicit_files_are_processed_even_if_ignored() {
    let dir = tree(&[(".gitignore", "gen.py\n"), ("gen.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["gen.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "gen.py"), PRETTY_PY);
}

#[test]
fn explicit_unsupported_file_is_skipped_with_a_note() {
    let dir = tree(&[("notes.txt", "hello\n")]);
    let output = flakefmt(dir.path(), &["notes.txt"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("notes.txt: skipped"),
        "{}",
        stderr(&output)
    );
    let output = flakefmt(dir.path(), &["--quiet", "notes.txt"]);
    assert_eq!(stderr(&output), "");
}

#[test]
fn missing_path_is_an_error() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["nope.py", "a.py"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope.py"));
    assert_eq!(read(&dir, "a.py"), PRETTY_PY);
}

#[test]
fn python_shebang_scripts_are_formatted() {
    let dir = tree(&[
        ("bin/tool", "#!/usr/bin/env python3\nx=1\n"),
        ("bin/other", "#!/bin/sh\nx=1\n"),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "bin/tool"), "#!/usr/bin/env python3\nx = 1\n");
    assert_eq!(read(&dir, "bin/other"), "#!/bin/sh\nx=1\n");
}

#[test]
fn output_is_sorted_by_path_whatever_the_jobs() {
    let mut files = Vec::new();
    let names: Vec<String> = (0..40).map(|i| format!("d{}/f{}.py", i % 7, i)).collect();
    for name in &names {
        files.push((name.as_str(), UGLY_PY));
    }
    let dir = tree(&files);
    let mut expected: Vec<String> = names.clone();
    expected.sort();
    for jobs in ["1", "4"] {
        let output = flakefmt(dir.path(), &["--check", "--jobs", jobs]);
        assert_eq!(output.status.code(), Some(1));
        let order: Vec<String> = stdout(&output)
            .lines()
            .filter_map(|line| line.strip_prefix("--- a/"))
            .map(str::to_string)
            .collect();
        assert_eq!(order, expected, "--jobs {jobs}");
    }
}

#[test]
fn help_has_examples_and_version_works() {
    let dir = tree(&[]);
    let output = flakefmt(dir.path(), &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Examples:"));
    let output = flakefmt(dir.path(), &["--version"]);
    assert_eq!(
        stdout(&output).trim(),
        format!("flakefmt {}", env!("CARGO_PKG_VERSION"))
    );
    let output = flakefmt(dir.path(), &["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn lint_commands_never_format() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    for (command, code) in [("lint", 0), ("check", 1)] {
        let output = flakefmt(dir.path(), &[command, "a.py", "--force-exclude"]);
        assert_eq!(output.status.code(), Some(code), "{command}");
        assert_eq!(read(&dir, "a.py"), UGLY_PY, "{command}");
    }
}

#[test]
fn quiet_prints_only_findings_and_errors() {
    let dir = tree(&[
        ("a.py", UGLY_PY),
        ("bad.nix", BAD_NIX),
        ("notes.txt", "x\n"),
    ]);
    let output = flakefmt(dir.path(), &["--check", "--quiet", "--verbose"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "--quiet and --verbose conflict"
    );
    let output = flakefmt(dir.path(), &["--check", "--quiet", ".", "notes.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("+++ b/a.py"));
    let err = stderr(&output);
    assert!(err.contains("bad.nix:2:7"), "{err}");
    assert!(!err.contains("note:"), "{err}");
    assert!(!err.contains(" in "), "no summary: {err}");
}

#[test]
fn verbose_prints_outcomes_and_the_summary() {
    let dir = tree(&[("a.py", UGLY_PY), ("b.py", PRETTY_PY), ("bad.nix", BAD_NIX)]);
    let output = flakefmt(dir.path(), &["--verbose"]);
    let err = stderr(&output);
    assert!(err.contains("note: a.py: formatted"), "{err}");
    assert!(err.contains("note: b.py: unchanged"), "{err}");
    let summary = err.lines().last().unwrap();
    assert!(
        summary.starts_with("1 file formatted, 1 unchanged, 1 failed in "),
        "{summary}"
    );
    fs::write(dir.path().join("a.py"), UGLY_PY).unwrap();
    let output = flakefmt(dir.path(), &["--check", "--verbose"]);
    let summary = stderr(&output).lines().last().unwrap().to_string();
    assert!(
        summary.starts_with("1 file would be reformatted, 1 unchanged, 1 failed in "),
        "{summary}"
    );
}

#[test]
fn no_summary_off_a_terminal() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "");
}

#[test]
fn print_tree_shows_the_syntax_tree() {
    let dir = tree(&[("a.nix", OK_NIX), ("bad.nix", BAD_NIX)]);
    let output = flakefmt(dir.path(), &["--print-tree", "a.nix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("NODE_ATTR_SET"),
        "{}",
        stdout(&output)
    );
    let output = flakefmt_stdin(
        dir.path(),
        &["--print-tree", "--stdin-filepath", "x.nix"],
        b"[ 1 ]",
    );
    assert!(stdout(&output).contains("NODE_LIST"), "{}", stdout(&output));
    let output = flakefmt(dir.path(), &["--print-ir", "a.nix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = flakefmt(dir.path(), &["--print-tree", "bad.nix"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad.nix:2:7"));
    let output = flakefmt(dir.path(), &["--print-tree", "a.nix", "bad.nix"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    // The formatters may refuse very deep input with a diagnostic (exit 2), but the process
    // must not die of a stack overflow (a signal, no exit code) or show a raw panic.
    let depth = 2000;
    let deep = format!("{}{}\n", "[ ".repeat(depth), "]".repeat(depth));
    let python = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let dir = tree(&[("deep.nix", &deep)]);
    let runs = [
        flakefmt(dir.path(), &["--check", "--quiet"]),
        flakefmt_stdin(
            dir.path(),
            &["--stdin-filepath", "deep.nix"],
            deep.as_bytes(),
        ),
        flakefmt_stdin(
            dir.path(),
            &["--stdin-filepath", "deep.py"],
            python.as_bytes(),
        ),
    ];
    for output in runs {
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "{:?}: {}",
            output.status,
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
        assert!(!stderr(&output).contains("overflow"), "{}", stderr(&output));
    }
}

#[test]
fn a_directory_and_a_file_inside_it_are_processed_once() {
    let dir = tree(&[("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["--check", ".", "a.py", "./a.py"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output).matches("+++ b/a.py").count(),
        1,
        "{}",
        stdout(&output)
    );
}

#[test]
fn global_git_excludes_and_info_exclude_are_honoured() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join(".config/git")).unwrap();
    fs::write(home.path().join(".config/git/ignore"), "*.gen.py\n").unwrap();
    let dir = tree(&[("a.gen.py", UGLY_PY), ("b.py", UGLY_PY), ("c.py", UGLY_PY)]);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_flakefmt"))
            .arg("--check")
            .current_dir(dir.path())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap()
    };
    let diff = stdout(&run());
    assert!(!diff.contains("a.gen.py"), "{diff}");
    assert!(diff.contains("+++ b/b.py"), "{diff}");
    let git_init = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status();
    if !git_init.is_ok_and(|status| status.success()) {
        eprintln!("skipping the .git/info/exclude part: git is not installed");
        return;
    }
    fs::write(dir.path().join(".git/info/exclude"), "b.py\n").unwrap();
    let diff = stdout(&run());
    assert!(!diff.contains("b.py"), "{diff}");
    assert!(diff.contains("+++ b/c.py"), "{diff}");
}

#[test]
fn explicit_lint_only_files_are_left_alone() {
    let dir = tree(&[("run.sh", "echo   hi\n"), ("README.md", "#  x\n")]);
    let output = flakefmt(dir.path(), &["run.sh", "README.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "run.sh"), "echo   hi\n");
    assert_eq!(read(&dir, "README.md"), "#  x\n");
}

#[test]
fn python_syntax_error_in_a_file_names_line_and_column() {
    let dir = tree(&[("broken.py", "x = 1\ndef f(:\n    pass\n")]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("error[syntax_error]"), "{err}");
    assert!(err.contains("broken.py:2:7"), "{err}");
    assert_eq!(read(&dir, "broken.py"), "x = 1\ndef f(:\n    pass\n");
}

#[test]
fn stdin_edge_cases() {
    let dir = tree(&[]);
    // Not UTF-8: an error, nothing on stdout.
    let output = flakefmt_stdin(dir.path(), &["--stdin-filepath", "a.py"], b"x = '\xff'\n");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("not valid UTF-8"),
        "{}",
        stderr(&output)
    );
    // A file flakefmt does not format comes back unchanged.
    let output = flakefmt_stdin(dir.path(), &["--stdin-filepath", "notes.txt"], b"x=1\n");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "x=1\n");
    // The language of an extensionless path comes from the shebang.
    let output = flakefmt_stdin(
        dir.path(),
        &["--stdin-filepath", "bin/tool"],
        b"#!/usr/bin/env python3\nx=1\n",
    );
    assert_eq!(stdout(&output), "#!/usr/bin/env python3\nx = 1\n");
    // Paths and stdin together are a usage error.
    let output = flakefmt_stdin(dir.path(), &["--stdin-filepath", "a.py", "b.py"], b"x=1\n");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    // --diff in stdin mode prints the diff and exits 0.
    let output = flakefmt_stdin(
        dir.path(),
        &["--diff", "--stdin-filepath", "a.py"],
        b"x=1\n",
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("+x = 1\n"));
}

#[test]
fn tool_environments_are_never_walked_unless_named() {
    let dir = tree(&[
        (".venv/lib/site.py", UGLY_PY),
        (".direnv/x.py", UGLY_PY),
        ("web/node_modules/pkg/y.py", UGLY_PY),
        ("src/a.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &["--check"]);
    let diff = stdout(&output);
    assert!(diff.contains("+++ b/src/a.py"), "{diff}");
    assert_eq!(diff.matches("+++ ").count(), 1, "{diff}");
    let output = flakefmt(dir.path(), &["--check", ".venv"]);
    assert!(stdout(&output).contains("+++ b/.venv/lib/site.py"));
}
