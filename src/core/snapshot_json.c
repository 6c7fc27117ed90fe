/*
 * Snapshot <-> JSON (schema "portdoctor.snapshot.v1", docs/snapshot.md).
 *
 * The writer emits every field, null where unknown.  The reader is strict
 * about types and ranges (a snapshot may come from anyone: it is pasted in
 * bug reports) but lenient about missing optional fields, and names the
 * first bad field in its error message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_util.h"
#include "portdoctor/portdoctor.h"
#include "win_holders.h"

#define SNAPSHOT_SCHEMA "portdoctor.snapshot.v1"

static const char *owner_status_names[] = {"not_searched", "found",
                                           "unknown", "denied"};

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
	         json_string(owner_status_names[sk->owner_status & 3]), err);
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
	json_t *o = json_object(), *ports = json_array();
	size_t i;

	if (!o || !ports) {
		json_decref(o);
		json_decref(ports);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "id", pd__jstr(c->id), err);
	pd__jset(o, "name", pd__jstr(c->name), err);
	pd__jset(o, "image", pd__jstr(c->image), err);
	pd__jset(o, "state", pd__jstr(c->state), err);
	pd__jset(o, "project", pd__jstr(c->project), err);
	pd__jset(o, "service", pd__jstr(c->service), err);
	pd__jset(o, "engine", pd__jstr(c->engine), err);
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

json_t *pd__snapshot_json(const pd_snapshot *s, int *err);

json_t *pd__snapshot_json(const pd_snapshot *s, int *err)
{
	json_t *o = json_object(), *a, *w;
	size_t i;

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "schema", json_string(SNAPSHOT_SCHEMA), err);
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
	}
	pd__jset(o, "windows", w, err);
	pd__jset(o, "dynamic", ranges_json(s->dynamic, s->n_dynamic, false, err), err);
	pd__jset(o, "reserved", ranges_json(s->reserved, s->n_reserved, false, err),
	         err);
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

/* ------------------------------------------------------------- reading */

typedef struct reader {
	char *err;
	size_t errsize;
	int failed;
} reader;

static int fail(reader *rd, const char *where, size_t idx, const char *what)
{
	if (!rd->failed && rd->err && rd->errsize) {
		if (idx != (size_t)-1)
			snprintf(rd->err, rd->errsize, "%s[%zu]: %s", where, idx, what);
		else
			snprintf(rd->err, rd->errsize, "%s: %s", where, what);
	}
	rd->failed = 1;
	return PD_EPARSE;
}

/* Optional string: absent or null -> NULL.  Returns -1 on a wrong type. */
static int get_str(json_t *o, const char *key, char **ret)
{
	json_t *v = json_object_get(o, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*ret = pd__strndup(json_string_value(v), json_string_length(v));
	return *ret ? 0 : -2;
}

static int get_int(json_t *o, const char *key, int64_t lo, int64_t hi,
                   int64_t dflt, int64_t *ret)
{
	json_t *v = json_object_get(o, key);

	*ret = dflt;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -1;
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return -1;
	*ret = json_integer_value(v);
	return 0;
}

static int get_bool(json_t *o, const char *key, int dflt)
{
	json_t *v = json_object_get(o, key);

	if (json_is_boolean(v))
		return json_is_true(v);
	return dflt;
}

static int get_addr(json_t *o, const char *key, bool required, pd_addr *ret)
{
	json_t *v = json_object_get(o, key);

	memset(ret, 0, sizeof(*ret));
	if (!v || json_is_null(v))
		return required ? -1 : 0;
	if (!json_is_string(v))
		return -1;
	return pd_addr_parse(json_string_value(v), json_string_length(v), ret) < 0
	       ? -1 : 0;
}

static int get_proto(json_t *o, const char *key, pd_proto *ret)
{
	json_t *v = json_object_get(o, key);

	*ret = PD_PROTO_NONE;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return pd_proto_parse(json_string_value(v), json_string_length(v), ret);
}

static int read_ranges(reader *rd, json_t *root, const char *key,
                       pd_range **arr, size_t *n)
{
	json_t *a = json_object_get(root, key), *e;
	size_t i;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return fail(rd, key, (size_t)-1, "not an array");
	json_array_foreach(a, i, e) {
		pd_range r;
		int64_t start, end;
		json_t *fam;

		memset(&r, 0, sizeof(r));
		if (!json_is_object(e) || get_proto(e, "proto", &r.proto) < 0 ||
		    get_int(e, "start", 0, 65535, -1, &start) < 0 || start < 0 ||
		    get_int(e, "end", 0, 65535, -1, &end) < 0 || end < start)
			return fail(rd, key, i, "bad range");
		fam = json_object_get(e, "family");
		if (json_is_string(fam) && strcmp(json_string_value(fam), "ipv4") == 0)
			r.family = PD_FAMILY_V4;
		else if (json_is_string(fam) &&
		         strcmp(json_string_value(fam), "ipv6") == 0)
			r.family = PD_FAMILY_V6;
		else if (fam && !json_is_null(fam))
			return fail(rd, key, i, "bad family");
		r.start = (uint16_t)start;
		r.end = (uint16_t)end;
		r.administered = get_bool(e, "administered", 0);
		if (pd_snapshot_add_range(arr, n, &r) < 0)
			return PD_ENOMEM;
	}
	return 0;
}

static int read_socket(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_socket *sk;
	json_t *v, *pid;
	int64_t x;
	size_t k;
	int r = pd_snapshot_add_socket(s, &sk);

	if (r < 0)
		return r;
	if (!json_is_object(e) || get_proto(e, "proto", &sk->proto) < 0 ||
	    sk->proto == PD_PROTO_NONE)
		return fail(rd, "sockets", i, "bad proto");
	if (get_addr(e, "local_address", true, &sk->local) < 0)
		return fail(rd, "sockets", i, "bad local_address");
	if (get_addr(e, "remote_address", false, &sk->remote) < 0)
		return fail(rd, "sockets", i, "bad remote_address");
	if (get_int(e, "local_port", 0, 65535, 0, &x) < 0)
		return fail(rd, "sockets", i, "bad local_port");
	sk->local_port = (uint16_t)x;
	if (get_int(e, "remote_port", 0, 65535, 0, &x) < 0)
		return fail(rd, "sockets", i, "bad remote_port");
	sk->remote_port = (uint16_t)x;
	v = json_object_get(e, "state");
	if (json_is_string(v) &&
	    pd_sock_state_parse(json_string_value(v), &sk->state) < 0)
		return fail(rd, "sockets", i, "bad state");
	v = json_object_get(e, "v6only");
	sk->v6only = json_is_boolean(v) ? json_is_true(v) : -1;
	if (get_int(e, "uid", 0, INT64_MAX, -1, &sk->uid) < 0 ||
	    get_int(e, "inode", 0, INT64_MAX, 0, &x) < 0)
		return fail(rd, "sockets", i, "bad uid or inode");
	sk->inode = (uint64_t)x;
	if (get_int(e, "cgroup_id", 0, INT64_MAX, 0, &x) < 0)
		return fail(rd, "sockets", i, "bad cgroup_id");
	sk->cgroup_id = (uint64_t)x;
	if (get_str(e, "interface", &sk->ifname) < 0)
		return fail(rd, "sockets", i, "bad interface");
	v = json_object_get(e, "owner_status");
	if (json_is_string(v)) {
		for (k = 0; k < 4; k++)
			if (strcmp(json_string_value(v), owner_status_names[k]) == 0)
				sk->owner_status = (pd_owner_status)k;
	}
	v = json_object_get(e, "pids");
	if (v && !json_is_array(v))
		return fail(rd, "sockets", i, "bad pids");
	json_array_foreach(v, k, pid) {
		pd_owner_status keep = sk->owner_status;

		if (!json_is_integer(pid) || json_integer_value(pid) < 0 ||
		    json_integer_value(pid) > INT32_MAX)
			return fail(rd, "sockets", i, "bad pid");
		if (pd_socket_add_pid(sk, (int)json_integer_value(pid)) < 0)
			return PD_ENOMEM;
		sk->owner_status = keep;
	}
	return 0;
}

static int read_process(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_process *p;
	int64_t x;
	int r = pd_snapshot_add_process(s, &p);

	if (r < 0)
		return r;
	if (!json_is_object(e) || get_int(e, "pid", 0, INT32_MAX, -1, &x) < 0 ||
	    x < 0)
		return fail(rd, "processes", i, "bad pid");
	p->pid = (int)x;
	if (get_int(e, "ppid", 0, INT32_MAX, -1, &x) < 0)
		return fail(rd, "processes", i, "bad ppid");
	p->ppid = (int)x;
	if (get_int(e, "uid", 0, INT64_MAX, -1, &p->uid) < 0 ||
	    get_int(e, "start_time", 0, INT64_MAX, -1, &p->start_time) < 0)
		return fail(rd, "processes", i, "bad uid or start_time");
	if (get_str(e, "name", &p->name) < 0 || get_str(e, "exe", &p->exe) < 0 ||
	    get_str(e, "cmdline", &p->cmdline) < 0 ||
	    get_str(e, "user", &p->user) < 0 || get_str(e, "cwd", &p->cwd) < 0 ||
	    get_str(e, "cgroup", &p->cgroup) < 0 ||
	    get_str(e, "service", &p->service) < 0)
		return fail(rd, "processes", i, "a text field is not a string");
	return 0;
}

static int read_bind(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_bind_result b;
	int64_t x;
	json_t *v;
	int r;
	size_t k;

	memset(&b, 0, sizeof(b));
	if (!json_is_object(e) || get_proto(e, "proto", &b.proto) < 0 ||
	    b.proto == PD_PROTO_NONE || get_addr(e, "address", true, &b.addr) < 0 ||
	    get_int(e, "port", 1, 65535, -1, &x) < 0 || x < 1)
		return fail(rd, "binds", i, "bad endpoint");
	b.port = (uint16_t)x;
	b.v6only = get_bool(e, "v6only", 0);
	b.reuseaddr = get_bool(e, "reuseaddr", 0);
	v = json_object_get(e, "error");
	if (json_is_string(v)) {
		b.err = PD_EOTHER;
		for (k = 1; k < 64; k++) {
			int code = PD__EFIRST + (int)k;

			if (code >= PD__ELAST)
				break;
			if (strcmp(pd_err_name(code), json_string_value(v)) == 0)
				b.err = code;
		}
	} else if (v && !json_is_null(v)) {
		return fail(rd, "binds", i, "bad error");
	}
	if (get_int(e, "os_code", INT32_MIN, INT32_MAX, 0, &x) < 0)
		return fail(rd, "binds", i, "bad os_code");
	b.os_code = (int)x;
	if (get_str(e, "os_name", &b.os_name) < 0)
		return fail(rd, "binds", i, "bad os_name");
	r = pd_snapshot_add_bind(s, &b);
	free(b.os_name);
	return r;
}

static int read_addr(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_addr a;
	int64_t prefix;
	char *name = NULL;
	int r;

	if (!json_is_object(e) || get_addr(e, "address", true, &a) < 0 ||
	    get_int(e, "prefix_len", 0, 128, -1, &prefix) < 0 ||
	    get_str(e, "interface", &name) < 0)
		return fail(rd, "addresses", i, "bad address");
	r = pd_snapshot_add_addr(s, name, &a, (int)prefix, get_bool(e, "up", 1));
	free(name);
	return r;
}

typedef int (*elem_reader)(reader *, pd_snapshot *, json_t *, size_t);

static int read_array(reader *rd, pd_snapshot *s, json_t *root,
                      const char *key, elem_reader fn)
{
	json_t *a = json_object_get(root, key), *e;
	size_t i;
	int r;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return fail(rd, key, (size_t)-1, "not an array");
	json_array_foreach(a, i, e) {
		r = fn(rd, s, e, i);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_notes(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	json_t *c = json_object_get(e, "code"), *m = json_object_get(e, "message");

	if (!json_is_string(c) || (m && !json_is_null(m) && !json_is_string(m)))
		return fail(rd, "notes", i, "bad note");
	return pd_snapshot_add_note(s, json_string_value(c),
	                            json_is_string(m) ? json_string_value(m) : NULL);
}

static int read_container(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_container *c;
	json_t *ports, *p;
	size_t k;
	int r = pd_snapshot_add_container(s, &c);

	if (r < 0)
		return r;
	if (!json_is_object(e) || get_str(e, "id", &c->id) < 0 ||
	    get_str(e, "name", &c->name) < 0 || get_str(e, "image", &c->image) < 0 ||
	    get_str(e, "state", &c->state) < 0 ||
	    get_str(e, "project", &c->project) < 0 ||
	    get_str(e, "service", &c->service) < 0 ||
	    get_str(e, "engine", &c->engine) < 0)
		return fail(rd, "containers", i, "bad container");
	ports = json_object_get(e, "ports");
	if (ports && !json_is_array(ports))
		return fail(rd, "containers", i, "bad ports");
	json_array_foreach(ports, k, p) {
		pd_container_port cp;
		int64_t hp, cport;

		memset(&cp, 0, sizeof(cp));
		if (!json_is_object(p) || get_proto(p, "proto", &cp.proto) < 0 ||
		    get_addr(p, "host_address", false, &cp.host_addr) < 0 ||
		    get_int(p, "host_port", 0, 65535, 0, &hp) < 0 ||
		    get_int(p, "container_port", 0, 65535, 0, &cport) < 0)
			return fail(rd, "containers", i, "bad port");
		cp.host_port = (uint16_t)hp;
		cp.container_port = (uint16_t)cport;
		if (pd_container_add_port(c, &cp) < 0)
			return PD_ENOMEM;
	}
	return 0;
}

static int read_http(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_http_registration h;
	json_t *pids, *pid;
	int64_t port;
	size_t k;
	int r;

	memset(&h, 0, sizeof(h));
	if (!json_is_object(e) || get_str(e, "url", &h.url) < 0 || !h.url ||
	    get_int(e, "port", 1, 65535, -1, &port) < 0 || port < 1) {
		free(h.url);
		return fail(rd, "http_registrations", i, "bad registration");
	}
	h.port = (uint16_t)port;
	pids = json_object_get(e, "pids");
	if (pids && !json_is_null(pids) &&
	    (!json_is_array(pids) || json_array_size(pids) > PD_HTTP_MAX_PIDS)) {
		free(h.url);
		return fail(rd, "http_registrations", i, "bad pids");
	}
	json_array_foreach(pids, k, pid) {
		if (!json_is_integer(pid) || json_integer_value(pid) < 0 ||
		    json_integer_value(pid) > INT32_MAX) {
			free(h.url);
			return fail(rd, "http_registrations", i, "bad pid");
		}
		h.pids[h.n_pids++] = (int)json_integer_value(pid);
	}
	r = pd_snapshot_add_http(s, &h);
	free(h.url);
	return r;
}

static int parse_kind(json_t *v, pd_portproxy_rule *r)
{
	const char *k;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	k = json_string_value(v);
	if (strlen(k) != 6 || k[0] != 'v' || (k[1] != '4' && k[1] != '6') ||
	    strncmp(k + 2, "tov", 3) != 0 || (k[5] != '4' && k[5] != '6'))
		return -1;
	r->listen_family = k[1] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
	r->connect_family = k[5] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
	return 0;
}

static int read_portproxy(reader *rd, pd_snapshot *s, json_t *e, size_t i)
{
	pd_portproxy_rule pr;
	int64_t lp, cp;
	int r = PD_EPARSE;

	memset(&pr, 0, sizeof(pr));
	if (!json_is_object(e) || parse_kind(json_object_get(e, "kind"), &pr) < 0 ||
	    get_str(e, "listen_address", &pr.listen_address) < 0 ||
	    !pr.listen_address ||
	    get_str(e, "connect_address", &pr.connect_address) < 0 ||
	    get_int(e, "listen_port", 1, 65535, -1, &lp) < 0 || lp < 1 ||
	    get_int(e, "connect_port", 0, 65535, 0, &cp) < 0) {
		fail(rd, "portproxy_rules", i, "bad rule");
		goto out;
	}
	pr.listen_port = (uint16_t)lp;
	pr.connect_port = (uint16_t)cp;
	r = pd_snapshot_add_portproxy(s, &pr);
out:
	free(pr.listen_address);
	free(pr.connect_address);
	return r;
}

static int tristate(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

int pd_snapshot_from_json(const char *text, size_t len, char *err,
                          size_t errsize, pd_snapshot **ret)
{
	reader rd = {err, errsize, 0};
	json_error_t jerr;
	json_t *root, *v, *w;
	pd_snapshot *s = NULL;
	int64_t x;
	int r = PD_EPARSE;

	if (len > PD_SNAPSHOT_MAX_BYTES) {
		fail(&rd, "snapshot", (size_t)-1, "larger than the size limit");
		return PD_ETOOBIG;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (err && errsize)
			snprintf(err, errsize, "line %d column %d: %s", jerr.line,
			         jerr.column, jerr.text);
		return PD_EPARSE;
	}
	if (!json_is_object(root)) {
		fail(&rd, "snapshot", (size_t)-1, "not a JSON object");
		goto out;
	}
	v = json_object_get(root, "schema");
	if (!json_is_string(v) || strncmp(json_string_value(v),
	                                  "portdoctor.snapshot.v", 21) != 0) {
		fail(&rd, "schema", (size_t)-1, "not a portdoctor snapshot");
		goto out;
	}
	if (strcmp(json_string_value(v), SNAPSHOT_SCHEMA) != 0) {
		fail(&rd, "schema", (size_t)-1,
		     "unsupported version (this portdoctor reads "
		     SNAPSHOT_SCHEMA ")");
		r = PD_EVERSION;
		goto out;
	}
	s = pd_snapshot_new();
	if (!s) {
		r = PD_ENOMEM;
		goto out;
	}
	if (get_str(root, "os", &s->os) < 0 ||
	    get_str(root, "os_detail", &s->os_detail) < 0 ||
	    get_str(root, "hostname", &s->hostname) < 0 ||
	    get_int(root, "taken_at", 0, INT64_MAX, 0, &s->taken_at) < 0 ||
	    get_int(root, "uid", 0, INT64_MAX, -1, &s->uid) < 0 ||
	    get_int(root, "unprivileged_port_start", 0, 65536, -1, &x) < 0) {
		fail(&rd, "snapshot", (size_t)-1, "bad top-level field");
		goto out;
	}
	s->unprivileged_port_start = (int)x;
	s->privileged = get_bool(root, "privileged", 0);
	s->can_bind_privileged = get_bool(root, "can_bind_privileged", 0);
	s->sockets_complete = get_bool(root, "sockets_complete", 0);
	s->owners_partial = get_bool(root, "owners_partial", 0);
	w = json_object_get(root, "windows");
	if (json_is_object(w)) {
		s->winnat_running = tristate(w, "winnat_running");
		s->hyperv_present = tristate(w, "hyperv_present");
		s->wsl_present = tristate(w, "wsl_present");
		s->docker_desktop_present = tristate(w, "docker_desktop_present");
	}
	if ((r = read_ranges(&rd, root, "dynamic", &s->dynamic, &s->n_dynamic)) < 0 ||
	    (r = read_ranges(&rd, root, "reserved", &s->reserved, &s->n_reserved)) < 0 ||
	    (r = read_ranges(&rd, root, "excluded", &s->excluded, &s->n_excluded)) < 0 ||
	    (r = read_array(&rd, s, root, "addresses", read_addr)) < 0 ||
	    (r = read_array(&rd, s, root, "sockets", read_socket)) < 0 ||
	    (r = read_array(&rd, s, root, "processes", read_process)) < 0 ||
	    (r = read_array(&rd, s, root, "binds", read_bind)) < 0 ||
	    (r = read_array(&rd, s, root, "notes", read_notes)) < 0 ||
	    (r = read_array(&rd, s, root, "containers", read_container)) < 0 ||
	    (r = read_array(&rd, s, root, "http_registrations", read_http)) < 0 ||
	    (r = read_array(&rd, s, root, "portproxy_rules", read_portproxy)) < 0)
		goto out;
	s->engine_status = tristate(root, "engine_status");
	*ret = s;
	s = NULL;
	r = 0;
out:
	if (r == PD_ENOMEM && err && errsize && !rd.failed)
		snprintf(err, errsize, "out of memory");
	pd_snapshot_free(s);
	json_decref(root);
	return r;
}
