//! Behaviour on a terminal (colour, the summary line), through a pseudo-terminal made by
//! util-linux's `script`; skipped (and said so) where `script` is missing.

use std::path::Path;
use std::process::{Command, Output};

fn on_terminal(dir: &Path, args: &str, no_color: bool) -> Option<Output> {
    let probe = Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|output| output.status.success()) {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        return None;
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_flakefmt"));
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "xterm");
    if no_color {
        script.env("NO_COLOR", "1");
    } else {
        script.env_remove("NO_COLOR");
    }
    Some(script.output().expect("run script"))
}

#[test]
fn a_terminal_gets_colour_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x=1\n").unwrap();
    std::fs::write(dir.path().join("b.py"), "y = 2\n").unwrap();
    let Some(output) = on_terminal(dir.path(), "--check", false) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\x1b[32m+x = 1\x1b[0m"), "{text:?}");
    assert!(
        text.contains("1 file would be reformatted, 1 unchanged, 0 failed in "),
        "{text:?}"
    );
    let Some(output) = on_terminal(dir.path(), "--check", true) else {
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains('\x1b'), "NO_COLOR: {text:?}");
    let Some(output) = on_terminal(dir.path(), "--check --quiet", false) else {
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("would be reformatted,"), "--quiet: {text:?}");
    let Some(output) = on_terminal(dir.path(), "", false) else {
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("1 file formatted, 1 unchanged, 0 failed in "),
        "{text:?}"
    );
}
