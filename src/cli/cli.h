/*
 * The command-line front end: the only code that prints or exits.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "portdoctor/portdoctor.h"

/* Exit statuses (docs/portdoctor.1.md). */
enum {
	EXIT_OK = 0,          /* every target available, nothing wrong */
	EXIT_UNAVAILABLE = 1, /* some target unavailable / something wrong */
	EXIT_USAGE = 2,       /* usage or input error */
	EXIT_PROBE = 3        /* the machine could not be inspected */
};

typedef struct cli_opts {
	const char *command;
	bool json;
	bool verbose;
	bool tcp;
	bool udp;
	bool help;
	bool version;
	int color; /* -1 auto, 0 never, 1 always */
	const char *snapshot_path;
	const char *output_path;
	char **args; /* operands after the command */
	size_t n_args;
} cli_opts;

typedef struct cli_command {
	const char *name;
	int (*run)(const cli_opts *o);
} cli_command;

/* NULL when name is no command. */
const cli_command *cli_find_command(const char *name);
int cli_parse(int argc, char **argv, cli_opts *o, char *err, size_t errsize);
void cli_usage(const char *command, bool to_stderr);

/* Output: writes a whole document to stdout, or says why it could not. */
int cli_write_stdout(const char *text);
void cli_error(const char *fmt, ...) PD_PRINTF(1, 2);
/* Writes text to path atomically (temporary file, then rename). */
int cli_write_file(const char *path, const char *text);
bool cli_color(const cli_opts *o);

int cmd_check(const cli_opts *o);
int cmd_list(const cli_opts *o);
int cmd_ranges(const cli_opts *o);
int cmd_snapshot(const cli_opts *o);
int cmd_doctor(const cli_opts *o);

#endif
