//! The README's commands do what the README says.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_main_job_shows_the_python_diff_and_succeeds() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- fmt --diff examples/basic\n"));
    assert!(readme.contains("\ncargo test\n"));
    let output = Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(["fmt", "--diff", "examples/basic"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("+++ b/examples/basic/helper.py"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("flake.nix"),
        "the example flake is formatted: {stdout}"
    );
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(ci.starts_with("#!/usr/bin/env bash\n"));
    assert!(ci.contains("set -euo pipefail"));
    assert!(ci.lines().any(|line| line == "cargo test"), "{ci}");
    assert!(ci.contains("cargo clippy --all-targets -- -D warnings"));
    assert!(ci.contains("cargo fmt --check"));
    assert!(ci.contains("ruff==0.17.6"));
}
