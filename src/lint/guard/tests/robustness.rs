//! Robustness.

use super::*;

#[test]
fn deep_inputs_do_not_exhaust_a_small_stack() {
    let chain = vec!["cfg.enable"; 5_000].join(" && ");
    let sum = vec!["cfg.cluster.port"; 5_000].join(" + ");
    let source = module(&format!(
        "lib.mkIf ({chain} && cfg.enableCluster) {{ x = {sum}; y = lib.mkIf ({chain}) cfg.cluster.port; }}"
    ));
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let found = unguarded(&source);
            // The long chain is too deep to analyse: counted as not implying the guard.
            assert!(found.len() <= 2, "{}", found.len());
        })
        .unwrap();
    handle.join().unwrap();
}
