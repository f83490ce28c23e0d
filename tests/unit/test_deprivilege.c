// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-dm's privilege drop (tools/xengt-dm/deprivilege.c): every bad
 * --runas and --chroot refused with its message, and, when the test runs
 * as root, the drop itself in a child: afterwards it cannot regain root,
 * sees nothing of the file system, has no core dumps and no new
 * privileges, yet a descriptor opened before still works.
 */
#define _GNU_SOURCE /* deprivilege.c is included: setresuid */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../tools/xengt-dm/deprivilege.c"
#include "../../tools/xengt-dm/log.c"

static char msg[1024];

/* Run @fn with stderr captured into msg[]. */
#define CAPTURE(expr)                                     \
	({                                                \
		FILE *tmp = tmpfile();                    \
		int saved = dup(2), r_;                   \
		size_t n_;                                \
		assert_non_null(tmp);                     \
		fflush(stderr);                           \
		dup2(fileno(tmp), 2);                     \
		r_ = (expr);                              \
		fflush(stderr);                           \
		dup2(saved, 2);                           \
		close(saved);                             \
		rewind(tmp);                              \
		n_ = fread(msg, 1, sizeof(msg) - 1, tmp); \
		msg[n_] = '\0';                           \
		fclose(tmp);                              \
		r_;                                       \
	})

static void test_runas_good(void **state)
{
	struct dm_runas r = { 0 };

	(void)state;
	assert_int_equal(CAPTURE(dm_parse_runas("1234:5678", &r)), 0);
	assert_true(r.set);
	assert_int_equal(r.uid, 1234);
	assert_int_equal(r.gid, 5678);
	r = (struct dm_runas){ 0 };
	/* Every Debian system has nobody:nogroup (65534:65534). */
	assert_int_equal(CAPTURE(dm_parse_runas("nobody", &r)), 0);
	assert_int_equal(r.uid, 65534);
	assert_int_equal(CAPTURE(dm_parse_runas("nobody:nogroup", &r)), 0);
	assert_int_equal(r.gid, 65534);
}

static void expect_runas_refused(const char *arg, const char *why)
{
	struct dm_runas r = { 0 };

	assert_int_equal(CAPTURE(dm_parse_runas(arg, &r)), -1);
	assert_false(r.set);
	if (!strstr(msg, why))
		fail_msg("--runas %s: \"%s\" lacks \"%s\"", arg, msg, why);
}

static void test_runas_bad(void **state)
{
	(void)state;
	expect_runas_refused("", "is not USER, USER:GROUP or UID:GID");
	expect_runas_refused(":5", "is not USER, USER:GROUP or UID:GID");
	expect_runas_refused("nobody:", "is not USER, USER:GROUP or UID:GID");
	expect_runas_refused("no-such-user-xengt",
			     "no user 'no-such-user-xengt'");
	expect_runas_refused("nobody:no-such-group-xengt",
			     "no group 'no-such-group-xengt'");
	expect_runas_refused("root", "is root");
	expect_runas_refused("0:0", "is root");
	expect_runas_refused("1000:0", "is root");
	expect_runas_refused("nobody:root", "is root");
	/* A number alone is a user name, and none is called that. */
	expect_runas_refused("1000", "no user '1000'");
	expect_runas_refused("4294967296:1", "no user '4294967296'");
}

static char dir[64];

static int setup_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/xengt-chroot-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return chmod(dir, 0755);
}

static int teardown_dir(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/junk", dir);
	unlink(path);
	return rmdir(dir);
}

static void expect_chroot_refused(const char *d, const char *why)
{
	assert_int_equal(CAPTURE(dm_check_chroot(d)), -1);
	if (!strstr(msg, why))
		fail_msg("--chroot %s: \"%s\" lacks \"%s\"", d, msg, why);
}

static void test_chroot_checks(void **state)
{
	char path[128];
	int fd;

	(void)state;
	assert_int_equal(CAPTURE(dm_check_chroot(dir)), 0);
	expect_chroot_refused("tmp/x", "is not absolute");
	expect_chroot_refused("/no/such/dir", "is not a directory");
	expect_chroot_refused("/etc/passwd", "is not a directory");
	assert_int_equal(chmod(dir, 0775), 0);
	expect_chroot_refused(dir, "writable by no one else");
	assert_int_equal(chmod(dir, 0757), 0);
	expect_chroot_refused(dir, "writable by no one else");
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/junk", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	expect_chroot_refused(dir, "is not empty (it holds 'junk')");
	unlink(path);
	if (!geteuid()) {
		assert_int_equal(chown(dir, 1234, 0), 0);
		expect_chroot_refused(dir, "must be owned by root");
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	assert_int_equal(CAPTURE(dm_check_chroot(dir)), 0);
}

/* In the child: what the dropped process can and cannot do. */
static int child_checks(int keep_fd)
{
	struct rlimit rl;
	char c;

	if (getuid() != 65534 || geteuid() != 65534 || getgid() != 65534 ||
	    getegid() != 65534 || getgroups(0, NULL) != 0)
		return 10;
	if (!setuid(0) || !seteuid(0) || !setgid(0))
		return 11;
	if (access("/etc/passwd", F_OK) == 0 || errno != ENOENT)
		return 12; /* the chroot shows nothing */
	if (open("/x", O_CREAT | O_WRONLY, 0600) >= 0)
		return 13; /* and takes nothing */
	if (getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur || rl.rlim_max)
		return 14;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 ||
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 15;
	/* Descriptors opened before (the Xen handles) still work. */
	if (lseek(keep_fd, 0, SEEK_SET) || read(keep_fd, &c, 1) != 1)
		return 16;
	return 0;
}

static void test_drop_in_child(void **state)
{
	struct dm_runas r = { .set = true, .uid = 65534, .gid = 65534 };
	int fd, status;
	pid_t pid;

	(void)state;
	if (geteuid())
		skip(); /* only root can drop root */
	fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0)
		fd = open("/etc/passwd", O_RDONLY);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dm_log_init("test", false, false);
		if (dm_deprivilege(&r, dir))
			_exit(9);
		_exit(child_checks(fd));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A failure part-way (no such chroot) is an error, logged, never a pass. */
static void test_drop_fails_closed(void **state)
{
	struct dm_runas r = { .set = true, .uid = 65534, .gid = 65534 };
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		uid_t before = getuid();
		int ret;

		dm_log_init("test", false, false);
		ret = CAPTURE(dm_deprivilege(&r, "/no/such/dir"));
		/* Root: ENOENT; anyone else may not chroot at all. */
		_exit(ret < 0 && strstr(msg, "deprivilege: chroot") &&
				      getuid() == before ?
			      0 :
			      1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runas_good),
		cmocka_unit_test(test_runas_bad),
		cmocka_unit_test_setup_teardown(test_chroot_checks, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_drop_in_child, setup_dir,
						teardown_dir),
		cmocka_unit_test(test_drop_fails_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
