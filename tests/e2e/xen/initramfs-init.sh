#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the Xen e2e dom0 (copied in by mkinitramfs.sh).
#
# Starts dom0 (modules, xenfs, xenstored, xen-init-dom0, xenconsoled), then
# runs each step of /e2e/config in order: creates the step's test guest
# paused, starts its device model, unpauses it, waits (bounded) for the
# guest's result page, stops the DM (or kills it mid-test: stop mode
# "kill"), destroys the domain. Then it sends a report to the host through
# QEMU's isa-debugcon (e2e-result emit) and makes QEMU exit
# (isa-debug-exit), falling back to poweroff.
#
# Report format, one item per line (the host parses it; see README.md):
#   XENGT-E2E-REPORT 1
#   TIME <phase> <seconds since dom0 boot>
#   STEP <name> BEGIN <stop mode>                 (per step, in order:)
#   GUEST <line of the guest's result page>      (last: PASS | FAIL: ...)
#   NOVERDICT <why the guest gave no verdict>     (timeout, crash, ...)
#   KILLED-GUEST <line>                          (stop mode kill)
#   DM_EXIT <status>
#   STEP <name> VERDICT PASS | STEP <name> VERDICT FAIL <why>
#   BEGIN <name> / <raw lines> / END <name>       (dm[-STEP].log, xl-dmesg)
#   VERDICT PASS | VERDICT FAIL
#   REASON <why>                                  (on FAIL)
#   END-REPORT

export PATH=/e2e/bin:/usr/lib/xen-4.17/bin:/bin:/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/xen /run/xenstored /var/lock

. /e2e/config

REPORT=/run/report.txt
echo "XENGT-E2E-REPORT 1" >$REPORT
VERDICT=PASS
REASON=

log() { echo "e2e-init: $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
stamp() { echo "TIME $1 $(uptime_s)" >>$REPORT; log "[$(uptime_s)] $1"; }
fail() {
	if [ "$VERDICT" = PASS ]; then
		VERDICT=FAIL
		REASON=$*
	fi
	log "FAIL: $*"
}
section() { # NAME FILE
	[ -f "$2" ] || return 0
	{
		echo "BEGIN $1"
		# keep the channel line-based and printable
		tr -cd '\11\12\40-\176' <"$2"
		echo
		echo "END $1"
	} >>$REPORT
}

finish() {
	if [ -n "$DOMID" ]; then
		xl destroy "$DOMID" >/dev/null 2>&1
	fi
	stamp done
	xl dmesg >/run/xl-dmesg.txt 2>&1
	for f in /run/dm*.log /run/xl-create*.log; do
		[ -f "$f" ] && section "${f#/run/}" "$f"
	done
	section xl-dmesg /run/xl-dmesg.txt
	echo "VERDICT $VERDICT" >>$REPORT
	[ -n "$REASON" ] && echo "REASON $REASON" >>$REPORT
	echo "END-REPORT" >>$REPORT
	log "verdict: $VERDICT${REASON:+ ($REASON)}"
	if ! e2e-result emit <$REPORT; then
		log "could not write the report to the host channel"
	fi
	sync
	if [ "$VERDICT" = PASS ]; then code=0; else code=1; fi
	e2e-result exit $code
	sleep 2
	poweroff -f
	sleep 30
	exit 1
}

stamp init
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	insmod /lib/modules/$m.ko || { fail "insmod $m failed"; finish; }
done
mount -t xenfs xenfs /proc/xen || { fail "mounting xenfs failed"; finish; }

xenstored --pid-file=/run/xenstored.pid || { fail "xenstored failed"; finish; }
n=0
until [ -S /run/xenstored/socket ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && { fail "xenstored socket did not appear"; finish; }
	sleep 0.1
done
xen-init-dom0 || { fail "xen-init-dom0 failed"; finish; }
xenconsoled --pid-file=/run/xenconsoled.pid || { fail "xenconsoled failed"; finish; }
stamp dom0-ready

# ---- xengt.ko, when the harness put it in: load, check, unload ----------
# The module is built from the same core files against this very kernel's
# headers; here it must bring its GVT up, create and destroy a vGPU through
# /sys/kernel/xengt and go away cleanly.
if [ -f /lib/modules/xengt.ko ]; then
	if ! insmod /lib/modules/xengt.ko; then
		fail "insmod xengt.ko failed"
	elif ! dmesg | grep -q "xengt: GVT up"; then
		fail "xengt.ko loaded but the core did not come up"
	elif ! [ -r /sys/kernel/xengt/control/types ]; then
		fail "xengt.ko loaded but /sys/kernel/xengt is missing"
	elif ! echo "1 xengt_8" >/sys/kernel/xengt/control/create ||
		[ "$(cat /sys/kernel/xengt/vgpu1/state)" != detached ] ||
		! echo 1 >/sys/kernel/xengt/control/destroy; then
		fail "xengt.ko: a vGPU could not be created and destroyed through sysfs"
	elif ! rmmod xengt; then
		fail "rmmod xengt failed"
	elif ! dmesg | grep -q "xengt: unloaded"; then
		fail "xengt.ko did not unload cleanly"
	elif dmesg | grep -qE "BUG:|WARNING:|Oops|leak"; then
		fail "kernel complained while xengt.ko was loaded"
	fi
	echo "KMOD $(dmesg | grep -c 'xengt:') xengt lines" >>$REPORT
	{
		echo "BEGIN kmod-dmesg"
		dmesg | grep -i xengt
		echo "END kmod-dmesg"
	} >>$REPORT
	stamp kmod-done
fi

# ---- steps: one guest domain + one DM each, in order -------------------
#
# Stop modes (how the step's DM ends):
#   term     wait for the guest's verdict, then SIGTERM: the DM must exit 0
#            within 10 s
#   destroy  wait for the verdict, then destroy the domain: the DM must
#            notice (@releaseDomain) and exit 0 within 10 s
#   kill     once the guest runs, kill -9 the DM mid-test; then Xen and
#            dom0 must stay healthy (xl info / xl list answer), the guest
#            must be stuck without a verdict (its trap is never answered),
#            and the domain must still be destroyable; the step passes if
#            all of that holds (later steps show a new DM serves a new
#            domain)

STEP_FAILED=
step_fail() { # NAME WHY
	STEP_FAILED=$2
	fail "step $1: $2"
}

# dm_stop NAME PID HOW: wait (bounded) for the DM to exit; sets dm_rc.
dm_wait() {
	(sleep 10; kill -KILL $2 2>/dev/null) &
	wd=$!
	wait $2
	dm_rc=$?
	if ! kill $wd 2>/dev/null; then
		step_fail "$1" "device model did not exit within 10 s of $3 (killed)"
		dm_rc=killed
	elif [ "$dm_rc" != 0 ]; then
		step_fail "$1" "device model exited with status $dm_rc after $3"
	fi
	wait $wd 2>/dev/null
	echo "DM_EXIT $dm_rc" >>$REPORT
}

# domain_gone NAME: true once xl no longer knows domain e2e-NAME (<= 10 s)
domain_gone() {
	n=0
	while xl domid "e2e-$1" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

run_step() { # INDEX
	eval "name=\$STEP$1_NAME dm=\$STEP$1_DM dm_args=\$STEP$1_DM_ARGS"
	eval "gfn=\$STEP$1_GFN how=\$STEP$1_STOP"
	STEP_FAILED=
	sfx=-$name
	[ "$NSTEPS" = 1 ] && sfx=
	echo "STEP $name BEGIN $how" >>$REPORT
	log "step $name: $dm $dm_args (stop: $how)"
	DOMID=
	if ! xl create -p "/e2e/guest-$name.cfg" >"/run/xl-create$sfx.log" 2>&1; then
		cat "/run/xl-create$sfx.log"
		step_fail "$name" "xl create -p failed"
		return
	fi
	DOMID=$(xl domid "e2e-$name")
	[ -n "$DOMID" ] || { step_fail "$name" "no domid for e2e-$name"; return; }
	stamp "$name-created"

	export XENGT_E2E_READY_FILE=/run/dm.ready
	rm -f /run/dm.ready
	log "starting: $dm --domain $DOMID $dm_args"
	# shellcheck disable=SC2086 # dm_args is a word list on purpose
	"$dm" --domain "$DOMID" $dm_args >"/run/dm$sfx.log" 2>&1 &
	DMPID=$!
	n=0
	while [ ! -e /run/dm.ready ]; do
		if ! kill -0 $DMPID 2>/dev/null; then
			wait $DMPID
			echo "DM_EXIT $?" >>$REPORT
			DMPID=
			step_fail "$name" "device model exited before serving (see dm$sfx.log)"
			return
		fi
		n=$((n + 1))
		if [ $n -gt $((DM_READY_TIMEOUT * 10)) ]; then
			log "DM did not create $XENGT_E2E_READY_FILE in ${DM_READY_TIMEOUT}s; unpausing anyway"
			break
		fi
		sleep 0.1
	done
	stamp "$name-dm-ready"

	xl unpause "$DOMID" || { step_fail "$name" "xl unpause failed"; return; }
	stamp "$name-unpaused"

	if [ "$how" = kill ]; then
		run_kill_step
		return
	fi

	e2e-result wait --domain "$DOMID" --gfn "$gfn" \
		--timeout "$GUEST_TIMEOUT" >/run/guest.txt 2>/run/wait.err
	guest_rc=$?
	stamp "$name-finished"
	cat /run/wait.err
	while IFS= read -r line; do
		case $line in
		NOVERDICT:*) echo "NOVERDICT ${line#NOVERDICT: }" >>$REPORT ;;
		*) echo "GUEST $line" >>$REPORT ;;
		esac
		log "guest: $line"
	done </run/guest.txt
	last=$(tail -n1 /run/guest.txt)
	case $guest_rc in
	0) ;;
	1) step_fail "$name" "guest: $last" ;;
	*) step_fail "$name" "no verdict from the guest: ${last#NOVERDICT: }" ;;
	esac

	# Stop the DM: "term" = SIGTERM as an admin would; "destroy" = destroy
	# the guest and let the DM notice the domain's death. Either way it
	# must exit with status 0 within 10 s.
	if [ "$how" = destroy ]; then
		xl destroy "$DOMID" || step_fail "$name" "xl destroy failed"
		DOMID=
		dm_wait "$name" $DMPID "the domain's death"
	else
		kill -TERM $DMPID 2>/dev/null
		dm_wait "$name" $DMPID "SIGTERM"
	fi
	DMPID=
	stamp "$name-dm-stopped"
	if [ -n "$DOMID" ]; then
		xl destroy "$DOMID" || step_fail "$name" "xl destroy failed"
		domain_gone "$name" || step_fail "$name" "domain still there 10 s after xl destroy"
		DOMID=
	fi
}

# kill -9 the DM while the guest is in the middle of its test.
run_kill_step() {
	if ! e2e-result wait --running --domain "$DOMID" --gfn "$gfn" \
		--timeout "$GUEST_TIMEOUT" >/run/guest.txt 2>/run/wait.err; then
		cat /run/wait.err /run/guest.txt
		step_fail "$name" "guest did not start its test"
		return
	fi
	# The guest is trapping now; give it a moment inside its loop.
	sleep 1
	kill -KILL $DMPID
	wait $DMPID
	echo "DM_EXIT $? (SIGKILL)" >>$REPORT
	DMPID=
	stamp "$name-dm-killed"
	xl info >/run/xl-info.txt 2>&1 || step_fail "$name" "xl info fails after kill -9 of the DM"
	xl list >/run/xl-list.txt 2>&1 || step_fail "$name" "xl list fails after kill -9 of the DM"
	grep -q "^e2e-$name " /run/xl-list.txt ||
		step_fail "$name" "domain e2e-$name vanished after kill -9 of the DM"
	# Its trapped access is never answered: no verdict, but no crash.
	e2e-result wait --domain "$DOMID" --gfn "$gfn" --timeout 3 \
		>/run/guest.txt 2>/run/wait.err
	guest_rc=$?
	while IFS= read -r line; do
		echo "KILLED-GUEST $line" >>$REPORT
		log "guest (DM killed): $line"
	done </run/guest.txt
	case $guest_rc in
	0 | 1) step_fail "$name" "the guest finished although its DM was killed (kill came too late to test anything)" ;;
	esac
	grep -q "crashed" /run/guest.txt &&
		step_fail "$name" "the guest crashed after its DM was killed"
	xl destroy "$DOMID" || step_fail "$name" "xl destroy fails after kill -9 of the DM"
	domain_gone "$name" || step_fail "$name" "domain still there 10 s after xl destroy"
	DOMID=
	stamp "$name-destroyed"
	# dom0 and Xen still answer
	xl info >/dev/null 2>&1 || step_fail "$name" "xl info fails after destroying the domain"
}

i=0
while [ $i -lt "$NSTEPS" ]; do
	run_step $i
	eval "name=\$STEP${i}_NAME"
	if [ -n "$DMPID" ]; then
		kill -KILL "$DMPID" 2>/dev/null
		wait "$DMPID" 2>/dev/null
		DMPID=
	fi
	if [ -n "$DOMID" ]; then
		xl destroy "$DOMID" >/dev/null 2>&1
		DOMID=
	fi
	if [ -n "$STEP_FAILED" ]; then
		echo "STEP $name VERDICT FAIL $STEP_FAILED" >>$REPORT
	else
		echo "STEP $name VERDICT PASS" >>$REPORT
	fi
	i=$((i + 1))
done
finish
