/*
 * Tests for the forms of text the error-message parser learned from real
 * messages (issue 19): each test quotes a message of
 * tests/data/corpus/dev-more.jsonl (source in the corpus) or a variant
 * that must not be read as a failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "explain/errmsg.h"

/* Parses t; exactly want failures.  Returns the list (free it). */
static pd_errmsg *parse(const char *t, size_t want)
{
	pd_errmsg *list = NULL;
	size_t n = 99;
	assert_int_equal(pd_errmsg_parse(t, strlen(t), &list, &n), 0);
	if (n != want)
		for (size_t i = 0; i < n; i++)
			print_message("  [%zu] %s port=%d class=%s\n", i,
			              list[i].address ? list[i].address : "(null)", list[i].port,
			              pd_errclass_name(list[i].error_class));
	assert_int_equal(n, want);
	return list;
}

/* One failure with this address (NULL: none), port and class. */
static void one(const char *t, const char *addr, int port, pd_errclass cls)
{
	pd_errmsg *l = parse(t, 1);
	if (addr) {
		assert_non_null(l[0].address);
		assert_string_equal(l[0].address, addr);
	} else {
		assert_null(l[0].address);
	}
	assert_int_equal(l[0].port, port);
	assert_string_equal(pd_errclass_name(l[0].error_class), pd_errclass_name(cls));
	pd_errmsg_free(l, 1);
}

static void test_v6_without_brackets(void **state)
{
	(void)state;
	one("Could not create server TCP listening listening socket ::1:6379: bind: Cannot "
	    "assign requested address",
	    "::1", 6379, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	one("Error: listen EADDRINUSE: address already in use :::5000", "::", 5000,
	    PD_ERRCLASS_IN_USE);
	/* Node's error object: the address on a line of its own, no port glued. */
	one("  code: 'EADDRNOTAVAIL',\n  errno: 'EADDRNOTAVAIL',\n  syscall: 'listen',\n"
	    "  address: 'fe80::9c6b:3ddc:9d33:a634',\n  port: 8000",
	    "fe80::9c6b:3ddc:9d33:a634", 8000, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	/* libuv's UNKNOWN code and a description the table does not know. */
	one("Error: listen UNKNOWN: unknown error ffff::eeee:dddd:cccc:bbbb:8000",
	    "ffff::eeee:dddd:cccc:bbbb", 8000, PD_ERRCLASS_UNKNOWN);
	/* A v4-mapped address in brackets. */
	one("E0226 17:32:01.333655913   71004 tcp_server_posix.c:284]     bind "
	    "addr=[::ffff:127.0.0.1]:50051: Address already in use",
	    "::ffff:127.0.0.1", 50051, PD_ERRCLASS_IN_USE);
}

static void test_redacted_hosts(void **state)
{
	(void)state;
	one("time=\"2018-03-20T04:52:38-05:00\" level=error msg=\"Error opening listener listen "
	    "tcp xxx.247.131.221:80: bind: Only one usage of each socket address "
	    "(protocol/network address/port) is normally permitted.\"",
	    NULL, 80, PD_ERRCLASS_IN_USE);
	one("Error: listen EADDRNOTAVAIL: address not available **.**.***.**:7777", NULL, 7777,
	    PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	one("Oct 17 12:14:46 | redis[75526]: Creating Server TCP listening socket "
	    "xx.xx.xx.106.106:6379: bind: Address already in use",
	    NULL, 6379, PD_ERRCLASS_IN_USE);
}

static void test_multiaddr(void **state)
{
	(void)state;
	one("`Error: Failed to bind /dns/localhost/tcp/8080/http. Address already in use (os "
	    "error 98`",
	    "localhost", 8080, PD_ERRCLASS_IN_USE);
	one("Error: serveHTTPApi: manet.Listen(/ip4/127.0.0.1/tcp/5001) failed: listen tcp4 "
	    "127.0.0.1:5001: bind: address already in use",
	    "127.0.0.1", 5001, PD_ERRCLASS_IN_USE);
}

static void test_port_on_address(void **state)
{
	(void)state;
	one("debug1: Bind to port 8022 on 0.0.0.0.\nBind to port 8022 on 0.0.0.0 failed: "
	    "Address already in use.\nCannot bind any address.",
	    "0.0.0.0", 8022, PD_ERRCLASS_IN_USE);
	one("Bind to port 22 on :: failed: Address in use.", "::", 22, PD_ERRCLASS_IN_USE);
}

/* A failure whose own line names no port takes it from the lines around. */
static void test_lines_around(void **state)
{
	(void)state;
	one("LOG:  could not bind IPv4 socket: Can't assign requested address\nHINT:  Is "
	    "another postmaster already running on port 5432? If not, wait a few seconds and "
	    "retry.",
	    NULL, 5432, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
	one("Starting development server at http://127.0.0.1:8000/\nQuit the server with "
	    "CONTROL-C.\nError: That port is already in use.",
	    "127.0.0.1", 8000, PD_ERRCLASS_IN_USE);
	one("2025-03-14T10:43:42.700-0500 I CONTROL  [initandlisten] options: { net: { bindIp: "
	    "\"127.0.0.1\", port: 27217 } }\n2025-03-14T10:43:42.700-0500 E STORAGE  "
	    "[initandlisten] Failed to set up listener: SocketException: Address already in use",
	    "127.0.0.1", 27217, PD_ERRCLASS_IN_USE);
	/* A failure that names its host takes a port only from the lines
	 * after it: the line before is another step. */
	one("micro: Accepting connections on port 3000\nmicro: Error: listen EACCES: permission "
	    "denied 127.0.0.1",
	    "127.0.0.1", -1, PD_ERRCLASS_ACCESS_DENIED);
	/* Too far away: no port. */
	one("port 4000\n\n\n\n\n\n\n\n\n\nOSError: [Errno 98] Address already in use", NULL, -1,
	    PD_ERRCLASS_IN_USE);
}

/* A line cut inside a wording is classed when the start is unambiguous. */
static void test_cut_wording(void **state)
{
	pd_errmsg *l;
	(void)state;
	one("FATA[2018-10-25T09:24:44+03:00] Error preparing server: error opening listener: "
	    "listen tcp :443: bind: address al",
	    NULL, 443, PD_ERRCLASS_IN_USE);
	/* "address " starts wordings of different classes. */
	one("listen tcp 0.0.0.0:8080: bind: address ", "0.0.0.0", 8080, PD_ERRCLASS_UNKNOWN);
	l = parse("bash: ./x: Permission", 0);
	pd_errmsg_free(l, 0);
}

static void test_numbers_in_parentheses(void **state)
{
	pd_errmsg *l;
	(void)state;
	/* HAProxy's pid "(1)" is no errno 1 (EPERM). */
	l = parse("[ALERT] 213/135403 (1) : Starting proxy socks5: cannot bind socket "
	          "[0.0.0.0:8889]",
	          1);
	assert_int_equal(l[0].os_code, -1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_UNKNOWN);
	assert_int_equal(l[0].port, 8889);
	pd_errmsg_free(l, 1);
	/* Apache's "(98)Address" and nginx's "(98: ..." still are. */
	l = parse("(98)Address already in use: AH00072: make_sock: could not bind to address "
	          "0.0.0.0:80",
	          1);
	assert_int_equal(l[0].os_code, 98);
	pd_errmsg_free(l, 1);
}

static void test_codes_and_atoms(void **state)
{
	pd_errmsg *l;
	(void)state;
	one("** (EXIT) {:listen_error, HelloPhoenix.Endpoint.HTTP, :eaddrinuse}", NULL, -1,
	    PD_ERRCLASS_IN_USE);
	one("rabbitmq_1  | Protocol 'inet_tcp': register/listen error: eacces", NULL, -1,
	    PD_ERRCLASS_ACCESS_DENIED);
	/* The code alone when the wording is garbled. */
	l = parse("OSError: [WinError 10048] Solo se permite un uso de cada direcci\xe2\x96\x92n "
	          "de socket (protocolo/direcci\xe2\x96\x92n de red/puerto)",
	          1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_IN_USE);
	assert_string_equal(l[0].os_name, "WSAEADDRINUSE");
	pd_errmsg_free(l, 1);
	/* ... but not against a wording that says otherwise. */
	l = parse("socket.error: [Errno 13] Address already in use", 1);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_IN_USE);
	assert_string_equal(l[0].os_name, "EADDRINUSE");
	pd_errmsg_free(l, 1);
	/* Old Node's misspelt code, the port from "Listening on 80". */
	l = parse("Listening on 80\n\nnode.js:207\n        throw e;\nError: listen EACCESS\n"
	          "    at errnoException (net_uv.js:566:11)",
	          1);
	assert_int_equal(l[0].port, 80);
	assert_int_equal(l[0].error_class, PD_ERRCLASS_PRIVILEGED);
	pd_errmsg_free(l, 1);
	/* "bind UNIX socket" is no libuv code. */
	one("[ALERT] 362/193044 (1) : Starting frontend GLOBAL: cannot bind UNIX socket "
	    "[/var/run/haproxy/haproxy.sock]",
	    NULL, -1, PD_ERRCLASS_UNKNOWN);
}

/* glibc's strerror() in other languages (libc.mo of glibc 2.36). */
static void test_glibc_translations(void **state)
{
	(void)state;
	one("OSError: [Errno 98] Die Adresse wird bereits verwendet", NULL, -1,
	    PD_ERRCLASS_IN_USE);
	one("listen tcp 0.0.0.0:80: bind: Adresse d\xc3\xa9j\xc3\xa0 utilis\xc3\xa9" "e",
	    "0.0.0.0", 80, PD_ERRCLASS_IN_USE);
	one("OSError: [Errno 99] \xe6\x97\xa0\xe6\xb3\x95\xe6\x8c\x87\xe5\xae\x9a\xe8\xa2\xab"
	    "\xe8\xaf\xb7\xe6\xb1\x82\xe7\x9a\x84\xe5\x9c\xb0\xe5\x9d\x80", /* 无法指定被请求的地址 */
	    NULL, -1, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
}

static void test_other_forms(void **state)
{
	(void)state;
	/* Tomcat names the connector after its port. */
	one("SEVERE: Failed to initialize connector [Connector[HTTP/1.1-8080]]", NULL, 8080,
	    PD_ERRCLASS_UNKNOWN);
	/* gunicorn's "Connection in use" with a Python tuple. */
	one("[2020-12-31 02:29:26 +0000] [30] [ERROR] Connection in use: ('localhost', 8000)",
	    "localhost", 8000, PD_ERRCLASS_IN_USE);
	/* Go's HTTP over a unix socket is no host and no port 80. */
	one("docker: Error response from daemon: Ports are not available: unable to list "
	    "exposed ports: Get http://unix/forwards/list: net/http: request canceled",
	    NULL, -1, PD_ERRCLASS_UNKNOWN);
	/* A JSON key before ':' is no Go ":port". */
	one("{\"description\":\"OS Error\",\"errno\":98,\"file_line\":173,\"os_error\":"
	    "\"Address already in use\",\"syscall\":\"bind\"}",
	    NULL, -1, PD_ERRCLASS_IN_USE);
	/* Node prints null for a listen() without host: every address. */
	one("Error: bind EADDRINUSE null:3001", NULL, 3001, PD_ERRCLASS_IN_USE);
}

/* A line at a usual terminal width is not glued to a longer next line. */
static void test_wrap_next_wider(void **state)
{
	(void)state;
	one("[21:19:46 WARN]: Could not bind to host stabilityhost.com.br/166.0.189.210:25565\n"
	    "io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: Cannot assign "
	    "requested address",
	    "166.0.189.210", 25565, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE);
}

/* More failures than come back: the total says how many there were. */
static void test_total(void **state)
{
	char *t = malloc(100 * 80);
	size_t off = 0, n = 0, total = 0;
	pd_errmsg *l = NULL;
	(void)state;
	assert_non_null(t);
	for (int p = 2000; p < 2070; p++)
		off += (size_t)snprintf(t + off, 100 * 80 - off,
		                        "nginx: [emerg] bind() to 0.0.0.0:%d failed (98: Address "
		                        "already in use)\n",
		                        p);
	assert_int_equal(pd_errmsg_parse_total(t, off, &l, &n, &total), 0);
	assert_int_equal(n, PD_ERRMSG_MAX_RESULTS);
	assert_int_equal(total, 70);
	pd_errmsg_free(l, n);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v6_without_brackets),
		cmocka_unit_test(test_redacted_hosts),
		cmocka_unit_test(test_multiaddr),
		cmocka_unit_test(test_port_on_address),
		cmocka_unit_test(test_lines_around),
		cmocka_unit_test(test_cut_wording),
		cmocka_unit_test(test_numbers_in_parentheses),
		cmocka_unit_test(test_codes_and_atoms),
		cmocka_unit_test(test_glibc_translations),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_wrap_next_wider),
		cmocka_unit_test(test_total),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
