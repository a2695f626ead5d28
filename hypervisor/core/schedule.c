/*
 * schedule.c - the pCPU side of scheduling (see hv/schedule.h): the loop
 * every pCPU runs, the scheduler lock, kicks between pCPUs, the one-shot
 * timer, and the wake timers of halted vCPUs.
 *
 * Timer: each pCPU programs its one-shot timer for the earliest of (a) the
 * algorithm's next decision, (b) the local APIC timer of the vCPU it runs,
 * (c) the earliest wake timer in its heap. No periodic tick: an idle pCPU
 * with nothing queued sleeps until an interrupt.
 *
 * Wake timers: a vCPU that halts with its APIC timer armed is queued in
 * the heap of the pCPU it halted on. When the time comes, that pCPU
 * updates the vCPU's APIC timer (the vCPU runs nowhere, and the scheduler
 * lock keeps it so) and wakes it if the timer raised a deliverable
 * interrupt; a periodic timer that was masked is queued again.
 *
 * pCPU numbers: the algorithm numbers the CPUs that run vCPUs 0..n-1
 * (sched_cpu.index, cpu_of[]); kick masks and sched_vcpu.pcpu use these
 * numbers, never per-CPU area ids. A CPU kept out (boot_cpu=housekeeping,
 * docs/development.md "Known emulator problems") has index -1: it takes
 * interrupts and prints the accounting lines, and never enters a guest.
 *
 * Locking: sched_lock covers the algorithm and vCPU "sched" fields; each
 * heap's wake_lock is taken inside it (never the other way round).
 * Ordering: a pCPU picks a vCPU under sched_lock, then waits for the vCPU's
 * ctx_cpu to drop to -1 (the previous pCPU saved its state) before loading
 * it; that previous pCPU releases ctx_cpu after its last use.
 */
#include "hv/schedule.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/time.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/panic.h"
#include "x86/percpu.h"
#include "x86/apic.h"
#include "x86/trap.h"
#include "x86/cpu.h"

static struct sched sched;
static unsigned cpu_of[MAX_CPUS];     /* the algorithm's pCPU number -> CPU id */
static struct spinlock sched_lock = SPINLOCK_INIT;
static volatile bool sched_ready;
static uint64_t stats_period_ns;      /* set once; boot CPU's accounting lines */
static uint64_t stats_next_ns;        /* boot CPU only */

uint64_t sched_lock_irqsave(void)
{
	return spin_lock_irqsave(&sched_lock);
}

void sched_unlock_irqrestore(uint64_t flags)
{
	spin_unlock_irqrestore(&sched_lock, flags);
}

uint64_t schedule_now(void)
{
	return time_now_ns();
}

unsigned schedule_cpu_of(unsigned index)
{
	return cpu_of[index];
}

void schedule_send_kicks(uint64_t mask)
{
	unsigned me = this_cpu()->id;

	for (unsigned p = 0; mask && p < sched.npcpus; p++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		if (cpu_of[p] == me)
			this_cpu()->sched.need_resched = true;
		else if (percpu_areas[cpu_of[p]].online)
			lapic_send_ipi(percpu_areas[cpu_of[p]].apic_id, VECTOR_RESCHED);
	}
}

int schedule_add_domain(struct sched_dom *d, const struct sched_params *p,
			uint32_t vcpus)
{
	uint64_t f = sched_lock_irqsave();
	int err = sched_dom_add(&sched, d, p, vcpus, schedule_now());

	sched_unlock_irqrestore(f);
	return err;
}

int schedule_add_vcpu(struct sched_dom *d, struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();
	int err = sched_vcpu_add(&sched, d, &v->sched, schedule_now());

	sched_unlock_irqrestore(f);
	return err;
}

void schedule_remove_vcpu(struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();

	BUG_ON(sched_vcpu_remove(&sched, &v->sched, schedule_now()));
	sched_unlock_irqrestore(f);
}

void schedule_remove_domain(struct sched_dom *d)
{
	uint64_t f = sched_lock_irqsave();

	BUG_ON(sched_dom_remove(&sched, d));
	sched_unlock_irqrestore(f);
}

void schedule_wake_locked(struct vcpu *v)
{
	v->halted = false;
	sched_vcpu_wake(&sched, &v->sched, schedule_now());
}

struct sched *schedule_state(void)
{
	return &sched;
}

/* ---- wake timers: a binary min-heap per pCPU, by deadline ---- */

static void heap_set(struct sched_cpu *s, unsigned i, struct vcpu *v)
{
	s->wake_heap[i] = v;
	v->wake.index = i;
}

static void heap_sift_up(struct sched_cpu *s, unsigned i)
{
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		struct vcpu *a = s->wake_heap[i], *b = s->wake_heap[parent];
		if (b->wake.deadline <= a->wake.deadline)
			break;
		heap_set(s, parent, a);
		heap_set(s, i, b);
		i = parent;
	}
}

static void heap_sift_down(struct sched_cpu *s, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->wake_count &&
		    s->wake_heap[l]->wake.deadline < s->wake_heap[m]->wake.deadline)
			m = l;
		if (r < s->wake_count &&
		    s->wake_heap[r]->wake.deadline < s->wake_heap[m]->wake.deadline)
			m = r;
		if (m == i)
			return;
		struct vcpu *a = s->wake_heap[i];
		heap_set(s, i, s->wake_heap[m]);
		heap_set(s, m, a);
		i = m;
	}
}

/* Removes heap entry i (wake_lock held). */
static void heap_remove(struct sched_cpu *s, unsigned i)
{
	struct vcpu *v = s->wake_heap[i];

	v->wake.deadline = 0;
	if (--s->wake_count == i)
		return;
	heap_set(s, i, s->wake_heap[s->wake_count]);
	heap_sift_down(s, i);
	heap_sift_up(s, i);
}

void schedule_wake_at(struct vcpu *v, uint64_t deadline)
{
	struct percpu *c = this_cpu();
	struct sched_cpu *s = &c->sched;

	BUG_ON(v->wake.deadline);
	spin_lock(&s->wake_lock);
	if (s->wake_count == WAKE_HEAP_MAX)
		panic("cpu%u: more than %u halted vCPUs with timers", c->id, WAKE_HEAP_MAX);
	v->wake.deadline = deadline;
	v->wake.cpu = (int)c->id;
	heap_set(s, s->wake_count++, v);
	heap_sift_up(s, v->wake.index);
	spin_unlock(&s->wake_lock);
}

void schedule_wake_cancel(struct vcpu *v)
{
	if (!__atomic_load_n(&v->wake.deadline, __ATOMIC_ACQUIRE))
		return;
	struct sched_cpu *s = &percpu_areas[v->wake.cpu].sched;
	uint64_t f = spin_lock_irqsave(&s->wake_lock);
	if (v->wake.deadline)
		heap_remove(s, v->wake.index);
	spin_unlock_irqrestore(&s->wake_lock, f);
}

/* Wakes the halted vCPUs whose timers are due on this pCPU. */
static void wake_expired(uint64_t now)
{
	struct sched_cpu *s = &this_cpu()->sched;
	uint64_t kicks = 0;
	uint64_t f = sched_lock_irqsave();

	spin_lock(&s->wake_lock);
	while (s->wake_count && s->wake_heap[0]->wake.deadline <= now) {
		struct vcpu *v = s->wake_heap[0];
		heap_remove(s, 0);
		if (!v->halted)
			continue;
		uint64_t next = vlapic_timer_update(v, now);
		if (vcpu_has_wakeup(v) && !v->parked) {
			schedule_wake_locked(v);
		} else if (next) {
			v->wake.deadline = next;     /* periodic and masked: again */
			heap_set(s, s->wake_count++, v);
			heap_sift_up(s, v->wake.index);
		}
	}
	spin_unlock(&s->wake_lock);
	kicks = sched_take_kicks(&sched);
	sched_unlock_irqrestore(f);
	schedule_send_kicks(kicks);
}

/* ---- the pCPU's one-shot timer ---- */

static uint64_t next_deadline(struct percpu *c, struct vcpu *running)
{
	uint64_t d = c->sched.deadline;

	if (c->id == 0 && stats_period_ns)
		d = MIN(d, stats_next_ns);
	if (running && running->arch.vlapic.deadline_ns)
		d = MIN(d, running->arch.vlapic.deadline_ns);
	if (__atomic_load_n(&c->sched.wake_count, __ATOMIC_RELAXED)) {
		uint64_t f = spin_lock_irqsave(&c->sched.wake_lock);
		if (c->sched.wake_count)
			d = MIN(d, c->sched.wake_heap[0]->wake.deadline);
		spin_unlock_irqrestore(&c->sched.wake_lock, f);
	}
	return d;
}

void schedule_program_timer(struct vcpu *running)
{
	struct percpu *c = this_cpu();
	uint64_t d = next_deadline(c, running);

	if (d == SCHED_TIME_NEVER)
		timer_cancel();
	else if (d != c->timer_deadline)
		timer_arm(d);
}

static void timer_fired(void)
{
	struct percpu *c = this_cpu();
	uint64_t now = time_now_ns();

	if (now >= c->sched.deadline)
		c->sched.need_resched = true;
	wake_expired(now);
	if (c->id == 0 && stats_period_ns && now >= stats_next_ns)
		c->sched.need_resched = true;      /* print from the loop */
}

/* Boot CPU: the accounting lines, when due (outside interrupts). */
static void print_stats_if_due(struct percpu *c, uint64_t now)
{
	if (c->id != 0 || !stats_period_ns || now < stats_next_ns)
		return;
	stats_next_ns = now + stats_period_ns;
	domain_print_sched_stats(now);
}

static void resched_interrupt(struct trap_frame *tf)
{
	(void)tf;
	this_cpu()->sched.need_resched = true;
}

static void kick_interrupt(struct trap_frame *tf)
{
	(void)tf;     /* its only job was to make the guest exit */
}

unsigned schedule_init(bool keep_boot_cpu, unsigned stats_ms)
{
	unsigned npcpus = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct percpu *c = &percpu_areas[i];
		c->sched.index = -1;
		if (!c->online || (i == 0 && keep_boot_cpu))
			continue;
		c->sched.index = (int)npcpus;
		cpu_of[npcpus++] = i;
	}
	stats_period_ns = (uint64_t)stats_ms * 1000000ull;
	stats_next_ns = time_now_ns() + stats_period_ns;
	if (sched_init(&sched, npcpus))
		panic("scheduler: cannot set up %u pCPUs", npcpus);
	trap_set_handler(VECTOR_RESCHED, resched_interrupt);
	trap_set_handler(VECTOR_KICK, kick_interrupt);
	timer_set_handler(timer_fired);
	__atomic_store_n(&sched_ready, true, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < MAX_CPUS; i++)
		if (percpu_areas[i].online)
			lapic_send_ipi(percpu_areas[i].apic_id, VECTOR_RESCHED);
	return npcpus;
}

static void idle(struct percpu *c)
{
	while (!c->sched.need_resched) {
		schedule_program_timer(NULL);
		__asm__ volatile("sti; hlt; cli" : : : "memory");
		uint64_t now = time_now_ns();
		if (now >= c->sched.deadline)
			c->sched.need_resched = true;
	}
}

/* Waits until the pCPU that last ran v has saved its state. */
static void claim_context(struct vcpu *v, unsigned cpu)
{
	int expected = -1;

	while (!__atomic_compare_exchange_n(&v->ctx_cpu, &expected, (int)cpu, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		expected = -1;
		cpu_relax();
	}
}

/* A CPU that runs no vCPUs: its interrupts, and the accounting lines on
 * the boot CPU; nothing else (no guest entry, ever). */
static __attribute__((noreturn)) void housekeeping_loop(struct percpu *c)
{
	c->sched.deadline = SCHED_TIME_NEVER;
	for (;;) {
		c->sched.need_resched = false;
		print_stats_if_due(c, time_now_ns());
		idle(c);
	}
}

void schedule_loop(void)
{
	struct percpu *c = this_cpu();

	irq_disable();
	while (!__atomic_load_n(&sched_ready, __ATOMIC_ACQUIRE))
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	if (c->sched.index < 0)
		housekeeping_loop(c);
	unsigned me = (unsigned)c->sched.index;
	for (;;) {
		uint64_t deadline, now = time_now_ns();
		c->sched.need_resched = false;
		print_stats_if_due(c, now);
		uint64_t f = sched_lock_irqsave();
		struct sched_vcpu *sv = sched_pick(&sched, me, now, &deadline);
		uint64_t kicks = sched_take_kicks(&sched);
		sched_unlock_irqrestore(f);
		schedule_send_kicks(kicks & ~(1ull << me));
		c->sched.deadline = deadline;
		if (!sv) {
			idle(c);
			continue;
		}
		struct vcpu *v = container_of(sv, struct vcpu, sched);
		claim_context(v, c->id);
		bool parked = vcpu_run(v);
		__atomic_store_n(&v->ctx_cpu, -1, __ATOMIC_RELEASE);
		if (parked)
			domain_vcpu_parked(v);
	}
}
