/*
 * vmcb.h - the Virtual Machine Control Block (APM vol. 2, Appendix B,
 * "Layout of VMCB"): a 4 KiB page, the control area at 0x000 and the state
 * save area at 0x400. Every field carries its offset; _Static_asserts
 * below check the ones the code uses.
 *
 * Fields the hypervisor changes after a vCPU's first VMRUN are written
 * through the setters in svm/vmcb.c, which clear the matching VMCB clean
 * bit (APM vol. 2, 15.15.3) so a CPU that caches VMCB state reloads it.
 */
#ifndef X86_VMCB_H
#define X86_VMCB_H

#include <stdint.h>
#include <stddef.h>

struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;         /* descriptor bits 40-47 and 52-55, packed */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000: 0-15 reads, 16-31 writes */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exceptions;  /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00c: INTERCEPT1_* */
	uint32_t intercept_misc2;       /* 0x010: INTERCEPT2_* */
	uint32_t intercept_misc3;       /* 0x014 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;/* 0x03c */
	uint16_t pause_filter_count;    /* 0x03e */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 */
	uint8_t tlb_control;            /* 0x05c */
	uint8_t reserved_05d[3];
	uint64_t int_ctl;               /* 0x060: V_TPR, V_IRQ, ... */
	uint64_t int_state;             /* 0x068: bit 0 interrupt shadow */
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info1;            /* 0x078 */
	uint64_t exit_info2;            /* 0x080 */
	uint64_t exit_int_info;         /* 0x088 */
	uint64_t nested_ctl;            /* 0x090: bit 0 NP_ENABLE */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0a0 */
	uint64_t event_inj;             /* 0x0a8 */
	uint64_t n_cr3;                 /* 0x0b0 */
	uint64_t virt_ext;              /* 0x0b8: LBR virtualisation, ... */
	uint32_t clean;                 /* 0x0c0: VMCB_CLEAN_* */
	uint32_t reserved_0c4;
	uint64_t next_rip;              /* 0x0c8 (needs NRIP save) */
	uint8_t insn_len;               /* 0x0d0 (needs decode assists) */
	uint8_t insn_bytes[15];         /* 0x0d1 */
	uint8_t reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_seg es;             /* 0x400 */
	struct vmcb_seg cs;             /* 0x410 */
	struct vmcb_seg ss;             /* 0x420 */
	struct vmcb_seg ds;             /* 0x430 */
	struct vmcb_seg fs;             /* 0x440 */
	struct vmcb_seg gs;             /* 0x450 */
	struct vmcb_seg gdtr;           /* 0x460 */
	struct vmcb_seg ldtr;           /* 0x470 */
	struct vmcb_seg idtr;           /* 0x480 */
	struct vmcb_seg tr;             /* 0x490 */
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;                    /* 0x4cb */
	uint32_t reserved_4cc;
	uint64_t efer;                  /* 0x4d0 */
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;                   /* 0x5d8 */
	uint64_t s_cet;                 /* 0x5e0 */
	uint64_t ssp;                   /* 0x5e8 */
	uint64_t isst_addr;             /* 0x5f0 */
	uint64_t rax;                   /* 0x5f8 */
	uint64_t star;                  /* 0x600 */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668 */
	uint64_t dbgctl;                /* 0x670 */
	uint64_t br_from;               /* 0x678 */
	uint64_t br_to;                 /* 0x680 */
	uint64_t last_excp_from;        /* 0x688 */
	uint64_t last_excp_to;          /* 0x690 */
	uint8_t reserved_698[0x1000 - 0x698];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed));

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(offsetof(struct vmcb, control.iopm_base_pa) == 0x040, "VMCB");
_Static_assert(offsetof(struct vmcb, control.asid) == 0x058, "VMCB");
_Static_assert(offsetof(struct vmcb, control.int_ctl) == 0x060, "VMCB");
_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x070, "VMCB");
_Static_assert(offsetof(struct vmcb, control.exit_int_info) == 0x088, "VMCB");
_Static_assert(offsetof(struct vmcb, control.event_inj) == 0x0a8, "VMCB");
_Static_assert(offsetof(struct vmcb, control.n_cr3) == 0x0b0, "VMCB");
_Static_assert(offsetof(struct vmcb, control.clean) == 0x0c0, "VMCB");
_Static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8, "VMCB");
_Static_assert(offsetof(struct vmcb, save.es) == 0x400, "VMCB");
_Static_assert(offsetof(struct vmcb, save.tr) == 0x490, "VMCB");
_Static_assert(offsetof(struct vmcb, save.cpl) == 0x4cb, "VMCB");
_Static_assert(offsetof(struct vmcb, save.efer) == 0x4d0, "VMCB");
_Static_assert(offsetof(struct vmcb, save.cr4) == 0x548, "VMCB");
_Static_assert(offsetof(struct vmcb, save.rflags) == 0x570, "VMCB");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "VMCB");
_Static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8, "VMCB");
_Static_assert(offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB");
_Static_assert(offsetof(struct vmcb, save.star) == 0x600, "VMCB");
_Static_assert(offsetof(struct vmcb, save.cr2) == 0x640, "VMCB");
_Static_assert(offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB");

/* intercept_misc1 (APM vol. 2, Appendix B, offset 0x00c) */
#define INTERCEPT1_INTR        (1u << 0)
#define INTERCEPT1_NMI         (1u << 1)
#define INTERCEPT1_SMI         (1u << 2)
#define INTERCEPT1_INIT        (1u << 3)
#define INTERCEPT1_VINTR       (1u << 4)
#define INTERCEPT1_RDPMC       (1u << 15)
#define INTERCEPT1_CPUID       (1u << 18)
#define INTERCEPT1_RSM         (1u << 19)
#define INTERCEPT1_INVD        (1u << 22)
#define INTERCEPT1_PAUSE       (1u << 23)
#define INTERCEPT1_HLT         (1u << 24)
#define INTERCEPT1_INVLPGA     (1u << 26)
#define INTERCEPT1_IOIO        (1u << 27)
#define INTERCEPT1_MSR         (1u << 28)
#define INTERCEPT1_TASK_SWITCH (1u << 29)
#define INTERCEPT1_FERR_FREEZE (1u << 30)
#define INTERCEPT1_SHUTDOWN    (1u << 31)

/* intercept_misc2 (offset 0x010) */
#define INTERCEPT2_VMRUN       (1u << 0)
#define INTERCEPT2_VMMCALL     (1u << 1)
#define INTERCEPT2_VMLOAD      (1u << 2)
#define INTERCEPT2_VMSAVE      (1u << 3)
#define INTERCEPT2_STGI        (1u << 4)
#define INTERCEPT2_CLGI        (1u << 5)
#define INTERCEPT2_SKINIT      (1u << 6)
#define INTERCEPT2_RDTSCP      (1u << 7)
#define INTERCEPT2_ICEBP       (1u << 8)
#define INTERCEPT2_WBINVD      (1u << 9)
#define INTERCEPT2_MONITOR     (1u << 10)
#define INTERCEPT2_MWAIT       (1u << 11)
#define INTERCEPT2_MWAIT_COND  (1u << 12)
#define INTERCEPT2_XSETBV      (1u << 13)
#define INTERCEPT2_RDPRU       (1u << 14)

/* int_ctl (offset 0x060) */
#define INT_CTL_V_TPR_MASK     0xffull
#define INT_CTL_V_IRQ          (1ull << 8)
#define INT_CTL_V_INTR_PRIO_SHIFT 16
#define INT_CTL_V_IGN_TPR      (1ull << 20)
#define INT_CTL_V_INTR_MASKING (1ull << 24)
#define INT_CTL_V_INTR_VECTOR_SHIFT 32

#define INT_STATE_SHADOW       (1ull << 0)

/* event_inj and exit_int_info (APM vol. 2, 15.20) */
#define EVENT_VECTOR_MASK      0xffull
#define EVENT_TYPE_INTR        (0ull << 8)
#define EVENT_TYPE_NMI         (2ull << 8)
#define EVENT_TYPE_EXCEPTION   (3ull << 8)
#define EVENT_TYPE_SOFT_INT    (4ull << 8)
#define EVENT_TYPE_MASK        (7ull << 8)
#define EVENT_ERROR_VALID      (1ull << 11)
#define EVENT_VALID            (1ull << 31)
#define EVENT_ERROR_SHIFT      32

/* tlb_control */
#define TLB_CONTROL_NONE       0
#define TLB_CONTROL_FLUSH_ALL  1
#define TLB_CONTROL_FLUSH_ASID 3

#define NESTED_CTL_NP_ENABLE   (1ull << 0)

/* Clean bits (APM vol. 2, 15.15.3): a set bit lets the CPU keep its cached
 * copy of that group of fields. */
#define VMCB_CLEAN_INTERCEPTS  (1u << 0)
#define VMCB_CLEAN_IOPM        (1u << 1)
#define VMCB_CLEAN_ASID        (1u << 2)
#define VMCB_CLEAN_TPR         (1u << 3)
#define VMCB_CLEAN_NP          (1u << 4)
#define VMCB_CLEAN_CRX         (1u << 5)
#define VMCB_CLEAN_DRX         (1u << 6)
#define VMCB_CLEAN_DT          (1u << 7)
#define VMCB_CLEAN_SEG         (1u << 8)
#define VMCB_CLEAN_CR2         (1u << 9)
#define VMCB_CLEAN_LBR         (1u << 10)
#define VMCB_CLEAN_AVIC        (1u << 11)
#define VMCB_CLEAN_ALL         0xfffu

/* Exit codes (APM vol. 2, Appendix C) */
#define SVM_EXIT_READ_CR0      0x000
#define SVM_EXIT_WRITE_CR0     0x010
#define SVM_EXIT_READ_DR0      0x020
#define SVM_EXIT_WRITE_DR0     0x030
#define SVM_EXIT_EXCP_BASE     0x040
#define SVM_EXIT_INTR          0x060
#define SVM_EXIT_NMI           0x061
#define SVM_EXIT_SMI           0x062
#define SVM_EXIT_INIT          0x063
#define SVM_EXIT_VINTR         0x064
#define SVM_EXIT_RDPMC         0x06f
#define SVM_EXIT_CPUID         0x072
#define SVM_EXIT_RSM           0x073
#define SVM_EXIT_INVD          0x076
#define SVM_EXIT_PAUSE         0x077
#define SVM_EXIT_HLT           0x078
#define SVM_EXIT_INVLPGA       0x07a
#define SVM_EXIT_IOIO          0x07b
#define SVM_EXIT_MSR           0x07c
#define SVM_EXIT_TASK_SWITCH   0x07d
#define SVM_EXIT_FERR_FREEZE   0x07e
#define SVM_EXIT_SHUTDOWN      0x07f
#define SVM_EXIT_VMRUN         0x080
#define SVM_EXIT_VMMCALL       0x081
#define SVM_EXIT_VMLOAD        0x082
#define SVM_EXIT_VMSAVE        0x083
#define SVM_EXIT_STGI          0x084
#define SVM_EXIT_CLGI          0x085
#define SVM_EXIT_SKINIT        0x086
#define SVM_EXIT_RDTSCP        0x087
#define SVM_EXIT_ICEBP         0x088
#define SVM_EXIT_WBINVD        0x089
#define SVM_EXIT_MONITOR       0x08a
#define SVM_EXIT_MWAIT         0x08b
#define SVM_EXIT_MWAIT_COND    0x08c
#define SVM_EXIT_XSETBV        0x08d
#define SVM_EXIT_RDPRU         0x08e
#define SVM_EXIT_NPF           0x400
#define SVM_EXIT_INVALID       ((uint64_t)-1)

/* IOIO exit_info1 (APM vol. 2, 15.10.2) */
#define IOIO_TYPE_IN           (1u << 0)
#define IOIO_STR               (1u << 2)
#define IOIO_REP               (1u << 3)
#define IOIO_SIZE_SHIFT        4        /* bits 4-6: 1, 2 or 4 bytes */
#define IOIO_PORT_SHIFT        16

/* NPF exit_info1: a page-fault error code (APM vol. 2, 15.25.6) */
#define NPF_PRESENT            (1ull << 0)
#define NPF_WRITE              (1ull << 1)
#define NPF_USER               (1ull << 2)
#define NPF_RESERVED           (1ull << 3)
#define NPF_FETCH              (1ull << 4)
#define NPF_FINAL_GPA          (1ull << 32)
#define NPF_IN_PAGE_WALK       (1ull << 33)

/* Segment attributes (vmcb_seg.attrib): type in bits 0-3, S 4, DPL 5-6,
 * P 7, AVL 8, L 9, D/B 10, G 11. */
#define SEG_ATTR_CODE64        0x029b   /* P, S, code RX accessed, L */
#define SEG_ATTR_DATA          0x0c93   /* P, S, data RW accessed, DB, G */
#define SEG_ATTR_TSS64_BUSY    0x008b
#define SEG_ATTR_LDT           0x0082

#endif
