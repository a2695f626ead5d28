/*
 * sched_entitle.c - the scheduler's entitlement function on the command
 * line, so that the QEMU scheduler tests and `make bench-sched` judge
 * measured shares with the very function the hypervisor and muxd use
 * (hypervisor/sched/entitlement.c), not a copy.
 *
 *   sched_entitle PCPUS weight,reservation,cap,vcpus,demand ...
 *
 * prints one line per domain: its entitlement in percent of one pCPU with
 * two decimals. Exit status 2 for bad arguments or input the function
 * refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sched/entitlement.h"

int main(int argc, char **argv)
{
	struct sched_entitle_in in[256];
	uint32_t out[256];
	unsigned n = 0;

	if (argc < 3 || argc - 2 > 256) {
		fprintf(stderr, "usage: %s PCPUS weight,reservation,cap,vcpus,demand ...\n", argv[0]);
		return 2;
	}
	unsigned pcpus = (unsigned)strtoul(argv[1], NULL, 10);
	for (int i = 2; i < argc; i++, n++) {
		if (sscanf(argv[i], "%u,%u,%u,%u,%u", &in[n].weight, &in[n].reservation,
			   &in[n].cap, &in[n].vcpus, &in[n].demand) != 5) {
			fprintf(stderr, "bad domain '%s'\n", argv[i]);
			return 2;
		}
	}
	if (sched_entitlement(in, n, pcpus, out)) {
		fprintf(stderr, "the entitlement function refused the input\n");
		return 2;
	}
	for (unsigned i = 0; i < n; i++)
		printf("%u.%02u\n", out[i] / 100, out[i] % 100);
	return 0;
}
