//! Lexical scopes and what names and `Select` chains resolve to.
//!
//! Nix looks a bare name up in the lexical scopes first (let, rec attribute sets, lambda
//! formals, the builtins), and only then in the namespaces of enclosing `with`
//! expressions, innermost first. [`lookup`] follows the same order, so a lambda
//! parameter or a nested `let` shadows an alias, and `with cfg;` never hides a `let`.
//!
//! Let and rec bindings resolve lazily (on first lookup, with a cycle guard): a binding
//! whose right-hand side resolves to an option path, `lib` or a `lib` function is an
//! *alias*; any other right-hand side is a *value*, which the walker analyses again at
//! every place it is used (Nix is lazy: its accesses happen where it is used).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rowan::ast::AstNode;

/// An option path below `config` (`["services", "skypilot", "cluster"]`).
pub type OptionPath = Vec<String>;

/// What an expression resolves to, as far as the guard analysis cares.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// `config.<path>`; `complete` is false when a dynamic attribute cut the path short
    /// (`cfg.cluster.${name}` is `cluster`, incomplete).
    Config {
        /// The static part of the path.
        path: OptionPath,
        /// Whether the whole path was static.
        complete: bool,
    },
    /// The `@`-bound argument set of a module (`args.config`, `args.lib`).
    ModuleArgs,
    /// `lib` or one of its namespaces (`lib.types`, `pkgs.lib`).
    Lib,
    /// A function or value of `lib` by name (`lib.mkIf`, `mkIf` under `with lib;`).
    LibFn(String),
    /// A let/rec-bound value, analysed where it is used.
    Value(ValueRef),
    /// A bare name that may come from a `with` whose namespace holds options.
    FromWith(TextRange),
    /// Anything else.
    Unknown,
}

impl Resolved {
    /// Whether a binding to this is an alias (resolved once, no expression to analyse).
    pub fn is_alias(&self) -> bool {
        matches!(
            self,
            Resolved::Config { .. } | Resolved::ModuleArgs | Resolved::Lib | Resolved::LibFn(_)
        )
    }
}

/// A let/rec-bound value and the scope its expression is evaluated in.
#[derive(Debug, Clone)]
pub struct ValueRef {
    /// The bound expression.
    pub expr: SyntaxNode,
    /// The scope that binds it (its own let/rec scope).
    pub scope: Rc<Scope>,
    /// For `inherit (from) name;`: `expr` is `from`, and the value is its attribute
    /// `name` (so it is not the same condition as `from` itself).
    pub attr: Option<String>,
}

/// What a `with` namespace is.
#[derive(Debug, Clone)]
pub enum WithNamespace {
    /// `with lib;` (or a namespace of it).
    Lib,
    /// `with cfg;`: options; `relevant` when it may hide a guarded read.
    Config {
        /// Whether bare names from it may read guarded options.
        relevant: bool,
    },
    /// `with pkgs;` and anything else.
    Unknown,
}

/// One lexical scope.
#[derive(Debug)]
pub struct Scope {
    parent: Option<Rc<Scope>>,
    kind: ScopeKind,
}

#[derive(Debug)]
enum ScopeKind {
    Bindings(RefCell<HashMap<String, Slot>>),
    With {
        namespace: WithNamespace,
        range: TextRange,
    },
}

/// A binding as declared, before and after resolution.
#[derive(Debug, Clone)]
pub enum Slot {
    /// `name = expr;` not yet resolved.
    Expr(SyntaxNode),
    /// `inherit (from) name;` not yet resolved.
    InheritFrom(SyntaxNode, String),
    /// `inherit name;`: the same name in the enclosing scope.
    InheritOuter,
    /// Being resolved (a cycle resolves to nothing).
    Resolving,
    /// Resolved to an alias.
    Alias(Resolved),
    /// A value analysed at each use.
    Value(SyntaxNode),
    /// `inherit (from) name;` that is not an alias: analysed (`from`) at each use.
    InheritedValue(SyntaxNode, String),
    /// Known, but nothing the analysis follows (a lambda parameter, a shadowing name).
    Opaque,
}

/// Global names that no `with` can hide (Nix resolves them lexically).
const BUILTINS: &[&str] = &[
    "true",
    "false",
    "null",
    "builtins",
    "import",
    "throw",
    "abort",
    "toString",
    "map",
    "isNull",
    "removeAttrs",
    "baseNameOf",
    "dirOf",
    "derivation",
    "placeholder",
    "fetchTarball",
    "fetchGit",
    "fetchurl",
    "scopedImport",
    "fromTOML",
];

/// `lib` attributes that are namespaces rather than functions.
const LIB_NAMESPACES: &[&str] = &[
    "modules",
    "options",
    "types",
    "lists",
    "strings",
    "attrsets",
    "trivial",
    "asserts",
    "meta",
    "fixedPoints",
    "lib",
];

/// `lib` functions the guard analysis gives a meaning to; bare uses of them resolve to
/// `lib` even without a visible `with lib;` (a module that calls `mkIf` gets it from
/// `lib` one way or another).
pub const KNOWN_LIB_FUNCTIONS: &[&str] = &[
    "mkIf",
    "mkMerge",
    "mkDefault",
    "mkForce",
    "mkOverride",
    "mkBefore",
    "mkAfter",
    "mkOrder",
    "optional",
    "optionals",
    "optionalAttrs",
    "optionalString",
    "optionalDrvAttr",
    "throwIf",
    "throwIfNot",
    "warnIf",
    "warnIfNot",
    "assertMsg",
    "mkOption",
    "mkEnableOption",
    "mkPackageOption",
    "types",
];

impl Scope {
    /// The outermost scope.
    pub fn root() -> Rc<Scope> {
        Rc::new(Scope {
            parent: None,
            kind: ScopeKind::Bindings(RefCell::new(HashMap::new())),
        })
    }

    /// A child scope with `bindings`.
    pub fn with_bindings(parent: &Rc<Scope>, bindings: HashMap<String, Slot>) -> Rc<Scope> {
        Rc::new(Scope {
            parent: Some(parent.clone()),
            kind: ScopeKind::Bindings(RefCell::new(bindings)),
        })
    }

    /// A child scope for the body of `with namespace;`.
    pub fn with_namespace(
        parent: &Rc<Scope>,
        namespace: WithNamespace,
        range: TextRange,
    ) -> Rc<Scope> {
        Rc::new(Scope {
            parent: Some(parent.clone()),
            kind: ScopeKind::With { namespace, range },
        })
    }
}

/// Resolves the bare name `name` in `scope`.
pub fn lookup(scope: &Rc<Scope>, name: &str) -> Resolved {
    let mut current = Some(scope.clone());
    let mut withs: Vec<Rc<Scope>> = Vec::new();
    while let Some(this) = current {
        if let ScopeKind::Bindings(map) = &this.kind
            && map.borrow().contains_key(name)
        {
            return resolve_slot(&this, name);
        }
        if let ScopeKind::With { .. } = &this.kind {
            withs.push(this.clone());
        }
        current = this.parent.clone();
    }
    if BUILTINS.contains(&name) {
        return Resolved::Unknown;
    }
    let known_lib = KNOWN_LIB_FUNCTIONS.contains(&name);
    for with in &withs {
        if let ScopeKind::With { namespace, range } = &with.kind {
            match namespace {
                WithNamespace::Lib if known_lib => return lib_member(name),
                WithNamespace::Lib => continue,
                _ if known_lib => return Resolved::LibFn(name.to_string()),
                WithNamespace::Config { relevant: true } => return Resolved::FromWith(*range),
                WithNamespace::Config { relevant: false } | WithNamespace::Unknown => {
                    return Resolved::Unknown;
                }
            }
        }
    }
    if name == "lib" {
        Resolved::Lib
    } else if known_lib {
        Resolved::LibFn(name.to_string())
    } else {
        Resolved::Unknown
    }
}

fn lib_member(name: &str) -> Resolved {
    if LIB_NAMESPACES.contains(&name) {
        Resolved::Lib
    } else {
        Resolved::LibFn(name.to_string())
    }
}

fn resolve_slot(scope: &Rc<Scope>, name: &str) -> Resolved {
    let ScopeKind::Bindings(map) = &scope.kind else {
        return Resolved::Unknown;
    };
    let slot = map.borrow().get(name).cloned();
    let resolved = match slot {
        None | Some(Slot::Resolving) | Some(Slot::Opaque) => return Resolved::Unknown,
        Some(Slot::Alias(resolved)) => return resolved,
        Some(Slot::Value(expr)) => {
            return Resolved::Value(ValueRef {
                expr,
                scope: scope.clone(),
                attr: None,
            });
        }
        Some(Slot::InheritedValue(expr, attr)) => {
            return Resolved::Value(ValueRef {
                expr,
                scope: scope.clone(),
                attr: Some(attr),
            });
        }
        Some(Slot::InheritOuter) => {
            return match &scope.parent {
                Some(parent) => lookup(parent, name),
                None => Resolved::Unknown,
            };
        }
        Some(Slot::Expr(expr)) => {
            map.borrow_mut().insert(name.to_string(), Slot::Resolving);
            let resolved = resolve_expr(&expr, scope);
            let slot = if resolved.is_alias() {
                Slot::Alias(resolved.clone())
            } else {
                Slot::Value(expr)
            };
            map.borrow_mut().insert(name.to_string(), slot);
            resolved
        }
        Some(Slot::InheritFrom(from, attr)) => {
            map.borrow_mut().insert(name.to_string(), Slot::Resolving);
            let resolved = step(resolve_expr(&from, scope), Some(&attr));
            let slot = if resolved.is_alias() {
                Slot::Alias(resolved.clone())
            } else {
                Slot::InheritedValue(from, attr)
            };
            map.borrow_mut().insert(name.to_string(), slot);
            resolved
        }
    };
    match resolved {
        resolved if resolved.is_alias() => resolved,
        _ => resolve_slot(scope, name),
    }
}

/// The static name of an attribute (`a`, `"a"`, `${"a"}`), or `None` when it is computed.
pub fn static_attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(ident) => {
            ident
                .ident_token()
                .map(|t| t.text().to_string())
                .or_else(|| {
                    // `or` used as an attribute name is a TOKEN_OR inside the ident node.
                    Some(ident.syntax().text().to_string())
                })
        }
        ast::Attr::Str(string) => static_string(string),
        ast::Attr::Dynamic(dynamic) => match dynamic.expr()? {
            ast::Expr::Str(string) => static_string(&string),
            _ => None,
        },
    }
}

/// The text of a string literal without interpolations, or `None`.
pub fn static_string(string: &ast::Str) -> Option<String> {
    let mut text = String::new();
    for part in string.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(literal) => text.push_str(&literal),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(text)
}

/// One attribute selection from a resolved value (`None`: a computed attribute).
pub fn step(base: Resolved, attr: Option<&str>) -> Resolved {
    match (base, attr) {
        (Resolved::Config { mut path, complete }, Some(name)) if complete => {
            path.push(name.to_string());
            Resolved::Config {
                path,
                complete: true,
            }
        }
        (Resolved::Config { path, .. }, _) => Resolved::Config {
            path,
            complete: false,
        },
        (Resolved::ModuleArgs, Some("config")) => Resolved::Config {
            path: Vec::new(),
            complete: true,
        },
        (Resolved::ModuleArgs, Some("lib")) => Resolved::Lib,
        (Resolved::Lib, Some(name)) => lib_member(name),
        (_, Some("lib")) => Resolved::Lib,
        _ => Resolved::Unknown,
    }
}

/// Resolves an expression: names, parentheses and `Select` chains.
pub fn resolve_expr(node: &SyntaxNode, scope: &Rc<Scope>) -> Resolved {
    match node.kind() {
        SyntaxKind::NODE_PAREN => match node.children().next() {
            Some(inner) => resolve_expr(&inner, scope),
            None => Resolved::Unknown,
        },
        SyntaxKind::NODE_IDENT => match node.first_token() {
            Some(token) => lookup(scope, token.text()),
            None => Resolved::Unknown,
        },
        SyntaxKind::NODE_SELECT => {
            let Some(select) = ast::Select::cast(node.clone()) else {
                return Resolved::Unknown;
            };
            let (Some(base), Some(attrpath)) = (select.expr(), select.attrpath()) else {
                return Resolved::Unknown;
            };
            let mut resolved = resolve_expr(base.syntax(), scope);
            for attr in attrpath.attrs() {
                resolved = step(resolved, static_attr_name(&attr).as_deref());
            }
            resolved
        }
        _ => Resolved::Unknown,
    }
}
