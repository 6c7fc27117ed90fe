/*
 * Text output for people.  Everything that came from outside (process
 * names, command lines, paths, users) goes through pd__term_escape, so an
 * escape sequence in a process title cannot reach the terminal.  Colour is
 * decided by the caller (a terminal and NO_COLOR unset) and passed in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "docker/docker.h"
#include "explain/errmsg.h"
#include "core/i18n.h"
#include "portdoctor/portdoctor.h"
#include "render.h"
#include "core/sanitize.h"
#include "win_holders.h"

#define CMDLINE_MAX 400 /* bytes of a command line shown without -v */

static const char *sev_color(pd_severity s)
{
	switch (s) {
	case PD_SEV_ERROR:
		return "\033[1;31m";
	case PD_SEV_WARNING:
		return "\033[1;33m";
	default:
		return "\033[36m";
	}
}

void pd__put_colored(pd_buf *b, const pd_render_opts *o, const char *color,
                     const char *text)
{
	if (o && o->color)
		pd_buf_printf(b, "%s%s\033[0m", color, text);
	else
		pd_buf_puts(b, text);
}

void pd__put_sev(pd_buf *b, const pd_render_opts *o, pd_severity s)
{
	char tag[16];

	snprintf(tag, sizeof(tag), "%-7s", pd_severity_name(s));
	pd__put_colored(b, o, sev_color(s), tag);
}

/* Epoch seconds to a UTC civil date by the usual era/day-of-era
 * arithmetic, written here because gmtime_r is not in the Windows C
 * runtime and the core stays free of the C library's time zone state. */
void pd__format_time(int64_t t, char *buf, size_t size)
{
	int64_t days = t / 86400, secs = t % 86400, z, era, doe, yoe, y, doy, mp,
	        d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, size, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC",
	         (long long)y, (long long)m, (long long)d,
	         (long long)(secs / 3600), (long long)(secs / 60 % 60),
	         (long long)(secs % 60));
}

void pd__put_endpoint(pd_buf *b, const pd_addr *a, uint16_t port)
{
	char s[PD_ADDR_STRLEN];

	pd_addr_format(a, s, sizeof(s));
	pd_buf_printf(b, a->family == PD_FAMILY_V6 ? "[%s]:%u" : "%s:%u", s, port);
}

/* "nginx (pid 1234, user www-data)" */
void pd__put_owner_short(pd_buf *b, const pd_snapshot *s, const pd_socket *sk)
{
	size_t i;

	if (!sk->n_pids) {
		pd_buf_puts(b, sk->owner_status == PD_OWNER_DENIED ?
		            _("an unknown process (permission denied)") :
		            sk->owner_status == PD_OWNER_NOT_SEARCHED ?
		            _("an owner not searched for") :
		            _("an unknown process"));
		return;
	}
	for (i = 0; i < sk->n_pids && i < 3; i++) {
		const pd_process *p = pd_snapshot_find_process(s, sk->pids[i]);

		if (i)
			pd_buf_puts(b, ", ");
		if (!p) {
			pd_buf_printf(b, "pid %d", sk->pids[i]);
			continue;
		}
		pd__put_safe(b, p->name, 64);
		pd_buf_printf(b, " (pid %d", p->pid);
		if (p->user) {
			pd_buf_puts(b, _(", user "));
			pd__put_safe(b, p->user, 64);
		}
		pd_buf_puts(b, ")");
	}
	if (sk->n_pids > 3)
		pd_buf_printf(b, _(" and %zu more"), sk->n_pids - 3);
}

static void put_process_detail(pd_buf *b, const pd_process *p,
                               const pd_render_opts *o, const char *indent)
{
	char t[40];

	if (p->exe) {
		pd_buf_printf(b, "%s%s", indent, _("exe:     "));
		pd__put_safe(b, p->exe, 1024);
		pd_buf_putc(b, '\n');
	}
	if (p->cmdline) {
		pd_buf_printf(b, "%s%s", indent, _("command: "));
		pd__put_safe(b, p->cmdline, o->verbose ? 0 : CMDLINE_MAX);
		pd_buf_putc(b, '\n');
	}
	pd_buf_puts(b, indent);
	if (p->ppid >= 0)
		pd_buf_printf(b, _("parent %d"), p->ppid);
	if (p->start_time >= 0) {
		pd__format_time(p->start_time, t, sizeof(t));
		pd_buf_printf(b, _("%sstarted %s"), p->ppid >= 0 ? ", " : "", t);
	}
	if (p->service) {
		pd_buf_puts(b, _(", service "));
		pd__put_safe(b, p->service, 256);
	}
	pd_buf_putc(b, '\n');
	if (o->verbose && p->cwd) {
		pd_buf_printf(b, "%s%s", indent, _("cwd:     "));
		pd__put_safe(b, p->cwd, 0);
		pd_buf_putc(b, '\n');
	}
	if (o->verbose && p->cgroup) {
		pd_buf_printf(b, "%s%s", indent, _("cgroup:  "));
		pd__put_safe(b, p->cgroup, 0);
		pd_buf_putc(b, '\n');
	}
}

static void put_socket_evidence(pd_buf *b, const pd_snapshot *s,
                                const pd_socket *sk, const pd_render_opts *o)
{
	size_t i;

	pd_buf_printf(b, "          %s %s ", pd_proto_name(sk->proto),
	              pd_sock_state_name(sk->state));
	pd__put_endpoint(b, &sk->local, sk->local_port);
	if (sk->remote_port) {
		pd_buf_puts(b, " -> ");
		pd__put_endpoint(b, &sk->remote, sk->remote_port);
	}
	if (sk->local.family == PD_FAMILY_V6 && pd_addr_is_any(&sk->local) &&
	    sk->v6only == 0)
		pd_buf_puts(b, _(" (dual-stack: IPv4 too)"));
	pd_buf_puts(b, _("  held by "));
	pd__put_owner_short(b, s, sk);
	pd_buf_putc(b, '\n');
	for (i = 0; i < sk->n_pids && i < (o->verbose ? sk->n_pids : 1); i++) {
		const pd_process *p = pd_snapshot_find_process(s, sk->pids[i]);

		if (p)
			put_process_detail(b, p, o, "            ");
	}
}

static void put_hint(pd_buf *b, const pd_snapshot *s, const pd_finding *f,
                     uint16_t port)
{
	const char *h = NULL;
	const pd_process *p = NULL;
	char tmp[256];

	if (f->n_sockets && s->sockets[f->sockets[0]].n_pids)
		p = pd_snapshot_find_process(s, s->sockets[f->sockets[0]].pids[0]);
	if (f->container) {
		pd__put_container_fix(b, f->container,
		                      pd_container_is_active(f->container));
		return;
	}
	switch (f->code) {
	case PD_F_IN_USE:
		if (p && p->name && (strncmp(p->name, "wslrelay", 8) == 0 ||
		                     strncmp(p->name, "wslhost", 7) == 0)) {
			snprintf(tmp, sizeof(tmp),
			         _("stop the program inside WSL2 that listens on %u "
			           "(`wsl -e ss -ltnp` names it), or `wsl --shutdown`"),
			         port);
			h = tmp;
		} else if (p && p->name && (strcmp(p->name, "docker-proxy") == 0 ||
		                     strncmp(p->name, "com.docker.", 11) == 0 ||
		                     strncmp(p->name, "vpnkit", 6) == 0 ||
		                     strcmp(p->name, "dockerd") == 0 ||
		                     strcmp(p->name, "rootlessport") == 0 ||
		                     strcmp(p->name, "conmon") == 0)) {
			snprintf(tmp, sizeof(tmp),
			         _("a container publishes it: `docker ps --filter "
			           "publish=%u` names it; stop that container or publish "
			           "another port"), port);
			h = tmp;
		} else if (p && p->service && strstr(p->service, ".service")) {
			pd_buf_puts(b, _("          fix: stop the service: systemctl stop "));
			pd__put_safe(b, p->service, 128);
			pd_buf_puts(b, _(", or use another port\n"));
			return;
		} else if (p && p->pid == 4 && s->os &&
		           strcmp(s->os, "windows") == 0) {
			/* The kernel is never ended: say what to turn off. */
			if (port == 445)
				h = _("stop file sharing (as administrator: net stop "
				      "LanmanServer), or use another port");
			else if (port == 139)
				h = _("turn off NetBIOS over TCP/IP on the adapter (its "
				      "IPv4 settings, WINS tab), or use another port");
			else
				h = _("see whether http.sys serves it: netsh http show "
				      "servicestate; or use another port");
		} else if (p) {
			snprintf(tmp, sizeof(tmp),
			         _("stop the process: `portdoctor kill %u` (pid %d; "
			           "`portdoctor fix %u` lists every remedy), or use "
			           "another port (`portdoctor free --near %u`)"),
			         port, p->pid, port, port);
			h = tmp;
		}
		break;
	case PD_F_PRIVILEGED_PORT:
		if (f->severity == PD_SEV_ERROR) {
			snprintf(tmp, sizeof(tmp),
			         _("use a port >= %d, or as root: sysctl -w "
			           "net.ipv4.ip_unprivileged_port_start=%u"),
			         s->unprivileged_port_start, port);
			h = tmp;
		}
		break;
	case PD_F_ADDRESS_NOT_LOCAL:
		h = _("publish on an address this machine has (see below), or on "
		      "0.0.0.0; a stale DHCP address or a typo is the usual cause");
		break;
	case PD_F_IN_DYNAMIC_RANGE:
		if (!s->os || strcmp(s->os, "windows") != 0) {
			snprintf(tmp, sizeof(tmp),
			         _("keep it from ephemeral use: `portdoctor reserve %u` "
			           "(net.ipv4.ip_local_reserved_ports)"), port);
			h = tmp;
		}
		break;
	case PD_F_EXCLUDED_RANGE:
		if (f->range && f->range->start == f->range->end) {
			h = _("see who registered it: `netsh http show servicestate`, "
			      "`netsh int ipv4 show excludedportrange protocol=tcp`; "
			      "or publish another port");
			break;
		}
		snprintf(tmp, sizeof(tmp),
		         _("`portdoctor fix %u` as administrator: `net stop "
		           "winnat`, reserve the port, `net start winnat` (and the "
		           "dynamic range reset when it starts below 49152)"), port);
		h = tmp;
		break;
	case PD_F_WSL_MIRRORED:
		h = _("`wsl --shutdown` (it stops every WSL distribution; WSL "
		      "takes ports again when it next starts), or switch WSL to NAT: "
		      "networkingMode=nat under [wsl2] in %UserProfile%\\.wslconfig, "
		      "then `wsl --shutdown`; or use another port");
		break;
	case PD_F_DYNAMIC_RANGE_MISCONFIGURED:
		h = _("as administrator: netsh int ipv4 set dynamic tcp start=49152 "
		      "num=16384 (and ipv6), then reboot");
		break;
	case PD_F_HTTP_SYS:
		if (pd__put_win_holder_fix(b, s, f))
			return;
		h = _("see who registered it: netsh http show servicestate");
		break;
	case PD_F_PORTPROXY:
		if (pd__put_win_holder_fix(b, s, f))
			return;
		snprintf(tmp, sizeof(tmp),
		         _("`netsh interface portproxy show all` lists the rule; as "
		           "administrator remove it with `netsh interface portproxy "
		           "delete v4tov4 listenport=%u listenaddress=ADDRESS`"),
		         port);
		h = tmp;
		break;
	default:
		break;
	}
	if (h)
		pd_buf_printf(b, _("          fix: %s\n"), h);
}

/* The recorded bind test as the OS said it: Windows users search for
 * "10013", so the Winsock code and its English text are shown as such. */
static void put_bind_error(pd_buf *b, const pd_finding *f)
{
	const pd_oserror *e = NULL;
	bool wsa = f->os_name && strncmp(f->os_name, "WSA", 3) == 0;

	pd_buf_puts(b, _("          bind test: "));
	if (f->os_name && f->os_code) {
		pd__put_safe(b, f->os_name, 64);
		pd_buf_printf(b, " %d", f->os_code);
		e = wsa ? pd_oserror_by_code(PD_OSFAM_WINSOCK, f->os_code) : NULL;
	} else {
		pd_buf_puts(b, pd_err_name(f->bind_err));
	}
	if (e && e->wsa_text)
		pd_buf_printf(b, " \"%s\"", e->wsa_text);
	else
		pd_buf_printf(b, " (%s)", pd_strerror(f->bind_err));
	pd_buf_putc(b, '\n');
}

static void put_finding(pd_buf *b, const pd_snapshot *s, const pd_finding *f,
                        uint16_t port, const pd_render_opts *o)
{
	size_t i, shown;

	pd_buf_puts(b, "  ");
	pd__put_sev(b, o, f->severity);
	pd_buf_printf(b, " %s: ", pd_finding_name(f->code));
	pd__put_safe(b, f->message, 0);
	pd_buf_putc(b, '\n');
	shown = o->verbose || f->code != PD_F_TIME_WAIT ? f->n_sockets :
	        (f->n_sockets < 3 ? f->n_sockets : 3);
	if (f->bind_err)
		put_bind_error(b, f);
	for (i = 0; i < shown; i++)
		put_socket_evidence(b, s, &s->sockets[f->sockets[i]], o);
	if (shown < f->n_sockets)
		pd_buf_printf(b, _("          ... and %zu more (-v shows all)\n"),
		              f->n_sockets - shown);
	if (f->container)
		pd__put_container_evidence(b, f->container);
	pd__put_win_holders(b, s, f);
	if (f->code == PD_F_ADDRESS_NOT_LOCAL) {
		pd_buf_puts(b, _("          addresses here:"));
		if (!s->n_addrs)
			pd_buf_puts(b, _(" (could not be read; the bind test alone "
			                 "says the address is not available)"));
		for (i = 0; i < s->n_addrs; i++) {
			char a[PD_ADDR_STRLEN];

			pd_buf_printf(b, " %s", pd_addr_format(&s->addrs[i].addr, a,
			                                       sizeof(a)));
			if (s->addrs[i].name) {
				pd_buf_puts(b, " (");
				pd__put_safe(b, s->addrs[i].name, 64);
				pd_buf_putc(b, ')');
			}
		}
		pd_buf_putc(b, '\n');
	}
	put_hint(b, s, f, port);
}

/* Prefixes every line written since start with indent. */
static void indent_lines(pd_buf *b, size_t start, const char *indent)
{
	pd_buf tmp;
	size_t i, from = start;

	if (b->err || !b->data)
		return;
	pd_buf_init(&tmp, 0);
	for (i = start; i < b->len; i++) {
		if (b->data[i] != '\n')
			continue;
		pd_buf_puts(&tmp, indent);
		pd_buf_append(&tmp, b->data + from, i + 1 - from);
		from = i + 1;
	}
	if (!pd_buf_error(&tmp)) {
		b->len = start;
		pd_buf_append(b, tmp.data ? tmp.data : "", tmp.len);
	} else {
		b->err = pd_buf_error(&tmp);
	}
	pd_buf_done(&tmp);
}

void pd__put_target(pd_buf *b, const pd_target *t, uint16_t port)
{
	char text[160];

	pd_target_format(t, port, text, sizeof(text));
	pd_buf_puts(b, text);
	if (t->host == PD_HOST_ALL)
		pd_buf_puts(b, _(" (every address, IPv4 and IPv6)"));
}

void pd__put_notes(pd_buf *b, const pd_snapshot *s, const pd_render_opts *o)
{
	size_t i;

	for (i = 0; i < s->n_notes; i++) {
		pd_buf msg;

		pd_buf_init(&msg, 0);
		pd__put_safe(&msg, s->notes[i].message ? s->notes[i].message :
		             s->notes[i].code, 0);
		pd_buf_puts(b, _("note: "));
		pd__put_colored(b, o, "\033[2m", msg.data ? msg.data : "");
		pd_buf_putc(b, '\n');
		if (pd_buf_error(&msg))
			b->err = pd_buf_error(&msg);
		pd_buf_done(&msg);
	}
}

/* Inside WSL the two machines' results stand together: which one. */
void pd__put_machine(pd_buf *b, const pd_snapshot *s)
{
	if (s && s->machine && strcmp(s->machine, "windows_host") == 0)
		pd_buf_puts(b, _(" on the Windows host"));
	else if (s && s->machine)
		pd_buf_puts(b, _(" inside WSL"));
}

void pd__render_result_text(pd_buf *b, const pd_snapshot *s,
                            const pd_result *res, const pd_render_opts *o,
                            const char *indent)
{
	size_t k, start;

	pd_buf_puts(b, indent);
	pd__put_target(b, &res->target, res->port);
	pd__put_machine(b, s);
	pd_buf_puts(b, ": ");
	if (res->available)
		pd__put_colored(b, o, "\033[1;32m", _("available"));
	else
		pd__put_colored(b, o, "\033[1;31m", _("NOT AVAILABLE"));
	pd_buf_putc(b, '\n');
	for (k = 0; k < res->n_findings; k++) {
		start = b->len;
		put_finding(b, s, &res->findings[k], res->port, o);
		if (*indent)
			indent_lines(b, start, indent);
	}
}

int pd_render_check_text(const pd_report *r, const pd_render_opts *o,
                         char **ret)
{
	pd_buf b;
	size_t i;

	pd_buf_init(&b, 0);
	for (i = 0; i < r->n_results; i++)
		pd__render_result_text(&b, r->snap, &r->results[i], o, "");
	pd__put_notes(&b, r->snap, o);
	return pd__buf_finish(&b, ret);
}
