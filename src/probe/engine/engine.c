/*
 * The container engine client: which containers exist, and which ports
 * they publish.
 *
 * Which engine: $DOCKER_HOST when set (unix://, tcp:// without TLS,
 * npipe://), else $CONTAINER_HOST (Podman's remote client's variable);
 * else the docker CLI's current context ($DOCKER_CONTEXT, or
 * "currentContext" in ~/.docker/config.json, resolved through
 * ~/.docker/contexts/meta/HASH/meta.json); else every usual socket that
 * exists (rootful and rootless Docker, rootful and rootless Podman, or
 * Docker Desktop's pipe), since a machine can run both Docker and Podman.
 *
 * What we ask: GET /containers/json?all=1, then /containers/ID/json for
 * each created or stopped container, whose list entry has no ports, and
 * from Podman its pods (/v4.0.0/libpod/pods/json).  The
 * paths carry no API version: an unversioned request is served at the
 * engine's own version, and Docker 29 refuses versions below 1.44 while
 * older engines do not know 1.44.
 *
 * Never a hang: every request of a collection shares one deadline
 * (PD_ENGINE_DEADLINE_MS), each wait is bounded by it, and a response is
 * at most PD_DOCKER_MAX_RESPONSE bytes.  An engine that is absent, refuses,
 * stalls or answers nonsense leaves an "engine_unavailable" note; it never
 * fails the probe.  The bytes go to the pure parsers in src/core
 * (docker/http.c, docker/api.c).
 */
#include "core/i18n.h"
#include "engine.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "docker/docker.h"

#define MAX_ENDPOINTS 6
#define MAX_INSPECT 64
#define CONFIG_MAX (1024u * 1024u)

typedef struct endpoint {
	pd_engine_kind kind;
	char where[512];
	char port[8];
	char url[512];    /* as configured, for messages */
	const char *from; /* "DOCKER_HOST", "context NAME", ... */
	char from_buf[160];
} endpoint;

static void note(pd_snapshot *s, int *rc, const char *fmt, ...) PD_PRINTF(3, 4);

static void note(pd_snapshot *s, int *rc, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pd_snapshot_add_note(s, "engine_unavailable", msg) < 0)
		*rc = PD_ENOMEM;
}

/* "unix:///run/docker.sock", "tcp://127.0.0.1:2375", "tcp://[::1]:2375",
 * "npipe:////./pipe/docker_engine".  why gets the reason of a failure. */
static int parse_url(const char *url, endpoint *ep, char *why, size_t n)
{
	const char *rest;
	size_t len;

	memset(ep->where, 0, sizeof(ep->where));
	snprintf(ep->url, sizeof(ep->url), "%s", url);
	if (strncmp(url, "unix://", 7) == 0) {
		ep->kind = PD_ENGINE_UNIX;
		rest = url + 7;
		if (!*rest || strlen(rest) >= sizeof(ep->where)) {
			snprintf(why, n, "bad socket path");
			return PD_EINVAL;
		}
		snprintf(ep->where, sizeof(ep->where), "%s", rest);
		return 0;
	}
	if (strncmp(url, "npipe://", 8) == 0) {
		size_t i;

		ep->kind = PD_ENGINE_NPIPE;
		rest = url + 8;
		if (!*rest || strlen(rest) >= sizeof(ep->where)) {
			snprintf(why, n, "bad pipe name");
			return PD_EINVAL;
		}
		/* npipe:////./pipe/x is \\.\pipe\x. */
		for (i = 0; rest[i]; i++)
			ep->where[i] = rest[i] == '/' ? '\\' : rest[i];
		return 0;
	}
	if (strncmp(url, "tcp://", 6) == 0 || strncmp(url, "http://", 7) == 0) {
		const char *host = strstr(url, "://") + 3, *end, *colon;

		ep->kind = PD_ENGINE_TCP;
		if (getenv("DOCKER_TLS_VERIFY") && *getenv("DOCKER_TLS_VERIFY")) {
			snprintf(why, n, "DOCKER_TLS_VERIFY is set, and portdoctor does "
			                 "not speak TLS");
			return PD_EUNSUPPORTED;
		}
		end = host + strcspn(host, "/?");
		if (*host == '[') {
			const char *rb = memchr(host, ']', (size_t)(end - host));

			if (!rb) {
				snprintf(why, n, "bad address");
				return PD_EINVAL;
			}
			len = (size_t)(rb - host - 1);
			colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
			host++;
		} else {
			colon = memchr(host, ':', (size_t)(end - host));
			len = (size_t)((colon ? colon : end) - host);
		}
		if (!len || len >= sizeof(ep->where)) {
			snprintf(why, n, "bad address");
			return PD_EINVAL;
		}
		memcpy(ep->where, host, len);
		ep->where[len] = '\0';
		len = colon ? (size_t)(end - colon - 1) : 0;
		if (len >= sizeof(ep->port) || (colon && !len)) {
			snprintf(why, n, "bad port");
			return PD_EINVAL;
		}
		if (colon)
			memcpy(ep->port, colon + 1, len);
		ep->port[colon ? len : 0] = '\0';
		if (!colon)
			snprintf(ep->port, sizeof(ep->port), "2375");
		return 0;
	}
	snprintf(why, n, "only unix://, tcp:// and npipe:// engines are "
	                 "supported");
	return PD_EUNSUPPORTED;
}

/* Reads a small file whole; NULL when it is missing, unreadable or too
 * big. */
static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = malloc(CONFIG_MAX + 1);
	if (buf) {
		n = fread(buf, 1, CONFIG_MAX + 1, f);
		if (ferror(f) || n > CONFIG_MAX) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	*ret_len = n;
	return buf;
}

/* The endpoint of context name: the meta.json whose "Name" is name (the
 * CLI names the folders by the name's SHA-256; comparing names needs no
 * hash). */
static int context_host(const char *dir, const char *name, char **ret_host)
{
	char path[1024];
	DIR *d;
	struct dirent *e;
	int r = PD_ENOENT, k;

	snprintf(path, sizeof(path), "%s/contexts/meta", dir);
	d = opendir(path);
	if (!d)
		return PD_ENOENT;
	while (r == PD_ENOENT && (e = readdir(d))) {
		char *text, *n = NULL, *h = NULL;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		k = snprintf(path, sizeof(path), "%s/contexts/meta/%s/meta.json",
		             dir, e->d_name);
		if (k < 0 || (size_t)k >= sizeof(path))
			continue;
		text = slurp(path, &len);
		if (!text)
			continue;
		r = pd__docker_context_meta(text, len, &n, &h);
		free(text);
		if (r == 0 && strcmp(n, name) != 0) {
			free(h);
			r = PD_ENOENT;
		} else if (r == 0) {
			*ret_host = h;
		} else if (r != PD_ENOMEM) {
			r = PD_ENOENT;
		}
		free(n);
	}
	closedir(d);
	return r;
}

/* The current context's endpoint: 0 with *ret_host, PD_ENOENT when the
 * default context is in use (or no config), PD_EINVAL when the named
 * context does not exist (*ret_name says which). */
static int current_context(char **ret_name, char **ret_host)
{
	char dir[768], path[1024];
	const char *env = getenv("DOCKER_CONTEXT");
	char *name = NULL, *text;
	size_t len;
	int r;

	if (!pd__engine_config_dir(dir, sizeof(dir)))
		return PD_ENOENT;
	if (env && *env) {
		name = pd__strdup(env);
		if (!name)
			return PD_ENOMEM;
	} else {
		snprintf(path, sizeof(path), "%s/config.json", dir);
		text = slurp(path, &len);
		if (!text)
			return PD_ENOENT;
		r = pd__docker_config_context(text, len, &name);
		free(text);
		if (r < 0)
			return r == PD_ENOMEM ? r : PD_ENOENT;
	}
	if (strcmp(name, "default") == 0) {
		free(name);
		return PD_ENOENT;
	}
	r = context_host(dir, name, ret_host);
	if (r == PD_ENOENT)
		r = PD_EINVAL;
	if (r == 0 || r == PD_EINVAL)
		*ret_name = name;
	else
		free(name);
	return r;
}

int pd__engine_context(char **ret_name, char **ret_host)
{
	char *name = NULL, *host = NULL;
	int r = current_context(&name, &host);

	if (r < 0) {
		free(name);
		return r;
	}
	*ret_name = name;
	*ret_host = host;
	return 0;
}

/* One request: the whole response in *resp, or a reason in why. */
static int fetch(const endpoint *ep, const char *path, uint64_t deadline,
                 pd_http_response *resp, char *why, size_t whysize)
{
	pd_engine_conn *c = NULL;
	char req[512];
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	const size_t max = PD_DOCKER_MAX_RESPONSE + 64 * 1024;
	bool done = false;
	int r, n;

	n = snprintf(req, sizeof(req),
	             "GET %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: portdoctor/"
	             PD_VERSION "\r\nAccept: application/json\r\n"
	             "Connection: close\r\n\r\n", path);
	if (n < 0 || (size_t)n >= sizeof(req))
		return PD_EINVAL;
	r = pd__engine_connect(ep->kind, ep->where, ep->port, deadline, &c, why,
	                       whysize);
	if (r < 0)
		return r;
	r = pd__engine_send(c, req, (size_t)n, deadline);
	while (r == 0 && !done) {
		if (cap - len < 16384) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= len) {
				r = PD_ETOOBIG;
				break;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				r = PD_ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		r = pd__engine_recv(c, buf + len, cap - len, deadline, &got);
		if (r < 0)
			break;
		len += got;
		r = pd__http_parse(buf, len, got == 0, PD_DOCKER_MAX_RESPONSE, &done,
		                   resp);
	}
	pd__engine_close(c);
	free(buf);
	if (r < 0 && !*why)
		snprintf(why, whysize, "%s",
		         r == PD_ETIMEDOUT ? "no answer in time" :
		         r == PD_EPARSE ? "not an HTTP response, or cut short" :
		         r == PD_ETOOBIG ? "the answer is too big" :
		         pd_strerror(r));
	return r;
}

static bool hex_id(const char *id)
{
	size_t i;

	for (i = 0; id && id[i]; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return id && i > 0 && i <= 64;
}

/* Ports of created and stopped containers from their configuration. */
static int inspect_idle(pd_snapshot *s, const endpoint *ep, size_t first,
                        uint64_t deadline)
{
	size_t i, asked = 0;
	int r;

	for (i = first; i < s->n_containers && asked < MAX_INSPECT; i++) {
		pd_container *c = &s->containers[i];
		pd_http_response resp;
		char path[128], why[128] = "";

		if (pd_container_is_active(c) || c->n_ports || !hex_id(c->id))
			continue;
		if (pd__engine_now_ms() >= deadline)
			break;
		asked++;
		snprintf(path, sizeof(path), "/containers/%s/json", c->id);
		r = fetch(ep, path, deadline, &resp, why, sizeof(why));
		if (r == PD_ENOMEM)
			return r;
		if (r < 0)
			break; /* the list stands; the engine stopped answering */
		if (resp.status == 200)
			r = pd__docker_parse_inspect(resp.body, resp.body_len, c);
		pd__http_response_done(&resp);
		if (r == PD_ENOMEM)
			return r;
	}
	return 0;
}

/* Podman: which pod each container belongs to.  The pod list is Libpod's
 * own API, which Podman serves only under a version prefix; 4.0.0 is the
 * oldest that Podman 4 and 5 accept.  A failure here costs the pod names
 * only, never the containers. */
static int pods(pd_snapshot *s, const endpoint *ep, size_t first,
                uint64_t deadline)
{
	pd_http_response resp;
	char why[160];
	int r;

	if (fetch(ep, "/v4.0.0/libpod/pods/json", deadline, &resp, why,
	          sizeof(why)) < 0)
		return 0;
	r = resp.status == 200 ?
	    pd__docker_parse_pods(resp.body, resp.body_len, s, first) : 0;
	pd__http_response_done(&resp);
	return r == PD_ENOMEM ? r : 0;
}

/* Lists one engine's containers into s.  0 when it answered; otherwise a
 * reason in why. */
/*
 * Would the engine's own CLI, run by this user as it is, reach another
 * engine than this endpoint?  podman reads neither DOCKER_HOST nor docker
 * contexts (without --url it works on this user's own storage: root's
 * Podman for root), so a Podman found through them is named unless it is
 * that one; the
 * docker CLI follows DOCKER_HOST and its context, and by default reaches
 * the rootful socket, so rootless Docker's socket must be named.
 */
static bool cli_needs_url(const endpoint *ep, const char *engine)
{
	bool dflt = strcmp(ep->from, "default") == 0;

	if (strcmp(engine, "podman") == 0)
		return !dflt && !pd__engine_own_podman(ep->url);
	return dflt && strcmp(ep->url, "unix:///var/run/docker.sock") != 0 &&
	       strcmp(ep->url, "unix:///run/docker.sock") != 0;
}

static int name_endpoint(pd_snapshot *s, const endpoint *ep, size_t first)
{
	size_t i;

	for (i = first; i < s->n_containers; i++) {
		free(s->containers[i].endpoint);
		s->containers[i].endpoint = pd__strdup(ep->url);
		if (!s->containers[i].endpoint)
			return PD_ENOMEM;
	}
	return 0;
}

static int query(pd_snapshot *s, const endpoint *ep, uint64_t deadline,
                 char *why, size_t whysize)
{
	pd_http_response resp;
	const char *engine;
	char err[160] = "";
	size_t first = s->n_containers;
	int r;

	r = fetch(ep, "/containers/json?all=1", deadline, &resp, why, whysize);
	if (r < 0)
		return r;
	if (resp.status != 200) {
		snprintf(why, whysize, "it answered HTTP %d", resp.status);
		pd__http_response_done(&resp);
		return PD_EIO;
	}
	engine = pd__docker_engine_from_server(resp.server);
	if (!engine)
		engine = strstr(ep->where, "podman") ? "podman" : "docker";
	r = pd__docker_parse_list(resp.body, resp.body_len, engine, s, err,
	                          sizeof(err));
	pd__http_response_done(&resp);
	if (r < 0) {
		snprintf(why, whysize, "its container list is malformed: %s", err);
		return r;
	}
	r = inspect_idle(s, ep, first, deadline);
	if (r == 0 && strcmp(engine, "podman") == 0)
		r = pods(s, ep, first, deadline);
	if (r == 0 && cli_needs_url(ep, engine))
		r = name_endpoint(s, ep, first);
	return r;
}

/* The endpoints to ask, by the precedence in the design note.  Failures
 * to resolve one are noted. */
static size_t pick_endpoints(pd_snapshot *s, endpoint *eps, int *rc)
{
	const char *dh = getenv("DOCKER_HOST"), *var = "DOCKER_HOST";
	char why[160] = "", *name = NULL, *host = NULL;
	char urls[MAX_ENDPOINTS][512];
	size_t n = 0, i, k;
	int r;

	/* CONTAINER_HOST is what Podman's own remote client reads
	 * (podman-remote(1)); its unix:// form is the same URL. */
	if (!dh || !*dh) {
		dh = getenv("CONTAINER_HOST");
		var = "CONTAINER_HOST";
	}
	if (dh && *dh) {
		r = parse_url(dh, &eps[0], why, sizeof(why));
		if (r < 0) {
			note(s, rc, _("%s=%s cannot be used: %s; containers are "
			     "not named"), var, dh, why);
			return 0;
		}
		eps[0].from = var;
		return 1;
	}
	r = current_context(&name, &host);
	if (r == PD_ENOMEM) {
		*rc = r;
		return 0;
	}
	if (r == 0) {
		r = parse_url(host, &eps[0], why, sizeof(why));
		if (r < 0)
			note(s, rc, _("docker context %s (%s) cannot be used: %s"), name,
			     host, why);
		snprintf(eps[0].from_buf, sizeof(eps[0].from_buf), "docker context %s",
		         name);
		eps[0].from = eps[0].from_buf;
		free(name);
		free(host);
		return r < 0 ? 0 : 1;
	}
	if (r == PD_EINVAL) {
		note(s, rc, _("the current docker context %s does not exist; trying "
		     "the usual engine sockets"), name);
		free(name);
	}
	k = pd__engine_defaults(urls, MAX_ENDPOINTS);
	for (i = 0; i < k && n < MAX_ENDPOINTS; i++) {
		if (parse_url(urls[i], &eps[n], why, sizeof(why)) < 0)
			continue;
		eps[n].from = "default";
		n++;
	}
	return n;
}

int pd__engine_collect(pd_snapshot *s)
{
	endpoint eps[MAX_ENDPOINTS];
	uint64_t deadline = pd__engine_now_ms() + PD_ENGINE_DEADLINE_MS;
	size_t n, i, answered = 0, notes = s->n_notes;
	int rc = 0, r;

	memset(eps, 0, sizeof(eps));
	n = pick_endpoints(s, eps, &rc);
	for (i = 0; rc == 0 && i < n; i++) {
		char why[256] = "";

		r = query(s, &eps[i], deadline, why, sizeof(why));
		if (r == PD_ENOMEM)
			rc = r;
		else if (r == 0)
			answered++;
		else if (!(r == PD_ENOENT && strcmp(eps[i].from, "default") == 0))
			note(s, &rc, _("the container engine at %s (%s) did not answer: "
			     "%s; containers are not named"), eps[i].url, eps[i].from,
			     why);
	}
	/* Usual sockets that refuse (left behind by a stopped engine) count
	 * as absent. */
	if (rc == 0 && !answered && s->n_notes == notes)
		note(s, &rc, _("no Docker or Podman engine found (DOCKER_HOST unset, "
		     "no engine socket answers); containers are not named"));
	s->engine_status = answered ? 1 : 0;
	return rc;
}
