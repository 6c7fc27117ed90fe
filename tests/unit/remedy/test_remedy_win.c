/* Unit tests: the Windows plans (src/remedy/win.c, advice.c) on the
 * recorded snapshots of tests/data/snapshots, and the "always" flag and
 * failure report in src/render/fix.c: the order of the remedies and of
 * their steps, what runs after a failure, and what is never suggested. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "remedy/remedy.h"
#include "testdata.h"

static pd_snapshot *load(const char *name)
{
	char err[256] = "", *text;
	size_t len;
	pd_snapshot *s = NULL;

	text = pd_test_load("snapshots", name, &len);
	if (pd_snapshot_from_json(text, len, err, sizeof(err), &s) < 0)
		fail_msg("%s: %s", name, err);
	free(text);
	return s;
}

static pd_plan *plan_for(const pd_snapshot *s, uint16_t port,
                         uint16_t other)
{
	pd_plan_opts o;
	pd_target t;
	pd_report *rep = NULL;
	pd_plan *p = NULL;

	memset(&o, 0, sizeof(o));
	o.other_port = other;
	o.self_pid = 99999;
	o.parent_pid = 99998;
	memset(&t, 0, sizeof(t));
	t.proto = PD_PROTO_TCP;
	t.port_lo = t.port_hi = port;
	assert_int_equal(pd_diagnose(s, &t, 1, &rep), 0);
	assert_int_equal(pd_plan_build(s, &rep->results[0], &o, &p), 0);
	pd_report_free(rep);
	return p;
}

/* Every step of a plan, one per line: "remedy: argv" for a command (with
 * " [always]"), "remedy: # text" for a note. */
static char *steps_of(const pd_plan *p)
{
	static char buf[4096];
	size_t i, k, a, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n_remedies; i++)
		for (k = 0; k < p->remedies[i].n_steps; k++) {
			const pd_step *st = &p->remedies[i].steps[k];

			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s:",
			                        pd_remedy_name(p->remedies[i].id));
			for (a = 0; st->kind == PD_STEP_RUN && a < st->argc; a++)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s",
				                        st->argv[a]);
			if (st->kind == PD_STEP_MANUAL)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, " #");
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s\n",
			                        st->always ? " [always]" : "");
		}
	return buf;
}

/* The seed case as recorded: dynamic range 1024-15000, WinNAT's 6500-6599,
 * WinNAT running, WSL and Docker Desktop present.  The range is reset
 * first, then WSL shuts down before WinNAT stops, the port is reserved,
 * and WinNAT starts again whatever failed in between. */
static void test_seed_order(void **state)
{
	pd_snapshot *s = load("win-seed-6555.json");
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	p = plan_for(s, 6555, 0);
	assert_string_equal(
		steps_of(p),
		"reset_dynamic_range: netsh int ipv4 set dynamicport tcp "
		"start=49152 num=16384\n"
		"reset_dynamic_range: netsh int ipv6 set dynamicport tcp "
		"start=49152 num=16384\n"
		"reset_dynamic_range: #\n"
		"reset_dynamic_range: #\n"
		"restart_winnat: wsl --shutdown\n"
		"restart_winnat: net stop winnat\n"
		"restart_winnat: netsh int ipv4 add excludedportrange protocol=tcp "
		"startport=6555 numberofports=1 store=persistent\n"
		"restart_winnat: netsh int ipv6 add excludedportrange protocol=tcp "
		"startport=6555 numberofports=1 store=persistent\n"
		"restart_winnat: net start winnat [always]\n"
		"restart_winnat: #\n"
		"use_other_port: #\n");
	assert_true(p->remedies[0].with_next);
	r = &p->remedies[1];
	assert_int_equal(r->steps[4].undoes, 2); /* the net stop */
	/* Until the reboot: the blocks reserved now, named once each. */
	assert_non_null(strstr(p->remedies[0].steps[2].text,
	                       "exclusions 5357, 6500-6599 stay reserved"));
	assert_non_null(strstr(r->side_effects, "microsoft/WSL#9418"));
	assert_non_null(strstr(r->steps[5].text, "Docker Desktop"));
	pd_plan_free(p);
	pd_snapshot_free(s);
}

/* "Use another port" never names a port of the range being set. */
static void test_other_port_outside_new_range(void **state)
{
	pd_snapshot *s = load("win-seed-6555.json");
	pd_plan *p;
	int u;

	(void)state;
	p = plan_for(s, 6555, 65535);
	u = pd_plan_find(p, PD_R_USE_OTHER_PORT);
	assert_true(u >= 0);
	assert_string_equal(p->remedies[u].title, "Use another port");
	pd_plan_free(p);
	p = plan_for(s, 6555, 20000);
	u = pd_plan_find(p, PD_R_USE_OTHER_PORT);
	assert_string_equal(p->remedies[u].title, "Use port 20000 instead");
	pd_plan_free(p);
	/* With the default range in place (no reset), 20000 stays too. */
	pd_snapshot_free(s);
}

/* A port in use is not reserved: the plan says why and what first. */
static void test_in_use_not_reserved(void **state)
{
	pd_snapshot *s = load("win-seed-6555.json");
	pd_socket *sk;
	pd_plan *p;
	const pd_remedy *r;

	(void)state;
	/* The recorded machine, plus a TIME_WAIT connection from port 6555
	 * (the bind still fails with 10013: the range is WinNAT's). */
	assert_int_equal(pd_snapshot_add_socket(s, &sk), 0);
	sk->proto = PD_PROTO_TCP;
	sk->state = PD_STATE_TIME_WAIT;
	sk->local_port = 6555;
	sk->remote_port = 443;
	p = plan_for(s, 6555, 0);
	r = &p->remedies[pd_plan_find(p, PD_R_RESTART_WINNAT)];
	assert_string_equal(r->title, "Restart WinNAT");
	assert_int_equal(r->steps[0].kind, PD_STEP_MANUAL);
	assert_non_null(strstr(r->steps[0].text, "not reserved: tcp port 6555 "
	                                         "is in use (a time_wait "
	                                         "socket, owner unknown)"));
	/* A connection closes by itself: wait, nothing to kill. */
	assert_non_null(strstr(r->steps[0].text, "wait until its connection "
	                                         "has closed"));
	assert_null(strstr(r->steps[0].text, "portdoctor kill"));
	assert_null(strstr(steps_of(p), "excludedportrange"));
	pd_plan_free(p);
	pd_snapshot_free(s);
}

/* Recorded portproxy rules (netsh interface portproxy show all): the
 * v4tov6 rule on 2222 is deleted as v4tov6 with its listen address. */
static void test_portproxy_exact(void **state)
{
	pd_snapshot *s = load("win-httpsys-portproxy-netsh.json");
	pd_plan *p;
	int i;

	(void)state;
	p = plan_for(s, 2222, 0);
	i = pd_plan_find(p, PD_R_REMOVE_PORTPROXY);
	assert_true(i >= 0);
	assert_non_null(strstr(steps_of(p),
	                       "remove_portproxy: netsh interface portproxy "
	                       "delete v4tov6 listenport=2222 "
	                       "listenaddress=0.0.0.0 protocol=tcp\n"));
	pd_plan_free(p);
	pd_snapshot_free(s);
}

/* The JSON of a plan marks restore steps; an outcome names the failed
 * step, how many restore steps ran, and what to run now. */
static void test_json_always_and_failure(void **state)
{
	pd_snapshot *s = load("win-seed-6555.json");
	pd_plan *p = plan_for(s, 6555, 0);
	const pd_plan *pp[1] = {p};
	pd_outcome oc;
	char *text = NULL;

	(void)state;
	assert_int_equal(pd_render_plans_json("fix", pp, 1, NULL, &text), 0);
	assert_non_null(strstr(text, "\"always\": true"));
	assert_non_null(strstr(text, "\"always\": false"));
	free(text);
	memset(&oc, 0, sizeof(oc));
	oc.attempted = true;
	oc.remedy = "reset_dynamic_range";
	oc.err = PD_EIO;
	oc.failed_remedy = "restart_winnat";
	oc.failed_step = 3;
	strcpy(oc.failed_command, "netsh int ipv4 add excludedportrange");
	strcpy(oc.failed_error, "netsh exited with status 1");
	oc.n_restored = 0;
	strcpy(oc.run_now, "net start winnat");
	assert_int_equal(pd_render_plans_json("fix", pp, 1, &oc, &text), 0);
	assert_non_null(strstr(text, "\"failed_step\": {"));
	assert_non_null(strstr(text, "\"step\": 3"));
	assert_non_null(strstr(text, "\"run_now\": \"net start winnat\""));
	free(text);
	pd_plan_free(p);
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_order),
		cmocka_unit_test(test_other_port_outside_new_range),
		cmocka_unit_test(test_in_use_not_reserved),
		cmocka_unit_test(test_portproxy_exact),
		cmocka_unit_test(test_json_always_and_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
