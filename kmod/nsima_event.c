// SPDX-License-Identifier: GPL-2.0
/*
 * Security events as ima-buf entries.
 *
 * A BPF program passes the event's struct (include/nsima/abi.h); the
 * module checks its size, attributes it to current's namespace and renders
 * it as canonical JSON (keys sorted, no spaces; strings escaped, bytes
 * outside printable ASCII as \u00XX), so a program cannot inject JSON.
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
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <crypto/sha2.h>
#include "nsima.h"

static unsigned int nsima_evq_size = 256;
module_param_named(event_queue, nsima_evq_size, uint, 0444);
MODULE_PARM_DESC(event_queue, "slots in the queue of non-sleepable events (default 256)");

static const char * const nsima_event_names[] = NSIMA_EVENT_NAMES;

static const u32 nsima_event_sizes[] = {
	[NSIMA_EVENT_MOUNT] = sizeof(struct nsima_ev_mount),
	[NSIMA_EVENT_CAPABLE] = sizeof(struct nsima_ev_capable),
	[NSIMA_EVENT_EXEC] = sizeof(struct nsima_ev_exec),
	[NSIMA_EVENT_CONNECT] = sizeof(struct nsima_ev_connect),
};

struct nsima_evslot {
	struct ns_common *ns;		/* reference, NULL: host */
	pid_t pid;
	u32 type, size;
	char comm[TASK_COMM_LEN];
	u8 buf[NSIMA_EVENT_SIZE_MAX];
};

static struct nsima_evslot *nsima_evq;
static unsigned int nsima_evq_head, nsima_evq_tail;	/* tail - head = depth */
static DEFINE_SPINLOCK(nsima_evq_lock);
static atomic_long_t nsima_evq_dropped_unlogged = ATOMIC_LONG_INIT(0);
static struct workqueue_struct *nsima_event_wq;
static void nsima_event_work(struct work_struct *work);
static DECLARE_WORK(nsima_event_work_item, nsima_event_work);

/* ---- canonical JSON ---- */

struct nsima_json {
	char *buf;
	size_t len, size;
	bool overflow;
};

static void json_raw(struct nsima_json *j, const char *s, size_t n)
{
	if (j->len + n > j->size) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void json_fmt(struct nsima_json *j, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	json_raw(j, tmp, min_t(int, n, sizeof(tmp) - 1));
}

/* "key": first member without a leading comma */
static void json_key(struct nsima_json *j, const char *key)
{
	if (j->len > 1)
		json_raw(j, ",", 1);
	json_fmt(j, "\"%s\":", key);
}

/* A string of at most @max bytes (stops at NUL), escaped. */
static void json_str(struct nsima_json *j, const char *key, const char *s,
		     size_t max)
{
	size_t i;

	json_key(j, key);
	json_raw(j, "\"", 1);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			json_fmt(j, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			json_fmt(j, "\\u%04x", c);
		else
			json_raw(j, &s[i], 1);
	}
	json_raw(j, "\"", 1);
}

static void json_u64(struct nsima_json *j, const char *key, u64 v)
{
	json_key(j, key);
	json_fmt(j, "%llu", v);
}

static void json_s64(struct nsima_json *j, const char *key, s64 v)
{
	json_key(j, key);
	json_fmt(j, "%lld", v);
}

static void json_addr(struct nsima_json *j, const struct nsima_ev_connect *c)
{
	json_key(j, "addr");
	if (c->family == AF_INET)
		json_fmt(j, "\"%pI4\"", c->addr);
	else if (c->family == AF_INET6)
		json_fmt(j, "\"%pI6c\"", c->addr);
	else
		json_fmt(j, "\"\"");
}

/*
 * Render event @type into @j. Keys in byte order: every type's members
 * are listed alphabetically together with "comm" and "pid".
 */
static int nsima_render(struct nsima_json *j, u32 type, const void *buf,
			const char *comm, pid_t pid)
{
	json_raw(j, "{", 1);
	switch (type) {
	case NSIMA_EVENT_MOUNT: {
		const struct nsima_ev_mount *m = buf;

		json_str(j, "comm", comm, TASK_COMM_LEN);
		json_str(j, "dev", m->dev, sizeof(m->dev));
		json_u64(j, "flags", m->flags);
		json_str(j, "fstype", m->fstype, sizeof(m->fstype));
		json_str(j, "path", m->path, sizeof(m->path));
		json_s64(j, "pid", pid);
		break;
	}
	case NSIMA_EVENT_CAPABLE: {
		const struct nsima_ev_capable *c = buf;

		json_s64(j, "cap", c->cap);
		json_str(j, "comm", comm, TASK_COMM_LEN);
		json_u64(j, "opts", c->opts);
		json_s64(j, "pid", pid);
		break;
	}
	case NSIMA_EVENT_EXEC: {
		const struct nsima_ev_exec *x = buf;

		json_str(j, "comm", comm, TASK_COMM_LEN);
		json_str(j, "path", x->path, sizeof(x->path));
		json_s64(j, "pid", pid);
		json_u64(j, "reason", x->reason);
		break;
	}
	case NSIMA_EVENT_CONNECT: {
		const struct nsima_ev_connect *c = buf;

		json_addr(j, c);
		json_str(j, "comm", comm, TASK_COMM_LEN);
		json_u64(j, "family", c->family);
		json_s64(j, "pid", pid);
		json_u64(j, "port", c->port);
		break;
	}
	case NSIMA_EVENT_OVERFLOW: {
		const u64 *v = buf;

		json_u64(j, "dropped", v[0]);
		break;
	}
	case NSIMA_EVENT_NS_END: {
		const u64 *v = buf;

		json_u64(j, "entries", v[0]);
		break;
	}
	default:
		return -EINVAL;
	}
	json_raw(j, "}", 1);
	return j->overflow ? -E2BIG : 0;
}

static const char *nsima_event_name(u32 type)
{
	if (type == NSIMA_EVENT_OVERFLOW)
		return NSIMA_EVENT_OVERFLOW_NAME;
	if (type == NSIMA_EVENT_NS_END)
		return NSIMA_EVENT_NS_END_NAME;
	if (type < ARRAY_SIZE(nsima_event_names) && nsima_event_names[type])
		return nsima_event_names[type];
	return NULL;
}

/* Build and append the ima-buf entry of an event. */
static int nsima_add_event(struct nsima_ns *ns, u32 type, const void *buf,
			   const char *comm, pid_t pid, bool violation)
{
	u8 digest[SHA256_DIGEST_SIZE];
	char what[64], *name;
	struct nsima_json j = { 0 };
	void *data;
	u32 len;
	int rc;

	j.size = 2 * NSIMA_EVENT_SIZE_MAX + 256;
	j.buf = kmalloc(j.size, GFP_KERNEL);
	name = kmalloc(NSIMA_NAME_MAX, GFP_KERNEL);
	rc = -ENOMEM;
	if (!j.buf || !name)
		goto out;
	rc = nsima_render(&j, type, buf, comm, pid);
	if (rc)
		goto out;
	snprintf(what, sizeof(what), "%s%s", NSIMA_EVENT_PREFIX,
		 nsima_event_name(type));
	rc = nsima_entry_name(ns, what, name, NSIMA_NAME_MAX);
	if (rc)
		goto out;
	if (violation)
		memset(digest, 0, sizeof(digest));
	else
		rc = nsima_sha256(j.buf, j.len, digest);
	if (rc)
		goto out;
	rc = -ENOMEM;
	data = nsima_build_entry_data(NSIMA_T_BUF, digest, name, j.buf, j.len,
				      &len);
	if (data)
		rc = nsima_add_entry(ns, NSIMA_T_BUF, data, len, violation);
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
	struct nsima_ns *ns;
	int rc;

	rc = nsima_check_event(buf, size, type);
	if (rc)
		return rc;
	ns = nsima_current_ns();
	if (!ns)
		return -ENOMEM;
	return nsima_add_event(ns, type, buf, current->comm,
			       task_tgid_nr(current), false);
}

/* Events the module writes itself: ns_end (a = entries), overflow (a = n). */
int nsima_log_internal_event(struct nsima_ns *ns, u32 type, u64 a, u64 b)
{
	u64 v[2] = { a, b };

	return nsima_add_event(ns, type, v, "", 0,
			       type == NSIMA_EVENT_OVERFLOW);
}

int nsima_queue_event(const void *buf, u32 size, u32 type)
{
	struct nsima_evslot *s;
	unsigned long flags;
	int rc;

	rc = nsima_check_event(buf, size, type);
	if (rc)
		return rc;
	spin_lock_irqsave(&nsima_evq_lock, flags);
	if (nsima_evq_tail - nsima_evq_head >= nsima_evq_size) {
		spin_unlock_irqrestore(&nsima_evq_lock, flags);
		atomic_long_inc(&nsima_stats.events_dropped);
		atomic_long_inc(&nsima_evq_dropped_unlogged);
		queue_work(nsima_event_wq, &nsima_event_work_item);
		return -ENOSPC;
	}
	s = &nsima_evq[nsima_evq_tail % nsima_evq_size];
	s->ns = nsima_ns_hold_current();
	s->pid = task_tgid_nr(current);
	s->type = type;
	s->size = size;
	memcpy(s->comm, current->comm, sizeof(s->comm));
	memcpy(s->buf, buf, size);
	nsima_evq_tail++;
	spin_unlock_irqrestore(&nsima_evq_lock, flags);
	atomic_long_inc(&nsima_stats.events_queued);
	queue_work(nsima_event_wq, &nsima_event_work_item);
	return 0;
}

static void nsima_log_overflow(void)
{
	long n = atomic_long_xchg(&nsima_evq_dropped_unlogged, 0);

	if (n > 0 && nsima_log_internal_event(nsima_ns_get_record(NULL),
					      NSIMA_EVENT_OVERFLOW, n, 0))
		atomic_long_add(n, &nsima_evq_dropped_unlogged); /* retry later */
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

		if (nsima_add_event(nsima_ns_get_record(slot.ns) ?: nsima_ns_get_record(NULL),
				    slot.type, slot.buf, slot.comm, slot.pid,
				    false))
			atomic_long_inc(&nsima_stats.measure_errors);
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
	if (nsima_evq_size < 1 || nsima_evq_size > 65536) {
		pr_err("event_queue=%u refused (1-65536)\n", nsima_evq_size);
		return -EINVAL;
	}
	nsima_evq = kvcalloc(nsima_evq_size, sizeof(*nsima_evq), GFP_KERNEL);
	if (!nsima_evq)
		return -ENOMEM;
	nsima_event_wq = alloc_ordered_workqueue("nsima_event", 0);
	if (!nsima_event_wq) {
		kvfree(nsima_evq);
		return -ENOMEM;
	}
	return 0;
}

void nsima_event_exit(void)
{
	destroy_workqueue(nsima_event_wq);	/* drains the ring */
	kvfree(nsima_evq);
}
