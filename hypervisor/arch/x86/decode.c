/*
 * decode.c - the x86 instruction decoder: length, prefixes, opcode, ModRM,
 * SIB, displacement and immediates of one instruction, in real, 16-bit,
 * 32-bit or 64-bit code.
 *
 * Instruction format (APM vol. 3, chapter 1 "Instruction Encoding"; Intel
 * SDM vol. 2A, chapter 2 "Instruction Format"):
 *
 *   legacy prefixes*  [REX]  opcode...     [ModRM [SIB] [disp]]  [imm]
 *   legacy prefixes*  VEX/EVEX/XOP  opcode  ModRM [SIB] [disp]   [imm]
 *
 * Steps, one function each:
 *
 *  1. Prefixes (decode_prefixes). Any number of legacy prefixes, in any
 *     order: F0 (LOCK), F2/F3 (the last one counts), 66, 67, and the six
 *     segment overrides (the last one counts). In 64-bit mode 40-4F are
 *     REX; a REX counts only if it is the last byte before the opcode, so
 *     a legacy prefix after it cancels it (APM vol. 3, "REX Prefix").
 *     Operand and address sizes follow from the mode, 66, 67 and REX.W
 *     (set_sizes; APM vol. 3, "Operand-Size Override Prefix" and
 *     "Address-Size Override Prefix").
 *
 *  2. Opcode (decode_opcode). 0F introduces the two-byte map, 0F 38 and
 *     0F 3A the three-byte maps. C4/C5 (VEX), 62 (EVEX) and 8F (XOP) are
 *     escapes in 64-bit mode, and outside it only when the next byte could
 *     not be a ModRM of the legacy meaning (LES, LDS, BOUND need memory,
 *     so mod = 11b means VEX/EVEX; POP Ev needs reg = 0, so a map field
 *     >= 8 means XOP); never in real or virtual-8086 mode (SDM vol. 2A,
 *     "The VEX Prefix", "Intel AVX-512 Encoding"; APM vol. 3, chapter 1,
 *     the VEX and XOP prefixes). VEX/EVEX/XOP after a 66, F2, F3, F0 or REX
 *     prefix is #UD. The escape's payload gives the map, REX-like R/X/B/W
 *     bits, vvvv, L and the implied SIMD prefix (decode_vex_payload).
 *
 *  3. Table lookup. Each legacy map has a 256-entry table of struct
 *     x86_decode_op (decode_tables.c): flags (assigned or not, ModRM,
 *     byte operands, 64-bit default operand size, invalid in 64-bit mode,
 *     memory-only ModRM, MOV CR/DR's ignored mod field, "+r" register in
 *     the opcode, VEX/EVEX availability in map 1), the kind of immediate
 *     (enum x86_decode_imm, whose size depends on operand or address size
 *     for some kinds), and for ModRM.reg-extended opcodes a group: a pair
 *     of 8-entry tables (memory and register forms of ModRM) whose flags
 *     are added to the opcode's. A blank (zero) entry is undefined.
 *     VEX/EVEX map 1 reuse the 0F table through its VEX/EVEX flags (ModRM
 *     and an imm8 as there, nothing else); VEX/EVEX maps 2 and 3, EVEX
 *     maps 5 and 6 and XOP maps 8, 9 and 10 have one format each, so they
 *     need no table (vex_map_op).
 *
 *  4. ModRM, SIB and displacement (decode_modrm, decode_mem16,
 *     decode_mem32): the 16-bit forms when the address size is 16, else
 *     the 32/64-bit forms with SIB, the no-base disp32 forms and, in
 *     64-bit mode, RIP-relative addressing (SDM vol. 2A, tables 2-1 to
 *     2-3; APM vol. 3, "ModRM and SIB Bytes", "RIP-Relative Addressing").
 *
 *  5. Immediates (decode_imm), by the entry's kind; moffs (A0-A3) is the
 *     memory operand's displacement.
 *
 * Every byte is read through fetch()/fetch_le(), which return -E2BIG at
 * byte 15 and -EAGAIN at the caller's limit, so no step reads past either.
 *
 * Vendor differences: the AMD meaning wins where it changes the length
 * (in 64-bit mode a 66 prefix makes near branches take rel16, as QEMU's
 * TCG does; 66/F2 0F 78 EXTRQ/INSERTQ take two imm8). An opcode assigned by
 * either vendor is accepted.
 *
 * Not checked: whether an assigned opcode needs a particular mandatory
 * prefix (66/F2/F3) or VEX.L/W/vvvv value, whether LOCK is allowed, and the
 * privilege, CPUID-feature and CR4 conditions of #UD: the lengths do not
 * depend on them, and an intercepted instruction has passed those checks
 * in the processor already. The VEX/EVEX/XOP maps other than map 1 are
 * accepted whole.
 */
#include "hv/errno.h"
#include "hv/lib.h"
#include "x86/decode.h"

/* Decoding state: the input, the position in it, and what the prefixes
 * and the VEX/EVEX/XOP payload say about register numbers. */
struct decoder {
	const uint8_t *bytes;
	size_t avail;              /* bytes given, at most X86_INSN_MAX_LEN */
	size_t pos;                /* next byte to read */
	struct x86_insn *insn;
	struct x86_decode_op op;   /* the table entry of the opcode */
	uint8_t ext_r;             /* 8: ModRM.reg extension (REX.R) */
	uint8_t ext_x;             /* 8: SIB.index extension (REX.X) */
	uint8_t ext_b;             /* 8: ModRM.rm/SIB.base/+r extension (REX.B) */
	uint8_t ext_r4;            /* 16: EVEX.R', bit 4 of ModRM.reg */
	uint8_t ext_x4;            /* 16: EVEX.X, bit 4 of a register ModRM.rm */
};

/* Reads an n-byte little-endian field at the current position. Returns
 * -E2BIG if it would end past byte 15, -EAGAIN past the caller's bytes. */
static int fetch_le(struct decoder *d, unsigned int n, uint64_t *value)
{
	uint64_t v = 0;

	if (d->pos + n > X86_INSN_MAX_LEN)
		return -E2BIG;
	if (d->pos + n > d->avail)
		return -EAGAIN;
	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	*value = v;
	return 0;
}

static int fetch(struct decoder *d, uint8_t *byte)
{
	uint64_t v = 0;
	int rc = fetch_le(d, 1, &v);

	*byte = (uint8_t)v;
	return rc;
}

/* The byte at the current position, without consuming it. */
static int peek(struct decoder *d, uint8_t *byte)
{
	int rc = fetch(d, byte);

	if (rc == 0)
		d->pos--;
	return rc;
}

/* Records a legacy prefix byte; false if b is not one. */
static bool legacy_prefix(struct x86_insn *insn, uint8_t b)
{
	switch (b) {
	case 0xf0: insn->prefixes |= X86_PFX_LOCK; return true;
	case 0xf2: insn->prefixes |= X86_PFX_REPNE; insn->rep = b; return true;
	case 0xf3: insn->prefixes |= X86_PFX_REP; insn->rep = b; return true;
	case 0x66: insn->prefixes |= X86_PFX_OPSIZE; return true;
	case 0x67: insn->prefixes |= X86_PFX_ADSIZE; return true;
	case 0x26: insn->seg = X86_SEG_ES; break;
	case 0x2e: insn->seg = X86_SEG_CS; break;
	case 0x36: insn->seg = X86_SEG_SS; break;
	case 0x3e: insn->seg = X86_SEG_DS; break;
	case 0x64: insn->seg = X86_SEG_FS; break;
	case 0x65: insn->seg = X86_SEG_GS; break;
	default: return false;
	}
	insn->prefixes |= X86_PFX_SEG;
	return true;
}

/* Step 1: consumes legacy and REX prefixes up to the opcode. */
static int decode_prefixes(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	uint8_t b;
	int rc;

	for (;;) {
		rc = peek(d, &b);
		if (rc)
			return rc;
		if (insn->mode == X86_MODE_64 && (b & 0xf0) == 0x40)
			insn->rex = b;
		else if (legacy_prefix(insn, b))
			insn->rex = 0;
		else
			return 0;
		d->pos++;
	}
}

/* Operand and address sizes from the mode, 66, 67 and W. */
static void set_sizes(struct x86_insn *insn)
{
	bool p66 = insn->prefixes & X86_PFX_OPSIZE;
	bool p67 = insn->prefixes & X86_PFX_ADSIZE;

	switch (insn->mode) {
	case X86_MODE_64:
		insn->opsize = insn->w ? 8 : p66 ? 2 : 4;
		insn->addrsize = p67 ? 4 : 8;
		break;
	case X86_MODE_32:
		insn->opsize = p66 ? 2 : 4;
		insn->addrsize = p67 ? 2 : 4;
		break;
	default:
		insn->opsize = p66 ? 4 : 2;
		insn->addrsize = p67 ? 4 : 2;
		break;
	}
}

/* The legacy REX bits and SIMD prefix. */
static void apply_rex(struct decoder *d)
{
	struct x86_insn *insn = d->insn;

	insn->w = insn->rex & 0x08;
	d->ext_r = insn->rex & 0x04 ? 8 : 0;
	d->ext_x = insn->rex & 0x02 ? 8 : 0;
	d->ext_b = insn->rex & 0x01 ? 8 : 0;
	if (insn->rep)
		insn->simd_prefix = insn->rep;
	else if (insn->prefixes & X86_PFX_OPSIZE)
		insn->simd_prefix = 0x66;
}

/* Is b, followed by next, a VEX (C4, C5), EVEX (62) or XOP (8F) escape? */
static bool vex_escape(const struct x86_insn *insn, uint8_t b, uint8_t next)
{
	if (insn->mode == X86_MODE_REAL)
		return false;
	if (b == 0x8f)
		return (next & 0x1f) >= 8;
	if (b != 0xc4 && b != 0xc5 && b != 0x62)
		return false;
	return insn->mode == X86_MODE_64 || (next & 0xc0) == 0xc0;
}

/*
 * Decodes the payload p[] of a VEX/EVEX/XOP escape (SDM vol. 2A, "The VEX
 * Prefix" and the EVEX encoding; APM vol. 3, the VEX and XOP prefixes):
 *   C5     R.vvvv.L.pp
 *   C4/8F  R.X.B.mmmmm  W.vvvv.L.pp
 *   62     R.X.B.R'.0.mmm  W.vvvv.1.pp  z.L'L.b.V'.aaa
 * R, X, B, R', V' and vvvv are stored inverted.
 */
static int decode_vex_payload(struct decoder *d, uint8_t escape, const uint8_t *p)
{
	static const uint8_t pp_prefix[4] = { 0, 0x66, 0xf3, 0xf2 };
	struct x86_insn *insn = d->insn;
	uint8_t last = escape == 0xc5 ? p[0] : p[1];

	insn->simd_prefix = pp_prefix[last & 3];
	insn->vvvv = (~last >> 3) & 0xf;
	insn->vex_l = (last >> 2) & 1;
	d->ext_r = p[0] & 0x80 ? 0 : 8;
	if (escape == 0xc5) {
		insn->encoding = X86_ENC_VEX;
		insn->map = X86_MAP_0F;
		return 0;
	}
	d->ext_x = p[0] & 0x40 ? 0 : 8;
	d->ext_b = p[0] & 0x20 ? 0 : 8;
	insn->w = p[1] & 0x80;
	insn->map = p[0] & 0x1f;
	if (escape == 0xc4) {
		insn->encoding = X86_ENC_VEX;
		return insn->map >= 1 && insn->map <= 3 ? 0 : -EINVAL;
	}
	if (escape == 0x8f) {
		insn->encoding = X86_ENC_XOP;
		return insn->map >= 8 && insn->map <= 10 ? 0 : -EINVAL;
	}
	insn->encoding = X86_ENC_EVEX;
	insn->map = p[0] & 0x07;
	insn->evex_p2 = p[2];
	insn->vex_l = (p[2] >> 5) & 3;
	insn->vvvv |= p[2] & 0x08 ? 0 : 16;
	d->ext_r4 = p[0] & 0x10 ? 0 : 16;
	d->ext_x4 = p[0] & 0x40 ? 0 : 16;
	if ((p[0] & 0x08) || !(p[1] & 0x04))
		return -EINVAL;
	return insn->map == 4 || insn->map == 7 || insn->map == 0 ? -EINVAL : 0;
}

/* The format of opcode insn->opcode in a VEX/EVEX/XOP map (step 3). */
static int vex_map_op(struct decoder *d)
{
	const struct x86_insn *insn = d->insn;
	const struct x86_decode_op *t;
	uint16_t need;

	d->op = (struct x86_decode_op){ X86_OPF_DEFINED | X86_OPF_MODRM, X86_IMM_NONE, 0 };
	switch (insn->map) {
	case X86_MAP_0F:
		t = &x86_decode_map_0f[insn->opcode];
		need = insn->encoding == X86_ENC_EVEX ? X86_OPF_EVEX : X86_OPF_VEX;
		if (!(t->flags & need))
			return -EINVAL;
		d->op.flags = X86_OPF_DEFINED | (t->flags & X86_OPF_MODRM);
		d->op.imm = t->imm == X86_IMM_B ? X86_IMM_B : X86_IMM_NONE;
		return 0;
	case X86_MAP_0F3A:
	case X86_MAP_XOP8:
		d->op.imm = X86_IMM_B;
		return 0;
	case X86_MAP_XOPA:
		d->op.imm = X86_IMM_Z;  /* imm32: the operand size is 32 or 64 */
		return 0;
	default:
		return 0;
	}
}

/* Step 2 for VEX/EVEX/XOP: the payload after the escape byte, then the
 * opcode. */
static int decode_vex(struct decoder *d, uint8_t escape)
{
	struct x86_insn *insn = d->insn;
	uint8_t p[3];
	unsigned int n = escape == 0xc5 ? 1 : escape == 0x62 ? 3 : 2;
	int rc;

	if (insn->rex || (insn->prefixes & (X86_PFX_LOCK | X86_PFX_REP |
					    X86_PFX_REPNE | X86_PFX_OPSIZE)))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		rc = fetch(d, &p[i]);
		if (rc)
			return rc;
	}
	rc = decode_vex_payload(d, escape, p);
	if (rc == 0)
		rc = fetch(d, &insn->opcode);
	if (rc)
		return rc;
	if (insn->mode != X86_MODE_64) {
		d->ext_r = d->ext_x = d->ext_b = d->ext_r4 = d->ext_x4 = 0;
		insn->vvvv &= 7;
	}
	set_sizes(insn);
	insn->opsize = insn->w && insn->mode == X86_MODE_64 ? 8 : 4;
	return vex_map_op(d);
}

/* Step 2 after a 0F escape: the two-byte or a three-byte map. */
static int decode_0f(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	uint8_t b;
	int rc = fetch(d, &b);

	if (rc)
		return rc;
	if (b != 0x38 && b != 0x3a) {
		insn->map = X86_MAP_0F;
		insn->opcode = b;
		d->op = x86_decode_map_0f[b];
		return 0;
	}
	rc = fetch(d, &insn->opcode);
	if (rc)
		return rc;
	insn->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
	d->op = b == 0x38 ? x86_decode_map_0f38[insn->opcode] :
			    x86_decode_map_0f3a[insn->opcode];
	return 0;
}

/* Step 2: the opcode and its table entry. */
static int decode_opcode(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	uint8_t b, next;
	int rc = fetch(d, &b);

	if (rc)
		return rc;
	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		rc = peek(d, &next);
		if (rc)
			return rc;
		if (vex_escape(insn, b, next))
			return decode_vex(d, b);
	}
	apply_rex(d);
	set_sizes(insn);
	if (b == 0x0f)
		rc = decode_0f(d);
	else {
		insn->map = X86_MAP_PRIMARY;
		insn->opcode = b;
		d->op = x86_decode_map_primary[b];
	}
	if (rc)
		return rc;
	if (!(d->op.flags & X86_OPF_DEFINED))
		return -EINVAL;
	if ((d->op.flags & X86_OPF_I64) && insn->mode == X86_MODE_64)
		return -EINVAL;
	return 0;
}

/* The 16-bit ModRM memory forms: [BX+SI] ... [BX], disp8/disp16. */
static int decode_mem16(struct decoder *d, unsigned int *disp_size)
{
	static const uint8_t base_reg[8] = {
		X86_GPR_RBX, X86_GPR_RBX, X86_GPR_RBP, X86_GPR_RBP,
		X86_GPR_RSI, X86_GPR_RDI, X86_GPR_RBP, X86_GPR_RBX,
	};
	static const uint8_t index_reg[8] = {
		X86_GPR_RSI, X86_GPR_RDI, X86_GPR_RSI, X86_GPR_RDI,
		X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
	};
	struct x86_insn *insn = d->insn;

	if (insn->mod == 0 && insn->rm == 6) {
		*disp_size = 2;
		return 0;
	}
	insn->base = base_reg[insn->rm];
	insn->index = index_reg[insn->rm];
	*disp_size = insn->mod == 1 ? 1 : insn->mod == 2 ? 2 : 0;
	return 0;
}

/* The 32/64-bit ModRM memory forms: SIB, disp32 without base, RIP-relative
 * (64-bit mode), disp8/disp32. */
static int decode_mem32(struct decoder *d, unsigned int *disp_size)
{
	struct x86_insn *insn = d->insn;
	unsigned int base = insn->rm;
	int rc;

	*disp_size = insn->mod == 1 ? 1 : insn->mod == 2 ? 4 : 0;
	if (base == 4) {
		rc = fetch(d, &insn->sib);
		if (rc)
			return rc;
		insn->has_sib = true;
		insn->scale = 1 << (insn->sib >> 6);
		insn->index = ((insn->sib >> 3) & 7) | d->ext_x;
		if (insn->index == 4)
			insn->index = X86_REG_NONE;
		base = insn->sib & 7;
	} else if (base == 5 && insn->mod == 0) {
		insn->rip_relative = insn->mode == X86_MODE_64;
		*disp_size = 4;
		return 0;
	}
	if (base == 5 && insn->mod == 0)
		*disp_size = 4;
	else
		insn->base = base | d->ext_b;
	return 0;
}

/* The ModRM.reg-selected group entry: its flags join the opcode's. */
static int apply_group(struct decoder *d)
{
	const struct x86_decode_group *g = &x86_decode_groups[d->op.group];
	unsigned int reg = (d->insn->modrm >> 3) & 7;
	struct x86_decode_op e = d->insn->mod == 3 ? g->reg[reg] : g->mem[reg];

	if (!(e.flags & X86_OPF_DEFINED))
		return -EINVAL;
	if ((e.flags & X86_OPF_RM0) && (d->insn->modrm & 7) != 0)
		return -EINVAL;
	d->op.flags |= e.flags;
	if (e.flags & X86_OPF_NO_IMM)
		d->op.imm = X86_IMM_NONE;
	return 0;
}

/* Step 4: ModRM, SIB and displacement. */
static int decode_modrm(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	unsigned int disp_size;
	uint64_t disp = 0;
	int rc;

	if (!(d->op.flags & X86_OPF_MODRM))
		return 0;
	rc = fetch(d, &insn->modrm);
	if (rc)
		return rc;
	insn->has_modrm = true;
	insn->mod = d->op.flags & X86_OPF_MODRM_REG ? 3 : insn->modrm >> 6;
	insn->reg = ((insn->modrm >> 3) & 7) | d->ext_r | d->ext_r4;
	insn->rm = insn->modrm & 7;
	rc = d->op.flags & X86_OPF_GROUP ? apply_group(d) : 0;
	if (rc)
		return rc;
	if (insn->mod == 3) {
		if (d->op.flags & X86_OPF_MEM_ONLY)
			return -EINVAL;
		insn->rm |= d->ext_b | d->ext_x4;
		return 0;
	}
	insn->has_mem = true;
	insn->scale = 1;
	rc = insn->addrsize == 2 ? decode_mem16(d, &disp_size) :
				   decode_mem32(d, &disp_size);
	if (rc == 0 && disp_size)
		rc = fetch_le(d, disp_size, &disp);
	if (rc)
		return rc;
	insn->disp_size = disp_size;
	insn->disp = disp_size ? x86_sign_extend(disp, disp_size) : 0;
	return 0;
}

/* The sizes of the immediates that follow, by kind and operand sizes. */
static void imm_sizes(const struct decoder *d, unsigned int *size, unsigned int *size2)
{
	const struct x86_insn *insn = d->insn;
	unsigned int z = insn->opsize == 2 ? 2 : 4;

	*size2 = 0;
	switch (d->op.imm) {
	case X86_IMM_B: *size = 1; break;
	case X86_IMM_W: *size = 2; break;
	case X86_IMM_Z: *size = z; break;
	case X86_IMM_V: *size = insn->opsize; break;
	case X86_IMM_WB: *size = 2; *size2 = 1; break;
	case X86_IMM_FAR: *size = z; *size2 = 2; break;
	case X86_IMM_SSE4A:
		*size = *size2 =
			insn->simd_prefix == 0x66 || insn->simd_prefix == 0xf2 ? 1 : 0;
		break;
	default: *size = 0; break;
	}
}

/* Step 5: immediates, or the moffs of A0-A3 as a memory operand. */
static int decode_imm(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	unsigned int size, size2;
	uint64_t v = 0;
	int rc;

	if (d->op.imm == X86_IMM_MOFFS) {
		rc = fetch_le(d, insn->addrsize, &insn->disp);
		insn->has_mem = true;
		insn->scale = 1;
		insn->disp_size = insn->addrsize;
		return rc;
	}
	imm_sizes(d, &size, &size2);
	rc = fetch_le(d, size, &insn->imm);
	if (rc == 0)
		rc = fetch_le(d, size2, &v);
	if (rc)
		return rc;
	insn->imm_size = size;
	insn->imm2_size = size2;
	insn->imm2 = (uint16_t)v;
	return 0;
}

/* Operand size rules of the entry: 64-bit defaults, byte operations. */
static void adjust_opsize(struct decoder *d)
{
	struct x86_insn *insn = d->insn;

	if ((d->op.flags & X86_OPF_D64) && insn->mode == X86_MODE_64 && !insn->w)
		insn->opsize = insn->prefixes & X86_PFX_OPSIZE ? 2 : 8;
	if (d->op.flags & X86_OPF_PLUS_R)
		insn->opcode_reg = (insn->opcode & 7) | d->ext_b;
}

int x86_decode_insn(struct x86_insn *insn, const uint8_t *bytes, size_t nbytes,
		    enum x86_mode mode)
{
	struct decoder d = {
		.bytes = bytes,
		.avail = MIN(nbytes, (size_t)X86_INSN_MAX_LEN),
		.insn = insn,
	};
	int rc;

	memset(insn, 0, sizeof(*insn));
	if (mode > X86_MODE_64)
		return -EINVAL;
	insn->mode = mode;
	insn->seg = X86_SEG_NONE;
	insn->base = insn->index = insn->opcode_reg = X86_REG_NONE;
	rc = decode_prefixes(&d);
	if (rc == 0)
		rc = decode_opcode(&d);
	if (rc == 0)
		rc = decode_modrm(&d);
	if (rc)
		return rc;
	adjust_opsize(&d);
	rc = decode_imm(&d);
	if (rc)
		return rc;
	if (d.op.flags & X86_OPF_BYTE)
		insn->opsize = 1;
	insn->len = (uint8_t)d.pos;
	return 0;
}

enum x86_mode x86_decode_mode(bool cr0_pe, bool rflags_vm, bool efer_lma,
			      bool cs_l, bool cs_d)
{
	if (efer_lma && cs_l)
		return X86_MODE_64;
	if (!cr0_pe || rflags_vm)
		return X86_MODE_REAL;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

uint64_t x86_decode_next_rip(const struct x86_insn *insn, uint64_t rip)
{
	switch (insn->mode) {
	case X86_MODE_64: return rip + insn->len;
	case X86_MODE_32: return (rip + insn->len) & 0xffffffffull;
	default: return (rip + insn->len) & 0xffffull;
	}
}

int x86_decode_ea(const struct x86_insn *insn, const struct x86_regs *regs,
		  uint64_t *ea)
{
	uint64_t a = insn->disp;

	if (!insn->has_mem)
		return -EINVAL;
	if (insn->base < X86_GPR_COUNT)
		a += regs->gpr[insn->base];
	if (insn->index < X86_GPR_COUNT)
		a += regs->gpr[insn->index] * insn->scale;
	if (insn->rip_relative)
		a += x86_decode_next_rip(insn, regs->rip);
	*ea = a & x86_size_mask(insn->addrsize);
	return 0;
}

enum x86_seg x86_decode_ea_seg(const struct x86_insn *insn)
{
	if (insn->seg != X86_SEG_NONE &&
	    (insn->mode != X86_MODE_64 || insn->seg >= X86_SEG_FS))
		return insn->seg;
	if (insn->base == X86_GPR_RSP || insn->base == X86_GPR_RBP)
		return X86_SEG_SS;
	return X86_SEG_DS;
}
