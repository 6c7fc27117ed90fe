/*
 * The Windows probe: collection order and bind tests.
 *
 * pd_probe_collect() reads, in this order: the process list (needed for
 * owners and to spot Docker Desktop), the context (elevation, WinNAT,
 * Hyper-V, WSL, Docker Desktop), the sockets with their owners, the bind
 * tests asked for, the dynamic and excluded port ranges, the http.sys
 * URLs and portproxy rules (when the owners or an untested port call for
 * them) and the interface addresses.  Each netsh query is a child
 * process (about 30-60 ms each on Windows), so only those the answer
 * needs are run (range_queries, holders_untested).  Only an out-of-memory
 * failure, or a machine where nothing at all can be read, fails the whole
 * collection; everything else leaves a note.  The parts live in win_*.c
 * (see win.h).
 *
 * Bind tests never set SO_REUSEADDR: on Windows it lets a socket take over
 * a port another socket already holds, so a test made with it would say
 * "free" for a port in use.  SO_EXCLUSIVEADDRUSE stays off (the default),
 * as it is for the programs whose bind we predict.  Note that with these
 * defaults Windows lets a specific address (127.0.0.1:P) be bound while
 * another socket holds the wildcard (0.0.0.0:P), unlike Linux; the test
 * reports what Windows does, and diagnose reads the socket list as well.
 */
#include "win.h"
#include "probe/engine/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"

char *pd__win_utf8(const wchar_t *w, int n)
{
	int len;
	char *s;

	if (!w)
		return NULL;
	if (n == 0)
		return pd__strdup("");
	len = WideCharToMultiByte(CP_UTF8, 0, w, n, NULL, 0, NULL, NULL);
	if (len <= 0)
		return NULL;
	/* With n == -1 the count includes the NUL; otherwise add room. */
	s = malloc((size_t)len + 1);
	if (!s)
		return NULL;
	if (WideCharToMultiByte(CP_UTF8, 0, w, n, s, len, NULL, NULL) != len) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

wchar_t *pd__win_utf16(const char *s)
{
	int len;
	wchar_t *w;

	if (!s)
		return NULL;
	len = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (len <= 0)
		return NULL;
	w = pd__reallocarray(NULL, (size_t)len, sizeof(*w));
	if (!w)
		return NULL;
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, len) !=
	    len) {
		free(w);
		return NULL;
	}
	return w;
}

/* ------------------------------------------------------------ bind test */

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;
static int wsa_status = -1;

/* WSAStartup must precede any socket call.  It is made once per process
 * (InitOnce, so two threads testing at once are safe) and never undone: a
 * library cannot know when its caller is finished with Winsock. */
static BOOL CALLBACK wsa_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	WSADATA wd;

	(void)once;
	(void)param;
	(void)ctx;
	wsa_status = WSAStartup(MAKEWORD(2, 2), &wd);
	return TRUE;
}

static int wsa_ready(void)
{
	InitOnceExecuteOnce(&wsa_once, wsa_init, NULL, NULL);
	return wsa_status == 0 ? 0 : PD_EOTHER;
}

/* WSA code -> PD_E* and a stable name.  The names are ours because Wine's
 * FormatMessage has no Winsock texts, and JSON wants names anyway. */
static int wsa_to_pd(int code, const char **ret_name)
{
	static const struct {
		int code;
		int err;
		const char *name;
	} map[] = {
		{WSAEACCES, PD_EACCES, "WSAEACCES"},
		{WSAEADDRINUSE, PD_EADDRINUSE, "WSAEADDRINUSE"},
		{WSAEADDRNOTAVAIL, PD_EADDRNOTAVAIL, "WSAEADDRNOTAVAIL"},
		{WSAEAFNOSUPPORT, PD_EAFNOSUPPORT, "WSAEAFNOSUPPORT"},
		{WSAEPROTONOSUPPORT, PD_EAFNOSUPPORT, "WSAEPROTONOSUPPORT"},
		{WSAESOCKTNOSUPPORT, PD_EAFNOSUPPORT, "WSAESOCKTNOSUPPORT"},
		{WSAEINVAL, PD_EINVAL, "WSAEINVAL"},
		{WSAEFAULT, PD_EINVAL, "WSAEFAULT"},
		{WSAENOBUFS, PD_ENOMEM, "WSAENOBUFS"},
		{WSAEMFILE, PD_ENOMEM, "WSAEMFILE"},
		{WSANOTINITIALISED, PD_EOTHER, "WSANOTINITIALISED"},
		{WSAENETDOWN, PD_EOTHER, "WSAENETDOWN"},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].code == code) {
			*ret_name = map[i].name;
			return map[i].err;
		}
	*ret_name = NULL;
	return PD_EOTHER;
}

static int to_sockaddr(const pd_endpoint *ep, struct sockaddr_storage *ss,
                       int *ret_len)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->addr.family == PD_FAMILY_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(ep->port);
		memcpy(&sin->sin_addr, ep->addr.bytes, 4);
		*ret_len = (int)sizeof(*sin);
		return 0;
	}
	if (ep->addr.family == PD_FAMILY_V6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ep->port);
		memcpy(&sin6->sin6_addr, ep->addr.bytes, 16);
		sin6->sin6_scope_id = ep->addr.scope_id;
		*ret_len = (int)sizeof(*sin6);
		return 0;
	}
	return PD_EINVAL;
}

/* Bind (and listen, for TCP) once; returns 0 or the WSA code met. */
static int try_bind(const pd_endpoint *ep)
{
	struct sockaddr_storage ss;
	int len, code = 0;
	bool v6 = ep->addr.family == PD_FAMILY_V6;
	SOCKET s;

	if (to_sockaddr(ep, &ss, &len) < 0)
		return WSAEINVAL;
	s = socket(v6 ? AF_INET6 : AF_INET,
	           ep->proto == PD_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM,
	           ep->proto == PD_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP);
	if (s == INVALID_SOCKET)
		return WSAGetLastError();
	if (v6) {
		/* Windows defaults IPV6_V6ONLY to on, unlike Linux: set it both
		 * ways so a dual-stack test really covers the v4 half. */
		DWORD on = ep->v6only ? 1 : 0;

		if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on,
		               (int)sizeof(on)) != 0) {
			code = WSAGetLastError();
			goto out;
		}
	}
	if (bind(s, (const struct sockaddr *)&ss, len) != 0) {
		code = WSAGetLastError();
		goto out;
	}
	/* The server whose bind we predict listens next: a test that stopped
	 * at bind() could call a port free that listen() would refuse. */
	if (ep->proto == PD_PROTO_TCP && listen(s, 1) != 0)
		code = WSAGetLastError();
out:
	closesocket(s);
	return code;
}

int pd_probe_bind_test(const pd_endpoint *ep, pd_bind_result *ret)
{
	pd_bind_result r;
	const char *name = NULL;
	int code, rc;

	if (!ep || !ret ||
	    (ep->proto != PD_PROTO_TCP && ep->proto != PD_PROTO_UDP) ||
	    (ep->addr.family != PD_FAMILY_V4 && ep->addr.family != PD_FAMILY_V6))
		return PD_EINVAL;
	rc = wsa_ready();
	if (rc < 0)
		return rc;
	code = try_bind(ep);
	memset(&r, 0, sizeof(r));
	r.proto = ep->proto;
	r.addr = ep->addr;
	r.port = ep->port;
	r.v6only = ep->addr.family == PD_FAMILY_V6 && ep->v6only;
	r.reuseaddr = false;
	if (code != 0) {
		r.err = wsa_to_pd(code, &name);
		r.os_code = code;
		/* os_name is documented as a static string. */
		r.os_name = (char *)name;
	}
	*ret = r;
	return 0;
}

/* -------------------------------------------------------------- collect */

static void set_err(char *err, size_t errsize, const char *msg)
{
	if (err && errsize)
		snprintf(err, errsize, "%s", msg);
}

/* Which of the eight netsh range queries to run: bit i is query i of
 * pd__win_ranges (kind i / 4: excluded, dynamic; family (i / 2) % 2:
 * ipv4, ipv6; proto i % 2: tcp, udp).  Every one for a listing, a
 * snapshot or the ranges report.  `check` (opts->minimal) needs only
 * those of its endpoints' families and protocols: a tcp IPv4 target is
 * diagnosed from the tcp IPv4 excluded and dynamic ranges alone
 * (excluded_range looks up the endpoint's family and protocol, the
 * administered exclusions are listed in every family, and outgoing IPv6
 * connections take their ports from the IPv6 range), so it starts two
 * netsh runs instead of eight. */
static unsigned range_queries(const pd_probe_opts *opts)
{
	unsigned want = 0, f, p;
	size_t i;

	if (!opts->minimal || opts->listeners || !opts->n_binds)
		return 0xffu;
	for (i = 0; i < opts->n_binds; i++) {
		const pd_endpoint *ep = &opts->binds[i];

		if (ep->proto != PD_PROTO_TCP && ep->proto != PD_PROTO_UDP)
			return 0xffu;
		f = ep->addr.family == PD_FAMILY_V6;
		p = ep->proto == PD_PROTO_UDP;
		want |= 1u << (f * 2 + p);     /* excludedportrange */
		want |= 1u << (4 + f * 2 + p); /* dynamicport */
	}
	/* A port asked for in a protocol no endpoint tests: ask for all. */
	for (i = 0; i < opts->n_ports; i++)
		if (opts->ports[i].proto == PD_PROTO_NONE)
			return 0xffu;
	return want;
}

/* Whether a port of interest lacks a bind test (an endpoint the test
 * cannot make): then only netsh's own listings (http.sys URLs, portproxy
 * rules) can say who would hold it, and the portproxy rules are read even
 * when no collected socket belongs to the IP Helper service. */
static bool holders_untested(const pd_probe_opts *opts,
                             const pd_snapshot *snap)
{
	return opts->n_ports > 0 &&
	       (opts->n_binds == 0 || snap->n_binds < opts->n_binds);
}

static int do_binds(const pd_probe_opts *opts, pd_snapshot *snap)
{
	size_t i;
	int rc;

	for (i = 0; i < opts->n_binds; i++) {
		pd_bind_result b;

		rc = pd_probe_bind_test(&opts->binds[i], &b);
		if (rc == PD_EINVAL)
			continue; /* an endpoint we cannot test: diagnose says so */
		if (rc < 0)
			return rc;
		rc = pd_snapshot_add_bind(snap, &b);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The processes of the request queues behind http.sys URLs: the current
 * netsh layout names them already (the snapshot has them then), the older
 * one gives bare pids, which the process list names here. */
static int add_http_owners(pd_snapshot *snap, pd_win_procs *ps)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < snap->n_http_registrations && rc == 0; i++)
		for (k = 0; k < snap->http_registrations[i].n_pids && rc == 0; k++) {
			DWORD pid = (DWORD)snap->http_registrations[i].pids[k];

			/* A pid that has ended since is no process to name. */
			if (pd__win_procs_known(ps, pid))
				rc = pd__win_procs_add(ps, snap, pid);
		}
	return rc;
}

int pd_probe_collect(const pd_probe_opts *opts, char *err, size_t errsize,
                     pd_snapshot **ret)
{
	static const pd_probe_opts none;
	const char *why = NULL;
	pd_win_procs ps;
	pd_snapshot *snap;
	int rc;

	if (!ret) {
		set_err(err, errsize, "no place for the result");
		return PD_EINVAL;
	}
	if (!opts)
		opts = &none;
	memset(&ps, 0, sizeof(ps));
	snap = pd_snapshot_new();
	if (!snap) {
		rc = PD_ENOMEM;
		goto out;
	}
	snap->taken_at = (int64_t)time(NULL);
	rc = pd__win_procs_load(&ps);
	if (rc == PD_ENOMEM)
		goto out;
	if (rc < 0) {
		rc = pd_snapshot_add_note(snap, "process_list_failed",
		                          "the process list could not be read");
		if (rc < 0)
			goto out;
	}
	/* The context first: the notes about denied processes depend on
	 * whether we run elevated. */
	rc = pd__win_context(snap, &ps);
	if (rc < 0)
		goto out;
	rc = pd__win_sockets(opts, snap, &ps);
	if (rc == PD_EIO)
		why = "no TCP or UDP table could be read";
	if (rc < 0)
		goto out;
	/* The bind tests before the netsh runs: whether every port was
	 * tested decides which listings are needed. */
	rc = do_binds(opts, snap);
	if (rc < 0)
		goto out;
	/* Owners were added while the sockets were read. */
	rc = pd__win_ranges(opts, snap, range_queries(opts));
	if (rc < 0)
		goto out;
	rc = pd__win_holders(opts, snap, holders_untested(opts, snap));
	if (rc == 0)
		rc = add_http_owners(snap, &ps);
	if (rc < 0)
		goto out;
	rc = pd__win_addrs(snap);
	if (rc < 0)
		goto out;
	if (opts->containers) {
		rc = pd__engine_collect(snap);
		if (rc < 0)
			goto out;
	}
	*ret = snap;
	snap = NULL;
out:
	if (rc < 0)
		set_err(err, errsize, why ? why : pd_strerror(rc));
	pd__win_procs_done(&ps);
	pd_snapshot_free(snap);
	return rc;
}
