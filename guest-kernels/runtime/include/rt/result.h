/*
 * rt/result.h - the result lines the integration tests read
 * (ci/lib/guest_results.py) and the exit code derived from them.
 *
 *   PASS <name>
 *   FAIL <name>: <why>     the thing tested misbehaved
 *   SKIP <name>: <why>     the test cannot run here (1 vCPU for smp, ...)
 *   ERROR <name>: <why>    the test itself broke (bad parameter,
 *                          unexpected exception, a runtime check)
 *
 * A name is the test's name, or "<test>.<case>" for one of its cases.
 * The domain ends with MUXV_HC_SHUTDOWN code RT_EXIT_PASS when nothing
 * failed or broke and at least one result was reported.
 */
#ifndef RT_RESULT_H
#define RT_RESULT_H

#define RT_EXIT_PASS   0
#define RT_EXIT_FAIL   1
#define RT_EXIT_ERROR  2

void rt_pass(const char *name);
void rt_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_error(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* RT_EXIT_ERROR if an error was reported or no result at all,
 * RT_EXIT_FAIL if a failure was, RT_EXIT_PASS otherwise. */
int rt_exit_code(void);

/* Ends the domain now, from any vCPU: flushes this vCPU's line, prints a
 * summary and calls MUXV_HC_SHUTDOWN with rt_exit_code(). */
__attribute__((noreturn)) void rt_exit(void);

/* Reports ERROR <name>: <why> and ends the domain (rt_exit()). */
__attribute__((noreturn, format(printf, 2, 3)))
void rt_abort(const char *name, const char *fmt, ...);

#endif
