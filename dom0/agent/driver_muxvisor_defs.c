/*
 * driver_muxvisor_defs.c - the muxvisor driver's domain names and its
 * per-server definition files (see driver_muxvisor.h).
 *
 * A definition file is `key=value` lines, written to a temporary file and
 * renamed over the old one, so a crash leaves the old or the new one:
 *     kind=test-kernel | linux
 *     kernel=/path   initrd=/path (may be empty)   cmdline=...
 *     vcpus=N  mem_kib=N  weight=N  reservation=N  cap=N  burst_baseline=N
 *     mem_floor_kib=N  mem_target_kib=N   (absent in older files: 0)
 */
#include "driver_muxvisor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char mv_b32[] = "0123456789abcdefghijklmnopqrstuv";

static int mv_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "8-4-4-4-12" hex digits -> 16 bytes; false if it is not a UUID. */
static bool mv_uuid_bytes(const char *uuid, uint8_t b[16])
{
	int k = 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uuid[i] != '-')
				return false;
			continue;
		}
		int v = mv_hex(uuid[i]);
		if (v < 0)
			return false;
		b[k / 2] = (uint8_t)(k % 2 ? (b[k / 2] | v) : v << 4);
		k++;
	}
	return uuid[36] == '\0';
}

void mv_domain_name(const char *uuid, char name[MV_NAME_LEN + 1])
{
	uint8_t b[16] = { 0 };
	mv_uuid_bytes(uuid, b);
	strcpy(name, MV_PREFIX);
	/* 26 digits of 5 bits: bit i of the 130 is bit i of the UUID (the last 2 are 0) */
	for (int d = 0; d < 26; d++) {
		unsigned v = 0;
		for (int j = 0; j < 5; j++) {
			int bit = d * 5 + j;
			unsigned one = bit < 128 ? (b[bit / 8] >> (7 - bit % 8)) & 1 : 0;
			v = v << 1 | one;
		}
		name[4 + d] = mv_b32[v];
	}
	name[MV_NAME_LEN] = '\0';
}

bool mv_name_uuid(const char *name, char uuid[DRV_UUID_LEN])
{
	uint8_t b[16] = { 0 };
	if (strncmp(name, MV_PREFIX, 4) != 0 || strlen(name) != MV_NAME_LEN)
		return false;
	for (int d = 0; d < 26; d++) {
		const char *p = strchr(mv_b32, name[4 + d]);
		if (!p || !*p)
			return false;
		unsigned v = (unsigned)(p - mv_b32);
		for (int j = 0; j < 5; j++) {
			int bit = d * 5 + j;
			unsigned one = (v >> (4 - j)) & 1;
			if (bit >= 128) {
				if (one)
					return false;   /* not an encoding we made */
				continue;
			}
			b[bit / 8] |= (uint8_t)(one << (7 - bit % 8));
		}
	}
	snprintf(uuid, DRV_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	return true;
}

static void mv_def_path(const struct mv *mv, const char *uuid, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.def", mv->dir, uuid);
}

/* ELF64 test kernel or Linux bzImage ("HdrS" at 0x202)? */
static int mv_kernel_kind(const char *path, uint32_t *kind)
{
	unsigned char hdr[0x206];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		drv_set_errmsg("kernel %s: %s", path, strerror(errno));
		return -EIO;
	}
	ssize_t got = read(fd, hdr, sizeof hdr);
	close(fd);
	if (got >= 5 && memcmp(hdr, "\177ELF\2", 5) == 0) {
		*kind = MUXV_KIND_TEST_KERNEL;
		return 0;
	}
	if (got == (ssize_t)sizeof hdr && memcmp(hdr + 0x202, "HdrS", 4) == 0) {
		*kind = MUXV_KIND_LINUX;
		return 0;
	}
	drv_set_errmsg("kernel %s is neither an ELF64 test kernel nor a Linux bzImage", path);
	return -ENOTSUP;
}

int mv_def_from_spec(const struct drv_domain_spec *spec, struct mv_def *def)
{
	const struct drv_params *p = &spec->params;
	memset(def, 0, sizeof *def);
	if (spec->image.kind != DRV_IMAGE_KERNEL) {
		drv_set_errmsg("muxvisor runs kernel images only: disk images need dom0's "
			       "block back-end, which this build does not have");
		return -ENOTSUP;
	}
	const char *cmdline = spec->image.cmdline ? spec->image.cmdline : "";
	const char *initrd = spec->image.initrd ? spec->image.initrd : "";
	if (strlen(cmdline) > MUXV_CTL_CMDLINE_MAX || strchr(cmdline, '\n') ||
	    strlen(spec->image.path) >= sizeof def->kernel || strlen(initrd) >= sizeof def->initrd ||
	    strchr(spec->image.path, '\n') || strchr(initrd, '\n')) {
		drv_set_errmsg("image path or command line too long or has a newline");
		return -EIO;
	}
	snprintf(def->uuid, sizeof def->uuid, "%s", spec->uuid);
	int rc = mv_kernel_kind(spec->image.path, &def->kind);
	if (rc)
		return rc;
	if (initrd[0] && def->kind != MUXV_KIND_LINUX) {
		drv_set_errmsg("an initrd goes with a Linux kernel, not a test kernel");
		return -ENOTSUP;
	}
	strcpy(def->kernel, spec->image.path);
	strcpy(def->initrd, initrd);
	strcpy(def->cmdline, cmdline);
	def->vcpus = p->vcpus;
	def->mem_kib = p->mem_max_kib;
	def->mem_floor_kib = p->mem_min_kib;
	def->mem_target_kib = p->mem_target_kib;
	def->sched = (struct muxv_sched){
		.weight = p->cpu_weight, .reservation = p->cpu_reservation_pct,
		.cap = p->cpu_cap_pct, .burst_baseline = p->cpu_burst_baseline_pct,
	};
	return 0;
}

uint64_t mv_target_bytes(uint64_t kib, uint64_t ceiling_bytes)
{
	uint64_t b = kib > ceiling_bytes / 1024 ? ceiling_bytes : kib * 1024;
	b &= ~4095ull;
	return b < MUXV_BALLOON_MIN_TARGET ? MUXV_BALLOON_MIN_TARGET : b;
}

uint64_t mv_def_start_bytes(const struct mv_def *def)
{
	uint64_t ceiling = def->mem_kib * 1024;
	uint64_t target = def->mem_target_kib;
	if (def->kind != MUXV_KIND_LINUX || !target || target >= def->mem_kib ||
	    ceiling < MUXV_BALLOON_MIN_TARGET)
		return ceiling;
	if (target < def->mem_floor_kib)
		target = def->mem_floor_kib;     /* a floor is a promise */
	return mv_target_bytes(target, ceiling);
}

uint64_t mv_start_need(const struct mv_def *def, uint64_t initrd_bytes)
{
	uint64_t ceiling = def->mem_kib * 1024;
	if (def->kind != MUXV_KIND_LINUX)
		return 0;
	return ceiling + MV_START_HEADROOM + ceiling / 64 + initrd_bytes;
}

int mv_start_check(const struct mv_def *def, uint64_t free_bytes, uint64_t initrd_bytes)
{
	uint64_t need = mv_start_need(def, initrd_bytes);
	if (free_bytes >= need)
		return 0;
	drv_set_errmsg("waiting for memory: the host has %llu MiB free, the server needs %llu "
		       "(its %llu MiB ceiling and %llu MiB headroom) to start",
		       (unsigned long long)(free_bytes >> 20), (unsigned long long)(need >> 20),
		       (unsigned long long)(def->mem_kib / 1024),
		       (unsigned long long)((need >> 20) - def->mem_kib / 1024));
	return -EAGAIN;
}

void mv_guest_memory(const struct muxv_balloon_info *bi, struct drv_balloon *b)
{
	uint64_t total = bi->guest_total_bytes / 1024;
	uint64_t balloon = bi->actual_pages * 4;
	if (bi->flags & MUXV_BINFO_DEFLATE_ON_OOM)
		total = total > balloon ? total - balloon : 0;
	uint64_t avail = bi->guest_available_bytes / 1024, free_kib = bi->guest_free_bytes / 1024;
	/* the statistics may be a moment older than actual_pages */
	b->guest_total_kib = total;
	b->guest_available_kib = avail < total ? avail : total;
	b->guest_free_kib = free_kib < total ? free_kib : total;
}

int mv_def_save(const struct mv *mv, const struct mv_def *def)
{
	char path[1200], tmp[1210];
	mv_def_path(mv, def->uuid, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		drv_set_errmsg("cannot write %s: %s", tmp, strerror(errno));
		return -EIO;
	}
	fprintf(f, "kind=%s\nkernel=%s\ninitrd=%s\ncmdline=%s\nvcpus=%u\nmem_kib=%" PRIu64 "\n"
		"weight=%u\nreservation=%u\ncap=%u\nburst_baseline=%u\nmem_floor_kib=%" PRIu64
		"\nmem_target_kib=%" PRIu64 "\n",
		def->kind == MUXV_KIND_LINUX ? "linux" : "test-kernel", def->kernel, def->initrd,
		def->cmdline, def->vcpus, def->mem_kib, def->sched.weight, def->sched.reservation,
		def->sched.cap, def->sched.burst_baseline, def->mem_floor_kib, def->mem_target_kib);
	bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		drv_set_errmsg("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static bool mv_def_line(struct mv_def *def, const char *key, const char *val)
{
	unsigned long long v = strtoull(val, NULL, 10);
	if (strcmp(key, "kind") == 0)
		def->kind = strcmp(val, "linux") == 0 ? MUXV_KIND_LINUX : MUXV_KIND_TEST_KERNEL;
	else if (strcmp(key, "kernel") == 0)
		snprintf(def->kernel, sizeof def->kernel, "%s", val);
	else if (strcmp(key, "initrd") == 0)
		snprintf(def->initrd, sizeof def->initrd, "%s", val);
	else if (strcmp(key, "cmdline") == 0)
		snprintf(def->cmdline, sizeof def->cmdline, "%s", val);
	else if (strcmp(key, "vcpus") == 0)
		def->vcpus = (uint32_t)v;
	else if (strcmp(key, "mem_kib") == 0)
		def->mem_kib = v;
	else if (strcmp(key, "mem_floor_kib") == 0)
		def->mem_floor_kib = v;
	else if (strcmp(key, "mem_target_kib") == 0)
		def->mem_target_kib = v;
	else if (strcmp(key, "weight") == 0)
		def->sched.weight = (uint32_t)v;
	else if (strcmp(key, "reservation") == 0)
		def->sched.reservation = (uint32_t)v;
	else if (strcmp(key, "cap") == 0)
		def->sched.cap = (uint32_t)v;
	else if (strcmp(key, "burst_baseline") == 0)
		def->sched.burst_baseline = (uint32_t)v;
	else
		return false;
	return true;
}

int mv_def_load(const struct mv *mv, const char *uuid, struct mv_def *def)
{
	char path[1200], line[2048];
	mv_def_path(mv, uuid, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT) {
			drv_set_errmsg("no domain %s", uuid);
			return -ENOENT;
		}
		drv_set_errmsg("cannot read %s: %s", path, strerror(errno));
		return -EIO;
	}
	memset(def, 0, sizeof *def);
	snprintf(def->uuid, sizeof def->uuid, "%s", uuid);
	int rc = 0;
	while (!rc && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (!eq || (*eq = '\0', !mv_def_line(def, line, eq + 1)))
			rc = -EIO;
	}
	fclose(f);
	if (!rc && (!def->kernel[0] || !def->vcpus || !def->mem_kib || !def->sched.weight))
		rc = -EIO;
	if (rc)
		drv_set_errmsg("definition %s is damaged", path);
	return rc;
}

int mv_def_remove(const struct mv *mv, const char *uuid)
{
	char path[1200];
	mv_def_path(mv, uuid, path, sizeof path);
	if (unlink(path) != 0 && errno != ENOENT) {
		drv_set_errmsg("cannot remove %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

int mv_def_list(const struct mv *mv, char (**out)[DRV_UUID_LEN], size_t *n)
{
	DIR *d = opendir(mv->dir);
	if (!d) {
		drv_set_errmsg("cannot read %s: %s", mv->dir, strerror(errno));
		return -EIO;
	}
	char (*v)[DRV_UUID_LEN] = NULL;
	size_t k = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len != 36 + 4 || strcmp(e->d_name + 36, ".def") != 0)
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			void *nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		memcpy(v[k], e->d_name, 36);
		v[k++][36] = '\0';
	}
	closedir(d);
	*out = v;
	*n = k;
	return 0;
}
