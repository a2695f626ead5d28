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
#include <muxvisor/hypercall.h>

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

/* Each domain keeps the last DOM_CONSOLE_RING_SIZE bytes of its console
 * output, numbered from 0 (hv/seq_ring.h), for dom0's CONSOLE_READ. */
#define DOM_CONSOLE_RING_ORDER 2
#define DOM_CONSOLE_RING_SIZE  (4096u << DOM_CONSOLE_RING_ORDER)

/* The console hypercall's rate limit, per domain (muxvisor/hypercall.h,
 * docs/guest-abi.md): a token bucket of one token a byte
 * (hv/token_bucket.h). The rate is above the serial line's 11.5 KB/s at
 * 115200 baud and far above what any of our guests prints. */
#define DOM_CONSOLE_HC_RATE    ((unsigned)MUXV_CONSOLE_RATE)
#define DOM_CONSOLE_HC_BURST   ((unsigned)MUXV_CONSOLE_BURST)

/* Allocates d's output ring: 0 or -ENOMEM. Freed by dom_console_free. */
int dom_console_init(struct domain *d);
void dom_console_free(struct domain *d);
/* Copies d's output from byte *seq on (at most max bytes) to buf; see
 * seq_ring_read() for *seq and *lost. Returns the bytes copied. */
uint32_t dom_console_read(struct domain *d, uint64_t *seq, void *buf, uint32_t max,
			  uint64_t *lost);

/* Appends bytes from one source of domain d to its ring (as they are)
 * and to its line (printable); complete lines are printed at once, a line longer than DOM_CONSOLE_LINE_MAX is split. */
void dom_console_feed(struct domain *d, struct dom_console_line *line,
		      const char *buf, size_t n);
/* Prints the partial line if no byte came for DOM_CONSOLE_PARTIAL_NS. */
void dom_console_flush_stale(struct domain *d, struct dom_console_line *line);
/* Bytes written by vCPU v through the console hypercall. */
void dom_console_write(struct vcpu *v, const char *buf, size_t n);
/* How many of want bytes the console hypercall may write for d now (its
 * rate limit); the rest are counted as dropped, and the first drop after
 * a quiet spell (the bucket full again) is logged. */
size_t dom_console_hc_admit(struct domain *d, size_t want);

#endif
