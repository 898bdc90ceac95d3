//! Configuration through the binary: flakefmt.toml discovery, `exclude`, `--config`,
//! `[python]`, ruff's files, and errors that name the key and the file.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const UGLY_PY: &str = "x=1\n";
const PRETTY_PY: &str = "x = 1\n";
/// 70 characters once formatted: fits in 88, not in 60.
const LONG_PY: &str = "result = some_function(first_argument, second_argument, third_argum)\n";
const LONG_PY_60: &str =
    "result = some_function(\n    first_argument, second_argument, third_argum\n)\n";

fn flakefmt(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run flakefmt")
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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn unknown_key_is_an_error_naming_key_and_file() {
    let dir = tree(&[
        ("flakefmt.toml", "[format]\nline-widht = 80\n"),
        ("a.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("line-widht"), "{err}");
    assert!(err.contains("flakefmt.toml"), "{err}");
    assert_eq!(
        err.matches("invalid configuration").count(),
        1,
        "reported once: {err}"
    );
    assert_eq!(
        read(&dir, "a.py"),
        UGLY_PY,
        "nothing formatted under a broken config"
    );
}

#[test]
fn unknown_key_in_explicit_config_is_an_error() {
    let dir = tree(&[("conf/my.toml", "colour = true\n"), ("a.py", UGLY_PY)]);
    let output = flakefmt(dir.path(), &["--config", "conf/my.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("colour") && err.contains("conf/my.toml"),
        "{err}"
    );
}

#[test]
fn exclude_globs_are_relative_to_the_config_file() {
    let dir = tree(&[
        (
            "proj/flakefmt.toml",
            "exclude = [\"generated/\", \"*_pb2.py\"]\n",
        ),
        ("proj/generated/a.py", UGLY_PY),
        ("proj/api_pb2.py", UGLY_PY),
        ("proj/src/api_pb2.py", UGLY_PY),
        ("proj/keep.py", UGLY_PY),
        ("generated/outside.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "proj/generated/a.py"), UGLY_PY);
    assert_eq!(read(&dir, "proj/api_pb2.py"), UGLY_PY);
    assert_eq!(read(&dir, "proj/src/api_pb2.py"), UGLY_PY);
    assert_eq!(read(&dir, "proj/keep.py"), PRETTY_PY);
    // The glob is anchored at proj/, not at the directory flakefmt runs in.
    assert_eq!(read(&dir, "generated/outside.py"), PRETTY_PY);
}

#[test]
fn explicit_excluded_files_are_processed_unless_force_exclude() {
    let dir = tree(&[
        ("flakefmt.toml", "exclude = [\"vendor/\"]\n"),
        ("vendor/a.py", UGLY_PY),
        ("vendor/b.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &["--force-exclude", "vendor/a.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "vendor/a.py"), UGLY_PY);
    let output = flakefmt(dir.path(), &["vendor/a.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "vendor/a.py"), PRETTY_PY);
    // Naming an excluded directory processes it too.
    let output = flakefmt(dir.path(), &["vendor"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "vendor/b.py"), PRETTY_PY);
}

#[test]
fn stdin_force_exclude_echoes_the_input() {
    let dir = tree(&[("flakefmt.toml", "exclude = [\"vendor/\"]\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(["--force-exclude", "--stdin-filepath", "vendor/x.py"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(UGLY_PY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), UGLY_PY);
}

#[test]
fn nearest_ruff_config_applies_and_python_section_overrides_it() {
    let dir = tree(&[
        ("ruff.toml", "line-length = 60\n"),
        ("a.py", LONG_PY),
        ("sub/pyproject.toml", "[tool.ruff]\nline-length = 88\n"),
        ("sub/b.py", LONG_PY),
        // A pyproject.toml without [tool.ruff] is not a ruff configuration.
        ("sub2/pyproject.toml", "[project]\nname = \"x\"\n"),
        ("sub2/c.py", LONG_PY),
        ("over/flakefmt.toml", "[python]\nline-length = 88\n"),
        ("over/d.py", LONG_PY),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "a.py"), LONG_PY_60);
    assert_eq!(read(&dir, "sub/b.py"), LONG_PY);
    assert_eq!(read(&dir, "sub2/c.py"), LONG_PY_60);
    assert_eq!(read(&dir, "over/d.py"), LONG_PY);
}

#[test]
fn ruff_toml_wins_over_pyproject_in_the_same_directory() {
    let dir = tree(&[
        ("pyproject.toml", "[tool.ruff]\nline-length = 88\n"),
        ("ruff.toml", "line-length = 60\n"),
        ("a.py", LONG_PY),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "a.py"), LONG_PY_60);
}

#[test]
fn ruff_extend_is_followed() {
    let dir = tree(&[
        (
            "base.toml",
            "line-length = 60\n[format]\nquote-style = \"single\"\n",
        ),
        (
            "proj/ruff.toml",
            "extend = \"../base.toml\"\n[format]\nquote-style = \"double\"\n",
        ),
        ("proj/a.py", LONG_PY),
        ("proj/q.py", "x = 'a'\n"),
    ]);
    let output = flakefmt(dir.path(), &["proj"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "proj/a.py"), LONG_PY_60);
    assert_eq!(read(&dir, "proj/q.py"), "x = \"a\"\n");
}

#[test]
fn line_width_flag_is_for_nix_not_python() {
    let dir = tree(&[("a.py", LONG_PY)]);
    let output = flakefmt(dir.path(), &["--line-width", "40"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "a.py"), LONG_PY);
}

#[test]
fn bad_ruff_config_value_is_an_error_naming_the_file() {
    let dir = tree(&[
        ("ruff.toml", "[format]\nquote-style = \"curly\"\n"),
        ("a.py", UGLY_PY),
        ("ok.nix", "{ }\n"),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("ruff.toml") && err.contains("format.quote-style"),
        "{err}"
    );
    assert_eq!(read(&dir, "a.py"), UGLY_PY);
}

#[test]
fn stdin_filepath_chooses_the_configuration() {
    let dir = tree(&[("py/ruff.toml", "line-length = 60\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(["--stdin-filepath", "py/not-yet-saved.py"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(LONG_PY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), LONG_PY_60);
}

#[test]
fn nix_width_and_indent_come_from_format_and_the_command_line() {
    // Fits in 100 columns, not in 10: only the width decides whether it changes.
    const APPLY: &str = "foo bar baz qux quux corge grault\n";
    let dir = tree(&[("w.nix", APPLY)]);
    let check = |args: &[&str]| {
        let mut all = vec!["--check"];
        all.extend_from_slice(args);
        flakefmt(dir.path(), &all)
    };
    assert_eq!(
        check(&[]).status.code(),
        Some(0),
        "fits in the default width"
    );
    let narrow = check(&["--line-width", "10"]);
    assert_eq!(narrow.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&narrow.stdout).into_owned();
    assert!(
        diff.lines()
            .any(|line| line.starts_with("+  b") || line.starts_with("+  q")),
        "{diff}"
    );
    let wide_indent = check(&["--line-width", "10", "--indent-width", "4"]);
    let diff = String::from_utf8_lossy(&wide_indent.stdout).into_owned();
    assert!(diff.lines().any(|line| line.starts_with("+    ")), "{diff}");
    fs::write(
        dir.path().join("flakefmt.toml"),
        "[format]\nline-width = 10\n",
    )
    .unwrap();
    assert_eq!(
        check(&[]).status.code(),
        Some(1),
        "[format] line-width applies"
    );
    assert_eq!(
        check(&["--line-width", "100"]).status.code(),
        Some(0),
        "the command line wins over [format]"
    );
}

#[test]
fn explicit_config_applies_everywhere_with_excludes_relative_to_it() {
    let dir = tree(&[
        ("conf/flakefmt.toml", "exclude = [\"gen/\"]\n"),
        ("conf/gen/a.py", UGLY_PY),
        ("gen/b.py", UGLY_PY),
        // Ignored because --config wins over the nearest file.
        ("sub/flakefmt.toml", "not valid = [\n"),
        ("sub/c.py", UGLY_PY),
    ]);
    let output = flakefmt(dir.path(), &["--config", "conf/flakefmt.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&dir, "conf/gen/a.py"), UGLY_PY);
    assert_eq!(read(&dir, "gen/b.py"), PRETTY_PY);
    assert_eq!(read(&dir, "sub/c.py"), PRETTY_PY);
    let output = flakefmt(dir.path(), &["--config", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_config_is_an_error_even_with_nothing_to_format() {
    let dir = tree(&[
        ("docs/flakefmt.toml", "[format]\nwidth = 80\n"),
        ("docs/guide.md", "# Guide\n"),
    ]);
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("docs/flakefmt.toml") && err.contains("width"),
        "{err}"
    );
}
