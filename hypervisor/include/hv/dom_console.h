/*
 * dom_console.h - a domain's console: what its vCPUs write (console
 * hypercall, later the UART) becomes lines on the hypervisor's serial
 * console, each prefixed "[d<id> <name>] ". Non-printable bytes are shown
 * as '?', so a guest cannot drive the operator's terminal.
 */
#ifndef HV_DOM_CONSOLE_H
#define HV_DOM_CONSOLE_H

#include <stddef.h>

struct vcpu;

/* Appends bytes written by vCPU v; complete lines are printed at once, a
 * line longer than VCPU_LINE_MAX is split. */
void dom_console_write(struct vcpu *v, const char *buf, size_t n);

#endif
