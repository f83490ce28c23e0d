// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The xl configuration keys of a vGPU (tools/xl-plugin/vgt_config.c):
 * every key with good and bad values, each bad one with its message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vgt_config.h"

static const char *const types[] = { "xengt_8", "xengt_4", "xengt_2", "xengt_1",
				     NULL };

#define GUEST "name = \"g1\"\ntype = \"hvm\"\n"

/* Parse @text; the messages it printed end up in *@msgs (caller frees). */
static int parse(const char *text, struct vgt_config *c, char **msgs)
{
	size_t n;
	FILE *err = open_memstream(msgs, &n);
	int ret;

	assert_non_null(err);
	ret = vgt_config_parse("g1.cfg", text, (int)strlen(text), types, c,
			       err);
	fclose(err);
	return ret;
}

static void expect_ok(const char *text, struct vgt_config *c)
{
	char *msgs;

	if (parse(text, c, &msgs)) {
		print_error("unexpected error for:\n%s\n%s", text, msgs);
		fail();
	}
	assert_string_equal(msgs, "");
	free(msgs);
}

static void expect_bad(const char *text, const char *message)
{
	struct vgt_config c;
	char *msgs;

	assert_int_equal(parse(text, &c, &msgs), -EINVAL);
	if (!strstr(msgs, message)) {
		print_error("for:\n%s\nwanted \"%s\" in \"%s\"\n", text,
			    message, msgs);
		fail();
	}
	free(msgs);
}

static void test_no_vgpu(void **state)
{
	struct vgt_config c;

	(void)state;
	expect_ok("name = \"g1\"\n", &c);
	assert_false(c.enabled);
	expect_ok("name = \"g1\"\nvgt = 0\n", &c);
	assert_false(c.enabled);
}

static void test_defaults(void **state)
{
	struct vgt_config c;

	(void)state;
	expect_ok(GUEST "vgt = 1\n", &c);
	assert_true(c.enabled);
	assert_true(c.hvm);
	assert_string_equal(c.name, "g1");
	assert_string_equal(c.type, "xengt_8"); /* the first: smallest */
	assert_int_equal(c.weight, 0);
	assert_int_equal(c.cap, 0);
	assert_int_equal(c.path, VGT_PATH_KERNEL);
	assert_int_equal(c.sbdf, 5 << 3); /* HVM: 00:05.0 */
	assert_true(c.ggtt_ram); /* HVM: the stock i915 flushes */
	expect_ok("name = \"p\"\ntype = \"pvh\"\nvgt = 1\n", &c);
	assert_false(c.hvm);
	assert_int_equal(c.sbdf, 2 << 3); /* PVH: 00:02.0 */
	assert_false(c.ggtt_ram);
	/* xl's older spelling of an HVM guest */
	expect_ok("name = \"b\"\nbuilder = \"hvm\"\nvgt = 1\n", &c);
	assert_true(c.hvm);
}

static void test_every_key(void **state)
{
	struct vgt_config c;

	(void)state;
	expect_ok(GUEST
		  "vgt = 1\nvgt_type = \"xengt_2\"\nvgt_weight = 9\n"
		  "vgt_cap = 50\nvgt_path = \"dm\"\nvgt_bdf = \"00:1f.7\"\n",
		  &c);
	assert_string_equal(c.type, "xengt_2");
	assert_int_equal(c.weight, 9);
	assert_int_equal(c.cap, 50);
	assert_int_equal(c.path, VGT_PATH_DM);
	assert_int_equal(c.sbdf, 0x1f << 3 | 7);
	expect_ok(GUEST "vgt = 1\nvgt_ggtt_ram = 0\n", &c);
	assert_false(c.ggtt_ram);
	expect_ok("name = \"p\"\ntype = \"pvh\"\nvgt = 1\nvgt_ggtt_ram = 1\n",
		  &c);
	assert_true(c.ggtt_ram);
	expect_ok(GUEST "vgt = 1\nvgt_low_gm_sz = 128\nvgt_high_gm_sz = 384\n"
			"vgt_fence_sz = 4\nvgt_path = \"kernel\"\n",
		  &c);
	assert_string_equal(c.type, "");
	assert_int_equal(c.low_gm_mb, 128);
	assert_int_equal(c.high_gm_mb, 384);
	assert_int_equal(c.fences, 4);
	assert_int_equal(c.path, VGT_PATH_KERNEL);
	/* Bounds are inclusive; a quoted number is still a number. */
	expect_ok(GUEST "vgt = 1\nvgt_weight = 1\nvgt_cap = 0\n", &c);
	expect_ok(GUEST "vgt = 1\nvgt_weight = \"16\"\nvgt_cap = 100\n", &c);
	assert_int_equal(c.weight, 16);
	expect_ok(GUEST "vgt = 1\nvgt_low_gm_sz = 1\nvgt_high_gm_sz = 65535\n"
			"vgt_fence_sz = 32\n",
		  &c);
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_bad(GUEST "vgt = 2\n",
		   "g1.cfg: vgt: not a decimal number in 0..1");
	expect_bad(GUEST "vgt = \"yes\"\n",
		   "g1.cfg: vgt: not a decimal number");
	expect_bad(
		GUEST "vgt = 1\nvgt_type = \"xengt_3\"\n",
		"g1.cfg: vgt_type: unknown type \"xengt_3\" (accepted: xengt_8, xengt_4, xengt_2, xengt_1)");
	expect_bad(GUEST "vgt = 1\nvgt_type = 4\n",
		   "g1.cfg: vgt_type: unknown type \"4\"");
	expect_bad(GUEST "vgt = 1\nvgt_type = [ \"a\" ]\n",
		   "g1.cfg: vgt_type: not a string");
	expect_bad(
		GUEST
		"vgt = 1\nvgt_low_gm_sz = 0\nvgt_high_gm_sz = 1\nvgt_fence_sz = 1\n",
		"g1.cfg: vgt_low_gm_sz: not a decimal number in 1..65535 MiB");
	expect_bad(
		GUEST
		"vgt = 1\nvgt_low_gm_sz = 1\nvgt_high_gm_sz = 65536\nvgt_fence_sz = 1\n",
		"g1.cfg: vgt_high_gm_sz: not a decimal number in 1..65535 MiB");
	expect_bad(
		GUEST
		"vgt = 1\nvgt_low_gm_sz = 1\nvgt_high_gm_sz = 1\nvgt_fence_sz = 33\n",
		"g1.cfg: vgt_fence_sz: not a decimal number in 1..32 fence registers");
	expect_bad(
		GUEST
		"vgt = 1\nvgt_low_gm_sz = \"64M\"\nvgt_high_gm_sz = 1\nvgt_fence_sz = 1\n",
		"g1.cfg: vgt_low_gm_sz: not a decimal number");
	expect_bad(GUEST "vgt = 1\nvgt_weight = 0\n",
		   "g1.cfg: vgt_weight: not a decimal number in 1..16");
	expect_bad(GUEST "vgt = 1\nvgt_weight = 17\n",
		   "g1.cfg: vgt_weight: not a decimal number in 1..16");
	expect_bad(GUEST "vgt = 1\nvgt_weight = \"-1\"\n",
		   "g1.cfg: vgt_weight: not a decimal number in 1..16");
	expect_bad(GUEST "vgt = 1\nvgt_cap = 101\n",
		   "g1.cfg: vgt_cap: not a decimal number in 0..100 percent");
	expect_bad(GUEST "vgt = 1\nvgt_ggtt_ram = 2\n",
		   "g1.cfg: vgt_ggtt_ram: not a decimal number in 0..1");
	expect_bad(GUEST "vgt = 1\nvgt_path = \"qemu\"\n",
		   "g1.cfg: vgt_path: \"qemu\" (accepted: \"kernel\", \"dm\")");
	expect_bad(GUEST "vgt = 1\nvgt_bdf = \"0:5.0\"\n",
		   "g1.cfg: vgt_bdf: \"0:5.0\" is not a PCI address BB:DD.F");
	expect_bad(GUEST "vgt = 1\nvgt_bdf = \"00:20.0\"\n",
		   "g1.cfg: vgt_bdf: \"00:20.0\" is not a PCI address");
	expect_bad(GUEST "vgt = 1\nvgt_bdf = \"00:05.8\"\n",
		   "g1.cfg: vgt_bdf: \"00:05.8\" is not a PCI address");
	expect_bad(GUEST "vgt = 1\nvgt_bdf = \"00:05.0x\"\n",
		   "g1.cfg: vgt_bdf: \"00:05.0x\" is not a PCI address");
}

static void test_inconsistent(void **state)
{
	(void)state;
	/* A guest that asked for a vGPU never boots without one. */
	expect_bad(GUEST "vgt_type = \"xengt_4\"\n",
		   "g1.cfg: vgt_type: given, but vgt is not 1");
	expect_bad(GUEST "vgt = 0\nvgt_weight = 4\n",
		   "g1.cfg: vgt_weight: given, but vgt is not 1");
	expect_bad(GUEST "vgt_ggtt_ram = 1\n",
		   "g1.cfg: vgt_ggtt_ram: given, but vgt is not 1");
	expect_bad(GUEST
		   "vgt = 1\nvgt_type = \"xengt_4\"\nvgt_low_gm_sz = 64\n",
		   "g1.cfg: vgt_type: given with custom sizes");
	expect_bad(
		GUEST "vgt = 1\nvgt_low_gm_sz = 64\nvgt_high_gm_sz = 384\n",
		"g1.cfg: vgt_low_gm_sz: a custom vGPU needs all of vgt_low_gm_sz, vgt_high_gm_sz and vgt_fence_sz");
	expect_bad(
		"name = \"g1\"\nvgt = 1\n",
		"g1.cfg: type: \"pv (xl's default)\": a vGPU needs an HVM or PVH guest");
	expect_bad(
		"name = \"g1\"\ntype = \"pv\"\nvgt = 1\n",
		"g1.cfg: type: \"pv\": a vGPU needs an HVM or PVH guest (accepted: \"hvm\", \"pvh\")");
	expect_bad("type = \"hvm\"\nvgt = 1\n", "g1.cfg: name: missing");
	/* Several problems: each is reported. */
	expect_bad(GUEST "vgt = 1\nvgt_weight = 0\nvgt_cap = 200\n",
		   "vgt_cap: not a decimal number in 0..100");
}

static void test_syntax_and_files(void **state)
{
	struct vgt_config c;
	char *msgs;
	size_t n;
	FILE *err;
	char path[] = "/tmp/xengt-vgt-config-XXXXXX";
	int fd;

	(void)state;
	/* xl's own parser reports where the syntax breaks. */
	assert_int_equal(parse(GUEST "vgt = = 1\n", &c, &msgs), -EINVAL);
	assert_non_null(strstr(msgs, "g1.cfg:"));
	free(msgs);

	err = open_memstream(&msgs, &n);
	assert_int_equal(vgt_config_read("/nonexistent/g.cfg", types, &c, err),
			 -ENOENT);
	fclose(err);
	assert_non_null(strstr(msgs, "/nonexistent/g.cfg"));
	free(msgs);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	{
		static const char text[] =
			GUEST "vgt = 1\nvgt_type = \"xengt_1\"\n";

		assert_int_equal(write(fd, text, sizeof(text) - 1),
				 (ssize_t)sizeof(text) - 1);
	}
	close(fd);
	err = open_memstream(&msgs, &n);
	assert_int_equal(vgt_config_read(path, types, &c, err), 0);
	fclose(err);
	free(msgs);
	unlink(path);
	assert_string_equal(c.type, "xengt_1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_vgpu),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_inconsistent),
		cmocka_unit_test(test_syntax_and_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
