#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The quick-start demo as a test: 4 VMs, every result ok, no foreign access,
# no command-directed access to the core's own frames.
set -eu
sim=${XENGT_SIM:?XENGT_SIM not set}
# check VMS WORKLOADS: stdin is --json output (one JSON document) of VMS VMs
# with WORKLOADS workloads each, every result ok, every field there, no
# foreign access and no command-directed access to the core's frames.
check() {
	python3 -c '
import json, sys
vms, wls = int(sys.argv[1]), int(sys.argv[2])
d = json.load(sys.stdin)
assert set(d) == {"vms", "gpu_accesses", "gpu_faults", "host_escapes",
                  "foreign_accesses"}, sorted(d)
assert d["host_escapes"] == 0 and d["foreign_accesses"] == 0, d
assert len(d["vms"]) == vms, len(d["vms"])
for v in d["vms"]:
    assert list(v) == ["id", "domid", "type", "low_gm", "high_gm", "fences",
        "traps", "ggtt_entries", "ggtt_dropped", "pv", "pv_caps",
        "workloads", "result", "reason"], list(v)
    assert v["result"] == "ok" and v["reason"] == "", v
    assert len(v["workloads"]) == wls, v["workloads"]
    for w in v["workloads"]:
        assert list(w) == ["name", "ops", "done", "ns", "ops_per_s", "traps",
            "gpu_ticks", "bind_traps", "result", "reason"], list(w)
        assert w["result"] == "ok" and w["done"] == w["ops"], w
' "$1" "$2" || { echo "--json: not $1 VMs with $2 workloads each, all ok" >&2; exit 1; }
}
out=$("$sim" --vms 4 --json)
echo "$out"
printf '%s' "$out" | check 4 0
# The workload path: every VM and each of its three workloads verified.
out=$("$sim" --vms 4 --workload store,blit,ptchurn --json)
echo "$out"
printf '%s' "$out" | check 4 3
# The native baseline's document.
out=$("$sim" --native --workload store,ptchurn --ops 5 --json)
echo "$out"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert list(d) == ["native", "workloads", "gpu_accesses", "gpu_faults",
                   "foreign_accesses"], list(d)
assert d["native"] is True and d["foreign_accesses"] == 0, d
assert [w["name"] for w in d["workloads"]] == ["store", "ptchurn"], d
assert all(w["result"] == "ok" for w in d["workloads"]), d
' || { echo "--native --json: not as expected" >&2; exit 1; }
# Bad flags: a clear error and exit status 2.
for bad in "--vms 0" "--vms 9" "--vms x" "--pages -1" "--bogus" "extra" \
	"--pv=maybe" "--vms 2 --pv=on,sometimes" "--pv-offer=ppgtt+" \
	"--pv-offer=all,gtt" "--ppgtt-oos=maybe" "--vms 2 --ppgtt-oos=on,OFF" \
	"--ppgtt-oos="; do
	# shellcheck disable=SC2086
	if "$sim" $bad >/dev/null 2>err.$$; then
		echo "xengt-sim $bad succeeded" >&2; exit 1
	fi
	grep -q . err.$$ || { echo "xengt-sim $bad printed no error" >&2; exit 1; }
done
rm -f err.$$
"$sim" --types xengt_9 >/dev/null 2>err.$$ && exit 1
grep -q "unknown vGPU type 'xengt_9'" err.$$
"$sim" --vms 4 --types xengt_1 >/dev/null 2>err.$$ && exit 1
grep -q "not enough low GM" err.$$
rm -f err.$$
# PV: whatever the host offers, auto verifies every workload (PV where
# offered, trapped where not), beside a VM with PV off.
out=$("$sim" --vms 2 --pv=auto,off --workload store,ptchurn,bind512 --ops 20 --json)
echo "$out"
printf '%s' "$out" | check 2 3
# --pv=on against a host that offers PPGTT only: the VM fails, saying so.
if "$sim" --vms 1 --pv=on --pv-offer=ppgtt --workload store >out.$$ 2>&1; then
	echo "--pv=on with a partial offer succeeded" >&2; exit 1
fi
grep -q "pv: --pv=on: the host offers pv_caps 0x1" out.$$ ||
	{ cat out.$$ >&2; echo "--pv=on: no clear reason" >&2; exit 1; }
rm -f out.$$
# --ppgtt-oos: a bad value says what is wanted; off makes every PTE write
# of bind512 trap (hundreds per op), on lets the hot table go out of sync.
"$sim" --ppgtt-oos=maybe >/dev/null 2>err.$$ && exit 1
grep -q "xengt-sim: --ppgtt-oos takes a list of on, off; got 'maybe'" err.$$ ||
	{ cat err.$$ >&2; echo "--ppgtt-oos=maybe: no clear error" >&2; exit 1; }
rm -f err.$$
out=$("$sim" --vms 2 --ppgtt-oos=off,on --workload bind512 --ops 5 --json)
echo "$out"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
off, on = (v["workloads"][0] for v in d["vms"])
assert all(v["result"] == "ok" for v in d["vms"]), d
assert off["result"] == on["result"] == "ok"
per_off, per_on = off["bind_traps"] / off["done"], on["bind_traps"] / on["done"]
assert per_off >= 500 and per_on < 100, (per_off, per_on)
' || { echo "--ppgtt-oos=off,on: bind512 traps not as expected" >&2; exit 1; }
echo "demo: ok"
