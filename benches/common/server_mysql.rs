//! MariaDB / MySQL: the backend-specific pieces of `common/server_workloads.rs`.
//! Declared by `benches/servers.rs` under its backend feature.

use criterion::Criterion;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

// The same workloads for each backend, compiled against this module's `Conn`: loaded once
// per backend on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "server_workloads.rs"]
mod workloads;

pub type Conn = diesel::mysql::MysqlConnection;
pub const BACKEND: &str = "mysql";

/// The DDL SQLAlchemy's `create_all` emits for the models on MySQL / MariaDB
/// (`AUTO_INCREMENT` integer keys; the server's default engine and character set).
const RAW_DDL: &str = r#"
CREATE TABLE page (
	id INTEGER NOT NULL AUTO_INCREMENT,
	title VARCHAR(200) NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE tag (
	id INTEGER NOT NULL AUTO_INCREMENT,
	name VARCHAR(50) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE `user` (
	id INTEGER NOT NULL AUTO_INCREMENT,
	name VARCHAR(80) NOT NULL,
	email VARCHAR(120) NOT NULL,
	hair_color VARCHAR(20),
	PRIMARY KEY (id)
);
CREATE INDEX ix_user_name ON `user` (name);
CREATE TABLE page_tags (
	page_id INTEGER NOT NULL,
	tag_id INTEGER NOT NULL,
	PRIMARY KEY (page_id, tag_id),
	FOREIGN KEY(page_id) REFERENCES page (id),
	FOREIGN KEY(tag_id) REFERENCES tag (id)
);
CREATE TABLE post (
	id INTEGER NOT NULL AUTO_INCREMENT,
	user_id INTEGER NOT NULL,
	title VARCHAR(200) NOT NULL,
	body TEXT,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES `user` (id)
);
CREATE INDEX ix_post_user_id ON post (user_id);
"#;

/// Empties every table, children first. InnoDB refuses `TRUNCATE` on a table that a
/// foreign key references, even an empty one, so this is `DELETE`.
pub const RESET_ALL: &str =
    "DELETE FROM page_tags; DELETE FROM post; DELETE FROM `user`; DELETE FROM page; \
     DELETE FROM tag;";

/// Nothing to run after seeding: InnoDB recomputes a table's statistics itself once a tenth
/// of it changed, and MariaDB has no plan cache whose choice the statistics would sway.
pub const ANALYZE: Option<&str> = None;

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// The current database's tables as sorted lines: engine and collation; columns (position,
/// name, full type, nullability, default, `auto_increment`, key kind); every index column
/// (index name, uniqueness, position); every foreign-key column (constraint name,
/// referenced table and column). Server-chosen names (`page_tags_ibfk_1`, the index InnoDB
/// adds for an unindexed foreign key) are compared too: both sides leave them to the server.
pub fn shape(conn: &mut Conn) -> Vec<String> {
    diesel::sql_query(
        "SELECT CONCAT_WS(' ', 'table', TABLE_NAME, ENGINE, TABLE_COLLATION) AS line
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
         UNION ALL
         SELECT CONCAT_WS(' ', 'column', TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME,
             COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '-'), EXTRA, COLUMN_KEY)
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
         UNION ALL
         SELECT CONCAT_WS(' ', 'index', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX,
             COLUMN_NAME)
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
         UNION ALL
         SELECT CONCAT_WS(' ', 'foreign key', TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
             REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME)
           FROM information_schema.KEY_COLUMN_USAGE
           WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY line",
    )
    .load::<Line>(conn)
    .expect("catalog")
    .into_iter()
    .map(|l| l.line)
    .collect()
}

#[derive(QueryableByName)]
struct LastId {
    #[diesel(sql_type = diesel::sql_types::Unsigned<diesel::sql_types::BigInt>)]
    id: u64,
}

/// W6's raw chunk. MariaDB has no `INSERT … RETURNING` in Diesel: one multi-row `INSERT`,
/// then `LAST_INSERT_ID()`, the key of its first row; InnoDB hands a multi-row insert
/// consecutive keys (`innodb_autoinc_lock_mode` ≤ 1, the default 1 here), so the chunk's
/// ids follow. fsql's `add_all` relies on the same rule (and checks the two settings).
pub fn insert_returning_ids(
    conn: &mut Conn,
    rows: &[workloads::raw::NewUser],
) -> QueryResult<Vec<i32>> {
    diesel::insert_into(workloads::raw::user::table)
        .values(rows)
        .execute(conn)?;
    let first = diesel::sql_query("SELECT LAST_INSERT_ID() AS id")
        .get_result::<LastId>(conn)?
        .id;
    let first = i32::try_from(first).expect("ids fit in INTEGER");
    Ok((first..).take(rows.len()).collect())
}

/// The run's two databases, dropped when this is dropped (also during a panic's unwind).
pub struct Server {
    pub fsql_url: String,
    pub raw_url: String,
    base: String,
    names: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        match Conn::establish(&self.base) {
            Ok(mut admin) => {
                for name in &self.names {
                    if let Err(e) = admin.batch_execute(&format!("DROP DATABASE {name}")) {
                        eprintln!("could not drop database {name}: {e}");
                    }
                }
            }
            Err(e) => eprintln!("could not drop databases {:?}: {e}", self.names),
        }
    }
}

/// `base` with its database replaced by `db` (query string kept).
fn with_database(base: &str, db: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (base, String::new()),
    };
    let host_start = main.find("://").map_or(0, |i| i + 3);
    let server = match main[host_start..].find('/') {
        Some(i) => &main[..host_start + i],
        None => main,
    };
    format!("{server}/{db}{query}")
}

pub fn bench(c: &mut Criterion) {
    let Some(base) = super::url_or_skip(
        "FSQL_BENCH_MYSQL_URL",
        "MariaDB",
        "mysql://root@127.0.0.1:3306/test",
    ) else {
        return;
    };
    let mut admin =
        Conn::establish(&base).unwrap_or_else(|e| panic!("cannot connect to {base}: {e}"));
    let name = super::fresh_name("fsql_bench");
    let mut server = Server {
        fsql_url: with_database(&base, &name),
        raw_url: with_database(&base, &format!("{name}_raw")),
        base: base.clone(),
        names: Vec::new(),
    };
    for db in [name.clone(), format!("{name}_raw")] {
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap_or_else(|e| panic!("cannot create database {db} on {base}: {e}"));
        server.names.push(db);
    }
    drop(admin);
    workloads::run(c, &server, RAW_DDL);
    drop(server);
}
