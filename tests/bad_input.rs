//! Bad input, with nothing lost (issue 6): the built binary on hostile files. None may
//! panic, hang, or leave a file partially written; errors name the file; the other files
//! of the run are still processed.
//!
//! Every run here has a deadline (a hang fails the test instead of blocking the suite),
//! uses its own `XDG_CACHE_HOME`, and most include a sibling `good.py` that needs
//! formatting, to show the run went on past the bad file.
//!
//! Privileges: the suite runs as root in CI, and root reads and writes everything. Where a
//! test needs an operation to be refused it uses what refuses root too: an unprivileged
//! user via `setpriv` (unreadable file), an immutable directory via `chattr +i` (write
//! refused), a tiny tmpfs in a private mount namespace via `unshare -m` (disk full). As a
//! normal user the same tests use `chmod` instead. When the tool is missing, the test says
//! so on stderr and passes without checking (never silently).

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");
/// Generous: debug builds, two shared cores. A hang is a failure, not a slow test.
const DEADLINE: Duration = Duration::from_secs(240);
/// An unformatted Python file: `--check` reports it, `fmt` rewrites it.
const GOOD_PY: &str = "x=[1,2]\n";
const GOOD_PY_FORMATTED: &str = "x = [1, 2]\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// No panic message, no crash by signal (checked in `finish`), no raw backtrace.
    fn assert_no_panic(&self) {
        for needle in [
            "panicked at",
            "RUST_BACKTRACE",
            "stack overflow",
            "overflowed its stack",
        ] {
            assert!(!self.stderr.contains(needle), "{needle}:\n{}", self.stderr);
        }
    }
}

fn finish(mut child: std::process::Child, what: &str) -> Run {
    // Drain both pipes while waiting: a child blocked on a full pipe is not a hang.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut text).ok();
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stdout = stdout.join().unwrap();
            let stderr = stderr.join().unwrap();
            let Some(code) = status.code() else {
                panic!("{what}: killed by a signal ({status:?})\nstderr:\n{stderr}");
            };
            return Run {
                code,
                stdout,
                stderr,
            };
        }
        if started.elapsed() > DEADLINE {
            child.kill().ok();
            panic!("{what}: still running after {DEADLINE:?} (hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join(".test-cache-home"))
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs flakefmt in `dir`.
fn flakefmt(dir: &Path, args: &[&str]) -> Run {
    let child = command(dir, args).spawn().unwrap();
    finish(child, &format!("flakefmt {args:?}"))
}

fn tree() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.py"), GOOD_PY).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".test-cache-home")
        .collect();
    names.sort();
    names
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// `--check` on the tree: the bad file is named, good.py is still reported, nothing is
/// written. Returns the run for more checks.
fn check_reports(dir: &Path, bad: &str) -> Run {
    let bad_bytes = fs::read(dir.join(bad)).ok();
    let run = flakefmt(dir, &["fmt", "--check", bad, "good.py"]);
    run.assert_no_panic();
    assert!(
        run.all().contains("good.py"),
        "good.py not processed:\n{}",
        run.all()
    );
    assert_eq!(
        fs::read(dir.join(bad)).ok(),
        bad_bytes,
        "{bad} was modified"
    );
    assert_eq!(fs::read_to_string(dir.join("good.py")).unwrap(), GOOD_PY);
    run
}

// ---- deep nesting -------------------------------------------------------------------

const DEPTH: usize = 5000;

fn deep_inputs() -> Vec<(&'static str, String)> {
    let d = DEPTH;
    vec![
        (
            "lists.nix",
            format!("{}1{}\n", "[ ".repeat(d), " ]".repeat(d)),
        ),
        (
            "parens.nix",
            format!("{}1{}\n", "(".repeat(d), ")".repeat(d)),
        ),
        (
            "lets.nix",
            format!("{}1{}\n", "let a = ".repeat(d), "; in a".repeat(d)),
        ),
        (
            "interpolations.nix",
            format!("{}x{}\n", "\"${".repeat(d), "}\"".repeat(d)),
        ),
        (
            "attrsets.nix",
            format!("{}1{}\n", "{ a = ".repeat(d), "; }".repeat(d)),
        ),
        ("lambdas.nix", format!("{}1\n", "x: ".repeat(d))),
    ]
}

/// Formatted, or refused with a clear error naming the file; never a crash; whatever
/// happens, the result (if written) formats to itself.
#[test]
fn deep_nesting_is_formatted_or_refused_clearly() {
    for (name, source) in deep_inputs() {
        let dir = tree();
        fs::write(dir.path().join(name), &source).unwrap();
        let run = check_reports(dir.path(), name);
        assert!(matches!(run.code, 1 | 2), "{name}: exit {}", run.code);
        if run.code == 2 {
            assert!(
                run.stderr.contains(name),
                "{name}: error does not name the file:\n{}",
                run.stderr
            );
        }
        // In place: the file is either left as it was or replaced by a fixed point.
        let run = flakefmt(dir.path(), &["fmt", "--quiet", name, "good.py"]);
        run.assert_no_panic();
        assert_eq!(
            fs::read_to_string(dir.path().join("good.py")).unwrap(),
            GOOD_PY_FORMATTED
        );
        let after = fs::read_to_string(dir.path().join(name)).unwrap();
        if after != source {
            let again = flakefmt(dir.path(), &["fmt", "--check", "--quiet", name]);
            again.assert_no_panic();
            assert_eq!(again.code, 0, "{name}: formatted file is not a fixed point");
        }
        assert_eq!(
            files_in(dir.path()),
            sorted(&["good.py", name]),
            "stray files"
        );
    }
}

// ---- size ---------------------------------------------------------------------------

/// A 20 MB Nix file: an attribute set of 2,000 bindings holding 10 KB strings, not
/// formatted (so the whole pipeline runs, the write included). Few tokens, so the debug
/// build that tests use stays quick; time and memory on many-token trees are measured by
/// scripts/bench.sh instead (the scale curve in docs/performance.md).
#[test]
fn twenty_megabyte_file() {
    let dir = tree();
    let mut source = String::from("{\n");
    let mut i = 0;
    let filler = "abcdefghi ".repeat(1024);
    while source.len() < 20 << 20 {
        source.push_str(&format!("  p{i} =   \"{filler}\";\n"));
        i += 1;
    }
    source.push_str("}\n");
    fs::write(dir.path().join("big.nix"), &source).unwrap();
    let run = flakefmt(dir.path(), &["fmt", "--quiet", "big.nix", "good.py"]);
    run.assert_no_panic();
    assert!(run.code == 0 || run.code == 2, "exit {}", run.code);
    if run.code == 2 {
        assert!(run.stderr.contains("big.nix"), "{}", run.stderr);
    }
    let after = fs::read_to_string(dir.path().join("big.nix")).unwrap();
    if run.code == 0 {
        assert!(
            after.starts_with("{\n  p0 = \"abc"),
            "big.nix was not formatted"
        );
    } else {
        assert_eq!(after, source, "big.nix changed although it failed");
    }
    assert!(
        flakefmt::nix::parse::parse(&after).is_ok(),
        "big.nix no longer parses"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_PY_FORMATTED
    );
    assert_eq!(files_in(dir.path()), vec!["big.nix", "good.py"]);
}

// ---- encodings and odd text ---------------------------------------------------------

#[test]
fn nul_bytes_are_reported_and_left_alone() {
    for (name, bytes) in [
        ("nul.nix", &b"{ a = 1;\0 }\n"[..]),
        ("nul.py", &b"x = 1\0\n"[..]),
    ] {
        let dir = tree();
        fs::write(dir.path().join(name), bytes).unwrap();
        let run = check_reports(dir.path(), name);
        assert_eq!(run.code, 2, "{}", run.all());
        assert!(
            run.stderr.contains(name) && run.stderr.contains("NUL"),
            "{}",
            run.stderr
        );
        let run = flakefmt(dir.path(), &["fmt", name, "good.py"]);
        assert_eq!(fs::read(dir.path().join(name)).unwrap(), bytes);
        assert_eq!(
            fs::read_to_string(dir.path().join("good.py")).unwrap(),
            GOOD_PY_FORMATTED,
            "{}",
            run.all()
        );
    }
}

#[test]
fn non_utf8_is_reported_and_left_alone() {
    for (name, bytes) in [
        ("latin1.nix", &b"{ a = \"caf\xe9\"; }\n"[..]),
        ("latin1.py", &b"x = '\xff\xfe'\n"[..]),
        ("truncated.nix", &b"{ a = \"\xe2\x82\"; }\n"[..]),
    ] {
        let dir = tree();
        fs::write(dir.path().join(name), bytes).unwrap();
        let run = check_reports(dir.path(), name);
        assert_eq!(run.code, 2, "{}", run.all());
        assert!(
            run.stderr.contains(name) && run.stderr.contains("UTF-8"),
            "{}",
            run.stderr
        );
        flakefmt(dir.path(), &["fmt", name, "good.py"]);
        assert_eq!(fs::read(dir.path().join(name)).unwrap(), bytes);
        assert_eq!(
            fs::read_to_string(dir.path().join("good.py")).unwrap(),
            GOOD_PY_FORMATTED
        );
    }
}

/// Formats `name` in place, then checks that a second `--check` finds nothing (the CLI
/// writes fixed points) and that the result still parses.
fn formats_to_a_fixed_point(name: &str, bytes: &[u8]) -> String {
    let dir = tree();
    fs::write(dir.path().join(name), bytes).unwrap();
    let run = flakefmt(dir.path(), &["fmt", name, "good.py"]);
    run.assert_no_panic();
    assert!(run.code == 0, "{name}: exit {}:\n{}", run.code, run.all());
    let again = flakefmt(dir.path(), &["fmt", "--check", name, "good.py"]);
    assert_eq!(again.code, 0, "{name}: not a fixed point:\n{}", again.all());
    assert_eq!(
        files_in(dir.path()),
        sorted(&["good.py", name]),
        "stray files"
    );
    fs::read_to_string(dir.path().join(name)).unwrap()
}

#[test]
fn crlf_line_endings() {
    let nix = formats_to_a_fixed_point("crlf.nix", b"{\r\n  a = 1;\r\n  b = [ 1 2 ];\r\n}\r\n");
    assert!(flakefmt::nix::parse::parse(&nix).is_ok());
    // ruff keeps the line ending it finds (line-ending = auto).
    let py = formats_to_a_fixed_point("crlf.py", b"x=1\r\ny=[1,2]\r\n");
    assert_eq!(py, "x = 1\r\ny = [1, 2]\r\n");
}

#[test]
fn byte_order_mark() {
    // Nix has no notion of a BOM: flakefmt must either format around it or say which file
    // it could not parse; either way nothing is lost.
    let dir = tree();
    let source = b"\xef\xbb\xbf{ a = 1; }\n";
    fs::write(dir.path().join("bom.nix"), source).unwrap();
    let run = flakefmt(dir.path(), &["fmt", "bom.nix", "good.py"]);
    run.assert_no_panic();
    let after = fs::read(dir.path().join("bom.nix")).unwrap();
    if run.code == 2 {
        assert!(run.stderr.contains("bom.nix"), "{}", run.stderr);
        assert_eq!(after, source);
    } else {
        assert_eq!(run.code, 0, "{}", run.all());
        let again = flakefmt(dir.path(), &["fmt", "--check", "bom.nix"]);
        assert_eq!(again.code, 0, "{}", again.all());
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_PY_FORMATTED
    );
    // Python: as `ruff format` 0.17.6 does (checked with the real binary), the BOM is
    // dropped.
    let py = formats_to_a_fixed_point("bom.py", b"\xef\xbb\xbfx=1\n");
    assert_eq!(py, "x = 1\n");
}

#[test]
fn tabs() {
    let nix = formats_to_a_fixed_point(
        "tabs.nix",
        b"{\n\ta = [\t1\t2 ];\n\tb = ''\n\t\tx\n\t'';\n}\n",
    );
    assert!(flakefmt::nix::parse::parse(&nix).is_ok());
    let py = formats_to_a_fixed_point("tabs.py", b"if x:\n\ty = 1\n");
    assert_eq!(py, "if x:\n    y = 1\n");
}

#[test]
fn empty_and_comment_only_files() {
    for (name, bytes) in [
        ("empty.py", &b""[..]),
        ("blank.py", &b"\n\n\n"[..]),
        ("comment.py", &b"# just a comment\n"[..]),
    ] {
        formats_to_a_fixed_point(name, bytes);
    }
    // A Nix file must hold an expression: an empty or comment-only file is a syntax
    // error in Nix, reported with the file's name (or formatted, if the parser accepts
    // it); never a crash.
    for (name, bytes) in [
        ("empty.nix", &b""[..]),
        ("blank.nix", &b"\n\n"[..]),
        ("comment.nix", &b"# only a comment\n"[..]),
        ("block.nix", &b"/* block */\n"[..]),
    ] {
        let dir = tree();
        fs::write(dir.path().join(name), bytes).unwrap();
        let run = check_reports(dir.path(), name);
        if run.code == 2 {
            assert!(run.stderr.contains(name), "{}", run.stderr);
        }
    }
}

// ---- paths that cannot be read --------------------------------------------------------

#[test]
fn dangling_symlink_given_explicitly() {
    let dir = tree();
    std::os::unix::fs::symlink("missing-target.nix", dir.path().join("link.nix")).unwrap();
    let run = check_reports(dir.path(), "link.nix");
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("link.nix"), "{}", run.stderr);
    let run = flakefmt(dir.path(), &["fmt", "link.nix", "good.py"]);
    assert_eq!(run.code, 2);
    assert!(
        !dir.path().join("missing-target.nix").exists(),
        "wrote through the link"
    );
    assert!(
        fs::symlink_metadata(dir.path().join("link.nix"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_PY_FORMATTED
    );
}

/// A FIFO named like a Nix file: opening it for reading would block forever.
#[test]
fn fifo_does_not_hang() {
    let dir = tree();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.nix"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED fifo_does_not_hang: mkfifo is not available");
        return;
    }
    for args in [
        &["fmt", "--check", "pipe.nix", "good.py"][..],
        &["fmt", "--check", "."][..],
    ] {
        let run = flakefmt(dir.path(), args);
        run.assert_no_panic();
        assert!(run.all().contains("good.py"), "{}", run.all());
        if run.code == 2 {
            assert!(run.stderr.contains("pipe.nix"), "{}", run.stderr);
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

#[test]
fn unreadable_file() {
    let dir = tree();
    fs::write(dir.path().join("secret.nix"), "{ a = 1; }\n").unwrap();
    fs::set_permissions(
        dir.path().join("secret.nix"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = if is_root() {
        // Root reads everything: run flakefmt as the unprivileged user `nobody` instead.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let probe = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                BIN,
                "--version",
            ])
            .output();
        if !probe.is_ok_and(|out| out.status.success()) {
            eprintln!(
                "SKIPPED unreadable_file: running as root and cannot run the binary as \
                 nobody with setpriv (root can read any file)"
            );
            return;
        }
        let child = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(["fmt", "--check", "--no-cache", "secret.nix", "good.py"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        finish(child, "flakefmt as nobody")
    } else {
        flakefmt(dir.path(), &["fmt", "--check", "secret.nix", "good.py"])
    };
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("secret.nix"), "{}", run.stderr);
    assert!(run.all().contains("good.py"), "{}", run.all());
}

// ---- a file that changes while it is formatted -----------------------------------------

/// Another program writes the file between flakefmt's read and its rename (simulated
/// deterministically by a debug-build hook that appends to the file at that moment): the
/// file is left as the other program wrote it, with a warning naming it; nothing else.
#[test]
fn file_changed_while_formatting_is_left_alone() {
    let dir = tree();
    fs::write(dir.path().join("edited.py"), GOOD_PY).unwrap();
    let mut command = command(dir.path(), &["fmt", "edited.py"]);
    command.env("FLAKEFMT_TEST_APPEND_BEFORE_WRITE", "y=2\n");
    let run = finish(command.spawn().unwrap(), "flakefmt with the append hook");
    run.assert_no_panic();
    assert_eq!(
        fs::read_to_string(dir.path().join("edited.py")).unwrap(),
        format!("{GOOD_PY}y=2\n"),
        "the other program's write was lost"
    );
    assert!(
        run.stderr.contains("edited.py") && run.stderr.contains("changed on disk"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert_ne!(run.code, 0, "a file left unformatted must not look clean");
    assert_eq!(
        files_in(dir.path()),
        sorted(&["edited.py", "good.py"]),
        "stray files"
    );
    // Without the hook the same file is formatted normally (the hook is the only cause).
    let run = flakefmt(dir.path(), &["fmt", "edited.py", "good.py"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        fs::read_to_string(dir.path().join("edited.py")).unwrap(),
        "x = [1, 2]\ny = 2\n"
    );
}

// ---- writes that fail -----------------------------------------------------------------

/// Makes a directory refuse new entries, for root too: `chattr +i` (undone on drop).
struct Immutable(PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Option<Immutable> {
        if is_root() {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            ok.then(|| Immutable(dir.to_path_buf()))
        } else {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).ok()?;
            Some(Immutable(dir.to_path_buf()))
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        if is_root() {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        }
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
    }
}

/// The temporary file cannot be created: the original stays intact, nothing is left
/// behind, the error names the file, the file in the other directory is formatted.
#[test]
fn permission_error_during_write_keeps_the_original() {
    let dir = tree();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("a.py"), GOOD_PY).unwrap();
    let Some(guard) = Immutable::set(&locked) else {
        eprintln!("SKIPPED permission_error_during_write: cannot make a directory read-only here");
        return;
    };
    let run = flakefmt(dir.path(), &["fmt", "locked/a.py", "good.py"]);
    let listing = fs::read_dir(&locked)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    drop(guard);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("a.py"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(locked.join("a.py")).unwrap(), GOOD_PY);
    assert_eq!(listing, vec!["a.py"], "temporary file left behind");
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_PY_FORMATTED
    );
}

/// Disk full while writing the temporary file: a 64 KiB tmpfs in a private mount namespace
/// (`unshare -m`, so nothing outlives the test), holding a 40 KiB Python file that grows
/// to 60 KiB when formatted. The original must stay intact and no temporary file remain.
#[test]
fn disk_full_during_write_keeps_the_original() {
    let dir = tree();
    let source: String = (0..10_000).map(|_| "x=1\n").collect();
    fs::write(dir.path().join("source.py"), &source).unwrap();
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=64k tmpfs "$1/mnt"
cp "$1/source.py" "$1/mnt/big.py"
cp "$1/good.py" "$1/mnt/good.py"
set +e
cd "$1/mnt"
XDG_CACHE_HOME="$1/.test-cache-home" "{BIN}" fmt big.py good.py >"$1/stdout" 2>"$1/stderr"
echo "exit=$?"
ls -A "$1/mnt" | tr '\n' ' '; echo
cmp -s big.py "$1/source.py" && echo intact
cat good.py
"#
    );
    fs::create_dir(dir.path().join("mnt")).unwrap();
    let child = Command::new("unshare")
        .args(["-m", "sh", "-c", &script, "sh"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = child else {
        eprintln!("SKIPPED disk_full_during_write: unshare is not available");
        return;
    };
    let run = finish(child, "unshare");
    if run.code != 0 || !run.stdout.contains("exit=") {
        eprintln!(
            "SKIPPED disk_full_during_write: cannot mount a tmpfs in a private mount \
             namespace here (needs root or user namespaces): {}",
            run.stderr.trim()
        );
        return;
    }
    let stderr = fs::read_to_string(dir.path().join("stderr")).unwrap();
    assert!(!stderr.contains("panicked at"), "{stderr}");
    assert!(run.stdout.contains("exit=2"), "{}\n{stderr}", run.stdout);
    assert!(stderr.contains("big.py"), "{stderr}");
    assert!(
        stderr.contains("No space left") || stderr.contains("space"),
        "{stderr}"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        vec!["big.py", "good.py"],
        "temporary file left behind"
    );
    assert_eq!(lines[2], "intact", "big.py was damaged");
    assert_eq!(lines[3], GOOD_PY_FORMATTED.trim_end());
}
