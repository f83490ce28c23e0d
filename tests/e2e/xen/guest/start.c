// SPDX-License-Identifier: GPL-2.0
/*
 * C entry of the e2e test guest: console, result page, IDT, then the test
 * (test_main() in main.c or whatever test is linked in).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "io.h"
#include "lib.h"
#include "result.h"

#define HVM_START_MAGIC 0x336ec578u

/* struct hvm_start_info, xen/include/public/arch-x86/hvm/start_info.h */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

/* Pushed by exc_common in entry.S (pushal, then vector and error code). */
struct exc_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t zero;
	uint8_t type;
	uint16_t off_hi;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/*
 * A 32-bit TSS (SDM vol. 3, 8.2.1).  The double fault is delivered
 * through a task gate to a task of its own, with its own stack: a #DF
 * that comes from a broken stack (or an exception while delivering one)
 * then still reports where the guest was, instead of the silent triple
 * fault an interrupt gate on the same stack would end in.  The task
 * switch saves the interrupted state in main_tss.
 */
struct tss32 {
	uint16_t link, rsvd0;
	uint32_t esp0;
	uint16_t ss0, rsvd1;
	uint32_t esp1;
	uint16_t ss1, rsvd2;
	uint32_t esp2;
	uint16_t ss2, rsvd3;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, rsvd4, cs, rsvd5, ss, rsvd6, ds, rsvd7;
	uint16_t fs, rsvd8, gs, rsvd9, ldt, rsvd10, trap, iomap;
} __attribute__((packed));

#define GDT_CODE 0x08
#define GDT_DATA 0x10
#define GDT_MAIN_TSS 0x18
#define GDT_DF_TSS 0x20

static struct tss32 main_tss, df_tss;
static uint8_t df_stack[16384] __attribute__((aligned(16)));
/* entry.S's GDT (loaded there): flat code and data, two TSS slots. */
extern uint64_t gdt[5];
extern char df_task_entry[];

/* An available 32-bit TSS, present, ring 0 (type 0x89). */
static uint64_t tss_descriptor(const struct tss32 *tss)
{
	uint32_t base = (uint32_t)(uintptr_t)tss, limit = sizeof(*tss) - 1;

	return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)0x89 << 40 | (uint64_t)((limit >> 16) & 0xf) << 48 |
	       (uint64_t)(base >> 24) << 56;
}

extern const uint32_t exc_stubs[32];
extern char irq_entry[], irq_spurious_entry[];
/* All 256 vectors: one nobody installed is not present (#NP: a FAIL). */
static struct idt_entry idt[256] __attribute__((aligned(8)));
static void (*irq_fn)(void);
volatile uint32_t irq_spurious_count;

const char *guest_cmdline = "";

static void idt_gate(uint8_t vector, uint32_t handler)
{
	idt[vector].off_lo = handler & 0xffff;
	idt[vector].sel = 0x08;
	idt[vector].zero = 0;
	idt[vector].type = 0x8e; /* present, ring 0, 32-bit interrupt gate */
	idt[vector].off_hi = handler >> 16;
}

/* The TSSs into entry.S's GDT (live already: no reload), TR, gate 8. */
static void double_fault_task_init(void)
{
	uint32_t cr3;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	df_tss.eip = (uint32_t)(uintptr_t)df_task_entry;
	df_tss.esp = (uint32_t)(uintptr_t)(df_stack + sizeof(df_stack));
	df_tss.eflags = 0x2; /* interrupts off */
	df_tss.cr3 = cr3;
	df_tss.cs = GDT_CODE;
	df_tss.ss = df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = GDT_DATA;
	df_tss.iomap = sizeof(df_tss);
	main_tss.iomap = sizeof(main_tss);
	gdt[GDT_MAIN_TSS / 8] = tss_descriptor(&main_tss);
	gdt[GDT_DF_TSS / 8] = tss_descriptor(&df_tss);
	asm volatile("ltr %w0" : : "r"(GDT_MAIN_TSS));
	/* Vector 8: a task gate (type 0x85) to the double-fault task. */
	idt[8].off_lo = 0;
	idt[8].sel = GDT_DF_TSS;
	idt[8].zero = 0;
	idt[8].type = 0x85;
	idt[8].off_hi = 0;
}

static void idt_init(void)
{
	struct desc_ptr desc = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (int i = 0; i < 32; i++)
		idt_gate(i, exc_stubs[i]);
	double_fault_task_init();
	asm volatile("lidt %0" : : "m"(desc));
}

/* Runs as its own task (df_task_entry in entry.S); never returns. */
void double_fault_task(void);
void double_fault_task(void)
{
	const struct tss32 *t = &main_tss;
	uint32_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	printf("double fault: eip=%x esp=%x ebp=%x eflags=%x cr2=%x eax=%x ebx=%x ecx=%x edx=%x esi=%x edi=%x\n",
	       t->eip, t->esp, t->ebp, t->eflags, cr2, t->eax, t->ebx, t->ecx,
	       t->edx, t->esi, t->edi);
	result_fail("guest double fault at eip 0x%x (esp 0x%x, cr2 0x%x)",
		    t->eip, t->esp, cr2);
}

static void integrity_update_idt(uint8_t vector);

void irq_install(uint8_t vector, void (*fn)(void))
{
	irq_fn = fn;
	idt_gate(vector, (uint32_t)(uintptr_t)irq_entry);
	integrity_update_idt(vector);
}

void irq_install_spurious(uint8_t vector)
{
	idt_gate(vector, (uint32_t)(uintptr_t)irq_spurious_entry);
	integrity_update_idt(vector);
}

/* Called by irq_entry in entry.S with interrupts off. */
void irq_handler(void);
void irq_handler(void)
{
	if (!irq_fn)
		result_fail("interrupt with no handler installed");
	irq_fn();
}

void exception_handler(struct exc_frame *f);
void exception_handler(struct exc_frame *f)
{
	uint32_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	printf("exception %u err=%x eip=%x cr2=%x eax=%x ebx=%x ecx=%x edx=%x\n",
	       f->vector, f->error, f->eip, cr2, f->eax, f->ebx, f->ecx,
	       f->edx);
	result_fail("guest exception %u at eip 0x%x (error 0x%x, cr2 0x%x)",
		    f->vector, f->eip, f->error, cr2);
}

/*
 * double_fault_selftest=1: make a double fault on purpose, to show that
 * it ends in a FAIL verdict naming it and not in a triple fault.  INT 13
 * through a gate whose selector is past the GDT raises #GP; delivering
 * that #GP through the same gate raises another: a double fault.
 */
static void double_fault_selftest(void)
{
	idt[13].sel = 0x100;
	asm volatile("int $13");
	result_fail("double_fault_selftest: no double fault");
}

/*
 * What nothing may write once the guest runs: its code and read-only data
 * (entry.S's GDT among them), its IDT.  A copy is taken at start; guest_integrity_check()
 * compares and names the first bytes that changed, so that memory written
 * behind the guest's back (by the device model, the GPU, Xen) shows where
 * and what, long before it ends in a fault.
 */
extern char __image_start[], __ro_end[];
/*
 * The stack's far end: the workloads use ~12 KiB of its 64 KiB, so all
 * but its top STACK_USED_MAX is never written and is filled with a
 * pattern at start; a change there is a write from outside (or a stack
 * deeper than thought, which is worth a FAIL too).
 */
extern char stack[], stack_top[];
#define STACK_USED_MAX (24 * 1024)
#define STACK_GUARD 0x5ac4f00du
#define RO_COPY_MAX (96 * 1024)
static uint8_t ro_copy[RO_COPY_MAX];
static uint8_t idt_copy[sizeof(idt)];
static uint32_t ro_size;

/* Addresses as integers: the two symbols are ends of one .bss object. */
static uint32_t *stack_guard_end(void)
{
	return (uint32_t *)((uintptr_t)stack_top - STACK_USED_MAX);
}

static void stack_guard_fill(void)
{
	uint32_t *p = (uint32_t *)(void *)stack;
	uint32_t *end = stack_guard_end();

	while (p < end)
		*p++ = STACK_GUARD;
}

static void stack_guard_check(const char *where)
{
	const uint32_t *p = (const uint32_t *)(const void *)stack;
	const uint32_t *end = stack_guard_end();
	const uint32_t *first = 0;
	uint32_t changed = 0, shown = 0;

	for (; p < end; p++) {
		if (*p == STACK_GUARD)
			continue;
		if (!first)
			first = p;
		changed++;
		if (shown++ < 16)
			printf("integrity: %s: stack guard 0x%x: 0x%08x\n",
			       where, (uint32_t)(uintptr_t)p, *p);
	}
	if (changed)
		result_fail(
			"%s: the guest's unused stack (%u KiB below the %u KiB in use) was written at 0x%x (%u dwords)",
			where,
			(uint32_t)((uintptr_t)end - (uintptr_t)stack) / 1024,
			STACK_USED_MAX / 1024, (uint32_t)(uintptr_t)first,
			changed);
}

static void integrity_snapshot(void)
{
	stack_guard_fill();
	ro_size = (uint32_t)(__ro_end - __image_start);
	if (ro_size > RO_COPY_MAX)
		result_fail("code and rodata (%u bytes) larger than the copy",
			    ro_size);
	memcpy(ro_copy, __image_start, ro_size);
	memcpy(idt_copy, idt, sizeof(idt));
}

/* The guest's own change of a gate is no corruption. */
static void integrity_update_idt(uint8_t vector)
{
	memcpy(idt_copy + vector * sizeof(idt[0]), &idt[vector],
	       sizeof(idt[0]));
}

/*
 * Returns the first changed byte's address (0: none); @fatal: print the
 * change and FAIL naming @where.
 */
static uint32_t integrity_compare(const char *where, const char *what,
				  const uint8_t *now, const uint8_t *then,
				  uint32_t n, bool fatal)
{
	uint32_t first = n, last = 0, changed = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (now[i] == then[i])
			continue;
		if (first == n)
			first = i;
		last = i;
		changed++;
	}
	if (!changed)
		return 0;
	if (!fatal)
		return (uint32_t)(uintptr_t)(now + first);
	printf("integrity: %s: %u byte(s) of the %s changed, at 0x%x..0x%x\n",
	       where, changed, what, (uint32_t)(uintptr_t)(now + first),
	       (uint32_t)(uintptr_t)(now + last));
	for (uint32_t i = first & ~3u; i <= last && i < n; i += 4) {
		uint32_t a, b;

		memcpy(&a, now + i, 4);
		memcpy(&b, then + i, 4);
		if (a != b)
			printf("integrity: 0x%x: 0x%08x, was 0x%08x\n",
			       (uint32_t)(uintptr_t)(now + i), a, b);
		if (i - (first & ~3u) >= 64) {
			printf("integrity: ...\n");
			break;
		}
	}
	result_fail(
		"%s: the guest's %s was written behind its back at 0x%x (%u bytes)",
		where, what, (uint32_t)(uintptr_t)(now + first), changed);
}

void guest_integrity_check(const char *where)
{
	integrity_compare(where, "code/rodata", (const uint8_t *)__image_start,
			  ro_copy, ro_size, true);
	integrity_compare(where, "IDT", (const uint8_t *)idt, idt_copy,
			  sizeof(idt), true);
	stack_guard_check(where);
}

/*
 * A byte of .rodata the self-test changes (through a volatile pointer:
 * paging is off, nothing is read-only) and puts back.
 */
static const uint8_t integrity_canary __attribute__((used)) = 0x5a;

/* The check must see a changed byte, and exactly where. */
static void integrity_selftest(void)
{
	volatile uint8_t *p = (volatile uint8_t *)&integrity_canary;
	uint32_t seen;

	*p = 0xa5;
	seen = integrity_compare("self-test", "code/rodata",
				 (const uint8_t *)__image_start, ro_copy,
				 ro_size, false);
	*p = 0x5a;
	if (seen != (uint32_t)(uintptr_t)p)
		result_fail(
			"integrity self-test: a byte changed at 0x%x, the check saw 0x%x",
			(uint32_t)(uintptr_t)p, seen);
	guest_integrity_check("self-test");
}

/*
 * triple_fault_selftest=1: a triple fault on purpose (an empty IDT: INT3,
 * then the #GP and the #DF cannot be delivered either), for the harness's
 * report of a guest that ends without a verdict.
 */
static void triple_fault_selftest(void)
{
	struct desc_ptr empty = { 0, 0 };

	asm volatile("lidt %0; int3" : : "m"(empty));
	result_fail("triple_fault_selftest: still running");
}

void guest_start(const struct hvm_start_info *si);
void guest_start(const struct hvm_start_info *si)
{
	result_init();
	idt_init();
	printf("xengt e2e guest: start_info at %p\n", (const void *)si);
	if (!si || si->magic != HVM_START_MAGIC)
		result_fail("bad hvm_start_info magic (not booted as PVH?)");
	if (si->cmdline_paddr && si->cmdline_paddr < 0x100000000ull)
		guest_cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
	printf("cmdline: '%s'\n", guest_cmdline);
	integrity_snapshot();
	integrity_selftest();
	if (cmdline_ulong("double_fault_selftest", 0))
		double_fault_selftest();
	if (cmdline_ulong("triple_fault_selftest", 0))
		triple_fault_selftest();

	test_main();
	result_fail("test_main() returned without a verdict");
}

/* The value of "key=..." in the command line, or NULL. */
static const char *cmdline_find(const char *key)
{
	const char *p = guest_cmdline;
	size_t klen = 0;

	while (key[klen])
		klen++;
	while (*p) {
		const char *k = key;

		while (*p == ' ')
			p++;
		while (*k && *p == *k) {
			p++;
			k++;
		}
		if (!*k && *p == '=' &&
		    (p - klen == guest_cmdline || p[-(long)klen - 1] == ' '))
			return p + 1;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

unsigned long cmdline_ulong(const char *key, unsigned long def)
{
	const char *p = cmdline_find(key);
	unsigned long v = 0;
	int base = 10, any = 0;

	if (!p)
		return def;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, any = 1) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	return any ? v : def;
}

bool cmdline_is(const char *key, const char *word)
{
	const char *p = cmdline_find(key);

	if (!p)
		return false;
	while (*word && *p == *word) {
		p++;
		word++;
	}
	return !*word && (!*p || *p == ' ');
}
