/*
 * src/core/: the shared model's small pieces (addresses, names, targets,
 * buffers, port ranges, safe outside text, JSON helpers, gettext).  Pure: no
 * OS headers, no I/O.  May include: include/portdoctor only.  Included by:
 * every other folder.
 *
 * IP addresses as plain data.
 *
 * Written by hand instead of inet_pton/inet_ntop because the core takes no
 * OS headers (they differ between POSIX and Winsock, and Winsock needs
 * WSAStartup for some of them); the grammar is small: dotted quads, RFC 4291
 * text forms with "::" and an embedded IPv4 tail, optional brackets and a
 * numeric %scope.  Output follows RFC 5952.
 */
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "portdoctor/portdoctor.h"

/* Parses exactly len bytes as a dotted quad into out[4]. */
static int parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (++digits > 3 || v > 255)
				return PD_EINVAL;
			i++;
		}
		if (!digits)
			return PD_EINVAL;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return PD_EINVAL;
			i++;
		}
	}
	return i == len ? 0 : PD_EINVAL;
}

static int parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint16_t groups[8];
	int n = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return PD_EINVAL;
	}
	while (i < len) {
		size_t start = i;
		unsigned v = 0;
		int h;

		if (n >= 8)
			return PD_EINVAL;
		while (i < len && (h = pd__hexval(s[i])) >= 0) {
			if (i - start >= 4)
				return PD_EINVAL;
			v = v * 16 + (unsigned)h;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* IPv4 tail: takes two groups and ends the address. */
			uint8_t v4[4];

			if (n > 6 || parse_v4(s + start, len - start, v4) < 0)
				return PD_EINVAL;
			groups[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			groups[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = len;
			break;
		}
		if (i == start)
			return PD_EINVAL;
		groups[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return PD_EINVAL;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return PD_EINVAL;
			gap = n;
			i++;
		} else if (i == len) {
			return PD_EINVAL; /* trailing single colon */
		}
	}
	if (gap < 0 && n != 8)
		return PD_EINVAL;
	if (gap >= 0 && n > 7)
		return PD_EINVAL;
	memset(out, 0, 16);
	{
		int k, tail = gap < 0 ? 0 : n - gap;

		for (k = 0; k < (gap < 0 ? n : gap); k++) {
			out[2 * k] = (uint8_t)(groups[k] >> 8);
			out[2 * k + 1] = (uint8_t)groups[k];
		}
		for (k = 0; k < tail; k++) {
			int dst = 8 - tail + k;

			out[2 * dst] = (uint8_t)(groups[gap + k] >> 8);
			out[2 * dst + 1] = (uint8_t)groups[gap + k];
		}
	}
	return 0;
}

int pd_addr_parse(const char *text, size_t len, pd_addr *ret_addr)
{
	pd_addr a;
	size_t i;
	uint32_t scope = 0;

	if (!text)
		return PD_EINVAL;
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len == 0 || len > 64)
		return PD_EINVAL;
	memset(&a, 0, sizeof(a));
	for (i = 0; i < len; i++)
		if (text[i] == '%')
			break;
	if (i < len) {
		size_t j;

		if (i + 1 == len)
			return PD_EINVAL;
		for (j = i + 1; j < len; j++) {
			if (text[j] < '0' || text[j] > '9')
				return PD_EINVAL;
			if (scope > (UINT32_MAX - 9) / 10)
				return PD_ERANGE;
			scope = scope * 10 + (uint32_t)(text[j] - '0');
		}
		len = i;
	}
	if (memchr(text, ':', len)) {
		if (parse_v6(text, len, a.bytes) < 0)
			return PD_EINVAL;
		a.family = PD_FAMILY_V6;
		a.scope_id = scope;
	} else {
		if (scope || parse_v4(text, len, a.bytes) < 0)
			return PD_EINVAL;
		a.family = PD_FAMILY_V4;
	}
	*ret_addr = a;
	return 0;
}

const char *pd_addr_format(const pd_addr *a, char *buf, size_t size)
{
	int best = -1, best_len = 0, i, n = 0;
	size_t off = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (a->family == PD_FAMILY_V4) {
		snprintf(buf, size, "%u.%u.%u.%u", a->bytes[0], a->bytes[1],
		         a->bytes[2], a->bytes[3]);
		return buf;
	}
	if (a->family != PD_FAMILY_V6) {
		snprintf(buf, size, "?");
		return buf;
	}
	{
		pd_addr v4;

		if (pd_addr_unmap_v4(a, &v4)) {
			snprintf(buf, size, "::ffff:%u.%u.%u.%u", v4.bytes[0],
			         v4.bytes[1], v4.bytes[2], v4.bytes[3]);
			return buf;
		}
	}
	/* RFC 5952: the longest run of two or more zero groups becomes "::". */
	for (i = 0; i < 8; i++) {
		int z = !a->bytes[2 * i] && !a->bytes[2 * i + 1];

		n = z ? n + 1 : 0;
		if (n > best_len) {
			best_len = n;
			best = i - n + 1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8 && off < size; i++) {
		int w;

		if (i == best) {
			w = snprintf(buf + off, size - off, "::");
			i += best_len - 1;
		} else {
			w = snprintf(buf + off, size - off, "%s%x",
			             (i && i != best + best_len) ? ":" : "",
			             (unsigned)(a->bytes[2 * i] << 8 | a->bytes[2 * i + 1]));
		}
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (a->scope_id && off < size)
		snprintf(buf + off, size - off, "%%%u", (unsigned)a->scope_id);
	return buf;
}

bool pd_addr_is_any(const pd_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == PD_FAMILY_V4)
		return memcmp(a->bytes, zero, 4) == 0;
	return a->family == PD_FAMILY_V6 && memcmp(a->bytes, zero, 16) == 0;
}

bool pd_addr_is_loopback(const pd_addr *a)
{
	static const uint8_t v6lo[16] = {[15] = 1};
	pd_addr v4;

	if (a->family == PD_FAMILY_V4)
		return a->bytes[0] == 127;
	if (pd_addr_unmap_v4(a, &v4))
		return v4.bytes[0] == 127;
	return a->family == PD_FAMILY_V6 && memcmp(a->bytes, v6lo, 16) == 0;
}

bool pd_addr_equal(const pd_addr *a, const pd_addr *b)
{
	size_t n;

	if (a->family != b->family)
		return false;
	n = a->family == PD_FAMILY_V4 ? 4 : 16;
	return memcmp(a->bytes, b->bytes, n) == 0;
}

bool pd_addr_unmap_v4(const pd_addr *a, pd_addr *ret_v4)
{
	static const uint8_t prefix[12] = {[10] = 0xff, [11] = 0xff};

	if (a->family != PD_FAMILY_V6 || memcmp(a->bytes, prefix, 12) != 0)
		return false;
	memset(ret_v4, 0, sizeof(*ret_v4));
	ret_v4->family = PD_FAMILY_V4;
	memcpy(ret_v4->bytes, a->bytes + 12, 4);
	return true;
}

pd_addr pd_addr_any(pd_family family)
{
	pd_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	return a;
}

pd_addr pd_addr_loopback(pd_family family)
{
	pd_addr a = pd_addr_any(family);

	if (family == PD_FAMILY_V4) {
		a.bytes[0] = 127;
		a.bytes[3] = 1;
	} else {
		a.bytes[15] = 1;
	}
	return a;
}

/* Dual-stack "::" sockets (v6only 0, or unknown: the Linux and Windows
 * default for "::" differs, Linux's bindv6only=0 being the common case)
 * also cover every IPv4 address, and an endpoint bound dual-stack covers
 * IPv4 holders.  Diagnose and the Linux probe (which listeners explain a
 * failed bind) read sockets the same way. */
bool pd_socket_overlaps(const pd_endpoint *ep, const pd_socket *sk)
{
	pd_addr mapped;
	const pd_addr *la = &sk->local;

	if (sk->proto != ep->proto || sk->local_port != ep->port)
		return false;
	if (la->family == PD_FAMILY_V6 && pd_addr_unmap_v4(la, &mapped))
		la = &mapped;
	if (la->family == ep->addr.family)
		return pd_addr_is_any(la) || pd_addr_is_any(&ep->addr) ||
		       pd_addr_equal(la, &ep->addr);
	if (ep->addr.family == PD_FAMILY_V4)
		return pd_addr_is_any(la) && sk->v6only != 1;
	/* ep is IPv6, socket IPv4: only a dual-stack wildcard bind meets it. */
	return !ep->v6only && pd_addr_is_any(&ep->addr);
}
