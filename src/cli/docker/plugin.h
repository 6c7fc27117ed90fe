/*
 * The Docker CLI plugin's files (plugin.c, config.c).
 */
#ifndef PD_CLI_DOCKER_H
#define PD_CLI_DOCKER_H

#include <stdbool.h>
#include <stddef.h>

#ifndef PD_URL
#define PD_URL "https://github.com/portdoctor/portdoctor"
#endif

#ifdef _WIN32
#define SEP "\\"
#else
#define SEP "/"
#endif

/* $DOCKER_CONFIG, else ~/.docker; -1 when neither can be told. */
int cli_docker_config_dir(char *buf, size_t size);
/* Prints what install (hooks on) or remove (what install added taken
 * out) would change in DIR/config.json; -1 after saying why it will not
 * touch the file. */
int cli_docker_config_plan(const char *dir, bool install);
/* Makes that change: backup, then an atomic write; -1 after saying why
 * (then nothing was changed). */
int cli_docker_config_apply(const char *dir, bool install);

#endif
