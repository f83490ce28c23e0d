/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PVH entry of the e2e test guest.
 *
 * Xen enters at pvh_start (named by the XEN_ELFNOTE_PHYS32_ENTRY note) in
 * 32-bit protected mode, paging off, interrupts off, flat segments, with
 * %ebx = physical address of struct hvm_start_info. We load our own GDT and
 * IDT (exceptions end the test with a FAIL verdict instead of a silent
 * triple fault; start.c adds a task of its own for the double fault),
 * switch to our own stack, enable SSE (64-bit MMIO helpers)
 * and call guest_start(start_info).
 */

#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz: "Xen\0" */
	.long 4				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start
	.balign 4

	.section .text.entry, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $stack_top, %esp
	xorl %ebp, %ebp

	/* SSE on: CR0.EM=0, CR0.MP=1, CR0.TS=0; CR4.OSFXSR|OSXMMEXCPT */
	movl %cr0, %eax
	andl $~((1 << 2) | (1 << 3)), %eax
	orl $(1 << 1), %eax
	movl %eax, %cr0
	movl %cr4, %eax
	orl $((1 << 9) | (1 << 10)), %eax
	movl %eax, %cr4

	pushl %ebx
	call guest_start
	/* guest_start does not return; be safe anyway */
2:	cli
	hlt
	jmp 2b

	.section .note.GNU-stack, "", @progbits

	.section .text.entry, "ax"
/* Exception stubs: push a dummy error code where the CPU pushes none. */
.macro EXC_NOERR vec
exc_\vec:
	pushl $0
	pushl $\vec
	jmp exc_common
.endm
.macro EXC_ERR vec
exc_\vec:
	pushl $\vec
	jmp exc_common
.endm

	EXC_NOERR 0
	EXC_NOERR 1
	EXC_NOERR 2
	EXC_NOERR 3
	EXC_NOERR 4
	EXC_NOERR 5
	EXC_NOERR 6
	EXC_NOERR 7
	EXC_ERR 8
	EXC_NOERR 9
	EXC_ERR 10
	EXC_ERR 11
	EXC_ERR 12
	EXC_ERR 13
	EXC_ERR 14
	EXC_NOERR 15
	EXC_NOERR 16
	EXC_ERR 17
	EXC_NOERR 18
	EXC_NOERR 19
	EXC_NOERR 20
	EXC_ERR 21
	EXC_NOERR 22
	EXC_NOERR 23
	EXC_NOERR 24
	EXC_NOERR 25
	EXC_NOERR 26
	EXC_NOERR 27
	EXC_NOERR 28
	EXC_ERR 29
	EXC_ERR 30
	EXC_NOERR 31

exc_common:
	pushal				/* struct exc_frame, see start.c */
	pushl %esp
	call exception_handler		/* does not return */
3:	cli
	hlt
	jmp 3b

/*
 * The double-fault task (start.c): entered through the task gate of
 * vector 8 on its own stack, the CPU's error code (0) on top of it.
 */
	.globl df_task_entry
df_task_entry:
	cld
	call double_fault_task		/* does not return */
4:	cli
	hlt
	jmp 4b

/*
 * External interrupts (vectors a test installs with idt_set_gate()): the
 * C handler runs on the interrupted stack with every general register
 * saved; it must not touch SSE state (the guest is built -mno-sse, and
 * only io.h's 64-bit MMIO helpers use %xmm0, which a handler avoids).
 */
	.globl irq_entry
irq_entry:
	pushal
	cld
	call irq_handler
	popal
	iret

/* The LAPIC's spurious vector: no EOI, by the architecture's rules. */
	.globl irq_spurious_entry
irq_spurious_entry:
	incl irq_spurious_count
	iret

	.section .rodata
	.balign 4
	.globl exc_stubs
exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long exc_\v
	.endr

	.balign 8
	.globl gdt
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x10: data, flat */
	.quad 0				/* 0x18, 0x20: TSSs start.c fills */
	.quad 0
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss
	.balign 16
	.globl stack, stack_top
stack:
	.skip 65536			/* the i915-pv workloads use ~12 KiB */
stack_top:
