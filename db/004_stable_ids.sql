-- 004_stable_ids.sql - server and customer ids are never reused.
--
-- Without AUTOINCREMENT SQLite hands the largest id out again once its row
-- is deleted, so a deleted server's id (in a client's records, in the audit
-- log) could come to name a new server, maybe another customer's. The
-- tables are rebuilt with AUTOINCREMENT, as SQLite's documented procedure
-- for changing a table's definition does it (store_migrate.c runs
-- migrations with foreign keys off and checks them before committing).

CREATE TABLE customers_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
INSERT INTO customers_new (id, name, email, created_at)
    SELECT id, name, email, created_at FROM customers;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;

CREATE TABLE servers_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid         TEXT    NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE RESTRICT,
    image_id     INTEGER NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
    name         TEXT    NOT NULL,
    power        TEXT    NOT NULL CHECK (power IN ('running', 'stopped')),
    phase        TEXT    NOT NULL CHECK (phase IN ('provisioning', 'active', 'deleting', 'error')),
    last_error   TEXT    NOT NULL DEFAULT '',
    stop_requested_at INTEGER NOT NULL DEFAULT 0,
    pending_restart INTEGER NOT NULL DEFAULT 0 CHECK (pending_restart IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    burst_credit_x100 INTEGER NOT NULL DEFAULT 0,
    UNIQUE (customer_id, name)
);
INSERT INTO servers_new (id, uuid, customer_id, plan_id, image_id, name, power, phase,
        last_error, stop_requested_at, pending_restart, created_at, updated_at, burst_credit_x100)
    SELECT id, uuid, customer_id, plan_id, image_id, name, power, phase, last_error,
        stop_requested_at, pending_restart, created_at, updated_at, burst_credit_x100 FROM servers;
DROP TABLE servers;
ALTER TABLE servers_new RENAME TO servers;
CREATE INDEX servers_plan ON servers(plan_id);
CREATE INDEX servers_image ON servers(image_id);

-- Ids handed out before this migration were never reused either if the
-- largest ones are still there; start the sequences above them.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'customers', coalesce(max(id), 0) FROM customers WHERE NOT EXISTS
        (SELECT 1 FROM sqlite_sequence WHERE name = 'customers');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'servers', coalesce(max(id), 0) FROM servers WHERE NOT EXISTS
        (SELECT 1 FROM sqlite_sequence WHERE name = 'servers');
