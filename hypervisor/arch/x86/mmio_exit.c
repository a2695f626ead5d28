/*
 * mmio_exit.c - a nested page fault on a device's guest-physical range:
 * read the faulting instruction, decode it, and emulate it against the
 * device (x86/decode.h, x86/mmio_emul.h, hv/vdev.h). QEMU's SVM has no
 * decode assists, so the hypervisor reads and decodes every MMIO access
 * itself.
 */
#include "x86/mmio_exit.h"
#include "x86/decode.h"
#include "x86/mmio_emul.h"
#include "x86/guest_access.h"
#include "x86/virt.h"
#include "x86/cpu.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/errno.h"
#include "hv/log.h"

struct mmio_ctx {
	struct domain *dom;
	const struct vdev_mmio *dev;
};

static int dev_read(void *opaque, uint64_t gpa, unsigned size, uint64_t *value)
{
	struct mmio_ctx *c = opaque;
	uint64_t f = spin_lock_irqsave(&c->dom->dev_lock);
	int err = c->dev->read(c->dev->dev, gpa - c->dev->base, size, value);

	spin_unlock_irqrestore(&c->dom->dev_lock, f);
	return err;
}

static int dev_write(void *opaque, uint64_t gpa, unsigned size, uint64_t value)
{
	struct mmio_ctx *c = opaque;
	uint64_t f = spin_lock_irqsave(&c->dom->dev_lock);
	int err = c->dev->write(c->dev->dev, gpa - c->dev->base, size, value);

	spin_unlock_irqrestore(&c->dom->dev_lock, f);
	return err;
}

static const struct mmio_emul_ops device_ops = {
	.read = dev_read,
	.write = dev_write,
	/* MOVS between RAM and a device is not needed by any driver yet. */
	.mem_read = NULL,
	.mem_write = NULL,
};

int x86_mmio_exit(struct vcpu *v, uint64_t gpa, bool write, const char **why)
{
	struct mmio_ctx ctx = { v->dom, domain_mmio_find(v->dom, gpa) };
	struct virt_guest_mode m;
	struct x86_insn insn;
	uint8_t bytes[15];
	unsigned got;

	if (!ctx.dev)
		return -ENOENT;
	if (guest_fetch_insn(v, bytes, sizeof(bytes), &got)) {
		*why = "cannot read the instruction";
		return -EFAULT;
	}
	virt_get_guest_mode(v, &m);
	enum x86_mode mode = x86_decode_mode(m.cr0 & CR0_PE, v->arch.regs.rflags & (1u << 17),
					     m.efer & EFER_LMA, m.cs_long, m.cs_32);
	if (x86_decode_insn(&insn, bytes, got, mode)) {
		*why = "cannot decode the instruction";
		return -EINVAL;
	}
	struct mmio_emul_access access = { gpa, write };

	int err = mmio_emul_insn(&insn, &v->arch.regs, &access, &device_ops, &ctx);
	if (err)
		*why = err == -ENOTSUP ? "instruction not emulated for MMIO" :
		       "the device refused the access";
	return err;
}
