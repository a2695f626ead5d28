/*
 * test_decode.c - host unit tests of the instruction decoder (decode.c):
 * decoded fields of hand-checked encodings, errors (undefined opcodes,
 * over-long and truncated instructions), the address helpers, and random
 * bytes (no crash, no read past the given length, consistent results).
 * Lengths against GNU binutils: test_decode_vectors.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../arch/x86/decode.c"
#include "../arch/x86/decode_tables.c"
#include "decode_vectors/test_bytes.h"

static int dec(struct x86_insn *insn, enum x86_mode mode, const char *hex)
{
	uint8_t bytes[32];

	return decode_exact(insn, bytes, parse_hex(hex, bytes, sizeof(bytes)), mode);
}

/* The length of hex in mode, or the negative error. */
static int len_of(enum x86_mode mode, const char *hex)
{
	struct x86_insn insn;
	int rc = dec(&insn, mode, hex);

	return rc ? rc : insn.len;
}

static void test_sib_and_displacement(void)
{
	struct x86_insn i;

	unit_begin("fields_sib_disp8");
	/* mov %edx, 0x7f(%rax,%rbx,4) */
	UNIT_CHECK(dec(&i, X86_MODE_64, "89 54 98 7f") == 0);
	UNIT_CHECK(i.len == 4 && i.map == X86_MAP_PRIMARY && i.opcode == 0x89);
	UNIT_CHECK(i.has_modrm && i.mod == 1 && i.reg == X86_GPR_RDX);
	UNIT_CHECK(i.has_mem && i.has_sib && !i.rip_relative);
	UNIT_CHECK(i.base == X86_GPR_RAX && i.index == X86_GPR_RBX && i.scale == 4);
	UNIT_CHECK(i.disp == 0x7f && i.disp_size == 1);
	UNIT_CHECK(i.opsize == 4 && i.addrsize == 8 && i.rex == 0);
	unit_end();

	unit_begin("fields_sib_no_base_rex_x");
	/* mov 0x12345678(,%r12,1), %eax: index 100 with REX.X is R12 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "42 8b 04 25 78 56 34 12") == 0);
	UNIT_CHECK(i.len == 8 && i.rex == 0x42);
	UNIT_CHECK(i.base == X86_REG_NONE && i.index == X86_GPR_R12 && i.scale == 1);
	UNIT_CHECK(i.disp == 0x12345678 && i.disp_size == 4);
	/* mov (%rsp), %eax: index 100 without REX.X is none */
	UNIT_CHECK(dec(&i, X86_MODE_64, "8b 04 24") == 0);
	UNIT_CHECK(i.base == X86_GPR_RSP && i.index == X86_REG_NONE && i.len == 3);
	/* mov 0(%r13), %eax: base 101 needs a displacement even with REX.B */
	UNIT_CHECK(dec(&i, X86_MODE_64, "41 8b 45 00") == 0);
	UNIT_CHECK(i.base == X86_GPR_R13 && i.disp_size == 1 && i.len == 4);
	UNIT_CHECK(dec(&i, X86_MODE_64, "41 8b 04 2c") == 0);  /* (%r12,%rbp) */
	UNIT_CHECK(i.base == X86_GPR_R12 && i.index == X86_GPR_RBP && i.len == 4);
	unit_end();

	unit_begin("fields_rip_relative");
	/* mov -0x10(%rip), %eax */
	UNIT_CHECK(dec(&i, X86_MODE_64, "8b 05 f0 ff ff ff") == 0);
	UNIT_CHECK(i.len == 6 && i.rip_relative && i.base == X86_REG_NONE);
	UNIT_CHECK(i.disp == (uint64_t)-16 && i.disp_size == 4);
	/* the same bytes in 32-bit mode: absolute disp32 */
	UNIT_CHECK(dec(&i, X86_MODE_32, "8b 05 f0 ff ff ff") == 0);
	UNIT_CHECK(i.len == 6 && !i.rip_relative && i.base == X86_REG_NONE);
	unit_end();

	unit_begin("fields_16bit_addressing");
	/* mov 0x10(%bx,%si), %ax */
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "8b 40 10") == 0);
	UNIT_CHECK(i.len == 3 && i.opsize == 2 && i.addrsize == 2);
	UNIT_CHECK(i.base == X86_GPR_RBX && i.index == X86_GPR_RSI && i.disp == 0x10);
	/* mov 0x1234, %ax: rm 110 with mod 00 is disp16 alone */
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "8b 06 34 12") == 0);
	UNIT_CHECK(i.len == 4 && i.base == X86_REG_NONE && i.disp == 0x1234);
	/* mov -0x1000(%bp,%di), %eax */
	UNIT_CHECK(dec(&i, X86_MODE_16, "66 8b 83 00 f0") == 0);
	UNIT_CHECK(i.len == 5 && i.opsize == 4 && i.base == X86_GPR_RBP);
	UNIT_CHECK(i.index == X86_GPR_RDI && i.disp == (uint64_t)-0x1000);
	/* 67: 32-bit addressing in 16-bit code, and 16-bit in 32-bit code */
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "67 8b 04 98") == 0);
	UNIT_CHECK(i.len == 4 && i.addrsize == 4 && i.has_sib && i.scale == 4);
	UNIT_CHECK(dec(&i, X86_MODE_32, "67 8b 04") == 0);
	UNIT_CHECK(i.len == 3 && i.addrsize == 2 && i.base == X86_GPR_RSI);
	unit_end();
}

static void test_prefixes(void)
{
	struct x86_insn i;

	unit_begin("fields_rex_placement");
	/* REX, then 66: the REX does not count */
	UNIT_CHECK(dec(&i, X86_MODE_64, "48 66 89 c0") == 0);
	UNIT_CHECK(i.len == 4 && i.rex == 0 && i.opsize == 2 && !i.w);
	/* 66, then REX.W: REX.W wins over 66 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "66 48 89 c0") == 0);
	UNIT_CHECK(i.len == 4 && i.rex == 0x48 && i.opsize == 8 && i.w);
	/* the last of two REX counts */
	UNIT_CHECK(dec(&i, X86_MODE_64, "41 44 89 c0") == 0);
	UNIT_CHECK(i.rex == 0x44 && i.reg == X86_GPR_R8 && i.rm == X86_GPR_RAX);
	/* 40-4F are INC/DEC outside 64-bit mode */
	UNIT_CHECK(dec(&i, X86_MODE_32, "48 89 c0") == 0);
	UNIT_CHECK(i.len == 1 && i.opcode == 0x48 && i.opcode_reg == X86_GPR_RAX);
	unit_end();

	unit_begin("fields_byte_registers");
	UNIT_CHECK(dec(&i, X86_MODE_64, "88 e0") == 0);  /* mov %ah, %al */
	UNIT_CHECK(i.opsize == 1 && i.reg == 4 && i.rex == 0);
	UNIT_CHECK(dec(&i, X86_MODE_64, "40 88 e0") == 0);  /* mov %spl, %al */
	UNIT_CHECK(i.opsize == 1 && i.reg == 4 && i.rex == 0x40);
	unit_end();

	unit_begin("fields_legacy_prefixes");
	UNIT_CHECK(dec(&i, X86_MODE_64, "f3 f2 64 2e 66 67 f0 01 00") == 0);
	UNIT_CHECK(i.len == 9 && i.rep == 0xf2 && i.seg == X86_SEG_CS);
	UNIT_CHECK(i.prefixes == (X86_PFX_REP | X86_PFX_REPNE | X86_PFX_SEG |
				  X86_PFX_OPSIZE | X86_PFX_ADSIZE | X86_PFX_LOCK));
	UNIT_CHECK(i.simd_prefix == 0xf2 && i.opsize == 2 && i.addrsize == 4);
	UNIT_CHECK(dec(&i, X86_MODE_64, "66 0f 6f 00") == 0);  /* movdqa */
	UNIT_CHECK(i.simd_prefix == 0x66 && i.map == X86_MAP_0F && i.opcode == 0x6f);
	unit_end();
}

static void test_immediates(void)
{
	struct x86_insn i;

	unit_begin("fields_moffs");
	UNIT_CHECK(dec(&i, X86_MODE_64, "a1 88 77 66 55 44 33 22 11") == 0);
	UNIT_CHECK(i.len == 9 && i.has_mem && i.disp == 0x1122334455667788ull);
	UNIT_CHECK(i.disp_size == 8 && i.base == X86_REG_NONE && i.imm_size == 0);
	UNIT_CHECK(dec(&i, X86_MODE_64, "67 a2 44 33 22 11") == 0);
	UNIT_CHECK(i.len == 6 && i.disp == 0x11223344 && i.opsize == 1);
	UNIT_CHECK(len_of(X86_MODE_32, "a3 44 33 22 11") == 5);
	UNIT_CHECK(len_of(X86_MODE_REAL, "a0 34 12") == 3);
	UNIT_CHECK(len_of(X86_MODE_REAL, "67 a0 44 33 22 11") == 6);
	unit_end();

	unit_begin("fields_immediate_sizes");
	UNIT_CHECK(dec(&i, X86_MODE_64, "49 b8 88 77 66 55 44 33 22 11") == 0);
	UNIT_CHECK(i.len == 10 && i.imm == 0x1122334455667788ull && i.imm_size == 8);
	UNIT_CHECK(i.opcode_reg == X86_GPR_R8 && i.opsize == 8);
	UNIT_CHECK(len_of(X86_MODE_64, "b8 44 33 22 11") == 5);
	UNIT_CHECK(len_of(X86_MODE_64, "66 b8 22 11") == 4);
	UNIT_CHECK(len_of(X86_MODE_REAL, "b8 22 11") == 3);
	UNIT_CHECK(dec(&i, X86_MODE_64, "48 c7 00 ff ff ff ff") == 0);
	UNIT_CHECK(i.len == 7 && i.imm_size == 4 && i.imm == 0xffffffff && i.opsize == 8);
	UNIT_CHECK(dec(&i, X86_MODE_64, "c8 10 00 01") == 0);  /* enter $0x10, $1 */
	UNIT_CHECK(i.len == 4 && i.imm == 0x10 && i.imm_size == 2);
	UNIT_CHECK(i.imm2 == 1 && i.imm2_size == 1);
	UNIT_CHECK(dec(&i, X86_MODE_32, "ea 78 56 34 12 10 00") == 0);  /* ljmp */
	UNIT_CHECK(i.len == 7 && i.imm == 0x12345678 && i.imm2 == 0x10);
	UNIT_CHECK(len_of(X86_MODE_REAL, "ea 34 12 10 00") == 5);
	UNIT_CHECK(len_of(X86_MODE_REAL, "66 ea 78 56 34 12 10 00") == 8);
	unit_end();

	unit_begin("fields_groups_with_immediates");
	UNIT_CHECK(len_of(X86_MODE_64, "f6 00 12") == 3);        /* testb $0x12 */
	UNIT_CHECK(len_of(X86_MODE_64, "f6 08 12") == 3);        /* test alias /1 */
	UNIT_CHECK(len_of(X86_MODE_64, "f6 10") == 2);           /* notb */
	UNIT_CHECK(len_of(X86_MODE_64, "f7 00 44 33 22 11") == 6);
	UNIT_CHECK(len_of(X86_MODE_64, "66 f7 00 22 11") == 5);
	UNIT_CHECK(len_of(X86_MODE_64, "f7 38") == 2);           /* idivl */
	UNIT_CHECK(len_of(X86_MODE_64, "c6 f8 01") == 3);        /* xabort */
	UNIT_CHECK(len_of(X86_MODE_64, "c7 f8 44 33 22 11") == 6);  /* xbegin */
	UNIT_CHECK(len_of(X86_MODE_64, "66 c7 f8 22 11") == 5);
	UNIT_CHECK(len_of(X86_MODE_64, "0f ba 20 05") == 4);     /* btl $5 */
	unit_end();

	unit_begin("fields_amd_lengths");
	/* near branches take rel16 with 66 in 64-bit mode on AMD */
	UNIT_CHECK(len_of(X86_MODE_64, "66 e8 22 11") == 4);
	UNIT_CHECK(len_of(X86_MODE_64, "66 0f 85 22 11") == 5);
	UNIT_CHECK(len_of(X86_MODE_64, "66 48 e8 44 33 22 11") == 7);
	UNIT_CHECK(dec(&i, X86_MODE_64, "e8 44 33 22 11") == 0);
	UNIT_CHECK(i.len == 5 && i.opsize == 8);
	/* SSE4a EXTRQ/INSERTQ take two imm8; VMREAD none */
	UNIT_CHECK(dec(&i, X86_MODE_64, "66 0f 78 c0 01 02") == 0);
	UNIT_CHECK(i.len == 6 && i.imm == 1 && i.imm2 == 2);
	UNIT_CHECK(len_of(X86_MODE_64, "f2 0f 78 c1 01 02") == 6);
	UNIT_CHECK(len_of(X86_MODE_64, "0f 78 c3") == 3);
	/* 3DNow!: ModRM, then the opcode as an imm8 */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 0f c1 9e") == 4);
	unit_end();

	unit_begin("fields_d64_operand_size");
	UNIT_CHECK(dec(&i, X86_MODE_64, "50") == 0 && i.opsize == 8);
	UNIT_CHECK(dec(&i, X86_MODE_64, "66 50") == 0 && i.opsize == 2);
	UNIT_CHECK(dec(&i, X86_MODE_64, "41 57") == 0 && i.opcode_reg == X86_GPR_R15);
	UNIT_CHECK(dec(&i, X86_MODE_64, "ff 30") == 0 && i.opsize == 8);  /* push (%rax) */
	UNIT_CHECK(dec(&i, X86_MODE_64, "ff 00") == 0 && i.opsize == 4);  /* incl (%rax) */
	UNIT_CHECK(dec(&i, X86_MODE_64, "8f c0") == 0 && i.opsize == 8);  /* pop %rax */
	UNIT_CHECK(dec(&i, X86_MODE_32, "50") == 0 && i.opsize == 4);
	UNIT_CHECK(len_of(X86_MODE_64, "66 68 22 11") == 4);
	UNIT_CHECK(len_of(X86_MODE_64, "68 44 33 22 11") == 5);
	unit_end();
}

static void test_system_forms(void)
{
	struct x86_insn i;

	unit_begin("fields_mov_cr_dr_ignore_mod");
	UNIT_CHECK(dec(&i, X86_MODE_64, "0f 20 00") == 0);  /* mod 00: still %rax */
	UNIT_CHECK(i.len == 3 && i.mod == 3 && !i.has_mem && i.rm == 0);
	UNIT_CHECK(dec(&i, X86_MODE_64, "44 0f 20 c0") == 0);  /* mov %cr8, %rax */
	UNIT_CHECK(i.len == 4 && i.reg == 8);
	UNIT_CHECK(len_of(X86_MODE_32, "0f 23 bd 00 00 00 00") == 3);
	unit_end();

	unit_begin("fields_intercepted_lengths");
	UNIT_CHECK(len_of(X86_MODE_64, "0f a2") == 2);        /* cpuid */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 32") == 2);        /* rdmsr */
	UNIT_CHECK(len_of(X86_MODE_64, "f4") == 1);           /* hlt */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 01 d9") == 3);     /* vmmcall */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 01 df") == 3);     /* invlpga */
	UNIT_CHECK(len_of(X86_MODE_64, "67 0f 01 d8") == 4);  /* vmrun %eax */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 01 d1") == 3);     /* xsetbv */
	UNIT_CHECK(len_of(X86_MODE_64, "f3 90") == 2);        /* pause */
	UNIT_CHECK(len_of(X86_MODE_64, "2e f3 90") == 3);
	UNIT_CHECK(len_of(X86_MODE_64, "cc") == 1);           /* int3 */
	UNIT_CHECK(len_of(X86_MODE_32, "ce") == 1);           /* into */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 01 f9") == 3);     /* rdtscp */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 0b") == 2);        /* ud2 */
	UNIT_CHECK(len_of(X86_MODE_64, "0f 01 38") == 3);     /* invlpg (%rax) */
	UNIT_CHECK(len_of(X86_MODE_REAL, "0f 01 16 34 12") == 5);  /* lgdt 0x1234 */
	unit_end();
}

static void test_vex_family(void)
{
	struct x86_insn i;

	unit_begin("fields_vex");
	UNIT_CHECK(dec(&i, X86_MODE_64, "c5 f8 77") == 0);  /* vzeroupper */
	UNIT_CHECK(i.len == 3 && i.encoding == X86_ENC_VEX && !i.has_modrm);
	/* vaddps %ymm9, %ymm0, %ymm8 via C4: R, B inverted; L = 1 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "c4 41 7c 58 c1") == 0);
	UNIT_CHECK(i.len == 5 && i.map == X86_MAP_0F && i.opcode == 0x58);
	UNIT_CHECK(i.reg == 8 && i.rm == 9 && i.vvvv == 0 && i.vex_l == 1);
	UNIT_CHECK(dec(&i, X86_MODE_64, "c4 e3 7d 00 c1 01") == 0);  /* vpermq */
	UNIT_CHECK(i.len == 6 && i.map == X86_MAP_0F3A && i.imm == 1);
	UNIT_CHECK(dec(&i, X86_MODE_64, "c4 e2 f9 f7 c1") == 0);  /* shlx %rax */
	UNIT_CHECK(i.len == 5 && i.w && i.opsize == 8 && i.simd_prefix == 0x66);
	unit_end();

	unit_begin("fields_evex_xop");
	/* vaddps %zmm2, %zmm1, %zmm0 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "62 f1 74 48 58 c2") == 0);
	UNIT_CHECK(i.len == 6 && i.encoding == X86_ENC_EVEX && i.vex_l == 2);
	UNIT_CHECK(i.vvvv == 1 && i.reg == 0 && i.rm == 2 && i.evex_p2 == 0x48);
	/* vaddps %zmm16, %zmm17, %zmm31: R' and X reach bit 4 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "62 21 74 40 58 f8") == 0);
	UNIT_CHECK(i.reg == 31 && i.rm == 16 && i.vvvv == 17);
	/* vpcmov: XOP map 8 has an imm8 */
	UNIT_CHECK(dec(&i, X86_MODE_64, "8f e8 78 a2 c0 10") == 0);
	UNIT_CHECK(i.len == 6 && i.encoding == X86_ENC_XOP && i.map == X86_MAP_XOP8);
	UNIT_CHECK(i.imm == 0x10);
	/* bextr $imm32: XOP map 10 */
	UNIT_CHECK(len_of(X86_MODE_64, "8f ea 78 10 c8 34 12 00 00") == 9);
	unit_end();

	unit_begin("fields_vex_vs_les_lds_bound_pop");
	UNIT_CHECK(dec(&i, X86_MODE_32, "c4 00") == 0);  /* les (%eax), %eax */
	UNIT_CHECK(i.len == 2 && i.encoding == X86_ENC_LEGACY && i.opcode == 0xc4);
	UNIT_CHECK(dec(&i, X86_MODE_32, "c5 f8 77") == 0);
	UNIT_CHECK(i.encoding == X86_ENC_VEX && i.len == 3);
	UNIT_CHECK(len_of(X86_MODE_16, "c5 f8 77") == 3);  /* VEX in 16-bit PM */
	UNIT_CHECK(len_of(X86_MODE_REAL, "c5 f8 77") == -EINVAL);  /* LDS reg */
	UNIT_CHECK(len_of(X86_MODE_REAL, "c5 06 34 12") == 4);  /* lds 0x1234 */
	UNIT_CHECK(len_of(X86_MODE_32, "62 00") == 2);  /* bound */
	UNIT_CHECK(len_of(X86_MODE_32, "62 f1 74 48 58 c2") == 6);
	UNIT_CHECK(len_of(X86_MODE_32, "8f 00") == 2);  /* pop (%eax) */
	UNIT_CHECK(len_of(X86_MODE_32, "8f e8 78 a2 c0 10") == 6);
	UNIT_CHECK(len_of(X86_MODE_REAL, "8f e8 78") == -EINVAL);  /* POP /5 */
	unit_end();
}

struct rc_case {
	enum x86_mode mode;
	const char *hex;
	int rc;
};

static const struct rc_case invalid_cases[] = {
	/* one-byte opcodes 64-bit mode dropped */
	{ X86_MODE_64, "06", -EINVAL }, { X86_MODE_64, "07", -EINVAL },
	{ X86_MODE_64, "0e", -EINVAL }, { X86_MODE_64, "16", -EINVAL },
	{ X86_MODE_64, "17", -EINVAL }, { X86_MODE_64, "1e", -EINVAL },
	{ X86_MODE_64, "1f", -EINVAL }, { X86_MODE_64, "27", -EINVAL },
	{ X86_MODE_64, "2f", -EINVAL }, { X86_MODE_64, "37", -EINVAL },
	{ X86_MODE_64, "3f", -EINVAL }, { X86_MODE_64, "60", -EINVAL },
	{ X86_MODE_64, "61", -EINVAL }, { X86_MODE_64, "82 00 01", -EINVAL },
	{ X86_MODE_64, "9a 00 00 00 00 00 00", -EINVAL },
	{ X86_MODE_64, "ce", -EINVAL }, { X86_MODE_64, "d4 0a", -EINVAL },
	{ X86_MODE_64, "d5 0a", -EINVAL }, { X86_MODE_64, "ea 00 00 00 00 00 00", -EINVAL },
	/* undefined in every mode */
	{ X86_MODE_32, "d6", -EINVAL }, { X86_MODE_64, "0f 04", -EINVAL },
	{ X86_MODE_64, "0f 0a", -EINVAL }, { X86_MODE_64, "0f 0c", -EINVAL },
	{ X86_MODE_64, "0f 24 c0", -EINVAL }, { X86_MODE_64, "0f 36", -EINVAL },
	{ X86_MODE_64, "0f 39", -EINVAL }, { X86_MODE_64, "0f 3b", -EINVAL },
	{ X86_MODE_64, "0f a6", -EINVAL }, { X86_MODE_64, "0f a7", -EINVAL },
	{ X86_MODE_64, "0f 7a c0", -EINVAL }, { X86_MODE_64, "0f 38 50 c0", -EINVAL },
	{ X86_MODE_64, "0f 3a 00 c0 00", -EINVAL },
	/* undefined ModRM forms */
	{ X86_MODE_64, "8d c0", -EINVAL },        /* lea, register */
	{ X86_MODE_64, "fe 10", -EINVAL },        /* group 4 /2 */
	{ X86_MODE_64, "ff 38", -EINVAL },        /* group 5 /7 */
	{ X86_MODE_64, "ff d8", -EINVAL },        /* lcall, register */
	{ X86_MODE_64, "c6 08 00", -EINVAL },     /* group 11 /1 */
	{ X86_MODE_64, "c6 f9 00", -EINVAL },     /* xabort needs rm 0 */
	{ X86_MODE_64, "8f 20", -EINVAL },        /* group 1A /4 */
	{ X86_MODE_REAL, "8f 08", -EINVAL },      /* group 1A /1 */
	{ X86_MODE_64, "0f ba 00 00", -EINVAL },  /* group 8 /0 */
	{ X86_MODE_64, "0f c7 c8", -EINVAL },     /* group 9 /1, register */
	{ X86_MODE_64, "0f c7 00", -EINVAL },     /* group 9 /0 */
	{ X86_MODE_64, "0f 71 10 00", -EINVAL },  /* group 12, memory */
	{ X86_MODE_64, "0f 00 38", -EINVAL },     /* group 6 /7 */
	{ X86_MODE_64, "0f b2 c0", -EINVAL },     /* lss, register */
	/* VEX/EVEX/XOP rules */
	{ X86_MODE_64, "c5 f8 05", -EINVAL },     /* no VEX syscall */
	{ X86_MODE_64, "66 c5 f8 77", -EINVAL },
	{ X86_MODE_64, "f3 c5 f8 77", -EINVAL },
	{ X86_MODE_64, "f0 c5 f8 77", -EINVAL },
	{ X86_MODE_64, "48 c5 f8 77", -EINVAL },
	{ X86_MODE_64, "c4 e4 78 00 c0", -EINVAL },      /* VEX map 4 */
	{ X86_MODE_64, "c4 e0 78 00 c0", -EINVAL },      /* VEX map 0 */
	{ X86_MODE_64, "62 f9 74 48 58 c2", -EINVAL },   /* EVEX P0 bit 3 */
	{ X86_MODE_64, "62 f1 70 48 58 c2", -EINVAL },   /* EVEX P1 bit 2 */
	{ X86_MODE_64, "62 f4 74 48 58 c2", -EINVAL },   /* EVEX map 4 */
	{ X86_MODE_64, "62 f1 7c 48 77", -EINVAL },      /* no EVEX vzeroupper */
	{ X86_MODE_64, "8f eb 78 00 c0", -EINVAL },      /* XOP map 11 */
	{ X86_MODE_64, "c5 f8 7a c0", -EINVAL },         /* EVEX-only opcode */
	/* not a mode */
	{ (enum x86_mode)7, "90", -EINVAL },
};

static const struct rc_case valid_cases[] = {
	{ X86_MODE_32, "06", 1 }, { X86_MODE_32, "60", 1 }, { X86_MODE_32, "27", 1 },
	{ X86_MODE_32, "82 00 01", 3 }, { X86_MODE_REAL, "d4 0a", 2 },
	{ X86_MODE_32, "9a 78 56 34 12 10 00", 7 }, { X86_MODE_64, "0f 05", 2 },
	{ X86_MODE_64, "0f ff c0", 3 }, { X86_MODE_64, "0f b9 c0", 3 },
	{ X86_MODE_64, "f1", 1 }, { X86_MODE_64, "62 f1 7c 48 7a c0", 6 },
	{ X86_MODE_64, "0f 38 f0 00", 4 }, { X86_MODE_64, "0f 3a 0f c1 08", 5 },
	{ X86_MODE_64, "c4 e2 7d 50 c0", 5 },  /* VEX map 2, any opcode */
};

static void test_rc_cases(const char *name, const struct rc_case *c, size_t n)
{
	char why[160];

	unit_begin(name);
	for (size_t k = 0; k < n; k++) {
		int rc = len_of(c[k].mode, c[k].hex);

		if (rc != c[k].rc) {
			snprintf(why, sizeof(why), "%s (mode %d): %d, expected %d",
				 c[k].hex, c[k].mode, rc, c[k].rc);
			unit_check_at(false, why, __FILE__, __LINE__);
		}
	}
	unit_end();
}

static void test_limits(void)
{
	uint8_t b[20];
	struct x86_insn i;

	unit_begin("limits_fifteen_bytes");
	memset(b, 0x66, sizeof(b));
	b[14] = 0x90;  /* 14 prefixes and NOP: 15 bytes, allowed */
	UNIT_CHECK(decode_exact(&i, b, 15, X86_MODE_64) == 0 && i.len == 15);
	UNIT_CHECK(decode_exact(&i, b, 20, X86_MODE_64) == 0 && i.len == 15);
	b[14] = 0x66;
	b[15] = 0x90;  /* 15 prefixes: the opcode would be byte 16 */
	UNIT_CHECK(decode_exact(&i, b, 16, X86_MODE_64) == -E2BIG);
	UNIT_CHECK(decode_exact(&i, b, 15, X86_MODE_64) == -E2BIG);
	UNIT_CHECK(decode_exact(&i, b, 14, X86_MODE_64) == -EAGAIN);
	/* 13 prefixes + mov $imm16, %ax needs 17 bytes: known at the imm */
	memset(b, 0x66, 13);
	memcpy(b + 13, "\xb8\x11\x22", 3);
	UNIT_CHECK(decode_exact(&i, b, 14, X86_MODE_64) == -E2BIG);
	/* REX prefixes count too */
	memset(b, 0x48, 15);
	UNIT_CHECK(decode_exact(&i, b, 15, X86_MODE_64) == -E2BIG);
	unit_end();

	unit_begin("limits_truncated");
	UNIT_CHECK(decode_exact(&i, b, 0, X86_MODE_64) == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "b8 11 22") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "0f") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "0f 38") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "66 f3") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "8b 04") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "8b 84 24 00 00") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "c4 e2") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_32, "c4") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "62 f1 74 48") == -EAGAIN);
	UNIT_CHECK(len_of(X86_MODE_64, "a1 88 77 66 55 44 33 22") == -EAGAIN);
	unit_end();
}

static void test_address_helpers(void)
{
	struct x86_regs r = { 0 };
	struct x86_insn i;
	uint64_t ea = 0;

	unit_begin("ea_computation");
	r.rip = 0x1000;
	UNIT_CHECK(dec(&i, X86_MODE_64, "8b 05 f0 ff ff ff") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x1006 - 0x10);
	r.gpr[X86_GPR_RAX] = 0x1000;
	r.gpr[X86_GPR_RBX] = 0x20;
	UNIT_CHECK(dec(&i, X86_MODE_64, "89 54 98 7f") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x1000 + 0x80 + 0x7f);
	/* 32-bit address size wraps */
	r.gpr[X86_GPR_RAX] = 0xf0000000;
	r.gpr[X86_GPR_RBX] = 0x10000000;
	UNIT_CHECK(dec(&i, X86_MODE_32, "89 84 98 78 56 34 12") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x42345678);
	UNIT_CHECK(dec(&i, X86_MODE_64, "67 89 84 98 78 56 34 12") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x42345678);
	/* 16-bit: [bx+si+0x10] wraps at 64 KiB */
	r.gpr[X86_GPR_RBX] = 0x1fff0;
	r.gpr[X86_GPR_RSI] = 0x20;
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "8b 40 10") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x20);
	/* moffs; no memory operand */
	UNIT_CHECK(dec(&i, X86_MODE_64, "a1 88 77 66 55 44 33 22 11") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == 0 && ea == 0x1122334455667788ull);
	UNIT_CHECK(dec(&i, X86_MODE_64, "89 c0") == 0);
	UNIT_CHECK(x86_decode_ea(&i, &r, &ea) == -EINVAL);
	unit_end();

	unit_begin("ea_segment");
	UNIT_CHECK(dec(&i, X86_MODE_64, "8b 44 24 08") == 0);
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_SS);
	UNIT_CHECK(dec(&i, X86_MODE_64, "8b 45 00") == 0);
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_SS);
	UNIT_CHECK(dec(&i, X86_MODE_64, "41 8b 45 00") == 0);  /* r13 is not */
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_DS);
	UNIT_CHECK(dec(&i, X86_MODE_64, "64 8b 00") == 0);
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_FS);
	UNIT_CHECK(dec(&i, X86_MODE_64, "26 8b 00") == 0);  /* ignored */
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_DS);
	UNIT_CHECK(dec(&i, X86_MODE_32, "26 8b 00") == 0);
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_ES);
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "8b 46 fe") == 0);  /* [bp-2] */
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_SS);
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "8b 42 fe") == 0);  /* [bp+si-2] */
	UNIT_CHECK(x86_decode_ea_seg(&i) == X86_SEG_SS);
	unit_end();

	unit_begin("next_rip_and_mode");
	UNIT_CHECK(dec(&i, X86_MODE_REAL, "89 c0") == 0);
	UNIT_CHECK(x86_decode_next_rip(&i, 0xffff) == 1);
	UNIT_CHECK(dec(&i, X86_MODE_32, "90") == 0);
	UNIT_CHECK(x86_decode_next_rip(&i, 0xffffffff) == 0);
	UNIT_CHECK(dec(&i, X86_MODE_64, "90") == 0);
	UNIT_CHECK(x86_decode_next_rip(&i, 0xffffffff) == 0x100000000ull);
	UNIT_CHECK(x86_decode_mode(false, false, false, false, false) == X86_MODE_REAL);
	UNIT_CHECK(x86_decode_mode(true, true, false, false, true) == X86_MODE_REAL);
	UNIT_CHECK(x86_decode_mode(true, false, false, false, false) == X86_MODE_16);
	UNIT_CHECK(x86_decode_mode(true, false, false, false, true) == X86_MODE_32);
	UNIT_CHECK(x86_decode_mode(true, false, true, false, true) == X86_MODE_32);
	UNIT_CHECK(x86_decode_mode(true, false, true, true, false) == X86_MODE_64);
	unit_end();
}

/* Bytes random programs are made of: half uniform, half prefixes and
 * escapes, so that long prefix runs and every map come up often. */
static uint8_t random_byte(void)
{
	static const uint8_t pool[] = {
		0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x64, 0x40, 0x48, 0x4f,
		0x0f, 0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0xff, 0x00, 0x04,
		0x05, 0x25, 0x44, 0x84, 0xc0, 0xe0,
	};

	if (rand() & 1)
		return (uint8_t)rand();
	return pool[rand() % sizeof(pool)];
}

static void check_random_case(const uint8_t *b, size_t n, enum x86_mode mode)
{
	struct x86_insn i, again;
	uint8_t longer[20];
	int rc = decode_exact(&i, b, n, mode);
	int rc_long;

	UNIT_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -EAGAIN);
	UNIT_CHECK(rc != -EAGAIN || n < X86_INSN_MAX_LEN);
	/* more bytes after the given ones never change a result reached */
	memcpy(longer, b, n);
	for (size_t k = n; k < sizeof(longer); k++)
		longer[k] = random_byte();
	rc_long = decode_exact(&again, longer, sizeof(longer), mode);
	UNIT_CHECK(rc == -EAGAIN || rc_long == rc);
	if (rc != 0)
		return;
	UNIT_CHECK(i.len >= 1 && i.len <= n && i.len <= X86_INSN_MAX_LEN);
	UNIT_CHECK(again.len == i.len);
	/* exactly len bytes decode the same; one fewer asks for more */
	UNIT_CHECK(decode_exact(&again, b, i.len, mode) == 0);
	UNIT_CHECK(memcmp(&again, &i, sizeof(i)) == 0);
	UNIT_CHECK(decode_exact(&again, b, i.len - 1u, mode) == -EAGAIN);
	UNIT_CHECK(i.base == X86_REG_NONE || i.base < X86_GPR_COUNT);
	UNIT_CHECK(i.index == X86_REG_NONE || i.index < X86_GPR_COUNT);
}

static void test_random(void)
{
	uint8_t b[20];

	unit_begin("random_bytes");
	srand(12345);
	for (int iter = 0; iter < 200000 && !unit_state.failed; iter++) {
		size_t n = (size_t)(rand() % 18);
		enum x86_mode mode = (enum x86_mode)(rand() % 4);

		for (size_t k = 0; k < n; k++)
			b[k] = random_byte();
		check_random_case(b, n, mode);
	}
	unit_end();
}

int main(void)
{
	test_sib_and_displacement();
	test_prefixes();
	test_immediates();
	test_system_forms();
	test_vex_family();
	test_rc_cases("invalid_encodings", invalid_cases, ARRAY_SIZE(invalid_cases));
	test_rc_cases("valid_encodings", valid_cases, ARRAY_SIZE(valid_cases));
	test_limits();
	test_address_helpers();
	test_random();
	return unit_exit_code();
}
