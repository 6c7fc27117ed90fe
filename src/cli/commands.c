/*
 * The commands: parse operands, probe (or replay), diagnose, render,
 * print, and choose the exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/i18n.h"

void plan_done(plan *p)
{
	free(p->targets);
	free(p->binds);
	free(p->ports);
	memset(p, 0, sizeof(*p));
}

int plan_add(plan *p, const pd_target *t)
{
	size_t nports = (size_t)(t->port_hi - t->port_lo) + 1, k;
	pd_target *tt;
	pd_endpoint *eb;
	pd_range *pr;
	unsigned port;

	tt = realloc(p->targets, (p->n_targets + 1) * sizeof(*tt));
	if (!tt)
		return -1;
	p->targets = tt;
	tt[p->n_targets++] = *t;
	pr = realloc(p->ports, (p->n_ports + 1) * sizeof(*pr));
	if (!pr)
		return -1;
	p->ports = pr;
	memset(&pr[p->n_ports], 0, sizeof(*pr));
	pr[p->n_ports].proto = t->proto;
	pr[p->n_ports].start = t->port_lo;
	pr[p->n_ports].end = t->port_hi;
	p->n_ports++;
	if (nports > (PD_TARGET_MAX_PORTS * 2 - p->n_binds) / 2)
		return -1;
	eb = realloc(p->binds, (p->n_binds + 2 * nports) * sizeof(*eb));
	if (!eb)
		return -1;
	p->binds = eb;
	for (port = t->port_lo; port <= t->port_hi; port++) {
		pd_endpoint two[2];
		size_t n = pd_target_endpoints(t, (uint16_t)port, two);

		for (k = 0; k < n; k++)
			p->binds[p->n_binds++] = two[k];
	}
	return 0;
}

int plan_from_args(const cli_opts *o, size_t max_ports, plan *p)
{
	size_t i, total = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < o->n_args; i++) {
		pd_target t;
		int r = pd_target_parse(o->args[i], &t);

		if (r < 0) {
			cli_error(_("bad target '%s': expected PORT, LO-HI, ADDRESS:PORT, "
			            "[IPV6]:PORT or localhost:PORT, optionally /tcp or "
			            "/udp"), o->args[i]);
			plan_done(p);
			return EXIT_USAGE;
		}
		total += (size_t)(t.port_hi - t.port_lo) + 1;
		if (total > max_ports) {
			cli_error(_("too many ports: at most %zu at once here"),
			          max_ports);
			plan_done(p);
			return EXIT_USAGE;
		}
		if (plan_add(p, &t) < 0) {
			cli_error(_("out of memory"));
			plan_done(p);
			return EXIT_PROBE;
		}
	}
	return EXIT_OK;
}

void plan_probe_opts(const plan *p, const cli_opts *o, pd_probe_opts *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->binds = p->binds;
	ret->n_binds = p->n_binds;
	ret->ports = p->ports;
	ret->n_ports = p->n_ports;
	ret->owners = 1;
	ret->containers = !o->no_engine;
}

/* The snapshot to work on: recorded (--snapshot) or probed now. */
int acquire(const cli_opts *o, const pd_probe_opts *po, pd_snapshot **ret)
{
	char err[512] = "";
	int r;

	if (o->n_netsh_paths) {
		if (o->snapshot_path) {
			cli_error(_("--from-netsh and --snapshot exclude each other"));
			return EXIT_USAGE;
		}
		if (strcmp(o->command, "check") != 0 &&
		    strcmp(o->command, "ranges") != 0) {
			cli_error(_("--from-netsh works with check and ranges"));
			return EXIT_USAGE;
		}
		return cli_netsh_snapshot(o->netsh_paths, o->n_netsh_paths, ret);
	}
	if (o->snapshot_path) {
		r = pd_probe_replay(o->snapshot_path, err, sizeof(err), ret);
		if (r < 0) {
			cli_error(_("cannot read snapshot %s"), err);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	r = pd_probe_collect(po, err, sizeof(err), ret);
	if (r < 0) {
		cli_error(_("cannot inspect this machine: %s (%s)"),
		          *err ? err : pd_strerror(r), pd_err_name(r));
		return EXIT_PROBE;
	}
	/* Finding a process by pid is then a binary search. */
	if (pd_snapshot_index_processes(*ret) < 0) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	return EXIT_OK;
}

int emit(int r, char *text)
{
	int ok;

	if (r < 0) {
		cli_error(_("cannot format the output: %s"), pd_strerror(r));
		return EXIT_PROBE;
	}
	ok = cli_write_stdout(text);
	free(text);
	return ok < 0 ? EXIT_PROBE : EXIT_OK;
}

/* Inside WSL, the Windows host's part of check or doctor: its report
 * for the same targets, rendered; NULL text when it was not reached. */
static int windows_part(const cli_opts *o, cli_wsl *w, const plan *p,
                        bool doctor, bool *ret_bad, char **ret)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_report *rep = NULL;
	pd_verdict *v = NULL;
	size_t n = 0, i;
	int r;

	*ret = NULL;
	if (!w->win)
		return 0;
	w->win->machine = "windows_host";
	r = pd_diagnose(w->win, p->targets, p->n_targets, &rep);
	if (r == 0 && doctor)
		r = pd_ranges_check(w->win, &v, &n);
	if (r == 0 && doctor)
		r = o->json ? pd_render_doctor_json(rep, v, n, ret) :
		    pd_render_doctor_text(rep, v, n, &ro, ret);
	else if (r == 0)
		r = o->json ? pd_render_check_json(rep, ret) :
		    pd_render_check_text(rep, &ro, ret);
	for (i = 0; r == 0 && rep && i < rep->n_results; i++)
		*ret_bad = *ret_bad || (!doctor && !rep->results[i].available);
	for (i = 0; r == 0 && i < n; i++)
		*ret_bad = *ret_bad || v[i].severity >= PD_SEV_WARNING;
	pd_verdicts_free(v, n);
	pd_report_free(rep);
	return r;
}

int cmd_check(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	pd_report *rep = NULL;
	plan p;
	cli_wsl w;
	char *text = NULL, *wtext = NULL;
	size_t i;
	int ex, r, rw = 0;
	bool win_bad = false;

	memset(&w, 0, sizeof(w));
	if (!o->n_args) {
		cli_error(_("check needs at least one TARGET"));
		cli_usage("check", true);
		return EXIT_USAGE;
	}
	ex = plan_from_args(o, PD_TARGET_MAX_PORTS, &p);
	if (ex)
		return ex;
	plan_probe_opts(&p, o, &po);
	po.minimal = true;
	cli_wsl_begin(o, o->args, o->n_args, &w);
	ex = acquire(o, &po, &s);
	if (ex)
		goto out;
	if (w.active)
		s->machine = "wsl";
	r = pd_diagnose(s, p.targets, p.n_targets, &rep);
	if (r < 0) {
		cli_error(_("diagnosis failed: %s"), pd_strerror(r));
		ex = EXIT_PROBE;
		goto out;
	}
	cli_wsl_held_inside(&w, rep);
	r = o->json ? pd_render_check_json(rep, &text) :
	    pd_render_check_text(rep, &ro, &text);
	if (w.active) {
		rw = windows_part(o, &w, &p, false, &win_bad, &wtext);
		ex = cli_wsl_emit(o, &w, r, text, rw, wtext);
	} else {
		ex = emit(r, text);
	}
	if (ex == EXIT_OK && win_bad)
		ex = EXIT_UNAVAILABLE;
	for (i = 0; ex == EXIT_OK && i < rep->n_results; i++)
		if (!rep->results[i].available)
			ex = EXIT_UNAVAILABLE;
out:
	cli_wsl_done(&w);
	pd_report_free(rep);
	pd_snapshot_free(s);
	plan_done(&p);
	return ex;
}

static int stdout_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : PD_EIO;
}

/* list --json goes out a socket at a time (pd_render_list_json_stream):
 * 50,000 sockets would otherwise hold the whole document, and a jansson
 * tree ten times its size, in memory. */
static int emit_list_json(const pd_snapshot *s, const pd_render_opts *ro)
{
	int r = pd_render_list_json_stream(s, ro, stdout_write, NULL);

	if (r == 0 && fflush(stdout) != 0)
		r = PD_EIO;
	if (r == PD_EIO) {
		/* A reader that went away (| head) is not an error to report. */
		if (errno == EPIPE)
			return EXIT_OK;
		cli_error(_("cannot write output: %s"), strerror(errno));
		return EXIT_PROBE;
	}
	if (r < 0) {
		cli_error(_("cannot format the output: %s"), pd_strerror(r));
		return EXIT_PROBE;
	}
	return EXIT_OK;
}

int cmd_list(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, o->tcp, o->udp};
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	char *text = NULL;
	int ex, r;

	if (o->n_args) {
		cli_error(_("list takes no operands (did you mean check?)"));
		return EXIT_USAGE;
	}
	memset(&po, 0, sizeof(po));
	po.listeners = true;
	po.tcp = o->tcp;
	po.udp = o->udp;
	po.owners = 2;
	po.containers = !o->no_engine;
	ex = acquire(o, &po, &s);
	if (ex)
		return ex;
	if (o->json) {
		ex = emit_list_json(s, &ro);
	} else {
		r = pd_render_list_text(s, &ro, &text);
		ex = emit(r, text);
	}
	pd_snapshot_free(s);
	return ex;
}

int cmd_ranges(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	pd_verdict *v = NULL;
	size_t n = 0, i;
	char *text = NULL;
	int ex, r;

	if (o->n_args) {
		cli_error(_("ranges takes no operands (but FILEs after "
		            "--from-netsh)"));
		return EXIT_USAGE;
	}
	memset(&po, 0, sizeof(po));
	ex = acquire(o, &po, &s);
	if (ex)
		return ex;
	r = pd_ranges_check(s, &v, &n);
	if (r < 0) {
		cli_error(_("out of memory"));
		pd_snapshot_free(s);
		return EXIT_PROBE;
	}
	ex = cli_picture(o, s, NULL);
	if (ex == EXIT_OK) {
		/* Render first: the order in which emit()'s arguments are
		 * evaluated is unspecified, and text must be set before it is
		 * read. */
		r = o->json ? pd_render_ranges_json(s, v, n, &text) :
		    pd_render_ranges_text(s, v, n, &ro, &text);
		ex = emit(r, text);
	}
	for (i = 0; ex == EXIT_OK && i < n; i++)
		if (v[i].severity >= PD_SEV_WARNING)
			ex = EXIT_UNAVAILABLE;
	pd_verdicts_free(v, n);
	pd_snapshot_free(s);
	return ex;
}

/* doctor and snapshot look at the common development ports (tcp, every
 * address) besides what the user names. */
static int plan_common(plan *p)
{
	size_t i;

	for (i = 0; i < pd_n_common_ports; i++) {
		pd_target t;

		memset(&t, 0, sizeof(t));
		t.proto = PD_PROTO_TCP;
		t.host = PD_HOST_ALL;
		t.port_lo = t.port_hi = pd_common_ports[i];
		if (plan_add(p, &t) < 0)
			return -1;
	}
	return 0;
}

int cmd_doctor(const cli_opts *o)
{
	return cmd_doctor_ex(o, NULL);
}

int cmd_doctor_ex(const cli_opts *o, bool *ret_port_unavailable)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	pd_report *rep = NULL;
	pd_verdict *v = NULL;
	size_t n = 0, i;
	plan p;
	cli_wsl w;
	char *text = NULL, *wtext = NULL;
	int ex = EXIT_PROBE, r, rw;
	bool win_bad = false;

	if (o->n_args) {
		cli_error(_("doctor takes no operands (did you mean check?)"));
		return EXIT_USAGE;
	}
	memset(&p, 0, sizeof(p));
	memset(&w, 0, sizeof(w));
	if (plan_common(&p) < 0) {
		cli_error(_("out of memory"));
		goto out;
	}
	plan_probe_opts(&p, o, &po);
	cli_wsl_begin(o, NULL, 0, &w);
	ex = acquire(o, &po, &s);
	if (ex)
		goto out;
	if (w.active)
		s->machine = "wsl";
	ex = EXIT_PROBE;
	if (pd_diagnose(s, p.targets, p.n_targets, &rep) < 0 ||
	    pd_ranges_check(s, &v, &n) < 0) {
		cli_error(_("out of memory"));
		goto out;
	}
	cli_wsl_held_inside(&w, rep);
	ex = cli_picture(o, s, rep);
	if (ex)
		goto out;
	r = o->json ? pd_render_doctor_json(rep, v, n, &text) :
	    pd_render_doctor_text(rep, v, n, &ro, &text);
	if (w.active) {
		rw = windows_part(o, &w, &p, true, &win_bad, &wtext);
		ex = cli_wsl_emit(o, &w, r, text, rw, wtext);
	} else {
		ex = emit(r, text);
	}
	if (ex == EXIT_OK && win_bad)
		ex = EXIT_UNAVAILABLE;
	for (i = 0; ret_port_unavailable && i < rep->n_results; i++)
		if (!rep->results[i].available)
			*ret_port_unavailable = true;
	for (i = 0; ex == EXIT_OK && i < n; i++)
		if (v[i].severity >= PD_SEV_WARNING)
			ex = EXIT_UNAVAILABLE;
out:
	cli_wsl_done(&w);
	pd_verdicts_free(v, n);
	pd_report_free(rep);
	pd_snapshot_free(s);
	plan_done(&p);
	return ex;
}

int cmd_snapshot(const cli_opts *o)
{
	pd_probe_opts po;
	pd_snapshot *s = NULL;
	plan p;
	char *text = NULL;
	int ex, r;

	if (o->snapshot_path) {
		cli_error(_("snapshot records this machine; --snapshot makes no "
		            "sense here"));
		return EXIT_USAGE;
	}
	ex = plan_from_args(o, PD_TARGET_MAX_PORTS, &p);
	if (ex)
		return ex;
	ex = EXIT_PROBE;
	if (plan_common(&p) < 0) {
		cli_error(_("out of memory"));
		goto out;
	}
	plan_probe_opts(&p, o, &po);
	po.listeners = true;
	po.owners = 2;
	ex = acquire(o, &po, &s);
	if (ex)
		goto out;
	r = pd_snapshot_to_json(s, &text);
	if (r < 0) {
		cli_error(_("cannot format the snapshot: %s"), pd_strerror(r));
		ex = EXIT_PROBE;
		goto out;
	}
	if (o->output_path && strcmp(o->output_path, "-") != 0)
		ex = cli_write_file(o->output_path, text) < 0 ? EXIT_PROBE : EXIT_OK;
	else
		ex = cli_write_stdout(text) < 0 ? EXIT_PROBE : EXIT_OK;
	free(text);
out:
	pd_snapshot_free(s);
	plan_done(&p);
	return ex;
}
