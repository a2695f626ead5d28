/*
 * config.c - flags and config file. One table (cfg_opts) describes every
 * setting; the flag parser, the file parser and --help all read it, so a
 * setting cannot exist in one and be missing from another.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cfg_type { CFG_STR, CFG_U32, CFG_X100 };

struct cfg_opt {
	const char *name;
	enum cfg_type type;
	size_t off;
	size_t size;        /* CFG_STR: buffer size */
	const char *def;
	const char *help;
};

#define STR_OPT(n, field, d, h) { n, CFG_STR, offsetof(struct muxd_config, field), \
	sizeof(((struct muxd_config *)0)->field), d, h }
#define NUM_OPT(n, t, field, d, h) { n, t, offsetof(struct muxd_config, field), 0, d, h }

/* muxd-dom0 has only the muxvisor driver (driver.c). */
#ifdef MUXD_NO_LIBVIRT
#define CFG_DEFAULT_DRIVER "muxvisor"
#else
#define CFG_DEFAULT_DRIVER "libvirt"
#endif

static const struct cfg_opt cfg_opts[] = {
	STR_OPT("listen", listen, "127.0.0.1:8420", "ADDR:PORT the HTTP API listens on"),
	STR_OPT("db", db, "/var/lib/muxd/muxd.db", "SQLite store (created and migrated on start)"),
	STR_OPT("driver", driver, CFG_DEFAULT_DRIVER, "hypervisor driver: libvirt | muxvisor"),
	STR_OPT("libvirt-uri", libvirt_uri, "qemu:///system", "libvirt connection URI"),
	STR_OPT("libvirt-domain-type", libvirt_domain_type, "auto",
		"QEMU domain type: auto (kvm if /dev/kvm exists) | kvm | qemu"),
	STR_OPT("libvirt-network", libvirt_network, "default",
		"guest NIC: a libvirt network name | user | none"),
	STR_OPT("state-dir", state_dir, "/var/lib/muxd", "server disks go to STATE-DIR/disks"),
	STR_OPT("admin-token-file", admin_token_file, "",
		"file holding the admin bearer token (required)"),
	STR_OPT("log-level", log_level, "info", "debug | info | warn | error"),
	NUM_OPT("http-threads", CFG_U32, http_threads, "2", "HTTP worker threads"),
	NUM_OPT("sample-interval", CFG_U32, sample_interval_s, "5", "seconds between usage samples"),
	NUM_OPT("reconcile-interval", CFG_U32, reconcile_interval_s, "30",
		"seconds between reconciler passes"),
	NUM_OPT("stop-grace", CFG_U32, stop_grace_s, "60",
		"seconds a graceful stop may take before it is forced"),
	NUM_OPT("retention-raw", CFG_U32, retention_raw_s, "3600", "seconds raw samples are kept"),
	NUM_OPT("retention-5m", CFG_U32, retention_5m_s, "172800",
		"seconds 5-minute roll-ups are kept"),
	NUM_OPT("retention-1h", CFG_U32, retention_1h_s, "2764800",
		"seconds 1-hour roll-ups are kept"),
	NUM_OPT("host-cpus", CFG_U32, host_cpus, "0", "pCPUs to sell (0: as the driver reports)"),
	NUM_OPT("host-memory-mib", CFG_U32, host_memory_mib, "0",
		"RAM to sell in MiB (0: as the driver reports)"),
	NUM_OPT("reserved-memory-mib", CFG_U32, reserved_memory_mib, "0",
		"RAM kept back for the host, MiB"),
	NUM_OPT("max-vcpu-ratio", CFG_X100, max_vcpu_ratio_x100, "8",
		"at most this many vCPUs per pCPU (decimal)"),
	NUM_OPT("max-mem-ratio", CFG_X100, max_mem_ratio_x100, "1.5",
		"memory ceilings may add up to this many times RAM (decimal)"),
	NUM_OPT("max-reservation-pct", CFG_U32, max_reservation_pct, "100",
		"percent of all pCPU time that reservations may claim"),
	NUM_OPT("max-body-bytes", CFG_U32, max_body_bytes, "65536", "largest request body accepted"),
	NUM_OPT("balloon-tax-pct", CFG_U32, balloon_tax_pct, "75",
		"idle-memory tax in percent (0..99): an idle MiB costs 100/(100-tax) used ones"),
	NUM_OPT("balloon-interval", CFG_U32, balloon_interval_s, "30",
		"seconds at least between two balloon target changes of one server"),
	NUM_OPT("balloon-max-step-mib", CFG_U32, balloon_max_step_mib, "256",
		"largest balloon target change at once, MiB (0: no limit)"),
	NUM_OPT("balloon-hysteresis-mib", CFG_U32, balloon_hysteresis_mib, "64",
		"balloon targets closer than this to their ideal are left alone, MiB"),
};
#define CFG_NOPTS (sizeof cfg_opts / sizeof cfg_opts[0])

int cfg_parse_x100(const char *s, uint32_t *out)
{
	uint64_t whole = 0, frac = 0;
	int fdigits = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 40000000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++fdigits > 2)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (fdigits == 0)
			return -1;
	}
	if (*p)
		return -1;
	if (fdigits == 1)
		frac *= 10;
	*out = (uint32_t)(whole * 100 + frac);
	return 0;
}

static int cfg_set(struct muxd_config *cfg, const struct cfg_opt *o, const char *val)
{
	char *dst = (char *)cfg + o->off;
	if (o->type == CFG_STR) {
		if (strlen(val) >= o->size)
			return -1;
		strcpy(dst, val);
		return 0;
	}
	if (o->type == CFG_X100)
		return cfg_parse_x100(val, (uint32_t *)(void *)dst);
	char *end;
	errno = 0;
	unsigned long v = strtoul(val, &end, 10);
	if (errno || end == val || *end || val[0] == '-' || v > UINT32_MAX)
		return -1;
	*(uint32_t *)(void *)dst = (uint32_t)v;
	return 0;
}

static const struct cfg_opt *cfg_find(const char *name)
{
	for (size_t i = 0; i < CFG_NOPTS; i++)
		if (strcmp(cfg_opts[i].name, name) == 0)
			return &cfg_opts[i];
	return NULL;
}

static void cfg_help(const char *prog)
{
	printf("usage: %s [--config PATH] [--OPTION VALUE]...\n\n"
	       "muxd, the Muxvisor management daemon: plans, customers and servers over\n"
	       "an HTTP/JSON API, stored in SQLite, driving a hypervisor.\n\n"
	       "  --config PATH  read `option = value` lines first; flags win\n"
	       "  --help         this text\n", prog);
	for (size_t i = 0; i < CFG_NOPTS; i++)
		printf("  --%-22s %s (default: %s)\n", cfg_opts[i].name, cfg_opts[i].help,
		       cfg_opts[i].def[0] ? cfg_opts[i].def : "none");
}

static char *cfg_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Applies the file's lines, skipping options already given as flags. */
static int cfg_read_file(struct muxd_config *cfg, const char *path, const unsigned char *from_flag)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "muxd: cannot open config %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = cfg_trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "muxd: %s:%d: expected `option = value`\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = cfg_trim(s), *val = cfg_trim(eq + 1);
		const struct cfg_opt *o = cfg_find(key);
		if (!o) {
			fprintf(stderr, "muxd: %s:%d: unknown option `%s`\n", path, lineno, key);
			rc = -1;
		} else if (!from_flag[o - cfg_opts] && cfg_set(cfg, o, val) != 0) {
			fprintf(stderr, "muxd: %s:%d: bad value for %s: `%s`\n", path, lineno, key, val);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

int cfg_load(struct muxd_config *cfg, int argc, char **argv)
{
	unsigned char from_flag[CFG_NOPTS] = { 0 };
	const char *config_path = NULL;
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < CFG_NOPTS; i++)
		if (cfg_set(cfg, &cfg_opts[i], cfg_opts[i].def) != 0)
			return -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cfg_help(argv[0]);
			return 1;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "muxd: unexpected argument `%s` (see --help)\n", a);
			return -1;
		}
		const char *name = a + 2, *val = NULL;
		char namebuf[64];
		const char *eq = strchr(name, '=');
		if (eq && (size_t)(eq - name) < sizeof namebuf) {
			memcpy(namebuf, name, (size_t)(eq - name));
			namebuf[eq - name] = '\0';
			name = namebuf;
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		}
		if (!val) {
			fprintf(stderr, "muxd: --%s needs a value\n", name);
			return -1;
		}
		if (strcmp(name, "config") == 0) {
			config_path = val;
			continue;
		}
		const struct cfg_opt *o = cfg_find(name);
		if (!o) {
			fprintf(stderr, "muxd: unknown option --%s (see --help)\n", name);
			return -1;
		}
		if (cfg_set(cfg, o, val) != 0) {
			fprintf(stderr, "muxd: bad value for --%s: `%s`\n", name, val);
			return -1;
		}
		from_flag[o - cfg_opts] = 1;
	}
	if (config_path && cfg_read_file(cfg, config_path, from_flag) != 0)
		return -1;
	return 0;
}
