//! What git knows about files (for the repository rules): the index's modes, read once per
//! repository with `git ls-files -s -z`, and the file actions of fixes (`chmod` plus
//! `git update-index --chmod`).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use flakefmt::lint::FileFacts;

/// One repository's index.
#[derive(Debug, Default)]
pub struct Index {
    /// The work tree's top level (canonical).
    pub top: PathBuf,
    /// Mode per tracked path (absolute, under `top`).
    pub modes: HashMap<PathBuf, Tracked>,
}

/// A tracked file.
#[derive(Debug, Default)]
pub struct Tracked {
    /// Its mode in the index (`0o100644`, `0o100755`, `0o120000`).
    pub mode: u32,
    /// Whether the run's walk found it (see [`Repositories::mark_walked`]).
    pub walked: AtomicBool,
}

/// The indexes of the repositories a run touches, found and read on demand.
#[derive(Debug, Default)]
pub struct Repositories {
    /// Top level per directory asked about (`None`: not in a repository).
    tops: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    indexes: Mutex<HashMap<PathBuf, Arc<Index>>>,
    /// Per directory as spelled in the run's paths: its canonical form and the index of its
    /// repository. Files are looked up through their directory, so a tree of thousands of
    /// files costs one `canonicalize` per directory, not per file.
    dirs: RwLock<HashMap<OsString, DirEntry>>,
    /// Held while git writes an index: files are fixed in parallel, and concurrent
    /// `git update-index` runs in one repository fail on its `index.lock`.
    index_writes: Mutex<()>,
}

/// What is known of one directory: its canonical path (`None` when it cannot be resolved)
/// and the index of the repository holding it.
type DirEntry = (Option<Arc<PathBuf>>, Option<Arc<Index>>);

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// `path` made absolute and canonical as far as it exists (the file itself may be a link,
/// so only its directory is canonicalised).
pub fn canonical(path: &Path) -> PathBuf {
    let absolute = super::discover::absolute(path);
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|parent| parent.join(name))
            .unwrap_or(absolute),
        _ => absolute,
    }
}

impl Repositories {
    /// The index of the repository holding directory `dir`, if any.
    pub fn index_for_dir(&self, dir: &Path) -> Option<Arc<Index>> {
        let dir = fs::canonicalize(dir).ok()?;
        self.index_for_canonical(&dir)
    }

    /// The index of the repository holding the canonical directory `dir`, if any.
    fn index_for_canonical(&self, dir: &Path) -> Option<Arc<Index>> {
        let top = self.top_of(dir)?;
        let mut indexes = self.indexes.lock().expect("repository lock");
        if let Some(index) = indexes.get(&top) {
            return Some(index.clone());
        }
        let index = Arc::new(read_index(&top));
        indexes.insert(top, index.clone());
        Some(index)
    }

    /// The work tree holding the canonical directory `dir`: the nearest ancestor with a
    /// `.git` (a directory, or a file in linked work trees and submodules). Memoised per
    /// directory and built on the parent's answer: one `stat` per directory of a run.
    fn top_of(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(top) = self.tops.lock().expect("repository lock").get(dir) {
            return top.clone();
        }
        let top = if fs::symlink_metadata(dir.join(".git")).is_ok() {
            Some(dir.to_path_buf())
        } else {
            dir.parent().and_then(|parent| self.top_of(parent))
        };
        self.tops
            .lock()
            .expect("repository lock")
            .insert(dir.to_path_buf(), top.clone());
        top
    }

    /// The canonical form of the directory `dir` (as spelled in the run's paths), memoised.
    /// A child of a known directory costs one `stat` (to see it is not a link), not a
    /// `canonicalize` of the whole path.
    fn dir_entry(&self, dir: &Path) -> DirEntry {
        if let Some(known) = self
            .dirs
            .read()
            .expect("repository lock")
            .get(dir.as_os_str())
        {
            return known.clone();
        }
        let canonical = match (dir.parent(), dir.components().next_back()) {
            (Some(parent), Some(std::path::Component::Normal(name)))
                if !parent.as_os_str().is_empty()
                    && fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir()) =>
            {
                self.dir_entry(parent).0.map(|parent| parent.join(name))
            }
            _ => fs::canonicalize(dir).ok(),
        };
        let index = canonical
            .as_ref()
            .and_then(|dir| self.index_for_canonical(dir));
        let entry = (canonical.map(Arc::new), index);
        self.dirs
            .write()
            .expect("repository lock")
            .insert(dir.as_os_str().to_os_string(), entry.clone());
        entry
    }

    /// The canonical directory of the file `path` and the index of its repository.
    fn file_dir(&self, path: &Path) -> DirEntry {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => self.dir_entry(parent),
            _ => self.dir_entry(Path::new(".")),
        }
    }

    /// Notes that the walk found the file `path`: if git tracks it, it needs no second
    /// look as a tracked file the walk skipped.
    pub fn mark_walked(&self, path: &Path) {
        if let (Some(dir), Some(index)) = self.file_dir(path)
            && let Some(name) = path.file_name()
            && let Some(tracked) = index.modes.get(&dir.join(name))
        {
            tracked.walked.store(true, Ordering::Relaxed);
        }
    }

    /// The index of the repository holding `path` (a file or directory).
    pub fn index_for(&self, path: &Path) -> Option<Arc<Index>> {
        let canonical = canonical(path);
        let dir = if canonical.is_dir() && !is_symlink(&canonical) {
            canonical
        } else {
            canonical.parent()?.to_path_buf()
        };
        self.index_for_dir(&dir)
    }
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn read_index(top: &Path) -> Index {
    let mut index = Index {
        top: top.to_path_buf(),
        modes: HashMap::new(),
    };
    let Some(out) = git(top, &["ls-files", "-s", "-z"]) else {
        return index;
    };
    for entry in out.split(|&b| b == 0) {
        // `<mode> <object> <stage>\t<path>`
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let (head, path) = (&entry[..tab], &entry[tab + 1..]);
        let Some(mode) = std::str::from_utf8(head)
            .ok()
            .and_then(|head| head.split(' ').next())
            .and_then(|mode| u32::from_str_radix(mode, 8).ok())
        else {
            continue;
        };
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        index.modes.insert(
            top.join(path),
            Tracked {
                mode,
                walked: AtomicBool::new(false),
            },
        );
    }
    index
}

/// The facts about one file that do not come from its content: its modes on disk (from
/// `metadata`, the file's own `symlink_metadata`, `None` when it could not be read) and in
/// the git index, and a link's target. The head is left empty: see [`read_head`]. No file
/// content is read, so a run can consult its cache with these facts first.
pub fn facts_without_head(
    path: &Path,
    metadata: Option<&fs::Metadata>,
    repositories: &Repositories,
) -> FileFacts {
    let mut facts = FileFacts::default();
    if let Some(metadata) = metadata {
        facts.fs_mode = Some(metadata.permissions().mode() & 0o7777);
        facts.is_symlink = metadata.file_type().is_symlink();
    }
    if facts.is_symlink {
        facts.symlink_target = fs::read_link(path)
            .ok()
            .map(|target| target.to_string_lossy().into_owned());
    }
    if let (Some(dir), Some(index)) = repositories.file_dir(path)
        && let Some(name) = path.file_name()
    {
        facts.in_repository = true;
        facts.git_mode = index.modes.get(&dir.join(name)).map(|tracked| tracked.mode);
    }
    facts
}

/// The first bytes of a file (for language detection by shebang and the repository rules
/// of files whose text is not read); empty when it cannot be read.
pub fn read_head(path: &Path) -> Vec<u8> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    if let Ok(file) = super::read::open(path) {
        let _ = file.take(HEAD_LEN as u64).read_to_end(&mut head);
    }
    head
}

/// How many first bytes [`read_head`] reads.
pub const HEAD_LEN: usize = 256;

/// Sets or clears the executable bits of `path` on disk and, when it is tracked, in the
/// git index.
pub fn set_executable(
    path: &Path,
    executable: bool,
    repositories: &Repositories,
) -> Result<(), String> {
    let metadata =
        fs::metadata(path).map_err(|error| format!("could not read its mode: {error}"))?;
    let mode = metadata.permissions().mode();
    let new = if executable {
        // Execute where reading is allowed, as `chmod +x` under a usual umask.
        mode | ((mode & 0o444) >> 2)
    } else {
        mode & !0o111
    };
    fs::set_permissions(path, fs::Permissions::from_mode(new))
        .map_err(|error| format!("could not change its mode: {error}"))?;
    if let Some(index) = repositories.index_for(path) {
        let absolute = canonical(path);
        if index.modes.contains_key(&absolute) {
            let relative = absolute.strip_prefix(&index.top).unwrap_or(&absolute);
            let flag = if executable {
                "--chmod=+x"
            } else {
                "--chmod=-x"
            };
            let _writing = repositories
                .index_writes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let status = Command::new("git")
                .arg("-C")
                .arg(&index.top)
                .args(["update-index", flag, "--"])
                .arg(relative)
                .status()
                .map_err(|error| format!("could not run git: {error}"))?;
            if !status.success() {
                return Err(format!("`git update-index {flag}` failed"));
            }
        }
    }
    Ok(())
}
