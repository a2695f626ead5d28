/*
 * log.c - the hypervisor's log: formats a line and writes it whole to the
 * console (see hv/log.h).
 *
 * Locking: console_lock serialises lines; it is taken with interrupts off
 * because interrupt handlers log too. The panic path takes the console over
 * without the lock (other CPUs are being stopped and may hold it).
 */
#include "hv/log.h"
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/fmt.h"
#include "hv/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT;
static enum log_level current_level = LOG_INFO;
static volatile int panic_owner_cpu = -2;   /* -2: no panic */

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_panic_takeover(void)
{
	panic_owner_cpu = cpu_current_id();
}

/* Writes a finished line; in a panic only the panicking CPU writes. */
static void emit(const char *line, size_t n)
{
	if (panic_owner_cpu != -2) {
		if (panic_owner_cpu == cpu_current_id())
			console_write(line, n);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&console_lock);
	console_write(line, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	size_t n = log_format_line(line, sizeof(line), level, cpu_current_id(), fmt, ap);
	va_end(ap);
	emit(line, n);
}

void log_raw(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	emit(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
