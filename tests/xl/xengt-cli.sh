#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# xengt(1) without Xen: a directory of plain files stands in for
# /sys/kernel/xengt ($XENGT_SYSFS), another for xenstore ($XENGT_XENSTORE),
# a script for xl ($XENGT_XL) and one for xengt-dm ($XENGT_DM).  Every command: output, --json against the schemas
# in docs/schema, exit statuses per failure kind, bad arguments, and
# `xengt create`'s order of steps and its undo when a step fails.
set -uo pipefail

XENGT=${XENGT_CLI:-$XENGT_BUILDDIR/tools/xl-plugin/xengt}
SCHEMAS=$XENGT_SRCDIR/docs/schema
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0

ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1)) fails=$((fails + 1))
	echo "FAIL: $*"
}

# expect STATUS "TEXT" ARGS...: exit status and a piece of stdout+stderr.
expect() {
	local want=$1 text=$2 out rc
	shift 2
	out=$("$XENGT" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "xengt $*: status $rc, wanted $want: $out"
	elif [ -n "$text" ] && ! grep -qF -- "$text" <<<"$out"; then
		bad "xengt $*: '$out' lacks '$text'"
	else
		ok
	fi
}

# A module with two vGPUs: domain 5 running, domain 6 failsafe'd.
make_sysfs() {
	local r=$1
	rm -rf "$r"
	mkdir -p "$r/control"
	cat >"$r/control/types" <<'T'
xengt_8 low_gm_mb=64 high_gm_mb=384 fences=4 weight=2 available=5 resolution=1024x768
xengt_4 low_gm_mb=128 high_gm_mb=512 fences=4 weight=4 available=2 resolution=1920x1200
xengt_2 low_gm_mb=256 high_gm_mb=1024 fences=4 weight=8 available=0
xengt_1 low_gm_mb=512 high_gm_mb=2048 fences=4 weight=16 available=0
T
	echo "low_gm_mb=256 high_gm_mb=1024 fences=20 low_gm_free_mb=256 high_gm_free_mb=1024 fences_free=20 vgpus=2/8" \
		>"$r/control/available_resource"
	: >"$r/control/create"
	: >"$r/control/destroy"
	vgpu "$r" 1 5 xengt_4 running kernel "0x4000000 128" "0x40000000 512" "4 4" - "$PV_STATS"
	# An older module's stats: no ppgtt_oos, no pv_* lines.
	vgpu "$r" 2 6 custom failsafe dm "0xc000000 64" "0x60000000 384" "8 2" \
		"LRI to a privileged register 0x2080"
}

# vgpu1's PV lines as the module writes them (kernel/xengt/sysfs.c), with
# every counter distinct so a value in the wrong field shows.
PV_STATS='pv_offer 0x7
pv_caps 0x3
pv_registered 1
pv_doorbells 120
pv_doorbells_idle 4
pv_messages 300
pv_ok 290
pv_bad_msg 1
pv_not_negotiated 2
pv_bad_range 3
pv_bad_gpa 1
pv_bad_root 1
pv_no_space 1
pv_bad_desc 1
pv_dropped 5
pv_budget_hits 6
pv_pages_bound 2048
pv_pages_unbound 1024
pv_submissions 77
pv_submit_errors 8
pv_registrations 9
pv_bad_registrations 10
pv_gpa_faults 11
pv_roots 3
pv_tables 12
ppgtt_oos 0'


vgpu() { # ROOT ID DOMID TYPE STATE TRAP LOW HIGH FENCES REASON
	local d=$1/vgpu$2
	mkdir -p "$d"
	echo "$3" >"$d/domid"
	echo "$4" >"$d/type"
	echo "$5" >"$d/state"
	echo "$6" >"$d/trap"
	echo "$7" >"$d/low_gm"
	echo "$8" >"$d/high_gm"
	echo "$9" >"$d/fences"
	echo 4 >"$d/weight"
	echo 0 >"$d/cap"
	{
		printf 'traps 1000\nmmio_reads 10\nsubmissions 7\nworkloads_done 7\ngpu_ticks 5000\nresets 0\nfailsafes %s\nmsi_sent 7\n' \
			"$([ "${10}" = - ] && echo 0 || echo 1)"
		[ -n "${11:-}" ] && printf '%s\n' "${11}"
		printf 'failsafe_reason %s\n' "${10}"
	} >"$d/stats"
}

# A fake xl: logs its arguments, knows domain g1 as 5; FAKE_XL_FAIL=VERB
# makes that verb fail.
cat >"$T/xl" <<'X'
#!/bin/sh
echo "$*" >>"$FAKE_LOG"
[ "$1" = "${FAKE_XL_FAIL:-}" ] && exit 1
[ "$1" = domid ] && { [ "$2" = g1 ] && echo 5 || exit 1; }
exit 0
X
cat >"$T/dm" <<'X'
#!/bin/sh
echo "xengt-dm $*" >>"$FAKE_LOG"
[ -n "${FAKE_DM_FAIL:-}" ] && exit 1
exit 0
X
chmod +x "$T/xl" "$T/dm"
export XENGT_SYSFS=$T/sys XENGT_XL=$T/xl XENGT_DM=$T/dm FAKE_LOG=$T/log
export XENGT_XENSTORE=$T/xs
make_sysfs "$XENGT_SYSFS"

# rec DOMID: the domain's device-model record, "key=value ..." sorted
rec() {
	local d=$XENGT_XENSTORE/local/domain/0/device-model/$1/xengt k
	[ -d "$d" ] || { echo none; return; }
	for k in $(ls "$d"); do printf '%s=%s ' "$k" "$(cat "$d/$k")"; done
	echo
}
# no_rec DOMID WHAT: neither the record nor a device-model dir of ours left
no_rec() {
	[ ! -e "$XENGT_XENSTORE/local/domain/0/device-model/$1" ] && ok ||
		bad "$2: xenstore record left: $(rec "$1")"
}

validate() { # SCHEMA JSON-FILE
	/usr/bin/python3 - "$SCHEMAS/$1" "$2" <<'P'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema)
P
}

# ---- help, version, usage errors ------------------------------------------
expect 0 "usage: xengt" --help
expect 0 "xengt " --version
for c in list types top create destroy set whitelist watch; do
	expect 0 "usage: xengt $c" "$c" --help
	expect 0 "xengt " "$c" --version
	expect 2 "Try 'xengt $c --help'." "$c" --bogus
done
expect 2 "missing COMMAND"
expect 2 "unknown command 'lst'" lst
expect 2 "unknown option '--frobnicate'" --frobnicate
expect 2 "unexpected argument 'x'" list x
expect 2 "--json" top --json
expect 2 "--interval: 'soon' is not a number of seconds" list --interval soon
expect 2 "--interval: '-1' is not a number of seconds" list --interval -1
expect 2 "--iterations: '0' is not a decimal number" top --iterations 0
expect 2 "--device-id: 'xyz' is not a PCI device id" whitelist --device-id xyz
expect 2 "missing the domain configuration CFG" create
expect 2 "give exactly one DOMAIN" destroy
expect 2 "give DOMAIN, weight or cap, and a VALUE" set 5 weight
expect 2 "'speed': set weight or cap" set 5 speed 3
expect 2 "weight: '0' is not a decimal number in 1..16" set 5 weight 0
expect 2 "weight: '17' is not a decimal number in 1..16" set 5 weight 17
expect 2 "cap: '101' is not a decimal number in 0..100" set 5 cap 101
expect 2 "cap: '5%' is not a decimal number" set 5 cap 5%
expect 2 "'99999' is neither a domain name nor a decimal domain id" set 99999 cap 5

# ---- list, types, whitelist ------------------------------------------------
out=$("$XENGT" list --interval 0 2>&1)
grep -q "^Name .*Traps/s" <<<"$out" && grep -qE '^- +5 +1 xengt_4 +0x4000000 128 +0x40000000 512 +4\+4 +4 +0 running +kernel +- +-' <<<"$out" &&
	grep -qE '^- +6 +2 custom .* failsafe +dm' <<<"$out" &&
	grep -q "failsafe: LRI to a privileged register 0x2080" <<<"$out" && ok || bad "list: $out"
out=$("$XENGT" list --interval 0.05 2>&1)
grep -qE 'running +kernel +0 +0\.0$' <<<"$out" && ok || bad "list with rates: $out"
"$XENGT" list --json >"$T/list.json" && validate xengt-list.schema.json "$T/list.json" && ok ||
	bad "list --json does not validate: $(cat "$T/list.json")"
"$XENGT" list --json --interval 0 >"$T/list0.json" && validate xengt-list.schema.json "$T/list0.json" &&
	grep -q '"traps_per_s": null' "$T/list0.json" && grep -q '"failsafe_reason": "LRI to a privileged register 0x2080"' "$T/list0.json" &&
	ok || bad "list --json --interval 0: $(cat "$T/list0.json")"
# The schema can fail: a document of another version does not validate.
sed 's/"version": 2/"version": 1/' "$T/list.json" >"$T/list-bad.json"
validate xengt-list.schema.json "$T/list-bad.json" 2>/dev/null && bad "schema accepted version 1" || ok
# PV and the out-of-sync switch: every counter in its place (JSON) ...
/usr/bin/python3 - "$T/list0.json" <<'P' && ok || bad "list --json pv: $(cat "$T/list0.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 2
a, b = d["vgpus"]
pv = a["pv"]
assert pv["offer"] == ["ppgtt", "ggtt", "submission"], pv
assert pv["caps"] == ["ppgtt", "ggtt"], pv
assert pv["registered"] is True and pv["roots"] == 3 and pv["tables"] == 12
assert pv["by_status"] == {"ok": 290, "bad_msg": 1, "not_negotiated": 2,
    "bad_range": 3, "bad_gpa": 1, "bad_root": 1, "no_space": 1,
    "bad_desc": 1}, pv
assert pv["errors"] == 10 and pv["messages"] == 300
want = dict(doorbells=120, doorbells_idle=4, dropped=5, budget_hits=6,
    pages_bound=2048, pages_unbound=1024, submissions=77, submit_errors=8,
    registrations=9, bad_registrations=10, gpa_faults=11)
assert all(pv[k] == v for k, v in want.items()), pv
assert a["ppgtt_oos"] is False
# an older module's vGPU: not known, not zero
assert b["pv"] is None and b["ppgtt_oos"] is None
P
# ... and in the text: a note under the vGPU that uses PV, none under the other.
out=$("$XENGT" list --interval 0 2>&1)
grep -qx " *pv: caps ppgtt+ggtt (offered ppgtt+ggtt+submission), registered, 120 doorbells, 300 messages, 10 errors, 77 submissions, 2048 pages bound, 3 roots, 12 tables" <<<"$out" &&
	grep -qx " *ppgtt: out-of-sync off" <<<"$out" && [ "$(grep -c "pv:" <<<"$out")" = 1 ] &&
	[ "$(grep -c "out-of-sync" <<<"$out")" = 1 ] && ok || bad "list pv notes: $out"
# A bad PV line is a protocol error, as any other: status 1, said as such
# (not "not loaded": the module is there, its state is not what this
# xengt parses).
cp "$XENGT_SYSFS/vgpu1/stats" "$T/stats.good"
sed -i 's/^pv_caps 0x3$/pv_caps zz/' "$XENGT_SYSFS/vgpu1/stats"
expect 1 "does not understand (is xengt.ko of another version?)" list --interval 0
cp "$T/stats.good" "$XENGT_SYSFS/vgpu1/stats"
sed -i 's/^ppgtt_oos 0$/ppgtt_oos 2/' "$XENGT_SYSFS/vgpu1/stats"
expect 1 "does not understand" list --interval 0
# A file that cannot be read at all: status 1 with the reason.
rm "$XENGT_SYSFS/vgpu1/stats" && mkdir "$XENGT_SYSFS/vgpu1/stats"
expect 1 "cannot read" list --interval 0
rmdir "$XENGT_SYSFS/vgpu1/stats"
cp "$T/stats.good" "$XENGT_SYSFS/vgpu1/stats"
expect 0 "" list --interval 0
"$XENGT" types --json >"$T/types.json" && validate xengt-types.schema.json "$T/types.json" && ok ||
	bad "types --json does not validate: $(cat "$T/types.json")"
expect 0 "xengt_4           128         512      4      4         2" types
out=$("$XENGT" whitelist)
[ "$(wc -l <<<"$out")" = 4 ] &&
	grep -qx "1912 experimental=0 name='XenGT xengt_4' low_gm_sz=128 high_gm_sz=512 fence_sz=4 framebuffer_sz=128 max_heads=1 resolution=1920x1200" <<<"$out" &&
	! grep -qvE "^[0-9a-f]{4} experimental=[01] name='[^']+' low_gm_sz=[0-9]+ high_gm_sz=[0-9]+ fence_sz=[0-9]+ framebuffer_sz=[0-9]+ max_heads=[0-9]+ resolution=[0-9]+x[0-9]+$" <<<"$out" &&
	ok || bad "whitelist: $out"
expect 0 "3e9a experimental=0" whitelist --device-id 3e9a

# ---- set ---------------------------------------------------------------------
expect 0 "" set 5 weight 9
[ "$(cat "$XENGT_SYSFS/vgpu1/weight")" = 9 ] && ok || bad "set weight wrote $(cat "$XENGT_SYSFS/vgpu1/weight")"
expect 4 "domain 10 has no vGPU" set 010 cap 50 # decimal, as in xl
expect 4 "domain 7 has no vGPU" set 7 cap 5
expect 4 "cannot look up domain names here" set g1 cap 5

# ---- no module -----------------------------------------------------------------
for c in list types whitelist top; do
	XENGT_SYSFS=$T/none expect 3 "xengt.ko is not loaded" "$c"
done
XENGT_SYSFS=$T/none expect 3 "xengt.ko is not loaded" set 5 cap 1
XENGT_SYSFS=$T/none expect 3 "xengt.ko is not loaded" create "$T/none.cfg"

# ---- create ------------------------------------------------------------------------
cfg() { printf 'name = "g1"\ntype = "hvm"\n%s\n' "$1" >"$T/g1.cfg"; }

: >"$T/log"
cfg 'vgt = 1
vgt_type = "xengt_4"'
expect 0 "domain g1 (5) runs with vGPU 1 (xengt_4), traps served by xengt.ko" create "$T/g1.cfg" -q
[ "$(cat "$T/log")" = "create -p -q $T/g1.cfg
domid g1
unpause 5" ] && ok || bad "create: xl calls $(cat "$T/log")"
[ "$(cat "$XENGT_SYSFS/control/create")" = "5 xengt_4" ] && ok || bad "create: control/create $(cat "$XENGT_SYSFS/control/create")"
[ "$(cat "$XENGT_SYSFS/vgpu1/trap")" = "kernel 00:05.0 ggtt-ram" ] && ok || bad "create: trap $(cat "$XENGT_SYSFS/vgpu1/trap")"
[ "$(rec 5)" = "bdf=00:05.0 path=kernel state=running type=xengt_4 vgpu=1 " ] && ok || bad "create: xenstore $(rec 5)"
# xengt destroy takes the record too (a PVH guest has no QEMU: libxl would not)
expect 0 "" destroy 5
no_rec 5 "destroy"

# weight and cap: the type's sizes as a custom vGPU; xengt-dm; PVH
make_sysfs "$XENGT_SYSFS"
: >"$T/log"
printf 'name = "g1"\ntype = "pvh"\nvgt = 1\nvgt_type = "xengt_8"\nvgt_weight = 3\nvgt_cap = 40\nvgt_path = "dm"\n' >"$T/g1.cfg"
expect 0 "traps served by xengt-dm" create "$T/g1.cfg"
[ "$(cat "$XENGT_SYSFS/control/create")" = "5 64 384 4 3 40" ] && ok || bad "create custom: $(cat "$XENGT_SYSFS/control/create")"
grep -qx "xengt-dm --domain 5 --bdf 00:02.0 --pvh" "$T/log" && ok || bad "create dm: $(cat "$T/log")"
[ "$(rec 5)" = "bdf=00:02.0 path=dm state=running type=xengt_8 vgpu=1 " ] && ok || bad "create dm: xenstore $(rec 5)"
rm -rf "$XENGT_XENSTORE"

# Failures before anything exists: nothing is created.
make_sysfs "$XENGT_SYSFS"
: >"$T/log"
cfg 'vgt = 1
vgt_type = "xengt_2"'
expect 5 "no xengt_2 vGPU fits on the GPU now" create "$T/g1.cfg"
cfg 'vgt = 1
vgt_low_gm_sz = 512
vgt_high_gm_sz = 512
vgt_fence_sz = 4'
expect 5 "does not fit: largest free 256/1024 MiB" create "$T/g1.cfg"
cfg 'vgt = 1
vgt_type = "xengt_9"'
expect 6 "g1.cfg: vgt_type: unknown type \"xengt_9\" (accepted: xengt_8, xengt_4, xengt_2, xengt_1)" create "$T/g1.cfg"
cfg 'vgt_weight = 3'
expect 6 "vgt_weight: given, but vgt is not 1" create "$T/g1.cfg"
cfg ''
expect 6 "this guest asks for no vGPU" create "$T/g1.cfg"
expect 6 "$T/none.cfg" create "$T/none.cfg"
[ ! -s "$T/log" ] && [ ! -s "$XENGT_SYSFS/control/create" ] && ok || bad "a refused create ran: $(cat "$T/log")"

# A failing step undoes the ones before it, last first.
cfg 'vgt = 1'
: >"$T/log"
FAKE_XL_FAIL=create expect 7 "xl create -p $T/g1.cfg exited 1" create "$T/g1.cfg"
[ "$(cat "$T/log")" = "create -p $T/g1.cfg" ] && ok || bad "failed xl create: $(cat "$T/log")"
: >"$T/log"
FAKE_XL_FAIL=unpause expect 7 "xl unpause 5 exited 1" create "$T/g1.cfg"
[ "$(cat "$XENGT_SYSFS/control/destroy")" = 5 ] && grep -qx "destroy 5" "$T/log" && ok ||
	bad "failed unpause not undone: $(cat "$T/log")"
no_rec 5 "failed unpause"
make_sysfs "$XENGT_SYSFS"
# The module refuses: a file that reads one word and takes no write.
rm "$XENGT_SYSFS/vgpu1/trap" && ln -s /proc/sys/kernel/ostype "$XENGT_SYSFS/vgpu1/trap"
: >"$T/log"
expect 1 "the in-kernel ioreq server" create "$T/g1.cfg"
[ "$(cat "$XENGT_SYSFS/control/destroy")" = 5 ] && [ "$(tail -1 "$T/log")" = "destroy 5" ] && ok ||
	bad "failed trap path not undone: $(cat "$T/log")"
no_rec 5 "failed trap path"
make_sysfs "$XENGT_SYSFS"
: >"$T/log"
printf 'name = "g1"\ntype = "hvm"\nvgt = 1\nvgt_path = "dm"\n' >"$T/g1.cfg"
FAKE_DM_FAIL=1 expect 7 "--domain 5 exited 1" create "$T/g1.cfg"
# an HVM guest's GGTT RAM (vgt_ggtt_ram's default) is asked of xengt-dm too
grep -qx "xengt-dm --domain 5 --bdf 00:05.0 --ggtt-ram" "$T/log" && ok || bad "create dm HVM: $(cat "$T/log")"
[ "$(cat "$XENGT_SYSFS/control/destroy")" = 5 ] && grep -qx "destroy 5" "$T/log" && ok ||
	bad "failed xengt-dm not undone: $(cat "$T/log")"
no_rec 5 "failed xengt-dm"

# ---- destroy -----------------------------------------------------------------
make_sysfs "$XENGT_SYSFS"
: >"$T/log"
mkdir -p "$XENGT_XENSTORE/local/domain/0/device-model/5/xengt" "$XENGT_XENSTORE/local/domain/0/device-model/6/xengt"
echo running >"$XENGT_XENSTORE/local/domain/0/device-model/5/xengt/state"
echo running >"$XENGT_XENSTORE/local/domain/0/device-model/6/xengt/state"
echo running >"$XENGT_XENSTORE/local/domain/0/device-model/5/state" # QEMU's
expect 0 "" destroy 5
grep -qx "destroy 5" "$T/log" && [ "$(cat "$XENGT_SYSFS/control/destroy")" = 5 ] && ok ||
	bad "destroy: $(cat "$T/log") / $(cat "$XENGT_SYSFS/control/destroy")"
[ "$(rec 5)" = none ] && [ -f "$XENGT_XENSTORE/local/domain/0/device-model/5/state" ] && ok ||
	bad "destroy: xenstore: ours $(rec 5), QEMU's state $(ls "$XENGT_XENSTORE/local/domain/0/device-model/5")"
[ "$(rec 6)" = "state=running " ] && ok || bad "destroy 5 took domain 6's record: $(rec 6)"

# ---- watch: needs Xen's toolstack (its sweep: unit/test_xengt_watch) ----------
expect 7 "no Xen toolstack here" watch --once
expect 2 "unknown option '--json'" watch --json

# ---- xengt-qemu, the device-model hook, as far as it goes without Xen --------
QEMU_HOOK=${XENGT_QEMU_HOOK:-$(dirname "$XENGT")/xengt-qemu}
printf '#!/bin/sh\necho "qemu $*"\n' >"$T/qemu" && chmod +x "$T/qemu"
# Not started by libxl for a domain: only QEMU, without the hook's own arguments.
out=$(XENGT_QEMU=$T/qemu "$QEMU_HOOK" -xengt-config /etc/xen/g.cfg -name g1 -m 512 2>&1)
[ "$out" = "qemu -name g1 -m 512" ] && ok || bad "xengt-qemu as plain QEMU: '$out'"
# For a domain it must hold the domain paused first: no Xen here, so it
# refuses to become QEMU rather than let the guest boot without its vGPU.
out=$(XENGT_QEMU=$T/qemu "$QEMU_HOOK" -xen-domid 7 -xengt-config /etc/xen/g.cfg -name g1 2>&1)
rc=$?
[ "$rc" = 1 ] && grep -q "domain 7: cannot hold it paused" <<<"$out" && ! grep -q "^qemu" <<<"$out" && ok ||
	bad "xengt-qemu without Xen: status $rc: '$out'"

# ---- top, in a terminal ----------------------------------------------------------
/usr/bin/python3 - "$XENGT" >"$T/top.out" 2>&1 <<'P'
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "top", "--interval", "0.1"])
out = b""
end = time.time() + 10
sent = False
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and out.count(b"xengt top - vGPUs") >= 2:
        os.write(fd, b"q")  # a key, as a person would press it
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(0 if sent and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
P
rc=$?
[ "$rc" = 0 ] && grep -q $'\033\[H\033\[2J' "$T/top.out" && grep -q "xengt top - vGPUs 2/8, free: low GM 256 MiB" "$T/top.out" &&
	grep -qE 'running +kernel +0 +0\.0' "$T/top.out" && ok || bad "top in a pty (status $rc): $(head -c 2000 "$T/top.out")"

echo "xengt-cli: $checks checks, $fails failed"
[ "$fails" = 0 ]
