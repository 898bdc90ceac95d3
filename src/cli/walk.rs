//! Which files a run looks at: explicit files as given, directories walked in parallel
//! with `ignore` (`.gitignore` even outside a git repository, `.ignore`, global git
//! excludes, the configuration's `exclude`), hidden directories included, `.git` and the
//! other [`NEVER_WALKED`] directories never, symlinks never followed.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use super::discover::{ConfigStore, normalize};
use super::output::display_path;

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
}

/// A path that could not be used.
#[derive(Debug, Clone)]
pub struct WalkError {
    /// The path at fault.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

/// The outcome of collecting files.
#[derive(Debug, Default)]
pub struct Collected {
    /// Files to process, sorted by path, without duplicates.
    pub files: Vec<Candidate>,
    /// Paths that could not be used.
    pub errors: Vec<WalkError>,
}

/// Collects the files under `paths` (files as given, directories walked).
pub fn collect(
    paths: &[PathBuf],
    store: &Arc<ConfigStore>,
    force_exclude: bool,
    threads: usize,
) -> Collected {
    let mut collected = Collected::default();
    let mut roots = Vec::new();
    for path in paths {
        match std::fs::symlink_metadata(path) {
            Err(error) => collected.errors.push(WalkError {
                path: path.clone(),
                message: error.to_string(),
            }),
            Ok(metadata) if metadata.file_type().is_symlink() => collected.errors.push(WalkError {
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
                    collected.files.push(Candidate {
                        path: path.clone(),
                        explicit: true,
                    });
                }
            }
            Ok(_) => collected.errors.push(WalkError {
                path: path.clone(),
                message: "not a regular file or directory".into(),
            }),
        }
    }
    if !roots.is_empty() {
        walk(&roots, store, threads, &mut collected);
    }
    // Sorted as shown (without a leading `./`), so output order is stable.
    collected
        .files
        .sort_by_cached_key(|candidate| display_path(&candidate.path));
    // The same file named twice (or named and found by a walk) is processed once.
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    let mut unique: Vec<Candidate> = Vec::with_capacity(collected.files.len());
    for candidate in collected.files.drain(..) {
        match seen.entry(normalize(&candidate.path)) {
            Entry::Occupied(index) => unique[*index.get()].explicit |= candidate.explicit,
            Entry::Vacant(slot) => {
                slot.insert(unique.len());
                unique.push(candidate);
            }
        }
    }
    collected.files = unique;
    collected
}

fn walk(roots: &[PathBuf], store: &Arc<ConfigStore>, threads: usize, collected: &mut Collected) {
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
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|kind| kind.is_file()) {
                        files.lock().expect("walk lock").push(Candidate {
                            path: entry.into_path(),
                            explicit: false,
                        });
                    }
                }
                Err(error) => errors.lock().expect("walk lock").push(WalkError {
                    path: error_path(&error).unwrap_or_default(),
                    message: error.to_string(),
                }),
            }
            WalkState::Continue
        })
    });
    collected
        .files
        .extend(files.into_inner().expect("walk lock"));
    collected
        .errors
        .extend(errors.into_inner().expect("walk lock"));
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
