-- MySQL's own integer and enum types, which fsql reads as the Rust integer or String that
-- holds them and creates again by their database spelling (`ddl_type`).
CREATE TABLE counter (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    hits BIGINT UNSIGNED NOT NULL DEFAULT 0,
    small TINYINT(4),
    mid MEDIUMINT NOT NULL,
    kind ENUM('a', 'b') NOT NULL DEFAULT 'a',
    at DATETIME(6),
    price DECIMAL(10, 2)
);
