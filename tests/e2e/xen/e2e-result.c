// SPDX-License-Identifier: GPL-2.0
/*
 * e2e-result - dom0 side of the e2e result channel.
 *
 *   e2e-result wait --domain ID --gfn GFN [--timeout SECS] [--running]
 *	Maps the guest's result page (struct e2e_result) read-only and waits
 *	until the guest publishes its verdict, the domain stops, or the
 *	timeout. Prints the guest's result lines (its verdict, "PASS" or
 *	"FAIL: reason", last). Exit 0 on PASS, 1 on a guest FAIL, 3 when the
 *	guest gave no verdict: then the last line is "NOVERDICT: reason".
 *	With --running: wait only until the guest has started its test
 *	(state RUNNING or DONE): exit 0 then, 3 on timeout or death.
 *
 *   e2e-result emit [--port PORT]
 *	Copies stdin to QEMU's isa-debugcon (default port 0x4e9) through
 *	/dev/port: the host reads it from its own file, apart from every
 *	console.
 *
 *   e2e-result exit [CODE]
 *	Writes CODE to QEMU's isa-debug-exit (port 0xf4): QEMU exits at once
 *	with status (CODE << 1) | 1.
 *
 *   e2e-result xs PATH
 *	Prints the xenstore keys directly under PATH as "name=value" lines,
 *	sorted (dom0 here has no xenstore-ls); exit 1 if PATH does not
 *	exist.  Independent of the tools under test, which write them.
 */
#define _GNU_SOURCE
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>

#include "e2e-result.h"

#define PROG "e2e-result"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_ul(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

#define EXIT_NOVERDICT 3

/* Prints the guest's lines; returns 0 if the last one is PASS, 1 if it is a
 * FAIL line, EXIT_NOVERDICT otherwise. */
static int print_result(const volatile struct e2e_result *r)
{
	static char text[E2E_RESULT_TEXT_MAX + 2];
	uint32_t len = r->len;
	char *last;

	if (len > E2E_RESULT_TEXT_MAX)
		len = E2E_RESULT_TEXT_MAX;
	for (uint32_t i = 0; i < len; i++) {
		char c = r->text[i];

		/* the guest is untrusted: printable ASCII and newlines only */
		text[i] = (c == '\n' || (c >= 0x20 && c < 0x7f)) ? c : '?';
	}
	if (!len || text[len - 1] != '\n')
		text[len++] = '\n';
	text[len] = '\0';
	fputs(text, stdout);

	text[len - 1] = '\0';
	last = strrchr(text, '\n');
	last = last ? last + 1 : text;
	if (!strcmp(last, "PASS"))
		return 0;
	if (!strncmp(last, "FAIL: ", 6))
		return 1;
	printf("NOVERDICT: guest result ends without a PASS or FAIL line\n");
	return EXIT_NOVERDICT;
}

enum dom_state { DOM_RUNNING, DOM_SHUTDOWN, DOM_CRASHED, DOM_GONE };

static enum dom_state domain_state(xc_interface *xch, uint32_t domid,
				   unsigned int *reason)
{
	xc_dominfo_t info;

	if (xc_domain_getinfo(xch, domid, 1, &info) != 1 ||
	    info.domid != domid || info.dying)
		return DOM_GONE;
	if (info.crashed)
		return DOM_CRASHED;
	if (info.shutdown) {
		*reason = info.shutdown_reason;
		return DOM_SHUTDOWN;
	}
	return DOM_RUNNING;
}

static int cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "gfn", required_argument, NULL, 'g' },
		{ "timeout", required_argument, NULL, 't' },
		{ "running", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	bool until_running = false;
	unsigned long domid = 0, gfn = 0, timeout = 60, reason = 0;
	bool have_dom = false, have_gfn = false;
	xc_interface *xch = NULL;
	xenforeignmemory_handle *fmem = NULL;
	volatile struct e2e_result *r = NULL;
	double t0, deadline;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "d:g:t:r", opts, NULL)) != -1) {
		unsigned long *dst;

		if (c == 'r') {
			until_running = true;
			continue;
		}
		dst = c == 'd' ? &domid :
		      c == 'g' ? &gfn :
		      c == 't' ? &timeout :
				 NULL;

		if (!dst || parse_ul(optarg, dst)) {
			fprintf(stderr, PROG ": wait: bad option\n");
			return 2;
		}
		have_dom |= c == 'd';
		have_gfn |= c == 'g';
	}
	if (!have_dom || !have_gfn || optind != argc) {
		fprintf(stderr,
			"usage: " PROG
			" wait --domain ID --gfn GFN [--timeout SECS] [--running]\n");
		return 2;
	}

	xch = xc_interface_open(NULL, NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	if (!xch || !fmem) {
		printf("NOVERDICT: cannot open the Xen control interfaces\n");
		rc = EXIT_NOVERDICT;
		goto out;
	}
	{
		xen_pfn_t pfn = gfn;
		int err = 0;

		r = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &pfn, &err);
		if (!r || err) {
			printf("NOVERDICT: cannot map result page gfn 0x%lx of domain %lu: %s\n",
			       gfn, domid, strerror(r ? err : errno));
			rc = EXIT_NOVERDICT;
			if (r)
				xenforeignmemory_unmap(fmem, (void *)r, 1);
			r = NULL;
			goto out;
		}
	}

	t0 = now_s();
	deadline = t0 + timeout;
	for (;;) {
		unsigned int why = 0;
		enum dom_state ds;

		if (until_running && r->magic == E2E_RESULT_MAGIC &&
		    (r->state == E2E_STATE_RUNNING ||
		     r->state == E2E_STATE_DONE)) {
			fprintf(stderr, PROG ": guest running after %.2f s\n",
				now_s() - t0);
			rc = 0;
			break;
		}
		if (r->magic == E2E_RESULT_MAGIC &&
		    r->state == E2E_STATE_DONE) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			rc = print_result(r);
			fprintf(stderr, PROG ": guest result after %.2f s\n",
				now_s() - t0);
			break;
		}
		ds = domain_state(xch, domid, &why);
		if (ds != DOM_RUNNING) {
			/* one last look: it may have finished just now */
			if (r->magic == E2E_RESULT_MAGIC &&
			    r->state == E2E_STATE_DONE)
				continue;
			reason = why;
			if (r->magic == E2E_RESULT_MAGIC && r->len)
				print_result(r);
			rc = EXIT_NOVERDICT;
			printf("NOVERDICT: guest domain %lu %s before publishing a result\n",
			       domid,
			       ds == DOM_CRASHED ? "crashed" :
			       ds == DOM_GONE	 ? "disappeared" :
						   "shut down");
			if (ds == DOM_SHUTDOWN)
				fprintf(stderr, PROG ": shutdown reason %lu\n",
					reason);
			break;
		}
		if (now_s() > deadline) {
			if (r->magic == E2E_RESULT_MAGIC && r->len)
				print_result(r);
			rc = EXIT_NOVERDICT;
			printf("NOVERDICT: no guest result within %lu s (%s)\n",
			       timeout,
			       r->magic == E2E_RESULT_MAGIC ?
				       "guest started, then hung: a trapped access never completed?" :
				       "guest never started");
			break;
		}
		usleep(10000);
	}
out:
	fflush(stdout);
	if (r)
		xenforeignmemory_unmap(fmem, (void *)r, 1);
	if (fmem)
		xenforeignmemory_close(fmem);
	if (xch)
		xc_interface_close(xch);
	return rc;
}

static int port_write(unsigned long port, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int fd = open("/dev/port", O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, PROG ": /dev/port: %s\n", strerror(errno));
		return -1;
	}
	/* one byte at a time: /dev/port advances the port with the offset */
	for (size_t i = 0; i < len; i++) {
		if (pwrite(fd, p + i, 1, port) != 1) {
			fprintf(stderr, PROG ": writing port 0x%lx: %s\n", port,
				strerror(errno));
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

static int cmd_emit(int argc, char **argv)
{
	unsigned long port = E2E_REPORT_PORT;
	char buf[4096];
	size_t n;

	if (argc == 3 && !strcmp(argv[1], "--port")) {
		if (parse_ul(argv[2], &port) || port > 0xffff)
			return 2;
	} else if (argc != 1) {
		fprintf(stderr, "usage: " PROG " emit [--port PORT] < text\n");
		return 2;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (port_write(port, buf, n))
			return 1;
	return ferror(stdin) ? 1 : 0;
}

static int cmd_exit(int argc, char **argv)
{
	unsigned long code = 0;
	unsigned char b;

	if (argc > 2 ||
	    (argc == 2 && (parse_ul(argv[1], &code) || code > 0x7f)))
		return 2;
	b = code;
	return port_write(E2E_EXIT_PORT, &b, 1) ? 1 : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_xs(int argc, char **argv)
{
	struct xs_handle *xs;
	unsigned int n, len;
	char **dir;

	if (argc != 2)
		return 2;
	xs = xs_open(0);
	if (!xs) {
		perror(PROG ": xs_open");
		return 2;
	}
	dir = xs_directory(xs, XBT_NULL, argv[1], &n);
	if (!dir) {
		xs_close(xs);
		return 1;
	}
	qsort(dir, n, sizeof(*dir), by_name);
	for (unsigned int i = 0; i < n; i++) {
		char path[512], *v;

		snprintf(path, sizeof(path), "%s/%s", argv[1], dir[i]);
		v = xs_read(xs, XBT_NULL, path, &len);
		printf("%s=%s\n", dir[i], v ? v : "");
		free(v);
	}
	free(dir);
	xs_close(xs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "wait"))
		return cmd_wait(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "emit"))
		return cmd_emit(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "exit"))
		return cmd_exit(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "xs"))
		return cmd_xs(argc - 1, argv + 1);
	fprintf(stderr,
		"usage: " PROG
		" wait --domain ID --gfn GFN [--timeout SECS] [--running]\n"
		"       " PROG " emit [--port PORT] < text\n"
		"       " PROG " exit [CODE]\n"
		"       " PROG " xs PATH\n");
	return 2;
}
