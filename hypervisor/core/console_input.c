/*
 * console_input.c - routing the serial console's input to a domain (see
 * hv/console_input.h). While the hypervisor has the input it answers a few
 * keys itself (hypervisor_key).
 *
 * The receive interrupt arrives on the boot CPU; the handler drains the
 * UART, watches for the switch sequence, and hands the other bytes to the
 * focused domain's console device, which buffers what its UART cannot take
 * yet. A line typed after ':' is a command (docs/balloon.md): `balloon`
 * prints every domain's balloon-state line, `balloon <id> <size>` sets a
 * domain's balloon target. Locking: focus_lock protects the focus and the domain list; it is
 * taken with interrupts off, before a domain's dev_lock.
 */
#include "hv/console_input.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/balloon.h"
#include "hv/cmdline.h"
#include "hv/lib.h"
#include "hv/errno.h"
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
static char cmd[64];                            /* ':' line being typed; */
static unsigned cmd_len;                        /* interrupt context only */
static bool cmd_active;

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

static struct domain *console_domain(uint64_t id)
{
	for (int i = 0; i < MAX_CONSOLES; i++)
		if (consoles[i] && consoles[i]->id == id)
			return consoles[i];
	return NULL;
}

/* `balloon [<domain id> <size>]`, with focus_lock held. */
static void command_balloon(const char *args)
{
	struct cmdline_token id_tok, size_tok;
	const char *p = args;
	uint64_t id, bytes;
	struct domain *d;
	int err;

	if (!cmdline_next(&p, &id_tok)) {
		for (int i = 0; i < MAX_CONSOLES; i++)
			if (consoles[i])
				balloon_print(consoles[i]);
		return;
	}
	if (!cmdline_next(&p, &size_tok) ||
	    cmdline_parse_u64(id_tok.key, id_tok.key_len, false, &id) ||
	    cmdline_parse_u64(size_tok.key, size_tok.key_len, true, &bytes)) {
		log_warn("console: usage: balloon [<domain id> <size, e.g. 256M>]");
		return;
	}
	d = console_domain(id);
	err = d ? balloon_set_target(d, bytes) : -ENOENT;
	if (err)
		log_warn("console: balloon d%lu %lu bytes refused (%d)", id, bytes, err);
}

static void run_command(void)
{
	cmd[cmd_len] = '\0';
	log_info("console: command '%s'", cmd);
	if (strncmp(cmd, "balloon", 7) == 0 && (cmd[7] == '\0' || cmd[7] == ' '))
		command_balloon(cmd + 7);
	else
		log_warn("console: unknown command (known: balloon)");
}

/* Collects a ':' command line; true while one is being typed. */
static bool command_key(char c)
{
	if (!cmd_active) {
		if (c != ':')
			return false;
		cmd_active = true;
		cmd_len = 0;
		return true;
	}
	if (c == '\r' || c == '\n') {
		cmd_active = false;
		run_command();
	} else if ((c == '\b' || c == 0x7f) && cmd_len) {
		cmd_len--;
	} else if (c >= ' ' && cmd_len < sizeof(cmd) - 1) {
		cmd[cmd_len++] = c;
	}
	return true;
}

/* Keys the hypervisor itself answers while it has the input. */
static void hypervisor_key(char c)
{
	if (command_key(c))
		return;
	switch (c) {
	case 'd':
		domain_dump_all();
		break;
	case 'h':
	case '?':
		log_raw("hypervisor console keys: d = domains and vCPUs, h = this help, "
			":balloon [<id> <size>] Enter = balloon state / target; "
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
