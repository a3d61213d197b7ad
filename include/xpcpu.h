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
#include <linux/atomic.h>
#include <linux/jump_label.h>
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

void xpcpu_get_stats(struct xpcpu_stats *st);
int xpcpu_set_caches(bool on);
bool xpcpu_caches_on(void);
void xpcpu_trim(void);

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
 * Genuine per-CPU pointers: when xpcpu_genuine_ptrs is on (chosen at load,
 * see xpcpu.ko's "pointers" parameter), ptr + __per_cpu_offset[cpu] is
 * cpu's copy, as for the kernel's own __percpu pointers, so the kernel's
 * this_cpu_*() operations work on xpcpu areas: one %gs-relative
 * instruction, no preemption toggle.  Otherwise the xpcpu_this_cpu_*()
 * operations below fall back to the accessors with interrupts off.
 */
DECLARE_STATIC_KEY_FALSE(xpcpu_genuine_ptrs);

/**
 * xpcpu_genuine_pointers() - are xpcpu pointers genuine per-CPU pointers?
 *
 * Return: true when per_cpu_ptr(), this_cpu_*() and raw_cpu_*() work on
 * xpcpu_as_percpu() of any xpcpu pointer.
 */
static inline bool xpcpu_genuine_pointers(void)
{
	return static_branch_likely(&xpcpu_genuine_ptrs);
}

/**
 * xpcpu_as_percpu() - an xpcpu pointer as the kernel's __percpu pointer
 * @ptr: a __xpcpu pointer
 *
 * Only meaningful when xpcpu_genuine_pointers() is true.
 * Return: the same value as ``typeof(*ptr) __percpu *``.
 */
#define xpcpu_as_percpu(ptr)						\
	((typeof(*(ptr)) __percpu __force *)(unsigned long)(ptr))

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

/* The fallback: this CPU's copy, with preemption off. */
#define __xpcpu_this_cpu_add(ptr, val)					\
do {									\
	preempt_disable_notrace();					\
	__xpcpu_local_add(xpcpu_this_ptr(ptr), val);			\
	preempt_enable_notrace();					\
} while (0)

/**
 * xpcpu_this_cpu_add() - add to this CPU's copy, safe from preemption
 *	and interrupts
 * @ptr: a __xpcpu pointer to an integer type
 * @val: what to add
 *
 * With genuine pointers this is this_cpu_add(), else this CPU's copy is
 * changed with preemption off, in one instruction on x86 (else with
 * cmpxchg_local()), so that interrupts on this CPU cannot split it.
 *
 * Context: any context; NMI too where this_cpu_add() and cmpxchg_local()
 * are NMI-safe (x86).
 */
#define xpcpu_this_cpu_add(ptr, val)					\
do {									\
	if (xpcpu_genuine_pointers())					\
		this_cpu_add(*xpcpu_as_percpu(ptr), val);		\
	else								\
		__xpcpu_this_cpu_add(ptr, val);				\
} while (0)

/**
 * xpcpu_this_cpu_sub() - subtract from this CPU's copy
 * @ptr: a __xpcpu pointer to an integer type
 * @val: what to subtract
 *
 * Context: as xpcpu_this_cpu_add().
 */
#define xpcpu_this_cpu_sub(ptr, val)					\
	xpcpu_this_cpu_add(ptr, -(typeof(*xpcpu_this_ptr(ptr)))(val))

/**
 * xpcpu_this_cpu_inc() - add one to this CPU's copy
 * @ptr: a __xpcpu pointer to an integer type
 *
 * Context: as xpcpu_this_cpu_add().
 */
#define xpcpu_this_cpu_inc(ptr)		xpcpu_this_cpu_add(ptr, 1)

/**
 * xpcpu_this_cpu_dec() - subtract one from this CPU's copy
 * @ptr: a __xpcpu pointer to an integer type
 *
 * Context: as xpcpu_this_cpu_add().
 */
#define xpcpu_this_cpu_dec(ptr)		xpcpu_this_cpu_sub(ptr, 1)

#define __xpcpu_this_cpu_write(ptr, val)				\
do {									\
	preempt_disable_notrace();					\
	WRITE_ONCE(*xpcpu_this_ptr(ptr), val);				\
	preempt_enable_notrace();					\
} while (0)

/**
 * xpcpu_this_cpu_write() - set this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @val: the new value
 *
 * Context: as xpcpu_this_cpu_add().
 */
#define xpcpu_this_cpu_write(ptr, val)					\
do {									\
	if (xpcpu_genuine_pointers())					\
		this_cpu_write(*xpcpu_as_percpu(ptr), val);		\
	else								\
		__xpcpu_this_cpu_write(ptr, val);			\
} while (0)

/**
 * xpcpu_this_cpu_read() - read this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 *
 * Context: any context.
 * Return: the value, of type ``typeof(*ptr)``.
 */
#define xpcpu_this_cpu_read(ptr)					\
({									\
	typeof(*xpcpu_this_ptr(ptr)) __xpcpu_val;			\
									\
	if (xpcpu_genuine_pointers()) {					\
		__xpcpu_val = this_cpu_read(*xpcpu_as_percpu(ptr));	\
	} else {							\
		preempt_disable_notrace();				\
		__xpcpu_val = READ_ONCE(*xpcpu_this_ptr(ptr));		\
		preempt_enable_notrace();				\
	}								\
	__xpcpu_val;							\
})

/**
 * xpcpu_this_cpu_cmpxchg() - compare and exchange this CPU's copy
 * @ptr: a __xpcpu pointer to a scalar of 1, 2, 4 or 8 bytes
 * @old: the value expected
 * @new: the value stored if the copy holds @old
 *
 * Context: as xpcpu_this_cpu_add().
 * Return: the value the copy held before.
 */
#define xpcpu_this_cpu_cmpxchg(ptr, old, new)				\
({									\
	typeof(*xpcpu_this_ptr(ptr)) __xpcpu_ret;			\
									\
	if (xpcpu_genuine_pointers()) {					\
		__xpcpu_ret = this_cpu_cmpxchg(*xpcpu_as_percpu(ptr),	\
					       old, new);		\
	} else {							\
		preempt_disable_notrace();				\
		__xpcpu_ret = cmpxchg_local(xpcpu_this_ptr(ptr), old,	\
					    new);			\
		preempt_enable_notrace();				\
	}								\
	__xpcpu_ret;							\
})

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
 * xpcpu_var() - the per-CPU pointer of a static per-CPU variable
 * @name: the variable, from DEFINE_XPCPU()
 *
 * For every API that takes a __xpcpu pointer: xpcpu_ptr(), the
 * xpcpu_this_cpu_*() operations, xpcpu_get_ptr()...
 *
 * Return: a ``typeof(name) __xpcpu *`` pointer.
 */
#define xpcpu_var(name)		__xpcpu_var(name)

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
