/*
 * Snapshot -> JSON (schema "portdoctor.snapshot.v1", docs/snapshot.md).
 *
 * The writer emits every field, null where unknown, so that a reader (and
 * a person reading a pasted snapshot) can tell "unknown" from "none".  The
 * reader is read.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json_util.h"
#include "portdoctor/portdoctor.h"

/* ------------------------------------------------------------- writing */

static json_t *socket_json(const pd_socket *sk, int *err)
{
	json_t *o = json_object(), *pids = json_array();
	size_t i;

	if (!o || !pids) {
		json_decref(o);
		json_decref(pids);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "proto", pd__jstr(pd_proto_name(sk->proto)), err);
	pd__jset(o, "local_address", pd__jaddr(&sk->local), err);
	pd__jset(o, "local_port", json_integer(sk->local_port), err);
	pd__jset(o, "remote_address", pd__jaddr(&sk->remote), err);
	pd__jset(o, "remote_port", json_integer(sk->remote_port), err);
	pd__jset(o, "state", json_string(pd_sock_state_name(sk->state)), err);
	pd__jset(o, "v6only", pd__jtristate(sk->v6only), err);
	pd__jset(o, "uid", sk->uid < 0 ? json_null() : json_integer(sk->uid), err);
	pd__jset(o, "inode", json_integer((json_int_t)sk->inode), err);
	pd__jset(o, "cgroup_id", json_integer((json_int_t)sk->cgroup_id), err);
	pd__jset(o, "interface", pd__jstr(sk->ifname), err);
	pd__jset(o, "owner_status",
	         json_string(pd__owner_status_names[sk->owner_status & 3]), err);
	for (i = 0; i < sk->n_pids; i++)
		if (json_array_append_new(pids, json_integer(sk->pids[i])) < 0)
			*err = PD_ENOMEM;
	pd__jset(o, "pids", pids, err);
	return o;
}

static json_t *process_json(const pd_process *p, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "pid", json_integer(p->pid), err);
	pd__jset(o, "ppid", p->ppid < 0 ? json_null() : json_integer(p->ppid), err);
	pd__jset(o, "name", pd__jstr(p->name), err);
	pd__jset(o, "exe", pd__jstr(p->exe), err);
	pd__jset(o, "cmdline", pd__jstr(p->cmdline), err);
	pd__jset(o, "user", pd__jstr(p->user), err);
	pd__jset(o, "uid", p->uid < 0 ? json_null() : json_integer(p->uid), err);
	pd__jset(o, "start_time",
	         p->start_time < 0 ? json_null() : json_integer(p->start_time), err);
	pd__jset(o, "cwd", pd__jstr(p->cwd), err);
	pd__jset(o, "cgroup", pd__jstr(p->cgroup), err);
	pd__jset(o, "service", pd__jstr(p->service), err);
	return o;
}

static json_t *bind_json(const pd_bind_result *b, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "proto", pd__jstr(pd_proto_name(b->proto)), err);
	pd__jset(o, "address", pd__jaddr(&b->addr), err);
	pd__jset(o, "port", json_integer(b->port), err);
	pd__jset(o, "v6only", json_boolean(b->v6only), err);
	pd__jset(o, "reuseaddr", json_boolean(b->reuseaddr), err);
	pd__jset(o, "error", b->err ? json_string(pd_err_name(b->err)) : json_null(),
	         err);
	pd__jset(o, "os_code", b->os_code ? json_integer(b->os_code) : json_null(),
	         err);
	pd__jset(o, "os_name", pd__jstr(b->os_name), err);
	return o;
}

static json_t *addr_json(const pd_iface_addr *a, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "interface", pd__jstr(a->name), err);
	pd__jset(o, "address", pd__jaddr(&a->addr), err);
	pd__jset(o, "prefix_len",
	         a->prefix_len < 0 ? json_null() : json_integer(a->prefix_len), err);
	pd__jset(o, "up", json_boolean(a->up), err);
	return o;
}

static json_t *ranges_json(const pd_range *r, size_t n, bool admin, int *err)
{
	json_t *a = json_array();
	size_t i;

	if (!a) {
		*err = PD_ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, pd__jrange(&r[i], admin)) < 0)
			*err = PD_ENOMEM;
	return a;
}

static json_t *container_json(const pd_container *c, int *err)
{
	json_t *o = pd__container_brief_json(c, err), *ports = json_array();
	size_t i;

	if (!o || !ports) {
		json_decref(o);
		json_decref(ports);
		*err = PD_ENOMEM;
		return NULL;
	}
	for (i = 0; i < c->n_ports; i++) {
		const pd_container_port *p = &c->ports[i];
		json_t *e = json_object();

		if (e) {
			pd__jset(e, "proto", pd__jstr(pd_proto_name(p->proto)), err);
			pd__jset(e, "host_address", pd__jaddr(&p->host_addr), err);
			pd__jset(e, "host_port", json_integer(p->host_port), err);
			pd__jset(e, "container_port", json_integer(p->container_port),
			         err);
		}
		if (!e || json_array_append_new(ports, e) < 0)
			*err = PD_ENOMEM;
	}
	pd__jset(o, "ports", ports, err);
	return o;
}

static json_t *http_json(const pd_http_registration *h, int *err)
{
	json_t *o = json_object(), *pids = json_array();
	size_t i;

	if (!o || !pids) {
		json_decref(o);
		json_decref(pids);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "url", pd__jstr(h->url), err);
	pd__jset(o, "port", json_integer(h->port), err);
	for (i = 0; i < h->n_pids; i++)
		if (json_array_append_new(pids, json_integer(h->pids[i])) < 0)
			*err = PD_ENOMEM;
	pd__jset(o, "pids", pids, err);
	return o;
}

json_t *pd__portproxy_json(const pd_portproxy_rule *r, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "kind", pd__jstr(pd_portproxy_kind(r)), err);
	pd__jset(o, "listen_address", pd__jstr(r->listen_address), err);
	pd__jset(o, "listen_port", json_integer(r->listen_port), err);
	pd__jset(o, "connect_address", pd__jstr(r->connect_address), err);
	pd__jset(o, "connect_port", json_integer(r->connect_port), err);
	return o;
}

json_t *pd__http_json(const pd_http_registration *h, int *err)
{
	return http_json(h, err);
}

json_t *pd__container_json(const pd_container *c, int *err)
{
	return container_json(c, err);
}

json_t *pd__snapshot_json(const pd_snapshot *s, int *err)
{
	json_t *o = json_object(), *a, *w;
	size_t i;

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "schema", json_string(PD_SNAPSHOT_SCHEMA), err);
	pd__jset(o, "os", pd__jstr(s->os), err);
	pd__jset(o, "os_detail", pd__jstr(s->os_detail), err);
	pd__jset(o, "hostname", pd__jstr(s->hostname), err);
	pd__jset(o, "taken_at", json_integer(s->taken_at), err);
	pd__jset(o, "privileged", json_boolean(s->privileged), err);
	pd__jset(o, "can_bind_privileged", json_boolean(s->can_bind_privileged), err);
	pd__jset(o, "uid", s->uid < 0 ? json_null() : json_integer(s->uid), err);
	pd__jset(o, "sockets_complete", json_boolean(s->sockets_complete), err);
	pd__jset(o, "owners_partial", json_boolean(s->owners_partial), err);
	pd__jset(o, "unprivileged_port_start",
	         s->unprivileged_port_start < 0 ? json_null() :
	         json_integer(s->unprivileged_port_start), err);
	w = json_object();
	if (w) {
		pd__jset(w, "winnat_running", pd__jtristate(s->winnat_running), err);
		pd__jset(w, "hyperv_present", pd__jtristate(s->hyperv_present), err);
		pd__jset(w, "wsl_present", pd__jtristate(s->wsl_present), err);
		pd__jset(w, "docker_desktop_present",
		         pd__jtristate(s->docker_desktop_present), err);
		pd__jset(w, "wsl_mirrored", pd__jtristate(s->wsl_mirrored), err);
	}
	pd__jset(o, "windows", w, err);
	pd__jset(o, "dynamic", ranges_json(s->dynamic, s->n_dynamic, false, err), err);
	pd__jset(o, "reserved", s->reserved_unknown ? json_null() :
	         ranges_json(s->reserved, s->n_reserved, false, err), err);
	pd__jset(o, "excluded", ranges_json(s->excluded, s->n_excluded, true, err),
	         err);
	a = json_array();
	for (i = 0; a && i < s->n_addrs; i++)
		json_array_append_new(a, addr_json(&s->addrs[i], err));
	pd__jset(o, "addresses", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_sockets; i++)
		json_array_append_new(a, socket_json(&s->sockets[i], err));
	pd__jset(o, "sockets", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_procs; i++)
		json_array_append_new(a, process_json(&s->procs[i], err));
	pd__jset(o, "processes", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_binds; i++)
		json_array_append_new(a, bind_json(&s->binds[i], err));
	pd__jset(o, "binds", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_notes; i++) {
		json_t *n = json_object();

		if (n) {
			pd__jset(n, "code", pd__jstr(s->notes[i].code), err);
			pd__jset(n, "message", pd__jstr(s->notes[i].message), err);
		}
		if (!n || json_array_append_new(a, n) < 0)
			*err = PD_ENOMEM;
	}
	pd__jset(o, "notes", a, err);
	pd__jset(o, "engine_status", s->engine_status < 0 ? json_null() :
	         json_boolean(s->engine_status), err);
	a = json_array();
	for (i = 0; a && i < s->n_containers; i++)
		json_array_append_new(a, container_json(&s->containers[i], err));
	pd__jset(o, "containers", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_http_registrations; i++)
		json_array_append_new(a, http_json(&s->http_registrations[i], err));
	pd__jset(o, "http_registrations", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_portproxy_rules; i++)
		json_array_append_new(a, pd__portproxy_json(&s->portproxy_rules[i],
		                                            err));
	pd__jset(o, "portproxy_rules", a, err);
	return o;
}

int pd_snapshot_to_json(const pd_snapshot *s, char **ret_text)
{
	int err = 0;
	json_t *o = pd__snapshot_json(s, &err);
	int r;

	if (!o || err) {
		json_decref(o);
		return err ? err : PD_ENOMEM;
	}
	r = pd__jdump(o, true, ret_text);
	json_decref(o);
	return r;
}
