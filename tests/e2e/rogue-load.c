// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-rogue OBJ PROG: load the one BPF program PROG of the object OBJ
 * (tests/e2e/rogue.bpf.c), nothing else, and never attach it. Prints
 * "loaded", or "refused: <errno>" and the verifier's last lines (the
 * reason). Exit status: 0 loaded, 1 refused, 2 usage or another failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

static char log_buf[1 << 20];

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = log_buf,
		    .kernel_log_size = sizeof(log_buf), .kernel_log_level = 1);
	struct bpf_object *obj;
	struct bpf_program *p;
	const char *last[6] = { 0 };
	char *line, *save;
	int found = 0, rc, i, n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: nsima-rogue OBJ PROG\n");
		return 2;
	}
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(argv[1], &opts);
	if (!obj) {
		printf("cannot open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	bpf_object__for_each_program(p, obj) {
		int me = !strcmp(bpf_program__name(p), argv[2]);

		found |= me;
		bpf_program__set_autoload(p, me);
	}
	if (!found) {
		printf("no program %s in %s\n", argv[2], argv[1]);
		return 2;
	}
	rc = bpf_object__load(obj);
	if (!rc) {
		printf("loaded\n");
		bpf_object__close(obj);
		return 0;
	}
	printf("refused: %s\n", strerror(-rc));
	for (line = strtok_r(log_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		last[n++ % 6] = line;
	for (i = n > 6 ? n - 6 : 0; i < n; i++)
		printf("  %s\n", last[i % 6]);
	bpf_object__close(obj);
	return 1;
}
