//! `flakefmt rule` (list the rules) and `flakefmt rule NAME` (print `rules/NAME.md`, which
//! is embedded in the binary).

use std::fmt::Write;

use flakefmt::lint::registry;

use super::report::Exit;

/// Runs `flakefmt rule [NAME]`.
pub fn run(name: Option<&str>) -> Exit {
    match name {
        None => {
            print!("{}", list());
            Exit::Clean
        }
        Some(name) => match registry::doc(name) {
            Some(doc) => {
                print!("{doc}");
                if !doc.ends_with('\n') {
                    println!();
                }
                Exit::Clean
            }
            None => {
                eprintln!("error: unknown rule `{name}` (`flakefmt rule` lists the rules)");
                Exit::Errors
            }
        },
    }
}

/// One line per rule: code, name, default severity, fix, summary.
fn list() -> String {
    let width = registry::RULES
        .iter()
        .map(|rule| rule.meta().name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for rule in registry::RULES {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "{}  {:width$}  {:7}  fix: {:11}  {}",
            meta.code,
            meta.name,
            meta.severity.as_str(),
            meta.fix.as_str(),
            meta.summary,
        );
    }
    out
}
