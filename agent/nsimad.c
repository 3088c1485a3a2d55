// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad: the node agent. This part follows the kernel list and keeps the
 * node's and every namespace's logs on disk (lib/journal.c), so that the
 * kernel list can be trimmed without losing an entry:
 *
 *   loop: read the new records of securityfs binary_runtime_measurements
 *         (the open file resumes where it stopped: O(new entries)); add
 *         each to the journal with its whole-list index; at the end of
 *         what the kernel has (or every --batch entries) commit (fsync);
 *         then trim the kernel list "to" the committed index.
 *
 * The kernel list is trimmed only up to what is committed, so a kill -9
 * at any instant loses nothing: on restart the journal is cut back to its
 * last commit and the rest is read again from the kernel. A commit that
 * fails (disk full) is undone, logged, and retried; nothing is trimmed
 * meanwhile. Entries trimmed by someone else before nsimad persisted them
 * are a loss nsimad cannot repair: it stops with exit status 3.
 *
 * Exit status: 0 stopped by SIGTERM/SIGINT (after a last commit) or
 * --once done; 1 error (journal, securityfs); 2 usage; 3 entries lost.
 * docs/nsimad.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <nsima/abi.h>
#include <dirent.h>
#include <jansson.h>

#include "conf.h"
#include "fileio.h"
#include "hex.h"
#include "http.h"
#include "label.h"
#include "journal.h"
#include "metrics.h"
#include "log.h"
#include "log_format.h"
#include "evreq.h"
#include "evidence.h"
#include "access.h"
#include "bundle.h"
#include "progs.h"
#include "../attest/cmds.h"

#define READ_CHUNK	(1 << 20)

static volatile sig_atomic_t stop, reload;
static bool draining;	/* after SIGTERM: one last read to the list's end */

static struct {
	const char *dir;
	const char *sfs;
	unsigned int interval_ms;
	unsigned long batch;
	const char *listen;
	const char *ak_dir, *ak_alg, *tcti;
	const char *tls_cert, *tls_key, *client_ca;
	const char *policy;
	unsigned int rate;	/* TPM requests a second per client, 0: any */
	bool once, trim, verbose;
} opt = {
	.dir = "/var/lib/nsima",
	.sfs = "/sys/kernel/security/nsima",
	.interval_ms = 200,
	.batch = 4096,
	.rate = 5,
	.trim = true,
};

static char jdir[4096];	/* the journal: opt.dir/<instance id> */
static struct nsimad_tpm *tpm;	/* --ak-dir: evidence's TPM and AK */

#define say attest_msg

/* What this run did (reported at exit and in /metrics). */
static struct {
	uint64_t entries, commits, commit_errors, trims, trim_errors;
	uint64_t policy_loads, policy_errors;
} st;

/*
 * What /metrics shows, under mlock (the HTTP thread reads it): the
 * counts as of the last commit or trim, and the events of committed
 * entries. The batch's events are counted apart (the main thread's
 * only) and merged when it commits, dropped when it does not.
 */
static pthread_mutex_t mlock = PTHREAD_MUTEX_INITIALIZER;
static struct nsima_agent_counts shown;
static uint64_t rate_limited;	/* TPM requests refused by --rate */
static struct nsima_metrics *events, *batch_events;
static uint64_t journal_first;	/* whole-list index of its first entry */
static pthread_cond_t committed;	/* CLOCK_MONOTONIC: run() sets it up */
#define EVENT_SERIES_MAX 4096

static void publish(struct nsima_journal *j)
{
	struct nsima_journal_info info;

	nsima_journal_info(j, &info);
	pthread_mutex_lock(&mlock);
	shown.entries = st.entries;
	shown.commits = st.commits;
	shown.commit_errors = st.commit_errors;
	shown.trims = st.trims;
	shown.trim_errors = st.trim_errors;
	shown.policy_loads = st.policy_loads;
	shown.policy_errors = st.policy_errors;
	shown.journal_next = info.next;
	shown.journal_bytes = info.bytes;
	shown.journal_namespaces = info.namespaces;
	journal_first = info.first;
	if (batch_events)
		nsima_metrics_merge(events, batch_events);
	pthread_cond_broadcast(&committed);	/* evidence waits for it */
	pthread_mutex_unlock(&mlock);
}

/* A failed batch's events: never shown (it is read again). */
static void drop_batch_events(void)
{
	struct nsima_metrics *fresh = nsima_metrics_new(EVENT_SERIES_MAX);

	if (!fresh)
		return;	/* keep the old one: over-counting beats a crash */
	nsima_metrics_free(batch_events);
	batch_events = fresh;
}

/* One line on stderr (nsimad's log); also how attest/tpm.c reports. */
void attest_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	/* one write: lines of nsimads sharing a log (one starting while
	 * another stops) must not interleave (it happened, three writes a
	 * line: "nsimad: nsimad: following ...") */
	memcpy(line, "nsimad: ", 8);
	va_start(ap, fmt);
	n = vsnprintf(line + 8, sizeof(line) - 9, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n = 8 + (n < (int)sizeof(line) - 9 ? n : (int)sizeof(line) - 10);
	line[n++] = '\n';
	fflush(stderr);
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;	/* nowhere to say it */
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (!stop && !reload && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The agent's own start and stop, measured (securityfs agent: entries in
 * the list, persisted like any other). The file stays open from the
 * start until nsimad exits: closed without a stop (kill -9, a crash),
 * the module logs the agent's death itself. 0, or -1 (said).
 */
static int agent_fd = -1;

static int agent_event(const char *state)
{
	char path[4096];
	size_t n = strlen(state);
	unsigned int i;
	int err = EBUSY;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", opt.sfs, NSIMA_AGENT_FILE);
	/* EBUSY: another nsimad, or the last one's death not yet logged
	 * (the module frees the file once it is): 5 s for that */
	for (i = 0; agent_fd < 0 && i < 50 && !stop; i++) {
		struct timespec ts = { 0, 100000000L };

		agent_fd = open(path, O_WRONLY | O_CLOEXEC);
		err = errno;
		if (agent_fd >= 0 || err != EBUSY)
			break;
		nanosleep(&ts, NULL);	/* a SIGHUP does not cut it short */
	}
	if (agent_fd < 0) {
		say("cannot measure the agent's %s: %s: %s%s", state, path,
		    strerror(err), err == EBUSY ?
		    " (another nsimad runs on this node)" : "");
		return -1;
	}
	w = write(agent_fd, state, n);
	if (w != (ssize_t)n) {
		say("cannot measure the agent's %s: %s", state,
		    w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/*
 * --policy: the programs attached with the policy in that file. Pinned
 * already with that very policy and this build's BPF object (pm_info),
 * and no load left unfinished: nothing to do; else a new set is loaded
 * (measured) and replaces the pinned one, if any. A policy that does not
 * parse or a load that fails is said and counted; a known set in force
 * stays (the list names it). @at_start, with no such set (nothing, or a
 * set a dead loader left, which the list then calls unknown): the exit
 * code, 2 (the file does not parse) or 1; else 0.
 */
static int apply_policy(bool at_start)
{
	struct nsima_pmaps m = { 0 };
	struct nsima_policy p = { 0 };
	struct nsima_pm_info info;
	uint8_t programs[32];
	bool loaded = false;	/* nsima_progs_load said what is in force */
	char hex[65];
	int rc, pinned;

	pinned = nsima_progs_pinned(&info, attest_msg);
	rc = nsima_progs_read_policy(opt.policy, &p, &m, attest_msg);
	if (rc) {
		rc = rc == 3 ? 2 : 1;
		goto out;
	}
	nsima_hex_encode(p.digest, sizeof(p.digest), hex);
	if (pinned < 0 || nsima_progs_digest(programs, attest_msg)) {
		rc = 1;
	} else if (pinned == 1 && info.statements == p.nstmts &&
		   !memcmp(info.digest, p.digest, sizeof(p.digest)) &&
		   !memcmp(info.programs, programs, sizeof(programs))) {
		say("policy %s (sha256:%s, %zu statements) in force already",
		    opt.policy, hex, p.nstmts);
	} else {
		loaded = true;
		if (nsima_progs_load(opt.sfs, &p, &m, true, 0, attest_msg)) {
			rc = 1;
		} else {
			say("policy %s (sha256:%s, %zu statements) %s",
			    opt.policy, hex, p.nstmts,
			    pinned == 2 ? "loaded again (a load had not finished)" :
			    pinned ? "replaces the programs in force" :
				     "loaded, programs attached");
			st.policy_loads++;
		}
	}
out:
	if (rc) {
		st.policy_errors++;
		/* a set the list names is in force (another policy's):
		 * nsimad goes on with it */
		pinned = nsima_progs_pinned(&info, attest_msg);
		if (pinned == 1) {
			say("the programs in force stay");
			rc = 0;
		} else if (pinned == 2 && !loaded &&
			   nsima_progs_unknown(opt.sfs, attest_msg)) {
			/* a set a dead loader left, and no load to replace
			 * it: the list must not name the last one measured */
			say("the list names a policy that is not in force");
		}
		if (!at_start)
			rc = 0;
	}
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
	return rc;
}

/* A small securityfs file into @buf (NUL-terminated). */
static int read_small(const char *name, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", opt.sfs, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	return 0;
}

/* A "key: N" line of status. */
/* The "key: N" line of a status text @status: 0, or -EPROTO. */
static int status_key(const char *status, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(status, pat);
	if (!p || sscanf(p + strlen(pat), "%" SCNu64, v) != 1)
		return -EPROTO;
	return 0;
}

/* The "key: N" line of status, read now. */
static int status_u64(const char *key, uint64_t *v)
{
	char buf[4096];
	int rc = read_small("status", buf, sizeof(buf));

	return rc ? rc : status_key(buf, key, v);
}

/* status "trimmed: N": the whole-list index of the list's first entry. */
static int trimmed(uint64_t *t)
{
	return status_u64("trimmed", t);
}

/* trimmed + entries of one read of status: the kernel list's end. */
static int status_end(const char *status, uint64_t *end)
{
	uint64_t t, n;

	if (status_key(status, "trimmed", &t) ||
	    status_key(status, "entries", &n))
		return -EPROTO;
	*end = t + n;
	return 0;
}

static int kernel_end(uint64_t *end)
{
	char buf[4096];
	int rc = read_small("status", buf, sizeof(buf));

	return rc ? rc : status_end(buf, end);
}

/*
 * Which list this is: a list's indexes start again at 0 after a reboot
 * or a reload of the module, and a journal holds one list. The boot's id,
 * the PCR values the module found at its load (status pcr_at_load_<bank>)
 * and the module's random load_id, hashed: 16 hex digits, the journal's
 * directory name.
 */
static int instance_id(char out[17])
{
	char boot[64], status[4096], *p, *nl;
	unsigned char md[32];
	EVP_MD_CTX *ctx;
	int fd, rc;
	ssize_t n;

	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, boot, sizeof(boot) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		say("/proc/sys/kernel/random/boot_id: %s",
		    n < 0 ? strerror(errno) : "empty");
		return -1;
	}
	rc = read_small("status", status, sizeof(status));
	if (rc) {
		say("%s/status: %s (is nsima.ko loaded?)", opt.sfs,
		    strerror(-rc));
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, boot, (size_t)n)) {
		EVP_MD_CTX_free(ctx);
		say("sha256: no memory");
		return -1;
	}
	for (p = status; (p = strstr(p, "pcr_at_load_")); p = nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		EVP_DigestUpdate(ctx, p, (size_t)(nl - p));
	}
	p = strstr(status, "\nload_id: ");
	if (!p) {
		EVP_MD_CTX_free(ctx);
		say("%s/status: no load_id (a module older than this nsimad)",
		    opt.sfs);
		return -1;
	}
	nl = strchr(p + 1, '\n');
	EVP_DigestUpdate(ctx, p + 1, nl ? (size_t)(nl - p - 1) : strlen(p + 1));
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	nsima_hex_encode(md, 8, out);
	return 0;
}

static int trim_to(uint64_t index)
{
	char path[512], cmd[40];
	int fd, len, rc = 0;

	snprintf(path, sizeof(path), "%s/trim", opt.sfs);
	len = snprintf(cmd, sizeof(cmd), "to %" PRIu64, index);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, (size_t)len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

/* The kernel list being followed. */
struct follow {
	int fd;
	uint64_t index;		/* whole-list index of the next record */
	uint8_t *buf;
	size_t have;
};

static void follow_close(struct follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->have = 0;
}

/*
 * (Re)open the list. Opened first, then "trimmed" read: a trim in
 * between makes the first read fail with ESTALE, and we come back here.
 */
static int follow_open(struct follow *f, uint64_t next)
{
	char path[512];
	int rc;

	follow_close(f);
	snprintf(path, sizeof(path), "%s/binary_runtime_measurements",
		 opt.sfs);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		rc = -errno;
		say("%s: %s (is nsima.ko loaded?)", path, strerror(-rc));
		return 1;
	}
	rc = trimmed(&f->index);
	if (rc) {
		say("%s/status: %s", opt.sfs, strerror(-rc));
		return 1;
	}
	if (f->index > next) {
		say("entries %" PRIu64 "..%" PRIu64 " were trimmed from the kernel list before nsimad persisted them: they are lost to the logs in %s (move it aside to start a new journal)",
		    next, f->index - 1, jdir);
		return 3;
	}
	return 0;
}

struct walk_ctx {
	struct nsima_journal *j;
	uint64_t added;
	bool failed;		/* a commit failed: stop, reopen later */
};

static int commit_and_trim(struct nsima_journal *j);

static int add_one(const struct nsima_entry *e, uint64_t index, void *ctx,
		   struct nsima_err *err)
{
	struct walk_ctx *c = ctx;
	int rc;

	if (index < nsima_journal_expect(c->j))
		return 0;	/* persisted before: read again after a reopen */
	rc = nsima_journal_add(c->j, e, index, err);
	if (!rc && batch_events)
		nsima_metrics_entry(batch_events, e);
	if (rc || ++c->added < opt.batch)
		return rc;
	c->added = 0;		/* every --batch entries, even mid-read */
	if (commit_and_trim(c->j)) {
		c->failed = true;
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
				     "commit failed");
	}
	return 0;
}

/* Trim the kernel list up to what the journal holds. */
static void trim_committed(struct nsima_journal *j)
{
	int rc;

	if (!opt.trim)
		return;
	rc = trim_to(nsima_journal_next(j));
	if (rc) {
		st.trim_errors++;
		say("trim to %" PRIu64 ": %s", nsima_journal_next(j),
		    strerror(-rc));
	} else {
		st.trims++;
	}
}

/* Commit, then trim what is committed. 0, or 1 when the commit failed. */
static bool last_commit_failed;	/* and no commit since */

static uint64_t last_commit_ms;	/* CLOCK_MONOTONIC, of the last commit */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int commit_and_trim(struct nsima_journal *j)
{
	struct nsima_journal_info info;
	struct nsima_err err;

	nsima_journal_info(j, &info);
	if (!info.pending) {
		last_commit_ms = now_ms();
		return 0;
	}
	last_commit_failed = true;
	if (nsima_journal_commit(j, &err)) {
		st.commit_errors++;
		drop_batch_events();
		publish(j);
		say("commit of %" PRIu64 " entries to %s failed: %s (nothing trimmed%s)",
		    info.pending, jdir, err.msg, opt.once ? "" : "; retrying");
		return 1;
	}
	last_commit_failed = false;
	st.commits++;
	st.entries += info.pending;
	if (opt.verbose)
		say("committed %" PRIu64 " entries, next %" PRIu64,
		    info.pending, nsima_journal_next(j));
	trim_committed(j);
	publish(j);
	/* after the commit: one slower than the interval is no reason to
	 * commit again at once */
	last_commit_ms = now_ms();
	return 0;
}

/*
 * Read what the kernel has now and persist it. 0: at the end of the list;
 * 1 error; -1: reopen (ESTALE after a trim); -2: reopen after a failed
 * commit (the batch was undone: read again from the journal's next).
 */
static int follow_step(struct follow *f, struct nsima_journal *j)
{
	struct walk_ctx c = { .j = j };
	struct nsima_err err;
	size_t whole, count;
	ssize_t n;
	int rc;

	for (;;) {
		if (stop && !draining)
			break;
		n = read(f->fd, f->buf + f->have, READ_CHUNK - f->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ESTALE)	/* trimmed: keep what we read */
			return commit_and_trim(j) ? -2 : -1;
		if (n < 0) {
			say("read %s/binary_runtime_measurements: %s", opt.sfs,
			    strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		f->have += (size_t)n;
		rc = nsima_binary_whole(f->buf, f->have, NSIMA_BANK_SHA1,
					&whole, &count, &err);
		if (!rc)
			rc = nsima_log_walk(f->buf, whole, NSIMA_FORMAT_BINARY,
					    NSIMA_BANK_SHA1, f->index, true,
					    add_one, &c, &err);
		if (c.failed)
			return -2;
		if (rc) {
			say("the kernel list at entry %" PRIu64 ": %s",
			    f->index, err.msg);
			return 1;
		}
		f->index += count;
		memmove(f->buf, f->buf + whole, f->have - whole);
		f->have -= whole;
		/* a list that never runs dry (a steady stream of entries)
		 * still commits every --interval: what was appended is on
		 * disk within about an interval, not a --batch, later */
		if (!draining && now_ms() - last_commit_ms >= opt.interval_ms) {
			c.added = 0;
			if (commit_and_trim(j))
				return -2;
		}
		if (f->have == READ_CHUNK) {
			say("a record of the kernel list is larger than %d bytes",
			    READ_CHUNK);
			return 1;
		}
	}
	return commit_and_trim(j) ? -2 : 0;
}

static int start_journal(struct nsima_journal *j)
{
	struct nsima_journal_info info;
	struct nsima_err err;
	char ckpt[4096];
	uint64_t t;
	int rc;

	nsima_journal_info(j, &info);
	if (info.started)
		return 0;
	/* the index and the PCR values of one checkpoint, read at once */
	rc = read_small("checkpoint", ckpt, sizeof(ckpt));
	if (rc) {
		say("%s/checkpoint: %s (is nsima.ko loaded?)", opt.sfs,
		    strerror(-rc));
		return 1;
	}
	if (sscanf(ckpt, "entries: %" SCNu64, &t) != 1) {
		say("%s/checkpoint: no \"entries: N\" line", opt.sfs);
		return 1;
	}
	if (nsima_journal_start(j, t, ckpt, &err)) {
		say("%s: %s", jdir, err.msg);
		return 1;
	}
	say("new journal in %s from entry %" PRIu64, jdir, t);
	return 0;
}

/*
 * The journal of this list: opt.dir/<instance id>; opt.dir/current links
 * to it (for operators; nsimad does not read it).
 */
static int open_journal(struct nsima_journal **j)
{
	char id[17], tmp[4200], cur[4200];
	struct nsima_err err;
	struct stat sb;

	if (instance_id(id))
		return 1;
	if (mkdir(opt.dir, 0700)) {
		if (errno != EEXIST) {
			say("mkdir %s: %s", opt.dir, strerror(errno));
			return 1;
		}
	} else if (nsima_sync_parent(opt.dir)) {
		say("fsync the parent of %s: %s", opt.dir, strerror(errno));
		return 1;
	}
	/* where the journals and "current" are made: ours alone */
	if (lstat(opt.dir, &sb) || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 022)) {
		say("%s: must be a directory of uid %u with no group or other write permission",
		    opt.dir, (unsigned int)geteuid());
		return 1;
	}
	snprintf(jdir, sizeof(jdir), "%s/%s", opt.dir, id);
	if (nsima_journal_open(j, jdir, &err)) {
		say("journal %s: %s", jdir, err.msg);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s/.current.%d", opt.dir, (int)getpid());
	snprintf(cur, sizeof(cur), "%s/current", opt.dir);
	unlink(tmp);
	if (symlink(id, tmp) || rename(tmp, cur)) {
		say("%s: %s", cur, strerror(errno));
		unlink(tmp);
	}
	return 0;	/* "current" is for operators: not fsynced on purpose */
}

/*
 * The kernel list against the journal: it cannot have fewer entries
 * than the journal holds (another list, though the same instance id: a
 * module without a TPM reloaded); what the journal holds and the kernel
 * still has is trimmed now (nsimad stopped between a commit and its trim).
 */
static int check_list(struct nsima_journal *j)
{
	uint64_t end, next = nsima_journal_next(j);
	int rc = kernel_end(&end);

	if (rc) {
		say("%s/status: %s", opt.sfs, strerror(-rc));
		return 1;
	}
	if (end < next) {
		say("the kernel list has %" PRIu64 " entries, the journal in %s %" PRIu64
		    ": it is another list's (move the journal aside)",
		    end, jdir, next);
		return 3;
	}
	trim_committed(j);	/* a no-op unless stopped before a trim */
	return 0;
}

/* The pinned kfunc_errors map (bpf(2): no libbpf needed): 0 or -1. */
static int read_kfunc_errors(uint64_t v[NSIMA_PROG_MAX])
{
	union bpf_attr a;
	__u32 k;
	int fd, rc = 0;

	memset(&a, 0, sizeof(a));
	a.pathname = (__u64)(unsigned long)(NSIMA_BPFFS_DIR "/"
					    NSIMA_KFUNC_ERRORS_MAP);
	fd = (int)syscall(__NR_bpf, BPF_OBJ_GET, &a, sizeof(a));
	if (fd < 0)
		return -1;
	for (k = 0; k < NSIMA_PROG_MAX && !rc; k++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (__u32)fd;
		a.key = (__u64)(unsigned long)&k;
		a.value = (__u64)(unsigned long)&v[k];
		rc = syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)) ?
			     -1 : 0;
	}
	close(fd);
	return rc;
}

/* /metrics (the HTTP thread). */
/* ------------------------------------------------------------------ */
/* Who may see what (HTTPS with client certificates: lib/access.c) */

static struct nsima_access access_rules;

/*
 * @client's rule into *@r (NULL: no client authentication, all is open);
 * 0, or 403 with @why.
 */
static unsigned int client_rule(const char *client,
				const struct nsima_access_rule **r, char *why,
				size_t why_len)
{
	*r = NULL;
	if (!client)
		return 0;
	*r = nsima_access_find(&access_rules, client);
	if (*r)
		return 0;
	snprintf(why, why_len, "no client rule for this certificate");
	return 403;
}

/* The whole node's data (/metrics, /v1/containers, the whole list). */
static unsigned int node_only(const char *client, char *why, size_t why_len)
{
	const struct nsima_access_rule *r;
	unsigned int hs = client_rule(client, &r, why, why_len);

	if (hs || !r || r->node)
		return hs;
	snprintf(why, why_len, "this client may see its namespaces' views only");
	return 403;
}

static unsigned int render_metrics(void *ctx, const char *client,
				   const char *query, struct nsima_buf *out,
				   char *why, size_t why_len)
{
	uint64_t kerr[NSIMA_PROG_MAX], end = 0, quotes = 0, quote_wait_ms = 0;
	bool have_status, have_kerr, have_end;
	struct nsima_agent_counts a;
	char status[4096];
	unsigned int hs;
	int rc;

	(void)ctx;
	(void)query;
	hs = node_only(client, why, why_len);
	if (hs)
		return hs;
	have_status = !read_small("status", status, sizeof(status));
	have_kerr = !read_kfunc_errors(kerr);
	/* the list's end from this one read of status */
	have_end = have_status && !status_end(status, &end);
	if (tpm)	/* atomics: never waits for a quote */
		nsimad_tpm_stats(tpm, &quotes, &quote_wait_ms);
	pthread_mutex_lock(&mlock);
	a = shown;
	a.quotes = quotes;
	a.quote_wait_ms = quote_wait_ms;
	a.rate_limited = rate_limited;
	if (have_end) {
		a.have_kernel = true;
		a.kernel_total = end;
	}
	rc = nsima_metrics_render(events, &a, have_status ? status : NULL,
				  have_kerr ? kerr : NULL, out);
	pthread_mutex_unlock(&mlock);
	return rc ? 500 : 200;
}

/*
 * Each live namespace record of the module (securityfs ns/<nsid>/info)
 * with its container label (lib/label.c: the cgroup path and the
 * runtimes' state; "unknown" when none says). The node's word, as
 * docs/labels.md says: no verifier trusts it. @fn: 0 to go on, else
 * stop with that.
 */
typedef int (*ns_fn)(const struct nsima_ns_info *info,
		     const struct nsima_label *label, void *ctx);

static int for_each_ns(ns_fn fn, void *ctx)
{
	struct dirent *d;
	char path[512];
	DIR *dir;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/ns", opt.sfs);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (!rc && (d = readdir(dir))) {
		struct nsima_ns_info info;
		struct nsima_label label;
		uint8_t *buf = NULL;
		size_t len;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/ns/%s/info", opt.sfs,
			 d->d_name);
		if (nsima_read_file(path, NSIMA_SMALL_FILE_MAX, &buf, &len,
				    NULL))
			continue;	/* ended meanwhile */
		if (nsima_ns_info_parse((const char *)buf, len, &info, NULL)) {
			free(buf);
			continue;
		}
		free(buf);
		if (nsima_label_namespace(&info, "/sys/fs/cgroup",
					  nsima_label_state_roots, &label,
					  NULL))
			memset(&label, 0, sizeof(label));	/* unknown */
		rc = fn(&info, &label, ctx);
	}
	closedir(dir);
	return rc;
}

static int container_json(const struct nsima_ns_info *info,
			  const struct nsima_label *label, void *ctx)
{
	json_t *list = ctx, *o = json_object(), *l = nsima_label_json(label);

	if (!o || !l || json_array_append_new(list, o)) {
		json_decref(o);
		json_decref(l);
		return -1;
	}
	json_object_set_new(o, "nsid", json_integer((json_int_t)info->nsid));
	json_object_set_new(o, "cgroup_id",
			    json_integer((json_int_t)info->cgroup_id));
	json_object_set_new(o, "creator_pid", json_integer(info->creator_pid));
	json_object_set_new(o, "creator_comm",
			    json_string(info->creator_comm));
	if (info->have & NSIMA_INFO_ENTRIES_TOTAL)
		json_object_set_new(o, "entries_total",
				    json_integer(info->entries_total));
	if (info->have & NSIMA_INFO_VIOLATIONS)
		json_object_set_new(o, "violations",
				    json_integer(info->violations));
	json_object_set_new(o, "label", l);
	return 0;
}

/* @j (taken) as the answer: one compact line, sorted keys; 200 or 500. */
static unsigned int json_answer(json_t *j, struct nsima_buf *out)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = !text || nsima_buf_append(out, text, strlen(text)) ||
		 nsima_buf_append(out, "\n", 1);

	free(text);
	json_decref(j);
	return rc ? 500 : 200;
}

/* /v1/containers (the HTTP thread): every namespace, as for_each_ns(). */
static unsigned int render_containers(void *ctx, const char *client,
				      const char *query, struct nsima_buf *out,
				      char *why, size_t why_len)
{
	json_t *list;
	unsigned int hs;

	(void)ctx;
	(void)query;
	hs = node_only(client, why, why_len);
	if (hs)
		return hs;
	list = json_array();
	if (list && for_each_ns(container_json, list)) {
		json_decref(list);
		list = NULL;
	}
	return json_answer(list, out);
}

/* ------------------------------------------------------------------ */
/* Evidence: GET /v1/ak, GET /v1/evidence (docs/nsimad.md "Evidence") */

static unsigned int evidence_waiting;	/* under mlock */
#define EVIDENCE_WAITING_MAX	4
#define EVIDENCE_WAIT_S		10
/*
 * A client (its certificate's CN) holds at most half the slots: one
 * tenant polling hard cannot keep the others' evidence out. Without
 * client certificates there is one client, everybody.
 */
#define EVIDENCE_PER_CLIENT_MAX	(EVIDENCE_WAITING_MAX / 2)
static struct {
	char cn[NSIMA_ACCESS_CN_MAX + 1];
	unsigned int n;
} evidence_holders[EVIDENCE_WAITING_MAX];	/* under mlock */

/*
 * Take a slot for @client (NULL: no client certificates): 0, or the
 * status that refuses (503 all slots taken, 429 this client's share).
 */
static unsigned int evidence_slot_take(const char *client)
{
	unsigned int i, free_row = EVIDENCE_WAITING_MAX;

	if (evidence_waiting >= EVIDENCE_WAITING_MAX)
		return 503;
	for (i = 0; client && i < EVIDENCE_WAITING_MAX; i++) {
		if (evidence_holders[i].n &&
		    !strcmp(evidence_holders[i].cn, client))
			break;
		if (!evidence_holders[i].n && free_row == EVIDENCE_WAITING_MAX)
			free_row = i;
	}
	if (client && i < EVIDENCE_WAITING_MAX) {
		if (evidence_holders[i].n >= EVIDENCE_PER_CLIENT_MAX)
			return 429;
		evidence_holders[i].n++;
	} else if (client) {	/* a free row: fewer holders than slots */
		snprintf(evidence_holders[free_row].cn,
			 sizeof(evidence_holders[free_row].cn), "%s", client);
		evidence_holders[free_row].n = 1;
	}
	evidence_waiting++;
	return 0;
}

static void evidence_slot_give(const char *client)
{
	unsigned int i;

	for (i = 0; client && i < EVIDENCE_WAITING_MAX; i++)
		if (evidence_holders[i].n &&
		    !strcmp(evidence_holders[i].cn, client)) {
			evidence_holders[i].n--;
			break;
		}
	evidence_waiting--;
}

/*
 * --rate: each client (its certificate's CN; without client certificates
 * everybody is one client) may make opt.rate requests that use the TPM
 * (evidence, activation) a second, in bursts of RATE_BURST times that: a
 * token bucket per client, in thousandths of a request. A client that
 * gets this far has a rule, and the rules are fixed at start: one row
 * each (plus everybody's), never evicted, so no client can reset its own
 * bucket by crowding others out.
 */
#define RATE_BURST	4
#define RATE_ROWS	(NSIMA_ACCESS_RULES_MAX + 1)
static struct {
	char cn[NSIMA_ACCESS_CN_MAX + 1];
	uint64_t milli, at_ms;
} rate_rows[RATE_ROWS];		/* under mlock */
static unsigned int rate_used;	/* under mlock: rows in use */

/* One TPM request of @client (NULL: no client certificates) at @now_ms:
 * true if within --rate (a token taken), false if over it (or, which
 * cannot happen, more clients than rules). */
static bool rate_take(const char *client, uint64_t now_ms)
{
	const char *key = client ? client : "";
	uint64_t cap = (uint64_t)opt.rate * RATE_BURST * 1000, add;
	unsigned int i;

	if (!opt.rate)
		return true;
	for (i = 0; i < rate_used; i++)
		if (!strcmp(rate_rows[i].cn, key))
			break;
	if (i == rate_used) {
		if (rate_used == RATE_ROWS) {
			rate_limited++;
			return false;
		}
		snprintf(rate_rows[i].cn, sizeof(rate_rows[i].cn), "%s", key);
		rate_rows[i].milli = cap;
		rate_rows[i].at_ms = now_ms;
		rate_used++;
	}
	/* ms elapsed x requests/s = thousandths of a request */
	add = (now_ms - rate_rows[i].at_ms) * opt.rate;
	rate_rows[i].milli = add >= cap - rate_rows[i].milli ? cap :
			     rate_rows[i].milli + add;
	rate_rows[i].at_ms = now_ms;
	if (rate_rows[i].milli < 1000) {
		rate_limited++;
		return false;
	}
	rate_rows[i].milli -= 1000;
	return true;
}

/* rate_take() under mlock; 0, or 429 with why. */
static unsigned int rate_check(const char *client, char *why, size_t why_len)
{
	bool ok;

	pthread_mutex_lock(&mlock);
	ok = rate_take(client, now_ms());
	pthread_mutex_unlock(&mlock);
	if (ok)
		return 0;
	snprintf(why, why_len, "rate: this client may make %u TPM requests a second (bursts of %u)",
		 opt.rate, opt.rate * RATE_BURST);
	return 429;
}

/* @buf in base64 as member @key of @j: 0 or -1. */
static int b64_member(json_t *j, const char *key, const uint8_t *buf,
		      size_t len)
{
	struct nsima_buf b64;
	int rc;

	nsima_buf_init(&b64);
	rc = nsima_base64_encode(buf, len, &b64) ||
	     nsima_buf_append(&b64, "", 1) ||
	     json_object_set_new(j, key, json_string((char *)b64.data));
	nsima_buf_free(&b64);
	return rc ? -1 : 0;
}

/* /v1/ak: any client that may ask for evidence may know the key. */
static unsigned int render_ak(void *ctx, const char *client,
			      const char *query, struct nsima_buf *out,
			      char *why, size_t why_len)
{
	const struct nsima_access_rule *r;
	const uint8_t *ak;
	unsigned int hs;
	size_t len;
	json_t *j;

	(void)ctx;
	(void)query;
	hs = client_rule(client, &r, why, why_len);
	if (hs)
		return hs;
	ak = nsimad_tpm_ak(tpm, &len);
	j = json_object();
	if (j && b64_member(j, "ak_public", ak, len)) {
		json_decref(j);
		j = NULL;
	}
	return json_answer(j, out);
}

/*
 * GET /v1/enroll: what a verifier needs to enroll the AK (nsima-attest
 * enroll --agent): the AK and the TPM's EK certificate. The node's word
 * until the verifier has checked the certificate's chain and the TPM has
 * activated its credential (/v1/activate).
 */
static unsigned int render_enroll(void *ctx, const char *client,
				  const char *query, struct nsima_buf *out,
				  char *why, size_t why_len)
{
	const uint8_t *ak, *cert;
	size_t ak_len, cert_len;
	unsigned int hs;
	json_t *j;

	(void)ctx;
	(void)query;
	hs = node_only(client, why, why_len);
	if (hs)
		return hs;
	ak = nsimad_tpm_ak(tpm, &ak_len);
	cert = nsimad_tpm_ek_cert(tpm, &cert_len);
	if (!cert) {
		snprintf(why, why_len, "the TPM has no EK certificate in NV");
		return 404;
	}
	j = json_object();
	if (j && (b64_member(j, "ak_public", ak, ak_len) ||
		  b64_member(j, "ek_cert", cert, cert_len))) {
		json_decref(j);
		j = NULL;
	}
	return json_answer(j, out);
}

/* GET /v1/activate: the TPM's answer to a verifier's credential. */
static unsigned int render_activate(void *ctx, const char *client,
				    const char *query, struct nsima_buf *out,
				    char *why, size_t why_len)
{
	char hex[2 * 64 + 1];
	struct nsima_actreq rq;
	struct nsima_err err;
	uint8_t secret[64];
	size_t len = 0;
	unsigned int hs;
	int rc;

	(void)ctx;
	hs = node_only(client, why, why_len);
	if (hs)
		return hs;
	if (nsima_actreq_parse(query, strlen(query), &rq, &err)) {
		snprintf(why, why_len, "%s", err.msg);
		return 400;
	}
	hs = rate_check(client, why, why_len);
	if (hs)
		return hs;
	rc = nsimad_tpm_activate(tpm, rq.credential, rq.credential_len,
				 rq.secret, rq.secret_len, secret, &len);
	if (rc) {
		snprintf(why, why_len, rc == NSIMA_EXIT_MALFORMED ?
			 "credential or secret do not unmarshal" :
			 "the TPM does not activate that credential for its AK and EK");
		return rc == NSIMA_EXIT_MALFORMED ? 400 : 422;
	}
	nsima_hex_encode(secret, len, hex);
	memset(secret, 0, sizeof(secret));
	return json_answer(json_pack("{s:s}", "secret", hex), out);
}

struct find_container {
	const char *name;
	uint64_t nsid;
	unsigned int found;
};

/* The label of one namespace (its container id and name). */
struct ns_label {
	uint64_t nsid;
	bool found;
	struct nsima_label label;
};

static int label_of(const struct nsima_ns_info *info,
		    const struct nsima_label *label, void *ctx)
{
	struct ns_label *l = ctx;

	if (info->nsid != l->nsid)
		return 0;
	l->label = *label;
	l->found = true;
	return 1;
}

/*
 * Does @label name container @name? Only a container id the runtime's
 * own state confirmed for this cgroup (docs/labels.md: a name, or an id
 * read from a cgroup's name alone, is whatever the cgroup's creator made
 * it, and a tenant that can make sub-cgroups can name one after another
 * container); never a rootless container's, a runtime monitor's or a
 * label whose state contradicts its cgroup.
 */
static bool label_is(const struct nsima_label *label, const char *name)
{
	if (!label->from_state || label->rootless || label->conmon ||
	    label->uid_conflict)
		return false;
	return label->id[0] && !strcmp(label->id, name);
}

/* May @r see namespace @nsid's view? Its label decides container scopes. */
static bool may_see_ns(const struct nsima_access_rule *r, uint64_t nsid)
{
	struct ns_label l = { .nsid = nsid };
	unsigned int i;

	if (!r || r->node || nsima_access_ns(r, nsid, NULL))
		return true;
	if (for_each_ns(label_of, &l) < 0 || !l.found)
		return false;
	for (i = 0; i < r->n; i++)
		if (!r->scope[i].is_ns &&
		    label_is(&l.label, r->scope[i].container))
			return true;
	return false;
}

static int match_container(const struct nsima_ns_info *info,
			   const struct nsima_label *label, void *ctx)
{
	struct find_container *f = ctx;

	if (label_is(label, f->name)) {
		f->nsid = info->nsid;
		f->found++;
	}
	return 0;
}

/*
 * The journal holds the list up to @end (committed): wait for it, at most
 * EVIDENCE_WAIT_S. 0, or -1 (*@next: where the journal is).
 */
static int wait_committed(uint64_t end, uint64_t *next)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);	/* the condattr's clock */
	until.tv_sec += EVIDENCE_WAIT_S;
	pthread_mutex_lock(&mlock);
	while (shown.journal_next < end && !rc && !stop)
		rc = pthread_cond_timedwait(&committed, &mlock, &until);
	*next = shown.journal_next;
	pthread_mutex_unlock(&mlock);
	return *next >= end ? 0 : -1;
}

/* Ask the module for @nsid's ns_state entry (securityfs ns_state). */
/*
 * Ask the module for @nsid's ns_state entry (securityfs ns_state), unless
 * the namespace has no entry since the last one asked here: each request
 * adds an entry to the list, so a client polling a quiet namespace must
 * not grow it (the last ns_state still covers the view). A small table of
 * (nsid, entries_total at the last request); its oldest row is reused.
 */
#define NS_STATE_SEEN	256
static struct {
	pthread_mutex_t lock;
	struct { uint64_t nsid, total; } row[NS_STATE_SEEN];
	unsigned int next;
} ns_state_seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* @nsid's entries_total (ns/<nsid>/info), or -1. */
static int64_t ns_entries_total(uint64_t nsid)
{
	struct nsima_ns_info info;
	uint8_t *buf = NULL;
	char path[512];
	int64_t total = -1;
	size_t len;

	snprintf(path, sizeof(path), "%s/ns/%" PRIu64 "/info", opt.sfs, nsid);
	if (!nsima_read_file(path, NSIMA_SMALL_FILE_MAX, &buf, &len, NULL) &&
	    !nsima_ns_info_parse((const char *)buf, len, &info, NULL) &&
	    (info.have & NSIMA_INFO_ENTRIES_TOTAL))
		total = info.entries_total;
	free(buf);
	return total;
}

static void log_ns_state(uint64_t nsid)
{
	int64_t total = ns_entries_total(nsid);
	char path[512], line[32];
	unsigned int i;
	int fd, n;

	pthread_mutex_lock(&ns_state_seen.lock);
	for (i = 0; i < NS_STATE_SEEN; i++)
		if (ns_state_seen.row[i].nsid == nsid)
			break;
	if (total >= 0 && i < NS_STATE_SEEN &&
	    ns_state_seen.row[i].total == (uint64_t)total) {
		/* nothing new since the last ns_state asked here */
		pthread_mutex_unlock(&ns_state_seen.lock);
		return;
	}
	pthread_mutex_unlock(&ns_state_seen.lock);
	snprintf(path, sizeof(path), "%s/ns_state", opt.sfs);
	n = snprintf(line, sizeof(line), "%" PRIu64 "\n", nsid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n) {
		if (opt.verbose)
			say("ns_state %" PRIu64 ": %s", nsid, strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	/* the total with that ns_state in it: what "nothing new" means */
	total = ns_entries_total(nsid);
	if (total < 0)
		return;
	pthread_mutex_lock(&ns_state_seen.lock);
	for (i = 0; i < NS_STATE_SEEN; i++)	/* again: it may have moved */
		if (ns_state_seen.row[i].nsid == nsid)
			break;
	if (i == NS_STATE_SEEN)
		i = ns_state_seen.next++ % NS_STATE_SEEN;
	ns_state_seen.row[i].nsid = nsid;
	ns_state_seen.row[i].total = (uint64_t)total;
	pthread_mutex_unlock(&ns_state_seen.lock);
}

/*
 * GET /v1/evidence (an HTTP thread): quote first, then wait until the
 * journal holds every entry the kernel list had after the quote (the
 * kernel appends an entry before it extends the PCR, so those are at
 * least all the quote covers), then the journal's slice [from, end).
 */
static unsigned int render_evidence(void *ctx, const char *client,
				    const char *query, struct nsima_buf *out,
				    char *why, size_t why_len)
{
	const struct nsima_access_rule *rule;
	struct nsimad_slice sl = { 0 };
	struct nsimad_quote qt = { 0 };
	struct nsima_evidence ev;
	struct nsima_err err = { 0 };
	struct nsima_evreq rq;
	struct nsima_buf log;
	uint64_t end, next;
	unsigned int status;
	char path[4200];
	int fmt;

	(void)ctx;
	if (nsima_evreq_parse(query, strlen(query), &rq, &err)) {
		snprintf(why, why_len, "%s", err.msg);
		return 400;
	}
	sl.from = rq.from;
	sl.view = rq.ns_given || rq.container[0];
	sl.host = rq.host;
	sl.nsid = rq.nsid;
	sl.banks = nsimad_tpm_banks(tpm);
	/* who asks, before anything is looked up for them (no probing of
	 * other tenants' container names) */
	status = client_rule(client, &rule, why, why_len);
	if (status)
		return status;
	if (rule && !rule->node &&
	    (!sl.view || sl.host ||
	     (rq.container[0] && !nsima_access_container(rule, rq.container)))) {
		snprintf(why, why_len, "this client may not see that");
		return 403;
	}
	/* at most EVIDENCE_WAITING_MAX in flight, half of them a client's,
	 * before any lookup */
	pthread_mutex_lock(&mlock);
	status = evidence_slot_take(client);
	pthread_mutex_unlock(&mlock);
	if (status == 503) {
		snprintf(why, why_len, "busy: %d evidence requests are in flight",
			 EVIDENCE_WAITING_MAX);
		return 503;
	}
	if (status) {
		snprintf(why, why_len, "this client has %d evidence requests in flight already",
			 EVIDENCE_PER_CLIENT_MAX);
		return status;
	}

	nsima_buf_init(&log);
	status = 200;
	if (rule && !rule->node && !rq.container[0] &&
	    !may_see_ns(rule, sl.nsid)) {
		snprintf(why, why_len, "this client may not see that");
		status = 403;
		goto out;
	}
	if (rq.container[0]) {
		struct find_container f = { .name = rq.container };

		if (for_each_ns(match_container, &f)) {
			snprintf(why, why_len, "cannot read the namespace records");
			status = 503;
		} else if (!f.found) {
			snprintf(why, why_len, "no live namespace is labelled with that container");
			status = 404;
		} else if (f.found > 1) {
			snprintf(why, why_len,
				 "%u live namespaces are labelled with that container: ask by ns= (GET /v1/containers lists them)",
				 f.found);
			status = 409;
		}
		sl.nsid = f.nsid;
		if (status != 200)
			goto out;
	}
	/* the client's --rate, charged only now: a request refused above
	 * (slots, scope, lookup) never touched the TPM and costs nothing */
	status = rate_check(client, why, why_len);
	if (status)
		goto out;
	status = 200;
	/* a namespace's view: its ns_state first (the count and chain of its
	 * entries, logged by the module), so the quote can prove the view
	 * complete; a namespace that ended has its last one already */
	if (sl.view && !sl.host)
		log_ns_state(sl.nsid);
	if (nsimad_tpm_quote(tpm, rq.nonce, rq.nonce_len, &qt, &ev, why,
			     why_len)) {
		status = 503;
		goto out;
	}
	if (kernel_end(&end)) {
		snprintf(why, why_len, "cannot read the module's status");
		status = 503;
		goto out;
	}
	if (wait_committed(end, &next)) {
		snprintf(why, why_len,
			 "the journal is behind the kernel list (at %" PRIu64
			 " of %" PRIu64 "; see /metrics)", next, end);
		status = 503;
		goto out;
	}
	pthread_mutex_lock(&mlock);
	sl.first = journal_first;
	pthread_mutex_unlock(&mlock);
	if (sl.from < sl.first) {
		snprintf(why, why_len,
			 "entries before %" PRIu64 " are not in the journal (trimmed before nsimad kept them)",
			 sl.first);
		status = 410;
		goto out;
	}
	if (sl.from > next) {
		snprintf(why, why_len,
			 "from is beyond the list's end (%" PRIu64 ")", next);
		status = 416;
		goto out;
	}
	sl.end = next;
	snprintf(path, sizeof(path), "%s/node/binary_runtime_measurements",
		 jdir);
	sl.path = path;
	if (nsimad_slice_log(&sl, &log, &fmt, &err)) {
		snprintf(why, why_len, "the journal: %s", err.msg);
		status = 500;
		goto out;
	}
	ev.log = log.data ? log.data : (uint8_t *)"";
	ev.log_len = log.len;
	ev.log_format = fmt;
	ev.log_alg = NSIMA_BANK_SHA1;
	ev.log_first = sl.from;
	if (sl.view)	/* which namespace a container name came to */
		snprintf(ev.view, sizeof(ev.view), sl.host ? "host" : "%" PRIu64,
			 sl.nsid);
	if (nsima_evidence_write(&ev, out, &err)) {
		snprintf(why, why_len, "the bundle: %s", err.msg);
		status = 500;
	}
out:
	nsimad_quote_free(&qt);
	nsima_buf_free(&log);
	pthread_mutex_lock(&mlock);
	evidence_slot_give(client);
	pthread_mutex_unlock(&mlock);
	return status;
}

/* What every quote covers: the module's PCR in the banks it extends. */
static int quote_selection(char *sel, size_t len)
{
	char buf[4096], *p, *nl, *tok, *save;
	uint64_t pcr;
	size_t n = 0;

	if (read_small("status", buf, sizeof(buf)) ||
	    status_key(buf, "pcr", &pcr) || pcr > 23)
		return -1;
	p = strstr(buf, "\nbanks:");
	if (!p)
		return -1;
	p += 7;
	nl = strchr(p, '\n');
	if (nl)
		*nl = '\0';
	sel[0] = '\0';
	for (tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int k;

		if (strchr(tok, '('))	/* padded: the TPM has no such bank */
			continue;
		k = snprintf(sel + n, len - n, "%s%s:%" PRIu64, n ? "," : "",
			     tok, pcr);
		if (k < 0 || (size_t)k >= len - n)
			return -1;
		n += (size_t)k;
	}
	return n ? 0 : -1;
}

/* A PEM file as a string (at most 1 MiB): NULL after a line. */
static char *read_pem(const char *opt_name, const char *path)
{
	struct nsima_err err;
	uint8_t *buf;
	size_t len;
	char *s;

	if (nsima_read_file(path, NSIMA_SMALL_FILE_MAX, &buf, &len, &err)) {
		say("%s %s: %s", opt_name, path, err.msg);
		return NULL;
	}
	s = malloc(len + 1);
	if (s) {
		memcpy(s, buf, len);
		s[len] = '\0';
	}
	free(buf);
	if (s && (strlen(s) != len || !strstr(s, "-----BEGIN "))) {
		say("%s %s: not PEM", opt_name, path);
		free(s);
		s = NULL;
	}
	return s;
}

static int load_tls(struct nsimad_tls *tls)
{
	tls->cert_pem = read_pem("--tls-cert", opt.tls_cert);
	tls->key_pem = read_pem("--tls-key", opt.tls_key);
	if (opt.client_ca)
		tls->client_ca_pem = read_pem("--client-ca", opt.client_ca);
	return tls->cert_pem && tls->key_pem &&
	       (!opt.client_ca || tls->client_ca_pem) ? 0 : -1;
}

static int run(void)
{
	struct follow f = { .fd = -1 };
	struct nsima_journal_info info;
	struct nsima_journal *j;
	unsigned int backoff = 0;
	int rc;

	struct nsimad_http *http = NULL;
	bool started = false;
	struct rusage ru;
	char why[256];

	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&committed, &ca);
		pthread_condattr_destroy(&ca);
	}
	events = nsima_metrics_new(EVENT_SERIES_MAX);
	batch_events = nsima_metrics_new(EVENT_SERIES_MAX);
	if (!events || !batch_events) {
		say("out of memory");
		return 1;
	}
	if (open_journal(&j))
		return 1;
	rc = start_journal(j);
	if (!rc)
		rc = check_list(j);
	if (!rc) {
		rc = agent_event("start") ? 1 : 0;
		started = !rc;
	}
	if (!rc && opt.policy)
		rc = apply_policy(true);
	publish(j);
	if (!rc && opt.ak_dir) {
		char sel[128];

		if (quote_selection(sel, sizeof(sel))) {
			say("%s/status: no pcr or banks to quote", opt.sfs);
			rc = 1;
		} else if (nsimad_tpm_open(&tpm, opt.tcti, opt.ak_dir,
					   opt.ak_alg, sel, why,
					   sizeof(why))) {
			say("%s", why);
			rc = 1;
		}
	}
	if (!rc && opt.listen) {
		struct nsimad_routes routes = {
			.metrics = render_metrics,
			.containers = render_containers,
			.ak = tpm ? render_ak : NULL,
			.evidence = tpm ? render_evidence : NULL,
			.enroll = tpm ? render_enroll : NULL,
			.activate = tpm ? render_activate : NULL,
		};
		struct nsimad_tls tls = { 0 };

		if (opt.tls_cert && load_tls(&tls)) {
			rc = 1;
		} else if (nsimad_http_start(&http, opt.listen, &routes,
					     opt.tls_cert ? &tls : NULL, why,
					     sizeof(why))) {
			say("%s", why);
			rc = 1;
		}
		/* libmicrohttpd keeps its own copies */
		free((char *)tls.cert_pem);
		free((char *)tls.key_pem);
		free((char *)tls.client_ca_pem);
	}
	f.buf = malloc(READ_CHUNK);
	if (!f.buf) {
		say("out of memory");
		rc = 1;
	}
	nsima_journal_info(j, &info);
	if (!rc)
		say("following %s into %s from entry %" PRIu64, opt.sfs,
		    jdir, info.next);
	while (!rc && !stop) {
		if (reload) {
			reload = 0;
			if (opt.policy) {
				say("SIGHUP: reading %s again", opt.policy);
				apply_policy(false);	/* said, counted */
				publish(j);
			} else {
				say("SIGHUP: no --policy to reload");
			}
		}
		if (f.fd < 0) {
			rc = follow_open(&f, nsima_journal_next(j));
			if (rc)
				break;
		}
		rc = follow_step(&f, j);
		if (rc == -1) {		/* trimmed: reopen at once */
			follow_close(&f);
			rc = 0;
			continue;
		}
		if (rc == -2) {		/* a failed commit: reopen, later */
			follow_close(&f);
			rc = opt.once ? 1 : 0;	/* --once: say so, exit 1 */
			backoff = 1000;
		} else if (rc == 0 && opt.once) {
			break;
		}
		if (!rc)
			pause_ms(backoff ? backoff : opt.interval_ms);
		backoff = 0;
	}
	/* The stop is measured before the last read, which persists it
	 * (a failed start leaves its stop to the next nsimad). */
	if (started && agent_event("stop"))
		rc = rc ? rc : 1;
	/* SIGTERM (or --once): read to the list's end once more (what the
	 * kernel appended since the last read: our stop at least), a last
	 * commit; a batch that failed and was not redone since is still
	 * lost to this run: exit 1 */
	if ((stop || opt.once) && !rc) {
		unsigned int tries;
		int step = -1;

		draining = true;
		/* -1: trimmed since the file was opened (ESTALE): reopen */
		/* tries without progress: a batch committed and trimmed
		 * mid-read (ESTALE) is progress; done once the journal holds
		 * the list's end as it was when the stop began (a tenant
		 * appending forever does not hold the stop up) */
		uint64_t end0 = UINT64_MAX;

		if (kernel_end(&end0))
			end0 = UINT64_MAX;
		for (tries = 0; step == -1 && tries < 8;) {
			uint64_t before = nsima_journal_next(j);

			if (f.fd < 0) {
				rc = follow_open(&f, nsima_journal_next(j));
				if (rc)
					break;
			}
			step = follow_step(&f, j);
			if (step == -1)
				follow_close(&f);
			if (step == -1 && nsima_journal_next(j) >= end0)
				step = 0;	/* what was there is kept */
			if (nsima_journal_next(j) == before)
				tries++;
		}
		if (!rc && step)	/* an error, a failed commit, still stale */
			rc = 1;
	}
	if ((stop || opt.once) && !rc &&
	    (commit_and_trim(j) || last_commit_failed))
		rc = 1;
	/* requests waiting for a commit give up now (503), not in 10 s */
	pthread_mutex_lock(&mlock);
	pthread_cond_broadcast(&committed);
	pthread_mutex_unlock(&mlock);
	nsimad_http_stop(http);
	nsimad_tpm_close(tpm);
	tpm = NULL;
	follow_close(&f);
	free(f.buf);
	nsima_journal_info(j, &info);
	getrusage(RUSAGE_SELF, &ru);
	say("stopped at entry %" PRIu64 ": %" PRIu64 " entries in %" PRIu64
	    " commits this run, %" PRIu64 " commit errors, %" PRIu64
	    " trims, %" PRIu64 " trim errors; peak RSS %ld KiB, CPU %.2f s",
	    info.next, st.entries, st.commits, st.commit_errors, st.trims,
	    st.trim_errors, ru.ru_maxrss,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	nsima_journal_close(j);
	if (agent_fd >= 0)
		close(agent_fd);	/* after a stop: no death logged */
	nsima_metrics_free(events);
	nsima_metrics_free(batch_events);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: nsimad [options]\n"
"Follows the kernel's nsima list and keeps it on disk, per node and per\n"
"namespace, in binary, ascii and CEL-JSON (docs/nsimad.md); trims the\n"
"kernel list up to what is on disk.\n"
"  -d, --dir DIR         journal directory (default /var/lib/nsima)\n"
"      --securityfs DIR  the module's files (default /sys/kernel/security/nsima)\n"
"  -i, --interval MS     pause between reads at the end of the list (200)\n"
"  -b, --batch N         commit at least every N entries (4096)\n"
"      --no-trim         never trim the kernel list\n"
"      --once            read to the end of the list, commit, trim, exit\n"
"  -l, --listen ADDR     serve /metrics (Prometheus) and /v1/containers\n"
"                        (and, with --ak-dir, /v1/ak and /v1/evidence) on\n"
"                        ADDR: IPV4:PORT or [IPV6]:PORT, e.g. 127.0.0.1:9464\n"
"      --ak-dir DIR      the attestation key (ak.pub, ak.priv; made under\n"
"                        the TPM's EK the first time): serve evidence\n"
"      --ak-alg ALG      a new AK's kind: rsa (default), rsapss or ecc\n"
"  -T, --tcti TCTI       the TPM (default $NSIMA_TCTI, then tpm2-tss's)\n"
"      --tls-cert FILE   HTTPS: the server's certificate (chain), PEM\n"
"      --tls-key FILE    HTTPS: its key, PEM\n"
"      --client-ca FILE  HTTPS: every client needs a certificate from this\n"
"                        CA (PEM), and a rule:\n"
"      --client 'CN SCOPE[,SCOPE]...'  what the client with common name CN\n"
"                        may see: node (everything), ns:NSID,\n"
"                        container:NAME (that namespace's view); repeatable\n"
"      --rate N          requests that use the TPM (evidence, activation)\n"
"                        a client (its CN; without client certificates,\n"
"                        everybody) may make a second, in bursts of 4N;\n"
"                        more get 429 (0..1000, default 5; 0: no limit)\n"
"      --policy FILE     load the BPF programs with this policy (measured,\n"
"                        pinned under /sys/fs/bpf/nsima; kept across\n"
"                        restarts); SIGHUP reads it again and, changed,\n"
"                        replaces the programs (docs/policy.md)\n"
"  -c, --config FILE     settings from FILE first (\"key = value\" lines:\n"
"                        dir, securityfs, interval, batch, trim yes|no,\n"
"                        listen, ak_dir, ak_alg, tcti, tls_cert, tls_key,\n"
"                        client_ca, client (repeatable), policy, rate,\n"
"                        verbose yes|no);\n"
"                        the options above win (client rules add up)\n"
"  -v, --verbose         a line per commit\n"
"  -h, --help            this text\n"
"nsimad's start and stop are entries in the list (nsima-event:agent).\n"
"Exit status: 0 stopped (SIGTERM/SIGINT) or --once done, 1 error,\n"
"2 usage or a policy that does not parse, 3 entries were trimmed\n"
"before they were persisted (lost).\n");
}

static bool number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !*end && !errno && *v >= 1 && *v <= max;
}

static int yes_no(const char *s, bool *v)
{
	if (!strcmp(s, "yes"))
		*v = true;
	else if (!strcmp(s, "no"))
		*v = false;
	else
		return -1;
	return 0;
}

/*
 * One setting of the config file (docs/nsimad.md "Configuration"): the
 * same names and checks as the options; the command line wins.
 */
static int conf_set(void *ctx, const char *key, const char *value,
		    struct nsima_err *err)
{
	static const struct { const char *key; const char **v; } strs[] = {
		{ "dir", &opt.dir }, { "securityfs", &opt.sfs },
		{ "listen", &opt.listen }, { "ak_dir", &opt.ak_dir },
		{ "ak_alg", &opt.ak_alg }, { "tcti", &opt.tcti },
		{ "tls_cert", &opt.tls_cert }, { "tls_key", &opt.tls_key },
		{ "client_ca", &opt.client_ca }, { "policy", &opt.policy },
	};
	unsigned long v;
	unsigned int i;
	char *copy;

	(void)ctx;
	if (!strcmp(key, "client"))	/* one rule a line, repeatable */
		return nsima_access_add(&access_rules, value, err);
	if (!strcmp(key, "interval") || !strcmp(key, "batch")) {
		bool iv = key[0] == 'i';

		if (!number(value, iv ? 60000 : 1000000, &v))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "%s: '%s' is not 1..%s", key,
					     value, iv ? "60000" : "1000000");
		if (iv)
			opt.interval_ms = (unsigned int)v;
		else
			opt.batch = v;
		return 0;
	}
	if (!strcmp(key, "rate")) {
		if (strcmp(value, "0") && !number(value, 1000, &v))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "rate: '%s' is not 0..1000", value);
		opt.rate = strcmp(value, "0") ? (unsigned int)v : 0;
		return 0;
	}
	if (!strcmp(key, "trim") || !strcmp(key, "verbose")) {
		if (yes_no(value, key[0] == 't' ? &opt.trim : &opt.verbose))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "%s: '%s' is not yes or no", key,
					     value);
		return 0;
	}
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!strcmp(key, strs[i].key))
			break;
	if (i == sizeof(strs) / sizeof(strs[0]))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "unknown setting '%s'", key);
	if (!*value)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: empty", key);
	copy = strdup(value);
	if (!copy)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	*strs[i].v = copy;
	return 0;
}

/* --config FILE (found before the other options, which override it). */
static int load_config(int argc, char **argv)
{
	const char *path = NULL;
	struct nsima_err err;
	uint8_t *buf;
	size_t len;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")) &&
		    i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		else if (!strcmp(argv[i], "--"))
			break;
	}
	if (!path)
		return 0;
	if (nsima_read_file(path, NSIMA_SMALL_FILE_MAX, &buf, &len, &err)) {
		say("%s: %s", path, err.msg);
		return 2;
	}
	rc = nsima_conf_parse((const char *)buf, len, path, conf_set, NULL,
			      &err);
	free(buf);
	if (rc) {
		say("%s", err.msg);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "securityfs", required_argument, NULL, 'S' },
		{ "interval", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		{ "no-trim", no_argument, NULL, 'N' },
		{ "once", no_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "ak-dir", required_argument, NULL, 'A' },
		{ "ak-alg", required_argument, NULL, 'G' },
		{ "tcti", required_argument, NULL, 'T' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "client-ca", required_argument, NULL, 'R' },
		{ "client", required_argument, NULL, 'U' },
		{ "policy", required_argument, NULL, 'P' },
		{ "rate", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long v;
	int c;

	/* before anything: a SIGHUP at start must not kill nsimad */
	sigaction(SIGHUP, &sa, NULL);
	c = load_config(argc, argv);
	if (c)
		return c;
	while ((c = getopt_long(argc, argv, "c:d:i:b:l:T:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.dir = optarg;
			break;
		case 'S':
			opt.sfs = optarg;
			break;
		case 'i':
			if (!number(optarg, 60000, &v)) {
				say("--interval %s: not 1..60000 ms", optarg);
				return 2;
			}
			opt.interval_ms = (unsigned int)v;
			break;
		case 'b':
			if (!number(optarg, 1000000, &v)) {
				say("--batch %s: not 1..1000000", optarg);
				return 2;
			}
			opt.batch = v;
			break;
		case 'N':
			opt.trim = false;
			break;
		case 'o':
			opt.once = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'l':
			opt.listen = optarg;
			break;
		case 'A':
			opt.ak_dir = optarg;
			break;
		case 'G':
			opt.ak_alg = optarg;
			break;
		case 'T':
			opt.tcti = optarg;
			break;
		case 'C':
			opt.tls_cert = optarg;
			break;
		case 'K':
			opt.tls_key = optarg;
			break;
		case 'R':
			opt.client_ca = optarg;
			break;
		case 'P':
			opt.policy = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "0") && !number(optarg, 1000, &v)) {
				say("--rate %s: not 0..1000", optarg);
				return 2;
			}
			opt.rate = strcmp(optarg, "0") ? (unsigned int)v : 0;
			break;
		case 'U': {
			struct nsima_err err;

			if (nsima_access_add(&access_rules, optarg, &err)) {
				say("--client '%s': %s", optarg, err.msg);
				return 2;
			}
			break;
		}
		case 'c':	/* read before (load_config) */
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:	/* getopt said which option */
			return 2;
		}
	}
	if (optind < argc) {
		say("unexpected argument '%s' (--help)", argv[optind]);
		return 2;
	}
	if (!opt.tls_cert != !opt.tls_key) {
		say("--tls-cert and --tls-key go together");
		return 2;
	}
	if (opt.client_ca && !opt.tls_cert) {
		say("--client-ca needs --tls-cert and --tls-key (HTTPS)");
		return 2;
	}
	if (access_rules.n && !opt.client_ca) {
		say("client rules need --client-ca (who the clients are)");
		return 2;
	}
	if (opt.client_ca && !access_rules.n) {
		say("--client-ca: no client rule (--client 'CN SCOPE,...'): every request would be refused");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return run();
}
