#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The layering, checked (DESIGN.md): the core includes no OS, libc or Xen
# header; nothing outside the core includes a private core header (only
# include/xengt/xengt.h and the backend contracts core/gpu.h, core/hv.h);
# the core's own white-box tests (tests/unit, tests/integration, tests/fuzz)
# excepted;
# no hypervisor backend implements the software GPU's memory bus.
set -eu
top=${XENGT_SRCDIR:?}
k=$top/kernel/xengt
fail=0

bad=$(grep -nE '#[[:space:]]*include[[:space:]]*<' "$k"/core/*.c "$k"/core/*.h || true)
if [ -n "$bad" ]; then
	echo "the core includes system headers:"
	echo "$bad"
	fail=1
fi

private=$(cd "$k/core" && ls *.h | grep -vxE 'gpu\.h|hv\.h')
pattern=$(printf '%s\n' $private | sed 's/\./\\./' | paste -sd'|')
outside=$(find "$k" "$top/tools" "$top/guest" "$top/tests" \
	\( -path "$k/core" -o -path "$top/tests/unit" -o \
	-path "$top/tests/integration" -o -path "$top/tests/fuzz" \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' \) -print)
# A quoted include resolves next to the including file first: a header of
# the same name there (the guest's own ppgtt.h) is not the core's.
leaks=
for f in $outside; do
	for h in $(sed -nE "s/^#[[:space:]]*include[[:space:]]*\"([^\"]*\/)?($pattern)\".*/\2/p" "$f"); do
		[ -f "$(dirname "$f")/$h" ] && continue
		leaks="$leaks
$f: $h"
	done
done
if [ -n "$leaks" ]; then
	echo "private core headers included outside the core (use xengt/xengt.h):"
	echo "$leaks"
	fail=1
fi
# The memory bus the software GPU does DMA on is the platform's (the
# simulated machine, xengt-dm's own DMA space, kbus.c), never a
# hypervisor backend's: hv/ translates guest frames and nothing more.
bus=$(grep -ln 'sim_bus_ops\|struct sim_bus bus' "$k"/hv/*.c "$k"/hv/*.h || true)
if [ -n "$bus" ]; then
	echo "a hypervisor backend implements a memory bus:"
	echo "$bus"
	fail=1
fi
[ "$fail" = 0 ] && echo "headers: the core is self-contained and its private headers stay private"
exit "$fail"
