//! Which repository holds each file of a `check` run, however the file was reached: walked
//! below a root reached through a link or spelled with `..`, in a repository nested in
//! another, in a linked work tree (whose `.git` is a file), under a `.gitignore` that
//! ignores `.git`, or named on the command line. `git_exec_bit` tells: a tracked file is
//! judged by its mode in its own repository's index, an untracked file in a repository not
//! at all, a file outside any repository by its mode on disk. Each run twice: the warm run
//! (from the cache) must say the same.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// A script with a shebang whose mode on disk is 0644.
fn script(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, "#!/bin/sh\necho hi\n").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
}

/// The `git_exec_bit` findings of `check` in `dir` over `args`, cold then warm (equal).
fn exec_findings(dir: &Path, args: &[&str]) -> Vec<String> {
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        let output = Command::new(BIN)
            .args(["check", "--output-format", "concise"])
            .args(args)
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| line.contains("git_exec_bit"))
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    let cold = run();
    assert_eq!(run(), cold, "the warm run says the same");
    cold
}

const ON_DISK: &str =
    "error[git_exec_bit]: `tool.sh` starts with `#!` but is not executable on disk";
const IN_INDEX: &str =
    "error[git_exec_bit]: `tool.sh` starts with `#!` but is not executable in the git index";

fn finding(path: &str, what: &str) -> String {
    format!("{path}:1:1: {what}")
}

/// Layout: `outer/` a repository tracking `tool.sh` (0644 in the index); `outer/vendor/nested`
/// a repository of its own (not a submodule) tracking `lib/tool.sh`; `outer/new/tool.sh`
/// untracked; `elsewhere/sub/tool.sh` in no repository, reached as `outer/link/sub`.
struct Tree {
    _dir: tempfile::TempDir,
    outer: std::path::PathBuf,
}

fn tree() -> Option<Tree> {
    let dir = tempfile::tempdir().unwrap();
    let outer = dir.path().join("outer");
    let nested = outer.join("vendor/nested");
    let elsewhere = dir.path().join("elsewhere");
    script(&outer.join("tool.sh"));
    script(&outer.join("new/tool.sh"));
    script(&nested.join("lib/tool.sh"));
    script(&elsewhere.join("sub/deep/tool.sh"));
    if !git(&outer, &["init", "-q", "."]) || !git(&nested, &["init", "-q", "."]) {
        return None;
    }
    assert!(git(&outer, &["add", "tool.sh"]));
    assert!(git(&nested, &["add", "lib/tool.sh"]));
    std::os::unix::fs::symlink(&elsewhere, outer.join("link")).unwrap();
    Some(Tree { _dir: dir, outer })
}

#[test]
fn each_walked_file_belongs_to_its_own_repository() {
    let Some(tree) = tree() else {
        eprintln!("git is not installed: skipping");
        return;
    };
    assert_eq!(
        exec_findings(&tree.outer, &[]),
        [
            finding("tool.sh", IN_INDEX),
            finding("vendor/nested/lib/tool.sh", IN_INDEX),
        ]
    );
    // The same tree, walked from below with a `..` root.
    assert_eq!(
        exec_findings(&tree.outer.join("vendor/nested/lib"), &["../../.."]),
        [
            finding("../../../tool.sh", IN_INDEX),
            finding("../../../vendor/nested/lib/tool.sh", IN_INDEX),
        ]
    );
}

#[test]
fn a_walk_below_a_link_belongs_to_the_links_target() {
    let Some(tree) = tree() else {
        eprintln!("git is not installed: skipping");
        return;
    };
    // `link/sub` is a real directory reached through a link out of `outer`: no repository
    // holds it, so its script is judged on disk.
    let above = tree.outer.parent().unwrap();
    assert_eq!(
        exec_findings(above, &["outer/link/sub"]),
        [finding("outer/link/sub/deep/tool.sh", ON_DISK)]
    );
    assert_eq!(
        exec_findings(above, &["outer/link/sub/deep/tool.sh", "outer/new/tool.sh"]),
        [finding("outer/link/sub/deep/tool.sh", ON_DISK)]
    );
}

/// A `.gitignore` ignoring every dot file (`.git` too) does not hide the nested
/// repository: its files are still its own.
#[test]
fn a_gitignore_that_ignores_dot_git_hides_no_repository() {
    let Some(tree) = tree() else {
        eprintln!("git is not installed: skipping");
        return;
    };
    fs::write(tree.outer.join(".gitignore"), ".*\n").unwrap();
    fs::write(tree.outer.join("vendor/nested/.gitignore"), ".*\n").unwrap();
    assert_eq!(
        exec_findings(&tree.outer, &[]),
        [
            finding("tool.sh", IN_INDEX),
            finding("vendor/nested/lib/tool.sh", IN_INDEX),
        ]
    );
}

/// A linked work tree (its `.git` is a file) found by a walk holds its own files.
#[test]
fn a_linked_work_tree_found_by_a_walk_holds_its_files() {
    let Some(tree) = tree() else {
        eprintln!("git is not installed: skipping");
        return;
    };
    let nested = tree.outer.join("vendor/nested");
    assert!(git(&nested, &["commit", "-qm", "x"]));
    let parent = tree.outer.parent().unwrap().join("plain");
    fs::create_dir(&parent).unwrap();
    assert!(git(
        &nested,
        &["worktree", "add", "-q", parent.join("wt").to_str().unwrap()]
    ));
    assert!(
        fs::symlink_metadata(parent.join("wt/.git"))
            .unwrap()
            .is_file()
    );
    assert_eq!(
        exec_findings(&parent, &[]),
        [finding("wt/lib/tool.sh", IN_INDEX)]
    );
}
