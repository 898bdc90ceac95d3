//! Inference and configuration.

use super::*;

#[test]
fn bool_declared_with_mkoption_infers_a_pair() {
    let source = r#"{ config, lib, ... }:
{
  options.services.sky = with lib; {
    enableWebUI = mkOption { type = types.bool; default = false; };
    webUI.port = mkOption { type = types.port; };
    enableOther = mkOption { type = types.str; };
    other.port = mkOption { };
  };
  config.x = [ config.services.sky.webUI.port config.services.sky.other.port ];
}
"#;
    assert_eq!(unguarded(source), ["config.services.sky.webUI.port"]);
}

#[test]
fn declaration_spellings() {
    // `options = { services.sky = …; }`, a bool type under `with lib.types;`, a submodule
    // option as the guarded member, and a non-boolean `enable…` that guards nothing.
    let source = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options = {
    services.sky = with lib.types; {
      enableCluster = lib.mkOption { type = bool; default = false; };
      cluster = lib.mkOption { type = submodule { options.name = lib.mkOption { }; }; };
      enableLogs = lib.mkOption { type = str; };
      logs = lib.mkOption { };
    };
  };
  config.x = [ cfg.cluster.name cfg.logs ];
}
"#;
    assert_eq!(unguarded(source), ["cfg.cluster.name"]);
}

#[test]
fn group_enable_guards_the_rest_of_the_group() {
    let source = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options.services.sky = {
    enable = lib.mkEnableOption "sky";
    package = lib.mkOption { };
    monitoring = {
      enable = lib.mkEnableOption "monitoring";
      port = lib.mkOption { default = 9090; };
    };
  };
  config = lib.mkIf cfg.enable {
    a = cfg.package;
    b = cfg.monitoring.enable;
    c = lib.mkIf cfg.monitoring.enable cfg.monitoring.port;
    d = cfg.monitoring.port;
  };
}
"#;
    assert_eq!(unguarded(source), ["cfg.monitoring.port"]);
    // The top group's own `enable` is not inferred as a guard.
    let top_level = source.replace("config = lib.mkIf cfg.enable {", "config = {");
    assert_eq!(unguarded(&top_level), ["cfg.monitoring.port"]);
}

#[test]
fn configured_pairs_add_and_override() {
    let source =
        module("{ x = cfg.cluster.name; y = cfg.cluster.port; z = config.networking.hostName; }");
    let options = GuardOptions {
        pairs: vec![
            GuardPairConfig {
                option_root: "services.sky".into(),
                guard: "enableCluster".into(),
                paths: vec!["cluster".into()],
                exempt: vec!["cluster.name".into()],
                severity: Some(Severity::Warning),
            },
            GuardPairConfig {
                option_root: "config.networking".into(),
                guard: "enableHost".into(),
                paths: vec!["hostName".into()],
                exempt: vec![],
                severity: None,
            },
        ],
    };
    let diagnostics = check_with(&source, &options);
    let found: Vec<(&str, Severity)> = diagnostics
        .iter()
        .map(|d| (&source[d.range.clone()], d.severity))
        .collect();
    assert_eq!(
        found,
        [
            ("cfg.cluster.port", Severity::Warning),
            ("config.networking.hostName", Severity::Error)
        ]
    );
    // An override with no paths switches the inferred pair off.
    let options = GuardOptions {
        pairs: vec![GuardPairConfig {
            option_root: "services.sky".into(),
            guard: "enableCluster".into(),
            paths: vec![],
            exempt: vec![],
            severity: None,
        }],
    };
    assert!(check_with(&source, &options).is_empty());
}

#[test]
fn configuration_parses_from_toml() {
    let text = r#"
[[pairs]]
option-root = "services.skypilot"
guard = "monitoring.enable"
paths = ["monitoring"]
exempt = ["monitoring.enable"]
severity = "warning"
"#;
    #[derive(Deserialize)]
    struct Wrapper {
        pairs: GuardOptions,
    }
    let wrapper: Wrapper = toml::from_str(text).unwrap();
    assert_eq!(wrapper.pairs.pairs[0].guard, "monitoring.enable");
    assert_eq!(wrapper.pairs.pairs[0].severity, Some(Severity::Warning));
    let error =
        toml::from_str::<Wrapper>("[[pairs]]\noption-root = \"a\"\nguard = \"b\"\npath = []\n")
            .err()
            .unwrap();
    assert!(error.to_string().contains("path"), "{error}");
}

#[test]
fn modules_nested_in_a_flake_are_checked() {
    let source = r#"{
  outputs = { self, nixpkgs, ... }@inputs: {
    nixosModules.default = { config, lib, ... }: {
      options.services.sky.enableCluster = lib.mkEnableOption "cluster";
      options.services.sky.cluster.name = lib.mkOption { };
      config.x = config.services.sky.cluster.name;
    };
  };
}
"#;
    assert_eq!(unguarded(source), ["config.services.sky.cluster.name"]);
}

#[test]
fn too_many_atoms_count_as_unguarded() {
    let many: Vec<String> = (0..13).map(|i| format!("cfg.flag{i}")).collect();
    let condition = format!("{} && cfg.enableCluster", many.join(" && "));
    let source = module(&format!(
        "lib.mkIf ({condition}) {{ x = cfg.cluster.name; }}"
    ));
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
    let condition = format!("{} && cfg.enableCluster", many[..11].join(" && "));
    let source = module(&format!(
        "lib.mkIf ({condition}) {{ x = cfg.cluster.name; }}"
    ));
    assert!(unguarded(&source).is_empty());
}
