/*
 * Diagnose, the port itself: findings that hold whatever address the
 * program binds.  privileged_port, the dynamic (ephemeral) and reserved
 * ranges, a Windows dynamic range moved below its default start, the
 * administered exclusions; then, per result, the holders whose owner
 * could not be found and the idle containers that publish the port.
 * pd__find_range() also serves endpoint.c's excluded ranges.
 */
#include <stddef.h>

#include "diagnose_internal.h"
#include "docker/docker.h"
#include "core/i18n.h"
#include "portdoctor/portdoctor.h"

/* Windows' default dynamic range starts here (KB929851). */
#define WIN_DYNAMIC_DEFAULT_START 49152

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

const pd_range *pd__find_range(const pd_range *arr, size_t n, pd_proto p,
                               pd_family f, uint16_t port, int administered)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ranges_match(&arr[i], p, f, port) &&
		    (administered < 0 || arr[i].administered == (administered > 0)))
			return &arr[i];
	return NULL;
}

/* Findings about the port itself rather than one endpoint. */
int pd__diagnose_port(pd_diag_ctx *c, const pd_endpoint *ep, bool bind_refused)
{
	const pd_snapshot *s = c->snap;
	uint16_t port = ep->port;
	const pd_range *r;
	pd_finding *f;

	if (s->unprivileged_port_start > 0 && port < s->unprivileged_port_start) {
		bool denied = !s->can_bind_privileged;

		f = pd__finding(c, PD_F_PRIVILEGED_PORT, ep,
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
	r = pd__find_range(s->dynamic, s->n_dynamic, ep->proto, PD_FAMILY_ANY, port,
	                   -1);
	if (r) {
		if (c->is_windows && r->start < WIN_DYNAMIC_DEFAULT_START &&
		    port < WIN_DYNAMIC_DEFAULT_START) {
			const char *fam = r->family == PD_FAMILY_V4 ? "ipv4 " :
			                  r->family == PD_FAMILY_V6 ? "ipv6 " : "";

			f = pd__finding(c, PD_F_DYNAMIC_RANGE_MISCONFIGURED, ep,
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
		f = pd__finding(c, PD_F_IN_DYNAMIC_RANGE, ep,
		                _("port %u is inside the dynamic (ephemeral) range "
		                  "%u-%u: outgoing connections can take it at any "
		                  "moment"), port, r->start, r->end);
		if (!f)
			return PD_ENOMEM;
		f->range = r;
	}
	r = pd__find_range(s->reserved, s->n_reserved, ep->proto, PD_FAMILY_ANY,
	                   port, -1);
	if (r) {
		f = pd__finding(c, PD_F_RESERVED_PORT, ep,
		                _("port %u is listed in net.ipv4.ip_local_reserved_ports "
		                  "(%u-%u): it is never handed out automatically, and "
		                  "an explicit bind still works"), port, r->start,
		                r->end);
		if (!f)
			return PD_ENOMEM;
		f->range = r;
	}
	if (c->is_windows) {
		r = pd__find_range(s->excluded, s->n_excluded, ep->proto, PD_FAMILY_ANY,
		                   port, 1);
		if (r) {
			f = pd__finding(c, PD_F_ADMINISTERED_EXCLUSION, ep,
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
int pd__note_unknown_owners(pd_diag_ctx *c)
{
	pd_result *r = c->res;
	size_t i, k;

	for (i = 0; i < r->n_findings; i++) {
		const pd_finding *f = &r->findings[i];

		for (k = 0; k < f->n_sockets; k++) {
			const pd_socket *sk = &c->snap->sockets[f->sockets[k]];

			pd_endpoint ep = f->endpoint; /* pd__finding moves findings */

			if (f->code == PD_F_TIME_WAIT || sk->n_pids ||
			    !pd__holds_for_sure(sk))
				continue;
			if (!pd__finding(c, PD_F_OWNER_UNKNOWN, &ep,
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
int pd__report_idle_containers(pd_diag_ctx *c, const pd_endpoint *eps, size_t n)
{
	const pd_container *cs[16];
	size_t k, m = pd__containers_conflicting(c->snap, eps, n, cs, 16);
	pd_finding *f;

	for (k = 0; k < m; k++) {
		f = pd__finding(c, PD_F_CONTAINER_CONFLICT, &eps[0],
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
