/*
 * balloon.c - a customer domain's memory (a Linux domain's, or a test
 * kernel's started with `balloon`) moving to and from the hypervisor's
 * pool (see hv/balloon.h for the page states and docs/balloon.md for the
 * whole story).
 *
 * The virtio-balloon device (devices/virtio_balloon.c) hands this file
 * the guest's requests, under the domain's dev_lock:
 *   inflate   each PFN becomes ballooned; a populated page is unmapped,
 *             and once every vCPU's TLB is clean (npt_flush_domain) its
 *             host page goes back to the pool at once;
 *   deflate   each ballooned PFN is mapped again to a fresh zeroed page
 *             (if the pool is empty it stays unpopulated, as dropped, and
 *             the next touch tries again);
 *   report    each free range the guest reports is dropped the same way.
 * A touch of an unpopulated page (nested page fault, or the hypervisor's
 * own access through guest_mem.c) maps a fresh zeroed page.
 *
 * What is checked: a PFN or range outside the domain's RAM is a guest
 * error: the device stops (DEVICE_NEEDS_RESET) and the domain is crashed
 * with the reason. A duplicate inflate, a deflate of a page not in the
 * balloon or a report of a ballooned page is ignored and counted (it
 * changes nothing). Only pages the domain owns are ever unmapped or freed:
 * npt_unmap_page() refuses anything not mapped as the domain's RAM.
 *
 * A page dom0 maps through MEM_MAP (control/memory.c) is never taken: an
 * inflate or report of it leaves it populated and counts it (pinned).
 * ctl_mem_gfn_mapped() is asked under mem_lock, which MEM_MAP also holds
 * from looking the page up to recording the mapping, so the two cannot
 * interleave.
 *
 * Locking: mem_lock (struct domain) protects everything here and the
 * nested tables; dev_lock is held around device requests and around
 * set/get, and is always taken first.
 */
#include "hv/balloon.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/control.h"
#include "hv/page_alloc.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "hv/time.h"

#define PAGE_BYTES     4096ull
#define HIGH_BASE      (1ull << 32)
#define PENDING_MAX    512             /* pages unmapped per TLB shoot-down */

struct balloon {
	struct domain *dom;
	uint64_t pa;                       /* pages holding this struct */
	unsigned order;
	struct virtio_balloon_ops ops;     /* ctx = this */
	uint64_t low_pages;                /* RAM [0, low_pages * 4K) */
	uint64_t high_pages;               /* RAM [4 GiB, + high_pages * 4K) */
	uint64_t ram_pages;
	uint64_t target_pages;
	uint64_t ballooned, dropped;
	uint64_t inflated, deflated, reported, touched, refaulted, ignored;
	uint64_t pinned;                   /* left alone: mapped into dom0 */
	bool reached_logged;               /* the current target was logged reached */
	struct virtio_balloon_stats stats;
	uint64_t stats_ns;                 /* when they arrived, 0 never */
	unsigned npending;
	uint64_t pending[PENDING_MAX];     /* host pages to free after the flush */
	uint64_t bitmap[];                 /* bit i: page index i is ballooned */
};

/* The page index of gpa in the domain's RAM, or -1 if gpa is not RAM. */
static int64_t page_index(const struct balloon *b, uint64_t gpa)
{
	uint64_t pfn = gpa / PAGE_BYTES;

	if (pfn < b->low_pages)
		return (int64_t)pfn;
	if (gpa >= HIGH_BASE && pfn - HIGH_BASE / PAGE_BYTES < b->high_pages)
		return (int64_t)(b->low_pages + pfn - HIGH_BASE / PAGE_BYTES);
	return -1;
}

static uint64_t index_gpa(const struct balloon *b, uint64_t idx)
{
	return idx < b->low_pages ? idx * PAGE_BYTES : HIGH_BASE + (idx - b->low_pages) * PAGE_BYTES;
}

static bool test_bit(const struct balloon *b, uint64_t i)
{
	return (b->bitmap[i / 64] >> (i % 64)) & 1;
}

static void set_bit(struct balloon *b, uint64_t i, bool on)
{
	if (on)
		b->bitmap[i / 64] |= 1ull << (i % 64);
	else
		b->bitmap[i / 64] &= ~(1ull << (i % 64));
}

/* Frees the pages unmapped so far, once no vCPU can reach them. */
static void flush_pending(struct balloon *b)
{
	if (!b->npending)
		return;
	npt_flush_domain(b->dom);
	for (unsigned i = 0; i < b->npending; i++)
		page_free(b->pending[i], 0);
	b->npending = 0;
}

/* Whether page idx is mapped into dom0 (MEM_MAP): then it must stay the
 * domain's, populated, and is counted. */
static bool dom0_maps(struct balloon *b, uint64_t idx)
{
	if (!ctl_mem_gfn_mapped(b->dom, index_gpa(b, idx) / PAGE_BYTES))
		return false;
	b->pinned++;
	return true;
}

/* Unmaps page idx and queues its host page; false if it was not mapped
 * (or could not be split: then it stays populated). */
static bool take_page(struct balloon *b, uint64_t idx)
{
	uint64_t hpa;

	if (b->npending == PENDING_MAX)
		flush_pending(b);
	if (npt_unmap_page(&b->dom->npt, index_gpa(b, idx), &hpa))
		return false;
	b->pending[b->npending++] = hpa;
	return true;
}

static void check_reached(struct balloon *b)
{
	struct domain *d = b->dom;

	if (b->reached_logged || b->ballooned != b->ram_pages - b->target_pages)
		return;
	b->reached_logged = true;
	log_info("balloon: d%u '%s' reached target_kib=%lu ballooned_kib=%lu host_free_kib=%lu",
		 d->id, d->cfg.name, b->target_pages * 4, b->ballooned * 4,
		 page_free_count() * 4);
}

/* Inflate of RAM page idx: it becomes ballooned; a populated page is
 * unmapped and queued for the pool, unless dom0 maps it. */
static void inflate_page(struct balloon *b, uint64_t idx)
{
	if (test_bit(b, idx)) {
		b->ignored++;
	} else if (dom0_maps(b, idx)) {
		return;                        /* stays populated */
	} else if (take_page(b, idx)) {
		set_bit(b, idx, true);
		b->ballooned++;
		b->inflated++;
	} else if (npt_translate(&b->dom->npt, index_gpa(b, idx)) == NPT_NONE) {
		set_bit(b, idx, true);         /* was dropped */
		b->dropped--;
		b->ballooned++;
		b->inflated++;
	}
	/* else: no page to split the mapping; it stays populated. */
}

/* Deflate of RAM page idx: a ballooned page is mapped again to a fresh
 * zeroed page, or left unpopulated (dropped) if the pool has none. */
static void deflate_page(struct balloon *b, uint64_t idx)
{
	if (!test_bit(b, idx)) {
		b->ignored++;
		return;
	}
	set_bit(b, idx, false);
	b->ballooned--;
	b->deflated++;
	if (npt_map_page(&b->dom->npt, index_gpa(b, idx)) != 0)
		b->dropped++;                  /* no free page now: on touch */
}

/*
 * Applies page_op to the RAM page of each of the n PFNs in order, under
 * mem_lock, then frees the host pages it unmapped (after the TLB
 * shoot-down) and logs a target reached. A PFN outside the domain's RAM
 * ends the walk there: the PFNs before it keep their effect, the domain
 * is crashed with a reason naming `what` and the PFN, and the result is
 * -EINVAL; otherwise 0.
 */
static int walk_pfns(struct balloon *b, const uint32_t *pfns, unsigned n,
		     void (*page_op)(struct balloon *b, uint64_t idx), const char *what)
{
	struct domain *d = b->dom;
	int64_t bad = -1;
	uint64_t f = spin_lock_irqsave(&d->mem_lock);

	for (unsigned i = 0; i < n && bad < 0; i++) {
		int64_t idx = page_index(b, (uint64_t)pfns[i] * PAGE_BYTES);

		if (idx < 0)
			bad = i;
		else
			page_op(b, (uint64_t)idx);
	}
	flush_pending(b);                  /* nothing queued by a deflate */
	check_reached(b);
	spin_unlock_irqrestore(&d->mem_lock, f);
	if (bad >= 0) {
		domain_crash(d, "balloon %s of PFN %#x outside its RAM", what, pfns[bad]);
		return -EINVAL;
	}
	return 0;
}

static int op_inflate(void *ctx, const uint32_t *pfns, unsigned n)
{
	return walk_pfns(ctx, pfns, n, inflate_page, "inflate");
}

static int op_deflate(void *ctx, const uint32_t *pfns, unsigned n)
{
	return walk_pfns(ctx, pfns, n, deflate_page, "deflate");
}

static int op_report(void *ctx, uint64_t gpa, uint64_t len)
{
	struct balloon *b = ctx;
	struct domain *d = b->dom;
	int64_t first = page_index(b, gpa), last = len ? page_index(b, gpa + len - 1) : -1;

	if ((gpa | len) % PAGE_BYTES || first < 0 || last < first ||
	    (uint64_t)(last - first) != len / PAGE_BYTES - 1) {
		domain_crash(d, "balloon free page report of %#lx+%#lx outside its RAM", gpa, len);
		return -EINVAL;
	}
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	for (uint64_t i = (uint64_t)first; i <= (uint64_t)last; i++) {
		if (test_bit(b, i)) {
			b->ignored++;
		} else if (dom0_maps(b, i)) {
			continue;                  /* stays populated */
		} else if (take_page(b, i)) {
			b->dropped++;
			b->reported++;
		}
	}
	flush_pending(b);
	spin_unlock_irqrestore(&d->mem_lock, f);
	return 0;
}

static void op_stats(void *ctx, const struct virtio_balloon_stats *s)
{
	struct balloon *b = ctx;
	uint64_t f = spin_lock_irqsave(&b->dom->mem_lock);

	b->stats = *s;
	b->stats_ns = time_now_ns();
	spin_unlock_irqrestore(&b->dom->mem_lock, f);
}

int balloon_fault_locked(struct domain *d, uint64_t gpa)
{
	struct balloon *b = d->balloon;
	int64_t idx = b ? page_index(b, gpa) : -1;
	int err;

	if (idx < 0)
		return -ENOENT;
	err = npt_map_page(&d->npt, gpa);
	if (err == -EEXIST)
		return 0;
	if (err)
		return err;
	if (test_bit(b, (uint64_t)idx)) {
		set_bit(b, (uint64_t)idx, false);
		b->ballooned--;
		b->touched++;
	} else {
		b->dropped--;
		b->refaulted++;
	}
	return 0;
}

int balloon_fault(struct domain *d, uint64_t gpa)
{
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	int err = balloon_fault_locked(d, gpa);

	spin_unlock_irqrestore(&d->mem_lock, f);
	return err;
}

/* Populates the first `pages` page indexes (2 MiB pages where aligned). */
static int populate_first(struct balloon *b, uint64_t pages)
{
	uint64_t low = MIN(pages, b->low_pages), high = pages - low;
	int err = npt_populate(&b->dom->npt, 0, low * PAGE_BYTES);

	if (!err && high)
		err = npt_populate(&b->dom->npt, HIGH_BASE, high * PAGE_BYTES);
	return err;
}

int balloon_domain_init(struct domain *d, uint64_t low_end, uint64_t high_end,
			uint64_t target)
{
	uint64_t low_pages = low_end / PAGE_BYTES;
	uint64_t high_pages = high_end > HIGH_BASE ? (high_end - HIGH_BASE) / PAGE_BYTES : 0;
	uint64_t ram = low_pages + high_pages;
	size_t size = sizeof(struct balloon) + (ram + 63) / 64 * 8;
	unsigned order = 0;

	if (target % PAGE_BYTES || target < BALLOON_MIN_TARGET || target / PAGE_BYTES > ram)
		return -EINVAL;
	while ((PAGE_BYTES << order) < size)
		order++;
	if (order > PAGE_ORDER_MAX)
		return -EINVAL;
	uint64_t pa = page_alloc_zeroed(order);
	if (!pa)
		return -ENOMEM;
	struct balloon *b = phys_to_virt(pa);
	b->dom = d;
	b->pa = pa;
	b->order = order;
	b->ops = (struct virtio_balloon_ops){ .ctx = b, .inflate = op_inflate,
		.deflate = op_deflate, .report = op_report, .stats = op_stats };
	b->low_pages = low_pages;
	b->high_pages = high_pages;
	b->ram_pages = ram;
	b->target_pages = target / PAGE_BYTES;
	b->dropped = ram - b->target_pages;
	d->balloon = b;
	return populate_first(b, b->target_pages);
}

void balloon_domain_free(struct domain *d)
{
	struct balloon *b = d->balloon;

	if (!b)
		return;
	d->balloon = NULL;
	page_free(b->pa, b->order);
}

const struct virtio_balloon_ops *balloon_device_ops(struct domain *d)
{
	return d->balloon ? &d->balloon->ops : NULL;
}

int balloon_set_target(struct domain *d, uint64_t bytes)
{
	struct balloon *b = d->balloon;
	struct virtio_balloon *vb = linux_platform_balloon(d);

	if (!b || !vb)
		return -ENODEV;
	if (bytes % PAGE_BYTES || bytes < BALLOON_MIN_TARGET || bytes / PAGE_BYTES > b->ram_pages)
		return -EINVAL;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	uint64_t mf = spin_lock_irqsave(&d->mem_lock);
	b->target_pages = bytes / PAGE_BYTES;
	b->reached_logged = false;
	check_reached(b);
	spin_unlock_irqrestore(&d->mem_lock, mf);
	virtio_balloon_set_target(vb, (uint32_t)(b->ram_pages - b->target_pages));
	virtio_balloon_request_stats(vb);
	spin_unlock_irqrestore(&d->dev_lock, f);
	log_info("balloon: d%u '%s' target_kib=%lu (balloon %lu KiB)", d->id, d->cfg.name,
		 bytes >> 10, (b->ram_pages - b->target_pages) * 4);
	return 0;
}

int balloon_get(struct domain *d, struct balloon_info *out)
{
	struct balloon *b = d->balloon;
	struct virtio_balloon *vb = linux_platform_balloon(d);

	if (!b || !vb)
		return -ENODEV;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	uint64_t mf = spin_lock_irqsave(&d->mem_lock);
	*out = (struct balloon_info){
		.ram_pages = b->ram_pages, .target_pages = b->target_pages,
		.populated_pages = d->npt.owned_pages, .npt_table_pages = d->npt.table_pages,
		.ballooned_pages = b->ballooned,
		.dropped_pages = b->dropped, .guest_actual = vb->actual,
		.inflated = b->inflated, .deflated = b->deflated,
		.reported_pages = b->reported, .touched = b->touched,
		.refaulted = b->refaulted, .ignored = b->ignored, .pinned = b->pinned,
		.stats = b->stats,
		.stats_age_ns = b->stats_ns ? time_now_ns() - b->stats_ns : 0,
	};
	spin_unlock_irqrestore(&d->mem_lock, mf);
	virtio_balloon_request_stats(vb);
	spin_unlock_irqrestore(&d->dev_lock, f);
	return 0;
}

void balloon_print(struct domain *d)
{
	struct balloon_info i;

	if (balloon_get(d, &i))
		return;
	log_raw("balloon-state: d%u '%s' ram_kib=%lu target_kib=%lu populated_kib=%lu "
		"ballooned_kib=%lu dropped_kib=%lu actual_kib=%lu inflated=%lu deflated=%lu "
		"reported=%lu touched=%lu refaulted=%lu ignored=%lu pinned=%lu npt_tables_kib=%lu "
		"host_free_kib=%lu "
		"guest_free_kib=%lu guest_avail_kib=%lu guest_total_kib=%lu stats_updates=%lu\n",
		d->id, d->cfg.name, i.ram_pages * 4, i.target_pages * 4, i.populated_pages * 4,
		i.ballooned_pages * 4, i.dropped_pages * 4, (uint64_t)i.guest_actual * 4,
		i.inflated, i.deflated, i.reported_pages, i.touched, i.refaulted, i.ignored, i.pinned,
		i.npt_table_pages * 4, page_free_count() * 4, i.stats.val[VIRTIO_BALLOON_S_MEMFREE] >> 10,
		i.stats.val[VIRTIO_BALLOON_S_AVAIL] >> 10,
		i.stats.val[VIRTIO_BALLOON_S_MEMTOT] >> 10, i.stats.updates);
}
