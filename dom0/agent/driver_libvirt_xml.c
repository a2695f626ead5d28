/*
 * driver_libvirt_xml.c - domain XML and disks for the libvirt driver.
 *
 * How a plan is expressed (libvirt domain XML reference, "CPU Tuning",
 * "Memory Tuning", "Block I/O Tuning", "Quality of service"):
 *   cpu_weight      -> <cputune><shares> (QEMU: cgroup cpu.weight, 2..10000)
 *   cpu_cap_pct     -> <global_quota> per 100 ms <global_period> (QEMU)
 *   Xen             -> weight and cap set through the scheduler call at start
 *   mem ceiling     -> <memory>; balloon target -> <currentMemory>
 *   mem floor       -> <memtune><soft_limit> (reclaimed last under pressure)
 *   disk_weight     -> <blkiotune><weight> (100..1000)
 *   disk limits     -> <iotune> total_bytes_sec / total_iops_sec
 *   net limit       -> <bandwidth> inbound/outbound average (KiB/s)
 * CPU reservation and memory/network weights have no libvirt counterpart:
 * on libvirt hosts admission control is what keeps those promises. A
 * session (unprivileged) libvirt has no cgroups, so there the cgroup-based
 * tuning is left out and only iotune, bandwidth and the balloon apply.
 * The MAC address is derived from the UUID so that redefining a domain for
 * a resize keeps the guest's network identity.
 */
#include "driver_libvirt.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

extern char **environ;

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
				fputc(*s, f);
		}
	}
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void lv_disk_path(const struct lv *lv, const char *uuid, const char *format, char *buf, size_t n)
{
	snprintf(buf, n, "%s/disks/%s.%s", lv->state_dir, uuid, format);
}

void lv_console_path(const struct lv *lv, const char *uuid, char *buf, size_t n)
{
	snprintf(buf, n, "%s/console/%s.log", lv->state_dir, uuid);
}

/* Disk images become qcow2 overlays; kernel images get a blank raw disk. */
static const char *lv_disk_format(const struct drv_domain_spec *spec)
{
	return spec->image.kind == DRV_IMAGE_DISK ? "qcow2" : "raw";
}

static void lv_xml_cpu(FILE *f, const struct lv *lv, const struct drv_params *p)
{
	fprintf(f, "  <vcpu placement='static'>%u</vcpu>\n", p->vcpus);
	if (!(lv->kind == LV_QEMU && lv->cgroups) && lv->kind != LV_TEST)
		return;
	fprintf(f, "  <cputune>\n    <shares>%llu</shares>\n",
		(unsigned long long)clamp_u64(p->cpu_weight, 2, 10000));
	if (p->cpu_cap_pct)
		fprintf(f, "    <global_period>100000</global_period>\n"
			"    <global_quota>%llu</global_quota>\n",
			(unsigned long long)clamp_u64((uint64_t)p->cpu_cap_pct * 1000, 1000,
						      17592186044415ULL));
	fputs("  </cputune>\n", f);
}

static void lv_xml_os(FILE *f, const struct lv *lv, const struct drv_domain_spec *spec)
{
	const char *machine = lv->kind == LV_XEN ? " machine='xenfv'" : "";
	fprintf(f, "  <os>\n    <type arch='x86_64'%s>hvm</type>\n", machine);
	if (spec->image.kind == DRV_IMAGE_KERNEL) {
		fputs("    <kernel>", f);
		xml_text(f, spec->image.path);
		fputs("</kernel>\n", f);
		if (spec->image.initrd && spec->image.initrd[0]) {
			fputs("    <initrd>", f);
			xml_text(f, spec->image.initrd);
			fputs("</initrd>\n", f);
		}
		fputs("    <cmdline>", f);
		xml_text(f, spec->image.cmdline ? spec->image.cmdline : "");
		fputs("</cmdline>\n", f);
	}
	fputs("    <boot dev='hd'/>\n  </os>\n  <features><acpi/><apic/></features>\n", f);
}

static void lv_xml_disk(FILE *f, const struct lv *lv, const struct drv_domain_spec *spec)
{
	const struct drv_params *p = &spec->params;
	char path[1200];
	lv_disk_path(lv, spec->uuid, lv_disk_format(spec), path, sizeof path);
	fprintf(f, "    <disk type='file' device='disk'>\n"
		"      <driver name='qemu' type='%s'/>\n      <source file='",
		lv_disk_format(spec));
	xml_text(f, path);
	fputs("'/>\n      <target dev='vda' bus='virtio'/>\n", f);
	if (p->disk_bytes_per_s || p->disk_ops_per_s) {
		fputs("      <iotune>\n", f);
		if (p->disk_bytes_per_s)
			fprintf(f, "        <total_bytes_sec>%llu</total_bytes_sec>\n",
				(unsigned long long)p->disk_bytes_per_s);
		if (p->disk_ops_per_s)
			fprintf(f, "        <total_iops_sec>%llu</total_iops_sec>\n",
				(unsigned long long)p->disk_ops_per_s);
		fputs("      </iotune>\n", f);
	}
	fputs("    </disk>\n", f);
}

static void lv_xml_nic(FILE *f, const struct lv *lv, const struct drv_domain_spec *spec)
{
	if (strcmp(lv->network, "none") == 0)
		return;
	unsigned char mac[3] = { 0 };
	/* the UUID's last three bytes (hex digits 30..35) */
	for (int i = 0; i < 3; i++)
		sscanf(spec->uuid + 30 + 2 * i, "%2hhx", &mac[i]);
	if (strcmp(lv->network, "user") == 0) {
		fputs("    <interface type='user'>\n", f);
	} else {
		fputs("    <interface type='network'>\n      <source network='", f);
		xml_text(f, lv->network);
		fputs("'/>\n", f);
	}
	fprintf(f, "      <mac address='52:54:00:%02x:%02x:%02x'/>\n"
		"      <model type='virtio'/>\n", mac[0], mac[1], mac[2]);
	uint64_t kib = spec->params.net_bytes_per_s / 1024;
	if (kib && strcmp(lv->network, "user") != 0)
		fprintf(f, "      <bandwidth>\n        <inbound average='%llu'/>\n"
			"        <outbound average='%llu'/>\n      </bandwidth>\n",
			(unsigned long long)kib, (unsigned long long)kib);
	fputs("    </interface>\n", f);
}

char *lv_domain_xml(const struct lv *lv, const struct drv_domain_spec *spec)
{
	const struct drv_params *p = &spec->params;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "<domain type='%s'>\n  <name>" LV_PREFIX "%s</name>\n  <uuid>%s</uuid>\n"
		"  <title>", lv->domain_type, spec->uuid, spec->uuid);
	xml_text(f, spec->title ? spec->title : "");
	fprintf(f, "</title>\n  <memory unit='KiB'>%llu</memory>\n"
		"  <currentMemory unit='KiB'>%llu</currentMemory>\n",
		(unsigned long long)p->mem_max_kib, (unsigned long long)p->mem_target_kib);
	lv_xml_cpu(f, lv, p);
	bool tunable = lv->kind == LV_TEST || (lv->kind == LV_QEMU && lv->cgroups);
	if (p->mem_min_kib && tunable)
		fprintf(f, "  <memtune><soft_limit unit='KiB'>%llu</soft_limit></memtune>\n",
			(unsigned long long)p->mem_min_kib);
	if (tunable)
		fprintf(f, "  <blkiotune><weight>%llu</weight></blkiotune>\n",
			(unsigned long long)clamp_u64(p->disk_weight, 100, 1000));
	lv_xml_os(f, lv, spec);
	fputs("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
	      "  <on_crash>destroy</on_crash>\n  <devices>\n", f);
	lv_xml_disk(f, lv, spec);
	lv_xml_nic(f, lv, spec);
	char console[1200];
	lv_console_path(lv, spec->uuid, console, sizeof console);
	fputs("    <serial type='file'>\n      <source path='", f);
	xml_text(f, console);
	fputs("'/>\n    </serial>\n", f);
	if (lv->kind != LV_XEN)
		fputs("    <memballoon model='virtio'><stats period='5'/></memballoon>\n", f);
	fputs("  </devices>\n</domain>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Runs qemu-img to make a copy-on-write overlay of the image. */
static int lv_overlay(const struct drv_domain_spec *spec, const char *path)
{
	char size[32];
	snprintf(size, sizeof size, "%llu", (unsigned long long)spec->params.disk_bytes);
	char *const argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F",
		(char *)spec->image.format, "-b", (char *)spec->image.path, (char *)path, size, NULL };
	pid_t pid;
	int status;
	if (posix_spawnp(&pid, "qemu-img", NULL, NULL, argv, environ) != 0) {
		drv_set_errmsg("cannot run qemu-img");
		return -EIO;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		drv_set_errmsg("qemu-img could not create an overlay of %s", spec->image.path);
		return -EIO;
	}
	return 0;
}

int lv_disk_create(const struct lv *lv, const struct drv_domain_spec *spec)
{
	char path[1200];
	lv_disk_path(lv, spec->uuid, lv_disk_format(spec), path, sizeof path);
	if (spec->image.kind == DRV_IMAGE_DISK)
		return lv_overlay(spec, path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || ftruncate(fd, (off_t)spec->params.disk_bytes) != 0) {
		drv_set_errmsg("cannot create disk %s", path);
		if (fd >= 0)
			close(fd);
		unlink(path);
		return -EIO;
	}
	close(fd);
	return 0;
}

void lv_disk_remove(const struct lv *lv, const char *uuid)
{
	char path[1200];
	const char *formats[] = { "raw", "qcow2" };
	for (int i = 0; i < 2; i++) {
		lv_disk_path(lv, uuid, formats[i], path, sizeof path);
		unlink(path);
	}
	lv_console_path(lv, uuid, path, sizeof path);
	unlink(path);
}
