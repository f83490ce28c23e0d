// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The vGPU's xenstore record (tools/xl-plugin/dm_state.c) on the
 * $XENGT_XENSTORE stand-in: what is written where, updates that must not
 * bring a removed record back, removal with the device-model directory
 * only when nothing else (QEMU's state) is in it, and xengt watch's sweep
 * of dead domains' records.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dm_state.h"
#include "watch.h"

static char root[] = "/tmp/xengt-xs-XXXXXX";

/* The stand-in's value of @key, "" if absent. */
static const char *get(const char *key)
{
	static char buf[64];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", root, key);
	f = fopen(path, "r");
	if (!f)
		return "";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *key)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, key);
	return !stat(path, &st);
}

static void put(const char *key, const char *val)
{
	char path[256], cmd[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, key);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static int setup(void **state)
{
	char cmd[64];

	(void)state;
	strcpy(root, "/tmp/xengt-xs-XXXXXX");
	assert_non_null(mkdtemp(root));
	setenv("XENGT_XENSTORE", root, 1);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys", root);
	return system(cmd);
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

#define REC "/local/domain/0/device-model/7/xengt/"

static void test_write_read(void **state)
{
	struct dm_state s, r;

	(void)state;
	dm_state_init(&s);
	strcpy(s.state, "attaching");
	strcpy(s.path, "kernel");
	strcpy(s.bdf, "00:02.0");
	strcpy(s.type, "xengt_8");
	s.vgpu = 3;
	assert_int_equal(dm_state_write(7, &s, true), 0);
	assert_string_equal(get(REC "state"), "attaching");
	assert_string_equal(get(REC "path"), "kernel");
	assert_string_equal(get(REC "bdf"), "00:02.0");
	assert_string_equal(get(REC "type"), "xengt_8");
	assert_string_equal(get(REC "vgpu"), "3");
	assert_false(exists(REC "dm-pid"));

	/* An update writes only what it gives. */
	dm_state_init(&s);
	strcpy(s.state, "running");
	s.dm_pid = 4242;
	assert_int_equal(dm_state_write(7, &s, false), 0);
	assert_int_equal(dm_state_read(7, &r), 0);
	assert_string_equal(r.state, "running");
	assert_string_equal(r.path, "kernel");
	assert_string_equal(r.type, "xengt_8");
	assert_int_equal(r.vgpu, 3);
	assert_int_equal(r.dm_pid, 4242);
	assert_int_equal(dm_state_remove_key(7, "dm-pid"), 0);
	assert_false(exists(REC "dm-pid"));
	assert_int_equal(dm_state_read(7, &r), 0);
	assert_int_equal(r.dm_pid, -1);

	assert_int_equal(dm_state_read(8, &r), -ENOENT);
}

/*
 * xengt-dm's monitor marks the record "detached" when xengt-dm ends; if
 * `xengt destroy` removed it first, the update must not make it again.
 */
static void test_update_never_creates(void **state)
{
	struct dm_state s;

	(void)state;
	dm_state_init(&s);
	strcpy(s.state, "detached");
	assert_int_equal(dm_state_write(7, &s, false), -ENOENT);
	assert_false(exists("/local/domain/0/device-model/7"));
	assert_int_equal(dm_state_remove_key(7, "dm-pid"), 0);
	assert_false(exists("/local/domain/0/device-model/7"));
}

/* With QEMU's own keys beside it (libxl's directory), only ours goes. */
static void test_remove(void **state)
{
	struct dm_state s;
	uint32_t ids[4];

	(void)state;
	dm_state_init(&s);
	strcpy(s.state, "running");
	assert_int_equal(dm_state_write(7, &s, true), 0);
	assert_int_equal(dm_state_write(9, &s, true), 0);
	put("/local/domain/0/device-model/9/state", "running");
	put("/local/domain/0/device-model/12/state", "running");
	assert_int_equal(dm_state_domains(ids, 4), 2);
	assert_true((ids[0] == 7 && ids[1] == 9) ||
		    (ids[0] == 9 && ids[1] == 7));

	assert_int_equal(dm_state_remove(7), 0);
	assert_false(exists("/local/domain/0/device-model/7"));
	assert_int_equal(dm_state_remove(9), 0);
	assert_false(exists("/local/domain/0/device-model/9/xengt"));
	assert_string_equal(get("/local/domain/0/device-model/9/state"),
			    "running");
	/* Nothing to remove is not an error. */
	assert_int_equal(dm_state_remove(7), 0);
	assert_int_equal(dm_state_domains(ids, 4), 0);
}

/* Domain 5 lives, 6 is gone, 7 cannot be asked about. */
static int fake_exists(uint32_t domid, void *arg)
{
	(void)arg;
	return domid == 5 ? 1 : domid == 6 ? 0 : -EIO;
}

static void test_sweep_records(void **state)
{
	char sys[64];
	struct dm_state s;

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", root);
	setenv("XENGT_SYSFS", sys, 1);
	dm_state_init(&s);
	strcpy(s.state, "running");
	for (uint32_t d = 5; d <= 7; d++)
		assert_int_equal(dm_state_write(d, &s, true), 0);
	/* No vGPUs at all: the records are swept all the same. */
	assert_int_equal(xengt_sweep(fake_exists, NULL), 0);
	assert_true(exists("/local/domain/0/device-model/5/xengt/state"));
	assert_false(exists("/local/domain/0/device-model/6"));
	assert_true(exists("/local/domain/0/device-model/7/xengt/state"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_never_creates,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_records, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
