// SPDX-License-Identifier: GPL-2.0
/*
 * C entry of the e2e test guest: console, result page, IDT, then the test
 * (test_main() in main.c or whatever test is linked in).
 */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "io.h"
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

struct idt_desc {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

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

static void idt_init(void)
{
	struct idt_desc desc = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (int i = 0; i < 32; i++)
		idt_gate(i, exc_stubs[i]);
	asm volatile("lidt %0" : : "m"(desc));
}

void irq_install(uint8_t vector, void (*fn)(void))
{
	irq_fn = fn;
	idt_gate(vector, (uint32_t)(uintptr_t)irq_entry);
}

void irq_install_spurious(uint8_t vector)
{
	idt_gate(vector, (uint32_t)(uintptr_t)irq_spurious_entry);
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
