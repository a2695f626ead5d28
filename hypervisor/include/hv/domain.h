/*
 * domain.h - domains: isolated guests with their own memory (behind nested
 * paging) and vCPUs, and their life cycle.
 *
 *   created --start--> running <--pause/unpause--> paused
 *      running/paused --guest power-off--> shut down --> destroyed
 *      running/paused --fault, triple fault--> crashed --> destroyed
 *      running --guest reboot--> (destroyed, then created and started again)
 *      any state --DOMAIN_DESTROY (dom0)--> destroyed
 *
 * A domain that stops (shut down, crashed, rebooting, destroyed) first
 * parks every vCPU: a vCPU running on some pCPU is kicked and parks itself
 * at its next exit. When the last vCPU is parked the stop's action runs:
 * destroy (every page the domain held goes back to the pool: RAM, nested
 * page tables, control blocks, FPU areas, vCPU and domain objects), restart
 * (destroy, then create again from the same configuration), or keep.
 *
 * Locking: the life-cycle lock (domain_lifecycle_lock) is held by every
 * control call (hypervisor/control/) and by whatever destroys or rebuilds a
 * domain, so a domain a control call found stays until the call ends.
 * domain_lock (domain.c) protects the domain table and every domain's
 * state, reason and pending action. Order: life-cycle lock, domain_lock,
 * scheduler lock.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "hv/sched.h"
#include "hv/seq_ring.h"
#include "hv/token_bucket.h"
#include "hv/spinlock.h"
#include "hv/vdev.h"
#include "x86/npt.h"

struct vcpu;
struct linux_platform;
struct hv_image;
struct balloon;

#define DOMAIN_MAX_DOMAINS   256         /* existing at once */
#define DOMAIN_MAX_VCPUS     64
#define DOMAIN_MAX_MEM       (1ull << 40)    /* RAM of one domain */
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
	uint64_t populate_bytes;        /* test kernels: populated at creation
					 * (0 = all): [0, populate_bytes) and
					 * the boot area; the rest comes with
					 * MEM_POPULATE (control/memory.c) */
	uint64_t mem_target;            /* customer domains with a balloon: bytes
					 * populated at start, the balloon
					 * holding the rest (0 = all;
					 * docs/balloon.md) */
	bool balloon;                   /* test kernels: the virtio-balloon
					 * device (on the Linux platform's
					 * devices) and its accounting; Linux
					 * customer domains always have it */
	struct sched_params sched;      /* (changed at run time under the
					 * life-cycle lock and domain_lock) */
	struct hv_image *kernel;        /* ELF64 or bzImage: the domain holds
					 * a reference (hv/image.h) */
	struct hv_image *initrd;        /* Linux: its initrd, or NULL */
	char guest_cmdline[DOMAIN_CMDLINE_MAX];  /* test kernel words or the
						  * Linux command line */
	enum domain_stop_action on_poweroff;
	enum domain_stop_action on_crash;
	enum domain_stop_action on_reboot;      /* DOMAIN_STOP_NONE: restart */
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
	bool dying;                     /* domain_lock: being destroyed; no
					 * longer found by id */
	char reason[128];               /* domain_lock: why it stopped */
	unsigned nr_parked;             /* sched lock */
	/* Whoever sees the last vCPU parked claims the stop's finish, once:
	 * the stopping pCPU (park_vcpus) and a vCPU parking itself on its
	 * own pCPU can both see it (sched lock; cleared when the domain
	 * runs again). */
	bool stop_claimed;
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
	/* Console output (dom_console.c): every byte the domain prints,
	 * numbered; the pages hold the last DOM_CONSOLE_RING_SIZE bytes
	 * (control/console.c reads them). */
	struct spinlock console_lock;
	struct seq_ring console;                /* console_lock */
	struct token_bucket console_rate;       /* console_lock: hypercall bytes */
	uint64_t console_dropped;               /* console_lock: bytes over it */
	bool console_limited;                   /* console_lock: dropping now */
	uint64_t console_pa;                    /* create */
	/* MUXV_HC_CONTROL refused (control/dispatch.c, its own lock): when
	 * the last refusal was logged, and how many since. */
	uint64_t ctl_refused_logged_ns;
	unsigned ctl_refused;
	/* Pages of this domain mapped into dom0 (control/memory.c,
	 * life-cycle lock). While any are, the domain's own stop actions do
	 * not free it (destroy and restart become keep). */
	uint64_t mapped_pages;
	/* Memory after creation: mem_lock serialises changes to npt and the
	 * balloon state (hv/balloon.h), nested inside dev_lock; the TLB
	 * shoot-down after a mapping is removed is npt_flush_domain(). */
	struct spinlock mem_lock;
	struct balloon *balloon;                /* create: Linux customer domains */
};

/* A domain name: 1..DOMAIN_NAME_MAX of [A-Za-z0-9._-], NUL-terminated
 * within DOMAIN_NAME_MAX + 1 bytes. Shared by domain creation and the
 * control interface's argument checks. */
static inline bool domain_name_ok(const char *name)
{
	size_t n = 0;

	while (n <= DOMAIN_NAME_MAX && name[n])
		n++;
	if (n == 0 || n > DOMAIN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* How a domain of one kind is built (test_kernel.c, linux_guest.c). */
struct domain_loader {
	/* Checks the configuration's image(s) against its memory and
	 * command line; 0 or -EINVAL with *why. */
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

/* Checks that cfg's images load into a domain of cfg's memory and
 * command line, as domain_create() would, without creating anything: 0,
 * or -EINVAL with *why. */
int domain_check_images(const struct domain_config *cfg, const char **why);
/* The domain named name, or NULL (life-cycle lock held). */
struct domain *domain_find_name(const char *name);

/*
 * Creates a domain from cfg: memory, nested page tables, vCPUs, the
 * kernel loaded and booted into its starting state; it does not run yet
 * (state created). It takes a reference to cfg's images. Returns the
 * domain, or NULL with *err (-EINVAL bad configuration or image with a
 * reason logged, -EEXIST name taken or a second privileged domain,
 * -ENOMEM, -ENOSPC admission control or a full domain table) and nothing
 * left behind. Life-cycle lock held.
 */
struct domain *domain_create(const struct domain_config *cfg, int *err);
/* Makes a created domain's vCPUs runnable. 0, or -EBUSY if it is not in
 * the created state. */
int domain_start(struct domain *d);

/* Stops d (any pCPU, any context but with no lock held): parks its vCPUs,
 * sets the state and reason, and runs action once all are parked.
 * A second stop of a stopping domain only logs. */
void domain_stop(struct domain *d, enum domain_state state,
		 enum domain_stop_action action, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The guest's own endings, with the actions its configuration asks for:
 * it crashed (did something it may not), powered off, or rebooted. */
void domain_crash(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void domain_poweroff(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void domain_reboot(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pause a running domain (its vCPUs park), resume a paused one: 0, or
 * -EBUSY in any other state. */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
/*
 * Destroys d whatever its state (dom0's control interface): it is no
 * longer found by id at once (domain_find), and its name is free; its
 * vCPUs are parked and everything it holds is freed when the last has
 * left its pCPU (at once if none runs). Life-cycle lock held.
 */
void domain_destroy(struct domain *d, const char *why);
/* Whether the domain with this id still holds anything (being destroyed
 * or not): what a destroy waits for. */
bool domain_exists(uint32_t id);
/* Sets d's scheduler parameters at run time (already checked with
 * sched_params_check): 0 or -ENOSPC (admission control). Life-cycle lock
 * held. */
int domain_set_sched(struct domain *d, const struct sched_params *p);

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

/* The life-cycle lock (see the top of this file). Re-entrant on the CPU
 * holding it; taken with interrupts off, never by an interrupt handler. */
void domain_lifecycle_lock(void);
void domain_lifecycle_unlock(void);

/* The domain with this id, or NULL. With the life-cycle lock held, the
 * domain stays valid until it is dropped. */
struct domain *domain_find(uint32_t id);
/* Writes the ids above `after` of the domains that exist, ascending, at
 * most max of them, to ids; returns how many it wrote. *total is how many
 * domains exist in all. */
unsigned domain_list_ids(uint32_t after, uint32_t *ids, unsigned max, unsigned *total);
/* d's state, and its reason copied to reason (size bytes, NUL-terminated),
 * read together under domain_lock. */
enum domain_state domain_get_state(struct domain *d, char *reason, size_t size);
/* True while d's vCPUs are being parked (a pause or stop not done yet). */
bool domain_is_stopping(struct domain *d);

#endif
