/*
 * host_power.h - turning the whole machine off or resetting it, for dom0's
 * power-off and reboot (docs/dom0.md): ACPI S5 and the reset register from
 * the host's FADT, with the PC's fallbacks.
 */
#ifndef X86_HOST_POWER_H
#define X86_HOST_POWER_H

struct acpi_info;

/* Boot CPU, once: keeps what the host's FADT and DSDT say. */
void host_power_init(const struct acpi_info *acpi);
/* ACPI S5 (PM1 control: SLP_TYP of \_S5, SLP_EN); halts if that fails. */
__attribute__((noreturn)) void host_poweroff(void);
/* The FADT reset register, then port 0xCF9, then the keyboard
 * controller; halts if all fail. */
__attribute__((noreturn)) void host_reset(void);

#endif
