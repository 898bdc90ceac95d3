//! Profiling aid: runs the direct parser over every `.nix` file under a directory.
#[global_allocator]
static A: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let dir = std::env::args().nth(1).expect("DIR");
    let mut stack = vec![std::path::PathBuf::from(dir)];
    let mut sources = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p)
            } else if p.extension().is_some_and(|x| x == "nix") {
                sources.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let hits = sources
        .iter()
        .filter(|s| flakefmt::nix::format::parser::parse_whole(s, false).is_some())
        .count();
    println!("{hits} of {}", sources.len());
}
