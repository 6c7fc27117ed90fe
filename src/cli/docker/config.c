/*
 * Turning the Docker CLI's hooks on for portdoctor, and off again.
 *
 * The CLI calls a plugin's hooks for the commands listed in
 * config.json's plugins.NAME.hooks (always) or plugins.NAME.error-hooks
 * (only when the command failed), and only when hooks are enabled:
 * features.hooks "true" or DOCKER_CLI_HOOKS (docker/cli
 * cli-plugins/manager/hooks.go pluginMatch, cli/command/cli.go
 * HooksEnabled).
 *
 * The edit is a merge: a key the user has set is never overwritten, the
 * file is copied to config.json.portdoctor-backup first and replaced
 * atomically with its mode kept (it may hold credentials).  What was
 * added is recorded in DIR/portdoctor-hooks.json, so remove takes out
 * exactly that, and only where the value is still the one we wrote.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#include <io.h>
#define mkdir(p, m) _mkdir(p)
#else
#include <unistd.h>
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

#include <jansson.h>

#include "cli/cli.h"
#include "cli/docker/plugin.h"
#include "core/i18n.h"
#include "core/json_util.h"

#define HOOK_COMMANDS "run,start,container start,compose up"
#define MAX_CONFIG (4u << 20)

typedef struct edit {
	char cfg[4200], rec[4200];
	json_t *root;   /* config.json as it will be */
	json_t *record; /* what install added (to write, or read for remove) */
	bool exists;    /* config.json was there */
	bool changed;
	bool quiet;     /* applying: the plan was shown already */
} edit;

/* A line of the plan (not repeated while applying). */
static void note(const edit *e, const char *fmt, ...) PD_PRINTF(2, 3);
static void note(const edit *e, const char *fmt, ...)
{
	va_list ap;

	if (e->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void edit_done(edit *e)
{
	json_decref(e->root);
	json_decref(e->record);
}

static json_t *load(const char *path, bool *ret_exists, int *ret_bad)
{
	json_error_t je;
	json_t *j;
	struct stat st;

	*ret_bad = 0;
	*ret_exists = stat(path, &st) == 0;
	if (!*ret_exists)
		return json_object();
	if (st.st_size > (off_t)MAX_CONFIG) {
		*ret_bad = 1;
		return NULL;
	}
	j = json_load_file(path, JSON_DECODE_ANY, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		*ret_bad = 1;
		return NULL;
	}
	return j;
}

/* root[key] as an object, created (and recorded as created) if absent;
 * NULL when it holds something else. */
static json_t *child(edit *e, json_t *parent, const char *key,
                     const char *path)
{
	json_t *c = json_object_get(parent, key);

	if (c)
		return json_is_object(c) ? c : NULL;
	c = json_object();
	json_object_set_new(parent, key, c);
	json_array_append_new(json_object_get(e->record, "created"),
	                      json_string(path));
	return c;
}

/* Sets obj[key] = value unless the user has it; says what happens. */
static void add_key(edit *e, json_t *obj, const char *key, const char *path,
                    const char *value)
{
	json_t *cur = json_object_get(obj, key);

	if (!cur) {
		json_object_set_new(obj, key, json_string(value));
		json_object_set_new(e->record, path, json_string(value));
		note(e, _("  in %s: add %s = \"%s\"\n"), e->cfg, path, value);
		e->changed = true;
	} else if (json_is_string(cur) && strcmp(json_string_value(cur), value) == 0) {
		note(e, _("  in %s: %s is \"%s\" already\n"), e->cfg, path, value);
	} else {
		note(e, _("  in %s: %s is set by you: left alone (hooks may not "
		         "run)\n"), e->cfg, path);
	}
}

static int plan_install(edit *e)
{
	json_t *plugins, *pd, *features;
	bool had;
	int bad;

	/* A second install adds to what the first one recorded. */
	e->record = load(e->rec, &had, &bad);
	if (!had || bad || !json_is_array(json_object_get(e->record, "created"))) {
		json_decref(e->record);
		e->record = json_pack("{s:[]}", "created");
	}
	plugins = child(e, e->root, "plugins", "plugins");
	pd = plugins ? child(e, plugins, "portdoctor", "plugins.portdoctor") :
	     NULL;
	features = child(e, e->root, "features", "features");
	if (!pd || !features) {
		cli_error(_("%s: \"plugins\" or \"features\" is not an object: "
		            "left alone"), e->cfg);
		return -1;
	}
	add_key(e, pd, "error-hooks", "plugins.portdoctor.error-hooks",
	        HOOK_COMMANDS);
	add_key(e, features, "hooks", "features.hooks", "true");
	return 0;
}

/* Takes out one recorded key if it still holds what we wrote. */
static void take_out(edit *e, const char *path, const char *parent,
                     const char *sub, const char *key)
{
	json_t *want = json_object_get(e->record, path);
	json_t *obj = json_object_get(e->root, parent), *cur;

	if (!json_is_string(want))
		return;
	if (sub && json_is_object(obj))
		obj = json_object_get(obj, sub);
	cur = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (json_is_string(cur) && json_equal(cur, want)) {
		json_object_del(obj, key);
		note(e, _("  in %s: remove %s\n"), e->cfg, path);
		e->changed = true;
	} else {
		note(e, _("  in %s: %s was changed since: left alone\n"), e->cfg,
		       path);
	}
}

/* Objects install created go again if nothing else is in them. */
static void drop_empty(edit *e, const char *path)
{
	json_t *created = json_object_get(e->record, "created"), *v, *o;
	size_t i;

	json_array_foreach(created, i, v) {
		if (!json_is_string(v) || strcmp(json_string_value(v), path) != 0)
			continue;
		if (strcmp(path, "plugins.portdoctor") == 0) {
			o = json_object_get(e->root, "plugins");
			if (json_is_object(o) &&
			    json_object_size(json_object_get(o, "portdoctor")) == 0 &&
			    json_is_object(json_object_get(o, "portdoctor")))
				json_object_del(o, "portdoctor");
		} else {
			o = json_object_get(e->root, path);
			if (json_is_object(o) && json_object_size(o) == 0)
				json_object_del(e->root, path);
		}
	}
}

static int plan_remove(edit *e)
{
	bool had;
	int bad;

	e->record = load(e->rec, &had, &bad);
	if (!had || bad) {
		json_decref(e->record);
		e->record = NULL;
		note(e, _("  %s: no hooks added by portdoctor to take out\n"),
		       e->cfg);
		return 0;
	}
	take_out(e, "plugins.portdoctor.error-hooks", "plugins", "portdoctor",
	         "error-hooks");
	take_out(e, "features.hooks", "features", NULL, "hooks");
	drop_empty(e, "plugins.portdoctor");
	drop_empty(e, "plugins");
	drop_empty(e, "features");
	return 0;
}

static int edit_plan(const char *dir, bool install, bool quiet, edit *e)
{
	int bad;

	memset(e, 0, sizeof(*e));
	e->quiet = quiet;
	snprintf(e->cfg, sizeof(e->cfg), "%s" SEP "config.json", dir);
	snprintf(e->rec, sizeof(e->rec), "%s" SEP "portdoctor-hooks.json", dir);
	e->root = load(e->cfg, &e->exists, &bad);
	if (bad) {
		cli_error(_("%s is not a JSON object: left alone"), e->cfg);
		return -1;
	}
	if (!e->root) {
		cli_error(_("out of memory"));
		return -1;
	}
	return install ? plan_install(e) : plan_remove(e);
}

int cli_docker_config_plan(const char *dir, bool install)
{
	edit e;
	int r = edit_plan(dir, install, false, &e);

	if (r == 0 && e.changed && e.exists)
		cli_printf(_("  backup: %s.portdoctor-backup\n"), e.cfg);
	edit_done(&e);
	return r;
}

/* text to path through a temporary file with the given mode, renamed. */
static int write_atomic(const char *path, const char *text, int mode)
{
	char tmp[4400];
	size_t n = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.portdoctor-tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_BINARY, mode);
	if (fd < 0)
		goto fail;
	if (write(fd, text, n) != (ssize_t)n || close(fd) != 0) {
		remove(tmp);
		goto fail;
	}
#ifdef _WIN32
	remove(path); /* rename does not replace on Windows */
#endif
	if (rename(tmp, path) != 0) {
		remove(tmp);
		goto fail;
	}
	return 0;
fail:
	cli_error("%s: %s", path, strerror(errno));
	return -1;
}

static int copy_file(const char *from, const char *to, int mode)
{
	char *text = NULL, err[256];
	size_t len;
	int r;

	if (pd_probe_read_file(from, MAX_CONFIG, err, sizeof(err), &text,
	                       &len) < 0) {
		cli_error("%s", err);
		return -1;
	}
	r = write_atomic(to, text, mode);
	free(text);
	return r;
}

/* The document as written: indented, a final newline; NULL when out of
 * memory. */
static char *dump(json_t *j)
{
	char *text = NULL;

	return pd__jdump(j, true, &text) == 0 ? text : NULL;
}

int cli_docker_config_apply(const char *dir, bool install)
{
	char bak[4400], *text = NULL, *rec = NULL;
	struct stat st;
	int mode = 0600, r = -1;
	edit e;

	if (edit_plan(dir, install, true, &e) < 0)
		goto out;
	r = 0;
	if (!e.changed)
		goto out;
	r = -1;
	if (e.exists && stat(e.cfg, &st) == 0)
		mode = (int)(st.st_mode & 0777);
	snprintf(bak, sizeof(bak), "%s.portdoctor-backup", e.cfg);
	text = dump(e.root);
	rec = install ? dump(e.record) : NULL;
	if (!text || (install && !rec)) {
		cli_error(_("out of memory"));
		goto out;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cli_error("%s: %s", dir, strerror(errno));
		goto out;
	}
	if (e.exists && copy_file(e.cfg, bak, mode) < 0)
		goto out;
	if (install && write_atomic(e.rec, rec, 0600) < 0)
		goto out;
	if (write_atomic(e.cfg, text, mode) < 0) {
		if (install)
			remove(e.rec);
		goto out;
	}
	if (!install)
		remove(e.rec);
	r = 0;
out:
	free(text);
	free(rec);
	edit_done(&e);
	return r;
}
