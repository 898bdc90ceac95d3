//! The build-flag rules through the engine, in every place shell text is found: shell
//! files, Markdown fences and inline spans, CI YAML, Justfiles, Makefiles and Nix strings,
//! with positions in the host file and fixes applied there.

use std::path::Path;

use flakefmt::config::Config;
use flakefmt::diagnostic::{Diagnostic, LineIndex};
use flakefmt::language::Language;
use flakefmt::lint::{FileFacts, FileInput, Linter, lint_source};
use flakefmt::nix::parse;

fn config(toml: &str) -> Config {
    Config::from_toml(toml).expect("test config parses")
}

/// `rule@line:col` of every finding.
fn findings(path: &str, language: Language, source: &str, toml: &str) -> Vec<String> {
    let config = config(toml);
    let diagnostics: Vec<Diagnostic> = lint_source(
        Path::new(path),
        Some(language),
        source,
        &config.lint,
        &FileFacts::default(),
    );
    let index = LineIndex::new(source);
    diagnostics
        .iter()
        .map(|d| {
            let (line, column) = index.line_col(source, d.range.start);
            format!("{}@{line}:{column}", d.rule)
        })
        .collect()
}

/// The source after `--fix`.
fn fixed(path: &str, language: Language, source: &str) -> String {
    let config = config("");
    let linter = Linter::new(&config.lint);
    let parsed = if language == Language::Nix {
        Some(parse::parse(source).expect("test source parses"))
    } else {
        None
    };
    let facts = FileFacts::default();
    let input = FileInput {
        path: Path::new(path),
        language: Some(language),
        source,
        nix: parsed.as_ref(),
        facts: &facts,
    };
    let result = linter.fix(&input, false, None);
    assert!(result.dropped.is_empty(), "dropped: {:?}", result.dropped);
    result.source
}

#[test]
fn shell_script() {
    let source = "#!/bin/sh\nset -e\nnix build .#x --cores=4\n";
    assert_eq!(
        findings("build.sh", Language::Shell, source, ""),
        ["build_flags_missing@3:1", "build_flags_spelling@3:15"]
    );
    assert_eq!(
        fixed("build.sh", Language::Shell, source),
        "#!/bin/sh\nset -e\nnix build --max-jobs 4 .#x --cores 4\n"
    );
}

#[test]
fn suppression_comments_in_shell() {
    let source = "# flakefmt: allow(build_flags_missing)\nnix build\nnix develop # flakefmt: allow(build_flags_missing)\n";
    assert_eq!(
        findings("a.sh", Language::Shell, source, ""),
        Vec::<String>::new()
    );
}

#[test]
fn markdown_fences_and_inline_spans() {
    let source = "# Use\n\n```bash\n# build it\nnix build .#x\necho \"nix build\"\n```\n\n```console\n$ nix flake check\nerror: nix build failed\n```\n\n```nix\nnix build\n```\n\nRun `nix develop`, or `nix build` then `cd x && nix build`; `nix eval .#x`.\n";
    assert_eq!(
        findings("README.md", Language::Markdown, source, ""),
        [
            "build_flags_missing@5:1",
            "build_flags_missing@10:3",
            "build_flags_missing@18:6",
            "build_flags_missing@18:24",
        ]
    );
    let after = fixed("README.md", Language::Markdown, source);
    assert!(after.contains("```bash\n# build it\nnix build --cores 4 --max-jobs 4 .#x\n"));
    assert!(after.contains("$ nix flake check --cores 4 --max-jobs 4\nerror: nix build failed\n"));
    assert!(after.contains("Run `nix develop --cores 4 --max-jobs 4`, or `nix build --cores 4 --max-jobs 4` then `cd x && nix build`"));
    assert!(after.contains("```nix\nnix build\n```"));
}

#[test]
fn github_workflow_run_scalars() {
    let source = "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: nix flake check\n      - name: Build\n        run: |\n          nix build .#a \\\n            --cores 4\n          nix develop -c true\n      - run: \"nix-build -A x\"\n";
    let path = ".github/workflows/ci.yml";
    assert_eq!(
        findings(path, Language::Yaml, source, ""),
        [
            "build_flags_missing@7:14",
            "build_flags_missing@10:11",
            "build_flags_missing@12:11",
            "build_flags_missing@13:15",
        ]
    );
    assert_eq!(
        fixed(path, Language::Yaml, source),
        "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: nix flake check --cores 4 --max-jobs 4\n      - name: Build\n        run: |\n          nix build --max-jobs 4 .#a \\\n            --cores 4\n          nix develop --cores 4 --max-jobs 4 -c true\n      - run: \"nix-build --cores 4 --max-jobs 4 -A x\"\n"
    );
    // Other YAML files are not CI.
    assert_eq!(
        findings("config.yml", Language::Yaml, source, ""),
        Vec::<String>::new()
    );
}

#[test]
fn gitlab_and_buildkite() {
    let gitlab =
        "build:\n  before_script:\n    - nix develop -c true\n  script:\n    - nix build\n";
    assert_eq!(
        findings(".gitlab-ci.yml", Language::Yaml, gitlab, ""),
        ["build_flags_missing@3:7", "build_flags_missing@5:7"]
    );
    let buildkite = "steps:\n  - command: nix build\n  - commands:\n      - nix flake check\n";
    assert_eq!(
        findings(".buildkite/pipeline.yml", Language::Yaml, buildkite, ""),
        ["build_flags_missing@2:14", "build_flags_missing@4:9"]
    );
}

#[test]
fn justfile_recipes() {
    let source = "flake := \".\"\n\nbuild:\n    @nix build {{flake}}#x\n    -nix flake check --cores {{cores}} --max-jobs 4\n";
    assert_eq!(
        findings("Justfile", Language::Justfile, source, ""),
        ["build_flags_missing@4:6", "build_flags_value@5:30",]
    );
    assert_eq!(
        fixed("Justfile", Language::Justfile, source),
        "flake := \".\"\n\nbuild:\n    @nix build --cores 4 --max-jobs 4 {{flake}}#x\n    -nix flake check --cores {{cores}} --max-jobs 4\n"
    );
}

#[test]
fn makefile_recipes() {
    let source = "CORES = 4\n\nbuild:\n\t@nix build .#x \\\n\t  --cores $(CORES)\n\t-nix-shell --run 'echo $$HOME'\n";
    assert_eq!(
        findings("Makefile", Language::Makefile, source, ""),
        [
            "build_flags_missing@4:3",
            "build_flags_value@5:12",
            "build_flags_missing@6:3",
        ]
    );
    assert_eq!(
        fixed("Makefile", Language::Makefile, source),
        "CORES = 4\n\nbuild:\n\t@nix build --max-jobs 4 .#x \\\n\t  --cores $(CORES)\n\t-nix-shell --cores 4 --max-jobs 4 --run 'echo $$HOME'\n"
    );
}

#[test]
fn nix_shell_strings() {
    let source = r#"{ pkgs, lib, self, ... }:
{
  devShells.default = pkgs.mkShell {
    shellHook = ''
      echo "run: nix build"
      ${pkgs.nix}/bin/nix build ${self}#x
    '';
  };
  packages.update = pkgs.writeShellScriptBin "update" "nix flake check";
  checks.vm = pkgs.testers.runNixOSTest {
    name = "vm";
    nodes.machine = { };
    testScript = ''
      machine.succeed("nix build")
    '';
  };
  systemd.services.deploy.script = "${lib.getExe pkgs.nixos-rebuild} switch --flake ${self}";
  packages.drv = pkgs.stdenv.mkDerivation {
    name = "x";
    buildPhase = "nix build";
  };
}
"#;
    assert_eq!(
        findings("flake.nix", Language::Nix, source, ""),
        [
            "build_flags_missing@6:7",
            "build_flags_missing@9:56",
            "build_flags_missing@17:37",
        ]
    );
    let after = fixed("flake.nix", Language::Nix, source);
    assert!(
        after.contains("${pkgs.nix}/bin/nix build --cores 4 --max-jobs 4 ${self}#x"),
        "{after}"
    );
    assert!(
        after.contains("\"nix flake check --cores 4 --max-jobs 4\""),
        "{after}"
    );
}

#[test]
fn options_from_the_config_file() {
    let source = "nix develop\nnix build --cores 8 -j 8\n";
    assert_eq!(
        findings(
            "a.sh",
            Language::Shell,
            source,
            "[lint.build_flags]\ncores = 8\nmax-jobs = 8\ntier-b = \"off\"\n"
        ),
        Vec::<String>::new()
    );
    assert!(Config::from_toml("[lint.build_flags]\ncores-count = 1\n").is_err());
    assert_eq!(
        findings(
            "a.sh",
            Language::Shell,
            "nix build --cores 4 --max-jobs 4\n",
            "[lint]\nselect = [\"FF203\"]\n"
        ),
        Vec::<String>::new()
    );
}

/// The source after `--unsafe-fixes`.
fn fixed_unsafe(path: &str, language: Language, source: &str) -> String {
    let config = config("");
    let linter = Linter::new(&config.lint);
    let parsed = (language == Language::Nix).then(|| parse::parse(source).expect("parses"));
    let facts = FileFacts::default();
    let input = FileInput {
        path: Path::new(path),
        language: Some(language),
        source,
        nix: parsed.as_ref(),
        facts: &facts,
    };
    let result = linter.fix(&input, true, None);
    assert!(result.dropped.is_empty(), "dropped: {:?}", result.dropped);
    result.source
}

#[test]
fn hash_rules_in_nix_strings() {
    let source = r#"{ pkgs }:
{
  update = pkgs.writeShellScript "update" ''
    h=$(nix-prefetch-url "$1")
    sed -i "s|hash = .*|hash = \"sha256-''${h}\";|" pkg.nix
  '';
  other = pkgs.writeShellScript "other" "echo \"sha256-$h\"";
}
"#;
    assert_eq!(
        findings("update.nix", Language::Nix, source, ""),
        [
            "prefetch_without_sri@4:7",
            "manual_sri_prefix@5:34",
            "manual_sri_prefix@7:49",
        ]
    );
    let after = fixed_unsafe("update.nix", Language::Nix, source);
    assert!(
        after.contains(
            r#"h=$(nix-prefetch-url "$1" | xargs nix hash convert --hash-algo sha256 --to sri)"#
        ),
        "{after}"
    );
    assert!(
        after.contains(r#"hash = \"$(nix hash convert --hash-algo sha256 --to sri "''${h}")\";"#),
        "{after}"
    );
    assert!(
        after.contains(r#""echo \"$(nix hash convert --hash-algo sha256 --to sri \"$h\")\"""#),
        "{after}"
    );
}

#[test]
fn hash_rules_only_in_shell_and_nix() {
    let markdown = "```sh\nh=$(nix-prefetch-url u)\nsed -i \"s/x/$h/\" a.nix\n```\n";
    assert_eq!(
        findings("README.md", Language::Markdown, markdown, ""),
        Vec::<String>::new()
    );
    let script = "h=$(nix-prefetch-url u)\nsed -i \"s/x/$h/\" a.nix\n";
    assert_eq!(
        findings("update.sh", Language::Shell, script, ""),
        ["prefetch_without_sri@1:3"]
    );
}

#[test]
fn nix_config_set_by_the_host() {
    let accept = "[lint.build_flags]\naccept-nix-config-env = true\n";
    let workflow = "env:\n  NIX_CONFIG: |\n    cores = 4\n    max-jobs = 4\njobs:\n  a:\n    steps:\n      - run: nix build\n";
    let path = ".github/workflows/ci.yml";
    assert_eq!(
        findings(path, Language::Yaml, workflow, ""),
        ["build_flags_missing@8:14"]
    );
    assert_eq!(
        findings(path, Language::Yaml, workflow, accept),
        Vec::<String>::new()
    );
    let justfile = "export NIX_CONFIG := \"cores = 4\\nmax-jobs = 4\"\n\nbuild:\n    nix build\n";
    assert_eq!(
        findings("Justfile", Language::Justfile, justfile, ""),
        ["build_flags_missing@4:5"]
    );
    assert_eq!(
        findings("Justfile", Language::Justfile, justfile, accept),
        Vec::<String>::new()
    );
}
