// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * attach-probe DOMID FLAGS: one XENGT_IOC_ATTACH on /dev/xengt, as
 * xengt-dm makes it, and the errno it ends with ("ok" on success), for
 * the module test (init.sh) to check the ioctl's ABI without Xen: which
 * flags a module takes (docs/ABI/dev-xengt).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xengt/xengt-ioctl.h"

int main(int argc, char **argv)
{
	struct xengt_ioc_attach a = { .sbdf = 0x10 };
	int fd;

	if (argc != 3)
		return 2;
	a.domid = (__u16)strtoul(argv[1], NULL, 10);
	a.flags = (__u32)strtoul(argv[2], NULL, 0);
	fd = open("/dev/xengt", O_RDWR);
	if (fd < 0) {
		printf("open %s\n", strerrorname_np(errno));
		return 1;
	}
	if (ioctl(fd, XENGT_IOC_ATTACH, &a))
		printf("%s\n", strerrorname_np(errno));
	else
		printf("ok\n");
	close(fd);
	return 0;
}
