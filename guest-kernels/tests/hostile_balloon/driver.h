/*
 * driver.h - hostile_balloon's minimal virtio-balloon driver: PCI
 * configuration mechanism #1 (ports 0xcf8/0xcfc), the virtio-pci modern
 * transport (virtio 1.2, 4.1: capabilities, common configuration in BAR
 * memory), and split virtqueues (2.7) driven by polling: no interrupts
 * (MSI-X stays disabled; the driver waits on the used index).
 *
 * Everything runs on vCPU 0. The driver is deliberately able to send
 * anything: buffers are described by the caller (address, length,
 * device-writable or not), so the hostile steps can hand the device
 * malformed ones.
 */
#ifndef HOSTILE_BALLOON_DRIVER_H
#define HOSTILE_BALLOON_DRIVER_H

#include "rt/rt.h"

#define NAME "hostile_balloon"

/* virtio-balloon (5.5): PCI device 0x1040 + 5, queues and features. */
#define VB_PCI_VENDOR        0x1af4
#define VB_PCI_DEVICE        0x1045
#define VB_Q_INFLATE         0
#define VB_Q_DEFLATE         1
#define VB_Q_STATS           2
#define VB_Q_REPORT          3
#define VB_NR_QUEUES         4
#define VB_F_STATS_VQ        1
#define VB_F_REPORTING       5
#define VB_MAX_PFNS_PER_BUF  4096        /* the device's documented limit */

/* Device status bits (2.1). */
#define VS_ACKNOWLEDGE       1
#define VS_DRIVER            2
#define VS_DRIVER_OK         4
#define VS_FEATURES_OK       8
#define VS_NEEDS_RESET       64
#define VS_FAILED            128

#define VQ_SIZE              128         /* entries per queue we use */

/* A split virtqueue, driver side (2.7). One descriptor per chain: the
 * chain of avail entry i is descriptor i % size. */
struct vq {
	unsigned index;                      /* queue number */
	uint16_t size;
	volatile struct vq_desc *desc;
	volatile struct vq_avail *avail;
	volatile struct vq_used *used;
	uint16_t next_avail;                 /* our copy of avail->idx */
	uint16_t used_seen;                  /* used entries consumed */
	volatile uint16_t *notify;           /* its notification address */
};

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VQ_DESC_F_WRITE      2

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[VQ_SIZE];
};

struct vq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct vq_used_elem ring[VQ_SIZE];
};

/* The balloon device as found on the PCI bus. */
struct vb {
	unsigned slot;                       /* PCI device number on bus 0 */
	uint64_t bar;                        /* BAR 0's address */
	volatile uint8_t *common;            /* common configuration */
	volatile uint8_t *devcfg;            /* device configuration */
	volatile uint8_t *notify_base;
	uint32_t notify_mult;
	struct vq q[VB_NR_QUEUES];
	bool have_q[VB_NR_QUEUES];
};

/* pci.c: finds the balloon on bus 0, enables memory decoding and bus
 * mastering, maps its BAR and locates the virtio structures through the
 * capability list. false (with an ERROR printed) if anything is missing. */
bool vb_probe(struct vb *vb);

/* transport.c */
/* Resets the device and brings it up: ACKNOWLEDGE, DRIVER, features
 * (VERSION_1 + the balloon features in want), FEATURES_OK, the queues in
 * queue_mask with fresh rings, DRIVER_OK. false on any refusal. */
bool vb_start(struct vb *vb, uint64_t want, unsigned queue_mask);
uint8_t vb_status(struct vb *vb);
uint32_t vb_num_pages(struct vb *vb);          /* config num_pages */
void vb_set_actual(struct vb *vb, uint32_t pages);

/* vq.c */
/* Sets up q's rings in fresh zeroed pages (before the queue is enabled). */
bool vq_alloc(struct vq *q, unsigned index);
/* Makes q's rings empty again (after a device reset). */
void vq_clear(struct vq *q);
/* Offers one buffer (one descriptor); false if the ring is full. */
bool vq_post(struct vq *q, uint64_t gpa, uint32_t len, bool device_writes);
/* Tells the device (a 2-byte write to the queue's notification address). */
void vq_kick(struct vq *q);
/* Waits up to timeout_ms for n more used entries; true if they came. */
bool vq_wait_used(struct vq *q, unsigned n, uint64_t timeout_ms);
/* Used entries not yet consumed (without waiting). */
unsigned vq_pending_used(struct vq *q);

/* main.c: the console handshake with the integration test. Prints
 * "hostile_balloon: checkpoint <n> <what>", then waits (up to 10 minutes)
 * for the device's num_pages to change from its current value: the test
 * takes its snapshot of the hypervisor's balloon state, then sets a new
 * target to let the guest go on. Returns the new num_pages. */
uint32_t vb_checkpoint(struct vb *vb, unsigned n, const char *what);

/* io.c: memory the acts use, and one-buffer requests. */
#define HB_AREA_BYTES   (16ul << 20)
#define HB_ARRAY_PAGES  5                    /* room for 4097 + a few PFNs */
/* The 2 MiB-aligned 16 MiB of free RAM whose pages are ballooned. */
uint64_t hb_area(void);
/* HB_ARRAY_PAGES contiguous zeroed pages for PFN arrays (allocated once). */
uint32_t *hb_array(void);
/* Offers one buffer on queue q, notifies, waits (10 s at most) for it to
 * come back used. false if it did not. */
bool hb_send(struct vb *vb, unsigned q, const void *buf, uint32_t len, bool device_writes);
/* Inflates or deflates count pages from first_pfn, 256 PFNs a buffer (as
 * Linux does). false if a buffer did not come back. */
bool hb_pages(struct vb *vb, unsigned q, uint32_t first_pfn, uint32_t count);

/* PASS hostile_balloon.<act> if ok, else FAIL with why and the status. */
void hb_judge(const char *act, bool ok, const char *why, struct vb *vb);

/* malformed.c: boot 1's malformed requests, checkpoints first_cp.. +4. */
void hb_malformed(struct vb *vb, unsigned first_cp);

/* steps.c: boot 1, the well-formed and the survivable hostile acts. */
void hb_boot_survivable(struct vb *vb);
/* tlb.c: boot 1, a page vCPU 1 keeps reading inflated by vCPU 0 (which
 * calls hb_tlb_race; vCPU 1 calls hb_tlb_reader). */
void hb_tlb_race(struct vb *vb);
void hb_tlb_reader(void);
/* crash.c: boots 2-4, one act outside RAM each (the domain should be
 * crashed by it). */
void hb_boot_crash(struct vb *vb, unsigned boot);

#endif
