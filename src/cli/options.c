/*
 * Command-line parsing.  Options may come before or after the command and
 * between operands ("portdoctor check 80 --json"); "--" ends options.
 * Written by hand rather than with getopt_long because option order after
 * the command differs between glibc (permutes) and other C libraries, and
 * the Windows build must behave the same.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_first.h"

/* The commands.  Add a new one here and in usage.c. */
static const cli_command commands[] = {
	{"doctor", cmd_doctor},
	{"check", cmd_check},
	{"list", cmd_list},
	{"ranges", cmd_ranges},
	{"snapshot", cmd_snapshot},
	{"compose", cmd_compose},
	{"explain", cmd_explain},
	{"fix", cmd_fix},
	{"reserve", cmd_reserve},
	{"kill", cmd_kill},
	{"free", cmd_free},
	{"watch", cmd_watch},
	{"docker-plugin", cmd_docker_plugin},
	{"completion", cmd_completion}, /* hidden: for packagers */
	{NULL, NULL},
};

const cli_command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; commands[i].name; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static bool is_command(const char *s)
{
	return cli_find_command(s) != NULL;
}

/* Matches "--name" or "--name=value"; sets *value for the second form. */
static bool long_opt(const char *arg, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return false;
	if (arg[n] == '\0') {
		*value = NULL;
		return true;
	}
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return true;
	}
	return false;
}

/* The value options of fix, reserve, kill, free and watch. */
static bool fix_value_opt(const char *a, cli_opts *o, const char ***slot,
                          const char **v)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{"--remedy", offsetof(cli_opts, remedy_id)},
		{"--root", offsetof(cli_opts, root_dir)},
		{"--signal", offsetof(cli_opts, signal_name)},
		{"--binary", offsetof(cli_opts, binary)},
		{"--count", offsetof(cli_opts, count_text)},
		{"--near", offsetof(cli_opts, near_text)},
		{"--range", offsetof(cli_opts, range_text)},
		{"--interval", offsetof(cli_opts, interval_text)},
		{"--windows-exe", offsetof(cli_opts, windows_exe)},
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (long_opt(a, opts[i].name, v)) {
			*slot = (const char **)(void *)((char *)o + opts[i].off);
			return true;
		}
	return false;
}

int cli_parse(int argc, char **argv, cli_opts *o, char *err, size_t errsize)
{
	int i;
	bool only_operands = false;

	memset(o, 0, sizeof(*o));
	o->color = -1;
	/* One allocation holds the operands and compose's -f and --profile
	 * lists, so main() frees them all with o->args. */
	o->args = calloc(3 * ((size_t)argc + 1), sizeof(*o->args));
	if (o->args) {
		o->compose_files = (const char **)(o->args + argc + 1);
		o->profiles = (const char **)(o->args + 2 * (argc + 1));
	}
	o->netsh_paths = calloc((size_t)argc + 1, sizeof(*o->netsh_paths));
	if (!o->args || !o->netsh_paths) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char **slot = NULL;

		if (only_operands || a[0] != '-' || strcmp(a, "-") == 0) {
			if (!o->command && !o->n_args && is_command(a)) {
				o->command = a;
			} else {
				o->args[o->n_args++] = argv[i];
			}
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--tcp") == 0 || strcmp(a, "-t") == 0) {
			o->tcp = true;
		} else if (strcmp(a, "--udp") == 0 || strcmp(a, "-u") == 0) {
			o->udp = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			o->help = true;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			o->version = true;
		} else if (strcmp(a, "--no-color") == 0) {
			o->color = 0;
		} else if (long_opt(a, "--color", &v)) {
			/* "--color WHEN" as --help writes it, and "--color=WHEN". */
			if (!v && i + 1 < argc && (strcmp(argv[i + 1], "auto") == 0 ||
			    strcmp(argv[i + 1], "always") == 0 ||
			    strcmp(argv[i + 1], "never") == 0))
				v = argv[++i];
			if (!v || strcmp(v, "auto") == 0)
				o->color = -1;
			else if (strcmp(v, "always") == 0)
				o->color = 1;
			else if (strcmp(v, "never") == 0)
				o->color = 0;
			else {
				snprintf(err, errsize, "--color takes auto, always or never");
				return -1;
			}
		} else if (long_opt(a, "--snapshot", &v)) {
			slot = &o->snapshot_path;
		} else if (strcmp(a, "-o") == 0 || long_opt(a, "--output", &v)) {
			slot = &o->output_path;
		} else if (long_opt(a, "--from-netsh", &v)) {
			slot = &o->netsh_paths[o->n_netsh_paths++];
		} else if (strcmp(a, "-f") == 0 || long_opt(a, "--file", &v)) {
			slot = &o->input_path;
		} else if (strcmp(a, "--offline") == 0) {
			o->offline = true;
		} else if (strcmp(a, "--no-engine") == 0) {
			o->no_engine = true;
		} else if (long_opt(a, "--profile", &v)) {
			slot = &o->profiles[o->n_profiles++];
		} else if (long_opt(a, "--env-file", &v)) {
			slot = &o->env_file;
		} else if (long_opt(a, "--project-directory", &v)) {
			slot = &o->project_dir;
		} else if (strcmp(a, "-p") == 0 || long_opt(a, "--project-name", &v)) {
			slot = &o->project_name;
		} else if (strcmp(a, "--apply") == 0) {
			o->apply = true;
		} else if (strcmp(a, "-y") == 0 || strcmp(a, "--yes") == 0) {
			o->yes = true;
		} else if (strcmp(a, "--remove") == 0) {
			o->remove = true;
		} else if (strcmp(a, "--no-reserve") == 0) {
			o->no_reserve = true;
		} else if (strcmp(a, "--until-free") == 0) {
			o->until_free = true;
		} else if (strcmp(a, "--until-taken") == 0) {
			o->until_taken = true;
		} else if (strcmp(a, "--hooks") == 0) {
			o->hooks = true;
		} else if (strcmp(a, "--picture") == 0) {
			o->picture = true;
		} else if (fix_value_opt(a, o, &slot, &v)) {
			if (!v) {
				if (i + 1 >= argc || !*argv[i + 1]) {
					snprintf(err, errsize, "%s needs a value", a);
					return -1;
				}
				v = argv[++i];
			}
			*slot = v;
			slot = NULL;
		} else {
			snprintf(err, errsize, "unknown option '%s'", a);
			return -1;
		}
		if (slot) {
			if (!v) {
				if (i + 1 >= argc) {
					snprintf(err, errsize, "%s needs a file name", a);
					return -1;
				}
				v = argv[++i];
			}
			if (!*v) {
				snprintf(err, errsize, "%s needs a file name", a);
				return -1;
			}
			*slot = v;
			if (slot == &o->input_path) /* compose: -f repeats */
				o->compose_files[o->n_compose_files++] = v;
		}
	}
	/* "portdoctor 8080", a pasted error, or a mistyped command. */
	if (!o->command && o->n_args)
		return cli_first_contact(o, err, errsize);
	if (!o->command)
		o->command = "doctor";
	/* ranges --from-netsh FILE...: its operands are more pasted files. */
	if (o->n_netsh_paths && strcmp(o->command, "ranges") == 0) {
		for (i = 0; i < (int)o->n_args; i++)
			o->netsh_paths[o->n_netsh_paths++] = o->args[i];
		o->n_args = 0;
	}
	return 0;
}
