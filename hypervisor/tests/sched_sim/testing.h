/*
 * testing.h - small helpers shared by the scheduler's host tests: a failure
 * with a message of the test's own (a seed, figures) instead of the failed
 * expression, and domain parameters in one line.
 */
#ifndef SCHED_SIM_TESTING_H
#define SCHED_SIM_TESTING_H

#include <stdint.h>
#include <stdio.h>

#include "unit.h"
#include "hv/sched.h"

/* Fails the current test case with `why` (the first failure wins). */
static inline void sched_test_fail(const char *why)
{
	if (!unit_state.failed) {
		unit_state.failed = true;
		snprintf(unit_state.why, sizeof unit_state.why, "%s", why);
	}
}

/* Default parameters with this weight, reservation and cap. */
static inline struct sched_params sched_test_params(uint32_t weight,
						    uint32_t reservation,
						    uint32_t cap)
{
	struct sched_params p = { 0 };

	p.weight = weight;
	p.reservation = reservation;
	p.cap = cap;
	return p;
}

#endif
