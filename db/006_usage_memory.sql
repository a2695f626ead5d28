-- 006_usage_memory.sql - the memory policy's numbers in the usage series.
--
-- Beside mem_mib (balloon current) and mem_target_mib each sample now keeps
-- the plan's floor and ceiling (they change with a resize) and what the
-- guest itself reports through virtio-balloon statistics: memory in use
-- (MemTotal - MemAvailable) and free (MemFree), in MiB. The guest columns
-- are NULL where the guest reported nothing (no balloon driver yet, or a
-- hypervisor without guest statistics); roll-ups average them over the
-- samples that have them. Rows from before this migration get 0 floor and
-- ceiling and NULL guest numbers.

ALTER TABLE usage ADD COLUMN mem_floor_mib INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage ADD COLUMN mem_ceiling_mib INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage ADD COLUMN guest_used_mib INTEGER;
ALTER TABLE usage ADD COLUMN guest_free_mib INTEGER;
