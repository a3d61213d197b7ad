/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of xpcpu, with the fields of the kernel's percpu events:
 * xpcpu_alloc, xpcpu_free, xpcpu_alloc_fail, xpcpu_create_chunk and
 * xpcpu_destroy_chunk (events/xpcpu/ in tracefs).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xpcpu

#if !defined(_XPCPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XPCPU_TRACE_H

#include <linux/tracepoint.h>

#include <xpcpu.h>

TRACE_EVENT(xpcpu_alloc,

	TP_PROTO(unsigned long call_site, bool reserved, bool is_atomic,
		 size_t size, size_t align, void *base_addr, int off,
		 void __xpcpu *ptr, size_t bytes_alloc, gfp_t gfp_flags),

	TP_ARGS(call_site, reserved, is_atomic, size, align, base_addr, off,
		ptr, bytes_alloc, gfp_flags),

	TP_STRUCT__entry(
		__field(unsigned long, call_site)
		__field(bool, reserved)
		__field(bool, is_atomic)
		__field(size_t, size)
		__field(size_t, align)
		__field(void *, base_addr)
		__field(int, off)
		__field(unsigned long, ptr)
		__field(size_t, bytes_alloc)
		__field(unsigned long, gfp_flags)
	),

	TP_fast_assign(
		__entry->call_site = call_site;
		__entry->reserved = reserved;
		__entry->is_atomic = is_atomic;
		__entry->size = size;
		__entry->align = align;
		__entry->base_addr = base_addr;
		__entry->off = off;
		__entry->ptr = (unsigned long)ptr;
		__entry->bytes_alloc = bytes_alloc;
		__entry->gfp_flags = (__force unsigned long)gfp_flags;
	),

	TP_printk("call_site=%pS reserved=%d is_atomic=%d size=%zu align=%zu base_addr=%p off=%d ptr=0x%lx bytes_alloc=%zu gfp_flags=0x%lx",
		  (void *)__entry->call_site, __entry->reserved,
		  __entry->is_atomic, __entry->size, __entry->align,
		  __entry->base_addr, __entry->off, __entry->ptr,
		  __entry->bytes_alloc, __entry->gfp_flags)
);

TRACE_EVENT(xpcpu_free,

	TP_PROTO(void *base_addr, int off, void __xpcpu *ptr),

	TP_ARGS(base_addr, off, ptr),

	TP_STRUCT__entry(
		__field(void *, base_addr)
		__field(int, off)
		__field(unsigned long, ptr)
	),

	TP_fast_assign(
		__entry->base_addr = base_addr;
		__entry->off = off;
		__entry->ptr = (unsigned long)ptr;
	),

	TP_printk("base_addr=%p off=%d ptr=0x%lx",
		  __entry->base_addr, __entry->off, __entry->ptr)
);

TRACE_EVENT(xpcpu_alloc_fail,

	TP_PROTO(bool reserved, bool is_atomic, size_t size, size_t align),

	TP_ARGS(reserved, is_atomic, size, align),

	TP_STRUCT__entry(
		__field(bool, reserved)
		__field(bool, is_atomic)
		__field(size_t, size)
		__field(size_t, align)
	),

	TP_fast_assign(
		__entry->reserved = reserved;
		__entry->is_atomic = is_atomic;
		__entry->size = size;
		__entry->align = align;
	),

	TP_printk("reserved=%d is_atomic=%d size=%zu align=%zu",
		  __entry->reserved, __entry->is_atomic,
		  __entry->size, __entry->align)
);

DECLARE_EVENT_CLASS(xpcpu_chunk_event,

	TP_PROTO(void *base_addr),

	TP_ARGS(base_addr),

	TP_STRUCT__entry(
		__field(void *, base_addr)
	),

	TP_fast_assign(
		__entry->base_addr = base_addr;
	),

	TP_printk("base_addr=%p", __entry->base_addr)
);

DEFINE_EVENT(xpcpu_chunk_event, xpcpu_create_chunk,
	TP_PROTO(void *base_addr),
	TP_ARGS(base_addr)
);

DEFINE_EVENT(xpcpu_chunk_event, xpcpu_destroy_chunk,
	TP_PROTO(void *base_addr),
	TP_ARGS(base_addr)
);

#endif /* _XPCPU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xpcpu_trace
#include <trace/define_trace.h>
