//! Reading files' contents. Every open of a file's content goes through here and is
//! counted, so `--verbose` can say how many files a run read (a warm run over an unchanged
//! tree reads none: the cache answers from `stat` alone).

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

static OPENED: AtomicUsize = AtomicUsize::new(0);

/// Opens `path` for reading its content (counted).
pub fn open(path: &Path) -> io::Result<fs::File> {
    OPENED.fetch_add(1, Ordering::Relaxed);
    fs::File::open(path)
}

/// Reads the whole file, with the metadata of the handle it was read through (the state
/// the content belongs to, for the cache and the safe write).
pub fn read_all(path: &Path) -> io::Result<(Vec<u8>, fs::Metadata)> {
    let mut file = open(path)?;
    let metadata = file.metadata()?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok((bytes, metadata))
}

/// How many files were opened for reading so far in this process.
pub fn opened() -> usize {
    OPENED.load(Ordering::Relaxed)
}
