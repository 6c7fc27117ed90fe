/*
 * What the acting commands (fix, reserve, kill: fix.c) and the looking
 * ones (free, watch: watch.c) share: the operands read as targets, and the
 * search for ports that are free now (free, and fix's "use another port").
 * Declared in cli_fix.h.
 */
#include <stdio.h>
#include <string.h>

#include "cli_fix.h"
#include "core/i18n.h"

/* fix, kill and watch act on each port: a few thousand at most. */
int cli_targets(const cli_opts *o, plan *p)
{
	return plan_from_args(o, 4096, p);
}

static bool binds_everywhere(pd_proto proto, uint16_t port, char *why,
                             size_t whysize)
{
	pd_target t;
	pd_endpoint eps[2];
	size_t n, i;

	memset(&t, 0, sizeof(t));
	t.proto = proto;
	t.host = PD_HOST_ALL;
	t.port_lo = t.port_hi = port;
	n = pd_target_endpoints(&t, port, eps);
	for (i = 0; i < n; i++) {
		pd_bind_result b;
		char a[PD_ADDR_STRLEN];

		if (pd_probe_bind_test(&eps[i], &b) < 0)
			continue;
		if (b.err == 0 || (i > 0 && b.err == PD_EAFNOSUPPORT))
			continue;
		pd_addr_format(&eps[i].addr, a, sizeof(a));
		snprintf(why, whysize, eps[i].addr.family == PD_FAMILY_V6 ?
		         _("bind on [%s]:%u failed: %s") :
		         _("bind on %s:%u failed: %s"), a, port,
		         b.os_name ? b.os_name : pd_err_name(b.err));
		return false;
	}
	return true;
}

int cli_free_ports(pd_proto proto, int near, uint16_t lo, uint16_t hi,
                   size_t count, uint16_t *out, size_t *ret_n,
                   pd_free_skip *skips, size_t max_skips, size_t *ret_skips,
                   char *err, size_t errsize)
{
	pd_probe_opts po;
	pd_range r;
	pd_snapshot *s = NULL;
	size_t n = 0, ns = 0;
	long step;
	int rc;

	memset(&po, 0, sizeof(po));
	memset(&r, 0, sizeof(r));
	r.proto = proto;
	r.start = lo;
	r.end = hi;
	po.ports = &r;
	po.n_ports = 1;
	rc = pd_probe_collect(&po, err, errsize, &s);
	if (rc < 0)
		return rc;
	if (near < lo || near > hi)
		near = 0;
	/* near, near+1, near-1, near+2, ... (up first on a tie); without
	 * near, lo upward. */
	for (step = 0; n < count; step++) {
		long port;
		char why[160];

		if (near) {
			long d = (step + 1) / 2;

			port = step % 2 ? near + d : near - d;
			if (near + d > hi && near - d < lo)
				break;
			if (port < lo || port > hi)
				continue;
		} else {
			port = lo + step;
			if (port > hi)
				break;
		}
		if (pd_free_candidate(s, proto, (uint16_t)port, why, sizeof(why)) &&
		    binds_everywhere(proto, (uint16_t)port, why, sizeof(why))) {
			out[n++] = (uint16_t)port;
			continue;
		}
		if (skips && ns < max_skips) {
			skips[ns].port = (uint16_t)port;
			snprintf(skips[ns].reason, sizeof(skips[ns].reason), "%s", why);
			ns++;
		}
	}
	pd_snapshot_free(s);
	*ret_n = n;
	*ret_skips = ns;
	return 0;
}
