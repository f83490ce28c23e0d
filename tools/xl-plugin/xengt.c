// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt(1): the admin's command for vGPUs on Xen, on xengt.ko's public
 * interface (/sys/kernel/xengt) and Xen's toolstack (xl, libxl).
 *
 *   xengt list [--json] [--interval S]   like xl list, one vGPU a line
 *   xengt types [--json]                 vGPU types, how many still fit
 *   xengt top [--interval S] [--iterations N]
 *   xengt create CFG [xl create options] a domain with its vGPU (create.h)
 *   xengt destroy DOMAIN                 the domain and its vGPU
 *   xengt set DOMAIN weight|cap VALUE
 *   xengt whitelist [--device-id HEX]    types as XenServer's gvt-g-whitelist
 *   xengt watch [--once]                 free the vGPUs of dead domains
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "create.h"
#include "dm_state.h"
#include "toolstack.h"
#include "watch.h"
#include "xengt_sysfs.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/*
 * The versions of the JSON documents (docs/schema/), each its own: list's
 * 2 added the PPGTT out-of-sync switch and the paravirtual extension.
 */
#define LIST_JSON_VERSION 2
#define TYPES_JSON_VERSION 1

static const char *const usage_text =
	"usage: xengt [--help] [--version] COMMAND [ARGS]\n"
	"  list [--json] [--interval S]   vGPUs, their domains and usage\n"
	"  types [--json]                 vGPU types and how many still fit\n"
	"  top [--interval S] [--iterations N]   list, refreshed ('q' quits)\n"
	"  create CFG [XL-OPTIONS]        xl create the domain with its vGPU\n"
	"  destroy DOMAIN                 destroy the domain and its vGPU\n"
	"  set DOMAIN weight|cap VALUE    weight 1..16, cap 0..100 (percent)\n"
	"  whitelist [--device-id HEX]    the types as XenServer's gvt-g-whitelist\n"
	"  watch [--once]                 free the vGPUs of dead domains (a service)\n"
	"DOMAIN: a name or a decimal id.  Every command takes --help.\n"
	"Exit status: 0 ok, 1 failure, 2 usage, 3 xengt.ko not loaded, 4 no such\n"
	"domain or vGPU, 5 no room on the GPU, 6 configuration, 7 xl or xengt-dm.\n";

static int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xengt%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'xengt %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return XE_USAGE;
}

/*
 * The module's state could not be read: not loaded (no sysfs directory)
 * is exit 3; anything else (contents this xengt does not parse, an I/O
 * error) is a failure of its own, not to be answered with "modprobe".
 */
static int module_error(const char *cmd, int err)
{
	if (err == -ENOENT || err == -ENOTDIR) {
		fprintf(stderr,
			"xengt %s: xengt.ko is not loaded (%s: %s): modprobe xengt\n",
			cmd, xsys_root(), strerror(-err));
		return XE_NOMODULE;
	}
	if (err == -EPROTO)
		fprintf(stderr,
			"xengt %s: %s holds what this xengt does not understand (is xengt.ko of another version?)\n",
			cmd, xsys_root());
	else
		fprintf(stderr, "xengt %s: cannot read %s: %s\n", cmd,
			xsys_root(), strerror(-err));
	return XE_FAIL;
}

/* A number of seconds, 0..3600, as "0.5" or "2". */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0 && v <= 3600))
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* --help / --json / --interval / --iterations / --device-id */
struct common_opts {
	bool json;
	double interval;
	long iterations;
	uint32_t device_id;
	bool once;
};

enum { OPT_JSON = 1, OPT_INTERVAL, OPT_ITERATIONS, OPT_DEVICE_ID, OPT_ONCE };

/*
 * Parse the options of command @cmd that @allowed lists (bits of 1 <<
 * OPT_*); returns the index of the first operand, or -XE_USAGE (said).
 */
static int parse_opts(const char *cmd, const char *help, unsigned allowed,
		      int argc, char **argv, struct common_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "iterations", required_argument, NULL, OPT_ITERATIONS },
		{ "device-id", required_argument, NULL, OPT_DEVICE_ID },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c >= OPT_JSON && c <= OPT_ONCE && !(allowed & (1U << c)))
			c = '?';
		switch (c) {
		case 'h':
			fputs(help, stdout);
			exit(XE_OK);
		case 'V':
			printf("xengt %s\n", PACKAGE_VERSION);
			exit(XE_OK);
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		case OPT_INTERVAL:
			if (parse_seconds(optarg, &o->interval))
				return -usage_error(
					cmd,
					"--interval: '%s' is not a number of seconds in 0..3600",
					optarg);
			break;
		case OPT_ITERATIONS: {
			uint32_t n;

			if (parse_u32(optarg, 1000000, &n) || !n)
				return -usage_error(
					cmd,
					"--iterations: '%s' is not a decimal number in 1..1000000",
					optarg);
			o->iterations = n;
			break;
		}
		case OPT_DEVICE_ID: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 16);

			if (end == optarg || *end || v > 0xffff)
				return -usage_error(
					cmd,
					"--device-id: '%s' is not a PCI device id (hex, 0..ffff)",
					optarg);
			o->device_id = (uint32_t)v;
			break;
		}
		default:
			return -usage_error(cmd, "unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	return optind;
}

/* ---- list and top ------------------------------------------------------- */

struct sample {
	struct xsys_vgpu v[XSYS_MAX_VGPUS];
	int n;
	struct timespec at;
};

struct row {
	const struct xsys_vgpu *v;
	char name[TS_NAME_MAX];
	double traps_per_s, gpu_share; /* < 0: not measured */
};

static int take_sample(struct sample *s)
{
	s->n = xsys_vgpus(s->v, XSYS_MAX_VGPUS);
	clock_gettime(CLOCK_MONOTONIC, &s->at);
	return s->n < 0 ? s->n : 0;
}

static double seconds_between(const struct timespec *a,
			      const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * Rates of @now against @before (NULL: none): traps per second, and each
 * vGPU's share of the GPU time all vGPUs used in between.
 */
static void make_rows(const struct sample *before, const struct sample *now,
		      struct row *rows)
{
	double secs = before ? seconds_between(&before->at, &now->at) : 0;
	uint64_t total = 0, delta[XSYS_MAX_VGPUS] = { 0 };
	int i, j;

	for (i = 0; i < now->n; i++) {
		const struct xsys_vgpu *p = NULL;

		rows[i].v = &now->v[i];
		ts_domain_name(now->v[i].domid, rows[i].name,
			       sizeof(rows[i].name));
		rows[i].traps_per_s = rows[i].gpu_share = -1;
		for (j = 0; before && j < before->n; j++)
			if (before->v[j].id == now->v[i].id &&
			    before->v[j].domid == now->v[i].domid)
				p = &before->v[j];
		if (!p || secs <= 0)
			continue;
		rows[i].traps_per_s =
			(double)(now->v[i].traps - p->traps) / secs;
		delta[i] = now->v[i].gpu_ticks - p->gpu_ticks;
		total += delta[i];
	}
	for (i = 0; i < now->n; i++)
		if (rows[i].traps_per_s >= 0)
			rows[i].gpu_share =
				total ? (double)delta[i] / (double)total : 0;
}

/* XENGT_PV_CAP_* bits as "ppgtt+ggtt+submission" ("none" for 0). */
static const char *const pv_cap_names[] = { "ppgtt", "ggtt", "submission" };

static void pv_caps_text(uint32_t caps, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int b;

	buf[0] = '\0';
	for (b = 0; b < 32 && len < size; b++) {
		if (!(caps & 1U << b))
			continue;
		if (b < sizeof(pv_cap_names) / sizeof(pv_cap_names[0]))
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "+" : "", pv_cap_names[b]);
		else
			len += snprintf(buf + len, size - len, "%sbit%u",
					len ? "+" : "", b);
	}
	if (!caps)
		snprintf(buf, size, "none");
}

static uint64_t pv_errors(const struct xsys_vgpu *v)
{
	return v->pv.messages - v->pv.ok;
}

/*
 * The notes under a vGPU's line: its failsafe reason; PV use, once the
 * guest accepted a capability or rang; the PPGTT out-of-sync switch when
 * not on (its default).
 */
static void print_notes(FILE *f, const struct xsys_vgpu *v)
{
	char caps[64], offer[64];

	if (v->failsafe_reason[0])
		fprintf(f, "%28s failsafe: %s\n", "", v->failsafe_reason);
	if (v->pv_known && (v->pv_caps || v->pv.doorbells)) {
		pv_caps_text(v->pv_caps, caps, sizeof(caps));
		pv_caps_text(v->pv_offer, offer, sizeof(offer));
		fprintf(f,
			"%28s pv: caps %s (offered %s), %s, %" PRIu64
			" doorbells, %" PRIu64 " messages, %" PRIu64
			" errors, %" PRIu64 " submissions, %" PRIu64
			" pages bound",
			"", caps, offer,
			v->pv_registered ? "registered" : "not registered",
			v->pv.doorbells, v->pv.messages, pv_errors(v),
			v->pv.submissions, v->pv.pages_bound);
		if (v->pv_tables_known)
			fprintf(f, ", %u roots, %u tables", v->pv_roots,
				v->pv_tables);
		fputc('\n', f);
	}
	if (v->ppgtt_oos_known && !v->ppgtt_oos)
		fprintf(f, "%28s ppgtt: out-of-sync off\n", "");
}

static void print_table(FILE *f, const struct row *rows, int n)
{
	fprintf(f,
		"%-20s %5s %4s %-8s %-22s %-22s %-6s %6s %3s %-9s %-7s %9s %5s\n",
		"Name", "ID", "vGPU", "Type", "Low GM (base MiB)",
		"High GM (base MiB)", "Fences", "Weight", "Cap", "State",
		"Trap", "Traps/s", "GPU%");
	for (int i = 0; i < n; i++) {
		const struct xsys_vgpu *v = rows[i].v;
		char low[32], high[32], fences[16], rate[16], share[16];

		snprintf(low, sizeof(low), "0x%" PRIx64 " %u", v->low_gm_base,
			 v->low_gm_mb);
		snprintf(high, sizeof(high), "0x%" PRIx64 " %u",
			 v->high_gm_base, v->high_gm_mb);
		snprintf(fences, sizeof(fences), "%u+%u", v->fence_first,
			 v->fences);
		if (rows[i].traps_per_s < 0) {
			strcpy(rate, "-");
			strcpy(share, "-");
		} else {
			snprintf(rate, sizeof(rate), "%.0f",
				 rows[i].traps_per_s);
			snprintf(share, sizeof(share), "%.1f",
				 100 * rows[i].gpu_share);
		}
		fprintf(f,
			"%-20.20s %5u %4u %-8.8s %-22s %-22s %-6s %6u %3u %-9s %-7s %9s %5s\n",
			rows[i].name, v->domid, v->id, v->type, low, high,
			fences, v->weight, v->cap, v->state, v->trap, rate,
			share);
		print_notes(f, v);
	}
}

static json_object *json_range(uint64_t base, uint32_t mb)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "base", json_object_new_uint64(base));
	json_object_object_add(o, "size_mb", json_object_new_int64(mb));
	return o;
}

static json_object *json_caps(uint32_t caps)
{
	json_object *arr = json_object_new_array();
	unsigned int b;
	char name[16];

	for (b = 0; b < 32; b++) {
		if (!(caps & 1U << b))
			continue;
		if (b < sizeof(pv_cap_names) / sizeof(pv_cap_names[0]))
			snprintf(name, sizeof(name), "%s", pv_cap_names[b]);
		else
			snprintf(name, sizeof(name), "bit%u", b);
		json_object_array_add(arr, json_object_new_string(name));
	}
	return arr;
}

/* The paravirtual extension's state and counters, or NULL (not known). */
static json_object *json_pv(const struct xsys_vgpu *v)
{
	json_object *o, *errors;
	const struct xsys_pv_field *f;

	if (!v->pv_known)
		return NULL;
	o = json_object_new_object();
	errors = json_object_new_object();
	json_object_object_add(o, "offer", json_caps(v->pv_offer));
	json_object_object_add(o, "caps", json_caps(v->pv_caps));
	json_object_object_add(o, "registered",
			       json_object_new_boolean(v->pv_registered));
	json_object_object_add(
		o, "roots",
		v->pv_tables_known ? json_object_new_int64(v->pv_roots) : NULL);
	json_object_object_add(o, "tables",
			       v->pv_tables_known ?
				       json_object_new_int64(v->pv_tables) :
				       NULL);
	json_object_object_add(o, "errors",
			       json_object_new_uint64(pv_errors(v)));
	for (f = xsys_pv_fields; f->name; f++) {
		uint64_t val =
			*(const uint64_t *)((const char *)&v->pv + f->offset);

		/* Messages by status (ok, bad_msg, ...): under by_status. */
		json_object_object_add(f->status ? errors : o, f->name,
				       json_object_new_uint64(val));
	}
	json_object_object_add(o, "by_status", errors);
	return o;
}

static json_object *list_json(const struct row *rows, int n)
{
	json_object *doc = json_object_new_object(),
		    *arr = json_object_new_array();

	json_object_object_add(doc, "version",
			       json_object_new_int(LIST_JSON_VERSION));
	for (int i = 0; i < n; i++) {
		const struct xsys_vgpu *v = rows[i].v;
		json_object *o = json_object_new_object(), *fences;

		json_object_object_add(
			o, "domain",
			strcmp(rows[i].name, "-") ?
				json_object_new_string(rows[i].name) :
				NULL);
		json_object_object_add(o, "domid",
				       json_object_new_int64(v->domid));
		json_object_object_add(o, "vgpu", json_object_new_int64(v->id));
		json_object_object_add(o, "type",
				       json_object_new_string(v->type));
		json_object_object_add(
			o, "low_gm", json_range(v->low_gm_base, v->low_gm_mb));
		json_object_object_add(
			o, "high_gm",
			json_range(v->high_gm_base, v->high_gm_mb));
		fences = json_object_new_object();
		json_object_object_add(fences, "first",
				       json_object_new_int64(v->fence_first));
		json_object_object_add(fences, "count",
				       json_object_new_int64(v->fences));
		json_object_object_add(o, "fences", fences);
		json_object_object_add(o, "weight",
				       json_object_new_int64(v->weight));
		json_object_object_add(o, "cap", json_object_new_int64(v->cap));
		json_object_object_add(o, "state",
				       json_object_new_string(v->state));
		json_object_object_add(o, "trap",
				       json_object_new_string(v->trap));
		json_object_object_add(o, "traps",
				       json_object_new_uint64(v->traps));
		json_object_object_add(o, "submissions",
				       json_object_new_uint64(v->submissions));
		json_object_object_add(o, "gpu_ticks",
				       json_object_new_uint64(v->gpu_ticks));
		json_object_object_add(
			o, "traps_per_s",
			rows[i].traps_per_s < 0 ?
				NULL :
				json_object_new_double(rows[i].traps_per_s));
		json_object_object_add(
			o, "gpu_share",
			rows[i].gpu_share < 0 ?
				NULL :
				json_object_new_double(rows[i].gpu_share));
		json_object_object_add(
			o, "failsafe_reason",
			v->failsafe_reason[0] ?
				json_object_new_string(v->failsafe_reason) :
				NULL);
		json_object_object_add(
			o, "ppgtt_oos",
			v->ppgtt_oos_known ?
				json_object_new_boolean(v->ppgtt_oos) :
				NULL);
		json_object_object_add(o, "pv", json_pv(v));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "vgpus", arr);
	return doc;
}

static void print_json(json_object *doc)
{
	puts(json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(doc);
}

static void sleep_seconds(double s)
{
	struct timespec t = { .tv_sec = (time_t)s,
			      .tv_nsec =
				      (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static int cmd_list(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt list [--json] [--interval S]\n"
		"One line per vGPU: its domain's name and id, vGPU id, type, graphics\n"
		"memory (host base, MiB), fences (first+count), weight, cap, state,\n"
		"trap path, traps per second and share of the GPU time vGPUs used,\n"
		"both measured over S seconds (default 0.5; 0: not measured).  Notes\n"
		"under a vGPU: its failsafe reason, its use of the PV extension, and\n"
		"\"ppgtt: out-of-sync off\" when that optimization is switched off.\n"
		"--json: the same as one JSON document (docs/schema/xengt-list.schema.json).\n";
	struct common_opts o = { .interval = 0.5 };
	static struct sample before, now;
	struct row rows[XSYS_MAX_VGPUS];
	int i = parse_opts("list", help, 1U << OPT_JSON | 1U << OPT_INTERVAL,
			   argc, argv, &o);
	int ret;

	if (i < 0)
		return -i;
	if (i < argc)
		return usage_error("list", "unexpected argument '%s'", argv[i]);
	ret = take_sample(&before);
	if (ret)
		return module_error("list", ret);
	if (o.interval > 0) {
		sleep_seconds(o.interval);
		ret = take_sample(&now);
		if (ret)
			return module_error("list", ret);
	}
	make_rows(o.interval > 0 ? &before : NULL,
		  o.interval > 0 ? &now : &before, rows);
	if (o.json)
		print_json(list_json(rows, o.interval > 0 ? now.n : before.n));
	else
		print_table(stdout, rows, o.interval > 0 ? now.n : before.n);
	return XE_OK;
}

/* Raw terminal input for 'q', restored at exit. */
static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
}

static int cmd_top(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt top [--interval S] [--iterations N]\n"
		"xengt list, refreshed every S seconds (default 1) until 'q' or N\n"
		"refreshes, with the GPU's free resources on top.\n";
	struct common_opts o = { .interval = 1 };
	static struct sample s[2];
	struct row rows[XSYS_MAX_VGPUS];
	int i = parse_opts("top", help,
			   1U << OPT_INTERVAL | 1U << OPT_ITERATIONS, argc,
			   argv, &o);
	int ret, cur = 0;
	long it;

	if (i < 0)
		return -i;
	if (i < argc)
		return usage_error("top", "unexpected argument '%s'", argv[i]);
	if (o.interval <= 0)
		o.interval = 1;
	ret = take_sample(&s[0]);
	if (ret)
		return module_error("top", ret);
	if (isatty(0) && !tcgetattr(0, &saved_tty)) {
		struct termios raw = saved_tty;

		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tty_raw = !tcsetattr(0, TCSANOW, &raw);
		atexit(restore_tty);
	}
	for (it = 0; !o.iterations || it < o.iterations; it++) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		struct xsys_resources r;
		char c;

		if (poll(&p, 1, (int)(o.interval * 1000)) > 0 &&
		    read(0, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			break;
		ret = take_sample(&s[!cur]);
		if (ret) {
			restore_tty();
			return module_error("top", ret);
		}
		make_rows(&s[cur], &s[!cur], rows);
		cur = !cur;
		/* Home and clear, as top(1) does, only on a terminal. */
		if (isatty(1))
			fputs("\033[H\033[2J", stdout);
		if (!xsys_resources(&r))
			printf("xengt top - vGPUs %u/%u, free: low GM %u MiB, high GM %u MiB, fences %u (largest block %u/%u MiB, %u)   q: quit\n\n",
			       r.vgpus, r.vgpus_max, r.low_gm_free_mb,
			       r.high_gm_free_mb, r.fences_free, r.low_gm_mb,
			       r.high_gm_mb, r.fences);
		print_table(stdout, rows, s[cur].n);
		fflush(stdout);
	}
	restore_tty();
	return XE_OK;
}

/* ---- types and whitelist -------------------------------------------------- */

static int cmd_types(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt types [--json]\n"
		"The vGPU types of the GPU, smallest first: graphics memory, fences,\n"
		"default weight, and how many more of each fit now.\n";
	struct xsys_type t[XSYS_MAX_TYPES];
	struct common_opts o = { 0 };
	int i = parse_opts("types", help, 1U << OPT_JSON, argc, argv, &o);
	int n;

	if (i < 0)
		return -i;
	if (i < argc)
		return usage_error("types", "unexpected argument '%s'",
				   argv[i]);
	n = xsys_types(t, XSYS_MAX_TYPES);
	if (n < 0)
		return module_error("types", n);
	if (o.json) {
		json_object *doc = json_object_new_object(),
			    *arr = json_object_new_array();

		json_object_object_add(doc, "version",
				       json_object_new_int(TYPES_JSON_VERSION));
		for (i = 0; i < n; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(
				e, "name", json_object_new_string(t[i].name));
			json_object_object_add(
				e, "low_gm_mb",
				json_object_new_int64(t[i].low_gm_mb));
			json_object_object_add(
				e, "high_gm_mb",
				json_object_new_int64(t[i].high_gm_mb));
			json_object_object_add(
				e, "fences",
				json_object_new_int64(t[i].fences));
			json_object_object_add(
				e, "weight",
				json_object_new_int64(t[i].weight));
			json_object_object_add(
				e, "available",
				json_object_new_int64(t[i].available));
			json_object_array_add(arr, e);
		}
		json_object_object_add(doc, "types", arr);
		print_json(doc);
		return XE_OK;
	}
	printf("%-10s %10s %11s %6s %6s %9s\n", "Type", "Low GM MiB",
	       "High GM MiB", "Fences", "Weight", "Available");
	for (i = 0; i < n; i++)
		printf("%-10s %10u %11u %6u %6u %9u\n", t[i].name,
		       t[i].low_gm_mb, t[i].high_gm_mb, t[i].fences,
		       t[i].weight, t[i].available);
	return XE_OK;
}

static int cmd_whitelist(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt whitelist [--device-id HEX]\n"
		"The vGPU types in the form XenServer/XCP-ng's toolstack reads for\n"
		"GVT-g (/etc/gvt-g-whitelist), one line per type, for the physical\n"
		"GPU's PCI device id (default 1912, the software GPU's Skylake GT2).\n"
		"framebuffer_sz is the type's aperture: all a framebuffer can use.\n";
	struct xsys_type t[XSYS_MAX_TYPES];
	struct common_opts o = { .device_id = 0x1912 };
	int i = parse_opts("whitelist", help, 1U << OPT_DEVICE_ID, argc, argv,
			   &o);
	int n;

	if (i < 0)
		return -i;
	if (i < argc)
		return usage_error("whitelist", "unexpected argument '%s'",
				   argv[i]);
	n = xsys_types(t, XSYS_MAX_TYPES);
	if (n < 0)
		return module_error("whitelist", n);
	for (i = 0; i < n; i++)
		printf("%04x experimental=0 name='XenGT %s' low_gm_sz=%u high_gm_sz=%u fence_sz=%u framebuffer_sz=%u max_heads=1 resolution=%s\n",
		       o.device_id, t[i].name, t[i].low_gm_mb, t[i].high_gm_mb,
		       t[i].fences, t[i].low_gm_mb,
		       t[i].resolution[0] ? t[i].resolution : "1920x1200");
	return XE_OK;
}

/* ---- create, destroy, set --------------------------------------------------- */

static int lookup(const char *cmd, const char *what, uint32_t *domid)
{
	int ret = ts_domain_lookup(what, domid);

	if (ret == -EINVAL)
		return usage_error(
			cmd,
			"'%s' is neither a domain name nor a decimal domain id",
			what);
	if (ret == -ENOSYS) {
		fprintf(stderr,
			"xengt %s: cannot look up domain names here (no Xen toolstack): give the decimal domain id\n",
			cmd);
		return XE_NODOMAIN;
	}
	if (ret) {
		fprintf(stderr, "xengt %s: no domain '%s'\n", cmd, what);
		return XE_NODOMAIN;
	}
	return XE_OK;
}

static int cmd_create(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt create CFG [XL-CREATE-OPTIONS]\n"
		"Create the domain of xl configuration CFG with the vGPU its vgt keys ask\n"
		"for (xengt.cfg(5)): xl create -p, the vGPU in xengt.ko, its trap path\n"
		"(vgt_path: \"kernel\" or \"dm\"), xl unpause.  A step that fails undoes\n"
		"the ones before it.  Options after CFG go to xl create (e.g. -c is not\n"
		"supported: the domain is created paused).\n";
	struct common_opts o = { 0 };
	int i = parse_opts("create", help, 0, argc, argv, &o);

	if (i < 0)
		return -i;
	if (i >= argc)
		return usage_error("create",
				   "missing the domain configuration CFG");
	return xengt_create(argv[i], argv + i + 1, argc - i - 1);
}

static int cmd_destroy(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt destroy DOMAIN\n"
		"Destroy the domain (xl destroy) and free its vGPU.\n";
	struct common_opts o = { 0 };
	struct xsys_vgpu v;
	uint32_t domid;
	char id[16];
	int i = parse_opts("destroy", help, 0, argc, argv, &o), ret;

	if (i < 0)
		return -i;
	if (argc - i != 1)
		return usage_error("destroy", "give exactly one DOMAIN");
	ret = lookup("destroy", argv[i], &domid);
	if (ret)
		return ret;
	ret = xsys_present();
	if (ret)
		return module_error("destroy", ret);
	snprintf(id, sizeof(id), "%u", domid);
	{
		const char *xl[] = { ts_xl(), "destroy", id, NULL };

		ret = ts_run(xl, NULL, 0);
	}
	if (ret) {
		fprintf(stderr, "xengt destroy: xl destroy %s exited %d\n", id,
			ret);
		ret = XE_TOOLSTACK;
	}
	/* The module frees a dead domain's vGPU itself; make sure. */
	if (!xsys_vgpu_of(domid, &v)) {
		int err = xsys_destroy(domid);

		if (err && err != -ENOENT) {
			fprintf(stderr,
				"xengt destroy: freeing vGPU %u of domain %u: %s\n",
				v.id, domid, strerror(-err));
			return XE_FAIL;
		}
	}
	/*
	 * The vGPU is gone.  libxl removed its record with the device-model
	 * directory if the domain had a device model (QEMU); a PVH guest's,
	 * or one xl failed to destroy, is ours to remove.
	 */
	{
		int err = dm_state_remove(domid);

		if (err)
			fprintf(stderr,
				"xengt destroy: domain %u: removing %s/%u/xengt: %s\n",
				domid, DM_STATE_DIR, domid, strerror(-err));
	}
	return ret;
}

static int cmd_set(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt set DOMAIN weight|cap VALUE\n"
		"weight 1..16: GPU time is shared in proportion to the weights of the\n"
		"vGPUs with work; cap 0..100: percent of each engine's time (0: none).\n"
		"Takes effect at the next scheduling decision.\n";
	struct common_opts o = { 0 };
	struct xsys_vgpu v;
	uint32_t domid, value;
	int i = parse_opts("set", help, 0, argc, argv, &o), ret;
	bool weight;

	if (i < 0)
		return -i;
	if (argc - i != 3)
		return usage_error("set",
				   "give DOMAIN, weight or cap, and a VALUE");
	weight = !strcmp(argv[i + 1], "weight");
	if (!weight && strcmp(argv[i + 1], "cap"))
		return usage_error("set", "'%s': set weight or cap",
				   argv[i + 1]);
	if (parse_u32(argv[i + 2], weight ? 16 : 100, &value) ||
	    (weight && !value))
		return usage_error(
			"set", "%s: '%s' is not a decimal number in %s",
			argv[i + 1], argv[i + 2], weight ? "1..16" : "0..100");
	ret = lookup("set", argv[i], &domid);
	if (ret)
		return ret;
	ret = xsys_vgpu_of(domid, &v);
	if (ret == -ENOENT && xsys_present())
		return module_error("set", -ENOENT);
	if (ret) {
		fprintf(stderr, "xengt set: domain %u has no vGPU\n", domid);
		return XE_NODOMAIN;
	}
	ret = xsys_set(v.id, argv[i + 1], value);
	if (ret) {
		fprintf(stderr, "xengt set: vgpu%u/%s: %s\n", v.id, argv[i + 1],
			strerror(-ret));
		return XE_FAIL;
	}
	return XE_OK;
}

static int cmd_watch(int argc, char **argv)
{
	static const char help[] =
		"usage: xengt watch [--once]\n"
		"Free the vGPUs of domains that are gone: at start, then on every\n"
		"xenstore @releaseDomain (--once: one sweep, then exit).  xengt.ko frees\n"
		"a vGPU itself when its served domain dies; this catches the rest (a\n"
		"domain destroyed before its trap path was attached).  Logs to syslog\n"
		"or the journal.  Run as the xengt-watch service.\n";
	struct common_opts o = { 0 };
	int i = parse_opts("watch", help, 1U << OPT_ONCE, argc, argv, &o);

	if (i < 0)
		return -i;
	if (i < argc)
		return usage_error("watch", "unexpected argument '%s'",
				   argv[i]);
	i = xengt_watch(o.once);
	if (i == -ENODEV) {
		fprintf(stderr, "xengt watch: no Xen toolstack here (libxl)\n");
		return XE_TOOLSTACK;
	}
	return i ? XE_FAIL : XE_OK;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "types", cmd_types },
	{ "top", cmd_top },
	{ "create", cmd_create },
	{ "destroy", cmd_destroy },
	{ "set", cmd_set },
	{ "whitelist", cmd_whitelist },
	{ "watch", cmd_watch },
};

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2)
		return usage_error(NULL, "missing COMMAND");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return XE_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("xengt %s\n", PACKAGE_VERSION);
		return XE_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].run(argc - 1, argv + 1);
		ts_close();
		return ret;
	}
	if (argv[1][0] == '-')
		return usage_error(NULL, "unknown option '%s'", argv[1]);
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
