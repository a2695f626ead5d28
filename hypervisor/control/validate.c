/*
 * validate.c - the pure checks of the control calls' arguments (see
 * ctl.h): what can be judged from struct muxv_ctl alone. No state, no
 * locks, no allocation: host-tested (tests/test_control_validate.c).
 *
 * Every check names the field at fault by its offset in struct muxv_ctl,
 * which the caller gets back in hdr.err_field. OUT fields are ignored on
 * input; reserved and padding fields must be zero.
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define DC(member) CTL_FIELD(u.domain_create.member)

static int bad(uint32_t *field, uint32_t offset, int err)
{
	*field = offset;
	return err;
}

int ctl_check_header(const struct muxv_ctl_hdr *h, unsigned dir, uint32_t *field)
{
	if (h->op != MUXV_CTL_HOST_INFO && h->version != MUXV_CTL_VERSION)
		return bad(field, CTL_FIELD(hdr.version), -EPROTO);
	if (dir == MUXV_BUF_NONE)
		return 0;                 /* the buffer fields are ignored */
	if (h->buf_len > MUXV_CTL_BUF_MAX)
		return bad(field, CTL_FIELD(hdr.buf_len), -EINVAL);
	if (h->buf_len && h->buf_dir != dir)
		return bad(field, CTL_FIELD(hdr.buf_dir), -EINVAL);
	if (h->buf + h->buf_len < h->buf)
		return bad(field, CTL_FIELD(hdr.buf), -EFAULT);
	return 0;
}

int ctl_check_image_create(const struct muxv_ctl *c, uint32_t *field)
{
	const struct muxv_image_create *ic = &c->u.image_create;

	if (ic->size == 0)
		return bad(field, CTL_FIELD(u.image_create.size), -EINVAL);
	if (ic->size > MUXV_CTL_IMAGE_MAX)
		return bad(field, CTL_FIELD(u.image_create.size), -E2BIG);
	if (ic->pad0)
		return bad(field, CTL_FIELD(u.image_create.pad0), -EINVAL);
	return 0;
}

int ctl_check_image_write(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.image_write.pad0)
		return bad(field, CTL_FIELD(u.image_write.pad0), -EINVAL);
	return 0;
}

int ctl_check_image_ref(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.image.pad0)
		return bad(field, CTL_FIELD(u.image.pad0), -EINVAL);
	return 0;
}

bool ctl_name_ok(const char *name, size_t size)
{
	_Static_assert(MUXV_CTL_NAME_MAX == DOMAIN_NAME_MAX, "one name rule");
	return strnlen(name, size) < size && domain_name_ok(name);
}

int ctl_check_sched(const struct muxv_sched *s, uint32_t vcpus, uint32_t base,
		    uint32_t *field)
{
	if (s->weight < 1 || s->weight > 65535)
		return bad(field, base + offsetof(struct muxv_sched, weight), -EINVAL);
	if (s->cap && s->reservation > s->cap)
		return bad(field, base + offsetof(struct muxv_sched, reservation), -EINVAL);
	if (s->burst_baseline && s->reservation > s->burst_baseline)
		return bad(field, base + offsetof(struct muxv_sched, reservation), -EINVAL);
	if (s->cap && s->burst_baseline > s->cap)
		return bad(field, base + offsetof(struct muxv_sched, burst_baseline), -EINVAL);
	if (!s->burst_baseline && s->burst_max_ms)
		return bad(field, base + offsetof(struct muxv_sched, burst_max_ms), -EINVAL);
	if (s->reservation > (uint64_t)vcpus * 100)
		return bad(field, base + offsetof(struct muxv_sched, reservation), -ERANGE);
	if (s->pad0)
		return bad(field, base + offsetof(struct muxv_sched, pad0), -EINVAL);
	return 0;
}

/* Memory sizes of a domain (the test-kernel limits come from its boot
 * area's page tables). */
static int check_memory(const struct muxv_domain_create *dc, const struct ctl_limits *lim,
			uint32_t *field)
{
	uint64_t max = dc->kind == MUXV_KIND_TEST_KERNEL ? lim->max_test_kernel_mem
							 : lim->max_mem_bytes;

	if ((dc->mem_bytes & 0xfff) || dc->mem_bytes < (1u << 20) || dc->mem_bytes > max)
		return bad(field, DC(mem_bytes), -EINVAL);
	if ((dc->populate_bytes & 0xfff) || dc->populate_bytes > dc->mem_bytes)
		return bad(field, DC(populate_bytes), -EINVAL);
	/* A Linux domain populated in part starts pre-ballooned: the rest is
	 * its balloon, so the part is a balloon target (docs/balloon.md). */
	if (dc->kind == MUXV_KIND_LINUX && dc->populate_bytes &&
	    dc->populate_bytes < MUXV_BALLOON_MIN_TARGET)
		return bad(field, DC(populate_bytes), -EINVAL);
	return 0;
}

static int check_strings(const struct muxv_domain_create *dc, const struct ctl_limits *lim,
			 uint32_t *field)
{
	size_t n = strnlen(dc->cmdline, sizeof(dc->cmdline));

	if (!ctl_name_ok(dc->name, sizeof(dc->name)))
		return bad(field, DC(name), -EINVAL);
	if (n == sizeof(dc->cmdline) ||
	    (dc->kind == MUXV_KIND_TEST_KERNEL && n > lim->test_kernel_cmdline_max))
		return bad(field, DC(cmdline), -EINVAL);
	return 0;
}

int ctl_check_domain_create(const struct muxv_ctl *c, const struct ctl_limits *lim,
			    uint32_t *field)
{
	const struct muxv_domain_create *dc = &c->u.domain_create;
	int err;

	if (dc->kind != MUXV_KIND_TEST_KERNEL && dc->kind != MUXV_KIND_LINUX)
		return bad(field, DC(kind), -EINVAL);
	err = check_strings(dc, lim, field);
	if (err)
		return err;
	if (dc->vcpus < 1 || dc->vcpus > lim->max_vcpus)
		return bad(field, DC(vcpus), -EINVAL);
	err = check_memory(dc, lim, field);
	if (err)
		return err;
	if (dc->kernel_image == 0)
		return bad(field, DC(kernel_image), -ENOENT);
	if (dc->initrd_image && dc->kind != MUXV_KIND_LINUX)
		return bad(field, DC(initrd_image), -EINVAL);
	if (dc->on_poweroff > MUXV_ON_RESTART)
		return bad(field, DC(on_poweroff), -EINVAL);
	if (dc->on_crash > MUXV_ON_RESTART)
		return bad(field, DC(on_crash), -EINVAL);
	if (dc->on_reboot > MUXV_ON_RESTART)
		return bad(field, DC(on_reboot), -EINVAL);
	if (dc->pad0)
		return bad(field, DC(pad0), -EINVAL);
	if (dc->pad1)
		return bad(field, DC(pad1), -EINVAL);
	return ctl_check_sched(&dc->sched, dc->vcpus, DC(sched), field);
}

int ctl_check_domain_list(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.domain_list.pad0)
		return bad(field, CTL_FIELD(u.domain_list.pad0), -EINVAL);
	return 0;
}

int ctl_check_vcpu_info(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.vcpu_info.pad0)
		return bad(field, CTL_FIELD(u.vcpu_info.pad0), -EINVAL);
	return 0;
}

int ctl_check_mem(const struct muxv_ctl *c, bool window, uint32_t *field)
{
	const struct muxv_mem *m = &c->u.mem;

	if (m->count < 1 || m->count > MUXV_CTL_MAP_MAX)
		return bad(field, CTL_FIELD(u.mem.count), -EINVAL);
	if (window) {
		if (m->dom0_gpa & 0xfff)
			return bad(field, CTL_FIELD(u.mem.dom0_gpa), -EINVAL);
		if (m->dom0_gpa + (m->count << 12) < m->dom0_gpa)
			return bad(field, CTL_FIELD(u.mem.dom0_gpa), -ERANGE);
	}
	if (c->hdr.op != MUXV_CTL_MEM_UNMAP && m->gfn + m->count < m->gfn)
		return bad(field, CTL_FIELD(u.mem.gfn), -ERANGE);
	return 0;
}

int ctl_check_console(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.console.pad0)
		return bad(field, CTL_FIELD(u.console.pad0), -EINVAL);
	return 0;
}

int ctl_check_events(const struct muxv_ctl *c, uint32_t *field)
{
	if (c->u.events.pad0)
		return bad(field, CTL_FIELD(u.events.pad0), -EINVAL);
	return 0;
}

int ctl_check_balloon_set(const struct muxv_ctl *c, uint32_t *field)
{
	const struct muxv_balloon_set *bs = &c->u.balloon_set;

	if ((bs->target_bytes & 0xfff) || bs->target_bytes < MUXV_BALLOON_MIN_TARGET)
		return bad(field, CTL_FIELD(u.balloon_set.target_bytes), -EINVAL);
	if (bs->pad0)
		return bad(field, CTL_FIELD(u.balloon_set.pad0), -EINVAL);
	return 0;
}
