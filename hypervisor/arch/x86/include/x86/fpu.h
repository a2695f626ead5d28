/*
 * fpu.h - FPU/SSE/AVX state: the host's XSAVE set-up and the save and
 * restore of a guest's state.
 *
 * The hypervisor itself never uses x87/SSE/AVX registers (it is built
 * -mgeneral-regs-only), so a guest's FPU state can stay in the registers
 * for as long as the vCPU runs on a pCPU; it is saved only when the vCPU
 * leaves the pCPU (virt_vcpu_put) and restored when one arrives.
 */
#ifndef X86_FPU_H
#define X86_FPU_H

#include <stdint.h>
#include <stdbool.h>

#define XCR0_X87  (1ull << 0)
#define XCR0_SSE  (1ull << 1)
#define XCR0_AVX  (1ull << 2)

/* Per CPU: enables XSAVE (CR4.OSXSAVE) and FXSR, sets the host XCR0. */
void fpu_init_cpu(void);
/* XCR0 bits a guest may enable (a subset of x87|SSE|AVX the CPU has). */
uint64_t fpu_guest_xcr0_mask(void);
/* Bytes of an XSAVE area for every component a guest may enable. */
unsigned fpu_area_size(void);
/* Fills a fresh area with the initial state (FCW 0x37f, MXCSR 0x1f80). */
void fpu_area_init(void *area);
/* True if a guest may set XCR0 to val (x87 on, AVX needs SSE, known bits). */
bool fpu_xcr0_valid(uint64_t val);
void fpu_set_xcr0(uint64_t val);
uint64_t fpu_get_xcr0(void);
/* Saves/restores the components enabled in the current XCR0. */
void fpu_save(void *area);
void fpu_restore(const void *area);

#endif
