/*
 * hostile_triple - a triple fault. vCPU 0 loads an empty IDT (limit 0)
 * and executes UD2: the #UD cannot be delivered (#GP), nor can that
 * (#DF), nor that: the CPU shuts down. The hypervisor must mark the
 * domain crashed with a reason (a triple fault / shutdown intercept)
 * and keep everything else running.
 *
 * Prints: hostile_triple: loading an empty IDT and raising #UD ...
 * Result: none (the domain is crashed); FAIL hostile_triple if execution
 * ever continues after the UD2.
 */
#include "rt/rt.h"

#define NAME "hostile_triple"

static void hostile_triple_main(unsigned int cpu)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	if (cpu != 0)
		return;
	rt_printf("hostile_triple: loading an empty IDT and raising #UD; the "
		  "hypervisor should mark this domain crashed\n");
	rt_console_flush();
	__asm__ volatile("cli\n\t"
			 "lidt %0\n\t"
			 "ud2" : : "m"(empty) : "memory");
	rt_fail(NAME, "execution continued after UD2 with an empty IDT");
}

const struct rt_test test_desc = { .name = NAME, .main = hostile_triple_main };
