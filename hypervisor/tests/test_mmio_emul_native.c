/*
 * test_mmio_emul_native.c - the MMIO emulator (mmio_emul.c) against the
 * host processor. Random instances of every covered instruction form
 * (operand sizes, addressing forms, REX/66/67/LOCK/segment prefixes,
 * register, memory and flag values) run natively on scratch pages and are
 * emulated on copies of them, the pages standing in for the device; the
 * registers, the flags the instruction defines, the device's bytes and
 * RIP must agree. String instructions are emulated call after call, as the
 * guest would re-execute them, until RIP moves on.
 *
 * The host runs the bytes for real: only 64-bit code, and the generator
 * never names RSP or a segment with a base (FS, GS) in an instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../arch/x86/decode.c"
#include "../arch/x86/decode_tables.c"
#include "../arch/x86/mmio_emul.c"

#if defined(__x86_64__) && defined(__linux__)
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

static struct form forms[128];
static size_t nforms;

/* The forms besides the ALU operations' (alu_forms). */
static const struct form fixed_forms[] = {
	/* name          escape opcode ext imm sizes lockable bit_offset defined */
	{ "mov_store_b", 0, 0x88, -1, 0, S1, false, false, ALL_FLAGS },
	{ "mov_store", 0, 0x89, -1, 0, SV, false, false, ALL_FLAGS },
	{ "mov_load_b", 0, 0x8a, -1, 0, S1, false, false, ALL_FLAGS },
	{ "mov_load", 0, 0x8b, -1, 0, SV, false, false, ALL_FLAGS },
	{ "mov_imm_b", 0, 0xc6, 0, 1, S1, false, false, ALL_FLAGS },
	{ "mov_imm", 0, 0xc7, 0, 4, SV, false, false, ALL_FLAGS },
	{ "movzx_b", 0x0f, 0xb6, -1, 0, SV, false, false, ALL_FLAGS },
	{ "movzx_w", 0x0f, 0xb7, -1, 0, SV, false, false, ALL_FLAGS },
	{ "movsx_b", 0x0f, 0xbe, -1, 0, SV, false, false, ALL_FLAGS },
	{ "movsx_w", 0x0f, 0xbf, -1, 0, SV, false, false, ALL_FLAGS },
	{ "movsxd", 0, 0x63, -1, 0, S48, false, false, ALL_FLAGS },
	{ "movnti", 0x0f, 0xc3, -1, 0, S48, false, false, ALL_FLAGS },
	{ "test_b", 0, 0x84, -1, 0, S1, false, false, NO_AF },
	{ "test", 0, 0x85, -1, 0, SV, false, false, NO_AF },
	{ "test_imm_b", 0, 0xf6, 0, 1, S1, false, false, NO_AF },
	{ "test_imm", 0, 0xf7, 0, 4, SV, false, false, NO_AF },
	{ "not_b", 0, 0xf6, 2, 0, S1, true, false, ALL_FLAGS },
	{ "not", 0, 0xf7, 2, 0, SV, true, false, ALL_FLAGS },
	{ "neg_b", 0, 0xf6, 3, 0, S1, true, false, ALL_FLAGS },
	{ "neg", 0, 0xf7, 3, 0, SV, true, false, ALL_FLAGS },
	{ "inc_b", 0, 0xfe, 0, 0, S1, true, false, ALL_FLAGS },
	{ "dec_b", 0, 0xfe, 1, 0, S1, true, false, ALL_FLAGS },
	{ "inc", 0, 0xff, 0, 0, SV, true, false, ALL_FLAGS },
	{ "dec", 0, 0xff, 1, 0, SV, true, false, ALL_FLAGS },
	{ "xchg_b", 0, 0x86, -1, 0, S1, true, false, ALL_FLAGS },
	{ "xchg", 0, 0x87, -1, 0, SV, true, false, ALL_FLAGS },
	{ "bt", 0x0f, 0xa3, -1, 0, SV, false, true, CF_ONLY },
	{ "bts", 0x0f, 0xab, -1, 0, SV, true, true, CF_ONLY },
	{ "btr", 0x0f, 0xb3, -1, 0, SV, true, true, CF_ONLY },
	{ "btc", 0x0f, 0xbb, -1, 0, SV, true, true, CF_ONLY },
	{ "bt_imm", 0x0f, 0xba, 4, 1, SV, false, false, CF_ONLY },
	{ "bts_imm", 0x0f, 0xba, 5, 1, SV, true, false, CF_ONLY },
	{ "btr_imm", 0x0f, 0xba, 6, 1, SV, true, false, CF_ONLY },
	{ "btc_imm", 0x0f, 0xba, 7, 1, SV, true, false, CF_ONLY },
};

/* The forms of each ALU operation: 00-3B (the operation in opcode bits
 * 5:3) and group 1 (in ModRM.reg). */
struct alu_form {
	const char *suffix;
	uint8_t opcode;       /* group 1's opcode, or the low bits of 00-3B */
	bool group;
	uint8_t imm, sizes;
	bool lockable;
};

static const struct alu_form alu_forms[] = {
	{ "mem_b", 0, false, 0, S1, true },   /* Eb, Gb */
	{ "mem", 1, false, 0, SV, true },     /* Ev, Gv */
	{ "reg_b", 2, false, 0, S1, false },  /* Gb, Eb */
	{ "reg", 3, false, 0, SV, false },    /* Gv, Ev */
	{ "imm_b", 0x80, true, 1, S1, true },
	{ "imm", 0x81, true, 4, SV, true },
	{ "imm8", 0x83, true, 1, SV, true },
};

/* forms[]: the fixed ones, then every ALU operation in every form. */
static void build_forms(void)
{
	static const char *alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };

	memcpy(forms, fixed_forms, sizeof(fixed_forms));
	nforms = ARRAY_SIZE(fixed_forms);
	for (int op = 0; op < 8; op++) {
		for (size_t v = 0; v < ARRAY_SIZE(alu_forms); v++) {
			const struct alu_form *a = &alu_forms[v];
			struct form *f = &forms[nforms++];

			snprintf(f->name, sizeof(f->name), "%s_%s", alu[op], a->suffix);
			f->opcode = a->group ? a->opcode : (uint8_t)(op * 8 + a->opcode);
			f->ext = (int8_t)(a->group ? op : -1);
			f->imm = a->imm;
			f->sizes = a->sizes;
			f->lockable = a->lockable && op != 7;   /* not CMP */
			f->defined = op == 1 || op == 4 || op == 6 ? NO_AF : ALL_FLAGS;
		}
	}
}

static uint64_t rand64(void)
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

/* A memory operand: how the address is formed. */
enum mem_kind { M_BASE, M_BASE_D8, M_BASE_D32, M_SIB, M_INDEX, M_RIP, M_ABS, M_KINDS };

struct memop {
	enum mem_kind kind;
	unsigned int base, index, scale_log;
	int32_t disp;
	bool addr32;
};

static unsigned int random_reg_not_rsp(void)
{
	unsigned int r;

	do
		r = (unsigned int)rand() % 16;
	while (r == X86_GPR_RSP);
	return r;
}

static void choose_memop(struct memop *m)
{
	m->kind = (enum mem_kind)(rand() % M_KINDS);
	m->addr32 = rand() % 4 == 0 && m->kind != M_ABS;
	m->base = random_reg_not_rsp();
	do
		m->index = random_reg_not_rsp();
	while (m->index == m->base);
	m->scale_log = (unsigned int)rand() % 4;
	m->disp = m->kind == M_BASE ? 0 :
		  m->kind == M_BASE_D8 || (m->kind == M_SIB && rand() % 2) ?
		  (int8_t)rand() : (int32_t)(rand() % 0x20000) - 0x10000;
}

/* Appends ModRM, SIB and displacement; returns the offset of a RIP-
 * relative disp32 to patch, or 0. */
static size_t emit_modrm(struct instance *t, unsigned int reg, const struct memop *m)
{
	unsigned int mod = 0, rm = m->base & 7, disp_size = 0;
	int sib = -1;
	size_t at;

	switch (m->kind) {
	case M_RIP: rm = 5; disp_size = 4; break;
	case M_ABS:     /* SIB without base or index */
		rm = 4;
		sib = (int)(m->scale_log << 6 | 4 << 3 | 5);
		disp_size = 4;
		break;
	case M_INDEX:   /* SIB without base */
		rm = 4;
		sib = (int)(m->scale_log << 6 | (m->index & 7) << 3 | 5);
		disp_size = 4;
		break;
	case M_SIB:
		disp_size = m->disp == (int8_t)m->disp ? 1 : 4;
		rm = 4;
		sib = (int)(m->scale_log << 6 | (m->index & 7) << 3 | (m->base & 7));
		break;
	case M_BASE: disp_size = rm == 5 ? 1 : 0; break;  /* mod 00 rm 101 is RIP */
	case M_BASE_D8: disp_size = 1; break;
	default: disp_size = 4; break;
	}
	if (m->kind != M_RIP && m->kind != M_ABS && m->kind != M_INDEX)
		mod = disp_size == 1 ? 1 : disp_size == 4 ? 2 : 0;
	if (rm == 4 && sib < 0)
		sib = 0x24;   /* base R12 (RSP is never chosen), no index */
	t->bytes[t->len++] = (uint8_t)(mod << 6 | (reg & 7) << 3 | rm);
	if (sib >= 0)
		t->bytes[t->len++] = (uint8_t)sib;
	at = t->len;
	memcpy(&t->bytes[t->len], &m->disp, disp_size);
	t->len += disp_size;
	return m->kind == M_RIP ? at : 0;
}

/* Sets the address registers so that the operand is at ea. */
static void aim(struct instance *t, struct memop *m, uint64_t ea)
{
	uint64_t *g = t->in.gpr;
	uint64_t wrap = m->addr32 ? 0xffffffffull : ~0ull;
	uint64_t garbage = m->addr32 ? rand64() << 32 : 0;
	uint64_t index = (uint64_t)(rand() % 128) - 64;

	switch (m->kind) {
	case M_RIP:
		break;
	case M_ABS:
		m->disp = (int32_t)ea;
		break;
	case M_INDEX:
		m->disp = (int32_t)(ea & ((1u << m->scale_log) - 1));
		g[m->index] = ((ea - (uint64_t)(int64_t)m->disp) >> m->scale_log & wrap) |
			      garbage;
		break;
	case M_SIB:
		g[m->index] = (index & wrap) | garbage;
		g[m->base] = ((ea - (uint64_t)(int64_t)m->disp - (index << m->scale_log)) & wrap) |
			     (rand64() << 32 & ~wrap);
		break;
	default:
		g[m->base] = ((ea - (uint64_t)(int64_t)m->disp) & wrap) | garbage;
		break;
	}
}

/* A register for ModRM.reg: not RSP or SPL, and not an address register
 * when it is a bit offset. Without a REX prefix only 0-7 (4-7 of a byte
 * operation being AH CH DH BH). */
static unsigned int choose_reg(const struct form *f, const struct memop *m,
			       unsigned int size, bool rex)
{
	unsigned int r;

	for (;;) {
		r = (unsigned int)rand() % (rex ? 16 : 8);
		if (r == X86_GPR_RSP && (size != 1 || rex))
			continue;
		if (f->bit_offset && (r == m->base || r == m->index))
			continue;
		return r;
	}
}

/* The REX bits the memory operand needs (B, X) and W for size 8. */
static unsigned int rex_bits(const struct memop *m, unsigned int size)
{
	unsigned int rex = size == 8 ? 8 : 0;

	if (m->kind == M_BASE || m->kind == M_BASE_D8 || m->kind == M_BASE_D32 ||
	    m->kind == M_SIB)
		rex |= m->base >> 3;
	if (m->kind == M_SIB || m->kind == M_INDEX)
		rex |= (m->index >> 3) << 1;
	return rex;
}

/* Random registers and flags; the operand at a random place in the
 * device area, not crossing a page. */
static void randomize(struct instance *t, unsigned int size)
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

/* For BT* Ev, Gv: a small bit offset in reg, and the address it reaches
 * (not across a page: the emulator refuses such accesses). */
static void set_bit_offset(struct instance *t, unsigned int reg, unsigned int size)
{
	int64_t bits = 8 * (int64_t)size, off;

	do {
		off = (int64_t)(rand() % 512) - 256;
		t->access = t->ea + (uint64_t)((int64_t)size *
					       ((off - (off < 0 ? bits - 1 : 0)) / bits));
	} while ((t->access & 0xfff) + size > 0x1000);
	t->in.gpr[reg] = (t->in.gpr[reg] & ~x86_size_mask(size)) |
			 ((uint64_t)off & x86_size_mask(size));
}

/* Prefixes: LOCK and a (64-bit mode: ignored) segment override now and
 * then, 66 and 67 as needed, and REX, last. */
static void emit_prefixes(struct instance *t, const struct form *f, unsigned int size,
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

/* Builds a random instance of form f. */
static void generate(struct instance *t, const struct form *f)
{
	unsigned int sizes[4], n = 0, size, reg, rex_low;
	bool rex;
	struct memop m;
	size_t rip_at;
	uint64_t imm = rand64();

	memset(t, 0, sizeof(*t));
	for (unsigned int s = 1; s <= 8; s *= 2)
		if (f->sizes & s)
			sizes[n++] = s;
	size = sizes[rand() % n];
	choose_memop(&m);
	rex_low = rex_bits(&m, size);
	rex = rex_low != 0 || rand() % 4 == 0;
	reg = f->ext >= 0 ? (unsigned int)f->ext : choose_reg(f, &m, size, rex);
	rex_low |= (reg >> 3) << 2;
	emit_prefixes(t, f, size, m.addr32, rex, rex_low);
	if (f->escape)
		t->bytes[t->len++] = f->escape;
	t->bytes[t->len++] = f->opcode;
	randomize(t, size);
	if (f->bit_offset)
		set_bit_offset(t, reg, size);
	aim(t, &m, t->ea);
	rip_at = emit_modrm(t, reg, &m);
	if (f->imm) {
		unsigned int isz = f->imm == 1 ? 1 : size == 2 ? 2 : 4;

		memcpy(&t->bytes[t->len], &imm, isz);
		t->len += isz;
	}
	if (rip_at) {
		int32_t rel = (int32_t)(t->ea - ((uint64_t)code + t->len));

		memcpy(&t->bytes[rip_at], &rel, 4);
	}
	t->write = f->opcode != 0x8a && f->opcode != 0x8b;
}

/* The device and RAM callbacks, on the emulator's copies. */
static int emu_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *v)
{
	(void)opaque;
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + AREA)
		return -EFAULT;
	memcpy(v, &emu_dev[gpa - DEV_GPA], size);
	return 0;
}

static int emu_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t v)
{
	(void)opaque;
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + AREA)
		return -EFAULT;
	memcpy(&emu_dev[gpa - DEV_GPA], &v, size);
	return 0;
}

static int emu_mem_read(void *opaque, enum x86_seg seg, uint64_t off,
			unsigned int size, uint64_t *v)
{
	(void)opaque;
	if (seg != X86_SEG_DS || off < (uint64_t)ram || off + size > (uint64_t)ram + AREA)
		return -EFAULT;
	memcpy(v, &emu_ram[off - (uint64_t)ram], size);
	return 0;
}

static int emu_mem_write(void *opaque, enum x86_seg seg, uint64_t off,
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
static void fill_areas(void)
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
static struct native_state run_native(const struct instance *t)
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
static bool same_result(const struct instance *t, const struct x86_regs *r,
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

static void describe(char *why, size_t whylen, const char *name, const struct instance *t,
		     const char *what)
{
	char hex[48] = "";

	for (size_t i = 0; i < t->len && i < 15; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", t->bytes[i]);
	snprintf(why, whylen, "%s [%s]: %s", name, hex, what);
}

/* One instance of form f: decode, cross-check the address, emulate, run. */
static bool check_instance(const struct form *f, char *why, size_t whylen)
{
	struct instance t;
	struct x86_insn insn;
	struct x86_regs r = { .rip = (uint64_t)code };
	struct native_state st;
	struct mmio_emul_access access;
	uint64_t ea = 0;
	char what[96];
	int rc;

	generate(&t, f);
	fill_areas();
	memcpy(r.gpr, t.in.gpr, sizeof(r.gpr));
	r.rflags = t.in.rflags;
	access.gpa = DEV_GPA + (t.access - (uint64_t)dev);
	access.write = t.write;
	rc = x86_decode_insn(&insn, t.bytes, t.len, X86_MODE_64);
	if (rc == 0 && (insn.len != t.len || x86_decode_ea(&insn, &r, &ea) || ea != t.ea))
		rc = -ERANGE;
	if (rc == 0)
		rc = mmio_emul_insn(&insn, &r, &access, &emu_ops, NULL);
	if (rc) {
		snprintf(what, sizeof(what), "decode/ea/emulate gave %d", rc);
		describe(why, whylen, f->name, &t, what);
		return false;
	}
	st = run_native(&t);
	if (same_result(&t, &r, &st, f->defined, what, sizeof(what)))
		return true;
	describe(why, whylen, f->name, &t, what);
	return false;
}

/* An instance of a random form. */
static bool check_random_form(char *why, size_t whylen)
{
	return check_instance(&forms[rand() % nforms], why, whylen);
}

/* MOV between the accumulator and a 64-bit or (67) 32-bit moffs. */
static bool check_moffs(char *why, size_t whylen)
{
	static const struct form f = { .name = "mov_moffs", .sizes = 1 | SV };
	struct instance t = { 0 };
	struct x86_insn insn;
	struct x86_regs r = { .rip = (uint64_t)code };
	struct mmio_emul_access access;
	struct native_state st;
	uint8_t opcode = (uint8_t)(0xa0 + rand() % 4);
	unsigned int size = opcode & 1 ? 2u << (rand() % 3) : 1;
	bool addr32 = rand() % 2;
	char what[96];
	int rc;

	randomize(&t, size);
	emit_prefixes(&t, &f, size, addr32, size == 8 || rand() % 4 == 0, size == 8 ? 8 : 0);
	t.bytes[t.len++] = opcode;
	memcpy(&t.bytes[t.len], &t.ea, addr32 ? 4 : 8);
	t.len += addr32 ? 4 : 8;
	fill_areas();
	memcpy(r.gpr, t.in.gpr, sizeof(r.gpr));
	r.rflags = t.in.rflags;
	access = (struct mmio_emul_access){ DEV_GPA + (t.ea - (uint64_t)dev), opcode >= 0xa2 };
	rc = x86_decode_insn(&insn, t.bytes, t.len, X86_MODE_64);
	if (rc == 0)
		rc = mmio_emul_insn(&insn, &r, &access, &emu_ops, NULL);
	st = run_native(&t);
	if (rc == 0 && same_result(&t, &r, &st, ALL_FLAGS, what, sizeof(what)))
		return true;
	if (rc)
		snprintf(what, sizeof(what), "decode/emulate gave %d", rc);
	describe(why, whylen, f.name, &t, what);
	return false;
}

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

/* Runs check() n times; the case fails at the first mismatch (logged with
 * the next few on stderr). */
static void run_case(const char *name, int n, bool (*check)(char *, size_t))
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
	void *area = mmap(NULL, 0x1000 + 2 * AREA, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (area == MAP_FAILED) {
		printf("SKIP native_modrm_forms: no memory below 2 GiB\n");
		return 0;
	}
	code = area;
	native_code = code;
	dev = code + 0x1000;
	ram = dev + AREA;
	srand(20261124);
	build_forms();
	run_case("native_modrm_forms", ITERATIONS, check_random_form);
	run_case("native_moffs", 4000, check_moffs);
	test_strings();
	return unit_exit_code();
}

#else

int main(void)
{
	printf("SKIP native_modrm_forms: the host is not x86-64 Linux\n");
	return 0;
}

#endif
