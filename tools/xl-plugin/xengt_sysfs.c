// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The admin tools' client of /sys/kernel/xengt (see xengt_sysfs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xengt_sysfs.h"

const char *xsys_root(void)
{
	const char *r = getenv("XENGT_SYSFS");

	return r && *r ? r : "/sys/kernel/xengt";
}

/* Read file @rel (under the root) into @buf; its length or -errno. */
static int read_file(const char *rel, char *buf, size_t size)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", xsys_root(), rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	return (int)n;
}

/* One write(2) of @text to @rel: sysfs takes a request whole or not at all. */
static int write_file(const char *rel, const char *text)
{
	char path[4096];
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", xsys_root(), rel);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (close(fd))
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int xsys_present(void)
{
	char buf[256];
	int n = read_file("control/available_resource", buf, sizeof(buf));

	return n < 0 ? -ENOENT : 0;
}

/* "key=value" words after the name; unknown keys are skipped (may grow). */
static int parse_type_line(char *line, struct xsys_type *t)
{
	char *save, *w = strtok_r(line, " \t", &save);
	int seen = 0;

	memset(t, 0, sizeof(*t));
	if (!w || strlen(w) >= sizeof(t->name))
		return -EPROTO;
	strcpy(t->name, w);
	while ((w = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(w, '=');
		uint32_t *field = NULL;

		if (!eq)
			return -EPROTO;
		*eq++ = '\0';
		if (!strcmp(w, "low_gm_mb"))
			field = &t->low_gm_mb;
		else if (!strcmp(w, "high_gm_mb"))
			field = &t->high_gm_mb;
		else if (!strcmp(w, "fences"))
			field = &t->fences;
		else if (!strcmp(w, "weight"))
			field = &t->weight;
		else if (!strcmp(w, "available"))
			field = &t->available;
		else if (!strcmp(w, "resolution") &&
			 strlen(eq) < sizeof(t->resolution))
			strcpy(t->resolution, eq);
		if (field) {
			char *end;
			unsigned long v = strtoul(eq, &end, 10);

			if (end == eq || *end || v > UINT32_MAX)
				return -EPROTO;
			*field = (uint32_t)v;
			seen++;
		}
	}
	return seen == 5 ? 0 : -EPROTO;
}

int xsys_types(struct xsys_type *out, int max)
{
	char buf[4096], *save, *line;
	int n = read_file("control/types", buf, sizeof(buf)), count = 0;

	if (n < 0)
		return n;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (count == max)
			break;
		if (parse_type_line(line, &out[count]))
			return -EPROTO;
		count++;
	}
	return count;
}

int xsys_resources(struct xsys_resources *r)
{
	char buf[512];
	int n = read_file("control/available_resource", buf, sizeof(buf));

	if (n < 0)
		return n;
	if (sscanf(buf,
		   "low_gm_mb=%u high_gm_mb=%u fences=%u low_gm_free_mb=%u high_gm_free_mb=%u fences_free=%u vgpus=%u/%u",
		   &r->low_gm_mb, &r->high_gm_mb, &r->fences,
		   &r->low_gm_free_mb, &r->high_gm_free_mb, &r->fences_free,
		   &r->vgpus, &r->vgpus_max) != 8)
		return -EPROTO;
	return 0;
}

static int read_vgpu_file(uint32_t id, const char *name, char *buf, size_t size)
{
	char rel[64];
	int n;

	snprintf(rel, sizeof(rel), "vgpu%u/%s", id, name);
	n = read_file(rel, buf, size);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

static int read_word(uint32_t id, const char *name, char *out, size_t size)
{
	char buf[128];
	int n = read_vgpu_file(id, name, buf, sizeof(buf));

	if (n < 0)
		return n;
	if (!n || (size_t)n >= size || strpbrk(buf, " \t\n"))
		return -EPROTO;
	strcpy(out, buf);
	return 0;
}

#define PVF(f, st)                                           \
	{                                                    \
#f, offsetof(struct xsys_pv_counters, f), st \
	}
const struct xsys_pv_field xsys_pv_fields[] = {
	PVF(doorbells, false),
	PVF(doorbells_idle, false),
	PVF(messages, false),
	PVF(ok, true),
	PVF(bad_msg, true),
	PVF(not_negotiated, true),
	PVF(bad_range, true),
	PVF(bad_gpa, true),
	PVF(bad_root, true),
	PVF(no_space, true),
	PVF(bad_desc, true),
	PVF(dropped, false),
	PVF(budget_hits, false),
	PVF(pages_bound, false),
	PVF(pages_unbound, false),
	PVF(submissions, false),
	PVF(submit_errors, false),
	PVF(registrations, false),
	PVF(bad_registrations, false),
	PVF(gpa_faults, false),
	{ NULL, 0, false },
};

/*
 * A stats line of the paravirtual extension or the PPGTT (@name without
 * its value): 1 if it was one (parsed into @v), 0 if not, -EPROTO.
 */
static int parse_pv_line(const char *name, const char *value,
			 struct xsys_vgpu *v)
{
	const struct xsys_pv_field *f;
	uint32_t *u32p = NULL;
	unsigned int b;

	if (!strcmp(name, "ppgtt_oos")) {
		if (sscanf(value, "%u", &b) != 1 || b > 1)
			return -EPROTO;
		v->ppgtt_oos = b;
		v->ppgtt_oos_known = true;
		return 1;
	}
	if (strncmp(name, "pv_", 3))
		return 0;
	name += 3;
	if (!strcmp(name, "offer") || !strcmp(name, "caps")) {
		v->pv_known = true;
		return sscanf(value, "%x",
			      name[0] == 'o' ? &v->pv_offer : &v->pv_caps) ==
				       1 ?
			       1 :
			       -EPROTO;
	}
	if (!strcmp(name, "registered")) {
		if (sscanf(value, "%u", &b) != 1 || b > 1)
			return -EPROTO;
		v->pv_registered = b;
		return 1;
	}
	if (!strcmp(name, "roots"))
		u32p = &v->pv_roots;
	else if (!strcmp(name, "tables"))
		u32p = &v->pv_tables;
	if (u32p) {
		v->pv_tables_known = true;
		return sscanf(value, "%u", u32p) == 1 ? 1 : -EPROTO;
	}
	for (f = xsys_pv_fields; f->name; f++)
		if (!strcmp(name, f->name))
			return sscanf(value, "%" SCNu64,
				      (uint64_t *)((char *)&v->pv +
						   f->offset)) == 1 ?
				       1 :
				       -EPROTO;
	return 0; /* a line added later */
}

static int parse_stats(char *buf, struct xsys_vgpu *v)
{
	char *save, *line;

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');
		uint64_t *field = NULL;
		int ret;

		if (!value)
			return -EPROTO;
		*value++ = '\0';
		ret = parse_pv_line(line, value, v);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (!strcmp(line, "failsafe_reason")) {
			if (strcmp(value, "-"))
				snprintf(v->failsafe_reason,
					 sizeof(v->failsafe_reason), "%s",
					 value);
			continue;
		}
		if (!strcmp(line, "traps"))
			field = &v->traps;
		else if (!strcmp(line, "submissions"))
			field = &v->submissions;
		else if (!strcmp(line, "workloads_done"))
			field = &v->workloads_done;
		else if (!strcmp(line, "gpu_ticks"))
			field = &v->gpu_ticks;
		else if (!strcmp(line, "resets"))
			field = &v->resets;
		else if (!strcmp(line, "failsafes"))
			field = &v->failsafes;
		if (field && sscanf(value, "%" SCNu64, field) != 1)
			return -EPROTO;
	}
	return 0;
}

/*
 * sscanf @fmt over vGPU @id's file @name: 0 when it gave @want fields,
 * -EPROTO when not, the read's -errno when the file could not be read.
 */
static int scan_vgpu_file(uint32_t id, const char *name, int want,
			  const char *fmt, ...)
	__attribute__((format(scanf, 4, 5)));

static int scan_vgpu_file(uint32_t id, const char *name, int want,
			  const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n = read_vgpu_file(id, name, buf, sizeof(buf));

	if (n < 0)
		return n;
	va_start(ap, fmt);
	n = vsscanf(buf, fmt, ap);
	va_end(ap);
	return n == want ? 0 : -EPROTO;
}

/*
 * vGPU @id's files: 0, -EPROTO for contents not understood, or -errno of
 * a file that could not be read (-ENOENT: the vGPU went away meanwhile).
 */
static int read_vgpu(uint32_t id, struct xsys_vgpu *v)
{
	char buf[4096];
	int ret;

	memset(v, 0, sizeof(*v));
	v->id = id;
	ret = scan_vgpu_file(id, "domid", 1, "%u", &v->domid);
	if (!ret)
		ret = read_word(id, "type", v->type, sizeof(v->type));
	if (!ret)
		ret = read_word(id, "state", v->state, sizeof(v->state));
	if (!ret)
		ret = read_word(id, "trap", v->trap, sizeof(v->trap));
	if (!ret)
		ret = scan_vgpu_file(id, "low_gm", 2, "%" SCNx64 " %u",
				     &v->low_gm_base, &v->low_gm_mb);
	if (!ret)
		ret = scan_vgpu_file(id, "high_gm", 2, "%" SCNx64 " %u",
				     &v->high_gm_base, &v->high_gm_mb);
	if (!ret)
		ret = scan_vgpu_file(id, "fences", 2, "%u %u", &v->fence_first,
				     &v->fences);
	if (!ret)
		ret = scan_vgpu_file(id, "weight", 1, "%u", &v->weight);
	if (!ret)
		ret = scan_vgpu_file(id, "cap", 1, "%u", &v->cap);
	if (!ret)
		ret = read_vgpu_file(id, "stats", buf, sizeof(buf));
	return ret < 0 ? ret : parse_stats(buf, v);
}

static int by_id(const void *a, const void *b)
{
	const struct xsys_vgpu *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int xsys_vgpus(struct xsys_vgpu *out, int max)
{
	DIR *d = opendir(xsys_root());
	struct dirent *e;
	int count = 0, ret = 0;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d)) && count < max) {
		char *end;
		unsigned long id;

		if (strncmp(e->d_name, "vgpu", 4))
			continue;
		id = strtoul(e->d_name + 4, &end, 10);
		if (end == e->d_name + 4 || *end || id > UINT32_MAX)
			continue;
		ret = read_vgpu((uint32_t)id, &out[count]);
		if (ret == -EPROTO || ret == -ENOENT) {
			char path[4096];

			/* Destroyed between readdir and read: skip it. */
			snprintf(path, sizeof(path), "%s/%s", xsys_root(),
				 e->d_name);
			if (access(path, F_OK) && errno == ENOENT) {
				ret = 0;
				continue;
			}
			/* Still there: a documented file is missing. */
			ret = -EPROTO;
		}
		if (ret)
			break;
		count++;
	}
	closedir(d);
	if (ret)
		return ret;
	qsort(out, count, sizeof(*out), by_id);
	return count;
}

int xsys_vgpu_of(uint32_t domid, struct xsys_vgpu *out)
{
	struct xsys_vgpu all[XSYS_MAX_VGPUS];
	int n = xsys_vgpus(all, XSYS_MAX_VGPUS);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (all[i].domid == domid) {
			*out = all[i];
			return 0;
		}
	}
	return -ENOENT;
}

int xsys_create_type(uint32_t domid, const char *type, uint32_t weight,
		     uint32_t cap)
{
	struct xsys_type types[XSYS_MAX_TYPES];
	char req[128];
	int n, i;

	/* A type with another weight or a cap is created as custom. */
	if (!weight && !cap) {
		snprintf(req, sizeof(req), "%u %s\n", domid, type);
		return write_file("control/create", req);
	}
	n = xsys_types(types, XSYS_MAX_TYPES);
	if (n < 0)
		return n;
	for (i = 0; i < n && strcmp(types[i].name, type); i++)
		;
	if (i == n)
		return -EINVAL;
	return xsys_create_custom(domid, types[i].low_gm_mb,
				  types[i].high_gm_mb, types[i].fences,
				  weight ? weight : types[i].weight, cap);
}

int xsys_create_custom(uint32_t domid, uint32_t low_gm_mb, uint32_t high_gm_mb,
		       uint32_t fences, uint32_t weight, uint32_t cap)
{
	char req[128];

	snprintf(req, sizeof(req), "%u %u %u %u %u %u\n", domid, low_gm_mb,
		 high_gm_mb, fences, weight ? weight : 4, cap);
	return write_file("control/create", req);
}

int xsys_destroy(uint32_t domid)
{
	char req[32];

	snprintf(req, sizeof(req), "%u\n", domid);
	return write_file("control/destroy", req);
}

int xsys_set(uint32_t vgpu_id, const char *what, uint32_t value)
{
	char rel[64], req[32];

	if (strcmp(what, "weight") && strcmp(what, "cap"))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "vgpu%u/%s", vgpu_id, what);
	snprintf(req, sizeof(req), "%u\n", value);
	return write_file(rel, req);
}

int xsys_trap(uint32_t vgpu_id, const char *request)
{
	char rel[64], req[64];

	snprintf(rel, sizeof(rel), "vgpu%u/trap", vgpu_id);
	snprintf(req, sizeof(req), "%s\n", request);
	return write_file(rel, req);
}
