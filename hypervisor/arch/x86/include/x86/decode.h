/*
 * decode.h - the x86 instruction decoder: length and structure of one guest
 * instruction, in any of the processor's code sizes.
 *
 * Without NRIP save and decode assists (QEMU's software SVM has neither) the
 * hypervisor learns an intercepted instruction's length, and the operands of
 * an MMIO access, only by decoding the bytes at the guest's CS:RIP. The
 * decoder is pure: the caller fetches up to X86_INSN_MAX_LEN bytes from
 * guest memory and says how many it got. How it works: decode.c.
 */
#ifndef X86_DECODE_H
#define X86_DECODE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "x86/regs.h"

/* No instruction is longer; a longer one raises #GP (APM vol. 3, chapter 1). */
#define X86_INSN_MAX_LEN 15

/*
 * The code size of the guest's current code segment, which sets the default
 * operand and address sizes (APM vol. 2, "Code-Segment Descriptors", CS.L
 * and CS.D; x86_decode_mode() derives it from guest state).
 */
enum x86_mode {
	X86_MODE_REAL,  /* real or virtual-8086 mode: 16-bit, no VEX/EVEX/XOP */
	X86_MODE_16,    /* protected or compatibility mode, CS.D = 0 */
	X86_MODE_32,    /* protected or compatibility mode, CS.D = 1 */
	X86_MODE_64,    /* 64-bit mode: EFER.LMA = 1 and CS.L = 1 */
};

/* How the opcode was introduced. */
enum x86_encoding {
	X86_ENC_LEGACY,  /* legacy and REX prefixes, escape bytes */
	X86_ENC_VEX,     /* C4/C5 (AVX) */
	X86_ENC_EVEX,    /* 62 (AVX-512) */
	X86_ENC_XOP,     /* 8F with map >= 8 (AMD XOP, TBM, LWP) */
};

/* Opcode maps, numbered as the VEX/EVEX/XOP map-select field numbers them. */
enum x86_map {
	X86_MAP_PRIMARY = 0,  /* one-byte opcodes */
	X86_MAP_0F = 1,       /* 0F xx (3DNow! 0F 0F is opcode 0x0F here) */
	X86_MAP_0F38 = 2,     /* 0F 38 xx */
	X86_MAP_0F3A = 3,     /* 0F 3A xx */
	X86_MAP_EVEX5 = 5,    /* EVEX map 5 (AVX512-FP16) */
	X86_MAP_EVEX6 = 6,    /* EVEX map 6 (AVX512-FP16) */
	X86_MAP_XOP8 = 8,     /* XOP map 8 */
	X86_MAP_XOP9 = 9,     /* XOP map 9 */
	X86_MAP_XOPA = 10,    /* XOP map 10 */
};

/* Segment registers, in their encoding order (Sreg field of 8C/8E). */
enum x86_seg {
	X86_SEG_ES = 0,
	X86_SEG_CS = 1,
	X86_SEG_SS = 2,
	X86_SEG_DS = 3,
	X86_SEG_FS = 4,
	X86_SEG_GS = 5,
	X86_SEG_NONE = 6,  /* no segment override prefix */
};

/* Legacy prefixes seen (struct x86_insn.prefixes). */
#define X86_PFX_LOCK   (1u << 0)  /* F0 */
#define X86_PFX_REPNE  (1u << 1)  /* F2 */
#define X86_PFX_REP    (1u << 2)  /* F3 */
#define X86_PFX_OPSIZE (1u << 3)  /* 66 */
#define X86_PFX_ADSIZE (1u << 4)  /* 67 */
#define X86_PFX_SEG    (1u << 5)  /* a segment override: see seg */

/* A register operand field that names no register. */
#define X86_REG_NONE 0xff

/*
 * One decoded instruction. Register numbers are x86 encoding numbers (the
 * index of struct x86_regs.gpr for general-purpose registers), already
 * extended by REX.R/X/B or their VEX/EVEX/XOP counterparts.
 */
struct x86_insn {
	uint8_t len;            /* total length in bytes, 1..15 */
	uint8_t mode;           /* enum x86_mode it was decoded for */
	uint8_t encoding;       /* enum x86_encoding */
	uint8_t map;            /* enum x86_map */
	uint8_t opcode;         /* the opcode byte within map */

	/* Prefixes */
	uint8_t prefixes;       /* X86_PFX_* */
	uint8_t seg;            /* last segment override, enum x86_seg */
	uint8_t rep;            /* 0xF2 or 0xF3, whichever came last; else 0 */
	uint8_t simd_prefix;    /* the SIMD prefix in effect: 0, 0x66, 0xF3,
				   0xF2 (legacy mandatory prefix or VEX.pp) */
	uint8_t rex;            /* the REX byte in effect (0x40..0x4F), 0 if none */
	bool w;                 /* REX.W, or VEX/EVEX/XOP.W */
	uint8_t vex_l;          /* vector length: 0 = 128, 1 = 256, 2 = 512 */
	uint8_t vvvv;           /* VEX/EVEX/XOP.vvvv (un-inverted; EVEX.V' is
				   bit 4), 0 otherwise */
	uint8_t evex_p2;        /* EVEX byte P2 (z L'L b V' aaa), 0 otherwise */

	/* Sizes in bytes */
	uint8_t opsize;         /* operand size: 1 for byte operations, else
				   2, 4 or 8 (66, REX.W, mode, 64-bit defaults) */
	uint8_t addrsize;       /* address size: 2, 4 or 8 */

	/* ModRM */
	bool has_modrm;
	uint8_t modrm;          /* the raw byte */
	uint8_t mod;            /* ModRM.mod; 3 when MOV CR/DR ignore it */
	uint8_t reg;            /* ModRM.reg + REX.R (+ EVEX.R' as bit 4) */
	uint8_t rm;             /* register form: ModRM.rm + REX.B (+ EVEX.X
				   as bit 4); memory form: raw ModRM.rm */
	uint8_t opcode_reg;     /* "+r" opcodes (50+r, B8+r, 0F C8+r ...): low
				   three opcode bits + REX.B; else X86_REG_NONE */

	/* Memory operand: ModRM memory form or moffs (A0-A3) */
	bool has_mem;
	bool has_sib;
	bool rip_relative;      /* [rIP + disp32] (64-bit mode) */
	uint8_t sib;            /* the raw byte */
	uint8_t base;           /* base register or X86_REG_NONE */
	uint8_t index;          /* index register or X86_REG_NONE (VSIB:
				   bits 3:0 of a vector register number) */
	uint8_t scale;          /* 1, 2, 4 or 8 */
	uint8_t disp_size;      /* 0, 1, 2, 4 or 8 (moffs) bytes */
	uint64_t disp;          /* sign-extended; moffs zero-extended */

	/* Immediates, zero-extended raw values */
	uint8_t imm_size;       /* 0, 1, 2, 4 or 8 bytes */
	uint8_t imm2_size;      /* second immediate: ENTER's ib, a far
				   pointer's selector, EXTRQ/INSERTQ's ib */
	uint64_t imm;
	uint16_t imm2;
};

/*
 * Decodes the instruction at bytes[0..nbytes) for mode into *insn. nbytes
 * may be anything; at most X86_INSN_MAX_LEN bytes are looked at, and never
 * one at or beyond nbytes.
 * Returns 0 with insn->len set; -EINVAL for an undefined or invalid encoding
 * (for mode); -E2BIG when the instruction would be longer than 15 bytes;
 * -EAGAIN when it continues past nbytes (fetch more and retry). On error
 * *insn holds no meaning.
 */
int x86_decode_insn(struct x86_insn *insn, const uint8_t *bytes, size_t nbytes,
		    enum x86_mode mode);

/* The code size a guest executes in, from CR0.PE, RFLAGS.VM, EFER.LMA and
 * its CS descriptor's L and D bits. */
enum x86_mode x86_decode_mode(bool cr0_pe, bool rflags_vm, bool efer_lma,
			      bool cs_l, bool cs_d);

/*
 * The effective address of insn's memory operand (ModRM or moffs), for the
 * registers it was executed with: base + index * scale + displacement, or
 * the next instruction's rIP + displacement for RIP-relative forms, wrapped
 * to the address size. It is an offset in segment x86_decode_ea_seg(insn):
 * the linear address adds that segment's base. Bit-string instructions
 * (BT* with a register bit offset) access memory away from this address;
 * string instructions have no ModRM operand (their operands are at
 * [rSI]/[rDI]).
 * Cross-check of an MMIO fault: the segment base plus this offset,
 * translated through the guest's page tables, must be the faulting GPA
 * (and the page offsets must agree even without a translation, unless the
 * segment base is not page-aligned).
 * Returns 0 with *ea set, or -EINVAL if insn has no memory operand.
 */
int x86_decode_ea(const struct x86_insn *insn, const struct x86_regs *regs,
		  uint64_t *ea);

/* The segment of insn's memory operand: an override if it applies in this
 * mode, else SS for rSP/rBP-based addresses and DS otherwise. */
enum x86_seg x86_decode_ea_seg(const struct x86_insn *insn);

/* rip advanced past insn, wrapped as the instruction pointer of the
 * insn's mode wraps (16 bits in 16-bit code, 32 bits in 32-bit code). */
uint64_t x86_decode_next_rip(const struct x86_insn *insn, uint64_t rip);

/* All ones in the low `bytes` bytes (an operand or address size, 1-8). */
static inline uint64_t x86_size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* The low `bytes` bytes of v (1-8), sign-extended to 64 bits. */
static inline uint64_t x86_sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/*
 * Opcode tables (decode_tables.c), read by decode.c and its tests. Their
 * format is described in decode.c.
 */

/* struct x86_decode_op.flags */
#define X86_OPF_DEFINED   0x0001  /* assigned in the legacy encoding */
#define X86_OPF_MODRM     0x0002  /* a ModRM byte follows the opcode */
#define X86_OPF_BYTE      0x0004  /* byte operands: operand size 1 */
#define X86_OPF_D64       0x0008  /* operand size 64 by default in 64-bit mode */
#define X86_OPF_I64       0x0010  /* invalid in 64-bit mode */
#define X86_OPF_GROUP     0x0020  /* ModRM.reg selects an entry of group */
#define X86_OPF_MEM_ONLY  0x0040  /* ModRM must name memory */
#define X86_OPF_MODRM_REG 0x0080  /* ModRM.mod ignored, always a register */
#define X86_OPF_RM0       0x0100  /* register form only with ModRM.rm = 0 */
#define X86_OPF_NO_IMM    0x0200  /* group entry: drops the opcode's immediate */
#define X86_OPF_VEX       0x0400  /* 0F map: assigned in VEX map 1 */
#define X86_OPF_EVEX      0x0800  /* 0F map: assigned in EVEX map 1 */
#define X86_OPF_PLUS_R    0x1000  /* low 3 opcode bits name a register (+r) */

/* struct x86_decode_op.imm: the immediate (or relative offset) that follows */
enum x86_decode_imm {
	X86_IMM_NONE,
	X86_IMM_B,      /* 1 byte: ib, rel8 */
	X86_IMM_W,      /* 2 bytes: iw */
	X86_IMM_Z,      /* 2 bytes at operand size 16, else 4: iz, rel16/32 */
	X86_IMM_V,      /* operand size, 2, 4 or 8 bytes: MOV r, imm */
	X86_IMM_WB,     /* 2 bytes then 1: ENTER */
	X86_IMM_MOFFS,  /* address size, 2, 4 or 8 bytes: MOV A0-A3 */
	X86_IMM_FAR,    /* 2 or 4 bytes by operand size, then a 2-byte selector */
	X86_IMM_SSE4A,  /* 1 byte then 1 with a 66 or F2 prefix, else none */
};

/* The ModRM.reg-selected groups (SDM vol. 2, table A-6; APM vol. 3, A.1) */
enum x86_decode_group_id {
	X86_GRP_1,    /* 80-83: ALU Ex, imm */
	X86_GRP_1A,   /* 8F: POP Ev */
	X86_GRP_2,    /* C0, C1, D0-D3: shifts and rotates */
	X86_GRP_3,    /* F6, F7: TEST/NOT/NEG/MUL/DIV */
	X86_GRP_4,    /* FE: INC/DEC Eb */
	X86_GRP_5,    /* FF: INC/DEC/CALL/JMP/PUSH Ev */
	X86_GRP_6,    /* 0F 00: SLDT ... VERW */
	X86_GRP_7,    /* 0F 01: descriptor tables, SVM, MONITOR ... */
	X86_GRP_8,    /* 0F BA: BT* Ev, ib */
	X86_GRP_9,    /* 0F C7: CMPXCHG8B/16B, XSAVES, RDRAND ... */
	X86_GRP_11,   /* C6, C7: MOV Ex, imm; XABORT, XBEGIN */
	X86_GRP_12,   /* 0F 71: packed word shifts by ib */
	X86_GRP_13,   /* 0F 72: packed dword shifts by ib */
	X86_GRP_14,   /* 0F 73: packed qword/dq shifts by ib */
	X86_GRP_15,   /* 0F AE: FXSAVE ... fences, FSGSBASE */
	X86_GRP_COUNT,
};

struct x86_decode_op {
	uint16_t flags;  /* X86_OPF_*; 0: undefined */
	uint8_t imm;     /* enum x86_decode_imm */
	uint8_t group;   /* enum x86_decode_group_id, with X86_OPF_GROUP */
};

struct x86_decode_group {
	struct x86_decode_op mem[8];  /* by ModRM.reg, ModRM.mod != 3 */
	struct x86_decode_op reg[8];  /* by ModRM.reg, ModRM.mod == 3 */
};

extern const struct x86_decode_op x86_decode_map_primary[256];
extern const struct x86_decode_op x86_decode_map_0f[256];
extern const struct x86_decode_op x86_decode_map_0f38[256];
extern const struct x86_decode_op x86_decode_map_0f3a[256];
extern const struct x86_decode_group x86_decode_groups[X86_GRP_COUNT];

#endif
