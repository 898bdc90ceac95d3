//! Nothing is lost: symlinks, encodings, permissions, atomic writes. Drives the binary.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output};

const UGLY_PY: &str = "x=1\n";
const PRETTY_PY: &str = "x = 1\n";

fn flakefmt(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flakefmt"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run flakefmt")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn symlinks_are_not_followed_in_a_walk() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("target.py"), UGLY_PY).unwrap();
    fs::create_dir(outside.path().join("store")).unwrap();
    fs::write(outside.path().join("store/inner.py"), UGLY_PY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path().join("target.py"), dir.path().join("link.py")).unwrap();
    // A Nix `result` link into the store must not be walked.
    symlink(outside.path().join("store"), dir.path().join("result")).unwrap();
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(outside.path().join("target.py")).unwrap(),
        UGLY_PY
    );
    assert_eq!(
        fs::read_to_string(outside.path().join("store/inner.py")).unwrap(),
        UGLY_PY
    );
    assert!(
        fs::symlink_metadata(dir.path().join("link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn an_explicit_symlink_is_refused_and_not_written_through() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("target.py"), UGLY_PY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path().join("target.py"), dir.path().join("link.py")).unwrap();
    let output = flakefmt(dir.path(), &["link.py"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("link.py"), "{}", stderr(&output));
    assert!(stderr(&output).contains("symlink"), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(outside.path().join("target.py")).unwrap(),
        UGLY_PY
    );
    assert!(
        fs::symlink_metadata(dir.path().join("link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn non_utf8_and_nul_files_are_reported_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = b"x=\"caf\xe9\"\n".to_vec();
    let nul = b"x=1\0\n".to_vec();
    fs::write(dir.path().join("latin1.py"), &latin1).unwrap();
    fs::write(dir.path().join("nul.nix"), &nul).unwrap();
    fs::write(dir.path().join("ok.py"), UGLY_PY).unwrap();
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("latin1.py: is not valid UTF-8 (at byte 6)"),
        "{err}"
    );
    assert!(
        err.contains("nul.nix: contains a NUL byte (at byte 3)"),
        "{err}"
    );
    assert_eq!(fs::read(dir.path().join("latin1.py")).unwrap(), latin1);
    assert_eq!(fs::read(dir.path().join("nul.nix")).unwrap(), nul);
    assert_eq!(
        fs::read_to_string(dir.path().join("ok.py")).unwrap(),
        PRETTY_PY
    );
}

#[test]
fn permission_bits_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("tool.py");
    fs::write(&script, UGLY_PY).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o751)).unwrap();
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&script).unwrap(), PRETTY_PY);
    assert_eq!(
        fs::metadata(&script).unwrap().permissions().mode() & 0o7777,
        0o751
    );
}

#[test]
fn unchanged_files_are_not_rewritten_and_no_temp_files_remain() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.py");
    fs::write(&file, PRETTY_PY).unwrap();
    let before = fs::metadata(&file).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(dir.path().join("ugly.py"), UGLY_PY).unwrap();
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let after = fs::metadata(&file).unwrap();
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        before.ino(),
        after.ino(),
        "an unchanged file is not replaced"
    );
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|name| !name.starts_with(".flakefmt-")),
        "{names:?}"
    );
}

#[test]
fn a_read_only_directory_is_an_error_not_a_partial_write() {
    // Root ignores permissions; the test only means something for other users.
    if running_as_root() {
        eprintln!("skipping: running as root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ro");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("a.py"), UGLY_PY).unwrap();
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o555)).unwrap();
    let output = flakefmt(dir.path(), &[]);
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("ro/a.py: could not write"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(sub.join("a.py")).unwrap(), UGLY_PY);
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(true)
}

#[test]
fn python_output_the_target_version_cannot_parse_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let source = "f'outer {x:{\"# not a comment\"} }'\n";
    fs::write(dir.path().join("ruff.toml"), "target-version = \"py311\"\n").unwrap();
    fs::write(dir.path().join("a.py"), source).unwrap();
    let output = flakefmt(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("a.py") && err.contains("left untouched"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), source);
}
