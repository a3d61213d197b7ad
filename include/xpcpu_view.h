/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpcpu's read-only view of its pool, for its own debugfs and for test
 * modules (tests/ctl/): what they need beyond the public API, exported in
 * the symbol namespace XPCPU_INTERNAL_NS only.  A test module includes
 * this after xpcpu.h and imports the namespace with
 * MODULE_IMPORT_NS(XPCPU_INTERNAL_NS); nothing here is API for clients.
 */
#ifndef _XPCPU_VIEW_H
#define _XPCPU_VIEW_H

#include <linux/types.h>

#include <xpcpu.h>

/*
 * The namespace of the exports below, in one place: EXPORT_SYMBOL_NS_GPL()
 * and MODULE_IMPORT_NS() stringify an identifier on 6.1 and 6.12 (from
 * 6.13 on they take the string literal "XPCPU_INTERNAL" instead).
 */
#define XPCPU_INTERNAL_NS	XPCPU_INTERNAL

/*
 * struct xpcpu_chunk_view - what debugfs shows of one chunk
 */
struct xpcpu_chunk_view {
	int id;				/* creation number */
	int slot;			/* slot it is on */
	int free_bytes;			/* free bytes */
	int contig_bytes;		/* longest free run */
	int nr_alloc;			/* live areas */
	bool is_first;			/* the first chunk */
};

int xpcpu_pool_chunk_views(struct xpcpu_chunk_view *views, int max);
void __xpcpu *xpcpu_own_static_ptr(void);

#endif /* _XPCPU_VIEW_H */
