// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's persistent copy of the kernel list: lib/journal.h says what
 * it guarantees; docs/nsimad.md shows the layout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "buf.h"
#include "fileio.h"
#include "hex.h"
#include "journal.h"
#include "log_format.h"
#include "nsstate.h"

#define J_FMTS		3
#define J_SUM_HEX	64
/* The commit log is rewritten as one line when it grows past this. */
#define J_COMPACT_BYTES	((size_t)1 << 20)

static const char *const fmt_file[J_FMTS] = {
	"binary_runtime_measurements", "ascii_runtime_measurements",
	"cel.json",
};
static const enum nsima_log_format fmt_of[J_FMTS] = {
	NSIMA_FORMAT_BINARY, NSIMA_FORMAT_ASCII, NSIMA_FORMAT_CEL,
};

/*
 * The node's or one namespace's three logs. A namespace's id (its inode
 * number) can be reused once it ended (its ns_end entry): each namespace
 * is the id and the whole-list index of its first entry, ns/<nsid>.<first>.
 */
struct jlog {
	bool host;
	uint64_t nsid;
	uint64_t first;			/* index of its first entry */
	bool ended;			/* its ns_end is in the batch or log */
	bool created;			/* by the batch (not committed yet) */
	uint64_t size[J_FMTS];		/* committed bytes */
	struct nsima_buf pend[J_FMTS];	/* the batch's bytes */
	struct nsima_log_writer w[J_FMTS];
	bool touched;			/* in the batch */
	bool exists;			/* its directory is durable */
};

struct nsima_journal {
	char *dir;
	int dirfd;			/* locked while open */
	int nsfd;			/* ns/ */
	int cfd;			/* commits */
	uint64_t clen;			/* committed bytes of commits */
	uint64_t compact_at;		/* compact past this */
	bool started;
	uint64_t first, next, pending, commits;
	struct jlog node;
	struct jlog **tab;		/* live namespaces: open addressing by nsid */
	size_t tab_size, count;
	struct jlog **touched;
	size_t ntouched, touched_cap;
};

static int io_err(struct nsima_err *err, int e, const char *what,
		  const char *name)
{
	return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s %s: %s",
			     what, name, strerror(e));
}

static int nomem(struct nsima_err *err)
{
	return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
			     "out of memory");
}

/* "node/<file>" or "ns/<nsid>/<file>" (fmt < 0: the directory). */
static void log_path(const struct jlog *l, int fmt, char *buf, size_t len)
{
	if (l->host)
		snprintf(buf, len, "node%s%s", fmt < 0 ? "" : "/",
			 fmt < 0 ? "" : fmt_file[fmt]);
	else
		snprintf(buf, len, "ns/%" PRIu64 ".%" PRIu64 "%s%s", l->nsid,
			 l->first, fmt < 0 ? "" : "/",
			 fmt < 0 ? "" : fmt_file[fmt]);
}

static int jlog_init(struct jlog *l, bool host, uint64_t nsid,
		     uint64_t first, struct nsima_err *err)
{
	int f, rc = 0;

	memset(l, 0, sizeof(*l));
	l->host = host;
	l->nsid = nsid;
	l->first = first;
	for (f = 0; f < J_FMTS; f++) {
		nsima_buf_init(&l->pend[f]);
		/* nothing is written by begin for these formats */
		rc = rc ? rc : nsima_log_writer_begin(&l->w[f], fmt_of[f],
						      NSIMA_BANK_SHA1,
						      NSIMA_BANKS_DEFAULT,
						      NSIMA_CEL_SEQ, &l->pend[f],
						      err);
	}
	return rc;
}

static void jlog_drop(struct jlog *l)
{
	int f;

	for (f = 0; f < J_FMTS; f++)
		nsima_buf_free(&l->pend[f]);
	l->touched = false;
}

static size_t slot_of(const struct nsima_journal *j, uint64_t nsid)
{
	uint64_t h = nsid * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17) & (j->tab_size - 1);
}

static struct jlog *ns_find(const struct nsima_journal *j, uint64_t nsid)
{
	size_t i;

	if (!j->tab_size)
		return NULL;
	for (i = slot_of(j, nsid); j->tab[i]; i = (i + 1) & (j->tab_size - 1))
		if (j->tab[i]->nsid == nsid)
			return j->tab[i];
	return NULL;
}

static int ns_insert(struct nsima_journal *j, struct jlog *l)
{
	size_t i, n;

	if ((j->count + 1) * 10 > j->tab_size * 7) {
		size_t size = j->tab_size ? j->tab_size * 2 : 64;
		struct jlog **old = j->tab, **tab = calloc(size, sizeof(*tab));

		if (!tab)
			return -1;
		n = j->tab_size;
		j->tab = tab;
		j->tab_size = size;
		for (i = 0; i < n; i++)
			if (old[i])
				for (size_t k = slot_of(j, old[i]->nsid);;
				     k = (k + 1) & (size - 1))
					if (!tab[k]) {
						tab[k] = old[i];
						break;
					}
		free(old);
	}
	for (i = slot_of(j, l->nsid); j->tab[i]; i = (i + 1) & (j->tab_size - 1))
		;
	j->tab[i] = l;
	j->count++;
	return 0;
}

/* Linear probing's deletion: later entries of the run move up. */
static void ns_remove(struct nsima_journal *j, struct jlog *l)
{
	size_t mask = j->tab_size - 1, i, k, n;

	for (i = slot_of(j, l->nsid); j->tab[i] != l; i = (i + 1) & mask)
		if (!j->tab[i])
			return;
	j->tab[i] = NULL;
	j->count--;
	for (n = (i + 1) & mask; j->tab[n]; n = (n + 1) & mask) {
		k = slot_of(j, j->tab[n]->nsid);
		/* may tab[n] move to the hole at i? (k not in (i, n]) */
		if ((i <= n) ? (k <= i || k > n) : (k <= i && k > n)) {
			j->tab[i] = j->tab[n];
			j->tab[n] = NULL;
			i = n;
		}
	}
}

static void jlog_free(struct jlog *l)
{
	jlog_drop(l);
	free(l);
}

/* Live namespace @nsid's logs; made, first entry @first, when absent. */
static struct jlog *ns_get(struct nsima_journal *j, uint64_t nsid,
			   uint64_t first, struct nsima_err *err)
{
	struct jlog *l = ns_find(j, nsid);

	if (l)
		return l;
	l = malloc(sizeof(*l));
	if (!l || jlog_init(l, false, nsid, first, err) || ns_insert(j, l)) {
		if (l)
			jlog_drop(l);
		free(l);
		if (!err->code)
			nomem(err);
		return NULL;
	}
	return l;
}

static void sum_hex(const char *s, size_t len, char out[J_SUM_HEX + 1])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(s, len, md, &n, EVP_sha256(), NULL);
	nsima_hex_encode(md, sizeof(md), out);
}

/* Append " <sum>\n" over @b's content from @from. */
static int seal_line(struct nsima_buf *b, size_t from)
{
	char sum[J_SUM_HEX + 1];

	sum_hex((const char *)b->data + from, b->len - from, sum);
	return nsima_buf_printf(b, " %s\n", sum);
}

static int append_sizes(struct nsima_buf *b, const struct jlog *l)
{
	if (l->host)
		return nsima_buf_printf(b, " node=%" PRIu64 ",%" PRIu64 ",%" PRIu64,
					l->size[0], l->size[1], l->size[2]);
	return nsima_buf_printf(b, " %" PRIu64 ".%" PRIu64 "=%" PRIu64
				",%" PRIu64 ",%" PRIu64 "%s", l->nsid, l->first,
				l->size[0], l->size[1], l->size[2],
				l->ended ? ",end" : "");
}

/* One "key=b,a,c[,end]" of a commit line. */
struct item {
	bool host, end;
	uint64_t nsid, first, size[J_FMTS];
};

static int parse_item(char *tok, uint64_t next, struct item *it)
{
	char *eq = strchr(tok, '=');
	int k = 0;

	memset(it, 0, sizeof(*it));
	if (!eq)
		return -1;
	*eq++ = '\0';
	if (eq[0] < '0' || eq[0] > '9' ||
	    sscanf(eq, "%" SCNu64 ",%" SCNu64 ",%" SCNu64 "%n", &it->size[0],
		   &it->size[1], &it->size[2], &k) != 3)
		return -1;
	if (eq[k] && strcmp(eq + k, ",end"))
		return -1;
	it->end = eq[k] != '\0';
	if (!strcmp(tok, "node")) {
		it->host = true;
		return it->end ? -1 : 0;
	}
	if (tok[0] < '0' || tok[0] > '9' ||
	    sscanf(tok, "%" SCNu64 ".%" SCNu64 "%n", &it->nsid, &it->first,
		   &k) != 2 || tok[k] || it->first >= next)
		return -1;
	return 0;
}

/*
 * Is item @i of @it consistent with the state and the items before it?
 * Each key once; sizes never shrink; an id has one live namespace: an
 * earlier item of the line may end it before a later one starts another.
 */
static bool item_ok(const struct nsima_journal *j, const struct item *it,
		    size_t i)
{
	const struct jlog *l = it[i].host ? &j->node : ns_find(j, it[i].nsid);
	size_t k;
	int f;

	/* the latest earlier item of the key: it must have ended, earlier */
	for (k = i; k-- > 0;) {
		if (it[k].host != it[i].host ||
		    (!it[i].host && it[k].nsid != it[i].nsid))
			continue;
		return !it[i].host && it[k].end && it[k].first < it[i].first;
	}
	if (!l)
		return true;	/* a new namespace */
	if (!it[i].host && l->first != it[i].first)
		return false;
	for (f = 0; f < J_FMTS; f++)
		if (it[i].size[f] < l->size[f])
			return false;
	return true;
}

/*
 * Apply one commit-log line (without its sum) when every part of it is
 * valid: 0; -1 (the line changes nothing); -2 no memory.
 */
static int apply_line(struct nsima_journal *j, char *line,
		      struct nsima_err *err)
{
	char *save = NULL, *tok = strtok_r(line, " ", &save), *end;
	struct item *it = NULL;
	size_t n_it = 0, i;
	uint64_t n;
	int rc = -1;

	if (!tok)
		return -1;
	if (!strcmp(tok, "start")) {
		tok = strtok_r(NULL, " ", &save);
		if (!tok || j->started || tok[0] < '0' || tok[0] > '9')
			return -1;
		errno = 0;
		n = strtoull(tok, &end, 10);
		if (*end || errno || strtok_r(NULL, " ", &save))
			return -1;
		j->started = true;
		j->first = j->next = n;
		return 0;
	}
	if (strcmp(tok, "commit") || !j->started)
		return -1;
	tok = strtok_r(NULL, " ", &save);
	if (!tok || tok[0] < '0' || tok[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(tok, &end, 10);
	if (*end || errno || n < j->next)
		return -1;
	while ((tok = strtok_r(NULL, " ", &save))) {
		struct item *t = realloc(it, (n_it + 1) * sizeof(*it));

		if (!t) {
			free(it);
			nomem(err);
			return -2;
		}
		it = t;
		if (parse_item(tok, n, &it[n_it]) || !item_ok(j, it, n_it))
			goto out;
		n_it++;
	}
	for (i = 0; i < n_it; i++) {
		struct jlog *l = &j->node;

		if (!it[i].host) {
			l = ns_get(j, it[i].nsid, it[i].first, err);
			if (!l) {
				rc = -2;
				goto out;
			}
		}
		memcpy(l->size, it[i].size, sizeof(l->size));
		l->exists = true;
		if (it[i].end) {	/* ended: never written again */
			ns_remove(j, l);
			jlog_free(l);
		}
	}
	j->next = n;
	j->commits++;
	rc = 0;
out:
	free(it);
	return rc;
}

/*
 * Replay the commit log: the state of its last whole line. *valid: the
 * bytes up to it. A torn last line is no error; a bad line followed by
 * more is damage.
 */
static int replay_commits(struct nsima_journal *j, char *buf, size_t len,
			  size_t *valid, struct nsima_err *err)
{
	size_t pos = 0;

	*valid = 0;
	while (pos < len) {
		char *nl = memchr(buf + pos, '\n', len - pos), *sp;
		char sum[J_SUM_HEX + 1];
		size_t llen;
		int rc;

		if (!nl)
			break;		/* torn: no newline */
		*nl = '\0';
		llen = (size_t)(nl - (buf + pos));
		sp = strrchr(buf + pos, ' ');
		if (!sp || strlen(sp + 1) != J_SUM_HEX)
			goto bad;
		sum_hex(buf + pos, (size_t)(sp - (buf + pos)), sum);
		if (strcmp(sum, sp + 1))
			goto bad;
		*sp = '\0';
		rc = apply_line(j, buf + pos, err);
		if (rc == -2)
			return err->code;
		if (rc)
			goto bad;
		pos += llen + 1;
		*valid = pos;
		continue;
bad:
		/*
		 * Only a line without its newline is torn (the line is
		 * written whole, newline last): a whole line that does not
		 * check or apply is damage, wherever it is, and nothing
		 * committed is cut on its account.
		 */
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     pos, "%s/commits: damaged commit line",
				     j->dir);
	}
	return 0;
}

/*
 * The directory of @l's logs (node/ or ns/<nsid>.<first>/), made when
 * @create; no symbolic link is followed on the way: the journal writes,
 * cuts and removes only inside its own directory.
 */
static int log_dir(struct nsima_journal *j, const struct jlog *l, bool create,
		   struct nsima_err *err)
{
	char name[48];
	int fd;

	if (l->host)
		snprintf(name, sizeof(name), "node");
	else
		snprintf(name, sizeof(name), "%" PRIu64 ".%" PRIu64, l->nsid,
			 l->first);
	if (create && mkdirat(l->host ? j->dirfd : j->nsfd, name, 0700) &&
	    errno != EEXIST)
		return io_err(err, errno, "mkdir", name);
	fd = openat(l->host ? j->dirfd : j->nsfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return io_err(err, errno, "open", name);
	return fd;
}

/* @l's file @f in its directory @dfd (no link followed). */
static int log_file(int dfd, int f, int flags)
{
	return openat(dfd, fmt_file[f], flags | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/*
 * @l's files against their committed sizes: with @cut, cut longer ones
 * back (what an interrupted batch wrote); else a shorter one is damage.
 */
static int check_or_cut(struct nsima_journal *j, struct jlog *l, bool cut,
			struct nsima_err *err)
{
	struct stat st;
	char path[64];
	int f, fd, dfd, rc = 0;

	dfd = log_dir(j, l, false, err);
	if (dfd < 0) {
		for (f = 0; f < J_FMTS && !l->size[f]; f++)
			;
		if (f == J_FMTS && err->code == NSIMA_EIO) {
			nsima_err_clear(err);	/* nothing committed yet */
			return 0;
		}
		return err->code;
	}
	for (f = 0; f < J_FMTS && !rc; f++) {
		log_path(l, f, path, sizeof(path));
		fd = log_file(dfd, f, cut ? O_WRONLY : O_RDONLY);
		if (fd < 0 && errno == ENOENT && !l->size[f])
			continue;
		if (fd < 0) {
			rc = io_err(err, errno, "open", path);
			break;
		}
		if (fstat(fd, &st) || !S_ISREG(st.st_mode))
			rc = io_err(err, errno ? errno : EINVAL, "stat", path);
		else if (!cut && (uint64_t)st.st_size < l->size[f])
			rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					   0, "%s/%s: %lld bytes, %" PRIu64
					   " committed: the journal is damaged",
					   j->dir, path, (long long)st.st_size,
					   l->size[f]);
		else if (cut && (uint64_t)st.st_size > l->size[f] &&
			 (ftruncate(fd, (off_t)l->size[f]) || fsync(fd)))
			rc = io_err(err, errno, "truncate", path);
		close(fd);
	}
	close(dfd);
	return rc;
}

/*
 * Remove what an interrupted run left: the ns/<nsid>.<first> directories
 * of a lost batch (their first entry is not committed; ended namespaces'
 * directories stay: committed, never written again) and temporary files
 * of an interrupted compaction. Only the journal's own names; links are
 * not followed.
 */
static int remove_uncommitted(struct nsima_journal *j, struct nsima_err *err)
{
	int fd = dup(j->nsfd), sub, f;
	struct dirent *d;
	DIR *dir;

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return io_err(err, errno, "open", "ns");
	}
	rewinddir(dir);
	while ((d = readdir(dir))) {
		uint64_t nsid, first;
		int k = 0;

		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    sscanf(d->d_name, "%" SCNu64 ".%" SCNu64 "%n", &nsid,
			   &first, &k) != 2 || d->d_name[k] ||
		    first < j->next)
			continue;
		sub = openat(j->nsfd, d->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;	/* not a directory: not ours */
		for (f = 0; f < J_FMTS; f++)
			unlinkat(sub, fmt_file[f], 0);
		close(sub);
		unlinkat(j->nsfd, d->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
	dir = fdopendir(dup(j->dirfd));
	if (!dir)
		return io_err(err, errno, "open", j->dir);
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "commits.tmp", 11) ||
		    !strncmp(d->d_name, "start.tmp", 9))
			unlinkat(j->dirfd, d->d_name, 0);
	closedir(dir);
	return 0;
}

static int sync_fd(int fd, const char *name, struct nsima_err *err)
{
	return fsync(fd) ? io_err(err, errno, "fsync", name) : 0;
}

/* Write @len bytes at @off, and nothing after them: the file ends there. */
static int write_at(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	uint64_t end = off + len;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return ftruncate(fd, (off_t)end) ? errno : 0;
}

/* The state as one commit line (and the start line), for compaction. */
static int state_lines(const struct nsima_journal *j, struct nsima_buf *b)
{
	size_t from = 0, i;
	int rc;

	if (!j->started)
		return 0;
	rc = nsima_buf_printf(b, "start %" PRIu64, j->first);
	rc = rc ? rc : seal_line(b, from);
	from = b->len;
	rc = rc ? rc : nsima_buf_printf(b, "commit %" PRIu64, j->next);
	rc = rc ? rc : append_sizes(b, &j->node);
	for (i = 0; !rc && i < j->tab_size; i++)
		if (j->tab[i])
			rc = append_sizes(b, j->tab[i]);
	return rc ? rc : seal_line(b, from);
}

/*
 * Rewrite the commit log as its state (a new file, renamed over it).
 * Whatever happens, cfd ends up on the file the name "commits" has: the
 * old one if the rename did not happen, else the new one.
 */
static void compact(struct nsima_journal *j)
{
	struct nsima_err ignored;
	struct stat a, b;
	struct nsima_buf buf;
	char path[4096];
	int fd;

	nsima_buf_init(&buf);
	if (state_lines(j, &buf)) {
		nsima_buf_free(&buf);
		return;
	}
	snprintf(path, sizeof(path), "%s/commits", j->dir);
	nsima_write_file(path, buf.data, buf.len, &ignored);
	nsima_buf_free(&buf);
	fd = openat(j->dirfd, "commits", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &a) || fstat(j->cfd, &b) || a.st_ino == b.st_ino) {
		close(fd);
	} else {
		close(j->cfd);
		j->cfd = fd;
		j->clen = (uint64_t)lseek(fd, 0, SEEK_END);
	}
	/* again once the log doubled what compaction left */
	j->compact_at = j->clen * 2 > J_COMPACT_BYTES ? j->clen * 2 :
						       J_COMPACT_BYTES;
}

/* Does node/ hold a non-empty log, or ns/ a namespace directory? */
static bool has_logs(struct nsima_journal *j)
{
	struct dirent *d;
	struct stat st;
	bool any = false;
	char path[64];
	DIR *dir;
	int f;

	for (f = 0; f < J_FMTS && !any; f++) {
		snprintf(path, sizeof(path), "node/%s", fmt_file[f]);
		any = !fstatat(j->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) &&
		      st.st_size > 0;
	}
	dir = any ? NULL : fdopendir(dup(j->nsfd));
	if (!dir)
		return any;
	rewinddir(dir);
	while (!any && (d = readdir(dir)))
		any = d->d_name[0] >= '0' && d->d_name[0] <= '9';
	closedir(dir);
	return any;
}

/* Open @name in @dir (made 0700 if missing): a directory, no link. */
static int open_dir_at(int at, const char *name, struct nsima_err *err)
{
	int fd;

	if (mkdirat(at, name, 0700) && errno != EEXIST)
		return io_err(err, errno, "mkdir", name);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return io_err(err, errno, "open", name);
	return fd;
}

/* The journal directory: ours alone (owner, no group/other write). */
static int check_owner(int fd, const char *dir, struct nsima_err *err)
{
	struct stat st;

	if (fstat(fd, &st))
		return io_err(err, errno, "stat", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
				     "%s: owned by uid %u, mode %04o: the journal directory must be its owner's alone",
				     dir, (unsigned int)st.st_uid,
				     (unsigned int)(st.st_mode & 07777));
	return 0;
}

int nsima_journal_open(struct nsima_journal **jp, const char *dir,
		       struct nsima_err *err)
{
	struct nsima_journal *j;
	uint8_t *buf = NULL;
	size_t len = 0, valid = 0, i;
	char path[4096];
	int rc, pass;

	nsima_err_clear(err);
	*jp = NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return nomem(err);
	j->dirfd = j->cfd = j->nsfd = -1;
	j->compact_at = J_COMPACT_BYTES;
	j->dir = strdup(dir);
	if (!j->dir) {
		rc = nomem(err);
		goto fail;
	}
	rc = jlog_init(&j->node, true, 0, 0, err);
	if (rc)
		goto fail;
	j->dirfd = open_dir_at(AT_FDCWD, dir, err);
	if (j->dirfd < 0 || check_owner(j->dirfd, dir, err) ||
	    (nsima_sync_parent(dir) &&	/* the journal's own entry durable */
	     io_err(err, errno, "fsync the parent of", dir))) {
		rc = err->code;
		goto fail;
	}
	/* one writer: a second nsimad (or --once) on it is refused */
	if (flock(j->dirfd, LOCK_EX | LOCK_NB)) {
		rc = nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
				   "%s: %s", dir, errno == EWOULDBLOCK ?
				   "in use by another process (locked)" :
				   strerror(errno));
		goto fail;
	}
	rc = close(open_dir_at(j->dirfd, "node", err));
	j->nsfd = open_dir_at(j->dirfd, "ns", err);
	if (rc || j->nsfd < 0 || sync_fd(j->dirfd, dir, err)) {
		rc = err->code ? err->code : io_err(err, errno, "open", "node");
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/commits", dir);
	if (!faccessat(j->dirfd, "commits", F_OK, AT_SYMLINK_NOFOLLOW)) {
		rc = nsima_read_file(path, NSIMA_INPUT_MAX, &buf, &len, err);
		if (rc)
			goto fail;
	}
	rc = replay_commits(j, (char *)buf, len, &valid, err);
	free(buf);
	if (rc)
		goto fail;
	/* no start, yet logs: not a new journal (a lost commit log) */
	if (!j->started && has_logs(j)) {
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "%s: logs without a commit log that started them: refusing to start over (move the journal aside)",
				   dir);
		goto fail;
	}
	/* check everything, then cut: damage changes nothing */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < j->tab_size; i++)
			if (j->tab[i] &&
			    (rc = check_or_cut(j, j->tab[i], pass, err)))
				goto fail;
		rc = check_or_cut(j, &j->node, pass, err);
		if (rc)
			goto fail;
	}
	rc = remove_uncommitted(j, err);
	if (rc)
		goto fail;
	j->cfd = openat(j->dirfd, "commits",
			O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->cfd < 0 || ftruncate(j->cfd, (off_t)valid) || fsync(j->cfd) ||
	    fsync(j->dirfd)) {	/* "commits" itself durable */
		rc = io_err(err, errno, "open", path);
		goto fail;
	}
	j->clen = valid;
	j->node.exists = true;
	if (valid > J_COMPACT_BYTES)
		compact(j);
	*jp = j;
	return 0;
fail:
	nsima_journal_close(j);
	return rc;
}

void nsima_journal_close(struct nsima_journal *j)
{
	size_t i;

	if (!j)
		return;
	nsima_journal_rollback(j);
	for (i = 0; i < j->tab_size; i++)
		if (j->tab[i])
			jlog_free(j->tab[i]);
	free(j->tab);
	free(j->touched);
	jlog_drop(&j->node);
	if (j->cfd >= 0)
		close(j->cfd);
	if (j->nsfd >= 0)
		close(j->nsfd);
	if (j->dirfd >= 0)
		close(j->dirfd);	/* and its lock */
	free(j->dir);
	free(j);
}

void nsima_journal_info(const struct nsima_journal *j,
			struct nsima_journal_info *info)
{
	size_t i;
	int f;

	memset(info, 0, sizeof(*info));
	info->started = j->started;
	info->first = j->first;
	info->next = j->next;
	info->commits = j->commits;
	info->pending = j->pending;
	info->namespaces = j->count;
	for (f = 0; f < J_FMTS; f++) {
		info->bytes += j->node.size[f];
		for (i = 0; i < j->tab_size; i++)
			if (j->tab[i])
				info->bytes += j->tab[i]->size[f];
	}
}

uint64_t nsima_journal_next(const struct nsima_journal *j)
{
	return j->next;
}

uint64_t nsima_journal_expect(const struct nsima_journal *j)
{
	return j->next + j->pending;
}

/* Append @b to the commit log (at its committed end) and sync it. */
static int commit_line(struct nsima_journal *j, const struct nsima_buf *b,
		       struct nsima_err *err)
{
	int e = write_at(j->cfd, b->data, b->len, j->clen);

	if (!e && fsync(j->cfd))
		e = errno;
	if (e) {
		if (ftruncate(j->cfd, (off_t)j->clen) == 0)
			fsync(j->cfd);
		return io_err(err, e, "write", "commits");
	}
	j->clen += b->len;
	return 0;
}

int nsima_journal_start(struct nsima_journal *j, uint64_t first,
			const char *checkpoint, struct nsima_err *err)
{
	struct nsima_buf b;
	char path[4096];
	int rc;

	nsima_err_clear(err);
	if (j->started)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "the journal has started already");
	nsima_buf_init(&b);
	if (nsima_buf_printf(&b, "first: %" PRIu64 "\n%s", first,
			     checkpoint ? checkpoint : "")) {
		nsima_buf_free(&b);
		return nomem(err);
	}
	snprintf(path, sizeof(path), "%s/start", j->dir);
	rc = nsima_write_file(path, b.data, b.len, err);
	b.len = 0;
	if (!rc && (nsima_buf_printf(&b, "start %" PRIu64, first) ||
		    seal_line(&b, 0)))
		rc = nomem(err);
	if (!rc)
		rc = commit_line(j, &b, err);
	nsima_buf_free(&b);
	if (rc)
		return rc;
	j->started = true;
	j->first = j->next = first;
	return 0;
}

static int touch(struct nsima_journal *j, struct jlog *l)
{
	if (l->touched)
		return 0;
	if (j->ntouched == j->touched_cap) {
		size_t cap = j->touched_cap ? j->touched_cap * 2 : 16;
		struct jlog **t = realloc(j->touched, cap * sizeof(*t));

		if (!t)
			return -1;
		j->touched = t;
		j->touched_cap = cap;
	}
	j->touched[j->ntouched++] = l;
	l->touched = true;
	return 0;
}

static int add_to(struct nsima_journal *j, struct jlog *l,
		  const struct nsima_entry *e, uint64_t index,
		  struct nsima_err *err)
{
	int f, rc;

	if (touch(j, l))
		return nomem(err);
	for (f = 0; f < J_FMTS; f++) {
		rc = nsima_log_writer_entry(&l->w[f], e, index, &l->pend[f],
					    err);
		if (rc)
			return rc;
	}
	return 0;
}

int nsima_journal_add(struct nsima_journal *j, const struct nsima_entry *e,
		      uint64_t index, struct nsima_err *err)
{
	struct nsima_nsref ref;
	struct nsima_err ignored;
	struct jlog *l;
	int rc;

	nsima_err_clear(err);
	if (!j->started || index != j->next + j->pending)
		return nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_ENTRY, index,
				     "entry %" PRIu64 " does not follow %" PRIu64,
				     index, j->next + j->pending);
	rc = add_to(j, &j->node, e, index, err);
	/* a name that is no namespace's stays in the node's logs only */
	if (!rc && !nsima_entry_ns(e, &ref, &ignored) && !ref.host) {
		l = ns_find(j, ref.nsid);
		if (!l) {
			l = ns_get(j, ref.nsid, index, err);
			if (l)
				l->created = true;
		}
		rc = l ? add_to(j, l, e, index, err) : err->code;
		if (!rc && nsima_entry_is_ns_end(e)) {
			/* its id's next entry starts another namespace */
			l->ended = true;
			ns_remove(j, l);
		}
	}
	if (rc) {
		nsima_journal_rollback(j);
		return rc;
	}
	j->pending++;
	return 0;
}

/*
 * Drop the batch: namespaces it made go, those it ended live again. Each
 * namespace is in the touched list once.
 */
void nsima_journal_rollback(struct nsima_journal *j)
{
	size_t i;
	int f;

	/* backwards: a namespace its id's ended one was replaced by goes
	 * before that one comes back */
	for (i = j->ntouched; i-- > 0;) {
		struct jlog *l = j->touched[i];

		if (l->created) {
			if (!l->ended)
				ns_remove(j, l);
			jlog_free(l);
			continue;
		}
		jlog_drop(l);
		for (f = 0; f < J_FMTS; f++)
			l->w[f].count = 0;
		if (l->ended) {
			l->ended = false;
			if (ns_insert(j, l))	/* no memory: it stays out */
				jlog_free(l);
		}
	}
	j->ntouched = 0;
	j->pending = 0;
}

/*
 * Write and sync @l's batch, each file at its committed end (whatever an
 * earlier failed batch left after it is overwritten or cut).
 */
static int flush_log(struct nsima_journal *j, struct jlog *l,
		     struct nsima_err *err)
{
	bool created = false;
	char path[64];
	int f, fd, e, dfd;

	dfd = log_dir(j, l, !l->exists, err);
	if (dfd < 0)
		return err->code;
	for (f = 0; f < J_FMTS; f++) {
		if (!l->pend[f].len)
			continue;
		log_path(l, f, path, sizeof(path));
		fd = log_file(dfd, f, O_WRONLY | O_CREAT);
		if (fd < 0) {
			e = errno;
			close(dfd);
			return io_err(err, e, "open", path);
		}
		created |= !l->size[f];
		e = write_at(fd, l->pend[f].data, l->pend[f].len, l->size[f]);
		if (!e && fsync(fd))
			e = errno;
		close(fd);
		if (e) {
			close(dfd);
			return io_err(err, e, "write", path);
		}
	}
	e = created && fsync(dfd) ? errno : 0;
	close(dfd);
	return e ? io_err(err, e, "fsync", l->host ? "node" : "ns") : 0;
}

int nsima_journal_commit(struct nsima_journal *j, struct nsima_err *err)
{
	struct nsima_buf b;
	bool new_dir = false;
	size_t i;
	int rc = 0, f;

	nsima_err_clear(err);
	if (!j->pending)
		return 0;
	for (i = 0; !rc && i < j->ntouched; i++) {
		new_dir |= !j->touched[i]->exists;
		rc = flush_log(j, j->touched[i], err);
	}
	if (!rc && new_dir)
		rc = sync_fd(j->nsfd, "ns", err);
	nsima_buf_init(&b);
	if (!rc && nsima_buf_printf(&b, "commit %" PRIu64,
				    j->next + j->pending))
		rc = nomem(err);
	for (i = 0; !rc && i < j->ntouched; i++) {
		struct jlog *l = j->touched[i];
		uint64_t old[J_FMTS];

		memcpy(old, l->size, sizeof(old));
		for (f = 0; f < J_FMTS; f++)
			l->size[f] += l->pend[f].len;
		if (append_sizes(&b, l))
			rc = nomem(err);
		memcpy(l->size, old, sizeof(old));
	}
	if (!rc && seal_line(&b, 0))
		rc = nomem(err);
	if (!rc)
		rc = commit_line(j, &b, err);
	nsima_buf_free(&b);
	if (rc) {
		/* nothing of the batch stays: the caller re-reads it (the
		 * next batch is written at the committed ends anyway) */
		struct nsima_err ignored;

		for (i = 0; i < j->ntouched; i++)
			check_or_cut(j, j->touched[i], true, &ignored);
		nsima_journal_rollback(j);
		return rc;
	}
	for (i = 0; i < j->ntouched; i++) {
		struct jlog *l = j->touched[i];

		for (f = 0; f < J_FMTS; f++) {
			l->size[f] += l->pend[f].len;
			l->w[f].count = 0;
		}
		l->exists = true;
		l->created = false;
		jlog_drop(l);
		if (l->ended)	/* committed, never written again */
			jlog_free(l);
	}
	j->ntouched = 0;
	j->next += j->pending;
	j->pending = 0;
	j->commits++;
	if (j->clen > j->compact_at)
		compact(j);	/* the commit is durable whatever this does */
	return 0;
}
