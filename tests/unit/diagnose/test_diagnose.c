/* Unit tests: src/diagnose/diagnose.c and ranges.c, on snapshots built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "snapfix.h"

static void test_in_use_v4(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;
	const pd_finding *f;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_STATE_LISTEN, -1, 100);
	fx_process(s, 100, "nginx", "nginx: master process");
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "::", 8080, 0, 0, NULL);
	r = fx_diagnose(s, "8080");
	assert_int_equal(r->n_results, 1);
	assert_false(r->results[0].available);
	assert_true(r->results[0].tested);
	assert_int_equal(fx_count(&r->results[0], PD_F_IN_USE), 1);
	f = fx_find(&r->results[0], PD_F_IN_USE);
	assert_int_equal(f->n_sockets, 1);
	assert_int_equal(s->sockets[f->sockets[0]].pids[0], 100);
	assert_int_equal(f->bind_err, PD_EADDRINUSE);
	assert_int_equal(f->os_code, 98);
	assert_null(fx_find(&r->results[0], PD_F_EVIDENCE_MISMATCH));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_dual_stack_folded(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "::", 3000, PD_STATE_LISTEN, 0, 200);
	fx_process(s, 200, "node", "node server.js");
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 3000, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "::", 3000, PD_EADDRINUSE, 98, "EADDRINUSE");
	r = fx_diagnose(s, "3000");
	assert_false(r->results[0].available);
	/* One socket holds both halves: one cause, one finding. */
	assert_int_equal(fx_count(&r->results[0], PD_F_IN_USE), 1);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_v6only_does_not_hold_v4(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "::", 3000, PD_STATE_LISTEN, 1, 200);
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 3000, 0, 0, NULL);
	r = fx_diagnose(s, "127.0.0.1:3000");
	assert_true(r->results[0].available);
	assert_null(fx_find(&r->results[0], PD_F_IN_USE));
	assert_null(fx_find(&r->results[0], PD_F_EVIDENCE_MISMATCH));
	pd_report_free(r);
	/* ... but a dual-stack bind of [::] meets an IPv4 holder. */
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 3001, PD_STATE_LISTEN, -1, 0);
	fx_bind(s, PD_PROTO_TCP, "::", 3001, PD_EADDRINUSE, 98, "EADDRINUSE");
	r = fx_diagnose(s, "[::]:3001");
	assert_false(r->results[0].available);
	assert_int_equal(fx_find(&r->results[0], PD_F_IN_USE)->n_sockets, 1);
	assert_non_null(fx_find(&r->results[0], PD_F_OWNER_UNKNOWN));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_specific_vs_wildcard(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 5000, PD_STATE_LISTEN, -1, 0);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 5000, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "10.1.2.3", 5000, 0, 0, NULL);
	r = fx_diagnose(s, "0.0.0.0:5000");
	assert_false(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	pd_report_free(r);
	r = fx_diagnose(s, "10.1.2.3:5000");
	assert_true(r->results[0].available);
	assert_int_equal(r->results[0].n_findings, 0);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_privileged(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;
	const pd_finding *f;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_EACCES, 13, "EACCES");
	fx_bind(s, PD_PROTO_TCP, "::", 80, PD_EACCES, 13, "EACCES");
	r = fx_diagnose(s, "80");
	assert_false(r->results[0].available);
	f = fx_find(&r->results[0], PD_F_PRIVILEGED_PORT);
	assert_non_null(f);
	assert_int_equal(f->severity, PD_SEV_ERROR);
	assert_null(fx_find(&r->results[0], PD_F_BIND_DENIED));
	pd_report_free(r);
	pd_snapshot_free(s);

	s = fx_linux();
	s->privileged = s->can_bind_privileged = true;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 443, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "::", 443, 0, 0, NULL);
	r = fx_diagnose(s, "443");
	assert_true(r->results[0].available);
	f = fx_find(&r->results[0], PD_F_PRIVILEGED_PORT);
	assert_non_null(f);
	assert_int_equal(f->severity, PD_SEV_INFO);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_address_not_local(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;
	const pd_finding *f;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "192.168.0.157", 6555, PD_EADDRNOTAVAIL, 99,
	        "EADDRNOTAVAIL");
	r = fx_diagnose(s, "192.168.0.157:6555");
	assert_false(r->results[0].available);
	f = fx_find(&r->results[0], PD_F_ADDRESS_NOT_LOCAL);
	assert_non_null(f);
	assert_int_equal(f->bind_err, PD_EADDRNOTAVAIL);
	pd_report_free(r);
	/* A configured address that still fails is not "not local". */
	fx_bind(s, PD_PROTO_TCP, "10.1.2.3", 6555, PD_EADDRNOTAVAIL, 99,
	        "EADDRNOTAVAIL");
	r = fx_diagnose(s, "10.1.2.3:6555");
	assert_null(fx_find(&r->results[0], PD_F_ADDRESS_NOT_LOCAL));
	assert_non_null(fx_find(&r->results[0], PD_F_BIND_DENIED));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_ranges_and_time_wait(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_range res = {PD_PROTO_NONE, PD_FAMILY_ANY, 9000, 9001, false};
	pd_report *r;

	(void)state;
	assert_int_equal(pd_snapshot_add_range(&s->reserved, &s->n_reserved, &res),
	                 0);
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 40000, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 9000, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 7000, 0, 0, NULL);
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 7000, PD_STATE_TIME_WAIT, -1, 0);
	r = fx_diagnose(s, "127.0.0.1:40000");
	assert_true(r->results[0].available);
	assert_int_equal(fx_find(&r->results[0], PD_F_IN_DYNAMIC_RANGE)->severity,
	                 PD_SEV_WARNING);
	pd_report_free(r);
	r = fx_diagnose(s, "127.0.0.1:9000");
	assert_true(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_RESERVED_PORT));
	assert_null(fx_find(&r->results[0], PD_F_IN_DYNAMIC_RANGE));
	pd_report_free(r);
	r = fx_diagnose(s, "127.0.0.1:7000");
	assert_true(r->results[0].available);
	assert_int_equal(fx_find(&r->results[0], PD_F_TIME_WAIT)->n_sockets, 1);
	assert_null(fx_find(&r->results[0], PD_F_IN_USE));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_mismatch(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_bind(s, PD_PROTO_UDP, "127.0.0.1", 5353, PD_EADDRINUSE, 98, "EADDRINUSE");
	r = fx_diagnose(s, "127.0.0.1:5353/udp");
	assert_false(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	assert_non_null(fx_find(&r->results[0], PD_F_EVIDENCE_MISMATCH));
	pd_report_free(r);
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 6000, PD_STATE_LISTEN, -1, 0);
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 6000, 0, 0, NULL);
	r = fx_diagnose(s, "127.0.0.1:6000");
	assert_true(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_EVIDENCE_MISMATCH));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_not_tested(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_STATE_LISTEN, -1, 0);
	r = fx_diagnose(s, "8080-8081");
	assert_int_equal(r->n_results, 2);
	assert_false(r->results[0].available);
	assert_false(r->results[0].tested);
	assert_non_null(fx_find(&r->results[0], PD_F_NOT_TESTED));
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	assert_true(r->results[1].available);
	assert_int_equal(r->results[1].port, 8081);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_bind_denied_and_ipv6(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_report *r;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8443, PD_EACCES, 13, "EACCES");
	fx_bind(s, PD_PROTO_TCP, "::", 8443, 0, 0, NULL);
	r = fx_diagnose(s, "8443");
	assert_false(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_BIND_DENIED));
	pd_report_free(r);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8444, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "::", 8444, PD_EAFNOSUPPORT, 97, "EAFNOSUPPORT");
	r = fx_diagnose(s, "8444");
	assert_true(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_IPV6_UNAVAILABLE));
	pd_report_free(r);
	pd_snapshot_free(s);
}

/* The seed's case: dynamic range from 1024, WinNAT took 6500-6599. */
static pd_snapshot *fx_windows(void)
{
	pd_snapshot *s = pd_snapshot_new();
	pd_range dyn = {PD_PROTO_TCP, PD_FAMILY_V4, 1024, 15000, false};
	pd_range ex = {PD_PROTO_TCP, PD_FAMILY_V4, 6500, 6599, false};
	pd_range adm = {PD_PROTO_TCP, PD_FAMILY_V4, 8080, 8080, true};

	s->os = strdup("windows");
	assert_int_equal(pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &dyn), 0);
	assert_int_equal(pd_snapshot_add_range(&s->excluded, &s->n_excluded, &ex), 0);
	assert_int_equal(pd_snapshot_add_range(&s->excluded, &s->n_excluded, &adm),
	                 0);
	return s;
}

static void test_windows_seed(void **state)
{
	pd_snapshot *s = fx_windows();
	pd_report *r;
	const pd_result *res;
	size_t i, ex = 99, dyn = 99;

	(void)state;
	r = fx_diagnose(s, "6555");
	res = &r->results[0];
	assert_false(res->available);
	for (i = 0; i < res->n_findings; i++) {
		if (res->findings[i].code == PD_F_EXCLUDED_RANGE && ex == 99)
			ex = i;
		if (res->findings[i].code == PD_F_DYNAMIC_RANGE_MISCONFIGURED)
			dyn = i;
	}
	assert_true(ex < dyn && dyn < res->n_findings);
	assert_int_equal(res->findings[ex].range->start, 6500);
	assert_int_equal(res->findings[ex].range->end, 6599);
	/* The IPv6 half is not in the (IPv4) excluded range. */
	assert_int_equal(fx_count(res, PD_F_EXCLUDED_RANGE), 1);
	pd_report_free(r);
	/* An administered exclusion protects the port, the bind works. */
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8080, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "::", 8080, 0, 0, NULL);
	r = fx_diagnose(s, "8080");
	assert_true(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_ADMINISTERED_EXCLUSION));
	assert_null(fx_find(&r->results[0], PD_F_EXCLUDED_RANGE));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_windows_holders(void **state)
{
	pd_snapshot *s = fx_windows();
	pd_report *r;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_STATE_LISTEN, -1, 4);
	fx_process(s, 4, "System", NULL);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_EADDRINUSE, 10048,
	        "WSAEADDRINUSE");
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 5432, PD_STATE_LISTEN, -1, 500);
	fx_process(s, 500, "com.docker.backend.exe", NULL);
	/* No URL registered on 80: the kernel holds it, not (as far as
	 * seen) http.sys. */
	r = fx_diagnose(s, "0.0.0.0:80");
	assert_null(fx_find(&r->results[0], PD_F_HTTP_SYS));
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	assert_non_null(strstr(fx_find(&r->results[0], PD_F_IN_USE)->message,
	                       "Windows kernel"));
	pd_report_free(r);
	r = fx_diagnose(s, "5432");
	assert_false(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void add_reg(pd_snapshot *s, const char *url, uint16_t port, int pid)
{
	pd_http_registration h;

	memset(&h, 0, sizeof(h));
	h.url = (char *)url;
	h.port = port;
	if (pid) {
		h.pids[0] = pid;
		h.n_pids = 1;
	}
	assert_int_equal(pd_snapshot_add_http(s, &h), 0);
}

/* PID 4 is http.sys only for a port with a registered URL; on 445 it is
 * SMB, on 139 NetBIOS. */
static void test_pid4_kernel_or_http_sys(void **state)
{
	pd_snapshot *s = fx_windows();
	const pd_finding *f;
	pd_report *r;

	(void)state;
	fx_process(s, 4, "System (kernel)", NULL);
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_STATE_LISTEN, -1, 4);
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 445, PD_STATE_LISTEN, -1, 4);
	fx_socket(s, PD_PROTO_TCP, "10.0.0.5", 139, PD_STATE_LISTEN, -1, 4);
	add_reg(s, "HTTP://+:80/Temporary_Listen_Addresses/", 80, 0);
	r = fx_diagnose(s, "0.0.0.0:80");
	assert_non_null(fx_find(&r->results[0], PD_F_HTTP_SYS));
	assert_null(fx_find(&r->results[0], PD_F_IN_USE));
	pd_report_free(r);
	r = fx_diagnose(s, "0.0.0.0:445");
	assert_null(fx_find(&r->results[0], PD_F_HTTP_SYS));
	f = fx_find(&r->results[0], PD_F_IN_USE);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "SMB"));
	assert_null(strstr(f->message, "http.sys"));
	pd_report_free(r);
	r = fx_diagnose(s, "10.0.0.5:139");
	f = fx_find(&r->results[0], PD_F_IN_USE);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "NetBIOS"));
	pd_report_free(r);
	pd_snapshot_free(s);
}

/* WSL in mirrored mode is named only where nothing else explains a
 * refused bind: no holder socket, no excluded range. */
static void test_wsl_mirrored(void **state)
{
	pd_snapshot *s = fx_windows();
	pd_report *r;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "127.0.0.1", 48080, PD_EACCES, 10013,
	        "WSAEACCES");
	fx_bind(s, PD_PROTO_UDP, "0.0.0.0", 44700, PD_EADDRINUSE, 10048,
	        "WSAEADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 6555, PD_EACCES, 10013, "WSAEACCES");
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 3000, PD_EADDRINUSE, 10048,
	        "WSAEADDRINUSE");
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 3000, PD_STATE_LISTEN, -1, 900);
	fx_process(s, 900, "node.exe", NULL);
	/* Not mirrored (or not known): the old verdict. */
	r = fx_diagnose(s, "127.0.0.1:48080");
	assert_non_null(fx_find(&r->results[0], PD_F_BIND_DENIED));
	assert_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	pd_report_free(r);
	s->wsl_mirrored = 1;
	r = fx_diagnose(s, "127.0.0.1:48080");
	assert_false(r->results[0].available);
	assert_non_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	assert_null(fx_find(&r->results[0], PD_F_BIND_DENIED));
	assert_int_equal(fx_find(&r->results[0], PD_F_WSL_MIRRORED)->os_code,
	                 10013);
	pd_report_free(r);
	r = fx_diagnose(s, "0.0.0.0:44700/udp");
	assert_non_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	pd_report_free(r);
	/* An excluded range or a holder explains it: WSL is not named. */
	r = fx_diagnose(s, "0.0.0.0:6555");
	assert_non_null(fx_find(&r->results[0], PD_F_EXCLUDED_RANGE));
	assert_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	pd_report_free(r);
	r = fx_diagnose(s, "0.0.0.0:3000");
	assert_non_null(fx_find(&r->results[0], PD_F_IN_USE));
	assert_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	pd_report_free(r);
	/* Linux never. */
	free(s->os);
	s->os = strdup("linux");
	r = fx_diagnose(s, "127.0.0.1:48080");
	assert_null(fx_find(&r->results[0], PD_F_WSL_MIRRORED));
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void add_rule(pd_snapshot *s, const char *la, uint16_t lp,
                     const char *ca, uint16_t cp)
{
	pd_portproxy_rule r;

	memset(&r, 0, sizeof(r));
	r.listen_family = PD_FAMILY_V4;
	r.connect_family = PD_FAMILY_V4;
	r.listen_address = (char *)la;
	r.listen_port = lp;
	r.connect_address = (char *)ca;
	r.connect_port = cp;
	assert_int_equal(pd_snapshot_add_portproxy(s, &r), 0);
}

static char *render(const pd_report *r)
{
	pd_render_opts o;
	char *text = NULL;

	memset(&o, 0, sizeof(o));
	assert_int_equal(pd_render_check_text(r, &o, &text), 0);
	return text;
}

/* PID 4 holds 80: the http_sys finding lists the URLs on 80 (not those on
 * other ports) and names the process behind them; a portproxy holder lists
 * the rule on its port and gives the exact delete command. */
static void test_holders_with_netsh(void **state)
{
	pd_snapshot *s = fx_windows();
	pd_report *r;
	const pd_finding *f;
	pd_process *p;
	char *text, *json;

	(void)state;
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_STATE_LISTEN, -1, 4);
	fx_process(s, 4, "System", NULL);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_EADDRINUSE, 10048,
	        "WSAEADDRINUSE");
	add_reg(s, "HTTP://+:5985/WSMAN/", 5985, 3580);
	add_reg(s, "http://+:80/Reports/", 80, 2100);
	add_reg(s, "HTTP://*:80/", 80, 0);
	fx_process(s, 2100, "ReportingServicesService.exe", NULL);
	assert_int_equal(pd_snapshot_add_process(s, &p), 0);
	p->pid = 3184;
	p->name = strdup("svchost.exe");
	p->service = strdup("iphlpsvc");
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 2222, PD_STATE_LISTEN, -1, 3184);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 2222, PD_EADDRINUSE, 10048,
	        "WSAEADDRINUSE");
	add_rule(s, "0.0.0.0", 2222, "172.23.114.5", 22);
	add_rule(s, "0.0.0.0", 3000, "172.23.114.5", 3000);

	r = fx_diagnose(s, "0.0.0.0:80");
	f = fx_find(&r->results[0], PD_F_HTTP_SYS);
	assert_non_null(f);
	assert_int_equal(f->severity, PD_SEV_ERROR);
	assert_int_equal(f->n_http_regs, 2);
	assert_int_equal(f->http_regs[0], 1);
	assert_int_equal(f->http_regs[1], 2);
	assert_int_equal(f->n_proxy_rules, 0);
	assert_non_null(strstr(f->message, "2 URL(s) registered on port 80"));
	text = render(r);
	assert_non_null(strstr(text, "registered URL: http://+:80/Reports/  by "
	                             "ReportingServicesService.exe (pid 2100"));
	assert_non_null(strstr(text, "registered URL: HTTP://*:80/  (no process"));
	assert_non_null(strstr(text, "stop the program that registered the URL: "
	                             "ReportingServicesService.exe (pid 2100"));
	assert_non_null(strstr(text, "urlacl` does not free it"));
	free(text);
	assert_int_equal(pd_render_check_json(r, &json), 0);
	assert_non_null(strstr(json, "\"http_registrations\""));
	assert_non_null(strstr(json, "\"name\": \"ReportingServicesService.exe\""));
	free(json);
	pd_report_free(r);

	r = fx_diagnose(s, "0.0.0.0:2222");
	f = fx_find(&r->results[0], PD_F_PORTPROXY);
	assert_non_null(f);
	assert_int_equal(f->severity, PD_SEV_ERROR);
	assert_int_equal(f->n_proxy_rules, 1);
	assert_int_equal(f->proxy_rules[0], 0);
	text = render(r);
	assert_non_null(strstr(text, "portproxy rule: 0.0.0.0:2222 -> "
	                             "172.23.114.5:22 (v4tov4)"));
	assert_non_null(strstr(text, "`netsh interface portproxy delete v4tov4 "
	                             "listenport=2222 listenaddress=0.0.0.0`"));
	free(text);
	pd_report_free(r);
	pd_snapshot_free(s);
}

/* No socket, no bind test (a netsh paste): a registration or a rule is
 * evidence, shown as a warning, and the port counts as taken; UDP and
 * other ports are not touched; a rule on 127.0.0.1 does not meet ::1. */
static void test_registered_without_sockets(void **state)
{
	pd_snapshot *s = pd_snapshot_new();
	pd_report *r;
	const pd_finding *f;
	pd_process *p;
	char *text;

	(void)state;
	s->os = strdup("windows");
	add_reg(s, "HTTP://+:5985/WSMAN/", 5985, 3580);
	assert_int_equal(pd_snapshot_add_process(s, &p), 0);
	p->pid = 3580;
	p->name = strdup("svchost.exe");
	p->service = strdup("WinRM");
	add_rule(s, "127.0.0.1", 8080, "localhost", 80);

	r = fx_diagnose(s, "5985");
	assert_false(r->results[0].available);
	assert_int_equal(fx_count(&r->results[0], PD_F_HTTP_SYS), 1);
	f = fx_find(&r->results[0], PD_F_HTTP_SYS);
	assert_int_equal(f->severity, PD_SEV_WARNING);
	assert_int_equal(f->n_sockets, 0);
	assert_int_equal(f->n_http_regs, 1);
	assert_non_null(fx_find(&r->results[0], PD_F_NOT_TESTED));
	text = render(r);
	assert_non_null(strstr(text, "as administrator: `net stop WinRM` "
	                             "(pid 3580)"));
	free(text);
	pd_report_free(r);

	r = fx_diagnose(s, "5985/udp");
	assert_true(r->results[0].available);
	assert_null(fx_find(&r->results[0], PD_F_HTTP_SYS));
	pd_report_free(r);

	r = fx_diagnose(s, "8080");
	assert_false(r->results[0].available);
	f = fx_find(&r->results[0], PD_F_PORTPROXY);
	assert_non_null(f);
	assert_int_equal(f->severity, PD_SEV_WARNING);
	assert_int_equal(f->n_proxy_rules, 1);
	assert_non_null(strstr(f->message, "127.0.0.1:8080"));
	pd_report_free(r);

	r = fx_diagnose(s, "[::1]:8080");
	assert_true(r->results[0].available);
	assert_null(fx_find(&r->results[0], PD_F_PORTPROXY));
	pd_report_free(r);

	r = fx_diagnose(s, "8081");
	assert_true(r->results[0].available);
	pd_report_free(r);

	/* Not Windows: no such evidence is read. */
	free(s->os);
	s->os = strdup("linux");
	r = fx_diagnose(s, "5985");
	assert_true(r->results[0].available);
	pd_report_free(r);
	pd_snapshot_free(s);
}

static void test_bad_args(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_target t = fx_target("80");
	pd_report *r = (pd_report *)0x1;

	(void)state;
	t.port_hi = 10; /* hi < lo */
	assert_int_equal(pd_diagnose(s, &t, 1, &r), PD_EINVAL);
	assert_ptr_equal(r, (pd_report *)0x1);
	assert_int_equal(pd_diagnose(NULL, &t, 1, &r), PD_EINVAL);
	pd_snapshot_free(s);
}

static void test_range_verdicts(void **state)
{
	pd_snapshot *s = fx_windows();
	pd_verdict *v;
	size_t n, i;
	bool warned_dyn = false;

	(void)state;
	assert_int_equal(pd_ranges_check(s, &v, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].subject, "dynamic") == 0 &&
		    v[i].severity == PD_SEV_WARNING)
			warned_dyn = true;
	assert_true(warned_dyn);
	pd_verdicts_free(v, n);
	pd_snapshot_free(s);
	s = fx_linux();
	assert_int_equal(pd_ranges_check(s, &v, &n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i].severity, PD_SEV_INFO);
	pd_verdicts_free(v, n);
	s->dynamic[0].start = 1024; /* covers 3000, 5432, 8080 ... */
	assert_int_equal(pd_ranges_check(s, &v, &n), 0);
	assert_int_equal(v[0].severity, PD_SEV_WARNING);
	assert_non_null(strstr(v[0].message, "8080"));
	pd_verdicts_free(v, n);
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_use_v4),
		cmocka_unit_test(test_dual_stack_folded),
		cmocka_unit_test(test_v6only_does_not_hold_v4),
		cmocka_unit_test(test_specific_vs_wildcard),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_address_not_local),
		cmocka_unit_test(test_ranges_and_time_wait),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_not_tested),
		cmocka_unit_test(test_bind_denied_and_ipv6),
		cmocka_unit_test(test_windows_seed),
		cmocka_unit_test(test_windows_holders),
		cmocka_unit_test(test_pid4_kernel_or_http_sys),
		cmocka_unit_test(test_wsl_mirrored),
		cmocka_unit_test(test_holders_with_netsh),
		cmocka_unit_test(test_registered_without_sockets),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_range_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
