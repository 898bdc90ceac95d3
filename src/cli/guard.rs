//! Turns a panic inside a formatter into an error for that one file.
//!
//! A process-wide panic hook stays quiet while a thread is inside [`catch`] (so users
//! never see a raw backtrace; we print our own error naming the file) and behaves as the
//! default hook everywhere else, so a bug in the CLI itself is still loud.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static LOCATION: Cell<Option<String>> = const { Cell::new(None) };
}

/// Installs the quiet hook (once per process).
pub fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let location = info
                    .location()
                    .map(|location| format!("{}:{}", location.file(), location.line()));
                LOCATION.with(|cell| cell.set(location));
            } else {
                default_hook(info);
            }
        }));
    });
}

/// Runs `work`; a panic becomes `Err` with its message and where it happened.
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_guarded = GUARDED.with(|guarded| guarded.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|guarded| guarded.set(was_guarded));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        match LOCATION.with(|cell| cell.take()) {
            Some(location) => format!("{message} (at {location})"),
            None => message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let result: Result<(), String> = catch(|| panic!("boom"));
        let message = result.unwrap_err();
        assert!(message.starts_with("boom"), "{message}");
        assert_eq!(catch(|| 7), Ok(7));
    }
}
