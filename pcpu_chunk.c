// SPDX-License-Identifier: GPL-2.0
/*
 * Chunks: their metadata and lifetime, and the memory backends behind
 * them.  A backend (struct xpcpu_backend, after mm/percpu-vm.c and
 * mm/percpu-km.c) decides where each CPU's unit sits relative to unit 0
 * and gives a chunk its pages and mapping; the pointer encoding follows
 * from the unit offsets it chooses.  The vmap backend maps node-local
 * pages for every possible CPU's unit, unit after unit, with one vmap().
 * xpcpu_layout_init() picks the backend at load and fills in each CPU's
 * xpcpu_unit_off.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <xpcpu_internal.h>

DEFINE_PER_CPU(unsigned long, xpcpu_unit_off);
EXPORT_PER_CPU_SYMBOL_GPL(xpcpu_unit_off);

/* ptr = unit 0's address - xpcpu_ptr_bias (xpcpu_addr_to_ptr()). */
unsigned long xpcpu_ptr_bias __ro_after_init;
/* The backend chosen at load. */
const struct xpcpu_backend *xpcpu_backend __ro_after_init;

#if IS_ENABLED(CONFIG_XPCPU_KUNIT_TEST)
atomic_t xpcpu_fail_page_alloc = ATOMIC_INIT(0);
#endif

static atomic_t xpcpu_chunk_seq = ATOMIC_INIT(0);

/* Pages of @unit start at this index of chunk->pages. */
static int xpcpu_unit_page_idx(const struct xpcpu_chunk *chunk, int unit)
{
	return unit * chunk->nr_pages;
}

static void xpcpu_free_pages(struct page **pages, int nr)
{
	while (nr--) {
		if (pages[nr])
			__free_page(pages[nr]);
	}
}

/*
 * Fill @pages with @nr pages from @node: the bulk allocator takes them
 * from the per-CPU free lists in one call, and falls back to one page at
 * a time; go on while it makes progress.
 */
static int xpcpu_alloc_node_pages(int node, gfp_t gfp, int nr,
				  struct page **pages)
{
	unsigned long have = 0, got;
	int i;

	for (i = 0; i < nr; i++)
		if (xpcpu_should_fail_page_alloc())
			return -ENOMEM;
	while (have < nr) {
		got = alloc_pages_bulk_array_node(gfp, node, nr, pages);
		if (got <= have)
			return -ENOMEM;
		have = got;
	}
	return 0;
}

/* vmap backend: units back to back, unit 0 at the mapping's start. */
static unsigned long xpcpu_vmap_unit_offset(const struct xpcpu_alloc_info *ai,
					    unsigned int cpu)
{
	return (unsigned long)ai->cpu_unit[cpu] * ai->unit_size;
}

/*
 * Allocates every unit's pages on its CPU's node, zeroed (areas never
 * handed out need no zeroing then), and maps them all, unit after unit,
 * with one vmap(), so that a CPU's unit sits at the same offset from
 * base_addr in every chunk.
 */
static int xpcpu_vmap_populate(struct xpcpu_chunk *chunk,
			       const struct xpcpu_alloc_info *ai, gfp_t gfp)
{
	int nr = ai->nr_units * chunk->nr_pages;
	int unit;

	chunk->pages = kvcalloc(nr, sizeof(*chunk->pages), gfp);
	if (!chunk->pages)
		return -ENOMEM;

	for (unit = 0; unit < ai->nr_units; unit++) {
		int node = cpu_to_node(ai->unit_cpu[unit]);
		struct page **pages = chunk->pages +
				      xpcpu_unit_page_idx(chunk, unit);

		if (xpcpu_alloc_node_pages(node, gfp | __GFP_ZERO,
					   chunk->nr_pages, pages))
			goto err_free_pages;
	}

	chunk->base_addr = vmap(chunk->pages, nr, VM_MAP, PAGE_KERNEL);
	if (!chunk->base_addr)
		goto err_free_pages;
	return 0;

err_free_pages:
	xpcpu_free_pages(chunk->pages, nr);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	return -ENOMEM;
}

static void xpcpu_vmap_depopulate(struct xpcpu_chunk *chunk,
				  const struct xpcpu_alloc_info *ai)
{
	vunmap(chunk->base_addr);
	xpcpu_free_pages(chunk->pages, ai->nr_units * chunk->nr_pages);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	chunk->base_addr = NULL;
}

static const struct xpcpu_backend xpcpu_vmap_backend = {
	.name = "vmap",
	.unit_offset = xpcpu_vmap_unit_offset,
	.populate = xpcpu_vmap_populate,
	.depopulate = xpcpu_vmap_depopulate,
};

/**
 * xpcpu_layout_init() - choose the backend, place every CPU's unit
 * @ai: the layout
 *
 * Sets xpcpu_backend, xpcpu_ptr_bias, @ai's unit offsets and each
 * possible CPU's xpcpu_unit_off, so that xpcpu_ptr(ptr, cpu) = ptr +
 * bias + the offset of the CPU's unit.
 *
 * Context: module init, before the first chunk exists.
 * Return: 0.
 */
int xpcpu_layout_init(struct xpcpu_alloc_info *ai)
{
	unsigned int cpu;
	int unit;

	xpcpu_backend = &xpcpu_vmap_backend;
	xpcpu_ptr_bias = XPCPU_PTR_BIAS;
	for (unit = 0; unit < ai->nr_units; unit++)
		ai->unit_off[unit] = xpcpu_backend->unit_offset(ai,
							ai->unit_cpu[unit]);
	for_each_possible_cpu(cpu)
		per_cpu(xpcpu_unit_off, cpu) = xpcpu_ptr_bias +
			ai->unit_off[ai->cpu_unit[cpu]];
	return 0;
}

/**
 * xpcpu_chunk_alloc_meta() - allocate a chunk's struct and bitmaps
 * @nr_pages: pages per unit
 * @lock: the lock its users hold around changes of its map
 * @gfp: allocation flags
 *
 * The chunk comes back fully free and without memory behind it.
 *
 * Return: the chunk, or NULL.
 */
struct xpcpu_chunk *xpcpu_chunk_alloc_meta(int nr_pages, raw_spinlock_t *lock,
					   gfp_t gfp)
{
	struct xpcpu_chunk *chunk;

	chunk = kzalloc(sizeof(*chunk), gfp);
	if (!chunk)
		return NULL;
	if (xpcpu_bitmap_init(&chunk->map, nr_pages, lock, gfp)) {
		kfree(chunk);
		return NULL;
	}
	chunk->cached_map = bitmap_zalloc(chunk->map.nr_bits, gfp);
	if (!chunk->cached_map) {
		xpcpu_chunk_free_meta(chunk);
		return NULL;
	}
	INIT_LIST_HEAD(&chunk->list);
	chunk->nr_pages = nr_pages;
	chunk->slot = -1;
	chunk->id = atomic_inc_return(&xpcpu_chunk_seq) - 1;
	return chunk;
}

/**
 * xpcpu_chunk_free_meta() - free what xpcpu_chunk_alloc_meta() allocated
 * @chunk: the chunk, or NULL
 */
void xpcpu_chunk_free_meta(struct xpcpu_chunk *chunk)
{
	if (!chunk)
		return;
	bitmap_free(chunk->cached_map);
	xpcpu_bitmap_destroy(&chunk->map);
	kfree(chunk);
}

/**
 * xpcpu_chunk_create() - a new, free, populated chunk of ai->unit_size
 * @ai: the layout
 * @lock: the lock its users hold around changes of its map
 * @gfp: allocation flags (GFP_KERNEL or narrower, e.g. GFP_NOFS)
 *
 * Context: process context, may sleep.
 * Return: the chunk, not yet on any list, or NULL.
 */
struct xpcpu_chunk *xpcpu_chunk_create(const struct xpcpu_alloc_info *ai,
				       raw_spinlock_t *lock, gfp_t gfp)
{
	struct xpcpu_chunk *chunk;

	chunk = xpcpu_chunk_alloc_meta(ai->unit_pages, lock, gfp);
	if (!chunk)
		return NULL;
	if (xpcpu_backend->populate(chunk, ai, gfp)) {
		xpcpu_chunk_free_meta(chunk);
		return NULL;
	}
	return chunk;
}

/**
 * xpcpu_chunk_destroy() - release a chunk and its memory
 * @chunk: a chunk that is on no list and in no index any more
 * @ai: the layout
 *
 * Context: process context.
 */
void xpcpu_chunk_destroy(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai)
{
	if (chunk->pages)
		xpcpu_backend->depopulate(chunk, ai);
	xpcpu_chunk_free_meta(chunk);
}
