/* Unit tests: src/core/addr.c and names.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portdoctor/portdoctor.h"

static void roundtrip(const char *in, const char *want)
{
	pd_addr a;
	char buf[PD_ADDR_STRLEN];

	assert_int_equal(pd_addr_parse(in, strlen(in), &a), 0);
	assert_string_equal(pd_addr_format(&a, buf, sizeof(buf)), want);
}

static void test_v4(void **state)
{
	(void)state;
	roundtrip("127.0.0.1", "127.0.0.1");
	roundtrip("0.0.0.0", "0.0.0.0");
	roundtrip("255.255.255.255", "255.255.255.255");
	roundtrip("192.168.0.157", "192.168.0.157");
}

static void test_v6(void **state)
{
	(void)state;
	roundtrip("::", "::");
	roundtrip("::1", "::1");
	roundtrip("[::1]", "::1");
	roundtrip("2001:DB8:0:0:0:0:2:1", "2001:db8::2:1");
	roundtrip("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	/* RFC 5952 4.2.3: the first of two equal runs is shortened. */
	roundtrip("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	roundtrip("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
	roundtrip("::ffff:10.0.0.1", "::ffff:10.0.0.1");
	roundtrip("fe80::1%3", "fe80::1%3");
	roundtrip("1::", "1::");
}

static void test_bad(void **state)
{
	static const char *bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "1..2.3",
		"1.2.3.-1", ":::", "1:::2", "1::2::3", "12345::", "g::1",
		"1:2:3:4:5:6:7:8:9", ":1", "1:", "[::1", "::1]", "fe80::1%",
		"fe80::1%eth0", "1.2.3.4%1", "1:2:3:4:5:6:7:1.2.3.4",
		"0001.2.3.4",
	};
	size_t i;
	pd_addr a;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0xaa, sizeof(a));
		assert_true(pd_addr_parse(bad[i], strlen(bad[i]), &a) < 0);
		/* ret_* untouched on failure */
		assert_int_equal(((unsigned char *)&a)[0], 0xaa);
	}
	assert_true(pd_addr_parse(NULL, 0, &a) < 0);
}

static void test_predicates(void **state)
{
	pd_addr a, b, v4;

	(void)state;
	assert_int_equal(pd_addr_parse("::ffff:127.0.0.5", 16, &a), 0);
	assert_true(pd_addr_unmap_v4(&a, &v4));
	assert_true(pd_addr_is_loopback(&a));
	assert_int_equal(v4.bytes[3], 5);
	assert_int_equal(pd_addr_parse("127.9.9.9", 9, &b), 0);
	assert_true(pd_addr_is_loopback(&b));
	assert_false(pd_addr_is_any(&b));
	a = pd_addr_any(PD_FAMILY_V6);
	assert_true(pd_addr_is_any(&a));
	a = pd_addr_loopback(PD_FAMILY_V6);
	assert_true(pd_addr_is_loopback(&a));
	assert_false(pd_addr_equal(&a, &b));
	assert_false(pd_addr_unmap_v4(&b, &v4));
}

static void test_names(void **state)
{
	pd_proto p = PD_PROTO_NONE;
	pd_sock_state st;
	pd_finding_code fc;

	(void)state;
	assert_string_equal(pd_err_name(PD_EADDRINUSE), "EADDRINUSE");
	assert_string_equal(pd_err_name(0), "OK");
	assert_string_equal(pd_err_name(12345), "EUNKNOWN");
	assert_string_equal(pd_strerror(PD_ENOMEM), "out of memory");
	assert_int_equal(pd_proto_parse("UDP", 3, &p), 0);
	assert_int_equal(p, PD_PROTO_UDP);
	assert_int_equal(pd_proto_parse("tcp6", 4, &p), 0);
	assert_int_equal(p, PD_PROTO_TCP);
	p = PD_PROTO_NONE;
	assert_true(pd_proto_parse("sctp", 4, &p) < 0);
	assert_int_equal(p, PD_PROTO_NONE);
	assert_int_equal(pd_sock_state_parse("time_wait", &st), 0);
	assert_int_equal(st, PD_STATE_TIME_WAIT);
	assert_true(pd_sock_state_parse("nope", &st) < 0);
	assert_int_equal(pd_finding_parse("excluded_range", &fc), 0);
	assert_int_equal(fc, PD_F_EXCLUDED_RANGE);
	assert_string_equal(pd_finding_name(PD_F_IN_USE), "in_use");
	assert_int_equal(pd_finding_default_severity(PD_F_RESERVED_PORT),
	                 PD_SEV_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
