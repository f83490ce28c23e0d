#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Write the seed corpora of tests/fuzz/corpus/ (committed; re-run after
changing an input format).  Addresses follow fz.c's world: the attacker's
low GM slice is 0x8100000 + 1 MiB, its high one 0x38100000 + 1 MiB, its
data page at PPGTT 0x100000000 (WL_DATA_VA), fuzz_cmd's batch at
WL_DATA_VA + 1 MiB and in low GM after the contexts (0x810e000).  Inputs
that once failed are kept beside the seeds as regress-*."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOW, HIGH, VA = 0x8100000, 0x38100000, 0x100000000
MB = 1 << 20
# The core's own graphics memory (gvt.c: aperture 512 MiB + host high GM
# 384 MiB - core 128 MiB): shadow contexts and command copies, host frames.
CORE = 0x30000000

def dw(*v):
    return struct.pack("<%dI" % len(v), *[x & 0xffffffff for x in v])

def u8(*v):
    return bytes(x & 0xff for x in v)

def u16(v):
    return struct.pack("<H", v & 0xffff)

def u32(v):
    return struct.pack("<I", v & 0xffffffff)

def u64(v):
    return struct.pack("<Q", v & 0xffffffffffffffff)

MI = lambda op, f=0: (op << 23) | f
SDI = MI(0x20, 2)
SDQ = MI(0x20, 3)
GGTT = 1 << 22
BBS = MI(0x31, 1)
BBE = MI(0x0a)
LRI1 = MI(0x22, 1)
SRM = MI(0x24, 2)
FLUSH = MI(0x26, 2)
PC6 = (3 << 29) | (3 << 27) | (2 << 24) | 4
XY_COLOR = (2 << 29) | (0x50 << 22) | (3 << 20) | 5
XY_SRC = (2 << 29) | (0x53 << 22) | (3 << 20) | 8
BR13 = (3 << 24) | (0xf0 << 16)

def cmd_seed(engine, rounds, ring, batch=b""):
    return u8(engine | (rounds << 1)) + u16(len(ring)) + dw(*ring) + batch

def seeds_cmd():
    end = LOW + MB
    yield "sdi_ppgtt", cmd_seed(0, 0, [SDI, VA, VA >> 32, 0x1234])
    yield "sdi_ggtt_edge", cmd_seed(0, 0, [SDI | GGTT, end - 4, 0, 1])
    yield "sdq_ggtt_edge", cmd_seed(0, 0, [SDQ | GGTT, end - 8, 0, 1, 2, 0])
    yield "bb_ppgtt", cmd_seed(0, 1, [BBS | (1 << 8), VA + MB, (VA + MB) >> 32],
                               dw(SDI, VA + 8, VA >> 32, 7, BBE))
    yield "bb_ggtt_chain", cmd_seed(0, 0, [BBS, 0x810e000, 0],
                                    dw(BBS, 0x810f000, 0) + bytes(4084) + dw(BBE))
    yield "pipe_control_qw", cmd_seed(0, 0, [PC6, (1 << 24) | (1 << 14), end - 8, 0, 5, 6])
    yield "flush_dw", cmd_seed(1, 0, [FLUSH | (1 << 14), (end - 4) | 4, 0, 9, 0])
    yield "color_blt", cmd_seed(1, 0, [XY_COLOR, BR13 | 1024, 0, (1 << 16) | 256, VA, VA >> 32, 0xabc])
    yield "color_blt_neg_pitch", cmd_seed(1, 0, [XY_COLOR, BR13 | 0xfc00, 0, (4 << 16) | 16, VA + 4096, VA >> 32, 1])
    yield "src_blt", cmd_seed(1, 0, [XY_SRC, BR13 | 0xcc0000 | 512, 0, (2 << 16) | 64, VA, VA >> 32, 0, 512, VA + MB, VA >> 32])
    yield "lri", cmd_seed(0, 0, [LRI1, 0x2000 + 0x9c, 0xffff0000])
    yield "srm", cmd_seed(0, 0, [SRM | GGTT, 0x2358, end - 4, 0])
    yield "sdi_ggtt_core", cmd_seed(0, 0, [SDI | GGTT, CORE + 0x40, 0, 1])

def seeds_mmio():
    # kinds: 0 read, 1 write, 2 ELSP (xor), 3 queue store, 4 run
    store = u8(3, 1) + u32(0x77)
    elsp = u8(2) + u64(0) + u8(0)
    yield "store_elsp_run", store + elsp + u8(4)
    yield "bcs_store_elsp", u8(0x83, 1) + u32(5) + u8(0x82) + u64(0) + u8(0) + u8(4)
    yield "elsp_two", store + u8(2) + u64(0) + u8(1) + u8(4)
    yield "elsp_bad_desc", store + u8(2) + u64(0xfff) + u8(0) + u8(4)
    yield "gdrst", store + elsp + u8(1, 0, 14, 0) + u64(1) + u8(2) + u8(4)
    yield "ggtt_write", u8(1, 1) + u8(3) + u16(0xfff8) + u64(0x1f001) + u8(3)
    yield "pvinfo_read", u8(0, 0, 18, 0) + u8(2)
    yield "ring_regs", u8(1, 0, 0, 0) + u64(0x100) + u8(2) + u8(1, 0, 3, 0) + u64(0x1001) + u8(2)

def seeds_ggtt():
    # 0 entry(pick gm, pick gpa, flags) 1 half 2 GGTT store 3 flush store 4 run
    yield "map_edge_store", u8(0, 1) + u16(0xf000) + u8(0) + u16(40) + u16(1) + \
        u8(2, 1) + u16(0xfffc) + u32(0x55) + u8(4)
    yield "map_past_ram", u8(0, 0) + u16(0) + u8(2) + u16(3) + u16(3) + u8(2, 0) + u16(0) + u32(1)
    yield "map_neighbour", u8(0, 1) + u16(0) + u8(1) + u16(1) + u8(2, 1) + u16(0) + u32(9)
    yield "high_edge_flush", u8(0, 3) + u16(0xf000) + u8(0) + u16(41) + u16(1) + \
        u8(3, 3) + u16(0xfffc) + u32(0x66) + u8(4)
    yield "half_entry", u8(1, 4) + u32(0x8000) + u32(0x2a001) + u8(0x81, 4) + u32(0x8000) + u32(0x80)

def seeds_ppgtt():
    # 0 map(va, gpa) 1 entry rewrite 2 store 3 blit 4 root 5 run
    va0 = u8(0, 1) + u16(0)
    yield "map_store", u8(0) + va0 + u8(0) + u16(45) + u8(2) + va0 + u32(0x42) + u8(5)
    yield "map_past_ram_store", u8(0) + va0 + u8(2) + u16(1) + u8(2) + va0 + u32(1)
    yield "rewrite_pte", u8(1) + u8(0) + u16(31) + u16(1) + u8(2) + u16(5) + u16(3) + u8(2) + va0 + u32(3)
    yield "blit_edge", u8(3) + u8(1) + u8(8) + u16(4096) + u32(0) + u32((2 << 16) | 64) + u32(7)
    yield "foreign_root", u8(4) + u8(3) + u64(0x20000000) + u8(2) + va0 + u32(1) + u8(0x84) + u8(1) + u8(3) + u8(3) + va0 + u16(1024) + u32(0) + u32(0x10010) + u32(1)

def seeds_cfg():
    # kind: 0 api read 1 api write 2 bus write 3 bus read 4 BAR mmio; 0x80 = listed reg
    yield "bar0_move", u8(0x81, 1, 2) + u32(0xe0000000) + u8(0x80, 1, 2) + u8(4) + u32(0x2030)
    yield "bar0_size_probe", u8(0x81, 1, 2) + u32(0xffffffff) + u8(0x80, 1, 2) + u8(0x81, 1, 2) + u32(0xf0000000)
    yield "cmd_mem_off", u8(0x81, 0, 2) + u32(0) + u8(4) + u32(0)
    yield "opregion", u8(0x81, 10, 2) + u32(0x1000) + u8(0x80, 10, 2)
    yield "bad_sizes", u8(1) + u16(0xffc) + u8(4) + u32(1) + u8(0) + u16(4099) + u8(3)
    yield "bus_other_dev", u8(2) + u16(0x10) + u8(2) + u8(0x18) + u32(0xf0000000) + u8(3) + u16(0) + u8(2) + u8(0x10)

def seeds_ctx():
    # 0 dword of interest 1 any dword 2 store 3 bb start 4 run
    yield "store", u8(2) + u32(1) + u8(4)
    yield "bb", u8(3) + u8(4)
    yield "ring_start_edge", u8(0, 4, 0, 1) + u16(0xf000) + u8(2) + u32(1) + u8(4)
    yield "ring_ctl_huge", u8(0, 5, 2) + u32(0x1ff001) + u8(2) + u32(1)
    yield "pdp_foreign", u8(0, 13, 1, 2) + u16(3) + u8(2) + u32(1)
    yield "lri_offset", u8(0, 14, 2) + u32(0x2030) + u8(2) + u32(1) + u8(1) + u16(1024 + 1) + u32(0x11000000)
    yield "bb_state", u8(0, 8, 2) + u32(0x20) + u8(0, 7, 2) + u32(0x810e000) + u8(3)

def ioreq(addr, data, count, size, dir_, ptr, type_, df=0):
    flags = 2 | (ptr << 4) | (dir_ << 5) | (df << 6)
    return struct.pack("<QQIIIHBB", addr, data, count, size, 0, 0, flags, type_)

def seeds_ioreq():
    bar = 0xf0000000
    cfg = lambda reg: (0x10 << 32) | reg
    yield "cfg_vendor", ioreq(cfg(0), 0, 1, 4, 1, 0, 2)
    yield "cfg_bar_write", ioreq(cfg(0x10), 0xe0000000, 1, 4, 0, 0, 2) + ioreq(cfg(0x10), 0, 1, 4, 1, 0, 2)
    yield "mmio_rw", ioreq(bar + 0x2030, 0x100, 1, 4, 0, 0, 1) + ioreq(bar + 0x78000, 0, 1, 8, 1, 0, 1)
    yield "rep_movs_ggtt", ioreq(bar + 0x800000 + (0x8100 << 3), 0x1f000, 16, 8, 0, 1, 1)
    yield "rep_df", ioreq(bar + 0x2040, 0x1f00c, 4, 4, 1, 1, 1, 1)
    yield "cf8", ioreq(0xcf8, 0x80001000, 1, 4, 0, 0, 0) + ioreq(0xcfc, 0, 1, 4, 1, 0, 0)
    yield "wp_store", ioreq(0x20000, 0x1f001, 1, 8, 0, 0, 1)
    yield "invalidate_unknown", ioreq(0, 0, 1, 4, 0, 0, 8) + ioreq(0, 0, 1, 4, 1, 0, 0x33)

CMD_TOKENS = {
    "MI_NOOP": 0, "MI_BATCH_BUFFER_END": BBE, "MI_BATCH_BUFFER_START": BBS,
    "MI_BATCH_BUFFER_START_PPGTT": BBS | (1 << 8),
    "MI_BATCH_BUFFER_START_2ND": BBS | (1 << 22),
    "MI_STORE_DWORD_IMM": SDI, "MI_STORE_DWORD_IMM_GGTT": SDI | GGTT,
    "MI_STORE_QWORD_IMM": SDQ, "MI_LOAD_REGISTER_IMM_1": LRI1,
    "MI_STORE_REGISTER_MEM": SRM, "MI_STORE_REGISTER_MEM_GGTT": SRM | GGTT,
    "MI_FLUSH_DW": FLUSH, "MI_FLUSH_DW_STOREDW": FLUSH | (1 << 14),
    "MI_FLUSH_DW_STORE_INDEX": FLUSH | (1 << 14) | (1 << 21),
    "MI_ARB_ON_OFF": MI(0x08), "MI_USER_INTERRUPT": MI(0x02),
    "MI_ARB_CHECK": MI(0x05), "PIPE_CONTROL_6": PC6,
    "PIPE_CONTROL_QW_GGTT": (1 << 24) | (1 << 14),
    "PIPE_CONTROL_STORE_INDEX": (1 << 21) | (1 << 14),
    "XY_COLOR_BLT": XY_COLOR, "XY_SRC_COPY_BLT": XY_SRC,
    "BR13_FILL": BR13 | 1024, "BR13_COPY": (3 << 24) | (0xcc << 16) | 1024,
    "LOW_END_M4": LOW + MB - 4, "LOW_END_M8": LOW + MB - 8, "LOW_BASE": LOW,
    "HIGH_END_M4": HIGH + MB - 4, "HIGH_BASE": HIGH, "NEIGHBOUR_LOW": LOW + MB,
    "BATCH_GM": 0x810e000, "DATA_VA_HI": VA >> 32, "BATCH_VA_LO": MB,
    "CORE_GM": CORE,
}

# fuzz_pv (fuzz_pv.c): the attacker's pages at the top of its 256 KiB.
RAM = 256 << 10
PV_PAGE, PV_ARRAY, PV_ROOT, PV_DATA = RAM - 0x1000, RAM - 0x2000, RAM - 0x3000, RAM - 0x5000
PV_VA = 0x200000000
PVF = 1 << 8  # WRITE_FENCE_TO_DESC

def pv_hdr(action, n, flags=PVF):
    return (action << 16) | (n & 0x1f) | flags

def pv_msg(action, fence, *data):
    return [pv_hdr(action, len(data)), fence] + list(data)

def pv_vma(size, start, dma, pml4=0, flags=0):
    return [size, flags, start, start >> 32, dma, dma >> 32, pml4, pml4 >> 32]

def pv_ring(*msgs, tail=None):
    d = [x for m in msgs for x in m]
    if tail is None:
        return u8(0, len(d)) + dw(*d)
    return u8(0x80, len(d)) + dw(*d) + u32(tail)

def pv_array(pos, pages, flags=3):
    # kind 2: entries picked as "own page" (how 0, u16 page) | u16 flags
    out = u8(2) + u16(pos) + u8(len(pages))
    for p in pages:
        out += u8(0) + u16(p >> 12) + u16(flags)
    return out

def pv_array_raw(pos, entries):
    # kind 2 | 0x80: raw u64 entries
    return u8(0x82) + u16(pos) + u8(len(entries)) + b"".join(u64(e) for e in entries)

def pv_submit(engine, val, marker=True, store=True, off=0):
    kind = 3 | (0x80 if marker else 0) | (0x40 if store else 0)
    out = u8(kind, engine)
    if store:
        out += u32(off) + u32(val)
    return out + u64(0)

def seeds_pv():
    data = PV_DATA | 3
    bind1 = pv_msg(1, 1, *pv_vma(1, PV_VA, data, PV_ROOT))
    area = pv_msg(5, 13, 4, PV_PAGE + 0x400, 0)
    yield "default_fence", pv_ring(pv_msg(0, 7))
    yield "bind_ppgtt_store", (pv_ring(area, bind1) + pv_submit(0, 0x55) + u8(6))
    yield "bind_ppgtt_array", (pv_array(0, [PV_DATA, PV_DATA + 0x1000] * 4) +
                               pv_ring(area, pv_msg(1, 2, *pv_vma(8, PV_VA, PV_ARRAY, PV_ROOT)),
                                       pv_msg(2, 3, *pv_vma(4, PV_VA + 0x4000, 0, PV_ROOT))) +
                               pv_submit(1, 0x66) + u8(6))
    yield "bind_ggtt", pv_ring(pv_msg(3, 4, *pv_vma(1, HIGH + 0x4000, data)),
                               pv_msg(4, 5, *pv_vma(1, HIGH + 0x4000, 0)))
    # Page counts past either slice's end, with entries that are good.
    two = pv_array(0, [PV_DATA, PV_DATA + 0x1000])
    yield "ggtt_edge", two + pv_ring(pv_msg(3, 6, *pv_vma(2, HIGH + MB - 0x1000, PV_ARRAY)))
    yield "ggtt_low_edge", two + pv_ring(pv_msg(3, 6, *pv_vma(2, LOW + MB - 0x1000, PV_ARRAY)),
                                         pv_msg(3, 7, *pv_vma(2, LOW - 0x1000, PV_ARRAY)))
    # A page that is not the guest's (refused whole), then used anyway.
    yield "ppgtt_foreign_page", (pv_array_raw(0, [PV_DATA | 3, (RAM + 0x3000) | 3]) +
                                 pv_ring(area, pv_msg(1, 8, *pv_vma(2, PV_VA, PV_ARRAY, PV_ROOT)),
                                         pv_msg(1, 9, *pv_vma(1, PV_VA, PV_DATA | 3, RAM + 0x1000))) +
                                 pv_submit(0, 0x99, off=0x1000) + u8(6))
    yield "submit_msg", (pv_ring(area, bind1) +
                         pv_submit(0, 0x77, marker=False) +
                         pv_ring(pv_msg(6, 9, 0)) + u8(6))
    yield "wrapped", (u8(4, 0) + u16(508) + pv_ring(bind1, pv_msg(0, 10)))
    yield "torn", pv_ring(bind1, tail=5)
    yield "bad_desc", u8(0x81) + u16(0x10) + u8(4) + u32(0x400) + u8(7, 3)
    yield "flood", u8(7, 31) + pv_ring(pv_msg(0, 11)) + u8(7, 31)
    yield "reregister_moved", (pv_ring(bind1) + u8(4, 3, 0) + u16(20) + u16(0) +
                               u8(4, 2) + u8(5, 1) + u8(4, 1) + pv_ring(pv_msg(2, 12, *pv_vma(1, PV_VA, 0, PV_ROOT))))

PV_TOKENS = {
    "PV_DEFAULT": pv_hdr(0, 0), "PV_BIND_PPGTT": pv_hdr(1, 8), "PV_UNBIND_PPGTT": pv_hdr(2, 8),
    "PV_BIND_GGTT": pv_hdr(3, 8), "PV_UNBIND_GGTT": pv_hdr(4, 8),
    "PV_REGISTER_CAP_GPA": pv_hdr(5, 3), "PV_SUBMIT": pv_hdr(6, 1),
    "PV_PAGE": PV_PAGE, "PV_AREA": PV_PAGE + 0x400, "PV_ARRAY": PV_ARRAY,
    "PV_ROOT": PV_ROOT, "PV_DATA": PV_DATA | 3, "PV_VA_HI": PV_VA >> 32,
    "PV_CTB_OFFSET": 0x800, "PV_CTB_SIZE": 2048, "PV_MARKER": 0x50565355,
    "HIGH_GM": HIGH, "HIGH_GM_END": HIGH + MB, "LOW_GM_END": LOW + MB,
}

def write_dict(path, tokens, what):
    with open(path, "w") as f:
        f.write("# %s (written by seeds.py)\n" % what)
        for name, v in tokens.items():
            f.write('%s="%s"\n' % (name, "".join("\\x%02x" % b for b in u32(v))))

def main():
    os.makedirs(os.path.join(HERE, "dict"), exist_ok=True)
    write_dict(os.path.join(HERE, "dict", "fuzz_cmd.dict"), CMD_TOKENS,
               "Gen9 command headers and the fuzz world's addresses")
    write_dict(os.path.join(HERE, "dict", "fuzz_pv.dict"), PV_TOKENS,
               "PV message headers and the fuzz world's PV addresses")
    gens = {"fuzz_cmd": seeds_cmd, "fuzz_mmio": seeds_mmio, "fuzz_ggtt": seeds_ggtt,
            "fuzz_ppgtt": seeds_ppgtt, "fuzz_cfg": seeds_cfg, "fuzz_ctx": seeds_ctx,
            "fuzz_ioreq": seeds_ioreq, "fuzz_pv": seeds_pv}
    for target, gen in gens.items():
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for name, data in gen():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)
    return 0

if __name__ == "__main__":
    sys.exit(main())
