/*
 * Windows range repairs, as netsh, net and wsl command lines: reset a
 * lowered dynamic range, restart WinNAT to drop its run-time exclusions,
 * add or delete administered excluded ranges, remove a portproxy rule.
 * Pure: it plans commands for probe/win/apply.c and calls no Windows API,
 * so it builds and is tested everywhere.
 *
 * Stopping WinNAT is the risky part.  While it is stopped, WSL2 and Docker
 * Desktop have no NAT, and WSL can stay offline after it starts again,
 * until `wsl --shutdown` or a reboot: "restarting winnat will drop all the
 * port reservations which will effectively break any running WSL2
 * distribution" (https://github.com/microsoft/WSL/issues/9418).  So:
 *   - WinNAT is stopped only when the probe saw it running (or could not
 *     tell); a stopped or absent service has no run-time blocks to drop;
 *   - with WSL present, `wsl --shutdown` comes first, so distributions
 *     stop cleanly instead of losing the network, and the plan says what
 *     to start again afterwards;
 *   - `net start winnat` is an "always" step: the actuator runs it even
 *     when a step between stop and start failed (an excluded range over a
 *     port in use fails with ERROR_SHARING_VIOLATION), so a failure never
 *     leaves WinNAT stopped;
 *   - a port in use is never planned as an excluded range: the add would
 *     fail: "It is important to configure the port exclusion when the
 *     port is not in use, otherwise the command will fail with a message
 *     like 'The process cannot access the file because it is being used
 *     by another process.'" (https://github.com/MicrosoftDocs/sql-docs/
 *     pull/8145, for Azure SQL VMs).
 */
#include <stdio.h>
#include <stdlib.h>
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

bool pd__win_in_new_dynamic(const pd_bld *b, uint16_t port)
{
	return pd_plan_find(b->plan, PD_R_RESET_DYNAMIC_RANGE) >= 0 &&
	       port >= WIN_DYN_START;
}

/* The run-time (not administered) exclusions below the default range:
 * they stay reserved until WinNAT restarts or the machine reboots. */
static char *low_exclusions(pd_bld *b, pd_proto proto)
{
	pd_buf buf;
	size_t i, n = 0;
	char *s;

	pd_buf_init(&buf, 0);
	pd_buf_puts(&buf, "");
	for (i = 0; i < b->s->n_excluded; i++) {
		const pd_range *r = &b->s->excluded[i];
		size_t k;

		if (r->administered || r->start >= WIN_DYN_START ||
		    (r->proto != proto && r->proto != PD_PROTO_NONE))
			continue;
		/* IPv4 and IPv6 usually list the same block: name it once. */
		for (k = 0; k < i; k++)
			if (!b->s->excluded[k].administered &&
			    b->s->excluded[k].start == r->start &&
			    b->s->excluded[k].end == r->end &&
			    b->s->excluded[k].proto == r->proto)
				break;
		if (k < i)
			continue;
		if (n++ == 8) {
			pd_buf_puts(&buf, ", ...");
			break;
		}
		pd_buf_puts(&buf, n > 1 ? ", " : "");
		if (r->start == r->end)
			pd_buf_printf(&buf, "%u", r->start);
		else
			pd_buf_printf(&buf, "%u-%u", r->start, r->end);
	}
	s = pd_buf_steal(&buf);
	pd_buf_done(&buf);
	if (!s)
		b->err = PD_ENOMEM;
	return s;
}

void pd__plan_reset_dynamic(pd_bld *b)
{
	static const char *const fams[2] = {"ipv4", "ipv6"};
	bool udp = b->res->target.proto == PD_PROTO_UDP;
	pd_remedy *r;
	size_t i;
	char start[16], num[16], *held;

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
	held = low_exclusions(b, b->res->target.proto);
	if (!held)
		return;
	pd__add_manual(b, r, *held ?
	               pd__fmt(b, _("reboot when convenient: the new range holds "
	                            "after a reboot; until then the run-time "
	                            "exclusions %s stay reserved (unless WinNAT "
	                            "restarts)"), held) :
	               pd__fmt(b, _("reboot when convenient: the new range holds "
	                            "after a reboot")));
	free(held);
	pd__add_manual(b, r, pd__fmt(b, _("after the reboot, `portdoctor fix "
	                                  "%u` checks the port again"),
	                             b->res->port));
}

/* Whether a socket of this protocol uses the port (any state): an
 * excluded range over it cannot be added.  The first one in *ret. */
static bool port_in_use(const pd_snapshot *s, pd_proto proto, uint16_t port,
                        const pd_socket **ret)
{
	size_t i;

	for (i = 0; i < s->n_sockets; i++)
		if (s->sockets[i].local_port == port &&
		    (proto == PD_PROTO_NONE || s->sockets[i].proto == proto)) {
			*ret = &s->sockets[i];
			return true;
		}
	return false;
}

/* "pid 1234, node.exe", or what is known of the socket. */
static char *holder_text(pd_bld *b, const pd_socket *sk)
{
	const pd_process *p = sk->n_pids ?
	                      pd_snapshot_find_process(b->s, sk->pids[0]) : NULL;

	if (p && p->name)
		return pd__fmt(b, _("pid %d, %s"), p->pid, p->name);
	if (sk->n_pids && sk->pids[0] > 0)
		return pd__fmt(b, _("pid %d"), sk->pids[0]);
	return pd__fmt(b, _("a %s socket, owner unknown"),
	               pd_sock_state_name(sk->state));
}

/* Why an excluded range over [lo, hi] cannot be added now, or NULL (and
 * b->err untouched) when no port of it is in use. */
static char *in_use_reason(pd_bld *b, pd_proto proto, uint16_t lo,
                           uint16_t hi)
{
	const pd_socket *sk = NULL;
	unsigned p;
	char *who, *why, *first;

	for (p = lo; p <= hi; p++)
		if (port_in_use(b->s, proto, (uint16_t)p, &sk))
			break;
	if (!sk)
		return NULL;
	who = holder_text(b, sk);
	first = sk->state == PD_STATE_LISTEN || sk->state == PD_STATE_UNCONN ?
	        pd__fmt(b, _("free it first (portdoctor kill %u)"),
	                sk->local_port) :
	        pd__fmt(b, _("wait until its connection has closed (TIME_WAIT "
	                     "lasts up to a few minutes)"));
	why = who && first ?
	      pd__fmt(b, _("%s port %u is in use (%s): an excluded range cannot "
	                   "be added over a port in use (netsh fails with \"The "
	                   "process cannot access the file because it is being "
	                   "used by another process\"); %s, then run `portdoctor "
	                   "reserve %u --apply`"), pd_proto_name(sk->proto),
	              sk->local_port, who, first, lo) : NULL;
	free(who);
	free(first);
	return why;
}

/* The steps before WinNAT stops: WSL shut down first when it is there.
 * Returns the 1-based index of `net stop winnat` in r, 0 when WinNAT is
 * not stopped (the probe saw it stopped or absent). */
static size_t add_winnat_stop(pd_bld *b, pd_remedy *r)
{
	if (b->s->winnat_running == 0)
		return 0;
	if (b->s->wsl_present == 1)
		pd__add_run(b, r, pd__fmt(b, _("shut WSL down first: its "
		                               "distributions stop now instead of "
		                               "losing their network when WinNAT "
		                               "stops (microsoft/WSL#9418)")),
		            "wsl", "--shutdown", (const char *)NULL);
	pd__add_run(b, r, pd__fmt(b, _("stop WinNAT")), "net", "stop", "winnat",
	            (const char *)NULL);
	return b->err ? 0 : r->n_steps;
}

/* `net start winnat`, which runs even after a failure once WinNAT was
 * stopped, then what to start again. */
static void add_winnat_start(pd_bld *b, pd_remedy *r, size_t stop)
{
	pd_step *st;

	if (!stop)
		return;
	pd__add_run(b, r, pd__fmt(b, _("start WinNAT again")),
	            "net", "start", "winnat", (const char *)NULL);
	if (b->err)
		return;
	st = &r->steps[r->n_steps - 1];
	st->always = true;
	st->undoes = stop;
	pd__add_manual(b, r, b->s->docker_desktop_present == 1 ?
	               pd__fmt(b, _("then start again what needed the network: "
	                            "Docker Desktop (quit and reopen it), your "
	                            "WSL distributions, and the containers that "
	                            "publish ports")) :
	               pd__fmt(b, _("then start again what needed the network: "
	                            "your WSL distributions, containers or "
	                            "virtual machines; if WSL has no network, "
	                            "`wsl --shutdown` or a reboot restores it")));
}

static char *winnat_side_effects(pd_bld *b)
{
	return pd__fmt(b, _("WSL2 distributions, Docker Desktop and Hyper-V "
	                    "machines lose their network while WinNAT is "
	                    "stopped, and WSL can stay offline until `wsl "
	                    "--shutdown` or a reboot (microsoft/WSL#9418)%s"),
	               b->s->wsl_present == 1 ?
	               _("; WSL is shut down first, so save work in its "
	                 "distributions") : "");
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
	pd_proto proto = b->res->target.proto;
	char *busy = NULL;
	bool reserve = !(b->o && b->o->no_reserve);
	pd_family fam = b->res->target.host == PD_HOST_ADDR ?
	                b->res->target.addr.family : PD_FAMILY_ANY;
	pd_remedy *r;
	size_t stop;

	/* A stopped or absent WinNAT holds no run-time block: nothing here
	 * would free the port. */
	if (b->s->winnat_running == 0)
		return;
	if (reserve) {
		busy = in_use_reason(b, proto, b->res->port, b->res->port);
		reserve = busy == NULL;
	}
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
	                   winnat_side_effects(b));
	if (!r) {
		free(busy);
		return;
	}
	if (busy)
		pd__add_manual(b, r, pd__fmt(b, _("not reserved: %s"), busy));
	free(busy);
	stop = add_winnat_stop(b, r);
	if (reserve)
		add_exclusion_runs(b, r, proto, fam, b->res->port, 1, false);
	add_winnat_start(b, r, stop);
}

/* The rules of every portproxy finding of the result, each once. */
static size_t proxy_rules(const pd_result *res, size_t *out, size_t max)
{
	size_t i, k, m, n = 0;

	for (i = 0; i < res->n_findings; i++) {
		const pd_finding *f = &res->findings[i];

		for (k = 0; f->code == PD_F_PORTPROXY && k < f->n_proxy_rules; k++) {
			for (m = 0; m < n && out[m] != f->proxy_rules[k]; m++)
				;
			if (m == n && n < max)
				out[n++] = f->proxy_rules[k];
		}
	}
	return n;
}

/* Deletes exactly the rules netsh listed: the rule's kind (v4tov4,
 * v4tov6, ...) and listen address as `netsh interface portproxy show all`
 * printed them.  The syntax is `delete v4tov4 listenport=P
 * [listenaddress=A] [protocol=tcp]`, the address defaulting to the local
 * computer (https://learn.microsoft.com/en-us/windows-server/networking/
 * technologies/netsh/netsh-interface-portproxy);
 * a rule added without an address is listed as "*" and is deleted by
 * leaving the address out. */
void pd__plan_portproxy(pd_bld *b, const pd_finding *f)
{
	size_t idx[16], n = proxy_rules(b->res, idx, 16), i;
	char lp[24], la[300];
	pd_remedy *r;

	(void)f;
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
	for (i = 0; i < n; i++) {
		const pd_portproxy_rule *pr = &b->s->portproxy_rules[idx[i]];
		const char *kind = pd_portproxy_kind(pr);
		bool any = strcmp(pr->listen_address, "*") == 0;

		if (!kind)
			kind = pr->listen_family == PD_FAMILY_V6 ? "v6tov4" : "v4tov4";
		snprintf(la, sizeof(la), "listenaddress=%s", pr->listen_address);
		pd__add_run(b, r, pd__fmt(b, _("delete the rule %s %s port %u"),
		                          kind, pr->listen_address, pr->listen_port),
		            "netsh", "interface", "portproxy", "delete", kind, lp,
		            any ? "protocol=tcp" : la, any ? NULL : "protocol=tcp",
		            (const char *)NULL);
	}
	if (n == 0)
		pd__add_manual(b, r, pd__fmt(b, _("`netsh interface portproxy show "
		                                  "all` lists the rules; delete the "
		                                  "one on port %u with `netsh "
		                                  "interface portproxy delete KIND "
		                                  "listenport=%u listenaddress=ADDRESS`"),
		                             b->res->port, b->res->port));
	if (n == 0)
		r->changes_system = false;
}

void pd__plan_reserve_win(pd_bld *b, const pd_range *rs, size_t n,
                          bool remove, pd_proto proto)
{
	pd_remedy *r;
	size_t i, stop;
	char *busy = NULL;

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
	for (i = 0; i < n && !busy && !b->err; i++)
		busy = in_use_reason(b, proto, rs[i].start, rs[i].end);
	r = pd__add_remedy(b, PD_R_ADD_EXCLUDED_RANGE, true, false, true,
	                   pd__fmt(b, _("Reserve the ports as administered "
	                                "exclusions")),
	                   b->s->winnat_running == 0 ?
	                   pd__fmt(b, _("adds persistent administered excluded "
	                                "ranges (WinNAT is not running, so it "
	                                "is left alone); explicit binds still "
	                                "work, nothing else takes the ports")) :
	                   pd__fmt(b, _("stops winnat (which frees its run-time "
	                                "blocks), adds persistent administered "
	                                "excluded ranges, and starts winnat again; "
	                                "explicit binds still work, nothing else "
	                                "takes the ports")),
	                   b->s->winnat_running == 0 ? NULL :
	                   winnat_side_effects(b));
	if (!r) {
		free(busy);
		return;
	}
	r->refusal = busy;
	stop = add_winnat_stop(b, r);
	for (i = 0; i < n; i++)
		add_exclusion_runs(b, r, proto, PD_FAMILY_ANY, rs[i].start,
		                   (unsigned)rs[i].end - rs[i].start + 1u, false);
	add_winnat_start(b, r, stop);
}
