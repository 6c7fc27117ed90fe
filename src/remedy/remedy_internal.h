/*
 * Shared by the files of the remedy planner, and by nothing else:
 *
 *   remedy.c         ids, the plan builder, pd_plan_build/kill/reserve,
 *                    pd_plan_free
 *   holders.c ending what holds the port, and the refusals; signals
 *   linux.c   privileged-port rules and ip_local_reserved_ports
 *   win.c     dynamic range, WinNAT, portproxy, excluded ranges
 *   advice.c  advice, another port, pd_free_candidate
 *
 * A planner adds remedies to b->plan through the pd__add_* functions.
 * They never fail loudly: the first failed allocation sets b->err, every
 * later call does nothing, and finish() then frees the plan and returns
 * that error.
 */
#ifndef PD_REMEDY_INTERNAL_H
#define PD_REMEDY_INTERNAL_H

#include "core/buf.h"
#include "remedy.h"

typedef struct pd_bld {
	const pd_snapshot *s;
	const pd_result *res;
	const pd_plan_opts *o;
	pd_plan *plan;
	bool windows;
	int err; /* sticky PD_ENOMEM */
	char tgt[160]; /* "tcp 8080" */
} pd_bld;

/* A malloc'ed string, or NULL (b->err set, or already set). */
char *pd__fmt(pd_bld *b, const char *f, ...) PD_PRINTF(2, 3);
char *pd__sdup(pd_bld *b, const char *s);
/* The path of a persistent file below the root. */
char *pd__rooted(pd_bld *b, const char *path);

/* Appends a remedy that takes title, what and side (frees them on
 * failure); NULL on failure, or when title or what is NULL. */
pd_remedy *pd__add_remedy(pd_bld *b, pd_remedy_id id, bool root, bool reboot,
                          bool changes, char *title, char *what,
                          char *side);
/* Appends a step to r, taking text; NULL (b->err set) when r or text is
 * NULL or memory runs out. */
pd_step *pd__add_step(pd_bld *b, pd_remedy *r, pd_step_kind kind,
                      char *text);
/* A RUN step; the argument list ends with NULL. */
void pd__add_run(pd_bld *b, pd_remedy *r, char *text, ...);
void pd__add_manual(pd_bld *b, pd_remedy *r, char *text);

/* Whether res has a finding with code c (a privileged port only as an
 * error), and which in *ret when ret is not NULL. */
bool pd__has_finding(const pd_result *res, pd_finding_code c,
                     const pd_finding **ret);

/* holders.c */
void pd__plan_holders(pd_bld *b, bool kill_only);

/* linux.c */
void pd__plan_privileged(pd_bld *b);
void pd__plan_reserve_linux(pd_bld *b);
void pd__plan_reserve_ports(pd_bld *b, pd_range **todo, size_t n,
                            bool remove);

/* win.c */
bool pd__win_dynamic_low(const pd_bld *b, pd_proto proto);
/* Whether the plan resets the dynamic range and port lies in the range it
 * sets (never a port to suggest instead). */
bool pd__win_in_new_dynamic(const pd_bld *b, uint16_t port);
void pd__plan_reset_dynamic(pd_bld *b);
void pd__plan_restart_winnat(pd_bld *b, const pd_range *ex);
void pd__plan_portproxy(pd_bld *b, const pd_finding *f);
void pd__plan_reserve_win(pd_bld *b, const pd_range *rs, size_t n,
                          bool remove, pd_proto proto);

/* advice.c */
void pd__plan_advice(pd_bld *b);
void pd__plan_other_port(pd_bld *b);
void pd__plan_find_owner(pd_bld *b);

#endif
