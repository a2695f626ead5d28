/*
 * cmd_top.c - muxctl top: live CPU, steal and blocked time per domain and,
 * with -v, per vCPU (like xentop).
 *
 * Each interval takes a reading: every domain's DOMAIN_INFO and, with -v,
 * its vCPUs' VCPU_INFO. A row is the difference between two readings as a
 * percentage of one pCPU over the time between them (the domain's now_ns
 * in each reading), so a 2-vCPU domain can show 200. A domain that was not
 * in the previous reading shows zeros once.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muxctl_cli.h"

struct top_dom {
	struct muxv_domain_info info;
	struct cli_mem mem;
	struct muxv_vcpu_info *vcpu;   /* nvcpu of them; NULL without -v */
	uint32_t nvcpu;
};

struct top_reading {
	struct top_dom *d;
	size_t n;
};

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static void top_free(struct top_reading *r)
{
	for (size_t i = 0; r->d && i < r->n; i++)
		free(r->d[i].vcpu);
	free(r->d);
	r->d = NULL;
	r->n = 0;
}

/* Reads d's vCPUs; a domain that vanished meanwhile keeps none. */
static int top_read_vcpus(struct cli *c, struct top_dom *d)
{
	d->vcpu = calloc(d->info.vcpus ? d->info.vcpus : 1, sizeof *d->vcpu);
	if (!d->vcpu)
		return -ENOMEM;
	for (uint32_t v = 0; v < d->info.vcpus; v++) {
		int rc = muxctl_vcpu_info(c->h, d->info.domid, v, &d->vcpu[v]);
		if (rc == -ESRCH || rc == -ENOENT)
			break;
		if (rc)
			return rc;
		d->nvcpu = v + 1;
	}
	return 0;
}

/* One reading into *r (freed by top_free); 0 or a library error. */
static int top_read(struct cli *c, bool vcpus, struct top_reading *r)
{
	struct muxv_domain_info *info;
	size_t n;
	int rc = cli_read_domains(c, &info, &n);
	if (rc)
		return rc;
	r->d = calloc(n + 1, sizeof *r->d);
	r->n = 0;
	for (size_t i = 0; r->d && i < n && !rc; i++) {
		r->d[r->n].info = info[i];
		cli_read_mem(c, &info[i], &r->d[r->n].mem);
		rc = vcpus ? top_read_vcpus(c, &r->d[r->n]) : 0;
		r->n++;
	}
	free(info);
	if (!r->d)
		return -ENOMEM;
	if (rc)
		top_free(r);
	return rc;
}

static const struct top_dom *top_find(const struct top_reading *r, uint32_t id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->d[i].info.domid == id)
			return &r->d[i];
	return NULL;
}

/* CPU, steal and blocked % between two readings of the same times. */
struct top_pct {
	double run, steal, blocked;
};

static struct top_pct top_delta(const struct muxv_cpu_time *old, const struct muxv_cpu_time *cur,
				uint64_t span)
{
	struct top_pct p = { 0, 0, 0 };
	if (!old || !span)
		return p;
	/* Counters only grow; a restarted domain (new times) shows 0. */
	if (cur->run_ns >= old->run_ns)
		p.run = cli_pct(cur->run_ns - old->run_ns, span);
	if (cur->steal_ns >= old->steal_ns)
		p.steal = cli_pct(cur->steal_ns - old->steal_ns, span);
	if (cur->blocked_ns >= old->blocked_ns)
		p.blocked = cli_pct(cur->blocked_ns - old->blocked_ns, span);
	return p;
}

static void top_vcpus_json(const struct top_dom *d, const struct top_dom *p, uint64_t span)
{
	printf(",\"vcpu\":[");
	for (uint32_t v = 0; v < d->nvcpu; v++) {
		const struct muxv_vcpu_info *vi = &d->vcpu[v];
		struct top_pct x = top_delta(p && v < p->nvcpu ? &p->vcpu[v].time : NULL,
					     &vi->time, span);
		printf("%s{\"vcpu\":%u,\"state\":\"%s\",\"pcpu\":%d,\"cpu_pct\":%.1f,"
		       "\"steal_pct\":%.1f,\"blocked_pct\":%.1f}", v ? "," : "", v,
		       muxctl_vcpu_state_name(vi->state),
		       vi->pcpu == UINT32_MAX ? -1 : (int)vi->pcpu, x.run, x.steal, x.blocked);
	}
	printf("]");
}

static void top_vcpus_text(const struct top_dom *d, const struct top_dom *p, uint64_t span)
{
	for (uint32_t v = 0; v < d->nvcpu; v++) {
		const struct muxv_vcpu_info *vi = &d->vcpu[v];
		struct top_pct x = top_delta(p && v < p->nvcpu ? &p->vcpu[v].time : NULL,
					     &vi->time, span);
		char name[24], pcpu[16];
		snprintf(name, sizeof name, "  vcpu%u", v);
		if (vi->pcpu == UINT32_MAX)
			snprintf(pcpu, sizeof pcpu, "-");
		else
			snprintf(pcpu, sizeof pcpu, "p%u", vi->pcpu);
		printf("%5s %-24s %-8s %5s %7.1f %7.1f %7.1f\n", "", name,
		       muxctl_vcpu_state_name(vi->state), pcpu, x.run, x.steal, x.blocked);
	}
}

static void top_row(struct cli *c, const struct top_dom *d, const struct top_dom *p)
{
	const struct muxv_domain_info *i = &d->info;
	uint64_t span = p && i->now_ns > p->info.now_ns ? i->now_ns - p->info.now_ns : 0;
	struct top_pct x = top_delta(p ? &p->info.time : NULL, &i->time, span);
	if (c->json) {
		printf("{\"id\":%u,\"name\":", i->domid);
		cli_json_str(stdout, i->name);
		printf(",\"state\":\"%s\",\"vcpus\":%u,\"cpu_pct\":%.1f,\"steal_pct\":%.1f,"
		       "\"blocked_pct\":%.1f", muxctl_state_name(i->state), i->vcpus,
		       x.run, x.steal, x.blocked);
		cli_mem_json(i, &d->mem);
		if (d->vcpu)
			top_vcpus_json(d, p, span);
		printf("}\n");
		return;
	}
	printf("%5u %-24.24s %-8s %5u %7.1f %7.1f %7.1f", i->domid, i->name,
	       muxctl_state_name(i->state), i->vcpus, x.run, x.steal, x.blocked);
	cli_mem_text(i, &d->mem);
	printf(" %6u %5u\n", i->sched.weight, i->sched.cap);
	if (d->vcpu)
		top_vcpus_text(d, p, span);
}

/* One screen (or, in batch mode, one table and a blank line). */
static void top_print(struct cli *c, const struct top_reading *old,
		      const struct top_reading *cur, bool batch)
{
	if (!batch && !c->json)
		printf("\033[H\033[2J");
	if (!c->no_header && !c->json)
		printf("%5s %-24s %-8s %5s %7s %7s %7s " CLI_MEM_HEADER_FMT " %6s %5s\n", "ID",
		       "NAME", "STATE", "VCPUS", "CPU%", "STEAL%", "BLOCK%", CLI_MEM_HEADER, "WEIGHT",
		       "CAP");
	for (size_t i = 0; i < cur->n; i++)
		top_row(c, &cur->d[i], top_find(old, cur->d[i].info.domid));
	if (batch && !c->json)
		printf("\n");
	fflush(stdout);
}

/* -i: whole seconds, or milliseconds with "ms"; 0 or the usage exit code. */
static int top_interval(const char *arg, uint32_t *ms)
{
	uint64_t v;
	size_t len = strlen(arg);
	if (len > 2 && strcmp(arg + len - 2, "ms") == 0) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "%.*s", (int)(len - 2), arg);
		if (!cli_u64(tmp, &v) || v < 100 || v > 3600000)
			return cli_usage("top: -i wants 100ms..3600s, not '%s'", arg);
		*ms = (uint32_t)v;
		return 0;
	}
	if (!cli_u64(arg, &v) || v < 1 || v > 3600)
		return cli_usage("top: -i wants 1..3600 seconds, not '%s'", arg);
	*ms = (uint32_t)v * 1000;
	return 0;
}

struct top_opts {
	uint32_t iterations;   /* 0: until interrupted */
	uint32_t interval_ms;
	bool batch, vcpus;
};

static int top_parse(int argc, char **argv, struct top_opts *o)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "vcpus", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, rc;
	while ((ch = getopt_long(argc, argv, "bn:i:v", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': o->batch = true; break;
		case 'v': o->vcpus = true; break;
		case 'n':
			if (!cli_u32(optarg, 1, 1000000, &o->iterations))
				return cli_usage("top: -n wants 1..1000000, not '%s'", optarg);
			break;
		case 'i':
			if ((rc = top_interval(optarg, &o->interval_ms)))
				return rc;
			break;
		default: return cli_usage("top: bad option");
		}
	}
	if (optind < argc)
		return cli_usage("top: unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_top(struct cli *c, int argc, char **argv)
{
	struct top_opts o = { .interval_ms = 1000 };
	struct top_reading old = { NULL, 0 }, cur = { NULL, 0 };
	int rc = top_parse(argc, argv, &o);
	if (rc || (rc = cli_open(c)))
		return rc;
	signal(SIGINT, top_on_signal);
	signal(SIGTERM, top_on_signal);
	rc = top_read(c, o.vcpus, &old);
	for (uint32_t i = 0; !rc && !top_stop && (!o.iterations || i < o.iterations); i++) {
		struct timespec ts = { o.interval_ms / 1000, (long)(o.interval_ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
		if (top_stop || (rc = top_read(c, o.vcpus, &cur)))
			break;
		top_print(c, &old, &cur, o.batch);
		top_free(&old);
		old = cur;
		cur.d = NULL;
		cur.n = 0;
	}
	top_free(&old);
	return rc ? cli_fail(rc) : EXIT_OK;
}
