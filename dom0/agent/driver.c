/*
 * driver.c - picks the driver named in the config; per-thread error text.
 */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static __thread char drv_err[512];

const char *drv_errmsg(void)
{
	return drv_err;
}

void drv_set_errmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(drv_err, sizeof drv_err, fmt, ap);
	va_end(ap);
}

const char *drv_power_name(enum drv_power p)
{
	switch (p) {
	case DRV_OFF: return "stopped";
	case DRV_RUNNING: return "running";
	case DRV_PAUSED: return "paused";
	case DRV_CRASHED: return "crashed";
	default: return "unknown";
	}
}

int drv_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen)
{
	if (strcmp(cfg->driver, "libvirt") == 0) {
#ifdef MUXD_NO_LIBVIRT
		/* muxd-dom0: dom0's image carries no libvirt */
		snprintf(err, errlen, "driver `libvirt` is not part of this build (muxd-dom0); "
			 "use --driver muxvisor");
		return -1;
#else
		return drv_libvirt_open(cfg, out, err, errlen);
#endif
	}
	if (strcmp(cfg->driver, "muxvisor") == 0)
		return drv_muxvisor_open(cfg, out, err, errlen);
	snprintf(err, errlen, "unknown driver `%s` (expected libvirt or muxvisor)", cfg->driver);
	return -1;
}

void drv_close(struct driver *d)
{
	if (d)
		d->ops->close(d);
}
