/*
 * virtio_console.h - a virtio console with one port (virtio 1.2, 5.3
 * "Console Device"), on the virtio-pci transport. Design at the top of
 * devices/virtio_console.c.
 */
#ifndef HV_VIRTIO_CONSOLE_H
#define HV_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "hv/virtio_pci.h"

#define VIRTIO_ID_CONSOLE            3

/* Feature bits (5.3.3). Only EMERG_WRITE is offered. */
#define VIRTIO_CONSOLE_F_SIZE        0
#define VIRTIO_CONSOLE_F_MULTIPORT   1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* Queues without MULTIPORT (5.3.2). */
#define VIRTIO_CONSOLE_RX_QUEUE      0     /* receiveq(port0): guest input */
#define VIRTIO_CONSOLE_TX_QUEUE      1     /* transmitq(port0): guest output */

#define VIRTIO_CONSOLE_QUEUE_SIZE    128
#define VIRTIO_CONSOLE_INPUT_SIZE    4096  /* bytes of input kept for the guest */
#define VIRTIO_CONSOLE_TX_MAX        65536 /* bytes of one transmit buffer shown */

/* Device configuration layout (5.3.4). */
struct virtio_console_config {
	uint16_t cols;                 /* with F_SIZE */
	uint16_t rows;                 /* with F_SIZE */
	uint32_t max_nr_ports;         /* with F_MULTIPORT */
	uint32_t emerg_wr;             /* with F_EMERG_WRITE: write-only */
};
_Static_assert(sizeof(struct virtio_console_config) == 12, "console config is 12 bytes");
_Static_assert(offsetof(struct virtio_console_config, max_nr_ports) == 4, "max_nr_ports");
_Static_assert(offsetof(struct virtio_console_config, emerg_wr) == 8, "emerg_wr");

/* Owned by the caller. vp is what the owner wires (virtio_pci_set_bar,
 * virtio_pci_fn, virtio_pci_mmio); the rest is private. */
struct virtio_console {
	struct virtio_pci vp;
	uint8_t in[VIRTIO_CONSOLE_INPUT_SIZE];  /* ring of pending input */
	uint32_t in_head, in_len;
};

/* Sets the device up (PCI reset state, no pending input). 0 or -EINVAL. */
int virtio_console_init(struct virtio_console *vc, const struct vdev_env *env);

/*
 * Queues up to len bytes of input for the guest and hands as many as the
 * guest has receive buffers for to it at once. Returns the bytes taken
 * (fewer than len when VIRTIO_CONSOLE_INPUT_SIZE are already waiting: the
 * caller keeps the rest and offers it again later).
 */
size_t virtio_console_input(struct virtio_console *vc, const char *bytes, size_t len);

/* How many more bytes virtio_console_input() would take now. */
size_t virtio_console_input_room(const struct virtio_console *vc);

#endif
