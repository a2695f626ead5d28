/*
 * console_input.c - routing the serial console's input to a domain (see
 * hv/console_input.h). While the hypervisor has the input it answers a few
 * keys itself (hypervisor_key).
 *
 * The receive interrupt arrives on the boot CPU; the handler drains the
 * UART, watches for the switch sequence, and hands the other bytes to the
 * focused domain's console device, which buffers what its UART cannot take
 * yet. Locking: focus_lock protects the focus and the domain list; it is
 * taken with interrupts off, before a domain's dev_lock.
 */
#include "hv/console_input.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/spinlock.h"
#include "hv/acpi.h"
#include "hv/log.h"
#include "x86/ioapic.h"
#include "x86/apic.h"
#include "x86/trap.h"

#define CTRL_A 0x01
#define SWITCH_PRESSES 3
#define MAX_CONSOLES 64

static struct spinlock focus_lock = SPINLOCK_INIT;
static struct domain *consoles[MAX_CONSOLES];   /* focus_lock */
static int focus = -1;                          /* index, -1 = hypervisor */
static unsigned ctrl_a_run;                     /* interrupt context only */

static void announce(void)
{
	if (focus < 0)
		log_info("console input: hypervisor (press Ctrl-A three times to switch)");
	else
		log_info("console input: domain d%u '%s' (press Ctrl-A three times to switch)",
			 consoles[focus]->id, consoles[focus]->cfg.name);
}

/* Moves the focus to the next domain with a console, or the hypervisor. */
static void switch_focus(void)
{
	int next = focus + 1;

	while (next < MAX_CONSOLES && !consoles[next])
		next++;
	focus = next < MAX_CONSOLES ? next : -1;
	announce();
}

/* Keys the hypervisor itself answers while it has the input. */
static void hypervisor_key(char c)
{
	switch (c) {
	case 'd':
		domain_dump_all();
		break;
	case 'h':
	case '?':
		log_raw("hypervisor console keys: d = domains and vCPUs, h = this help; "
			"Ctrl-A three times = next domain's console\n");
		break;
	default:
		break;
	}
}

static void deliver(char c)
{
	if (focus >= 0)
		linux_platform_input(consoles[focus], &c, 1);
	else
		hypervisor_key(c);
}

static void rx_interrupt(struct trap_frame *tf)
{
	char c;

	(void)tf;
	spin_lock(&focus_lock);
	while (console_read_byte(&c)) {
		if (c == CTRL_A && ++ctrl_a_run == SWITCH_PRESSES) {
			ctrl_a_run = 0;
			switch_focus();
			continue;
		}
		if (c != CTRL_A) {
			/* Ctrl-A typed fewer than three times reaches the guest. */
			for (; ctrl_a_run; ctrl_a_run--)
				deliver(CTRL_A);
			deliver(c);
		}
	}
	spin_unlock(&focus_lock);
}

void console_input_init(const struct acpi_info *acpi)
{
	uint32_t gsi = acpi_isa_irq_gsi(acpi, 4);     /* COM1 is ISA IRQ 4 */

	trap_set_handler(VECTOR_CONSOLE, rx_interrupt);
	if (ioapic_route(acpi, gsi, VECTOR_CONSOLE, lapic_id())) {
		log_warn("console input: no IOAPIC pin for COM1 (GSI %u); input disabled", gsi);
		return;
	}
	console_enable_rx_interrupt();
}

void console_input_domain_added(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&focus_lock);

	for (int i = 0; i < MAX_CONSOLES; i++) {
		if (consoles[i])
			continue;
		consoles[i] = d;
		if (focus < 0) {
			focus = i;
			announce();
		}
		break;
	}
	spin_unlock_irqrestore(&focus_lock, f);
}

void console_input_domain_removed(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&focus_lock);

	for (int i = 0; i < MAX_CONSOLES; i++) {
		if (consoles[i] != d)
			continue;
		consoles[i] = NULL;
		if (focus == i) {
			focus = -1;
			announce();
		}
	}
	spin_unlock_irqrestore(&focus_lock, f);
}
