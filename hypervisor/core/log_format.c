/*
 * log_format.c - the format of a log line and of the level names (pure, so
 * the host unit test checks exactly what the hypervisor prints).
 */
#include "hv/log.h"
#include "hv/fmt.h"
#include "hv/lib.h"
#include "hv/errno.h"

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

/* Tags printed after the CPU prefix; info has none (the common case). */
static const char *const level_tags[] = {
	[LOG_ERROR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

int log_level_parse(const char *name, size_t len, enum log_level *out)
{
	if (len == 1 && name[0] >= '0' && name[0] <= '3') {
		*out = (enum log_level)(name[0] - '0');
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strlen(level_names[i]) == len &&
		    strncmp(level_names[i], name, len) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

size_t log_format_line(char *buf, size_t size, enum log_level level, int cpu,
		       const char *fmt, va_list ap)
{
	static const char trunc[] = "...\n";
	size_t n;
	int w;

	if (size < sizeof(trunc) + 16)
		return 0;
	if ((unsigned)level > LOG_DEBUG)
		level = LOG_ERROR;
	if (cpu < 0)
		w = fmt_snprintf(buf, size, "[boot] %s", level_tags[level]);
	else
		w = fmt_snprintf(buf, size, "[cpu%d] %s", cpu, level_tags[level]);
	n = (size_t)w;
	/* A prefix that does not fit (a long CPU number in a small buffer)
	 * was cut by fmt_snprintf; the message then gets no room at all. */
	if (n > size - sizeof(trunc))
		n = size - sizeof(trunc);

	/* Message, leaving room for "...\n" should it not fit. */
	size_t room = size - sizeof(trunc) - n;
	w = fmt_vsnprintf(buf + n, room + 1, fmt, ap);
	if ((size_t)w > room) {
		memcpy(buf + n + room, trunc, sizeof(trunc));
		return n + room + sizeof(trunc) - 1;
	}
	n += (size_t)w;
	/* Exactly one newline at the end, whether or not the caller gave one. */
	if (n == 0 || buf[n - 1] != '\n')
		buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
