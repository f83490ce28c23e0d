#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PV and trapped guests side by side on one GPU (issue 11), one boot of
# real Xen under QEMU, xengt.ko loaded in dom0: at once (--parallel),
# i915-pv guests whose vGPUs were created through /sys/kernel/xengt, all
# on the module's one GVT:
#
#   pv_kernel    pv=on, the in-kernel ioreq server
#   trap_dm      trapped, xengt-dm attached to xengt.ko
#   pv_dm        pv=on, xengt-dm attached            (MIXED_GUESTS=4)
#   trap_kernel  trapped, the in-kernel ioreq server (MIXED_GUESTS=4)
#
# Each guest runs store, blit, ptchurn and bind512 (the pv=on ones with
# the PV extension negotiated first, every cap required, all through it),
# each op verified in guest memory, then keeps the blitter busy (busy_ms=,
# each request verified; through PV for the pv=on ones) so that the
# guests' GPU work overlaps; meanwhile dom0 samples every vGPU's gpu_ticks
# twice.  The guests are destroyed (stop mode "destroy"): the module must
# free their vGPUs by itself.
#
# A guest counts as verified when its step passed, its four WORKLOAD lines
# say ok (with "/pv" exactly for a pv=on guest), its busy loop finished
# ok, and the host's own PV counters (VGPU_END, from vgpu<ID>/stats) agree
# with its mode: PV submissions and messages for a pv=on guest, none for
# a trapped one.  Passes when every guest is verified, the GPU touched no
# frame of another domain (foreign, from dom0's control/gpu) and no dom0
# process crashed.  Prints
#   XEN_E2E_PV_MIXED guests=N pv=P trap=T verified=V foreign=F
#
# Xen runs with run.sh's command line (MIXED_XEN_ARGS adds to it).  A run
# with a dom0 crash fails even when every guest verified its work.
# QEMU runs its TCG on one thread (MIXED_TCG_THREADS=multi for one per
# CPU): with a thread per CPU, about one run in five lost a trapped guest
# whose VMCB the nested-SVM platform had overwritten with Xen's own state
# (README.md); on one thread, none in eleven.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-pv-mixed
. "$here/e2e-lib.sh"
e2e_need_ko xengt-pv-mixed
NGUESTS=${MIXED_GUESTS:-4}
XEN_ARGS=${MIXED_XEN_ARGS-}
TCG_THREADS=${MIXED_TCG_THREADS:-single}

attached="--foreground --pvh --pidfile /run/dm.ready"
wl="wl_store=16 wl_blit=1 wl_ptchurn=4 wl_bind512=1 trap_n=100 busy_ms=${MIXED_BUSY_MS:-30000}"
pv_kernel=(--step pv_kernel --vgpu xengt_8 --dm kernel --dm-args pvh
	--guest i915 --guest-cmdline "pv=on $wl" --dm-stop destroy)
trap_dm=(--step trap_dm --vgpu xengt_8 --dm xengt --dm-args "$attached"
	--guest i915 --guest-cmdline "$wl" --dm-stop destroy)
pv_dm=(--step pv_dm --vgpu xengt_8 --dm xengt --dm-args "$attached"
	--guest i915 --guest-cmdline "pv=on $wl" --dm-stop destroy)
trap_kernel=(--step trap_kernel --vgpu xengt_8 --dm kernel --dm-args pvh
	--guest i915 --guest-cmdline "$wl" --dm-stop destroy)
case $NGUESTS in
2) steps=("${pv_kernel[@]}" "${trap_dm[@]}") ;;
4) steps=("${pv_kernel[@]}" "${trap_dm[@]}" "${pv_dm[@]}" "${trap_kernel[@]}") ;;
*) echo "xengt-pv-mixed: MIXED_GUESTS is 2 or 4" >&2; exit 2 ;;
esac
xen_args=()
[ -z "$XEN_ARGS" ] || xen_args=(--xen-args "$XEN_ARGS")

rc=0
"$here/run.sh" --out "$out" --timeout 600 --guest-timeout 420 \
	--extra "$XENGT_KO:/lib/modules/xengt.ko" "${xen_args[@]}" \
	--tcg-threads "$TCG_THREADS" \
	--parallel "$NGUESTS" --share-delay 5 --share-seconds 10 \
	"${steps[@]}" "$@" || rc=$?
# A crash is worth knowing about whether or not the steps passed.
crashed=0
e2e_no_dom0_crash xengt-pv-mixed "$out/latest" || crashed=1
[ "$rc" = 0 ] && [ "$crashed" = 1 ] && rc=1
# No report at all (QEMU timed out, dom0 hung): nothing to count.
[ -s "$out/latest/report.txt" ] || exit "$rc"

# The count is printed from whatever the guests and dom0 reported, also
# from a failed run (a guest with no verdict counts as not verified).
# Each guest's verdict as the Xen console on the host shows it is printed
# beside it, for the runs in which dom0's own tools lost it; it never
# counts.
awk -v nguests="$NGUESTS" '
	$1 == "STEP" && ($3 == "BEGIN" || $3 == "RESULT") { step = $2; next }
	$1 == "STEP" && $3 == "VERDICT" { verdict[$2] = $4 }
	$1 == "VGPU" { split($3, d, "="); name[d[2]] = $2 }
	$1 == "GUEST" && $2 == "WORKLOAD" && $NF == "ok" { wl[step, $3] = 1 }
	$1 == "GUEST" && $2 == "BUSY" && $NF == "ok" { busy[step] = 1 }
	$1 == "GUEST" && $2 == "PV" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); gpv[step, kv[1]] = kv[2] }
	}
	$1 == "VGPU_END" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); host[$2, kv[1]] = kv[2] }
	}
	$1 == "SHARE" {
		delete f
		for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		# An empty field: the sampler itself crashed.
		if (f["gpu_ticks"] == "") { torn[f["domid"]] = 1; next }
		if ($2 == 0) t0[f["domid"]] = f["gpu_ticks"]; else t1[f["domid"]] = f["gpu_ticks"]
	}
	$1 == "KMOD_GPU" && $2 == "foreign" { foreign = $3 }
	# console.log (second file): the verdict of each guest as Xen logged
	# it on the host, beyond the reach of dom0 user space.
	FILENAME != ARGV[1] && /^\(d[0-9]+\) \[ *[0-9.]+\] RESULT: (PASS|FAIL)/ {
		dom = substr($1, 3, length($1) - 3)
		console[dom] = / RESULT: PASS/ ? "PASS" : "FAIL"
	}
	END {
		split("store blit ptchurn bind512", w, " ")
		for (s in verdict) {
			pv = s ~ /^pv_/
			why = ""
			if (verdict[s] != "PASS") why = why " step " verdict[s]
			for (i = 1; i <= 4; i++)
				if (!wl[s, w[i] (pv ? "/pv" : "")]) why = why " no verified " w[i] (pv ? "/pv" : "")
			if (!busy[s]) why = why " no busy loop"
			if (host[s, "state"] == "failsafe") why = why " vGPU failsafe"
			if (pv) {
				if (!gpv[s, "submits"] || gpv[s, "submits"] != gpv[s, "submissions"])
					why = why " guest PV submits " gpv[s, "submits"] "/" gpv[s, "submissions"]
				if (!host[s, "pv_submissions"] || !host[s, "pv_messages"])
					why = why " host saw no PV submissions or messages"
				if (host[s, "pv_submit_errors"] || host[s, "pv_bad_msg"])
					why = why " host PV errors"
			} else if (host[s, "pv_registrations"] != "0" || host[s, "pv_submissions"] != "0")
				why = why " trapped guest used PV on the host"
			c = "none"
			for (dom in name)
				if (name[dom] == s && (dom in console)) c = console[dom]
			printf "xengt-pv-mixed: %s (%s): guest PV submits=%s messages=%s doorbells=%s; host pv_submissions=%s pv_messages=%s pv_doorbells=%s; its verdict on the Xen console %s%s\n",
				s, pv ? "pv=on" : "trapped", gpv[s, "submits"], gpv[s, "messages"], gpv[s, "doorbells"],
				host[s, "pv_submissions"], host[s, "pv_messages"], host[s, "pv_doorbells"], c,
				why == "" ? ": verified" : ": NOT verified:" why
			n++
			if (pv) np++; else nt++
			if (why == "") nv++
		}
		# Overlap: whose GPU time grew within the same sampling window.
		for (dom in t1)
			if ((dom in t0) && t1[dom] - t0[dom] > 0) {
				both = both " " name[dom]; nb++
			}
		for (dom in torn) { tornlist = tornlist " " name[dom] }
		printf "xengt-pv-mixed: GPU time grew for %d of %d guests in the same sampling window:%s%s\n", nb, nguests, both,
			tornlist == "" ? "" : " (samples incomplete for" tornlist ")"
		printf "XEN_E2E_PV_MIXED guests=%d pv=%d trap=%d verified=%d foreign=%s\n", n, np, nt, nv, foreign
		exit !(n == nguests && nv == n && np > 0 && nt > 0 && foreign == "0")
	}
' "$out/latest/report.txt" "$out/latest/console.log" || { [ "$rc" != 0 ] || rc=1; }
exit "$rc"
