#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkguest.sh - the initramfs of the Linux HVM test guest: a static busybox,
# Debian's own i915.ko from the pinned linux-image package with exactly the
# modules it depends on (modinfo's "depends", transitively; no firmware),
# the guest's /init (init.sh beside this file) and the optional test
# programs given with --bin.  The guest kernel is the same pinned Debian
# kernel dom0 boots.
#
# usage: mkguest.sh --out FILE [--root DIR] [--bin SRC:NAME]...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
ROOT=$CACHE/root
KVER=6.1.0-56-amd64
OUT=
BINS=()

die() { echo "mkguest.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--root) ROOT=$2; shift 2 ;;
	--bin) BINS+=("$2"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[ -n "$OUT" ] || die "--out is required"
MODROOT=$ROOT/lib/modules/$KVER
[ -d "$MODROOT/kernel" ] || die "no $MODROOT (run fetch.sh)"
BUSYBOX=$(command -v busybox || true)
case "$([ -n "$BUSYBOX" ] && file -L "$BUSYBOX")" in
*"statically linked"*) ;;
*) die "need a static busybox (apt-get install busybox-static)" ;;
esac

stage=$(mktemp -d "${TMPDIR:-/tmp}/xengt-guest.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,run,tmp,lib/modules}
cp "$BUSYBOX" "$stage/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done

# Index the package's modules by name (a module's name uses '_' where its
# file may use '-').
declare -A modfile
while IFS= read -r f; do
	n=$(basename "$f")
	n=${n%%.ko*}
	modfile[${n//-/_}]=$f
done < <(find "$MODROOT/kernel" -name '*.ko*')

# add_module NAME: its dependencies first, then itself; the load order is
# written to /lib/modules/order (one file name per line).
declare -A added
add_module() {
	local n=${1//-/_} f d
	[ -n "${added[$n]:-}" ] && return 0
	added[$n]=1
	f=${modfile[$n]:-}
	[ -n "$f" ] || die "module $1 is not in $MODROOT"
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do
		add_module "$d"
	done
	case $f in
	*.ko) cp "$f" "$stage/lib/modules/$n.ko" ;;
	*.ko.xz) xz -dc "$f" >"$stage/lib/modules/$n.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$stage/lib/modules/$n.ko" ;;
	*) die "unknown module format $f" ;;
	esac
	echo "$n.ko" >>"$stage/lib/modules/order"
}
add_module i915

for b in "${BINS[@]}"; do
	install -m 755 "${b%%:*}" "$stage/bin/${b#*:}"
done
install -m 755 "$here/init.sh" "$stage/init"

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
