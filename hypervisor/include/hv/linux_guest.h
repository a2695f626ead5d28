/*
 * linux_guest.h - building a Linux domain: an unmodified bzImage booted
 * with the 64-bit boot protocol on the Muxvisor platform (docs/
 * guest-platform.md): RAM with the PC's low hole, firmware tables the
 * hypervisor writes (ACPI, E820), the kernel, initrd and command line in
 * place, vCPU 0 at the kernel's 64-bit entry and the others waiting for
 * STARTUP IPIs, and the platform's devices.
 */
#ifndef HV_LINUX_GUEST_H
#define HV_LINUX_GUEST_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/* Guest-physical layout constants of the Linux platform. */
#define LINUX_HOLE_START     0xc0000000ull   /* RAM stops here below 4 GiB */
#define LINUX_PCI_MMIO32     0xc0000000u     /* 32-bit BAR window */
#define LINUX_PCI_MMIO32_END 0xfec00000u
#define LINUX_PCI_MMIO64     0x8000000000ull /* 64-bit BAR window, 512 GiB */
#define LINUX_PCI_MMIO64_SIZE 0x1000000000ull

extern const struct domain_loader linux_guest_loader;

/* The platform's devices (linux_platform.c). */
int linux_platform_create(struct domain *d);
void linux_platform_destroy(struct domain *d);
/* Console input for the guest's ttyS0, buffered (1 KiB) until the UART
 * has room. Returns the bytes taken; beyond the buffer they are dropped. */
/* Delivers an MSI message to d's vCPUs as the platform's devices do
 * (forwarded physical interrupts of dom0's devices). Any context. */
void linux_platform_msi(struct domain *d, uint64_t address, uint32_t data);
size_t linux_platform_input(struct domain *d, const char *buf, size_t len);
/* Bytes linux_platform_input() would take now (0 without a platform). */
size_t linux_platform_input_room(struct domain *d);
/* The domain's virtio-balloon device, or NULL (none). */
struct virtio_balloon *linux_platform_balloon(struct domain *d);

#endif
