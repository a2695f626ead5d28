/*
 * probe.h - ctlprobe, the control interface's test from the privileged
 * domain (docs/test-guests.md): calling MUXV_HC_CONTROL, judging refused
 * calls, and the parts of the test (one file each).
 *
 * Every part runs on vCPU 0 and reports `PASS ctl.<part>.<case>` or
 * `FAIL ctl.<part>.<case>: <why>` lines.
 */
#ifndef CTLPROBE_PROBE_H
#define CTLPROBE_PROBE_H

#include "rt/rt.h"
#include <muxvisor/control.h>

#define CTL_FIELD(member) ((uint32_t)__builtin_offsetof(struct muxv_ctl, member))
#define PROBE_BUF_SIZE MUXV_CTL_BUF_MAX

/* The struct of the call under test, and a second one for queries made
 * around it; both page aligned. A data buffer of PROBE_BUF_SIZE bytes. */
extern struct muxv_ctl *req, *aux;
extern uint8_t *probe_buf;

/* Issues MUXV_HC_CONTROL with a struct at gpa of size bytes. */
int64_t ctl_raw(uint64_t gpa, uint64_t size);
/* Issues the call in c. */
int64_t ctl_do(struct muxv_ctl *c);
/* Zeroes c and fills its header for op about domid. */
void ctl_prep(struct muxv_ctl *c, uint32_t op, uint32_t domid);
void ctl_set_buf(struct muxv_ctl *c, const void *buf, uint32_t len, uint32_t dir);

/* Host facts the refusal checks compare before and after. */
struct probe_state {
	uint64_t pool_free_pages;
	uint64_t image_pages;
	uint32_t nr_domains;
	uint32_t reserved_pct;
	uint64_t event_seq;       /* next event's sequence number */
};
void probe_state(struct probe_state *s);
/* aux: HOST_INFO / DOMAIN_INFO of id. 0 or the error. */
int64_t probe_host_info(struct muxv_host_info *out);
int64_t probe_domain_info(uint32_t id, struct muxv_domain_info *out);

/*
 * Issues the call in req and checks that it is refused with -err naming
 * field, that only hdr.err_field of the struct changed, and that the host
 * (free pages, image pages, domains, reservations, events) did not.
 * Reports PASS/FAIL <name>; returns true on PASS.
 */
bool expect_refused(const char *name, int err, uint32_t field);
/* Issues the call in req; reports FAIL <name> unless it returns 0.
 * Returns true on success (no PASS line: the caller judges the result). */
bool expect_ok(const char *name);

/* Reports PASS name if ok, else FAIL name: <fmt...>. Returns ok. */
bool check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The domain named name, or -1. */
int64_t probe_find_domain(const char *name);
/* Waits up to timeout_ms for domain id's state to be state (or for it to
 * be gone, state 0). Returns true when it is. */
bool probe_wait_state(uint32_t id, uint32_t state, uint64_t timeout_ms);

/* The parts, in the order main.c runs them. */
void part_header(void);
void part_host(void);
void part_domains(void);
void part_images(void);
void part_lifecycle(void);
void part_memmap(void);

/* t_images.c: the uploaded child test kernel (0 if the upload failed),
 * and a DOMAIN_CREATE of it in req (1 vCPU, 8 MiB, capped, kept when it
 * stops). */
extern uint32_t child_image;
void probe_prep_create(const char *name, uint32_t image);

#endif
