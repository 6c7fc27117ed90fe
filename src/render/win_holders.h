/*
 * The two Windows holders that are not the program the user looks for:
 * http.sys (PID 4) serving URLs other programs registered, and the IP
 * Helper service relaying `netsh interface portproxy` rules, shown as
 * evidence in text and JSON (win_holders.c); diagnose matches them to an
 * endpoint (src/diagnose/win_holders.c).
 */
#ifndef PD_WIN_HOLDERS_H
#define PD_WIN_HOLDERS_H

#include <jansson.h>

#include "core/buf.h"
#include "portdoctor/portdoctor.h"

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
#endif
