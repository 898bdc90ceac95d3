//! Our own Nix formatting fixtures (`tests/fixtures/nix*`), each checked three ways:
//! the expected output, idempotency (formatting the output changes nothing) and the same
//! syntax tree before and after. `UPDATE=1 cargo test --test format` rewrites the expected
//! outputs (read the diff before committing).
//!
//! Also: already-formatted files are fixed points, invalid files give syntax errors (never
//! panics), and deeply nested input neither overflows the stack nor hangs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flakefmt::diagnostic::SYNTAX_ERROR;
use flakefmt::nix::format::same_tree;
use flakefmt::nix::{NixFormatOptions, format_source};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// Reads `options.toml` (keys `width`, `indent`, `strict`) next to a fixture.
fn options_for(case: &Path) -> NixFormatOptions {
    let mut options = NixFormatOptions::default();
    let Ok(text) = std::fs::read_to_string(case.join("options.toml")) else {
        return options;
    };
    let table: toml::Table = text.parse().expect("options.toml is valid TOML");
    for (key, value) in table {
        match key.as_str() {
            "width" => options.width = value.as_integer().expect("width is an integer") as usize,
            "indent" => options.indent = value.as_integer().expect("indent is an integer") as usize,
            "strict" => options.strict = value.as_bool().expect("strict is a boolean"),
            other => panic!("{}: unknown option {other}", case.display()),
        }
    }
    options
}

fn format(source: &str, options: &NixFormatOptions) -> Result<String, String> {
    format_source(source, options).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

#[test]
fn fixtures_expected_idempotent_same_tree() {
    let update = std::env::var_os("UPDATE").is_some();
    let mut failures = String::new();
    let cases = sorted(&fixtures("nix"));
    assert!(!cases.is_empty());
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let input = std::fs::read_to_string(case.join("in.nix")).unwrap();
        let options = options_for(case);
        let output = match format(&input, &options) {
            Ok(output) => output,
            Err(e) => {
                let _ = writeln!(failures, "=== {name}: error {e}");
                continue;
            }
        };
        let expected_path = case.join("out.nix");
        if update {
            std::fs::write(&expected_path, &output).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if output != expected {
            let _ = writeln!(
                failures,
                "=== {name}: unexpected output\n{}",
                diff(&expected, &output)
            );
        }
        match format(&output, &options) {
            Ok(again) if again == output => {}
            Ok(again) => {
                let _ = writeln!(
                    failures,
                    "=== {name}: not idempotent\n{}",
                    diff(&output, &again)
                );
            }
            Err(e) => {
                let _ = writeln!(failures, "=== {name}: output does not format: {e}");
            }
        }
        if !same_tree(&input, &output) {
            let _ = writeln!(failures, "=== {name}: output parses to a different tree");
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// The fixing document builder (fixup applied while building, flat output) gives exactly
/// the raw document fixed up by the separate pass, on every fixture, strict or not
/// (`FLAKEFMT_FIXUP_CORPUS=DIR` adds every `.nix` file under DIR).
#[test]
fn the_fixing_builder_agrees_with_fixup() {
    fn nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for path in sorted(dir) {
            if path.is_dir() {
                nix_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "nix") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    nix_files(&fixtures("nix"), &mut files);
    nix_files(&fixtures("nix-correct"), &mut files);
    if let Some(dir) = std::env::var_os("FLAKEFMT_FIXUP_CORPUS") {
        nix_files(Path::new(&dir), &mut files);
    }
    assert!(files.len() > 20, "fixtures found");
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let Ok(parsed) = flakefmt::nix::parse::parse(&source) else {
            continue;
        };
        for strict in [false, true] {
            let options = NixFormatOptions {
                strict,
                ..NixFormatOptions::default()
            };
            let agrees =
                flakefmt::nix::format::fixing_agrees_with_fixup(&source, &parsed, &options);
            if agrees == Some(false) {
                failures.push(format!("{} (strict: {strict})", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "differ: {failures:#?}");
}

#[test]
fn correct_files_are_fixed_points() {
    let mut failures = String::new();
    for file in sorted(&fixtures("nix-correct")) {
        let text = std::fs::read_to_string(&file).unwrap();
        match format(&text, &NixFormatOptions::default()) {
            Ok(output) if output == text => {}
            Ok(output) => {
                let _ = writeln!(failures, "=== {}\n{}", file.display(), diff(&text, &output));
            }
            Err(e) => {
                let _ = writeln!(failures, "=== {}: {e}", file.display());
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn invalid_files_are_syntax_errors() {
    for file in sorted(&fixtures("nix-invalid")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let result =
            std::panic::catch_unwind(|| format_source(&text, &NixFormatOptions::default()));
        let diagnostics = match result {
            Ok(Err(diagnostics)) => diagnostics,
            Ok(Ok(output)) => panic!("{}: accepted, printed {output:?}", file.display()),
            Err(_) => panic!("{}: panicked", file.display()),
        };
        assert!(
            !diagnostics.is_empty() && diagnostics.iter().all(|d| d.rule == SYNTAX_ERROR),
            "{}: {diagnostics:?}",
            file.display()
        );
    }
}

/// Deep nesting must format (or fail cleanly) from a default 2 MiB test thread.
#[test]
fn deep_nesting_does_not_overflow() {
    let n = 500;
    let cases = [
        ("lists", format!("{}{}", "[ ".repeat(n), "]".repeat(n))),
        (
            "parentheses",
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("lets", format!("{}a", "let a = 1; in ".repeat(n))),
        (
            "interpolations",
            format!("{}x{}", "\"${".repeat(n), "}\"".repeat(n)),
        ),
        (
            "sets",
            format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
        ),
        ("lambdas", format!("{}x", "x: ".repeat(n))),
        ("operators", format!("{}x", "1 + ".repeat(2000))),
        ("applications", format!("f {}", "x ".repeat(1000))),
    ];
    for (name, source) in cases {
        let output =
            format(&source, &NixFormatOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same_tree(&source, &output), "{name}: different tree");
    }
    // Beyond the limits: a clear error, not a crash. rnix stops recursive expressions at
    // 512 levels (syntax error); nested lists it parses, and the formatter refuses them.
    let too_deep = format!("{}1{}", "(".repeat(600), ")".repeat(600));
    let error = format(&too_deep, &NixFormatOptions::default()).unwrap_err();
    assert!(error.starts_with(SYNTAX_ERROR), "{error}");
    let too_deep = format!("{}{}", "[ ".repeat(6000), "]".repeat(6000));
    let error = format(&too_deep, &NixFormatOptions::default()).unwrap_err();
    assert!(error.contains("nesting too deep to format"), "{error}");
}

/// The direct parser runs before any depth check, on the caller's stack: at its nesting
/// limit (and just past it, where it declines) every kind of nesting formats on a thread
/// with Rust's default 2 MiB stack in a debug build (whose frames are the largest; 1.5 MiB
/// overflows there), and on 512 KiB in a release build.
#[test]
fn nesting_at_the_direct_parsers_limit_fits_a_small_stack() {
    use flakefmt::nix::format::parser::MAX_NESTING;
    let cases = |n: usize| {
        [
            format!("{}{}", "[ ".repeat(n), "]".repeat(n)),
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}a", "let a = 1; in ".repeat(n)),
            format!("{}x{}", "\"${".repeat(n), "}\"".repeat(n)),
            format!("{}x{}", "''${".repeat(n), "}''".repeat(n)),
            format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
            format!("{}x", "x: ".repeat(n)),
            format!("{}x", "if a then b else ".repeat(n)),
            format!("{}x", "with a; ".repeat(n)),
            format!("{}x", "assert a; ".repeat(n)),
            format!("{}x", "- ".repeat(n)),
            format!("{}x", "!".repeat(n)),
            format!("{}x", "1 + ".repeat(n)),
            format!("f {}", "x ".repeat(n)),
            format!("{}x{}", "{ a ? ".repeat(n), " }: 1".repeat(n)),
        ]
    };
    let handle = std::thread::Builder::new()
        .stack_size(if cfg!(debug_assertions) {
            2 << 20
        } else {
            512 << 10
        })
        .spawn(move || {
            for n in [
                MAX_NESTING - 1,
                MAX_NESTING,
                MAX_NESTING + 1,
                MAX_NESTING + 2,
            ] {
                for source in cases(n) {
                    // Some shapes are not valid Nix at every depth; only a crash matters.
                    if let Ok(output) = format(&source, &NixFormatOptions::default()) {
                        assert!(same_tree(&source, &output), "{source}");
                    }
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn debug_ir_shows_groups_spacings_and_texts() {
    let source = "f { a = 1; }\n";
    let parsed = flakefmt::nix::parse::parse(source).unwrap();
    let ir =
        flakefmt::nix::format::debug_ir(source, &parsed, &NixFormatOptions::default()).unwrap();
    assert!(ir.starts_with("group {\n"), "{ir}");
    assert!(ir.contains("priority {"), "{ir}");
    assert!(ir.contains("\"f\" @0+0"), "{ir}");
    assert!(ir.contains("\n  line\n"), "{ir}");
}
