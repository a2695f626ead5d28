/*
 * cmd_domain.c - muxctl create, destroy, pause, unpause and sched.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "muxctl_cli.h"

struct create_args {
	const char *name, *kernel, *initrd, *cmdline;
	uint32_t kind;
	bool paused;
	struct muxv_domain_create req;
};

enum {
	OPT_NAME = 256, OPT_VCPUS, OPT_MEM, OPT_WEIGHT, OPT_RESERVATION, OPT_CAP,
	OPT_BURST_BASELINE, OPT_BURST_MAX_MS, OPT_CMDLINE, OPT_KERNEL, OPT_INITRD,
	OPT_TEST_KERNEL, OPT_PAUSED, OPT_ON_POWEROFF, OPT_ON_CRASH, OPT_ON_REBOOT,
	OPT_MEM_TARGET,
};

static const struct option sched_opts[] = {
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "reservation", required_argument, NULL, OPT_RESERVATION },
	{ "cap", required_argument, NULL, OPT_CAP },
	{ "burst-baseline", required_argument, NULL, OPT_BURST_BASELINE },
	{ "burst-max-ms", required_argument, NULL, OPT_BURST_MAX_MS },
	{ NULL, 0, NULL, 0 },
};

/* A scheduler option into s; returns 0, or the usage exit code. */
static int sched_option(int opt, const char *val, struct muxv_sched *s)
{
	switch (opt) {
	case OPT_WEIGHT:
		return cli_u32(val, 1, 65535, &s->weight) ? 0 :
		       cli_usage("--weight wants 1..65535, not '%s'", val);
	case OPT_RESERVATION:
		return cli_u32(val, 0, UINT32_MAX, &s->reservation) ? 0 :
		       cli_usage("--reservation wants a percentage of one pCPU, not '%s'", val);
	case OPT_CAP:
		return cli_u32(val, 0, UINT32_MAX, &s->cap) ? 0 :
		       cli_usage("--cap wants a percentage of one pCPU (0 = none), not '%s'", val);
	case OPT_BURST_BASELINE:
		return cli_u32(val, 0, UINT32_MAX, &s->burst_baseline) ? 0 :
		       cli_usage("--burst-baseline wants a percentage of one pCPU, not '%s'", val);
	case OPT_BURST_MAX_MS:
		return cli_u32(val, 0, UINT32_MAX, &s->burst_max_ms) ? 0 :
		       cli_usage("--burst-max-ms wants milliseconds, not '%s'", val);
	default:
		return cli_usage("bad option");
	}
}

static bool on_action(const char *val, uint32_t *out)
{
	if (strcmp(val, "destroy") == 0)
		*out = MUXV_ON_DESTROY;
	else if (strcmp(val, "keep") == 0)
		*out = MUXV_ON_KEEP;
	else if (strcmp(val, "restart") == 0)
		*out = MUXV_ON_RESTART;
	else
		return false;
	return true;
}

static int create_option(int opt, const char *val, struct create_args *a)
{
	struct muxv_domain_create *r = &a->req;
	switch (opt) {
	case OPT_NAME: a->name = val; return 0;
	case OPT_CMDLINE: a->cmdline = val; return 0;
	case OPT_KERNEL: a->kernel = val; a->kind = MUXV_KIND_LINUX; return 0;
	case OPT_TEST_KERNEL: a->kernel = val; a->kind = MUXV_KIND_TEST_KERNEL; return 0;
	case OPT_INITRD: a->initrd = val; return 0;
	case OPT_PAUSED: a->paused = true; return 0;
	case OPT_VCPUS:
		return cli_u32(val, 1, 4096, &r->vcpus) ? 0 :
		       cli_usage("--vcpus wants 1 or more, not '%s'", val);
	case OPT_MEM:
		return cli_size(val, &r->mem_bytes) ? 0 :
		       cli_usage("--mem wants a size like 64M or 1G, not '%s'", val);
	case OPT_MEM_TARGET:
		/* a Linux domain populated in part starts pre-ballooned there */
		return cli_size(val, &r->populate_bytes) ? 0 :
		       cli_usage("--mem-target wants a size like 64M or 1G, not '%s'", val);
	case OPT_ON_POWEROFF:
		return on_action(val, &r->on_poweroff) ? 0 :
		       cli_usage("--on-poweroff wants destroy, keep or restart");
	case OPT_ON_CRASH:
		return on_action(val, &r->on_crash) ? 0 :
		       cli_usage("--on-crash wants destroy, keep or restart");
	case OPT_ON_REBOOT:
		return on_action(val, &r->on_reboot) ? 0 :
		       cli_usage("--on-reboot wants destroy, keep or restart");
	default:
		return sched_option(opt, val, &r->sched);
	}
}

static int create_parse(int argc, char **argv, struct create_args *a)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "mem-target", required_argument, NULL, OPT_MEM_TARGET },
		{ "weight", required_argument, NULL, OPT_WEIGHT },
		{ "reservation", required_argument, NULL, OPT_RESERVATION },
		{ "cap", required_argument, NULL, OPT_CAP },
		{ "burst-baseline", required_argument, NULL, OPT_BURST_BASELINE },
		{ "burst-max-ms", required_argument, NULL, OPT_BURST_MAX_MS },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "test-kernel", required_argument, NULL, OPT_TEST_KERNEL },
		{ "paused", no_argument, NULL, OPT_PAUSED },
		{ "on-poweroff", required_argument, NULL, OPT_ON_POWEROFF },
		{ "on-crash", required_argument, NULL, OPT_ON_CRASH },
		{ "on-reboot", required_argument, NULL, OPT_ON_REBOOT },
		{ NULL, 0, NULL, 0 },
	};
	int ch, rc;
	/* defaults, before the options override them (muxctl_domain_init's
	 * name check comes after, once the name is known) */
	a->req.vcpus = 1;
	a->req.mem_bytes = 64ull << 20;
	a->req.sched.weight = 256;
	a->req.on_poweroff = a->req.on_crash = MUXV_ON_DESTROY;
	a->req.on_reboot = MUXV_ON_RESTART;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == '?')
			return cli_usage("create: bad option");
		if ((rc = create_option(ch, optarg, a)))
			return rc;
	}
	if (optind < argc)
		return cli_usage("create: unexpected argument '%s'", argv[optind]);
	if (!a->name)
		return cli_usage("create: --name is required");
	if (!a->kernel)
		return cli_usage("create: --kernel or --test-kernel is required");
	if (a->initrd && a->kind != MUXV_KIND_LINUX)
		return cli_usage("create: --initrd goes with --kernel (Linux), not --test-kernel");
	if (a->req.populate_bytes && a->kind != MUXV_KIND_LINUX)
		return cli_usage("create: --mem-target goes with --kernel (Linux), not --test-kernel");
	if (a->req.populate_bytes > a->req.mem_bytes)
		return cli_usage("create: --mem-target is above --mem");
	return 0;
}

/* Builds the request: name and command line checked, images uploaded. */
static int create_request(struct cli *c, struct create_args *a)
{
	struct muxv_domain_create opts = a->req;
	int rc = muxctl_domain_init(&a->req, a->name, a->kind);
	if (rc)
		return cli_fail(rc);
	a->req.vcpus = opts.vcpus;
	a->req.mem_bytes = opts.mem_bytes;
	a->req.populate_bytes = opts.populate_bytes;
	a->req.sched = opts.sched;
	a->req.on_poweroff = opts.on_poweroff;
	a->req.on_crash = opts.on_crash;
	a->req.on_reboot = opts.on_reboot;
	if (a->cmdline && (rc = muxctl_set_cmdline(&a->req, a->cmdline)))
		return cli_fail(rc);
	if ((rc = cli_open(c)))
		return rc;
	rc = muxctl_image_upload(c->h, a->kernel, &a->req.kernel_image);
	if (!rc && a->initrd) {
		rc = muxctl_image_upload(c->h, a->initrd, &a->req.initrd_image);
		if (rc)
			muxctl_image_release(c->h, a->req.kernel_image);
	}
	return rc ? cli_fail(rc) : 0;
}

int cmd_create(struct cli *c, int argc, char **argv)
{
	struct create_args a;
	memset(&a, 0, sizeof a);
	int rc = create_parse(argc, argv, &a);
	if (rc || (rc = create_request(c, &a)))
		return rc;
	uint32_t domid = 0;
	int err = muxctl_domain_create(c->h, &a.req, &domid);
	int code = err ? cli_fail_admission(c, err) : EXIT_OK;
	/* The domain holds its images now; this command's references go. */
	muxctl_image_release(c->h, a.req.kernel_image);
	if (a.req.initrd_image)
		muxctl_image_release(c->h, a.req.initrd_image);
	if (err)
		return code;
	if (!a.paused && (err = muxctl_domain_unpause(c->h, domid))) {
		code = cli_fail(err);
		muxctl_domain_destroy(c->h, domid);
		return code;
	}
	if (c->json)
		printf("{\"id\":%u}\n", domid);
	else
		printf("%u\n", domid);
	return EXIT_OK;
}

/* destroy, pause, unpause: DOMAIN only. */
static int domid_command(struct cli *c, int argc, char **argv,
			 int (*op)(struct muxctl *, uint32_t))
{
	uint32_t domid;
	if (argc != 2)
		return cli_usage("%s wants one DOMAIN (id or name)", argv[0]);
	int rc = cli_domain(c, argv[1], &domid);
	if (rc)
		return rc;
	rc = op(c->h, domid);
	return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_destroy(struct cli *c, int argc, char **argv)
{
	return domid_command(c, argc, argv, muxctl_domain_destroy);
}

int cmd_pause(struct cli *c, int argc, char **argv)
{
	return domid_command(c, argc, argv, muxctl_domain_pause);
}

int cmd_unpause(struct cli *c, int argc, char **argv)
{
	return domid_command(c, argc, argv, muxctl_domain_unpause);
}

static void sched_print(struct cli *c, uint32_t domid, const struct muxv_sched *s)
{
	if (c->json)
		printf("{\"id\":%u,\"weight\":%u,\"reservation\":%u,\"cap\":%u,"
		       "\"burst_baseline\":%u,\"burst_max_ms\":%u}\n", domid, s->weight,
		       s->reservation, s->cap, s->burst_baseline, s->burst_max_ms);
	else
		printf("weight=%u reservation=%u cap=%u burst_baseline=%u burst_max_ms=%u\n",
		       s->weight, s->reservation, s->cap, s->burst_baseline, s->burst_max_ms);
}

int cmd_sched(struct cli *c, int argc, char **argv)
{
	struct muxv_sched want, s;
	bool given[OPT_BURST_MAX_MS + 1] = { false };
	bool any = false;
	int ch, rc;
	memset(&want, 0, sizeof want);
	while ((ch = getopt_long(argc, argv, "", sched_opts, NULL)) != -1) {
		if (ch == '?')
			return cli_usage("sched: bad option");
		if ((rc = sched_option(ch, optarg, &want)))
			return rc;
		given[ch] = any = true;
	}
	if (optind + 1 != argc)
		return cli_usage("sched wants one DOMAIN (id or name)");
	uint32_t domid;
	if ((rc = cli_domain(c, argv[optind], &domid)))
		return rc;
	if ((rc = muxctl_sched_get(c->h, domid, &s)))
		return cli_fail(rc);
	if (!any) {
		sched_print(c, domid, &s);
		return EXIT_OK;
	}
	/* Only what was given changes. */
	if (given[OPT_WEIGHT]) s.weight = want.weight;
	if (given[OPT_RESERVATION]) s.reservation = want.reservation;
	if (given[OPT_CAP]) s.cap = want.cap;
	if (given[OPT_BURST_BASELINE]) s.burst_baseline = want.burst_baseline;
	if (given[OPT_BURST_MAX_MS]) s.burst_max_ms = want.burst_max_ms;
	if ((rc = muxctl_sched_set(c->h, domid, &s)))
		return cli_fail_admission(c, rc);
	if ((rc = muxctl_sched_get(c->h, domid, &s)))
		return cli_fail(rc);
	sched_print(c, domid, &s);
	return EXIT_OK;
}
