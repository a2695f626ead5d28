/*
 * driver_libvirt.c - the libvirt driver: connection and domain lifecycle.
 *
 * A domain is defined persistently (it survives a libvirtd restart, and the
 * reconciler can tell "defined but stopped" from "gone"). Every operation
 * looks the domain up by UUID and treats an already-reached end state as
 * success (start of a running domain, destroy of a missing one), so the
 * reconciler may repeat any step after a crash.
 */
#include "driver_libvirt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "config.h"
#include "log.h"

/* Records libvirt's last error as the thread's driver error; returns -EIO or -ENOENT. */
int lv_fail(const char *what, const char *uuid)
{
	virErrorPtr e = virGetLastError();
	int code = e ? e->code : VIR_ERR_INTERNAL_ERROR;
	drv_set_errmsg("libvirt %s %s: %s", what, uuid ? uuid : "",
		       e && e->message ? e->message : "unknown error");
	log_warn("libvirt", "msg=\"%s failed\" uuid=%s err=\"%s\"", what, uuid ? uuid : "-",
		 drv_errmsg());
	if (code == VIR_ERR_NO_DOMAIN)
		return -ENOENT;
	if (code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_ARGUMENT_UNSUPPORTED)
		return -ENOTSUP;
	return -EIO;
}

virDomainPtr lv_lookup(struct lv *lv, const char *uuid)
{
	return virDomainLookupByUUIDString(lv->conn, uuid);
}

bool lv_is_ours(virDomainPtr dom, char uuid[DRV_UUID_LEN])
{
	const char *name = virDomainGetName(dom);
	if (!name || strncmp(name, LV_PREFIX, strlen(LV_PREFIX)) != 0)
		return false;
	return virDomainGetUUIDString(dom, uuid) == 0;
}

enum drv_power lv_power(virDomainPtr dom)
{
	int state = 0, reason = 0;
	if (virDomainGetState(dom, &state, &reason, 0) != 0)
		return DRV_OTHER;
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return DRV_RUNNING;
	case VIR_DOMAIN_PAUSED:
	case VIR_DOMAIN_PMSUSPENDED:
		return DRV_PAUSED;
	case VIR_DOMAIN_SHUTOFF:
		return DRV_OFF;
	case VIR_DOMAIN_CRASHED:
		return DRV_CRASHED;
	default:
		return DRV_OTHER;
	}
}

static int lv_host(struct driver *d, struct drv_host *out)
{
	struct lv *lv = d->priv;
	virNodeInfo ni;
	if (virNodeGetInfo(lv->conn, &ni) != 0)
		return lv_fail("node info", NULL);
	out->pcpus = ni.cpus;
	out->mem_kib = ni.memory;
	const char *type = virConnectGetType(lv->conn);
	snprintf(out->hypervisor, sizeof out->hypervisor, "libvirt-%s", type ? type : "?");
	char *host = virConnectGetHostname(lv->conn);
	snprintf(out->hostname, sizeof out->hostname, "%s", host ? host : "localhost");
	free(host);
	return 0;
}

static int lv_create(struct driver *d, const struct drv_domain_spec *spec)
{
	struct lv *lv = d->priv;
	virDomainPtr dom = lv_lookup(lv, spec->uuid);
	if (dom) {
		virDomainFree(dom);
		drv_set_errmsg("domain %s already exists", spec->uuid);
		return -EEXIST;
	}
	int rc = lv_disk_create(lv, spec);
	if (rc)
		return rc;
	char *xml = lv_domain_xml(lv, spec);
	if (!xml) {
		lv_disk_remove(lv, spec->uuid);
		return -ENOMEM;
	}
	dom = virDomainDefineXML(lv->conn, xml);
	free(xml);
	if (!dom) {
		rc = lv_fail("define", spec->uuid);
		lv_disk_remove(lv, spec->uuid);
		return rc;
	}
	virDomainFree(dom);
	return 0;
}

/* Looks up uuid and runs op on it; -ENOENT if there is no such domain. */
static int lv_with(struct lv *lv, const char *uuid, const char *what,
		   int (*op)(virDomainPtr dom, unsigned flags), unsigned flags)
{
	virDomainPtr dom = lv_lookup(lv, uuid);
	if (!dom)
		return lv_fail(what, uuid);
	int rc = op(dom, flags) == 0 ? 0 : lv_fail(what, uuid);
	virDomainFree(dom);
	return rc;
}

static int lv_op_start(virDomainPtr dom, unsigned flags)
{
	if (lv_power(dom) == DRV_RUNNING)
		return 0;
	return virDomainCreateWithFlags(dom, flags);
}

static int lv_op_shutdown(virDomainPtr dom, unsigned flags)
{
	if (lv_power(dom) == DRV_OFF)
		return 0;
	return virDomainShutdownFlags(dom, flags);
}

static int lv_op_poweroff(virDomainPtr dom, unsigned flags)
{
	(void)flags;
	if (lv_power(dom) == DRV_OFF)
		return 0;
	return virDomainDestroy(dom);
}

static int lv_op_reboot(virDomainPtr dom, unsigned force)
{
	if (force)
		return virDomainReset(dom, 0);
	return virDomainReboot(dom, 0);
}

static int lv_start(struct driver *d, const char *uuid)
{
	return lv_with(d->priv, uuid, "start", lv_op_start, 0);
}

static int lv_shutdown(struct driver *d, const char *uuid)
{
	return lv_with(d->priv, uuid, "shutdown", lv_op_shutdown, 0);
}

static int lv_poweroff(struct driver *d, const char *uuid)
{
	return lv_with(d->priv, uuid, "poweroff", lv_op_poweroff, 0);
}

static int lv_reboot(struct driver *d, const char *uuid, bool force)
{
	return lv_with(d->priv, uuid, force ? "reset" : "reboot", lv_op_reboot, force);
}

static int lv_destroy(struct driver *d, const char *uuid)
{
	struct lv *lv = d->priv;
	virDomainPtr dom = lv_lookup(lv, uuid);
	int rc = 0;
	if (dom) {
		if (lv_power(dom) != DRV_OFF && virDomainDestroy(dom) != 0)
			rc = lv_fail("destroy", uuid);
		if (!rc && virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
					 VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) != 0 &&
		    virDomainUndefine(dom) != 0)
			rc = lv_fail("undefine", uuid);
		virDomainFree(dom);
	}
	if (!rc)
		lv_disk_remove(lv, uuid);
	return rc;
}

static int lv_list(struct driver *d, struct drv_domain **out, size_t *n)
{
	struct lv *lv = d->priv;
	virDomainPtr *doms = NULL;
	int count = virConnectListAllDomains(lv->conn, &doms, 0);
	if (count < 0)
		return lv_fail("list", NULL);
	struct drv_domain *v = calloc((size_t)count + 1, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < count; i++) {
		virDomainInfo info;
		if (v && lv_is_ours(doms[i], v[k].uuid)) {
			v[k].power = lv_power(doms[i]);
			if (virDomainGetInfo(doms[i], &info) == 0) {
				v[k].vcpus = info.nrVirtCpu;
				v[k].mem_max_kib = info.maxMem;
			}
			k++;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = k;
	return 0;
}

static int lv_check(struct driver *d)
{
	struct lv *lv = d->priv;
	if (virConnectIsAlive(lv->conn) == 1)
		return 0;
	virConnectPtr fresh = virConnectOpen(lv->uri);
	if (!fresh)
		return lv_fail("reconnect", NULL);
	virConnectClose(lv->conn);
	lv->conn = fresh;
	log_warn("libvirt", "msg=\"connection lost and reopened\" uri=%s", lv->uri);
	return 0;
}

static void lv_close(struct driver *d)
{
	struct lv *lv = d->priv;
	virConnectClose(lv->conn);
	free(lv);
	free(d);
}

static const struct driver_ops lv_ops = {
	.host = lv_host,
	.create = lv_create,
	.start = lv_start,
	.shutdown = lv_shutdown,
	.poweroff = lv_poweroff,
	.reboot = lv_reboot,
	.destroy = lv_destroy,
	.update = lv_update,
	.set_sched = lv_set_sched,
	.set_mem_target = lv_set_mem_target,
	.list = lv_list,
	.stats = lv_stats,
	.check = lv_check,
	.close = lv_close,
};

/* libvirt prints its errors to stderr by default; ours go through the log. */
static void lv_quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* Fills lv->kind and lv->domain_type from the connection and the config. */
static int lv_detect(struct lv *lv, const struct muxd_config *cfg, char *err, size_t errlen)
{
	const char *type = virConnectGetType(lv->conn);
	if (!type)
		type = "";
	if (strcasecmp(type, "QEMU") == 0) {
		lv->kind = LV_QEMU;
		const char *t = cfg->libvirt_domain_type;
		if (strcmp(t, "auto") == 0)
			t = access("/dev/kvm", R_OK | W_OK) == 0 ? "kvm" : "qemu";
		if (strcmp(t, "kvm") != 0 && strcmp(t, "qemu") != 0) {
			snprintf(err, errlen, "--libvirt-domain-type must be auto, kvm or qemu");
			return -1;
		}
		snprintf(lv->domain_type, sizeof lv->domain_type, "%s", t);
		char *uri = virConnectGetURI(lv->conn);
		lv->cgroups = !(uri && strstr(uri, "/session"));
		if (!lv->cgroups)
			log_warn("libvirt", "msg=\"session libvirt has no cgroups: CPU weight and cap, "
				 "memory soft limit and disk weight are not enforced\" uri=%s", uri);
		free(uri);
	} else if (strcasecmp(type, "Xen") == 0 || strcasecmp(type, "libxl") == 0) {
		lv->kind = LV_XEN;
		strcpy(lv->domain_type, "xen");
	} else if (strcasecmp(type, "TEST") == 0) {
		lv->kind = LV_TEST;
		strcpy(lv->domain_type, "test");
	} else {
		snprintf(err, errlen, "libvirt hypervisor `%s` is not supported (QEMU, Xen, test)", type);
		return -1;
	}
	return 0;
}

/* STATE-DIR/disks and STATE-DIR/console must exist before the first create. */
static int lv_make_dirs(const struct lv *lv, char *err, size_t errlen)
{
	const char *subs[] = { "", "/disks", "/console" };
	for (int i = 0; i < 3; i++) {
		char p[1100];
		snprintf(p, sizeof p, "%s%s", lv->state_dir, subs[i]);
		if (mkdir(p, 0750) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int drv_libvirt_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen)
{
	struct driver *d = calloc(1, sizeof *d);
	struct lv *lv = calloc(1, sizeof *lv);
	if (!d || !lv) {
		snprintf(err, errlen, "out of memory");
		goto free_both;
	}
	virSetErrorFunc(NULL, lv_quiet);
	lv->conn = virConnectOpen(cfg->libvirt_uri);
	if (!lv->conn) {
		virErrorPtr e = virGetLastError();
		snprintf(err, errlen, "cannot connect to libvirt at %s: %s", cfg->libvirt_uri,
			 e && e->message ? e->message : "unknown error");
		goto free_both;
	}
	snprintf(lv->uri, sizeof lv->uri, "%s", cfg->libvirt_uri);
	snprintf(lv->network, sizeof lv->network, "%s", cfg->libvirt_network);
	snprintf(lv->state_dir, sizeof lv->state_dir, "%s", cfg->state_dir);
	if (lv_detect(lv, cfg, err, errlen) != 0 || lv_make_dirs(lv, err, errlen) != 0)
		goto close_conn;
	d->ops = &lv_ops;
	d->name = "libvirt";
	d->priv = lv;
	*out = d;
	log_info("libvirt", "msg=\"connected\" uri=%s domain_type=%s", cfg->libvirt_uri,
		 lv->domain_type);
	return 0;

close_conn:
	virConnectClose(lv->conn);
free_both:
	free(lv);
	free(d);
	return -1;
}
