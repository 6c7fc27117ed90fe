/* Unit tests: src/core/target.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portdoctor/portdoctor.h"

static pd_target parse_ok(const char *s)
{
	pd_target t;

	assert_int_equal(pd_target_parse(s, &t), 0);
	return t;
}

static void test_forms(void **state)
{
	pd_target t;
	char buf[PD_ADDR_STRLEN];

	(void)state;
	t = parse_ok("8080");
	assert_int_equal(t.proto, PD_PROTO_TCP);
	assert_int_equal(t.host, PD_HOST_ALL);
	assert_int_equal(t.port_lo, 8080);
	assert_int_equal(t.port_hi, 8080);
	t = parse_ok("8080/udp");
	assert_int_equal(t.proto, PD_PROTO_UDP);
	t = parse_ok("3000-3010");
	assert_int_equal(t.port_lo, 3000);
	assert_int_equal(t.port_hi, 3010);
	t = parse_ok("127.0.0.1:8080");
	assert_int_equal(t.host, PD_HOST_ADDR);
	assert_string_equal(pd_addr_format(&t.addr, buf, sizeof(buf)), "127.0.0.1");
	t = parse_ok("[::1]:8080");
	assert_int_equal(t.addr.family, PD_FAMILY_V6);
	t = parse_ok("0.0.0.0:53/udp");
	assert_int_equal(t.proto, PD_PROTO_UDP);
	assert_int_equal(t.port_lo, 53);
	t = parse_ok("localhost:3000");
	assert_int_equal(t.host, PD_HOST_LOCALHOST);
	t = parse_ok(":8080");
	assert_int_equal(t.host, PD_HOST_ALL);
	t = parse_ok("*:8080/TCP");
	assert_int_equal(t.host, PD_HOST_ALL);
	t = parse_ok("[::]:1-65535");
	assert_int_equal(t.port_hi, 65535);
}

static void test_bad(void **state)
{
	static const char *bad[] = {
		"", "0", "65536", "99999", "80-79", "abc", "8080/sctp", "::1:8080",
		"[::1]8080", "[::1]:", "1.2.3:80", "localhost", "host:80", "80/",
		"-80", "80-", "123456", "[::1]:80/udp/tcp",
	};
	size_t i;
	pd_target t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0x5a, sizeof(t));
		assert_true(pd_target_parse(bad[i], &t) < 0);
		assert_int_equal(((unsigned char *)&t)[0], 0x5a);
	}
	assert_true(pd_target_parse(NULL, &t) < 0);
}

static void test_endpoints(void **state)
{
	pd_target t = parse_ok("8080");
	pd_endpoint ep[2];
	char buf[64];

	(void)state;
	assert_int_equal(pd_target_endpoints(&t, 8080, ep), 2);
	assert_true(pd_addr_is_any(&ep[0].addr));
	assert_int_equal(ep[0].addr.family, PD_FAMILY_V4);
	assert_int_equal(ep[1].addr.family, PD_FAMILY_V6);
	assert_true(ep[1].v6only);
	t = parse_ok("localhost:3000");
	assert_int_equal(pd_target_endpoints(&t, 3000, ep), 2);
	assert_true(pd_addr_is_loopback(&ep[0].addr));
	assert_true(pd_addr_is_loopback(&ep[1].addr));
	t = parse_ok("[::]:80");
	assert_int_equal(pd_target_endpoints(&t, 80, ep), 1);
	assert_false(ep[0].v6only); /* explicit [::] binds dual-stack */
	assert_int_equal(pd_target_format(&t, 80, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "tcp [::]:80");
	/* A v4-mapped address binds only dual-stack (issue 15, point 7). */
	t = parse_ok("[::ffff:127.0.0.1]:8080");
	assert_int_equal(pd_target_endpoints(&t, 8080, ep), 1);
	assert_false(ep[0].v6only);
	t = parse_ok("[::1]:8080");
	assert_int_equal(pd_target_endpoints(&t, 8080, ep), 1);
	assert_true(ep[0].v6only);
	t = parse_ok("53/udp");
	assert_int_equal(pd_target_format(&t, 53, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "udp 53");
	assert_true(pd_target_format(&t, 53, buf, 4) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_endpoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
