//! Applying fixes: byte-range edits, only when they do not overlap, repeated until nothing
//! changes; a result that no longer parses is not kept (the fix is dropped and reported).

use std::ops::Range;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::language::Language;
use crate::lint::engine::{FileInput, Linter};
use crate::nix::{self, NixFormatOptions};

/// The result of one round of [`apply_fixes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// The source with the applied fixes.
    pub source: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// Findings whose fix was not applied because the result would not parse (or whose
    /// edits were malformed).
    pub dropped: Vec<Diagnostic>,
}

/// Whether a fix of `diagnostic` is wanted: present, with edits, safe unless unsafe fixes
/// are allowed.
fn wanted(diagnostic: &Diagnostic, allow_unsafe: bool) -> bool {
    diagnostic.fix.as_ref().is_some_and(|fix| {
        !fix.edits.is_empty() && (allow_unsafe || fix.applicability == Applicability::Safe)
    })
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

fn well_formed(source: &str, diagnostic: &Diagnostic) -> bool {
    let Some(fix) = &diagnostic.fix else {
        return false;
    };
    let in_bounds = fix.edits.iter().all(|edit| {
        edit.range.start <= edit.range.end
            && edit.range.end <= source.len()
            && source.is_char_boundary(edit.range.start)
            && source.is_char_boundary(edit.range.end)
    });
    let disjoint = fix.edits.iter().enumerate().all(|(i, a)| {
        fix.edits[i + 1..]
            .iter()
            .all(|b| !overlaps(&a.range, &b.range))
    });
    in_bounds && disjoint
}

/// Applies the edits of `fixes` (assumed well formed and mutually non-overlapping).
fn splice(source: &str, fixes: &[&Diagnostic]) -> String {
    let mut edits: Vec<_> = fixes
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .flat_map(|fix| fix.edits.iter())
        .collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&source[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// Whether `text` still parses as `language`. Nix is checked with rnix, shell scripts with
/// tree-sitter-bash; other languages are not re-checked.
pub fn still_parses(language: Option<Language>, text: &str) -> bool {
    match language {
        Some(Language::Nix) => nix::parse::parse(text).is_ok(),
        Some(Language::Shell) => crate::lint::shell::bash::parses_cleanly(text),
        _ => true,
    }
}

/// One round: applies every wanted fix that does not overlap an earlier one (by position).
/// Fixes left out for overlapping are neither applied nor dropped: the next round, after a
/// new lint, gets them. If the combined result does not parse, each fix is tried alone and
/// the ones that break the parse are dropped.
pub fn apply_fixes(
    source: &str,
    diagnostics: &[Diagnostic],
    allow_unsafe: bool,
    language: Option<Language>,
) -> FixOutcome {
    let mut dropped = Vec::new();
    let mut candidates: Vec<&Diagnostic> = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| wanted(d, allow_unsafe)) {
        if well_formed(source, diagnostic) {
            candidates.push(diagnostic);
        } else {
            dropped.push(diagnostic.clone());
        }
    }
    candidates.sort_by_key(|diagnostic| {
        let fix = diagnostic.fix.as_ref().expect("candidates have fixes");
        fix.edits.iter().map(|edit| edit.range.start).min()
    });
    let mut chosen: Vec<&Diagnostic> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    for diagnostic in candidates {
        let fix = diagnostic.fix.as_ref().expect("candidates have fixes");
        if fix
            .edits
            .iter()
            .any(|edit| taken.iter().any(|range| overlaps(range, &edit.range)))
        {
            continue;
        }
        taken.extend(fix.edits.iter().map(|edit| edit.range.clone()));
        chosen.push(diagnostic);
    }
    let combined = splice(source, &chosen);
    if chosen.is_empty() || still_parses(language, &combined) {
        return FixOutcome {
            source: combined,
            applied: chosen.len(),
            dropped,
        };
    }
    let mut good = Vec::new();
    for diagnostic in chosen {
        if still_parses(language, &splice(source, &[diagnostic])) {
            good.push(diagnostic);
        } else {
            dropped.push(diagnostic.clone());
        }
    }
    let combined = splice(source, &good);
    if still_parses(language, &combined) {
        FixOutcome {
            source: combined,
            applied: good.len(),
            dropped,
        }
    } else {
        dropped.extend(good.into_iter().cloned());
        FixOutcome {
            source: source.to_string(),
            applied: 0,
            dropped,
        }
    }
}

/// The result of fixing a file to a fixed point.
#[derive(Debug, Clone)]
pub struct FixResult {
    /// The fixed (and, for Nix, formatted) source.
    pub source: String,
    /// How many fixes were applied in all rounds.
    pub applied: usize,
    /// Findings whose fix had to be dropped (each reported once).
    pub dropped: Vec<Diagnostic>,
    /// The findings left in the fixed source.
    pub remaining: Vec<Diagnostic>,
}

/// How many lint-and-fix rounds run at most.
const MAX_ROUNDS: usize = 10;

impl Linter<'_> {
    /// Lints and fixes `input` until nothing changes (at most ten rounds). A Nix file that
    /// changed is formatted again with `format` (when given) so fixing never leaves it
    /// unformatted. File-level fixes (modes) are not text edits: they stay in `remaining`
    /// for the CLI.
    pub fn fix(
        &self,
        input: &FileInput<'_>,
        allow_unsafe: bool,
        format: Option<&NixFormatOptions>,
    ) -> FixResult {
        let mut source = input.source.to_string();
        let mut applied = 0;
        let mut dropped: Vec<Diagnostic> = Vec::new();
        let mut diagnostics = self.lint(input);
        for _ in 0..MAX_ROUNDS {
            let outcome = apply_fixes(&source, &diagnostics, allow_unsafe, input.language);
            for diagnostic in outcome.dropped {
                if !dropped
                    .iter()
                    .any(|d| d.rule == diagnostic.rule && d.message == diagnostic.message)
                {
                    dropped.push(diagnostic);
                }
            }
            if outcome.applied == 0 {
                break;
            }
            applied += outcome.applied;
            source = outcome.source;
            diagnostics = self.relint(input, &source);
        }
        if applied > 0
            && input.language == Some(Language::Nix)
            && let Some(options) = format
            && let Ok(formatted) = nix::format_source(&source, options)
            && formatted != source
        {
            source = formatted;
            diagnostics = self.relint(input, &source);
        }
        FixResult {
            source,
            applied,
            dropped,
            remaining: diagnostics,
        }
    }

    fn relint(&self, input: &FileInput<'_>, source: &str) -> Vec<Diagnostic> {
        let parsed = match input.language {
            Some(Language::Nix) => match nix::parse::parse(source) {
                Ok(parsed) => Some(parsed),
                Err(errors) => return errors,
            },
            _ => None,
        };
        self.lint(&FileInput {
            source,
            nix: parsed.as_ref(),
            ..*input
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix, Severity};

    fn with_edit(range: Range<usize>, text: &str, applicability: Applicability) -> Diagnostic {
        Diagnostic::new("x", Severity::Error, "m", range.clone()).with_fix(Fix {
            applicability,
            message: "f".into(),
            edits: vec![Edit {
                range,
                replacement: text.into(),
            }],
        })
    }

    #[test]
    fn applies_non_overlapping_and_skips_unsafe() {
        let source = "{ a = 1; b = 2; }";
        let diagnostics = vec![
            with_edit(6..7, "10", Applicability::Safe),
            with_edit(6..7, "11", Applicability::Safe),
            with_edit(13..14, "20", Applicability::Unsafe),
        ];
        let outcome = apply_fixes(source, &diagnostics, false, Some(Language::Nix));
        assert_eq!(outcome.source, "{ a = 10; b = 2; }");
        assert_eq!(outcome.applied, 1);
        let outcome = apply_fixes(source, &diagnostics, true, Some(Language::Nix));
        assert_eq!(outcome.source, "{ a = 10; b = 20; }");
        assert_eq!(outcome.applied, 2);
    }

    #[test]
    fn drops_a_fix_that_breaks_the_parse() {
        let source = "{ a = 1; b = 2; }";
        let diagnostics = vec![
            with_edit(6..7, "(", Applicability::Safe),
            with_edit(13..14, "3", Applicability::Safe),
        ];
        let outcome = apply_fixes(source, &diagnostics, false, Some(Language::Nix));
        assert_eq!(outcome.source, "{ a = 1; b = 3; }");
        assert_eq!(outcome.applied, 1);
        assert_eq!(outcome.dropped.len(), 1);
        assert_eq!(outcome.dropped[0].range, 6..7);
    }

    #[test]
    fn rejects_out_of_bounds_edits() {
        let outcome = apply_fixes(
            "ab",
            &[with_edit(1..9, "x", Applicability::Safe)],
            false,
            None,
        );
        assert_eq!(outcome.source, "ab");
        assert_eq!(outcome.dropped.len(), 1);
    }
}
