/*
 * test_balloon.c - host unit tests of the balloon's memory side
 * (domain/balloon.c) over the real nested page table code and buddy
 * allocator on a fake physical arena, with the real virtio-balloon device
 * for set/get: inflate frees populated pages to the pool (after a TLB
 * shoot-down), deflate maps fresh zeroed pages, free page reports drop
 * pages, touches repopulate, pre-ballooned starts, and the hostile cases
 * (PFNs and ranges outside RAM, duplicates, deflates of pages not in the
 * balloon, reports of ballooned pages), and pages dom0 maps (MEM_MAP)
 * never leaving the domain. After every step the accounting
 * must be exact: populated + ballooned + dropped == RAM, and pool free +
 * populated + table pages constant.
 */
#include "test_virtio_guest.h"
#include "../core/page_alloc.c"
#include "../arch/x86/pagetable.c"
#include "../arch/x86/npt.c"
#include "../devices/virtqueue.c"
#include "../devices/virtio_pci.c"
#include "../devices/virtio_pci_common.c"
#include "../devices/virtio_pci_msix.c"
#include "../devices/virtio_balloon.c"
#include "../domain/balloon.c"

#define TEST_POOL_ARENA (96ull << 20)
#include "test_page_pool.h"

#define MIB    (1ull << 20)
#define GIB    (1ull << 30)

static struct domain dom;
static struct virtio_balloon vb;
static bool have_device;
static unsigned flushes, crashes;
static char crash_reason[160];

void npt_flush_domain(struct domain *d)
{
	d->npt.flush_gen++;
	flushes++;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	(void)d;
	crashes++;
	va_start(ap, fmt);
	vsnprintf(crash_reason, sizeof(crash_reason), fmt, ap);
	va_end(ap);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void log_raw(const char *fmt, ...)
{
	(void)fmt;
}

uint64_t time_now_ns(void)
{
	return 1000;
}

/* The control side's map table, reduced to one range of gfns dom0 maps. */
static uint64_t mapped_first, mapped_count;

bool ctl_mem_gfn_mapped(const struct domain *d, uint64_t gfn)
{
	(void)d;
	return gfn >= mapped_first && gfn - mapped_first < mapped_count;
}

struct virtio_balloon *linux_platform_balloon(struct domain *d)
{
	(void)d;
	return have_device ? &vb : NULL;
}

static uint64_t pool_start;

/* A fresh pool and a domain with RAM [0, low) + [4 GiB, high), target
 * bytes populated. */
static void setup(uint64_t low, uint64_t high, uint64_t target)
{
	tg_reset();
	test_pool_setup();
	pool_start = test_pool.free_frames;
	memset(&dom, 0, sizeof(dom));
	strcpy(dom.cfg.name, "t");
	dom.cfg.mem_bytes = low + (high ? high - 4 * GIB : 0);
	flushes = crashes = 0;
	crash_reason[0] = 0;
	have_device = false;
	mapped_first = mapped_count = 0;
	if (npt_create(&dom.npt) || balloon_domain_init(&dom, low, high, target))
		unit_failf("setup failed");
}

static void teardown(void)
{
	npt_destroy(&dom.npt);
	balloon_domain_free(&dom);
	if (test_pool.free_frames != pool_start)
		unit_failf("%llu pages leaked", (unsigned long long)(pool_start - test_pool.free_frames));
}

/* The two invariants. */
static void check_exact(const char *when)
{
	struct balloon *b = dom.balloon;
	uint64_t sum = dom.npt.owned_pages + b->ballooned + b->dropped;
	uint64_t state_pages = 1ull << b->order;

	if (sum != b->ram_pages)
		unit_failf("%s: populated %llu + ballooned %llu + dropped %llu != ram %llu", when,
			   (unsigned long long)dom.npt.owned_pages, (unsigned long long)b->ballooned,
			   (unsigned long long)b->dropped, (unsigned long long)b->ram_pages);
	else if (test_pool.free_frames + dom.npt.owned_pages + dom.npt.table_pages + state_pages !=
		 pool_start)
		unit_failf("%s: pool free %llu + populated + tables does not add up", when,
			   (unsigned long long)test_pool.free_frames);
}

static int inflate(const uint32_t *pfns, unsigned n)
{
	return dom.balloon->ops.inflate(dom.balloon, pfns, n);
}

static int deflate(const uint32_t *pfns, unsigned n)
{
	return dom.balloon->ops.deflate(dom.balloon, pfns, n);
}

static int report(uint64_t gpa, uint64_t len)
{
	return dom.balloon->ops.report(dom.balloon, gpa, len);
}

static uint8_t *host(uint64_t gpa)
{
	uint64_t hpa = npt_translate(&dom.npt, gpa);

	return hpa == NPT_NONE ? NULL : phys_to_virt(hpa);
}

static void test_inflate_deflate(void)
{
	uint32_t pfns[64];

	unit_begin("balloon_inflate_frees_deflate_zeroes");
	setup(32 * MIB, 0, 32 * MIB);
	check_exact("start");
	UNIT_CHECK(dom.balloon->dropped == 0 && dom.npt.owned_pages == 8192);
	memset(host(0x300000), 0x5a, 4096);
	for (unsigned i = 0; i < 64; i++)
		pfns[i] = 0x300 + i;                  /* inside a 2 MiB mapping */
	uint64_t free0 = test_pool.free_frames;
	UNIT_CHECK(inflate(pfns, 64) == 0);
	UNIT_CHECK(flushes == 1 && dom.balloon->ballooned == 64);
	UNIT_CHECK(host(0x300000) == NULL && host(0x33f000) == NULL && host(0x340000) != NULL);
	/* 64 pages back, one table page spent on splitting the mapping. */
	UNIT_CHECK(test_pool.free_frames == free0 + 64 - 1);
	check_exact("inflate");
	/* A duplicate changes nothing. */
	UNIT_CHECK(inflate(pfns, 1) == 0);
	UNIT_CHECK(dom.balloon->ballooned == 64 && dom.balloon->ignored == 1);
	/* Deflate: a fresh zeroed page, taken from the pool at once. */
	free0 = test_pool.free_frames;
	UNIT_CHECK(deflate(pfns, 1) == 0);
	UNIT_CHECK(host(0x300000) && host(0x300000)[0] == 0 && host(0x300000)[4095] == 0);
	UNIT_CHECK(test_pool.free_frames == free0 - 1 && dom.balloon->ballooned == 63);
	/* A deflate of a page not in the balloon is ignored. */
	UNIT_CHECK(deflate(pfns, 1) == 0 && dom.balloon->ignored == 2);
	check_exact("deflate");
	/* A touch of a ballooned page takes it out of the balloon. */
	UNIT_CHECK(balloon_fault(&dom, 0x301123) == 0);
	UNIT_CHECK(host(0x301000) && dom.balloon->ballooned == 62 && dom.balloon->touched == 1);
	UNIT_CHECK(balloon_fault(&dom, 0x301000) == 0);          /* already there */
	UNIT_CHECK(balloon_fault(&dom, 32 * MIB) == -ENOENT);
	UNIT_CHECK(balloon_fault(&dom, 4 * GIB) == -ENOENT);
	check_exact("touch");
	UNIT_CHECK(crashes == 0);
	teardown();
	unit_end();
}

static void test_report(void)
{
	uint32_t pfn = 0x401;

	unit_begin("balloon_free_page_report_drops_pages");
	setup(32 * MIB, 0, 32 * MIB);
	UNIT_CHECK(inflate(&pfn, 1) == 0);
	uint64_t free0 = test_pool.free_frames;
	UNIT_CHECK(report(0x400000, 0x200000) == 0);          /* holds the ballooned page */
	UNIT_CHECK(dom.balloon->dropped == 511 && dom.balloon->reported == 511);
	UNIT_CHECK(dom.balloon->ignored == 1 && test_pool.free_frames == free0 + 511);
	UNIT_CHECK(host(0x400000) == NULL && host(0x5ff000) == NULL && host(0x600000));
	check_exact("report");
	/* Reported twice: nothing more to drop. */
	UNIT_CHECK(report(0x400000, 0x200000) == 0 && dom.balloon->dropped == 511);
	/* A touch populates a dropped page again, zeroed. */
	UNIT_CHECK(balloon_fault(&dom, 0x402000) == 0 && host(0x402000)[7] == 0);
	UNIT_CHECK(dom.balloon->refaulted == 1 && dom.balloon->dropped == 510);
	/* Inflating a dropped page moves it into the balloon; no page moves. */
	pfn = 0x403;
	free0 = test_pool.free_frames;
	UNIT_CHECK(inflate(&pfn, 1) == 0 && test_pool.free_frames == free0);
	UNIT_CHECK(dom.balloon->dropped == 509 && dom.balloon->ballooned == 2);
	check_exact("after touches");
	UNIT_CHECK(crashes == 0);
	teardown();
	unit_end();
}

/* Pages dom0 maps through MEM_MAP stay populated, at the same host page,
 * through inflates and free page reports; the others around them go. */
static void test_dom0_mapped(void)
{
	uint32_t pfns[4] = { 0x500, 0x501, 0x502, 0x503 };

	unit_begin("balloon_leaves_dom0_mapped_pages");
	setup(32 * MIB, 0, 32 * MIB);
	mapped_first = 0x501;
	mapped_count = 2;
	uint64_t hpa = npt_translate(&dom.npt, 0x501000);
	UNIT_CHECK(inflate(pfns, 4) == 0);
	UNIT_CHECK(dom.balloon->ballooned == 2 && dom.balloon->pinned == 2);
	UNIT_CHECK(host(0x500000) == NULL && host(0x503000) == NULL);
	UNIT_CHECK(npt_translate(&dom.npt, 0x501000) == hpa && host(0x502000));
	check_exact("inflate");
	UNIT_CHECK(report(0x400000, 0x200000) == 0);
	UNIT_CHECK(dom.balloon->pinned == 4 && dom.balloon->dropped == 512 - 4);
	UNIT_CHECK(npt_translate(&dom.npt, 0x501000) == hpa && host(0x502000));
	check_exact("report");
	/* Unmapped by dom0: the next inflate takes it. */
	mapped_count = 0;
	UNIT_CHECK(inflate(&pfns[1], 1) == 0 && host(0x501000) == NULL);
	UNIT_CHECK(dom.balloon->ballooned == 3);
	check_exact("after unmap");
	UNIT_CHECK(crashes == 0);
	teardown();
	unit_end();
}

/* PFNs and ranges that are not the domain's RAM: crashed with a reason,
 * and nothing outside RAM is touched. */
static void test_hostile(void)
{
	uint32_t pfns[3] = { 0x10, 0x7fffffff, 0x11 };

	unit_begin("balloon_hostile_requests");
	setup(32 * MIB, 0, 32 * MIB);
	uint64_t free0 = test_pool.free_frames;
	UNIT_CHECK(inflate(pfns, 3) == -EINVAL && crashes == 1);
	UNIT_CHECK(strstr(crash_reason, "0x7fffffff") != NULL);
	UNIT_CHECK(dom.balloon->ballooned == 1 && host(0x11000) != NULL);  /* stopped there */
	UNIT_CHECK(test_pool.free_frames == free0 + 1 - 1);      /* one page back, one split table */
	check_exact("bad inflate");
	uint32_t outside = 32 * MIB / 4096;                  /* first page past RAM */
	UNIT_CHECK(deflate(&outside, 1) == -EINVAL && crashes == 2);
	UNIT_CHECK(report(0x1000, 0x800) == -EINVAL);        /* not whole pages */
	UNIT_CHECK(report(0x1001000, 0x1000) == 0);
	UNIT_CHECK(report(31 * MIB, 2 * MIB) == -EINVAL);    /* runs past RAM */
	UNIT_CHECK(report(0, 0) == -EINVAL);
	UNIT_CHECK(report(UINT64_MAX & ~0xfffull, 0x2000) == -EINVAL);
	UNIT_CHECK(crashes == 6);
	check_exact("bad reports");
	teardown();
	unit_end();
}

/* A pre-ballooned domain with RAM above 4 GiB: only the target is
 * populated; the rest is dropped and populated on touch. */
static void test_preballooned_high_ram(void)
{
	uint32_t hi = (uint32_t)((4 * GIB + 20 * MIB) >> 12);

	unit_begin("balloon_preballooned_with_high_ram");
	setup(16 * MIB, 4 * GIB + 32 * MIB, 24 * MIB);
	UNIT_CHECK(dom.balloon->ram_pages == 12288 && dom.npt.owned_pages == 6144);
	UNIT_CHECK(dom.balloon->dropped == 6144);
	UNIT_CHECK(host(4 * GIB + 8 * MIB - 4096) != NULL && host(4 * GIB + 8 * MIB) == NULL);
	check_exact("start");
	UNIT_CHECK(inflate(&hi, 1) == 0 && dom.balloon->ballooned == 1);
	UNIT_CHECK(balloon_fault(&dom, 4 * GIB + 30 * MIB) == 0);
	UNIT_CHECK(balloon_fault(&dom, 4 * GIB + 32 * MIB) == -ENOENT);
	UNIT_CHECK(balloon_fault(&dom, 16 * MIB) == -ENOENT);    /* the hole */
	check_exact("high");
	UNIT_CHECK(crashes == 0);
	teardown();
	/* Targets out of range are refused. */
	test_pool_setup();
	memset(&dom, 0, sizeof(dom));
	UNIT_CHECK(npt_create(&dom.npt) == 0);
	UNIT_CHECK(balloon_domain_init(&dom, 32 * MIB, 0, 8 * MIB) == -EINVAL);
	UNIT_CHECK(balloon_domain_init(&dom, 32 * MIB, 0, 33 * MIB) == -EINVAL);
	UNIT_CHECK(balloon_domain_init(&dom, 32 * MIB, 0, 20 * MIB + 1) == -EINVAL);
	UNIT_CHECK(dom.balloon == NULL);
	npt_destroy(&dom.npt);
	unit_end();
}

static void test_set_get(void)
{
	struct balloon_info info;

	unit_begin("balloon_set_target_and_get");
	setup(64 * MIB, 0, 64 * MIB);
	UNIT_CHECK(balloon_set_target(&dom, 32 * MIB) == -ENODEV);
	UNIT_CHECK(virtio_balloon_init(&vb, &tg_env, balloon_device_ops(&dom)) == 0);
	have_device = true;
	UNIT_CHECK(balloon_set_target(&dom, 8 * MIB) == -EINVAL);
	UNIT_CHECK(balloon_set_target(&dom, 65 * MIB) == -EINVAL);
	UNIT_CHECK(balloon_set_target(&dom, 32 * MIB + 1) == -EINVAL);
	UNIT_CHECK(balloon_set_target(&dom, 48 * MIB) == 0);
	UNIT_CHECK(vb.num_pages == 4096);
	UNIT_CHECK(balloon_get(&dom, &info) == 0);
	UNIT_CHECK(info.ram_pages == 16384 && info.target_pages == 12288);
	UNIT_CHECK(info.populated_pages == 16384 && info.ballooned_pages == 0);
	UNIT_CHECK(info.dropped_pages == 0 && info.stats.updates == 0);
	teardown();
	unit_end();
}

int main(void)
{
	test_inflate_deflate();
	test_report();
	test_dom0_mapped();
	test_hostile();
	test_preballooned_high_ram();
	test_set_get();
	test_phys_fini();
	return unit_exit_code();
}
