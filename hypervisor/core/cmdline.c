/*
 * cmdline.c - tokenizing command lines and parsing the hypervisor's
 * options (see hv/cmdline.h; every option is documented in
 * docs/hypervisor-options.md, which the options test checks against).
 */
#include "hv/cmdline.h"
#include "hv/lib.h"
#include "hv/errno.h"

/* Reads a quoted run starting after its opening quote; returns the end
 * (the closing quote, or the string's end if it is missing). */
static const char *quoted_end(const char *s)
{
	while (*s && *s != '"')
		s++;
	return s;
}

/* Splits [word, end) at its first '=' into key and value. */
static void split_word(const char *word, const char *end, struct cmdline_token *t)
{
	const char *eq = word;

	while (eq < end && *eq != '=')
		eq++;
	t->key = word;
	t->key_len = (size_t)(eq - word);
	t->value = eq < end ? eq + 1 : NULL;
	t->value_len = eq < end ? (size_t)(end - eq - 1) : 0;
}

bool cmdline_next(const char **p, struct cmdline_token *t)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return false;
	}
	if (*s == '"') {
		/* "key=value with spaces": GRUB quotes a whole argument that
		 * contains spaces this way. */
		const char *end = quoted_end(s + 1);
		split_word(s + 1, end, t);
		*p = *end ? end + 1 : end;
		return true;
	}
	t->key = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '=')
		s++;
	t->key_len = (size_t)(s - t->key);
	t->value = NULL;
	t->value_len = 0;
	if (*s == '=') {
		s++;
		if (*s == '"') {
			t->value = ++s;
			s = quoted_end(s);
			t->value_len = (size_t)(s - t->value);
			if (*s == '"')
				s++;
		} else {
			t->value = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
			t->value_len = (size_t)(s - t->value);
		}
	}
	*p = s;
	return true;
}

bool cmdline_key_is(const struct cmdline_token *t, const char *name)
{
	return strlen(name) == t->key_len && strncmp(t->key, name, t->key_len) == 0;
}

int cmdline_parse_u64(const char *s, size_t len, bool suffixes, uint64_t *out)
{
	uint64_t v = 0, base = 10;
	unsigned shift = 0;
	size_t i = 0;

	if (len >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (suffixes && len > i) {
		char c = s[len - 1];
		shift = (c == 'K' || c == 'k') ? 10 : (c == 'M' || c == 'm') ? 20 :
			(c == 'G' || c == 'g') ? 30 : 0;
		if (shift)
			len--;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static const char *const fault_names[] = {
	[DEBUG_FAULT_NONE] = "none", [DEBUG_FAULT_UD] = "ud",
	[DEBUG_FAULT_PF] = "pf", [DEBUG_FAULT_GP] = "gp",
	[DEBUG_FAULT_DE] = "de", [DEBUG_FAULT_BUG] = "bug",
	[DEBUG_FAULT_STACK] = "stack",
};

const char *debug_fault_name(enum debug_fault f)
{
	return (size_t)f < ARRAY_SIZE(fault_names) ? fault_names[f] : "?";
}

static int parse_fault(const struct cmdline_token *t, enum debug_fault *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(fault_names); i++) {
		if (strlen(fault_names[i]) == t->value_len &&
		    strncmp(fault_names[i], t->value, t->value_len) == 0) {
			*out = (enum debug_fault)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Parses a number in [min, max] from the token's value. */
static int parse_bounded(const struct cmdline_token *t, uint64_t min, uint64_t max,
			 unsigned *out)
{
	uint64_t v;

	if (!t->value || cmdline_parse_u64(t->value, t->value_len, false, &v) ||
	    v < min || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* A size with an optional K/M/G suffix in [min, max], whole 4 KiB pages. */
static int parse_size(const struct cmdline_token *t, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v;

	if (!t->value || cmdline_parse_u64(t->value, t->value_len, true, &v) ||
	    v < min || v > max || (v & 0xfff))
		return -EINVAL;
	*out = v;
	return 0;
}

/* dom0_crash=halt|reboot. */
static int parse_crash(const struct cmdline_token *t, bool *reboot)
{
	if (t->value && t->value_len == 4 && strncmp(t->value, "halt", 4) == 0)
		*reboot = false;
	else if (t->value && t->value_len == 6 && strncmp(t->value, "reboot", 6) == 0)
		*reboot = true;
	else
		return -EINVAL;
	return 0;
}

/* boot_cpu=auto|guests|housekeeping. */
static int parse_boot_cpu(const struct cmdline_token *t, enum boot_cpu_use *use)
{
	static const char *const names[] = {
		[BOOT_CPU_AUTO] = "auto", [BOOT_CPU_GUESTS] = "guests",
		[BOOT_CPU_HOUSEKEEPING] = "housekeeping",
	};

	for (unsigned i = 0; t->value && i < ARRAY_SIZE(names); i++)
		if (t->value_len == strlen(names[i]) &&
		    strncmp(t->value, names[i], t->value_len) == 0) {
			*use = (enum boot_cpu_use)i;
			return 0;
		}
	return -EINVAL;
}

/* Applies one option; -EINVAL for a bad value, -ENOENT for an unknown key. */
static int apply_option(const struct cmdline_token *t, struct hv_options *opt)
{
	if (cmdline_key_is(t, "loglevel"))
		return t->value ? log_level_parse(t->value, t->value_len, &opt->loglevel)
				: -EINVAL;
	if (cmdline_key_is(t, "maxcpus"))
		return parse_bounded(t, 1, 4096, &opt->maxcpus);
	if (cmdline_key_is(t, "debug_fault"))
		return t->value ? parse_fault(t, &opt->debug_fault) : -EINVAL;
	if (cmdline_key_is(t, "debug_fault_cpu"))
		return parse_bounded(t, 0, 4095, &opt->debug_fault_cpu);
	if (cmdline_key_is(t, "sched_stats"))
		return parse_bounded(t, 0, 3600000, &opt->sched_stats_ms);
	if (cmdline_key_is(t, "dom0_mem"))
		return parse_size(t, DOM0_MEM_MIN, DOM0_MEM_MAX, &opt->dom0_mem);
	if (cmdline_key_is(t, "dom0_vcpus"))
		return parse_bounded(t, 1, 64, &opt->dom0_vcpus);
	if (cmdline_key_is(t, "dom0_crash"))
		return parse_crash(t, &opt->dom0_crash_reboot);
	if (cmdline_key_is(t, "boot_cpu"))
		return parse_boot_cpu(t, &opt->boot_cpu);
	return -ENOENT;
}

void cmdline_default_options(struct hv_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->loglevel = LOG_INFO;
	opt->dom0_mem = DOM0_MEM_DEFAULT;
	opt->dom0_vcpus = DOM0_VCPUS_DEFAULT;
}

int cmdline_parse_options(const char *cmdline, struct hv_options *opt,
			  void (*warn)(const char *why, const char *word, size_t len))
{
	struct cmdline_token t;
	int problems = 0;

	while (cmdline_next(&cmdline, &t)) {
		struct hv_options before = *opt;
		int err = apply_option(&t, opt);
		if (!err)
			continue;
		*opt = before;            /* a bad value changes nothing */
		size_t len = (size_t)(cmdline - t.key);
		warn(err == -ENOENT ? "unknown option" : "bad value for option",
		     t.key, len);
		problems++;
	}
	return problems;
}
