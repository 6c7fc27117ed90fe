/*
 * Addresses in pasted text (part of step 3, parse.c): dotted quads and IPv6
 * text to canonical form (RFC 5952), host names, the "every address"
 * spellings and redacted hosts.  Pure; no recursion.
 */
#include <stdint.h>
#include <string.h>

#include "errmsg_internal.h"

/* --------------------------------------------------------- addresses */

/* Dotted quad at s[0..n) exactly?  Canonical text into out. */
bool pd__parse_v4(const char *s, size_t n, uint8_t b[4])
{
	size_t i = 0;
	for (int k = 0; k < 4; k++) {
		unsigned v = 0;
		size_t d = 0;
		while (i < n && is_digit((unsigned char)s[i]) && d < 3) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || v > 255)
			return false;
		b[k] = (uint8_t)v;
		if (k < 3) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

static size_t fmt_uint(char *out, unsigned v)
{
	char tmp[12];
	size_t n = 0, k = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(tmp));
	while (n)
		out[k++] = tmp[--n];
	return k;
}

void pd__fmt_v4(const uint8_t b[4], char *out)
{
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		k += fmt_uint(out + k, b[i]);
		if (i < 3)
			out[k++] = '.';
	}
	out[k] = '\0';
}

/* IPv6 text at s[0..n) exactly (no brackets; a %zone is kept apart). */
bool pd__parse_v6(const char *s, size_t n, uint8_t b[16])
{
	uint16_t g[8] = {0};
	int ng = 0, gap = -1;
	size_t i = 0;

	if (n < 2)
		return false;
	if (s[0] == ':') {
		if (s[1] != ':')
			return false;
		gap = 0;
		i = 2;
	}
	while (i < n) {
		size_t st = i;
		unsigned v = 0;
		if (ng >= 8)
			return false;
		while (i < n && is_hex((unsigned char)s[i]) && i - st < 4) {
			v = v * 16 + (unsigned)hexval((unsigned char)s[i]);
			i++;
		}
		if (i < n && s[i] == '.') { /* trailing dotted quad */
			uint8_t q[4];
			if (ng > 6 || !pd__parse_v4(s + st, n - st, q))
				return false;
			g[ng++] = (uint16_t)(q[0] << 8 | q[1]);
			g[ng++] = (uint16_t)(q[2] << 8 | q[3]);
			i = n;
			break;
		}
		if (i == st)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			i++;
		} else if (i == n) {
			return false;
		}
	}
	if (gap < 0 && ng != 8)
		return false;
	if (gap >= 0 && ng > 7)
		return false;
	memset(b, 0, 16);
	for (int k = 0; k < ng; k++) {
		int pos = (gap >= 0 && k >= gap) ? k + (8 - ng) : k;
		b[2 * pos] = (uint8_t)(g[k] >> 8);
		b[2 * pos + 1] = (uint8_t)g[k];
	}
	return true;
}

/* RFC 5952 text. */
void pd__fmt_v6(const uint8_t b[16], char *out)
{
	static const char hx[] = "0123456789abcdef";
	uint16_t g[8];
	int best = -1, blen = 0;
	size_t k = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > blen && j - i >= 2) {
			best = i;
			blen = j - i;
		}
		i = (j == i) ? i + 1 : j;
	}
	if (best == 0 && blen == 5 && g[5] == 0xffff) {
		memcpy(out, "::ffff:", 7);
		pd__fmt_v4(b + 12, out + 7);
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out[k++] = ':';
			if (i == 0)
				out[k++] = ':';
			i += blen - 1;
			continue;
		}
		bool lead = false;
		for (int sh = 12; sh >= 0; sh -= 4) {
			int d = (g[i] >> sh) & 0xf;
			if (d || lead || sh == 0) {
				out[k++] = hx[d];
				lead = true;
			}
		}
		if (i < 7)
			out[k++] = ':';
	}
	out[k] = '\0';
}

static bool host_name_ok(const char *s, size_t n)
{
	bool alpha = false;
	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(is_alnum(c) || c == '-' || c == '.' || c == '_'))
			return false;
		alpha |= is_alpha(c);
	}
	return alpha;
}


/* A dotted host with parts blanked out before pasting: "xxx.247.131.221",
 * "xx.xx.xx.106.106", "**.**.***.**".  Each part is digits or only x / *
 * / #, at least one part is blanked, at least three parts. */
bool pd__redacted(const char *s, size_t n)
{
	size_t parts = 1, i = 0;
	bool blank = false;
	if (n < 5)
		return false;
	while (i < n) {
		size_t st = i;
		bool dig = true, red = true;
		for (; i < n && s[i] != '.'; i++) {
			dig &= is_digit((unsigned char)s[i]);
			red &= s[i] == 'x' || s[i] == 'X' || s[i] == '*' || s[i] == '#';
		}
		if (i == st || !(dig || red))
			return false;
		blank |= red;
		if (i < n) {
			i++;
			parts++;
			if (i == n)
				return false;
		}
	}
	return blank && parts >= 3;
}

/* Host text -> canonical form.  names: accept any host name, else only
 * "localhost".  Returns H_ADDR, H_ALL ("", "*", "+", "<null>") or H_NONE. */
int pd__canon_host(const char *s, size_t n, bool names, char *out)
{
	uint8_t b[16];
	size_t z = n;

	if (n == 0 || (n == 1 && (s[0] == '*' || s[0] == '+')) ||
	    (n == 6 && memcmp(s, "<null>", 6) == 0) || (n == 4 && memcmp(s, "null", 4) == 0) ||
	    (n == 9 && memcmp(s, "undefined", 9) == 0))
		return H_ALL; /* Node prints null when listen() was given no host */
	if (n >= PD_ADDR_STRLEN - 8)
		return H_NONE;
	if (pd__parse_v4(s, n, b)) {
		pd__fmt_v4(b, out);
		return H_ADDR;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%') {
			z = i;
			break;
		}
	if (pd__parse_v6(s, z, b)) {
		pd__fmt_v6(b, out);
		if (z < n) {
			size_t l = strlen(out);
			memcpy(out + l, s + z, n - z);
			out[l + n - z] = '\0';
		}
		return H_ADDR;
	}
	if ((names && host_name_ok(s, n)) ||
	    (n == 9 && pd__pmatch(s, n, "localhost") == 9)) {
		for (size_t i = 0; i < n; i++)
			out[i] = (char)lc((unsigned char)s[i]);
		out[n] = '\0';
		return H_ADDR;
	}
	return H_NONE;
}

/* Canonical host text that is a name other than "localhost". */
bool pd__host_is_name(const char *a)
{
	uint8_t b[16];
	size_t n = strlen(a);
	return strcmp(a, "localhost") != 0 && !pd__parse_v4(a, n, b) &&
	       !pd__parse_v6(a, strchr(a, '%') ? (size_t)(strchr(a, '%') - a) : n, b);
}

/* Digits at s[i..n) as a port.  *ret_end past them; -1 if none or out of
 * range (0 included: Docker's container side "0.0.0.0:0"). */
