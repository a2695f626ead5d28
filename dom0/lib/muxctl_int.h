/*
 * muxctl_int.h - private to libmuxctl's files.
 */
#ifndef MUXCTL_INT_H
#define MUXCTL_INT_H

#include <stdbool.h>

#include "muxctl.h"

struct muxctl {
	int fd;
	/* ioctl(2), or a fake device inside the library's unit tests. */
	int (*ioctl)(int fd, unsigned long req, void *arg);
};

/* A zeroed request for op (version set, err_field = none). */
void muxctl_req(struct muxv_ctl *c, uint32_t op, uint32_t domid);
/* Sets the data buffer: dir MUXV_BUF_IN/OUT. */
void muxctl_req_buf(struct muxv_ctl *c, uint32_t dir, const void *buf, size_t len);
/* Issues c; on failure records the error (naming c's bad field). */
int muxctl_call(struct muxctl *h, struct muxv_ctl *c);

/* Records an error found by the library itself: op, errno, field name. */
int muxctl_fail(uint32_t op, int err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void muxctl_clear_error(void);
void muxctl_restore_error(const char *msg, const char *field);

bool muxctl_name_ok(const char *name);

#endif
