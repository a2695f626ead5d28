/*
 * internal.h - interfaces between the files of the scheduler module.
 * Nothing outside hypervisor/sched/ (and its host tests) includes this; the
 * hypervisor uses hv/sched.h. The algorithm is described at the top of
 * sched.c; every function here expects the scheduler lock held.
 */
#ifndef SCHED_INTERNAL_H
#define SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/sched.h"

/* Why a vCPU was picked, in increasing priority (struct sched_pcpu.class). */
enum sched_class {
	SCHED_CLASS_IDLE = 0,     /* nothing picked */
	SCHED_CLASS_WEIGHTED = 1, /* least virtual time: the fair share */
	SCHED_CLASS_WARP = 2,     /* woken, latency-boosted */
	SCHED_CLASS_RESERVED = 3, /* behind its reserved rate */
};

/* Virtual time units per ns of CPU at weight 1 (vtime grows by
 * ns << SCHED_VT_SHIFT / weight). */
#define SCHED_VT_SHIFT 16

/* sched.c */
uint64_t sched_clock(struct sched *s, uint64_t now);
void sched_kick(struct sched *s, unsigned pcpu);

/* account.c: per-state time of vCPUs and their domain's sums */
void sched_acct_start(struct sched_dom *d, struct sched_vcpu *v, uint64_t now);
void sched_acct_set(struct sched_dom *d, struct sched_vcpu *v,
		    enum sched_state to, uint64_t now);
void sched_acct_stop(struct sched_dom *d, struct sched_vcpu *v, uint64_t now);

/* vtime.c: fair share by weighted virtual time */
bool sched_vt_before(uint64_t a, uint64_t b);
uint64_t sched_vt_delta(uint64_t ns, uint32_t weight);
uint64_t sched_vt_charge_ahead(struct sched_dom *d, uint64_t ns);
void sched_vt_settle(struct sched *s, struct sched_dom *d, uint64_t ahead,
		     uint64_t ran);
void sched_vt_enter(struct sched *s, struct sched_dom *d);
void sched_vt_advance_svt(struct sched *s);
bool sched_vt_may_warp(const struct sched *s, const struct sched_dom *d);

/* reserve.c: reservations by the reserved-rate clock */
bool sched_res_wants(const struct sched_dom *d);
uint64_t sched_res_key(const struct sched_dom *d);
bool sched_res_eligible(const struct sched_dom *d, uint64_t now);
uint64_t sched_res_lease(const struct sched_dom *d, uint64_t now);
void sched_res_settle(struct sched_dom *d, uint64_t ran, uint64_t now,
		      bool reserved);
void sched_res_wake(struct sched_dom *d, uint64_t now);
uint64_t sched_res_next_eligible(const struct sched *s, uint64_t now);

/* budget.c: caps and burst credits, per period */
bool sched_budgeted(const struct sched_dom *d);
void sched_budget_roll(const struct sched *s, struct sched_dom *d, uint64_t now);
uint64_t sched_budget_lease(const struct sched *s, struct sched_dom *d,
			    struct sched_pcpu *pc, uint64_t want, uint64_t now);
void sched_budget_settle(const struct sched *s, struct sched_dom *d,
			 struct sched_pcpu *pc, uint64_t now);
void sched_budget_check(struct sched *s, struct sched_dom *d, uint64_t now);
void sched_budget_due(struct sched *s, uint64_t now);

/* runq.c: the run queues */
void sched_runq_push(struct sched_vcpu *v);
void sched_runq_pull(struct sched_vcpu *v);
void sched_runq_update(struct sched *s, struct sched_dom *d);
struct sched_vcpu *sched_runq_best(const struct sched_dom *d);
uint64_t sched_runq_min_vvt(const struct sched_dom *d, uint64_t none);
uint32_t sched_runq_min_weight(const struct sched *s);
struct sched_dom *sched_runq_first(const struct sched_rb_tree *t, int which);

/* Which global tree a domain node is in (sched_runq_first). */
enum sched_tree { SCHED_TREE_WEIGHTED, SCHED_TREE_WARPED, SCHED_TREE_RESERVED };

/* place.c: kicks for a vCPU that became RUNNABLE */
void sched_place(struct sched *s, struct sched_vcpu *v, uint64_t now);
void sched_place_dom(struct sched *s, struct sched_dom *d, uint64_t now);
bool sched_decision_due_by(const struct sched *s, uint64_t when, int except);
int sched_place_victim(const struct sched *s, enum sched_class below,
		       const struct sched_dom *except);
uint64_t sched_place_run_key(const struct sched_pcpu *pc);
void sched_need_decision(struct sched *s, uint64_t when);

/* pick.c: ends the run of the vCPU on pc, which moves to state `to` */
void sched_stop(struct sched *s, struct sched_pcpu *pc, enum sched_state to,
		uint64_t now);

#endif
