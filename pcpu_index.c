// SPDX-License-Identifier: GPL-2.0
/*
 * The chunk index: which chunk holds an address, for free.  An array of
 * the chunks sorted by unit 0 address (struct xpcpu_index), replaced as a
 * whole when a chunk is added (copy, rcu_assign_pointer(), kfree_rcu() of
 * the old one), so that a lookup is a binary search under RCU that never
 * waits for a writer: it runs in hard interrupts, also on the CPU whose
 * writer it interrupted.  Removal clears entries in place (it cannot
 * fail) and compacts when memory allows.  Writers are serialized by the
 * root's mutex and run in process context; they allocate in NOIO scope
 * (see "Allocation contexts" in pcpu_core.c).
 */
#include <linux/bsearch.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <xpcpu_internal.h>

static struct xpcpu_index *xpcpu_index_get(struct xpcpu_index_root *root)
{
	return rcu_dereference_protected(root->index,
					 lockdep_is_held(&root->lock));
}

/* __inline_bsearch() order: the address @key against an entry's range. */
static int xpcpu_index_cmp(const void *key, const void *elt)
{
	unsigned long addr = *(const unsigned long *)key;
	const struct xpcpu_index_entry *e = elt;

	if (addr < e->start)
		return -1;
	return addr - e->start >= xpcpu_ai->unit_size;
}

/* The entry whose unit 0 range holds @addr, or -1. */
static int xpcpu_index_find(const struct xpcpu_index *idx, unsigned long addr)
{
	const struct xpcpu_index_entry *e;

	if (!idx)
		return -1;
	e = __inline_bsearch(&addr, idx->ent, idx->nr, sizeof(*e),
			     xpcpu_index_cmp);
	return e ? e - idx->ent : -1;
}

/*
 * A copy of @old without its removed entries, with room for @extra more.
 * Allocated in NOIO scope, whoever calls: the index lock is taken inside
 * grow_mutex, which GFP_NOFS and GFP_NOIO callers may wait for, so an
 * allocation under it must not recurse into FS or I/O reclaim (see
 * "Allocation contexts" in pcpu_core.c).
 */
static struct xpcpu_index *xpcpu_index_copy(const struct xpcpu_index *old,
					    int extra)
{
	int i, nr = old ? old->nr : 0;
	struct xpcpu_index *idx;
	unsigned int noio;

	noio = memalloc_noio_save();
	idx = kmalloc(struct_size(idx, ent, nr + extra), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!idx)
		return NULL;
	idx->nr = 0;
	for (i = 0; i < nr; i++)
		if (old->ent[i].chunk)
			idx->ent[idx->nr++] = old->ent[i];
	return idx;
}

static void xpcpu_index_publish(struct xpcpu_index_root *root,
				struct xpcpu_index *old,
				struct xpcpu_index *idx)
{
	lockdep_assert_held(&root->lock);
	rcu_assign_pointer(root->index, idx);
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * xpcpu_index_add() - put a chunk on an index
 * @root: the index
 * @chunk: the chunk; its unit 0 range must overlap no other chunk's
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int xpcpu_index_add(struct xpcpu_index_root *root, struct xpcpu_chunk *chunk)
{
	unsigned long start = (unsigned long)chunk->base_addr;
	struct xpcpu_index *old, *idx;
	int i;

	mutex_lock(&root->lock);
	old = xpcpu_index_get(root);
	idx = xpcpu_index_copy(old, 1);
	if (!idx) {
		mutex_unlock(&root->lock);
		return -ENOMEM;
	}
	for (i = idx->nr; i > 0 && idx->ent[i - 1].start > start; i--)
		idx->ent[i] = idx->ent[i - 1];
	idx->ent[i].start = start;
	idx->ent[i].chunk = chunk;
	idx->nr++;
	xpcpu_index_publish(root, old, idx);
	mutex_unlock(&root->lock);
	return 0;
}

/**
 * xpcpu_index_remove() - take chunks off an index
 * @root: the index
 * @list: the chunks, linked through their list field
 *
 * Never fails: the entries are cleared in place first, and the array is
 * compacted if memory allows.  Lookups that started before may still
 * return the chunks: wait for a grace period before freeing them.
 *
 * Context: process context.
 */
void xpcpu_index_remove(struct xpcpu_index_root *root, struct list_head *list)
{
	struct xpcpu_index *old, *idx;
	struct xpcpu_chunk *chunk;
	int i;

	mutex_lock(&root->lock);
	old = xpcpu_index_get(root);
	list_for_each_entry(chunk, list, list) {
		i = xpcpu_index_find(old, (unsigned long)chunk->base_addr);
		if (!WARN_ON_ONCE(i < 0 || old->ent[i].chunk != chunk))
			WRITE_ONCE(old->ent[i].chunk, NULL);
	}
	idx = xpcpu_index_copy(old, 0);
	if (idx)
		xpcpu_index_publish(root, old, idx);
	mutex_unlock(&root->lock);
}

/**
 * xpcpu_index_lookup() - the chunk whose unit 0 range holds an address
 * @root: the index
 * @addr: any address
 *
 * Never waits for a writer.
 *
 * Context: an RCU read-side section (interrupts off is one), which keeps
 * what it returns alive.
 * Return: the chunk, or NULL.
 */
struct xpcpu_chunk *xpcpu_index_lookup(struct xpcpu_index_root *root,
				       unsigned long addr)
{
	const struct xpcpu_index *idx;
	int i;

	idx = rcu_dereference_check(root->index, rcu_read_lock_any_held());
	i = xpcpu_index_find(idx, addr);
	return i < 0 ? NULL : READ_ONCE(idx->ent[i].chunk);
}

/**
 * xpcpu_index_destroy() - free an index's array
 * @root: the index, which no reader may search any more
 *
 * Context: process context.
 */
void xpcpu_index_destroy(struct xpcpu_index_root *root)
{
	mutex_lock(&root->lock);
	kfree(rcu_replace_pointer(root->index, NULL,
				  lockdep_is_held(&root->lock)));
	mutex_unlock(&root->lock);
}

/**
 * xpcpu_index_walk() - call a function on every chunk of an index
 * @root: the index
 * @fn: called for each chunk, in address order; must not sleep
 * @arg: passed to @fn
 *
 * Under RCU only, no other lock: a chunk seen stays alive until @fn
 * returns, but may be taken off the index meanwhile, and its allocation
 * state may change under @fn (which reads it with that in mind).  Lets
 * the pool look at every chunk without holding its lock for all of them.
 *
 * Context: process context, or any context that may take rcu_read_lock().
 * Return: the number of chunks for which @fn returned true.
 */
int xpcpu_index_walk(struct xpcpu_index_root *root,
		     bool (*fn)(struct xpcpu_chunk *chunk, void *arg),
		     void *arg)
{
	const struct xpcpu_index *idx;
	struct xpcpu_chunk *chunk;
	int i, n = 0;

	rcu_read_lock();
	idx = rcu_dereference(root->index);
	for (i = 0; idx && i < idx->nr; i++) {
		chunk = READ_ONCE(idx->ent[i].chunk);
		if (chunk && fn(chunk, arg))
			n++;
	}
	rcu_read_unlock();
	return n;
}
