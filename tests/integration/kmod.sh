#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# xengt.ko was built from the same core files against the kernel headers:
# check it is a module for that kernel and pulls in nothing from user space.
set -eu
ko=${XENGT_KO:?}
kdir=${KERNEL_BUILD:?}
[ -f "$ko" ] || { echo "no $ko" >&2; exit 1; }
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null || true)
vermagic=$(modinfo -F vermagic "$ko")
echo "xengt.ko vermagic: $vermagic"
[ -z "$release" ] || case "$vermagic" in
"$release "*) ;;
*) echo "vermagic '$vermagic' is not for $release" >&2; exit 1 ;;
esac
[ "$(modinfo -F license "$ko")" = GPL ] || { echo "license is not GPL" >&2; exit 1; }
# Symbols a user-space build would need and the kernel does not export.
bad=$(nm -u "$ko" | awk '{print $2}' | grep -E '^(malloc|calloc|free|printf|fprintf|vsnprintf|pthread_.*|abort|__stack_chk_fail_local)$' || true)
[ -z "$bad" ] || { echo "user-space symbols in xengt.ko: $bad" >&2; exit 1; }
nm "$ko" | grep -q ' T vgpu_mmio_write$' || nm "$ko" | grep -q ' t vgpu_mmio_write$' ||
	{ echo "the core is not in xengt.ko" >&2; exit 1; }
echo "kmod: ok"
