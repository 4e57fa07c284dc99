-- The database `tests/codegen.rs` generates models from, on MariaDB and MySQL: written by hand, as an
-- application's existing schema would be (not by fsql). Foreign keys as table constraints: MySQL
-- ignores a column's inline REFERENCES.
CREATE TABLE author (
    id INTEGER PRIMARY KEY AUTO_INCREMENT,
    name VARCHAR(80) NOT NULL UNIQUE,
    email VARCHAR(120),
    bio TEXT,
    born SMALLINT,
    rating DOUBLE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    status VARCHAR(10) NOT NULL DEFAULT 'draft'
);
CREATE TABLE book (
    id INTEGER PRIMARY KEY AUTO_INCREMENT,
    author_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    `type` VARCHAR(20),
    price DOUBLE,
    cover BLOB,
    sold BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT uq_book_title_type UNIQUE (title, `type`),
    FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE
);
CREATE INDEX ix_book_author_title ON book (author_id, title);
CREATE INDEX ix_book_sold ON book (sold);
CREATE TABLE tag (
    id INTEGER PRIMARY KEY AUTO_INCREMENT,
    label VARCHAR(40) NOT NULL UNIQUE
);
CREATE TABLE book_tag (
    book_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    PRIMARY KEY (book_id, tag_id),
    FOREIGN KEY (book_id) REFERENCES book (id) ON DELETE CASCADE,
    FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE
);
CREATE TABLE `order` (
    id INTEGER PRIMARY KEY AUTO_INCREMENT,
    `group` VARCHAR(30) NOT NULL,
    query TEXT,
    `userId` INTEGER,
    total FLOAT NOT NULL DEFAULT 0.5,
    FOREIGN KEY (`userId`) REFERENCES author (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX order_group_query ON `order` (`group`, `userId`);
CREATE TABLE profile (
    author_id INT PRIMARY KEY,
    motto TEXT,
    FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE
);
