// SPDX-License-Identifier: GPL-2.0
/*
 * Security events as ima-buf entries.
 *
 * A BPF program passes the event's struct (include/nsima/abi.h); the
 * module checks its size, attributes it to current's namespace and renders
 * it as canonical JSON (nsima_json.c), so a program cannot inject JSON.
 * The event is copied at kfunc entry, before anything may sleep, and the
 * JSON buffer is sized for the worst case of every string escaped; an
 * event that still cannot be rendered becomes a render_error violation
 * and one that cannot be appended a counted "lost" violation.
 *
 * bpf_nsima_measure_event() measures at once (sleepable hooks).
 * bpf_nsima_queue_event() is for hooks that may not sleep (lsm/capable):
 * it copies the event into a bounded ring, with a reference on current's
 * namespace, and an ordered worker measures the ring in order. When the
 * ring is full the event is dropped and counted; the worker then logs an
 * "overflow" violation entry carrying the number dropped, so a loss is
 * always visible in the list and the PCR.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <crypto/sha2.h>
#include "nsima.h"

static unsigned int nsima_ns_events_max = 64;
module_param_named(ns_events_max, nsima_ns_events_max, uint, 0644);
MODULE_PARM_DESC(ns_events_max, "queued events one namespace may hold (beyond: dropped, logged as that namespace's overflow violation)");

static unsigned int nsima_evq_size = 256;
module_param_named(event_queue, nsima_evq_size, uint, 0444);
MODULE_PARM_DESC(event_queue, "slots in the queue of non-sleepable events, a power of two (default 256)");

static const char * const nsima_event_names[] = NSIMA_EVENT_NAMES;

static const char * const nsima_risk_names[] = NSIMA_RISK_NAMES;
static const char * const nsima_action_names[] = NSIMA_ACTION_NAMES;

static const u32 nsima_event_sizes[] = {
	[NSIMA_EVENT_MOUNT] = sizeof(struct nsima_ev_mount),
	[NSIMA_EVENT_CAPABLE] = sizeof(struct nsima_ev_capable),
	[NSIMA_EVENT_EXEC] = sizeof(struct nsima_ev_file),
	[NSIMA_EVENT_CONNECT] = sizeof(struct nsima_ev_connect),
	[NSIMA_EVENT_MPROTECT] = sizeof(struct nsima_ev_mprotect),
	[NSIMA_EVENT_OPEN] = sizeof(struct nsima_ev_file),
	[NSIMA_EVENT_MMAP_EXEC] = sizeof(struct nsima_ev_file),
};

/* Who raised an event: taken from current by the module, never passed. */
struct nsima_evctx {
	pid_t pid, tgid;
	u32 uid;			/* in the initial user namespace */
	u64 cgroup;			/* cgroup v2 id */
	char comm[TASK_COMM_LEN];
};

struct nsima_evslot {
	struct ns_common *ns;		/* reference, NULL: host or unknown */
	struct nsima_ns *rec;		/* its record if it had one (ev_queued) */
	bool unknown;			/* the task had no namespaces left */
	u32 type, size;
	struct nsima_evctx ctx;
	u8 buf[NSIMA_EVENT_SIZE_MAX];
};

/* Any context (the queue's spinlock may be held). */
static void nsima_evctx_current(struct nsima_evctx *c)
{
	c->pid = task_pid_nr(current);
	c->tgid = task_tgid_nr(current);
	c->uid = from_kuid_munged(&init_user_ns, current_uid());
	rcu_read_lock();
	c->cgroup = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	memcpy(c->comm, current->comm, sizeof(c->comm));
}

static struct nsima_evslot *nsima_evq;
static unsigned int nsima_evq_head, nsima_evq_tail;	/* tail - head = depth */
static DEFINE_SPINLOCK(nsima_evq_lock);
static atomic_t nsima_ns_drops = ATOMIC_INIT(0);	/* some record's ev_dropped */
static struct workqueue_struct *nsima_event_wq;
static struct workqueue_struct *nsima_agent_wq;
static void nsima_event_work(struct work_struct *work);
static DECLARE_WORK(nsima_event_work_item, nsima_event_work);

static void nsima_json_addr(struct nsima_json *j,
			    const struct nsima_ev_connect *c)
{
	char a[64];

	if (c->family == AF_INET)
		snprintf(a, sizeof(a), "\"%pI4\"", c->addr);
	else if (c->family == AF_INET6)
		snprintf(a, sizeof(a), "\"%pI6c\"", c->addr);
	else
		strscpy(a, "\"\"", sizeof(a));
	nsima_json_value(j, "addr", a);
}

/* The rule header is the program's: a bad one is not rendered. */
static int nsima_rule_check(const struct nsima_ev_rule *r)
{
	if (!r->id[0] || !memchr(r->id, 0, sizeof(r->id)) ||
	    r->risk == NSIMA_RISK_NONE || r->risk > NSIMA_RISK_MAX ||
	    r->action == NSIMA_ACTION_NONE || r->action > NSIMA_ACTION_MAX)
		return -EINVAL;
	return 0;
}

static const char *nsima_open_mode(u32 mode)
{
	switch (mode) {
	case NSIMA_OPEN_READ:
		return "read";
	case NSIMA_OPEN_WRITE:
		return "write";
	case NSIMA_OPEN_READ | NSIMA_OPEN_WRITE:
		return "read_write";
	}
	return NULL;
}

/*
 * A rule's event: its members and the context's, every key in byte
 * order (canonical JSON, sorted keys: the order below is alphabetical).
 */
static int nsima_render_rule(struct nsima_json *j, u32 type, const void *buf,
			     const struct nsima_evctx *c)
{
	const struct nsima_ev_rule *r = buf;	/* every rule event's first */
	const struct nsima_ev_connect *cn = buf;
	const struct nsima_ev_capable *cap = buf;
	const struct nsima_ev_mount *m = buf;
	const struct nsima_ev_file *f = buf;
	const char *mode = NULL;

	if (nsima_rule_check(r))
		return -EINVAL;
	if (type == NSIMA_EVENT_OPEN) {
		mode = nsima_open_mode(f->mode);
		if (!mode)
			return -EINVAL;
	}
	nsima_json_begin(j);
	nsima_json_str(j, "action", nsima_action_names[r->action], 8);
	if (type == NSIMA_EVENT_CONNECT)
		nsima_json_addr(j, cn);
	if (type == NSIMA_EVENT_CAPABLE)
		nsima_json_s64(j, "cap", cap->cap);
	nsima_json_u64(j, "cgroup", c->cgroup);
	nsima_json_str(j, "comm", c->comm, sizeof(c->comm));
	if (type == NSIMA_EVENT_MOUNT)
		nsima_json_str(j, "dev", m->dev, sizeof(m->dev));
	if (type == NSIMA_EVENT_CONNECT)
		nsima_json_u64(j, "family", cn->family);
	if (type == NSIMA_EVENT_MOUNT) {
		nsima_json_u64(j, "flags", m->flags);
		nsima_json_str(j, "fstype", m->fstype, sizeof(m->fstype));
	}
	if (mode)
		nsima_json_str(j, "mode", mode, 16);
	if (type == NSIMA_EVENT_CAPABLE)
		nsima_json_u64(j, "opts", cap->opts);
	if (type == NSIMA_EVENT_MOUNT)
		nsima_json_str(j, "path", m->path, sizeof(m->path));
	else if (type == NSIMA_EVENT_EXEC || type == NSIMA_EVENT_OPEN ||
		 type == NSIMA_EVENT_MMAP_EXEC)
		nsima_json_str(j, "path", f->path, sizeof(f->path));
	nsima_json_s64(j, "pid", c->pid);
	if (type == NSIMA_EVENT_CONNECT)
		nsima_json_u64(j, "port", cn->port);
	nsima_json_str(j, "risk", nsima_risk_names[r->risk], 16);
	nsima_json_str(j, "rule", r->id, sizeof(r->id));
	nsima_json_s64(j, "tgid", c->tgid);
	if ((type == NSIMA_EVENT_MOUNT && (m->ev_flags & NSIMA_EV_TRUNCATED)) ||
	    ((type == NSIMA_EVENT_EXEC || type == NSIMA_EVENT_OPEN ||
	      type == NSIMA_EVENT_MMAP_EXEC) &&
	     (f->ev_flags & NSIMA_EV_TRUNCATED)))
		nsima_json_value(j, "truncated", "true");
	nsima_json_str(j, "type", nsima_event_names[type], 16);
	nsima_json_u64(j, "uid", c->uid);
	return nsima_json_end(j);
}

/* Member @key: "sha256:<hex of the SHA-256 digest @d>". */
static void nsima_json_sha256(struct nsima_json *j, const char *key,
			      const u8 *d)
{
	char hex[8 + 2 * SHA256_DIGEST_SIZE + 1] = "sha256:";

	bin2hex(hex + 7, d, SHA256_DIGEST_SIZE);
	hex[sizeof(hex) - 1] = '\0';
	nsima_json_str(j, key, hex, sizeof(hex));
}

/* Render event @type into @j; keys in byte order. */
static int nsima_render(struct nsima_json *j, u32 type, const void *buf,
			const struct nsima_evctx *c)
{
	switch (type) {
	case NSIMA_EVENT_MOUNT:
	case NSIMA_EVENT_CAPABLE:
	case NSIMA_EVENT_EXEC:
	case NSIMA_EVENT_CONNECT:
	case NSIMA_EVENT_OPEN:
	case NSIMA_EVENT_MMAP_EXEC:
		return nsima_render_rule(j, type, buf, c);
	}
	nsima_json_begin(j);
	switch (type) {
	case NSIMA_EVENT_MPROTECT: {
		const struct nsima_ev_mprotect *x = buf;

		nsima_json_str(j, "comm", c->comm, sizeof(c->comm));
		nsima_json_u64(j, "dev", x->dev);
		nsima_json_u64(j, "ino", x->ino);
		nsima_json_str(j, "name", x->name, sizeof(x->name));
		nsima_json_s64(j, "pid", c->tgid);
		break;
	}
	case NSIMA_EVENT_OVERFLOW: {
		const u64 *v = buf;

		nsima_json_u64(j, "dropped", v[0]);
		break;
	}
	case NSIMA_EVENT_POLICY: {
		const struct nsima_policy_load *p = buf;

		nsima_json_str(j, "comm", c->comm, sizeof(c->comm));
		nsima_json_sha256(j, "digest", p->digest);
		nsima_json_s64(j, "pid", c->tgid);
		if (p->has_programs)
			nsima_json_sha256(j, "programs", p->programs);
		nsima_json_u64(j, "statements", p->statements);
		nsima_json_u64(j, "uid", c->uid);
		break;
	}
	case NSIMA_EVENT_AGENT: {
		const u32 *state = buf;

		nsima_json_str(j, "comm", c->comm, sizeof(c->comm));
		nsima_json_s64(j, "pid", c->tgid);
		nsima_json_str(j, "state",
			       *state == NSIMA_AGENT_START ? "start" :
			       *state == NSIMA_AGENT_STOP ? "stop" : "died", 8);
		nsima_json_u64(j, "uid", c->uid);
		break;
	}
	case NSIMA_EVENT_NS_END:
	case NSIMA_EVENT_LOST: {
		const u64 *v = buf;

		nsima_json_u64(j, "entries", v[0]);
		break;
	}
	default:
		return -EINVAL;
	}
	return nsima_json_end(j);
}

static const char *nsima_event_name(u32 type)
{
	if (type == NSIMA_EVENT_POLICY)
		return NSIMA_EVENT_POLICY_NAME;
	if (type == NSIMA_EVENT_AGENT)
		return NSIMA_EVENT_AGENT_NAME;
	if (type == NSIMA_EVENT_NS_STATE)
		return NSIMA_EVENT_NS_STATE_NAME;
	if (type == NSIMA_EVENT_LOST)
		return NSIMA_EVENT_LOST_NAME;
	if (type == NSIMA_EVENT_OVERFLOW)
		return NSIMA_EVENT_OVERFLOW_NAME;
	if (type == NSIMA_EVENT_NS_END)
		return NSIMA_EVENT_NS_END_NAME;
	if (type < ARRAY_SIZE(nsima_event_names) && nsima_event_names[type])
		return nsima_event_names[type];
	return NULL;
}

/*
 * Worst case of any event's JSON: every string member escaped at 6 bytes
 * a byte, plus keys and numbers.
 */
#define NSIMA_EVENT_JSON_MAX \
	(NSIMA_JSON_STR_MAX(NSIMA_EVENT_SIZE_MAX + TASK_COMM_LEN) + 512)

/*
 * Build and append the ima-buf entry of an event. Never silent: a render
 * failure is a violation, an allocation failure a counted loss.
 */
static int nsima_add_event(struct nsima_ns *ns, u32 type, const void *buf,
			   const struct nsima_evctx *ctx, bool violation)
{
	u8 digest[SHA256_DIGEST_SIZE];
	char what[64], *name;
	struct nsima_json j = { 0 };
	void *data;
	u32 len;
	int rc;

	if (type <= NSIMA_EVENT_TYPE_MAX && !nsima_ns_admit(ns))
		return -EDQUOT;
	snprintf(what, sizeof(what), "%s%s", NSIMA_EVENT_PREFIX,
		 nsima_event_name(type));
	name = nsima_name_alloc(ns, what, strlen(what), false);
	j.size = NSIMA_EVENT_JSON_MAX;
	j.buf = kmalloc(j.size, GFP_KERNEL);
	rc = -ENOMEM;
	if (!j.buf || !name)
		goto lost;
	rc = nsima_render(&j, type, buf, ctx);
	if (rc) {
		rc = nsima_violation(ns, name, 0, NSIMA_V_RENDER_ERROR, rc) ?:
		     -E2BIG;
		goto out;
	}
	if (violation)
		memset(digest, 0, sizeof(digest));
	else if (nsima_sha256(j.buf, j.len, digest))
		memset(digest, 0, sizeof(digest)), violation = true;
	rc = -ENOMEM;
	data = nsima_build_entry_data(NSIMA_T_BUF, digest, name, j.buf, j.len,
				      &len);
	if (data)
		rc = nsima_add_entry(ns, NSIMA_T_BUF, data, len, violation);
	if (!rc)
		goto out;
lost:
	if (type != NSIMA_EVENT_LOST)	/* nsima_lost_flush() retries those */
		nsima_lost(ns);
out:
	kfree(name);
	kfree(j.buf);
	return rc;
}

static int nsima_check_event(const void *buf, u32 size, u32 type)
{
	if (!buf || !type || type > NSIMA_EVENT_TYPE_MAX)
		return -EINVAL;
	if (size != nsima_event_sizes[type])
		return -EINVAL;
	return 0;
}

int nsima_measure_event(const void *buf, u32 size, u32 type)
{
	u8 ev[NSIMA_EVENT_SIZE_MAX];
	struct nsima_evctx ctx;
	int rc;

	rc = nsima_check_event(buf, size, type);
	if (rc)
		return rc;
	/* Copy before anything may sleep: @buf is the caller's memory. */
	memcpy(ev, buf, size);
	nsima_evctx_current(&ctx);
	return nsima_add_event(nsima_current_ns(), type, ev, &ctx, false);
}

/*
 * Events the module writes itself: ns_end (a = entries), overflow and
 * lost (a = how many; violations).
 */
int nsima_log_internal_event(struct nsima_ns *ns, u32 type, u64 a, u64 b)
{
	struct nsima_evctx ctx = { 0 };
	u64 v[2] = { a, b };

	return nsima_add_event(ns, type, v, &ctx,
			       type == NSIMA_EVENT_OVERFLOW ||
			       type == NSIMA_EVENT_LOST);
}

/*
 * A policy load, measured before the loader applies it: an entry of the
 * writer's namespace; 0 once it is in the list.
 */
int nsima_log_policy(const struct nsima_policy_load *p)
{
	struct nsima_evctx ctx;

	nsima_evctx_current(&ctx);
	return nsima_add_event(nsima_current_ns(), NSIMA_EVENT_POLICY, p, &ctx,
			       false);
}

int nsima_log_agent(u32 state)
{
	struct nsima_evctx ctx;

	if (state != NSIMA_AGENT_START && state != NSIMA_AGENT_STOP)
		return -EINVAL;
	nsima_evctx_current(&ctx);
	return nsima_add_event(nsima_current_ns(), NSIMA_EVENT_AGENT, &state,
			       &ctx, false);
}

struct nsima_agent_who {
	struct nsima_evctx ctx;		/* first: kfree() of either */
	struct work_struct work;
	atomic_t *held;			/* the file's slot, freed once logged */
};

void *nsima_agent_who(void)
{
	struct nsima_agent_who *w = kmalloc(sizeof(*w), GFP_KERNEL);

	if (w)
		nsima_evctx_current(&w->ctx);
	return w;
}

/*
 * The module's own entry, the host's: at close the task may have no
 * namespaces left (an exiting task's files are released after them).
 * A failure is the entry's own loss (counted and logged as such).
 */
static void nsima_agent_died_work(struct work_struct *work)
{
	struct nsima_agent_who *w = container_of(work, struct nsima_agent_who,
						 work);
	u32 state = NSIMA_AGENT_DIED;

	nsima_add_event(nsima_ns_host(), NSIMA_EVENT_AGENT, &state, &w->ctx,
			false);
	/* the next agent's start comes after this death in the list */
	atomic_set(w->held, 0);
	kfree(w);
}

void nsima_log_agent_died(void *who, atomic_t *held)
{
	struct nsima_agent_who *w = who;

	w->held = held;
	INIT_WORK(&w->work, nsima_agent_died_work);
	queue_work(nsima_agent_wq, &w->work);	/* drained at unload */
}

/*
 * A drop of @r's event, logged as @r's overflow violation; NULL: a task
 * whose namespace has no record yet, or NMI: the unknown record's, never
 * the host's. Atomic operations only (NMI-safe).
 */
static void nsima_event_dropped(struct nsima_ns *r)
{
	if (!r)
		r = nsima_ns_unknown();
	atomic_long_inc(&nsima_stats.events_dropped);
	atomic_long_inc(&r->ev_dropped);
	atomic_set(&nsima_ns_drops, 1);
}

/*
 * Slots held by namespace @ns (no record yet, so no ev_queued count):
 * under nsima_evq_lock, O(queue depth).
 */
static unsigned int nsima_evq_held(struct ns_common *ns)
{
	unsigned int i, n = 0;

	for (i = nsima_evq_head; i != nsima_evq_tail; i++)
		n += nsima_evq[i % nsima_evq_size].ns == ns;
	return n;
}

int nsima_queue_event(const void *buf, u32 size, u32 type)
{
	struct nsima_evslot *s;
	struct ns_common *ns;
	struct nsima_ns *r;
	unsigned long flags;
	int rc;

	rc = nsima_check_event(buf, size, type);
	if (rc)
		return rc;
	/*
	 * A tracing program sharing the kfunc hook (6.1) may run in NMI
	 * context, where the queue lock could be held by the interrupted
	 * code: count the event as dropped instead (logged as overflow).
	 */
	if (in_nmi()) {
		nsima_event_dropped(NULL);
		return -EBUSY;
	}
	/* The namespace's record, if it has one: its share of the queue. */
	rcu_read_lock();
	ns = nsima_current_ns_common();
	r = ns ? nsima_ns_lookup_rcu(ns) : NULL;
	if (r && atomic_inc_return(&r->ev_queued) >
		 READ_ONCE(nsima_ns_events_max)) {
		atomic_dec(&r->ev_queued);
		nsima_event_dropped(r);
		rcu_read_unlock();
		queue_work(nsima_event_wq, &nsima_event_work_item);
		return -EDQUOT;
	}
	rcu_read_unlock();
	spin_lock_irqsave(&nsima_evq_lock, flags);
	if (nsima_evq_tail - nsima_evq_head >= nsima_evq_size ||
	    (!r && ns && nsima_evq_held(ns) >= READ_ONCE(nsima_ns_events_max))) {
		spin_unlock_irqrestore(&nsima_evq_lock, flags);
		if (r)
			atomic_dec(&r->ev_queued);
		nsima_event_dropped(r);
		queue_work(nsima_event_wq, &nsima_event_work_item);
		return -ENOSPC;
	}
	s = &nsima_evq[nsima_evq_tail % nsima_evq_size];
	s->ns = nsima_ns_hold_current();
	s->rec = r;
	s->unknown = !ns;
	s->type = type;
	s->size = size;
	nsima_evctx_current(&s->ctx);
	memcpy(s->buf, buf, size);
	nsima_evq_tail++;
	spin_unlock_irqrestore(&nsima_evq_lock, flags);
	atomic_long_inc(&nsima_stats.events_queued);
	queue_work(nsima_event_wq, &nsima_event_work_item);
	return 0;
}

/*
 * Log the count in @n (taken, zeroed) as @ns's violation of @type
 * (overflow, lost). True when it could not be logged: the count is put
 * back for a later try.
 */
bool nsima_log_count(struct nsima_ns *ns, atomic_long_t *n, u32 type)
{
	long v = atomic_long_xchg(n, 0);

	/*
	 * After its ns_end a namespace's id may name another one: what is
	 * left is logged under the unknown record, never under that id.
	 */
	if (v > 0 && READ_ONCE(ns->closed))
		ns = nsima_ns_unknown();
	if (v <= 0 || !nsima_log_internal_event(ns, type, v, 0))
		return false;
	atomic_long_add(v, n);
	return true;
}

/* Log @r's dropped events as its own overflow violation. */
static bool nsima_ns_overflow_flush(struct nsima_ns *r)
{
	return nsima_log_count(r, &r->ev_dropped, NSIMA_EVENT_OVERFLOW);
}

/*
 * Dropped events: each namespace's are its own overflow violation; those
 * that could not be attributed are the unknown record's.
 */
static void nsima_log_overflow(void)
{
	if (atomic_xchg(&nsima_ns_drops, 0) &&
	    nsima_ns_for_each(nsima_ns_overflow_flush))
		atomic_set(&nsima_ns_drops, 1);		/* retry later */
}

static void nsima_event_work(struct work_struct *work)
{
	struct nsima_evslot *s, slot;
	unsigned long flags;

	for (;;) {
		nsima_log_overflow();
		spin_lock_irqsave(&nsima_evq_lock, flags);
		if (nsima_evq_head == nsima_evq_tail) {
			spin_unlock_irqrestore(&nsima_evq_lock, flags);
			break;
		}
		s = &nsima_evq[nsima_evq_head % nsima_evq_size];
		slot = *s;
		nsima_evq_head++;
		spin_unlock_irqrestore(&nsima_evq_lock, flags);

		if (nsima_add_event(nsima_ns_slot_record(slot.ns, slot.unknown),
				    slot.type, slot.buf, &slot.ctx,
				    slot.type == NSIMA_EVENT_MPROTECT))
			atomic_long_inc(&nsima_stats.measure_errors);
		if (slot.rec)
			atomic_dec(&slot.rec->ev_queued);
		nsima_ns_put_common(slot.ns);
		cond_resched();
	}
	nsima_log_overflow();
}

void nsima_event_queue_depth(unsigned int *depth, unsigned int *size)
{
	unsigned long flags;

	spin_lock_irqsave(&nsima_evq_lock, flags);
	*depth = nsima_evq_tail - nsima_evq_head;
	spin_unlock_irqrestore(&nsima_evq_lock, flags);
	*size = nsima_evq_size;
}

int nsima_event_init(void)
{
	/* A power of two: head and tail wrap at 2^32 without aliasing. */
	if (nsima_evq_size > 65536 || !is_power_of_2(nsima_evq_size)) {
		pr_err("event_queue=%u refused (a power of two, 1-65536)\n",
		       nsima_evq_size);
		return -EINVAL;
	}
	nsima_evq = kvcalloc(nsima_evq_size, sizeof(*nsima_evq), GFP_KERNEL);
	if (!nsima_evq)
		return -ENOMEM;
	nsima_event_wq = alloc_ordered_workqueue("nsima_event", 0);
	/* its own: the event worker drains a ring a tenant may keep full */
	nsima_agent_wq = alloc_ordered_workqueue("nsima_agent", 0);
	if (!nsima_event_wq || !nsima_agent_wq) {
		if (nsima_event_wq)
			destroy_workqueue(nsima_event_wq);
		if (nsima_agent_wq)
			destroy_workqueue(nsima_agent_wq);
		kvfree(nsima_evq);
		return -ENOMEM;
	}
	return 0;
}

void nsima_event_exit(void)
{
	destroy_workqueue(nsima_agent_wq);	/* a death still to log */
	destroy_workqueue(nsima_event_wq);	/* drains the ring */
	kvfree(nsima_evq);
}

/*
 * Append an ns_state entry for @ns: its count and chain at the moment
 * the entry goes into the list (retried while the namespace's own
 * entries race with it). Privileged callers only (nsima_fs.c).
 */
int nsima_log_ns_state(struct nsima_ns *ns)
{
	char what[64], buf[128], *name;
	u8 chain[SHA256_DIGEST_SIZE], digest[SHA256_DIGEST_SIZE];
	struct nsima_json j = { .buf = buf, .size = sizeof(buf) };
	int tries, rc = -EAGAIN;
	bool broken;
	void *data;
	u64 count;
	u32 len;

	snprintf(what, sizeof(what), "%s%s", NSIMA_EVENT_PREFIX,
		 NSIMA_EVENT_NS_STATE_NAME);
	name = nsima_name_alloc(ns, what, strlen(what), false);
	if (!name)
		return -ENOMEM;
	for (tries = 0; tries < 100 && rc == -EAGAIN; tries++) {
		char hex[2 * SHA256_DIGEST_SIZE + 1];

		nsima_ns_state(ns, &count, chain, &broken);
		if (broken) {
			rc = -EIO;
			break;
		}
		bin2hex(hex, chain, sizeof(chain));
		hex[sizeof(hex) - 1] = '\0';
		j.len = 0;
		j.overflow = false;
		nsima_json_begin(&j);
		nsima_json_str(&j, "chain", hex, sizeof(hex));
		nsima_json_u64(&j, "count", count);
		rc = nsima_json_end(&j) ?: nsima_sha256(j.buf, j.len, digest);
		if (rc)
			break;
		data = nsima_build_entry_data(NSIMA_T_BUF, digest, name, j.buf,
					      j.len, &len);
		rc = data ? nsima_add_entry_state(ns, NSIMA_T_BUF, data, len,
						  NSIMA_E_NS_STATE, count) :
			    -ENOMEM;
	}
	kfree(name);
	return rc;
}
