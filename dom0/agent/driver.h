/*
 * driver.h - the one interface between muxd and a hypervisor.
 *
 * Two implementations fit behind it: `libvirt` (driver_libvirt*.c: QEMU/KVM
 * through cgroups and virtio-balloon, Xen through libxl) and `muxvisor`
 * (driver_muxvisor*.c: Muxvisor domains through dom0's control library).
 * muxd-dom0, the build for Muxvisor's dom0, has no libvirt driver.
 *
 * Domains are identified by UUID (= the server's uuid in the store). A driver
 * reports and touches only domains muxd created (named "mux-<uuid>", or
 * "mux-<uuid in base32hex>" where names are short), so a host may run other
 * domains beside muxd's.
 *
 * Errors are negative errno values: -ENOENT no such domain, -ENOTSUP the
 * hypervisor cannot do this, -EIO anything else. The calling thread's
 * drv_errmsg() then holds the driver's own words for the log and the API.
 *
 * Locking: a driver is safe to call from several threads at once; callers
 * serialise changes to one domain themselves (muxd's ops lock).
 */
#ifndef MUXD_DRIVER_H
#define MUXD_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct muxd_config;

#define DRV_UUID_LEN 37 /* 36 characters and NUL */

/* What a plan becomes (plan_to_params); units are the hypervisor's. */
struct drv_params {
	uint32_t vcpus;
	uint32_t cpu_weight;             /* 1..65535 */
	uint32_t cpu_reservation_pct;    /* percent of one pCPU, whole domain */
	uint32_t cpu_cap_pct;            /* percent of one pCPU, 0 = none */
	uint32_t cpu_burst_baseline_pct; /* 0 = no burst credits */
	uint64_t mem_max_kib;            /* ceiling */
	uint64_t mem_min_kib;            /* floor: the balloon never goes below */
	uint64_t mem_target_kib;         /* balloon target, floor..ceiling */
	uint32_t mem_weight;
	uint64_t disk_bytes;
	uint32_t disk_weight;
	uint64_t disk_bytes_per_s;       /* 0 = unlimited */
	uint64_t disk_ops_per_s;         /* 0 = unlimited */
	uint32_t net_weight;
	uint64_t net_bytes_per_s;        /* 0 = unlimited */
};

enum drv_image_kind { DRV_IMAGE_DISK, DRV_IMAGE_KERNEL };

struct drv_image {
	enum drv_image_kind kind;
	const char *path;    /* disk image, or kernel */
	const char *format;  /* raw | qcow2 (disk images) */
	const char *initrd;  /* kernel images; "" = none */
	const char *cmdline; /* kernel images */
};

struct drv_domain_spec {
	char uuid[DRV_UUID_LEN];
	const char *title;   /* shown to operators; the customer's server name */
	struct drv_params params;
	struct drv_image image;
};

enum drv_power { DRV_OFF, DRV_RUNNING, DRV_PAUSED, DRV_CRASHED, DRV_OTHER };

struct drv_domain {
	char uuid[DRV_UUID_LEN];
	enum drv_power power;
	uint32_t vcpus;           /* as defined (running: as running) */
	uint64_t mem_max_kib;
};

/*
 * The balloon and what the guest says of its memory (virtio-balloon
 * statistics), KiB. A driver that knows nothing leaves the struct zeroed:
 * target 0 = unknown, has_guest false = no guest statistics.
 */
struct drv_balloon {
	bool fixed;                   /* the domain has no balloon: its memory
				       * cannot move (a Muxvisor test kernel) */
	uint64_t target_kib;          /* target the hypervisor holds; 0 = unknown */
	bool has_guest;               /* the guest reported the fields below */
	uint64_t guest_total_kib;     /* MemTotal: what the guest has to use */
	uint64_t guest_free_kib;      /* MemFree */
	uint64_t guest_available_kib; /* MemAvailable: free plus what it could reclaim */
	uint64_t guest_caches_kib;    /* disk caches */
	uint64_t swap_in_kib, swap_out_kib;  /* cumulative */
	uint64_t major_faults, minor_faults; /* cumulative */
};

/* Cumulative counters since the domain started; the sampler turns them into rates. */
struct drv_stats {
	char uuid[DRV_UUID_LEN];
	enum drv_power power;
	uint32_t vcpus;
	uint64_t cpu_ns;          /* CPU time used by all vCPUs */
	uint64_t steal_ns;        /* runnable but waiting for a pCPU; 0 if unknown */
	bool has_steal;
	uint64_t mem_kib;         /* what the guest has now (balloon current) */
	uint64_t mem_max_kib;
	struct drv_balloon balloon;
	uint64_t disk_rd_bytes, disk_wr_bytes;
	uint64_t net_rx_bytes, net_tx_bytes;
};

struct drv_host {
	uint32_t pcpus;
	uint64_t mem_kib;
	char hypervisor[32];
	char hostname[128];
};

struct driver;

struct driver_ops {
	int (*host)(struct driver *d, struct drv_host *out);
	/* Defines the domain (persistent, not started) and its disk. -EEXIST if it exists. */
	int (*create)(struct driver *d, const struct drv_domain_spec *spec);
	/*
	 * Starts the defined domain. -EAGAIN: not an error, the host has not
	 * the free memory the domain needs to start safely yet (drv_errmsg()
	 * says how much); nothing was built, the definition stays, and the
	 * caller tries again later (the reconciler does, every pass).
	 */
	int (*start)(struct driver *d, const char *uuid);
	/* Asks the guest to power off (ACPI); returns before it has. */
	int (*shutdown)(struct driver *d, const char *uuid);
	/* Pulls the plug. */
	int (*poweroff)(struct driver *d, const char *uuid);
	/* -EAGAIN as start(): the domain is off and waits for memory to start. */
	int (*reboot)(struct driver *d, const char *uuid, bool force);
	/* Powers off, removes the definition and the disk. 0 if already gone. */
	int (*destroy)(struct driver *d, const char *uuid);
	/*
	 * Rewrites the definition for new parameters and applies what can change
	 * live; *restart_needed says whether the rest waits for the next start.
	 */
	int (*update)(struct driver *d, const struct drv_domain_spec *spec, bool *restart_needed);
	/* Live CPU weight/cap (cap_pct overrides p->cpu_cap_pct: burst throttling). */
	int (*set_sched)(struct driver *d, const char *uuid, const struct drv_params *p,
			 uint32_t cap_pct);
	/* Balloon target of a running domain (KiB, floor..ceiling); the balloon
	 * gets there over time (drv_stats.mem_kib). 0 for a stopped domain. */
	int (*set_mem_target)(struct driver *d, const char *uuid, uint64_t kib);
	/* All of muxd's domains; *out is malloc'd. */
	int (*list)(struct driver *d, struct drv_domain **out, size_t *n);
	/* Counters of all of muxd's domains in one call; *out is malloc'd. */
	int (*stats)(struct driver *d, struct drv_stats **out, size_t *n);
	/*
	 * Checks the connection to the hypervisor and reopens it if it was lost
	 * (e.g. libvirtd restarted). Returns 0 when usable. Must not run beside
	 * any other call on this driver: muxd calls it from the main thread
	 * holding ops_lock, the only other place driver calls are made.
	 */
	int (*check)(struct driver *d);
	void (*close)(struct driver *d);
};

struct driver {
	const struct driver_ops *ops;
	const char *name;   /* "libvirt", "muxvisor" */
	/* The hypervisor keeps burst credits itself (set_sched passes the
	 * baseline on): muxd's sampler only shows its own estimate and never
	 * caps the domain. Set once at open. */
	bool native_burst;
	void *priv;
};

/*
 * Opens the driver cfg->driver names. Returns 0, or -1 with the reason in
 * err (e.g. the muxvisor driver is not part of this build).
 */
int drv_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen);
void drv_close(struct driver *d);

/* The calling thread's last driver error message ("" if none). */
const char *drv_errmsg(void);
void drv_set_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *drv_power_name(enum drv_power p);

/* The drivers' constructors (driver_libvirt.c, driver_muxvisor.c). */
int drv_libvirt_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen);
int drv_muxvisor_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen);

#endif
