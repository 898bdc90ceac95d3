//! Python formatting: every fixture in tests/fixtures/python/<case>/ (in.py or in.pyi, the
//! expected out.py / out.pyi, and the ruff configuration that applies: ruff.toml or
//! pyproject.toml) must
//! 1. format to the expected output through the library, with the settings read by
//!    `flakefmt::python::ruff_config`;
//! 2. stay unchanged when formatted again;
//! 3. come out the same through the binary, which finds the configuration itself;
//! 4. when `ruff` (0.17.6) is on PATH, be exactly what the real `ruff format` writes.
//!
//! Failures are gathered and reported together. `UPDATE=1 cargo test --test python`
//! rewrites the expected outputs from the library (review the diff; then check 4 must
//! still pass with ruff installed).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use flakefmt::python::ruff_config::{self, RuffConfigKind};
use flakefmt::python::{PythonFormatOptions, format_source};

const RUFF_VERSION: &str = "ruff 0.17.6";

struct Case {
    name: String,
    dir: PathBuf,
    input_name: String,
    output_name: String,
    config_name: String,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/python");
    let mut cases: Vec<Case> = fs::read_dir(&root)
        .expect("tests/fixtures/python")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|dir| {
            let stub = dir.join("in.pyi").exists();
            let config_name = if dir.join("pyproject.toml").exists() {
                "pyproject.toml"
            } else {
                "ruff.toml"
            };
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                input_name: if stub { "in.pyi" } else { "in.py" }.into(),
                output_name: if stub { "out.pyi" } else { "out.py" }.into(),
                config_name: config_name.into(),
                dir,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= 10, "fixtures missing");
    cases
}

fn options(case: &Case) -> PythonFormatOptions {
    let kind = if case.config_name == "pyproject.toml" {
        RuffConfigKind::Pyproject
    } else {
        RuffConfigKind::RuffToml
    };
    let text = fs::read_to_string(case.dir.join(&case.config_name)).unwrap();
    let file = ruff_config::parse(&text, kind).unwrap();
    let mut options = PythonFormatOptions {
        stub: case.input_name.ends_with(".pyi"),
        ..PythonFormatOptions::default()
    };
    if let Some(version) = file.requires_python {
        options.target_version = version;
    }
    if let Some(settings) = file.settings {
        settings.apply(&mut options);
    }
    options
}

fn read(path: &Path) -> String {
    // Read bytes: line endings are part of what is tested.
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

#[test]
fn fixtures_format_as_expected_and_are_idempotent() {
    let update = std::env::var_os("UPDATE").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let input = read(&case.dir.join(&case.input_name));
        let options = options(&case);
        let actual = match format_source(&input, &options) {
            Ok(actual) => actual,
            Err(diagnostic) => {
                failures.push(format!("{}: error {diagnostic:?}", case.name));
                continue;
            }
        };
        let expected_path = case.dir.join(&case.output_name);
        if update {
            fs::write(&expected_path, &actual).unwrap();
        }
        let expected = read(&expected_path);
        if actual != expected {
            failures.push(format!(
                "{}: output differs\n--- expected\n{expected:?}\n+++ actual\n{actual:?}",
                case.name
            ));
        }
        match format_source(&expected, &options) {
            Ok(again) if again == expected => {}
            Ok(_) => failures.push(format!("{}: formatting the output changes it", case.name)),
            Err(diagnostic) => failures.push(format!(
                "{}: output does not parse: {diagnostic:?}",
                case.name
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Copies a case's input and configuration into a fresh directory (no configuration
/// above it can interfere) and returns it with the input's path.
fn sandbox(case: &Case) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(&case.input_name);
    fs::copy(case.dir.join(&case.input_name), &input).unwrap();
    fs::copy(
        case.dir.join(&case.config_name),
        dir.path().join(&case.config_name),
    )
    .unwrap();
    (dir, input)
}

#[test]
fn the_binary_discovers_ruff_configuration_like_ruff() {
    let mut failures = Vec::new();
    for case in cases() {
        let (dir, input) = sandbox(&case);
        let output = Command::new(env!("CARGO_BIN_EXE_flakefmt"))
            .arg(&case.input_name)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let expected = read(&case.dir.join(&case.output_name));
        if !output.status.success() {
            failures.push(format!(
                "{}: exit {:?}: {}",
                case.name,
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        } else if read(&input) != expected {
            failures.push(format!("{}: the binary's output differs", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How to run ruff: `ruff` on PATH, else `python3 -m ruff` (pip's scripts directory is not
/// always on PATH); `None` when neither works.
fn ruff_program() -> Option<Vec<String>> {
    let candidates = [
        vec!["ruff".to_string()],
        vec!["python3".into(), "-m".into(), "ruff".into()],
    ];
    candidates.into_iter().find(|program| {
        Command::new(&program[0])
            .args(&program[1..])
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    })
}

#[test]
fn output_is_byte_identical_to_ruff_format() {
    let Some(program) = ruff_program() else {
        eprintln!(
            "SKIPPED output_is_byte_identical_to_ruff_format: `ruff` is not installed (pip install ruff==0.17.6)"
        );
        return;
    };
    let ruff = || {
        let mut command = Command::new(&program[0]);
        command.args(&program[1..]);
        command
    };
    let version = ruff().arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    if version != RUFF_VERSION {
        eprintln!(
            "SKIPPED output_is_byte_identical_to_ruff_format: found `{version}`, need `{RUFF_VERSION}`"
        );
        return;
    }
    let mut failures = Vec::new();
    for case in cases() {
        let (dir, input) = sandbox(&case);
        let status = ruff()
            .args(["format", "--no-cache", "--quiet"])
            .arg(&case.input_name)
            .current_dir(dir.path())
            .status()
            .unwrap();
        if !status.success() {
            failures.push(format!("{}: ruff format failed", case.name));
            continue;
        }
        let expected = read(&case.dir.join(&case.output_name));
        let from_ruff = read(&input);
        if from_ruff != expected {
            failures.push(format!(
                "{}: ruff format writes something else\n--- ours\n{expected:?}\n+++ ruff\n{from_ruff:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
