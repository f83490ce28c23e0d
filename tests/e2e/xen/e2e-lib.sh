# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh and by the scenarios that run several guests at once
# on xengt.ko's one GVT (xengt-shared.sh, xengt-pv-mixed.sh): what they
# check alike.  tests/e2e-harness.sh tests these on recorded consoles.

# e2e_need_ko NAME: XENGT_KO must name the built module (exit 2: the
# harness cannot run, not a test failure).
e2e_need_ko() {
	[ -n "${XENGT_KO:-}" ] && [ -f "$XENGT_KO" ] || {
		echo "$1: needs xengt.ko (XENGT_KO=${XENGT_KO:-}): build it (configure --with-config=all)" >&2
		exit 2
	}
}

# e2e_no_dom0_crash NAME RUNDIR: a run in which dom0's own tools crashed
# proves nothing, whatever the steps said: a crash can hit the samplers
# and the result pollers too.  (With Xen's lazy FPU switching this set-up
# crashed them all the time: README.md, "Solved: several guests at once
# corrupted dom0"; run.sh boots Xen with eager switching since.)  Returns
# 1 (and says so) when the console shows one.
e2e_no_dom0_crash() {
	local pat='segfault at|Assertion .* failed|corrupted' n
	n=$(grep -c -E "$pat" "$2/console.log" || true)
	[ "$n" = 0 ] && return 0
	echo "$1: dom0 user processes crashed $n time(s) in this run (is Xen running with spec-ctrl=eager-fpu? tests/e2e/xen/README.md): no figure"
	grep -E "$pat" "$2/console.log" | head -3
	return 1
}

# e2e_platform_slip CONSOLE: prints "d<D>v<V> rip=<addr> " for each guest
# vCPU that Xen reported triple-faulted while its saved state was Xen's
# own: code selector 0xe008 and a RIP in Xen's text (0xffff82d0...).
# QEMU 7.2's TCG emulation of nested SVM sometimes does that: the guest's
# VMCB gets the host's state as of the instruction after VMRUN (with RAX =
# the VMCB's own address), the guest's general registers stay its own,
# and its next entry triple-faults at once (README.md, "Known problems").
# No guest of ours runs in a 64-bit Xen code segment, and no device model
# or anything else in dom0 can write a VMCB, so the signature never comes
# from the code under test.  Prints nothing when there is none.
e2e_platform_slip() {
	awk '
		/ d[0-9]+v[0-9]+ Triple fault/ {
			match($0, / d[0-9]+v[0-9]+ /)
			who = substr($0, RSTART + 1, RLENGTH - 2)
			left = 8
			next
		}
		left > 0 {
			left--
			if (match($0, /RIP: +e008:\[<ffff82d0[0-9a-f]+>\]/)) {
				rip = substr($0, RSTART, RLENGTH)
				sub(/.*\[</, "", rip)
				sub(/>\]/, "", rip)
				print who " rip=" rip
				left = 0
			}
		}
	' "$1" 2>/dev/null | sort -u | tr '\n' ' '
}

# e2e_qemu_hmp SOCKET COMMAND...: sends each COMMAND to the QEMU human
# monitor listening on the UNIX SOCKET and prints, for each, a line
# "(qemu) COMMAND" and the answer.  For a run about to be killed by its
# time-out: what QEMU says then (every vCPU's registers, whether it is
# halted) is the only way to tell a hung Xen, a hung dom0 and a platform
# that stopped delivering interrupts apart, since a frozen machine prints
# nothing.
# Returns non-zero when there is no python3 or QEMU does not answer
# within E2E_HMP_TIMEOUT seconds (default 10).
e2e_qemu_hmp() {
	command -v python3 >/dev/null || return 1
	python3 - "$@" <<'PY'
import os, socket, sys

sock = socket.socket(socket.AF_UNIX)
sock.settimeout(float(os.environ.get("E2E_HMP_TIMEOUT", "10")))
sock.connect(sys.argv[1])
out = b""

def drain():
    """Read until the monitor prompts again after what came before;
    False when it stops answering (its main loop is blocked: that is
    worth knowing about a hang too)."""
    global out
    start = len(out)
    while not out[start:].endswith(b"(qemu) "):
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return False
        if not chunk:
            return False
        out += chunk
    return True

ok = drain()
for cmd in sys.argv[2:] if ok else []:
    sock.sendall(cmd.encode() + b"\n")
    start = len(out)
    ok = drain()
    # The monitor echoes the command with line-editing redraws: drop that
    # line and the closing prompt, keep the answer.
    answer = out[start:].decode(errors="replace").replace("\r", "")
    answer = answer.partition("\n")[2].removesuffix("(qemu) ")
    sys.stdout.write("(qemu) " + cmd + "\n" + answer)
    if not ok:
        break
if not ok:
    print("(qemu) no answer: QEMU's monitor is not being served")
    sys.exit(1)
PY
}
