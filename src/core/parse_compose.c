/*
 * Compose files to a project: the enabled services and their host ports.
 *
 * Each file is loaded with libyaml's document API, which keeps an alias as
 * a reference to the anchored node instead of copying it, so memory stays
 * linear; walking can still be exponential ("billion laughs" through merge
 * keys), hence every node visit is counted against PD_COMPOSE_MAX_VISITS.
 * Merge keys ("<<: *x" or "<<: [*a, *b]") are resolved here, since libyaml
 * leaves them to the application: a mapping's own keys win, then the merged
 * mappings in order.
 *
 * Every scalar value (not mapping keys) is interpolated first, as Compose
 * does, so a "${X:?...}" anywhere in the file stops the run even when the
 * field is one portdoctor does not use.  Then the files are merged in
 * order: top-level "name" from the last file that has one; per service the
 * profiles are united and the ports appended and de-duplicated on host ip,
 * published, target and protocol (compose-go's merge key); "!reset" and
 * "!override" on a ports list drop what earlier files said.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "compose.h"

#define MERGE_DEPTH 32

typedef struct entry {
	pd_compose_portspec ps;
	char *key;  /* merge key: ip|published|target|proto */
	char *spec; /* as written */
	const char *file;
	int line, column;
} entry;

typedef struct svc {
	char *name;
	char **profiles;
	size_t n_profiles;
	entry *ports;
	size_t n_ports;
} svc;

typedef struct doc {
	const char *fname;
	yaml_document_t y;
	bool loaded;
	char **values; /* interpolated scalar per node (index - 1), or NULL */
	bool *is_key;
	size_t n_nodes;
} doc;

typedef struct pair {
	const char *key;
	int value; /* node index */
} pair;

typedef struct ctx {
	const pd_compose_input *in;
	char *err;
	size_t errsize;
	int rc; /* first error, sticky */
	size_t visits;
	char *name;
	svc *svcs;
	size_t n_svcs;
	char **warnings;
	size_t n_warnings;
} ctx;

static int fail(ctx *c, int rc, const char *file, const yaml_mark_t *m,
                const char *fmt, ...) PD_PRINTF(5, 6);

static int fail(ctx *c, int rc, const char *file, const yaml_mark_t *m,
                const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->rc)
		return c->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m)
		snprintf(c->err, c->errsize, "%s:%zu:%zu: %s", file,
		         (size_t)m->line + 1, (size_t)m->column + 1, msg);
	else
		snprintf(c->err, c->errsize, "%s: %s", file, msg);
	c->rc = rc;
	return rc;
}

static int add_string(char ***arr, size_t *n, const char *s)
{
	char **a = pd__reallocarray(*arr, *n + 1, sizeof(*a));

	if (!a)
		return PD_ENOMEM;
	*arr = a;
	if (!(a[*n] = pd__strdup(s)))
		return PD_ENOMEM;
	(*n)++;
	return 0;
}

static bool has_string(char *const *arr, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

static void warn(ctx *c, const char *fmt, ...) PD_PRINTF(2, 3);

static void warn(ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!has_string(c->warnings, c->n_warnings, msg) &&
	    add_string(&c->warnings, &c->n_warnings, msg) < 0 && !c->rc)
		c->rc = PD_ENOMEM;
}

/* A node by index, counted against the visit ceiling. */
static yaml_node_t *node(ctx *c, doc *d, int idx)
{
	yaml_node_t *n;

	if (c->rc)
		return NULL;
	if (++c->visits > PD_COMPOSE_MAX_VISITS) {
		fail(c, PD_ETOOBIG, d->fname, NULL, "more than %u nodes visited "
		     "(aliases expanding without end?)", PD_COMPOSE_MAX_VISITS);
		return NULL;
	}
	n = yaml_document_get_node(&d->y, idx);
	if (!n)
		fail(c, PD_EPARSE, d->fname, NULL, "broken node reference");
	return n;
}

/* The text of a scalar value after interpolation. */
static const char *text_of(doc *d, int idx, yaml_node_t *n)
{
	if (idx >= 1 && (size_t)idx <= d->n_nodes && d->values[idx - 1])
		return d->values[idx - 1];
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static int interpolate_doc(ctx *c, doc *d)
{
	size_t i;
	char unset[128];

	d->n_nodes = (size_t)(d->y.nodes.top - d->y.nodes.start);
	d->values = calloc(d->n_nodes ? d->n_nodes : 1, sizeof(*d->values));
	d->is_key = calloc(d->n_nodes ? d->n_nodes : 1, sizeof(*d->is_key));
	if (!d->values || !d->is_key)
		return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	for (i = 0; i < d->n_nodes; i++) {
		yaml_node_t *n = &d->y.nodes.start[i];
		yaml_node_pair_t *p;

		if (n->type != YAML_MAPPING_NODE)
			continue;
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
		     p++)
			if (p->key >= 1 && (size_t)p->key <= d->n_nodes)
				d->is_key[p->key - 1] = true;
	}
	for (i = 0; i < d->n_nodes; i++) {
		yaml_node_t *n = &d->y.nodes.start[i];
		char msg[300] = "";
		int r;

		if (n->type != YAML_SCALAR_NODE || d->is_key[i] ||
		    !memchr(n->data.scalar.value, '$', n->data.scalar.length))
			continue;
		unset[0] = '\0';
		r = pd_compose_interpolate((const char *)n->data.scalar.value,
		                           n->data.scalar.length, &c->in->env, unset,
		                           sizeof(unset), msg, sizeof(msg),
		                           &d->values[i]);
		if (r < 0)
			return fail(c, r, d->fname, &n->start_mark, "%s", msg);
		if (unset[0])
			warn(c, "the \"%s\" variable is not set; defaulting to a blank "
			     "string", unset);
	}
	return c->rc;
}

static int load(ctx *c, doc *d, const pd_compose_file *f)
{
	yaml_parser_t p;
	yaml_node_t *root;
	int ok;

	d->fname = f->name;
	if (f->len > PD_COMPOSE_MAX_BYTES)
		return fail(c, PD_ETOOBIG, f->name, NULL, "larger than %u bytes",
		            PD_COMPOSE_MAX_BYTES);
	if (!yaml_parser_initialize(&p))
		return fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)f->text, f->len);
	ok = yaml_parser_load(&p, &d->y);
	if (!ok) {
		const yaml_mark_t *m = &p.problem_mark;

		if (p.error == YAML_MEMORY_ERROR)
			fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
		else if (p.context)
			fail(c, PD_EPARSE, f->name, m, "invalid YAML: %s (%s at line "
			     "%zu, column %zu)", p.problem ? p.problem : "error",
			     p.context, (size_t)p.context_mark.line + 1,
			     (size_t)p.context_mark.column + 1);
		else
			fail(c, PD_EPARSE, f->name, m, "invalid YAML: %s",
			     p.problem ? p.problem : "error");
		yaml_parser_delete(&p);
		return c->rc;
	}
	yaml_parser_delete(&p);
	d->loaded = true;
	root = yaml_document_get_root_node(&d->y);
	if (!root)
		return fail(c, PD_EPARSE, f->name, NULL, "empty compose file");
	if (root->type != YAML_MAPPING_NODE)
		return fail(c, PD_EPARSE, f->name, &root->start_mark,
		            "the top level must be a mapping");
	return interpolate_doc(c, d);
}

static void doc_done(doc *d)
{
	size_t i;

	for (i = 0; d->values && i < d->n_nodes; i++)
		free(d->values[i]);
	free(d->values);
	free(d->is_key);
	if (d->loaded)
		yaml_document_delete(&d->y);
}

/* ------------------------------------------------------- merge keys */

static bool has_key(const pair *ps, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ps[i].key, k) == 0)
			return true;
	return false;
}

static int flatten_into(ctx *c, doc *d, int idx, int depth, pair **ps,
                        size_t *n);

static int merge_source(ctx *c, doc *d, int idx, int depth, pair **ps,
                        size_t *n)
{
	yaml_node_t *m = node(c, d, idx);
	yaml_node_item_t *it;

	if (!m)
		return c->rc;
	if (m->type == YAML_MAPPING_NODE)
		return flatten_into(c, d, idx, depth + 1, ps, n);
	if (m->type != YAML_SEQUENCE_NODE)
		return fail(c, PD_EPARSE, d->fname, &m->start_mark,
		            "a merge key (<<) needs a mapping or a list of them");
	for (it = m->data.sequence.items.start; it < m->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = node(c, d, *it);

		if (!e)
			return c->rc;
		if (e->type != YAML_MAPPING_NODE)
			return fail(c, PD_EPARSE, d->fname, &e->start_mark,
			            "a merge key (<<) list may hold only mappings");
		if (flatten_into(c, d, *it, depth + 1, ps, n) < 0)
			return c->rc;
	}
	return 0;
}

static int flatten_into(ctx *c, doc *d, int idx, int depth, pair **ps,
                        size_t *n)
{
	yaml_node_t *m = node(c, d, idx);
	yaml_node_pair_t *p;
	int pass;

	if (!m)
		return c->rc;
	if (depth > MERGE_DEPTH)
		return fail(c, PD_ETOOBIG, d->fname, &m->start_mark,
		            "merge keys nested too deeply");
	/* Own keys first, then merged ones, so the mapping's own win. */
	for (pass = 0; pass < 2; pass++) {
		for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
		     p++) {
			yaml_node_t *k = node(c, d, p->key);
			const char *kt;
			bool merge;
			pair *arr;

			if (!k)
				return c->rc;
			if (k->type != YAML_SCALAR_NODE)
				return fail(c, PD_EPARSE, d->fname, &k->start_mark,
				            "mapping keys must be scalars");
			kt = (const char *)k->data.scalar.value;
			merge = strcmp(kt, "<<") == 0 &&
			        k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (pass == 1 && merge &&
			    merge_source(c, d, p->value, depth, ps, n) < 0)
				return c->rc;
			if (pass == 1 || merge || has_key(*ps, *n, kt))
				continue;
			arr = pd__reallocarray(*ps, *n + 1, sizeof(*arr));
			if (!arr)
				return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
			*ps = arr;
			arr[*n].key = kt;
			arr[(*n)++].value = p->value;
		}
	}
	return 0;
}

/* The pairs of the mapping at idx with merge keys resolved; *ret is
 * malloc'ed (NULL when empty). */
static int flatten(ctx *c, doc *d, int idx, pair **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (flatten_into(c, d, idx, 0, ret, ret_n) < 0) {
		free(*ret);
		*ret = NULL;
		return c->rc;
	}
	return 0;
}

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

static void svc_clear_ports(svc *s)
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
		return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
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
		return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	}
	s->n_ports++;
	return 0;
}

/* A scalar field's text, or NULL (with an error) when it is not one. */
static const char *scalar(ctx *c, doc *d, int idx, const char *what)
{
	yaml_node_t *n = node(c, d, idx);

	if (!n)
		return NULL;
	if (n->type != YAML_SCALAR_NODE) {
		fail(c, PD_EPARSE, d->fname, &n->start_mark, "%s must be a scalar",
		     what);
		return NULL;
	}
	return text_of(d, idx, n);
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
	if (flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	pd_buf_init(&spec, 1024);
	pd_buf_putc(&spec, '{');
	for (i = 0; i < nf && !c->rc; i++) {
		yaml_node_t *vn = node(c, d, f[i].value);
		const char *k = f[i].key, *v;
		pd_addr a;

		if (!vn || (vn->type == YAML_SCALAR_NODE && is_null(vn)))
			continue;
		if (strcmp(k, "target") != 0 && strcmp(k, "published") != 0 &&
		    strcmp(k, "host_ip") != 0 && strcmp(k, "protocol") != 0 &&
		    strcmp(k, "mode") != 0)
			continue; /* name, app_protocol, x-*: not about binding */
		if (!(v = scalar(c, d, f[i].value, k)))
			break;
		pd_buf_printf(&spec, "%s%s: %s", spec.len > 1 ? ", " : "", k, v);
		if (strcmp(k, "target") == 0) {
			if (pd_compose_port_range(v, &ps.cont_lo, &ps.cont_hi) < 0 ||
			    !ps.cont_lo)
				fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				     "invalid target port \"%s\"", v);
			have_target = true;
		} else if (strcmp(k, "published") == 0) {
			if (*v && pd_compose_port_range(v, &ps.host_lo, &ps.host_hi) < 0)
				fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				     "invalid published port \"%s\"", v);
		} else if (strcmp(k, "host_ip") == 0) {
			if (*v && (pd_addr_parse(v, strlen(v), &a) < 0))
				fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				     "invalid host_ip \"%s\"", v);
			else if (*v)
				pd_addr_format(&a, ps.host_ip, sizeof(ps.host_ip));
		} else if (strcmp(k, "protocol") == 0) {
			ps.sctp = strcmp(v, "sctp") == 0;
			if (pd_proto_parse(v, strlen(v), &ps.proto) < 0 && !ps.sctp)
				fail(c, PD_EPARSE, d->fname, &vn->start_mark,
				     "invalid protocol \"%s\" (tcp, udp or sctp)", v);
		} else if (strcmp(v, "host") != 0 && strcmp(v, "ingress") != 0) {
			fail(c, PD_EPARSE, d->fname, &vn->start_mark,
			     "invalid mode \"%s\" (host or ingress)", v);
		}
	}
	free(f);
	pd_buf_putc(&spec, '}');
	st = pd_buf_steal(&spec);
	pd_buf_done(&spec);
	if (!c->rc && !have_target)
		fail(c, PD_EPARSE, d->fname, &n->start_mark,
		     "a port in the long syntax needs \"target\"");
	if (!c->rc && ps.host_lo && ps.host_hi - ps.host_lo !=
	    ps.cont_hi - ps.cont_lo && ps.cont_hi != ps.cont_lo)
		fail(c, PD_EPARSE, d->fname, &n->start_mark,
		     "published and target ranges differ in length");
	if (!c->rc && !st)
		fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (!c->rc)
		add_entry(c, d, s, &ps, st, &n->start_mark);
	free(st);
	return c->rc;
}

static int service_ports(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = node(c, d, idx);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
	if (n->tag && (strcmp((const char *)n->tag, "!reset") == 0 ||
	               strcmp((const char *)n->tag, "!override") == 0))
		svc_clear_ports(s);
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, PD_EPARSE, d->fname, &n->start_mark,
		            "service \"%s\": ports must be a list", s->name);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = node(c, d, *it);
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
			return fail(c, PD_EPARSE, d->fname, &e->start_mark,
			            "service \"%s\": a port must be a string, a number "
			            "or a mapping", s->name);
		v = text_of(d, *it, e);
		if (pd_compose_port_parse_short(v, msg, sizeof(msg), &ps) < 0)
			return fail(c, PD_EPARSE, d->fname, &e->start_mark,
			            "service \"%s\": %s", s->name, msg);
		if (add_entry(c, d, s, &ps, v, &e->start_mark) < 0)
			return c->rc;
	}
	return 0;
}

static int service_profiles(ctx *c, doc *d, svc *s, int idx)
{
	yaml_node_t *n = node(c, d, idx);
	yaml_node_item_t *it;

	if (!n || is_null(n))
		return c->rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, PD_EPARSE, d->fname, &n->start_mark,
		            "service \"%s\": profiles must be a list", s->name);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *v = scalar(c, d, *it, "a profile");

		if (!v)
			return c->rc;
		if (!has_string(s->profiles, s->n_profiles, v) &&
		    add_string(&s->profiles, &s->n_profiles, v) < 0)
			return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	}
	return 0;
}

static int service(ctx *c, doc *d, const char *name, int idx)
{
	yaml_node_t *n = node(c, d, idx);
	pair *f = NULL;
	size_t nf = 0, i;
	svc *s;

	if (!n)
		return c->rc;
	if (!(s = find_svc(c, name)))
		return fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, PD_EPARSE, d->fname, &n->start_mark,
		            "service \"%s\" must be a mapping", name);
	if (flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	for (i = 0; i < nf && !c->rc; i++) {
		if (strcmp(f[i].key, "ports") == 0)
			service_ports(c, d, s, f[i].value);
		else if (strcmp(f[i].key, "profiles") == 0)
			service_profiles(c, d, s, f[i].value);
		else if (strcmp(f[i].key, "extends") == 0)
			warn(c, "service \"%s\": extends is not followed; ports it "
			     "would bring are not checked", name);
	}
	free(f);
	return c->rc;
}

static int file_model(ctx *c, doc *d)
{
	pair *top = NULL, *svcs = NULL;
	size_t nt = 0, ns = 0, i, k;
	yaml_node_t *root = yaml_document_get_root_node(&d->y);

	if (flatten(c, d, (int)(root - d->y.nodes.start) + 1, &top, &nt) < 0)
		return c->rc;
	for (i = 0; i < nt && !c->rc; i++) {
		yaml_node_t *v = node(c, d, top[i].value);

		if (!v)
			break;
		if (strcmp(top[i].key, "name") == 0 && !is_null(v)) {
			const char *t = scalar(c, d, top[i].value, "name");

			if (t) {
				free(c->name);
				if (!(c->name = pd__strdup(t)))
					fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
			}
		} else if (strcmp(top[i].key, "include") == 0) {
			warn(c, "%s: include is not followed; its services are not "
			     "checked", d->fname);
		} else if (strcmp(top[i].key, "services") == 0 && !is_null(v)) {
			if (v->type != YAML_MAPPING_NODE) {
				fail(c, PD_EPARSE, d->fname, &v->start_mark,
				     "services must be a mapping");
				break;
			}
			if (flatten(c, d, top[i].value, &svcs, &ns) < 0)
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
		    has_string(s->profiles, s->n_profiles, in->profiles[i]))
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
		if (add_string(&p->services, &p->n_services, s->name) < 0)
			return PD_ENOMEM;
		for (k = 0; k < s->n_ports; k++) {
			const entry *e = &s->ports[k];

			if (e->ps.sctp && e->ps.host_lo) {
				warn(c, "service \"%s\": sctp port %s is not checked",
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
		svc_clear_ports(&c->svcs[i]);
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
		if (load(&c, &docs[i], &in->files[i]) == 0)
			file_model(&c, &docs[i]);
	r = c.rc;
	if (!r)
		r = build(&c, p);
	if (r == PD_ENOMEM)
		snprintf(err, errsize, "out of memory");
out:
	for (i = 0; docs && i < in->n_files; i++)
		doc_done(&docs[i]);
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
