//! One JSON document for the whole run:
//!
//! ```json
//! { "version": 1,
//!   "summary": { "files": 1, "errors": 1, "warnings": 0, "infos": 0 },
//!   "diagnostics": [ { "path": "a.nix", "rule": "sri_hash", "code": "FF101",
//!       "severity": "error", "message": "...",
//!       "start": { "line": 2, "column": 12, "offset": 13 }, "end": { ... },
//!       "labels": [ { "message": "...", "start": ..., "end": ... } ],
//!       "help": "..." | null,
//!       "fix": { "applicability": "safe", "message": "...",
//!                "edits": [ { "start": ..., "end": ..., "replacement": "..." } ] } | null } ] }
//! ```

use serde_json::{Value, json};

use super::{FileReport, counts};
use crate::diagnostic::{Applicability, LineIndex};
use crate::lint::registry;

fn point(index: &LineIndex, source: &str, offset: usize) -> Value {
    let (line, column) = index.line_col(source, offset);
    json!({ "line": line, "column": column, "offset": offset })
}

pub(super) fn render(files: &[FileReport<'_>]) -> String {
    let mut diagnostics = Vec::new();
    for file in files {
        let index = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            let labels: Vec<Value> = diagnostic
                .labels
                .iter()
                .map(|label| {
                    json!({
                        "message": label.message,
                        "start": point(&index, file.source, label.range.start),
                        "end": point(&index, file.source, label.range.end),
                    })
                })
                .collect();
            let fix = diagnostic.fix.as_ref().map(|fix| {
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "start": point(&index, file.source, edit.range.start),
                            "end": point(&index, file.source, edit.range.end),
                            "replacement": edit.replacement,
                        })
                    })
                    .collect();
                json!({
                    "applicability": match fix.applicability {
                        Applicability::Safe => "safe",
                        Applicability::Unsafe => "unsafe",
                    },
                    "message": fix.message,
                    "edits": edits,
                })
            });
            let code = registry::find(&diagnostic.rule).map(|rule| rule.meta().code);
            diagnostics.push(json!({
                "path": file.path,
                "rule": diagnostic.rule,
                "code": code,
                "severity": diagnostic.severity.as_str(),
                "message": diagnostic.message,
                "start": point(&index, file.source, diagnostic.range.start),
                "end": point(&index, file.source, diagnostic.range.end),
                "labels": labels,
                "help": diagnostic.help,
                "fix": fix,
            }));
        }
    }
    let (errors, warnings, infos) = counts(files);
    let document = json!({
        "version": 1,
        "summary": {
            "files": files.len(),
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
        },
        "diagnostics": diagnostics,
    });
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialise");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SOURCE, sample};
    use super::*;

    #[test]
    fn one_document_with_positions_and_fixes() {
        let diagnostics = sample();
        let out = render(&[
            FileReport {
                path: "a.nix",
                source: SOURCE,
                diagnostics: &diagnostics,
            },
            FileReport {
                path: "b.nix",
                source: "",
                diagnostics: &[],
            },
        ]);
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["summary"]["files"], 2);
        assert_eq!(value["summary"]["errors"], 1);
        assert_eq!(value["summary"]["warnings"], 1);
        let first = &value["diagnostics"][0];
        assert_eq!(first["rule"], "sri_hash");
        assert_eq!(first["code"], "FF101");
        assert_eq!(first["start"]["line"], 2);
        assert_eq!(first["start"]["column"], 12);
        assert_eq!(first["fix"]["applicability"], "safe");
        assert_eq!(first["fix"]["edits"][0]["replacement"], "\"sha256-x\"");
        assert_eq!(first["labels"][0]["message"], "this key");
        assert_eq!(value["diagnostics"][1]["fix"], Value::Null);
    }
}
