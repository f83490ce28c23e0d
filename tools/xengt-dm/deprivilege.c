// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Dropping privileges after set-up (see deprivilege.h).
 */
#define _GNU_SOURCE /* setresuid, setresgid */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deprivilege.h"
#include "log.h"

/* A decimal uid or gid (0, root, is refused by the caller). */
static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out < 0xffffffffUL;
}

int dm_parse_runas(const char *arg, struct dm_runas *out)
{
	const char *colon = strchr(arg, ':');
	size_t ulen = colon ? (size_t)(colon - arg) : strlen(arg);
	char user[256];
	unsigned long uid, gid;
	struct passwd *pw;
	struct group *gr;

	if (!ulen || ulen >= sizeof(user) || (colon && !colon[1])) {
		fprintf(stderr,
			"xengt-dm: --runas: '%s' is not USER, USER:GROUP or UID:GID\n",
			arg);
		return -1;
	}
	memcpy(user, arg, ulen);
	user[ulen] = '\0';
	if (colon && parse_id(user, &uid) && parse_id(colon + 1, &gid)) {
		out->uid = uid;
		out->gid = gid;
	} else {
		pw = getpwnam(user);
		if (!pw) {
			fprintf(stderr,
				"xengt-dm: --runas: no user '%s' (create one, e.g. adduser --system --no-create-home xengt-dm, or give UID:GID)\n",
				user);
			return -1;
		}
		out->uid = pw->pw_uid;
		out->gid = pw->pw_gid;
		if (colon) {
			gr = getgrnam(colon + 1);
			if (!gr) {
				fprintf(stderr,
					"xengt-dm: --runas: no group '%s'\n",
					colon + 1);
				return -1;
			}
			out->gid = gr->gr_gid;
		}
	}
	if (!out->uid || !out->gid) {
		fprintf(stderr,
			"xengt-dm: --runas: '%s' is root (uid or gid 0): that is no deprivilege\n",
			arg);
		return -1;
	}
	out->set = true;
	return 0;
}

int dm_check_chroot(const char *dir)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (dir[0] != '/') {
		fprintf(stderr, "xengt-dm: --chroot: '%s' is not absolute\n",
			dir);
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "xengt-dm: --chroot: '%s' is not a directory\n",
			dir);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		fprintf(stderr,
			"xengt-dm: --chroot: '%s' must be owned by root and writable by no one else (mode 0755 or stricter)\n",
			dir);
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "xengt-dm: --chroot: '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			fprintf(stderr,
				"xengt-dm: --chroot: '%s' is not empty (it holds '%s')\n",
				dir, e->d_name);
			closedir(d);
			return -1;
		}
	closedir(d);
	return 0;
}

static int failed(const char *what)
{
	int err = errno ? errno : EPERM;

	dm_err("deprivilege: %s: %s", what, strerror(err));
	return -err;
}

int dm_deprivilege(const struct dm_runas *runas, const char *chroot_dir)
{
	static const struct rlimit none = { 0, 0 };

	if (chroot_dir && (chroot(chroot_dir) || chdir("/")))
		return failed("chroot");
	if (runas->set) {
		if (setgroups(0, NULL))
			return failed("clear the supplementary groups");
		if (setresgid(runas->gid, runas->gid, runas->gid))
			return failed("setresgid");
		if (setresuid(runas->uid, runas->uid, runas->uid))
			return failed("setresuid");
		/* A saved id left at 0 would let it all be undone. */
		if (!setuid(0) || !setgid(0) || !geteuid() || !getegid()) {
			errno = EPERM;
			return failed("root could be regained");
		}
	}
	/* Core dumps would hold guest memory; no setuid binary may help. */
	if (setrlimit(RLIMIT_CORE, &none))
		return failed("RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return failed("PR_SET_DUMPABLE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return failed("PR_SET_NO_NEW_PRIVS");
	dm_info("deprivileged: uid %u gid %u, root %s, no core dumps, no new privileges",
		(unsigned int)getuid(), (unsigned int)getgid(),
		chroot_dir ? chroot_dir : "/ (no --chroot)");
	return 0;
}
