/*
 * uart16550.h - an 8250/16550A UART for a guest's console, on 8 I/O ports
 * (COM1: 0x3F8). A pure device model (hv/vdev.h); design at the top of
 * devices/uart16550.c.
 */
#ifndef HV_UART16550_H
#define HV_UART16550_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "hv/vdev.h"

#define UART16550_COM1_BASE   0x3F8
#define UART16550_PORT_COUNT  8
#define UART16550_FIFO_SIZE   16         /* the 16550A's receive FIFO */

/* Owned by the caller; fields private to uart16550.c. */
struct uart16550 {
	uint16_t base;
	const struct vdev_env *env;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	uint8_t lsr_err;               /* OE until LSR is read */
	uint8_t msr_status;            /* modem status inputs, bits 7:4 */
	uint8_t msr_delta;             /* bits 3:0 until MSR is read */
	bool thre_pending;             /* THR-empty interrupt not yet acknowledged */
	uint8_t rx[UART16550_FIFO_SIZE];
	uint8_t rx_head, rx_len, rx_last;
};

/* Puts the UART in its reset state at ports base..base+7. */
void uart16550_init(struct uart16550 *u, uint16_t base, const struct vdev_env *env);

/* The port range the owner registers (base, 8 ports, dev = u). */
struct vdev_pio uart16550_pio(struct uart16550 *u);

/* The port handlers (what uart16550_pio() points at). Accesses wider than
 * a byte act on consecutive registers, low byte first. */
uint32_t uart16550_in(void *u, uint16_t port, unsigned size);
void uart16550_out(void *u, uint16_t port, unsigned size, uint32_t val);

/*
 * Bytes from the line (the console's input) into the receive FIFO.
 * Returns how many were stored; when the FIFO fills, the rest are lost and
 * the overrun bit is set, as on the wire. Call uart16550_rx_room() first
 * to lose nothing. In loopback mode the receiver is cut off from the line
 * and nothing is taken.
 */
size_t uart16550_input(struct uart16550 *u, const char *bytes, size_t len);

/* Bytes uart16550_input() would store now without overrun. */
size_t uart16550_rx_room(const struct uart16550 *u);

/* Whether the UART has an interrupt pending (IIR bit 0 clear). */
bool uart16550_irq_pending(const struct uart16550 *u);

/* The interrupt line as a PC wires it: pending, gated by MCR OUT2, and
 * inactive in loopback mode. For the day the platform has an I/O APIC. */
bool uart16550_irq_line(const struct uart16550 *u);

#endif
