/*
 * src/compose/: Compose projects (YAML, interpolation, services, ports) ->
 * the host ports they publish, checked against a snapshot.  Pure.  May
 * include: src/core.  Included by: src/render, src/cli.
 *
 * Compose projects: which host ports the enabled services of a Compose
 * project would publish.
 *
 * Pure core.  The caller reads the files (with a size ceiling) and the
 * environment and hands in text; parse.c loads each file with
 * libyaml, interpolates every value (interp.c), merges the files the
 * way Docker Compose does, applies profiles and reads the port grammar
 * (ports.c).  Nothing here prints, exits or touches the OS.
 */
#ifndef PD_COMPOSE_H
#define PD_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "portdoctor/portdoctor.h"

/* Ceilings: bytes of one file, and nodes visited while walking a document
 * (an alias counts each time it is followed, so a "billion laughs" file
 * stops here instead of running for ever). */
#define PD_COMPOSE_MAX_BYTES (4u * 1024u * 1024u)
#define PD_COMPOSE_MAX_VISITS 200000u
/* Ceiling on the text one interpolated value may grow to. */
#define PD_COMPOSE_MAX_VALUE (1024u * 1024u)

/* One Compose file as read. */
typedef struct pd_compose_file {
	const char *name; /* for messages: "compose.yaml" */
	const char *text;
	size_t len;
} pd_compose_file;

/* Reads an included or extended file ("include:", "extends: file:") by
 * the path the parser made (the including project's directory joined
 * with the path as written, cleaned).  Same contract as
 * pd_probe_read_file: *ret is malloc'ed, PD_ENOENT when it does not exist,
 * err names the file.  The parser stays pure: the caller reads. */
typedef int (*pd_compose_read_fn)(void *ud, const char *path, char *err,
                                  size_t errsize, char **ret, size_t *ret_len);

/* Files opened in one parse, through include and extends, at most. */
#define PD_COMPOSE_MAX_FILES 256u

/* Variables for interpolation: "KEY=VALUE" strings; the first entry for a
 * key wins, so put the process environment before the .env file. */
typedef struct pd_compose_env {
	char *const *vars;
	size_t n_vars;
} pd_compose_env;

typedef struct pd_compose_input {
	const pd_compose_file *files; /* in -f order: later ones override */
	size_t n_files;
	pd_compose_env env;
	char *const *profiles; /* active profiles; "*" enables all */
	size_t n_profiles;
	const char *project_name; /* -p / COMPOSE_PROJECT_NAME, or NULL */
	const char *dir_name;     /* basename of the project directory */
	/* The project directory as the reader takes it ("" = the current
	 * one): includes and extends are found from it, and files are named
	 * relative to it in messages. */
	const char *project_dir;
	pd_compose_read_fn read; /* NULL: include and extends: file fail */
	void *read_ud;
} pd_compose_input;

/* One host port range a service publishes. */
typedef struct pd_compose_port {
	char *service;
	pd_target target; /* PD_HOST_ALL when no host_ip was given */
	uint16_t container_lo;
	uint16_t container_hi;
	/* "8000-8010:80": Docker takes one free port of the range, so the
	 * entry fails only when every port of it fails. */
	bool pick_one;
	/* network_mode: host: Docker drops ports:, the program binds the
	 * container port on the host itself; target is that port. */
	bool host_network;
	char *spec; /* the entry as written (short form or "{long syntax}") */
	char *file; /* where it was written */
	int line;
	int column;
} pd_compose_port;

typedef struct pd_compose_project {
	char *name; /* normalized project name */
	char *main_file; /* the first file, as entries name it */
	char **services; /* enabled services, in file order */
	size_t n_services;
	pd_compose_port *ports; /* host ports of the enabled services */
	size_t n_ports;
	/* sctp entries: a check target has no sctp, so they are not in the
	 * report; the caller bind-tests each of their ports and hands the
	 * results in sctp_binds (in order; NULL = not tested). */
	pd_compose_port *sctp;
	size_t n_sctp;
	pd_bind_result *sctp_binds; /* freed with the project; os_name static */
	size_t n_sctp_binds;
	char **warnings; /* unset variables, skipped entries, ... */
	size_t n_warnings;
} pd_compose_project;

/* Parse, merge and resolve a project.  On success *ret is the caller's, to
 * free with pd_compose_project_free().  On failure returns PD_EPARSE (bad
 * YAML or Compose, a missing required variable), PD_ETOOBIG (a file over
 * PD_COMPOSE_MAX_BYTES, too many nodes) or PD_ENOMEM, and err gets one line
 * "file:line:column: message". */
int pd_compose_parse(const pd_compose_input *in, char *err, size_t errsize,
                     pd_compose_project **ret);
void pd_compose_project_free(pd_compose_project *p);
/* Adds a warning of the caller's (say, which default file was used). */
int pd_compose_project_warn(pd_compose_project *p, const char *msg);

/* Compose's project-name rule: lower case, only [a-z0-9_-], starting with
 * a letter or digit.  Returns a malloc'ed string, or NULL when nothing is
 * left (or out of memory). */
char *pd_compose_normalize_name(const char *name);

/* ------------------------------------------------------------ interpolation */

/* Value of key in env: NULL when unset (an empty value is "" ). */
const char *pd_compose_env_get(const pd_compose_env *env, const char *key,
                               size_t keylen);

/* Interpolate text the way Compose does: $$, $VAR, ${VAR}, ${VAR:-d},
 * ${VAR-d}, ${VAR:?msg}, ${VAR?msg}, ${VAR:+r}, ${VAR+r}, nested in
 * defaults.  *ret is malloc'ed.  An unset variable without a default
 * becomes "" and, when unset_var is not NULL, its name is copied there
 * (first one only).  Errors: PD_EPARSE with err set ("required variable X
 * is missing a value: msg", "invalid interpolation format"), PD_ETOOBIG,
 * PD_ENOMEM. */
int pd_compose_interpolate(const char *text, size_t len,
                           const pd_compose_env *env, char *unset_var,
                           size_t unset_size, char *err, size_t errsize,
                           char **ret);

/* Parse a .env file into "KEY=VALUE" strings (appended to *vars / *n_vars,
 * which the caller frees with pd_compose_vars_free).  Values may refer to
 * env and to earlier lines.  Errors: PD_EPARSE with "line N: ..." in err. */
int pd_compose_env_file_parse(const char *text, size_t len,
                              const pd_compose_env *env, char *err,
                              size_t errsize, char ***vars, size_t *n_vars);
void pd_compose_vars_free(char **vars, size_t n);

/* -------------------------------------------------------------- ports */

/* One port entry after interpolation. */
typedef struct pd_compose_portspec {
	char host_ip[PD_ADDR_STRLEN]; /* "" = every address */
	uint16_t host_lo, host_hi;    /* 0 = no host side (not published) */
	uint16_t cont_lo, cont_hi;
	pd_proto proto;               /* PD_PROTO_NONE for sctp */
	bool sctp;
} pd_compose_portspec;

/* The short syntax: "8080", "8080:80", "127.0.0.1:8080:80/udp",
 * "3000-3005:3000-3005", "[::1]:8080:80", "127.0.0.1::80".  err gets the
 * reason on PD_EPARSE. */
int pd_compose_port_parse_short(const char *text, char *err, size_t errsize,
                                pd_compose_portspec *ret);
/* "8080" or "8000-8010" (published / target of the long syntax). */
int pd_compose_port_range(const char *text, uint16_t *ret_lo,
                          uint16_t *ret_hi);

/* ------------------------------------------------------------- clashes */

/* Two entries of a project that publish the same host port and protocol
 * on overlapping addresses. */
bool pd_compose_ports_clash(const pd_compose_port *a, const pd_compose_port *b,
                            uint16_t port);

/* --------------------------------------------------- after diagnose */

/* The index of the entry (in p->ports) behind each result of a report made
 * from the entries' targets in order, one result per port.  *ret is
 * malloc'ed with r->n_results elements.  PD_EINVAL when they do not match. */
int pd_compose_result_map(const pd_compose_project *p, const pd_report *r,
                          size_t **ret);

/* Adjusts a report for the project:
 * - an in_use finding held by this project's own container for the same
 *   service (pd_finding.container, else a container of the snapshot with
 *   the same project, service and published port) is not a conflict: it
 *   becomes info "already running", and the port available when nothing
 *   else stands in the way;
 * - two entries publishing the same host port/protocol on overlapping
 *   addresses get a compose_clash finding each.
 * PD_ENOMEM or PD_EINVAL on failure (the report stays consistent). */
int pd_compose_annotate(const pd_compose_project *p, pd_report *r);

/* How many entries would fail: each unavailable port of an entry, or one
 * for a pick-one range none of whose ports is available, and each sctp
 * port whose bind test failed. */
size_t pd_compose_failures(const pd_compose_project *p, const pd_report *r);
/* Whether an sctp bind test found an obstacle (PD_EUNSUPPORTED is none:
 * the port was not checked). */
bool pd_compose_sctp_failed(const pd_bind_result *b);

/* Text and JSON ("portdoctor.compose.v1") output; *ret is malloc'ed. */
int pd_render_compose_text(const pd_compose_project *p, const pd_report *r,
                           const pd_render_opts *o, char **ret);
int pd_render_compose_json(const pd_compose_project *p, const pd_report *r,
                           char **ret);

#endif
