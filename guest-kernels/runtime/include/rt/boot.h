/*
 * rt/boot.h - the boot information the hypervisor handed over
 * (<muxvisor/guest_boot.h>), copied into the image at start-up so it
 * survives the boot area being reused.
 */
#ifndef RT_BOOT_H
#define RT_BOOT_H

#include <muxvisor/guest_boot.h>

/* The runtime's copy; valid once the runtime has started the test. */
const struct muxv_boot_info *rt_boot_info(void);

#endif
