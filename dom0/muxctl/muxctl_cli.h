/*
 * muxctl_cli.h - what the files of the muxctl command share.
 *
 * Exit codes (docs/muxctl.md; stable, scripts rely on them):
 *   0 ok, 1 usage (bad command line), 2 not found (no such domain or
 *   file), 3 refused or invalid (the hypervisor said no: admission control,
 *   a bad value, a wrong state), 4 no hypervisor (no /dev/muxvisor, not
 *   root, ABI version mismatch), 5 any other failure.
 */
#ifndef MUXCTL_CLI_H
#define MUXCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "muxctl.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NOT_FOUND = 2,
	EXIT_REFUSED = 3,
	EXIT_NO_HYPERVISOR = 4,
	EXIT_OTHER = 5,
};

/* Global options. */
struct cli {
	const char *device;
	bool json;          /* --json: machine-readable output */
	bool no_header;     /* -H: tables without their header line */
	struct muxctl *h;   /* cli_open(), after the command's arguments parsed */
};

/* Opens the device once the command line is known to be good; returns 0
 * or the exit code (after saying why). */
int cli_open(struct cli *c);
/* Prints "muxctl: <fmt>" on stderr and returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports the library's last error (muxctl_errmsg) for a failed call rc,
 * with the field named as the option the user gave; returns the exit code. */
int cli_fail(int rc);
int cli_exit_code(int rc);
/* cli_fail(), and when admission control refused a reservation, a second
 * line saying how much of the host is reserved already. */
int cli_fail_admission(struct cli *c, int rc);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parsing. Return false on a bad value. */
bool cli_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
bool cli_size(const char *s, uint64_t *bytes);      /* 512K, 16M, 2G; plain = MiB */
bool cli_u64(const char *s, uint64_t *out);          /* decimal or 0x hex */
/* A domain by id or name; prints the error and returns an exit code, or 0. */
int cli_domain(struct cli *c, const char *arg, uint32_t *domid);

/* Every domain's info, ascending ids; *out malloc'd (free it). Domains that
 * vanish meanwhile are skipped. 0 or a library error. */
int cli_read_domains(struct cli *c, struct muxv_domain_info **out, size_t *n);
/* part as a percentage of span (0 when span is 0). */
double cli_pct(uint64_t part, uint64_t span);

#define MIB_PAGES 256ull   /* 4 KiB pages per MiB */

/* A domain's memory as list and top show it (cmd_balloon.c): populated and
 * ceiling from DOMAIN_INFO, and for a Linux customer domain its balloon. */
struct cli_mem {
	bool balloon;                  /* b is valid */
	struct muxv_balloon_info b;
};
/* Reads d's balloon if it has one (a vanished domain shows none). */
void cli_read_mem(struct cli *c, const struct muxv_domain_info *d, struct cli_mem *m);
/* The memory columns: MEM_MIB MAX_MIB TARGET_MIB BALLOON_MIB GFREE_MIB
 * ("-" where a domain has no balloon or the guest sent no statistics). */
#define CLI_MEM_HEADER_FMT "%8s %8s %10s %11s %9s"
#define CLI_MEM_HEADER "MEM_MIB", "MAX_MIB", "TARGET_MIB", "BALLOON_MIB", "GFREE_MIB"
void cli_mem_text(const struct muxv_domain_info *d, const struct cli_mem *m);
/* The same as JSON members, each preceded by a comma: mem_mib,
 * mem_max_mib, mem_target_mib, balloon_mib, guest_free_mib (null where
 * there is none). */
void cli_mem_json(const struct muxv_domain_info *d, const struct cli_mem *m);

/* JSON output helpers. */
void cli_json_str(FILE *f, const char *s);

/* Commands: each gets argc/argv starting at its own name. */
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_top(struct cli *c, int argc, char **argv);
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_destroy(struct cli *c, int argc, char **argv);
int cmd_pause(struct cli *c, int argc, char **argv);
int cmd_unpause(struct cli *c, int argc, char **argv);
int cmd_sched(struct cli *c, int argc, char **argv);
int cmd_console(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_peek(struct cli *c, int argc, char **argv);
int cmd_balloon(struct cli *c, int argc, char **argv);

#endif
