//! The command line's grammar (clap derive). Flags are global: they are accepted before or
//! after the subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  flakefmt                       format every Nix and Python file under the current directory
  flakefmt fmt --check           exit 1 and print a diff if anything would be reformatted
  flakefmt --diff src/ flake.nix print what would change, write nothing
  flakefmt --stdin-filepath flake.nix < flake.nix   editor mode: formatted source on stdout

Exit codes: 0 clean, 1 would reformat (or lint findings), 2 errors (bad usage, bad config,
unreadable file, syntax error).";

/// flakefmt: format Nix (the official style) and Python (as `ruff format`) in a flake repository.
#[derive(Debug, Parser)]
#[command(name = "flakefmt", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do; without a subcommand, `fmt`.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `fmt`'s arguments when no subcommand is given.
    #[command(flatten)]
    pub fmt: FmtArgs,

    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Format files in place (the default command).
    Fmt(FmtArgs),
    /// Run the lint rules (exit 1 on findings at warning level or above, 2 on errors).
    Lint(LintArgs),
    /// For CI and pre-commit: the formatting check and the lints, writing nothing (exit 1 on
    /// any finding).
    Check(CheckArgs),
    /// List the lint rules, or print one rule's documentation.
    Rule(RuleArgs),
}

/// Arguments of `lint`.
#[derive(Debug, Clone, Default, Args)]
pub struct LintArgs {
    /// Files or directories (default: the current directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Apply the safe fixes (Nix files are formatted again afterwards).
    #[arg(long)]
    pub fix: bool,

    /// Also apply unsafe fixes (ones that may change what the code means); implies --fix.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// How findings are printed: human, concise, json, github, sarif.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = parse_output_format)]
    pub output_format: flakefmt::lint::output::OutputFormat,
}

/// Arguments of `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Files or directories (default: the current directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// How findings are printed: human (diffs and findings), concise, json, github, sarif
    /// (formatting differences as findings of the `format` pseudo-rule).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = parse_output_format)]
    pub output_format: flakefmt::lint::output::OutputFormat,
}

/// Arguments of `rule`.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleArgs {
    /// A rule name or code; without one, list every rule.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

fn parse_output_format(text: &str) -> Result<flakefmt::lint::output::OutputFormat, String> {
    text.parse()
}

/// Arguments of `fmt`.
#[derive(Debug, Clone, Default, Args)]
pub struct FmtArgs {
    /// Files or directories (default: the current directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Write nothing; print a diff of each file that would change and exit 1 if any would.
    #[arg(long)]
    pub check: bool,

    /// Write nothing; print a diff of each file that would change (exit 0).
    #[arg(long)]
    pub diff: bool,
}

impl FmtArgs {
    /// Combines the top-level form (`flakefmt --check x`) with the subcommand form
    /// (`flakefmt fmt --check x`).
    pub fn merged(mut self, other: FmtArgs) -> FmtArgs {
        self.paths.extend(other.paths);
        self.check |= other.check;
        self.diff |= other.diff;
        self
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options shared by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Read the source from stdin, as if it were the file PATH (which need not exist), and
    /// write the result to stdout.
    #[arg(long, global = true, value_name = "PATH")]
    pub stdin_filepath: Option<PathBuf>,

    /// Use this flakefmt.toml for every file instead of the nearest one.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Nix line width (overrides [format] line-width). Python's comes from ruff's config.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub line_width: Option<u16>,

    /// Nix indentation width (overrides [format] indent-width).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=16))]
    pub indent_width: Option<u8>,

    /// Nix: nixfmt's --strict (overrides [format] strict).
    #[arg(long, global = true)]
    pub strict: bool,

    /// Number of threads (default: one per CPU).
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Print only findings and errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print each file's outcome and skipped files.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,

    /// Do not read or write the per-file cache (by default, files that were clean in an
    /// earlier run and have not changed since are skipped unread).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Skip explicitly named files that match an `exclude` of the configuration.
    #[arg(long, global = true)]
    pub force_exclude: bool,

    /// Debugging aid: print the Nix syntax tree (with --stdin-filepath or one file).
    #[arg(long, global = true, conflicts_with = "print_ir")]
    pub print_tree: bool,

    /// Debugging aid: print the Nix formatter's document (with --stdin-filepath or one file).
    #[arg(long, global = true)]
    pub print_ir: bool,

    /// Colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}
