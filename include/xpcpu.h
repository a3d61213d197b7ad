/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpcpu - a per-CPU chunk allocator for modules: the public API, and its
 * manual.
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
 *	xpcpu_this_cpu_add(&st->bytes, len);	// the same, for one add
 *
 *	for_each_possible_cpu(cpu)
 *		total += xpcpu_ptr(st, cpu)->packets;
 *	xpcpu_free(st);
 *
 * Static per-CPU variables are declared with DEFINE_XPCPU().  A module
 * other than xpcpu.ko that defines some includes include/xpcpu.mk in its
 * Kbuild (one line, for a module of one object or of several), calls
 * xpcpu_module_init() in its init and xpcpu_module_exit() in its exit.
 * A module that builds against an installed xpcpu also names its
 * Module.symvers in KBUILD_EXTRA_SYMBOLS.  samples/xpcpu_sample.c is a
 * complete client; README.md "Using xpcpu from a module" has the Kbuild
 * lines.
 *
 * Limits: 1 byte to XPCPU_MAX_ALLOC_SIZE per CPU (32 KiB when xpcpu
 * takes its chunks from the kernel's per-CPU allocator, the kpcpu backend:
 * xpcpu_max_alloc_size() tells), rounded up to XPCPU_MIN_ALLOC_SIZE;
 * alignment a power of two up to PAGE_SIZE.  Static
 * variables keep alignments up to SMP_CACHE_BYTES and share the reserved
 * area (xpcpu.ko's reserved_size parameter, 8 KiB by default) with every
 * other client.
 */
#ifndef _XPCPU_H
#define _XPCPU_H

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#ifdef CONFIG_DEBUG_PREEMPT
#include <linux/sched.h>
#endif
#include <linux/types.h>

#ifdef __CHECKER__
# define __xpcpu	__attribute__((noderef, address_space(__xpcpu)))
#else
# define __xpcpu
#endif

/*
 * The API's version, also xpcpu.ko's MODULE_VERSION and dkms.conf's
 * PACKAGE_VERSION (make test checks that they agree).
 */
#define XPCPU_VERSION		"0.4.0"

/*
 * Largest object xpcpu_alloc() serves, per CPU, in any mode; the kpcpu
 * backend serves less (xpcpu_max_alloc_size()).
 */
#define XPCPU_MAX_ALLOC_SIZE	(64 << 10)
/* Smallest unit of allocation; sizes are rounded up to a multiple. */
#define XPCPU_MIN_ALLOC_SIZE	4

/**
 * xpcpu_request_ok() - would xpcpu serve this size and alignment?
 * @size: bytes per CPU
 * @align: alignment in bytes
 *
 * Context: any context.
 * Return: true for a size of 1 to XPCPU_MAX_ALLOC_SIZE bytes and an
 * alignment that is a power of two up to PAGE_SIZE (a size above
 * xpcpu_max_alloc_size() still fails).
 */
static inline bool xpcpu_request_ok(size_t size, size_t align)
{
	return size && size <= XPCPU_MAX_ALLOC_SIZE &&
	       is_power_of_2(align) && align <= PAGE_SIZE;
}

/**
 * xpcpu_max_alloc_size() - the largest area xpcpu serves as loaded
 *
 * XPCPU_MAX_ALLOC_SIZE, or XPCPU_KPCPU_UNIT_SIZE (32 KiB) when the
 * chunks come from the kernel's per-CPU allocator (the kpcpu backend,
 * chosen where the kernel's per-CPU offsets span too far for one vmap()).
 * Larger requests fail with a rate-limited warning, as bad sizes do.
 *
 * Context: any context.
 * Return: bytes per CPU.
 */
size_t xpcpu_max_alloc_size(void);

/**
 * __xpcpu_alloc() - allocate zeroed per-CPU memory, may sleep
 * @size: bytes per CPU, 1 to XPCPU_MAX_ALLOC_SIZE (rounded up to
 *	XPCPU_MIN_ALLOC_SIZE)
 * @align: alignment in bytes, a power of two up to PAGE_SIZE (below 4
 *	means 4)
 *
 * Every possible CPU's copy is zeroed.  A bad @size or @align returns
 * NULL with a rate-limited warning that names the caller.  xpcpu_alloc()
 * is the typed form.
 *
 * Context: process context, may sleep.
 * Return: a __xpcpu pointer, or NULL.
 */
void __xpcpu *__xpcpu_alloc(size_t size, size_t align);

/**
 * __xpcpu_alloc_gfp() - allocate zeroed per-CPU memory with gfp flags
 * @size: bytes per CPU, 1 to XPCPU_MAX_ALLOC_SIZE (rounded up to
 *	XPCPU_MIN_ALLOC_SIZE)
 * @align: alignment in bytes, a power of two up to PAGE_SIZE
 * @gfp: allocation flags; without __GFP_DIRECT_RECLAIM (GFP_NOWAIT,
 *	GFP_ATOMIC) the call never sleeps and only existing chunks serve it;
 *	where chunks come from the kernel's per-CPU allocator (the kpcpu
 *	backend) so are requests narrower than GFP_KERNEL (GFP_NOFS, GFP_NOIO,
 *	or in such a scope): they would wait for its pcpu_alloc_mutex
 *
 * As __xpcpu_alloc().  xpcpu_alloc_gfp() is the typed form.
 *
 * Context: any context if @gfp does not allow blocking (hard interrupts
 * and raw spinlocks included, on PREEMPT_RT too), else process context.
 * Return: a __xpcpu pointer, or NULL.
 */
void __xpcpu *__xpcpu_alloc_gfp(size_t size, size_t align, gfp_t gfp);

/**
 * xpcpu_free() - free memory from xpcpu_alloc() and friends
 * @ptr: the pointer; NULL does nothing
 *
 * A pointer xpcpu did not hand out, or one freed already, gets a
 * rate-limited warning and is ignored.  Memory a module allocated and
 * never freed is reported (and freed) when xpcpu.ko is unloaded.
 *
 * Context: any context, interrupts disabled, hard interrupts and raw
 * spinlocks included, on PREEMPT_RT too.
 */
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
 * @nr_populated_pages: pages all chunks hold, every CPU's unit included
 *	(and, with genuine pointers, each chunk's hole page)
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

/**
 * xpcpu_get_stats() - read the allocator's counters
 * @st: where they go (every field is written)
 *
 * For in-kernel users: the same numbers as /sys/kernel/debug/xpcpu/stats,
 * without debugfs.
 *
 * Context: any context.
 */
void xpcpu_get_stats(struct xpcpu_stats *st);

/**
 * xpcpu_set_caches() - turn the per-CPU caches on or off
 * @on: the new state; off drains every cache back to its chunks
 *
 * The same as writing xpcpu.ko's "caches" parameter.
 *
 * Context: process context.
 * Return: 0, or -ENODEV while xpcpu is not set up.
 */
int xpcpu_set_caches(bool on);

/**
 * xpcpu_caches_on() - are the per-CPU caches on?
 *
 * Context: any context.
 * Return: their state.
 */
bool xpcpu_caches_on(void);

/**
 * xpcpu_trim() - give back all memory that no live allocation uses
 *
 * Drains the per-CPU caches and frees every empty chunk, the spares
 * included.  For a cold start in benchmarks, or after a burst.
 *
 * Context: process context, may sleep.
 */
void xpcpu_trim(void);

/**
 * xpcpu_alloc() - allocate one zeroed object of @type per possible CPU
 * @type: the object's type; its size and alignment are used
 *
 * sizeof(@type) up to XPCPU_MAX_ALLOC_SIZE, __alignof__(@type) up to
 * PAGE_SIZE; see __xpcpu_alloc().
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
 * The limits of xpcpu_alloc(); see __xpcpu_alloc_gfp().
 *
 * Context: any context if @gfp does not allow blocking, else process
 * context.
 * Return: a __xpcpu pointer to @type, or NULL on failure.
 */
#define xpcpu_alloc_gfp(type, gfp)					\
	((type __xpcpu *)__xpcpu_alloc_gfp(sizeof(type),		\
					   __alignof__(type), gfp))

/*
 * Genuine per-CPU pointers: when xpcpu_genuine_ptrs is on (chosen at load,
 * see xpcpu.ko's "pointers" parameter), ptr + __per_cpu_offset[cpu] is
 * cpu's copy, as for the kernel's own __percpu pointers, so the kernel's
 * this_cpu_*() operations work on xpcpu areas: one %gs-relative
 * instruction, no preemption toggle.  Otherwise the xpcpu_this_cpu_*()
 * operations below work on this CPU's copy with preemption off.
 */
DECLARE_STATIC_KEY_FALSE(xpcpu_genuine_ptrs);

/**
 * xpcpu_genuine_pointers() - are xpcpu pointers genuine per-CPU pointers?
 *
 * Context: any context.
 * Return: true when per_cpu_ptr(), this_cpu_*() and raw_cpu_*() work on
 * xpcpu_as_percpu() of any xpcpu pointer.
 */
static inline bool xpcpu_genuine_pointers(void)
{
	return static_branch_likely(&xpcpu_genuine_ptrs);
}

/*
 * xpcpu_unit_off is each CPU's distance from unit 0 of any chunk: the same
 * in every chunk.  Reading it for the running CPU is one %gs-relative load.
 * With genuine pointers it equals __per_cpu_offset[cpu], which xpcpu_ptr()
 * reads instead: one array, not a per-CPU variable in every CPU's unit.
 */
DECLARE_PER_CPU(unsigned long, xpcpu_unit_off);

/*
 * __xpcpu_verify_ptr() - a compile-time check that @ptr is a pointer, and
 * (under sparse) an __xpcpu pointer; as the kernel's __verify_pcpu_ptr().
 */
#define __xpcpu_verify_ptr(ptr)						\
do {									\
	const void __xpcpu *__xpcpu_vp = (typeof((ptr) + 0))NULL;	\
	(void)__xpcpu_vp;						\
} while (0)

#define __xpcpu_strip(ptr, off)						\
	((typeof(*(ptr)) __kernel __force *)((unsigned long)(ptr) + (off)))

/**
 * xpcpu_ptr() - the copy of an xpcpu object that belongs to @cpu
 * @ptr: a __xpcpu pointer, from xpcpu_alloc() or xpcpu_var()
 * @cpu: any possible CPU
 *
 * The copy stays valid until @ptr is freed; nothing keeps @cpu from
 * changing it meanwhile, so summing every CPU's copy while others write
 * gives a snapshot, not an atomic total (read 1 to 8 byte scalars with
 * READ_ONCE() then).
 *
 * Context: any context.
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_ptr(ptr, cpu)						\
({									\
	__xpcpu_verify_ptr(ptr);					\
	__xpcpu_strip(ptr, xpcpu_genuine_pointers() ?			\
		      per_cpu_offset(cpu) :				\
		      per_cpu(xpcpu_unit_off, cpu));			\
})

/**
 * xpcpu_this_ptr() - the running CPU's copy of an xpcpu object
 * @ptr: a __xpcpu pointer
 *
 * Context: any context with preemption disabled, kept so while the result
 * is used (CONFIG_DEBUG_PREEMPT checks it).
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_this_ptr(ptr)						\
({									\
	__xpcpu_verify_ptr(ptr);					\
	__xpcpu_strip(ptr, __this_cpu_read(xpcpu_unit_off));		\
})

/**
 * xpcpu_get_ptr() - disable preemption and return this CPU's copy
 * @ptr: a __xpcpu pointer
 *
 * Pair every call with xpcpu_put_ptr() on the same pointer; the result
 * is valid until then.  Interrupts on this CPU may still change the copy:
 * use xpcpu_this_cpu_add() and friends for data that interrupts touch.
 *
 * Context: any context; the caller may not sleep until xpcpu_put_ptr().
 * Return: a plain pointer of type ``typeof(*ptr) *``.
 */
#define xpcpu_get_ptr(ptr)						\
({									\
	preempt_disable();						\
	xpcpu_this_ptr(ptr);						\
})

/**
 * xpcpu_put_ptr() - end the access begun by xpcpu_get_ptr()
 * @ptr: the __xpcpu pointer given to xpcpu_get_ptr(), not its result
 *
 * @ptr is checked to be a pointer (and, under sparse, an __xpcpu one).
 *
 * Context: after xpcpu_get_ptr(); re-enables preemption.
 */
#define xpcpu_put_ptr(ptr)						\
do {									\
	__xpcpu_verify_ptr(ptr);					\
	preempt_enable();						\
} while (0)

/**
 * xpcpu_as_percpu() - an xpcpu pointer as the kernel's __percpu pointer
 * @ptr: a __xpcpu pointer
 *
 * Only meaningful when xpcpu_genuine_pointers() is true.
 *
 * Context: any context.
 * Return: the same value as ``typeof(*ptr) __percpu *``.
 */
#define xpcpu_as_percpu(ptr)						\
	((typeof(*(ptr)) __percpu __force *)(unsigned long)(ptr))

/*
 * The this_cpu family: every operation of the kernel's
 * include/linux/percpu-defs.h, in its three forms and with its semantics:
 *
 *   xpcpu_this_cpu_<op>()	any context: safe from preemption and from
 *				interrupts on this CPU
 *   __xpcpu_this_cpu_<op>()	preemption (or interrupts) already off; under
 *				CONFIG_DEBUG_PREEMPT a preemptible caller
 *				gets a warning, as __this_cpu_<op>() does
 *   xpcpu_raw_cpu_<op>()	no check and no protection, as raw_cpu_<op>()
 *
 * <op> is read, write, add, sub, inc, dec, and, or, add_return,
 * sub_return, inc_return, dec_return, xchg, cmpxchg, try_cmpxchg (false
 * on failure, with the value found stored in *ovalp), cmpxchg64 and
 * try_cmpxchg64; cmpxchg128 and try_cmpxchg128 where the kernel has
 * this_cpu_cmpxchg128() (6.12), cmpxchg_double where it has
 * this_cpu_cmpxchg_double() instead (6.1).  The object is a scalar of 1, 2,
 * 4 or 8 bytes (cmpxchg64: 8; cmpxchg128: 16; cmpxchg_double: two adjacent
 * longs, the first aligned to twice its size); any other size stops the
 * build, as __pcpu_size_call() does.  Values are converted to the object's
 * type first: on an unsigned type, adding -1 wraps as the kernel's do.
 *
 * With genuine pointers each operation is the kernel's own of the same
 * name on xpcpu_as_percpu(ptr) (x86: one %gs-relative instruction).  With
 * offset pointers (the __xpcpu_off_*() helpers, which also work on
 * genuine pointers, so that tests can reach them in either mode) the
 * this_cpu form changes this CPU's copy with preemption off, in one
 * instruction (add on x86) or a cmpxchg_local() loop, which no interrupt on
 * this CPU splits; the raw form is plain C on this CPU's copy.  The
 * 128-bit and double forms work on this CPU's copy in either mode, with
 * cmpxchg128_local() / cmpxchg_double_local() (interrupts off on a CPU
 * without CMPXCHG16B): the kernel's own fall back to
 * this_cpu_cmpxchg16b_emu(), which is not exported to modules.
 */

/* The type of the object @ptr points to, without the __xpcpu space. */
#define __xpcpu_type(ptr)	typeof(*__xpcpu_strip(ptr, 0))

#define __xpcpu_check_size_is(ptr, size)				\
	compiletime_assert(sizeof(__xpcpu_type(ptr)) == (size),		\
			   "xpcpu: this operation takes an object of " #size " bytes")

/* A __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes, at build time. */
#define __xpcpu_check(ptr)						\
do {									\
	__xpcpu_verify_ptr(ptr);					\
	compiletime_assert(sizeof(__xpcpu_type(ptr)) == 1 ||		\
			   sizeof(__xpcpu_type(ptr)) == 2 ||		\
			   sizeof(__xpcpu_type(ptr)) == 4 ||		\
			   sizeof(__xpcpu_type(ptr)) == 8,		\
			   "xpcpu: this_cpu operations take a scalar of 1, 2, 4 or 8 bytes"); \
} while (0)

#ifdef CONFIG_DEBUG_PREEMPT
/*
 * __this_cpu_preempt_check() for xpcpu (check_preemption_disabled() is
 * not exported to modules): the caller must not be preemptible, unless
 * it cannot migrate (a per-CPU kthread, or migrate_disable()).  Warns
 * once per call site.
 */
#define __xpcpu_preempt_check(op)					\
	WARN_ONCE(preemptible() && !is_percpu_thread() &&		\
		  !current->migration_disabled,				\
		  "xpcpu: __xpcpu_this_cpu_" op "() in preemptible code: %s/%d\n", \
		  current->comm, current->pid)
#else
#define __xpcpu_preempt_check(op)	do { } while (0)
#endif

/* Offset pointers: this CPU's copy; the caller keeps the task here. */
#define __xpcpu_off_ptr(ptr)						\
	__xpcpu_strip(ptr, raw_cpu_read(xpcpu_unit_off))

#ifdef CONFIG_X86
/* One read-modify-write instruction: an interrupt sees it done or not. */
#define __xpcpu_local_add(p, val)					\
do {									\
	typeof(*(p)) __xpcpu_v = (val);					\
									\
	switch (sizeof(*(p))) {						\
	case 1:								\
		asm volatile("addb %1, %0" : "+m" (*(p)) : "qi" (__xpcpu_v)); \
		break;							\
	case 2:								\
		asm volatile("addw %1, %0" : "+m" (*(p)) : "ri" (__xpcpu_v)); \
		break;							\
	case 4:								\
		asm volatile("addl %1, %0" : "+m" (*(p)) : "ri" (__xpcpu_v)); \
		break;							\
	case 8:								\
		asm volatile("addq %1, %0" : "+m" (*(p)) : "re" (__xpcpu_v)); \
		break;							\
	default:							\
		__bad_size_call_parameter();				\
	}								\
} while (0)
#else
/* cmpxchg_local(): no interrupt on this CPU splits it. */
#define __xpcpu_local_add(p, val)					\
do {									\
	typeof(*(p)) __xpcpu_old;					\
									\
	do {								\
		__xpcpu_old = READ_ONCE(*(p));				\
	} while (cmpxchg_local(p, __xpcpu_old,				\
			       __xpcpu_old + (val)) != __xpcpu_old);	\
} while (0)
#endif

#define __xpcpu_op_add(old, val)	((old) + (val))
#define __xpcpu_op_and(old, val)	((old) & (val))
#define __xpcpu_op_or(old, val)		((old) | (val))
#define __xpcpu_op_set(old, val)	(val)

/*
 * Offset pointers, preemption-safe: one update of this CPU's copy that no
 * interrupt on this CPU splits (cmpxchg_local() until it sticks); the new
 * value if @ret_new, else the old one.
 */
#define __xpcpu_off_this_cpu_rmw(ptr, op, val, ret_new)		\
({									\
	__xpcpu_type(ptr) *__xo_p, __xo_old, __xo_new;			\
	__xpcpu_type(ptr) __xo_val = (val);				\
									\
	preempt_disable_notrace();					\
	__xo_p = __xpcpu_off_ptr(ptr);					\
	do {								\
		__xo_old = READ_ONCE(*__xo_p);				\
		__xo_new = op(__xo_old, __xo_val);			\
	} while (cmpxchg_local(__xo_p, __xo_old, __xo_new) != __xo_old); \
	preempt_enable_notrace();					\
	(ret_new) ? __xo_new : __xo_old;				\
})

/* Offset pointers, raw: plain C on this CPU's copy. */
#define __xpcpu_off_raw_cpu_rmw(ptr, op, val, ret_new)			\
({									\
	__xpcpu_type(ptr) *__xo_p = __xpcpu_off_ptr(ptr);		\
	__xpcpu_type(ptr) __xo_old = *__xo_p;				\
	__xpcpu_type(ptr) __xo_new = op(__xo_old, (val));		\
									\
	*__xo_p = __xo_new;						\
	(ret_new) ? __xo_new : __xo_old;				\
})

/*
 * try_cmpxchg from cmpxchg, as asm-generic's __cpu_fallback_try_cmpxchg():
 * @cx is a cmpxchg of the same form.
 */
#define __xpcpu_try_cmpxchg(cx, ptr, ovalp, nval)			\
({									\
	__xpcpu_type(ptr) *__xt_op = (ovalp);				\
	__xpcpu_type(ptr) __xt_old = *__xt_op;				\
	__xpcpu_type(ptr) __xt_ret = cx(ptr, __xt_old, nval);		\
									\
	if (unlikely(__xt_ret != __xt_old))				\
		*__xt_op = __xt_ret;					\
	likely(__xt_ret == __xt_old);					\
})

#define __xpcpu_off_this_cpu_read(ptr)					\
({									\
	__xpcpu_type(ptr) __xo_ret;					\
									\
	preempt_disable_notrace();					\
	__xo_ret = READ_ONCE(*__xpcpu_off_ptr(ptr));			\
	preempt_enable_notrace();					\
	__xo_ret;							\
})
#define __xpcpu_off_raw_cpu_read(ptr)	READ_ONCE(*__xpcpu_off_ptr(ptr))

#define __xpcpu_off_this_cpu_write(ptr, val)				\
do {									\
	preempt_disable_notrace();					\
	WRITE_ONCE(*__xpcpu_off_ptr(ptr), val);				\
	preempt_enable_notrace();					\
} while (0)
#define __xpcpu_off_raw_cpu_write(ptr, val)				\
	WRITE_ONCE(*__xpcpu_off_ptr(ptr), val)

#define __xpcpu_off_this_cpu_add(ptr, val)				\
do {									\
	preempt_disable_notrace();					\
	__xpcpu_local_add(__xpcpu_off_ptr(ptr), val);			\
	preempt_enable_notrace();					\
} while (0)
#define __xpcpu_off_raw_cpu_add(ptr, val)				\
	((void)__xpcpu_off_raw_cpu_rmw(ptr, __xpcpu_op_add, val, true))

#define __xpcpu_off_this_cpu_and(ptr, val)				\
	((void)__xpcpu_off_this_cpu_rmw(ptr, __xpcpu_op_and, val, true))
#define __xpcpu_off_raw_cpu_and(ptr, val)				\
	((void)__xpcpu_off_raw_cpu_rmw(ptr, __xpcpu_op_and, val, true))
#define __xpcpu_off_this_cpu_or(ptr, val)				\
	((void)__xpcpu_off_this_cpu_rmw(ptr, __xpcpu_op_or, val, true))
#define __xpcpu_off_raw_cpu_or(ptr, val)				\
	((void)__xpcpu_off_raw_cpu_rmw(ptr, __xpcpu_op_or, val, true))
#define __xpcpu_off_this_cpu_add_return(ptr, val)			\
	__xpcpu_off_this_cpu_rmw(ptr, __xpcpu_op_add, val, true)
#define __xpcpu_off_raw_cpu_add_return(ptr, val)			\
	__xpcpu_off_raw_cpu_rmw(ptr, __xpcpu_op_add, val, true)
#define __xpcpu_off_this_cpu_xchg(ptr, nval)				\
	__xpcpu_off_this_cpu_rmw(ptr, __xpcpu_op_set, nval, false)
#define __xpcpu_off_raw_cpu_xchg(ptr, nval)				\
	__xpcpu_off_raw_cpu_rmw(ptr, __xpcpu_op_set, nval, false)

#define __xpcpu_off_this_cpu_cmpxchg(ptr, oval, nval)			\
({									\
	__xpcpu_type(ptr) __xo_ret;					\
									\
	preempt_disable_notrace();					\
	__xo_ret = cmpxchg_local(__xpcpu_off_ptr(ptr), oval, nval);	\
	preempt_enable_notrace();					\
	__xo_ret;							\
})
#define __xpcpu_off_raw_cpu_cmpxchg(ptr, oval, nval)			\
({									\
	__xpcpu_type(ptr) *__xo_p = __xpcpu_off_ptr(ptr);		\
	__xpcpu_type(ptr) __xo_old = (oval);				\
	__xpcpu_type(ptr) __xo_ret = *__xo_p;				\
									\
	if (__xo_ret == __xo_old)					\
		*__xo_p = (nval);					\
	__xo_ret;							\
})

#define __xpcpu_off_this_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_off_this_cpu_cmpxchg, ptr, ovalp, nval)
#define __xpcpu_off_raw_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_off_raw_cpu_cmpxchg, ptr, ovalp, nval)

/* The operations derived from add, add_return and cmpxchg, as the kernel's. */
#define __xpcpu_off_this_cpu_sub(ptr, val)				\
	__xpcpu_off_this_cpu_add(ptr, -(__xpcpu_type(ptr))(val))
#define __xpcpu_off_raw_cpu_sub(ptr, val)				\
	__xpcpu_off_raw_cpu_add(ptr, -(__xpcpu_type(ptr))(val))
#define __xpcpu_off_this_cpu_inc(ptr)	__xpcpu_off_this_cpu_add(ptr, 1)
#define __xpcpu_off_raw_cpu_inc(ptr)	__xpcpu_off_raw_cpu_add(ptr, 1)
#define __xpcpu_off_this_cpu_dec(ptr)	__xpcpu_off_this_cpu_sub(ptr, 1)
#define __xpcpu_off_raw_cpu_dec(ptr)	__xpcpu_off_raw_cpu_sub(ptr, 1)
#define __xpcpu_off_this_cpu_sub_return(ptr, val)			\
	__xpcpu_off_this_cpu_add_return(ptr, -(__xpcpu_type(ptr))(val))
#define __xpcpu_off_raw_cpu_sub_return(ptr, val)			\
	__xpcpu_off_raw_cpu_add_return(ptr, -(__xpcpu_type(ptr))(val))
#define __xpcpu_off_this_cpu_inc_return(ptr)				\
	__xpcpu_off_this_cpu_add_return(ptr, 1)
#define __xpcpu_off_raw_cpu_inc_return(ptr)				\
	__xpcpu_off_raw_cpu_add_return(ptr, 1)
#define __xpcpu_off_this_cpu_dec_return(ptr)				\
	__xpcpu_off_this_cpu_add_return(ptr, -1)
#define __xpcpu_off_raw_cpu_dec_return(ptr)				\
	__xpcpu_off_raw_cpu_add_return(ptr, -1)
#define __xpcpu_off_this_cpu_cmpxchg64(ptr, oval, nval)			\
	__xpcpu_off_this_cpu_cmpxchg(ptr, oval, nval)
#define __xpcpu_off_raw_cpu_cmpxchg64(ptr, oval, nval)			\
	__xpcpu_off_raw_cpu_cmpxchg(ptr, oval, nval)
#define __xpcpu_off_this_cpu_try_cmpxchg64(ptr, ovalp, nval)		\
	__xpcpu_off_this_cpu_try_cmpxchg(ptr, ovalp, nval)
#define __xpcpu_off_raw_cpu_try_cmpxchg64(ptr, ovalp, nval)		\
	__xpcpu_off_raw_cpu_try_cmpxchg(ptr, ovalp, nval)

/* Genuine pointers: the kernel's own operation on the same address. */
#define __xpcpu_pc_this_cpu_read(ptr)					\
	this_cpu_read(*xpcpu_as_percpu(ptr))
#define __xpcpu_pc_raw_cpu_read(ptr)					\
	raw_cpu_read(*xpcpu_as_percpu(ptr))
#define __xpcpu_pc_this_cpu_write(ptr, val)				\
	this_cpu_write(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_raw_cpu_write(ptr, val)				\
	raw_cpu_write(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_this_cpu_add(ptr, val)				\
	this_cpu_add(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_raw_cpu_add(ptr, val)				\
	raw_cpu_add(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_this_cpu_and(ptr, val)				\
	this_cpu_and(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_raw_cpu_and(ptr, val)				\
	raw_cpu_and(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_this_cpu_or(ptr, val)				\
	this_cpu_or(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_raw_cpu_or(ptr, val)					\
	raw_cpu_or(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_this_cpu_add_return(ptr, val)			\
	this_cpu_add_return(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_raw_cpu_add_return(ptr, val)				\
	raw_cpu_add_return(*xpcpu_as_percpu(ptr), val)
#define __xpcpu_pc_this_cpu_xchg(ptr, nval)				\
	this_cpu_xchg(*xpcpu_as_percpu(ptr), nval)
#define __xpcpu_pc_raw_cpu_xchg(ptr, nval)				\
	raw_cpu_xchg(*xpcpu_as_percpu(ptr), nval)
#define __xpcpu_pc_this_cpu_cmpxchg(ptr, oval, nval)			\
	this_cpu_cmpxchg(*xpcpu_as_percpu(ptr), oval, nval)
#define __xpcpu_pc_raw_cpu_cmpxchg(ptr, oval, nval)			\
	raw_cpu_cmpxchg(*xpcpu_as_percpu(ptr), oval, nval)
#ifdef this_cpu_try_cmpxchg
#define __xpcpu_pc_this_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	this_cpu_try_cmpxchg(*xpcpu_as_percpu(ptr), ovalp, nval)
#define __xpcpu_pc_raw_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	raw_cpu_try_cmpxchg(*xpcpu_as_percpu(ptr), ovalp, nval)
#else
/* 6.1 has no this_cpu_try_cmpxchg(): as asm-generic's fallback. */
#define __xpcpu_pc_this_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_pc_this_cpu_cmpxchg, ptr, ovalp, nval)
#define __xpcpu_pc_raw_cpu_try_cmpxchg(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_pc_raw_cpu_cmpxchg, ptr, ovalp, nval)
#endif

/**
 * xpcpu_this_cpu_read() - read this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the value, of type ``typeof(*ptr)``.
 */
#define xpcpu_this_cpu_read(ptr)					\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_this_cpu_read(ptr);		\
	else								\
		__xd_ret = __xpcpu_off_this_cpu_read(ptr);		\
	__xd_ret;							\
})

/**
 * __xpcpu_this_cpu_read() - xpcpu_this_cpu_read(), preemption already off
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the value, of type ``typeof(*ptr)``.
 */
#define __xpcpu_this_cpu_read(ptr)					\
({									\
	__xpcpu_preempt_check("read");					\
	xpcpu_raw_cpu_read(ptr);					\
})

/**
 * xpcpu_raw_cpu_read() - xpcpu_this_cpu_read(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the value, of type ``typeof(*ptr)``.
 */
#define xpcpu_raw_cpu_read(ptr)						\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_raw_cpu_read(ptr);		\
	else								\
		__xd_ret = __xpcpu_off_raw_cpu_read(ptr);		\
	__xd_ret;							\
})

/**
 * xpcpu_this_cpu_write() - set this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @val: the new value
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_write(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_this_cpu_write(ptr, val);			\
	else								\
		__xpcpu_off_this_cpu_write(ptr, val);			\
} while (0)

/**
 * __xpcpu_this_cpu_write() - xpcpu_this_cpu_write(), preemption already off
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @val: the new value
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_write(ptr, val)				\
do {									\
	__xpcpu_preempt_check("write");					\
	xpcpu_raw_cpu_write(ptr, val);					\
} while (0)

/**
 * xpcpu_raw_cpu_write() - xpcpu_this_cpu_write(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @val: the new value
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_write(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_raw_cpu_write(ptr, val);			\
	else								\
		__xpcpu_off_raw_cpu_write(ptr, val);			\
} while (0)

/**
 * xpcpu_this_cpu_add() - add to this CPU's copy
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add (converted to ``typeof(*ptr)`` first)
 *
 * With genuine pointers this is this_cpu_add(), else this CPU's copy is
 * changed with preemption off, in one instruction on x86 (else with
 * cmpxchg_local()), so that interrupts on this CPU cannot split it.
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_add(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_this_cpu_add(ptr, val);			\
	else								\
		__xpcpu_off_this_cpu_add(ptr, val);			\
} while (0)

/**
 * __xpcpu_this_cpu_add() - xpcpu_this_cpu_add(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add (converted to ``typeof(*ptr)`` first)
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_add(ptr, val)					\
do {									\
	__xpcpu_preempt_check("add");					\
	xpcpu_raw_cpu_add(ptr, val);					\
} while (0)

/**
 * xpcpu_raw_cpu_add() - xpcpu_this_cpu_add(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add (converted to ``typeof(*ptr)`` first)
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_add(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_raw_cpu_add(ptr, val);			\
	else								\
		__xpcpu_off_raw_cpu_add(ptr, val);			\
} while (0)

/**
 * xpcpu_this_cpu_sub() - subtract from this CPU's copy
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_sub(ptr, val)					\
	xpcpu_this_cpu_add(ptr, -(__xpcpu_type(ptr))(val))

/**
 * __xpcpu_this_cpu_sub() - xpcpu_this_cpu_sub(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_sub(ptr, val)					\
	__xpcpu_this_cpu_add(ptr, -(__xpcpu_type(ptr))(val))

/**
 * xpcpu_raw_cpu_sub() - xpcpu_this_cpu_sub(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_sub(ptr, val)					\
	xpcpu_raw_cpu_add(ptr, -(__xpcpu_type(ptr))(val))

/**
 * xpcpu_this_cpu_inc() - add one to this CPU's copy
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_inc(ptr)						\
	xpcpu_this_cpu_add(ptr, 1)

/**
 * __xpcpu_this_cpu_inc() - xpcpu_this_cpu_inc(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_inc(ptr)					\
	__xpcpu_this_cpu_add(ptr, 1)

/**
 * xpcpu_raw_cpu_inc() - xpcpu_this_cpu_inc(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_inc(ptr)						\
	xpcpu_raw_cpu_add(ptr, 1)

/**
 * xpcpu_this_cpu_dec() - subtract one from this CPU's copy
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_dec(ptr)						\
	xpcpu_this_cpu_sub(ptr, 1)

/**
 * __xpcpu_this_cpu_dec() - xpcpu_this_cpu_dec(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_dec(ptr)					\
	__xpcpu_this_cpu_sub(ptr, 1)

/**
 * xpcpu_raw_cpu_dec() - xpcpu_this_cpu_dec(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_dec(ptr)						\
	xpcpu_raw_cpu_sub(ptr, 1)

/**
 * xpcpu_this_cpu_and() - bitwise-and this CPU's copy with @val
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the mask
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_and(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_this_cpu_and(ptr, val);			\
	else								\
		__xpcpu_off_this_cpu_and(ptr, val);			\
} while (0)

/**
 * __xpcpu_this_cpu_and() - xpcpu_this_cpu_and(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the mask
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_and(ptr, val)					\
do {									\
	__xpcpu_preempt_check("and");					\
	xpcpu_raw_cpu_and(ptr, val);					\
} while (0)

/**
 * xpcpu_raw_cpu_and() - xpcpu_this_cpu_and(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the mask
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_and(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_raw_cpu_and(ptr, val);			\
	else								\
		__xpcpu_off_raw_cpu_and(ptr, val);			\
} while (0)

/**
 * xpcpu_this_cpu_or() - bitwise-or @val into this CPU's copy
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the bits to set
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 */
#define xpcpu_this_cpu_or(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_this_cpu_or(ptr, val);			\
	else								\
		__xpcpu_off_this_cpu_or(ptr, val);			\
} while (0)

/**
 * __xpcpu_this_cpu_or() - xpcpu_this_cpu_or(), preemption already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the bits to set
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 */
#define __xpcpu_this_cpu_or(ptr, val)					\
do {									\
	__xpcpu_preempt_check("or");					\
	xpcpu_raw_cpu_or(ptr, val);					\
} while (0)

/**
 * xpcpu_raw_cpu_or() - xpcpu_this_cpu_or(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: the bits to set
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 */
#define xpcpu_raw_cpu_or(ptr, val)					\
do {									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xpcpu_pc_raw_cpu_or(ptr, val);			\
	else								\
		__xpcpu_off_raw_cpu_or(ptr, val);			\
} while (0)

/**
 * xpcpu_this_cpu_add_return() - add to this CPU's copy and return the sum
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the new value.
 */
#define xpcpu_this_cpu_add_return(ptr, val)				\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_this_cpu_add_return(ptr, val);	\
	else								\
		__xd_ret = __xpcpu_off_this_cpu_add_return(ptr, val);	\
	__xd_ret;							\
})

/**
 * __xpcpu_this_cpu_add_return() - xpcpu_this_cpu_add_return(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the new value.
 */
#define __xpcpu_this_cpu_add_return(ptr, val)				\
({									\
	__xpcpu_preempt_check("add_return");				\
	xpcpu_raw_cpu_add_return(ptr, val);				\
})

/**
 * xpcpu_raw_cpu_add_return() - xpcpu_this_cpu_add_return(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to add
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the new value.
 */
#define xpcpu_raw_cpu_add_return(ptr, val)				\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_raw_cpu_add_return(ptr, val);	\
	else								\
		__xd_ret = __xpcpu_off_raw_cpu_add_return(ptr, val);	\
	__xd_ret;							\
})

/**
 * xpcpu_this_cpu_sub_return() - subtract from this CPU's copy and return the
 *	result
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the new value.
 */
#define xpcpu_this_cpu_sub_return(ptr, val)				\
	xpcpu_this_cpu_add_return(ptr, -(__xpcpu_type(ptr))(val))

/**
 * __xpcpu_this_cpu_sub_return() - xpcpu_this_cpu_sub_return(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the new value.
 */
#define __xpcpu_this_cpu_sub_return(ptr, val)				\
	__xpcpu_this_cpu_add_return(ptr, -(__xpcpu_type(ptr))(val))

/**
 * xpcpu_raw_cpu_sub_return() - xpcpu_this_cpu_sub_return(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 * @val: what to subtract
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the new value.
 */
#define xpcpu_raw_cpu_sub_return(ptr, val)				\
	xpcpu_raw_cpu_add_return(ptr, -(__xpcpu_type(ptr))(val))

/**
 * xpcpu_this_cpu_inc_return() - add one to this CPU's copy and return it
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the new value.
 */
#define xpcpu_this_cpu_inc_return(ptr)					\
	xpcpu_this_cpu_add_return(ptr, 1)

/**
 * __xpcpu_this_cpu_inc_return() - xpcpu_this_cpu_inc_return(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the new value.
 */
#define __xpcpu_this_cpu_inc_return(ptr)				\
	__xpcpu_this_cpu_add_return(ptr, 1)

/**
 * xpcpu_raw_cpu_inc_return() - xpcpu_this_cpu_inc_return(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the new value.
 */
#define xpcpu_raw_cpu_inc_return(ptr)					\
	xpcpu_raw_cpu_add_return(ptr, 1)

/**
 * xpcpu_this_cpu_dec_return() - subtract one from this CPU's copy and return it
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the new value.
 */
#define xpcpu_this_cpu_dec_return(ptr)					\
	xpcpu_this_cpu_add_return(ptr, -1)

/**
 * __xpcpu_this_cpu_dec_return() - xpcpu_this_cpu_dec_return(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the new value.
 */
#define __xpcpu_this_cpu_dec_return(ptr)				\
	__xpcpu_this_cpu_add_return(ptr, -1)

/**
 * xpcpu_raw_cpu_dec_return() - xpcpu_this_cpu_dec_return(), unchecked
 * @ptr: a __xpcpu pointer to an integer of 1, 2, 4 or 8 bytes
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the new value.
 */
#define xpcpu_raw_cpu_dec_return(ptr)					\
	xpcpu_raw_cpu_add_return(ptr, -1)

/**
 * xpcpu_this_cpu_xchg() - exchange this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @nval: the value stored
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the value the copy held before.
 */
#define xpcpu_this_cpu_xchg(ptr, nval)					\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_this_cpu_xchg(ptr, nval);		\
	else								\
		__xd_ret = __xpcpu_off_this_cpu_xchg(ptr, nval);	\
	__xd_ret;							\
})

/**
 * __xpcpu_this_cpu_xchg() - xpcpu_this_cpu_xchg(), preemption already off
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @nval: the value stored
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the value the copy held before.
 */
#define __xpcpu_this_cpu_xchg(ptr, nval)				\
({									\
	__xpcpu_preempt_check("xchg");					\
	xpcpu_raw_cpu_xchg(ptr, nval);					\
})

/**
 * xpcpu_raw_cpu_xchg() - xpcpu_this_cpu_xchg(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @nval: the value stored
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the value the copy held before.
 */
#define xpcpu_raw_cpu_xchg(ptr, nval)					\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_raw_cpu_xchg(ptr, nval);		\
	else								\
		__xd_ret = __xpcpu_off_raw_cpu_xchg(ptr, nval);		\
	__xd_ret;							\
})

/**
 * xpcpu_this_cpu_cmpxchg() - compare and exchange this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the value the copy held before (@oval on success).
 */
#define xpcpu_this_cpu_cmpxchg(ptr, oval, nval)				\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_this_cpu_cmpxchg(ptr, oval, nval); \
	else								\
		__xd_ret = __xpcpu_off_this_cpu_cmpxchg(ptr, oval, nval); \
	__xd_ret;							\
})

/**
 * __xpcpu_this_cpu_cmpxchg() - xpcpu_this_cpu_cmpxchg(), preemption already off
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the value the copy held before (@oval on success).
 */
#define __xpcpu_this_cpu_cmpxchg(ptr, oval, nval)			\
({									\
	__xpcpu_preempt_check("cmpxchg");				\
	xpcpu_raw_cpu_cmpxchg(ptr, oval, nval);				\
})

/**
 * xpcpu_raw_cpu_cmpxchg() - xpcpu_this_cpu_cmpxchg(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the value the copy held before (@oval on success).
 */
#define xpcpu_raw_cpu_cmpxchg(ptr, oval, nval)				\
({									\
	__xpcpu_type(ptr) __xd_ret;					\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_raw_cpu_cmpxchg(ptr, oval, nval);	\
	else								\
		__xd_ret = __xpcpu_off_raw_cpu_cmpxchg(ptr, oval, nval); \
	__xd_ret;							\
})

/**
 * xpcpu_this_cpu_cmpxchg64() - compare and exchange an 8-byte copy
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the value the copy held before.
 */
#define xpcpu_this_cpu_cmpxchg64(ptr, oval, nval)			\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	xpcpu_this_cpu_cmpxchg(ptr, oval, nval);			\
})

/**
 * __xpcpu_this_cpu_cmpxchg64() - xpcpu_this_cpu_cmpxchg64(), preemption already
 *	off
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the value the copy held before.
 */
#define __xpcpu_this_cpu_cmpxchg64(ptr, oval, nval)			\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	__xpcpu_this_cpu_cmpxchg(ptr, oval, nval);			\
})

/**
 * xpcpu_raw_cpu_cmpxchg64() - xpcpu_this_cpu_cmpxchg64(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the value the copy held before.
 */
#define xpcpu_raw_cpu_cmpxchg64(ptr, oval, nval)			\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	xpcpu_raw_cpu_cmpxchg(ptr, oval, nval);				\
})

/**
 * xpcpu_this_cpu_try_cmpxchg() - compare and exchange this CPU's copy, updating
 *	the expected value
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @ovalp: a plain pointer to the value expected; on failure the value
 *	found is stored there
 * @nval: the value stored if the copy holds ``*ovalp``
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: true if @nval was stored.
 */
#define xpcpu_this_cpu_try_cmpxchg(ptr, ovalp, nval)			\
({									\
	bool __xd_ret;							\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_this_cpu_try_cmpxchg(ptr, ovalp, nval); \
	else								\
		__xd_ret = __xpcpu_off_this_cpu_try_cmpxchg(ptr, ovalp, nval); \
	__xd_ret;							\
})

/**
 * __xpcpu_this_cpu_try_cmpxchg() - xpcpu_this_cpu_try_cmpxchg(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @ovalp: a plain pointer to the value expected; on failure the value
 *	found is stored there
 * @nval: the value stored if the copy holds ``*ovalp``
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: true if @nval was stored.
 */
#define __xpcpu_this_cpu_try_cmpxchg(ptr, ovalp, nval)			\
({									\
	__xpcpu_preempt_check("try_cmpxchg");				\
	xpcpu_raw_cpu_try_cmpxchg(ptr, ovalp, nval);			\
})

/**
 * xpcpu_raw_cpu_try_cmpxchg() - xpcpu_this_cpu_try_cmpxchg(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @ovalp: a plain pointer to the value expected; on failure the value
 *	found is stored there
 * @nval: the value stored if the copy holds ``*ovalp``
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: true if @nval was stored.
 */
#define xpcpu_raw_cpu_try_cmpxchg(ptr, ovalp, nval)			\
({									\
	bool __xd_ret;							\
									\
	__xpcpu_check(ptr);						\
	if (xpcpu_genuine_pointers())					\
		__xd_ret = __xpcpu_pc_raw_cpu_try_cmpxchg(ptr, ovalp, nval); \
	else								\
		__xd_ret = __xpcpu_off_raw_cpu_try_cmpxchg(ptr, ovalp, nval); \
	__xd_ret;							\
})

/**
 * xpcpu_this_cpu_try_cmpxchg64() - try_cmpxchg of an 8-byte copy
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: true if @nval was stored.
 */
#define xpcpu_this_cpu_try_cmpxchg64(ptr, ovalp, nval)			\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	xpcpu_this_cpu_try_cmpxchg(ptr, ovalp, nval);			\
})

/**
 * __xpcpu_this_cpu_try_cmpxchg64() - xpcpu_this_cpu_try_cmpxchg64(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: true if @nval was stored.
 */
#define __xpcpu_this_cpu_try_cmpxchg64(ptr, ovalp, nval)		\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	__xpcpu_this_cpu_try_cmpxchg(ptr, ovalp, nval);			\
})

/**
 * xpcpu_raw_cpu_try_cmpxchg64() - xpcpu_this_cpu_try_cmpxchg64(), unchecked
 * @ptr: a __xpcpu pointer to a scalar of 8 bytes
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: true if @nval was stored.
 */
#define xpcpu_raw_cpu_try_cmpxchg64(ptr, ovalp, nval)			\
({									\
	__xpcpu_check_size_is(ptr, 8);					\
	xpcpu_raw_cpu_try_cmpxchg(ptr, ovalp, nval);			\
})

#if defined(CONFIG_ARCH_SUPPORTS_INT128) && defined(this_cpu_cmpxchg128)
/* Interrupts off around the compare and store: this_cpu_cmpxchg16b_emu(). */
#define __xpcpu_cmpxchg128_irq(p, oval, nval)				\
({									\
	typeof(*(p)) __xq_ret, __xq_old = (oval);			\
	unsigned long __xq_flags;					\
									\
	local_irq_save(__xq_flags);					\
	__xq_ret = *(p);						\
	if (__xq_ret == __xq_old)					\
		*(p) = (nval);						\
	local_irq_restore(__xq_flags);					\
	__xq_ret;							\
})

#ifdef system_has_cmpxchg128
#define __xpcpu_cmpxchg128_local(p, oval, nval)				\
	(system_has_cmpxchg128() ? cmpxchg128_local(p, oval, nval) :	\
	 __xpcpu_cmpxchg128_irq(p, oval, nval))
#else
#define __xpcpu_cmpxchg128_local(p, oval, nval)				\
	__xpcpu_cmpxchg128_irq(p, oval, nval)
#endif

#define __xpcpu_off_this_cpu_cmpxchg128(ptr, oval, nval)		\
({									\
	__xpcpu_type(ptr) __xo_ret;					\
									\
	preempt_disable_notrace();					\
	__xo_ret = __xpcpu_cmpxchg128_local(__xpcpu_off_ptr(ptr), oval,	\
					    nval);			\
	preempt_enable_notrace();					\
	__xo_ret;							\
})
#define __xpcpu_off_raw_cpu_cmpxchg128(ptr, oval, nval)			\
	__xpcpu_off_raw_cpu_cmpxchg(ptr, oval, nval)
#define __xpcpu_off_this_cpu_try_cmpxchg128(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_off_this_cpu_cmpxchg128, ptr, ovalp, nval)
#define __xpcpu_off_raw_cpu_try_cmpxchg128(ptr, ovalp, nval)		\
	__xpcpu_try_cmpxchg(__xpcpu_off_raw_cpu_cmpxchg128, ptr, ovalp, nval)

#define __xpcpu_check128(ptr)						\
do {									\
	__xpcpu_verify_ptr(ptr);					\
	__xpcpu_check_size_is(ptr, 16);					\
} while (0)

/**
 * xpcpu_this_cpu_cmpxchg128() - compare and exchange a 16-byte copy
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Only where the kernel has this_cpu_cmpxchg128() (6.12) and 128-bit
 * integers.  One cmpxchg16b on this CPU's copy with preemption off (the
 * same in both pointer modes: the kernel's own falls back to
 * this_cpu_cmpxchg16b_emu(), which modules cannot call), interrupts off
 * around a plain compare and store on a CPU without it.
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: the value the copy held before.
 */
#define xpcpu_this_cpu_cmpxchg128(ptr, oval, nval)			\
({									\
	__xpcpu_check128(ptr);						\
	__xpcpu_off_this_cpu_cmpxchg128(ptr, oval, nval);		\
})

/**
 * __xpcpu_this_cpu_cmpxchg128() - xpcpu_this_cpu_cmpxchg128(), preemption
 *	already off
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copy.
 * Return: the value the copy held before.
 */
#define __xpcpu_this_cpu_cmpxchg128(ptr, oval, nval)			\
({									\
	__xpcpu_preempt_check("cmpxchg128");				\
	xpcpu_raw_cpu_cmpxchg128(ptr, oval, nval);			\
})

/**
 * xpcpu_raw_cpu_cmpxchg128() - xpcpu_this_cpu_cmpxchg128(), unchecked
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @oval: the value expected
 * @nval: the value stored if the copy holds @oval
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copy meanwhile; nothing is checked.
 * Return: the value the copy held before.
 */
#define xpcpu_raw_cpu_cmpxchg128(ptr, oval, nval)			\
({									\
	__xpcpu_check128(ptr);						\
	__xpcpu_off_raw_cpu_cmpxchg128(ptr, oval, nval);		\
})

/**
 * xpcpu_this_cpu_try_cmpxchg128() - try_cmpxchg of a 16-byte copy
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * As xpcpu_this_cpu_cmpxchg128().
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: true if @nval was stored.
 */
#define xpcpu_this_cpu_try_cmpxchg128(ptr, ovalp, nval)			\
({									\
	__xpcpu_check128(ptr);						\
	__xpcpu_off_this_cpu_try_cmpxchg128(ptr, ovalp, nval);		\
})

/**
 * __xpcpu_this_cpu_try_cmpxchg128() - xpcpu_this_cpu_try_cmpxchg128(),
 *	preemption already off
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * Context: as __xpcpu_this_cpu_cmpxchg128().
 * Return: true if @nval was stored.
 */
#define __xpcpu_this_cpu_try_cmpxchg128(ptr, ovalp, nval)		\
({									\
	__xpcpu_preempt_check("try_cmpxchg128");			\
	xpcpu_raw_cpu_try_cmpxchg128(ptr, ovalp, nval);			\
})

/**
 * xpcpu_raw_cpu_try_cmpxchg128() - xpcpu_this_cpu_try_cmpxchg128(),
 *	unchecked
 * @ptr: a __xpcpu pointer to a u128 (16 bytes, aligned to 16)
 * @ovalp: a plain pointer to the value expected, updated on failure
 * @nval: the value stored on success
 *
 * Context: as xpcpu_raw_cpu_cmpxchg128().
 * Return: true if @nval was stored.
 */
#define xpcpu_raw_cpu_try_cmpxchg128(ptr, ovalp, nval)			\
({									\
	__xpcpu_check128(ptr);						\
	__xpcpu_off_raw_cpu_try_cmpxchg128(ptr, ovalp, nval);		\
})
#endif /* this_cpu_cmpxchg128 */

#ifdef this_cpu_cmpxchg_double
/* Interrupts off around the compare and store: this_cpu_cmpxchg16b_emu(). */
#define __xpcpu_cmpxchg_double_irq(p1, p2, o1, o2, n1, n2)		\
({									\
	unsigned long __xq_flags;					\
	bool __xq_ret;							\
									\
	local_irq_save(__xq_flags);					\
	__xq_ret = *(p1) == (o1) && *(p2) == (o2);			\
	if (__xq_ret) {							\
		*(p1) = (n1);						\
		*(p2) = (n2);						\
	}								\
	local_irq_restore(__xq_flags);					\
	__xq_ret;							\
})

#ifdef system_has_cmpxchg_double
#define __xpcpu_cmpxchg_double_local(p1, p2, o1, o2, n1, n2)		\
	(system_has_cmpxchg_double() ?					\
	 cmpxchg_double_local(p1, p2, o1, o2, n1, n2) :			\
	 __xpcpu_cmpxchg_double_irq(p1, p2, o1, o2, n1, n2))
#else
#define __xpcpu_cmpxchg_double_local(p1, p2, o1, o2, n1, n2)		\
	__xpcpu_cmpxchg_double_irq(p1, p2, o1, o2, n1, n2)
#endif

/* Two longs, the first aligned to twice its size, the second after it. */
#define __xpcpu_check_double(ptr1, ptr2)				\
do {									\
	__xpcpu_verify_ptr(ptr1);					\
	__xpcpu_verify_ptr(ptr2);					\
	__xpcpu_check_size_is(ptr1, sizeof(long));			\
	__xpcpu_check_size_is(ptr2, sizeof(long));			\
	VM_WARN_ON_ONCE((unsigned long)(ptr2) !=			\
			(unsigned long)(ptr1) + sizeof(long));		\
} while (0)

#define __xpcpu_off_this_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2) \
({									\
	bool __xo_ret;							\
									\
	preempt_disable_notrace();					\
	VM_WARN_ON_ONCE((unsigned long)__xpcpu_off_ptr(ptr1) %		\
			(2 * sizeof(long)));				\
	__xo_ret = __xpcpu_cmpxchg_double_local(__xpcpu_off_ptr(ptr1),	\
						__xpcpu_off_ptr(ptr2),	\
						o1, o2, n1, n2);	\
	preempt_enable_notrace();					\
	__xo_ret;							\
})
#define __xpcpu_off_raw_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2)	\
({									\
	__xpcpu_type(ptr1) *__xo_p1 = __xpcpu_off_ptr(ptr1);		\
	__xpcpu_type(ptr2) *__xo_p2 = __xpcpu_off_ptr(ptr2);		\
	bool __xo_ret = *__xo_p1 == (o1) && *__xo_p2 == (o2);		\
									\
	if (__xo_ret) {							\
		*__xo_p1 = (n1);					\
		*__xo_p2 = (n2);					\
	}								\
	__xo_ret;							\
})

/**
 * xpcpu_this_cpu_cmpxchg_double() - compare and exchange two adjacent longs
 * @ptr1: a __xpcpu pointer to a long-sized scalar, aligned to twice its size
 * @ptr2: a __xpcpu pointer to the one right after it
 * @o1: the value expected in *@ptr1
 * @o2: the value expected in *@ptr2
 * @n1: the value stored in *@ptr1 if both match
 * @n2: the value stored in *@ptr2 if both match
 *
 * Only where the kernel has this_cpu_cmpxchg_double() (6.1).  One
 * cmpxchg16b on this CPU's copies with preemption off (the same in both
 * pointer modes: the kernel's own falls back to this_cpu_cmpxchg16b_emu(),
 * which modules cannot call), interrupts off around a plain compare and
 * store on a CPU without it.
 *
 * Context: any context: safe from preemption and from interrupts on this CPU.
 * Return: true if both were stored.
 */
#define xpcpu_this_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2)	\
({									\
	__xpcpu_check_double(ptr1, ptr2);				\
	__xpcpu_off_this_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2); \
})

/**
 * __xpcpu_this_cpu_cmpxchg_double() - xpcpu_this_cpu_cmpxchg_double(),
 *	preemption already off
 * @ptr1: a __xpcpu pointer to a long-sized scalar, aligned to twice its size
 * @ptr2: a __xpcpu pointer to the one right after it
 * @o1: the value expected in *@ptr1
 * @o2: the value expected in *@ptr2
 * @n1: the value stored in *@ptr1 if both match
 * @n2: the value stored in *@ptr2 if both match
 *
 * Context: preemption disabled (or interrupts, or the task bound to
 * this CPU); with CONFIG_DEBUG_PREEMPT a preemptible caller gets a
 * warning (once per call site).  Not safe from an interrupt on this CPU
 * that changes the same copies.
 * Return: true if both were stored.
 */
#define __xpcpu_this_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2)	\
({									\
	__xpcpu_preempt_check("cmpxchg_double");			\
	xpcpu_raw_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2);	\
})

/**
 * xpcpu_raw_cpu_cmpxchg_double() - xpcpu_this_cpu_cmpxchg_double(),
 *	unchecked
 * @ptr1: a __xpcpu pointer to a long-sized scalar, aligned to twice its size
 * @ptr2: a __xpcpu pointer to the one right after it
 * @o1: the value expected in *@ptr1
 * @o2: the value expected in *@ptr2
 * @n1: the value stored in *@ptr1 if both match
 * @n2: the value stored in *@ptr2 if both match
 *
 * Context: any context where the caller keeps the task on this CPU and
 * nothing on it changes the copies meanwhile; nothing is checked.
 * Return: true if both were stored.
 */
#define xpcpu_raw_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2)	\
({									\
	__xpcpu_check_double(ptr1, ptr2);				\
	__xpcpu_off_raw_cpu_cmpxchg_double(ptr1, ptr2, o1, o2, n1, n2);	\
})
#endif /* this_cpu_cmpxchg_double */

/*
 * Static per-CPU variables.  The variable itself is a template in the
 * module's XPCPU_SECTION; its per-CPU copies live in the first chunk
 * (xpcpu.ko's own, in the static area; other modules', in the reserved
 * area), at a distance __xpcpu_delta from the template.  Each module has
 * one __xpcpu_delta, set by xpcpu_module_init(): xpcpu.ko defines its
 * own (pcpu_static_start.c); a client's comes from include/xpcpu.lds,
 * which include/xpcpu.mk links into it with __xpcpu_start and
 * __xpcpu_end around its templates.  Until xpcpu_module_init() and after
 * xpcpu_module_exit() the delta is XPCPU_DELTA_POISON, so that an access
 * faults (a non-canonical address) instead of using the template.
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

/* __xpcpu_delta before set-up and after release; include/xpcpu.lds too. */
#define XPCPU_DELTA_POISON	0xdead000000000000UL

extern char __xpcpu_start[];
extern char __xpcpu_end[];
extern unsigned long __xpcpu_delta;

/*
 * A module's static variables need the symbols above: include/xpcpu.mk
 * (or xpcpu's own Kbuild) defines XPCPU_KBUILD.  Without it, a module
 * that uses DEFINE_XPCPU() or xpcpu_module_init() stops here, at build
 * time, with the fix in the message.
 */
#if defined(MODULE) && !defined(XPCPU_KBUILD)
# define __xpcpu_need_kbuild	_Pragma(__XPCPU_NEED_KBUILD)
# define __XPCPU_NEED_KBUILD						\
	"GCC error \"static xpcpu variables need the line 'include <xpcpu>/include/xpcpu.mk' in this module's Kbuild (see README.md, 'Using xpcpu from a module')\""
#else
# define __xpcpu_need_kbuild
#endif

/**
 * DEFINE_XPCPU() - define a static per-CPU variable
 * @type: its type (arrays too: ``DEFINE_XPCPU(u64[4], name)``)
 * @name: its name; ``static`` may precede the macro, an initialiser follow
 *
 * Every CPU's copy starts as a copy of the initialiser (zero without
 * one).  Alignments up to SMP_CACHE_BYTES are kept.  A module's
 * variables together share xpcpu's reserved area (8 KiB by default, the
 * reserved_size parameter) with the other clients.  Reach the copies
 * through xpcpu_var(), xpcpu_var_ptr() or get_xpcpu_var(), and only
 * after xpcpu_module_init() succeeded: before, an access faults.  A
 * module other than xpcpu.ko needs include/xpcpu.mk in its Kbuild;
 * without it the build stops with a message that says so.
 *
 * Context: file scope (a definition).
 */
#define DEFINE_XPCPU(type, name)					\
	__xpcpu_need_kbuild						\
	__section(XPCPU_SECTION) __typeof__(type) __xpcpu name

/**
 * DECLARE_XPCPU() - declare a static per-CPU variable defined elsewhere
 * @type: its type
 * @name: its name
 *
 * For a variable that another file of the same module defines; static
 * variables cannot be shared between modules.
 *
 * Context: file scope (a declaration).
 */
#define DECLARE_XPCPU(type, name)					\
	__xpcpu_need_kbuild						\
	extern __section(XPCPU_SECTION) __typeof__(type) __xpcpu name

#define __xpcpu_var(name)						\
	((__force typeof(&(name)))((unsigned long)&(name) +		\
				     READ_ONCE(__xpcpu_delta)))

/**
 * xpcpu_var() - the per-CPU pointer of a static per-CPU variable
 * @name: the variable, from DEFINE_XPCPU()
 *
 * For every API that takes a __xpcpu pointer: xpcpu_ptr(), the
 * xpcpu_this_cpu_*() operations, xpcpu_get_ptr()...  Never pass it to
 * xpcpu_free().
 *
 * Context: any context, after xpcpu_module_init().
 * Return: a ``typeof(name) __xpcpu *`` pointer.
 */
#define xpcpu_var(name)		__xpcpu_var(name)

/**
 * xpcpu_var_ptr() - @cpu's copy of a static per-CPU variable
 * @name: the variable
 * @cpu: any possible CPU
 *
 * xpcpu_ptr(xpcpu_var(@name), @cpu).
 *
 * Context: any context, after xpcpu_module_init().
 * Return: a plain pointer to @cpu's copy.
 */
#define xpcpu_var_ptr(name, cpu)	xpcpu_ptr(__xpcpu_var(name), cpu)

/**
 * get_xpcpu_var() - disable preemption and name this CPU's copy (an lvalue)
 * @name: the variable
 *
 * ``get_xpcpu_var(hits)++;`` then put_xpcpu_var(hits).
 *
 * Context: any context, after xpcpu_module_init(); the caller may not
 * sleep until put_xpcpu_var().
 */
#define get_xpcpu_var(name)	(*xpcpu_get_ptr(__xpcpu_var(name)))

/**
 * put_xpcpu_var() - end the access begun by get_xpcpu_var()
 * @name: the variable
 *
 * Context: after get_xpcpu_var(); re-enables preemption.
 */
#define put_xpcpu_var(name)	xpcpu_put_ptr(__xpcpu_var(name))

int __xpcpu_module_init(struct module *mod, char *start, char *end,
			unsigned long *delta);
void __xpcpu_module_exit(struct module *mod, char *start);

/**
 * xpcpu_module_init() - give the calling module's static variables a home
 *
 * Copies the module's DEFINE_XPCPU() templates into every CPU's unit of
 * the reserved area and points the module's accessors at the copies.
 * Call it from module init, before any access; a module without static
 * variables need not call it.  Needs include/xpcpu.mk in the module's
 * Kbuild (a build error says so otherwise).
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOMEM when the reserved area cannot hold them (the kernel
 * log says how much is in use: raise xpcpu.ko's reserved_size); -EBUSY
 * if the module set them up already.
 */
#define xpcpu_module_init()						\
	(__xpcpu_need_kbuild						\
	 __xpcpu_module_init(THIS_MODULE, __xpcpu_start, __xpcpu_end,	\
			     &__xpcpu_delta))

/**
 * xpcpu_module_exit() - release the calling module's static variables
 *
 * Gives the module's area in the reserved chunk back; its accessors
 * fault from here on.  Call it from module exit, and on the error path
 * of an init that called xpcpu_module_init().
 *
 * Context: process context.
 */
#define xpcpu_module_exit()						\
do {									\
	__xpcpu_module_exit(THIS_MODULE, __xpcpu_start);		\
	WRITE_ONCE(__xpcpu_delta, XPCPU_DELTA_POISON);			\
} while (0)

#endif /* _XPCPU_H */
