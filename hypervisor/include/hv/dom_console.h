/*
 * dom_console.h - a domain's console: what its vCPUs write (console
 * hypercall, later the UART) becomes lines on the hypervisor's serial
 * console, each prefixed "[d<id> <name>] ". Non-printable bytes are shown
 * as '?', so a guest cannot drive the operator's terminal.
 */
#ifndef HV_DOM_CONSOLE_H
#define HV_DOM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct domain;

#define DOM_CONSOLE_LINE_MAX 256

/* A line being assembled from one source (a vCPU's hypercalls, a device). */
struct dom_console_line {
	char buf[DOM_CONSOLE_LINE_MAX];
	unsigned len;
	uint64_t last_ns;        /* when its last byte came */
	unsigned shown;          /* bytes already shown as a partial line */
};

/* A partial line whose source has been quiet this long is shown without
 * waiting for its newline (a shell prompt must be seen). It stays in the
 * buffer: when its newline comes the whole line is printed again, so a
 * line is never split on the console, only previewed. */
#define DOM_CONSOLE_PARTIAL_NS 250000000ull

/* Appends bytes from one source of domain d; complete lines are printed
 * at once, a line longer than DOM_CONSOLE_LINE_MAX is split. */
void dom_console_feed(struct domain *d, struct dom_console_line *line,
		      const char *buf, size_t n);
/* Prints the partial line if no byte came for DOM_CONSOLE_PARTIAL_NS. */
void dom_console_flush_stale(struct domain *d, struct dom_console_line *line);
/* Bytes written by vCPU v through the console hypercall. */
void dom_console_write(struct vcpu *v, const char *buf, size_t n);

#endif
