/*
 * result.c - result lines and the exit code (rt/result.h). The counts are
 * updated atomically: several vCPUs may report at once.
 */
#include <stdarg.h>
#include "rt/console.h"
#include "rt/format.h"
#include "rt/hypercall.h"
#include "rt/result.h"
#include "rt/x86.h"

static unsigned int nr_pass, nr_fail, nr_skip, nr_error;
static volatile uint32_t exiting;

/* Counts the result in *counter and prints "<kind> <name>: <why>" as one
 * line of its own. */
static void report(unsigned int *counter, const char *kind, const char *name,
		   const char *fmt, va_list ap)
{
	char why[RT_LINE_MAX];

	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	rt_console_flush();
	rt_vsnprintf(why, sizeof(why), fmt, ap);
	rt_printf("%s %s: %s\n", kind, name, why);
}

void rt_pass(const char *name)
{
	__atomic_add_fetch(&nr_pass, 1, __ATOMIC_RELAXED);
	rt_console_flush();
	rt_printf("PASS %s\n", name);
}

void rt_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(&nr_fail, "FAIL", name, fmt, ap);
	va_end(ap);
}

void rt_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(&nr_skip, "SKIP", name, fmt, ap);
	va_end(ap);
}

void rt_error(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(&nr_error, "ERROR", name, fmt, ap);
	va_end(ap);
}

int rt_exit_code(void)
{
	if (nr_error || nr_pass + nr_fail + nr_skip == 0)
		return RT_EXIT_ERROR;
	return nr_fail ? RT_EXIT_FAIL : RT_EXIT_PASS;
}

void rt_exit(void)
{
	int code;

	rt_irq_disable();
	/* Only the first vCPU to get here ends the domain; the others
	 * would race it with a second summary and shutdown. */
	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL))
		rt_park();
	code = rt_exit_code();
	rt_console_flush();
	rt_printf("rt: done: %u passed, %u failed, %u skipped, %u errors; exit %d\n",
		  nr_pass, nr_fail, nr_skip, nr_error, code);
	rt_hc_shutdown((uint64_t)code);
	/* Still here: the hypervisor refused; nothing is left to do. */
	rt_park();
}

void rt_abort(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(&nr_error, "ERROR", name, fmt, ap);
	va_end(ap);
	rt_exit();
}
