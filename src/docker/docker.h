/*
 * src/docker/: the Docker Engine API: HTTP/1.1 framing of replies (http.c),
 * replies -> containers (api.c), containers in the snapshot (containers.c).
 * Pure; the socket or pipe is src/probe/engine's.  May include: src/core.
 * Included by: src/probe/engine, src/diagnose, src/render.
 *
 * Docker Engine API, the pure half: HTTP response framing (http.c),
 * the engine's JSON and the CLI's context files (api.c), and the
 * lookups diagnose and render make on snapshot->containers
 * (containers.c).  The probe (src/probe/engine*.c) fetches the bytes.
 */
#ifndef PD_DOCKER_H
#define PD_DOCKER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "portdoctor/portdoctor.h"

/* Ceiling on one response of the engine (a list of every container). */
#define PD_DOCKER_MAX_RESPONSE (16u * 1024u * 1024u)

/* ------------------------------------------------------------- HTTP/1.1 */

typedef struct pd_http_response {
	int status;     /* 200, 404, ... */
	char *server;   /* the Server header, or NULL */
	char *body;     /* NUL-terminated (the NUL is not counted) */
	size_t body_len;
} pd_http_response;

/* Frame the response held in buf[0, len).  eof: the peer closed, nothing
 * more will come.  Returns 0 with *ret_complete false when more bytes are
 * needed; 0 with *ret_complete true and *ret filled (free with
 * pd__http_response_done) when the response is whole; PD_EPARSE for a
 * malformed or truncated response, PD_ETOOBIG when the body would exceed
 * max_body or the header 64 KiB, PD_ENOMEM.  Chunked transfer-coding is
 * decoded; without Content-Length or chunking the body ends at eof. */
int pd__http_parse(const char *buf, size_t len, bool eof, size_t max_body,
                   bool *ret_complete, pd_http_response *ret);
void pd__http_response_done(pd_http_response *r);

/* ---------------------------------------------------------- engine JSON */

/* GET /containers/json?all=1: appends one pd_container per element to s
 * (engine names it: "docker", "podman" or NULL).  Published ports come
 * from "Ports"; exposed-only ports (no PublicPort) are skipped.  Unknown
 * or ill-typed fields of one container are skipped, not fatal; a body that
 * is not a JSON array fails with PD_EPARSE (err gets a one-line reason)
 * and leaves s unchanged. */
int pd__docker_parse_list(const char *text, size_t len, const char *engine,
                          pd_snapshot *s, char *err, size_t errsize);

/* GET /containers/ID/json: adds the ports the container would publish
 * (HostConfig.PortBindings) to c, for a created or stopped container,
 * whose list entry has no ports.  Bindings without a host port (the
 * engine picks one at start) are skipped.  PD_EPARSE when text is not a
 * JSON object; c is unchanged then. */
int pd__docker_parse_inspect(const char *text, size_t len, pd_container *c);
/* Podman's pod list (GET /v4.0.0/libpod/pods/json: [{"Name": "shop",
 * "Containers": [{"Id": ...}]}]): sets the pod of the containers of s
 * from index first on.  PD_EPARSE, PD_ETOOBIG, PD_ENOMEM; s keeps what
 * was set before a failure. */
int pd__docker_parse_pods(const char *text, size_t len, pd_snapshot *s,
                          size_t first);

/* ~/.docker/config.json: the "currentContext", a new string in *ret_name;
 * PD_ENOENT when none is set. */
int pd__docker_config_context(const char *text, size_t len, char **ret_name);

/* ~/.docker/contexts/meta/HASH/meta.json: the context's "Name" and its
 * Endpoints.docker.Host, as new strings; PD_ENOENT when either is
 * missing. */
int pd__docker_context_meta(const char *text, size_t len, char **ret_name,
                            char **ret_host);

/* "docker" for "Docker/20.10.24 (linux)", "podman" for "Libpod/4.3.1",
 * else NULL. */
const char *pd__docker_engine_from_server(const char *server);

/* ------------------------------------------------------------- lookups */

/* Process names that hold ports on behalf of a container: docker-proxy,
 * dockerd (userland proxy off), conmon, rootlessport, and on Windows
 * com.docker.backend, vpnkit, wslrelay (".exe" and case ignored). */
bool pd__is_container_proxy(const char *process_name);

/* The container behind a socket held by one of those processes, or
 * NULL. */
const pd_container *pd__socket_container(const pd_snapshot *s,
                                         const pd_socket *sk);

/* The container behind the holders idx[0, n) of endpoint ep (indexes into
 * s->sockets): the one a proxy process holds the port for; when no owner
 * is known, a running container publishing the holder's (or, with no
 * socket, the endpoint's) address.  NULL when none. */
const pd_container *pd__holder_container(const pd_snapshot *s,
                                         const pd_endpoint *ep,
                                         const size_t *idx, size_t n);

/* Containers that are not active (created, exited, dead) but publish a
 * port one of eps[0, n_eps) needs: up to max of them, each once, into
 * out.  Returns how many. */
size_t pd__containers_conflicting(const pd_snapshot *s,
                                  const pd_endpoint *eps, size_t n_eps,
                                  const pd_container **out, size_t max);

/* ------------------------------------------- text (render/container.c) */

/* "web (nginx:1.25, running; compose shop/web)", escaped. */
void pd__put_container(pd_buf *b, const pd_container *c);
/* The evidence line under a finding: "container web (...)". */
void pd__put_container_evidence(pd_buf *b, const pd_container *c);
/* "fix: stop the container: docker stop web ..." for an active one, the
 * rm command for a created or stopped one. */
void pd__put_container_fix(pd_buf *b, const pd_container *c, bool active);

#endif
