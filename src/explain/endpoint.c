/*
 * Step 3 of the error-message parser (design in parse.c): the
 * endpoint grammar.  Given one line, it lists every place that names a
 * bind endpoint, each scored by how sure the grammar is:
 *
 *   - lead-in verb + endpoint ("listen tcp4 A:P", "bind() to [v6]:P",
 *     "Bind for A:P", "exposing port TCP A:P") is strongest;
 *   - URLs, Python tuples, Node's "listen EACCES: ... X" and bare IP:port
 *     come next, a "port N" phrase last;
 *   - Docker's container side ("-> 0.0.0.0:0") scores nothing.
 *
 * Addresses come out in canonical text (dotted quad, RFC 5952).  The
 * case-insensitive pattern matching the whole parser uses lives here too.
 * Everything is bounded by the line and by MAX_CANDS; no recursion.
 */
#include <stdint.h>
#include <string.h>

#include "errmsg_internal.h"

/* Match pattern at s[0..n): ASCII case-insensitive, ' ' = 1+ blanks.
 * Returns the length matched or 0. */
size_t pd__pmatch(const char *s, size_t n, const char *pat)
{
	size_t i = 0;
	for (; *pat; pat++) {
		if (*pat == ' ') {
			if (i >= n || !is_blank((unsigned char)s[i]))
				return 0;
			while (i < n && is_blank((unsigned char)s[i]))
				i++;
		} else {
			if (i >= n || lc((unsigned char)s[i]) != lc((unsigned char)*pat))
				return 0;
			i++;
		}
	}
	return i;
}

/* Does s[a..b) contain pat (pd__pmatch rules)?  Offset in *ret_off. */
bool pd__pfind(const char *s, size_t a, size_t b, const char *pat,
                  size_t *ret_off)
{
	int c0 = lc((unsigned char)pat[0]);
	for (size_t i = a; i < b; i++)
		if (lc((unsigned char)s[i]) == c0 && pd__pmatch(s + i, b - i, pat)) {
			if (ret_off)
				*ret_off = i;
			return true;
		}
	return false;
}

/* Does the text before 'end' (blanks skipped, not before 'lo') end with
 * pat?  Case-insensitive; the match must start at a word boundary. */
bool pd__ends_with(const char *s, size_t lo, size_t end, const char *pat,
                      size_t *ret_start)
{
	size_t pl = strlen(pat), i = end;
	while (i > lo && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	if (i - lo < pl)
		return false;
	for (size_t k = 0; k < pl; k++)
		if (lc((unsigned char)s[i - pl + k]) != lc((unsigned char)pat[k]))
			return false;
	if (i - pl > lo && is_word((unsigned char)s[i - pl - 1]) &&
	    is_word((unsigned char)pat[0]))
		return false;
	if (ret_start)
		*ret_start = i - pl;
	return true;
}

static int read_port(const char *s, size_t i, size_t n, size_t *ret_end)
{
	long v = 0;
	size_t st = i;
	while (i < n && is_digit((unsigned char)s[i]) && i - st < 6) {
		v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i == st || (i < n && (is_alnum((unsigned char)s[i]) ||
	                          (s[i] == '.' && i + 1 < n &&
	                           is_digit((unsigned char)s[i + 1])))))
		return -1;
	*ret_end = i;
	return (v >= 1 && v <= 65535) ? (int)v : -1;
}

/* ------------------------------------------------- endpoint candidates */


typedef struct leadin {
	const char *pat;
	pd_proto proto;
	pd_family family;
	bool prop; /* a property key: the host is given, not bound to */
} leadin;

static const leadin leadins[] = {
	{"listen tcp4", PD_PROTO_TCP, PD_FAMILY_V4, false},
	{"listen tcp6", PD_PROTO_TCP, PD_FAMILY_V6, false},
	{"listen tcp", PD_PROTO_TCP, PD_FAMILY_ANY, false},
	{"listen udp4", PD_PROTO_UDP, PD_FAMILY_V4, false},
	{"listen udp6", PD_PROTO_UDP, PD_FAMILY_V6, false},
	{"listen udp", PD_PROTO_UDP, PD_FAMILY_ANY, false},
	{"exposing port tcp", PD_PROTO_TCP, PD_FAMILY_ANY, false},
	{"exposing port udp", PD_PROTO_UDP, PD_FAMILY_ANY, false},
	{"bind() to", 0, 0, false}, {"bind for", 0, 0, false},
	{"bind to address", 0, 0, false}, {"bind on address", 0, 0, false},
	{"bind to", 0, 0, false}, {"bind port", 0, 0, false}, {"bind", 0, 0, false},
	{"bind(", 0, 0, false}, {"bind((", 0, 0, false}, {"listen on", 0, 0, false},
	{"listening socket", 0, 0, false}, {"on address", 0, 0, false},
	{"to address", 0, 0, false}, {"address", 0, 0, false}, {"for", 0, 0, false},
	{"listen", 0, 0, false},
	/* properties in error objects, option dumps and call arguments */
	{"address:", 0, 0, true}, {"hostname:", 0, 0, true}, {"host:", 0, 0, true},
	{"bindip:", 0, 0, true}, {"on ip:", 0, 0, true}, {"host=", 0, 0, true},
	{"hostname=", 0, 0, true},
};

/* Lead-in verb right before s[off]?  Fills c->lead and the protocol. */
static bool find_leadin(const char *s, size_t lo, size_t off, cand *c)
{
	for (size_t k = 0; k < sizeof(leadins) / sizeof(leadins[0]); k++) {
		size_t st;
		if (pd__ends_with(s, lo, off, leadins[k].pat, &st)) {
			c->lead = st;
			c->prop = leadins[k].prop;
			if (leadins[k].proto && !c->proto) {
				c->proto = leadins[k].proto;
				c->family = leadins[k].family;
			}
			return true;
		}
	}
	return false;
}

static void add_cand(cand *cs, size_t *nc, const cand *c)
{
	if (*nc < MAX_CANDS)
		cs[(*nc)++] = *c;
}

/* After a host: "]" / quote, blanks, optional "and", then "port" and the
 * number (Tomcat "[localhost] and port [8005]", Ruby "for "0.0.0.0" port
 * 3000").  Port or -1. */
static int trailing_port(const char *s, size_t i, size_t n, size_t *ret_end)
{
	size_t m;
	while (i < n && (s[i] == ' ' || s[i] == ']' || s[i] == '"' || s[i] == '\''))
		i++;
	if ((m = pd__pmatch(s + i, n - i, "and ")))
		i += m;
	if (!(m = pd__pmatch(s + i, n - i, "port")))
		return -1;
	i += m;
	while (i < n && (s[i] == ' ' || s[i] == ':' || s[i] == '[' || s[i] == '='))
		i++;
	return read_port(s, i, n, ret_end);
}

/* Port after a host at s[i]: ":P", optional "/tcp" "/udp".  Port or -1. */
static int colon_port(const char *s, size_t i, size_t n, cand *c)
{
	size_t e;
	int p;
	if (i >= n || s[i] != ':')
		return -1;
	p = read_port(s, i + 1, n, &e);
	if (p < 0)
		return -1;
	c->end = e;
	if (e + 4 <= n && s[e] == '/' && pd__pmatch(s + e + 1, 3, "tcp"))
		c->proto = PD_PROTO_TCP, c->end = e + 4;
	else if (e + 4 <= n && s[e] == '/' && pd__pmatch(s + e + 1, 3, "udp"))
		c->proto = PD_PROTO_UDP, c->end = e + 4;
	return p;
}

static void finish_cand(const char *s, size_t lo, cand *c, bool strong_ok)
{
	bool lead = find_leadin(s, lo, c->off, c);
	size_t arrow;
	if (pd__ends_with(s, lo, c->off, "->", &arrow) || c->port == 0)
		c->score = 0; /* Docker's container side: "-> 0.0.0.0:0" */
	else if (c->port > 0)
		c->score = (lead && strong_ok) ? SC_STRONG : SC_MEDIUM;
	else
		c->score = (lead && strong_ok) ? SC_STRONG_NOPORT : SC_ADDR_ONLY;
	if (!lead)
		c->lead = c->off;
}

/* Node: "listen EACCES: permission denied 127.0.0.1:80", "listen
 * EADDRINUSE :::3000", "bind EADDRINUSE 0.0.0.0:5353" (dgram: UDP).  Node
 * appends ":port" to the address without brackets. */
static bool node_token(const char *s, size_t i, size_t n, cand *c)
{
	size_t j = i, m, a, b, k;
	bool quoted = false, colon_form = false;
	bool udp = lc((unsigned char)s[i]) == 'b';
	size_t texts_n;
	const pd_oserror_text *tx = pd_oserror_texts(&texts_n);

	j += udp ? 5 : 7;
	for (k = j; k < n && s[k] >= 'A' && s[k] <= 'Z'; k++)
		;
	/* A libuv code: "listen EACCES", "listen UNKNOWN" (not "bind UNIX socket"). */
	if (k - j < 4 || (k < n && is_word((unsigned char)s[k])) ||
	    (s[j] != 'E' && !(k - j == 7 && memcmp(s + j, "UNKNOWN", 7) == 0)))
		return false;
	j = k;
	if (j < n && s[j] == ':')
		j++, colon_form = true;
	while (j < n && s[j] == ' ')
		j++;
	for (k = 0; k < texts_n; k++)
		if (!tx[k].winsock && (m = pd_oserror_text_match(&tx[k], s + j, n - j))) {
			j += m;
			colon_form = false;
			break;
		}
	while (j < n && s[j] == ' ')
		j++;
	/* "listen UNKNOWN: unknown error ffff::1:8000": a description the
	 * table does not know, in lower case, then the address. */
	while (colon_form && j < n && s[j] >= 'a' && s[j] <= 'z') {
		for (k = j; k < n && s[k] >= 'a' && s[k] <= 'z'; k++)
			;
		if (k >= n || s[k] != ' ' || k + 1 >= n || is_blank((unsigned char)s[k + 1]) ||
		    s[k + 1] == '{')
			break;
		j = k + 1;
	}
	a = j;
	while (j < n && !is_blank((unsigned char)s[j]) && s[j] != ',')
		j++;
	b = j;
	while (b > a && (s[b - 1] == ';' || s[b - 1] == '.' || s[b - 1] == ')' ||
	                 s[b - 1] == '`'))
		b--;
	if (b > a && (s[a] == '"' || s[a] == '\'') && b - a >= 2 && s[b - 1] == s[a]) {
		quoted = true;
		a++;
		b--;
	}
	if (b == a)
		return false;
	memset(c, 0, sizeof(*c));
	c->off = i;
	c->lead = i;
	c->end = j;
	c->port = -1;
	c->proto = udp ? PD_PROTO_UDP : PD_PROTO_TCP;
	c->proto_implied = true;
	for (k = a; k < b && is_digit((unsigned char)s[k]); k++)
		;
	if (k == b) { /* digits only: a string Node took as a pipe name */
		size_t e;
		c->port = read_port(s, a, b, &e);
		c->port_form = !quoted;
	} else {
		size_t colon = b;
		for (k = b; k > a; k--)
			if (s[k - 1] == ':') {
				colon = k - 1;
				break;
			}
		if (colon < b) {
			size_t e;
			int p = read_port(s, colon + 1, b, &e);
			if (p > 0 && e == b) {
				c->port = p;
				c->port_form = true;
				b = colon;
			}
		}
		/* "listen EXXX: <text> <host>": when the text was not recognised
		 * the next word is part of it, not a host name. */
		c->host = pd__canon_host(s + a, b - a, !colon_form, c->addr);
	}
	c->score = (c->port > 0 || c->host) ? (c->port > 0 ? SC_STRONG : SC_STRONG_NOPORT) : 0;
	return c->score > 0;
}

/* Python / asyncio tuple: ('0.0.0.0', 4840) or ('::', 80, 0, 0). */
static bool tuple_at(const char *s, size_t i, size_t n, cand *c)
{
	size_t j = i + 1, a, b, e;
	char q;
	while (j < n && s[j] == ' ')
		j++;
	if (j >= n || (s[j] != '\'' && s[j] != '"'))
		return false;
	q = s[j++];
	a = j;
	while (j < n && s[j] != q && j - a < 64)
		j++;
	if (j >= n || s[j] != q)
		return false;
	b = j++;
	if (j >= n || s[j] != ',')
		return false;
	j++;
	while (j < n && s[j] == ' ')
		j++;
	memset(c, 0, sizeof(*c));
	c->port = read_port(s, j, n, &e);
	if (c->port < 0 || e >= n || (s[e] != ')' && s[e] != ','))
		return false;
	c->host = pd__canon_host(s + a, b - a, true, c->addr);
	if (!c->host)
		return false;
	c->off = i;
	c->end = e;
	c->port_form = true;
	return true;
}

/* "Net.java:433", "server.go:43": a stack frame, not a host. */
static bool source_file(const char *s, size_t n)
{
	static const char *const ext[] = {".java", ".go", ".py", ".pyx", ".js", ".mjs",
	                                  ".cjs", ".ts", ".cs", ".rb", ".c", ".cc",
	                                  ".cpp", ".h", ".kt", ".scala", ".rs", ".php"};
	for (size_t k = 0; k < sizeof(ext) / sizeof(ext[0]); k++) {
		size_t l = strlen(ext[k]);
		if (n > l && pd__pmatch(s + n - l, l, ext[k]) == l)
			return true;
	}
	return false;
}

/* Is the quote at s[q] the opening one ("listen \":8080\"", not the end
 * of a JSON key as in "\"file_line\":245")? */
static bool opening_quote(const char *s, size_t lo, size_t q)
{
	unsigned char b = q > lo ? (unsigned char)s[q - 1] : ' ';
	return q == lo || is_blank(b) || b == '(' || b == '[' || b == '{' || b == '=' ||
	       b == ',' || b == ':';
}

/* An IPv6 address without brackets at s[i], maybe with ":port" glued on:
 * Redis "socket ::1:6379: bind", Node ":::3000", Java "0:0:0:0:0:0:0:0:8080".
 * The last group is a port when the text is no address without it, or when
 * a bind verb comes before or a ':' after ("::1:6379:"). */
static bool v6_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	uint8_t b[16];
	size_t j = i, colons = 0, q = 0, e;
	bool dbl = false, whole, split = false, lead;
	int port = -1;

	while (j < n && j - i < 60 && (is_hex((unsigned char)s[j]) || s[j] == ':' || s[j] == '.')) {
		if (s[j] == ':') {
			colons++;
			dbl |= j > i && s[j - 1] == ':';
			q = j;
		}
		j++;
	}
	while (j > i && (s[j - 1] == '.' || (s[j - 1] == ':' && j - i > 2 && s[j - 2] != ':')))
		j--; /* "on ::." ends a sentence; "::1:6379:" a Go prefix */
	for (q = j; q > i && s[q - 1] != ':'; q--)
		;
	q = q > i ? q - 1 : 0; /* the last ':' that is left */
	if (colons < 2 || (!dbl && colons < 7) || j <= i)
		return false;
	whole = pd__parse_v6(s + i, j - i, b);
	if (q > i && q < j && pd__parse_v6(s + i, q - i, b)) {
		port = read_port(s, q + 1, j, &e);
		split = port > 0 && e == j && j - q > 2;
		for (size_t k = q + 1; split && k < j; k++)
			split = is_digit((unsigned char)s[k]);
	}
	if (!whole && !split)
		return false;
	memset(c, 0, sizeof(*c));
	c->off = i;
	c->port = -1;
	lead = find_leadin(s, lo, i, c);
	if (split && (!whole || lead || (j < n && s[j] == ':'))) {
		pd__parse_v6(s + i, q - i, b);
		c->port = port;
		c->port_form = true;
	} else {
		pd__parse_v6(s + i, j - i, b);
	}
	pd__fmt_v6(b, c->addr);
	c->host = H_ADDR;
	c->end = j;
	finish_cand(s, lo, c, true);
	return c->score > 0;
}

/* A redacted host with its port: "xxx.247.131.221:80", "**.**.***.**:7777". */
static bool redacted_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	size_t j = i;
	while (j < n && j - i < 64 && (is_alnum((unsigned char)s[j]) || s[j] == '.' ||
	                               s[j] == '*' || s[j] == '#'))
		j++;
	if (!pd__redacted(s + i, j - i))
		return false;
	memset(c, 0, sizeof(*c));
	c->off = i;
	c->host = H_HIDDEN;
	c->end = j;
	c->port = colon_port(s, j, n, c);
	c->port_form = c->port > 0;
	finish_cand(s, lo, c, true);
	return c->score > 0;
}

/* A libp2p multiaddr: "/ip4/127.0.0.1/tcp/5001", "/dns/localhost/tcp/8080". */
static bool multiaddr_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	static const char *const fam[] = {"/ip4/", "/ip6/", "/dns/", "/dns4/", "/dns6/"};
	size_t a = 0, b, m, e;
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]) && !a; k++)
		if ((m = pd__pmatch(s + i, n - i, fam[k])))
			a = i + m;
	if (!a)
		return false;
	for (b = a; b < n && s[b] != '/' && !is_blank((unsigned char)s[b]) && b - a < 64; b++)
		;
	memset(c, 0, sizeof(*c));
	if (b >= n || s[b] != '/' || !(c->host = pd__canon_host(s + a, b - a, true, c->addr)))
		return false;
	if (pd__pmatch(s + b, n - b, "/tcp/") == 5)
		c->proto = PD_PROTO_TCP;
	else if (pd__pmatch(s + b, n - b, "/udp/") == 5)
		c->proto = PD_PROTO_UDP;
	else
		return false;
	c->port = read_port(s, b + 5, n, &e);
	if (c->port <= 0)
		return false;
	c->off = i;
	c->end = e;
	c->port_form = true;
	finish_cand(s, lo, c, true);
	return c->score > 0;
}

/* One candidate starting at s[i], or false. */
static bool cand_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	unsigned char ch = (unsigned char)s[i], prev = i > lo ? (unsigned char)s[i - 1] : ' ';
	size_t j, m;

	memset(c, 0, sizeof(*c));
	c->off = i;
	c->port = -1;
	if (is_alpha(ch) && !is_word(prev) &&
	    ((m = pd__pmatch(s + i, n - i, "http://")) ||
	     (m = pd__pmatch(s + i, n - i, "https://")) ||
	     (m = pd__pmatch(s + i, n - i, "tcp://")) ||
	     (m = pd__pmatch(s + i, n - i, "udp://")))) {
		size_t a = i + m, b;
		int def = lc(ch) == 'h' ? (m == 8 ? 443 : 80) : -1;
		if (a < n && s[a] == '[') {
			for (b = a; b < n && s[b] != ']' && b - a < 64; b++)
				;
			if (b >= n || s[b] != ']')
				return false;
			c->host = pd__canon_host(s + a + 1, b - a - 1, true, c->addr);
			b++;
		} else {
			for (b = a; b < n && (is_alnum((unsigned char)s[b]) || s[b] == '.' ||
			                      s[b] == '-' || s[b] == '_' || s[b] == '*' || s[b] == '+');
			     b++)
				;
			c->host = pd__canon_host(s + a, b - a, true, c->addr);
		}
		if (!c->host || strcmp(c->addr, "unix") == 0)
			return false; /* Go's HTTP over a unix socket: "http://unix/..." */
		c->end = b;
		c->port = colon_port(s, b, n, c);
		/* The scheme's port only for an address: "http://unix/forwards" is
		 * Go's HTTP over a unix socket, not port 80. */
		if (c->port < 0 && !(b < n && s[b] == ':') &&
		    (c->host == H_ALL || !pd__host_is_name(c->addr)))
			c->port = def;
		c->port_form = c->port > 0;
		c->proto = lc(ch) == 'u' ? PD_PROTO_UDP : PD_PROTO_TCP;
		c->proto_implied = lc(ch) == 'h';
		finish_cand(s, lo, c, true);
		return c->score > 0;
	}
	if (ch == '[') {
		for (j = i + 1; j < n && s[j] != ']' && j - i < 64; j++)
			;
		if (j >= n || s[j] != ']')
			return false;
		c->host = pd__canon_host(s + i + 1, j - i - 1, false, c->addr);
		if (c->host != H_ADDR)
			return false;
		c->end = j + 1;
		c->port = colon_port(s, j + 1, n, c);
		if (c->port < 0)
			c->port = trailing_port(s, j + 1, n, &c->end);
		c->port_form = c->port > 0;
		finish_cand(s, lo, c, true);
		return c->score > 0;
	}
	if (ch == '(' )
		return tuple_at(s, i, n, c) && (finish_cand(s, lo, c, true), c->score = SC_STRONG, true);
	if (ch == '/' && !is_word(prev))
		return multiaddr_at(s, lo, i, n, c);
	if ((is_hex(ch) || ch == ':') && !is_word(prev) && prev != ':' && prev != '.' &&
	    v6_at(s, lo, i, n, c))
		return true;
	if ((is_alnum(ch) || ch == '*') && !is_word(prev) && prev != '.' && prev != '/' &&
	    redacted_at(s, lo, i, n, c))
		return true;
	if (is_digit(ch) && !is_alnum(prev) && prev != '.' && prev != ':' && prev != '-') {
		uint8_t b4[4];
		for (j = i; j < n && (is_digit((unsigned char)s[j]) || s[j] == '.') && j - i < 16; j++)
			;
		if (!pd__parse_v4(s + i, j - i, b4))
			return false;
		pd__fmt_v4(b4, c->addr);
		c->host = H_ADDR;
		c->end = j;
		c->port = colon_port(s, j, n, c);
		if (c->port < 0 && (j >= n || s[j] != ':'))
			c->port = trailing_port(s, j, n, &c->end);
		c->port_form = c->port > 0;
		finish_cand(s, lo, c, true);
		return c->score > 0;
	}
	if ((ch == ':' || ch == '*' || ch == '<') &&
	    (prev == ' ' || prev == '(' || prev == '=' || i == lo ||
	     ((prev == '"' || prev == '\'') && opening_quote(s, lo, i - 1)))) {
		/* Go ":8080", Redis "*:6379", Tomcat "<null>:8080": every address;
		 * Node ":::3000" is "::" + port. */
		size_t h = 0;
		if (ch == '*')
			h = 1;
		else if (ch == '<' && pd__pmatch(s + i, n - i, "<null>"))
			h = 6;
		else if (ch == '<')
			return false;
		if (ch == ':' && i + 2 < n && s[i + 1] == ':' && s[i + 2] == ':') {
			h = 2;
			strcpy(c->addr, "::");
			c->host = H_ADDR;
		} else {
			c->host = H_ALL;
		}
		c->port = colon_port(s, i + h, n, c);
		if (c->port < 0)
			return false;
		c->port_form = true;
		finish_cand(s, lo, c, true);
		return c->score > 0;
	}
	if (ch == '"' || ch == '\'') { /* quoted host, maybe "port N" after */
		for (j = i + 1; j < n && s[j] != (char)ch && j - i < 64; j++)
			;
		if (j >= n || j == i + 1)
			return false;
		c->host = pd__canon_host(s + i + 1, j - i - 1, false, c->addr);
		if (c->host != H_ADDR)
			return false;
		c->end = j + 1;
		c->port = trailing_port(s, j + 1, n, &c->end);
		c->port_form = c->port > 0;
		finish_cand(s, lo, c, true);
		return c->score > 0;
	}
	if (is_alpha(ch) && !is_word(prev) && prev != '.' && prev != '/' && prev != '-') {
		/* host name: "localhost:3000" anywhere, other names only after a
		 * bind verb ("listen tcp myhost:80"). */
		for (j = i; j < n && (is_alnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '-' ||
		                      s[j] == '_') && j - i < 253; j++)
			;
		if (j >= n || s[j] != ':')
			return false;
		c->port = colon_port(s, j, n, c);
		if (c->port < 0 || (c->end < n && s[c->end] == ':'))
			return false;
		c->host = pd__canon_host(s + i, j - i, true, c->addr);
		if (!c->host || prev == '(' || source_file(s + i, j - i))
			return false;
		c->port_form = true;
		finish_cand(s, lo, c, true);
		if (strcmp(c->addr, "localhost") != 0 && c->score != SC_STRONG)
			return false;
		return c->score > 0;
	}
	return false;
}

static void on_host(const char *s, size_t lo, size_t e, size_t n, cand *c);

/* "port 5000", "Port 8443 is in use", "port: 3306", "port [8005]". */
static bool port_phrase_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	size_t j, e;
	if (lc((unsigned char)s[i]) != 'p' || (i > lo && is_word((unsigned char)s[i - 1])) ||
	    !pd__pmatch(s + i, n - i, "port"))
		return false;
	j = i + 4;
	if (j < n && (s[j] == ':' || s[j] == '=' || s[j] == '-' || s[j] == '#'))
		j++;
	while (j < n && (s[j] == ' ' || s[j] == '['))
		j++;
	if (j == i + 4 || j >= n || !is_digit((unsigned char)s[j]))
		return false;
	memset(c, 0, sizeof(*c));
	c->port = read_port(s, j, n, &e);
	if (c->port <= 0)
		return false;
	c->off = c->lead = i;
	c->end = e;
	c->port_form = true;
	c->score = SC_PORTPHRASE;
	on_host(s, lo, e, n, c);
	return true;
}

/* "port N on ADDR" (OpenSSH "Bind to port 22 on 0.0.0.0 failed", "on ::."):
 * the host after the port; with a bind verb before "port" it is as sure as
 * "listen tcp A:P". */
static void on_host(const char *s, size_t lo, size_t e, size_t n, cand *c)
{
	size_t a, b, m = pd__pmatch(s + e, n - e, " on ");
	if (!m)
		return;
	a = e + m;
	for (b = a; b < n && b - a < 64 && (is_alnum((unsigned char)s[b]) || s[b] == ':' ||
	                                    s[b] == '.' || s[b] == '%');
	     b++)
		;
	while (b > a && (s[b - 1] == '.' || (s[b - 1] == ':' && b - a > 2)))
		b--;
	if (!(c->host = pd__canon_host(s + a, b - a, false, c->addr)))
		return;
	c->end = b;
	c->score = find_leadin(s, lo, c->off, c) ? SC_STRONG : SC_MEDIUM;
	c->lead = c->lead ? c->lead : c->off;
}

/* "Listening on 80" (an old Node example), "listen on 8080": the port alone. */
static bool listening_on_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	size_t m, e;
	int p;
	if ((i > lo && is_word((unsigned char)s[i - 1])) ||
	    !((m = pd__pmatch(s + i, n - i, "listening on ")) ||
	      (m = pd__pmatch(s + i, n - i, "listen on "))))
		return false;
	p = read_port(s, i + m, n, &e);
	if (p <= 0 || (e < n && (s[e] == ':' || s[e] == '.') && e + 1 < n &&
	               is_alnum((unsigned char)s[e + 1])))
		return false;
	memset(c, 0, sizeof(*c));
	c->off = c->lead = i;
	c->end = e;
	c->port = p;
	c->port_form = true;
	c->score = SC_PORTPHRASE;
	return true;
}

/* Tomcat names a connector after its port: "[Connector[HTTP/1.1-8080]]",
 * "ProtocolHandler [\"http-nio-8443\"]".  Only on a line naming one. */
static bool connector_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	size_t e;
	int p;
	if (s[i] != '-' || i == lo || !is_alnum((unsigned char)s[i - 1]) ||
	    !(pd__pfind(s, lo, n, "connector", NULL) || pd__pfind(s, lo, n, "protocolhandler", NULL)))
		return false;
	p = read_port(s, i + 1, n, &e);
	if (p <= 0 || e >= n || (s[e] != ']' && s[e] != '"'))
		return false;
	memset(c, 0, sizeof(*c));
	c->off = c->lead = i + 1;
	c->end = e;
	c->port = p;
	c->port_form = true;
	c->score = SC_STRONG;
	return true;
}

size_t pd__scan_cands(const char *s, size_t a, size_t b, cand *cs)
{
	size_t nc = 0;
	for (size_t i = a; i < b && nc < MAX_CANDS; i++) {
		cand c;
		if ((s[i] == 'l' || s[i] == 'b') &&
		    (pd__pmatch(s + i, b - i, "listen ") == 7 || pd__pmatch(s + i, b - i, "bind ") == 5) &&
		    (i == a || !is_word((unsigned char)s[i - 1])) && node_token(s, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end ? c.end - 1 : i;
		} else if (cand_at(s, a, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end > i ? c.end - 1 : i;
		} else if (port_phrase_at(s, a, i, b, &c) || listening_on_at(s, a, i, b, &c) ||
		           connector_at(s, a, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end - 1;
		}
	}
	return nc;
}
