#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xl integration (issue 10): what an admin does with a vgt = 1 domain
# configuration, on real Xen, with xengt.ko in dom0.  One boot, two steps:
#   create  the i915-pv test guest (PVH) made by `xengt create CFG` from its
#           vgt keys (vGPU in xengt.ko, in-kernel trap path, unpaused);
#           its workloads are verified by the guest; then `xengt destroy
#           e2e-create` (by name: libxl's lookup) must take the domain and
#           its vGPU away
#   hook    an HVM guest booting Debian's kernel with its stock i915, made
#           by plain `xl create CFG` whose config names the device-model
#           hook (device_model_override = xengt-qemu, device_model_args_hvm
#           = [ "-xengt-config", CFG ]) and on_reboot =
#           "restart"; the vGPU served by xengt-dm attached to xengt.ko
#           (vgt_path = "dm"), the GGTT half of BAR0 in guest RAM
#           (vgt_ggtt_ram's HVM default: XENGT_ATTACH_GGTT_RAM);
#           i915 initializes and the GEM test passes; then `xl
#           reboot`: xl creates the domain again, the hook gives the new
#           domain a vGPU, the old one's is freed, and the guest passes
#           again; then `xl destroy`
# After both, dom0 checks available_resource back at its start, no GPU
# access to another domain's frames, and nothing of any guest held.
# Each domain with a vGPU must have its record in xenstore, beside QEMU's
# device-model state (/local/domain/0/device-model/DOMID/xengt: state
# running, its vGPU's id, path dm with the running xengt-dm's pid, or
# kernel) while it runs, and none once it is destroyed or rebooted away
# (docs/ABI/xenstore-xengt).
#
# Prints
#   XEN_E2E_XL create=ok|fail hook=ok|fail destroy=ok|fail reboot=ok|fail
#   XEN_E2E_XS records=N gone=M create=PATH hook=PATH
#   (3 and 3: create, hook, the rebooted hook; kernel and dm)
# and, for the hook's first boot (the stock i915 through attached
# xengt-dm, GGTT and OpRegion in guest RAM populated by the module; see
# xengt-i915.sh for the fields)
#   XEN_E2E_OPREGION asls=HEX signature=SIG vbt=SIG path=dm
#   XEN_E2E_I915 initialized= wedged= traps_to_init=N secs_to_init=S gem= path=dm
# Other arguments go to run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-xl
[ -n "${XENGT_KO:-}" ] && [ -f "$XENGT_KO" ] ||
	{ echo "xengt-xl: needs xengt.ko (XENGT_KO): skipped" >&2; exit 77; }

vgt='vgt = 1; vgt_type = "xengt_8"'
rc=0
"$here/run.sh" --out "$out" --timeout 1500 --guest-timeout 600 \
	--extra "$XENGT_KO:/lib/modules/xengt.ko" \
	--step create --guest i915 --dm xengt-create --cfg "$vgt; vgt_path = \"kernel\"" \
	--step hook --guest linux-i915 --dm xl --guest-cmdline "xengt_linger=1" \
	--check reboot \
	--cfg "device_model_override = \"/e2e/bin/xengt-qemu\"; device_model_args_hvm = [ \"-xengt-config\", \"/e2e/guest-hook.cfg\" ]; $vgt; vgt_path = \"dm\"; on_reboot = \"restart\"" \
	"$@" || rc=$?
report=$out/latest/report.txt
[ -f "$report" ] || exit "${rc:-2}"

awk '
	{ gsub(/\r/, "") }
	$1 == "STEP" && $3 == "VERDICT" { verdict[$2] = $4 }
	$1 == "VGPU" { split($5, l, "="); launch[$2] = l[2] }
	$1 == "DESTROY" && $3 == "ok" { destroyed[$2] = 1 }
	$1 == "REBOOT" { rebooted = 1 }
	$1 == "GUEST" && $2 == "BOOT2" && $3 == "PASS" { boot2 = 1 }
	$1 == "VERDICT" { all = $2 }
	$1 == "XS" && / state=running / {
		xs_records++
		for (i = 3; i <= NF; i++) if ($i ~ /^path=/) { split($i, kv, "="); if (!($2 in xs_path)) xs_path[$2] = kv[2] }
	}
	$1 == "XS_GONE" { xs_gone++ }
	$1 == "STEP" && $3 == "BEGIN" { step = $2 }
	step == "hook" && $1 == "TRAPS_AT" && !($2 in traps) { traps[$2] = $3 }
	step == "hook" && $1 == "GUEST" && $2 == "I915" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	}
	step == "hook" && $1 == "GUEST" && $2 == "OPREGION" { opregion = $3 " " $4 " " $5 }
	step == "hook" && $1 == "GUEST" && $2 == "GEM" { gem = ($0 ~ /store_rcs=ok store_bcs=ok blit=ok/) ? "ok" : "fail" }
	step == "hook" && $1 == "GUEST" && /i915 wedged the GT/ { wedged = 1 }
	END {
		n = (traps["modprobe"] != "" && traps["probed"] != "") ? traps["probed"] - traps["modprobe"] : "none"
		if (opregion != "")
			printf "XEN_E2E_OPREGION %s path=dm\n", opregion
		printf "XEN_E2E_I915 initialized=%d wedged=%d traps_to_init=%s secs_to_init=%s gem=%s path=dm\n", f["initialized"] + 0, (wedged || f["wedged"] == 1), n, (f["secs_to_init"] == "" ? "none" : f["secs_to_init"]), (gem == "" ? "none" : gem)
		create = (verdict["create"] == "PASS" && launch["create"] == "xengt-create") ? "ok" : "fail"
		hook = (verdict["hook"] == "PASS" && launch["hook"] == "xl") ? "ok" : "fail"
		destroy = (destroyed["create"] && destroyed["hook"] && all == "PASS") ? "ok" : "fail"
		reboot = (rebooted && boot2 && verdict["hook"] == "PASS") ? "ok" : "fail"
		printf "XEN_E2E_XL create=%s hook=%s destroy=%s reboot=%s\n", create, hook, destroy, reboot
		printf "XEN_E2E_XS records=%d gone=%d create=%s hook=%s\n", xs_records, xs_gone, xs_path["create"], xs_path["hook"]
	}' "$report"
exit "$rc"
