/*
 * src/probe/engine/: the Docker/Podman engine client: which Unix socket
 * (posix.c) or named pipe (win.c), one request, one reply (engine.c).  The
 * replies are parsed by src/docker.  May include: src/core, src/docker.
 * Included by: src/probe/linux, src/probe/win.
 *
 * The container engine client (engine.c) and its transports: unix and
 * TCP sockets (posix.c), named pipes and TCP on Windows
 * (win.c).  Internal to the probe.
 */
#ifndef PD_ENGINE_H
#define PD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portdoctor/portdoctor.h"

/* Everything the engine client does (every request of one collection)
 * ends within this many milliseconds. */
#define PD_ENGINE_DEADLINE_MS 1500

/* Ask the engine(s) for their containers and fill s->containers and
 * s->engine_status; an engine that is absent or does not answer in time
 * leaves a note ("engine_unavailable") and engine_status 0.  Fails only
 * with PD_ENOMEM. */
int pd__engine_collect(pd_snapshot *s);

typedef enum pd_engine_kind {
	PD_ENGINE_UNIX = 1,  /* where: a socket path */
	PD_ENGINE_TCP = 2,   /* where: a numeric address or "localhost" */
	PD_ENGINE_NPIPE = 3  /* where: \\.\pipe\NAME */
} pd_engine_kind;

typedef struct pd_engine_conn pd_engine_conn;

/* Milliseconds of a monotonic clock. */
uint64_t pd__engine_now_ms(void);

/* Connect by deadline (a pd__engine_now_ms() value).  PD_ENOENT: nothing
 * there (no socket file, no pipe, connection refused); PD_ETIMEDOUT;
 * PD_EACCES; PD_EUNSUPPORTED (this kind on this OS); PD_EIO.  why gets a
 * short reason ("connection refused"). */
int pd__engine_connect(pd_engine_kind kind, const char *where,
                       const char *port, uint64_t deadline,
                       pd_engine_conn **ret, char *why, size_t whysize);
/* Sends all of buf by the deadline. */
int pd__engine_send(pd_engine_conn *c, const char *buf, size_t len,
                    uint64_t deadline);
/* Receives what is there (waiting for some by the deadline): *ret_n
 * bytes, 0 at the end of the stream. */
int pd__engine_recv(pd_engine_conn *c, char *buf, size_t size,
                    uint64_t deadline, size_t *ret_n);
void pd__engine_close(pd_engine_conn *c);

/* The usual places of an engine on this OS, as DOCKER_HOST-style URLs
 * (unix:///var/run/docker.sock ...), best first; only those that exist
 * (a socket file; on Windows every candidate).  Fills up to max entries
 * of size bytes; returns the count. */
size_t pd__engine_defaults(char (*out)[512], size_t max);
/* True when url is the socket this user's podman CLI works on without
 * --url (root: the rootful service; others: their rootless one). */
bool pd__engine_own_podman(const char *url);

/* The docker CLI's configuration directory: $DOCKER_CONFIG, else
 * ~/.docker (%USERPROFILE%\.docker).  False when unknown. */
bool pd__engine_config_dir(char *buf, size_t size);

/* The docker CLI's current context, when it is not "default": its name
 * and endpoint (both malloc'ed; the caller frees them).  PD_ENOENT when the
 * default context is in use or there is no configuration. */
int pd__engine_context(char **ret_name, char **ret_host);

#endif
