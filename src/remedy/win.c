/*
 * Windows range repairs, as netsh and net command lines: reset a lowered
 * dynamic range, restart WinNAT to drop its run-time exclusions, add or
 * delete administered excluded ranges, remove a portproxy rule.  Pure: it
 * plans commands for probe/win/apply.c and calls no Windows API, so it builds
 * and is tested everywhere.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "remedy_internal.h"

#define WIN_DYN_START 49152
#define WIN_DYN_NUM 16384

/* ---------------------------------------------------------- Windows */

bool pd__win_dynamic_low(const pd_bld *b, pd_proto proto)
{
	size_t i;

	for (i = 0; i < b->s->n_dynamic; i++) {
		const pd_range *r = &b->s->dynamic[i];

		if ((r->proto == proto || r->proto == PD_PROTO_NONE) &&
		    r->start < WIN_DYN_START)
			return true;
	}
	return false;
}

void pd__plan_reset_dynamic(pd_bld *b)
{
	static const char *const fams[2] = {"ipv4", "ipv6"};
	bool udp = b->res->target.proto == PD_PROTO_UDP;
	pd_remedy *r;
	size_t i;
	char start[16], num[16];

	snprintf(start, sizeof(start), "start=%u", WIN_DYN_START);
	snprintf(num, sizeof(num), "num=%u", WIN_DYN_NUM);
	r = pd__add_remedy(b, PD_R_RESET_DYNAMIC_RANGE, true, true, true,
	                   pd__fmt(b, _("Reset the dynamic port range to "
	                                "49152-65535")),
	                   pd__fmt(b, _("sets the TCP%s dynamic range of IPv4 and "
	                                "IPv6 back to the default start 49152, "
	                                "16384 ports, so WinNAT/Hyper-V stop "
	                                "reserving common ports such as %u"),
	                           udp ? _(" and UDP") : "", b->res->port),
	                   pd__fmt(b, _("takes full effect after a reboot; a "
	                                "program that set the low range (some "
	                                "installers) may expect it")));
	if (!r)
		return;
	for (i = 0; i < 2; i++)
		pd__add_run(b, r, pd__fmt(b, _("%s tcp dynamic range"), fams[i]),
		            "netsh", "int", fams[i], "set", "dynamicport", "tcp",
		            start, num, (const char *)NULL);
	for (i = 0; udp && i < 2; i++)
		pd__add_run(b, r, pd__fmt(b, _("%s udp dynamic range"), fams[i]),
		            "netsh", "int", fams[i], "set", "dynamicport", "udp",
		            start, num, (const char *)NULL);
	pd__add_manual(b, r, pd__fmt(b, _("reboot when convenient: the new range "
	                                  "holds fully only after a restart")));
}

static void add_exclusion_runs(pd_bld *b, pd_remedy *r, pd_proto proto,
                               pd_family fam, uint16_t start, unsigned count,
                               bool remove)
{
	char sp[24], np[24], pr[24];
	int i;

	snprintf(sp, sizeof(sp), "startport=%u", start);
	snprintf(np, sizeof(np), "numberofports=%u", count);
	snprintf(pr, sizeof(pr), "protocol=%s", pd_proto_name(proto));
	for (i = 0; i < 2; i++) {
		const char *f = i == 0 ? "ipv4" : "ipv6";

		if ((i == 0 && fam == PD_FAMILY_V6) || (i == 1 && fam == PD_FAMILY_V4))
			continue;
		if (remove)
			pd__add_run(b, r, pd__fmt(b, _("release %s %u-%u"), f, start,
			                          start + count - 1),
			            "netsh", "int", f, "delete", "excludedportrange", pr,
			            sp, np, (const char *)NULL);
		else
			pd__add_run(b, r, pd__fmt(b, _("reserve %s %u-%u"), f, start,
			                          start + count - 1),
			            "netsh", "int", f, "add", "excludedportrange", pr, sp,
			            np, "store=persistent", (const char *)NULL);
	}
}

void pd__plan_restart_winnat(pd_bld *b, const pd_range *ex)
{
	bool reserve = !(b->o && b->o->no_reserve);
	pd_family fam = b->res->target.host == PD_HOST_ADDR ?
	                b->res->target.addr.family : PD_FAMILY_ANY;
	pd_remedy *r;

	r = pd__add_remedy(b, PD_R_RESTART_WINNAT, true, false, true,
	                   reserve ? pd__fmt(b, _("Restart WinNAT and reserve "
	                                          "port %u"), b->res->port) :
	                   pd__fmt(b, _("Restart WinNAT")),
	                   pd__fmt(b, _("stops the winnat service, which drops its "
	                                "run-time reservation %u-%u%s, then starts "
	                                "it again"), ex ? ex->start : b->res->port,
	                           ex ? ex->end : b->res->port,
	                           reserve ? _("; meanwhile the port becomes an "
	                                       "administered exclusion, so WinNAT "
	                                       "cannot take it again (an explicit "
	                                       "bind still works)") : ""),
	                   pd__fmt(b, _("Docker Desktop, WSL2 and Hyper-V "
	                                "networking drop while winnat is stopped; "
	                                "running containers may need a restart")));
	if (!r)
		return;
	pd__add_run(b, r, pd__fmt(b, _("stop WinNAT")), "net", "stop", "winnat",
	            (const char *)NULL);
	if (reserve)
		add_exclusion_runs(b, r, b->res->target.proto, fam, b->res->port, 1,
		                   false);
	pd__add_run(b, r, pd__fmt(b, _("start WinNAT")), "net", "start", "winnat",
	            (const char *)NULL);
	pd__add_manual(b, r, pd__fmt(b, _("then restart what needed the port: your "
	                                  "container or program, Docker Desktop, "
	                                  "or WSL (wsl --shutdown)")));
}

void pd__plan_portproxy(pd_bld *b, const pd_finding *f)
{
	char addr[PD_ADDR_STRLEN], lp[24], la[PD_ADDR_STRLEN + 16];
	const pd_socket *sk = f->n_sockets ? &b->s->sockets[f->sockets[0]] : NULL;
	bool v6 = sk && sk->local.family == PD_FAMILY_V6;
	pd_remedy *r;

	r = pd__add_remedy(b, PD_R_REMOVE_PORTPROXY, true, false, true,
	                   pd__fmt(b, _("Remove the portproxy rule on port %u"),
	                           b->res->port),
	                   pd__fmt(b, _("deletes the `netsh interface portproxy` "
	                                "rule that listens on %s"), b->tgt),
	                   pd__fmt(b, _("whatever was forwarded through it (often "
	                                "WSL or a VM) is no longer reachable on "
	                                "this port")));
	if (!r)
		return;
	snprintf(lp, sizeof(lp), "listenport=%u", b->res->port);
	if (sk) {
		pd_addr_format(&sk->local, addr, sizeof(addr));
		snprintf(la, sizeof(la), "listenaddress=%s", addr);
		pd__add_run(b, r, pd__fmt(b, _("delete the rule")), "netsh",
		            "interface", "portproxy", "delete",
		            v6 ? "v6tov4" : "v4tov4", lp, la, (const char *)NULL);
	} else {
		pd__add_run(b, r, pd__fmt(b, _("delete the rule")), "netsh",
		            "interface", "portproxy", "delete", "v4tov4", lp,
		            (const char *)NULL);
	}
}

void pd__plan_reserve_win(pd_bld *b, const pd_range *rs, size_t n,
                          bool remove, pd_proto proto)
{
	pd_remedy *r;
	size_t i;

	if (remove) {
		r = pd__add_remedy(b, PD_R_DELETE_EXCLUDED_RANGE, true, false, true,
		                   pd__fmt(b, _("Release the administered exclusions")),
		                   pd__fmt(b, _("deletes the administered excluded "
		                                "port ranges, so the ports can be "
		                                "handed out again")),
		                   pd__fmt(b, _("WinNAT/Hyper-V may take them again")));
		for (i = 0; r && i < n; i++)
			add_exclusion_runs(b, r, proto, PD_FAMILY_ANY, rs[i].start,
			                   (unsigned)rs[i].end - rs[i].start + 1u, true);
		return;
	}
	r = pd__add_remedy(b, PD_R_ADD_EXCLUDED_RANGE, true, false, true,
	                   pd__fmt(b, _("Reserve the ports as administered "
	                                "exclusions")),
	                   pd__fmt(b, _("stops winnat (which frees its run-time "
	                                "blocks), adds persistent administered "
	                                "excluded ranges, and starts winnat again; "
	                                "explicit binds still work, nothing else "
	                                "takes the ports")),
	                   pd__fmt(b, _("Docker Desktop, WSL2 and Hyper-V "
	                                "networking drop while winnat is "
	                                "stopped")));
	if (!r)
		return;
	pd__add_run(b, r, pd__fmt(b, _("stop WinNAT")), "net", "stop", "winnat",
	            (const char *)NULL);
	for (i = 0; i < n; i++)
		add_exclusion_runs(b, r, proto, PD_FAMILY_ANY, rs[i].start,
		                   (unsigned)rs[i].end - rs[i].start + 1u, false);
	pd__add_run(b, r, pd__fmt(b, _("start WinNAT")), "net", "start", "winnat",
	            (const char *)NULL);
}
