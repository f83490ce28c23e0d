#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch.sh - install the host packages the Xen end-to-end test needs and
# download + extract the pinned Xen 4.17 / Linux 6.1 Debian packages that are
# booted under QEMU (they are never installed on the host).
#
# Idempotent: a second run checks a stamp and does nothing heavy.
#
# Environment:
#   XENGT_E2E_CACHE          cache dir (default /var/cache/xengt-e2e)
#   XENGT_E2E_ALLOW_UNPINNED=1  use the candidate version when a pinned one
#                            is no longer offered by the mirror (reported)
#   XENGT_E2E_NO_APT=1       never call apt-get install (fail if missing)
#
# Output: $XENGT_E2E_CACHE/root/ holds the extracted packages,
#         $XENGT_E2E_CACHE/versions lists what was used.
set -euo pipefail

CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
ROOT=$CACHE/root
DEBS=$CACHE/debs
STAMP=$CACHE/stamp

XEN_VER='4.17.7+13-g2445b30a44-0+deb12u1'
LINUX_VER='6.1.192-2'
YAJL_VER='2.1.0-3+deb12u2'

# Packages booted inside QEMU: name=pinned-version.  Versions are the ones
# the recipe in shared/spec/xen-under-qemu.md was verified with.
GUEST_PKGS=(
	"xen-hypervisor-4.17-amd64=$XEN_VER"
	"xen-utils-4.17=$XEN_VER"
	"xen-utils-common=$XEN_VER"
	"libxencall1=$XEN_VER"
	"libxenevtchn1=$XEN_VER"
	"libxenforeignmemory1=$XEN_VER"
	"libxengnttab1=$XEN_VER"
	"libxenmisc4.17=$XEN_VER"
	"libxenstore4=$XEN_VER"
	"libxentoollog1=$XEN_VER"
	"libxendevicemodel1=$XEN_VER"
	"libxenhypfs1=$XEN_VER"
	"libxentoolcore1=$XEN_VER"
	"libyajl2=$YAJL_VER"
	"linux-image-6.1.0-56-amd64=$LINUX_VER"
)

# Host tools: QEMU, the initramfs, and building the guest and the null DM.
# qemu-system-xen + seabios: the stock device model of the HVM guest step
# (same Debian as the extracted Xen tools, so its libraries match);
# libdrm-dev: i915_drm.h for the HVM guest's GEM test (no libdrm linked).
HOST_PKGS=(qemu-system-x86 busybox-static cpio libxen-dev gcc binutils
	   make pkg-config file qemu-system-xen seabios kmod xz-utils libdrm-dev)

die() { echo "fetch.sh: error: $*" >&2; exit 1; }
log() { echo "fetch.sh: $*" >&2; }

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (run as root or pre-install: ${HOST_PKGS[*]})"
}

APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
apt_updated=0
apt_update_once() {
	[ "$apt_updated" = 1 ] && return 0
	need_root "apt-get update"
	log "apt-get update"
	DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update -qq ||
		die "apt-get update failed"
	apt_updated=1
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

install_host_pkgs() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "${XENGT_E2E_NO_APT:-0}" = 1 ] &&
		die "missing host packages: ${missing[*]} (XENGT_E2E_NO_APT=1)"
	need_root "installing ${missing[*]}"
	apt_update_once
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq \
		--no-install-recommends "${missing[@]}" </dev/null >&2 ||
		die "apt-get install ${missing[*]} failed"
}

# Print the version apt-cache offers for NAME=VERSION: the pinned one when
# available, else (with XENGT_E2E_ALLOW_UNPINNED=1) the candidate.
resolve_version() {
	local name=${1%%=*} want=${1#*=} avail cand
	avail=$(apt-cache madison "$name" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}')
	if [ -z "$avail" ]; then
		apt_update_once
		avail=$(apt-cache madison "$name" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}')
	fi
	[ -n "$avail" ] || die "package $name is not available from the configured Debian mirrors (apt-cache madison $name is empty)"
	if grep -qxF -- "$want" <<<"$avail"; then
		echo "$want"
		return 0
	fi
	cand=$(head -n1 <<<"$avail")
	if [ "${XENGT_E2E_ALLOW_UNPINNED:-0}" = 1 ]; then
		log "WARNING: $name $want not offered, using $cand (unverified with this harness)"
		echo "$cand"
		return 0
	fi
	die "package $name version $want is not offered (available: $(tr '\n' ' ' <<<"$avail")); set XENGT_E2E_ALLOW_UNPINNED=1 to try $cand"
}

# Print the cached .deb of package $1 at version $2, if any.
find_deb() {
	local f
	for f in "$DEBS/${1}_"*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$1" ] &&
		   [ "$(dpkg-deb -f "$f" Version)" = "$2" ]; then
			echo "$f"
			return 0
		fi
	done
	return 0
}

main() {
	install_host_pkgs

	local want_stamp
	want_stamp=$(printf '%s\n' "${GUEST_PKGS[@]}")
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] &&
	   [ -f "$ROOT/boot/xen.elf" ]; then
		return 0
	fi

	mkdir -p "$DEBS"
	local spec name ver deb used=()
	for spec in "${GUEST_PKGS[@]}"; do
		name=${spec%%=*}
		ver=$(resolve_version "$spec")
		deb=$(find_deb "$name" "$ver")
		if [ -z "$deb" ]; then
			log "downloading $name=$ver"
			(cd "$DEBS" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root download -qq "$name=$ver") ||
				die "apt-get download $name=$ver failed"
			deb=$(find_deb "$name" "$ver")
			[ -n "$deb" ] || die "downloaded $name but found no .deb of version $ver"
		fi
		used+=("$name=$ver:$(basename "$deb")")
	done

	log "extracting ${#used[@]} packages into $ROOT"
	rm -rf "$ROOT.tmp"
	mkdir -p "$ROOT.tmp"
	local u
	for u in "${used[@]}"; do
		dpkg-deb -x "$DEBS/${u#*:}" "$ROOT.tmp" || die "dpkg-deb -x ${u#*:} failed"
	done
	local xengz
	xengz=
	for f in "$ROOT.tmp"/boot/xen-4.17*-amd64.gz; do
		[ -f "$f" ] && xengz=$f
	done
	[ -n "$xengz" ] || die "no boot/xen-4.17*-amd64.gz in xen-hypervisor package"
	zcat "$xengz" >"$ROOT.tmp/boot/xen.elf"
	rm -rf "$ROOT"
	mv "$ROOT.tmp" "$ROOT"
	printf '%s\n' "${used[@]%%:*}" >"$CACHE/versions"
	printf '%s\n' "$want_stamp" >"$STAMP"
	log "done; versions in $CACHE/versions"
}

main "$@"
