//! Safe writes: nothing is lost, nothing is left half-written.
//!
//! The new content goes to a temporary file in the same directory (so the rename is
//! atomic), gets the original's permission bits, is flushed to disk, and replaces the
//! original by a rename, but only if the original still holds what was read: if it
//! changed while it was being formatted, it is left alone. Symlinks are never written
//! through. On any error the temporary file is removed.

use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::path::Path;

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file changed on disk since it was read; it was left as it is now.
    ChangedOnDisk,
    /// The path is (now) a symlink; flakefmt never writes through one.
    Symlink,
    /// An IO error.
    Io(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ChangedOnDisk => f.write_str(
                "the file changed on disk while it was being formatted; left it as it is",
            ),
            WriteError::Symlink => f.write_str("refusing to write through a symlink"),
            WriteError::Io(error) => write!(f, "could not write: {error}"),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(error: io::Error) -> Self {
        WriteError::Io(error)
    }
}

/// Replaces the content of `path` with `new`, given the bytes and metadata it had when
/// it was read.
pub fn write_atomically(
    path: &Path,
    original: &[u8],
    original_metadata: &Metadata,
    new: &str,
) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".flakefmt-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(new.as_bytes())?;
    temp.as_file()
        .set_permissions(original_metadata.permissions())?;
    temp.as_file().sync_all()?;

    // The last moment before the rename: is the file still what we formatted?
    let current = fs::symlink_metadata(path)?;
    if current.file_type().is_symlink() {
        return Err(WriteError::Symlink);
    }
    if current.modified().ok() != original_metadata.modified().ok()
        || current.len() != original_metadata.len()
        || fs::read(path)? != original
    {
        return Err(WriteError::ChangedOnDisk);
    }
    temp.persist(path)
        .map_err(|error| WriteError::Io(error.error))?;
    // Make the rename itself durable; failing to is not worth an error.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_names(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".flakefmt-"))
            .collect()
    }

    #[test]
    fn replaces_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x=1\n").unwrap();
        let metadata = fs::metadata(&path).unwrap();
        write_atomically(&path, b"x=1\n", &metadata, "x = 1\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 1\n");
        assert!(temp_names(dir.path()).is_empty());
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x=1\n").unwrap();
        let metadata = fs::metadata(&path).unwrap();
        // Someone (an editor) saves the file while it is being formatted.
        fs::write(&path, "x=2\n").unwrap();
        let error = write_atomically(&path, b"x=1\n", &metadata, "x = 1\n").unwrap_err();
        assert!(matches!(error, WriteError::ChangedOnDisk), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "x=2\n");
        assert!(temp_names(dir.path()).is_empty(), "temp file removed");
    }

    #[test]
    fn never_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.py");
        let link = dir.path().join("link.py");
        fs::write(&target, "x=1\n").unwrap();
        let metadata = fs::metadata(&target).unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = write_atomically(&link, b"x=1\n", &metadata, "x = 1\n").unwrap_err();
        assert!(matches!(error, WriteError::Symlink), "{error}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "x=1\n");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
