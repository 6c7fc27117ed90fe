/*
 * Shared by the files of the diagnosis, and by nothing else:
 *
 *   diagnose.c          design note, pd_diagnose, the per-port driver, the
 *                       port index, the finding list, pd_report_free
 *   endpoint.c overlapping sockets and the bind result of one
 *                       endpoint: in_use, http_sys, portproxy, bind_denied,
 *                       address_not_local, excluded_range, time_wait
 *   port.c     the port itself: privileged_port, dynamic and
 *                       reserved ranges, Windows exclusions, unknown
 *                       owners, idle containers
 *
 * Each rule adds findings to c->res through pd__finding(), which may
 * move the findings array (keep indexes, not pointers, across calls).
 */
#ifndef PD_DIAGNOSE_INTERNAL_H
#define PD_DIAGNOSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "portdoctor/portdoctor.h"

/* Items (sockets or bind results) ordered by port, ties in snapshot
 * order: a port's items are one run, found by binary search, so that a
 * check of 1-65535 against thousands of sockets stays O(n log n) and a
 * check of one port against a few sockets costs next to nothing (a
 * counting sort here had to clear and sum 65,537 slots per array, 0.5 MB
 * of fresh pages, on every run). */
typedef struct pd_port_run {
	size_t *order;   /* item indexes ordered by (port, index) */
	uint16_t *port;  /* port[k]: the port of item order[k] */
	size_t n;
} pd_port_run;

typedef struct pd_port_index {
	pd_port_run sock; /* sockets by local port */
	pd_port_run bind; /* bind results by port */
} pd_port_index;

/* The run of port in r: order[*ret_lo .. *ret_hi - 1]. */
void pd__port_run_find(const pd_port_run *r, uint16_t port, size_t *ret_lo,
                       size_t *ret_hi);

typedef struct pd_diag_ctx {
	const pd_snapshot *snap;
	pd_result *res;
	bool is_windows;
	const pd_port_index *idx;
} pd_diag_ctx;

/* The bind result recorded for (p, a, port), or NULL. */
const pd_bind_result *pd__find_bind(const pd_diag_ctx *c, pd_proto p,
                                    const pd_addr *a, uint16_t port);

/* The first range of arr that holds port for p and f; administered 1 or 0
 * asks for that kind only, -1 for either. */
const pd_range *pd__find_range(const pd_range *arr, size_t n, pd_proto p,
                               pd_family f, uint16_t port, int administered);

/* Listeners and bound UDP sockets: holders whatever the bind options. */
bool pd__holds_for_sure(const pd_socket *sk);

/* Appends a finding with a printf-formatted message; NULL on failure. */
pd_finding *pd__finding(pd_diag_ctx *c, pd_finding_code code,
                        const pd_endpoint *ep, const char *fmt, ...)
	PD_PRINTF(4, 5);

/* endpoint.c: the findings for one endpoint; *ret_ok says whether
 * it is free, *ret_tested whether a bind result was recorded. */
int pd__diagnose_endpoint(pd_diag_ctx *c, const pd_endpoint *ep,
                          bool required, bool *ret_ok, bool *ret_tested);

/* port.c: findings about the port itself; bind_refused says
 * whether a bind test on it failed with EACCES. */
int pd__diagnose_port(pd_diag_ctx *c, const pd_endpoint *ep,
                      bool bind_refused);
/* One owner_unknown finding when a holder's process could not be found. */
int pd__note_unknown_owners(pd_diag_ctx *c);
/* container_conflict for created or stopped containers on eps[0..n). */
int pd__report_idle_containers(pd_diag_ctx *c, const pd_endpoint *eps,
                               size_t n);

/* Indexes into s->http_registrations of the URLs on port (TCP), and into
 * s->portproxy_rules of the rules listening where ep binds.  *ret is
 * malloc'ed (NULL with *ret_n 0 when none); the caller frees it.  Returns
 * 0 or PD_ENOMEM, leaving *ret untouched on failure. */
int pd__http_regs_on(const pd_snapshot *s, uint16_t port, size_t **ret,
                     size_t *ret_n);
int pd__proxy_rules_on(const pd_snapshot *s, const pd_endpoint *ep,
                       size_t **ret, size_t *ret_n);

#endif
