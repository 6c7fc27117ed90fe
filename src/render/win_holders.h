/*
 * The two Windows holders that are not the program the user looks for:
 * http.sys (PID 4) serving URLs other programs registered, and the IP
 * Helper service relaying `netsh interface portproxy` rules.  Matching
 * them to an endpoint (diagnose) and showing them (text and JSON); see
 * win_holders.c.
 */
#ifndef PD_WIN_HOLDERS_H
#define PD_WIN_HOLDERS_H

#include <jansson.h>

#include "buf.h"
#include "portdoctor/portdoctor.h"

/* Indexes into s->http_registrations of the URLs on port (TCP), and into
 * s->portproxy_rules of the rules listening where ep binds.  *ret is
 * malloc'ed (NULL with *ret_n 0 when none); the caller frees it.  Returns
 * 0 or PD_ENOMEM, leaving *ret untouched on failure. */
int pd__http_regs_on(const pd_snapshot *s, uint16_t port, size_t **ret,
                     size_t *ret_n);
int pd__proxy_rules_on(const pd_snapshot *s, const pd_endpoint *ep,
                       size_t **ret, size_t *ret_n);

/* Text: the registrations or rules of f as evidence lines, and the fix
 * they call for.  The fix returns false when f has none (the caller's
 * generic hint applies). */
void pd__put_win_holders(pd_buf *b, const pd_snapshot *s, const pd_finding *f);
bool pd__put_win_holder_fix(pd_buf *b, const pd_snapshot *s,
                            const pd_finding *f);

/* JSON: adds "http_registrations" (http_sys) or "portproxy_rules"
 * (portproxy) to the finding object o. */
void pd__win_holders_json(json_t *o, const pd_snapshot *s, const pd_finding *f,
                          int *err);
/* As the snapshot writes them (snapshot_json.c). */
json_t *pd__http_json(const pd_http_registration *h, int *err);
json_t *pd__portproxy_json(const pd_portproxy_rule *r, int *err);

#endif
