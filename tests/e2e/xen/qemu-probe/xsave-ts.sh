#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsave-ts.sh [QEMU]: does this QEMU's TCG raise #NM for XSAVE, XRSTOR and
# XSAVEOPT with CR0.TS set (xsave-ts.S)?  Prints
#   XSAVE_TS_PROBE fxsave=NM movaps=NM xsave=X xrstor=X xsaveopt=X
# (NM: trapped, as the SDM requires; -: ran without the trap) and exits 0
# when all five trap, 1 when one does not (then Xen must run with
# spec-ctrl=eager-fpu here, as run.sh does), 2 when it could not tell.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
qemu=${1:-qemu-system-x86_64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -m32 -c "$here/xsave-ts.S" -o "$tmp/probe.o"
ld -m elf_i386 -Ttext 0x100000 -o "$tmp/probe.elf" "$tmp/probe.o"
# isa-debug-exit makes QEMU exit with (0 << 1) | 1.
rc=0
timeout 30 "$qemu" -accel tcg -cpu max -no-reboot -nographic -display none \
	-monitor none -serial none -chardev "file,id=out,path=$tmp/out" \
	-device isa-debugcon,iobase=0xe9,chardev=out \
	-device isa-debug-exit,iobase=0xf4,iosize=1 \
	-kernel "$tmp/probe.elf" </dev/null >"$tmp/qemu.log" 2>&1 || rc=$?
read -r -a got <"$tmp/out" || true
if [ "$rc" != 1 ] || [ "${#got[@]}" != 5 ]; then
	echo "xsave-ts: no result (QEMU exit $rc, output '${got[*]:-}')" >&2
	cat "$tmp/qemu.log" >&2
	exit 2
fi
declare -A r=()
for kv in "${got[@]}"; do r[${kv%%=*}]=${kv#*=}; done
echo "XSAVE_TS_PROBE fxsave=${r[F]} movaps=${r[M]} xsave=${r[S]} xrstor=${r[R]} xsaveopt=${r[O]}"
for k in F M S R O; do [ "${r[$k]}" = NM ] || exit 1; done
