// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-dm: the user-space XenGT device model.  It becomes a Xen ioreq
 * server for one domain and serves that domain's vGPU (PCI config space
 * and BAR0) with the GVT core on the software GPU.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xengt/xengt.h"
#include "sim_gpu.h"
#include "xen-user.h"
#include "dm_bus.h"
#include "deprivilege.h"
#include "log.h"
#ifdef HAVE_LIBXL
#include "toolstack.h"
#endif
#include "monitor.h"

struct options {
	u32 domid;
	const char *domain_name; /* --domain NAME, looked up into domid */
	const char *type;
	u32 low_gm_mb, high_gm_mb, fences, weight;
	u32 sbdf;
	bool pvh, foreground, verbose, standalone;
	bool no_restrict;
	bool ggtt_ram; /* --ggtt-ram */
	bool no_opregion; /* --no-opregion */
	int ppgtt_oos; /* --ppgtt-oos: 1 on, 0 off, -1 not given (core's) */
	struct dm_runas runas;
	const char *chroot_dir;
	char *pidfile; /* absolute */
	const char *fault; /* --inject-fault: a test aid, see usage() */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* SIGUSR1: log the counters; a stop signal already seen wins. */
static void on_stats_signal(int sig)
{
	if (!stop)
		stop = sig;
}

/*
 * SIGUSR1 asks for the counters (as an admin's "how is it doing?", and the
 * e2e test's trap count at a point of the guest's boot).  Its handler runs
 * only inside the serving loop's ppoll(), with the stop signals blocked.
 */
static void stats_signal(sigset_t *run_mask)
{
	struct sigaction sa = { .sa_handler = on_stats_signal };
	sigset_t usr1;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	sigdelset(run_mask, SIGUSR1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xengt-dm --domain ID [--bdf BB:DD.F] [--pvh] [--ggtt-ram]\n"
		"                [--foreground] [--pidfile FILE] [--runas USER[:GROUP]]\n"
		"                [--chroot DIR] [--no-restrict] [-v]\n"
		"       xengt-dm --standalone --domain ID (--type NAME | --low-gm MB\n"
		"                --high-gm MB --fences N) [--weight W] [--no-opregion]\n"
		"                [--ppgtt-oos=on|off]\n"
		"                [options above]\n"
		"Serves the guest's traps for the vGPU that xengt.ko has for it (create it\n"
		"first: echo \"DOMID TYPE\" > /sys/kernel/xengt/control/create); the vGPU,\n"
		"the shared GPU and the guest's memory mappings are the module's.\n"
		"  --domain ID     the guest domain to serve (must exist, HVM or PVH)\n"
		"  --standalone    no xengt.ko: a private GVT on a private software GPU\n"
		"                  (hosts without the module, tests, fault injection)\n"
		"  --type NAME     (standalone) a vGPU type: xengt_8, xengt_4, xengt_2, xengt_1\n"
		"  --low-gm MB     custom aperture (low) graphics memory\n"
		"  --high-gm MB    custom hidden (high) graphics memory\n"
		"  --fences N      custom number of fence registers\n"
		"  --weight W      scheduling weight 1..16 (default: the type's)\n"
		"  --ppgtt-oos=on|off\n"
		"                  (standalone) the shadow PPGTT's out-of-sync pages\n"
		"                  (default on); off: every guest PTE write traps (debugging,\n"
		"                  measuring); xengt.ko's vGPU: its vgpu<ID>/ppgtt_oos\n"
		"  --ggtt-ram      BAR0's GGTT half is 8 MiB of the guest's RAM\n"
		"                  (its maxmem is raised): GGTT writes do not trap, they take\n"
		"                  effect at the guest's GGTT flush (GFX_FLSH_CNTL, which it\n"
		"                  must write, as on hardware), checked as trapped ones are\n"
		"  --no-opregion   (standalone) offer no OpRegion; by default 8 KiB of the\n"
		"                  guest's RAM (maxmem raised) hold one (header and a VBT\n"
		"                  with no outputs) wherever its firmware points ASLS, if\n"
		"                  the guest has no RAM there (hvmloader reserves a hole)\n"
		"  --bdf BB:DD.F   where the guest sees the vGPU (default 00:02.0)\n"
		"  --pvh           the guest is PVH: also answer port 0xcf8\n"
		"  --foreground    do not daemonize; log to stderr\n"
		"  --pidfile FILE  write the pid to FILE once the guest can be served\n"
		"  --runas USER[:GROUP], --runas UID:GID\n"
		"                  after set-up, drop root for this user (best: one per domain)\n"
		"  --chroot DIR    after set-up, enter DIR (absolute, empty, root's, mode 0755)\n"
		"  --no-restrict   keep dom0's full Xen privileges (debugging only): by default\n"
		"                  every Xen handle is restricted to the domain after set-up,\n"
		"                  xenstore is closed and a monitor process watches for the\n"
		"                  domain's death\n"
		"  -v              debug messages\n"
		"Test aid (never for production; standalone only):\n"
		"  --inject-fault pvinfo-magic|msi-drop|ggtt-stale|no-restrict\n"
		"                  break this vGPU on purpose so that end-to-end tests can\n"
		"                  show they fail: a wrong PVINFO magic right after creation,\n"
		"                  every MSI lost on its way to Xen, (with --ggtt-ram) the\n"
		"                  core reading a stale copy instead of the guest's GGTT RAM,\n"
		"                  or the Xen handles left unrestricted (the restriction's\n"
		"                  self-check must then refuse to serve)\n"
		"SIGTERM, SIGINT or the domain's death: the ioreq server is removed and\n"
		"xengt-dm exits 0; the module's vGPU stays (detached) unless the domain\n"
		"died, a standalone vGPU is destroyed.  SIGHUP is ignored: a closed\n"
		"terminal must not take a running guest's GPU away.  SIGUSR1 logs the\n"
		"counters (ioreqs served, service time; standalone also the vGPU's).\n");
}

/*
 * A decimal number in min..max: domain ids are decimal everywhere in Xen's
 * tools (xl list), so "010" is domain 10, never octal 8.
 */
static int parse_num(const char *s, const char *what, unsigned long min,
		     unsigned long max, u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s < '0' || *s > '9' || *end || v < min || v > max) {
		fprintf(stderr,
			"xengt-dm: %s: '%s' is not a decimal number in %lu..%lu\n",
			what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_bdf(const char *s, u32 *sbdf)
{
	unsigned int bus, dev, fn;
	char extra;

	if (sscanf(s, "%2x:%2x.%1x%c", &bus, &dev, &fn, &extra) != 3 ||
	    dev > 31 || fn > 7) {
		fprintf(stderr,
			"xengt-dm: --bdf: '%s' is not BB:DD.F (e.g. 00:02.0)\n",
			s);
		return -1;
	}
	*sbdf = bus << 8 | dev << 3 | fn;
	return 0;
}

/*
 * The pid file is written after daemonize() changed to / and removed by
 * the monitor: a relative name is taken relative to where the admin was.
 */
static char *absolute_path(const char *path)
{
	char cwd[4096], *abs;

	if (!*path) {
		fprintf(stderr, "xengt-dm: --pidfile: empty file name\n");
		return NULL;
	}
	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "xengt-dm: --pidfile %s: getcwd: %s\n", path,
			strerror(errno));
		return NULL;
	}
	abs = malloc(strlen(cwd) + strlen(path) + 2);
	if (abs)
		sprintf(abs, "%s/%s", cwd, path);
	return abs;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "low-gm", required_argument, NULL, 'l' },
		{ "high-gm", required_argument, NULL, 'H' },
		{ "fences", required_argument, NULL, 'f' },
		{ "weight", required_argument, NULL, 'w' },
		{ "bdf", required_argument, NULL, 'b' },
		{ "pvh", no_argument, NULL, 'p' },
		{ "standalone", no_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "runas", required_argument, NULL, 'U' },
		{ "chroot", required_argument, NULL, 'C' },
		{ "no-restrict", no_argument, NULL, 'N' },
		{ "ggtt-ram", no_argument, NULL, 'G' },
		{ "no-opregion", no_argument, NULL, 'O' },
		{ "inject-fault", required_argument, NULL, 'X' },
		{ "ppgtt-oos", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_domain = false, custom = false;
	int c;

	*o = (struct options){ .sbdf = 0x10, .ppgtt_oos = -1 };
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			/* A name: libxl's lookup once the flags are read. */
			if (isalpha((unsigned char)*optarg)) {
				o->domain_name = optarg;
				have_domain = true;
				break;
			}
			if (parse_num(optarg, "--domain", 1, 0x7fef, &o->domid))
				return -1;
			have_domain = true;
			break;
		case 't':
			o->type = optarg;
			break;
		case 'l':
			custom = true;
			if (parse_num(optarg, "--low-gm", 1, 4096,
				      &o->low_gm_mb))
				return -1;
			break;
		case 'H':
			custom = true;
			if (parse_num(optarg, "--high-gm", 1, 4096,
				      &o->high_gm_mb))
				return -1;
			break;
		case 'f':
			custom = true;
			if (parse_num(optarg, "--fences", 1, 32, &o->fences))
				return -1;
			break;
		case 'w':
			if (parse_num(optarg, "--weight", 1, 16, &o->weight))
				return -1;
			break;
		case 'b':
			if (parse_bdf(optarg, &o->sbdf))
				return -1;
			break;
		case 'p':
			o->pvh = true;
			break;
		case 'F':
			o->foreground = true;
			break;
		case 'S':
			o->standalone = true;
			break;
		case 'P':
			free(o->pidfile);
			o->pidfile = absolute_path(optarg);
			if (!o->pidfile)
				return -1;
			break;
		case 'U':
			if (dm_parse_runas(optarg, &o->runas))
				return -1;
			break;
		case 'C':
			if (dm_check_chroot(optarg))
				return -1;
			o->chroot_dir = optarg;
			break;
		case 'N':
			o->no_restrict = true;
			break;
		case 'G':
			o->ggtt_ram = true;
			break;
		case 'O':
			o->no_opregion = true;
			break;
		case 'o':
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr,
					"xengt-dm: --ppgtt-oos: '%s' is neither on nor off\n",
					optarg);
				return -1;
			}
			o->ppgtt_oos = !strcmp(optarg, "on");
			break;
		case 'X':
			if (strcmp(optarg, "pvinfo-magic") &&
			    strcmp(optarg, "msi-drop") &&
			    strcmp(optarg, "ggtt-stale") &&
			    strcmp(optarg, "no-restrict")) {
				fprintf(stderr,
					"xengt-dm: --inject-fault: unknown fault '%s' (known: pvinfo-magic msi-drop ggtt-stale no-restrict)\n",
					optarg);
				return -1;
			}
			o->fault = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			/* getopt said what was wrong; one line more. */
			fprintf(stderr,
				"usage: xengt-dm --domain ID [options]; try 'xengt-dm --help'\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xengt-dm: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!have_domain) { /* parse_num() refused 0 already */
		fprintf(stderr,
			"xengt-dm: --domain ID (a guest, not dom0) is required\n");
		return -1;
	}
	if (o->no_restrict && o->fault && !strcmp(o->fault, "no-restrict")) {
		fprintf(stderr,
			"xengt-dm: --inject-fault no-restrict tests the restriction: not with --no-restrict\n");
		return -1;
	}
	if (o->fault && !strcmp(o->fault, "ggtt-stale") && !o->ggtt_ram) {
		fprintf(stderr,
			"xengt-dm: --inject-fault ggtt-stale breaks the GGTT RAM: needs --ggtt-ram\n");
		return -1;
	}
	if (o->no_restrict && (o->runas.set || o->chroot_dir)) {
		fprintf(stderr,
			"xengt-dm: --runas and --chroot come after the restriction: not with --no-restrict\n");
		return -1;
	}
	if (!o->standalone) {
		if (o->type || custom || o->weight || o->fault ||
		    o->no_opregion) {
			fprintf(stderr,
				"xengt-dm: --type, --low-gm, --high-gm, --fences, --weight, --no-opregion and --inject-fault need --standalone (xengt.ko's vGPU is set up in /sys/kernel/xengt)\n");
			return -1;
		}
		if (o->ppgtt_oos >= 0) {
			fprintf(stderr,
				"xengt-dm: --ppgtt-oos needs --standalone (xengt.ko's vGPU: echo %s > /sys/kernel/xengt/vgpu<ID>/ppgtt_oos)\n",
				o->ppgtt_oos ? "on" : "off");
			return -1;
		}
		return 0;
	}
	if (!!o->type == custom) {
		fprintf(stderr,
			"xengt-dm: give either --type or all of --low-gm, --high-gm and --fences\n");
		return -1;
	}
	if (o->type && !xengt_vgpu_type_find(o->type)) {
		fprintf(stderr,
			"xengt-dm: unknown vGPU type '%s' (known: xengt_8 xengt_4 xengt_2 xengt_1)\n",
			o->type);
		return -1;
	}
	if (custom && (!o->low_gm_mb || !o->high_gm_mb || !o->fences)) {
		fprintf(stderr,
			"xengt-dm: a custom vGPU needs non-zero --low-gm, --high-gm and --fences\n");
		return -1;
	}
	return 0;
}

/*
 * Fork before touching Xen (foreign mappings do not survive a fork); the
 * parent waits for the child to report whether set-up worked, so errors
 * still reach the admin's terminal as an exit status.
 */
static int daemonize(int *report_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char msg[300];
		ssize_t n, len = 0;

		/* A status byte, then on failure the reason. */
		close(fds[1]);
		while (len < (ssize_t)sizeof(msg) - 1 &&
		       (n = read(fds[0], msg + len,
				 sizeof(msg) - 1 - (size_t)len)) > 0)
			len += n;
		msg[len] = '\0';
		if (len < 1 || msg[0]) {
			fprintf(stderr, "xengt-dm: set-up failed%s%s\n",
				len > 1 ? ": " : " (see syslog, daemon.err)",
				len > 1 ? msg + 1 : "");
			_exit(1);
		}
		_exit(0);
	}
	close(fds[0]);
	setsid();
	if (chdir("/"))
		return -errno;
	*report_fd = fds[1];
	return 0;
}

static void report(int *fd, char status)
{
	const char *why = dm_log_last_error();

	if (*fd < 0)
		return;
	/* The admin's terminal learns why, syslog or not. */
	if (write(*fd, &status, 1) != 1 ||
	    (status && *why && write(*fd, why, strlen(why)) < 0))
		dm_warn("cannot report start-up status");
	close(*fd);
	*fd = -1;
	if (!status) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
	}
}

/*
 * The last step of set-up, for both modes: restrict the Xen handles to the
 * domain and give up root and the file system, then have the pid file
 * written (by the monitor, which outlives the chroot): whoever waits for
 * it may unpause the guest, which must never meet an unrestricted device
 * model.  @mon is NULL with --no-restrict.
 */
static int lock_down(const struct options *o, struct xen_vm *vm,
		     struct dm_monitor *mon)
{
	FILE *f;
	bool skip;
	int ret;

	if (!mon) {
		if (!o->pidfile)
			return 0;
		f = fopen(o->pidfile, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			dm_err("cannot write pid file %s: %s", o->pidfile,
			       strerror(errno));
			return -EIO;
		}
		return 0;
	}
	skip = o->fault && !strcmp(o->fault, "no-restrict");
	if (skip)
		dm_warn("TEST FAULT INJECTED (no-restrict): the Xen handles stay unrestricted");
	ret = ioreq_server_restrict(vm->server,
				    skip ? IOREQ_RESTRICT_TEST_SKIP : 0);
	if (!ret && (o->runas.set || o->chroot_dir))
		ret = dm_deprivilege(&o->runas, o->chroot_dir);
	if (!ret)
		ret = dm_monitor_serving(mon, o->pidfile);
	return ret;
}

/*
 * Why xen_vm_run() returned 0: a stop signal, or (restricted) the
 * monitor's SIGTERM for a dead domain, which the ioreq server must then be
 * told of before teardown.  Returns xen_vm_run()'s convention.
 */
static int why_stopped(int ret, struct xen_vm *vm, struct dm_monitor *mon)
{
	if (ret == 0 && mon && dm_monitor_domain_gone(mon)) {
		ioreq_server_set_domain_dead(vm->server);
		return 1;
	}
	return ret;
}

static void ioreq_log(int priority, const char *msg)
{
	dm_log(priority, "%s", msg);
}

/*
 * --inject-fault msi-drop: the core believes every MSI was sent (as when
 * one is lost between the device model and the guest's APIC), so only a
 * guest that counts its interrupts can notice.
 */
static int drop_msi(struct hv_vm __always_unused *vm, u64 __always_unused addr,
		    u32 __always_unused data)
{
	return 0;
}

/*
 * --inject-fault ggtt-stale: the guest's GGTT RAM is placed as usual, but
 * the core is given a private copy that nobody writes, as if it read the
 * wrong pages: none of the guest's GGTT updates ever reach the shadow.
 */
static int (*real_back_ram)(struct hv_vm *vm, enum hv_ram which, u64 old_base,
			    u64 new_base, u64 size, void **view);
static u64 *stale; /* freed when the vGPU is gone (serve_standalone()) */

static int stale_back_ram(struct hv_vm *vm, enum hv_ram which, u64 old_base,
			  u64 new_base, u64 size, void **view)
{
	int ret = real_back_ram(vm, which, old_base, new_base, size, view);

	if (ret || which != HV_RAM_GGTT)
		return ret;
	if (!stale)
		stale = calloc(1, size);
	if (!stale)
		return -ENOMEM;
	*view = stale;
	return 0;
}

/*
 * --inject-fault pvinfo-magic: what a vGPU with a broken PVINFO page looks
 * like to the guest, so the guest's "not a vGPU" path is exercised end to
 * end.  msi-drop is in the hypervisor ops (drop_msi()).
 */
static void inject_fault(struct vgpu *vgpu, const char *fault)
{
	if (!strcmp(fault, "no-restrict"))
		return; /* lock_down()'s */
	if (!strcmp(fault, "msi-drop")) {
		dm_warn("TEST FAULT INJECTED (%s): vGPU %u loses every MSI",
			fault, xengt_vgpu_id(vgpu));
		return;
	}
	if (!strcmp(fault, "ggtt-stale")) {
		dm_warn("TEST FAULT INJECTED (%s): vGPU %u never sees its guest's GGTT RAM",
			fault, xengt_vgpu_id(vgpu));
		return;
	}
	xengt_vgpu_inject_fault(vgpu, XENGT_FAULT_PVINFO_MAGIC);
	dm_warn("TEST FAULT INJECTED (%s): vGPU %u has a wrong PVINFO magic",
		fault, xengt_vgpu_id(vgpu));
}

static void log_ioreq_stats(const struct xen_vm *vm)
{
	const struct ioreq_stats *st = ioreq_server_stats(vm->server);

	dm_info("ioreqs: cfg %llu/%llu mmio %llu/%llu pio %llu/%llu (r/w), wp %llu, invalidate %llu, ptr elements %llu, bad %llu, spurious %llu, BAR0 maps %llu unmaps %llu",
		(unsigned long long)st->cfg_read,
		(unsigned long long)st->cfg_write,
		(unsigned long long)st->mmio_read,
		(unsigned long long)st->mmio_write,
		(unsigned long long)st->pio_read,
		(unsigned long long)st->pio_write,
		(unsigned long long)st->wp_write,
		(unsigned long long)st->invalidate,
		(unsigned long long)st->ptr_copies, (unsigned long long)st->bad,
		(unsigned long long)st->spurious,
		(unsigned long long)st->mmio_maps,
		(unsigned long long)st->mmio_unmaps);
	{
		uint32_t med, mean,
			n = ioreq_server_service_ns(vm->server, &med, &mean);

		dm_info("service time per ioreq: median %u ns, mean %u ns (last %u ioreqs)",
			med, mean, n);
	}
}

static void log_stats(const struct xen_vm *vm, struct vgpu *vgpu)
{
	struct xengt_vgpu_info in;

	log_ioreq_stats(vm);
	xengt_vgpu_snapshot(vgpu, &in);
	dm_info("vGPU %u: mmio %llu/%llu (r/w), bad %llu, GGTT writes %llu, dropped %llu, bad PTEs %llu, cfg bad %llu, workloads %llu, GPU ticks %llu%s%s",
		in.id, in.mmio_reads, in.mmio_writes, in.mmio_bad,
		in.ggtt_writes, in.ggtt_dropped, in.ggtt_bad_pte, in.cfg_bad,
		in.workloads_done, in.gpu_ticks,
		in.state == XENGT_VGPU_FAILSAFE ? ", FAILSAFE: " : "",
		in.state == XENGT_VGPU_FAILSAFE ? in.failsafe_reason : "");
	/*
	 * The PV extension's side, once a guest used it (pv_caps reads 0
	 * again after a guest is done with PV, so the counters decide; no
	 * message is handled without a doorbell).
	 */
	if (in.pv_doorbells || in.pv_registrations || in.pv_bad_registrations)
		dm_info("vGPU %u PV: offer 0x%x caps 0x%x, registrations %llu (refused %llu), doorbells %llu (idle %llu, dropped %llu, over budget %llu), messages %llu (ok %llu), submissions %llu (refused %llu), pages bound %llu unbound %llu",
			in.id, in.pv_offer, in.pv_caps, in.pv_registrations,
			in.pv_bad_registrations, in.pv_doorbells,
			in.pv_doorbells_idle, in.pv_dropped, in.pv_budget_hits,
			in.pv_messages, in.pv_ok, in.pv_submissions,
			in.pv_submit_errors, in.pv_pages_bound,
			in.pv_pages_unbound);
}

/*
 * Serve until a stop signal or the domain's end (xen_vm_run()'s return
 * convention).  SIGUSR1 leaves xen_vm_run() only to log the counters; the
 * signals are blocked outside its ppoll(), so clearing @stop here races
 * with none of them.  @vgpu is NULL for xengt.ko's vGPU (its counters are
 * in /sys/kernel/xengt).
 */
static int serve(struct xen_vm *vm, struct vgpu *vgpu, const sigset_t *run_mask)
{
	int ret;

	for (;;) {
		ret = xen_vm_run(vm, &stop, run_mask);
		if (ret || stop != SIGUSR1)
			return ret;
		stop = 0;
		if (vgpu)
			log_stats(vm, vgpu);
		else
			log_ioreq_stats(vm);
	}
}

/* The vGPU is xengt.ko's: carry the guest's ioreqs to it. */
static int serve_attached(const struct options *o, int *report_fd,
			  const sigset_t *run_mask, struct dm_monitor *mon)
{
	struct xen_vm *vm;
	int ret;

	ret = xen_vm_open_attached(o->domid, o->sbdf, o->pvh, o->ggtt_ram,
				   ioreq_log, &vm);
	if (ret)
		goto out_report;
	ret = lock_down(o, vm, mon);
	if (ret)
		goto out_vm;
	dm_info("serving domain %u: xengt.ko's vGPU at %02x:%02x.%x, ioreq server %u, %u vCPU(s)",
		o->domid, o->sbdf >> 8, (o->sbdf >> 3) & 0x1f, o->sbdf & 7,
		ioreq_server_id(vm->server), ioreq_server_nr_vcpus(vm->server));
	report(report_fd, 0);
	ret = why_stopped(serve(vm, NULL, run_mask), vm, mon);
	if (ret == 1)
		dm_info("domain %u is gone: shutting down", o->domid);
	else if (vm->detached)
		dm_info("domain %u: xengt.ko destroyed the vGPU: shutting down",
			o->domid);
	else if (ret == 0)
		dm_info("signal %d: shutting down", (int)stop);
	log_ioreq_stats(vm);
	ret = ret < 0 ? ret : 0;
	if (o->pidfile && !mon) /* else the monitor removes it */
		unlink(o->pidfile);
out_vm:
	if (xen_vm_close(vm) && !ret)
		ret = -EBUSY;
	if (!ret)
		dm_info("domain %u: detached from xengt.ko, ioreq server removed",
			o->domid);
out_report:
	report(report_fd, ret ? 1 : 0);
	return ret ? 1 : 0;
}

/* No xengt.ko: a private GVT core on a private software GPU. */
static int serve_standalone(const struct options *o, int *report_fd,
			    const sigset_t *run_mask, struct dm_monitor *mon)
{
	static struct sim_gpu gpu;
	static struct dm_bus bus; /* 32 KiB of page pointers */
	static struct hv_ops hv; /* xen-user's, or with a test fault */
	struct xengt_vgpu_params p = { 0 };
	struct xengt_gvt *gvt;
	struct xen_vm *vm;
	struct vgpu *vgpu;
	int ret;
	u32 leaked;

	if (o->type)
		xengt_vgpu_params_from_type(&p, o->type);
	else
		p = (struct xengt_vgpu_params){ .low_gm_mb = o->low_gm_mb,
						.high_gm_mb = o->high_gm_mb,
						.fences = o->fences,
						.weight = 4 };
	if (o->weight)
		p.weight = o->weight;
	p.domid = o->domid;

	ret = xen_vm_open(o->domid, o->sbdf, o->pvh, ioreq_log, &vm);
	if (ret)
		goto out_report;
	if (o->ggtt_ram) {
		ret = xen_vm_enable_ram(vm, HV_RAM_GGTT);
		if (ret) {
			dm_err("--ggtt-ram: no RAM for the GGTT: %s",
			       strerror(-ret));
			goto out_vm;
		}
	}
	if (!o->no_opregion) {
		ret = xen_vm_enable_ram(vm, HV_RAM_OPREGION);
		if (ret) {
			dm_err("no RAM for the OpRegion: %s (--no-opregion goes without)",
			       strerror(-ret));
			goto out_vm;
		}
	}
	dm_bus_init(&bus, vm);
	ret = sim_gpu_init(&gpu, &bus.bus);
	if (ret) {
		dm_err("software GPU: %s", strerror(-ret));
		goto out_vm;
	}
	hv = xen_user_hv_ops;
	if (o->fault && !strcmp(o->fault, "msi-drop"))
		hv.inject_msi = drop_msi;
	if (o->fault && !strcmp(o->fault, "ggtt-stale")) {
		real_back_ram = hv.back_ram;
		hv.back_ram = stale_back_ram;
	}
	vm->base.ops = &hv;
	ret = xengt_gvt_create(&gpu.base, &gvt);
	if (ret) {
		dm_err("GVT core: %s", strerror(-ret));
		goto out_gpu;
	}
	vm->gvt = gvt;
	ret = xengt_vgpu_create(gvt, &p, &vgpu);
	if (ret) {
		dm_err("cannot create the vGPU for domain %u: %s", o->domid,
		       strerror(-ret));
		goto out_gvt;
	}
	if (o->ppgtt_oos >= 0)
		xengt_vgpu_set_ppgtt_oos(vgpu, o->ppgtt_oos);
	ret = xengt_vgpu_attach(vgpu, &vm->base);
	if (ret) {
		dm_err("cannot attach the vGPU to domain %u: %s", o->domid,
		       strerror(-ret));
		goto out_vgpu;
	}
	if (o->fault)
		inject_fault(vgpu, o->fault);
	/* Last: whoever waits for the pid file may unpause the guest. */
	ret = lock_down(o, vm, mon);
	if (ret)
		goto out_vgpu;
	dm_info("serving domain %u: vGPU %u (%s) at %02x:%02x.%x, ioreq server %u, %u vCPU(s)",
		o->domid, xengt_vgpu_id(vgpu), o->type ? o->type : "custom",
		o->sbdf >> 8, (o->sbdf >> 3) & 0x1f, o->sbdf & 7,
		ioreq_server_id(vm->server), ioreq_server_nr_vcpus(vm->server));
	report(report_fd, 0);

	ret = why_stopped(serve(vm, vgpu, run_mask), vm, mon);
	if (ret == 1)
		dm_info("domain %u is gone: shutting down", o->domid);
	else if (ret == 0)
		dm_info("signal %d: shutting down", (int)stop);
	log_stats(vm, vgpu);
	ret = ret < 0 ? ret : 0;
out_vgpu:
	xengt_vgpu_detach(vgpu);
	xengt_vgpu_destroy(vgpu);
	if (o->pidfile && !mon) /* else the monitor removes it */
		unlink(o->pidfile);
out_gvt:
	vm->gvt = NULL;
	xengt_gvt_destroy(gvt);
out_gpu:
	sim_gpu_fini(&gpu);
	leaked = dm_bus_fini(&bus);
	if (leaked) {
		dm_err("domain %u: the vGPU left %u host pages allocated",
		       o->domid, leaked);
		if (!ret)
			ret = -EBUSY;
	}
out_vm:
	if (xen_vm_close(vm) && !ret)
		ret = -EBUSY;
	free(stale);
	stale = NULL;
	if (!ret)
		dm_info("domain %u: vGPU destroyed, ioreq server removed",
			o->domid);
out_report:
	report(report_fd, ret ? 1 : 0);
	return ret ? 1 : 0;
}

/* --domain NAME: the id libxl knows it by (xl's own lookup). */
static int lookup_domain(struct options *o)
{
#ifdef HAVE_LIBXL
	int ret = ts_domain_lookup(o->domain_name, &o->domid);

	ts_close();
	if (!ret)
		return 0;
	fprintf(stderr, "xengt-dm: --domain %s: %s\n", o->domain_name,
		ret == -ENOSYS ?
			"cannot look up domain names without Xen's toolstack (libxl): give the domain id" :
		ret == -ENOENT ? "no such domain" :
				 "not a domain name or decimal id");
#else
	fprintf(stderr,
		"xengt-dm: --domain %s: built without libxl: give the domain id\n",
		o->domain_name);
#endif
	return -1;
}

int main(int argc, char **argv)
{
	struct dm_monitor monitor = { 0 };
	struct dm_monitor_record rec;
	sigset_t run_mask;
	struct options o;
	int report_fd = -1, ret;

	if (parse_args(argc, argv, &o))
		return 2;
	if (o.domain_name && lookup_domain(&o))
		return 1;
	dm_log_init("xengt-dm", !o.foreground, o.verbose);
	if (!o.foreground) {
		char path[64];

		/* Where libxl keeps QEMU's log, when there is no syslog. */
		snprintf(path, sizeof(path), "/var/log/xen/xengt-dm-%u.log",
			 o.domid);
		dm_log_fallback(path);
	}
	if (!o.foreground && daemonize(&report_fd)) {
		fprintf(stderr, "xengt-dm: cannot daemonize: %s\n",
			strerror(errno));
		return 1;
	}
	ioreq_stop_signals(on_signal, &run_mask);
	signal(SIGHUP, SIG_IGN); /* see usage() */
	stats_signal(&run_mask);
	/* Before any Xen handle exists: a fork would not keep them. */
	rec = (struct dm_monitor_record){ .sbdf = o.sbdf,
					  .standalone = o.standalone };
	if (!o.no_restrict &&
	    dm_monitor_start(o.domid, report_fd, &rec, &monitor)) {
		dm_err("domain %u: cannot start the domain-death monitor",
		       o.domid);
		report(&report_fd, 1);
		return 1;
	}
	if (o.standalone)
		ret = serve_standalone(&o, &report_fd, &run_mask,
				       o.no_restrict ? NULL : &monitor);
	else
		ret = serve_attached(&o, &report_fd, &run_mask,
				     o.no_restrict ? NULL : &monitor);
	dm_monitor_stop(&monitor);
	free(o.pidfile);
	return ret;
}
