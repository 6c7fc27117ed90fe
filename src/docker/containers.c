/*
 * Which container publishes a port.  Pure lookups on snapshot->containers,
 * filled by the engine client (src/probe/engine/engine.c) or read back from a
 * snapshot.
 *
 * A published port is held on the host by a helper process, not by the
 * container: docker-proxy (one per address family and protocol), dockerd
 * itself when the userland proxy is off, conmon for rootful Podman,
 * rootlessport for rootless Docker and Podman, and on Windows Docker
 * Desktop's com.docker.backend, vpnkit or WSL's wslrelay.  The socket list
 * names the helper; the engine's list names the container.  The two are
 * joined on protocol, host address and host port.
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "docker.h"
#include "core/json_util.h"
#include "portdoctor/portdoctor.h"

bool pd__is_container_proxy(const char *name)
{
	static const char *const proxies[] = {
		"docker-proxy", "dockerd", "conmon", "rootlessport",
		"com.docker.backend", "vpnkit", "wslrelay",
	};
	size_t n, i;

	if (!name)
		return false;
	n = strlen(name);
	if (n > 4 && pd__ascii_ieq(name + n - 4, 4, ".exe"))
		n -= 4;
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		if (pd__ascii_ieq(name, n, proxies[i]))
			return true;
	return false;
}

bool pd_container_is_active(const pd_container *c)
{
	/* A paused or restarting container keeps its ports. */
	return c && c->state && (strcmp(c->state, "running") == 0 ||
	                         strcmp(c->state, "paused") == 0 ||
	                         strcmp(c->state, "restarting") == 0);
}

/* How well a published host address meets address a: 3 the same address,
 * 2 one side is a wildcard of the same family (or "every address"), 1
 * both are wildcards of different families (a dual-stack "::" bind meets
 * 0.0.0.0), 0 not at all. */
static int addr_score(const pd_addr *pub, const pd_addr *a)
{
	pd_addr x = *pub, y;

	if (!a || (a->family != PD_FAMILY_V4 && a->family != PD_FAMILY_V6) ||
	    (x.family != PD_FAMILY_V4 && x.family != PD_FAMILY_V6))
		return 2;
	y = *a;
	if (x.family == PD_FAMILY_V6)
		pd_addr_unmap_v4(pub, &x);
	if (y.family == PD_FAMILY_V6)
		pd_addr_unmap_v4(a, &y);
	if (x.family == y.family) {
		if (pd_addr_equal(&x, &y))
			return 3;
		return pd_addr_is_any(&x) || pd_addr_is_any(&y) ? 2 : 0;
	}
	return pd_addr_is_any(&x) && pd_addr_is_any(&y) ? 1 : 0;
}

static int container_score(const pd_container *c, pd_proto p,
                           const pd_addr *a, uint16_t port)
{
	size_t i;
	int best = 0, sc;

	for (i = 0; i < c->n_ports; i++) {
		const pd_container_port *cp = &c->ports[i];

		if (cp->host_port != port ||
		    (p != PD_PROTO_NONE && cp->proto != p))
			continue;
		sc = addr_score(&cp->host_addr, a);
		if (sc > best)
			best = sc;
	}
	return best;
}

const pd_container *pd_container_publishing(const pd_snapshot *s, pd_proto p,
                                            const pd_addr *a, uint16_t port,
                                            bool running_only)
{
	const pd_container *best = NULL;
	int best_score = 0;
	size_t i;

	if (!s || !port)
		return NULL;
	for (i = 0; i < s->n_containers; i++) {
		const pd_container *c = &s->containers[i];
		bool active = pd_container_is_active(c);
		int sc;

		if (running_only && !active)
			continue;
		/* An active container wins a tie: it holds the port now. */
		sc = container_score(c, p, a, port) * 2 + (active ? 1 : 0);
		if (sc > 1 && sc > best_score) {
			best = c;
			best_score = sc;
		}
	}
	return best;
}

/* Rootful Podman's conmon names its container: "conmon ... -c ID ...".
 * That settles a pod, whose infra container and members all list the
 * pod's ports. */
static const pd_container *conmon_container(const pd_snapshot *s,
                                            const pd_process *p)
{
	const char *c = p->cmdline, *id;
	size_t i, n;

	if (!c || strcmp(p->name, "conmon") != 0 ||
	    !(id = strstr(c, " -c ")))
		return NULL;
	id += 4;
	for (n = 0; id[n] && id[n] != ' '; n++)
		;
	for (i = 0; n && i < s->n_containers; i++)
		if (s->containers[i].id && strlen(s->containers[i].id) == n &&
		    strncmp(s->containers[i].id, id, n) == 0)
			return &s->containers[i];
	return NULL;
}

const pd_container *pd__socket_container(const pd_snapshot *s,
                                         const pd_socket *sk)
{
	const pd_container *c;
	size_t i;

	for (i = 0; i < sk->n_pids; i++) {
		const pd_process *p = pd_snapshot_find_process(s, sk->pids[i]);

		if (!p || !pd__is_container_proxy(p->name))
			continue;
		if ((c = conmon_container(s, p)))
			return c;
		return pd_container_publishing(s, sk->proto, &sk->local,
		                               sk->local_port, true);
	}
	return NULL;
}

const pd_container *pd__holder_container(const pd_snapshot *s,
                                         const pd_endpoint *ep,
                                         const size_t *idx, size_t n)
{
	const pd_container *c;
	size_t i;

	for (i = 0; i < n; i++)
		if ((c = pd__socket_container(s, &s->sockets[idx[i]])))
			return c;
	for (i = 0; i < n; i++)
		if (s->sockets[idx[i]].n_pids)
			return NULL; /* a process we can name holds it */
	/* No owner could be seen (not root), or no socket at all (the kernel
	 * holds the port, e.g. dockerd's iptables rules with the proxy off):
	 * a running container that publishes that very address is the best
	 * explanation. */
	if (!n)
		return pd_container_publishing(s, ep->proto, &ep->addr, ep->port,
		                               true);
	for (i = 0; i < n; i++) {
		const pd_socket *sk = &s->sockets[idx[i]];

		if ((c = pd_container_publishing(s, sk->proto, &sk->local,
		                                  sk->local_port, true)))
			return c;
	}
	return NULL;
}

size_t pd__containers_conflicting(const pd_snapshot *s,
                                  const pd_endpoint *eps, size_t n_eps,
                                  const pd_container **out, size_t max)
{
	size_t n = 0, i, k;

	for (i = 0; i < s->n_containers && n < max; i++) {
		const pd_container *c = &s->containers[i];

		if (pd_container_is_active(c))
			continue;
		for (k = 0; k < n_eps; k++)
			if (container_score(c, eps[k].proto, &eps[k].addr,
			                    eps[k].port) > 0)
				break;
		if (k < n_eps)
			out[n++] = c;
	}
	return n;
}

/* Appends s to buf (size bytes, NUL-terminated, truncating); *len counts
 * what the whole text needs. */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s), room;

	if (*len + 1 < size) {
		room = size - *len - 1;
		if (n < room)
			room = n;
		memcpy(buf + *len, s, room);
		buf[*len + room] = '\0';
	}
	*len += n;
}

/* Appends s single-quoted for a POSIX shell, unless it is made of
 * characters no shell treats specially.  Engine-made names always are; a
 * snapshot from elsewhere may hold anything. */
static void put_word(char *buf, size_t size, size_t *len, const char *s)
{
	const char *p;
	bool plain = *s != '\0' && *s != '-';

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.-:/@+=,", *p)))
			plain = false;
	if (plain) {
		put(buf, size, len, s);
		return;
	}
	put(buf, size, len, "'");
	for (p = s; *p; p++) {
		char one[2] = {*p, '\0'};

		put(buf, size, len, *p == '\'' ? "'\\''" : one);
	}
	put(buf, size, len, "'");
}

int pd_container_command(const pd_container *c, const char *verb, char *buf,
                         size_t size)
{
	size_t len = 0;
	char shortid[13];
	const char *who;
	bool rm;

	if (!c || !verb || !buf || !size ||
	    (strcmp(verb, "stop") != 0 && strcmp(verb, "rm") != 0))
		return PD_EINVAL;
	rm = strcmp(verb, "rm") == 0;
	buf[0] = '\0';
	put(buf, size, &len, c->engine && strcmp(c->engine, "podman") == 0 ?
	    "podman" : "docker");
	if (c->endpoint && *c->endpoint) {
		put(buf, size, &len, c->engine && strcmp(c->engine, "podman") == 0 ?
		    " --url " : " -H ");
		put_word(buf, size, &len, c->endpoint);
	}
	if (c->pod && *c->pod && c->engine && strcmp(c->engine, "podman") == 0) {
		/* The pod's ports are its infra container's, shared by all. */
		put(buf, size, &len, rm ? " pod rm -f " : " pod stop ");
		put_word(buf, size, &len, c->pod);
	} else if (c->project && c->service && *c->project && *c->service) {
		put(buf, size, &len, " compose -p ");
		put_word(buf, size, &len, c->project);
		put(buf, size, &len, rm ? " rm -f " : " stop ");
		put_word(buf, size, &len, c->service);
	} else {
		who = c->name;
		if (!who || !*who) {
			if (!c->id || !*c->id)
				return PD_EINVAL;
			snprintf(shortid, sizeof(shortid), "%s", c->id);
			who = shortid;
		}
		put(buf, size, &len, rm ? " rm " : " stop ");
		put_word(buf, size, &len, who);
	}
	return len < size ? 0 : PD_ERANGE;
}

/* The "container" of a finding or a listed socket (docs/json.md). */
json_t *pd__container_brief_json(const pd_container *c, int *err)
{
	json_t *o = json_object();

	if (!o) {
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
	if (c->pod) /* Podman only: other output stays as it was */
		pd__jset(o, "pod", pd__jstr(c->pod), err);
	if (c->endpoint) /* only where the CLI needs it named */
		pd__jset(o, "endpoint", pd__jstr(c->endpoint), err);
	return o;
}
