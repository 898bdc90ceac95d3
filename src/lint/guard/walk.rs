//! The walk over a module that collects option accesses with the facts that hold there.
//!
//! Facts come from the constructs of the spec's table (`mkIf`, `optional*`, `if`, `&&`,
//! `||`, `->`, `assert`, `throwIf*`, `warnIf*`, assertion messages). An access is a
//! `Select` (or `?` test, or `inherit (…)` in an attribute set, or a use of an alias) that
//! resolves under a guarded path; it is guarded when its facts imply the guard. Let-bound
//! values are analysed again at every use, with the facts of the use (Nix is lazy), so a
//! value read once outside the guard makes its accesses unguarded.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rowan::ast::AstNode;

use super::GuardOptions;
use super::declarations::{self, application_spine, peel_parens, static_path};
use super::formula::{AtomId, Formula, implies};
use super::module::{is_imports_element, pattern_has, top_module};
use super::pairs::{Pair, build_pairs};
use super::scope::{
    OptionPath, Resolved, Scope, Slot, ValueRef, WithNamespace, lookup, resolve_expr,
    static_attr_name, step,
};

/// Node visits allowed per file before the walk gives up (pathological expansion).
const BUDGET: usize = 2_000_000;
/// Nesting depth at which the walk stops descending.
const MAX_DEPTH: usize = 400;

/// An unguarded access, as found.
#[derive(Debug, Clone)]
pub struct AccessFinding {
    /// The access expression.
    pub range: Range<usize>,
    /// Its source text (whitespace collapsed).
    pub text: String,
    /// The option path read.
    pub path: OptionPath,
    /// The pair whose guard is missing.
    pub pair: Pair,
    /// For an access inside a let-bound value: the outermost use and the bound name.
    pub use_site: Option<(Range<usize>, String)>,
    /// How to spell the guard at this place (`cfg.enableCluster`).
    pub guard_expr: String,
}

/// A `with` whose namespace hides reads of guarded options behind bare names.
#[derive(Debug, Clone)]
pub struct WithFinding {
    /// `with namespace`.
    pub range: Range<usize>,
    /// The namespace's source text.
    pub namespace: String,
    /// The namespace's option path.
    pub path: OptionPath,
    /// A pair whose guarded paths are below the namespace.
    pub pair: Pair,
}

struct Frame {
    id: usize,
    pairs: Vec<Pair>,
}

#[derive(Clone)]
struct Ctx {
    scope: Rc<Scope>,
    facts: Rc<Vec<Formula>>,
    use_site: Option<Rc<(Range<usize>, String)>>,
    frame: Option<Rc<Frame>>,
    depth: usize,
}

impl Ctx {
    fn with_fact(&self, fact: Formula) -> Ctx {
        let mut facts = (*self.facts).clone();
        facts.push(fact);
        Ctx {
            facts: Rc::new(facts),
            ..self.clone()
        }
    }

    fn with_scope(&self, scope: Rc<Scope>) -> Ctx {
        Ctx {
            scope,
            ..self.clone()
        }
    }
}

/// The walk's state for one file.
pub struct Walker<'a> {
    source: &'a str,
    options: &'a GuardOptions,
    top_module: Option<TextRange>,
    atoms: HashMap<String, AtomId>,
    /// Unguarded accesses by range.
    pub accesses: BTreeMap<(usize, usize), AccessFinding>,
    /// Relevant `with`s whose bare names were used.
    pub withs: BTreeMap<(usize, usize), WithFinding>,
    with_used: HashSet<TextRange>,
    expanding: Vec<TextRange>,
    memo: HashSet<(TextRange, Vec<Formula>, usize)>,
    skip: HashSet<TextRange>,
    budget: usize,
    next_frame: usize,
}

fn range_of(node: &SyntaxNode) -> Range<usize> {
    let range = node.text_range();
    usize::from(range.start())..usize::from(range.end())
}

fn collapse_whitespace(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 60 {
        let mut short: String = collapsed.chars().take(57).collect();
        short.push('…');
        short
    } else {
        collapsed
    }
}

impl<'a> Walker<'a> {
    /// A walker for one file.
    pub fn new(source: &'a str, root: &SyntaxNode, options: &'a GuardOptions) -> Self {
        Walker {
            source,
            options,
            top_module: top_module(root),
            atoms: HashMap::new(),
            accesses: BTreeMap::new(),
            withs: BTreeMap::new(),
            with_used: HashSet::new(),
            expanding: Vec::new(),
            memo: HashSet::new(),
            skip: HashSet::new(),
            budget: BUDGET,
            next_frame: 0,
        }
    }

    /// Walks the whole file.
    pub fn run(&mut self, root: &SyntaxNode) {
        let ctx = Ctx {
            scope: Scope::root(),
            facts: Rc::new(Vec::new()),
            use_site: None,
            frame: None,
            depth: 0,
        };
        self.walk(root, &ctx);
    }

    /// The atom for `key`, interned.
    pub(super) fn atom(&mut self, key: String) -> AtomId {
        let next = self.atoms.len() as AtomId;
        *self.atoms.entry(key).or_insert(next)
    }

    fn walk(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        if self.budget == 0 || ctx.depth > MAX_DEPTH {
            return;
        }
        self.budget -= 1;
        let ctx = &Ctx {
            depth: ctx.depth + 1,
            ..ctx.clone()
        };
        match node.kind() {
            SyntaxKind::NODE_SELECT => self.walk_select(node, ctx),
            SyntaxKind::NODE_HAS_ATTR => self.walk_has_attr(node, ctx),
            SyntaxKind::NODE_IDENT => self.walk_ident(node, ctx),
            SyntaxKind::NODE_APPLY => self.walk_apply(node, ctx),
            SyntaxKind::NODE_IF_ELSE => self.walk_if(node, ctx),
            SyntaxKind::NODE_BIN_OP => self.walk_bin_op(node, ctx),
            SyntaxKind::NODE_ASSERT => {
                let children: Vec<SyntaxNode> = node.children().collect();
                if let [condition, body] = children.as_slice() {
                    self.walk(condition, ctx);
                    let fact = self.formula(condition, &ctx.scope, 0);
                    self.walk(body, &ctx.with_fact(fact));
                } else {
                    self.walk_children(node, ctx);
                }
            }
            SyntaxKind::NODE_LET_IN => self.walk_let(node, ctx),
            SyntaxKind::NODE_ATTR_SET => self.walk_attrset(node, ctx),
            SyntaxKind::NODE_LAMBDA => self.walk_lambda(node, ctx),
            SyntaxKind::NODE_WITH => self.walk_with(node, ctx),
            SyntaxKind::NODE_STRING => {
                // String text is never an access; interpolations are code.
                for child in node.children() {
                    if let Some(expr) = ast::Interpol::cast(child).and_then(|i| i.expr()) {
                        self.walk(expr.syntax(), ctx);
                    }
                }
            }
            SyntaxKind::NODE_ATTRPATH => self.walk_attrpath_dynamic(node, ctx),
            _ => self.walk_children(node, ctx),
        }
    }

    fn walk_children(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        for child in node.children() {
            self.walk(&child, ctx);
        }
    }

    /// Keys are never accesses, but `${…}` in a key and interpolations in `"…"` keys are code.
    fn walk_attrpath_dynamic(&mut self, attrpath: &SyntaxNode, ctx: &Ctx) {
        for attr in attrpath.children() {
            match attr.kind() {
                SyntaxKind::NODE_DYNAMIC | SyntaxKind::NODE_STRING => {
                    self.walk_children(&attr, ctx)
                }
                _ => {}
            }
        }
    }

    fn walk_select(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(select) = ast::Select::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let (Some(base), Some(attrpath)) = (select.expr(), select.attrpath()) else {
            return self.walk_children(node, ctx);
        };
        match resolve_expr(base.syntax(), &ctx.scope) {
            Resolved::Config { .. } | Resolved::ModuleArgs | Resolved::Lib | Resolved::LibFn(_) => {
                if let Resolved::Config { path, .. } = resolve_expr(node, &ctx.scope) {
                    let start = usize::from(node.text_range().start());
                    let end = usize::from(attrpath.syntax().text_range().end());
                    self.check_access(start..end, &path, base.syntax(), ctx);
                }
            }
            _ => self.walk(base.syntax(), ctx),
        }
        self.walk_attrpath_dynamic(attrpath.syntax(), ctx);
        if let Some(default) = select.default_expr() {
            self.walk(default.syntax(), ctx);
        }
    }

    fn walk_has_attr(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(has_attr) = ast::HasAttr::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let (Some(base), Some(attrpath)) = (has_attr.expr(), has_attr.attrpath()) else {
            return self.walk_children(node, ctx);
        };
        match resolve_expr(base.syntax(), &ctx.scope) {
            resolved @ Resolved::Config { .. } => {
                let mut resolved = resolved;
                for attr in attrpath.attrs() {
                    resolved = step(resolved, static_attr_name(&attr).as_deref());
                }
                if let Resolved::Config { path, .. } = resolved {
                    self.check_access(range_of(node), &path, base.syntax(), ctx);
                }
            }
            _ => self.walk(base.syntax(), ctx),
        }
        self.walk_attrpath_dynamic(attrpath.syntax(), ctx);
    }

    fn walk_ident(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(token) = node.first_token() else {
            return;
        };
        self.use_name(token.text(), node, range_of(node), ctx, &ctx.scope.clone());
    }

    /// A use of the bare name `name` (an identifier, or `inherit name;` in an attribute set).
    fn use_name(
        &mut self,
        name: &str,
        node: &SyntaxNode,
        range: Range<usize>,
        ctx: &Ctx,
        scope: &Rc<Scope>,
    ) {
        match lookup(scope, name) {
            Resolved::Config { path, .. } => self.check_access(range, &path, node, ctx),
            Resolved::Value(value) => self.expand(value, range, name, ctx),
            Resolved::FromWith(with) => {
                self.with_used.insert(with);
            }
            _ => {}
        }
    }

    fn expand(&mut self, value: ValueRef, use_range: Range<usize>, name: &str, ctx: &Ctx) {
        let key = value.expr.text_range();
        if self.expanding.contains(&key) {
            return;
        }
        let frame_id = ctx.frame.as_ref().map_or(usize::MAX, |frame| frame.id);
        if !self.memo.insert((key, (*ctx.facts).clone(), frame_id)) {
            return;
        }
        let inner = Ctx {
            scope: value.scope.clone(),
            use_site: ctx
                .use_site
                .clone()
                .or_else(|| Some(Rc::new((use_range, name.to_string())))),
            ..ctx.clone()
        };
        self.expanding.push(key);
        self.walk(&value.expr, &inner);
        self.expanding.pop();
    }

    fn walk_apply(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some((head, args)) = application_spine(node) else {
            return self.walk_children(node, ctx);
        };
        self.walk_call(&head, &args, ctx);
    }

    /// `x |> f a` and `f a <| x` are `f a x`.
    fn walk_pipe(&mut self, function: &SyntaxNode, argument: &SyntaxNode, ctx: &Ctx) {
        let function = peel_parens(function.clone());
        let (head, mut args) = application_spine(&function).unwrap_or((function, Vec::new()));
        args.push(argument.clone());
        self.walk_call(&head, &args, ctx);
    }

    /// A call `head args…`: the fact functions give their arguments facts.
    fn walk_call(&mut self, head: &SyntaxNode, args: &[SyntaxNode], ctx: &Ctx) {
        let (head, args) = (head.clone(), args.to_vec());
        let name = match resolve_expr(&head, &ctx.scope) {
            Resolved::LibFn(name) => Some(name),
            Resolved::Lib => None,
            _ => {
                self.walk(&head, ctx);
                None
            }
        };
        // (condition index, [(argument index, polarity of the condition)]) per function.
        let plan: &[(usize, bool)] = match (name.as_deref(), args.len()) {
            (
                Some(
                    "mkIf" | "optional" | "optionals" | "optionalAttrs" | "optionalString"
                    | "optionalDrvAttr",
                ),
                2..,
            ) => &[(1, true)],
            (Some("throwIf"), 3..) => &[(1, true), (2, false)],
            (Some("throwIfNot"), 3..) => &[(1, false), (2, true)],
            (Some("warnIf"), 3..) => &[(1, true)],
            (Some("warnIfNot"), 3..) => &[(1, false)],
            _ => &[],
        };
        if plan.is_empty() {
            for arg in &args {
                self.walk(arg, ctx);
            }
            return;
        }
        self.walk(&args[0], ctx);
        let condition = self.formula(&args[0], &ctx.scope, 0);
        for (index, arg) in args.iter().enumerate().skip(1) {
            match plan.iter().find(|(i, _)| *i == index) {
                Some((_, true)) => self.walk(arg, &ctx.with_fact(condition.clone())),
                Some((_, false)) => self.walk(arg, &ctx.with_fact(condition.clone().negate())),
                None => self.walk(arg, ctx),
            }
        }
    }

    fn walk_if(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(if_else) = ast::IfElse::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let Some(condition) = if_else.condition() else {
            return self.walk_children(node, ctx);
        };
        self.walk(condition.syntax(), ctx);
        let fact = self.formula(condition.syntax(), &ctx.scope, 0);
        if let Some(body) = if_else.body() {
            self.walk(body.syntax(), &ctx.with_fact(fact.clone()));
        }
        if let Some(else_body) = if_else.else_body() {
            self.walk(else_body.syntax(), &ctx.with_fact(fact.negate()));
        }
    }

    /// `A && B`: B under A. `A || B`: B under ¬A. `A -> B`: B under A. Chains need no
    /// flattening: `(a && b) && c` walks `b` under `a` and `c` under `a ∧ b`.
    fn walk_bin_op(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(bin_op) = ast::BinOp::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let (Some(lhs), Some(rhs), Some(operator)) =
            (bin_op.lhs(), bin_op.rhs(), bin_op.operator())
        else {
            return self.walk_children(node, ctx);
        };
        match operator {
            ast::BinOpKind::PipeRight => return self.walk_pipe(rhs.syntax(), lhs.syntax(), ctx),
            ast::BinOpKind::PipeLeft => return self.walk_pipe(lhs.syntax(), rhs.syntax(), ctx),
            _ => {}
        }
        self.walk(lhs.syntax(), ctx);
        let fact = match operator {
            ast::BinOpKind::And | ast::BinOpKind::Implication => {
                Some(self.formula(lhs.syntax(), &ctx.scope, 0))
            }
            ast::BinOpKind::Or => Some(self.formula(lhs.syntax(), &ctx.scope, 0).negate()),
            _ => None,
        };
        match fact {
            Some(fact) => self.walk(rhs.syntax(), &ctx.with_fact(fact)),
            None => self.walk(rhs.syntax(), ctx),
        }
    }

    /// The bindings of a let or rec attribute set, and the values that cannot be bound by
    /// name (`a.b = …;`), which are analysed in place.
    fn bind_entries(entries: &impl HasEntry, parent: &Rc<Scope>) -> (Rc<Scope>, Vec<SyntaxNode>) {
        let mut bindings = HashMap::new();
        let mut in_place = Vec::new();
        for entry in entries.entries() {
            match entry {
                ast::Entry::AttrpathValue(binding) => {
                    let (Some(attrpath), Some(value)) = (binding.attrpath(), binding.value())
                    else {
                        continue;
                    };
                    let attrs: Vec<ast::Attr> = attrpath.attrs().collect();
                    let Some(name) = attrs.first().and_then(static_attr_name) else {
                        continue;
                    };
                    if attrs.len() == 1 {
                        bindings.insert(name, Slot::Expr(value.syntax().clone()));
                    } else {
                        bindings.insert(name, Slot::Opaque);
                        in_place.push(value.syntax().clone());
                    }
                }
                ast::Entry::Inherit(inherit) => {
                    let from = inherit.from().and_then(|from| from.expr());
                    for attr in inherit.attrs() {
                        let Some(name) = static_attr_name(&attr) else {
                            continue;
                        };
                        let slot = match &from {
                            Some(from) => Slot::InheritFrom(from.syntax().clone(), name.clone()),
                            None => Slot::InheritOuter,
                        };
                        bindings.insert(name, slot);
                    }
                }
            }
        }
        (Scope::with_bindings(parent, bindings), in_place)
    }

    fn walk_let(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(let_in) = ast::LetIn::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let (scope, in_place) = Self::bind_entries(&let_in, &ctx.scope);
        let inner = ctx.with_scope(scope);
        for value in in_place {
            self.walk(&value, &inner);
        }
        if let Some(body) = let_in.body() {
            self.walk(body.syntax(), &inner);
        }
    }

    fn walk_attrset(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(attrset) = ast::AttrSet::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let is_rec = attrset.rec_token().is_some();
        let inner = if is_rec {
            ctx.with_scope(Self::bind_entries(&attrset, &ctx.scope).0)
        } else {
            ctx.clone()
        };
        // An element `{ assertion = C; message = M; }` of `assertions`: NixOS evaluates
        // `message` only when the assertion failed, so M is under ¬C.
        // (Compared on the key's text first: this runs for every attribute set.)
        let single = |name: &str| {
            attrset.attrpath_values().find(|entry| {
                entry.attrpath().is_some_and(|path| {
                    path.syntax().text() == name
                        && static_path(&path).is_some_and(|path| path == [name])
                })
            })
        };
        let message_fact = match (single("assertion"), single("message")) {
            (Some(assertion), Some(message)) => assertion.value().map(|condition| {
                let fact = self.formula(condition.syntax(), &inner.scope, 0).negate();
                (message.syntax().text_range(), fact)
            }),
            _ => None,
        };
        for entry in attrset.entries() {
            match entry {
                ast::Entry::AttrpathValue(binding) => {
                    if self.skip.contains(&binding.syntax().text_range()) {
                        continue;
                    }
                    if let Some(attrpath) = binding.attrpath() {
                        self.walk_attrpath_dynamic(attrpath.syntax(), &inner);
                    }
                    let Some(value) = binding.value() else {
                        continue;
                    };
                    if is_rec && resolve_expr(value.syntax(), &inner.scope).is_alias() {
                        // `c = cfg.cluster;` in a rec set is an alias (spec), counted where
                        // used, not where bound.
                        continue;
                    }
                    match &message_fact {
                        Some((range, fact)) if *range == binding.syntax().text_range() => {
                            self.walk(value.syntax(), &inner.with_fact(fact.clone()))
                        }
                        _ => self.walk(value.syntax(), &inner),
                    }
                }
                ast::Entry::Inherit(inherit) => self.walk_inherit(&inherit, ctx, &inner, is_rec),
            }
        }
    }

    /// `inherit (E) a;` in an attribute set reads `E.a`; `inherit a;` uses the name `a` of
    /// the enclosing scope.
    /// In a rec set, `inherit (cfg.cluster) name;` binds an alias (counted where used).
    fn walk_inherit(&mut self, inherit: &ast::Inherit, outer: &Ctx, inner: &Ctx, is_rec: bool) {
        let from = inherit.from().and_then(|from| from.expr());
        match from {
            Some(from) => match resolve_expr(from.syntax(), &inner.scope) {
                Resolved::Config { .. } if is_rec => {}
                resolved @ Resolved::Config { .. } => {
                    for attr in inherit.attrs() {
                        let name = static_attr_name(&attr);
                        if let Resolved::Config { path, .. } =
                            step(resolved.clone(), name.as_deref())
                        {
                            self.check_access(range_of(attr.syntax()), &path, from.syntax(), inner);
                        }
                    }
                }
                _ => self.walk(from.syntax(), inner),
            },
            None => {
                for attr in inherit.attrs() {
                    if let Some(name) = static_attr_name(&attr) {
                        let scope = outer.scope.clone();
                        self.use_name(&name, attr.syntax(), range_of(attr.syntax()), inner, &scope);
                    }
                }
            }
        }
    }

    fn walk_lambda(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(lambda) = ast::Lambda::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let mut bindings = HashMap::new();
        let mut frame = ctx.frame.clone();
        let mut defaults = Vec::new();
        let mut module = false;
        match lambda.param() {
            Some(ast::Param::IdentParam(param)) => {
                if let Some(ident) = param.ident() {
                    bindings.insert(ident.syntax().text().to_string(), Slot::Opaque);
                }
            }
            Some(ast::Param::Pattern(pattern)) => {
                // A function with a `config` formal inside a module is a submodule
                // (`types.submodule`, its own `config`), except for an element of
                // `imports`, which is a module of the same system.
                module = (ctx.frame.is_none() && pattern_has(&pattern, "config"))
                    || (ctx.frame.is_none() && Some(node.text_range()) == self.top_module)
                    || (pattern_has(&pattern, "config") && is_imports_element(node));
                for entry in pattern.pat_entries() {
                    let Some(ident) = entry.ident() else { continue };
                    let name = ident.syntax().text().to_string();
                    let slot = match name.as_str() {
                        "config" if module => Slot::Alias(Resolved::Config {
                            path: Vec::new(),
                            complete: true,
                        }),
                        "lib" => Slot::Alias(Resolved::Lib),
                        _ => Slot::Opaque,
                    };
                    bindings.insert(name, slot);
                    if let Some(default) = entry.default() {
                        defaults.push(default.syntax().clone());
                    }
                }
                if let Some(ident) = pattern.pat_bind().and_then(|bind| bind.ident()) {
                    let slot = if module {
                        Slot::Alias(Resolved::ModuleArgs)
                    } else {
                        Slot::Opaque
                    };
                    bindings.insert(ident.syntax().text().to_string(), slot);
                }
            }
            None => {}
        }
        let scope = Scope::with_bindings(&ctx.scope, bindings);
        let mut inner = ctx.with_scope(scope);
        if module {
            if let Some(body) = lambda.body() {
                frame = Some(self.module_frame(body.syntax(), ctx.frame.as_deref()));
            }
            inner.facts = Rc::new(Vec::new());
            inner.use_site = None;
        }
        inner.frame = frame;
        for default in defaults {
            self.walk(&default, &inner);
        }
        if let Some(body) = lambda.body() {
            self.walk(body.syntax(), &inner);
        }
    }

    /// The guard pairs of a module, from its declarations and the configuration. Marks its
    /// `options` declarations to be skipped: their values (defaults, examples) are
    /// evaluated only when the option they belong to is read.
    fn module_frame(&mut self, body: &SyntaxNode, outer: Option<&Frame>) -> Rc<Frame> {
        let result = declarations::module_result_attrset(body);
        let declarations = result
            .as_ref()
            .map(declarations::collect)
            .unwrap_or_default();
        if let Some(result) = &result {
            for entry in result.attrpath_values() {
                let is_options = entry
                    .attrpath()
                    .and_then(|path| path.attrs().next())
                    .and_then(|attr| static_attr_name(&attr))
                    .is_some_and(|name| name == "options");
                if is_options {
                    self.skip.insert(entry.syntax().text_range());
                }
            }
        }
        let mut pairs = build_pairs(&declarations, self.options);
        // An imported inline module reads the same `config`: the importer's pairs apply.
        for pair in outer
            .map(|frame| frame.pairs.as_slice())
            .unwrap_or_default()
        {
            if !pairs
                .iter()
                .any(|own| own.root == pair.root && own.guard == pair.guard)
            {
                pairs.push(pair.clone());
            }
        }
        for pair in &mut pairs {
            pair.guard_atom = self.atom(format!("config:{}", pair.guard_path().join(".")));
        }
        let id = self.next_frame;
        self.next_frame += 1;
        Rc::new(Frame { id, pairs })
    }

    fn walk_with(&mut self, node: &SyntaxNode, ctx: &Ctx) {
        let Some(with) = ast::With::cast(node.clone()) else {
            return self.walk_children(node, ctx);
        };
        let Some(namespace) = with.namespace() else {
            return self.walk_children(node, ctx);
        };
        self.walk(namespace.syntax(), ctx);
        let mut relevant_pair = None;
        let kind = match resolve_expr(namespace.syntax(), &ctx.scope) {
            Resolved::Lib | Resolved::LibFn(_) => WithNamespace::Lib,
            Resolved::Config {
                path,
                complete: true,
            } => {
                relevant_pair = ctx.frame.as_ref().and_then(|frame| {
                    frame
                        .pairs
                        .iter()
                        .find(|pair| {
                            // Above a guarded group (`with cfg;`) bare names may read it; at
                            // or below one (`with cfg.webUI;`) the namespace is itself a
                            // checked read, but which option a name reads (an exempt one,
                            // one of another pair) is still hidden.
                            pair.paths.iter().any(|guarded| {
                                guarded.starts_with(&path) || path.starts_with(guarded)
                            })
                        })
                        .map(|pair| (path.clone(), pair.clone()))
                });
                WithNamespace::Config {
                    relevant: relevant_pair.is_some(),
                }
            }
            _ => WithNamespace::Unknown,
        };
        let scope = Scope::with_namespace(&ctx.scope, kind, node.text_range());
        if let Some(body) = with.body() {
            self.walk(body.syntax(), &ctx.with_scope(scope));
        }
        if let Some((path, pair)) = relevant_pair
            && self.with_used.contains(&node.text_range())
        {
            let start = usize::from(node.text_range().start());
            let end = usize::from(namespace.syntax().text_range().end());
            self.withs
                .entry((start, end))
                .or_insert_with(|| WithFinding {
                    range: start..end,
                    namespace: collapse_whitespace(&namespace.syntax().text().to_string()),
                    path,
                    pair,
                });
        }
    }

    /// Records an access of `path` at `range` if a pair of the current module needs a
    /// guard there that the facts do not imply. `base` is the expression the path was
    /// read through (for spelling the guard in the help).
    fn check_access(&mut self, range: Range<usize>, path: &[String], base: &SyntaxNode, ctx: &Ctx) {
        let Some(frame) = ctx.frame.clone() else {
            return;
        };
        for pair in &frame.pairs {
            if !pair.needs_guard(path) || implies(&ctx.facts, pair.guard_atom) {
                continue;
            }
            let key = (range.start, range.end);
            if self.accesses.contains_key(&key) {
                return;
            }
            let guard_expr = self.guard_expr(pair, base, &ctx.scope);
            let text = collapse_whitespace(self.source.get(range.clone()).unwrap_or(""));
            self.accesses.insert(
                key,
                AccessFinding {
                    range,
                    text,
                    path: path.to_vec(),
                    pair: pair.clone(),
                    use_site: ctx.use_site.as_deref().cloned(),
                    guard_expr,
                },
            );
            return;
        }
    }

    /// Spells the guard through the alias the access used, if it reaches the pair's root
    /// (`cfg.enableCluster`), else in full (`config.services.x.enableCluster`).
    fn guard_expr(&self, pair: &Pair, base: &SyntaxNode, scope: &Rc<Scope>) -> String {
        let mut leftmost = peel_parens(base.clone());
        while leftmost.kind() == SyntaxKind::NODE_SELECT {
            match leftmost.children().next() {
                Some(inner) => leftmost = peel_parens(inner),
                None => break,
            }
        }
        if leftmost.kind() == SyntaxKind::NODE_IDENT
            && let Resolved::Config {
                path,
                complete: true,
            } = resolve_expr(&leftmost, scope)
            && pair.root.starts_with(&path)
        {
            let mut parts = vec![leftmost.text().to_string()];
            parts.extend(pair.root[path.len()..].iter().cloned());
            parts.extend(pair.guard.iter().cloned());
            return parts.join(".");
        }
        format!("config.{}", pair.guard_path().join("."))
    }
}
