/*
 * muxv.h - what the parts of muxvisor.ko share (dom0/kmod).
 *
 * The module is dom0's door to the control hypercall (muxvisor/control.h):
 *   main.c    probe (CPUID + HOST_INFO), /dev/muxvisor, file operations
 *   ctl.c     the hypercall and MUXV_IOC_CTL (bouncing the data buffer)
 *   map.c     mmap() + MUXV_IOC_MAP over the map window
 *   events.c  poll(): a worker that watches MUXV_CTL_EVENTS_READ
 */
#ifndef MUXV_KMOD_H
#define MUXV_KMOD_H

#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <muxvisor/dom0_ioctl.h>

/* Per open file (file->private_data). */
struct muxv_file {
	atomic64_t ev_seen;   /* events.seq after this file's last EVENTS_READ */
};

/* The hypercall on a kmalloc'd struct (never the stack: with VMAP_STACK
 * it has no linear-map address). Returns 0 or a negative errno. */
int muxv_hc_control(struct muxv_ctl *ctl);
/* A struct muxv_ctl from kmalloc: 1 KiB, so naturally aligned and never
 * across a page (the hypercall's rule); zeroed, version and op set. */
struct muxv_ctl *muxv_ctl_alloc(u32 op);

long muxv_ioctl_ctl(struct muxv_file *f, struct muxv_ctl __user *arg);

/* The map window (map.c). */
int muxv_map_init(u64 window_gpa, u64 window_pages);
void muxv_map_exit(void);
int muxv_mmap(struct file *file, struct vm_area_struct *vma);
long muxv_ioctl_map(struct muxv_ioc_map __user *arg);
/* Around DOMAIN_DESTROY: takes every process's mappings of domid away
 * (a later touch is SIGBUS) and keeps new ones out until _end(). */
void muxv_map_destroy_begin(u32 domid);
void muxv_map_destroy_end(void);

/* Events (events.c). */
void muxv_events_exit(void);
__poll_t muxv_poll(struct file *file, poll_table *pt);
void muxv_events_read_by(struct muxv_file *f, const struct muxv_ctl *ctl, const void *buf);

#endif
