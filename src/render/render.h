/*
 * src/render/: results, plans, listings, containers, Compose checks and
 * explanations -> text or JSON.  Pure.  May include: src/core, src/compose,
 * src/docker, src/explain, src/remedy.  Included by: nothing: the CLI calls
 * it through the public header.
 *
 * Pieces shared by the renderers (text.c, list.c, json.c, ...).
 */
#ifndef PD_RENDER_H
#define PD_RENDER_H

#include "core/buf.h"
#include "core/sanitize.h"
#include "portdoctor/portdoctor.h"

void pd__put_colored(pd_buf *b, const pd_render_opts *o, const char *color,
                     const char *text);
void pd__put_sev(pd_buf *b, const pd_render_opts *o, pd_severity s);
void pd__put_endpoint(pd_buf *b, const pd_addr *a, uint16_t port);
void pd__put_owner_short(pd_buf *b, const pd_snapshot *s, const pd_socket *sk);
void pd__put_target(pd_buf *b, const pd_target *t, uint16_t port);
/* " on the Windows host" / " inside WSL" when s->machine says so. */
void pd__put_machine(pd_buf *b, const pd_snapshot *s);
void pd__put_notes(pd_buf *b, const pd_snapshot *s, const pd_render_opts *o);
void pd__format_time(int64_t t, char *buf, size_t size);
/* One check result, every line prefixed with indent. */
void pd__render_result_text(pd_buf *b, const pd_snapshot *s,
                            const pd_result *res, const pd_render_opts *o,
                            const char *indent);
/* list: whether a socket is listed, and the listed ones in order
 * (list.c); *ret is malloc'ed. */
bool pd__list_wants(const pd_socket *sk, const pd_render_opts *o);
int pd__list_sockets(const pd_snapshot *s, const pd_render_opts *o,
                     size_t **ret, size_t *ret_n);

#endif
