/*
 * ctl.h - inside the control interface (hypervisor/control/): the call
 * being served, the handlers of each group of calls, and the pure
 * argument checks (validate.c) they start with.
 *
 * A handler gets the caller's struct muxv_ctl already copied in, the
 * header checked, and (for calls with a data buffer) the buffer bounced:
 * an IN buffer is read from dom0 before the handler runs, an OUT buffer is
 * written to dom0 after it returns 0. A handler checks everything before
 * it changes anything; on error it sets k->err_field (the offset of the
 * field at fault in struct muxv_ctl) and returns the negated errno.
 *
 * Locking: every handler runs under the domain life-cycle lock
 * (domain_lifecycle_lock), so calls are serialised against each other and
 * no domain they look up is destroyed or rebuilt under them.
 */
#ifndef CONTROL_CTL_H
#define CONTROL_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <muxvisor/control.h>

struct vcpu;
struct domain;
struct hv_image;
struct sched_params;

/* The byte offset of a field of struct muxv_ctl: CTL_FIELD(u.mem.gfn). */
#define CTL_FIELD(member) ((uint32_t)offsetof(struct muxv_ctl, member))

/* What the caller waits for once the call is done and the lock dropped. */
enum ctl_settle {
	CTL_SETTLE_NONE,
	CTL_SETTLE_PARKED,      /* settle_id's vCPUs all parked (pause) */
	CTL_SETTLE_GONE,        /* settle_id destroyed (destroy) */
};

struct ctl_call {
	struct vcpu *caller;          /* dom0's vCPU making the call */
	struct muxv_ctl c;            /* the caller's struct, copied in; copied
				       * back whole on success */
	uint32_t err_field;           /* on error: the field at fault */
	uint8_t *buf;                 /* the bounced data buffer */
	uint32_t buf_len;             /* IN: bytes in buf; OUT: room in buf */
	uint32_t out_len;             /* OUT: bytes the handler produced */
	enum ctl_settle settle;
	uint32_t settle_id;
};

/* Sets the field at fault and returns err (for `return ctl_fail(...)`). */
static inline int ctl_fail(struct ctl_call *k, int err, uint32_t field)
{
	k->err_field = field;
	return err;
}

/* ---- Limits the checks apply (host.c reports them in host_info) ---- */

struct ctl_limits {
	uint32_t max_vcpus;           /* per domain */
	uint64_t max_mem_bytes;       /* any domain */
	uint64_t max_test_kernel_mem; /* a test-kernel domain */
	uint32_t test_kernel_cmdline_max; /* bytes of a test kernel's words */
};

/* ---- validate.c: pure checks of each call's arguments ----
 * Each returns 0, or a negated errno with *field set. They check what can
 * be judged from the struct alone: ranges, reserved and padding fields,
 * strings; the handlers check what needs the hypervisor's state. */

/* The header: version (any for HOST_INFO), and for a call using the data
 * buffer (dir != MUXV_BUF_NONE) its length and direction. */
int ctl_check_header(const struct muxv_ctl_hdr *h, unsigned dir, uint32_t *field);
int ctl_check_image_create(const struct muxv_ctl *c, uint32_t *field);
int ctl_check_image_write(const struct muxv_ctl *c, uint32_t *field);
int ctl_check_image_ref(const struct muxv_ctl *c, uint32_t *field);
int ctl_check_domain_create(const struct muxv_ctl *c, const struct ctl_limits *lim,
			    uint32_t *field);
int ctl_check_domain_list(const struct muxv_ctl *c, uint32_t *field);
int ctl_check_vcpu_info(const struct muxv_ctl *c, uint32_t *field);
/* The scheduler parameters at offset base of struct muxv_ctl, for a
 * domain of vcpus vCPUs (the scheduler's own rules, field by field). */
int ctl_check_sched(const struct muxv_sched *s, uint32_t vcpus, uint32_t base,
		    uint32_t *field);
int ctl_check_mem(const struct muxv_ctl *c, bool window, uint32_t *field);
int ctl_check_console(const struct muxv_ctl *c, uint32_t *field);
int ctl_check_events(const struct muxv_ctl *c, uint32_t *field);
/* BALLOON_SET's target (the ceiling needs the domain: the handler). */
int ctl_check_balloon_set(const struct muxv_ctl *c, uint32_t *field);
/* A domain name: 1..MUXV_CTL_NAME_MAX of [A-Za-z0-9._-], NUL-terminated
 * within its array. */
bool ctl_name_ok(const char *name, size_t size);

/* ---- Handlers, by group ---- */

/* host.c */
int ctl_host_info(struct ctl_call *k);
void ctl_limits(struct ctl_limits *lim);

/* images.c */
uint64_t ctl_image_pages(void);         /* pool pages images hold */
struct hv_image *ctl_image_find(uint32_t id);   /* not released, or NULL */
int ctl_image_create(struct ctl_call *k);
int ctl_image_write(struct ctl_call *k);
int ctl_image_seal(struct ctl_call *k);
int ctl_image_release(struct ctl_call *k);

/* lifecycle.c */
int ctl_domain_create(struct ctl_call *k);
int ctl_domain_destroy(struct ctl_call *k);
int ctl_domain_pause(struct ctl_call *k);
int ctl_domain_unpause(struct ctl_call *k);

/* sched.c, and the translations (lifecycle.c, domains.c) */
int ctl_sched_get(struct ctl_call *k);
int ctl_sched_set(struct ctl_call *k);
void ctl_sched_from_abi(struct sched_params *p, const struct muxv_sched *s);
void ctl_sched_to_abi(struct muxv_sched *out, const struct sched_params *p);

/* console.c */
int ctl_console_read(struct ctl_call *k);
int ctl_console_write(struct ctl_call *k);

/* events.c */
int ctl_events_read(struct ctl_call *k);

/* memory.c */
/* MEM_MAP's window in dom0's guest-physical space. */
void ctl_map_window(uint64_t *gpa, uint64_t *pages);
int ctl_mem_populate(struct ctl_call *k);
int ctl_mem_map(struct ctl_call *k);
int ctl_mem_unmap(struct ctl_call *k);

/* balloon.c */
int ctl_balloon_set(struct ctl_call *k);
int ctl_balloon_get(struct ctl_call *k);

/* domains.c */
int ctl_domain_info(struct ctl_call *k);
int ctl_domain_list(struct ctl_call *k);
int ctl_vcpu_info(struct ctl_call *k);

/* The domain hdr.domid names, or NULL with -ESRCH at hdr.domid. */
struct domain *ctl_domain(struct ctl_call *k, int *err);

#endif
