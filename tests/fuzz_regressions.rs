//! Replays the fuzz targets' seed corpus (every Nix fixture under `tests/`) and the inputs
//! the fuzzer once failed on (`fuzz/regressions/<target>/`) through the same property checks
//! the fuzz targets run (`fuzz/src/props.rs`), on the stable toolchain, in `cargo test`.

#[path = "../fuzz/src/props.rs"]
#[allow(dead_code)]
mod props;

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            files_under(&path, keep, out);
        } else if file_type.is_file() && keep(&path) {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check` on every input and reports every failure at once.
fn replay(inputs: &[PathBuf], check: fn(&[u8]) -> Result<(), String>) {
    let mut failures = Vec::new();
    for path in inputs {
        let data = std::fs::read(path).unwrap();
        if let Err(message) = check(&data) {
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs fail:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn nix_format_regressions_and_seed_corpus() {
    let mut inputs = Vec::new();
    files_under(
        &root().join("fuzz/regressions/nix_format"),
        &|_| true,
        &mut inputs,
    );
    let regressions = inputs.len();
    assert!(regressions > 0, "fuzz/regressions/nix_format is empty");
    files_under(
        &root().join("tests"),
        &|path| path.extension().is_some_and(|e| e == "nix"),
        &mut inputs,
    );
    inputs.sort();
    replay(&inputs, props::check_nix_format);
    eprintln!(
        "replayed {} inputs ({regressions} regressions)",
        inputs.len()
    );
}

#[test]
fn lint_fix_regressions_and_seed_corpus() {
    let mut inputs = Vec::new();
    files_under(
        &root().join("fuzz/regressions/lint_fix"),
        &|_| true,
        &mut inputs,
    );
    let regressions = inputs.len();
    assert!(regressions > 0, "fuzz/regressions/lint_fix is empty");
    files_under(
        &root().join("tests"),
        &|path| path.extension().is_some_and(|e| e == "nix"),
        &mut inputs,
    );
    inputs.sort();
    replay(&inputs, props::check_lint_fix);
    eprintln!(
        "replayed {} inputs ({regressions} regressions)",
        inputs.len()
    );
}

/// The checks themselves catch what they claim to: a token change, a lost comment.
#[test]
fn property_checks_detect_differences() {
    let parse = |s: &str| flakefmt::nix::parse::parse(s).unwrap().root;
    assert_eq!(
        props::significant_tokens(&parse("{ a = 1; }")),
        props::significant_tokens(&parse("{\n  a   =   1;\n}\n"))
    );
    assert_ne!(
        props::significant_tokens(&parse("{ a = 1; }")),
        props::significant_tokens(&parse("{ a = 2; }"))
    );
    assert_ne!(
        props::significant_tokens(&parse("(a)")),
        props::significant_tokens(&parse("a"))
    );
    // nixfmt's deliberate rewrites are not differences.
    assert_eq!(
        props::significant_tokens(&parse("{ a, b, }: a")),
        props::significant_tokens(&parse("{ a, b }: a"))
    );
    assert_eq!(
        props::significant_tokens(&parse("''x''")),
        props::significant_tokens(&parse("\"x\""))
    );
    assert_ne!(
        props::significant_tokens(&parse("{ a, b }: a")),
        props::significant_tokens(&parse("{ b, a }: a"))
    );
}
