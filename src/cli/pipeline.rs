//! The run's pipeline: the walk hands files to worker threads through a bounded queue as
//! it finds them, so no list of paths is built up front and the walk overlaps the work.
//! What each file produced is the caller's business (keep only what is worth reporting:
//! memory then does not grow with the number of files).

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::discover::ConfigStore;
use super::run::FORMAT_STACK_SIZE;
use super::walk::{self, Candidate, WalkError};

/// Batches of files ([`walk::BATCH`] at most) waiting for a worker, per worker thread:
/// enough that workers never starve while the walk reads a directory, few enough to be
/// nothing next to the work.
pub const QUEUE_PER_THREAD: usize = 4;

/// Walks `paths` (see [`walk::stream`]) and runs `work` on every file found, on `threads`
/// worker threads with [`FORMAT_STACK_SIZE`] stacks, while the walk goes on. Returns the
/// paths the walk could not use, or why no worker could start.
pub fn run(
    paths: &[PathBuf],
    store: &Arc<ConfigStore>,
    force_exclude: bool,
    threads: usize,
    work: &(dyn Fn(Candidate) + Sync),
) -> Result<Vec<WalkError>, String> {
    run_observed(paths, store, force_exclude, threads, work, &|| {})
}

/// [`run`], calling `found` as the walk finds each file (before it is queued).
fn run_observed(
    paths: &[PathBuf],
    store: &Arc<ConfigStore>,
    force_exclude: bool,
    threads: usize,
    work: &(dyn Fn(Candidate) + Sync),
    found: &(dyn Fn() + Sync),
) -> Result<Vec<WalkError>, String> {
    let threads = threads.max(1);
    let (sender, receiver) = mpsc::sync_channel::<Vec<Candidate>>(QUEUE_PER_THREAD * threads);
    // Each worker owns a handle on the receiver: if every worker is gone (a bug panicked
    // them all), the receiver is dropped and the walk's sends fail instead of blocking.
    let receiver = Arc::new(Mutex::new(receiver));
    std::thread::scope(|scope| {
        let mut failure = None;
        let mut started = 0;
        for index in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("flakefmt-{index}"))
                .stack_size(FORMAT_STACK_SIZE)
                .spawn_scoped(scope, move || {
                    loop {
                        let next = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => break,
                        };
                        match next {
                            Ok(batch) => batch.into_iter().for_each(work),
                            Err(_) => break,
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(error) => {
                    failure = Some(format!("could not start worker threads: {error}"));
                    break;
                }
            }
        }
        drop(receiver);
        if started == 0 {
            return Err(failure.unwrap_or_else(|| "could not start worker threads".into()));
        }
        let errors = walk::stream(paths, store, force_exclude, threads, &|batch| {
            batch.iter().for_each(|_| found());
            sender.send(batch).is_ok()
        });
        drop(sender);
        Ok(errors)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::discover::CliOverrides;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The walk does not run ahead of the workers: the files found and not yet finished
    /// never exceed the queue plus a batch per worker and per walking thread, however
    /// slow the work. A walk that collected its paths first would be 2,000 ahead.
    #[test]
    fn the_walk_never_runs_ahead_of_the_workers_by_more_than_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let files = 2_000;
        for index in 0..files {
            std::fs::write(dir.path().join(format!("f{index}.nix")), "{ }\n").unwrap();
        }
        let store = Arc::new(ConfigStore::new(None, CliOverrides::default()));
        let threads = 2;
        let found = AtomicUsize::new(0);
        let finished = AtomicUsize::new(0);
        let most_ahead = AtomicUsize::new(0);
        let errors = run_observed(
            &[dir.path().to_path_buf()],
            &store,
            false,
            threads,
            &|_| {
                std::thread::sleep(std::time::Duration::from_micros(50));
                finished.fetch_add(1, Ordering::SeqCst);
            },
            &|| {
                let found = found.fetch_add(1, Ordering::SeqCst) + 1;
                most_ahead.fetch_max(found - finished.load(Ordering::SeqCst), Ordering::SeqCst);
            },
        )
        .unwrap();
        assert!(errors.is_empty());
        assert_eq!(finished.load(Ordering::SeqCst), files);
        let bound = (QUEUE_PER_THREAD * threads + 2 * threads) * walk::BATCH;
        let ahead = most_ahead.load(Ordering::SeqCst);
        assert!(
            ahead <= bound,
            "{ahead} files found ahead of the workers (bound {bound})"
        );
    }
}
