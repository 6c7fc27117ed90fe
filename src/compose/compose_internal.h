/*
 * Internal declarations shared by the Compose parser's files; nothing
 * outside parse.c, yaml.c and services.c includes
 * this.
 *
 * The parser is split by job: yaml.c loads one file into a libyaml
 * document, interpolates its values and walks it (the visit ceiling, merge
 * keys); services.c reads a loaded file into the services of the
 * project, merging it over the files before it; parse.c names the
 * project, applies profiles and hands the result out.  They share the
 * types below, which describe one parse (ctx) and what it collects.
 */
#ifndef PD_COMPOSE_INTERNAL_H
#define PD_COMPOSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "core/buf.h"
#include "compose.h"

typedef struct entry {
	pd_compose_portspec ps;
	char *key;  /* merge key: ip|published|target|proto */
	char *spec; /* as written */
	const char *file;
	int line, column;
} entry;

typedef struct svc {
	char *name;
	char **profiles;
	size_t n_profiles;
	entry *ports;
	size_t n_ports;
	entry *expose; /* container side only: "3000", "8000-8010/udp" */
	size_t n_expose;
	char *network_mode; /* NULL when the file does not set it */
	bool ports_reset;   /* ports: !reset or !override in this file */
	bool expose_reset;
	/* extends: as written, until resolved (include.c). */
	char *ext_service;
	char *ext_file;
	const char *ext_at; /* the file it was written in */
	int ext_line, ext_column;
} svc;

typedef struct svcs {
	svc *v;
	size_t n;
} svcs;

typedef struct doc {
	const char *fname;
	yaml_document_t y;
	bool loaded;
	char **values; /* interpolated scalar per node (index - 1), or NULL */
	bool *is_key;
	size_t n_nodes;
} doc;

typedef struct pair {
	const char *key;
	int value; /* node index */
} pair;

typedef struct ctx {
	const pd_compose_input *in;
	const pd_compose_env *env; /* of the file being loaded */
	char *err;
	size_t errsize;
	int rc; /* first error, sticky */
	size_t visits;
	size_t n_loaded; /* files opened, against PD_COMPOSE_MAX_FILES */
	char *name;
	svcs project;
	char **names; /* file names for messages, owned here */
	size_t n_names;
	char **warnings;
	size_t n_warnings;
} ctx;

/* ------------------------------------------- yaml.c: one parse */

/* Records the first error as "file:line:column: message" (m may be NULL)
 * and returns it; later errors are dropped. */
int pd__compose_fail(ctx *c, int rc, const char *file, const yaml_mark_t *m,
                     const char *fmt, ...) PD_PRINTF(5, 6);
/* Adds a warning once; running out of memory sets c->rc. */
void pd__compose_warn(ctx *c, const char *fmt, ...) PD_PRINTF(2, 3);
int pd__compose_add_string(char ***arr, size_t *n, const char *s);
bool pd__compose_has_string(char *const *arr, size_t n, const char *s);

/* ------------------------------------- yaml.c: documents */

/* Loads f into d and interpolates its values; d is released with
 * pd__compose_doc_done() whether this fails or not. */
int pd__compose_load(ctx *c, doc *d, const pd_compose_file *f);
void pd__compose_doc_done(doc *d);
yaml_node_t *pd__compose_node(ctx *c, doc *d, int idx);
const char *pd__compose_text_of(doc *d, int idx, yaml_node_t *n);
bool pd__compose_is_null(const yaml_node_t *n);
const char *pd__compose_scalar(ctx *c, doc *d, int idx, const char *what);
int pd__compose_flatten(ctx *c, doc *d, int idx, pair **ret, size_t *ret_n);

/* ---------------------------------- services.c: the services */

/* Reads a loaded file's services, as written (extends not followed),
 * into *out; with top set, its "name" too.  *ret_include is the index of
 * its "include" node, 0 when none. */
int pd__compose_file_services(ctx *c, doc *d, bool top, svcs *out,
                              int *ret_include);
yaml_node_t *pd__compose_list(ctx *c, doc *d, int idx, const char *svc,
                              const char *key, bool *reset);
void pd__compose_svc_done(svc *s);
void pd__compose_svcs_done(svcs *l);
svc *pd__compose_svcs_find(svcs *l, const char *name);
/* The service named so in l, added empty when missing; NULL out of
 * memory. */
svc *pd__compose_svcs_get(ctx *c, svcs *l, const char *name);
/* Merges src over dst as Compose merges a later file (and extends): ports
 * and expose appended without duplicates after a !reset, profiles united,
 * network_mode replaced. */
int pd__compose_svc_merge(ctx *c, svc *dst, const svc *src);

/* ---------------------------- include.c: include, extends, paths */

/* A file's services with include and extends followed: the model of one
 * top-level file (base: the project directory). */
int pd__compose_load_model(ctx *c, const pd_compose_file *f, svcs *out);
/* The name a file goes by in messages: relative to the project
 * directory, owned by c. */
const char *pd__compose_name(ctx *c, const char *path);

#endif
