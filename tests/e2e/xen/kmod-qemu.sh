#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The module test (../kmod/run.sh): Debian's 6.1 kernel under QEMU without
# Xen; every /sys/kernel/xengt file with good and bad writes, 1,000 vGPU
# creates and destroys, 20 reloads, a clean dmesg.
exec "$(dirname "$0")/../kmod/run.sh"
