// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/xengt: the admin's view of the one GVT (see
 * docs/sysfs-kernel-xengt for the ABI).
 *
 *   control/types               per type: name, GM, fences, weight, fit now
 *   control/create              "DOMID TYPE" or
 *                               "DOMID LOW_MB HIGH_MB FENCES [WEIGHT [CAP]]"
 *   control/destroy             "DOMID"
 *   control/available_resource  what is left to partition
 *   control/gpu                 the shared GPU's counters (foreign accesses)
 *   vgpu<ID>/                   domid type low_gm high_gm fences weight cap
 *                               state stats trap
 *
 * Every write is parsed completely before anything changes; a bad one
 * returns -EINVAL and logs the accepted format.  Creation and destruction
 * are serialised by xengt_sysfs_lock.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "xengt/xengt.h"
#include "module.h"
#include "sysfs.h"
#include "xen-kernel.h"

#define CREATE_FORMAT \
	"\"DOMID TYPE\" or \"DOMID LOW_MB HIGH_MB FENCES [WEIGHT [CAP]]\""

struct xengt_vgpu_kobj {
	struct kobject kobj;
	struct vgpu *vgpu;
};

static struct xengt_gvt *sysfs_gvt;
static struct kobject *root_kobj, *control_kobj;
static struct xengt_vgpu_kobj *vgpu_kobjs[XENGT_MAX_VGPUS + 1];
static DEFINE_MUTEX(xengt_sysfs_lock);

/* ---- parsing ------------------------------------------------------------- */

#define MAX_WORDS 7

/* Split @buf (a copy) at blanks; returns the word count or -EINVAL. */
static int split_words(char *buf, char **words)
{
	int n = 0;
	char *w;

	while ((w = strsep(&buf, " \t\n")) != NULL) {
		if (!*w)
			continue;
		if (n == MAX_WORDS)
			return -EINVAL;
		words[n++] = w;
	}
	return n;
}

static int parse_u32(const char *s, u32 max, u32 *out)
{
	u32 v;

	/* Decimal only: "010" is ten, as an admin means it. */
	if (kstrtou32(s, 10, &v) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_domid(const char *s, u16 *domid)
{
	u32 v;

	/* A guest: not dom0, below DOMID_FIRST_RESERVED. */
	if (parse_u32(s, 0x7fef, &v) || !v)
		return -EINVAL;
	*domid = v;
	return 0;
}

/* ---- per-vGPU directories ------------------------------------------------ */

static struct xengt_vgpu_kobj *to_vk(struct kobject *kobj)
{
	return container_of(kobj, struct xengt_vgpu_kobj, kobj);
}

static void vgpu_kobj_release(struct kobject *kobj)
{
	kfree(to_vk(kobj));
}

#define VGPU_SHOW(field, fmt, ...)                                          \
	static ssize_t field##_show(struct kobject *kobj,                   \
				    struct kobj_attribute *attr, char *buf) \
	{                                                                   \
		struct xengt_vgpu_info in;                                  \
                                                                            \
		xengt_vgpu_snapshot(to_vk(kobj)->vgpu, &in);                \
		return sysfs_emit(buf, fmt "\n", __VA_ARGS__);              \
	}

VGPU_SHOW(domid, "%u", in.domid)
VGPU_SHOW(type, "%s", in.type)
VGPU_SHOW(low_gm, "0x%llx %llu", in.low_gm_base, in.low_gm_size >> 20)
VGPU_SHOW(high_gm, "0x%llx %llu", in.high_gm_base, in.high_gm_size >> 20)
VGPU_SHOW(fences, "%u %u", in.fence_base, in.fences)
VGPU_SHOW(weight, "%u", in.weight)
VGPU_SHOW(cap, "%u", in.cap)
VGPU_SHOW(state, "%s", xengt_vgpu_state_name(in.state))

static ssize_t stats_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct xengt_vgpu_info in;

	xengt_vgpu_snapshot(to_vk(kobj)->vgpu, &in);
	return sysfs_emit(
		buf,
		"traps %llu\nmmio_reads %llu\nmmio_writes %llu\nmmio_bad %llu\n"
		"cfg_accesses %llu\ncfg_bad %llu\nggtt_writes %llu\n"
		"ggtt_dropped %llu\nggtt_bad_pte %llu\nsubmissions %llu\n"
		"workloads_done %llu\nworkloads_failed %llu\n"
		"workloads_dropped %llu\nqueued %llu\ngpu_ticks %llu\n"
		"resets %llu\nfailsafes %llu\nmsi_sent %llu\n"
		"pv_offer 0x%x\npv_caps 0x%x\npv_registered %u\n"
		"pv_doorbells %llu\npv_doorbells_idle %llu\npv_messages %llu\n"
		"pv_ok %llu\npv_bad_msg %llu\npv_not_negotiated %llu\n"
		"pv_bad_range %llu\npv_bad_gpa %llu\npv_bad_root %llu\n"
		"pv_no_space %llu\npv_bad_desc %llu\npv_dropped %llu\n"
		"pv_budget_hits %llu\npv_pages_bound %llu\n"
		"pv_pages_unbound %llu\npv_submissions %llu\n"
		"pv_submit_errors %llu\npv_registrations %llu\n"
		"pv_bad_registrations %llu\npv_gpa_faults %llu\n"
		"pv_roots %u\npv_tables %u\nppgtt_oos %u\n"
		"failsafe_reason %s\n",
		in.traps, in.mmio_reads, in.mmio_writes, in.mmio_bad,
		in.cfg_accesses, in.cfg_bad, in.ggtt_writes, in.ggtt_dropped,
		in.ggtt_bad_pte, in.submissions, in.workloads_done,
		in.workloads_failed, in.workloads_dropped, in.queued,
		in.gpu_ticks, in.resets, in.failsafes, in.msi_sent, in.pv_offer,
		in.pv_caps, in.pv_registered, in.pv_doorbells,
		in.pv_doorbells_idle, in.pv_messages, in.pv_ok, in.pv_bad_msg,
		in.pv_not_negotiated, in.pv_bad_range, in.pv_bad_gpa,
		in.pv_bad_root, in.pv_no_space, in.pv_bad_desc, in.pv_dropped,
		in.pv_budget_hits, in.pv_pages_bound, in.pv_pages_unbound,
		in.pv_submissions, in.pv_submit_errors, in.pv_registrations,
		in.pv_bad_registrations, in.pv_gpa_faults, in.pv_roots,
		in.pv_tables, in.ppgtt_oos,
		in.failsafe_reason[0] ? in.failsafe_reason : "-");
}

static ssize_t sched_store(struct kobject *kobj, const char *buf, size_t len,
			   const char *what, u32 max,
			   int (*set)(struct vgpu *vgpu, u32 v))
{
	char tmp[16];
	u32 v;

	if (len < sizeof(tmp)) {
		memcpy(tmp, buf, len);
		tmp[len] = '\0';
		if (!parse_u32(strim(tmp), max, &v) &&
		    !set(to_vk(kobj)->vgpu, v))
			return len;
	}
	pr_err("xengt: vgpu%u/%s: write a decimal %s (got \"%.*s\")\n",
	       xengt_vgpu_id(to_vk(kobj)->vgpu), what,
	       max == 100 ? "0..100 (percent; 0 = no cap)" : "1..16",
	       (int)min_t(size_t, len, 32), buf);
	return -EINVAL;
}

static ssize_t weight_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	return sched_store(kobj, buf, len, "weight", XENGT_MAX_WEIGHT,
			   xengt_vgpu_set_weight);
}

static ssize_t cap_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t len)
{
	return sched_store(kobj, buf, len, "cap", 100, xengt_vgpu_set_cap);
}

VGPU_SHOW(ppgtt_oos, "%s", in.ppgtt_oos ? "on" : "off")

static ssize_t ppgtt_oos_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t len)
{
	struct vgpu *vgpu = to_vk(kobj)->vgpu;
	bool on = sysfs_streq(buf, "on");

	if (on || sysfs_streq(buf, "off")) {
		xengt_vgpu_set_ppgtt_oos(vgpu, on);
		return len;
	}
	pr_err("xengt: vgpu%u/ppgtt_oos: write on or off (got \"%.*s\")\n",
	       xengt_vgpu_id(vgpu), (int)min_t(size_t, len, 32), buf);
	return -EINVAL;
}

#define TRAP_FORMAT "\"kernel [BB:DD.F] [pvh] [ggtt-ram]\" or \"detach\""

/*
 * "kernel [BB:DD.F] [pvh] [ggtt-ram]" -> @sbdf, @pvh, @ggtt_ram; -EINVAL if
 * it is not one.  ggtt-ram backs BAR0's GGTT half with guest RAM: only for
 * a guest driver that flushes its GGTT writes (GFX_FLSH_CNTL) as i915 does.
 */
static int parse_trap(char *buf, u32 *sbdf, bool *pvh, bool *ggtt_ram)
{
	unsigned int bus, dev, fn;
	char *w[MAX_WORDS], extra;
	int n = split_words(buf, w), i = 1;

	*sbdf = 0x10; /* 00:02.0, where an IGD is */
	*pvh = false;
	*ggtt_ram = false;
	if (n < 1 || n > 4 || strcmp(w[0], "kernel"))
		return -EINVAL;
	if (i < n && strcmp(w[i], "pvh") && strcmp(w[i], "ggtt-ram")) {
		if (sscanf(w[i], "%2x:%2x.%1x%c", &bus, &dev, &fn, &extra) !=
			    3 ||
		    dev > 31 || fn > 7)
			return -EINVAL;
		*sbdf = bus << 8 | dev << 3 | fn;
		i++;
	}
	if (i < n && !strcmp(w[i], "pvh")) {
		*pvh = true;
		i++;
	}
	if (i < n && !strcmp(w[i], "ggtt-ram")) {
		*ggtt_ram = true;
		i++;
	}
	return i == n ? 0 : -EINVAL;
}

static ssize_t trap_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", xkvm_path_name(to_vk(kobj)->vgpu));
}

/*
 * No xengt_sysfs_lock here: a destroy waits in kobject_del() for this
 * store to finish before it releases the trap path and the vGPU.
 */
static ssize_t trap_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t len)
{
	struct vgpu *vgpu = to_vk(kobj)->vgpu;
	char *copy = kstrndup(buf, min_t(size_t, len, 64), GFP_KERNEL);
	bool pvh, ggtt_ram, detach;
	u32 sbdf;
	int ret;

	if (!copy)
		return -ENOMEM;
	detach = !strcmp(strim(copy), "detach");
	ret = detach ? 0 : parse_trap(copy, &sbdf, &pvh, &ggtt_ram);
	kfree(copy);
	if (ret) {
		pr_err("xengt: vgpu%u/trap: write " TRAP_FORMAT "\n",
		       xengt_vgpu_id(vgpu));
		return -EINVAL;
	}
	if (detach) {
		xkvm_release_vgpu(vgpu);
		return len;
	}
	ret = xkvm_attach_kernel(vgpu, sbdf, pvh, ggtt_ram);
	if (ret == -ENODEV)
		pr_err("xengt: vgpu%u/trap: no in-kernel trap path here (needs a Xen PV dom0)\n",
		       xengt_vgpu_id(vgpu));
	else if (ret == -EBUSY)
		pr_err("xengt: vgpu%u/trap: the vGPU is served already (%s)\n",
		       xengt_vgpu_id(vgpu), xkvm_path_name(vgpu));
	return ret ? ret : len;
}

static struct kobj_attribute vgpu_attr_domid = __ATTR_RO(domid);
static struct kobj_attribute vgpu_attr_type = __ATTR_RO(type);
static struct kobj_attribute vgpu_attr_low_gm = __ATTR_RO(low_gm);
static struct kobj_attribute vgpu_attr_high_gm = __ATTR_RO(high_gm);
static struct kobj_attribute vgpu_attr_fences = __ATTR_RO(fences);
static struct kobj_attribute vgpu_attr_weight = __ATTR_RW(weight);
static struct kobj_attribute vgpu_attr_cap = __ATTR_RW(cap);
static struct kobj_attribute vgpu_attr_state = __ATTR_RO(state);
static struct kobj_attribute vgpu_attr_stats = __ATTR_RO(stats);
static struct kobj_attribute vgpu_attr_trap = __ATTR_RW(trap);
static struct kobj_attribute vgpu_attr_ppgtt_oos = __ATTR_RW(ppgtt_oos);

static struct attribute *vgpu_attrs[] = {
	&vgpu_attr_domid.attr,
	&vgpu_attr_type.attr,
	&vgpu_attr_low_gm.attr,
	&vgpu_attr_high_gm.attr,
	&vgpu_attr_fences.attr,
	&vgpu_attr_weight.attr,
	&vgpu_attr_cap.attr,
	&vgpu_attr_state.attr,
	&vgpu_attr_stats.attr,
	&vgpu_attr_trap.attr,
	&vgpu_attr_ppgtt_oos.attr, /* the admin's debug knob */
	NULL,
};
ATTRIBUTE_GROUPS(vgpu);

static struct kobj_type vgpu_ktype = {
	.release = vgpu_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vgpu_groups,
};

/* Caller holds xengt_sysfs_lock. */
static int vgpu_dir_add(struct vgpu *vgpu)
{
	struct xengt_vgpu_kobj *vk = kzalloc(sizeof(*vk), GFP_KERNEL);
	u32 id = xengt_vgpu_id(vgpu);
	int ret;

	if (!vk)
		return -ENOMEM;
	vk->vgpu = vgpu;
	ret = kobject_init_and_add(&vk->kobj, &vgpu_ktype, root_kobj, "vgpu%u",
				   id);
	if (ret) {
		kobject_put(&vk->kobj);
		return ret;
	}
	vgpu_kobjs[id] = vk;
	return 0;
}

/*
 * Remove the directory (no show() runs after kobject_del() returns), then
 * the vGPU.  Caller holds xengt_sysfs_lock.
 */
static void vgpu_dir_destroy(u32 id)
{
	struct xengt_vgpu_kobj *vk = vgpu_kobjs[id];
	struct vgpu *vgpu = vk->vgpu;

	vgpu_kobjs[id] = NULL;
	kobject_del(&vk->kobj);
	kobject_put(&vk->kobj);
	/* Its guest's traps stop before the vGPU goes. */
	xkvm_release_vgpu(vgpu);
	xengt_vgpu_destroy(vgpu);
}

/* ---- control/ ------------------------------------------------------------- */

static ssize_t types_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	const struct xengt_vgpu_type *t = NULL;
	ssize_t n = 0;
	u32 i, nr;

	t = xengt_vgpu_types(&nr);
	for (i = 0; i < nr; i++)
		n += sysfs_emit_at(
			buf, n,
			"%s low_gm_mb=%u high_gm_mb=%u fences=%u weight=%u available=%u\n",
			t[i].name, t[i].low_gm_mb, t[i].high_gm_mb, t[i].fences,
			t[i].weight,
			xengt_vgpu_type_available(sysfs_gvt, &t[i]));
	return n;
}

static ssize_t available_resource_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct xengt_resources r;

	xengt_gvt_resources(sysfs_gvt, &r);
	return sysfs_emit(
		buf,
		"low_gm_mb=%u high_gm_mb=%u fences=%u low_gm_free_mb=%u high_gm_free_mb=%u fences_free=%u vgpus=%u/%u\n",
		r.low_gm_mb, r.high_gm_mb, r.fences, r.low_gm_free_mb,
		r.high_gm_free_mb, r.fences_free, r.vgpus, r.vgpus_max);
}

/* Parse a create request into @p; -EINVAL if it is not one. */
static int parse_create(char *buf, struct xengt_vgpu_params *p)
{
	char *w[MAX_WORDS];
	int n = split_words(buf, w);

	memset(p, 0, sizeof(*p));
	if (n < 2 || parse_domid(w[0], &p->domid))
		return -EINVAL;
	if (n == 2)
		return xengt_vgpu_params_from_type(p, w[1]) ? -EINVAL : 0;
	if (n < 4 || n > 6 || parse_u32(w[1], 4096, &p->low_gm_mb) ||
	    parse_u32(w[2], 4096, &p->high_gm_mb) ||
	    parse_u32(w[3], 32, &p->fences))
		return -EINVAL;
	p->weight = 4;
	if (n >= 5 && parse_u32(w[4], XENGT_MAX_WEIGHT, &p->weight))
		return -EINVAL;
	if (n == 6 && parse_u32(w[5], 100, &p->cap))
		return -EINVAL;
	return 0;
}

static ssize_t create_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	struct xengt_vgpu_params p;
	struct vgpu *vgpu;
	char *copy;
	int ret;

	copy = kstrndup(buf, min_t(size_t, len, 128), GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	ret = parse_create(copy, &p);
	kfree(copy);
	if (ret) {
		pr_err("xengt: control/create: write " CREATE_FORMAT
		       " (decimal; types in control/types)\n");
		return -EINVAL;
	}
	mutex_lock(&xengt_sysfs_lock);
	ret = xengt_vgpu_create(sysfs_gvt, &p, &vgpu);
	if (!ret) {
		ret = vgpu_dir_add(vgpu);
		if (ret)
			xengt_vgpu_destroy(vgpu);
		else
			xengt_module_vgpu_created(vgpu);
	}
	mutex_unlock(&xengt_sysfs_lock);
	/* The core logged why (the resource that ran out, ...). */
	return ret ? ret : len;
}

static ssize_t destroy_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t len)
{
	char tmp[16], *s;
	struct vgpu *vgpu;
	u16 domid;
	int ret = -ENOENT;

	if (len >= sizeof(tmp))
		goto bad;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	s = strim(tmp);
	if (parse_domid(s, &domid))
		goto bad;
	mutex_lock(&xengt_sysfs_lock);
	vgpu = xengt_vgpu_find(sysfs_gvt, domid);
	if (vgpu && vgpu_kobjs[xengt_vgpu_id(vgpu)]) {
		vgpu_dir_destroy(xengt_vgpu_id(vgpu));
		ret = 0;
	}
	mutex_unlock(&xengt_sysfs_lock);
	if (ret)
		pr_err("xengt: control/destroy: domain %u has no vGPU\n",
		       domid);
	return ret ? ret : len;
bad:
	pr_err("xengt: control/destroy: write \"DOMID\" (decimal, a guest)\n");
	return -EINVAL;
}

static ssize_t gpu_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return xengt_module_gpu_show(buf);
}

static struct kobj_attribute control_attr_types = __ATTR_RO(types);
static struct kobj_attribute control_attr_gpu = __ATTR_RO(gpu);
static struct kobj_attribute control_attr_create = __ATTR_WO(create);
static struct kobj_attribute control_attr_destroy = __ATTR_WO(destroy);
static struct kobj_attribute control_attr_available_resource =
	__ATTR_RO(available_resource);

static struct attribute *control_attrs[] = {
	&control_attr_types.attr,   &control_attr_create.attr,
	&control_attr_destroy.attr, &control_attr_available_resource.attr,
	&control_attr_gpu.attr,	    NULL,
};

static const struct attribute_group control_group = {
	.attrs = control_attrs,
};

void xengt_sysfs_domain_dead(u16 domid)
{
	struct vgpu *vgpu;

	mutex_lock(&xengt_sysfs_lock);
	vgpu = xengt_vgpu_find(sysfs_gvt, domid);
	if (vgpu && vgpu_kobjs[xengt_vgpu_id(vgpu)]) {
		pr_info("xengt: domain %u died: destroying vGPU %u\n", domid,
			xengt_vgpu_id(vgpu));
		vgpu_dir_destroy(xengt_vgpu_id(vgpu));
	}
	mutex_unlock(&xengt_sysfs_lock);
}

int xengt_sysfs_init(struct xengt_gvt *gvt)
{
	int ret;

	sysfs_gvt = gvt;
	root_kobj = kobject_create_and_add("xengt", kernel_kobj);
	if (!root_kobj)
		return -ENOMEM;
	control_kobj = kobject_create_and_add("control", root_kobj);
	if (!control_kobj) {
		ret = -ENOMEM;
		goto err_root;
	}
	ret = sysfs_create_group(control_kobj, &control_group);
	if (ret)
		goto err_control;
	return 0;

err_control:
	kobject_put(control_kobj);
err_root:
	kobject_put(root_kobj);
	return ret;
}

void xengt_sysfs_fini(void)
{
	u32 id;

	/* The control files first: no create or destroy runs after this. */
	sysfs_remove_group(control_kobj, &control_group);
	mutex_lock(&xengt_sysfs_lock);
	for (id = 1; id <= XENGT_MAX_VGPUS; id++)
		if (vgpu_kobjs[id])
			vgpu_dir_destroy(id);
	mutex_unlock(&xengt_sysfs_lock);
	kobject_put(control_kobj);
	kobject_put(root_kobj);
}
