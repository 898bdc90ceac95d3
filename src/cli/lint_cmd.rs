//! `flakefmt lint` and `flakefmt check`: the lint rules (and, for `check`, the formatting
//! check) over the walked files, one parse per Nix file shared by the formatter and the
//! rules, in parallel; findings printed in path order in the chosen output format.
//!
//! Exit codes: `lint` 1 when a finding at warning level or above remains, `check` 1 on any
//! finding (formatting or lint, info aside); 2 on errors (syntax, IO, configuration).

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use flakefmt::Language;
use flakefmt::diagnostic::{Applicability, Diagnostic, SYNTAX_ERROR, Severity};
use flakefmt::lint::output::{
    self as render, FORMAT_RULE, FileReport, OutputFormat, RenderOptions,
};
use flakefmt::lint::rules::git_exec_bit::{FileAction, file_action};
use flakefmt::lint::{FileFacts, FileInput, Linter};
use flakefmt::nix::NixFormatOptions;

use super::cache::{Cache, FileStamp, Fingerprint, Learned};
use super::discover::{ConfigFailure, ConfigStore, LoadedConfig};
use super::output::{self, Style, display_path};
use super::repo::{self, Repositories};
use super::report::Exit;
use super::run::{FormatFailure, FormatKeys, decode, format_text};
use super::walk::Candidate;
use super::{findings, guard, pipeline, write};

/// What the command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `lint`: the rules; with `fix`, apply safe fixes (and unsafe ones with `unsafe_fixes`).
    Lint {
        /// `--fix`.
        fix: bool,
        /// `--unsafe-fixes`.
        unsafe_fixes: bool,
    },
    /// `check`: formatting check plus the rules; writes nothing.
    Check,
}

impl Mode {
    /// `Some(unsafe_fixes)` when the run applies fixes.
    pub fn fixing(self) -> Option<bool> {
        match self {
            Mode::Lint { fix, unsafe_fixes } if fix || unsafe_fixes => Some(unsafe_fixes),
            _ => None,
        }
    }
}

/// The settings of one run.
pub struct Settings<'a> {
    /// Lint or check.
    pub mode: Mode,
    /// How findings are printed.
    pub format: OutputFormat,
    /// Colours and terminals.
    pub style: Style,
    /// `--quiet`.
    pub quiet: bool,
    /// `--force-exclude`.
    pub force_exclude: bool,
    /// Worker threads.
    pub threads: usize,
    /// Configuration.
    pub store: &'a Arc<ConfigStore>,
    /// The per-file cache (off for `--no-cache`, `--fix` and stdin).
    pub cache: Option<&'a Cache>,
}

/// What one file produced.
#[derive(Debug, Default)]
struct FileResult {
    path: PathBuf,
    source: String,
    diagnostics: Vec<Diagnostic>,
    /// The formatted text when it differs (`check`).
    formatted: Option<String>,
    errors: Vec<String>,
    notes: Vec<String>,
    config_failure: Option<Arc<ConfigFailure>>,
    fixed: usize,
}

impl FileResult {
    fn failed(&self) -> bool {
        !self.errors.is_empty()
            || self.config_failure.is_some()
            || self
                .diagnostics
                .iter()
                .any(|d| d.rule == SYNTAX_ERROR || d.rule == flakefmt::diagnostic::INTERNAL_ERROR)
    }
}

/// Runs `lint` or `check` over `paths`.
pub fn run(paths: &[PathBuf], settings: &Settings<'_>) -> Exit {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let repositories = Repositories::default();
    let format_keys = FormatKeys::default();
    let collector = Collector::new(settings);
    let work = |candidate: &Candidate| {
        let place = repositories.locate(candidate);
        collector.add(process(
            candidate,
            place,
            settings,
            &repositories,
            &format_keys,
        ));
    };
    let walked = pipeline::run(
        &paths,
        settings.store,
        settings.force_exclude,
        settings.threads,
        &|candidate| work(&candidate),
    );
    let errors = match walked {
        Ok(errors) => errors,
        Err(message) => {
            eprint!(
                "{}",
                output::error_line(&message, settings.style.color_stderr)
            );
            return Exit::Errors;
        }
    };
    for candidate in tracked_files_not_walked(&paths, &repositories, settings) {
        work(&candidate);
    }
    let mut exit = Exit::Clean;
    let mut stderr = String::new();
    for error in &errors {
        let message = if error.path.as_os_str().is_empty() {
            error.message.clone()
        } else {
            format!("{}: {}", display_path(&error.path), error.message)
        };
        stderr.push_str(&output::error_line(&message, settings.style.color_stderr));
        exit = Exit::Errors;
    }
    let _ = std::io::stderr().lock().write_all(stderr.as_bytes());
    exit.max(collector.finish())
}

/// Whether `tracked` or one of its directories below `root` (a directory the user named)
/// is excluded. As in the walk, an exclude matching `root` itself or what is above it does
/// not apply: naming an excluded directory checks it, walking its parent skips it.
fn excluded_below(store: &ConfigStore, root: &Path, tracked: &Path) -> bool {
    tracked
        .ancestors()
        .take_while(|ancestor| *ancestor != root)
        .any(|ancestor| store.is_excluded(ancestor, ancestor != tracked))
}

/// The files git tracks under `paths` that the walk did not yield (ignored but committed
/// files, such as a committed `result` link): the repository rules judge them.
fn tracked_files_not_walked(
    paths: &[PathBuf],
    repositories: &Repositories,
    settings: &Settings<'_>,
) -> Vec<Candidate> {
    let mut extra = Vec::new();
    for path in paths {
        if !path.is_dir() {
            continue;
        }
        let Some(index) = repositories.index_for(path) else {
            continue;
        };
        let Ok(root) = fs::canonicalize(path) else {
            continue;
        };
        for (tracked, entry) in index.not_walked_under(&root) {
            if entry.walked.load(Ordering::Relaxed) {
                continue;
            }
            if fs::symlink_metadata(&tracked).is_err()
                || excluded_below(settings.store, &root, &tracked)
            {
                continue;
            }
            // Once, even under two of the paths given.
            entry.walked.store(true, Ordering::Relaxed);
            // Shown relative to the path given, as the walk's paths are.
            let relative = tracked
                .strip_prefix(&root)
                .map_or_else(|_| tracked.clone(), |rest| path.join(rest));
            extra.push(Candidate {
                path: relative,
                explicit: false,
                depth: 0,
            });
        }
    }
    extra
}

/// The language of a file that is not a link: by name, or for an extensionless file by
/// its shebang (the only case that reads anything: the head, kept in `facts`).
fn detect(path: &Path, facts: &mut FileFacts) -> Option<Language> {
    if facts.is_symlink {
        return None;
    }
    if let Some(language) = Language::from_path(path) {
        return Some(language);
    }
    if path.extension().is_some() {
        return None;
    }
    facts.head = repo::read_head(path);
    Language::detect(path, Some(&facts.head))
}

/// Lints (and checks or fixes) one file, at `place` in git.
fn process(
    candidate: &Candidate,
    place: repo::Place,
    settings: &Settings<'_>,
    repositories: &Repositories,
    format_keys: &FormatKeys,
) -> FileResult {
    let path = &candidate.path;
    let mut result = FileResult {
        path: path.clone(),
        ..FileResult::default()
    };
    let loaded = match settings.store.flakefmt_config(path) {
        Ok(loaded) => loaded,
        Err(failure) => {
            result.config_failure = Some(failure);
            return result;
        }
    };
    // One `stat` gives the cache stamp and the mode on disk; the git index mode comes from
    // the index read once per repository. Nothing of the file's content is read yet.
    let link_metadata = fs::symlink_metadata(path).ok();
    let mut facts = repo::facts_without_head(path, link_metadata.as_ref(), place);
    let language = detect(path, &mut facts);
    // Clean last time (formatted, no finding) and unchanged since, with the same settings
    // and the same facts from elsewhere (the git index mode, ...): skipped unread.
    let keys = settings.cache.and_then(|cache| {
        cache_keys(
            cache,
            settings,
            format_keys,
            language,
            path,
            &loaded,
            &facts,
        )
    });
    if let (Some((cache, format_key, lint_key)), Some(stamp)) = (keys, &link_metadata) {
        let stamp = FileStamp::of(stamp);
        if cache.is_clean(path, &stamp, format_key, Some(lint_key)) {
            return result;
        }
        // Findings last time, unchanged since: shown again without linting.
        if let Some(stored) = cache.findings(path, &stamp, format_key, Some(lint_key))
            && let Some(diagnostics) = findings::decode(path, &stored)
            && let Some(source) = source_in_state(path, language, &stamp)
        {
            cache.count_findings_shown();
            result.source = source;
            result.diagnostics = diagnostics;
            return result;
        }
    }
    let linter = Linter::new(&loaded.config.lint);
    let Some(language) = language else {
        // Repository rules only (links, binaries, files of no known language): they look
        // at the first bytes.
        if !facts.is_symlink && facts.head.is_empty() {
            facts.head = repo::read_head(path);
        }
        result.diagnostics = lint_facts_only(&linter, path, &facts);
        apply_file_actions(&mut result, settings, repositories);
        if let Some(stamp) = &link_metadata {
            record_if_clean(keys, &result, stamp);
        }
        return result;
    };
    let (bytes, metadata) = match super::read::read_all(path) {
        Ok(read) => read,
        Err(error) => {
            result.errors.push(format!("could not read: {error}"));
            return result;
        }
    };
    // The repository rules see the first bytes (a file that does not parse is judged on
    // them alone).
    if facts.head.is_empty() {
        facts.head = bytes[..bytes.len().min(repo::HEAD_LEN)].to_vec();
    }
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => {
            result.errors.push(message);
            return result;
        }
    };
    let options = match settings.store.nix_options(path) {
        Ok(options) => options,
        Err(failure) => {
            result.config_failure = Some(failure);
            return result;
        }
    };
    result.source = source.clone();
    let parsed = if language == Language::Nix {
        match flakefmt::nix::parse::parse(&source) {
            Ok(parsed) => Some(parsed),
            Err(errors) => {
                result.diagnostics = errors;
                result
                    .diagnostics
                    .extend(lint_facts_only(&linter, path, &facts));
                return result;
            }
        }
    } else {
        None
    };
    let input = FileInput {
        path,
        language: Some(language),
        source: &source,
        nix: parsed.as_ref(),
        facts: &facts,
    };
    match settings.mode.fixing() {
        None => {
            diagnose(&mut result, &linter, &input, language, &options, settings);
            record_if_clean(keys, &result, &metadata);
        }
        Some(unsafe_fixes) => {
            let fixed = linter.fix(&input, unsafe_fixes, Some(&options));
            for dropped in &fixed.dropped {
                result.notes.push(format!(
                    "the fix of `{}` ({}) was not applied: the result would not parse",
                    dropped.rule, dropped.message
                ));
            }
            if fixed.source != source {
                match write::write_atomically(path, source.as_bytes(), &metadata, &fixed.source) {
                    Ok(()) => {
                        result.fixed += fixed.applied;
                        result.source = fixed.source;
                        result.diagnostics = fixed.remaining;
                    }
                    Err(error) => {
                        result.errors.push(error.to_string());
                        result.diagnostics = linter.lint(&input);
                    }
                }
            } else {
                result.diagnostics = fixed.remaining;
            }
            apply_file_actions(&mut result, settings, repositories);
        }
    }
    result
}

/// The findings of `check` (format check and lints) or of `lint` without fixes, in `result`.
fn diagnose(
    result: &mut FileResult,
    linter: &Linter<'_>,
    input: &FileInput<'_>,
    language: Language,
    options: &NixFormatOptions,
    settings: &Settings<'_>,
) {
    if matches!(settings.mode, Mode::Check) {
        check_format(result, language, input.source, input.nix, options, settings);
        result.diagnostics.extend(linter.lint(input));
    } else {
        result.diagnostics = linter.lint(input);
    }
}

/// `check`'s formatting half: formats `source` (reusing the Nix parse the rules share) and
/// records a difference, the diagnostics of a failure or a broken configuration in `result`.
fn check_format(
    result: &mut FileResult,
    language: Language,
    source: &str,
    parsed: Option<&flakefmt::nix::parse::ParsedNix>,
    options: &NixFormatOptions,
    settings: &Settings<'_>,
) {
    let formatted = match (language, parsed) {
        (Language::Nix, Some(parsed)) => {
            guard::catch(|| flakefmt::nix::format_nix(source, parsed, options))
                .map_err(FormatFailure::Panic)
                .and_then(|formatted| formatted.map_err(|d| FormatFailure::Diagnostics(vec![d])))
        }
        _ => format_text(language, source, &result.path, settings.store),
    };
    match formatted {
        Ok(formatted) if formatted != source => result.formatted = Some(formatted),
        Ok(_) => {}
        Err(FormatFailure::Diagnostics(diagnostics)) => result.diagnostics.extend(diagnostics),
        Err(FormatFailure::Config(failure)) => result.config_failure = Some(failure),
        Err(FormatFailure::Panic(message)) => result.errors.push(format!(
            "internal error: the formatter panicked: {message} (please report this bug)"
        )),
    }
}

/// The cache and this file's keys: the format key (`check` of a formatted language only)
/// and the lint key, a fingerprint of the build, the language, the `[lint]` settings and
/// every fact gathered from outside the file's text (its mode on disk and in the git index,
/// a link's target). The file's first bytes are content: the stamp covers them.
fn cache_keys<'c>(
    cache: &'c Cache,
    settings: &Settings<'_>,
    format_keys: &FormatKeys,
    language: Option<Language>,
    path: &Path,
    loaded: &LoadedConfig,
    facts: &FileFacts,
) -> Option<(&'c Cache, Option<u64>, u64)> {
    let format_key = match (settings.mode, language) {
        (Mode::Check, Some(language)) if language.is_formatted() => {
            Some(format_keys.get(cache, language, path, settings.store)?)
        }
        _ => None,
    };
    let lint_key = Fingerprint::new()
        .bytes(&cache.build().to_le_bytes())
        .bytes(language.map_or("none", Language::name).as_bytes())
        .bytes(&loaded.lint_fingerprint().to_le_bytes())
        .bytes(&facts.fs_mode.unwrap_or(u32::MAX).to_le_bytes())
        .bytes(&facts.git_mode.unwrap_or(u32::MAX).to_le_bytes())
        .bytes(&[
            u8::from(facts.is_symlink),
            u8::from(facts.in_repository),
            u8::from(facts.symlink_target.is_some()),
        ])
        .bytes(facts.symlink_target.as_deref().unwrap_or("").as_bytes())
        .key();
    Some((cache, format_key, lint_key))
}

/// The text of `path` for showing cached findings: empty for a file of no language (its
/// findings have no place in a text), else its content, provided it is still in the state
/// `stamp` the cache answered for and is text.
fn source_in_state(path: &Path, language: Option<Language>, stamp: &FileStamp) -> Option<String> {
    if language.is_none() {
        return Some(String::new());
    }
    let (bytes, metadata) = super::read::read_all(path).ok()?;
    if FileStamp::of(&metadata) != *stamp {
        return None;
    }
    decode(bytes).ok()
}

/// Records a file that came out without error and, for `check`, formatted: its lint
/// findings (usually none) are valid until the file, its settings or its facts change.
fn record_if_clean(
    keys: Option<(&Cache, Option<u64>, u64)>,
    result: &FileResult,
    metadata: &fs::Metadata,
) {
    if let Some((cache, format_key, lint_key)) = keys
        && !result.failed()
        && result.formatted.is_none()
    {
        let findings = if result.diagnostics.is_empty() {
            Vec::new()
        } else {
            findings::encode(&result.path, &result.diagnostics)
        };
        let learned = Learned {
            format_clean: format_key,
            linted: Some(lint_key),
            findings,
        };
        cache.record(&result.path, &FileStamp::of(metadata), learned);
    }
}

fn lint_facts_only(linter: &Linter<'_>, path: &Path, facts: &FileFacts) -> Vec<Diagnostic> {
    linter.lint(&FileInput {
        path,
        language: None,
        source: "",
        nix: None,
        facts,
    })
}

/// With `--fix`, carries out the fixes that are file actions (exec bits).
fn apply_file_actions(
    result: &mut FileResult,
    settings: &Settings<'_>,
    repositories: &Repositories,
) {
    let Some(unsafe_fixes) = settings.mode.fixing() else {
        return;
    };
    let mut kept = Vec::new();
    for diagnostic in std::mem::take(&mut result.diagnostics) {
        let wanted = diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| unsafe_fixes || fix.applicability == Applicability::Safe);
        match (wanted, file_action(&diagnostic)) {
            (true, Some(FileAction::SetExecutable(executable))) => {
                match repo::set_executable(&result.path, executable, repositories) {
                    Ok(()) => result.fixed += 1,
                    Err(message) => {
                        result.errors.push(message);
                        kept.push(diagnostic);
                    }
                }
            }
            _ => kept.push(diagnostic),
        }
    }
    result.diagnostics = kept;
}

/// A `format` finding for a file that would be reformatted, at the first line that differs.
fn format_finding(source: &str, formatted: &str) -> Diagnostic {
    let common = source
        .bytes()
        .zip(formatted.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let mut start = source[..common.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    Diagnostic::new(
        FORMAT_RULE,
        Severity::Error,
        "the file is not formatted (run `flakefmt fmt`)",
        start..end,
    )
}

/// One file's part of the report, rendered in the worker that processed it.
#[derive(Debug, Default)]
struct Rendered {
    /// The sort key.
    path: PathBuf,
    stdout: String,
    stderr: String,
    config_failure: Option<Arc<ConfigFailure>>,
    /// For the machine formats: the path as shown, the source and the findings.
    machine: Option<(String, String, Vec<Diagnostic>)>,
}

/// What the files of a run add up to.
#[derive(Debug, Default)]
struct Tally {
    files: usize,
    exit: Option<Exit>,
    fixed: usize,
    fixable: usize,
    /// Errors, warnings, infos.
    counts: (usize, usize, usize),
    /// The files with something to print; clean files leave only their counts.
    kept: Vec<Rendered>,
}

/// Collects the results of a run from the worker threads and prints them in path order
/// at the end. Memory grows with what is printed, not with the number of files.
struct Collector<'s, 'a> {
    settings: &'s Settings<'a>,
    tally: Mutex<Tally>,
    /// Files with nothing to report (counted apart: most files of a run).
    clean: AtomicUsize,
}

impl<'s, 'a> Collector<'s, 'a> {
    fn new(settings: &'s Settings<'a>) -> Self {
        Collector {
            settings,
            tally: Mutex::new(Tally::default()),
            clean: AtomicUsize::new(0),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Renders one file's result (any thread, any order) and keeps what it prints.
    fn add(&self, result: FileResult) {
        if result.errors.is_empty()
            && result.notes.is_empty()
            && result.diagnostics.is_empty()
            && result.formatted.is_none()
            && result.config_failure.is_none()
            && result.fixed == 0
        {
            self.clean.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let settings = self.settings;
        let display = display_path(&result.path);
        let mut exit = None;
        let mut stderr = String::new();
        let mut stdout = String::new();
        for message in &result.errors {
            stderr.push_str(&output::error_line(
                &format!("{display}: {message}"),
                settings.style.color_stderr,
            ));
        }
        for message in &result.notes {
            stderr.push_str(&output::warning_line(
                &format!("{display}: {message}"),
                settings.style.color_stderr,
            ));
        }
        if result.failed() {
            exit = Some(Exit::Errors);
        }
        let mut counts = (0, 0, 0);
        let mut fixable = 0;
        let mut diagnostics = result.diagnostics;
        for diagnostic in &diagnostics {
            if diagnostic.severity >= Severity::Warning {
                exit = exit.max(Some(Exit::Findings));
            }
            match diagnostic.severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
                Severity::Info => counts.2 += 1,
            }
            if diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Safe)
            {
                fixable += 1;
            }
        }
        if let Some(formatted) = &result.formatted {
            exit = exit.max(Some(Exit::Findings));
            if settings.format.is_machine() {
                diagnostics.insert(0, format_finding(&result.source, formatted));
                counts.0 += 1;
            } else {
                stdout.push_str(&output::unified_diff(
                    &display,
                    &result.source,
                    formatted,
                    settings.style.color_stdout,
                ));
            }
        }
        let mut machine = None;
        if !diagnostics.is_empty() {
            if settings.format == OutputFormat::Human {
                stdout.push_str(&render::render(
                    OutputFormat::Human,
                    &[FileReport {
                        path: &display,
                        source: &result.source,
                        diagnostics: &diagnostics,
                    }],
                    &RenderOptions {
                        color: settings.style.color_stdout,
                    },
                ));
            } else {
                machine = Some((display, result.source, diagnostics));
            }
        }
        let mut tally = self.tally();
        tally.files += 1;
        tally.exit = tally.exit.max(exit);
        tally.fixed += result.fixed;
        tally.fixable += fixable;
        tally.counts.0 += counts.0;
        tally.counts.1 += counts.1;
        tally.counts.2 += counts.2;
        if !stdout.is_empty()
            || !stderr.is_empty()
            || result.config_failure.is_some()
            || machine.is_some()
        {
            tally.kept.push(Rendered {
                path: result.path,
                stdout,
                stderr,
                config_failure: result.config_failure,
                machine,
            });
        }
    }

    /// Prints what was kept, in path order, and the summary; returns the exit code.
    fn finish(self) -> Exit {
        let settings = self.settings;
        let mut tally = self
            .tally
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        tally.files += self.clean.into_inner();
        tally.kept.sort_by(|a, b| a.path.cmp(&b.path));
        let mut stderr = String::new();
        let mut stdout = String::new();
        let mut reported_configs = BTreeSet::new();
        for rendered in &tally.kept {
            if let Some(failure) = &rendered.config_failure
                && reported_configs.insert(failure.path.clone())
            {
                stderr.push_str(&output::error_line(
                    &format!("invalid configuration {failure}"),
                    settings.style.color_stderr,
                ));
            }
            stderr.push_str(&rendered.stderr);
            stdout.push_str(&rendered.stdout);
        }
        if settings.format.is_machine() {
            let mut reports: Vec<FileReport<'_>> = tally
                .kept
                .iter()
                .filter_map(|rendered| rendered.machine.as_ref())
                .map(|(display, source, diagnostics)| FileReport {
                    path: display,
                    source,
                    diagnostics,
                })
                .collect();
            if settings.format == OutputFormat::Json {
                // The JSON summary counts every file; the clean ones print nothing else.
                let clean = tally.files - reports.len();
                reports.extend((0..clean).map(|_| FileReport {
                    path: "",
                    source: "",
                    diagnostics: &[],
                }));
            }
            stdout.push_str(&render::render(
                settings.format,
                &reports,
                &RenderOptions::default(),
            ));
        }
        if settings.format == OutputFormat::Human && !settings.quiet {
            let (errors, warnings, infos) = tally.counts;
            let files = tally.files;
            let mut line = format!(
                "{errors} error{}, {warnings} warning{}, {infos} info in {files} file{}",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
                if files == 1 { "" } else { "s" },
            );
            if tally.fixed > 0 {
                line.push_str(&format!("; {} fixed", tally.fixed));
            }
            if tally.fixable > 0 {
                line.push_str(&format!(
                    "; {} fixable with `flakefmt lint --fix`",
                    tally.fixable
                ));
            }
            line.push('\n');
            stderr.push_str(&line);
        }
        let _ = std::io::stdout().lock().write_all(stdout.as_bytes());
        let _ = std::io::stderr().lock().write_all(stderr.as_bytes());
        tally.exit.unwrap_or(Exit::Clean)
    }
}

/// Prints the results of the given files (stdin's one, or none) and computes the exit code.
fn report(results: Vec<FileResult>, settings: &Settings<'_>) -> Exit {
    let collector = Collector::new(settings);
    for result in results {
        collector.add(result);
    }
    collector.finish()
}

/// `--stdin-filepath`: lints (or checks) stdin as the file `path`. With `--fix`, the fixed
/// source goes to stdout and the remaining findings to stderr.
pub fn run_stdin(path: &Path, settings: &Settings<'_>) -> Exit {
    let display = display_path(path);
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprint!(
            "{}",
            output::error_line(
                &format!("could not read stdin: {error}"),
                settings.style.color_stderr
            )
        );
        return Exit::Errors;
    }
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => {
            eprint!(
                "{}",
                output::error_line(
                    &format!("stdin ({display}) {message}"),
                    settings.style.color_stderr
                )
            );
            return Exit::Errors;
        }
    };
    let loaded = match settings.store.flakefmt_config(path) {
        Ok(loaded) => loaded,
        Err(failure) => {
            eprint!(
                "{}",
                output::error_line(
                    &format!("invalid configuration {failure}"),
                    settings.style.color_stderr
                )
            );
            return Exit::Errors;
        }
    };
    let options: NixFormatOptions = settings.store.nix_options(path).unwrap_or_default();
    let linter = Linter::new(&loaded.config.lint);
    let language = Language::detect(path, Some(source.as_bytes()));
    let facts = FileFacts::default();
    let excluded = settings.force_exclude && settings.store.is_excluded(path, false);
    let mut result = FileResult {
        path: path.to_path_buf(),
        source: source.clone(),
        ..FileResult::default()
    };
    let Some(language) = language.filter(|_| !excluded) else {
        if settings.mode.fixing().is_some() {
            print!("{source}");
        }
        return report(Vec::new(), settings);
    };
    let parsed = if language == Language::Nix {
        match flakefmt::nix::parse::parse(&source) {
            Ok(parsed) => Some(parsed),
            Err(errors) => {
                result.diagnostics = errors;
                if settings.mode.fixing().is_some() {
                    print!("{source}");
                    let text = output::render_diagnostics(
                        &display,
                        &source,
                        &result.diagnostics,
                        settings.style.color_stderr,
                    );
                    eprint!("{text}");
                    return Exit::Errors;
                }
                return report(vec![result], settings);
            }
        }
    } else {
        None
    };
    let input = FileInput {
        path,
        language: Some(language),
        source: &source,
        nix: parsed.as_ref(),
        facts: &facts,
    };
    match settings.mode.fixing() {
        None => {
            diagnose(&mut result, &linter, &input, language, &options, settings);
            report(vec![result], settings)
        }
        Some(unsafe_fixes) => {
            let fixed = linter.fix(&input, unsafe_fixes, Some(&options));
            print!("{}", fixed.source);
            let text = output::render_diagnostics(
                &display,
                &fixed.source,
                &fixed.remaining,
                settings.style.color_stderr,
            );
            eprint!("{text}");
            if fixed
                .remaining
                .iter()
                .any(|d| d.severity >= Severity::Warning)
            {
                Exit::Findings
            } else {
                Exit::Clean
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::discover::CliOverrides;
    use crate::cli::run::format_key;

    /// A file's format key is its directory's: computed once per directory and language,
    /// equal to the key of each file computed alone, and different where another
    /// `flakefmt.toml` applies.
    #[test]
    fn format_keys_are_computed_once_per_directory() {
        let project = tempfile::tempdir().unwrap();
        let cache_home = tempfile::tempdir().unwrap();
        let root = project.path();
        fs::create_dir_all(root.join("wide")).unwrap();
        fs::write(
            root.join("wide/flakefmt.toml"),
            "[format]\nline-width = 120\n",
        )
        .unwrap();
        let cache = Cache::open(root, cache_home.path()).unwrap();
        let store = ConfigStore::new(None, CliOverrides::default());
        let keys = FormatKeys::default();
        let key = |path: &str, language| keys.get(&cache, language, &root.join(path), &store);
        let alone = |path: &str, language| format_key(&cache, language, &root.join(path), &store);
        for name in ["a.nix", "b.nix", "c.nix"] {
            assert_eq!(key(name, Language::Nix), alone(name, Language::Nix));
        }
        assert_eq!(
            key("d.py", Language::Python),
            alone("d.py", Language::Python)
        );
        assert_eq!(
            key("e.py", Language::Python),
            alone("e.py", Language::Python)
        );
        assert_eq!(
            keys.computed.load(Ordering::Relaxed),
            2,
            "Nix and Python, once"
        );
        let wide = key("wide/a.nix", Language::Nix);
        assert_eq!(wide, alone("wide/a.nix", Language::Nix));
        assert!(wide.is_some());
        assert_ne!(wide, key("a.nix", Language::Nix));
        assert_eq!(keys.computed.load(Ordering::Relaxed), 3);
    }
}
