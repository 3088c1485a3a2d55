// SPDX-License-Identifier: GPL-2.0
/*
 * nsima BPF LSM programs. They decide *what* is measured and which
 * events a policy raises (the maps of include/nsima/policy_maps.h, filled
 * by nsima-load from a policy file: docs/policy.md); the module's kfuncs
 * hash, attribute (namespace and task from current) and extend.
 * Measurement never denies; a rule with action=deny makes its hook return
 * -EPERM, and its event entry says so.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <nsima/abi.h>
#include <nsima/kfuncs.h>
#include <nsima/policy_maps.h>

#define PROT_EXEC	0x4
#define FMODE_WRITE	0x2
#define CAP_OPT_NOAUDIT	(1 << 1)
#define PF_KTHREAD	0x00200000
#define VM_EXEC		0x00000004
#define FMODE_READ	0x1
#define AF_INET		2
#define AF_INET6	10
#define EPERM		1

/* Set by the loader before load. */
const volatile __u64 host_mntns = 0;	/* the host's mount namespace */

/* The policy (include/nsima/policy_maps.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSIMA_PM_KEYS_MAX);
	__type(key, struct nsima_pm_key);
	__type(value, struct nsima_pm_val);
} pm_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSIMA_PM_LENS_ENTRIES);
	__type(key, __u32);
	__type(value, struct nsima_pm_lens);
} pm_lens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSIMA_PM_LIST_MAX);
	__type(key, __u32);
	__type(value, struct nsima_pm_rule);
} pm_connect SEC(".maps"), pm_capable SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSIMA_PM_CGROUPS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} pm_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NSIMA_PM_NETS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nsima_pm_net);
	__type(value, __u8);
} pm_nets SEC(".maps");

/* The policy in these maps (the agent's, not read here). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsima_pm_info);
} pm_info SEC(".maps");

/*
 * A hook's working memory, larger than the BPF stack allows. Not per-CPU
 * scratch: a sleepable program can be preempted on its CPU and another
 * task's program would overwrite it. Task storage is the task's own, and
 * a task runs one hook at a time.
 */
struct scratch {
	char path[NSIMA_PATH_MAX];	/* d_path */
	char src[NSIMA_PATH_MAX];	/* exec: the name run by */
	struct nsima_pm_key key;
	union {
		struct nsima_ev_file f;
		struct nsima_ev_mount m;
	} ev;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Failed kfunc calls per program (enum nsima_prog), read by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSIMA_PROG_MAX);
	__type(key, __u32);
	__type(value, __u64);
} kfunc_errors SEC(".maps");

static __always_inline void count_error(int rc, __u32 prog)
{
	__u64 *n;

	if (rc >= 0)
		return;
	n = bpf_map_lookup_elem(&kfunc_errors, &prog);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/*
 * Workloads: a task marked here has executed a program while outside the
 * host's mount namespace, or descends from one that had. A container
 * runtime sets a container up (its mounts, capability checks) from a
 * process forked on the host, before it executes the container's first
 * program: those actions are the runtime's, not the container's, and no
 * rule raises an event for them. From that exec on, the container's
 * tasks and everything they fork are marked (a new namespace unshared
 * later changes nothing); nothing a task does removes its mark.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSIMA_WORKLOADS_MAX);
	__type(key, __u64);		/* the task (its address) */
	__type(value, __u8);
} workload SEC(".maps");

/*
 * The mark lives in a hash map keyed by the task, not in task storage: on
 * 6.1 a task-storage lookup fails (NULL) whenever another program holds
 * the CPU's storage lock, e.g. a sleepable one allocating, and a lost
 * mark would silently exempt a workload. Not by pid: at task_alloc the
 * child has none yet. The key is the task_struct's address, unique among
 * live tasks; task_free removes it.
 */
static __always_inline bool is_workload(struct task_struct *task)
{
	__u64 key = (__u64)(unsigned long)task;

	return bpf_map_lookup_elem(&workload, &key);
}

static __always_inline void set_workload(struct task_struct *task,
					 __u32 prog)
{
	__u64 key = (__u64)(unsigned long)task;
	__u8 one = 1;

	if (bpf_map_update_elem(&workload, &key, &one, BPF_ANY))
		count_error(-1, prog);
}

/* Who the task is, for the scopes. */
struct task_scope {
	__u64 cgroup;
	__u64 cg[NSIMA_PM_CGROUP_MATCH];	/* policy cgroups above it */
	__u32 ncg;
	bool host;
	bool rules;		/* rules apply: the host's, or a workload */
};

/*
 * scope=cgroup:ID covers the cgroup and everything below it: a workload
 * that may create child cgroups cannot move out of its scope. The task's
 * ancestors (up to NSIMA_PM_CGROUP_DEPTH levels) that the policy names
 * (pm_cgroups) go into t->cg, the nearest first; only when a statement
 * has such a scope.
 */
struct cg_ctx {
	struct cgroup *cg;
	struct task_scope *t;
	int level;
};

/* bpf_loop callback: ancestor @i + 1 of the task's cgroup (the parent first). */
static int cg_one(__u32 i, void *data)
{
	struct cg_ctx *c = data;
	struct cgroup *a;
	__u64 id;

	if ((int)i >= c->level)
		return 1;
	/* ancestors[level - 1 - i] */
	if (bpf_probe_read_kernel(&a, sizeof(a),
				  &c->cg->ancestors[(c->level - 1 - i) & 63]))
		return 1;
	id = BPF_CORE_READ(a, kn, id);
	if (!bpf_map_lookup_elem(&pm_cgroups, &id))
		return 0;
	if (c->t->ncg >= NSIMA_PM_CGROUP_MATCH) {
		count_error(-1, NSIMA_PROG_TASK_ALLOC);
		return 1;
	}
	c->t->cg[c->t->ncg & (NSIMA_PM_CGROUP_MATCH - 1)] = id;
	c->t->ncg++;
	return 0;
}

static __always_inline void task_cgroups(struct task_struct *task,
					 struct task_scope *t)
{
	__u32 idx = NSIMA_PM_CGROUP_INDEX;
	struct nsima_pm_lens *l = bpf_map_lookup_elem(&pm_lens, &idx);
	struct cg_ctx c = { .t = t };
	struct cgroup *cg;

	t->ncg = 0;
	if (!l || !l->count)
		return;
	/* (a local: BPF_CORE_READ would relocate c's own field too) */
	cg = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	c.level = BPF_CORE_READ(cg, level);
	c.cg = cg;
	if (c.level > NSIMA_PM_CGROUP_DEPTH)
		count_error(-1, NSIMA_PROG_TASK_ALLOC);
	bpf_loop(NSIMA_PM_CGROUP_DEPTH, cg_one, &c, 0);
}

/*
 * False for kernel threads: they are nobody's actions. Rules do not
 * apply to a task of a container's namespace that is no workload yet
 * (its runtime's setup); measurement does, always.
 */
static __always_inline bool task_scope(struct task_scope *t)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (task->flags & PF_KTHREAD)
		return false;
	t->host = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == host_mntns;
	t->cgroup = bpf_get_current_cgroup_id();
	t->rules = t->host || is_workload(task);
	task_cgroups(task, t);
	return true;
}

/* An exec outside the host's namespace: from now on a workload. */
static __always_inline void mark_workload(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != host_mntns)
		set_workload(task, NSIMA_PROG_BPRM_CHECK);
}

/* A workload's children (processes and threads) are workloads. */
SEC("lsm/task_alloc")
int BPF_PROG(nsima_task_alloc, struct task_struct *task,
	     unsigned long clone_flags)
{
	if (is_workload(bpf_get_current_task_btf()))
		set_workload(task, NSIMA_PROG_TASK_ALLOC);
	return 0;
}

/* A task gone: its address may be reused. */
SEC("lsm/task_free")
int BPF_PROG(nsima_task_free, struct task_struct *task)
{
	__u64 key = (__u64)(unsigned long)task;

	bpf_map_delete_elem(&workload, &key);
	return 0;
}

static __always_inline struct scratch *get_scratch(void)
{
	return bpf_task_storage_get(&scratch, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* The decision of one lookup pass: the lowest statement found. */
struct best {
	bool found;
	struct nsima_pm_val v;
};

static __always_inline void take(struct best *b, const struct nsima_pm_val *v)
{
	if (v && (!b->found || v->stmt < b->v.stmt)) {
		b->found = true;
		b->v = *v;
	}
}

/* @k in every scope that covers the task. */
static __noinline int scopes(struct nsima_pm_key *k, const struct task_scope *t,
			     struct best *b)
{
	if (!k || !t || !b)
		return 0;
	k->scope = NSIMA_PM_ANY;
	k->cgroup = 0;
	take(b, bpf_map_lookup_elem(&pm_keys, k));
	k->scope = t->host ? NSIMA_PM_HOST : NSIMA_PM_CONTAINER;
	take(b, bpf_map_lookup_elem(&pm_keys, k));
	k->scope = NSIMA_PM_CGROUP;
	k->cgroup = t->cgroup;
	take(b, bpf_map_lookup_elem(&pm_keys, k));
	/* the policy's cgroups above the task's (task_cgroups) */
	if (t->ncg > 0) {
		k->cgroup = t->cg[0];
		take(b, bpf_map_lookup_elem(&pm_keys, k));
	}
	if (t->ncg > 1) {
		k->cgroup = t->cg[1];
		take(b, bpf_map_lookup_elem(&pm_keys, k));
	}
	if (t->ncg > 2) {
		k->cgroup = t->cg[2];
		take(b, bpf_map_lookup_elem(&pm_keys, k));
	}
	if (t->ncg > 3) {
		k->cgroup = t->cg[3];
		take(b, bpf_map_lookup_elem(&pm_keys, k));
	}
	return 0;
}

/* The key header; the string all zero. */
static __always_inline void key_init(struct nsima_pm_key *k, __u8 type,
				     __u8 kind, __u8 field, __u8 mode)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->type = type;
	k->kind = kind;
	k->field = field;
	k->mode = mode;
}

/* Exact match of the @n bytes at @str (in scratch) for @field. */
static __always_inline int exact(struct scratch *s, const char *str, __u32 n,
			    __u8 type, __u8 kind, __u8 field, __u8 mode,
			    const struct task_scope *t, struct best *b)
{
	if (!s || !str || !t || !b || !n || n >= NSIMA_PM_STR)
		return 0;
	key_init(&s->key, type, kind, field, mode);
	s->key.len = n;
	/* n < NSIMA_PM_STR above; the mask (kept by barrier_var) is for
	 * the verifier, which tracks the bound on another register */
	barrier_var(n);
	if (bpf_probe_read_kernel(s->key.str, n & 0xff, str))
		return 0;
	scopes(&s->key, t, b);
	return 0;
}

struct prefix_ctx {
	struct scratch *s;
	const char *str;
	const struct nsima_pm_lens *lens;
	const struct task_scope *t;
	struct best *b;
	__u32 n;
};

/*
 * bpf_loop callback: the @i-th prefix length in use. A callback is
 * verified once, where an open-coded loop would be verified once per
 * iteration (seconds per program under TCG, and many times the
 * instructions).
 */
static int prefix_one(__u32 i, void *data)
{
	struct prefix_ctx *c = data;
	struct scratch *s = c->s;
	__u32 len;

	if (i >= NSIMA_PM_LENS_MAX || i >= c->lens->count)
		return 1;
	/* the mask bounds the index on the register the verifier sees */
	barrier_var(i);
	len = c->lens->len[i & (NSIMA_PM_LENS_MAX - 1)];
	if (len > c->n || len >= NSIMA_PM_STR)
		return 1;
	barrier_var(len);
	if (len && bpf_probe_read_kernel(s->key.str, len & 0xff, c->str))
		return 1;
	s->key.len = len;
	scopes(&s->key, c->t, c->b);
	return 0;
}

/*
 * Every prefix of the @n bytes at @str (in scratch) for @field whose
 * length is in use (ascending, so each copy extends the last and the
 * rest of the key stays zero).
 */
static __always_inline int prefixes(struct scratch *s, const char *str, __u32 n,
			       __u8 type, __u8 kind, __u8 field, __u8 mode,
			       const struct task_scope *t, struct best *b)
{
	__u32 idx = NSIMA_PM_LENS_INDEX(type, kind, field);
	struct prefix_ctx c = { .s = s, .str = str, .t = t, .b = b, .n = n };

	if (!s || !str || !t || !b)
		return 0;
	c.lens = bpf_map_lookup_elem(&pm_lens, &idx);
	if (!c.lens || !c.lens->count)
		return 0;
	key_init(&s->key, type, kind, field, mode);
	bpf_loop(NSIMA_PM_LENS_MAX, prefix_one, &c, 0);
	return 0;
}

/* Does the policy have statements of @type and @kind? */
static __always_inline bool in_use(__u8 type, __u8 kind)
{
	__u32 idx = NSIMA_PM_LENS_INDEX(type, kind, 0);
	struct nsima_pm_lens *l = bpf_map_lookup_elem(&pm_lens, &idx);

	return l && l->count;
}

/*
 * @file's absolute path in its mount namespace into s->path (the module's
 * walk: a chroot does not shorten it, as bpf_d_path's would): its
 * length, or < 0.
 */
static __always_inline long path_of(struct scratch *s, struct file *file)
{
	return bpf_nsima_file_path(file, s->path, sizeof(s->path));
}

/*
 * The file statements (exact path, prefix) of @type and @kind for the
 * path in s->path (@n bytes), for access @mode.
 */
static __always_inline void file_match(struct scratch *s, long n, __u8 type,
				       __u8 kind, __u8 mode,
				       const struct task_scope *t,
				       struct best *b)
{
	if (n < 0 || n >= NSIMA_PATH_MAX)
		return;
	exact(s, s->path, n, type, kind, NSIMA_PM_PATH, mode, t, b);
	prefixes(s, s->path, n, type, kind, NSIMA_PM_PREFIX, mode, t, b);
}

/* The rule's part of an event. */
static __always_inline void rule_of(struct nsima_ev_rule *r,
				    const struct nsima_pm_val *v)
{
	__builtin_memcpy(r->id, v->id, sizeof(r->id));
	r->id[sizeof(r->id) - 1] = 0;
	r->risk = v->risk;
	r->action = v->action;
}

/* A file event (exec, mmap_exec, open) of rule @b, path in s->path. */
static __always_inline int file_event(struct scratch *s, const struct best *b,
				      long n, __u32 type, __u32 mode, __u32 prog)
{
	rule_of(&s->ev.f.rule, &b->v);
	bpf_probe_read_kernel_str(s->ev.f.path, sizeof(s->ev.f.path), s->path);
	s->ev.f.mode = mode;
	s->ev.f.ev_flags = n >= NSIMA_EV_STR_MAX ? NSIMA_EV_TRUNCATED : 0;
	count_error(bpf_nsima_measure_event(&s->ev.f, sizeof(s->ev.f), type),
		    prog);
	return b->v.action == NSIMA_ACTION_DENY ? -EPERM : 0;
}

struct slash_ctx {
	struct scratch *s;
	__u32 n, start;
};

/* bpf_loop callback: remember the position after each '/'. */
static int find_slash(__u32 i, void *data)
{
	struct slash_ctx *c = data;

	if (i >= c->n)
		return 1;
	if (c->s->src[i & (NSIMA_PATH_MAX - 1)] == '/')
		c->start = i + 1;
	return 0;
}

/*
 * The basename of the name @bprm is run by, into s->src: its offset
 * there, its length in *len. bprm->interp: the name executed (before
 * symlinks: busybox applets match by their name), and on an
 * interpreter's pass (#!) the interpreter's, not the script's.
 */
static __always_inline __u32 run_name(struct scratch *s,
				      struct linux_binprm *bprm, __u32 *len)
{
	long n = bpf_probe_read_kernel_str(s->src, sizeof(s->src),
					   BPF_CORE_READ(bprm, interp));
	struct slash_ctx c = { .s = s };

	*len = 0;
	if (n <= 1 || n > NSIMA_PATH_MAX)
		return 0;
	c.n = n - 1;
	bpf_loop(NSIMA_PATH_MAX, find_slash, &c, 0);
	if (c.start > c.n)
		return 0;
	*len = c.n - c.start;
	return c.start;
}

/*
 * Every executed binary, before it runs: measured as the policy says
 * (or when its path cannot be known: fail closed), and the first rule
 * that matches its path, prefix or name raises its event.
 */
SEC("lsm.s/bprm_check_security")
int BPF_PROG(nsima_bprm_check, struct linux_binprm *bprm)
{
	struct best m = {}, r = {};
	struct task_scope t;
	struct scratch *s;
	__u32 off, len;
	long n;

	/*
	 * Makes clang emit the full struct file into this object's BTF; with
	 * only a forward declaration libbpf 1.1 finds the kfunc prototype
	 * incompatible with the module's.
	 */
	if (!bpf_core_type_exists(struct file))
		return 0;
	mark_workload();
	if (!task_scope(&t))
		return 0;
	s = get_scratch();
	n = s ? path_of(s, bprm->file) : -1;
	if (n < 0)
		count_error(-1, NSIMA_PROG_BPRM_CHECK);
	else
		file_match(s, n, NSIMA_PM_MEASURE, NSIMA_PM_EXEC, 0, &t, &m);
	if (n < 0 || (m.found && m.v.measure))
		count_error(bpf_nsima_measure_file(bprm->file,
						   NSIMA_HOOK_BPRM_CHECK),
			    NSIMA_PROG_BPRM_CHECK);
	if (!s || !t.rules || !in_use(NSIMA_PM_RULE, NSIMA_PM_EXEC))
		return 0;
	/* no path (too long, no such path): its name can still match */
	file_match(s, n, NSIMA_PM_RULE, NSIMA_PM_EXEC, 0, &t, &r);
	off = run_name(s, bprm, &len);
	if (off < NSIMA_PATH_MAX)
		exact(s, s->src + off, len, NSIMA_PM_RULE, NSIMA_PM_EXEC,
		      NSIMA_PM_NAME, 0, &t, &r);
	if (n < 0)
		s->path[0] = 0;	/* the event says no path */
	return r.found ? file_event(s, &r, n, NSIMA_EVENT_EXEC, 0,
				    NSIMA_PROG_BPRM_CHECK) : 0;
}

/* Shared libraries and anything else mapped executable. */
SEC("lsm.s/mmap_file")
int BPF_PROG(nsima_mmap_exec, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags)
{
	struct best m = {}, r = {};
	struct task_scope t;
	struct scratch *s;
	long n;

	if (!file || !(prot & PROT_EXEC) || !task_scope(&t))
		return 0;
	s = get_scratch();
	n = s ? path_of(s, file) : -1;
	if (n < 0)
		count_error(-1, NSIMA_PROG_MMAP_EXEC);
	else
		file_match(s, n, NSIMA_PM_MEASURE, NSIMA_PM_MMAP_EXEC, 0, &t,
			   &m);
	if (n < 0 || (m.found && m.v.measure))
		count_error(bpf_nsima_measure_file(file, NSIMA_HOOK_MMAP_EXEC),
			    NSIMA_PROG_MMAP_EXEC);
	if (n < 0 || !t.rules || !in_use(NSIMA_PM_RULE, NSIMA_PM_MMAP_EXEC))
		return 0;
	file_match(s, n, NSIMA_PM_RULE, NSIMA_PM_MMAP_EXEC, 0, &t, &r);
	return r.found ? file_event(s, &r, n, NSIMA_EVENT_MMAP_EXEC, 0,
				    NSIMA_PROG_MMAP_EXEC) : 0;
}

/*
 * A file mapping made executable later, by mprotect(): this hook may not
 * sleep on 6.1, so the file cannot be hashed; a queued violation names
 * it (IMA denies this case when it appraises; measurement never denies).
 */
SEC("lsm/file_mprotect")
int BPF_PROG(nsima_mprotect_exec, struct vm_area_struct *vma,
	     unsigned long reqprot, unsigned long prot)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct nsima_ev_mprotect m = {};
	struct file *file = vma->vm_file;

	if (!file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC) ||
	    (t->flags & PF_KTHREAD))
		return 0;
	bpf_probe_read_kernel_str(m.name, sizeof(m.name),
				  BPF_CORE_READ(file, f_path.dentry, d_name.name));
	m.ino = BPF_CORE_READ(file, f_inode, i_ino);
	m.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	count_error(bpf_nsima_queue_event(&m, sizeof(m), NSIMA_EVENT_MPROTECT),
		    NSIMA_PROG_MPROTECT);
	return 0;
}

/*
 * Opens: for write, the module checks for time-of-measure/time-of-use;
 * then, per access bit, the measure lines and the rules of kind open.
 */
SEC("lsm.s/file_open")
int BPF_PROG(nsima_file_open, struct file *file)
{
	struct best m = {}, r = {};
	struct task_scope t;
	struct scratch *s;
	__u32 mode = 0;
	long n;

	if (file->f_mode & FMODE_WRITE)
		count_error(bpf_nsima_file_write(file), NSIMA_PROG_FILE_OPEN);
	if ((!in_use(NSIMA_PM_MEASURE, NSIMA_PM_OPEN) &&
	     !in_use(NSIMA_PM_RULE, NSIMA_PM_OPEN)) || !task_scope(&t))
		return 0;
	mode |= (file->f_mode & FMODE_READ) ? NSIMA_OPEN_READ : 0;
	mode |= (file->f_mode & FMODE_WRITE) ? NSIMA_OPEN_WRITE : 0;
	if (!mode)
		return 0;
	s = get_scratch();
	n = s ? path_of(s, file) : -1;
	if (n < 0) {
		/* no path to decide by: measured if open files are (fail
		 * closed); no rule can match */
		count_error(-1, NSIMA_PROG_FILE_OPEN);
		if (in_use(NSIMA_PM_MEASURE, NSIMA_PM_OPEN))
			count_error(bpf_nsima_measure_file(file,
							   NSIMA_HOOK_FILE_OPEN),
				    NSIMA_PROG_FILE_OPEN);
		return 0;
	}
	if (mode & NSIMA_OPEN_READ) {
		file_match(s, n, NSIMA_PM_MEASURE, NSIMA_PM_OPEN,
			   NSIMA_OPEN_READ, &t, &m);
		if (t.rules)
			file_match(s, n, NSIMA_PM_RULE, NSIMA_PM_OPEN,
				   NSIMA_OPEN_READ, &t, &r);
	}
	if (mode & NSIMA_OPEN_WRITE) {
		file_match(s, n, NSIMA_PM_MEASURE, NSIMA_PM_OPEN,
			   NSIMA_OPEN_WRITE, &t, &m);
		if (t.rules)
			file_match(s, n, NSIMA_PM_RULE, NSIMA_PM_OPEN,
				   NSIMA_OPEN_WRITE, &t, &r);
	}
	if (m.found && m.v.measure)
		count_error(bpf_nsima_measure_file(file, NSIMA_HOOK_FILE_OPEN),
			    NSIMA_PROG_FILE_OPEN);
	return r.found ? file_event(s, &r, n, NSIMA_EVENT_OPEN, mode,
				    NSIMA_PROG_FILE_OPEN) : 0;
}

/*
 * Inodes being freed: the module forgets those it measured, so that its
 * ToMToU table stays the size of the inode cache (IMA frees its integrity
 * records here too).
 */
SEC("lsm/inode_free_security")
int BPF_PROG(nsima_inode_free, struct inode *inode)
{
	bpf_nsima_inode_free(inode);
	return 0;
}

#define MS_BIND		0x1000

/*
 * The mount rules (fstype, source, target) for the mount in s->ev.m: its
 * fstype (@nt bytes with the NUL, 0: none) and source (@nd) there, its
 * target in s->path (@n bytes, < 0: unknown). A bind mount whose source
 * is relative (resolved against a cwd we do not have) is taken as "/":
 * what a source=/ rule (any host path) is about.
 */
static __always_inline int mount_rules(struct scratch *s,
				       const struct task_scope *t, long nd,
				       long nt, long n, unsigned long flags,
				       __u32 prog, bool queued)
{
	struct nsima_ev_mount *m = &s->ev.m;
	struct best r = {};

	if (nt > 1)
		exact(s, m->fstype, nt - 1, NSIMA_PM_RULE, NSIMA_PM_MOUNT,
		      NSIMA_PM_FSTYPE, 0, t, &r);
	if (nd > 1 && m->dev[0] != '/' && (flags & MS_BIND))
		prefixes(s, "/", 1, NSIMA_PM_RULE, NSIMA_PM_MOUNT,
			 NSIMA_PM_SOURCE, 0, t, &r);
	else if (nd > 1)
		prefixes(s, m->dev, nd - 1, NSIMA_PM_RULE, NSIMA_PM_MOUNT,
			 NSIMA_PM_SOURCE, 0, t, &r);
	if (n >= 0 && n < NSIMA_PATH_MAX)
		prefixes(s, s->path, n, NSIMA_PM_RULE, NSIMA_PM_MOUNT,
			 NSIMA_PM_TARGET, 0, t, &r);
	else if (!queued)
		count_error(-1, prog);
	if (!r.found)
		return 0;
	rule_of(&m->rule, &r.v);
	if (n < 0 && !queued)
		s->path[0] = 0;
	bpf_probe_read_kernel_str(m->path, sizeof(m->path), s->path);
	m->flags = flags;
	m->ev_flags = n >= NSIMA_EV_STR_MAX ? NSIMA_EV_TRUNCATED : 0;
	m->pad = 0;
	if (queued)
		count_error(bpf_nsima_queue_event(m, sizeof(*m),
						  NSIMA_EVENT_MOUNT), prog);
	else
		count_error(bpf_nsima_measure_event(m, sizeof(*m),
						    NSIMA_EVENT_MOUNT), prog);
	return r.v.action == NSIMA_ACTION_DENY ? -EPERM : 0;
}

/* A mount hook's scratch, when mount rules apply to the task; else NULL. */
static __always_inline struct scratch *mount_start(struct task_scope *t)
{
	struct scratch *s;

	if (!in_use(NSIMA_PM_RULE, NSIMA_PM_MOUNT) || !task_scope(t) ||
	    !t->rules)
		return NULL;
	s = get_scratch();
	if (!s) {
		count_error(-1, NSIMA_PROG_SB_MOUNT);
		return NULL;
	}
	s->ev.m.dev[0] = s->ev.m.fstype[0] = 0;
	return s;
}

/* Mounts: the rules of kind mount (fstype, source, target). */
SEC("lsm.s/sb_mount")
int BPF_PROG(nsima_sb_mount, const char *dev_name, const struct path *path,
	     const char *type, unsigned long flags, void *data)
{
	struct nsima_ev_mount *m;
	struct task_scope t;
	struct scratch *s;
	long nd = 0, nt = 0;

	s = mount_start(&t);
	if (!s)
		return 0;
	m = &s->ev.m;
	if (dev_name)
		nd = bpf_probe_read_kernel_str(m->dev, sizeof(m->dev), dev_name);
	if (type)
		nt = bpf_probe_read_kernel_str(m->fstype, sizeof(m->fstype),
					       type);
	return mount_rules(s, &t, nd, nt,
			   bpf_nsima_path(path, s->path, sizeof(s->path)),
			   flags, NSIMA_PROG_SB_MOUNT, false);
}

/*
 * The new mount API (fsopen + fsmount, open_tree) attaches a mount with
 * move_mount(2), which sb_mount does not see: the same rules, for the
 * moved mount's file system type and device name (what mount(8) would
 * have been given). This hook may not sleep on 6.1: no absolute path of
 * the target (target= rules cannot match; the event names the target's
 * last component), and the event is queued. Its flags say 0.
 */
SEC("lsm/move_mount")
int BPF_PROG(nsima_move_mount, const struct path *from_path,
	     const struct path *to_path)
{
	struct nsima_ev_mount *m;
	struct task_scope t;
	struct vfsmount *vm;
	struct mount *mnt;
	struct scratch *s;
	long nd, nt;

	s = mount_start(&t);
	if (!s)
		return 0;
	m = &s->ev.m;
	vm = BPF_CORE_READ(from_path, mnt);
	mnt = (struct mount *)((char *)vm - bpf_core_field_offset(struct mount,
								  mnt));
	nd = bpf_probe_read_kernel_str(m->dev, sizeof(m->dev),
				       BPF_CORE_READ(mnt, mnt_devname));
	nt = bpf_probe_read_kernel_str(m->fstype, sizeof(m->fstype),
				       BPF_CORE_READ(vm, mnt_sb, s_type, name));
	bpf_probe_read_kernel_str(s->path, NSIMA_EV_STR_MAX,
				  BPF_CORE_READ(to_path, dentry, d_name.name));
	return mount_rules(s, &t, nd, nt, -1, 0, NSIMA_PROG_SB_MOUNT, true);
}

/* A connect or capable rule @r: does its scope cover the task? */
static __always_inline bool rule_scope(const struct nsima_pm_rule *r,
				       const struct task_scope *t)
{
	__u32 i;

	switch (r->scope) {
	case NSIMA_PM_ANY:
		return true;
	case NSIMA_PM_HOST:
		return t->host;
	case NSIMA_PM_CONTAINER:
		return !t->host;
	case NSIMA_PM_CGROUP:
		for (i = 0; i < NSIMA_PM_CGROUP_MATCH; i++)
			if (i < t->ncg && t->cg[i] == r->cgroup)
				return true;
		return r->cgroup == t->cgroup;
	}
	return false;
}

/* The first listed rule (connect, capable) that fires, by bpf_loop. */
struct list_ctx {
	struct task_scope t;
	void *list;			/* &pm_connect or &pm_capable */
	struct nsima_pm_net *net;	/* connect: the destination */
	int cap;			/* capable */
	struct nsima_pm_rule hit;
	bool found;
};

static int check_rule(__u32 i, void *data)
{
	struct list_ctx *c = data;
	struct nsima_pm_rule *r = bpf_map_lookup_elem(c->list, &i);

	if (!r || !r->used)
		return 1;
	if (!rule_scope(r, &c->t))
		return 0;
	if (c->net) {
		c->net->rule = i;
		if (bpf_map_lookup_elem(&pm_nets, c->net))
			return 0;	/* allowed by this rule */
	} else if (c->cap < 0 || c->cap >= 64 ||
		   (r->caps & (1ULL << c->cap))) {
		return 0;
	}
	c->hit = *r;
	c->found = true;
	return 1;
}

static __always_inline void rule_from(struct nsima_ev_rule *e,
				      const struct nsima_pm_rule *r)
{
	__builtin_memcpy(e->id, r->id, sizeof(e->id));
	e->id[sizeof(e->id) - 1] = 0;
	e->risk = r->risk;
	e->action = r->action;
}

/* sendmsg: the destinations a task's rule events named (below). */
struct dest_key {
	__u32 pid;
	__u16 family, port;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct dest_key);
	__type(value, __u8);
} sent_to SEC(".maps");

/*
 * A destination (@address, @addrlen bytes) the task connects or sends
 * to: the first connect rule in scope none of whose allowed networks
 * holds it fires; its event is queued (these hooks may not sleep on 6.1
 * with an LPM trie). IPv6 addresses as short as RFC 2133's (24 bytes, no
 * scope id) are taken, as the kernel takes them. @once (sends): one event
 * per task and destination, not one per packet; a deny refuses each.
 */
static __always_inline int destination(struct sockaddr *address, int addrlen,
				       bool once)
{
	struct list_ctx lc = { .list = &pm_connect };
	struct nsima_ev_connect c = {};
	struct nsima_pm_net key = {};
	struct dest_key dk = {};
	__u16 family;
	__u8 one = 1;

	if (!address || !in_use(NSIMA_PM_RULE, NSIMA_PM_CONNECT_K) ||
	    !task_scope(&lc.t) || !lc.t.rules)
		return 0;
	family = BPF_CORE_READ(address, sa_family);
	if (family == AF_INET && addrlen >= (int)sizeof(struct sockaddr_in)) {
		struct sockaddr_in *a = (struct sockaddr_in *)address;

		bpf_probe_read_kernel(c.addr, 4, &a->sin_addr);
		c.port = bpf_ntohs(BPF_CORE_READ(a, sin_port));
		key.prefixlen = 32 + 32;
	} else if (family == AF_INET6 && addrlen >= 24) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)address;

		bpf_probe_read_kernel(c.addr, 16, &a->sin6_addr);
		c.port = bpf_ntohs(BPF_CORE_READ(a, sin6_port));
		key.prefixlen = 32 + 128;
	} else {
		return 0;
	}
	c.family = family;
	key.family = family;
	__builtin_memcpy(key.addr, c.addr, 16);
	lc.net = &key;
	bpf_loop(NSIMA_PM_LIST_MAX, check_rule, &lc, 0);
	if (!lc.found)
		return 0;
	if (once) {
		dk.pid = BPF_CORE_READ(bpf_get_current_task_btf(), pid);
		dk.family = c.family;
		dk.port = c.port;
		__builtin_memcpy(dk.addr, c.addr, 16);
		if (bpf_map_lookup_elem(&sent_to, &dk))
			goto out;	/* told already */
		bpf_map_update_elem(&sent_to, &dk, &one, BPF_ANY);
	}
	rule_from(&c.rule, &lc.hit);
	count_error(bpf_nsima_queue_event(&c, sizeof(c), NSIMA_EVENT_CONNECT),
		    NSIMA_PROG_CONNECT);
out:
	return lc.hit.action == NSIMA_ACTION_DENY ? -EPERM : 0;
}

/* Connects (IPv4, IPv6). */
SEC("lsm/socket_connect")
int BPF_PROG(nsima_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen)
{
	return destination(address, addrlen, false);
}

/*
 * Sends that name their destination (an unconnected UDP or raw socket's
 * sendto, TCP Fast Open's connecting sendto): connect() is not called
 * for them.
 */
SEC("lsm/socket_sendmsg")
int BPF_PROG(nsima_sendmsg, struct socket *sock, struct msghdr *msg, int size)
{
	return destination(BPF_CORE_READ(msg, msg_name),
			   BPF_CORE_READ(msg, msg_namelen), true);
}

/*
 * Capability checks (not the noaudit probes): the first capable rule in
 * scope that does not allow the capability fires. May not sleep: queued.
 */
SEC("lsm/capable")
int BPF_PROG(nsima_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts)
{
	struct list_ctx lc = { .list = &pm_capable, .cap = cap };
	struct nsima_ev_capable c = {};

	if (cap < 0 || cap >= 64 || (opts & CAP_OPT_NOAUDIT) ||
	    !in_use(NSIMA_PM_RULE, NSIMA_PM_CAPABLE_K) || !task_scope(&lc.t) ||
	    !lc.t.rules)
		return 0;
	bpf_loop(NSIMA_PM_LIST_MAX, check_rule, &lc, 0);
	if (!lc.found)
		return 0;
	rule_from(&c.rule, &lc.hit);
	c.cap = cap;
	c.opts = opts;
	count_error(bpf_nsima_queue_event(&c, sizeof(c), NSIMA_EVENT_CAPABLE),
		    NSIMA_PROG_CAPABLE);
	return lc.hit.action == NSIMA_ACTION_DENY ? -EPERM : 0;
}

char LICENSE[] SEC("license") = "GPL";
