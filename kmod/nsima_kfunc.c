// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs called by nsima's BPF LSM programs.
 *
 * The caller passes only the object to measure and the hook it came from;
 * the namespace is derived here from current (nsima_ns.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/limits.h>
#include <crypto/sha2.h>
#include <asm/unaligned.h>
#include "nsima.h"

#define NSIMA_DNG_PREFIX	"sha256:"

/*
 * ima-ng template data: d-ng ("sha256:" '\0' digest) then n-ng (name '\0'),
 * each preceded by its u32 little-endian length.
 */
static u32 nsima_build_ng(u8 *buf, const u8 *digest, const char *name,
			  u32 name_len)
{
	u32 dlen = sizeof(NSIMA_DNG_PREFIX) + SHA256_DIGEST_SIZE;
	u8 *p = buf;

	put_unaligned_le32(dlen, p);
	p += sizeof(u32);
	memcpy(p, NSIMA_DNG_PREFIX, sizeof(NSIMA_DNG_PREFIX));	/* with NUL */
	p += sizeof(NSIMA_DNG_PREFIX);
	memcpy(p, digest, SHA256_DIGEST_SIZE);
	p += SHA256_DIGEST_SIZE;
	put_unaligned_le32(name_len + 1, p);
	p += sizeof(u32);
	memcpy(p, name, name_len);
	p[name_len] = '\0';
	p += name_len + 1;
	return p - buf;
}

static int nsima_measure_file(struct file *file, u32 hook)
{
	u8 digest[SHA256_DIGEST_SIZE];
	char *pathbuf, *path, *name;
	u32 name_len, max;
	u8 *data;
	u64 nsid;
	int rc;

	if (!file || hook == 0 || hook > NSIMA_HOOK_MAX)
		return -EINVAL;
	rc = nsima_current_nsid(&nsid);
	if (rc)
		return rc;

	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = kmalloc(NSIMA_NAME_MAX, GFP_KERNEL);
	max = 2 * sizeof(u32) + sizeof(NSIMA_DNG_PREFIX) + SHA256_DIGEST_SIZE +
	      NSIMA_NAME_MAX;
	data = kmalloc(max, GFP_KERNEL);
	if (!pathbuf || !name || !data) {
		rc = -ENOMEM;
		goto out;
	}

	path = d_path(&file->f_path, pathbuf, PATH_MAX);
	if (IS_ERR(path)) {
		rc = PTR_ERR(path);
		goto out;
	}
	if (nsid)
		rc = snprintf(name, NSIMA_NAME_MAX, "%llu%c%s", nsid,
			      NSIMA_NS_SEPARATOR, path);
	else
		rc = snprintf(name, NSIMA_NAME_MAX, "%s", path);
	if (rc >= NSIMA_NAME_MAX) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	name_len = rc;

	rc = nsima_hash_file(file, digest);
	if (rc)
		goto out;
	rc = nsima_add_entry(nsid, data,
			     nsima_build_ng(data, digest, name, name_len));
out:
	kfree(data);
	kfree(name);
	kfree(pathbuf);
	return rc;
}

__diag_push();
__diag_ignore_all("-Wmissing-prototypes",
		  "kfuncs are global functions described by BTF");

/**
 * bpf_nsima_measure_file - measure a file into the caller's namespace list
 * @file: the file (from the LSM hook's arguments)
 * @hook: enum nsima_hook
 *
 * Sleepable: hashes the file. Returns 0 or a negative errno.
 */
noinline int bpf_nsima_measure_file(struct file *file, u32 hook)
{
	return nsima_measure_file(file, hook);
}

__diag_pop();

BTF_SET8_START(nsima_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nsima_measure_file, KF_SLEEPABLE)
BTF_SET8_END(nsima_kfunc_ids)

static const struct btf_kfunc_id_set nsima_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nsima_kfunc_ids,
};

int nsima_kfunc_init(void)
{
	/* LSM only: on 6.1 LSM and TRACING share one kfunc hook. */
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &nsima_kfunc_set);
}
