/* Unit tests: src/core/utf16.c, the conversions the Windows command line
 * and console go through (arguments in, console text out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf16.h"

/* UTF-8 in, the UTF-16 units expected out, then back to want8. */
static void check(const char *in, size_t in_len, const uint16_t *want,
                  size_t want_n, const char *want8)
{
	size_t n = 12345, len = 12345;
	uint16_t *w = pd__utf8_to_utf16(in, in_len, &n);
	char *back;

	assert_non_null(w);
	assert_int_equal(n, want_n);
	assert_memory_equal(w, want, want_n * sizeof(*w));
	assert_int_equal(w[n], 0);
	assert_int_equal(pd__utf16_len(w), n);
	back = pd__utf16_to_utf8(w, n, &len);
	assert_non_null(back);
	assert_string_equal(back, want8);
	assert_int_equal(len, strlen(want8));
	free(back);
	free(w);
}

static void test_ascii_and_empty(void **state)
{
	static const uint16_t abc[] = {'e', 'x', 'p', 'l', 'a', 'i', 'n'};

	(void)state;
	check("explain", 7, abc, 7, "explain");
	check("", 0, abc, 0, "");
}

/* The Winsock 10013 text as Chinese Windows prints it, and a user folder
 * with a Chinese name: both must survive the round trip unchanged. */
static void test_chinese(void **state)
{
	static const char s[] = "以一种访问权限不允许的方式";
	static const uint16_t want[] = {0x4EE5, 0x4E00, 0x79CD, 0x8BBF, 0x95EE,
	                                0x6743, 0x9650, 0x4E0D, 0x5141, 0x8BB8,
	                                0x7684, 0x65B9, 0x5F0F};
	static const char path[] = "C:\\Users\\张三\\compose.yaml";
	size_t n;
	uint16_t *w;

	(void)state;
	check(s, strlen(s), want, 13, s);
	w = pd__utf8_to_utf16(path, strlen(path), &n);
	assert_non_null(w);
	assert_int_equal(n, 24);
	assert_int_equal(w[9], 0x5F20);
	assert_int_equal(w[10], 0x4E09);
	free(w);
}

/* Outside the BMP: a surrogate pair each way. */
static void test_surrogate_pairs(void **state)
{
	static const char s[] = "a\xF0\x9F\x90\xB3z"; /* U+1F433 */
	static const uint16_t want[] = {'a', 0xD83D, 0xDC33, 'z'};
	static const char max[] = "\xF4\x8F\xBF\xBF"; /* U+10FFFF */
	static const uint16_t want_max[] = {0xDBFF, 0xDFFF};

	(void)state;
	check(s, strlen(s), want, 4, s);
	check(max, 4, want_max, 2, max);
}

/* Every kind of bad UTF-8 becomes U+FFFD, and decoding goes on. */
static void test_bad_utf8(void **state)
{
	static const uint16_t one[] = {'a', 0xFFFD, 'b'};
	static const uint16_t two[] = {'a', 0xFFFD, 0xFFFD, 'b'};
	static const uint16_t trunc[] = {'x', 0xFFFD, 0xFFFD};

	(void)state;
	check("a\x80" "b", 3, one, 3, "a\xEF\xBF\xBD" "b");      /* stray */
	check("a\xC0\xAF" "b", 4, two, 4,                           /* overlong */
	      "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	check("a\xED\xA0\x80" "b", 5,                               /* surrogate */
	      (const uint16_t[]){'a', 0xFFFD, 0xFFFD, 0xFFFD, 'b'}, 5,
	      "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	check("a\xE4\xB8" "b", 4, two, 4,                           /* cut short */
	      "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	check("x\xE4\xB8", 3, trunc, 3,                            /* at the end */
	      "x\xEF\xBF\xBD\xEF\xBF\xBD");
	check("a\xF5\x80" "b", 4, two, 4,                           /* > U+10FFFF */
	      "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	check("a\xFF" "b", 3, one, 3, "a\xEF\xBF\xBD" "b");
}

/* Lone surrogates in UTF-16 (possible in Windows file names) become
 * U+FFFD in UTF-8 rather than invalid bytes. */
static void test_lone_surrogates(void **state)
{
	static const uint16_t hi_only[] = {'a', 0xD800, 'b'};
	static const uint16_t lo_only[] = {0xDC00};
	static const uint16_t hi_end[] = {'a', 0xDBFF};
	char *s;

	(void)state;
	s = pd__utf16_to_utf8(hi_only, 3, NULL);
	assert_string_equal(s, "a\xEF\xBF\xBD" "b");
	free(s);
	s = pd__utf16_to_utf8(lo_only, 1, NULL);
	assert_string_equal(s, "\xEF\xBF\xBD");
	free(s);
	s = pd__utf16_to_utf8(hi_end, 2, NULL);
	assert_string_equal(s, "a\xEF\xBF\xBD");
	free(s);
}

/* Never reads past len: an embedded NUL is kept, bytes after len are not
 * looked at. */
static void test_length_bound(void **state)
{
	static const uint16_t want[] = {'a', 0, 'b'};
	size_t n;
	uint16_t *w;

	(void)state;
	w = pd__utf8_to_utf16("a\0bcdef", 3, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(w, want, sizeof(want));
	free(w);
	w = pd__utf8_to_utf16("\xE4\xB8\xAD", 2, &n); /* cut by len */
	assert_int_equal(n, 2);
	assert_int_equal(w[0], 0xFFFD);
	assert_int_equal(w[1], 0xFFFD);
	free(w);
	assert_null(pd__utf8_to_utf16("x", SIZE_MAX, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_empty),
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_surrogate_pairs),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_length_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
