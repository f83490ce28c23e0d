// SPDX-License-Identifier: GPL-2.0
/*
 * null-dm - the smallest useful Xen ioreq server for a vGPU slot.
 *
 * It claims PCI 00:02.0 of one HVM/PVH domain and emulates just enough of an
 * Intel GPU for the e2e baseline guest: a config space (8086:1912, class
 * 0x030000, a 64-bit 16 MiB memory BAR0 that the guest may size and move)
 * and a BAR0 that reads as zero except for the PVINFO magic qword at
 * 0x78000. It answers without the GVT core, so what it costs per trap is
 * the fixed cost of a user-space device model: the baseline the real
 * device model (tools/xengt-dm) is measured against.
 *
 * The Xen side is the same ioreq server xengt-dm uses
 * (kernel/xengt/hv/xen-ioreq.c: create the server, map its ioreq page as a
 * resource, claim 00:02.0 and port 0xcf8, enable, bind one event channel
 * per vCPU, serve until SIGTERM/SIGINT/SIGHUP or the domain's death, undo
 * all of it in reverse), so the comparison measures the core and nothing
 * else.
 *
 * Usage: null-dm --domain ID [--magic-bad] [--device-id ID] [--no-cf8]
 *                [--ready-file PATH] [--verbose]
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "xen-ioreq.h"

#define PROG "null-dm"

#define GPU_SBDF ((0 << 8) | (2 << 3) | 0) /* 00:02.0 */
#define GPU_VENDOR 0x8086
#define GPU_DEVICE_DEFAULT 0x1912 /* Skylake GT2 (HD Graphics 530) */
#define GPU_CLASS 0x030000 /* VGA-compatible display controller */
#define GPU_REVISION 0x06

#define BAR0_SIZE ((uint64_t)16 << 20)
#define BAR0_FLAGS 0x4 /* memory, 64-bit, not prefetchable */

#define PVINFO_OFFSET 0x78000
#define VGT_MAGIC 0x4776544776544776ull /* "vGTvGTvG" */
#define VGT_MAGIC_BAD 0x0badc0de0badc0deull

#define CFG_SIZE 256
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_BAR0 0x10

/* The null device: what the guest sees behind the ioreq server. */
struct ndm {
	/* options */
	uint32_t domid;
	bool magic_bad;
	bool claim_cf8;
	bool verbose;
	uint16_t device_id;
	const char *ready_file;

	struct ioreq_server *server;
	uint8_t cfg[CFG_SIZE];
	uint8_t cfg_wmask[CFG_SIZE];
	bool bar0_mapped;
	uint64_t bar0_at; /* guest-physical base while mapped */
	uint64_t magic;
	struct timespec t_start;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool verbose;

static void ioreq_log(int priority, const char *text)
{
	if (priority < LOG_DEBUG || verbose)
		msg("%s", text);
}

/* ---------------------------------------------------------------- */
/* Emulated PCI configuration space                                 */

static uint32_t cfg_get(const struct ndm *d, unsigned int reg,
			unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)d->cfg[reg + i] << (8 * i);
	return v;
}

static void cfg_init(struct ndm *d)
{
	uint32_t bar_lo_mask = (uint32_t) ~(BAR0_SIZE - 1);

	memset(d->cfg, 0, sizeof(d->cfg));
	memset(d->cfg_wmask, 0, sizeof(d->cfg_wmask));

	d->cfg[0x00] = GPU_VENDOR & 0xff;
	d->cfg[0x01] = GPU_VENDOR >> 8;
	d->cfg[0x02] = d->device_id & 0xff;
	d->cfg[0x03] = d->device_id >> 8;
	/* command: I/O, memory, bus master, INTx disable are writable */
	d->cfg_wmask[0x04] = 0x07;
	d->cfg_wmask[0x05] = 0x04;
	d->cfg[0x08] = GPU_REVISION;
	d->cfg[0x09] = GPU_CLASS & 0xff;
	d->cfg[0x0a] = (GPU_CLASS >> 8) & 0xff;
	d->cfg[0x0b] = GPU_CLASS >> 16;
	d->cfg[0x0e] = 0x00; /* header type 0, single function */
	/* BAR0: 64-bit memory; the low bits encode the type, the size is
	 * what reads back as zero after writing all-ones. */
	d->cfg[PCI_BAR0] = BAR0_FLAGS;
	for (int i = 0; i < 4; i++) {
		d->cfg_wmask[PCI_BAR0 + i] = (bar_lo_mask >> (8 * i)) & 0xff;
		d->cfg_wmask[PCI_BAR0 + 4 + i] = 0xff;
	}
	d->cfg_wmask[PCI_BAR0] &= ~0x0f;
	/* subsystem vendor/device */
	d->cfg[0x2c] = GPU_VENDOR & 0xff;
	d->cfg[0x2d] = GPU_VENDOR >> 8;
	d->cfg[0x2e] = d->device_id & 0xff;
	d->cfg[0x2f] = d->device_id >> 8;
	d->cfg_wmask[0x3c] = 0xff; /* interrupt line */
	d->cfg[0x3d] = 0x01; /* interrupt pin INTA */
}

static uint64_t bar0_addr(const struct ndm *d)
{
	return ((uint64_t)cfg_get(d, PCI_BAR0 + 4, 4) << 32) |
	       (cfg_get(d, PCI_BAR0, 4) & ~0xfull);
}

/*
 * Follow the guest's BAR0 and memory-decode bit: BAR0's range is claimed
 * from Xen only while decode is on and the BAR holds a plausible address
 * (not 0, not the all-ones sizing pattern).
 */
static void bar0_update(struct ndm *d)
{
	uint64_t addr = bar0_addr(d);
	bool decode = cfg_get(d, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
	bool want = decode && addr && (addr >> 32) != 0xffffffffu &&
		    addr + BAR0_SIZE - 1 > addr;

	if (d->bar0_mapped && (!want || addr != d->bar0_at)) {
		ioreq_server_unmap_mmio(d->server, d->bar0_at, BAR0_SIZE);
		if (d->verbose)
			msg("BAR0 unmapped from 0x%" PRIx64, d->bar0_at);
		d->bar0_mapped = false;
	}
	if (want && !d->bar0_mapped) {
		if (ioreq_server_map_mmio(d->server, addr, BAR0_SIZE))
			return; /* logged; BAR0 then reads as nothing */
		msg("BAR0 mapped at 0x%" PRIx64 "-0x%" PRIx64, addr,
		    addr + BAR0_SIZE - 1);
		d->bar0_mapped = true;
		d->bar0_at = addr;
	}
}

static uint32_t cfg_read(void *dev, uint32_t reg, uint32_t size)
{
	struct ndm *d = dev;

	if (reg + size > CFG_SIZE)
		return 0; /* no extended capabilities */
	return cfg_get(d, reg, size);
}

static void cfg_write(void *dev, uint32_t reg, uint32_t size, uint32_t val)
{
	struct ndm *d = dev;
	bool bar_or_cmd = false;

	if (d->verbose)
		msg("config write 0x%x size %u val 0x%x", reg, size, val);
	if (reg + size > CFG_SIZE)
		return;
	for (unsigned int i = 0; i < size; i++) {
		unsigned int r = reg + i;
		uint8_t b = (val >> (8 * i)) & 0xff;

		d->cfg[r] =
			(d->cfg[r] & ~d->cfg_wmask[r]) | (b & d->cfg_wmask[r]);
		if (r == PCI_COMMAND || (r >= PCI_BAR0 && r < PCI_BAR0 + 8))
			bar_or_cmd = true;
	}
	if (bar_or_cmd)
		bar0_update(d);
}

/* ---------------------------------------------------------------- */
/* BAR0                                                             */

static uint64_t mmio_read(void *dev, uint64_t addr, uint32_t size)
{
	struct ndm *d = dev;
	uint64_t off = addr - d->bar0_at, v = 0;

	/* Byte by byte so any size and alignment reads the same bytes. */
	for (unsigned int i = 0; i < size; i++) {
		uint64_t o = off + i;

		if (o >= PVINFO_OFFSET && o < PVINFO_OFFSET + 8)
			v |= ((d->magic >> (8 * (o - PVINFO_OFFSET))) & 0xff)
			     << (8 * i);
	}
	return v;
}

static void mmio_write(void *dev, uint64_t addr, uint32_t size, uint64_t val)
{
	struct ndm *d = dev;

	if (d->verbose)
		msg("ignored MMIO write 0x%" PRIx64 " size %u val 0x%" PRIx64,
		    addr, size, val);
}

static const struct ioreq_device_ops null_device_ops = {
	.cfg_read = cfg_read,
	.cfg_write = cfg_write,
	.mmio_read = mmio_read,
	.mmio_write = mmio_write,
	/* never write-protects guest pages */
};

/* ---------------------------------------------------------------- */

static void print_summary(const struct ndm *d, const char *why)
{
	const struct ioreq_stats *s = ioreq_server_stats(d->server);
	struct timespec now;
	double secs;
	unsigned long long total = s->cfg_read + s->cfg_write + s->mmio_read +
				   s->mmio_write + s->pio_read + s->pio_write +
				   s->invalidate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (now.tv_sec - d->t_start.tv_sec) +
	       (now.tv_nsec - d->t_start.tv_nsec) / 1e9;
	msg("exit (%s) after %.1f s: %llu ioreqs: cfg %llu"
	    "/%llu mmio %llu/%llu pio %llu/%llu"
	    " (r/w), invalidate %llu, bad %llu"
	    ", spurious events %llu, BAR0 maps %llu"
	    " unmaps %llu, guest copies %llu",
	    why, secs, total, s->cfg_read, s->cfg_write, s->mmio_read,
	    s->mmio_write, s->pio_read, s->pio_write, s->invalidate, s->bad,
	    s->spurious, s->mmio_maps, s->mmio_unmaps, s->ptr_copies);
	{
		uint32_t med, mean,
			n = ioreq_server_service_ns(d->server, &med, &mean);

		msg("service time per ioreq: median %u ns, mean %u ns (last %u ioreqs)",
		    med, mean, n);
	}
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	return close(fd);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --domain ID [options]\n"
		"Null ioreq server: emulates PCI 00:02.0 with a PVINFO magic only.\n"
		"  -d, --domain ID      domain to serve (required; create it paused)\n"
		"  -b, --magic-bad      return a wrong PVINFO magic (the test must FAIL)\n"
		"  -i, --device-id ID   PCI device id (default 0x%04x)\n"
		"  -n, --no-cf8         do not claim/latch I/O port 0xcf8\n"
		"  -r, --ready-file F   create F once serving (default $XENGT_E2E_READY_FILE)\n"
		"  -v, --verbose        log every config and MMIO write\n"
		"  -h, --help\n"
		"Stops on SIGTERM/SIGINT/SIGHUP or when the domain dies; prints a summary.\n",
		GPU_DEVICE_DEFAULT);
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || !*s || *end || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "magic-bad", no_argument, NULL, 'b' },
		{ "device-id", required_argument, NULL, 'i' },
		{ "no-cf8", no_argument, NULL, 'n' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ndm d = {
		.claim_cf8 = true,
		.device_id = GPU_DEVICE_DEFAULT,
		.ready_file = getenv("XENGT_E2E_READY_FILE"),
	};
	struct ioreq_server_params p = {
		.sbdf = GPU_SBDF,
		.ops = &null_device_ops,
		.dev = &d,
		.log = ioreq_log,
	};
	bool have_domain = false;
	sigset_t run_mask;
	unsigned long v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:bi:nr:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			/* below DOMID_FIRST_RESERVED, never dom0 */
			if (parse_ulong(optarg, 0x7fef, &v) || v == 0) {
				msg("bad domain id '%s'", optarg);
				return 2;
			}
			d.domid = v;
			have_domain = true;
			break;
		case 'b':
			d.magic_bad = true;
			break;
		case 'i':
			if (parse_ulong(optarg, 0xffff, &v)) {
				msg("bad device id '%s'", optarg);
				return 2;
			}
			d.device_id = v;
			break;
		case 'n':
			d.claim_cf8 = false;
			break;
		case 'r':
			d.ready_file = optarg;
			break;
		case 'v':
			d.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !have_domain) {
		usage(stderr);
		return 2;
	}
	verbose = d.verbose;
	if (d.ready_file && !*d.ready_file)
		d.ready_file = NULL;
	d.magic = d.magic_bad ? VGT_MAGIC_BAD : VGT_MAGIC;
	cfg_init(&d);

	/* Signals are only delivered inside ppoll(): no lost wake-ups. */
	ioreq_stop_signals(on_signal, &run_mask);

	clock_gettime(CLOCK_MONOTONIC, &d.t_start);
	p.domid = d.domid;
	p.claim_cf8 = d.claim_cf8;
	if (ioreq_server_open(&p, &d.server))
		return 1; /* logged */
	msg("serving domain %u: ioreq server %u, %u vCPU(s), PCI 00:02.0 %04x:%04x%s%s",
	    d.domid, ioreq_server_id(d.server), ioreq_server_nr_vcpus(d.server),
	    GPU_VENDOR, d.device_id, d.claim_cf8 ? ", port 0xcf8" : "",
	    d.magic_bad ? ", WRONG PVINFO magic (--magic-bad)" : "");
	rc = 0;
	if (d.ready_file && touch(d.ready_file)) {
		msg("creating ready file %s failed: %s", d.ready_file,
		    strerror(errno));
		rc = -1;
	}
	if (!rc)
		rc = ioreq_server_run(d.server, &stop_signal, &run_mask);
	print_summary(&d, rc < 0		? "error" :
			  rc == 1		? "domain gone" :
			  stop_signal == SIGINT ? "SIGINT" :
			  stop_signal == SIGHUP ? "SIGHUP" :
						  "SIGTERM");
	ioreq_server_close(d.server);
	return rc < 0 ? 1 : 0;
}
