/*
 * TARGET syntax: what the user names on the command line.
 *
 *   PORT | LO-HI | HOST:PORT | HOST:LO-HI, each optionally followed by
 *   /tcp or /udp.  HOST is an IPv4 address, an IPv6 address in brackets,
 *   "localhost", "*" or empty (":8080", Go's way of saying every address).
 *
 * A bare port means what `docker run -p PORT:...` asks for: every address,
 * IPv4 and IPv6, bound as two sockets (the IPv6 one with IPV6_V6ONLY, the
 * way Docker does it).  An explicit "[::]" is bound dual-stack, the way
 * Node, Java and .NET servers bind it, so a 0.0.0.0 holder shows up there;
 * so is a v4-mapped address ("[::ffff:127.0.0.1]"), the only way it binds.
 */
#include <stdio.h>
#include <string.h>

#include "portdoctor/portdoctor.h"

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return PD_EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PD_EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return PD_ERANGE;
	*ret = (uint16_t)v;
	return 0;
}

static int parse_ports(const char *s, size_t len, uint16_t *lo, uint16_t *hi)
{
	const char *dash = memchr(s, '-', len);
	uint16_t a, b;
	int r;

	if (!dash) {
		r = parse_port(s, len, &a);
		b = a;
	} else {
		r = parse_port(s, (size_t)(dash - s), &a);
		if (r == 0)
			r = parse_port(dash + 1, len - (size_t)(dash - s) - 1, &b);
		if (r == 0 && b < a)
			r = PD_ERANGE;
	}
	if (r < 0)
		return r;
	*lo = a;
	*hi = b;
	return 0;
}

int pd_target_parse(const char *text, pd_target *ret)
{
	pd_target t;
	size_t len, plen;
	const char *slash, *colon, *ports;
	int r;

	if (!text)
		return PD_EINVAL;
	len = strlen(text);
	if (len == 0 || len > 128)
		return PD_EINVAL;
	memset(&t, 0, sizeof(t));
	t.proto = PD_PROTO_TCP;
	slash = memchr(text, '/', len);
	if (slash) {
		size_t sl = len - (size_t)(slash - text) - 1;

		if (pd_proto_parse(slash + 1, sl, &t.proto) < 0)
			return PD_EINVAL;
		len = (size_t)(slash - text);
	}
	/* The port part follows the last colon outside brackets. */
	colon = NULL;
	if (text[0] == '[') {
		const char *rb = memchr(text, ']', len);

		if (!rb || (size_t)(rb - text) + 1 >= len || rb[1] != ':')
			return PD_EINVAL;
		colon = rb + 1;
	} else {
		const char *c = memchr(text, ':', len);

		if (c && memchr(c + 1, ':', len - (size_t)(c - text) - 1))
			return PD_EINVAL; /* bare IPv6 needs brackets */
		colon = c;
	}
	ports = colon ? colon + 1 : text;
	plen = len - (size_t)(ports - text);
	r = parse_ports(ports, plen, &t.port_lo, &t.port_hi);
	if (r < 0)
		return r;
	if (!colon) {
		t.host = PD_HOST_ALL;
	} else {
		size_t hl = (size_t)(colon - text);

		if (hl == 0 || (hl == 1 && text[0] == '*')) {
			t.host = PD_HOST_ALL;
		} else if (hl == 9 && strncmp(text, "localhost", 9) == 0) {
			t.host = PD_HOST_LOCALHOST;
		} else {
			if (pd_addr_parse(text, hl, &t.addr) < 0)
				return PD_EINVAL;
			t.host = PD_HOST_ADDR;
		}
	}
	*ret = t;
	return 0;
}

size_t pd_target_endpoints(const pd_target *t, uint16_t port,
                           pd_endpoint out[2])
{
	pd_addr v4;

	memset(out, 0, 2 * sizeof(out[0]));
	out[0].proto = out[1].proto = t->proto;
	out[0].port = out[1].port = port;
	switch (t->host) {
	case PD_HOST_ALL:
		out[0].addr = pd_addr_any(PD_FAMILY_V4);
		out[1].addr = pd_addr_any(PD_FAMILY_V6);
		out[1].v6only = true;
		return 2;
	case PD_HOST_LOCALHOST:
		out[0].addr = pd_addr_loopback(PD_FAMILY_V4);
		out[1].addr = pd_addr_loopback(PD_FAMILY_V6);
		out[1].v6only = true;
		return 2;
	default:
		out[0].addr = t->addr;
		/* A v4-mapped address (::ffff:a.b.c.d) can only be bound
		 * dual-stack: with IPV6_V6ONLY, Linux refuses it (EINVAL). */
		out[0].v6only = t->addr.family == PD_FAMILY_V6 &&
		                !pd_addr_is_any(&t->addr) &&
		                !pd_addr_unmap_v4(&t->addr, &v4);
		return 1;
	}
}

int pd_target_format(const pd_target *t, uint16_t port, char *buf,
                     size_t size)
{
	char a[PD_ADDR_STRLEN];
	const char *proto = pd_proto_name(t->proto);
	int n;

	if (!proto)
		proto = "tcp";
	switch (t->host) {
	case PD_HOST_ALL:
		n = snprintf(buf, size, "%s %u", proto, port);
		break;
	case PD_HOST_LOCALHOST:
		n = snprintf(buf, size, "%s localhost:%u", proto, port);
		break;
	default:
		pd_addr_format(&t->addr, a, sizeof(a));
		n = snprintf(buf, size, t->addr.family == PD_FAMILY_V6 ?
		             "%s [%s]:%u" : "%s %s:%u", proto, a, port);
	}
	return (n < 0 || (size_t)n >= size) ? PD_ETOOBIG : 0;
}
