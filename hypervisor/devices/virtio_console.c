/*
 * virtio_console.c - a virtio console device with a single port and no
 * multiport support (virtio 1.2, 5.3 "Console Device"), over virtio-pci.
 *
 * Queues (5.3.2): 0 is receiveq(port0), buffers the driver posts for
 * input; 1 is transmitq(port0), buffers of output. Without
 * VIRTIO_CONSOLE_F_MULTIPORT there are no control queues, and the driver
 * (Linux's virtio_console) binds the port to hvc0.
 *
 * Features (5.3.3): only EMERG_WRITE. Without F_SIZE the driver does not
 * size the console; without F_MULTIPORT there is one port.
 * Configuration (5.3.4): cols and rows read 0, max_nr_ports reads 1, and a
 * write to emerg_wr prints its low byte - at any time, since 5.3.4 lets a
 * driver use it before setting up queues or even acknowledging the
 * feature.
 *
 * Output. A notification on transmitq (or DRIVER_OK) drains it: each chain's
 * device-readable bytes go to env->console_out in pieces of up to 256
 * bytes, the chain goes back used with length 0 (the device wrote
 * nothing), and the driver is notified if it wants. A chain's bytes past
 * VIRTIO_CONSOLE_TX_MAX are not shown (Linux never sends more than a
 * page), so one chain cannot keep the hypervisor copying for long.
 *
 * Input. virtio_console_input() appends to a ring of
 * VIRTIO_CONSOLE_INPUT_SIZE bytes and returns how much it took; bytes that
 * do not fit stay with the caller. Pending input is written into receive
 * buffers whenever the guest has some: on input, when the driver notifies
 * receiveq (it posted buffers), and on DRIVER_OK. Each chain takes as many
 * bytes as its writable part holds and goes back used with that length.
 * Input survives a device reset, so what was typed before the driver
 * loaded reaches it.
 *
 * Bounds. Each drain handles at most Queue Size chains; a driver that
 * keeps re-posting faster than that is served again on its next
 * notification. A guest error on either queue (virtqueue.c) makes the
 * transport set DEVICE_NEEDS_RESET.
 *
 * Locking: none of its own; the owner serialises calls, input included.
 */
#include "hv/virtio_console.h"
#include "hv/errno.h"
#include "hv/lib.h"

#define PCI_CLASS_COMM_OTHER  0x078000u    /* communication controller, other */
#define TX_CHUNK              256

static struct virtio_console *to_console(struct virtio_pci *vp)
{
	return container_of(vp, struct virtio_console, vp);
}

/* Shows the readable bytes of chain c, up to VIRTIO_CONSOLE_TX_MAX. */
static int show_chain(struct virtio_console *vc, struct virtq *vq, const struct virtq_chain *c)
{
	const struct vdev_env *env = vc->vp.env;
	uint64_t end = MIN(c->read_len, (uint64_t)VIRTIO_CONSOLE_TX_MAX);
	char buf[TX_CHUNK];

	for (uint64_t off = 0; off < end;) {
		long n = virtq_chain_read(vq, env, c, off, buf, (size_t)MIN(end - off, sizeof(buf)));

		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		env->console_out(env->ctx, buf, (size_t)n);
		off += (uint64_t)n;
	}
	return 0;
}

static int tx_drain(struct virtio_console *vc)
{
	struct virtq *vq = virtio_pci_queue(&vc->vp, VIRTIO_CONSOLE_TX_QUEUE);
	struct virtq_chain c;
	int rc = 0;

	if (!vq)
		return 0;
	for (unsigned budget = vq->size; budget; budget--) {
		rc = virtq_pop(vq, vc->vp.env, &c);
		if (rc <= 0)
			break;
		rc = show_chain(vc, vq, &c);
		if (!rc)
			rc = virtq_push(vq, vc->vp.env, &c, 0);
		if (rc)
			break;
	}
	virtio_pci_notify_queue(&vc->vp, VIRTIO_CONSOLE_TX_QUEUE);
	return rc < 0 ? rc : 0;
}

/* Writes as much pending input as chain c holds; the bytes written. */
static long fill_chain(struct virtio_console *vc, struct virtq *vq, const struct virtq_chain *c)
{
	uint64_t want = MIN((uint64_t)vc->in_len, c->write_len);
	uint32_t first = (uint32_t)MIN(want, (uint64_t)(VIRTIO_CONSOLE_INPUT_SIZE - vc->in_head));
	long n, m;

	/* The ring's pending bytes are in[head..] then, wrapped, in[0..]. */
	n = virtq_chain_write(vq, vc->vp.env, c, 0, vc->in + vc->in_head, first);
	if (n < 0)
		return n;
	if ((uint64_t)n == first && want > first) {
		m = virtq_chain_write(vq, vc->vp.env, c, first, vc->in, want - first);
		if (m < 0)
			return m;
		n += m;
	}
	vc->in_head = (uint32_t)((vc->in_head + (uint64_t)n) % VIRTIO_CONSOLE_INPUT_SIZE);
	vc->in_len -= (uint32_t)n;
	return n;
}

static int rx_fill(struct virtio_console *vc)
{
	struct virtq *vq = virtio_pci_queue(&vc->vp, VIRTIO_CONSOLE_RX_QUEUE);
	struct virtq_chain c;
	bool pushed = false;
	int rc = 0;

	if (!vq)
		return 0;
	for (unsigned budget = vq->size; budget && vc->in_len; budget--) {
		long n;

		rc = virtq_pop(vq, vc->vp.env, &c);
		if (rc <= 0)
			break;
		n = fill_chain(vc, vq, &c);
		rc = n < 0 ? (int)n : virtq_push(vq, vc->vp.env, &c, (uint32_t)n);
		if (rc)
			break;
		pushed = true;
	}
	if (pushed)
		virtio_pci_notify_queue(&vc->vp, VIRTIO_CONSOLE_RX_QUEUE);
	return rc < 0 ? rc : 0;
}

static int console_notify(struct virtio_pci *vp, unsigned q)
{
	struct virtio_console *vc = to_console(vp);

	return q == VIRTIO_CONSOLE_TX_QUEUE ? tx_drain(vc) : rx_fill(vc);
}

static void console_driver_ok(struct virtio_pci *vp)
{
	struct virtio_console *vc = to_console(vp);

	if (tx_drain(vc) < 0 || rx_fill(vc) < 0)
		virtio_pci_needs_reset(vp);
}

static void console_reset(struct virtio_pci *vp)
{
	(void)vp;                              /* pending input is kept */
}

static uint32_t console_config_read(struct virtio_pci *vp, unsigned offset, unsigned size)
{
	struct virtio_console_config cfg = { .max_nr_ports = 1 };
	uint32_t v = 0;

	(void)vp;
	memcpy(&v, (const uint8_t *)&cfg + offset, size);
	return v;
}

static void console_config_write(struct virtio_pci *vp, unsigned offset, unsigned size,
				 uint32_t val)
{
	char ch = (char)val;

	(void)size;
	if (offset == offsetof(struct virtio_console_config, emerg_wr))
		vp->env->console_out(vp->env->ctx, &ch, 1);
}

static const struct virtio_pci_device console_device = {
	.device_id = VIRTIO_ID_CONSOLE,
	.class_code = PCI_CLASS_COMM_OTHER,
	.features = 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE,
	.num_queues = 2,
	.queue_max_size = VIRTIO_CONSOLE_QUEUE_SIZE,
	.config_size = sizeof(struct virtio_console_config),
	.config_read = console_config_read,
	.config_write = console_config_write,
	.queue_notify = console_notify,
	.driver_ok = console_driver_ok,
	.reset = console_reset,
};

int virtio_console_init(struct virtio_console *vc, const struct vdev_env *env)
{
	vc->in_head = 0;
	vc->in_len = 0;
	return virtio_pci_init(&vc->vp, &console_device, env);
}

size_t virtio_console_input_room(const struct virtio_console *vc)
{
	return VIRTIO_CONSOLE_INPUT_SIZE - vc->in_len;
}

size_t virtio_console_input(struct virtio_console *vc, const char *bytes, size_t len)
{
	size_t n = MIN(len, virtio_console_input_room(vc));

	for (size_t i = 0; i < n; i++)
		vc->in[(vc->in_head + vc->in_len + i) % VIRTIO_CONSOLE_INPUT_SIZE] = (uint8_t)bytes[i];
	vc->in_len += (uint32_t)n;
	if (rx_fill(vc) < 0)
		virtio_pci_needs_reset(&vc->vp);
	return n;
}
