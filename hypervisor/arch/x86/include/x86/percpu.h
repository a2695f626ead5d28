/*
 * percpu.h - per-CPU data of the hypervisor.
 *
 * Each CPU's GS base points at its struct percpu, whose first field points
 * at itself, so `this_cpu()` is one load from %gs:0. The boot CPU is
 * logical CPU 0; APs are numbered in MADT order.
 *
 * Fields are set once when the CPU is brought up, by the CPU starting it
 * (id, apic_id, stacks) or by the CPU itself (the rest), unless a comment
 * says otherwise.
 */
#ifndef X86_PERCPU_H
#define X86_PERCPU_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "hv/schedule.h"

#define MAX_CPUS 64

/* Interrupt stack table slots (TSS.IST1..3). */
#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3

/* GDT selectors, the same on every CPU (and in boot.S's early GDT). */
#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x18
#define GDT_ENTRIES 5            /* null, code, data, TSS (two slots) */

/* 64-bit TSS, APM vol. 2, 12.2.5 "64-Bit Task State Segment". */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS size");
_Static_assert(offsetof(struct tss64, ist) == 36, "TSS IST offset");

struct percpu {
	struct percpu *self;         /* %gs:0 */
	unsigned id;                 /* logical CPU number */
	uint32_t apic_id;
	uint64_t stack_lo, stack_top;    /* main stack [lo, top), guarded below */
	uint64_t ist_lo[4], ist_top[4];  /* [IST_NMI..IST_MC], guarded below */
	volatile bool online;        /* set by the CPU when it is ready */
	volatile int boot_status;    /* AP start-up: see smp.c */
	bool svm_enabled;
	uint64_t hsave_pa;           /* SVM host save area */
	volatile bool stopped;       /* set by the CPU when a panic stops it */
	uint64_t timer_deadline;     /* armed one-shot deadline (ns), 0: none;
				      * this CPU only, interrupts off */
	uint64_t timer_fired;        /* count of one-shot expiries */
	volatile uint64_t ipi_calls; /* IPI_CALL interrupts received */
	void (*volatile call_fn)(void);  /* smp_call(): run at next IPI_CALL */
	uint64_t host_save_pa;       /* VMSAVE area of the host (SVM) */
	uint32_t asid_next;          /* next ASID to hand out this generation */
	uint32_t asid_max;
	uint64_t asid_generation;
	struct sched_cpu sched;      /* this CPU's scheduling state */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct percpu, self) == 0, "gs:0 must be self");

extern struct percpu percpu_areas[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Sets GS base to this CPU's area. */
void percpu_install(struct percpu *p);

#endif
