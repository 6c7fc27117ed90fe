/*
 * Display width (width.h).  Written here instead of calling wcwidth():
 * wcwidth() depends on LC_CTYPE (in the C locale glibc says -1 for every
 * non-ASCII character, yet `--lang zh_CN` prints Chinese there) and the
 * Windows C runtime has none.  The table is the East Asian Width property
 * of Unicode (UAX #11): the Wide (W) and Fullwidth (F) blocks, which are
 * what Chinese text uses, and the usual zero-width marks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "width.h"

typedef struct {
	uint32_t lo, hi;
} span;

/* East Asian Wide and Fullwidth, by block (UAX #11, Unicode 15). */
static const span wide[] = {
	{0x1100, 0x115F},   /* Hangul Jamo initials */
	{0x231A, 0x231B},   {0x2329, 0x232A},
	{0x23E9, 0x23EC},   {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
	{0x25FD, 0x25FE},   {0x2614, 0x2615},
	{0x2E80, 0x303E},   /* CJK radicals, Kangxi, CJK symbols and punctuation */
	{0x3041, 0x33FF},   /* kana, bopomofo, CJK compatibility */
	{0x3400, 0x4DBF},   /* CJK extension A */
	{0x4E00, 0x9FFF},   /* CJK unified ideographs */
	{0xA000, 0xA4CF},   /* Yi */
	{0xA960, 0xA97F},   /* Hangul Jamo extended-A */
	{0xAC00, 0xD7A3},   /* Hangul syllables */
	{0xF900, 0xFAFF},   /* CJK compatibility ideographs */
	{0xFE10, 0xFE19},   /* vertical forms */
	{0xFE30, 0xFE6F},   /* CJK compatibility forms, small forms */
	{0xFF00, 0xFF60},   /* fullwidth forms */
	{0xFFE0, 0xFFE6},
	{0x1F300, 0x1F64F}, /* pictographs, emoticons */
	{0x1F900, 0x1F9FF},
	{0x20000, 0x2FFFD}, /* CJK extensions B-F */
	{0x30000, 0x3FFFD},
};

/* Combining marks and zero-width characters. */
static const span zero[] = {
	{0x0300, 0x036F}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x2064}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF},
};

static bool in(const span *t, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < t[mid].lo)
			hi = mid;
		else if (c > t[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Decodes one UTF-8 character at s; its length in *len, or 0 with *len 1
 * for a byte that starts no valid sequence. */
static uint32_t decode(const unsigned char *s, size_t *len)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*len = n;
	return c;
bad:
	*len = 1;
	return 0xFFFD;
}

size_t pd_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, len;

	while (*p) {
		uint32_t c = decode(p, &len);

		p += len;
		if (c < 0x20 || (c >= 0x7F && c < 0xA0) ||
		    in(zero, sizeof(zero) / sizeof(zero[0]), c))
			continue;
		w += in(wide, sizeof(wide) / sizeof(wide[0]), c) ? 2 : 1;
	}
	return w;
}

int pd_buf_put_padded(pd_buf *b, const char *s, size_t cols)
{
	size_t w = pd_text_width(s);

	pd_buf_puts(b, s);
	while (w++ < cols)
		pd_buf_putc(b, ' ');
	return pd_buf_error(b);
}
