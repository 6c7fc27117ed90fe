/*
 * Which http.sys registrations and portproxy rules meet an endpoint (the
 * evidence of the http_sys and portproxy findings).  Pure.
 *
 * `netsh http show servicestate` is the live state of http.sys: every URL
 * it lists belongs to a URL group of an active request queue, and http.sys
 * (PID 4, "System") listens on that URL's port on every address of its IP
 * listen list (all of them unless `netsh http add iplisten` narrowed it).
 * The host part of the URL only routes requests; it does not narrow the
 * bind, so a URL matches the port whatever its host.  The processes of
 * the URL's request queue are the ones that registered it; freeing the
 * port means stopping them (or the service behind them).  `netsh http
 * delete urlacl` removes a reservation (who may register), not a
 * registration, and frees nothing.
 *
 * A portproxy rule makes the IP Helper service (iphlpsvc, in a svchost)
 * listen on the rule's listen address and port, TCP only, while it runs.
 */
#include <stdlib.h>
#include <string.h>

#include "diagnose_internal.h"

static int push(size_t **arr, size_t *n, size_t v)
{
	size_t *p = pd__reallocarray(*arr, *n + 1, sizeof(*p));

	if (!p)
		return PD_ENOMEM;
	p[(*n)++] = v;
	*arr = p;
	return 0;
}

int pd__http_regs_on(const pd_snapshot *s, uint16_t port, size_t **ret,
                     size_t *ret_n)
{
	size_t *idx = NULL, n = 0, i;

	for (i = 0; i < s->n_http_registrations; i++)
		if (s->http_registrations[i].port == port && push(&idx, &n, i) < 0) {
			free(idx);
			return PD_ENOMEM;
		}
	*ret = idx;
	*ret_n = n;
	return 0;
}

/* Whether a rule's listen address meets ep.  A host name (netsh accepts
 * them) is resolved by the service, not by us: it may be any address. */
static bool rule_meets(const pd_portproxy_rule *r, const pd_endpoint *ep)
{
	pd_addr a;

	if (ep->proto != PD_PROTO_TCP || r->listen_port != ep->port)
		return false;
	if (pd_addr_parse(r->listen_address, strlen(r->listen_address), &a) < 0)
		return true;
	if (a.family == ep->addr.family)
		return pd_addr_is_any(&a) || pd_addr_is_any(&ep->addr) ||
		       pd_addr_equal(&a, &ep->addr);
	/* An IPv4 listener meets only a dual-stack wildcard bind of IPv6. */
	return a.family == PD_FAMILY_V4 && pd_addr_is_any(&ep->addr) &&
	       !ep->v6only;
}

int pd__proxy_rules_on(const pd_snapshot *s, const pd_endpoint *ep,
                       size_t **ret, size_t *ret_n)
{
	size_t *idx = NULL, n = 0, i;

	for (i = 0; i < s->n_portproxy_rules; i++)
		if (rule_meets(&s->portproxy_rules[i], ep) && push(&idx, &n, i) < 0) {
			free(idx);
			return PD_ENOMEM;
		}
	*ret = idx;
	*ret_n = n;
	return 0;
}

/* ---------------------------------------------------------------- text */

/* A service name that can be passed to `net stop` as it is: one word,
 * not a list such as "Dnscache, NlaSvc". */
