/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * xengt-sim bench: per workload, the guest driver code natively on the
 * software GPU and mediated through vGPUs, in one run: ops/s of each, their
 * ratio, traps per op, and with several VMs their aggregate throughput and
 * Jain's fairness index of GPU time; then the mediated run again with the
 * guests on the PV extension (--pv=auto), printed per workload as
 * "pv W ops/s trap/pv = R traps/op trap/pv = R", and for bind512 the traps
 * of one 512-page bind as "pv bind512 traps trap/pv = R"; beside it, for
 * information, "pv bind512 traps trap(oos off)/pv = R": the trapped run
 * again with the PPGTT's out-of-sync pages off (one trap per PTE).
 */
#ifndef XENGT_SIM_BENCH_H
#define XENGT_SIM_BENCH_H

/* argv[0] is "bench". Returns the process exit status. */
int bench_main(int argc, char **argv);

/* Jain's fairness index of @x[0..n): 1 = perfectly fair, 1/n = worst. */
double bench_jain(const unsigned long long *x, unsigned int n);

#endif /* XENGT_SIM_BENCH_H */
