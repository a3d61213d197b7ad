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
 * Limits: 1 byte to XPCPU_MAX_ALLOC_SIZE per CPU, rounded up to
 * XPCPU_MIN_ALLOC_SIZE; alignment a power of two up to PAGE_SIZE.  Static
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
#include <linux/percpu.h>
#include <linux/preempt.h>
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

/* Largest object xpcpu_alloc() serves, per CPU. */
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
 * alignment that is a power of two up to PAGE_SIZE.
 */
static inline bool xpcpu_request_ok(size_t size, size_t align)
{
	return size && size <= XPCPU_MAX_ALLOC_SIZE && align &&
	       !(align & (align - 1)) && align <= PAGE_SIZE;
}

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
 *	GFP_ATOMIC) the call never sleeps and only existing chunks serve it
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
 * xpcpu_unit_off is each CPU's distance from unit 0 of any chunk: the same
 * in every chunk.  Reading it for the running CPU is one %gs-relative load.
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
	__xpcpu_strip(ptr, per_cpu(xpcpu_unit_off, cpu));		\
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
 * Context: any context.
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
 *
 * Context: any context.
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
