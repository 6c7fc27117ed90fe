/*
 * What a Compose project adds to a check: the project's own running
 * containers are no conflict (named by the engine's port list, or for
 * network_mode: host by the holder's cgroup), two services of the project
 * that want the same host port are, and a "8000-8010:80" range needs one
 * free port only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "compose.h"
#include "core/i18n.h"

int pd_compose_result_map(const pd_compose_project *p, const pd_report *r,
                          size_t **ret)
{
	size_t *map, i, k = 0;
	unsigned port;

	map = pd__reallocarray(NULL, r->n_results ? r->n_results : 1,
	                       sizeof(*map));
	if (!map)
		return PD_ENOMEM;
	for (i = 0; i < p->n_ports; i++) {
		const pd_target *t = &p->ports[i].target;

		for (port = t->port_lo; port <= t->port_hi; port++) {
			if (k >= r->n_results || r->results[k].port != port) {
				free(map);
				return PD_EINVAL;
			}
			map[k++] = i;
		}
	}
	if (k != r->n_results) {
		free(map);
		return PD_EINVAL;
	}
	*ret = map;
	return 0;
}

static bool addr_covers(const pd_addr *published, const pd_target *t)
{
	/* family 0: the engine publishes on every address. */
	if (published->family == PD_FAMILY_ANY || t->host != PD_HOST_ADDR)
		return true;
	if (pd_addr_is_any(published) || pd_addr_is_any(&t->addr))
		return true;
	return pd_addr_equal(published, &t->addr);
}

static bool own(const pd_compose_project *p, const pd_compose_port *e,
                const pd_container *c)
{
	return c && c->project && c->service &&
	       strcmp(c->project, p->name) == 0 &&
	       strcmp(c->service, e->service) == 0;
}

/* A container of this project and service that publishes port. */
static const pd_container *own_container(const pd_snapshot *s,
                                         const pd_compose_project *p,
                                         const pd_compose_port *e,
                                         uint16_t port)
{
	size_t i, k;

	for (i = 0; i < s->n_containers; i++) {
		const pd_container *c = &s->containers[i];

		if (!own(p, e, c))
			continue;
		for (k = 0; k < c->n_ports; k++) {
			const pd_container_port *cp = &c->ports[k];

			if (cp->host_port == port && (cp->proto == e->target.proto ||
			                              cp->proto == PD_PROTO_NONE) &&
			    addr_covers(&cp->host_addr, &e->target))
				return c;
		}
	}
	return NULL;
}

/* network_mode: host: the port is held by the program itself, not by a
 * proxy, so the engine's port list cannot name the container.  Its
 * cgroup can: Docker's and Podman's cgroup paths carry the container's
 * full id ("docker-ID.scope", "/docker/ID", "libpod-ID.scope"). */
static const pd_container *own_by_cgroup(const pd_snapshot *s,
                                         const pd_compose_project *p,
                                         const pd_compose_port *e,
                                         const pd_finding *f)
{
	size_t i, k, j;

	for (i = 0; i < f->n_sockets; i++) {
		const pd_socket *sk = &s->sockets[f->sockets[i]];

		for (k = 0; k < sk->n_pids; k++) {
			const pd_process *pr = pd_snapshot_find_process(s, sk->pids[k]);

			for (j = 0; pr && pr->cgroup && j < s->n_containers; j++) {
				const pd_container *c = &s->containers[j];

				if (own(p, e, c) && c->id && strlen(c->id) >= 32 &&
				    strstr(pr->cgroup, c->id))
					return c;
			}
		}
	}
	return NULL;
}

static int already_running(const pd_compose_project *p, const pd_snapshot *s,
                           const pd_compose_port *e, pd_result *res)
{
	size_t k;
	bool changed = false, error_left = false;

	for (k = 0; k < res->n_findings; k++) {
		pd_finding *f = &res->findings[k];
		const pd_container *c = f->container;
		pd_buf b;
		char *msg;

		if (f->code != PD_F_IN_USE)
			continue;
		if (!c)
			c = e->host_network ? own_by_cgroup(s, p, e, f) :
			    own_container(s, p, e, res->port);
		if (!own(p, e, c))
			continue;
		pd_buf_init(&b, 4096);
		if (e->host_network)
			pd_buf_printf(&b, _("already running: this project's own "
			                    "container %s (service %s, network_mode: "
			                    "host) holds it, which is no conflict"),
			              c->name ? c->name : c->id ? c->id : "?", e->service);
		else
			pd_buf_printf(&b, _("already running: this project's own "
			                    "container %s (service %s) publishes it, which "
			                    "is no conflict"), c->name ? c->name : c->id ?
			              c->id : "?", e->service);
		msg = pd_buf_steal(&b);
		pd_buf_done(&b);
		if (!msg)
			return PD_ENOMEM;
		free(f->message);
		f->message = msg;
		f->severity = PD_SEV_INFO;
		f->container = c;
		changed = true;
	}
	for (k = 0; k < res->n_findings; k++)
		if (res->findings[k].severity == PD_SEV_ERROR)
			error_left = true;
	if (changed && !error_left)
		res->available = true;
	return 0;
}

static int add_clash(pd_result *res, const pd_compose_port *self,
                     const pd_compose_port *other)
{
	pd_finding *arr, *f;
	pd_endpoint eps[2];
	pd_buf b;
	char what[160];

	arr = pd__reallocarray(res->findings, res->n_findings + 1, sizeof(*arr));
	if (!arr)
		return PD_ENOMEM;
	res->findings = arr;
	f = &arr[res->n_findings];
	memset(f, 0, sizeof(*f));
	pd_target_format(&self->target, res->port, what, sizeof(what));
	pd_buf_init(&b, 4096);
	if (strcmp(self->service, other->service) == 0)
		pd_buf_printf(&b, _("%s is published twice by service %s (\"%s\" at "
		                    "%s:%d:%d too): the second publication fails with "
		                    "\"port is already allocated\"; remove one"),
		              what, self->service, other->spec, other->file,
		              other->line, other->column);
	else
		pd_buf_printf(&b, _("%s is also published by service %s (\"%s\" at "
		                    "%s:%d:%d): whichever starts second fails with "
		                    "\"port is already allocated\"; give one of them "
		                    "another host port"), what, other->service,
		              other->spec, other->file, other->line, other->column);
	f->message = pd_buf_steal(&b);
	pd_buf_done(&b);
	if (!f->message)
		return PD_ENOMEM;
	f->code = PD_F_COMPOSE_CLASH;
	f->severity = pd_finding_default_severity(PD_F_COMPOSE_CLASH);
	if (pd_target_endpoints(&self->target, res->port, eps))
		f->endpoint = eps[0];
	res->n_findings++;
	res->available = false;
	return 0;
}

static int clashes(const pd_compose_project *p, pd_report *r,
                   const size_t *first)
{
	size_t i, j;
	unsigned port, lo, hi;
	int rc;

	for (i = 0; i < p->n_ports; i++) {
		const pd_compose_port *a = &p->ports[i];

		for (j = i + 1; j < p->n_ports; j++) {
			const pd_compose_port *b = &p->ports[j];

			lo = a->target.port_lo > b->target.port_lo ? a->target.port_lo :
			     b->target.port_lo;
			hi = a->target.port_hi < b->target.port_hi ? a->target.port_hi :
			     b->target.port_hi;
			for (port = lo; port <= hi; port++) {
				if (!pd_compose_ports_clash(a, b, (uint16_t)port))
					continue;
				rc = add_clash(&r->results[first[i] + port -
				                           a->target.port_lo], a, b);
				if (!rc)
					rc = add_clash(&r->results[first[j] + port -
					                           b->target.port_lo], b, a);
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}

int pd_compose_annotate(const pd_compose_project *p, pd_report *r)
{
	size_t *map = NULL, *first = NULL, k;
	int rc;

	rc = pd_compose_result_map(p, r, &map);
	if (rc < 0)
		return rc;
	first = pd__reallocarray(NULL, p->n_ports ? p->n_ports : 1,
	                         sizeof(*first));
	if (!first) {
		free(map);
		return PD_ENOMEM;
	}
	for (k = r->n_results; k > 0; k--)
		first[map[k - 1]] = k - 1;
	for (k = 0; k < r->n_results && !rc; k++)
		rc = already_running(p, r->snap, &p->ports[map[k]], &r->results[k]);
	if (!rc)
		rc = clashes(p, r, first);
	free(first);
	free(map);
	return rc;
}

/* An sctp bind test that found a real obstacle (not "no SCTP here"). */
bool pd_compose_sctp_failed(const pd_bind_result *b)
{
	return b->err && b->err != PD_EUNSUPPORTED;
}

size_t pd_compose_failures(const pd_compose_project *p, const pd_report *r)
{
	size_t *map = NULL, k, n = 0, i;

	for (k = 0; k < p->n_sctp_binds; k++)
		n += pd_compose_sctp_failed(&p->sctp_binds[k]);

	if (pd_compose_result_map(p, r, &map) < 0) {
		for (k = 0; k < r->n_results; k++)
			n += !r->results[k].available;
		return n;
	}
	for (k = 0; k < r->n_results; k = i) {
		const pd_compose_port *e = &p->ports[map[k]];
		bool any_ok = false;
		size_t bad = 0;

		for (i = k; i < r->n_results && map[i] == map[k]; i++) {
			any_ok |= r->results[i].available;
			bad += !r->results[i].available;
		}
		n += e->pick_one ? !any_ok : bad;
	}
	free(map);
	return n;
}
