/*
 * pd_probe_sctp_bind_test where the OS has no SCTP sockets (Windows has
 * none built in: Winsock's IPPROTO_SCTP needs a third-party provider), so
 * sctp ports are reported as not checked.
 */
#include <string.h>

#include "probe.h"

int pd_probe_sctp_bind_test(const pd_endpoint *ep, pd_bind_result *ret)
{
	pd_bind_result b;

	if (!ep || !ret)
		return PD_EINVAL;
	memset(&b, 0, sizeof(b));
	b.addr = ep->addr;
	b.port = ep->port;
	b.err = PD_EUNSUPPORTED;
	*ret = b;
	return 0;
}
