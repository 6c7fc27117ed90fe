/*
 * The services of a Compose project, read from each file in turn.
 *
 * The files are merged in order: top-level "name" from the last file that
 * has one; per service the profiles are united and the ports appended and
 * de-duplicated on host ip, published, target and protocol (compose-go's
 * merge key); "!reset" and "!override" on a ports list drop what earlier
 * files said.  A port entry is read here in both syntaxes (the grammar is
 * ports.c); which services are enabled is parse.c's call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/buf.h"
#include "compose.h"
#include "compose_internal.h"

/* ----------------------------------------------------------- services */

static svc *find_svc(ctx *c, const char *name)
{
	size_t i;
	svc *arr;

	for (i = 0; i < c->n_svcs; i++)
		if (strcmp(c->svcs[i].name, name) == 0)
			return &c->svcs[i];
	arr = pd__reallocarray(c->svcs, c->n_svcs + 1, sizeof(*arr));
	if (!arr)
		return NULL;
	c->svcs = arr;
	memset(&arr[c->n_svcs], 0, sizeof(*arr));
	if (!(arr[c->n_svcs].name = pd__strdup(name)))
		return NULL;
	return &arr[c->n_svcs++];
}

static void entry_done(entry *e)
{
	free(e->key);
	free(e->spec);
}

void pd__compose_svc_clear_ports(svc *s)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++)
		entry_done(&s->ports[i]);
	free(s->ports);
	s->ports = NULL;
	s->n_ports = 0;
}

static int add_entry(ctx *c, doc *d, svc *s, const pd_compose_portspec *ps,
                     const char *spec, const yaml_mark_t *m)
{
	char key[256];
	entry *arr, *e;
	size_t i;

	snprintf(key, sizeof(key), "%s|%u-%u|%u-%u|%s", ps->host_ip,
	         ps->host_lo, ps->host_hi, ps->cont_lo, ps->cont_hi,
	         ps->sctp ? "sctp" : pd_proto_name(ps->proto));
	for (i = 0; i < s->n_ports; i++)
		if (strcmp(s->ports[i].key, key) == 0)
			return 0;
	arr = pd__reallocarray(s->ports, s->n_ports + 1, sizeof(*arr));
	if (!arr)
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	s->ports = arr;
	e = &arr[s->n_ports];
	memset(e, 0, sizeof(*e));
	e->ps = *ps;
	e->file = d->fname;
	e->line = (int)m->line + 1;
	e->column = (int)m->column + 1;
	e->key = pd__strdup(key);
	e->spec = pd__strdup(spec);
	if (!e->key || !e->spec) {
		entry_done(e);
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	}
	s->n_ports++;
	return 0;
}


static int long_port(ctx *c, doc *d, svc *s, int idx, yaml_node_t *n)
{
	pd_compose_portspec ps;
	pair *f = NULL;
	size_t nf = 0, i;
	bool have_target = false;
	pd_buf spec;
	char *st;

	memset(&ps, 0, sizeof(ps));
	ps.proto = PD_PROTO_TCP;
	if (pd__compose_flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	pd_buf_init(&spec, 1024);
	pd_buf_putc(&spec, '{');
	for (i = 0; i < nf && !c->rc; i++) {
		yaml_node_t *vn = pd__compose_node(c, d, f[i].value);
		const char *k = f[i].key, *v;
		pd_addr a;

		if (!vn || (vn->type == YAML_SCALAR_NODE && pd__compose_is_null(vn)))
			continue;
		if (strcmp(k, "target") != 0 && strcmp(k, "published") != 0 &&
		    strcmp(k, "host_ip") != 0 && strcmp(k, "protocol") != 0 &&
		    strcmp(k, "mode") != 0)
			continue; /* name, app_protocol, x-*: not about binding */
		if (!(v = pd__compose_scalar(c, d, f[i].value, k)))
			break;
		pd_buf_printf(&spec, "%s%s: %s", spec.len > 1 ? ", " : "", k, v);
		if (strcmp(k, "target") == 0) {
			if (pd_compose_port_range(v, &ps.cont_lo, &ps.cont_hi) < 0 ||
			    !ps.cont_lo)
				pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				                 "invalid target port \"%s\"", v);
			have_target = true;
		} else if (strcmp(k, "published") == 0) {
			if (*v && pd_compose_port_range(v, &ps.host_lo, &ps.host_hi) < 0)
				pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				                 "invalid published port \"%s\"", v);
		} else if (strcmp(k, "host_ip") == 0) {
			if (*v && (pd_addr_parse(v, strlen(v), &a) < 0))
				pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				                 "invalid host_ip \"%s\"", v);
			else if (*v)
				pd_addr_format(&a, ps.host_ip, sizeof(ps.host_ip));
		} else if (strcmp(k, "protocol") == 0) {
			ps.sctp = strcmp(v, "sctp") == 0;
			if (pd_proto_parse(v, strlen(v), &ps.proto) < 0 && !ps.sctp)
				pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				                 "invalid protocol \"%s\" (tcp, udp or sctp)", v);
		} else if (strcmp(v, "host") != 0 && strcmp(v, "ingress") != 0) {
			pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
			                 "invalid mode \"%s\" (host or ingress)", v);
		}
	}
	free(f);
	pd_buf_putc(&spec, '}');
	st = pd_buf_steal(&spec);
	pd_buf_done(&spec);
	if (!c->rc && !have_target)
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "a port in the long syntax needs \"target\"");
	if (!c->rc && ps.host_lo && ps.host_hi - ps.host_lo !=
	    ps.cont_hi - ps.cont_lo && ps.cont_hi != ps.cont_lo)
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "published and target ranges differ in length");
	if (!c->rc && !st)
		pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (!c->rc)
		add_entry(c, d, s, &ps, st, &n->start_mark);
	free(st);
	return c->rc;
}

static int service_ports(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
	if (n->tag && (strcmp((const char *)n->tag, "!reset") == 0 ||
	               strcmp((const char *)n->tag, "!override") == 0))
		pd__compose_svc_clear_ports(s);
	if (pd__compose_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "service \"%s\": ports must be a list", s->name);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = pd__compose_node(c, d, *it);
		pd_compose_portspec ps;
		char msg[256];
		const char *v;

		if (!e)
			return c->rc;
		if (e->type == YAML_MAPPING_NODE) {
			if (long_port(c, d, s, *it, e) < 0)
				return c->rc;
			continue;
		}
		if (e->type != YAML_SCALAR_NODE)
			return pd__compose_fail(c, PD_EPARSE, d->fname, &e->start_mark,
			                        "service \"%s\": a port must be a string, a number "
			                        "or a mapping", s->name);
		v = pd__compose_text_of(d, *it, e);
		if (pd_compose_port_parse_short(v, msg, sizeof(msg), &ps) < 0)
			return pd__compose_fail(c, PD_EPARSE, d->fname, &e->start_mark,
			                        "service \"%s\": %s", s->name, msg);
		if (add_entry(c, d, s, &ps, v, &e->start_mark) < 0)
			return c->rc;
	}
	return 0;
}

static int service_profiles(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	yaml_node_item_t *it;

	if (!n || pd__compose_is_null(n))
		return c->rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "service \"%s\": profiles must be a list", s->name);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *v = pd__compose_scalar(c, d, *it, "a profile");

		if (!v)
			return c->rc;
		if (!pd__compose_has_string(s->profiles, s->n_profiles, v) &&
		    pd__compose_add_string(&s->profiles, &s->n_profiles, v) < 0)
			return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL,
			                        "out of memory");
	}
	return 0;
}

static int service(ctx *c, doc *d, const char *name, int idx)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	pair *f = NULL;
	size_t nf = 0, i;
	svc *s;

	if (!n)
		return c->rc;
	if (!(s = find_svc(c, name)))
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (pd__compose_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "service \"%s\" must be a mapping", name);
	if (pd__compose_flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	for (i = 0; i < nf && !c->rc; i++) {
		if (strcmp(f[i].key, "ports") == 0)
			service_ports(c, d, s, f[i].value);
		else if (strcmp(f[i].key, "profiles") == 0)
			service_profiles(c, d, s, f[i].value);
		else if (strcmp(f[i].key, "extends") == 0)
			pd__compose_warn(c,
			                 "service \"%s\": extends is not followed; ports it "
			                 "would bring are not checked", name);
	}
	free(f);
	return c->rc;
}

int pd__compose_file_model(ctx *c, doc *d)
{
	pair *top = NULL, *svcs = NULL;
	size_t nt = 0, ns = 0, i, k;
	yaml_node_t *root = yaml_document_get_root_node(&d->y);

	if (pd__compose_flatten(c, d, (int)(root - d->y.nodes.start) + 1, &top,
	                        &nt) < 0)
		return c->rc;
	for (i = 0; i < nt && !c->rc; i++) {
		yaml_node_t *v = pd__compose_node(c, d, top[i].value);

		if (!v)
			break;
		if (strcmp(top[i].key, "name") == 0 && !pd__compose_is_null(v)) {
			const char *t = pd__compose_scalar(c, d, top[i].value, "name");

			if (t) {
				free(c->name);
				if (!(c->name = pd__strdup(t)))
					pd__compose_fail(c, PD_ENOMEM, d->fname, NULL,
					                 "out of memory");
			}
		} else if (strcmp(top[i].key, "include") == 0) {
			pd__compose_warn(c,
			                 "%s: include is not followed; its services are not "
			                 "checked", d->fname);
		} else if (strcmp(top[i].key, "services") == 0 && !pd__compose_is_null(v)) {
			if (v->type != YAML_MAPPING_NODE) {
				pd__compose_fail(c, PD_EPARSE, d->fname, &v->start_mark,
				                 "services must be a mapping");
				break;
			}
			if (pd__compose_flatten(c, d, top[i].value, &svcs, &ns) < 0)
				break;
			for (k = 0; k < ns && !c->rc; k++)
				service(c, d, svcs[k].key, svcs[k].value);
			free(svcs);
			svcs = NULL;
		}
	}
	free(top);
	return c->rc;
}
