/*
 * `check` of one address: its TCP listener by an exact lookup instead of
 * a dump of every listener of the machine, when that is provably the
 * same answer.
 *
 * A sock_diag dump walks every listener of every network namespace to
 * keep those on one port (tcp_diag_dump, whatever the filter): 0.1 ms at
 * 5,000 listeners, 2 ms at 50,000.  For `check 127.0.0.1:P` what counts
 * are the listeners that overlap 127.0.0.1:P (pd_socket_overlaps: there,
 * on the wildcard, a dual-stack [::] or ::ffff:127.0.0.1).  The kernel
 * finds one in O(1) (pd__linux_sockets_lookup, sockets.c), as it does
 * for an incoming SYN.  That one is all of them when:
 *
 *  - the bind test without SO_REUSEADDR failed (probe.c's gate): when
 *    it succeeds, no socket overlaps the address in any state, and the
 *    TCP side has nothing to collect at all;
 *  - the lookup found a listener L not bound to a device (it does not
 *    see those: idiag_if 0 matches only unbound sockets);
 *  - L has no SO_REUSEPORT.  Two listeners that both overlap one
 *    address overlap each other (the same address, or one of them a
 *    wildcard), and the kernel lets overlapping listeners coexist only
 *    when both set SO_REUSEPORT under the same uid
 *    (net/ipv4/inet_connection_sock.c, inet_bind_conflict), a device
 *    binding being no way around an unbound L.  sock_diag does not tell
 *    SO_REUSEPORT, a bind does: a socket with SO_REUSEADDR and
 *    SO_REUSEPORT, created with L's uid (we are root, L is root's), binds
 *    the address beside L exactly when L has SO_REUSEPORT, since no other
 *    socket could block it while L lets it in (a socket coexisting with
 *    a listener that has SO_REUSEPORT either has it too under the same
 *    uid, has SO_REUSEADDR and is not listening, or is a TIME_WAIT: none
 *    of which conflicts with such a bind).  EADDRINUSE: L is alone.
 *
 * Otherwise (not root, L another user's, a reuseport group, a device
 * binding, no listener found, any error) probe.c dumps as before.  The
 * connections and TIME_WAITs of the port still come from the dump of the
 * established hash that the gate asks for.  What the exact path does not
 * collect are the listeners of the same port on addresses that do not
 * overlap the target (10.0.0.5:P, [::1]:P): no finding uses them, their
 * owners are not searched.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux.h"

/* The one endpoint of a check this path can answer: a specific address
 * (not a wildcard, not IPv4-mapped), TCP, its port the only TCP port of
 * interest, no listing asked for.  NULL otherwise. */
static const pd_endpoint *exact_target(const pd_probe_opts *opts)
{
	const pd_endpoint *ep;
	pd_addr v4;
	size_t i;

	if (!opts->minimal || opts->n_binds != 1 || geteuid() != 0 ||
	    pd__listeners_want(opts, PD_PROTO_TCP))
		return NULL;
	ep = &opts->binds[0];
	if (ep->proto != PD_PROTO_TCP || pd_addr_is_any(&ep->addr) ||
	    (ep->addr.family != PD_FAMILY_V4 && ep->addr.family != PD_FAMILY_V6) ||
	    pd_addr_unmap_v4(&ep->addr, &v4))
		return NULL;
	for (i = 0; i < opts->n_ports; i++) {
		const pd_range *r = &opts->ports[i];

		if ((r->proto == PD_PROTO_TCP || r->proto == PD_PROTO_NONE) &&
		    (r->start != ep->port || r->end != ep->port))
			return NULL;
	}
	return ep;
}

/* The bind of ep with SO_REUSEADDR and SO_REUSEPORT: its errno, 0 when it
 * succeeded (the socket is closed at once, never listening). */
static int bind_reuseport(const pd_endpoint *ep)
{
	struct sockaddr_storage ss;
	socklen_t len = pd__sockaddr_of(&ep->addr, ep->port, &ss);
	int fd, one = 1, e = 0;

	fd = socket(ep->addr.family == PD_FAMILY_V6 ? AF_INET6 : AF_INET,
	            SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0)
		e = errno;
	close(fd);
	return e;
}

int pd__linux_exact_listener(pd_snapshot *s, const pd_probe_opts *opts,
                             bool bind_failed)
{
	const pd_endpoint *ep = exact_target(opts);
	const pd_socket *l;
	size_t start = s->n_sockets;
	int r;

	if (!ep)
		return 0;
	if (!bind_failed)
		return 1;
	r = pd__linux_sockets_lookup(s, opts, ep);
	if (r == PD_ENOMEM)
		return r;
	if (r <= 0)
		return 0;
	l = &s->sockets[start];
	if (l->state == PD_STATE_LISTEN && !l->ifname && l->uid == 0 &&
	    pd_socket_overlaps(ep, l) && bind_reuseport(ep) == EADDRINUSE)
		return 1;
	pd__linux_sockets_rollback(s, start);
	return 0;
}
