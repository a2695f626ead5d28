/*
 * config.h - muxd's settings: command-line flags and a config file.
 *
 * The config file (--config PATH) holds `key = value` lines whose keys are
 * the long flag names without dashes; `#` starts a comment. Flags win over
 * the file. Every setting, its unit and its default is listed by --help and
 * in docs/muxd.md.
 */
#ifndef MUXD_CONFIG_H
#define MUXD_CONFIG_H

#include <stdint.h>

struct muxd_config {
	char listen[128];             /* ADDR:PORT */
	char db[1024];                /* SQLite file */
	char driver[32];              /* libvirt | muxvisor */
	char libvirt_uri[512];
	char libvirt_domain_type[16]; /* auto | kvm | qemu */
	char libvirt_network[128];    /* libvirt network name | user | none */
	char state_dir[1024];         /* server disks live in <state_dir>/disks */
	char admin_token_file[1024];
	char log_level[16];
	uint32_t http_threads;
	uint32_t sample_interval_s;
	uint32_t reconcile_interval_s;
	uint32_t stop_grace_s;
	uint32_t retention_raw_s;
	uint32_t retention_5m_s;
	uint32_t retention_1h_s;
	uint32_t host_cpus;           /* 0: as the driver reports */
	uint32_t host_memory_mib;     /* 0: as the driver reports */
	uint32_t reserved_memory_mib; /* kept back for the host itself */
	uint32_t max_vcpu_ratio_x100; /* vCPUs per pCPU, x100 */
	uint32_t max_mem_ratio_x100;  /* sum of ceilings / RAM, x100 */
	uint32_t max_reservation_pct; /* share of all pCPUs that may be reserved */
	uint32_t max_body_bytes;
	/* memory policy (mem_policy.h, docs/plans.md) */
	uint32_t balloon_tax_pct;        /* idle-memory tax, 0..99 */
	uint32_t balloon_interval_s;     /* per server, between two target changes */
	uint32_t balloon_max_step_mib;   /* largest target change at once; 0 = no limit */
	uint32_t balloon_hysteresis_mib; /* smaller differences are left alone */
};

/*
 * Fills *cfg from defaults, then the config file named by --config (if any),
 * then the flags. Returns 0, 1 when --help was printed (caller exits 0), or
 * -1 after printing what was wrong to stderr.
 */
int cfg_load(struct muxd_config *cfg, int argc, char **argv);

/* Parses "1.5" into 150 (two decimals at most). Returns 0 or -1. */
int cfg_parse_x100(const char *s, uint32_t *out);

#endif
