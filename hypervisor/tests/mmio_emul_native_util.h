/*
 * mmio_emul_native_util.h - the harness of the native cross-checks of the
 * MMIO emulator (test_mmio_emul_native_*.c; arch/x86/decode*.c and
 * mmio_emul.c, included before this). An instruction runs natively on
 * scratch pages and is emulated on copies of them, the pages standing in
 * for the device; the registers, the flags the instruction defines, the
 * device's bytes and RIP must agree.
 *
 * The host runs the bytes for real: only 64-bit code (x86-64 Linux: the
 * including test checks MMIO_NATIVE_HOST), and the generators never name
 * RSP or a segment with a base (FS, GS) in an instruction. Functions are
 * static inline so that a test using only part of them builds under
 * -Werror.
 */
#ifndef MMIO_EMUL_NATIVE_UTIL_H
#define MMIO_EMUL_NATIVE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#if defined(__x86_64__) && defined(__linux__)
#define MMIO_NATIVE_HOST 1
#include <sys/mman.h>

#define ITERATIONS 40000
#define STRING_ITERATIONS 4000
#define DEV_GPA 0xfeb00000ull
#define AREA 0x2000            /* bytes of device and of RAM, two pages each */

/* Registers in and out of native_run(); gpr[4] (RSP) is not loaded. */
struct native_state {
	uint64_t gpr[16];
	uint64_t rflags;
};

void native_run(struct native_state *st);
const void *native_code;  /* read by native_run() */

/*
 * native_run(st): loads every GPR but RSP and RFLAGS from *st, calls
 * native_code (one instruction then RET), and stores them back.
 */
__asm__(
	".text\n"
	".globl native_run\n"
	"native_run:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n"
	"	push %r13\n	push %r14\n	push %r15\n"
	"	push %rdi\n"
	"	pushq 128(%rdi)\n	popfq\n"
	"	mov 0(%rdi), %rax\n	mov 8(%rdi), %rcx\n	mov 16(%rdi), %rdx\n"
	"	mov 24(%rdi), %rbx\n	mov 40(%rdi), %rbp\n	mov 48(%rdi), %rsi\n"
	"	mov 64(%rdi), %r8\n	mov 72(%rdi), %r9\n	mov 80(%rdi), %r10\n"
	"	mov 88(%rdi), %r11\n	mov 96(%rdi), %r12\n	mov 104(%rdi), %r13\n"
	"	mov 112(%rdi), %r14\n	mov 120(%rdi), %r15\n	mov 56(%rdi), %rdi\n"
	"	call *native_code(%rip)\n"
	"	pushfq\n	push %rdi\n	mov 16(%rsp), %rdi\n"
	"	mov %rax, 0(%rdi)\n	mov %rcx, 8(%rdi)\n	mov %rdx, 16(%rdi)\n"
	"	mov %rbx, 24(%rdi)\n	mov %rbp, 40(%rdi)\n	mov %rsi, 48(%rdi)\n"
	"	mov %r8, 64(%rdi)\n	mov %r9, 72(%rdi)\n	mov %r10, 80(%rdi)\n"
	"	mov %r11, 88(%rdi)\n	mov %r12, 96(%rdi)\n	mov %r13, 104(%rdi)\n"
	"	mov %r14, 112(%rdi)\n	mov %r15, 120(%rdi)\n"
	"	pop %rax\n	mov %rax, 56(%rdi)\n"
	"	pop %rax\n	mov %rax, 128(%rdi)\n"
	"	cld\n	pop %rdi\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n"
	"	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");

/* Scratch memory below 2 GiB (32-bit addresses and disp32 reach it):
 * the code page, then the device area, then the RAM area. */
static uint8_t *code, *dev, *ram;
static uint8_t emu_dev[AREA], emu_ram[AREA];

#define ALL_FLAGS (X86_RFLAGS_STATUS | X86_RFLAGS_DF)
#define NO_AF (ALL_FLAGS & ~X86_RFLAGS_AF)
#define CF_ONLY (X86_RFLAGS_CF | X86_RFLAGS_DF)

/* One instruction form with a ModRM memory operand. */
struct form {
	char name[24];
	uint8_t escape;       /* 0, or 0x0f */
	uint8_t opcode;
	int8_t ext;           /* ModRM.reg extension; -1: a register operand */
	uint8_t imm;          /* 0, 1 (ib), or 4 (iz: 2 at operand size 16) */
	uint8_t sizes;        /* operand sizes allowed, bit mask of 1 2 4 8 */
	bool lockable;
	bool bit_offset;      /* the register is a bit offset (BT* Ev, Gv) */
	uint64_t defined;     /* RFLAGS bits the instruction defines */
};

#define S1 1
#define SV (2 | 4 | 8)
#define S48 (4 | 8)

static inline uint64_t rand64(void)
{
	return (uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand();
}

/* A test instance: the bytes, the registers before, where it accesses. */
struct instance {
	uint8_t bytes[16];
	size_t len;
	struct native_state in;
	uint64_t ea;          /* effective address of the ModRM operand */
	uint64_t access;      /* the address accessed (differs for BT* Ev, Gv) */
	bool write;
};

/* Random registers and flags; the operand at a random place in the
 * device area, not crossing a page. */
static inline void randomize(struct instance *t, unsigned int size)
{
	for (int i = 0; i < 16; i++)
		t->in.gpr[i] = rand64();
	t->in.gpr[X86_GPR_RSP] = 0;
	t->in.rflags = 0x202 | (rand64() & X86_RFLAGS_STATUS);
	do
		t->ea = (uint64_t)dev + 1024 + (uint64_t)(rand() % (AREA - 2048));
	while ((t->ea & 0xfff) + size > 0x1000);
	t->access = t->ea;
}

/* Prefixes: LOCK and a (64-bit mode: ignored) segment override now and
 * then, 66 and 67 as needed, and REX, last. */
static inline void emit_prefixes(struct instance *t, const struct form *f, unsigned int size,
			  bool addr32, bool rex, unsigned int rex_low)
{
	static const uint8_t segs[] = { 0x26, 0x2e, 0x36, 0x3e };

	if (f->lockable && rand() % 3 == 0)
		t->bytes[t->len++] = 0xf0;
	if (rand() % 8 == 0)
		t->bytes[t->len++] = segs[rand() % 4];
	if (size == 2)
		t->bytes[t->len++] = 0x66;
	if (addr32)
		t->bytes[t->len++] = 0x67;
	if (rex)
		t->bytes[t->len++] = (uint8_t)(0x40 | rex_low);
}

/* The device and RAM callbacks, on the emulator's copies. */
static inline int emu_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *v)
{
	(void)opaque;
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + AREA)
		return -EFAULT;
	memcpy(v, &emu_dev[gpa - DEV_GPA], size);
	return 0;
}

static inline int emu_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t v)
{
	(void)opaque;
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + AREA)
		return -EFAULT;
	memcpy(&emu_dev[gpa - DEV_GPA], &v, size);
	return 0;
}

static inline int emu_mem_read(void *opaque, enum x86_seg seg, uint64_t off,
			unsigned int size, uint64_t *v)
{
	(void)opaque;
	if (seg != X86_SEG_DS || off < (uint64_t)ram || off + size > (uint64_t)ram + AREA)
		return -EFAULT;
	memcpy(v, &emu_ram[off - (uint64_t)ram], size);
	return 0;
}

static inline int emu_mem_write(void *opaque, enum x86_seg seg, uint64_t off,
			 unsigned int size, uint64_t v)
{
	(void)opaque;
	if (seg != X86_SEG_ES || off < (uint64_t)ram || off + size > (uint64_t)ram + AREA)
		return -EFAULT;
	memcpy(&emu_ram[off - (uint64_t)ram], &v, size);
	return 0;
}

static const struct mmio_emul_ops emu_ops = {
	.read = emu_read,
	.write = emu_write,
	.mem_read = emu_mem_read,
	.mem_write = emu_mem_write,
};

/* Random contents for both areas, the same natively and for the emulator
 * (xorshift64: rand() per byte would dominate the run time). */
static inline void fill_areas(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < AREA; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&dev[i], &x, 8);
		memcpy(&ram[i], &(uint64_t){ x * 0x2545f4914f6cdd1dull }, 8);
	}
	memcpy(emu_dev, dev, AREA);
	memcpy(emu_ram, ram, AREA);
}

/* Runs t->bytes natively; returns the registers after. */
static inline struct native_state run_native(const struct instance *t)
{
	struct native_state st = t->in;

	mprotect(code, 0x1000, PROT_READ | PROT_WRITE);
	memcpy(code, t->bytes, t->len);
	code[t->len] = 0xc3;
	mprotect(code, 0x1000, PROT_READ | PROT_EXEC);
	native_run(&st);
	return st;
}

/* Compares the emulator's result with the processor's; writes why. */
static inline bool same_result(const struct instance *t, const struct x86_regs *r,
			const struct native_state *st, uint64_t defined,
			char *why, size_t whylen)
{
	for (int i = 0; i < 16; i++) {
		uint64_t want = i == X86_GPR_RSP ? t->in.gpr[i] : st->gpr[i];

		if (r->gpr[i] != want) {
			snprintf(why, whylen, "gpr %d: %#llx, cpu %#llx", i,
				 (unsigned long long)r->gpr[i], (unsigned long long)want);
			return false;
		}
	}
	if ((r->rflags ^ st->rflags) & defined) {
		snprintf(why, whylen, "rflags %#llx, cpu %#llx", (unsigned long long)r->rflags,
			 (unsigned long long)st->rflags);
		return false;
	}
	if (r->rip != (uint64_t)code + t->len) {
		snprintf(why, whylen, "rip +%llu, length %zu",
			 (unsigned long long)(r->rip - (uint64_t)code), t->len);
		return false;
	}
	if (memcmp(emu_dev, dev, AREA) != 0 || memcmp(emu_ram, ram, AREA) != 0) {
		snprintf(why, whylen, "memory differs");
		return false;
	}
	return true;
}

static inline void describe(char *why, size_t whylen, const char *name, const struct instance *t,
		     const char *what)
{
	char hex[48] = "";

	for (size_t i = 0; i < t->len && i < 15; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", t->bytes[i]);
	snprintf(why, whylen, "%s [%s]: %s", name, hex, what);
}

/* Runs check() n times; the case fails at the first mismatch (logged with
 * the next few on stderr). */
static inline void run_case(const char *name, int n, bool (*check)(char *, size_t))
{
	char why[200];
	int failed = 0;

	unit_begin(name);
	for (int i = 0; i < n && failed < 5; i++) {
		if (!check(why, sizeof(why))) {
			fprintf(stderr, "%s\n", why);
			if (!failed++)
				unit_check_at(false, why, __FILE__, __LINE__);
		}
	}
	unit_end();
}

/* Maps the scratch pages below 2 GiB and seeds rand(); false (after
 * printing SKIP for each of the caller's cases) when there is no room. */
static inline bool native_setup(const char *const *cases, size_t n)
{
	void *area = mmap(NULL, 0x1000 + 2 * AREA, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (area == MAP_FAILED) {
		for (size_t i = 0; i < n; i++)
			printf("SKIP %s: no memory below 2 GiB\n", cases[i]);
		return false;
	}
	code = area;
	native_code = code;
	dev = code + 0x1000;
	ram = dev + AREA;
	srand(20261124);
	return true;
}

#endif
#endif
