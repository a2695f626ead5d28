-- 003_usage.sql - usage samples and their roll-ups, plus the burst-credit
-- balance the sampler keeps per server.
--
-- One table holds every resolution ("tier" = seconds per row: the raw sample
-- step, 300 and 3600). The sampler writes raw rows, folds finished buckets
-- into the coarser tiers and deletes rows past each tier's retention
-- (docs/muxd.md). Rates are integers: CPU and steal in hundredths of a
-- percent of one pCPU, memory in MiB, disk and network in bytes/s.
-- WITHOUT ROWID keeps rows clustered by (server, tier, time), so a server's
-- series is one range scan.

CREATE TABLE usage (
    server_id       INTEGER NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    tier            INTEGER NOT NULL,
    ts              INTEGER NOT NULL,
    cpu_pct_x100    INTEGER NOT NULL,
    steal_pct_x100  INTEGER NOT NULL,
    mem_mib         INTEGER NOT NULL,
    mem_target_mib  INTEGER NOT NULL,
    disk_rd_bps     INTEGER NOT NULL,
    disk_wr_bps     INTEGER NOT NULL,
    net_rx_bps      INTEGER NOT NULL,
    net_tx_bps      INTEGER NOT NULL,
    -- raw samples folded into this row (1 for raw rows)
    samples         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (server_id, tier, ts)
) WITHOUT ROWID;
CREATE INDEX usage_tier_ts ON usage(tier, ts);

ALTER TABLE servers ADD COLUMN burst_credit_x100 INTEGER NOT NULL DEFAULT 0;
