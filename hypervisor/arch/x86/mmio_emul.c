/*
 * mmio_emul.c - emulates one decoded guest instruction whose memory
 * operand is a device: the access that faulted is replayed through the
 * device callbacks, and the instruction's effect on registers and flags
 * is computed here.
 *
 * Covered (legacy encoding, any operand size, 16/32/64-bit code; the
 * memory operand is the device, the fault's GPA its address):
 *
 *   MOV        88 89 8A 8B, A0-A3 (moffs), C6 /0, C7 /0
 *   MOVZX/SX   0F B6 0F B7 0F BE 0F BF, 63 (MOVSXD, 64-bit mode)
 *   MOVNTI     0F C3
 *   ALU        ADD OR ADC SBB AND SUB XOR CMP: 00-3B (r/m forms),
 *              80-83 (immediate); TEST 84 85, F6/F7 /0 /1;
 *              NOT NEG F6/F7 /2 /3; INC DEC FE/FF /0 /1
 *   XCHG       86 87
 *   BT*        BT BTS BTR BTC: 0F A3 AB B3 BB (register bit offset),
 *              0F BA /4-/7 (immediate)
 *   strings    MOVS A4 A5, STOS AA AB, LODS AC AD, with REP (F3, or F2,
 *              which these instructions treat alike)
 *
 * Anything else (VEX/EVEX/XOP, SSE/AVX moves, shifts, MUL/DIV, CMPXCHG,
 * XADD, CMPS/SCAS, PUSH/POP with a memory operand, ...) gives -ENOTSUP.
 *
 * Registers: gpr[] by encoding number; byte registers 4-7 are AH CH DH BH
 * without a REX prefix and SPL BPL SIL DIL with one; 8- and 16-bit writes
 * keep the rest of the register, 32-bit writes zero bits 63:32 (APM vol.
 * 1, "General-Purpose Registers"). Flags: CF PF AF ZF SF OF as the APM's
 * instruction pages define them (vol. 3, chapter 3); where they say
 * "undefined", the logical instructions clear AF and BT* leave everything
 * but CF unchanged.
 *
 * Atomicity: a read-modify-write (ALU, XCHG, BTS ...) is a read callback
 * then a write callback; LOCK is honoured only in that no other access of
 * this vCPU comes between them: the device model serializes its callbacks.
 *
 * Bit-string instructions with a register bit offset address memory at
 * EA + offset / 8 (rounded down to the operand size): the fault's GPA is
 * that address already, so the bit is the offset modulo the operand size.
 *
 * String instructions: the device side is at access->gpa for the first
 * element, then steps by the element size (down if DF=1); each call does
 * at most MMIO_EMUL_REP_MAX elements and stops before the device side
 * would leave the 4 KiB page of access->gpa, since the next page may map
 * elsewhere. rCX, rSI and rDI then say where the guest is, RIP stays, and
 * the guest executes the instruction again (as after an interrupt in the
 * middle of a REP: APM vol. 3, "Repeat Prefixes"), faulting for the rest.
 * STOS writes and LODS reads the device. MOVS reads the device if the access was a
 * read, else writes it; the other side goes through mem_read/mem_write at
 * rSI in DS (or the override) or rDI in ES.
 */
#include "hv/errno.h"
#include "hv/lib.h"
#include "x86/mmio_emul.h"

#define PAGE_MASK_4K 0xfffull

/* The state of one emulation: the input, and a copy of the registers that
 * is written back when the instruction is done. */
struct emul {
	const struct x86_insn *insn;
	const struct mmio_emul_ops *ops;
	void *opaque;
	uint64_t gpa;
	bool write;
	struct x86_regs r;
	bool advance_rip;     /* false: a string instruction is not finished */
};

enum alu_op {   /* the order of the 00-3F opcodes and of group 1 */
	ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
	ALU_TEST, ALU_NOT, ALU_NEG, ALU_INC, ALU_DEC,
};

enum bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

/* ModRM.reg as an opcode extension (groups), without REX.R. */
static unsigned int group_ext(const struct x86_insn *insn)
{
	return (insn->modrm >> 3) & 7;
}

static bool high_byte_reg(const struct emul *e, unsigned int reg, unsigned int size)
{
	return size == 1 && reg >= 4 && reg < 8 && !e->insn->rex;
}

static uint64_t get_reg(const struct emul *e, unsigned int reg, unsigned int size)
{
	if (high_byte_reg(e, reg, size))
		return (e->r.gpr[reg - 4] >> 8) & 0xff;
	return e->r.gpr[reg] & x86_size_mask(size);
}

static void set_reg(struct emul *e, unsigned int reg, unsigned int size, uint64_t v)
{
	uint64_t *g;

	if (high_byte_reg(e, reg, size)) {
		g = &e->r.gpr[reg - 4];
		*g = (*g & ~0xff00ull) | ((v & 0xff) << 8);
		return;
	}
	g = &e->r.gpr[reg];
	if (size == 4)
		*g = v & 0xffffffffull;
	else
		*g = (*g & ~x86_size_mask(size)) | (v & x86_size_mask(size));
}

/* Is [gpa, gpa + size) inside the 4 KiB page of the faulting address? */
static bool in_fault_page(const struct emul *e, uint64_t gpa, unsigned int size)
{
	return (gpa & ~PAGE_MASK_4K) == (e->gpa & ~PAGE_MASK_4K) &&
	       (gpa & PAGE_MASK_4K) + size <= PAGE_MASK_4K + 1;
}

static bool is_string(const struct x86_insn *insn)
{
	uint8_t op = insn->opcode;

	return insn->map == X86_MAP_PRIMARY &&
	       (op == 0xa4 || op == 0xa5 || (op >= 0xaa && op <= 0xad));
}

/* Could the instruction have accessed memory at [gpa, gpa + size)? Not a
 * register form of an instruction that takes ModRM memory (MOV %eax,%ecx
 * makes no access), and not across the fault's page. */
static int check_access(const struct emul *e, uint64_t gpa, unsigned int size)
{
	if (!e->insn->has_mem && !is_string(e->insn))
		return -EINVAL;
	return in_fault_page(e, gpa, size) ? 0 : -ENOTSUP;
}

static int dev_read(struct emul *e, uint64_t gpa, unsigned int size, uint64_t *v)
{
	int rc;

	*v = 0;
	rc = check_access(e, gpa, size);
	if (rc)
		return rc;
	rc = e->ops->read(e->opaque, gpa, size, v);
	*v &= x86_size_mask(size);
	return rc;
}

static int dev_write(struct emul *e, uint64_t gpa, unsigned int size, uint64_t v)
{
	int rc = check_access(e, gpa, size);

	if (rc)
		return rc;
	return e->ops->write(e->opaque, gpa, size, v & x86_size_mask(size));
}

/* True if the low byte of v has an even number of set bits (PF). */
static bool parity_even(uint64_t v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

/* Sets the six status flags: CF, OF and AF as given, ZF SF PF from r. */
static void set_status(uint64_t *rflags, unsigned int size, uint64_t r,
		       bool cf, bool of, bool af)
{
	uint64_t f = *rflags & ~X86_RFLAGS_STATUS;

	f |= cf ? X86_RFLAGS_CF : 0;
	f |= of ? X86_RFLAGS_OF : 0;
	f |= af ? X86_RFLAGS_AF : 0;
	f |= r == 0 ? X86_RFLAGS_ZF : 0;
	f |= (r >> (8 * size - 1)) & 1 ? X86_RFLAGS_SF : 0;
	f |= parity_even(r) ? X86_RFLAGS_PF : 0;
	*rflags = f;
}

/* a + b + carry: the carry out of the top bit is its top bit of
 * (a AND b) OR ((a OR b) AND NOT r); overflow when the sign of r differs
 * from the signs of both a and b. */
static uint64_t add_flags(unsigned int size, uint64_t a, uint64_t b, unsigned int carry,
			  uint64_t *rflags)
{
	unsigned int top = 8 * size - 1;
	uint64_t r = (a + b + carry) & x86_size_mask(size);

	set_status(rflags, size, r, (((a & b) | ((a | b) & ~r)) >> top) & 1,
		   (((a ^ r) & (b ^ r)) >> top) & 1, ((a ^ b ^ r) >> 4) & 1);
	return r;
}

/* a - b - borrow: the borrow out of the top bit is its top bit of
 * (NOT a AND b) OR ((NOT a OR b) AND r); overflow when a and b differ in
 * sign and r's sign differs from a's. */
static uint64_t sub_flags(unsigned int size, uint64_t a, uint64_t b, unsigned int borrow,
			  uint64_t *rflags)
{
	unsigned int top = 8 * size - 1;
	uint64_t r = (a - b - borrow) & x86_size_mask(size);

	set_status(rflags, size, r, (((~a & b) | ((~a | b) & r)) >> top) & 1,
		   (((a ^ b) & (a ^ r)) >> top) & 1, ((a ^ b ^ r) >> 4) & 1);
	return r;
}

/* AND, OR, XOR, TEST: CF = OF = 0; AF, undefined, cleared. */
static uint64_t logic_flags(unsigned int size, uint64_t r, uint64_t *rflags)
{
	r &= x86_size_mask(size);
	set_status(rflags, size, r, false, false, false);
	return r;
}

/* INC and DEC leave CF alone. */
static uint64_t inc_dec_flags(unsigned int size, uint64_t a, bool dec, uint64_t *rflags)
{
	uint64_t cf = *rflags & X86_RFLAGS_CF;
	uint64_t r = dec ? sub_flags(size, a, 1, 0, rflags) : add_flags(size, a, 1, 0, rflags);

	*rflags = (*rflags & ~X86_RFLAGS_CF) | cf;
	return r;
}

/*
 * Computes a op b on size-byte operands (b unused by NOT, NEG, INC, DEC),
 * updating the status flags in *rflags as the instruction does. Returns
 * the result the instruction would write.
 */
static uint64_t alu(enum alu_op op, unsigned int size, uint64_t a, uint64_t b,
		    uint64_t *rflags)
{
	unsigned int cf = *rflags & X86_RFLAGS_CF ? 1 : 0;

	switch (op) {
	case ALU_ADD: return add_flags(size, a, b, 0, rflags);
	case ALU_ADC: return add_flags(size, a, b, cf, rflags);
	case ALU_SUB:
	case ALU_CMP: return sub_flags(size, a, b, 0, rflags);
	case ALU_SBB: return sub_flags(size, a, b, cf, rflags);
	case ALU_NEG: return sub_flags(size, 0, a, 0, rflags);
	case ALU_INC: return inc_dec_flags(size, a, false, rflags);
	case ALU_DEC: return inc_dec_flags(size, a, true, rflags);
	case ALU_NOT: return ~a & x86_size_mask(size);
	case ALU_OR: return logic_flags(size, a | b, rflags);
	case ALU_XOR: return logic_flags(size, a ^ b, rflags);
	default: return logic_flags(size, a & b, rflags);  /* AND, TEST */
	}
}

static bool alu_writes(enum alu_op op)
{
	return op != ALU_CMP && op != ALU_TEST;
}

/* [mem] = [mem] op src. */
static int alu_to_mem(struct emul *e, enum alu_op op, uint64_t src)
{
	unsigned int size = e->insn->opsize;
	uint64_t v;
	int rc = dev_read(e, e->gpa, size, &v);

	if (rc)
		return rc;
	v = alu(op, size, v, src & x86_size_mask(size), &e->r.rflags);
	return alu_writes(op) ? dev_write(e, e->gpa, size, v) : 0;
}

/* reg = reg op [mem] (02, 03, 0A ... 3B). */
static int alu_to_reg(struct emul *e, enum alu_op op)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;
	int rc = dev_read(e, e->gpa, insn->opsize, &v);

	if (rc)
		return rc;
	v = alu(op, insn->opsize, get_reg(e, insn->reg, insn->opsize), v, &e->r.rflags);
	if (alu_writes(op))
		set_reg(e, insn->reg, insn->opsize, v);
	return 0;
}

/* 00-3F with a ModRM: bit 1 of the opcode says the register is the
 * destination, bits 5:3 name the operation. */
static int emul_alu_modrm(struct emul *e)
{
	const struct x86_insn *insn = e->insn;
	enum alu_op op = (enum alu_op)(insn->opcode >> 3);

	if (insn->opcode & 2)
		return alu_to_reg(e, op);
	return alu_to_mem(e, op, get_reg(e, insn->reg, insn->opsize));
}

/* 80-83: group 1 with an immediate, sign-extended except for 80/82. */
static int emul_alu_imm(struct emul *e)
{
	const struct x86_insn *insn = e->insn;

	return alu_to_mem(e, (enum alu_op)group_ext(insn),
			  x86_sign_extend(insn->imm, insn->imm_size));
}

/* F6/F7: TEST with an immediate, NOT, NEG. */
static int emul_group3(struct emul *e)
{
	const struct x86_insn *insn = e->insn;

	switch (group_ext(insn)) {
	case 0:
	case 1: return alu_to_mem(e, ALU_TEST, x86_sign_extend(insn->imm, insn->imm_size));
	case 2: return alu_to_mem(e, ALU_NOT, 0);
	case 3: return alu_to_mem(e, ALU_NEG, 0);
	default: return -ENOTSUP;
	}
}

/* FE/FF /0 /1: INC, DEC. */
static int emul_inc_dec(struct emul *e)
{
	switch (group_ext(e->insn)) {
	case 0: return alu_to_mem(e, ALU_INC, 0);
	case 1: return alu_to_mem(e, ALU_DEC, 0);
	default: return -ENOTSUP;
	}
}

/* A register's value to memory (88, 89, 0F C3), or C6/C7 /0's immediate. */
static int emul_store(struct emul *e)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;

	if (insn->opcode == 0xc6 || insn->opcode == 0xc7) {
		if (group_ext(insn) != 0)
			return -ENOTSUP;
		v = x86_sign_extend(insn->imm, insn->imm_size);
	} else {
		v = get_reg(e, insn->reg, insn->opsize);
	}
	return dev_write(e, e->gpa, insn->opsize, v);
}

/* Memory to a register, extended from src_size to the operand size:
 * MOV (src_size = operand size), MOVZX, MOVSX, MOVSXD. */
static int emul_load(struct emul *e, unsigned int src_size, bool sign)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;
	int rc = dev_read(e, e->gpa, src_size, &v);

	if (rc)
		return rc;
	set_reg(e, insn->reg, insn->opsize, sign ? x86_sign_extend(v, src_size) : v);
	return 0;
}

/* A0-A3: MOV between the accumulator and a moffs. */
static int emul_moffs(struct emul *e)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;
	int rc;

	if (insn->opcode >= 0xa2)
		return dev_write(e, e->gpa, insn->opsize,
				 get_reg(e, X86_GPR_RAX, insn->opsize));
	rc = dev_read(e, e->gpa, insn->opsize, &v);
	if (rc == 0)
		set_reg(e, X86_GPR_RAX, insn->opsize, v);
	return rc;
}

/* 86, 87: XCHG of a register and memory. */
static int emul_xchg(struct emul *e)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;
	int rc = dev_read(e, e->gpa, insn->opsize, &v);

	if (rc == 0)
		rc = dev_write(e, e->gpa, insn->opsize, get_reg(e, insn->reg, insn->opsize));
	if (rc == 0)
		set_reg(e, insn->reg, insn->opsize, v);
	return rc;
}

/* BT, BTS, BTR, BTC of bit (offset modulo the operand size): CF = the bit. */
static int emul_bt(struct emul *e, enum bt_op op, uint64_t bit)
{
	unsigned int size = e->insn->opsize;
	uint64_t mask = 1ull << (bit & (8 * size - 1)), v;
	int rc = dev_read(e, e->gpa, size, &v);

	if (rc)
		return rc;
	e->r.rflags &= ~X86_RFLAGS_CF;
	e->r.rflags |= v & mask ? X86_RFLAGS_CF : 0;
	switch (op) {
	case BT_SET: v |= mask; break;
	case BT_RESET: v &= ~mask; break;
	case BT_COMPLEMENT: v ^= mask; break;
	default: return 0;
	}
	return dev_write(e, e->gpa, size, v);
}

/* One element of a string instruction, its device side at gpa. */
static int string_element(struct emul *e, uint64_t gpa, enum x86_seg src_seg)
{
	const struct x86_insn *insn = e->insn;
	unsigned int size = insn->opsize;
	uint64_t mask = x86_size_mask(insn->addrsize), v = 0;
	uint64_t rsi = e->r.gpr[X86_GPR_RSI] & mask, rdi = e->r.gpr[X86_GPR_RDI] & mask;
	int rc;

	switch (insn->opcode) {
	case 0xaa: case 0xab:   /* STOS */
		return dev_write(e, gpa, size, get_reg(e, X86_GPR_RAX, size));
	case 0xac: case 0xad:   /* LODS */
		rc = dev_read(e, gpa, size, &v);
		if (rc == 0)
			set_reg(e, X86_GPR_RAX, size, v);
		return rc;
	default:                /* MOVS */
		if (e->write) {
			rc = e->ops->mem_read(e->opaque, src_seg, rsi, size, &v);
			return rc ? rc : dev_write(e, gpa, size, v);
		}
		rc = dev_read(e, gpa, size, &v);
		return rc ? rc : e->ops->mem_write(e->opaque, X86_SEG_ES, rdi, size, v);
	}
}

/* Moves rSI and/or rDI past one element, as the instruction does. */
static void string_step(struct emul *e, uint64_t step)
{
	const struct x86_insn *insn = e->insn;
	unsigned int as = insn->addrsize;
	bool movs = insn->opcode == 0xa4 || insn->opcode == 0xa5;
	bool lods = insn->opcode == 0xac || insn->opcode == 0xad;

	if (movs || lods)
		set_reg(e, X86_GPR_RSI, as, e->r.gpr[X86_GPR_RSI] + step);
	if (!lods)
		set_reg(e, X86_GPR_RDI, as, e->r.gpr[X86_GPR_RDI] + step);
}

/* Is the access direction the one this string instruction makes to the
 * device, and can its other side be reached? */
static int string_check(const struct emul *e)
{
	switch (e->insn->opcode) {
	case 0xaa: case 0xab: return e->write ? 0 : -EINVAL;
	case 0xac: case 0xad: return e->write ? -EINVAL : 0;
	default:
		return e->ops->mem_read && e->ops->mem_write ? 0 : -ENOTSUP;
	}
}

/* MOVS, STOS, LODS, with or without REP: see the top of the file. */
static int emul_string(struct emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned int size = insn->opsize, as = insn->addrsize;
	bool rep = insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	bool down = e->r.rflags & X86_RFLAGS_DF;
	uint64_t step = down ? -(uint64_t)size : size;
	enum x86_seg src_seg = x86_decode_ea_seg(insn);
	uint64_t gpa = e->gpa;
	int rc = string_check(e);

	for (unsigned int k = 0; rc == 0; k++, gpa += step) {
		if (rep && (e->r.gpr[X86_GPR_RCX] & x86_size_mask(as)) == 0)
			return 0;
		if (k == MMIO_EMUL_REP_MAX || (k > 0 && !in_fault_page(e, gpa, size)))
			break;
		rc = string_element(e, gpa, src_seg);
		if (rc)
			break;
		string_step(e, step);
		if (!rep)
			return 0;
		set_reg(e, X86_GPR_RCX, as, e->r.gpr[X86_GPR_RCX] - 1);
	}
	e->advance_rip = false;
	return rc;
}

/* The one-byte map. */
static int emul_primary(struct emul *e)
{
	uint8_t op = e->insn->opcode;

	if (op < 0x40 && (op & 7) < 4)
		return emul_alu_modrm(e);
	switch (op) {
	case 0x63:
		if (e->insn->mode != X86_MODE_64)
			return -ENOTSUP;  /* ARPL */
		return emul_load(e, MIN(e->insn->opsize, 4u), true);
	case 0x80: case 0x81: case 0x82: case 0x83: return emul_alu_imm(e);
	case 0x84: case 0x85:
		return alu_to_mem(e, ALU_TEST, get_reg(e, e->insn->reg, e->insn->opsize));
	case 0x86: case 0x87: return emul_xchg(e);
	case 0x88: case 0x89: case 0xc6: case 0xc7: return emul_store(e);
	case 0x8a: case 0x8b: return emul_load(e, e->insn->opsize, false);
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: return emul_moffs(e);
	case 0xf6: case 0xf7: return emul_group3(e);
	case 0xfe: case 0xff: return emul_inc_dec(e);
	default: return -ENOTSUP;
	}
}

/* The two-byte map. */
static int emul_0f(struct emul *e)
{
	const struct x86_insn *insn = e->insn;

	switch (insn->opcode) {
	case 0xa3: return emul_bt(e, BT_TEST, get_reg(e, insn->reg, insn->opsize));
	case 0xab: return emul_bt(e, BT_SET, get_reg(e, insn->reg, insn->opsize));
	case 0xb3: return emul_bt(e, BT_RESET, get_reg(e, insn->reg, insn->opsize));
	case 0xbb: return emul_bt(e, BT_COMPLEMENT, get_reg(e, insn->reg, insn->opsize));
	case 0xba:
		if (group_ext(insn) < 4)
			return -ENOTSUP;
		return emul_bt(e, (enum bt_op)(group_ext(insn) - 4), insn->imm);
	case 0xb6: return emul_load(e, 1, false);
	case 0xb7: return emul_load(e, 2, false);
	case 0xbe: return emul_load(e, 1, true);
	case 0xbf: return emul_load(e, 2, true);
	case 0xc3: return emul_store(e);
	default: return -ENOTSUP;
	}
}

/* Dispatches by map and opcode. */
static int emulate(struct emul *e)
{
	const struct x86_insn *insn = e->insn;

	if (insn->encoding != X86_ENC_LEGACY)
		return -ENOTSUP;
	if (is_string(insn))
		return emul_string(e);
	switch (insn->map) {
	case X86_MAP_PRIMARY: return emul_primary(e);
	case X86_MAP_0F: return emul_0f(e);
	default: return -ENOTSUP;
	}
}

int mmio_emul_insn(const struct x86_insn *insn, struct x86_regs *regs,
		   const struct mmio_emul_access *access,
		   const struct mmio_emul_ops *ops, void *opaque)
{
	struct emul e = {
		.insn = insn,
		.ops = ops,
		.opaque = opaque,
		.gpa = access->gpa,
		.write = access->write,
		.r = *regs,
		.advance_rip = true,
	};
	int rc = emulate(&e);

	if (rc == 0 && e.advance_rip)
		e.r.rip = x86_decode_next_rip(insn, e.r.rip);
	if (rc == 0 || !e.advance_rip)
		*regs = e.r;
	return rc;
}
