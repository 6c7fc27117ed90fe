/*
 * The services of one Compose file, and merging one service over another.
 *
 * A file is read as written: per service its ports (both syntaxes, the
 * grammar is ports.c), expose, profiles, network_mode and extends.
 * Merging (a later -f file, an include, an extends) follows compose-go's
 * override package: the profiles are united, the ports and expose appended
 * and de-duplicated on host ip, published, target and protocol (its
 * unicity key), "!reset" and "!override" on a list drop what came before,
 * and a scalar such as network_mode is replaced.  Following include and
 * extends is include.c's job; which services are enabled is parse.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/buf.h"
#include "compose.h"
#include "compose_internal.h"

/* ----------------------------------------------------------- services */

svc *pd__compose_svcs_find(svcs *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

svc *pd__compose_svcs_get(ctx *c, svcs *l, const char *name)
{
	svc *arr, *s = pd__compose_svcs_find(l, name);

	(void)c;
	if (s)
		return s;
	arr = pd__reallocarray(l->v, l->n + 1, sizeof(*arr));
	if (!arr)
		return NULL;
	l->v = arr;
	memset(&arr[l->n], 0, sizeof(*arr));
	if (!(arr[l->n].name = pd__strdup(name)))
		return NULL;
	return &arr[l->n++];
}

static void entry_done(entry *e)
{
	free(e->key);
	free(e->spec);
}

static void entries_clear(entry **arr, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		entry_done(&(*arr)[i]);
	free(*arr);
	*arr = NULL;
	*n = 0;
}

void pd__compose_svc_done(svc *s)
{
	size_t k;

	entries_clear(&s->ports, &s->n_ports);
	entries_clear(&s->expose, &s->n_expose);
	for (k = 0; k < s->n_profiles; k++)
		free(s->profiles[k]);
	free(s->profiles);
	free(s->name);
	free(s->network_mode);
	free(s->ext_service);
	free(s->ext_file);
	memset(s, 0, sizeof(*s));
}

void pd__compose_svcs_done(svcs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		pd__compose_svc_done(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Appends a copy of e to the list unless an entry with its key is there. */
static int entry_add(entry **arr, size_t *n, const entry *e)
{
	entry *a, *o;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*arr)[i].key, e->key) == 0)
			return 0;
	a = pd__reallocarray(*arr, *n + 1, sizeof(*a));
	if (!a)
		return PD_ENOMEM;
	*arr = a;
	o = &a[*n];
	*o = *e;
	o->key = pd__strdup(e->key);
	o->spec = pd__strdup(e->spec);
	if (!o->key || !o->spec) {
		entry_done(o);
		return PD_ENOMEM;
	}
	(*n)++;
	return 0;
}

int pd__compose_svc_merge(ctx *c, svc *dst, const svc *src)
{
	size_t k;
	int r = 0;

	if (src->ports_reset)
		entries_clear(&dst->ports, &dst->n_ports);
	if (src->expose_reset)
		entries_clear(&dst->expose, &dst->n_expose);
	for (k = 0; !r && k < src->n_ports; k++)
		r = entry_add(&dst->ports, &dst->n_ports, &src->ports[k]);
	for (k = 0; !r && k < src->n_expose; k++)
		r = entry_add(&dst->expose, &dst->n_expose, &src->expose[k]);
	for (k = 0; !r && k < src->n_profiles; k++)
		if (!pd__compose_has_string(dst->profiles, dst->n_profiles,
		                            src->profiles[k]))
			r = pd__compose_add_string(&dst->profiles, &dst->n_profiles,
			                           src->profiles[k]);
	if (!r && src->network_mode) {
		free(dst->network_mode);
		if (!(dst->network_mode = pd__strdup(src->network_mode)))
			r = PD_ENOMEM;
	}
	if (r < 0 && !c->rc)
		pd__compose_fail(c, r, "compose", NULL, "out of memory");
	return r;
}

static int add_entry(ctx *c, doc *d, entry **list, size_t *n,
                     const pd_compose_portspec *ps, const char *spec,
                     const yaml_mark_t *m)
{
	char key[256];
	entry e;

	snprintf(key, sizeof(key), "%s|%u-%u|%u-%u|%s", ps->host_ip,
	         ps->host_lo, ps->host_hi, ps->cont_lo, ps->cont_hi,
	         ps->sctp ? "sctp" : pd_proto_name(ps->proto));
	memset(&e, 0, sizeof(e));
	e.ps = *ps;
	e.file = d->fname; /* interned: see load_doc() */
	e.line = (int)m->line + 1;
	e.column = (int)m->column + 1;
	e.key = key;
	e.spec = (char *)spec;
	if (!e.file || entry_add(list, n, &e) < 0)
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	return 0;
}

static bool known_port_key(const char *k)
{
	static const char *const keys[] = {"target", "published", "host_ip",
	                                   "protocol", "mode", "name",
	                                   "app_protocol"};
	size_t i;

	if (strncmp(k, "x-", 2) == 0)
		return true;
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
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

		if (!vn)
			break;
		/* The spec's schema: these keys and x-* only, all scalars. */
		if (!known_port_key(k)) {
			pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
			                 "service \"%s\": unknown key \"%s\" in a port "
			                 "(target, published, host_ip, protocol, mode, "
			                 "name, app_protocol or x-*)", s->name, k);
			break;
		}
		if (!(v = pd__compose_scalar(c, d, f[i].value, k)))
			break;
		if (pd__compose_is_null(vn) && strcmp(k, "host_ip") != 0)
			continue;
		if (strcmp(k, "name") == 0 || strcmp(k, "app_protocol") == 0 ||
		    strncmp(k, "x-", 2) == 0)
			continue; /* not about binding */
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
				                 "service \"%s\": invalid published port \"%s\" "
				                 "(1-65535, or a range of them)", s->name, v);
		} else if (strcmp(k, "host_ip") == 0) {
			/* compose-go checks it with Go's net.ParseIP: no brackets,
			 * and "" is no address either. */
			if (pd__compose_is_null(vn) || !*v || *v == '[' ||
			    pd_addr_parse(v, strlen(v), &a) < 0)
				pd__compose_fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				                 "service \"%s\": invalid host_ip \"%s\" (an IPv4 "
				                 "or IPv6 address without brackets)", s->name, v);
			else
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
		add_entry(c, d, &s->ports, &s->n_ports, &ps, st, &n->start_mark);
	free(st);
	return c->rc;
}

/* The list at idx for a key that takes one (svc: its service, or NULL at
 * the top level).  NULL when there is nothing to read: the key is null,
 * or not a list (an error then).  *reset is set for a !reset or !override
 * tag, when reset is not NULL. */
yaml_node_t *pd__compose_list(ctx *c, doc *d, int idx, const char *svc,
                              const char *key, bool *reset)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	const char *tag;

	if (!n)
		return NULL;
	tag = (const char *)n->tag;
	if (reset && tag && (strcmp(tag, "!reset") == 0 ||
	                     strcmp(tag, "!override") == 0))
		*reset = true;
	if (pd__compose_is_null(n))
		return NULL;
	if (n->type == YAML_SEQUENCE_NODE)
		return n;
	if (svc)
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "service \"%s\": %s must be a list", svc, key);
	else
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "%s must be a list", key);
	return NULL;
}

static int service_ports(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_list(c, d, idx, s->name, "ports",
	                                  &s->ports_reset);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
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
		if (add_entry(c, d, &s->ports, &s->n_ports, &ps, v, &e->start_mark) < 0)
			return c->rc;
	}
	return 0;
}

static int service_profiles(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_list(c, d, idx, s->name, "profiles", NULL);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
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

/* expose: "3000", 3000, "8000-8010", "53/udp": container ports only. */
static int service_expose(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_list(c, d, idx, s->name, "expose",
	                                  &s->expose_reset);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = pd__compose_node(c, d, *it);
		const char *v = pd__compose_scalar(c, d, *it, "an expose entry");
		pd_compose_portspec ps;
		char msg[256];

		if (!e || !v)
			return c->rc;
		if (strchr(v, ':') ||
		    pd_compose_port_parse_short(v, msg, sizeof(msg), &ps) < 0)
			return pd__compose_fail(c, PD_EPARSE, d->fname, &e->start_mark,
			                        "service \"%s\": invalid expose entry \"%s\" "
			                        "(a container port or range, with /tcp, /udp "
			                        "or /sctp)", s->name, v);
		if (add_entry(c, d, &s->expose, &s->n_expose, &ps, v,
		              &e->start_mark) < 0)
			return c->rc;
	}
	return 0;
}

/* extends: "base" or {service: base, file: other.yaml}. */
static int service_extends(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	pair *f = NULL;
	size_t nf = 0, i;
	const char *v;

	if (!n)
		return c->rc;
	s->ext_at = d->fname;
	s->ext_line = (int)n->start_mark.line + 1;
	s->ext_column = (int)n->start_mark.column + 1;
	if (n->type == YAML_SCALAR_NODE) {
		v = pd__compose_text_of(d, idx, n);
		if (!(s->ext_service = pd__strdup(v)))
			return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "service \"%s\": extends must be a service name or "
		                        "a mapping", s->name);
	if (pd__compose_flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	for (i = 0; i < nf && !c->rc; i++) {
		char **to = strcmp(f[i].key, "service") == 0 ? &s->ext_service :
		            strcmp(f[i].key, "file") == 0 ? &s->ext_file : NULL;

		if (!to) {
			pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
			                 "service \"%s\": unknown key \"%s\" in extends "
			                 "(service or file)", s->name, f[i].key);
			break;
		}
		if (!(v = pd__compose_scalar(c, d, f[i].value, f[i].key)))
			break;
		free(*to);
		if (!(*to = pd__strdup(v)))
			pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	}
	free(f);
	if (!c->rc && (!s->ext_service || !*s->ext_service))
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "service \"%s\": extends needs \"service\"", s->name);
	return c->rc;
}

static int service(ctx *c, doc *d, svcs *out, const char *name, int idx)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	pair *f = NULL;
	size_t nf = 0, i;
	const char *v;
	svc *s;

	if (!n)
		return c->rc;
	if (!(s = pd__compose_svcs_get(c, out, name)))
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (pd__compose_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "service \"%s\" must be a mapping", name);
	if (pd__compose_flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	for (i = 0; i < nf && !c->rc; i++) {
		const char *k = f[i].key;

		if (strcmp(k, "ports") == 0) {
			service_ports(c, d, s, f[i].value);
		} else if (strcmp(k, "expose") == 0) {
			service_expose(c, d, s, f[i].value);
		} else if (strcmp(k, "profiles") == 0) {
			service_profiles(c, d, s, f[i].value);
		} else if (strcmp(k, "extends") == 0) {
			service_extends(c, d, s, f[i].value);
		} else if (strcmp(k, "network_mode") == 0 &&
		           (v = pd__compose_scalar(c, d, f[i].value, k)) != NULL) {
			free(s->network_mode);
			if (!(s->network_mode = pd__strdup(v)))
				pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		}
	}
	free(f);
	return c->rc;
}

static int set_name(ctx *c, doc *d, int idx)
{
	const char *t = pd__compose_scalar(c, d, idx, "name");

	if (!t)
		return c->rc;
	free(c->name);
	if (!(c->name = pd__strdup(t)))
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	return 0;
}

int pd__compose_file_services(ctx *c, doc *d, bool top, svcs *out,
                              int *ret_include)
{
	pair *tops = NULL, *list = NULL;
	size_t nt = 0, ns = 0, i, k;
	yaml_node_t *root = yaml_document_get_root_node(&d->y);

	*ret_include = 0;
	if (pd__compose_flatten(c, d, (int)(root - d->y.nodes.start) + 1, &tops,
	                        &nt) < 0)
		return c->rc;
	for (i = 0; i < nt && !c->rc; i++) {
		yaml_node_t *v = pd__compose_node(c, d, tops[i].value);

		if (!v)
			break;
		if (strcmp(tops[i].key, "name") == 0 && !pd__compose_is_null(v)) {
			if (top)
				set_name(c, d, tops[i].value);
		} else if (strcmp(tops[i].key, "include") == 0) {
			*ret_include = tops[i].value;
		} else if (strcmp(tops[i].key, "services") == 0 &&
		           !pd__compose_is_null(v)) {
			if (v->type != YAML_MAPPING_NODE) {
				pd__compose_fail(c, PD_EPARSE, d->fname, &v->start_mark,
				                 "services must be a mapping");
				break;
			}
			if (pd__compose_flatten(c, d, tops[i].value, &list, &ns) < 0)
				break;
			for (k = 0; k < ns && !c->rc; k++)
				service(c, d, out, list[k].key, list[k].value);
			free(list);
			list = NULL;
		}
	}
	free(tops);
	return c->rc;
}
