/*
 * test_static_domains.c - host tests of the static-domain module command
 * line (domain/static_domains.c: static_domain_parse).
 */
#include "hv_test_util.h"
#include "../core/cmdline.c"
#include "../core/log_format.c"
#include "../core/fmt.c"
#include "../domain/dom0_modules.c"
#include "../domain/static_domains.c"

/* What static_domains.c calls besides the parser; never reached here. */
void sched_params_default(struct sched_params *p)
{
	memset(p, 0, sizeof(*p));
	p->weight = SCHED_WEIGHT_DEFAULT;
}

struct domain *domain_create(const struct domain_config *cfg, int *err)
{
	(void)cfg;
	*err = -ENOSYS;
	return NULL;
}

void image_init_extent(struct hv_image *img, const void *bytes, uint64_t size)
{
	(void)img;
	(void)bytes;
	(void)size;
}

int domain_start(struct domain *d)
{
	(void)d;
	return -ENOSYS;
}

void domain_lifecycle_lock(void)
{
}

void domain_lifecycle_unlock(void)
{
}

void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

static int parse(const char *line, struct domain_config *cfg, char *why)
{
	return static_domain_parse(line, cfg, why, 96);
}

static void test_full_line(void)
{
	struct domain_config cfg;
	char why[96];

	unit_begin("static_domain_full_line");
	UNIT_CHECK(parse("name=web-1 vcpus=4 mem=512M weight=512 reservation=150 cap=300 "
			 "burst_baseline=200 burst_max_ms=5000 on_crash=keep on_poweroff=destroy "
			 "duration_ms=3000 verbose", &cfg, why) == 0);
	UNIT_CHECK(strcmp(cfg.name, "web-1") == 0);
	UNIT_CHECK(cfg.nr_vcpus == 4 && cfg.mem_bytes == 512ull << 20);
	UNIT_CHECK(cfg.sched.weight == 512 && cfg.sched.reservation == 150);
	UNIT_CHECK(cfg.sched.cap == 300 && cfg.sched.burst_baseline == 200);
	UNIT_CHECK(cfg.sched.burst_max_ms == 5000);
	UNIT_CHECK(cfg.on_crash == DOMAIN_STOP_KEEP && cfg.on_poweroff == DOMAIN_STOP_DESTROY);
	UNIT_CHECK(strcmp(cfg.guest_cmdline, "duration_ms=3000 verbose") == 0);
	unit_end();
}

static void test_defaults(void)
{
	struct domain_config cfg;
	char why[96];

	unit_begin("static_domain_defaults");
	UNIT_CHECK(parse("name=a vcpus=1 mem=2G", &cfg, why) == 0);
	UNIT_CHECK(cfg.mem_bytes == 2ull << 30);
	UNIT_CHECK(cfg.sched.weight == SCHED_WEIGHT_DEFAULT && cfg.sched.cap == 0 &&
		   cfg.sched.reservation == 0);
	UNIT_CHECK(cfg.on_crash == DOMAIN_STOP_DESTROY);
	UNIT_CHECK(cfg.guest_cmdline[0] == '\0');
	UNIT_CHECK(!cfg.privileged);
	UNIT_CHECK(cfg.mem_target == 0);
	/* A pre-ballooned domain: ceiling 4 GiB, 1 GiB populated at start. */
	UNIT_CHECK(parse("name=a vcpus=1 mem=4G mem_target=1024M", &cfg, why) == 0);
	UNIT_CHECK(cfg.mem_bytes == 4ull << 30 && cfg.mem_target == 1ull << 30);
	UNIT_CHECK(cfg.guest_cmdline[0] == '\0');
	unit_end();
}

static void test_privileged(void)
{
	struct domain_config cfg;
	char why[96];

	unit_begin("static_domain_privileged");
	UNIT_CHECK(parse("name=dom0 vcpus=1 mem=32M privileged settle=x", &cfg, why) == 0);
	UNIT_CHECK(cfg.privileged);
	UNIT_CHECK(strcmp(cfg.guest_cmdline, "settle=x") == 0);
	unit_end();
}

/* `balloon` (test kernels' virtio-balloon) and the restart action. */
static void test_balloon_restart(void)
{
	struct domain_config cfg;
	char why[96];

	unit_begin("static_domain_balloon_restart");
	UNIT_CHECK(parse("name=hb vcpus=1 mem=64M balloon on_crash=restart on_poweroff=restart x=1",
			 &cfg, why) == 0);
	UNIT_CHECK(cfg.balloon);
	UNIT_CHECK(cfg.on_crash == DOMAIN_STOP_RESTART && cfg.on_poweroff == DOMAIN_STOP_RESTART);
	UNIT_CHECK(strcmp(cfg.guest_cmdline, "x=1") == 0);
	UNIT_CHECK(parse("name=a vcpus=1 mem=16M", &cfg, why) == 0);
	UNIT_CHECK(!cfg.balloon);
	unit_end();
}

/* Each bad line is refused, and the reason names the offending word. */
static void expect_refused(const char *name, const char *line, const char *word)
{
	struct domain_config cfg;
	char why[96] = "";

	unit_begin(name);
	UNIT_CHECK(parse(line, &cfg, why) == -EINVAL);
	if (!strstr(why, word))
		unit_failf("reason '%s' does not name '%s'", why, word);
	unit_end();
}

static void test_long_guest_line(void)
{
	struct domain_config cfg;
	char line[600], why[96];

	unit_begin("static_domain_guest_words_too_long");
	strcpy(line, "name=a vcpus=1 mem=16M");
	for (int i = 0; i < 40; i++)
		strcat(line, " word12345678");
	UNIT_CHECK(parse(line, &cfg, why) == -EINVAL);
	unit_end();
}

/* Words for the guest keep their value whole however they were quoted:
 * GRUB passes muxrun="a b" as "muxrun=a b". */
static void test_quoted_guest_words(void)
{
	struct domain_config cfg;
	char why[96];

	unit_begin("static_domain_quoted_guest_words");
	UNIT_CHECK(parse("name=q vcpus=1 mem=16M \"muxrun=cpu-bench 128\" quiet x=1 "
			 "y=\"two words\"", &cfg, why) == 0);
	UNIT_CHECK(strcmp(cfg.guest_cmdline,
			  "muxrun=\"cpu-bench 128\" quiet x=1 y=\"two words\"") == 0);
	unit_end();
}

int main(void)
{
	test_quoted_guest_words();
	test_full_line();
	test_defaults();
	test_privileged();
	test_balloon_restart();
	expect_refused("static_domain_balloon_value", "name=a vcpus=1 mem=16M balloon=1",
		       "balloon=1");
	expect_refused("static_domain_privileged_value", "name=a vcpus=1 mem=16M privileged=yes",
		       "privileged=yes");
	expect_refused("static_domain_missing_name", "vcpus=1 mem=16M", "name=");
	expect_refused("static_domain_missing_vcpus", "name=a mem=16M", "vcpus=");
	expect_refused("static_domain_missing_mem", "name=a vcpus=2", "mem=");
	expect_refused("static_domain_zero_vcpus", "name=a vcpus=0 mem=16M", "vcpus=0");
	expect_refused("static_domain_too_many_vcpus", "name=a vcpus=65 mem=16M", "vcpus=65");
	expect_refused("static_domain_mem_not_number", "name=a vcpus=1 mem=lots", "mem=lots");
	expect_refused("static_domain_mem_too_small", "name=a vcpus=1 mem=4K", "mem=4K");
	expect_refused("static_domain_weight_zero", "name=a vcpus=1 mem=16M weight=0", "weight=0");
	expect_refused("static_domain_weight_too_big", "name=a vcpus=1 mem=16M weight=65536", "weight=65536");
	expect_refused("static_domain_cap_garbage", "name=a vcpus=1 mem=16M cap=-5", "cap=-5");
	expect_refused("static_domain_reservation_empty", "name=a vcpus=1 mem=16M reservation=", "reservation=");
	expect_refused("static_domain_bad_on_crash", "name=a vcpus=1 mem=16M on_crash=explode", "on_crash=explode");
	expect_refused("static_domain_name_too_long",
		       "name=abcdefghijabcdefghijabcdefghijabc vcpus=1 mem=16M", "name=");
	expect_refused("static_domain_mem_target_too_small", "name=a vcpus=1 mem=1G mem_target=8M",
		       "mem_target=8M");
	expect_refused("static_domain_mem_target_above_mem", "name=a vcpus=1 mem=1G mem_target=2G",
		       "mem_target=");
	test_long_guest_line();
	return unit_exit_code();
}
