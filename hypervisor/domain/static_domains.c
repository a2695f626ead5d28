/*
 * static_domains.c - domains from Multiboot2 modules (see
 * hv/static_domains.h and docs/static-domains.md).
 *
 * A module line reads
 *     name=<name> vcpus=<n> mem=<size> [mem_target=<size>] [weight=<w>]
 *     [reservation=<%>]
 *     [cap=<%>] [burst_baseline=<%>] [burst_max_ms=<ms>]
 *     [on_poweroff=destroy|keep|restart] [on_crash=destroy|keep|restart]
 *     [privileged] [balloon] [cmdline="<words>"] [other words]
 * where <size> takes a K, M or G suffix. Words the hypervisor does not know,
 * and the value of cmdline=, reach the guest: a test kernel's boot
 * information, or a Linux kernel's command line. The module's image says
 * which: ELF64 is a test kernel, a bzImage is Linux. A Linux domain's
 * initrd is another module whose line is `initrd=<domain name>`.
 * `privileged` makes that domain the privileged one (dom0: id 0, may use
 * the control interface), for tests and appliances; there is at most one.
 * `balloon` gives a test kernel the virtio-balloon device (Linux customer
 * domains always have it).
 * A missing or bad value refuses that domain with a message naming the
 * word; the others still start.
 */
#include "hv/static_domains.h"
#include "hv/dom0.h"
#include "hv/cmdline.h"
#include "hv/image.h"
#include "hv/fmt.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

struct num_option {
	const char *key;
	uint64_t min, max;
	bool suffixes;
};

static const struct num_option num_options[] = {
	{ "vcpus", 1, DOMAIN_MAX_VCPUS, false },
	{ "mem", 1ull << 20, DOMAIN_MAX_MEM, true },
	{ "weight", SCHED_WEIGHT_MIN, SCHED_WEIGHT_MAX, false },
	{ "reservation", 0, DOMAIN_MAX_VCPUS * 100, false },
	{ "cap", 0, DOMAIN_MAX_VCPUS * 100, false },
	{ "burst_baseline", 0, DOMAIN_MAX_VCPUS * 100, false },
	{ "burst_max_ms", 0, 3600000, false },
	{ "mem_target", 16ull << 20, 1ull << 40, true },
};

static void store_number(struct domain_config *cfg, unsigned idx, uint64_t v)
{
	switch (idx) {
	case 0: cfg->nr_vcpus = (uint32_t)v; break;
	case 1: cfg->mem_bytes = v; break;
	case 2: cfg->sched.weight = (uint32_t)v; break;
	case 3: cfg->sched.reservation = (uint32_t)v; break;
	case 4: cfg->sched.cap = (uint32_t)v; break;
	case 5: cfg->sched.burst_baseline = (uint32_t)v; break;
	case 6: cfg->sched.burst_max_ms = (uint32_t)v; break;
	case 7: cfg->mem_target = v; break;
	}
}

static int parse_action(const struct cmdline_token *t, enum domain_stop_action *out)
{
	if (t->value_len == 7 && strncmp(t->value, "destroy", 7) == 0)
		*out = DOMAIN_STOP_DESTROY;
	else if (t->value_len == 4 && strncmp(t->value, "keep", 4) == 0)
		*out = DOMAIN_STOP_KEEP;
	else if (t->value_len == 7 && strncmp(t->value, "restart", 7) == 0)
		*out = DOMAIN_STOP_RESTART;
	else
		return -EINVAL;
	return 0;
}

/* Appends text to the guest's line, space-separated. */
static int pass_to_guest(struct domain_config *cfg, const char *word, size_t len)
{
	size_t used = strlen(cfg->guest_cmdline);

	if (used + (used ? 1 : 0) + len >= sizeof(cfg->guest_cmdline))
		return -E2BIG;
	if (used)
		cfg->guest_cmdline[used++] = ' ';
	memcpy(cfg->guest_cmdline + used, word, len);
	cfg->guest_cmdline[used + len] = '\0';
	return 0;
}

/* Appends a word the hypervisor does not consume, written the way Linux
 * reads it: key, key=value, or key="value with spaces" (GRUB hands us the
 * latter as "key=value with spaces", which Linux would split). */
static int pass_token_to_guest(struct domain_config *cfg, const struct cmdline_token *t)
{
	char word[DOMAIN_CMDLINE_MAX];
	bool spaces = false;
	int n;

	for (size_t i = 0; t->value && i < t->value_len; i++)
		spaces |= t->value[i] == ' ' || t->value[i] == '\t';

	if (!t->value)
		n = fmt_snprintf(word, sizeof(word), "%.*s", (int)t->key_len, t->key);
	else
		n = fmt_snprintf(word, sizeof(word), spaces ? "%.*s=\"%.*s\"" : "%.*s=%.*s",
				 (int)t->key_len, t->key, (int)t->value_len, t->value);
	if (n < 0 || (size_t)n >= sizeof(word))
		return -E2BIG;
	return pass_to_guest(cfg, word, (size_t)n);
}

/* Handles a known key; -ENOENT for an unknown one, -EINVAL for a bad value. */
static int parse_word(const struct cmdline_token *t, struct domain_config *cfg)
{
	if (cmdline_key_is(t, "name")) {
		if (!t->value || t->value_len == 0 || t->value_len > DOMAIN_NAME_MAX)
			return -EINVAL;
		memcpy(cfg->name, t->value, t->value_len);
		cfg->name[t->value_len] = '\0';
		return 0;
	}
	if (cmdline_key_is(t, "privileged")) {
		if (t->value)
			return -EINVAL;
		cfg->privileged = true;
		return 0;
	}
	if (cmdline_key_is(t, "balloon")) {
		if (t->value)
			return -EINVAL;
		cfg->balloon = true;
		return 0;
	}
	if (cmdline_key_is(t, "cmdline"))
		return t->value ? pass_to_guest(cfg, t->value, t->value_len) : -EINVAL;
	if (cmdline_key_is(t, "on_poweroff"))
		return t->value ? parse_action(t, &cfg->on_poweroff) : -EINVAL;
	if (cmdline_key_is(t, "on_crash"))
		return t->value ? parse_action(t, &cfg->on_crash) : -EINVAL;
	for (unsigned i = 0; i < ARRAY_SIZE(num_options); i++) {
		const struct num_option *o = &num_options[i];
		uint64_t v;
		if (!cmdline_key_is(t, o->key))
			continue;
		if (!t->value || cmdline_parse_u64(t->value, t->value_len, o->suffixes, &v) ||
		    v < o->min || v > o->max)
			return -EINVAL;
		store_number(cfg, i, v);
		return 0;
	}
	return -ENOENT;
}

int static_domain_parse(const char *cmdline, struct domain_config *cfg,
			char *why, size_t why_size)
{
	struct cmdline_token t;
	const char *p = cmdline;

	memset(cfg, 0, sizeof(*cfg));
	sched_params_default(&cfg->sched);
	cfg->on_poweroff = DOMAIN_STOP_DESTROY;
	cfg->on_crash = DOMAIN_STOP_DESTROY;
	cfg->on_reboot = DOMAIN_STOP_RESTART;
	while (cmdline_next(&p, &t)) {
		int err = parse_word(&t, cfg);
		size_t len = (size_t)(p - t.key);
		if (err == -ENOENT)
			err = pass_token_to_guest(cfg, &t) ? -EINVAL : 0;
		if (err) {
			fmt_snprintf(why, why_size, "bad value in '%.*s'", (int)len, t.key);
			return -EINVAL;
		}
	}
	const char *missing = !cfg->name[0] ? "name=" : !cfg->nr_vcpus ? "vcpus=" :
			      !cfg->mem_bytes ? "mem=" : NULL;
	if (missing) {
		fmt_snprintf(why, why_size, "missing %s", missing);
		return -EINVAL;
	}
	if (cfg->mem_target > cfg->mem_bytes) {
		fmt_snprintf(why, why_size, "mem_target= is above mem=");
		return -EINVAL;
	}
	return 0;
}

/* The module whose line is `initrd=<name>`, or NULL. */
static const struct boot_module *find_initrd(const struct boot_info *bi, const char *name)
{
	for (unsigned i = 0; i < bi->nr_modules; i++) {
		const char *p = bi->modules[i].cmdline;
		struct cmdline_token t;
		if (cmdline_next(&p, &t) && cmdline_key_is(&t, "initrd") && t.value &&
		    t.value_len == strlen(name) && strncmp(t.value, name, t.value_len) == 0)
			return &bi->modules[i];
	}
	return NULL;
}

static bool is_initrd_line(const char *line)
{
	struct cmdline_token t;

	return cmdline_next(&line, &t) && cmdline_key_is(&t, "initrd");
}

/* ELF64 test kernel or Linux bzImage (boot.rst: "HdrS" at 0x202). */
static int image_kind(const uint8_t *img, size_t len, enum domain_kind *kind)
{
	if (len >= 4 && memcmp(img, "\x7f" "ELF", 4) == 0) {
		*kind = DOMAIN_TEST_KERNEL;
		return 0;
	}
	if (len >= 0x206 && memcmp(img + 0x202, "HdrS", 4) == 0) {
		*kind = DOMAIN_LINUX;
		return 0;
	}
	return -EINVAL;
}

/* The module images, for the hypervisor's lifetime (a restart builds the
 * domain again from them). */
static struct hv_image module_images[BOOT_MODULES_MAX];

static struct hv_image *module_image(const struct boot_info *bi, const struct boot_module *m)
{
	struct hv_image *img = &module_images[m - bi->modules];

	image_init_extent(img, phys_to_virt(m->start), m->end - m->start);
	return img;
}

static bool start_one(const struct boot_info *bi, unsigned i)
{
	const struct boot_module *m = &bi->modules[i];
	const uint8_t *bytes = phys_to_virt(m->start);
	struct domain_config cfg;
	char why[96];
	int err;

	if (static_domain_parse(m->cmdline, &cfg, why, sizeof(why))) {
		log_err("module %u ('%s'): domain refused: %s", i, m->cmdline, why);
		return false;
	}
	if (image_kind(bytes, m->end - m->start, &cfg.kind)) {
		log_err("module %u ('%s'): domain refused: neither an ELF64 test kernel nor a Linux bzImage",
			i, m->cmdline);
		return false;
	}
	/* A privileged Linux domain is dom0, identity-mapped and built by
	 * dom0.c from its own module lines; `privileged` here is for test
	 * kernels that exercise the control interface. */
	if (cfg.privileged && cfg.kind == DOMAIN_LINUX) {
		log_err("module %u ('%s'): domain refused: a privileged Linux domain is dom0: "
			"start its module line with the word dom0 (docs/dom0.md)", i, m->cmdline);
		return false;
	}
	cfg.kernel = module_image(bi, m);
	const struct boot_module *initrd = find_initrd(bi, cfg.name);
	if (initrd && cfg.kind == DOMAIN_LINUX) {
		cfg.initrd = module_image(bi, initrd);
	}
	struct domain *d = domain_create(&cfg, &err);
	if (!d && err == -EEXIST)
		log_err("module %u ('%s'): domain refused: its name is taken%s", i, m->cmdline,
			cfg.privileged ? ", or a privileged domain exists already" : "");
	return d && domain_start(d) == 0;
}

unsigned static_domains_start(const struct boot_info *bi)
{
	unsigned started = 0;

	domain_lifecycle_lock();
	for (unsigned i = 0; i < bi->nr_modules; i++)
		if (!is_initrd_line(bi->modules[i].cmdline) &&
		    !dom0_module_line(bi->modules[i].cmdline))
			started += start_one(bi, i);
	domain_lifecycle_unlock();
	return started;
}
