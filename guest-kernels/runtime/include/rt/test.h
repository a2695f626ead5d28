/*
 * rt/test.h - what a test guest provides to the runtime.
 *
 * Each test file defines one `const struct rt_test test_desc`. The runtime
 * calls main on every vCPU at once, with interrupts disabled, once its own
 * set-up is done on all of them. When main has returned on every vCPU,
 * vCPU 0 ends the domain with MUXV_HC_SHUTDOWN (result.c decides the code).
 */
#ifndef RT_TEST_H
#define RT_TEST_H

struct rt_test {
	const char *name;                 /* used in ERROR lines the runtime prints */
	void (*main)(unsigned int cpu);
};

extern const struct rt_test test_desc;

#endif
