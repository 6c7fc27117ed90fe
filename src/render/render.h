/*
 * Pieces shared by the text renderers (render_text.c, render_list.c).
 */
#ifndef PD_RENDER_H
#define PD_RENDER_H

#include "buf.h"
#include "portdoctor/portdoctor.h"

void pd__put_colored(pd_buf *b, const pd_render_opts *o, const char *color,
                     const char *text);
void pd__put_sev(pd_buf *b, const pd_render_opts *o, pd_severity s);
/* Outside text, escaped for a terminal; max bytes shown (0 = all). */
void pd__put_safe(pd_buf *b, const char *s, size_t max);
void pd__put_endpoint(pd_buf *b, const pd_addr *a, uint16_t port);
void pd__put_owner_short(pd_buf *b, const pd_snapshot *s, const pd_socket *sk);
void pd__put_target(pd_buf *b, const pd_target *t, uint16_t port);
void pd__put_notes(pd_buf *b, const pd_snapshot *s, const pd_render_opts *o);
void pd__format_time(int64_t t, char *buf, size_t size);
/* One check result, every line prefixed with indent. */
void pd__render_result_text(pd_buf *b, const pd_snapshot *s,
                            const pd_result *res, const pd_render_opts *o,
                            const char *indent);
/* list: whether a socket is listed, and the listed ones in order
 * (render_list.c); *ret is malloc'ed. */
bool pd__list_wants(const pd_socket *sk, const pd_render_opts *o);
int pd__list_sockets(const pd_snapshot *s, const pd_render_opts *o,
                     size_t **ret, size_t *ret_n);
/* Steals b's text into *ret, or returns b's error. */
int pd__buf_finish(pd_buf *b, char **ret);

#endif
