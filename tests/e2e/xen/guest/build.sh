#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the freestanding 32-bit PVH test guest.
# Usage: build.sh OUTDIR [extra .c/.S/.o files...]
# Environment: GUEST_MAIN=file.c replaces main.c (the test); GUEST_CFLAGS adds
# flags (e.g. -I for a library linked in); CC, LD.
# Produces OUTDIR/e2e-guest.elf and prints nothing on success.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR [extra sources...]}
shift
mkdir -p "$out/obj"
CC=${CC:-gcc}
LD=${LD:-ld}
cflags=(-m32 -march=i686 -O2 -g -std=gnu11 -ffreestanding -fno-pic -fno-pie
	-fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables
	-mno-sse -mno-mmx -mno-80387 -Wall -Wextra -Werror -I"$here"
	${GUEST_CFLAGS:-})
objs=()
for src in "$here"/entry.S "$here"/start.c "$here"/console.c "$here"/fmt.c \
	   "$here"/lib.c "$here"/result.c "$here"/pci.c "$here"/timing.c \
	   "${GUEST_MAIN:-$here/main.c}" "$@"; do
	case $src in
	*.o) objs+=("$src"); continue ;;
	esac
	o=$out/obj/$(basename "${src%.*}").o
	"$CC" "${cflags[@]}" -c "$src" -o "$o"
	objs+=("$o")
done
"$LD" -m elf_i386 -nostdlib -static --no-warn-rwx-segments -T "$here/guest.ld" -o "$out/e2e-guest.elf" \
	"${objs[@]}"
