//! Unit tests: the fast parser's tree equals the lowering's, construct by construct, and
//! it declines what rnix rejects.

use super::parse_whole;

/// The lowering's tree, or `None` when rnix or the lowering rejects the source.
fn lowered(source: &str, strict: bool) -> Option<String> {
    let parsed = crate::nix::parse::parse(source).ok()?;
    let whole = crate::nix::format::lower::lower(source, &parsed.root, strict).ok()?;
    Some(format!("{whole:?}"))
}

#[track_caller]
fn same(source: &str) {
    for strict in [false, true] {
        let expected = lowered(source, strict).expect("the test input is valid");
        let fast = parse_whole(source, strict).map(|w| format!("{w:?}"));
        assert_eq!(fast.as_deref(), Some(expected.as_str()), "{source:?}");
    }
}

#[track_caller]
fn declined(source: &str) {
    assert!(parse_whole(source, false).is_none(), "{source:?}");
}

#[test]
fn literals_and_identifiers() {
    for source in [
        "1",
        "1.5",
        "1.",
        ".5",
        "1e5",
        "1.5e-3",
        "007",
        "x",
        "or_",
        "__curPos",
        "a-b'c",
        "<nixpkgs>",
        "<nixpkgs/lib>",
        "1e",
        "https://example.org/a?b=c",
        "x:x",
    ] {
        same(source);
    }
}

#[test]
fn operators_follow_rnix_precedence_and_associativity() {
    for source in [
        "a + b * c - d / e",
        "a + b + c + d",
        "a ++ b ++ c",
        "a // b // c",
        "a -> b -> c",
        "a || b && c || d",
        "a == b",
        "a < b",
        "!a",
        "!!a || b",
        "-a",
        "- -a",
        "a - -b",
        "-a.b",
        "a ? b.c ? d",
        "a ? \"b\".${c}",
        "f a |> g b |> h",
        "f <| g <| x",
        "a |> f <| b",
        "!a ? b",
        "f x ++ [ y ]",
        "a + b ? c * d",
        // A second non-associative operator after a lambda body goes to the levels
        // around the lambda, as in rnix: `(x: a < b) < c`.
        "x: a < b < c",
        "x: a == b != c",
        "f (x: a < b) < c",
        "a // !b",
        "!a // b",
    ] {
        same(source);
    }
}

#[test]
fn sets_lets_and_bindings() {
    for source in [
        "{ }",
        "{ a = 1; }",
        "rec { a = 1; b = a; }",
        "{ a.b.c = 1; \"d\".e = 2; ${f} = 3; or = 4; }",
        "let a = 1; in a",
        "let in 1",
        "let { a = 1; body = a; }",
        "{ inherit a b; inherit (x) c \"d\" ${\"e\"}; inherit; }",
        "{\n  # one\n  a = 1; # trailing\n\n  # two\n  b = 2;\n  # last\n}\n",
        "{ a = { b = 1; }.b; }",
        "with a; b",
        "assert a; b",
        "if a then b else c",
    ] {
        same(source);
    }
}

#[test]
fn lambdas_and_patterns() {
    for source in [
        "x: x",
        "x: y: x",
        "{ }: 1",
        "{ a, b ? 1, ... }: a",
        "{ a, }: a",
        "{ ... }: 1",
        "args @ { a, ... }: a",
        "{ a } @ args: a",
        "{ } @ args: a",
        "f { a }: a",
        "f x: x",
        "{a,a}: a",
        "{ pkgs\n, lib # the lib\n, ...\n}:\nlib",
    ] {
        same(source);
    }
}

#[test]
fn applications_selections_and_or() {
    for source in [
        "f a b c",
        "f (g a) [ b ] { } \"s\" ./p 1",
        "a.b.c",
        "a.b or c",
        "a.\"b\".${c} or (d)",
        "a or",
        "f a or",
        "f a or b",
        "[ a or b ]",
        "[ a # c\n or ]",
        "[ a.b or c d ]",
        "({ a = 1; }).a",
        "x.or",
    ] {
        same(source);
    }
}

#[test]
fn strings_and_paths() {
    for source in [
        "\"\"",
        "\"a\\nb\\\"c\\${d}$${e}$f\"",
        "\"a ${b} c\"",
        "\"multi\nline\"",
        "''\n  a\n    b\n''",
        "''a''",
        "''a ''${b} '''c ''\\n''",
        "'' ${a} ''",
        "''\n  x ${\n    y # c\n  } z\n''",
        "./a",
        "../a/b",
        "/abs/path",
        "~/home",
        "./a${b}",
        "./a${b}/c${d}e",
        "/${a}",
        "a/b",
        "\"${/* c */ a /* d */}\"",
        "/* bash */ ''\n  echo hi\n''",
    ] {
        same(source);
    }
}

#[test]
fn trivia_crlf_tabs_and_directives() {
    for source in [
        "# only a comment\n1",
        "\n\n1\n\n",
        "{\r\n  a = 1;\r\n\r\n  b = 2;\r\n}\r\n",
        "{\n\ta = 1;\n\t# c\n}",
        "/* block\n * comment\n */\n1",
        "/** doc */\nx: x",
        "{\n  /*nixfmt:disable*/\n  a   =  1;\n  /*nixfmt:enable*/\n  b = 2;\n}\n",
        "{\n  /*nixfmt:disable*/\n  a   =  1;\n}\n",
        "[ 1 /* a */ 2 ]",
        "{ a = 1;\u{a0}# note\n}",
    ] {
        same(source);
    }
}

#[test]
fn invalid_inputs_are_declined() {
    for source in [
        "",
        "# just a comment\n",
        "{",
        "{ a = 1 }",
        "(a",
        "(a ]",
        "a < b < c",
        "a == b == c",
        "or",
        "[ or ]",
        "x @ { } @ y: x",
        "{ } @ x @ y: x",
        "let a = 1;",
        "\"unterminated",
        "''unterminated",
        "/* unterminated",
        "a/",
        "\u{feff}1",
        "{ a = 1; } x y }",
        "f let a = 1; in a",
        "{ \"a\" = 1; }.x.''b''",
        "{ inherit ${a}; }",
        "{ ''a'' = 1; }",
        "[ x: x ]",
        "(x: x).a",
        "a.b or c: c",
        "$",
        "{ a, a ? }: a",
        "a + !b",
        "a < x: b < c < d",
        "(a < b < c)",
    ] {
        if crate::nix::parse::parse(source).is_err() {
            declined(source);
        } else if lowered(source, false).is_none() {
            // Valid for rnix but rejected by the lowering: the fast path declines too.
            declined(source);
        } else {
            // Odd but valid: the same tree.
            same(source);
        }
    }
}

/// Valid inputs the fast path leaves to the rnix path on purpose.
#[test]
fn odd_valid_inputs_are_left_to_the_rnix_path() {
    // rnix reads a path, blanks, then `${b}` as one path with an interpolation.
    let source = "./a ${b}";
    assert!(lowered(source, false).is_some());
    declined(source);
}

#[test]
fn deep_nesting_is_left_to_the_rnix_path() {
    let deep = format!("{}1{}", "[ ".repeat(200), " ]".repeat(200));
    declined(&deep);
    let chain = format!("a{}", " + a".repeat(500));
    declined(&chain);
    let shallow = format!("{}1{}", "[ ".repeat(10), " ]".repeat(10));
    same(&shallow);
}
