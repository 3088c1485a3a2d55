// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-policy: check a policy file, or print it in canonical form or as
 * JSON (docs/policy.md). Exit codes: include/nsima/exitcodes.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <nsima/exitcodes.h>

#include "buf.h"
#include "hex.h"
#include "policy.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsima-policy check FILE...\n"
		"       nsima-policy show [--json] FILE\n"
		"       nsima-policy --help\n"
		"\n"
		"check  parse each FILE; print \"FILE: ok, N rules, sha256:<hex>\"\n"
		"       or the first error as \"FILE:line:col: message\"\n"
		"show   print FILE in canonical form (one statement a line, every\n"
		"       key written out), or as JSON with --json\n"
		"FILE   a path, or - for standard input\n"
		"\n"
		"exit: 0 ok, 1 internal error, 2 usage, 3 malformed policy,\n"
		"      12 cannot read a file (docs/policy.md)\n");
}

static int exit_code(int rc)
{
	switch (rc) {
	case 0:
		return NSIMA_EXIT_OK;
	case NSIMA_EMALFORMED:
		return NSIMA_EXIT_MALFORMED;
	case NSIMA_EIO:
		return NSIMA_EXIT_IO;
	default:
		return NSIMA_EXIT_INTERNAL;
	}
}

/*
 * Read at most one byte more than a policy may hold: the parser reports
 * the bound with its position; a larger file is never read whole.
 */
static int read_policy(const char *path, uint8_t **buf, size_t *len)
{
	size_t cap = NSIMA_POLICY_FILE_MAX + 1, n = 0;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	uint8_t *p;
	ssize_t r;

	if (fd < 0)
		return -errno;
	p = malloc(cap);
	if (!p) {
		if (fd)
			close(fd);
		return -ENOMEM;
	}
	while (n < cap) {
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(p);
			if (fd)
				close(fd);
			return -e;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	*buf = p;
	*len = n;
	return 0;
}

/* Load and parse @path; on failure print the one error line. */
static int load(const char *path, struct nsima_policy *p)
{
	struct nsima_err err = { 0 };
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_policy(path, &buf, &len);

	memset(p, 0, sizeof(*p));
	if (rc == -ENOMEM) {
		fprintf(stderr, "%s: out of memory\n", name);
		return NSIMA_ENOMEM;
	}
	if (rc) {
		fprintf(stderr, "%s: cannot read: %s\n", name, strerror(-rc));
		return NSIMA_EIO;
	}
	rc = nsima_policy_parse(buf, len, name, p, &err);
	free(buf);
	if (rc)
		fprintf(stderr, "%s\n", err.msg[0] ? err.msg :
					nsima_strerror(rc));
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct nsima_policy p;
	char hex[65];
	int i, rc, code = NSIMA_EXIT_OK;

	if (argc < 1) {
		usage(stderr);
		return NSIMA_EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		rc = load(argv[i], &p);
		if (!rc) {
			nsima_hex_encode(p.digest, sizeof(p.digest), hex);
			printf("%s: ok, %zu rule%s, sha256:%s\n",
			       strcmp(argv[i], "-") ? argv[i] : "<stdin>",
			       p.nrules, p.nrules == 1 ? "" : "s", hex);
		} else if (code == NSIMA_EXIT_OK) {
			code = exit_code(rc);
		}
		nsima_policy_free(&p);
	}
	return code;
}

static json_t *stmt_json(const struct nsima_policy *p,
			 const struct nsima_policy_stmt *s)
{
	json_t *o = json_object(), *m = json_object(), *arr;
	char scope[32], net[64];
	unsigned int f, cap;
	uint32_t k;

	if (!o || !m)
		goto fail;
	if (json_object_set_new(o, "type",
				json_string(nsima_policy_type_name(s->type))) ||
	    (s->type == NSIMA_PSTMT_RULE &&
	     json_object_set_new(o, "id", json_string(s->id))) ||
	    json_object_set_new(o, "kind",
				json_string(nsima_policy_kind_name(s->kind))))
		goto fail;
	for (f = NSIMA_PFIELD_PATH; f <= NSIMA_PFIELD_MAX; f++) {
		arr = NULL;
		for (k = 0; k < s->count; k++) {
			const struct nsima_policy_item *it =
				&p->items[s->first + k];
			json_t *v;

			if (it->field != f)
				continue;
			if (!arr && (!(arr = json_array()) ||
				     json_object_set_new(
					     m, nsima_policy_field_name(f), arr)))
				goto fail;
			if (f == NSIMA_PFIELD_CIDR) {
				char a[48];

				if (!inet_ntop(it->family, it->addr, a,
					       sizeof(a)))
					goto fail;
				snprintf(net, sizeof(net), "%s/%u", a,
					 it->prefixlen);
				v = json_string(net);
			} else {
				v = json_stringn(it->str, it->len);
			}
			if (json_array_append_new(arr, v))
				goto fail;
		}
	}
	if (s->kind == NSIMA_PKIND_CAPABLE) {
		arr = json_array();
		if (!arr || json_object_set_new(m, "allow", arr))
			goto fail;
		for (cap = 0; cap <= NSIMA_CAP_LAST; cap++)
			if ((s->caps & (1ULL << cap)) &&
			    json_array_append_new(
				    arr, json_string(nsima_policy_cap_name(cap))))
				goto fail;
	}
	if (json_object_set_new(o, "match", m))
		goto fail_o;
	if ((s->kind == NSIMA_PKIND_OPEN &&
	     json_object_set_new(o, "mode",
				 json_string(nsima_policy_mode_name(s->mode)))) ||
	    (s->type == NSIMA_PSTMT_RULE &&
	     (json_object_set_new(o, "risk",
				  json_string(nsima_policy_risk_name(s->risk))) ||
	      json_object_set_new(o, "action",
				  json_string(nsima_policy_action_name(
					  s->action))))) ||
	    json_object_set_new(o, "scope",
				json_string(nsima_policy_scope_str(
					s, scope, sizeof(scope)))) ||
	    json_object_set_new(o, "line", json_integer(s->line)))
		goto fail_o;
	return o;
fail:
	json_decref(m);
fail_o:
	json_decref(o);
	return NULL;
}

/* A file name as a JSON string: bytes jansson refuses (not UTF-8) as '?'. */
static json_t *name_json(const char *name)
{
	json_t *j = json_string(name);
	char *copy;
	size_t i;

	if (j)
		return j;
	copy = strdup(name);
	if (!copy)
		return NULL;
	for (i = 0; copy[i]; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static int show_json(const char *name, const struct nsima_policy *p)
{
	json_t *root = json_object(), *arr = json_array(), *s;
	char hex[65];
	size_t k;
	int rc = NSIMA_EXIT_INTERNAL;

	nsima_hex_encode(p->digest, sizeof(p->digest), hex);
	if (!root || !arr ||
	    json_object_set_new(root, "file", name_json(name)) ||
	    json_object_set_new(root, "sha256", json_string(hex)) ||
	    json_object_set_new(root, "rules", json_integer((json_int_t)p->nrules)) ||
	    json_object_set_new(root, "statements", arr)) {
		json_decref(arr);
		goto out;
	}
	for (k = 0; k < p->nstmts; k++) {
		s = stmt_json(p, &p->stmts[k]);
		if (!s || json_array_append_new(arr, s))
			goto out;
	}
	if (json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) ||
	    fputc('\n', stdout) == EOF)
		goto out;
	rc = NSIMA_EXIT_OK;
out:
	json_decref(root);
	if (rc)
		fprintf(stderr, "%s: out of memory\n", name);
	return rc;
}

static int cmd_show(int argc, char **argv)
{
	struct nsima_policy p;
	struct nsima_buf out;
	bool json = false;
	const char *file = NULL;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json) {
			json = true;
		} else if (!file && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			file = argv[i];
		} else {
			usage(stderr);
			return NSIMA_EXIT_USAGE;
		}
	}
	if (!file) {
		usage(stderr);
		return NSIMA_EXIT_USAGE;
	}
	rc = load(file, &p);
	if (rc) {
		nsima_policy_free(&p);
		return exit_code(rc);
	}
	if (json) {
		rc = show_json(strcmp(file, "-") ? file : "<stdin>", &p);
		nsima_policy_free(&p);
		return rc;
	}
	nsima_buf_init(&out);
	rc = nsima_policy_format(&p, &out);
	if (!rc && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = NSIMA_EIO;
	nsima_buf_free(&out);
	nsima_policy_free(&p);
	if (rc)
		fprintf(stderr, "%s: %s\n", file, nsima_strerror(rc));
	return exit_code(rc);
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return NSIMA_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return NSIMA_EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		rc = cmd_check(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "show"))
		rc = cmd_show(argc - 2, argv + 2);
	else {
		fprintf(stderr, "nsima-policy: unknown command '%s' (try --help)\n",
			argv[1]);
		return NSIMA_EXIT_USAGE;
	}
	if (fflush(stdout) == EOF && rc == NSIMA_EXIT_OK) {
		fprintf(stderr, "nsima-policy: cannot write: %s\n",
			strerror(errno));
		rc = NSIMA_EXIT_IO;
	}
	return rc;
}
