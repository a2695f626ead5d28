-- 001_core.sql - the desired state muxd keeps: plans, customers, their API
-- tokens, images, servers, host facts and the audit log.
--
-- Invariants the schema enforces (the API checks them first, so a client gets
-- a clear error, but the store never relies on the API alone):
--   * a server references an existing customer, plan and image; none of
--     those can be deleted while a server uses it (ON DELETE RESTRICT);
--   * server names are unique per customer, so a retried create cannot make
--     a second server;
--   * a token is stored only as its hash and belongs to exactly one customer.
-- Times are Unix seconds (UTC).

CREATE TABLE plans (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT    NOT NULL UNIQUE,
    description            TEXT    NOT NULL DEFAULT '',
    vcpus                  INTEGER NOT NULL CHECK (vcpus BETWEEN 1 AND 256),
    cpu_weight             INTEGER NOT NULL CHECK (cpu_weight BETWEEN 1 AND 65535),
    cpu_reservation_pct    INTEGER NOT NULL CHECK (cpu_reservation_pct >= 0),
    cpu_cap_pct            INTEGER NOT NULL CHECK (cpu_cap_pct >= 0),
    cpu_burst_baseline_pct INTEGER NOT NULL DEFAULT 0 CHECK (cpu_burst_baseline_pct >= 0),
    mem_ceiling_mib        INTEGER NOT NULL CHECK (mem_ceiling_mib >= 64),
    mem_floor_mib          INTEGER NOT NULL CHECK (mem_floor_mib BETWEEN 0 AND mem_ceiling_mib),
    mem_weight             INTEGER NOT NULL CHECK (mem_weight BETWEEN 1 AND 65535),
    disk_gib               INTEGER NOT NULL CHECK (disk_gib >= 1),
    disk_weight            INTEGER NOT NULL CHECK (disk_weight BETWEEN 1 AND 65535),
    disk_bytes_per_s       INTEGER NOT NULL DEFAULT 0 CHECK (disk_bytes_per_s >= 0),
    disk_ops_per_s         INTEGER NOT NULL DEFAULT 0 CHECK (disk_ops_per_s >= 0),
    net_weight             INTEGER NOT NULL CHECK (net_weight BETWEEN 1 AND 65535),
    net_mbit_per_s         INTEGER NOT NULL DEFAULT 0 CHECK (net_mbit_per_s >= 0),
    price_cents_month      INTEGER NOT NULL CHECK (price_cents_month >= 0),
    currency               TEXT    NOT NULL DEFAULT 'EUR',
    -- 0: no longer sold; servers already on it keep it
    active                 INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at             INTEGER NOT NULL
);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    -- BLAKE2b-256 of the whole token; the token itself is never stored
    hash        BLOB    NOT NULL UNIQUE,
    -- the first characters, so a customer can tell its tokens apart
    prefix      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX tokens_customer ON tokens(customer_id);

CREATE TABLE images (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    os         TEXT    NOT NULL DEFAULT '',
    -- 'disk': path is a disk image each server gets a copy-on-write overlay of;
    -- 'kernel': path is a kernel booted directly with initrd and cmdline
    kind       TEXT    NOT NULL CHECK (kind IN ('disk', 'kernel')),
    path       TEXT    NOT NULL,
    format     TEXT    NOT NULL DEFAULT 'raw' CHECK (format IN ('raw', 'qcow2')),
    initrd     TEXT    NOT NULL DEFAULT '',
    cmdline    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE servers (
    id           INTEGER PRIMARY KEY,
    -- also the hypervisor domain's UUID; the domain is named mux-<uuid>
    uuid         TEXT    NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE RESTRICT,
    image_id     INTEGER NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
    name         TEXT    NOT NULL,
    -- what the customer asked for
    power        TEXT    NOT NULL CHECK (power IN ('running', 'stopped')),
    -- lifecycle: provisioning -> active -> deleting (row removed when done);
    -- error: the driver refused something the reconciler cannot fix alone
    phase        TEXT    NOT NULL CHECK (phase IN ('provisioning', 'active', 'deleting', 'error')),
    last_error   TEXT    NOT NULL DEFAULT '',
    -- when a graceful stop was asked for; the reconciler forces it after a grace period
    stop_requested_at INTEGER NOT NULL DEFAULT 0,
    -- vCPU count or memory ceiling changed while running: takes effect at next start
    pending_restart INTEGER NOT NULL DEFAULT 0 CHECK (pending_restart IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (customer_id, name)
);
CREATE INDEX servers_plan ON servers(plan_id);
CREATE INDEX servers_image ON servers(image_id);

-- One row: what the host offers, as last seen from the driver and config.
CREATE TABLE host (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    hostname   TEXT    NOT NULL,
    hypervisor TEXT    NOT NULL,
    pcpus      INTEGER NOT NULL,
    memory_mib INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Audit log: one row per change, written in the same transaction as the change.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    ts          INTEGER NOT NULL,
    -- 'admin', 'customer:<id>' or 'muxd' (reconciler, sampler)
    actor       TEXT    NOT NULL,
    -- the customer the event concerns (NULL: provider-only), for customer views
    customer_id INTEGER,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   INTEGER NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX events_customer ON events(customer_id, id);
