//! Guard pairs: an option root, a guard below it, and the paths that need the guard.
//!
//! Pairs come from the module's declarations ([`super::declarations`]) and from
//! `[[lint.guarded_option_access]]` entries. A configured entry with the same
//! `option-root` and `guard` as an inferred pair replaces that pair's paths, exemptions and
//! severity (so `paths = []` switches an inferred pair off); any other entry is added.

use std::ops::Range;

use crate::diagnostic::Severity;

use super::GuardOptions;
use super::declarations::Declarations;
use super::formula::AtomId;
use super::scope::OptionPath;

/// One guard pair, with absolute option paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The option root (`services.skypilot`).
    pub root: OptionPath,
    /// The guard, relative to the root (`enableCluster`, `monitoring.enable`).
    pub guard: OptionPath,
    /// Paths that need the guard, absolute (`services.skypilot.cluster`).
    pub paths: Vec<OptionPath>,
    /// Paths that never need it, absolute.
    pub exempt: Vec<OptionPath>,
    /// The configured severity, if any.
    pub severity: Option<Severity>,
    /// Where this module declares the guard option.
    pub guard_decl: Option<Range<usize>>,
    /// The guard's atom in the walk's formulas (set by the walker).
    pub guard_atom: AtomId,
}

impl Pair {
    /// The guard's absolute path.
    pub fn guard_path(&self) -> OptionPath {
        let mut path = self.root.clone();
        path.extend(self.guard.iter().cloned());
        path
    }

    /// Whether reading `path` needs this pair's guard. The guard itself never does.
    pub fn needs_guard(&self, path: &[String]) -> bool {
        self.paths.iter().any(|guarded| path.starts_with(guarded))
            && !self.exempt.iter().any(|exempt| path.starts_with(exempt))
            && !path.starts_with(&self.guard_path())
    }

    /// The guarded paths relative to the root, dotted, for messages (`cluster`).
    pub fn relative_paths(&self) -> String {
        let names: Vec<String> = self
            .paths
            .iter()
            .map(|path| {
                let relative = path.strip_prefix(self.root.as_slice()).unwrap_or(path);
                format!("{}.*", relative.join("."))
            })
            .collect();
        names.join("`, `")
    }
}

/// Splits a dotted option path; a leading `config.` is dropped.
pub fn split_path(text: &str) -> OptionPath {
    let text = text.trim();
    let text = text.strip_prefix("config.").unwrap_or(text);
    text.split('.')
        .filter(|part| !part.is_empty())
        .map(|part| part.trim_matches('"').to_string())
        .collect()
}

fn absolute(root: &OptionPath, relative: &OptionPath) -> OptionPath {
    let mut path = root.clone();
    path.extend(relative.iter().cloned());
    path
}

/// The pairs of one module: inferred from `declarations`, then the configured ones.
pub fn build_pairs(declarations: &Declarations, options: &GuardOptions) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = declarations
        .infer_pairs()
        .into_iter()
        .map(|inferred| Pair {
            paths: inferred
                .paths
                .iter()
                .map(|path| absolute(&inferred.root, path))
                .collect(),
            exempt: inferred
                .exempt
                .iter()
                .map(|path| absolute(&inferred.root, path))
                .collect(),
            root: inferred.root,
            guard: inferred.guard,
            severity: None,
            guard_decl: Some(inferred.guard_range),
            guard_atom: 0,
        })
        .collect();
    for entry in &options.pairs {
        let root = split_path(&entry.option_root);
        let guard = split_path(&entry.guard);
        let paths: Vec<OptionPath> = entry
            .paths
            .iter()
            .map(|path| absolute(&root, &split_path(path)))
            .collect();
        let exempt: Vec<OptionPath> = entry
            .exempt
            .iter()
            .map(|path| absolute(&root, &split_path(path)))
            .collect();
        if let Some(existing) = pairs
            .iter_mut()
            .find(|pair| pair.root == root && pair.guard == guard)
        {
            existing.paths = paths;
            existing.exempt = exempt;
            existing.severity = entry.severity;
            continue;
        }
        let guard_decl = declarations
            .option(&absolute(&root, &guard))
            .map(|decl| decl.key_range.clone());
        pairs.push(Pair {
            root,
            guard,
            paths,
            exempt,
            severity: entry.severity,
            guard_decl,
            guard_atom: 0,
        });
    }
    pairs.retain(|pair| !pair.paths.is_empty());
    pairs
}
