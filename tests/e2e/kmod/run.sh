#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The module test: Debian's 6.1 kernel (the pinned linux-image the Xen
# e2e tests boot, fetched by ../xen/fetch.sh) under QEMU, without Xen,
# with an initramfs of busybox, xengt.ko and init.sh.  Prints init.sh's
# checks and exits 0 only on KMOD_TEST PASS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KO=${XENGT_KO:?path of xengt.ko}
CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
OUT=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/kmod
KVER=6.1.0-56-amd64

"$here/../xen/fetch.sh" >/dev/null
vmlinuz=$CACHE/root/boot/vmlinuz-$KVER
[ -f "$vmlinuz" ] || { echo "run.sh: no $vmlinuz" >&2; exit 1; }
busybox=$(command -v busybox) || { echo "run.sh: busybox-static is missing" >&2; exit 1; }

rm -rf "$OUT" && mkdir -p "$OUT/root/bin" "$OUT/root/proc" "$OUT/root/sys" "$OUT/root/dev"
cp "$busybox" "$OUT/root/bin/busybox"
cp "$KO" "$OUT/root/xengt.ko"
cp "$here/init.sh" "$OUT/root/init"
# /dev/xengt's attach ioctl as xengt-dm makes it (static: no libc here)
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -I"$here/../../../kernel/xengt/include" \
	-o "$OUT/root/bin/attach-probe" "$here/attach-probe.c"
chmod +x "$OUT/root/init"
(cd "$OUT/root" && find . | cpio -o -H newc --quiet) >"$OUT/initrd.cpio"

echo "run.sh: booting $KVER under QEMU (TCG) with xengt.ko"
start=$(date +%s)
rc=0
timeout 600 qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 \
	-no-reboot -display none -monitor none -nic none \
	-serial "file:$OUT/console.log" \
	-kernel "$vmlinuz" -initrd "$OUT/initrd.cpio" \
	-append "console=ttyS0 panic=-1 loglevel=4" || rc=$?
echo "run.sh: QEMU exit $rc after $(($(date +%s) - start)) s"
grep -E "KMOD_CHECK|KMOD_TEST|available_resource at load|^\[.*xengt" "$OUT/console.log" | tail -80 || true
grep -q "^KMOD_TEST PASS" "$OUT/console.log"
