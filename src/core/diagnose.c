/*
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
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "docker.h"
#include "i18n.h"
#include "portdoctor/portdoctor.h"
#include "win_holders.h"

/* Windows' default dynamic range starts here (KB929851). */
#define WIN_DYNAMIC_DEFAULT_START 49152

/* Sockets and bind results grouped by port (a counting sort), so that a
 * check of 1-65535 against thousands of sockets stays linear. */
typedef struct port_index {
	size_t *sock;      /* socket indexes ordered by local port */
	size_t *sock_at;   /* [port] .. [port + 1]: the range in sock */
	size_t *bind;      /* bind indexes ordered by port */
	size_t *bind_at;
} port_index;

typedef struct ctx {
	const pd_snapshot *snap;
	pd_result *res;
	bool is_windows;
	const port_index *idx;
} ctx;

static void port_index_done(port_index *x)
{
	free(x->sock);
	free(x->sock_at);
	free(x->bind);
	free(x->bind_at);
}

/* order[] gets 0..n-1 sorted by key(i); at[] (65537 entries) the starts. */
static int bucket(size_t n, const void *base, size_t stride, size_t key_off,
                  size_t **ret_order, size_t **ret_at)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	size_t *at = calloc(65537 + 1, sizeof(*at));
	size_t i;

	if (!order || !at) {
		free(order);
		free(at);
		return PD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint16_t port;

		memcpy(&port, (const char *)base + i * stride + key_off, sizeof(port));
		at[(size_t)port + 2]++;
	}
	for (i = 2; i < 65537 + 1; i++)
		at[i] += at[i - 1];
	for (i = 0; i < n; i++) {
		uint16_t port;

		memcpy(&port, (const char *)base + i * stride + key_off, sizeof(port));
		order[at[(size_t)port + 1]++] = i;
	}
	*ret_order = order;
	*ret_at = at;
	return 0;
}

static int port_index_build(const pd_snapshot *s, port_index *x)
{
	memset(x, 0, sizeof(*x));
	if (bucket(s->n_sockets, s->sockets, sizeof(pd_socket),
	           offsetof(pd_socket, local_port), &x->sock, &x->sock_at) < 0 ||
	    bucket(s->n_binds, s->binds, sizeof(pd_bind_result),
	           offsetof(pd_bind_result, port), &x->bind, &x->bind_at) < 0) {
		port_index_done(x);
		return PD_ENOMEM;
	}
	return 0;
}

static const pd_bind_result *find_bind(const ctx *c, pd_proto p,
                                       const pd_addr *a, uint16_t port)
{
	size_t k;

	for (k = c->idx->bind_at[port]; k < c->idx->bind_at[port + 1]; k++) {
		const pd_bind_result *b = &c->snap->binds[c->idx->bind[k]];

		if (b->proto == p && pd_addr_equal(&b->addr, a))
			return b;
	}
	return NULL;
}

static bool ranges_match(const pd_range *r, pd_proto proto, pd_family fam,
                         uint16_t port)
{
	if (port < r->start || port > r->end)
		return false;
	if (r->proto != PD_PROTO_NONE && proto != PD_PROTO_NONE &&
	    r->proto != proto)
		return false;
	if (r->family != PD_FAMILY_ANY && fam != PD_FAMILY_ANY && r->family != fam)
		return false;
	return true;
}

static const pd_range *find_range(const pd_range *arr, size_t n, pd_proto p,
                                  pd_family f, uint16_t port, int administered)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ranges_match(&arr[i], p, f, port) &&
		    (administered < 0 || arr[i].administered == (administered > 0)))
			return &arr[i];
	return NULL;
}

/* Does socket sk take the address ep wants?  Dual-stack "::" sockets
 * (v6only 0, or unknown: the Linux and Windows default for "::" differs,
 * Linux's bindv6only=0 being the common case) also cover every IPv4
 * address, and an endpoint bound dual-stack covers IPv4 holders. */
static bool overlaps(const pd_endpoint *ep, const pd_socket *sk)
{
	pd_addr mapped;
	const pd_addr *la = &sk->local;

	if (sk->proto != ep->proto || sk->local_port != ep->port)
		return false;
	if (la->family == PD_FAMILY_V6 && pd_addr_unmap_v4(la, &mapped))
		la = &mapped;
	if (la->family == ep->addr.family)
		return pd_addr_is_any(la) || pd_addr_is_any(&ep->addr) ||
		       pd_addr_equal(la, &ep->addr);
	if (ep->addr.family == PD_FAMILY_V4)
		return pd_addr_is_any(la) && sk->v6only != 1;
	/* ep is IPv6, socket IPv4: only a dual-stack wildcard bind meets it. */
	return !ep->v6only && pd_addr_is_any(&ep->addr);
}

/* Socket states that hold the port against a new bind. */
static bool blocks(const pd_socket *sk)
{
	switch (sk->state) {
	case PD_STATE_TIME_WAIT:
		return false;
	case PD_STATE_UNKNOWN:
		return true;
	default:
		return true;
	}
}

/* A listener, or a bound UDP socket: holders for sure.  Connected sockets
 * on the port block only binds without SO_REUSEADDR (or accepted children
 * of a listener, which is the holder that matters). */
static bool holds_for_sure(const pd_socket *sk)
{
	return sk->state == PD_STATE_LISTEN || sk->state == PD_STATE_UNCONN ||
	       (sk->proto == PD_PROTO_UDP && sk->state != PD_STATE_TIME_WAIT);
}

static pd_finding *add_finding(ctx *c, pd_finding_code code,
                               const pd_endpoint *ep, const char *fmt, ...)
	PD_PRINTF(4, 5);

static pd_finding *add_finding(ctx *c, pd_finding_code code,
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

static bool has_finding(const pd_result *r, pd_finding_code code)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (r->findings[i].code == code)
			return true;
	return false;
}

static const char *ep_text(const pd_endpoint *ep, char *buf, size_t size)
{
	char a[PD_ADDR_STRLEN];

	pd_addr_format(&ep->addr, a, sizeof(a));
	snprintf(buf, size, ep->addr.family == PD_FAMILY_V6 ? "[%s]:%u/%s" :
	         "%s:%u/%s", a, ep->port, pd_proto_name(ep->proto));
	return buf;
}

static int attach_sockets(pd_finding *f, const size_t *idx, size_t n)
{
	if (!n)
		return 0;
	f->sockets = pd__reallocarray(NULL, n, sizeof(*idx));
	if (!f->sockets)
		return PD_ENOMEM;
	memcpy(f->sockets, idx, n * sizeof(*idx));
	f->n_sockets = n;
	return 0;
}

/* The owner's process, for naming the special Windows holders. */
static const pd_process *first_owner(const ctx *c, const size_t *idx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const pd_socket *sk = &c->snap->sockets[idx[i]];

		if (sk->n_pids)
			return pd_snapshot_find_process(c->snap, sk->pids[0]);
	}
	return NULL;
}

static bool owner_is_pid(const ctx *c, const size_t *idx, size_t n, int pid)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const pd_socket *sk = &c->snap->sockets[idx[i]];

		if (sk->n_pids && sk->pids[0] == pid)
			return true;
	}
	return false;
}

static bool contains_word(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Programs that hold ports for someone else: the user asks "what is
 * com.docker.backend.exe?", and the answer is where the port really goes. */
static const struct {
	const char *image; /* without ".exe", compared ASCII case-insensitively */
	const char *what;
} forwarders[] = {
	{"com.docker.backend", "Docker Desktop's port forwarder: a running "
	                       "container publishes this port"},
	{"com.docker.proxy", "Docker Desktop's port proxy (older versions): a "
	                     "running container publishes this port"},
	{"vpnkit", "Docker Desktop's port forwarder (vpnkit, older versions): a "
	           "running container publishes this port"},
	{"wslrelay", "the WSL2 localhost relay: a program inside a WSL2 "
	             "distribution listens on this port"},
	{"wslhost", "the WSL2 localhost forwarder (older WSL): a program inside "
	            "a WSL2 distribution listens on this port"},
};

/* Locale-free: the name comes from the process table, not from the user. */
static bool image_is(const char *name, const char *image)
{
	size_t n = strlen(image), i;

	if (!name)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != image[i])
			return false;
	}
	return name[n] == '\0' || strcmp(name + n, ".exe") == 0 ||
	       strcmp(name + n, ".EXE") == 0;
}

static const char *forwarder_what(const pd_process *p)
{
	size_t i;

	for (i = 0; p && i < sizeof(forwarders) / sizeof(forwarders[0]); i++)
		if (image_is(p->name, forwarders[i].image))
			return forwarders[i].what;
	return NULL;
}

/* Whether an excluded_range finding for the same ports stands already. */
static bool same_range_reported(const ctx *c, const pd_range *r)
{
	size_t i;

	for (i = 0; i < c->res->n_findings; i++) {
		const pd_finding *f = &c->res->findings[i];

		if (f->code == PD_F_EXCLUDED_RANGE && f->range &&
		    f->range->start == r->start && f->range->end == r->end)
			return true;
	}
	return false;
}

/* Whether a holder finding with exactly these sockets stands already: a
 * dual-stack socket holds both halves of a bare port, and is one cause. */
static bool same_holders_reported(const ctx *c, const size_t *idx, size_t n)
{
	size_t i;

	for (i = 0; i < c->res->n_findings; i++) {
		const pd_finding *f = &c->res->findings[i];

		if ((f->code == PD_F_IN_USE || f->code == PD_F_HTTP_SYS ||
		     f->code == PD_F_PORTPROXY) && f->n_sockets == n && n &&
		    memcmp(f->sockets, idx, n * sizeof(*idx)) == 0)
			return true;
	}
	return false;
}

/* The finding for sockets that hold the endpoint. */
static int report_holders(ctx *c, const pd_endpoint *ep, const size_t *idx,
                          size_t n, const pd_bind_result *b)
{
	char e[96];
	const pd_process *p = first_owner(c, idx, n);
	pd_finding *f;
	size_t *ev = NULL, n_ev = 0;
	bool http = false;

	if (same_holders_reported(c, idx, n))
		return 0;
	ep_text(ep, e, sizeof(e));
	if (c->is_windows && owner_is_pid(c, idx, n, 4)) {
		http = true;
		if (pd__http_regs_on(c->snap, ep->port, &ev, &n_ev) < 0)
			return PD_ENOMEM;
		f = n_ev ?
		    add_finding(c, PD_F_HTTP_SYS, ep,
		                _("%s is held by http.sys (PID 4, \"System\") for "
		                  "%zu URL(s) registered on port %u"), e, n_ev,
		                ep->port) :
		    add_finding(c, PD_F_HTTP_SYS, ep,
		                _("%s is held by http.sys (PID 4, \"System\"): a URL "
		                  "reservation of IIS, WinRM, WSDAPI or another "
		                  "HTTP.SYS user"), e);
	} else if (c->is_windows && p && contains_word(p->service, "iphlpsvc")) {
		if (pd__proxy_rules_on(c->snap, ep, &ev, &n_ev) < 0)
			return PD_ENOMEM;
		f = add_finding(c, PD_F_PORTPROXY, ep,
		                _("%s is held by a `netsh interface portproxy` rule "
		                  "(IP Helper service, pid %d)"), e, p->pid);
	} else if (n && forwarder_what(p)) {
		f = add_finding(c, PD_F_IN_USE, ep,
		                _("%s is in use by %s (pid %d), %s"), e, p->name,
		                p->pid, _(forwarder_what(p)));
	} else if (n) {
		f = add_finding(c, PD_F_IN_USE, ep,
		                n == 1 ? _("%s is in use by %zu socket") :
		                _("%s is in use by %zu sockets"), e, n);
	} else {
		f = add_finding(c, PD_F_IN_USE, ep,
		                _("%s is in use, but no socket on it could be seen"),
		                e);
	}
	if (!f || attach_sockets(f, idx, n) < 0) {
		free(ev);
		return PD_ENOMEM;
	}
	if (http) {
		f->http_regs = ev;
		f->n_http_regs = n_ev;
	} else {
		f->proxy_rules = ev;
		f->n_proxy_rules = n_ev;
	}
	f->container = pd__holder_container(c->snap, ep, idx, n);
	if (b) {
		f->bind_err = b->err;
		f->os_code = b->os_code;
		f->os_name = b->os_name;
	}
	return 0;
}

/*
 * No socket and no bind test, but netsh says who would hold the port: a
 * URL registered with http.sys, or a portproxy rule.  Both outputs are the
 * live state (not reservations), so the port counts as taken; the finding
 * is a warning because nothing here shows the socket itself (the paste may
 * be old, `netsh http add iplisten` may narrow the addresses).  Once per
 * port: http.sys takes every address.
 */
static int report_registered(ctx *c, const pd_endpoint *ep, bool *ret_ok)
{
	size_t *ev = NULL, n_ev = 0;
	pd_finding *f = NULL;
	char e[96];

	if (ep->proto != PD_PROTO_TCP)
		return 0;
	ep_text(ep, e, sizeof(e));
	if (!has_finding(c->res, PD_F_HTTP_SYS)) {
		if (pd__http_regs_on(c->snap, ep->port, &ev, &n_ev) < 0)
			return PD_ENOMEM;
		if (n_ev) {
			f = add_finding(c, PD_F_HTTP_SYS, ep,
			                _("%zu URL(s) are registered with http.sys on "
			                  "port %u (`netsh http show servicestate`): "
			                  "http.sys (PID 4, \"System\") listens on it on "
			                  "every address, though no socket list here "
			                  "confirms it"), n_ev, ep->port);
			if (!f) {
				free(ev);
				return PD_ENOMEM;
			}
			f->severity = PD_SEV_WARNING;
			f->http_regs = ev;
			f->n_http_regs = n_ev;
			*ret_ok = false;
			return 0;
		}
	}
	if (has_finding(c->res, PD_F_PORTPROXY) ||
	    pd__proxy_rules_on(c->snap, ep, &ev, &n_ev) < 0)
		return has_finding(c->res, PD_F_PORTPROXY) ? 0 : PD_ENOMEM;
	if (!n_ev)
		return 0;
	f = add_finding(c, PD_F_PORTPROXY, ep,
	                _("a `netsh interface portproxy` rule listens on %s:%u, "
	                  "in the way of %s: the IP Helper service (iphlpsvc) "
	                  "holds it while it runs, though no socket list here "
	                  "confirms it"),
	                c->snap->portproxy_rules[ev[0]].listen_address,
	                ep->port, e);
	if (!f) {
		free(ev);
		return PD_ENOMEM;
	}
	f->severity = PD_SEV_WARNING;
	f->proxy_rules = ev;
	f->n_proxy_rules = n_ev;
	*ret_ok = false;
	return 0;
}

static int diagnose_endpoint(ctx *c, const pd_endpoint *ep, bool required,
                             bool *ret_ok, bool *ret_tested)
{
	const pd_snapshot *s = c->snap;
	const pd_bind_result *b = find_bind(c, ep->proto, &ep->addr, ep->port);
	size_t *hold = NULL, n_hold = 0, n_sure = 0, *tw = NULL, n_tw = 0, i, k;
	size_t lo = c->idx->sock_at[ep->port], hi = c->idx->sock_at[ep->port + 1];
	char e[96];
	pd_finding *f;
	int r = PD_ENOMEM;
	const pd_range *ex;

	ep_text(ep, e, sizeof(e));
	if (hi > lo) {
		hold = malloc((hi - lo) * sizeof(*hold));
		tw = malloc((hi - lo) * sizeof(*tw));
		if (!hold || !tw)
			goto out;
	}
	for (k = lo; k < hi; k++) {
		const pd_socket *sk = &s->sockets[c->idx->sock[k]];

		i = c->idx->sock[k];
		if (!overlaps(ep, sk))
			continue;
		if (!blocks(sk)) {
			tw[n_tw++] = i;
		} else if (holds_for_sure(sk)) {
			/* Sure holders first: they are what the user must act on. */
			memmove(hold + n_sure + 1, hold + n_sure,
			        (n_hold - n_sure) * sizeof(*hold));
			hold[n_sure++] = i;
			n_hold++;
		} else {
			hold[n_hold++] = i;
		}
	}
	ex = c->is_windows ? find_range(s->excluded, s->n_excluded, ep->proto,
	                                ep->addr.family, ep->port, 0) : NULL;
	*ret_tested = b != NULL;
	if (!b) {
		/* Evidence only. */
		*ret_ok = true;
		if (n_sure) {
			if (report_holders(c, ep, hold, n_sure, NULL) < 0)
				goto out;
			*ret_ok = false;
		} else if (c->is_windows) {
			if (report_registered(c, ep, ret_ok) < 0)
				goto out;
		}
		if (ex)
			*ret_ok = false;
	} else if (b->err == 0) {
		*ret_ok = true;
		if (n_sure &&
		    !add_finding(c, PD_F_EVIDENCE_MISMATCH, ep,
		                 _("the bind test on %s succeeded although a socket "
		                   "holds it (SO_REUSEPORT, or the socket closed "
		                   "between the two looks)"), e))
			goto out;
		if (ex &&
		    !add_finding(c, PD_F_EVIDENCE_MISMATCH, ep,
		                 _("the bind test on %s succeeded inside an excluded "
		                   "range"), e))
			goto out;
	} else {
		*ret_ok = false;
		switch (b->err) {
		case PD_EADDRINUSE:
			if (report_holders(c, ep, hold, n_hold, b) < 0)
				goto out;
			if (!n_hold &&
			    !add_finding(c, PD_F_EVIDENCE_MISMATCH, ep,
			                 _("the bind test says %s is in use, but the "
			                   "socket list shows no holder (it may have "
			                   "just closed, or the kernel holds it)"), e))
				goto out;
			break;
		case PD_EACCES:
			if (s->unprivileged_port_start > 0 &&
			    ep->port < s->unprivileged_port_start &&
			    !s->can_bind_privileged)
				break; /* privileged_port, added per port below */
			if (ex)
				break; /* excluded_range, added below */
			if (n_sure) {
				/* Windows: an exclusive (SO_EXCLUSIVEADDRUSE) holder. */
				if (report_holders(c, ep, hold, n_sure, b) < 0)
					goto out;
				break;
			}
			f = add_finding(c, PD_F_BIND_DENIED, ep,
			                _("binding %s was refused (%s%s%s) and no port "
			                  "range, privilege rule or holder explains it: "
			                  "a security module (SELinux, AppArmor, "
			                  "seccomp), a firewall or antivirus hook may be "
			                  "in the way"), e, pd_err_name(b->err),
			                b->os_name ? ", " : "",
			                b->os_name ? b->os_name : "");
			if (!f)
				goto out;
			f->bind_err = b->err;
			f->os_code = b->os_code;
			f->os_name = b->os_name;
			break;
		case PD_EADDRNOTAVAIL:
			if (!pd_snapshot_has_addr(s, &ep->addr)) {
				char a[PD_ADDR_STRLEN];

				pd_addr_format(&ep->addr, a, sizeof(a));
				f = add_finding(c, PD_F_ADDRESS_NOT_LOCAL, ep,
				                _("%s is not an address of this machine: no "
				                  "interface has it"), a);
			} else {
				f = add_finding(c, PD_F_BIND_DENIED, ep,
				                _("binding %s failed with %s although the "
				                  "address is configured (still tentative, "
				                  "or being removed?)"), e,
				                pd_err_name(b->err));
			}
			if (!f)
				goto out;
			f->bind_err = b->err;
			f->os_code = b->os_code;
			f->os_name = b->os_name;
			break;
		case PD_EAFNOSUPPORT:
			if (!required) {
				*ret_ok = true;
				if (!add_finding(c, PD_F_IPV6_UNAVAILABLE, ep,
				                 _("IPv6 is not available on this machine; "
				                   "only the IPv4 side of %u counts"),
				                 ep->port))
					goto out;
				break;
			}
			/* fall through */
		default:
			f = add_finding(c, PD_F_BIND_DENIED, ep,
			                _("binding %s failed: %s (%s)"), e,
			                pd_strerror(b->err),
			                b->os_name ? b->os_name : pd_err_name(b->err));
			if (!f)
				goto out;
			f->bind_err = b->err;
			f->os_code = b->os_code;
			f->os_name = b->os_name;
		}
	}
	if (ex && same_range_reported(c, ex)) {
		/* The IPv6 list usually repeats the IPv4 block: one cause. */
	} else if (ex && ex->start == ex->end) {
		/* Single-port exclusions are not WinNAT's blocks. */
		f = add_finding(c, PD_F_EXCLUDED_RANGE, ep,
		                _("%s is excluded on its own (range %u-%u): "
		                  "single-port exclusions usually belong to an "
		                  "http.sys listener (IIS, WinRM, WSDAPI, SSDP) or "
		                  "a program's installer; binding it fails with "
		                  "WSAEACCES 10013 \"forbidden by its access "
		                  "permissions\""), e, ex->start, ex->end);
		if (!f)
			goto out;
		f->range = ex;
	} else if (ex) {
		f = add_finding(c, PD_F_EXCLUDED_RANGE, ep,
		                _("%s lies in the excluded port range %u-%u "
		                  "(%u ports), reserved at run time by WinNAT/HNS for "
		                  "Hyper-V, WSL2, Docker Desktop or Windows "
		                  "containers (they take blocks of 100, HNS load "
		                  "balancers 64); binding it fails with WSAEACCES "
		                  "10013 \"forbidden by its access permissions\""),
		                e, ex->start, ex->end,
		                (unsigned)(ex->end - ex->start) + 1);
		if (!f)
			goto out;
		f->range = ex;
	}
	if (ex && b && b->err == PD_EACCES) {
		/* The refused bind is this finding's proof (10013). */
		f = &c->res->findings[c->res->n_findings - 1];
		f->bind_err = b->err;
		f->os_code = b->os_code;
		f->os_name = b->os_name;
	}
	if (n_tw && !has_finding(c->res, PD_F_TIME_WAIT)) {
		f = add_finding(c, PD_F_TIME_WAIT, ep,
		                _("%zu connection(s) on port %u are in TIME_WAIT: "
		                  "servers that set SO_REUSEADDR bind anyway, others "
		                  "fail for up to a minute"), n_tw, ep->port);
		if (!f || attach_sockets(f, tw, n_tw) < 0)
			goto out;
	}
	r = 0;
out:
	free(hold);
	free(tw);
	return r;
}

/* Findings about the port itself rather than one endpoint. */
static int diagnose_port(ctx *c, const pd_endpoint *ep, bool bind_refused)
{
	const pd_snapshot *s = c->snap;
	uint16_t port = ep->port;
	const pd_range *r;
	pd_finding *f;

	if (s->unprivileged_port_start > 0 && port < s->unprivileged_port_start) {
		bool denied = !s->can_bind_privileged;

		f = add_finding(c, PD_F_PRIVILEGED_PORT, ep,
		                denied ?
		                _("port %u is below net.ipv4.ip_unprivileged_port_start "
		                  "(%d): only root or a program with "
		                  "CAP_NET_BIND_SERVICE may bind it; rootful Docker "
		                  "can publish it, rootless Docker and Podman cannot") :
		                _("port %u is below net.ipv4.ip_unprivileged_port_start "
		                  "(%d): this run may bind it, but non-root users, "
		                  "rootless Docker and rootless Podman cannot"),
		                port, s->unprivileged_port_start);
		if (!f)
			return PD_ENOMEM;
		if (!denied || !bind_refused)
			f->severity = denied ? PD_SEV_WARNING : PD_SEV_INFO;
	}
	r = find_range(s->dynamic, s->n_dynamic, ep->proto, PD_FAMILY_ANY, port, -1);
	if (r) {
		if (c->is_windows && r->start < WIN_DYNAMIC_DEFAULT_START &&
		    port < WIN_DYNAMIC_DEFAULT_START) {
			const char *fam = r->family == PD_FAMILY_V4 ? "ipv4 " :
			                  r->family == PD_FAMILY_V6 ? "ipv6 " : "";

			f = add_finding(c, PD_F_DYNAMIC_RANGE_MISCONFIGURED, ep,
			                _("the %s%s dynamic port range is %u-%u instead "
			                  "of 49152-65535: WinNAT (Hyper-V, WSL2, Docker "
			                  "Desktop) reserves its blocks inside the "
			                  "dynamic range, so with a range starting at %u "
			                  "those blocks land on common ports such as %u"),
			                fam, pd_proto_name(ep->proto), r->start, r->end,
			                r->start, port);
			if (!f)
				return PD_ENOMEM;
			f->range = r;
		}
		f = add_finding(c, PD_F_IN_DYNAMIC_RANGE, ep,
		                _("port %u is inside the dynamic (ephemeral) range "
		                  "%u-%u: outgoing connections can take it at any "
		                  "moment"), port, r->start, r->end);
		if (!f)
			return PD_ENOMEM;
		f->range = r;
	}
	r = find_range(s->reserved, s->n_reserved, ep->proto, PD_FAMILY_ANY, port,
	               -1);
	if (r) {
		f = add_finding(c, PD_F_RESERVED_PORT, ep,
		                _("port %u is listed in net.ipv4.ip_local_reserved_ports "
		                  "(%u-%u): it is never handed out automatically, and "
		                  "an explicit bind still works"), port, r->start,
		                r->end);
		if (!f)
			return PD_ENOMEM;
		f->range = r;
	}
	if (c->is_windows) {
		r = find_range(s->excluded, s->n_excluded, ep->proto, PD_FAMILY_ANY,
		               port, 1);
		if (r) {
			f = add_finding(c, PD_F_ADMINISTERED_EXCLUSION, ep,
			                _("port %u is in the administered exclusion "
			                  "%u-%u: protected from ephemeral use and from "
			                  "WinNAT, an explicit bind still works"),
			                port, r->start, r->end);
			if (!f)
				return PD_ENOMEM;
			f->range = r;
		}
	}
	return 0;
}

/* Owner search left holes: say so once per result. */
static int note_unknown_owners(ctx *c)
{
	pd_result *r = c->res;
	size_t i, k;

	for (i = 0; i < r->n_findings; i++) {
		const pd_finding *f = &r->findings[i];

		for (k = 0; k < f->n_sockets; k++) {
			const pd_socket *sk = &c->snap->sockets[f->sockets[k]];

			pd_endpoint ep = f->endpoint; /* add_finding moves findings */

			if (f->code == PD_F_TIME_WAIT || sk->n_pids ||
			    !holds_for_sure(sk))
				continue;
			if (!add_finding(c, PD_F_OWNER_UNKNOWN, &ep,
			                 c->snap->privileged ?
			                 _("the process holding the socket could not be "
			                   "found (kernel socket, another PID namespace, "
			                   "or a process that denied access)") :
			                 _("the process holding the socket could not be "
			                   "seen: run portdoctor as root to name it")))
				return PD_ENOMEM;
			return 0;
		}
	}
	return 0;
}

/* Created or stopped containers that publish the port: each conflicts
 * the moment it starts. */
static int report_idle_containers(ctx *c, const pd_endpoint *eps, size_t n)
{
	const pd_container *cs[16];
	size_t k, m = pd__containers_conflicting(c->snap, eps, n, cs, 16);
	pd_finding *f;

	for (k = 0; k < m; k++) {
		f = add_finding(c, PD_F_CONTAINER_CONFLICT, &eps[0],
		                _("%s container %s publishes port %u/%s: starting "
		                  "it will conflict"),
		                cs[k]->state ? cs[k]->state : _("stopped"),
		                cs[k]->name ? cs[k]->name : cs[k]->id ? cs[k]->id :
		                "?", eps[0].port, pd_proto_name(eps[0].proto));
		if (!f)
			return PD_ENOMEM;
		f->container = cs[k];
	}
	return 0;
}

static int diagnose_one(ctx *c, const pd_target *t, uint16_t port)
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

		r = diagnose_endpoint(c, &eps[i], required, &ok, &tested);
		if (r < 0)
			return r;
		all_ok = all_ok && ok;
		all_tested = all_tested && tested;
		b = find_bind(c, eps[i].proto, &eps[i].addr, port);
		if (b && b->err == PD_EACCES)
			refused = true;
	}
	r = diagnose_port(c, &eps[0], refused);
	if (r < 0)
		return r;
	r = report_idle_containers(c, eps, n);
	if (r < 0)
		return r;
	r = note_unknown_owners(c);
	if (r < 0)
		return r;
	if (!all_tested) {
		const pd_snapshot *s = c->snap;

		if (!add_finding(c, PD_F_NOT_TESTED, &eps[0],
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
	port_index idx;
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
			ctx c = {snap, &rep->results[k], false, &idx};

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
