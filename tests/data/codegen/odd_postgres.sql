-- Types and names `tests/codegen.rs` generates compiling models from on PostgreSQL, with what
-- fsql cannot declare (an expression index, a composite foreign key, a table without a key),
-- each left as a comment in the source.
CREATE TABLE "UserAccount" (
    id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "Email" VARCHAR(120) NOT NULL,
    profile JSONB,
    joined TIMESTAMPTZ NOT NULL DEFAULT now(),
    born DATE,
    wakes TIME,
    seen TIMESTAMP,
    token UUID NOT NULL,
    balance NUMERIC(12, 2) NOT NULL DEFAULT 0,
    ratio NUMERIC,
    addr INET,
    tags TEXT[],
    "self" TEXT,
    "match" INTEGER,
    "1st" BOOLEAN
);
CREATE INDEX ix_lower_email ON "UserAccount" (lower("Email"));
CREATE TABLE region (
    country CHAR(2) NOT NULL,
    code VARCHAR(10) NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (country, code)
);
CREATE TABLE office (
    id BIGSERIAL PRIMARY KEY,
    country CHAR(2) NOT NULL,
    code VARCHAR(10) NOT NULL,
    CONSTRAINT fk_office_region FOREIGN KEY (country, code) REFERENCES region (country, code)
);
CREATE TABLE audit_log (
    at TIMESTAMPTZ NOT NULL,
    message TEXT NOT NULL
);
