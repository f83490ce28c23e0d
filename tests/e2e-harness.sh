#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The real-Xen harness's judgements of a console (tests/e2e/xen/e2e-lib.sh),
# on recorded console lines, without booting anything: run.sh boots a run
# once more only for a platform slip, so the signature must match the slip
# it was written from and nothing a guest or dom0 can cause.
set -u
lib=${XENGT_SRCDIR:?}/tests/e2e/xen/e2e-lib.sh
# shellcheck source=e2e/xen/e2e-lib.sh
. "$lib"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

# slip NAME WANT: e2e_platform_slip on $tmp/NAME prints WANT
slip() {
	local got
	got=$(e2e_platform_slip "$tmp/$1")
	if [ "$got" = "$2" ]; then
		echo "ok: slip $1 -> '$got'"
	else
		echo "FAIL: slip $1: got '$got', expected '$2'"
		rc=1
	fi
}

# The CI run of 2026-12-07 (xengt-kill.sh, step fresh), as Xen logged it.
cat >"$tmp/ci-kill" <<'EOF'
(d2) [   22.650688] PVINFO: version 1.0 vgt_id 1 caps 0x2c low 0x8000000+0x4000000 high 0x38000000+0x18000000 fences 4
e2e-init: [16.75] fresh-unpaused
(XEN) [   22.813738] d2v0 Triple fault - invoking HVM shutdown action 1
(XEN) [   22.814198] *** Dumping Dom2 vcpu#0 state: ***
(XEN) [   22.814763] ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) [   22.815135] CPU:    0
(XEN) [   22.815317] RIP:    e008:[<ffff82d0402044a5>]
(XEN) [   22.815559] RFLAGS: 0000000000000246   CONTEXT: hvm guest (d2v0)
(XEN) [   22.815861] rax: 000000013da31000   rbx: 0000000000000000   rcx: 0000000001035001
EOF
slip ci-kill "d2v0 rip=ffff82d0402044a5 "

# Two guests hit, one twice: each vCPU once.
{
	cat "$tmp/ci-kill"
	sed 's/d2v0/d3v1/; s/Dom2 vcpu#0/Dom3 vcpu#1/' "$tmp/ci-kill"
	cat "$tmp/ci-kill"
} >"$tmp/two"
slip two "d2v0 rip=ffff82d0402044a5 d3v1 rip=ffff82d0402044a5 "

# A guest's own triple fault (guest-double-fault.sh's triple_fault_selftest
# makes one): its code segment, its RIP.  Not a slip.
cat >"$tmp/guest-own" <<'EOF'
(XEN) [   30.100000] d1v0 Triple fault - invoking HVM shutdown action 1
(XEN) [   30.100100] *** Dumping Dom1 vcpu#0 state: ***
(XEN) [   30.100200] ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) [   30.100300] CPU:    1
(XEN) [   30.100400] RIP:    0008:[<0000000000101234>]
(XEN) [   30.100500] RFLAGS: 0000000000010002   CONTEXT: hvm guest (d1v0)
EOF
slip guest-own ""

# Xen's own crash dump (no triple fault before it) has e008 too: not a
# guest slip, and must not be booted again.
cat >"$tmp/xen-crash" <<'EOF'
(XEN) [   40.000000] ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) [   40.000100] CPU:    0
(XEN) [   40.000200] RIP:    e008:[<ffff82d040300000>] do_something+0x10/0x20
(XEN) [   40.000300] RFLAGS: 0000000000010202   CONTEXT: hypervisor
EOF
slip xen-crash ""

# A triple fault whose dump is cut short, then much later a Xen dump: the
# window is the dump's own lines only.
{
	echo "(XEN) [   50.000000] d4v0 Triple fault - invoking HVM shutdown action 1"
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "e2e-init: line $i"; done
	cat "$tmp/xen-crash"
} >"$tmp/far"
slip far ""

: >"$tmp/empty"
slip empty ""
slip missing-file ""

# e2e_no_dom0_crash: a busybox segfault in dom0 voids a run's figures.
echo "[   12.3] sh[123]: segfault at 0 ip 0000 sp 0000 error 4 in busybox" >"$tmp/console.log"
if e2e_no_dom0_crash test "$tmp" >/dev/null; then
	echo "FAIL: e2e_no_dom0_crash missed a segfault"
	rc=1
else
	echo "ok: e2e_no_dom0_crash sees a segfault"
fi
cp "$tmp/ci-kill" "$tmp/console.log"
if e2e_no_dom0_crash test "$tmp" >/dev/null; then
	echo "ok: e2e_no_dom0_crash: a guest triple fault is not a dom0 crash"
else
	echo "FAIL: e2e_no_dom0_crash took a guest triple fault for a dom0 crash"
	rc=1
fi
# e2e_qemu_hmp against a fake monitor that talks as QEMU 7.2's does (a
# banner, the command echoed with line-editing redraws, the answer, a
# prompt), or, "mute", accepts and never answers (a blocked main loop).
# fake_monitor SOCKET talk|mute, in the background.
fake_monitor() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys, time
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1])
srv.listen(1)
srv.settimeout(20)  # never outlive a client that failed to connect
conn, _ = srv.accept()
conn.settimeout(20)
if sys.argv[2] == "mute":
    time.sleep(1.5)
    sys.exit(0)
conn.sendall(b"QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ")
answers = {b"info status": b"VM status: running\r\n",
           b"info cpus": b"* CPU #0: thread_id=1\r\n  CPU #1: thread_id=2\r\n"}
buf = b""
while True:
    data = conn.recv(4096)
    if not data:
        break
    buf += data
    while b"\n" in buf:
        cmd, buf = buf.split(b"\n", 1)
        redraw = b"".join(cmd[:i] + b"\x1b[K\x1b[D" for i in range(1, len(cmd) + 1))
        conn.sendall(redraw + b"\r\n" + answers.get(cmd, b"unknown command\r\n") + b"(qemu) ")
PY
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}
if command -v python3 >/dev/null; then
	fake_monitor "$tmp/mon.sock" talk
	got=$(e2e_qemu_hmp "$tmp/mon.sock" "info status" "info cpus")
	want=$(printf '%s\n' "(qemu) info status" "VM status: running" \
		"(qemu) info cpus" "* CPU #0: thread_id=1" "  CPU #1: thread_id=2")
	wait
	if [ "$got" = "$want" ]; then
		echo "ok: e2e_qemu_hmp keeps the monitor's answers"
	else
		echo "FAIL: e2e_qemu_hmp: got:"
		echo "$got"
		rc=1
	fi
	fake_monitor "$tmp/mute.sock" mute
	if got=$(E2E_HMP_TIMEOUT=1 e2e_qemu_hmp "$tmp/mute.sock" "info status"); then
		echo "FAIL: e2e_qemu_hmp succeeded against a monitor that never answered"
		rc=1
	elif [ "$got" = "(qemu) no answer: QEMU's monitor is not being served" ]; then
		echo "ok: e2e_qemu_hmp says so when the monitor does not answer"
	else
		echo "FAIL: e2e_qemu_hmp against a mute monitor: got '$got'"
		rc=1
	fi
	wait
else
	echo "skip: e2e_qemu_hmp (no python3)"
fi
exit $rc
