/*
 * http.sys registrations and portproxy rules shown as evidence, in text
 * and JSON.  Pure.  Which of them meet an endpoint is diagnose's
 * (src/diagnose/win_holders.c).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/json_util.h"
#include "render.h"
#include "win_holders.h"

static bool one_service(const char *svc)
{
	size_t i;

	if (!svc || !*svc)
		return false;
	for (i = 0; svc[i]; i++) {
		char c = svc[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* "svchost.exe (pid 3580, service WinRM)", or "pid 3580" when the
 * process was not collected. */
static void put_pid(pd_buf *b, const pd_snapshot *s, int pid)
{
	const pd_process *p = pd_snapshot_find_process(s, pid);

	if (!p || !p->name) {
		pd_buf_printf(b, "pid %d", pid);
		return;
	}
	pd__put_safe(b, p->name, 64);
	pd_buf_printf(b, " (pid %d", pid);
	if (p->service) {
		pd_buf_puts(b, _(", service "));
		pd__put_safe(b, p->service, 128);
	}
	pd_buf_putc(b, ')');
}

static void put_rule(pd_buf *b, const pd_portproxy_rule *r)
{
	const char *kind = pd_portproxy_kind(r);

	pd__put_safe(b, r->listen_address, 64);
	pd_buf_printf(b, ":%u -> ", r->listen_port);
	pd__put_safe(b, r->connect_address, 64);
	pd_buf_printf(b, ":%u", r->connect_port);
	if (kind)
		pd_buf_printf(b, " (%s)", kind);
}

void pd__put_win_holders(pd_buf *b, const pd_snapshot *s, const pd_finding *f)
{
	size_t i, k;

	for (i = 0; i < f->n_http_regs; i++) {
		const pd_http_registration *h = &s->http_registrations[f->http_regs[i]];

		pd_buf_puts(b, _("          registered URL: "));
		pd__put_safe(b, h->url, 256);
		if (h->n_pids == 0)
			pd_buf_puts(b, _("  (no process attached to its request "
			                 "queue)"));
		else
			pd_buf_puts(b, _("  by "));
		for (k = 0; k < h->n_pids; k++) {
			if (k)
				pd_buf_puts(b, ", ");
			put_pid(b, s, h->pids[k]);
		}
		pd_buf_putc(b, '\n');
	}
	for (i = 0; i < f->n_proxy_rules; i++) {
		pd_buf_puts(b, _("          portproxy rule: "));
		put_rule(b, &s->portproxy_rules[f->proxy_rules[i]]);
		pd_buf_putc(b, '\n');
	}
}

/* The first registering process of f's URLs, or -1 when none is
 * attached. */
static int first_pid(const pd_snapshot *s, const pd_finding *f)
{
	size_t i;

	for (i = 0; i < f->n_http_regs; i++) {
		const pd_http_registration *h = &s->http_registrations[f->http_regs[i]];

		if (h->n_pids)
			return h->pids[0];
	}
	return -1;
}

static void put_http_fix(pd_buf *b, const pd_snapshot *s, const pd_finding *f)
{
	int pid = first_pid(s, f);
	const pd_process *p = pid >= 0 ? pd_snapshot_find_process(s, pid) : NULL;

	pd_buf_puts(b, _("          fix: "));
	if (pid < 0) {
		pd_buf_puts(b, _("no process is attached to the URL's request queue "
		                 "(an idle IIS application pool looks like this: "
		                 "`net stop w3svc` as administrator stops IIS)"));
	} else if (p && p->name && (strcmp(p->name, "w3wp.exe") == 0 ||
	                            strcmp(p->name, "w3wp") == 0)) {
		/* WAS starts the worker again and keeps the URLs registered. */
		pd_buf_printf(b, _("the URL belongs to an IIS application pool "
		                   "(w3wp.exe, pid %d): stop the site or the pool in "
		                   "IIS Manager, or `net stop w3svc` as "
		                   "administrator"), pid);
	} else if (p && one_service(p->service)) {
		pd_buf_puts(b, _("stop the service that registered the URL, as "
		                 "administrator: `net stop "));
		pd__put_safe(b, p->service, 128);
		pd_buf_printf(b, _("` (pid %d)"), pid);
	} else {
		pd_buf_puts(b, _("stop the program that registered the URL: "));
		put_pid(b, s, pid);
		if (!p)
			pd_buf_printf(b, _(" (`tasklist /svc /fi \"PID eq %d\"` "
			                   "names it)"), pid);
	}
	pd_buf_puts(b, _("; or publish another port.  `netsh http delete "
	                 "urlacl` does not free it: it removes a reservation, "
	                 "not the registration\n"));
}

bool pd__put_win_holder_fix(pd_buf *b, const pd_snapshot *s,
                            const pd_finding *f)
{
	size_t i;

	if (f->code == PD_F_HTTP_SYS && f->n_http_regs) {
		put_http_fix(b, s, f);
		return true;
	}
	if (f->code != PD_F_PORTPROXY || !f->n_proxy_rules)
		return false;
	pd_buf_puts(b, _("          fix: as administrator, remove the rule: "));
	for (i = 0; i < f->n_proxy_rules; i++) {
		const pd_portproxy_rule *r = &s->portproxy_rules[f->proxy_rules[i]];
		const char *kind = pd_portproxy_kind(r);

		if (i)
			pd_buf_puts(b, ", ");
		pd_buf_printf(b, "`netsh interface portproxy delete %s "
		              "listenport=%u listenaddress=",
		              kind ? kind : "v4tov4", r->listen_port);
		pd__put_safe(b, r->listen_address, 64);
		pd_buf_putc(b, '`');
	}
	pd_buf_puts(b, _("; or publish another port\n"));
	return true;
}

/* ---------------------------------------------------------------- JSON */

static json_t *registration_json(const pd_snapshot *s,
                                 const pd_http_registration *h, int *err)
{
	json_t *o = pd__http_json(h, err), *procs = json_array();
	size_t k;

	if (!o || !procs) {
		json_decref(o);
		json_decref(procs);
		*err = PD_ENOMEM;
		return NULL;
	}
	for (k = 0; k < h->n_pids; k++) {
		const pd_process *p = pd_snapshot_find_process(s, h->pids[k]);
		json_t *e = json_object();

		if (e) {
			pd__jset(e, "pid", json_integer(h->pids[k]), err);
			pd__jset(e, "name", pd__jstr(p ? p->name : NULL), err);
			pd__jset(e, "service", pd__jstr(p ? p->service : NULL), err);
		}
		if (!e || json_array_append_new(procs, e) < 0)
			*err = PD_ENOMEM;
	}
	pd__jset(o, "processes", procs, err);
	return o;
}

void pd__win_holders_json(json_t *o, const pd_snapshot *s, const pd_finding *f,
                          int *err)
{
	json_t *a;
	size_t i;

	if (f->code != PD_F_HTTP_SYS && f->code != PD_F_PORTPROXY)
		return;
	a = json_array();
	if (!a) {
		*err = PD_ENOMEM;
		return;
	}
	if (f->code == PD_F_HTTP_SYS) {
		for (i = 0; i < f->n_http_regs; i++)
			json_array_append_new(a, registration_json(
				s, &s->http_registrations[f->http_regs[i]], err));
		pd__jset(o, "http_registrations", a, err);
	} else {
		for (i = 0; i < f->n_proxy_rules; i++)
			json_array_append_new(a, pd__portproxy_json(
				&s->portproxy_rules[f->proxy_rules[i]], err));
		pd__jset(o, "portproxy_rules", a, err);
	}
}
