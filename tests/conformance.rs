//! nixfmt's own test suite as a conformance check.
//!
//! The corpus directory comes from `FLAKEFMT_NIXFMT_CORPUS` (CI points it at
//! `../shared/corpus/nixfmt`); without it the test says it was skipped and passes.
//! Every mismatch is collected and reported at once with a unified diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flakefmt::nix::{NixFormatOptions, format_source};

/// Cases known not to match yet. The test fails if any other case fails, and also if a
/// case listed here starts passing (so the list only shrinks).
const KNOWN_FAILURES: &[&str] = &[];

fn options(strict: bool, indent: usize) -> NixFormatOptions {
    NixFormatOptions {
        width: 80,
        indent,
        strict,
    }
}

struct Outcome {
    name: String,
    problem: Option<String>,
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(2)
        .header("expected", "flakefmt")
        .to_string()
}

fn check_output(name: String, input: &str, expected: &str, options: NixFormatOptions) -> Outcome {
    let problem = match std::panic::catch_unwind(|| format_source(input, &options)) {
        Err(_) => Some("panicked".to_string()),
        Ok(Err(diagnostics)) => Some(format!(
            "error: {}",
            diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Ok(Ok(actual)) if actual == expected => None,
        Ok(Ok(actual)) => Some(diff(expected, &actual)),
    };
    Outcome { name, problem }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn run_corpus(corpus: &Path) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for case in sorted_entries(&corpus.join("diff")) {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let input = read(&case.join("in.nix"));
        let out = case.join("out.nix");
        if out.exists() {
            outcomes.push(check_output(
                format!("diff/{name}"),
                &input,
                &read(&out),
                options(false, 2),
            ));
        }
        let pure = case.join("out-pure.nix");
        if pure.exists() {
            outcomes.push(check_output(
                format!("diff/{name} (strict)"),
                &input,
                &read(&pure),
                options(true, 2),
            ));
        }
    }
    for file in sorted_entries(&corpus.join("correct")) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&file);
        outcomes.push(check_output(
            format!("correct/{name}"),
            &text,
            &text,
            options(true, 2),
        ));
    }
    let indent4 = corpus.join("correct-indent-4.nix");
    if indent4.exists() {
        let text = read(&indent4);
        outcomes.push(check_output(
            "correct-indent-4.nix".to_string(),
            &text,
            &text,
            options(false, 4),
        ));
    }
    for file in sorted_entries(&corpus.join("invalid")) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&file);
        let problem = match std::panic::catch_unwind(|| format_source(&text, &options(false, 2))) {
            Err(_) => Some("panicked".to_string()),
            Ok(Ok(output)) => Some(format!("accepted invalid input, printed:\n{output}")),
            Ok(Err(diagnostics)) => {
                if diagnostics
                    .iter()
                    .all(|d| d.rule == flakefmt::diagnostic::SYNTAX_ERROR)
                {
                    None
                } else {
                    Some("rejected, but not with a syntax error".to_string())
                }
            }
        };
        outcomes.push(Outcome {
            name: format!("invalid/{name}"),
            problem,
        });
    }
    outcomes
}

#[test]
fn nixfmt_corpus() {
    let Some(dir) = std::env::var_os("FLAKEFMT_NIXFMT_CORPUS") else {
        eprintln!("skipped: FLAKEFMT_NIXFMT_CORPUS is not set");
        return;
    };
    let corpus = PathBuf::from(dir);
    if !corpus.is_dir() {
        eprintln!("skipped: {} is not a directory", corpus.display());
        return;
    }
    let outcomes = run_corpus(&corpus);
    let total = outcomes.len();
    let identical = outcomes.iter().filter(|o| o.problem.is_none()).count();
    let mut report = String::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for outcome in &outcomes {
        let known = KNOWN_FAILURES.contains(&outcome.name.as_str());
        match (&outcome.problem, known) {
            (Some(problem), _) => {
                let _ = writeln!(
                    report,
                    "=== {}{}\n{problem}",
                    outcome.name,
                    if known { " (known)" } else { "" }
                );
                if !known {
                    unexpected.push(outcome.name.clone());
                }
            }
            (None, true) => fixed.push(outcome.name.clone()),
            (None, false) => {}
        }
    }
    let failing: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.problem.is_some())
        .map(|o| o.name.as_str())
        .collect();
    eprintln!("{report}");
    eprintln!("{identical} of {total} cases identical");
    eprintln!("failing: {failing:?}");
    assert!(unexpected.is_empty(), "unexpected failures: {unexpected:?}");
    assert!(
        fixed.is_empty(),
        "now passing, remove from KNOWN_FAILURES: {fixed:?}"
    );
}
