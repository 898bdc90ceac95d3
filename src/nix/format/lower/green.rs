//! A copyable cursor over rowan's green tree: nodes and tokens are references into the
//! parsed tree plus their byte offset, so walking allocates nothing and touches no
//! reference counts (rowan's `SyntaxNode` API allocates a node per visited element).

use rnix::{NixLanguage, NodeOrToken, SyntaxKind};
use rowan::{GreenNodeData, GreenTokenData, Language};

/// A node of the tree and the offset where it starts.
#[derive(Clone, Copy)]
pub struct Node<'g> {
    green: &'g GreenNodeData,
    start: usize,
}

/// A token of the tree and the offset where it starts.
#[derive(Clone, Copy)]
pub struct Tok<'g> {
    green: &'g GreenTokenData,
    start: usize,
}

/// A child: node or token.
#[derive(Clone, Copy)]
pub enum El<'g> {
    /// A node.
    Node(Node<'g>),
    /// A token.
    Token(Tok<'g>),
}

impl<'g> Node<'g> {
    /// The cursor at a syntax node.
    pub fn new(node: &'g rnix::SyntaxNode) -> Self {
        Node {
            green: node.green(),
            start: usize::from(node.text_range().start()),
        }
    }

    /// The node's kind.
    pub fn kind(self) -> SyntaxKind {
        NixLanguage::kind_from_raw(self.green.kind())
    }

    /// Byte offset of the first byte.
    pub fn start(self) -> usize {
        self.start
    }

    /// Byte offset after the last byte.
    pub fn end(self) -> usize {
        self.start + usize::from(self.green.text_len())
    }

    /// Byte range.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// All children, trivia tokens included.
    pub fn children(self) -> Children<'g> {
        Children {
            inner: self.green.children(),
            offset: self.start,
        }
    }

    /// Significant children: nodes and tokens other than whitespace and comments.
    pub fn parts(self) -> impl Iterator<Item = El<'g>> {
        self.children().filter(|c| {
            !matches!(
                c.kind(),
                SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
            )
        })
    }

    /// Child nodes.
    pub fn nodes(self) -> impl Iterator<Item = Node<'g>> {
        self.children().filter_map(El::as_node)
    }

    /// The first token of the subtree (trivia included).
    pub fn first_token(self) -> Option<Tok<'g>> {
        match self.children().next()? {
            El::Token(token) => Some(token),
            El::Node(node) => node.first_token(),
        }
    }
}

impl<'g> Tok<'g> {
    /// The token's kind.
    pub fn kind(self) -> SyntaxKind {
        NixLanguage::kind_from_raw(self.green.kind())
    }

    /// The token's text.
    pub fn text(self) -> &'g str {
        self.green.text()
    }

    /// Byte offset of the first byte.
    pub fn start(self) -> usize {
        self.start
    }

    /// Byte offset after the last byte.
    pub fn end(self) -> usize {
        self.start + self.green.text().len()
    }
}

impl<'g> El<'g> {
    /// The element's kind.
    pub fn kind(self) -> SyntaxKind {
        match self {
            El::Node(node) => node.kind(),
            El::Token(token) => token.kind(),
        }
    }

    /// Byte offset after the last byte.
    pub fn end(self) -> usize {
        match self {
            El::Node(node) => node.end(),
            El::Token(token) => token.end(),
        }
    }

    /// The node, if it is one.
    pub fn as_node(self) -> Option<Node<'g>> {
        match self {
            El::Node(node) => Some(node),
            El::Token(_) => None,
        }
    }

    /// The token, if it is one.
    pub fn as_token(self) -> Option<Tok<'g>> {
        match self {
            El::Token(token) => Some(token),
            El::Node(_) => None,
        }
    }
}

/// Iterator over the children of a node, with their offsets.
pub struct Children<'g> {
    inner: rowan::Children<'g>,
    offset: usize,
}

impl<'g> Iterator for Children<'g> {
    type Item = El<'g>;

    fn next(&mut self) -> Option<El<'g>> {
        let start = self.offset;
        Some(match self.inner.next()? {
            NodeOrToken::Node(green) => {
                self.offset += usize::from(green.text_len());
                El::Node(Node { green, start })
            }
            NodeOrToken::Token(green) => {
                self.offset += green.text().len();
                El::Token(Tok { green, start })
            }
        })
    }
}
