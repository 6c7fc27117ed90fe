/*
 * Output sanitizing (see sanitize.h).  UTF-8 is decoded by hand because the
 * core must stay locale-free: mbrtowc() depends on the current locale and
 * would call a Chinese GBK locale's bytes valid.
 */
#include "sanitize.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t pd__utf8_decode(const unsigned char *s, size_t n, unsigned *ret_cp)
{
	unsigned cp, min;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*ret_cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return len;
}

int pd__utf8_fix(pd_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned cp;
		size_t k = pd__utf8_decode(u + i, len - i, &cp);

		if (k && cp != 0) {
			i += k;
			run += k;
			continue;
		}
		pd_buf_append(out, s + i - run, run);
		run = 0;
		pd_buf_puts(out, "\xef\xbf\xbd"); /* U+FFFD */
		i++;
	}
	pd_buf_append(out, s + i - run, run);
	return pd_buf_error(out);
}

static bool is_bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

int pd__term_escape(pd_buf *out, const char *s, size_t len, size_t max_bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t k;

		if (max_bytes && i >= max_bytes) {
			pd_buf_puts(out, "...");
			break;
		}
		k = pd__utf8_decode(u + i, len - i, &cp);
		if (k == 0) {
			pd_buf_printf(out, "\\x%02x", u[i]);
			i++;
			continue;
		}
		if (cp == '\n')
			pd_buf_puts(out, "\\n");
		else if (cp == '\r')
			pd_buf_puts(out, "\\r");
		else if (cp == '\t')
			pd_buf_puts(out, "\\t");
		else if (cp < 0x20 || cp == 0x7f)
			pd_buf_printf(out, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi_control(cp) ||
		         cp == 0x2028 || cp == 0x2029)
			pd_buf_printf(out, "\\u%04x", cp);
		else
			pd_buf_append(out, s + i, k);
		i += k;
	}
	return pd_buf_error(out);
}

void pd__put_safe(pd_buf *b, const char *s, size_t max)
{
	if (!s) {
		pd_buf_puts(b, "?");
		return;
	}
	pd__term_escape(b, s, strlen(s), max);
}

const char *pd__shown(const char *s, size_t max, char *buf, size_t size)
{
	pd_buf b;
	size_t n;

	if (!size)
		return buf;
	pd_buf_init(&b, 0);
	pd__put_safe(&b, s, max);
	if (!b.data || b.err) {
		pd_buf_done(&b);
		return size > 1 ? strcpy(buf, "?") : strcpy(buf, "");
	}
	n = b.len;
	if (n >= size) {
		/* Escapes are ASCII, so only a UTF-8 sequence can be split. */
		n = size - 1;
		while (n > 0 && ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, b.data, n);
	buf[n] = '\0';
	pd_buf_done(&b);
	return buf;
}
