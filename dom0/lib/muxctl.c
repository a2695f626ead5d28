/*
 * muxctl.c - libmuxctl's core: the device, the one call path, error text.
 */
#include "muxctl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <muxvisor/dom0_ioctl.h>

static __thread char muxctl_err[320];
static __thread char muxctl_err_field[64];

const char *muxctl_errmsg(void)
{
	return muxctl_err;
}

const char *muxctl_errfield(void)
{
	return muxctl_err_field;
}

void muxctl_clear_error(void)
{
	muxctl_err[0] = muxctl_err_field[0] = '\0';
}

void muxctl_restore_error(const char *msg, const char *field)
{
	snprintf(muxctl_err, sizeof muxctl_err, "%s", msg);
	snprintf(muxctl_err_field, sizeof muxctl_err_field, "%s", field);
}

/* What an errno means for the control interface (control.h's lists). */
static const char *muxctl_err_text(int err)
{
	switch (err) {
	case EPERM: return "not permitted";
	case ENOENT: return "not found";
	case ESRCH: return "no such domain";
	case EAGAIN: return "busy, try again";
	case ENOMEM: return "out of memory";
	case EBUSY: return "not in a state that allows it";
	case EEXIST: return "already exists";
	case ENODEV: return "no such device";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "refused: no room (a limit of the host)";
	case ERANGE: return "out of range";
	case E2BIG: return "too big";
	case EPROTO: return "control ABI version mismatch";
	case ENOSYS: return "not supported by this hypervisor";
	default: return strerror(err);
	}
}

/* -ENOSPC at a reservation is admission control: say so plainly. */
static const char *muxctl_err_text_at(int err, const char *field)
{
	size_t n = field ? strlen(field) : 0, k = strlen("reservation");
	if (err == ENOSPC && n >= k && strcmp(field + n - k, "reservation") == 0)
		return "refused by admission control: the host cannot guarantee this reservation";
	return muxctl_err_text(err);
}

static void muxctl_set_error(uint32_t op, int err, const char *field, const char *detail)
{
	snprintf(muxctl_err_field, sizeof muxctl_err_field, "%s", field ? field : "");
	snprintf(muxctl_err, sizeof muxctl_err, "%s: %s%s%s%s%s%s", muxctl_op_name(op),
		 muxctl_err_text_at(err, field), detail && *detail ? ": " : "", detail ? detail : "",
		 field ? " (field " : "", field ? field : "", field ? ")" : "");
}

int muxctl_fail(uint32_t op, int err, const char *field, const char *fmt, ...)
{
	char detail[192] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	muxctl_set_error(op, err, field, detail);
	return -err;
}

static int muxctl_sys_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

int muxctl_open(const char *path, struct muxctl **out)
{
	struct muxctl *h = calloc(1, sizeof *h);
	if (!path)
		path = MUXCTL_DEVICE;
	muxctl_clear_error();
	if (!h)
		return -ENOMEM;
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		int err = errno;
		free(h);
		snprintf(muxctl_err, sizeof muxctl_err, "%s: %s%s", path, strerror(err),
			 err == ENOENT ? " (muxvisor.ko not loaded: not dom0 of Muxvisor?)" :
			 err == EACCES || err == EPERM ? " (needs root)" : "");
		return -err;
	}
	h->ioctl = muxctl_sys_ioctl;
	*out = h;
	return 0;
}

void muxctl_close(struct muxctl *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int muxctl_fd(const struct muxctl *h)
{
	return h->fd;
}

void muxctl_req(struct muxv_ctl *c, uint32_t op, uint32_t domid)
{
	memset(c, 0, sizeof *c);
	c->hdr.version = MUXV_CTL_VERSION;
	c->hdr.op = op;
	c->hdr.domid = domid;
	c->hdr.err_field = MUXV_CTL_NO_FIELD;
}

void muxctl_req_buf(struct muxv_ctl *c, uint32_t dir, const void *buf, size_t len)
{
	c->hdr.buf = (uint64_t)(uintptr_t)buf;
	c->hdr.buf_len = (uint32_t)len;
	c->hdr.buf_dir = dir;
}

int muxctl_call(struct muxctl *h, struct muxv_ctl *c)
{
	uint32_t op = c->hdr.op;
	muxctl_clear_error();
	if (c->hdr.buf_len > MUXV_CTL_BUF_MAX)
		return muxctl_fail(op, E2BIG, "hdr.buf_len", "%u bytes, at most %u",
				   c->hdr.buf_len, MUXV_CTL_BUF_MAX);
	if (h->ioctl(h->fd, MUXV_IOC_CTL, c) == 0)
		return 0;
	int err = errno ? errno : EIO;
	const char *field = c->hdr.err_field == MUXV_CTL_NO_FIELD ? NULL :
			    muxctl_field_name(op, c->hdr.err_field);
	char unknown[48];
	if (c->hdr.err_field != MUXV_CTL_NO_FIELD && !field) {
		snprintf(unknown, sizeof unknown, "offset %u", c->hdr.err_field);
		field = unknown;
	}
	muxctl_set_error(op, err, field, NULL);
	return -err;
}

bool muxctl_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MUXV_CTL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		if (!ok)
			return false;
	}
	return true;
}
