/*
 * static_domains.h - domains the boot loader hands over as Multiboot2
 * modules, started at boot without dom0 (docs/static-domains.md has the
 * module command-line syntax).
 */
#ifndef HV_STATIC_DOMAINS_H
#define HV_STATIC_DOMAINS_H

#include "hv/boot_info.h"
#include "hv/domain.h"

/*
 * Parses one module command line into cfg (name, vCPUs, memory,
 * scheduler parameters, exit actions; other words go to the guest).
 * Returns 0, or -EINVAL with *why naming the bad or missing word.
 */
int static_domain_parse(const char *cmdline, struct domain_config *cfg,
			char *why, size_t why_size);

/* Creates and starts a domain for every module; a module that cannot be
 * started is reported and skipped. Returns the number started. */
unsigned static_domains_start(const struct boot_info *bi);

#endif
