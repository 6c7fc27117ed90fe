/*
 * How portdoctor is reached before a command runs: first contact
 * (first_contact.c: a bare target runs check, a pasted error runs explain,
 * a mistyped command gets one line naming the closest one) and the Docker
 * CLI plugin's entry points (docker/plugin.c, docker/hooks.c).
 */
#ifndef PD_CLI_FIRST_H
#define PD_CLI_FIRST_H

#include <stddef.h>

#include "cli.h"

/* cli_parse's return when err is the whole message: print it, no usage. */
#define CLI_PARSE_SAID (-2)

/* The first operand is no command: sets o->command to check (every
 * operand a target) or explain (the operands hold a port-binding
 * failure) and returns 0; else fills err with one line naming the
 * closest command and returns CLI_PARSE_SAID. */
int cli_first_contact(cli_opts *o, char *err, size_t errsize);
size_t cli_distance(const char *a, const char *b);
const char *cli_closest(const char *word, const char *const *names,
                        size_t n);

/* Docker CLI plugin.  When argv is a plugin call (docker-cli-plugin-
 * metadata, docker-cli-plugin-hooks JSON), answers it, sets *ret_exit and
 * returns true.  When portdoctor runs as docker-portdoctor with the
 * plugin's name first ("docker-portdoctor portdoctor ARGS"), drops that
 * word from argv (*argc, argv changed in place) and returns false. */
bool cli_docker_entry(int *argc, char **argv, int *ret_exit);
/* The hooks reply for one request (JSON text); never fails: malformed
 * requests get an empty template.  *ret is malloc'ed. */
char *cli_docker_hook_reply(const char *request, size_t len);

#endif
