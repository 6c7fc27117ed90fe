/*
 * Shared by the commands that act (fix.c: fix, kill; reserve.c) and
 * those that look (watch.c: free, watch).
 */
#ifndef PD_CLI_FIX_H
#define PD_CLI_FIX_H

#include "cli.h"
#include "remedy/remedy.h"

/* Exit status when applying a remedy failed (same number as EXIT_PROBE). */
#define EXIT_APPLY 3

/* --root, else $PORTDOCTOR_ROOT, else "/": where Linux settings are
 * written (tests point it at a tree of their own). */
const char *cli_root_dir(const cli_opts *o);

/* The snapshot is of a Windows machine. */
bool cli_is_windows(const pd_snapshot *s);

/* Asks QUESTION on the terminal unless --yes; false when declined or there
 * is no terminal to ask on (then *ret_exit is the exit status). */
bool cli_confirm(const cli_opts *o, const char *question, int *ret_exit);

/* R needs root/an administrator and this run has not: says so (on Windows
 * first offers to run again elevated; then *ret_relaunched) and returns
 * the exit status. */
int cli_refuse_unprivileged(const cli_opts *o, const pd_snapshot *s,
                            const pd_remedy *r, const char *command,
                            bool *ret_relaunched);

/* Runs R's steps, logging them to LOG and (text mode) printing them; after
 * a failure only the "always" steps run.  0, or the failure's PD_E* code
 * (recorded in OC). */
int cli_apply_remedy(const cli_opts *o, const pd_remedy *r, pd_buf *log,
                     pd_outcome *oc);

/* Parses the operands as targets into p (bind tests and ports); an exit
 * status, having said why. */
int cli_targets(const cli_opts *o, plan *p);

/* Ports that can be bound now on every address and lie outside every
 * dynamic, reserved and excluded range, nearest to near first (near 0:
 * from lo up).  Probes the range itself; each port is verified by a real
 * bind.  With skips (may be NULL), the ports passed over and why (at most
 * max_skips).  Returns 0 or a PD_E* code; err says why. */
int cli_free_ports(pd_proto proto, int near, uint16_t lo, uint16_t hi,
                   size_t count, uint16_t *out, size_t *ret_n,
                   pd_free_skip *skips, size_t max_skips, size_t *ret_skips,
                   char *err, size_t errsize);

#endif
