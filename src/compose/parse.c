/*
 * Compose files to a project: the enabled services and their host ports.
 *
 * pd_compose_parse() loads each file (yaml.c: libyaml, visit
 * ceiling, merge keys, interpolation), reads it into the services over the
 * files before it (services.c), then names the project (-p, else
 * the last top-level "name", else the directory), keeps the services the
 * active profiles enable and hands out their host ports.
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

static int emit_port(ctx *c, pd_compose_project *p, const svc *s,
                     const entry *e)
{
	pd_compose_port *arr, *o;

	arr = pd__reallocarray(p->ports, p->n_ports + 1, sizeof(*arr));
	if (!arr)
		return PD_ENOMEM;
	p->ports = arr;
	o = &arr[p->n_ports];
	memset(o, 0, sizeof(*o));
	o->target.proto = e->ps.proto;
	o->target.port_lo = e->ps.host_lo;
	o->target.port_hi = e->ps.host_hi;
	if (e->ps.host_ip[0]) {
		o->target.host = PD_HOST_ADDR;
		if (pd_addr_parse(e->ps.host_ip, strlen(e->ps.host_ip),
		                  &o->target.addr) < 0)
			return PD_EPARSE;
	}
	o->container_lo = e->ps.cont_lo;
	o->container_hi = e->ps.cont_hi;
	o->pick_one = e->ps.host_hi != e->ps.host_lo &&
	              e->ps.cont_hi == e->ps.cont_lo;
	o->line = e->line;
	o->column = e->column;
	o->service = pd__strdup(s->name);
	o->spec = pd__strdup(e->spec);
	o->file = pd__strdup(e->file);
	p->n_ports++;
	(void)c;
	return o->service && o->spec && o->file ? 0 : PD_ENOMEM;
}

static int build(ctx *c, pd_compose_project *p)
{
	const pd_compose_input *in = c->in;
	const char *raw = in->project_name && *in->project_name ?
	                  in->project_name : c->name && *c->name ? c->name :
	                  in->dir_name;
	size_t i, k;

	p->name = raw ? pd_compose_normalize_name(raw) : NULL;
	if (!p->name) {
		snprintf(c->err, c->errsize, "no valid project name (from \"%s\"): "
		         "use letters, digits, '-' and '_'", raw ? raw : "");
		return PD_EPARSE;
	}
	for (i = 0; i < c->n_svcs; i++) {
		const svc *s = &c->svcs[i];

		if (!enabled(in, s))
			continue;
		if (pd__compose_add_string(&p->services, &p->n_services, s->name) < 0)
			return PD_ENOMEM;
		for (k = 0; k < s->n_ports; k++) {
			const entry *e = &s->ports[k];

			if (e->ps.sctp && e->ps.host_lo) {
				pd__compose_warn(c,
				                 "service \"%s\": sctp port %s is not checked",
				                 s->name, e->spec);
				continue;
			}
			if (!e->ps.host_lo)
				continue; /* ephemeral: no host port to check */
			if (emit_port(c, p, s, e) < 0)
				return PD_ENOMEM;
		}
	}
	p->warnings = c->warnings;
	p->n_warnings = c->n_warnings;
	c->warnings = NULL;
	c->n_warnings = 0;
	return c->rc;
}

static void ctx_done(ctx *c)
{
	size_t i, k;

	for (i = 0; i < c->n_svcs; i++) {
		pd__compose_svc_clear_ports(&c->svcs[i]);
		for (k = 0; k < c->svcs[i].n_profiles; k++)
			free(c->svcs[i].profiles[k]);
		free(c->svcs[i].profiles);
		free(c->svcs[i].name);
	}
	free(c->svcs);
	for (i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->name);
}

int pd_compose_parse(const pd_compose_input *in, char *err, size_t errsize,
                     pd_compose_project **ret)
{
	ctx c;
	doc *docs = NULL;
	pd_compose_project *p = NULL;
	size_t i;
	int r;

	if (!in || !in->n_files || !ret)
		return PD_EINVAL;
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.err = err;
	c.errsize = errsize;
	docs = calloc(in->n_files, sizeof(*docs));
	p = calloc(1, sizeof(*p));
	if (!docs || !p) {
		r = PD_ENOMEM;
		snprintf(err, errsize, "out of memory");
		goto out;
	}
	/* Entries point at their file's name, which in->files keeps alive;
	 * the documents must live until every file is merged. */
	for (i = 0; i < in->n_files && !c.rc; i++)
		if (pd__compose_load(&c, &docs[i], &in->files[i]) == 0)
			pd__compose_file_model(&c, &docs[i]);
	r = c.rc;
	if (!r)
		r = build(&c, p);
	if (r == PD_ENOMEM)
		snprintf(err, errsize, "out of memory");
out:
	for (i = 0; docs && i < in->n_files; i++)
		pd__compose_doc_done(&docs[i]);
	free(docs);
	ctx_done(&c);
	if (r < 0) {
		pd_compose_project_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

void pd_compose_project_free(pd_compose_project *p)
{
	size_t i;

	if (!p)
		return;
	free(p->name);
	for (i = 0; i < p->n_services; i++)
		free(p->services[i]);
	free(p->services);
	for (i = 0; i < p->n_ports; i++) {
		free(p->ports[i].service);
		free(p->ports[i].spec);
		free(p->ports[i].file);
	}
	free(p->ports);
	for (i = 0; i < p->n_warnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	free(p);
}
