// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xengt (see include/xengt/xengt-ioctl.h for the protocol).
 *
 * Each open file holds at most one xkvm reference (hv/xen-kernel.h): the
 * trap path of the vGPU it attached.  Only CAP_SYS_ADMIN may open it (the
 * file decides what a guest's ioreqs do, as xengt-dm's privcmd handle
 * does); the node is 0600.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "xengt/xengt.h"
#include "xengt/xengt-ioctl.h"
#include "devxengt.h"
#include "xen-kernel.h"

struct xengt_file {
	struct mutex lock; /* vm */
	struct xkvm *vm;
};

static struct xengt_gvt *dev_gvt;

static int xengt_open(struct inode *inode, struct file *file)
{
	struct xengt_file *f;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return 0;
}

static int xengt_release(struct inode *inode, struct file *file)
{
	struct xengt_file *f = file->private_data;

	if (f->vm)
		xkvm_put_dm(f->vm);
	kfree(f);
	return 0;
}

static long do_attach(struct xengt_file *f, void __user *arg)
{
	struct xengt_ioc_attach a;
	struct vgpu *vgpu;
	int ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~XENGT_ATTACH_FLAGS) || a.sbdf > 0xffffff || !a.domid)
		return -EINVAL;
	mutex_lock(&f->lock);
	ret = -EBUSY;
	if (f->vm)
		goto out;
	ret = -ENOENT;
	vgpu = xengt_vgpu_find(dev_gvt, a.domid);
	if (!vgpu || (a.vgpu_id && xengt_vgpu_id(vgpu) != a.vgpu_id)) {
		pr_err("xengt: /dev/xengt: domain %u has no vGPU %u (create it in /sys/kernel/xengt/control/create)\n",
		       a.domid, a.vgpu_id);
		goto out;
	}
	ret = xkvm_attach_dm(vgpu, a.ioservid, a.sbdf,
			     a.flags & XENGT_ATTACH_GGTT_RAM, &f->vm);
out:
	mutex_unlock(&f->lock);
	return ret;
}

static long do_ioreq(struct xengt_file *f, void __user *arg)
{
	struct xengt_ioc_ioreq r;
	struct xengt_ioreq req = { 0 };
	int ret;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.pad || r.dir > 1 || r.df > 1 || r.data_is_ptr > 1)
		return -EINVAL;
	if (!READ_ONCE(f->vm))
		return -ENOENT;
	req.addr = r.addr;
	req.data = r.data;
	req.count = r.count;
	req.size = r.size;
	req.type = r.type;
	req.dir = r.dir;
	req.df = r.df;
	req.data_is_ptr = r.data_is_ptr;
	req.state = XENGT_STATE_IOREQ_INPROCESS;
	ret = xkvm_ioreq(f->vm, &req);
	if (ret)
		return ret;
	r.data = req.data;
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static long xengt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct xengt_file *f = file->private_data;

	switch (cmd) {
	case XENGT_IOC_ATTACH:
		return do_attach(f, (void __user *)arg);
	case XENGT_IOC_IOREQ:
		return do_ioreq(f, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations xengt_fops = {
	.owner = THIS_MODULE,
	.open = xengt_open,
	.release = xengt_release,
	.unlocked_ioctl = xengt_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice xengt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xengt",
	.fops = &xengt_fops,
	.mode = 0600,
};

int xengt_dev_init(struct xengt_gvt *gvt)
{
	dev_gvt = gvt;
	return misc_register(&xengt_misc);
}

void xengt_dev_fini(void)
{
	misc_deregister(&xengt_misc);
}
