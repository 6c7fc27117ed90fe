/*
 * Step 1 of the error-message parser (design in parse.c):
 * normalization of pasted text, in place and never growing it.
 *
 * Three passes, in this order: per line JSON unescaping (only when every
 * backslash in the line is a valid JSON escape, so Windows paths stay);
 * ANSI escapes out, CR/CRLF -> LF, curly quotes, NBSP and fullwidth
 * punctuation -> ASCII; and terminal wraps joined (a line whose display
 * width equals the detected terminal width is glued to the next one).
 * Later steps then only see LF-separated ASCII-punctuated lines.
 */
#include <stdint.h>
#include <string.h>

#include "errmsg_internal.h"

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

static size_t line_end_at(const char *s, size_t a, size_t n)
{
	while (a < n && s[a] != '\n')
		a++;
	return a;
}

/*
 * A terminal cuts long lines at its width without regard to words or
 * numbers.  The width is recognised when two or more lines that do not end
 * a sentence have the same width (>= 40 columns), or one such line has a
 * usual terminal width; those lines are glued to the next one, unless the
 * next one is wider than the terminal (then it was never cut to it).
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
			            !same_start(s, a, b, n) && columns(s, a, b) == width &&
			            columns(s, b + 1, line_end_at(s, b + 1, n)) <= width;
			if (!glue)
				s[w++] = '\n';
		}
		a = b + 1;
	}
	return w;
}

size_t pd__errmsg_normalize(char *s, size_t n)
{
	n = pass_json(s, n);
	n = pass_clean(s, n);
	return pass_unwrap(s, n);
}
