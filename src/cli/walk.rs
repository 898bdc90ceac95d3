//! Which files a run looks at: explicit files as given, directories walked in parallel
//! with `ignore` (`.gitignore` even outside a git repository, `.ignore`, global git
//! excludes, the configuration's `exclude`), hidden directories included, `.git` and the
//! other [`NEVER_WALKED`] directories never, symlinks never followed.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use super::discover::{ConfigStore, normalize};

/// Directories a walk never enters, wherever they are: version control data, and the
/// environments and caches of tools (a Python virtualenv in `.venv`, direnv's `.direnv`),
/// which are not the project's sources even when no `.gitignore` says so. `ruff format`
/// skips the same ones by default. Named on the command line, they are walked.
pub const NEVER_WALKED: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    ".bzr",
    ".direnv",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "__pypackages__",
    "site-packages",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// A file to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The path as the user (or the walk) spelled it.
    pub path: PathBuf,
    /// Named on the command line (processed even if ignored; reported when unsupported).
    pub explicit: bool,
    /// For a file a walk found, how deep below the walk's root it is (1: in the root
    /// itself): the directories between are real directories the walk entered (it never
    /// follows links). 0 for a file found otherwise (named, or tracked by git).
    pub depth: usize,
}

/// The directory (as spelled) and the name of the file `path`, when its last component is
/// a name: `a/b/c.nix` gives `a/b` and `c.nix`, `c.nix` gives an empty directory. Found from
/// the bytes, without parsing the path's components (asked several times per file).
pub fn split_name(path: &Path) -> Option<(&Path, &OsStr)> {
    let bytes = path.as_os_str().as_bytes();
    let (dir, name) = match memchr::memrchr(b'/', bytes) {
        Some(0) => (&bytes[..1], &bytes[1..]),
        Some(slash) => (&bytes[..slash], &bytes[slash + 1..]),
        None => (&b""[..], bytes),
    };
    if name.is_empty() || name == b"." || name == b".." {
        return None;
    }
    Some((Path::new(OsStr::from_bytes(dir)), OsStr::from_bytes(name)))
}

/// A path that could not be used.
#[derive(Debug, Clone)]
pub struct WalkError {
    /// The path at fault.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

/// How many files the walk hands over at once (fewer hand-overs between threads: an
/// unchanged file costs about as much as handing it over).
pub const BATCH: usize = 16;

/// Files found by one walking thread, handed to the sink [`BATCH`] at a time, and the
/// rest when the thread is done.
struct Batch<'s> {
    files: Vec<Candidate>,
    sink: &'s (dyn Fn(Vec<Candidate>) -> bool + Sync),
}

impl Batch<'_> {
    /// Adds a file; `false` when the sink wants no more.
    fn push(&mut self, candidate: Candidate) -> bool {
        self.files.push(candidate);
        self.files.len() < BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.files.is_empty() {
            return true;
        }
        (self.sink)(std::mem::replace(
            &mut self.files,
            Vec::with_capacity(BATCH),
        ))
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Finds the files under `paths` (files as given, directories walked in parallel on
/// `threads` threads) and hands them to `sink` as they are found, in batches of at most
/// [`BATCH`], in no particular order: no list of paths is built. `sink` returns `false` to
/// stop the walk. Explicit files
/// come first. The same file is handed over once, even when it is named twice, named and
/// found by a walk, or found by two walks of nested directories (its `explicit` flag then
/// says whether it was named). Returns the paths that could not be used.
pub fn stream(
    paths: &[PathBuf],
    store: &Arc<ConfigStore>,
    force_exclude: bool,
    threads: usize,
    sink: &(dyn Fn(Vec<Candidate>) -> bool + Sync),
) -> Vec<WalkError> {
    let mut errors = Vec::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut explicit: Vec<Candidate> = Vec::new();
    for path in paths {
        match std::fs::symlink_metadata(path) {
            Err(error) => errors.push(WalkError {
                path: path.clone(),
                message: error.to_string(),
            }),
            Ok(metadata) if metadata.file_type().is_symlink() => errors.push(WalkError {
                path: path.clone(),
                message: "is a symlink; flakefmt never follows symlinks (name its target instead)"
                    .into(),
            }),
            Ok(metadata) if metadata.is_dir() => {
                if !(force_exclude && store.is_force_excluded(path)) {
                    roots.push(path.clone());
                }
            }
            Ok(metadata) if metadata.is_file() => {
                if !(force_exclude && store.is_force_excluded(path)) {
                    explicit.push(Candidate {
                        path: path.clone(),
                        explicit: true,
                        depth: 0,
                    });
                }
            }
            Ok(_) => errors.push(WalkError {
                path: path.clone(),
                message: "not a regular file or directory".into(),
            }),
        }
    }
    // Named files: once each, and never again from a walk.
    let mut named: HashSet<PathBuf> = HashSet::new();
    explicit.retain(|candidate| named.insert(normalize(&candidate.path)));
    for files in explicit.chunks(BATCH) {
        if !sink(files.to_vec()) {
            return errors;
        }
    }
    // Directories: the same one named twice is walked once; when one holds another, what
    // both walks find is handed over once (the only case that remembers walked paths).
    let mut seen_roots = HashSet::new();
    roots.retain(|root| seen_roots.insert(normalize(root)));
    let nested = seen_roots
        .iter()
        .any(|a| seen_roots.iter().any(|b| a != b && b.starts_with(a)));
    if !roots.is_empty() {
        let walked = nested.then(|| Mutex::new(HashSet::new()));
        let filter = |candidate: &Candidate| {
            if named.is_empty() && walked.is_none() {
                return true;
            }
            let normal = normalize(&candidate.path);
            if named.contains(&normal) {
                return false;
            }
            match &walked {
                Some(walked) => walked.lock().expect("walk lock").insert(normal),
                None => true,
            }
        };
        walk(&roots, store, threads, &filter, sink, &mut errors);
    }
    errors
}

fn walk(
    roots: &[PathBuf],
    store: &Arc<ConfigStore>,
    threads: usize,
    filter: &(dyn Fn(&Candidate) -> bool + Sync),
    sink: &(dyn Fn(Vec<Candidate>) -> bool + Sync),
    errors: &mut Vec<WalkError>,
) {
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    let filter_store = Arc::clone(store);
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .threads(threads)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            if is_dir
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| NEVER_WALKED.contains(&name))
            {
                return false;
            }
            !filter_store.is_excluded(entry.path(), is_dir)
        });
    let found_errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let mut batch = Batch {
            files: Vec::with_capacity(BATCH),
            sink,
        };
        let found_errors = &found_errors;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|kind| kind.is_file()) {
                        let candidate = Candidate {
                            depth: entry.depth(),
                            path: entry.into_path(),
                            explicit: false,
                        };
                        if filter(&candidate) && !batch.push(candidate) {
                            return WalkState::Quit;
                        }
                    }
                }
                Err(error) => found_errors.lock().expect("walk lock").push(WalkError {
                    path: error_path(&error).unwrap_or_default(),
                    message: error.to_string(),
                }),
            }
            WalkState::Continue
        })
    });
    let mut found_errors = found_errors.into_inner().expect("walk lock");
    found_errors.sort_by(|a, b| a.path.cmp(&b.path));
    errors.extend(found_errors);
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `split_name` agrees with `Path::parent` and `Path::file_name` wherever the last
    /// component is a name, and declines elsewhere.
    #[test]
    fn split_name_agrees_with_path_parent_and_file_name() {
        for path in [
            "a/b/c.nix",
            "c.nix",
            "/c.nix",
            "./c.nix",
            "../c.nix",
            "a//b/c.nix",
            "a/./c.nix",
            "/x/y/.hidden",
        ] {
            let path = Path::new(path);
            let (dir, name) = split_name(path).unwrap();
            assert_eq!(Some(name), path.file_name(), "{path:?}");
            assert_eq!(
                dir.components().collect::<PathBuf>(),
                path.parent().unwrap().components().collect::<PathBuf>(),
                "{path:?}"
            );
        }
        for path in ["a/", "a/..", "a/.", "..", ".", "/", ""] {
            assert_eq!(split_name(Path::new(path)), None, "{path:?}");
        }
    }
}
