/*
 * rt/desc.h - the runtime's descriptor tables: one GDT (code, data and a
 * TSS per vCPU whose IST1 is the vCPU's IST stack) and one IDT shared by
 * all vCPUs.
 */
#ifndef RT_DESC_H
#define RT_DESC_H

/* Fill the tables (vCPU 0, once, before any vCPU loads them). */
void rt_gdt_init(void);
void rt_idt_init(void);

/* Load them on the calling vCPU: LGDT, reload CS/DS/ES/SS, LTR; LIDT. */
void rt_gdt_load(unsigned int cpu);
void rt_idt_load(void);

#endif
