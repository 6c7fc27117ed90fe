/*
 * portdoctor: why can't this port be bound or published, and what to do.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

/*
 * Started from Explorer (alone on a console that closes with it): the
 * window must not vanish before it is read.  A double-click (no
 * arguments) ran doctor; when it found something, offer the fix, which
 * runs elevated in a window of its own, itself alone on its console, so
 * it waits for a key there too.  Run from a terminal, nothing pauses.
 */
static int after_explorer_run(int argc, int ex)
{
	int key, code = ex;

	if (argc == 1 && ex == EXIT_UNAVAILABLE) {
		cli_printf("\n%s", _("F to fix, asks for administrator rights; any "
		                     "other key to close: "));
		key = cli_console_key();
		cli_printf("\n");
		if (key != 'f' && key != 'F')
			return ex;
		switch (cli_run_elevated("fix --apply", &code)) {
		case 0:
			cli_printf(_("the fix ran as administrator in its own window "
			             "and ended with status %d\n"), code);
			break;
		case 1:
			cli_printf(_("administrator rights were not given: nothing "
			             "was changed\n"));
			break;
		default:
			cli_printf(_("portdoctor could not be started as "
			             "administrator: nothing was changed\n"));
			break;
		}
	}
	cli_printf("\n%s", _("Press any key to close this window."));
	cli_console_key();
	return code;
}

int main(int argc, char **argv)
{
	cli_opts o;
	char err[256] = "";
	bool alone;
	int ex;

	setlocale(LC_ALL, "");
#if PD_ENABLE_NLS
	bindtextdomain(PD_PACKAGE, PD_LOCALEDIR);
#endif
	/* Windows: the arguments as typed, in UTF-8, whatever the code page. */
	if (cli_os_args(&argc, &argv) < 0) {
		cli_error("the command line could not be read");
		return EXIT_USAGE;
	}
	alone = cli_console_alone();
	if (cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		cli_usage(NULL, true);
		ex = EXIT_USAGE;
	} else {
		ex = run(&o);
	}
	if (alone)
		ex = after_explorer_run(argc, ex);
	free(o.args);
	free(o.netsh_paths);
	return ex;
}
