//! A module's own option declarations, and the guard pairs inferred from them.
//!
//! Two inferences, both on by default:
//! 1. A boolean option `enableFoo` declared beside an option or option group `foo`
//!    (same parent, name compared ignoring ASCII case) makes `foo.*` readable only when
//!    `enableFoo` is true: `services.skypilot.{enableCluster, cluster}`.
//! 2. A group `foo` nested in an option group that declares options of its own, and that
//!    declares a boolean `foo.enable`, makes the rest of `foo.*` readable only when
//!    `foo.enable` is true (`foo.enable` itself is exempt). The module's top group
//!    (`services.skypilot`, whose parent `services` declares nothing itself) is left out:
//!    its `enable` is the whole module's switch, and reading `cfg.package` in an option
//!    default or in `meta` is ordinary.
//!
//! A boolean option is `mkEnableOption …` or `mkOption { type = types.bool; … }` (any
//! spelling of the callee and type that ends in those names: `lib.mkOption`,
//! `lib.types.bool`, `bool` under `with types;`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;

use super::scope::{OptionPath, static_attr_name};

/// One declared option.
#[derive(Debug, Clone)]
pub struct OptionDecl {
    /// Whether it is a boolean option.
    pub is_bool: bool,
    /// The byte range of its name in the declaration.
    pub key_range: Range<usize>,
}

/// The options declared directly in one group, and its sub-groups.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Options by name.
    pub options: BTreeMap<String, OptionDecl>,
    /// Names of groups nested in this one.
    pub subgroups: BTreeSet<String>,
}

/// All option declarations of one module, by group path.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// Groups by path (below `options`).
    pub groups: BTreeMap<OptionPath, Group>,
}

/// A guard pair inferred from declarations, with paths relative to `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredPair {
    /// The option group both live in.
    pub root: OptionPath,
    /// The guard, relative to the root.
    pub guard: OptionPath,
    /// The guarded paths, relative to the root.
    pub paths: Vec<OptionPath>,
    /// Exempt paths, relative to the root.
    pub exempt: Vec<OptionPath>,
    /// Where the guard is declared.
    pub guard_range: Range<usize>,
}

/// Strips parentheses.
pub fn peel_parens(mut node: SyntaxNode) -> SyntaxNode {
    while node.kind() == SyntaxKind::NODE_PAREN {
        match node.children().next() {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The attribute set a module body evaluates to, looking through `let … in`, `with …;`,
/// `assert …;` and parentheses.
pub fn module_result_attrset(body: &SyntaxNode) -> Option<ast::AttrSet> {
    let mut node = peel_parens(body.clone());
    for _ in 0..16 {
        node = match node.kind() {
            SyntaxKind::NODE_LET_IN => ast::LetIn::cast(node)?.body()?.syntax().clone(),
            SyntaxKind::NODE_WITH => ast::With::cast(node)?.body()?.syntax().clone(),
            SyntaxKind::NODE_ASSERT => ast::Assert::cast(node)?.body()?.syntax().clone(),
            SyntaxKind::NODE_ATTR_SET => return ast::AttrSet::cast(node),
            _ => return None,
        };
        node = peel_parens(node);
    }
    None
}

/// The static names of an attribute path, or `None` if any part is computed.
pub fn static_path(attrpath: &ast::Attrpath) -> Option<OptionPath> {
    attrpath
        .attrs()
        .map(|attr| static_attr_name(&attr))
        .collect()
}

/// The last name of a callee (`lib.mkOption` and `mkOption` are both `mkOption`).
pub fn callee_name(node: &SyntaxNode) -> Option<String> {
    let node = peel_parens(node.clone());
    match node.kind() {
        SyntaxKind::NODE_IDENT => Some(node.text().to_string()),
        SyntaxKind::NODE_SELECT => {
            let select = ast::Select::cast(node)?;
            let last = select.attrpath()?.attrs().last()?;
            static_attr_name(&last)
        }
        _ => None,
    }
}

/// The head and arguments of an application spine `f a b c`.
pub fn application_spine(node: &SyntaxNode) -> Option<(SyntaxNode, Vec<SyntaxNode>)> {
    let mut args = Vec::new();
    let mut current = ast::Apply::cast(node.clone())?;
    loop {
        args.push(current.argument()?.syntax().clone());
        let head = current.lambda()?;
        match head {
            ast::Expr::Apply(inner) => current = inner,
            other => {
                args.reverse();
                return Some((other.syntax().clone(), args));
            }
        }
    }
}

/// Collects the declarations under the `options` attributes of a module's result.
pub fn collect(result: &ast::AttrSet) -> Declarations {
    let mut declarations = Declarations::default();
    for entry in result.attrpath_values() {
        let (Some(attrpath), Some(value)) = (entry.attrpath(), entry.value()) else {
            continue;
        };
        let Some(path) = static_path(&attrpath) else {
            continue;
        };
        if path.first().map(String::as_str) != Some("options") {
            continue;
        }
        let last_range = attrpath
            .attrs()
            .last()
            .map(|attr| attr.syntax().text_range())
            .map(|r| usize::from(r.start())..usize::from(r.end()))
            .unwrap_or(0..0);
        declarations.collect_value(path[1..].to_vec(), value.syntax(), last_range, 0);
    }
    declarations
}

impl Declarations {
    fn collect_value(
        &mut self,
        path: OptionPath,
        value: &SyntaxNode,
        key_range: Range<usize>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let mut value = peel_parens(value.clone());
        // `options.x = with lib; { … }` and `let … in { … }` around a group.
        while let Some(body) = match value.kind() {
            SyntaxKind::NODE_WITH => ast::With::cast(value.clone()).and_then(|w| w.body()),
            SyntaxKind::NODE_LET_IN => ast::LetIn::cast(value.clone()).and_then(|l| l.body()),
            _ => None,
        } {
            value = peel_parens(body.syntax().clone());
        }
        if let Some((parent, name)) = path.split_last().map(|(name, parent)| (parent, name))
            && let Some(is_bool) = option_declaration(&value)
        {
            self.register_group(parent);
            self.groups
                .entry(parent.to_vec())
                .or_default()
                .options
                .insert(name.clone(), OptionDecl { is_bool, key_range });
            return;
        }
        if let Some(attrset) = ast::AttrSet::cast(value) {
            self.collect_attrset(&path, &attrset, depth);
        }
    }

    fn collect_attrset(&mut self, path: &OptionPath, attrset: &ast::AttrSet, depth: usize) {
        for entry in attrset.attrpath_values() {
            let (Some(attrpath), Some(value)) = (entry.attrpath(), entry.value()) else {
                continue;
            };
            let Some(relative) = static_path(&attrpath) else {
                continue;
            };
            let key_range = attrpath
                .attrs()
                .last()
                .map(|attr| attr.syntax().text_range())
                .map(|r| usize::from(r.start())..usize::from(r.end()))
                .unwrap_or(0..0);
            let mut full = path.clone();
            full.extend(relative);
            self.collect_value(full, value.syntax(), key_range, depth + 1);
        }
    }

    /// Records `path` as a group, and each prefix as holding the next name as a sub-group.
    fn register_group(&mut self, path: &[String]) {
        self.groups.entry(path.to_vec()).or_default();
        for length in 0..path.len() {
            self.groups
                .entry(path[..length].to_vec())
                .or_default()
                .subgroups
                .insert(path[length].clone());
        }
    }

    /// The declaration of the option at `path`, if this module declares it.
    pub fn option(&self, path: &[String]) -> Option<&OptionDecl> {
        let (name, parent) = path.split_last()?;
        self.groups.get(parent)?.options.get(name)
    }

    /// The guard pairs these declarations imply (see the module documentation).
    pub fn infer_pairs(&self) -> Vec<InferredPair> {
        let mut pairs = Vec::new();
        for (root, group) in &self.groups {
            for (name, decl) in &group.options {
                let Some(rest) = name.strip_prefix("enable") else {
                    continue;
                };
                if !decl.is_bool || !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                    continue;
                }
                let members = group.options.keys().chain(group.subgroups.iter());
                for member in members {
                    if member != name && member.eq_ignore_ascii_case(rest) {
                        pairs.push(InferredPair {
                            root: root.clone(),
                            guard: vec![name.clone()],
                            paths: vec![vec![member.clone()]],
                            exempt: Vec::new(),
                            guard_range: decl.key_range.clone(),
                        });
                    }
                }
            }
            if group.options.is_empty() {
                continue;
            }
            for subgroup in &group.subgroups {
                let mut path = root.clone();
                path.push(subgroup.clone());
                let Some(enable) = self.groups.get(&path).and_then(|g| g.options.get("enable"))
                else {
                    continue;
                };
                if enable.is_bool {
                    let guard = vec![subgroup.clone(), "enable".to_string()];
                    pairs.push(InferredPair {
                        root: root.clone(),
                        guard: guard.clone(),
                        paths: vec![vec![subgroup.clone()]],
                        exempt: vec![guard],
                        guard_range: enable.key_range.clone(),
                    });
                }
            }
        }
        pairs
    }
}

/// `Some(is_bool)` when `value` declares an option.
fn option_declaration(value: &SyntaxNode) -> Option<bool> {
    let (head, args) = application_spine(value)?;
    match callee_name(&head)?.as_str() {
        "mkEnableOption" => Some(true),
        "mkOption" => {
            let argument = args.first().map(|a| peel_parens(a.clone()));
            let is_bool = argument
                .and_then(ast::AttrSet::cast)
                .is_some_and(|attrset| declares_bool_type(&attrset));
            Some(is_bool)
        }
        "mkPackageOption" | "mkSinkUndeclaredOptions" => Some(false),
        _ => None,
    }
}

fn declares_bool_type(attrset: &ast::AttrSet) -> bool {
    attrset.attrpath_values().any(|entry| {
        let is_type = entry
            .attrpath()
            .and_then(|path| static_path(&path))
            .is_some_and(|path| path == ["type"]);
        is_type
            && entry
                .value()
                .and_then(|value| callee_name(value.syntax()))
                .is_some_and(|name| name == "bool")
    })
}
