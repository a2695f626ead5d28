/*
 * t_lifecycle.c - a customer domain's life from dom0: DOMAIN_CREATE from
 * the uploaded child image (and its refusals), UNPAUSE, its console,
 * PAUSE/UNPAUSE, SCHED_GET/SET with a refused reservation, the events of
 * it all, DESTROY giving every page back, and an image released while a
 * domain still uses it.
 */
#include "probe.h"

#define DC(member) CTL_FIELD(u.domain_create.member)

static struct muxv_event events[64];
static char text[4096];

/* Whether event type about domid is among those from seq on. */
static bool saw_event(uint64_t seq, uint32_t domid, uint32_t type)
{
	ctl_prep(aux, MUXV_CTL_EVENTS_READ, 0);
	aux->u.events.seq = seq;
	ctl_set_buf(aux, events, sizeof(events), MUXV_BUF_OUT);
	if (ctl_do(aux) != 0)
		return false;
	for (uint32_t i = 0; i < aux->u.events.count; i++)
		if (events[i].domid == domid && events[i].type == type &&
		    events[i].seq >= seq)
			return true;
	return false;
}

static bool contains(const char *hay, uint32_t n, const char *needle)
{
	size_t k = rt_strlen(needle);

	for (uint32_t i = 0; i + k <= n; i++)
		if (rt_strncmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static void create_refusals(void)
{
	probe_prep_create("bad name!", child_image);
	expect_refused("ctl.life.create_bad_name", MUXV_EINVAL, DC(name));
	probe_prep_create("ctl", child_image);         /* this domain's name */
	req->u.domain_create.name[0] = 0;
	expect_refused("ctl.life.create_empty_name", MUXV_EINVAL, DC(name));
	probe_prep_create(rt_boot_info()->name, child_image);
	expect_refused("ctl.life.create_name_taken", MUXV_EEXIST, DC(name));
	probe_prep_create("c1", child_image);
	req->u.domain_create.kind = 9;
	expect_refused("ctl.life.create_bad_kind", MUXV_EINVAL, DC(kind));
	probe_prep_create("c1", child_image);
	req->u.domain_create.vcpus = 0;
	expect_refused("ctl.life.create_no_vcpus", MUXV_EINVAL, DC(vcpus));
	probe_prep_create("c1", child_image);
	req->u.domain_create.mem_bytes = (8u << 20) + 100;
	expect_refused("ctl.life.create_mem_unaligned", MUXV_EINVAL, DC(mem_bytes));
	probe_prep_create("c1", child_image);
	req->u.domain_create.mem_bytes = 12ull << 30;  /* more than the host has */
	expect_refused("ctl.life.create_no_memory", MUXV_ENOMEM, DC(mem_bytes));
	probe_prep_create("c1", child_image);
	req->u.domain_create.pad1 = 1;
	expect_refused("ctl.life.create_pad", MUXV_EINVAL, DC(pad1));
	probe_prep_create("c1", child_image);
	req->u.domain_create.on_crash = 7;
	expect_refused("ctl.life.create_bad_on_crash", MUXV_EINVAL, DC(on_crash));
	probe_prep_create("c1", child_image);
	req->u.domain_create.sched.weight = 0;
	expect_refused("ctl.life.create_weight_zero", MUXV_EINVAL, DC(sched.weight));
	probe_prep_create("c1", child_image);
	req->u.domain_create.sched.reservation = 101;  /* one vCPU: 100% at most */
	req->u.domain_create.sched.cap = 0;
	expect_refused("ctl.life.create_reservation_range", MUXV_ERANGE, DC(sched.reservation));
	probe_prep_create("c1", child_image);
	req->u.domain_create.vcpus = 64;
	req->u.domain_create.sched.cap = 0;
	req->u.domain_create.sched.reservation = 6400; /* admission control */
	expect_refused("ctl.life.create_admission", MUXV_ENOSPC, DC(sched.reservation));
	probe_prep_create("c1", 0x7ffffff0);
	expect_refused("ctl.life.create_no_image", MUXV_ENOENT, DC(kernel_image));
	probe_prep_create("c1", child_image);
	req->u.domain_create.initrd_image = child_image;
	expect_refused("ctl.life.create_initrd_test_kernel", MUXV_EINVAL, DC(initrd_image));
}

/* The balloon calls' refusals: bad targets (checked before the domain),
 * a test kernel and dom0 (no balloon), a domain that does not exist, and
 * a Linux domain's start target below the smallest. Linux domains'
 * balloons themselves are tested in ci/tests/dom0_muxctl.py. */
static void balloon_refusals(uint32_t id)
{
	ctl_prep(req, MUXV_CTL_BALLOON_SET, id);
	req->u.balloon_set.target_bytes = MUXV_BALLOON_MIN_TARGET - 4096;
	expect_refused("ctl.life.balloon_set_below_min", MUXV_EINVAL,
		       CTL_FIELD(u.balloon_set.target_bytes));
	ctl_prep(req, MUXV_CTL_BALLOON_SET, id);
	req->u.balloon_set.target_bytes = (32u << 20) + 100;
	expect_refused("ctl.life.balloon_set_unaligned", MUXV_EINVAL,
		       CTL_FIELD(u.balloon_set.target_bytes));
	ctl_prep(req, MUXV_CTL_BALLOON_SET, id);
	req->u.balloon_set.target_bytes = 32u << 20;
	req->u.balloon_set.pad0 = 1;
	expect_refused("ctl.life.balloon_set_pad", MUXV_EINVAL, CTL_FIELD(u.balloon_set.pad0));
	ctl_prep(req, MUXV_CTL_BALLOON_SET, id);
	req->u.balloon_set.target_bytes = 32u << 20;
	expect_refused("ctl.life.balloon_set_test_kernel", MUXV_ENODEV, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_BALLOON_GET, id);
	expect_refused("ctl.life.balloon_get_test_kernel", MUXV_ENODEV, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_BALLOON_GET, 0);
	expect_refused("ctl.life.balloon_get_dom0", MUXV_ENODEV, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_BALLOON_SET, 0);
	req->u.balloon_set.target_bytes = 32u << 20;
	expect_refused("ctl.life.balloon_set_dom0", MUXV_ENODEV, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_BALLOON_SET, 0x7fffffff);
	req->u.balloon_set.target_bytes = 32u << 20;
	expect_refused("ctl.life.balloon_set_no_such", MUXV_ESRCH, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_BALLOON_GET, 0x7fffffff);
	expect_refused("ctl.life.balloon_get_no_such", MUXV_ESRCH, CTL_FIELD(hdr.domid));
	/* a Linux domain pre-ballooned below the smallest target */
	probe_prep_create("lin", child_image);
	req->u.domain_create.kind = MUXV_KIND_LINUX;
	req->u.domain_create.mem_bytes = 64u << 20;
	req->u.domain_create.populate_bytes = 8u << 20;
	expect_refused("ctl.life.create_linux_target_below_min", MUXV_EINVAL, DC(populate_bytes));
}

/* Reads the child's console until it printed a cpuburn report. */
static void console(uint32_t id)
{
	uint64_t end = (uint64_t)rt_hc_time_ns() + 60000000000ull;
	uint64_t seq = 0;
	uint32_t have = 0;
	bool found = false, lost = false;

	while (!found && (uint64_t)rt_hc_time_ns() < end) {
		ctl_prep(req, MUXV_CTL_CONSOLE_READ, id);
		req->u.console.seq = seq;
		ctl_set_buf(req, text + have, sizeof(text) - 1 - have, MUXV_BUF_OUT);
		if (ctl_do(req) != 0)
			break;
		lost |= req->u.console.lost != 0;
		have += req->u.console.count;
		seq = req->u.console.seq;
		found = contains(text, have, "cpuburn: units=");
		if (!found)
			rt_hc_yield();
	}
	check("ctl.life.console_read", found && !lost && seq == have,
	      "found %d lost %d seq %lu bytes %u", found, lost, seq, have);
	/* From byte 4: the same bytes again, numbered the same. */
	ctl_prep(req, MUXV_CTL_CONSOLE_READ, id);
	req->u.console.seq = 4;
	ctl_set_buf(req, probe_buf, 8, MUXV_BUF_OUT);
	bool ok = ctl_do(req) == 0;
	check("ctl.life.console_reread", ok && req->u.console.count == 8 &&
	      req->u.console.seq == 12 && memcmp(probe_buf, text + 4, 8) == 0,
	      "ok %d count %u seq %lu", ok, req->u.console.count, req->u.console.seq);
	ctl_prep(req, MUXV_CTL_CONSOLE_WRITE, id);
	ctl_set_buf(req, "x\n", 2, MUXV_BUF_IN);
	expect_refused("ctl.life.console_write_no_input", MUXV_ENODEV, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_CONSOLE_READ, id);
	req->u.console.pad0 = 1;
	expect_refused("ctl.life.console_pad", MUXV_EINVAL, CTL_FIELD(u.console.pad0));
	ctl_prep(req, MUXV_CTL_CONSOLE_READ, 0x7fffffff);
	expect_refused("ctl.life.console_no_such", MUXV_ESRCH, CTL_FIELD(hdr.domid));
}

static uint64_t run_ns(uint32_t id)
{
	struct muxv_domain_info di;

	return probe_domain_info(id, &di) == 0 ? di.time.run_ns : 0;
}

static void pause(uint32_t id, uint64_t ev0)
{
	struct muxv_domain_info di;

	ctl_prep(req, MUXV_CTL_DOMAIN_PAUSE, id);
	bool ok = expect_ok("ctl.life.pause");
	uint64_t r1 = run_ns(id);
	for (int i = 0; i < 50; i++)
		rt_hc_yield();
	uint64_t r2 = run_ns(id);
	probe_domain_info(id, &di);
	check("ctl.life.pause", ok && di.state == MUXV_STATE_PAUSED && r1 == r2 &&
	      saw_event(ev0, id, MUXV_EV_PAUSED), "state %u run_ns %lu -> %lu",
	      di.state, r1, r2);
	ctl_prep(req, MUXV_CTL_DOMAIN_PAUSE, id);
	expect_refused("ctl.life.pause_twice", MUXV_EBUSY, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_DOMAIN_PAUSE, 0);
	expect_refused("ctl.life.pause_dom0", MUXV_EINVAL, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_DOMAIN_UNPAUSE, id);
	ok = expect_ok("ctl.life.unpause");
	probe_domain_info(id, &di);
	check("ctl.life.unpause", ok && di.state == MUXV_STATE_RUNNING &&
	      saw_event(ev0, id, MUXV_EV_UNPAUSED), "state %u", di.state);
	ctl_prep(req, MUXV_CTL_DOMAIN_UNPAUSE, id);
	expect_refused("ctl.life.unpause_running", MUXV_EBUSY, CTL_FIELD(hdr.domid));
}

static bool sched_set(uint32_t id, const struct muxv_sched *s)
{
	ctl_prep(req, MUXV_CTL_SCHED_SET, id);
	req->u.sched = *s;
	return ctl_do(req) == 0;
}

static void sched(uint32_t id)
{
	struct muxv_sched s = { .weight = 512, .cap = 40 };
	struct muxv_host_info a, b;

	check("ctl.life.sched_set", sched_set(id, &s), "refused");
	ctl_prep(req, MUXV_CTL_SCHED_GET, id);
	bool ok = expect_ok("ctl.life.sched_get");
	check("ctl.life.sched_get", ok && req->u.sched.weight == 512 && req->u.sched.cap == 40 &&
	      req->u.sched.reservation == 0, "weight %u cap %u", req->u.sched.weight,
	      req->u.sched.cap);

	probe_host_info(&a);
	s = (struct muxv_sched){ .weight = 512, .reservation = 30, .cap = 40 };
	ok = sched_set(id, &s);
	probe_host_info(&b);
	check("ctl.life.sched_reserve", ok && b.reserved_pct == a.reserved_pct + 30,
	      "ok %d reserved %u -> %u", ok, a.reserved_pct, b.reserved_pct);
	/* dom0 asks for all of the host: the child's 30% is taken. */
	ctl_prep(req, MUXV_CTL_SCHED_GET, 0);
	ctl_do(req);
	struct muxv_sched mine = req->u.sched;
	ctl_prep(req, MUXV_CTL_SCHED_SET, 0);
	req->u.sched = mine;
	req->u.sched.reservation = b.capacity_pct - b.reserved_pct + mine.reservation + 1;
	req->u.sched.cap = 0;
	req->u.sched.burst_baseline = 0;
	req->u.sched.burst_max_ms = 0;
	if (req->u.sched.reservation <= rt_nr_cpus() * 100)
		expect_refused("ctl.life.sched_admission", MUXV_ENOSPC,
			       CTL_FIELD(u.sched.reservation));
	else
		check("ctl.life.sched_admission", false, "dom0 has too few vCPUs to ask");
	ctl_prep(req, MUXV_CTL_SCHED_SET, id);
	req->u.sched = s;
	req->u.sched.reservation = 101;
	req->u.sched.cap = 0;
	expect_refused("ctl.life.sched_range", MUXV_ERANGE, CTL_FIELD(u.sched.reservation));
	req->u.sched = s;
	req->u.sched.weight = 70000;
	expect_refused("ctl.life.sched_weight", MUXV_EINVAL, CTL_FIELD(u.sched.weight));
	req->u.sched = s;
	req->u.sched.pad0 = 1;
	expect_refused("ctl.life.sched_pad", MUXV_EINVAL, CTL_FIELD(u.sched.pad0));
	s.reservation = 0;
	check("ctl.life.sched_unreserve", sched_set(id, &s), "refused");
}

static void destroy(uint32_t id, uint64_t ev0, const struct muxv_host_info *before)
{
	struct muxv_host_info after;
	struct muxv_domain_info di;

	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, 0);
	expect_refused("ctl.life.destroy_dom0", MUXV_EINVAL, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	bool ok = expect_ok("ctl.life.destroy");
	probe_host_info(&after);
	int64_t r = probe_domain_info(id, &di);
	check("ctl.life.destroy", ok && r == -MUXV_ESRCH && saw_event(ev0, id, MUXV_EV_DESTROYED) &&
	      after.nr_domains == before->nr_domains, "info %ld domains %u -> %u", r,
	      before->nr_domains, after.nr_domains);
	check("ctl.life.destroy_pages_back", after.pool_free_pages == before->pool_free_pages &&
	      after.reserved_pct == before->reserved_pct,
	      "free pages %lu before create, %lu after destroy; reserved %u -> %u",
	      before->pool_free_pages, after.pool_free_pages, before->reserved_pct,
	      after.reserved_pct);
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	expect_refused("ctl.life.destroy_twice", MUXV_ESRCH, CTL_FIELD(hdr.domid));
}

/* A domain built from an uploaded image restarts from it (on_poweroff
 * restart: a new id each time, the image kept), and is destroyed under
 * its name whatever its id by then: every page back. */
static void restarts(void)
{
	struct muxv_host_info before, after;
	struct muxv_domain_info di;
	struct probe_state st;

	probe_state(&st);
	probe_host_info(&before);
	probe_prep_create("c7", child_image);
	req->u.domain_create.on_poweroff = MUXV_ON_RESTART;
	rt_strlcpy(req->u.domain_create.cmdline, "duration_ms=20",
		   sizeof(req->u.domain_create.cmdline));
	if (!expect_ok("ctl.life.restarts"))
		return;
	uint32_t first = req->u.domain_create.domid;
	ctl_prep(req, MUXV_CTL_DOMAIN_UNPAUSE, first);
	ctl_do(req);
	uint64_t end = (uint64_t)rt_hc_time_ns() + 60000000000ull;
	int64_t id = first;
	uint32_t boots = 0;
	while (boots < 2 && (uint64_t)rt_hc_time_ns() < end) {
		id = probe_find_domain("c7");
		if (id >= 0 && probe_domain_info((uint32_t)id, &di) == 0)
			boots = di.boot_count;
		rt_hc_yield();
	}
	/* Its id changes at each restart: destroy whichever is current. */
	int64_t r = -1;
	for (int tries = 0; tries < 100 && r != 0 && (id = probe_find_domain("c7")) >= 0; tries++)
		r = (ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, (uint32_t)id), ctl_do(req));
	probe_host_info(&after);
	check("ctl.life.restarts", boots >= 2 && r == 0 && (uint32_t)id != first &&
	      probe_find_domain("c7") < 0 && saw_event(st.event_seq, first, MUXV_EV_POWEROFF) &&
	      after.pool_free_pages == before.pool_free_pages &&
	      after.image_pages == before.image_pages,
	      "boots %u, destroy %ld of id %ld (first %u), free pages %lu -> %lu", boots, r, id,
	      first, before.pool_free_pages, after.pool_free_pages);
}

/* A released image stays while a domain uses it, and goes with it. */
static void release_in_use(const struct muxv_host_info *before)
{
	struct muxv_host_info mid, after;

	probe_prep_create("c2", child_image);
	if (!expect_ok("ctl.life.release_in_use"))
		return;
	uint32_t id = req->u.domain_create.domid;
	ctl_prep(req, MUXV_CTL_IMAGE_RELEASE, 0);
	req->u.image.image_id = child_image;
	bool ok = expect_ok("ctl.life.release_in_use");
	probe_host_info(&mid);
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	ok &= expect_ok("ctl.life.release_in_use");
	probe_host_info(&after);
	check("ctl.life.release_in_use", ok && mid.image_pages == before->image_pages &&
	      after.image_pages < before->image_pages &&
	      after.pool_free_pages > before->pool_free_pages,
	      "image pages %lu, %lu while used, %lu after; free %lu -> %lu", before->image_pages,
	      mid.image_pages, after.image_pages, before->pool_free_pages, after.pool_free_pages);
}

static int64_t populate(uint32_t id, uint64_t gfn, uint64_t count)
{
	ctl_prep(req, MUXV_CTL_MEM_POPULATE, id);
	req->u.mem.gfn = gfn;
	req->u.mem.count = count;
	return ctl_do(req);
}

/* A domain populated in part (4 of 8 MiB, and its boot area), given
 * more pages; every page back when it is destroyed. */
static void mem_populate(void)
{
	struct muxv_host_info before, after;
	struct muxv_domain_info a, b;

	probe_host_info(&before);
	probe_prep_create("c3", child_image);
	req->u.domain_create.populate_bytes = 4u << 20;
	if (!expect_ok("ctl.mem.create_in_part"))
		return;
	uint32_t id = req->u.domain_create.domid;
	probe_domain_info(id, &a);
	check("ctl.mem.create_in_part", a.mem_pages == 1024 + 16 && a.mem_max_pages == 2048,
	      "pages %lu of %lu", a.mem_pages, a.mem_max_pages);
	int64_t r = populate(id, 1024, 100);
	probe_domain_info(id, &b);
	check("ctl.mem.populate", r == 0 && b.mem_pages == a.mem_pages + 100, "%ld, pages %lu",
	      r, b.mem_pages);
	ctl_prep(req, MUXV_CTL_MEM_POPULATE, id);
	req->u.mem.gfn = 1100;
	req->u.mem.count = 8;
	expect_refused("ctl.mem.populate_twice", MUXV_EEXIST, CTL_FIELD(u.mem.gfn));
	req->u.mem.gfn = 2040;                 /* from the boot area past the */
	req->u.mem.count = 16;                 /* 8 MiB ceiling: range first */
	expect_refused("ctl.mem.populate_above_ceiling", MUXV_ERANGE, CTL_FIELD(u.mem.gfn));
	req->u.mem.gfn = ~0ull - 2;
	req->u.mem.count = 4;
	expect_refused("ctl.mem.populate_wraps", MUXV_ERANGE, CTL_FIELD(u.mem.gfn));
	req->u.mem.gfn = 1200;
	req->u.mem.count = 0;
	expect_refused("ctl.mem.populate_none", MUXV_EINVAL, CTL_FIELD(u.mem.count));
	req->u.mem.count = MUXV_CTL_MAP_MAX + 1;
	expect_refused("ctl.mem.populate_too_many", MUXV_EINVAL, CTL_FIELD(u.mem.count));
	ctl_prep(req, MUXV_CTL_MEM_POPULATE, 0);
	req->u.mem.gfn = 1ull << 20;
	req->u.mem.count = 1;
	expect_refused("ctl.mem.populate_dom0", MUXV_EINVAL, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_MEM_POPULATE, 0x7fffffff);
	req->u.mem.count = 1;
	expect_refused("ctl.mem.populate_no_such", MUXV_ESRCH, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_DOMAIN_DESTROY, id);
	bool ok = expect_ok("ctl.mem.destroy");
	probe_host_info(&after);
	check("ctl.mem.destroy", ok && after.pool_free_pages == before.pool_free_pages,
	      "free pages %lu before, %lu after", before.pool_free_pages, after.pool_free_pages);
}

void part_lifecycle(void)
{
	struct probe_state st;
	struct muxv_host_info before, hi;
	struct muxv_domain_info di;

	if (!child_image) {
		check("ctl.life.image", false, "no child image was uploaded");
		return;
	}
	create_refusals();
	probe_state(&st);
	probe_host_info(&before);
	probe_prep_create("child", child_image);
	if (!expect_ok("ctl.life.create"))
		return;
	uint32_t id = req->u.domain_create.domid;
	probe_host_info(&hi);
	probe_domain_info(id, &di);
	check("ctl.life.create", id > 0 && di.state == MUXV_STATE_CREATED &&
	      di.mem_pages == (8u << 20) / 4096 && hi.nr_domains == before.nr_domains + 1 &&
	      hi.pool_free_pages + di.mem_pages <= before.pool_free_pages &&
	      saw_event(st.event_seq, id, MUXV_EV_CREATED),
	      "id %u state %u pages %lu free %lu -> %lu", id, di.state, di.mem_pages,
	      before.pool_free_pages, hi.pool_free_pages);
	probe_prep_create("child", child_image);
	expect_refused("ctl.life.create_same_name", MUXV_EEXIST, DC(name));

	ctl_prep(req, MUXV_CTL_DOMAIN_UNPAUSE, id);
	bool ok = expect_ok("ctl.life.start");
	probe_domain_info(id, &di);
	check("ctl.life.start", ok && di.state == MUXV_STATE_RUNNING &&
	      saw_event(st.event_seq, id, MUXV_EV_STARTED), "state %u", di.state);
	console(id);
	balloon_refusals(id);
	pause(id, st.event_seq);
	sched(id);
	destroy(id, st.event_seq, &before);
	mem_populate();
	restarts();
	release_in_use(&before);
}
