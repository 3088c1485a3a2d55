// SPDX-License-Identifier: GPL-2.0
/*
 * A small static program that exits 0, without libc: the file `make
 * bench-kmod` copies (with a unique trailer each) to have thousands of
 * distinct executables, never measured before, on the guest's RAM disk.
 * Built with -nostdlib -static (bench/bench.mk).
 */
void _start(void);

void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\t"	/* exit(0) */
			 "xor %edi, %edi\n\t"
			 "syscall");
	__builtin_unreachable();
}
