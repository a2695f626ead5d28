/*
 * unit.h - the smallest unit-test helper that speaks the project's test
 * protocol (see ci/run-tests.py): one line per test case, `PASS name`,
 * `FAIL name: why` or `SKIP name: why`, on stdout.
 *
 * Use:
 *     unit_begin("alloc_exhaustion");
 *     UNIT_CHECK(x == 3);
 *     unit_end();
 *     ...
 *     return unit_exit_code();
 *
 * A test case fails at its first failed check (the rest of its checks still
 * run, but only the first failure is reported) so one broken assumption does
 * not bury the output in consequences.
 */
#ifndef CI_UNIT_H
#define CI_UNIT_H

#include <stdio.h>
#include <stdbool.h>

struct unit_state {
	const char *name;    /* current case, NULL between cases */
	char why[256];       /* first failure of the current case */
	bool failed;
	int passed_total;
	int failed_total;
};

static struct unit_state unit_state;

static inline void unit_begin(const char *name)
{
	unit_state.name = name;
	unit_state.failed = false;
	unit_state.why[0] = '\0';
}

static inline bool unit_check_at(bool ok, const char *expr, const char *file, int line)
{
	if (!ok && !unit_state.failed) {
		unit_state.failed = true;
		snprintf(unit_state.why, sizeof unit_state.why, "%s:%d: %s", file, line, expr);
	}
	return ok;
}

#define UNIT_CHECK(expr) unit_check_at((expr) ? true : false, #expr, __FILE__, __LINE__)

static inline void unit_end(void)
{
	if (unit_state.failed) {
		printf("FAIL %s: %s\n", unit_state.name, unit_state.why);
		unit_state.failed_total++;
	} else {
		printf("PASS %s\n", unit_state.name);
		unit_state.passed_total++;
	}
	fflush(stdout);
	unit_state.name = NULL;
}

static inline int unit_exit_code(void)
{
	return unit_state.failed_total ? 1 : 0;
}

#endif
