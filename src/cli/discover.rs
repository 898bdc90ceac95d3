//! Configuration discovery: the nearest `flakefmt.toml` (or `--config`) and the nearest
//! ruff configuration above each file, read once per directory and cached.
//!
//! Directories are compared as absolute, lexically normalised paths (no symlink
//! resolution, so a path that does not exist, as `--stdin-filepath` allows, still finds
//! its configuration).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rustc_hash::FxHashMap;

use super::walk::split_name;

use flakefmt::config::{CONFIG_FILE_NAME, Config};
use flakefmt::nix::NixFormatOptions;
use flakefmt::python::PythonFormatOptions;
use flakefmt::python::PythonVersion;
use flakefmt::python::ruff_config::{self, RuffConfigKind, RuffSettings};

/// A configuration file that could not be used; reported once, and every file under it
/// fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFailure {
    /// The file at fault.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ConfigFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Settings given on the command line; they win over every file.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    /// `--line-width`.
    pub line_width: Option<usize>,
    /// `--indent-width`.
    pub indent_width: Option<usize>,
    /// `--strict`.
    pub strict: bool,
}

/// One `flakefmt.toml` (or the defaults when there is none), ready to use.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The parsed configuration.
    pub config: Config,
    /// The directory the `exclude` globs are relative to.
    pub dir: PathBuf,
    /// The compiled `exclude` globs.
    excludes: Gitignore,
    /// A fingerprint of `config.lint`, computed once (the cache keys every file with it).
    lint_fingerprint: OnceLock<u64>,
}

impl LoadedConfig {
    fn defaults() -> Self {
        LoadedConfig {
            config: Config::default(),
            dir: PathBuf::from("/"),
            excludes: Gitignore::empty(),
            lint_fingerprint: OnceLock::new(),
        }
    }

    fn load(path: &Path) -> Result<LoadedConfig, ConfigFailure> {
        let failure = |message: String| ConfigFailure {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|error| failure(error.to_string()))?;
        let config = Config::from_toml(&text).map_err(|error| failure(error.message))?;
        let dir = normalize(path.parent().unwrap_or(Path::new("/")));
        let mut builder = GitignoreBuilder::new(&dir);
        for glob in &config.exclude {
            builder
                .add_line(None, glob)
                .map_err(|error| failure(format!("exclude `{glob}`: {error}")))?;
        }
        let excludes = builder
            .build()
            .map_err(|error| failure(format!("exclude: {error}")))?;
        Ok(LoadedConfig {
            config,
            dir,
            excludes,
            lint_fingerprint: OnceLock::new(),
        })
    }

    /// A stable fingerprint of the `[lint]` settings (for the cache's lint keys).
    pub fn lint_fingerprint(&self) -> u64 {
        *self.lint_fingerprint.get_or_init(|| {
            super::cache::Fingerprint::new()
                .debug(&self.config.lint)
                .key()
        })
    }

    /// Whether `path` (absolute, normalised) matches an `exclude` glob; with
    /// `include_parents`, also when one of its directories does.
    fn excludes(&self, path: &Path, is_dir: bool, include_parents: bool) -> bool {
        if !path.starts_with(&self.dir) || path == self.dir {
            return false;
        }
        let matched = if include_parents {
            self.excludes.matched_path_or_any_parents(path, is_dir)
        } else {
            self.excludes.matched(path, is_dir)
        };
        matched.is_ignore()
    }
}

type FlakefmtLookup = Result<Arc<LoadedConfig>, Arc<ConfigFailure>>;

/// The ruff configuration that applies in one directory.
#[derive(Debug, Clone, Default)]
struct RuffResolution {
    /// The settings of the nearest ruff configuration (after `extend`), if any.
    settings: Option<RuffSettings>,
    /// The `requires-python` fallback for `target-version`, resolved as ruff does.
    requires_python: Option<PythonVersion>,
}

type RuffLookup = Result<Arc<RuffResolution>, Arc<ConfigFailure>>;

/// How many directories each memo of a [`ConfigStore`] remembers before it starts again
/// empty: enough for the walk's neighbourhood (it goes depth first), and memory does not
/// grow with the size of the tree.
pub const MEMO_LIMIT: usize = 1024;

/// Inserts into a per-directory memo, emptied first when it holds [`MEMO_LIMIT`]
/// directories: memory does not grow with the size of the tree (a forgotten directory is
/// found again from its parent). The memo is grown once, not rehashed on the way.
pub fn bounded_insert<K, V, S>(memo: &mut HashMap<K, V, S>, key: K, value: V)
where
    K: Eq + std::hash::Hash,
    S: std::hash::BuildHasher,
{
    if memo.len() >= MEMO_LIMIT {
        memo.clear();
    }
    if memo.capacity() == 0 {
        memo.reserve(MEMO_LIMIT);
    }
    memo.insert(key, value);
}

/// Finds, reads and caches configuration for every file of a run. Shared across threads.
#[derive(Debug)]
pub struct ConfigStore {
    overrides: CliOverrides,
    explicit: Option<FlakefmtLookup>,
    /// The configuration per directory (normalised), at most [`MEMO_LIMIT`] of them.
    flakefmt: Mutex<HashMap<PathBuf, FlakefmtLookup>>,
    /// The answer of [`ConfigStore::flakefmt_config`] per parent directory as spelled in
    /// the run's paths (no normalising, no locking out other readers: asked per file), and
    /// that directory normalised, at most [`MEMO_LIMIT`] of them. A directory below a known
    /// one is answered from it: its own `flakefmt.toml`, else its parent's answer.
    by_spelled_dir: RwLock<FxHashMap<OsString, (FlakefmtLookup, PathBuf)>>,
    /// How many directories were normalised and looked up from the top (tests count them).
    #[cfg(test)]
    full_lookups: std::sync::atomic::AtomicUsize,
    /// The ruff configuration per directory, at most [`MEMO_LIMIT`] of them.
    ruff: Mutex<HashMap<PathBuf, RuffLookup>>,
    /// Every configuration file that failed to load, once each (the memos forget).
    failed: Mutex<Vec<Arc<ConfigFailure>>>,
}

impl ConfigStore {
    /// A store using `explicit` (`--config`) for every file if given, else the nearest
    /// `flakefmt.toml`.
    pub fn new(explicit: Option<&Path>, overrides: CliOverrides) -> ConfigStore {
        let explicit = explicit.map(|path| {
            LoadedConfig::load(&normalize(path))
                .map(Arc::new)
                .map_err(|failure| {
                    Arc::new(ConfigFailure {
                        path: path.to_path_buf(),
                        ..failure
                    })
                })
        });
        ConfigStore {
            overrides,
            explicit,
            flakefmt: Mutex::new(HashMap::new()),
            by_spelled_dir: RwLock::new(FxHashMap::default()),
            #[cfg(test)]
            full_lookups: std::sync::atomic::AtomicUsize::new(0),
            ruff: Mutex::new(HashMap::new()),
            failed: Mutex::new(Vec::new()),
        }
    }

    /// The error of the `--config` file, if it was given and cannot be used (a run stops
    /// before looking at any file).
    pub fn explicit_failure(&self) -> Option<Arc<ConfigFailure>> {
        match &self.explicit {
            Some(Err(failure)) => Some(Arc::clone(failure)),
            _ => None,
        }
    }

    /// Every configuration file that failed to load so far (each once), in path order.
    pub fn failures(&self) -> Vec<Arc<ConfigFailure>> {
        let mut failures: Vec<Arc<ConfigFailure>> = Vec::new();
        failures.extend(self.explicit_failure());
        for failure in self.failed.lock().expect("config cache lock").iter() {
            if !failures.iter().any(|known| known.path == failure.path) {
                failures.push(Arc::clone(failure));
            }
        }
        failures.sort_by(|a, b| a.path.cmp(&b.path));
        failures
    }

    /// Notes the failure in `lookup`, if any, for [`ConfigStore::failures`].
    fn note_failure<T>(&self, lookup: &Result<T, Arc<ConfigFailure>>) {
        if let Err(failure) = lookup {
            let mut failed = self.failed.lock().expect("config cache lock");
            if !failed.iter().any(|known| known.path == failure.path) {
                failed.push(Arc::clone(failure));
            }
        }
    }

    /// The `flakefmt.toml` that applies to `path` (a file or directory).
    pub fn flakefmt_config(&self, path: &Path) -> FlakefmtLookup {
        if let Some(explicit) = &self.explicit {
            return explicit.clone();
        }
        // `dir/name` has the configuration of `dir` (not so for `dir/..`).
        let Some((spelled, _)) = split_name(path) else {
            let absolute = normalize(path);
            return self.flakefmt_in(absolute.parent().unwrap_or(&absolute));
        };
        if let Some((found, _)) = self
            .by_spelled_dir
            .read()
            .expect("config cache lock")
            .get(spelled.as_os_str())
        {
            return found.clone();
        }
        self.spelled_dir(spelled).0
    }

    /// The configuration of the directory spelled `dir` (empty: the current directory)
    /// and `dir` normalised, memoised. A directory spelled `parent/name` is `parent`
    /// normalised and `name`: it has its own `flakefmt.toml` or its parent's configuration,
    /// found the same way (so a walk, which asks about a directory before what is in it,
    /// normalises nothing and looks for one `flakefmt.toml` per directory).
    fn spelled_dir(&self, dir: &Path) -> (FlakefmtLookup, PathBuf) {
        if let Some(known) = self
            .by_spelled_dir
            .read()
            .expect("config cache lock")
            .get(dir.as_os_str())
        {
            return known.clone();
        }
        let (found, normal) = match split_name(dir) {
            Some((parent, name)) if !parent.as_os_str().is_empty() => {
                let (parent_found, parent_normal) = self.spelled_dir(parent);
                let normal = parent_normal.join(name);
                let found = if normal.join(CONFIG_FILE_NAME).is_file() {
                    // Loaded once however its directory is spelled.
                    self.flakefmt_in(&normal)
                } else {
                    parent_found
                };
                (found, normal)
            }
            _ => {
                #[cfg(test)]
                self.full_lookups
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let normal = normalize(if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                });
                (self.flakefmt_in(&normal), normal)
            }
        };
        bounded_insert(
            &mut self.by_spelled_dir.write().expect("config cache lock"),
            dir.as_os_str().to_os_string(),
            (found.clone(), normal.clone()),
        );
        (found, normal)
    }

    fn flakefmt_in(&self, dir: &Path) -> FlakefmtLookup {
        if let Some(found) = self.flakefmt.lock().expect("config cache lock").get(dir) {
            return found.clone();
        }
        let candidate = dir.join(CONFIG_FILE_NAME);
        let found = if candidate.is_file() {
            LoadedConfig::load(&candidate)
                .map(Arc::new)
                .map_err(Arc::new)
        } else {
            match dir.parent() {
                Some(parent) => self.flakefmt_in(parent),
                None => Ok(Arc::new(LoadedConfig::defaults())),
            }
        };
        self.note_failure(&found);
        bounded_insert(
            &mut self.flakefmt.lock().expect("config cache lock"),
            dir.to_path_buf(),
            found.clone(),
        );
        found
    }

    /// Whether the configuration's `exclude` globs exclude `path` itself. A walk asks this
    /// of every entry and prunes excluded directories, so what is below a directory the
    /// user named is judged from there down (naming an excluded directory processes it).
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        match self.flakefmt_config(path) {
            Ok(loaded) if loaded.excludes.is_empty() => false,
            Ok(loaded) => loaded.excludes(&normalize(path), is_dir, false),
            Err(_) => false,
        }
    }

    /// Whether `path` or one of its directories is excluded (`--force-exclude` on a file
    /// named on the command line or by `--stdin-filepath`).
    pub fn is_force_excluded(&self, path: &Path) -> bool {
        match self.flakefmt_config(path) {
            Ok(loaded) => loaded.excludes(&normalize(path), false, true),
            Err(_) => false,
        }
    }

    /// The Nix options for `path`: `[format]`, then the command line.
    pub fn nix_options(&self, path: &Path) -> Result<NixFormatOptions, Arc<ConfigFailure>> {
        let loaded = self.flakefmt_config(path)?;
        let mut options = NixFormatOptions::from(&loaded.config.format);
        if let Some(width) = self.overrides.line_width {
            options.width = width;
        }
        if let Some(indent) = self.overrides.indent_width {
            options.indent = indent;
        }
        options.strict |= self.overrides.strict;
        Ok(options)
    }

    /// The Python options for `path`: ruff's defaults, the nearest ruff configuration, then
    /// `[python]` of `flakefmt.toml`. `--line-width` does not apply (it is the Nix width).
    pub fn python_options(
        &self,
        path: &Path,
        stub: bool,
    ) -> Result<PythonFormatOptions, Arc<ConfigFailure>> {
        let absolute = normalize(path);
        let ruff = self.ruff_in(absolute.parent().unwrap_or(&absolute))?;
        let mut options = PythonFormatOptions {
            stub,
            ..PythonFormatOptions::default()
        };
        if let Some(version) = ruff.requires_python {
            options.target_version = version;
        }
        if let Some(settings) = &ruff.settings {
            settings.apply(&mut options);
        }
        let loaded = self.flakefmt_config(path)?;
        loaded.config.python.apply(&mut options).map_err(|error| {
            Arc::new(ConfigFailure {
                path: loaded.dir.join(CONFIG_FILE_NAME),
                message: error.message,
            })
        })?;
        Ok(options)
    }

    fn ruff_in(&self, dir: &Path) -> RuffLookup {
        if let Some(found) = self.ruff.lock().expect("ruff cache lock").get(dir) {
            return found.clone();
        }
        let found = self.resolve_ruff(dir);
        self.note_failure(&found);
        bounded_insert(
            &mut self.ruff.lock().expect("ruff cache lock"),
            dir.to_path_buf(),
            found.clone(),
        );
        found
    }

    /// ruff's discovery: in each directory from `dir` up, `.ruff.toml`, then `ruff.toml`,
    /// then a `pyproject.toml` with `[tool.ruff]`. Without a `target-version`, the
    /// `requires-python` of the `pyproject.toml` beside the configuration applies; when
    /// there is no configuration at all, that of the nearest `pyproject.toml`.
    fn resolve_ruff(&self, dir: &Path) -> RuffLookup {
        let pyproject_path = dir.join("pyproject.toml");
        let pyproject = if pyproject_path.is_file() {
            Some(read_ruff_file(&pyproject_path, RuffConfigKind::Pyproject).map_err(Arc::new)?)
        } else {
            None
        };
        let sibling_requires_python = pyproject.as_ref().and_then(|file| file.requires_python);
        for name in [".ruff.toml", "ruff.toml"] {
            let path = dir.join(name);
            if path.is_file() {
                let file = read_ruff_file(&path, RuffConfigKind::RuffToml).map_err(Arc::new)?;
                let settings = resolve_extend(file.settings.unwrap_or_default(), &path, 0)
                    .map_err(Arc::new)?;
                return Ok(Arc::new(RuffResolution {
                    settings: Some(settings),
                    requires_python: sibling_requires_python,
                }));
            }
        }
        if let Some(file) = pyproject
            && let Some(settings) = file.settings
        {
            let settings = resolve_extend(settings, &pyproject_path, 0).map_err(Arc::new)?;
            return Ok(Arc::new(RuffResolution {
                settings: Some(settings),
                requires_python: sibling_requires_python,
            }));
        }
        let above = match dir.parent() {
            Some(parent) => self.ruff_in(parent)?,
            None => Arc::new(RuffResolution::default()),
        };
        if above.settings.is_none() && sibling_requires_python.is_some() {
            return Ok(Arc::new(RuffResolution {
                settings: None,
                requires_python: sibling_requires_python,
            }));
        }
        Ok(above)
    }
}

fn read_ruff_file(
    path: &Path,
    kind: RuffConfigKind,
) -> Result<ruff_config::RuffConfigFile, ConfigFailure> {
    let failure = |message: String| ConfigFailure {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|error| failure(error.to_string()))?;
    ruff_config::parse(&text, kind).map_err(failure)
}

/// Follows ruff's `extend` chain (paths relative to the extending file's directory).
fn resolve_extend(
    mut settings: RuffSettings,
    path: &Path,
    depth: usize,
) -> Result<RuffSettings, ConfigFailure> {
    let Some(extend) = settings.extend.take() else {
        return Ok(settings);
    };
    if depth >= 16 {
        return Err(ConfigFailure {
            path: path.to_path_buf(),
            message: "`extend` chain is too long (a cycle?)".into(),
        });
    }
    let base_path = normalize(&path.parent().unwrap_or(Path::new("/")).join(extend));
    let kind = if base_path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        RuffConfigKind::Pyproject
    } else {
        RuffConfigKind::RuffToml
    };
    let base = read_ruff_file(&base_path, kind)?;
    let base = resolve_extend(base.settings.unwrap_or_default(), &base_path, depth + 1)?;
    settings.extend_from(&base);
    Ok(settings)
}

/// The current directory, read once (flakefmt never changes it): `std::path::absolute`
/// asks the kernel on every call, several times per file of a run.
fn current_dir() -> Option<&'static Path> {
    static CURRENT: OnceLock<Option<PathBuf>> = OnceLock::new();
    CURRENT
        .get_or_init(|| std::env::current_dir().ok())
        .as_deref()
}

/// `std::path::absolute`, with the current directory read once: a relative path is
/// joined to it, without its `.` components.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() || path.as_os_str().is_empty() {
        return std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    }
    let Some(current) = current_dir() else {
        return std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    };
    let mut absolute = current.to_path_buf();
    for component in path.components() {
        if component != Component::CurDir {
            absolute.push(component);
        }
    }
    absolute
}

/// The absolute form of `path` with `.` and `..` removed lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = absolute(path);
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of more directories than the memos hold: every answer is still right, the
    /// memos stay within their limit, and a broken configuration met before they were
    /// emptied is still reported.
    #[test]
    fn memos_are_bounded_and_forget_nothing_that_matters() {
        let root = tempfile::tempdir().unwrap();
        let broken = root.path().join("broken");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(broken.join(CONFIG_FILE_NAME), "[format\n").unwrap();
        let wide = root.path().join("wide");
        std::fs::create_dir_all(&wide).unwrap();
        std::fs::write(wide.join(CONFIG_FILE_NAME), "[format]\nindent-width = 4\n").unwrap();
        let store = ConfigStore::new(None, CliOverrides::default());
        assert!(store.flakefmt_config(&broken.join("a.nix")).is_err());
        assert!(store.python_options(&broken.join("a.py"), false).is_err());
        for index in 0..MEMO_LIMIT * 2 + 10 {
            let dir = wide.join(format!("d{index}"));
            std::fs::create_dir(&dir).unwrap();
            let options = store.nix_options(&dir.join("x.nix")).unwrap();
            assert_eq!(options.indent, 4, "{index}");
            let python = store.python_options(&dir.join("x.py"), false).unwrap();
            assert_eq!(
                python,
                store.python_options(&wide.join("x.py"), false).unwrap()
            );
        }
        assert!(store.flakefmt.lock().unwrap().len() <= MEMO_LIMIT);
        assert!(store.by_spelled_dir.read().unwrap().len() <= MEMO_LIMIT);
        assert!(store.ruff.lock().unwrap().len() <= MEMO_LIMIT);
        let failures = store.failures();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(failures[0].path, broken.join(CONFIG_FILE_NAME));
        // Asked again after being forgotten: reported once.
        assert!(store.flakefmt_config(&broken.join("b.nix")).is_err());
        assert_eq!(store.failures().len(), 1);
    }

    /// A directory below one already known is answered from it: the walk, which asks
    /// about a directory before what is in it, normalises one path per root, not one per
    /// directory; the answers are those of a lookup from the top.
    #[test]
    fn a_directory_below_a_known_one_is_answered_from_it() {
        let root = tempfile::tempdir().unwrap();
        let top = root.path();
        std::fs::create_dir_all(top.join("a/b/c/d")).unwrap();
        std::fs::create_dir_all(top.join("a/x")).unwrap();
        std::fs::write(
            top.join("a/b/flakefmt.toml"),
            "[format]\nindent-width = 4\n",
        )
        .unwrap();
        let store = ConfigStore::new(None, CliOverrides::default());
        let fresh = || ConfigStore::new(None, CliOverrides::default());
        for path in [
            "a",
            "a/b",
            "a/b/c",
            "a/b/c/d",
            "a/x",
            "a/b/c/d/e.nix",
            "a/x/y.nix",
        ] {
            let path = top.join(path);
            let ours = store.nix_options(&path.join("f.nix")).unwrap();
            assert_eq!(
                ours,
                fresh().nix_options(&path.join("f.nix")).unwrap(),
                "{path:?}"
            );
        }
        assert_eq!(
            store.nix_options(&top.join("a/b/c/f.nix")).unwrap().indent,
            4
        );
        assert_eq!(store.nix_options(&top.join("a/x/f.nix")).unwrap().indent, 2);
        let full = store
            .full_lookups
            .load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(full, 1, "the root's parents are found from the top once");
        // `..` is not a name: normalised and looked up from the top (lexically).
        let up = top.join("a/b/c/../x.nix");
        assert_eq!(store.nix_options(&up).unwrap().indent, 4);
        assert_eq!(
            store
                .full_lookups
                .load(std::sync::atomic::Ordering::Relaxed),
            full + 1
        );
    }
}
