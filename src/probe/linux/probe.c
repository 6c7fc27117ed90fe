/*
 * The Linux probe: collect entry point, context, port sysctls, addresses
 * and the bind test.  Sockets live in sockets.c, owners in
 * owners.c, the file helpers and errno names in io.c; the text they read
 * is parsed in procfs/procfs.c.
 *
 * Sections: context, sysctls, addresses, bind test, collect.
 *
 * Partial views are normal here (not root, one process denied, netlink
 * refused): each becomes a note in the snapshot and collect still
 * succeeds.  Collect fails only when memory runs out or when sockets were
 * asked for and neither netlink nor /proc/net could be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "probe/engine/engine.h"
#include "linux.h"
#include "procfs/procfs.h"

#define CAP_NET_BIND_SERVICE_BIT 10
/* ip_local_reserved_ports lists at most every port once. */
#define RESERVED_MAX (512u * 1024u)

/* ----------------------------------------------------------- context */

static int note(pd_snapshot *s, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int note(pd_snapshot *s, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_snapshot_add_note(s, code, msg);
}

static int fill_context(pd_snapshot *s)
{
	struct utsname u;
	char host[256], status[8192];
	uint64_t caps;
	size_t len;

	s->os = strdup("linux");
	if (!s->os)
		return PD_ENOMEM;
	if (uname(&u) == 0) {
		s->os_detail = strdup(u.release);
		if (!s->os_detail)
			return PD_ENOMEM;
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		s->hostname = strdup(host);
		if (!s->hostname)
			return PD_ENOMEM;
	}
	s->taken_at = (int64_t)time(NULL);
	s->uid = (int64_t)geteuid();
	s->privileged = geteuid() == 0;
	/* Root without CAP_NET_BIND_SERVICE exists (containers drop it), and
	 * a non-root binary may hold it (setcap): only CapEff says. */
	if (pd__read_at(AT_FDCWD, "/proc/self/status", status, sizeof(status),
	                &len) == 0 &&
	    pd_proc_status_capeff(status, len, &caps) == 0)
		s->can_bind_privileged = (caps >> CAP_NET_BIND_SERVICE_BIT) & 1;
	else
		s->can_bind_privileged = s->privileged;
	return 0;
}

/* ----------------------------------------------------------- sysctls */

/* These three are per network namespace: what we read is the view of the
 * namespace this process runs in, which is the one its binds go to. */
static int read_sysctls(pd_snapshot *s)
{
	char buf[128], *text = NULL;
	size_t len, n = 0;
	pd_range range, *list = NULL;
	bool trunc;
	int r, v;

	if (pd__read_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_port_range", buf,
	                sizeof(buf), &len) == 0 &&
	    pd_sysctl_port_range(buf, len, &range) == 0) {
		r = pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &range);
		if (r < 0)
			goto out;
	} else {
		r = note(s, "sysctl_unreadable", "%s",
		         _("net.ipv4.ip_local_port_range could not be read"));
		if (r < 0)
			goto out;
	}
	if (pd__read_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_unprivileged_port_start",
	                buf, sizeof(buf), &len) == 0 &&
	    pd_sysctl_int(buf, len, 0, 65536, &v) == 0)
		s->unprivileged_port_start = v;
	if (pd__read_alloc_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_reserved_ports",
	                      RESERVED_MAX, &text, &len, &trunc) == 0 &&
	    pd_sysctl_port_list(text, len, &list, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			r = pd_snapshot_add_range(&s->reserved, &s->n_reserved,
			                          &list[i]);
			if (r < 0)
				goto out;
		}
	} else {
		/* Unreadable (proc mounted subset=pid, a hardened container) is
		 * unknown, never "no ports are reserved". */
		s->reserved_unknown = true;
		r = note(s, "sysctl_unreadable", "%s",
		         "net.ipv4.ip_local_reserved_ports could not be read");
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(text);
	free(list);
	return r;
}

/* --------------------------------------------------------- addresses */

static int prefix_len(const struct sockaddr *mask, int family)
{
	const unsigned char *b;
	size_t n, i;
	int bits = 0;

	if (!mask)
		return -1;
	if (family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr;
		n = 4;
	} else {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr;
		n = 16;
	}
	for (i = 0; i < n; i++)
		bits += __builtin_popcount(b[i]);
	return bits;
}

static int read_addrs(pd_snapshot *s)
{
	struct ifaddrs *list = NULL, *ifa;
	pd_addr a;
	int r;

	if (getifaddrs(&list) < 0)
		return note(s, "addresses_unreadable", "getifaddrs: %s",
		            pd__errno_name(errno));
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		int fam = ifa->ifa_addr ? ifa->ifa_addr->sa_family : AF_UNSPEC;

		memset(&a, 0, sizeof(a));
		if (fam == AF_INET) {
			const struct sockaddr_in *sin = (const void *)ifa->ifa_addr;

			a.family = PD_FAMILY_V4;
			memcpy(a.bytes, &sin->sin_addr, 4);
		} else if (fam == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)ifa->ifa_addr;

			a.family = PD_FAMILY_V6;
			memcpy(a.bytes, &sin6->sin6_addr, 16);
			a.scope_id = sin6->sin6_scope_id;
		} else {
			continue;
		}
		r = pd_snapshot_add_addr(s, ifa->ifa_name, &a,
		                         prefix_len(ifa->ifa_netmask, fam),
		                         (ifa->ifa_flags & IFF_UP) != 0);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	freeifaddrs(list);
	return r;
}

/* --------------------------------------------------------- bind test */

socklen_t pd__sockaddr_of(const pd_addr *a, uint16_t port,
                          struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == PD_FAMILY_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		sin6->sin6_scope_id = a->scope_id;
		return sizeof(*sin6);
	}
}

int pd__bind_errno_to_pd(int e)
{
	switch (e) {
	case EADDRINUSE:
		return PD_EADDRINUSE;
	case EADDRNOTAVAIL:
		return PD_EADDRNOTAVAIL;
	case EACCES:
	case EPERM:
		return PD_EACCES;
	case EAFNOSUPPORT:
		return PD_EAFNOSUPPORT;
	default:
		return PD_EOTHER;
	}
}

/* One bind of ep's address and port, as a server makes it: SO_REUSEADDR
 * when reuse, then listen() when listen_too.  The errno of the first
 * call that failed, 0 when all succeeded. */
static int bind_once(const pd_endpoint *ep, bool v6only, bool reuse,
                     bool listen_too)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, one = 1, v6, af, e = 0;

	af = ep->addr.family == PD_FAMILY_V6 ? AF_INET6 : AF_INET;
	sslen = pd__sockaddr_of(&ep->addr, ep->port, &ss);
	fd = socket(af, (ep->proto == PD_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
	                    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (reuse &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		e = errno;
		goto out;
	}
	/* Set both ways: the default comes from net.ipv6.bindv6only, and the
	 * test must not depend on it. */
	v6 = v6only;
	if (af == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6)) < 0) {
		e = errno;
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0) {
		e = errno;
		goto out;
	}
	/* With SO_REUSEADDR the conflict with another listener may only show
	 * at listen(). */
	if (listen_too && listen(fd, 1) < 0)
		e = errno;
out:
	close(fd);
	return e;
}

int pd_probe_bind_test(const pd_endpoint *ep, pd_bind_result *ret)
{
	pd_bind_result b;
	int e;

	if (!ep || !ret || (ep->proto != PD_PROTO_TCP && ep->proto != PD_PROTO_UDP) ||
	    (ep->addr.family != PD_FAMILY_V4 && ep->addr.family != PD_FAMILY_V6))
		return PD_EINVAL;
	memset(&b, 0, sizeof(b));
	b.proto = ep->proto;
	b.addr = ep->addr;
	b.port = ep->port;
	b.v6only = ep->addr.family == PD_FAMILY_V6 && ep->v6only;
	/* What servers do: Go (docker-proxy), Node and nginx set SO_REUSEADDR
	 * on TCP listeners, which lets them bind over TIME_WAIT; a plain UDP
	 * bind does not set it. */
	b.reuseaddr = ep->proto == PD_PROTO_TCP;
	e = bind_once(ep, b.v6only, b.reuseaddr, ep->proto == PD_PROTO_TCP);
	b.err = e ? pd__bind_errno_to_pd(e) : 0;
	b.os_code = e;
	b.os_name = e ? (char *)pd__errno_name(e) : NULL;
	*ret = b;
	return 0;
}

/* The bind test without SO_REUSEADDR of `check` (opts->minimal), which
 * decides what the kernel is asked for.  Such a bind conflicts with every
 * socket the kernel keeps in the port's bind bucket whose address
 * overlaps: listeners, connected and accepted sockets, bound-only ones and
 * TIME_WAIT (net/ipv4/inet_connection_sock.c, inet_bind_conflict: only two
 * SO_REUSEADDR sockets, neither listening, share a port).  When it
 * succeeds on an endpoint, no socket overlapping it is on the port, in
 * any state.  One bind() per endpoint, against walks of the kernel's
 * whole established hash (a few ms) and bind hash (more: one bucket per
 * bound port).  EAFNOSUPPORT (no IPv6) says nothing is there; any other
 * error (EACCES below ip_unprivileged_port_start, EADDRNOTAVAIL) tells
 * nothing, and counts as a failure. */
typedef struct tcp_gate {
	bool full;     /* not minimal, or a TCP port no bind covers */
	bool *failed;  /* per opts->binds[i]: the bind test failed */
	bool any;      /* some failed */
} tcp_gate;

static int gate_run(const pd_probe_opts *opts, tcp_gate *g)
{
	unsigned char *covered = NULL;
	size_t i;
	unsigned p;
	int e;

	memset(g, 0, sizeof(*g));
	g->full = true;
	if (!opts->minimal || !opts->n_binds)
		return 0;
	covered = calloc(1, 65536 / 8);
	g->failed = calloc(opts->n_binds, sizeof(*g->failed));
	if (!covered || !g->failed) {
		free(covered);
		return PD_ENOMEM;
	}
	for (i = 0; i < opts->n_binds; i++) {
		const pd_endpoint *ep = &opts->binds[i];

		if (ep->proto != PD_PROTO_TCP)
			continue;
		if (ep->addr.family != PD_FAMILY_V4 &&
		    ep->addr.family != PD_FAMILY_V6)
			goto out;
		e = bind_once(ep, ep->addr.family == PD_FAMILY_V6 && ep->v6only,
		              false, false);
		g->failed[i] = e != 0 && e != EAFNOSUPPORT;
		g->any |= g->failed[i];
		covered[ep->port / 8] |= (unsigned char)(1u << (ep->port % 8));
	}
	for (i = 0; i < opts->n_ports; i++) {
		const pd_range *rg = &opts->ports[i];

		if (rg->proto != PD_PROTO_TCP && rg->proto != PD_PROTO_NONE)
			continue;
		for (p = rg->start; p <= rg->end; p++)
			if (!(covered[p / 8] & (1u << (p % 8))))
				goto out;
	}
	g->full = false;
out:
	free(covered);
	return 0;
}

/* After the listeners (s->sockets[from..]): the TCP states still to ask
 * for, 0 for none.  No failed bind test: none.  Every failed endpoint
 * overlapped by a listener: the states of the established hash (the
 * connections and TIME_WAITs diagnose lists beside it), not the
 * bound-only sockets, whose walk of the bind hash costs the most and
 * which would only join the listener in the same in_use.  A failure no
 * listener explains: every other state. */
static uint32_t gate_rest(const pd_probe_opts *opts, const tcp_gate *g,
                          const pd_snapshot *s, size_t from)
{
	size_t i, k;

	if (!g->any)
		return 0;
	for (i = 0; i < opts->n_binds; i++) {
		if (!g->failed[i])
			continue;
		for (k = from; k < s->n_sockets; k++)
			if (s->sockets[k].state == PD_STATE_LISTEN &&
			    pd_socket_overlaps(&opts->binds[i], &s->sockets[k]))
				break;
		if (k == s->n_sockets)
			return PD__TCP_ALL_STATES & ~PD__TCP_LISTEN_STATES;
	}
	return PD__TCP_ALL_STATES & ~PD__TCP_LISTEN_STATES &
	       ~PD__TCP_BOUND_STATES;
}

/* ---------------------------------------------------------- collect */

static void set_err(char *err, size_t errsize, const char *msg)
{
	if (err && errsize)
		snprintf(err, errsize, "%s", msg);
}

/* Whether opts asks for any socket of this family and protocol. */
static bool pair_wanted(const pd_probe_opts *opts, pd_family fam, pd_proto proto)
{
	size_t i;

	if (pd__listeners_want(opts, proto))
		return true;
	for (i = 0; i < opts->n_ports; i++)
		if ((opts->ports[i].proto == PD_PROTO_NONE ||
		     opts->ports[i].proto == proto) &&
		    (opts->ports[i].family == PD_FAMILY_ANY ||
		     opts->ports[i].family == fam))
			return true;
	return false;
}

/* The sockets of one family and protocol, through netlink or else
 * /proc/net; *any_failed / *all_failed as collect_sockets says. */
static int collect_pair(pd_snapshot *s, const pd_probe_opts *opts,
                        pd_family fam, pd_proto proto, uint32_t states,
                        bool *any_failed, bool *all_failed, bool *ret_proc)
{
	const char *what = proto == PD_PROTO_TCP
	                       ? (fam == PD_FAMILY_V4 ? "tcp" : "tcp6")
	                       : (fam == PD_FAMILY_V4 ? "udp" : "udp6");
	char detail[160] = "";
	int r;

	r = pd__linux_sockets_netlink(s, opts, fam, proto, states, detail,
	                              sizeof(detail));
	if (r == PD_ENOMEM)
		return r;
	if (r == 0) {
		if (pair_wanted(opts, fam, proto))
			*all_failed = false;
		return 0;
	}
	r = note(s, "netlink_failed",
	         _("sock_diag %s: %s; read /proc/net/%s instead (no "
	           "v6only, cgroup, device or bound-only sockets)"),
	         what, detail, what);
	if (r < 0)
		return r;
	*ret_proc = true;
	r = pd__linux_sockets_proc(s, opts, fam, proto);
	if (r == PD_ENOMEM)
		return r;
	if (r < 0) {
		*any_failed = true;
		return note(s, "sockets_unreadable", "/proc/net/%s: %s", what,
		            pd_err_name(r));
	}
	*all_failed = false;
	return 0;
}

/* The TCP sockets of both families in the given states: one dump when
 * both are wanted (the kernel walks its tables once); if that fails, one
 * family at a time.  *ret_proc: some family came from /proc (every
 * state, whatever was asked). */
static int collect_tcp(pd_snapshot *s, const pd_probe_opts *opts,
                       uint32_t states, bool *any, bool *all, bool *ret_proc)
{
	char detail[160];
	int i, r;

	if (pair_wanted(opts, PD_FAMILY_V4, PD_PROTO_TCP) &&
	    pair_wanted(opts, PD_FAMILY_V6, PD_PROTO_TCP)) {
		r = pd__linux_sockets_netlink(s, opts, PD_FAMILY_ANY, PD_PROTO_TCP,
		                              states, detail, sizeof(detail));
		if (r == PD_ENOMEM || r == 0) {
			if (r == 0)
				*all = false;
			return r;
		}
	}
	for (i = 0; i < 2; i++) {
		r = collect_pair(s, opts, i ? PD_FAMILY_V6 : PD_FAMILY_V4,
		                 PD_PROTO_TCP, states, any, all, ret_proc);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The second TCP dump of `check`: netlink only, since /proc would repeat
 * the listeners of the first.  A failure is a note. */
static int collect_rest(pd_snapshot *s, const pd_probe_opts *opts,
                        uint32_t states, bool *any)
{
	char detail[160] = "";
	int r;

	r = pd__linux_sockets_netlink(s, opts, PD_FAMILY_ANY, PD_PROTO_TCP,
	                              states, detail, sizeof(detail));
	if (r < 0 && r != PD_ENOMEM) {
		/* One family at a time: IPv4, then IPv6 if IPv4 worked. */
		detail[0] = '\0';
		r = pd__linux_sockets_netlink(s, opts, PD_FAMILY_V4, PD_PROTO_TCP,
		                              states, detail, sizeof(detail));
		if (r == 0)
			r = pd__linux_sockets_netlink(s, opts, PD_FAMILY_V6,
			                              PD_PROTO_TCP, states, detail,
			                              sizeof(detail));
	}
	if (r >= 0 || r == PD_ENOMEM)
		return r;
	*any = true;
	return note(s, "netlink_failed",
	            _("sock_diag tcp: %s; connections, TIME_WAIT and bound-only "
	              "sockets on the ports are not listed"), detail);
}

/* Sockets of every family/proto; each falls back to /proc on its own.
 * `check` (opts->minimal) asks for TCP listeners first and for the other
 * states only as the bind tests without SO_REUSEADDR call for them
 * (gate_run, gate_rest); the two dumps are then put in the order of one.
 * *ret_all_failed: every pair asked for failed (pairs nobody asked for
 * neither succeed nor fail), so `check 80` with tcp unreadable is an
 * error, not a list that merely shows no socket. */
static int collect_sockets(pd_snapshot *s, const pd_probe_opts *opts,
                           bool *ret_any_failed, bool *ret_all_failed)
{
	size_t start = s->n_sockets;
	bool any = false, all = true, proc = false;
	uint32_t rest;
	tcp_gate g;
	int i, r;

	r = gate_run(opts, &g);
	if (r < 0)
		return r;
	r = g.full ? 0 : pd__linux_exact_listener(s, opts, g.any); /* exact.c */
	if (r == 0)
		r = collect_tcp(s, opts, g.full ? PD__TCP_ALL_STATES
		                                : PD__TCP_LISTEN_STATES,
		                &any, &all, &proc);
	else if (r > 0)
		r = all = 0;
	if (r == 0 && !g.full && !proc && (rest = gate_rest(opts, &g, s, start))) {
		r = collect_rest(s, opts, rest, &any);
		if (r == 0)
			r = pd__linux_split_families(s, start);
	}
	free(g.failed);
	for (i = 0; i < 2 && r == 0; i++)
		r = collect_pair(s, opts, i ? PD_FAMILY_V6 : PD_FAMILY_V4,
		                 PD_PROTO_UDP, PD__TCP_ALL_STATES, &any, &all,
		                 &proc);
	if (r < 0)
		return r;
	*ret_any_failed = any;
	*ret_all_failed = all;
	return 0;
}

int pd_probe_collect(const pd_probe_opts *opts, char *err, size_t errsize,
                     pd_snapshot **ret)
{
	static const pd_probe_opts none;
	pd_snapshot *s = NULL;
	pd_bind_result b;
	bool any_failed = false, all_failed = false;
	bool want_sockets, want_addrs;
	size_t i;
	int r;

	if (!ret)
		return PD_EINVAL;
	if (!opts)
		opts = &none;
	s = pd_snapshot_new();
	if (!s) {
		r = PD_ENOMEM;
		goto out;
	}
	r = fill_context(s);
	if (r < 0)
		goto out;
	r = read_sysctls(s);
	if (r < 0)
		goto out;
	/* The bind tests first: `check` (minimal) reads the addresses only
	 * to explain an EADDRNOTAVAIL. */
	want_addrs = !opts->minimal;
	for (i = 0; i < opts->n_binds; i++) {
		r = pd_probe_bind_test(&opts->binds[i], &b);
		if (r < 0)
			goto out;
		r = pd_snapshot_add_bind(s, &b);
		if (r < 0)
			goto out;
		if (b.err == PD_EADDRNOTAVAIL)
			want_addrs = true;
	}
	if (want_addrs) {
		r = read_addrs(s);
		if (r < 0)
			goto out;
	}
	want_sockets = opts->n_ports > 0 || opts->listeners;
	if (want_sockets) {
		r = collect_sockets(s, opts, &any_failed, &all_failed);
		if (r < 0)
			goto out;
		if (all_failed) {
			set_err(err, errsize, "neither netlink sock_diag nor "
			                      "/proc/net could be read");
			r = PD_EIO;
			goto out;
		}
		/* Complete means every bound or listening socket is listed:
		 * both protocols' listeners, and no source failed. */
		s->sockets_complete = !any_failed && opts->listeners &&
		                      pd__listeners_want(opts, PD_PROTO_TCP) &&
		                      pd__listeners_want(opts, PD_PROTO_UDP);
	}
	if (opts->owners > 0 && s->n_sockets > 0) {
		r = pd__linux_owners(s, opts);
		if (r < 0) {
			set_err(err, errsize, "searching socket owners failed");
			goto out;
		}
	}
	if (opts->containers) {
		r = pd__engine_collect(s);
		if (r < 0)
			goto out;
	}
	*ret = s;
	s = NULL;
	r = 0;
out:
	if (r == PD_ENOMEM)
		set_err(err, errsize, "out of memory");
	pd_snapshot_free(s);
	return r;
}
