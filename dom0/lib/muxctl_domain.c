/*
 * muxctl_domain.c - host info, domain life cycle, lists, vCPUs, scheduler
 * parameters and memory population.
 */
#include "muxctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int muxctl_host_info(struct muxctl *h, struct muxv_host_info *out)
{
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_HOST_INFO, 0);
	int rc = muxctl_call(h, &c);
	if (!rc)
		*out = c.u.host_info;
	return rc;
}

int muxctl_domain_init(struct muxv_domain_create *req, const char *name, uint32_t kind)
{
	memset(req, 0, sizeof *req);
	req->kind = kind;
	req->vcpus = 1;
	req->sched.weight = 256;
	req->on_poweroff = MUXV_ON_DESTROY;
	req->on_crash = MUXV_ON_DESTROY;
	req->on_reboot = MUXV_ON_RESTART;
	muxctl_clear_error();
	if (!muxctl_name_ok(name))
		return muxctl_fail(MUXV_CTL_DOMAIN_CREATE, EINVAL, "domain_create.name",
				   "'%s' is not 1..%d of A-Z a-z 0-9 . _ -", name,
				   MUXV_CTL_NAME_MAX);
	strcpy(req->name, name);
	return 0;
}

int muxctl_set_cmdline(struct muxv_domain_create *req, const char *cmdline)
{
	muxctl_clear_error();
	if (strlen(cmdline) > MUXV_CTL_CMDLINE_MAX)
		return muxctl_fail(MUXV_CTL_DOMAIN_CREATE, EINVAL, "domain_create.cmdline",
				   "%zu characters, at most %d", strlen(cmdline),
				   MUXV_CTL_CMDLINE_MAX);
	memset(req->cmdline, 0, sizeof req->cmdline);
	strcpy(req->cmdline, cmdline);
	return 0;
}

/* What the library can check without asking (the hypervisor checks all). */
static int muxctl_create_check(const struct muxv_domain_create *r)
{
	const uint32_t op = MUXV_CTL_DOMAIN_CREATE;
	if (!memchr(r->name, 0, sizeof r->name) || !muxctl_name_ok(r->name))
		return muxctl_fail(op, EINVAL, "domain_create.name",
				   "not 1..%d of A-Z a-z 0-9 . _ -", MUXV_CTL_NAME_MAX);
	if (!memchr(r->cmdline, 0, sizeof r->cmdline))
		return muxctl_fail(op, EINVAL, "domain_create.cmdline", "not NUL-terminated");
	if (r->kind != MUXV_KIND_TEST_KERNEL && r->kind != MUXV_KIND_LINUX)
		return muxctl_fail(op, EINVAL, "domain_create.kind", "unknown kind %u", r->kind);
	if (r->vcpus == 0)
		return muxctl_fail(op, EINVAL, "domain_create.vcpus", "at least 1");
	if (r->mem_bytes < (1u << 20) || r->mem_bytes % 4096)
		return muxctl_fail(op, EINVAL, "domain_create.mem_bytes",
				   "at least 1 MiB, a multiple of 4 KiB");
	if (r->populate_bytes > r->mem_bytes || r->populate_bytes % 4096)
		return muxctl_fail(op, EINVAL, "domain_create.populate_bytes",
				   "a multiple of 4 KiB, at most mem_bytes");
	if (r->kind == MUXV_KIND_LINUX && r->populate_bytes &&
	    r->populate_bytes < MUXV_BALLOON_MIN_TARGET)
		return muxctl_fail(op, EINVAL, "domain_create.populate_bytes",
				   "a Linux domain's start target is at least %llu MiB",
				   (unsigned long long)(MUXV_BALLOON_MIN_TARGET >> 20));
	if (r->sched.weight == 0 || r->sched.weight > 65535)
		return muxctl_fail(op, EINVAL, "domain_create.sched.weight", "1..65535");
	if (r->initrd_image && r->kind != MUXV_KIND_LINUX)
		return muxctl_fail(op, EINVAL, "domain_create.initrd_image",
				   "only Linux domains take an initrd");
	return 0;
}

int muxctl_domain_create(struct muxctl *h, struct muxv_domain_create *req, uint32_t *domid)
{
	muxctl_clear_error();
	req->pad0 = req->pad1 = req->sched.pad0 = 0;
	int rc = muxctl_create_check(req);
	if (rc)
		return rc;
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_DOMAIN_CREATE, 0);
	c.u.domain_create = *req;
	c.u.domain_create.domid = 0;
	rc = muxctl_call(h, &c);
	if (!rc) {
		req->domid = c.u.domain_create.domid;
		if (domid)
			*domid = req->domid;
	}
	return rc;
}

static int muxctl_domid_call(struct muxctl *h, uint32_t op, uint32_t domid)
{
	struct muxv_ctl c;
	muxctl_req(&c, op, domid);
	return muxctl_call(h, &c);
}

int muxctl_domain_destroy(struct muxctl *h, uint32_t domid)
{
	return muxctl_domid_call(h, MUXV_CTL_DOMAIN_DESTROY, domid);
}

int muxctl_domain_pause(struct muxctl *h, uint32_t domid)
{
	return muxctl_domid_call(h, MUXV_CTL_DOMAIN_PAUSE, domid);
}

int muxctl_domain_unpause(struct muxctl *h, uint32_t domid)
{
	return muxctl_domid_call(h, MUXV_CTL_DOMAIN_UNPAUSE, domid);
}

int muxctl_domain_info(struct muxctl *h, uint32_t domid, struct muxv_domain_info *out)
{
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_DOMAIN_INFO, domid);
	int rc = muxctl_call(h, &c);
	if (!rc) {
		*out = c.u.domain_info;
		out->name[sizeof out->name - 1] = '\0';
		out->reason[sizeof out->reason - 1] = '\0';
	}
	return rc;
}

#define MUXCTL_LIST_CHUNK 1024  /* ids per call */

/* Appends got ids from chunk to *v (capacity *cap), skipping any not above
 * the last one kept, so the result stays strictly ascending. */
static int muxctl_list_add(uint32_t **v, size_t *k, size_t *cap, const uint32_t *chunk,
			   uint32_t got)
{
	if (*k + got + 1 > *cap) {
		size_t ncap = (*k + got + 1) * 2;
		uint32_t *nv = realloc(*v, ncap * sizeof **v);
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	for (uint32_t i = 0; i < got; i++)
		if (*k == 0 || chunk[i] > (*v)[*k - 1])
			(*v)[(*k)++] = chunk[i];
	return 0;
}

/*
 * DOMAIN_LIST returns ids greater than first_id, so it can never return
 * domain 0; dom0 always exists while anybody can call (only it may), so
 * the list starts with 0 and asks for the rest.
 */
int muxctl_domain_list(struct muxctl *h, uint32_t **ids, size_t *n)
{
	uint32_t chunk[MUXCTL_LIST_CHUNK];
	const uint32_t dom0 = 0;
	uint32_t *v = NULL;
	size_t k = 0, cap = 0;
	int rc = muxctl_list_add(&v, &k, &cap, &dom0, 1);
	while (!rc) {
		struct muxv_ctl c;
		muxctl_req(&c, MUXV_CTL_DOMAIN_LIST, 0);
		c.u.domain_list.first_id = v[k - 1];
		muxctl_req_buf(&c, MUXV_BUF_OUT, chunk, sizeof chunk);
		rc = muxctl_call(h, &c);
		if (rc)
			break;
		uint32_t got = c.u.domain_list.count;
		if (got > MUXCTL_LIST_CHUNK)
			got = MUXCTL_LIST_CHUNK;
		size_t before = k;
		rc = muxctl_list_add(&v, &k, &cap, chunk, got);
		if (got < MUXCTL_LIST_CHUNK || k == before)
			break;
	}
	if (rc) {
		free(v);
		return rc;
	}
	*ids = v;
	*n = k;
	return 0;
}

int muxctl_domain_find(struct muxctl *h, const char *name, uint32_t *domid)
{
	uint32_t *ids;
	size_t n;
	int rc = muxctl_domain_list(h, &ids, &n);
	if (rc)
		return rc;
	rc = -ESRCH;
	for (size_t i = 0; i < n && rc == -ESRCH; i++) {
		struct muxv_domain_info info;
		if (muxctl_domain_info(h, ids[i], &info) == 0 && strcmp(info.name, name) == 0) {
			*domid = ids[i];
			rc = 0;
		}
	}
	free(ids);
	if (rc)
		muxctl_fail(MUXV_CTL_DOMAIN_INFO, ESRCH, NULL, "no domain named '%s'", name);
	return rc;
}

int muxctl_vcpu_info(struct muxctl *h, uint32_t domid, uint32_t vcpu, struct muxv_vcpu_info *out)
{
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_VCPU_INFO, domid);
	c.u.vcpu_info.vcpu = vcpu;
	int rc = muxctl_call(h, &c);
	if (!rc)
		*out = c.u.vcpu_info;
	return rc;
}

int muxctl_sched_get(struct muxctl *h, uint32_t domid, struct muxv_sched *out)
{
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_SCHED_GET, domid);
	int rc = muxctl_call(h, &c);
	if (!rc)
		*out = c.u.sched;
	return rc;
}

int muxctl_sched_set(struct muxctl *h, uint32_t domid, const struct muxv_sched *s)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (s->weight == 0 || s->weight > 65535)
		return muxctl_fail(MUXV_CTL_SCHED_SET, EINVAL, "sched.weight", "1..65535");
	muxctl_req(&c, MUXV_CTL_SCHED_SET, domid);
	c.u.sched = *s;
	c.u.sched.pad0 = 0;
	return muxctl_call(h, &c);
}

int muxctl_mem_populate(struct muxctl *h, uint32_t domid, uint64_t gfn, uint64_t count)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (count == 0 || count > MUXV_CTL_MAP_MAX)
		return muxctl_fail(MUXV_CTL_MEM_POPULATE, EINVAL, "mem.count", "1..%u pages",
				   MUXV_CTL_MAP_MAX);
	muxctl_req(&c, MUXV_CTL_MEM_POPULATE, domid);
	c.u.mem.gfn = gfn;
	c.u.mem.count = count;
	return muxctl_call(h, &c);
}

const char *muxctl_state_name(uint32_t state)
{
	switch (state) {
	case MUXV_STATE_CREATED: return "created";
	case MUXV_STATE_RUNNING: return "running";
	case MUXV_STATE_PAUSED: return "paused";
	case MUXV_STATE_SHUTDOWN: return "shutdown";
	case MUXV_STATE_CRASHED: return "crashed";
	default: return "unknown";
	}
}

const char *muxctl_vcpu_state_name(uint32_t state)
{
	switch (state) {
	case MUXV_VCPU_BLOCKED: return "blocked";
	case MUXV_VCPU_RUNNABLE: return "runnable";
	case MUXV_VCPU_RUNNING: return "running";
	case MUXV_VCPU_OFFLINE: return "offline";
	default: return "unknown";
	}
}

const char *muxctl_kind_name(uint32_t kind)
{
	switch (kind) {
	case MUXV_KIND_TEST_KERNEL: return "test-kernel";
	case MUXV_KIND_LINUX: return "linux";
	default: return "unknown";
	}
}
