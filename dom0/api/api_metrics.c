/*
 * api_metrics.c - GET /metrics in the Prometheus text exposition format
 * (version 0.0.4): daemon counters, host capacity and commitments, and one
 * series per server for CPU, steal, memory, disk and network.
 */
#include "api.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void metric_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct metrics_servers {
	struct live_entry *v;
	size_t n, cap;
};

static void metrics_collect(const struct live_entry *e, void *arg)
{
	struct metrics_servers *s = arg;
	if (s->n < s->cap)
		s->v[s->n++] = *e;
}

/* One family per block, as the format wants: HELP, TYPE, then every server's sample. */
static void metrics_servers(FILE *f, const struct metrics_servers *s)
{
	static const struct {
		const char *name, *help;
		size_t off;
		double scale;
	} fam[] = {
		{ "muxd_server_cpu_percent", "CPU used, percent of one pCPU",
		  offsetof(struct live_entry, cpu_pct_x100), 0.01 },
		{ "muxd_server_steal_percent", "runnable but not running, percent of one pCPU",
		  offsetof(struct live_entry, steal_pct_x100), 0.01 },
		{ "muxd_server_memory_bytes", "memory the guest has (balloon)",
		  offsetof(struct live_entry, mem_mib), 1048576.0 },
		{ "muxd_server_disk_read_bytes_per_second", "disk reads",
		  offsetof(struct live_entry, disk_rd_bps), 1.0 },
		{ "muxd_server_disk_write_bytes_per_second", "disk writes",
		  offsetof(struct live_entry, disk_wr_bps), 1.0 },
		{ "muxd_server_net_rx_bytes_per_second", "network received",
		  offsetof(struct live_entry, net_rx_bps), 1.0 },
		{ "muxd_server_net_tx_bytes_per_second", "network sent",
		  offsetof(struct live_entry, net_tx_bps), 1.0 },
	};
	metric_head(f, "muxd_server_up", "gauge", "1 if the server's domain runs");
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "muxd_server_up{server_id=\"%lld\"} %d\n", (long long)s->v[i].server_id,
			s->v[i].power == DRV_RUNNING);
	for (size_t k = 0; k < sizeof fam / sizeof fam[0]; k++) {
		metric_head(f, fam[k].name, "gauge", fam[k].help);
		for (size_t i = 0; i < s->n; i++) {
			if (!s->v[i].has_rates)
				continue;
			int64_t v;
			memcpy(&v, (const char *)&s->v[i] + fam[k].off, sizeof v);
			fprintf(f, "%s{server_id=\"%lld\"} %.2f\n", fam[k].name,
				(long long)s->v[i].server_id, (double)v * fam[k].scale);
		}
	}
}

static void metrics_daemon(FILE *f, struct muxd *m)
{
	metric_head(f, "muxd_up", "gauge", "1 while muxd serves");
	fprintf(f, "muxd_up 1\n");
	metric_head(f, "muxd_http_requests_total", "counter", "HTTP requests answered, by status class");
	for (int c = 1; c <= 5; c++)
		fprintf(f, "muxd_http_requests_total{class=\"%dxx\"} %llu\n", c,
			(unsigned long long)atomic_load(&m->http_requests[c]));
	metric_head(f, "muxd_reconcile_passes_total", "counter", "reconciler passes");
	fprintf(f, "muxd_reconcile_passes_total %llu\n",
		(unsigned long long)atomic_load(&m->reconcile_passes));
	metric_head(f, "muxd_reconcile_fixes_total", "counter", "differences the reconciler fixed");
	fprintf(f, "muxd_reconcile_fixes_total %llu\n",
		(unsigned long long)atomic_load(&m->reconcile_fixes));
	metric_head(f, "muxd_samples_total", "counter", "usage sampling ticks");
	fprintf(f, "muxd_samples_total %llu\n", (unsigned long long)atomic_load(&m->samples_taken));
}

static void metrics_host(FILE *f, struct muxd *m, const struct adm_usage *u)
{
	metric_head(f, "muxd_host_pcpus", "gauge", "physical CPUs sold");
	fprintf(f, "muxd_host_pcpus %llu\n", (unsigned long long)m->host.pcpus);
	metric_head(f, "muxd_host_memory_bytes", "gauge", "memory sold (after the host's reserve)");
	fprintf(f, "muxd_host_memory_bytes %llu\n", (unsigned long long)m->host.mem_mib << 20);
	metric_head(f, "muxd_servers", "gauge", "servers in the store");
	fprintf(f, "muxd_servers %llu\n", (unsigned long long)u->servers);
	metric_head(f, "muxd_committed_vcpus", "gauge", "vCPUs of all servers");
	fprintf(f, "muxd_committed_vcpus %llu\n", (unsigned long long)u->vcpus);
	metric_head(f, "muxd_committed_reservation_percent", "gauge", "sum of CPU reservations");
	fprintf(f, "muxd_committed_reservation_percent %llu\n", (unsigned long long)u->reservation_pct);
	metric_head(f, "muxd_committed_memory_floor_bytes", "gauge", "sum of memory floors");
	fprintf(f, "muxd_committed_memory_floor_bytes %llu\n", (unsigned long long)u->floor_mib << 20);
	metric_head(f, "muxd_committed_memory_ceiling_bytes", "gauge", "sum of memory ceilings");
	fprintf(f, "muxd_committed_memory_ceiling_bytes %llu\n",
		(unsigned long long)u->ceiling_mib << 20);
}

void api_metrics_get(struct api_req *r)
{
	struct adm_usage u = { 0 };
	if (store_commitments(r->db, 0, &u)) {
		api_error(r, 500, "store_error", NULL, "the store failed while reading commitments");
		return;
	}
	struct metrics_servers ms = { .cap = (size_t)u.servers + 64 };
	ms.v = calloc(ms.cap, sizeof *ms.v);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = ms.v ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(ms.v);
		api_error(r, 500, "internal", NULL, "out of memory");
		return;
	}
	live_each(&r->m->live, metrics_collect, &ms);
	metrics_daemon(f, r->m);
	metrics_host(f, r->m, &u);
	metrics_servers(f, &ms);
	fclose(f);
	free(ms.v);
	r->text_owned = buf;
	r->content_type = "text/plain; version=0.0.4";
	r->status = 200;
}
