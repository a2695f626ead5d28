/*
 * test_mmio_emul.c - host unit tests of the MMIO instruction emulator
 * (mmio_emul.c) with hand-computed results: 16- and 32-bit code, partial
 * register writes, flags, string instructions across pages and over the
 * per-call bound, MOVS in both directions, and the errors. The same
 * instructions against the host processor: test_mmio_emul_native_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../arch/x86/decode.c"
#include "../arch/x86/decode_tables.c"
#include "../arch/x86/mmio_emul.c"
#include "decode_vectors/test_bytes.h"

/* The mock device: two pages of registers at DEV_GPA, a log of accesses,
 * and an error to return once when armed. */
#define DEV_GPA 0xfeb00000ull
#define DEV_SIZE 0x2000

/* Guest RAM for the other side of MOVS: RAM_SIZE bytes at offset RAM_BASE
 * of every segment. */
#define RAM_BASE 0x10000ull
#define RAM_SIZE 0x1000

struct mock {
	uint8_t dev[DEV_SIZE];
	uint8_t ram[RAM_SIZE];
	unsigned int reads, writes;
	uint64_t last_gpa;
	unsigned int last_size;
	int fail_after;       /* accesses before returning fail_rc, -1: never */
	int fail_rc;
	enum x86_seg last_seg;
};

/* The checks and the log of a device access: the armed error, or -EFAULT
 * outside the device, else the offset of gpa in dev[]. */
static long mock_access(struct mock *m, uint64_t gpa, unsigned int size)
{
	if (m->fail_after >= 0 && m->fail_after-- == 0)
		return m->fail_rc;
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + DEV_SIZE)
		return -EFAULT;
	m->last_gpa = gpa;
	m->last_size = size;
	return (long)(gpa - DEV_GPA);
}

static int mock_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *v)
{
	struct mock *m = opaque;
	long at = mock_access(m, gpa, size);

	if (at < 0)
		return (int)at;
	*v = 0;
	memcpy(v, &m->dev[at], size);
	m->reads++;
	return 0;
}

static int mock_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t v)
{
	struct mock *m = opaque;
	long at = mock_access(m, gpa, size);

	if (at < 0)
		return (int)at;
	memcpy(&m->dev[at], &v, size);
	m->writes++;
	return 0;
}

static int mock_mem_read(void *opaque, enum x86_seg seg, uint64_t off,
			 unsigned int size, uint64_t *v)
{
	struct mock *m = opaque;

	if (off < RAM_BASE || off + size > RAM_BASE + RAM_SIZE)
		return -EFAULT;
	*v = 0;
	memcpy(v, &m->ram[off - RAM_BASE], size);
	m->last_seg = seg;
	return 0;
}

static int mock_mem_write(void *opaque, enum x86_seg seg, uint64_t off,
			  unsigned int size, uint64_t v)
{
	struct mock *m = opaque;

	if (off < RAM_BASE || off + size > RAM_BASE + RAM_SIZE)
		return -EFAULT;
	memcpy(&m->ram[off - RAM_BASE], &v, size);
	m->last_seg = seg;
	return 0;
}

static const struct mmio_emul_ops mock_ops = {
	.read = mock_read,
	.write = mock_write,
	.mem_read = mock_mem_read,
	.mem_write = mock_mem_write,
};

static const struct mmio_emul_ops device_only_ops = {
	.read = mock_read,
	.write = mock_write,
};

static struct mock mock;

static void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	for (size_t i = 0; i < DEV_SIZE; i++)
		mock.dev[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < RAM_SIZE; i++)
		mock.ram[i] = (uint8_t)(i * 3 + 5);
	mock.fail_after = -1;
}

static uint64_t dev_u64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, &mock.dev[gpa - DEV_GPA], 8);
	return v;
}

/* Decodes hex in mode and emulates it with a fault at gpa. */
static int emulate_hex(enum x86_mode mode, const char *hex, struct x86_regs *r,
		       uint64_t gpa, bool write, const struct mmio_emul_ops *ops)
{
	uint8_t bytes[16];
	struct x86_insn insn;
	struct mmio_emul_access access = { .gpa = gpa, .write = write };
	int rc = x86_decode_insn(&insn, bytes, parse_hex(hex, bytes, sizeof(bytes)), mode);

	return rc ? rc : mmio_emul_insn(&insn, r, &access, ops, &mock);
}

static int emul(enum x86_mode mode, const char *hex, struct x86_regs *r,
		uint64_t gpa, bool write)
{
	return emulate_hex(mode, hex, r, gpa, write, &mock_ops);
}

static void test_moves(void)
{
	struct x86_regs r = { .rip = 0x1000 };
	const uint64_t g = DEV_GPA + 0x100;

	unit_begin("mov_store_32bit_and_real_mode");
	mock_reset();
	r.gpr[X86_GPR_RAX] = 0x1122334455667788ull;
	UNIT_CHECK(emul(X86_MODE_32, "89 03", &r, g, true) == 0);  /* mov %eax, (%ebx) */
	UNIT_CHECK(mock.writes == 1 && mock.last_size == 4 && (uint32_t)dev_u64(g) == 0x55667788);
	UNIT_CHECK(r.rip == 0x1002 && r.gpr[X86_GPR_RAX] == 0x1122334455667788ull);
	UNIT_CHECK(emul(X86_MODE_REAL, "88 27", &r, g, true) == 0);  /* mov %ah, (%bx) */
	UNIT_CHECK(mock.last_size == 1 && mock.dev[0x100] == 0x77 && r.rip == 0x1004);
	UNIT_CHECK(emul(X86_MODE_REAL, "66 a3 34 12", &r, g, true) == 0);  /* mov %eax, 0x1234 */
	UNIT_CHECK(mock.last_size == 4 && (uint32_t)dev_u64(g) == 0x55667788 && r.rip == 0x1008);
	UNIT_CHECK(emul(X86_MODE_32, "c7 00 78 56 34 12", &r, g, true) == 0);
	UNIT_CHECK((uint32_t)dev_u64(g) == 0x12345678 && r.rip == 0x100e);
	UNIT_CHECK(emul(X86_MODE_REAL, "c7 07 34 12", &r, g, true) == 0);  /* movw $, (%bx) */
	UNIT_CHECK(mock.last_size == 2 && (uint16_t)dev_u64(g) == 0x1234);
	unit_end();

	unit_begin("mov_load_partial_registers");
	mock_reset();
	memcpy(&mock.dev[0x100], "\x81\x82\x83\x84\x85\x86\x87\x88", 8);
	r.gpr[X86_GPR_RAX] = 0x1111111111111111ull;
	UNIT_CHECK(emul(X86_MODE_32, "8a 27", &r, g, false) == 0);  /* mov (%edi), %ah */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0x1111111111118111ull);
	UNIT_CHECK(emul(X86_MODE_64, "66 8b 07", &r, g, false) == 0);  /* mov (%rdi), %ax */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0x1111111111118281ull);
	UNIT_CHECK(emul(X86_MODE_64, "8b 07", &r, g, false) == 0);  /* 32-bit: zero-extends */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0x84838281ull);
	r.gpr[X86_GPR_RSI] = 0x2222222222222222ull;
	UNIT_CHECK(emul(X86_MODE_64, "40 8a 37", &r, g, false) == 0);  /* mov (%rdi), %sil */
	UNIT_CHECK(r.gpr[X86_GPR_RSI] == 0x2222222222222281ull);
	UNIT_CHECK(emul(X86_MODE_64, "8a 37", &r, g, false) == 0);  /* mov (%rdi), %dh */
	UNIT_CHECK(r.gpr[X86_GPR_RDX] == 0x8100ull);
	UNIT_CHECK(emul(X86_MODE_64, "48 0f be 07", &r, g, false) == 0);  /* movsbq */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0xffffffffffffff81ull);
	UNIT_CHECK(emul(X86_MODE_32, "0f b7 07", &r, g, false) == 0);  /* movzwl */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0x8281ull);
	UNIT_CHECK(emul(X86_MODE_64, "48 63 07", &r, g, false) == 0);  /* movslq */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0xffffffff84838281ull);
	UNIT_CHECK(emul(X86_MODE_REAL, "a0 34 12", &r, g, false) == 0);  /* mov 0x1234, %al */
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == 0xffffffff84838281ull);
	unit_end();
}

struct flags_case {
	const char *hex;        /* 32-bit code, memory operand (%eax) */
	uint64_t mem;           /* device value before */
	uint64_t reg;           /* ECX (ModRM.reg = 1) */
	uint64_t rflags_in;
	uint64_t mem_out;
	uint64_t rflags_out;    /* status flags after */
};

#define CF X86_RFLAGS_CF
#define PF X86_RFLAGS_PF
#define AF X86_RFLAGS_AF
#define ZF X86_RFLAGS_ZF
#define SF X86_RFLAGS_SF
#define OF X86_RFLAGS_OF

static const struct flags_case flags_cases[] = {
	/* addb %cl, (%eax): 0x7f + 1 = 0x80, signed overflow, carry from bit 3 */
	{ "00 08", 0x7f, 1, 0, 0x80, OF | SF | AF },
	/* addb: 0xff + 1 = 0 with carry */
	{ "00 08", 0xff, 1, 0, 0x00, CF | ZF | PF | AF },
	/* subb %cl, (%eax): 0 - 1 */
	{ "28 08", 0x00, 1, 0, 0xff, CF | SF | PF | AF },
	/* subl: 0x80000000 - 1 overflows */
	{ "29 08", 0x80000000, 1, 0, 0x7fffffff, OF | AF | PF },
	/* adcl with CF in: 0xffffffff + 0 + 1 */
	{ "11 08", 0xffffffff, 0, CF, 0, CF | ZF | PF | AF },
	/* sbbw with CF in: 0 - 0 - 1 */
	{ "66 19 08", 0, 0, CF, 0xffff, CF | SF | PF | AF },
	/* cmpb: equal, memory unchanged */
	{ "38 08", 0x42, 0x42, 0, 0x42, ZF | PF },
	/* andl: result 0, CF and OF cleared */
	{ "21 08", 0xf0f0, 0x0f0f, CF | OF, 0xf0f0 & 0x0f0f, ZF | PF },
	/* orb: 0x80 */
	{ "08 08", 0x80, 0x00, CF, 0x80, SF },
	/* xorl */
	{ "31 08", 0x3, 0x1, 0, 0x2, 0 },
	/* incb keeps CF */
	{ "fe 00", 0x7f, 0, CF, 0x80, CF | OF | SF | AF },
	/* decl keeps CF clear */
	{ "ff 08", 0x0, 0, 0, 0xffffffff, SF | PF | AF },
	/* negb 0x80: stays 0x80, overflow and carry */
	{ "f6 18", 0x80, 0, 0, 0x80, CF | OF | SF },
	/* negl 0 */
	{ "f7 18", 0, 0, CF, 0, ZF | PF },
	/* notw: flags unchanged */
	{ "66 f7 10", 0x00ff, 0, CF | ZF, 0xff00, CF | ZF },
	/* testb $0x80, (%eax) */
	{ "f6 00 80", 0x80, 0, 0, 0x80, SF },
	/* addl $-1, (%eax) via 83 (sign-extended imm8) */
	{ "83 00 ff", 1, 0, 0, 0, CF | ZF | PF | AF },
	/* cmpw $0x1234, (%eax) via 81 */
	{ "66 81 38 34 12", 0x1233, 0, 0, 0x1233, CF | SF | PF | AF },
	/* btl %ecx, (%eax), bit 35 % 32 = 3 */
	{ "0f a3 08", 0x8, 35, 0, 0x8, CF },
	/* btsw $15 */
	{ "66 0f ba 28 0f", 0x0, 0, CF, 0x8000, 0 },
	/* btrl $0 */
	{ "0f ba 30 00", 0x3, 0, 0, 0x2, CF },
	/* btcl %ecx with bit 1 */
	{ "0f bb 08", 0x1, 1, CF, 0x3, 0 },
};

static void test_flags(void)
{
	char why[80];

	unit_begin("alu_flags_hand_computed");
	for (size_t k = 0; k < ARRAY_SIZE(flags_cases); k++) {
		const struct flags_case *c = &flags_cases[k];
		struct x86_regs r = { .rip = 0x100, .rflags = 0x202 | c->rflags_in };
		uint64_t gpa = DEV_GPA + 0x40;

		mock_reset();
		memcpy(&mock.dev[0x40], &c->mem, 8);
		r.gpr[X86_GPR_RCX] = c->reg;
		snprintf(why, sizeof(why), "case %zu (%s)", k, c->hex);
		if (emul(X86_MODE_32, c->hex, &r, gpa, true) != 0 ||
		    (r.rflags & X86_RFLAGS_STATUS) != c->rflags_out ||
		    (r.rflags & ~X86_RFLAGS_STATUS) != 0x202 ||
		    dev_u64(gpa) != c->mem_out)
			unit_check_at(false, why, __FILE__, __LINE__);
	}
	unit_end();
}

static void test_string_bounds(void)
{
	struct x86_regs r = { .rip = 0x2000, .rflags = 0x202 };
	unsigned int calls = 0;

	unit_begin("rep_stos_stops_at_page_boundary");
	mock_reset();
	/* rep stosl, 32-bit code: 8 dwords from 0xff0 before the page end */
	r.gpr[X86_GPR_RAX] = 0xdeadbeef;
	r.gpr[X86_GPR_RCX] = 8;
	r.gpr[X86_GPR_RDI] = 0x500ff0;
	UNIT_CHECK(emul(X86_MODE_32, "f3 ab", &r, DEV_GPA + 0xff0, true) == 0);
	UNIT_CHECK(r.rip == 0x2000 && r.gpr[X86_GPR_RCX] == 4 && r.gpr[X86_GPR_RDI] == 0x501000);
	UNIT_CHECK(mock.writes == 4);
	/* the guest executes it again and faults on the next page */
	UNIT_CHECK(emul(X86_MODE_32, "f3 ab", &r, DEV_GPA + 0x1000, true) == 0);
	UNIT_CHECK(r.rip == 0x2002 && r.gpr[X86_GPR_RCX] == 0 && r.gpr[X86_GPR_RDI] == 0x501010);
	UNIT_CHECK(mock.writes == 8 && (uint32_t)dev_u64(DEV_GPA + 0x100c) == 0xdeadbeef);
	unit_end();

	unit_begin("rep_stos_bounded_per_call");
	mock_reset();
	r.rip = 0x2000;
	r.gpr[X86_GPR_RCX] = 1000;
	r.gpr[X86_GPR_RDI] = 0x500000;
	while (r.rip == 0x2000 && calls++ < 10)
		UNIT_CHECK(emul(X86_MODE_64, "f3 aa", &r, DEV_GPA + (r.gpr[X86_GPR_RDI] & 0xfff),
				true) == 0);
	UNIT_CHECK(calls == (1000 + MMIO_EMUL_REP_MAX - 1) / MMIO_EMUL_REP_MAX);
	UNIT_CHECK(r.rip == 0x2002 && r.gpr[X86_GPR_RDI] == 0x500000 + 1000);
	UNIT_CHECK(mock.writes == 1000 && mock.dev[999] == 0xef && mock.dev[1000] != 0xef);
	unit_end();

	unit_begin("rep_stos_down_16bit_address");
	mock_reset();
	r.rip = 0x2000;
	r.rflags = 0x202 | X86_RFLAGS_DF;
	r.gpr[X86_GPR_RCX] = 0xabcd0003;   /* CX = 3, the rest is kept */
	r.gpr[X86_GPR_RDI] = 0x12340010;   /* DI = 0x10 */
	UNIT_CHECK(emul(X86_MODE_32, "67 f3 66 ab", &r, DEV_GPA + 0x10, true) == 0);
	UNIT_CHECK(r.gpr[X86_GPR_RCX] == 0xabcd0000 && r.gpr[X86_GPR_RDI] == 0x1234000a);
	UNIT_CHECK(r.rip == 0x2004 && mock.writes == 3 && mock.last_gpa == DEV_GPA + 0xc);
	/* rep with a zero count does nothing but finish */
	UNIT_CHECK(emul(X86_MODE_32, "67 f3 66 ab", &r, DEV_GPA + 0x10, true) == 0);
	UNIT_CHECK(r.rip == 0x2008 && mock.writes == 3);
	unit_end();
}

static void test_movs_lods(void)
{
	struct x86_regs r = { .rip = 0x3000, .rflags = 0x202 };

	unit_begin("movs_device_to_ram");
	mock_reset();
	r.gpr[X86_GPR_RSI] = 0x800040;  /* the device side, faulted on read */
	r.gpr[X86_GPR_RDI] = RAM_BASE + 0x80;
	r.gpr[X86_GPR_RCX] = 5;
	UNIT_CHECK(emul(X86_MODE_64, "f3 48 a5", &r, DEV_GPA + 0x40, false) == 0);
	UNIT_CHECK(memcmp(&mock.ram[0x80], &mock.dev[0x40], 40) == 0);
	UNIT_CHECK(mock.last_seg == X86_SEG_ES && mock.reads == 5 && mock.writes == 0);
	UNIT_CHECK(r.gpr[X86_GPR_RSI] == 0x800040 + 40);
	UNIT_CHECK(r.gpr[X86_GPR_RDI] == RAM_BASE + 0x80 + 40);
	UNIT_CHECK(r.gpr[X86_GPR_RCX] == 0 && r.rip == 0x3003);
	unit_end();

	unit_begin("movs_ram_to_device");
	mock_reset();
	r.gpr[X86_GPR_RSI] = RAM_BASE + 0x10;
	r.gpr[X86_GPR_RDI] = 0x900100;  /* the device side, faulted on write */
	UNIT_CHECK(emul(X86_MODE_64, "64 a4", &r, DEV_GPA + 0x100, true) == 0);  /* fs movsb */
	UNIT_CHECK(mock.dev[0x100] == mock.ram[0x10] && mock.last_seg == X86_SEG_FS);
	UNIT_CHECK(r.gpr[X86_GPR_RSI] == RAM_BASE + 0x11 && r.gpr[X86_GPR_RDI] == 0x900101);
	UNIT_CHECK(r.rip == 0x3005);
	UNIT_CHECK(emulate_hex(X86_MODE_64, "a4", &r, DEV_GPA, true, &device_only_ops) ==
		   -ENOTSUP);
	unit_end();

	unit_begin("lods_from_device");
	mock_reset();
	r.gpr[X86_GPR_RAX] = 0xffffffffffffffffull;
	UNIT_CHECK(emul(X86_MODE_64, "66 ad", &r, DEV_GPA + 0x20, false) == 0);
	UNIT_CHECK(r.gpr[X86_GPR_RAX] == (0xffffffffffff0000ull | mock.dev[0x20] |
					  (uint64_t)mock.dev[0x21] << 8));
	unit_end();
}

static void test_errors(void)
{
	struct x86_regs r = { .rip = 0x4000, .rflags = 0x202 }, before;
	const uint64_t g = DEV_GPA + 0x200;

	unit_begin("errors_unsupported");
	mock_reset();
	UNIT_CHECK(emul(X86_MODE_64, "d1 20", &r, g, true) == -ENOTSUP);           /* shl */
	UNIT_CHECK(emul(X86_MODE_64, "66 0f 6f 00", &r, g, false) == -ENOTSUP);    /* movdqa */
	UNIT_CHECK(emul(X86_MODE_64, "c5 fa 6f 00", &r, g, false) == -ENOTSUP);    /* vmovdqu */
	UNIT_CHECK(emul(X86_MODE_64, "0f b1 08", &r, g, true) == -ENOTSUP);        /* cmpxchg */
	UNIT_CHECK(emul(X86_MODE_64, "f7 20", &r, g, false) == -ENOTSUP);          /* mul */
	UNIT_CHECK(emul(X86_MODE_64, "ff 30", &r, g, false) == -ENOTSUP);          /* push */
	UNIT_CHECK(emul(X86_MODE_64, "a6", &r, g, false) == -ENOTSUP);             /* cmpsb */
	UNIT_CHECK(emul(X86_MODE_32, "63 00", &r, g, true) == -ENOTSUP);           /* arpl */
	UNIT_CHECK(emul(X86_MODE_64, "0f ba 20 01", &r, g, false) == 0);           /* bt $1 */
	UNIT_CHECK(emul(X86_MODE_64, "0f 38 f0 00", &r, g, false) == -ENOTSUP);    /* movbe */
	UNIT_CHECK(mock.reads == 1 && mock.writes == 0);
	unit_end();

	unit_begin("errors_impossible_access");
	before = r;
	UNIT_CHECK(emul(X86_MODE_64, "89 c0", &r, g, true) == -EINVAL);     /* no memory */
	UNIT_CHECK(emul(X86_MODE_64, "aa", &r, g, false) == -EINVAL);       /* stos reads? */
	UNIT_CHECK(emul(X86_MODE_64, "ac", &r, g, true) == -EINVAL);        /* lods writes? */
	/* a 4-byte access that crosses into the next page */
	UNIT_CHECK(emul(X86_MODE_64, "8b 00", &r, DEV_GPA + 0xffe, false) == -ENOTSUP);
	UNIT_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	unit_end();

	unit_begin("errors_from_device");
	mock_reset();
	mock.fail_after = 0;
	mock.fail_rc = -EIO;
	r.gpr[X86_GPR_RCX] = 0x55;
	before = r;
	UNIT_CHECK(emul(X86_MODE_64, "89 08", &r, g, true) == -EIO);
	UNIT_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	mock.fail_after = 0;
	UNIT_CHECK(emul(X86_MODE_64, "8b 08", &r, g, false) == -EIO);
	UNIT_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	/* the read of an OR succeeds, its write fails: nothing changes */
	mock.fail_after = 1;
	UNIT_CHECK(emul(X86_MODE_64, "09 08", &r, g, true) == -EIO);
	UNIT_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	/* rep stosb failing at its third element keeps two done */
	mock.fail_after = 2;
	r.gpr[X86_GPR_RCX] = 10;
	r.gpr[X86_GPR_RDI] = 0x700000;
	UNIT_CHECK(emul(X86_MODE_64, "f3 aa", &r, DEV_GPA, true) == -EIO);
	UNIT_CHECK(r.gpr[X86_GPR_RCX] == 8 && r.gpr[X86_GPR_RDI] == 0x700002);
	UNIT_CHECK(r.rip == before.rip);
	unit_end();
}

int main(void)
{
	test_moves();
	test_flags();
	test_string_bounds();
	test_movs_lods();
	test_errors();
	return unit_exit_code();
}
