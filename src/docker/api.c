/*
 * The Docker Engine API's JSON, and the docker CLI's context files.  Pure.
 *
 * Recorded answers of a real engine (Docker 20.10.24, API 1.41) sit in
 * tests/data/docker.  Podman's compatible API answers the same shapes.
 * The engine is trusted no more than a pasted snapshot: every field is
 * type-checked, numbers are range-checked, and a container with a bad
 * field keeps its good ones.
 *
 * Stopped and created containers carry no "Ports" in the list (the engine
 * fills them from the running network sandbox); the ports they would
 * publish are in HostConfig.PortBindings of /containers/ID/json, parsed by
 * pd__docker_parse_inspect.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "docker.h"

static void set_err(char *err, size_t size, const char *msg)
{
	if (err && size)
		snprintf(err, size, "%s", msg);
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A copy of o[key] when it is a string; *ret stays NULL otherwise.
 * Returns PD_ENOMEM or 0. */
static int dup_str(json_t *o, const char *key, char **ret)
{
	const char *v = str_of(o, key);

	if (!v)
		return 0;
	*ret = pd__strdup(v);
	return *ret ? 0 : PD_ENOMEM;
}

/* "Names": ["/web"].  Legacy links add "/other/alias" names; the
 * container's own name is the one with a single slash. */
static int set_name(pd_container *c, json_t *names)
{
	const char *pick = NULL;
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v) {
		const char *n = json_is_string(v) ? json_string_value(v) : NULL;

		if (!n)
			continue;
		if (*n == '/')
			n++;
		if (!pick || (strchr(pick, '/') && !strchr(n, '/')))
			pick = n;
	}
	if (!pick)
		return 0;
	c->name = pd__strdup(pick);
	return c->name ? 0 : PD_ENOMEM;
}

static int set_labels(pd_container *c, json_t *labels)
{
	int r;

	if (!json_is_object(labels))
		return 0;
	r = dup_str(labels, "com.docker.compose.project", &c->project);
	if (r == 0)
		r = dup_str(labels, "com.docker.compose.service", &c->service);
	return r;
}

/* The engine's host address: "" (or none) means every address. */
static bool host_addr(const char *ip, pd_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!ip || !*ip)
		return true;
	return pd_addr_parse(ip, strlen(ip), ret) == 0;
}

static bool port_of(json_t *v, uint16_t *ret)
{
	json_int_t n;

	if (!json_is_integer(v))
		return false;
	n = json_integer_value(v);
	if (n < 1 || n > 65535)
		return false;
	*ret = (uint16_t)n;
	return true;
}

/* One element of "Ports": {"IP", "PrivatePort", "PublicPort", "Type"}. */
static int add_list_port(pd_container *c, json_t *p)
{
	pd_container_port cp;
	const char *type = str_of(p, "Type");

	memset(&cp, 0, sizeof(cp));
	if (!json_is_object(p) || !type ||
	    pd_proto_parse(type, strlen(type), &cp.proto) < 0 ||
	    !port_of(json_object_get(p, "PublicPort"), &cp.host_port) ||
	    !host_addr(str_of(p, "IP"), &cp.host_addr))
		return 0; /* exposed only, sctp, or malformed: nothing on the host */
	if (!port_of(json_object_get(p, "PrivatePort"), &cp.container_port))
		cp.container_port = 0;
	return pd_container_add_port(c, &cp);
}

static int fill_container(pd_container *c, json_t *e, const char *engine)
{
	json_t *ports, *p;
	size_t i;
	int r;

	if ((r = dup_str(e, "Id", &c->id)) < 0 ||
	    (r = set_name(c, json_object_get(e, "Names"))) < 0 ||
	    (r = dup_str(e, "Image", &c->image)) < 0 ||
	    (r = dup_str(e, "State", &c->state)) < 0 ||
	    (r = set_labels(c, json_object_get(e, "Labels"))) < 0)
		return r;
	if (!c->state) {
		/* API < 1.23 has only "Status": "Up 2 hours", "Exited (0) ...". */
		const char *st = str_of(e, "Status"), *state = NULL;

		if (st && strncmp(st, "Up", 2) == 0)
			state = "running";
		else if (st && strncmp(st, "Exited", 6) == 0)
			state = "exited";
		else if (st && strncmp(st, "Created", 7) == 0)
			state = "created";
		if (state && !(c->state = pd__strdup(state)))
			return PD_ENOMEM;
	}
	if (engine && !(c->engine = pd__strdup(engine)))
		return PD_ENOMEM;
	ports = json_object_get(e, "Ports");
	json_array_foreach(ports, i, p)
		if ((r = add_list_port(c, p)) < 0)
			return r;
	return 0;
}

int pd__docker_parse_list(const char *text, size_t len, const char *engine,
                          pd_snapshot *s, char *err, size_t errsize)
{
	json_error_t jerr;
	json_t *root, *e;
	size_t before = s->n_containers, i;
	int r = 0;

	if (len > PD_DOCKER_MAX_RESPONSE) {
		if (err && errsize)
			snprintf(err, errsize, "larger than %u MiB",
			         PD_DOCKER_MAX_RESPONSE >> 20);
		return PD_ETOOBIG;
	}
	root = json_loadb(text, len, 0, &jerr);
	if (!root) {
		if (err && errsize)
			snprintf(err, errsize, "bad JSON at line %d: %s", jerr.line,
			         jerr.text);
		return PD_EPARSE;
	}
	if (!json_is_array(root)) {
		set_err(err, errsize, "the container list is not a JSON array");
		json_decref(root);
		return PD_EPARSE;
	}
	json_array_foreach(root, i, e) {
		pd_container *c;

		/* An element without an id names nothing we could act on. */
		if (!json_is_object(e) || !str_of(e, "Id"))
			continue;
		r = pd_snapshot_add_container(s, &c);
		if (r < 0)
			break;
		memset(c, 0, sizeof(*c));
		r = fill_container(c, e, engine);
		if (r < 0)
			break;
	}
	json_decref(root);
	if (r < 0) {
		for (i = before; i < s->n_containers; i++)
			pd_container_done(&s->containers[i]);
		s->n_containers = before;
		set_err(err, errsize, pd_strerror(r));
	}
	return r;
}

/* "8080" or "8080-8090" (older engines keep ranges unexpanded). */
static bool host_port_range(const char *t, uint16_t *lo, uint16_t *hi)
{
	unsigned long a = 0, b;
	size_t i = 0, digits = 0;

	for (; t[i] >= '0' && t[i] <= '9' && digits < 6; i++, digits++)
		a = a * 10 + (unsigned long)(t[i] - '0');
	if (!digits || a < 1 || a > 65535)
		return false;
	b = a;
	if (t[i] == '-') {
		b = 0;
		digits = 0;
		for (i++; t[i] >= '0' && t[i] <= '9' && digits < 6; i++, digits++)
			b = b * 10 + (unsigned long)(t[i] - '0');
		if (!digits || b < a || b > 65535)
			return false;
	}
	if (t[i])
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

/* "80/tcp" -> 80, tcp */
static bool container_key(const char *k, uint16_t *port, pd_proto *proto)
{
	const char *slash = strchr(k, '/');
	unsigned long v = 0;
	const char *p;

	if (!slash || slash == k || slash - k > 5)
		return false;
	for (p = k; p < slash; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535 || pd_proto_parse(slash + 1, strlen(slash + 1), proto) < 0)
		return false;
	*port = (uint16_t)v;
	return true;
}

static int add_binding(pd_container *c, uint16_t cport, pd_proto proto,
                       json_t *b)
{
	const char *hp = str_of(b, "HostPort");
	pd_container_port cp;
	uint16_t lo, hi;
	unsigned port;
	int r;

	memset(&cp, 0, sizeof(cp));
	if (!json_is_object(b) || !hp || !host_port_range(hp, &lo, &hi) ||
	    !host_addr(str_of(b, "HostIp"), &cp.host_addr))
		return 0; /* "" = the engine picks a port at start: none yet */
	cp.proto = proto;
	cp.container_port = cport;
	for (port = lo; port <= hi; port++) {
		cp.host_port = (uint16_t)port;
		r = pd_container_add_port(c, &cp);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The pod named name holds the container with this id: note it. */
static int set_pod(pd_snapshot *s, size_t first, const char *id,
                   const char *name)
{
	size_t i;

	for (i = first; i < s->n_containers; i++) {
		pd_container *c = &s->containers[i];

		if (!c->id || strcmp(c->id, id) != 0 || c->pod)
			continue;
		if (!(c->pod = pd__strdup(name)))
			return PD_ENOMEM;
	}
	return 0;
}

int pd__docker_parse_pods(const char *text, size_t len, pd_snapshot *s,
                          size_t first)
{
	json_t *root, *pod, *members, *m;
	size_t i, k;
	int r = 0;

	if (len > PD_DOCKER_MAX_RESPONSE)
		return PD_ETOOBIG;
	root = json_loadb(text, len, 0, NULL);
	if (!json_is_array(root)) {
		json_decref(root);
		return PD_EPARSE;
	}
	json_array_foreach(root, i, pod) {
		const char *name = str_of(pod, "Name");

		members = json_object_get(pod, "Containers");
		if (!name || !*name || !json_is_array(members))
			continue;
		json_array_foreach(members, k, m) {
			const char *id = str_of(m, "Id");

			if (id && (r = set_pod(s, first, id, name)) < 0)
				break;
		}
		if (r < 0)
			break;
	}
	json_decref(root);
	return r;
}

int pd__docker_parse_inspect(const char *text, size_t len, pd_container *c)
{
	json_t *root, *hc, *pb, *v, *b;
	const char *key;
	size_t before = c->n_ports, i;
	int r = 0;

	root = json_loadb(text, len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return PD_EPARSE;
	}
	hc = json_object_get(root, "HostConfig");
	pb = json_is_object(hc) ? json_object_get(hc, "PortBindings") : NULL;
	json_object_foreach(pb, key, v) {
		uint16_t cport;
		pd_proto proto;

		if (!container_key(key, &cport, &proto) || !json_is_array(v))
			continue;
		json_array_foreach(v, i, b)
			if ((r = add_binding(c, cport, proto, b)) < 0)
				goto out;
	}
out:
	json_decref(root);
	if (r < 0)
		c->n_ports = before;
	return r;
}

int pd__docker_config_context(const char *text, size_t len, char **ret_name)
{
	json_t *root = json_loadb(text, len, 0, NULL);
	const char *n = json_is_object(root) ? str_of(root, "currentContext") :
	                NULL;
	char *copy;

	if (!root)
		return PD_EPARSE;
	if (!n || !*n) {
		json_decref(root);
		return PD_ENOENT;
	}
	copy = pd__strdup(n);
	json_decref(root);
	if (!copy)
		return PD_ENOMEM;
	*ret_name = copy;
	return 0;
}

int pd__docker_context_meta(const char *text, size_t len, char **ret_name,
                            char **ret_host)
{
	json_t *root = json_loadb(text, len, 0, NULL), *ep;
	const char *name, *host;
	char *n, *h;

	if (!root)
		return PD_EPARSE;
	name = json_is_object(root) ? str_of(root, "Name") : NULL;
	ep = json_is_object(root) ? json_object_get(root, "Endpoints") : NULL;
	ep = json_is_object(ep) ? json_object_get(ep, "docker") : NULL;
	host = json_is_object(ep) ? str_of(ep, "Host") : NULL;
	if (!name || !host || !*host) {
		json_decref(root);
		return PD_ENOENT;
	}
	n = pd__strdup(name);
	h = pd__strdup(host);
	json_decref(root);
	if (!n || !h) {
		free(n);
		free(h);
		return PD_ENOMEM;
	}
	*ret_name = n;
	*ret_host = h;
	return 0;
}

const char *pd__docker_engine_from_server(const char *server)
{
	if (!server)
		return NULL;
	if (strncmp(server, "Docker/", 7) == 0)
		return "docker";
	if (strncmp(server, "Libpod/", 7) == 0)
		return "podman";
	return NULL;
}
