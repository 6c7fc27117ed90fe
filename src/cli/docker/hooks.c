/*
 * The Docker CLI's hooks protocol: after a command fails, the CLI runs
 * `docker-portdoctor portdoctor docker-cli-plugin-hooks JSON`, where JSON
 * is {"RootCmd": "run", "Flags": {...}, "CommandError": "..."}, and prints
 * the Template of our reply {"Type":0,"Template":"..."} under the failed
 * command (docker/cli cli-plugins/hooks/hook_types.go, Request/Response;
 * cli-plugins/manager/plugin.go RunHook; Type 0 is NextSteps, the only
 * type).  A template that contains "{{" is run as a Go template, so our
 * text never contains it; more than 10 lines are rejected.
 *
 * The reply must come quickly and never fail: a request that is not JSON,
 * or has no port-binding failure, gets an empty template.  For a failure
 * the offline reading (the explain parser) is ready first; the check of
 * the port on this machine then runs under a 0.7 s timer, and if it
 * is not done by then the offline reply is written from the signal
 * handler.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/time.h>
#include <unistd.h>
#endif

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_first.h"
#include "explain/errmsg.h"
#include "explain/explain.h"
#include "remedy/remedy.h"

#define EMPTY_REPLY "{\"Type\":0,\"Template\":\"\"}"

/* {"Type":0,"Template":text} with "{{" broken up; malloc'ed. */
static char *reply(const char *text)
{
	json_t *o;
	char *t, *p, *out;

	t = strdup(text);
	if (!t)
		return NULL;
	while ((p = strstr(t, "{{")))
		p[1] = '(';
	o = json_pack("{s:i,s:s}", "Type", 0, "Template", t);
	out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	free(t);
	return out;
}

/* The operand that names e's target on portdoctor's command line. */
static void target_arg(const pd_target *t, char *buf, size_t size)
{
	char a[PD_ADDR_STRLEN] = "";
	const char *udp = t->proto == PD_PROTO_UDP ? "/udp" : "";

	if (t->host == PD_HOST_ADDR && !pd_addr_is_any(&t->addr)) {
		pd_addr_format(&t->addr, a, sizeof(a));
		snprintf(buf, size, t->addr.family == PD_FAMILY_V6 ?
		         "[%s]:%u%s" : "%s:%u%s", a, t->port_lo, udp);
	} else if (t->host == PD_HOST_LOCALHOST) {
		snprintf(buf, size, "localhost:%u%s", t->port_lo, udp);
	} else {
		snprintf(buf, size, "%u%s", t->port_lo, udp);
	}
}

/* The offline meaning's first two sentences (what failed, the likely
 * cause), and the command that finds and applies the fix. */
static char *offline_text(const pd_errmsg *e, const char *arg)
{
	char *meaning = NULL, *dot, *out;
	bool win = pd_errmsg_from_windows(e);
	size_t n;

	if (pd_explain_meaning(e, &meaning) < 0)
		return NULL;
	dot = strstr(meaning, ". ");
	if (dot)
		dot = strstr(dot + 2, ". ");
	if (dot)
		dot[1] = '\0';
	n = strlen(meaning) + 2 * strlen(arg) + 128;
	out = malloc(n);
	if (out)
		snprintf(out, n, "portdoctor: %s\nFix: %s fix %s   (%s)", meaning,
		         win ? "portdoctor.exe" : "portdoctor", arg,
		         win ? "on Windows, as administrator: the cause there and "
		               "its remedy" : "the cause here and its remedy");
	free(meaning);
	return out;
}

#ifndef _WIN32
/* Cause on this machine and the one command: from a real check.  (Only
 * where a timer can bound it: on Windows the probe runs netsh, which can
 * take seconds, so the reply there is the offline reading.) */
static char *checked_text(const pd_target *t, const char *arg)
{
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	pd_report *rep = NULL;
	pd_plan *pl = NULL;
	pd_plan_opts popt;
	const pd_result *res;
	const pd_finding *f = NULL;
	const char *fix = NULL;
	char err[256], *out = NULL;
	size_t i, n;
	plan p;

	memset(&p, 0, sizeof(p));
	if (plan_add(&p, t) < 0)
		goto done;
	memset(&po, 0, sizeof(po));
	po.binds = p.binds;
	po.n_binds = p.n_binds;
	po.ports = p.ports;
	po.n_ports = p.n_ports;
	po.owners = 1;
	po.containers = 1;
	if (pd_probe_collect(&po, err, sizeof(err), &s) < 0 ||
	    pd_diagnose(s, t, 1, &rep) < 0 || rep->n_results < 1)
		goto done;
	res = &rep->results[0];
	for (i = 0; i < res->n_findings && !f; i++)
		if (res->findings[i].severity == PD_SEV_ERROR)
			f = &res->findings[i];
	memset(&popt, 0, sizeof(popt));
	pd_probe_self(&popt.self_pid, &popt.parent_pid);
	if (pd_plan_build(s, res, &popt, &pl) == 0)
		for (i = 0; i < pl->n_remedies && !fix; i++)
			if (pl->remedies[i].changes_system && !pl->remedies[i].refusal)
				fix = pl->remedies[i].title;
	n = (f ? strlen(f->message) : 0) + (fix ? strlen(fix) : 0) +
	    3 * strlen(arg) + 192;
	out = malloc(n);
	if (!out)
		goto done;
	if (res->available)
		snprintf(out, n, "portdoctor: port %s is free now; run the command "
		         "again.", arg);
	else if (fix)
		snprintf(out, n, "portdoctor: %s\nFix: portdoctor fix %s --apply   "
		         "(%s)", f ? f->message : "the port cannot be bound", arg, fix);
	else
		snprintf(out, n, "portdoctor: %s\nFix: portdoctor fix %s   (the "
		         "remedies, best first)", f ? f->message :
		         "the port cannot be bound", arg);
done:
	pd_plan_free(pl);
	pd_report_free(rep);
	pd_snapshot_free(s);
	plan_done(&p);
	return out;
}

static const char *volatile alarm_reply;

static void on_alarm(int sig)
{
	const char *r = alarm_reply;

	(void)sig;
	if (r && write(1, r, strlen(r)) < 0)
		_exit(1);
	_exit(0);
}
#endif

/* The failure in the request's CommandError, or NULL. */
static pd_errmsg *request_failure(const char *request, size_t len,
                                  size_t *ret_n)
{
	json_t *root, *ce;
	pd_errmsg *errs = NULL;
	size_t n = 0;

	root = json_loadb(request, len, 0, NULL);
	ce = json_is_object(root) ? json_object_get(root, "CommandError") : NULL;
	if (json_is_string(ce) &&
	    pd_errmsg_parse(json_string_value(ce), json_string_length(ce),
	                    &errs, &n) < 0)
		n = 0;
	json_decref(root);
	*ret_n = n;
	return errs;
}

char *cli_docker_hook_reply(const char *request, size_t len)
{
	pd_errmsg *errs;
	pd_target t;
	char arg[80], *text = NULL, *off = NULL, *out, *offr = NULL;
	size_t n = 0;

	errs = request_failure(request, len, &n);
	if (!n || pd_errmsg_target(&errs[0], &t) < 0) {
		pd_errmsg_free(errs, n);
		return strdup(EMPTY_REPLY);
	}
	t.port_hi = t.port_lo;
	target_arg(&t, arg, sizeof(arg));
	off = offline_text(&errs[0], arg);
	offr = off ? reply(off) : NULL;
#ifndef _WIN32
	/* Docker Desktop's errors come from a Linux VM or Windows: checking
	 * this machine says nothing about them. */
	if (!pd_errmsg_from_windows(&errs[0])) {
		struct itimerval deadline = {{0, 0}, {0, 700000}}, off_timer;

		memset(&off_timer, 0, sizeof(off_timer));
		alarm_reply = offr;
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &deadline, NULL);
		text = checked_text(&t, arg);
		setitimer(ITIMER_REAL, &off_timer, NULL);
		alarm_reply = NULL;
	}
#endif
	out = text ? reply(text) : offr ? strdup(offr) : strdup(EMPTY_REPLY);
	free(text);
	free(off);
	free(offr);
	pd_errmsg_free(errs, n);
	return out;
}
