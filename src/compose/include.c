/*
 * include: and extends:, and the paths they name.
 *
 * The rules are compose-go's loader (include.go, extends.go, loader.go):
 * - A file is read as written, then its include: entries are loaded, each
 *   as a project of its own (its files merged in order, its includes and
 *   extends followed), and their services imported: a service the
 *   including file also defines is the imported one with the local one
 *   merged over it.  Then extends: is followed, so a service may extend an
 *   imported one.
 * - include paths, env_file and project_directory are relative to the
 *   including project's directory; the included project's directory is
 *   project_directory, else its first file's folder.  Its variables are
 *   the including project's, plus those of env_file (default: .env in its
 *   directory) for names not set already.
 * - extends: {file: F} is relative to the directory of the project that
 *   reads it, or to the folder of the file that extends from F in a chain;
 *   F's own includes are not followed.  The base is merged first, then the
 *   service's own keys over it, as a later -f file is.
 * - A file that includes itself through a chain, and a service that
 *   extends itself through a chain, are errors that name the chain.
 *
 * Paths are joined and cleaned as text ("a/./b/../c" is "a/c"); two
 * spellings of one file through a symbolic link are not recognized as
 * one, which only delays the cycle error until PD_COMPOSE_MAX_FILES.
 * The caller reads the files (pd_compose_input.read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "compose.h"
#include "compose_internal.h"

#define MAX_DEPTH 64 /* include nesting, and extends chains */

/* ------------------------------------------------------------- paths */

static bool is_sep(char ch)
{
	return ch == '/' || ch == '\\';
}

static bool is_abs(const char *p)
{
	return is_sep(p[0]) ||
	       (((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) &&
	        p[1] == ':' && is_sep(p[2]));
}

/* base joined with rel ("" is the current directory), "." and ".."
 * resolved, separators made '/'; malloc'ed. */
static char *path_join(const char *base, const char *rel)
{
	size_t bl = base && !is_abs(rel) ? strlen(base) : 0, rl = strlen(rel);
	size_t i = 0, n = 0, root = 0;
	char *in = malloc(bl + rl + 2), *out;

	if (!in)
		return NULL;
	memcpy(in, base, bl);
	in[bl] = '/';
	memcpy(in + bl + (bl ? 1 : 0), rel, rl + 1);
	out = malloc(strlen(in) + 2);
	if (!out) {
		free(in);
		return NULL;
	}
	if (in[0] && in[1] == ':' && is_sep(in[2])) {
		out[n++] = in[0];
		out[n++] = ':';
		i = 2;
	}
	if (is_sep(in[i]))
		out[n++] = '/';
	root = n;
	while (in[i]) {
		size_t s, len;

		while (is_sep(in[i]))
			i++;
		s = i;
		while (in[i] && !is_sep(in[i]))
			i++;
		len = i - s;
		if (!len || (len == 1 && in[s] == '.'))
			continue;
		if (len == 2 && in[s] == '.' && in[s + 1] == '.') {
			size_t k = n;

			while (k > root && out[k - 1] != '/')
				k--;
			/* Drop the last part unless it is ".." itself, or nothing
			 * is left to drop ("/.." is "/"). */
			if (n > root && !(n - k == 2 && out[k] == '.' && out[k + 1] == '.')) {
				n = k > root ? k - 1 : root;
				continue;
			}
			if (root)
				continue;
		}
		if (n > root)
			out[n++] = '/';
		memcpy(out + n, in + s, len);
		n += len;
	}
	out[n] = '\0';
	free(in);
	return out;
}

/* The folder of a path, "" for a bare name; malloc'ed. */
static char *dir_of(const char *path)
{
	size_t n = strlen(path);

	while (n && !is_sep(path[n - 1]))
		n--;
	if (n > 1)
		n--;
	return pd__strndup(path, n);
}

/* path relative to the project directory dir when it lies inside it;
 * malloc'ed. */
static char *rel_name(const char *dir, const char *path)
{
	char *proj = path_join("", dir), *name;
	size_t pl;

	if (!proj)
		return NULL;
	pl = strlen(proj);
	if (strcmp(path, "-") == 0 || !pl)
		name = pd__strdup(path);
	else if (strncmp(path, proj, pl) == 0 && path[pl] == '/')
		name = pd__strdup(path + pl + 1);
	else if (strcmp(proj, "/") == 0 && path[0] == '/' && path[1])
		name = pd__strdup(path + 1);
	else
		name = pd__strdup(path);
	free(proj);
	return name;
}

const char *pd__compose_name(ctx *c, const char *path)
{
	char *name = rel_name(c->in->project_dir ? c->in->project_dir : "", path);
	size_t i;

	for (i = 0; name && i < c->n_names; i++)
		if (strcmp(c->names[i], name) == 0) {
			free(name);
			return c->names[i];
		}
	if (name && pd__compose_add_string(&c->names, &c->n_names, name) == 0) {
		free(name);
		return c->names[c->n_names - 1];
	}
	free(name);
	if (!c->rc)
		pd__compose_fail(c, PD_ENOMEM, path, NULL, "out of memory");
	return NULL;
}

/* ----------------------------------------------------------- loading */

/* The include chain: the files that (through include:) load this one. */
typedef struct chain {
	const char *path;
	const struct chain *up;
	int depth;
} chain;

/* The extends chain: service in file, down to the one being resolved. */
typedef struct ext_ref {
	const char *path;
	const char *service;
	const struct ext_ref *up;
	int depth;
} ext_ref;

/* Where a file is read: the directory its relative paths start from and
 * the variables it is interpolated with. */
typedef struct where {
	const char *dir;
	const pd_compose_env *env;
} where;

static yaml_mark_t mark_at(int line, int column)
{
	yaml_mark_t m;

	memset(&m, 0, sizeof(m));
	m.line = line > 0 ? (size_t)line - 1 : 0;
	m.column = column > 0 ? (size_t)column - 1 : 0;
	return m;
}

/* Reads path through the caller; PD_ENOENT is returned quietly when
 * quiet is set (an optional .env), every other failure is recorded. */
static int read_path(ctx *c, const char *at, const yaml_mark_t *m,
                     const char *path, bool quiet, char **text, size_t *len)
{
	char msg[400] = "";
	int r;

	if (!c->in->read && quiet)
		return PD_ENOENT;
	if (!c->in->read)
		return pd__compose_fail(c, PD_EINVAL, at, m,
		                        "cannot read %s: no file reader", path);
	if (++c->n_loaded > PD_COMPOSE_MAX_FILES)
		return pd__compose_fail(c, PD_ETOOBIG, at, m,
		                        "more than %u files through include and "
		                        "extends", PD_COMPOSE_MAX_FILES);
	r = c->in->read(c->in->read_ud, path, msg, sizeof(msg), text, len);
	if (r == PD_ENOENT && quiet)
		return r;
	if (r < 0)
		return pd__compose_fail(c, r == PD_ENOMEM ? r : PD_EPARSE, at, m,
		                        "cannot read %s", *msg ? msg : path);
	return 0;
}

/* Loads the file at path (or f, a top-level file handed in) into d,
 * interpolated with env; d->fname is its interned message name. */
static int load_doc(ctx *c, doc *d, const char *path, const pd_compose_file *f,
                    const pd_compose_env *env, const char *at,
                    const yaml_mark_t *m)
{
	pd_compose_file file;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(d, 0, sizeof(*d));
	if (!(file.name = pd__compose_name(c, path)))
		return c->rc;
	if (f) {
		file.text = f->text;
		file.len = f->len;
	} else if (read_path(c, at, m, path, false, &text, &len) < 0) {
		return c->rc;
	} else {
		file.text = text;
		file.len = len;
	}
	c->env = env;
	r = pd__compose_load(c, d, &file);
	free(text);
	return r;
}

static int load_model(ctx *c, const char *path, const pd_compose_file *f,
                      const where *w, const chain *up, const char *at,
                      const yaml_mark_t *m, svcs *out);

/* Moves the services of from into to: a service both have becomes from's
 * with to's merged over it (and keeps to's extends). */
static int import(ctx *c, svcs *to, svcs *from)
{
	size_t i;

	for (i = 0; i < from->n && !c->rc; i++) {
		svc *have = pd__compose_svcs_find(to, from->v[i].name), *arr;

		if (have) {
			svc merged = from->v[i];

			memset(&from->v[i], 0, sizeof(from->v[i]));
			pd__compose_svc_merge(c, &merged, have);
			merged.ext_service = have->ext_service;
			merged.ext_file = have->ext_file;
			merged.ext_at = have->ext_at;
			merged.ext_line = have->ext_line;
			merged.ext_column = have->ext_column;
			merged.ports_reset = have->ports_reset;
			merged.expose_reset = have->expose_reset;
			have->ext_service = have->ext_file = NULL;
			pd__compose_svc_done(have);
			*have = merged;
			continue;
		}
		arr = pd__reallocarray(to->v, to->n + 1, sizeof(*arr));
		if (!arr)
			return pd__compose_fail(c, PD_ENOMEM, "compose", NULL,
			                        "out of memory");
		to->v = arr;
		arr[to->n++] = from->v[i];
		memset(&from->v[i], 0, sizeof(from->v[i]));
	}
	return c->rc;
}

/* A string or a list of strings (path, env_file) into *list. */
static int strings_of(ctx *c, doc *d, int idx, const char *what,
                      char ***list, size_t *n)
{
	yaml_node_t *v = pd__compose_node(c, d, idx);
	yaml_node_item_t *it;
	const char *s;

	if (!v)
		return c->rc;
	if (v->type != YAML_SEQUENCE_NODE) {
		if (!(s = pd__compose_scalar(c, d, idx, what)))
			return c->rc;
		if (pd__compose_add_string(list, n, s) < 0)
			return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		return 0;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		if (!(s = pd__compose_scalar(c, d, *it, what)))
			return c->rc;
		if (pd__compose_add_string(list, n, s) < 0)
			return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	}
	return 0;
}

/* One include: entry, as written. */
typedef struct incl {
	char **paths;
	size_t n_paths;
	char **env_files;
	size_t n_env_files;
	char *project_dir;
} incl;

static void incl_done(incl *e)
{
	size_t i;

	for (i = 0; i < e->n_paths; i++)
		free(e->paths[i]);
	free(e->paths);
	for (i = 0; i < e->n_env_files; i++)
		free(e->env_files[i]);
	free(e->env_files);
	free(e->project_dir);
}

static int read_incl(ctx *c, doc *d, int idx, yaml_node_t *n, incl *e)
{
	pair *f = NULL;
	size_t nf = 0, i;
	const char *v;

	if (n->type == YAML_SCALAR_NODE)
		return strings_of(c, d, idx, "an include path", &e->paths,
		                  &e->n_paths);
	if (n->type != YAML_MAPPING_NODE)
		return pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                        "an include entry must be a path or a mapping");
	if (pd__compose_flatten(c, d, idx, &f, &nf) < 0)
		return c->rc;
	for (i = 0; i < nf && !c->rc; i++) {
		if (strcmp(f[i].key, "path") == 0) {
			strings_of(c, d, f[i].value, "path", &e->paths, &e->n_paths);
		} else if (strcmp(f[i].key, "env_file") == 0) {
			strings_of(c, d, f[i].value, "env_file", &e->env_files,
			           &e->n_env_files);
		} else if (strcmp(f[i].key, "project_directory") == 0) {
			if ((v = pd__compose_scalar(c, d, f[i].value, "project_directory")) &&
			    !(e->project_dir = pd__strdup(v)))
				pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		} else {
			pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
			                 "unknown key \"%s\" in an include entry (path, "
			                 "env_file or project_directory)", f[i].key);
		}
	}
	free(f);
	if (!c->rc && !e->n_paths)
		pd__compose_fail(c, PD_EPARSE, d->fname, &n->start_mark,
		                 "an include entry needs a path");
	return c->rc;
}

/* The variables of an included project: env, then the env files' lines
 * for names env does not set (first entry wins).  *owned gets the lines
 * to free; vars borrows env's. */
static int include_env(ctx *c, doc *d, const yaml_mark_t *m, const incl *e,
                       const where *w, const char *proj,
                       const pd_compose_env *env, char ***owned,
                       size_t *n_owned, char ***vars)
{
	size_t i, n_files = e->n_env_files ? e->n_env_files : 1;
	char **all;

	for (i = 0; i < n_files && !c->rc; i++) {
		char *path, *text = NULL, msg[300] = "";
		size_t len = 0;
		int r;

		if (e->n_env_files && strcmp(e->env_files[i], "/dev/null") == 0)
			continue;
		path = e->n_env_files ? path_join(w->dir, e->env_files[i]) :
		       path_join(proj, ".env");
		if (!path)
			return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		r = read_path(c, d->fname, m, path, !e->n_env_files, &text, &len);
		if (r == 0) {
			pd_compose_env cur = *env;

			r = pd_compose_env_file_parse(text, len, &cur, msg, sizeof(msg),
			                              owned, n_owned);
			if (r < 0)
				pd__compose_fail(c, r, d->fname, m, "%s: %s", path, msg);
		}
		free(text);
		free(path);
	}
	if (c->rc)
		return c->rc;
	all = pd__reallocarray(NULL, env->n_vars + *n_owned + 1, sizeof(*all));
	if (!all)
		return pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
	if (env->n_vars)
		memcpy(all, env->vars, env->n_vars * sizeof(*all));
	if (*n_owned)
		memcpy(all + env->n_vars, *owned, *n_owned * sizeof(*all));
	*vars = all;
	return 0;
}

/* "include cycle: a includes b includes a", from the top of the chain. */
static int cycle_error(ctx *c, doc *d, const yaml_mark_t *m, const chain *up,
                       const char *path)
{
	const char *names[MAX_DEPTH + 1];
	const chain *k;
	size_t n = 0;
	pd_buf b;
	char *msg;

	for (k = up; k && n < MAX_DEPTH; k = k->up)
		names[n++] = k->path;
	pd_buf_init(&b, 8192);
	while (n--) {
		pd_buf_puts(&b, pd__compose_name(c, names[n]));
		pd_buf_puts(&b, " includes ");
	}
	pd_buf_puts(&b, pd__compose_name(c, path));
	msg = pd_buf_steal(&b);
	pd_buf_done(&b);
	pd__compose_fail(c, msg ? PD_EPARSE : PD_ENOMEM, d->fname, m,
	                 "include cycle: %s", msg ? msg : "?");
	free(msg);
	return c->rc;
}

static int include_one(ctx *c, doc *d, int idx, const where *w,
                       const chain *up, svcs *local)
{
	yaml_node_t *n = pd__compose_node(c, d, idx);
	incl e;
	char *proj = NULL, **owned = NULL, **vars = NULL, *first = NULL;
	size_t n_owned = 0, i;
	pd_compose_env env;
	where sub;
	const chain *k;
	svcs model = {NULL, 0};

	if (!n)
		return c->rc;
	memset(&e, 0, sizeof(e));
	if (read_incl(c, d, idx, n, &e) < 0)
		goto out;
	if (!(first = path_join(w->dir, e.paths[0])) ||
	    !(proj = e.project_dir ? path_join(w->dir, e.project_dir) :
	             dir_of(first))) {
		pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
		goto out;
	}
	for (k = up; k; k = k->up)
		if (strcmp(k->path, first) == 0) {
			cycle_error(c, d, &n->start_mark, up, first);
			goto out;
		}
	if (up && up->depth >= MAX_DEPTH) {
		pd__compose_fail(c, PD_ETOOBIG, d->fname, &n->start_mark,
		                 "includes nested more than %d deep", MAX_DEPTH);
		goto out;
	}
	if (include_env(c, d, &n->start_mark, &e, w, proj, w->env, &owned,
	                &n_owned, &vars) < 0)
		goto out;
	env.vars = vars;
	env.n_vars = w->env->n_vars + n_owned;
	sub.dir = proj;
	sub.env = &env;
	for (i = 0; i < e.n_paths && !c->rc; i++) {
		svcs one = {NULL, 0};
		char *path = path_join(w->dir, e.paths[i]);
		size_t j;

		if (!path) {
			pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
			break;
		}
		load_model(c, path, NULL, &sub, up, d->fname, &n->start_mark, &one);
		for (j = 0; j < one.n && !c->rc; j++) {
			svc *s = pd__compose_svcs_get(c, &model, one.v[j].name);

			if (!s)
				pd__compose_fail(c, PD_ENOMEM, d->fname, NULL, "out of memory");
			else
				pd__compose_svc_merge(c, s, &one.v[j]);
		}
		pd__compose_svcs_done(&one);
		free(path);
	}
	if (!c->rc)
		import(c, local, &model);
out:
	pd__compose_svcs_done(&model);
	pd_compose_vars_free(owned, n_owned);
	free(vars);
	free(first);
	free(proj);
	incl_done(&e);
	return c->rc;
}

static int apply_includes(ctx *c, doc *d, int idx, const where *w,
                          const chain *up, svcs *local)
{
	yaml_node_t *n = pd__compose_list(c, d, idx, NULL, "include", NULL);
	yaml_node_item_t *it;

	if (!n)
		return c->rc;
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top && !c->rc; it++)
		include_one(c, d, *it, w, up, local);
	return c->rc;
}

/* ----------------------------------------------------------- extends */

static int resolve(ctx *c, svcs *list, size_t i, const char *path,
                   const where *w, const ext_ref *up);

static int ext_cycle(ctx *c, const svc *s, const char *path,
                     const ext_ref *up, const yaml_mark_t *m)
{
	const ext_ref *names[MAX_DEPTH + 1];
	const ext_ref *k;
	size_t n = 0;
	pd_buf b;
	char *msg;

	for (k = up; k && n <= MAX_DEPTH; k = k->up)
		names[n++] = k;
	pd_buf_init(&b, 8192);
	while (n--)
		pd_buf_printf(&b, "%s (%s) extends ", names[n]->service,
		              pd__compose_name(c, names[n]->path));
	pd_buf_printf(&b, "%s (%s)", s->name, pd__compose_name(c, path));
	msg = pd_buf_steal(&b);
	pd_buf_done(&b);
	pd__compose_fail(c, msg ? PD_EPARSE : PD_ENOMEM, s->ext_at, m,
	                 "extends cycle: %s", msg ? msg : "?");
	free(msg);
	return c->rc;
}

/* The base of s from another file: that file's services as written
 * (no include), the base resolved in them, copied into *ret. */
static int base_from_file(ctx *c, svc *s, const where *w, const ext_ref *me,
                          const yaml_mark_t *m, svc *ret)
{
	char *fpath = path_join(w->dir, s->ext_file), *fdir = NULL;
	svcs other = {NULL, 0};
	svc *base;
	where fw;
	doc d;
	int inc;

	if (!fpath || !(fdir = dir_of(fpath))) {
		pd__compose_fail(c, PD_ENOMEM, s->ext_at, NULL, "out of memory");
		goto out;
	}
	if (load_doc(c, &d, fpath, NULL, w->env, s->ext_at, m) == 0)
		pd__compose_file_services(c, &d, false, &other, &inc);
	pd__compose_doc_done(&d);
	if (c->rc)
		goto out;
	if (!(base = pd__compose_svcs_find(&other, s->ext_service))) {
		pd__compose_fail(c, PD_EPARSE, s->ext_at, m,
		                 "service \"%s\" extends \"%s\", which %s does not "
		                 "define", s->name, s->ext_service,
		                 pd__compose_name(c, fpath));
		goto out;
	}
	fw.dir = fdir;
	fw.env = w->env;
	if (resolve(c, &other, (size_t)(base - other.v), fpath, &fw, me) == 0)
		pd__compose_svc_merge(c, ret, &other.v[base - other.v]);
out:
	pd__compose_svcs_done(&other);
	free(fpath);
	free(fdir);
	return c->rc;
}

/* Follows the extends of list->v[i] (in the file at path), base first:
 * the service becomes its base with its own keys merged over. */
static int resolve(ctx *c, svcs *list, size_t i, const char *path,
                   const where *w, const ext_ref *up)
{
	svc *s = &list->v[i], merged;
	yaml_mark_t m = mark_at(s->ext_line, s->ext_column);
	const ext_ref *k;
	ext_ref me;

	if (!s->ext_service)
		return c->rc;
	for (k = up; k; k = k->up)
		if (strcmp(k->path, path) == 0 && strcmp(k->service, s->name) == 0)
			return ext_cycle(c, s, path, up, &m);
	if (up && up->depth >= MAX_DEPTH)
		return pd__compose_fail(c, PD_ETOOBIG, s->ext_at, &m,
		                        "extends chained more than %d deep", MAX_DEPTH);
	me.path = path;
	me.service = s->name;
	me.up = up;
	me.depth = up ? up->depth + 1 : 1;
	memset(&merged, 0, sizeof(merged));
	if (!(merged.name = pd__strdup(s->name)))
		return pd__compose_fail(c, PD_ENOMEM, s->ext_at, NULL, "out of memory");
	if (s->ext_file) {
		base_from_file(c, s, w, &me, &m, &merged);
	} else {
		svc *base = pd__compose_svcs_find(list, s->ext_service);

		if (!base)
			pd__compose_fail(c, PD_EPARSE, s->ext_at, &m,
			                 "service \"%s\" extends \"%s\", which is not "
			                 "defined", s->name, s->ext_service);
		else if (resolve(c, list, (size_t)(base - list->v), path, w, &me) == 0)
			/* resolve() keeps list in place: s and base stay valid. */
			pd__compose_svc_merge(c, &merged, base);
	}
	if (!c->rc)
		pd__compose_svc_merge(c, &merged, s);
	if (c->rc) {
		pd__compose_svc_done(&merged);
		return c->rc;
	}
	merged.ports_reset = s->ports_reset;
	merged.expose_reset = s->expose_reset;
	pd__compose_svc_done(s);
	*s = merged;
	return 0;
}

/* ------------------------------------------------------------ models */

static int load_model(ctx *c, const char *path, const pd_compose_file *f,
                      const where *w, const chain *up, const char *at,
                      const yaml_mark_t *m, svcs *out)
{
	chain me = {path, up, up ? up->depth + 1 : 1};
	doc d;
	int inc = 0;
	size_t i;

	if (load_doc(c, &d, path, f, w->env, at, m) == 0 &&
	    pd__compose_file_services(c, &d, f != NULL, out, &inc) == 0 && inc)
		apply_includes(c, &d, inc, w, &me, out);
	pd__compose_doc_done(&d);
	for (i = 0; i < out->n && !c->rc; i++)
		resolve(c, out, i, path, w, NULL);
	return c->rc;
}

int pd__compose_load_model(ctx *c, const pd_compose_file *f, svcs *out)
{
	const char *dir = c->in->project_dir ? c->in->project_dir : "";
	char *path = strcmp(f->name, "-") == 0 ? pd__strdup(f->name) :
	             path_join("", f->name);
	where w;
	int r;

	if (!path)
		return pd__compose_fail(c, PD_ENOMEM, f->name, NULL, "out of memory");
	w.dir = dir;
	w.env = &c->in->env;
	r = load_model(c, path, f, &w, NULL, f->name, NULL, out);
	free(path);
	return r;
}
