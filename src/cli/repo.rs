//! What git knows about files (for the repository rules): the index's modes, read once per
//! repository with `git ls-files -s -z`, and the file actions of fixes (`chmod` plus
//! `git update-index --chmod`).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rustc_hash::FxHashMap;

use flakefmt::lint::FileFacts;

use super::walk::{Candidate, split_name};

/// One repository's index.
#[derive(Debug, Default)]
pub struct Index {
    /// The work tree's top level (canonical).
    pub top: PathBuf,
    /// The tracked files per directory (absolute, under `top`), by name: a file is looked
    /// up through its directory, found once per directory of a run.
    /// Keyed by the directory's bytes: every path asked about is canonical, so equal
    /// bytes are the same directory (hashing bytes is cheaper than hashing a `Path`).
    dirs: FxHashMap<OsString, Arc<TrackedDir>>,
}

/// The tracked files of one directory: their names (one buffer) and entries, sorted by
/// name (an index lists a directory's files in that order), found by binary search.
#[derive(Debug, Default)]
struct TrackedDir {
    names: Vec<u8>,
    files: Vec<(usize, usize, Tracked)>,
}

impl TrackedDir {
    fn name(&self, file: &(usize, usize, Tracked)) -> &[u8] {
        &self.names[file.0..file.1]
    }

    /// Adds a file; a later entry of the same name (a higher merge stage) replaces it.
    fn push(&mut self, name: &[u8], mode: u32) {
        if let Some(last) = self.files.last_mut()
            && &self.names[last.0..last.1] == name
        {
            last.2.mode = mode;
            return;
        }
        let start = self.names.len();
        self.names.extend_from_slice(name);
        self.files.push((
            start,
            self.names.len(),
            Tracked {
                mode,
                walked: AtomicBool::new(false),
            },
        ));
    }

    /// Sorts the files by name if the index did not (the last of equal names kept).
    fn sort(&mut self) {
        let names = &self.names;
        if self
            .files
            .windows(2)
            .all(|pair| names[pair[0].0..pair[0].1] < names[pair[1].0..pair[1].1])
        {
            return;
        }
        // Stable: equal names keep their order, and the last of them is the one kept.
        self.files
            .sort_by(|a, b| names[a.0..a.1].cmp(&names[b.0..b.1]));
        let mut kept: Vec<(usize, usize, Tracked)> = Vec::with_capacity(self.files.len());
        for file in self.files.drain(..) {
            match kept.last_mut() {
                Some(last) if names[last.0..last.1] == names[file.0..file.1] => *last = file,
                _ => kept.push(file),
            }
        }
        self.files = kept;
    }

    fn get(&self, name: &[u8]) -> Option<&Tracked> {
        self.files
            .binary_search_by(|file| self.name(file).cmp(name))
            .ok()
            .map(|found| &self.files[found].2)
    }

    fn iter(&self) -> impl Iterator<Item = (&OsStr, &Tracked)> {
        self.files
            .iter()
            .map(|file| (OsStr::from_bytes(self.name(file)), &file.2))
    }
}

/// A tracked file.
#[derive(Debug, Default)]
pub struct Tracked {
    /// Its mode in the index (`0o100644`, `0o100755`, `0o120000`).
    pub mode: u32,
    /// Whether the run's walk found it (see [`Repositories::locate`]).
    pub walked: AtomicBool,
}

impl Index {
    /// The entry of the tracked file `path` (absolute, canonical directory), if tracked.
    pub fn tracked(&self, path: &Path) -> Option<&Tracked> {
        self.dirs
            .get(path.parent()?.as_os_str())?
            .get(path.file_name()?.as_bytes())
    }

    /// The tracked files under `root` (canonical) that no run found yet: their absolute
    /// paths and entries. Directories are compared once, not once per file.
    pub fn not_walked_under<'i>(
        &'i self,
        root: &'i Path,
    ) -> impl Iterator<Item = (PathBuf, &'i Tracked)> + 'i {
        self.dirs
            .iter()
            .filter(move |(dir, _)| is_under(dir.as_bytes(), root.as_os_str().as_bytes()))
            .flat_map(|(dir, files)| {
                files
                    .iter()
                    .filter(|(_, tracked)| !tracked.walked.load(Ordering::Relaxed))
                    .map(move |(name, tracked)| (Path::new(dir).join(name), tracked))
            })
    }
}

/// Where a file is, for the repository rules: in a git work tree or not, and its mode in
/// that repository's index when tracked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    /// In a git work tree.
    pub in_repository: bool,
    /// Its mode in the index, when tracked.
    pub git_mode: Option<u32>,
}

/// The indexes of the repositories a run touches, found and read on demand.
#[derive(Debug, Default)]
pub struct Repositories {
    /// Top level per canonical directory asked about (`None`: not in a repository), for at
    /// most [`MEMO_LIMIT`](super::discover::MEMO_LIMIT) directories.
    tops: Mutex<FxHashMap<PathBuf, Option<PathBuf>>>,
    indexes: Mutex<HashMap<PathBuf, Arc<Index>>>,
    /// Per directory as spelled in the run's paths: its canonical form and the index of its
    /// repository. Files are looked up through their directory, so a tree of thousands of
    /// files costs one lookup per directory, not per file. At most
    /// [`MEMO_LIMIT`](super::discover::MEMO_LIMIT) directories.
    dirs: RwLock<FxHashMap<OsString, DirEntry>>,
    /// Held while git writes an index: files are fixed in parallel, and concurrent
    /// `git update-index` runs in one repository fail on its `index.lock`.
    index_writes: Mutex<()>,
    /// How many times the file system was asked about a directory (tests count them).
    #[cfg(test)]
    lookups: std::sync::atomic::AtomicUsize,
}

/// What is known of one directory: its canonical path (`None` when it cannot be resolved),
/// the index of the repository holding it and that index's files in it.
#[derive(Debug, Clone, Default)]
struct DirEntry {
    canonical: Option<Arc<PathBuf>>,
    index: Option<Arc<Index>>,
    tracked: Option<Arc<TrackedDir>>,
}

impl DirEntry {
    /// Where the file `name` of this directory is; if git tracks it, notes that the run
    /// found it.
    fn place(&self, name: Option<&OsStr>) -> Place {
        let tracked = self
            .tracked
            .as_ref()
            .zip(name)
            .and_then(|(files, name)| files.get(name.as_bytes()));
        if let Some(tracked) = tracked {
            tracked.walked.store(true, Ordering::Relaxed);
        }
        Place {
            in_repository: self.index.is_some(),
            git_mode: tracked.map(|tracked| tracked.mode),
        }
    }

    fn new(canonical: Option<PathBuf>, index: Option<Arc<Index>>) -> DirEntry {
        let tracked = match (&canonical, &index) {
            (Some(canonical), Some(index)) => index.dirs.get(canonical.as_os_str()).cloned(),
            _ => None,
        };
        DirEntry {
            canonical: canonical.map(Arc::new),
            index,
            tracked,
        }
    }
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
    let absolute = super::discover::absolute(path);
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|parent| parent.join(name))
            .unwrap_or(absolute),
        _ => absolute,
    }
}

impl Repositories {
    /// Notes one question to the file system about a directory (counted in tests).
    fn lookup(&self) {
        #[cfg(test)]
        self.lookups.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether `dir` is the top level of a git work tree: it holds a `.git` (a directory,
    /// or a file in linked work trees and submodules).
    fn has_dot_git(&self, dir: &Path) -> bool {
        self.lookup();
        fs::symlink_metadata(joined(dir, OsStr::new(".git"))).is_ok()
    }

    /// The index of the repository holding directory `dir`, if any.
    pub fn index_for_dir(&self, dir: &Path) -> Option<Arc<Index>> {
        let dir = fs::canonicalize(dir).ok()?;
        self.index_for_canonical(&dir)
    }

    /// The index of the repository holding the canonical directory `dir`, if any.
    fn index_for_canonical(&self, dir: &Path) -> Option<Arc<Index>> {
        let top = self.top_of(dir)?;
        Some(self.index_at(top))
    }

    /// The index of the work tree whose top level is `top` (canonical), read once.
    fn index_at(&self, top: PathBuf) -> Arc<Index> {
        let mut indexes = self.indexes.lock().expect("repository lock");
        if let Some(index) = indexes.get(&top) {
            return index.clone();
        }
        let index = Arc::new(read_index(&top));
        indexes.insert(top, index.clone());
        index
    }

    /// The work tree holding the canonical directory `dir`: the nearest ancestor with a
    /// `.git`. Memoised per directory and built on the parent's answer: one `stat` per
    /// directory of a run.
    fn top_of(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(top) = self.tops.lock().expect("repository lock").get(dir) {
            return top.clone();
        }
        let top = if self.has_dot_git(dir) {
            Some(dir.to_path_buf())
        } else {
            dir.parent().and_then(|parent| self.top_of(parent))
        };
        super::discover::bounded_insert(
            &mut self.tops.lock().expect("repository lock"),
            dir.to_path_buf(),
            top.clone(),
        );
        top
    }

    fn known(&self, dir: &Path) -> Option<DirEntry> {
        self.dirs
            .read()
            .expect("repository lock")
            .get(dir.as_os_str())
            .cloned()
    }

    fn remember(&self, dir: &Path, entry: &DirEntry) {
        super::discover::bounded_insert(
            &mut self.dirs.write().expect("repository lock"),
            dir.as_os_str().to_os_string(),
            entry.clone(),
        );
    }

    /// The canonical form of the directory `dir` (as spelled in the run's paths), memoised.
    /// A child of a known directory costs one `stat` (to see it is not a link), not a
    /// `canonicalize` of the whole path.
    fn dir_entry(&self, dir: &Path) -> DirEntry {
        if let Some(known) = self.known(dir) {
            return known;
        }
        self.lookup();
        let canonical = match (dir.parent(), dir.components().next_back()) {
            (Some(parent), Some(Component::Normal(name)))
                if !parent.as_os_str().is_empty()
                    && fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir()) =>
            {
                self.dir_entry(parent)
                    .canonical
                    .map(|parent| parent.join(name))
            }
            _ => fs::canonicalize(dir).ok(),
        };
        let index = canonical
            .as_ref()
            .and_then(|dir| self.index_for_canonical(dir));
        let entry = DirEntry::new(canonical, index);
        self.remember(dir, &entry);
        entry
    }

    /// [`Repositories::dir_entry`] for a directory the walk entered `levels` levels below
    /// its root. The walk never follows links, so such a directory is a real directory in
    /// its parent: its canonical form is the parent's and its name, with no `stat` to see
    /// it is not a link. Only the root (level 0) is resolved with care.
    fn walked_dir_entry(&self, dir: &Path, levels: usize) -> DirEntry {
        if levels == 0 {
            return self.dir_entry(dir);
        }
        if let Some(known) = self.known(dir) {
            return known;
        }
        let Some((parent, name)) =
            split_name(dir).filter(|(parent, _)| !parent.as_os_str().is_empty())
        else {
            return self.dir_entry(dir);
        };
        let parent_entry = self.walked_dir_entry(parent, levels - 1);
        let Some(parent_canonical) = &parent_entry.canonical else {
            return self.dir_entry(dir);
        };
        let canonical = joined(parent_canonical, name);
        let index = if self.has_dot_git(dir) {
            Some(self.index_at(canonical.clone()))
        } else {
            parent_entry.index.clone()
        };
        let entry = DirEntry::new(Some(canonical), index);
        self.remember(dir, &entry);
        entry
    }

    /// Where the file `candidate` is (found through its directory, once per directory),
    /// noting that the run found it: if git tracks it, it needs no second look as a
    /// tracked file the walk skipped.
    pub fn locate(&self, candidate: &Candidate) -> Place {
        let path = &candidate.path;
        let (dir, name) = match split_name(path) {
            Some((dir, name)) => (dir, Some(name)),
            None => (path.parent().unwrap_or(Path::new("")), path.file_name()),
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        // Usually the directory is known: answered under the read lock, nothing cloned.
        if let Some(place) = self
            .dirs
            .read()
            .expect("repository lock")
            .get(dir.as_os_str())
            .map(|entry| entry.place(name))
        {
            return place;
        }
        self.walked_dir_entry(dir, candidate.depth.saturating_sub(1))
            .place(name)
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

/// Whether the directory `dir` is `root` or below it (both canonical, as bytes).
fn is_under(dir: &[u8], root: &[u8]) -> bool {
    match dir.strip_prefix(root) {
        Some(rest) => rest.is_empty() || rest[0] == b'/' || root.ends_with(b"/"),
        None => false,
    }
}

/// `dir.join(name)` in one allocation (`join` allocates for `dir`, then grows).
fn joined(dir: &Path, name: &OsStr) -> PathBuf {
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + name.len());
    path.push(dir);
    path.push(name);
    path
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The index of the work tree `top`: read from its file, or (when that reader cannot say
/// for certain, see [`git_index`](super::git_index)) as `git ls-files -s -z` lists it.
/// Empty when git cannot read it either.
fn read_index(top: &Path) -> Index {
    let dirs = match super::git_index::read(top) {
        Some(entries) => group_by_dir(top, entries.iter()),
        None => match git(top, &["ls-files", "-s", "-z"]) {
            Some(out) => group_by_dir(top, out.split(|&b| b == 0).filter_map(ls_files_entry)),
            None => FxHashMap::default(),
        },
    };
    Index {
        top: top.to_path_buf(),
        dirs,
    }
}

/// The path and mode of one entry of `git ls-files -s -z`: `<mode> <object> <stage>\t<path>`.
fn ls_files_entry(entry: &[u8]) -> Option<(&[u8], u32)> {
    let tab = entry.iter().position(|&b| b == b'\t')?;
    let (head, path) = (&entry[..tab], &entry[tab + 1..]);
    let mode = std::str::from_utf8(head)
        .ok()?
        .split(' ')
        .next()
        .and_then(|mode| u32::from_str_radix(mode, 8).ok())?;
    Some((path, mode))
}

/// The entries `(path relative to top, mode)` of an index, grouped by directory (later
/// entries of a path, of a higher merge stage, win).
fn group_by_dir<'e>(
    top: &Path,
    entries: impl Iterator<Item = (&'e [u8], u32)>,
) -> FxHashMap<OsString, Arc<TrackedDir>> {
    let mut by_dir: FxHashMap<&[u8], TrackedDir> = FxHashMap::default();
    // Entries of one directory mostly come together: the last one is kept at hand.
    let mut current: Option<(&[u8], TrackedDir)> = None;
    for (path, mode) in entries {
        let (dir, name) = match memchr::memrchr(b'/', path) {
            Some(slash) => (&path[..slash], &path[slash + 1..]),
            None => (&b""[..], path),
        };
        if name.is_empty() {
            continue;
        }
        match &mut current {
            Some((known, files)) if *known == dir => files.push(name, mode),
            _ => {
                if let Some((known, files)) = current.take() {
                    by_dir.insert(known, files);
                }
                let mut files = by_dir.remove(dir).unwrap_or_default();
                files.push(name, mode);
                current = Some((dir, files));
            }
        }
    }
    if let Some((known, files)) = current {
        by_dir.insert(known, files);
    }
    by_dir
        .into_iter()
        .map(|(dir, mut files)| {
            files.sort();
            let dir = if dir.is_empty() {
                top.to_path_buf()
            } else {
                joined(top, OsStr::from_bytes(dir))
            };
            (dir.into_os_string(), Arc::new(files))
        })
        .collect()
}

/// The facts about one file that do not come from its content: its modes on disk (from
/// `metadata`, the file's own `symlink_metadata`, `None` when it could not be read) and in
/// the git index (`place`, from [`Repositories::locate`]), and a link's target. The head is
/// left empty: see [`read_head`]. No file content is read, so a run can consult its cache
/// with these facts first.
pub fn facts_without_head(path: &Path, metadata: Option<&fs::Metadata>, place: Place) -> FileFacts {
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
    facts.in_repository = place.in_repository;
    facts.git_mode = place.git_mode;
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
        if index.tracked(&absolute).is_some() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn git_init(dir: &Path) -> bool {
        Command::new("git")
            .args(["init", "-q"])
            .arg(dir)
            .status()
            .is_ok_and(|status| status.success())
    }

    fn git_add(dir: &Path, path: &str, executable: bool) {
        let mode = if executable {
            "--chmod=+x"
        } else {
            "--chmod=-x"
        };
        for args in [&["add", path][..], &["update-index", mode, path][..]] {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        }
    }

    fn file(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "#!/bin/sh\n").unwrap();
    }

    fn walked(path: PathBuf, depth: usize) -> Candidate {
        Candidate {
            path,
            explicit: false,
            depth,
        }
    }

    fn lookups(repositories: &Repositories) -> usize {
        repositories.lookups.load(Ordering::Relaxed)
    }

    /// Below the root of a walk, a directory costs one question to the file system (is
    /// there a `.git`?), not two: the walk never follows links, so it needs no `stat` to
    /// see it is not one. A file named on the command line is resolved with care.
    #[test]
    fn a_walked_directory_costs_one_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        file(&root.join("a/b/c/f.nix"));
        file(&root.join("top.nix"));
        let repositories = Repositories::default();
        let place = repositories.locate(&walked(root.join("top.nix"), 1));
        assert!(!place.in_repository);
        let before = lookups(&repositories);
        repositories.locate(&walked(root.join("a/b/c/f.nix"), 4));
        assert_eq!(
            lookups(&repositories) - before,
            3,
            "a, b and c: one probe each"
        );
        // Known directories cost nothing.
        let before = lookups(&repositories);
        repositories.locate(&walked(root.join("a/b/c/g.nix"), 4));
        repositories.locate(&walked(root.join("a/b/h.nix"), 3));
        assert_eq!(lookups(&repositories), before);
        // The same directories reached otherwise (not by a walk) are checked for links.
        let repositories = Repositories::default();
        repositories.locate(&walked(root.join("top.nix"), 0));
        let before = lookups(&repositories);
        repositories.locate(&walked(root.join("a/b/c/f.nix"), 0));
        assert_eq!(
            lookups(&repositories) - before,
            6,
            "a stat and a probe each"
        );
    }

    /// The root of a walk may be reached through a link: its directories are resolved from
    /// the link's target, so they belong to the target's repository (here none), not to
    /// the repository holding the link.
    #[test]
    fn a_walk_below_a_linked_directory_belongs_to_the_links_target() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let outside = dir.path().join("outside");
        file(&outside.join("sub/deep/tool.sh"));
        fs::create_dir_all(&repo).unwrap();
        if !git_init(&repo) {
            eprintln!("git is not installed: skipping");
            return;
        }
        std::os::unix::fs::symlink(&outside, repo.join("link")).unwrap();
        let repositories = Repositories::default();
        // The walk of `repo/link/sub` (a real directory, reached through a link).
        let place = repositories.locate(&walked(repo.join("link/sub/deep/tool.sh"), 2));
        assert_eq!(place, Place::default(), "not in `repo`");
        // And in the repository: a file beside the link.
        file(&repo.join("x/tool.sh"));
        git_add(&repo, "x/tool.sh", true);
        let place = repositories.locate(&walked(repo.join("x/tool.sh"), 2));
        assert_eq!(
            place,
            Place {
                in_repository: true,
                git_mode: Some(0o100755)
            }
        );
    }

    /// A repository nested in another (a clone, not a submodule) and a linked work tree
    /// (whose `.git` is a file) found below the root of a walk hold their own files.
    #[test]
    fn nested_repositories_found_by_a_walk_hold_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join("outer");
        let nested = outer.join("vendor/nested");
        file(&outer.join("a.sh"));
        file(&nested.join("lib/b.sh"));
        if !git_init(&outer) || !git_init(&nested) {
            eprintln!("git is not installed: skipping");
            return;
        }
        git_add(&outer, "a.sh", false);
        git_add(&nested, "lib/b.sh", true);
        let worktree = outer.join("wt");
        let status = Command::new("git")
            .arg("-C")
            .arg(&nested)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "x",
            ])
            .status()
            .unwrap();
        assert!(status.success());
        let status = Command::new("git")
            .arg("-C")
            .arg(&nested)
            .args(["worktree", "add", "-q"])
            .arg(&worktree)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(
            fs::symlink_metadata(worktree.join(".git"))
                .unwrap()
                .is_file()
        );
        let repositories = Repositories::default();
        let tracked = |mode| Place {
            in_repository: true,
            git_mode: Some(mode),
        };
        assert_eq!(
            repositories.locate(&walked(outer.join("a.sh"), 1)),
            tracked(0o100644)
        );
        assert_eq!(
            repositories.locate(&walked(nested.join("lib/b.sh"), 4)),
            tracked(0o100755)
        );
        assert_eq!(
            repositories.locate(&walked(worktree.join("lib/b.sh"), 3)),
            tracked(0o100755)
        );
        // Untracked in the nested repository, even beside a file `outer` tracks.
        file(&nested.join("a.sh"));
        assert_eq!(
            repositories.locate(&walked(nested.join("a.sh"), 3)),
            Place {
                in_repository: true,
                git_mode: None
            }
        );
    }

    /// The memo of directories is bounded: past the limit it starts again, and a forgotten
    /// directory is found again as well as the first time.
    #[test]
    fn the_memo_of_directories_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let count = crate::cli::discover::MEMO_LIMIT + 100;
        for index in 0..count {
            file(&root.join(format!("d{index}/f.sh")));
        }
        if !git_init(root) {
            eprintln!("git is not installed: skipping");
            return;
        }
        git_add(root, "d0/f.sh", true);
        let repositories = Repositories::default();
        let tracked = Place {
            in_repository: true,
            git_mode: Some(0o100755),
        };
        assert_eq!(
            repositories.locate(&walked(root.join("d0/f.sh"), 2)),
            tracked
        );
        for index in 0..count {
            repositories.locate(&walked(root.join(format!("d{index}/f.sh")), 2));
            let known = repositories.dirs.read().unwrap().len();
            assert!(known <= crate::cli::discover::MEMO_LIMIT, "{known}");
        }
        assert_eq!(
            repositories.locate(&walked(root.join("d0/f.sh"), 2)),
            tracked
        );
        assert_eq!(
            repositories.locate(&walked(root.join("d1/f.sh"), 2)),
            Place {
                in_repository: true,
                git_mode: None
            }
        );
    }

    /// An index's entries grouped by directory: found by name however they came (in
    /// index order, or not), the last of a name's merge stages kept; directories below a
    /// root found by their bytes.
    #[test]
    fn tracked_files_are_grouped_by_directory() {
        let top = Path::new("/top");
        let entries: Vec<(&[u8], u32)> = vec![
            (b"a/x.nix", 0o100644),
            (b"a/b/y.nix", 0o100644),
            (b"a/z.sh", 0o100644),
            (b"a/z.sh", 0o100755),
            (b"c.nix", 0o100644),
            (b"a/m.nix", 0o120000),
            (b"a/x.nix", 0o100755),
        ];
        let dirs = group_by_dir(top, entries.into_iter());
        let index = Index {
            top: top.to_path_buf(),
            dirs,
        };
        let mode = |path: &str| index.tracked(Path::new(path)).map(|tracked| tracked.mode);
        assert_eq!(mode("/top/a/x.nix"), Some(0o100755));
        assert_eq!(mode("/top/a/z.sh"), Some(0o100755));
        assert_eq!(mode("/top/a/m.nix"), Some(0o120000));
        assert_eq!(mode("/top/a/b/y.nix"), Some(0o100644));
        assert_eq!(mode("/top/c.nix"), Some(0o100644));
        assert_eq!(mode("/top/a/y.nix"), None);
        assert_eq!(mode("/top/b/y.nix"), None);
        let mut under: Vec<PathBuf> = index
            .not_walked_under(Path::new("/top/a"))
            .map(|(path, _)| path)
            .collect();
        under.sort();
        assert_eq!(
            under,
            [
                "/top/a/b/y.nix",
                "/top/a/m.nix",
                "/top/a/x.nix",
                "/top/a/z.sh"
            ]
            .map(PathBuf::from)
        );
        assert_eq!(index.not_walked_under(Path::new("/to")).count(), 0);
        assert_eq!(index.not_walked_under(Path::new("/")).count(), 5);
    }
}
