//! The cache file on disk: an immutable hash table of self-checking records. Only its table
//! is read into memory (8 bytes per slot, two slots per record at most); a lookup probes it
//! and reads the one record it points to with a single `pread`. The file is written once,
//! to a temporary file renamed over the old one.
//!
//! Layout (integers little-endian, records and the table aligned to 8 bytes):
//! - header: `MAGIC`, `u32` format version, `u64` build fingerprint, `u32` generation,
//!   `u32` record count, `u32` log2 of the slot count, `u64` offset of the table, `u32` root
//!   length + root bytes, `u64` FNV-1a checksum of the header so far, padding;
//! - records, one after another: `u32` record length (up to its checksum), `u32` path
//!   length and the path's bytes, the stamp (`u64` size, `i64` and `u32` mtime, `i64` and
//!   `u32` ctime, `u32` mode), `u64` format key, `u64` lint key, `u32` generation, `u32`
//!   findings length and the findings, then the `u64` checksum of all of that, padding;
//! - the table, at the offset the header gives: `2^bits` slots of 8 bytes, the `u32` high
//!   half of the path's hash and the `u32` record offset / 8 (0: an empty slot). The low bits
//!   of the hash choose the first slot; open addressing, linear probing, at most half full.
//!
//! Every record carries its own checksum and its full path, so nothing read from the file
//! is trusted before it is checked: a damaged slot or record is a miss, never a wrong hit.
//! The header is checked when the file is opened; the file's length must match it.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::{FileStamp, Fingerprint};

/// The first bytes of every cache file.
pub const MAGIC: &[u8; 16] = b"flakefmt-cache\n\0";
/// Bumped whenever the layout changes.
pub const FORMAT_VERSION: u32 = 3;
/// Bytes per slot of the table.
const SLOT: usize = 8;
/// A record this long or longer is not believed (no file's findings come near it).
const MAX_RECORD: usize = 64 << 20;
/// The bytes of a record besides its path and findings.
const RECORD_FIXED: usize = 4 + 4 + 36 + 8 + 8 + 4 + 4 + 8;
/// A record's first read: most records (a path and no findings) fit.
const FIRST_READ: usize = 256;

/// The hash of a path key (never 0, which marks an empty slot).
pub fn path_hash(key: &[u8]) -> u64 {
    Fingerprint::new().bytes(key).key()
}

/// One file's knowledge, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The path key (relative to the root when inside it).
    pub path: Vec<u8>,
    /// The file's state when it was recorded.
    pub stamp: FileStamp,
    /// The format key it was clean under (0: none).
    pub format_key: u64,
    /// The lint key its findings belong to (0: none).
    pub lint_key: u64,
    /// The generation that last wrote or used it.
    pub generation: u32,
    /// Its findings under `lint_key` (empty: none).
    pub findings: Vec<u8>,
}

fn pad8(len: usize) -> usize {
    (len + 7) & !7
}

impl Record {
    /// Appends the record, checksum and padding included, to `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let len = RECORD_FIXED - 8 + self.path.len() + self.findings.len();
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(&(self.path.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.path);
        let stamp = &self.stamp;
        out.extend_from_slice(&stamp.size.to_le_bytes());
        out.extend_from_slice(&stamp.mtime.0.to_le_bytes());
        out.extend_from_slice(&stamp.mtime.1.to_le_bytes());
        out.extend_from_slice(&stamp.ctime.0.to_le_bytes());
        out.extend_from_slice(&stamp.ctime.1.to_le_bytes());
        out.extend_from_slice(&stamp.mode.to_le_bytes());
        out.extend_from_slice(&self.format_key.to_le_bytes());
        out.extend_from_slice(&self.lint_key.to_le_bytes());
        out.extend_from_slice(&self.generation.to_le_bytes());
        out.extend_from_slice(&(self.findings.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.findings);
        let checksum = Fingerprint::new().bytes(&out[start..]).key();
        out.extend_from_slice(&checksum.to_le_bytes());
        out.resize(start + pad8(len + 8), 0);
    }

    /// The length of the record starting `bytes` (checksum and padding included), from its
    /// first four bytes; `None` when it cannot be a record.
    fn stored_len(bytes: &[u8]) -> Option<usize> {
        let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        (RECORD_FIXED - 8..MAX_RECORD)
            .contains(&len)
            .then(|| pad8(len + 8))
    }

    /// Decodes and checks the record at the start of `bytes` (which holds at least
    /// [`Record::stored_len`] bytes); `None` when it is damaged.
    fn decode(bytes: &[u8]) -> Option<Record> {
        let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let body = bytes.get(..len)?;
        let checksum = u64::from_le_bytes(bytes.get(len..len + 8)?.try_into().ok()?);
        if Fingerprint::new().bytes(body).key() != checksum {
            return None;
        }
        let mut reader = Fields(&body[4..]);
        let path_len = reader.u32()? as usize;
        let path = reader.take(path_len)?.to_vec();
        let stamp = FileStamp {
            size: reader.u64()?,
            mtime: (reader.u64()? as i64, reader.u32()?),
            ctime: (reader.u64()? as i64, reader.u32()?),
            mode: reader.u32()?,
        };
        let format_key = reader.u64()?;
        let lint_key = reader.u64()?;
        let generation = reader.u32()?;
        let findings_len = reader.u32()? as usize;
        let findings = reader.take(findings_len)?.to_vec();
        reader.0.is_empty().then_some(Record {
            path,
            stamp,
            format_key,
            lint_key,
            generation,
            findings,
        })
    }
}

/// Reads little-endian fields, failing on a short buffer instead of panicking.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// What the header says.
#[derive(Debug, Clone, Copy)]
struct Header {
    generation: u32,
    count: u32,
    slot_bits: u32,
    table_offset: u64,
    /// Where the records start (the header's length, padded).
    records_start: u64,
}

fn encode_header(build: u64, root: &[u8], header: &Header) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + root.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&build.to_le_bytes());
    out.extend_from_slice(&header.generation.to_le_bytes());
    out.extend_from_slice(&header.count.to_le_bytes());
    out.extend_from_slice(&header.slot_bits.to_le_bytes());
    out.extend_from_slice(&header.table_offset.to_le_bytes());
    out.extend_from_slice(&(root.len() as u32).to_le_bytes());
    out.extend_from_slice(root);
    let checksum = Fingerprint::new().bytes(&out).key();
    out.extend_from_slice(&checksum.to_le_bytes());
    out.resize(pad8(out.len()), 0);
    out
}

/// The length of a header for a root of `root_len` bytes.
fn header_len(root_len: usize) -> u64 {
    pad8(HEADER_FIXED + root_len + 8) as u64
}

/// The header's bytes before the root.
const HEADER_FIXED: usize = 16 + 4 + 8 + 4 + 4 + 4 + 8 + 4;
/// A root longer than this is not believed (no path comes near it).
const MAX_ROOT: usize = 1 << 20;

/// A cache file opened for lookups.
#[derive(Debug)]
pub struct Table {
    file: File,
    header: Header,
    /// The slots: the hash's high half above the record offset / 8.
    slots: Vec<u64>,
}

/// What a lookup found: the record and its slot.
#[derive(Debug)]
pub struct Found {
    /// The slot that points to the record (for the run's "used" marks).
    pub slot: usize,
    /// The record.
    pub record: Record,
}

impl Table {
    /// Opens the cache file at `path` written by `build` for `root`. `Ok(None)`: there is
    /// none. `Err`: why it cannot be used (it is then ignored and replaced).
    pub fn open(path: &Path, build: u64, root: &[u8]) -> Result<Option<Table>, String> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("unreadable: {error}")),
        };
        let file_len = file
            .metadata()
            .map_err(|error| format!("unreadable: {error}"))?
            .len();
        let unreadable = |error: io::Error| format!("unreadable: {error}");
        let mut fixed = [0u8; HEADER_FIXED];
        let read = read_at_most(&file, &mut fixed, 0).map_err(unreadable)?;
        if !fixed[..read].starts_with(MAGIC) {
            return Err("not a flakefmt cache file".into());
        }
        if read < HEADER_FIXED {
            return Err("truncated".into());
        }
        let mut fields = Fields(&fixed[MAGIC.len()..]);
        // `fixed` holds every field (checked above): none of these can fail.
        let version = fields.u32().unwrap_or_default();
        let file_build = fields.u64().unwrap_or_default();
        let generation = fields.u32().unwrap_or_default();
        let count = fields.u32().unwrap_or_default();
        let slot_bits = fields.u32().unwrap_or_default();
        let table_offset = fields.u64().unwrap_or_default();
        let root_len = fields.u32().unwrap_or_default() as usize;
        if version != FORMAT_VERSION {
            return Err("written in another format version".into());
        }
        // The checksum first: a damaged header says nothing reliable.
        let records_start = header_len(root_len);
        if root_len > MAX_ROOT || records_start > file_len {
            return Err("truncated".into());
        }
        let mut head = vec![0; records_start as usize];
        file.read_exact_at(&mut head, 0).map_err(unreadable)?;
        let checked = HEADER_FIXED + root_len;
        let stored_checksum =
            u64::from_le_bytes(head[checked..checked + 8].try_into().unwrap_or_default());
        if Fingerprint::new().bytes(&head[..checked]).key() != stored_checksum {
            return Err("corrupt (checksum mismatch)".into());
        }
        if file_build != build {
            return Err("written by another build of flakefmt".into());
        }
        if &head[HEADER_FIXED..checked] != root {
            return Err("belongs to another project root".into());
        }
        let header = Header {
            generation,
            count,
            slot_bits,
            table_offset,
            records_start,
        };
        let slots = 1u64.checked_shl(slot_bits).filter(|_| slot_bits < 32);
        let fits = slots.is_some_and(|slots| {
            table_offset % 8 == 0
                && table_offset >= header.records_start
                && u64::from(count) <= slots / 2
                && table_offset.checked_add(slots * SLOT as u64) == Some(file_len)
        });
        if !fits {
            return Err("truncated".into());
        }
        // Read through a small buffer: the table is held once, as slots.
        let slot_count = 1usize << slot_bits;
        let mut slots = Vec::with_capacity(slot_count);
        let mut chunk = vec![0u8; SLOT * 8192];
        let mut at = table_offset;
        while slots.len() < slot_count {
            let want = ((slot_count - slots.len()) * SLOT).min(chunk.len());
            file.read_exact_at(&mut chunk[..want], at)
                .map_err(unreadable)?;
            at += want as u64;
            slots.extend(chunk[..want].chunks_exact(SLOT).map(|slot| {
                let check = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
                let offset8 = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
                (u64::from(check) << 32) | u64::from(offset8)
            }));
        }
        Ok(Some(Table {
            file,
            header,
            slots,
        }))
    }

    /// The generation that wrote the file.
    pub fn generation(&self) -> u32 {
        self.header.generation
    }

    /// How many records the file holds.
    #[cfg(test)]
    pub fn count(&self) -> u32 {
        self.header.count
    }

    /// How many slots the table has.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The slots that may point to a record of `hash`, in probing order, with the record
    /// offsets they hold.
    fn candidates(&self, hash: u64) -> impl Iterator<Item = (usize, u64)> + '_ {
        let mask = self.slots.len() - 1;
        let start = (hash as usize) & mask;
        let check = hash >> 32;
        (0..self.slots.len())
            .map(move |step| (start + step) & mask)
            .map(|index| (index, self.slots[index]))
            .take_while(|&(_, slot)| slot & 0xffff_ffff != 0)
            .filter(move |&(_, slot)| slot >> 32 == check)
            .map(|(index, slot)| (index, (slot & 0xffff_ffff) * 8))
    }

    /// The record of `key` (whose [`path_hash`] is `hash`), if the file holds an intact one.
    /// A damaged record is skipped (and `damaged` set): never a wrong answer.
    pub fn get(&self, key: &[u8], hash: u64, damaged: &mut bool) -> Option<Found> {
        for (slot, at) in self.candidates(hash) {
            match self.record_at(at) {
                Some(record) if record.path == key => return Some(Found { slot, record }),
                Some(_) => {}
                None => *damaged = true,
            }
        }
        None
    }

    /// The slot that points to the record at byte `at` of path hash `hash`.
    pub fn slot_of(&self, hash: u64, at: u64) -> Option<usize> {
        self.candidates(hash)
            .find(|&(_, candidate)| candidate == at)
            .map(|(slot, _)| slot)
    }

    /// The record at byte `at`, if it lies among the records and is intact.
    fn record_at(&self, at: u64) -> Option<Record> {
        let end = self.header.table_offset;
        if at < self.header.records_start || at >= end {
            return None;
        }
        let available = usize::try_from(end - at).ok()?;
        let mut first = [0u8; FIRST_READ];
        let first = &mut first[..FIRST_READ.min(available)];
        self.file.read_exact_at(first, at).ok()?;
        let len = Record::stored_len(first)?;
        if len > available {
            return None;
        }
        if len <= first.len() {
            return Record::decode(&first[..len]);
        }
        let mut whole = vec![0; len];
        self.file.read_exact_at(&mut whole, at).ok()?;
        Record::decode(&whole)
    }

    /// The intact records in file order with their offsets, read sequentially through a
    /// small buffer.
    pub fn records(&self) -> Records<'_> {
        let mut reader = BufReader::with_capacity(64 << 10, &self.file);
        let ok = reader
            .seek(SeekFrom::Start(self.header.records_start))
            .is_ok();
        Records {
            reader,
            at: self.header.records_start,
            end: if ok {
                self.header.table_offset
            } else {
                self.header.records_start
            },
            buffer: Vec::new(),
        }
    }
}

/// Reads up to `buf.len()` bytes at `offset`; returns how many (fewer only at the end).
fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(done)
}

/// See [`Table::records`].
pub struct Records<'a> {
    reader: BufReader<&'a File>,
    at: u64,
    end: u64,
    buffer: Vec<u8>,
}

impl Iterator for Records<'_> {
    type Item = (u64, Record);

    fn next(&mut self) -> Option<(u64, Record)> {
        while self.at < self.end {
            let mut len_bytes = [0u8; 4];
            self.reader.read_exact(&mut len_bytes).ok()?;
            let len = Record::stored_len(&len_bytes)?;
            if len as u64 > self.end - self.at {
                self.at = self.end;
                return None;
            }
            self.buffer.clear();
            self.buffer.extend_from_slice(&len_bytes);
            self.buffer.resize(len, 0);
            self.reader.read_exact(&mut self.buffer[4..]).ok()?;
            let at = self.at;
            self.at += len as u64;
            // A damaged record is passed over by its length: if that was the damaged part,
            // what follows fails its checksums too, and is passed over or ends the stream.
            if let Some(record) = Record::decode(&self.buffer) {
                return Some((at, record));
            }
        }
        None
    }
}

/// A new cache file being written: records are appended as they come (nothing is kept in
/// memory but 12 bytes per record for the table), then [`Writer::finish`] writes the table
/// and the header and renames it into place. Dropped unfinished, it removes itself.
#[derive(Debug)]
pub struct Writer {
    temporary: PathBuf,
    out: Option<BufWriter<File>>,
    build: u64,
    root: Vec<u8>,
    generation: u32,
    at: u64,
    /// Per record in order: its path hash and offset / 8.
    placed: Vec<(u64, u32)>,
    scratch: Vec<u8>,
}

impl Writer {
    /// Starts a new cache file in `dir` (created if needed).
    pub fn create(
        dir: &Path,
        name: &str,
        build: u64,
        root: &[u8],
        generation: u32,
    ) -> io::Result<Writer> {
        std::fs::create_dir_all(dir)?;
        let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&temporary)?;
        let mut writer = Writer {
            temporary,
            out: Some(BufWriter::with_capacity(64 << 10, file)),
            build,
            root: root.to_vec(),
            generation,
            at: 0,
            placed: Vec::new(),
            scratch: Vec::new(),
        };
        // The real header is written by `finish`; until then the file is not a cache.
        let placeholder = vec![0; header_len(root.len()) as usize];
        writer.write(&placeholder)?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| io::Error::other("finished"))?;
        out.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    /// The path hashes added so far, sorted (for telling superseded old records).
    pub fn sorted_hashes(&self) -> Vec<u64> {
        let mut hashes: Vec<u64> = self.placed.iter().map(|&(hash, _)| hash).collect();
        hashes.sort_unstable();
        hashes
    }

    /// Appends a record. Past what the layout can address (4 G records or 32 GiB) records
    /// are dropped: a cache that forgets is still right.
    pub fn push(&mut self, record: &Record) -> io::Result<()> {
        let Ok(offset8) = u32::try_from(self.at / 8) else {
            return Ok(());
        };
        if self.placed.len() >= (u32::MAX / 4) as usize {
            return Ok(());
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        record.encode(&mut scratch);
        let written = self.write(&scratch);
        self.scratch = scratch;
        written?;
        self.placed.push((path_hash(&record.path), offset8));
        Ok(())
    }

    /// Writes the table and the header and renames the file to `path`. Temporary files
    /// of the same name left by runs that were killed (not touched for [`STALE`]) are
    /// removed.
    pub fn finish(mut self, path: &Path) -> io::Result<()> {
        if let Some(dir) = self.temporary.parent() {
            remove_stale(dir, &self.temporary);
        }
        let count = self.placed.len();
        // At most half full: short probes, and an empty slot always ends one.
        let slot_bits = (count.max(8) * 2).next_power_of_two().trailing_zeros();
        let slots = 1usize << slot_bits;
        let mut table = vec![0u8; slots * SLOT];
        for &(hash, offset8) in &self.placed {
            let mut index = (hash as usize) & (slots - 1);
            while table[index * SLOT + 4..index * SLOT + 8] != [0; 4] {
                index = (index + 1) & (slots - 1);
            }
            let slot = &mut table[index * SLOT..(index + 1) * SLOT];
            slot[..4].copy_from_slice(&((hash >> 32) as u32).to_le_bytes());
            slot[4..].copy_from_slice(&offset8.to_le_bytes());
        }
        let table_offset = self.at;
        self.write(&table)?;
        drop(table);
        let header = Header {
            generation: self.generation,
            count: count as u32,
            slot_bits,
            table_offset,
            records_start: header_len(self.root.len()),
        };
        let header = encode_header(self.build, &self.root, &header);
        let mut out = self
            .out
            .take()
            .ok_or_else(|| io::Error::other("finished"))?;
        out.seek(SeekFrom::Start(0))?;
        out.write_all(&header)?;
        out.into_inner().map_err(|error| error.into_error())?;
        std::fs::rename(&self.temporary, path)
    }
}

/// A temporary file not written to for this long belongs to a run that was killed.
pub const STALE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes from `dir` the temporary files of killed runs (named like `own`, which is kept).
fn remove_stale(dir: &Path, own: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let temporary = name.starts_with('.') && name.ends_with(".tmp");
        if !temporary || path == own {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .is_ok_and(|modified| modified + STALE < now);
        if stale {
            let _ = std::fs::remove_file(&path);
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.out.is_some() {
            self.out = None;
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(size: u64) -> FileStamp {
        FileStamp {
            size,
            mtime: (1_700_000_000, 5),
            ctime: (1_700_000_001, 6),
            mode: 0o100644,
        }
    }

    fn record(path: &str, findings: &[u8]) -> Record {
        Record {
            path: path.as_bytes().to_vec(),
            stamp: stamp(path.len() as u64),
            format_key: 42,
            lint_key: 7,
            generation: 3,
            findings: findings.to_vec(),
        }
    }

    #[test]
    fn records_round_trip_and_every_flip_is_caught() {
        let original = record("dir/a.nix", b"some findings");
        let mut bytes = Vec::new();
        original.encode(&mut bytes);
        assert_eq!(bytes.len() % 8, 0);
        assert_eq!(Record::stored_len(&bytes), Some(bytes.len()));
        assert_eq!(Record::decode(&bytes), Some(original.clone()));
        let unpadded = RECORD_FIXED + original.path.len() + original.findings.len();
        for index in 0..unpadded {
            let mut bad = bytes.clone();
            bad[index] ^= 0x20;
            let decoded = Record::stored_len(&bad)
                .filter(|&len| len <= bad.len())
                .and_then(|len| Record::decode(&bad[..len]));
            assert_eq!(decoded, None, "flip at {index}");
        }
    }

    #[test]
    fn a_table_finds_every_record_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("files.bin");
        let mut writer = Writer::create(dir.path(), "files.bin", 9, b"/root", 4).unwrap();
        let names: Vec<String> = (0..5000).map(|i| format!("d{}/f{i}.nix", i % 7)).collect();
        for (i, name) in names.iter().enumerate() {
            let findings = if i % 50 == 0 {
                vec![b'x'; 400]
            } else {
                Vec::new()
            };
            writer.push(&record(name, &findings)).unwrap();
        }
        writer.finish(&file).unwrap();
        let table = Table::open(&file, 9, b"/root").unwrap().unwrap();
        assert_eq!((table.count(), table.generation()), (5000, 4));
        // More slots than one read of the table holds.
        assert!(table.slot_count() > 8192);
        let mut damaged = false;
        let mut slots = std::collections::HashSet::new();
        for (i, name) in names.iter().enumerate() {
            let found = table.get(name.as_bytes(), path_hash(name.as_bytes()), &mut damaged);
            let found = found.unwrap();
            assert!(slots.insert(found.slot));
            assert_eq!(found.record.path, name.as_bytes());
            assert_eq!(
                found.record.findings.len(),
                if i % 50 == 0 { 400 } else { 0 }
            );
        }
        for missing in ["d0/f1.nix", "elsewhere.nix", ""] {
            let hash = path_hash(missing.as_bytes());
            assert!(table.get(missing.as_bytes(), hash, &mut damaged).is_none());
        }
        // A slot whose hash matches but whose record has another path is no answer.
        let other = names[1].as_bytes();
        assert!(
            table
                .get(b"d0/f0.nix-not", path_hash(other), &mut damaged)
                .is_none()
        );
        assert!(!damaged);
        let streamed: Vec<_> = table.records().collect();
        assert_eq!(streamed.len(), 5000);
        for (i, (at, record)) in streamed.iter().enumerate() {
            assert_eq!(record.path, names[i].as_bytes());
            let found = table.get(&record.path, path_hash(&record.path), &mut damaged);
            assert_eq!(
                table.slot_of(path_hash(&record.path), *at),
                Some(found.unwrap().slot)
            );
        }
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    /// Damage of every kind (bytes flipped or overwritten in runs, garbage spliced in,
    /// the file cut or extended) never makes the file answer what was not written: a
    /// record found or streamed is always one of those written, whole. And nothing panics.
    #[test]
    fn a_damaged_file_never_answers_what_was_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("files.bin");
        let mut writer = Writer::create(dir.path(), "files.bin", 9, b"/root", 2).unwrap();
        let written: Vec<Record> = (0..60)
            .map(|i| {
                let findings = if i % 7 == 0 {
                    vec![i as u8; 300]
                } else {
                    Vec::new()
                };
                Record {
                    path: format!("dir{}/file{i}.nix", i % 5).into_bytes(),
                    stamp: stamp(i),
                    format_key: 1000 + i,
                    lint_key: 2000 + i,
                    generation: 2,
                    findings,
                }
            })
            .collect();
        for record in &written {
            writer.push(record).unwrap();
        }
        writer.finish(&file).unwrap();
        let good = std::fs::read(&file).unwrap();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound.max(1) as u64) as usize
        };
        let (mut opened, mut found) = (0, 0);
        for _ in 0..1500 {
            let mut bad = good.clone();
            for _ in 0..1 + next(4) {
                let at = next(bad.len());
                match next(5) {
                    0 => bad[at] ^= 1 << next(8),
                    1 => {
                        let end = (at + 1 + next(24)).min(bad.len());
                        for byte in &mut bad[at..end] {
                            *byte = next(256) as u8;
                        }
                    }
                    2 => {
                        let garbage: Vec<u8> = (0..1 + next(40)).map(|_| next(256) as u8).collect();
                        bad.splice(at..at, garbage);
                    }
                    3 => bad.truncate(at),
                    _ => {
                        let from = next(good.len());
                        let end = (from + 8 + next(64)).min(good.len());
                        bad.splice(at..at, good[from..end].iter().copied());
                    }
                }
            }
            std::fs::write(&file, &bad).unwrap();
            let Ok(Some(table)) = Table::open(&file, 9, b"/root") else {
                continue;
            };
            opened += 1;
            let mut damaged = false;
            for record in &written {
                if let Some(hit) = table.get(&record.path, path_hash(&record.path), &mut damaged) {
                    assert_eq!(&hit.record, record);
                    found += 1;
                }
            }
            for (_, streamed) in table.records() {
                assert!(written.contains(&streamed), "{streamed:?}");
            }
        }
        // The damage was not all caught at the door: lookups did meet it.
        assert!(
            opened > 100 && found > 1000,
            "{opened} opened, {found} found"
        );
    }

    #[test]
    fn a_damaged_record_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("files.bin");
        let mut writer = Writer::create(dir.path(), "files.bin", 9, b"/r", 1).unwrap();
        for name in ["a.nix", "b.nix", "c.nix"] {
            writer.push(&record(name, b"")).unwrap();
        }
        writer.finish(&file).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.windows(5).position(|w| w == b"b.nix").unwrap();
        bytes[at] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let table = Table::open(&file, 9, b"/r").unwrap().unwrap();
        let streamed: Vec<_> = table.records().map(|(_, r)| r.path).collect();
        assert_eq!(streamed, vec![b"a.nix".to_vec(), b"c.nix".to_vec()]);
        let mut damaged = false;
        assert!(
            table
                .get(b"b.nix", path_hash(b"b.nix"), &mut damaged)
                .is_none()
        );
        assert!(damaged);
        assert!(
            table
                .get(b"c.nix", path_hash(b"c.nix"), &mut damaged)
                .is_some()
        );
    }

    #[test]
    fn temporary_files_of_killed_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = |name: &str, age: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, "left over").unwrap();
            let file = File::options().write(true).open(&path).unwrap();
            let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
            file.set_modified(when).unwrap();
            path
        };
        let killed = old(".files.bin.1.tmp", STALE.as_secs() + 60);
        let running = old(".files.bin.2.tmp", 60);
        let other = old("notes.txt", STALE.as_secs() + 60);
        let mut writer = Writer::create(dir.path(), "files.bin", 9, b"/r", 1).unwrap();
        writer.push(&record("a.nix", b"")).unwrap();
        writer.finish(&dir.path().join("files.bin")).unwrap();
        assert!(!killed.exists());
        assert!(running.exists() && other.exists());
        assert!(dir.path().join("files.bin").exists());
    }

    #[test]
    fn an_unfinished_writer_removes_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::create(dir.path(), "files.bin", 9, b"/root", 1).unwrap();
        writer.push(&record("a.nix", b"")).unwrap();
        drop(writer);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
