/*
 * Linux sockets through netlink sock_diag, with /proc/net as the fallback.
 *
 * One dump per family and protocol, or for TCP one dump of both families
 * (PD_FAMILY_ANY: the kernel walks its hash tables once instead of twice).
 * When ports of interest are known the kernel filters for us: the request
 * carries INET_DIAG_REQ_BYTECODE that accepts a socket whose local port
 * lies in any of the ranges, so a machine with thousands of sockets sends
 * back only the few we asked for.  'listeners' adds a second TCP dump of
 * LISTEN and bound-inactive sockets (skipping the ports already dumped),
 * and for UDP one unfiltered dump covers both.  The TCP states asked for
 * decide what the kernel walks: LISTEN alone walks the listening hash
 * only; any other state walks the whole established hash (every bucket,
 * 262,144 on a machine with 8 GB, a few milliseconds however few sockets
 * match), which is why `check` asks for it only when a bind test says a
 * non-listening socket may hold the port (probe.c).  Every socket is
 * checked again in user space against the same rules, so the bytecode and
 * the state mask are optimisations, never the only filter, and the /proc
 * fallback gives the same answer.
 *
 * The reply is untrusted input: every header and attribute length is
 * checked against the bytes received before it is read, the loop is
 * bounded, the socket has a receive timeout, and a truncated datagram
 * (MSG_TRUNC) fails the dump instead of being half parsed.  A failed dump
 * rolls back what it added, so the fallback starts clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "linux.h"
#include "procfs/procfs.h"

/* Receive buffer: the kernel sizes dump datagrams to at most 32 KiB, so
 * 64 KiB never truncates a well-formed one. */
#define RECV_SIZE (64u * 1024u)
/* Bounds on one dump: datagrams read and sockets kept. */
#define MAX_RECVS 200000u
#define MAX_SOCKETS (4u * 1024u * 1024u)
/* Ranges beyond this go unfiltered in the kernel (the attribute length is
 * 16 bits; 20 bytes of bytecode per range). */
#define MAX_BC_RANGES 2000u
#define RECV_TIMEOUT_SEC 5

/* Which sockets one dump keeps. */
typedef enum dump_mode {
	MODE_PORTS,  /* ports of interest, any state */
	MODE_LISTEN, /* TCP LISTEN / bound-inactive not on those ports */
	MODE_ALL,    /* everything (UDP with 'listeners') */
	MODE_ONE     /* an exact request's answer, either family */
} dump_mode;

typedef struct dump_req {
	pd_family family; /* PD_FAMILY_ANY: TCP, both families in one dump */
	pd_proto proto;
	dump_mode mode;
	bool bytecode;
	uint32_t states; /* kernel TCP states asked for (bit per state) */
} dump_req;

#define ALL_STATES PD__TCP_ALL_STATES
#define LISTEN_STATES PD__TCP_LISTEN_STATES
_Static_assert(PD__TCP_LISTEN_STATES == 1u << PD_LINUX_TCP_LISTEN &&
               PD__TCP_BOUND_STATES == 1u << PD_LINUX_TCP_BOUND_INACTIVE,
               "state bits as the kernel numbers them");

/* A tiny cache of ifindex -> name, since sockets bound to a device are few
 * and usually to the same one. */
typedef struct ifname_cache {
	unsigned index;
	char name[IF_NAMESIZE];
} ifname_cache;

static bool range_matches(const pd_range *r, pd_proto proto, pd_family family)
{
	return (r->proto == PD_PROTO_NONE || r->proto == proto) &&
	       (r->family == PD_FAMILY_ANY || family == PD_FAMILY_ANY ||
	        r->family == family);
}

bool pd__port_of_interest(const pd_probe_opts *opts, pd_proto proto,
                          pd_family family, uint16_t port)
{
	size_t i;

	for (i = 0; i < opts->n_ports; i++)
		if (range_matches(&opts->ports[i], proto, family) &&
		    port >= opts->ports[i].start && port <= opts->ports[i].end)
			return true;
	return false;
}

bool pd__listeners_want(const pd_probe_opts *opts, pd_proto proto)
{
	if (!opts->listeners)
		return false;
	if (!opts->tcp && !opts->udp)
		return true;
	return proto == PD_PROTO_TCP ? opts->tcp : opts->udp;
}

static size_t count_ranges(const pd_probe_opts *opts, pd_proto proto,
                           pd_family family)
{
	size_t i, n = 0;

	for (i = 0; i < opts->n_ports; i++)
		if (range_matches(&opts->ports[i], proto, family))
			n++;
	return n;
}

static bool keep_socket(const pd_probe_opts *opts, const dump_req *rq,
                        pd_family family, uint16_t port, int kstate)
{
	bool poi = pd__port_of_interest(opts, rq->proto, family, port);
	uint32_t ok = rq->states;

	/* Bound-inactive sockets may be reported as CLOSE. */
	if (ok & (1u << PD_LINUX_TCP_BOUND_INACTIVE))
		ok |= 1u << PD_LINUX_TCP_CLOSE;
	if (rq->proto == PD_PROTO_TCP &&
	    (kstate < 0 || kstate > 31 || !((ok >> kstate) & 1)))
		return false;
	switch (rq->mode) {
	case MODE_PORTS:
	case MODE_ONE:
		return poi;
	case MODE_LISTEN:
		return !poi && (kstate == PD_LINUX_TCP_LISTEN ||
		                kstate == PD_LINUX_TCP_CLOSE ||
		                kstate == PD_LINUX_TCP_BOUND_INACTIVE);
	case MODE_ALL:
		return true;
	}
	return false;
}

/* The bytecode accepting a local port inside any matching range.  Each
 * range is a 20-byte block: S_GE lo, S_LE hi, JMP.  The kernel's checker
 * (inet_diag_bc_audit) walks the program along the 'yes' offsets and
 * wants every 'no' target on that walk, so 'yes' always steps to the next
 * op and 'no' skips forward: GE false -> next block, LE false -> next
 * block, LE true -> the JMP, whose 'no' lands exactly on the end (accept).
 * Jumping 4 bytes past the end rejects.  The caller frees *ret_bc. */
static int build_bytecode(const pd_probe_opts *opts, pd_proto proto,
                          pd_family family, size_t n_ranges,
                          unsigned char **ret_bc, size_t *ret_len)
{
	struct inet_diag_bc_op *op;
	unsigned char *bc;
	size_t total = n_ranges * 20, off = 0, i;
	bool last;

	bc = calloc(1, total);
	if (!bc)
		return PD_ENOMEM;
	for (i = 0; i < opts->n_ports; i++) {
		const pd_range *r = &opts->ports[i];

		if (!range_matches(r, proto, family))
			continue;
		last = off + 20 == total;
		op = (struct inet_diag_bc_op *)(bc + off);
		op[0].code = INET_DIAG_BC_S_GE;
		op[0].yes = 8;
		op[0].no = (unsigned short)(last ? total - off + 4 : 20);
		op[1].no = r->start;
		op[2].code = INET_DIAG_BC_S_LE;
		op[2].yes = 8;
		op[2].no = (unsigned short)(last ? total - off - 8 + 4 : 12);
		op[3].no = r->end;
		op[4].code = INET_DIAG_BC_JMP;
		op[4].yes = 4;
		op[4].no = (unsigned short)(total - off - 16);
		off += 20;
	}
	*ret_bc = bc;
	*ret_len = total;
	return 0;
}

/* The one port the ranges of proto/family cover, or -1 when they cover
 * more (or none). */
static int single_port(const pd_probe_opts *opts, pd_proto proto,
                       pd_family family)
{
	size_t i;
	int port = -1;

	for (i = 0; i < opts->n_ports; i++) {
		const pd_range *r = &opts->ports[i];

		if (!range_matches(r, proto, family))
			continue;
		if (r->start != r->end || (port >= 0 && port != r->start))
			return -1;
		port = r->start;
	}
	return port;
}

/* Returns 0, PD_ENOMEM, or a PD_E* with the errno of sendto() in
 * *ret_errno.  For one port of interest the request also names it as the
 * source port (id.idiag_sport): the kernel compares that before running
 * the bytecode, and the bytecode is the dear part of its walk (on 50,000
 * listeners, 12 ms with the bytecode alone, 1.5 ms with the port too). */
static int send_request(int fd, const pd_probe_opts *opts, const dump_req *rq,
                        uint32_t seq, size_t n_ranges, int *ret_errno)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlmsghdr *nlh;
	struct rtattr *rta;
	unsigned char *bc = NULL, *msg = NULL;
	size_t bc_len = 0, len, hdr;
	ssize_t n;
	int r, sport = -1;

	if (rq->bytecode) {
		r = build_bytecode(opts, rq->proto, rq->family, n_ranges, &bc,
		                   &bc_len);
		if (r < 0)
			goto out;
	}
	/* TCP only: udp_diag has compared the field in host order in some
	 * kernels, and its walk is short anyway. */
	if (rq->mode == MODE_PORTS && rq->proto == PD_PROTO_TCP)
		sport = single_port(opts, rq->proto, rq->family);
	hdr = rq->family == PD_FAMILY_ANY ? sizeof(struct inet_diag_req)
	                                  : sizeof(struct inet_diag_req_v2);
	len = NLMSG_LENGTH(hdr);
	if (bc)
		len = NLMSG_ALIGN(len) + RTA_LENGTH(bc_len);
	msg = calloc(1, len);
	if (!msg) {
		r = PD_ENOMEM;
		goto out;
	}
	nlh = (struct nlmsghdr *)msg;
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (rq->family == PD_FAMILY_ANY) {
		/* The older request (struct inet_diag_req, TCPDIAG_GETSOCK)
		 * is the one that dumps both families: the kernel answers it
		 * with sdiag_family AF_UNSPEC (net/ipv4/inet_diag.c,
		 * inet_diag_dump_compat), in one walk of its tables, and
		 * takes the same states and bytecode.  TCP only. */
		struct inet_diag_req *req = NLMSG_DATA(nlh);

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		req->idiag_family = AF_INET;
		req->idiag_states = rq->states;
		if (sport >= 0)
			req->id.idiag_sport = htons((uint16_t)sport);
	} else {
		struct inet_diag_req_v2 *req = NLMSG_DATA(nlh);

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req->sdiag_family = rq->family == PD_FAMILY_V6 ? AF_INET6
		                                               : AF_INET;
		req->sdiag_protocol = rq->proto == PD_PROTO_UDP ? IPPROTO_UDP
		                                                : IPPROTO_TCP;
		req->idiag_states = rq->states;
		if (sport >= 0)
			req->id.idiag_sport = htons((uint16_t)sport);
	}
	if (bc) {
		rta = (struct rtattr *)(msg + NLMSG_ALIGN(NLMSG_LENGTH(hdr)));
		rta->rta_type = INET_DIAG_REQ_BYTECODE;
		rta->rta_len = (unsigned short)RTA_LENGTH(bc_len);
		memcpy(RTA_DATA(rta), bc, bc_len);
	}
	do
		n = sendto(fd, msg, len, 0, (struct sockaddr *)&kernel,
		           sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*ret_errno = errno;
		r = pd__errno_to_pd(errno);
	} else if ((size_t)n != len) {
		*ret_errno = EIO;
		r = PD_EIO;
	} else {
		r = 0;
	}
out:
	free(bc);
	free(msg);
	return r;
}

static void ifname_lookup(ifname_cache *c, unsigned index, char **ret)
{
	char name[IF_NAMESIZE];

	if (c->index != index) {
		if (!if_indextoname(index, name))
			snprintf(name, sizeof(name), "if%u", index);
		memcpy(c->name, name, sizeof(name));
		c->index = index;
	}
	*ret = strdup(c->name);
}

/* One sock_diag message (payload of len bytes) -> maybe one socket. */
static int add_diag_msg(pd_snapshot *s, const pd_probe_opts *opts,
                        const dump_req *rq, const unsigned char *payload,
                        size_t len, ifname_cache *ifc)
{
	const struct inet_diag_msg *m = (const void *)payload;
	size_t off = NLMSG_ALIGN(sizeof(*m));
	const struct rtattr *a;
	pd_socket *sk;
	uint16_t port;
	int v6only = -1, r;
	uint64_t cgroup = 0;
	pd_family family;
	size_t alen;

	if (len < sizeof(*m))
		return PD_EPARSE;
	if (m->idiag_family == AF_INET6)
		family = PD_FAMILY_V6;
	else if (m->idiag_family == AF_INET)
		family = PD_FAMILY_V4;
	else
		return 0;
	if (rq->family != PD_FAMILY_ANY && rq->family != family)
		return 0;
	alen = family == PD_FAMILY_V6 ? 16 : 4;
	port = ntohs(m->id.idiag_sport);
	if (!keep_socket(opts, rq, family, port, m->idiag_state))
		return 0;
	while (off + sizeof(*a) <= len) {
		a = (const void *)(payload + off);
		if (a->rta_len < sizeof(*a) || a->rta_len > len - off)
			return PD_EPARSE;
		if (a->rta_type == INET_DIAG_SKV6ONLY && a->rta_len >= RTA_LENGTH(1))
			v6only = *(const unsigned char *)RTA_DATA(a) ? 1 : 0;
		/* Sent unasked with every socket (kernel 5.9+, cgroups
		 * on): no idiag_ext bit asks for it (that mask only has
		 * room for the first 8 attributes). */
		else if (a->rta_type == INET_DIAG_CGROUP_ID &&
		         a->rta_len >= RTA_LENGTH(8))
			memcpy(&cgroup, RTA_DATA(a), 8);
		off += RTA_ALIGN(a->rta_len);
	}
	if (s->n_sockets >= MAX_SOCKETS)
		return PD_ETOOBIG;
	r = pd_snapshot_add_socket(s, &sk);
	if (r < 0)
		return r;
	sk->proto = rq->proto;
	sk->local.family = family;
	sk->remote.family = family;
	memcpy(sk->local.bytes, m->id.idiag_src, alen);
	memcpy(sk->remote.bytes, m->id.idiag_dst, alen);
	sk->local_port = port;
	sk->remote_port = ntohs(m->id.idiag_dport);
	sk->state = pd_linux_sock_state(m->idiag_state, rq->proto);
	sk->v6only = family == PD_FAMILY_V6 ? v6only : -1;
	sk->inode = m->idiag_inode;
	/* TIME_WAIT and request sockets belong to no file: the kernel sends 0
	 * for their uid, which must not read as root. */
	sk->uid = sk->inode == 0 && (m->idiag_state == PD_LINUX_TCP_TIME_WAIT ||
	                             m->idiag_state == PD_LINUX_TCP_SYN_RECV ||
	                             m->idiag_state == PD_LINUX_TCP_NEW_SYN_RECV)
	              ? -1
	              : (int64_t)m->idiag_uid;
	sk->cgroup_id = cgroup;
	if (m->id.idiag_if) {
		ifname_lookup(ifc, m->id.idiag_if, &sk->ifname);
		if (!sk->ifname)
			return PD_ENOMEM;
	}
	return 0;
}

/* Walks one datagram.  *ret_done is set at NLMSG_DONE. */
static int parse_datagram(pd_snapshot *s, const pd_probe_opts *opts,
                          const dump_req *rq, uint32_t seq,
                          const unsigned char *buf, size_t len, bool *ret_done,
                          ifname_cache *ifc, int *ret_kernel_err)
{
	const struct nlmsghdr *h;
	size_t off = 0;
	int r;

	while (off < len) {
		if (len - off < sizeof(*h))
			return PD_EPARSE;
		h = (const void *)(buf + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			return PD_EPARSE;
		if (h->nlmsg_seq == seq) {
			const unsigned char *pl = buf + off + NLMSG_HDRLEN;
			size_t plen = h->nlmsg_len - NLMSG_HDRLEN;

			if (h->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (plen >= sizeof(int))
					memcpy(&e, pl, sizeof(int));
				if (e < 0) {
					/* A forged INT_MIN must not overflow. */
					*ret_kernel_err = e >= -4095 ? -e : EIO;
					return PD_EIO;
				}
				*ret_done = true;
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr ne;

				if (plen < sizeof(ne))
					return PD_EPARSE;
				memcpy(&ne, pl, sizeof(ne));
				*ret_kernel_err = ne.error < 0 && ne.error >= -4095
				                  ? -ne.error : EIO;
				return PD_EIO;
			}
			/* The kernel answers with the request's type. */
			if (h->nlmsg_type == (rq->family == PD_FAMILY_ANY &&
			                              rq->mode != MODE_ONE
			                          ? TCPDIAG_GETSOCK
			                          : SOCK_DIAG_BY_FAMILY)) {
				r = add_diag_msg(s, opts, rq, pl, plen, ifc);
				if (r < 0)
					return r;
			}
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return 0;
}

static int run_dump(int fd, pd_snapshot *s, const pd_probe_opts *opts,
                    const dump_req *rq, size_t n_ranges, uint32_t seq,
                    unsigned char *buf, char *detail, size_t dsize)
{
	struct iovec iov = {.iov_base = buf, .iov_len = RECV_SIZE};
	struct sockaddr_nl from;
	struct msghdr mh;
	ifname_cache ifc = {0, ""};
	bool done = false;
	ssize_t n;
	unsigned i;
	int r, kerr = 0;

	r = send_request(fd, opts, rq, seq, n_ranges, &kerr);
	if (r < 0) {
		snprintf(detail, dsize, "send: %s",
		         kerr ? pd__errno_name(kerr) : pd_err_name(r));
		goto out;
	}
	for (i = 0; i < MAX_RECVS && !done; i++) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(detail, dsize, "recv: %s", pd__errno_name(errno));
			r = errno == EAGAIN ? PD_ETIMEDOUT : pd__errno_to_pd(errno);
			goto out;
		}
		if (n == 0 || (mh.msg_flags & MSG_TRUNC)) {
			snprintf(detail, dsize, "truncated reply");
			r = PD_EPARSE;
			goto out;
		}
		/* Only the kernel (port 0) may answer. */
		if (from.nl_pid != 0)
			continue;
		r = parse_datagram(s, opts, rq, seq, buf, (size_t)n, &done, &ifc,
		                   &kerr);
		if (r < 0) {
			if (kerr)
				snprintf(detail, dsize, "kernel answered %s",
				         pd__errno_name(kerr));
			else
				snprintf(detail, dsize, "malformed reply (%s)",
				         pd_err_name(r));
			goto out;
		}
	}
	if (!done) {
		snprintf(detail, dsize, "dump did not end");
		r = PD_ETOOBIG;
		goto out;
	}
	r = 0;
out:
	return r;
}

void pd__linux_sockets_rollback(pd_snapshot *s, size_t n)
{
	while (s->n_sockets > n) {
		s->n_sockets--;
		free(s->sockets[s->n_sockets].ifname);
		free(s->sockets[s->n_sockets].pids);
	}
}

/* The dumps one family/proto needs (at most 2).  states: the TCP states
 * of the sockets on the ports of interest. */
static size_t plan(const pd_probe_opts *opts, pd_family family, pd_proto proto,
                   size_t n_ranges, uint32_t states, dump_req out[2])
{
	size_t n = 0;
	bool lw = pd__listeners_want(opts, proto);

	if (proto == PD_PROTO_UDP && lw) {
		out[n++] = (dump_req){family, proto, MODE_ALL, false, ALL_STATES};
		return n;
	}
	if (n_ranges > 0)
		out[n++] = (dump_req){family, proto, MODE_PORTS,
		                      n_ranges <= MAX_BC_RANGES,
		                      proto == PD_PROTO_TCP ? states : ALL_STATES};
	if (proto == PD_PROTO_TCP && lw)
		out[n++] = (dump_req){family, proto, MODE_LISTEN, false,
		                      LISTEN_STATES |
		                          (1u << PD_LINUX_TCP_BOUND_INACTIVE)};
	return n;
}

int pd__linux_split_families(pd_snapshot *s, size_t start)
{
	size_t n6 = 0, i, k, j = 0;
	pd_socket *tmp;

	for (i = start; i < s->n_sockets; i++)
		n6 += s->sockets[i].local.family == PD_FAMILY_V6;
	if (n6 == 0 || n6 == s->n_sockets - start)
		return 0;
	/* Only the IPv6 sockets are set aside (usually the fewer). */
	tmp = malloc(n6 * sizeof(*tmp));
	if (!tmp)
		return PD_ENOMEM;
	for (i = k = start; i < s->n_sockets; i++) {
		if (s->sockets[i].local.family == PD_FAMILY_V6)
			tmp[j++] = s->sockets[i];
		else
			s->sockets[k++] = s->sockets[i];
	}
	memcpy(s->sockets + k, tmp, n6 * sizeof(*tmp));
	free(tmp);
	return 0;
}

int pd__linux_sockets_parse_reply(pd_snapshot *s, const pd_probe_opts *opts,
                                  pd_family family, pd_proto proto,
                                  size_t dump, uint32_t seq,
                                  const unsigned char *buf, size_t len,
                                  bool *ret_done, int *ret_kernel_err)
{
	ifname_cache ifc = {0, ""};
	dump_req reqs[2];
	size_t n = plan(opts, family, proto, count_ranges(opts, proto, family),
	                ALL_STATES, reqs);

	if (dump >= n || (family == PD_FAMILY_ANY && proto != PD_PROTO_TCP))
		return PD_EINVAL;
	return parse_datagram(s, opts, &reqs[dump], seq, buf, len, ret_done,
	                      &ifc, ret_kernel_err);
}

int pd__linux_sockets_netlink(pd_snapshot *s, const pd_probe_opts *opts,
                              pd_family family, pd_proto proto,
                              uint32_t states, char *detail,
                              size_t detail_size)
{
	struct timeval tv = {.tv_sec = RECV_TIMEOUT_SEC};
	size_t start = s->n_sockets, n_ranges, n_req, i;
	unsigned char *buf = NULL;
	dump_req reqs[2];
	uint32_t seq = 0;
	int fd = -1, r;

	if (family == PD_FAMILY_ANY && proto != PD_PROTO_TCP)
		return PD_EINVAL;
	n_ranges = count_ranges(opts, proto, family);
	n_req = plan(opts, family, proto, n_ranges, states, reqs);
	if (n_req == 0)
		return 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		snprintf(detail, detail_size, "socket: %s", pd__errno_name(errno));
		r = pd__errno_to_pd(errno);
		goto out;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	buf = malloc(RECV_SIZE);
	if (!buf) {
		r = PD_ENOMEM;
		goto out;
	}
	for (i = 0; i < n_req; i++) {
		r = run_dump(fd, s, opts, &reqs[i], n_ranges, ++seq, buf,
		             detail, detail_size);
		if (r < 0)
			goto out;
	}
	r = family == PD_FAMILY_ANY ? pd__linux_split_families(s, start) : 0;
out:
	if (r < 0)
		pd__linux_sockets_rollback(s, start);
	free(buf);
	if (fd >= 0)
		close(fd);
	return r;
}

/* The one TCP listener the kernel finds for ep (a specific address), by
 * an exact request (SOCK_DIAG_BY_FAMILY without NLM_F_DUMP): the kernel
 * looks the socket up in its listening hash by address and port, as for
 * an incoming SYN (net/ipv4/tcp_diag.c, tcp_diag_find_one_icsk: inet_lookup
 * or inet6_lookup of id.idiag_src:idiag_sport from idiag_dst:idiag_dport,
 * here 0:0, which no connection matches), in O(1) however many listeners
 * the machine has, where a dump walks every one of them.  It answers one
 * socket at most: the best match (the address's own bucket before the
 * wildcard's; one member of a SO_REUSEPORT group; none bound to a device,
 * idiag_if being 0), so the caller proves that no other could overlap ep
 * (exact.c).  1 when a listener was added to s, 0 when the kernel
 * knows none (ENOENT), PD_E* when the request failed (nothing added). */
/* Sends the exact request for ep's TCP listener; 0 or PD_EIO. */
static int send_lookup(int fd, const pd_endpoint *ep)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST; /* no NLM_F_DUMP: one socket */
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = ep->addr.family == PD_FAMILY_V6 ? AF_INET6 : AF_INET;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = LISTEN_STATES;
	msg.req.id.idiag_sport = htons(ep->port);
	memcpy(msg.req.id.idiag_src, ep->addr.bytes,
	       ep->addr.family == PD_FAMILY_V6 ? 16 : 4);
	msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	do
		n = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel,
		           sizeof(kernel));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(msg) ? 0 : PD_EIO;
}

int pd__linux_sockets_lookup(pd_snapshot *s, const pd_probe_opts *opts,
                             const pd_endpoint *ep)
{
	struct sockaddr_nl from;
	socklen_t fromlen = sizeof(from);
	struct timeval tv = {.tv_sec = RECV_TIMEOUT_SEC};
	/* An IPv4 lookup finds a dual-stack [::] listener too. */
	dump_req rq = {PD_FAMILY_ANY, PD_PROTO_TCP, MODE_ONE, false,
	               LISTEN_STATES};
	ifname_cache ifc = {0, ""};
	size_t start = s->n_sockets;
	union {
		unsigned char b[4096]; /* one socket and its attributes */
		struct nlmsghdr align;
	} u;
	bool done = false;
	ssize_t n = 0;
	int fd, r, kerr = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return pd__errno_to_pd(errno);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = send_lookup(fd, ep);
	/* One datagram, from the kernel (port 0): the socket, or an error
	 * (ENOENT: none); MSG_TRUNC tells its whole length. */
	while (r == 0 && (n = recvfrom(fd, u.b, sizeof(u.b), MSG_TRUNC,
	                               (struct sockaddr *)&from, &fromlen)) < 0 &&
	       errno == EINTR)
		;
	if (r == 0 && (n <= 0 || n > (ssize_t)sizeof(u.b) || from.nl_pid != 0))
		r = PD_EIO;
	if (r == 0)
		r = parse_datagram(s, opts, &rq, 1, u.b, (size_t)n, &done, &ifc,
		                   &kerr);
	if (r == PD_EIO && kerr == ENOENT)
		r = 0;
	else if (r == 0)
		r = s->n_sockets > start;
	if (r < 0)
		pd__linux_sockets_rollback(s, start);
	close(fd);
	return r;
}

/* ------------------------------------------------------ /proc fallback */

/* /proc/net/tcp of a busy server can be large; this is far above any. */
#define PROC_NET_MAX (256u * 1024u * 1024u)

int pd__linux_sockets_proc(pd_snapshot *s, const pd_probe_opts *opts,
                           pd_family family, pd_proto proto)
{
	static const char *const files[2][2] = {
	    {"/proc/net/tcp", "/proc/net/tcp6"},
	    {"/proc/net/udp", "/proc/net/udp6"}};
	const char *path = files[proto == PD_PROTO_UDP][family == PD_FAMILY_V6];
	size_t start = s->n_sockets, len = 0, n_ranges;
	dump_req reqs[2];
	size_t n_req, i;
	char *text = NULL, *p, *end, *nl;
	bool trunc = false, keep;
	pd_proc_net_entry e;
	pd_socket *sk;
	int r;

	n_ranges = count_ranges(opts, proto, family);
	n_req = plan(opts, family, proto, n_ranges, ALL_STATES, reqs);
	if (n_req == 0)
		return 0;
	r = pd__read_alloc_at(AT_FDCWD, path, PROC_NET_MAX, &text, &len, &trunc);
	if (r < 0)
		goto out;
	/* The first line is the column header. */
	p = memchr(text, '\n', len);
	p = p ? p + 1 : text + len;
	end = text + len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (pd_proc_net_parse_line(p, (size_t)(nl - p), family, &e) < 0)
			continue;
		keep = false;
		for (i = 0; i < n_req && !keep; i++)
			keep = keep_socket(opts, &reqs[i], family, e.local_port,
			                   e.kstate) &&
			       (reqs[i].mode != MODE_LISTEN ||
			        e.kstate == PD_LINUX_TCP_LISTEN);
		if (!keep)
			continue;
		r = pd_snapshot_add_socket(s, &sk);
		if (r < 0)
			goto out;
		sk->proto = proto;
		sk->local = e.local;
		sk->local_port = e.local_port;
		sk->remote = e.remote;
		sk->remote_port = e.remote_port;
		sk->state = pd_linux_sock_state(e.kstate, proto);
		sk->v6only = -1;
		sk->inode = e.inode;
		sk->uid = e.inode == 0 && e.kstate != PD_LINUX_TCP_LISTEN ? -1 : e.uid;
	}
	r = 0;
out:
	if (r < 0)
		pd__linux_sockets_rollback(s, start);
	free(text);
	return r;
}
