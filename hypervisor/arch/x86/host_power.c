/*
 * host_power.c - powering the machine off and resetting it (see
 * x86/host_power.h).
 *
 * Power-off (ACPI 6.4, 4.8.3.2.1 and 16.1.7 "Transitioning from the
 * Working to the Soft Off State"): write SLP_TYPx of \_S5 (bits 12:10)
 * with SLP_EN (bit 13) to PM1a_CNT and, if present, PM1b_CNT. The
 * hypervisor does not run the _PTS/_GTS control methods (it has no AML
 * interpreter); QEMU and most chipsets power off without them.
 * Reset: the FADT's reset register (4.8.3.6) when it is in I/O space,
 * then the PCI reset control register at 0xCF9 (full reset: 0x02 then
 * 0x06), then the 8042 keyboard controller's pulse-reset command (0xFE
 * to port 0x64).
 *
 * Before acting, every other CPU is stopped (the panic path's NMI), so
 * nothing runs on while the machine goes down.
 */
#include "x86/host_power.h"
#include "x86/io.h"
#include "x86/cpu.h"
#include "hv/acpi.h"
#include "hv/log.h"
#include "hv/panic.h"

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN        (1u << 13)

static struct {
	uint16_t pm1a_cnt, pm1b_cnt, reset_port;
	uint8_t reset_value, typ_a, typ_b;
	bool s5;
} power;

void host_power_init(const struct acpi_info *acpi)
{
	power.pm1a_cnt = acpi->pm1a_cnt_port;
	power.pm1b_cnt = acpi->pm1b_cnt_port;
	power.reset_port = acpi->reset_port;
	power.reset_value = acpi->reset_value;
	power.s5 = acpi->has_s5;
	power.typ_a = acpi->s5_slp_typ_a;
	power.typ_b = acpi->s5_slp_typ_b;
	if (!power.s5 || !power.pm1a_cnt)
		log_warn("ACPI: no \\_S5 or PM1 control block: dom0's power-off will halt instead");
}

static void write_sleep(uint16_t port, uint8_t typ)
{
	uint16_t v = inw(port) & ~(7u << PM1_SLP_TYP_SHIFT);

	outw(port, v | (uint16_t)(typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}

static void spin_briefly(void)
{
	for (unsigned i = 0; i < 10000000u; i++)
		cpu_relax();
}

void host_poweroff(void)
{
	machine_stop_others();
	log_raw("muxvisor: powering off\n");
	if (power.s5 && power.pm1a_cnt) {
		if (power.pm1b_cnt)
			write_sleep(power.pm1b_cnt, power.typ_b);
		write_sleep(power.pm1a_cnt, power.typ_a);
		spin_briefly();
	}
	log_raw("muxvisor: power-off did not happen; system halted\n");
	cpu_halt_forever();
}

void host_reset(void)
{
	machine_stop_others();
	log_raw("muxvisor: resetting the machine\n");
	if (power.reset_port) {
		outb(power.reset_port, power.reset_value);
		spin_briefly();
	}
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	spin_briefly();
	outb(0x64, 0xfe);
	spin_briefly();
	log_raw("muxvisor: reset did not happen; system halted\n");
	cpu_halt_forever();
}
