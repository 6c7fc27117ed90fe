/*
 * Unit tests: src/netsh/http.c on the request queue layout of current
 * Windows 10/11 ("Processes:", then "ID: N, image: PATH" and "Services:"),
 * from real pastes (tests/data/netsh/README.md), next to the older
 * "Process IDs:" layout (test_parse_netsh.c), and what reaches the
 * snapshot.
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

static void parse_file(const char *name, const pd_netsh_hint *hint,
                       pd_netsh_result *r)
{
	size_t len;
	char *text = pd_test_load("netsh", name, &len);

	assert_int_equal(pd_netsh_parse(text, len, hint, r), 0);
	free(text);
}

static void check_url(const pd_netsh_url *u, const char *url, unsigned port,
                      const int *pids, size_t n_pids)
{
	assert_string_equal(u->url, url);
	assert_int_equal(u->port, port);
	assert_int_equal(u->n_pids, n_pids);
	for (size_t i = 0; i < n_pids; i++)
		assert_int_equal(u->pids[i], pids[i]);
}

/* Microsoft's SDN guide: one queue, its process named with its image and
 * the service it hosts. */
static void test_sdn_sample(void **state)
{
	static const int owner[] = {2688};
	pd_netsh_result r;

	(void)state;
	parse_file("http-requestq-processes-sdn.txt", NULL, &r);
	assert_int_equal(r.n_urls, 1);
	check_url(&r.urls[0], "HTTPS://+:443/HOSTAGENT/VSWITCH/", 443, owner, 1);
	assert_true(r.urls[0].https);
	assert_int_equal(r.n_procs, 1);
	assert_int_equal(r.procs[0].pid, 2688);
	assert_string_equal(r.procs[0].image,
	                    "C:\\Windows\\System32\\svchost.exe");
	/* "Services:" comes first; "Tagged Service:" does not overwrite it. */
	assert_string_equal(r.procs[0].services, "NcHostAgent");
	assert_int_equal(r.n_bad_rows, 0);
	assert_int_equal(r.n_excluded + r.n_dynamic + r.n_proxies, 0);
	pd_netsh_result_done(&r);
}

/* The probe runs the command itself: no command line in the text, only
 * the hint says what it is. */
static void test_sdn_sample_by_hint(void **state)
{
	static const char *const body =
		"Request queue name: Request queue is unnamed.\r\n"
		"        Number of active processes attached: 1\r\n"
		"        Processes:\r\n"
		"            ID: 2688, image: C:\\Windows\\System32\\svchost.exe\r\n"
		"            Services: NcHostAgent\r\n"
		"        Registered URLs:\r\n"
		"            HTTPS://+:443/HOSTAGENT/VSWITCH/\r\n";
	static const pd_netsh_hint hint = {PD_NETSH_HTTP, PD_PROTO_NONE,
	                                   PD_FAMILY_ANY};
	static const int owner[] = {2688};
	pd_netsh_result r;

	(void)state;
	assert_int_equal(pd_netsh_parse(body, strlen(body), &hint, &r), 0);
	assert_int_equal(r.n_urls, 1);
	check_url(&r.urls[0], "HTTPS://+:443/HOSTAGENT/VSWITCH/", 443, owner, 1);
	assert_int_equal(r.n_procs, 1);
	pd_netsh_result_done(&r);
}

/* Both views; the queues' processes have images netsh could not name. */
static void test_unknown_images(void **state)
{
	static const int winrm[] = {1412};
	static const int monitor[] = {4796};
	pd_netsh_result r;

	(void)state;
	parse_file("http-servicestate-processes-unknown-image.txt", NULL, &r);
	assert_int_equal(r.n_urls, 3);
	/* Listed first without pids (server session view), then given the
	 * pids of their queue. */
	check_url(&r.urls[0], "HTTP://+:5985/WSMAN/", 5985, winrm, 1);
	check_url(&r.urls[1], "HTTP://+:47001/WSMAN/", 47001, winrm, 1);
	check_url(&r.urls[2], "HTTP://+:8000/MONITORSERVICE/", 8000, monitor, 1);
	assert_int_equal(r.n_procs, 2);
	assert_int_equal(r.procs[0].pid, 1412);
	assert_string_equal(r.procs[0].image, "");
	assert_string_equal(r.procs[0].services, "");
	assert_int_equal(r.procs[1].pid, 4796);
	assert_int_equal(r.n_bad_rows, 0);
	pd_netsh_result_done(&r);
}

/* Two processes in one queue, each with its services; a queue in the old
 * layout after it; a path in GBK (not UTF-8) and a pid too large. */
static void test_mixed_layouts(void **state)
{
	static const char *const text =
		"C:\\>netsh http show servicestate view=requestq\n"
		"Request queues:\n"
		"    Request queue name: Request queue is unnamed.\n"
		"        Processes:\n"
		"            ID: 8496, image: C:\\Windows\\System32\\svchost.exe\n"
		"            Services: WinRM\n"
		"            Tagged Service: WinRM\n"
		"            ID: 33704, image: D:\\\xd5\xc5\xc8\xfd\\app.exe\n"
		"        Registered URLs:\n"
		"            HTTP://+:47001/wsman/\n"
		"\n"
		"    Request queue name: DefaultAppPool\n"
		"        Process IDs:\n"
		"            3248\n"
		"        URL groups:\n"
		"        URL group ID: FE00000040000001\n"
		"            Registered URLs:\n"
		"                HTTP://*:80/\n"
		"    Request queue name: Request queue is unnamed.\n"
		"        Processes:\n"
		"            ID: 99999999999, image: C:\\x.exe\n"
		"        Registered URLs:\n"
		"            HTTP://+:5357/\n";
	static const int two[] = {8496, 33704};
	static const int pool[] = {3248};
	pd_netsh_result r;

	(void)state;
	assert_int_equal(pd_netsh_parse(text, strlen(text), NULL, &r), 0);
	assert_int_equal(r.n_urls, 3);
	check_url(&r.urls[0], "HTTP://+:47001/wsman/", 47001, two, 2);
	check_url(&r.urls[1], "HTTP://*:80/", 80, pool, 1);
	check_url(&r.urls[2], "HTTP://+:5357/", 5357, NULL, 0);
	assert_int_equal(r.n_procs, 2);
	assert_string_equal(r.procs[0].services, "WinRM");
	assert_int_equal(r.procs[1].pid, 33704);
	assert_string_equal(r.procs[1].image, "D:\\????\\app.exe");
	assert_string_equal(r.procs[1].services, "");
	assert_int_equal(r.n_bad_rows, 1);
	pd_netsh_result_done(&r);
}

/* Lines that only look like a process line are not one. */
static void test_not_process_lines(void **state)
{
	static const char *const text =
		"netsh http show servicestate\n"
		"Server session ID: FF00000320000001\n"
		"    Max bandwidth: 4294967295\n"
		"    Properties: 12, none\n"
		"    Registered URLs:\n"
		"        http://localhost:5040/\n";
	pd_netsh_result r;

	(void)state;
	assert_int_equal(pd_netsh_parse(text, strlen(text), NULL, &r), 0);
	assert_int_equal(r.n_urls, 1);
	assert_int_equal(r.urls[0].n_pids, 0);
	pd_netsh_result_done(&r);
}

/* The owners reach the snapshot as processes (image base name, path,
 * services), but never replace a process the snapshot has already, and
 * an owner netsh could not name adds nothing. */
static void test_owners_to_snapshot(void **state)
{
	pd_snapshot *s = pd_snapshot_new();
	const pd_process *p;
	pd_process *mine;
	pd_netsh_result r;

	(void)state;
	assert_non_null(s);
	assert_int_equal(pd_snapshot_add_process(s, &mine), 0);
	mine->pid = 4796;
	mine->ppid = 600;
	mine->name = strdup("Monitor.exe");
	parse_file("http-servicestate-processes-unknown-image.txt", NULL, &r);
	assert_int_equal(pd_netsh_result_to_snapshot(&r, s), 0);
	pd_netsh_result_done(&r);
	parse_file("http-requestq-processes-sdn.txt", NULL, &r);
	assert_int_equal(pd_netsh_result_to_snapshot(&r, s), 0);
	pd_netsh_result_done(&r);
	assert_int_equal(s->n_procs, 2);
	p = pd_snapshot_find_process(s, 4796);
	assert_string_equal(p->name, "Monitor.exe");
	assert_int_equal(p->ppid, 600);
	/* "<?>" with no service says nothing: no process entry. */
	assert_null(pd_snapshot_find_process(s, 1412));
	p = pd_snapshot_find_process(s, 2688);
	assert_string_equal(p->name, "svchost.exe");
	assert_string_equal(p->exe, "C:\\Windows\\System32\\svchost.exe");
	assert_string_equal(p->service, "NcHostAgent");
	assert_int_equal(p->ppid, -1);
	assert_int_equal(p->start_time, -1);
	assert_int_equal(s->n_http_registrations, 4);
	pd_snapshot_free(s);
}

/* Every prefix of the new fixtures parses or fails cleanly (ASan checks
 * that nothing past the prefix is read). */
static void test_truncated(void **state)
{
	static const char *const names[] = {
		"http-requestq-processes-sdn.txt",
		"http-servicestate-processes-unknown-image.txt",
	};

	(void)state;
	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		size_t len;
		char *text = pd_test_load("netsh", names[f], &len);

		for (size_t n = 0; n <= len; n++) {
			char *cut = malloc(n ? n : 1);
			pd_netsh_result r;

			assert_non_null(cut);
			memcpy(cut, text, n);
			if (pd_netsh_parse(cut, n, NULL, &r) == 0)
				pd_netsh_result_done(&r);
			free(cut);
		}
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdn_sample),
		cmocka_unit_test(test_sdn_sample_by_hint),
		cmocka_unit_test(test_unknown_images),
		cmocka_unit_test(test_mixed_layouts),
		cmocka_unit_test(test_not_process_lines),
		cmocka_unit_test(test_owners_to_snapshot),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
