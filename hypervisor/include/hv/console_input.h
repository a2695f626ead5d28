/*
 * console_input.h - where keystrokes on the hypervisor's serial console
 * go: to one domain's console at a time (its ttyS0), chosen by typing
 * Ctrl-A three times, which moves the input to the next domain that has a
 * console, and after the last one back to the hypervisor (which ignores
 * input). A Linux domain created when no domain has the input gets it.
 * Documented in docs/operator-guide.md.
 */
#ifndef HV_CONSOLE_INPUT_H
#define HV_CONSOLE_INPUT_H

#include <stdint.h>

struct domain;
struct acpi_info;

/* Boot CPU, once: routes the serial console's interrupt to this CPU. */
void console_input_init(const struct acpi_info *acpi);
/* A domain with a console appeared or went away. */
void console_input_domain_added(struct domain *d);
void console_input_domain_removed(struct domain *d);

#endif
