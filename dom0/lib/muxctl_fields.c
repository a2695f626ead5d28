/*
 * muxctl_fields.c - names of the calls and of their fields, so that an
 * error's hdr.err_field (a byte offset in struct muxv_ctl) can be named.
 *
 * One table per argument struct, in field order, built with offsetof and
 * sizeof; the unit test checks that each table covers its struct byte for
 * byte, so a field added to control.h without a name here fails it.
 */
#include "muxctl_int.h"

#include <stddef.h>
#include <string.h>

struct muxctl_field {
	uint32_t off;
	uint32_t size;
	const char *name;
};

#define MUXCTL_FIELD(member, name) \
	{ offsetof(struct muxv_ctl, member), sizeof(((struct muxv_ctl *)0)->member), name }

static const struct muxctl_field hdr_fields[] = {
	MUXCTL_FIELD(hdr.version, "hdr.version"),
	MUXCTL_FIELD(hdr.op, "hdr.op"),
	MUXCTL_FIELD(hdr.domid, "hdr.domid"),
	MUXCTL_FIELD(hdr.err_field, "hdr.err_field"),
	MUXCTL_FIELD(hdr.buf, "hdr.buf"),
	MUXCTL_FIELD(hdr.buf_len, "hdr.buf_len"),
	MUXCTL_FIELD(hdr.buf_dir, "hdr.buf_dir"),
	{ 0, 0, NULL },
};

static const struct muxctl_field image_create_fields[] = {
	MUXCTL_FIELD(u.image_create.size, "image_create.size"),
	MUXCTL_FIELD(u.image_create.image_id, "image_create.image_id"),
	MUXCTL_FIELD(u.image_create.pad0, "image_create.pad0"),
	{ 0, 0, NULL },
};

static const struct muxctl_field image_write_fields[] = {
	MUXCTL_FIELD(u.image_write.image_id, "image_write.image_id"),
	MUXCTL_FIELD(u.image_write.pad0, "image_write.pad0"),
	MUXCTL_FIELD(u.image_write.offset, "image_write.offset"),
	{ 0, 0, NULL },
};

static const struct muxctl_field image_fields[] = {
	MUXCTL_FIELD(u.image.image_id, "image.image_id"),
	MUXCTL_FIELD(u.image.pad0, "image.pad0"),
	{ 0, 0, NULL },
};

static const struct muxctl_field domain_create_fields[] = {
	MUXCTL_FIELD(u.domain_create.name, "domain_create.name"),
	MUXCTL_FIELD(u.domain_create.kind, "domain_create.kind"),
	MUXCTL_FIELD(u.domain_create.vcpus, "domain_create.vcpus"),
	MUXCTL_FIELD(u.domain_create.mem_bytes, "domain_create.mem_bytes"),
	MUXCTL_FIELD(u.domain_create.populate_bytes, "domain_create.populate_bytes"),
	MUXCTL_FIELD(u.domain_create.kernel_image, "domain_create.kernel_image"),
	MUXCTL_FIELD(u.domain_create.initrd_image, "domain_create.initrd_image"),
	MUXCTL_FIELD(u.domain_create.on_poweroff, "domain_create.on_poweroff"),
	MUXCTL_FIELD(u.domain_create.on_crash, "domain_create.on_crash"),
	MUXCTL_FIELD(u.domain_create.on_reboot, "domain_create.on_reboot"),
	MUXCTL_FIELD(u.domain_create.pad0, "domain_create.pad0"),
	MUXCTL_FIELD(u.domain_create.sched.weight, "domain_create.sched.weight"),
	MUXCTL_FIELD(u.domain_create.sched.reservation, "domain_create.sched.reservation"),
	MUXCTL_FIELD(u.domain_create.sched.cap, "domain_create.sched.cap"),
	MUXCTL_FIELD(u.domain_create.sched.burst_baseline, "domain_create.sched.burst_baseline"),
	MUXCTL_FIELD(u.domain_create.sched.burst_max_ms, "domain_create.sched.burst_max_ms"),
	MUXCTL_FIELD(u.domain_create.sched.pad0, "domain_create.sched.pad0"),
	MUXCTL_FIELD(u.domain_create.cmdline, "domain_create.cmdline"),
	MUXCTL_FIELD(u.domain_create.domid, "domain_create.domid"),
	MUXCTL_FIELD(u.domain_create.pad1, "domain_create.pad1"),
	{ 0, 0, NULL },
};

static const struct muxctl_field domain_list_fields[] = {
	MUXCTL_FIELD(u.domain_list.first_id, "domain_list.first_id"),
	MUXCTL_FIELD(u.domain_list.count, "domain_list.count"),
	MUXCTL_FIELD(u.domain_list.total, "domain_list.total"),
	MUXCTL_FIELD(u.domain_list.pad0, "domain_list.pad0"),
	{ 0, 0, NULL },
};

static const struct muxctl_field vcpu_info_fields[] = {
	MUXCTL_FIELD(u.vcpu_info.vcpu, "vcpu_info.vcpu"),
	MUXCTL_FIELD(u.vcpu_info.state, "vcpu_info.state"),
	MUXCTL_FIELD(u.vcpu_info.pcpu, "vcpu_info.pcpu"),
	MUXCTL_FIELD(u.vcpu_info.pad0, "vcpu_info.pad0"),
	MUXCTL_FIELD(u.vcpu_info.time, "vcpu_info.time"),
	MUXCTL_FIELD(u.vcpu_info.exits, "vcpu_info.exits"),
	{ 0, 0, NULL },
};

static const struct muxctl_field sched_fields[] = {
	MUXCTL_FIELD(u.sched.weight, "sched.weight"),
	MUXCTL_FIELD(u.sched.reservation, "sched.reservation"),
	MUXCTL_FIELD(u.sched.cap, "sched.cap"),
	MUXCTL_FIELD(u.sched.burst_baseline, "sched.burst_baseline"),
	MUXCTL_FIELD(u.sched.burst_max_ms, "sched.burst_max_ms"),
	MUXCTL_FIELD(u.sched.pad0, "sched.pad0"),
	{ 0, 0, NULL },
};

static const struct muxctl_field mem_fields[] = {
	MUXCTL_FIELD(u.mem.gfn, "mem.gfn"),
	MUXCTL_FIELD(u.mem.count, "mem.count"),
	MUXCTL_FIELD(u.mem.dom0_gpa, "mem.dom0_gpa"),
	{ 0, 0, NULL },
};

static const struct muxctl_field console_fields[] = {
	MUXCTL_FIELD(u.console.seq, "console.seq"),
	MUXCTL_FIELD(u.console.count, "console.count"),
	MUXCTL_FIELD(u.console.pad0, "console.pad0"),
	MUXCTL_FIELD(u.console.lost, "console.lost"),
	{ 0, 0, NULL },
};

static const struct muxctl_field events_fields[] = {
	MUXCTL_FIELD(u.events.seq, "events.seq"),
	MUXCTL_FIELD(u.events.count, "events.count"),
	MUXCTL_FIELD(u.events.pad0, "events.pad0"),
	MUXCTL_FIELD(u.events.lost, "events.lost"),
	{ 0, 0, NULL },
};

static const struct muxctl_field balloon_set_fields[] = {
	MUXCTL_FIELD(u.balloon_set.target_bytes, "balloon_set.target_bytes"),
	MUXCTL_FIELD(u.balloon_set.pad0, "balloon_set.pad0"),
	{ 0, 0, NULL },
};

/* Calls that only read (host_info, domain_info, balloon_info) have no argument fields. */
static const struct muxctl_field no_fields[] = { { 0, 0, NULL } };

struct muxctl_op {
	uint32_t op;
	const char *name;
	const struct muxctl_field *fields;  /* its argument struct */
};

static const struct muxctl_op muxctl_ops[] = {
	{ MUXV_CTL_HOST_INFO, "host info", no_fields },
	{ MUXV_CTL_IMAGE_CREATE, "image create", image_create_fields },
	{ MUXV_CTL_IMAGE_WRITE, "image write", image_write_fields },
	{ MUXV_CTL_IMAGE_SEAL, "image seal", image_fields },
	{ MUXV_CTL_IMAGE_RELEASE, "image release", image_fields },
	{ MUXV_CTL_DOMAIN_CREATE, "domain create", domain_create_fields },
	{ MUXV_CTL_DOMAIN_DESTROY, "domain destroy", no_fields },
	{ MUXV_CTL_DOMAIN_PAUSE, "domain pause", no_fields },
	{ MUXV_CTL_DOMAIN_UNPAUSE, "domain unpause", no_fields },
	{ MUXV_CTL_DOMAIN_INFO, "domain info", no_fields },
	{ MUXV_CTL_DOMAIN_LIST, "domain list", domain_list_fields },
	{ MUXV_CTL_VCPU_INFO, "vcpu info", vcpu_info_fields },
	{ MUXV_CTL_SCHED_GET, "sched get", no_fields },
	{ MUXV_CTL_SCHED_SET, "sched set", sched_fields },
	{ MUXV_CTL_MEM_POPULATE, "mem populate", mem_fields },
	{ MUXV_CTL_MEM_MAP, "mem map", mem_fields },
	{ MUXV_CTL_MEM_UNMAP, "mem unmap", mem_fields },
	{ MUXV_CTL_CONSOLE_READ, "console read", console_fields },
	{ MUXV_CTL_CONSOLE_WRITE, "console write", console_fields },
	{ MUXV_CTL_EVENTS_READ, "events read", events_fields },
	{ MUXV_CTL_BALLOON_SET, "balloon set", balloon_set_fields },
	{ MUXV_CTL_BALLOON_GET, "balloon get", no_fields },
};

static const struct muxctl_op *muxctl_find_op(uint32_t op)
{
	for (size_t i = 0; i < sizeof muxctl_ops / sizeof muxctl_ops[0]; i++)
		if (muxctl_ops[i].op == op)
			return &muxctl_ops[i];
	return NULL;
}

const char *muxctl_op_name(uint32_t op)
{
	const struct muxctl_op *o = muxctl_find_op(op);
	return o ? o->name : "control call";
}

static const char *muxctl_lookup(const struct muxctl_field *f, uint32_t off)
{
	for (; f->name; f++)
		if (off >= f->off && off < f->off + f->size)
			return f->name;
	return NULL;
}

const char *muxctl_field_name(uint32_t op, uint32_t err_field)
{
	const struct muxctl_op *o = muxctl_find_op(op);
	const char *name = muxctl_lookup(hdr_fields, err_field);
	if (name || !o)
		return name;
	return muxctl_lookup(o->fields, err_field);
}
