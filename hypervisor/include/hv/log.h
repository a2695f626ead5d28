/*
 * log.h - the hypervisor's log on the serial console.
 *
 * Every line starts with the CPU that wrote it and, below info, its level:
 *     [cpu0] page allocator: 250 MiB free
 *     [cpu1] warning: TSC differs from cpu0 by 3 us
 * Lines are written whole under one lock, so CPUs never interleave within
 * a line. Messages above the level set by `loglevel=` are dropped.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

#define LOG_LINE_MAX 512

/* Parses "error", "warn", "info", "debug" or a digit 0..3. 0 or -EINVAL. */
int log_level_parse(const char *name, size_t len, enum log_level *out);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * Formats one log line ("[cpuN] level: message\n") into buf of size bytes.
 * cpu < 0 means "before per-CPU data" and prints [boot]. Always ends the
 * line with '\n', truncating the message (marked "...") when it is too long.
 * Returns the length written (excluding the NUL).
 */
size_t log_format_line(char *buf, size_t size, enum log_level level, int cpu,
		       const char *fmt, va_list ap);

void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line without the CPU prefix (the ready line, domain console lines). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Panic path: take the console even if a stopped CPU holds its lock. */
void log_panic_takeover(void);

#define log_err(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
