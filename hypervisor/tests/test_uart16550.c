/*
 * test_uart16550.c - host unit tests of the 16550A model
 * (devices/uart16550.c): the probe Linux's 8250 driver runs (autoconfig,
 * the 16550A variant checks, the start-up THRE tests) must find a 16550A;
 * loopback, the divisor latch, FIFO overrun, IIR priorities, polling-style
 * transmit and receive, and random accesses.
 */
#include "hv_test_util.h"
#include "../devices/uart16550.c"

#define BASE 0x3F8

static char out[4096];
static size_t nout;

static void console_out(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len && nout < sizeof(out); i++)
		out[nout++] = buf[i];
}

static const struct vdev_env env = { .console_out = console_out };
static struct uart16550 uart;

static uint8_t in(unsigned reg)
{
	return (uint8_t)uart16550_in(&uart, (uint16_t)(BASE + reg), 1);
}

static void outb(unsigned reg, uint8_t v)
{
	uart16550_out(&uart, (uint16_t)(BASE + reg), 1, v);
}

static void setup(void)
{
	uart16550_init(&uart, BASE, &env);
	nout = 0;
}

static void test_reset_state(void)
{
	unit_begin("uart_reset_state");
	setup();
	UNIT_CHECK(in(REG_IER) == 0 && in(REG_IIR_FCR) == 0x01 && in(REG_LCR) == 0);
	UNIT_CHECK(in(REG_MCR) == 0 && in(REG_LSR) == 0x60);
	UNIT_CHECK(in(REG_MSR) == 0xB0);                            /* CTS, DSR, DCD */
	struct vdev_pio p = uart16550_pio(&uart);
	UNIT_CHECK(p.base == BASE && p.count == 8 && p.dev == &uart);
	UNIT_CHECK(!uart16550_irq_pending(&uart));
	unit_end();
}

/*
 * The checks Linux's autoconfig() and autoconfig_16550a() make, in their
 * order, with the outcome each one decides. Returns a name for the type.
 */
static const char *linux_probe(void)
{
	uint8_t save_ier, ier_a, ier_b, save_mcr, save_lcr, msr, iir, mcr, excr;

	/* Is anything there: IER holds 0 and 0x0F (low nibble compared). */
	save_ier = in(REG_IER);
	outb(REG_IER, 0);
	ier_a = in(REG_IER) & 0x0F;
	outb(REG_IER, 0x0F);
	ier_b = in(REG_IER) & 0x0F;
	outb(REG_IER, save_ier);
	if (ier_a != 0 || ier_b != 0x0F)
		return "nothing (IER)";
	/* Loopback: LOOP | OUT2 | RTS must read CTS | DCD. */
	save_mcr = in(REG_MCR);
	save_lcr = in(REG_LCR);
	outb(REG_MCR, 0x10 | 0x0A);
	msr = in(REG_MSR) & 0xF0;
	outb(REG_MCR, save_mcr);
	if (msr != 0x90)
		return "nothing (loopback)";
	/* Clear a would-be EFR, then turn the FIFO on and look at IIR 7:6. */
	outb(REG_LCR, 0xBF);
	outb(2, 0);
	outb(REG_LCR, 0);
	outb(REG_IIR_FCR, 0x01);
	iir = in(REG_IIR_FCR);
	if (iir >> 6 == 0)
		return "8250/16450";
	if (iir >> 6 != 3)
		return "16550 or unknown";
	/* 16550A variants: an EFR reading 0 under either LCR value. */
	outb(REG_LCR, 0x80);
	if (in(2) == 0)
		return "EFR under DLAB (16650/FSL)";
	outb(REG_LCR, 0xBF);
	if (in(2) == 0)
		return "EFR (16650V2/16850/16C950)";
	/* National Semiconductor: EXCR1 bit 4 follows MCR LOOP. */
	outb(REG_LCR, 0);
	mcr = in(REG_MCR);
	outb(REG_LCR, 0xE0);
	excr = in(2);
	if (!((excr ^ mcr) & 0x10)) {
		outb(REG_LCR, 0);
		outb(REG_MCR, mcr ^ 0x10);
		outb(REG_LCR, 0xE0);
		excr = in(2);
		outb(REG_LCR, 0);
		outb(REG_MCR, mcr);
		if ((excr ^ mcr) & 0x10)
			return "NS16550A";
	}
	/* TI 16750: IIR bit 5 with the 64-byte FIFO bit, with DLAB. */
	outb(REG_LCR, 0);
	outb(REG_IIR_FCR, 0x21);
	uint8_t s1 = in(REG_IIR_FCR) >> 5;
	outb(REG_IIR_FCR, 0x01);
	outb(REG_LCR, 0x80);
	outb(REG_IIR_FCR, 0x21);
	uint8_t s2 = in(REG_IIR_FCR) >> 5;
	outb(REG_IIR_FCR, 0x01);
	outb(REG_LCR, 0);
	if (s1 == 6 && s2 == 7)
		return "16750";
	/* XScale: IER bit 6 (UUE) sticks. */
	save_ier = in(REG_IER);
	outb(REG_IER, save_ier & ~0x40);
	if (!(in(REG_IER) & 0x40)) {
		outb(REG_IER, save_ier | 0x40);
		if (in(REG_IER) & 0x40)
			return "XScale";
	}
	outb(REG_IER, save_ier);
	/* FIFO depth in loopback: 64 would be a U6 16550A. */
	uint8_t old_lcr = in(REG_LCR);
	outb(REG_LCR, 0);
	outb(REG_IIR_FCR, 0x07);
	uint8_t old_mcr = in(REG_MCR);
	outb(REG_MCR, 0x10);
	outb(REG_LCR, 0x80);
	uint8_t dl_lo = in(0), dl_hi = in(1);
	outb(0, 1);
	outb(1, 0);
	outb(REG_LCR, 0x03);
	for (int i = 0; i < 256; i++)
		outb(0, (uint8_t)i);
	int count = 0;
	while ((in(REG_LSR) & 0x01) && count < 256) {
		in(0);
		count++;
	}
	outb(REG_IIR_FCR, 0x01);
	outb(REG_MCR, old_mcr);
	outb(REG_LCR, 0x80);
	outb(0, dl_lo);
	outb(1, dl_hi);
	outb(REG_LCR, old_lcr);
	if (count == 64)
		return "U6 16550A";
	if (count != 16)
		return "16550A with an odd FIFO";
	outb(REG_LCR, save_lcr);
	/* Reset as autoconfig() ends: MCR, clear FIFOs, read RX, IER 0. */
	outb(REG_MCR, save_mcr);
	outb(REG_IIR_FCR, 0x01);
	outb(REG_IIR_FCR, 0x07);
	outb(REG_IIR_FCR, 0);
	in(0);
	outb(REG_IER, 0);
	return "16550A";
}

static void test_linux_autoconfig(void)
{
	const char *type;

	unit_begin("uart_linux_autoconfig_16550a");
	setup();
	type = linux_probe();
	if (strcmp(type, "16550A") != 0)
		unit_failf("probe found %s", type);
	UNIT_CHECK(nout == 0);                                     /* loopback stayed off the line */
	UNIT_CHECK(in(REG_LSR) == 0x60 && in(REG_MCR) == 0 && in(REG_LCR) == 0);
	/* A second probe (the driver may run it again) finds the same. */
	type = linux_probe();
	UNIT_CHECK(strcmp(type, "16550A") == 0);
	unit_end();
}

/* serial8250_do_startup(): the THRE re-assert test and the TXEN test. */
static void test_linux_startup(void)
{
	uint8_t iir1, iir2, lsr;

	unit_begin("uart_linux_startup_thre");
	setup();
	outb(REG_IIR_FCR, 0x01);
	outb(REG_IIR_FCR, 0x07);
	outb(REG_IIR_FCR, 0);
	in(REG_LSR);
	in(0);
	in(REG_IIR_FCR);
	in(REG_MSR);
	UNIT_CHECK(in(REG_LSR) != 0xFF);
	outb(REG_IER, 0x02);
	iir1 = in(REG_IIR_FCR);
	outb(REG_IER, 0);
	outb(REG_IER, 0x02);
	iir2 = in(REG_IIR_FCR);
	outb(REG_IER, 0);
	UNIT_CHECK(!(iir1 & 1) && !(iir2 & 1));                     /* THRE re-asserts */
	outb(REG_LCR, 0x03);
	outb(REG_IER, 0x02);
	lsr = in(REG_LSR);
	iir1 = in(REG_IIR_FCR);
	outb(REG_IER, 0);
	UNIT_CHECK((lsr & 0x40) && (iir1 & 0x0F) == 0x02);          /* no TXEN bug */
	unit_end();
}

static void test_loopback(void)
{
	unit_begin("uart_loopback");
	setup();
	outb(REG_IIR_FCR, 0x01);
	outb(REG_MCR, 0x10);
	in(REG_MSR);
	outb(0, 'x');
	outb(0, 'y');
	UNIT_CHECK(nout == 0);
	UNIT_CHECK(in(REG_LSR) & 0x01);
	UNIT_CHECK(in(0) == 'x' && in(0) == 'y' && !(in(REG_LSR) & 0x01));
	UNIT_CHECK(uart16550_input(&uart, "zz", 2) == 0 && uart16550_rx_room(&uart) == 0);
	/* Each output drives one input; deltas follow. */
	outb(REG_MCR, 0x10 | 0x01);
	UNIT_CHECK(in(REG_MSR) == (0x20 | 0x02));                   /* DSR, DDSR */
	outb(REG_MCR, 0x10 | 0x02);
	UNIT_CHECK(in(REG_MSR) == (0x10 | 0x01 | 0x02));            /* CTS; DCTS, DDSR */
	outb(REG_MCR, 0x10 | 0x04);
	UNIT_CHECK(in(REG_MSR) == (0x40 | 0x01));                   /* RI; DCTS */
	outb(REG_MCR, 0x10 | 0x08);
	UNIT_CHECK(in(REG_MSR) == (0x80 | 0x04 | 0x08));            /* DCD; TERI, DDCD */
	UNIT_CHECK(in(REG_MSR) == 0x80);                            /* deltas cleared */
	/* A modem status interrupt when enabled. */
	outb(REG_IER, 0x08);
	outb(REG_MCR, 0x10);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x00);
	in(REG_MSR);
	UNIT_CHECK(in(REG_IIR_FCR) & 0x01);
	/* Leaving loopback: the line is back. */
	outb(REG_MCR, 0x0B);
	UNIT_CHECK((in(REG_MSR) & 0xF0) == 0xB0);
	outb(0, 'o');
	UNIT_CHECK(nout == 1 && out[0] == 'o');
	UNIT_CHECK(uart16550_input(&uart, "k", 1) == 1 && in(0) == 'k');
	unit_end();
}

static void test_divisor_latch(void)
{
	unit_begin("uart_divisor_latch");
	setup();
	outb(REG_IER, 0x05);
	outb(REG_LCR, 0x80 | 0x03);
	UNIT_CHECK(in(0) == 12 && in(1) == 0);
	outb(0, 0x01);
	outb(1, 0x02);
	UNIT_CHECK(in(0) == 0x01 && in(1) == 0x02 && nout == 0);
	UNIT_CHECK(uart16550_in(&uart, BASE, 2) == 0x0201);         /* word access */
	outb(REG_LCR, 0x03);
	UNIT_CHECK(in(REG_IER) == 0x05 && in(REG_LCR) == 0x03);
	outb(0, 'A');
	UNIT_CHECK(nout == 1 && out[0] == 'A');
	outb(REG_LCR, 0x80);
	UNIT_CHECK(in(0) == 0x01 && in(1) == 0x02);
	/* FCR is written whatever DLAB says. */
	outb(REG_IIR_FCR, 0x01);
	UNIT_CHECK((in(REG_IIR_FCR) & 0xC0) == 0xC0);
	unit_end();
}

static void test_fifo_overrun(void)
{
	char lots[20];

	unit_begin("uart_fifo_overrun");
	setup();
	for (int i = 0; i < 20; i++)
		lots[i] = (char)('a' + i);
	outb(REG_IIR_FCR, 0x01);
	UNIT_CHECK(uart16550_rx_room(&uart) == 16);
	UNIT_CHECK(uart16550_input(&uart, lots, 20) == 16);
	UNIT_CHECK(uart16550_rx_room(&uart) == 0);
	outb(REG_IER, 0x05);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x06);               /* line status first */
	UNIT_CHECK(in(REG_LSR) == (0x60 | 0x02 | 0x01));
	UNIT_CHECK(in(REG_LSR) == (0x60 | 0x01));                   /* OE cleared by the read */
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x04);               /* 16 >= trigger 1 */
	for (int i = 0; i < 16; i++)
		if (in(0) != 'a' + i)
			unit_failf("byte %d", i);
	UNIT_CHECK(in(REG_LSR) == 0x60 && (in(REG_IIR_FCR) & 0x01));
	/* Trigger 8: below it, the timeout identification. */
	outb(REG_IIR_FCR, 0x81);
	uart16550_input(&uart, lots, 3);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x0C);
	uart16550_input(&uart, lots, 5);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x04);
	/* Clearing the receive FIFO. */
	outb(REG_IIR_FCR, 0x83);
	UNIT_CHECK(!(in(REG_LSR) & 0x01));
	/* 16450 mode: one byte, then overrun. */
	outb(REG_IIR_FCR, 0);
	UNIT_CHECK((in(REG_IIR_FCR) & 0xC0) == 0);
	UNIT_CHECK(uart16550_input(&uart, "pq", 2) == 1);
	UNIT_CHECK(in(REG_LSR) == (0x60 | 0x02 | 0x01) && in(0) == 'p');
	UNIT_CHECK(in(0) == 'p');                                   /* empty RBR repeats */
	unit_end();
}

/* How Linux's polled port runs: IIR on a timer, then LSR/RBR/THR. */
static void test_polled_io(void)
{
	char got[8];
	int n = 0;

	unit_begin("uart_polled_io");
	setup();
	outb(REG_LCR, 0x03);
	outb(REG_IIR_FCR, 0x81);
	outb(REG_IER, 0x05);
	UNIT_CHECK(in(REG_IIR_FCR) == 0xC1);
	uart16550_input(&uart, "ok\n", 3);
	uint8_t iir = in(REG_IIR_FCR);
	UNIT_CHECK(!(iir & 0x01));
	while ((in(REG_LSR) & 0x01) && n < 8)
		got[n++] = (char)in(0);
	UNIT_CHECK(n == 3 && memcmp(got, "ok\n", 3) == 0);
	/* Transmit: THRI enabled, IIR shows it, writing THR re-arms it. */
	outb(REG_IER, 0x07);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x02);
	UNIT_CHECK(in(REG_IIR_FCR) == 0xC1);                        /* acknowledged */
	for (const char *s = "login: "; *s; s++)
		outb(0, (uint8_t)*s);
	UNIT_CHECK(nout == 7 && memcmp(out, "login: ", 7) == 0);
	/* The interrupt line needs OUT2 and no loopback. */
	UNIT_CHECK(uart16550_irq_pending(&uart) && !uart16550_irq_line(&uart));
	outb(REG_MCR, 0x08);
	UNIT_CHECK(uart16550_irq_line(&uart));
	outb(REG_MCR, 0x18);
	UNIT_CHECK(!uart16550_irq_line(&uart));
	outb(REG_MCR, 0x08);
	UNIT_CHECK((in(REG_IIR_FCR) & 0x0F) == 0x02);
	UNIT_CHECK(!uart16550_irq_line(&uart) && !uart16550_irq_pending(&uart));
	unit_end();
}

static void test_scratch_and_wide_access(void)
{
	unit_begin("uart_scratch_and_wide_access");
	setup();
	outb(REG_SCR, 0xA5);
	UNIT_CHECK(in(REG_SCR) == 0xA5);
	outb(REG_SCR, 0x5A);
	UNIT_CHECK(in(REG_SCR) == 0x5A);
	/* LSR and MSR ignore writes; MCR keeps bits 4:0 only. */
	outb(REG_LSR, 0xFF);
	outb(REG_MSR, 0xFF);
	outb(REG_MCR, 0xFF);
	UNIT_CHECK(in(REG_MCR) == 0x1F);
	outb(REG_MCR, 0);
	UNIT_CHECK(in(REG_LSR) == 0x60);
	/* Wide accesses reach consecutive registers; past the block, 0xFF. */
	uart16550_out(&uart, BASE + 3, 2, 0x0B03);
	UNIT_CHECK(in(REG_LCR) == 0x03 && in(REG_MCR) == 0x0B);
	UNIT_CHECK(uart16550_in(&uart, BASE + 6, 4) >> 16 == 0xFFFF);
	uart16550_out(&uart, BASE + 7, 4, 0x11223344);
	UNIT_CHECK(in(REG_SCR) == 0x44);
	unit_end();
}

static void test_random_accesses(void)
{
	uint64_t seed = 16550;

	unit_begin("uart_random_accesses");
	setup();
	for (int i = 0; i < 200000; i++) {
		uint64_t r = test_rand(&seed);
		unsigned reg = (unsigned)(r & 7), size = 1u << ((r >> 3) & 3);
		char c = (char)(r >> 8);

		switch ((r >> 16) & 3) {
		case 0:
			uart16550_in(&uart, (uint16_t)(BASE + reg), size);
			break;
		case 1:
			uart16550_out(&uart, (uint16_t)(BASE + reg), size, (uint32_t)(r >> 24));
			break;
		default:
			uart16550_input(&uart, &c, 1);
			break;
		}
		if (uart.rx_len > UART16550_FIFO_SIZE || uart.rx_head >= UART16550_FIFO_SIZE)
			unit_failf("step %d: FIFO state %u/%u", i, uart.rx_len, uart.rx_head);
	}
	unit_end();
}

int main(void)
{
	test_reset_state();
	test_linux_autoconfig();
	test_linux_startup();
	test_loopback();
	test_divisor_latch();
	test_fifo_overrun();
	test_polled_io();
	test_scratch_and_wide_access();
	test_random_accesses();
	return unit_exit_code();
}
