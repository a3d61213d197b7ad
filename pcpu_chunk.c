// SPDX-License-Identifier: GPL-2.0
/*
 * Chunks: their metadata and lifetime, and the memory backends behind
 * them.  A backend (struct xpcpu_backend, after mm/percpu-vm.c and
 * mm/percpu-km.c) decides where each CPU's unit sits relative to unit 0
 * and gives a chunk its pages and mapping; the pointer encoding follows
 * from the unit offsets it chooses.  Two backends map node-local pages
 * for every possible CPU's unit with one vmap() per chunk: the vmap
 * backend unit after unit, the percpu backend at the kernel's own per-CPU
 * offsets (genuine per-CPU pointers).  The kpcpu backend takes each chunk
 * whole from the kernel's own per-CPU allocator, __alloc_percpu_gfp() of
 * one unit, so its units sit at the kernel's offsets on any layout
 * (genuine pointers) at the cost of units of at most 32 KiB.
 * xpcpu_layout_init() picks the backend at load and fills in each CPU's
 * xpcpu_unit_off.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/jump_label.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include <xpcpu_internal.h>

DEFINE_PER_CPU(unsigned long, xpcpu_unit_off);
EXPORT_PER_CPU_SYMBOL_GPL(xpcpu_unit_off);

/* ptr = unit 0's address - xpcpu_ptr_bias (xpcpu_addr_to_ptr()). */
unsigned long xpcpu_ptr_bias __ro_after_init;
/* The backend chosen at load. */
const struct xpcpu_backend *xpcpu_backend __ro_after_init;
/* On when ptr + __per_cpu_offset[cpu] is cpu's copy: this_cpu_*() work. */
DEFINE_STATIC_KEY_FALSE(xpcpu_genuine_ptrs);
EXPORT_SYMBOL_GPL(xpcpu_genuine_ptrs);

#ifdef CONFIG_FAULT_INJECTION
struct fault_attr xpcpu_fault_attrs[XPCPU_NR_FAULTS] = {
	[0 ... XPCPU_NR_FAULTS - 1] = FAULT_ATTR_INITIALIZER,
};
const char * const xpcpu_fault_names[XPCPU_NR_FAULTS] = {
	[XPCPU_FAIL_CHUNK] = "fail_chunk",
	[XPCPU_FAIL_PAGES] = "fail_chunk_pages",
	[XPCPU_FAIL_VMAP] = "fail_chunk_vmap",
};
#endif

static atomic_t xpcpu_chunk_seq = ATOMIC_INIT(0);

/* Pages of @unit start at this index of chunk->pages. */
static int xpcpu_unit_page_idx(const struct xpcpu_chunk *chunk, int unit)
{
	return unit * chunk->nr_pages;
}

/* Pages chunks hold now, hole pages included: exact, for stats and tests. */
static atomic_long_t xpcpu_nr_pages = ATOMIC_LONG_INIT(0);

/**
 * xpcpu_chunk_nr_pages() - pages all chunks hold
 *
 * Return: every page allocated for a chunk and not freed yet.
 */
unsigned long xpcpu_chunk_nr_pages(void)
{
	return atomic_long_read(&xpcpu_nr_pages);
}

static void xpcpu_free_pages(struct page **pages, int nr)
{
	while (nr--) {
		if (pages[nr]) {
			__free_page(pages[nr]);
			atomic_long_dec(&xpcpu_nr_pages);
		}
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
		if (xpcpu_should_fail(XPCPU_FAIL_PAGES))
			return -ENOMEM;
	while (have < nr) {
		got = alloc_pages_bulk_array_node(gfp, node, nr, pages);
		atomic_long_add(got - have, &xpcpu_nr_pages);
		if (got <= have)
			return -ENOMEM;
		have = got;
	}
	return 0;
}

/*
 * chunk->pages: every unit's pages, unit after unit, each on its CPU's
 * node and zeroed (areas never handed out need no zeroing then), and
 * @extra more pages after them.
 */
static int xpcpu_alloc_unit_pages(struct xpcpu_chunk *chunk,
				  const struct xpcpu_alloc_info *ai, gfp_t gfp,
				  int extra)
{
	int nr = ai->nr_units * chunk->nr_pages;
	int unit;

	chunk->pages = kvcalloc(nr + extra, sizeof(*chunk->pages), gfp);
	if (!chunk->pages)
		return -ENOMEM;
	for (unit = 0; unit < ai->nr_units; unit++) {
		if (xpcpu_alloc_node_pages(cpu_to_node(ai->unit_cpu[unit]),
					   gfp | __GFP_ZERO, chunk->nr_pages,
					   chunk->pages +
					   xpcpu_unit_page_idx(chunk, unit)))
			goto err_free_pages;
	}
	if (extra && xpcpu_alloc_node_pages(NUMA_NO_NODE, gfp | __GFP_ZERO,
					    extra, chunk->pages + nr))
		goto err_free_pages;
	return 0;

err_free_pages:
	xpcpu_free_pages(chunk->pages, nr + extra);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	return -ENOMEM;
}

static void xpcpu_free_unit_pages(struct xpcpu_chunk *chunk,
				  const struct xpcpu_alloc_info *ai, int extra)
{
	xpcpu_free_pages(chunk->pages, ai->nr_units * chunk->nr_pages + extra);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	chunk->base_addr = NULL;
}

/*
 * The vmap backend: units back to back, unit 0 at the start of one
 * vmap() of them all.  Pointers are biased so that a dereference without
 * an accessor faults.
 */
static unsigned long xpcpu_vmap_unit_offset(const struct xpcpu_alloc_info *ai,
					    unsigned int cpu)
{
	return (unsigned long)ai->cpu_unit[cpu] * ai->unit_size;
}

static unsigned long xpcpu_vmap_ptr_bias(const struct xpcpu_alloc_info *ai)
{
	return XPCPU_PTR_BIAS;
}

static int xpcpu_vmap_populate(struct xpcpu_chunk *chunk,
			       const struct xpcpu_alloc_info *ai, gfp_t gfp)
{
	if (xpcpu_alloc_unit_pages(chunk, ai, gfp, 0))
		return -ENOMEM;
	if (!xpcpu_should_fail(XPCPU_FAIL_VMAP))
		chunk->base_addr = vmap(chunk->pages,
					ai->nr_units * chunk->nr_pages, VM_MAP,
					PAGE_KERNEL);
	if (!chunk->base_addr) {
		xpcpu_free_unit_pages(chunk, ai, 0);
		return -ENOMEM;
	}
	return 0;
}

static void xpcpu_vmap_depopulate(struct xpcpu_chunk *chunk,
				  const struct xpcpu_alloc_info *ai)
{
	vunmap(chunk->base_addr);
	xpcpu_free_unit_pages(chunk, ai, 0);
}

static const struct xpcpu_backend xpcpu_vmap_backend = {
	.name = "vmap",
	.genuine = false,
	.unit_offset = xpcpu_vmap_unit_offset,
	.ptr_bias = xpcpu_vmap_ptr_bias,
	.populate = xpcpu_vmap_populate,
	.depopulate = xpcpu_vmap_depopulate,
};

/*
 * The percpu backend: genuine per-CPU pointers.  CPU c's unit sits at
 * __per_cpu_offset[c] - min(__per_cpu_offset) from the start of one vmap()
 * per chunk, so that ptr + __per_cpu_offset[c] is c's copy, as for the
 * kernel's own __percpu pointers, and this_cpu_*() work on xpcpu areas.
 * The holes between units map one shared zeroed page per chunk: page
 * table entries, no memory.  Only used when the offsets' span fits the
 * cap (xpcpu_percpu_span()).
 */
static struct {
	unsigned long min_off;		/* lowest __per_cpu_offset */
	unsigned long span;		/* bytes mapped per chunk */
} xpcpu_span __ro_after_init;

static unsigned long xpcpu_percpu_unit_offset(const struct xpcpu_alloc_info *ai,
					      unsigned int cpu)
{
	return per_cpu_offset(cpu) - per_cpu_offset(ai->unit_cpu[0]);
}

static unsigned long xpcpu_percpu_ptr_bias(const struct xpcpu_alloc_info *ai)
{
	return per_cpu_offset(ai->unit_cpu[0]);
}

/* Where @unit's pages sit in the span, in pages. */
static int xpcpu_span_page(const struct xpcpu_alloc_info *ai, int unit)
{
	return (per_cpu_offset(ai->unit_cpu[unit]) - xpcpu_span.min_off) >>
	       PAGE_SHIFT;
}

static int xpcpu_percpu_populate(struct xpcpu_chunk *chunk,
				 const struct xpcpu_alloc_info *ai, gfp_t gfp)
{
	int nr = ai->nr_units * chunk->nr_pages;
	int span_pages = xpcpu_span.span >> PAGE_SHIFT;
	struct page **map;
	void *vaddr = NULL;
	int unit, i;

	/* The last page of chunk->pages fills the holes. */
	if (xpcpu_alloc_unit_pages(chunk, ai, gfp, 1))
		return -ENOMEM;
	map = kvmalloc_array(span_pages, sizeof(*map), gfp);
	if (map && !xpcpu_should_fail(XPCPU_FAIL_VMAP)) {
		for (i = 0; i < span_pages; i++)
			map[i] = chunk->pages[nr];
		for (unit = 0; unit < ai->nr_units; unit++)
			memcpy(map + xpcpu_span_page(ai, unit),
			       chunk->pages + xpcpu_unit_page_idx(chunk, unit),
			       chunk->nr_pages * sizeof(*map));
		vaddr = vmap(map, span_pages, VM_MAP, PAGE_KERNEL);
	}
	kvfree(map);
	if (!vaddr) {
		xpcpu_free_unit_pages(chunk, ai, 1);
		return -ENOMEM;
	}
	chunk->base_addr = vaddr + ((unsigned long)xpcpu_span_page(ai, 0) <<
				    PAGE_SHIFT);
	return 0;
}

static void xpcpu_percpu_depopulate(struct xpcpu_chunk *chunk,
				    const struct xpcpu_alloc_info *ai)
{
	vunmap(chunk->base_addr - ((unsigned long)xpcpu_span_page(ai, 0) <<
				   PAGE_SHIFT));
	xpcpu_free_unit_pages(chunk, ai, 1);
}

static const struct xpcpu_backend xpcpu_percpu_backend = {
	.name = "percpu",
	.genuine = true,
	.unit_offset = xpcpu_percpu_unit_offset,
	.ptr_bias = xpcpu_percpu_ptr_bias,
	.populate = xpcpu_percpu_populate,
	.depopulate = xpcpu_percpu_depopulate,
};

/*
 * The kpcpu backend: genuine per-CPU pointers on any layout.  A chunk is
 * one area of the kernel's per-CPU allocator, __alloc_percpu_gfp() of
 * ai->unit_size (at most XPCPU_KPCPU_UNIT_SIZE, the kernel's largest
 * allocation) at page alignment, so CPU c's unit is at the kernel's
 * __per_cpu_offset[c] from the area's __percpu address and the unit
 * offsets and bias are the percpu backend's.  The kernel populates the
 * area's pages on its CPUs' nodes and zeroes every possible CPU's copy;
 * the mapping and its page tables are those of the kernel's chunks,
 * whose address space spans however far apart the groups are.  The
 * call takes the kernel's pcpu_alloc_mutex: from xpcpu_pool_grow(), in
 * NOIO scope, so the kernel narrows the request (current_gfp_context())
 * and populates without I/O or FS reclaim, as it does for its own GFP_NOIO
 * callers; at module init, GFP_KERNEL.  chunk->pages stays NULL: the
 * kernel owns the pages.
 */
static int xpcpu_kpcpu_populate(struct xpcpu_chunk *chunk,
				const struct xpcpu_alloc_info *ai, gfp_t gfp)
{
	long nr = (long)ai->nr_units * chunk->nr_pages;
	void __percpu *area;
	long i;

	if (WARN_ON_ONCE(ai->unit_size > XPCPU_KPCPU_UNIT_SIZE))
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (xpcpu_should_fail(XPCPU_FAIL_PAGES))
			return -ENOMEM;
	if (xpcpu_should_fail(XPCPU_FAIL_VMAP))
		return -ENOMEM;
	area = __alloc_percpu_gfp(ai->unit_size, PAGE_SIZE, gfp | __GFP_NOWARN);
	if (!area)
		return -ENOMEM;
	chunk->base_addr = per_cpu_ptr(area, ai->unit_cpu[0]);
	atomic_long_add(nr, &xpcpu_nr_pages);
	return 0;
}

static void xpcpu_kpcpu_depopulate(struct xpcpu_chunk *chunk,
				   const struct xpcpu_alloc_info *ai)
{
	/* base_addr is unit 0's copy: back to the kernel's pointer. */
	void __percpu *area = (void __percpu __force *)
		((unsigned long)chunk->base_addr -
		 per_cpu_offset(ai->unit_cpu[0]));

	free_percpu(area);
	atomic_long_sub((long)ai->nr_units * chunk->nr_pages, &xpcpu_nr_pages);
	chunk->base_addr = NULL;
}

/*
 * Another holder of pcpu_alloc_mutex may be a GFP_KERNEL caller of the
 * kernel's allocator, reclaiming through the FS and I/O: a GFP_NOFS or
 * GFP_NOIO request must not wait for it, directly or through grow_mutex,
 * so only full GFP_KERNEL requests create chunks (full_gfp_grows, checked
 * by xpcpu_pool_alloc()); the others are served by existing and spare
 * chunks, as non-blocking ones are.
 */
static const struct xpcpu_backend xpcpu_kpcpu_backend = {
	.name = "kpcpu",
	.genuine = true,
	.full_gfp_grows = true,
	.unit_offset = xpcpu_percpu_unit_offset,
	.ptr_bias = xpcpu_percpu_ptr_bias,
	.populate = xpcpu_kpcpu_populate,
	.depopulate = xpcpu_kpcpu_depopulate,
};

#ifdef CONFIG_XPCPU_KUNIT_TEST
/* For the KUnit suites only. */
/**
 * xpcpu_chunk_hole_page() - the page a percpu-backend chunk maps in holes
 * @chunk: a populated chunk
 *
 * Return: the page, or NULL for a chunk of another backend.
 */
struct page *xpcpu_chunk_hole_page(const struct xpcpu_chunk *chunk)
{
	if (xpcpu_backend != &xpcpu_percpu_backend || !chunk->pages)
		return NULL;
	return chunk->pages[xpcpu_ai->nr_units * chunk->nr_pages];
}
#endif

static int xpcpu_ulong_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/**
 * xpcpu_percpu_span() - bytes the percpu backend would map per chunk
 * @ai: the layout
 *
 * Context: process context.
 * Return: the span from the lowest __per_cpu_offset of a possible CPU to
 * the end of the highest one's unit; 0 if units at those offsets would
 * overlap or are not page aligned, so the percpu backend cannot be used.
 */
unsigned long xpcpu_percpu_span(const struct xpcpu_alloc_info *ai)
{
	unsigned long *offs, span = 0;
	unsigned int cpu;
	int i, n = 0;

	offs = kmalloc_array(ai->nr_units, sizeof(*offs), GFP_KERNEL);
	if (!offs)
		return 0;
	for_each_possible_cpu(cpu)
		offs[n++] = per_cpu_offset(cpu);
	sort(offs, n, sizeof(*offs), xpcpu_ulong_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (!PAGE_ALIGNED(offs[i]) ||
		    (i && offs[i] - offs[i - 1] < ai->unit_size))
			goto out;
	}
	span = offs[n - 1] - offs[0] + ai->unit_size;
out:
	kfree(offs);
	return span;
}

/**
 * xpcpu_layout_init() - choose the backend, place every CPU's unit
 * @ai: the layout
 * @mode: XPCPU_MODE_OFFSET (the vmap backend), XPCPU_MODE_SPAN (the
 *	percpu backend; the caller checked with xpcpu_percpu_span() that it
 *	can) or XPCPU_MODE_KPCPU (the kpcpu backend; @ai's units are at most
 *	XPCPU_KPCPU_UNIT_SIZE, see xpcpu_alloc_info_fit_kpcpu())
 *
 * Sets xpcpu_backend, xpcpu_ptr_bias, @ai's unit offsets and each
 * possible CPU's xpcpu_unit_off, so that xpcpu_ptr(ptr, cpu) = ptr +
 * bias + the offset of the CPU's unit; with genuine pointers that is
 * ptr + __per_cpu_offset[cpu], and xpcpu_genuine_ptrs is turned on.
 *
 * Context: module init, before the first chunk exists.
 */
void xpcpu_layout_init(struct xpcpu_alloc_info *ai, enum xpcpu_mode mode)
{
	static const struct xpcpu_backend *const backends[] = {
		[XPCPU_MODE_OFFSET] = &xpcpu_vmap_backend,
		[XPCPU_MODE_SPAN] = &xpcpu_percpu_backend,
		[XPCPU_MODE_KPCPU] = &xpcpu_kpcpu_backend,
	};
	unsigned int cpu;
	int unit;

	xpcpu_backend = backends[mode];
	if (mode == XPCPU_MODE_SPAN) {
		xpcpu_span.min_off = ULONG_MAX;
		for_each_possible_cpu(cpu)
			xpcpu_span.min_off = min(xpcpu_span.min_off,
						 per_cpu_offset(cpu));
		xpcpu_span.span = xpcpu_percpu_span(ai);
	}
	xpcpu_ptr_bias = xpcpu_backend->ptr_bias(ai);
	for (unit = 0; unit < ai->nr_units; unit++)
		ai->unit_off[unit] = xpcpu_backend->unit_offset(ai,
							ai->unit_cpu[unit]);
	for_each_possible_cpu(cpu)
		per_cpu(xpcpu_unit_off, cpu) = xpcpu_ptr_bias +
			ai->unit_off[ai->cpu_unit[cpu]];
	if (xpcpu_backend->genuine)
		static_branch_enable(&xpcpu_genuine_ptrs);
}

/**
 * xpcpu_layout_span() - what the chosen backend maps per chunk
 *
 * Return: bytes of address space, one page table entry per page, that
 * each chunk takes: the span for the percpu backend, holes included; the
 * units alone for the others (the kpcpu backend's are mapped by the
 * kernel's own chunks).
 */
unsigned long xpcpu_layout_span(void)
{
	if (xpcpu_backend == &xpcpu_percpu_backend)
		return xpcpu_span.span;
	return (unsigned long)xpcpu_ai->nr_units * xpcpu_ai->unit_size;
}

/**
 * xpcpu_layout_hole_bytes() - what a chunk costs beyond its units' pages
 *
 * Return: bytes per chunk of page tables for the holes of the percpu
 * backend's span (one 8-byte entry per page between units) and its hole
 * page; 0 for the other backends, which map their units' pages alone.
 */
unsigned long xpcpu_layout_hole_bytes(void)
{
	unsigned long units = (unsigned long)xpcpu_ai->nr_units *
			      xpcpu_ai->unit_size;

	if (xpcpu_backend != &xpcpu_percpu_backend)
		return 0;
	return ((xpcpu_span.span - units) >> PAGE_SHIFT) * sizeof(pte_t) +
	       PAGE_SIZE;
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

	if (xpcpu_should_fail(XPCPU_FAIL_CHUNK))
		return NULL;
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
	if (chunk->base_addr)
		xpcpu_backend->depopulate(chunk, ai);
	xpcpu_chunk_free_meta(chunk);
}
