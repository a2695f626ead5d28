/*
 * control.h - the hypervisor's side of the control interface
 * (muxvisor/control.h is the ABI; docs/control-abi.md describes it as
 * built). The code is in hypervisor/control/, one file per group of
 * calls; this header is what the rest of the hypervisor calls.
 */
#ifndef HV_CONTROL_H
#define HV_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include "x86/virt.h"

struct vcpu;
struct domain;

/*
 * MUXV_HC_CONTROL from vCPU v (RBX = guest-physical address of a struct
 * muxv_ctl, RCX = its size). Only the privileged domain's kernel (CPL 0)
 * may call; anyone else gets -EPERM and a rate-limited log line. *ret is
 * the RAX value (0 or a negated errno).
 */
enum virt_action control_hypercall(struct vcpu *v, const uint64_t arg[4], int64_t *ret);

/* Removes every mapping of d's pages from dom0 (all of them if d is
 * dom0) and waits for dom0's TLBs to drop them: before d's pages are
 * freed. Life-cycle lock held. */
void ctl_mem_domain_gone(struct domain *d);

/* Whether d's page gfn is mapped into dom0 (MEM_MAP): such a page must
 * not be taken from d (a balloon) while it is. d's mem_lock held (MEM_MAP
 * looks pages up and records them under it, so the answer stays true
 * until the caller drops the lock) or the life-cycle lock; it takes the
 * map table's own leaf lock. */
bool ctl_mem_gfn_mapped(const struct domain *d, uint64_t gfn);

/* Appends an event (MUXV_EV_*) about domain domid for dom0, with a detail
 * (the reason of a stop). Any context, any lock held. */
void control_event(uint32_t domid, uint32_t type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
