//! A git index read from its file (`.git/index`): the path and mode of every entry, as
//! `git ls-files -s` lists them, without starting git (starting git cost a warm `check`
//! in a repository more than everything else it does). Versions 2, 3 and 4 of the format
//! with SHA-1 object names are read; for anything else (a split or sparse index, a SHA-256
//! repository, a damaged file, a `.git` that is not a repository, git's own environment
//! variables set, as in a hook) the answer is `None` and the caller asks git.
//!
//! The format is git's `Documentation/gitformat-index.txt`: a header (`DIRC`, version,
//! entry count), the entries (stat data, mode, object name, flags, path; in version 4 the
//! path shares a prefix with the previous one), extensions, and a checksum (not checked:
//! every entry and extension must fit exactly, which a damaged file does not).

use std::fs;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The entries of an index: `(path, mode)` in index order, the path relative to the work
/// tree's top level, `/`-separated.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Entries {
    paths: Vec<u8>,
    entries: Vec<(usize, usize, u32)>,
}

impl Entries {
    /// Every entry's path and mode, in index order (by path, then stage).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u32)> {
        self.entries
            .iter()
            .map(|&(start, end, mode)| (&self.paths[start..end], mode))
    }
}

/// The size of a SHA-1 object name, and of the checksum at the end of the file.
const HASH_LEN: usize = 20;
/// The fixed part of an entry before its path: stat data, mode, ids, size (ten 32-bit
/// fields), object name, flags.
const ENTRY_HEAD: usize = 40 + HASH_LEN + 2;
/// The mode of a sparse directory entry (a sparse index: git's answer differs).
const SPARSE_DIRECTORY: u32 = 0o040000;
/// Environment variables that make git read another repository or index than the one in
/// the work tree.
const GIT_ENVIRONMENT: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
];

/// The index of the work tree whose top level `top` holds a `.git`, when this reader can
/// answer exactly what `git -C top ls-files -s` would.
pub fn read(top: &Path) -> Option<Entries> {
    if GIT_ENVIRONMENT
        .iter()
        .any(|name| std::env::var_os(name).is_some())
    {
        return None;
    }
    let git_dir = git_dir(top)?;
    // A `.git` without `HEAD` is not a repository: git looks further up.
    if !fs::symlink_metadata(git_dir.join("HEAD")).is_ok_and(|m| m.is_file()) {
        return None;
    }
    match fs::read(git_dir.join("index")) {
        Ok(bytes) => parse(&bytes),
        // A repository nothing was ever added to.
        Err(error) if error.kind() == ErrorKind::NotFound => Some(Entries::default()),
        Err(_) => None,
    }
}

/// The repository directory of the work tree `top`: `.git` itself, or where a `.git` file
/// (`gitdir: <path>`, in linked work trees and submodules) points.
fn git_dir(top: &Path) -> Option<PathBuf> {
    let dot_git = top.join(".git");
    let metadata = fs::metadata(&dot_git).ok()?;
    if metadata.is_dir() {
        return Some(dot_git);
    }
    if !metadata.is_file() {
        return None;
    }
    let text = fs::read(&dot_git).ok()?;
    let line = text.strip_prefix(b"gitdir: ")?;
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() || line.contains(&b'\n') {
        return None;
    }
    Some(top.join(std::ffi::OsStr::from_bytes(line)))
}

/// A reader of big-endian fields.
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, len: usize) -> Option<&'b [u8]> {
        let end = self.at.checked_add(len)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// git's variable-length integer of version 4 (`varint.c`).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            value = value.checked_add(1)?;
            if value.leading_zeros() < 7 {
                return None;
            }
            byte = *self.take(1)?.first()?;
            value = (value << 7) + usize::from(byte & 0x7f);
        }
        Some(value)
    }
}

/// The entries of the index file `bytes`; `None` for what this reader does not know.
pub fn parse(bytes: &[u8]) -> Option<Entries> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(4)? != b"DIRC" {
        return None;
    }
    let version = reader.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(reader.u32()?).ok()?;
    // The smallest entry of version 4 is its head, a varint and a NUL.
    if count > bytes.len() / (ENTRY_HEAD + 2) {
        return None;
    }
    let mut entries = Entries {
        paths: Vec::with_capacity(count * 32),
        entries: Vec::with_capacity(count),
    };
    let mut previous: (usize, usize) = (0, 0);
    for _ in 0..count {
        let start = reader.at;
        reader.take(24)?; // ctime, mtime, dev, ino
        let mode = reader.u32()?;
        reader.take(12 + HASH_LEN)?; // uid, gid, size, object name
        let flags = reader.u16()?;
        let extended = flags & 0x4000 != 0;
        if extended {
            if version < 3 {
                return None;
            }
            // Reserved bit and the unused ones must be zero.
            if reader.u16()? & 0x9fff != 0 {
                return None;
            }
        }
        if mode == SPARSE_DIRECTORY {
            return None;
        }
        let name_len = usize::from(flags & 0x0fff);
        let path_start = entries.paths.len();
        if version == 4 {
            let strip = reader.varint()?;
            let kept = (previous.1 - previous.0).checked_sub(strip)?;
            entries
                .paths
                .extend_from_within(previous.0..previous.0 + kept);
            let rest = &bytes[reader.at..];
            let nul = memchr::memchr(0, rest)?;
            entries.paths.extend_from_slice(&rest[..nul]);
            reader.take(nul + 1)?;
        } else {
            let rest = &bytes[reader.at..];
            let nul = memchr::memchr(0, rest)?;
            entries.paths.extend_from_slice(&rest[..nul]);
            // Padded with NULs to a multiple of eight, at least one.
            let len = (reader.at - start + nul + 8) & !7;
            let padding = reader.take(len - (reader.at - start))?;
            if padding[nul..].iter().any(|&b| b != 0) {
                return None;
            }
        }
        let path_len = entries.paths.len() - path_start;
        if path_len == 0 || (name_len < 0x0fff && name_len != path_len) {
            return None;
        }
        if name_len == 0x0fff && path_len < 0x0fff {
            return None;
        }
        previous = (path_start, entries.paths.len());
        entries
            .entries
            .push((path_start, entries.paths.len(), mode));
    }
    // Extensions, each `<signature> <size> <data>`, then the checksum. An optional one
    // (signature starting with a capital) may be skipped; a required one (a split or
    // sparse index) changes what the entries mean.
    let end = bytes.len().checked_sub(HASH_LEN)?;
    while reader.at < end {
        let signature = reader.take(4)?;
        if !signature[0].is_ascii_uppercase() {
            return None;
        }
        let size = usize::try_from(reader.u32()?).ok()?;
        reader.take(size)?;
    }
    (reader.at == end).then_some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
        let output = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        output.status.success().then_some(output.stdout)
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// What `git ls-files -s -z` lists: `(path, mode)` in its order.
    fn listed(top: &Path) -> Vec<(Vec<u8>, u32)> {
        git(top, &["ls-files", "-s", "-z"])
            .unwrap()
            .split(|&b| b == 0)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let tab = entry.iter().position(|&b| b == b'\t').unwrap();
                let mode = std::str::from_utf8(&entry[..6]).unwrap();
                (
                    entry[tab + 1..].to_vec(),
                    u32::from_str_radix(mode, 8).unwrap(),
                )
            })
            .collect()
    }

    fn ours(top: &Path) -> Option<Vec<(Vec<u8>, u32)>> {
        read(top).map(|entries| {
            entries
                .iter()
                .map(|(path, mode)| (path.to_vec(), mode))
                .collect()
        })
    }

    /// A repository with nested directories, an executable, a link, a path longer than
    /// the 12 bits of an entry's name length, and a file added with intent only (an
    /// extended entry: version 3); then the same index in version 4 (paths sharing
    /// prefixes), and with a submodule's gitlink.
    #[test]
    fn the_index_reads_as_git_lists_it() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        if git(top, &["init", "-q", "."]).is_none() {
            eprintln!("git is not installed: skipping");
            return;
        }
        assert_eq!(ours(top), Some(Vec::new()), "no index yet");
        write(&top.join("flake.nix"), "{ }\n");
        write(&top.join("pkgs/a/default.nix"), "{ }\n");
        write(&top.join("pkgs/a/b.nix"), "{ }\n");
        write(&top.join("pkgs/ab.nix"), "{ }\n");
        write(&top.join("tool.sh"), "#!/bin/sh\n");
        std::os::unix::fs::symlink("/nix/store/x", top.join("result")).unwrap();
        git(top, &["add", "."]).unwrap();
        // Longer than a path on disk may be: in the index only (the empty blob).
        let long = (0..24).map(|i| format!("{i:0>190}")).collect::<Vec<_>>();
        let long = long.join("/") + "/x.nix";
        assert!(long.len() > 0xfff);
        let empty = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        git(
            top,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("100644,{empty},{long}"),
            ],
        )
        .unwrap();
        git(top, &["update-index", "--chmod=+x", "tool.sh"]).unwrap();
        write(&top.join("later.nix"), "{ }\n");
        git(top, &["add", "-N", "later.nix"]).unwrap();
        let expected = listed(top);
        assert_eq!(expected.len(), 8);
        assert!(expected.iter().any(|(path, _)| path.len() > 0xfff));
        assert_eq!(ours(top).as_ref(), Some(&expected));
        git(top, &["update-index", "--index-version", "4"]).unwrap();
        assert_eq!(ours(top).as_ref(), Some(&expected));
        let object = "0123456789abcdef0123456789abcdef01234567";
        git(
            top,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{object},vendor/sub"),
            ],
        )
        .unwrap();
        let expected = listed(top);
        assert!(expected.iter().any(|&(_, mode)| mode == 0o160000));
        assert_eq!(ours(top), Some(expected));
    }

    /// A merge conflict leaves three stages of a path in the index: all listed, in order.
    #[test]
    fn merge_stages_read_as_git_lists_them() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        if git(top, &["init", "-q", "."]).is_none() {
            eprintln!("git is not installed: skipping");
            return;
        }
        write(&top.join("a.nix"), "1\n");
        git(top, &["add", "."]).unwrap();
        git(top, &["commit", "-qm", "base"]).unwrap();
        git(top, &["checkout", "-qb", "other"]).unwrap();
        write(&top.join("a.nix"), "2\n");
        git(top, &["commit", "-qam", "other"]).unwrap();
        git(top, &["checkout", "-q", "main"]).unwrap();
        write(&top.join("a.nix"), "3\n");
        git(top, &["commit", "-qam", "main"]).unwrap();
        assert!(git(top, &["merge", "-q", "other"]).is_none(), "a conflict");
        let expected = listed(top);
        assert_eq!(expected.len(), 3);
        assert_eq!(ours(top), Some(expected));
    }

    /// A linked work tree's `.git` is a file naming its repository directory.
    #[test]
    fn a_linked_work_tree_reads_its_own_index() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main");
        if git(dir.path(), &["init", "-q", "main"]).is_none() {
            eprintln!("git is not installed: skipping");
            return;
        }
        write(&main.join("a.nix"), "{ }\n");
        git(&main, &["add", "."]).unwrap();
        git(&main, &["commit", "-qm", "x"]).unwrap();
        let linked = dir.path().join("linked");
        git(&main, &["worktree", "add", "-q", linked.to_str().unwrap()]).unwrap();
        write(&linked.join("b.nix"), "{ }\n");
        git(&linked, &["add", "b.nix"]).unwrap();
        assert!(fs::symlink_metadata(linked.join(".git")).unwrap().is_file());
        let expected = listed(&linked);
        assert_eq!(expected.len(), 2);
        assert_eq!(ours(&linked), Some(expected));
    }

    /// What this reader does not know, it leaves to git: a split index, a SHA-256
    /// repository (unless it reads exactly as git lists it), a `.git` that is not a
    /// repository, a damaged index.
    #[test]
    fn what_is_not_known_is_left_to_git() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("split");
        if git(dir.path(), &["init", "-q", "split"]).is_none() {
            eprintln!("git is not installed: skipping");
            return;
        }
        write(&top.join("a.nix"), "{ }\n");
        git(&top, &["add", "."]).unwrap();
        git(&top, &["update-index", "--split-index"]).unwrap();
        assert_eq!(ours(&top), None, "split index");

        let top = dir.path().join("sha256");
        if git(
            dir.path(),
            &["init", "-q", "--object-format=sha256", "sha256"],
        )
        .is_some()
        {
            write(&top.join("a.nix"), "{ }\n");
            git(&top, &["add", "."]).unwrap();
            let ours = ours(&top);
            assert!(ours.is_none() || ours == Some(listed(&top)), "{ours:?}");
        }

        let top = dir.path().join("not-a-repository");
        fs::create_dir_all(top.join(".git")).unwrap();
        fs::write(top.join(".git/index"), b"DIRC").unwrap();
        assert_eq!(ours(&top), None, "no HEAD");

        let top = dir.path().join("damaged");
        git(dir.path(), &["init", "-q", "damaged"]).unwrap();
        write(&top.join("a.nix"), "{ }\n");
        write(&top.join("b.nix"), "{ }\n");
        git(&top, &["add", "."]).unwrap();
        let index = fs::read(top.join(".git/index")).unwrap();
        assert!(ours(&top).is_some());
        for len in [index.len() - 1, index.len() - 21, 80, 12, 3] {
            fs::write(top.join(".git/index"), &index[..len]).unwrap();
            assert_eq!(ours(&top), None, "cut at {len}");
        }
        let mut flipped = index.clone();
        flipped[12 + ENTRY_HEAD - 1] ^= 0x01; // the name length of the first entry
        fs::write(top.join(".git/index"), &flipped).unwrap();
        assert_eq!(ours(&top), None, "a wrong name length");
    }
}
