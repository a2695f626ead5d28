/*
 * muxvisor/control.h - the control interface: how dom0 creates and runs
 * customer domains (docs/control-abi.md).
 *
 * Public ABI shared by the hypervisor, the dom0 kernel module
 * (dom0/kmod, whose ioctls are in muxvisor/dom0_ioctl.h), and the control
 * library (dom0/lib). Plain C, fixed-width
 * types and explicit padding only, so that one struct means the same bytes
 * in the hypervisor, in dom0's kernel and in dom0 userspace.
 *
 * Transport. One hypercall (muxvisor/hypercall.h's calling convention):
 *     RAX = MUXV_HC_CONTROL, RBX = guest-physical address of a
 *     struct muxv_ctl, RCX = sizeof(struct muxv_ctl)
 *     RAX = 0 or a negated MUXV_E* value
 * The struct is read and written back by the hypervisor; it must not
 * cross a page boundary of the caller's memory. Only the privileged
 * domain (dom0) may call, from kernel mode; any other domain gets
 * -MUXV_EPERM and the attempt is logged (rate-limited).
 *
 * The data buffer. Calls that move a variable amount of data (an image
 * chunk, console bytes, a domain list, events) use hdr.buf (a guest-
 * physical address in dom0) and hdr.buf_len (bytes, at most
 * MUXV_CTL_BUF_MAX); the buffer must be contiguous in dom0's guest-
 * physical space. Which calls read it (IN) and which write it (OUT) is in
 * the table below; the dom0 kernel module uses hdr.buf_dir to bounce user
 * memory and nothing else. A call that does not use a buffer ignores it.
 *
 * Rules every call keeps:
 *   - hdr.version must be MUXV_CTL_VERSION (else -MUXV_EPROTO; the
 *     hypervisor's version is in MUXV_CTL_HOST_INFO, which any version may
 *     call so that a tool can say what it found).
 *   - Every field is validated before anything changes; on error nothing
 *     changed and only hdr.err_field (the byte offset within the struct of
 *     the field at fault, or MUXV_CTL_NO_FIELD) is written back.
 *   - Reserved and padding fields must be zero (else -MUXV_EINVAL): they
 *     are how later versions add arguments.
 *   - Domain ids are never reused while the hypervisor runs. Domain 0 is
 *     dom0 itself and cannot be destroyed, paused or mapped.
 *
 * Versioning: MUXV_CTL_VERSION grows whenever a struct or a call's meaning
 * changes; numbers of calls are never reused.
 */
#ifndef MUXVISOR_CONTROL_H
#define MUXVISOR_CONTROL_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 muxv_u8;
typedef __u16 muxv_u16;
typedef __u32 muxv_u32;
typedef __u64 muxv_u64;
typedef __s64 muxv_s64;
#else
#include <stdint.h>
typedef uint8_t muxv_u8;
typedef uint16_t muxv_u16;
typedef uint32_t muxv_u32;
typedef uint64_t muxv_u64;
typedef int64_t muxv_s64;
#endif

/* 2: BALLOON_SET/GET; DOMAIN_CREATE's populate_bytes below the ceiling
 * starts a Linux domain pre-ballooned (v1 refused it). */
#define MUXV_CTL_VERSION 2

/* The hypercall number (muxvisor/hypercall.h numbers its neighbours). */
#define MUXV_HC_CONTROL 0x107

#define MUXV_CTL_BUF_MAX      65536u
#define MUXV_CTL_NAME_MAX     31          /* domain names: [A-Za-z0-9._-] */
#define MUXV_CTL_CMDLINE_MAX  511         /* a guest's command line */
#define MUXV_CTL_REASON_MAX   95          /* why a domain stopped */
#define MUXV_CTL_IMAGE_MAX    (256u << 20) /* largest image, bytes */
#define MUXV_CTL_NO_FIELD     0xffffffffu

/*
 * Calls. "buf" says whether the call reads (IN) or writes (OUT) the data
 * buffer. Errors besides the rules above are listed per call.
 */
enum muxv_ctl_op {
	/* (-) -> host. Host capacity and the hypervisor's version. */
	MUXV_CTL_HOST_INFO = 1,

	/* Images: kernels and initrds kept in hypervisor memory, referenced
	 * by domains (shared: one upload serves every domain that boots it).
	 * An image is written in chunks, then sealed; it is freed when
	 * released and no domain uses it any more. */
	/* (image_create) -> image_create.image_id. -ENOMEM, -E2BIG (size),
	 * -ENOSPC (too many images). */
	MUXV_CTL_IMAGE_CREATE = 2,
	/* (image_write, buf IN). Bytes at an offset of an unsealed image.
	 * -ENOENT, -EBUSY (sealed), -ERANGE (past its size). */
	MUXV_CTL_IMAGE_WRITE = 3,
	/* (image_id) Makes it read-only and usable. -ENOENT, -EBUSY. */
	MUXV_CTL_IMAGE_SEAL = 4,
	/* (image_id) Drops the caller's reference. -ENOENT. */
	MUXV_CTL_IMAGE_RELEASE = 5,

	/* Domains. */
	/* (domain_create) -> domain_create.domid. The domain is built (memory
	 * populated, image loaded, vCPUs at their start) but not running:
	 * state CREATED until DOMAIN_UNPAUSE. -ENOENT (image), -EINVAL (an
	 * image that does not load, a bad parameter), -EEXIST (name taken),
	 * -ENOMEM, -ENOSPC (admission control of the reservation, or too
	 * many domains). */
	MUXV_CTL_DOMAIN_CREATE = 10,
	/* (hdr.domid) Frees everything the domain holds. -ESRCH, -EINVAL
	 * (domain 0, here and for PAUSE, UNPAUSE, MEM_*). */
	MUXV_CTL_DOMAIN_DESTROY = 11,
	/* (hdr.domid) -ESRCH, -EBUSY (not running). */
	MUXV_CTL_DOMAIN_PAUSE = 12,
	/* (hdr.domid) Starts a CREATED domain or resumes a PAUSED one.
	 * -ESRCH, -EBUSY (shut down or crashed). */
	MUXV_CTL_DOMAIN_UNPAUSE = 13,
	/* (hdr.domid) -> domain_info. -ESRCH. */
	MUXV_CTL_DOMAIN_INFO = 14,
	/* (domain_list, buf OUT) -> muxv_u32 ids, ascending, those > first_id
	 * that fit; domain_list.count says how many were written. */
	MUXV_CTL_DOMAIN_LIST = 15,
	/* (hdr.domid, vcpu_info.vcpu) -> vcpu_info. -ESRCH, -ENOENT. */
	MUXV_CTL_VCPU_INFO = 16,

	/* Scheduler parameters (docs/scheduler.md). */
	/* (hdr.domid) -> sched. -ESRCH. */
	MUXV_CTL_SCHED_GET = 20,
	/* (hdr.domid, sched) Effective at once. -ESRCH, -EINVAL, -ERANGE
	 * (reservation above vCPUs * 100), -ENOSPC (admission control). */
	MUXV_CTL_SCHED_SET = 21,

	/* Memory. */
	/* (mem) Gives the domain fresh zeroed pages at gfn .. gfn+count-1
	 * (below its ceiling, not yet populated). -ESRCH, -ERANGE, -EEXIST,
	 * -ENOMEM (nothing changed). */
	MUXV_CTL_MEM_POPULATE = 30,
	/* (mem) Maps the domain's populated pages gfn .. gfn+count-1 into
	 * dom0 at dom0_gpa .. (inside host_info's map window, page aligned,
	 * not mapped yet), writable. -ESRCH, -ERANGE, -ENOENT (a page not
	 * populated), -EEXIST (window pages in use). The domain's pages stay
	 * allocated while mapped: its own power-off, crash or reboot keeps
	 * it (as MUXV_ON_KEEP) until dom0 destroys it; DOMAIN_DESTROY removes
	 * the mappings first (dom0 must not touch those window pages after:
	 * nothing is behind them). */
	MUXV_CTL_MEM_MAP = 31,
	/* (mem: dom0_gpa, count) Removes window mappings, every page of the
	 * range mapped (else -ENOENT); dom0's TLBs no longer hold them when
	 * the call returns. */
	MUXV_CTL_MEM_UNMAP = 32,

	/* Console. */
	/* (console, buf OUT) -> the domain's console output from byte
	 * console.seq; console.count bytes written, console.seq set to the
	 * sequence number after them, console.lost to bytes that had left the
	 * ring before seq. -ESRCH. */
	MUXV_CTL_CONSOLE_READ = 40,
	/* (hdr.domid, buf IN) Input to the domain's console, as if typed;
	 * console.count = bytes taken (all). -ESRCH, -ENODEV (no console
	 * input), -EAGAIN (no room for all of it: nothing taken). */
	MUXV_CTL_CONSOLE_WRITE = 41,

	/* Events. */
	/* (events, buf OUT) -> struct muxv_event records with seq >= events.seq
	 * that fit; events.count, events.seq (next to ask for), events.lost
	 * (records that had left the ring). */
	MUXV_CTL_EVENTS_READ = 50,

	/* The balloon of a Linux customer domain (docs/balloon.md). */
	/* (hdr.domid, balloon_set) Sets the target the guest's balloon
	 * driver moves towards. -ESRCH, -ENODEV (no balloon: dom0, test
	 * kernels), -EINVAL (target not whole pages, below
	 * MUXV_BALLOON_MIN_TARGET or above the ceiling). */
	MUXV_CTL_BALLOON_SET = 60,
	/* (hdr.domid) -> balloon_info: the accounting and the guest's last
	 * statistics; also asks the guest for fresh ones. -ESRCH, -ENODEV. */
	MUXV_CTL_BALLOON_GET = 61,
};

/* Directions of the data buffer (hdr.buf_dir). */
#define MUXV_BUF_NONE 0
#define MUXV_BUF_IN   1   /* the hypervisor reads it */
#define MUXV_BUF_OUT  2   /* the hypervisor writes it */

struct muxv_ctl_hdr {
	muxv_u32 version;    /* MUXV_CTL_VERSION */
	muxv_u32 op;         /* enum muxv_ctl_op */
	muxv_u32 domid;      /* the domain the call is about, where it is */
	muxv_u32 err_field;  /* OUT: offset of the bad field on error */
	muxv_u64 buf;        /* dom0 guest-physical address of the data buffer */
	muxv_u32 buf_len;    /* its length, bytes, <= MUXV_CTL_BUF_MAX */
	muxv_u32 buf_dir;    /* MUXV_BUF_*: for the kernel module's bouncing */
};

struct muxv_host_info {
	muxv_u32 ctl_version;     /* MUXV_CTL_VERSION of the hypervisor */
	muxv_u32 pcpus;
	muxv_u64 mem_total_pages; /* host RAM the hypervisor manages */
	muxv_u64 pool_free_pages; /* free for domains now */
	muxv_u64 dom0_pages;
	muxv_u64 image_pages;     /* held by images */
	muxv_u32 reserved_pct;    /* sum of the domains' reservations */
	muxv_u32 capacity_pct;    /* pcpus * 100 */
	muxv_u32 nr_domains;      /* existing, dom0 included */
	muxv_u32 max_domains;
	muxv_u32 max_vcpus;       /* per domain */
	muxv_u32 pad0;
	muxv_u64 map_window_gpa;  /* MEM_MAP's window in dom0's guest-physical */
	muxv_u64 map_window_pages;
	muxv_u64 uptime_ns;
	char version[32];         /* "muxvisor 0.1", NUL-terminated */
};

struct muxv_image_create {
	muxv_u64 size;            /* IN: bytes, 1..MUXV_CTL_IMAGE_MAX */
	muxv_u32 image_id;        /* OUT */
	muxv_u32 pad0;
};

struct muxv_image_write {
	muxv_u32 image_id;
	muxv_u32 pad0;
	muxv_u64 offset;          /* bytes; buf_len bytes are written */
};

struct muxv_image_ref {
	muxv_u32 image_id;
	muxv_u32 pad0;
};

/* Kinds of domain (what the kernel image is). */
#define MUXV_KIND_TEST_KERNEL 1   /* ELF64 test kernel, muxvisor/guest_boot.h */
#define MUXV_KIND_LINUX       2   /* bzImage, optional initrd */

/* What happens when the guest powers off, crashes or reboots. */
#define MUXV_ON_DESTROY 0         /* free everything (events still tell) */
#define MUXV_ON_KEEP    1         /* stay shut down/crashed until destroyed */
#define MUXV_ON_RESTART 2         /* build it again from the same images */

struct muxv_sched {
	muxv_u32 weight;          /* 1..65535 */
	muxv_u32 reservation;     /* % of one pCPU, whole domain */
	muxv_u32 cap;             /* % of one pCPU, 0 = none */
	muxv_u32 burst_baseline;  /* % of one pCPU, 0 = no burst credits */
	muxv_u32 burst_max_ms;
	muxv_u32 pad0;
};

struct muxv_domain_create {
	char name[MUXV_CTL_NAME_MAX + 1];   /* NUL-terminated, unique */
	muxv_u32 kind;            /* MUXV_KIND_* */
	muxv_u32 vcpus;           /* 1..host_info.max_vcpus */
	muxv_u64 mem_bytes;       /* RAM ceiling, multiple of 4 KiB, >= 1 MiB */
	muxv_u64 populate_bytes;  /* populated at start: 0 = all of it. A test
				   * kernel gets the rest by MEM_POPULATE; a
				   * Linux domain starts pre-ballooned at this
				   * target (>= MUXV_BALLOON_MIN_TARGET), the
				   * rest in its balloon (v2) */
	muxv_u32 kernel_image;    /* sealed image id */
	muxv_u32 initrd_image;    /* sealed image id, 0 = none (Linux only) */
	muxv_u32 on_poweroff;     /* MUXV_ON_* */
	muxv_u32 on_crash;
	muxv_u32 on_reboot;
	muxv_u32 pad0;
	struct muxv_sched sched;
	char cmdline[MUXV_CTL_CMDLINE_MAX + 1]; /* guest command line */
	muxv_u32 domid;           /* OUT */
	muxv_u32 pad1;
};

/* Domain states (domain_info.state). */
#define MUXV_STATE_CREATED  1
#define MUXV_STATE_RUNNING  2
#define MUXV_STATE_PAUSED   3
#define MUXV_STATE_SHUTDOWN 4
#define MUXV_STATE_CRASHED  5

struct muxv_cpu_time {
	muxv_u64 run_ns;          /* on a pCPU */
	muxv_u64 steal_ns;        /* runnable, waiting for a pCPU */
	muxv_u64 blocked_ns;      /* halted, nothing to do */
};

struct muxv_domain_info {
	muxv_u32 domid;
	muxv_u32 state;           /* MUXV_STATE_* */
	char name[MUXV_CTL_NAME_MAX + 1];
	muxv_u32 kind;
	muxv_u32 vcpus;
	muxv_u32 flags;           /* MUXV_DOM_* */
	muxv_u32 boot_count;      /* restarts so far */
	muxv_u64 mem_max_pages;   /* ceiling */
	muxv_u64 mem_pages;       /* populated now */
	muxv_u64 mem_mapped_pages; /* of those, mapped into dom0 */
	struct muxv_sched sched;
	struct muxv_cpu_time time; /* summed over vCPUs */
	muxv_u64 created_ns;      /* hypervisor clock */
	muxv_u64 now_ns;          /* the clock when this was read */
	char reason[MUXV_CTL_REASON_MAX + 1]; /* why it stopped, or "" */
};

#define MUXV_DOM_PRIVILEGED 1u    /* dom0 */

struct muxv_domain_list {
	muxv_u32 first_id;        /* IN: list ids greater than this */
	muxv_u32 count;           /* OUT: ids written to the buffer */
	muxv_u32 total;           /* OUT: domains that exist */
	muxv_u32 pad0;
};

/* vCPU states (vcpu_info.state). */
#define MUXV_VCPU_BLOCKED  0
#define MUXV_VCPU_RUNNABLE 1
#define MUXV_VCPU_RUNNING  2
#define MUXV_VCPU_OFFLINE  3     /* parked, or waiting for its first SIPI */

struct muxv_vcpu_info {
	muxv_u32 vcpu;            /* IN: index */
	muxv_u32 state;           /* MUXV_VCPU_* */
	muxv_u32 pcpu;            /* last pCPU it ran on */
	muxv_u32 pad0;
	struct muxv_cpu_time time;
	muxv_u64 exits;
};

struct muxv_mem {
	muxv_u64 gfn;             /* the domain's first page frame */
	muxv_u64 count;           /* pages, 1..MUXV_CTL_MAP_MAX */
	muxv_u64 dom0_gpa;        /* MEM_MAP / MEM_UNMAP: window address */
};

#define MUXV_CTL_MAP_MAX 65536u  /* pages per MEM_MAP / POPULATE call */

struct muxv_console {
	muxv_u64 seq;             /* IN: first byte wanted; OUT: next */
	muxv_u32 count;           /* OUT: bytes written to the buffer */
	muxv_u32 pad0;
	muxv_u64 lost;            /* OUT: bytes gone before seq */
};

/* Event types. */
#define MUXV_EV_CREATED  1
#define MUXV_EV_STARTED  2
#define MUXV_EV_PAUSED   3
#define MUXV_EV_UNPAUSED 4
#define MUXV_EV_POWEROFF 5        /* the guest powered off */
#define MUXV_EV_CRASHED  6
#define MUXV_EV_REBOOTED 7        /* the guest rebooted (restarted, or shut
				   * down if on_reboot says so) */
#define MUXV_EV_DESTROYED 8

struct muxv_event {
	muxv_u64 seq;
	muxv_u64 time_ns;
	muxv_u32 domid;
	muxv_u32 type;            /* MUXV_EV_* */
	char detail[MUXV_CTL_REASON_MAX + 1]; /* the reason, for stops */
};

struct muxv_events {
	muxv_u64 seq;             /* IN: first wanted; OUT: next to ask for */
	muxv_u32 count;           /* OUT: records written */
	muxv_u32 pad0;
	muxv_u64 lost;            /* OUT: records gone before seq */
};

/* Smallest balloon target (bytes). */
#define MUXV_BALLOON_MIN_TARGET (16ull << 20)

struct muxv_balloon_set {
	muxv_u64 target_bytes;    /* whole pages, MIN_TARGET .. the ceiling */
	muxv_u64 pad0;
};

/* Which guest statistics were ever reported (balloon_info.stats_valid). */
#define MUXV_BSTAT_SWAP_IN   (1u << 0)
#define MUXV_BSTAT_SWAP_OUT  (1u << 1)
#define MUXV_BSTAT_MAJFLT    (1u << 2)
#define MUXV_BSTAT_MINFLT    (1u << 3)
#define MUXV_BSTAT_FREE      (1u << 4)
#define MUXV_BSTAT_TOTAL     (1u << 5)
#define MUXV_BSTAT_AVAIL     (1u << 6)
#define MUXV_BSTAT_CACHES    (1u << 7)

/* The guest's driver negotiated deflate-on-OOM (balloon_info.flags). Linux
 * then leaves its balloon in MemTotal: what the guest has to use is
 * guest_total_bytes less actual_pages. */
#define MUXV_BINFO_DEFLATE_ON_OOM (1u << 0)

/* Every page of the ceiling is populated, ballooned or dropped:
 * populated + ballooned + dropped == ceiling (docs/balloon.md). */
struct muxv_balloon_info {
	muxv_u64 ceiling_pages;   /* RAM the guest sees (E820) */
	muxv_u64 target_pages;    /* what it should keep */
	muxv_u64 populated_pages; /* backed by host memory now */
	muxv_u64 ballooned_pages; /* in the guest's balloon, host memory freed */
	muxv_u64 dropped_pages;   /* unpopulated, not ballooned (reported
				   * free, or never touched) */
	muxv_u64 actual_pages;    /* the balloon size the driver says it has */
	muxv_u64 npt_table_pages; /* the domain's nested page tables */
	/* Counters since creation, pages. */
	muxv_u64 inflated;
	muxv_u64 deflated;
	muxv_u64 reported;        /* dropped by free page reporting */
	muxv_u64 touched;         /* ballooned pages repopulated by a touch */
	muxv_u64 refaulted;       /* dropped pages repopulated by a touch */
	muxv_u64 ignored;         /* duplicate or stray requests */
	muxv_u64 pinned;          /* requests for pages dom0 maps, refused */
	/* The guest's last statistics (virtio-balloon), bytes or counts. */
	muxv_u32 stats_valid;     /* MUXV_BSTAT_*: reported at least once */
	muxv_u32 flags;           /* MUXV_BINFO_* */
	muxv_u64 stats_updates;   /* statistics buffers received */
	muxv_u64 stats_age_ns;    /* since the last one; 0 = none yet */
	muxv_u64 guest_free_bytes;      /* MemFree */
	muxv_u64 guest_available_bytes; /* MemAvailable */
	muxv_u64 guest_total_bytes;     /* MemTotal */
	muxv_u64 guest_caches_bytes;    /* disk caches */
	muxv_u64 guest_swap_in_bytes;   /* cumulative */
	muxv_u64 guest_swap_out_bytes;
	muxv_u64 guest_major_faults;    /* cumulative */
	muxv_u64 guest_minor_faults;
};

struct muxv_ctl {
	struct muxv_ctl_hdr hdr;
	union {
		struct muxv_host_info host_info;
		struct muxv_image_create image_create;
		struct muxv_image_write image_write;
		struct muxv_image_ref image;
		struct muxv_domain_create domain_create;
		struct muxv_domain_info domain_info;
		struct muxv_domain_list domain_list;
		struct muxv_vcpu_info vcpu_info;
		struct muxv_sched sched;
		struct muxv_mem mem;
		struct muxv_console console;
		struct muxv_events events;
		struct muxv_balloon_set balloon_set;
		struct muxv_balloon_info balloon_info;
		muxv_u8 raw[1024 - sizeof(struct muxv_ctl_hdr)];
	} u;
};

_Static_assert(sizeof(struct muxv_ctl) == 1024, "struct muxv_ctl is 1 KiB");

/* Errors: negated in RAX; Linux's errno numbers (muxvisor/hypercall.h has
 * the first ones). */
#define MUXV_ENOENT    2
#define MUXV_ESRCH     3
#define MUXV_EAGAIN   11
#define MUXV_ENOMEM   12
#define MUXV_EBUSY    16
#define MUXV_EEXIST   17
#define MUXV_ENODEV   19
#define MUXV_ENOSPC   28
#define MUXV_ERANGE   34
#define MUXV_EPROTO   71

#endif
