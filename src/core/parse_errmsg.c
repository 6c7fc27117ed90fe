/*
 * Port-binding failures in pasted error text.
 *
 * Design.  The parser never trusts line structure or a tool's exact
 * wording; it works in four steps:
 *
 *   1. normalize: per line JSON unescaping (only when every backslash in
 *      the line is a valid JSON escape, so Windows paths stay), ANSI
 *      escapes out, CR/CRLF -> LF, curly quotes and fullwidth punctuation
 *      -> ASCII, and terminal wraps joined (a line whose display width
 *      equals the detected terminal width is glued to the next one);
 *   2. anchors: OS error wordings in every known language (oserror.c),
 *      errno / Winsock names, class phrases ("port is already allocated",
 *      "privileged port") and failure verbs ("ports are not available",
 *      "failed to bind", Go's ": bind: ");
 *   3. per line (split when it holds several distinct bind endpoints):
 *      the best endpoint by a small grammar - lead-in verb + endpoint
 *      ("listen tcp4 A:P", "bind() to [v6]:P", "Bind for A:P", "exposing
 *      port TCP A:P"), URLs, Python tuples, Node's "listen EACCES: ... X",
 *      bare IP:port, "port N" phrases - with the OS code, protocol and
 *      the Docker endpoint / compose service names;
 *   4. fold: equal endpoints become one failure, and a failure without an
 *      endpoint (a stack trace's "Caused by", a "[Errno 98]" line) joins
 *      the nearest failure with one.  The program is the strongest hint in
 *      the failure's own lines, else in the lines around it.
 *
 * Only what the text says is reported.  Everything is bounded: input
 * length, anchors, candidates and results; no recursion.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

#define MAX_ANCHORS 4096
#define MAX_FAILS 256
#define MAX_CANDS 32
#define MAX_HINTS 4096
#define NAME_MAX_ 128
#define FOLD_LINES 12 /* how far a failure without endpoint may join one */
#define TOOL_BEFORE 15 /* lines searched for a program hint */
#define TOOL_AFTER 4

/* ----------------------------------------------------------- ASCII */

static int lc(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return lc(c) >= 'a' && lc(c) <= 'z'; }
static bool is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static bool is_hex(int c) { return is_digit(c) || (lc(c) >= 'a' && lc(c) <= 'f'); }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\n'; }
static bool is_word(int c) { return is_alnum(c) || c == '_'; }

/* Match pattern at s[0..n): ASCII case-insensitive, ' ' = 1+ blanks.
 * Returns the length matched or 0. */
static size_t pmatch(const char *s, size_t n, const char *pat)
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

/* Does s[a..b) contain pat (pmatch rules)?  Offset in *ret_off. */
static bool pfind(const char *s, size_t a, size_t b, const char *pat,
                  size_t *ret_off)
{
	int c0 = lc((unsigned char)pat[0]);
	for (size_t i = a; i < b; i++)
		if (lc((unsigned char)s[i]) == c0 && pmatch(s + i, b - i, pat)) {
			if (ret_off)
				*ret_off = i;
			return true;
		}
	return false;
}

/* Does the text before 'end' (blanks skipped, not before 'lo') end with
 * pat?  Case-insensitive; the match must start at a word boundary. */
static bool ends_with(const char *s, size_t lo, size_t end, const char *pat,
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

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void copy_name(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ----------------------------------------------------- normalization */

static int hexval(int c)
{
	return is_digit(c) ? c - '0' : lc(c) - 'a' + 10;
}

static size_t put_utf8(char *w, uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f) {
		w[0] = cp == '\n' ? '\n' : (cp == 0x1b ? 0x1b : ' ');
		return 1;
	}
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | (cp >> 6));
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | (cp >> 12));
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | (cp >> 18));
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A line is JSON-escaped when it has escapes and every backslash starts a
 * valid JSON escape: a Windows path ("C:\Program Files") has \P and stays. */
static bool line_is_json(const char *s, size_t a, size_t b)
{
	bool any = false;
	for (size_t i = a; i < b; i++) {
		if (s[i] != '\\')
			continue;
		if (i + 1 >= b)
			return false;
		switch (s[i + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			any = true;
			i++;
			break;
		case 'u':
			for (int k = 2; k < 6; k++)
				if (i + (size_t)k >= b || !is_hex((unsigned char)s[i + k]))
					return false;
			any = true;
			i += 5;
			break;
		default:
			return false;
		}
	}
	return any;
}

/* Decodes s[a..b) in place from w; returns the new write offset. */
static size_t json_decode(char *s, size_t a, size_t b, size_t w)
{
	for (size_t i = a; i < b; i++) {
		uint32_t cp;
		if (s[i] != '\\') {
			s[w++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case 'n': s[w++] = '\n'; continue;
		case 't': s[w++] = '\t'; continue;
		case 'r': s[w++] = '\r'; continue;
		case 'b': case 'f': s[w++] = ' '; continue;
		case 'u': break;
		default: s[w++] = s[i]; continue;
		}
		cp = 0;
		for (int k = 1; k <= 4; k++)
			cp = cp * 16 + (uint32_t)hexval((unsigned char)s[i + k]);
		i += 4;
		if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < b && s[i + 1] == '\\' &&
		    s[i + 2] == 'u' && is_hex((unsigned char)s[i + 3]) &&
		    is_hex((unsigned char)s[i + 4]) && is_hex((unsigned char)s[i + 5]) &&
		    is_hex((unsigned char)s[i + 6])) {
			uint32_t lo = 0;
			for (int k = 3; k <= 6; k++)
				lo = lo * 16 + (uint32_t)hexval((unsigned char)s[i + k]);
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp >= 0xd800 && cp < 0xe000)
			cp = '?';
		/* Never longer than the escape it replaces (>= 6 bytes). */
		w += put_utf8(s + w, cp);
	}
	return w;
}

static size_t pass_json(char *s, size_t n)
{
	size_t w = 0, a = 0;
	while (a < n) {
		size_t b = a;
		while (b < n && s[b] != '\n')
			b++;
		if (line_is_json(s, a, b)) {
			w = json_decode(s, a, b, w);
		} else {
			memmove(s + w, s + a, b - a);
			w += b - a;
		}
		if (b < n)
			s[w++] = '\n';
		a = b + 1;
	}
	return w;
}

/* ANSI escapes, CR, control bytes, curly quotes, NBSP, BOM, fullwidth
 * punctuation. */
static size_t pass_clean(char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			if (i + 1 < n && s[i + 1] == '[') {
				i += 2;
				while (i < n && !((unsigned char)s[i] >= 0x40 &&
				                  (unsigned char)s[i] <= 0x7e))
					i++;
			} else if (i + 1 < n && s[i + 1] == ']') {
				i += 2;
				while (i < n && s[i] != 0x07 && s[i] != '\n' &&
				       !(s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\'))
					i++;
				if (i < n && s[i] == 0x1b)
					i++;
			} else {
				i++;
			}
			continue;
		}
		if (c == '\r') {
			s[w++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			continue;
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			s[w++] = ' ';
			continue;
		}
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
			unsigned char d = (unsigned char)s[i + 2];
			if (d == 0x98 || d == 0x99 || d == 0x9c || d == 0x9d) {
				s[w++] = (d <= 0x99) ? '\'' : '"';
				i += 2;
				continue;
			}
			if (d == 0x8b) { /* zero-width space */
				i += 2;
				continue;
			}
		}
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			s[w++] = ' ';
			i++;
			continue;
		}
		if (c == 0xef && i + 2 < n) {
			unsigned char b1 = (unsigned char)s[i + 1], b2 = (unsigned char)s[i + 2];
			if (b1 == 0xbb && b2 == 0xbf) { /* BOM */
				i += 2;
				continue;
			}
			if (b1 == 0xbc && (b2 == 0x9a || b2 == 0x88 || b2 == 0x89)) {
				s[w++] = b2 == 0x9a ? ':' : (b2 == 0x88 ? '(' : ')');
				i += 2;
				continue;
			}
		}
		s[w++] = (char)c;
	}
	return w;
}

/* Display width of s[a..b): East Asian wide characters take two columns,
 * as in the terminal that wrapped the text. */
static size_t columns(const char *s, size_t a, size_t b)
{
	size_t cols = 0;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 || c >= 0xf0) {
			cols += (c >= 0xf0) ? 2 : 1;
		} else if (c >= 0xe0 && i + 2 < b) {
			uint32_t cp = ((uint32_t)(c & 0x0f) << 12) |
			              ((uint32_t)(s[i + 1] & 0x3f) << 6) |
			              (uint32_t)(s[i + 2] & 0x3f);
			bool wide = (cp >= 0x1100 && cp <= 0x115f) ||
			            (cp >= 0x2e80 && cp <= 0xa4cf) ||
			            (cp >= 0xac00 && cp <= 0xd7a3) ||
			            (cp >= 0xf900 && cp <= 0xfaff) ||
			            (cp >= 0xfe30 && cp <= 0xfe4f) ||
			            (cp >= 0xff00 && cp <= 0xff60) ||
			            (cp >= 0xffe0 && cp <= 0xffe6);
			cols += wide ? 2 : 1;
		} else if (c >= 0xc0) {
			cols += 1;
		}
	}
	return cols;
}

/* A line that ends a sentence or a record was not cut by the terminal, nor
 * was one padded with blanks to the width (progress lines of compose). */
static bool wrap_candidate(const char *s, size_t a, size_t b)
{
	unsigned char last;
	size_t run = 0;
	if (b == a)
		return false;
	for (size_t i = a; i < b; i++) {
		run = s[i] == ' ' ? run + 1 : 0;
		if (run >= 8)
			return false;
	}
	last = (unsigned char)s[b - 1];
	return !(last == '.' || last == ')' || last == ']' || last == '"' ||
	         last == '\'' || last == '!' || last == '?' || last == ';' ||
	         last == '}' || last == '\t');
}

/* The next line repeats this line's start (a log prefix, the same error
 * again): a new record, not the rest of a cut line. */
static bool same_start(const char *s, size_t a, size_t b, size_t n)
{
	size_t k = 0;
	while (k < 6 && a + k < b && b + 1 + k < n && s[a + k] == s[b + 1 + k])
		k++;
	return k == 6;
}

/*
 * A terminal cuts long lines at its width without regard to words or
 * numbers.  The width is recognised when two or more lines that do not end
 * a sentence have the same width (>= 40 columns), or one such line has a
 * usual terminal width; those lines are glued to the next one.
 */
static size_t pass_unwrap(char *s, size_t n)
{
	static const size_t usual[] = {80, 100, 120, 132, 140, 150, 160, 200};
	size_t width = 0, best_count = 0;
	size_t w = 0, a;

	/* Pick the most frequent candidate width; O(lines^2) bounded by the
	 * few distinct widths compared at a time. */
	for (a = 0; a < n;) {
		size_t b = a, cols, count = 0;
		while (b < n && s[b] != '\n')
			b++;
		if (b < n && b + 1 < n && s[b + 1] != '\n' && wrap_candidate(s, a, b) &&
		    !same_start(s, a, b, n) && (cols = columns(s, a, b)) >= 40 && cols != width) {
			size_t a2 = b + 1, seen = 0;
			while (a2 < n && seen++ < 2000) { /* bounds the O(lines^2) */
				size_t b2 = a2;
				while (b2 < n && s[b2] != '\n')
					b2++;
				if (b2 < n && b2 + 1 < n && s[b2 + 1] != '\n' &&
				    wrap_candidate(s, a2, b2) && !same_start(s, a2, b2, n) &&
				    columns(s, a2, b2) == cols)
					count++;
				a2 = b2 + 1;
				if (count >= 8)
					break;
			}
			count++; /* this line */
			for (size_t k = 0; count == 1 && k < sizeof(usual) / sizeof(usual[0]); k++)
				if (cols == usual[k])
					count = 2; /* one cut at a usual width is enough */
			if (count >= 2 && count > best_count) {
				best_count = count;
				width = cols;
			}
		}
		a = b + 1;
		if (best_count >= 8)
			break;
	}
	if (!width)
		return n;
	for (a = 0; a < n;) {
		size_t b = a;
		while (b < n && s[b] != '\n')
			b++;
		memmove(s + w, s + a, b - a);
		w += b - a;
		if (b < n) {
			bool glue = b + 1 < n && s[b + 1] != '\n' && wrap_candidate(s, a, b) &&
			            !same_start(s, a, b, n) && columns(s, a, b) == width;
			if (!glue)
				s[w++] = '\n';
		}
		a = b + 1;
	}
	return w;
}

/* --------------------------------------------------------- addresses */

/* Dotted quad at s[0..n) exactly?  Canonical text into out. */
static bool parse_v4(const char *s, size_t n, uint8_t b[4])
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

static void fmt_v4(const uint8_t b[4], char *out)
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
static bool parse_v6(const char *s, size_t n, uint8_t b[16])
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
			if (ng > 6 || !parse_v4(s + st, n - st, q))
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
static void fmt_v6(const uint8_t b[16], char *out)
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
		fmt_v4(b + 12, out + 7);
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

enum { H_NONE, H_ADDR, H_ALL };

/* Host text -> canonical form.  names: accept any host name, else only
 * "localhost".  Returns H_ADDR, H_ALL ("", "*", "+", "<null>") or H_NONE. */
static int canon_host(const char *s, size_t n, bool names, char *out)
{
	uint8_t b[16];
	size_t z = n;

	if (n == 0 || (n == 1 && (s[0] == '*' || s[0] == '+')) ||
	    (n == 6 && memcmp(s, "<null>", 6) == 0))
		return H_ALL;
	if (n >= PD_ADDR_STRLEN - 8)
		return H_NONE;
	if (parse_v4(s, n, b)) {
		fmt_v4(b, out);
		return H_ADDR;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%') {
			z = i;
			break;
		}
	if (parse_v6(s, z, b)) {
		fmt_v6(b, out);
		if (z < n) {
			size_t l = strlen(out);
			memcpy(out + l, s + z, n - z);
			out[l + n - z] = '\0';
		}
		return H_ADDR;
	}
	if ((names && host_name_ok(s, n)) ||
	    (n == 9 && pmatch(s, n, "localhost") == 9)) {
		for (size_t i = 0; i < n; i++)
			out[i] = (char)lc((unsigned char)s[i]);
		out[n] = '\0';
		return H_ADDR;
	}
	return H_NONE;
}

/* Digits at s[i..n) as a port.  *ret_end past them; -1 if none or out of
 * range (0 included: Docker's container side "0.0.0.0:0"). */
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

enum { SC_ADDR_ONLY = 10, SC_PORTPHRASE = 20, SC_MEDIUM = 30, SC_STRONG_NOPORT = 40,
       SC_STRONG = 50 };

typedef struct cand {
	size_t off, end, lead; /* lead: start of the lead-in verb, or off */
	int score;
	int host; /* H_NONE, H_ADDR, H_ALL */
	char addr[PD_ADDR_STRLEN];
	int port;
	bool port_form; /* port comes from an endpoint, not a bare string */
	pd_proto proto;
	bool proto_implied;
	pd_family family;
} cand;

typedef struct leadin {
	const char *pat;
	pd_proto proto;
	pd_family family;
} leadin;

static const leadin leadins[] = {
	{"listen tcp4", PD_PROTO_TCP, PD_FAMILY_V4},
	{"listen tcp6", PD_PROTO_TCP, PD_FAMILY_V6},
	{"listen tcp", PD_PROTO_TCP, PD_FAMILY_ANY},
	{"listen udp4", PD_PROTO_UDP, PD_FAMILY_V4},
	{"listen udp6", PD_PROTO_UDP, PD_FAMILY_V6},
	{"listen udp", PD_PROTO_UDP, PD_FAMILY_ANY},
	{"exposing port tcp", PD_PROTO_TCP, PD_FAMILY_ANY},
	{"exposing port udp", PD_PROTO_UDP, PD_FAMILY_ANY},
	{"bind() to", 0, 0}, {"bind for", 0, 0}, {"bind to address", 0, 0},
	{"bind on address", 0, 0}, {"bind to", 0, 0}, {"bind port", 0, 0},
	{"bind", 0, 0}, {"bind(", 0, 0}, {"bind((", 0, 0}, {"listen on", 0, 0},
	{"listening socket", 0, 0}, {"on address", 0, 0}, {"to address", 0, 0},
	{"address", 0, 0}, {"for", 0, 0}, {"listen", 0, 0},
};

/* Lead-in verb right before s[off]?  Fills c->lead and the protocol. */
static bool find_leadin(const char *s, size_t lo, size_t off, cand *c)
{
	for (size_t k = 0; k < sizeof(leadins) / sizeof(leadins[0]); k++) {
		size_t st;
		if (ends_with(s, lo, off, leadins[k].pat, &st)) {
			c->lead = st;
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
	if ((m = pmatch(s + i, n - i, "and ")))
		i += m;
	if (!(m = pmatch(s + i, n - i, "port")))
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
	if (e + 4 <= n && s[e] == '/' && pmatch(s + e + 1, 3, "tcp"))
		c->proto = PD_PROTO_TCP, c->end = e + 4;
	else if (e + 4 <= n && s[e] == '/' && pmatch(s + e + 1, 3, "udp"))
		c->proto = PD_PROTO_UDP, c->end = e + 4;
	return p;
}

static void finish_cand(const char *s, size_t lo, cand *c, bool strong_ok)
{
	bool lead = find_leadin(s, lo, c->off, c);
	size_t arrow;
	if (ends_with(s, lo, c->off, "->", &arrow) || c->port == 0)
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
	bool udp = pmatch(s + i, n - i, "bind E") > 0;
	size_t texts_n;
	const pd_oserror_text *tx = pd_oserror_texts(&texts_n);

	j += udp ? 5 : 7;
	if (j >= n || s[j] != 'E')
		return false;
	while (j < n && s[j] >= 'A' && s[j] <= 'Z')
		j++;
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
	a = j;
	while (j < n && !is_blank((unsigned char)s[j]) && s[j] != ',')
		j++;
	b = j;
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
		c->host = canon_host(s + a, b - a, !colon_form, c->addr);
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
	c->host = canon_host(s + a, b - a, true, c->addr);
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
		if (n > l && pmatch(s + n - l, l, ext[k]) == l)
			return true;
	}
	return false;
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
	    ((m = pmatch(s + i, n - i, "http://")) || (m = pmatch(s + i, n - i, "https://")) ||
	     (m = pmatch(s + i, n - i, "tcp://")) || (m = pmatch(s + i, n - i, "udp://")))) {
		size_t a = i + m, b;
		int def = lc(ch) == 'h' ? (m == 8 ? 443 : 80) : -1;
		if (a < n && s[a] == '[') {
			for (b = a; b < n && s[b] != ']' && b - a < 64; b++)
				;
			if (b >= n || s[b] != ']')
				return false;
			c->host = canon_host(s + a + 1, b - a - 1, true, c->addr);
			b++;
		} else {
			for (b = a; b < n && (is_alnum((unsigned char)s[b]) || s[b] == '.' ||
			                      s[b] == '-' || s[b] == '_' || s[b] == '*' || s[b] == '+');
			     b++)
				;
			c->host = canon_host(s + a, b - a, true, c->addr);
		}
		if (!c->host)
			return false;
		c->end = b;
		c->port = colon_port(s, b, n, c);
		if (c->port < 0 && !(b < n && s[b] == ':'))
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
		c->host = canon_host(s + i + 1, j - i - 1, false, c->addr);
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
	if (is_digit(ch) && !is_alnum(prev) && prev != '.' && prev != ':' && prev != '-') {
		uint8_t b4[4];
		for (j = i; j < n && (is_digit((unsigned char)s[j]) || s[j] == '.') && j - i < 16; j++)
			;
		if (!parse_v4(s + i, j - i, b4))
			return false;
		fmt_v4(b4, c->addr);
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
	    (prev == ' ' || prev == '(' || prev == '"' || prev == '\'' || prev == '=' || i == lo)) {
		/* Go ":8080", Redis "*:6379", Tomcat "<null>:8080": every address;
		 * Node ":::3000" is "::" + port. */
		size_t h = 0;
		if (ch == '*')
			h = 1;
		else if (ch == '<' && pmatch(s + i, n - i, "<null>"))
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
		c->host = canon_host(s + i + 1, j - i - 1, false, c->addr);
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
		c->host = canon_host(s + i, j - i, true, c->addr);
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

/* "port 5000", "Port 8443 is in use", "port: 3306", "port [8005]". */
static bool port_phrase_at(const char *s, size_t lo, size_t i, size_t n, cand *c)
{
	size_t j, e;
	if (lc((unsigned char)s[i]) != 'p' || (i > lo && is_word((unsigned char)s[i - 1])) ||
	    !pmatch(s + i, n - i, "port"))
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
	return true;
}

static size_t scan_cands(const char *s, size_t a, size_t b, cand *cs)
{
	size_t nc = 0;
	for (size_t i = a; i < b && nc < MAX_CANDS; i++) {
		cand c;
		if ((s[i] == 'l' || s[i] == 'b') &&
		    (pmatch(s + i, b - i, "listen E") || pmatch(s + i, b - i, "bind E")) &&
		    (i == a || !is_word((unsigned char)s[i - 1])) && node_token(s, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end ? c.end - 1 : i;
		} else if (cand_at(s, a, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end > i ? c.end - 1 : i;
		} else if (port_phrase_at(s, a, i, b, &c)) {
			add_cand(cs, &nc, &c);
			i = c.end - 1;
		}
	}
	return nc;
}

/* ----------------------------------------------------------- anchors */

enum { AK_OS, AK_NAME, AK_CLASS, AK_FAIL };
/* Strength of an anchor: STRONG makes a failure alone; CTX needs a socket
 * word or an endpoint in the same line ("Permission denied" alone is any
 * file); VERB needs an endpoint after a bind verb ("bind((" in a Python
 * traceback line, "Failed to create ... socket on address"). */
enum { ST_VERB = 0, ST_CTX = 1, ST_STRONG = 2 };

typedef struct phrase {
	const char *pat;
	uint8_t kind, cls, strength;
} phrase;

static const phrase phrases[] = {
	{"port is already allocated", AK_CLASS, PD_ERRCLASS_ALREADY_ALLOCATED, ST_STRONG},
	{"privileged port", AK_CLASS, PD_ERRCLASS_PRIVILEGED, ST_STRONG},
	{"can't bind on the specified endpoint", AK_CLASS,
	 PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"cannot bind on the specified endpoint", AK_CLASS,
	 PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"already in use", AK_CLASS, PD_ERRCLASS_IN_USE, ST_CTX},
	{"is in use", AK_CLASS, PD_ERRCLASS_IN_USE, ST_CTX},
	{"AddressInUse", AK_CLASS, PD_ERRCLASS_IN_USE, ST_STRONG},
	{"AddrInUse", AK_CLASS, PD_ERRCLASS_IN_USE, ST_STRONG},
	{"AddrNotAvailable", AK_CLASS, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"ports are not available", AK_FAIL, 0, ST_STRONG},
	{"error starting userland proxy", AK_FAIL, 0, ST_STRONG},
	{"driver failed programming external connectivity", AK_FAIL, 0, ST_STRONG},
	{"failed to bind", AK_FAIL, 0, ST_STRONG},
	{"could not bind", AK_FAIL, 0, ST_STRONG},
	{"cannot bind", AK_FAIL, 0, ST_STRONG},
	{"can't bind", AK_FAIL, 0, ST_STRONG},
	{"unable to bind", AK_FAIL, 0, ST_STRONG},
	{"bind failed", AK_FAIL, 0, ST_STRONG},
	{"binding socket failed", AK_FAIL, 0, ST_STRONG},
	{"failed to listen", AK_FAIL, 0, ST_STRONG},
	{"cannot listen", AK_FAIL, 0, ST_STRONG},
	{"could not listen", AK_FAIL, 0, ST_STRONG},
	{"unable to listen", AK_FAIL, 0, ST_STRONG},
	{"error while attempting to bind", AK_FAIL, 0, ST_STRONG},
	{": bind: ", AK_FAIL, 0, ST_STRONG}, /* Go: "listen tcp A:P: bind: ..." */
	{"failed to create", AK_FAIL, 0, ST_VERB},
	{"failed to start", AK_FAIL, 0, ST_VERB},
	{"failed to initialize", AK_FAIL, 0, ST_VERB},
	{"bind(", AK_FAIL, 0, ST_VERB},
	{"listen(", AK_FAIL, 0, ST_VERB},
};

typedef struct anchor {
	size_t off, end;
	uint32_t line;
	uint8_t kind, cls, strength;
	int8_t osid;    /* pd_oserr_id or -1 */
	bool winsock;   /* Winsock wording or WSAE* name */
} anchor;

/* ------------------------------------------------------- tool hints */

static const char *const tool_names[] = {
	"compose", "k3d", "kind", "minikube", "podman", "docker-desktop", "docker",
	"kubeadm", "nginx", "apache", "redis", "postgres", "mysql", "dnsmasq",
	"ssh", "java", "dotnet", "python", "node", "ruby", "php", "go",
};
enum { T_COMPOSE, T_K3D, T_KIND, T_MINIKUBE, T_PODMAN, T_DESKTOP, T_DOCKER,
       T_KUBEADM, T_NGINX, T_APACHE, T_REDIS, T_POSTGRES, T_MYSQL, T_DNSMASQ,
       T_SSH, T_JAVA, T_DOTNET, T_PYTHON, T_NODE, T_RUBY, T_PHP, T_GO };

/* Rank: the program that failed is the outermost one that wraps the error.
 * Compose wraps Docker Desktop, which wraps dockerd, which prints Go's
 * net.OpError text. */
static const uint8_t tool_rank[] = {
	90, 85, 85, 85, 75, 70, 60, 55, 50, 50, 50, 50, 50, 50, 50, 45, 45, 45,
	45, 45, 45, 30,
};

typedef struct hintpat {
	const char *pat;
	int8_t tool;  /* -1: only a protocol */
	uint8_t proto; /* implied protocol, or 0 */
} hintpat;

static const hintpat hintpats[] = {
	{"Cannot start service", T_COMPOSE, 0},
	{"docker-compose", T_COMPOSE, 0},
	{"docker compose", T_COMPOSE, 0},
	{"bringing up the project", T_COMPOSE, 0},
	{"k3d", T_K3D, 0},
	{"kind-control-plane", T_KIND, 0},
	{"kind create cluster", T_KIND, 0},
	{"minikube", T_MINIKUBE, 0},
	{"rootlessport", T_PODMAN, 0},
	{"podman", T_PODMAN, 0},
	{"slirp4netns", T_PODMAN, 0},
	{"pasta failed", T_PODMAN, 0},
	{"cannot listen on the TCP port", T_PODMAN, 0},
	{"Ports are not available", T_DESKTOP, 0},
	{"HTTP code 500", T_DESKTOP, 0},
	{"docker-start-container", T_DESKTOP, 0},
	{"/forwards/expose", T_DESKTOP, 0},
	{"com.docker.backend", T_DESKTOP, 0},
	{"vpnkit", T_DESKTOP, 0},
	{"Docker Desktop", T_DESKTOP, 0},
	{"\\Docker\\Docker\\", T_DESKTOP, 0},
	{"unexpected error (Failure", T_DESKTOP, 0},
	{"Error response from daemon", T_DOCKER, 0},
	{"driver failed programming external connectivity", T_DOCKER, 0},
	{"userland proxy", T_DOCKER, 0},
	{"port is already allocated", T_DOCKER, 0},
	{"docker-proxy", T_DOCKER, 0},
	{"dockerd", T_DOCKER, 0},
	{"docker:", T_DOCKER, 0},
	{"[ERROR Port-", T_KUBEADM, PD_PROTO_TCP},
	{"kubeadm", T_KUBEADM, 0},
	{"nginx", T_NGINX, 0},
	{"[emerg]", T_NGINX, 0},
	{"AH00072", T_APACHE, PD_PROTO_TCP},
	{"make_sock", T_APACHE, PD_PROTO_TCP},
	{"httpd", T_APACHE, 0},
	{"apache2", T_APACHE, 0},
	{"server TCP listening socket", T_REDIS, PD_PROTO_TCP},
	{"redis", T_REDIS, 0},
	{"postmaster", T_POSTGRES, PD_PROTO_TCP},
	{"mysqld", T_MYSQL, 0},
	{"dnsmasq", T_DNSMASQ, 0},
	{"channel_setup_fwd_listener", T_SSH, PD_PROTO_TCP},
	{"local forwarding", T_SSH, PD_PROTO_TCP},
	{"java.net.", T_JAVA, 0},
	{"java.lang.", T_JAVA, 0},
	{"JVM_Bind", T_JAVA, 0},
	{"org.apache.catalina", T_JAVA, PD_PROTO_TCP},
	{"tomcat", T_JAVA, PD_PROTO_TCP},
	{"ServerSocket", T_JAVA, PD_PROTO_TCP},
	{"PlainSocketImpl", T_JAVA, PD_PROTO_TCP},
	{"Web server failed to start", T_JAVA, PD_PROTO_TCP},
	{"io.netty", T_JAVA, 0},
	{"System.Net.Sockets", T_DOTNET, 0},
	{"System.IO.IOException", T_DOTNET, 0},
	{"AspNetCore", T_DOTNET, PD_PROTO_TCP},
	{"Kestrel", T_DOTNET, PD_PROTO_TCP},
	{"Traceback (most recent call last)", T_PYTHON, 0},
	{"[Errno ", T_PYTHON, 0},
	{"[WinError ", T_PYTHON, 0},
	{"OSError", T_PYTHON, 0},
	{"socket.error", T_PYTHON, 0},
	{"PermissionError", T_PYTHON, 0},
	{".py\", line", T_PYTHON, 0},
	{"create_server", T_PYTHON, PD_PROTO_TCP},
	{"Serving Flask app", T_PYTHON, PD_PROTO_TCP},
	{"werkzeug", T_PYTHON, PD_PROTO_TCP},
	{"uvicorn", T_PYTHON, PD_PROTO_TCP},
	{"gunicorn", T_PYTHON, PD_PROTO_TCP},
	{"runserver", T_PYTHON, PD_PROTO_TCP},
	{"listen EADDRINUSE", T_NODE, 0},
	{"listen EACCES", T_NODE, 0},
	{"listen EADDRNOTAVAIL", T_NODE, 0},
	{"listen EPERM", T_NODE, 0},
	{"bind EADDRINUSE", T_NODE, 0},
	{"setupListenHandle", T_NODE, PD_PROTO_TCP},
	{"node:net", T_NODE, 0},
	{"node:internal", T_NODE, 0},
	{"net.js:", T_NODE, 0},
	{"Errno::E", T_RUBY, 0},
	{"puma", T_RUBY, PD_PROTO_TCP},
	{"bind(2) for", T_RUBY, 0},
	{"Failed to listen on", T_PHP, PD_PROTO_TCP},
	{"listen tcp", T_GO, 0},
	{"listen udp", T_GO, 0},
	{"goroutine", T_GO, 0},
	{".go:", T_GO, 0},
	{"DHCP", -1, PD_PROTO_UDP},
};

typedef struct hint {
	uint32_t line;
	uint16_t pat; /* index into hintpats */
} hint;

/* --------------------------------------------------------- failures */

typedef struct fail {
	uint32_t line_first, line_last;
	size_t text_off, text_len;
	int host;
	char addr[PD_ADDR_STRLEN];
	int port;
	bool port_form;
	pd_proto proto;
	bool proto_implied;
	pd_family family;
	pd_errclass cls;
	bool keep; /* has a class or a strong failure phrase */
	int osid;
	bool winsock;
	int os_code;
	size_t ostext_off, ostext_len;
	char container[NAME_MAX_], service[NAME_MAX_];
	int tool;      /* index, -1 none */
	int name_tool; /* from the endpoint name, -1 none */
	bool merged;
} fail;

typedef struct ctx {
	const char *s;
	size_t n;
	size_t *line_start;
	uint32_t nlines;
	anchor *an;
	size_t nan;
	hint *hi;
	size_t nhi;
	fail *fs;
	size_t nf;
	bool windows, macos;
} ctx;

static uint32_t line_of(const ctx *c, size_t off)
{
	uint32_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t line_end(const ctx *c, uint32_t l)
{
	return l + 1 < c->nlines ? c->line_start[l + 1] - 1 : c->n;
}

static int split_lines(ctx *c)
{
	size_t count = 1, k = 1;
	for (size_t i = 0; i < c->n; i++)
		count += c->s[i] == '\n';
	if (count > UINT32_MAX - 1)
		return PD_ETOOBIG;
	c->line_start = malloc(count * sizeof(size_t));
	if (!c->line_start)
		return PD_ENOMEM;
	c->line_start[0] = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->s[i] == '\n')
			c->line_start[k++] = i + 1;
	c->nlines = (uint32_t)count;
	return 0;
}

static void push_anchor(ctx *c, const anchor *a)
{
	anchor *last = c->nan ? &c->an[c->nan - 1] : NULL;
	/* Overlapping wordings of one OS error are one anchor. */
	if (last && a->kind == AK_OS && last->kind == AK_OS && last->osid == a->osid &&
	    a->off < last->end) {
		if (a->end > last->end)
			last->end = a->end;
		return;
	}
	if (c->nan < MAX_ANCHORS)
		c->an[c->nan++] = *a;
}

/* A wording that is only the start of a sentence extends to its end. */
static size_t sentence_end(const char *s, size_t i, size_t n)
{
	size_t lim = i + 300 < n ? i + 300 : n;
	int depth = 0;
	while (i < lim && s[i] != '\n' && s[i] != '.' && s[i] != ']' &&
	       !(s[i] == ')' && depth == 0) &&
	       !((unsigned char)s[i] == 0xe3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	         (unsigned char)s[i + 2] == 0x82)) {
		depth += s[i] == '(' ? 1 : (s[i] == ')' ? -1 : 0);
		i++;
	}
	return i;
}

static void scan_anchors(ctx *c)
{
	size_t ntx;
	const pd_oserror_text *tx = pd_oserror_texts(&ntx);
	const char *s = c->s;

	for (size_t i = 0; i < c->n && c->nan < MAX_ANCHORS; i++) {
		int ch = lc((unsigned char)s[i]);
		anchor a;
		size_t best = 0, m;
		const pd_oserror_text *bt = NULL;

		memset(&a, 0, sizeof(a));
		a.off = i;
		a.osid = -1;
		for (size_t k = 0; k < ntx; k++)
			if (lc((unsigned char)tx[k].text[0]) == ch &&
			    (m = pd_oserror_text_match(&tx[k], s + i, c->n - i)) > best) {
				best = m;
				bt = &tx[k];
			}
		if (bt && (i == 0 || !is_alpha((unsigned char)s[i - 1]) || !is_alpha(ch))) {
			a.kind = AK_OS;
			a.end = bt->prefix ? sentence_end(s, i + best, c->n) : i + best;
			a.osid = (int8_t)bt->id;
			a.cls = (uint8_t)pd_oserror_get(bt->id)->error_class;
			a.winsock = bt->winsock;
			a.strength = (bt->winsock || bt->id == PD_OSERR_ADDRINUSE ||
			              bt->id == PD_OSERR_ADDRNOTAVAIL) ? ST_STRONG : ST_CTX;
			a.line = line_of(c, i);
			push_anchor(c, &a);
		}
		for (size_t k = 0; k < sizeof(phrases) / sizeof(phrases[0]); k++)
			if (lc((unsigned char)phrases[k].pat[0]) == ch &&
			    (!is_alpha(ch) || i == 0 || !is_alpha((unsigned char)s[i - 1])) &&
			    (m = pmatch(s + i, c->n - i, phrases[k].pat))) {
				a.kind = phrases[k].kind;
				a.cls = phrases[k].cls;
				a.strength = phrases[k].strength;
				a.end = i + m;
				a.osid = -1;
				a.winsock = false;
				a.line = line_of(c, i);
				push_anchor(c, &a);
			}
		if ((s[i] == 'E' || s[i] == 'W') && (i == 0 || !is_word((unsigned char)s[i - 1]))) {
			size_t j = i;
			bool ws;
			const pd_oserror *e;
			while (j < c->n && s[j] >= 'A' && s[j] <= 'Z' && j - i < 20)
				j++;
			if ((j < c->n && is_word((unsigned char)s[j])) ||
			    !(e = pd_oserror_by_name(s + i, j - i, &ws)))
				continue;
			a.kind = AK_NAME;
			a.end = j;
			a.osid = (int8_t)e->id;
			a.cls = (uint8_t)e->error_class;
			a.winsock = ws;
			a.strength = (ws || e->id == PD_OSERR_ADDRINUSE ||
			              e->id == PD_OSERR_ADDRNOTAVAIL) ? ST_STRONG : ST_CTX;
			a.line = line_of(c, i);
			push_anchor(c, &a);
		}
	}
}

static void scan_hints(ctx *c)
{
	const char *s = c->s;
	for (size_t i = 0; i < c->n && c->nhi < MAX_HINTS; i++) {
		int ch = lc((unsigned char)s[i]);
		for (size_t k = 0; k < sizeof(hintpats) / sizeof(hintpats[0]); k++) {
			const char *p = hintpats[k].pat;
			if (lc((unsigned char)p[0]) != ch || !pmatch(s + i, c->n - i, p))
				continue;
			if (is_word((unsigned char)p[0]) && i > 0 && is_alnum((unsigned char)s[i - 1]))
				continue;
			if (c->nhi < MAX_HINTS) {
				c->hi[c->nhi].line = line_of(c, i);
				c->hi[c->nhi].pat = (uint16_t)k;
				c->nhi++;
			}
		}
		if (s[i] == '[' && pmatch(s + i, c->n - i, "[WinError"))
			c->windows = true;
		if (s[i] == ':' && i + 1 < c->n && s[i + 1] == '\\' && i > 0 &&
		    is_alpha((unsigned char)s[i - 1]) && (i < 2 || !is_alpha((unsigned char)s[i - 2])))
			c->windows = true;
		if (s[i] == '/' && (pmatch(s + i, c->n - i, "/Users/") ||
		                    pmatch(s + i, c->n - i, "/Library/")))
			c->macos = true;
		if ((s[i] == 'm' || s[i] == 'D') && (pmatch(s + i, c->n - i, "macOS") ||
		                                     pmatch(s + i, c->n - i, "Darwin")))
			c->macos = true;
	}
	for (size_t k = 0; k < c->nan; k++)
		if (c->an[k].winsock)
			c->windows = true;
}

/* ------------------------------------------------- one failure's fields */

/* "[Errno 98]", "[WinError 10013]", "(OS 10048)", "Error 10013", "errno:
 * -98", "os error 98", "code: 98", nginx "(98: ...", Apache "(98)Addr...",
 * .NET "SocketException (98)".  A number is taken only when it names an
 * error of the table and agrees with the wording found (osid). */
static void scan_codes(const ctx *c, size_t a, size_t b, fail *f)
{
	static const char *const pre[] = {"[errno", "[winerror", "(os", "errno:",
	                                  "errno =", "errno=", "errno", "os error",
	                                  "code:", "error"};
	const char *s = c->s;
	for (size_t i = a; i < b; i++) {
		size_t j = i, st = i;
		long v = 0;
		bool neg = false, ok = false, strongform = false;
		const pd_oserror *e = NULL;
		pd_osfam fam = PD_OSFAM_LINUX;

		if (!is_digit((unsigned char)s[i]) || (i > a && is_alnum((unsigned char)s[i - 1])))
			continue;
		while (j < b && is_digit((unsigned char)s[j]) && j - i < 6)
			v = v * 10 + (s[j++] - '0');
		if (j < b && is_alnum((unsigned char)s[j]))
			continue;
		if (st > a && s[st - 1] == '-') {
			neg = true;
			st--;
		}
		if (st > a && s[st - 1] == '(' && j < b && (s[j] == ')' || s[j] == ':'))
			ok = strongform = true;
		for (size_t k = 0; !ok && k < sizeof(pre) / sizeof(pre[0]); k++)
			if (ends_with(s, a, st, pre[k], NULL))
				ok = true, strongform = k < 9;
		i = j;
		if (!ok)
			continue;
		if (v >= 10000 && v < 12000 && !neg) {
			e = pd_oserror_by_code(PD_OSFAM_WINSOCK, (int)v);
			fam = PD_OSFAM_WINSOCK;
		} else if (neg && (e = pd_oserror_by_code(PD_OSFAM_LIBUV_WIN, (int)-v))) {
			fam = PD_OSFAM_LIBUV_WIN;
		} else {
			const pd_oserror *lx = pd_oserror_by_code(PD_OSFAM_LINUX, (int)v);
			const pd_oserror *bsd = pd_oserror_by_code(PD_OSFAM_BSD, (int)v);
			if (f->osid >= 0) {
				if (lx && lx->id == (pd_oserr_id)f->osid && !(c->macos && bsd && bsd->id == lx->id))
					e = lx;
				else if (bsd && bsd->id == (pd_oserr_id)f->osid)
					e = bsd, fam = PD_OSFAM_BSD;
				else if (lx && lx->id == (pd_oserr_id)f->osid)
					e = lx;
			} else if (strongform) {
				e = c->macos ? bsd : lx;
				fam = c->macos ? PD_OSFAM_BSD : PD_OSFAM_LINUX;
			}
		}
		if (!e || (f->osid >= 0 && e->id != (pd_oserr_id)f->osid))
			continue;
		if (f->osid < 0 && !strongform && fam != PD_OSFAM_WINSOCK)
			continue;
		f->osid = (int)e->id;
		if (fam == PD_OSFAM_WINSOCK)
			f->winsock = true;
		f->os_code = fam == PD_OSFAM_LIBUV_WIN ? -1 : (int)v;
		if (f->cls == PD_ERRCLASS_UNKNOWN)
			f->cls = e->error_class;
		return;
	}
}

static size_t name_len(const char *s, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '-' ||
	                 s[j] == '.') && j - i < NAME_MAX_ - 1)
		j++;
	return j - i;
}

/* Compose v1 "proj_svc_1", v2 "proj-svc-1"; k3d "k3d-x-server-0"; kind
 * "kind-control-plane"; minikube's node container. */
static int tool_from_name(const char *nm)
{
	size_t n = strlen(nm), parts = 1, k;
	char sep = 0;
	if (strncmp(nm, "k3d-", 4) == 0)
		return T_K3D;
	if (strncmp(nm, "kind-", 5) == 0 && (strstr(nm, "control-plane") || strstr(nm, "worker")))
		return T_KIND;
	if (strcmp(nm, "minikube") == 0)
		return T_MINIKUBE;
	for (k = n; k > 0 && is_digit((unsigned char)nm[k - 1]); k--)
		;
	if (k == n || k < 2 || (nm[k - 1] != '-' && nm[k - 1] != '_'))
		return -1;
	sep = nm[k - 1];
	for (size_t i = 0; i < k; i++)
		parts += nm[i] == sep;
	return parts >= 3 ? T_COMPOSE : -1;
}

static void scan_names(const ctx *c, size_t a, size_t b, fail *f)
{
	const char *s = c->s;
	size_t o, l;
	if (pfind(s, a, b, "endpoint ", &o)) {
		o += 9;
		l = name_len(s, o, b);
		if (l && o + l + 1 < b && s[o + l] == ' ' && s[o + l + 1] == '(') {
			copy_name(f->container, sizeof(f->container), s + o, l);
			f->name_tool = tool_from_name(f->container);
		}
	}
	if (pfind(s, a, b, "Cannot start service ", &o)) {
		o += 21;
		l = name_len(s, o, b);
		if (l && o + l < b && s[o + l] == ':')
			copy_name(f->service, sizeof(f->service), s + o, l);
	}
	if (!f->container[0] && f->service[0] && pfind(s, a, b, "ERROR: for ", &o)) {
		o += 11;
		l = name_len(s, o, b);
		if (l && (strlen(f->service) != l || memcmp(f->service, s + o, l) != 0))
			copy_name(f->container, sizeof(f->container), s + o, l);
	}
}

/* Explicit protocol words in the segment: "tcp", "udp6", "TCP/IP". */
static void scan_proto(const ctx *c, size_t a, size_t b, fail *f)
{
	const char *s = c->s;
	for (size_t i = a; i + 3 <= b; i++) {
		pd_proto p = PD_PROTO_NONE;
		size_t e = i + 3;
		if (i > a && is_alnum((unsigned char)s[i - 1]))
			continue;
		if (pmatch(s + i, 3, "tcp"))
			p = PD_PROTO_TCP;
		else if (pmatch(s + i, 3, "udp"))
			p = PD_PROTO_UDP;
		if (!p)
			continue;
		if (e < b && (s[e] == '4' || s[e] == '6'))
			e++;
		if (e < b && is_alnum((unsigned char)s[e]))
			continue;
		f->proto = p;
		f->proto_implied = false;
		if (e == i + 4 && f->family == PD_FAMILY_ANY)
			f->family = s[i + 3] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
		return;
	}
}

static bool has_ctx_word(const char *s, size_t a, size_t b)
{
	static const char *const w[] = {"bind", "listen", "socket", "port", "endpoint",
	                                "address"};
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		if (pfind(s, a, b, w[k], NULL))
			return true;
	return false;
}

/* Builds the failure of segment [a, b) of line l, if it is one. */
static bool make_fail(ctx *c, uint32_t l, size_t a, size_t b, const cand *cs, size_t nc,
                      fail *f)
{
	const cand *best = NULL, *pp = NULL;
	bool ctxw = has_ctx_word(c->s, a, b), strong_cand = false, any = false;
	bool priv = false;
	int cls_os = -1, cls_phrase = -1;

	for (size_t k = 0; k < nc; k++) {
		if (cs[k].off < a || cs[k].off >= b || cs[k].score == 0)
			continue;
		if (!best || cs[k].score > best->score)
			best = &cs[k];
		if (!pp && cs[k].score == SC_PORTPHRASE)
			pp = &cs[k];
		strong_cand |= cs[k].score >= SC_STRONG_NOPORT;
		ctxw |= cs[k].score >= SC_PORTPHRASE;
	}
	memset(f, 0, sizeof(*f));
	f->osid = -1;
	f->os_code = -1;
	f->port = -1;
	f->tool = f->name_tool = -1;
	for (size_t k = 0; k < c->nan; k++) {
		const anchor *an = &c->an[k];
		if (an->line != l || an->off < a || an->off >= b)
			continue;
		if ((an->strength == ST_CTX && !ctxw) || (an->strength == ST_VERB && !strong_cand))
			continue;
		any = true;
		if (an->strength == ST_STRONG || an->cls)
			f->keep = true;
		if (an->kind == AK_OS || an->kind == AK_NAME) {
			if (f->osid < 0) {
				f->osid = an->osid;
				f->winsock = an->winsock;
			}
			if (an->kind == AK_OS && !f->ostext_len) {
				f->ostext_off = an->off;
				f->ostext_len = an->end - an->off;
			}
			if (cls_os < 0 && an->cls)
				cls_os = an->cls;
		} else if (an->kind == AK_CLASS) {
			if (an->cls == PD_ERRCLASS_PRIVILEGED)
				priv = true;
			else if (cls_phrase < 0)
				cls_phrase = an->cls;
		}
	}
	if (!any)
		return false;
	f->cls = priv ? PD_ERRCLASS_PRIVILEGED
	              : cls_os >= 0 ? (pd_errclass)cls_os
	                            : cls_phrase >= 0 ? (pd_errclass)cls_phrase : PD_ERRCLASS_UNKNOWN;
	f->line_first = f->line_last = l;
	if (best) {
		f->host = best->host;
		memcpy(f->addr, best->addr, sizeof(f->addr));
		f->port = best->port;
		f->port_form = best->port_form;
		f->proto = best->proto;
		f->proto_implied = best->proto_implied;
		f->family = best->family;
		if (f->port < 0 && pp) {
			f->port = pp->port;
			f->port_form = true;
		}
	}
	if (!f->proto || f->proto_implied) {
		pd_proto keep = f->proto;
		scan_proto(c, a, b, f);
		if (!f->proto)
			f->proto = keep;
	}
	if (f->osid >= 0 && f->winsock) {
		f->os_code = pd_oserror_get((pd_oserr_id)f->osid)->code[PD_OSFAM_WINSOCK];
	}
	{
		int code_before = f->os_code;
		f->os_code = -1;
		scan_codes(c, a, b, f);
		if (f->os_code < 0)
			f->os_code = code_before;
	}
	scan_names(c, c->line_start[l], line_end(c, l), f);
	if (f->cls == PD_ERRCLASS_UNKNOWN && f->osid >= 0)
		f->cls = pd_oserror_get((pd_oserr_id)f->osid)->error_class;
	if (f->cls != PD_ERRCLASS_UNKNOWN)
		f->keep = true;
	f->text_off = c->line_start[l];
	f->text_len = line_end(c, l) - f->text_off;
	return true;
}

static void push_fail(ctx *c, const fail *f)
{
	if (c->nf < MAX_FAILS)
		c->fs[c->nf++] = *f;
}

static bool same_host(const cand *x, const cand *y)
{
	return x->port == y->port && x->host == y->host && strcmp(x->addr, y->addr) == 0;
}

/* The failures of one line: one per distinct bind endpoint. */
static void line_fails(ctx *c, uint32_t l)
{
	size_t a = c->line_start[l], b = line_end(c, l), nc, nsplit = 0;
	cand cs[MAX_CANDS];
	size_t split[MAX_CANDS];
	fail f;

	nc = scan_cands(c->s, a, b, cs);
	for (size_t k = 0; k < nc; k++) {
		bool dup = false;
		if (cs[k].score != SC_STRONG)
			continue;
		for (size_t q = 0; q < k; q++)
			dup |= cs[q].score == SC_STRONG && same_host(&cs[q], &cs[k]);
		if (!dup)
			split[nsplit++] = k;
	}
	if (nsplit < 2) {
		if (make_fail(c, l, a, b, cs, nc, &f))
			push_fail(c, &f);
		return;
	}
	for (size_t k = 0; k < nsplit; k++) {
		size_t sa = k == 0 ? a : cs[split[k]].lead;
		size_t sb = k + 1 < nsplit ? cs[split[k + 1]].lead : b;
		if (sb > sa && make_fail(c, l, sa, sb, cs, nc, &f))
			push_fail(c, &f);
	}
}

/* ------------------------------------------------------------ folding */

static bool has_endpoint(const fail *f)
{
	return f->port > 0 || f->host != H_NONE;
}

static bool class_compat(pd_errclass x, pd_errclass y)
{
	if (x == y || x == PD_ERRCLASS_UNKNOWN || y == PD_ERRCLASS_UNKNOWN)
		return true;
	return (x == PD_ERRCLASS_ACCESS_DENIED && y == PD_ERRCLASS_PRIVILEGED) ||
	       (y == PD_ERRCLASS_ACCESS_DENIED && x == PD_ERRCLASS_PRIVILEGED);
}

static bool same_endpoint(const fail *x, const fail *y)
{
	if (x->port != y->port)
		return false;
	if (x->host != H_NONE && y->host != H_NONE &&
	    (x->host != y->host || strcmp(x->addr, y->addr) != 0))
		return false;
	if (x->proto && y->proto && x->proto != y->proto)
		return false;
	return class_compat(x->cls, y->cls);
}

/* Fills what dst lacks from src. */
static void merge_into(fail *dst, const fail *src)
{
	if (dst->host == H_NONE && src->host != H_NONE) {
		dst->host = src->host;
		memcpy(dst->addr, src->addr, sizeof(dst->addr));
	}
	if (dst->port < 0 && src->port > 0) {
		dst->port = src->port;
		dst->port_form = src->port_form;
	}
	if (!dst->proto || (dst->proto_implied && src->proto && !src->proto_implied)) {
		if (src->proto) {
			dst->proto = src->proto;
			dst->proto_implied = src->proto_implied;
		}
	}
	if (!dst->family)
		dst->family = src->family;
	if (dst->cls == PD_ERRCLASS_UNKNOWN ||
	    (dst->cls == PD_ERRCLASS_ACCESS_DENIED && src->cls == PD_ERRCLASS_PRIVILEGED))
		dst->cls = src->cls;
	if (dst->osid < 0) {
		dst->osid = src->osid;
		dst->winsock = src->winsock;
	}
	if (dst->os_code < 0 && (src->osid == dst->osid))
		dst->os_code = src->os_code;
	if (!dst->ostext_len && src->osid == dst->osid) {
		dst->ostext_off = src->ostext_off;
		dst->ostext_len = src->ostext_len;
	}
	if (!dst->container[0])
		memcpy(dst->container, src->container, sizeof(dst->container));
	if (!dst->service[0])
		memcpy(dst->service, src->service, sizeof(dst->service));
	if (dst->name_tool < 0)
		dst->name_tool = src->name_tool;
	dst->keep |= src->keep;
	if (src->line_first < dst->line_first)
		dst->line_first = src->line_first;
	if (src->line_last > dst->line_last)
		dst->line_last = src->line_last;
}

static uint32_t line_dist(const fail *x, const fail *y)
{
	if (x->line_first > y->line_last)
		return x->line_first - y->line_last;
	if (y->line_first > x->line_last)
		return y->line_first - x->line_last;
	return 0;
}

/* Equal endpoints fold; a failure without endpoint joins the nearest one
 * with an endpoint and a compatible class, else an earlier endpointless
 * failure of the same class. */
static void fold(ctx *c)
{
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i];
		if (!has_endpoint(f))
			continue;
		for (size_t k = 0; k < i; k++)
			if (!c->fs[k].merged && has_endpoint(&c->fs[k]) && same_endpoint(&c->fs[k], f)) {
				merge_into(&c->fs[k], f);
				f->merged = true;
				break;
			}
	}
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i], *to = NULL;
		uint32_t bestd = FOLD_LINES + 1;
		if (f->merged || has_endpoint(f))
			continue;
		for (size_t k = 0; k < c->nf; k++) {
			fail *g = &c->fs[k];
			uint32_t d = line_dist(f, g);
			if (k == i || g->merged || !has_endpoint(g) || !class_compat(f->cls, g->cls))
				continue;
			if (d < bestd || (d == bestd && to && k < (size_t)(to - c->fs))) {
				bestd = d;
				to = g;
			}
		}
		for (size_t k = 0; !to && k < i; k++) {
			fail *g = &c->fs[k];
			if (!g->merged && !has_endpoint(g) && class_compat(f->cls, g->cls) &&
			    line_dist(f, g) <= FOLD_LINES)
				to = g;
		}
		if (to) {
			merge_into(to, f);
			f->merged = true;
		}
	}
}

/* Program and implied protocol: the strongest hint in the failure's own
 * lines, else in the lines around it. */
static bool docker_family(int t)
{
	return t == T_DOCKER || t == T_DESKTOP || t == T_PODMAN;
}

static void assign_tool(ctx *c, fail *f)
{
	int own = f->name_tool, near = -1, pown = 0, pnear = 0;
	uint32_t lo = f->line_first > TOOL_BEFORE ? f->line_first - TOOL_BEFORE : 0;
	uint32_t hi = f->line_last + TOOL_AFTER;

	for (size_t k = 0; k < c->nhi; k++) {
		const hint *h = &c->hi[k];
		const hintpat *hp = &hintpats[h->pat];
		bool in_own = h->line >= f->line_first && h->line <= f->line_last;
		int *t = in_own ? &own : &near;
		if (!in_own && (h->line < lo || h->line > hi))
			continue;
		if (hp->tool >= 0 && (*t < 0 || tool_rank[hp->tool] > tool_rank[*t]))
			*t = hp->tool;
	}
	f->tool = own >= 0 ? own : near;
	/* "docker compose up" / kind / k3d around a daemon error: the wrapper
	 * is the program that failed. */
	if (own >= 0 && near >= 0 && docker_family(own) && !docker_family(near) &&
	    near <= T_MINIKUBE)
		f->tool = near;
	/* A protocol hint counts in the failure's own lines, or around it when
	 * it belongs to the same program (Flask's banner, Tomcat's frames). */
	for (size_t k = 0; k < c->nhi; k++) {
		const hint *h = &c->hi[k];
		const hintpat *hp = &hintpats[h->pat];
		bool in_own = h->line >= f->line_first && h->line <= f->line_last;
		if (!hp->proto || (!in_own && (h->line < lo || h->line > hi)))
			continue;
		if (in_own && !pown)
			pown = hp->proto;
		else if (!in_own && !pnear && hp->tool >= 0 && hp->tool == f->tool)
			pnear = hp->proto;
	}
	if (!f->proto && (pown || pnear)) {
		f->proto = (pd_proto)(pown ? pown : pnear);
		f->proto_implied = true;
	}
}

/* Windows has no privileged ports; elsewhere EACCES on a port below 1024
 * is the privileged-port rule (Linux ip_unprivileged_port_start, macOS on
 * a specific address). */
static void refine_class(const ctx *c, fail *f)
{
	if (f->cls == PD_ERRCLASS_ACCESS_DENIED && !f->winsock && !c->windows &&
	    f->port > 0 && f->port < 1024 && f->port_form)
		f->cls = PD_ERRCLASS_PRIVILEGED;
}

/* ------------------------------------------------------------- output */

static int dup_field(char **dst, const char *s, size_t n)
{
	*dst = xstrndup(s, n);
	return *dst ? 0 : PD_ENOMEM;
}

static int emit(const ctx *c, const fail *f, pd_errmsg *m)
{
	size_t a = f->text_off, b = f->text_off + f->text_len;
	int r = 0;

	while (a < b && is_blank((unsigned char)c->s[a]))
		a++;
	while (b > a && is_blank((unsigned char)c->s[b - 1]))
		b--;
	if (b - a > PD_ERRMSG_MAX_TEXT) {
		b = a + PD_ERRMSG_MAX_TEXT;
		while (b > a && ((unsigned char)c->s[b] & 0xc0) == 0x80)
			b--; /* whole UTF-8 characters only */
	}
	memset(m, 0, sizeof(*m));
	m->port = f->port > 0 ? f->port : -1;
	m->all_addresses = f->host == H_ALL;
	m->proto = f->proto;
	m->proto_implied = f->proto && f->proto_implied;
	m->family = f->family;
	m->error_class = f->cls;
	m->os_code = f->os_code;
	r |= dup_field(&m->text, c->s + a, b - a);
	if (f->tool >= 0)
		r |= dup_field(&m->tool, tool_names[f->tool], strlen(tool_names[f->tool]));
	if (f->service[0])
		r |= dup_field(&m->service, f->service, strlen(f->service));
	if (f->container[0])
		r |= dup_field(&m->container, f->container, strlen(f->container));
	if (f->host == H_ADDR)
		r |= dup_field(&m->address, f->addr, strlen(f->addr));
	if (f->osid >= 0) {
		const pd_oserror *e = pd_oserror_get((pd_oserr_id)f->osid);
		const char *nm = pd_oserror_name_in(e, f->winsock ? PD_OSFAM_WINSOCK : PD_OSFAM_LINUX);
		r |= dup_field(&m->os_name, nm, strlen(nm));
	}
	if (f->ostext_len) {
		size_t oa = f->ostext_off, ob = f->ostext_off + f->ostext_len, p = oa;
		/* A wording matched mid-sentence ("... только одно использование")
		 * is shown from the start of its sentence. */
		if (p > 0 && c->s[p - 1] == ' ')
			p--;
		if (p > 0 && (is_alnum((unsigned char)c->s[p - 1]) ||
		              (unsigned char)c->s[p - 1] >= 0x80 || c->s[p - 1] == ',')) {
			size_t lim = oa > 150 ? oa - 150 : 0;
			while (p > lim && c->s[p - 1] != ':' && c->s[p - 1] != ']' &&
			       c->s[p - 1] != ')' && c->s[p - 1] != '\n')
				p--;
			if (p > lim || p == 0) {
				while (p < oa && is_blank((unsigned char)c->s[p]))
					p++;
				oa = p;
			}
		}
		while (ob > oa && (is_blank((unsigned char)c->s[ob - 1]) || c->s[ob - 1] == ':'))
			ob--;
		r |= dup_field(&m->os_text, c->s + oa, ob - oa);
	}
	return r ? PD_ENOMEM : 0;
}

void pd_errmsg_free(pd_errmsg *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].text);
		free(list[i].tool);
		free(list[i].service);
		free(list[i].container);
		free(list[i].address);
		free(list[i].os_name);
		free(list[i].os_text);
	}
	free(list);
}

static int collect(ctx *c, pd_errmsg **ret_list, size_t *ret_n)
{
	pd_errmsg *out = NULL;
	size_t n = 0;

	for (uint32_t l = 0, k = 0; l < c->nlines; l++) {
		bool has = false;
		while (k < c->nan && c->an[k].line < l)
			k++;
		has = k < c->nan && c->an[k].line == l;
		if (has)
			line_fails(c, l);
	}
	fold(c);
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i];
		if (f->merged || (!f->keep && f->cls == PD_ERRCLASS_UNKNOWN))
			continue;
		assign_tool(c, f);
		refine_class(c, f);
		n++;
	}
	if (n > PD_ERRMSG_MAX_RESULTS)
		n = PD_ERRMSG_MAX_RESULTS;
	if (n) {
		size_t k = 0;
		out = calloc(n, sizeof(*out));
		if (!out)
			return PD_ENOMEM;
		for (size_t i = 0; i < c->nf && k < n; i++) {
			fail *f = &c->fs[i];
			if (f->merged || (!f->keep && f->cls == PD_ERRCLASS_UNKNOWN))
				continue;
			if (emit(c, f, &out[k++]) < 0) {
				pd_errmsg_free(out, k);
				return PD_ENOMEM;
			}
		}
	}
	*ret_list = out;
	*ret_n = n;
	return 0;
}

int pd_errmsg_parse(const char *text, size_t len, pd_errmsg **ret_list, size_t *ret_n)
{
	ctx c;
	char *buf = NULL;
	int r;

	if ((!text && len) || !ret_list || !ret_n)
		return PD_EINVAL;
	if (len > PD_ERRMSG_MAX_INPUT)
		return PD_ETOOBIG;
	memset(&c, 0, sizeof(c));
	buf = malloc(len + 1);
	c.an = malloc(MAX_ANCHORS * sizeof(anchor));
	c.hi = malloc(MAX_HINTS * sizeof(hint));
	c.fs = malloc(MAX_FAILS * sizeof(fail));
	if (!buf || !c.an || !c.hi || !c.fs) {
		r = PD_ENOMEM;
		goto out;
	}
	if (len)
		memcpy(buf, text, len);
	c.n = pass_json(buf, len);
	c.n = pass_clean(buf, c.n);
	c.n = pass_unwrap(buf, c.n);
	buf[c.n] = '\0';
	c.s = buf;
	r = split_lines(&c);
	if (r < 0)
		goto out;
	scan_anchors(&c);
	scan_hints(&c);
	r = collect(&c, ret_list, ret_n);
out:
	free(c.line_start);
	free(c.fs);
	free(c.hi);
	free(c.an);
	free(buf);
	return r;
}
