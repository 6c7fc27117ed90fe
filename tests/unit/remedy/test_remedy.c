/* Unit tests: src/remedy/remedy.c and src/render/fix.c, on snapshots built
 * here: every remedy id, the order, the refusals and the exact argument
 * vectors of the steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "remedy/remedy.h"
#include "snapfix.h"

static const pd_plan_opts no_opts = {NULL, 0, NULL, false, 0, 99999, 99998};

static pd_plan *plan_for(const pd_snapshot *s, const char *target,
                         const pd_plan_opts *o, bool kill)
{
	pd_report *r = fx_diagnose(s, target);
	pd_plan *p = NULL;

	assert_int_equal(r->n_results, 1);
	if (kill)
		assert_int_equal(pd_plan_kill(s, &r->results[0], o, &p), 0);
	else
		assert_int_equal(pd_plan_build(s, &r->results[0], o, &p), 0);
	pd_report_free(r);
	return p;
}

/* The remedy ids of p, joined by spaces. */
static const char *ids(const pd_plan *p)
{
	static char buf[512];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n_remedies; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		                        i ? " " : "",
		                        pd_remedy_name(p->remedies[i].id));
	return buf;
}

/* The argv of a RUN step, joined by '|'. */
static const char *argv_of(const pd_step *st)
{
	static char buf[512];
	size_t i, off = 0;

	assert_int_equal(st->kind, PD_STEP_RUN);
	assert_null(st->argv[st->argc]);
	buf[0] = '\0';
	for (i = 0; i < st->argc; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		                        i ? "|" : "", st->argv[i]);
	return buf;
}

static void held(pd_snapshot *s, pd_proto proto, uint16_t port, int pid,
                 const char *name)
{
	const char *a = "0.0.0.0";

	fx_socket(s, proto, a, port,
	          proto == PD_PROTO_UDP ? PD_STATE_UNCONN : PD_STATE_LISTEN, -1,
	          pid);
	if (name)
		fx_process(s, pid, name, name);
	fx_bind(s, proto, a, port, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, proto, "::", port, 0, 0, NULL);
}

static pd_process *proc(pd_snapshot *s, int pid)
{
	return (pd_process *)pd_snapshot_find_process(s, pid);
}

static void test_stop_process(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan_opts o = no_opts;
	pd_plan *p;
	const pd_step *st;

	(void)state;
	held(s, PD_PROTO_TCP, 8080, 100, "nginx");
	o.other_port = 8081;
	p = plan_for(s, "8080", &o, false);
	assert_false(p->available);
	assert_string_equal(ids(p), "stop_process use_other_port");
	assert_false(p->remedies[0].needs_root);
	assert_true(p->remedies[0].changes_system);
	assert_null(p->remedies[0].refusal);
	st = &p->remedies[0].steps[0];
	assert_int_equal(st->kind, PD_STEP_KILL);
	assert_int_equal(st->pid, 100);
	assert_int_equal(st->start_time, 1795766400);
	assert_int_equal(st->signal, 15);
	assert_string_equal(st->proc_name, "nginx");
	assert_false(p->remedies[1].changes_system);
	assert_string_equal(p->remedies[1].title, "Use port 8081 instead");
	pd_plan_free(p);
	/* Another user's process needs root; --signal reaches the step. */
	proc(s, 100)->uid = 33;
	o.signal = 9;
	p = plan_for(s, "8080", &o, false);
	assert_true(p->remedies[0].needs_root);
	assert_int_equal(p->remedies[0].steps[0].signal, 9);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_available_empty(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan *p;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 8080, 0, 0, NULL);
	fx_bind(s, PD_PROTO_TCP, "::", 8080, 0, 0, NULL);
	p = plan_for(s, "8080", &no_opts, false);
	assert_true(p->available);
	assert_int_equal(p->n_remedies, 0);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_stop_unit(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan *p;

	(void)state;
	held(s, PD_PROTO_TCP, 8080, 100, "nginx");
	proc(s, 100)->service = strdup("nginx.service");
	proc(s, 100)->cgroup = strdup("/system.slice/nginx.service");
	proc(s, 100)->uid = 0;
	p = plan_for(s, "8080", &no_opts, false);
	assert_string_equal(ids(p), "stop_unit stop_process use_other_port");
	assert_true(p->remedies[0].needs_root);
	assert_string_equal(argv_of(&p->remedies[0].steps[0]),
	                    "systemctl|stop|nginx.service");
	assert_non_null(strstr(p->remedies[1].side_effects, "Restart="));
	pd_plan_free(p);
	/* kill ends processes, never units. */
	p = plan_for(s, "8080", &no_opts, true);
	assert_string_equal(ids(p), "stop_process");
	pd_plan_free(p);
	/* A user unit is stopped with --user, without root. */
	free(proc(s, 100)->cgroup);
	proc(s, 100)->cgroup = strdup("/user.slice/user-1000.slice/"
	                              "user@1000.service/app.slice/nginx.service");
	p = plan_for(s, "8080", &no_opts, false);
	assert_false(p->remedies[0].needs_root);
	assert_string_equal(argv_of(&p->remedies[0].steps[0]),
	                    "systemctl|--user|stop|nginx.service");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_resolved_stub(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan_opts o = no_opts;
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	s->unprivileged_port_start = 0;
	held(s, PD_PROTO_UDP, 53, 300, "systemd-resolve");
	proc(s, 300)->service = strdup("systemd-resolved.service");
	o.root = "/tmp/pdroot/";
	p = plan_for(s, "53/udp", &o, false);
	assert_string_equal(ids(p), "resolved_stub_off use_other_port");
	r = &p->remedies[0];
	assert_true(r->needs_root);
	assert_int_equal(r->n_steps, 3);
	assert_int_equal(r->steps[0].kind, PD_STEP_WRITE_FILE);
	assert_string_equal(r->steps[0].path, "/tmp/pdroot/etc/systemd/"
	                    "resolved.conf.d/90-portdoctor-no-stub-listener.conf");
	assert_string_equal(r->steps[0].content,
	                    "# Written by portdoctor fix: frees port 53.\n"
	                    "[Resolve]\nDNSStubListener=no\n");
	assert_string_equal(argv_of(&r->steps[1]),
	                    "systemctl|restart|systemd-resolved.service");
	assert_int_equal(r->steps[2].kind, PD_STEP_MANUAL);
	pd_plan_free(p);
	/* kill refuses it: systemd-* is critical. */
	p = plan_for(s, "53/udp", &o, true);
	assert_string_equal(ids(p), "stop_process");
	assert_non_null(p->remedies[0].refusal);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_stop_container(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_container *c;
	pd_container_port cp;
	pd_plan *p;

	(void)state;
	held(s, PD_PROTO_TCP, 8080, 400, "docker-proxy");
	p = plan_for(s, "8080", &no_opts, false);
	/* The proxy of an unknown container is never killed. */
	assert_string_equal(ids(p), "stop_container use_other_port");
	assert_non_null(p->remedies[0].refusal);
	assert_false(p->remedies[0].changes_system);
	pd_plan_free(p);
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->id = strdup("0123456789ab");
	c->name = strdup("web");
	c->image = strdup("nginx:1");
	c->state = strdup("running");
	memset(&cp, 0, sizeof(cp));
	cp.proto = PD_PROTO_TCP;
	cp.host_port = 8080;
	cp.container_port = 80;
	assert_int_equal(pd_container_add_port(c, &cp), 0);
	p = plan_for(s, "8080", &no_opts, false);
	assert_string_equal(ids(p), "stop_container use_other_port");
	assert_null(p->remedies[0].refusal);
	assert_false(p->remedies[0].needs_root);
	assert_string_equal(argv_of(&p->remedies[0].steps[0]), "docker|stop|web");
	pd_plan_free(p);
	p = plan_for(s, "8080", &no_opts, true);
	assert_string_equal(ids(p), "stop_container");
	pd_plan_free(p);
	c->engine = strdup("podman");
	p = plan_for(s, "8080", &no_opts, true);
	assert_string_equal(argv_of(&p->remedies[0].steps[0]), "podman|stop|web");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_refusals(void **state)
{
	static const struct {
		int pid;
		int ppid;
		const char *name;
	} cases[] = {
		{1, 0, "python3"},      /* PID 1 */
		{55, 2, "kworker/0:1"}, /* a kernel thread */
		{99999, 1, "bash"},     /* portdoctor itself (self_pid) */
		{99998, 1, "bash"},     /* its parent */
		{700, 1, "sshd"},       /* critical */
		{701, 1, "systemd-networkd"},
		/* issue 15, point 9: OpenSSH 9.8's per-connection process, and
		 * names in another case */
		{702, 1, "sshd-session"},
		{703, 1, "SSHD"},
		{704, 1, "networkmanager"},
		{705, 1, "SystemD-Resolved"},
		{706, 1, "SvcHost.EXE"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pd_snapshot *s = fx_linux();
		pd_plan *p;

		held(s, PD_PROTO_TCP, 2024, cases[i].pid, cases[i].name);
		proc(s, cases[i].pid)->ppid = cases[i].ppid;
		p = plan_for(s, "2024", &no_opts, true);
		assert_string_equal(ids(p), "stop_process");
		assert_non_null(p->remedies[0].refusal);
		pd_plan_free(p);
		pd_snapshot_free(s);
	}
}

static void test_critical_unit(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan *p;

	(void)state;
	held(s, PD_PROTO_TCP, 22, 800, "sshd");
	proc(s, 800)->service = strdup("ssh.service");
	s->unprivileged_port_start = 0;
	p = plan_for(s, "22", &no_opts, false);
	assert_string_equal(ids(p), "stop_unit stop_process use_other_port");
	assert_non_null(p->remedies[0].refusal);
	assert_non_null(p->remedies[1].refusal);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_privileged(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan_opts o = no_opts;
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 80, PD_EACCES, 13, "EACCES");
	fx_bind(s, PD_PROTO_TCP, "::", 80, PD_EACCES, 13, "EACCES");
	o.root = "/";
	p = plan_for(s, "80", &o, false);
	assert_string_equal(ids(p), "lower_unprivileged_port_start "
	                    "setcap_bind_service use_other_port");
	r = &p->remedies[0];
	assert_true(r->needs_root);
	assert_false(r->needs_reboot);
	assert_int_equal(r->n_steps, 2);
	assert_int_equal(r->steps[0].kind, PD_STEP_SYSCTL);
	assert_string_equal(r->steps[0].name,
	                    "net.ipv4.ip_unprivileged_port_start");
	assert_string_equal(r->steps[0].value, "80");
	assert_int_equal(r->steps[1].kind, PD_STEP_WRITE_FILE);
	assert_string_equal(r->steps[1].path, "/etc/sysctl.d/"
	                    "90-portdoctor-unprivileged-port-start.conf");
	assert_string_equal(r->steps[1].content,
	                    "# Written by portdoctor fix: lets every user bind "
	                    "ports from 80 up.\n"
	                    "net.ipv4.ip_unprivileged_port_start = 80\n");
	assert_non_null(p->remedies[1].refusal); /* no --binary */
	pd_plan_free(p);
	o.binary = "/usr/local/bin/srv";
	p = plan_for(s, "80", &o, false);
	assert_string_equal(ids(p), "setcap_bind_service "
	                    "lower_unprivileged_port_start use_other_port");
	assert_null(p->remedies[0].refusal);
	assert_string_equal(argv_of(&p->remedies[0].steps[0]),
	                    "setcap|cap_net_bind_service=+ep|/usr/local/bin/srv");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_reserve_in_dynamic(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_range res = {PD_PROTO_NONE, PD_FAMILY_ANY, 40005, 40010, false};
	pd_plan *p;
	const pd_step *st;

	(void)state;
	assert_int_equal(pd_snapshot_add_range(&s->reserved, &s->n_reserved, &res),
	                 0);
	held(s, PD_PROTO_TCP, 40000, 100, "client");
	p = plan_for(s, "40000", &no_opts, false);
	assert_string_equal(ids(p), "stop_process reserve_port use_other_port");
	st = &p->remedies[1].steps[0];
	assert_int_equal(st->kind, PD_STEP_RESERVE);
	assert_false(st->remove);
	assert_int_equal(st->n_ranges, 1);
	assert_int_equal(st->ranges[0].start, 40000);
	assert_string_equal(st->preview, "40000,40005-40010");
	assert_string_equal(st->path,
	                    "/etc/sysctl.d/90-portdoctor-reserved-ports.conf");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static pd_snapshot *fx_windows(uint16_t dyn_start)
{
	pd_snapshot *s = fx_linux();
	pd_range d4 = {PD_PROTO_TCP, PD_FAMILY_V4, dyn_start, 65535, false};
	pd_range d6 = {PD_PROTO_TCP, PD_FAMILY_V6, dyn_start, 65535, false};
	pd_range u4 = {PD_PROTO_UDP, PD_FAMILY_V4, dyn_start, 65535, false};
	pd_range ex = {PD_PROTO_TCP, PD_FAMILY_V4, 6500, 6599, false};
	pd_range exu = {PD_PROTO_UDP, PD_FAMILY_V4, 6500, 6599, false};

	free(s->os);
	s->os = strdup("windows");
	s->unprivileged_port_start = -1;
	s->can_bind_privileged = true;
	s->n_dynamic = 0;
	assert_int_equal(pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &d4), 0);
	assert_int_equal(pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &d6), 0);
	assert_int_equal(pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &u4), 0);
	assert_int_equal(pd_snapshot_add_range(&s->excluded, &s->n_excluded, &ex),
	                 0);
	assert_int_equal(pd_snapshot_add_range(&s->excluded, &s->n_excluded, &exu),
	                 0);
	return s;
}

/* The seed case: dynamic start 1024, WinNAT's 6500-6599, port 6555. */
static void test_windows_seed(void **state)
{
	pd_snapshot *s = fx_windows(1024);
	pd_plan_opts o = no_opts;
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 6555, PD_EACCES, 10013, "WSAEACCES");
	fx_bind(s, PD_PROTO_TCP, "::", 6555, 0, 0, NULL);
	p = plan_for(s, "6555", &o, false);
	assert_string_equal(ids(p),
	                    "reset_dynamic_range restart_winnat use_other_port");
	r = &p->remedies[0];
	assert_true(r->needs_root);
	assert_true(r->needs_reboot);
	assert_true(r->with_next);
	assert_int_equal(r->n_steps, 4);
	assert_string_equal(argv_of(&r->steps[0]), "netsh|int|ipv4|set|"
	                    "dynamicport|tcp|start=49152|num=16384");
	assert_string_equal(argv_of(&r->steps[1]), "netsh|int|ipv6|set|"
	                    "dynamicport|tcp|start=49152|num=16384");
	/* Which ports stay reserved until the reboot, and the re-check. */
	assert_int_equal(r->steps[2].kind, PD_STEP_MANUAL);
	assert_non_null(strstr(r->steps[2].text, "exclusions 6500-6599 stay"));
	assert_non_null(strstr(r->steps[3].text, "portdoctor fix 6555"));
	r = &p->remedies[1];
	assert_true(r->needs_root);
	assert_false(r->needs_reboot);
	assert_false(r->with_next);
	assert_int_equal(r->n_steps, 5);
	assert_string_equal(argv_of(&r->steps[0]), "net|stop|winnat");
	assert_string_equal(argv_of(&r->steps[1]), "netsh|int|ipv4|add|"
	                    "excludedportrange|protocol=tcp|startport=6555|"
	                    "numberofports=1|store=persistent");
	assert_string_equal(argv_of(&r->steps[2]), "netsh|int|ipv6|add|"
	                    "excludedportrange|protocol=tcp|startport=6555|"
	                    "numberofports=1|store=persistent");
	assert_string_equal(argv_of(&r->steps[3]), "net|start|winnat");
	/* The restore step runs after any failure once the stop ran. */
	assert_false(r->steps[1].always);
	assert_true(r->steps[3].always);
	assert_int_equal(r->steps[3].undoes, 1);
	assert_int_equal(r->steps[4].kind, PD_STEP_MANUAL);
	assert_non_null(strstr(r->side_effects, "WSL2"));
	assert_non_null(strstr(r->side_effects, "WSL#9418"));
	pd_plan_free(p);
	/* Without the reservation. */
	o.no_reserve = true;
	p = plan_for(s, "6555", &o, false);
	r = &p->remedies[1];
	assert_int_equal(r->n_steps, 3);
	assert_string_equal(argv_of(&r->steps[1]), "net|start|winnat");
	assert_true(r->steps[1].always);
	pd_plan_free(p);
	/* WSL present: `wsl --shutdown` before WinNAT stops. */
	o.no_reserve = false;
	s->wsl_present = 1;
	s->winnat_running = 1;
	p = plan_for(s, "6555", &o, false);
	r = &p->remedies[1];
	assert_string_equal(argv_of(&r->steps[0]), "wsl|--shutdown");
	assert_string_equal(argv_of(&r->steps[1]), "net|stop|winnat");
	assert_string_equal(argv_of(&r->steps[4]), "net|start|winnat");
	assert_int_equal(r->steps[4].undoes, 2);
	pd_plan_free(p);
	/* WinNAT stopped or absent: nothing to restart, nothing to stop. */
	s->winnat_running = 0;
	p = plan_for(s, "6555", &o, false);
	assert_string_equal(ids(p), "reset_dynamic_range use_other_port");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_windows_udp_and_default(void **state)
{
	pd_snapshot *s = fx_windows(1024);
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	fx_bind(s, PD_PROTO_UDP, "127.0.0.1", 6510, PD_EACCES, 10013, "WSAEACCES");
	p = plan_for(s, "127.0.0.1:6510/udp", &no_opts, false);
	assert_string_equal(ids(p),
	                    "reset_dynamic_range restart_winnat use_other_port");
	r = &p->remedies[0];
	assert_int_equal(r->n_steps, 6);
	assert_string_equal(argv_of(&r->steps[2]), "netsh|int|ipv4|set|"
	                    "dynamicport|udp|start=49152|num=16384");
	assert_string_equal(argv_of(&r->steps[3]), "netsh|int|ipv6|set|"
	                    "dynamicport|udp|start=49152|num=16384");
	/* An IPv4 address: only the IPv4 exclusion. */
	r = &p->remedies[1];
	assert_int_equal(r->n_steps, 4);
	assert_string_equal(argv_of(&r->steps[1]), "netsh|int|ipv4|add|"
	                    "excludedportrange|protocol=udp|startport=6510|"
	                    "numberofports=1|store=persistent");
	pd_plan_free(p);
	pd_snapshot_free(s);
	/* A default dynamic range: only the WinNAT restart. */
	s = fx_windows(49152);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 6555, PD_EACCES, 10013, "WSAEACCES");
	p = plan_for(s, "6555", &no_opts, false);
	assert_string_equal(ids(p), "restart_winnat use_other_port");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_windows_http_sys_and_portproxy(void **state)
{
	pd_snapshot *s = fx_windows(49152);
	pd_http_registration h;
	pd_plan *p;

	(void)state;
	held(s, PD_PROTO_TCP, 80, 4, "System");
	/* PID 4 with no URL on the port is the kernel, not http.sys: it is
	 * never ended, so another port is all there is. */
	p = plan_for(s, "80", &no_opts, false);
	assert_string_equal(ids(p), "use_other_port");
	pd_plan_free(p);
	memset(&h, 0, sizeof(h));
	h.url = (char *)"HTTP://+:80/WSMAN/";
	h.port = 80;
	assert_int_equal(pd_snapshot_add_http(s, &h), 0);
	p = plan_for(s, "80", &no_opts, false);
	assert_string_equal(ids(p), "stop_http_sys_user use_other_port");
	pd_plan_free(p);
	pd_snapshot_free(s);
	s = fx_windows(49152);
	held(s, PD_PROTO_TCP, 8080, 900, "svchost.exe");
	proc(s, 900)->service = strdup("iphlpsvc");
	p = plan_for(s, "8080", &no_opts, false);
	assert_string_equal(ids(p), "stop_unit stop_process remove_portproxy "
	                    "use_other_port");
	assert_string_equal(argv_of(&p->remedies[0].steps[0]),
	                    "net|stop|iphlpsvc");
	assert_non_null(p->remedies[1].refusal); /* svchost is critical */
	/* No rule listed: nothing is guessed, a person looks it up. */
	assert_int_equal(p->remedies[2].steps[0].kind, PD_STEP_MANUAL);
	assert_false(p->remedies[2].changes_system);
	pd_plan_free(p);
	/* The rules as `netsh interface portproxy show all` listed them: the
	 * exact kind and listen address; "*" (added without an address) is
	 * deleted without one. */
	{
		pd_portproxy_rule r6 = {PD_FAMILY_V4, PD_FAMILY_V6,
		                        (char *)"0.0.0.0", 8080, (char *)"::1", 80};
		pd_portproxy_rule any = {PD_FAMILY_V4, PD_FAMILY_V4, (char *)"*",
		                         8080, (char *)"10.0.0.2", 80};
		pd_portproxy_rule other = {PD_FAMILY_V4, PD_FAMILY_V4,
		                           (char *)"0.0.0.0", 9090,
		                           (char *)"10.0.0.2", 80};

		assert_int_equal(pd_snapshot_add_portproxy(s, &other), 0);
		assert_int_equal(pd_snapshot_add_portproxy(s, &r6), 0);
		assert_int_equal(pd_snapshot_add_portproxy(s, &any), 0);
	}
	p = plan_for(s, "8080", &no_opts, false);
	assert_int_equal(p->remedies[2].n_steps, 2);
	assert_string_equal(argv_of(&p->remedies[2].steps[0]),
	                    "netsh|interface|portproxy|delete|v4tov6|"
	                    "listenport=8080|listenaddress=0.0.0.0|protocol=tcp");
	assert_string_equal(argv_of(&p->remedies[2].steps[1]),
	                    "netsh|interface|portproxy|delete|v4tov4|"
	                    "listenport=8080|protocol=tcp");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_advice(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_plan *p;

	(void)state;
	fx_bind(s, PD_PROTO_TCP, "10.9.9.9", 8080, PD_EADDRNOTAVAIL, 99,
	        "EADDRNOTAVAIL");
	p = plan_for(s, "10.9.9.9:8080", &no_opts, false);
	assert_string_equal(ids(p), "use_local_address use_other_port");
	pd_plan_free(p);
	/* Held, owner unknown. */
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 2024, PD_STATE_LISTEN, -1, 0);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 2024, PD_EADDRINUSE, 98, "EADDRINUSE");
	fx_bind(s, PD_PROTO_TCP, "::", 2024, 0, 0, NULL);
	p = plan_for(s, "2024", &no_opts, false);
	assert_string_equal(ids(p), "find_owner use_other_port");
	pd_plan_free(p);
	/* kill says the holder cannot be named, and why (issue 15, point 8),
	 * never "nothing to end"; it changes nothing. */
	s->privileged = false;
	p = plan_for(s, "2024", &no_opts, true);
	assert_string_equal(ids(p), "find_owner");
	assert_false(p->remedies[0].changes_system);
	assert_non_null(strstr(p->remedies[0].what, "not running as root"));
	pd_plan_free(p);
	s->privileged = true;
	p = plan_for(s, "2024", &no_opts, true);
	assert_string_equal(ids(p), "find_owner");
	assert_non_null(strstr(p->remedies[0].what, "kernel"));
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_plan_reserve(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_range res = {PD_PROTO_NONE, PD_FAMILY_ANY, 9000, 9010, false};
	pd_range want[2] = {{0, 0, 8080, 8080, false}, {0, 0, 9005, 9020, false}};
	pd_plan_opts o = no_opts;
	pd_plan *p;
	const pd_step *st;

	(void)state;
	assert_int_equal(pd_snapshot_add_range(&s->reserved, &s->n_reserved, &res),
	                 0);
	o.root = "/tmp/r";
	assert_int_equal(pd_plan_reserve(s, want, 2, false, PD_PROTO_TCP, &o, &p),
	                 0);
	assert_string_equal(ids(p), "reserve_port");
	st = &p->remedies[0].steps[0];
	assert_string_equal(st->preview, "8080,9000-9020");
	assert_string_equal(st->path,
	                    "/tmp/r/etc/sysctl.d/90-portdoctor-reserved-ports.conf");
	pd_plan_free(p);
	/* Already reserved: nothing. */
	assert_int_equal(pd_plan_reserve(s, &res, 1, false, PD_PROTO_TCP, &o, &p),
	                 0);
	assert_int_equal(p->n_remedies, 0);
	pd_plan_free(p);
	/* Remove: a port not reserved is dropped. */
	assert_int_equal(pd_plan_reserve(s, want, 2, true, PD_PROTO_TCP, &o, &p),
	                 0);
	assert_string_equal(ids(p), "unreserve_port");
	st = &p->remedies[0].steps[0];
	assert_true(st->remove);
	assert_int_equal(st->n_ranges, 1);
	assert_string_equal(st->preview, "9000-9004");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

/* An unreadable list is unknown: never judged "already reserved", never
 * previewed as only the new port, and the remedy refused (issue 15,
 * point 4). */
static void test_plan_reserve_unknown(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_range want = {0, 0, 8080, 8080, false};
	pd_plan_opts o = no_opts;
	pd_plan *p;
	char *json = NULL, err[128];
	pd_snapshot *back = NULL;

	(void)state;
	s->reserved_unknown = true;
	o.root = "/tmp/r";
	assert_int_equal(pd_plan_reserve(s, &want, 1, false, PD_PROTO_TCP, &o, &p),
	                 0);
	assert_string_equal(ids(p), "reserve_port");
	assert_non_null(p->remedies[0].refusal);
	assert_null(p->remedies[0].steps[0].preview);
	pd_plan_free(p);
	/* Written as null, read back as unknown. */
	assert_int_equal(pd_snapshot_to_json(s, &json), 0);
	assert_non_null(strstr(json, "\"reserved\": null"));
	assert_int_equal(pd_snapshot_from_json(json, strlen(json), err,
	                                       sizeof(err), &back), 0);
	assert_true(back->reserved_unknown);
	free(json);
	pd_snapshot_free(back);
	pd_snapshot_free(s);
}

static void test_plan_reserve_windows(void **state)
{
	pd_snapshot *s = fx_windows(49152);
	pd_range want = {0, 0, 8080, 8089, false};
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	assert_int_equal(pd_plan_reserve(s, &want, 1, false, PD_PROTO_TCP,
	                                 &no_opts, &p), 0);
	assert_string_equal(ids(p), "add_excluded_range");
	r = &p->remedies[0];
	assert_int_equal(r->n_steps, 5);
	assert_null(r->refusal);
	assert_string_equal(argv_of(&r->steps[0]), "net|stop|winnat");
	assert_string_equal(argv_of(&r->steps[1]), "netsh|int|ipv4|add|"
	                    "excludedportrange|protocol=tcp|startport=8080|"
	                    "numberofports=10|store=persistent");
	assert_string_equal(argv_of(&r->steps[2]), "netsh|int|ipv6|add|"
	                    "excludedportrange|protocol=tcp|startport=8080|"
	                    "numberofports=10|store=persistent");
	assert_string_equal(argv_of(&r->steps[3]), "net|start|winnat");
	assert_true(r->steps[3].always);
	assert_int_equal(r->steps[3].undoes, 1);
	assert_int_equal(r->steps[4].kind, PD_STEP_MANUAL);
	pd_plan_free(p);
	/* WinNAT not running: left alone. */
	s->winnat_running = 0;
	assert_int_equal(pd_plan_reserve(s, &want, 1, false, PD_PROTO_TCP,
	                                 &no_opts, &p), 0);
	r = &p->remedies[0];
	assert_int_equal(r->n_steps, 2);
	assert_string_equal(argv_of(&r->steps[0]), "netsh|int|ipv4|add|"
	                    "excludedportrange|protocol=tcp|startport=8080|"
	                    "numberofports=10|store=persistent");
	pd_plan_free(p);
	s->winnat_running = 1;
	/* A port of the block in use: refused, saying why and what first. */
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 8085, PD_STATE_LISTEN, -1, 777);
	fx_process(s, 777, "node.exe", "node.exe");
	assert_int_equal(pd_plan_reserve(s, &want, 1, false, PD_PROTO_TCP,
	                                 &no_opts, &p), 0);
	r = &p->remedies[0];
	assert_non_null(r->refusal);
	assert_non_null(strstr(r->refusal, "tcp port 8085 is in use (pid 777, "
	                                   "node.exe)"));
	assert_non_null(strstr(r->refusal, "portdoctor kill 8085"));
	pd_plan_free(p);
	/* UDP reservations do not meet a TCP socket. */
	assert_int_equal(pd_plan_reserve(s, &want, 1, false, PD_PROTO_UDP,
	                                 &no_opts, &p), 0);
	assert_null(p->remedies[0].refusal);
	pd_plan_free(p);
	s->excluded[0].administered = true; /* 6500-6599 tcp */
	want.start = 6500;
	want.end = 6509;
	assert_int_equal(pd_plan_reserve(s, &want, 1, true, PD_PROTO_TCP,
	                                 &no_opts, &p), 0);
	assert_string_equal(ids(p), "delete_excluded_range");
	assert_string_equal(argv_of(&p->remedies[0].steps[0]),
	                    "netsh|int|ipv4|delete|excludedportrange|"
	                    "protocol=tcp|startport=6500|numberofports=10");
	pd_plan_free(p);
	pd_snapshot_free(s);
}

static void test_portlist_and_signals(void **state)
{
	pd_range cur[2] = {{0, 0, 9000, 9010, false}, {0, 0, 7000, 7000, false}};
	pd_range chg[2] = {{0, 0, 7001, 7001, false}, {0, 0, 9005, 9005, false}};
	char *t = NULL;
	int sig = -7;

	(void)state;
	assert_int_equal(pd_portlist_edit(cur, 2, chg, 1, false, &t), 0);
	assert_string_equal(t, "7000-7001,9000-9010");
	free(t);
	assert_int_equal(pd_portlist_edit(cur, 2, chg, 2, true, &t), 0);
	assert_string_equal(t, "7000,9000-9004,9006-9010");
	free(t);
	assert_int_equal(pd_portlist_edit(NULL, 0, NULL, 0, false, &t), 0);
	assert_string_equal(t, "");
	free(t);
	assert_int_equal(pd_reserved_file_content("8080", &t), 0);
	assert_string_equal(t, "# Written by portdoctor reserve: ports never "
	                    "handed out as ephemeral ports.\n# It holds what was "
	                    "reserved at run time when written, so it keeps other "
	                    "reservations.\nnet.ipv4.ip_local_reserved_ports = "
	                    "8080\n");
	free(t);
	assert_int_equal(pd_signal_parse("TERM", &sig), 0);
	assert_int_equal(sig, 15);
	assert_int_equal(pd_signal_parse("sigkill", &sig), 0);
	assert_int_equal(sig, 9);
	assert_int_equal(pd_signal_parse("2", &sig), 0);
	assert_int_equal(sig, 2);
	sig = -7;
	assert_int_equal(pd_signal_parse("BOGUS", &sig), PD_EINVAL);
	assert_int_equal(pd_signal_parse("65", &sig), PD_ERANGE);
	assert_int_equal(pd_signal_parse("", &sig), PD_EINVAL);
	assert_int_equal(sig, -7);
	assert_string_equal(pd_signal_name(9), "KILL");
	assert_null(pd_signal_name(33));
}

static void test_free_candidate(void **state)
{
	pd_snapshot *s = fx_linux();
	pd_range res = {PD_PROTO_NONE, PD_FAMILY_ANY, 9000, 9010, false};
	char why[160];

	(void)state;
	assert_int_equal(pd_snapshot_add_range(&s->reserved, &s->n_reserved, &res),
	                 0);
	fx_socket(s, PD_PROTO_TCP, "127.0.0.1", 8080, PD_STATE_TIME_WAIT, -1, 0);
	assert_true(pd_free_candidate(s, PD_PROTO_TCP, 8081, why, sizeof(why)));
	assert_true(pd_free_candidate(s, PD_PROTO_UDP, 8080, why, sizeof(why)));
	assert_false(pd_free_candidate(s, PD_PROTO_TCP, 8080, why, sizeof(why)));
	assert_string_equal(why, "in use: tcp time_wait 127.0.0.1:8080");
	assert_false(pd_free_candidate(s, PD_PROTO_TCP, 9003, why, sizeof(why)));
	assert_string_equal(why, "reserved (ip_local_reserved_ports 9000-9010)");
	assert_false(pd_free_candidate(s, PD_PROTO_TCP, 40000, why, sizeof(why)));
	assert_string_equal(why, "in the dynamic (ephemeral) range 32768-60999");
	assert_false(pd_free_candidate(s, PD_PROTO_TCP, 80, why, sizeof(why)));
	assert_string_equal(why, "below ip_unprivileged_port_start (1024)");
	pd_snapshot_free(s);
}

static void test_names_and_render(void **state)
{
	pd_snapshot *s = fx_windows(1024);
	const pd_plan *pp[1];
	pd_plan *p;
	pd_render_opts ro = {false, false, false, false};
	pd_remedy_id id;
	char *text = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < PD__R_COUNT; i++) {
		assert_int_equal(pd_remedy_parse(pd_remedy_name((pd_remedy_id)i), &id),
		                 0);
		assert_int_equal(id, i);
	}
	assert_int_equal(pd_remedy_parse("nope", &id), PD_EINVAL);
	fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 6555, PD_EACCES, 10013, "WSAEACCES");
	p = plan_for(s, "6555", &no_opts, false);
	pp[0] = p;
	assert_int_equal(pd_render_plans_text(pp, 1, s, &ro, &text), 0);
	assert_non_null(strstr(text, "  1. reset_dynamic_range: "));
	assert_non_null(strstr(text, "     applied together with 2\n"));
	assert_non_null(strstr(text, "       $ net stop winnat\n"));
	assert_non_null(strstr(text, "needs: root/administrator, a reboot"));
	free(text);
	assert_int_equal(pd_render_plans_json("fix", pp, 1, NULL, &text), 0);
	assert_non_null(strstr(text, "\"schema\": \"portdoctor.fix.v1\""));
	assert_non_null(strstr(text, "\"id\": \"restart_winnat\""));
	assert_non_null(strstr(text, "\"with_next\": true"));
	free(text);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_process),
		cmocka_unit_test(test_available_empty),
		cmocka_unit_test(test_stop_unit),
		cmocka_unit_test(test_resolved_stub),
		cmocka_unit_test(test_stop_container),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_critical_unit),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_reserve_in_dynamic),
		cmocka_unit_test(test_windows_seed),
		cmocka_unit_test(test_windows_udp_and_default),
		cmocka_unit_test(test_windows_http_sys_and_portproxy),
		cmocka_unit_test(test_advice),
		cmocka_unit_test(test_plan_reserve),
		cmocka_unit_test(test_plan_reserve_unknown),
		cmocka_unit_test(test_plan_reserve_windows),
		cmocka_unit_test(test_portlist_and_signals),
		cmocka_unit_test(test_free_candidate),
		cmocka_unit_test(test_names_and_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
