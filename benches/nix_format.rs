//! Nix formatter throughput: parse only, parse + format, parse + format + verify.
//!
//! usage: cargo bench --bench nix_format -- DIR [ROUNDS]
//! Reads every `*.nix` file under DIR into memory, then times each stage over all files
//! (best of ROUNDS, default 5) and prints MB/s and the ratios to parse-only, then the
//! time of each formatter stage (one round). Files that do not parse are skipped. No IO happens inside the timed loops.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flakefmt::nix::NixFormatOptions;

/// rowan and the document IR allocate many small objects: measured with mimalloc, the
/// allocator we recommend for the `flakefmt` binary (see docs/nix-formatter.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use flakefmt::nix::format::{format_nix, format_verified};
use flakefmt::nix::parse::parse;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

fn best_of(rounds: usize, mut run: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: cargo bench --bench nix_format -- DIR [ROUNDS]");
        return;
    };
    let rounds = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut paths = Vec::new();
    collect(Path::new(dir), &mut paths);
    paths.sort();
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|s| parse(s).is_ok())
        .collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    let options = NixFormatOptions::default();
    let changed = sources
        .iter()
        .filter(|s| {
            let parsed = parse(s).expect("filtered above");
            format_nix(s, &parsed, &options).is_ok_and(|out| &out != *s)
        })
        .count();
    println!(
        "{} files ({} would change), {:.2} MB, best of {rounds}",
        sources.len(),
        changed,
        bytes as f64 / 1e6
    );
    let parse_only = best_of(rounds, || {
        for source in &sources {
            std::hint::black_box(parse(source).is_ok());
        }
    });
    let format = best_of(rounds, || {
        for source in &sources {
            let parsed = parse(source).expect("filtered above");
            std::hint::black_box(format_nix(source, &parsed, &options).ok());
        }
    });
    let verify = best_of(rounds, || {
        for source in &sources {
            let parsed = parse(source).expect("filtered above");
            std::hint::black_box(format_verified(source, &parsed, &options).ok());
        }
    });
    // The direct parser (the fast path of `format_source`): parse only, and parse +
    // format (files it declines are formatted on the rnix path, as `format_source` does).
    let fast_parse = best_of(rounds, || {
        for source in &sources {
            std::hint::black_box(
                flakefmt::nix::format::parser::parse_whole(source, false).is_some(),
            );
        }
    });
    let fast_format = best_of(rounds, || {
        for source in &sources {
            let output = match flakefmt::nix::format::format_fast(source, &options) {
                Some(result) => result.ok(),
                None => {
                    let parsed = parse(source).expect("filtered above");
                    format_verified(source, &parsed, &options).ok()
                }
            };
            std::hint::black_box(output);
        }
    });
    let fast_hits = sources
        .iter()
        .filter(|s| flakefmt::nix::format::parser::parse_whole(s, false).is_some())
        .count();
    let report = |name: &str, time: Duration| {
        println!(
            "{name:<28} {:>9.1} ms {:>8.1} MB/s {:>6.2}x parse",
            time.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / time.as_secs_f64(),
            time.as_secs_f64() / parse_only.as_secs_f64()
        );
    };
    let mut stages = flakefmt::nix::format::StageTimes::default();
    for source in &sources {
        let parsed = parse(source).expect("filtered above");
        let _ = flakefmt::nix::format::time_stages(source, &parsed, &options, &mut stages);
    }
    report("parse", parse_only);
    report("parse+format", format);
    report("parse+format+verify", verify);
    println!("direct parser ({fast_hits} of {} files):", sources.len());
    report("fast parse", fast_parse);
    report("fast parse+format+verify", fast_format);
    println!("format stages (one round, parse excluded):");
    report("  lower (CST -> tree)", stages.lower);
    report("  rules (tree -> doc)", stages.rules);
    report("  fixup", stages.fixup);
    report("  layout", stages.layout);
}
