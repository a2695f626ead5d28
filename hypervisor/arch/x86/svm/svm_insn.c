/*
 * svm_insn.c - the length of an intercepted instruction.
 *
 * Without NRIP save (QEMU's SVM has none) the CPU does not tell us where
 * the intercepted instruction ends. We know which instruction it was (the
 * exit code says), so we read it at CS:RIP and check it: legacy prefixes,
 * then a REX prefix in 64-bit code, then exactly the expected opcode. A
 * mismatch means the guest changed the code under us (or lies); the
 * domain is crashed rather than guessing.
 */
#include "svm_internal.h"
#include "x86/guest_access.h"
#include "x86/cpu.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/lib.h"
#include "hv/errno.h"

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

int svm_insn_length(struct vcpu *v, const uint8_t *opcode, unsigned n)
{
	uint8_t buf[15];
	unsigned got, i = 0;
	struct virt_guest_mode m;

	if (guest_fetch_insn(v, buf, sizeof(buf), &got))
		return -EFAULT;
	while (i < got && is_legacy_prefix(buf[i]))
		i++;
	virt_get_guest_mode(v, &m);
	if ((m.efer & EFER_LMA) && m.cs_long && i < got && (buf[i] & 0xf0) == 0x40)
		i++;
	if (i + n > got)
		return -EFAULT;
	if (memcmp(buf + i, opcode, n) != 0)
		return -EINVAL;
	return (int)(i + n);
}

bool svm_skip_insn(struct vcpu *v, const uint8_t *opcode, unsigned n)
{
	int len = svm_insn_length(v, opcode, n);

	if (len < 0) {
		domain_crash(v->dom, "cannot read the intercepted instruction at rip %#lx (%s)",
			     v->arch.regs.rip, len == -EINVAL ? "not the expected opcode"
							       : "not in guest memory");
		return false;
	}
	v->arch.regs.rip += (unsigned)len;
	return true;
}
