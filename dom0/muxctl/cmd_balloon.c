/*
 * cmd_balloon.c - muxctl balloon (a Linux domain's balloon: show, set the
 * target) and the memory columns list and top share.
 *
 * Memory of a domain, as the hypervisor counts it (docs/balloon.md): the
 * ceiling is the RAM the guest sees; of it, each page is populated (host
 * memory), ballooned (in the guest's balloon, host memory free) or dropped
 * (reported free by the guest, or never touched). Test kernels and dom0
 * have no balloon: their memory is what DOMAIN_INFO says.
 */
#include <errno.h>
#include <stdlib.h>

#include "muxctl_cli.h"

void cli_read_mem(struct cli *c, const struct muxv_domain_info *d, struct cli_mem *m)
{
	m->balloon = d->kind == MUXV_KIND_LINUX && !(d->flags & MUXV_DOM_PRIVILEGED) &&
		     muxctl_balloon_get(c->h, d->domid, &m->b) == 0;
}

static unsigned long long mib(uint64_t pages)
{
	return (unsigned long long)(pages / MIB_PAGES);
}

static bool guest_free_known(const struct cli_mem *m)
{
	return m->balloon && (m->b.stats_valid & MUXV_BSTAT_FREE);
}

void cli_mem_text(const struct muxv_domain_info *d, const struct cli_mem *m)
{
	char target[24] = "-", balloon[24] = "-", gfree[24] = "-";
	if (m->balloon) {
		snprintf(target, sizeof target, "%llu", mib(m->b.target_pages));
		snprintf(balloon, sizeof balloon, "%llu", mib(m->b.ballooned_pages));
	}
	if (guest_free_known(m))
		snprintf(gfree, sizeof gfree, "%llu", (unsigned long long)(m->b.guest_free_bytes >> 20));
	printf(" %8llu %8llu %10s %11s %9s", mib(d->mem_pages), mib(d->mem_max_pages), target,
	       balloon, gfree);
}

void cli_mem_json(const struct muxv_domain_info *d, const struct cli_mem *m)
{
	printf(",\"mem_mib\":%llu,\"mem_max_mib\":%llu", mib(d->mem_pages), mib(d->mem_max_pages));
	if (m->balloon)
		printf(",\"mem_target_mib\":%llu,\"balloon_mib\":%llu", mib(m->b.target_pages),
		       mib(m->b.ballooned_pages));
	else
		printf(",\"mem_target_mib\":null,\"balloon_mib\":null");
	if (guest_free_known(m))
		printf(",\"guest_free_mib\":%llu", (unsigned long long)(m->b.guest_free_bytes >> 20));
	else
		printf(",\"guest_free_mib\":null");
}

/* A guest statistic: its value, or null / "-" when the guest never sent it. */
static void stat_json(const char *name, const struct muxv_balloon_info *b, uint32_t bit,
		      uint64_t v)
{
	if (b->stats_valid & bit)
		printf(",\"%s\":%llu", name, (unsigned long long)v);
	else
		printf(",\"%s\":null", name);
}

static void balloon_json(const struct muxv_domain_info *d, const struct muxv_balloon_info *b)
{
	printf("{\"id\":%u,\"name\":", d->domid);
	cli_json_str(stdout, d->name);
	printf(",\"ceiling_pages\":%llu,\"target_pages\":%llu,\"populated_pages\":%llu,"
	       "\"ballooned_pages\":%llu,\"dropped_pages\":%llu,\"actual_pages\":%llu,"
	       "\"npt_table_pages\":%llu,\"inflated\":%llu,\"deflated\":%llu,\"reported\":%llu,"
	       "\"touched\":%llu,\"refaulted\":%llu,\"ignored\":%llu,\"pinned\":%llu,"
	       "\"deflate_on_oom\":%s,\"stats_updates\":%llu,\"stats_age_ms\":%llu",
	       (unsigned long long)b->ceiling_pages, (unsigned long long)b->target_pages,
	       (unsigned long long)b->populated_pages, (unsigned long long)b->ballooned_pages,
	       (unsigned long long)b->dropped_pages, (unsigned long long)b->actual_pages,
	       (unsigned long long)b->npt_table_pages, (unsigned long long)b->inflated,
	       (unsigned long long)b->deflated, (unsigned long long)b->reported,
	       (unsigned long long)b->touched, (unsigned long long)b->refaulted,
	       (unsigned long long)b->ignored, (unsigned long long)b->pinned,
	       b->flags & MUXV_BINFO_DEFLATE_ON_OOM ? "true" : "false",
	       (unsigned long long)b->stats_updates,
	       (unsigned long long)(b->stats_age_ns / 1000000));
	stat_json("guest_free_bytes", b, MUXV_BSTAT_FREE, b->guest_free_bytes);
	stat_json("guest_available_bytes", b, MUXV_BSTAT_AVAIL, b->guest_available_bytes);
	stat_json("guest_total_bytes", b, MUXV_BSTAT_TOTAL, b->guest_total_bytes);
	stat_json("guest_caches_bytes", b, MUXV_BSTAT_CACHES, b->guest_caches_bytes);
	stat_json("guest_swap_in_bytes", b, MUXV_BSTAT_SWAP_IN, b->guest_swap_in_bytes);
	stat_json("guest_swap_out_bytes", b, MUXV_BSTAT_SWAP_OUT, b->guest_swap_out_bytes);
	stat_json("guest_major_faults", b, MUXV_BSTAT_MAJFLT, b->guest_major_faults);
	stat_json("guest_minor_faults", b, MUXV_BSTAT_MINFLT, b->guest_minor_faults);
	printf("}\n");
}

static void line_mib(const char *name, uint64_t pages)
{
	printf("%-13s %.1f MiB\n", name, (double)pages / MIB_PAGES);
}

static void line_stat(const char *name, const struct muxv_balloon_info *b, uint32_t bit,
		      uint64_t bytes)
{
	if (b->stats_valid & bit)
		printf("%-13s %.1f MiB\n", name, (double)bytes / (1 << 20));
	else
		printf("%-13s -\n", name);
}

static void balloon_text(const struct muxv_domain_info *d, const struct muxv_balloon_info *b)
{
	printf("domain:       %u %s\n", d->domid, d->name);
	line_mib("ceiling:", b->ceiling_pages);
	line_mib("target:", b->target_pages);
	line_mib("populated:", b->populated_pages);
	line_mib("ballooned:", b->ballooned_pages);
	line_mib("dropped:", b->dropped_pages);
	line_mib("driver_has:", b->actual_pages);
	printf("counters:     inflated=%llu deflated=%llu reported=%llu touched=%llu "
	       "refaulted=%llu ignored=%llu pinned=%llu (pages)\n",
	       (unsigned long long)b->inflated, (unsigned long long)b->deflated,
	       (unsigned long long)b->reported, (unsigned long long)b->touched,
	       (unsigned long long)b->refaulted, (unsigned long long)b->ignored,
	       (unsigned long long)b->pinned);
	line_stat("guest_free:", b, MUXV_BSTAT_FREE, b->guest_free_bytes);
	line_stat("guest_avail:", b, MUXV_BSTAT_AVAIL, b->guest_available_bytes);
	line_stat("guest_total:", b, MUXV_BSTAT_TOTAL, b->guest_total_bytes);
	if (b->flags & MUXV_BINFO_DEFLATE_ON_OOM)
		printf("              (deflate-on-OOM: the guest's total includes its balloon)\n");
	line_stat("guest_caches:", b, MUXV_BSTAT_CACHES, b->guest_caches_bytes);
	if (b->stats_updates)
		printf("guest_stats:  %llu received, the last %.1f s ago\n",
		       (unsigned long long)b->stats_updates, (double)b->stats_age_ns / 1e9);
	else
		printf("guest_stats:  none yet (the guest's balloon driver has sent nothing)\n");
}

int cmd_balloon(struct cli *c, int argc, char **argv)
{
	struct muxv_domain_info d;
	struct muxv_balloon_info b;
	uint64_t target = 0;
	uint32_t domid;
	int rc;
	if (argc < 2 || argc > 3)
		return cli_usage("balloon wants DOMAIN and optionally a target SIZE");
	if (argc == 3 && !cli_size(argv[2], &target))
		return cli_usage("balloon: SIZE wants a size like 256M or 1G, not '%s'", argv[2]);
	if ((rc = cli_domain(c, argv[1], &domid)))
		return rc;
	if ((rc = muxctl_domain_info(c->h, domid, &d)))
		return cli_fail(rc);
	if (argc == 3)
		rc = muxctl_balloon_set(c->h, domid, target);
	if (!rc)
		rc = muxctl_balloon_get(c->h, domid, &b);
	if (rc == -ENODEV)
		return cli_error(EXIT_REFUSED, "domain %u '%s' has no balloon (only Linux customer "
				 "domains have one)", domid, d.name);
	if (rc)
		return cli_fail(rc);
	if (c->json)
		balloon_json(&d, &b);
	else
		balloon_text(&d, &b);
	return EXIT_OK;
}
