/*
 * Command-line parsing.  Options may come before or after the command and
 * between operands ("portdoctor check 80 --json"); "--" ends options.
 * Written by hand rather than with getopt_long because option order after
 * the command differs between glibc (permutes) and other C libraries, and
 * the Windows build must behave the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The commands.  Add a new one here and in usage.c. */
static const cli_command commands[] = {
	{"doctor", cmd_doctor},
	{"check", cmd_check},
	{"list", cmd_list},
	{"ranges", cmd_ranges},
	{"snapshot", cmd_snapshot},
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

int cli_parse(int argc, char **argv, cli_opts *o, char *err, size_t errsize)
{
	int i;
	bool only_operands = false;

	memset(o, 0, sizeof(*o));
	o->color = -1;
	o->args = calloc((size_t)argc + 1, sizeof(*o->args));
	if (!o->args) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char **slot = NULL;

		if (only_operands || a[0] != '-' || strcmp(a, "-") == 0) {
			if (!o->command) {
				if (!is_command(a)) {
					snprintf(err, errsize, "unknown command '%s'", a);
					return -1;
				}
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
		}
	}
	if (!o->command)
		o->command = "doctor";
	return 0;
}
