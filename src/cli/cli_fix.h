/*
 * Shared by the commands that act (fix.c: fix, reserve, kill) and
 * those that look (watch.c: free, watch).
 */
#ifndef PD_CLI_FIX_H
#define PD_CLI_FIX_H

#include "cli.h"
#include "remedy/remedy.h"

/* Exit status when applying a remedy failed (same number as EXIT_PROBE). */
#define EXIT_APPLY 3

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
