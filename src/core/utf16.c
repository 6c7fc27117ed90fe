/*
 * UTF-8 <-> UTF-16 (see utf16.h for why by hand).  Pure.
 *
 * Decoding follows the Unicode standard's table of well-formed UTF-8
 * (chapter 3, table 3-7): a lead byte fixes the length and the range of
 * the second byte, which rules out overlong forms, surrogates and values
 * past U+10FFFF.  A sequence that breaks off is replaced as a whole by
 * one U+FFFD ("maximal subpart" practice), then decoding goes on at the
 * byte that broke it.
 */
#include "utf16.h"

#include <stdlib.h>

#include "buf.h"

#define REPLACEMENT 0xFFFDu

/* Decodes one code point at s[0..len); returns how many bytes it used
 * (at least 1) and stores the code point, or U+FFFD. */
static size_t decode_one(const unsigned char *s, size_t len, uint32_t *ret)
{
	unsigned char c = s[0];
	uint32_t cp;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c < 0x80) {
		*ret = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong three-byte forms */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* no overlong four-byte forms */
		else if (c == 0xF4)
			hi = 0x8F; /* nothing past U+10FFFF */
	} else {
		*ret = REPLACEMENT;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*ret = REPLACEMENT;
			return i;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*ret = cp;
	return need + 1;
}

uint16_t *pd__utf8_to_utf16(const char *s, size_t len, size_t *ret_n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint16_t *w;
	size_t i = 0, n = 0;

	/* Each byte gives at most one code unit (four bytes give two). */
	if (len >= SIZE_MAX / sizeof(*w))
		return NULL;
	w = pd__reallocarray(NULL, len + 1, sizeof(*w));
	if (!w)
		return NULL;
	while (i < len) {
		uint32_t cp;

		i += decode_one(u + i, len - i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			w[n++] = (uint16_t)(0xD800 + (cp >> 10));
			w[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			w[n++] = (uint16_t)cp;
		}
	}
	w[n] = 0;
	if (ret_n)
		*ret_n = n;
	return w;
}

static size_t encode_one(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *pd__utf16_to_utf8(const uint16_t *w, size_t n, size_t *ret_len)
{
	char *s;
	size_t i = 0, len = 0;

	/* A unit gives at most three bytes (a pair of two gives four). */
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	s = malloc(n * 3 + 1);
	if (!s)
		return NULL;
	while (i < n) {
		uint32_t cp = w[i++];

		if (cp >= 0xD800 && cp <= 0xDBFF && i < n && w[i] >= 0xDC00 &&
		    w[i] <= 0xDFFF)
			cp = 0x10000 + ((cp - 0xD800) << 10) + (w[i++] - 0xDC00);
		else if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = REPLACEMENT;
		len += encode_one(cp, s + len);
	}
	s[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return s;
}

size_t pd__utf16_len(const uint16_t *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}
