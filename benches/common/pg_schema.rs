//! A fresh PostgreSQL schema for one benchmark run, dropped at the end (also when a check
//! panics). Shared by the benchmarks that run on PostgreSQL.

#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;

/// Drops the run's schema when dropped.
pub struct Schema {
    admin_url: String,
    /// The schema's name.
    pub name: String,
    /// A URL whose connections work in the schema (`search_path`).
    pub url: String,
}

impl Schema {
    /// Creates `<prefix>_<pid>_<nanos>` on the server at `base`.
    pub fn create(base: &str, prefix: &str) -> Result<Self, String> {
        let mut admin = PgConnection::establish(base).map_err(|e| e.to_string())?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("{prefix}_{}_{nanos}", std::process::id());
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .map_err(|e| e.to_string())?;
        let sep = if base.contains('?') { '&' } else { '?' };
        Ok(Self {
            admin_url: base.to_owned(),
            url: format!("{base}{sep}options=-csearch_path%3D{name}"),
            name,
        })
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                c.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name))
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = dropped {
            eprintln!("could not drop schema {}: {e}", self.name);
        }
    }
}
