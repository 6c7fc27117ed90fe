/*
 * Loading one Compose file and walking its YAML document.
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
 * field is one portdoctor does not use.  The errors and warnings of one
 * parse (pd__compose_fail, pd__compose_warn) are kept here too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/buf.h"
#include "compose.h"
#include "compose_internal.h"

#define MERGE_DEPTH 32
/* Deeper nesting than any Compose file needs (a service's ports list sits
 * at depth 4); past it the file is rejected. */
#define MAX_NESTING 256

int pd__compose_fail(ctx *c, int rc, const char *file, const yaml_mark_t *m,
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

int pd__compose_add_string(char ***arr, size_t *n, const char *s)
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

bool pd__compose_has_string(char *const *arr, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

void pd__compose_warn(ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!pd__compose_has_string(c->warnings, c->n_warnings, msg) &&
	    pd__compose_add_string(&c->warnings, &c->n_warnings, msg) < 0 && !c->rc)
		c->rc = PD_ENOMEM;
}

/* A node by index, counted against the visit ceiling. */
yaml_node_t *pd__compose_node(ctx *c, doc *d, int idx)
{
	yaml_node_t *n;

	if (c->rc)
		return NULL;
	if (++c->visits > PD_COMPOSE_MAX_VISITS) {
		pd__compose_fail(c, PD_ETOOBIG, d->fname, NULL,
		                 "more than %u nodes visited "
		                 "(aliases expanding without end?)", PD_COMPOSE_MAX_VISITS);
		return NULL;
	}
	n = yaml_document_get_node(&d->y, idx);
	if (!n)
		pd__compose_fail(c, PD_EPARSE, d->fname, NULL, "broken node reference");
	return n;
}

/* The text of a scalar value after interpolation. */
const char *pd__compose_text_of(doc *d, int idx, yaml_node_t *n)
{
	if (idx >= 1 && (size_t)idx <= d->n_nodes && d->values[idx - 1])
		return d->values[idx - 1];
	return (const char *)n->data.scalar.value;
}

bool pd__compose_is_null(const yaml_node_t *n)
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
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
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
		                           n->data.scalar.length, c->env, unset,
		                           sizeof(unset), msg, sizeof(msg),
		                           &d->values[i]);
		if (r < 0)
			return pd__compose_fail(c, r, d->fname, &n->start_mark, "%s", msg);
		if (unset[0])
			pd__compose_warn(c,
			                 "the \"%s\" variable is not set; defaulting to a blank "
			                 "string", unset);
	}
	return c->rc;
}

/* libyaml has no nesting limit: its scanner looks at every open level on
 * each token (quadratic time: 80,000 nested "[" took 29 s) and its loader
 * recurses once per level.  So a first pass over the events counts the
 * depth and stops at MAX_NESTING, which bounds the scanner's work per
 * token and keeps the whole check linear in the text.  Syntax errors are
 * left to the loader, which reports them with their context. */
static int check_nesting(ctx *c, const pd_compose_file *f)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return pd__compose_fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)f->text, f->len);
	while (!done && !c->rc && yaml_parser_parse(&p, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > MAX_NESTING)
				pd__compose_fail(c, PD_ETOOBIG, f->name, &ev.start_mark,
				                 "nested deeper than %d levels",
				                 MAX_NESTING);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return c->rc;
}

int pd__compose_load(ctx *c, doc *d, const pd_compose_file *f)
{
	yaml_parser_t p;
	yaml_node_t *root;
	int ok;

	d->fname = f->name;
	if (f->len > PD_COMPOSE_MAX_BYTES)
		return pd__compose_fail(c, PD_ETOOBIG, f->name, NULL,
		                        "larger than %u bytes",
		                        PD_COMPOSE_MAX_BYTES);
	if (check_nesting(c, f) < 0)
		return c->rc;
	if (!yaml_parser_initialize(&p))
		return pd__compose_fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)f->text, f->len);
	ok = yaml_parser_load(&p, &d->y);
	if (!ok) {
		const yaml_mark_t *m = &p.problem_mark;

		if (p.error == YAML_MEMORY_ERROR)
			pd__compose_fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
		else if (p.context)
			pd__compose_fail(c, PD_EPARSE, f->name, m,
			                 "invalid YAML: %s (%s at line "
			                 "%zu, column %zu)", p.problem ? p.problem : "error",
			                 p.context, (size_t)p.context_mark.line + 1,
			                 (size_t)p.context_mark.column + 1);
		else
			pd__compose_fail(c, PD_EPARSE, f->name, m, "invalid YAML: %s",
			                 p.problem ? p.problem : "error");
		yaml_parser_delete(&p);
		return c->rc;
	}
	yaml_parser_delete(&p);
	d->loaded = true;
	root = yaml_document_get_root_node(&d->y);
	if (!root)
		return pd__compose_fail(c, PD_EPARSE, f->name, NULL,
		                        "empty compose file");
	if (root->type != YAML_MAPPING_NODE)
		return pd__compose_fail(c, PD_EPARSE, f->name, &root->start_mark,
		                        "the top level must be a mapping");
	return interpolate_doc(c, d);
}

void pd__compose_doc_done(doc *d)
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
	yaml_node_t *m = pd__compose_node(c, d, idx);
	yaml_node_item_t *it;

	if (!m)
		return c->rc;
	if (m->type == YAML_MAPPING_NODE)
		return flatten_into(c, d, idx, depth + 1, ps, n);
	if (m->type != YAML_SEQUENCE_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &m->start_mark,
		                        "a merge key (<<) needs a mapping or a list of them");
	for (it = m->data.sequence.items.start; it < m->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = pd__compose_node(c, d, *it);

		if (!e)
			return c->rc;
		if (e->type != YAML_MAPPING_NODE)
			return pd__compose_fail(c, PD_EPARSE, d->fname, &e->start_mark,
			                        "a merge key (<<) list may hold only mappings");
		if (flatten_into(c, d, *it, depth + 1, ps, n) < 0)
			return c->rc;
	}
	return 0;
}

static int flatten_into(ctx *c, doc *d, int idx, int depth, pair **ps,
                        size_t *n)
{
	yaml_node_t *m = pd__compose_node(c, d, idx);
	yaml_node_pair_t *p;
	int pass;

	if (!m)
		return c->rc;
	if (depth > MERGE_DEPTH)
		return pd__compose_fail(c, PD_ETOOBIG, d->fname, &m->start_mark,
		                        "merge keys nested too deeply");
	/* Own keys first, then merged ones, so the mapping's own win. */
	for (pass = 0; pass < 2; pass++) {
		for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
		     p++) {
			yaml_node_t *k = pd__compose_node(c, d, p->key);
			const char *kt;
			bool merge;
			pair *arr;

			if (!k)
				return c->rc;
			if (k->type != YAML_SCALAR_NODE)
				return pd__compose_fail(c, PD_EPARSE, d->fname, &k->start_mark,
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
				return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL,
				                        "out of memory");
			*ps = arr;
			arr[*n].key = kt;
			arr[(*n)++].value = p->value;
		}
	}
	return 0;
}

/* The pairs of the mapping at idx with merge keys resolved; *ret is
 * malloc'ed (NULL when empty). */
int pd__compose_flatten(ctx *c, doc *d, int idx, pair **ret, size_t *ret_n)
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

/* A scalar field's text, or NULL (with an error) when it is not one. */
const char *pd__compose_scalar(ctx *c, doc *d, int idx, const char *what)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);

	if (!n)
		return NULL;
	if (n->type != YAML_SCALAR_NODE) {
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "%s must be a scalar",
		                 what);
		return NULL;
	}
	return pd__compose_text_of(d, idx, n);
}
