/*
 * test_mmio_emul_native_string.c - the MMIO emulator (mmio_emul.c) against
 * the host processor on string instructions (MOVS, STOS, LODS; REP, 67,
 * both directions): emulated call after call, as the guest would
 * re-execute them, until RIP moves on (see mmio_emul_native_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../arch/x86/decode.c"
#include "../arch/x86/decode_tables.c"
#include "../arch/x86/mmio_emul.c"
#include "mmio_emul_native_util.h"

#ifdef MMIO_NATIVE_HOST

/* A string instruction: which, how wide, and where its sides are. */
struct string_case {
	uint8_t opcode;       /* A4/A5 MOVS, AA/AB STOS, AC/AD LODS */
	unsigned int size;
	bool rep, addr32, down, dev_is_dest;
	uint64_t count;
};

/* Start of a run of n elements in an area, aligned to size, with room to
 * go up (or down). */
static uint64_t run_start(uint8_t *area, unsigned int size, uint64_t n, bool down,
			  bool aligned)
{
	uint64_t span = n * size;
	uint64_t room = AREA - span;
	uint64_t off = (uint64_t)rand() % (room + 1);

	if (aligned)
		off &= ~(uint64_t)(size - 1);
	return (uint64_t)area + off + (down ? span - size : 0);
}

static void generate_string(struct instance *t, struct string_case *c)
{
	static const uint8_t ops[] = { 0xa4, 0xaa, 0xac };
	uint64_t garbage, n;

	memset(t, 0, sizeof(*t));
	c->opcode = (uint8_t)(ops[rand() % 3] + rand() % 2);
	c->size = c->opcode & 1 ? 2u << (rand() % 3) : 1;
	c->rep = rand() % 4 != 0;
	c->addr32 = rand() % 4 == 0;
	c->down = rand() % 2;
	c->dev_is_dest = c->opcode == 0xaa || c->opcode == 0xab ||
			 ((c->opcode == 0xa4 || c->opcode == 0xa5) && rand() % 2);
	c->count = c->rep ? (uint64_t)(rand() % 600) : 1;
	if (c->rep)
		t->bytes[t->len++] = 0xf3;
	emit_prefixes(t, &(struct form){ .lockable = false }, c->size, c->addr32,
		      c->size == 8 || rand() % 4 == 0, c->size == 8 ? 8 : 0);
	t->bytes[t->len++] = c->opcode;
	randomize(t, c->size);
	t->in.rflags |= c->down ? X86_RFLAGS_DF : 0;
	n = c->count ? c->count : 1;
	garbage = c->addr32 ? rand64() << 32 : 0;
	t->in.gpr[X86_GPR_RCX] = c->rep ? c->count | garbage : rand64();
	t->in.gpr[c->dev_is_dest ? X86_GPR_RDI : X86_GPR_RSI] =
		run_start(dev, c->size, n, c->down, true) | garbage;
	t->in.gpr[c->dev_is_dest ? X86_GPR_RSI : X86_GPR_RDI] =
		run_start(ram, c->size, n, c->down, false) | garbage;
}

/* Emulates c call after call, each faulting on the device side's next
 * element, until RIP moves on. Returns 0 or the first error. */
static int emulate_string(const struct instance *t, const struct string_case *c,
			  struct x86_regs *r, int *calls)
{
	struct x86_insn insn;
	struct mmio_emul_access access = { .write = c->dev_is_dest };
	unsigned int dev_reg = c->dev_is_dest ? X86_GPR_RDI : X86_GPR_RSI;
	int rc = x86_decode_insn(&insn, t->bytes, t->len, X86_MODE_64);

	for (*calls = 0; rc == 0 && r->rip == (uint64_t)code && *calls < 16; ++*calls) {
		uint64_t at = r->gpr[dev_reg] & x86_size_mask(insn.addrsize);

		access.gpa = DEV_GPA + (at - (uint64_t)dev);
		rc = mmio_emul_insn(&insn, r, &access, &emu_ops, NULL);
	}
	return rc;
}

static int most_calls;   /* the most calls one string instance needed */

static bool check_string(char *why, size_t whylen)
{
	struct instance t;
	struct string_case c;
	struct x86_regs r = { .rip = (uint64_t)code };
	struct native_state st;
	char what[96];
	int rc, calls;

	generate_string(&t, &c);
	fill_areas();
	memcpy(r.gpr, t.in.gpr, sizeof(r.gpr));
	r.rflags = t.in.rflags;
	rc = emulate_string(&t, &c, &r, &calls);
	most_calls = MAX(most_calls, calls);
	st = run_native(&t);
	if (rc == 0 && same_result(&t, &r, &st, ALL_FLAGS, what, sizeof(what)))
		return true;
	if (rc)
		snprintf(what, sizeof(what), "emulation gave %d after %d calls", rc, calls);
	describe(why, whylen, "string", &t, what);
	return false;
}

static void test_strings(void)
{
	run_case("native_string_instructions", STRING_ITERATIONS, check_string);
	/* some instances must have stopped early (page end, per-call bound)
	 * and been executed again */
	unit_begin("native_string_restarts");
	UNIT_CHECK(most_calls >= 3);
	unit_end();
}

int main(void)
{
	static const char *const cases[] = { "native_string_instructions",
					     "native_string_restarts" };

	if (!native_setup(cases, ARRAY_SIZE(cases)))
		return 0;
	test_strings();
	return unit_exit_code();
}

#else

int main(void)
{
	printf("SKIP native_string_instructions: the host is not x86-64 Linux\n");
	printf("SKIP native_string_restarts: the host is not x86-64 Linux\n");
	return 0;
}

#endif
