/*
 * decode_tables.c - the opcode tables of the instruction decoder: for each
 * opcode, whether it is assigned, whether a ModRM byte follows, which
 * immediate follows, and the operand-size and mode rules that change its
 * length or validity. The table format and how decode.c walks it are
 * described at the top of decode.c; the flags are in x86/decode.h.
 *
 * Sources: Intel SDM vol. 2, appendix A (table A-2 one-byte map, A-3
 * two-byte map, A-4/A-5 three-byte maps, A-6 ModRM.reg groups) and AMD APM
 * vol. 3, appendix A.1 (primary, secondary, 0F38/0F3A maps, ModRM.reg
 * extensions). Where the vendors differ, the AMD meaning is kept when it
 * changes the length (66 0F 78 EXTRQ takes two immediates; VMREAD does not)
 * and an opcode assigned by either vendor counts as assigned.
 *
 * The mnemonic comments name the usual instruction; prefixes that select
 * SSE variants are not listed. Blank table slots are undefined.
 */
#include "x86/decode.h"

#define DEF   X86_OPF_DEFINED
#define MRM   (X86_OPF_DEFINED | X86_OPF_MODRM)
#define BYTE  X86_OPF_BYTE
#define D64   X86_OPF_D64
#define I64   X86_OPF_I64
#define GRP   X86_OPF_GROUP
#define MEM   X86_OPF_MEM_ONLY
#define CRDR  X86_OPF_MODRM_REG
#define RM0   X86_OPF_RM0
#define NOIMM X86_OPF_NO_IMM
#define VEX   X86_OPF_VEX
#define EVEX  X86_OPF_EVEX
#define VE    (X86_OPF_VEX | X86_OPF_EVEX)
#define PLUSR X86_OPF_PLUS_R

#define IB    X86_IMM_B
#define IW    X86_IMM_W
#define IZ    X86_IMM_Z
#define IV    X86_IMM_V
#define IWB   X86_IMM_WB
#define MOFFS X86_IMM_MOFFS
#define FAR   X86_IMM_FAR
#define SSE4A X86_IMM_SSE4A

/*
 * The one-byte map. Prefix bytes (26 2E 36 3E 64-67 F0 F2 F3), REX (40-4F
 * in 64-bit mode), the 0F escape and the VEX/EVEX/XOP escapes are taken by
 * decode.c before a lookup; their slots hold the meaning they have when
 * they are opcodes (INC/DEC, LES/LDS, BOUND, POP) or stay blank.
 */
const struct x86_decode_op x86_decode_map_primary[256] = {
	[0x00] = { MRM | BYTE },                 /* ADD Eb, Gb */
	[0x01] = { MRM },                        /* ADD Ev, Gv */
	[0x02] = { MRM | BYTE },                 /* ADD Gb, Eb */
	[0x03] = { MRM },                        /* ADD Gv, Ev */
	[0x04] = { DEF | BYTE, IB },             /* ADD AL, Ib */
	[0x05] = { DEF, IZ },                    /* ADD rAX, Iz */
	[0x06] = { DEF | I64 },                  /* PUSH ES */
	[0x07] = { DEF | I64 },                  /* POP ES */
	[0x08] = { MRM | BYTE },                 /* OR Eb, Gb */
	[0x09] = { MRM },                        /* OR Ev, Gv */
	[0x0a] = { MRM | BYTE },                 /* OR Gb, Eb */
	[0x0b] = { MRM },                        /* OR Gv, Ev */
	[0x0c] = { DEF | BYTE, IB },             /* OR AL, Ib */
	[0x0d] = { DEF, IZ },                    /* OR rAX, Iz */
	[0x0e] = { DEF | I64 },                  /* PUSH CS */
	/* 0x0f: two-byte escape */
	[0x10] = { MRM | BYTE },                 /* ADC Eb, Gb */
	[0x11] = { MRM },                        /* ADC Ev, Gv */
	[0x12] = { MRM | BYTE },                 /* ADC Gb, Eb */
	[0x13] = { MRM },                        /* ADC Gv, Ev */
	[0x14] = { DEF | BYTE, IB },             /* ADC AL, Ib */
	[0x15] = { DEF, IZ },                    /* ADC rAX, Iz */
	[0x16] = { DEF | I64 },                  /* PUSH SS */
	[0x17] = { DEF | I64 },                  /* POP SS */
	[0x18] = { MRM | BYTE },                 /* SBB Eb, Gb */
	[0x19] = { MRM },                        /* SBB Ev, Gv */
	[0x1a] = { MRM | BYTE },                 /* SBB Gb, Eb */
	[0x1b] = { MRM },                        /* SBB Gv, Ev */
	[0x1c] = { DEF | BYTE, IB },             /* SBB AL, Ib */
	[0x1d] = { DEF, IZ },                    /* SBB rAX, Iz */
	[0x1e] = { DEF | I64 },                  /* PUSH DS */
	[0x1f] = { DEF | I64 },                  /* POP DS */
	[0x20] = { MRM | BYTE },                 /* AND Eb, Gb */
	[0x21] = { MRM },                        /* AND Ev, Gv */
	[0x22] = { MRM | BYTE },                 /* AND Gb, Eb */
	[0x23] = { MRM },                        /* AND Gv, Ev */
	[0x24] = { DEF | BYTE, IB },             /* AND AL, Ib */
	[0x25] = { DEF, IZ },                    /* AND rAX, Iz */
	/* 0x26: ES prefix */
	[0x27] = { DEF | I64 },                  /* DAA */
	[0x28] = { MRM | BYTE },                 /* SUB Eb, Gb */
	[0x29] = { MRM },                        /* SUB Ev, Gv */
	[0x2a] = { MRM | BYTE },                 /* SUB Gb, Eb */
	[0x2b] = { MRM },                        /* SUB Gv, Ev */
	[0x2c] = { DEF | BYTE, IB },             /* SUB AL, Ib */
	[0x2d] = { DEF, IZ },                    /* SUB rAX, Iz */
	/* 0x2e: CS prefix */
	[0x2f] = { DEF | I64 },                  /* DAS */
	[0x30] = { MRM | BYTE },                 /* XOR Eb, Gb */
	[0x31] = { MRM },                        /* XOR Ev, Gv */
	[0x32] = { MRM | BYTE },                 /* XOR Gb, Eb */
	[0x33] = { MRM },                        /* XOR Gv, Ev */
	[0x34] = { DEF | BYTE, IB },             /* XOR AL, Ib */
	[0x35] = { DEF, IZ },                    /* XOR rAX, Iz */
	/* 0x36: SS prefix */
	[0x37] = { DEF | I64 },                  /* AAA */
	[0x38] = { MRM | BYTE },                 /* CMP Eb, Gb */
	[0x39] = { MRM },                        /* CMP Ev, Gv */
	[0x3a] = { MRM | BYTE },                 /* CMP Gb, Eb */
	[0x3b] = { MRM },                        /* CMP Gv, Ev */
	[0x3c] = { DEF | BYTE, IB },             /* CMP AL, Ib */
	[0x3d] = { DEF, IZ },                    /* CMP rAX, Iz */
	/* 0x3e: DS prefix */
	[0x3f] = { DEF | I64 },                  /* AAS */
	[0x40 ... 0x47] = { DEF | PLUSR },       /* INC r16/32 (REX in 64-bit mode) */
	[0x48 ... 0x4f] = { DEF | PLUSR },       /* DEC r16/32 (REX in 64-bit mode) */
	[0x50 ... 0x57] = { DEF | D64 | PLUSR }, /* PUSH r */
	[0x58 ... 0x5f] = { DEF | D64 | PLUSR }, /* POP r */
	[0x60] = { DEF | I64 },                  /* PUSHA */
	[0x61] = { DEF | I64 },                  /* POPA */
	[0x62] = { MRM | MEM | I64 },            /* BOUND Gv, Ma (EVEX escape) */
	[0x63] = { MRM },                        /* ARPL Ew, Gw; 64-bit: MOVSXD Gv, Ed */
	/* 0x64, 0x65: FS, GS prefixes; 0x66, 0x67: operand, address size */
	[0x68] = { DEF | D64, IZ },              /* PUSH Iz */
	[0x69] = { MRM, IZ },                    /* IMUL Gv, Ev, Iz */
	[0x6a] = { DEF | D64, IB },              /* PUSH Ib */
	[0x6b] = { MRM, IB },                    /* IMUL Gv, Ev, Ib */
	[0x6c] = { DEF | BYTE },                 /* INSB */
	[0x6d] = { DEF },                        /* INSW/INSD */
	[0x6e] = { DEF | BYTE },                 /* OUTSB */
	[0x6f] = { DEF },                        /* OUTSW/OUTSD */
	[0x70 ... 0x7f] = { DEF | D64, IB },     /* Jcc rel8 */
	[0x80] = { MRM | GRP | BYTE, IB, X86_GRP_1 },   /* group 1 Eb, Ib */
	[0x81] = { MRM | GRP, IZ, X86_GRP_1 },   /* group 1 Ev, Iz */
	[0x82] = { MRM | GRP | BYTE | I64, IB, X86_GRP_1 }, /* group 1 Eb, Ib */
	[0x83] = { MRM | GRP, IB, X86_GRP_1 },   /* group 1 Ev, Ib */
	[0x84] = { MRM | BYTE },                 /* TEST Eb, Gb */
	[0x85] = { MRM },                        /* TEST Ev, Gv */
	[0x86] = { MRM | BYTE },                 /* XCHG Eb, Gb */
	[0x87] = { MRM },                        /* XCHG Ev, Gv */
	[0x88] = { MRM | BYTE },                 /* MOV Eb, Gb */
	[0x89] = { MRM },                        /* MOV Ev, Gv */
	[0x8a] = { MRM | BYTE },                 /* MOV Gb, Eb */
	[0x8b] = { MRM },                        /* MOV Gv, Ev */
	[0x8c] = { MRM },                        /* MOV Ev, Sw */
	[0x8d] = { MRM | MEM },                  /* LEA Gv, M */
	[0x8e] = { MRM },                        /* MOV Sw, Ew */
	[0x8f] = { MRM | GRP | D64, 0, X86_GRP_1A },    /* group 1A: POP Ev (XOP escape) */
	[0x90 ... 0x97] = { DEF | PLUSR },       /* XCHG r, rAX; NOP; PAUSE */
	[0x98] = { DEF },                        /* CBW/CWDE/CDQE */
	[0x99] = { DEF },                        /* CWD/CDQ/CQO */
	[0x9a] = { DEF | I64, FAR },             /* CALL Ap */
	[0x9b] = { DEF },                        /* FWAIT */
	[0x9c] = { DEF | D64 },                  /* PUSHF */
	[0x9d] = { DEF | D64 },                  /* POPF */
	[0x9e] = { DEF },                        /* SAHF */
	[0x9f] = { DEF },                        /* LAHF */
	[0xa0] = { DEF | BYTE, MOFFS },          /* MOV AL, Ob */
	[0xa1] = { DEF, MOFFS },                 /* MOV rAX, Ov */
	[0xa2] = { DEF | BYTE, MOFFS },          /* MOV Ob, AL */
	[0xa3] = { DEF, MOFFS },                 /* MOV Ov, rAX */
	[0xa4] = { DEF | BYTE },                 /* MOVSB */
	[0xa5] = { DEF },                        /* MOVSW/D/Q */
	[0xa6] = { DEF | BYTE },                 /* CMPSB */
	[0xa7] = { DEF },                        /* CMPSW/D/Q */
	[0xa8] = { DEF | BYTE, IB },             /* TEST AL, Ib */
	[0xa9] = { DEF, IZ },                    /* TEST rAX, Iz */
	[0xaa] = { DEF | BYTE },                 /* STOSB */
	[0xab] = { DEF },                        /* STOSW/D/Q */
	[0xac] = { DEF | BYTE },                 /* LODSB */
	[0xad] = { DEF },                        /* LODSW/D/Q */
	[0xae] = { DEF | BYTE },                 /* SCASB */
	[0xaf] = { DEF },                        /* SCASW/D/Q */
	[0xb0 ... 0xb7] = { DEF | BYTE | PLUSR, IB },   /* MOV r8, Ib */
	[0xb8 ... 0xbf] = { DEF | PLUSR, IV },   /* MOV r, Iv */
	[0xc0] = { MRM | GRP | BYTE, IB, X86_GRP_2 },   /* group 2 Eb, Ib */
	[0xc1] = { MRM | GRP, IB, X86_GRP_2 },   /* group 2 Ev, Ib */
	[0xc2] = { DEF | D64, IW },              /* RET Iw */
	[0xc3] = { DEF | D64 },                  /* RET */
	[0xc4] = { MRM | MEM | I64 },            /* LES Gz, Mp (VEX3 escape) */
	[0xc5] = { MRM | MEM | I64 },            /* LDS Gz, Mp (VEX2 escape) */
	[0xc6] = { MRM | GRP | BYTE, IB, X86_GRP_11 },  /* group 11: MOV Eb, Ib; XABORT */
	[0xc7] = { MRM | GRP, IZ, X86_GRP_11 },  /* group 11: MOV Ev, Iz; XBEGIN */
	[0xc8] = { DEF | D64, IWB },             /* ENTER Iw, Ib */
	[0xc9] = { DEF | D64 },                  /* LEAVE */
	[0xca] = { DEF, IW },                    /* RETF Iw */
	[0xcb] = { DEF },                        /* RETF */
	[0xcc] = { DEF },                        /* INT3 */
	[0xcd] = { DEF, IB },                    /* INT Ib */
	[0xce] = { DEF | I64 },                  /* INTO */
	[0xcf] = { DEF },                        /* IRET */
	[0xd0] = { MRM | GRP | BYTE, 0, X86_GRP_2 },    /* group 2 Eb, 1 */
	[0xd1] = { MRM | GRP, 0, X86_GRP_2 },    /* group 2 Ev, 1 */
	[0xd2] = { MRM | GRP | BYTE, 0, X86_GRP_2 },    /* group 2 Eb, CL */
	[0xd3] = { MRM | GRP, 0, X86_GRP_2 },    /* group 2 Ev, CL */
	[0xd4] = { DEF | I64, IB },              /* AAM Ib */
	[0xd5] = { DEF | I64, IB },              /* AAD Ib */
	/* 0xd6: undefined (SALC on some processors, in neither manual) */
	[0xd7] = { DEF },                        /* XLAT */
	[0xd8 ... 0xdf] = { MRM },               /* x87 escapes */
	[0xe0] = { DEF | D64, IB },              /* LOOPNE rel8 */
	[0xe1] = { DEF | D64, IB },              /* LOOPE rel8 */
	[0xe2] = { DEF | D64, IB },              /* LOOP rel8 */
	[0xe3] = { DEF | D64, IB },              /* JrCXZ rel8 */
	[0xe4] = { DEF | BYTE, IB },             /* IN AL, Ib */
	[0xe5] = { DEF, IB },                    /* IN eAX, Ib */
	[0xe6] = { DEF | BYTE, IB },             /* OUT Ib, AL */
	[0xe7] = { DEF, IB },                    /* OUT Ib, eAX */
	[0xe8] = { DEF | D64, IZ },              /* CALL rel16/32 */
	[0xe9] = { DEF | D64, IZ },              /* JMP rel16/32 */
	[0xea] = { DEF | I64, FAR },             /* JMP Ap */
	[0xeb] = { DEF | D64, IB },              /* JMP rel8 */
	[0xec] = { DEF | BYTE },                 /* IN AL, DX */
	[0xed] = { DEF },                        /* IN eAX, DX */
	[0xee] = { DEF | BYTE },                 /* OUT DX, AL */
	[0xef] = { DEF },                        /* OUT DX, eAX */
	/* 0xf0: LOCK prefix */
	[0xf1] = { DEF },                        /* INT1 (ICEBP) */
	/* 0xf2, 0xf3: REPNE, REP prefixes */
	[0xf4] = { DEF },                        /* HLT */
	[0xf5] = { DEF },                        /* CMC */
	[0xf6] = { MRM | GRP | BYTE, IB, X86_GRP_3 },   /* group 3 Eb */
	[0xf7] = { MRM | GRP, IZ, X86_GRP_3 },   /* group 3 Ev */
	[0xf8] = { DEF },                        /* CLC */
	[0xf9] = { DEF },                        /* STC */
	[0xfa] = { DEF },                        /* CLI */
	[0xfb] = { DEF },                        /* STI */
	[0xfc] = { DEF },                        /* CLD */
	[0xfd] = { DEF },                        /* STD */
	[0xfe] = { MRM | GRP | BYTE, 0, X86_GRP_4 },    /* group 4: INC/DEC Eb */
	[0xff] = { MRM | GRP, 0, X86_GRP_5 },    /* group 5 */
};

/*
 * The two-byte map (0F xx), which VEX and EVEX map 1 share: the VEX and
 * EVEX flags say which opcodes exist there, with the same ModRM and imm8
 * (decode.c ignores the legacy-only immediates and groups in those forms).
 */
const struct x86_decode_op x86_decode_map_0f[256] = {
	[0x00] = { MRM | GRP, 0, X86_GRP_6 },    /* group 6: SLDT ... VERW */
	[0x01] = { MRM | GRP, 0, X86_GRP_7 },    /* group 7: SGDT ... VMRUN ... */
	[0x02] = { MRM },                        /* LAR Gv, Ew */
	[0x03] = { MRM },                        /* LSL Gv, Ew */
	[0x05] = { DEF },                        /* SYSCALL */
	[0x06] = { DEF },                        /* CLTS */
	[0x07] = { DEF },                        /* SYSRET */
	[0x08] = { DEF },                        /* INVD */
	[0x09] = { DEF },                        /* WBINVD */
	[0x0b] = { DEF },                        /* UD2 */
	[0x0d] = { MRM },                        /* PREFETCH/PREFETCHW (AMD group P) */
	[0x0e] = { DEF },                        /* FEMMS */
	[0x0f] = { MRM, IB },                    /* 3DNow!: the imm8 is the opcode */
	[0x10 ... 0x11] = { MRM | VE },          /* MOVUPS ... MOVSD */
	[0x12 ... 0x13] = { MRM | VE },          /* MOVLPS ... */
	[0x14 ... 0x15] = { MRM | VE },          /* UNPCKLPS, UNPCKHPS */
	[0x16 ... 0x17] = { MRM | VE },          /* MOVHPS ... */
	[0x18] = { MRM },                        /* group 16: PREFETCHh, hint NOP */
	[0x19 ... 0x1f] = { MRM },               /* hint NOPs, NOP Ev, ENDBR, BND* */
	[0x20 ... 0x23] = { MRM | CRDR },        /* MOV r, CRn/DRn; MOV CRn/DRn, r */
	[0x28 ... 0x29] = { MRM | VE },          /* MOVAPS */
	[0x2a] = { MRM | VE },                   /* CVTPI2PS ... */
	[0x2b] = { MRM | VE },                   /* MOVNTPS */
	[0x2c ... 0x2d] = { MRM | VE },          /* CVTTPS2PI, CVTPS2PI ... */
	[0x2e ... 0x2f] = { MRM | VE },          /* UCOMISS, COMISS */
	[0x30] = { DEF },                        /* WRMSR */
	[0x31] = { DEF },                        /* RDTSC */
	[0x32] = { DEF },                        /* RDMSR */
	[0x33] = { DEF },                        /* RDPMC */
	[0x34] = { DEF },                        /* SYSENTER */
	[0x35] = { DEF },                        /* SYSEXIT */
	[0x37] = { DEF },                        /* GETSEC */
	/* 0x38, 0x3a: three-byte escapes */
	[0x40] = { MRM },                        /* CMOVO */
	[0x41 ... 0x42] = { MRM | VEX },         /* CMOVNO, CMOVB; KANDx, KANDNx */
	[0x43] = { MRM },                        /* CMOVAE */
	[0x44 ... 0x47] = { MRM | VEX },         /* CMOVE ... CMOVA; KNOT, KOR, KXNOR, KXOR */
	[0x48 ... 0x49] = { MRM },               /* CMOVS, CMOVNS */
	[0x4a ... 0x4b] = { MRM | VEX },         /* CMOVP, CMOVNP; KADD, KUNPCK */
	[0x4c ... 0x4f] = { MRM },               /* CMOVL ... CMOVG */
	[0x50] = { MRM | VEX },                  /* MOVMSKPS */
	[0x51] = { MRM | VE },                   /* SQRTPS */
	[0x52 ... 0x53] = { MRM | VEX },         /* RSQRTPS, RCPPS */
	[0x54 ... 0x57] = { MRM | VE },          /* ANDPS, ANDNPS, ORPS, XORPS */
	[0x58 ... 0x5f] = { MRM | VE },          /* ADDPS ... MAXPS */
	[0x60 ... 0x6f] = { MRM | VE },          /* PUNPCKLBW ... MOVQ/MOVDQA */
	[0x70] = { MRM | VE, IB },               /* PSHUFW/PSHUFD ... Ib */
	[0x71] = { MRM | GRP | VE, IB, X86_GRP_12 },    /* group 12: PSRLW ... Ib */
	[0x72] = { MRM | GRP | VE, IB, X86_GRP_13 },    /* group 13: PSRLD ... Ib */
	[0x73] = { MRM | GRP | VE, IB, X86_GRP_14 },    /* group 14: PSRLQ ... Ib */
	[0x74 ... 0x76] = { MRM | VE },          /* PCMPEQB/W/D */
	[0x77] = { DEF | VEX },                  /* EMMS; VEX: VZEROUPPER/ALL */
	[0x78] = { MRM | EVEX, SSE4A },          /* VMREAD; EXTRQ/INSERTQ Ib, Ib */
	[0x79] = { MRM | EVEX },                 /* VMWRITE; EXTRQ/INSERTQ xmm */
	[0x7a ... 0x7b] = { X86_OPF_MODRM | EVEX },     /* EVEX only: VCVTUDQ2PD ... */
	[0x7c ... 0x7d] = { MRM | VEX },         /* HADDPD, HSUBPD */
	[0x7e ... 0x7f] = { MRM | VE },          /* MOVD/MOVQ, MOVQ/MOVDQA */
	[0x80 ... 0x8f] = { DEF | D64, IZ },     /* Jcc rel16/32 */
	[0x90 ... 0x93] = { MRM | BYTE | VEX },  /* SETcc Eb; KMOVx */
	[0x94 ... 0x97] = { MRM | BYTE },        /* SETcc Eb */
	[0x98 ... 0x99] = { MRM | BYTE | VEX },  /* SETcc Eb; KORTEST, KTEST */
	[0x9a ... 0x9f] = { MRM | BYTE },        /* SETcc Eb */
	[0xa0] = { DEF | D64 },                  /* PUSH FS */
	[0xa1] = { DEF | D64 },                  /* POP FS */
	[0xa2] = { DEF },                        /* CPUID */
	[0xa3] = { MRM },                        /* BT Ev, Gv */
	[0xa4] = { MRM, IB },                    /* SHLD Ev, Gv, Ib */
	[0xa5] = { MRM },                        /* SHLD Ev, Gv, CL */
	[0xa8] = { DEF | D64 },                  /* PUSH GS */
	[0xa9] = { DEF | D64 },                  /* POP GS */
	[0xaa] = { DEF },                        /* RSM */
	[0xab] = { MRM },                        /* BTS Ev, Gv */
	[0xac] = { MRM, IB },                    /* SHRD Ev, Gv, Ib */
	[0xad] = { MRM },                        /* SHRD Ev, Gv, CL */
	[0xae] = { MRM | GRP | VEX, 0, X86_GRP_15 },    /* group 15; VLDMXCSR ... */
	[0xaf] = { MRM },                        /* IMUL Gv, Ev */
	[0xb0] = { MRM | BYTE },                 /* CMPXCHG Eb, Gb */
	[0xb1] = { MRM },                        /* CMPXCHG Ev, Gv */
	[0xb2] = { MRM | MEM },                  /* LSS Gv, Mp */
	[0xb3] = { MRM },                        /* BTR Ev, Gv */
	[0xb4] = { MRM | MEM },                  /* LFS Gv, Mp */
	[0xb5] = { MRM | MEM },                  /* LGS Gv, Mp */
	[0xb6] = { MRM },                        /* MOVZX Gv, Eb */
	[0xb7] = { MRM },                        /* MOVZX Gv, Ew */
	[0xb8] = { MRM },                        /* POPCNT Gv, Ev (JMPE) */
	[0xb9] = { MRM },                        /* UD1 Gv, Ev (group 10) */
	[0xba] = { MRM | GRP, IB, X86_GRP_8 },   /* group 8: BT* Ev, Ib */
	[0xbb] = { MRM },                        /* BTC Ev, Gv */
	[0xbc] = { MRM },                        /* BSF/TZCNT Gv, Ev */
	[0xbd] = { MRM },                        /* BSR/LZCNT Gv, Ev */
	[0xbe] = { MRM },                        /* MOVSX Gv, Eb */
	[0xbf] = { MRM },                        /* MOVSX Gv, Ew */
	[0xc0] = { MRM | BYTE },                 /* XADD Eb, Gb */
	[0xc1] = { MRM },                        /* XADD Ev, Gv */
	[0xc2] = { MRM | VE, IB },               /* CMPPS ... Ib */
	[0xc3] = { MRM | MEM },                  /* MOVNTI My, Gy */
	[0xc4] = { MRM | VE, IB },               /* PINSRW Ib */
	[0xc5] = { MRM | VE, IB },               /* PEXTRW Ib */
	[0xc6] = { MRM | VE, IB },               /* SHUFPS Ib */
	[0xc7] = { MRM | GRP, 0, X86_GRP_9 },    /* group 9: CMPXCHG8B ... */
	[0xc8 ... 0xcf] = { DEF | PLUSR },       /* BSWAP r */
	[0xd0] = { MRM | VEX },                  /* ADDSUBPD/PS */
	[0xd1 ... 0xd6] = { MRM | VE },          /* PSRLW ... MOVQ */
	[0xd7] = { MRM | VEX },                  /* PMOVMSKB */
	[0xd8 ... 0xdf] = { MRM | VE },          /* PSUBUSB ... PANDN */
	[0xe0 ... 0xef] = { MRM | VE },          /* PAVGB ... PXOR */
	[0xf0] = { MRM | VEX },                  /* LDDQU */
	[0xf1 ... 0xf6] = { MRM | VE },          /* PSLLW ... PSADBW */
	[0xf7] = { MRM | VEX },                  /* MASKMOVQ/MASKMOVDQU */
	[0xf8 ... 0xfe] = { MRM | VE },          /* PSUBB ... PADDD */
	[0xff] = { MRM },                        /* UD0 Gv, Ev */
};

/*
 * The three-byte maps in the legacy encoding: every opcode takes a ModRM
 * byte, and those of 0F 3A an imm8 as well. The opcodes that exist only
 * with VEX or EVEX are blank here: decode.c accepts the whole of VEX and
 * EVEX maps 2 and 3.
 */
const struct x86_decode_op x86_decode_map_0f38[256] = {
	[0x00 ... 0x0b] = { MRM },               /* PSHUFB PHADDW PHADDD PHADDSW PMADDUBSW PHSUBW
				       PHSUBD PHSUBSW PSIGNB PSIGNW PSIGND PMULHRSW */
	[0x10] = { MRM },                        /* PBLENDVB */
	[0x14 ... 0x15] = { MRM },               /* BLENDVPS BLENDVPD */
	[0x17] = { MRM },                        /* PTEST */
	[0x1c ... 0x1e] = { MRM },               /* PABSB PABSW PABSD */
	[0x20 ... 0x25] = { MRM },               /* PMOVSXBW BD BQ WD WQ DQ */
	[0x28 ... 0x2b] = { MRM },               /* PMULDQ PCMPEQQ MOVNTDQA PACKUSDW */
	[0x30 ... 0x35] = { MRM },               /* PMOVZXBW BD BQ WD WQ DQ */
	[0x37 ... 0x3f] = { MRM },               /* PCMPGTQ PMINSB PMINSD PMINUW PMINUD PMAXSB
				       PMAXSD PMAXUW PMAXUD */
	[0x40 ... 0x41] = { MRM },               /* PMULLD PHMINPOSUW */
	[0x80 ... 0x82] = { MRM },               /* INVEPT INVVPID INVPCID */
	[0xc8 ... 0xcd] = { MRM },               /* SHA1NEXTE SHA1MSG1 SHA1MSG2 SHA256RNDS2
				       SHA256MSG1 SHA256MSG2 */
	[0xcf] = { MRM },                        /* GF2P8MULB */
	[0xd8] = { MRM },                        /* AESENCWIDE128KL ... (Key Locker) */
	[0xdb ... 0xdf] = { MRM },               /* AESIMC AESENC AESENCLAST AESDEC AESDECLAST;
				       AESENC128KL ... (Key Locker) */
	[0xf0 ... 0xf1] = { MRM },               /* MOVBE; CRC32 */
	[0xf5] = { MRM },                        /* WRUSS */
	[0xf6] = { MRM },                        /* WRSS; ADCX; ADOX */
	[0xf8] = { MRM },                        /* MOVDIR64B; ENQCMD; ENQCMDS */
	[0xf9] = { MRM },                        /* MOVDIRI */
	[0xfa ... 0xfb] = { MRM },               /* ENCODEKEY128 ENCODEKEY256 */
	[0xfc] = { MRM },                        /* AADD AAND AOR AXOR */
};

const struct x86_decode_op x86_decode_map_0f3a[256] = {
	[0x08 ... 0x0f] = { MRM, IB },           /* ROUNDPS ROUNDPD ROUNDSS ROUNDSD BLENDPS
					   BLENDPD PBLENDW PALIGNR */
	[0x14 ... 0x17] = { MRM, IB },           /* PEXTRB PEXTRW PEXTRD/Q EXTRACTPS */
	[0x20 ... 0x22] = { MRM, IB },           /* PINSRB INSERTPS PINSRD/Q */
	[0x40 ... 0x42] = { MRM, IB },           /* DPPS DPPD MPSADBW */
	[0x44] = { MRM, IB },                    /* PCLMULQDQ */
	[0x60 ... 0x63] = { MRM, IB },           /* PCMPESTRM PCMPESTRI PCMPISTRM PCMPISTRI */
	[0xcc] = { MRM, IB },                    /* SHA1RNDS4 */
	[0xce ... 0xcf] = { MRM, IB },           /* GF2P8AFFINEQB GF2P8AFFINEINVQB */
	[0xdf] = { MRM, IB },                    /* AESKEYGENASSIST */
	[0xf0] = { MRM, IB },                    /* HRESET */
};

/*
 * The groups: an entry's flags join those of the opcode that selected it
 * (its immediate stays the opcode's unless NOIMM drops it). Register forms
 * that exist only with a particular ModRM.rm (0F 01 D8 VMRUN ...) are all
 * accepted: they share one length.
 */
#define ALL8 { { DEF }, { DEF }, { DEF }, { DEF }, { DEF }, { DEF }, { DEF }, { DEF } }

const struct x86_decode_group x86_decode_groups[X86_GRP_COUNT] = {
	/* ADD OR ADC SBB AND SUB XOR CMP */
	[X86_GRP_1] = { .mem = ALL8, .reg = ALL8 },
	/* POP Ev; /1-/7 undefined (XOP escape) */
	[X86_GRP_1A] = { .mem = { [0] = { DEF } }, .reg = { [0] = { DEF } } },
	/* ROL ROR RCL RCR SHL SHR SAL(alias) SAR */
	[X86_GRP_2] = { .mem = ALL8, .reg = ALL8 },
	/* TEST TEST(alias) NOT NEG MUL IMUL DIV IDIV: only TEST has the imm */
	[X86_GRP_3] = {
		.mem = { { DEF }, { DEF }, { DEF | NOIMM }, { DEF | NOIMM },
			 { DEF | NOIMM }, { DEF | NOIMM }, { DEF | NOIMM }, { DEF | NOIMM } },
		.reg = { { DEF }, { DEF }, { DEF | NOIMM }, { DEF | NOIMM },
			 { DEF | NOIMM }, { DEF | NOIMM }, { DEF | NOIMM }, { DEF | NOIMM } },
	},
	/* INC Eb, DEC Eb */
	[X86_GRP_4] = { .mem = { { DEF }, { DEF } }, .reg = { { DEF }, { DEF } } },
	/* INC DEC CALL CALLF JMP JMPF PUSH; far forms take memory only */
	[X86_GRP_5] = {
		.mem = { { DEF }, { DEF }, { DEF | D64 }, { DEF },
			 { DEF | D64 }, { DEF }, { DEF | D64 } },
		.reg = { { DEF }, { DEF }, { DEF | D64 }, { 0 },
			 { DEF | D64 }, { 0 }, { DEF | D64 } },
	},
	/* SLDT STR LLDT LTR VERR VERW */
	[X86_GRP_6] = {
		.mem = { { DEF }, { DEF }, { DEF }, { DEF }, { DEF }, { DEF } },
		.reg = { { DEF }, { DEF }, { DEF }, { DEF }, { DEF }, { DEF } },
	},
	/* SGDT SIDT LGDT LIDT SMSW RSTORSSP LMSW INVLPG; register forms:
	 * VMCALL... MONITOR MWAIT CLAC STAC, XGETBV XSETBV..., VMRUN VMMCALL
	 * VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA, SMSW, SERIALIZE RDPKRU...,
	 * LMSW, SWAPGS RDTSCP MONITORX MWAITX CLZERO RDPRU INVLPGB TLBSYNC */
	[X86_GRP_7] = { .mem = ALL8, .reg = ALL8 },
	/* /4-/7: BT BTS BTR BTC */
	[X86_GRP_8] = {
		.mem = { [4] = { DEF }, [5] = { DEF }, [6] = { DEF }, [7] = { DEF } },
		.reg = { [4] = { DEF }, [5] = { DEF }, [6] = { DEF }, [7] = { DEF } },
	},
	/* memory: CMPXCHG8B/16B XRSTORS XSAVEC XSAVES VMPTRLD/VMCLEAR/VMXON
	 * VMPTRST; register: RDRAND RDSEED/RDPID */
	[X86_GRP_9] = {
		.mem = { [1] = { DEF }, [3] = { DEF }, [4] = { DEF }, [5] = { DEF },
			 [6] = { DEF }, [7] = { DEF } },
		.reg = { [6] = { DEF }, [7] = { DEF } },
	},
	/* MOV Ex, imm; register form /7 with rm 0: XABORT Ib (C6 F8),
	 * XBEGIN rel16/32 (C7 F8) */
	[X86_GRP_11] = {
		.mem = { [0] = { DEF } },
		.reg = { [0] = { DEF }, [7] = { DEF | RM0 } },
	},
	/* PSRLW PSRAW PSLLW by Ib, register forms only */
	[X86_GRP_12] = { .reg = { [2] = { DEF }, [4] = { DEF }, [6] = { DEF } } },
	/* PSRLD PSRAD PSLLD by Ib, register forms only */
	[X86_GRP_13] = { .reg = { [2] = { DEF }, [4] = { DEF }, [6] = { DEF } } },
	/* PSRLQ PSRLDQ PSLLQ PSLLDQ by Ib, register forms only */
	[X86_GRP_14] = { .reg = { [2] = { DEF }, [3] = { DEF }, [6] = { DEF }, [7] = { DEF } } },
	/* FXSAVE FXRSTOR LDMXCSR STMXCSR XSAVE XRSTOR XSAVEOPT/CLWB
	 * CLFLUSH/CLFLUSHOPT; register: RDFSBASE ... WRGSBASE PTWRITE
	 * LFENCE/INCSSP MFENCE/UMWAIT... SFENCE */
	[X86_GRP_15] = { .mem = ALL8, .reg = ALL8 },
};
