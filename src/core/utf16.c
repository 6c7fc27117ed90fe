/*
 * UTF-8 <-> UTF-16 (see utf16.h for why by hand).  Pure.
 *
 * UTF-8 is read with pd__utf8_decode (sanitize.c), which refuses overlong
 * forms, surrogates and values past U+10FFFF; each byte it refuses
 * becomes one U+FFFD and decoding goes on at the next byte, as
 * pd__utf8_fix does for text shown on a terminal.
 */
#include "utf16.h"

#include <stdlib.h>

#include "buf.h"
#include "sanitize.h"

#define REPLACEMENT 0xFFFDu

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
		unsigned cp;
		size_t used = pd__utf8_decode(u + i, len - i, &cp);

		if (used == 0) {
			cp = REPLACEMENT;
			used = 1;
		}
		i += used;
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
