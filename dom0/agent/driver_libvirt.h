/*
 * driver_libvirt.h - private to the libvirt driver's files.
 *
 * Domain names are "mux-<uuid>"; everything else libvirt manages is left
 * alone. Each domain's disk is STATE-DIR/disks/<uuid>.{raw,qcow2} and its
 * serial console is logged to STATE-DIR/console/<uuid>.log.
 */
#ifndef MUXD_DRIVER_LIBVIRT_H
#define MUXD_DRIVER_LIBVIRT_H

#include <libvirt/libvirt.h>

#include "driver.h"

#define LV_PREFIX "mux-"

/* Which hypervisor libvirt drives decides how parameters are expressed. */
enum lv_kind {
	LV_QEMU,  /* cgroup cpu shares + global quota, balloon, blkiotune, bandwidth */
	LV_XEN,   /* libxl credit scheduler weight and cap */
	LV_TEST,  /* libvirt's test driver: weight only */
};

struct lv {
	virConnectPtr conn;         /* thread-safe; replaced only by lv_check (see driver.h) */
	char uri[512];
	enum lv_kind kind;          /* set once at open */
	char domain_type[16];        /* <domain type=...>: kvm, qemu, xen, test */
	bool cgroups;               /* QEMU tuning through cgroups: false for a session
				     * (unprivileged) libvirt, which has none; set once */
	char network[128];          /* libvirt network name | user | none */
	char state_dir[1024];
};

/* The domain XML for spec (driver_libvirt_xml.c); malloc'd, NULL on OOM. */
char *lv_domain_xml(const struct lv *lv, const struct drv_domain_spec *spec);
void lv_disk_path(const struct lv *lv, const char *uuid, const char *format,
		  char *buf, size_t n);
void lv_console_path(const struct lv *lv, const char *uuid, char *buf, size_t n);
/* Creates the server's disk (overlay of a disk image, or a blank sparse file). */
int lv_disk_create(const struct lv *lv, const struct drv_domain_spec *spec);
void lv_disk_remove(const struct lv *lv, const char *uuid);

/* Live tuning (driver_libvirt_tune.c). */
int lv_set_sched(struct driver *d, const char *uuid, const struct drv_params *p,
		 uint32_t cap_pct);
int lv_set_mem_target(struct driver *d, const char *uuid, uint64_t kib);
int lv_update(struct driver *d, const struct drv_domain_spec *spec, bool *restart_needed);

/* Statistics (driver_libvirt_stats.c). */
int lv_stats(struct driver *d, struct drv_stats **out, size_t *n);

/* Shared helpers (driver_libvirt.c). */
virDomainPtr lv_lookup(struct lv *lv, const char *uuid);
int lv_fail(const char *what, const char *uuid);
bool lv_is_ours(virDomainPtr dom, char uuid[DRV_UUID_LEN]);
enum drv_power lv_power(virDomainPtr dom);

#endif
