/*
 * src/diagnose/: snapshot + target -> findings with evidence.  Pure.  May
 * include: src/core, src/docker (the container model).  Included by: the
 * CLI, through the public header.
 *
 * Diagnose: snapshot + targets -> findings with evidence.  Pure.
 *
 * The ground truth is the recorded bind test for each endpoint; the rest of
 * the snapshot (sockets and owners, ranges, addresses) explains it.  For
 * each endpoint we collect the sockets that overlap it, then read the bind
 * result:
 *   EADDRINUSE    -> in_use (with the overlapping sockets), or http_sys /
 *                    portproxy when the holder is one of those
 *   EACCES        -> privileged_port, excluded_range, in_use (an exclusive
 *                    holder on Windows), else bind_denied
 *   EADDRNOTAVAIL -> address_not_local, else bind_denied
 * and independently of the bind: in_dynamic_range, reserved_port, the
 * Windows excluded and dynamic ranges, time_wait.  When there is no bind
 * result (a snapshot recorded for other ports, a Windows snapshot read on
 * Linux) the evidence alone decides, and a not_tested finding says so.
 * When the bind test and the evidence disagree, evidence_mismatch says so.
 *
 * This file holds the driver: the port index, one pass per target port
 * (diagnose_one), the finding list and pd_report_free.  The rules live in
 * endpoint.c and port.c; diagnose_internal.h lists them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "diagnose_internal.h"
#include "core/i18n.h"
#include "portdoctor/portdoctor.h"

static void port_index_done(pd_port_index *x)
{
	free(x->sock.order);
	free(x->sock.port);
	free(x->bind.order);
	free(x->bind.port);
}

static int cmp_port_item(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* The n items at base (stride bytes apart, the port at key_off) ordered
 * by (port, index) into *r.  Sorted as one 64-bit key per item, port
 * above index, so equal ports keep the snapshot's order. */
static int port_run_build(size_t n, const void *base, size_t stride,
                          size_t key_off, pd_port_run *r)
{
	uint64_t *keys = malloc((n ? n : 1) * sizeof(*keys));
	size_t i;

	r->n = n;
	r->order = malloc((n ? n : 1) * sizeof(*r->order));
	r->port = malloc((n ? n : 1) * sizeof(*r->port));
	if (!keys || !r->order || !r->port) {
		free(keys);
		return PD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint16_t port;

		memcpy(&port, (const char *)base + i * stride + key_off, sizeof(port));
		keys[i] = (uint64_t)port << 48 | (uint64_t)i;
	}
	qsort(keys, n, sizeof(*keys), cmp_port_item);
	for (i = 0; i < n; i++) {
		r->port[i] = (uint16_t)(keys[i] >> 48);
		r->order[i] = (size_t)(keys[i] & ((UINT64_C(1) << 48) - 1));
	}
	free(keys);
	return 0;
}

/* The first k in [0, r->n] whose port is at least port. */
static size_t port_run_lower(const pd_port_run *r, unsigned port)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->port[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void pd__port_run_find(const pd_port_run *r, uint16_t port, size_t *ret_lo,
                       size_t *ret_hi)
{
	*ret_lo = port_run_lower(r, port);
	*ret_hi = port_run_lower(r, (unsigned)port + 1);
}

static int port_index_build(const pd_snapshot *s, pd_port_index *x)
{
	memset(x, 0, sizeof(*x));
	if (port_run_build(s->n_sockets, s->sockets, sizeof(pd_socket),
	                   offsetof(pd_socket, local_port), &x->sock) < 0 ||
	    port_run_build(s->n_binds, s->binds, sizeof(pd_bind_result),
	                   offsetof(pd_bind_result, port), &x->bind) < 0) {
		port_index_done(x);
		return PD_ENOMEM;
	}
	return 0;
}

const pd_bind_result *pd__find_bind(const pd_diag_ctx *c, pd_proto p,
                                    const pd_addr *a, uint16_t port)
{
	size_t k, lo, hi;

	pd__port_run_find(&c->idx->bind, port, &lo, &hi);
	for (k = lo; k < hi; k++) {
		const pd_bind_result *b = &c->snap->binds[c->idx->bind.order[k]];

		if (b->proto == p && pd_addr_equal(&b->addr, a))
			return b;
	}
	return NULL;
}

pd_finding *pd__finding(pd_diag_ctx *c, pd_finding_code code,
                        const pd_endpoint *ep, const char *fmt, ...)
{
	pd_result *r = c->res;
	pd_finding *f, *arr;
	pd_buf b;
	va_list ap;

	arr = pd__reallocarray(r->findings, r->n_findings + 1, sizeof(*arr));
	if (!arr)
		return NULL;
	r->findings = arr;
	pd_buf_init(&b, 4096);
	va_start(ap, fmt);
	pd_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f = &arr[r->n_findings];
	memset(f, 0, sizeof(*f));
	f->message = pd_buf_steal(&b);
	pd_buf_done(&b);
	if (!f->message)
		return NULL;
	r->n_findings++;
	f->code = code;
	f->severity = pd_finding_default_severity(code);
	if (ep)
		f->endpoint = *ep;
	return f;
}

static int diagnose_one(pd_diag_ctx *c, const pd_target *t, uint16_t port)
{
	pd_endpoint eps[2];
	size_t n = pd_target_endpoints(t, port, eps), i;
	bool all_ok = true, all_tested = true, refused = false;
	int r;

	for (i = 0; i < n; i++) {
		bool ok = true, tested = false;
		/* The IPv6 half of a bare port or of localhost is optional: Docker
		 * publishes IPv4 only when the host has no IPv6. */
		bool required = t->host == PD_HOST_ADDR || i == 0;
		const pd_bind_result *b;

		r = pd__diagnose_endpoint(c, &eps[i], required, &ok, &tested);
		if (r < 0)
			return r;
		all_ok = all_ok && ok;
		all_tested = all_tested && tested;
		b = pd__find_bind(c, eps[i].proto, &eps[i].addr, port);
		if (b && b->err == PD_EACCES)
			refused = true;
	}
	r = pd__diagnose_port(c, &eps[0], refused);
	if (r < 0)
		return r;
	r = pd__report_idle_containers(c, eps, n);
	if (r < 0)
		return r;
	r = pd__note_unknown_owners(c);
	if (r < 0)
		return r;
	if (!all_tested) {
		const pd_snapshot *s = c->snap;

		if (!pd__finding(c, PD_F_NOT_TESTED, &eps[0],
		                 s->n_sockets || s->sockets_complete ?
		                 _("no bind test was recorded for port %u: the "
		                   "verdict rests on the socket list and ranges alone") :
		                 s->n_http_registrations || s->n_portproxy_rules ?
		                 _("no bind test was recorded for port %u and no "
		                   "socket was listed: the verdict rests on the port "
		                   "ranges and netsh's registrations and rules alone") :
		                 _("no bind test was recorded for port %u and no "
		                   "socket was listed: the verdict rests on the port "
		                   "ranges alone"),
		                 port))
			return PD_ENOMEM;
		/* Evidence alone: unavailable when any error finding stands. */
		for (i = 0; i < c->res->n_findings; i++)
			if (c->res->findings[i].severity == PD_SEV_ERROR)
				all_ok = false;
	}
	c->res->available = all_ok;
	c->res->tested = all_tested;
	return 0;
}

static void result_done(pd_result *r)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++) {
		free(r->findings[i].message);
		free(r->findings[i].sockets);
		free(r->findings[i].http_regs);
		free(r->findings[i].proxy_rules);
	}
	free(r->findings);
}

void pd_report_free(pd_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_results; i++)
		result_done(&r->results[i]);
	free(r->results);
	free(r);
}

int pd_diagnose(const pd_snapshot *snap, const pd_target *targets,
                size_t n_targets, pd_report **ret)
{
	pd_report *rep;
	pd_port_index idx;
	size_t i, total = 0, k = 0;
	int r = PD_ENOMEM;

	if (!snap || (!targets && n_targets))
		return PD_EINVAL;
	for (i = 0; i < n_targets; i++) {
		if (targets[i].port_hi < targets[i].port_lo)
			return PD_EINVAL;
		total += (size_t)(targets[i].port_hi - targets[i].port_lo) + 1;
		if (total > PD_TARGET_MAX_PORTS)
			return PD_ERANGE;
	}
	if (port_index_build(snap, &idx) < 0)
		return PD_ENOMEM;
	rep = calloc(1, sizeof(*rep));
	if (!rep) {
		port_index_done(&idx);
		return PD_ENOMEM;
	}
	rep->snap = snap;
	if (total && !(rep->results = calloc(total, sizeof(*rep->results))))
		goto fail;
	for (i = 0; i < n_targets; i++) {
		unsigned port;

		for (port = targets[i].port_lo; port <= targets[i].port_hi; port++) {
			pd_diag_ctx c = {snap, &rep->results[k], false, &idx};

			c.is_windows = snap->os && strcmp(snap->os, "windows") == 0;
			rep->results[k].target = targets[i];
			rep->results[k].port = (uint16_t)port;
			rep->n_results = ++k;
			r = diagnose_one(&c, &targets[i], (uint16_t)port);
			if (r < 0)
				goto fail;
		}
	}
	port_index_done(&idx);
	*ret = rep;
	return 0;
fail:
	port_index_done(&idx);
	pd_report_free(rep);
	return r;
}
