/*
 * workload.h - synthetic workloads and the random numbers of the simulator
 * (workload.c), and the two calls by which a workload acts on its vCPU
 * (sim.c).
 */
#ifndef SCHED_SIM_WORKLOAD_H
#define SCHED_SIM_WORKLOAD_H

#include <stdint.h>

#include "sim.h"

/* splitmix64: the next number of the stream in *state. */
uint64_t sim_rand(uint64_t *state);
/* Uniform in [lo, hi]. */
uint64_t sim_rand_range(uint64_t *state, uint64_t lo, uint64_t hi);

/* Sets v's first event from its workload. */
void sim_workload_begin(struct sim_vcpu *v);
/* Handles v's event due at sim->now and sets the next one. */
void sim_workload_event(struct sim *sim, struct sim_vcpu *v);

/* Work of ns (SIM_INF: unbounded) arrives for v: it wakes if blocked. */
void sim_vcpu_give_work(struct sim *sim, struct sim_vcpu *v, uint64_t ns);
/* v's work disappears: it blocks (from RUNNING, or straight from
 * RUNNABLE, which the module allows). */
void sim_vcpu_drop_work(struct sim *sim, struct sim_vcpu *v);

#endif
