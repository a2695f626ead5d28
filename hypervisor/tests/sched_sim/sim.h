/*
 * sim.h - a host-only simulator that drives the real scheduler module
 * (hypervisor/sched/) with simulated pCPUs, a simulated clock and
 * synthetic guest workloads, and measures what every domain and vCPU got.
 *
 * The simulator plays the hypervisor exactly as hv/sched.h prescribes: it
 * calls sched_pick() when a pCPU's deadline passes or the pCPU is kicked,
 * sched_vcpu_block() when a vCPU runs out of work (HLT), sched_vcpu_wake()
 * when work arrives, and honours every kick at once (an IPI takes no
 * simulated time). Deadlines are honoured on time unless late preemption
 * is set (sim_set_late): then a pCPU stops its run and calls sched_pick()
 * a random time after the deadline it was given, as a hypervisor under
 * software emulation does (its timer interrupt and exit path arrive late).
 * It measures on its own, from the decisions it was given, and never
 * trusts the module's accounting (which it checks instead).
 *
 * Workloads (struct sim_workload), per vCPU:
 *   SIM_IDLE      never wants CPU;
 *   SIM_CPU       wants CPU all the time from start_ns until stop_ns;
 *   SIM_PERIODIC  I/O-like: work_ns of CPU arrives every period_ns
 *                 (+- jitter_pct), queues, and the vCPU blocks when done;
 *   SIM_ONOFF     bursty: CPU-bound for random "on" phases, blocked for
 *                 random "off" phases, on_pct of the time on on average.
 *
 * Invariant checks run after every simulated instant; the first violation
 * is kept in sim->err (with the seed) and the simulation stops.
 */
#ifndef SCHED_SIM_H
#define SCHED_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/sched.h"

#define SIM_MAX_DOMS 256
#define SIM_MAX_VCPUS 1024
#define SIM_WINDOW_NS 100000000ull /* 100 ms measurement windows */
#define SIM_INF UINT64_MAX

enum sim_kind { SIM_IDLE, SIM_CPU, SIM_PERIODIC, SIM_ONOFF };

struct sim_workload {
	enum sim_kind kind;
	uint64_t work_ns;    /* PERIODIC: CPU per arrival */
	uint64_t period_ns;  /* PERIODIC: between arrivals; ONOFF: mean on+off */
	uint32_t jitter_pct; /* PERIODIC: +- on the arrival interval */
	uint32_t on_pct;     /* ONOFF: share of time on */
	uint64_t start_ns;   /* wants CPU from (CPU, ONOFF, PERIODIC) */
	uint64_t stop_ns;    /* and until (0 = never) */
};

struct sim_dom;

struct sim_vcpu {
	struct sched_vcpu sv;        /* the module's object */
	struct sim_dom *dom;
	struct sim_workload wl;
	uint64_t rng;
	/* workload state */
	bool wants;                  /* has work: RUNNABLE or RUNNING */
	bool on;                     /* ONOFF phase */
	uint64_t backlog;            /* ns of work queued (SIM_INF: CPU-bound) */
	uint64_t next_event;         /* next arrival or phase change */
	/* the simulator's own view of the schedule */
	int pcpu;                    /* running on, or -1 */
	uint64_t run_start;          /* start of the current run chunk */
	uint64_t wait_since;         /* RUNNABLE and not running since */
	uint64_t want_since;         /* wants since (for want_ns) */
	uint64_t wake_at;            /* last wake-up not yet served */
	bool wake_pending, wake_warped;
	/* measurements */
	uint64_t run_ns, want_ns, arrived_ns;
	uint64_t max_gap;            /* longest wait for a pCPU while wanting */
	uint64_t wakes, warped_wakes, max_warp_latency, sum_warp_latency;
};

struct sim_dom {
	struct sched_dom sd;         /* the module's object */
	unsigned index, first_vcpu, nvcpus;
	unsigned wanting;            /* vCPUs that want CPU now */
	unsigned waiting;            /* ... of them not running */
	uint64_t run_ns;
	uint64_t *win_run;           /* CPU received per 100 ms window */
	uint32_t *win_min_wanting;   /* least `wanting` during each window */
	uint64_t *per_run;           /* CPU received per period */
	uint64_t *win_arrived;       /* PERIODIC work arrived per window */
	uint64_t last_want_change;
};

struct sim_pcpu {
	struct sim_vcpu *v;          /* running, or NULL */
	uint64_t deadline;           /* from sched_pick() */
	uint64_t due;                /* when it really decides: deadline + lateness */
};

/* Late preemption (sim_set_late): the deadline of a pCPU running a vCPU
 * is honoured a uniform random 0..max_ns late, or, with chance spike_pct
 * percent, 0..spike_ns late (a long stall of the emulator: past the
 * period's end, or a whole period, if spike_ns is that long). An idle
 * pCPU's deadline too if `idle` (a HLT woken late). */
struct sim_late {
	uint64_t max_ns;
	uint32_t spike_pct;
	uint64_t spike_ns;
	bool idle;
};

struct sim {
	struct sched s;
	uint64_t seed;
	unsigned npcpus, ndoms, nvcpus;
	uint64_t now, horizon;       /* measurement arrays cover [0, horizon) */
	unsigned nwin, nper;
	struct sim_pcpu pcpu[SCHED_MAX_PCPUS];
	struct sim_dom *doms;        /* SIM_MAX_DOMS */
	struct sim_vcpu *vcpus;      /* SIM_MAX_VCPUS */
	unsigned *heap;              /* vCPUs by next_event */
	unsigned heap_len;
	uint64_t picks;
	struct sim_late late;        /* all zero: deadlines on time */
	uint64_t late_rng;
	uint64_t late_ns, late_n;    /* lateness of the deadlines honoured: sum, count */
	uint64_t idle_with_waiting;  /* instants a pCPU idled while work waited */
	char err[256];               /* first violation, "" if none */
};

/* A simulator for npcpus pCPUs measuring up to horizon_ns; seed names the
 * scenario in every failure message. Returns NULL if out of memory. */
struct sim *sim_new(unsigned npcpus, uint64_t horizon_ns, uint64_t seed);
void sim_free(struct sim *sim);

/* Adds a domain with nvcpus vCPUs, all running workload wl (changeable
 * with sim_set_workload before the first sim_run). Returns its index, or a
 * negative errno from the module (admission control and all). */
int sim_add_dom(struct sim *sim, const struct sched_params *p, unsigned nvcpus,
		const struct sim_workload *wl);

/* Gives vCPU i of domain dom workload wl (before the first sim_run). */
void sim_set_workload(struct sim *sim, unsigned dom, unsigned i,
		      const struct sim_workload *wl);

/* Honours every deadline given from now on late, as *late says. */
void sim_set_late(struct sim *sim, const struct sim_late *late);

/* Runs the simulation up to time `until`. Stops early on a violation. */
void sim_run(struct sim *sim, uint64_t until);

/* Changes a domain's parameters at the current time, as a control
 * hypercall would; returns the module's answer. */
int sim_set_params(struct sim *sim, unsigned dom, const struct sched_params *p);

/* Records a violation (first one wins): printf-style, seed prepended. */
void sim_fail(struct sim *sim, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CPU domain dom received, and PERIODIC work that arrived for it, in
 * [from, to), both multiples of SIM_WINDOW_NS. */
uint64_t sim_dom_run_between(const struct sim *sim, unsigned dom,
			     uint64_t from, uint64_t to);
uint64_t sim_dom_arrived_between(const struct sim *sim, unsigned dom,
				 uint64_t from, uint64_t to);

/* Fewest vCPUs of domain dom that wanted CPU at any time in window w. */
unsigned sim_dom_min_wanting(const struct sim *sim, unsigned dom, unsigned w);

#endif
