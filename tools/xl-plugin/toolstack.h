/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the admin tools ask of Xen's toolstack: xl for domain lifecycle
 * (so that a domain xengt creates is an ordinary xl domain), libxl for
 * domain names, and xengt-dm.  $XENGT_XL and $XENGT_DM name other
 * programs (tests use fakes).  Not thread-safe.
 */
#ifndef XENGT_TOOLSTACK_H
#define XENGT_TOOLSTACK_H

#include <stdbool.h>
#include <stdint.h>

#define TS_NAME_MAX 64

/* xl's path ($XENGT_XL or "xl"), xengt-dm's ($XENGT_DM or "xengt-dm"). */
const char *ts_xl(void);
const char *ts_dm(void);

/*
 * Run @argv (argv[0] searched in $PATH), stdin from /dev/null, its output
 * to ours unless @out: then its standard output goes to @out (up to
 * @size - 1 bytes, NUL-terminated).  Returns its exit status (0..255),
 * 128 + signal, or -errno if it could not be run.
 */
int ts_run(const char *const *argv, char *out, size_t size);

/*
 * A domain by name or decimal id (as xl takes them): 0 and *@domid, or
 * -ENOENT (no such domain), -EINVAL (neither), -ENOSYS (a name, but
 * libxl is not available: not a Xen dom0).
 */
int ts_domain_lookup(const char *what, uint32_t *domid);
/* The domain's name into @name, or "-" when libxl cannot tell. */
void ts_domain_name(uint32_t domid, char *name, size_t size);

/* Free libxl's context if one was opened. */
void ts_close(void);

#endif /* XENGT_TOOLSTACK_H */
