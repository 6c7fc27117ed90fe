/*
 * Advice: remedies that change nothing and tell a person what to do (use
 * a local address, wait out TIME_WAIT, find the owner, stop the service
 * behind http.sys, use another port), and pd_free_candidate, which judges
 * a port for `portdoctor free` and for use_other_port.  Pure.
 */
#include <stdio.h>

#include "core/i18n.h"
#include "remedy_internal.h"

/* ------------------------------------------------------------ advice */

void pd__plan_advice(pd_bld *b)
{
	const pd_finding *f;
	pd_remedy *r;

	if (pd__has_finding(b->res, PD_F_ADDRESS_NOT_LOCAL, &f)) {
		r = pd__add_remedy(b, PD_R_USE_LOCAL_ADDRESS, false, false, false,
		                   pd__fmt(b, _("Use an address this machine has")),
		                   pd__fmt(b, _("publish on 0.0.0.0 or on one of the "
		                                "machine's addresses (portdoctor check "
		                                "lists them); a typo or a stale DHCP "
		                                "address is the usual cause")), NULL);
		pd__add_manual(b, r, pd__fmt(b, _("change the address in your command "
		                                  "or compose file")));
	}
	if (pd__has_finding(b->res, PD_F_TIME_WAIT, NULL) &&
	    !pd__has_finding(b->res, PD_F_IN_USE, NULL)) {
		r = pd__add_remedy(b, PD_R_WAIT_TIME_WAIT, false, false, false,
		                   pd__fmt(b, _("Wait for TIME_WAIT to end, or set "
		                                "SO_REUSEADDR")),
		                   pd__fmt(b, _("closed connections keep the port for "
		                                "up to a minute; servers that set "
		                                "SO_REUSEADDR bind anyway")), NULL);
		pd__add_manual(b, r, pd__fmt(b, _("retry in a minute")));
	}
	pd__plan_find_owner(b);
	if (pd__has_finding(b->res, PD_F_WSL_MIRRORED, NULL)) {
		r = pd__add_remedy(b, PD_R_SHUTDOWN_WSL_MIRRORED, false, false,
		                   false,
		                   pd__fmt(b, _("Shut WSL down, or take it out of "
		                                "mirrored networking")),
		                   pd__fmt(b, _("WSL in mirrored mode reserves "
		                                "Windows ports that no list shows; "
		                                "`wsl --shutdown` releases them "
		                                "(microsoft/WSL#40169)")),
		                   pd__fmt(b, _("every WSL distribution stops; WSL "
		                                "reserves ports again when it next "
		                                "starts, unless networkingMode=nat")));
		pd__add_manual(b, r, pd__fmt(b, _("wsl --shutdown")));
		pd__add_manual(b, r, pd__fmt(b, _("to keep it from coming back: "
		                                  "networkingMode=nat under [wsl2] in "
		                                  "%%UserProfile%%\\.wslconfig, then "
		                                  "wsl --shutdown")));
	}
	if (pd__has_finding(b->res, PD_F_HTTP_SYS, NULL)) {
		r = pd__add_remedy(b, PD_R_STOP_HTTP_SYS_USER, true, false, false,
		                   pd__fmt(b, _("Stop the service that registered "
		                                "the URL")),
		                   pd__fmt(b, _("http.sys listens for a service (IIS, "
		                                "WinRM, WSDAPI, SSRS...); stopping "
		                                "that service releases the port")),
		                   pd__fmt(b, _("that service stops")));
		pd__add_manual(b, r, pd__fmt(b, _("netsh http show servicestate "
		                                  "view=requestq names it; then net "
		                                  "stop SERVICE")));
	}
}

/* Why the holder of res's port has no name (diagnose said owner_unknown,
 * or in_use without a socket), judged from whether this run could see
 * other users' processes.  NULL when every holder is named. */
static const char *unnamed_why(const pd_bld *b)
{
	const pd_finding *f;

	if (!pd__has_finding(b->res, PD_F_OWNER_UNKNOWN, NULL) &&
	    !(pd__has_finding(b->res, PD_F_IN_USE, &f) && f->n_sockets == 0))
		return NULL;
	if (!b->s->privileged)
		return b->windows ?
		       _("portdoctor is not elevated, so the processes of other "
		         "users and services cannot be seen") :
		       _("portdoctor is not running as root, so the processes of "
		         "other users cannot be seen");
	if (b->windows)
		return _("no process that portdoctor can see holds it: a kernel "
		         "driver, or a process that denied access");
	return _("no process that portdoctor can see holds it: a socket of "
	         "the kernel itself (NFS, WireGuard, a tunnel), a process in "
	         "another namespace, or one that denied access");
}

/* find_owner: the holder cannot be named, and why.  Also what kill says
 * instead of "nothing to end" (remedy.c). */
void pd__plan_find_owner(pd_bld *b)
{
	const char *why = unnamed_why(b);
	pd_remedy *r;

	if (!why)
		return;
	r = pd__add_remedy(b, PD_R_FIND_OWNER, false, false, false,
	                   pd__fmt(b, _("Find out what holds it")),
	                   pd__fmt(b, _("the holder cannot be named: %s"), why),
	                   NULL);
	pd__add_manual(b, r, b->windows ?
	               pd__fmt(b, _("run portdoctor from an elevated prompt")) :
	               b->s->privileged ?
	               pd__fmt(b, _("look for it outside this namespace: ss -ltnup "
	                            "'sport = :%u' on the host, or a kernel "
	                            "service using the port"), b->res->port) :
	               pd__fmt(b, _("run portdoctor as root: sudo portdoctor "
	                            "fix %u"), b->res->port));
}

void pd__plan_other_port(pd_bld *b)
{
	pd_remedy *r;
	uint16_t p = b->o ? b->o->other_port : 0;

	/* Free now, but the range the plan is about to set would make it an
	 * ephemeral port (65535 was suggested that way). */
	if (b->windows && p && pd__win_in_new_dynamic(b, p))
		p = 0;

	r = pd__add_remedy(b, PD_R_USE_OTHER_PORT, false, false, false,
	                   p ? pd__fmt(b, _("Use port %u instead"), p) :
	                   pd__fmt(b, _("Use another port")),
	                   p ? pd__fmt(b, _("%u is free now on every address and "
	                                    "lies outside the ephemeral and "
	                                    "reserved ranges, so nothing takes it "
	                                    "later"), p) :
	                   pd__fmt(b, _("a port outside the ephemeral and reserved "
	                                "ranges stays free")),
	                   pd__fmt(b, _("clients and configuration must use the "
	                                "new port")));
	pd__add_manual(b, r, p ? pd__fmt(b, _("use %u (more: portdoctor free "
	                                      "--near %u)"), p, b->res->port) :
	               pd__fmt(b, _("portdoctor free --near %u"), b->res->port));
}

/* ------------------------------------------------------------- free */

bool pd_free_candidate(const pd_snapshot *s, pd_proto proto, uint16_t port,
                       char *why, size_t whysize)
{
	size_t i;

	if (port == 0) {
		snprintf(why, whysize, "port 0 means any port");
		return false;
	}
	if (s->unprivileged_port_start > 0 && port < s->unprivileged_port_start) {
		snprintf(why, whysize, _("below ip_unprivileged_port_start (%d)"),
		         s->unprivileged_port_start);
		return false;
	}
	for (i = 0; i < s->n_dynamic; i++) {
		const pd_range *r = &s->dynamic[i];

		if (port >= r->start && port <= r->end &&
		    (r->proto == PD_PROTO_NONE || r->proto == proto)) {
			snprintf(why, whysize, _("in the dynamic (ephemeral) range "
			                         "%u-%u"), r->start, r->end);
			return false;
		}
	}
	for (i = 0; i < s->n_reserved; i++) {
		const pd_range *r = &s->reserved[i];

		if (port >= r->start && port <= r->end) {
			snprintf(why, whysize, _("reserved (ip_local_reserved_ports "
			                         "%u-%u)"), r->start, r->end);
			return false;
		}
	}
	for (i = 0; i < s->n_excluded; i++) {
		const pd_range *r = &s->excluded[i];

		if (port >= r->start && port <= r->end &&
		    (r->proto == PD_PROTO_NONE || r->proto == proto)) {
			snprintf(why, whysize, _("in the excluded range %u-%u%s"),
			         r->start, r->end, r->administered ?
			         _(" (administered)") : "");
			return false;
		}
	}
	for (i = 0; i < s->n_sockets; i++) {
		const pd_socket *sk = &s->sockets[i];
		char a[PD_ADDR_STRLEN];

		if (sk->local_port != port || sk->proto != proto)
			continue;
		pd_addr_format(&sk->local, a, sizeof(a));
		snprintf(why, whysize, sk->local.family == PD_FAMILY_V6 ?
		         _("in use: %s %s [%s]:%u") : _("in use: %s %s %s:%u"),
		         pd_proto_name(sk->proto), pd_sock_state_name(sk->state), a,
		         port);
		return false;
	}
	return true;
}
