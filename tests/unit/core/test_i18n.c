/*
 * Unit tests: display width (src/core/width.c), language names
 * (src/core/i18n.c) and the built-in catalog (src/core/catalog.c with the
 * table po/po2c.py makes of po/zh_CN.po, the one the Windows exe uses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/catalog.h"
#include "core/i18n.h"
#include "core/width.h"

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(pd_text_width(""), 0);
	assert_int_equal(pd_text_width("PROTO"), 5);
	/* 协议: two CJK characters, four columns. */
	assert_int_equal(pd_text_width("\xe5\x8d\x8f\xe8\xae\xae"), 4);
	/* Fullwidth colon and comma: two columns each. */
	assert_int_equal(pd_text_width("\xef\xbc\x9a\xef\xbc\x8c"), 4);
	/* é (one column), a combining acute accent (none). */
	assert_int_equal(pd_text_width("\xc3\xa9" "e\xcc\x81"), 2);
	/* Hangul, kana, a CJK extension B character. */
	assert_int_equal(pd_text_width("\xea\xb0\x80\xe3\x81\x82\xf0\xa0\x80\x80"), 6);
	/* Broken UTF-8: each bad byte one column, never read past the end. */
	assert_int_equal(pd_text_width("\xff\xfe"), 2);
	assert_int_equal(pd_text_width("a\xe5\x8d"), 3);
	/* An overlong '/' and a surrogate are not characters. */
	assert_int_equal(pd_text_width("\xc0\xaf"), 2);
	assert_int_equal(pd_text_width("\xed\xa0\x80"), 3);
	/* Control characters take no column. */
	assert_int_equal(pd_text_width("a\tb\x7f"), 2);
}

static void test_padded(void **state)
{
	pd_buf b;

	(void)state;
	pd_buf_init(&b, 0);
	pd_buf_put_padded(&b, "\xe5\x8d\x8f\xe8\xae\xae", 5); /* 协议 */
	pd_buf_putc(&b, '|');
	pd_buf_put_padded(&b, "toolongvalue", 4);
	pd_buf_putc(&b, '|');
	assert_string_equal(b.data, "\xe5\x8d\x8f\xe8\xae\xae |toolongvalue|");
	pd_buf_done(&b);
}

static void test_match(void **state)
{
	static const struct {
		const char *name, *want; /* want NULL: no catalog, English */
	} cases[] = {
		{"zh_CN", "zh_CN"}, {"zh_CN.UTF-8", "zh_CN"},
		{"zh_CN.GB18030", "zh_CN"}, {"zh-CN", "zh_CN"},
		{"zh-Hans-CN", "zh_CN"}, {"zh-hans", "zh_CN"}, {"zh_SG", "zh_CN"},
		{"zh", "zh_CN"}, {"en", "en"}, {"en_US.UTF-8", "en"}, {"C", "en"},
		{"C.UTF-8", "en"}, {"POSIX", "en"},
		/* Traditional Chinese has no catalog; nor has French. */
		{"zh_TW", NULL}, {"zh-Hant-TW", NULL}, {"zh_HK.UTF-8", NULL},
		{"zhx", NULL}, {"fr_FR", NULL}, {"", NULL}, {NULL, NULL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = pd_i18n_match(cases[i].name);

		if (cases[i].want)
			assert_string_equal(got, cases[i].want);
		else
			assert_null(got);
	}
}

/* Without a catalog chosen (the environment of the test is C), messages
 * are the English text itself, and ngettext picks by n. */
static void test_english(void **state)
{
	(void)state;
	pd_i18n_force_english(true);
	assert_string_equal(_("available"), "available");
	assert_string_equal(ngettext("%zu socket", "%zu sockets", 1), "%zu socket");
	assert_string_equal(ngettext("%zu socket", "%zu sockets", 2), "%zu sockets");
	assert_string_equal(_(""), "");
	pd_i18n_force_english(false);
}

/* The table the Windows exe carries, looked up as it looks it up. */
static void test_builtin_catalog(void **state)
{
	const pd__catalog *c = pd__catalog_find("zh_CN");
	size_t i;

	(void)state;
	assert_non_null(c);
	assert_null(pd__catalog_find("fr"));
	assert_null(pd__catalog_find(NULL));
	assert_true(c->n_entries > 400);
	for (i = 1; i < c->n_entries; i++)
		assert_true(strcmp(c->entries[i - 1].msgid, c->entries[i].msgid) < 0);
	assert_string_equal(pd__catalog_lookup(c, "NOT AVAILABLE", 0),
	                    "\xe4\xb8\x8d\xe5\x8f\xaf\xe7\x94\xa8"); /* 不可用 */
	/* The Winsock 10013 text as Chinese Windows prints it. */
	assert_string_equal(
		pd__catalog_lookup(c, "An attempt was made to access a socket in a "
		                      "way forbidden by its access permissions.", 0),
		"\xe4\xbb\xa5\xe4\xb8\x80\xe7\xa7\x8d\xe8\xae\xbf\xe9\x97\xae\xe6"
		"\x9d\x83\xe9\x99\x90\xe4\xb8\x8d\xe5\x85\x81\xe8\xae\xb8\xe7\x9a"
		"\x84\xe6\x96\xb9\xe5\xbc\x8f\xe5\x81\x9a\xe4\xba\x86\xe4\xb8\x80"
		"\xe4\xb8\xaa\xe8\xae\xbf\xe9\x97\xae\xe5\xa5\x97\xe6\x8e\xa5\xe5"
		"\xad\x97\xe7\x9a\x84\xe5\xb0\x9d\xe8\xaf\x95\xe3\x80\x82");
	assert_null(pd__catalog_lookup(c, "no such message", 0));
	/* zh_CN has one plural form: n picks form 0; form 1 does not exist. */
	assert_int_equal(c->plural(1), 0);
	assert_int_equal(c->plural(7), 0);
	assert_non_null(pd__catalog_lookup(c, "%s is in use by %zu socket", 0));
	assert_null(pd__catalog_lookup(c, "%s is in use by %zu socket", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_padded),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_builtin_catalog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
