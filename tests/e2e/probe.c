// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-probe: a small static program that e2e tests execute where they
 * need an exec that is certainly a real execve of a known file (busybox
 * may run its applets without one). Prints its mount namespace.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	ssize_t n = readlink("/proc/self/ns/mnt", buf, sizeof(buf) - 1);

	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}
