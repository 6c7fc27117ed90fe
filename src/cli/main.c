/*
 * portdoctor: why can't this port be bound or published, and what to do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/i18n.h"

int main(int argc, char **argv)
{
	cli_opts o;
	char err[256] = "";
	int ex;

	if (cli_lang_init(argc, argv, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		cli_usage(NULL, true);
		return EXIT_USAGE;
	}
	if (cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		cli_usage(NULL, true);
		free(o.args);
		free(o.netsh_paths);
		return EXIT_USAGE;
	}
	/* JSON is the same in every language: its messages are English (a
	 * snapshot is JSON too, and its notes are kept for replay). */
	if (o.json || strcmp(o.command, "snapshot") == 0)
		cli_lang_machine_output();
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
