/*
 * The Compose port grammar and clashes between the entries of a project.
 *
 * The short syntax is Docker's ParsePortSpec (docker/go-connections nat):
 * split on ':' from the right, so "[::1]:8080:80" and "::1:8080:80" both
 * give the address "::1"; "/proto" at the end; a side may be a range.  A
 * host range with one container port ("8000-8010:80") makes Docker take one
 * free port of the range.  No host side ("80", "127.0.0.1::80", host "0")
 * means an ephemeral port, which is no host port to check; "80/" is tcp.  Everything is
 * text here: libyaml hands over "22:22" as written (YAML 1.1 would read it
 * as the base-60 number 1342, Compose's YAML 1.2 parser does not).
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "compose.h"

/* Digits only, 0..65535; -1 otherwise. */
static long port_number(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (!len || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : -1;
}

static int range_n(const char *s, size_t len, uint16_t *lo, uint16_t *hi)
{
	const char *dash = memchr(s, '-', len);
	long a, b;

	if (!dash) {
		a = b = port_number(s, len);
	} else {
		a = port_number(s, (size_t)(dash - s));
		b = port_number(dash + 1, len - (size_t)(dash - s) - 1);
		if (a <= 0 || b <= 0)
			return PD_EPARSE;
	}
	if (a < 0 || b < 0 || b < a)
		return PD_EPARSE;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int pd_compose_port_range(const char *text, uint16_t *ret_lo, uint16_t *ret_hi)
{
	return range_n(text, strlen(text), ret_lo, ret_hi);
}

int pd_compose_port_parse_short(const char *text, char *err, size_t errsize,
                                pd_compose_portspec *ret)
{
	pd_compose_portspec ps;
	size_t len = strlen(text), n_colons = 0, i, c1 = 0, c2 = 0;
	const char *slash;
	const char *ip = NULL, *host = NULL, *cont = text;
	size_t iplen = 0, hostlen = 0, contlen;

	memset(&ps, 0, sizeof(ps));
	ps.proto = PD_PROTO_TCP;
	slash = memchr(text, '/', len);
	if (slash) {
		size_t pl = len - (size_t)(slash - text) - 1;

		/* An empty protocol is tcp, as in go-connections'
		 * SplitProtoPort ("5000:1234/"). */
		if (!pl || pd__ascii_ieq(slash + 1, pl, "tcp")) {
			ps.proto = PD_PROTO_TCP;
		} else if (pd__ascii_ieq(slash + 1, pl, "udp")) {
			ps.proto = PD_PROTO_UDP;
		} else if (pd__ascii_ieq(slash + 1, pl, "sctp")) {
			ps.proto = PD_PROTO_NONE;
			ps.sctp = true;
		} else {
			snprintf(err, errsize, "invalid protocol \"%.*s\" in port \"%s\" "
			         "(tcp, udp or sctp)", (int)(pl > 20 ? 20 : pl),
			         slash + 1, text);
			return PD_EPARSE;
		}
		len = (size_t)(slash - text);
	}
	for (i = 0; i < len; i++)
		if (text[i] == ':') {
			n_colons++;
			c2 = c1;
			c1 = i;
		}
	/* c1: last colon, c2: the one before. */
	if (n_colons == 0) {
		contlen = len;
	} else if (n_colons == 1) {
		host = text;
		hostlen = c1;
		cont = text + c1 + 1;
		contlen = len - c1 - 1;
	} else {
		ip = text;
		iplen = c2;
		host = text + c2 + 1;
		hostlen = c1 - c2 - 1;
		cont = text + c1 + 1;
		contlen = len - c1 - 1;
	}
	if (!contlen) {
		snprintf(err, errsize, "no container port in \"%s\"", text);
		return PD_EPARSE;
	}
	if (range_n(cont, contlen, &ps.cont_lo, &ps.cont_hi) < 0 || !ps.cont_lo) {
		snprintf(err, errsize, "invalid container port \"%.*s\" in \"%s\"",
		         (int)(contlen > 20 ? 20 : contlen), cont, text);
		return PD_EPARSE;
	}
	if (ip) {
		pd_addr a;

		if (iplen >= 2 && ip[0] == '[' && ip[iplen - 1] == ']') {
			ip++;
			iplen -= 2;
		}
		if (iplen && (iplen >= sizeof(ps.host_ip) ||
		              pd_addr_parse(ip, iplen, &a) < 0)) {
			snprintf(err, errsize, "invalid IP address \"%.*s\" in \"%s\"",
			         (int)(iplen > 60 ? 60 : iplen), ip, text);
			return PD_EPARSE;
		}
		if (iplen)
			pd_addr_format(&a, ps.host_ip, sizeof(ps.host_ip));
	}
	if (host && hostlen) {
		if (range_n(host, hostlen, &ps.host_lo, &ps.host_hi) < 0) {
			snprintf(err, errsize, "invalid host port \"%.*s\" in \"%s\"",
			         (int)(hostlen > 20 ? 20 : hostlen), host, text);
			return PD_EPARSE;
		}
		if (ps.host_hi - ps.host_lo != ps.cont_hi - ps.cont_lo &&
		    ps.cont_hi != ps.cont_lo) {
			snprintf(err, errsize, "host and container port ranges differ "
			         "in length in \"%s\"", text);
			return PD_EPARSE;
		}
	}
	*ret = ps;
	return 0;
}

static bool addr_overlap(const pd_target *a, const pd_target *b)
{
	if (a->host == PD_HOST_ALL || b->host == PD_HOST_ALL)
		return true;
	/* The any address of one family takes every address of it; "::"
	 * is dual-stack unless the engine says otherwise, so it takes all. */
	if (pd_addr_is_any(&a->addr) && (a->addr.family == PD_FAMILY_V6 ||
	                                 a->addr.family == b->addr.family))
		return true;
	if (pd_addr_is_any(&b->addr) && (b->addr.family == PD_FAMILY_V6 ||
	                                 b->addr.family == a->addr.family))
		return true;
	return pd_addr_equal(&a->addr, &b->addr);
}

bool pd_compose_ports_clash(const pd_compose_port *a, const pd_compose_port *b,
                            uint16_t port)
{
	if (a == b || a->pick_one || b->pick_one)
		return false;
	if (a->target.proto != b->target.proto)
		return false;
	if (port < a->target.port_lo || port > a->target.port_hi ||
	    port < b->target.port_lo || port > b->target.port_hi)
		return false;
	return addr_overlap(&a->target, &b->target);
}
