/*
 * t_memmap.c - MEM_MAP/MEM_UNMAP: a created (not running) child's loaded
 * kernel read through dom0's window and compared with the image, one page
 * mapped twice (a write through one mapping seen through the other),
 * unmapping part of a range, the refusals, mappings removed by destroy,
 * and a child with mapped pages that powers off being kept, not freed.
 *
 * Once unmapped, a window page is never touched again: dom0 reaching a
 * guest-physical address with nothing behind it is a crash.
 */
#include "probe.h"

#define MM(member) CTL_FIELD(u.mem.member)
#define PT_LOAD 1

extern const uint8_t ctlprobe_child[], ctlprobe_child_end[];

static uint64_t window;

static int64_t mem_call(uint32_t op, uint32_t id, uint64_t gfn, uint64_t count, uint64_t gpa)
{
	ctl_prep(req, op, id);
	req->u.mem.gfn = gfn;
	req->u.mem.count = count;
	req->u.mem.dom0_gpa = gpa;
	return ctl_do(req);
}

static uint64_t mapped_pages(uint32_t id)
{
	struct muxv_domain_info di;

	return probe_domain_info(id, &di) == 0 ? di.mem_mapped_pages : ~0ull;
}

/* The child's first loadable segment: where it goes, where its bytes are. */
static bool first_segment(uint64_t *paddr, uint64_t *offset, uint64_t *filesz)
{
	const uint8_t *e = ctlprobe_child;
	uint64_t phoff;
	uint16_t phnum;

	memcpy(&phoff, e + 32, 8);
	memcpy(&phnum, e + 56, 2);
	for (uint16_t i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + i * 56u;
		uint32_t type;
		memcpy(&type, ph, 4);
		if (type != PT_LOAD)
			continue;
		memcpy(offset, ph + 8, 8);
		memcpy(paddr, ph + 24, 8);
		memcpy(filesz, ph + 32, 8);
		return true;
	}
	return false;
}

static void read_kernel(uint32_t id)
{
	uint64_t paddr = 0, offset = 0, filesz = 0;

	if (!first_segment(&paddr, &offset, &filesz) || filesz < 64) {
		check("ctl.map.read", false, "no loadable segment in the child");
		return;
	}
	int64_t r = mem_call(MUXV_CTL_MEM_MAP, id, paddr >> 12, 4, window);
	uint64_t n = filesz < 4096 - (paddr & 0xfff) ? filesz : 4096 - (paddr & 0xfff);
	const uint8_t *seen = (const uint8_t *)(uintptr_t)(window + (paddr & 0xfff));
	check("ctl.map.read", r == 0 && memcmp(seen, ctlprobe_child + offset, n) == 0 &&
	      mapped_pages(id) == 4, "map %ld, %lu bytes at 0x%lx, mapped %lu", r, n, paddr,
	      mapped_pages(id));
	/* The same page at a second window address. */
	r = mem_call(MUXV_CTL_MEM_MAP, id, paddr >> 12, 1, window + 0x10000);
	volatile uint32_t *a = (volatile uint32_t *)(uintptr_t)(window + 0xff0);
	volatile uint32_t *b = (volatile uint32_t *)(uintptr_t)(window + 0x10ff0);
	*a = 0xc0ffee11;
	check("ctl.map.shared", r == 0 && *b == 0xc0ffee11 && mapped_pages(id) == 5,
	      "map %ld, read %#x, mapped %lu", r, *b, mapped_pages(id));
}

static void refusals(uint32_t id)
{
	ctl_prep(req, MUXV_CTL_MEM_MAP, id);
	req->u.mem.gfn = 0x100;
	req->u.mem.count = 1;
	req->u.mem.dom0_gpa = window + 0x1000;
	expect_refused("ctl.map.window_in_use", MUXV_EEXIST, MM(dom0_gpa));
	req->u.mem.dom0_gpa = 0x200000;              /* dom0's own RAM */
	expect_refused("ctl.map.outside_window", MUXV_ERANGE, MM(dom0_gpa));
	req->u.mem.dom0_gpa = window + 0x20000 + 8;
	expect_refused("ctl.map.unaligned", MUXV_EINVAL, MM(dom0_gpa));
	req->u.mem.dom0_gpa = window + 0x20000;
	req->u.mem.gfn = 1ull << 30;                 /* not its memory */
	expect_refused("ctl.map.not_populated", MUXV_ENOENT, MM(gfn));
	req->u.mem.gfn = 0x100;
	req->u.mem.count = 0;
	expect_refused("ctl.map.count_zero", MUXV_EINVAL, MM(count));
	ctl_prep(req, MUXV_CTL_MEM_MAP, 0);
	req->u.mem.gfn = 0x100;
	req->u.mem.count = 1;
	req->u.mem.dom0_gpa = window + 0x20000;
	expect_refused("ctl.map.dom0_pages", MUXV_EINVAL, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_MEM_UNMAP, 0);
	req->u.mem.count = 1;
	req->u.mem.dom0_gpa = window + 0x20000;
	expect_refused("ctl.unmap.not_mapped", MUXV_ENOENT, MM(dom0_gpa));
	req->u.mem.dom0_gpa = window + 0x3000;
	req->u.mem.count = 2;                        /* one mapped, one not */
	expect_refused("ctl.unmap.partly_mapped", MUXV_ENOENT, MM(dom0_gpa));
}

static void unmap(uint32_t id)
{
	/* The middle two of the four: a hole in the range. */
	int64_t r1 = mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, 2, window + 0x1000);
	uint64_t m1 = mapped_pages(id);
	int64_t r2 = mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, 1, window);
	int64_t r3 = mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, 1, window + 0x3000);
	int64_t r4 = mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, 1, window + 0x10000);
	check("ctl.unmap", r1 == 0 && m1 == 3 && r2 == 0 && r3 == 0 && r4 == 0 &&
	      mapped_pages(id) == 0, "%ld %ld %ld %ld, mapped %lu then %lu", r1, r2, r3, r4,
	      m1, mapped_pages(id));
}

/* Mapped pages go when their domain is destroyed, and every page of it
 * comes back (dom0's tables for this part of the window exist already:
 * they stay, like all of dom0's nested page tables). */
static void destroy_mapped(void)
{
	struct muxv_host_info before, after;

	probe_host_info(&before);
	probe_prep_create("c6", child_image);
	if (!expect_ok("ctl.map.destroy_unmaps"))
		return;
	uint32_t id = req->u.domain_create.domid;
	int64_t r = mem_call(MUXV_CTL_MEM_MAP, id, 0x100, 8, window + 0x40000);
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	bool ok = r == 0 && expect_ok("ctl.map.destroy_unmaps");
	probe_host_info(&after);
	int64_t u = mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, 1, window + 0x40000);
	check("ctl.map.destroy_unmaps", ok && u == -MUXV_ENOENT &&
	      after.pool_free_pages == before.pool_free_pages,
	      "map %ld, unmap after destroy %ld, free pages %lu -> %lu", r, u,
	      before.pool_free_pages, after.pool_free_pages);
}

/* A child that powers off with pages mapped is kept, not freed. */
static void kept_while_mapped(void)
{
	struct muxv_domain_info di;

	probe_prep_create("c5", child_image);
	req->u.domain_create.on_poweroff = MUXV_ON_DESTROY;
	rt_strlcpy(req->u.domain_create.cmdline, "duration_ms=50",
		   sizeof(req->u.domain_create.cmdline));
	if (!expect_ok("ctl.map.kept_while_mapped"))
		return;
	uint32_t id = req->u.domain_create.domid;
	int64_t r = mem_call(MUXV_CTL_MEM_MAP, id, 0x100, 1, window + 0x80000);
	ctl_prep(req, MUXV_CTL_DOMAIN_UNPAUSE, id);
	ctl_do(req);
	bool stopped = probe_wait_state(id, MUXV_STATE_SHUTDOWN, 60000);
	int64_t i = probe_domain_info(id, &di);
	check("ctl.map.kept_while_mapped", r == 0 && stopped && i == 0 && di.mem_mapped_pages == 1,
	      "map %ld, shut down %d, info %ld state %u", r, stopped, i, di.state);
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	ctl_do(req);
}

void part_memmap(void)
{
	struct muxv_host_info before;

	if (!child_image) {
		check("ctl.map.image", false, "no child image was uploaded");
		return;
	}
	probe_host_info(&before);
	window = before.map_window_gpa;
	if (rt_map_identity(window, 1u << 20, false) != 0) {
		check("ctl.map.page_tables", false, "cannot map the window in the probe");
		return;
	}
	probe_prep_create("c4", child_image);
	if (!expect_ok("ctl.map.create"))
		return;
	uint32_t id = req->u.domain_create.domid;
	read_kernel(id);
	refusals(id);
	unmap(id);
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	expect_ok("ctl.map.destroy");
	destroy_mapped();
	kept_while_mapped();
}
