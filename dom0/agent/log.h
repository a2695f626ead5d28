/*
 * log.h - muxd's log: one line per event on stderr, greppable.
 *
 *   2026-11-24T01:20:00.123Z level=info sub=store msg="migrated" from=0 to=3
 *
 * The caller writes `msg="..."` and key=value pairs itself; values with
 * spaces are quoted. Lines are written with one write(2), so lines from
 * different threads never interleave.
 */
#ifndef MUXD_LOG_H
#define MUXD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Lines below this level are dropped (set once at start-up). */
void log_set_level(enum log_level min);
int log_parse_level(const char *s, enum log_level *out);

void log_at(enum log_level lvl, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(sub, ...) log_at(LOG_DEBUG, sub, __VA_ARGS__)
#define log_info(sub, ...)  log_at(LOG_INFO, sub, __VA_ARGS__)
#define log_warn(sub, ...)  log_at(LOG_WARN, sub, __VA_ARGS__)
#define log_error(sub, ...) log_at(LOG_ERROR, sub, __VA_ARGS__)

#endif
