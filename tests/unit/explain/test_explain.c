/* Unit tests: src/explain/explain.c on the seed's three messages and more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "explain/errmsg.h"
#include "explain/explain.h"

static const char seed1[] =
	"Error invoking remote method \xe2\x80\x98" "docker-start-container"
	"\xe2\x80\x99: Error: (HTTP code 500) server error - Ports are not "
	"available: exposing port TCP 192.168.0.157:6555 -> 0.0.0.0:0: listen "
	"tcp 192.168.0.157:6555: can\xe2\x80\x99t bind on the specified endpoint.";
static const char seed2[] =
	"Error invoking remote method \xe2\x80\x98" "docker-start-container"
	"\xe2\x80\x99: error: (http code 500) server error - ports are not "
	"available.";
static const char seed3[] =
	"Error invoking remote method \xe2\x80\x98" "docker-start-container"
	"\xe2\x80\x99: Error: (HTTP code 500) server error - Ports are not "
	"available: listen tcp 0.0.0.0:50070: bind: An attempt was made to "
	"access a socket in a way forbidden by access permissions.";

static pd_errmsg *parse_one(const char *text, size_t *n)
{
	pd_errmsg *list = NULL;

	assert_int_equal(pd_errmsg_parse(text, strlen(text), &list, n), 0);
	assert_int_equal(*n, 1);
	return list;
}

static char *meaning(const pd_errmsg *e)
{
	char *m = NULL;

	assert_int_equal(pd_explain_meaning(e, &m), 0);
	assert_non_null(m);
	return m;
}

static void test_seed_not_local(void **state)
{
	size_t n;
	pd_errmsg *e = parse_one(seed1, &n);
	pd_target t;
	char *m = meaning(e);
	char a[PD_ADDR_STRLEN];

	(void)state;
	assert_int_equal(e->error_class, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	assert_non_null(strstr(m, "not on this machine"));
	assert_non_null(strstr(m, "Docker Desktop"));
	assert_int_equal(pd_errmsg_target(e, &t), 0);
	assert_int_equal(t.host, PD_HOST_ADDR);
	assert_string_equal(pd_addr_format(&t.addr, a, sizeof(a)), "192.168.0.157");
	assert_int_equal(t.port_lo, 6555);
	assert_int_equal(t.proto, PD_PROTO_TCP);
	assert_false(pd_errmsg_from_windows(e));
	free(m);
	pd_errmsg_free(e, n);
}

static void test_seed_no_port(void **state)
{
	size_t n;
	pd_errmsg *e = parse_one(seed2, &n);
	pd_target t;
	char *m = meaning(e);

	(void)state;
	assert_int_equal(e->port, -1);
	memset(&t, 0x33, sizeof(t));
	assert_int_equal(pd_errmsg_target(e, &t), PD_EINVAL);
	assert_int_equal(((unsigned char *)&t)[0], 0x33);
	assert_non_null(strstr(m, "does not say which port"));
	assert_non_null(strstr(m, "excludedportrange"));
	free(m);
	pd_errmsg_free(e, n);
}

static void test_seed_forbidden(void **state)
{
	size_t n;
	pd_errmsg *e = parse_one(seed3, &n);
	pd_target t;
	char *m = meaning(e);

	(void)state;
	assert_int_equal(e->error_class, PD_ERRCLASS_ACCESS_DENIED);
	assert_true(pd_errmsg_from_windows(e));
	assert_non_null(strstr(m, "excluded port range"));
	assert_non_null(strstr(m, "Hyper-V/WinNAT"));
	assert_int_equal(pd_errmsg_target(e, &t), 0);
	assert_int_equal(t.port_lo, 50070);
	assert_int_equal(t.host, PD_HOST_ADDR);
	assert_true(pd_addr_is_any(&t.addr));
	free(m);
	pd_errmsg_free(e, n);
}

static void test_go_every_address(void **state)
{
	static const char go[] = "listen udp :5353: bind: address already in use";
	size_t n;
	pd_errmsg *e = parse_one(go, &n);
	pd_target t;
	char *m = meaning(e);

	(void)state;
	assert_true(e->all_addresses);
	assert_int_equal(pd_errmsg_target(e, &t), 0);
	assert_int_equal(t.host, PD_HOST_ALL);
	assert_int_equal(t.proto, PD_PROTO_UDP);
	assert_non_null(strstr(m, "already holds"));
	free(m);
	pd_errmsg_free(e, n);
}

static void test_json_offline(void **state)
{
	size_t n;
	pd_errmsg *e = parse_one(seed3, &n);
	pd_explain x;
	pd_explain_item it;
	char *text = NULL;
	json_t *root, *err0;

	(void)state;
	memset(&x, 0, sizeof(x));
	memset(&it, 0, sizeof(it));
	it.err = e;
	it.meaning = meaning(e);
	it.why_no_check = "not checked (--offline)";
	x.items = &it;
	x.n_items = 1;
	assert_int_equal(pd_render_explain_json(&x, &text), 0);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	err0 = json_array_get(json_object_get(root, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(err0, "error_class")),
	                    "access_denied");
	assert_int_equal(json_integer_value(json_object_get(err0, "port")), 50070);
	assert_true(json_is_null(json_object_get(err0, "result")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(err0,
	                 "os_error"), "code")), 10013);
	assert_true(json_is_null(json_object_get(root, "host")));
	json_decref(root);
	free(text);
	free(it.meaning);
	pd_errmsg_free(e, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_not_local),
		cmocka_unit_test(test_seed_no_port),
		cmocka_unit_test(test_seed_forbidden),
		cmocka_unit_test(test_go_every_address),
		cmocka_unit_test(test_json_offline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
