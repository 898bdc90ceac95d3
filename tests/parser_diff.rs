//! Differential test of the fast Nix parser (`parser::parse_whole`) against rnix plus the
//! lowering (`lower::lower`): on every Nix input we have, on nixfmt's corpus when
//! `FLAKEFMT_NIXFMT_CORPUS` is set, and on deterministic mutants, the fast parser returns
//! `None` or exactly the lowering's tree, and `None` whenever rnix reports an error. Valid
//! fixtures must take the fast path (so a parser that always declines fails).
//!
//! By hand, over a directory of Nix files (counts hits and mismatches):
//! `FLAKEFMT_PARSER_CORPUS=/work/bench/corpus/nix cargo test --release --test parser_diff -- --ignored --nocapture`

use std::path::{Path, PathBuf};

use flakefmt::nix::format::{lower, parser};

#[path = "../fuzz/src/mutate.rs"]
mod mutate;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

/// How the fast parser did on one input.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// rnix rejects it and so does the fast parser.
    Invalid,
    /// rnix accepts it, the lowering rejects it, and the fast parser declines.
    LowerRejects,
    /// Valid, and the fast parser built the same tree.
    Hit,
    /// Valid, and the fast parser declined (the rnix path formats it).
    Declined,
}

/// Compares the two front ends on `source` (both line modes); `Err` on a disagreement.
fn compare(source: &str) -> Result<Outcome, String> {
    if !parser::lexer_agrees_with_rnix(source) {
        return Err("the lexer and rnix's tokenizer disagree".to_string());
    }
    let mut outcome = Outcome::Invalid;
    for strict in [false, true] {
        let fast = parser::parse_whole(source, strict).map(|w| format!("{w:?}"));
        let parsed = match flakefmt::nix::parse::parse(source) {
            Ok(parsed) => parsed,
            Err(errors) => {
                if fast.is_some() {
                    return Err(format!(
                        "rnix rejects it ({errors:?}), the fast parser accepts"
                    ));
                }
                continue;
            }
        };
        let slow = match lower::lower(source, &parsed.root, strict) {
            Ok(whole) => format!("{whole:?}"),
            Err(error) => {
                if fast.is_some() {
                    return Err(format!(
                        "the lowering rejects it ({}), the fast parser accepts",
                        error.message
                    ));
                }
                outcome = Outcome::LowerRejects;
                continue;
            }
        };
        outcome = match fast {
            Some(fast) if fast == slow => Outcome::Hit,
            Some(fast) => {
                return Err(format!(
                    "different trees (strict {strict}):\nfast {fast}\nslow {slow}"
                ));
            }
            None => Outcome::Declined,
        };
    }
    Ok(outcome)
}

/// Runs [`compare`] on a deep-stack thread (rnix and the lowering recurse).
fn compare_deep(source: String) -> Result<Outcome, String> {
    std::thread::Builder::new()
        .stack_size(flakefmt::nix::DEEP_STACK_SIZE)
        .spawn(move || compare(&source))
        .unwrap()
        .join()
        .unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Valid Nix inputs under `tests/` that are left to the rnix path on purpose (file name
/// and reason).
const DECLINED_ON_PURPOSE: &[(&str, &str)] = &[];

#[test]
fn every_fixture_agrees_and_valid_ones_take_the_fast_path() {
    let mut paths = Vec::new();
    files_under(&root().join("tests"), &mut paths);
    paths.sort();
    assert!(paths.len() > 50, "{} fixtures", paths.len());
    let mut failures = Vec::new();
    let mut hits = 0;
    for path in &paths {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        match compare_deep(source) {
            Err(message) => failures.push(format!("{name}: {message}")),
            Ok(Outcome::Declined)
                if !DECLINED_ON_PURPOSE
                    .iter()
                    .any(|(file, _)| name.ends_with(file)) =>
            {
                failures.push(format!("{name}: valid, but the fast parser declines it"))
            }
            Ok(Outcome::Hit) => hits += 1,
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(hits > 50, "only {hits} fast-path hits");
}

/// Every `.nix` file under `dir`, compared: the outcome counts ([invalid, lowering
/// rejects, hits, declined]), the declined files and the mismatches.
struct DirectoryComparison {
    files: usize,
    counts: [usize; 4],
    declined: Vec<String>,
    failures: Vec<String>,
}

fn compare_directory(dir: &Path) -> DirectoryComparison {
    let mut paths = Vec::new();
    files_under(dir, &mut paths);
    paths.sort();
    let mut result = DirectoryComparison {
        files: paths.len(),
        counts: [0; 4],
        declined: Vec::new(),
        failures: Vec::new(),
    };
    for path in &paths {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        match compare_deep(source) {
            Err(message) => result
                .failures
                .push(format!("{}: {message}", path.display())),
            Ok(outcome) => {
                if outcome == Outcome::Declined {
                    result.declined.push(path.display().to_string());
                }
                result.counts[outcome as usize] += 1;
            }
        }
    }
    result
}

#[test]
fn nixfmt_corpus_agrees() {
    let Some(corpus) = std::env::var_os("FLAKEFMT_NIXFMT_CORPUS") else {
        eprintln!("FLAKEFMT_NIXFMT_CORPUS not set: skipped");
        return;
    };
    let DirectoryComparison {
        counts, failures, ..
    } = compare_directory(Path::new(&corpus));
    eprintln!("nixfmt corpus: [invalid, lowering rejects, hits, declined] = {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(counts[2] > 100, "{counts:?}");
}

#[test]
fn mutants_agree() {
    let iterations: usize = std::env::var("PARSER_DIFF_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut paths = Vec::new();
    files_under(&root().join("tests"), &mut paths);
    paths.sort();
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|s| s.len() <= 16 * 1024)
        .collect();
    let donors: Vec<&str> = sources.iter().map(String::as_str).collect();
    let mut failures = Vec::new();
    let mut counts = [0usize; 4];
    for iteration in 0..iterations {
        let mut rng = mutate::Rng::new(0xfa57 ^ (iteration as u64).wrapping_mul(0x100_0000_01b3));
        let mut input = sources[rng.below(sources.len())].clone();
        for _ in 0..1 + rng.below(3) {
            input = mutate::mutate(&input, &donors, &mut rng);
        }
        match compare_deep(input.clone()) {
            Err(message) => {
                failures.push(format!("iteration {iteration}: {message}\ninput:\n{input}"));
                if failures.len() >= 3 {
                    break;
                }
            }
            Ok(outcome) => counts[outcome as usize] += 1,
        }
    }
    eprintln!("mutants: [invalid, lowering rejects, hits, declined] = {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(counts[2] * 3 >= iterations, "{counts:?}");
}

/// Random token soups: operators, prefixes, keywords and brackets in any order (mostly
/// invalid), so precedence, associativity and error cases of the two parsers meet.
#[test]
fn token_soups_agree() {
    const PIECES: &[&str] = &[
        "a",
        "b",
        "1",
        "2.5",
        "!",
        "-",
        "+",
        "*",
        "/",
        "++",
        "//",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "&&",
        "||",
        "->",
        "|>",
        "<|",
        "?",
        ".",
        "(",
        ")",
        "or",
        "x:",
        "{",
        "}",
        "[",
        "]",
        ";",
        "=",
        "let",
        "in",
        "if",
        "then",
        "else",
        "with",
        "assert",
        "\"s\"",
        "${",
        "@",
        ",",
        "...",
        "rec",
        "inherit",
        "./p",
        "<p>",
        "a.b",
        "f a",
        "# c\n",
        "/* c */",
        "\n\n",
        "''\n  i\n''",
        "\"${a}\"",
    ];
    const OPERANDS: &[&str] = &[
        "a",
        "1",
        "\"s\"",
        "(a)",
        "[ a ]",
        "{ a = 1; }",
        "a.b",
        "f a",
        "a.b or c",
        "a or",
        "x: x",
        "let a = 1; in a",
        "if a then b else c",
        "with a; b",
        "assert a; b",
        "./p",
        "x: a < b",
        "x: a == b",
        "x: with a; b < c",
        "{ }: a != b",
        "!a",
    ];
    const OPERATORS: &[&str] = &[
        "+", "-", "*", "/", "++", "//", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "->", "|>",
        "<|", "?",
    ];
    let mut rng = mutate::Rng::new(0x50f7);
    let mut failures = Vec::new();
    let mut counts = [0usize; 4];
    let iterations: usize = std::env::var("PARSER_DIFF_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(30_000, |n: usize| n * 10);
    for iteration in 0..iterations {
        let mut source = Vec::new();
        if iteration % 2 == 0 {
            // Any order.
            for _ in 0..1 + rng.below(9) {
                source.push(PIECES[rng.below(PIECES.len())]);
            }
        } else {
            // Operands and operators alternating, with prefixes.
            for i in 0..1 + rng.below(5) {
                if i > 0 {
                    source.push(OPERATORS[rng.below(OPERATORS.len())]);
                }
                for _ in 0..rng.below(4).saturating_sub(2) {
                    source.push(if rng.below(2) == 0 { "!" } else { "-" });
                }
                source.push(OPERANDS[rng.below(OPERANDS.len())]);
            }
        }
        let source = source.join(" ");
        match compare(&source) {
            Err(message) => failures.push(format!("{source:?}: {message}")),
            Ok(outcome) => {
                if outcome == Outcome::Declined && counts[3] < 8 {
                    eprintln!("declined: {source:?}");
                }
                counts[outcome as usize] += 1;
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    eprintln!("token soups: [invalid, lowering rejects, hits, declined] = {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(counts[2] > 5000, "{counts:?}");
}

/// Random strings over the characters that matter to rnix's tokenizer (paths, URIs,
/// search paths, strings and their escapes, interpolations, comments, numbers, Unicode
/// whitespace): the byte-level lexer agrees with rnix's tokenizer on every one.
#[test]
fn character_soups_lex_like_rnix() {
    const CHARS: &[&str] = &[
        "/", "*", "~", "<", ">", ":", "_", ".", "$", "{", "}", "'", "\"", "\\", "#", "a", "e", "z",
        "1", "0", "-", "+", " ", "\n", "\r", "\t", "|", "=", "!", "&", "?", "@", ",", "%", "(",
        ")", "[", "]", ";", "é", "\u{a0}", "\u{2028}", "in", "or", "${", "''", "./", "//", "/*",
        "*/", "''$", "'''", "''\\", "$$", "https:", "<a>",
    ];
    let iterations: usize = std::env::var("PARSER_DIFF_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(100_000, |n: usize| n * 30);
    let mut rng = mutate::Rng::new(0x1e7);
    let mut failures = Vec::new();
    for _ in 0..iterations {
        let source: String = (0..1 + rng.below(12))
            .map(|_| CHARS[rng.below(CHARS.len())])
            .collect();
        if !parser::lexer_agrees_with_rnix(&source) {
            failures.push(format!("{source:?}"));
            if failures.len() >= 10 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// By hand: every `.nix` file under `FLAKEFMT_PARSER_CORPUS` (hits, declines, mismatches).
#[test]
#[ignore]
fn corpus_directory_agrees() {
    let corpus = std::env::var_os("FLAKEFMT_PARSER_CORPUS").expect("FLAKEFMT_PARSER_CORPUS");
    let DirectoryComparison {
        files,
        counts,
        declined,
        failures,
    } = compare_directory(Path::new(&corpus));
    eprintln!(
        "{files} files: [invalid, lowering rejects, hits, declined] = {counts:?}, {} mismatches",
        failures.len()
    );
    for path in declined.iter().take(20) {
        eprintln!("declined: {path}");
    }
    for failure in failures.iter().take(5) {
        eprintln!("{failure}\n");
    }
    assert!(failures.is_empty());
}
