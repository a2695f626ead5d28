-- 002_default_plans.sql - the plans a fresh store offers, so a provider can
-- sell something before defining its own. Field meanings: docs/plans.md.
-- Shapes follow the contended-plan idea: every plan may burst, small plans
-- have a small guaranteed slice, the dedicated plan reserves whole CPUs.

INSERT INTO plans (name, description, vcpus, cpu_weight, cpu_reservation_pct,
    cpu_cap_pct, cpu_burst_baseline_pct, mem_ceiling_mib, mem_floor_mib,
    mem_weight, disk_gib, disk_weight, disk_bytes_per_s, disk_ops_per_s,
    net_weight, net_mbit_per_s, price_cents_month, currency, active, created_at)
VALUES
  ('nano',  '1 vCPU burstable, 10% guaranteed, 512 MiB',
   1,  64,  10, 100,  10,   512,  256,  64, 10,  64,  50000000,  500,  64,  100,   300, 'EUR', 1, strftime('%s','now')),
  ('small', '2 vCPUs burstable, 25% guaranteed, 2 GiB',
   2, 128,  25, 200,  40,  2048, 1024, 128, 40, 128, 100000000, 1000, 128,  250,   900, 'EUR', 1, strftime('%s','now')),
  ('medium','4 vCPUs burstable, 1 CPU guaranteed, 4 GiB',
   4, 256, 100, 400,   0,  4096, 2048, 256, 80, 256, 200000000, 2000, 256,  500,  2400, 'EUR', 1, strftime('%s','now')),
  ('large', '8 vCPUs burstable, 2 CPUs guaranteed, 8 GiB',
   8, 512, 200,   0,   0,  8192, 4096, 512,160, 512, 400000000, 4000, 512, 1000,  4800, 'EUR', 1, strftime('%s','now')),
  ('dedicated-2', '2 dedicated vCPUs, 4 GiB fixed',
   2,1024, 200, 200,   0,  4096, 4096,1024, 80,1024,         0,    0,1024,    0,  6000, 'EUR', 1, strftime('%s','now'));
