//! Small helpers over the rnix tree that rules share: attribute names, static strings,
//! dotted names, callees, and the attribute path a binding sits at.

use std::ops::Range;

use rnix::{SyntaxKind, SyntaxNode};

/// The byte range of a node.
pub fn range(node: &SyntaxNode) -> Range<usize> {
    let range = node.text_range();
    usize::from(range.start())..usize::from(range.end())
}

/// The node itself, or what a chain of parentheses encloses.
pub fn unparen(node: &SyntaxNode) -> SyntaxNode {
    let mut node = node.clone();
    while node.kind() == SyntaxKind::NODE_PAREN {
        match node.children().next() {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The content of a string literal without interpolations or escapes, with the byte range
/// of that content (between the quotes). `None` for anything else.
pub fn static_string(node: &SyntaxNode) -> Option<(String, Range<usize>)> {
    let node = unparen(node);
    if node.kind() != SyntaxKind::NODE_STRING {
        return None;
    }
    let mut content = String::new();
    let mut start = None;
    let mut end = None;
    for element in node.children_with_tokens() {
        let token = element.into_token()?;
        match token.kind() {
            SyntaxKind::TOKEN_STRING_START => {
                end = Some(usize::from(token.text_range().end()));
                start = end;
            }
            SyntaxKind::TOKEN_STRING_CONTENT => {
                if token.text().contains('\\') || token.text().contains("''") {
                    return None;
                }
                content.push_str(token.text());
                end = Some(usize::from(token.text_range().end()));
            }
            SyntaxKind::TOKEN_STRING_END => {}
            _ => return None,
        }
    }
    Some((content, start?..end?))
}

/// The name of an attribute (`a`, `"a"`), `None` when dynamic (`${x}`).
pub fn attr_name(attr: &SyntaxNode) -> Option<String> {
    match attr.kind() {
        SyntaxKind::NODE_IDENT => Some(attr.text().to_string()),
        SyntaxKind::NODE_STRING => static_string(attr).map(|(text, _)| text),
        _ => None,
    }
}

/// The attribute nodes of an attribute path.
pub fn attrpath_attrs(attrpath: &SyntaxNode) -> Vec<SyntaxNode> {
    attrpath.children().collect()
}

/// The key of a binding (`NODE_ATTRPATH_VALUE`): each attribute's name (`None` if dynamic).
pub fn binding_key(binding: &SyntaxNode) -> Vec<Option<String>> {
    binding_attrs(binding).iter().map(attr_name).collect()
}

/// The attribute nodes of a binding's key.
pub fn binding_attrs(binding: &SyntaxNode) -> Vec<SyntaxNode> {
    binding
        .children()
        .find(|child| child.kind() == SyntaxKind::NODE_ATTRPATH)
        .map(|attrpath| attrpath_attrs(&attrpath))
        .unwrap_or_default()
}

/// The value of a binding.
pub fn binding_value(binding: &SyntaxNode) -> Option<SyntaxNode> {
    binding
        .children()
        .filter(|child| child.kind() != SyntaxKind::NODE_ATTRPATH)
        .last()
}

/// A name written as an identifier or a static select chain: `fetchurl`, `pkgs.fetchurl`,
/// `lib.fakeSha256`. `None` for anything else (including selects with `or` defaults).
pub fn dotted_name(node: &SyntaxNode) -> Option<String> {
    let node = unparen(node);
    match node.kind() {
        SyntaxKind::NODE_IDENT => Some(node.text().to_string()),
        SyntaxKind::NODE_SELECT => {
            let mut children = node.children();
            let base = dotted_name(&children.next()?)?;
            let attrpath = children.next()?;
            if attrpath.kind() != SyntaxKind::NODE_ATTRPATH || children.next().is_some() {
                return None;
            }
            let mut name = base;
            for attr in attrpath_attrs(&attrpath) {
                name.push('.');
                name.push_str(&attr_name(&attr)?);
            }
            Some(name)
        }
        _ => None,
    }
}

/// When `node` (an attribute set, say) is the argument of a function application, the
/// function's dotted name: `fetchurl { … }` gives `fetchurl`, `pkgs.fetchzip { … }` gives
/// `pkgs.fetchzip`. Parentheses around the argument are looked through.
pub fn callee_of(node: &SyntaxNode) -> Option<String> {
    let mut child = node.clone();
    let mut parent = child.parent()?;
    while parent.kind() == SyntaxKind::NODE_PAREN {
        child = parent;
        parent = child.parent()?;
    }
    if parent.kind() != SyntaxKind::NODE_APPLY {
        return None;
    }
    let mut children = parent.children();
    let function = children.next()?;
    let argument = children.next()?;
    if argument != child {
        return None;
    }
    dotted_name(&function)
}

/// The bindings beside `binding` in its attribute set or `let` (itself included).
pub fn sibling_bindings(binding: &SyntaxNode) -> Vec<SyntaxNode> {
    binding
        .parent()
        .map(|parent| {
            parent
                .children()
                .filter(|child| child.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
                .collect()
        })
        .unwrap_or_default()
}

/// The sibling binding whose key is exactly `name` (one attribute).
pub fn sibling(binding: &SyntaxNode, name: &str) -> Option<SyntaxNode> {
    sibling_bindings(binding)
        .into_iter()
        .find(|other| other != binding && binding_key(other) == [Some(name.to_string())])
}

/// The full attribute path at which a binding's value is defined, through enclosing
/// attribute sets and the usual wrappers (`mkIf c { … }`, `mkMerge [ … ]`, `//`, `if`,
/// `let … in`, `with`, function bodies). Dynamic attributes are `*`. A leading `config`
/// (a module's `config = { … }`) is dropped. `let` bindings are not attribute paths: the
/// walk stops there.
pub fn attribute_path(binding: &SyntaxNode) -> Vec<String> {
    let mut path: Vec<String> = binding_key(binding)
        .into_iter()
        .map(|name| name.unwrap_or_else(|| "*".to_string()))
        .collect();
    let mut node = binding.clone();
    while let Some(parent) = node.parent() {
        match parent.kind() {
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                let is_let = parent.parent().is_some_and(|p| {
                    matches!(
                        p.kind(),
                        SyntaxKind::NODE_LET_IN | SyntaxKind::NODE_LEGACY_LET
                    )
                });
                if is_let {
                    break;
                }
                let mut key: Vec<String> = binding_key(&parent)
                    .into_iter()
                    .map(|name| name.unwrap_or_else(|| "*".to_string()))
                    .collect();
                key.append(&mut path);
                path = key;
            }
            SyntaxKind::NODE_ATTR_SET
            | SyntaxKind::NODE_APPLY
            | SyntaxKind::NODE_LIST
            | SyntaxKind::NODE_PAREN
            | SyntaxKind::NODE_IF_ELSE
            | SyntaxKind::NODE_LET_IN
            | SyntaxKind::NODE_WITH
            | SyntaxKind::NODE_BIN_OP
            | SyntaxKind::NODE_LAMBDA
            | SyntaxKind::NODE_ASSERT => {}
            _ => break,
        }
        node = parent;
    }
    if path.first().map(String::as_str) == Some("config") && path.len() > 1 {
        path.remove(0);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(source: &str) -> Vec<SyntaxNode> {
        let parsed = crate::nix::parse::parse(source).unwrap();
        parsed
            .root
            .descendants()
            .filter(|node| node.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
            .collect()
    }

    #[test]
    fn attribute_paths_through_wrappers() {
        let source = "{ config, lib, ... }: { config = lib.mkIf true (lib.mkMerge [ { environment.etc.\"a b\" = { mode = \"0644\"; }; } ]); }";
        let all = bindings(source);
        let mode = all.last().unwrap();
        assert_eq!(attribute_path(mode), ["environment", "etc", "a b", "mode"]);
        let source = "let x = { y = 1; }; in { a.${n}.b = x; }";
        let all = bindings(source);
        assert_eq!(attribute_path(&all[1]), ["y"]);
        assert_eq!(attribute_path(&all[2]), ["a", "*", "b"]);
    }

    #[test]
    fn callees_strings_and_names() {
        let source = "{ src = pkgs.fetchurl ({ url = \"u\"; sha256 = \"abc\"; }); x = \"a${b}\"; }";
        let all = bindings(source);
        let set = all[1].parent().unwrap();
        assert_eq!(callee_of(&set).as_deref(), Some("pkgs.fetchurl"));
        let value = binding_value(&all[2]).unwrap();
        assert_eq!(static_string(&value).unwrap().0, "abc");
        let range = static_string(&value).unwrap().1;
        assert_eq!(&source[range], "abc");
        assert!(static_string(&binding_value(&all[3]).unwrap()).is_none());
        assert_eq!(sibling(&all[2], "url").unwrap(), all[1]);
        assert!(sibling(&all[2], "hash").is_none());
    }
}
