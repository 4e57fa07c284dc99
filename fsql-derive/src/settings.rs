//! Crate-wide switches, read from the `[package.metadata.fsql]` table of the Cargo.toml of the
//! crate being compiled.
//!
//! Flask-SQLAlchemy turns automatic table names off for a whole application by giving
//! `SQLAlchemy(model_class=..)` a metaclass without the naming rule (the seeds' `NoNameMeta`).
//! A derive sees one struct at a time; the one thing every model of a crate shares is the
//! crate's manifest, so the switch lives there:
//!
//! ```toml
//! [package.metadata.fsql]
//! automatic_table_names = false
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

/// The valid keys of `[package.metadata.fsql]`.
const KEYS: &[&str] = &["automatic_table_names"];

/// What `[package.metadata.fsql]` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `false`: every model must say `#[fsql(table_name = "..")]`.
    pub automatic_table_names: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            automatic_table_names: true,
        }
    }
}

impl Settings {
    /// The settings of the crate being compiled. Without `CARGO_MANIFEST_DIR` (rustc run by
    /// hand) or without a manifest there, the defaults.
    pub fn of_current_crate() -> Result<Self, String> {
        match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) => Self::of_manifest_cached(&Path::new(&dir).join("Cargo.toml")),
            None => Ok(Self::default()),
        }
    }

    /// [`of_manifest`](Self::of_manifest), read and parsed once per compilation: every model
    /// of a crate asks, and the proc-macro library stays loaded while the crate compiles. The
    /// file's modification time is part of the key, for hosts such as rust-analyzer that keep
    /// the library loaded while the manifest is edited.
    pub fn of_manifest_cached(path: &Path) -> Result<Self, String> {
        type Cache = HashMap<PathBuf, (Option<SystemTime>, Result<Settings, String>)>;
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let mut cache = CACHE
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((read_at, settings)) = cache.get(path) {
            if *read_at == modified {
                return settings.clone();
            }
        }
        let settings = Self::of_manifest(path);
        cache.insert(path.to_owned(), (modified, settings.clone()));
        settings
    }

    /// The settings in the manifest at `path`; the defaults when it does not exist.
    pub fn of_manifest(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The settings in a manifest's text.
    pub fn parse(manifest: &str) -> Result<Self, String> {
        let table: toml::Table = manifest
            .parse()
            .map_err(|e| format!("not valid TOML: {e}"))?;
        let mut settings = Self::default();
        let fsql = table
            .get("package")
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get("fsql"));
        let Some(fsql) = fsql else {
            return Ok(settings);
        };
        let Some(fsql) = fsql.as_table() else {
            return Err("`package.metadata.fsql` must be a table".into());
        };
        for (key, value) in fsql {
            match key.as_str() {
                "automatic_table_names" => {
                    settings.automatic_table_names = value.as_bool().ok_or_else(|| {
                        format!(
                            "`package.metadata.fsql.automatic_table_names` must be true or false, \
                             not {value}"
                        )
                    })?;
                }
                other => {
                    return Err(format!(
                        "unknown key `{other}` in [package.metadata.fsql]; expected one of: {}",
                        KEYS.join(", ")
                    ))
                }
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_automatic_unless_the_manifest_turns_them_off() {
        let cases = [
            ("[package]\nname = \"app\"\n", Ok(true)),
            (
                "[package]\nname = \"app\"\n[package.metadata.fsql]\nautomatic_table_names = false\n",
                Ok(false),
            ),
            (
                "[package]\nname = \"app\"\nmetadata.fsql = { automatic_table_names = true }\n",
                Ok(true),
            ),
            (
                "[package.metadata.fsql]\nautomatic_table_names = \"no\"\n",
                Err("must be true or false"),
            ),
            (
                "[package.metadata.fsql]\nautomatic_tablenames = false\n",
                Err("unknown key `automatic_tablenames`"),
            ),
            ("[package.metadata]\nfsql = 1\n", Err("must be a table")),
            ("[package\n", Err("not valid TOML")),
        ];
        for (manifest, expected) in cases {
            let got = Settings::parse(manifest).map(|s| s.automatic_table_names);
            match (&got, expected) {
                (Ok(a), Ok(b)) => assert_eq!(*a, b, "{manifest}"),
                (Err(e), Err(part)) => assert!(e.contains(part), "{manifest}: {e}"),
                _ => panic!("{manifest}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn the_manifest_is_read_again_only_when_it_changes() {
        let dir = std::env::temp_dir().join(format!("fsql-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("Cargo.toml");
        let write = |text: &str, secs: u64| {
            std::fs::write(&path, text).unwrap();
            let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        };
        let off = "[package.metadata.fsql]\nautomatic_table_names = false\n";
        write(off, 1_000);
        assert!(
            !Settings::of_manifest_cached(&path)
                .unwrap()
                .automatic_table_names
        );
        // Same modification time: the cached answer, even though the text changed.
        write("[package]\n", 1_000);
        assert!(
            !Settings::of_manifest_cached(&path)
                .unwrap()
                .automatic_table_names
        );
        // A later modification time: read again.
        write("[package]\n", 2_000);
        assert!(
            Settings::of_manifest_cached(&path)
                .unwrap()
                .automatic_table_names
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_manifest_means_the_defaults() {
        let s = Settings::of_manifest(Path::new("/nonexistent/fsql/Cargo.toml")).unwrap();
        assert_eq!(s, Settings::default());
    }
}
