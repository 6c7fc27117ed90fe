/*
 * JSON -> snapshot (schema "portdoctor.snapshot.v1", docs/snapshot.md).
 *
 * The reader is strict about types and ranges (a snapshot may come from
 * anyone: it is pasted in bug reports) but lenient about missing optional
 * fields, and names the first bad field in its error message.  Every
 * array is bounded by the snapshot's own element ceiling and the document
 * by PD_SNAPSHOT_MAX_BYTES.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json_util.h"
#include "portdoctor/portdoctor.h"

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
	size_t k, n;
	int *pids, r = pd_snapshot_add_socket(s, &sk);

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
			if (strcmp(json_string_value(v), pd__owner_status_names[k]) == 0)
				sk->owner_status = (pd_owner_status)k;
	}
	v = json_object_get(e, "pids");
	if (v && !json_is_array(v))
		return fail(rd, "sockets", i, "bad pids");
	n = json_array_size(v);
	pids = n ? pd__reallocarray(NULL, n, sizeof(*pids)) : NULL;
	if (n && !pids)
		return PD_ENOMEM;
	json_array_foreach(v, k, pid) {
		if (!json_is_integer(pid) || json_integer_value(pid) < 0 ||
		    json_integer_value(pid) > INT32_MAX) {
			free(pids);
			return fail(rd, "sockets", i, "bad pid");
		}
		pids[k] = (int)json_integer_value(pid);
	}
	/* All at once: a socket may list 100,000 pids (issue 15). */
	r = pd_socket_add_pids(sk, pids, n);
	free(pids);
	return r;
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
	    get_str(e, "engine", &c->engine) < 0 ||
	    get_str(e, "pod", &c->pod) < 0 ||
	    get_str(e, "endpoint", &c->endpoint) < 0)
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
	if (strcmp(json_string_value(v), PD_SNAPSHOT_SCHEMA) != 0) {
		fail(&rd, "schema", (size_t)-1,
		     "unsupported version (this portdoctor reads "
		     PD_SNAPSHOT_SCHEMA ")");
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
		s->wsl_mirrored = tristate(w, "wsl_mirrored");
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
	/* "reserved": null is a list that could not be read. */
	s->reserved_unknown = json_is_null(json_object_get(root, "reserved"));
	r = pd_snapshot_index_processes(s);
	if (r < 0)
		goto out;
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
