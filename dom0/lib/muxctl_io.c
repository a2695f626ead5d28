/*
 * muxctl_io.c - console, events and mapping a domain's memory.
 */
#include "muxctl_int.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <muxvisor/dom0_ioctl.h>

int muxctl_console_read(struct muxctl *h, uint32_t domid, uint64_t *seq, void *buf, size_t cap,
			uint64_t *lost)
{
	struct muxv_ctl c;
	if (cap > MUXV_CTL_BUF_MAX)
		cap = MUXV_CTL_BUF_MAX;
	muxctl_req(&c, MUXV_CTL_CONSOLE_READ, domid);
	c.u.console.seq = *seq;
	muxctl_req_buf(&c, MUXV_BUF_OUT, buf, cap);
	int rc = muxctl_call(h, &c);
	if (rc)
		return rc;
	*seq = c.u.console.seq;
	if (lost)
		*lost = c.u.console.lost;
	return c.u.console.count <= cap ? (int)c.u.console.count : (int)cap;
}

int muxctl_console_write(struct muxctl *h, uint32_t domid, const void *buf, size_t len)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (len == 0 || len > MUXV_CTL_BUF_MAX)
		return muxctl_fail(MUXV_CTL_CONSOLE_WRITE, EINVAL, "hdr.buf_len",
				   "%zu bytes; 1..%u per write", len, MUXV_CTL_BUF_MAX);
	muxctl_req(&c, MUXV_CTL_CONSOLE_WRITE, domid);
	muxctl_req_buf(&c, MUXV_BUF_IN, buf, len);
	return muxctl_call(h, &c);
}

int muxctl_events_read(struct muxctl *h, uint64_t *seq, struct muxv_event *ev, size_t max,
		       uint64_t *lost)
{
	struct muxv_ctl c;
	size_t fit = MUXV_CTL_BUF_MAX / sizeof *ev;
	if (max > fit)
		max = fit;
	muxctl_req(&c, MUXV_CTL_EVENTS_READ, 0);
	c.u.events.seq = *seq;
	muxctl_req_buf(&c, MUXV_BUF_OUT, ev, max * sizeof *ev);
	int rc = muxctl_call(h, &c);
	if (rc)
		return rc;
	*seq = c.u.events.seq;
	if (lost)
		*lost = c.u.events.lost;
	return c.u.events.count <= max ? (int)c.u.events.count : (int)max;
}

int muxctl_events_wait(struct muxctl *h, int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	muxctl_clear_error();
	for (;;) {
		int n = poll(&p, 1, timeout_ms);
		if (n >= 0)
			return n > 0 ? 1 : 0;
		if (errno != EINTR)
			return muxctl_fail(MUXV_CTL_EVENTS_READ, errno, NULL, "poll: %s",
					   strerror(errno));
	}
}

int muxctl_map(struct muxctl *h, uint32_t domid, uint64_t gfn, uint64_t count, void **addr)
{
	muxctl_clear_error();
	if (count == 0 || count > MUXV_CTL_MAP_MAX)
		return muxctl_fail(MUXV_CTL_MEM_MAP, EINVAL, "mem.count", "1..%u pages",
				   MUXV_CTL_MAP_MAX);
	void *p = mmap(NULL, count * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);
	if (p == MAP_FAILED)
		return muxctl_fail(MUXV_CTL_MEM_MAP, errno, NULL, "mmap: %s", strerror(errno));
	struct muxv_ioc_map req = {
		.addr = (uint64_t)(uintptr_t)p, .domid = domid, .gfn = gfn, .count = count,
	};
	if (h->ioctl(h->fd, MUXV_IOC_MAP, &req) != 0) {
		int err = errno ? errno : EIO;
		munmap(p, count * 4096);
		return muxctl_fail(MUXV_CTL_MEM_MAP, err, NULL, "domain %u gfn %#llx +%llu pages",
				   domid, (unsigned long long)gfn, (unsigned long long)count);
	}
	*addr = p;
	return 0;
}

int muxctl_unmap(void *addr, uint64_t count)
{
	return munmap(addr, count * 4096) == 0 ? 0 : -errno;
}

const char *muxctl_event_name(uint32_t type)
{
	switch (type) {
	case MUXV_EV_CREATED: return "created";
	case MUXV_EV_STARTED: return "started";
	case MUXV_EV_PAUSED: return "paused";
	case MUXV_EV_UNPAUSED: return "unpaused";
	case MUXV_EV_POWEROFF: return "poweroff";
	case MUXV_EV_CRASHED: return "crashed";
	case MUXV_EV_REBOOTED: return "rebooted";
	case MUXV_EV_DESTROYED: return "destroyed";
	default: return "unknown";
	}
}
