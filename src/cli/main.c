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

int main(int argc, char **argv)
{
	cli_opts o;
	char err[256] = "";
	int ex, r;

	setlocale(LC_ALL, "");
#if PD_ENABLE_NLS
	bindtextdomain(PD_PACKAGE, PD_LOCALEDIR);
#endif
	if (cli_docker_entry(&argc, argv, &ex))
		return ex;
	r = cli_parse(argc, argv, &o, err, sizeof(err));
	if (r < 0) {
		cli_error("%s", err);
		if (r != CLI_PARSE_SAID)
			cli_usage(NULL, true);
		free(o.args);
		free(o.netsh_paths);
		return EXIT_USAGE;
	}
	if (o.version) {
		ex = cli_write_stdout("portdoctor " PD_VERSION "\n") < 0 ? EXIT_PROBE :
		     EXIT_OK;
	} else if (o.help) {
		cli_usage(o.command, false);
		ex = EXIT_OK;
	} else {
		ex = cli_find_command(o.command)->run(&o);
	}
	free(o.args);
	free(o.netsh_paths);
	return ex;
}
