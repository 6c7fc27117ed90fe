/*
 * The table of every option the command line takes (optable.c): its
 * names, what its value is, and the commands it belongs to.  The shell
 * completions (completion.c) are generated from it, and tests/e2e/
 * completion checks it against the parser (options.c) and --help, so
 * the three cannot drift apart.
 */
#ifndef PD_CLI_OPTABLE_H
#define PD_CLI_OPTABLE_H

#include <stddef.h>

typedef enum cli_value {
	CLI_V_NONE = 0, /* a switch */
	CLI_V_FILE,
	CLI_V_DIR,
	CLI_V_WHEN,     /* auto, always, never */
	CLI_V_REMEDY,   /* a remedy id */
	CLI_V_SIGNAL,   /* a signal name */
	CLI_V_PORT,
	CLI_V_TEXT      /* a number, range, name: nothing to offer */
} cli_value;

typedef struct cli_option {
	const char *name;     /* "--json" */
	const char *short_name; /* "-v", or NULL */
	cli_value value;
	const char *commands; /* "fix reserve", or NULL: every command */
	const char *help;     /* a few words (completion menus) */
} cli_option;

extern const cli_option cli_options[];
extern const size_t cli_n_options;

/* The commands with a few words each, as the completions offer them. */
typedef struct cli_command_help {
	const char *name;
	const char *help;
	const char *operands; /* "ports", "install remove", or NULL */
} cli_command_help;

extern const cli_command_help cli_command_helps[];
extern const size_t cli_n_command_helps;

#endif
