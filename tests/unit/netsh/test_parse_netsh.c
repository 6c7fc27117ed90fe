/*
 * Unit tests for src/netsh/parse.c.
 *
 * Each fixture of tests/data/netsh (see its README.md) has one test that
 * states every range, section and entry the parser must find.  Fixtures
 * are read from $PD_TEST_DATA/netsh, or tests/data/netsh when unset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdata.h"

#include "netsh/netsh.h"

#define TCP PD_PROTO_TCP
#define UDP PD_PROTO_UDP
#define NOP PD_PROTO_NONE
#define V4 PD_FAMILY_V4
#define V6 PD_FAMILY_V6
#define ANY PD_FAMILY_ANY

/* ------------------------------------------------------------ helpers */

static char *load(const char *name, size_t *ret_len)
{
	return pd_test_load("netsh", name, ret_len);
}

static void parse_file(const char *name, pd_netsh_result *r)
{
	size_t len;
	char *text = load(name, &len);

	assert_int_equal(pd_netsh_parse(text, len, NULL, r), 0);
	free(text);
}

static int parse_str(const char *s, const pd_netsh_hint *hint,
                     pd_netsh_result *r)
{
	return pd_netsh_parse(s, strlen(s), hint, r);
}

typedef struct exp_range {
	pd_proto proto;
	pd_family family;
	unsigned start, end;
	bool admin;
} exp_range;

typedef struct exp_section {
	pd_netsh_kind kind;
	pd_proto proto;
	pd_family family;
	size_t line, n_rows;
} exp_section;

static void check_ranges(const pd_range *got, size_t n, const exp_range *exp,
                         size_t n_exp)
{
	assert_int_equal(n, n_exp);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].proto, exp[i].proto);
		assert_int_equal(got[i].family, exp[i].family);
		assert_int_equal(got[i].start, exp[i].start);
		assert_int_equal(got[i].end, exp[i].end);
		assert_int_equal(got[i].administered, exp[i].admin);
	}
}

static void check_sections(const pd_netsh_result *r, const exp_section *exp,
                           size_t n_exp)
{
	assert_int_equal(r->n_sections, n_exp);
	for (size_t i = 0; i < n_exp; i++) {
		assert_int_equal(r->sections[i].kind, exp[i].kind);
		assert_int_equal(r->sections[i].proto, exp[i].proto);
		assert_int_equal(r->sections[i].family, exp[i].family);
		assert_int_equal(r->sections[i].line, exp[i].line);
		assert_int_equal(r->sections[i].n_rows, exp[i].n_rows);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK_EX(r, e) check_ranges((r)->excluded, (r)->n_excluded, e, N(e))
#define CHECK_DYN(r, e) check_ranges((r)->dynamic, (r)->n_dynamic, e, N(e))
#define CHECK_SEC(r, e) check_sections(r, e, N(e))

static void check_nothing_else(const pd_netsh_result *r, bool ex, bool dyn)
{
	if (!ex)
		assert_int_equal(r->n_excluded, 0);
	if (!dyn)
		assert_int_equal(r->n_dynamic, 0);
	assert_int_equal(r->n_proxies, 0);
	assert_int_equal(r->n_urls, 0);
	assert_int_equal(r->n_bad_rows, 0);
	assert_int_equal(r->first_bad_line, 0);
}

/* ------------------------------------------------- excluded fixtures */

static const exp_range en_admin[] = {
	{ TCP, V4, 5357, 5357, false },   { TCP, V4, 9800, 9800, false },
	{ TCP, V4, 9801, 9801, false },   { TCP, V4, 49671, 49770, false },
	{ TCP, V4, 49871, 49970, false }, { TCP, V4, 50000, 50059, true },
	{ TCP, V4, 61117, 61216, false }, { TCP, V4, 61220, 61319, false },
	{ TCP, V4, 61902, 62001, false },
};
static const exp_section en_admin_sec[] = {
	{ PD_NETSH_EXCLUDED, TCP, V4, 1, 9 },
};

static void test_en_excl_tcp4_admin(void **state)
{
	pd_netsh_result r;

	(void)state;
	parse_file("en-excl-tcp4-admin.txt", &r);
	CHECK_EX(&r, en_admin);
	CHECK_SEC(&r, en_admin_sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_en_excl_tcp4_admin_utf16le(void **state)
{
	pd_netsh_result r;

	(void)state;
	parse_file("en-excl-tcp4-admin.utf16le.txt", &r);
	CHECK_EX(&r, en_admin);
	CHECK_SEC(&r, en_admin_sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_en_excl_tcp_udp_gha(void **state)
{
	static const exp_range ex[] = {
		{ TCP, ANY, 80, 80, false },       { TCP, ANY, 5986, 5986, false },
		{ TCP, ANY, 47001, 47001, false }, { TCP, ANY, 51417, 51516, false },
		{ TCP, ANY, 51517, 51616, false }, { UDP, ANY, 56030, 56129, false },
		{ UDP, ANY, 56130, 56229, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, ANY, 4, 5 },
		{ PD_NETSH_EXCLUDED, UDP, ANY, 15, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("en-excl-tcp-udp-gha.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_zh_excl_tcp4(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V4, 1607, 1706, false },   { TCP, V4, 1707, 1806, false },
		{ TCP, V4, 1807, 1906, false },   { TCP, V4, 1907, 2006, false },
		{ TCP, V4, 2007, 2106, false },   { TCP, V4, 2180, 2279, false },
		{ TCP, V4, 2280, 2379, false },   { TCP, V4, 2380, 2479, false },
		{ TCP, V4, 2480, 2579, false },   { TCP, V4, 2606, 2705, false },
		{ TCP, V4, 3897, 3996, false },   { TCP, V4, 5357, 5357, false },
		{ TCP, V4, 5712, 5811, false },   { TCP, V4, 5985, 5985, false },
		{ TCP, V4, 27339, 27339, false }, { TCP, V4, 47001, 47001, false },
		{ TCP, V4, 50000, 50059, true },  { TCP, V4, 54235, 54235, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 1, 18 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("zh-excl-tcp4.gbk.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_es_excl_tcp4(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V4, 1025, 1124, false },   { TCP, V4, 1125, 1224, false },
		{ TCP, V4, 1225, 1324, false },   { TCP, V4, 1325, 1424, false },
		{ TCP, V4, 1425, 1524, false },   { TCP, V4, 1525, 1624, false },
		{ TCP, V4, 5357, 5357, false },   { TCP, V4, 5700, 5700, false },
		{ TCP, V4, 8884, 8884, false },   { TCP, V4, 24266, 24365, false },
		{ TCP, V4, 24466, 24565, false }, { TCP, V4, 24566, 24665, false },
		{ TCP, V4, 24666, 24765, false }, { TCP, V4, 24902, 25001, false },
		{ TCP, V4, 25002, 25101, false }, { TCP, V4, 25102, 25201, false },
		{ TCP, V4, 25313, 25412, false }, { TCP, V4, 25513, 25612, false },
		{ TCP, V4, 25613, 25712, false }, { TCP, V4, 25713, 25812, false },
		{ TCP, V4, 25913, 26012, false }, { TCP, V4, 26013, 26112, false },
		{ TCP, V4, 26113, 26212, false }, { TCP, V4, 50000, 50059, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 3, 24 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("es-excl-tcp4.cp850.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_de_excl_udp6(void **state)
{
	static const exp_range ex[] = {
		{ UDP, V6, 3702, 3702, false },   { UDP, V6, 50000, 50059, true },
		{ UDP, V6, 54112, 54211, false }, { UDP, V6, 54212, 54311, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, UDP, V6, 1, 4 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("de-excl-udp6.cp850.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_fr_excl_tcp4(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V4, 1080, 1179, false }, { TCP, V4, 1180, 1279, false },
		{ TCP, V4, 2869, 2869, false }, { TCP, V4, 3000, 3099, false },
		{ TCP, V4, 5357, 5357, false }, { TCP, V4, 8080, 8080, true },
		{ TCP, V4, 50000, 50059, true },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 1, 7 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("fr-excl-tcp4.cp850.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_ko_excl_tcp4(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V4, 5357, 5357, false },  { TCP, V4, 6555, 6654, false },
		{ TCP, V4, 50000, 50059, true }, { TCP, V4, 63000, 63099, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 1, 4 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("ko-excl-tcp4.cp949.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_ja_excl_tcp6(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V6, 2869, 2869, false },   { TCP, V6, 5000, 5099, false },
		{ TCP, V6, 5985, 5985, false },   { TCP, V6, 47001, 47001, false },
		{ TCP, V6, 50000, 50059, true },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V6, 1, 5 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("ja-excl-tcp6.cp932.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, false);
	pd_netsh_result_done(&r);
}

static void test_en_excl_udp6_empty(void **state)
{
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, UDP, V6, 1, 0 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("en-excl-udp6-empty.txt", &r);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, false, false);
	pd_netsh_result_done(&r);
}

/* --------------------------------------------------- several outputs */

static void test_multi_paste_ps(void **state)
{
	static const exp_range ex[] = {
		{ TCP, V4, 2869, 2869, false },  { TCP, V4, 5357, 5357, false },
		{ TCP, V4, 8005, 8104, false },  { TCP, V4, 8105, 8204, false },
		{ TCP, V4, 50000, 50059, true }, { UDP, V6, 50000, 50059, true },
	};
	static const exp_range dyn[] = {
		{ TCP, V4, 1024, 65534, false },
		{ UDP, V6, 49152, 65535, false },
	};
	/* The "set dynamic" and "ver" outputs are not sections. */
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 1, 5 },
		{ PD_NETSH_EXCLUDED, UDP, V6, 15, 1 },
		{ PD_NETSH_DYNAMIC, TCP, V4, 25, 2 },
		{ PD_NETSH_DYNAMIC, UDP, V6, 39, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("multi-paste-ps.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_DYN(&r, dyn);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, true, true);
	pd_netsh_result_done(&r);
}

/* ---------------------------------------------------- dynamic fixtures */

static void test_en_dyn_tcp_default(void **state)
{
	static const exp_range dyn[] = { { TCP, ANY, 49152, 65535, false } };
	static const exp_section sec[] = {
		{ PD_NETSH_DYNAMIC, TCP, ANY, 2, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("en-dyn-tcp-default.txt", &r);
	CHECK_DYN(&r, dyn);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, false, true);
	pd_netsh_result_done(&r);
}

static void test_en_dyn_packer_log(void **state)
{
	static const exp_range dyn[] = {
		{ TCP, ANY, 49152, 65535, false },
		{ TCP, ANY, 1024, 65534, false },
	};
	static const exp_section sec[] = {
		{ PD_NETSH_DYNAMIC, TCP, ANY, 4, 2 },
		{ PD_NETSH_DYNAMIC, TCP, ANY, 11, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("en-dyn-tcp-1024-64511-packer.txt", &r);
	CHECK_DYN(&r, dyn);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, false, true);
	pd_netsh_result_done(&r);
}

static void test_zh_dyn_1024_13977(void **state)
{
	static const exp_range dyn[] = { { TCP, V4, 1024, 15000, false } };
	static const exp_section sec[] = {
		{ PD_NETSH_DYNAMIC, TCP, V4, 1, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("zh-dyn-tcp4-1024-13977.gbk.txt", &r);
	CHECK_DYN(&r, dyn);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, false, true);
	pd_netsh_result_done(&r);
}

static void test_ja_dyn_udp6(void **state)
{
	static const exp_range dyn[] = { { UDP, V6, 49152, 65535, false } };
	static const exp_section sec[] = {
		{ PD_NETSH_DYNAMIC, UDP, V6, 1, 2 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("ja-dyn-udp6.cp932.txt", &r);
	CHECK_DYN(&r, dyn);
	CHECK_SEC(&r, sec);
	check_nothing_else(&r, false, true);
	pd_netsh_result_done(&r);
}

/* ---------------------------------------------------------- bad rows */

static void test_bad_rows(void **state)
{
	static const exp_range ex[] = { { TCP, V4, 8080, 8080, false } };
	/* "5357 5357 x" is not a row; 70000, 6000>5000, the 23-digit number,
	 * 60000+16384, a count of 0 and a start with no count are bad. */
	static const exp_section sec[] = {
		{ PD_NETSH_EXCLUDED, TCP, V4, 1, 4 },
		{ PD_NETSH_DYNAMIC, TCP, V4, 15, 2 },
		{ PD_NETSH_DYNAMIC, UDP, V4, 22, 2 },
		{ PD_NETSH_DYNAMIC, UDP, V6, 29, 1 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("bad-rows.txt", &r);
	CHECK_EX(&r, ex);
	CHECK_SEC(&r, sec);
	assert_int_equal(r.n_dynamic, 0);
	assert_int_equal(r.n_bad_rows, 6);
	assert_int_equal(r.first_bad_line, 7);
	pd_netsh_result_done(&r);
}

/* Issue 15, point 12: rows no netsh prints ("0 0", a dynamic range from
 * port 0) are bad rows like the others; columns a tool joined with NUL
 * bytes still read as columns. */
static void test_impossible_rows_and_nul(void **state)
{
	static const char text[] =
		"netsh int ipv4 show excludedportrange protocol=tcp\n"
		"Start Port    End Port\n"
		"----------    --------\n"
		"         0           0\n"
		"      5000        5099\n"
		"     50000\0\0\0\0 50059     *\n"
		"         0          10\n"
		"netsh int ipv4 show dynamicport tcp\n"
		"Start Port      : 0\n"
		"Number of Ports : 100\n";
	pd_netsh_result r;

	(void)state;
	assert_int_equal(pd_netsh_parse(text, sizeof(text) - 1, NULL, &r), 0);
	assert_int_equal(r.n_excluded, 2);
	assert_int_equal(r.excluded[0].start, 5000);
	assert_int_equal(r.excluded[1].start, 50000);
	assert_int_equal(r.excluded[1].end, 50059);
	assert_true(r.excluded[1].administered);
	assert_int_equal(r.n_dynamic, 0);
	assert_int_equal(r.n_bad_rows, 3);
	assert_int_equal(r.first_bad_line, 4);
	pd_netsh_result_done(&r);
}

/* --------------------------------------------------- portproxy, http */

static void test_portproxy_show_all(void **state)
{
	static const exp_section sec[] = {
		{ PD_NETSH_PORTPROXY, NOP, ANY, 1, 3 },
	};
	pd_netsh_result r;
	const pd_netsh_portproxy *p;

	(void)state;
	parse_file("portproxy-show-all.txt", &r);
	CHECK_SEC(&r, sec);
	assert_int_equal(r.n_proxies, 3);
	p = r.proxies;
	assert_int_equal(p[0].listen_family, V4);
	assert_string_equal(p[0].listen_addr, "0.0.0.0");
	assert_int_equal(p[0].listen_port, 3000);
	assert_int_equal(p[0].connect_family, V4);
	assert_string_equal(p[0].connect_addr, "172.23.114.5");
	assert_int_equal(p[0].connect_port, 3000);
	assert_string_equal(p[1].listen_addr, "127.0.0.1");
	assert_int_equal(p[1].listen_port, 8080);
	assert_int_equal(p[1].connect_family, V4); /* from the header */
	assert_string_equal(p[1].connect_addr, "localhost");
	assert_int_equal(p[1].connect_port, 80);
	assert_int_equal(p[2].listen_family, V4);
	assert_string_equal(p[2].listen_addr, "0.0.0.0");
	assert_int_equal(p[2].listen_port, 2222);
	assert_int_equal(p[2].connect_family, V6);
	assert_string_equal(p[2].connect_addr, "::1");
	assert_int_equal(p[2].connect_port, 22);
	assert_int_equal(r.n_excluded + r.n_dynamic + r.n_urls, 0);
	assert_int_equal(r.n_bad_rows, 0);
	pd_netsh_result_done(&r);
}

static void check_url(const pd_netsh_url *u, const char *url, unsigned port,
                      bool https, const int *pids, size_t n_pids)
{
	assert_string_equal(u->url, url);
	assert_int_equal(u->port, port);
	assert_int_equal(u->https, https);
	assert_int_equal(u->n_pids, n_pids);
	for (size_t i = 0; i < n_pids; i++)
		assert_int_equal(u->pids[i], pids[i]);
}

static void test_http_servicestate(void **state)
{
	static const int winrm[] = { 3580 };
	static const int two[] = { 7120, 7344 };
	static const exp_section sec[] = {
		{ PD_NETSH_HTTP, NOP, ANY, 1, 9 },
	};
	pd_netsh_result r;

	(void)state;
	parse_file("http-servicestate.txt", &r);
	CHECK_SEC(&r, sec);
	assert_int_equal(r.n_urls, 6);
	check_url(&r.urls[0], "HTTP://+:5985/WSMAN/", 5985, false, winrm, 1);
	check_url(&r.urls[1], "HTTP://+:47001/WSMAN/", 47001, false, winrm, 1);
	/* Its queue has no process attached. */
	check_url(&r.urls[2], "HTTP://*:80/", 80, false, NULL, 0);
	check_url(&r.urls[3],
	          "https://+:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/",
	          443, true, two, 2);
	check_url(&r.urls[4], "http://localhost:5040/", 5040, false, two, 2);
	check_url(&r.urls[5], "https://[::1]:8443/api/", 8443, true, two, 2);
	assert_int_equal(r.n_excluded + r.n_dynamic + r.n_proxies, 0);
	assert_int_equal(r.n_bad_rows, 0);
	pd_netsh_result_done(&r);
}

/* ----------------------------------------------------------- garbage */

static void expect_eparse_file(const char *name)
{
	pd_netsh_result r;
	size_t len;
	char *text = load(name, &len);

	memset(&r, 0xA5, sizeof(r));
	assert_int_equal(pd_netsh_parse(text, len, NULL, &r), PD_EPARSE);
	/* Untouched on failure. */
	for (size_t i = 0; i < sizeof(r); i++)
		assert_int_equal(((unsigned char *)&r)[i], 0xA5);
	free(text);
}

static void test_garbage_text(void **state)
{
	(void)state;
	expect_eparse_file("garbage-text.txt");
}

static void test_garbage_binary(void **state)
{
	(void)state;
	expect_eparse_file("garbage-binary.bin");
}

static void test_empty_and_invalid(void **state)
{
	pd_netsh_result r;

	(void)state;
	assert_int_equal(pd_netsh_parse("", 0, NULL, &r), PD_EPARSE);
	assert_int_equal(pd_netsh_parse(NULL, 0, NULL, &r), PD_EPARSE);
	assert_int_equal(pd_netsh_parse(NULL, 1, NULL, &r), PD_EINVAL);
	assert_int_equal(pd_netsh_parse("x", 1, NULL, NULL), PD_EINVAL);
	pd_netsh_result_done(NULL);
}

static void test_too_big(void **state)
{
	size_t len = 5u * 1024u * 1024u;
	char *text = malloc(len);
	pd_netsh_result r;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < len; i += 24)
		memcpy(text + i, "      5357        5357\r\n",
		       len - i < 24 ? len - i : 24);
	memset(&r, 0xA5, sizeof(r));
	assert_int_equal(pd_netsh_parse(text, len, NULL, &r), PD_ETOOBIG);
	assert_int_equal(((unsigned char *)&r)[0], 0xA5);
	/* The ceiling itself is accepted. */
	assert_int_equal(pd_netsh_parse(text, PD_NETSH_MAX_INPUT, NULL, &r), 0);
	assert_int_equal(r.n_excluded, PD_NETSH_MAX_INPUT / 24);
	pd_netsh_result_done(&r);
	free(text);
}

/* Every prefix of every fixture, each in a buffer of exactly that size. */
static void test_truncated_everywhere(void **state)
{
	static const char *const names[] = {
		"multi-paste-ps.txt",       "zh-excl-tcp4.gbk.txt",
		"ja-excl-tcp6.cp932.txt",   "http-servicestate.txt",
		"portproxy-show-all.txt",   "en-excl-tcp4-admin.utf16le.txt",
		"bad-rows.txt",             "garbage-binary.bin",
	};

	(void)state;
	for (size_t f = 0; f < N(names); f++) {
		size_t len;
		char *text = load(names[f], &len);
		for (size_t cut = 0; cut <= len; cut++) {
			char *part = malloc(cut ? cut : 1);
			pd_netsh_result r;
			int e;

			assert_non_null(part);
			memcpy(part, text, cut);
			e = pd_netsh_parse(part, cut, NULL, &r);
			assert_true(e == 0 || e == PD_EPARSE);
			if (e == 0) {
				assert_true(r.n_sections > 0);
				pd_netsh_result_done(&r);
			}
			free(part);
		}
		free(text);
	}
}

/* --------------------------------------------------- inline edge cases */

static void test_hint_rows_only(void **state)
{
	/* The probe ran the command; the user copied rows only. */
	pd_netsh_hint h = { PD_NETSH_EXCLUDED, UDP, V6 };
	static const exp_range ex[] = { { UDP, V6, 5353, 5353, false },
		                        { UDP, V6, 50000, 50059, true } };
	pd_netsh_result r;

	(void)state;
	assert_int_equal(parse_str("  5353  5353\n 50000 50059 *\n", &h, &r), 0);
	CHECK_EX(&r, ex);
	assert_int_equal(r.n_sections, 1);
	pd_netsh_result_done(&r);

	/* What the text says wins over the hint. */
	assert_int_equal(parse_str("Protocol tcp Port Exclusion Ranges\r\n"
	                           "      80    80\r\n", &h, &r), 0);
	assert_int_equal(r.n_excluded, 1);
	assert_int_equal(r.excluded[0].proto, TCP);
	assert_int_equal(r.excluded[0].family, V6);
	pd_netsh_result_done(&r);
}

static void test_hint_empty_outputs(void **state)
{
	pd_netsh_hint pp = { PD_NETSH_PORTPROXY, NOP, ANY };
	pd_netsh_hint ex = { PD_NETSH_EXCLUDED, TCP, V4 };
	pd_netsh_result r;

	(void)state;
	/* No portproxy rules: netsh prints nothing but blank lines. */
	assert_int_equal(parse_str("\r\n\r\n", &pp, &r), 0);
	assert_int_equal(r.n_sections, 1);
	assert_int_equal(r.sections[0].kind, PD_NETSH_PORTPROXY);
	assert_int_equal(r.n_proxies, 0);
	pd_netsh_result_done(&r);
	/* No excluded header at all: not an empty list but no answer. */
	assert_int_equal(parse_str("\r\n", &ex, &r), PD_EPARSE);
	/* Header only, as the probe captures it: an empty list. */
	assert_int_equal(parse_str("\r\nProtocol tcp Port Exclusion Ranges\r\n"
	                           "\r\nStart Port    End Port\r\n"
	                           "----------    --------\r\n\r\n"
	                           "* - Administered port exclusions.\r\n",
	                           &ex, &r), 0);
	assert_int_equal(r.n_sections, 1);
	assert_int_equal(r.sections[0].kind, PD_NETSH_EXCLUDED);
	assert_int_equal(r.sections[0].proto, TCP);
	assert_int_equal(r.sections[0].family, V4);
	assert_int_equal(r.sections[0].n_rows, 0);
	pd_netsh_result_done(&r);
}

static void test_header_only_kind_by_dashes(void **state)
{
	pd_netsh_result r;

	(void)state;
	/* No command, no rows: the two dash groups say "excluded". */
	assert_int_equal(parse_str("Protocol udp Port Exclusion Ranges\n\n"
	                           "Start Port    End Port\n"
	                           "----------    --------\n", NULL, &r), 0);
	assert_int_equal(r.n_sections, 1);
	assert_int_equal(r.sections[0].kind, PD_NETSH_EXCLUDED);
	assert_int_equal(r.sections[0].proto, UDP);
	pd_netsh_result_done(&r);
}

static void test_line_ends(void **state)
{
	static const char cr_cr_lf[] = "netsh int ipv4 show excl tcp\r\r\n"
	                               "  1 2\r\r\n  3 4 *\r\r\n";
	static const char lone_cr[] = "netsh int ipv4 show excl tcp\r  1 2\r"
	                              "  3 4 *";
	static const exp_range ex[] = { { TCP, V4, 1, 2, false },
		                        { TCP, V4, 3, 4, true } };
	pd_netsh_result r;

	(void)state;
	assert_int_equal(parse_str(cr_cr_lf, NULL, &r), 0);
	CHECK_EX(&r, ex);
	pd_netsh_result_done(&r);
	assert_int_equal(parse_str(lone_cr, NULL, &r), 0);
	CHECK_EX(&r, ex);
	pd_netsh_result_done(&r);
}

static void test_numbers(void **state)
{
	pd_netsh_result r;

	(void)state;
	assert_int_equal(parse_str("netsh int ipv4 show excludedportrange tcp\n"
	                           "0 0\n00080 0080\n65535 65535\n65535 65536\n"
	                           "-1 5\n+1 5\n1\t\t5\n",
	                           NULL, &r), 0);
	/* "0 0" is a bad row (issue 15), like 65536. */
	assert_int_equal(r.n_excluded, 3);
	assert_int_equal(r.excluded[0].start, 80);
	assert_int_equal(r.excluded[0].end, 80);
	assert_int_equal(r.excluded[1].start, 65535);
	assert_int_equal(r.excluded[2].start, 1);
	assert_int_equal(r.excluded[2].end, 5);
	assert_int_equal(r.n_bad_rows, 2);
	assert_int_equal(r.first_bad_line, 2);
	pd_netsh_result_done(&r);

	/* 1 + 65535 ports ends at 65535; one more does not fit. */
	assert_int_equal(parse_str("netsh int ipv4 show dynamicport tcp\n"
	                           "Start : 1\nCount : 65535\n"
	                           "netsh int ipv4 show dynamicport udp\n"
	                           "Start : 1\nCount : 65536\n", NULL, &r), 0);
	assert_int_equal(r.n_dynamic, 1);
	assert_int_equal(r.dynamic[0].end, 65535);
	assert_int_equal(r.n_bad_rows, 1);
	pd_netsh_result_done(&r);
}

static void test_fullwidth_colon(void **state)
{
	/* Retyped Chinese, UTF-8 with U+FF1A, no command line. */
	static const char text[] = "协议 tcp 动态端口范围\n"
	                           "---------------------------------\n"
	                           "启动端口 \xEF\xBC\x9A 1024\n"
	                           "端口数 \xEF\xBC\x9A 13977\n";
	pd_netsh_result r;

	(void)state;
	assert_int_equal(parse_str(text, NULL, &r), 0);
	assert_int_equal(r.n_dynamic, 1);
	assert_int_equal(r.dynamic[0].proto, TCP);
	assert_int_equal(r.dynamic[0].family, ANY);
	assert_int_equal(r.dynamic[0].start, 1024);
	assert_int_equal(r.dynamic[0].end, 15000);
	pd_netsh_result_done(&r);
}

static void test_free_text_label_not_dynamic(void **state)
{
	pd_netsh_result r;

	(void)state;
	/* "label : number" outside announced output is chat, not a range. */
	assert_int_equal(parse_str("Start Port : 1024\nNumber : 5\n", NULL, &r),
	                 PD_EPARSE);
}

static void test_to_snapshot(void **state)
{
	pd_snapshot s;
	pd_netsh_result r;

	(void)state;
	memset(&s, 0, sizeof(s));
	parse_file("multi-paste-ps.txt", &r);
	assert_int_equal(pd_netsh_result_to_snapshot(&r, &s), 0);
	assert_int_equal(s.n_excluded, 6);
	assert_int_equal(s.n_dynamic, 2);
	assert_int_equal(s.excluded[5].proto, UDP);
	assert_int_equal(s.excluded[5].family, V6);
	assert_true(s.excluded[5].administered);
	assert_int_equal(s.dynamic[0].start, 1024);
	assert_int_equal(s.dynamic[0].end, 65534);
	assert_int_equal(pd_netsh_result_to_snapshot(NULL, &s), PD_EINVAL);
	free(s.excluded);
	free(s.dynamic);
	pd_netsh_result_done(&r);
}

/* URLs and portproxy rules go into the snapshot with their pids and
 * families. */
static void test_to_snapshot_http_portproxy(void **state)
{
	pd_snapshot *s = pd_snapshot_new();
	pd_netsh_result r;

	(void)state;
	assert_non_null(s);
	parse_file("http-servicestate.txt", &r);
	assert_int_equal(pd_netsh_result_to_snapshot(&r, s), 0);
	pd_netsh_result_done(&r);
	assert_int_equal(s->n_http_registrations, 6);
	assert_string_equal(s->http_registrations[0].url, "HTTP://+:5985/WSMAN/");
	assert_int_equal(s->http_registrations[0].n_pids, 1);
	assert_int_equal(s->http_registrations[0].pids[0], 3580);
	parse_file("portproxy-show-all.txt", &r);
	assert_int_equal(pd_netsh_result_to_snapshot(&r, s), 0);
	pd_netsh_result_done(&r);
	assert_int_equal(s->n_portproxy_rules, 3);
	assert_string_equal(s->portproxy_rules[2].listen_address, "0.0.0.0");
	assert_int_equal(s->portproxy_rules[2].listen_port, 2222);
	assert_string_equal(pd_portproxy_kind(&s->portproxy_rules[2]), "v4tov6");
	assert_string_equal(s->portproxy_rules[1].connect_address, "localhost");
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_en_excl_tcp4_admin),
		cmocka_unit_test(test_en_excl_tcp4_admin_utf16le),
		cmocka_unit_test(test_en_excl_tcp_udp_gha),
		cmocka_unit_test(test_zh_excl_tcp4),
		cmocka_unit_test(test_es_excl_tcp4),
		cmocka_unit_test(test_de_excl_udp6),
		cmocka_unit_test(test_fr_excl_tcp4),
		cmocka_unit_test(test_ko_excl_tcp4),
		cmocka_unit_test(test_ja_excl_tcp6),
		cmocka_unit_test(test_en_excl_udp6_empty),
		cmocka_unit_test(test_multi_paste_ps),
		cmocka_unit_test(test_en_dyn_tcp_default),
		cmocka_unit_test(test_en_dyn_packer_log),
		cmocka_unit_test(test_zh_dyn_1024_13977),
		cmocka_unit_test(test_ja_dyn_udp6),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_impossible_rows_and_nul),
		cmocka_unit_test(test_portproxy_show_all),
		cmocka_unit_test(test_to_snapshot_http_portproxy),
		cmocka_unit_test(test_http_servicestate),
		cmocka_unit_test(test_garbage_text),
		cmocka_unit_test(test_garbage_binary),
		cmocka_unit_test(test_empty_and_invalid),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_hint_rows_only),
		cmocka_unit_test(test_hint_empty_outputs),
		cmocka_unit_test(test_header_only_kind_by_dashes),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fullwidth_colon),
		cmocka_unit_test(test_free_text_label_not_dynamic),
		cmocka_unit_test(test_to_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
