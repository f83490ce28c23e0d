#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the Xen e2e dom0 (copied in by mkinitramfs.sh).
#
# Starts dom0 (modules, xenfs, xenstored, xen-init-dom0, xenconsoled),
# creates the test guest paused, starts the device model for it, unpauses
# it, waits (bounded) for the guest's result page, stops the DM, and sends
# a report to the host through QEMU's isa-debugcon (e2e-result emit), then
# makes QEMU exit (isa-debug-exit), falling back to poweroff.
#
# Report format, one item per line (the host parses it; see README.md):
#   XENGT-E2E-REPORT 1
#   TIME <phase> <seconds since dom0 boot>
#   GUEST <line of the guest's result page>      (last: PASS | FAIL: ...)
#   NOVERDICT <why the guest gave no verdict>     (timeout, crash, ...)
#   DM_EXIT <status>
#   BEGIN <name> / <raw lines> / END <name>       (dm.log, xl-dmesg)
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
	section dm.log /run/dm.log
	section xl-create.log /run/xl-create.log
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

DOMID=
if ! xl create -p /e2e/guest.cfg >/run/xl-create.log 2>&1; then
	cat /run/xl-create.log
	fail "xl create -p failed"
	finish
fi
DOMID=$(xl domid e2e-guest)
[ -n "$DOMID" ] || { fail "no domid for e2e-guest"; finish; }
stamp guest-created

export XENGT_E2E_READY_FILE=/run/dm.ready
log "starting: $DM --domain $DOMID $DM_ARGS"
# shellcheck disable=SC2086 # DM_ARGS is a word list on purpose
"$DM" --domain "$DOMID" $DM_ARGS >/run/dm.log 2>&1 &
DMPID=$!
n=0
while [ ! -e /run/dm.ready ]; do
	if ! kill -0 $DMPID 2>/dev/null; then
		wait $DMPID
		echo "DM_EXIT $?" >>$REPORT
		DMPID=
		fail "device model exited before serving (see dm.log)"
		finish
	fi
	n=$((n + 1))
	if [ $n -gt $((DM_READY_TIMEOUT * 10)) ]; then
		log "DM did not create $XENGT_E2E_READY_FILE in ${DM_READY_TIMEOUT}s; unpausing anyway"
		break
	fi
	sleep 0.1
done
stamp dm-ready

xl unpause "$DOMID" || { fail "xl unpause failed"; finish; }
stamp guest-unpaused
e2e-result wait --domain "$DOMID" --gfn "$RESULT_GFN" \
	--timeout "$GUEST_TIMEOUT" >/run/guest.txt 2>/run/wait.err
guest_rc=$?
stamp guest-finished
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
1) fail "guest: $last" ;;
*) fail "no verdict from the guest: ${last#NOVERDICT: }" ;;
esac

# Stop the DM: "term" = SIGTERM as an admin would; "destroy" = destroy the
# guest and let the DM notice the domain's death. Either way it must exit
# with status 0 within 10 s.
dm_how="SIGTERM"
if [ "${DM_STOP:-term}" = destroy ]; then
	dm_how="the domain's death"
	xl destroy "$DOMID" || fail "xl destroy failed"
	DOMID=
else
	kill -TERM $DMPID 2>/dev/null
fi
(sleep 10; kill -KILL $DMPID 2>/dev/null) &
wd=$!
wait $DMPID
dm_rc=$?
if kill $wd 2>/dev/null; then
	[ $dm_rc = 0 ] || fail "device model exited with status $dm_rc after $dm_how"
else
	fail "device model did not exit within 10 s of $dm_how (killed)"
fi
echo "DM_EXIT $dm_rc" >>$REPORT
[ $dm_rc = 0 ] || fail "device model exited with status $dm_rc"
stamp dm-stopped
finish
