/*
 * The Linux probe: collect entry point, context, port sysctls, addresses
 * and the bind test.  Sockets live in sockets.c, owners in
 * owners.c; the text they read is parsed in procfs/procfs.c.
 *
 * Sections: file helpers (no stdio: one open, a few reads, one close),
 * errno names, context, sysctls, addresses, bind test, collect.
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

#include "probe/engine/engine.h"
#include "linux.h"
#include "procfs/procfs.h"

#define CAP_NET_BIND_SERVICE_BIT 10
/* ip_local_reserved_ports lists at most every port once. */
#define RESERVED_MAX (512u * 1024u)

/* ------------------------------------------------------------ files */

int pd__errno_to_pd(int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH:
		return PD_ENOENT;
	case EACCES:
	case EPERM:
		return PD_EACCES;
	case ENOMEM:
	case ENOBUFS:
		return PD_ENOMEM;
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return PD_EAFNOSUPPORT;
	case EADDRINUSE:
		return PD_EADDRINUSE;
	case EADDRNOTAVAIL:
		return PD_EADDRNOTAVAIL;
	case ETIMEDOUT:
	case EAGAIN:
		return PD_ETIMEDOUT;
	case EIO:
		return PD_EIO;
	default:
		return PD_EOTHER;
	}
}

int pd__read_at(int dirfd, const char *path, char *buf, size_t size,
                size_t *ret_len)
{
	size_t len = 0;
	ssize_t n;
	int fd, r;

	if (size == 0)
		return PD_EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pd__errno_to_pd(errno);
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* A process that exits between open and read gives
			 * ESRCH on some files: same as gone. */
			r = pd__errno_to_pd(errno);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_len = len;
	r = 0;
out:
	close(fd);
	return r;
}

int pd__read_alloc_at(int dirfd, const char *path, size_t max, char **ret_buf,
                      size_t *ret_len, bool *ret_truncated)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL, *tmp;
	bool trunc = false;
	ssize_t n;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pd__errno_to_pd(errno);
	if (cap > max)
		cap = max;
	buf = malloc(cap + 1);
	if (!buf) {
		r = PD_ENOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				char probe;

				/* /proc files have no size: one more byte tells
				 * whether we stopped short. */
				n = read(fd, &probe, 1);
				trunc = n > 0;
				break;
			}
			cap = cap > max / 2 ? max : cap * 2;
			tmp = realloc(buf, cap + 1);
			if (!tmp) {
				r = PD_ENOMEM;
				goto out;
			}
			buf = tmp;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = pd__errno_to_pd(errno);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	*ret_truncated = trunc;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

/* ------------------------------------------------------- errno names */

/* Our own table rather than strerrorname_np(): that is glibc 2.32+ only,
 * absent from musl and the BSDs, and we need only the few errnos the
 * probe reports.  The names are stable (they end up in JSON). */
const char *pd__errno_name(int e)
{
	switch (e) {
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENOMEM: return "ENOMEM";
	case ENOBUFS: return "ENOBUFS";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBADF: return "EBADF";
	default: return "EOTHER";
	}
}

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
		         "net.ipv4.ip_local_port_range could not be read");
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

static int bind_errno_to_pd(int e)
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

int pd_probe_bind_test(const pd_endpoint *ep, pd_bind_result *ret)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	pd_bind_result b;
	int fd = -1, one = 1, v6only, af, e = 0;

	if (!ep || !ret || (ep->proto != PD_PROTO_TCP && ep->proto != PD_PROTO_UDP) ||
	    (ep->addr.family != PD_FAMILY_V4 && ep->addr.family != PD_FAMILY_V6))
		return PD_EINVAL;
	memset(&b, 0, sizeof(b));
	b.proto = ep->proto;
	b.addr = ep->addr;
	b.port = ep->port;
	af = ep->addr.family == PD_FAMILY_V6 ? AF_INET6 : AF_INET;
	b.v6only = af == AF_INET6 && ep->v6only;
	/* What servers do: Go (docker-proxy), Node and nginx set SO_REUSEADDR
	 * on TCP listeners, which lets them bind over TIME_WAIT; a plain UDP
	 * bind does not set it. */
	b.reuseaddr = ep->proto == PD_PROTO_TCP;
	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(ep->port);
		memcpy(&sin->sin_addr, ep->addr.bytes, 4);
		sslen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ep->port);
		memcpy(&sin6->sin6_addr, ep->addr.bytes, 16);
		sin6->sin6_scope_id = ep->addr.scope_id;
		sslen = sizeof(*sin6);
	}
	fd = socket(af, (ep->proto == PD_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
	                    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	if (b.reuseaddr &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		e = errno;
		goto out;
	}
	/* Set both ways: the default comes from net.ipv6.bindv6only, and the
	 * test must not depend on it. */
	v6only = b.v6only;
	if (af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
	                                 sizeof(v6only)) < 0) {
		e = errno;
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0) {
		e = errno;
		goto out;
	}
	/* With SO_REUSEADDR the conflict with another listener may only show
	 * at listen(). */
	if (ep->proto == PD_PROTO_TCP && listen(fd, 1) < 0)
		e = errno;
out:
	if (fd >= 0)
		close(fd);
	b.err = e ? bind_errno_to_pd(e) : 0;
	b.os_code = e;
	b.os_name = e ? (char *)pd__errno_name(e) : NULL;
	*ret = b;
	return 0;
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

/* Sockets of every family/proto; each falls back to /proc on its own.
 * *ret_all_failed: every pair asked for failed (pairs nobody asked for
 * neither succeed nor fail), so `check 80` with tcp unreadable is an
 * error, not a list that merely shows no socket. */
static int collect_sockets(pd_snapshot *s, const pd_probe_opts *opts,
                           bool *ret_any_failed, bool *ret_all_failed)
{
	static const pd_family fams[2] = {PD_FAMILY_V4, PD_FAMILY_V6};
	static const pd_proto protos[2] = {PD_PROTO_TCP, PD_PROTO_UDP};
	char detail[160];
	bool any = false, all = true;
	int i, j, r;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			const char *what = protos[j] == PD_PROTO_TCP
			                       ? (fams[i] == PD_FAMILY_V4 ? "tcp" : "tcp6")
			                       : (fams[i] == PD_FAMILY_V4 ? "udp" : "udp6");

			detail[0] = '\0';
			r = pd__linux_sockets_netlink(s, opts, fams[i], protos[j],
			                              detail, sizeof(detail));
			if (r == PD_ENOMEM)
				return r;
			if (r == 0) {
				if (pair_wanted(opts, fams[i], protos[j]))
					all = false;
				continue;
			}
			r = note(s, "netlink_failed",
			         "sock_diag %s: %s; read /proc/net/%s instead (no "
			         "v6only, cgroup, device or bound-only sockets)",
			         what, detail, what);
			if (r < 0)
				return r;
			r = pd__linux_sockets_proc(s, opts, fams[i], protos[j]);
			if (r == PD_ENOMEM)
				return r;
			if (r < 0) {
				any = true;
				r = note(s, "sockets_unreadable",
				         "/proc/net/%s: %s", what, pd_err_name(r));
				if (r < 0)
					return r;
				continue;
			}
			all = false;
		}
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
	bool want_sockets;
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
	r = read_addrs(s);
	if (r < 0)
		goto out;
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
	for (i = 0; i < opts->n_binds; i++) {
		r = pd_probe_bind_test(&opts->binds[i], &b);
		if (r < 0)
			goto out;
		r = pd_snapshot_add_bind(s, &b);
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
