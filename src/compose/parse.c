/*
 * Compose files to a project: the enabled services and their host ports.
 *
 * pd_compose_parse() loads each file (yaml.c: libyaml, visit
 * ceiling, merge keys, interpolation) with its includes and extends
 * followed (include.c), merges its services over the files before it
 * (services.c), then names the project (-p, else the last top-level
 * "name", else the directory), keeps the services the active profiles
 * enable and hands out their host ports.  A service with network_mode:
 * host publishes nothing (Docker drops its ports:): its program binds the
 * container ports itself, so those are the host ports handed out, marked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "compose.h"
#include "compose_internal.h"

/* ------------------------------------------------------------- output */

char *pd_compose_normalize_name(const char *name)
{
	size_t i, n = 0;
	char *out = malloc(strlen(name) + 1);

	if (!out)
		return NULL;
	for (i = 0; name[i]; i++) {
		char ch = name[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ((ch == '_' || ch == '-') && n > 0))
			out[n++] = ch;
	}
	out[n] = '\0';
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

static bool enabled(const pd_compose_input *in, const svc *s)
{
	size_t i;

	if (!s->n_profiles)
		return true;
	for (i = 0; i < in->n_profiles; i++)
		if (strcmp(in->profiles[i], "*") == 0 ||
		    pd__compose_has_string(s->profiles, s->n_profiles, in->profiles[i]))
			return true;
	return false;
}

static int emit_port(pd_compose_port **list, size_t *n, const svc *s,
                     const entry *e, bool host_network)
{
	pd_compose_port *arr, *o;
	size_t i;

	if (host_network)
		for (i = 0; i < *n; i++)
			if ((*list)[i].host_network &&
			    strcmp((*list)[i].service, s->name) == 0 &&
			    (*list)[i].target.proto == e->ps.proto &&
			    (*list)[i].target.port_lo == e->ps.cont_lo &&
			    (*list)[i].target.port_hi == e->ps.cont_hi)
				return 0; /* "8080:80" and expose "80": one port 80 */
	arr = pd__reallocarray(*list, *n + 1, sizeof(*arr));
	if (!arr)
		return PD_ENOMEM;
	*list = arr;
	o = &arr[*n];
	memset(o, 0, sizeof(*o));
	o->target.proto = e->ps.proto;
	o->target.port_lo = host_network ? e->ps.cont_lo : e->ps.host_lo;
	o->target.port_hi = host_network ? e->ps.cont_hi : e->ps.host_hi;
	if (e->ps.host_ip[0] && !host_network) {
		o->target.host = PD_HOST_ADDR;
		if (pd_addr_parse(e->ps.host_ip, strlen(e->ps.host_ip),
		                  &o->target.addr) < 0)
			return PD_EPARSE;
	}
	o->container_lo = e->ps.cont_lo;
	o->container_hi = e->ps.cont_hi;
	o->pick_one = !host_network && e->ps.host_hi != e->ps.host_lo &&
	              e->ps.cont_hi == e->ps.cont_lo;
	o->host_network = host_network;
	o->line = e->line;
	o->column = e->column;
	o->service = pd__strdup(s->name);
	o->spec = pd__strdup(e->spec);
	o->file = pd__strdup(e->file);
	(*n)++;
	return o->service && o->spec && o->file ? 0 : PD_ENOMEM;
}

/* One entry of an enabled service: a host port to check, an sctp one for
 * the caller's bind test, or nothing (an ephemeral host port). */
static int add_port(pd_compose_project *p, const svc *s, const entry *e,
                    bool host_network)
{
	if (!host_network && !e->ps.host_lo)
		return 0;
	if (e->ps.sctp)
		return emit_port(&p->sctp, &p->n_sctp, s, e, host_network);
	return emit_port(&p->ports, &p->n_ports, s, e, host_network);
}

static int service_ports(ctx *c, pd_compose_project *p, const svc *s)
{
	bool host = s->network_mode && strcmp(s->network_mode, "host") == 0;
	size_t k;

	if (host && s->n_ports)
		pd__compose_warn(c, "service \"%s\": network_mode: host, so Docker "
		                 "ignores its ports: and the program binds its "
		                 "container ports on the host itself; those are "
		                 "checked instead", s->name);
	for (k = 0; k < s->n_ports; k++)
		if (add_port(p, s, &s->ports[k], host) < 0)
			return PD_ENOMEM;
	for (k = 0; host && k < s->n_expose; k++)
		if (add_port(p, s, &s->expose[k], true) < 0)
			return PD_ENOMEM;
	return 0;
}

static int build(ctx *c, pd_compose_project *p)
{
	const pd_compose_input *in = c->in;
	const char *raw = in->project_name && *in->project_name ?
	                  in->project_name : c->name && *c->name ? c->name :
	                  in->dir_name;
	size_t i;

	p->name = raw ? pd_compose_normalize_name(raw) : NULL;
	if (!p->name) {
		snprintf(c->err, c->errsize, "no valid project name (from \"%s\"): "
		         "use letters, digits, '-' and '_'", raw ? raw : "");
		return PD_EPARSE;
	}
	for (i = 0; i < c->project.n; i++) {
		const svc *s = &c->project.v[i];

		if (!enabled(in, s))
			continue;
		if (pd__compose_add_string(&p->services, &p->n_services, s->name) < 0 ||
		    service_ports(c, p, s) < 0)
			return PD_ENOMEM;
	}
	/* The first name interned is the first file's (load_doc). */
	if (c->n_names && !(p->main_file = pd__strdup(c->names[0])))
		return PD_ENOMEM;
	p->warnings = c->warnings;
	p->n_warnings = c->n_warnings;
	c->warnings = NULL;
	c->n_warnings = 0;
	return c->rc;
}

static void ctx_done(ctx *c)
{
	size_t i;

	pd__compose_svcs_done(&c->project);
	for (i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	for (i = 0; i < c->n_names; i++)
		free(c->names[i]);
	free(c->names);
	free(c->name);
}

/* The services of one top-level file over those of the files before. */
static int merge_file(ctx *c, const pd_compose_file *f)
{
	svcs model = {NULL, 0};
	size_t i;

	pd__compose_load_model(c, f, &model);
	for (i = 0; i < model.n && !c->rc; i++) {
		svc *s = pd__compose_svcs_get(c, &c->project, model.v[i].name);

		if (!s)
			pd__compose_fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
		else
			pd__compose_svc_merge(c, s, &model.v[i]);
	}
	pd__compose_svcs_done(&model);
	return c->rc;
}

int pd_compose_parse(const pd_compose_input *in, char *err, size_t errsize,
                     pd_compose_project **ret)
{
	ctx c;
	pd_compose_project *p = NULL;
	size_t i;
	int r;

	if (!in || !in->n_files || !ret)
		return PD_EINVAL;
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.env = &in->env;
	c.err = err;
	c.errsize = errsize;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errsize, "out of memory");
		return PD_ENOMEM;
	}
	for (i = 0; i < in->n_files && !c.rc; i++)
		merge_file(&c, &in->files[i]);
	r = c.rc;
	if (!r)
		r = build(&c, p);
	if (r == PD_ENOMEM)
		snprintf(err, errsize, "out of memory");
	ctx_done(&c);
	if (r < 0) {
		pd_compose_project_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int pd_compose_project_warn(pd_compose_project *p, const char *msg)
{
	if (pd__compose_has_string(p->warnings, p->n_warnings, msg))
		return 0;
	return pd__compose_add_string(&p->warnings, &p->n_warnings, msg);
}

static void ports_free(pd_compose_port *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].service);
		free(v[i].spec);
		free(v[i].file);
	}
	free(v);
}

void pd_compose_project_free(pd_compose_project *p)
{
	size_t i;

	if (!p)
		return;
	free(p->name);
	free(p->main_file);
	for (i = 0; i < p->n_services; i++)
		free(p->services[i]);
	free(p->services);
	ports_free(p->ports, p->n_ports);
	ports_free(p->sctp, p->n_sctp);
	free(p->sctp_binds); /* their os_name is static */
	for (i = 0; i < p->n_warnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	free(p);
}
