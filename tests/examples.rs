//! examples/skypilot-flake is a tour: each deliberate mistake carries a marker comment
//! naming the finding it shows, and `flakefmt check examples/skypilot-flake` must report
//! exactly those findings (rule, file, line), nothing else. The expectations are read from
//! the markers, so the files and this test cannot drift apart.
//!
//! Marker grammar, anywhere on a line (in a `#` comment, or `<!-- -->` in Markdown):
//! `flakefmt-demo: ITEM[, ITEM...]`, where ITEM is `rule` (a finding on this line),
//! `rule@+N` / `rule@-N` (N lines below / above), `rule@N` (line N of this file) or
//! `rule@PATH:N` (line N of another file of the example, for files that cannot hold a
//! comment, such as a symlink).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use flakefmt::lint::registry;

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");
const EXAMPLE: &str = "examples/skypilot-flake";
const MARKER: &str = "flakefmt-demo:";

/// Formatting differences are reported under this pseudo-rule name by `check`.
const FORMAT: &str = "format";

/// Every rule name of the lint specification (issue 4): markers may name rules that are
/// not registered yet (they are checked once they are), but not misspelled ones.
const SPEC_RULES: &[&str] = &[
    "sri_hash",
    "hash_attr_rename",
    "fake_hash_name",
    "placeholder_hash",
    "prefetch_without_sri",
    "manual_sri_prefix",
    "build_flags_missing",
    "build_flags_spelling",
    "build_flags_value",
    "guarded_option_access",
    "mkif_in_operator",
    "unresolvable_with",
    "nix_mode",
    "git_exec_bit",
    "committed_result_link",
    "committed_backup",
    "unused_allow",
];

/// One expected or reported finding: rule, path relative to the repository, line.
type Finding = (String, String, usize);

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every regular file of the example (hidden directories included, symlinks not followed),
/// as paths relative to the repository, sorted.
fn example_files() -> Vec<String> {
    fn visit(dir: &Path, root: &Path, files: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                visit(&entry.path(), root, files);
            } else if kind.is_file() {
                let relative = entry.path().strip_prefix(root).unwrap().to_path_buf();
                files.push(relative.to_str().unwrap().to_string());
            }
        }
    }
    let root = repository();
    let mut files = Vec::new();
    visit(&root.join(EXAMPLE), &root, &mut files);
    files.sort();
    files
}

/// The findings the markers promise.
fn markers() -> BTreeSet<Finding> {
    let mut expected = BTreeSet::new();
    for file in example_files() {
        let Ok(text) = fs::read_to_string(repository().join(&file)) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let items = line[at + MARKER.len()..]
                .trim()
                .trim_end_matches("-->")
                .trim();
            for item in items.split(',').map(str::trim) {
                let (rule, location) = match item.split_once('@') {
                    Some((rule, location)) => (rule, Some(location)),
                    None => (item, None),
                };
                let here = index + 1;
                let (path, line_number) = match location {
                    None => (file.clone(), here),
                    Some(relative) if relative.starts_with(['+', '-']) => {
                        let offset: isize = relative.parse().unwrap_or_else(|_| {
                            panic!("{file}:{here}: bad marker offset `{relative}`")
                        });
                        (file.clone(), here.checked_add_signed(offset).unwrap())
                    }
                    Some(other) => match other.rsplit_once(':') {
                        Some((path, number)) => (
                            format!("{EXAMPLE}/{path}"),
                            number.parse().expect("a line number"),
                        ),
                        None => (file.clone(), other.parse().expect("a line number")),
                    },
                };
                assert!(
                    rule == FORMAT || SPEC_RULES.contains(&rule),
                    "{file}:{here}: marker names `{rule}`, which is not a rule"
                );
                expected.insert((rule.to_string(), path, line_number));
            }
        }
    }
    expected
}

/// Whether the repository is a git work tree (and git is installed).
fn in_git_checkout() -> bool {
    Command::new("git")
        .current_dir(repository())
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn registered_rules() -> BTreeSet<&'static str> {
    registry::RULES
        .iter()
        .map(|rule| rule.meta().name)
        .collect()
}

/// `flakefmt check --output-format concise examples/skypilot-flake`, run from the
/// repository root, parsed, with the raw output.
fn reported() -> (BTreeSet<Finding>, String) {
    let output = Command::new(BIN)
        .current_dir(repository())
        .args(["check", "--output-format", "concise", EXAMPLE])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert_eq!(
        output.status.code(),
        Some(1),
        "check on the tour finds things (exit 1)\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let mut findings = BTreeSet::new();
    for line in stdout.lines() {
        // path:line:col: severity[rule]: message
        let mut parts = line.splitn(4, ':');
        let (Some(path), Some(number), Some(_column), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("not a concise finding: {line}");
        };
        let rule = rest
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(rule, _)| rule)
            .unwrap_or_else(|| panic!("no [rule] in: {line}"));
        findings.insert((
            rule.to_string(),
            path.to_string(),
            number
                .parse()
                .unwrap_or_else(|_| panic!("line number in: {line}")),
        ));
    }
    (findings, stdout)
}

fn describe(findings: &BTreeSet<Finding>) -> String {
    findings
        .iter()
        .map(|(rule, path, line)| format!("  {path}:{line}: {rule}\n"))
        .collect()
}

#[test]
fn every_registered_rule_has_a_demo_marker() {
    let marked: BTreeSet<String> = markers().into_iter().map(|(rule, _, _)| rule).collect();
    let missing: Vec<&str> = registered_rules()
        .into_iter()
        .filter(|rule| !marked.contains(*rule))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a `{MARKER}` marker in {EXAMPLE}: {missing:?}"
    );
    assert!(
        marked.contains(FORMAT),
        "the tour shows formatting drift too"
    );
}

#[test]
fn markers_point_at_existing_lines() {
    for (rule, path, line) in markers() {
        let full = repository().join(&path);
        let metadata = fs::symlink_metadata(&full)
            .unwrap_or_else(|error| panic!("{rule} marker points at {path}: {error}"));
        if metadata.is_file() {
            let lines = fs::read_to_string(&full).unwrap().lines().count();
            assert!(
                line >= 1 && line <= lines,
                "{path}:{line} ({rule}) is past the end"
            );
        } else {
            assert_eq!(
                line, 1,
                "{path} is not a text file: its findings are at line 1"
            );
        }
    }
}

#[test]
fn check_reports_exactly_the_marked_findings() {
    let (reported, stdout) = reported();
    let registered = registered_rules();
    let mut expected = markers();
    if !in_git_checkout() {
        // "Committed" means tracked by git: outside a checkout (the Nix build of this
        // flake unpacks a source tree without .git) these two rules have nothing to read.
        eprintln!("not a git checkout: not expecting committed_result_link, committed_backup");
        expected
            .retain(|(rule, _, _)| rule != "committed_result_link" && rule != "committed_backup");
    }
    // A `format` finding sits on the first line that would change: the markers are there.
    let unexpected: BTreeSet<Finding> = reported.difference(&expected).cloned().collect();
    let missing: BTreeSet<Finding> = expected
        .difference(&reported)
        .filter(|(rule, _, _)| rule == FORMAT || registered.contains(rule.as_str()))
        .cloned()
        .collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "reported without a marker:\n{}marked but not reported:\n{}full output:\n{stdout}",
        describe(&unexpected),
        describe(&missing)
    );
}

#[test]
fn the_repository_walk_skips_the_tour_but_naming_it_checks_it() {
    // `flakefmt fmt --check .` at the top honours flakefmt.toml's exclude ...
    let walk = Command::new(BIN)
        .current_dir(repository())
        .args(["fmt", "--check", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&walk.stdout);
    assert!(!stdout.contains(EXAMPLE), "{stdout}");
    // ... and finds the repository itself formatted (issue 5: clean under its own tool).
    assert_eq!(
        walk.status.code(),
        Some(0),
        "`flakefmt fmt --check .`:\n{stdout}"
    );
    // ... and naming the directory formats-checks it anyway.
    let named = Command::new(BIN)
        .current_dir(repository())
        .args(["fmt", "--check", EXAMPLE])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&named.stdout);
    assert_eq!(named.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{EXAMPLE}/scripts/cluster_status.py")),
        "{stdout}"
    );
}

#[test]
fn the_repository_is_clean_under_its_own_check() {
    let output = Command::new(BIN)
        .current_dir(repository())
        .args(["check", "--output-format", "concise", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "`flakefmt check .` in the repository:\n{}{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Rules whose every finding in the tour has a safe fix: after `lint --fix` none remain.
const SAFELY_FIXED: &[&str] = &[
    "sri_hash",
    "hash_attr_rename",
    "fake_hash_name",
    "build_flags_missing",
    "build_flags_spelling",
    "git_exec_bit",
];

/// Copies `from` into `to`: directories, regular files with their modes, symlinks as links.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run_in(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program}: {error}"))
}

/// The second half of the tour (examples/README.md): on a copy committed to its own git
/// repository, `flakefmt fmt` then `flakefmt lint --fix` leave only findings that need a
/// person, every file still parses, and fixing again changes nothing.
#[test]
fn fixing_the_tour_leaves_only_what_needs_a_person() {
    if !run_in(Path::new("."), "git", &["--version"])
        .status
        .success()
    {
        eprintln!("skipping: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tour = dir.path().join("skypilot-flake");
    copy_tree(&repository().join(EXAMPLE), &tour);
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "tour",
        ],
    ] {
        assert!(run_in(&tour, "git", args).status.success(), "git {args:?}");
    }
    let fmt = run_in(&tour, BIN, &["fmt", "."]);
    assert_eq!(fmt.status.code(), Some(0), "{fmt:?}");
    run_in(&tour, BIN, &["lint", "--fix", "."]);
    let after = run_in(&tour, BIN, &["check", "--output-format", "concise", "."]);
    let stdout = String::from_utf8_lossy(&after.stdout).to_string();
    assert_eq!(after.status.code(), Some(1), "{stdout}");
    for line in stdout.lines() {
        let rule = line
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(rule, _)| rule)
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            rule != FORMAT && rule != "syntax_error" && !SAFELY_FIXED.contains(&rule),
            "left after fmt and lint --fix: {line}\n{stdout}"
        );
    }
    // The safe fixes did happen (the exec bit in the index too).
    let flake = fs::read_to_string(tour.join("flake.nix")).unwrap();
    assert!(flake.contains("hash = \"sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FA=\""));
    let index = run_in(
        &tour,
        "git",
        &["ls-files", "-s", "scripts/cluster_status.py"],
    );
    assert!(String::from_utf8_lossy(&index.stdout).starts_with("100755"));
    // Idempotent: a second round finds nothing more to change.
    let before: Vec<u8> = run_in(&tour, "git", &["diff"]).stdout;
    run_in(&tour, BIN, &["fmt", "."]);
    run_in(&tour, BIN, &["lint", "--fix", "."]);
    assert_eq!(run_in(&tour, "git", &["diff"]).stdout, before);
}
