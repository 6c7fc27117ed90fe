/*
 * portdoctor: why can't this port be bound or published, and what to do.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_first.h"
#include "core/i18n.h"

static int run(const cli_opts *o)
{
	if (o->version)
		return cli_write_stdout("portdoctor " PD_VERSION "\n") < 0 ?
		       EXIT_PROBE : EXIT_OK;
	if (o->help) {
		cli_usage(o->command, false);
		return EXIT_OK;
	}
	return cli_find_command(o->command)->run(o);
}

/* fix --apply, as if typed, in this process. */
static int run_fix_here(void)
{
	char *argv[] = {"portdoctor", "fix", "--apply", NULL};
	char err[256] = "";
	cli_opts o;
	int ex;

	if (cli_parse(3, argv, &o, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		ex = EXIT_USAGE;
	} else {
		ex = run(&o);
	}
	free(o.args);
	free(o.netsh_paths);
	return ex;
}

/* Asks; false when another key than F was pressed (the window closes).
 * *ret_exit gets the fix's status. */
static bool offer_fix(int *ret_exit)
{
	int key;

	cli_printf("\n%s", _("F to fix, asks for administrator rights; any "
	                     "other key to close: "));
	key = cli_console_key();
	cli_printf("\n");
	if (key != 'f' && key != 'F')
		return false;
	if (cli_elevated()) {
		*ret_exit = run_fix_here(); /* "Run as administrator" was used */
		return true;
	}
	switch (cli_run_elevated("fix --apply", ret_exit)) {
	case 0:
		cli_printf(_("the fix ran as administrator in its own window and "
		             "ended with status %d\n"), *ret_exit);
		break;
	case 1:
		cli_printf(_("administrator rights were not given: nothing was "
		             "changed\n"));
		break;
	default:
		cli_printf(_("portdoctor could not be started as administrator: "
		             "nothing was changed\n"));
		break;
	}
	return true;
}

/*
 * Started from Explorer (alone on a console that closes with it): the
 * window must not vanish before it is read.  A double-click (no
 * arguments) runs doctor; when a port it checked is unavailable, the fix
 * is offered: elevated in a window of its own (itself alone on its
 * console, so it waits for a key there too), or right here when this run
 * is elevated already.  Run from a terminal, nothing pauses.
 */
static int explorer_run(int argc, const cli_opts *o, bool parsed, int ex)
{
	bool port_unavailable = false;

	if (parsed && argc == 1)
		ex = cmd_doctor_ex(o, &port_unavailable);
	if (port_unavailable && !offer_fix(&ex))
		return ex;
	cli_printf("\n%s", _("Press any key to close this window."));
	cli_console_key();
	return ex;
}

int main(int argc, char **argv)
{
	cli_opts o;
	char err[256] = "";
	bool alone, parsed;
	int ex = EXIT_OK, r;

	setlocale(LC_ALL, "");
#if PD_ENABLE_NLS
	bindtextdomain(PD_PACKAGE, PD_LOCALEDIR);
#endif
	/* Windows: the arguments as typed, in UTF-8, whatever the code page. */
	if (cli_os_args(&argc, &argv) < 0) {
		cli_error("the command line could not be read");
		return EXIT_USAGE;
	}
	/* Run by the docker CLI as a plugin (docker-portdoctor). */
	if (cli_docker_entry(&argc, argv, &r))
		return r;
	alone = cli_console_alone();
	r = cli_parse(argc, argv, &o, err, sizeof(err));
	parsed = r == 0;
	if (!parsed) {
		cli_error("%s", err);
		/* An unknown command was answered with the closest one. */
		if (r != CLI_PARSE_SAID)
			cli_usage(NULL, true);
		ex = EXIT_USAGE;
	} else if (!alone || argc > 1) {
		ex = run(&o);
	}
	if (alone)
		ex = explorer_run(argc, &o, parsed, ex);
	free(o.args);
	free(o.netsh_paths);
	return ex;
}
