// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - muxvisor.ko: /dev/muxvisor, dom0's door to the control
 * hypercall (muxvisor/control.h, muxvisor/dom0_ioctl.h, docs/control-abi.md).
 *
 * Loading checks that this kernel runs under Muxvisor (CPUID leaf
 * 0x40000100 says "MuxvisorMUXV") in the privileged domain (the control
 * hypercall answers MUXV_CTL_HOST_INFO rather than -EPERM) and that both
 * speak the same control ABI version (MUXV_CTL_VERSION); anything else
 * refuses the load with one dmesg line saying why. Only CAP_SYS_ADMIN
 * may open the device (mode 0600 too).
 */
#include <linux/capability.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include "muxv.h"

#define MUXV_CPUID_LEAF 0x40000100
static const char muxv_signature[12] = "MuxvisorMUXV";

static int muxv_open(struct inode *inode, struct file *file)
{
	struct muxv_file *f;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	atomic64_set(&f->ev_seen, 0);
	file->private_data = f;
	return 0;
}

static int muxv_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static long muxv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case MUXV_IOC_CTL:
		return muxv_ioctl_ctl(file->private_data, (void __user *)arg);
	case MUXV_IOC_MAP:
		return muxv_ioctl_map((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations muxv_fops = {
	.owner = THIS_MODULE,
	.open = muxv_open,
	.release = muxv_release,
	.unlocked_ioctl = muxv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = muxv_mmap,
	.poll = muxv_poll,
	.llseek = noop_llseek,
};

static struct miscdevice muxv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "muxvisor",
	.fops = &muxv_fops,
	.mode = 0600,
};

/* Is the hypervisor under us Muxvisor? (docs/guest-abi.md, CPUID) */
static bool muxv_detect(void)
{
	u32 eax, sig[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		pr_err("muxvisor: not loaded: no hypervisor (CPUID hypervisor bit clear)\n");
		return false;
	}
	cpuid(MUXV_CPUID_LEAF, &eax, &sig[0], &sig[1], &sig[2]);
	if (eax < MUXV_CPUID_LEAF + 1 || memcmp(sig, muxv_signature, sizeof(sig)) != 0) {
		pr_err("muxvisor: not loaded: the hypervisor is not Muxvisor (CPUID %#x signature '%.12s')\n",
		       MUXV_CPUID_LEAF, (const char *)sig);
		return false;
	}
	return true;
}

/* Asks for HOST_INFO; fills *info. Returns 0 or why the module must not load. */
static int muxv_host_info(struct muxv_host_info *info)
{
	struct muxv_ctl *ctl = muxv_ctl_alloc(MUXV_CTL_HOST_INFO);
	int ret;

	if (!ctl)
		return -ENOMEM;
	ret = muxv_hc_control(ctl);
	if (ret == -EPERM)
		pr_err("muxvisor: not loaded: this domain is not privileged (the control hypercall answers -EPERM)\n");
	else if (ret)
		pr_err("muxvisor: not loaded: MUXV_CTL_HOST_INFO failed (%d)\n", ret);
	else if (ctl->u.host_info.ctl_version != MUXV_CTL_VERSION) {
		pr_err("muxvisor: not loaded: the hypervisor speaks control ABI v%u, this module v%u\n",
		       ctl->u.host_info.ctl_version, MUXV_CTL_VERSION);
		ret = -EPROTO;
	}
	if (!ret)
		*info = ctl->u.host_info;
	kfree(ctl);
	return ret;
}

static int __init muxv_init(void)
{
	struct muxv_host_info info;
	int ret;

	if (!muxv_detect())
		return -ENODEV;
	ret = muxv_host_info(&info);
	if (ret)
		return ret;
	ret = muxv_map_init(info.map_window_gpa, info.map_window_pages);
	if (ret)
		return ret;
	ret = misc_register(&muxv_misc);
	if (ret) {
		pr_err("muxvisor: not loaded: misc_register failed (%d)\n", ret);
		goto err_map;
	}
	info.version[sizeof(info.version) - 1] = '\0';
	pr_info("muxvisor: %s, control ABI v%u, %u pCPUs, map window %#llx +%llu pages: /dev/muxvisor ready\n",
		info.version, info.ctl_version, info.pcpus, info.map_window_gpa,
		info.map_window_pages);
	return 0;

err_map:
	muxv_map_exit();
	return ret;
}

static void __exit muxv_exit(void)
{
	misc_deregister(&muxv_misc);
	muxv_events_exit();
	muxv_map_exit();
}

module_init(muxv_init);
module_exit(muxv_exit);
MODULE_DESCRIPTION("Muxvisor dom0 control device");
MODULE_LICENSE("GPL");
