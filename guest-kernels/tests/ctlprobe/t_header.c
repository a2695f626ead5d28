/*
 * t_header.c - the rules every call keeps: the struct's size and place,
 * the version, unknown calls, the data buffer's length, direction and
 * address.
 */
#include "probe.h"

#define SENTINEL 0x5a5a5a5au

/* A raw call with a struct the hypervisor must not touch. */
static void raw_refused(const char *name, uint64_t gpa, uint64_t size, int err)
{
	struct muxv_ctl *c = (struct muxv_ctl *)(uintptr_t)gpa;
	bool readable = gpa + size <= rt_boot_info()->mem_bytes;

	if (readable) {
		ctl_prep(c, MUXV_CTL_HOST_INFO, 0);
		c->hdr.err_field = SENTINEL;
	}
	int64_t r = ctl_raw(gpa, size);
	if (r != -err)
		check(name, false, "returned %ld, want -%d", r, err);
	else
		check(name, !readable || (c->hdr.err_field == SENTINEL && c->u.host_info.pcpus == 0),
		      "the struct was written");
}

static void struct_rules(void)
{
	uint64_t mem = rt_boot_info()->mem_bytes;

	raw_refused("ctl.hdr.size_short", (uintptr_t)req, sizeof(*req) - 1, MUXV_EINVAL);
	raw_refused("ctl.hdr.size_long", (uintptr_t)req, sizeof(*req) + 8, MUXV_EINVAL);
	raw_refused("ctl.hdr.crosses_page", (uintptr_t)probe_buf + 4096 - 512,
		    sizeof(*req), MUXV_EINVAL);
	raw_refused("ctl.hdr.outside_ram", mem, sizeof(*req), MUXV_EFAULT);
	raw_refused("ctl.hdr.far_away", 0x7f0000000000ull, sizeof(*req), MUXV_EFAULT);
}

static void version_and_op(void)
{
	ctl_prep(req, MUXV_CTL_DOMAIN_INFO, 0);
	req->hdr.version = MUXV_CTL_VERSION + 1;
	expect_refused("ctl.hdr.version_newer", MUXV_EPROTO, CTL_FIELD(hdr.version));
	req->hdr.version = 0;
	expect_refused("ctl.hdr.version_zero", MUXV_EPROTO, CTL_FIELD(hdr.version));

	ctl_prep(req, MUXV_CTL_HOST_INFO, 0);
	req->hdr.version = 77;
	bool ok = ctl_do(req) == 0;
	check("ctl.hdr.host_info_any_version", ok && req->u.host_info.ctl_version == MUXV_CTL_VERSION,
	      "HOST_INFO with version 77: ok=%d ctl_version=%u", ok, req->u.host_info.ctl_version);

	static const uint32_t unknown[] = { 0, 6, 9, 17, 22, 33, 42, 51, 99, 0xffffffffu };
	bool all = true;
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		ctl_prep(req, unknown[i], 0);
		req->hdr.err_field = SENTINEL;
		int64_t r = ctl_do(req);
		if (r != -MUXV_ENOSYS || req->hdr.err_field != CTL_FIELD(hdr.op)) {
			all = check("ctl.hdr.unknown_ops", false, "op %u: %ld, err_field %u",
				    unknown[i], r, req->hdr.err_field);
			break;
		}
	}
	if (all)
		rt_pass("ctl.hdr.unknown_ops");
}

/* The buffer rules, with DOMAIN_LIST (an OUT buffer). */
static void buffer_rules(void)
{
	uint64_t mem = rt_boot_info()->mem_bytes;

	ctl_prep(req, MUXV_CTL_DOMAIN_LIST, 0);
	ctl_set_buf(req, probe_buf, MUXV_CTL_BUF_MAX + 1, MUXV_BUF_OUT);
	expect_refused("ctl.buf.too_long", MUXV_EINVAL, CTL_FIELD(hdr.buf_len));
	ctl_set_buf(req, probe_buf, 64, MUXV_BUF_IN);
	expect_refused("ctl.buf.wrong_dir", MUXV_EINVAL, CTL_FIELD(hdr.buf_dir));
	ctl_set_buf(req, probe_buf, 64, MUXV_BUF_NONE);
	expect_refused("ctl.buf.no_dir", MUXV_EINVAL, CTL_FIELD(hdr.buf_dir));
	ctl_set_buf(req, (void *)(uintptr_t)mem, 64, MUXV_BUF_OUT);
	expect_refused("ctl.buf.outside_ram", MUXV_EFAULT, CTL_FIELD(hdr.buf));
	ctl_set_buf(req, (void *)(uintptr_t)(mem - 32), 64, MUXV_BUF_OUT);
	expect_refused("ctl.buf.straddles_ram_end", MUXV_EFAULT, CTL_FIELD(hdr.buf));
	ctl_set_buf(req, (void *)(uintptr_t)~15ull, 64, MUXV_BUF_OUT);
	expect_refused("ctl.buf.wraps", MUXV_EFAULT, CTL_FIELD(hdr.buf));

	/* A call without a buffer ignores the buffer fields. */
	ctl_prep(req, MUXV_CTL_HOST_INFO, 0);
	ctl_set_buf(req, (void *)(uintptr_t)~15ull, 0xffffffffu, 7);
	int64_t r = ctl_do(req);
	check("ctl.buf.ignored_without_buffer", r == 0, "HOST_INFO with a garbage buffer: %ld", r);
	/* A zero-length buffer is not touched, wherever it points. */
	ctl_prep(req, MUXV_CTL_DOMAIN_LIST, 0);
	ctl_set_buf(req, (void *)(uintptr_t)mem, 0, MUXV_BUF_OUT);
	r = ctl_do(req);
	check("ctl.buf.empty", r == 0 && req->u.domain_list.count == 0 && req->u.domain_list.total > 0,
	      "DOMAIN_LIST with buf_len 0: %ld, count %u total %u", r,
	      req->u.domain_list.count, req->u.domain_list.total);
}

void part_header(void)
{
	struct_rules();
	version_and_op();
	buffer_rules();
}
