/*
 * Diagnose, one endpoint: the sockets that overlap it, and what its bind
 * result means.
 *
 * The bind test is the ground truth; the overlapping sockets explain it.
 * pd_socket_overlaps() (src/core/addr.c) and blocks() decide which
 * sockets stand in the way, report_holders() names them (in_use, or
 * http_sys / portproxy on Windows, or a forwarder such as Docker Desktop
 * or the WSL2 relay), and pd__diagnose_endpoint() reads the bind result
 * into in_use, address_not_local, bind_denied, ipv6_unavailable or
 * evidence_mismatch, plus excluded_range and time_wait.  Without a bind
 * result the evidence alone decides (report_registered() reads netsh's
 * registrations).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose_internal.h"
#include "docker/docker.h"
#include "core/i18n.h"
#include "portdoctor/portdoctor.h"

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
bool pd__holds_for_sure(const pd_socket *sk)
{
	return sk->state == PD_STATE_LISTEN || sk->state == PD_STATE_UNCONN ||
	       (sk->proto == PD_PROTO_UDP && sk->state != PD_STATE_TIME_WAIT);
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

/* The bind test's own words as evidence on a finding. */
static void attach_bind(pd_finding *f, const pd_bind_result *b)
{
	f->bind_err = b->err;
	f->os_code = b->os_code;
	f->os_name = b->os_name;
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
static const pd_process *first_owner(const pd_diag_ctx *c, const size_t *idx,
                                     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const pd_socket *sk = &c->snap->sockets[idx[i]];

		if (sk->n_pids)
			return pd_snapshot_find_process(c->snap, sk->pids[0]);
	}
	return NULL;
}

static bool owner_is_pid(const pd_diag_ctx *c, const size_t *idx, size_t n,
                         int pid)
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
	{"com.docker.backend", N_("Docker Desktop's port forwarder: a running "
	                       "container publishes this port")},
	{"com.docker.proxy", N_("Docker Desktop's port proxy (older versions): a "
	                     "running container publishes this port")},
	{"vpnkit", N_("Docker Desktop's port forwarder (vpnkit, older versions): a "
	           "running container publishes this port")},
	{"wslrelay", N_("the WSL2 localhost relay: a program inside a WSL2 "
	             "distribution listens on this port")},
	{"wslhost", N_("the WSL2 localhost forwarder (older WSL): a program inside "
	            "a WSL2 distribution listens on this port")},
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
static bool same_range_reported(const pd_diag_ctx *c, const pd_range *r)
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
static bool same_holders_reported(const pd_diag_ctx *c, const size_t *idx,
                                  size_t n)
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

/* What a PID 4 listener with no http.sys URL on its port is. */
static const char *kernel_listener(uint16_t port)
{
	if (port == 445)
		return _("SMB file and printer sharing (the Server service, "
		         "LanmanServer)");
	if (port == 139)
		return _("NetBIOS over TCP/IP (the NetBT driver)");
	return _("a kernel driver; it is http.sys when a URL is registered on "
	         "the port (`netsh http show servicestate` lists them; none was "
	         "seen here)");
}

/* The finding for sockets that hold the endpoint. */
static int report_holders(pd_diag_ctx *c, const pd_endpoint *ep,
                          const size_t *idx, size_t n,
                          const pd_bind_result *b)
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
		/* PID 4 is the kernel; it is http.sys only where netsh lists a
		 * URL on the port. */
		if (pd__http_regs_on(c->snap, ep->port, &ev, &n_ev) < 0)
			return PD_ENOMEM;
		http = n_ev > 0;
		f = n_ev ?
		    pd__finding(c, PD_F_HTTP_SYS, ep,
		                ngettext("%s is held by http.sys (PID 4, \"System\") "
		                         "for %zu URL registered on port %u",
		                         "%s is held by http.sys (PID 4, \"System\") "
		                         "for %zu URLs registered on port %u", n_ev),
		                e, n_ev, ep->port) :
		    pd__finding(c, PD_F_IN_USE, ep,
		                _("%s is held by the Windows kernel (PID 4, "
		                  "\"System\"): %s"), e, kernel_listener(ep->port));
	} else if (c->is_windows && p && contains_word(p->service, "iphlpsvc")) {
		if (pd__proxy_rules_on(c->snap, ep, &ev, &n_ev) < 0)
			return PD_ENOMEM;
		f = pd__finding(c, PD_F_PORTPROXY, ep,
		                _("%s is held by a `netsh interface portproxy` rule "
		                  "(IP Helper service, pid %d)"), e, p->pid);
	} else if (n && forwarder_what(p)) {
		f = pd__finding(c, PD_F_IN_USE, ep,
		                _("%s is in use by %s (pid %d), %s"), e, p->name,
		                p->pid, _(forwarder_what(p)));
	} else if (n) {
		f = pd__finding(c, PD_F_IN_USE, ep,
		                ngettext("%s is in use by %zu socket",
		                         "%s is in use by %zu sockets", n), e, n);
	} else {
		f = pd__finding(c, PD_F_IN_USE, ep,
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
	if (b)
		attach_bind(f, b);
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
static int report_registered(pd_diag_ctx *c, const pd_endpoint *ep,
                             bool *ret_ok)
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
			f = pd__finding(c, PD_F_HTTP_SYS, ep,
			                ngettext("%zu URL is registered with http.sys on "
			                         "port %u (`netsh http show servicestate`): "
			                         "http.sys (PID 4, \"System\") listens on it "
			                         "on every address, though no socket list "
			                         "here confirms it",
			                         "%zu URLs are registered with http.sys on "
			                         "port %u (`netsh http show servicestate`): "
			                         "http.sys (PID 4, \"System\") listens on it "
			                         "on every address, though no socket list "
			                         "here confirms it", n_ev), n_ev, ep->port);
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
	f = pd__finding(c, PD_F_PORTPROXY, ep,
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

/*
 * WSL in mirrored networking mode shares Windows' port space: it reserves
 * ports for its distributions that show in no excluded range and no
 * socket list, and Windows programs fail to bind them with 10013 or 10048
 * until `wsl --shutdown` (microsoft/WSL#40169: ranges such as 44620 and
 * 48080 refused with 10013; #12228: 4097 UDP ports refused with 10048).
 * So when a bind fails with nothing else to explain it, mirrored mode is
 * the likely holder.  Once per port.
 */
static bool mirrored_explains(const pd_diag_ctx *c, const pd_bind_result *b,
                              size_t n_hold, const pd_range *ex)
{
	return c->is_windows && c->snap->wsl_mirrored == 1 && !n_hold && !ex &&
	       (b->err == PD_EACCES || b->err == PD_EADDRINUSE);
}

static int report_wsl_mirrored(pd_diag_ctx *c, const pd_endpoint *ep,
                               const pd_bind_result *b, size_t n_hold,
                               const pd_range *ex)
{
	pd_finding *f;
	char e[96];

	if (!mirrored_explains(c, b, n_hold, ex) ||
	    has_finding(c->res, PD_F_WSL_MIRRORED))
		return 0;
	ep_text(ep, e, sizeof(e));
	f = pd__finding(c, PD_F_WSL_MIRRORED, ep,
	                _("WSL runs in mirrored networking mode "
	                  "(networkingMode=mirrored in %%UserProfile%%\\.wslconfig) "
	                  "and nothing else explains why binding %s fails: "
	                  "mirrored WSL reserves Windows ports for its "
	                  "distributions that no excluded range and no socket "
	                  "list shows; `wsl --shutdown` frees them"), e);
	if (!f)
		return PD_ENOMEM;
	attach_bind(f, b);
	return 0;
}

int pd__diagnose_endpoint(pd_diag_ctx *c, const pd_endpoint *ep, bool required,
                          bool *ret_ok, bool *ret_tested)
{
	const pd_snapshot *s = c->snap;
	const pd_bind_result *b = pd__find_bind(c, ep->proto, &ep->addr, ep->port);
	size_t *hold = NULL, n_hold = 0, n_sure = 0, *tw = NULL, n_tw = 0, i, k;
	size_t lo, hi;
	char e[96];
	pd_finding *f;
	int r = PD_ENOMEM;
	const pd_range *ex;

	ep_text(ep, e, sizeof(e));
	pd__port_run_find(&c->idx->sock, ep->port, &lo, &hi);
	if (hi > lo) {
		hold = malloc((hi - lo) * sizeof(*hold));
		tw = malloc((hi - lo) * sizeof(*tw));
		if (!hold || !tw)
			goto out;
	}
	for (k = lo; k < hi; k++) {
		const pd_socket *sk = &s->sockets[c->idx->sock.order[k]];

		i = c->idx->sock.order[k];
		if (!pd_socket_overlaps(ep, sk))
			continue;
		if (!blocks(sk)) {
			tw[n_tw++] = i;
		} else if (pd__holds_for_sure(sk)) {
			/* Sure holders first: they are what the user must act on. */
			memmove(hold + n_sure + 1, hold + n_sure,
			        (n_hold - n_sure) * sizeof(*hold));
			hold[n_sure++] = i;
			n_hold++;
		} else {
			hold[n_hold++] = i;
		}
	}
	ex = c->is_windows ? pd__find_range(s->excluded, s->n_excluded, ep->proto,
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
		    !pd__finding(c, PD_F_EVIDENCE_MISMATCH, ep,
		                 _("the bind test on %s succeeded although a socket "
		                   "holds it (SO_REUSEPORT, or the socket closed "
		                   "between the two looks)"), e))
			goto out;
		if (ex &&
		    !pd__finding(c, PD_F_EVIDENCE_MISMATCH, ep,
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
			    !pd__finding(c, PD_F_EVIDENCE_MISMATCH, ep,
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
			if (mirrored_explains(c, b, n_hold, ex))
				break; /* wsl_mirrored, added below */
			f = pd__finding(c, PD_F_BIND_DENIED, ep,
			                _("binding %s was refused (%s%s%s) and no port "
			                  "range, privilege rule or holder explains it: "
			                  "a security module (SELinux, AppArmor, "
			                  "seccomp), a firewall or antivirus hook may be "
			                  "in the way"), e, pd_err_name(b->err),
			                b->os_name ? ", " : "",
			                b->os_name ? b->os_name : "");
			if (!f)
				goto out;
			attach_bind(f, b);
			break;
		case PD_EADDRNOTAVAIL:
			if (!pd_snapshot_has_addr(s, &ep->addr)) {
				char a[PD_ADDR_STRLEN];

				pd_addr_format(&ep->addr, a, sizeof(a));
				f = pd__finding(c, PD_F_ADDRESS_NOT_LOCAL, ep,
				                _("%s is not an address of this machine: no "
				                  "interface has it"), a);
			} else {
				f = pd__finding(c, PD_F_BIND_DENIED, ep,
				                _("binding %s failed with %s although the "
				                  "address is configured (still tentative, "
				                  "or being removed?)"), e,
				                pd_err_name(b->err));
			}
			if (!f)
				goto out;
			attach_bind(f, b);
			break;
		case PD_EAFNOSUPPORT:
			if (!required) {
				*ret_ok = true;
				if (!pd__finding(c, PD_F_IPV6_UNAVAILABLE, ep,
				                 _("IPv6 is not available on this machine; "
				                   "only the IPv4 side of %u counts"),
				                 ep->port))
					goto out;
				break;
			}
			/* fall through */
		default:
			f = pd__finding(c, PD_F_BIND_DENIED, ep,
			                _("binding %s failed: %s (%s)"), e,
			                pd_strerror(b->err),
			                b->os_name ? b->os_name : pd_err_name(b->err));
			if (!f)
				goto out;
			attach_bind(f, b);
		}
	}
	if (b && report_wsl_mirrored(c, ep, b, n_hold, ex) < 0)
		goto out;
	if (ex && same_range_reported(c, ex)) {
		/* The IPv6 list usually repeats the IPv4 block: one cause. */
	} else if (ex && ex->start == ex->end) {
		/* Single-port exclusions are not WinNAT's blocks. */
		f = pd__finding(c, PD_F_EXCLUDED_RANGE, ep,
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
		f = pd__finding(c, PD_F_EXCLUDED_RANGE, ep,
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
		attach_bind(f, b);
	}
	if (n_tw && !has_finding(c->res, PD_F_TIME_WAIT)) {
		f = pd__finding(c, PD_F_TIME_WAIT, ep,
		                ngettext("%zu connection on port %u is in TIME_WAIT: "
		                         "servers that set SO_REUSEADDR bind anyway, "
		                         "others fail for up to a minute",
		                         "%zu connections on port %u are in TIME_WAIT: "
		                         "servers that set SO_REUSEADDR bind anyway, "
		                         "others fail for up to a minute", n_tw),
		                n_tw, ep->port);
		if (!f || attach_sockets(f, tw, n_tw) < 0)
			goto out;
	}
	r = 0;
out:
	free(hold);
	free(tw);
	return r;
}
