//! Lint findings in the cache: a compact binary encoding of a file's diagnostics, so a
//! warm `check`/`lint` reports a file with findings without parsing, formatting or linting
//! it again (it still reads the file, for line numbers and snippets).
//!
//! Layout (little-endian): `u64` fingerprint of the path as spelled in the run (messages
//! may name it), `u32` count, then per diagnostic: rule, `u8` severity, message, range,
//! `u32` label count + (range, message) each, `u8` 0/1 + help, `u8` 0/1 + fix
//! (`u8` applicability, message, `u32` edit count + (range, replacement) each).
//! Strings are `u32` length + UTF-8 bytes, ranges two `u64`.

use std::ops::Range;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use flakefmt::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};

use super::cache::Fingerprint;

fn path_key(path: &Path) -> u64 {
    Fingerprint::new().bytes(path.as_os_str().as_bytes()).key()
}

/// Encodes the findings of the file spelled `path`.
pub fn encode(path: &Path, diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut out = Writer(Vec::with_capacity(64 + diagnostics.len() * 128));
    out.u64(path_key(path));
    out.u32(diagnostics.len());
    for diagnostic in diagnostics {
        out.str(&diagnostic.rule);
        out.0.push(match diagnostic.severity {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        });
        out.str(&diagnostic.message);
        out.range(&diagnostic.range);
        out.u32(diagnostic.labels.len());
        for label in &diagnostic.labels {
            out.range(&label.range);
            out.str(&label.message);
        }
        match &diagnostic.help {
            Some(help) => {
                out.0.push(1);
                out.str(help);
            }
            None => out.0.push(0),
        }
        match &diagnostic.fix {
            Some(fix) => {
                out.0.push(1);
                out.0.push(match fix.applicability {
                    Applicability::Safe => 0,
                    Applicability::Unsafe => 1,
                });
                out.str(&fix.message);
                out.u32(fix.edits.len());
                for edit in &fix.edits {
                    out.range(&edit.range);
                    out.str(&edit.replacement);
                }
            }
            None => out.0.push(0),
        }
    }
    out.0
}

/// Decodes findings stored for the file spelled `path`; `None` when they were stored for
/// another spelling or are damaged (the file is then linted again).
pub fn decode(path: &Path, bytes: &[u8]) -> Option<Vec<Diagnostic>> {
    let mut reader = Reader(bytes);
    if reader.u64()? != path_key(path) {
        return None;
    }
    let count = reader.u32()?;
    // Never trust a count for an allocation: a diagnostic takes at least 30 bytes.
    let mut diagnostics = Vec::with_capacity(count.min(bytes.len() / 30));
    for _ in 0..count {
        let rule = reader.string()?;
        let severity = match reader.u8()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return None,
        };
        let message = reader.string()?;
        let range = reader.range()?;
        let mut labels = Vec::new();
        for _ in 0..reader.u32()? {
            let range = reader.range()?;
            labels.push(Label {
                range,
                message: reader.string()?,
            });
        }
        let help = match reader.u8()? {
            0 => None,
            1 => Some(reader.string()?),
            _ => return None,
        };
        let fix = match reader.u8()? {
            0 => None,
            1 => {
                let applicability = match reader.u8()? {
                    0 => Applicability::Safe,
                    1 => Applicability::Unsafe,
                    _ => return None,
                };
                let message = reader.string()?;
                let mut edits = Vec::new();
                for _ in 0..reader.u32()? {
                    let range = reader.range()?;
                    edits.push(Edit {
                        range,
                        replacement: reader.string()?,
                    });
                }
                Some(Fix {
                    applicability,
                    message,
                    edits,
                })
            }
            _ => return None,
        };
        diagnostics.push(Diagnostic {
            rule,
            severity,
            message,
            range,
            labels,
            help,
            fix,
        });
    }
    reader.0.is_empty().then_some(diagnostics)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, value: usize) {
        let value = u32::try_from(value).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn str(&mut self, text: &str) {
        self.u32(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    fn range(&mut self, range: &Range<usize>) {
        self.u64(range.start as u64);
        self.u64(range.end as u64);
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    fn u32(&mut self) -> Option<usize> {
        let bytes = self.take(4)?.try_into().ok()?;
        Some(u32::from_le_bytes(bytes) as usize)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<String> {
        let len = self.u32()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }

    fn range(&mut self) -> Option<Range<usize>> {
        let start = usize::try_from(self.u64()?).ok()?;
        let end = usize::try_from(self.u64()?).ok()?;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::new("sri_hash", Severity::Warning, "use SRI", 3..9)
                .with_help("write `sha256-…`")
                .with_fix(Fix {
                    applicability: Applicability::Safe,
                    message: "convert".into(),
                    edits: vec![Edit {
                        range: 3..9,
                        replacement: "\"sha256-é\"".into(),
                    }],
                }),
            Diagnostic {
                labels: vec![Label {
                    range: 0..1,
                    message: "first here".into(),
                }],
                ..Diagnostic::new("nix_mode", Severity::Error, "twice", 10..12)
            },
            Diagnostic::new("other", Severity::Info, "", 0..0),
        ]
    }

    #[test]
    fn round_trip() {
        let path = Path::new("./a/b.nix");
        let diagnostics = sample();
        let bytes = encode(path, &diagnostics);
        assert_eq!(decode(path, &bytes), Some(diagnostics));
        assert_eq!(decode(path, &encode(path, &[])), Some(Vec::new()));
    }

    #[test]
    fn another_spelling_or_damage_is_a_miss() {
        let bytes = encode(Path::new("a.nix"), &sample());
        assert_eq!(decode(Path::new("./a.nix"), &bytes), None);
        for cut in 0..bytes.len() {
            assert_eq!(
                decode(Path::new("a.nix"), &bytes[..cut]),
                None,
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(Path::new("a.nix"), &longer), None);
    }
}
