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
///
/// One `fstat` per file: the buffer is sized from the handle's metadata and filled through
/// a plain reader (`File::read_to_end` would ask the kernel for the size again, with an
/// `fstat` and an `lseek`, which is two system calls per file on a cold run).
pub fn read_all(path: &Path) -> io::Result<(Vec<u8>, fs::Metadata)> {
    let file = open(path)?;
    let metadata = file.metadata()?;
    // One byte more than the size, so a file that is exactly that long is read to its end
    // without the buffer growing.
    let capacity = usize::try_from(metadata.len())
        .unwrap_or(0)
        .saturating_add(1);
    let mut bytes = Vec::with_capacity(capacity);
    io::Read::read_to_end(&mut PlainReader(&file), &mut bytes)?;
    Ok((bytes, metadata))
}

/// A reader with the default `read_to_end` (no size queries: the caller sized the buffer).
struct PlainReader<'a>(&'a fs::File);

impl Read for PlainReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(&mut self.0, buf)
    }
}

/// How many files were opened for reading so far in this process.
pub fn opened() -> usize {
    OPENED.load(Ordering::Relaxed)
}
