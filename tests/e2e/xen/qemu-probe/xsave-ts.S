/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does the CPU raise #NM for XSAVE, XRSTOR and XSAVEOPT while CR0.TS is
 * set, as the SDM says every FPU/SSE/XSAVE-state instruction must?  Xen's
 * lazy FPU switching depends on it: it sets CR0.TS when it switches vCPUs
 * and restores the incoming vCPU's state from its #NM handler.  A CPU
 * that runs a guest kernel's XRSTOR without the trap lets Xen's handler
 * later restore older state over it (README.md, "Solved: several guests
 * at once corrupted dom0").
 *
 * A multiboot kernel for `qemu-system-x86_64 -kernel`: for each
 * instruction, set CR0.TS, run it once, print "NAME=NM" if #NM was raised
 * (the handler clears TS and the instruction is retried) or "NAME=-" if
 * it ran without one, on the isa-debugcon at port 0xe9; then leave QEMU
 * through isa-debug-exit.  FXSAVE and MOVAPS are the controls.
 */
	.set MB_MAGIC, 0x1BADB002
	.set MB_FLAGS, 0
	.set DEBUGCON, 0xe9
	.set DEBUG_EXIT, 0xf4

	.text
	.code32
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.globl _start
_start:
	mov $stack_top, %esp
	/* Vectors 0-31 to one handler; the loader's flat code segment. */
	xor %ecx, %ecx
1:	mov $nm_handler, %eax
	mov %ax, idt(, %ecx, 8)
	mov %cs, %dx
	mov %dx, idt + 2(, %ecx, 8)
	movw $0x8e00, idt + 4(, %ecx, 8)	/* present, 32-bit interrupt gate */
	shr $16, %eax
	mov %ax, idt + 6(, %ecx, 8)
	inc %ecx
	cmp $32, %ecx
	jb 1b
	lidt idtr

	mov %cr4, %eax
	or $((1 << 9) | (1 << 18)), %eax	/* OSFXSR, OSXSAVE */
	mov %eax, %cr4
	xor %ecx, %ecx
	xor %edx, %edx
	mov $3, %eax				/* XCR0 = x87 | SSE */
	xsetbv
	clts
	xsave area				/* a valid image for XRSTOR */

	mov $'F', %bl
	call set_ts
	fxsave area
	call report
	mov $'M', %bl
	call set_ts
	movaps %xmm0, %xmm1
	call report
	mov $'S', %bl
	call set_ts
	xsave area
	call report
	mov $'R', %bl
	call set_ts
	xrstor area
	call report
	mov $'O', %bl
	call set_ts
	xsaveopt area
	call report

	mov $'\n', %al
	outb %al, $DEBUGCON
	mov $0, %al
	outb %al, $DEBUG_EXIT
2:	hlt
	jmp 2b

/* Arm one test: CR0.TS set, no #NM seen yet, %edx:%eax the XSAVE mask. */
set_ts:
	movb $0, got_nm
	mov %cr0, %eax
	or $8, %eax
	mov %eax, %cr0
	mov $3, %eax
	xor %edx, %edx
	ret

/* Print "NAME=NM " or "NAME=- " (NAME in %bl). */
report:
	clts
	mov %bl, %al
	outb %al, $DEBUGCON
	mov $'=', %al
	outb %al, $DEBUGCON
	cmpb $0, got_nm
	je 1f
	mov $'N', %al
	outb %al, $DEBUGCON
	mov $'M', %al
	outb %al, $DEBUGCON
	jmp 2f
1:	mov $'-', %al
	outb %al, $DEBUGCON
2:	mov $' ', %al
	outb %al, $DEBUGCON
	ret

/*
 * Only #NM is expected (vectors without an error code); any other
 * exception would retry forever and the script's time-out reports it.
 */
nm_handler:
	movb $1, got_nm
	clts
	iret

	.data
	.align 8
idtr:	.word 32 * 8 - 1
	.long idt
got_nm:	.byte 0
	.align 64
area:	.space 4096

	.bss
	.align 8
idt:	.space 32 * 8
	.space 8192
stack_top:
