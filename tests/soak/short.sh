#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# A short soak in make check (the long one: make soak TIME=1800).
set -eu
exec "${XENGT_BUILDDIR:?}/tests/soak/xengt-soak" --time 20 --seed 20261202
