/* Unit tests: src/render/text.c, src/render/list.c, src/render/json.c, sanitize.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "remedy/remedy.h"
#include "snapfix.h"

static const char hostile_name[] = "ev\x1b[2Jil\x07\n\xe2\x80\xae" "gpj.exe";

static pd_snapshot *hostile(void)
{
	pd_snapshot *s = fx_linux();
	char *big = malloc(1 << 20);

	assert_non_null(big);
	memset(big, 'A', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	big[10] = '\x1b';
	big[11] = '\xff';
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_STATE_LISTEN, -1, 7);
	fx_process(s, 7, hostile_name, big);
	free(big);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "::", 8080, 0, 0, NULL);
	return s;
}

static void assert_terminal_safe(const char *text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n')
			continue;
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw control byte 0x%02x in output", *p);
	}
	assert_null(strstr(text, "\xe2\x80\xae")); /* RIGHT-TO-LEFT OVERRIDE */
	assert_null(strstr(text, "\xff"));
}

static void test_check_text_hostile(void **state)
{
	pd_snapshot *s = hostile();
	pd_report *r = fx_diagnose(s, "8080");
	pd_render_opts o = {false, false, false, false};
	char *text = NULL;

	(void)state;
	assert_int_equal(pd_render_check_text(r, &o, &text), 0);
	assert_terminal_safe(text);
	assert_non_null(strstr(text, "NOT AVAILABLE"));
	assert_non_null(strstr(text, "in_use"));
	assert_non_null(strstr(text, "ev\\x1b[2Jil\\x07\\n\\u202egpj.exe"));
	assert_non_null(strstr(text, "pid 7"));
	/* A megabyte command line is cut without -v. */
	assert_true(strlen(text) < 8192);
	free(text);
	o.verbose = true;
	o.color = true;
	assert_int_equal(pd_render_check_text(r, &o, &text), 0);
	assert_true(strlen(text) > (1u << 20));
	assert_non_null(strstr(text, "\033[1;31m")); /* colour asked for */
	free(text);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_check_json_hostile(void **state)
{
	pd_snapshot *s = hostile();
	pd_report *r = fx_diagnose(s, "8080");
	char *text = NULL;
	json_t *root, *res, *f, *owner;
	json_error_t e;

	(void)state;
	assert_int_equal(pd_render_check_json(r, &text), 0);
	root = json_loads(text, 0, &e);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "schema")),
	                    "portdoctor.check.v1");
	res = json_array_get(json_object_get(root, "results"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(res, "target"),
	                                         "address")));
	assert_int_equal(json_integer_value(json_object_get(
	                 json_object_get(res, "target"), "port")), 8080);
	assert_true(json_is_false(json_object_get(res, "available")));
	f = json_array_get(json_object_get(res, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "code")), "in_use");
	owner = json_array_get(json_object_get(f, "owners"), 0);
	assert_int_equal(json_integer_value(json_object_get(owner, "pid")), 7);
	/* The name is kept exactly (valid UTF-8), escaped by JSON. */
	assert_string_equal(json_string_value(json_object_get(owner, "name")),
	                    hostile_name);
	assert_non_null(strstr(json_string_value(json_object_get(owner, "cmdline")),
	                       "\xef\xbf\xbd"));
	assert_null(strchr(text, 0x1b)); /* raw ESC never in the document */
	json_decref(root);
	free(text);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_list_and_ranges(void **state)
{
	pd_snapshot *s = hostile();
	pd_render_opts o = {false, false, false, false};
	pd_verdict *v;
	size_t n;
	char *text = NULL;
	json_t *root;

	(void)state;
	fx_socket(s, PD_PROTO_UDP, "::", 53, PD_STATE_UNCONN, 0, 0);
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 22, PD_STATE_LISTEN, -1, 0);
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 4000, PD_STATE_ESTABLISHED, -1, 0);
	assert_int_equal(pd_render_list_text(s, &o, &text), 0);
	assert_terminal_safe(text);
	/* Sorted: tcp 22, tcp 8080, udp 53; the connection is not listed. */
	assert_true(strstr(text, "127.0.0.1:22") < strstr(text, "0.0.0.0:8080"));
	assert_true(strstr(text, "0.0.0.0:8080") < strstr(text, "[::]:53+v4"));
	assert_null(strstr(text, ":4000"));
	free(text);
	o.udp = true;
	assert_int_equal(pd_render_list_json(s, &o, &text), 0);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "sockets")), 1);
	json_decref(root);
	free(text);
	assert_int_equal(pd_ranges_check(s, &v, &n), 0);
	assert_int_equal(pd_render_ranges_json(s, v, n, &text), 0);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	                 json_object_get(root, "dynamic"), 0), "start")), 32768);
	assert_true(json_is_null(json_object_get(json_array_get(
	            json_object_get(root, "dynamic"), 0), "family")));
	json_decref(root);
	free(text);
	assert_int_equal(pd_render_ranges_text(s, v, n, &o, &text), 0);
	assert_non_null(strstr(text, "32768-60999"));
	free(text);
	pd_verdicts_free(v, n);
	pd_snapshot_free(s);
}

static void test_time_format(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;
	pd_render_opts o = {false, false, false, false};
	char *text;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 9000, PD_STATE_LISTEN, -1, 9);
	fx_process(s, 9, "php-fpm", "php-fpm: master process");
	s->procs[0].start_time = 951782400; /* 2000-02-29 00:00:00 UTC */
	r = fx_diagnose(s, "9000");
	assert_int_equal(pd_render_check_text(r, &o, &text), 0);
	assert_non_null(strstr(text, "started 2000-02-29 00:00:00 UTC"));
	free(text);
	pd_report_free(r);
	pd_snapshot_free(s);
}

/* Issue 15, point 6: one socket listing 100,000 pids (and 100,000
 * processes, in descending pid order so no sorted-input shortcut helps),
 * plus 1,000 repeats, read from a snapshot and shown by check --json, -v
 * and the kill planner.  Each step used to compare every pid with every
 * other (about 10^10 steps here, hours); now it is O(n log n), so this
 * finishes in a second or so and meson's timeout catches a regression. */
#define MANY 100000
#define REPEATS 1000

static char *many_pids_json(void)
{
	pd_buf b;
	int i;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "{\"schema\":\"portdoctor.snapshot.v1\",\"os\":\"linux\","
	            "\"privileged\":true,\"sockets\":[{\"proto\":\"tcp\","
	            "\"local_address\":\"0.0.0.0\",\"local_port\":4100,"
	            "\"state\":\"listen\",\"owner_status\":\"found\",\"pids\":[");
	for (i = 0; i < MANY + REPEATS; i++)
		pd_buf_printf(&b, "%s%d", i ? "," : "", 1000000 - i % MANY);
	pd_buf_puts(&b, "]}],\"processes\":[");
	for (i = 0; i < MANY; i++)
		pd_buf_printf(&b, "%s{\"pid\":%d,\"name\":\"w%d\"}", i ? "," : "",
		              1000000 - i, i);
	pd_buf_puts(&b, "],\"binds\":[{\"proto\":\"tcp\",\"address\":\"0.0.0.0\","
	            "\"port\":4100,\"error\":\"EADDRINUSE\"}]}");
	return pd_buf_steal(&b);
}

static void test_many_pids(void **state)
{
	char *text = many_pids_json(), err[256] = "", *out = NULL;
	pd_render_opts o = {false, true, false, false};
	pd_snapshot *s = NULL;
	pd_report *r;
	json_t *doc, *owners;
	json_error_t jerr;
	pd_plan *pl = NULL;
	pd_plan_opts po;

	(void)state;
	assert_non_null(text);
	assert_int_equal(pd_snapshot_from_json(text, strlen(text), err,
	                                       sizeof(err), &s), 0);
	free(text);
	assert_int_equal(s->sockets[0].n_pids, MANY); /* repeats dropped */
	assert_int_equal(s->sockets[0].pids[0], 1000000);
	assert_int_equal(s->sockets[0].pids[MANY - 1], 1000000 - MANY + 1);
	assert_string_equal(pd_snapshot_find_process(s, 1000000 - 4242)->name,
	                    "w4242");
	assert_null(pd_snapshot_find_process(s, 7));
	r = fx_diagnose(s, "4100");
	assert_int_equal(pd_render_check_json(r, &out), 0);
	doc = json_loads(out, 0, &jerr);
	free(out);
	assert_non_null(doc);
	owners = json_object_get(json_array_get(json_object_get(json_array_get(
	         json_object_get(doc, "results"), 0), "findings"), 0), "owners");
	assert_int_equal(json_array_size(owners), MANY);
	assert_int_equal(json_integer_value(json_object_get(
	                 json_array_get(owners, 0), "pid")), 1000000);
	assert_string_equal(json_string_value(json_object_get(
	                    json_array_get(owners, MANY - 1), "name")), "w99999");
	json_decref(doc);
	assert_int_equal(pd_render_check_text(r, &o, &out), 0); /* -v: all */
	assert_non_null(strstr(out, "held by w0 (pid 1000000)"));
	assert_non_null(strstr(out, " and 99997 more"));
	free(out);
	memset(&po, 0, sizeof(po));
	assert_int_equal(pd_plan_kill(s, &r->results[0], &po, &pl), 0);
	assert_int_equal(pl->remedies[0].id, PD_R_STOP_PROCESS);
	pd_plan_free(pl);
	pd_report_free(r);
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_text_hostile),
		cmocka_unit_test(test_check_json_hostile),
		cmocka_unit_test(test_list_and_ranges),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_many_pids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
