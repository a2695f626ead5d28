/*
 * cmd_show.c - muxctl info and list: what the host and its domains look
 * like (top, the live view, is cmd_top.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "muxctl_cli.h"

/* Commands without options still reject stray words. */
static int no_args(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage("%s: unexpected argument '%s'", argv[0], argv[1]);
	return 0;
}

int cmd_info(struct cli *c, int argc, char **argv)
{
	struct muxv_host_info hi;
	int rc = no_args(argc, argv);
	if (rc || (rc = cli_open(c)))
		return rc;
	rc = muxctl_host_info(c->h, &hi);
	if (rc)
		return cli_fail(rc);
	hi.version[sizeof hi.version - 1] = '\0';
	if (c->json) {
		printf("{\"version\":");
		cli_json_str(stdout, hi.version);
		printf(",\"ctl_version\":%u,\"pcpus\":%u,\"capacity_pct\":%u,\"reserved_pct\":%u,"
		       "\"mem_total_mib\":%llu,\"mem_free_mib\":%llu,\"dom0_mib\":%llu,"
		       "\"image_mib\":%llu,\"domains\":%u,\"max_domains\":%u,\"max_vcpus\":%u,"
		       "\"uptime_s\":%llu,\"mem_free_pages\":%llu,\"image_pages\":%llu}\n",
		       hi.ctl_version, hi.pcpus, hi.capacity_pct, hi.reserved_pct,
		       (unsigned long long)(hi.mem_total_pages / MIB_PAGES),
		       (unsigned long long)(hi.pool_free_pages / MIB_PAGES),
		       (unsigned long long)(hi.dom0_pages / MIB_PAGES),
		       (unsigned long long)(hi.image_pages / MIB_PAGES), hi.nr_domains,
		       hi.max_domains, hi.max_vcpus,
		       (unsigned long long)(hi.uptime_ns / 1000000000ull),
		       (unsigned long long)hi.pool_free_pages, (unsigned long long)hi.image_pages);
		return EXIT_OK;
	}
	printf("version:        %s (control ABI v%u)\n", hi.version, hi.ctl_version);
	printf("pcpus:          %u\n", hi.pcpus);
	printf("cpu_capacity:   %u%%\n", hi.capacity_pct);
	printf("cpu_reserved:   %u%%\n", hi.reserved_pct);
	printf("mem_total:      %llu MiB\n", (unsigned long long)(hi.mem_total_pages / MIB_PAGES));
	printf("mem_free:       %llu MiB\n", (unsigned long long)(hi.pool_free_pages / MIB_PAGES));
	printf("mem_dom0:       %llu MiB\n", (unsigned long long)(hi.dom0_pages / MIB_PAGES));
	printf("mem_images:     %llu MiB\n", (unsigned long long)(hi.image_pages / MIB_PAGES));
	printf("domains:        %u (at most %u)\n", hi.nr_domains, hi.max_domains);
	printf("max_vcpus:      %u per domain\n", hi.max_vcpus);
	printf("uptime:         %llu s\n", (unsigned long long)(hi.uptime_ns / 1000000000ull));
	return EXIT_OK;
}

/* ns as a % of one pCPU over the domain's life so far. */
static double life_pct(const struct muxv_domain_info *d, uint64_t ns)
{
	return cli_pct(ns, d->now_ns > d->created_ns ? d->now_ns - d->created_ns : 0);
}

static void list_json(const struct muxv_domain_info *d, const struct cli_mem *m, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", d[i].domid);
		cli_json_str(stdout, d[i].name);
		printf(",\"state\":\"%s\",\"kind\":\"%s\",\"vcpus\":%u",
		       muxctl_state_name(d[i].state), muxctl_kind_name(d[i].kind), d[i].vcpus);
		cli_mem_json(&d[i], &m[i]);
		printf(",\"weight\":%u,\"reservation\":%u,\"cap\":%u,"
		       "\"burst_baseline\":%u,\"privileged\":%s,\"run_ns\":%llu,\"steal_ns\":%llu,"
		       "\"blocked_ns\":%llu,\"cpu_pct\":%.1f,\"steal_pct\":%.1f,\"reason\":",
		       d[i].sched.weight, d[i].sched.reservation, d[i].sched.cap,
		       d[i].sched.burst_baseline, d[i].flags & MUXV_DOM_PRIVILEGED ? "true" : "false",
		       (unsigned long long)d[i].time.run_ns, (unsigned long long)d[i].time.steal_ns,
		       (unsigned long long)d[i].time.blocked_ns, life_pct(&d[i], d[i].time.run_ns),
		       life_pct(&d[i], d[i].time.steal_ns));
		cli_json_str(stdout, d[i].reason);
		printf("}");
	}
	printf("]\n");
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	struct muxv_domain_info *d;
	size_t n;
	int rc = no_args(argc, argv);
	if (rc || (rc = cli_open(c)))
		return rc;
	rc = cli_read_domains(c, &d, &n);
	if (rc)
		return cli_fail(rc);
	struct cli_mem *m = calloc(n + 1, sizeof *m);
	if (!m) {
		free(d);
		return cli_fail(-ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		cli_read_mem(c, &d[i], &m[i]);
	if (c->json) {
		list_json(d, m, n);
	} else {
		if (!c->no_header)
			printf("%5s %-31s %-8s %5s " CLI_MEM_HEADER_FMT " %6s %5s %5s %6s %6s\n", "ID",
			       "NAME", "STATE", "VCPUS", CLI_MEM_HEADER, "WEIGHT", "RESV", "CAP", "CPU%",
			       "STEAL%");
		for (size_t i = 0; i < n; i++) {
			printf("%5u %-31s %-8s %5u", d[i].domid, d[i].name,
			       muxctl_state_name(d[i].state), d[i].vcpus);
			cli_mem_text(&d[i], &m[i]);
			printf(" %6u %5u %5u %6.1f %6.1f\n", d[i].sched.weight, d[i].sched.reservation,
			       d[i].sched.cap, life_pct(&d[i], d[i].time.run_ns),
			       life_pct(&d[i], d[i].time.steal_ns));
		}
	}
	free(m);
	free(d);
	return EXIT_OK;
}
