//! SARIF 2.1.0: one run, the rules that fired described in `tool.driver.rules`, one result
//! per finding with its region (columns in Unicode code points, as declared), fixes as
//! `fixes` with replacements.

use serde_json::{Value, json};

use super::{FileReport, span};
use crate::diagnostic::{LineIndex, Severity};
use crate::lint::registry;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference (forward slashes, spaces and `%` escaped).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    out
}

fn region(index: &LineIndex, source: &str, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = index.line_col(source, range.start);
    let (end_line, end_column) = index.line_col(source, range.end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "charOffset": range.start,
        "charLength": range.end.saturating_sub(range.start),
    })
}

pub(super) fn render(files: &[FileReport<'_>]) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    for diagnostic in files.iter().flat_map(|file| file.diagnostics) {
        if !rule_ids.contains(&diagnostic.rule.as_str()) {
            rule_ids.push(&diagnostic.rule);
        }
    }
    rule_ids.sort_unstable();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| match registry::find(id) {
            Some(rule) => {
                let meta = rule.meta();
                json!({
                    "id": meta.name,
                    "name": meta.name,
                    "shortDescription": { "text": meta.summary },
                    "defaultConfiguration": { "level": level(meta.severity) },
                    "properties": { "code": meta.code },
                })
            }
            None => json!({ "id": id, "name": id }),
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        let index = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            let position = span(&index, file.source, diagnostic);
            let mut region = region(&index, file.source, &diagnostic.range);
            if diagnostic.range.is_empty() && diagnostic.range.start == 0 {
                // A finding about the whole file: line 1, column 1.
                region = json!({ "startLine": position.line, "startColumn": position.column });
            }
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": diagnostic.rule,
                "ruleIndex": rule_ids.iter().position(|id| *id == diagnostic.rule),
                "level": level(diagnostic.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(file.path), "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
            });
            if !diagnostic.labels.is_empty() {
                result["relatedLocations"] = diagnostic
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(id, label)| {
                        json!({
                            "id": id,
                            "message": { "text": label.message },
                            "physicalLocation": {
                                "artifactLocation": { "uri": uri(file.path), "uriBaseId": "%SRCROOT%" },
                                "region": self::region(&index, file.source, &label.range),
                            }
                        })
                    })
                    .collect();
            }
            if let Some(fix) = diagnostic.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": self::region(&index, file.source, &edit.range),
                            "insertedContent": { "text": edit.replacement },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": fix.message },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(file.path), "uriBaseId": "%SRCROOT%" },
                        "replacements": replacements,
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "flakefmt",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/flakefmt/flakefmt",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "./" } },
            "results": results,
        }],
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
    fn sarif_run_with_rules_results_and_fixes() {
        let diagnostics = sample();
        let out = render(&[FileReport {
            path: "dir name/a.nix",
            source: SOURCE,
            diagnostics: &diagnostics,
        }]);
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["version"], "2.1.0");
        let run = &value["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "flakefmt");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "sri_hash");
        assert_eq!(
            rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "sri_hash"
        );
        assert_eq!(result["level"], "error");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "dir%20name/a.nix");
        assert_eq!(location["region"]["startLine"], 2);
        assert_eq!(location["region"]["startColumn"], 12);
        assert_eq!(
            result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
            "\"sha256-x\""
        );
        let whole_file = &run["results"][1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(whole_file["startLine"], 1);
        assert_eq!(whole_file["startColumn"], 1);
    }
}
