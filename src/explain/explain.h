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
	/* The machine result is about when it is not report's: inside WSL a
	 * Windows failure is checked on the Windows host's snapshot. */
	const pd_snapshot *snap;
} pd_explain_item;

/* A port checked for errors whose text names none (guess.c). */
typedef struct pd_explain_guess {
	pd_target target;
	const pd_container *container; /* that publishes it; NULL: a common port */
	const pd_result *result;       /* into report, or NULL: not checked */
} pd_explain_guess;

typedef struct pd_explain {
	pd_explain_item *items;
	size_t n_items;
	size_t n_found;          /* failures in the text; > n_items when cut */
	const char *none_reason; /* static text when n_items is 0 */
	const pd_report *report; /* NULL with --offline */
	/* When an error names no port: what was checked instead. */
	pd_explain_guess *guesses;
	size_t n_guesses;
	bool guesses_from_engine;  /* containers' ports, else common ports */
	const pd_verdict *verdicts; /* port ranges (common ports only) */
	size_t n_verdicts;
} pd_explain;

/* The host ports s's containers publish, those not running (created,
 * exited: they failed to start) first, in the engine's order (newest
 * first), at most max, no duplicates.  *ret is malloc'ed (NULL when none). */
int pd_explain_container_guesses(const pd_snapshot *s, size_t max,
                                 pd_explain_guess **ret, size_t *ret_n);
/* The common development ports (tcp, every address). */
int pd_explain_common_guesses(pd_explain_guess **ret, size_t *ret_n);

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
