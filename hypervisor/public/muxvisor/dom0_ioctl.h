/*
 * muxvisor/dom0_ioctl.h - the dom0 kernel module's device, /dev/muxvisor:
 * how dom0 userspace reaches the control interface (muxvisor/control.h).
 * Used by the module (dom0/kmod) and the control library (dom0/lib) only.
 */
#ifndef MUXVISOR_DOM0_IOCTL_H
#define MUXVISOR_DOM0_IOCTL_H

#include <linux/ioctl.h>
#include <muxvisor/control.h>

/* ioctl(fd, MUXV_IOC_CTL, struct muxv_ctl *): one control call. hdr.buf
 * is a user pointer here; the module bounces it (buf_dir) and passes its
 * own buffer's address to the hypervisor. Returns 0 or -1 with errno set
 * to the hypervisor's error (the struct is copied back either way, so
 * hdr.err_field is readable). */
#define MUXV_IOC_MAGIC 'M'
#define MUXV_IOC_CTL   _IOWR(MUXV_IOC_MAGIC, 1, struct muxv_ctl)

/* ioctl(fd, MUXV_IOC_MAP, struct muxv_ioc_map *): maps a domain's pages
 * into a mapping of this file made with mmap(NULL, count * 4096,
 * PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) at addr. The pages stay
 * mapped until munmap(). */
struct muxv_ioc_map {
	muxv_u64 addr;            /* start of the mmap()ed range */
	muxv_u32 domid;
	muxv_u32 pad0;
	muxv_u64 gfn;
	muxv_u64 count;           /* pages */
};
#define MUXV_IOC_MAP   _IOW(MUXV_IOC_MAGIC, 2, struct muxv_ioc_map)

/* poll() on the file: readable when MUXV_CTL_EVENTS_READ has records
 * beyond the last seq this file read (the module polls the hypervisor; see
 * docs/control-abi.md for the latency this gives). */

#endif
