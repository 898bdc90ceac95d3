//! The per-file pipeline: read, detect the language, format, compare, write. Each file
//! becomes one [`FileJob`]; the jobs run in parallel and are reported in path order.
//!
//! This is the place to add other per-file work (the lint engine adds `lint` and `check`
//! here): a [`Task`] says what to do, and everything a file produced travels in its job.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flakefmt::Language;
use flakefmt::diagnostic::Diagnostic;

use super::cache::{Cache, FileStamp, Learned};
use super::discover::{ConfigFailure, ConfigStore};
use super::guard;
use super::walk::Candidate;
use super::write::{WriteError, write_atomically};

/// Stack size of every thread that formats: deep nesting in a Nix file must not overflow.
pub const FORMAT_STACK_SIZE: usize = 64 << 20;

/// What to do with each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Format in place.
    Write,
    /// Format, write nothing; a change is a finding (exit 1).
    Check,
    /// Format, write nothing; show changes (exit 0).
    Diff,
}

/// Why a file was not looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// flakefmt does not read files of this kind.
    Unsupported,
    /// Only the lint rules read files of this language; there is nothing to format.
    LintOnly(Language),
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Already formatted.
    Unchanged,
    /// Reformatted and written.
    Formatted,
    /// Would be reformatted (`--check`, `--diff`).
    WouldReformat,
    /// Not looked at.
    Skipped(SkipReason),
    /// Left untouched because of an error (syntax error, unreadable, config, write).
    Failed,
}

/// Everything one file produced.
#[derive(Debug, Clone)]
pub struct FileJob {
    /// The path as given or walked.
    pub path: PathBuf,
    /// Named on the command line.
    pub explicit: bool,
    /// Its language, when known.
    pub language: Option<Language>,
    /// The content read (when it was read and is UTF-8).
    pub source: Option<String>,
    /// The formatted content (when formatting succeeded).
    pub formatted: Option<String>,
    /// Diagnostics about `source` (syntax errors, internal errors, later lint findings).
    pub diagnostics: Vec<Diagnostic>,
    /// Errors that have no place in the source (IO, encoding, writing).
    pub errors: Vec<String>,
    /// Warnings that have no place in the source (the file changed while being formatted).
    pub warnings: Vec<String>,
    /// The configuration file that made this file fail, if any (reported once per run).
    pub config_failure: Option<Arc<ConfigFailure>>,
    /// The outcome.
    pub outcome: Outcome,
}

impl FileJob {
    fn new(candidate: &Candidate) -> FileJob {
        FileJob {
            path: candidate.path.clone(),
            explicit: candidate.explicit,
            language: None,
            source: None,
            formatted: None,
            diagnostics: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            config_failure: None,
            outcome: Outcome::Failed,
        }
    }

    fn fail(mut self, message: impl Into<String>) -> FileJob {
        self.errors.push(message.into());
        self.outcome = Outcome::Failed;
        self
    }
}

/// Why formatting a text failed.
#[derive(Debug, Clone)]
pub enum FormatFailure {
    /// Syntax errors or an internal formatter error, with ranges into the source.
    Diagnostics(Vec<Diagnostic>),
    /// The configuration that applies is broken.
    Config(Arc<ConfigFailure>),
    /// The formatter panicked (a bug); nothing was written.
    Panic(String),
}

/// Formats `source` as `language`, with the configuration that applies to `path`.
/// Panics in the formatter are caught.
pub fn format_text(
    language: Language,
    source: &str,
    path: &Path,
    store: &ConfigStore,
) -> Result<String, FormatFailure> {
    match language {
        Language::Nix => {
            let options = store.nix_options(path).map_err(FormatFailure::Config)?;
            guard::catch(|| flakefmt::nix::format_source(source, &options))
                .map_err(FormatFailure::Panic)?
                .map_err(FormatFailure::Diagnostics)
        }
        Language::Python | Language::PythonStub => {
            let options = store
                .python_options(path, language == Language::PythonStub)
                .map_err(FormatFailure::Config)?;
            guard::catch(|| flakefmt::python::format_source(source, &options))
                .map_err(FormatFailure::Panic)?
                .map_err(|diagnostic| FormatFailure::Diagnostics(vec![diagnostic]))
        }
        // Lint-only languages have nothing to format.
        _ => Ok(source.to_string()),
    }
}

/// Checks that `bytes` are text flakefmt may rewrite: UTF-8 without NUL bytes.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(position) = memchr::memchr(0, &bytes) {
        return Err(format!(
            "contains a NUL byte (at byte {position}); left untouched"
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        format!(
            "is not valid UTF-8 (at byte {}); left untouched",
            error.utf8_error().valid_up_to()
        )
    })
}

/// The language of a file on disk: by name, or for an extensionless file by its shebang.
fn detect_language(path: &Path) -> Option<Language> {
    if let Some(language) = Language::from_path(path) {
        return Some(language);
    }
    if path.extension().is_some() {
        return None;
    }
    Language::detect(path, Some(&super::repo::read_head(path)))
}

/// The cache key of a file's format settings, when the cache is on and they are valid.
pub fn format_key(
    cache: &Cache,
    language: Language,
    path: &Path,
    store: &ConfigStore,
) -> Option<u64> {
    match language {
        Language::Nix => Some(cache.format_key(language, &store.nix_options(path).ok()?)),
        Language::Python | Language::PythonStub => {
            let stub = language == Language::PythonStub;
            Some(cache.format_key(language, &store.python_options(path, stub).ok()?))
        }
        _ => None,
    }
}

/// The format keys of a run, per directory (as spelled) and language: a file's format
/// settings are its directory's (the `flakefmt.toml` and ruff configuration that apply
/// there, and the command line), so their fingerprint is computed once per directory,
/// not once per file (for at most [`MEMO_LIMIT`](super::discover::MEMO_LIMIT) directories
/// at a time).
#[derive(Debug, Default)]
pub struct FormatKeys {
    keys: std::sync::RwLock<rustc_hash::FxHashMap<std::ffi::OsString, DirFormatKeys>>,
    /// How many keys were computed (tests count them).
    #[cfg(test)]
    pub computed: std::sync::atomic::AtomicUsize,
}

/// The format keys of one directory, per language (`None`: its settings are broken).
type DirFormatKeys = Vec<(Language, Option<u64>)>;

impl FormatKeys {
    /// [`format_key`] of `path`, a file of `language`.
    pub fn get(
        &self,
        cache: &Cache,
        language: Language,
        path: &Path,
        store: &ConfigStore,
    ) -> Option<u64> {
        let Some((dir, _)) = super::walk::split_name(path) else {
            return format_key(cache, language, path, store);
        };
        let dir = dir.as_os_str();
        let known = self
            .keys
            .read()
            .expect("format key lock")
            .get(dir)
            .and_then(|keys| keys.iter().find(|(known, _)| *known == language))
            .map(|(_, key)| *key);
        if let Some(key) = known {
            return key;
        }
        let key = format_key(cache, language, path, store);
        #[cfg(test)]
        self.computed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut keys = self.keys.write().expect("format key lock");
        match keys.get_mut(dir) {
            Some(known) if known.iter().any(|(known, _)| *known == language) => {}
            Some(known) => known.push((language, key)),
            None => super::discover::bounded_insert(
                &mut keys,
                dir.to_os_string(),
                vec![(language, key)],
            ),
        }
        key
    }
}

/// Processes one file.
pub fn process_file(
    candidate: &Candidate,
    store: &ConfigStore,
    task: Task,
    cache: Option<(&Cache, &FormatKeys)>,
) -> FileJob {
    let key = |language, path: &Path| {
        cache.and_then(|(cache, keys)| Some((cache, keys.get(cache, language, path, store)?)))
    };
    process_file_with(candidate, task, key, |language, source, path| {
        format_text(language, source, path, store)
    })
}

/// Processes one file with the given formatter (the seam the tests use to inject a bug)
/// and cache (the cache and the file's format key, when the cache is on).
fn process_file_with<'c>(
    candidate: &Candidate,
    task: Task,
    cache_key: impl FnOnce(Language, &Path) -> Option<(&'c Cache, u64)>,
    format: impl FnOnce(Language, &str, &Path) -> Result<String, FormatFailure>,
) -> FileJob {
    let mut job = FileJob::new(candidate);
    let Some(language) = detect_language(&candidate.path) else {
        job.outcome = Outcome::Skipped(SkipReason::Unsupported);
        return job;
    };
    job.language = Some(language);
    if !language.is_formatted() {
        job.outcome = Outcome::Skipped(SkipReason::LintOnly(language));
        return job;
    }
    // Read through a handle opened on a path that is not a symlink (a walk or the
    // argument check already refused symlinks; this closes most of the race).
    let link_metadata = match fs::symlink_metadata(&candidate.path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return job.fail("is a symlink; flakefmt never follows symlinks");
        }
        Ok(metadata) => metadata,
        Err(error) => return job.fail(format!("could not read: {error}")),
    };
    // Clean last time and unchanged since: skipped without being read.
    let cached = cache_key(language, &candidate.path);
    if let Some((cache, key)) = cached
        && cache.is_clean(
            &candidate.path,
            &FileStamp::of(&link_metadata),
            Some(key),
            None,
        )
    {
        job.outcome = Outcome::Unchanged;
        return job;
    }
    let (bytes, metadata) = match super::read::read_all(&candidate.path) {
        Ok(read) => read,
        Err(error) => return job.fail(format!("could not read: {error}")),
    };
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => return job.fail(message),
    };
    let formatted = match guard::catch(|| format(language, &source, &candidate.path))
        .unwrap_or_else(|message| Err(FormatFailure::Panic(message)))
    {
        Ok(formatted) => formatted,
        Err(failure) => {
            job.source = Some(source);
            match failure {
                FormatFailure::Diagnostics(diagnostics) => job.diagnostics = diagnostics,
                FormatFailure::Config(failure) => job.config_failure = Some(failure),
                FormatFailure::Panic(message) => job.errors.push(format!(
                    "internal error: the formatter panicked: {message}; the file was left untouched (please report this bug)"
                )),
            }
            job.outcome = Outcome::Failed;
            return job;
        }
    };
    if formatted == source
        && let Some((cache, key)) = cached
    {
        let learned = Learned {
            format_clean: Some(key),
            linted: None,
            findings: Vec::new(),
        };
        cache.record(&candidate.path, &FileStamp::of(&metadata), learned);
    }
    job.outcome = if formatted == source {
        Outcome::Unchanged
    } else {
        match task {
            Task::Check | Task::Diff => Outcome::WouldReformat,
            Task::Write => {
                #[cfg(debug_assertions)]
                test_hook_before_write(&candidate.path);
                match write_atomically(&candidate.path, source.as_bytes(), &metadata, &formatted) {
                    Ok(()) => Outcome::Formatted,
                    Err(WriteError::ChangedOnDisk) => {
                        job.warnings.push(WriteError::ChangedOnDisk.to_string());
                        Outcome::Failed
                    }
                    Err(error) => {
                        job.errors.push(error.to_string());
                        Outcome::Failed
                    }
                }
            }
        }
    };
    job.source = Some(source);
    job.formatted = Some(formatted);
    job
}

/// Debug builds only, for `tests/bad_input.rs`: `FLAKEFMT_TEST_APPEND_BEFORE_WRITE=TEXT`
/// appends TEXT to each file just before it is written, as an editor saving the file at
/// that moment would; the write must then leave the file alone and warn.
#[cfg(debug_assertions)]
fn test_hook_before_write(path: &Path) {
    if let Some(text) = std::env::var_os("FLAKEFMT_TEST_APPEND_BEFORE_WRITE") {
        use std::io::Write;
        if let Ok(mut file) = fs::OpenOptions::new().append(true).open(path) {
            let _ = file.write_all(text.as_encoded_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_formatter_fails_only_that_file_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x=1\n").unwrap();
        let candidate = Candidate {
            path: path.clone(),
            explicit: true,
            depth: 0,
        };
        let job = process_file_with(
            &candidate,
            Task::Write,
            |_, _| None,
            |_, _, _| panic!("index out of bounds"),
        );
        assert_eq!(job.outcome, Outcome::Failed);
        assert_eq!(job.errors.len(), 1);
        assert!(
            job.errors[0].contains("internal error")
                && job.errors[0].contains("index out of bounds"),
            "{:?}",
            job.errors
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "x=1\n");
        // The next file is processed normally.
        let job = process_file_with(
            &candidate,
            Task::Write,
            |_, _| None,
            |_, source, _| Ok(source.replace('=', " = ")),
        );
        assert_eq!(job.outcome, Outcome::Formatted);
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 1\n");
    }
}
