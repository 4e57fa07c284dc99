-- The database `tests/codegen.rs` generates models from, on PostgreSQL: written by hand, as an
-- application's existing schema would be (not by fsql).
CREATE TABLE author (
    id SERIAL PRIMARY KEY,
    name VARCHAR(80) NOT NULL UNIQUE,
    email VARCHAR(120),
    bio TEXT,
    born SMALLINT,
    rating DOUBLE PRECISION,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    status VARCHAR(10) NOT NULL DEFAULT 'draft'
);
CREATE TABLE book (
    id SERIAL PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    "type" VARCHAR(20),
    price DOUBLE PRECISION,
    cover BYTEA,
    sold BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT uq_book_title_type UNIQUE (title, "type")
);
CREATE INDEX ix_book_author_title ON book (author_id, title);
CREATE INDEX ix_book_sold ON book (sold);
CREATE TABLE tag (
    id SERIAL PRIMARY KEY,
    label VARCHAR(40) NOT NULL UNIQUE
);
CREATE TABLE book_tag (
    book_id INTEGER NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    PRIMARY KEY (book_id, tag_id)
);
CREATE TABLE "order" (
    id SERIAL PRIMARY KEY,
    "group" VARCHAR(30) NOT NULL,
    query TEXT,
    "userId" INTEGER REFERENCES author (id) ON DELETE SET NULL,
    total REAL NOT NULL DEFAULT 0.5
);
CREATE UNIQUE INDEX order_group_query ON "order" ("group", "userId");
-- One-to-one: keyed by its author's id, which the application assigns (`INT`, not SQLite's
-- rowid alias `INTEGER`).
CREATE TABLE profile (
    author_id INT PRIMARY KEY REFERENCES author (id) ON DELETE CASCADE,
    motto TEXT
);
