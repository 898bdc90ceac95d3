//! The one list of rules, and lookups by name, code and code prefix.

use crate::lint::rule::Rule;
use crate::lint::rules;

/// Every rule, in code order. Adding a rule: one line here, `src/lint/rules/<name>.rs`, and
/// `rules/<name>.md` (the docs test fails without it).
pub static RULES: &[&dyn Rule] = &[
    &rules::unused_allow::UnusedAllow,
    &rules::sri_hash::SriHash,
    &rules::hash_attr_rename::HashAttrRename,
    &rules::fake_hash_name::FakeHashName,
    &rules::placeholder_hash::PlaceholderHash,
    &rules::prefetch_without_sri::PrefetchWithoutSri,
    &rules::manual_sri_prefix::ManualSriPrefix,
    &rules::build_flags_missing::BuildFlagsMissing,
    &rules::build_flags_spelling::BuildFlagsSpelling,
    &rules::build_flags_value::BuildFlagsValue,
    &rules::guarded_option_access::GuardedOptionAccess,
    &rules::unresolvable_with::UnresolvableWith,
    &rules::mkif_in_operator::MkifInOperator,
    &rules::nix_mode::NixMode,
    &rules::git_exec_bit::GitExecBit,
    &rules::committed_result_link::CommittedResultLink,
    &rules::committed_backup::CommittedBackup,
];

/// The rule called `name` (snake_case) or with code `name` (`FF101`, any case).
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.name == name || meta.code.eq_ignore_ascii_case(name)
    })
}

/// The rules a selector names: one rule by name or code, or every rule whose code starts
/// with a code prefix (`FF1`: the hash rules). Empty when it names nothing.
pub fn matching(selector: &str) -> Vec<&'static dyn Rule> {
    if let Some(rule) = find(selector) {
        return vec![rule];
    }
    let is_code_prefix = selector.len() > 2
        && selector[..2].eq_ignore_ascii_case("FF")
        && selector[2..].bytes().all(|b| b.is_ascii_digit());
    if !is_code_prefix {
        return Vec::new();
    }
    RULES
        .iter()
        .copied()
        .filter(|rule| {
            let code = rule.meta().code;
            code.len() >= selector.len() && code[..selector.len()].eq_ignore_ascii_case(selector)
        })
        .collect()
}

/// Every rule doc, `(name, markdown)`, embedded from `rules/*.md` at build time.
pub static DOCS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// The doc of rule `name` (or code), `rules/<name>.md`.
pub fn doc(name: &str) -> Option<&'static str> {
    let name = find(name).map_or(name, |rule| rule.meta().name);
    DOCS.iter()
        .find(|(doc_name, _)| *doc_name == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_well_formed() {
        for (i, a) in RULES.iter().enumerate() {
            let meta = a.meta();
            assert!(
                meta.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{} is not snake_case",
                meta.name
            );
            assert!(
                meta.code.starts_with("FF") && meta.code.len() == 5,
                "{}",
                meta.code
            );
            for b in &RULES[i + 1..] {
                assert_ne!(meta.name, b.meta().name);
                assert_ne!(meta.code, b.meta().code);
            }
        }
    }
}
