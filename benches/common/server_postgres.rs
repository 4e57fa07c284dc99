//! PostgreSQL: the backend-specific pieces of `common/server_workloads.rs`.
//! Declared by `benches/servers.rs` under its backend feature.

use criterion::Criterion;
use diesel::prelude::*;

#[path = "pg_schema.rs"]
mod pg_schema;
// The same workloads for each backend, compiled against this module's `Conn`: loaded once
// per backend on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "server_workloads.rs"]
mod workloads;

pub type Conn = diesel::pg::PgConnection;
pub const BACKEND: &str = "postgres";

/// The DDL SQLAlchemy's `create_all` emits for the models on PostgreSQL (`schema.sql`'s
/// tables with `SERIAL` integer keys).
const RAW_DDL: &str = r#"
CREATE TABLE page (
	id SERIAL NOT NULL,
	title VARCHAR(200) NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE tag (
	id SERIAL NOT NULL,
	name VARCHAR(50) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE "user" (
	id SERIAL NOT NULL,
	name VARCHAR(80) NOT NULL,
	email VARCHAR(120) NOT NULL,
	hair_color VARCHAR(20),
	PRIMARY KEY (id)
);
CREATE INDEX ix_user_name ON "user" (name);
CREATE TABLE page_tags (
	page_id INTEGER NOT NULL,
	tag_id INTEGER NOT NULL,
	PRIMARY KEY (page_id, tag_id),
	FOREIGN KEY(page_id) REFERENCES page (id),
	FOREIGN KEY(tag_id) REFERENCES tag (id)
);
CREATE TABLE post (
	id SERIAL NOT NULL,
	user_id INTEGER NOT NULL,
	title VARCHAR(200) NOT NULL,
	body TEXT,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES "user" (id)
);
CREATE INDEX ix_post_user_id ON post (user_id);
"#;

/// Empties every table. `TRUNCATE` is PostgreSQL's counterpart of the SQLite benches'
/// `DELETE` + `VACUUM`: no dead rows left behind for the next repetition.
pub const RESET_ALL: &str = r#"TRUNCATE page_tags, post, "user", page, tag"#;

/// Run after every seeding, on both sides. A freshly filled table has no statistics until
/// autovacuum's `ANALYZE` comes by (within a minute or so, at a random point of the run), and
/// without them the planner picks a different plan for W3's page 400 depending on whether it
/// plans for the bound `OFFSET 9975` (custom plan: seq scan + sort of all 10 000 rows, ~2.4 ms)
/// or for any offset (a cached statement's generic plan: the primary-key index, ~1 ms). With
/// statistics both plans use the index, so the comparison measures the ORM, not the planner's
/// guess; a long-lived database has statistics too.
pub const ANALYZE: Option<&str> = Some("ANALYZE");

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// The current schema's tables as sorted lines: columns (position, name, type, length,
/// nullability, default), index definitions and constraint definitions, with the schema's
/// name taken out (each side's connection has its own schema first in `search_path`, so
/// names print unqualified). Server-chosen names (`user_pkey`, `post_user_id_fkey`,
/// `tag_name_key`) are compared too: both sides leave them to the server.
pub fn shape(conn: &mut Conn) -> Vec<String> {
    diesel::sql_query(
        r#"SELECT concat_ws(' ', 'column', table_name, ordinal_position, column_name,
               data_type, character_maximum_length, is_nullable, column_default) AS line
           FROM information_schema.columns WHERE table_schema = current_schema()
           UNION ALL
           SELECT concat_ws(' ', 'index', tablename, indexname,
               replace(replace(indexdef, current_schema() || '.', ''), '"', ''))
           FROM pg_indexes WHERE schemaname = current_schema()
           UNION ALL
           SELECT concat_ws(' ', 'constraint', replace(conrelid::regclass::text, '"', ''),
               conname, replace(pg_get_constraintdef(oid), '"', ''))
           FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
           ORDER BY line"#,
    )
    .load::<Line>(conn)
    .expect("catalog")
    .into_iter()
    .map(|l| l.line)
    .collect()
}

/// W6's raw chunk: one multi-row `INSERT … RETURNING id`.
pub fn insert_returning_ids(
    conn: &mut Conn,
    rows: &[workloads::raw::NewUser],
) -> QueryResult<Vec<i32>> {
    diesel::insert_into(workloads::raw::user::table)
        .values(rows)
        .returning(workloads::raw::user::id)
        .get_results(conn)
}

/// The run's two schemas; dropped (with everything in them) when this is dropped.
pub struct Server {
    pub fsql_url: String,
    pub raw_url: String,
    _fsql: pg_schema::Schema,
    _raw: pg_schema::Schema,
}

pub fn bench(c: &mut Criterion) {
    let Some(base) = super::url_or_skip(
        "FSQL_BENCH_POSTGRES_URL",
        "PostgreSQL",
        "postgresql://postgres@127.0.0.1:5432/test",
    ) else {
        return;
    };
    let create = |prefix: &str| {
        pg_schema::Schema::create(&base, prefix)
            .unwrap_or_else(|e| panic!("cannot create a schema on {base}: {e}"))
    };
    let (fsql, raw) = (create("fsql_bench"), create("fsql_bench_raw"));
    let server = Server {
        fsql_url: fsql.url.clone(),
        raw_url: raw.url.clone(),
        _fsql: fsql,
        _raw: raw,
    };
    workloads::run(c, &server, RAW_DDL);
    // `run` has closed every connection to the schemas (its `Sides` are dropped), so the
    // schemas can go now.
    drop(server);
}
