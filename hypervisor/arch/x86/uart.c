/*
 * uart.c - the hypervisor's serial console on COM1, a 16550 UART.
 *
 * Polled output (no interrupts): a log line must reach the wire even with
 * interrupts off or in a panic. 115200 baud, 8N1, FIFOs on.
 */
#include <stdint.h>
#include <stdbool.h>
#include "hv/console.h"
#include "x86/io.h"

#define COM1 0x3f8

#define UART_THR 0   /* transmit holding (DLAB=0) */
#define UART_DLL 0   /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1   /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define  LSR_DR   0x01
#define  LSR_THRE 0x20
#define UART_RBR 0
#define  IER_RX   0x01
#define  MCR_OUT2 0x08   /* gates the UART's interrupt line on a PC */

static bool uart_present;

void console_init(void)
{
	outb(COM1 + UART_IER, 0x00);        /* no interrupts */
	outb(COM1 + UART_LCR, 0x80);        /* DLAB: set divisor */
	outb(COM1 + UART_DLL, 1);           /* 115200 = 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);        /* 8N1 */
	outb(COM1 + UART_FCR, 0x07);        /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);        /* DTR, RTS */
	/* A missing UART reads as all ones: then drop output, never spin. */
	uart_present = inb(COM1 + UART_LSR) != 0xff;
}

static void uart_putc(char c)
{
	for (unsigned spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void console_enable_rx_interrupt(void)
{
	if (!uart_present)
		return;
	outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RX);
}

bool console_read_byte(char *c)
{
	if (!uart_present || !(inb(COM1 + UART_LSR) & LSR_DR))
		return false;
	*c = (char)inb(COM1 + UART_RBR);
	return true;
}
