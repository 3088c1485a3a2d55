/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernel lines nsima builds for (Debian's 6.1 and
 * 6.12): one name per difference, the rest of the module uses it.
 */
#ifndef NSIMA_COMPAT_H
#define NSIMA_COMPAT_H

#include <linux/fs.h>

/* NSIMA_LINE_612: 1 from 6.12 on, 0 on 6.1 (kmod/Kbuild) */
#ifndef NSIMA_LINE_612
#error "NSIMA_LINE_612 undefined: build through kmod/Kbuild"
#endif
#if NSIMA_LINE_612
#include <linux/unaligned.h>
#define nsima_inode_ctime(inode) inode_get_ctime(inode)
#define nsima_inode_mtime(inode) inode_get_mtime(inode)
#else
#include <asm/unaligned.h>
#define nsima_inode_ctime(inode) ((inode)->i_ctime)
#define nsima_inode_mtime(inode) ((inode)->i_mtime)
#endif

/*
 * kfunc sets: 6.9 named them apart from other BTF id sets (and 6.12
 * registers only a set so flagged); 6.8 gave them per-program filters,
 * used from 6.12 on (nsima_kfunc.c).
 */
#include <linux/btf_ids.h>
#ifndef BTF_KFUNCS_START
#define BTF_KFUNCS_START(name) BTF_SET8_START(name)
#define BTF_KFUNCS_END(name) BTF_SET8_END(name)
#endif
#define NSIMA_KFUNC_FILTER NSIMA_LINE_612

#endif /* NSIMA_COMPAT_H */
