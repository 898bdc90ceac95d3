//! What git knows about files (for the repository rules): the index's modes, read once per
//! repository with `git ls-files -s -z`, and the file actions of fixes (`chmod` plus
//! `git update-index --chmod`).

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use flakefmt::lint::FileFacts;

/// One repository's index.
#[derive(Debug, Default)]
pub struct Index {
    /// The work tree's top level (canonical).
    pub top: PathBuf,
    /// Mode per tracked path (absolute, under `top`).
    pub modes: HashMap<PathBuf, u32>,
}

/// The indexes of the repositories a run touches, found and read on demand.
#[derive(Debug, Default)]
pub struct Repositories {
    /// Top level per directory asked about (`None`: not in a repository).
    tops: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    indexes: Mutex<HashMap<PathBuf, std::sync::Arc<Index>>>,
    /// Held while git writes an index: files are fixed in parallel, and concurrent
    /// `git update-index` runs in one repository fail on its `index.lock`.
    index_writes: Mutex<()>,
}

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
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|parent| parent.join(name))
            .unwrap_or(absolute),
        _ => absolute,
    }
}

impl Repositories {
    /// The index of the repository holding directory `dir`, if any.
    pub fn index_for_dir(&self, dir: &Path) -> Option<std::sync::Arc<Index>> {
        let dir = fs::canonicalize(dir).ok()?;
        let cached = self
            .tops
            .lock()
            .expect("repository lock")
            .get(&dir)
            .cloned();
        let top = match cached {
            Some(top) => top,
            None => {
                // The nearest ancestor with a `.git` (a directory, or a file in linked
                // work trees and submodules): no process per directory.
                let top = dir
                    .ancestors()
                    .find(|ancestor| fs::symlink_metadata(ancestor.join(".git")).is_ok())
                    .map(Path::to_path_buf);
                self.tops
                    .lock()
                    .expect("repository lock")
                    .insert(dir.clone(), top.clone());
                top
            }
        }?;
        let mut indexes = self.indexes.lock().expect("repository lock");
        if let Some(index) = indexes.get(&top) {
            return Some(index.clone());
        }
        let index = std::sync::Arc::new(read_index(&top));
        indexes.insert(top, index.clone());
        Some(index)
    }

    /// The index of the repository holding `path` (a file or directory).
    pub fn index_for(&self, path: &Path) -> Option<std::sync::Arc<Index>> {
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
        index.modes.insert(top.join(path), mode);
    }
    index
}

/// The facts about one file: its modes on disk and in the index, link target, first bytes.
pub fn facts(path: &Path, repositories: &Repositories) -> FileFacts {
    let mut facts = FileFacts::default();
    if let Ok(metadata) = fs::symlink_metadata(path) {
        facts.fs_mode = Some(metadata.permissions().mode() & 0o7777);
        facts.is_symlink = metadata.file_type().is_symlink();
    }
    if facts.is_symlink {
        facts.symlink_target = fs::read_link(path)
            .ok()
            .map(|target| target.to_string_lossy().into_owned());
    } else if let Ok(file) = fs::File::open(path) {
        let mut head = Vec::with_capacity(256);
        let _ = file.take(256).read_to_end(&mut head);
        facts.head = head;
    }
    if let Some(index) = repositories.index_for(path) {
        facts.in_repository = true;
        facts.git_mode = index.modes.get(&canonical(path)).copied();
    }
    facts
}

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
