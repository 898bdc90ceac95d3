//! A warm `check` (answered from the cache) says what a cold one says: the same findings,
//! the same counts of files, with each directory's own format settings.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        write(&dir.path().join(name), content);
    }
    dir
}

/// Writes a file dated an hour ago (the cache does not record files changed just now).
fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

fn check(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Formatted with an indentation of 4 (`wide`'s setting), not 2 (the default).
const FOUR: &str = "{\n    a = 1;\n}\n";

#[test]
fn warm_check_counts_every_file_and_keeps_each_directorys_settings() {
    let dir = tree(&[
        ("a.nix", "{ }\n"),
        ("b.nix", "{ }\n"),
        ("wide/flakefmt.toml", "[format]\nindent-width = 4\n"),
        ("wide/long.nix", FOUR),
        ("narrow/long.nix", FOUR),
        (
            "legacy.nix",
            "{\n  sha256 = \"0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8\";\n}\n",
        ),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for _ in 0..3 {
        let concise = check(dir.path(), cache.path(), &["--output-format", "concise"]);
        let human = check(dir.path(), cache.path(), &[]);
        let json = check(dir.path(), cache.path(), &["--output-format", "json"]);
        runs.push((concise, human, json));
    }
    for (concise, human, json) in &runs {
        assert_eq!(concise.status.code(), Some(1));
        // `narrow/long.nix` is not formatted with the default indentation; `wide/long.nix`
        // is, with its directory's.
        assert_eq!(
            text(&concise.stdout)
                .lines()
                .map(|line| line.split(": ").next().unwrap())
                .collect::<Vec<_>>(),
            ["legacy.nix:2:13", "narrow/long.nix:2:1"],
            "{}",
            text(&concise.stdout)
        );
        assert!(
            text(&human.stderr).contains("1 error, 0 warnings, 0 info in 6 files"),
            "{}",
            text(&human.stderr)
        );
        let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(value["summary"]["files"], 6, "{value}");
    }
    // The settings of `wide` change: its file is judged afresh.
    write(
        &dir.path().join("wide/flakefmt.toml"),
        "[format]\nindent-width = 2\n",
    );
    let human = check(dir.path(), cache.path(), &["--output-format", "concise"]);
    assert!(
        text(&human.stdout).contains("wide/long.nix:2:1"),
        "{}",
        text(&human.stdout)
    );
}
