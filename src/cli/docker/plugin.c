/*
 * portdoctor as a Docker CLI plugin: `docker portdoctor ARGS`.
 *
 * The docker CLI finds plugins as docker-NAME in ~/.docker/cli-plugins
 * (DOCKER_CONFIG moves the folder; /usr/libexec/docker/cli-plugins is a
 * system folder), asks each `docker-NAME docker-cli-plugin-metadata` for
 * a JSON object (SchemaVersion "0.1.0", Vendor, Version,
 * ShortDescription, URL: docker/cli cli-plugins/metadata/metadata.go) and
 * runs `docker-NAME NAME ARGS` for `docker NAME ARGS`.  The hooks
 * protocol is in hooks.c, the config.json edit in config.c.
 *
 * This folder (src/cli/docker/) is the plugin: it includes the CLI's
 * headers (cli/cli.h, cli/cli_first.h) and the pipeline's public ones;
 * only cli/options.c (the command table) and cli/main.c (the plugin's
 * entry) call into it.
 *
 * `portdoctor docker-plugin install|remove [--hooks] [--apply]` puts the
 * link in place or takes it away; like every change it prints the plan
 * and does nothing without --apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#include <windows.h>
#define mkdir(p, m) _mkdir(p)
#else
#include <unistd.h>
#endif

#include "cli/cli.h"
#include "cli/cli_first.h"
#include "cli/docker/plugin.h"
#include "core/i18n.h"

#define PLUGIN_NAME "portdoctor"
#ifdef _WIN32
#define PLUGIN_FILE "docker-portdoctor.exe"
#define LINK_PLAN _("  copy %s -> %s\n")
#else
#define PLUGIN_FILE "docker-portdoctor"
#define LINK_PLAN _("  link %s -> %s\n")
#endif

static const char metadata[] =
	"{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"portdoctor\","
	"\"Version\":\"" PD_VERSION "\",\"ShortDescription\":\"Why a port "
	"cannot be bound or published, and the fix\",\"URL\":\"" PD_URL "\"}\n";

static const char *base_name(const char *path)
{
	const char *b = path, *p;

	for (p = path; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	return b;
}

bool cli_docker_entry(int *argc, char **argv, int *ret_exit)
{
	int i;

	if (*argc >= 2 && strcmp(argv[1], "docker-cli-plugin-metadata") == 0) {
		*ret_exit = cli_write_stdout(metadata) < 0 ? EXIT_PROBE : EXIT_OK;
		return true;
	}
	if (*argc >= 3 && strncmp(base_name(argv[0]), "docker-", 7) == 0 &&
	    strcmp(argv[1], PLUGIN_NAME) == 0) {
		for (i = 1; i + 1 < *argc; i++)
			argv[i] = argv[i + 1];
		argv[--*argc] = NULL;
	}
	if (*argc >= 2 && strcmp(argv[1], "docker-cli-plugin-hooks") == 0) {
		const char *req = *argc >= 3 ? argv[2] : "";
		char *r = cli_docker_hook_reply(req, strlen(req));

		*ret_exit = r && cli_write_stdout(r) >= 0 ? EXIT_OK : EXIT_PROBE;
		free(r);
		return true;
	}
	return false;
}

/* The docker configuration folder: $DOCKER_CONFIG, else ~/.docker
 * (%USERPROFILE%\.docker on Windows). */
int cli_docker_config_dir(char *buf, size_t size)
{
	const char *d = getenv("DOCKER_CONFIG");
#ifdef _WIN32
	const char *home = getenv("USERPROFILE");
#else
	const char *home = getenv("HOME");
#endif

	if (d && *d)
		snprintf(buf, size, "%s", d);
	else if (home && *home)
		snprintf(buf, size, "%s" SEP ".docker", home);
	else
		return -1;
	return 0;
}

/* This program's own path, for the link to point at. */
static int self_path(char *buf, size_t size)
{
#ifdef _WIN32
	DWORD n = GetModuleFileNameA(NULL, buf, (DWORD)size);

	return n > 0 && n < size ? 0 : -1;
#else
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
#endif
}

/* What is at the link's place now: 0 nothing, 1 our link (or copy on
 * Windows), 2 something else. */
static int link_state(const char *path, const char *self)
{
	struct stat st;
#ifndef _WIN32
	char to[4096];
	ssize_t n;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISLNK(st.st_mode))
		return 2;
	n = readlink(path, to, sizeof(to) - 1);
	if (n <= 0)
		return 2;
	to[n] = '\0';
	return strcmp(to, self) == 0 ||
	       strcmp(base_name(to), "portdoctor") == 0 ? 1 : 2;
#else
	(void)self;
	return stat(path, &st) != 0 ? 0 : 1;
#endif
}

static int make_link(const char *self, const char *path)
{
#ifdef _WIN32
	/* Symbolic links need a privilege on Windows: the plugin is a copy. */
	return CopyFileA(self, path, TRUE) ? 0 : -1;
#else
	return symlink(self, path);
#endif
}

static int plan_and_apply(const cli_opts *o, bool install)
{
	char dir[4096], plugdir[4200], path[4300], self[4096];
	int st, ex = EXIT_OK;
	bool want_link;

	if (cli_docker_config_dir(dir, sizeof(dir)) < 0 ||
	    self_path(self, sizeof(self)) < 0) {
		cli_error(_("cannot tell where the docker configuration is (set "
		            "DOCKER_CONFIG or HOME)"));
		return EXIT_USAGE;
	}
	snprintf(plugdir, sizeof(plugdir), "%s" SEP "cli-plugins", dir);
	snprintf(path, sizeof(path), "%s" SEP "%s", plugdir, PLUGIN_FILE);
	st = link_state(path, self);
	if (st == 2) {
		cli_error(_("%s exists and is not portdoctor's link: left alone"),
		          path);
		return EXIT_USAGE;
	}
	want_link = install ? st == 0 : st == 1;
	cli_printf(install ? _("docker-plugin install: the plan\n") :
	       _("docker-plugin remove: the plan\n"));
	if (want_link)
		cli_printf(install ? LINK_PLAN : _("  remove %s\n"), path, self);
	else
		cli_printf(install ? _("  %s is in place already\n") :
		       _("  %s is not there: nothing to remove\n"), path);
	if ((install && o->hooks) || !install)
		if (cli_docker_config_plan(dir, install) < 0)
			return EXIT_USAGE;
	if (!o->apply) {
		cli_printf(_("Nothing was changed: add --apply to do it.\n"));
		return EXIT_OK;
	}
	if (want_link && install) {
		if (mkdir(plugdir, 0755) != 0 && errno != EEXIST) {
			cli_error("%s: %s", plugdir, strerror(errno));
			return EXIT_PROBE;
		}
		if (make_link(self, path) != 0) {
			cli_error("%s: %s", path, strerror(errno));
			return EXIT_PROBE;
		}
	}
	if ((install && o->hooks) || !install)
		if (cli_docker_config_apply(dir, install) < 0) {
			ex = EXIT_PROBE;
			/* Roll back: the link alone would be half the change. */
			if (want_link && install)
				remove(path);
			return ex;
		}
	if (want_link && !install && remove(path) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		return EXIT_PROBE;
	}
	cli_printf(_("Done.\n"));
	return ex;
}

int cmd_docker_plugin(const cli_opts *o)
{
	if (o->n_args == 1 && strcmp(o->args[0], "install") == 0)
		return plan_and_apply(o, true);
	if (o->n_args == 1 && strcmp(o->args[0], "remove") == 0)
		return plan_and_apply(o, false);
	cli_error(_("docker-plugin takes install or remove"));
	return EXIT_USAGE;
}
