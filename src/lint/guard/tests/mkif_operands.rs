//! Mkif_in_operator.

use super::*;

fn mkif_operands(source: &str) -> Vec<String> {
    let parsed = parse(source).unwrap();
    operator::check_mkif_in_operator(&parsed.root)
        .iter()
        .map(|d| {
            assert_eq!(d.rule, MKIF_IN_OPERATOR);
            source[d.range.clone()].to_string()
        })
        .collect()
}

#[test]
fn mkif_as_an_operand_is_reported() {
    assert_eq!(
        mkif_operands("{ a = { x = 1; } // lib.mkIf c { y = 2; }; }"),
        ["lib.mkIf c { y = 2; }"]
    );
    assert_eq!(
        mkif_operands("{ a = mkIf c { y = 2; } // { x = 1; }; }"),
        ["mkIf c { y = 2; }"]
    );
    assert_eq!(
        mkif_operands("[ 1 ] ++ (lib.mkIf c [ 2 ])"),
        ["(lib.mkIf c [ 2 ])"]
    );
    assert_eq!(
        mkif_operands("\"a\" + lib.modules.mkIf c \"b\""),
        ["lib.modules.mkIf c \"b\""]
    );
    assert_eq!(mkif_operands("x && mkIf c true"), ["mkIf c true"]);
    assert_eq!(mkif_operands("!(mkIf c true)"), ["(mkIf c true)"]);
    let parsed = parse("{ } // lib.mkIf c { }").unwrap();
    let diagnostic = &operator::check_mkif_in_operator(&parsed.root)[0];
    assert!(
        diagnostic.message.contains("`//`"),
        "{}",
        diagnostic.message
    );
    assert!(diagnostic.help.as_deref().unwrap().contains("mkMerge"));
}

#[test]
fn mkif_in_its_proper_places_is_not_reported() {
    assert!(mkif_operands("{ a = lib.mkIf c { y = 2; }; }").is_empty());
    assert!(mkif_operands("lib.mkMerge [ { } (lib.mkIf c { }) ]").is_empty());
    assert!(mkif_operands("lib.mkIf c (lib.mkIf d { })").is_empty());
    assert!(mkif_operands("{ a = if x then lib.mkIf c { } else { }; }").is_empty());
    assert!(mkif_operands("x |> lib.mkIf c").is_empty());
    assert!(mkif_operands("{ } // lib.optionalAttrs c { }").is_empty());
    // The condition may use operators.
    assert!(mkif_operands("lib.mkIf (a && b) { }").is_empty());
}
