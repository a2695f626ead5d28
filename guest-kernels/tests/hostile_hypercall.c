/*
 * hostile_hypercall - every hypercall number 0..0x1ff and RANDOM_NUMBERS
 * random 64-bit numbers, each with ARG_SETS sets of garbage arguments
 * (zeros, all-ones, pointers just past RAM, straddling its end, far
 * above it, in the upper half, huge lengths, an unterminated counter
 * name, a name with bad characters, random words).
 *
 * Every call must return a negated errno (-4095..-1) except:
 *   MUXV_HC_VERSION (must return MUXV_HC_ABI_VERSION), MUXV_HC_YIELD and
 *   MUXV_HC_TIME_NS (must return >= 0), and arguments that are valid by
 *   accident (a console write of RAM within the size limit, a counter name
 *   in RAM that happens to be well formed), which may succeed.
 * Every register but RAX must come back unchanged (the ABI's promise).
 * MUXV_HC_SHUTDOWN and MUXV_HC_REBOOT are left out of the sweep; at the
 * very end the guest prints its verdict and calls MUXV_HC_SHUTDOWN with a
 * garbage exit code, which the hypervisor should log as that code.
 *
 * Prints the first MAX_REPORTS bad calls and a summary:
 *   hostile_hypercall: <n> calls: <s> succeeded, <e> errors (...),
 *   <u> unexpected results, <c> clobbered registers
 * Result: PASS hostile_hypercall or FAIL hostile_hypercall with counts.
 */
#include "rt/rt.h"

#define NAME "hostile_hypercall"
#define SWEEP_END 0x200
#define RANDOM_NUMBERS 256
#define ARG_SETS 10
#define MAX_REPORTS 20
#define GARBAGE_EXIT_CODE 0xdeadbeefcafef00dull

struct call {
	uint64_t nr;
	uint64_t arg[4];
};

struct tally {
	unsigned int calls, ok, errors, unexpected, clobbered;
	unsigned int by_errno[5];           /* ENOSYS EFAULT EINVAL E2BIG other */
};

static struct tally tally;
static uint64_t rng_state = 0x4879706572636c6cull;
/* No NUL anywhere: as a counter name it never ends; as console output it
 * is one full line. */
static const char unterminated[64] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
/* Not a counter name (space, '!', newline); as console output a whole
 * line, so that the next line is not glued to it. */
static const char bad_name[] = "bad name!\n";

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Garbage argument set i (0..ARG_SETS-1). */
static void garbage(unsigned int i, uint64_t arg[4])
{
	uint64_t mem = rt_boot_info()->mem_bytes;
	uint64_t sets[8][2] = {
		{ 0, 0 },
		{ ~0ull, ~0ull },
		{ mem, 16 },
		{ mem - 8, MUXV_CONSOLE_WRITE_MAX },
		{ 0x7f0000000000ull, 1ull << 40 },
		{ (uintptr_t)unterminated, sizeof(unterminated) },
		{ (uintptr_t)bad_name, sizeof(bad_name) - 1 },
		{ 0xffff800000000000ull, MUXV_CONSOLE_WRITE_MAX + 1 },
	};

	if (i < 8) {
		arg[0] = sets[i][0];
		arg[1] = sets[i][1];
		arg[2] = ~sets[i][1];
		arg[3] = sets[i][0] ^ 0x5555555555555555ull;
	} else {
		for (unsigned int k = 0; k < 4; k++)
			arg[k] = rng_next();
	}
}

static bool in_ram(uint64_t gpa, uint64_t len)
{
	uint64_t mem = rt_boot_info()->mem_bytes;

	return gpa <= mem && len <= mem - gpa;
}

static bool counter_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Whether gpa holds a well-formed counter name (hypercall.h). */
static bool valid_name_at(uint64_t gpa)
{
	for (unsigned int i = 0; i <= MUXV_COUNTER_NAME_MAX; i++) {
		char c;

		if (!in_ram(gpa + i, 1))
			return false;
		c = *(const char *)(uintptr_t)(gpa + i);
		if (c == '\0')
			return i > 0;
		if (!counter_char(c))
			return false;
	}
	return false;
}

/* Whether a call may succeed; *must_value set when it must return that. */
static bool may_succeed(const struct call *c, bool *must, int64_t *must_value)
{
	*must = false;
	switch (c->nr) {
	case MUXV_HC_VERSION:
		*must = true;
		*must_value = MUXV_HC_ABI_VERSION;
		return true;
	case MUXV_HC_YIELD:
	case MUXV_HC_TIME_NS:
		*must = true;
		*must_value = -1;        /* any value >= 0 */
		return true;
	case MUXV_HC_CONSOLE_WRITE:
		return c->arg[1] <= MUXV_CONSOLE_WRITE_MAX && in_ram(c->arg[0], c->arg[1]);
	case MUXV_HC_REPORT_COUNTER:
		return valid_name_at(c->arg[0]);
	default:
		return false;
	}
}

/* The call, with every other register loaded with a known value first and
 * compared after; *clobbered if any changed. */
static int64_t checked_call(const struct call *c, bool *clobbered)
{
	uint64_t rax = c->nr, rbx = c->arg[0], rcx = c->arg[1], rdx = c->arg[2];
	uint64_t rsi = c->arg[3], rdi = 0xd1d1d1d1d1d1d1d1ull;
	register uint64_t r8 __asm__("r8") = 0x0808080808080808ull;
	register uint64_t r9 __asm__("r9") = 0x0909090909090909ull;
	register uint64_t r10 __asm__("r10") = 0x1010101010101010ull;
	register uint64_t r11 __asm__("r11") = 0x1111111111111111ull;
	register uint64_t r12 __asm__("r12") = 0x1212121212121212ull;
	register uint64_t r13 __asm__("r13") = 0x1313131313131313ull;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414ull;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515ull;

	__asm__ volatile("vmmcall"
			 : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi),
			   "+D"(rdi), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11),
			   "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			 : : "memory");
	*clobbered = rbx != c->arg[0] || rcx != c->arg[1] || rdx != c->arg[2] ||
		     rsi != c->arg[3] || rdi != 0xd1d1d1d1d1d1d1d1ull ||
		     r8 != 0x0808080808080808ull || r9 != 0x0909090909090909ull ||
		     r10 != 0x1010101010101010ull || r11 != 0x1111111111111111ull ||
		     r12 != 0x1212121212121212ull || r13 != 0x1313131313131313ull ||
		     r14 != 0x1414141414141414ull || r15 != 0x1515151515151515ull;
	return (int64_t)rax;
}

static void count_errno(int64_t ret)
{
	static const int64_t known[4] = { -MUXV_ENOSYS, -MUXV_EFAULT, -MUXV_EINVAL,
					  -MUXV_E2BIG };
	unsigned int i;

	for (i = 0; i < 4 && known[i] != ret; i++)
		;
	tally.by_errno[i]++;
}

static void report_bad(const struct call *c, int64_t ret, const char *why)
{
	if (tally.unexpected + tally.clobbered > MAX_REPORTS)
		return;
	rt_printf("hostile_hypercall: nr 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx) -> %ld: %s\n",
		  c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3], ret, why);
}

/* Makes one call and judges its result. */
static void try_call(const struct call *c)
{
	bool must, clobbered;
	int64_t must_value = -1, ret = checked_call(c, &clobbered);
	bool allowed = may_succeed(c, &must, &must_value);

	tally.calls++;
	if (clobbered) {
		tally.clobbered++;
		report_bad(c, ret, "a register other than RAX changed");
	}
	if (ret < 0 && ret >= -4095) {
		tally.errors++;
		count_errno(ret);
		if (must) {
			tally.unexpected++;
			report_bad(c, ret, "this call must succeed");
		}
	} else if (!allowed) {
		tally.unexpected++;
		report_bad(c, ret, ret < 0 ? "not an errno value" : "garbage accepted");
	} else if (must && must_value >= 0 && ret != must_value) {
		tally.unexpected++;
		report_bad(c, ret, "wrong value");
	} else {
		tally.ok++;
	}
}

static void sweep(uint64_t nr)
{
	struct call c = { nr, { 0, 0, 0, 0 } };

	if (nr == MUXV_HC_SHUTDOWN || nr == MUXV_HC_REBOOT)
		return;
	for (unsigned int i = 0; i < ARG_SETS; i++) {
		garbage(i, c.arg);
		try_call(&c);
	}
}

static void hostile_hypercall_main(unsigned int cpu)
{
	int64_t rc;

	if (cpu != 0)
		return;
	for (uint64_t nr = 0; nr < SWEEP_END; nr++)
		sweep(nr);
	for (unsigned int i = 0; i < RANDOM_NUMBERS; i++)
		sweep(rng_next());
	rt_printf("hostile_hypercall: %u calls: %u succeeded, %u errors (ENOSYS %u, "
		  "EFAULT %u, EINVAL %u, E2BIG %u, other %u), %u unexpected results, "
		  "%u clobbered registers\n", tally.calls, tally.ok, tally.errors,
		  tally.by_errno[0], tally.by_errno[1], tally.by_errno[2],
		  tally.by_errno[3], tally.by_errno[4], tally.unexpected, tally.clobbered);
	if (tally.unexpected || tally.clobbered)
		rt_fail(NAME, "%u unexpected results, %u calls clobbered registers",
			tally.unexpected, tally.clobbered);
	else
		rt_pass(NAME);
	rt_printf("hostile_hypercall: last: MUXV_HC_SHUTDOWN with garbage code 0x%llx\n",
		  GARBAGE_EXIT_CODE);
	rt_console_flush();
	rc = rt_hc_shutdown(GARBAGE_EXIT_CODE);
	rt_printf("hostile_hypercall: MUXV_HC_SHUTDOWN(garbage) returned %ld\n", rc);
}

const struct rt_test test_desc = { .name = NAME, .main = hostile_hypercall_main };
