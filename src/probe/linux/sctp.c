/*
 * The sctp bind test: can a one-to-one SCTP socket bind this address and
 * port and listen?  That is what Docker's proxy does for a published sctp
 * port (docker-proxy -proto sctp).  A kernel without SCTP (no sctp module,
 * as in many containers and CI machines) refuses the socket itself with
 * EPROTONOSUPPORT or ESOCKTNOSUPPORT: that is PD_EUNSUPPORTED, "not
 * checked", never "available".
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "probe/probe.h"
#include "linux.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132 /* RFC 4960, IANA protocol number */
#endif

static int sctp_err(int e)
{
	if (e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT || e == EAFNOSUPPORT)
		return PD_EUNSUPPORTED;
	return pd__bind_errno_to_pd(e);
}

int pd_probe_sctp_bind_test(const pd_endpoint *ep, pd_bind_result *ret)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	pd_bind_result b;
	int fd, af, e = 0, one = 1;

	if (!ep || !ret || (ep->addr.family != PD_FAMILY_V4 &&
	                    ep->addr.family != PD_FAMILY_V6))
		return PD_EINVAL;
	memset(&b, 0, sizeof(b));
	b.addr = ep->addr;
	b.port = ep->port;
	b.reuseaddr = true; /* as Go's listeners set it */
	af = ep->addr.family == PD_FAMILY_V6 ? AF_INET6 : AF_INET;
	sslen = pd__sockaddr_of(&ep->addr, ep->port, &ss);
	fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
	if (fd < 0)
		e = errno;
	else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	         bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, 1) < 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	b.err = e ? sctp_err(e) : 0;
	b.os_code = e;
	b.os_name = e ? (char *)pd__errno_name(e) : NULL;
	*ret = b;
	return 0;
}
