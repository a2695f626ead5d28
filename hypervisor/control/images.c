/*
 * images.c - the image calls: kernels and initrds uploaded by dom0 and
 * kept in hypervisor memory for the domains that boot them.
 */
#include "ctl.h"

uint64_t ctl_image_pages(void)
{
	return 0;
}
