/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What xengt-dm gives up once its guest can be served, after the Xen
 * handles were restricted to the one domain (ioreq_server_restrict()):
 * root (--runas), the file system (--chroot, an empty directory), core
 * dumps and any way to gain privileges again.  See docs/admin-guide.md,
 * "Deprivileged xengt-dm".
 *
 * Called from xengt-dm's main thread only, before any other thread exists
 * that could race the credential change.
 */
#ifndef XENGT_DM_DEPRIVILEGE_H
#define XENGT_DM_DEPRIVILEGE_H

#include <stdbool.h>
#include <sys/types.h>

struct dm_runas {
	bool set;
	uid_t uid;
	gid_t gid;
};

/*
 * --runas USER, USER:GROUP or UID:GID (decimal), resolved now, while the
 * user and group databases can still be read.  Root (uid or gid 0) is
 * refused.  Returns 0, or -1 with the reason printed to stderr.
 */
int dm_parse_runas(const char *arg, struct dm_runas *out);

/*
 * --chroot DIR must be an absolute path to an existing, empty directory
 * owned by root and writable by no one else, so that the deprivileged
 * process finds nothing in it and can leave nothing behind.  Returns 0,
 * or -1 with the reason printed to stderr.
 */
int dm_check_chroot(const char *dir);

/*
 * Enter @chroot_dir (if not NULL), drop to @runas (if set: supplementary
 * groups cleared, real, effective and saved ids all changed, then proved
 * irrevocable), forbid new privileges and core dumps.  Open file
 * descriptors (the Xen handles, syslog's socket) stay usable.  Returns 0,
 * or -errno with the reason logged; the process must then not serve.
 */
int dm_deprivilege(const struct dm_runas *runas, const char *chroot_dir);

#endif
