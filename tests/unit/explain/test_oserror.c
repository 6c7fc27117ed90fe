/*
 * Tests for src/explain/oserror.c: codes per numbering scheme, names, wordings, and
 * the error-class names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "explain/errmsg.h"

static void test_by_code(void **state)
{
	(void)state;
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_LINUX, 98)->id, PD_OSERR_ADDRINUSE);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_BSD, 48)->id, PD_OSERR_ADDRINUSE);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_BSD, 49)->id, PD_OSERR_ADDRNOTAVAIL);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_WINSOCK, 10013)->id, PD_OSERR_ACCES);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_WINSOCK, 10048)->id, PD_OSERR_ADDRINUSE);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_WINSOCK, 10049)->id, PD_OSERR_ADDRNOTAVAIL);
	assert_int_equal(pd_oserror_by_code(PD_OSFAM_LIBUV_WIN, -4091)->id, PD_OSERR_ADDRINUSE);
	assert_null(pd_oserror_by_code(PD_OSFAM_LINUX, 48));
	assert_null(pd_oserror_by_code(PD_OSFAM_WINSOCK, 0));
	assert_null(pd_oserror_by_code((pd_osfam)9, 98));
	assert_int_equal(pd_oserror_get(PD_OSERR_ACCES)->error_class, PD_ERRCLASS_ACCESS_DENIED);
	assert_null(pd_oserror_get(PD__OSERR_COUNT));
}

static void test_by_name(void **state)
{
	bool ws = true;
	(void)state;
	assert_int_equal(pd_oserror_by_name("EADDRINUSE", 10, &ws)->id, PD_OSERR_ADDRINUSE);
	assert_false(ws);
	assert_int_equal(pd_oserror_by_name("WSAEACCES", 9, &ws)->id, PD_OSERR_ACCES);
	assert_true(ws);
	assert_null(pd_oserror_by_name("EADDRINUSEX", 11, NULL));
	assert_null(pd_oserror_by_name("eaddrinuse", 10, NULL));
	assert_string_equal(pd_oserror_name_in(pd_oserror_get(PD_OSERR_ADDRNOTAVAIL),
	                                       PD_OSFAM_WINSOCK), "WSAEADDRNOTAVAIL");
	assert_string_equal(pd_oserror_name_in(pd_oserror_get(PD_OSERR_PERM),
	                                       PD_OSFAM_WINSOCK), "EPERM");
}

static void test_find_text(void **state)
{
	const char *t = "bind: Only one usage of each socket address (protocol/network "
	                "address/port) is normally permitted.";
	const char *fr = "L\xe2\x80\x99" "adresse demand\xc3\xa9" "e n\xe2\x80\x99" "est pas "
	                 "valide dans son contexte.";
	size_t off = 99, len = 0;
	const pd_oserror_text *x;
	(void)state;
	x = pd_oserror_find_text(t, strlen(t), &off, &len);
	assert_non_null(x);
	assert_int_equal(x->id, PD_OSERR_ADDRINUSE);
	assert_true(x->winsock);
	assert_int_equal(off, 6);
	x = pd_oserror_find_text(fr, strlen(fr), &off, &len);
	assert_non_null(x);
	assert_int_equal(x->id, PD_OSERR_ADDRNOTAVAIL);
	assert_string_equal(x->lang, "fr");
	/* Blanks in a wording match a line break. */
	x = pd_oserror_find_text("address already\n  in use", 24, &off, &len);
	assert_non_null(x);
	assert_int_equal(len, 24);
	assert_null(pd_oserror_find_text("nothing here", 12, NULL, NULL));
	assert_null(pd_oserror_find_text("Address already in us", 21, NULL, NULL));
}

static void test_every_text_matches_itself(void **state)
{
	size_t n;
	const pd_oserror_text *tx = pd_oserror_texts(&n);
	(void)state;
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(tx[i].text);
		assert_int_equal(pd_oserror_text_match(&tx[i], tx[i].text, l), l);
		assert_int_equal(pd_oserror_text_match(&tx[i], tx[i].text, l - 1), 0);
	}
}

static void test_class_names(void **state)
{
	pd_errclass c = PD_ERRCLASS_IN_USE;
	(void)state;
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_UNKNOWN), "unknown");
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_IN_USE), "in_use");
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_ACCESS_DENIED), "access_denied");
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_ADDRESS_NOT_AVAILABLE),
	                    "address_not_available");
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_PRIVILEGED), "privileged");
	assert_string_equal(pd_errclass_name(PD_ERRCLASS_ALREADY_ALLOCATED),
	                    "already_allocated");
	assert_string_equal(pd_errclass_name((pd_errclass)99), "unknown");
	assert_int_equal(pd_errclass_parse("privileged", &c), 0);
	assert_int_equal(c, PD_ERRCLASS_PRIVILEGED);
	assert_int_equal(pd_errclass_parse("nope", &c), PD_EINVAL);
	assert_int_equal(c, PD_ERRCLASS_PRIVILEGED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_code),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_find_text),
		cmocka_unit_test(test_every_text_matches_itself),
		cmocka_unit_test(test_class_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
