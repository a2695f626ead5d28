/*
 * hv/sched.h - the fair-share CPU scheduler: the interface the hypervisor
 * calls (implemented in hypervisor/sched/, described in docs/scheduler.md).
 *
 * The scheduler is a pure module: it never reads a clock, touches hardware
 * or allocates. The caller owns every object (struct sched, and one
 * struct sched_dom / struct sched_vcpu embedded in each of its domain and
 * vCPU objects), passes the current time in nanoseconds, and acts on the
 * answers: which vCPU a pCPU runs next, when that pCPU must ask again
 * (one-shot timer), and which pCPUs to interrupt (kick) so they ask again.
 *
 * Locking: every function below is called with the caller's one scheduler
 * lock held (a single global lock; per-pCPU locking is not needed at the
 * decision rates of a hypervisor with at most 64 pCPUs). Fields marked
 * "lock" are protected by it; "add" fields are set when the object is added
 * and constant afterwards; none of them may be written by the caller.
 *
 * Ordering: time passed in may come from different pCPUs and run slightly
 * backwards across calls; the scheduler uses the latest time it has seen.
 *
 * Protocol (who calls what, on which event):
 *   - pCPU p timer expiry, or a kick IPI received by p:
 *         v = sched_pick(s, p, now, &deadline); run v (or idle) and arm
 *         p's one-shot timer for deadline (none if SCHED_TIME_NEVER).
 *   - vCPU v on p halts (HLT with nothing pending):
 *         sched_vcpu_block(s, v, now); then sched_pick() for p.
 *   - vCPU v on p yields (spin-loop exit, yield hypercall):
 *         sched_vcpu_yield(s, v, now); then sched_pick() for p.
 *   - an event for a blocked vCPU v (interrupt, IPI, timer):
 *         sched_vcpu_wake(s, v, now).
 *   - after every call: kicks = sched_take_kicks(s); send the scheduler
 *     IPI to every pCPU in kicks after dropping the lock (a pCPU that finds
 *     its own bit calls sched_pick() for itself instead).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Limits, defaults and tunables (nanoseconds) ---- */

#define SCHED_MAX_PCPUS 64          /* pCPU masks are uint64_t */
#define SCHED_WEIGHT_MIN 1
#define SCHED_WEIGHT_MAX 65535
#define SCHED_WEIGHT_DEFAULT 256
#define SCHED_TIME_NEVER UINT64_MAX /* "no timer needed" */

/* Longest run while another vCPU waits (the slice). */
#define SCHED_SLICE_NS 1000000ull
/* Shortest fair-share run (a light domain among heavy ones). */
#define SCHED_MIN_SLICE_NS 100000ull
/* Accounting period of caps and burst credits; periods are aligned to
 * multiples of it from time 0. */
#define SCHED_PERIOD_NS 10000000ull
/* Budget a capped domain may use at once at the start of a period before
 * the rest is released at its rate (the token bucket's depth). */
#define SCHED_CAP_BURST_NS 1000000ull
/* Shortest run worth a decision for reserved and budgeted runs (a
 * domain's last bit of budget in a period may be shorter). */
#define SCHED_MIN_RUN_NS 20000ull
/* How far ahead of its reserved rate a domain may be served (the
 * granularity of reservations): see docs/scheduler.md. */
#define SCHED_RES_AHEAD_NS 500000ull
/* How far behind its reserved rate a domain may fall before the deficit
 * is forgiven. */
#define SCHED_RES_LAG_NS SCHED_PERIOD_NS
/* Warped (latency-boosted) run a vCPU may have per wake-up. */
#define SCHED_WARP_NS 500000ull
/* A warp not used this long after the wake-up lapses. */
#define SCHED_WARP_WINDOW_NS SCHED_SLICE_NS
/* A domain may warp while it is at most this much of its own CPU time
 * ahead of the fair-share clock. */
#define SCHED_WARP_ALLOW_NS SCHED_WARP_NS
/* CPU time a vCPU that slept may be behind its domain's others when it is
 * queued again: the most it can bank against its siblings by sleeping. */
#define SCHED_LAG_NS SCHED_SLICE_NS

/* ---- Intrusive red-black tree types (operations in sched/rbtree.h) ---- */

struct sched_rb_node {
	struct sched_rb_node *parent, *left, *right;
	bool red;
	bool linked;
};

struct sched_rb_tree {
	struct sched_rb_node *root;
	struct sched_rb_node *first; /* leftmost, cached */
};

/* ---- Parameters of a domain ---- */

struct sched_params {
	uint32_t weight;         /* 1..65535, default 256 */
	uint32_t reservation;    /* guaranteed, % of one pCPU, whole domain */
	uint32_t cap;            /* limit, % of one pCPU, 0 = none */
	uint32_t burst_baseline; /* % of one pCPU, 0 = no burst credits */
	uint32_t burst_max_ms;   /* largest credit balance, ms of one pCPU */
};

/* ---- Accounting ---- */

enum sched_state {
	SCHED_BLOCKED = 0,  /* halted, waiting for an event */
	SCHED_RUNNABLE = 1, /* wants a pCPU, has none (steal time) */
	SCHED_RUNNING = 2,  /* picked by a pCPU */
	SCHED_NR_STATES = 3,
};

/* Time in each state, ns, since the vCPU was added (for a domain: summed
 * over all vCPUs it ever had). steal_ns is what KVM's steal-time MSR
 * publishes to a Linux guest. */
struct sched_stats {
	uint64_t run_ns;
	uint64_t steal_ns;
	uint64_t blocked_ns;
};

/* ---- Objects the caller embeds ---- */

struct sched_dom;

struct sched_vcpu {
	struct sched_dom *dom;       /* add */
	uint32_t id;                 /* add: unique, breaks ties */
	enum sched_state state;      /* lock */
	int16_t pcpu;                /* lock: pCPU running it, or -1 */
	int16_t last_pcpu;           /* lock: pCPU it last ran on, or -1 */
	bool yielded;                /* lock: yield pending at next pick */
	struct sched_rb_node node;   /* lock: in dom->runq/warpq while RUNNABLE */
	uint64_t vvt;                /* lock: CPU ns received (sibling order) */
	uint64_t warp_left;          /* lock: warped run left, ns */
	uint64_t warp_until;         /* lock: warp lapses if not run by then */
	uint64_t since;              /* lock: when state was entered */
	struct sched_stats acct;     /* lock: closed intervals of each state */
};

struct sched_dom {
	uint32_t id;                 /* add: unique, breaks ties */
	uint32_t max_vcpus;          /* add: vCPUs the domain may have */
	struct sched_params params;  /* lock */
	uint32_t nr_vcpus;           /* lock */
	uint32_t nr[SCHED_NR_STATES];/* lock: vCPUs in each state */
	uint32_t nr_warped;          /* lock: vCPUs in warpq */

	/* Its RUNNABLE vCPUs by vvt: the warped ones (served first), the
	 * others. */
	struct sched_rb_tree warpq;  /* lock */
	struct sched_rb_tree runq;   /* lock */
	uint64_t vmin;               /* lock: floor of vvt for (re)queueing */

	/* Fair share: virtual time and its positions in the global trees. */
	uint64_t vtime;              /* lock: sum of run ns * 2^16 / weight */
	uint64_t vt_ahead;           /* lock: part of vtime charged ahead */
	bool slept;                  /* lock: woke with no vCPU runnable */
	struct sched_rb_node wnode;  /* lock: in s->weighted */
	struct sched_rb_node xnode;  /* lock: in s->warped */
	struct sched_rb_node mnode;  /* lock: in s->byweight */
	uint32_t active_weight;      /* lock: weight counted in s->active_weight */

	/* Reservation: the reserved-rate clock (ns of real time). */
	uint64_t rv;                 /* lock */
	uint64_t rkey;               /* lock: key in s->reserved */
	struct sched_rb_node rnode;  /* lock: in s->reserved */

	/* Caps and burst credits: the budget of the current period. */
	uint64_t period;             /* lock: index of the current period */
	uint64_t used;               /* lock: ns charged this period */
	uint64_t leased;             /* lock: ns leased to running vCPUs */
	uint64_t credit;             /* lock: burst credit balance, ns */
	bool throttled;              /* lock: vCPUs wait, no budget till thr_until */
	uint64_t thr_until;          /* lock: when budget is released again */
	struct sched_rb_node tnode;  /* lock: in s->throttled while throttled */

	/* Per-domain sums of the vCPU accounting. */
	struct sched_stats acct;     /* lock: up to acct_at */
	uint64_t acct_at;            /* lock */
};

/* What a pCPU is doing, as the scheduler decided it. */
struct sched_pcpu {
	struct sched_vcpu *curr;     /* lock: running vCPU, NULL when idle */
	uint64_t start;              /* lock: when curr was picked */
	uint64_t deadline;           /* lock: next decision asked for */
	uint64_t vt_ahead;           /* lock: vtime charged ahead for curr */
	uint64_t lease;              /* lock: budget leased to curr, ns */
	uint64_t lease_period;       /* lock: period the lease belongs to */
	uint8_t class;               /* lock: why curr was picked */
	bool kick_pending;           /* lock: asked to call sched_pick() */
	bool displaced;              /* lock: kicked to take a boosted domain */
};

struct sched {
	unsigned npcpus;             /* init */
	uint64_t now;                /* lock: latest time seen */
	uint64_t svt;                /* lock: fair-share clock (virtual) */
	uint32_t reserved_pct;       /* lock: sum of domain reservations */
	uint32_t next_id;            /* lock: ids of domains and vCPUs */
	struct sched_rb_tree weighted; /* lock: domains with RUNNABLE vCPUs */
	struct sched_rb_tree warped;   /* lock: ... with warped ones */
	struct sched_rb_tree byweight; /* lock: domains competing, by weight */
	uint32_t active_doms;        /* lock: domains in s->byweight */
	uint64_t active_weight;      /* lock: sum of their weights */
	struct sched_rb_tree reserved; /* lock: ... with a reservation */
	struct sched_rb_tree throttled; /* lock: domains out of budget, by thr_until */
	uint64_t unthrottle_at;      /* lock: first thr_until, or NEVER */
	uint64_t kicks;              /* lock: pCPUs to interrupt */
	struct sched_pcpu pcpu[SCHED_MAX_PCPUS]; /* lock */
};

/* ---- Set-up ---- */

/* Initialises s for npcpus pCPUs (1..SCHED_MAX_PCPUS). 0 or -EINVAL. */
int sched_init(struct sched *s, unsigned npcpus);

/* Fills p with the defaults: weight 256, everything else 0 (none). */
void sched_params_default(struct sched_params *p);

/*
 * Whether p is valid for a domain of `vcpus` vCPUs, without admission
 * control: 0; -EINVAL for a weight outside 1..65535, a reservation above a
 * non-zero cap or above a non-zero burst baseline, a baseline above a
 * non-zero cap, or a burst_max_ms without a baseline; -ERANGE for a
 * reservation above vcpus * 100.
 */
int sched_params_check(const struct sched_params *p, uint32_t vcpus);

/* ---- Domains ---- */

/*
 * Adds domain d with parameters p and room for `vcpus` vCPUs (at least 1).
 * Errors as sched_params_check(), -EINVAL for vcpus 0, and -ENOSPC when the
 * reservations of all domains would exceed npcpus * 100 (admission
 * control). On error nothing changed.
 */
int sched_dom_add(struct sched *s, struct sched_dom *d,
		  const struct sched_params *p, uint32_t vcpus, uint64_t now);

/* Removes d, which must have no vCPUs left (-EBUSY otherwise). */
int sched_dom_remove(struct sched *s, struct sched_dom *d);

/*
 * Changes d's parameters at run time, effective at once (budgets of the
 * current period are recomputed with what d already used in it). Errors
 * as sched_dom_add(); on error nothing changed. Kicks the pCPUs running d's
 * vCPUs so that their deadlines follow the new parameters.
 */
int sched_dom_set_params(struct sched *s, struct sched_dom *d,
			 const struct sched_params *p, uint64_t now);

/* d's accounting summed over its vCPUs, up to now. */
void sched_dom_stats(const struct sched_dom *d, uint64_t now,
		     struct sched_stats *out);

/* d's burst credit balance in ns of one pCPU (0 without burst credits)
 * at the start of now's period (settling the periods that ended). */
uint64_t sched_dom_credit(struct sched *s, struct sched_dom *d, uint64_t now);

/* ---- vCPUs ---- */

/* Adds v to d in state BLOCKED. -ENOSPC if d has all its vCPUs already. */
int sched_vcpu_add(struct sched *s, struct sched_dom *d, struct sched_vcpu *v,
		   uint64_t now);

/* Removes v (BLOCKED or RUNNABLE; -EBUSY while RUNNING). Its times stay
 * in the domain's sums. */
int sched_vcpu_remove(struct sched *s, struct sched_vcpu *v, uint64_t now);

/*
 * v wants to run. A BLOCKED vCPU becomes RUNNABLE, warped (picked ahead of
 * fair-share order for up to SCHED_WARP_NS, if picked within
 * SCHED_WARP_WINDOW_NS) if its domain is within its share; pCPUs that
 * should pick it are added to the kicks. No effect on a
 * vCPU that is RUNNABLE or RUNNING.
 */
void sched_vcpu_wake(struct sched *s, struct sched_vcpu *v, uint64_t now);

/*
 * v halts (or is paused). A RUNNING vCPU is charged and leaves its pCPU,
 * which must call sched_pick() next (it is in the kicks, for when the
 * caller is another pCPU); a RUNNABLE one leaves the run queue.
 */
void sched_vcpu_block(struct sched *s, struct sched_vcpu *v, uint64_t now);

/*
 * v (RUNNING) gives way: at the next sched_pick() of its pCPU it queues
 * behind its domain's other RUNNABLE vCPUs. No effect otherwise.
 */
void sched_vcpu_yield(struct sched *s, struct sched_vcpu *v, uint64_t now);

/* v's accounting up to now. */
void sched_vcpu_stats(const struct sched_vcpu *v, uint64_t now,
		      struct sched_stats *out);

/* ---- Decisions ---- */

/*
 * The decision for pCPU `pcpu` (< npcpus; called on that pCPU) at `now`:
 * charges the vCPU it was running
 * (which stays RUNNABLE unless it blocked), and returns the vCPU to run
 * now (RUNNING on this pCPU until the next call), or NULL to idle.
 * *deadline is when this pCPU must call again (SCHED_TIME_NEVER: only when
 * kicked). Cost O(log n) in the number of domains and vCPUs runnable.
 */
struct sched_vcpu *sched_pick(struct sched *s, unsigned pcpu, uint64_t now,
			      uint64_t *deadline);

/* Returns and clears the mask of pCPUs that should call sched_pick(). */
uint64_t sched_take_kicks(struct sched *s);

#endif
