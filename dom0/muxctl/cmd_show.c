/*
 * cmd_show.c - muxctl info, list and top: what the host and its domains
 * look like.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "muxctl_cli.h"

#define MIB_PAGES 256ull   /* 4 KiB pages per MiB */

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
		       "\"uptime_s\":%llu}\n",
		       hi.ctl_version, hi.pcpus, hi.capacity_pct, hi.reserved_pct,
		       (unsigned long long)(hi.mem_total_pages / MIB_PAGES),
		       (unsigned long long)(hi.pool_free_pages / MIB_PAGES),
		       (unsigned long long)(hi.dom0_pages / MIB_PAGES),
		       (unsigned long long)(hi.image_pages / MIB_PAGES), hi.nr_domains,
		       hi.max_domains, hi.max_vcpus,
		       (unsigned long long)(hi.uptime_ns / 1000000000ull));
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

/* Every domain's info; *out malloc'd. Domains that vanish meanwhile are skipped. */
static int read_domains(struct cli *c, struct muxv_domain_info **out, size_t *n)
{
	uint32_t *ids;
	size_t k;
	int rc = muxctl_domain_list(c->h, &ids, &k);
	if (rc)
		return rc;
	struct muxv_domain_info *v = calloc(k + 1, sizeof *v);
	size_t m = 0;
	for (size_t i = 0; v && i < k; i++) {
		rc = muxctl_domain_info(c->h, ids[i], &v[m]);
		if (rc == -ESRCH)
			continue;
		if (rc) {
			free(v);
			free(ids);
			return rc;
		}
		m++;
	}
	free(ids);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = m;
	return 0;
}

static void list_json(const struct muxv_domain_info *d, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", d[i].domid);
		cli_json_str(stdout, d[i].name);
		printf(",\"state\":\"%s\",\"kind\":\"%s\",\"vcpus\":%u,\"mem_mib\":%llu,"
		       "\"mem_max_mib\":%llu,\"weight\":%u,\"reservation\":%u,\"cap\":%u,"
		       "\"burst_baseline\":%u,\"privileged\":%s,\"run_ns\":%llu,\"steal_ns\":%llu,"
		       "\"reason\":",
		       muxctl_state_name(d[i].state), muxctl_kind_name(d[i].kind), d[i].vcpus,
		       (unsigned long long)(d[i].mem_pages / MIB_PAGES),
		       (unsigned long long)(d[i].mem_max_pages / MIB_PAGES), d[i].sched.weight,
		       d[i].sched.reservation, d[i].sched.cap, d[i].sched.burst_baseline,
		       d[i].flags & MUXV_DOM_PRIVILEGED ? "true" : "false",
		       (unsigned long long)d[i].time.run_ns, (unsigned long long)d[i].time.steal_ns);
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
	rc = read_domains(c, &d, &n);
	if (rc)
		return cli_fail(rc);
	if (c->json) {
		list_json(d, n);
	} else {
		if (!c->no_header)
			printf("%5s %-31s %-8s %5s %8s %6s %5s %5s\n", "ID", "NAME", "STATE",
			       "VCPUS", "MEM_MIB", "WEIGHT", "RESV", "CAP");
		for (size_t i = 0; i < n; i++)
			printf("%5u %-31s %-8s %5u %8llu %6u %5u %5u\n", d[i].domid, d[i].name,
			       muxctl_state_name(d[i].state), d[i].vcpus,
			       (unsigned long long)(d[i].mem_pages / MIB_PAGES), d[i].sched.weight,
			       d[i].sched.reservation, d[i].sched.cap);
	}
	free(d);
	return EXIT_OK;
}

/* ---- top ---- */

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static const struct muxv_domain_info *find_id(const struct muxv_domain_info *d, size_t n,
					      uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].domid == id)
			return &d[i];
	return NULL;
}

/* One screen: per domain the CPU and steal % (of one pCPU) between two readings. */
static void top_print(struct cli *c, const struct muxv_domain_info *old, size_t nold,
		      const struct muxv_domain_info *cur, size_t ncur, bool batch)
{
	if (!batch && !c->json)
		printf("\033[H\033[2J");
	if (!c->no_header && !c->json)
		printf("%5s %-24s %-8s %5s %7s %7s %8s %6s %5s\n", "ID", "NAME", "STATE", "VCPUS",
		       "CPU%", "STEAL%", "MEM_MIB", "WEIGHT", "CAP");
	for (size_t i = 0; i < ncur; i++) {
		const struct muxv_domain_info *d = &cur[i], *p = find_id(old, nold, d->domid);
		double cpu = 0, steal = 0;
		if (p && d->now_ns > p->now_ns) {
			double span = (double)(d->now_ns - p->now_ns);
			cpu = 100.0 * (double)(d->time.run_ns - p->time.run_ns) / span;
			steal = 100.0 * (double)(d->time.steal_ns - p->time.steal_ns) / span;
		}
		if (c->json) {
			printf("{\"id\":%u,\"name\":", d->domid);
			cli_json_str(stdout, d->name);
			printf(",\"state\":\"%s\",\"cpu_pct\":%.1f,\"steal_pct\":%.1f}\n",
			       muxctl_state_name(d->state), cpu, steal);
			continue;
		}
		printf("%5u %-24.24s %-8s %5u %7.1f %7.1f %8llu %6u %5u\n", d->domid, d->name,
		       muxctl_state_name(d->state), d->vcpus, cpu, steal,
		       (unsigned long long)(d->mem_pages / MIB_PAGES), d->sched.weight,
		       d->sched.cap);
	}
	if (batch && !c->json)
		printf("\n");
	fflush(stdout);
}

int cmd_top(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t iterations = 0, interval_ms = 1000;
	bool batch = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "bn:i:", opts, NULL)) != -1) {
		uint64_t v;
		switch (ch) {
		case 'b': batch = true; break;
		case 'n':
			if (!cli_u32(optarg, 1, 1000000, &iterations))
				return cli_usage("top: -n wants 1..1000000, not '%s'", optarg);
			break;
		case 'i':
			/* seconds, or milliseconds with "ms" */
			if (strlen(optarg) > 2 && strcmp(optarg + strlen(optarg) - 2, "ms") == 0) {
				char tmp[32];
				snprintf(tmp, sizeof tmp, "%.*s", (int)strlen(optarg) - 2, optarg);
				if (!cli_u64(tmp, &v) || v < 100 || v > 3600000)
					return cli_usage("top: -i wants 100ms..3600s, not '%s'", optarg);
				interval_ms = (uint32_t)v;
			} else if (!cli_u64(optarg, &v) || v < 1 || v > 3600) {
				return cli_usage("top: -i wants 1..3600 seconds, not '%s'", optarg);
			} else {
				interval_ms = (uint32_t)v * 1000;
			}
			break;
		default: return cli_usage("top: bad option");
		}
	}
	if (optind < argc)
		return cli_usage("top: unexpected argument '%s'", argv[optind]);
	int rc = cli_open(c);
	if (rc)
		return rc;
	signal(SIGINT, top_on_signal);
	signal(SIGTERM, top_on_signal);
	struct muxv_domain_info *old = NULL, *cur = NULL;
	size_t nold = 0, ncur = 0;
	rc = read_domains(c, &old, &nold);
	for (uint32_t i = 0; !rc && !top_stop && (!iterations || i < iterations); i++) {
		struct timespec ts = { interval_ms / 1000, (long)(interval_ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
		if (top_stop)
			break;
		rc = read_domains(c, &cur, &ncur);
		if (rc)
			break;
		top_print(c, old, nold, cur, ncur, batch);
		free(old);
		old = cur;
		nold = ncur;
		cur = NULL;
	}
	free(old);
	return rc ? cli_fail(rc) : EXIT_OK;
}
