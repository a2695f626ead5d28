/*
 * test_mmio_emul_native_modrm.c - the MMIO emulator (mmio_emul.c) against
 * the host processor on instructions with a ModRM memory operand and on
 * MOV to and from moffs: random instances of every covered form (operand
 * sizes, addressing forms, REX/66/67/LOCK/segment prefixes, register,
 * memory and flag values), see mmio_emul_native_util.h.
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

int main(void)
{
	static const char *const cases[] = { "native_modrm_forms", "native_moffs" };

	if (!native_setup(cases, ARRAY_SIZE(cases)))
		return 0;
	build_forms();
	run_case("native_modrm_forms", ITERATIONS, check_random_form);
	run_case("native_moffs", 4000, check_moffs);
	return unit_exit_code();
}

#else

int main(void)
{
	printf("SKIP native_modrm_forms: the host is not x86-64 Linux\n");
	printf("SKIP native_moffs: the host is not x86-64 Linux\n");
	return 0;
}

#endif
