/*
 * balloon.h - moving a Linux customer domain's memory between the domain
 * and the hypervisor's free pool (docs/balloon.md): what the virtio-balloon
 * device's requests do to the domain's nested page tables, pages populated
 * again when the guest touches them, and the per-domain accounting.
 *
 * Every 4 KiB page of the domain's RAM (its E820 RAM, up to the ceiling
 * cfg.mem_bytes) is in exactly one of three states:
 *   populated  mapped in the nested page tables, backed by a pool page;
 *   ballooned  in the guest's balloon: unmapped, its page back in the pool;
 *   dropped    unmapped and not ballooned: reported free by the guest, or
 *              above the start target of a pre-ballooned domain.
 * A guest touch of a ballooned or dropped page maps a fresh zeroed page
 * (a touch of a ballooned page takes it out of the balloon), as does a
 * hypervisor access through guest_mem.c. So populated + ballooned +
 * dropped == ram_pages, always.
 *
 * Locking: the domain's mem_lock protects this state and every change to
 * the nested page tables after creation; it nests inside dev_lock (the
 * device's requests arrive under dev_lock) and outside the pool lock.
 */
#ifndef HV_BALLOON_H
#define HV_BALLOON_H

#include <stdint.h>
#include <stdbool.h>
#include "hv/virtio_balloon.h"

struct domain;

/* Smallest target a domain may be given. */
#define BALLOON_MIN_TARGET   (16ull << 20)

/* A domain's balloon figures, in 4 KiB pages unless named otherwise. */
struct balloon_info {
	uint64_t ram_pages;          /* the ceiling: E820 RAM */
	uint64_t target_pages;       /* what the guest should keep */
	uint64_t populated_pages;    /* backed by pool pages now */
	uint64_t npt_table_pages;    /* the nested page tables themselves */
	uint64_t ballooned_pages;    /* in the guest's balloon */
	uint64_t dropped_pages;      /* unpopulated, not ballooned */
	uint32_t guest_actual;       /* the driver's own count (config actual) */
	uint64_t inflated, deflated; /* pages, since creation */
	uint64_t reported_pages;     /* dropped through free page reporting */
	uint64_t touched;            /* ballooned pages repopulated by a touch */
	uint64_t refaulted;          /* dropped pages repopulated by a touch */
	uint64_t ignored;            /* duplicate inflates, deflates of pages
				      * not in the balloon, reports of ballooned
				      * pages */
	uint64_t pinned;             /* inflates and reports of pages dom0
				      * maps (MEM_MAP), left populated */
	struct virtio_balloon_stats stats;  /* the guest's last statistics */
	uint64_t stats_age_ns;       /* since they arrived; 0 if none */
};

/*
 * Sets up d's balloon state for RAM [0, low_end) and [4 GiB, high_end)
 * (high_end 0: none) and populates the first target bytes of it; the rest
 * starts dropped. Domain creation only. 0, -EINVAL (target out of range) or
 * -ENOMEM.
 */
int balloon_domain_init(struct domain *d, uint64_t low_end, uint64_t high_end,
			uint64_t target);
/* Frees the state (the pages themselves go with the nested tables). */
void balloon_domain_free(struct domain *d);

/* The device's requests for d (domain/linux_platform.c wires them). */
const struct virtio_balloon_ops *balloon_device_ops(struct domain *d);

/*
 * Sets d's target (bytes, BALLOON_MIN_TARGET .. ceiling, whole pages) and
 * tells the guest's driver. 0, -EINVAL or -ENODEV (no balloon). Any
 * context without d's dev_lock. This and balloon_get() are what the
 * control calls MUXV_CTL_BALLOON_SET/GET will call.
 */
int balloon_set_target(struct domain *d, uint64_t bytes);

/* Reads d's figures and asks the guest for fresh statistics (they arrive
 * later). 0 or -ENODEV. Same context as balloon_set_target(). */
int balloon_get(struct domain *d, struct balloon_info *out);

/* Prints d's figures as one "balloon-state:" line (docs/balloon.md). */
void balloon_print(struct domain *d);

/*
 * A guest access to gpa faulted in the nested tables: if gpa is d's
 * ballooned or dropped RAM, maps a fresh zeroed page there. 0 (mapped, also
 * when another vCPU was first), -ENOENT (not d's RAM) or -ENOMEM (the pool
 * is empty: the caller stops the domain).
 */
int balloon_fault(struct domain *d, uint64_t gpa);
/* The same with mem_lock held (guest_mem.c). */
int balloon_fault_locked(struct domain *d, uint64_t gpa);

#endif
