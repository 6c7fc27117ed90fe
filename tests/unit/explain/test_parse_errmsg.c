/*
 * Tests for src/explain/parse.c: the labelled corpus, the three seed messages,
 * one test per input form seen in the wild, limits and garbage.
 *
 * PD_TEST_DATA points at tests/data (default "tests/data").
 */
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

static const char *data_dir(void)
{
	const char *d = getenv("PD_TEST_DATA");
	return d && *d ? d : "tests/data";
}

static char *read_data(const char *rel, size_t *ret_len)
{
	char path[1024];
	FILE *fp;
	char *buf;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)sz, fp), (size_t)sz);
	buf[sz] = '\0';
	fclose(fp);
	*ret_len = (size_t)sz;
	return buf;
}

static pd_errmsg *parse_n(const char *text, size_t len, size_t want)
{
	pd_errmsg *list = (pd_errmsg *)0x1;
	size_t n = 12345;
	assert_int_equal(pd_errmsg_parse(text, len, &list, &n), 0);
	if (n != want) {
		for (size_t i = 0; i < n; i++)
			print_message("  [%zu] %s port=%d class=%s tool=%s\n", i,
			              list[i].address ? list[i].address : "(null)", list[i].port,
			              pd_errclass_name(list[i].error_class),
			              list[i].tool ? list[i].tool : "(null)");
	}
	assert_int_equal(n, want);
	if (want == 0)
		assert_null(list);
	return list;
}

static pd_errmsg *parse_s(const char *text, size_t want)
{
	return parse_n(text, strlen(text), want);
}

static void assert_str(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* Every field of one result. */
typedef struct expect {
	const char *address;
	bool all;
	int port;
	pd_proto proto;
	bool implied;
	pd_errclass cls;
	const char *tool;
	int os_code;
	const char *os_name;
	const char *service;
	const char *container;
} expect;

static void check(const pd_errmsg *m, const expect *e)
{
	assert_str(m->address, e->address);
	assert_int_equal(m->all_addresses, e->all);
	assert_int_equal(m->port, e->port);
	assert_int_equal(m->proto, e->proto);
	assert_int_equal(m->proto_implied, e->implied);
	assert_string_equal(pd_errclass_name(m->error_class), pd_errclass_name(e->cls));
	assert_str(m->tool, e->tool);
	assert_int_equal(m->os_code, e->os_code);
	assert_str(m->os_name, e->os_name);
	assert_str(m->service, e->service);
	assert_str(m->container, e->container);
	assert_non_null(m->text);
}

/* ------------------------------------------------------------ corpus */

/* The corpus names these programs; everything else is "other". */
static const char *corpus_tool(const char *ours)
{
	static const char *const named[] = {"docker-desktop", "docker", "compose", "podman",
	                                    "go", "python", "node", "java", "dotnet", "nginx"};
	for (size_t i = 0; ours && i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(ours, named[i]) == 0)
			return ours;
	return "other";
}

static const char *corpus_class(const char *label)
{
	return strcmp(label, "not_available_addr") == 0 ? "address_not_available" : label;
}

/*
 * Labels the message itself does not support: the labeller knew the port
 * or program from the issue around it, or took TCP as Docker's / Python's
 * default.  The parser must not guess them, so for these the test checks
 * that the field is null instead.  Each is counted apart in the score.
 */
typedef struct unsaid {
	const char *id, *field, *why;
} unsaid;

static const unsaid unsaid_fields[] = {
	{"e025", "proto", "port allocator message has no protocol"},
	{"e066", "proto", "port allocator message has no protocol"},
	{"e139", "proto", "port allocator message has no protocol"},
	{"e141", "proto", "port allocator message has no protocol"},
	{"e056", "proto", "vpnkit 'Bind for' message has no protocol"},
	{"e086", "proto", "vpnkit 'Bind for' message has no protocol"},
	{"e070", "proto", "bare WinError, no socket type"},
	{"e075", "proto", "no socket type in the message"},
	{"e107", "proto", "Python bind(), no socket type"},
	{"e108", "proto", "Python bind(), no socket type"},
	{"e110", "proto", "Python bind(), no socket type"},
	{"e116", "proto", "nginx bind() is the same for tcp and udp"},
	{"e120", "proto", "bare 'bind:' line"},
	{"e148", "proto", "bare Winsock text"},
	{"e076", "proto", "Python bind(), no socket type"},
	{"e107", "port", "port 5000 is not in the message"},
	{"e108", "port", "port 12345 is not in the message"},
	{"e110", "port", "port 1340 is not in the message"},
	{"e120", "port", "port 5984 is not in the message"},
	{"e148", "port", "port 1234 is not in the message"},
	{"e148", "tool", "bare Winsock text; dotnet is from the issue"},
	{"e084", "tool", "Go's net error text; Docker Desktop is from the issue"},
};

static const char *unsaid_why(const char *id, const char *field)
{
	for (size_t i = 0; i < sizeof(unsaid_fields) / sizeof(unsaid_fields[0]); i++)
		if (strcmp(unsaid_fields[i].id, id) == 0 && strcmp(unsaid_fields[i].field, field) == 0)
			return unsaid_fields[i].why;
	return NULL;
}

static int corpus_fields(const char *id, json_t *rec, const pd_errmsg *m, int *total,
                         int *right, int *unsaid_total, int *unsaid_null)
{
	static const char *const fields[] = {"address", "port", "proto", "errno_class", "tool"};
	int bad = 0;
	for (size_t k = 0; k < 5; k++) {
		const char *f = fields[k];
		json_t *want = json_object_get(rec, f);
		char got[128] = "null", exp[128] = "null";
		bool ok;
		const char *why;
		if (!want)
			continue;
		if (m && k == 0 && m->address)
			snprintf(got, sizeof(got), "%s", m->address);
		if (m && k == 1 && m->port > 0)
			snprintf(got, sizeof(got), "%d", m->port);
		if (m && k == 2 && m->proto)
			snprintf(got, sizeof(got), "%s", m->proto == PD_PROTO_TCP ? "tcp" : "udp");
		if (k == 3)
			snprintf(got, sizeof(got), "%s",
			         m ? pd_errclass_name(m->error_class) : "(no result)");
		if (k == 4)
			snprintf(got, sizeof(got), "%s", corpus_tool(m ? m->tool : NULL));
		if (json_is_string(want))
			snprintf(exp, sizeof(exp), "%s",
			         k == 3 ? corpus_class(json_string_value(want)) : json_string_value(want));
		else if (json_is_integer(want))
			snprintf(exp, sizeof(exp), "%lld", (long long)json_integer_value(want));
		why = unsaid_why(id, f);
		if (why) {
			/* A field must stay null; a program is reported as the text
			 * shows it (e084 is Go's error text). */
			bool is_null = k == 4 || strcmp(got, "null") == 0;
			(*unsaid_total)++;
			*unsaid_null += is_null;
			if (!is_null) {
				print_message("%s %s: label %s is not in the text, but got %s\n", id, f,
				              exp, got);
				bad++;
			}
			continue;
		}
		ok = strcmp(got, exp) == 0;
		(*total)++;
		*right += ok;
		if (!ok) {
			print_message("%s %s: want %s got %s\n", id, f, exp, got);
			bad++;
		}
	}
	return bad;
}

static void test_corpus(void **state)
{
	char path[1024];
	FILE *fp;
	char line[65536];
	int total = 0, right = 0, ut = 0, un = 0, bad = 0, recs = 0;
	(void)state;

	snprintf(path, sizeof(path), "%s/corpus/port-errors.dev.jsonl", data_dir());
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), fp)) {
		json_error_t err;
		json_t *rec = json_loads(line, 0, &err);
		const char *id, *msg;
		pd_errmsg *list = NULL;
		size_t n = 0;
		if (!rec)
			continue;
		id = json_string_value(json_object_get(rec, "id"));
		msg = json_string_value(json_object_get(rec, "message"));
		assert_non_null(id);
		assert_non_null(msg);
		assert_int_equal(pd_errmsg_parse(msg, strlen(msg), &list, &n), 0);
		recs++;
		bad += corpus_fields(id, rec, n ? &list[0] : NULL, &total, &right, &ut, &un);
		pd_errmsg_free(list, n);
		json_decref(rec);
	}
	fclose(fp);
	print_message("corpus: %d records, %d/%d fields right where the message states "
	              "them; %d/%d labels the message does not state left unguessed\n",
	              recs, right, total, un, ut);
	assert_int_equal(bad, 0);
}

/* -------------------------------------------------------------- seeds */

static void test_seed_endpoint(void **state)
{
	const char *t = "Error invoking remote method \xe2\x80\x98" "docker-start-container"
	                "\xe2\x80\x99: Error: (HTTP code 500) server error - Ports are not "
	                "available: exposing port TCP 192.168.0.157:6555 -> 0.0.0.0:0: listen "
	                "tcp 192.168.0.157:6555: can\xe2\x80\x99t bind on the specified endpoint.";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "192.168.0.157", .port = 6555, .proto = PD_PROTO_TCP,
	            .cls = PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, .tool = "docker-desktop",
	            .os_code = -1};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
}

static void test_seed_bare(void **state)
{
	const char *t = "Error invoking remote method \xe2\x80\x98" "docker-start-container"
	                "\xe2\x80\x99: error: (http code 500) server error - ports are not "
	                "available.";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.port = -1, .cls = PD_ERRCLASS_UNKNOWN, .tool = "docker-desktop",
	            .os_code = -1};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
}

static void test_seed_forbidden(void **state)
{
	const char *t = "Error invoking remote method \xe2\x80\x98" "docker-start-container"
	                "\xe2\x80\x99: Error: (HTTP code 500) server error - Ports are not "
	                "available: listen tcp 0.0.0.0:xxxx: bind: An attempt was made to "
	                "access a socket in a way forbidden by access permissions.";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "0.0.0.0", .port = -1, .proto = PD_PROTO_TCP,
	            .cls = PD_ERRCLASS_ACCESS_DENIED, .tool = "docker-desktop",
	            .os_code = 10013, .os_name = "WSAEACCES"};
	(void)state;
	check(&l[0], &e);
	assert_string_equal(l[0].os_text, "An attempt was made to access a socket in a way "
	                                  "forbidden by access permissions");
	pd_errmsg_free(l, 1);
}

/* The seeds as the origin file holds them (code blocks in Markdown). */
static void test_seed_file(void **state)
{
	size_t len;
	char *t = read_data("windows-docker-port-error.zh.md", &len);
	pd_errmsg *l;
	(void)state;
	/* Three failures: 192.168.0.157:6555, 0.0.0.0 (port xxxx) and the bare
	 * one, which has no endpoint and joins neither (different classes are
	 * compatible with unknown, so it folds into the nearest). */
	l = parse_n(t, len, 2);
	assert_string_equal(l[0].address, "192.168.0.157");
	assert_int_equal(l[0].error_class, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	assert_string_equal(l[1].address, "0.0.0.0");
	assert_int_equal(l[1].error_class, PD_ERRCLASS_ACCESS_DENIED);
	pd_errmsg_free(l, 2);
	free(t);
}


/* ------------------------------------------------------- wild forms */

static void test_multi_folded(void **state)
{
	size_t len;
	char *t = read_data("errmsg/multi.txt", &len);
	pd_errmsg *l = parse_n(t, len, 4);
	expect e0 = {.address = "::", .port = 443, .cls = PD_ERRCLASS_IN_USE, .tool = "nginx",
	             .os_code = 98, .os_name = "EADDRINUSE"};
	expect e1 = {.address = "0.0.0.0", .port = 443, .cls = PD_ERRCLASS_IN_USE,
	             .tool = "nginx", .os_code = 98, .os_name = "EADDRINUSE"};
	expect e2 = {.address = "127.0.0.1", .port = 8000, .proto = PD_PROTO_TCP,
	             .implied = true, .cls = PD_ERRCLASS_IN_USE, .tool = "python",
	             .os_code = 98, .os_name = "EADDRINUSE"};
	expect e3 = {.address = "0.0.0.0", .port = 53, .proto = PD_PROTO_UDP,
	             .cls = PD_ERRCLASS_IN_USE, .tool = "docker", .os_code = -1,
	             .os_name = "EADDRINUSE", .container = "dns"};
	(void)state;
	check(&l[0], &e0);
	check(&l[1], &e1);
	check(&l[2], &e2);
	check(&l[3], &e3);
	assert_int_equal(l[3].family, PD_FAMILY_V4);
	assert_string_equal(l[0].os_text, "Address already in use");
	pd_errmsg_free(l, 4);
	free(t);
}

static void test_wrapped_terminal(void **state)
{
	size_t len;
	char *t = read_data("errmsg/wrapped-80.txt", &len);
	pd_errmsg *l = parse_n(t, len, 1);
	expect e = {.address = "127.0.0.1", .port = 49383, .proto = PD_PROTO_TCP,
	            .cls = PD_ERRCLASS_IN_USE, .tool = "docker", .os_code = -1,
	            .os_name = "EADDRINUSE", .container = "web"};
	(void)state;
	check(&l[0], &e);
	assert_non_null(strstr(l[0].text, "connectivity on endpoint web"));
	pd_errmsg_free(l, 1);
	free(t);
}

/* A wrap at a width seen twice, cut inside "address". */
static void test_wrapped_width(void **state)
{
	pd_errmsg *l;
	const char *t2 = "Error: listen EADDRINUSE: address already in \n"
	                 "use 127.0.0.1:8080 (the dev server was starte\n"
	                 "d twice by the watcher)\n";
	expect e = {.address = "127.0.0.1", .port = 8080, .proto = PD_PROTO_TCP,
	            .implied = true, .cls = PD_ERRCLASS_IN_USE, .tool = "node",
	            .os_code = -1, .os_name = "EADDRINUSE"};
	(void)state;
	l = parse_s(t2, 1);
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
}

static void test_json_escaped(void **state)
{
	size_t len;
	char *t = read_data("errmsg/json-log.jsonl", &len);
	pd_errmsg *l = parse_n(t, len, 2);
	expect e0 = {.address = "::1", .port = 8443, .proto = PD_PROTO_TCP,
	             .cls = PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, .tool = "go", .os_code = -1,
	             .os_name = "EADDRNOTAVAIL"};
	expect e1 = {.address = "0.0.0.0", .port = 80, .cls = PD_ERRCLASS_IN_USE,
	             .tool = "nginx", .os_code = 98, .os_name = "EADDRINUSE"};
	(void)state;
	check(&l[0], &e0);
	check(&l[1], &e1);
	assert_null(strchr(l[0].text, '\x1b'));
	pd_errmsg_free(l, 2);
	free(t);
}

static void test_json_quotes(void **state)
{
	const char *t = "{\"message\":\"Error: unable to start container \\\"7299d4\\\": "
	                "rootlessport cannot expose privileged port 80, you can add "
	                "'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf "
	                "(currently 1024): listen tcp 0.0.0.0:80: bind: permission denied\\n\"}";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "0.0.0.0", .port = 80, .proto = PD_PROTO_TCP,
	            .cls = PD_ERRCLASS_PRIVILEGED, .tool = "podman", .os_code = -1,
	            .os_name = "EACCES"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
}

static void test_log_prefix(void **state)
{
	const char *t = "2025-12-02 09:42:53,942 - ERROR - start failed: [WinError 10048] "
	                "\xe9\x80\x9a\xe5\xb8\xb8\xe6\xaf\x8f\xe4\xb8\xaa\xe5\xa5\x97\xe6\x8e"
	                "\xa5\xe5\xad\x97\xe5\x9c\xb0\xe5\x9d\x80(\xe5\x8d\x8f\xe8\xae\xae/"
	                "\xe7\xbd\x91\xe7\xbb\x9c\xe5\x9c\xb0\xe5\x9d\x80/\xe7\xab\xaf\xe5\x8f"
	                "\xa3)\xe5\x8f\xaa\xe5\x85\x81\xe8\xae\xb8\xe4\xbd\xbf\xe7\x94\xa8\xe4"
	                "\xb8\x80\xe6\xac\xa1\xe3\x80\x82\n";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.port = -1, .cls = PD_ERRCLASS_IN_USE, .tool = "python", .os_code = 10048,
	            .os_name = "WSAEADDRINUSE"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
}

static void test_python_tuple(void **state)
{
	const char *t = "Traceback (most recent call last):\n"
	                "  File \"C:\\Users\\me\\proj\\opcua_server.py\", line 40, in <module>\n"
	                "    server.start()\n"
	                "OSError: [Errno 10048] error while attempting to bind on address "
	                "('0.0.0.0', 4840): only one usage of each socket address "
	                "(protocol/network address/port) is normally permitted\n";
	const char *t6 = "OSError: [Errno 98] error while attempting to bind on address "
	                 "('::', 8000, 0, 0): address already in use\n";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "0.0.0.0", .port = 4840, .cls = PD_ERRCLASS_IN_USE,
	            .tool = "python", .os_code = 10048, .os_name = "WSAEADDRINUSE"};
	expect e6 = {.address = "::", .port = 8000, .cls = PD_ERRCLASS_IN_USE,
	             .tool = "python", .os_code = 98, .os_name = "EADDRINUSE"};
	(void)state;
	check(&l[0], &e);
	assert_string_equal(l[0].os_text, "only one usage of each socket address "
	                                  "(protocol/network address/port) is normally permitted");
	pd_errmsg_free(l, 1);
	l = parse_s(t6, 1);
	check(&l[0], &e6);
	pd_errmsg_free(l, 1);
}

static void test_urls(void **state)
{
	const char *t = "crit: Microsoft.AspNetCore.Server.Kestrel[0]\n"
	                "      Unable to start Kestrel.\n"
	                "      System.IO.IOException: Failed to bind to address http://[::]:5000: "
	                "address already in use.\n";
	const char *t2 = "System.IO.IOException: Failed to bind to address http://localhost:1146 on "
	                 "the IPv4 loopback interface: port already in use.\n";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "::", .port = 5000, .proto = PD_PROTO_TCP, .implied = true,
	            .cls = PD_ERRCLASS_IN_USE, .tool = "dotnet", .os_code = -1,
	            .os_name = "EADDRINUSE"};
	expect e2 = {.address = "localhost", .port = 1146, .proto = PD_PROTO_TCP,
	             .implied = true, .cls = PD_ERRCLASS_IN_USE, .tool = "dotnet",
	             .os_code = -1};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
	l = parse_s(t2, 1);
	check(&l[0], &e2);
	pd_errmsg_free(l, 1);
}

static void test_node(void **state)
{
	size_t len;
	char *t = read_data("errmsg/node-object.txt", &len);
	pd_errmsg *l = parse_n(t, len, 1);
	expect e = {.address = "::", .port = 3000, .proto = PD_PROTO_TCP, .implied = true,
	            .cls = PD_ERRCLASS_IN_USE, .tool = "node", .os_code = -1,
	            .os_name = "EADDRINUSE"};
	expect e1 = {.address = "::1", .port = 8080, .proto = PD_PROTO_TCP, .implied = true,
	             .cls = PD_ERRCLASS_IN_USE, .tool = "node", .os_code = -1,
	             .os_name = "EADDRINUSE"};
	expect eu = {.address = "0.0.0.0", .port = 5353, .proto = PD_PROTO_UDP, .implied = true,
	             .cls = PD_ERRCLASS_IN_USE, .tool = "node", .os_code = -1,
	             .os_name = "EADDRINUSE"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
	free(t);
	l = parse_s("Error: listen EADDRINUSE: address already in use ::1:8080", 1);
	check(&l[0], &e1);
	pd_errmsg_free(l, 1);
	l = parse_s("Error: bind EADDRINUSE 0.0.0.0:5353\n    at dgram.js:1:1", 1);
	check(&l[0], &eu);
	pd_errmsg_free(l, 1);
}

static void test_go_empty_host(void **state)
{
	const char *t = "2023/02/12 14:44:11 listen tcp :8080: bind: address already in use\n";
	const char *t6 = "listen tcp6 [fe80::1%eth0]:8080: bind: cannot assign requested address";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.all = true, .port = 8080, .proto = PD_PROTO_TCP, .cls = PD_ERRCLASS_IN_USE,
	            .tool = "go", .os_code = -1, .os_name = "EADDRINUSE"};
	expect e6 = {.address = "fe80::1%eth0", .port = 8080, .proto = PD_PROTO_TCP,
	             .cls = PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, .tool = "go", .os_code = -1,
	             .os_name = "EADDRNOTAVAIL"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
	l = parse_s(t6, 1);
	check(&l[0], &e6);
	assert_int_equal(l[0].family, PD_FAMILY_V6);
	pd_errmsg_free(l, 1);
}

static void test_ipv6_brackets(void **state)
{
	const char *t = "nginx: [emerg] bind() to [0:0:0:0:0:0:0:1]:8080 failed (99: Cannot "
	                "assign requested address)";
	const char *ts = "bind [127.0.0.1]:8080: Address already in use\n"
	                 "channel_setup_fwd_listener_tcpip: cannot listen to port: 8080\n"
	                 "Could not request local forwarding.";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "::1", .port = 8080, .cls = PD_ERRCLASS_ADDRESS_NOT_AVAILABLE,
	            .tool = "nginx", .os_code = 99, .os_name = "EADDRNOTAVAIL"};
	expect es = {.address = "127.0.0.1", .port = 8080, .proto = PD_PROTO_TCP,
	             .implied = true, .cls = PD_ERRCLASS_IN_USE, .tool = "ssh", .os_code = -1,
	             .os_name = "EADDRINUSE"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
	l = parse_s(ts, 1);
	check(&l[0], &es);
	pd_errmsg_free(l, 1);
}

static void test_proto_words(void **state)
{
	const char *t = "Error starting userland proxy: listen udp6 [::]:53: bind: address already in use";
	const char *t2 = "driver failed programming external connectivity on endpoint x (1): "
	                 "failed to bind port 0.0.0.0:8080/tcp: Error starting userland proxy: "
	                 "listen tcp4 0.0.0.0:8080: bind: address already in use";
	pd_errmsg *l = parse_s(t, 1);
	expect e = {.address = "::", .port = 53, .proto = PD_PROTO_UDP,
	            .cls = PD_ERRCLASS_IN_USE, .tool = "docker", .os_code = -1,
	            .os_name = "EADDRINUSE"};
	expect e2 = {.address = "0.0.0.0", .port = 8080, .proto = PD_PROTO_TCP,
	             .cls = PD_ERRCLASS_IN_USE, .tool = "docker", .os_code = -1,
	             .os_name = "EADDRINUSE", .container = "x"};
	(void)state;
	check(&l[0], &e);
	assert_int_equal(l[0].family, PD_FAMILY_V6);
	pd_errmsg_free(l, 1);
	l = parse_s(t2, 1);
	check(&l[0], &e2);
	pd_errmsg_free(l, 1);
}

static void test_windows_crlf(void **state)
{
	size_t len;
	char *t = read_data("errmsg/windows-crlf-compose.txt", &len);
	pd_errmsg *l = parse_n(t, len, 1);
	expect e = {.address = "0.0.0.0", .port = 3000, .proto = PD_PROTO_TCP,
	            .cls = PD_ERRCLASS_ACCESS_DENIED, .tool = "compose", .os_code = 10013,
	            .os_name = "WSAEACCES"};
	(void)state;
	check(&l[0], &e);
	assert_null(strchr(l[0].text, '\r'));
	assert_int_equal(strncmp(l[0].text, "Error response", 14), 0);
	pd_errmsg_free(l, 1);
	free(t);
}

static void test_translations(void **state)
{
	static const struct {
		const char *text;
		pd_errclass cls;
		int code;
	} cases[] = {
		{"listen tcp 0.0.0.0:80: bind: Der Zugriff auf einen Socket war aufgrund der "
		 "Zugriffsrechte des Sockets unzul\xc3\xa4ssig.", PD_ERRCLASS_ACCESS_DENIED, 10013},
		{"listen tcp 0.0.0.0:80: bind: Intento de acceso a un socket no permitido por sus "
		 "permisos de acceso.", PD_ERRCLASS_ACCESS_DENIED, 10013},
		{"listen tcp 0.0.0.0:80: bind: \xd0\xa1\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb0\xd0\xbd\xd0"
		 "\xb0 \xd0\xbf\xd0\xbe\xd0\xbf\xd1\x8b\xd1\x82\xd0\xba\xd0\xb0 \xd0\xb4\xd0\xbe\xd1"
		 "\x81\xd1\x82\xd1\x83\xd0\xbf\xd0\xb0 \xd0\xba \xd1\x81\xd0\xbe\xd0\xba\xd0\xb5\xd1"
		 "\x82\xd1\x83", PD_ERRCLASS_ACCESS_DENIED, 10013},
		{"listen tcp 0.0.0.0:80: bind: \xe3\x82\xa2\xe3\x82\xaf\xe3\x82\xbb\xe3\x82\xb9\xe8"
		 "\xa8\xb1\xe5\x8f\xaf\xe3\x81\xa7\xe7\xa6\x81\xe3\x81\x98\xe3\x82\x89\xe3\x82\x8c"
		 "\xe3\x81\x9f\xe6\x96\xb9\xe6\xb3\x95\xe3\x81\xa7\xe3\x82\xbd\xe3\x82\xb1\xe3\x83"
		 "\x83\xe3\x83\x88\xe3\x81\xab\xe3\x82\xa2\xe3\x82\xaf\xe3\x82\xbb\xe3\x82\xb9\xe3"
		 "\x81\x97\xe3\x82\x88\xe3\x81\x86\xe3\x81\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x97"
		 "\xe3\x81\x9f\xe3\x80\x82", PD_ERRCLASS_ACCESS_DENIED, 10013},
		{"listen tcp 0.0.0.0:80: bind: Normalerweise darf jede Socketadresse (Protokoll, "
		 "Netzwerkadresse oder Anschluss) nur jeweils einmal verwendet werden.",
		 PD_ERRCLASS_IN_USE, 10048},
		{"listen tcp 0.0.0.0:80: bind: Une seule utilisation de chaque adresse de socket "
		 "(protocole/adresse r\xc3\xa9seau/port) est habituellement autoris\xc3\xa9" "e.",
		 PD_ERRCLASS_IN_USE, 10048},
		{"listen tcp 10.1.2.3:80: bind: L\xe2\x80\x99" "adresse demand\xc3\xa9" "e n\xe2\x80\x99"
		 "est pas valide dans son contexte.", PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, 10049},
		{"listen tcp 10.1.2.3:80: bind: \xe5\x9c\xa8\xe5\x85\xb6\xe4\xb8\x8a\xe4\xb8\x8b\xe6"
		 "\x96\x87\xe4\xb8\xad\xef\xbc\x8c\xe8\xaf\xa5\xe8\xaf\xb7\xe6\xb1\x82\xe7\x9a\x84"
		 "\xe5\x9c\xb0\xe5\x9d\x80\xe6\x97\xa0\xe6\x95\x88\xe3\x80\x82",
		 PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, 10049},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pd_errmsg *l = parse_s(cases[i].text, 1);
		assert_int_equal(l[0].error_class, cases[i].cls);
		assert_int_equal(l[0].os_code, cases[i].code);
		assert_int_equal(l[0].port, 80);
		assert_non_null(l[0].os_text);
		pd_errmsg_free(l, 1);
	}
}

/* The errno number depends on the OS: 48 is EADDRINUSE on macOS. */
static void test_errno_platform(void **state)
{
	pd_errmsg *l = parse_s("OSError: [Errno 48] Address already in use", 1);
	expect e = {.port = -1, .cls = PD_ERRCLASS_IN_USE, .tool = "python", .os_code = 48,
	            .os_name = "EADDRINUSE"};
	(void)state;
	check(&l[0], &e);
	pd_errmsg_free(l, 1);
	/* A number that does not fit the wording is not taken. */
	l = parse_s("socket.error: [Errno 13] Address already in use", 1);
	assert_int_equal(l[0].os_code, -1);
	pd_errmsg_free(l, 1);
	/* Apache on Windows. */
	l = parse_s("(OS 10048)Only one usage of each socket address (protocol/network "
	            "address/port) is normally permitted.  : AH00072: make_sock: could not "
	            "bind to address 0.0.0.0:80", 1);
	assert_int_equal(l[0].os_code, 10048);
	assert_string_equal(l[0].tool, "apache");
	assert_int_equal(l[0].proto, PD_PROTO_TCP);
	assert_true(l[0].proto_implied);
	assert_string_equal(l[0].address, "0.0.0.0");
	pd_errmsg_free(l, 1);
}

static void test_privileged_rules(void **state)
{
	pd_errmsg *l;
	(void)state;
	l = parse_s("listen tcp 0.0.0.0:443: bind: permission denied", 1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_PRIVILEGED);
	pd_errmsg_free(l, 1);
	l = parse_s("listen tcp 0.0.0.0:8443: bind: permission denied", 1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_ACCESS_DENIED);
	pd_errmsg_free(l, 1);
	/* Windows has no privileged ports. */
	l = parse_s("listen tcp 0.0.0.0:80: bind: An attempt was made to access a socket in "
	            "a way forbidden by its access permissions.", 1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_ACCESS_DENIED);
	pd_errmsg_free(l, 1);
}

static void test_more_programs(void **state)
{
	pd_errmsg *l;
	(void)state;
	l = parse_s("1:M 01 Jan 2024 00:00:00.000 # Warning: Could not create server TCP "
	            "listening socket *:6379: bind: Address already in use", 1);
	assert_true(l[0].all_addresses);
	assert_null(l[0].address);
	assert_int_equal(l[0].port, 6379);
	assert_string_equal(l[0].tool, "redis");
	pd_errmsg_free(l, 1);
	l = parse_s("Address already in use - bind(2) for \"0.0.0.0\" port 3000 "
	            "(Errno::EADDRINUSE)", 1);
	assert_string_equal(l[0].address, "0.0.0.0");
	assert_int_equal(l[0].port, 3000);
	assert_string_equal(l[0].tool, "ruby");
	pd_errmsg_free(l, 1);
	l = parse_s("docker: Error response from daemon: driver failed programming external "
	            "connectivity on endpoint kind-control-plane (0a1b): Bind for 0.0.0.0:80 "
	            "failed: port is already allocated.", 1);
	assert_string_equal(l[0].tool, "kind");
	assert_int_equal(l[0].error_class, PD_ERRCLASS_ALREADY_ALLOCATED);
	assert_int_equal(l[0].proto, PD_PROTO_NONE);
	assert_null(l[0].os_name);
	pd_errmsg_free(l, 1);
	l = parse_s("ERROR: for ddev-web  Cannot start service web: Ports are not available: "
	            "listen tcp 127.0.0.1:443: bind: address already in use", 1);
	assert_string_equal(l[0].tool, "compose");
	assert_string_equal(l[0].service, "web");
	assert_string_equal(l[0].container, "ddev-web");
	pd_errmsg_free(l, 1);
}

static void test_no_failure(void **state)
{
	(void)state;
	parse_s("", 0);
	parse_s("just some text\nport 80 is open\nListening on http://localhost:3000\n"
	        "bash: ./x: Permission denied\n", 0);
	parse_s("    at Object.<anonymous> (/app/util.js:1022:11)\n"
	        "2024-01-01 12:11:39 AM Running HTTP :80\n"
	        "Accepting connections on port 3000\n", 0);
	parse_s("s.bind(('0.0.0.0', 8080))\ns.listen(5)\n", 0);
	parse_n("\0\0\0", 3, 0);
}

static void test_limits(void **state)
{
	size_t big = 2u * 1024 * 1024;
	char *t = malloc(big);
	pd_errmsg *l = (pd_errmsg *)0x1;
	size_t n = 777;
	(void)state;
	assert_non_null(t);
	memset(t, 'a', big);
	assert_int_equal(pd_errmsg_parse(t, big, &l, &n), PD_ETOOBIG);
	assert_ptr_equal(l, (pd_errmsg *)0x1);
	assert_int_equal(n, 777);
	assert_int_equal(pd_errmsg_parse(NULL, 1, &l, &n), PD_EINVAL);
	assert_int_equal(pd_errmsg_parse("x", 1, NULL, &n), PD_EINVAL);
	/* Many failures: at most PD_ERRMSG_MAX_RESULTS come back. */
	{
		size_t off = 0;
		for (int p = 1000; p < 1300 && off + 100 < big; p++)
			off += (size_t)snprintf(t + off, big - off,
			                        "listen tcp 0.0.0.0:%d: bind: address already in use\n", p);
		l = parse_n(t, off, PD_ERRMSG_MAX_RESULTS);
		assert_int_equal(l[0].port, 1000);
		pd_errmsg_free(l, PD_ERRMSG_MAX_RESULTS);
	}
	/* Just under the ceiling, worst case for the scanners. */
	for (size_t i = 0; i < PD_ERRMSG_MAX_INPUT; i++)
		t[i] = "listen tcp [::1]:80 bind: Address\n\\u00"[i % 38];
	assert_int_equal(pd_errmsg_parse(t, PD_ERRMSG_MAX_INPUT, &l, &n), 0);
	pd_errmsg_free(l, n);
	free(t);
}

/* Truncated messages and random bytes: no crash, no read past len (ASan). */
static void test_garbage(void **state)
{
	const char *seed = "Error response from daemon: Ports are not available: exposing port "
	                   "TCP [fe80::1%eth0]:6555 -> 0.0.0.0:0: listen tcp6 [::]:6555: bind: "
	                   "\xe4\xbb\xa5\xe4\xb8\x80 (98: Address already in use) ('::', 8000) "
	                   "\\u001b[31m http://[::1 listen EACCES: permission denied \"80\"";
	size_t sl = strlen(seed);
	uint32_t x = 12345;
	(void)state;
	for (size_t cut = 0; cut <= sl; cut++) {
		char *t = malloc(cut ? cut : 1);
		pd_errmsg *l;
		size_t n;
		memcpy(t, seed, cut);
		assert_int_equal(pd_errmsg_parse(t, cut, &l, &n), 0);
		pd_errmsg_free(l, n);
		free(t);
	}
	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)(round * 7 % 500) + 1;
		char *t = malloc(len);
		pd_errmsg *l;
		size_t n;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			t[i] = (round & 1) ? seed[(x >> 8) % sl] : (char)(x >> 16);
		}
		assert_int_equal(pd_errmsg_parse(t, len, &l, &n), 0);
		pd_errmsg_free(l, n);
		free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_seed_endpoint),
		cmocka_unit_test(test_seed_bare),
		cmocka_unit_test(test_seed_forbidden),
		cmocka_unit_test(test_seed_file),
		cmocka_unit_test(test_multi_folded),
		cmocka_unit_test(test_wrapped_terminal),
		cmocka_unit_test(test_wrapped_width),
		cmocka_unit_test(test_json_escaped),
		cmocka_unit_test(test_json_quotes),
		cmocka_unit_test(test_log_prefix),
		cmocka_unit_test(test_python_tuple),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_go_empty_host),
		cmocka_unit_test(test_ipv6_brackets),
		cmocka_unit_test(test_proto_words),
		cmocka_unit_test(test_windows_crlf),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_errno_platform),
		cmocka_unit_test(test_privileged_rules),
		cmocka_unit_test(test_more_programs),
		cmocka_unit_test(test_no_failure),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
