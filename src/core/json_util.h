/*
 * Small helpers around jansson shared by the snapshot and output writers.
 */
#ifndef PD_JSON_UTIL_H
#define PD_JSON_UTIL_H

#include <jansson.h>

#include "portdoctor/portdoctor.h"

#define PD_SNAPSHOT_SCHEMA "portdoctor.snapshot.v1"

/* JSON names of pd_owner_status, indexed by its value. */
extern const char *const pd__owner_status_names[4];

/* A JSON string holding s made valid UTF-8 (U+FFFD for bad bytes), or
 * JSON null for NULL.  Returns NULL only when out of memory. */
json_t *pd__jstr(const char *s);
json_t *pd__jaddr(const pd_addr *a);
json_t *pd__jtristate(int v); /* -1 null, 0 false, else true */
json_t *pd__jrange(const pd_range *r, bool with_administered);
const char *pd__family_name(pd_family f); /* "ipv4", "ipv6", NULL */
/* Sets key to v in o and drops the reference; records failure in *err. */
void pd__jset(json_t *o, const char *key, json_t *v, int *err);
/* Dumps compact or indented JSON with a trailing newline into *ret. */
int pd__jdump(json_t *root, bool pretty, char **ret_text);

/* Pieces of the output documents (render/json.c). */
json_t *pd__result_json(const pd_snapshot *s, const pd_result *r, int *err);
json_t *pd__host_json(const pd_snapshot *s, int *err);
/* A container as the snapshot writes it, with its ports (snapshot/write.c). */
json_t *pd__container_json(const pd_container *c, int *err);
/* The "container" of a finding or a listed socket, without ports
 * (docker/containers.c, docs/json.md). */
json_t *pd__container_brief_json(const pd_container *c, int *err);
/* The whole snapshot document (snapshot/write.c). */
json_t *pd__snapshot_json(const pd_snapshot *s, int *err);

/* As the snapshot writes them (src/snapshot/write.c). */
json_t *pd__http_json(const pd_http_registration *h, int *err);
json_t *pd__portproxy_json(const pd_portproxy_rule *r, int *err);

#endif
