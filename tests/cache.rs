//! The per-file cache, through the built binary: a warm run answers unchanged clean files
//! without reading them, and anything that could change the answer invalidates the entry.
//!
//! Files are given modification times an hour in the past: the cache never records a
//! file modified within two seconds of a run's start (a second write in the same
//! timestamp tick could otherwise go unseen).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");
const LONG_LINE: &str = "x = [\"aaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbb\", \"cccccccccccccccccccc\", \"dddddddddd\"]\n";

struct Env {
    project: TempDir,
    cache_home: TempDir,
}

fn age(path: &Path) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

fn setup(files: &[(&str, &str)]) -> Env {
    let project = tempfile::tempdir().unwrap();
    fs::create_dir(project.path().join(".git")).unwrap(); // marks the project root
    for (name, content) in files {
        let path = project.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        age(&path);
    }
    Env {
        project,
        cache_home: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.project.path())
            .env("XDG_CACHE_HOME", self.cache_home.path())
            .output()
            .unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.project.path().join(name)
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let Ok(projects) = fs::read_dir(self.cache_home.path().join("flakefmt")) else {
            return found;
        };
        for project in projects {
            for file in fs::read_dir(project.unwrap().path()).unwrap() {
                found.push(file.unwrap().path());
            }
        }
        found
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The number that starts the `--verbose` note whose line `matches`.
fn note_number(output: &Output, what: &str, matches: impl Fn(&str) -> bool) -> usize {
    let text = stderr(output);
    let line = text
        .lines()
        .find(|line| line.starts_with("note: ") && matches(line))
        .unwrap_or_else(|| panic!("no {what} note in:\n{text}"));
    line.trim_start_matches("note: ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The number in the `--verbose` note "N cached (...)".
fn cached(output: &Output) -> usize {
    note_number(output, "cache", |line| line.contains(" cached ("))
}

/// The number in the `--verbose` note "N files read".
fn files_read(output: &Output) -> usize {
    note_number(output, "read", |line| line.ends_with(" read"))
}

const TREE: &[(&str, &str)] = &[
    ("a.py", "x = 1\n"),
    ("sub/b.py", "y = [1, 2]\n"),
    ("flake.nix", "{ outputs = _: { }; }\n"),
];

#[test]
fn warm_run_answers_clean_files_from_the_cache() {
    let env = setup(TREE);
    let cold = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    assert_eq!(cached(&cold), 0);
    let warm = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    assert_eq!(cached(&warm), 3);
    // An explicit file and a subdirectory use the same cache (same project root).
    let one = env.run(&["fmt", "--check", "-v", "sub/b.py"]);
    assert_eq!(cached(&one), 1);
    let from_sub = Command::new(BIN)
        .args(["fmt", "--check", "-v", "."])
        .current_dir(env.path("sub"))
        .env("XDG_CACHE_HOME", env.cache_home.path())
        .output()
        .unwrap();
    assert_eq!(cached(&from_sub), 1, "{}", stderr(&from_sub));
}

#[test]
fn a_changed_file_is_read_again_even_with_the_same_size_and_mtime() {
    let env = setup(TREE);
    env.run(&["fmt", "--check"]);
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 3);
    // Same size, unformatted, modification time restored: the change time still differs.
    let original_mtime = fs::metadata(env.path("a.py")).unwrap().modified().unwrap();
    fs::write(env.path("a.py"), "x=1;\n").unwrap();
    fs::File::options()
        .write(true)
        .open(env.path("a.py"))
        .unwrap()
        .set_modified(original_mtime)
        .unwrap();
    let run = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(String::from_utf8_lossy(&run.stdout).contains("a.py"));
    assert_eq!(cached(&run), 2);
    // A changed size, with an old mtime.
    fs::write(env.path("sub/b.py"), "y = [1, 2, 3]\n").unwrap();
    age(&env.path("sub/b.py"));
    let run = env.run(&["fmt", "--check", "-v", "sub"]);
    assert_eq!(cached(&run), 0);
}

#[test]
fn a_file_formatted_in_place_is_not_trusted_until_read_again() {
    let env = setup(&[("a.py", "x=1\n")]);
    let run = env.run(&["fmt", "-v"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(fs::read_to_string(env.path("a.py")).unwrap(), "x = 1\n");
    // Just written, so too recent to record; a later edit is seen.
    fs::write(env.path("a.py"), "x=2\n").unwrap();
    let run = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(cached(&run), 0);
}

#[test]
fn changed_settings_invalidate() {
    let env = setup(&[
        ("a.py", LONG_LINE),
        ("pyproject.toml", "[tool.ruff]\nline-length = 200\n"),
    ]);
    assert_eq!(env.run(&["fmt", "--check"]).status.code(), Some(0));
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 1);
    // The ruff configuration that applies changes: the line is now too long.
    fs::write(
        env.path("pyproject.toml"),
        "[tool.ruff]\nline-length = 40\n",
    )
    .unwrap();
    let run = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(cached(&run), 0);
    // Nix: a command-line setting and flakefmt.toml are part of the key too.
    let env = setup(&[("flake.nix", "{ }\n")]);
    env.run(&["fmt", "--check"]);
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 1);
    assert_eq!(
        cached(&env.run(&["fmt", "--check", "-v", "--line-width", "80"])),
        0
    );
    fs::write(env.path("flakefmt.toml"), "[format]\nindent-width = 4\n").unwrap();
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 0);
}

#[test]
fn corrupt_cache_is_ignored_and_rebuilt() {
    let env = setup(TREE);
    env.run(&["fmt", "--check"]);
    let files = env.cache_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let good = fs::read(&files[0]).unwrap();
    // A damaged header: the whole file is ignored.
    let mut bytes = good.clone();
    bytes[20] ^= 0xff;
    fs::write(&files[0], &bytes).unwrap();
    let run = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(cached(&run), 0);
    assert!(
        stderr(&run).contains("ignored: corrupt"),
        "{}",
        stderr(&run)
    );
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 3);
    // A damaged entry (a byte of its path): that file is looked at again.
    let good = fs::read(&files[0]).unwrap();
    let mut bytes = good.clone();
    let at = good
        .windows(b"sub/b.py".len())
        .position(|window| window == b"sub/b.py")
        .unwrap();
    bytes[at] ^= 0xff;
    fs::write(&files[0], &bytes).unwrap();
    let run = env.run(&["fmt", "--check", "-v"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(cached(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("damaged entries were skipped"),
        "{}",
        stderr(&run)
    );
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 3);
    fs::write(&files[0], b"not a cache").unwrap();
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 0);
}

#[test]
fn cache_lives_under_xdg_cache_home_and_never_in_the_project() {
    let env = setup(TREE);
    let before = listing(env.project.path());
    env.run(&["fmt", "--check"]);
    env.run(&["fmt"]);
    assert_eq!(
        listing(env.project.path()),
        before,
        "something was written in the project"
    );
    let files = env.cache_files();
    assert_eq!(files.len(), 1);
    assert!(files[0].starts_with(env.cache_home.path().join("flakefmt")));
    // Without XDG_CACHE_HOME: $HOME/.cache/flakefmt.
    let home = tempfile::tempdir().unwrap();
    let run = Command::new(BIN)
        .args(["fmt", "--check"])
        .current_dir(env.project.path())
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(home.path().join(".cache/flakefmt").is_dir());
    // A cache home inside the project is refused rather than used.
    let run = Command::new(BIN)
        .args(["fmt", "--check", "-v"])
        .current_dir(env.project.path())
        .env("XDG_CACHE_HOME", env.path("cache-here"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(!env.path("cache-here").exists());
}

#[test]
fn no_cache_reads_and_writes_no_cache() {
    let env = setup(TREE);
    let run = env.run(&["fmt", "--check", "-v", "--no-cache"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(!stderr(&run).contains(" cached ("), "{}", stderr(&run));
    env.run(&["fmt", "--check", "--no-cache"]);
    assert!(env.cache_files().is_empty());
    env.run(&["fmt", "--check"]);
    env.run(&["fmt", "--check"]);
    assert_eq!(env.cache_files().len(), 1);
    let run = env.run(&["fmt", "--check", "-v", "--no-cache"]);
    assert!(!stderr(&run).contains(" cached ("), "{}", stderr(&run));
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn check_and_lint_are_cached_too() {
    let env = setup(TREE);
    let cold = env.run(&["check", "-v"]);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    assert_eq!(cached(&cold), 0);
    let warm = env.run(&["check", "-v"]);
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    assert_eq!(cached(&warm), 3);
    let lint = env.run(&["lint", "-v"]);
    assert_eq!(lint.status.code(), Some(0), "{}", stderr(&lint));
    assert_eq!(cached(&lint), 3, "check's clean result serves lint too");
    // A lint setting changes: every lint key changes.
    fs::write(
        env.path("flakefmt.toml"),
        "[lint]\nignore = [\"sri_hash\"]\n",
    )
    .unwrap();
    assert_eq!(cached(&env.run(&["check", "-v"])), 0);
    // fmt --check keeps using the format half of the entries.
    assert_eq!(cached(&env.run(&["fmt", "--check", "-v"])), 3);
}

/// A warm `check` (or `lint`, or `fmt --check`) over an unchanged clean tree opens no
/// file at all: the cache stamp, the mode on disk and the git index mode come from `stat`
/// and the index, never from the content (not even the first bytes). Files of no known
/// language (here `README.md`), judged by the repository rules alone, are cached too.
#[test]
fn a_warm_run_reads_no_file() {
    let mut tree = TREE.to_vec();
    tree.push(("README.md", "# hello\n"));
    tree.push(("scripts/build.sh", "echo hi\n"));
    let env = setup(&tree);
    let cold = env.run(&["check", "-v"]);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    assert_eq!(files_read(&cold), 5, "{}", stderr(&cold));
    for args in [
        &["check", "-v"][..],
        &["lint", "-v"][..],
        &["fmt", "--check", "-v"][..],
    ] {
        let warm = env.run(args);
        assert_eq!(warm.status.code(), Some(0), "{args:?}: {}", stderr(&warm));
        assert_eq!(files_read(&warm), 0, "{args:?}: {}", stderr(&warm));
    }
    assert_eq!(cached(&env.run(&["check", "-v"])), 5);
}

/// Lint findings are cached too: a warm `check` shows a formatted file's findings again
/// (the same output, read for its line numbers and snippets) without linting it, and a
/// change to the file brings fresh findings.
#[test]
fn lint_findings_are_cached_and_shown_again() {
    const LEGACY: &str = "{\n  src = fetchurl {\n    url = \"https://example.org/a.tar.gz\";\n    sha256 = \"0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8\";\n  };\n}\n";
    let env = setup(&[("a.nix", LEGACY), ("b.nix", "{ }\n")]);
    for format in ["concise", "human", "json"] {
        let cold = env.run(&["check", "--no-cache", "--output-format", format]);
        assert_eq!(cold.status.code(), Some(1), "{}", stderr(&cold));
        env.run(&["check", "--output-format", format]);
        let warm = env.run(&["check", "-v", "--output-format", format]);
        assert_eq!(warm.status.code(), Some(1), "{}", stderr(&warm));
        assert_eq!(
            String::from_utf8_lossy(&warm.stdout),
            String::from_utf8_lossy(&cold.stdout),
            "{format}"
        );
        let notes = stderr(&warm);
        assert!(
            notes.contains("note: 1 with findings from an earlier run"),
            "{format}: {notes}"
        );
        assert_eq!(cached(&warm), 1, "{notes}");
        assert_eq!(files_read(&warm), 1, "{notes}");
    }
    // `lint` is served by what `check` learned.
    let lint = env.run(&["lint", "-v", "--output-format", "concise"]);
    assert!(
        stderr(&lint).contains("note: 1 with findings"),
        "{}",
        stderr(&lint)
    );
    assert!(String::from_utf8_lossy(&lint.stdout).contains("hash_attr_rename"));
    // Fixed: the finding goes.
    fs::write(
        env.path("a.nix"),
        LEGACY.replace(
            "sha256 = \"0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8\"",
            "hash = \"sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FA=\"",
        ),
    )
    .unwrap();
    age(&env.path("a.nix"));
    let fixed = env.run(&["check", "-v", "--output-format", "concise"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&fixed.stdout),
        stderr(&fixed)
    );
}

/// `git_exec_bit` reads the git index, not the file: changing the mode in the index alone
/// (the file on disk untouched, so its cache entry's stamp still matches) must not be
/// hidden by the cache.
#[test]
fn a_changed_git_index_mode_is_not_hidden_by_the_cache() {
    let env = setup(&[("a.nix", "{ }\n")]);
    fs::remove_dir(env.path(".git")).unwrap();
    let root = env.project.path();
    if !git(root, &["init", "-q", "."]) || !git(root, &["add", "a.nix"]) {
        eprintln!("SKIPPED a_changed_git_index_mode_is_not_hidden_by_the_cache: no git");
        return;
    }
    age(&env.path("a.nix"));
    env.run(&["check"]);
    let warm = env.run(&["check", "-v"]);
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    assert!(cached(&warm) >= 1, "{}", stderr(&warm));
    assert!(git(root, &["update-index", "--chmod=+x", "a.nix"]));
    let run = env.run(&["check", "-v", "--output-format", "concise"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}{}", stderr(&run));
    assert!(
        stdout.contains("a.nix") && stdout.contains("git_exec_bit"),
        "{stdout}"
    );
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out.sort();
    out
}
