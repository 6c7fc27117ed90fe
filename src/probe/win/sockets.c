/*
 * Sockets and their owners from the IP Helper owner tables.
 *
 * GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) and GetExtendedUdpTable
 * (UDP_TABLE_OWNER_PID) give every endpoint with the pid that owns it in
 * one call per protocol and family: no walk over processes is needed.  The
 * tables cannot be filtered by port, so rows are filtered here against
 * opts->ports and opts->listeners.  A pid of 0 means the owner is not known:
 * real Windows reports it for TIME_WAIT rows, and Wine for every row.
 */
#include "core/i18n.h"
#include "win.h"

#include <iphlpapi.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* The tables of a busy server are a few MiB; more means something is wrong. */
#define TABLE_MAX (64u * 1024u * 1024u)

typedef struct want {
	const pd_probe_opts *opts;
	bool tcp_listeners;
	bool udp_listeners;
} want;

static bool port_wanted(const want *w, pd_proto proto, pd_family fam,
                        uint16_t port)
{
	size_t i;

	for (i = 0; i < w->opts->n_ports; i++) {
		const pd_range *r = &w->opts->ports[i];

		if (r->proto != PD_PROTO_NONE && r->proto != proto)
			continue;
		if (r->family != PD_FAMILY_ANY && r->family != fam)
			continue;
		if (port >= r->start && port <= r->end)
			return true;
	}
	return false;
}

static bool proto_asked(const want *w, pd_proto proto)
{
	size_t i;

	if (proto == PD_PROTO_TCP ? w->tcp_listeners : w->udp_listeners)
		return true;
	for (i = 0; i < w->opts->n_ports; i++)
		if (w->opts->ports[i].proto == PD_PROTO_NONE ||
		    w->opts->ports[i].proto == proto)
			return true;
	return false;
}

/* Reads one table into a malloc'ed buffer.  The size the first call asks
 * for is stale by the time of the second: connections open in between, and
 * the call then fails again with ERROR_INSUFFICIENT_BUFFER.  So retry a few
 * times with the new size plus slack, under a ceiling. */
static int read_table(bool tcp, ULONG af, void **ret_buf)
{
	DWORD size = 16 * 1024, rc = ERROR_INSUFFICIENT_BUFFER;
	void *buf = NULL;
	int tries;

	for (tries = 0; tries < 8 && rc == ERROR_INSUFFICIENT_BUFFER; tries++) {
		void *nb;

		if (size > TABLE_MAX)
			break;
		nb = realloc(buf, size);
		if (!nb) {
			free(buf);
			return PD_ENOMEM;
		}
		buf = nb;
		if (tcp)
			rc = GetExtendedTcpTable(buf, &size, FALSE, af,
			                         TCP_TABLE_OWNER_PID_ALL, 0);
		else
			rc = GetExtendedUdpTable(buf, &size, FALSE, af,
			                         UDP_TABLE_OWNER_PID, 0);
		if (rc == ERROR_INSUFFICIENT_BUFFER)
			size += size / 4 + 4096;
	}
	if (rc != NO_ERROR) {
		free(buf);
		return rc == ERROR_INSUFFICIENT_BUFFER ? PD_ETOOBIG : PD_EIO;
	}
	*ret_buf = buf;
	return 0;
}

static pd_sock_state map_state(DWORD st)
{
	switch (st) {
	case MIB_TCP_STATE_CLOSED: return PD_STATE_CLOSE;
	case MIB_TCP_STATE_LISTEN: return PD_STATE_LISTEN;
	case MIB_TCP_STATE_SYN_SENT: return PD_STATE_SYN_SENT;
	case MIB_TCP_STATE_SYN_RCVD: return PD_STATE_SYN_RECV;
	case MIB_TCP_STATE_ESTAB: return PD_STATE_ESTABLISHED;
	case MIB_TCP_STATE_FIN_WAIT1: return PD_STATE_FIN_WAIT1;
	case MIB_TCP_STATE_FIN_WAIT2: return PD_STATE_FIN_WAIT2;
	case MIB_TCP_STATE_CLOSE_WAIT: return PD_STATE_CLOSE_WAIT;
	case MIB_TCP_STATE_CLOSING: return PD_STATE_CLOSING;
	case MIB_TCP_STATE_LAST_ACK: return PD_STATE_LAST_ACK;
	case MIB_TCP_STATE_TIME_WAIT: return PD_STATE_TIME_WAIT;
	case MIB_TCP_STATE_DELETE_TCB: return PD_STATE_CLOSE;
	default: return PD_STATE_UNKNOWN;
	}
}

/* One table row, whatever its protocol and family. */
typedef struct row {
	pd_proto proto;
	pd_family family;
	const void *local; /* 4 or 16 bytes, network order */
	DWORD local_scope;
	DWORD local_port; /* network order in the low 16 bits */
	const void *remote;
	DWORD remote_scope;
	DWORD remote_port;
	pd_sock_state state;
	DWORD pid;
} row;

typedef struct ctx {
	const want *w;
	pd_snapshot *snap;
	pd_win_procs *ps;
	size_t unknown_owners;
	int tried;  /* tables asked for */
	int failed; /* tables that could not be read */
} ctx;

static void set_addr(pd_addr *a, pd_family fam, const void *bytes,
                     DWORD scope)
{
	memset(a, 0, sizeof(*a));
	a->family = fam;
	if (bytes)
		memcpy(a->bytes, bytes, fam == PD_FAMILY_V4 ? 4 : 16);
	a->scope_id = fam == PD_FAMILY_V6 ? scope : 0;
}

static int add_row(ctx *c, const row *r)
{
	uint16_t port = ntohs((u_short)(r->local_port & 0xffff));
	bool on_port = port_wanted(c->w, r->proto, r->family, port);
	bool listener =
		(r->proto == PD_PROTO_TCP && c->w->tcp_listeners &&
		 r->state == PD_STATE_LISTEN) ||
		(r->proto == PD_PROTO_UDP && c->w->udp_listeners);
	pd_socket *sk;
	int rc;

	if (!on_port && !listener)
		return 0;
	rc = pd_snapshot_add_socket(c->snap, &sk);
	if (rc < 0)
		return rc;
	sk->proto = r->proto;
	set_addr(&sk->local, r->family, r->local, r->local_scope);
	sk->local_port = port;
	set_addr(&sk->remote, r->family, r->remote, r->remote_scope);
	sk->remote_port = ntohs((u_short)(r->remote_port & 0xffff));
	sk->state = r->state;
	if (c->w->opts->owners == 0 || (c->w->opts->owners == 1 && !on_port))
		return 0;
	if (r->pid == 0) {
		sk->owner_status = PD_OWNER_UNKNOWN;
		c->unknown_owners++;
		return 0;
	}
	rc = pd_socket_add_pid(sk, (int)r->pid);
	if (rc < 0)
		return rc;
	/* sk may move when the snapshot grows; it is not used after this. */
	return pd__win_procs_add(c->ps, c->snap, r->pid);
}

static int walk_tcp(ctx *c, ULONG af, const void *buf)
{
	DWORD i;
	int rc = 0;
	row r;

	memset(&r, 0, sizeof(r));
	r.proto = PD_PROTO_TCP;
	if (af == AF_INET) {
		const MIB_TCPTABLE_OWNER_PID *t = buf;

		r.family = PD_FAMILY_V4;
		for (i = 0; i < t->dwNumEntries && rc == 0; i++) {
			const MIB_TCPROW_OWNER_PID *e = &t->table[i];

			r.local = &e->dwLocalAddr;
			r.local_port = e->dwLocalPort;
			r.remote = &e->dwRemoteAddr;
			r.remote_port = e->dwRemotePort;
			r.state = map_state(e->dwState);
			r.pid = e->dwOwningPid;
			rc = add_row(c, &r);
		}
	} else {
		const MIB_TCP6TABLE_OWNER_PID *t = buf;

		r.family = PD_FAMILY_V6;
		for (i = 0; i < t->dwNumEntries && rc == 0; i++) {
			const MIB_TCP6ROW_OWNER_PID *e = &t->table[i];

			r.local = e->ucLocalAddr;
			r.local_scope = e->dwLocalScopeId;
			r.local_port = e->dwLocalPort;
			r.remote = e->ucRemoteAddr;
			r.remote_scope = e->dwRemoteScopeId;
			r.remote_port = e->dwRemotePort;
			r.state = map_state(e->dwState);
			r.pid = e->dwOwningPid;
			rc = add_row(c, &r);
		}
	}
	return rc;
}

static int walk_udp(ctx *c, ULONG af, const void *buf)
{
	DWORD i;
	int rc = 0;
	row r;

	memset(&r, 0, sizeof(r));
	r.proto = PD_PROTO_UDP;
	/* Every row of the UDP table is a bound socket: there is no state. */
	r.state = PD_STATE_UNCONN;
	if (af == AF_INET) {
		const MIB_UDPTABLE_OWNER_PID *t = buf;

		r.family = PD_FAMILY_V4;
		for (i = 0; i < t->dwNumEntries && rc == 0; i++) {
			r.local = &t->table[i].dwLocalAddr;
			r.local_port = t->table[i].dwLocalPort;
			r.pid = t->table[i].dwOwningPid;
			rc = add_row(c, &r);
		}
	} else {
		const MIB_UDP6TABLE_OWNER_PID *t = buf;

		r.family = PD_FAMILY_V6;
		for (i = 0; i < t->dwNumEntries && rc == 0; i++) {
			r.local = t->table[i].ucLocalAddr;
			r.local_scope = t->table[i].dwLocalScopeId;
			r.local_port = t->table[i].dwLocalPort;
			r.pid = t->table[i].dwOwningPid;
			rc = add_row(c, &r);
		}
	}
	return rc;
}

static int one_table(ctx *c, bool tcp, ULONG af)
{
	void *buf = NULL;
	int rc = read_table(tcp, af, &buf);

	c->tried++;
	if (rc == PD_ENOMEM)
		return rc;
	if (rc < 0) {
		c->failed++;
		/* A missing table (no IPv6 stack) costs a note, not the run. */
		return pd_snapshot_add_note(
			c->snap, "socket_table_failed",
			tcp ? (af == AF_INET ? _("the IPv4 TCP table could not be read")
			                     : _("the IPv6 TCP table could not be read"))
			    : (af == AF_INET ? _("the IPv4 UDP table could not be read")
			                     : _("the IPv6 UDP table could not be read")));
	}
	rc = tcp ? walk_tcp(c, af, buf) : walk_udp(c, af, buf);
	free(buf);
	return rc;
}

int pd__win_sockets(const pd_probe_opts *opts, pd_snapshot *snap,
                    pd_win_procs *ps)
{
	bool both = !opts->tcp && !opts->udp;
	want w;
	ctx c;
	int rc = 0;

	w.opts = opts;
	w.tcp_listeners = opts->listeners && (both || opts->tcp);
	w.udp_listeners = opts->listeners && (both || opts->udp);
	c.w = &w;
	c.snap = snap;
	c.ps = ps;
	c.unknown_owners = 0;
	c.tried = 0;
	c.failed = 0;
	if (proto_asked(&w, PD_PROTO_TCP)) {
		rc = one_table(&c, true, AF_INET);
		if (rc == 0)
			rc = one_table(&c, true, AF_INET6);
	}
	if (rc == 0 && proto_asked(&w, PD_PROTO_UDP)) {
		rc = one_table(&c, false, AF_INET);
		if (rc == 0)
			rc = one_table(&c, false, AF_INET6);
	}
	if (rc < 0)
		return rc;
	if (c.tried > 0 && c.failed == c.tried)
		return PD_EIO;
	/* As on Linux: complete means every bound or listening socket of both
	 * protocols is listed and no table failed. */
	snap->sockets_complete = c.failed == 0 && w.tcp_listeners &&
	                         w.udp_listeners;
	if (c.unknown_owners > 0) {
		snap->owners_partial = true;
		rc = pd_snapshot_add_note(
			snap, "owner_pid_unknown",
			_("some sockets were listed without an owning process id "
			"(TIME_WAIT rows, or a system that does not report owners)"));
	}
	return rc;
}
