/*
 * portdoctor explain [TEXT...] [-f FILE] [--offline] [--json]
 *
 * Reads pasted error text (operands, a file, or standard input), finds
 * every port-binding failure in it, says what each means, and checks each
 * endpoint on this machine unless --offline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <io.h>
#define isatty _isatty
#else
#include <unistd.h>
#endif

#include "cli.h"
#include "explain/errmsg.h"
#include "explain/explain.h"
#include "core/i18n.h"

/* The pasted text: operands joined by spaces, -f FILE, or stdin. */
static int read_input(const cli_opts *o, char **ret, size_t *ret_len)
{
	char err[512] = "";
	size_t i, len = 0;
	char *text;
	int r;

	if (o->n_args && o->input_path) {
		cli_error(_("explain takes the text as operands or with -f, not "
		            "both"));
		return EXIT_USAGE;
	}
	if (o->n_args) {
		for (i = 0; i < o->n_args; i++)
			len += strlen(o->args[i]) + 1;
		if (len > PD_ERRMSG_MAX_INPUT) {
			cli_error(_("the text is larger than %u bytes"),
			          PD_ERRMSG_MAX_INPUT);
			return EXIT_USAGE;
		}
		text = malloc(len + 1);
		if (!text) {
			cli_error(_("out of memory"));
			return EXIT_PROBE;
		}
		text[0] = '\0';
		for (i = 0; i < o->n_args; i++) {
			strcat(text, o->args[i]);
			strcat(text, i + 1 < o->n_args ? " " : "\n");
		}
		*ret = text;
		*ret_len = strlen(text);
		return EXIT_OK;
	}
	if (!o->input_path && isatty(0))
		cli_fprintf(stderr, _("portdoctor: paste the error text, then press "
		                      "Ctrl-D (Ctrl-Z Enter on Windows)\n"));
	/* A Windows console hands bytes over in its code page: read it as
	 * UTF-16 instead, so a pasted Chinese message stays itself. */
	r = o->input_path ? 0 : cli_console_read(PD_ERRMSG_MAX_INPUT, ret,
	                                         ret_len);
	if (r > 0)
		return EXIT_OK;
	if (r < 0) {
		cli_error(_("the text could not be read from the console"));
		return EXIT_USAGE;
	}
	r = pd_probe_read_file(o->input_path ? o->input_path : "-",
	                       PD_ERRMSG_MAX_INPUT, err, sizeof(err), ret, ret_len);
	if (r < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

#define MAX_GUESSES 12 /* container ports checked for errors without one */

/* For errors that name no port: the ports the engine's containers publish
 * (those that did not start first), else the common development ports and
 * the port-range verdicts, as doctor gives them.  Added to p after the
 * targets of the errors. */
static int plan_guesses(const pd_snapshot *s, pd_explain *x, plan *p, pd_verdict **ret_v,
                        size_t *ret_nv)
{
	int r = pd_explain_container_guesses(s, MAX_GUESSES, &x->guesses, &x->n_guesses);
	size_t i;

	x->guesses_from_engine = r == 0 && x->n_guesses > 0;
	if (r == 0 && !x->n_guesses) {
		r = pd_explain_common_guesses(&x->guesses, &x->n_guesses);
		if (r == 0)
			r = pd_ranges_check(s, ret_v, ret_nv);
	}
	for (i = 0; r == 0 && i < x->n_guesses; i++)
		if (plan_add(p, &x->guesses[i].target) < 0)
			r = PD_ENOMEM;
	return r;
}

/* Check every endpoint that has a port, in one probe; errors without one
 * are checked through plan_guesses(). */
#ifndef _WIN32
/* Inside WSL, with the Windows host reachable: t joins wp, the plan for
 * the Windows host, and *ret_slot says where; false outside WSL. */
static bool wsl_windows_target(cli_wsl *w, const pd_target *t, plan *wp,
                               size_t *ret_slot)
{
	if (!w->active)
		return false;
	*ret_slot = wp->n_targets;
	return plan_add(wp, t) == 0;
}
#endif

/* A target as the command line writes it ("0.0.0.0:6555",
 * "[::1]:53/udp", "localhost:3000", "8080"): the operand portdoctor.exe
 * is given. */
static void target_operand(const pd_target *t, char *buf, size_t size)
{
	char a[PD_ADDR_STRLEN] = "";
	const char *udp = t->proto == PD_PROTO_UDP ? "/udp" : "";

	if (t->host == PD_HOST_ADDR)
		pd_addr_format(&t->addr, a, sizeof(a));
	if (t->host == PD_HOST_LOCALHOST)
		snprintf(buf, size, "localhost:%u%s", t->port_lo, udp);
	else if (t->host == PD_HOST_ADDR && t->addr.family == PD_FAMILY_V6)
		snprintf(buf, size, "[%s]:%u%s", a, t->port_lo, udp);
	else if (t->host == PD_HOST_ADDR)
		snprintf(buf, size, "%s:%u%s", a, t->port_lo, udp);
	else
		snprintf(buf, size, "%u%s", t->port_lo, udp);
}

/* The Windows host's part of explain inside WSL: the Windows failures'
 * targets checked on its snapshot; *ret_rep is the caller's to free. */
static int check_windows(const cli_opts *o, cli_wsl *w, plan *wp,
                         pd_explain *x, const size_t *slot_w,
                         pd_report **ret_rep)
{
	char **args;
	size_t i;

	if (!wp->n_targets)
		return EXIT_OK;
	args = calloc(wp->n_targets, sizeof(*args));
	for (i = 0; args && i < wp->n_targets; i++) {
		args[i] = malloc(160);
		if (args[i])
			target_operand(&wp->targets[i], args[i], 160);
	}
	/* --windows-exe and the timeout apply as in check. */
	if (args)
		cli_wsl_begin(o, args, wp->n_targets, w);
	for (i = 0; args && i < wp->n_targets; i++)
		free(args[i]);
	free(args);
	for (i = 0; !w->win && i < x->n_items; i++)
		if (slot_w[i] != (size_t)-1)
			x->items[i].why_no_check = w->note;
	if (!w->win)
		return EXIT_OK;
	w->win->machine = "windows_host";
	if (pd_diagnose(w->win, wp->targets, wp->n_targets, ret_rep) < 0) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < x->n_items; i++)
		if (slot_w[i] != (size_t)-1) {
			x->items[i].result = &(*ret_rep)->results[slot_w[i]];
			x->items[i].snap = w->win;
		}
	return EXIT_OK;
}

static int check_all(const cli_opts *o, pd_explain *x, const pd_errmsg *errs,
                     size_t n, pd_snapshot **ret_snap, pd_report **ret_rep,
                     pd_verdict **ret_v, size_t *ret_nv, cli_wsl *w,
                     pd_report **ret_wrep)
{
	plan p, wp;
	pd_probe_opts po;
	size_t i, k = 0, *slot, *slot_w, first_guess;
	bool need_guess = false;
	int ex = EXIT_OK;

	memset(&p, 0, sizeof(p));
	memset(&wp, 0, sizeof(wp));
	/* Inside WSL a Windows failure is checked on the Windows host. */
	if (!o->snapshot_path && !o->n_netsh_paths) {
		pd_probe_wsl(&w->w);
		w->active = w->w.version != 0;
	}
	slot = calloc(n ? n : 1, sizeof(*slot));
	slot_w = calloc(n ? n : 1, sizeof(*slot_w));
	for (i = 0; slot_w && i < n; i++)
		slot_w[i] = (size_t)-1;
	if (!slot || !slot_w) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < n; i++) {
		pd_target t;

		slot[i] = (size_t)-1;
		if (pd_errmsg_target(&errs[i], &t) < 0) {
			x->items[i].why_no_check = _("the text names no port: the host "
			                             "ports checked instead follow the "
			                             "errors");
			need_guess = true;
			continue;
		}
		if (pd_errmsg_from_windows(&errs[i]) && !o->snapshot_path) {
#ifndef _WIN32
			/* Inside WSL the Windows host is asked (below). */
			if (wsl_windows_target(w, &t, &wp, &slot_w[i]))
				continue;
			x->items[i].why_no_check =
				_("this failure happened on Windows: run portdoctor.exe "
				  "there, or `portdoctor check PORT --from-netsh FILE` with "
				  "the output of `netsh int ipv4 show excludedportrange "
				  "protocol=tcp`");
			continue;
#endif
		}
		if (plan_add(&p, &t) < 0) {
			cli_error(_("out of memory"));
			ex = EXIT_PROBE;
			goto out;
		}
		slot[i] = k++;
	}
	ex = check_windows(o, w, &wp, x, slot_w, ret_wrep);
	if (ex || (!p.n_targets && !need_guess))
		goto out;
	plan_probe_opts(&p, o, &po);
	/* The ports to check come from the engine's answer: collect every
	 * listener and its owner so that the probe sees whoever holds them. */
	if (need_guess) {
		po.listeners = true;
		po.owners = 2;
	}
	ex = acquire(o, &po, ret_snap);
	if (ex)
		goto out;
	first_guess = p.n_targets;
	if (need_guess && plan_guesses(*ret_snap, x, &p, ret_v, ret_nv) < 0) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	x->verdicts = *ret_v;
	x->n_verdicts = *ret_nv;
	if (pd_diagnose(*ret_snap, p.targets, p.n_targets, ret_rep) < 0) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	x->report = *ret_rep;
	for (i = 0; i < n; i++)
		if (slot[i] != (size_t)-1)
			x->items[i].result = &(*ret_rep)->results[slot[i]];
	for (i = 0; i < x->n_guesses && first_guess + i < (*ret_rep)->n_results; i++)
		x->guesses[i].result = &(*ret_rep)->results[first_guess + i];
out:
	free(slot);
	free(slot_w);
	plan_done(&p);
	plan_done(&wp);
	return ex;
}

/* explain --json prints a document even when it finds nothing, so that
 * scripts always get one; the exit status stays that of the failure. */
static int report_none(const cli_opts *o, const char *reason, int status)
{
	pd_explain x;
	char *out = NULL;
	int r;

	if (!o->json) {
		cli_error("%s", reason);
		return status;
	}
	memset(&x, 0, sizeof(x));
	x.none_reason = reason;
	r = pd_render_explain_json(&x, &out);
	if (emit(r, out) != EXIT_OK)
		return EXIT_PROBE;
	return status;
}

/* 0 when nothing that was checked is blocked, else EXIT_UNAVAILABLE. */
static int check_status(const pd_explain *x)
{
	size_t i;

	for (i = 0; i < x->n_items; i++)
		if (x->items[i].result && !x->items[i].result->available)
			return EXIT_UNAVAILABLE;
	for (i = 0; i < x->n_guesses; i++)
		if (x->guesses[i].result && !x->guesses[i].result->available)
			return EXIT_UNAVAILABLE;
	for (i = 0; i < x->n_verdicts; i++)
		if (x->verdicts[i].severity >= PD_SEV_WARNING)
			return EXIT_UNAVAILABLE;
	return EXIT_OK;
}

int cmd_explain(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_errmsg *errs = NULL;
	pd_snapshot *snap = NULL;
	pd_report *rep = NULL;
	pd_verdict *verdicts = NULL;
	pd_report *wrep = NULL;
	pd_explain x;
	cli_wsl w;
	char *text = NULL, *out = NULL, reason[256];
	size_t n = 0, len = 0, total = 0, nv = 0, i;
	int ex, r;

	memset(&x, 0, sizeof(x));
	memset(&w, 0, sizeof(w));
	ex = read_input(o, &text, &len);
	if (ex)
		return ex;
	r = pd_errmsg_parse_total(text, len, &errs, &n, &total);
	free(text);
	if (r < 0) {
		snprintf(reason, sizeof(reason), _("cannot read the text: %s"), pd_strerror(r));
		return report_none(o, reason, r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE);
	}
	if (n == 0)
		return report_none(o, _("no port-binding error found in the text"), EXIT_USAGE);
	x.n_found = total;
	x.items = calloc(n, sizeof(*x.items));
	if (!x.items) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	x.n_items = n;
	for (i = 0; i < n; i++) {
		x.items[i].err = &errs[i];
		if (pd_explain_meaning(&errs[i], &x.items[i].meaning) < 0) {
			cli_error(_("out of memory"));
			ex = EXIT_PROBE;
			goto out;
		}
		x.items[i].why_no_check = _("not checked (--offline)");
	}
	if (!o->offline) {
		for (i = 0; i < n; i++)
			x.items[i].why_no_check = NULL;
		ex = check_all(o, &x, errs, n, &snap, &rep, &verdicts, &nv, &w,
		               &wrep);
		if (ex)
			goto out;
	}
	r = o->json ? pd_render_explain_json(&x, &out) :
	    pd_render_explain_text(&x, &ro, &out);
	ex = emit(r, out);
	if (ex == EXIT_OK)
		ex = check_status(&x);
out:
	for (i = 0; x.items && i < x.n_items; i++)
		free(x.items[i].meaning);
	free(x.items);
	free(x.guesses);
	pd_verdicts_free(verdicts, nv);
	pd_report_free(rep);
	pd_report_free(wrep);
	cli_wsl_done(&w);
	pd_snapshot_free(snap);
	pd_errmsg_free(errs, n);
	return ex;
}
