/* Unit tests: src/snapshot/snapshot.c and src/snapshot/write.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "snapfix.h"

static pd_snapshot *full_snapshot(void)
{
	pd_snapshot *s = fx_linux();
	pd_range ex = {PD_PROTO_UDP, PD_FAMILY_V6, 50000, 50059, true};
	pd_range res = {PD_PROTO_NONE, PD_FAMILY_ANY, 8080, 8080, false};

	s->os_detail = strdup("6.1.0");
	s->taken_at = 1795766400;
	s->sockets_complete = true;
	s->owners_partial = true;
	s->winnat_running = 1;
	s->wsl_present = 0;
	s->wsl_mirrored = 1;
	assert_int_equal(pd_snapshot_add_range(&s->excluded, &s->n_excluded, &ex), 0);
	assert_int_equal(pd_snapshot_add_range(&s->reserved, &s->n_reserved, &res),
	                 0);
	fx_socket(s, PD_PROTO_TCP, "::", 3000, PD_STATE_LISTEN, 0, 42);
	fx_socket(s, PD_PROTO_UDP, "127.0.0.53", 53, PD_STATE_UNCONN, -1, 0);
	s->sockets[1].owner_status = PD_OWNER_DENIED;
	s->sockets[1].inode = 123456789;
	/* Hostile names survive as data (made valid UTF-8). */
	fx_process(s, 42, "evil\x1b]0;x\x07", "node \xff\xfe server.js\n--flag");
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 3000, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "::", 3000, 0, 0, NULL);
	assert_int_equal(pd_snapshot_add_note(s, "not_root", "run as root"), 0);
	return s;
}

/* A container keeps the engine endpoint its commands must name; one
 * without it writes no "endpoint" key (recorded output stays as it was). */
static void test_container_endpoint(void **state)
{
	pd_snapshot *s = fx_linux(), *t = NULL;
	pd_container *c;
	char *a = NULL, err[256];

	(void)state;
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->name = strdup("rl");
	c->engine = strdup("podman");
	c->endpoint = strdup("unix:///run/user/1000/podman/podman.sock");
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->name = strdup("web");
	c->engine = strdup("docker");
	assert_int_equal(pd_snapshot_to_json(s, &a), 0);
	assert_int_equal(pd_snapshot_from_json(a, strlen(a), err, sizeof(err), &t),
	                 0);
	assert_int_equal(t->n_containers, 2);
	assert_string_equal(t->containers[0].endpoint,
	                    "unix:///run/user/1000/podman/podman.sock");
	assert_null(t->containers[1].endpoint);
	assert_non_null(strstr(a, "\"endpoint\""));
	assert_null(strstr(strstr(a, "\"web\""), "\"endpoint\""));
	free(a);
	pd_snapshot_free(s);
	pd_snapshot_free(t);
}

static void test_roundtrip(void **state)
{
	pd_snapshot *s = full_snapshot(), *t = NULL;
	char *a = NULL, *b = NULL, err[256];

	(void)state;
	assert_int_equal(pd_snapshot_to_json(s, &a), 0);
	assert_int_equal(pd_snapshot_from_json(a, strlen(a), err, sizeof(err), &t),
	                 0);
	assert_int_equal(pd_snapshot_to_json(t, &b), 0);
	assert_string_equal(a, b);
	assert_int_equal(t->n_sockets, 2);
	assert_int_equal(t->sockets[0].v6only, 0);
	assert_int_equal(t->sockets[1].v6only, -1);
	assert_int_equal(t->sockets[1].owner_status, PD_OWNER_DENIED);
	assert_int_equal(t->sockets[1].inode, 123456789);
	assert_int_equal(t->sockets[0].pids[0], 42);
	assert_int_equal(t->n_binds, 2);
	assert_int_equal(t->binds[0].err, PD_EADDRINUSE);
	assert_int_equal(t->binds[0].os_code, 98);
	assert_true(t->excluded[0].administered);
	assert_int_equal(t->excluded[0].family, PD_FAMILY_V6);
	assert_int_equal(t->winnat_running, 1);
	assert_int_equal(t->wsl_present, 0);
	assert_int_equal(t->wsl_mirrored, 1);
	assert_int_equal(t->hyperv_present, -1);
	assert_int_equal(t->docker_desktop_present, -1);
	assert_int_equal(t->unprivileged_port_start, 1024);
	/* The invalid bytes became U+FFFD; the escape stays as data. */
	assert_non_null(strstr(t->procs[0].cmdline, "\xef\xbf\xbd"));
	assert_non_null(strchr(t->procs[0].name, 0x1b));
	free(a);
	free(b);
	pd_snapshot_free(s);
	pd_snapshot_free(t);
}

/* http.sys URLs and portproxy rules: written, read back, and absent in an
 * older document (none). */
static void test_http_and_portproxy(void **state)
{
	pd_snapshot *s = fx_linux(), *t = NULL;
	pd_http_registration h;
	pd_portproxy_rule pr;
	char *a = NULL, *b = NULL, err[256];
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.url = "HTTP://+:5985/WSMAN/";
	h.port = 5985;
	h.pids[0] = 3580;
	h.n_pids = 1;
	assert_int_equal(pd_snapshot_add_http(s, &h), 0);
	h.url = "http://*:80/";
	h.port = 80;
	h.n_pids = 99; /* capped */
	for (i = 0; i < PD_HTTP_MAX_PIDS; i++)
		h.pids[i] = 100 + i;
	assert_int_equal(pd_snapshot_add_http(s, &h), 0);
	assert_int_equal(s->http_registrations[1].n_pids, PD_HTTP_MAX_PIDS);
	h.url = NULL;
	assert_int_equal(pd_snapshot_add_http(s, &h), PD_EINVAL);
	memset(&pr, 0, sizeof(pr));
	pr.listen_family = PD_FAMILY_V4;
	pr.connect_family = PD_FAMILY_V6;
	pr.listen_address = "0.0.0.0";
	pr.listen_port = 2222;
	pr.connect_address = "::1";
	pr.connect_port = 22;
	assert_int_equal(pd_snapshot_add_portproxy(s, &pr), 0);
	assert_string_equal(pd_portproxy_kind(&s->portproxy_rules[0]), "v4tov6");
	pr.listen_family = PD_FAMILY_ANY;
	pr.listen_address = "myhost";
	pr.connect_address = NULL;
	assert_int_equal(pd_snapshot_add_portproxy(s, &pr), 0);
	assert_null(pd_portproxy_kind(&s->portproxy_rules[1]));

	assert_int_equal(pd_snapshot_to_json(s, &a), 0);
	assert_non_null(strstr(a, "\"kind\": \"v4tov6\""));
	assert_int_equal(pd_snapshot_from_json(a, strlen(a), err, sizeof(err), &t),
	                 0);
	assert_int_equal(pd_snapshot_to_json(t, &b), 0);
	assert_string_equal(a, b);
	assert_int_equal(t->n_http_registrations, 2);
	assert_string_equal(t->http_registrations[0].url, "HTTP://+:5985/WSMAN/");
	assert_int_equal(t->http_registrations[0].port, 5985);
	assert_int_equal(t->http_registrations[0].n_pids, 1);
	assert_int_equal(t->http_registrations[0].pids[0], 3580);
	assert_int_equal(t->http_registrations[1].pids[15], 115);
	assert_int_equal(t->n_portproxy_rules, 2);
	assert_int_equal(t->portproxy_rules[0].listen_family, PD_FAMILY_V4);
	assert_int_equal(t->portproxy_rules[0].connect_family, PD_FAMILY_V6);
	assert_int_equal(t->portproxy_rules[0].listen_port, 2222);
	assert_string_equal(t->portproxy_rules[0].connect_address, "::1");
	assert_string_equal(t->portproxy_rules[1].listen_address, "myhost");
	assert_null(t->portproxy_rules[1].connect_address);
	assert_int_equal(t->portproxy_rules[1].listen_family, PD_FAMILY_ANY);
	free(a);
	free(b);
	pd_snapshot_free(t);
	pd_snapshot_free(s);

	/* An older document has neither array: none. */
	t = NULL;
	assert_int_equal(pd_snapshot_from_json(
		"{\"schema\": \"portdoctor.snapshot.v1\"}", 36, err, sizeof(err),
		&t), 0);
	assert_int_equal(t->n_http_registrations, 0);
	assert_int_equal(t->n_portproxy_rules, 0);
	pd_snapshot_free(t);
}

static void expect_fail(const char *doc, int code, const char *msg_part)
{
	pd_snapshot *t = (pd_snapshot *)0x1;
	char err[256] = "";

	assert_int_equal(pd_snapshot_from_json(doc, strlen(doc), err, sizeof(err),
	                                       &t), code);
	assert_ptr_equal(t, (pd_snapshot *)0x1);
	if (msg_part && !strstr(err, msg_part))
		fail_msg("error '%s' lacks '%s'", err, msg_part);
}

static void test_bad_documents(void **state)
{
	(void)state;
	expect_fail("", PD_EPARSE, "line");
	expect_fail("[]", PD_EPARSE, "not a JSON object");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"http_registrations\": [{\"url\": \"http://+:80/\", "
	            "\"port\": 0}]}", PD_EPARSE, "http_registrations[0]");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"http_registrations\": [{\"port\": 80}]}", PD_EPARSE,
	            "http_registrations[0]");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"http_registrations\": [{\"url\": \"http://+:80/\", "
	            "\"port\": 80, \"pids\": [-1]}]}", PD_EPARSE, "bad pid");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"http_registrations\": {}}", PD_EPARSE, "not an array");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"portproxy_rules\": [{\"kind\": \"v4tov5\", "
	            "\"listen_address\": \"0.0.0.0\", \"listen_port\": 1}]}",
	            PD_EPARSE, "portproxy_rules[0]");
	expect_fail("{\"schema\": \"portdoctor.snapshot.v1\", "
	            "\"portproxy_rules\": [{\"listen_port\": 1}]}",
	            PD_EPARSE, "portproxy_rules[0]");
	expect_fail("{}", PD_EPARSE, "schema");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v9\"}", PD_EVERSION,
	            "unsupported version");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"sockets\":{}}",
	            PD_EPARSE, "sockets");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"sockets\":"
	            "[{\"proto\":\"tcp\",\"local_address\":\"1.2.3\"}]}",
	            PD_EPARSE, "sockets[0]");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"sockets\":"
	            "[{\"proto\":\"tcp\",\"local_address\":\"::\","
	            "\"local_port\":70000}]}", PD_EPARSE, "local_port");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"dynamic\":"
	            "[{\"start\":9,\"end\":8}]}", PD_EPARSE, "dynamic[0]");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"processes\":"
	            "[{\"pid\":1,\"name\":5}]}", PD_EPARSE, "processes[0]");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"binds\":"
	            "[{\"proto\":\"udp\",\"address\":\"::1\",\"port\":0}]}",
	            PD_EPARSE, "binds[0]");
	expect_fail("{\"schema\":\"portdoctor.snapshot.v1\",\"schema\":"
	            "\"portdoctor.snapshot.v1\"}", PD_EPARSE, "duplicate");
}

static void test_truncated_everywhere(void **state)
{
	pd_snapshot *s = full_snapshot(), *t;
	char *a = NULL, err[256];
	size_t len, i;

	(void)state;
	assert_int_equal(pd_snapshot_to_json(s, &a), 0);
	len = strlen(a);
	/* Every proper prefix is invalid JSON and must fail cleanly. */
	for (i = 0; i + 2 < len; i += 7) {
		t = NULL;
		assert_true(pd_snapshot_from_json(a, i, err, sizeof(err), &t) < 0);
		assert_null(t);
	}
	free(a);
	pd_snapshot_free(s);
}

static void test_limits(void **state)
{
	pd_snapshot *t = NULL;
	char err[128];

	(void)state;
	assert_int_equal(pd_snapshot_from_json("{}", (size_t)PD_SNAPSHOT_MAX_BYTES + 1,
	                                       err, sizeof(err), &t), PD_ETOOBIG);
	assert_null(t);
	pd_snapshot_free(NULL);
}

static void test_lookups(void **state)
{
	pd_snapshot *s = full_snapshot();
	pd_addr a = fx_addr("0.0.0.0"), other = fx_addr("192.0.2.1");

	(void)state;
	assert_non_null(pd_snapshot_find_bind(s, PD_PROTO_TCP, &a, 3000));
	assert_null(pd_snapshot_find_bind(s, PD_PROTO_UDP, &a, 3000));
	assert_non_null(pd_snapshot_find_process(s, 42));
	assert_null(pd_snapshot_find_process(s, 43));
	assert_true(pd_snapshot_has_addr(s, &a));
	assert_false(pd_snapshot_has_addr(s, &other));
	a = fx_addr("127.0.0.99"); /* lo answers for all of 127/8 */
	assert_true(pd_snapshot_has_addr(s, &a));
	assert_int_equal(pd_socket_add_pid(&s->sockets[0], 42), 0);
	assert_int_equal(s->sockets[0].n_pids, 1); /* no duplicates */
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_container_endpoint),
		cmocka_unit_test(test_http_and_portproxy),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
