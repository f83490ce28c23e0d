// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt watch's sweep (tools/xl-plugin/watch.c) on a stand-in
 * /sys/kernel/xengt: only vGPUs of domains known to be gone are freed.
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

#include "watch.h"

static char root[] = "/tmp/xengt-watch-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void add_vgpu(unsigned id, unsigned domid)
{
	char dir[256], rel[64], text[32];
	static const char *const files[][2] = {
		{ "type", "xengt_8\n" },
		{ "state", "detached\n" },
		{ "trap", "detached\n" },
		{ "low_gm", "0x4000000 64\n" },
		{ "high_gm", "0x40000000 384\n" },
		{ "fences", "4 4\n" },
		{ "weight", "2\n" },
		{ "cap", "0\n" },
		{ "stats", "traps 0\ngpu_ticks 0\nfailsafe_reason -\n" },
	};

	snprintf(dir, sizeof(dir), "%s/vgpu%u", root, id);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(rel, sizeof(rel), "vgpu%u/domid", id);
	snprintf(text, sizeof(text), "%u\n", domid);
	put(rel, text);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "vgpu%u/%s", id, files[i][0]);
		put(rel, files[i][1]);
	}
}

/* Domain 5 lives, 6 is gone, 7 cannot be asked about. */
static int fake_exists(uint32_t domid, void *arg)
{
	int *asked = arg;

	(*asked)++;
	return domid == 5 ? 1 : domid == 6 ? 0 : -EIO;
}

static void test_sweep(void **state)
{
	char path[256], buf[32] = { 0 };
	FILE *f;
	int asked = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	setenv("XENGT_SYSFS", root, 1);
	snprintf(path, sizeof(path), "%s/control", root);
	assert_int_equal(mkdir(path, 0755), 0);
	put("control/destroy", "");
	add_vgpu(1, 5);
	add_vgpu(2, 6);
	add_vgpu(3, 7);

	assert_int_equal(xengt_sweep(fake_exists, &asked), 1);
	assert_int_equal(asked, 3);
	snprintf(path, sizeof(path), "%s/control/destroy", root);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "6\n"); /* only the dead one */

	/* Without the module: an error, nothing asked. */
	setenv("XENGT_SYSFS", "/nonexistent", 1);
	asked = 0;
	assert_true(xengt_sweep(fake_exists, &asked) < 0);
	assert_int_equal(asked, 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
