// SPDX-License-Identifier: GPL-2.0
/*
 * securityfs interface: /sys/kernel/security/nsima/
 *   binary_runtime_measurements  IMA's binary format (little-endian)
 *   ascii_runtime_measurements   IMA's ascii format
 *   count                        number of entries
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/security.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "nsima.h"

static struct dentry *nsima_dir;
static struct dentry *nsima_ascii;
static struct dentry *nsima_binary;
static struct dentry *nsima_count_file;

static void *nsima_seq_start(struct seq_file *m, loff_t *pos)
{
	struct nsima_entry *e;
	loff_t l = *pos;

	rcu_read_lock();
	list_for_each_entry_rcu(e, &nsima_list, list) {
		if (!l--) {
			rcu_read_unlock();
			return e;
		}
	}
	rcu_read_unlock();
	return NULL;
}

static void *nsima_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct nsima_entry *e = v;

	rcu_read_lock();
	e = list_entry_rcu(e->list.next, struct nsima_entry, list);
	rcu_read_unlock();
	(*pos)++;
	return &e->list == &nsima_list ? NULL : e;
}

static void nsima_seq_stop(struct seq_file *m, void *v)
{
}

static int nsima_binary_show(struct seq_file *m, void *v)
{
	struct nsima_entry *e = v;
	__le32 pcr = cpu_to_le32(e->pcr);
	__le32 name_len = cpu_to_le32(sizeof(NSIMA_TEMPLATE_NG) - 1);
	__le32 data_len = cpu_to_le32(e->data_len);

	seq_write(m, &pcr, sizeof(pcr));
	seq_write(m, e->sha1, sizeof(e->sha1));
	seq_write(m, &name_len, sizeof(name_len));
	seq_write(m, NSIMA_TEMPLATE_NG, sizeof(NSIMA_TEMPLATE_NG) - 1);
	seq_write(m, &data_len, sizeof(data_len));
	seq_write(m, e->data, e->data_len);
	return 0;
}

/*
 * Next field of template data: returns its length and sets *field, or -1
 * at the end or on a malformed length.
 */
static int nsima_next_field(const struct nsima_entry *e, u32 *off,
			    const u8 **field)
{
	u32 len;

	if (*off + sizeof(u32) > e->data_len)
		return -1;
	len = get_unaligned_le32(e->data + *off);
	*off += sizeof(u32);
	if (len > e->data_len - *off)
		return -1;
	*field = e->data + *off;
	*off += len;
	return len;
}

/* ima-ng ascii: "PCR sha1 ima-ng algo:hexdigest name" */
static int nsima_ascii_show(struct seq_file *m, void *v)
{
	struct nsima_entry *e = v;
	const u8 *d, *n, *colon;
	int dlen, nlen, alen;
	u32 off = 0;

	dlen = nsima_next_field(e, &off, &d);
	nlen = nsima_next_field(e, &off, &n);
	if (dlen < 0 || nlen < 1)
		return -EINVAL;
	colon = memchr(d, '\0', dlen);
	if (!colon)
		return -EINVAL;
	alen = colon - d;		/* "sha256:" */

	seq_printf(m, "%2d %*phN %s %.*s", e->pcr, NSIMA_SHA1_SIZE, e->sha1,
		   NSIMA_TEMPLATE_NG, alen, d);
	seq_printf(m, "%*phN", dlen - alen - 1, colon + 1);
	seq_printf(m, " %.*s\n", nlen - 1, n);
	return 0;
}

static const struct seq_operations nsima_binary_seqops = {
	.start = nsima_seq_start,
	.next = nsima_seq_next,
	.stop = nsima_seq_stop,
	.show = nsima_binary_show,
};

static const struct seq_operations nsima_ascii_seqops = {
	.start = nsima_seq_start,
	.next = nsima_seq_next,
	.stop = nsima_seq_stop,
	.show = nsima_ascii_show,
};

static int nsima_binary_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &nsima_binary_seqops);
}

static int nsima_ascii_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &nsima_ascii_seqops);
}

static const struct file_operations nsima_binary_fops = {
	.open = nsima_binary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static const struct file_operations nsima_ascii_fops = {
	.open = nsima_ascii_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static ssize_t nsima_count_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	char tmp[32];
	int len;

	len = scnprintf(tmp, sizeof(tmp), "%lu\n", nsima_entry_count());
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static const struct file_operations nsima_count_fops = {
	.read = nsima_count_read,
	.llseek = generic_file_llseek,
};

int nsima_fs_init(void)
{
	nsima_dir = securityfs_create_dir(NSIMA_SECURITYFS_DIR, NULL);
	if (IS_ERR(nsima_dir))
		return PTR_ERR(nsima_dir);

	nsima_binary = securityfs_create_file(NSIMA_BINARY_LIST, 0440, nsima_dir,
					      NULL, &nsima_binary_fops);
	if (IS_ERR(nsima_binary))
		goto err;
	nsima_ascii = securityfs_create_file(NSIMA_ASCII_LIST, 0440, nsima_dir,
					     NULL, &nsima_ascii_fops);
	if (IS_ERR(nsima_ascii))
		goto err;
	nsima_count_file = securityfs_create_file(NSIMA_COUNT_FILE, 0440,
						  nsima_dir, NULL,
						  &nsima_count_fops);
	if (IS_ERR(nsima_count_file))
		goto err;
	return 0;
err:
	nsima_fs_exit();
	return -EIO;
}

void nsima_fs_exit(void)
{
	/* securityfs_remove() ignores NULL and error pointers. */
	securityfs_remove(nsima_count_file);
	securityfs_remove(nsima_ascii);
	securityfs_remove(nsima_binary);
	securityfs_remove(nsima_dir);
}
