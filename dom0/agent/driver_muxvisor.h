/*
 * driver_muxvisor.h - private to the muxvisor driver's files.
 *
 * The driver runs muxd's servers as Muxvisor domains through libmuxctl
 * (dom0/lib, /dev/muxvisor). The hypervisor has no "defined but stopped"
 * domain (a domain exists only while it holds memory), so the driver keeps
 * each server's definition itself, one file per server:
 *     STATE-DIR/muxvisor/<uuid>.def      what create()/update() were given
 *     STATE-DIR/muxvisor/images          uploaded images, for reuse
 * A server is "off" when its definition exists and no domain does; start()
 * builds the domain from the definition.
 *
 * Domain names: hypervisor names have at most 31 characters, a UUID 36, so
 * a domain is named "mux-" followed by the UUID's 128 bits in 26 base32hex
 * digits (0-9a-v); the name decodes back to the UUID, so the reconciler
 * finds muxd's domains after a restart without any other record.
 *
 * Locking: images are cached under mv.lock; everything else is state in the
 * hypervisor or in files that muxd's ops_lock already serialises (driver.h).
 */
#ifndef MUXD_DRIVER_MUXVISOR_H
#define MUXD_DRIVER_MUXVISOR_H

#include <pthread.h>

#include "driver.h"
#include "muxctl.h"

#define MV_PREFIX "mux-"
#define MV_NAME_LEN (4 + 26)   /* without the NUL */

/* A server's definition (STATE-DIR/muxvisor/<uuid>.def). */
struct mv_def {
	char uuid[DRV_UUID_LEN];
	uint32_t kind;              /* MUXV_KIND_* */
	char kernel[1024];
	char initrd[1024];          /* "" = none */
	char cmdline[MUXV_CTL_CMDLINE_MAX + 1];
	uint32_t vcpus;
	uint64_t mem_kib;           /* ceiling */
	uint64_t mem_floor_kib;     /* the plan's floor; 0 = none */
	uint64_t mem_target_kib;    /* start target (Linux: pre-ballooned when
				     * below the ceiling); 0 = the ceiling */
	struct muxv_sched sched;
};

struct mv_image {
	char path[1024];
	uint64_t size;
	int64_t mtime_ns;
	uint32_t id;
};

struct mv {
	struct muxctl *h;
	char dir[1040];             /* STATE-DIR/muxvisor; set once */
	pthread_mutex_t lock;       /* protects images, nimages */
	struct mv_image *images;
	size_t nimages;
	char boot_id[64];           /* dom0's boot, keys the image cache; set once */
};

/* Names (driver_muxvisor_defs.c). */
void mv_domain_name(const char *uuid, char name[MV_NAME_LEN + 1]);
/* The UUID a domain name stands for; false if it is not one of muxd's. */
bool mv_name_uuid(const char *name, char uuid[DRV_UUID_LEN]);

/* Definitions (driver_muxvisor_defs.c). -ENOENT when there is none. */
int mv_def_load(const struct mv *mv, const char *uuid, struct mv_def *def);
int mv_def_save(const struct mv *mv, const struct mv_def *def);
int mv_def_remove(const struct mv *mv, const char *uuid);
/* Every definition's UUID; *out malloc'd, DRV_UUID_LEN each. */
int mv_def_list(const struct mv *mv, char (**out)[DRV_UUID_LEN], size_t *n);
/* spec -> definition: the kernel's kind is read from the file. */
int mv_def_from_spec(const struct drv_domain_spec *spec, struct mv_def *def);

/* The bytes a Linux domain of def starts populated with: its start target
 * kept within [floor, ceiling] and at least MUXV_BALLOON_MIN_TARGET, whole
 * pages; the ceiling (= not pre-ballooned) for a test kernel or no target. */
uint64_t mv_def_start_bytes(const struct mv_def *def);
/*
 * The hypervisor's free pool a Linux domain of def needs before it may
 * start: its whole ceiling, plus MV_START_HEADROOM, 1/64 of the ceiling
 * (the hypervisor's own tables for it) and its initrd (initrd_bytes).
 * Until its balloon driver loads, Linux may touch every page up to its
 * ceiling, and each touch is populated, so a start target below the
 * ceiling saves nothing while the guest boots; with less free, start()
 * answers -EAGAIN and builds nothing. 0 for a test kernel: it is
 * populated whole at creation, and the hypervisor refuses what does not fit.
 */
#define MV_START_HEADROOM (32ull << 20)
uint64_t mv_start_need(const struct mv_def *def, uint64_t initrd_bytes);
/* 0 when free_bytes covers mv_start_need, else -EAGAIN with drv_errmsg()
 * saying what is free and what is needed. */
int mv_start_check(const struct mv_def *def, uint64_t free_bytes, uint64_t initrd_bytes);
/* A balloon target for a domain of ceiling_bytes from kib, kept within
 * [MUXV_BALLOON_MIN_TARGET, ceiling], whole pages. */
uint64_t mv_target_bytes(uint64_t kib, uint64_t ceiling_bytes);

/* The guest's total, free and available memory (KiB) from its statistics
 * in bi, the balloon left out of the total (see mv_stats_balloon in
 * driver_muxvisor.c); free and available never above the total. */
void mv_guest_memory(const struct muxv_balloon_info *bi, struct drv_balloon *b);

/* Images (driver_muxvisor_images.c): the id of path in the hypervisor,
 * uploaded the first time and reused while the file is unchanged. */
int mv_image_get(struct mv *mv, const char *path, uint32_t *id);
void mv_images_load(struct mv *mv);
void mv_images_free(struct mv *mv);

/* Records libmuxctl's error as the driver's; returns -ENOENT for a missing
 * domain, -EIO otherwise (driver.h's convention). */
int mv_fail(const char *what, const char *uuid, int rc);

#endif
