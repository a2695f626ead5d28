/*
 * timer.c - each CPU's one-shot timer (hv/time.h) on its local APIC timer.
 *
 * The APIC timer counts 32 bits, a few seconds at most; a deadline further
 * away fires early and is re-armed from the interrupt, so callers never
 * see the limit. Locking: a CPU touches only its own timer, with
 * interrupts off.
 */
#include "hv/time.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/trap.h"

static void (*timer_handler)(void);

static void program(uint64_t deadline)
{
	uint64_t now = time_now_ns();

	lapic_timer_oneshot(deadline > now ? deadline - now : 1);
}

void timer_arm(uint64_t deadline_ns)
{
	uint64_t flags = irq_save();

	this_cpu()->timer_deadline = deadline_ns ? deadline_ns : 1;
	program(this_cpu()->timer_deadline);
	irq_restore(flags);
}

void timer_cancel(void)
{
	uint64_t flags = irq_save();

	this_cpu()->timer_deadline = 0;
	lapic_timer_oneshot(0);
	irq_restore(flags);
}

void timer_set_handler(void (*fn)(void))
{
	timer_handler = fn;
}

static void timer_interrupt(struct trap_frame *tf)
{
	struct percpu *c = this_cpu();

	(void)tf;
	if (!c->timer_deadline)
		return;                          /* cancelled while in flight */
	if (time_now_ns() < c->timer_deadline) {
		program(c->timer_deadline);      /* beyond the counter's reach */
		return;
	}
	c->timer_deadline = 0;
	c->timer_fired++;
	if (timer_handler)
		timer_handler();
}

void timer_init(void)
{
	trap_set_handler(VECTOR_TIMER, timer_interrupt);
}
