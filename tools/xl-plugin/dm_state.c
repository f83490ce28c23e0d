// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A vGPU's device-model record in xenstore (see dm_state.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "dm_state.h"

/*
 * The store: xenstore through libxenstore, or ($XENGT_XENSTORE) a
 * directory tree with one file per key, for tests.  The stand-in has no
 * transactions; its users are single processes.
 */
static struct xs_handle *xsh;
static const char *fake_root;

static int st_open(void)
{
	const char *dir = getenv("XENGT_XENSTORE");

	if (dir && *dir) {
		fake_root = dir;
		return 0;
	}
	fake_root = NULL;
	if (xsh)
		return 0;
	xsh = xs_open(0);
	return xsh ? 0 : -(errno ? errno : ENOENT);
}

void dm_state_close(void)
{
	if (xsh)
		xs_close(xsh);
	xsh = NULL;
}

static void fake_path(char *buf, size_t size, const char *path)
{
	snprintf(buf, size, "%s%s", fake_root, path);
}

static xs_transaction_t st_begin(void)
{
	return fake_root ? XBT_NULL : xs_transaction_start(xsh);
}

/* true: committed (or aborted as asked); false with errno (EAGAIN: retry). */
static bool st_end(xs_transaction_t t, bool abort)
{
	return fake_root ? true : xs_transaction_end(xsh, t, abort);
}

static char *st_read(xs_transaction_t t, const char *path)
{
	char p[512], buf[256];
	ssize_t n;
	int fd;

	if (!fake_root) {
		unsigned int len;

		return xs_read(xsh, t, path, &len);
	}
	fake_path(p, sizeof(p), path);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* mkdir -p for the stand-in, of @p's parent directories. */
static bool fake_mkdirs(char *p)
{
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			*s = '/';
			return false;
		}
		*s = '/';
	}
	return true;
}

static bool st_write(xs_transaction_t t, const char *path, const char *val)
{
	char p[512];
	FILE *f;

	if (!fake_root)
		return xs_write(xsh, t, path, val, strlen(val));
	fake_path(p, sizeof(p), path);
	if (!fake_mkdirs(p))
		return false;
	f = fopen(p, "w");
	if (!f)
		return false;
	fputs(val, f);
	return !fclose(f);
}

static bool st_mkdir(xs_transaction_t t, const char *path)
{
	char p[512];

	if (!fake_root)
		return xs_mkdir(xsh, t, path);
	fake_path(p, sizeof(p), path);
	strcat(p, "/");
	return fake_mkdirs(p);
}

/* Its entries' names: one allocation, as xs_directory() returns them. */
static char **st_ls(xs_transaction_t t, const char *path, unsigned int *n)
{
	char p[512], **list;
	struct dirent *e;
	unsigned int count;
	size_t size = 0;
	char *names;
	DIR *d;

	if (!fake_root)
		return xs_directory(xsh, t, path, n);
	fake_path(p, sizeof(p), path);
	d = opendir(p);
	if (!d)
		return NULL;
	*n = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			(*n)++;
			size += strlen(e->d_name) + 1;
		}
	list = malloc((*n + 1) * sizeof(*list) + size);
	if (!list) {
		closedir(d);
		return NULL;
	}
	names = (char *)(list + *n + 1);
	/* Entries that appeared since the count are left out. */
	count = *n;
	rewinddir(d);
	*n = 0;
	while ((e = readdir(d)) && *n < count) {
		size_t len = strlen(e->d_name) + 1;

		if (e->d_name[0] == '.' || len > size)
			continue;
		list[(*n)++] = memcpy(names, e->d_name, len);
		names += len;
		size -= len;
	}
	closedir(d);
	return list;
}

static int fake_rm(const char *p)
{
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (lstat(p, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(p);
	d = opendir(p);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char sub[512];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", p, e->d_name);
		fake_rm(sub);
	}
	closedir(d);
	return rmdir(p);
}

/* A path and everything under it; true also when it was not there. */
static bool st_rm(xs_transaction_t t, const char *path)
{
	char p[512];

	if (!fake_root)
		return xs_rm(xsh, t, path) || errno == ENOENT;
	fake_path(p, sizeof(p), path);
	return !fake_rm(p);
}

static void record_path(char *buf, size_t size, uint32_t domid, const char *key)
{
	snprintf(buf, size, DM_STATE_DIR "/%u/xengt%s%s", domid, key ? "/" : "",
		 key ? key : "");
}

void dm_state_init(struct dm_state *s)
{
	*s = (struct dm_state){ .vgpu = -1, .dm_pid = -1 };
}

/* One transaction of @fn, retried while xenstore says EAGAIN. */
static int transact(int (*fn)(xs_transaction_t t, uint32_t domid,
			      const void *arg),
		    uint32_t domid, const void *arg)
{
	int ret = st_open(), tries;

	if (ret)
		return ret;
	for (tries = 0; tries < 16; tries++) {
		xs_transaction_t t = st_begin();

		if (!fake_root && t == XBT_NULL)
			return -errno;
		ret = fn(t, domid, arg);
		if (st_end(t, ret != 0))
			return ret;
		if (errno != EAGAIN)
			return ret ? ret : -errno;
	}
	return -EAGAIN;
}

struct write_arg {
	const struct dm_state *s;
	bool create;
};

static int do_write(xs_transaction_t t, uint32_t domid, const void *varg)
{
	const struct write_arg *a = varg;
	const struct dm_state *s = a->s;
	char path[128], num[24];
	const struct {
		const char *key, *val;
	} str[] = {
		{ "state", s->state },
		{ "path", s->path },
		{ "bdf", s->bdf },
		{ "type", s->type },
	};

	record_path(path, sizeof(path), domid, NULL);
	if (!a->create) {
		char *old;

		record_path(path, sizeof(path), domid, "state");
		old = st_read(t, path);
		if (!old)
			return -ENOENT;
		free(old);
	} else if (!st_mkdir(t, path)) {
		return -errno;
	}
	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
		if (!str[i].val[0])
			continue;
		record_path(path, sizeof(path), domid, str[i].key);
		if (!st_write(t, path, str[i].val))
			return -errno;
	}
	if (s->vgpu >= 0) {
		record_path(path, sizeof(path), domid, "vgpu");
		snprintf(num, sizeof(num), "%" PRId64, s->vgpu);
		if (!st_write(t, path, num))
			return -errno;
	}
	if (s->dm_pid >= 0) {
		record_path(path, sizeof(path), domid, "dm-pid");
		snprintf(num, sizeof(num), "%" PRId64, s->dm_pid);
		if (!st_write(t, path, num))
			return -errno;
	}
	return 0;
}

int dm_state_write(uint32_t domid, const struct dm_state *s, bool create)
{
	struct write_arg a = { s, create };

	return transact(do_write, domid, &a);
}

static int do_remove_key(xs_transaction_t t, uint32_t domid, const void *key)
{
	char path[128], *old;

	/* Only inside an existing record: never make one by removing. */
	record_path(path, sizeof(path), domid, key);
	old = st_read(t, path);
	if (!old)
		return 0;
	free(old);
	return st_rm(t, path) ? 0 : -errno;
}

int dm_state_remove_key(uint32_t domid, const char *key)
{
	return transact(do_remove_key, domid, key);
}

static int do_remove(xs_transaction_t t, uint32_t domid,
		     const void __attribute__((unused)) * arg)
{
	char path[128], **left;
	unsigned int n = 0;

	record_path(path, sizeof(path), domid, NULL);
	if (!st_rm(t, path))
		return -errno;
	/* DOMID's directory, if the record was all it held (no QEMU). */
	snprintf(path, sizeof(path), DM_STATE_DIR "/%u", domid);
	left = st_ls(t, path, &n);
	if (left && !n && !st_rm(t, path)) {
		free(left);
		return -errno;
	}
	free(left);
	return 0;
}

int dm_state_remove(uint32_t domid)
{
	return transact(do_remove, domid, NULL);
}

/* One key of DOMID's record, or NULL (errno set) when it is absent. */
static char *read_key(uint32_t domid, const char *key)
{
	char path[128];

	record_path(path, sizeof(path), domid, key);
	return st_read(XBT_NULL, path);
}

/* A text key into @dst ("" when absent). */
static void read_text(uint32_t domid, const char *key, char *dst, size_t size)
{
	char *v = read_key(domid, key);

	snprintf(dst, size, "%s", v ? v : "");
	free(v);
}

/* A number key into *@dst (left alone when absent). */
static void read_number(uint32_t domid, const char *key, int64_t *dst)
{
	char *v = read_key(domid, key);

	if (v)
		*dst = strtoll(v, NULL, 10);
	free(v);
}

int dm_state_read(uint32_t domid, struct dm_state *s)
{
	char *v;
	int ret = st_open();

	dm_state_init(s);
	if (ret)
		return ret;
	v = read_key(domid, "state");
	if (!v)
		return errno == ENOENT || !errno ? -ENOENT : -errno;
	snprintf(s->state, sizeof(s->state), "%s", v);
	free(v);
	read_text(domid, "path", s->path, sizeof(s->path));
	read_text(domid, "bdf", s->bdf, sizeof(s->bdf));
	read_text(domid, "type", s->type, sizeof(s->type));
	read_number(domid, "vgpu", &s->vgpu);
	read_number(domid, "dm-pid", &s->dm_pid);
	return 0;
}

int dm_state_domains(uint32_t *out, int max)
{
	char **dirs, path[128], **sub;
	unsigned int n = 0, m;
	int ret = st_open(), found = 0;

	if (ret)
		return ret;
	dirs = st_ls(XBT_NULL, DM_STATE_DIR, &n);
	if (!dirs)
		return errno == ENOENT ? 0 : -errno;
	for (unsigned int i = 0; i < n && found < max; i++) {
		char *end;
		unsigned long id = strtoul(dirs[i], &end, 10);

		if (*end || end == dirs[i])
			continue;
		snprintf(path, sizeof(path), DM_STATE_DIR "/%s/xengt", dirs[i]);
		sub = st_ls(XBT_NULL, path, &m);
		if (sub)
			out[found++] = (uint32_t)id;
		free(sub);
	}
	free(dirs);
	return found;
}
