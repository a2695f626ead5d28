/*
 * probe.c - calling the control interface and judging the answers (see
 * probe.h).
 */
#include "probe.h"

static struct muxv_ctl req_page __attribute__((aligned(4096)));
static struct muxv_ctl aux_page __attribute__((aligned(4096)));
static uint8_t buf_pages[PROBE_BUF_SIZE] __attribute__((aligned(4096)));
static uint32_t id_list[256];

struct muxv_ctl *req = &req_page, *aux = &aux_page;
uint8_t *probe_buf = buf_pages;

#define SENTINEL 0x5a5a5a5au
#define BUF_FILL 0xa5

int64_t ctl_raw(uint64_t gpa, uint64_t size)
{
	return rt_hypercall(MUXV_HC_CONTROL, gpa, size, 0, 0);
}

int64_t ctl_do(struct muxv_ctl *c)
{
	return ctl_raw((uintptr_t)c, sizeof(*c));
}

void ctl_prep(struct muxv_ctl *c, uint32_t op, uint32_t domid)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = MUXV_CTL_VERSION;
	c->hdr.op = op;
	c->hdr.domid = domid;
}

void ctl_set_buf(struct muxv_ctl *c, const void *buf, uint32_t len, uint32_t dir)
{
	c->hdr.buf = (uintptr_t)buf;
	c->hdr.buf_len = len;
	c->hdr.buf_dir = dir;
}

int64_t probe_host_info(struct muxv_host_info *out)
{
	ctl_prep(aux, MUXV_CTL_HOST_INFO, 0);
	int64_t r = ctl_do(aux);
	if (r == 0)
		*out = aux->u.host_info;
	return r;
}

int64_t probe_domain_info(uint32_t id, struct muxv_domain_info *out)
{
	ctl_prep(aux, MUXV_CTL_DOMAIN_INFO, id);
	int64_t r = ctl_do(aux);
	if (r == 0)
		*out = aux->u.domain_info;
	return r;
}

void probe_state(struct probe_state *s)
{
	struct muxv_host_info hi;

	memset(s, 0, sizeof(*s));
	if (probe_host_info(&hi) == 0) {
		s->pool_free_pages = hi.pool_free_pages;
		s->image_pages = hi.image_pages;
		s->nr_domains = hi.nr_domains;
		s->reserved_pct = hi.reserved_pct;
	}
	ctl_prep(aux, MUXV_CTL_EVENTS_READ, 0);
	aux->u.events.seq = ~0ull;          /* nothing read: just the next seq */
	s->event_seq = ctl_do(aux) == 0 ? aux->u.events.seq : ~0ull;
}

bool check(const char *name, bool ok, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	if (ok) {
		rt_pass(name);
		return true;
	}
	va_start(ap, fmt);
	rt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	rt_fail(name, "%s", why);
	return false;
}

static bool same_state(const struct probe_state *a, const struct probe_state *b,
		       char *why, size_t size)
{
	if (a->pool_free_pages != b->pool_free_pages)
		rt_snprintf(why, size, "free pages %lu -> %lu", a->pool_free_pages,
			    b->pool_free_pages);
	else if (a->image_pages != b->image_pages)
		rt_snprintf(why, size, "image pages %lu -> %lu", a->image_pages, b->image_pages);
	else if (a->nr_domains != b->nr_domains)
		rt_snprintf(why, size, "domains %u -> %u", a->nr_domains, b->nr_domains);
	else if (a->reserved_pct != b->reserved_pct)
		rt_snprintf(why, size, "reserved %u%% -> %u%%", a->reserved_pct, b->reserved_pct);
	else if (a->event_seq != b->event_seq)
		rt_snprintf(why, size, "event seq %lu -> %lu", a->event_seq, b->event_seq);
	else
		return true;
	return false;
}

static bool buf_untouched(void)
{
	for (uint32_t i = 0; i < PROBE_BUF_SIZE; i++)
		if (probe_buf[i] != BUF_FILL)
			return false;
	return true;
}

bool expect_refused(const char *name, int err, uint32_t field)
{
	static struct muxv_ctl before;
	struct probe_state s0, s1;
	char why[120];

	probe_state(&s0);
	req->hdr.err_field = SENTINEL;
	before = *req;
	memset(probe_buf, BUF_FILL, PROBE_BUF_SIZE);
	int64_t r = ctl_do(req);
	probe_state(&s1);
	uint32_t got = req->hdr.err_field;
	req->hdr.err_field = SENTINEL;
	if (r != -err)
		return check(name, false, "returned %ld, want -%d", r, err);
	if (got != field)
		return check(name, false, "err_field %u, want %u", got, field);
	if (memcmp(req, &before, sizeof(before)) != 0)
		return check(name, false, "the struct changed besides err_field");
	if (!buf_untouched())
		return check(name, false, "the data buffer was written");
	if (!same_state(&s0, &s1, why, sizeof(why)))
		return check(name, false, "the host changed: %s", why);
	rt_pass(name);
	return true;
}

bool expect_ok(const char *name)
{
	int64_t r = ctl_do(req);

	if (r == 0 && req->hdr.err_field == MUXV_CTL_NO_FIELD)
		return true;
	rt_fail(name, "op %u returned %ld (err_field %u)", req->hdr.op, r, req->hdr.err_field);
	return false;
}

int64_t probe_find_domain(const char *name)
{
	struct muxv_domain_info di;

	/* Domain 0 is not "above 0": ask for it on its own. */
	if (probe_domain_info(0, &di) == 0 && rt_strcmp(di.name, name) == 0)
		return 0;
	ctl_prep(aux, MUXV_CTL_DOMAIN_LIST, 0);
	ctl_set_buf(aux, id_list, sizeof(id_list), MUXV_BUF_OUT);
	if (ctl_do(aux) != 0)
		return -1;
	uint32_t n = aux->u.domain_list.count;
	for (uint32_t i = 0; i < n; i++)
		if (probe_domain_info(id_list[i], &di) == 0 && rt_strcmp(di.name, name) == 0)
			return id_list[i];
	return -1;
}

bool probe_wait_state(uint32_t id, uint32_t state, uint64_t timeout_ms)
{
	uint64_t end = (uint64_t)rt_hc_time_ns() + timeout_ms * 1000000ull;
	struct muxv_domain_info di;

	do {
		int64_t r = probe_domain_info(id, &di);
		if (state == 0 ? r == -MUXV_ESRCH : r == 0 && di.state == state)
			return true;
		rt_hc_yield();
	} while ((uint64_t)rt_hc_time_ns() < end);
	return false;
}
