//! The per-file cache: which files were clean last time, so an unchanged tree is answered
//! without reading a single file. (Issue 6.)
//!
//! One cache file per project root, under `$XDG_CACHE_HOME/flakefmt/<hash of the root>/`
//! (else `~/.cache/flakefmt/...`), never inside the project. An entry remembers a file's
//! size, modification and status-change times and permission bits, plus two keys:
//! - the *format key*: a fingerprint of flakefmt's build and the format settings that apply
//!   to the file, recorded when the file was already formatted;
//! - the *lint key*: a fingerprint of the build, the lint settings and the facts about the
//!   file that come from elsewhere (its mode in the git index, ...), recorded with the
//!   file's lint findings (usually none) when it had no error.
//!
//! A file is skipped only when its metadata and the key the current run computes both match.
//! Files with errors (syntax, IO, configuration) or that need formatting are never
//! recorded, so their output is always fresh; lint findings are (a warm run shows them
//! from the cache, reading the file only for line numbers and snippets).
//!
//! Safety rules:
//! - A file modified less than [`RACY_MARGIN`] before the run started is not recorded: a
//!   second write within the file system's timestamp granularity could otherwise go unseen.
//! - The status-change time (`ctime`) is part of the key: it cannot be set by tools that
//!   restore modification times, so any rewrite of the file invalidates its entry.
//! - The cache file carries a magic string, a format version, the fingerprint of the build
//!   that wrote it and the project root, under a checksum, and every entry carries its own
//!   checksum and full path. A damaged, foreign or other-build file is ignored (and
//!   rewritten at the end of the run); a damaged entry is a miss, never a wrong answer.
//! - It is written to a temporary file in the same directory and renamed over the old one.
//!
//! Memory does not grow with the number of files: the cache file is never loaded. It is a
//! hash table on disk ([`store`]), and a lookup reads a few slots and one entry with two
//! `pread`s. A run that learned something writes a new file: its new entries stream to the
//! temporary file as they are recorded, the old entries still worth keeping are copied
//! after them at the end, then the table. What stays in memory is one bit per old entry
//! ("used by this run") and, while a new file is written, 12 bytes per entry for its table.

mod store;

use std::fs;
use std::hash::Hasher;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use flakefmt::Language;

/// The name of the cache file inside the project's cache directory.
const CACHE_FILE_NAME: &str = "files.bin";
/// Files modified this recently before the run started are not recorded.
pub const RACY_MARGIN: Duration = Duration::from_secs(2);
/// Entries not used since this many runs wrote the cache are dropped (bounded growth).
const KEEP_GENERATIONS: u32 = 64;
/// A key that never matches: "not known to be clean".
const NO_KEY: u64 = 0;

/// A stable 64-bit FNV-1a hasher. Stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so fingerprints can be stored on disk.
#[derive(Debug, Clone)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value through its `Debug` rendering (for configuration structs, which derive
    /// `Debug` but not `Hash`). The rendering is length-prefixed so fields cannot run together.
    pub fn debug<T: std::fmt::Debug + ?Sized>(mut self, value: &T) -> Self {
        let text = format!("{value:?}");
        self.write_u64(text.len() as u64);
        self.write(text.as_bytes());
        self
    }

    /// Adds raw bytes, length-prefixed.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.write_u64(bytes.len() as u64);
        self.write(bytes);
        self
    }

    /// The fingerprint; never [`NO_KEY`].
    pub fn key(&self) -> u64 {
        if self.0 == NO_KEY { 1 } else { self.0 }
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A fingerprint of this build of flakefmt: its version and the size and modification time
/// of the running executable (so a rebuilt development binary never trusts an old cache).
pub fn build_fingerprint() -> u64 {
    let mut fingerprint = Fingerprint::new()
        .bytes(env!("CARGO_PKG_VERSION").as_bytes())
        .bytes(&store::FORMAT_VERSION.to_le_bytes());
    if let Ok(metadata) = std::env::current_exe().and_then(fs::metadata) {
        fingerprint = fingerprint
            .bytes(&metadata.len().to_le_bytes())
            .bytes(&metadata.mtime().to_le_bytes())
            .bytes(&metadata.mtime_nsec().to_le_bytes());
    }
    fingerprint.key()
}

/// The directory holding the caches of all projects: `$XDG_CACHE_HOME/flakefmt` when that
/// is set to an absolute path (the XDG rule), else `$HOME/.cache/flakefmt`.
pub fn cache_home() -> Option<PathBuf> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    if let Some(xdg) = from_env("XDG_CACHE_HOME") {
        return Some(xdg.join("flakefmt"));
    }
    from_env("HOME").map(|home| home.join(".cache").join("flakefmt"))
}

/// The project root for `start` (an absolute directory): the nearest ancestor holding
/// `.git`, `flakefmt.toml` or `flake.nix`, else `start` itself.
pub fn find_project_root(start: &Path) -> PathBuf {
    for dir in start.ancestors() {
        if [".git", crate_config_name(), "flake.nix"]
            .iter()
            .any(|name| dir.join(name).exists())
        {
            return dir.to_path_buf();
        }
    }
    start.to_path_buf()
}

fn crate_config_name() -> &'static str {
    flakefmt::config::CONFIG_FILE_NAME
}

/// Opens the cache for a run over `paths`: the project root is found from the first path
/// (or the current directory). `None` when there is no cache directory (no `HOME`) or it
/// would lie inside the project.
pub fn open_for_run(paths: &[PathBuf]) -> Option<Cache> {
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let start = std::path::absolute(first).ok()?;
    let start = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    Cache::open(&find_project_root(&start), &cache_home()?)
}

/// Ends a run: with `verbose`, says how many files the cache answered (and why an old cache
/// was discarded); writes the cache back. A cache that cannot be written is only mentioned
/// with `verbose`: it never changes the outcome of a run.
pub fn finish(cache: Cache, verbose: bool) {
    let mut notes = String::new();
    if let Some(reason) = &cache.discarded {
        notes.push_str(&super::output::note_line(&format!(
            "cache {} ignored: {reason}",
            cache.path().display()
        )));
    }
    if cache.damaged.load(Ordering::Relaxed) {
        notes.push_str(&super::output::note_line(&format!(
            "cache {}: damaged entries were skipped (the files were looked at again)",
            cache.path().display()
        )));
    }
    notes.push_str(&super::output::note_line(&format!(
        "{} cached (clean in an earlier run, unchanged since, not read)",
        cache.hits()
    )));
    let shown = cache.findings_shown.load(Ordering::Relaxed);
    if shown > 0 {
        notes.push_str(&super::output::note_line(&format!(
            "{shown} with findings from an earlier run, unchanged since (read, not linted)"
        )));
    }
    let read = super::read::opened();
    notes.push_str(&super::output::note_line(&format!(
        "{read} file{} read",
        if read == 1 { "" } else { "s" }
    )));
    let path = cache.path().to_path_buf();
    if let Err(error) = cache.save() {
        notes.push_str(&super::output::note_line(&format!(
            "could not write the cache {}: {error}",
            path.display()
        )));
    }
    if verbose {
        let _ = io::stderr().lock().write_all(notes.as_bytes());
    }
}

/// What the cache knows of a file's state on disk, from one `stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    size: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    mode: u32,
}

impl FileStamp {
    /// The stamp of a file's metadata (from `symlink_metadata` or `metadata`).
    pub fn of(metadata: &fs::Metadata) -> Self {
        // Nanoseconds are always in 0..1e9; clamp rather than trust the platform.
        let nanos = |n: i64| n.clamp(0, 999_999_999) as u32;
        FileStamp {
            size: metadata.len(),
            mtime: (metadata.mtime(), nanos(metadata.mtime_nsec())),
            ctime: (metadata.ctime(), nanos(metadata.ctime_nsec())),
            mode: metadata.mode(),
        }
    }

    fn modified(&self) -> Option<SystemTime> {
        let (seconds, nanos) = self.mtime;
        let seconds = u64::try_from(seconds).ok()?;
        SystemTime::UNIX_EPOCH.checked_add(Duration::new(seconds, nanos))
    }
}

/// What a run learned about one file, to be recorded.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The format key under which the file was already formatted, if it was.
    pub format_clean: Option<u64>,
    /// The lint key under which the file was linted, if it was (and its findings are
    /// worth remembering: no syntax or other error).
    pub linted: Option<u64>,
    /// The findings under `linted` ([`super::findings`]); empty when it had none.
    pub findings: Vec<u8>,
}

/// The key of the absolute `path`: its bytes after `root/` when it lies inside `root`, else
/// all of them. A path spelled plainly (no `.` component, no doubled `/`) is cut by its
/// bytes; any other is left to `Path::strip_prefix`, which compares components (the same
/// file spelled `root/./a.nix` has the key `a.nix` too).
fn relative_key<'p>(path: &'p Path, root: &Path) -> &'p [u8] {
    let bytes = path.as_os_str().as_bytes();
    let root_bytes = root.as_os_str().as_bytes();
    if let Some(rest) = bytes
        .strip_prefix(root_bytes)
        .and_then(|rest| rest.strip_prefix(b"/"))
    {
        let plain = !rest.is_empty()
            && !rest.starts_with(b"./")
            && !rest.starts_with(b"/")
            && rest != b"."
            && !rest.ends_with(b"/.")
            && !rest.windows(3).any(|w| w == b"/./")
            && !rest.windows(2).any(|w| w == b"//");
        if plain && !root_bytes.ends_with(b"/") {
            return rest;
        }
    }
    path.strip_prefix(root)
        .unwrap_or(path)
        .as_os_str()
        .as_bytes()
}

/// The cache of one run. Lookups read the cache file in place and take no lock; recording
/// takes a short lock to append to the new file.
#[derive(Debug)]
pub struct Cache {
    file: PathBuf,
    root: PathBuf,
    build: u64,
    generation: u32,
    started: SystemTime,
    /// The cache file as it was when the run started.
    old: Option<store::Table>,
    /// Per slot of the old file's table: its entry was used by this run (so it is kept and
    /// refreshed).
    used: Vec<AtomicU64>,
    /// The new cache file, started by the first thing recorded.
    new: Mutex<NewFile>,
    hits: AtomicUsize,
    findings_shown: AtomicUsize,
    /// The old file must be rewritten even if nothing is recorded (it was discarded, or an
    /// entry was found damaged).
    dirty: AtomicBool,
    /// A damaged entry was met (and taken for a miss).
    damaged: AtomicBool,
    /// Why the cache on disk was not used, for `--verbose`.
    pub discarded: Option<String>,
}

/// The new cache file of a run, and the first error that stopped writing it.
#[derive(Debug, Default)]
struct NewFile {
    writer: Option<store::Writer>,
    error: Option<io::Error>,
}

impl Cache {
    /// Opens the cache of the project at `root` (absolute), stored under `cache_home`.
    /// Returns `None` when the cache directory would lie inside the project (a cache is
    /// never written into the repository). A missing, unreadable, corrupt, foreign or
    /// other-version cache file gives an empty cache (and says why in `discarded`).
    pub fn open(root: &Path, cache_home: &Path) -> Option<Cache> {
        if cache_home.starts_with(root) {
            return None;
        }
        let dir = cache_home.join(format!(
            "{:016x}",
            Fingerprint::new().bytes(root.as_os_str().as_bytes()).key()
        ));
        let mut cache = Cache {
            file: dir.join(CACHE_FILE_NAME),
            root: root.to_path_buf(),
            build: build_fingerprint(),
            generation: 1,
            started: SystemTime::now(),
            old: None,
            used: Vec::new(),
            new: Mutex::new(NewFile::default()),
            hits: AtomicUsize::new(0),
            findings_shown: AtomicUsize::new(0),
            dirty: AtomicBool::new(false),
            damaged: AtomicBool::new(false),
            discarded: None,
        };
        match store::Table::open(&cache.file, cache.build, root.as_os_str().as_bytes()) {
            Ok(Some(table)) => {
                cache.generation = table.generation().wrapping_add(1).max(1);
                cache.used = (0..table.slot_count().div_ceil(64))
                    .map(|_| AtomicU64::new(0))
                    .collect();
                cache.old = Some(table);
            }
            Ok(None) => {}
            Err(reason) => {
                cache.discarded = Some(reason);
                cache.dirty.store(true, Ordering::Relaxed);
            }
        }
        Some(cache)
    }

    /// Where the cache file lives.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The fingerprint of this build (part of every key).
    pub fn build(&self) -> u64 {
        self.build
    }

    /// Counts a file whose findings were shown from the cache (read, not linted).
    pub fn count_findings_shown(&self) {
        self.findings_shown.fetch_add(1, Ordering::Relaxed);
    }

    /// How many files were answered from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// The format key of a file of `language` formatted with `options` by this build.
    pub fn format_key(&self, language: Language, options: &impl std::fmt::Debug) -> u64 {
        Fingerprint::new()
            .bytes(&self.build.to_le_bytes())
            .bytes(language.name().as_bytes())
            .debug(options)
            .key()
    }

    /// The key a path is stored under: relative to the root when inside it.
    fn key_of<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, [u8]> {
        if !path.is_absolute() {
            let absolute = super::discover::absolute(path);
            return std::borrow::Cow::Owned(self.key_of(&absolute).into_owned());
        }
        std::borrow::Cow::Borrowed(relative_key(path, &self.root))
    }

    /// The old entry of `key`, if the old file holds an intact one.
    fn old_entry(&self, key: &[u8]) -> Option<store::Found> {
        let table = self.old.as_ref()?;
        let mut damaged = false;
        let found = table.get(key, store::path_hash(key), &mut damaged);
        if damaged {
            self.dirty.store(true, Ordering::Relaxed);
            self.damaged.store(true, Ordering::Relaxed);
        }
        found
    }

    /// Whether `path`, in the state `stamp`, was already formatted under `format_key` and,
    /// when `lint_key` is given, also had no lint finding under it. A `true` answer is
    /// counted as a hit.
    pub fn is_clean(
        &self,
        path: &Path,
        stamp: &FileStamp,
        format_key: Option<u64>,
        lint_key: Option<u64>,
    ) -> bool {
        if self
            .findings(path, stamp, format_key, lint_key)
            .is_some_and(|findings| findings.is_empty())
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The findings `path`, in the state `stamp`, had under `lint_key` (empty: none), when
    /// it was also already formatted under `format_key`; `None` when the cache does not
    /// know. Not counted as a hit (the caller still reads the file to show them).
    pub fn findings(
        &self,
        path: &Path,
        stamp: &FileStamp,
        format_key: Option<u64>,
        lint_key: Option<u64>,
    ) -> Option<Vec<u8>> {
        if format_key.is_none() && lint_key.is_none() {
            return None;
        }
        let found = self.old_entry(&self.key_of(path))?;
        let entry = &found.record;
        let format_ok = format_key.is_none_or(|key| key != NO_KEY && entry.format_key == key);
        let lint_ok = lint_key.is_none_or(|key| key != NO_KEY && entry.lint_key == key);
        if entry.stamp != *stamp || !format_ok || !lint_ok {
            return None;
        }
        if let Some(word) = self.used.get(found.slot / 64) {
            word.fetch_or(1 << (found.slot % 64), Ordering::Relaxed);
        }
        Some(if lint_key.is_some() {
            found.record.findings
        } else {
            Vec::new()
        })
    }

    /// Records what this run learned about `path`, read in the state `stamp`. Nothing is
    /// recorded for a file modified within [`RACY_MARGIN`] of the start of the run, nor
    /// for an outcome with nothing clean in it.
    pub fn record(&self, path: &Path, stamp: &FileStamp, outcome: Learned) {
        if outcome.format_clean.is_none() && outcome.linted.is_none() {
            return;
        }
        let recent = match stamp.modified() {
            Some(modified) => modified + RACY_MARGIN > self.started,
            None => true,
        };
        if recent {
            return;
        }
        let key = self.key_of(path);
        // Merge: a `fmt` run keeps the lint knowledge of a file that did not change (and a
        // `check` of a file of no formatted language keeps its format knowledge).
        let previous = self
            .old_entry(&key)
            .map(|found| found.record)
            .filter(|entry| entry.stamp == *stamp);
        let format_key = outcome
            .format_clean
            .or(previous.as_ref().map(|entry| entry.format_key))
            .unwrap_or(NO_KEY);
        let (lint_key, findings) = match (outcome.linted, previous) {
            (Some(key), _) => (key, outcome.findings),
            (None, Some(previous)) => (previous.lint_key, previous.findings),
            (None, None) => (NO_KEY, Vec::new()),
        };
        let record = store::Record {
            path: key.into_owned(),
            stamp: *stamp,
            format_key,
            lint_key,
            generation: self.generation,
            findings,
        };
        let mut new = self
            .new
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(error) = self.append(&mut new, &record) {
            // Stop writing: the old file stays, and the error is mentioned with --verbose.
            new.writer = None;
            new.error.get_or_insert(error);
        }
    }

    /// Appends `record` to the new file, starting it if needed (not after an error).
    fn append(&self, new: &mut NewFile, record: &store::Record) -> io::Result<()> {
        if new.error.is_some() {
            return Ok(());
        }
        if new.writer.is_none() {
            new.writer = Some(self.start_new_file()?);
        }
        match &mut new.writer {
            Some(writer) => writer.push(record),
            None => Ok(()),
        }
    }

    fn start_new_file(&self) -> io::Result<store::Writer> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        store::Writer::create(
            dir,
            CACHE_FILE_NAME,
            self.build,
            self.root.as_os_str().as_bytes(),
            self.generation,
        )
    }

    /// Writes the cache back, atomically, when anything changed: the entries recorded by
    /// this run, then the old entries it did not replace that are still worth keeping
    /// (used by this run, or by one of the last [`KEEP_GENERATIONS`] runs that wrote the
    /// cache). Errors are returned for the caller to mention; a cache that cannot be
    /// written is never fatal.
    pub fn save(mut self) -> io::Result<bool> {
        let new = std::mem::take(
            self.new
                .get_mut()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        if let Some(error) = new.error {
            return Err(error);
        }
        let mut writer = match new.writer {
            Some(writer) => writer,
            None if self.dirty.load(Ordering::Relaxed) => self.start_new_file()?,
            None => return Ok(false),
        };
        if let Some(old) = &self.old {
            let replaced = writer.sorted_hashes();
            let oldest = self.generation.saturating_sub(KEEP_GENERATIONS);
            for (at, mut record) in old.records() {
                let hash = store::path_hash(&record.path);
                if replaced.binary_search(&hash).is_ok() {
                    continue;
                }
                let used = old.slot_of(hash, at).is_some_and(|slot| {
                    self.used
                        .get(slot / 64)
                        .is_some_and(|word| word.load(Ordering::Relaxed) & (1 << (slot % 64)) != 0)
                });
                if used {
                    record.generation = self.generation;
                } else if record.generation < oldest {
                    continue;
                }
                writer.push(&record)?;
            }
        }
        writer.finish(&self.file)?;
        Ok(true)
    }

    /// The paths of the entries in the cache file as opened (for tests).
    #[cfg(test)]
    fn stored_paths(&self) -> Vec<PathBuf> {
        use std::os::unix::ffi::OsStringExt;
        self.old
            .iter()
            .flat_map(store::Table::records)
            .map(|(_, record)| PathBuf::from(std::ffi::OsString::from_vec(record.path)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old_file(dir: &Path, name: &str, content: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, content).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        path
    }

    fn stamp(path: &Path) -> FileStamp {
        FileStamp::of(&fs::symlink_metadata(path).unwrap())
    }

    const CLEAN: Learned = Learned {
        format_clean: Some(42),
        linted: Some(7),
        findings: Vec::new(),
    };

    #[test]
    fn round_trip_and_hit() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(!cache.is_clean(&file, &stamp(&file), Some(42), None));
        cache.record(&file, &stamp(&file), CLEAN);
        assert!(cache.save().unwrap());

        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert_eq!(cache.discarded, None);
        assert!(cache.is_clean(&file, &stamp(&file), Some(42), None));
        assert!(cache.is_clean(&file, &stamp(&file), Some(42), Some(7)));
        assert!(cache.is_clean(&file, &stamp(&file), None, Some(7)));
        assert!(!cache.is_clean(&file, &stamp(&file), Some(43), None));
        assert!(!cache.is_clean(&file, &stamp(&file), Some(42), Some(8)));
        assert!(!cache.is_clean(&file, &stamp(&file), None, None));
        assert_eq!(cache.hits(), 3);
        assert_eq!(cache.stored_paths(), vec![PathBuf::from("a.nix")]);
        // Nothing recorded, nothing discarded: a warm run writes nothing.
        let before = fs::metadata(cache.path()).unwrap().modified().unwrap();
        let path = cache.path().to_path_buf();
        assert!(!cache.save().unwrap());
        assert_eq!(fs::metadata(path).unwrap().modified().unwrap(), before);
    }

    #[test]
    fn changed_size_mtime_or_mode_misses() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let before = stamp(&file);
        cache.record(&file, &before, CLEAN);
        cache.save().unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let mut changed = before;
        changed.size += 1;
        assert!(!cache.is_clean(&file, &changed, Some(42), None));
        let mut changed = before;
        changed.mtime.1 ^= 1;
        assert!(!cache.is_clean(&file, &changed, Some(42), None));
        let mut changed = before;
        changed.ctime.0 += 1;
        assert!(!cache.is_clean(&file, &changed, Some(42), None));
        let mut changed = before;
        changed.mode ^= 0o100;
        assert!(!cache.is_clean(&file, &changed, Some(42), None));
        assert!(cache.is_clean(&file, &before, Some(42), None));
    }

    #[test]
    fn recent_files_are_not_recorded() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = project.path().join("fresh.nix");
        fs::write(&file, "{ }\n").unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        cache.record(&file, &stamp(&file), CLEAN);
        assert!(!cache.save().unwrap());
    }

    #[test]
    fn findings_are_kept_with_their_entry() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let findings = vec![9u8; 1000];
        let learned = Learned {
            findings: findings.clone(),
            ..CLEAN
        };
        cache.record(&file, &stamp(&file), learned);
        cache.save().unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert_eq!(
            cache.findings(&file, &stamp(&file), Some(42), Some(7)),
            Some(findings)
        );
        // Findings are not "clean", and a format-only question ignores them.
        assert!(!cache.is_clean(&file, &stamp(&file), Some(42), Some(7)));
        assert_eq!(
            cache.findings(&file, &stamp(&file), Some(42), None),
            Some(Vec::new())
        );
    }

    /// The cache file as it is now, the place of its only entry's stamp, and that entry's
    /// stamp with its size changed in the bit a flip at that place would change: a damaged
    /// byte there must not make the cache answer for the changed file.
    #[test]
    fn damaged_foreign_and_other_build_caches_are_never_trusted() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let recorded = stamp(&file);
        let mut other = recorded;
        other.size ^= 0x20;
        cache.record(&file, &recorded, CLEAN);
        let cache_file = cache.path().to_path_buf();
        cache.save().unwrap();
        let good = fs::read(&cache_file).unwrap();

        // Every single flipped byte: the header's are caught when the file is opened; any
        // other makes at most a miss. In no case does the cache answer for the file in
        // another state or under another key, and the next save writes a good file.
        let mut discarded = 0;
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            fs::write(&cache_file, &bad).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            discarded += usize::from(cache.discarded.is_some());
            assert!(
                !cache.is_clean(&file, &other, Some(42), Some(7)),
                "flip at {i}"
            );
            assert!(!cache.is_clean(&file, &recorded, Some(42 ^ 0x20), None));
            assert!(!cache.is_clean(&file, &recorded, Some(42), Some(7 ^ 0x20)));
            let hit = cache.is_clean(&file, &recorded, Some(42), Some(7));
            if !hit {
                cache.record(&file, &recorded, CLEAN);
            }
            cache.save().unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert_eq!(cache.discarded, None, "flip at {i}");
            assert!(
                cache.is_clean(&file, &recorded, Some(42), Some(7)),
                "flip at {i}"
            );
        }
        assert!(discarded >= 60, "{discarded} flips caught at open");
        let check = |bytes: &[u8], reason: &str| {
            fs::write(&cache_file, bytes).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(!cache.is_clean(&file, &recorded, Some(42), None));
            let discarded = cache.discarded.clone().unwrap_or_default();
            assert!(discarded.contains(reason), "{discarded}");
            // The damaged file is replaced by a good one at the end of the run.
            assert!(cache.save().unwrap());
            assert!(fs::read(&cache_file).unwrap().starts_with(store::MAGIC));
        };
        for len in 0..good.len() {
            fs::write(&cache_file, &good[..len]).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(cache.discarded.is_some(), "truncated at {len}");
        }
        check(b"garbage", "not a flakefmt cache");
        let written_by = |build: u64, root: &Path| {
            let dir = tempfile::tempdir().unwrap();
            let name = "x.bin";
            let root = root.as_os_str().as_bytes();
            let mut writer = store::Writer::create(dir.path(), name, build, root, 3).unwrap();
            writer
                .push(&store::Record {
                    path: b"a.nix".to_vec(),
                    stamp: recorded,
                    format_key: 42,
                    lint_key: 7,
                    generation: 3,
                    findings: Vec::new(),
                })
                .unwrap();
            writer.finish(&dir.path().join(name)).unwrap();
            fs::read(dir.path().join(name)).unwrap()
        };
        check(
            &written_by(build_fingerprint() ^ 1, project.path()),
            "another build",
        );
        // Another root (a cache copied from elsewhere), of the same length or not.
        let elsewhere = tempfile::tempdir().unwrap();
        check(
            &written_by(build_fingerprint(), elsewhere.path()),
            "another project root",
        );
        check(
            &written_by(build_fingerprint(), &elsewhere.path().join("x")),
            "another project root",
        );
        // A huge entry count with no entries behind it must not allocate or panic.
        let mut huge = written_by(build_fingerprint(), project.path());
        huge[16 + 4 + 8 + 4..16 + 4 + 8 + 4 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let root_len = project.path().as_os_str().len();
        let checked = 52 + root_len;
        let checksum = Fingerprint::new().bytes(&huge[..checked]).key();
        huge[checked..checked + 8].copy_from_slice(&checksum.to_le_bytes());
        check(&huge, "truncated");
    }

    #[test]
    fn cache_inside_the_project_is_refused() {
        let project = tempfile::tempdir().unwrap();
        assert!(Cache::open(project.path(), &project.path().join(".cache")).is_none());
    }

    #[test]
    fn fmt_outcome_keeps_lint_knowledge() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        cache.record(&file, &stamp(&file), CLEAN);
        cache.save().unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let format_only = Learned {
            format_clean: Some(42),
            linted: None,
            findings: Vec::new(),
        };
        cache.record(&file, &stamp(&file), format_only);
        cache.save().unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(cache.is_clean(&file, &stamp(&file), Some(42), Some(7)));
        assert_eq!(cache.stored_paths().len(), 1, "the old entry was replaced");
    }

    #[test]
    fn unused_entries_expire() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let a = old_file(project.path(), "a.nix", "a");
        let b = old_file(project.path(), "b.nix", "b");
        let c = old_file(project.path(), "c.nix", "c");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        cache.record(&a, &stamp(&a), CLEAN);
        cache.record(&b, &stamp(&b), CLEAN);
        cache.record(&c, &stamp(&c), CLEAN);
        cache.save().unwrap();
        // Each run looks at `a` (a hit, never recorded again) and records `c` again; `b`
        // is not looked at.
        for _ in 0..KEEP_GENERATIONS + 2 {
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(cache.is_clean(&a, &stamp(&a), Some(42), None));
            cache.record(&c, &stamp(&c), CLEAN);
            cache.save().unwrap();
        }
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(cache.is_clean(&a, &stamp(&a), Some(42), None));
        assert!(cache.is_clean(&c, &stamp(&c), Some(42), None));
        assert!(!cache.is_clean(&b, &stamp(&b), Some(42), None));
    }

    #[test]
    fn a_partial_run_keeps_what_it_did_not_look_at() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..3000)
            .map(|i| old_file(project.path(), &format!("f{i}.nix"), "{ }\n"))
            .collect();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        for file in &files {
            cache.record(file, &stamp(file), CLEAN);
        }
        cache.save().unwrap();
        // A run over one changed file (an editor's save) records it alone.
        let changed = &files[1234];
        fs::write(changed, "{ a = 1; }\n").unwrap();
        let file = fs::File::options().write(true).open(changed).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60))
            .unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(!cache.is_clean(changed, &stamp(changed), Some(42), None));
        cache.record(changed, &stamp(changed), CLEAN);
        cache.save().unwrap();
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(
            files
                .iter()
                .all(|file| cache.is_clean(file, &stamp(file), Some(42), None))
        );
        assert_eq!(cache.stored_paths().len(), 3000);
    }

    #[test]
    fn a_cache_that_cannot_be_written_is_reported_not_fatal() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        // The project's cache directory is a file: nothing can be created in it.
        let cache = Cache::open(project.path(), home.path()).unwrap();
        let dir = cache.path().parent().unwrap().to_path_buf();
        fs::write(&dir, "in the way").unwrap();
        cache.record(&file, &stamp(&file), CLEAN);
        assert!(cache.save().is_err());
        assert_eq!(fs::read_to_string(&dir).unwrap(), "in the way");
    }

    #[test]
    fn keys_cut_by_bytes_are_the_keys_cut_by_components() {
        let cases = [
            ("/r/a.nix", "/r"),
            ("/r/sub/a.nix", "/r"),
            ("/r/./a.nix", "/r"),
            ("/r//a.nix", "/r"),
            ("/r/sub/./a.nix", "/r"),
            ("/r/sub//a.nix", "/r"),
            ("/r/../a.nix", "/r"),
            ("/r/a.nix/.", "/r"),
            ("/r", "/r"),
            ("/r/", "/r"),
            ("/rx/a.nix", "/r"),
            ("/elsewhere/a.nix", "/r"),
            ("/a.nix", "/"),
            ("/r/.hidden/a.nix", "/r"),
            ("/r/..a/b.nix", "/r"),
        ];
        for (path, root) in cases {
            let (path, root) = (Path::new(path), Path::new(root));
            let by_components = path
                .strip_prefix(root)
                .unwrap_or(path)
                .as_os_str()
                .as_bytes();
            assert_eq!(
                relative_key(path, root),
                by_components,
                "{path:?} in {root:?}"
            );
        }
    }

    #[test]
    fn project_root_is_the_nearest_marker() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("x/y");
        fs::create_dir_all(&nested).unwrap();
        fs::write(dir.path().join("x/flake.nix"), "{ }").unwrap();
        assert_eq!(find_project_root(&nested), dir.path().join("x"));
    }

    #[test]
    fn fingerprints_are_stable() {
        // FNV-1a of nothing but the length prefix: fixed forever (stored on disk).
        assert_eq!(Fingerprint::new().bytes(b"").key(), 0xa8c7_f832_281a_39c5);
        assert_ne!(
            Fingerprint::new().bytes(b"ab").bytes(b"c").key(),
            Fingerprint::new().bytes(b"a").bytes(b"bc").key()
        );
    }
}
