#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh - build the dom0 initramfs of the Xen e2e test: busybox,
# the Xen tools (xl, xenstored, xenconsoled, xen-init-dom0) with exactly the
# shared libraries they load (resolved against the extracted Debian
# packages), the dom0 Xen modules, the test guest, the device model under
# test and an /init (initramfs-init.sh) that runs the test and reports
# through QEMU's isa-debugcon.
#
# usage: mkinitramfs.sh --out FILE --result-tool BIN [--root DIR]
#                       [--guest-timeout S] [--dm-ready-timeout S]
#                       [--extra SRC:DEST]... [--tools DIR] [--xengt-dm BIN]
#                       [--step NAME] --guest ELF|CPIO
#                       --dm BIN|kernel|xengt-create|xl [--cfg "K = V; ..."]
#                       [--guest-kind pvh|hvm-linux] [--dm-args "ARGS"]
#                       [--guest-cmdline "..."] [--dm-stop term|destroy|kill]
#                       [--step NAME ...]...
#
# A guest is a PVH test ELF (kind pvh, the default) or the initramfs of a
# Linux HVM guest (kind hvm-linux, linux-guest/mkguest.sh): that one boots
# the pinned Debian kernel through the stock QEMU device model (whose binary,
# hvmloader and SeaBIOS then go into the initramfs too) and reports on its
# serial port.
#
# Each --step starts a new step (one guest domain served by one DM, one
# after the other in the same boot); the options after it apply to that
# step. Without --step there is one step called "main".
#
# The DM is started in dom0 as: DM --domain <id> ARGS, with
# XENGT_E2E_READY_FILE set in its environment; it should create that file
# once its ioreq server is enabled (null-dm does). A DM that never creates
# it is given --dm-ready-timeout seconds (default 20), then the guest is
# unpaused anyway if the DM is still running.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
ROOT=$CACHE/root
OUT=
RESULT_TOOL=
GUEST_TIMEOUT=60
DM_READY_TIMEOUT=20
EXTRAS=()
TOOLS= # the admin's tools (xengt, xengt-qemu) for --dm xengt-create|xl
XENGT_DM_BIN= # xengt-dm, which they start for vgt_path = "dm"
PARALLEL=0
SHARE_SECONDS=
SHARE_DELAY=2
# per step, index 0..NSTEPS-1
NSTEPS=0
S_NAME=() S_GUEST=() S_DM=() S_DM_ARGS=() S_CMDLINE=() S_STOP=() S_KIND=()
new_step() {
	S_NAME[NSTEPS]=$1 S_KIND[NSTEPS]=pvh
	S_GUEST[NSTEPS]= S_DM[NSTEPS]= S_DM_ARGS[NSTEPS]=
	S_CMDLINE[NSTEPS]= S_STOP[NSTEPS]=term S_VGPU[NSTEPS]= S_CHECK[NSTEPS]=
	S_CFG[NSTEPS]=
	NSTEPS=$((NSTEPS + 1))
}
KVER=6.1.0-56-amd64
XENVER=4.17

die() { echo "mkinitramfs.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--step)
		case $2 in *[!a-z0-9_]* | "") die "step names are [a-z0-9_]+, not '$2'" ;; esac
		new_step "$2"; shift 2 ;;
	--guest) [ "$NSTEPS" -gt 0 ] || new_step main; S_GUEST[NSTEPS - 1]=$2; shift 2 ;;
	--guest-kind) [ "$NSTEPS" -gt 0 ] || new_step main; S_KIND[NSTEPS - 1]=$2; shift 2 ;;
	--dm) [ "$NSTEPS" -gt 0 ] || new_step main; S_DM[NSTEPS - 1]=$2; shift 2 ;;
	--dm-args) [ "$NSTEPS" -gt 0 ] || new_step main; S_DM_ARGS[NSTEPS - 1]=$2; shift 2 ;;
	--guest-cmdline) [ "$NSTEPS" -gt 0 ] || new_step main; S_CMDLINE[NSTEPS - 1]=$2; shift 2 ;;
	--dm-stop) [ "$NSTEPS" -gt 0 ] || new_step main; S_STOP[NSTEPS - 1]=$2; shift 2 ;;
	--vgpu) [ "$NSTEPS" -gt 0 ] || new_step main; S_VGPU[NSTEPS - 1]=$2; shift 2 ;;
	--check) [ "$NSTEPS" -gt 0 ] || new_step main; S_CHECK[NSTEPS - 1]=$2; shift 2 ;;
	--cfg) [ "$NSTEPS" -gt 0 ] || new_step main; S_CFG[NSTEPS - 1]=$2; shift 2 ;;
	--tools) TOOLS=$2; shift 2 ;;
	--xengt-dm) XENGT_DM_BIN=$2; shift 2 ;;
	--parallel) PARALLEL=$2; shift 2 ;;
	--share-delay) SHARE_DELAY=$2; shift 2 ;;
	--share-seconds) SHARE_SECONDS=$2; shift 2 ;;
	--result-tool) RESULT_TOOL=$2; shift 2 ;;
	--root) ROOT=$2; shift 2 ;;
	--guest-timeout) GUEST_TIMEOUT=$2; shift 2 ;;
	--dm-ready-timeout) DM_READY_TIMEOUT=$2; shift 2 ;;
	--extra) EXTRAS+=("$2"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[ -n "$OUT" ] || die "--out is required"
[ "$NSTEPS" -gt 0 ] || die "no step: --guest and --dm are required"
[ -x "$RESULT_TOOL" ] || die "--result-tool not found: '$RESULT_TOOL'"
for ((i = 0; i < NSTEPS; i++)); do
	n=${S_NAME[i]}
	case ${S_STOP[i]} in term | destroy | kill) ;; *) die "step $n: --dm-stop must be term, destroy or kill" ;; esac
	for c in ${S_CHECK[i]//,/ }; do
		case $c in bystander | restricted | refuse | stats | reboot | early_reboot) ;; *) die "step $n: --check: unknown check '$c' (known: bystander restricted refuse stats reboot early_reboot)" ;; esac
	done
	case ${S_KIND[i]} in pvh | hvm-linux) ;; *) die "step $n: --guest-kind must be pvh or hvm-linux" ;; esac
	[ -f "${S_GUEST[i]}" ] || die "step $n: --guest not found: '${S_GUEST[i]}'"
	[ -n "${S_DM[i]}" ] || die "step $n: --dm is required"
	case ${S_DM[i]} in
	kernel | xengt-create | xl) ;;
	*) [ -x "${S_DM[i]}" ] || die "step $n: device model not found or not executable: '${S_DM[i]}'" ;;
	esac
	[ "${S_DM[i]}" != kernel ] || [ -n "${S_VGPU[i]}" ] ||
		die "step $n: --dm kernel needs --vgpu"
	for ((j = 0; j < i; j++)); do
		[ "${S_NAME[j]}" != "$n" ] || die "step name '$n' used twice"
	done
done
[ -x "$ROOT/usr/lib/xen-$XENVER/bin/xl" ] ||
	die "no extracted Xen tools under $ROOT (run fetch.sh)"
BUSYBOX=$(command -v busybox || true)
# (no "| grep -q" here: with pipefail an early-exiting reader can fail the
# pipeline through SIGPIPE)
case "$([ -n "$BUSYBOX" ] && file -L "$BUSYBOX")" in
*"statically linked"*) ;;
*) die "need a static busybox (apt-get install busybox-static)" ;;
esac

# Where a guest's result page is: the address of its e2e_result symbol.
result_gfn() {
	local addr
	addr=$(nm "$1" | awk '$3 == "e2e_result" { print $1 }')
	[ -n "$addr" ] || die "$1 has no e2e_result symbol (not built with guest/result.c?)"
	(( (0x$addr & 0xfff) == 0 )) || die "e2e_result is not page aligned in $1"
	printf '0x%x' $(( 0x$addr >> 12 ))
}

stage=$(mktemp -d "${TMPDIR:-/tmp}/xengt-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,run,tmp,root,lib/modules,lib64} \
	"$stage"/lib/x86_64-linux-gnu "$stage"/usr/lib/xen-$XENVER/bin \
	"$stage"/var/lib/xen "$stage"/var/lib/xenstored "$stage"/var/log/xen \
	"$stage"/etc/xen "$stage"/e2e
ln -s ../run "$stage/var/run"

# busybox and its applets
cp "$BUSYBOX" "$stage/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done

libpath="$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu"

# copy_libs BIN: copy every shared library BIN loads (and the loader).
copy_libs() {
	local bin=$1 line name path
	# scripts and static binaries need no libraries (a script's
	# interpreter must be in the initramfs: busybox sh is /bin/sh)
	case "$(file -L "$bin")" in
	*"dynamically linked"*) ;;
	*) return 0 ;;
	esac
	LD_LIBRARY_PATH=$libpath ldd "$bin" >"$stage/.ldd" 2>&1 ||
		die "ldd $bin failed: $(cat "$stage/.ldd")"
	while read -r line; do
		case $line in
		*"=> not found"*) die "$bin needs ${line%% *}, which is not in $ROOT nor on the host" ;;
		*linux-vdso*) continue ;;
		*" => "*)
			name=${line%% =>*}
			path=${line#*=> }
			path=${path%% (*}
			[ -e "$stage/lib/x86_64-linux-gnu/$name" ] ||
				cp -L "$path" "$stage/lib/x86_64-linux-gnu/$name"
			;;
		/*)
			path=${line%% (*}
			[ -e "$stage/lib64/$(basename "$path")" ] ||
				cp -L "$path" "$stage/lib64/$(basename "$path")"
			;;
		esac
	done <"$stage/.ldd"
	rm -f "$stage/.ldd"
}

add_bin() { # SRC DEST
	mkdir -p "$(dirname "$stage/$2")"
	cp -L "$1" "$stage/$2"
	chmod 755 "$stage/$2"
	copy_libs "$1"
}

xenbin=/usr/lib/xen-$XENVER/bin
# xen-hvmctx: a verdict-less guest's vCPU state (initramfs-init.sh)
for b in xl xenstored xenconsoled xen-init-dom0 xen-hvmctx; do
	add_bin "$ROOT$xenbin/$b" "$xenbin/$b"
done
# glibc loads libgcc_s.so.1 on demand (pthread_cancel/exit in xl)
libgcc=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ && !found { print $NF; found = 1 }')
[ -n "$libgcc" ] || libgcc=/lib/x86_64-linux-gnu/libgcc_s.so.1
[ -f "$libgcc" ] || die "libgcc_s.so.1 not found on the host"
cp -L "$libgcc" "$stage/lib/x86_64-linux-gnu/libgcc_s.so.1"
# xl reads these if present; defaults are fine otherwise
[ -f "$ROOT/etc/xen/xl.conf" ] && cp "$ROOT/etc/xen/xl.conf" "$stage/etc/xen/"

add_bin "$RESULT_TOOL" /e2e/bin/e2e-result
for ((i = 0; i < NSTEPS; i++)); do
	case ${S_DM[i]} in
	kernel) continue ;; # xengt.ko's in-kernel ioreq server
	xengt-create | xl) # the admin's tools: xengt(1) and its xl hook
		[ -n "$TOOLS" ] || die "step ${S_NAME[i]}: --dm ${S_DM[i]} needs --tools DIR"
		[ -e "$stage/e2e/bin/xengt" ] || add_bin "$TOOLS/xengt" /e2e/bin/xengt
		[ -e "$stage/e2e/bin/xengt-qemu" ] || add_bin "$TOOLS/xengt-qemu" /e2e/bin/xengt-qemu
		# as xengt-dm in $PATH, where vgt_path = "dm" finds it
		[ -e "$stage/e2e/bin/xengt-dm" ] || [ ! -x "$XENGT_DM_BIN" ] ||
			add_bin "$XENGT_DM_BIN" /e2e/bin/xengt-dm
		continue ;;
	esac
	b=$(basename "${S_DM[i]}")
	if [ -e "$stage/e2e/bin/$b" ]; then
		cmp -s "${S_DM[i]}" "$stage/e2e/bin/$b" ||
			die "two different device models named $b"
	else
		add_bin "${S_DM[i]}" "/e2e/bin/$b"
	fi
done

# dom0 kernel modules, in load order (xenfs needs xen-privcmd)
moddir=$ROOT/lib/modules/$KVER/kernel/drivers/xen
for m in xen-evtchn xen-privcmd xenfs/xenfs xen-gntdev xen-gntalloc; do
	f=
	for c in "$moddir/$m.ko" "$moddir/$m.ko.xz" "$moddir/$m.ko.zst"; do
		[ -f "$c" ] && { f=$c; break; }
	done
	[ -n "$f" ] || die "module $m not found under $moddir"
	case $f in
	*.ko) cp "$f" "$stage/lib/modules/" ;;
	*.ko.xz) xz -dc "$f" >"$stage/lib/modules/$(basename "$m").ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$stage/lib/modules/$(basename "$m").ko" ;;
	*) die "unknown module format $f" ;;
	esac
done

# The stock device model of HVM guests, where libxl looks for it, and the
# firmware it loads (hvmloader, SeaBIOS; QEMU's option ROM for direct
# kernel boot).  From the host's qemu-system-xen and seabios: same Debian.
HVM=0
for ((i = 0; i < NSTEPS; i++)); do
	[ "${S_KIND[i]}" = hvm-linux ] && HVM=1
done
if [ "$HVM" = 1 ]; then
	QEMU_XEN=/usr/libexec/xen-qemu-system-i386
	[ -x "$QEMU_XEN" ] || die "HVM guests need $QEMU_XEN (apt-get install qemu-system-xen)"
	add_bin "$QEMU_XEN" "$QEMU_XEN"
	mkdir -p "$stage/usr/lib/xen-$XENVER/boot" "$stage/usr/share/seabios" \
		"$stage/usr/share/qemu/keymaps"
	cp "$ROOT/usr/lib/xen-$XENVER/boot/hvmloader" "$stage/usr/lib/xen-$XENVER/boot/"
	cp -L /usr/share/seabios/bios-256k.bin "$stage/usr/share/seabios/" ||
		die "no SeaBIOS (apt-get install seabios)"
	for f in linuxboot_dma.bin linuxboot.bin kvmvapic.bin keymaps/en-us; do
		[ -f "/usr/share/qemu/$f" ] && cp -L "/usr/share/qemu/$f" "$stage/usr/share/qemu/$f"
	done
	vmlinuz=
	for f in "$ROOT"/boot/vmlinuz-"$KVER"; do [ -f "$f" ] && vmlinuz=$f; done
	[ -n "$vmlinuz" ] || die "no $ROOT/boot/vmlinuz-$KVER for the HVM guest"
	cp "$vmlinuz" "$stage/e2e/guest-vmlinuz"
fi

for e in "${EXTRAS[@]}"; do
	mkdir -p "$(dirname "$stage/${e#*:}")"
	cp -L "${e%%:*}" "$stage/${e#*:}"
done

q() { printf '%q' "$1"; }
cat >"$stage/e2e/config" <<EOF
GUEST_TIMEOUT=$(q "$GUEST_TIMEOUT")
DM_READY_TIMEOUT=$(q "$DM_READY_TIMEOUT")
XENBIN=$xenbin
NSTEPS=$NSTEPS
PARALLEL=$PARALLEL
SHARE_SECONDS=$(q "$SHARE_SECONDS")
SHARE_DELAY=$(q "$SHARE_DELAY")
EOF
# One domain per step, each with its own name, guest image and config.
for ((i = 0; i < NSTEPS; i++)); do
	n=${S_NAME[i]}
	gfn=
	if [ "${S_KIND[i]}" = hvm-linux ]; then
		# vga="none": no emulated VGA; the vGPU is the guest's only
		# display device (see README.md for its slot).
		cp "${S_GUEST[i]}" "$stage/e2e/guest-$n.cpio"
		cat >"$stage/e2e/guest-$n.cfg" <<EOF
name = "e2e-$n"
type = "hvm"
kernel = "/e2e/guest-vmlinuz"
ramdisk = "/e2e/guest-$n.cpio"
cmdline = "console=ttyS0,115200 ${S_CMDLINE[i]}"
memory = 512
vcpus = 1
vga = "none"
vnc = 0
sdl = 0
serial = "file:/run/guest-$n.serial"
tsc_mode = "native"
on_poweroff = "preserve"
on_crash = "preserve"
on_reboot = "preserve"
EOF
	else
		gfn=$(result_gfn "${S_GUEST[i]}")
		cp "${S_GUEST[i]}" "$stage/e2e/guest-$n.elf"
		cat >"$stage/e2e/guest-$n.cfg" <<EOF
name = "e2e-$n"
type = "pvh"
kernel = "/e2e/guest-$n.elf"
cmdline = "${S_CMDLINE[i]}"
memory = 32
vcpus = 1
tsc_mode = "native"
on_poweroff = "preserve"
on_crash = "preserve"
on_reboot = "preserve"
EOF
	fi
	# The step's own keys last: xl takes a key's last value.
	[ -z "${S_CFG[i]}" ] || printf '%s\n' "${S_CFG[i]}" >>"$stage/e2e/guest-$n.cfg"
	cat >>"$stage/e2e/config" <<EOF
STEP${i}_NAME=$(q "$n")
STEP${i}_DM=$(case ${S_DM[i]} in kernel | xengt-create | xl) echo "${S_DM[i]}" ;; *) echo "/e2e/bin/$(q "$(basename "${S_DM[i]}")")" ;; esac)
STEP${i}_VGPU=$(q "${S_VGPU[i]}")
STEP${i}_DM_ARGS=$(q "${S_DM_ARGS[i]}")
STEP${i}_KIND=${S_KIND[i]}
STEP${i}_GFN=$gfn
STEP${i}_STOP=$(q "${S_STOP[i]}")
STEP${i}_CHECK=$(q ",${S_CHECK[i]},")
EOF
done

install -m 755 "$here/initramfs-init.sh" "$stage/init"

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
