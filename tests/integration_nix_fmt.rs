//! The `nix fmt` contract, tested with the real `nix` (Debian's `nix-bin`, Nix 2.8), offline.
//!
//! Each test builds a temporary flake without inputs whose `formatter.${system}` is a tiny
//! derivation: a shell script that logs its arguments and `exec`s the flakefmt binary that
//! cargo just built. `nix fmt` builds that derivation in a temporary chroot store (so the
//! machine's `/nix/store` is never touched) and runs it, exactly as it runs any flake's
//! formatter. The repository's own `flake.nix` is evaluated the same way, with `nixpkgs`
//! overridden by a small stand-in flake (nixpkgs itself cannot be fetched offline).
//!
//! Without `nix` on the PATH every test prints why and passes; `.ci/run` installs
//! `nix-bin`, so in CI they run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flakefmt");

/// Nix input that the formatter must change, and the official style's output for it.
const NIX_MESSY: &str = "{\n      greeting   =  \"hello\";\n}\n";
const NIX_FORMATTED: &str = "{\n  greeting = \"hello\";\n}\n";

/// Python input that `ruff format` changes, and its output.
const PY_MESSY: &str = "def  main( ):\n    print( 'hello' )\n";
const PY_FORMATTED: &str = "def main():\n    print(\"hello\")\n";

/// `Some(version)` when a usable `nix` is installed.
fn nix_version() -> Option<String> {
    let output = Command::new("nix").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Prints why a test is skipped; returns true when `nix` is missing.
fn skip_without_nix(test: &str) -> bool {
    match nix_version() {
        Some(_) => false,
        None => {
            eprintln!("skipping {test}: `nix` is not installed (apt-get install nix-bin)");
            true
        }
    }
}

/// The Nix system string of this machine, as the flake's `formatter.<system>` needs it.
fn current_system() -> String {
    let arch = std::env::consts::ARCH;
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{arch}-{os}")
}

/// A temporary directory holding a chroot store, a cache/home and one or more flakes.
struct NixSandbox {
    root: tempfile::TempDir,
}

impl NixSandbox {
    fn new() -> NixSandbox {
        let root = tempfile::tempdir().expect("temporary directory");
        for dir in ["store", "home", "cache"] {
            fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        NixSandbox { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    /// `nix <args>` run in `cwd`, offline, against the temporary store.
    ///
    /// A chroot store (`--store DIR`) makes Nix sandbox every build; the wrapper builder is
    /// `/bin/sh`, so the host's `/bin`, `/usr` and `/lib*` are made visible in the sandbox.
    /// `build-users-group = ''` lets the build run without the `nixbld` users.
    fn nix(&self, cwd: &Path, args: &[&str]) -> Output {
        let sandbox_paths: Vec<&str> = ["/bin", "/usr", "/lib", "/lib64"]
            .into_iter()
            .filter(|path| Path::new(path).exists())
            .collect();
        let store = self.path("store");
        let output = Command::new("nix")
            .current_dir(cwd)
            .env("HOME", self.path("home"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("NIX_CONFIG", "")
            .args(["--extra-experimental-features", "nix-command flakes"])
            .args(["--option", "substituters", ""])
            .args(["--option", "build-users-group", ""])
            .args(["--option", "sandbox-paths", &sandbox_paths.join(" ")])
            .arg("--store")
            .arg(&store)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run nix");
        // The store's paths are read-only; make them writable so the TempDir can go.
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(&store)
            .status();
        output
    }
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A flake without inputs whose formatter is a derivation wrapping the built flakefmt.
/// The wrapper writes its argument count and arguments, one per line, to `args_log`.
fn formatter_flake(system: &str, args_log: &Path, extra: &str) -> String {
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > {log}\nexec {bin} \"$@\"\n",
        log = shell_quote(&args_log.display().to_string()),
        bin = shell_quote(BIN),
    );
    format!(
        r#"{{
  outputs =
    {{ self }}:
    {{
      formatter.{system} = derivation {{
        name = "flakefmt";
        system = "{system}";
        builder = "/bin/sh";
        args = [
          "-c"
          ''
            /bin/mkdir -p $out/bin
            /bin/cat > $out/bin/flakefmt <<'WRAPPER'
            {script}
            WRAPPER
            /bin/chmod +x $out/bin/flakefmt
          ''
        ];
      }};
    }};
  # {extra}
}}
"#,
        script = script.trim_end().replace('\n', "\n            "),
    )
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Writes the temporary flake and its unformatted files; returns the flake directory.
fn write_project(sandbox: &NixSandbox) -> PathBuf {
    let project = sandbox.path("project");
    fs::create_dir_all(project.join("tools/sub")).unwrap();
    fs::write(
        project.join("flake.nix"),
        formatter_flake(&current_system(), &sandbox.path("args.log"), "marker"),
    )
    .unwrap();
    fs::write(project.join("module.nix"), NIX_MESSY).unwrap();
    fs::write(project.join("tools/helper.py"), PY_MESSY).unwrap();
    fs::write(project.join("tools/sub/other.py"), PY_MESSY).unwrap();
    project
}

fn logged_args(sandbox: &NixSandbox) -> Vec<String> {
    let log = fs::read_to_string(sandbox.path("args.log")).expect("the wrapper ran");
    let mut lines = log.lines().map(str::to_string);
    let count: usize = lines.next().unwrap().parse().unwrap();
    let args: Vec<String> = lines.collect();
    assert_eq!(args.len(), count, "argument log: {log:?}");
    args
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn nix_fmt_without_arguments_formats_the_whole_flake() {
    if skip_without_nix("nix_fmt_without_arguments_formats_the_whole_flake") {
        return;
    }
    let sandbox = NixSandbox::new();
    let project = write_project(&sandbox);
    let output = sandbox.nix(&project, &["fmt"]);
    assert!(
        output.status.success(),
        "nix fmt failed:\n{}",
        show(&output)
    );

    // Nix 2.8 (Debian) passes `.`; newer Nix passes nothing. Both mean "this tree".
    let args = logged_args(&sandbox);
    assert!(
        args.is_empty() || args == ["."],
        "nix fmt passed {args:?}; expected nothing or `.`"
    );

    assert_eq!(read(project.join("tools/helper.py")), PY_FORMATTED);
    assert_eq!(read(project.join("tools/sub/other.py")), PY_FORMATTED);
    assert_eq!(read(project.join("module.nix")), NIX_FORMATTED);
}

#[test]
fn nix_fmt_with_paths_formats_only_those_paths() {
    if skip_without_nix("nix_fmt_with_paths_formats_only_those_paths") {
        return;
    }
    let sandbox = NixSandbox::new();
    let project = write_project(&sandbox);
    let output = sandbox.nix(&project, &["fmt", "tools/helper.py", "module.nix"]);
    assert!(
        output.status.success(),
        "nix fmt failed:\n{}",
        show(&output)
    );
    assert_eq!(logged_args(&sandbox), ["tools/helper.py", "module.nix"]);

    assert_eq!(read(project.join("tools/helper.py")), PY_FORMATTED);
    assert_eq!(read(project.join("module.nix")), NIX_FORMATTED);
    // Not named, so left alone.
    assert_eq!(read(project.join("tools/sub/other.py")), PY_MESSY);
}

#[test]
fn nix_fmt_from_a_subdirectory_formats_that_subdirectory() {
    if skip_without_nix("nix_fmt_from_a_subdirectory_formats_that_subdirectory") {
        return;
    }
    let sandbox = NixSandbox::new();
    let project = write_project(&sandbox);
    // Nix looks upwards for flake.nix; the formatter runs in the current directory.
    let output = sandbox.nix(&project.join("tools/sub"), &["fmt"]);
    assert!(
        output.status.success(),
        "nix fmt failed:\n{}",
        show(&output)
    );
    assert_eq!(read(project.join("tools/sub/other.py")), PY_FORMATTED);
    assert_eq!(read(project.join("tools/helper.py")), PY_MESSY);
    assert_eq!(read(project.join("module.nix")), NIX_MESSY);
}

#[test]
fn nix_fmt_passes_extra_arguments_through() {
    if skip_without_nix("nix_fmt_passes_extra_arguments_through") {
        return;
    }
    let sandbox = NixSandbox::new();
    let project = write_project(&sandbox);
    // `nix fmt -- --check`: the CI form documented in docs/integrations.md.
    let output = sandbox.nix(&project, &["fmt", "--", "--check"]);
    assert_eq!(logged_args(&sandbox), ["--check"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("tools/helper.py"),
        "{}",
        show(&output)
    );
    // Nothing written.
    assert_eq!(read(project.join("tools/helper.py")), PY_MESSY);
    assert_eq!(read(project.join("module.nix")), NIX_MESSY);
}

/// The ```nix blocks of a Markdown file, with the line each starts on.
fn nix_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```nix" => current = Some((index + 2, String::new())),
            Some(_) if line.trim_start() == "```" => blocks.push(current.take().unwrap()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn documented_nix_snippets_parse_and_are_formatted() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["docs/integrations.md"] {
        let text = fs::read_to_string(manifest.join(doc)).unwrap();
        let blocks = nix_blocks(&text);
        assert!(!blocks.is_empty(), "{doc} has nix snippets");
        for (line, block) in blocks {
            let mut child = Command::new(BIN)
                .args(["--stdin-filepath", "snippet.nix"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(block.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{doc}:{line}: {}", show(&output));
            assert_eq!(
                String::from_utf8_lossy(&output.stdout),
                block,
                "{doc}:{line}: the snippet is not in the official style"
            );
        }
    }
}

/// A stand-in for nixpkgs with just what this repository's flake.nix uses. Its
/// `buildRustPackage` does not compile anything: it wraps the flakefmt binary cargo built,
/// so `nix fmt` in a copy of this repository runs the flake's own `formatter` for real.
fn mock_nixpkgs(args_log: &Path) -> String {
    let build = formatter_flake("SYSTEM", args_log, "");
    // Reuse the wrapper's builder script: the text between `args = [` and `];`.
    let start = build.find("args = [").unwrap();
    let end = start + build[start..].find("];").unwrap() + 2;
    let wrapper_args = build[start..end].replace("\n", "\n    ");
    format!(
        r#"{{
  outputs =
    {{ self }}:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      genAttrs = names: f: builtins.listToAttrs (map (name: {{ inherit name; value = f name; }}) names);
      stub = system: name: derivation {{
        inherit name system;
        builder = "/bin/sh";
        args = [ "-c" "echo > $out" ];
      }};
      pkgsFor = system: {{
        rustPlatform.buildRustPackage = attrs:
          derivation {{
            name = "${{attrs.pname}}-${{attrs.version}}";
            inherit system;
            builder = "/bin/sh";
            {wrapper_args}
          }} // {{
            inherit (attrs) pname version meta;
            passthru.cargoLock = attrs.cargoLock;
            nativeBuildInputs = [ ];
            overrideAttrs = f: stub system (f {{ nativeBuildInputs = [ ]; }}).pname;
          }};
        mkShell = attrs: stub system "shell";
        runCommand = name: env: script: stub system name;
        cargo = "cargo"; rustc = "rustc"; clippy = "clippy"; rustfmt = "rustfmt";
        rust-analyzer = "rust-analyzer"; ruff = "ruff"; pre-commit = "pre-commit";
      }};
    in
    {{
      lib = {{
        inherit genAttrs;
        getExe = drv: "${{drv}}/bin/${{drv.meta.mainProgram}}";
        licenses.mit = "MIT";
      }};
      legacyPackages = genAttrs systems pkgsFor;
    }};
}}
"#
    )
}

/// A copy of this repository's flake (flake.nix, Cargo.toml, Cargo.lock) with
/// `nixpkgs` overridden by [`mock_nixpkgs`]; returns (flake dir, the override arguments).
fn repository_flake(sandbox: &NixSandbox) -> (PathBuf, Vec<String>) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = sandbox.path("repository");
    let mock = sandbox.path("mock-nixpkgs");
    fs::create_dir_all(&copy).unwrap();
    fs::create_dir_all(&mock).unwrap();
    for file in ["flake.nix", "Cargo.toml", "Cargo.lock"] {
        fs::copy(manifest.join(file), copy.join(file)).unwrap();
    }
    fs::write(
        mock.join("flake.nix"),
        mock_nixpkgs(&sandbox.path("args.log")),
    )
    .unwrap();
    let overrides = vec![
        "--no-write-lock-file".to_string(),
        "--override-input".to_string(),
        "nixpkgs".to_string(),
        format!("path:{}", mock.display()),
    ];
    (copy, overrides)
}

fn eval_json(
    sandbox: &NixSandbox,
    flake: &Path,
    overrides: &[String],
    attr: &str,
    apply: &str,
) -> String {
    let mut args: Vec<&str> = vec!["eval", "--json"];
    args.extend(overrides.iter().map(String::as_str));
    let installable = format!(".#{attr}");
    args.extend([installable.as_str(), "--apply", apply]);
    let output = sandbox.nix(flake, &args);
    assert!(
        output.status.success(),
        "nix eval .#{attr}:\n{}",
        show(&output)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn repository_flake_has_the_documented_outputs() {
    if skip_without_nix("repository_flake_has_the_documented_outputs") {
        return;
    }
    let sandbox = NixSandbox::new();
    let (flake, overrides) = repository_flake(&sandbox);
    let systems = r#"["aarch64-darwin","aarch64-linux","x86_64-darwin","x86_64-linux"]"#;
    let names = "outputs: builtins.mapAttrs (system: builtins.attrNames) outputs";
    let per_system = |names: &str| {
        let entries: Vec<String> = [
            "aarch64-darwin",
            "aarch64-linux",
            "x86_64-darwin",
            "x86_64-linux",
        ]
        .iter()
        .map(|system| format!(r#""{system}":{names}"#))
        .collect();
        format!("{{{}}}", entries.join(","))
    };
    assert_eq!(
        eval_json(&sandbox, &flake, &overrides, "packages", names),
        per_system(r#"["default","flakefmt"]"#)
    );
    assert_eq!(
        eval_json(&sandbox, &flake, &overrides, "checks", names),
        per_system(r#"["build","clippy","flakefmt-check","rustfmt"]"#)
    );
    assert_eq!(
        eval_json(&sandbox, &flake, &overrides, "devShells", names),
        per_system(r#"["default"]"#)
    );
    assert_eq!(
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            "formatter",
            "builtins.attrNames"
        ),
        systems
    );
    // The formatter is the package itself, and the app runs its binary.
    let system = current_system();
    assert_eq!(
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            &format!("formatter.{system}.drvPath"),
            "x: x"
        ),
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            &format!("packages.{system}.default.drvPath"),
            "x: x"
        ),
    );
    assert_eq!(
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            &format!("apps.{system}.default"),
            "app: [ app.type (builtins.baseNameOf app.program) ]"
        ),
        r#"["app","flakefmt"]"#
    );
    assert_eq!(
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            &format!("packages.{system}.default.meta.mainProgram"),
            "x: x"
        ),
        r#""flakefmt""#
    );
    // The overlay adds `flakefmt` to a package set.
    assert_eq!(
        eval_json(
            &sandbox,
            &flake,
            &overrides,
            "overlays",
            &format!(
                "overlays: builtins.attrNames (overlays.default \
                 (builtins.getFlake \"path:{}\").legacyPackages.{system} {{ }})",
                sandbox.path("mock-nixpkgs").display()
            ),
        ),
        r#"["flakefmt"]"#
    );
}

#[test]
fn nix_flake_check_accepts_the_repository_outputs() {
    if skip_without_nix("nix_flake_check_accepts_the_repository_outputs") {
        return;
    }
    let sandbox = NixSandbox::new();
    let (flake, overrides) = repository_flake(&sandbox);
    // Nix's own schema checks of every output (apps, formatter, overlays, devShells,
    // checks, packages) for all systems, evaluated but not built.
    let mut args: Vec<&str> = vec!["flake", "check", "--no-build", "--all-systems"];
    args.extend(overrides.iter().map(String::as_str));
    let mut output = sandbox.nix(&flake, &args);
    if String::from_utf8_lossy(&output.stderr).contains("unrecognised flag '--all-systems'") {
        // Nix 2.8 checks every system without being asked.
        args.retain(|arg| *arg != "--all-systems");
        output = sandbox.nix(&flake, &args);
    }
    assert!(output.status.success(), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("warning: unknown flake output"),
        "{stderr}"
    );
}

#[test]
fn nix_fmt_in_this_repository_runs_flakefmt() {
    if skip_without_nix("nix_fmt_in_this_repository_runs_flakefmt") {
        return;
    }
    let sandbox = NixSandbox::new();
    let (flake, overrides) = repository_flake(&sandbox);
    fs::write(flake.join("helper.py"), PY_MESSY).unwrap();
    let mut args: Vec<&str> = vec!["fmt"];
    args.extend(overrides.iter().map(String::as_str));
    let output = sandbox.nix(&flake, &args);
    assert!(
        output.status.success(),
        "nix fmt failed:\n{}",
        show(&output)
    );
    let logged = logged_args(&sandbox);
    assert!(logged.is_empty() || logged == ["."], "{logged:?}");
    assert_eq!(read(flake.join("helper.py")), PY_FORMATTED);
}

#[test]
fn flake_nix_parses() {
    if skip_without_nix("flake_nix_parses") {
        return;
    }
    let flake = Path::new(env!("CARGO_MANIFEST_DIR")).join("flake.nix");
    let output = Command::new("nix-instantiate")
        .arg("--parse")
        .arg(&flake)
        .output()
        .expect("run nix-instantiate");
    assert!(output.status.success(), "{}", show(&output));
}
