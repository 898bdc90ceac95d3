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

#[path = "../fuzz/src/mutate.rs"]
mod mutate;

/// The Nix inputs the smoke run mutates: the seed corpus and the regressions.
fn seed_sources() -> Vec<String> {
    let mut inputs = Vec::new();
    files_under(
        &root().join("tests"),
        &|path| path.extension().is_some_and(|e| e == "nix"),
        &mut inputs,
    );
    for target in ["nix_format", "lint_fix"] {
        files_under(
            &root().join("fuzz/regressions").join(target),
            &|_| true,
            &mut inputs,
        );
    }
    inputs.sort();
    inputs
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|source| source.len() <= 16 * 1024)
        .collect()
}

/// The CI smoke run: a fixed number of deterministic mutants of the seed corpus (layout
/// and comments at token boundaries, expressions swapped between files, byte-level edits),
/// each checked by the fuzz targets' properties. `FUZZ_SMOKE_ITERATIONS` and
/// `FUZZ_SMOKE_SEED` change the run; a failure names its iteration and prints the input
/// (and `FUZZ_SMOKE_SAVE=DIR` writes it to a file there, for minimising).
fn smoke(target: &str, check: fn(&[u8]) -> Result<(), String>, default_iterations: usize) {
    let iterations = std::env::var("FUZZ_SMOKE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_iterations);
    let seed: u64 = std::env::var("FUZZ_SMOKE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let sources = seed_sources();
    assert!(!sources.is_empty());
    let donors: Vec<&str> = sources.iter().map(String::as_str).collect();
    let mut failures = Vec::new();
    let mut valid = 0;
    for iteration in 0..iterations {
        let mut rng = mutate::Rng::new(seed ^ (iteration as u64).wrapping_mul(0x100_0000_01b3));
        let mut input = sources[rng.below(sources.len())].clone();
        for _ in 0..1 + rng.below(3) {
            input = mutate::mutate(&input, &donors, &mut rng);
        }
        if flakefmt::nix::parse::parse(&input).is_ok() {
            valid += 1;
        }
        if let Err(message) = check(input.as_bytes()) {
            if let Some(dir) = std::env::var_os("FUZZ_SMOKE_SAVE") {
                let path = Path::new(&dir).join(format!("{target}-{seed}-{iteration}.nix"));
                std::fs::write(&path, &input).unwrap();
            }
            failures.push(format!(
                "iteration {iteration} (FUZZ_SMOKE_SEED={seed}): {message}\ninput:\n{input}"
            ));
            if failures.len() >= 3 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{target} smoke: {} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Most mutants must stay valid, or the output properties are barely exercised.
    assert!(
        valid * 2 >= iterations,
        "{target} smoke: only {valid} of {iterations} mutants parse"
    );
    eprintln!("{target} smoke: {iterations} mutants ({valid} valid Nix), no failure");
}

#[test]
fn nix_format_smoke_on_mutants() {
    smoke("nix_format", props::check_nix_format, 1500);
}

#[test]
fn lint_fix_smoke_on_mutants() {
    smoke("lint_fix", props::check_lint_fix, 1500);
}

/// The mutator is deterministic (a failure replays from its iteration number) and keeps
/// layout-only mutants valid.
#[test]
fn mutator_is_deterministic() {
    let source = "{ a = 1; b = [ x y ]; c = \"s ${d}\"; }\n";
    let run = |seed| {
        let mut rng = mutate::Rng::new(seed);
        (0..20)
            .map(|_| mutate::mutate(source, &[source], &mut rng))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
