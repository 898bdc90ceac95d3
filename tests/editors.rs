//! docs/editors.md is tested: for each snippet (marked `<!-- editor-test: NAME -->`), this
//! takes the command line the editor would run, exactly as the snippet writes it, fills in
//! the editor's file-name placeholder, and runs the built binary the way that editor does
//! (buffer on stdin, or the saved file in place), checking what comes out.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

const PY_MESSY: &str = "def  main( ):\n    print( 'hello' )\n";
const PY_FORMATTED: &str = "def main():\n    print(\"hello\")\n";
const NIX_MESSY: &str = "{\n      greeting   =  \"hello\";\n}\n";
const NIX_FORMATTED: &str = "{\n  greeting = \"hello\";\n}\n";
const NIX_BROKEN: &str = "{ a = ; }\n";

/// One argument of a snippet's command line.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// Passed as written.
    Literal(String),
    /// The editor's placeholder for the buffer's file path.
    FilePath,
}

/// A command line taken from a snippet: the program and its arguments.
#[derive(Debug, Clone, PartialEq)]
struct CommandLine {
    program: String,
    args: Vec<Arg>,
}

impl CommandLine {
    fn argv(&self, file: &Path) -> Vec<String> {
        self.args
            .iter()
            .map(|arg| match arg {
                Arg::Literal(text) => text.clone(),
                Arg::FilePath => file.display().to_string(),
            })
            .collect()
    }
}

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/editors.md");
    fs::read_to_string(path).expect("read docs/editors.md")
}

/// The fenced code block that follows `<!-- editor-test: NAME -->`.
fn snippet(name: &str) -> String {
    let doc = doc();
    let marker = format!("\n<!-- editor-test: {name} -->\n");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/editors.md has no snippet `{name}`"));
    let rest = &doc[start + marker.len()..];
    let fence = rest.find("```").expect("a fence after the marker");
    let body = &rest[fence..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("\n```").expect("a closing fence")].to_string()
}

/// Every snippet name in the doc, in order.
fn snippet_names() -> Vec<String> {
    doc()
        .lines()
        .filter_map(|line| line.strip_prefix("<!-- editor-test: "))
        .map(|rest| {
            rest.strip_suffix(" -->")
                .expect("marker ends with -->")
                .to_string()
        })
        .collect()
}

/// The double-quoted strings of `text`, unescaped (`\\` and `\"`).
fn quoted_strings(text: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.push(chars.next().unwrap()),
                '"' => break,
                other => value.push(other),
            }
        }
        strings.push(value);
    }
    strings
}

/// The text of `text` from just after `key` up to the matching `close` bracket.
fn bracketed_after<'a>(text: &'a str, key: &str, open: char, close: char) -> &'a str {
    let start = text
        .find(key)
        .unwrap_or_else(|| panic!("`{key}` not in snippet:\n{text}"));
    let rest = &text[start + key.len()..];
    let open_at = rest.find(open).unwrap();
    let mut depth = 0;
    for (index, c) in rest.char_indices().skip(open_at) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return &rest[open_at + 1..index];
            }
        }
    }
    panic!("unbalanced `{open}` after `{key}`");
}

fn value_after(text: &str, key: &str) -> String {
    let start = text.find(key).unwrap_or_else(|| panic!("`{key}` missing"));
    quoted_strings(&text[start + key.len()..])
        .into_iter()
        .next()
        .unwrap()
}

/// Lua tables (conform.nvim, none-ls): `command = "..."`, `args = { "...", "$FILENAME" }`.
fn lua_command(text: &str) -> CommandLine {
    let args = quoted_strings(bracketed_after(text, "args = ", '{', '}'))
        .into_iter()
        .map(|arg| match arg.as_str() {
            "$FILENAME" => Arg::FilePath,
            _ => Arg::Literal(arg),
        })
        .collect();
    CommandLine {
        program: value_after(text, "command = "),
        args,
    }
}

/// A whole command in one string, split on spaces; `placeholder` is the file path.
fn shell_words(command: &str, placeholder: &str) -> CommandLine {
    let mut words = command.split_whitespace();
    CommandLine {
        program: words.next().unwrap().to_string(),
        args: words
            .map(|word| {
                if word == placeholder {
                    Arg::FilePath
                } else {
                    Arg::Literal(word.to_string())
                }
            })
            .collect(),
    }
}

/// Runs `command` as an editor does for a buffer: `source` on stdin, in `cwd`.
fn run_stdin(command: &CommandLine, cwd: &Path, file: &Path, source: &str) -> Output {
    assert_eq!(command.program, "flakefmt", "{command:?}");
    let mut child = Command::new(BIN)
        .current_dir(cwd)
        .args(command.argv(file))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run flakefmt");
    let _ = child.stdin.take().unwrap().write_all(source.as_bytes());
    child.wait_with_output().unwrap()
}

/// A project directory where the buffers "live" (their files need not exist).
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    (dir, root)
}

/// The checks every stdin snippet must pass, for the languages it is used for.
fn check_stdin_formatter(name: &str, command: &CommandLine, languages: &[&str]) {
    let (_dir, root) = project();
    for &language in languages {
        let (file, messy, formatted, broken) = match language {
            "nix" => ("pkgs/module.nix", NIX_MESSY, NIX_FORMATTED, NIX_BROKEN),
            "python" => ("scripts/tool.py", PY_MESSY, PY_FORMATTED, "def f(:\n"),
            other => panic!("unknown language {other}"),
        };
        let file = root.join(file);
        let output = run_stdin(command, &root, &file, messy);
        assert!(
            output.status.success(),
            "{name} ({language}): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            formatted,
            "{name} ({language})"
        );
        // Already formatted: comes back unchanged.
        let again = run_stdin(command, &root, &file, formatted);
        assert_eq!(String::from_utf8_lossy(&again.stdout), formatted, "{name}");
        // A syntax error: exit 2, nothing on stdout, so the editor keeps the buffer.
        let output = run_stdin(command, &root, &file, broken);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name} ({language}) on a syntax error"
        );
        assert!(output.stdout.is_empty(), "{name}: stdout on a syntax error");
        assert!(!output.stderr.is_empty(), "{name}: the error is reported");
        // The buffer's file was never written or created.
        assert!(!file.exists(), "{name}: {} was created", file.display());
    }
}

#[test]
fn every_snippet_is_tested() {
    let mut names = snippet_names();
    names.sort();
    assert_eq!(
        names,
        [
            "apheleia",
            "conform.nvim",
            "helix",
            "none-ls",
            "reformatter.el",
            "vim-quickfix",
            "vscode-custom-local-formatters",
            "vscode-problem-matcher",
            "vscode-run-on-save",
            "zed",
        ]
    );
}

#[test]
fn conform_nvim() {
    let text = snippet("conform.nvim");
    assert!(text.contains("stdin = true"));
    assert!(text.contains(r#"nix = { "flakefmt" }"#));
    assert!(text.contains(r#"python = { "flakefmt" }"#));
    check_stdin_formatter("conform.nvim", &lua_command(&text), &["nix", "python"]);
}

#[test]
fn none_ls() {
    let text = snippet("none-ls");
    assert!(text.contains("to_stdin = true"));
    assert!(text.contains(r#"filetypes = { "nix", "python" }"#));
    check_stdin_formatter("none-ls", &lua_command(&text), &["nix", "python"]);
}

#[test]
fn helix() {
    let text = snippet("helix");
    let mut seen = Vec::new();
    for block in text.split("[[language]]").skip(1) {
        let language = value_after(block, "name = ");
        let command = CommandLine {
            program: value_after(block, "command = "),
            args: quoted_strings(bracketed_after(block, "args = ", '[', ']'))
                .into_iter()
                .map(Arg::Literal)
                .collect(),
        };
        // Helix gives no path: the literal name picks the language, from Helix's cwd.
        let (_dir, root) = project();
        let messy = if language == "nix" {
            NIX_MESSY
        } else {
            PY_MESSY
        };
        let output = run_stdin(&command, &root, &root, messy);
        assert!(output.status.success(), "helix {language}");
        if language == "python" {
            assert_eq!(String::from_utf8_lossy(&output.stdout), PY_FORMATTED);
        } else {
            assert_eq!(String::from_utf8_lossy(&output.stdout), NIX_FORMATTED);
        }
        seen.push(language);
    }
    assert_eq!(seen, ["nix", "python"]);
}

#[test]
fn vscode_custom_local_formatters() {
    let text = snippet("vscode-custom-local-formatters");
    assert!(text.contains(r#""languages": ["nix", "python"]"#));
    let command = shell_words(&value_after(&text, r#""command": "#), "${file}");
    check_stdin_formatter(
        "vscode-custom-local-formatters",
        &command,
        &["nix", "python"],
    );
}

#[test]
fn vscode_run_on_save_formats_the_saved_file_in_place() {
    let text = snippet("vscode-run-on-save");
    let pattern = value_after(&text, r#""match": "#);
    assert_eq!(pattern, r"\.(nix|py|pyi)$");
    let command = shell_words(&value_after(&text, r#""cmd": "#), "${file}");
    let (_dir, root) = project();
    let file = root.join("tool.py");
    fs::write(&file, PY_MESSY).unwrap();
    let output = Command::new(BIN)
        .current_dir(&root)
        .args(command.argv(&file))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fs::read_to_string(&file).unwrap(), PY_FORMATTED);
}

#[test]
fn apheleia() {
    let text = snippet("apheleia");
    let list = bracketed_after(&text, "apheleia-formatters)", '(', ')');
    let mut words = list.split_whitespace();
    let program = quoted_strings(words.next().unwrap()).remove(0);
    let args = words
        .map(|word| match word {
            "filepath" => Arg::FilePath,
            quoted => Arg::Literal(quoted_strings(quoted).remove(0)),
        })
        .collect();
    let command = CommandLine { program, args };
    for mode in ["nix-mode", "nix-ts-mode", "python-mode", "python-ts-mode"] {
        assert!(
            text.contains(&format!(
                "(alist-get '{mode} apheleia-mode-alist) 'flakefmt"
            )),
            "{mode}"
        );
    }
    check_stdin_formatter("apheleia", &command, &["nix", "python"]);
}

#[test]
fn reformatter_el() {
    let text = snippet("reformatter.el");
    let args = bracketed_after(&text, ":args ", '(', ')');
    let args = args.strip_prefix("list ").expect("`:args (list ...)`");
    let (literal, file_expression) = args.split_once(' ').unwrap();
    assert_eq!(file_expression, "(or buffer-file-name input-file)");
    let command = CommandLine {
        program: value_after(&text, ":program "),
        args: vec![
            Arg::Literal(quoted_strings(literal).remove(0)),
            Arg::FilePath,
        ],
    };
    check_stdin_formatter("reformatter.el", &command, &["nix", "python"]);
}

#[test]
fn zed() {
    let text = snippet("zed");
    let mut commands = Vec::new();
    for block in text.split(r#""external": "#).skip(1) {
        let args = quoted_strings(bracketed_after(block, r#""arguments": "#, '[', ']'))
            .into_iter()
            .map(|arg| {
                if arg == "{buffer_path}" {
                    Arg::FilePath
                } else {
                    Arg::Literal(arg)
                }
            })
            .collect();
        commands.push(CommandLine {
            program: value_after(block, r#""command": "#),
            args,
        });
    }
    assert_eq!(commands.len(), 2, "one for Nix, one for Python");
    check_stdin_formatter("zed (Nix)", &commands[0], &["nix"]);
    check_stdin_formatter("zed (Python)", &commands[1], &["python"]);
}

/// A project with one finding every build reports (a Nix syntax error) for the lint
/// snippets.
fn lint_project() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = project();
    fs::create_dir_all(root.join("modules")).unwrap();
    fs::write(root.join("modules/broken.nix"), NIX_BROKEN).unwrap();
    (dir, root)
}

/// The lines a lint snippet's command prints, run in `root`.
fn lint_lines(command: &CommandLine, root: &Path) -> Vec<String> {
    assert_eq!(command.program, "flakefmt");
    let output = Command::new(BIN)
        .current_dir(root)
        .args(command.argv(root))
        .output()
        .unwrap();
    // Findings (a syntax error is one): exit 1 or 2, never success.
    assert!(!output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn vim_quickfix_errorformat_reads_concise_output() {
    let text = snippet("vim-quickfix");
    let setting = |name: &str| -> String {
        let line = text
            .lines()
            .find_map(|line| line.strip_prefix(&format!("set {name}=")))
            .unwrap_or_else(|| panic!("no `set {name}=`"));
        line.replace("\\ ", " ")
    };
    let makeprg = shell_words(&setting("makeprg"), "%");
    assert_eq!(setting("errorformat"), "%f:%l:%c: %m");
    let (_dir, root) = lint_project();
    let lines = lint_lines(&makeprg, &root);
    assert!(!lines.is_empty());
    for line in &lines {
        // %f:%l:%c: %m, as Vim matches it: the file, two numbers, then the message.
        let mut parts = line.splitn(4, ':');
        let (file, line_number, column, message) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts
                .next()
                .unwrap_or_else(|| panic!("not %f:%l:%c: %m: {line}")),
        );
        assert!(root.join(file).exists(), "{line}: no file {file}");
        assert!(line_number.parse::<usize>().unwrap() >= 1, "{line}");
        assert!(column.parse::<usize>().unwrap() >= 1, "{line}");
        assert!(message.starts_with(' '), "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("modules/broken.nix:1:")),
        "{lines:?}"
    );
}

#[test]
fn vscode_problem_matcher_reads_concise_output() {
    let text = snippet("vscode-problem-matcher");
    let command = shell_words(&value_after(&text, r#""command": "#), "${file}");
    let regexp = value_after(&text, r#""regexp": "#);
    let (_dir, root) = lint_project();
    let lines = lint_lines(&command, &root);
    assert!(!lines.is_empty());
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|output| output.status.success()) {
        eprintln!("not matching the problem matcher's regexp: `python3` is not installed");
        return;
    }
    // The pattern is a JavaScript regular expression; Python's `re` reads this one the
    // same way. Each line must match, giving file, line, column, severity, code, message.
    let script = "import re, sys\n\
        pattern = re.compile(sys.argv[1])\n\
        for line in sys.stdin.read().splitlines():\n\
        \x20   m = pattern.match(line)\n\
        \x20   assert m, line\n\
        \x20   print('|'.join(m.groups()))\n";
    let mut child = Command::new("python3")
        .args(["-c", script, &regexp])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let groups = String::from_utf8(output.stdout).unwrap();
    assert!(
        groups
            .lines()
            .any(|line| line.starts_with("modules/broken.nix|1|")
                && line.contains("|error|syntax_error|")),
        "{groups}"
    );
}
