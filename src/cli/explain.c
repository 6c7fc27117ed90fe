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

/* Check every endpoint that has a port, in one probe. */
static int check_all(const cli_opts *o, pd_explain *x, const pd_errmsg *errs,
                     size_t n, pd_snapshot **ret_snap, pd_report **ret_rep)
{
	plan p;
	pd_probe_opts po;
	size_t i, k = 0, *slot;
	int ex = EXIT_OK;

	memset(&p, 0, sizeof(p));
	slot = calloc(n ? n : 1, sizeof(*slot));
	if (!slot) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < n; i++) {
		pd_target t;

		slot[i] = (size_t)-1;
		if (pd_errmsg_target(&errs[i], &t) < 0) {
			x->items[i].why_no_check = _("no port in the text, so nothing "
			                             "to check here");
			continue;
		}
		if (pd_errmsg_from_windows(&errs[i]) && !o->snapshot_path) {
#ifndef _WIN32
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
	if (!p.n_targets)
		goto out;
	plan_probe_opts(&p, o, &po);
	ex = acquire(o, &po, ret_snap);
	if (ex)
		goto out;
	if (pd_diagnose(*ret_snap, p.targets, p.n_targets, ret_rep) < 0) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	x->report = *ret_rep;
	for (i = 0; i < n; i++)
		if (slot[i] != (size_t)-1)
			x->items[i].result = &(*ret_rep)->results[slot[i]];
out:
	free(slot);
	plan_done(&p);
	return ex;
}

int cmd_explain(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_errmsg *errs = NULL;
	pd_snapshot *snap = NULL;
	pd_report *rep = NULL;
	pd_explain x;
	char *text = NULL, *out = NULL;
	size_t n = 0, len = 0, i;
	int ex, r;

	memset(&x, 0, sizeof(x));
	ex = read_input(o, &text, &len);
	if (ex)
		return ex;
	r = pd_errmsg_parse(text, len, &errs, &n);
	free(text);
	if (r < 0) {
		cli_error(_("cannot read the text: %s"), pd_strerror(r));
		return r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
	}
	if (n == 0) {
		cli_error(_("no port-binding error found in the text"));
		return EXIT_USAGE;
	}
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
		ex = check_all(o, &x, errs, n, &snap, &rep);
		if (ex)
			goto out;
	}
	r = o->json ? pd_render_explain_json(&x, &out) :
	    pd_render_explain_text(&x, &ro, &out);
	ex = emit(r, out);
	for (i = 0; ex == EXIT_OK && i < n; i++)
		if (x.items[i].result && !x.items[i].result->available)
			ex = EXIT_UNAVAILABLE;
out:
	for (i = 0; x.items && i < x.n_items; i++)
		free(x.items[i].meaning);
	free(x.items);
	pd_report_free(rep);
	pd_snapshot_free(snap);
	pd_errmsg_free(errs, n);
	return ex;
}
