/*
 * explain: parsed error messages, their meaning, and the check of their
 * endpoints on this machine.
 */
#ifndef PD_EXPLAIN_H
#define PD_EXPLAIN_H

#include "errmsg.h"
#include "portdoctor/portdoctor.h"

typedef struct pd_explain_item {
	const pd_errmsg *err;     /* borrowed */
	char *meaning;            /* owned by the caller's pd_explain */
	const pd_result *result;  /* into report, or NULL: no check made */
	const char *why_no_check; /* static text when result is NULL */
} pd_explain_item;

typedef struct pd_explain {
	pd_explain_item *items;
	size_t n_items;
	const pd_report *report; /* NULL with --offline */
} pd_explain;

/* The failure happened on Windows (a Winsock code or wording). */
bool pd_errmsg_from_windows(const pd_errmsg *e);
/* The target to check for e: PD_EINVAL when the text gives no port.  A
 * missing protocol checks tcp; a missing or wildcard host every address. */
int pd_errmsg_target(const pd_errmsg *e, pd_target *ret);
/* Plain words for e; *ret is malloc'ed. */
int pd_explain_meaning(const pd_errmsg *e, char **ret);

int pd_render_explain_text(const pd_explain *x, const pd_render_opts *o,
                           char **ret);
int pd_render_explain_json(const pd_explain *x, char **ret);

#endif
