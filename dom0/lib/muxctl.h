/*
 * muxctl.h - libmuxctl, dom0's C library over /dev/muxvisor (the control
 * interface, muxvisor/control.h; docs/control-abi.md). Used by muxctl and
 * by muxd's muxvisor driver.
 *
 * Every call returns 0 (or a count) on success and a negative errno on
 * failure: the hypervisor's (-ESRCH no such domain, -ENOSPC admission
 * control, ...) or the library's own argument checks (-EINVAL, done before
 * anything is asked). After a failure the calling thread's muxctl_errmsg()
 * says what failed and, when one field was at fault, names it
 * ("domain create: invalid argument (field domain_create.vcpus)");
 * muxctl_errfield() gives that field's name alone ("" when none).
 *
 * Threads: a handle may be used by several threads at once; error text is
 * per thread.
 */
#ifndef MUXCTL_H
#define MUXCTL_H

#include <stddef.h>
#include <stdint.h>
#include <muxvisor/control.h>

#define MUXCTL_DEVICE "/dev/muxvisor"

struct muxctl;

/* Opens the device (path NULL: MUXCTL_DEVICE). -ENOENT when it does not
 * exist (the module is not loaded: not dom0, or not under Muxvisor). */
int muxctl_open(const char *path, struct muxctl **out);
void muxctl_close(struct muxctl *h);
/* The device's file descriptor, for poll() beside other files. */
int muxctl_fd(const struct muxctl *h);

const char *muxctl_errmsg(void);
const char *muxctl_errfield(void);

/* A call's name ("domain create") and the name of the field at err_field
 * offset for that call ("domain_create.vcpus"), or NULL. */
const char *muxctl_op_name(uint32_t op);
const char *muxctl_field_name(uint32_t op, uint32_t err_field);

/* Host. */
int muxctl_host_info(struct muxctl *h, struct muxv_host_info *out);

/* Images: uploaded once, shared by the domains that boot them. */
int muxctl_image_create(struct muxctl *h, uint64_t size, uint32_t *id);
int muxctl_image_write(struct muxctl *h, uint32_t id, uint64_t offset, const void *data,
		       size_t len);
int muxctl_image_seal(struct muxctl *h, uint32_t id);
int muxctl_image_release(struct muxctl *h, uint32_t id);
/* create + write in MUXV_CTL_BUF_MAX chunks + seal; on failure nothing is
 * left in the hypervisor. */
int muxctl_image_upload(struct muxctl *h, const char *path, uint32_t *id);

/* Domains. muxctl_domain_init() fills defaults (weight 256, on_* destroy)
 * and checks name (1..MUXV_CTL_NAME_MAX of [A-Za-z0-9._-]); set the rest,
 * then muxctl_domain_create() (which checks what it can before asking). */
int muxctl_domain_init(struct muxv_domain_create *req, const char *name, uint32_t kind);
int muxctl_set_cmdline(struct muxv_domain_create *req, const char *cmdline);
int muxctl_domain_create(struct muxctl *h, struct muxv_domain_create *req, uint32_t *domid);
int muxctl_domain_destroy(struct muxctl *h, uint32_t domid);
int muxctl_domain_pause(struct muxctl *h, uint32_t domid);
int muxctl_domain_unpause(struct muxctl *h, uint32_t domid);
int muxctl_domain_info(struct muxctl *h, uint32_t domid, struct muxv_domain_info *out);
/* Every domain's id, ascending; *ids is malloc'd (free it). */
int muxctl_domain_list(struct muxctl *h, uint32_t **ids, size_t *n);
/* The domain called name: its id, or -ESRCH. */
int muxctl_domain_find(struct muxctl *h, const char *name, uint32_t *domid);
int muxctl_vcpu_info(struct muxctl *h, uint32_t domid, uint32_t vcpu, struct muxv_vcpu_info *out);

/* Scheduler parameters (docs/scheduler.md). */
int muxctl_sched_get(struct muxctl *h, uint32_t domid, struct muxv_sched *out);
int muxctl_sched_set(struct muxctl *h, uint32_t domid, const struct muxv_sched *s);

/* Memory. */
int muxctl_mem_populate(struct muxctl *h, uint32_t domid, uint64_t gfn, uint64_t count);
/* Maps count pages of the domain from gfn into this process (read/write,
 * shared with the guest); *addr is the start. muxctl_unmap() ends it. */
int muxctl_map(struct muxctl *h, uint32_t domid, uint64_t gfn, uint64_t count, void **addr);
int muxctl_unmap(void *addr, uint64_t count);

/* Balloon of a Linux customer domain (docs/balloon.md): its target
 * (whole pages, MUXV_BALLOON_MIN_TARGET .. the ceiling; -ENODEV for a
 * domain without a balloon) and its accounting with the guest's last
 * statistics. A Linux domain created with populate_bytes below mem_bytes
 * starts pre-ballooned at that target. */
int muxctl_balloon_set(struct muxctl *h, uint32_t domid, uint64_t target_bytes);
int muxctl_balloon_get(struct muxctl *h, uint32_t domid, struct muxv_balloon_info *out);

/* Console: output from *seq on (set to the next byte); returns the bytes
 * copied; *lost (may be NULL) gets the bytes that had left the ring. */
int muxctl_console_read(struct muxctl *h, uint32_t domid, uint64_t *seq, void *buf, size_t cap,
			uint64_t *lost);
/* Input, as if typed; all of it or an error (-EAGAIN: the guest's input is full). */
int muxctl_console_write(struct muxctl *h, uint32_t domid, const void *buf, size_t len);

/* Events from *seq on into ev (at most max); returns the records copied,
 * *seq set to the next to ask for, *lost (may be NULL) to records gone. */
int muxctl_events_read(struct muxctl *h, uint64_t *seq, struct muxv_event *ev, size_t max,
		       uint64_t *lost);
/* Waits until events beyond this handle's last events_read exist, or
 * timeout_ms (-1: forever). 1 ready, 0 timeout, <0 error. */
int muxctl_events_wait(struct muxctl *h, int timeout_ms);

/* Names for display. */
const char *muxctl_state_name(uint32_t state);     /* "running", ... */
const char *muxctl_event_name(uint32_t type);      /* "created", ... */
const char *muxctl_kind_name(uint32_t kind);       /* "test-kernel", "linux" */
const char *muxctl_vcpu_state_name(uint32_t state); /* "running", "blocked", ... */

#endif
