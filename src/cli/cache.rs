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
//!   that wrote it, the project root, and a checksum of its content. Any mismatch or damage
//!   and the whole file is ignored (and rewritten at the end of the run).
//! - It is written to a temporary file in the same directory and renamed over the old one.
//!
//! Layout (all integers little-endian):
//! `MAGIC`, `u32` format version, `u64` build fingerprint, `u32` generation, `u32` root
//! length + root bytes, `u32` entry count, entries, `u64` FNV-1a checksum of all before.
//! Entry: `u32` path length + path bytes (relative to the root when inside it),
//! `u64` size, `i64` mtime seconds, `u32` mtime nanoseconds, `i64` ctime seconds,
//! `u32` ctime nanoseconds, `u32` mode, `u64` format key, `u64` lint key, `u32` length +
//! the findings under the lint key ([`super::findings`]; empty: none), `u32` generation.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use flakefmt::Language;

/// The first bytes of every cache file.
const MAGIC: &[u8; 16] = b"flakefmt-cache\n\0";
/// Bumped whenever the layout changes.
const FORMAT_VERSION: u32 = 2;
/// The name of the cache file inside the project's cache directory.
const CACHE_FILE_NAME: &str = "files.bin";
/// Files modified this recently before the run started are not recorded.
pub const RACY_MARGIN: Duration = Duration::from_secs(2);
/// Entries not used by the last this-many saves are dropped (bounded growth).
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
        .bytes(&FORMAT_VERSION.to_le_bytes());
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

#[derive(Debug)]
struct Entry {
    stamp: FileStamp,
    format_key: u64,
    lint_key: u64,
    /// The findings under `lint_key` ([`super::findings`]); empty when it had none.
    findings: Vec<u8>,
    generation: AtomicU32,
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

/// The cache of one run. Lookups are lock-free; recording takes a short lock.
#[derive(Debug)]
pub struct Cache {
    file: PathBuf,
    root: PathBuf,
    build: u64,
    generation: u32,
    started: SystemTime,
    entries: HashMap<Vec<u8>, Entry>,
    recorded: Mutex<Vec<(Vec<u8>, FileStamp, Learned)>>,
    hits: AtomicUsize,
    findings_shown: AtomicUsize,
    dirty: AtomicBool,
    /// Why the cache on disk was not used, for `--verbose`.
    pub discarded: Option<String>,
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
            entries: HashMap::new(),
            recorded: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            findings_shown: AtomicUsize::new(0),
            dirty: AtomicBool::new(false),
            discarded: None,
        };
        match fs::read(&cache.file) {
            Ok(bytes) => match decode(&bytes, cache.build, root) {
                Ok((generation, entries)) => {
                    cache.generation = generation.wrapping_add(1).max(1);
                    cache.entries = entries;
                }
                Err(reason) => {
                    cache.discarded = Some(reason.to_string());
                    cache.dirty.store(true, Ordering::Relaxed);
                }
            },
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => cache.discarded = Some(format!("unreadable: {error}")),
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

    fn key_of(&self, path: &Path) -> Vec<u8> {
        let absolute;
        let path = if path.is_absolute() {
            path
        } else {
            absolute = super::discover::absolute(path);
            &absolute
        };
        match path.strip_prefix(&self.root) {
            Ok(relative) => relative.as_os_str().as_bytes().to_vec(),
            Err(_) => path.as_os_str().as_bytes().to_vec(),
        }
    }

    fn lookup(&self, path: &Path, stamp: &FileStamp) -> Option<&Entry> {
        let entry = self.entries.get(&self.key_of(path))?;
        (entry.stamp == *stamp).then_some(entry)
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
            .is_some_and(<[u8]>::is_empty)
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
    ) -> Option<&[u8]> {
        let entry = self.lookup(path, stamp)?;
        let format_ok = format_key.is_none_or(|key| key != NO_KEY && entry.format_key == key);
        let lint_ok = lint_key.is_none_or(|key| key != NO_KEY && entry.lint_key == key);
        if format_ok && lint_ok && (format_key.is_some() || lint_key.is_some()) {
            entry.generation.store(self.generation, Ordering::Relaxed);
            let findings = if lint_key.is_some() {
                &entry.findings[..]
            } else {
                &[]
            };
            return Some(findings);
        }
        None
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
        if let Ok(mut recorded) = self.recorded.lock() {
            recorded.push((key, *stamp, outcome));
        }
    }

    /// Writes the cache back, atomically, when anything changed. Errors are returned for
    /// the caller to mention; a cache that cannot be written is never fatal.
    pub fn save(self) -> io::Result<bool> {
        let recorded = self.recorded.into_inner().unwrap_or_default();
        if recorded.is_empty() && !self.dirty.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let mut entries = self.entries;
        for (key, stamp, outcome) in recorded {
            // Merge: a `fmt` run keeps the lint knowledge of a file that did not change.
            let previous = entries.get(&key).filter(|entry| entry.stamp == stamp);
            let format_key = outcome
                .format_clean
                .or(previous.map(|entry| entry.format_key))
                .unwrap_or(NO_KEY);
            let (lint_key, findings) = match (outcome.linted, previous) {
                (Some(key), _) => (key, outcome.findings),
                (None, Some(previous)) => (previous.lint_key, previous.findings.clone()),
                (None, None) => (NO_KEY, Vec::new()),
            };
            entries.insert(
                key,
                Entry {
                    stamp,
                    format_key,
                    lint_key,
                    findings,
                    generation: AtomicU32::new(self.generation),
                },
            );
        }
        let oldest = self.generation.saturating_sub(KEEP_GENERATIONS);
        entries.retain(|_, entry| entry.generation.load(Ordering::Relaxed) >= oldest);
        let bytes = encode(self.build, self.generation, &self.root, &entries);
        let dir = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let temporary = dir.join(format!(".{CACHE_FILE_NAME}.{}.tmp", std::process::id()));
        let written = fs::File::create(&temporary)
            .and_then(|mut file| file.write_all(&bytes))
            .and_then(|()| fs::rename(&temporary, &self.file));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written.map(|()| true)
    }
}

fn encode(build: u64, generation: u32, root: &Path, entries: &HashMap<Vec<u8>, Entry>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + entries.len() * 96);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&build.to_le_bytes());
    out.extend_from_slice(&generation.to_le_bytes());
    put_bytes(&mut out, root.as_os_str().as_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (path, entry) in entries {
        put_bytes(&mut out, path);
        let stamp = &entry.stamp;
        out.extend_from_slice(&stamp.size.to_le_bytes());
        out.extend_from_slice(&stamp.mtime.0.to_le_bytes());
        out.extend_from_slice(&stamp.mtime.1.to_le_bytes());
        out.extend_from_slice(&stamp.ctime.0.to_le_bytes());
        out.extend_from_slice(&stamp.ctime.1.to_le_bytes());
        out.extend_from_slice(&stamp.mode.to_le_bytes());
        out.extend_from_slice(&entry.format_key.to_le_bytes());
        out.extend_from_slice(&entry.lint_key.to_le_bytes());
        put_bytes(&mut out, &entry.findings);
        out.extend_from_slice(&entry.generation.load(Ordering::Relaxed).to_le_bytes());
    }
    let checksum = Fingerprint::new().bytes(&out).key();
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads little-endian fields, failing on a short buffer instead of panicking.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.bytes.len() < n {
            return Err("truncated");
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, &'static str> {
        self.array().map(u64::from_le_bytes)
    }

    fn i64(&mut self) -> Result<i64, &'static str> {
        self.array().map(i64::from_le_bytes)
    }

    fn bytes(&mut self) -> Result<&'a [u8], &'static str> {
        let len = self.u32()? as usize;
        self.take(len)
    }
}

type Decoded = (u32, HashMap<Vec<u8>, Entry>);

fn decode(bytes: &[u8], build: u64, root: &Path) -> Result<Decoded, &'static str> {
    if bytes.len() < MAGIC.len() + 8 || !bytes.starts_with(MAGIC) {
        return Err("not a flakefmt cache file");
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 8);
    let checksum = u64::from_le_bytes(checksum.try_into().map_err(|_| "truncated")?);
    if Fingerprint::new().bytes(body).key() != checksum {
        return Err("corrupt (checksum mismatch)");
    }
    let mut reader = Reader {
        bytes: &body[MAGIC.len()..],
    };
    if reader.u32()? != FORMAT_VERSION {
        return Err("written in another format version");
    }
    if reader.u64()? != build {
        return Err("written by another build of flakefmt");
    }
    let generation = reader.u32()?;
    if reader.bytes()? != root.as_os_str().as_bytes() {
        return Err("belongs to another project root");
    }
    let count = reader.u32()? as usize;
    // Each entry takes at least 64 bytes: never trust `count` for the allocation.
    let mut entries = HashMap::with_capacity(count.min(reader.bytes.len() / 64));
    for _ in 0..count {
        let path = reader.bytes()?.to_vec();
        let stamp = FileStamp {
            size: reader.u64()?,
            mtime: (reader.i64()?, reader.u32()?),
            ctime: (reader.i64()?, reader.u32()?),
            mode: reader.u32()?,
        };
        let entry = Entry {
            stamp,
            format_key: reader.u64()?,
            lint_key: reader.u64()?,
            findings: reader.bytes()?.to_vec(),
            generation: AtomicU32::new(reader.u32()?),
        };
        entries.insert(path, entry);
    }
    if !reader.bytes.is_empty() {
        return Err("trailing bytes");
    }
    Ok((generation, entries))
}

/// Turns a stored path key back into a path (for tests and debugging).
#[cfg(test)]
fn key_to_path(key: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(key.to_vec()))
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
        let keys: Vec<_> = cache.entries.keys().map(|k| key_to_path(k)).collect();
        assert_eq!(keys, vec![PathBuf::from("a.nix")]);
        // Nothing recorded, nothing discarded: a warm run writes nothing.
        assert!(!cache.save().unwrap());
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
    fn damaged_foreign_and_other_build_caches_are_discarded() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let file = old_file(project.path(), "a.nix", "{ }\n");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        cache.record(&file, &stamp(&file), CLEAN);
        let cache_file = cache.path().to_path_buf();
        cache.save().unwrap();
        let good = fs::read(&cache_file).unwrap();

        let check = |bytes: &[u8], reason: &str| {
            fs::write(&cache_file, bytes).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(!cache.is_clean(&file, &stamp(&file), Some(42), None));
            let discarded = cache.discarded.clone().unwrap_or_default();
            assert!(discarded.contains(reason), "{discarded}");
            // The damaged file is replaced by a good one at the end of the run.
            assert!(cache.save().unwrap());
            assert!(fs::read(&cache_file).unwrap().starts_with(MAGIC));
        };
        // Every single flipped byte is caught (checksum), every truncation too.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            fs::write(&cache_file, &bad).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(cache.discarded.is_some(), "flip at {i}");
        }
        for len in 0..good.len() {
            fs::write(&cache_file, &good[..len]).unwrap();
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(cache.discarded.is_some(), "truncated at {len}");
        }
        check(b"garbage", "not a flakefmt cache");
        // Another build: same layout, other build fingerprint, valid checksum.
        let mut other = good[..good.len() - 8].to_vec();
        other[MAGIC.len() + 4] ^= 1;
        let checksum = Fingerprint::new().bytes(&other).key();
        other.extend_from_slice(&checksum.to_le_bytes());
        check(&other, "another build");
        // Another root (a cache copied from elsewhere).
        let elsewhere = tempfile::tempdir().unwrap();
        let entries = HashMap::new();
        let foreign = encode(build_fingerprint(), 3, elsewhere.path(), &entries);
        check(&foreign, "another project root");
        // A huge entry count with no entries behind it must not allocate or panic.
        let mut huge = encode(build_fingerprint(), 3, project.path(), &entries);
        huge.truncate(huge.len() - 8);
        let count_at = huge.len() - 4;
        huge[count_at..].copy_from_slice(&u32::MAX.to_le_bytes());
        let checksum = Fingerprint::new().bytes(&huge).key();
        huge.extend_from_slice(&checksum.to_le_bytes());
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
    }

    #[test]
    fn unused_entries_expire() {
        let project = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let a = old_file(project.path(), "a.nix", "a");
        let b = old_file(project.path(), "b.nix", "b");
        let cache = Cache::open(project.path(), home.path()).unwrap();
        cache.record(&a, &stamp(&a), CLEAN);
        cache.record(&b, &stamp(&b), CLEAN);
        cache.save().unwrap();
        for _ in 0..KEEP_GENERATIONS + 2 {
            let cache = Cache::open(project.path(), home.path()).unwrap();
            assert!(cache.is_clean(&a, &stamp(&a), Some(42), None));
            cache.record(&a, &stamp(&a), CLEAN);
            cache.save().unwrap();
        }
        let cache = Cache::open(project.path(), home.path()).unwrap();
        assert!(cache.is_clean(&a, &stamp(&a), Some(42), None));
        assert!(!cache.is_clean(&b, &stamp(&b), Some(42), None));
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
