/*
 * portdoctor compose: find and read a Compose project the way Docker
 * Compose does, then check every host port its enabled services would
 * publish, as check does, plus clashes inside the project.
 *
 * The files: each -f FILE, else COMPOSE_FILE, else the first of
 * compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml found
 * in the project directory or a parent, followed by its override file; when
 * a folder holds more than one, a warning says which was used, as the
 * Compose CLI does.  Included and extended files are read here too, for
 * the parser (pd_compose_input.read).  sctp ports are bind-tested here
 * (pd_probe_sctp_bind_test), since a check target has no sctp.  The
 * project directory is --project-directory, else the first file's folder.
 * Variables come from the process environment, then .env in the project
 * directory (or --env-file): the process wins, as in Compose.  Parsing is
 * in src/core (compose/parse.c); this file only reads and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#define getcwd _getcwd
#define environ _environ
#else
#include <unistd.h>
extern char **environ;
#endif

#include "cli.h"
#include "compose/compose.h"
#include "core/i18n.h"
#include "probe/probe.h"

#define MAX_FILES 64

/* compose-go cli/options.go DefaultFileNames, in its order of preference. */
static const char *const default_names[] = {
	"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
};
static const char *const override_names[] = {
	"compose.override.yml", "compose.override.yaml",
	"docker-compose.override.yml", "docker-compose.override.yaml",
};

typedef struct project_in {
	char *paths[MAX_FILES]; /* malloc'ed */
	size_t n_paths;
	char *texts[MAX_FILES];
	pd_compose_file files[MAX_FILES];
	char *dir; /* project directory as given or found, malloc'ed */
	char **vars; /* environment then .env, "KEY=VALUE" */
	size_t n_vars, n_env;
	char *profiles_buf;
	char *profiles[MAX_FILES];
	size_t n_profiles;
	char *notes[2]; /* "found multiple ... using ...", malloc'ed */
} project_in;

static void project_in_done(project_in *p)
{
	size_t i;

	for (i = 0; i < p->n_paths; i++) {
		free(p->paths[i]);
		free(p->texts[i]);
	}
	free(p->dir);
	/* The environment part of vars is borrowed, the .env part owned. */
	for (i = p->n_env; i < p->n_vars; i++)
		free(p->vars[i]);
	free(p->vars);
	free(p->profiles_buf);
	free(p->notes[0]);
	free(p->notes[1]);
}

static bool is_sep(char c)
{
	return c == '/' || c == '\\';
}

static char *join(const char *dir, const char *name)
{
	size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
	char *s = malloc(dl + nl + 2);

	if (!s)
		return NULL;
	if (dl) {
		memcpy(s, dir, dl);
		if (!is_sep(dir[dl - 1]))
			s[dl++] = '/';
	}
	memcpy(s + dl, name, nl + 1);
	return s;
}

static bool exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f)
		fclose(f);
	return f != NULL;
}

/* The folder part of a path ("" for a bare name), malloc'ed. */
static char *dir_of(const char *path)
{
	size_t n = strlen(path);

	while (n && !is_sep(path[n - 1]))
		n--;
	while (n > 1 && is_sep(path[n - 1]))
		n--;
	return pd__strndup(path, n);
}

static int add_path(project_in *p, const char *path)
{
	if (p->n_paths >= MAX_FILES) {
		cli_error(_("too many compose files (at most %d)"), MAX_FILES);
		return EXIT_USAGE;
	}
	if (!(p->paths[p->n_paths] = pd__strdup(path))) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	p->n_paths++;
	return EXIT_OK;
}

/* The first of names present in dir (dir "" = here), or NULL; when more
 * are present, *note says which one is used. */
static char *first_in(const char *dir, const char *const *names, size_t n,
                      const char *what, char **note)
{
	char *path = NULL, found[256] = "";
	size_t i, n_found = 0;

	for (i = 0; i < n; i++) {
		char *p = join(dir, names[i]);

		if (!p)
			break;
		if (exists(p)) {
			snprintf(found + strlen(found), sizeof(found) - strlen(found),
			         "%s%s", n_found++ ? ", " : "", names[i]);
			if (!path) {
				path = p;
				continue;
			}
		}
		free(p);
	}
	if (n_found > 1 && note && !*note) {
		char buf[512];
		const char *used = path + strlen(path);

		while (used > path && !is_sep(used[-1]))
			used--;
		snprintf(buf, sizeof(buf), "found multiple %s with supported names: "
		         "%s; using %s", what, found, used);
		*note = pd__strdup(buf);
	}
	return path;
}

static char *default_in(const char *dir, char **note)
{
	return first_in(dir, default_names,
	                sizeof(default_names) / sizeof(*default_names),
	                "config files", note);
}

static char *absolute(const char *path)
{
	char buf[4096];

#ifdef _WIN32
	if (!_fullpath(buf, *path ? path : ".", sizeof(buf)))
		return NULL;
#else
	if (!realpath(*path ? path : ".", buf))
		return NULL;
#endif
	return pd__strdup(buf);
}

/* The default file in start or, as Compose, in one of its parents (named
 * by absolute path then); its override file follows it. */
static int find_default(project_in *p, const char *start)
{
	char *path = default_in(start ? start : "", &p->notes[0]), *dir = NULL;
	int ex;

	if (!path && (dir = absolute(start ? start : "")) != NULL) {
		for (;;) {
			size_t n = strlen(dir);

			while (n && !is_sep(dir[n - 1]))
				n--;
			if (n <= 1 || (n == 3 && dir[1] == ':')) { /* "/" or "C:\" */
				dir[n] = '\0';
				break;
			}
			dir[n - 1] = '\0';
			if ((path = default_in(dir, &p->notes[0])) != NULL)
				break;
		}
		if (!path && *dir)
			path = default_in(dir, &p->notes[0]); /* the root itself */
		free(dir);
	}
	if (!path) {
		cli_error(_("no compose file found in %s or its parents (looked "
		            "for compose.yaml, compose.yml, docker-compose.yaml, "
		            "docker-compose.yml); name one with -f FILE"),
		          start && *start ? start : ".");
		return EXIT_USAGE;
	}
	ex = add_path(p, path);
	if (!ex && !p->dir && !(p->dir = dir_of(path)))
		ex = EXIT_PROBE;
	if (!ex) {
		char *d = dir_of(path), *o = d ?
		          first_in(d, override_names, sizeof(override_names) /
		                   sizeof(*override_names), "override files",
		                   &p->notes[1]) : NULL;

		if (o)
			ex = add_path(p, o);
		free(d);
		free(o);
	}
	free(path);
	return ex;
}

static int add_var_list(project_in *p, char *kv)
{
	char **a = pd__reallocarray(p->vars, p->n_vars + 1, sizeof(*a));

	if (!a)
		return -1;
	p->vars = a;
	a[p->n_vars++] = kv;
	return 0;
}

static int load_env(const cli_opts *o, project_in *p)
{
	char **e, err[512] = "", *text = NULL, *path, **dot = NULL;
	size_t len = 0, n_dot = 0, i;
	pd_compose_env env;
	int r;

	for (e = environ; e && *e; e++)
		if (strchr(*e, '=') && add_var_list(p, *e) < 0)
			goto nomem;
	p->n_env = p->n_vars;
	path = o->env_file ? pd__strdup(o->env_file) : join(p->dir, ".env");
	if (!path)
		goto nomem;
	if (!o->env_file && !exists(path)) {
		free(path);
		return EXIT_OK;
	}
	r = pd_probe_read_file(path, PD_COMPOSE_MAX_BYTES, err, sizeof(err),
	                       &text, &len);
	if (r < 0) {
		cli_error(_("cannot read the env file %s"), err);
		free(path);
		return r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
	}
	/* The .env lines go to a list of their own: env borrows p->vars,
	 * which must not move while it is read. */
	env.vars = p->vars;
	env.n_vars = p->n_env;
	r = pd_compose_env_file_parse(text, len, &env, err, sizeof(err), &dot,
	                              &n_dot);
	free(text);
	if (r < 0) {
		cli_error("%s: %s", path, r == PD_ENOMEM ? pd_strerror(r) : err);
		free(path);
		pd_compose_vars_free(dot, n_dot);
		return r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
	}
	free(path);
	for (i = 0; i < n_dot; i++) {
		if (add_var_list(p, dot[i]) < 0) {
			for (; i < n_dot; i++)
				free(dot[i]);
			free(dot);
			goto nomem;
		}
	}
	free(dot);
	return EXIT_OK;
nomem:
	cli_error(_("out of memory"));
	return EXIT_PROBE;
}

static const char *var(const project_in *p, const char *key)
{
	pd_compose_env env = {p->vars, p->n_vars};

	return pd_compose_env_get(&env, key, strlen(key));
}

/* COMPOSE_FILE: paths separated by ':' (';' on Windows, as Compose). */
static int files_from_env(project_in *p, const char *list)
{
#ifdef _WIN32
	const char sep = ';';
#else
	const char sep = ':';
#endif
	const char *s = list;
	int ex = EXIT_OK;

	while (!ex && *s) {
		const char *e = strchr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *one = pd__strndup(s, n);

		if (!one)
			return EXIT_PROBE;
		if (*one)
			ex = add_path(p, one);
		free(one);
		s += n + (e ? 1 : 0);
	}
	return ex;
}

static void split_profiles(project_in *p, const char *list)
{
	char *s, *tok;

	p->profiles_buf = pd__strdup(list);
	for (s = p->profiles_buf; s && p->n_profiles < MAX_FILES; s = tok) {
		tok = strchr(s, ',');
		if (tok)
			*tok++ = '\0';
		if (*s)
			p->profiles[p->n_profiles++] = s;
	}
}

static char *base_name(const char *dir)
{
	char abs[4096];
	const char *d = dir && *dir ? dir : ".";
	size_t n;

#ifdef _WIN32
	if (_fullpath(abs, d, sizeof(abs)))
		d = abs;
#else
	if (realpath(d, abs))
		d = abs;
#endif
	n = strlen(d);
	while (n > 1 && is_sep(d[n - 1]))
		n--;
	while (n && !is_sep(d[n - 1]) && d[n - 1] != ':')
		n--;
	return pd__strdup(d + n);
}

/* Files, texts and variables of the project; an exit status. */
static int gather(const cli_opts *o, project_in *p)
{
	char err[512];
	size_t i;
	int ex = EXIT_OK, r;

	if (o->project_dir && !(p->dir = pd__strdup(o->project_dir)))
		return EXIT_PROBE;
	if (o->n_compose_files) {
		for (i = 0; !ex && i < o->n_compose_files; i++)
			ex = add_path(p, o->compose_files[i]);
	} else if (getenv("COMPOSE_FILE") && *getenv("COMPOSE_FILE")) {
		ex = files_from_env(p, getenv("COMPOSE_FILE"));
	} else {
		ex = find_default(p, o->project_dir);
	}
	if (ex)
		return ex;
	if (!p->dir && !(p->dir = strcmp(p->paths[0], "-") == 0 ?
	                 pd__strdup("") : dir_of(p->paths[0])))
		return EXIT_PROBE;
	for (i = 0; i < p->n_paths; i++) {
		size_t len = 0;

		r = pd_probe_read_file(p->paths[i], PD_COMPOSE_MAX_BYTES, err,
		                       sizeof(err), &p->texts[i], &len);
		if (r < 0) {
			cli_error(_("cannot read the compose file %s"), err);
			return r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
		}
		p->files[i].name = p->paths[i];
		p->files[i].text = p->texts[i];
		p->files[i].len = len;
	}
	ex = load_env(o, p);
	if (ex)
		return ex;
	if (o->n_profiles) {
		for (i = 0; i < o->n_profiles && i < MAX_FILES; i++)
			p->profiles[p->n_profiles++] = (char *)o->profiles[i];
	} else if (var(p, "COMPOSE_PROFILES")) {
		split_profiles(p, var(p, "COMPOSE_PROFILES"));
	}
	return EXIT_OK;
}

/* pd_compose_input.read: included and extended files. */
static int read_compose(void *ud, const char *path, char *err, size_t errsize,
                        char **ret, size_t *ret_len)
{
	(void)ud;
	return pd_probe_read_file(path, PD_COMPOSE_MAX_BYTES, err, errsize, ret,
	                          ret_len);
}

/* Bind tests of the sctp ports (at most PD_TARGET_MAX_PORTS), on this
 * machine only: a recorded snapshot cannot say. */
static int test_sctp(const cli_opts *o, pd_compose_project *proj)
{
	size_t i, n = 0;
	unsigned port;

	if (!proj->n_sctp || o->snapshot_path)
		return EXIT_OK;
	for (i = 0; i < proj->n_sctp; i++)
		n += (size_t)(proj->sctp[i].target.port_hi -
		              proj->sctp[i].target.port_lo) + 1;
	if (n > PD_TARGET_MAX_PORTS)
		return EXIT_OK;
	proj->sctp_binds = calloc(n, sizeof(*proj->sctp_binds));
	if (!proj->sctp_binds) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < proj->n_sctp; i++) {
		const pd_target *t = &proj->sctp[i].target;

		for (port = t->port_lo; port <= t->port_hi; port++) {
			pd_endpoint ep;

			memset(&ep, 0, sizeof(ep));
			ep.addr = t->host == PD_HOST_ADDR ? t->addr :
			          pd_addr_any(PD_FAMILY_V4);
			ep.port = (uint16_t)port;
			pd_probe_sctp_bind_test(&ep,
			                        &proj->sctp_binds[proj->n_sctp_binds++]);
		}
	}
	return EXIT_OK;
}

static int plan_project(const pd_compose_project *proj, plan *pl)
{
	size_t i, total = 0;

	memset(pl, 0, sizeof(*pl));
	for (i = 0; i < proj->n_ports; i++) {
		const pd_target *t = &proj->ports[i].target;

		total += (size_t)(t->port_hi - t->port_lo) + 1;
		if (total > PD_TARGET_MAX_PORTS) {
			cli_error(_("too many ports: at most %u at once"),
			          PD_TARGET_MAX_PORTS);
			return EXIT_USAGE;
		}
		if (plan_add(pl, t) < 0) {
			cli_error(_("out of memory"));
			return EXIT_PROBE;
		}
	}
	return EXIT_OK;
}

int cmd_compose(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	project_in in;
	pd_compose_input ci;
	pd_compose_project *proj = NULL;
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	pd_report *rep = NULL;
	plan pl;
	char err[768] = "", *text = NULL, *dirname = NULL;
	size_t i;
	int ex, r;

	memset(&in, 0, sizeof(in));
	memset(&pl, 0, sizeof(pl));
	if (o->n_args) {
		cli_error(_("compose takes no operands; name files with -f FILE"));
		return EXIT_USAGE;
	}
	ex = gather(o, &in);
	if (ex)
		goto out;
	memset(&ci, 0, sizeof(ci));
	ci.files = in.files;
	ci.n_files = in.n_paths;
	ci.env.vars = in.vars;
	ci.env.n_vars = in.n_vars;
	ci.profiles = in.profiles;
	ci.n_profiles = in.n_profiles;
	ci.project_name = o->project_name ? o->project_name :
	                  var(&in, "COMPOSE_PROJECT_NAME");
	ci.dir_name = dirname = base_name(in.dir);
	ci.project_dir = in.dir;
	ci.read = read_compose;
	r = pd_compose_parse(&ci, err, sizeof(err), &proj);
	if (r < 0) {
		cli_error("%s", err);
		ex = r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < 2; i++)
		if (in.notes[i] && pd_compose_project_warn(proj, in.notes[i]) < 0) {
			cli_error(_("out of memory"));
			ex = EXIT_PROBE;
			goto out;
		}
	for (i = 0; i < proj->n_warnings; i++)
		cli_error(_("warning: %s"), proj->warnings[i]);
	ex = test_sctp(o, proj);
	if (!ex)
		ex = plan_project(proj, &pl);
	if (ex)
		goto out;
	/* The engine names the containers holding ports: this project's own
	 * ones are no conflict (pd_compose_annotate). */
	plan_probe_opts(&pl, o, &po);
	ex = acquire(o, &po, &s);
	if (ex)
		goto out;
	ex = EXIT_PROBE;
	r = pd_diagnose(s, pl.targets, pl.n_targets, &rep);
	if (!r)
		r = pd_compose_annotate(proj, rep);
	if (r < 0) {
		cli_error(_("diagnosis failed: %s"), pd_strerror(r));
		goto out;
	}
	r = o->json ? pd_render_compose_json(proj, rep, &text) :
	    pd_render_compose_text(proj, rep, &ro, &text);
	ex = emit(r, text);
	if (ex == EXIT_OK && pd_compose_failures(proj, rep))
		ex = EXIT_UNAVAILABLE;
out:
	pd_report_free(rep);
	pd_snapshot_free(s);
	plan_done(&pl);
	pd_compose_project_free(proj);
	free(dirname);
	project_in_done(&in);
	return ex;
}
