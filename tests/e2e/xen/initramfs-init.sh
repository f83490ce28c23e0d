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
# An empty root-owned directory for xengt-dm --chroot (checks "restricted").
mkdir -m 755 /run/xengt-root

. /e2e/config
[ -f /e2e/kmod-args ] && . /e2e/kmod-args

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
	for f in /run/dm*.log /run/xl-create*.log /run/guest-*.serial \
		 /var/log/xen/qemu-dm-*.log; do
		[ -f "$f" ] && section "$(basename "$f")" "$f"
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
	log "step $1 failed: $2"
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

# ---- xengt.ko for the steps (when a step asks for a vGPU in it) ---------
KMOD_LOADED=
kmod_load() {
	[ -n "$KMOD_LOADED" ] && return 0
	if ! insmod /lib/modules/xengt.ko ${XENGT_KMOD_ARGS:-}; then
		fail "insmod xengt.ko for the steps failed"
		return 1
	fi
	KMOD_LOADED=1
	KMOD_RESOURCE0=$(cat /sys/kernel/xengt/control/available_resource)
	echo "KMOD_RESOURCE start $KMOD_RESOURCE0" >>$REPORT
}

# vgpu_of DOMID: the vGPU id of the domain (its /sys/kernel/xengt dir)
vgpu_of() {
	for d in /sys/kernel/xengt/vgpu*; do
		[ -r "$d/domid" ] && [ "$(cat "$d/domid")" = "$1" ] &&
			{ echo "${d##*vgpu}"; return 0; }
	done
	return 1
}

# step_vars INDEX: this step's settings as shell variables
step_vars() {
	eval "name=\$STEP$1_NAME dm=\$STEP$1_DM dm_args=\$STEP$1_DM_ARGS"
	eval "gfn=\$STEP$1_GFN how=\$STEP$1_STOP vgpu_spec=\$STEP$1_VGPU"
	eval "check=\$STEP$1_CHECK kind=\$STEP$1_KIND"
	sfx=-$name
	[ "$NSTEPS" = 1 ] && sfx=
}

# has_check WORD: the current step (step_vars) asked for this --check
has_check() {
	case $check in *,$1,*) return 0 ;; esac
	return 1
}

# bystander_start INDEX: a second domain of the step's guest, left paused,
# so that a restricted DM is probed on a real other guest (STEP<i>_BYSTANDER)
bystander_start() {
	sed "s/^name = .*/name = \"e2e-$name-by\"/" "/e2e/guest-$name.cfg" >/run/by.cfg
	if ! xl create -p /run/by.cfg >/run/xl-create-by.log 2>&1; then
		cat /run/xl-create-by.log
		step_fail "$name" "xl create -p of the bystander failed"
		return 1
	fi
	by=$(xl domid "e2e-$name-by")
	eval "STEP$1_BYSTANDER=$by"
	echo "BYSTANDER $name domid=$by" >>$REPORT
}

bystander_stop() { # INDEX
	eval "by=\$STEP$1_BYSTANDER"
	[ -n "$by" ] || return 0
	xl destroy "$by" || step_fail "$name" "xl destroy of the bystander failed"
	eval "STEP$1_BYSTANDER="
}

# restricted_check NAME PID DMLOG BYSTANDER: the serving DM runs as a
# non-root user in a chroot and proved its Xen handles restricted (its log
# names the domains the proof was run on, the bystander among them)
restricted_check() {
	uid=$(awk '$1 == "Uid:" { print $2 "/" $3 "/" $4 "/" $5 }' /proc/$2/status)
	gid=$(awk '$1 == "Gid:" { print $2 "/" $3 "/" $4 "/" $5 }' /proc/$2/status)
	root=$(readlink /proc/$2/root)
	probed=$(sed -n 's/.*refused for domain(s) //p' "$3" | tr ' ' ',')
	echo "RESTRICT $1 uid=$uid gid=$gid root=$root probed=$probed" >>$REPORT
	case $uid in 0/* | */0/* | */0) step_fail "$1" "the DM still has uid 0 ($uid)" ;; esac
	[ -n "$uid" ] || step_fail "$1" "no /proc/$2/status"
	[ "$root" != / ] || step_fail "$1" "the DM is not in a chroot"
	[ -n "$probed" ] || step_fail "$1" "the DM logged no proof of its restriction"
	if [ -n "$4" ]; then
		case ,$probed, in *,$4,*) ;; *) step_fail "$1" "the restriction was not probed on the bystander (domain $4)" ;; esac
	fi
}

# refuse_wait NAME PID DMLOG: the DM must exit non-zero before serving
refuse_wait() {
	n=0
	while kill -0 $2 2>/dev/null; do
		n=$((n + 1))
		if [ -e "$XENGT_E2E_READY_FILE" ] || [ $n -gt $((DM_READY_TIMEOUT * 10)) ]; then
			kill -TERM $2 2>/dev/null
			wait $2
			step_fail "$1" "the device model served although it had to refuse"
			return 1
		fi
		sleep 0.1
	done
	wait $2
	rc=$?
	echo "DM_EXIT $rc" >>$REPORT
	why=$(grep -m1 -i 'error\|not in force\|cannot' "$3" | tr -s ' \t' '__')
	echo "DM_REFUSED $1 rc=$rc why=$why" >>$REPORT
	[ "$rc" != 0 ] || step_fail "$1" "the device model exited 0 instead of refusing"
	[ ! -e "$XENGT_E2E_READY_FILE" ] || step_fail "$1" "the device model left its ready file"
}

# step_start INDEX: create the domain paused, its vGPU (if any) and its
# trap path; sets STEP<i>_DOMID and STEP<i>_DMPID.  Returns 1 on failure.
# ---- steps whose domain the admin's tools make (xengt create, or plain
# xl create with the device-model hook): no DM of ours to start ----------

# vgpu_wait DOMID: its vGPU's id once it exists and its trap path is
# attached (<= 30 s), else fail
vgpu_wait() {
	n=0
	while :; do
		if vw_id=$(vgpu_of "$1") &&
			[ "$(cat "/sys/kernel/xengt/vgpu$vw_id/trap")" != detached ]; then
			echo "$vw_id"
			return 0
		fi
		n=$((n + 1))
		[ $n -gt 300 ] && return 1
		sleep 0.1
	done
}

# vgpu_gone DOMID: true once the domain has no vGPU (<= 10 s)
vgpu_gone() {
	n=0
	while vgpu_of "$1" >/dev/null; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

# xs_record DOMID: the vGPU's device-model record in xenstore, as
# "key=value ..." (read with libxenstore by e2e-result, not by the tools
# that write it); empty if there is none
xs_record() {
	e2e-result xs "/local/domain/0/device-model/$1/xengt" 2>/dev/null | tr '\n' ' '
}

# xs_check NAME DOMID VGPU: the record is where the toolstack keeps
# device-model state and says running, this vGPU, and either the
# in-kernel path or xengt-dm with its pid, the running one (written just
# after the trap path attaches: <= 10 s)
xs_check() {
	n=0
	while :; do
		xs_rec=$(xs_record "$2")
		case " $xs_rec" in *" state=running "*) break ;; esac
		n=$((n + 1))
		[ $n -gt 100 ] && break
		sleep 0.1
	done
	# QEMU's own state beside it (the hook's HVM guest; none for PVH)
	xs_qemu=$(e2e-result xs "/local/domain/0/device-model/$2" 2>/dev/null | sed -n 's/^state=//p')
	echo "XS $1 domid=$2 ${xs_rec}qemu=${xs_qemu:-none}" >>$REPORT
	case " $xs_rec" in
	*" state=running "*" vgpu=$3 "*) ;;
	*) step_fail "$1" "domain $2: xenstore record is not running vGPU $3: '$xs_rec'"; return 1 ;;
	esac
	case " $xs_rec" in
	*" path=kernel "*) ;;
	*" dm-pid="*" path=dm "*)
		xs_pid=${xs_rec#*dm-pid=}
		xs_pid=${xs_pid%% *}
		[ -d "/proc/$xs_pid" ] && grep -q xengt-dm "/proc/$xs_pid/cmdline" 2>/dev/null || {
			step_fail "$1" "domain $2: xenstore's dm-pid $xs_pid is no xengt-dm"
			return 1
		} ;;
	*) step_fail "$1" "domain $2: xenstore record's path is neither kernel nor dm with its pid: '$xs_rec'"; return 1 ;;
	esac
	return 0
}

# xs_gone NAME DOMID: no record of the domain's vGPU is left
xs_gone() {
	if e2e-result xs "/local/domain/0/device-model/$2/xengt" >/dev/null 2>&1; then
		step_fail "$1" "domain $2 is gone but its xenstore record stays: '$(xs_record "$2")'"
		return 1
	fi
	echo "XS_GONE $1 domid=$2" >>$REPORT
	return 0
}

# launch_debug: what dom0 knows when a launched domain got no vGPU
launch_debug() {
	log "xl list:"
	xl list 2>&1 | sed 's/^/e2e-init:   /'
	log "processes:"
	ps -ef 2>/dev/null | grep -E 'xengt|qemu' | grep -v grep | sed 's/^/e2e-init:   /'
	for f in /var/log/xen/qemu-dm-e2e-$name.log /var/log/xen/xl-e2e-$name.log; do
		[ -f "$f" ] || continue
		log "$f:"
		tail -n 30 "$f" | tr -cd '\11\12\40-\176' | sed 's/^/e2e-init:   /'
	done
	ls /var/lib/xen 2>&1 | sed 's/^/e2e-init:   \/var\/lib\/xen: /'
	for d in /sys/kernel/xengt/vgpu*; do
		[ -d "$d" ] && log "$d: domid=$(cat "$d/domid") trap=$(cat "$d/trap")"
	done
}

# launch_step INDEX: `xengt create CFG` (the domain runs once it returns),
# or `xl create CFG` with device_model_override = xengt-qemu in CFG (the
# hook holds the domain paused until its vGPU is up)
launch_step() {
	kmod_load || { step_fail "$name" "xengt.ko did not load"; return 1; }
	if [ "$dm" = xengt-create ]; then
		xengt create "/e2e/guest-$name.cfg" >"/run/xl-create$sfx.log" 2>&1
	else
		xl create "/e2e/guest-$name.cfg" >"/run/xl-create$sfx.log" 2>&1
	fi
	rc=$?
	cat "/run/xl-create$sfx.log"
	[ $rc = 0 ] || { step_fail "$name" "$dm create exited $rc"; return 1; }
	domid=$(xl domid "e2e-$name")
	[ -n "$domid" ] || { step_fail "$name" "no domid for e2e-$name"; return 1; }
	eval "STEP$1_DOMID=$domid STEP$1_LAUNCHED=1"
	stamp "$name-created"
	id=$(vgpu_wait "$domid") || {
		launch_debug
		step_fail "$name" "domain $domid has no attached vGPU 30 s after $dm create"
		return 1
	}
	echo "VGPU $name domid=$domid id=$id launch=$dm trap=$(cat "/sys/kernel/xengt/vgpu$id/trap") type=$(cat "/sys/kernel/xengt/vgpu$id/type")" >>$REPORT
	xs_check "$name" "$domid" "$id" || return 1
	stamp "$name-dm-ready"
	return 0
}

# follow_restart INDEX NEWDOMID: the step's domain was made anew (by xl:
# its config says on_reboot = "restart", and Debian's kernel sometimes
# triple-faults while booting under nested TCG: README.md; or by
# serial_wait after a stalled boot, or --check early_reboot); the old
# domain's vGPU and xenstore record must go, and the step goes on with
# the new domain, which the device-model hook serves.
follow_restart() {
	log "step $name: domain $DOMID was made anew before its verdict; now $2"
	fr_id=$(vgpu_wait "$2") || step_fail "$name" "the restarted domain $2 has no attached vGPU"
	echo "RESTARTED $name old=$DOMID new=$2 vgpu=$fr_id" >>$REPORT
	vgpu_gone "$DOMID" || step_fail "$name" "the vGPU of domain $DOMID outlived its restart by 10 s"
	[ -n "$fr_id" ] && xs_check "$name" "$2" "$fr_id"
	xs_gone "$name" "$DOMID"
	DOMID=$2
	eval "STEP$1_DOMID=$2"
}

# reboot_step INDEX: the guest (lingering after its PASS) is rebooted as an
# admin would (xl reboot); xl creates the domain again, the hook gives the
# new domain a vGPU, the old one's goes; then the guest must PASS again
reboot_step() {
	# A restart serial_wait did not see (after the guest's PASS): that
	# is the domain to reboot.
	cur=$(xl domid "e2e-$name" 2>/dev/null)
	if [ -n "$cur" ] && [ "$cur" != "$DOMID" ]; then
		follow_restart "$1" "$cur"
	fi
	old=$DOMID
	# The new QEMU writes a new serial file; keep the first boot's.
	mv "/run/guest-$name.serial" "/run/guest-$name.boot1.serial"
	xl reboot "$old" || { step_fail "$name" "xl reboot $old failed"; return 1; }
	stamp "$name-reboot"
	n=0
	while :; do
		new=$(xl domid "e2e-$name" 2>/dev/null)
		[ -n "$new" ] && [ "$new" != "$old" ] && break
		n=$((n + 1))
		[ $n -gt 600 ] && { step_fail "$name" "no new domain 60 s after xl reboot"; return 1; }
		sleep 0.1
	done
	DOMID=$new
	eval "STEP$1_DOMID=$new"
	id=$(vgpu_wait "$new") || { step_fail "$name" "the rebooted domain $new has no attached vGPU"; return 1; }
	vgpu_gone "$old" || step_fail "$name" "the old domain $old's vGPU outlived the reboot by 10 s"
	echo "REBOOT $name old=$old new=$new vgpu=$id trap=$(cat "/sys/kernel/xengt/vgpu$id/trap")" >>$REPORT
	xs_check "$name" "$new" "$id"
	xs_gone "$name" "$old"
	stamp "$name-rebooted"
	serial_wait "$name" "/run/guest-$name.serial" "" /run/guest2.txt 2>/run/wait.err
	rc=$?
	cat /run/wait.err
	sed 's/^/BOOT2 /' /run/guest2.txt >/run/guest2.rep
	step_report "$1" /run/guest2.rep $rc
}

# vgpu_end NAME DOMID ID: the vGPU's state as the step ends, with what
# its guest did through the PV extension as the host counted it (not
# pv_caps: a guest that is done with PV sets it back to 0).
vgpu_end() {
	d=/sys/kernel/xengt/vgpu$3
	echo "VGPU_END $1 domid=$2 id=$3 state=$(cat $d/state) trap=$(cat $d/trap) workloads_done=$(sed -n 's/^workloads_done //p' $d/stats) failsafe_reason=$(sed -n 's/^failsafe_reason //p' $d/stats | tr ' ' '_') $(awk '$1 ~ /^pv_(registrations|messages|doorbells|submissions|submit_errors|bad_msg)$/ { printf "%s=%s ", $1, $2 }' $d/stats)" >>$REPORT
}

# launched_stop INDEX: `xengt destroy` (by name: libxl's lookup) or
# `xl destroy`; the domain and its vGPU must be gone within 10 s
launched_stop() {
	eval "domid=\$STEP$1_DOMID"
	[ -n "$domid" ] || return 0
	# The domain xl has by that name now (a guest may have restarted).
	cur=$(xl domid "e2e-$name" 2>/dev/null)
	[ -n "$cur" ] && domid=$cur
	if id=$(vgpu_of "$domid"); then
		d=/sys/kernel/xengt/vgpu$id
		vgpu_end "$name" "$domid" "$id"
	fi
	if [ "$dm" = xengt-create ]; then
		xengt destroy "e2e-$name" || step_fail "$name" "xengt destroy e2e-$name exited $?"
	else
		xl destroy "$domid" || step_fail "$name" "xl destroy failed"
	fi
	eval "STEP$1_DOMID="
	domain_gone "$name" || step_fail "$name" "domain still there 10 s after destroy"
	vgpu_gone "$domid" || step_fail "$name" "its vGPU outlived the domain by 10 s"
	xs_gone "$name" "$domid"
	[ -z "$STEP_FAILED" ] && echo "DESTROY $name ok" >>$REPORT
	stamp "$name-dm-stopped"
}

step_start() {
	step_vars "$1"
	echo "STEP $name BEGIN $how" >>$REPORT
	log "step $name: $dm $dm_args (stop: $how)"
	eval "STEP$1_DOMID= STEP$1_DMPID= STEP$1_BYSTANDER= STEP$1_REFUSED= STEP$1_LAUNCHED="
	if has_check bystander; then
		bystander_start "$1" || return 1
	fi
	case $dm in xengt-create | xl)
		launch_step "$1"
		return ;;
	esac
	if ! xl create -p "/e2e/guest-$name.cfg" >"/run/xl-create$sfx.log" 2>&1; then
		cat "/run/xl-create$sfx.log"
		step_fail "$name" "xl create -p failed"
		return 1
	fi
	domid=$(xl domid "e2e-$name")
	[ -n "$domid" ] || { step_fail "$name" "no domid for e2e-$name"; return 1; }
	eval "STEP$1_DOMID=$domid"
	stamp "$name-created"
	if [ -n "$vgpu_spec" ]; then
		kmod_load || { step_fail "$name" "xengt.ko did not load"; return 1; }
		if ! echo "$domid $vgpu_spec" >/sys/kernel/xengt/control/create; then
			step_fail "$name" "creating its vGPU ($vgpu_spec) in /sys/kernel/xengt failed"
			return 1
		fi
		echo "VGPU $name domid=$domid id=$(vgpu_of "$domid") spec=$vgpu_spec" >>$REPORT
	fi
	if [ "$dm" = kernel ]; then
		id=$(vgpu_of "$domid") || { step_fail "$name" "the in-kernel path needs a vGPU (--vgpu)"; return 1; }
		# shellcheck disable=SC2086 # dm_args is a word list on purpose
		if ! echo kernel $dm_args >"/sys/kernel/xengt/vgpu$id/trap"; then
			step_fail "$name" "attaching the in-kernel ioreq server failed (dmesg)"
			return 1
		fi
		stamp "$name-dm-ready"
		return 0
	fi
	export XENGT_E2E_READY_FILE=/run/dm$sfx.ready
	rm -f "$XENGT_E2E_READY_FILE"
	log "starting: $dm --domain $domid $dm_args"
	# shellcheck disable=SC2086 # dm_args is a word list on purpose
	"$dm" --domain "$domid" $(echo $dm_args | sed "s|/run/dm.ready|$XENGT_E2E_READY_FILE|") \
		>"/run/dm$sfx.log" 2>&1 &
	dmpid=$!
	if has_check refuse; then
		refuse_wait "$name" $dmpid "/run/dm$sfx.log"
		eval "STEP$1_REFUSED=1"
		stamp "$name-dm-refused"
		return 0
	fi
	eval "STEP$1_DMPID=$dmpid"
	n=0
	while [ ! -e "$XENGT_E2E_READY_FILE" ]; do
		if ! kill -0 $dmpid 2>/dev/null; then
			wait $dmpid
			echo "DM_EXIT $?" >>$REPORT
			eval "STEP$1_DMPID="
			step_fail "$name" "device model exited before serving (see dm$sfx.log)"
			return 1
		fi
		n=$((n + 1))
		if [ $n -gt $((DM_READY_TIMEOUT * 10)) ]; then
			log "DM did not create $XENGT_E2E_READY_FILE in ${DM_READY_TIMEOUT}s; unpausing anyway"
			break
		fi
		sleep 0.1
	done
	if has_check restricted; then
		eval "by=\$STEP$1_BYSTANDER"
		restricted_check "$name" $dmpid "/run/dm$sfx.log" "$by"
	fi
	stamp "$name-dm-ready"
	return 0
}

# dm_traps LOG: the trapped accesses the DM has served (the sum of its last
# "ioreqs:" line: config, MMIO, port and write-protect ioreqs)
dm_traps() {
	grep 'ioreqs: ' "$1" | tail -n1 | sed 's/.*ioreqs: //' | tr ',/' '  ' |
		awk '{ for (i = 1; i <= NF; i++) if ($i == "cfg" || $i == "mmio" || $i == "pio") t += $(i + 1) + $(i + 2); else if ($i == "wp") t += $(i + 1); print t + 0 }'
}

# kernel_traps DOMID: the trapped accesses the module's vGPU of the domain
# has served (its stats' "traps": config, MMIO and write-protect), the
# in-kernel path's equivalent of dm_traps
kernel_traps() {
	kt_id=$(vgpu_of "$1") || return 1
	sed -n 's/^traps //p' "/sys/kernel/xengt/vgpu$kt_id/stats"
}

# serial_wait NAME SERIAL DMPID OUT: the verdict of a Linux HVM guest from
# its serial port ("XENGT-GUEST " lines, see linux-guest/init.sh) into OUT;
# returns 0 PASS, 1 FAIL, 2 no verdict.  At each "MARK m" the DM is asked
# for its counts (SIGUSR1; on the in-kernel path the vGPU's stats are
# read) and TRAPS_AT m <total> goes to the report.  i915
# declaring the GPU wedged ends the wait at once: its error path would then
# rewrite the whole GGTT through traps for many minutes.
# i915 6.1's own words when it gives up on the GT (i915_gem.c, intel_gt_pm.c;
# add_taint_for_CI prints "CI tainted:0x9 by intel_gt_init+0x...").  Case
# matters: a WARN's "Tainted: G  U" line is not a wedge.
I915_WEDGED='declaring it wedged|CI tainted:0x[0-9a-f]+ by intel_gt_init'
# Seen: 100-150 s from unpause to the guest's BEGIN line, 332 s with a
# build running beside QEMU.  Wall-clock seconds (dom0's uptime): one
# round of the loop below takes seconds itself on a busy TCG host.
BOOT_TIMEOUT=480
# Restarts of one guest serial_wait follows (xl's on_reboot = "restart").
RESTARTS_MAX=2
now_s() { cut -d. -f1 /proc/uptime; }

serial_wait() {
	: >"$4"
	done_n=0
	gone=0
	shown=0
	t_boot=$(now_s)
	restarts=0
	# xl makes a domain with on_reboot = "restart" anew when its guest
	# reboots or triple-faults; its name is gone meanwhile (seconds under
	# TCG), and the new QEMU starts the serial file over.  Each boot gets
	# the whole GUEST_TIMEOUT.
	restart=0
	grep -qs 'on_reboot *= *"restart"' "/e2e/guest-$1.cfg" && restart=1
	early_reboot=0
	[ "$restart" = 1 ] && has_check early_reboot && [ -z "$EARLY_REBOOTED" ] && early_reboot=1
	while [ $(($(now_s) - t_boot)) -lt "$GUEST_TIMEOUT" ]; do
		# i915's own lines and any trouble, live on dom0's console.
		total=$(wc -l <"$2" 2>/dev/null || echo 0)
		[ "$total" -lt "$shown" ] && shown=0
		if [ "$total" -gt "$shown" ]; then
			sed -n "$((shown + 1)),${total}p" "$2" |
				grep -aE 'i915|drm|WARN|BUG|Call Trace|RIP:|watchdog|lockup' |
				tr -cd '\11\12\40-\176' | sed "s/^/e2e-init: $1 serial: /"
			shown=$total
		fi
		# The serial port ends its lines with CR LF.
		sed -n 's/.*XENGT-GUEST //p' "$2" 2>/dev/null | tr -d '\r' >/run/serial.lines
		[ "$(wc -l </run/serial.lines)" -lt "$done_n" ] && done_n=0
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			[ $n -le $done_n ] && continue
			done_n=$n
			echo "e2e-init: [$(uptime_s)] $1: $line"
			# --check early_reboot: the guest reboots (xl's PV
			# request) at its first line, before its verdict
			# (once a step: not the boot after reboot_step's).
			if [ "$early_reboot" = 1 ]; then
				early_reboot=0
				EARLY_REBOOTED=1
				log "step $1: xl reboot $DOMID (early_reboot)"
				echo "EARLY_REBOOT $1 domid=$DOMID" >>$REPORT
				xl reboot "$DOMID" || log "step $1: xl reboot $DOMID failed"
			fi
			case $line in
			"MARK "*)
				if case $dm in kernel | xl | xengt-create) true ;; *) false ;; esac && t_k=$(kernel_traps "$DOMID"); then
					echo "TRAPS_AT ${line#MARK } $t_k" >>$REPORT
				elif [ -n "$3" ] && dm_logs=$(grep -c 'ioreqs: ' "/run/dm$sfx.log" 2>/dev/null;
					true) && kill -USR1 "$3" 2>/dev/null; then
					# Its answer, not an older line: a busy
					# TCG host can take seconds to log it.
					w=0
					while [ $w -lt 40 ] && [ "$(grep -c 'ioreqs: ' "/run/dm$sfx.log")" -le "$dm_logs" ]; do
						sleep 0.25
						w=$((w + 1))
					done
					echo "TRAPS_AT ${line#MARK } $(dm_traps "/run/dm$sfx.log")" >>$REPORT
				fi ;;
			PASS) echo "$line" >>"$4"; return 0 ;;
			"FAIL: "*) echo "$line" >>"$4"; return 1 ;;
			*) echo "$line" >>"$4" ;;
			esac
		done </run/serial.lines
		if grep -qE "$I915_WEDGED" "$2" 2>/dev/null; then
			w=$(grep -E -m1 "$I915_WEDGED" "$2" | tr -cd '\40-\176')
			echo "FAIL: i915 wedged the GT: $w" >>"$4"
			return 1
		fi
		# The guest's kernel itself (not ours) sometimes stalls or
		# triple-faults while booting under nested TCG: say so early; a
		# guest that restarts on reboot is made anew once instead, and
		# must then boot.
		if [ "$done_n" = 0 ] && [ $(($(now_s) - t_boot)) -ge "$BOOT_TIMEOUT" ]; then
			if [ "$restart" = 1 ] && [ "$restarts" = 0 ] && [ -n "$DOMID" ]; then
				# Its kernel reads no PV reboot request yet, and Xen
				# has no reset trigger for it: made anew as xl's
				# restart would, once.
				log "step $1: no BEGIN line within $BOOT_TIMEOUT s: the guest kernel stalled while booting; destroying domain $DOMID and creating it again (once)"
				echo "BOOT_STALL $1 domid=$DOMID" >>$REPORT
				xl destroy "$DOMID" || true
				xl create "/e2e/guest-$1.cfg" >>"/run/xl-create$sfx.log" 2>&1 &
				t_boot=$(now_s)
			else
				echo "FAIL: guest kernel did not boot: no BEGIN line within $BOOT_TIMEOUT s" >>"$4"
				return 1
			fi
		fi
		# Not found 3 rounds running (one xl domid failed once under load
		# while the guest ran): its last lines have been read since.  A
		# restarting domain gets 60 rounds (30 s or more) to come back.
		if [ "$gone" -ge 3 ] && { [ "$restart" = 0 ] || [ "$gone" -ge 60 ]; }; then
			echo "FAIL: the guest domain ended with no verdict (crash or triple fault: see its serial log and xl-dmesg; xl: $(tr -cd '\40-\176' </run/domid.err))" >>"$4"
			return 1
		fi
		if cur=$(xl domid "e2e-$1" 2>/run/domid.err); then
			gone=0
			if [ "$restart" = 1 ] && [ -n "$DOMID" ] && [ "$cur" != "$DOMID" ]; then
				restarts=$((restarts + 1))
				if [ "$restarts" -gt "$RESTARTS_MAX" ]; then
					echo "FAIL: the guest restarted $restarts times before its verdict" >>"$4"
					return 1
				fi
				follow_restart "$STEP_INDEX" "$cur"
				t_boot=$(now_s)
			fi
		else
			gone=$((gone + 1))
		fi
		sleep 0.5
	done
	echo "NOVERDICT: no PASS/FAIL on the serial port within $GUEST_TIMEOUT s" >>"$4"
	return 2
}

# dump_vcpu_state NAME DOMID: a guest that ended without a verdict (a
# triple fault, say) is kept by Xen (on_reboot/on_crash "preserve"): its
# vCPU state as Xen saved it (xen-hvmctx: rip, rsp, segments, idtr, gdtr,
# cr3, the pending event) goes to the console; Xen's own dump of a triple
# fault has the registers but neither segments nor descriptor tables.
dump_vcpu_state() {
	[ -n "$2" ] && xl domname "$2" >/dev/null 2>&1 || return 0
	log "guest $1: domain $2 ended without a verdict; its vCPU state:"
	xen-hvmctx "$2" 2>&1 | sed -n '/[[:space:]]CPU:/,/[[:space:]]event /p' | while IFS= read -r l; do
		log "hvmctx $1: $l"
	done
}

# step_report INDEX FILE RC: the guest's lines into the report, judged
step_report() {
	step_vars "$1"
	case $3 in
	0 | 1) ;;
	*) eval "dump_vcpu_state \"\$name\" \"\${STEP$1_DOMID:-\${DOMID:-}}\"" ;;
	esac
	while IFS= read -r line; do
		case $line in
		NOVERDICT:*) echo "NOVERDICT ${line#NOVERDICT: }" >>$REPORT ;;
		*) echo "GUEST $line" >>$REPORT ;;
		esac
		log "guest $name: $line"
	done <"$2"
	last=$(tail -n1 "$2")
	case $3 in
	0) ;;
	1) step_fail "$name" "guest: $last" ;;
	*) step_fail "$name" "no verdict from the guest: ${last#NOVERDICT: }" ;;
	esac
}

# step_stop INDEX: end the trap path as the stop mode says, destroy the
# domain.  "term" = SIGTERM as an admin would (kernel path: detach);
# "destroy" = destroy the guest and let the DM (or the module) notice the
# domain's death.  A DM must exit with status 0 within 10 s.
step_stop() {
	step_vars "$1"
	eval "domid=\$STEP$1_DOMID dmpid=\$STEP$1_DMPID"
	bystander_stop "$1"
	[ -n "$domid" ] || return 0
	case $dm in xengt-create | xl)
		launched_stop "$1"
		return ;;
	esac
	if [ -n "$vgpu_spec" ] && id=$(vgpu_of "$domid"); then
		d=/sys/kernel/xengt/vgpu$id
		vgpu_end "$name" "$domid" "$id"
	fi
	if [ "$how" = destroy ]; then
		xl destroy "$domid" || step_fail "$name" "xl destroy failed"
		eval "STEP$1_DOMID="
		if [ -n "$dmpid" ]; then
			dm_wait "$name" "$dmpid" "the domain's death"
		fi
		domain_gone "$name" || step_fail "$name" "domain still there 10 s after xl destroy"
		if [ -n "$vgpu_spec" ]; then
			# the module frees the vGPU of a dead domain by itself
			n=0
			while vgpu_of "$domid" >/dev/null; do
				n=$((n + 1))
				[ $n -gt 100 ] && { step_fail "$name" "its vGPU outlived the domain by 10 s"; break; }
				sleep 0.1
			done
		fi
	else
		if [ "$dm" = kernel ]; then
			id=$(vgpu_of "$domid") && echo detach >"/sys/kernel/xengt/vgpu$id/trap"
		elif [ -n "$dmpid" ]; then
			kill -TERM "$dmpid" 2>/dev/null
			dm_wait "$name" "$dmpid" "SIGTERM"
		fi
		if [ -n "$vgpu_spec" ]; then
			echo "$domid" >/sys/kernel/xengt/control/destroy ||
				step_fail "$name" "destroying its vGPU failed"
		fi
	fi
	eval "STEP$1_DMPID="
	stamp "$name-dm-stopped"
	eval "domid=\$STEP$1_DOMID"
	if [ -n "$domid" ]; then
		xl destroy "$domid" || step_fail "$name" "xl destroy failed"
		domain_gone "$name" || step_fail "$name" "domain still there 10 s after xl destroy"
		eval "STEP$1_DOMID="
	fi
}

# stats_check NAME PID DMLOG: SIGUSR1 makes the serving DM log its counters
# once more (another "ioreqs:" line) and it keeps serving
stats_check() {
	before=$(grep -c 'ioreqs: ' "$3")
	kill -USR1 "$2" || { step_fail "$1" "SIGUSR1 to the DM failed"; return; }
	n=0
	while [ $n -lt 10 ]; do
		sleep 0.5
		[ "$(grep -c 'ioreqs: ' "$3")" -gt "$before" ] && break
		n=$((n + 1))
	done
	[ $n -lt 10 ] || step_fail "$1" "no counters logged 5 s after SIGUSR1"
	kill -0 "$2" 2>/dev/null || step_fail "$1" "the DM exited on SIGUSR1"
	echo "STATS $1 $(grep 'ioreqs: ' "$3" | tail -n1 | tr -cd '\40-\176')" >>$REPORT
}

run_step() { # INDEX
	STEP_FAILED=
	STEP_INDEX=$1
	EARLY_REBOOTED=
	step_start "$1" || { bystander_stop "$1"; return; }
	eval "DOMID=\$STEP$1_DOMID DMPID=\$STEP$1_DMPID refused=\$STEP$1_REFUSED"
	eval "launched=\$STEP$1_LAUNCHED"
	if [ -n "$refused" ]; then
		step_stop "$1"
		return
	fi
	if [ -z "$launched" ]; then
		xl unpause "$DOMID" || { step_fail "$name" "xl unpause failed"; return; }
		stamp "$name-unpaused"
	fi
	if [ "$how" = kill ]; then
		run_kill_step
		return
	fi
	if [ "$kind" = hvm-linux ]; then
		serial_wait "$name" "/run/guest-$name.serial" "$DMPID" /run/guest.txt 2>/run/wait.err
		guest_rc=$?
	else
		e2e-result wait --domain "$DOMID" --gfn "$gfn" \
			--timeout "$GUEST_TIMEOUT" >/run/guest.txt 2>/run/wait.err
		guest_rc=$?
	fi
	stamp "$name-finished"
	cat /run/wait.err
	step_report "$1" /run/guest.txt $guest_rc
	if has_check reboot && [ "$guest_rc" = 0 ]; then
		reboot_step "$1"
	fi
	has_check stats && stats_check "$name" "$DMPID" "/run/dm$sfx.log"
	step_stop "$1"
	DOMID= DMPID=
}

# GPU-time shares while every guest is busy: two samples of each vGPU's
# gpu_ticks, SHARE_SECONDS apart, once every guest runs its test.
sample_shares() {
	i=0
	while [ $i -lt "$NPAR" ]; do
		step_vars $i
		eval "domid=\$STEP${i}_DOMID"
		if [ -n "$domid" ]; then
			e2e-result wait --running --domain "$domid" --gfn "$gfn" \
				--timeout 30 >/dev/null 2>&1
		fi
		i=$((i + 1))
	done
	sleep "${SHARE_DELAY:-2}"
	for round in 0 1; do
		[ $round = 1 ] && sleep "$SHARE_SECONDS"
		for d in /sys/kernel/xengt/vgpu*; do
			[ -r "$d/stats" ] || continue
			echo "SHARE $round vgpu=${d##*vgpu} domid=$(cat "$d/domid") weight=$(cat "$d/weight") trap=$(cat "$d/trap") state=$(cat "$d/state") gpu_ticks=$(sed -n 's/^gpu_ticks //p' "$d/stats")" >>$REPORT
		done
		echo "SHARE_TIME $round $(uptime_s)" >>$REPORT
		sed "s/^/GPUSTATE $round /" /sys/kernel/xengt/control/gpu >>$REPORT
	done
	# For a stalled GPU: the blocked tasks' stacks go to the console.
	[ -w /proc/sysrq-trigger ] && { echo w >/proc/sysrq-trigger; echo l >/proc/sysrq-trigger; }
}

# The first NPAR steps at once: every domain created (paused) and served
# first, then all unpaused together, waited for together, stopped in order.
run_parallel() {
	i=0
	while [ $i -lt "$NPAR" ]; do
		STEP_FAILED=
		step_start $i || eval "STEP${i}_FAILED=\$STEP_FAILED"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$NPAR" ]; do
		step_vars $i
		eval "domid=\$STEP${i}_DOMID"
		if [ -n "$domid" ]; then
			xl unpause "$domid" || step_fail "$name" "xl unpause failed"
			e2e-result wait --domain "$domid" --gfn "$gfn" \
				--timeout "$GUEST_TIMEOUT" >"/run/guest-$name.txt" \
				2>"/run/wait-$name.err" &
			eval "STEP${i}_WAIT=$!"
		fi
		i=$((i + 1))
	done
	stamp parallel-unpaused
	[ -n "${SHARE_SECONDS:-}" ] && sample_shares
	i=0
	while [ $i -lt "$NPAR" ]; do
		step_vars $i
		eval "w=\${STEP${i}_WAIT:-}"
		STEP_FAILED=
		eval "STEP_FAILED=\${STEP${i}_FAILED:-}"
		if [ -n "$w" ]; then
			wait "$w"
			rc=$?
			cat "/run/wait-$name.err"
			# Whose lines follow: every STEP BEGIN came before them.
			echo "STEP $name RESULT" >>$REPORT
			step_report $i "/run/guest-$name.txt" $rc
		fi
		eval "STEP${i}_FAILED=\$STEP_FAILED"
		i=$((i + 1))
	done
	stamp parallel-finished
	i=0
	while [ $i -lt "$NPAR" ]; do
		eval "STEP_FAILED=\${STEP${i}_FAILED:-}"
		step_stop $i
		step_vars $i
		if [ -n "$STEP_FAILED" ]; then
			echo "STEP $name VERDICT FAIL $STEP_FAILED" >>$REPORT
		else
			echo "STEP $name VERDICT PASS" >>$REPORT
		fi
		i=$((i + 1))
	done
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

NPAR=${PARALLEL:-0}
[ "$NPAR" -gt "$NSTEPS" ] && NPAR=$NSTEPS
[ "$NPAR" -gt 0 ] && run_parallel
i=$NPAR
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
if [ -n "$KMOD_LOADED" ]; then
	# Every domain is gone: the module's resources must be back, no GPU
	# access may have reached a frame of another domain.
	r=$(cat /sys/kernel/xengt/control/available_resource)
	echo "KMOD_RESOURCE end $r" >>$REPORT
	[ "$r" = "$KMOD_RESOURCE0" ] || fail "available_resource is not back at its start ($KMOD_RESOURCE0 -> $r)"
	sed 's/^/KMOD_GPU /' /sys/kernel/xengt/control/gpu >>$REPORT
	foreign=$(sed -n 's/^foreign //p' /sys/kernel/xengt/control/gpu)
	[ "$foreign" = 0 ] || fail "the shared GPU touched $foreign frames of another domain"
	# Nothing of any guest is held any more: mappings (the RAM views of
	# the GGTT and OpRegion included), protections, trap paths.
	held=$(awk '$1 == "xen_domains" || $1 == "guest_pages_mapped" || $1 == "guest_pages_protected" { printf "%s=%s ", $1, $2; n += $2 } END { print (n ? "" : "ok") }' /sys/kernel/xengt/control/gpu)
	case $held in *ok) ;; *) fail "xengt.ko still holds guest resources after the steps: $held" ;; esac
	rmmod xengt || fail "rmmod xengt after the steps failed"
	dmesg | grep -qE "BUG:|WARNING:|Oops" && fail "the kernel complained while xengt.ko served guests"
	{
		echo "BEGIN kmod-steps-dmesg"
		dmesg | grep -i xengt | tail -n 200
		echo "END kmod-steps-dmesg"
	} >>$REPORT
fi
finish
