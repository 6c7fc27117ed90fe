/*
 * Parsed netsh output into a snapshot: the port ranges, the URLs
 * registered with http.sys with the processes of their request queues,
 * and the portproxy rules.  Pure.  Used by the Windows probe (one command
 * at a time) and by --from-netsh (a paste).
 *
 * A request queue's process, as netsh names it (image, services), becomes
 * a process of the snapshot only when the snapshot has none of that pid:
 * what the probe read about a process itself is worth more.
 *
 * All or nothing: when an allocation fails midway, what this call added is
 * taken out again, so a caller that goes on with a note never sees half of
 * one output.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "netsh.h"

/* Undoes the additions past the counts saved before them. */
static void roll_back(pd_snapshot *s, size_t n_ex, size_t n_dyn, size_t n_http,
                      size_t n_pp, size_t n_procs)
{
	size_t i;

	for (i = n_procs; i < s->n_procs; i++) {
		free(s->procs[i].name);
		free(s->procs[i].exe);
		free(s->procs[i].service);
	}
	s->n_procs = n_procs;
	s->n_excluded = n_ex;
	s->n_dynamic = n_dyn;
	for (i = n_http; i < s->n_http_registrations; i++)
		free(s->http_registrations[i].url);
	s->n_http_registrations = n_http;
	for (i = n_pp; i < s->n_portproxy_rules; i++) {
		free(s->portproxy_rules[i].listen_address);
		free(s->portproxy_rules[i].connect_address);
	}
	s->n_portproxy_rules = n_pp;
}

static int add_url(pd_snapshot *s, const pd_netsh_url *u)
{
	pd_http_registration h;

	memset(&h, 0, sizeof(h));
	h.url = (char *)u->url; /* copied by pd_snapshot_add_http */
	h.port = u->port;
	h.n_pids = u->n_pids < PD_HTTP_MAX_PIDS ? u->n_pids : PD_HTTP_MAX_PIDS;
	memcpy(h.pids, u->pids, h.n_pids * sizeof(h.pids[0]));
	return pd_snapshot_add_http(s, &h);
}

static int add_proxy(pd_snapshot *s, const pd_netsh_portproxy *p)
{
	pd_portproxy_rule r;

	memset(&r, 0, sizeof(r));
	r.listen_family = p->listen_family;
	r.connect_family = p->connect_family;
	r.listen_address = (char *)p->listen_addr; /* copied */
	r.listen_port = p->listen_port;
	r.connect_address = (char *)p->connect_addr;
	r.connect_port = p->connect_port;
	/* Port 0 cannot be listened on: netsh refuses such a rule. */
	return r.listen_port ? pd_snapshot_add_portproxy(s, &r) : 0;
}

/* The file name of a Windows path: "svchost.exe" of
 * "C:\\Windows\\System32\\svchost.exe". */
static const char *base_name(const char *path)
{
	const char *b = path;

	for (; *path; path++)
		if (*path == '\\' || *path == '/')
			b = path + 1;
	return b;
}

static int add_proc(pd_snapshot *s, const pd_netsh_proc *np)
{
	pd_process *p;
	int r;

	/* "<?>" and no service: netsh named nothing worth a process entry. */
	if (pd_snapshot_find_process(s, np->pid) ||
	    (!np->image[0] && !np->services[0]))
		return 0;
	r = pd_snapshot_add_process(s, &p);
	if (r < 0)
		return r;
	p->pid = np->pid;
	p->ppid = -1;
	p->uid = -1;
	p->start_time = -1;
	if (np->image[0]) {
		p->name = pd__strdup(base_name(np->image));
		p->exe = pd__strdup(np->image);
		if (!p->name || !p->exe)
			return PD_ENOMEM;
	}
	if (np->services[0]) {
		p->service = pd__strdup(np->services);
		if (!p->service)
			return PD_ENOMEM;
	}
	return 0;
}

int pd_netsh_result_to_snapshot(const pd_netsh_result *r, pd_snapshot *s)
{
	size_t n_ex, n_dyn, n_http, n_pp, n_procs, i;
	int err = 0;

	if (!r || !s)
		return PD_EINVAL;
	n_ex = s->n_excluded;
	n_dyn = s->n_dynamic;
	n_http = s->n_http_registrations;
	n_pp = s->n_portproxy_rules;
	n_procs = s->n_procs;
	for (i = 0; i < r->n_excluded && err == 0; i++)
		err = pd_snapshot_add_range(&s->excluded, &s->n_excluded,
		                            &r->excluded[i]);
	for (i = 0; i < r->n_dynamic && err == 0; i++)
		err = pd_snapshot_add_range(&s->dynamic, &s->n_dynamic,
		                            &r->dynamic[i]);
	for (i = 0; i < r->n_urls && err == 0; i++)
		err = add_url(s, &r->urls[i]);
	for (i = 0; i < r->n_proxies && err == 0; i++)
		err = add_proxy(s, &r->proxies[i]);
	for (i = 0; i < r->n_procs && err == 0; i++)
		err = add_proc(s, &r->procs[i]);
	if (err < 0)
		roll_back(s, n_ex, n_dyn, n_http, n_pp, n_procs);
	return err;
}
