/*
 * test_control_validate.c - host tests of the control calls' argument
 * checks (control/validate.c): every rule refuses with the right error
 * and names the right field, and a good struct passes.
 */
#include "hv_test_util.h"
#include "../control/validate.c"

static const struct ctl_limits limits = {
	.max_vcpus = 64, .max_mem_bytes = 1ull << 40,
	.max_test_kernel_mem = 12ull << 30, .test_kernel_cmdline_max = 255,
};

/* Checks one verdict: want 0, or the error and field (*field is read
 * after the call: arguments are evaluated in no set order). */
static void verdict(int got, const uint32_t *field, int want, uint32_t want_field)
{
	if (got != want)
		unit_failf("returned %d, want %d", got, want);
	else if (want && *field != want_field)
		unit_failf("field %u, want %u", *field, want_field);
}

static void good_create(struct muxv_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = MUXV_CTL_VERSION;
	c->hdr.op = MUXV_CTL_DOMAIN_CREATE;
	struct muxv_domain_create *dc = &c->u.domain_create;
	strcpy(dc->name, "web-1.a_b");
	dc->kind = MUXV_KIND_TEST_KERNEL;
	dc->vcpus = 2;
	dc->mem_bytes = 16 << 20;
	dc->kernel_image = 1;
	dc->on_reboot = MUXV_ON_RESTART;
	dc->sched.weight = 256;
	dc->sched.reservation = 50;
	strcpy(dc->cmdline, "duration_ms=10");
}

static void test_header(void)
{
	struct muxv_ctl_hdr h = { .version = MUXV_CTL_VERSION, .op = MUXV_CTL_DOMAIN_LIST,
				  .buf = 0x1000, .buf_len = 4096, .buf_dir = MUXV_BUF_OUT };
	uint32_t f = 0;

	unit_begin("ctl_check_header");
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, 0, 0);
	h.version = MUXV_CTL_VERSION + 1;
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, -EPROTO, CTL_FIELD(hdr.version));
	h.version = MUXV_CTL_VERSION - 1;    /* an older dom0 */
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, -EPROTO, CTL_FIELD(hdr.version));
	h.op = MUXV_CTL_HOST_INFO;           /* any version may ask */
	verdict(ctl_check_header(&h, MUXV_BUF_NONE, &f), &f, 0, 0);
	h.op = MUXV_CTL_DOMAIN_LIST;
	h.version = MUXV_CTL_VERSION;
	h.buf_len = MUXV_CTL_BUF_MAX + 1;
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, -EINVAL, CTL_FIELD(hdr.buf_len));
	verdict(ctl_check_header(&h, MUXV_BUF_NONE, &f), &f, 0, 0);   /* ignored */
	h.buf_len = MUXV_CTL_BUF_MAX;
	h.buf_dir = MUXV_BUF_IN;
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, -EINVAL, CTL_FIELD(hdr.buf_dir));
	h.buf_len = 0;                       /* no bytes: direction ignored */
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, 0, 0);
	h.buf_len = 16;
	h.buf_dir = MUXV_BUF_OUT;
	h.buf = ~7ull;
	verdict(ctl_check_header(&h, MUXV_BUF_OUT, &f), &f, -EFAULT, CTL_FIELD(hdr.buf));
	unit_end();
}

static void test_images(void)
{
	struct muxv_ctl c;
	uint32_t f = 0;

	unit_begin("ctl_check_images");
	memset(&c, 0, sizeof(c));
	c.u.image_create.size = 1;
	verdict(ctl_check_image_create(&c, &f), &f, 0, 0);
	c.u.image_create.size = MUXV_CTL_IMAGE_MAX;
	verdict(ctl_check_image_create(&c, &f), &f, 0, 0);
	c.u.image_create.size = MUXV_CTL_IMAGE_MAX + 1ull;
	verdict(ctl_check_image_create(&c, &f), &f, -E2BIG, CTL_FIELD(u.image_create.size));
	c.u.image_create.size = 0;
	verdict(ctl_check_image_create(&c, &f), &f, -EINVAL, CTL_FIELD(u.image_create.size));
	c.u.image_create.size = 4096;
	c.u.image_create.pad0 = 1;
	verdict(ctl_check_image_create(&c, &f), &f, -EINVAL, CTL_FIELD(u.image_create.pad0));
	memset(&c, 0, sizeof(c));
	c.u.image_write.pad0 = 9;
	verdict(ctl_check_image_write(&c, &f), &f, -EINVAL, CTL_FIELD(u.image_write.pad0));
	memset(&c, 0, sizeof(c));
	c.u.image.image_id = 5;
	verdict(ctl_check_image_ref(&c, &f), &f, 0, 0);
	c.u.image.pad0 = 1;
	verdict(ctl_check_image_ref(&c, &f), &f, -EINVAL, CTL_FIELD(u.image.pad0));
	unit_end();
}

/* One bad variant of a good DOMAIN_CREATE: edit it, expect err at field. */
struct create_case {
	const char *what;
	void (*edit)(struct muxv_domain_create *dc);
	int err;
	uint32_t field;
};

#define DCF(m) CTL_FIELD(u.domain_create.m)
static void e_name_empty(struct muxv_domain_create *dc) { dc->name[0] = 0; }
static void e_name_char(struct muxv_domain_create *dc) { dc->name[2] = ' '; }
static void e_name_unterminated(struct muxv_domain_create *dc) { memset(dc->name, 'a', sizeof(dc->name)); }
static void e_kind(struct muxv_domain_create *dc) { dc->kind = 3; }
static void e_vcpus0(struct muxv_domain_create *dc) { dc->vcpus = 0; }
static void e_vcpus65(struct muxv_domain_create *dc) { dc->vcpus = 65; }
static void e_mem_unaligned(struct muxv_domain_create *dc) { dc->mem_bytes += 100; }
static void e_mem_small(struct muxv_domain_create *dc) { dc->mem_bytes = 512 << 10; }
static void e_mem_tk_big(struct muxv_domain_create *dc) { dc->mem_bytes = 13ull << 30; }
static void e_pop_big(struct muxv_domain_create *dc) { dc->populate_bytes = dc->mem_bytes + 4096; }
static void e_pop_unaligned(struct muxv_domain_create *dc) { dc->populate_bytes = 5000; }
static void e_pop_linux(struct muxv_domain_create *dc)
{
	dc->kind = MUXV_KIND_LINUX;
	dc->mem_bytes = 64 << 20;
	dc->populate_bytes = (16 << 20) - 4096;   /* below the smallest target */
}
static void e_no_kernel(struct muxv_domain_create *dc) { dc->kernel_image = 0; }
static void e_tk_initrd(struct muxv_domain_create *dc) { dc->initrd_image = 2; }
static void e_poweroff(struct muxv_domain_create *dc) { dc->on_poweroff = 3; }
static void e_crash(struct muxv_domain_create *dc) { dc->on_crash = 0xffffffff; }
static void e_reboot(struct muxv_domain_create *dc) { dc->on_reboot = 7; }
static void e_pad0(struct muxv_domain_create *dc) { dc->pad0 = 1; }
static void e_pad1(struct muxv_domain_create *dc) { dc->pad1 = 1; }
static void e_weight(struct muxv_domain_create *dc) { dc->sched.weight = 0; }
static void e_res_range(struct muxv_domain_create *dc) { dc->sched.reservation = 201; }
static void e_res_cap(struct muxv_domain_create *dc) { dc->sched.cap = 40; }
static void e_burst_max(struct muxv_domain_create *dc) { dc->sched.burst_max_ms = 10; }
static void e_sched_pad(struct muxv_domain_create *dc) { dc->sched.pad0 = 1; }
static void e_cmdline_unterminated(struct muxv_domain_create *dc)
{
	memset(dc->cmdline, 'x', sizeof(dc->cmdline));
}
static void e_cmdline_tk_long(struct muxv_domain_create *dc)
{
	memset(dc->cmdline, 'x', 256);
}

static const struct create_case create_cases[] = {
	{ "name empty", e_name_empty, -EINVAL, DCF(name) },
	{ "name with a space", e_name_char, -EINVAL, DCF(name) },
	{ "name unterminated", e_name_unterminated, -EINVAL, DCF(name) },
	{ "kind 3", e_kind, -EINVAL, DCF(kind) },
	{ "0 vCPUs", e_vcpus0, -EINVAL, DCF(vcpus) },
	{ "65 vCPUs", e_vcpus65, -EINVAL, DCF(vcpus) },
	{ "memory not in pages", e_mem_unaligned, -EINVAL, DCF(mem_bytes) },
	{ "memory below 1 MiB", e_mem_small, -EINVAL, DCF(mem_bytes) },
	{ "test kernel over 12 GiB", e_mem_tk_big, -EINVAL, DCF(mem_bytes) },
	{ "populate above memory", e_pop_big, -EINVAL, DCF(populate_bytes) },
	{ "populate not in pages", e_pop_unaligned, -EINVAL, DCF(populate_bytes) },
	{ "Linux start target below 16 MiB", e_pop_linux, -EINVAL, DCF(populate_bytes) },
	{ "no kernel image", e_no_kernel, -ENOENT, DCF(kernel_image) },
	{ "initrd for a test kernel", e_tk_initrd, -EINVAL, DCF(initrd_image) },
	{ "on_poweroff 3", e_poweroff, -EINVAL, DCF(on_poweroff) },
	{ "on_crash ~0", e_crash, -EINVAL, DCF(on_crash) },
	{ "on_reboot 7", e_reboot, -EINVAL, DCF(on_reboot) },
	{ "pad0", e_pad0, -EINVAL, DCF(pad0) },
	{ "pad1", e_pad1, -EINVAL, DCF(pad1) },
	{ "weight 0", e_weight, -EINVAL, DCF(sched.weight) },
	{ "reservation above 2 vCPUs", e_res_range, -ERANGE, DCF(sched.reservation) },
	{ "reservation above cap", e_res_cap, -EINVAL, DCF(sched.reservation) },
	{ "burst_max_ms without baseline", e_burst_max, -EINVAL, DCF(sched.burst_max_ms) },
	{ "sched pad0", e_sched_pad, -EINVAL, DCF(sched.pad0) },
	{ "cmdline unterminated", e_cmdline_unterminated, -EINVAL, DCF(cmdline) },
	{ "test kernel cmdline of 256", e_cmdline_tk_long, -EINVAL, DCF(cmdline) },
};

static void test_domain_create(void)
{
	struct muxv_ctl c;
	uint32_t f = 0;

	unit_begin("ctl_check_domain_create_good");
	good_create(&c);
	verdict(ctl_check_domain_create(&c, &limits, &f), &f, 0, 0);
	c.u.domain_create.kind = MUXV_KIND_LINUX;     /* initrd, populate = mem */
	c.u.domain_create.initrd_image = 2;
	c.u.domain_create.populate_bytes = c.u.domain_create.mem_bytes;
	memset(c.u.domain_create.cmdline, 'x', 400);
	verdict(ctl_check_domain_create(&c, &limits, &f), &f, 0, 0);
	c.u.domain_create.mem_bytes = 1ull << 30;     /* pre-ballooned at 16 MiB */
	c.u.domain_create.populate_bytes = MUXV_BALLOON_MIN_TARGET;
	verdict(ctl_check_domain_create(&c, &limits, &f), &f, 0, 0);
	good_create(&c);
	c.u.domain_create.populate_bytes = 4 << 20;   /* a test kernel in part */
	c.u.domain_create.domid = 77;                 /* OUT: ignored */
	verdict(ctl_check_domain_create(&c, &limits, &f), &f, 0, 0);
	unit_end();

	unit_begin("ctl_check_domain_create_each_rule");
	for (size_t i = 0; i < ARRAY_SIZE(create_cases); i++) {
		const struct create_case *k = &create_cases[i];
		good_create(&c);
		k->edit(&c.u.domain_create);
		f = 0;
		int err = ctl_check_domain_create(&c, &limits, &f);
		if (err != k->err || f != k->field) {
			unit_failf("%s: returned %d field %u, want %d field %u", k->what, err, f,
				   k->err, k->field);
			break;
		}
	}
	unit_end();
}

/* The field-by-field sched check agrees with the scheduler's own rules
 * (sched_params_check, restated here from hv/sched.h) on random input. */
static int sched_rules(const struct muxv_sched *s, uint32_t vcpus)
{
	if (s->weight < 1 || s->weight > 65535)
		return -EINVAL;
	if ((s->cap && s->reservation > s->cap) ||
	    (s->burst_baseline && s->reservation > s->burst_baseline) ||
	    (s->cap && s->burst_baseline > s->cap) ||
	    (!s->burst_baseline && s->burst_max_ms))
		return -EINVAL;
	return s->reservation > vcpus * 100ull ? -ERANGE : 0;
}

static void test_sched_random(void)
{
	uint64_t seed = 0x5c4ed;
	uint32_t f;

	unit_begin("ctl_check_sched_agrees_with_the_scheduler");
	for (int i = 0; i < 100000; i++) {
		struct muxv_sched s = {
			.weight = (uint32_t)test_rand_below(&seed, 70000),
			.reservation = (uint32_t)test_rand_below(&seed, 500),
			.cap = (uint32_t)test_rand_below(&seed, 3) ? 0 : (uint32_t)test_rand_below(&seed, 500),
			.burst_baseline = (uint32_t)test_rand_below(&seed, 3) ? 0 :
					  (uint32_t)test_rand_below(&seed, 500),
			.burst_max_ms = (uint32_t)test_rand_below(&seed, 2) ? 0 : 100,
		};
		uint32_t vcpus = 1 + (uint32_t)test_rand_below(&seed, 4);
		int want = sched_rules(&s, vcpus), got = ctl_check_sched(&s, vcpus, 100, &f);
		if (got != want || (got && (f < 100 || f >= 100 + sizeof(s)))) {
			unit_failf("case %d: got %d (field %u), want %d", i, got, f, want);
			break;
		}
	}
	unit_end();
}

static void test_small_calls(void)
{
	struct muxv_ctl c;
	uint32_t f = 0;

	unit_begin("ctl_check_mem");
	memset(&c, 0, sizeof(c));
	c.hdr.op = MUXV_CTL_MEM_MAP;
	c.u.mem = (struct muxv_mem){ .gfn = 0x100, .count = 1, .dom0_gpa = 0xc000000000ull };
	verdict(ctl_check_mem(&c, true, &f), &f, 0, 0);
	c.u.mem.count = 0;
	verdict(ctl_check_mem(&c, true, &f), &f, -EINVAL, CTL_FIELD(u.mem.count));
	c.u.mem.count = MUXV_CTL_MAP_MAX + 1ull;
	verdict(ctl_check_mem(&c, true, &f), &f, -EINVAL, CTL_FIELD(u.mem.count));
	c.u.mem.count = 2;
	c.u.mem.dom0_gpa |= 0x10;
	verdict(ctl_check_mem(&c, true, &f), &f, -EINVAL, CTL_FIELD(u.mem.dom0_gpa));
	verdict(ctl_check_mem(&c, false, &f), &f, 0, 0);   /* POPULATE ignores it */
	c.u.mem.dom0_gpa = ~0xfffull;
	verdict(ctl_check_mem(&c, true, &f), &f, -ERANGE, CTL_FIELD(u.mem.dom0_gpa));
	c.u.mem.dom0_gpa = 0;
	c.u.mem.gfn = ~0ull;
	verdict(ctl_check_mem(&c, true, &f), &f, -ERANGE, CTL_FIELD(u.mem.gfn));
	c.hdr.op = MUXV_CTL_MEM_UNMAP;                     /* gfn unused */
	verdict(ctl_check_mem(&c, true, &f), &f, 0, 0);
	unit_end();

	unit_begin("ctl_check_padding");
	memset(&c, 0, sizeof(c));
	c.u.domain_list.pad0 = 1;
	verdict(ctl_check_domain_list(&c, &f), &f, -EINVAL, CTL_FIELD(u.domain_list.pad0));
	memset(&c, 0, sizeof(c));
	c.u.vcpu_info.pad0 = 1;
	verdict(ctl_check_vcpu_info(&c, &f), &f, -EINVAL, CTL_FIELD(u.vcpu_info.pad0));
	memset(&c, 0, sizeof(c));
	c.u.console.pad0 = 1;
	verdict(ctl_check_console(&c, &f), &f, -EINVAL, CTL_FIELD(u.console.pad0));
	memset(&c, 0, sizeof(c));
	c.u.events.pad0 = 1;
	verdict(ctl_check_events(&c, &f), &f, -EINVAL, CTL_FIELD(u.events.pad0));
	memset(&c, 0, sizeof(c));
	c.u.events.seq = 5;
	c.u.events.count = 99;          /* OUT fields are ignored */
	verdict(ctl_check_events(&c, &f), &f, 0, 0);
	unit_end();

	unit_begin("ctl_check_balloon_set");
	memset(&c, 0, sizeof(c));
	c.u.balloon_set.target_bytes = MUXV_BALLOON_MIN_TARGET;
	verdict(ctl_check_balloon_set(&c, &f), &f, 0, 0);
	c.u.balloon_set.target_bytes = 1ull << 40;     /* the ceiling: the handler */
	verdict(ctl_check_balloon_set(&c, &f), &f, 0, 0);
	c.u.balloon_set.target_bytes = MUXV_BALLOON_MIN_TARGET - 4096;
	verdict(ctl_check_balloon_set(&c, &f), &f, -EINVAL, CTL_FIELD(u.balloon_set.target_bytes));
	c.u.balloon_set.target_bytes = 0;
	verdict(ctl_check_balloon_set(&c, &f), &f, -EINVAL, CTL_FIELD(u.balloon_set.target_bytes));
	c.u.balloon_set.target_bytes = (64 << 20) + 512;
	verdict(ctl_check_balloon_set(&c, &f), &f, -EINVAL, CTL_FIELD(u.balloon_set.target_bytes));
	c.u.balloon_set.target_bytes = 64 << 20;
	c.u.balloon_set.pad0 = 1;
	verdict(ctl_check_balloon_set(&c, &f), &f, -EINVAL, CTL_FIELD(u.balloon_set.pad0));
	unit_end();
}

static void test_names(void)
{
	char n[32];

	unit_begin("ctl_name_ok");
	UNIT_CHECK(ctl_name_ok("a", 32));
	memset(n, 'z', 31);
	n[31] = 0;
	UNIT_CHECK(ctl_name_ok(n, 32));
	memset(n, 'z', 32);
	UNIT_CHECK(!ctl_name_ok(n, 32));
	UNIT_CHECK(!ctl_name_ok("", 32));
	UNIT_CHECK(!ctl_name_ok("a/b", 32));
	UNIT_CHECK(!ctl_name_ok("\xc3\xa9", 32));
	unit_end();
}

int main(void)
{
	test_header();
	test_images();
	test_domain_create();
	test_sched_random();
	test_small_calls();
	test_names();
	return unit_exit_code();
}
