// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - the control hypercall and MUXV_IOC_CTL.
 *
 * The module knows almost nothing about the calls: it checks the header
 * (version, buffer length and direction), replaces the user's buffer
 * pointer by a kernel bounce buffer's guest-physical address, and returns
 * the hypervisor's answer. Two things it does not pass on: MEM_MAP and
 * MEM_UNMAP belong to MUXV_IOC_MAP, which owns the map window (map.c), so
 * they are refused here. A call without a buffer (buf_dir NONE) reaches the
 * hypervisor with buf = 0 and buf_len = 0, so a user pointer is never taken
 * for a guest-physical address. DOMAIN_DESTROY first takes the domain's
 * pages away from every process that maps them (map.c).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <asm/page.h>

#include "muxv.h"

int muxv_hc_control(struct muxv_ctl *ctl)
{
	long ret;

	/* muxvisor/hypercall.h: VMMCALL, RAX = number, RBX/RCX arguments, RAX
	 * = result; every other register is preserved. "memory": the
	 * hypervisor reads and writes *ctl and the data buffer. */
	asm volatile("vmmcall"
		     : "=a"(ret)
		     : "a"((unsigned long)MUXV_HC_CONTROL), "b"(__pa(ctl)),
		       "c"(sizeof(*ctl))
		     : "memory");
	if (ret > 0 || ret < -MAX_ERRNO)
		return -EIO;
	return ret;
}

struct muxv_ctl *muxv_ctl_alloc(u32 op)
{
	struct muxv_ctl *ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);

	if (!ctl)
		return NULL;
	/* kmalloc aligns power-of-two sizes to their size. */
	WARN_ON(offset_in_page(ctl) + sizeof(*ctl) > PAGE_SIZE);
	ctl->hdr.version = MUXV_CTL_VERSION;
	ctl->hdr.op = op;
	ctl->hdr.err_field = MUXV_CTL_NO_FIELD;
	return ctl;
}

/* The module's own checks of a user's header; sets err_field on error. */
static int muxv_ctl_check(struct muxv_ctl *ctl)
{
	struct muxv_ctl_hdr *h = &ctl->hdr;

	if (h->version != MUXV_CTL_VERSION && h->op != MUXV_CTL_HOST_INFO) {
		h->err_field = offsetof(struct muxv_ctl, hdr.version);
		return -EPROTO;
	}
	if (h->op == MUXV_CTL_MEM_MAP || h->op == MUXV_CTL_MEM_UNMAP) {
		h->err_field = offsetof(struct muxv_ctl, hdr.op);
		return -EPERM;
	}
	if (h->buf_dir > MUXV_BUF_OUT) {
		h->err_field = offsetof(struct muxv_ctl, hdr.buf_dir);
		return -EINVAL;
	}
	if (h->buf_len > MUXV_CTL_BUF_MAX) {
		h->err_field = offsetof(struct muxv_ctl, hdr.buf_len);
		return -E2BIG;
	}
	return 0;
}

/* Issues ctl with a kernel copy of the user's buffer ubuf (h->buf_dir). */
static int muxv_ctl_bounced(struct muxv_file *f, struct muxv_ctl *ctl, void __user *ubuf)
{
	u32 len = ctl->hdr.buf_len, dir = ctl->hdr.buf_dir;
	void *buf = NULL;
	int ret;

	if (dir == MUXV_BUF_NONE)
		len = 0;
	if (len) {
		/* kmalloc: physically contiguous, as the hypervisor needs. */
		buf = kzalloc(len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		if (dir == MUXV_BUF_IN && copy_from_user(buf, ubuf, len)) {
			ret = -EFAULT;
			goto out;
		}
	}
	ctl->hdr.buf = buf ? __pa(buf) : 0;
	ctl->hdr.buf_len = len;
	ctl->hdr.err_field = MUXV_CTL_NO_FIELD;
	if (ctl->hdr.op == MUXV_CTL_DOMAIN_DESTROY) {
		/* the hypervisor unmaps the domain from dom0's window (map.c) */
		muxv_map_destroy_begin(ctl->hdr.domid);
		ret = muxv_hc_control(ctl);
		muxv_map_destroy_end();
	} else {
		ret = muxv_hc_control(ctl);
	}
	if (!ret && dir == MUXV_BUF_OUT && len && copy_to_user(ubuf, buf, len))
		ret = -EFAULT;
	if (!ret && ctl->hdr.op == MUXV_CTL_EVENTS_READ)
		muxv_events_read_by(f, ctl, buf);
out:
	kfree(buf);
	return ret;
}

long muxv_ioctl_ctl(struct muxv_file *f, struct muxv_ctl __user *arg)
{
	struct muxv_ctl *ctl = kmalloc(sizeof(*ctl), GFP_KERNEL);
	u64 ubuf;
	u32 ulen;
	long ret;

	if (!ctl)
		return -ENOMEM;
	if (copy_from_user(ctl, arg, sizeof(*ctl))) {
		ret = -EFAULT;
		goto out;
	}
	ubuf = ctl->hdr.buf;
	ulen = ctl->hdr.buf_len;
	ret = muxv_ctl_check(ctl);
	if (!ret)
		ret = muxv_ctl_bounced(f, ctl, u64_to_user_ptr(ubuf));
	/* The caller sees its own buffer in the header again. */
	ctl->hdr.buf = ubuf;
	ctl->hdr.buf_len = ulen;
	if (copy_to_user(arg, ctl, sizeof(*ctl)) && !ret)
		ret = -EFAULT;
out:
	kfree(ctl);
	return ret;
}
