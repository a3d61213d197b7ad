/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpcpu - a per-CPU chunk allocator for modules: the public API.
 *
 * A pointer returned by xpcpu_alloc() names one object per possible CPU.
 * It lives in its own sparse address space, __xpcpu, and must go through
 * an accessor before it is dereferenced:
 *
 *	struct stats __xpcpu *st = xpcpu_alloc(struct stats);
 *	struct stats *s;
 *	int cpu;
 *
 *	s = xpcpu_get_ptr(st);		// preemption off, this CPU's copy
 *	s->packets++;
 *	xpcpu_put_ptr(st);		// preemption back on
 *
 *	for_each_possible_cpu(cpu)
 *		total += xpcpu_ptr(st, cpu)->packets;
 *	xpcpu_free(st);
 *
 * Static per-CPU variables are declared with DEFINE_XPCPU().  A module
 * other than xpcpu.ko that defines some calls xpcpu_module_init() in its
 * init and xpcpu_module_exit() in its exit, and links with the fragment
 * include/xpcpu.lds (see tests/client/ for a complete example).
 */
#ifndef _XPCPU_H
#define _XPCPU_H

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/types.h>

#ifdef __CHECKER__
# define __xpcpu	__attribute__((noderef, address_space(__xpcpu)))
#else
# define __xpcpu
#endif

/* Largest object xpcpu_alloc() serves, per CPU. */
#define XPCPU_MAX_ALLOC_SIZE	(64 << 10)
/* Smallest unit of allocation; sizes are rounded up to a multiple. */
#define XPCPU_MIN_ALLOC_SIZE	4

/**
 * xpcpu_request_ok() - would xpcpu serve this size and alignment?
 * @size: bytes per CPU
 * @align: alignment in bytes
 *
 * Return: true for a size of 1 to XPCPU_MAX_ALLOC_SIZE bytes and an
 * alignment that is a power of two up to PAGE_SIZE.
 */
static inline bool xpcpu_request_ok(size_t size, size_t align)
{
	return size && size <= XPCPU_MAX_ALLOC_SIZE && align &&
	       !(align & (align - 1)) && align <= PAGE_SIZE;
}

void __xpcpu *__xpcpu_alloc(size_t size, size_t align);
void __xpcpu *__xpcpu_alloc_gfp(size_t size, size_t align, gfp_t gfp);
void xpcpu_free(void __xpcpu *ptr);

/**
 * struct xpcpu_stats - the allocator's counters, from xpcpu_get_stats()
 * @nr_alloc: allocations served
 * @nr_dealloc: areas freed
 * @nr_cur_alloc: live allocations (areas held by the per-CPU caches are
 *	not live)
 * @nr_max_alloc: most live allocations seen at once (sampled when an
 *	allocation misses the caches and when the counters are read)
 * @nr_atomic_alloc: non-blocking allocations served
 * @nr_atomic_fail: non-blocking allocations that failed
 * @nr_bad_free: xpcpu_free() calls rejected (double, foreign, interior)
 * @min_alloc_size: smallest size served, in bytes (rounded up to 4)
 * @max_alloc_size: largest size served
 * @nr_chunks: chunks, the first included
 * @nr_max_chunks: most chunks at once
 * @nr_empty_chunks: chunks without a live or cached area, the first not
 *	included
 * @nr_created: chunks created
 * @nr_destroyed: chunks freed
 * @nr_populated_pages: pages of all chunks, every CPU's unit included
 * @nr_cached: free areas held by the per-CPU caches
 * @cached_bytes: their bytes per CPU
 * @reserved_size: bytes of the reserved area (static variables of
 *	client modules)
 * @reserved_used: bytes of it in use
 *
 * The same fields as the kernel's percpu_stats (mm/percpu-stats.c) and a
 * few more.  Counters are summed over CPUs without stopping them: exact
 * when nothing allocates or frees meanwhile.
 */
struct xpcpu_stats {
	u64 nr_alloc;
	u64 nr_dealloc;
	u64 nr_cur_alloc;
	u64 nr_max_alloc;
	u64 nr_atomic_alloc;
	u64 nr_atomic_fail;
	u64 nr_bad_free;
	u64 min_alloc_size;
	u64 max_alloc_size;
	u64 nr_chunks;
	u64 nr_max_chunks;
	u64 nr_empty_chunks;
	u64 nr_created;
	u64 nr_destroyed;
	u64 nr_populated_pages;
	u64 nr_cached;
	u64 cached_bytes;
	u64 reserved_size;
	u64 reserved_used;
};

void xpcpu_get_stats(struct xpcpu_stats *st);

/**
 * xpcpu_alloc() - allocate one zeroed object of @type per possible CPU
 * @type: the object's type; its size and alignment are used
 *
 * Context: process context, may sleep.
 * Return: a __xpcpu pointer to @type, or NULL on failure.
 */
#define xpcpu_alloc(type)						\
	((type __xpcpu *)__xpcpu_alloc(sizeof(type), __alignof__(type)))

/**
 * xpcpu_alloc_gfp() - allocate one zeroed object of @type per possible CPU
 * @type: the object's type; its size and alignment are used
 * @gfp: allocation flags; without __GFP_DIRECT_RECLAIM it never sleeps
 *
 * Context: any context if @gfp does not allow blocking.
 * Return: a __xpcpu pointer to @type, or NULL on failure.
 */
#define xpcpu_alloc_gfp(type, gfp)					\
	((type __xpcpu *)__xpcpu_alloc_gfp(sizeof(type),		\
					   __alignof__(type), gfp))

/*
 * xpcpu_unit_off is each CPU's distance from unit 0 of any chunk: the same
 * in every chunk.  Reading it for the running CPU is one %gs-relative load.
 */
DECLARE_PER_CPU(unsigned long, xpcpu_unit_off);

#define __xpcpu_strip(ptr, off)						\
	((typeof(*(ptr)) __kernel __force *)((unsigned long)(ptr) + (off)))

/**
 * xpcpu_ptr() - the copy of an xpcpu object that belongs to @cpu
 * @ptr: a __xpcpu pointer from xpcpu_alloc() or xpcpu_var_ptr()'s source
 * @cpu: any possible CPU
 *
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_ptr(ptr, cpu)	__xpcpu_strip(ptr, per_cpu(xpcpu_unit_off, cpu))

/**
 * xpcpu_this_ptr() - the running CPU's copy of an xpcpu object
 * @ptr: a __xpcpu pointer
 *
 * Context: the caller keeps preemption disabled while it uses the result
 * (CONFIG_DEBUG_PREEMPT checks it).
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_this_ptr(ptr)	__xpcpu_strip(ptr, __this_cpu_read(xpcpu_unit_off))

/**
 * xpcpu_get_ptr() - disable preemption and return this CPU's copy
 * @ptr: a __xpcpu pointer
 *
 * Pair every call with xpcpu_put_ptr().
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_get_ptr(ptr)						\
({									\
	preempt_disable();						\
	xpcpu_this_ptr(ptr);						\
})

/**
 * xpcpu_put_ptr() - end the access begun by xpcpu_get_ptr()
 * @ptr: the pointer given to xpcpu_get_ptr()
 */
#define xpcpu_put_ptr(ptr)						\
do {									\
	(void)(ptr);							\
	preempt_enable();						\
} while (0)

/*
 * Static per-CPU variables.  The variable itself is a template in the
 * module's XPCPU_SECTION; its per-CPU copies live in the first
 * chunk (xpcpu.ko's own, in the static area; other modules', in the
 * reserved area), at a distance __xpcpu_delta from the template.  Every
 * module has its own __xpcpu_delta: a weak definition, merged when the
 * module is linked, set by xpcpu_module_init().
 */
#ifdef MODULE
# define XPCPU_SECTION	".data..xpcpu"
#else
/*
 * Built into vmlinux (the KUnit kernel) the templates go to a section that
 * the kernel's linker script already places in link order, so vmlinux has
 * no orphan section; on SMP (which xpcpu needs) nothing else fills it.
 */
# define XPCPU_SECTION	".data..shared_aligned"
#endif

extern char __xpcpu_start[];
extern char __xpcpu_end[];
extern unsigned long __xpcpu_delta;
unsigned long __weak __xpcpu_delta __read_mostly;

/**
 * DEFINE_XPCPU() - define a static per-CPU variable
 * @type: its type
 * @name: its name; an initialiser may follow the macro
 *
 * Every CPU's copy starts as a copy of the initialiser.  Alignments up to
 * SMP_CACHE_BYTES are kept.
 */
#define DEFINE_XPCPU(type, name)					\
	__section(XPCPU_SECTION) __typeof__(type) __xpcpu name

/**
 * DECLARE_XPCPU() - declare a static per-CPU variable defined elsewhere
 * @type: its type
 * @name: its name
 */
#define DECLARE_XPCPU(type, name)					\
	extern __section(XPCPU_SECTION) __typeof__(type) __xpcpu name

#define __xpcpu_var(name)						\
	((__force typeof(&(name)))((unsigned long)&(name) +		\
				     READ_ONCE(__xpcpu_delta)))

/**
 * xpcpu_var_ptr() - @cpu's copy of a static per-CPU variable
 * @name: the variable
 * @cpu: any possible CPU
 *
 * Return: a plain pointer to @cpu's copy.
 */
#define xpcpu_var_ptr(name, cpu)	xpcpu_ptr(__xpcpu_var(name), cpu)

/**
 * get_xpcpu_var() - disable preemption and name this CPU's copy (an lvalue)
 * @name: the variable
 */
#define get_xpcpu_var(name)	(*xpcpu_get_ptr(__xpcpu_var(name)))

/**
 * put_xpcpu_var() - end the access begun by get_xpcpu_var()
 * @name: the variable
 */
#define put_xpcpu_var(name)	xpcpu_put_ptr(__xpcpu_var(name))

int __xpcpu_module_init(struct module *mod, char *start, char *end,
			unsigned long *delta);
void __xpcpu_module_exit(struct module *mod, char *start);

/**
 * xpcpu_module_init() - give the calling module's static variables a home
 *
 * Copies the module's DEFINE_XPCPU() templates into every CPU's unit of
 * the reserved area.  Call it from module init before any access.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM when the reserved area cannot hold them.
 */
#define xpcpu_module_init()						\
	__xpcpu_module_init(THIS_MODULE, __xpcpu_start, __xpcpu_end,	\
			    &__xpcpu_delta)

/**
 * xpcpu_module_exit() - release the calling module's static variables
 *
 * Context: process context.
 */
#define xpcpu_module_exit()	__xpcpu_module_exit(THIS_MODULE, __xpcpu_start)

#endif /* _XPCPU_H */
