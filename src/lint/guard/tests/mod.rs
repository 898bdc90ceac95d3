//! Fixtures for the guard analysis: one per row of the spec's fact table, aliases,
//! shadowing, `with`, declarations, strings, and a realistic module.

mod aliases;
mod fact_table;
mod inference;
mod mkif_operands;
mod not_accesses;
mod realistic;
mod robustness;
mod with_scopes;

use super::*;
use crate::nix::parse::parse;

pub(super) fn check_with(source: &str, options: &GuardOptions) -> Vec<Diagnostic> {
    let parsed = parse(source).unwrap_or_else(|errors| panic!("{errors:?}\n{source}"));
    check_module(&parsed.root, source, options)
}

/// The source text of every `guarded_option_access` finding.
pub(super) fn unguarded(source: &str) -> Vec<String> {
    check_with(source, &GuardOptions::default())
        .iter()
        .filter(|d| d.rule == GUARDED_OPTION_ACCESS)
        .map(|d| source[d.range.clone()].to_string())
        .collect()
}

pub(super) fn with_findings(source: &str) -> Vec<String> {
    check_with(source, &GuardOptions::default())
        .iter()
        .filter(|d| d.rule == UNRESOLVABLE_WITH)
        .map(|d| source[d.range.clone()].to_string())
        .collect()
}

/// A module declaring `services.sky.{enable, enableCluster, cluster.{name, port}}`, with
/// `LET` bound before the result and `BODY` as its `config`.
pub(super) fn module_with(lets: &str, body: &str) -> String {
    format!(
        r#"{{ config, lib, pkgs, ... }}:
let
  cfg = config.services.sky;
{lets}
in
{{
  options.services.sky = {{
    enable = lib.mkEnableOption "sky";
    enableCluster = lib.mkEnableOption "the cluster";
    cluster = {{
      name = lib.mkOption {{ type = lib.types.str; default = "c"; }};
      port = lib.mkOption {{ type = lib.types.port; default = 1; }};
    }};
  }};
  config = {body};
}}
"#
    )
}

pub(super) fn module(body: &str) -> String {
    module_with("", body)
}
