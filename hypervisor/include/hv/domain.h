/*
 * domain.h - domains: isolated guests with their own memory (behind nested
 * paging) and vCPUs, and their life cycle.
 *
 *   created --start--> running <--pause/unpause--> paused
 *      running/paused --guest power-off--> shut down --> destroyed
 *      running/paused --fault, triple fault--> crashed --> destroyed
 *      running --guest reboot--> (destroyed, then created and started again)
 *
 * A domain that stops (shut down, crashed, rebooting, destroyed) first
 * parks every vCPU: a vCPU running on some pCPU is kicked and parks itself
 * at its next exit. When the last vCPU is parked the stop's action runs:
 * destroy (every page the domain held goes back to the pool: RAM, nested
 * page tables, control blocks, FPU areas, vCPU and domain objects), restart
 * (destroy, then create again from the same configuration), or keep.
 *
 * Locking: domain_lock (domain.c) protects the domain table and every
 * domain's state, reason and pending action; it is taken before the
 * scheduler lock, never after it.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "hv/sched.h"
#include "hv/spinlock.h"
#include "hv/vdev.h"
#include "x86/npt.h"

struct vcpu;
struct linux_platform;
struct balloon;

#define DOMAIN_MAX_VCPUS     64
#define DOMAIN_NAME_MAX      31
#define DOMAIN_MAX_COUNTERS  16
#define DOMAIN_CMDLINE_MAX   512
#define DOMAIN_MAX_PIO       8
#define DOMAIN_MAX_MMIO      8

enum domain_state {
	DOMAIN_CREATED,
	DOMAIN_RUNNING,
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN,
	DOMAIN_CRASHED,
};

/* What happens once every vCPU of a stopping domain is parked. */
enum domain_stop_action {
	DOMAIN_STOP_NONE,        /* pause: just stay parked */
	DOMAIN_STOP_KEEP,        /* stay shut down / crashed until destroyed */
	DOMAIN_STOP_DESTROY,
	DOMAIN_STOP_RESTART,
};

enum domain_kind {
	DOMAIN_TEST_KERNEL,     /* ELF64, muxvisor/guest_boot.h */
	DOMAIN_LINUX,           /* bzImage (+ initrd), the Linux platform */
};

/* Everything needed to build the domain again (restart). */
struct domain_config {
	enum domain_kind kind;
	bool privileged;                /* dom0: id 0, may use the control
					 * interface (muxvisor/control.h);
					 * at most one exists */
	char name[DOMAIN_NAME_MAX + 1];
	uint32_t nr_vcpus;
	uint64_t mem_bytes;             /* RAM ceiling (the E820 shows it) */
	uint64_t mem_target;            /* Linux: bytes populated at start, the
					 * balloon holding the rest (0 = all;
					 * docs/balloon.md) */
	struct sched_params sched;
	const void *image;              /* ELF64 or bzImage, read-only */
	size_t image_len;
	const void *initrd;             /* Linux: initrd or NULL */
	size_t initrd_len;
	char guest_cmdline[DOMAIN_CMDLINE_MAX];  /* test kernel words or the
						  * Linux command line */
	enum domain_stop_action on_poweroff;
	enum domain_stop_action on_crash;
	unsigned boot_count;            /* restarts so far */
};

struct domain_counter {
	char name[32];                  /* "" = free slot */
	uint64_t value;
	uint64_t updated_ns;
};

struct domain {
	uint32_t id;                    /* create */
	struct domain_config cfg;       /* create */
	enum domain_state state;        /* domain_lock */
	enum domain_stop_action action; /* domain_lock: after parking */
	bool stopping;                  /* domain_lock: parking in progress */
	char reason[128];               /* domain_lock: why it stopped */
	unsigned nr_parked;             /* sched lock */
	struct npt npt;                 /* create; memory lock later */
	uint64_t iopm_pa, msrpm_pa;     /* create: SVM permission maps */
	uint64_t tsc_offset;            /* create: guest TSC = host + this */
	uint64_t created_ns;            /* create */
	struct sched_dom sched;         /* sched lock */
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];  /* create */
	struct domain_counter counters[DOMAIN_MAX_COUNTERS]; /* domain_lock */
	/* Emulated devices: routing tables filled at creation, then fixed;
	 * dev_lock serialises every call into the device models. */
	struct spinlock dev_lock;
	struct vdev_pio pio[DOMAIN_MAX_PIO];    /* create */
	unsigned nr_pio;                        /* create */
	const struct vdev_mmio *mmio[DOMAIN_MAX_MMIO]; /* create; the ranges
					* themselves may move (PCI BARs) */
	unsigned nr_mmio;                       /* create */
	struct linux_platform *platform;        /* create: Linux devices */
	/* Memory after creation: mem_lock serialises changes to npt and the
	 * balloon state (hv/balloon.h), nested inside dev_lock. */
	struct spinlock mem_lock;
	struct balloon *balloon;                /* create: Linux customer domains */
};

/* How a domain of one kind is built (test_kernel.c, linux_guest.c). */
struct domain_loader {
	/* Checks the configuration's image(s); 0 or -EINVAL with *why. */
	int (*check)(const struct domain_config *cfg, const char **why);
	/* Allocates guest RAM and devices; loads; sets every vCPU's start. */
	int (*build)(struct domain *d);
	/* Frees what build() allocated besides RAM (devices). */
	void (*teardown)(struct domain *d);
	/* vCPUs that run at start (others wait for a STARTUP IPI). */
	bool all_vcpus_start;
};

const struct domain_loader *domain_loader_for(enum domain_kind kind);

/* Registers a device's ports (copied) or MMIO range (by reference: the
 * device may move it, e.g. when the guest rewrites a BAR). Domain
 * creation only. */
int domain_add_pio(struct domain *d, const struct vdev_pio *p);
int domain_add_mmio(struct domain *d, const struct vdev_mmio *m);
/* Calls the device at a port; false if no device has it. */
bool domain_pio_in(struct domain *d, uint16_t port, unsigned size, uint32_t *val);
bool domain_pio_out(struct domain *d, uint16_t port, unsigned size, uint32_t val);
/* The MMIO range holding gpa, or NULL. */
const struct vdev_mmio *domain_mmio_find(struct domain *d, uint64_t gpa);

const char *domain_state_name(enum domain_state s);

/*
 * Creates a domain from cfg: memory, nested page tables, vCPUs, the test
 * kernel loaded and booted into its starting state; it does not run yet.
 * Returns the domain, or NULL with *err (-EINVAL bad configuration or
 * image with a reason logged, -ENOMEM, -ENOSPC admission control) and
 * nothing left behind.
 */
struct domain *domain_create(const struct domain_config *cfg, int *err);
/* Makes a created domain's vCPUs runnable. */
int domain_start(struct domain *d);

/* Stops d (any pCPU, any context but with no lock held): parks its vCPUs,
 * sets the state and reason, and runs action once all are parked.
 * A second stop of a stopping domain only logs. */
void domain_stop(struct domain *d, enum domain_state state,
		 enum domain_stop_action action, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Shorthand: the guest did something it may not; it is crashed. */
void domain_crash(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);

/* Called (scheduler loop, no lock held) when vCPU v has parked. */
void domain_vcpu_parked(struct vcpu *v);

/* Records a named counter the guest reported. 0 or -ENOSPC. */
int domain_set_counter(struct domain *d, const char *name, uint64_t value);

/* Prints every domain and vCPU (state, RIP, exits, pending interrupts):
 * the operator's 'd' key on the hypervisor console. */
void domain_dump_all(void);

/* Prints one accounting line per domain (docs/hypervisor-options.md,
 * sched_stats=): "sched-stats: t=<ns> d<id> '<name>' run_ns=.. steal_ns=..
 * blocked_ns=.. credit_ns=..". */
void domain_print_sched_stats(uint64_t now);

/* Number of domains that exist (any state). */
unsigned domain_count(void);

#endif
