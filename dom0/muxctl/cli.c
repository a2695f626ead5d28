/*
 * cli.c - muxctl's shared helpers: errors and exit codes, number and size
 * parsing, naming a domain, reading every domain, JSON strings.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "muxctl_cli.h"

int cli_open(struct cli *c)
{
	if (c->h)
		return 0;
	int rc = muxctl_open(c->device, &c->h);
	if (rc)
		return cli_error(EXIT_NO_HYPERVISOR, "%s", muxctl_errmsg());
	return 0;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("muxctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("muxctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (muxctl --help)\n", stderr);
	return EXIT_USAGE;
}

int cli_exit_code(int rc)
{
	switch (-rc) {
	case 0: return EXIT_OK;
	case ESRCH: case ENOENT: return EXIT_NOT_FOUND;
	case EINVAL: case ENOSPC: case ERANGE: case EBUSY: case EEXIST: case E2BIG: case ENOMEM:
	case EAGAIN: case ENODEV: case EPERM:
		return EXIT_REFUSED;
	case EPROTO: case ENOSYS: case EACCES: return EXIT_NO_HYPERVISOR;
	default: return EXIT_OTHER;
	}
}

/* The library's field names as the options that set them. */
static const char *const option_names[][2] = {
	{ "domain_create.name", "--name" },
	{ "domain_create.vcpus", "--vcpus" },
	{ "domain_create.mem_bytes", "--mem" },
	{ "domain_create.populate_bytes", "--mem-target" },
	{ "balloon_set.target_bytes", "SIZE" },
	{ "domain_create.cmdline", "--cmdline" },
	{ "domain_create.kernel_image", "--kernel/--test-kernel" },
	{ "domain_create.initrd_image", "--initrd" },
	{ "domain_create.sched.weight", "--weight" },
	{ "domain_create.sched.reservation", "--reservation" },
	{ "domain_create.sched.cap", "--cap" },
	{ "domain_create.sched.burst_baseline", "--burst-baseline" },
	{ "domain_create.sched.burst_max_ms", "--burst-max-ms" },
	{ "sched.weight", "--weight" },
	{ "sched.reservation", "--reservation" },
	{ "sched.cap", "--cap" },
	{ "sched.burst_baseline", "--burst-baseline" },
	{ "sched.burst_max_ms", "--burst-max-ms" },
};

int cli_fail(int rc)
{
	const char *field = muxctl_errfield();
	const char *opt = NULL;
	for (size_t i = 0; field[0] && i < sizeof option_names / sizeof option_names[0]; i++)
		if (strcmp(option_names[i][0], field) == 0)
			opt = option_names[i][1];
	if (opt)
		return cli_error(cli_exit_code(rc), "%s [%s]", muxctl_errmsg(), opt);
	return cli_error(cli_exit_code(rc), "%s", muxctl_errmsg());
}

int cli_fail_admission(struct cli *c, int rc)
{
	const char *field = muxctl_errfield();
	size_t n = strlen(field), k = strlen("reservation");
	bool admission = rc == -ENOSPC && n >= k && strcmp(field + n - k, "reservation") == 0;
	int code = cli_fail(rc);
	struct muxv_host_info hi;
	if (admission && c->h && muxctl_host_info(c->h, &hi) == 0)
		fprintf(stderr, "muxctl: the host's domains already reserve %u%% of its %u%% "
			"(%u pCPUs)\n", hi.reserved_pct, hi.capacity_pct, hi.pcpus);
	return code;
}

bool cli_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool cli_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v;
	if (!cli_u64(s, &v) || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool cli_size(const char *s, uint64_t *bytes)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 20;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (errno || *end || v == 0 || v > (UINT64_MAX >> shift))
		return false;
	*bytes = (uint64_t)v << shift;
	return true;
}

int cli_domain(struct cli *c, const char *arg, uint32_t *domid)
{
	struct muxv_domain_info info;
	uint64_t v;
	int rc = cli_open(c);
	if (rc)
		return rc;
	if (cli_u64(arg, &v) && isdigit((unsigned char)arg[0])) {
		if (v > UINT32_MAX)
			return cli_error(EXIT_NOT_FOUND, "no domain %s", arg);
		rc = muxctl_domain_info(c->h, (uint32_t)v, &info);
		if (rc == -ESRCH)
			return cli_error(EXIT_NOT_FOUND, "no domain %s", arg);
		if (rc)
			return cli_fail(rc);
		*domid = (uint32_t)v;
		return 0;
	}
	rc = muxctl_domain_find(c->h, arg, domid);
	if (rc == -ESRCH)
		return cli_error(EXIT_NOT_FOUND, "no domain named '%s'", arg);
	return rc ? cli_fail(rc) : 0;
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

int cli_read_domains(struct cli *c, struct muxv_domain_info **out, size_t *n)
{
	uint32_t *ids;
	size_t k;
	int rc = muxctl_domain_list(c->h, &ids, &k);
	if (rc)
		return rc;
	struct muxv_domain_info *v = calloc(k + 1, sizeof *v);
	size_t m = 0;
	for (size_t i = 0; v && i < k; i++) {
		rc = muxctl_domain_info(c->h, ids[i], &v[m]);
		if (rc == -ESRCH)
			continue;
		if (rc) {
			free(v);
			free(ids);
			return rc;
		}
		m++;
	}
	free(ids);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = m;
	return 0;
}

double cli_pct(uint64_t part, uint64_t span)
{
	return span ? 100.0 * (double)part / (double)span : 0.0;
}
