/*
 * api_host.c - GET /v1/host (provider only): capacity, what is committed,
 * oversubscription now against the policy, and the load right now.
 */
#include "api.h"

#include "admission.h"

struct host_load {
	int64_t cpu_pct_x100;
	int64_t steal_pct_x100;
	int64_t mem_mib;
	int64_t running;
};

static void host_add_load(const struct live_entry *e, void *arg)
{
	struct host_load *l = arg;
	if (e->power != DRV_RUNNING)
		return;
	l->running++;
	l->cpu_pct_x100 += e->cpu_pct_x100;
	l->steal_pct_x100 += e->steal_pct_x100;
	l->mem_mib += e->mem_mib;
}

static json_object *host_ratio(double now, double max)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "now", json_object_new_double(now));
	json_object_object_add(o, "max", json_object_new_double(max));
	return o;
}

static json_object *host_committed(const struct adm_usage *u, const struct adm_capacity *cap)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "servers", json_object_new_int64((int64_t)u->servers));
	json_object_object_add(o, "vcpus", json_object_new_int64((int64_t)u->vcpus));
	json_object_object_add(o, "vcpus_capacity", json_object_new_int64((int64_t)cap->vcpus));
	json_object_object_add(o, "reservation_pct", json_object_new_int64((int64_t)u->reservation_pct));
	json_object_object_add(o, "reservation_capacity_pct",
			       json_object_new_int64((int64_t)cap->reservation_pct));
	json_object_object_add(o, "mem_floor_mib", json_object_new_int64((int64_t)u->floor_mib));
	json_object_object_add(o, "mem_floor_capacity_mib", json_object_new_int64((int64_t)cap->floor_mib));
	json_object_object_add(o, "mem_ceiling_mib", json_object_new_int64((int64_t)u->ceiling_mib));
	json_object_object_add(o, "mem_ceiling_capacity_mib",
			       json_object_new_int64((int64_t)cap->ceiling_mib));
	return o;
}

/* The host object shared by /v1/host and the admin's dashboard. */
json_object *api_host_json(struct muxd *m, struct store_conn *c);
json_object *api_host_json(struct muxd *m, struct store_conn *c)
{
	struct adm_usage u = { 0 };
	struct adm_capacity cap;
	struct host_load load = { 0 };
	const struct adm_host *h = &m->host;
	if (store_commitments(c, 0, &u))
		return NULL;
	adm_capacity(h, &cap);
	live_each(&m->live, host_add_load, &load);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "hostname", json_object_new_string(m->host_row.hostname));
	json_object_object_add(o, "hypervisor", json_object_new_string(m->host_row.hypervisor));
	json_object_object_add(o, "driver", json_object_new_string(m->drv->name));
	json_object_object_add(o, "pcpus", json_object_new_int64((int64_t)h->pcpus));
	json_object_object_add(o, "memory_mib", json_object_new_int64(m->host_row.memory_mib));
	json_object_object_add(o, "reserved_memory_mib",
			       json_object_new_int64(m->cfg.reserved_memory_mib));
	json_object_object_add(o, "sellable_memory_mib", json_object_new_int64((int64_t)h->mem_mib));
	json_object_object_add(o, "committed", host_committed(&u, &cap));
	json_object *over = json_object_new_object();
	json_object_object_add(over, "vcpus_per_pcpu", host_ratio(
		h->pcpus ? (double)u.vcpus / (double)h->pcpus : 0, (double)h->max_vcpu_ratio_x100 / 100));
	json_object_object_add(over, "mem_ceiling_per_ram", host_ratio(
		h->mem_mib ? (double)u.ceiling_mib / (double)h->mem_mib : 0,
		(double)h->max_mem_ratio_x100 / 100));
	json_object_object_add(over, "reservation_pct_of_cpu", host_ratio(
		h->pcpus ? (double)u.reservation_pct / (double)h->pcpus : 0,
		(double)h->max_reservation_pct));
	json_object_object_add(o, "oversubscription", over);
	json_object *lo = json_object_new_object();
	json_object_object_add(lo, "running_servers", json_object_new_int64(load.running));
	json_object_object_add(lo, "cpu_pct", json_object_new_double((double)load.cpu_pct_x100 / 100));
	json_object_object_add(lo, "cpu_capacity_pct", json_object_new_int64((int64_t)h->pcpus * 100));
	json_object_object_add(lo, "steal_pct", json_object_new_double((double)load.steal_pct_x100 / 100));
	json_object_object_add(lo, "mem_mib", json_object_new_int64(load.mem_mib));
	json_object_object_add(o, "load", lo);
	return o;
}

void api_host_get(struct api_req *r)
{
	r->json = api_host_json(r->m, r->db);
	if (!r->json) {
		api_error(r, 500, "store_error", NULL, "the store failed while reading commitments");
		return;
	}
	r->status = 200;
}
