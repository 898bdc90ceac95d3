//! Embeds every `rules/*.md` rule doc into the binary (`flakefmt rule NAME`), through a
//! generated list of `include_str!`s, so adding a doc needs no code change.

use std::env;
use std::fs;
use std::path::Path;

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let rules_dir = Path::new(&manifest_dir).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut docs: Vec<(String, String)> = Vec::new();
    if let Ok(entries) = fs::read_dir(&rules_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            docs.push((stem.to_string(), path.display().to_string()));
        }
    }
    docs.sort();
    let mut out = String::from("&[\n");
    for (name, path) in docs {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    out.push_str("]\n");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("rule_docs.rs"), out).expect("OUT_DIR is writable");
}
