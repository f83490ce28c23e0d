#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make install into a staging directory puts xengt.ko where modprobe finds
# it and the DKMS source tree in /usr/src/xengt-VERSION; that tree builds
# the module on its own, as dkms would.
set -eu
top=${XENGT_BUILDDIR:?}
kdir=${KERNEL_BUILD:?}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s -C "$top/kernel/xengt" install DESTDIR="$stage" >/dev/null
ko=$(find "$stage/lib/modules" -name xengt.ko)
[ -n "$ko" ] || { echo "make install put no xengt.ko under /lib/modules" >&2; exit 1; }
echo "installed: ${ko#"$stage"}"
src=$(find "$stage" -name dkms.conf -path '*/src/xengt-*')
[ -n "$src" ] || { echo "no DKMS tree (src/xengt-VERSION/dkms.conf)" >&2; exit 1; }
src=$(dirname "$src")
grep -q '^PACKAGE_VERSION="[0-9]' "$src/dkms.conf" || { echo "dkms.conf has no version" >&2; exit 1; }
echo "DKMS tree: ${src#"$stage"}"
make -s -C "$kdir" M="$src" modules >/dev/null
modinfo -F license "$src/xengt.ko" | grep -qx GPL
echo "install: ok (the DKMS tree builds xengt.ko by itself)"
