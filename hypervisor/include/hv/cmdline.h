/*
 * cmdline.h - the hypervisor's command line (docs/hypervisor-options.md)
 * and the tokenizer shared with static-domain module command lines.
 *
 * Syntax: words separated by spaces; a word is `key=value` or `key`.
 * Values may be quoted with "..." to contain spaces, as may a whole word
 * ("key=value with spaces", which is how GRUB passes such an argument).
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/log.h"

struct cmdline_token {
	const char *key;
	size_t key_len;
	const char *value;      /* NULL for a bare `key` */
	size_t value_len;
};

/* Reads the next token at *p (advancing it). Returns false at the end. */
bool cmdline_next(const char **p, struct cmdline_token *t);

/* True if the token's key is exactly name. */
bool cmdline_key_is(const struct cmdline_token *t, const char *name);

/* Parses a decimal (or 0x hex) unsigned number of exactly len characters,
 * with an optional K/M/G suffix if suffixes is true. 0 or -EINVAL/-ERANGE. */
int cmdline_parse_u64(const char *s, size_t len, bool suffixes, uint64_t *out);

/* Exceptions the `debug_fault=` option can raise to test panic reports. */
enum debug_fault {
	DEBUG_FAULT_NONE = 0,
	DEBUG_FAULT_UD,         /* ud2 */
	DEBUG_FAULT_PF,         /* write through a non-canonical-free hole */
	DEBUG_FAULT_GP,         /* non-canonical access */
	DEBUG_FAULT_DE,         /* division by zero */
	DEBUG_FAULT_BUG,        /* BUG_ON(true) */
	DEBUG_FAULT_STACK,      /* stack overflow into the guard page: #DF */
};

/* Whether the boot CPU runs vCPUs (boot_cpu=). */
enum boot_cpu_use {
	BOOT_CPU_AUTO = 0,      /* housekeeping under QEMU's TCG, else guests */
	BOOT_CPU_GUESTS,        /* it runs vCPUs like every other CPU */
	BOOT_CPU_HOUSEKEEPING,  /* interrupts and accounting lines only */
};

struct hv_options {
	enum log_level loglevel;
	unsigned maxcpus;               /* 0: every CPU the MADT lists */
	enum debug_fault debug_fault;
	unsigned debug_fault_cpu;
	unsigned sched_stats_ms;        /* 0: off; else print accounting */
	uint64_t dom0_mem;              /* bytes of identity-mapped dom0 RAM */
	unsigned dom0_vcpus;            /* capped at the host's CPUs */
	bool dom0_crash_reboot;         /* dom0 crash: reset the host, not halt */
	enum boot_cpu_use boot_cpu;
};

#define DOM0_MEM_DEFAULT   (512ull << 20)
#define DOM0_MEM_MIN       (16ull << 20)
#define DOM0_MEM_MAX       (1ull << 40)
#define DOM0_VCPUS_DEFAULT 2

/*
 * Parses the hypervisor command line into opt (which holds defaults on
 * entry). Each unknown option or bad value is reported through warn (with
 * the offending word) and leaves that option at its default; parsing goes
 * on. Returns the number of problems reported.
 */
int cmdline_parse_options(const char *cmdline, struct hv_options *opt,
			  void (*warn)(const char *why, const char *word, size_t len));

void cmdline_default_options(struct hv_options *opt);
const char *debug_fault_name(enum debug_fault f);

#endif
