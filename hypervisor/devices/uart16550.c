/*
 * uart16550.c - an 8250/16550A UART (National Semiconductor PC16550D
 * datasheet, "Registers"), the console Linux finds with console=ttyS0.
 *
 * Time. The model has no clock: a byte written to THR is on the line at
 * once (env->console_out), so THR and the transmitter are always empty
 * (LSR THRE and TEMT always set) and the THR-empty interrupt re-arms on
 * every THR write. Baud rate, word length, parity and stop bits are kept
 * for the guest to read back and have no effect. There is no I/O APIC, so
 * nothing delivers the interrupt: Linux's 8250 driver polls (it reads IIR
 * on a timer and services what IIR reports), which is why IIR must be
 * right. uart16550_irq_line() is there for the day an interrupt exists.
 *
 * Registers (offset from base; DLAB is LCR bit 7):
 *   0  read RBR / write THR; DLL with DLAB
 *   1  IER (bits 3:0, upper bits read 0); DLM with DLAB
 *   2  read IIR / write FCR (FCR is written whatever DLAB is)
 *   3  LCR      4  MCR (bits 4:0)      5  LSR      6  MSR      7  SCR
 * Writes to LSR and MSR are ignored.
 *
 * FIFO. FCR bit 0 enables the 16-byte receive FIFO (16550A mode: IIR bits
 * 7:6 read 11); without it the receiver holds one byte (16450 mode).
 * Changing bit 0 or setting bit 1 empties the receive FIFO; the trigger
 * level (bits 7:6: 1, 4, 8, 14 bytes) decides between the "received data"
 * (0100) and "character timeout" (1100) identifications - with no clock,
 * data below the trigger level reports timeout at once. A byte that
 * arrives with the FIFO full is lost and sets LSR OE, which a read of LSR
 * clears. IIR bits 5:4 always read 0 (no 64-byte FIFO), so Linux does not
 * take the UART for a 16750.
 *
 * Interrupts (IIR, highest priority first): receiver line status (OE, with
 * IER bit 2), received data or timeout (IER bit 0), THR empty (IER bit 1;
 * cleared by reading IIR while it is the one shown, or by writing THR;
 * set again by a THR write or by IER bit 1 going from 0 to 1), modem
 * status (any MSR delta bit, IER bit 3). None: IIR bit 0 set.
 *
 * Modem lines. Outside loopback the other end is a terminal that is always
 * there: CTS, DSR and DCD are set, RI is clear. In loopback (MCR bit 4)
 * the outputs feed the inputs - RTS to CTS, DTR to DSR, OUT1 to RI, OUT2
 * to DCD - THR bytes go to the receive FIFO instead of the line, and input
 * from the line is refused. MSR bits 3:0 record changes (DCTS, DDSR,
 * trailing edge of RI, DDCD) until MSR is read.
 *
 * Linux's probe (drivers/tty/serial/8250/8250_port.c, autoconfig() and
 * autoconfig_16550a()) sees a 16550A: IER keeps 0 and 0x0F and reads 0 in
 * bits 7:4 (not an XScale); MCR = LOOP|OUT2|RTS reads MSR 0x9X; with the
 * FIFO on IIR reads 0xC1 (not 0 at the EFR's address: no EFR, with either
 * LCR value it tries; bit 4 never follows MCR LOOP: not a NatSemi part);
 * and in loopback only 16 bytes survive 256 writes (not a 64-byte U6).
 *
 * Locking: none of its own; the owner serialises calls, input included.
 */
#include "hv/uart16550.h"
#include "hv/lib.h"

#define REG_RBR_THR 0
#define REG_IER     1
#define REG_IIR_FCR 2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define REG_MSR     6
#define REG_SCR     7

#define IER_RDI     0x01
#define IER_THRI    0x02
#define IER_RLSI    0x04
#define IER_MSI     0x08

#define IIR_NONE    0x01
#define IIR_MSI     0x00
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_RLSI    0x06
#define IIR_TIMEOUT 0x0C
#define IIR_FIFO    0xC0

#define FCR_ENABLE  0x01
#define FCR_CLR_RX  0x02
#define FCR_KEPT    0xC9            /* trigger, DMA mode, enable */

#define LCR_DLAB    0x80

#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT1    0x04
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10
#define MCR_MASK    0x1F

#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_THRE    0x20
#define LSR_TEMT    0x40

#define MSR_DCTS    0x01
#define MSR_DDSR    0x02
#define MSR_TERI    0x04
#define MSR_DDCD    0x08
#define MSR_CTS     0x10
#define MSR_DSR     0x20
#define MSR_RI      0x40
#define MSR_DCD     0x80

static const uint8_t trigger_level[4] = { 1, 4, 8, 14 };

static unsigned rx_capacity(const struct uart16550 *u)
{
	return (u->fcr & FCR_ENABLE) ? UART16550_FIFO_SIZE : 1;
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_len = 0;
}

/* A byte completes reception: into the FIFO, or lost with OE. */
static bool rx_push(struct uart16550 *u, uint8_t b)
{
	if (u->rx_len >= rx_capacity(u)) {
		u->lsr_err |= LSR_OE;
		return false;
	}
	u->rx[(u->rx_head + u->rx_len) % UART16550_FIFO_SIZE] = b;
	u->rx_len++;
	return true;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	if (u->rx_len) {
		u->rx_last = u->rx[u->rx_head];
		u->rx_head = (uint8_t)((u->rx_head + 1) % UART16550_FIFO_SIZE);
		u->rx_len--;
	}
	return u->rx_last;              /* an empty RBR repeats the last byte */
}

/* The modem status inputs (MSR bits 7:4) for the current MCR. */
static uint8_t modem_inputs(const struct uart16550 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	return (uint8_t)(((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) |
			 ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0));
}

/* Recomputes the inputs and records which changed in the delta bits. */
static void update_modem_status(struct uart16550 *u)
{
	uint8_t now = modem_inputs(u), changed = now ^ u->msr_status;

	if (changed & MSR_CTS)
		u->msr_delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_delta |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr_delta |= MSR_DDCD;
	if ((u->msr_status & MSR_RI) && !(now & MSR_RI))
		u->msr_delta |= MSR_TERI;
	u->msr_status = now;
}

/* The interrupt identification (IIR bits 3:0) by priority. */
static uint8_t interrupt_id(const struct uart16550 *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr_err & LSR_OE))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_len) {
		if ((u->fcr & FCR_ENABLE) && u->rx_len < trigger_level[u->fcr >> 6])
			return IIR_TIMEOUT;
		return IIR_RDI;
	}
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return IIR_MSI;
	return IIR_NONE;
}

static uint8_t read_iir(struct uart16550 *u)
{
	uint8_t id = interrupt_id(u);

	if (id == IIR_THRI)
		u->thre_pending = false;       /* reading IIR acknowledges it */
	return (uint8_t)(id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
}

static uint8_t read_lsr(struct uart16550 *u)
{
	uint8_t v = (uint8_t)(LSR_THRE | LSR_TEMT | u->lsr_err | (u->rx_len ? LSR_DR : 0));

	u->lsr_err = 0;
	return v;
}

static uint8_t read_msr(struct uart16550 *u)
{
	uint8_t v = u->msr_status | u->msr_delta;

	u->msr_delta = 0;
	return v;
}

static uint8_t read_reg(struct uart16550 *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR: return dlab ? u->dll : rx_pop(u);
	case REG_IER:     return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR: return read_iir(u);
	case REG_LCR:     return u->lcr;
	case REG_MCR:     return u->mcr;
	case REG_LSR:     return read_lsr(u);
	case REG_MSR:     return read_msr(u);
	default:          return u->scr;
	}
}

static void write_thr(struct uart16550 *u, uint8_t v)
{
	char c = (char)v;

	if (u->mcr & MCR_LOOP)
		rx_push(u, v);
	else
		u->env->console_out(u->env->ctx, &c, 1);
	u->thre_pending = true;                /* sent at once: THR empty again */
}

static void write_ier(struct uart16550 *u, uint8_t v)
{
	if (!(u->ier & IER_THRI) && (v & IER_THRI))
		u->thre_pending = true;
	u->ier = v & 0x0F;
}

static void write_fcr(struct uart16550 *u, uint8_t v)
{
	uint8_t fcr = (v & FCR_ENABLE) ? (v & FCR_KEPT) : 0;

	if ((fcr ^ u->fcr) & FCR_ENABLE || (fcr & FCR_ENABLE && v & FCR_CLR_RX))
		rx_clear(u);
	u->fcr = fcr;                          /* the transmit side is always empty */
}

static void write_reg(struct uart16550 *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case REG_IER:
		if (dlab)
			u->dlm = v;
		else
			write_ier(u, v);
		break;
	case REG_IIR_FCR:
		write_fcr(u, v);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & MCR_MASK;
		update_modem_status(u);
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:
		break;                         /* LSR, MSR: factory test, ignored */
	}
}

void uart16550_init(struct uart16550 *u, uint16_t base, const struct vdev_env *env)
{
	memset(u, 0, sizeof(*u));
	u->base = base;
	u->env = env;
	u->dll = 12;                           /* 9600 baud, the PC BIOS default */
	u->msr_status = modem_inputs(u);
}

uint32_t uart16550_in(void *dev, uint16_t port, unsigned size)
{
	struct uart16550 *u = dev;
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned reg = (unsigned)(port - u->base) + i;
		uint32_t b = reg < UART16550_PORT_COUNT ? read_reg(u, reg) : 0xFF;

		v |= b << (8 * i);
	}
	return v;
}

void uart16550_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct uart16550 *u = dev;

	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned reg = (unsigned)(port - u->base) + i;

		if (reg < UART16550_PORT_COUNT)
			write_reg(u, reg, (uint8_t)(val >> (8 * i)));
	}
}

struct vdev_pio uart16550_pio(struct uart16550 *u)
{
	struct vdev_pio p = {
		.base = u->base,
		.count = UART16550_PORT_COUNT,
		.in = uart16550_in,
		.out = uart16550_out,
		.dev = u,
	};

	return p;
}

size_t uart16550_rx_room(const struct uart16550 *u)
{
	if (u->mcr & MCR_LOOP)
		return 0;
	return rx_capacity(u) - u->rx_len;
}

size_t uart16550_input(struct uart16550 *u, const char *bytes, size_t len)
{
	size_t stored = 0;

	if (u->mcr & MCR_LOOP)
		return 0;
	for (size_t i = 0; i < len; i++)
		stored += rx_push(u, (uint8_t)bytes[i]);
	return stored;
}

bool uart16550_irq_pending(const struct uart16550 *u)
{
	return interrupt_id(u) != IIR_NONE;
}

bool uart16550_irq_line(const struct uart16550 *u)
{
	return uart16550_irq_pending(u) && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);
}
